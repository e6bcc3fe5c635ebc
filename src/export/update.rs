//! Incremental updates: changed objects appended after the PDF Typst wrote,
//! with their own cross-reference section. The original bytes stay in front
//! unchanged, so a change made after export (print boxes, a cleaned text
//! layer) cannot disturb what Typst wrote for PDF/A and PDF/UA.

use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId};

/// `pdf` followed by an update that replaces each of `changed` (read from
/// `pdf` as `document`).
pub fn append(
    pdf: Vec<u8>,
    document: &Document,
    changed: Vec<(ObjectId, Object)>,
) -> Result<Vec<u8>, String> {
    let previous_xref = last_startxref(&pdf).ok_or("the PDF has no startxref")?;
    let mut out = pdf;
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    let mut offsets = Vec::with_capacity(changed.len());
    for ((number, generation), object) in &changed {
        offsets.push((*number, *generation, out.len()));
        writeln!(out, "{number} {generation} obj").map_err(io)?;
        write_indirect(&mut out, object);
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

/// An indirect object's body: a stream with its dictionary (its `/Length`
/// set to the data written), or any other object.
fn write_indirect(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", Object::Integer(stream.content.len() as i64));
            write_object(out, &Object::Dictionary(dict));
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        other => write_object(out, other),
    }
}

/// Writes a direct object in PDF syntax. Strings are written in hex, which
/// needs no escaping; a stream cannot be direct and is written `null`.
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

    #[test]
    fn a_stream_is_written_with_the_length_of_its_data() {
        let mut dict = Dictionary::new();
        dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        let mut stream = lopdf::Stream::new(dict, b"abc".to_vec());
        stream.dict.set("Length", Object::Integer(99));
        let mut out = Vec::new();
        write_indirect(&mut out, &Object::Stream(stream));
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("/Length 3"), "{text}");
        assert!(text.ends_with(">>\nstream\nabc\nendstream"), "{text}");
    }
}
