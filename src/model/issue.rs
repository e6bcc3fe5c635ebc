//! The issue kind: a whole magazine number gathering articles and briefs
//! (each its own TOML file) into regional sections.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::common::{Comment, DateInput, Image, Paper};

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    /// Always `"issue"`; read first to pick this type.
    pub kind: String,
    /// Unique document id; defaults to the file stem. Member PDFs go to
    /// `out/<id>/NN-<member id>.pdf`.
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// The publication's name, e.g. "OE Watch"; by default `[publication]
    /// name` in `briefpress.toml` (as for the ISSN, masthead, distribution
    /// statement and disclaimer below).
    pub publication: Option<String>,
    pub volume: u32,
    pub number: u32,
    /// Month and year of the issue.
    #[schemars(with = "DateInput")]
    pub date: Spanned<DateInput>,
    #[schemars(with = "Option<String>")]
    pub issn: Option<Spanned<String>>,
    /// Masthead text (editors, address), printed on the contents page.
    pub masthead: Option<String>,
    pub distribution: Option<String>,
    pub disclaimer: Option<String>,
    /// The headline on the cover.
    pub cover_headline: Option<String>,
    pub cover: Option<Image>,
    /// A note from the editor (rich text), before the first section.
    #[schemars(with = "Option<String>")]
    pub editor_note: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub language: Option<Spanned<String>>,
    /// Paper size; the project's (`[style] paper`) by default.
    pub paper: Option<Paper>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub sections: Vec<IssueSection>,
    /// Reviewers' comments on fields.
    #[serde(default)]
    pub comments: Vec<Comment>,
}

/// A regional section and its documents, in print order.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueSection {
    pub name: String,
    /// Paths of article or brief files, relative to the issue file.
    #[schemars(with = "Vec<String>")]
    pub articles: Vec<Spanned<String>>,
}
