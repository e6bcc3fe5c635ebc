//! The article kind: one piece of a magazine issue, as in the samples.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::common::{Comment, DateInput, Image, Notes, Paper, Source};

/// An analyst's article: headline, lead image, pull quote, analysis body,
/// sources with excerpts, endnotes and image information.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Article {
    /// Always `"article"`; read first to pick this type.
    pub kind: String,
    /// Unique document id; defaults to the file stem.
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    pub headline: String,
    /// Region or section, e.g. "Central Asia".
    pub section: Option<String>,
    /// Printed as a byline at the end of the body.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Optional: the magazine's web articles often carry none. An undated
    /// article prints no date; its PDF is dated by its latest source.
    #[schemars(with = "Option<DateInput>")]
    pub date: Option<Spanned<DateInput>>,
    /// Main language of the document (BCP 47), `en` by default.
    #[schemars(with = "Option<String>")]
    pub language: Option<Spanned<String>>,
    /// Paper size; the project's (`[style] paper`) by default.
    pub paper: Option<Paper>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub image: Option<Image>,
    pub pull_quote: Option<String>,
    /// The analysis (rich text), paragraphs separated by blank lines.
    #[schemars(with = "String")]
    pub body: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub notes: Notes,
    /// Reviewers' comments on fields (see also `{>>...<<}` in rich text).
    #[serde(default)]
    pub comments: Vec<Comment>,
}
