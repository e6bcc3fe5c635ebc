//! The brief kind: a standalone research brief with authors, a date and a
//! Key Takeaways box; the body is optional (a brief may be only a cover and
//! its takeaways).

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::common::{Comment, DateInput, Image, Notes, Paper, Source};

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Brief {
    /// Always `"brief"`; read first to pick this type.
    pub kind: String,
    /// Unique document id; defaults to the file stem.
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    pub title: String,
    /// Series, region or section, e.g. "Central Asia".
    pub section: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[schemars(with = "DateInput")]
    pub date: Spanned<DateInput>,
    /// Main language of the document (BCP 47), `en` by default.
    #[schemars(with = "Option<String>")]
    pub language: Option<Spanned<String>>,
    /// Paper size; the project's (`[style] paper`) by default.
    pub paper: Option<Paper>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Cover image.
    pub cover: Option<Image>,
    /// Key Takeaways: one bullet (rich text) each.
    #[schemars(with = "Vec<String>")]
    pub takeaways: Spanned<Vec<Spanned<String>>>,
    /// Text before the first section (rich text).
    #[schemars(with = "Option<String>")]
    pub body: Option<Spanned<String>>,
    #[serde(default)]
    pub sections: Vec<Section>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub notes: Notes,
    /// Reviewers' comments on fields (see also `{>>...<<}` in rich text).
    #[serde(default)]
    pub comments: Vec<Comment>,
}

/// A headed section of a brief's body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub heading: String,
    /// Rich text, paragraphs separated by blank lines.
    #[schemars(with = "String")]
    pub body: Spanned<String>,
}
