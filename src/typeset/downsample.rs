//! Screen PDFs carry images at no more than 200 dots per inch at the size
//! they are placed: a 24-megapixel photograph in a 6-inch column would
//! otherwise make a brief several megabytes to download for nothing a
//! screen can show. Print and archive PDFs keep the originals.

use image::ImageEncoder;
use image::codecs::jpeg::JpegEncoder;
use std::collections::HashMap;
use typst::foundations::{Bytes, Smart};
use typst::layout::{Frame, FrameItem};
use typst::utils::hash128;
use typst::visualize::{
    ExchangeFormat, Image, ImageKind, PixelEncoding, PixelFormat, RasterFormat, RasterImage,
};
use typst_layout::{Page, PagedDocument};

/// Enough for any screen at 100 % zoom and a sharp print at home.
pub const SCREEN_DPI: f64 = 200.0;

/// Resample only when it saves this much of the width: re-encoding an
/// image barely over the limit costs quality for little.
const WORTH_IT: f64 = 0.9;

/// JPEG quality of resampled photographs.
const JPEG_QUALITY: u8 = 85;

/// `document` with every raster image above `max_dpi` at its largest
/// placement replaced by a resampled copy. Layout is untouched: images
/// keep their placed sizes, alt text and scaling.
pub fn downsample(document: PagedDocument, max_dpi: f64) -> PagedDocument {
    // The largest share of its pixels each image needs, by the hash of
    // its bytes.
    let mut needed: HashMap<u128, f64> = HashMap::new();
    for page in document.pages() {
        scan(&page.frame, max_dpi, &mut needed);
    }
    let mut replacements: HashMap<u128, Option<Image>> = HashMap::new();
    for (data, share) in needed {
        if share <= WORTH_IT {
            replacements.insert(data, None);
        }
    }
    if replacements.is_empty() {
        return document;
    }
    let info = typst::model::Document::info(&document).clone();
    let pages: Vec<Page> = document
        .pages()
        .iter()
        .map(|page| {
            let mut page = page.clone();
            replace(&mut page.frame, max_dpi, &mut replacements);
            page
        })
        .collect();
    PagedDocument::new(pages.into_iter().collect(), info)
}

/// Records, for each raster image, the share of its pixels its most
/// demanding placement needs (1 or more: all of them).
fn scan(frame: &Frame, max_dpi: f64, needed: &mut HashMap<u128, f64>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => scan(&group.frame, max_dpi, needed),
            FrameItem::Image(image, size, _) => {
                if let ImageKind::Raster(raster) = image.kind() {
                    let share = (size.x.to_inches() * max_dpi / f64::from(raster.width()))
                        .max(size.y.to_inches() * max_dpi / f64::from(raster.height()));
                    let entry = needed.entry(hash128(raster.data())).or_insert(0.0);
                    *entry = entry.max(share);
                }
            }
            _ => {}
        }
    }
}

/// Swaps the images `replacements` names for their resampled copies,
/// resampling each once, at its most demanding placement.
fn replace(frame: &mut Frame, max_dpi: f64, replacements: &mut HashMap<u128, Option<Image>>) {
    frame.retain(|item| {
        match item {
            FrameItem::Group(group) => replace(&mut group.frame, max_dpi, replacements),
            FrameItem::Image(image, size, _) => {
                if let ImageKind::Raster(raster) = image.kind()
                    && let Some(slot) = replacements.get_mut(&hash128(raster.data()))
                {
                    if slot.is_none() {
                        let share = (size.x.to_inches() * max_dpi / f64::from(raster.width()))
                            .max(size.y.to_inches() * max_dpi / f64::from(raster.height()));
                        *slot = resampled(image, raster, share);
                    }
                    if let Some(smaller) = slot {
                        *image = smaller.clone();
                    }
                }
            }
            _ => {}
        }
        true
    });
}

/// A copy of `raster` with `share` of its width and height: JPEG for a
/// photograph that was JPEG (so the PDF keeps it compressed as one), raw
/// pixels otherwise (the PDF compresses them losslessly, as it would have
/// the original's).
fn resampled(image: &Image, raster: &RasterImage, share: f64) -> Option<Image> {
    let source = raster.dynamic();
    let width = ((f64::from(source.width()) * share).ceil() as u32).max(1);
    let height = ((f64::from(source.height()) * share).ceil() as u32).max(1);
    // An area average: each source pixel counts once, the right filter for
    // shrinking, and many times faster than a convolution at this size.
    let smaller = source.thumbnail_exact(width, height);
    let (bytes, format) = match raster.format() {
        RasterFormat::Exchange(ExchangeFormat::Jpg) => {
            let mut bytes = Vec::new();
            JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
                .write_image(
                    &smaller.to_rgb8(),
                    width,
                    height,
                    image::ExtendedColorType::Rgb8,
                )
                .ok()?;
            (bytes, RasterFormat::Exchange(ExchangeFormat::Jpg))
        }
        _ => {
            let (bytes, encoding) = if smaller.color().has_alpha() {
                (smaller.to_rgba8().into_raw(), PixelEncoding::Rgba8)
            } else {
                (smaller.to_rgb8().into_raw(), PixelEncoding::Rgb8)
            };
            let format = PixelFormat {
                encoding,
                width,
                height,
            };
            (bytes, RasterFormat::Pixel(format))
        }
    };
    let icc = raster.icc().cloned().map_or(Smart::Auto, Smart::Custom);
    let raster = RasterImage::new(Bytes::new(bytes), format, icc).ok()?;
    Some(Image::new(
        raster,
        image.alt().map(Into::into),
        image.scaling(),
    ))
}
