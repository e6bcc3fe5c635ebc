//! The render data: what Rust hands the templates, as JSON in a virtual
//! file. This is the data contract documented in `templates/CONTRACT.md`;
//! bump [`CONTRACT_VERSION`] with every incompatible change.

use serde::Serialize;

use crate::model::PartialDate;
/// The publication and its look come from the configuration; they are
/// part of the contract all the same.
pub use crate::model::publication::{LangData, PublicationData, StyleData};

/// Version of the data contract between Rust and the templates.
pub const CONTRACT_VERSION: u32 = 5;

/// A run of rich text: styled text (maybe a link) or an endnote reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Run {
    Text {
        text: String,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        emph: bool,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        strong: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        link: Option<String>,
    },
    /// A reviewer's comment, printed only in drafts (as a margin note).
    Comment {
        comment: usize,
        author: Option<String>,
        text: String,
    },
    Note {
        note: usize,
        marker: String,
        /// The first reference carries the label the note links back to.
        first: bool,
        /// Label of the note (the link target).
        label: String,
        /// Label of the note's first reference (where the note links back).
        back: String,
    },
}

/// Paragraphs of runs.
pub type Rich = Vec<Vec<Run>>;

#[derive(Debug, Clone, Serialize)]
pub struct DateData {
    pub iso: String,
    pub display: String,
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl DateData {
    pub fn partial(&self) -> PartialDate {
        PartialDate {
            year: self.year,
            month: self.month,
            day: self.day,
        }
    }
}

impl From<PartialDate> for DateData {
    fn from(date: PartialDate) -> Self {
        Self {
            iso: date.iso(),
            display: date.display(),
            year: date.year,
            month: date.month,
            day: date.day,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageData {
    /// Absolute path inside the project root, already checked to exist.
    pub path: String,
    pub alt: String,
    pub caption: String,
    pub source: Option<String>,
    /// The photographer or agency, printed before the source.
    pub credit: Option<String>,
    pub license: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceData {
    pub author: Option<String>,
    pub title: String,
    pub lang: LangData,
    pub translation: Option<String>,
    pub outlet: String,
    pub outlet_description: Option<String>,
    pub date: Option<DateData>,
    pub url: Option<String>,
    pub excerpt: Rich,
    pub excerpt_lang: Option<LangData>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteData {
    pub number: usize,
    pub marker: String,
    pub label: String,
    pub back: String,
    pub content: Rich,
}

/// What every kind has: identity and metadata.
#[derive(Debug, Clone, Serialize)]
pub struct CommonData {
    pub contract: u32,
    pub kind: &'static str,
    pub id: String,
    pub title: String,
    pub section: Option<String>,
    pub authors: Vec<String>,
    /// `null` for an undated article (or a placeholder date in a draft).
    pub date: Option<DateData>,
    pub lang: LangData,
    pub paper: &'static str,
    pub keywords: Vec<String>,
    /// The issue a member document's own PDF names; `null` otherwise.
    pub issue: Option<IssueRef>,
    pub publication: PublicationData,
    pub style: StyleData,
    /// Whether this is a draft (`build --draft`): every page is marked and
    /// reviewers' comments print.
    pub draft: bool,
    /// The reviewers' comments, numbered (only in drafts).
    pub comments: Vec<CommentData>,
}

/// A reviewer's comment in a draft.
#[derive(Debug, Clone, Serialize)]
pub struct CommentData {
    pub number: usize,
    pub author: Option<String>,
    pub text: String,
    /// The field a `[[comments]]` entry names; `null` for a comment in the text.
    pub field: Option<String>,
}

impl CommonData {
    pub fn partial_date(&self) -> Option<PartialDate> {
        self.date.as_ref().map(DateData::partial)
    }
}

/// The issue a document is printed in.
#[derive(Debug, Clone, Serialize)]
pub struct IssueRef {
    pub publication: String,
    /// "Vol. 14, Issue 2, March 2024".
    pub label: String,
}

/// Everything the article template prints.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleData {
    #[serde(flatten)]
    pub common: CommonData,
    pub image: Option<ImageData>,
    pub pull_quote: Option<String>,
    /// Whether the pull quote's words occur in the body or an excerpt: then
    /// it repeats them and is an artifact screen readers skip; otherwise it
    /// is the only place they are, and is read.
    pub pull_quote_repeated: bool,
    pub body: Rich,
    pub sources: Vec<SourceData>,
    pub notes: Vec<NoteData>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionData {
    pub heading: String,
    pub body: Rich,
}

/// Everything the brief template prints.
#[derive(Debug, Clone, Serialize)]
pub struct BriefData {
    #[serde(flatten)]
    pub common: CommonData,
    pub cover: Option<ImageData>,
    /// One rich-text item per bullet.
    pub takeaways: Vec<Rich>,
    pub body: Rich,
    pub sections: Vec<SectionData>,
    pub sources: Vec<SourceData>,
    pub notes: Vec<NoteData>,
}

/// A section of an issue and its documents, each the data its own template
/// takes (`kind` tells which).
#[derive(Debug, Clone, Serialize)]
pub struct IssueSectionData<Piece> {
    pub name: String,
    pub members: Vec<Piece>,
}

/// Everything the issue template prints.
#[derive(Debug, Clone, Serialize)]
pub struct IssueData<Piece> {
    #[serde(flatten)]
    pub common: CommonData,
    pub volume: u32,
    pub number: u32,
    /// "Vol. 14, Issue 2".
    pub volume_label: String,
    pub cover_headline: Option<String>,
    pub cover: Option<ImageData>,
    pub editor_note: Rich,
    pub sections: Vec<IssueSectionData<Piece>>,
}

/// One line of an entry's facts, e.g. `["Country", "Kyrgyzstan"]`.
pub type Fact = (String, String);

/// Another listing of the same entry (an incident spanning countries).
#[derive(Debug, Clone, Serialize)]
pub struct AlsoListed {
    pub country: String,
    pub label: String,
}

/// One holding of an exercise.
#[derive(Debug, Clone, Serialize)]
pub struct IterationData {
    pub date: Option<DateData>,
    pub facts: Vec<Fact>,
    pub description: Rich,
}

/// A compendium entry as printed.
#[derive(Debug, Clone, Serialize)]
pub struct EntryData {
    /// The entry's label (link target of the contents, index and
    /// cross-references).
    pub label: String,
    /// facility, organization, exercise, structure, cooperation, incident.
    pub kind: &'static str,
    pub name: String,
    /// The English name beside a transliterated exercise title.
    pub english: Option<String>,
    pub acronym: Option<String>,
    pub alt_names: Vec<String>,
    pub facts: Vec<Fact>,
    pub iterations: Vec<IterationData>,
    pub description: Rich,
    pub also: Vec<AlsoListed>,
    pub sources: Vec<SourceData>,
    pub notes: Vec<NoteData>,
}

/// Entries under one heading (a country, or none).
#[derive(Debug, Clone, Serialize)]
pub struct GroupData {
    pub heading: Option<String>,
    pub entries: Vec<EntryData>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompendiumSectionData {
    pub title: String,
    pub groups: Vec<GroupData>,
}

/// An index line: a name, alternate name or acronym and the entry it leads
/// to (`see` names the entry when the term is another name for it).
#[derive(Debug, Clone, Serialize)]
pub struct IndexData {
    pub term: String,
    pub see: Option<String>,
    pub label: String,
}

/// Everything the compendium template prints.
#[derive(Debug, Clone, Serialize)]
pub struct CompendiumData {
    #[serde(flatten)]
    pub common: CommonData,
    pub version: Option<String>,
    pub marking: Option<String>,
    pub description: Rich,
    pub sections: Vec<CompendiumSectionData>,
    pub index: Vec<IndexData>,
}
