//! What the templates are told about the PDF being made
//! (`/.briefpress/output.json`): the profile, which part of a document
//! this PDF is, and the print geometry. It is the same for every document
//! of a run, so it lives apart from the document's data.

use serde::Serialize;

use crate::load::config::Profile;

/// Bleed beyond the trim, where backgrounds run on so that trimming a
/// little off never leaves a white edge.
pub const BLEED_MM: f64 = 3.0;
/// The slug around the bleed, where the crop marks are drawn (print
/// shops want at least 8 mm for marks).
pub const SLUG_MM: f64 = 10.0;

/// A printed interior's pages come in multiples of this (folded sheets).
pub const PRINT_SHEET_PAGES: usize = 4;

/// Which part of a document a PDF holds. In print an issue's cover goes
/// to a separate PDF (it is printed on other stock) and the interior is
/// padded to whole sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Whole,
    Interior,
    Cover,
}

/// What a printed issue's cover adds to the name of the PDF.
pub const COVER_SUFFIX: &str = "-cover";

#[derive(Serialize)]
struct OutputData {
    profile: &'static str,
    part: Part,
    /// Millimetres of bleed and slug; 0 outside print.
    bleed_mm: f64,
    slug_mm: f64,
    /// Pages of a printed interior come in multiples of this.
    pages_multiple: usize,
}

/// The `output.json` of a PDF.
pub fn json(profile: Profile, part: Part) -> Vec<u8> {
    let print = profile == Profile::Print;
    let data = OutputData {
        profile: profile.name(),
        part,
        bleed_mm: if print { BLEED_MM } else { 0.0 },
        slug_mm: if print { SLUG_MM } else { 0.0 },
        pages_multiple: if print { PRINT_SHEET_PAGES } else { 1 },
    };
    serde_json::to_vec(&data).unwrap_or_default()
}
