//! Conformance verified, not only declared. The final bytes of a PDF (after
//! the print profile's page boxes) are checked against each standard they
//! claim, one at a time, by an offline validator (`page_validation`, which
//! passes the veraPDF corpus), and read back for what accessibility
//! checkers look at beyond those rules: heading levels and the window
//! title.

use std::collections::HashSet;
use std::fmt;

use lopdf::xref::XrefEntry;
use lopdf::{Dictionary, Document, Object, ObjectId};
use page_validation::{ValidationOptions, ValidationProfile, validate_pdf_bytes};
use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::load::config::Standard;

/// What the validator said of one claimed standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every rule the validator implements for the standard passed.
    Passed { rules: usize },
    /// Some rules failed; each failure is an error of the document.
    Failed { rules: usize, failed: usize },
    /// The validator could not check the file. Never counted as passed.
    NotVerified(String),
}

/// A claimed standard and its verdict, as `--verbose` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub standard: Standard,
    pub verdict: Verdict,
    /// Failures the validator reported and briefpress proved wrong (rule
    /// ids), said aloud rather than dropped.
    pub forgiven: Vec<String>,
}

impl fmt::Display for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.standard.title();
        match &self.verdict {
            Verdict::Passed { rules } => write!(f, "{name} verified ({rules} rules passed)"),
            Verdict::Failed { rules, failed } => {
                write!(f, "{name} failed ({failed} of {rules} rules)")
            }
            Verdict::NotVerified(why) => write!(f, "{name} not verified ({why})"),
        }?;
        for rule in &self.forgiven {
            write!(
                f,
                "; the validator's {rule} (a stream /Length) forgiven: every length proven right"
            )?;
        }
        Ok(())
    }
}

/// The verdicts, and the problems found: an error for each failed rule and
/// accessibility check, a warning for a standard that could not be checked.
pub struct Verification {
    pub verified: Vec<Verified>,
    pub problems: Vec<Diagnostic>,
}

/// Checks `pdf` against each standard in `standards` (in parallel: they are
/// independent reads of the same bytes) and for heading levels and the
/// window title.
pub fn verify(pdf: &[u8], standards: &[Standard]) -> Verification {
    let (checked, accessibility) = rayon::join(
        || {
            standards
                .par_iter()
                .map(|&standard| check(pdf, standard))
                .collect::<Vec<_>>()
        },
        || accessibility(pdf),
    );
    let mut verified = Vec::new();
    let mut problems = Vec::new();
    for (one, found) in checked {
        verified.push(one);
        problems.extend(found);
    }
    problems.extend(accessibility);
    Verification { verified, problems }
}

/// One standard: the validator's report, less the one failure a checker is
/// known to get wrong when the file is proven right.
fn check(pdf: &[u8], standard: Standard) -> (Verified, Vec<Diagnostic>) {
    let options = ValidationOptions::default().profile(profile(standard));
    let report = match validate_pdf_bytes(pdf, &options) {
        Ok(report) => report,
        Err(err) => {
            let why = err.to_string();
            let warning = Diagnostic::warning(format!(
                "{} was not verified: the validator could not read the PDF ({why})",
                standard.title()
            ))
            .with_code("not-verified");
            let verdict = Verdict::NotVerified(why);
            let verified = Verified {
                standard,
                verdict,
                forgiven: Vec::new(),
            };
            return (verified, vec![warning]);
        }
    };
    let (forgiven, failures): (Vec<_>, Vec<_>) = report
        .failures
        .iter()
        .partition(|failure| is_length_miscount(&failure.message) && lengths_proven_right(pdf));
    let forgiven = forgiven.iter().map(|f| f.rule_id.clone()).collect();
    let rules = report.rules.total;
    let failed: HashSet<&str> = failures.iter().map(|f| f.rule_id.as_str()).collect();
    let verdict = if failures.is_empty() {
        Verdict::Passed { rules }
    } else {
        Verdict::Failed {
            rules,
            failed: failed.len(),
        }
    };
    let problems = failures
        .iter()
        .map(|failure| {
            let mut diag = Diagnostic::error(format!(
                "the PDF claims {} but fails rule {}: {}",
                standard.title(),
                failure.rule_id,
                failure.message
            ))
            .with_code("conformance");
            if let Some(guidance) = &failure.guidance {
                diag = diag.with_hint(format!(
                    "{} {}",
                    guidance.possible_cause, guidance.suggested_fix
                ));
            }
            diag
        })
        .collect();
    let verified = Verified {
        standard,
        verdict,
        forgiven,
    };
    (verified, problems)
}

/// The validator's profile for a standard briefpress can claim.
fn profile(standard: Standard) -> ValidationProfile {
    match standard {
        Standard::A2a => ValidationProfile::PdfA2a,
        Standard::A2b => ValidationProfile::PdfA2b,
        Standard::A2u => ValidationProfile::PdfA2u,
        Standard::A3a => ValidationProfile::PdfA3a,
        Standard::A3b => ValidationProfile::PdfA3b,
        Standard::A3u => ValidationProfile::PdfA3u,
        Standard::Ua1 => ValidationProfile::PdfUa1,
    }
}

/// The failure some checkers report when a Flate stream's data happens to
/// end in a CR byte: with the LF Typst writes before `endstream`, the pair
/// reads as a CRLF end-of-line and the data as one byte short.
fn is_length_miscount(message: &str) -> bool {
    message.contains("stream /Length does not match")
}

/// Whether the miscount is the checker's: every stream's `/Length`, as
/// written, covers exactly the bytes from the end-of-line after `stream` to
/// the end-of-line before `endstream`, and at least one stream's data ends
/// in CR (the case that fools the count). Anything that cannot be read or
/// measured leaves the failure standing.
fn lengths_proven_right(pdf: &[u8]) -> bool {
    let Ok(document) = Document::load_mem(pdf) else {
        return false;
    };
    let mut ends_in_cr = false;
    for (&number, entry) in &document.reference_table.entries {
        let XrefEntry::Normal { offset, generation } = *entry else {
            continue;
        };
        let Ok(Object::Stream(stream)) = document.get_object((number, generation)) else {
            continue;
        };
        let length = match stream.dict.get(b"Length") {
            Ok(Object::Integer(n)) => usize::try_from(*n).ok(),
            Ok(Object::Reference(id)) => document
                .get_object(*id)
                .and_then(Object::as_i64)
                .ok()
                .and_then(|n| usize::try_from(n).ok()),
            _ => None,
        };
        let measured = length.and_then(|length| stream_data(pdf, offset as usize, length));
        match measured {
            // The bytes the reader took for this stream, and no others.
            Some(data) if data == stream.content.as_slice() => {
                ends_in_cr |= data.last() == Some(&b'\r');
            }
            _ => return false,
        }
    }
    ends_in_cr
}

/// The `length` bytes of the stream of the object at `offset`, when they
/// end exactly at an end-of-line followed by `endstream`.
fn stream_data(pdf: &[u8], offset: usize, length: usize) -> Option<&[u8]> {
    let object = pdf.get(offset..)?;
    let keyword = object.windows(6).position(|w| w == b"stream")? + 6;
    let eol = if object.get(keyword..)?.starts_with(b"\r\n") {
        2
    } else if object.get(keyword..)?.starts_with(b"\n") {
        1
    } else {
        return None;
    };
    let start = keyword + eol;
    let data = object.get(start..start.checked_add(length)?)?;
    let after = object.get(start + length..)?;
    let closed = after.starts_with(b"\nendstream") || after.starts_with(b"\r\nendstream");
    closed.then_some(data)
}

/// What PDF/UA checkers read beyond the validator's rules: headings that
/// skip a level (Matterhorn 14-002, 14-003) and a window that shows the
/// title, which must not be empty (07-001, 07-002).
fn accessibility(pdf: &[u8]) -> Vec<Diagnostic> {
    let Ok(document) = Document::load_mem(pdf) else {
        return vec![
            Diagnostic::warning("headings and title not checked: the PDF could not be read back")
                .with_code("not-verified"),
        ];
    };
    let mut problems = heading_problems(&headings(&document));
    problems.extend(title_problem(&document));
    problems
}

/// A heading of the structure tree: its level and its title (`/T`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Heading {
    level: u8,
    title: String,
}

/// Deeper structure trees are not walked (Typst's are a few levels deep).
const MAX_DEPTH: usize = 256;

/// The headings `H1`..`H6` of the structure tree in reading order.
fn headings(document: &Document) -> Vec<Heading> {
    let root = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"StructTreeRoot").ok())
        .and_then(|root| resolve_dict(document, root));
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    if let Some(kids) = root.and_then(|root| root.get(b"K").ok()) {
        walk(document, kids, 0, &mut seen, &mut found);
    }
    found
}

fn walk(
    document: &Document,
    kids: &Object,
    depth: usize,
    seen: &mut HashSet<ObjectId>,
    found: &mut Vec<Heading>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match kids {
        Object::Array(items) => {
            for item in items {
                walk(document, item, depth + 1, seen, found);
            }
        }
        Object::Reference(id) => {
            if seen.insert(*id)
                && let Ok(object) = document.get_object(*id)
            {
                walk(document, object, depth + 1, seen, found);
            }
        }
        Object::Dictionary(element) => {
            let level = element
                .get(b"S")
                .and_then(Object::as_name)
                .ok()
                .and_then(heading_level);
            if let Some(level) = level {
                let title = element
                    .get(b"T")
                    .and_then(Object::as_str)
                    .map(text_string)
                    .unwrap_or_default();
                found.push(Heading { level, title });
            }
            if let Ok(kids) = element.get(b"K") {
                walk(document, kids, depth + 1, seen, found);
            }
        }
        _ => {}
    }
}

/// `H1`..`H6` -> 1..6.
fn heading_level(name: &[u8]) -> Option<u8> {
    match name {
        [b'H', digit @ b'1'..=b'6'] => Some(digit - b'0'),
        _ => None,
    }
}

fn heading_problems(headings: &[Heading]) -> Vec<Diagnostic> {
    let hint =
        "headings come from the templates (`heading(level: …)`): a level follows the one above it";
    let mut problems = Vec::new();
    if let Some(first) = headings.first()
        && first.level != 1
    {
        problems.push(
            Diagnostic::error(format!(
                "the first heading is H{} {:?}, not H1",
                first.level, first.title
            ))
            .with_code("heading-levels")
            .with_hint(hint),
        );
    }
    for pair in headings.windows(2) {
        let [before, after] = pair else { continue };
        if after.level > before.level + 1 {
            problems.push(
                Diagnostic::error(format!(
                    "heading H{} {:?} follows H{} {:?}: a level is skipped",
                    after.level, after.title, before.level, before.title
                ))
                .with_code("heading-levels")
                .with_hint(hint),
            );
        }
    }
    problems
}

/// A viewer must show the document's title, not its file name, and the
/// title must say something.
fn title_problem(document: &Document) -> Option<Diagnostic> {
    let shows_title = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"ViewerPreferences").ok())
        .and_then(|prefs| resolve_dict(document, prefs))
        .and_then(|prefs| prefs.get(b"DisplayDocTitle").ok())
        .and_then(|value| value.as_bool().ok())
        == Some(true);
    let title = document
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|info| resolve_dict(document, info))
        .and_then(|info| info.get(b"Title").ok())
        .and_then(|title| title.as_str().ok())
        .map(text_string)
        .unwrap_or_default();
    let problem = match (shows_title, title.trim().is_empty()) {
        (true, false) => return None,
        (false, _) => "the PDF does not ask viewers to show its title (/DisplayDocTitle)",
        (true, true) => "the PDF's title is empty",
    };
    Some(Diagnostic::error(problem).with_code("document-title"))
}

fn resolve_dict<'a>(document: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match object {
        Object::Reference(id) => document.get_dictionary(*id).ok(),
        Object::Dictionary(dict) => Some(dict),
        _ => None,
    }
}

/// A PDF text string: UTF-16BE with its byte order mark, else
/// PDFDocEncoding, read here as Latin-1 (the titles Typst writes are
/// UTF-16 whenever they are not ASCII).
fn text_string(bytes: &[u8]) -> String {
    match bytes {
        [0xFE, 0xFF, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(level: u8, title: &str) -> Heading {
        Heading {
            level,
            title: title.into(),
        }
    }

    #[test]
    fn a_skipped_heading_level_is_an_error() {
        let good = [
            heading(1, "A"),
            heading(2, "B"),
            heading(3, "C"),
            heading(2, "D"),
            heading(1, "E"),
        ];
        assert!(heading_problems(&good).is_empty());
        let skip = [heading(1, "Title"), heading(3, "Sources")];
        let found = heading_problems(&skip);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "heading-levels");
        assert!(
            found[0]
                .message
                .contains("H3 \"Sources\" follows H1 \"Title\""),
            "{}",
            found[0].message
        );
        let late_start = [heading(2, "Sources")];
        assert!(
            heading_problems(&late_start)[0]
                .message
                .contains("first heading is H2")
        );
    }

    #[test]
    fn text_strings_are_read_in_either_encoding() {
        assert_eq!(text_string(b"Notes"), "Notes");
        assert_eq!(
            text_string(&[0xFE, 0xFF, 0x06, 0x27, 0x00, 0x41]),
            "\u{627}A"
        );
    }
}
