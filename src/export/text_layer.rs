//! The PDF's text layer without bidi controls. Typst sets right-to-left
//! text inside a left-to-right line (an Arabic source title) between
//! embedding controls (U+202B ... U+202C); shaping folds each control into
//! the neighbouring letter, and the PDF writer then maps that letter to the
//! letter and the control, in its font's ToUnicode CMap or an `/ActualText`.
//! Extractors return the controls inside the words (PDFium and MuPDF print
//! them, and a search for the word misses it). They order the layout, they
//! are not text: this removes them from every ToUnicode CMap and
//! `/ActualText`, in an incremental update.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

use super::update;

/// The explicit bidi formatting characters: embeddings, overrides, their
/// pop, and the isolates.
fn is_bidi_control(unit: u16) -> bool {
    matches!(unit, 0x202A..=0x202E | 0x2066..=0x2069)
}

/// Whether any text of a laid-out document carries a bidi control, that
/// is, whether its PDF needs cleaning (most documents do not, and pay
/// nothing).
pub fn has_bidi_controls(document: &PagedDocument) -> bool {
    fn in_frame(frame: &Frame) -> bool {
        frame.items().any(|(_, item)| match item {
            FrameItem::Group(group) => in_frame(&group.frame),
            FrameItem::Text(text) => text.text.encode_utf16().any(is_bidi_control),
            _ => false,
        })
    }
    document.pages().iter().any(|page| in_frame(&page.frame))
}

/// `pdf` with the bidi controls taken out of its text layer: every font's
/// ToUnicode CMap and every `/ActualText` of a content stream (pages, forms
/// and tiling patterns). Unchanged when there are none.
pub fn without_bidi_controls(pdf: Vec<u8>) -> Result<Vec<u8>, String> {
    let document =
        Document::load_mem(&pdf).map_err(|err| format!("cannot read back the PDF: {err}"))?;
    let mut changed: Vec<(ObjectId, Object)> = Vec::new();
    for (id, kind) in text_streams(&document) {
        let Ok(stream) = document.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        let data = stream
            .get_plain_content()
            .map_err(|err| format!("object {} {}: {err}", id.0, id.1))?;
        if let Some(cleaned) = clean_text_strings(&data, kind) {
            changed.push((id, Object::Stream(compressed(&stream.dict, &cleaned)?)));
        }
    }
    if changed.is_empty() {
        return Ok(pdf);
    }
    update::append(pdf, &document, changed)
}

/// The streams that hold text: ToUnicode CMaps and content streams.
fn text_streams(document: &Document) -> Vec<(ObjectId, Kind)> {
    let mut streams = Vec::new();
    for object in document.objects.values() {
        if let Ok(Object::Reference(id)) = object.as_dict().and_then(|font| font.get(b"ToUnicode"))
        {
            streams.push((*id, Kind::Cmap));
        }
    }
    for page in document.get_pages().into_values() {
        streams.extend(
            document
                .get_page_contents(page)
                .into_iter()
                .map(|id| (id, Kind::Content)),
        );
    }
    for (id, object) in &document.objects {
        if let Object::Stream(stream) = object {
            let form = stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form");
            let tiling = stream
                .dict
                .get(b"PatternType")
                .and_then(Object::as_i64)
                .ok()
                == Some(1);
            if form || tiling {
                streams.push((*id, Kind::Content));
            }
        }
    }
    streams.sort_unstable_by_key(|&(id, _)| id);
    streams.dedup_by_key(|&mut (id, _)| id);
    streams
}

/// A stream with `data` Flate-compressed, its other entries kept.
fn compressed(dict: &Dictionary, data: &[u8]) -> Result<Stream, String> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).map_err(|err| err.to_string())?;
    let bytes = encoder.finish().map_err(|err| err.to_string())?;
    let mut dict = dict.clone();
    dict.remove(b"DecodeParms");
    dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    Ok(Stream::new(dict, bytes))
}

/// Where in a stream the text strings are.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// A content stream: the string after `/ActualText` (Typst writes a
    /// non-ASCII text string in hex, UTF-16BE with a byte order mark). Its
    /// other hex strings are glyph codes, never touched.
    Content,
    /// A ToUnicode CMap: the Unicode destinations of `bfchar` (the second
    /// string of a pair) and `bfrange` (the third, or the strings of its
    /// array), never the glyph codes.
    Cmap,
}

/// A token of PDF syntax, as far as finding strings needs: strings and
/// comments are skipped whole, so nothing inside them is read as syntax.
#[derive(PartialEq)]
enum Token<'a> {
    Hex,
    Literal,
    Name(&'a [u8]),
    ArrayOpen,
    ArrayClose,
    Word(&'a [u8]),
    Other,
}

/// The token at `at` and where it ends.
fn token(data: &[u8], at: usize) -> (Token<'_>, usize) {
    let delimiter = |b: &u8| b.is_ascii_whitespace() || b"()<>[]{}/%".contains(b);
    let run_end = |from: usize| {
        data[from..]
            .iter()
            .position(delimiter)
            .map_or(data.len(), |n| from + n)
    };
    match data[at] {
        b'(' => (Token::Literal, literal_end(data, at)),
        b'%' => {
            let end = data[at..]
                .iter()
                .position(|&b| b == b'\n' || b == b'\r')
                .map_or(data.len(), |n| at + n);
            (Token::Other, end)
        }
        b'<' if data.get(at + 1) == Some(&b'<') => (Token::Other, at + 2),
        b'<' => match data[at..].iter().position(|&b| b == b'>') {
            Some(close) => (Token::Hex, at + close + 1),
            None => (Token::Other, data.len()),
        },
        b'[' => (Token::ArrayOpen, at + 1),
        b']' => (Token::ArrayClose, at + 1),
        b'/' => {
            let end = run_end(at + 1);
            (Token::Name(&data[at + 1..end]), end)
        }
        b if b.is_ascii_whitespace() || delimiter(&b) => (Token::Other, at + 1),
        _ => {
            let end = run_end(at);
            (Token::Word(&data[at..end]), end)
        }
    }
}

/// `data` with the bidi controls removed from its text strings (see
/// [`Kind`]), or `None` when it has none. A string that would be left
/// empty is kept as it is: every glyph must map to some text.
fn clean_text_strings(data: &[u8], kind: Kind) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut changed = false;
    // Content: the previous token was the name ActualText. CMap: the
    // section (`bfchar` or `bfrange`), the position of the next string in
    // its entry, and whether an array is open.
    let mut after_actual_text = false;
    let mut section: &[u8] = b"";
    let mut position = 0usize;
    let mut in_array = false;
    let mut at = 0;
    while at < data.len() {
        let (token, end) = token(data, at);
        let text = match (&token, kind) {
            (Token::Hex, Kind::Content) => after_actual_text,
            (Token::Hex, Kind::Cmap) => match section {
                b"bfchar" => position % 2 == 1,
                b"bfrange" => in_array || position % 3 == 2,
                _ => false,
            },
            _ => false,
        };
        match (&token, kind) {
            (Token::Name(name), _) => after_actual_text = *name == b"ActualText",
            (Token::Word(word), Kind::Cmap) => {
                if let Some(name) = word.strip_prefix(b"begin") {
                    section = name;
                    position = 0;
                } else if word.starts_with(b"end") {
                    section = b"";
                }
            }
            (Token::ArrayOpen, Kind::Cmap) => in_array = true,
            (Token::ArrayClose, Kind::Cmap) => {
                in_array = false;
                position += 1;
            }
            (Token::Hex, Kind::Cmap) if !in_array => position += 1,
            (Token::Other, _) => {}
            _ => after_actual_text = false,
        }
        match text.then(|| cleaned_hex(&data[at + 1..end - 1])).flatten() {
            Some(hex) => {
                out.push(b'<');
                out.extend_from_slice(&hex);
                out.push(b'>');
                changed = true;
            }
            None => out.extend_from_slice(&data[at..end]),
        }
        at = end;
    }
    changed.then_some(out)
}

/// The end (one past the closing parenthesis) of the literal string that
/// starts at `start`: parentheses nest, a backslash escapes the next byte.
fn literal_end(data: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut at = start;
    while at < data.len() {
        match data[at] {
            b'\\' => at += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return at + 1;
                }
            }
            _ => {}
        }
        at += 1;
    }
    data.len()
}

/// The hex digits of a UTF-16 string without its bidi controls, or `None`
/// when it has none (or is not UTF-16 hex, or would be left empty).
fn cleaned_hex(hex: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = hex
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if !digits.len().is_multiple_of(4) || !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let units: Vec<&[u8]> = digits.chunks(4).collect();
    let value = |unit: &[u8]| {
        std::str::from_utf8(unit)
            .ok()
            .and_then(|s| u16::from_str_radix(s, 16).ok())
    };
    let kept: Vec<&[u8]> = units
        .iter()
        .copied()
        .filter(|unit| !value(unit).is_some_and(is_bidi_control))
        .collect();
    let text_left = kept.iter().any(|unit| value(unit) != Some(0xFEFF));
    (kept.len() < units.len() && text_left).then(|| kept.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(data: &str, kind: Kind) -> Option<String> {
        clean_text_strings(data.as_bytes(), kind).map(|out| String::from_utf8(out).unwrap())
    }

    #[test]
    fn controls_leave_actual_text_and_glyph_codes_stay() {
        // A glyph code 0x202C, in hex as Typst writes non-ASCII codes.
        let content = "/Span<</ActualText<FEFF062F202C>>>BDC <202C0627>Tj [<202B>-20<0001>]TJ EMC";
        assert_eq!(
            clean(content, Kind::Content).as_deref(),
            Some("/Span<</ActualText<FEFF062F>>>BDC <202C0627>Tj [<202B>-20<0001>]TJ EMC")
        );
        let isolate = "/Span<</ActualText <FEFF20670645>>> BDC";
        assert_eq!(
            clean(isolate, Kind::Content).as_deref(),
            Some("/Span<</ActualText <FEFF0645>>> BDC")
        );
    }

    #[test]
    fn controls_leave_cmap_destinations_and_glyph_codes_stay() {
        let cmap = "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
                    2 beginbfchar\n<0001> <0649202C>\n<202B> <202B064F202C>\nendbfchar\n\
                    2 beginbfrange\n<202A> <202B> [<202B0627> <0628>]\n\
                    <202C> <202C> <0630202C>\nendbfrange";
        assert_eq!(
            clean(cmap, Kind::Cmap).as_deref(),
            Some(
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
                 2 beginbfchar\n<0001> <0649>\n<202B> <064F>\nendbfchar\n\
                 2 beginbfrange\n<202A> <202B> [<0627> <0628>]\n\
                 <202C> <202C> <0630>\nendbfrange"
            )
        );
    }

    #[test]
    fn codes_of_four_bytes_stay_after_an_array() {
        // A CMap with 4-byte codes: each code looks like a control and a
        // letter; only the destinations are text.
        let cmap = "1 beginbfchar\n<202C0627> <0627202C>\nendbfchar\n\
                    2 beginbfrange\n<00100000> <00100001> [<0627> <202B0628>]\n\
                    <202C0001> <202C0001> <0630202C>\nendbfrange";
        assert_eq!(
            clean(cmap, Kind::Cmap).as_deref(),
            Some(
                "1 beginbfchar\n<202C0627> <0627>\nendbfchar\n\
                 2 beginbfrange\n<00100000> <00100001> [<0627> <0628>]\n\
                 <202C0001> <202C0001> <0630>\nendbfrange"
            )
        );
    }

    #[test]
    fn text_without_controls_is_left_alone() {
        let content = "/Span<</ActualText<FEFF0644064B>>>BDC";
        assert_eq!(clean(content, Kind::Content), None);
        assert_eq!(
            clean("1 beginbfchar\n<0001> <200C06CC>\nendbfchar", Kind::Cmap),
            None,
            "ZWNJ is text"
        );
        assert_eq!(
            clean("1 beginbfchar\n<0001> <200F>\nendbfchar", Kind::Cmap),
            None,
            "a mark the author wrote"
        );
    }

    #[test]
    fn a_string_left_empty_is_kept() {
        assert_eq!(
            clean("1 beginbfchar\n<0001> <202C>\nendbfchar", Kind::Cmap),
            None
        );
        assert_eq!(clean("/ActualText<FEFF202C>", Kind::Content), None);
    }

    #[test]
    fn strings_and_comments_are_skipped_whole() {
        // A literal string and a comment that hold what looks like an
        // ActualText of controls; the real one after them is cleaned.
        let content = "(/ActualText<FEFF202C0627> \\) (x)) Tj % /ActualText<FEFF202C0627>\n/ActualText<FEFF202C0627>";
        assert_eq!(
            clean(content, Kind::Content).as_deref(),
            Some(
                "(/ActualText<FEFF202C0627> \\) (x)) Tj % /ActualText<FEFF202C0627>\n/ActualText<FEFF0627>"
            )
        );
        // An escaped parenthesis does not end a literal string.
        let escaped = "(\\) /ActualText<FEFF202C0627> \\() Tj";
        assert_eq!(clean(escaped, Kind::Content), None);
        // Only the string right after the name is text.
        assert_eq!(clean("/ActualText (x) <FEFF202C0627>", Kind::Content), None);
    }

    #[test]
    fn text_is_looked_for_in_pages_forms_tilings_and_cmaps() {
        let mut document = Document::with_version("1.7");
        let with = |key: &str, value: Object| {
            let mut dict = Dictionary::new();
            dict.set(key, value);
            dict
        };
        let stream = |dict: Dictionary| Object::Stream(Stream::new(dict, Vec::new()));
        let name = |name: &str| Object::Name(name.as_bytes().to_vec());
        let cmap = document.add_object(stream(Dictionary::new()));
        document.add_object(with("ToUnicode", Object::Reference(cmap)));
        let form = document.add_object(stream(with("Subtype", name("Form"))));
        let tiling = document.add_object(stream(with("PatternType", Object::Integer(1))));
        document.add_object(stream(with("PatternType", Object::Integer(2))));
        document.add_object(stream(with("Subtype", name("Image"))));
        let content = document.add_object(stream(Dictionary::new()));
        let pages = document.new_object_id();
        let mut page = with("Type", name("Page"));
        page.set("Parent", Object::Reference(pages));
        page.set("Contents", Object::Reference(content));
        let page = document.add_object(page);
        let mut tree = with("Type", name("Pages"));
        tree.set("Kids", Object::Array(vec![Object::Reference(page)]));
        tree.set("Count", Object::Integer(1));
        document.objects.insert(pages, Object::Dictionary(tree));
        let mut catalog = with("Type", name("Catalog"));
        catalog.set("Pages", Object::Reference(pages));
        let catalog = document.add_object(catalog);
        document.trailer.set("Root", Object::Reference(catalog));
        assert_eq!(
            text_streams(&document),
            vec![
                (cmap, Kind::Cmap),
                (form, Kind::Content),
                (tiling, Kind::Content),
                (content, Kind::Content),
            ]
        );
    }

    #[test]
    fn odd_or_unclosed_strings_are_kept() {
        assert_eq!(
            clean("/ActualText<FEFF202C06>", Kind::Content),
            None,
            "not UTF-16"
        );
        assert_eq!(
            clean("/ActualText<FEFF202C0627", Kind::Content),
            None,
            "unclosed"
        );
        assert_eq!(
            clean("(unclosed /ActualText<FEFF202C0627>", Kind::Content),
            None
        );
    }
}
