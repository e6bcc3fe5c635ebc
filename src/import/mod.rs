//! `briefpress import`: an article or brief written elsewhere, turned into
//! a first TOML document for the analyst to review.
//!
//! Each reader (`text`, the web page's text layout; HTML and Word next)
//! fills a [`Draft`]; [`write`] turns it into TOML. The importer never
//! invents: whatever it had to guess becomes an open `[[comments]]` entry
//! by `import` on that field (a final build refuses the document until the
//! analyst resolves them, a `--draft` build prints them), and whatever it
//! could not place is kept in a comment at the end of the file.

pub mod docx;
pub mod html;
pub mod inline;
pub mod lang;
pub mod text;
pub mod write;

/// What the importer produces: a document of the schema, in the fields an
/// analyst writes, ready to be written as TOML.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub kind: DraftKind,
    /// The headline of an article, the title of a brief.
    pub title: String,
    pub authors: Vec<String>,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, only when the source says it.
    pub date: Option<String>,
    pub image: Option<DraftImage>,
    pub pull_quote: Option<String>,
    /// Rich-text paragraphs, markup escaped, endnote markers as `[^key]`.
    pub body: Vec<String>,
    /// Key Takeaways (rich text), a brief's.
    pub takeaways: Vec<String>,
    pub sources: Vec<DraftSource>,
    /// Endnotes in the order of their markers: key and rich text.
    pub notes: Vec<(String, String)>,
    /// Open comments by `import`: the field (as `[[comments]]` names it)
    /// and what the analyst should check.
    pub comments: Vec<(String, String)>,
    /// Text the importer found no field for, as it was.
    pub unplaced: Vec<String>,
    /// Reviewers' comments found in the source (Word's): field, author and
    /// text, open.
    pub reviews: Vec<(String, String, String)>,
    /// Files to write beside the document (the lead image from a Word
    /// manuscript): path relative to it, and bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// What the analyst should know about the import as a whole (tracked
    /// changes taken as accepted).
    pub warnings: Vec<String>,
}

/// The kinds an import can produce.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DraftKind {
    #[default]
    Article,
    Brief,
}

impl DraftKind {
    /// The name `kind = "..."` gives it.
    pub fn name(self) -> &'static str {
        match self {
            DraftKind::Article => "article",
            DraftKind::Brief => "brief",
        }
    }
}

/// The lead image (an article's) or cover (a brief's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftImage {
    /// Where the analyst is to put the file, relative to the document.
    pub path: String,
    pub alt: String,
    pub caption: String,
    pub source: Option<String>,
    pub credit: Option<String>,
    pub license: Option<String>,
}

/// A cited source with its excerpts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftSource {
    pub author: Option<String>,
    pub title: String,
    pub lang: String,
    pub translation: Option<String>,
    pub outlet: String,
    pub outlet_description: Option<String>,
    /// `YYYY-MM-DD` (written as a TOML date), `YYYY-MM` or `YYYY`.
    pub date: Option<String>,
    pub url: Option<String>,
    /// Rich-text paragraphs.
    pub excerpt: Vec<String>,
}

impl Draft {
    /// Records a guess on `field` for the analyst to confirm.
    pub fn guess(&mut self, field: impl Into<String>, text: impl Into<String>) {
        self.comments.push((field.into(), text.into()));
    }
}

/// How deep the readers follow nested elements: far beyond any real page
/// or manuscript, far below what would exhaust the stack.
pub const MAX_DEPTH: usize = 256;

/// The warning for content nested deeper than [`MAX_DEPTH`].
fn too_deep() -> String {
    format!(
        "part of the source is nested more than {MAX_DEPTH} elements deep and was not read: \
         check the text against the original"
    )
}

/// Why a source cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Rich text as written: the characters the inline markup would read
/// (`\ * [ ]`) escaped, runs of spaces collapsed (as printing does), and
/// the emphasis and links a reader found as markup.
pub fn rich(text: &str) -> String {
    inline::markup(&squeeze(text))
}

/// A plain field's text: whitespace runs (line breaks too) as one space,
/// ends trimmed, what a reader marked as emphasis or a link's target
/// dropped.
pub fn collapse(text: &str) -> String {
    inline::plain(&squeeze(text))
}

/// Whitespace runs as one space, ends trimmed.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
