//! One diagnostic type for every stage, rendered the way compilers do:
//! `file:line:col`, the offending source line and a caret under the span.

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in a user's file (a TOML document or a template), or with
/// a document as a whole when there is no place to point at.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable name for the kind of problem (`unknown-key`, `limit`,
    /// `missing-glyph`, ...), for tools reading `--format json`.
    pub code: &'static str,
    pub message: String,
    /// The file the problem is in, with the text of that file so that the
    /// line can be shown, and the byte range of the offending text.
    pub location: Option<Box<Location>>,
    /// Extra advice, printed as `= help: ...`.
    pub hints: Vec<String>,
    /// A correction a tool may apply without asking (`--format json`
    /// carries it), in the file of [`Diagnostic::location`].
    pub fix: Option<Fix>,
}

/// A machine-applicable correction: each edit replaces a byte range of the
/// file with new text (ranges do not overlap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub edits: Vec<(Range<usize>, String)>,
}

/// A byte range in a file whose text we hold.
#[derive(Debug, Clone)]
pub struct Location {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub span: Range<usize>,
}

impl Location {
    /// One-based line and column (in characters) of the span's start.
    pub fn line_col(&self) -> (usize, usize) {
        let start = floor_char_boundary(&self.text, self.span.start.min(self.text.len()));
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code: "error",
            message: message.into(),
            location: None,
            hints: vec![],
            fix: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            code: "warning",
            ..Self::error(message)
        }
    }

    /// Names the kind of problem (see [`Diagnostic::code`]).
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// Points the diagnostic at `span` in the file `path` whose text is `text`.
    pub fn at(mut self, path: &Path, text: &Arc<str>, span: Range<usize>) -> Self {
        self.location = Some(Box::new(Location {
            path: path.to_path_buf(),
            text: text.clone(),
            span,
        }));
        self
    }

    /// Names the file when the diagnostic points at no line yet (layout,
    /// export and verification problems of a whole document).
    pub fn placed_in(self, path: &Path) -> Self {
        if self.location.is_none() {
            self.in_file(path)
        } else {
            self
        }
    }

    /// Names the file without a position (for problems with a whole file).
    pub fn in_file(mut self, path: &Path) -> Self {
        self.location = Some(Box::new(Location {
            path: path.to_path_buf(),
            text: Arc::from(""),
            span: 0..0,
        }));
        self
    }

    /// Attaches a correction: replace `span` of the file with `replacement`
    /// (more edits with [`Diagnostic::with_edit`]).
    pub fn with_fix(self, span: Range<usize>, replacement: impl Into<String>) -> Self {
        self.with_edit(span, replacement)
    }

    /// Adds one edit to the diagnostic's correction.
    pub fn with_edit(mut self, span: Range<usize>, replacement: impl Into<String>) -> Self {
        self.fix
            .get_or_insert_with(|| Fix { edits: Vec::new() })
            .edits
            .push((span, replacement.into()));
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The `--format json` form of a diagnostic: one object per line.
#[derive(Debug, serde::Serialize)]
pub struct JsonDiagnostic<'a> {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub severity: &'static str,
    pub code: &'static str,
    pub message: &'a str,
    /// The hints, one per line; `null` without any.
    pub hint: Option<String>,
    /// The correction's edits, each a range of the file (byte offsets and
    /// one-based line and column) and its replacement; `null` without one.
    pub fix: Option<Vec<JsonEdit<'a>>>,
}

/// One edit of a [`Fix`], as `--format json` prints it.
#[derive(Debug, serde::Serialize)]
pub struct JsonEdit<'a> {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub replacement: &'a str,
}

impl Diagnostic {
    /// The message, never empty.
    pub fn message(&self) -> &str {
        if self.message.trim().is_empty() {
            "this cannot be read (no further reason was given)"
        } else {
            &self.message
        }
    }

    pub fn to_json(&self) -> JsonDiagnostic<'_> {
        let position = self
            .location
            .as_ref()
            .filter(|loc| !loc.text.is_empty())
            .map(|loc| loc.line_col());
        JsonDiagnostic {
            file: self
                .location
                .as_ref()
                .map(|loc| loc.path.to_string_lossy().replace('\\', "/")),
            line: position.map(|(line, _)| line),
            column: position.map(|(_, column)| column),
            severity: match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            code: self.code,
            message: self.message(),
            hint: (!self.hints.is_empty()).then(|| self.hints.join("\n")),
            fix: self.json_fix(),
        }
    }

    /// The correction's edits with their places in the file.
    fn json_fix(&self) -> Option<Vec<JsonEdit<'_>>> {
        let (fix, location) = (self.fix.as_ref()?, self.location.as_ref()?);
        let place = |offset: usize| {
            Location {
                span: offset..offset,
                ..(**location).clone()
            }
            .line_col()
        };
        Some(
            fix.edits
                .iter()
                .map(|(span, replacement)| {
                    let (line, column) = place(span.start);
                    let (end_line, end_column) = place(span.end);
                    JsonEdit {
                        start: span.start,
                        end: span.end,
                        line,
                        column,
                        end_line,
                        end_column,
                        replacement,
                    }
                })
                .collect(),
        )
    }

    /// The human form with ANSI colours (what `Display` gives, coloured).
    pub fn coloured(&self) -> String {
        const RESET: &str = "\x1b[0m";
        let plain = self.to_string();
        let mut out = String::with_capacity(plain.len() + 64);
        for (index, line) in plain.lines().enumerate() {
            if index == 0 {
                let (label, colour) = match self.severity {
                    Severity::Error => ("error", "\x1b[1;31m"),
                    Severity::Warning => ("warning", "\x1b[1;33m"),
                };
                let rest = line.strip_prefix(label).unwrap_or(line);
                out.push_str(&format!("{colour}{label}{RESET}\x1b[1m{rest}{RESET}"));
            } else if line.trim_start().starts_with("= help:") {
                out.push_str(&format!("\x1b[36m{line}{RESET}"));
            } else if line.trim_start().starts_with("-->") || line.trim_end().ends_with('|') {
                out.push_str(&format!("\x1b[34m{line}{RESET}"));
            } else if line.contains(" | ") && line.trim_end().ends_with('^') {
                let (gutter, marks) = line.split_at(line.find(" | ").map_or(0, |i| i + 3));
                out.push_str(&format!("\x1b[34m{gutter}{RESET}\x1b[1;31m{marks}{RESET}"));
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", escaped(self.message()))?;
        if let Some(loc) = &self.location {
            let path_text = loc.path.to_string_lossy();
            let path = escaped(&path_text);
            if loc.text.is_empty() {
                writeln!(f, "  --> {path}")?;
            } else {
                let (line, col) = loc.line_col();
                let number = line.to_string();
                let pad = " ".repeat(number.len());
                writeln!(f, "{pad}--> {path}:{line}:{col}")?;
                let source_line = loc.text.lines().nth(line - 1).unwrap_or("");
                let width = caret_width(source_line, col, &loc.text, &loc.span);
                let (shown, caret_col) = window(source_line, col);
                writeln!(f, "{pad} |")?;
                writeln!(f, "{number} | {shown}")?;
                let width = width.min(WINDOW.saturating_sub(caret_col - 1)).max(1);
                let mut marker = String::new();
                let _ = write!(marker, "{}{}", " ".repeat(caret_col - 1), "^".repeat(width));
                writeln!(f, "{pad} | {marker}")?;
            }
        }
        for hint in &self.hints {
            writeln!(f, "  = help: {}", escaped(hint))?;
        }
        Ok(())
    }
}

/// The most columns of a source line shown.
const WINDOW: usize = 120;

/// At most [`WINDOW`] characters of `line` around column `col` (one-based),
/// with every character a terminal would act on shown as a visible sign
/// (one character each, so the caret stays under its column), and the
/// caret's column in what is shown.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    let (start, cut_left) = if chars.len() <= WINDOW || col <= WINDOW / 2 {
        (0, false)
    } else {
        (
            (col - 1)
                .saturating_sub(WINDOW / 2)
                .min(chars.len().saturating_sub(WINDOW)),
            true,
        )
    };
    let end = (start + WINDOW).min(chars.len());
    let mut shown = String::new();
    if cut_left {
        shown.push('…');
    }
    shown.extend(chars[start..end].iter().map(|&c| visible(c)));
    if end < chars.len() {
        shown.push('…');
    }
    (shown, col - start + usize::from(cut_left))
}

/// A sign for a character a terminal would act on (control characters,
/// bidi controls), the character itself otherwise.
fn visible(c: char) -> char {
    match c {
        '\t' => ' ',
        '\u{0}'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        c if c.is_control() || is_bidi_control(c) => '\u{FFFD}',
        c => c,
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with control and bidi control characters written as `\u{…}`, so
/// that echoing a user's text cannot clear a terminal or reverse a line.
pub fn escaped(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' || is_bidi_control(c))
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_control() && c != '\n' || is_bidi_control(c) {
            let _ = write!(out, "\\u{{{:04X}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The most diagnostics shown for one document; the rest are counted.
pub const PER_DOCUMENT: usize = 50;

/// At most [`PER_DOCUMENT`] of a document's diagnostics, then one that says
/// how many more there were.
pub fn capped(diags: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut shown: Vec<Diagnostic> = diags.iter().take(PER_DOCUMENT).cloned().collect();
    if diags.len() > PER_DOCUMENT {
        let mut more = Diagnostic::error(format!(
            "… and {} more problems in this document (the first {PER_DOCUMENT} are shown)",
            diags.len() - PER_DOCUMENT
        ))
        .with_code("truncated");
        if let Some(loc) = diags.first().and_then(|d| d.location.as_ref()) {
            more = more.in_file(&loc.path);
        }
        shown.push(more);
    }
    shown
}

/// How many carets to draw: the span's length in characters, clipped to the
/// end of the line and at least one.
fn caret_width(line: &str, col: usize, text: &str, span: &Range<usize>) -> usize {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    let spanned = text[start..end].chars().take_while(|&c| c != '\n').count();
    let rest_of_line = line.chars().count().saturating_sub(col - 1);
    spanned.min(rest_of_line).max(1)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The closest of `candidates` to `word`, if it is close enough to be a
/// plausible typo, or a key written with a word added (`accent_colour` for
/// `accent`).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(2);
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let typo = candidates
        .iter()
        .map(|c| (edit_distance(&word, &c.to_lowercase()), *c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c);
    typo.or_else(|| {
        candidates
            .iter()
            .filter(|c| c.len() >= 3)
            .filter(|c| {
                let c = c.to_lowercase();
                word.starts_with(&format!("{c}_")) || word.ends_with(&format!("_{c}"))
            })
            .max_by_key(|c| c.len())
            .copied()
    })
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_column_and_caret() {
        let text: Arc<str> = Arc::from("kind = \"article\"\nheadlin = \"x\"\n");
        let diag = Diagnostic::error("unknown key `headlin`")
            .at(Path::new("a.toml"), &text, 17..24)
            .with_hint("did you mean `headline`?");
        let shown = diag.to_string();
        assert!(shown.contains("--> a.toml:2:1"), "{shown}");
        assert!(shown.contains("2 | headlin = \"x\""), "{shown}");
        assert!(shown.contains("  | ^^^^^^^\n"), "{shown}");
        assert!(
            shown.contains("= help: did you mean `headline`?"),
            "{shown}"
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text: Arc<str> = Arc::from("title = \"习近平\" x");
        let loc = Location {
            path: "a".into(),
            text: text.clone(),
            span: 20..21,
        };
        assert_eq!(loc.line_col(), (1, 15));
    }

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["headline", "section", "sources"];
        assert_eq!(closest("headlin", keys), Some("headline"));
        assert_eq!(closest("source", keys), Some("sources"));
        assert_eq!(closest("zzzzzz", keys), None);
    }
}

/// Every diagnostic code, as `--format json` prints it in `code`, with
/// what it means. Scripts may rely on these names; a new code is added
/// here (a test checks that every code the source sets is listed, and that
/// the README lists them all).
pub const CODES: &[(&str, &str)] = &[
    (
        "alt-text",
        "warning: an image's alt text is empty or a file name, which screen readers would give instead of a description",
    ),
    (
        "bidi-control",
        "a bidi embedding, override or isolate control in a string that is never closed or closes nothing (it would turn the direction of the text after it)",
    ),
    (
        "catalogue",
        "the catalogue of a folder build (index.html, catalogue.pdf, thumbnails, SHA256SUMS) could not be written",
    ),
    (
        "config",
        "a problem in `briefpress.toml`: it cannot be read, a value in it is invalid, its logo cannot be used, or a font family it names is not available",
    ),
    (
        "conformance",
        "the PDF fails a rule of a standard it claims (PDF/A or PDF/UA), as the built-in validator checks its final bytes; the rule and the validator's finding are named",
    ),
    (
        "control-character",
        "a control character in a string (often pasted with text from another program), which cannot be printed",
    ),
    (
        "country",
        "a country that is not an ISO 3166-1 alpha-2 code (compendium entries)",
    ),
    (
        "date",
        "a date that cannot be read (not a valid year, month or day, or one with a time of day)",
    ),
    (
        "document-title",
        "the PDF does not ask viewers to show its title, or its title is empty (PDF/UA, Matterhorn 07)",
    ),
    (
        "duplicate-id",
        "two documents of a run, or two members of an issue, have the same id",
    ),
    (
        "duplicate-key",
        "a key written twice in the same TOML table",
    ),
    (
        "duplicate-name",
        "two compendium entries of the same section (and country) have the same name",
    ),
    (
        "duplicate-source",
        "warning: a source cited twice in a document (the same URL, or the same title from the same outlet)",
    ),
    (
        "empty",
        "a field that must say something is blank (headline, title, alt, outlet, takeaways, cover_headline), or an issue has no sections or a section no articles (warnings)",
    ),
    (
        "encoding",
        "a document that is not UTF-8 (UTF-16, or invalid bytes)",
    ),
    (
        "error",
        "the default for an error given no specific code (e.g. a project root that is not a folder, an out-of-range date at PDF export, a `briefpress.toml` that is not UTF-8)",
    ),
    (
        "file-name",
        "a file whose name is not valid UTF-8, found while looking for documents",
    ),
    (
        "font",
        "a font cannot be read: a bundled one, or one in a `--font-path` folder",
    ),
    (
        "future-date",
        "warning: a date after today (`SOURCE_DATE_EPOCH` when set)",
    ),
    (
        "heading-levels",
        "the PDF's headings skip a level (an H3 after an H1) or do not start at H1 (Matterhorn 14): a template's heading levels",
    ),
    (
        "id",
        "a document id or compendium entry id that is empty or has characters other than letters, digits, `-`, `_` and `.`",
    ),
    (
        "image",
        "an image (or a notice's cover) that cannot be used: not found, outside the project, not a supported format, or over the size or pixel limit for one image",
    ),
    ("image-license", "warning: an image without `license`"),
    ("image-source", "warning: an image without `source`"),
    (
        "import",
        "`briefpress import` cannot read the source (not UTF-8 text, an encrypted or legacy Word file, a damaged or oversized .docx, none of the article layout's blocks); as a warning, tracked changes taken as accepted",
    ),
    (
        "include",
        "a file a document names cannot be used: an issue's member, a compendium part (not found, refused, not a part, or included twice), a PDF a notice lists",
    ),
    (
        "internal",
        "a bug in briefpress or Typst (a panic, contained to its document, or a state that should not happen)",
    ),
    (
        "invalid",
        "a TOML or schema error that no more specific code covers",
    ),
    (
        "io",
        "a file cannot be read or written (an operating-system error), including the build manifest (a warning) and `--emit-typst` output",
    ),
    (
        "kind",
        "a document without `kind`, with a `kind` that is not a string or not known, or of a kind not built on its own (a notice, a compendium part)",
    ),
    (
        "lang-script",
        "a source's `lang` contradicts the script its title is written in (an Arabic-letter title at `lang = \"ru\"`)",
    ),
    (
        "language",
        "a language that is not a language tag (an ISO 639 code, optionally with a region: `fa-IR`)",
    ),
    (
        "layout",
        "a template's check on the document failed at layout (e.g. the Key Takeaways box is taller than a page), reported at the document's line",
    ),
    (
        "limit",
        "a limit of `[limits]` is exceeded: document or field size, nesting depth, combining marks, a PDF string's length, notes, a document's image pixels, compendium entries",
    ),
    (
        "link",
        "a link that is not an http, https or mailto address",
    ),
    (
        "low-resolution",
        "warning: an image prints under 300 dpi at its placed size (outside the print profile, where it is `preflight`)",
    ),
    (
        "malformed-url",
        "warning: a URL with spaces or no valid host name, or a mailto address that is not an e-mail address",
    ),
    ("markup", "rich text whose inline markup cannot be read"),
    (
        "missing-glyph",
        "a character no bundled or added font can print (it would print as an empty box)",
    ),
    (
        "missing-key",
        "a required key is missing or empty (e.g. a brief's takeaways, an exercise's iterations, an incident's country, an issue's publication name)",
    ),
    (
        "not-regular",
        "a document path that is not a regular file (a folder or a special file)",
    ),
    (
        "not-verified",
        "warning: a standard the PDF claims could not be checked (the validator could not read the file); never reported as passed",
    ),
    (
        "note",
        "a note never referenced, or a note reference that names no note or stands where references are not allowed",
    ),
    (
        "odd-space",
        "whitespace that is not a plain space in a text (a tab, an em space, a zero-width space, several no-break spaces in a row)",
    ),
    (
        "off-page",
        "text runs past the edge of a page and would be cut (a block taller than a page, or a word wider than the line)",
    ),
    (
        "output-collision",
        "two documents of a run would write the same output file",
    ),
    (
        "output-over-input",
        "an output would overwrite a file the run reads; nothing was written",
    ),
    (
        "outside-root",
        "a path outside the project root, or a symbolic link leading out of it (a warning for a folder not searched)",
    ),
    (
        "pdf-export",
        "Typst's PDF export refused the document (e.g. a PDF/A or PDF/UA requirement not met)",
    ),
    (
        "placeholder",
        "a `TODO` placeholder, as `briefpress new` writes them, is left in: a warning in `check` and `build --draft`, an error that refuses the document in a build without `--draft`",
    ),
    (
        "preflight",
        "print profile: an image prints under 300 dpi at its placed size (`low-resolution`, made an error)",
    ),
    (
        "print-boxes",
        "print profile: the bleed and trim boxes could not be added to the PDF",
    ),
    (
        "print-pages",
        "print profile: the printed interior is not a whole number of sheets (a multiple of 4 pages)",
    ),
    (
        "quoted-title",
        "a source title in quotation marks, which the source list adds itself",
    ),
    (
        "reserved-folder",
        "a document's PDFs would go into a folder briefpress writes itself (print/, archive/, preview/, thumbnails/ of the output folder)",
    ),
    (
        "review-comment",
        "an unresolved reviewer's comment in a final (not `--draft`) build, or a `[[comments]]` entry whose field is not in the document",
    ),
    (
        "syntax",
        "TOML that does not parse, or a value the schema rejects (`invalid value …, expected …`)",
    ),
    (
        "template",
        "an error or warning Typst raises in a template, or a project template that cannot be read",
    ),
    (
        "template-contract",
        "a project template that does not name the data contract this briefpress provides, or names another",
    ),
    (
        "truncated",
        "more problems in one document than are shown (the first 50); says how many more",
    ),
    (
        "unknown-key",
        "a key the document's kind (or the configuration) does not have; the nearest valid one is suggested",
    ),
    (
        "unknown-value",
        "a value that is not one of those the key allows",
    ),
    (
        "usage",
        "a problem with the command line itself (exit code 2)",
    ),
    (
        "warning",
        "the default for a warning given no specific code (none at present: every warning has its own)",
    ),
    (
        "web-marker",
        "an endnote marker written as the web page writes it (`[i]`, `[12]`), which prints as written; a note never referenced whose marker is written so is a `note` error at the marker",
    ),
    (
        "wrong-type",
        "a value of the wrong type (e.g. a number where text is expected)",
    ),
];

#[cfg(test)]
mod code_table_tests {
    use super::CODES;

    #[test]
    fn codes_are_sorted_and_unique() {
        for pair in CODES.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "`{}` must come before `{}`, once",
                pair[0].0,
                pair[1].0
            );
        }
    }

    #[test]
    fn codes_are_lowercase_words_with_meanings() {
        for (code, meaning) in CODES {
            let words: Vec<&str> = code.split('-').collect();
            assert!(
                words
                    .iter()
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "`{code}` is not lowercase words joined by `-`"
            );
            assert!(!meaning.trim().is_empty(), "`{code}` has no meaning");
            assert!(
                !meaning.contains('|'),
                "`{code}`: a `|` breaks the README's table"
            );
        }
    }
}
