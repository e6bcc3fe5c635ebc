//! Model -> render data: rich text parsed into runs, endnotes numbered,
//! dates and languages checked, image paths resolved inside the project.
//! All problems of a document are collected, each pointing at its line.

mod compendium;
pub mod countries;
pub mod data;
pub mod inline;
mod issue;
pub mod lint;
pub mod listing;
pub mod mistakes;
pub mod notes;
pub mod notice;
mod review;
pub mod sort;

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use crate::diag::{Diagnostic, closest};
use crate::fsgate::{self, GateError};
use crate::load::project::Project;
use crate::load::{self, LoadedDocument, SourceFile};
use crate::model::{
    Article, Brief, Comment, DateInput, Document, Image, Kind, Notes, Paper, PartialDate, Source,
};
use data::{
    ArticleData, BriefData, CommentData, CommonData, DateData, ImageData, IssueRef, LangData,
    NoteData, Rich, Run, SectionData, SourceData,
};
use inline::Inline;
use listing::Listing;
use notes::{NoteNumbering, roman};

/// A document ready to typeset.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub id: String,
    /// What it is; also names the template that lays it out
    /// (`templates/<kind>.typ`).
    pub kind: Kind,
    pub title: String,
    /// The date the PDF is stamped with (and Typst's `today`): the
    /// document's own, else its latest source's, else 1980-01-01; never
    /// the clock, so the same input gives the same bytes.
    pub stamp: PartialDate,
    /// The render data as JSON.
    pub data: Vec<u8>,
    /// Places in the TOML file that template checks may name: a template
    /// assertion whose message starts with `[key]` is reported there.
    pub anchors: Vec<(&'static str, Range<usize>)>,
    /// For an issue: its documents, each also built as its own PDF.
    pub members: Vec<Member>,
    /// Files the document includes (an issue's members, a compendium's
    /// parts): its PDF depends on them too.
    pub included: Vec<SourceFile>,
    /// Problems that do not stop the build (see [`lint`]).
    pub warnings: Vec<Diagnostic>,
    /// The images it places and where each is named, for checks on the
    /// laid-out pages (resolution).
    pub images: Vec<ImageRef>,
    /// How the catalogue lists it.
    pub listing: Listing,
}

impl Prepared {
    /// The images it places, an issue's members' included: all that its
    /// layout decodes.
    pub fn images_placed(&self) -> Vec<&ImageRef> {
        self.images
            .iter()
            .chain(self.members.iter().flat_map(|m| &m.prepared.images))
            .collect()
    }
}

/// An image a document places: its path inside the project (as templates
/// read it) and where the document names it.
#[derive(Debug, Clone)]
pub struct ImageRef {
    pub path: String,
    pub file: SourceFile,
    pub span: Range<usize>,
    /// The pixels it decodes to.
    pub pixels: u64,
}

/// A document of an issue, built also as its own PDF.
#[derive(Debug, Clone)]
pub struct Member {
    /// Position in the issue, from 1 (printed as `NN` in its file name).
    pub number: usize,
    pub file: SourceFile,
    pub prepared: Prepared,
}

/// Prepares one loaded document.
pub fn prepare(loaded: &LoadedDocument, project: &Project) -> Result<Prepared, Vec<Diagnostic>> {
    let mut cx = Context::new(&loaded.file, project);
    let prepared = match &loaded.document {
        Document::Issue(issue) => cx.issue(issue),
        Document::Compendium(compendium) => cx.compendium(compendium),
        Document::Notice(_) => {
            cx.errors.push(
                cx.file
                    .error_at(
                        0..0,
                        "a notice is not typeset: it is listed in the catalogue of a folder build",
                    )
                    .with_code("kind")
                    .with_hint("build the folder that holds it"),
            );
            None
        }
        Document::CompendiumPart(_) => {
            cx.errors.push(
                cx.file
                    .error_at(0..0, "a compendium part is built through its compendium")
                    .with_code("kind")
                    .with_hint("build the compendium file whose `include` lists this file"),
            );
            None
        }
        document => cx.piece(document).and_then(|piece| cx.finish(&piece, None)),
    };
    if let Some(prepared) = &prepared {
        cx.errors
            .extend(over_pixel_budget(&prepared.images, project.limits()));
    }
    for file in std::iter::once(&loaded.file).chain(&cx.included) {
        let (placeholders, spaces) = (lint::placeholders(file), lint::odd_spaces(file));
        cx.warnings.extend(placeholders);
        cx.warnings.extend(spaces);
    }
    match prepared {
        Some(mut prepared) if cx.errors.is_empty() => {
            prepared.warnings = cx.warnings;
            Ok(prepared)
        }
        // The warnings too: an editor fixing the errors sees them at once.
        _ => {
            let mut found = cx.errors;
            found.extend(cx.warnings);
            Err(found)
        }
    }
}

/// The images of one document (an issue's members included) decode
/// together: their pixels, each distinct image once, may not pass
/// `[limits] document_megapixels`. The error is at the image that passes it.
fn over_pixel_budget(images: &[ImageRef], limits: &crate::limits::Limits) -> Option<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    let mut total = 0u64;
    for image in images {
        if !seen.insert(image.path.as_str()) {
            continue;
        }
        total += image.pixels;
        if total > limits.document_pixels {
            return Some(
                image
                    .file
                    .error_at(
                        image.span.clone(),
                        format!(
                            "with this image the document's images add up to {:.1} megapixels, over the limit of {} megapixels for one document",
                            total as f64 / 1_000_000.0,
                            limits.document_pixels / 1_000_000
                        ),
                    )
                    .with_code("limit")
                    .with_hint("use smaller images (the screen PDF needs about 2,000 pixels across), or raise `document_megapixels` in [limits]"),
            );
        }
    }
    None
}

/// The render data of a document that can stand alone or sit in an issue.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(untagged)]
enum Piece {
    Article(ArticleData),
    Brief(BriefData),
}

impl Piece {
    fn common(&self) -> &CommonData {
        match self {
            Piece::Article(data) => &data.common,
            Piece::Brief(data) => &data.common,
        }
    }

    fn common_mut(&mut self) -> &mut CommonData {
        match self {
            Piece::Article(data) => &mut data.common,
            Piece::Brief(data) => &mut data.common,
        }
    }
}

struct Context<'a> {
    file: &'a SourceFile,
    project: &'a Project,
    /// What note labels are unique within: the document's id, once known
    /// (and a compendium entry's id within it).
    label_scope: String,
    /// Keys of the document's `[notes]`, which references must name.
    note_keys: Vec<String>,
    /// Spans that template checks may report at (see [`Prepared::anchors`]).
    anchors: Vec<(&'static str, Range<usize>)>,
    /// Files loaded through [`Context::load_included`].
    included: Vec<SourceFile>,
    /// Sources cited so far, by URL or by title and outlet, for duplicates.
    cited: Vec<(String, Range<usize>)>,
    images: Vec<ImageRef>,
    errors: Vec<Diagnostic>,
    /// What does not stop a build but an editor should see.
    warnings: Vec<Diagnostic>,
    /// Reviewers' comments met so far (drafts only).
    comments: Vec<CommentData>,
    /// Endnote markers written as the web page writes them (`[i]`), with
    /// their place in the file, until the notes are checked.
    markers: Vec<(String, Range<usize>)>,
}

/// The date a document's PDF is stamped with: its own, else the latest of
/// its sources', else 1980-01-01 (the earliest a ZIP or PDF tool takes
/// without complaint).
fn stamp(common: &CommonData, sources: &[SourceData]) -> PartialDate {
    common
        .partial_date()
        .or_else(|| {
            sources
                .iter()
                .filter_map(|source| source.date.as_ref().map(DateData::partial))
                .max_by_key(PartialDate::sort_key)
        })
        .unwrap_or(UNDATED)
}

/// The stamp of a document with no date at all.
const UNDATED: PartialDate = PartialDate {
    year: 1980,
    month: Some(1),
    day: Some(1),
};

/// The metadata fields every kind has, borrowed from its model.
struct Meta<'m> {
    kind: &'static str,
    id: Option<&'m Spanned<String>>,
    title: &'m str,
    section: &'m Option<String>,
    authors: &'m [String],
    /// `None` for an undated article.
    date: Option<&'m Spanned<DateInput>>,
    language: Option<&'m Spanned<String>>,
    /// The document's own paper size, if it overrides the project's.
    paper: Option<Paper>,
    keywords: &'m [String],
    comments: &'m [Comment],
}

impl<'a> Context<'a> {
    fn new(file: &'a SourceFile, project: &'a Project) -> Self {
        Self {
            file,
            project,
            label_scope: String::new(),
            note_keys: vec![],
            anchors: vec![],
            included: vec![],
            cited: vec![],
            images: vec![],
            errors: vec![],
            warnings: vec![],
            comments: vec![],
            markers: vec![],
        }
    }

    /// An article or brief.
    fn piece(&mut self, document: &Document) -> Option<Piece> {
        match document {
            Document::Article(article) => self.article(article).map(Piece::Article),
            Document::Brief(brief) => self.brief(brief).map(Piece::Brief),
            _ => None,
        }
    }

    fn article(&mut self, article: &Article) -> Option<ArticleData> {
        let common = self.common(Meta {
            kind: "article",
            id: article.id.as_ref(),
            title: &article.headline,
            section: &article.section,
            authors: &article.authors,
            date: article.date.as_ref(),
            language: article.language.as_ref(),
            paper: article.paper,
            keywords: &article.keywords,
            comments: &article.comments,
        });
        let image = article.image.as_ref().and_then(|image| self.image(image));

        self.note_keys = article.notes.keys().cloned().collect();
        let mut numbering = NoteNumbering::default();
        let body = self.rich(&article.body, &mut numbering, true);
        let sources = self.sources(&article.sources, &mut numbering);
        let notes = self.notes(&article.notes, &numbering);

        let mut common = common?;
        common.comments = self.comments.clone();
        let pull_quote_repeated = article.pull_quote.as_deref().is_some_and(|quote| {
            let texts = std::iter::once(&body).chain(sources.iter().map(|source| &source.excerpt));
            listing::repeats(quote, texts)
        });
        Some(ArticleData {
            common,
            image,
            pull_quote: article.pull_quote.clone(),
            pull_quote_repeated,
            body,
            sources,
            notes,
        })
    }

    fn brief(&mut self, brief: &Brief) -> Option<BriefData> {
        let common = self.common(Meta {
            kind: "brief",
            id: brief.id.as_ref(),
            title: &brief.title,
            section: &brief.section,
            authors: &brief.authors,
            date: Some(&brief.date),
            language: brief.language.as_ref(),
            paper: brief.paper,
            keywords: &brief.keywords,
            comments: &brief.comments,
        });
        let cover = brief.cover.as_ref().and_then(|image| self.image(image));
        if brief.takeaways.get_ref().is_empty() {
            self.errors.push(
                self.file
                    .error_at(
                        brief.takeaways.span(),
                        "a brief needs at least one key takeaway",
                    )
                    .with_code("missing-key"),
            );
        }

        self.note_keys = brief.notes.keys().cloned().collect();
        let mut numbering = NoteNumbering::default();
        let takeaways: Vec<Rich> = brief
            .takeaways
            .get_ref()
            .iter()
            .map(|item| self.rich(item, &mut numbering, true))
            .collect();
        let body = match &brief.body {
            Some(body) => self.rich(body, &mut numbering, true),
            None => Vec::new(),
        };
        let sections: Vec<SectionData> = brief
            .sections
            .iter()
            .map(|section| SectionData {
                heading: section.heading.clone(),
                body: self.rich(&section.body, &mut numbering, true),
            })
            .collect();
        let sources = self.sources(&brief.sources, &mut numbering);
        let notes = self.notes(&brief.notes, &numbering);

        self.anchors.push(("takeaways", brief.takeaways.span()));
        let mut common = common?;
        common.comments = self.comments.clone();
        Some(BriefData {
            common,
            cover,
            takeaways,
            body,
            sections,
            sources,
            notes,
        })
    }

    /// Loads a file another document includes (an issue's member, a
    /// compendium's part), named relative to this one and inside the
    /// project. Problems are errors at `path` in this document.
    fn load_included(&mut self, path: &Spanned<String>) -> Option<LoadedDocument> {
        let written = path.get_ref();
        let shown = self
            .file
            .display
            .parent()
            .map_or(PathBuf::from(written), |d| d.join(written));
        // Worked out from the written path alone: a path leaving the root
        // is refused the same way whether or not something is there.
        let inside = self.project.inside(&self.file.path).and_then(|document| {
            fsgate::join(
                document.parent().unwrap_or(Path::new("")),
                Path::new(written),
            )
        });
        let checked = inside
            .map_err(|_| format!("`{written}` is refused: it points outside the project root"))
            .and_then(|inside| match self.project.gate().identity(&inside) {
                Ok(_) => Ok(inside),
                Err(GateError::NotFound) => Err(format!(
                    "`{written}` not found (looked for {})",
                    shown.display()
                )),
                Err(why) => Err(format!("`{written}` is refused: {why}")),
            });
        let inside = match checked {
            Ok(inside) => inside,
            Err(message) => {
                self.errors.push(
                    self.file
                        .error_at(path.span(), message)
                        .with_code("include"),
                );
                return None;
            }
        };
        let full = self.project.gate().absolute(&inside);
        match load::load(
            self.project.gate(),
            &full,
            &fsgate::normalize(&shown),
            self.project.limits(),
        ) {
            Ok(loaded) => {
                self.included.push(loaded.file.clone());
                Some(loaded)
            }
            Err(diag) => {
                self.errors.push(diag);
                None
            }
        }
    }

    /// Labels are unique per document id, so that the documents of an
    /// issue can share one PDF.
    fn note_label(&self, what: &str, number: usize) -> String {
        format!("bp:{}:{what}:{number}", self.label_scope)
    }

    /// Checks and converts the metadata every kind has.
    fn common(&mut self, meta: Meta) -> Option<CommonData> {
        let id = self.id(meta.id);
        self.label_scope = id.clone();
        let date = meta.date.map_or(Some(None), |date| self.date(date));
        self.field_comments(meta.comments);
        let config = self.project.config();
        let lang = match meta.language {
            Some(lang) => self.lang(lang),
            None => config.language.clone().unwrap_or_else(LangData::english),
        };
        Some(CommonData {
            contract: data::CONTRACT_VERSION,
            kind: meta.kind,
            id,
            title: meta.title.to_string(),
            section: meta.section.clone(),
            authors: meta.authors.to_vec(),
            date: date?.map(DateData::from),
            lang,
            paper: meta.paper.unwrap_or(config.paper).typst_name(),
            keywords: meta.keywords.to_vec(),
            issue: None,
            publication: config.publication.clone(),
            style: config.style.clone(),
            draft: self.project.draft(),
            comments: Vec::new(),
        })
    }

    /// Serializes a piece into a document ready to typeset; `issue` names
    /// the issue it is printed in, for a member's own PDF.
    fn finish(&self, piece: &Piece, issue: Option<IssueRef>) -> Option<Prepared> {
        let mut piece = piece.clone();
        piece.common_mut().issue = issue;
        let (kind, description) = match &piece {
            Piece::Article(data) => (Kind::Article, listing::opening(&data.body)),
            Piece::Brief(data) => (
                Kind::Brief,
                listing::opening(data.takeaways.first().unwrap_or(&data.body)),
            ),
        };
        let common = piece.common();
        let listing = Listing::new(kind, common, Listing::issue_of(common), description);
        let sources = match &piece {
            Piece::Article(data) => &data.sources,
            Piece::Brief(data) => &data.sources,
        };
        Some(Prepared {
            id: common.id.clone(),
            kind,
            title: common.title.clone(),
            stamp: stamp(common, sources),
            data: serde_json::to_vec(&piece).ok()?,
            anchors: self.anchors.clone(),
            members: Vec::new(),
            included: Vec::new(),
            warnings: Vec::new(),
            images: self.images.clone(),
            listing,
        })
    }

    fn sources(&mut self, sources: &[Source], numbering: &mut NoteNumbering) -> Vec<SourceData> {
        sources
            .iter()
            .map(|source| self.source(source, numbering))
            .collect()
    }

    /// The document id: as given, or the file stem. Ids name output files,
    /// so they are restricted to letters, digits, `-`, `_` and `.`.
    fn id(&mut self, id: Option<&Spanned<String>>) -> String {
        let stem = self
            .file
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned());
        let (id, span) = match id {
            Some(id) => (id.get_ref().clone(), Some(id.span())),
            None => (stem.unwrap_or_default(), None),
        };
        let valid = !id.is_empty()
            && !id.starts_with('.')
            && id
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            let message =
                format!("document id `{id}` may only contain letters, digits, `-`, `_` and `.`");
            let diag = match span {
                Some(span) => self.file.error_at(span, message).with_code("id"),
                None => Diagnostic::error(message)
                    .with_code("id")
                    .in_file(&self.file.display)
                    .with_hint("rename the file or set `id = \"...\"`"),
            };
            self.errors.push(diag);
        }
        id
    }

    /// A checked date: `Some(None)` for the placeholder `"TODO"` (flagged
    /// with the other placeholders), `None` when it is invalid (reported).
    fn date(&mut self, date: &Spanned<DateInput>) -> Option<Option<PartialDate>> {
        if date.get_ref().is_placeholder() {
            return Some(None);
        }
        match PartialDate::from_input(date.get_ref()) {
            Ok(parsed) => {
                let today = self.project.time().today();
                if lint::is_future(&parsed, &today) {
                    self.warn(
                        date.span(),
                        "future-date",
                        format!(
                            "{} is in the future (today is {})",
                            parsed.display(),
                            today.display()
                        ),
                    );
                }
                Some(Some(parsed))
            }
            Err(message) => {
                let mut diag = self
                    .file
                    .error_at(date.span(), format!("invalid date: {message}"))
                    .with_code("date");
                let written = self.file.text.get(date.span()).unwrap_or_default();
                if let Some(value) = mistakes::date_in_words(written.trim_matches('"')) {
                    diag = diag
                        .with_hint(format!("write it `date = {value}`"))
                        .with_fix(date.span(), value);
                }
                self.errors.push(diag.with_hint(
                    "a date is written 2024-02-01 (a day), \"2024-02\" (a month) or \"2024\" (a year)",
                ));
                None
            }
        }
    }

    /// Reviewers' `[[comments]]`: in a draft numbered for printing, in a
    /// final build errors at their text. Their field must exist.
    fn field_comments(&mut self, comments: &[Comment]) {
        let table = self.file.table();
        for comment in comments {
            let field = comment.field.get_ref();
            if let Some(table) = table
                && let Err(message) = review::find_field(table, field)
            {
                self.errors.push(
                    self.file
                        .error_at(comment.field.span(), message)
                        .with_code("review-comment"),
                );
                continue;
            }
            if comment.resolved {
                continue;
            }
            let text = comment.text.get_ref().trim().to_string();
            if self.project.draft() {
                self.comments.push(CommentData {
                    number: self.comments.len() + 1,
                    author: comment.by.clone(),
                    text,
                    field: Some(field.clone()),
                });
            } else {
                let by = comment
                    .by
                    .as_deref()
                    .map(|b| format!("{b}: "))
                    .unwrap_or_default();
                self.errors.push(review::unresolved(self.file.error_at(
                    comment.text.span(),
                    format!("unresolved review comment on `{field}`: {by}{text}"),
                )));
            }
        }
    }

    /// Warns about each endnote marker of `field` written as the web page
    /// writes it (`[i]`), which would print as written.
    fn web_markers(&mut self, field: &Spanned<String>) {
        for marker in mistakes::web_markers(field.get_ref()) {
            let span = self.file.span_in_string(field.span(), marker.span);
            let key = marker.key.to_ascii_lowercase();
            self.warnings.push(
                self.file
                    .warning_at(
                        span.clone(),
                        format!(
                            "`[{}]` looks like an endnote marker from the web page; it prints as written",
                            marker.key
                        ),
                    )
                    .with_code("web-marker")
                    .with_hint(format!(
                        "write [^{key}] and add the note under [notes]: {key} = \"...\""
                    ))
                    .with_fix(span.clone(), format!("[^{key}]")),
            );
            self.markers.push((marker.key, span));
        }
    }

    /// A source title with pasted quotation marks (the templates add their
    /// own), or in a script its `lang` contradicts (screen readers would
    /// read it in the wrong language).
    fn title_mistakes(&mut self, source: &Source) {
        let title = &source.title;
        if let Some((open, close)) = mistakes::pasted_quotes(title.get_ref()) {
            let (open, close) = (
                self.file.span_in_string(title.span(), open),
                self.file.span_in_string(title.span(), close),
            );
            self.warnings.push(
                self.file
                    .warning_at(
                        open.start..close.end,
                        "the title is in quotation marks, and the source list adds its own: it would print with two pairs",
                    )
                    .with_code("quoted-title")
                    .with_hint("remove the quotation marks around the title")
                    .with_edit(open, "")
                    .with_edit(close, ""),
            );
        }
        // A placeholder title has no script to compare (it is flagged).
        let lang = &source.lang;
        if let Some((script, suggestion)) =
            mistakes::contradicting_lang(lang.get_ref(), title.get_ref())
                .filter(|_| !lint::has_placeholder(title.get_ref()))
        {
            self.warnings.push(
                self.file
                    .warning_at(
                        lang.span(),
                        format!(
                            "`lang = \"{}\"` does not match the title, which is written in {} script: screen readers would read it as the wrong language",
                            lang.get_ref(),
                            mistakes::script_name(script)
                        ),
                    )
                    .with_code("lang-script")
                    .with_hint(format!(
                        "write the title's language, e.g. `lang = \"{suggestion}\"`"
                    ))
                    .with_fix(lang.span(), format!("\"{suggestion}\"")),
            );
        }
    }

    /// A warning at `span` of the document.
    fn warn(&mut self, span: Range<usize>, code: &'static str, message: impl Into<String>) {
        self.warnings
            .push(self.file.warning_at(span, message).with_code(code));
    }

    /// Remembers a source, warning when the document cited it before (the
    /// same URL, or the same title from the same outlet).
    fn cite(&mut self, source: &Source) {
        let (key, span) = match &source.url {
            Some(url) => (
                url.get_ref().trim().trim_end_matches('/').to_lowercase(),
                url.span(),
            ),
            None => (
                format!(
                    "{}\u{0}{}",
                    source.title.get_ref().trim(),
                    source.outlet.trim()
                ),
                source.title.span(),
            ),
        };
        if let Some((_, first)) = self.cited.iter().find(|(seen, _)| *seen == key) {
            let (line, _) = crate::diag::Location {
                path: self.file.display.clone(),
                text: self.file.text.clone(),
                span: first.clone(),
            }
            .line_col();
            self.warn(
                span,
                "duplicate-source",
                format!("this source is already cited (line {line})"),
            );
        } else {
            self.cited.push((key, span));
        }
    }

    /// Checks a language tag such as `zh`, `ru`, `fa-IR`.
    fn lang(&mut self, tag: &Spanned<String>) -> LangData {
        let text = tag.get_ref();
        LangData::parse(text).unwrap_or_else(|| {
            self.errors.push(
                self.file
                    .error_at(tag.span(), format!("`{text}` is not a language tag"))
                    .with_code("language")
                    .with_hint("use an ISO 639 code such as `zh`, `ru`, `ar`, `fa`, optionally with a region: `fa-IR`"),
            );
            LangData::english()
        })
    }

    fn image(&mut self, image: &Image) -> Option<ImageData> {
        let asset = match self
            .project
            .resolve_asset(&self.file.path, image.path.get_ref())
        {
            Ok(asset) => asset,
            Err(refused) => {
                let mut diag = self
                    .file
                    .error_at(image.path.span(), refused.message)
                    .with_code("image");
                if let Some(instead) = refused.instead {
                    diag = diag
                        .with_hint(format!("write the name as the file spells it: `{instead}`"))
                        .with_fix(image.path.span(), toml::Value::String(instead).to_string());
                }
                self.errors.push(diag);
                return None;
            }
        };
        let path = asset.path;
        if let Some(why) = lint::poor_alt(image.alt.get_ref(), image.path.get_ref()) {
            self.warnings.push(
                self.file
                    .warning_at(image.alt.span(), why)
                    .with_code("alt-text")
                    .with_hint("describe what the image shows, as you would to someone on the phone: screen readers say this instead of the image"),
            );
        }
        for (missing, what, code) in [
            (image.source.is_none(), "source", "image-source"),
            (image.license.is_none(), "license", "image-license"),
        ] {
            if missing {
                self.warnings.push(
                    self.file
                        .warning_at(image.path.span(), format!("the image has no {what}"))
                        .with_code(code)
                        .with_hint(format!(
                            "add `{what} = \"...\"` to the image's table; Image Information prints it"
                        )),
                );
            }
        }
        self.images.push(ImageRef {
            path: path.clone(),
            file: self.file.clone(),
            span: image.path.span(),
            pixels: asset.pixels,
        });
        // Files an SVG links are images of the document too (archives
        // carry them, --emit-typst copies them); their pixels are counted
        // with the SVG's.
        for linked in asset.linked {
            self.images.push(ImageRef {
                path: linked,
                file: self.file.clone(),
                span: image.path.span(),
                pixels: 0,
            });
        }
        Some(ImageData {
            path,
            alt: image.alt.get_ref().clone(),
            caption: image.caption.clone(),
            source: image.source.clone(),
            credit: image.credit.clone(),
            license: image.license.clone(),
        })
    }

    fn source(&mut self, source: &Source, numbering: &mut NoteNumbering) -> SourceData {
        let url = source.url.as_ref().map(|url| {
            if !inline::allowed_link(url.get_ref()) {
                self.errors.push(
                    self.file
                        .error_at(
                            url.span(),
                            format!(
                                "`{}` is not an http, https or mailto address",
                                url.get_ref()
                            ),
                        )
                        .with_code("link"),
                );
            }
            if let Some(why) = lint::malformed_url(url.get_ref()) {
                self.warn(url.span(), "malformed-url", why);
            }
            url.get_ref().clone()
        });
        self.cite(source);
        self.title_mistakes(source);
        SourceData {
            author: source.author.clone(),
            title: source.title.get_ref().clone(),
            lang: self.lang(&source.lang),
            translation: source.translation.clone(),
            outlet: source.outlet.clone(),
            outlet_description: source.outlet_description.clone(),
            date: source
                .date
                .as_ref()
                .and_then(|d| self.date(d).flatten())
                .map(DateData::from),
            url,
            excerpt: source
                .excerpt
                .as_ref()
                .map(|excerpt| self.rich(excerpt, numbering, true))
                .unwrap_or_default(),
            excerpt_lang: source.excerpt_lang.as_ref().map(|lang| self.lang(lang)),
        }
    }

    /// Notes in order of first reference; notes nobody refers to are errors.
    fn notes(&mut self, notes: &Notes, numbering: &NoteNumbering) -> Vec<NoteData> {
        let limit = self.project.limits().notes;
        if notes.len() > limit
            && let Some(first) = notes.values().next()
        {
            self.errors.push(
                self.file
                    .error_at(
                        first.span(),
                        format!(
                            "{} notes, over the limit of {} in one document",
                            notes.len(),
                            limit
                        ),
                    )
                    .with_code("limit"),
            );
            return Vec::new();
        }
        let markers = std::mem::take(&mut self.markers);
        for (key, text) in notes {
            let marker = markers
                .iter()
                .find(|(written, _)| written.eq_ignore_ascii_case(key));
            if !numbering.contains(key)
                && let Some((written, span)) = marker
            {
                // The note's marker is there, written as the web page
                // writes it: the error is at the marker, not at the note.
                self.warnings.retain(|w| {
                    !(w.code == "web-marker"
                        && w.location.as_ref().is_some_and(|l| l.span == *span))
                });
                self.errors.push(
                    self.file
                        .error_at(
                            span.clone(),
                            format!(
                                "note `{key}` is never referenced: `[{written}]` here is its marker as the web page writes it, which prints as written"
                            ),
                        )
                        .with_code("note")
                        .with_hint(format!("write [^{key}]"))
                        .with_fix(span.clone(), format!("[^{key}]")),
                );
            } else if !numbering.contains(key) {
                self.errors.push(
                    self.file
                        .error_at(text.span(), format!("note `{key}` is never referenced"))
                        .with_code("note")
                        .with_hint(format!(
                            "refer to it in the text with [^{key}], or remove it"
                        )),
                );
            }
        }
        let mut unused = NoteNumbering::default();
        let data = numbering
            .keys()
            .iter()
            .enumerate()
            .filter_map(|(index, key)| {
                let text = notes.get(key)?;
                Some(NoteData {
                    number: index + 1,
                    marker: roman(index + 1),
                    label: self.note_label("note", index + 1),
                    back: self.note_label("ref", index + 1),
                    content: self.rich(text, &mut unused, false),
                })
            })
            .collect();
        // Markers in the notes' own text were warned about; they name no
        // note of the next entry.
        self.markers.clear();
        data
    }

    /// Parses a rich-text field; note references are numbered, and must name
    /// a note of the document.
    fn rich(
        &mut self,
        field: &Spanned<String>,
        numbering: &mut NoteNumbering,
        refs_allowed: bool,
    ) -> Rich {
        let literal = field.span();
        self.web_markers(field);
        let paragraphs = match inline::parse(field.get_ref()) {
            Ok(paragraphs) => paragraphs,
            Err(err) => {
                self.errors.push(
                    self.file
                        .error_in_string(literal, err.span, err.message)
                        .with_code("markup"),
                );
                return Vec::new();
            }
        };
        paragraphs
            .into_iter()
            .map(|runs| {
                runs.into_iter()
                    .filter_map(|run| self.run(run, &literal, numbering, refs_allowed))
                    .collect()
            })
            .collect()
    }

    fn run(
        &mut self,
        run: Inline,
        literal: &Range<usize>,
        numbering: &mut NoteNumbering,
        refs_allowed: bool,
    ) -> Option<Run> {
        match run {
            Inline::Text {
                text,
                emph,
                strong,
                link,
            } => Some(Run::Text {
                text,
                emph,
                strong,
                link,
            }),
            Inline::Comment { text, span } => {
                let (author, text) = review::split_author(&text);
                if self.project.draft() {
                    let number = self.comments.len() + 1;
                    self.comments.push(CommentData {
                        number,
                        author: author.clone(),
                        text: text.clone(),
                        field: None,
                    });
                    Some(Run::Comment {
                        comment: number,
                        author,
                        text,
                    })
                } else {
                    let by = author.map(|a| format!("{a}: ")).unwrap_or_default();
                    self.errors
                        .push(review::unresolved(self.file.error_in_string(
                            literal.clone(),
                            span,
                            format!("unresolved review comment: {by}{text}"),
                        )));
                    None
                }
            }
            Inline::NoteRef { key, span } => {
                let error = |message: String| {
                    self.file
                        .error_in_string(literal.clone(), span.clone(), message)
                        .with_code("note")
                };
                if !refs_allowed {
                    self.errors
                        .push(error(format!("note reference [^{key}] inside a note")));
                    return None;
                }
                if !self.note_keys.contains(&key) {
                    let mut diag = error(format!("reference to undefined note `{key}`"));
                    if let Some(near) = closest(&key, self.note_keys.iter().map(String::as_str)) {
                        diag = diag.with_hint(format!("did you mean [^{near}]?"));
                    } else {
                        diag = diag.with_hint(format!("define it under [notes]: {key} = \"...\""));
                    }
                    self.errors.push(diag);
                    return None;
                }
                let (number, first) = numbering.reference(&key);
                Some(Run::Note {
                    note: number,
                    marker: roman(number),
                    first,
                    label: self.note_label("note", number),
                    back: self.note_label("ref", number),
                })
            }
        }
    }
}
