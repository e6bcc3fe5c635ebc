//! Screen PDFs carry images at no more than 200 dots per inch at the size
//! they are placed: a 24-megapixel photograph in a 6-inch column would
//! otherwise make a brief several megabytes to download for nothing a
//! screen can show. Print and archive PDFs keep the originals.

use image::ImageEncoder;
use image::codecs::jpeg::JpegEncoder;
use rayon::prelude::*;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex};

use image::DynamicImage;
use typst::foundations::{Bytes, Smart};
use typst::layout::{Frame, FrameItem};
use typst::utils::hash128;
use typst::visualize::{
    ExchangeFormat, Image, ImageKind, PixelEncoding, PixelFormat, RasterFormat, RasterImage,
};
use typst_layout::{Page, PagedDocument};

use crate::fsgate::Gate;
use crate::typeset::resample_cache::{Recipe, ResampleCache};
use crate::typeset::stand_in::{self, Original, Originals};

/// Enough for any screen at 100 % zoom and a sharp print at home.
pub const SCREEN_DPI: f64 = 200.0;

/// Resample only when it saves this much of the width: re-encoding an
/// image barely over the limit costs quality for little.
const WORTH_IT: f64 = 0.9;

/// JPEG quality of resampled photographs.
const JPEG_QUALITY: u8 = 85;

/// A JPEG copy's encoding, as the resample cache's keys name it.
const JPEG_ENCODING: &str = "jpeg-85";

/// The resampled copies this process holds, in bytes (encoded and decoded):
/// enough for the images of a document being edited in `watch` (a
/// 2,000-pixel photograph's copy holds about 6 MB), small enough that a
/// batch of documents with images of their own, which gains nothing, peaks
/// little higher (64 MiB cost 40 such articles 54 MB of peak RSS).
const HELD_BYTES: usize = 24 << 20;

/// Resampled copies made or read by this process, by the source image's
/// hash and the size made: a rebuild in `watch` takes the copy without
/// hashing, reading and decoding the kept file again (measured: 10 % of an
/// article's rebuild).
static HELD: LazyLock<Mutex<Held>> = LazyLock::new(|| Mutex::new(Held::new(HELD_BYTES)));

/// The copies, least recently used first; those go past `cap` bytes.
struct Held {
    cap: usize,
    copies: HashMap<(u128, u32, u32), RasterImage>,
    order: VecDeque<(u128, u32, u32)>,
    bytes: usize,
}

impl Held {
    fn new(cap: usize) -> Self {
        Self {
            cap,
            copies: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
        }
    }

    /// The copy for `key`, now the most recently used.
    fn get(&mut self, key: &(u128, u32, u32)) -> Option<RasterImage> {
        let copy = self.copies.get(key).cloned()?;
        if let Some(at) = self.order.iter().position(|held| held == key) {
            self.order.remove(at);
            self.order.push_back(*key);
        }
        Some(copy)
    }

    fn put(&mut self, key: (u128, u32, u32), copy: RasterImage) {
        let size = held_size(&copy);
        if size > self.cap || self.copies.contains_key(&key) {
            return;
        }
        while self.bytes + size > self.cap {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.copies.remove(&oldest) {
                self.bytes -= held_size(&gone);
            }
        }
        self.bytes += size;
        self.order.push_back(key);
        self.copies.insert(key, copy);
    }
}

/// Lets go of the copies this process holds, when nothing will be laid out
/// again (the last document of a run that `watch` does not repeat).
pub fn let_go_of_held() {
    if let Ok(mut held) = HELD.lock() {
        *held = Held::new(held.cap);
    }
}

/// What a copy holds: its encoded bytes and its decoded pixels.
fn held_size(copy: &RasterImage) -> usize {
    copy.data().len() + copy.dynamic().as_bytes().len()
}

/// Where resampled copies are kept between builds, and the gate they are
/// written through.
#[derive(Clone, Copy)]
pub struct Kept<'a> {
    pub cache: &'a ResampleCache,
    pub gate: &'a Gate,
}

/// `document` with every raster image above `max_dpi` at its largest
/// placement replaced by a resampled copy (taken from `kept` when an
/// earlier build made it), and every stand-in of `stood_in` by its copy or,
/// when it needs none, its original. Layout is untouched: images keep their
/// placed sizes, alt text and scaling. An original that does not decode is
/// returned as its path and why.
pub fn downsample(
    document: PagedDocument,
    max_dpi: f64,
    kept: Option<Kept>,
    stood_in: &Originals,
) -> Result<PagedDocument, Vec<Unusable>> {
    // The largest share of its pixels each image needs, by the hash of
    // its bytes, with the image itself.
    let mut needed: HashMap<u128, (f64, RasterImage)> = HashMap::new();
    for page in document.pages() {
        scan(&page.frame, max_dpi, &mut needed);
    }
    // The images worth resampling, and every stand-in.
    let wanted: Vec<(u128, f64, RasterImage)> = needed
        .into_iter()
        .filter(|(data, (share, _))| *share <= WORTH_IT || stood_in.get(*data).is_some())
        .map(|(data, (share, raster))| (data, share, raster))
        .collect();
    if wanted.is_empty() {
        return Ok(document);
    }
    let info = typst::model::Document::info(&document).clone();
    // The pages alone, so that frames are changed in place and an
    // original's pixels go as soon as its placements have their copy
    // (unless something else holds them, such as Typst's cache).
    let mut pages: Vec<Page> = document.pages().to_vec();
    drop(document);
    // As many images at a time as there are threads (an issue has one per
    // article): their copies made on every thread, then swapped in, so
    // that the originals and all their copies are never held at once.
    let batch = rayon::current_num_threads().max(1);
    let mut wanted = wanted.into_iter();
    let mut unusable = Vec::new();
    loop {
        let some: Vec<(u128, f64, RasterImage)> = wanted.by_ref().take(batch).collect();
        if some.is_empty() {
            break;
        }
        let made: Vec<Result<Option<(u128, RasterImage)>, Unusable>> = some
            .into_par_iter()
            .map(|(data, share, placed)| match stood_in.get(data) {
                Some(original) => swapped_in(original, &placed, share, kept)
                    .map(|image| Some((data, image)))
                    .map_err(|why| (original.path.clone(), why)),
                None => Ok(copy_of(&Source::placed(&placed), share, kept)
                    .ok()
                    .map(|copy| (data, copy))),
            })
            .collect();
        let mut copies = HashMap::new();
        for result in made {
            match result {
                Ok(copy) => copies.extend(copy),
                Err(why) => unusable.push(why),
            }
        }
        for page in &mut pages {
            replace(&mut page.frame, &copies);
        }
    }
    if !unusable.is_empty() {
        unusable.sort();
        return Err(unusable);
    }
    Ok(PagedDocument::new(pages.into_iter().collect(), info))
}

/// An original that does not decode: its path and why.
type Unusable = (String, String);

/// What takes a stand-in's place: a copy of its original when it needs
/// fewer pixels, else the original, decoded as Typst decodes it.
fn swapped_in(
    original: &Original,
    stand_in: &RasterImage,
    share: f64,
    kept: Option<Kept>,
) -> Result<RasterImage, String> {
    if share <= WORTH_IT {
        let source = Source {
            data: &original.data,
            width: stand_in.width(),
            height: stand_in.height(),
            alpha: stand_in::has_alpha(original),
            jpeg: original.format == ExchangeFormat::Jpg,
            icc: stand_in
                .icc()
                .cloned()
                .or_else(|| stand_in::embedded_icc(original)),
            pixels: Pixels::Original(original),
        };
        if let Ok(copy) = copy_of(&source, share, kept) {
            return Ok(copy);
        }
    }
    // A profile the template gave is the stand-in's too.
    let icc = stand_in.icc().cloned().map_or(Smart::Auto, Smart::Custom);
    RasterImage::new(original.data.clone(), original.format, icc)
        .map_err(|err| format!("it does not decode ({err})"))
}

/// Records, for each raster image, the share of its pixels its most
/// demanding placement needs (1 or more: all of them), and the image.
fn scan(frame: &Frame, max_dpi: f64, needed: &mut HashMap<u128, (f64, RasterImage)>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => scan(&group.frame, max_dpi, needed),
            FrameItem::Image(image, size, _) => {
                if let ImageKind::Raster(raster) = image.kind() {
                    let share = (size.x.to_inches() * max_dpi / f64::from(raster.width()))
                        .max(size.y.to_inches() * max_dpi / f64::from(raster.height()));
                    let entry = needed
                        .entry(hash128(raster.data()))
                        .or_insert_with(|| (0.0, raster.clone()));
                    entry.0 = entry.0.max(share);
                }
            }
            _ => {}
        }
    }
}

/// Swaps each image `copies` has a copy of for that copy, keeping the
/// placement's own alt text and scaling (one image may be placed twice,
/// described differently).
fn replace(frame: &mut Frame, copies: &HashMap<u128, RasterImage>) {
    frame.retain(|item| {
        match item {
            FrameItem::Group(group) => replace(&mut group.frame, copies),
            FrameItem::Image(image, _, _) => {
                if let ImageKind::Raster(raster) = image.kind()
                    && let Some(copy) = copies.get(&hash128(raster.data()))
                {
                    *image = Image::new(copy.clone(), image.alt().map(Into::into), image.scaling());
                }
            }
            _ => {}
        }
        true
    });
}

/// What a copy is made of: the image's bytes (its key), its size as
/// decoded (EXIF turn applied), whether its pixels have alpha, whether it
/// was a JPEG, its ICC profile, and its pixels, asked for only when no copy
/// is kept.
struct Source<'a> {
    data: &'a Bytes,
    width: u32,
    height: u32,
    alpha: bool,
    jpeg: bool,
    icc: Option<Bytes>,
    pixels: Pixels<'a>,
}

/// Where a source's pixels come from.
enum Pixels<'a> {
    /// The layout decoded them.
    Decoded(&'a RasterImage),
    /// The stand-in's original, decoded when asked.
    Original(&'a Original),
}

impl Pixels<'_> {
    fn get(&self) -> Result<Arc<DynamicImage>, String> {
        match self {
            Pixels::Decoded(raster) => Ok(raster.dynamic().clone()),
            Pixels::Original(original) => stand_in::decode(original).map(Arc::new),
        }
    }
}

impl<'a> Source<'a> {
    /// An image as the layout decoded it.
    fn placed(raster: &'a RasterImage) -> Self {
        Source {
            data: raster.data(),
            width: raster.width(),
            height: raster.height(),
            alpha: raster.dynamic().color().has_alpha(),
            jpeg: raster.format() == RasterFormat::Exchange(ExchangeFormat::Jpg),
            icc: raster.icc().cloned(),
            pixels: Pixels::Decoded(raster),
        }
    }
}

/// A copy of `source` with `share` of its width and height: JPEG for a
/// photograph that was JPEG (so the PDF keeps it compressed as one), raw
/// pixels otherwise (the PDF compresses them losslessly, as it would have
/// the original's). Made once: later builds take it from `kept`, and later
/// documents of this process from [`HELD`].
fn copy_of(source: &Source, share: f64, kept: Option<Kept>) -> Result<RasterImage, String> {
    let width = ((f64::from(source.width) * share).ceil() as u32).max(1);
    let height = ((f64::from(source.height) * share).ceil() as u32).max(1);
    let key = (hash128(source.data), width, height);
    if let Some(copy) = HELD.lock().ok().and_then(|mut held| held.get(&key)) {
        return Ok(copy);
    }
    // What the copy is made into decides its bytes, so it is in its key.
    let recipe = |alpha: bool| Recipe {
        source: source.data,
        width,
        height,
        encoding: match (source.jpeg && !alpha, alpha) {
            (true, _) => JPEG_ENCODING,
            (false, true) => "rgba8",
            (false, false) => "rgb8",
        },
    };
    let kept_copy = |alpha: bool| kept.and_then(|kept| kept.cache.get(&recipe(alpha)));
    // Whether the pixels have alpha is known before decoding them when
    // the header says (a stand-in's original); checked once decoded.
    let (alpha, bytes) = match kept_copy(source.alpha) {
        Some(bytes) => (source.alpha, bytes),
        None => {
            let pixels = source.pixels.get()?;
            let alpha = pixels.color().has_alpha();
            let again = if alpha == source.alpha {
                None
            } else {
                kept_copy(alpha)
            };
            match again {
                Some(bytes) => (alpha, bytes),
                None => {
                    let jpeg = source.jpeg && !alpha;
                    let bytes = made(&pixels, jpeg, alpha, (width, height), &recipe(alpha), kept)
                        .ok_or("it could not be resampled")?;
                    (alpha, Bytes::new(bytes))
                }
            }
        }
    };
    let format = if source.jpeg && !alpha {
        RasterFormat::Exchange(ExchangeFormat::Jpg)
    } else {
        RasterFormat::Pixel(PixelFormat {
            encoding: if alpha {
                PixelEncoding::Rgba8
            } else {
                PixelEncoding::Rgb8
            },
            width,
            height,
        })
    };
    let icc = source.icc.clone().map_or(Smart::Auto, Smart::Custom);
    let copy = RasterImage::new(bytes, format, icc).map_err(|err| err.to_string())?;
    if let Ok(mut held) = HELD.lock() {
        held.put(key, copy.clone());
    }
    Ok(copy)
}

/// Resamples `source` to `size` and encodes it (JPEG for a photograph,
/// else raw pixels), keeping the result in `kept` for later runs.
fn made(
    source: &image::DynamicImage,
    jpeg: bool,
    alpha: bool,
    (width, height): (u32, u32),
    recipe: &Recipe,
    kept: Option<Kept>,
) -> Option<Vec<u8>> {
    let (pixels, channels) = if alpha {
        (source.to_rgba8().into_raw(), 4)
    } else {
        (source.to_rgb8().into_raw(), 3)
    };
    let from = (source.width() as usize, source.height() as usize);
    let smaller = shrink(&pixels, channels, from, (width as usize, height as usize));
    let bytes = if jpeg {
        let mut bytes = Vec::new();
        JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
            .write_image(&smaller, width, height, image::ExtendedColorType::Rgb8)
            .ok()?;
        bytes
    } else {
        smaller
    };
    if let Some(kept) = kept {
        kept.cache.put(kept.gate, recipe, &bytes);
    }
    Some(bytes)
}

/// Shrinks `pixels` (`channels` bytes a pixel, `from` = width x height) to
/// `to` by averaging the source pixels each target pixel covers: the right
/// filter for shrinking, and one pass over the source.
pub fn shrink(pixels: &[u8], channels: usize, from: (usize, usize), to: (usize, usize)) -> Vec<u8> {
    let ((width, height), (to_width, to_height)) = (from, to);
    let span = |t: usize, total: usize, to: usize| {
        let start = t * total / to;
        (start, ((t + 1) * total / to).max(start + 1).min(total))
    };
    let columns: Vec<(usize, usize)> = (0..to_width).map(|x| span(x, width, to_width)).collect();
    let mut out = vec![0u8; to_width * to_height * channels];
    let mut sums = vec![0u32; to_width * channels];
    for ty in 0..to_height {
        let (y0, y1) = span(ty, height, to_height);
        sums.fill(0);
        for y in y0..y1 {
            let row = &pixels[y * width * channels..(y + 1) * width * channels];
            for (tx, &(x0, x1)) in columns.iter().enumerate() {
                let sum = &mut sums[tx * channels..(tx + 1) * channels];
                for pixel in row[x0 * channels..x1 * channels].chunks_exact(channels) {
                    for (total, &value) in sum.iter_mut().zip(pixel) {
                        *total += u32::from(value);
                    }
                }
            }
        }
        for (tx, &(x0, x1)) in columns.iter().enumerate() {
            let count = ((x1 - x0) * (y1 - y0)) as u32;
            let at = (ty * to_width + tx) * channels;
            for c in 0..channels {
                out[at + c] = ((sums[tx * channels + c] + count / 2) / count) as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jpeg_encoding_names_the_quality_used() {
        assert_eq!(JPEG_ENCODING, format!("jpeg-{JPEG_QUALITY}"));
    }

    /// A grey `side` x `side` copy, held as it would be: 2 x side² bytes.
    fn grey(side: u32) -> RasterImage {
        let format = RasterFormat::Pixel(PixelFormat {
            encoding: PixelEncoding::Luma8,
            width: side,
            height: side,
        });
        let pixels = vec![128u8; (side * side) as usize];
        RasterImage::new(Bytes::new(pixels), format, Smart::Auto).expect("grey pixels")
    }

    #[test]
    fn held_copies_give_way_least_recently_used_first_and_never_pass_the_cap() {
        let mut held = Held::new(3 * 2 * 100);
        for n in 0..3 {
            held.put((n, 10, 10), grey(10));
        }
        // Three fit; the first, used again, stays when a fourth comes, and
        // the second, unused since it came, goes.
        assert!(held.get(&(0, 10, 10)).is_some());
        held.put((3, 10, 10), grey(10));
        assert!(held.get(&(1, 10, 10)).is_none());
        for n in [0, 2, 3] {
            assert!(held.get(&(n, 10, 10)).is_some(), "copy {n} held");
        }
        assert_eq!(held.bytes, 600);
        // One bigger than the cap is not held, and pushes nothing out.
        held.put((9, 20, 20), grey(20));
        assert!(held.get(&(9, 20, 20)).is_none());
        assert_eq!(held.copies.len(), 3);
        // Keyed by size too: the same source at another size is another copy.
        held.put((3, 5, 5), grey(5));
        assert!(held.get(&(3, 5, 5)).is_some());
        assert!(held.get(&(3, 10, 10)).is_some());
        assert!(held.bytes <= 600);
    }

    /// One image placed twice, described differently each time (an issue's
    /// cover and an article's lead image): both placements get the one
    /// resampled copy, and each keeps its own alt text.
    #[test]
    fn an_image_placed_twice_keeps_each_placements_alt_text() {
        use typst::layout::{Abs, Point, Size};
        let original = grey(1000);
        let placed = |alt: &str| {
            FrameItem::Image(
                Image::new(original.clone(), Some(alt.into()), Smart::Auto),
                Size::new(Abs::inches(1.0), Abs::inches(1.0)),
                typst::syntax::Span::detached(),
            )
        };
        let mut frame = Frame::soft(Size::new(Abs::inches(8.0), Abs::inches(8.0)));
        frame.push(Point::zero(), placed("The cover's photograph"));
        frame.push(Point::zero(), placed("A convoy on the highway"));
        let page = Page {
            frame,
            bleed: typst::layout::Sides::splat(Abs::zero()),
            fill: Smart::Auto,
            numbering: None,
            supplement: typst::foundations::Content::empty(),
            number: 1,
        };
        let document = PagedDocument::new([page].into_iter().collect(), Default::default());
        let smaller = downsample(document, SCREEN_DPI, None, &Originals::default())
            .unwrap_or_else(|_| panic!("grey pixels resample"));
        let placed: Vec<(String, u32)> = smaller.pages()[0]
            .frame
            .items()
            .filter_map(|(_, item)| match item {
                FrameItem::Image(image, _, _) => Some((
                    image.alt().unwrap_or_default().to_string(),
                    image.width() as u32,
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            placed,
            vec![
                ("The cover's photograph".to_string(), 200),
                ("A convoy on the highway".to_string(), 200),
            ]
        );
    }

    #[test]
    fn shrinking_averages_the_pixels_covered() {
        // 4 x 2 grey pixels to 2 x 1: each target averages a 2 x 2 block.
        let pixels = [0, 10, 100, 200, 20, 30, 100, 0];
        assert_eq!(shrink(&pixels, 1, (4, 2), (2, 1)), vec![15, 100]);
        // Uneven: 3 x 1 to 2 x 1 covers columns [0] and [1, 2].
        assert_eq!(shrink(&[9, 4, 6], 1, (3, 1), (2, 1)), vec![9, 5]);
    }
}
