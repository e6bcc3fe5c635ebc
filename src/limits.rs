//! Limits checked before anything is compiled, so that a hostile or broken
//! file fails fast with a clear message instead of exhausting the machine.

use std::ops::Range;

/// The limits of one run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Size of a document's TOML file.
    pub document_bytes: usize,
    /// Size of one string value in a document.
    pub field_bytes: usize,
    /// Endnotes in one document (or one compendium entry).
    pub notes: usize,
    /// Pixels of one raster image, judged from its header before decoding.
    pub image_pixels: u64,
    /// Pixels of all images of one document (an issue with its members).
    pub document_pixels: u64,
    /// Entries of one compendium, its parts included.
    pub compendium_entries: usize,
    /// Nesting depth of tables and arrays in a document.
    pub nesting: usize,
    /// Combining marks on one character (grapheme cluster): 30 is the
    /// Unicode stream-safe limit.
    pub combining_marks: usize,
    /// Size of one image file, from its metadata before reading.
    pub image_bytes: u64,
    /// Size of one template file of the project's own.
    pub template_bytes: u64,
    /// Size of a PDF a notice lists.
    pub pdf_bytes: u64,
}

impl Limits {
    /// The limits unless `[limits]` in `briefpress.toml` says otherwise:
    /// generous for real briefs, small enough that no document can take the
    /// machine down.
    pub const DEFAULT: Limits = Limits {
        document_bytes: 2 * 1024 * 1024,
        field_bytes: 256 * 1024,
        notes: 500,
        image_pixels: 50_000_000,
        document_pixels: 150_000_000,
        compendium_entries: 10_000,
        nesting: 32,
        combining_marks: 30,
        image_bytes: 64 * 1024 * 1024,
        template_bytes: 1024 * 1024,
        pdf_bytes: 256 * 1024 * 1024,
    };
}

impl Limits {
    /// The largest file of any kind the project may read: the cap for
    /// files named only by a build manifest.
    pub fn largest_file(&self) -> u64 {
        (self.document_bytes as u64)
            .max(self.image_bytes)
            .max(self.template_bytes)
            .max(self.pdf_bytes)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A value over a limit: where, and what the message says.
#[derive(Debug)]
pub struct Exceeded {
    /// The value in the file.
    pub span: Range<usize>,
    /// Where in the value's decoded text, when it is one character or run.
    pub inner: Option<Range<usize>>,
    pub message: String,
    pub code: &'static str,
}

impl Exceeded {
    fn whole(span: Option<Range<usize>>, message: String) -> Self {
        Self {
            span: span.unwrap_or(0..0),
            inner: None,
            message,
            code: "limit",
        }
    }
}

/// Checks string sizes and contents and nesting depth of a document's
/// parsed TOML (its top-level table).
pub fn check_toml(table: &toml_edit::Table, limits: &Limits) -> Option<Exceeded> {
    walk_table(table, 1, limits)
}

fn walk_table(table: &toml_edit::Table, depth: usize, limits: &Limits) -> Option<Exceeded> {
    table
        .iter()
        .find_map(|(key, item)| walk_item(key, item, depth, limits))
}

fn walk_item(key: &str, item: &toml_edit::Item, depth: usize, limits: &Limits) -> Option<Exceeded> {
    match item {
        toml_edit::Item::Value(value) => walk_value(key, value, depth, limits),
        toml_edit::Item::Table(table) => {
            deeper(table.span(), depth, limits).or_else(|| walk_table(table, depth + 1, limits))
        }
        toml_edit::Item::ArrayOfTables(array) => deeper(array.span(), depth, limits)
            .or_else(|| array.iter().find_map(|t| walk_table(t, depth + 1, limits))),
        toml_edit::Item::None => None,
    }
}

fn walk_value(
    key: &str,
    value: &toml_edit::Value,
    depth: usize,
    limits: &Limits,
) -> Option<Exceeded> {
    match value {
        toml_edit::Value::String(text) if text.value().len() > limits.field_bytes => {
            Some(Exceeded::whole(
                value.span(),
                format!(
                    "this text is {} KB, over the limit of {} KB for one field",
                    text.value().len().div_ceil(1024), // 2049 bytes: 3 KB, over 2
                    limits.field_bytes / 1024
                ),
            ))
        }
        toml_edit::Value::String(text) => {
            text_problem(key, text.value(), limits).map(|(inner, message, code)| Exceeded {
                span: value.span().unwrap_or(0..0),
                inner: Some(inner),
                message,
                code,
            })
        }
        toml_edit::Value::Array(array) => deeper(value.span(), depth, limits).or_else(|| {
            array
                .iter()
                .find_map(|v| walk_value(key, v, depth + 1, limits))
        }),
        toml_edit::Value::InlineTable(table) => deeper(value.span(), depth, limits).or_else(|| {
            table
                .iter()
                .find_map(|(key, v)| walk_value(key, v, depth + 1, limits))
        }),
        _ => None,
    }
}

/// Fields whose text also becomes a string in the PDF (title, author,
/// bookmarks, alt text, link targets), which PDF/A caps at 32,767 bytes.
const PDF_STRING_FIELDS: &[&str] = &[
    "headline", "title", "subtitle", "authors", "author", "alt", "url", "section", "label", "name",
];

/// The most characters of a field that becomes a PDF string (UTF-16, up to
/// four bytes a character, stays under PDF/A's 32,767 bytes).
pub const PDF_STRING_CHARS: usize = 8_000;

/// Fields that must say something when they are given: a blank headline
/// or title makes an empty heading (PDF/UA refuses it at export, with no
/// place to point at), blank alt text describes nothing, a blank takeaway
/// or outlet prints an empty line.
const NOT_BLANK: &[&str] = &[
    "headline",
    "title",
    "alt",
    "outlet",
    "takeaways",
    "cover_headline",
];

/// What in a string cannot be laid out safely or would print wrongly:
/// control characters, bidi embeddings and isolates that are not closed
/// (or close nothing), runs of combining marks past the limit, and fields
/// too long for a PDF string. The byte range is in the decoded text.
pub fn text_problem(
    key: &str,
    text: &str,
    limits: &Limits,
) -> Option<(Range<usize>, String, &'static str)> {
    use unicode_segmentation::UnicodeSegmentation as _;
    if NOT_BLANK.contains(&key) && text.trim().is_empty() {
        return Some((
            0..text.len(),
            format!("`{key}` is empty; write it, or remove the key where it is optional"),
            "empty",
        ));
    }
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let line_end = c == '\n' || (c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n'));
        if c.is_control() && c != '\t' && !line_end {
            return Some((
                at..at + c.len_utf8(),
                format!(
                    "the control character U+{:04X} cannot be printed; remove it (it often comes with text pasted from another program)",
                    c as u32
                ),
                "control-character",
            ));
        }
    }
    for (line_start, line) in lines_with_offsets(text) {
        if let Some((at, message)) = unbalanced_bidi(line) {
            let at = line_start + at;
            let len = text[at..].chars().next().map_or(1, char::len_utf8);
            return Some((at..at + len, message, "bidi-control"));
        }
    }
    for (at, cluster) in text.grapheme_indices(true) {
        let marks = cluster.chars().count().saturating_sub(1);
        if marks > limits.combining_marks {
            return Some((
                at..at + cluster.len(),
                format!(
                    "this character carries {marks} combining marks, over the limit of {}",
                    limits.combining_marks
                ),
                "limit",
            ));
        }
    }
    let count = text.chars().count();
    if PDF_STRING_FIELDS.contains(&key) && count > PDF_STRING_CHARS {
        return Some((
            0..text.len(),
            format!(
                "this {key} is {count} characters; it also goes into the PDF's metadata, bookmarks or links, which hold at most {PDF_STRING_CHARS}"
            ),
            "limit",
        ));
    }
    None
}

/// The lines of a text (a bidi run ends with its paragraph) and where each
/// starts.
fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split('\n').map(move |line| {
        let at = start;
        start += line.len() + 1;
        (at, line)
    })
}

/// The first bidi embedding, override or isolate control of a line that
/// closes nothing or is never closed, and why.
fn unbalanced_bidi(line: &str) -> Option<(usize, String)> {
    // Open controls: (position, is an isolate).
    let mut open: Vec<(usize, bool)> = Vec::new();
    for (at, c) in line.char_indices() {
        match c {
            '\u{202A}'..='\u{202B}' | '\u{202D}'..='\u{202E}' => open.push((at, false)),
            '\u{2066}'..='\u{2068}' => open.push((at, true)),
            '\u{202C}' => {
                if open.last().is_some_and(|(_, isolate)| !isolate) {
                    open.pop();
                } else {
                    return Some((
                        at,
                        "this U+202C (pop directional formatting) closes no embedding; remove it"
                            .into(),
                    ));
                }
            }
            '\u{2069}' => match open.iter().rposition(|(_, isolate)| *isolate) {
                Some(index) => open.truncate(index),
                None => {
                    return Some((
                        at,
                        "this U+2069 (pop directional isolate) closes no isolate; remove it".into(),
                    ));
                }
            },
            _ => {}
        }
    }
    open.first().map(|(at, _)| {
        let c = line[*at..].chars().next().unwrap_or(' ');
        (
            *at,
            format!(
                "this U+{:04X} (a direction control) is never closed, so it turns the direction of the text after it; close it with U+{} or remove it",
                c as u32,
                if matches!(c, '\u{2066}'..='\u{2068}') { "2069" } else { "202C" }
            ),
        )
    })
}

fn deeper(span: Option<Range<usize>>, depth: usize, limits: &Limits) -> Option<Exceeded> {
    (depth > limits.nesting).then(|| {
        Exceeded::whole(
            span,
            format!(
                "tables and arrays are nested deeper than the limit of {} levels",
                limits.nesting
            ),
        )
    })
}

/// Width and height of a PNG, JPEG, GIF or WebP image from its header,
/// without decoding it (`head` is the whole file: a JPEG's frame header may
/// come after long metadata). `None` if the header says nothing usable.
pub fn image_size(head: &[u8]) -> Option<(u64, u64)> {
    let be16 = |b: &[u8]| u64::from(u16::from_be_bytes([b[0], b[1]]));
    let le16 = |b: &[u8]| u64::from(u16::from_le_bytes([b[0], b[1]]));
    let be32 = |b: &[u8]| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    if head.starts_with(b"\x89PNG\r\n\x1a\n") && head.len() >= 24 && &head[12..16] == b"IHDR" {
        return Some((be32(&head[16..20]), be32(&head[20..24])));
    }
    if (head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a")) && head.len() >= 10 {
        return Some((le16(&head[6..8]), le16(&head[8..10])));
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") && head.len() >= 30 {
        let le24 = |b: &[u8]| u64::from(b[0]) | u64::from(b[1]) << 8 | u64::from(b[2]) << 16;
        return match &head[12..16] {
            b"VP8X" => Some((le24(&head[24..27]) + 1, le24(&head[27..30]) + 1)),
            b"VP8L" => {
                let bits = u32::from_le_bytes([head[21], head[22], head[23], head[24]]);
                Some((
                    u64::from(bits & 0x3FFF) + 1,
                    u64::from((bits >> 14) & 0x3FFF) + 1,
                ))
            }
            b"VP8 " => Some((le16(&head[26..28]) & 0x3FFF, le16(&head[28..30]) & 0x3FFF)),
            _ => None,
        };
    }
    if head.starts_with(&[0xFF, 0xD8]) {
        // The first start-of-frame, however far into the file it is
        // (comments and metadata may come first).
        let (_, frame) = jpeg_segments(head).find(|(marker, _)| is_jpeg_frame(*marker))?;
        let size = frame.get(5..9)?;
        return Some((be16(&size[2..4]), be16(&size[0..2])));
    }
    None
}

/// Whether a JPEG marker starts a frame (its header gives the size).
pub fn is_jpeg_frame(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// The marker segments at the head of a JPEG, each as its marker and its
/// bytes (marker and length included), up to and including the first frame
/// header (which may be cut short); they end early where the data does or
/// is malformed, and at the image data or the end of the image.
pub fn jpeg_segments(data: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    let mut pos = 2;
    let mut done = false;
    std::iter::from_fn(move || {
        while !done {
            // Markers may be padded with fill bytes.
            while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
                pos += 1;
            }
            let (Some(0xFF), Some(&marker)) = (data.get(pos), data.get(pos + 1)) else {
                done = true;
                break;
            };
            if matches!(marker, 0x01 | 0xD0..=0xD7) {
                pos += 2;
                continue;
            }
            let length = data
                .get(pos + 2..pos + 4)
                .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
            // A frame header may be cut short: its size comes first.
            let segment = length
                .filter(|length| *length >= 2 && !matches!(marker, 0xD9 | 0xDA))
                .map(|length| pos + 2 + length)
                .and_then(|end| {
                    if is_jpeg_frame(marker) {
                        data.get(pos..end.min(data.len()))
                    } else {
                        data.get(pos..end)
                    }
                });
            let Some(segment) = segment else {
                done = true;
                break;
            };
            pos += segment.len();
            done = is_jpeg_frame(marker);
            return Some((marker, segment));
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `check_toml` finds in a document's text.
    fn exceeded(toml: &str, limits: &Limits) -> Option<Exceeded> {
        check_toml(
            toml_edit::ImDocument::parse(toml).unwrap().as_table(),
            limits,
        )
    }

    #[test]
    fn the_readme_table_gives_the_defaults() {
        // Every row of the README's "Limits and their defaults", in the
        // units `[limits]` takes, equals the default a run uses.
        let readme = include_str!("../README.md");
        let table = readme
            .split("**Limits and their defaults**")
            .nth(1)
            .expect("the README has the limits table");
        let rows: Vec<(&str, u64)> = table
            .lines()
            .skip_while(|line| !line.starts_with("| `"))
            .take_while(|line| line.starts_with("| `"))
            .map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let number = cells[2].split_whitespace().next().unwrap_or("");
                (cells[1].trim_matches('`'), number.parse().unwrap_or(0))
            })
            .collect();
        let d = Limits::DEFAULT;
        let (kb, mb) = (1024, 1024 * 1024);
        let expected = [
            ("document_kb", d.document_bytes as u64 / kb),
            ("field_kb", d.field_bytes as u64 / kb),
            ("notes", d.notes as u64),
            ("nesting", d.nesting as u64),
            ("image_megapixels", d.image_pixels / 1_000_000),
            ("document_megapixels", d.document_pixels / 1_000_000),
            ("image_mb", d.image_bytes / mb),
            ("combining_marks", d.combining_marks as u64),
            ("compendium_entries", d.compendium_entries as u64),
            ("template_kb", d.template_bytes / kb),
            ("pdf_mb", d.pdf_bytes / mb),
        ];
        assert_eq!(rows, expected);
        // Exact multiples: a default is never a fraction of its unit.
        assert_eq!(
            d.image_bytes % mb + d.pdf_bytes % mb + d.template_bytes % kb,
            0
        );
    }

    #[test]
    fn the_largest_file_is_the_largest_cap() {
        let d = Limits::DEFAULT;
        assert_eq!(d.largest_file(), 256 * 1024 * 1024);
        let images = Limits {
            image_bytes: 512 * 1024 * 1024,
            ..d
        };
        assert_eq!(images.largest_file(), 512 * 1024 * 1024);
        let documents = Limits {
            document_bytes: 1 << 30,
            template_bytes: 1 << 29,
            ..d
        };
        assert_eq!(documents.largest_file(), 1 << 30);
        let templates = Limits {
            template_bytes: 1 << 30,
            ..d
        };
        assert_eq!(templates.largest_file(), 1 << 30);
    }

    #[test]
    fn nesting_is_counted_through_tables_arrays_and_inline_tables() {
        let limits = Limits {
            nesting: 4,
            ..Limits::DEFAULT
        };
        let check = |toml: &str| exceeded(toml, &limits).map(|found| found.message);
        let deep =
            |text: &str| check(text).is_some_and(|m| m.contains("deeper than the limit of 4"));
        // Four levels of each kind pass, a fifth is refused.
        let tables = ["[a.b.c.d]\nx = 1\n", "[a.b.c.d.e]\nx = 1\n"];
        let arrays_of_tables = [
            "[[a]]\n[[a.b]]\n[[a.b.c]]\n[[a.b.c.d]]\nx = 1\n",
            "[[a]]\n[[a.b]]\n[[a.b.c]]\n[[a.b.c.d]]\n[[a.b.c.d.e]]\nx = 1\n",
        ];
        let inline_tables = [
            "a = {b = {c = {d = {x = 1}}}}\n",
            "a = {b = {c = {d = {e = {x = 1}}}}}\n",
        ];
        let arrays = ["a = [[[[1]]]]\n", "a = [[[[[1]]]]]\n"];
        let mixed = ["a = [{b = [{c = 1}]}]\n", "a = [{b = [{c = [1]}]}]\n"];
        for [fits, too_deep] in [tables, arrays_of_tables, inline_tables, arrays, mixed] {
            assert_eq!(check(fits), None, "{fits}");
            assert!(deep(too_deep), "{too_deep}: {:?}", check(too_deep));
        }
    }

    #[test]
    fn a_field_may_be_as_long_as_its_limit() {
        let limits = Limits {
            field_bytes: 2048,
            ..Limits::DEFAULT
        };
        let field = |len: usize| {
            let toml = format!("body = \"{}\"\n", "x".repeat(len));
            exceeded(&toml, &limits).map(|found| found.message)
        };
        assert_eq!(field(2048), None);
        assert_eq!(
            field(2049).as_deref(),
            Some("this text is 3 KB, over the limit of 2 KB for one field")
        );
    }

    #[test]
    fn reads_sizes_from_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((100_000, 100_000)));
        assert_eq!(image_size(b"GIF89a\x20\x03\x58\x02"), Some((800, 600)));
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0x02, 0x58, 0x03, 0x20, 3, 0,
            0,
        ];
        assert_eq!(image_size(&jpeg), Some((800, 600)));
        assert_eq!(image_size(b"not an image"), None);
    }

    #[test]
    fn reads_webp_sizes_and_walks_jpeg_segments() {
        let webp = |chunk: &[u8; 4], body: &[u8]| {
            let mut file = b"RIFF\0\0\0\0WEBP".to_vec();
            file.extend_from_slice(chunk);
            file.extend_from_slice(&[0; 4]); // chunk size
            file.extend_from_slice(body);
            file.resize(30, 0);
            file
        };
        // Extended: 24-bit width and height, less one (a height over
        // 65,536 uses the third byte).
        let extended = webp(b"VP8X", &[0, 0, 0, 0, 0x1F, 0x03, 0, 0x6F, 0x11, 0x01]);
        assert_eq!(image_size(&extended), Some((800, 70_000)));
        // Lossless: 14 bits each after the signature byte, less one.
        let bits: u32 = 799 | (599 << 14);
        let mut body = vec![0x2F];
        body.extend_from_slice(&bits.to_le_bytes());
        assert_eq!(image_size(&webp(b"VP8L", &body)), Some((800, 600)));
        // Lossy: 14 bits of width and height, the top two are a scale.
        let lossy = webp(
            b"VP8 ",
            &[0, 0, 0, 0x9D, 0x01, 0x2A, 0x20, 0x43, 0x58, 0x82],
        );
        assert_eq!(image_size(&lossy), Some((800, 600)));
        assert_eq!(image_size(&webp(b"VP8Z", &[])), None);
        assert_eq!(image_size(&extended[..29]), None);
        let mut not_riff = extended.clone();
        not_riff[..4].copy_from_slice(b"RIFX");
        assert_eq!(image_size(&not_riff), None);

        // Fill bytes, a restart marker and a Huffman table (0xC4, not a
        // frame) before a progressive frame header (0xC2).
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xD0, 0xFF, 0xC4, 0, 4, 0, 0, 0xFF,
            0xC2, 0, 11, 8, 0x02, 0x58, 0x03, 0x20, 3,
        ];
        assert_eq!(image_size(&jpeg), Some((800, 600)));
        // The image data or its end before any frame header: no size.
        assert_eq!(image_size(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2]), None);
        assert_eq!(image_size(&[0xFF, 0xD8, 0xFF, 0xD9]), None);
        // A length under 2 is no segment (its own two bytes count); an
        // empty segment is skipped.
        assert_eq!(
            image_size(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 1, 0xFF, 0xC0]),
            None
        );
        let empty_segment = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 2, 0xFF, 0xC0, 0, 11, 8, 0x02, 0x58, 0x03, 0x20, 3,
        ];
        assert_eq!(image_size(&empty_segment), Some((800, 600)));
        // Cut off inside the frame header, or not a marker where one must be.
        assert_eq!(image_size(&jpeg[..24]), None);
        assert_eq!(image_size(&[0xFF, 0xD8, 0x00, 0xC0]), None);
        // A PNG cut before its size, and a GIF cut before its height.
        assert_eq!(image_size(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x03"), None);
        assert_eq!(image_size(b"GIF89a\x20\x03\x58"), None);
    }

    #[test]
    fn control_bidi_marks_and_pdf_strings_are_found_at_their_place() {
        let problem = |key: &str, text: &str| text_problem(key, text, &Limits::DEFAULT);
        let (at, message, _) = problem("body", "ab\u{1b}[2J").unwrap();
        assert_eq!(at, 2..3);
        assert!(message.contains("U+001B"), "{message}");
        assert!(problem("body", "a\tb\r\nc\nd").is_none());
        // A carriage return ends a line only before a line feed.
        assert_eq!(problem("body", "a\rb").unwrap().0, 1..2);
        assert_eq!(problem("body", "a\u{1b}\nb").unwrap().0, 1..2);
        assert_eq!(problem("body", "a\u{85}").unwrap().0, 1..3);
        let (at, message, code) = problem("title", "x \u{202E}abc").unwrap();
        assert_eq!((at, code), (2..5, "bidi-control"));
        assert!(message.contains("never closed"), "{message}");
        assert!(problem("title", "x \u{2067}عربي\u{2069} y").is_none());
        assert!(problem("title", "x \u{202B}a\u{202C}").is_none());
        // On a later line, at its place in the whole text.
        let (at, _, _) = problem("body", "one\ntwo\nx \u{202E}abc").unwrap();
        assert_eq!(at, 10..13);
        assert!(
            problem("title", "\u{2069}")
                .unwrap()
                .1
                .contains("closes no isolate")
        );
        let marks = format!("e{}", "\u{301}".repeat(31));
        assert!(
            problem("body", &marks)
                .unwrap()
                .1
                .contains("31 combining marks")
        );
        assert!(problem("body", &format!("e{}", "\u{301}".repeat(30))).is_none());
        // The caret covers the character and its marks, wherever it is.
        let late = format!("ab e{}", "\u{301}".repeat(31));
        assert_eq!(problem("body", &late).unwrap().0, 3..4 + 62);
        assert_eq!(problem("headline", "  ").unwrap().2, "empty");
        assert_eq!(problem("takeaways", "").unwrap().2, "empty");
        assert!(problem("body", "").is_none());
        let long = "x".repeat(PDF_STRING_CHARS + 1);
        assert!(
            problem("headline", &long)
                .unwrap()
                .1
                .contains("at most 8000")
        );
        assert!(problem("body", &long).is_none());
        assert!(problem("headline", &long[1..]).is_none(), "8000 fit");
    }

    #[test]
    fn long_fields_and_deep_nesting_are_found() {
        let long = format!(
            "body = \"{}\"\n",
            "x".repeat(Limits::DEFAULT.field_bytes + 1)
        );
        let found = exceeded(&long, &Limits::DEFAULT).unwrap();
        assert!(
            found.message.contains("over the limit of 256 KB"),
            "{}",
            found.message
        );
        assert_eq!(found.span.start, 7);
        let deep = format!("a = {}1{}\n", "[".repeat(40), "]".repeat(40));
        let found = exceeded(&deep, &Limits::DEFAULT).expect("40 levels are over the limit of 32");
        assert!(found.message.contains("nested deeper"), "{}", found.message);
        assert!(exceeded("a = [[1], [2]]\n", &Limits::DEFAULT).is_none());
    }
}
