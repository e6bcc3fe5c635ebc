//! File -> model. Reads a document's TOML, picks its kind and deserializes
//! it, turning every syntax and schema error into a diagnostic that points at
//! the offending text (with the closest valid key for unknown keys).

pub mod config;
pub mod project;
mod required;
pub mod schema;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, closest};
use crate::fsgate::{Gate, GateError, human_size};
use crate::limits::{self, Limits};
use crate::model::{Article, Brief, Compendium, CompendiumPart, Document, Issue, Kind, Notice};

/// A document's TOML file as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// How diagnostics name the file (relative to the working directory
    /// where possible).
    pub display: PathBuf,
    pub text: Arc<str>,
    /// The text parsed, once (see [`SourceFile::parse`]): the model, the
    /// limit checks, placeholders, glyph coverage and review comments all
    /// walk this one tree. `None` for a file not parsed (or emptied).
    pub toml: Option<Arc<Toml>>,
}

/// How often each file was parsed, for the test that each is parsed once.
pub static PARSES: crate::fsgate::PerFile = crate::fsgate::PerFile::new();

/// A parsed TOML file, with the span of every key and value.
pub type Toml = toml_edit::ImDocument<String>;

impl SourceFile {
    /// `text` read from `path`, parsed as TOML (the only parse the file
    /// gets). A syntax error is a diagnostic at its place.
    pub fn parse(path: PathBuf, display: PathBuf, text: Arc<str>) -> Result<Self, Diagnostic> {
        let mut file = Self {
            path,
            display,
            text,
            toml: None,
        };
        match parse_toml(&file.path, &file.text) {
            Ok(document) => {
                file.toml = Some(Arc::new(document));
                Ok(file)
            }
            Err(err) => Err(syntax_error(&file, &err)),
        }
    }

    /// The file's top-level table, if it was parsed.
    pub fn table(&self) -> Option<&toml_edit::Table> {
        self.toml.as_deref().map(|document| document.as_table())
    }

    /// A diagnostic pointing at `span` in this file.
    pub fn error_at(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(message).at(&self.display, &self.text, span)
    }

    /// A warning pointing at `span` in this file.
    pub fn warning_at(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(message).at(&self.display, &self.text, span)
    }

    /// A diagnostic pointing at a piece of a string value: `inner` is a byte
    /// range in the decoded string whose literal spans `literal` in the file.
    pub fn error_in_string(
        &self,
        literal: Range<usize>,
        inner: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.error_at(self.span_in_string(literal, inner), message)
    }

    /// [`SourceFile::error_in_string`] for a warning.
    pub fn warning_in_string(
        &self,
        literal: Range<usize>,
        inner: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.warning_at(self.span_in_string(literal, inner), message)
    }

    /// Where in the file the bytes `inner` of a decoded string value are,
    /// the value's literal (quotes included) spanning `literal`: escapes
    /// and line-ending backslashes are accounted for.
    pub fn span_in_string(&self, literal: Range<usize>, inner: Range<usize>) -> Range<usize> {
        let Some(raw) = self.text.get(literal.clone()) else {
            return literal;
        };
        let start = literal.start + raw_offset(raw, inner.start);
        let end = literal.start + raw_offset(raw, inner.end);
        start..end.max(start)
    }
}

/// A document and the file it came from.
#[derive(Debug, Clone)]
pub struct LoadedDocument {
    pub file: SourceFile,
    pub document: Document,
}

/// Reads (through the project's gate) and parses one document file within
/// the project's `limits`.
pub fn load(
    gate: &Gate,
    path: &Path,
    display: &Path,
    limits: &Limits,
) -> Result<LoadedDocument, Diagnostic> {
    let refuse = |message: String, code: &'static str| {
        Diagnostic::error(message).with_code(code).in_file(display)
    };
    let inside = gate.relative(path).map_err(|_| {
        refuse(
            "the document is outside the project root".into(),
            "outside-root",
        )
        .with_hint("build from the project folder or name it with --root")
    })?;
    let data = gate
        .read(&inside, limits.document_bytes as u64)
        .map_err(|why| match why {
            GateError::TooLarge { size, cap } => refuse(
                format!(
                    "the document is {}, over the limit of {} for a document file",
                    human_size(size),
                    human_size(cap)
                ),
                "limit",
            ),
            GateError::Outside => refuse(
                "the document is refused: it leads outside the project root (through a symbolic link)".into(),
                "outside-root",
            ),
            GateError::NotRegular(_) => refuse(format!("the document is refused: {why}"), "not-regular"),
            other => refuse(format!("cannot read the document: {other}"), "io"),
        })?;
    let path = gate.absolute(&inside);
    // Parsed once per read: an issue's members and a compendium's parts,
    // also found as documents of their own, are not parsed again.
    let parsed = data
        .derived(|bytes| Parsed::of(&path, bytes))
        .unwrap_or_else(|| Arc::new(Parsed::of(&path, &data.bytes)));
    from_parsed(&path, display, &parsed, limits)
}

/// A file's text and its TOML tree, or why there is none.
struct Parsed {
    text: Result<Arc<str>, String>,
    toml: Option<Result<Arc<Toml>, toml_edit::TomlError>>,
}

impl Parsed {
    fn of(path: &Path, bytes: &[u8]) -> Self {
        let text = decode(bytes, "document");
        let toml = text
            .as_ref()
            .ok()
            .map(|text| parse_toml(path, text).map(Arc::new));
        Self { text, toml }
    }
}

/// The one place a file's text is parsed.
fn parse_toml(path: &Path, text: &str) -> Result<Toml, toml_edit::TomlError> {
    PARSES.count(path);
    toml_edit::ImDocument::parse(text.to_string())
}

/// The document of a parsed file, within `limits`.
fn from_parsed(
    path: &Path,
    display: &Path,
    parsed: &Parsed,
    limits: &Limits,
) -> Result<LoadedDocument, Diagnostic> {
    let text = parsed.text.clone().map_err(|message| {
        Diagnostic::error(message)
            .with_code("encoding")
            .in_file(display)
    })?;
    let mut file = SourceFile {
        path: path.to_path_buf(),
        display: display.to_path_buf(),
        text,
        toml: None,
    };
    match &parsed.toml {
        Some(Ok(toml)) => file.toml = Some(toml.clone()),
        Some(Err(err)) => return Err(syntax_error(&file, err)),
        None => {}
    }
    let document = parse(&file, limits)?;
    Ok(LoadedDocument { file, document })
}

/// Parses a document's bytes as if read from `path` (for editors' buffers
/// and the fuzz target).
pub fn load_bytes(
    path: &Path,
    display: &Path,
    bytes: &[u8],
    limits: &Limits,
) -> Result<LoadedDocument, Diagnostic> {
    if bytes.len() > limits.document_bytes {
        return Err(Diagnostic::error(format!(
            "the document is {}, over the limit of {} for a document file",
            human_size(bytes.len() as u64),
            human_size(limits.document_bytes as u64)
        ))
        .with_code("limit")
        .in_file(display));
    }
    from_parsed(path, display, &Parsed::of(path, bytes), limits)
}

/// Files are UTF-8; a byte-order mark is accepted and dropped. `what` names
/// the file in messages ("document").
pub fn decode(bytes: &[u8], what: &str) -> Result<Arc<str>, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(format!("the {what} is UTF-16 encoded; save it as UTF-8"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Arc::from(text)),
        Err(err) => Err(format!(
            "the {what} is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8",
            err.valid_up_to()
        )),
    }
}

/// The model of a parsed file, within `limits`.
fn parse(file: &SourceFile, limits: &Limits) -> Result<Document, Diagnostic> {
    let Some(table) = file.table() else {
        return Err(file
            .error_at(0..0, "the document was not parsed")
            .with_code("internal"));
    };
    if let Some(exceeded) = limits::check_toml(table, limits) {
        let diag = match exceeded.inner {
            Some(inner) => file.error_in_string(exceeded.span, inner, exceeded.message),
            None => file.error_at(exceeded.span, exceeded.message),
        };
        return Err(diag.with_code(exceeded.code));
    }
    // The kind picks the schema the rest is read with.
    let Some(kind) = table.get("kind") else {
        return Err(file
            .error_at(0..0, "the document has no `kind`")
            .with_code("kind")
            .with_hint(format!(
                "add a first line such as `kind = \"{}\"`",
                Kind::Article.name()
            )));
    };
    let span = kind.span().unwrap_or(0..0);
    let name = match kind.as_str() {
        Some(name) => name.to_string(),
        None => {
            return Err(file
                .error_at(
                    span,
                    format!("`kind` must be a string, found {}", type_name(kind)),
                )
                .with_code("kind"));
        }
    };
    let Some(kind) = Kind::from_name(&name) else {
        let mut diag = file
            .error_at(span, format!("unknown document kind `{name}`"))
            .with_code("kind");
        let names = Kind::ALL.map(Kind::name);
        if let Some(near) = closest(&name, names.iter().copied()) {
            diag = diag.with_hint(format!("did you mean `{near}`?"));
        }
        return Err(diag.with_hint(format!("known kinds: {}", names.join(", "))));
    };
    Ok(match kind {
        Kind::Article => Document::Article(deserialize::<Article>(file)?),
        Kind::Brief => Document::Brief(deserialize::<Brief>(file)?),
        Kind::Issue => Document::Issue(deserialize::<Issue>(file)?),
        Kind::Compendium => Document::Compendium(deserialize::<Compendium>(file)?),
        Kind::CompendiumPart => Document::CompendiumPart(deserialize::<CompendiumPart>(file)?),
        Kind::Notice => Document::Notice(deserialize::<Notice>(file)?),
    })
}

/// What a TOML item is, as messages name it.
fn type_name(item: &toml_edit::Item) -> &'static str {
    match item {
        toml_edit::Item::Value(toml_edit::Value::InlineTable(_)) | toml_edit::Item::Table(_) => {
            "table"
        }
        toml_edit::Item::Value(value) => value.type_name(),
        toml_edit::Item::ArrayOfTables(_) => "array",
        toml_edit::Item::None => "nothing",
    }
}

/// Deserializes a parsed file into `T` (from its tree, not its text), with
/// errors in the user's terms.
pub fn deserialize<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostic> {
    let Some(document) = &file.toml else {
        return Err(file
            .error_at(0..0, "the file was not parsed")
            .with_code("internal"));
    };
    toml_edit::de::from_document(Toml::clone(document)).map_err(|err| schema_error(file, &err))
}

/// A file that does not parse as TOML: in the analyst's words where the
/// mistake is a known one (see [`explain_syntax`]).
fn syntax_error(file: &SourceFile, err: &toml_edit::TomlError) -> Diagnostic {
    let span = err.span().unwrap_or(0..0);
    if let Some(explained) = explain_syntax(file, &span) {
        return explained;
    }
    let message = err.message().trim();
    let code = if message.starts_with("duplicate key") {
        "duplicate-key"
    } else {
        "syntax"
    };
    file.error_at(span, message).with_code(code)
}

/// A parsed file the schema does not take, in the publication's terms.
fn schema_error(file: &SourceFile, err: &toml_edit::de::Error) -> Diagnostic {
    let span = err.span().unwrap_or(0..0);
    let message = err.message().trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = backticked(rest);
        if let Some((unknown, valid)) = names.split_first() {
            let mut diag = file
                .error_at(span, format!("unknown key `{unknown}`"))
                .with_code("unknown-key");
            if let Some(near) = closest(unknown, valid.iter().map(String::as_str)) {
                diag = diag.with_hint(format!("did you mean `{near}`?"));
            }
            if !valid.is_empty() {
                diag = diag.with_hint(format!("valid keys here: {}", valid.join(", ")));
            }
            return diag;
        }
    }
    if let Some(rest) = message.strip_prefix("missing field ")
        && let Some(field) = backticked(rest).first()
    {
        let table = table_at(file, span.start);
        // Missing from the document itself: shown at its `kind` line, not
        // at the comment the file may start with.
        let span = match (table.is_empty(), kind_line(file)) {
            (true, Some(line)) if span.start == 0 => line,
            _ => span,
        };
        let mut diag = file
            .error_at(span, format!("missing required key `{field}`"))
            .with_code("missing-key");
        if let Some((purpose, line)) = required::explain(&table, field) {
            let place = if table.is_empty() {
                "the document"
            } else {
                "this table"
            };
            diag = diag
                .with_hint(format!("`{field}`: {purpose}"))
                .with_hint(format!("add a line such as `{line}` to {place}"));
        }
        return diag;
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let names = backticked(rest);
        if let Some((unknown, valid)) = names.split_first() {
            return file
                .error_at(span, format!("unknown value `{unknown}`"))
                .with_code("unknown-value")
                .with_hint(format!("expected one of: {}", valid.join(", ")));
        }
    }
    // `invalid value: …, expected …`, `invalid length …, expected …`: a
    // value the schema rejects, which the README counts as syntax.
    let code = if message.starts_with("invalid type: ") {
        "wrong-type"
    } else if message.contains("expected") {
        "syntax"
    } else {
        "invalid"
    };
    let message = message.replace("invalid type: ", "wrong type: ");
    file.error_at(span, message).with_code(code)
}

/// The `kind = "..."` line of a document.
fn kind_line(file: &SourceFile) -> Option<Range<usize>> {
    let (key, value) = file.table()?.get_key_value("kind")?;
    Some(key.span()?.start..value.span()?.end)
}

/// The name of the table whose header (`[image]`, `[[sources]]`) or
/// inline table (`image = { ... }`, an element of `authors = [ ... ]`)
/// starts at byte `at`, found in the parsed tree (the last part of a
/// dotted name, an inline table in an array by its array's): `""` for the
/// document itself.
fn table_at(file: &SourceFile, at: usize) -> String {
    file.table()
        .and_then(|table| table_key(table, at))
        .unwrap_or_default()
}

fn table_key(table: &toml_edit::Table, at: usize) -> Option<String> {
    use toml_edit::{Item, Value};
    let starts = |span: Option<Range<usize>>| span.is_some_and(|s| s.start == at);
    fn in_value(key: &str, value: &Value, at: usize) -> Option<String> {
        match value {
            Value::InlineTable(inline) if inline.span().is_some_and(|s| s.start == at) => {
                Some(key.to_string())
            }
            Value::InlineTable(inline) => inline.iter().find_map(|(k, v)| in_value(k, v, at)),
            Value::Array(array) => array.iter().find_map(|v| in_value(key, v, at)),
            _ => None,
        }
    }
    table.iter().find_map(|(key, item)| match item {
        Item::Table(inner) if starts(inner.span()) => Some(key.to_string()),
        Item::Table(inner) => table_key(inner, at),
        Item::ArrayOfTables(array) => array.iter().find_map(|inner| {
            if starts(inner.span()) {
                Some(key.to_string())
            } else {
                table_key(inner, at)
            }
        }),
        Item::Value(value) => in_value(key, value, at),
        Item::None => None,
    })
}

/// A syntax error in the analyst's words, for the mistakes text pasted from
/// a word processor brings: curly quotes, a quote inside a string, a date
/// with slashes, an invisible space before `=`. `None` for any other.
fn explain_syntax(file: &SourceFile, span: &Range<usize>) -> Option<Diagnostic> {
    let text: &str = &file.text;
    let at = span.start.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    let here = text[at..].chars().next()?;
    let (key, value) = line.split_once('=')?;
    let value_start = line_start + key.len() + 1 + (value.len() - value.trim_start().len());
    let value = value.trim();
    // `headline = “Title”`: word processors curl quotes.
    if matches!(here, '“' | '”' | '„' | '‘' | '’' | '«' | '»') && at == value_start {
        let straight = value
            .replace(['“', '”', '„', '«', '»'], "\"")
            .replace(['‘', '’'], "'");
        return Some(
            file.error_at(
                at..at + here.len_utf8(),
                format!("`{here}` is a curly quotation mark, which TOML does not take for a quote"),
            )
            .with_code("syntax")
            .with_hint(format!(
                "write the value between straight quotes: {}= {straight}",
                key
            ))
            .with_fix(value_start..value_start + value.len(), straight),
        );
    }
    // `title = "He said "no" today"`: the string ended at the second quote.
    if value.starts_with('"') && !value.starts_with("\"\"\"") {
        // The error is right after the quote that closed the string, and
        // the line goes on to another quote: a quote meant inside.
        let closed = text
            .get(value_start + 1..at)
            .and_then(|before| before.rfind('"'))
            .map(|i| value_start + 1 + i);
        let inside = closed.filter(|&quote| at == quote + 1 && text[at..line_end].contains('"'));
        if let Some(quote) = inside {
            let inner = &value[1..value.len().saturating_sub(1)];
            return Some(
                file.error_at(quote..quote + 1, "the string ended early at this quote mark, and the rest of the line is not TOML")
                    .with_code("syntax")
                    .with_hint(format!(
                        "write a quote inside a string as \\\" ({key}= \"{}\"), or put the text between triple single quotes: {key}= \'\'\'{inner}\'\'\'",
                        inner.replace('"', "\\\"")
                    )),
            );
        }
    }
    // `date = 2021/03/03`: dates are written with hyphens.
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = value.split(['/', '.']).collect();
    if parts.len() >= 2
        && parts.iter().all(|p| digits(p))
        && (value.contains('/') || parts.len() == 3)
    {
        let (year, rest) = if parts[0].len() == 4 {
            (parts[0], &parts[1..])
        } else {
            (parts[parts.len() - 1], &parts[..parts.len() - 1])
        };
        let written = match rest {
            [month] => format!("\"{year}-{month:0>2}\""),
            [month, day] if parts[0].len() == 4 => format!("{year}-{month:0>2}-{day:0>2}"),
            [day, month] => format!("{year}-{month:0>2}-{day:0>2}"),
            _ => return None,
        };
        return Some(
            file.error_at(value_start..value_start + value.len(), format!("`{value}` is not a date TOML reads"))
                .with_code("date")
                .with_hint(format!("write dates as YYYY-MM-DD (`2021-03-03`) or, for a month or a year, in quotes (`\"2021-03\"`, `\"2021\"`): {key}= {written}"))
                .with_fix(value_start..value_start + value.len(), written),
        );
    }
    // A no-break or other invisible space in a key.
    if let Some((offset, odd)) = key.char_indices().find(|(_, c)| {
        matches!(
            c,
            '\u{00A0}' | '\u{200B}' | '\u{2007}' | '\u{202F}' | '\u{FEFF}'
        )
    }) {
        let start = line_start + offset;
        return Some(
            file.error_at(
                start..start + odd.len_utf8(),
                format!(
                    "an invisible character (U+{:04X}) stands beside the key",
                    odd as u32
                ),
            )
            .with_code("syntax")
            .with_hint("delete it and type a plain space")
            .with_fix(start..start + odd.len_utf8(), " "),
        );
    }
    None
}

/// The `quoted` names in a serde message, in order.
fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Maps a byte offset in a decoded TOML string to a byte offset in its
/// literal as written (`raw`, quotes included), so that errors inside long
/// multi-line strings point at the exact character.
pub fn raw_offset(raw: &str, decoded: usize) -> usize {
    let (quote, multiline) = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        (&raw[..1], true)
    } else if raw.starts_with('"') || raw.starts_with('\'') {
        (&raw[..1], false)
    } else {
        return decoded.min(raw.len());
    };
    let mut pos = if multiline { 3 } else { 1 };
    if multiline {
        // A newline right after the opening delimiter is not part of the value.
        if raw[pos..].starts_with("\r\n") {
            pos += 2;
        } else if raw[pos..].starts_with('\n') {
            pos += 1;
        }
    }
    let literal = quote == "'";
    let mut out = 0;
    let bytes = raw.as_bytes();
    while out < decoded && pos < raw.len() {
        if !literal && bytes[pos] == b'\\' {
            let next = raw[pos + 1..].chars().next().unwrap_or(' ');
            let (raw_len, decoded_len) = match next {
                'u' => (6, decoded_char_len(&raw[pos + 2..], 4)),
                'U' => (10, decoded_char_len(&raw[pos + 2..], 8)),
                c if c.is_whitespace() => {
                    // Line-ending backslash: skips all following whitespace.
                    let rest = &raw[pos + 1..];
                    let skipped = rest.len() - rest.trim_start().len();
                    (1 + skipped, 0)
                }
                _ => (2, 1),
            };
            pos += raw_len;
            out += decoded_len;
        } else {
            let len = raw[pos..].chars().next().map_or(1, char::len_utf8);
            pos += len;
            out += len;
        }
    }
    pos.min(raw.len())
}

/// UTF-8 length of the character a `\u`/`\U` escape with `digits` hex digits
/// stands for.
fn decoded_char_len(hex: &str, digits: usize) -> usize {
    hex.get(..digits)
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .and_then(char::from_u32)
        .map_or(1, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::parse("t.toml".into(), "t.toml".into(), Arc::from(text))
            .expect("the test text is TOML")
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let f = file("kind = \"article\"\nheadlin = \"x\"\n");
        let diag = parse(&f, &Limits::DEFAULT).unwrap_err();
        assert_eq!(diag.message, "unknown key `headlin`");
        assert_eq!(diag.location.unwrap().line_col(), (2, 1));
        assert_eq!(diag.hints[0], "did you mean `headline`?");
    }

    #[test]
    fn unknown_kind_is_named() {
        let diag = parse(&file("kind = \"artcle\"\n"), &Limits::DEFAULT).unwrap_err();
        assert_eq!(diag.message, "unknown document kind `artcle`");
        assert_eq!(diag.hints[0], "did you mean `article`?");
    }

    #[test]
    fn rejects_utf16_and_accepts_bom() {
        assert!(
            decode(&[0xFF, 0xFE, b'k', 0], "document")
                .unwrap_err()
                .contains("UTF-16")
        );
        assert_eq!(&*decode(b"\xEF\xBB\xBFkind", "document").unwrap(), "kind");
    }

    #[test]
    fn maps_offsets_through_escapes() {
        // decoded: `a"b[^x]`; the reference starts at decoded byte 3.
        let raw = r#""a\"b[^x]""#;
        assert_eq!(&raw[raw_offset(raw, 3)..], "[^x]\"");
        let raw = "\"\"\"\nfirst\\\n   second [^y]\"\"\"";
        // decoded: `firstsecond [^y]`
        assert_eq!(&raw[raw_offset(raw, 12)..], "[^y]\"\"\"");
        let raw = "'''\nliteral \\ [^z]'''";
        assert_eq!(&raw[raw_offset(raw, 10)..], "[^z]'''");
        let raw = r#""\u00e9 [^w]""#;
        assert_eq!(&raw[raw_offset(raw, 3)..], "[^w]\"");
    }

    /// The diagnostic for `text`, whether it does not parse or the schema
    /// refuses it.
    fn refused(text: &str) -> Diagnostic {
        match SourceFile::parse("t.toml".into(), "t.toml".into(), Arc::from(text)) {
            Err(diag) => diag,
            Ok(file) => parse(&file, &Limits::DEFAULT).unwrap_err(),
        }
    }

    /// The text a diagnostic points at.
    fn pointed(diag: &Diagnostic) -> &str {
        let at = diag.location.as_ref().expect("a location");
        &at.text[at.span.clone()]
    }

    /// The text a diagnostic's fix replaces, and what with.
    fn fixed(diag: &Diagnostic) -> (&str, &str) {
        let at = diag.location.as_ref().expect("a location");
        let fix = diag.fix.as_ref().expect("a fix");
        let [(range, with)] = fix.edits.as_slice() else {
            panic!("one edit: {fix:?}");
        };
        (&at.text[range.clone()], with)
    }

    fn line_col(diag: &Diagnostic) -> (usize, usize) {
        diag.location.as_ref().expect("a location").line_col()
    }

    const KIND: &str = "kind = \"article\"\n";

    #[test]
    fn curly_quotes_are_explained_on_any_line_with_or_without_a_space() {
        for (line, column, hint) in [
            ("headline = “Title”", 12, "headline = \"Title\""),
            ("headline =“Title”", 11, "headline = \"Title\""),
            ("headline =  ‘Title’", 13, "headline = 'Title'"),
        ] {
            let diag = refused(&format!("{KIND}{line}\n"));
            assert_eq!(diag.code, "syntax", "{line}");
            let value = line.split('=').nth(1).unwrap().trim();
            let quote = value.chars().next().unwrap();
            assert_eq!(
                diag.message,
                format!(
                    "`{quote}` is a curly quotation mark, which TOML does not take for a quote"
                )
            );
            assert_eq!(pointed(&diag), quote.to_string());
            assert_eq!(line_col(&diag), (2, column), "{line}");
            assert_eq!(
                diag.hints,
                [format!("write the value between straight quotes: {hint}")]
            );
            let straight = hint.split(" = ").nth(1).unwrap();
            assert_eq!(fixed(&diag), (value, straight));
        }
        // Any other character where the value starts is not a curly quote.
        let diag = refused(&format!("{KIND}headline = x\n"));
        assert!(!diag.message.contains("curly"), "{}", diag.message);
    }

    #[test]
    fn a_quote_that_ends_a_string_early_is_explained() {
        let diag = refused(&format!("{KIND}headline = \"He said \"no\" today\"\n"));
        assert_eq!(
            diag.message,
            "the string ended early at this quote mark, and the rest of the line is not TOML"
        );
        assert_eq!((pointed(&diag), line_col(&diag)), ("\"", (2, 21)));
        assert_eq!(
            diag.hints,
            [
                r#"write a quote inside a string as \" (headline = "He said \"no\" today"), or put the text between triple single quotes: headline = '''He said "no" today'''"#
            ]
        );
        // A multi-line string that ends early is not explained so.
        let diag = refused(&format!("{KIND}headline = \"\"\"a\"\"\"b\"\n"));
        assert!(!diag.message.contains("ended early"), "{}", diag.message);
        // No quote further on: TOML's own message.
        for line in ["headline = \"x\" y", "headline = \"x\"y"] {
            let diag = refused(&format!("{KIND}{line}\n"));
            assert_eq!(diag.code, "syntax");
            assert!(!diag.message.contains("ended early"), "{}", diag.message);
        }
    }

    #[test]
    fn dates_with_slashes_or_dots_are_rewritten_in_iso_order() {
        for (written, fix) in [
            ("2021/03/03", "2021-03-03"),
            ("2021/04/03", "2021-04-03"),
            ("03/04/2021", "2021-04-03"),
            ("3.4.2021", "2021-04-03"),
            ("2021/3", "\"2021-03\""),
            ("3/2021", "\"2021-03\""),
        ] {
            let diag = refused(&format!("{KIND}date = {written}\n"));
            assert_eq!(diag.code, "date", "{written}");
            assert_eq!(
                diag.message,
                format!("`{written}` is not a date TOML reads")
            );
            assert_eq!((pointed(&diag), line_col(&diag)), (written, (2, 8)));
            assert_eq!(fixed(&diag), (written, fix));
            assert!(
                diag.hints[0].ends_with(&format!("date = {fix}")),
                "{:?}",
                diag.hints
            );
        }
        // Not all numbers, or an empty part: not taken for a date.
        for written in ["2021/03/x3", "2021//03", "01.5"] {
            let diag = refused(&format!("{KIND}date = {written}\n"));
            assert_ne!(diag.code, "date", "{written}: {}", diag.message);
        }
    }

    #[test]
    fn an_invisible_character_beside_a_key_is_pointed_at() {
        for odd in ['\u{00A0}', '\u{200B}'] {
            let diag = refused(&format!("{KIND}headline{odd}= \"x\"\n"));
            assert_eq!(
                diag.message,
                format!(
                    "an invisible character (U+{:04X}) stands beside the key",
                    odd as u32
                )
            );
            let odd = odd.to_string();
            assert_eq!((pointed(&diag), line_col(&diag)), (&*odd, (2, 9)));
            assert_eq!(fixed(&diag), (&*odd, " "));
        }
    }

    #[derive(Debug, serde::Deserialize)]
    struct Small {
        #[serde(rename = "n")]
        _n: u8,
        #[serde(rename = "m", default, deserialize_with = "never")]
        _m: u8,
    }

    fn never<'de, D: serde::Deserializer<'de>>(_: D) -> Result<u8, D::Error> {
        Err(serde::de::Error::custom("no m is good"))
    }

    #[test]
    fn each_kind_of_schema_and_syntax_error_has_its_code() {
        let schema = |text: &str| deserialize::<Small>(&file(text)).unwrap_err();
        let diag = schema("n = 300\n");
        assert_eq!((diag.code, pointed(&diag)), ("syntax", "300"));
        assert_eq!(diag.message, "invalid value: integer `300`, expected u8");
        let diag = schema("n = \"3\"\n");
        assert_eq!(diag.code, "wrong-type");
        assert!(
            diag.message.starts_with("wrong type: string"),
            "{}",
            diag.message
        );
        let diag = schema("n = 3\nm = 4\n");
        assert_eq!((diag.code, pointed(&diag)), ("invalid", "4"));
        assert_eq!(diag.message, "no m is good");

        let diag = refused(&format!("{KIND}kind = \"brief\"\n"));
        assert_eq!((diag.code, line_col(&diag).0), ("duplicate-key", 2));
        let diag = refused(&format!("{KIND}headline = \"x\n"));
        assert_eq!((diag.code, line_col(&diag).0), ("syntax", 2));

        let diag = refused(&format!("{KIND}headlin = \"x\"\n"));
        assert_eq!(diag.hints.len(), 2, "{:?}", diag.hints);
        assert!(
            diag.hints[1].starts_with("valid keys here: "),
            "{:?}",
            diag.hints
        );
        assert!(diag.hints[1].contains("headline"), "{:?}", diag.hints);
    }

    #[test]
    fn a_missing_key_is_shown_where_it_belongs() {
        // Missing from the document: at its `kind` line, after a comment.
        let diag = refused(&format!("# a note\n{KIND}"));
        assert_eq!(diag.code, "missing-key");
        assert_eq!(pointed(&diag), "kind = \"article\"");
        assert!(
            diag.hints.iter().any(|h| h.ends_with("to the document")),
            "{:?}",
            diag.hints
        );
        let head = format!("{KIND}headline = \"h\"\nbody = \"b\"\ndate = 2024-01-01\n");
        // Missing from a dotted-key table: at its key, not at `kind`.
        let diag = refused(&format!("{head}image.path = \"x.png\"\n"));
        assert_eq!(diag.message, "missing required key `alt`");
        assert_eq!((pointed(&diag), line_col(&diag)), ("image", (5, 1)));
        // Missing from an inline table of an array written over several
        // lines: that table, named after its array.
        let diag = refused(&format!("{head}sources = [\n  {{ title = \"t\" }},\n]\n"));
        assert_eq!(diag.message, "missing required key `lang`");
        assert_eq!(line_col(&diag), (6, 3));
        assert!(diag.hints[0].starts_with("`lang`: the language of the title"));
        assert_eq!(
            diag.hints[1],
            "add a line such as `lang = \"zh\"` to this table"
        );
    }

    #[test]
    fn names_the_table_a_header_or_an_inline_table_starts() {
        let f = file(concat!(
            "[image]\npath = 1\n[[sources]]\nx = 1\n[a.\"b c\"]\n",
            "image = { path = \"p\" }\nauthors = [\n  { name = \"a\" },\n  { name = \"b\" },\n]\n",
            "credit = { person = { name = \"n\" } }\n[d.\"e.f\"]\ng = 1\n",
        ));
        let at = |needle: &str| f.text.find(needle).unwrap();
        assert_eq!(table_at(&f, at("[image]")), "image");
        assert_eq!(table_at(&f, at("[[sources]]")), "sources");
        assert_eq!(table_at(&f, at("[a.")), "b c");
        assert_eq!(table_at(&f, at("[d.")), "e.f");
        assert_eq!(table_at(&f, at("{ path")), "image");
        assert_eq!(table_at(&f, at("{ name = \"b\"")), "authors");
        assert_eq!(table_at(&f, at("{ name = \"n\"")), "person");
        assert_eq!(table_at(&f, at("path = 1")), "");
        assert_eq!(table_at(&f, f.text.len() + 1), "");
    }

    #[test]
    fn maps_offsets_through_every_kind_of_escape() {
        let offset = |raw: &'static str, decoded: usize| &raw[raw_offset(raw, decoded)..];
        // A CRLF right after the opening delimiter is not in the value.
        assert_eq!(offset("\"\"\"\r\nab [^x]\"\"\"", 3), "[^x]\"\"\"");
        // An eight-digit escape is one character of four bytes.
        assert_eq!(offset(r#""\U0001F600 [^x]""#, 5), "[^x]\"");
        // An escaped backslash is one backslash, not a line ending.
        assert_eq!(offset(r#""a\\b [^x]""#, 4), "[^x]\"");
        // Past the end: the end of the literal; an unquoted value as is.
        assert_eq!(raw_offset("\"ab\"", 10), 4);
        assert_eq!(raw_offset("123", 2), 2);
        assert_eq!(raw_offset("123", 5), 3);
    }

    #[test]
    fn points_inside_a_string_and_keeps_the_severity() {
        let f = file("headline = \"a\\tb [^x]\"\n");
        let literal = f.text.find('"').unwrap()..f.text.rfind('"').unwrap() + 1;
        let error = f.error_in_string(literal.clone(), 4..8, "e");
        assert_eq!(pointed(&error), "[^x]");
        assert_eq!(error.severity, crate::diag::Severity::Error);
        let warning = f.warning_in_string(literal.clone(), 4..8, "w");
        assert_eq!(pointed(&warning), "[^x]");
        assert_eq!(warning.severity, crate::diag::Severity::Warning);
        // An empty or reversed piece points at its start.
        assert_eq!(f.span_in_string(literal.clone(), 4..4), 17..17);
        let reversed = Range { start: 8, end: 4 };
        assert_eq!(f.span_in_string(literal, reversed), 21..21);
        assert_eq!(f.span_in_string(100..104, 0..1), 100..104);
    }
}
