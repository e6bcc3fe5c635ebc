//! Print boxes. Typst writes a page's TrimBox when it has a bleed, but no
//! BleedBox; a print shop's preflight wants both (MediaBox ⊇ BleedBox ⊇
//! TrimBox). This adds each page's BleedBox as an incremental update: the
//! PDF Typst wrote stays byte for byte in front, so its PDF/A and PDF/UA
//! identification, structure and metadata are untouched.

use lopdf::{Document, Object, ObjectId};

use super::update;

/// Millimetres to PDF points.
pub fn mm_to_pt(mm: f64) -> f64 {
    mm * 72.0 / 25.4
}

/// `pdf` with a BleedBox `bleed_pt` beyond every page's TrimBox.
pub fn add_bleed_boxes(pdf: Vec<u8>, bleed_pt: f64) -> Result<Vec<u8>, String> {
    let document =
        Document::load_mem(&pdf).map_err(|err| format!("cannot read back the PDF: {err}"))?;
    let mut changed: Vec<(ObjectId, Object)> = Vec::new();
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
        changed.push((id, Object::Dictionary(page)));
    }

    update::append(pdf, &document, changed)
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
