//! The notice kind: an announcement of a publication briefpress does not
//! typeset (a book, a report), listed in the offline catalogue with its
//! cover and, when the project holds it, its PDF.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::common::DateInput;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// Always `"notice"`.
    pub kind: String,
    /// Unique id; defaults to the file stem.
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    pub title: String,
    #[serde(default)]
    pub authors: Vec<String>,
    #[schemars(with = "DateInput")]
    pub date: Spanned<DateInput>,
    /// Where the catalogue lists it, e.g. "Books".
    pub section: Option<String>,
    /// What it is, a paragraph or two (plain text).
    pub description: Option<String>,
    /// A cover image, relative to this file.
    pub cover: Option<NoticeCover>,
    /// The publication as a PDF inside the project, relative to this file;
    /// without it the catalogue says it is not available offline.
    #[schemars(with = "Option<String>")]
    pub pdf: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeCover {
    #[schemars(with = "String")]
    pub path: Spanned<String>,
    /// What the cover shows, for screen readers.
    pub alt: String,
}
