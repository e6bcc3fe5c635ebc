//! The documents as their authors write them: serde types, one per kind,
//! with source spans kept on every field a later stage may complain about.

pub mod article;
pub mod brief;
pub mod common;
pub mod compendium;
pub mod issue;
pub mod notice;

pub use article::Article;
pub use brief::{Brief, Section};
pub use common::{Comment, DateInput, Image, Notes, Paper, PartialDate, Source};
pub use compendium::{Compendium, CompendiumPart};
pub use issue::{Issue, IssueSection};
pub use notice::Notice;

/// Every document kind briefpress typesets.
#[derive(Debug, Clone)]
pub enum Document {
    Article(Article),
    Brief(Brief),
    Issue(Issue),
    Compendium(Compendium),
    /// Entries of a compendium, built through the compendium that includes it.
    CompendiumPart(CompendiumPart),
    /// An announcement listed in the catalogue, not typeset.
    Notice(Notice),
}

impl Document {
    /// The names accepted in a document's `kind` key.
    pub const KINDS: &'static [&'static str] = &[
        "article",
        "brief",
        "issue",
        "compendium",
        "compendium-part",
        "notice",
    ];
}
