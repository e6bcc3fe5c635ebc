//! Image resolution at the size an image is placed: a photograph printed
//! at under 300 dots per inch looks soft on paper.

use std::collections::HashMap;

use typst::layout::{Frame, FrameItem};
use typst::visualize::ImageKind;
use typst_layout::PagedDocument;

use crate::diag::Diagnostic;
use crate::fsgate::hash_bytes;
use crate::load::project::Project;
use crate::prepare::Prepared;

/// What print needs.
pub const PRINT_DPI: f64 = 300.0;

/// One warning per raster image placed at under `min_dpi`, at the line of
/// the document that names the image.
pub fn low_resolution(
    document: &PagedDocument,
    prepared: &Prepared,
    project: &Project,
    min_dpi: f64,
) -> Vec<Diagnostic> {
    // The document's images by the hash of their bytes, as the frames
    // hold the bytes and not the path.
    let by_hash: HashMap<String, &crate::prepare::ImageRef> = prepared
        .images
        .iter()
        .filter_map(|image| {
            // The bytes prepare checked, as the gate read them.
            let data = project
                .gate()
                .read(
                    std::path::Path::new(image.path.trim_start_matches('/')),
                    project.limits().image_bytes,
                )
                .ok()?;
            Some((data.hash().to_string(), image))
        })
        .collect();
    let mut placed = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        scan(&page.frame, index + 1, &mut placed);
    }
    let mut reported = std::collections::HashSet::new();
    let mut found = Vec::new();
    for (hash, dpi, page) in placed {
        if dpi >= min_dpi || !reported.insert(hash.clone()) {
            continue;
        }
        let message = format!(
            "the image prints at {dpi:.0} dpi on page {page}, under the {min_dpi:.0} dpi print needs"
        );
        let diag = match by_hash.get(&hash) {
            Some(image) => image.file.warning_at(image.span.clone(), message),
            None => Diagnostic::warning(message),
        };
        found.push(
            diag.with_code("low-resolution")
                .with_hint("use a larger original, or place it smaller"),
        );
    }
    found
}

/// Every raster image of a frame: the hash of its bytes, its resolution
/// at the size placed, and the page.
fn scan(frame: &Frame, page: usize, out: &mut Vec<(String, f64, usize)>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => scan(&group.frame, page, out),
            FrameItem::Image(image, size, _) => {
                if let ImageKind::Raster(raster) = image.kind() {
                    let inches_wide = size.x.to_inches();
                    let inches_high = size.y.to_inches();
                    if inches_wide <= 0.0 || inches_high <= 0.0 {
                        continue;
                    }
                    let dpi = (f64::from(raster.width()) / inches_wide)
                        .min(f64::from(raster.height()) / inches_high);
                    out.push((hash_bytes(raster.data()), dpi, page));
                }
            }
            _ => {}
        }
    }
}
