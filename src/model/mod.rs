//! The documents as their authors write them: serde types, one per kind,
//! with source spans kept on every field a later stage may complain about.

pub mod article;
pub mod brief;
pub mod common;
pub mod compendium;
pub mod issue;
pub mod notice;
pub mod publication;

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
    /// The kind this document is.
    pub fn kind(&self) -> Kind {
        match self {
            Document::Article(_) => Kind::Article,
            Document::Brief(_) => Kind::Brief,
            Document::Issue(_) => Kind::Issue,
            Document::Compendium(_) => Kind::Compendium,
            Document::CompendiumPart(_) => Kind::CompendiumPart,
            Document::Notice(_) => Kind::Notice,
        }
    }
}

/// What a document is, as its `kind` key names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Article,
    Brief,
    Issue,
    Compendium,
    CompendiumPart,
    Notice,
}

impl Kind {
    /// Every kind, in the order messages list them.
    pub const ALL: [Kind; 6] = [
        Kind::Article,
        Kind::Brief,
        Kind::Issue,
        Kind::Compendium,
        Kind::CompendiumPart,
        Kind::Notice,
    ];

    /// The name written in `kind = "..."`; also the name of the template
    /// (`templates/<name>.typ`) of the kinds that are typeset.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Brief => "brief",
            Kind::Issue => "issue",
            Kind::Compendium => "compendium",
            Kind::CompendiumPart => "compendium-part",
            Kind::Notice => "notice",
        }
    }

    /// The kind `kind = "<name>"` names.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}
