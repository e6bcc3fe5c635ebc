//! Print boxes. Typst writes a page's TrimBox when it has a bleed, but no
//! BleedBox; a print shop's preflight wants both (MediaBox ⊇ BleedBox ⊇
//! TrimBox). This adds each page's BleedBox as an incremental update: the
//! PDF Typst wrote stays byte for byte in front, so its PDF/A and PDF/UA
//! identification, structure and metadata are untouched.

use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId};

/// Millimetres to PDF points.
pub fn mm_to_pt(mm: f64) -> f64 {
    mm * 72.0 / 25.4
}

/// `pdf` with a BleedBox `bleed_pt` beyond every page's TrimBox.
pub fn add_bleed_boxes(pdf: Vec<u8>, bleed_pt: f64) -> Result<Vec<u8>, String> {
    let document =
        Document::load_mem(&pdf).map_err(|err| format!("cannot read back the PDF: {err}"))?;
    let previous_xref = last_startxref(&pdf).ok_or("the PDF has no startxref")?;
    let mut changed: Vec<(ObjectId, Dictionary)> = Vec::new();
    for (number, id) in document.get_pages() {
        let mut page = document
            .get_dictionary(id)
            .map_err(|err| format!("page {number}: {err}"))?
            .clone();
        let trim = numbers(page.get(b"TrimBox").ok())
            .ok_or_else(|| format!("page {number} has no TrimBox"))?;
        let media = numbers(page.get(b"MediaBox").ok())
            .ok_or_else(|| format!("page {number} has no MediaBox"))?;
        let bleed = [
            (trim[0] - bleed_pt).max(media[0]),
            (trim[1] - bleed_pt).max(media[1]),
            (trim[2] + bleed_pt).min(media[2]),
            (trim[3] + bleed_pt).min(media[3]),
        ];
        page.set(
            "BleedBox",
            Object::Array(bleed.iter().map(|&v| Object::Real(v as f32)).collect()),
        );
        changed.push((id, page));
    }

    let mut out = pdf;
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    let mut offsets = Vec::with_capacity(changed.len());
    for ((number, generation), page) in &changed {
        offsets.push((*number, *generation, out.len()));
        writeln!(out, "{number} {generation} obj").map_err(io)?;
        write_object(&mut out, &Object::Dictionary(page.clone()));
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    out.extend_from_slice(b"xref\n");
    offsets.sort_by_key(|&(number, _, _)| number);
    for (number, generation, offset) in &offsets {
        write!(out, "{number} 1\n{offset:010} {generation:05} n \n").map_err(io)?;
    }
    let mut trailer = Dictionary::new();
    for key in [b"Size".as_slice(), b"Root", b"Info", b"ID"] {
        if let Ok(value) = document.trailer.get(key) {
            trailer.set(key, value.clone());
        }
    }
    let size = offsets
        .iter()
        .map(|&(number, _, _)| i64::from(number) + 1)
        .chain(document.trailer.get(b"Size").and_then(Object::as_i64).ok())
        .max()
        .unwrap_or(0);
    trailer.set("Size", Object::Integer(size));
    trailer.set("Prev", Object::Integer(previous_xref as i64));
    out.extend_from_slice(b"trailer\n");
    write_object(&mut out, &Object::Dictionary(trailer));
    write!(out, "\nstartxref\n{xref_at}\n%%EOF\n").map_err(io)?;
    Ok(out)
}

fn io(err: std::io::Error) -> String {
    err.to_string()
}

/// The offset the last `startxref` of a PDF points at.
fn last_startxref(pdf: &[u8]) -> Option<usize> {
    let tail = &pdf[pdf.len().saturating_sub(1024)..];
    let at = tail.windows(9).rposition(|w| w == b"startxref")?;
    let rest = std::str::from_utf8(&tail[at + 9..]).ok()?;
    rest.split_whitespace().next()?.parse().ok()
}

/// A rectangle `[llx lly urx ury]`.
fn numbers(object: Option<&Object>) -> Option<[f64; 4]> {
    let array = object?.as_array().ok()?;
    let values: Vec<f64> = array
        .iter()
        .filter_map(|v| match v {
            Object::Integer(i) => Some(*i as f64),
            Object::Real(r) => Some(f64::from(*r)),
            _ => None,
        })
        .collect();
    values.try_into().ok()
}

/// Writes a direct object in PDF syntax (page dictionaries hold no
/// streams). Strings are written in hex, which needs no escaping.
fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null | Object::Stream(_) => out.extend_from_slice(b"null"),
        Object::Boolean(value) => out.extend_from_slice(if *value { b"true" } else { b"false" }),
        Object::Integer(value) => out.extend_from_slice(value.to_string().as_bytes()),
        Object::Real(value) => out.extend_from_slice(real(*value).as_bytes()),
        Object::Name(name) => {
            out.push(b'/');
            for &byte in name {
                if byte.is_ascii_graphic() && !b"#/%()<>[]{}".contains(&byte) {
                    out.push(byte);
                } else {
                    out.extend_from_slice(format!("#{byte:02X}").as_bytes());
                }
            }
        }
        Object::String(bytes, _) => {
            out.push(b'<');
            for byte in bytes {
                out.extend_from_slice(format!("{byte:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => {
            out.extend_from_slice(b"<<");
            for (key, value) in dict.iter() {
                write_object(out, &Object::Name(key.clone()));
                out.push(b' ');
                write_object(out, value);
            }
            out.extend_from_slice(b">>");
        }
        Object::Reference((number, generation)) => {
            out.extend_from_slice(format!("{number} {generation} R").as_bytes());
        }
    }
}

/// A real number as PDF writes them: no exponent, at most four decimals.
fn real(value: f32) -> String {
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_have_no_exponent_or_trailing_zeros() {
        assert_eq!(real(36.850_395), "36.8504");
        assert_eq!(real(612.0), "612");
        assert_eq!(real(-0.00001), "0");
    }

    #[test]
    fn names_escape_delimiters() {
        let mut out = Vec::new();
        write_object(&mut out, &Object::Name(b"PANTONE 2767 C".to_vec()));
        assert_eq!(out, b"/PANTONE#202767#20C");
    }
}
