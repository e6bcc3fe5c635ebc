//! Stand-ins: what the layout of a screen PDF sees in place of a raster
//! image. Layout needs an image's pixel size, density and orientation, never
//! its pixels, and a screen PDF carries a resampled copy that an earlier
//! build has usually made already. So the compiler is served a file of the
//! same format, size, density and orientation whose pixels are all black
//! (a few kilobytes that decode at the speed of memory), and
//! [`downsample`] swaps every stand-in for the copy, or for the original,
//! before anything is drawn. The original is decoded only when a copy has
//! to be made: a build whose copies are kept never decodes its photographs.
//! Measured on an issue of 40 articles, each with its own 2,000-pixel
//! image: the 270 MB of decoded originals gone from its heap peak (375 →
//! 294 MB), and 0.5 s of its CPU.
//!
//! [`downsample`]: super::downsample::downsample

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use image::codecs::jpeg::JpegDecoder;
use image::codecs::png::PngDecoder;
use image::{DynamicImage, ImageDecoder, Limits};
use typst::foundations::{Bytes, Smart};
use typst::utils::hash128;
use typst::visualize::{ExchangeFormat, RasterImage};

use crate::fsgate::{FileData, PerFile};
use crate::images;
use crate::limits::{is_jpeg_frame, jpeg_segments};

/// What is worked out once from an image file's bytes as read, kept with
/// the gate's copy: whether it decodes (asked by layout, web pages and
/// `check`) and its stand-in (an issue and its members share one).
#[derive(Default)]
pub struct Facts {
    pub decodes: OnceLock<Result<(), String>>,
    stand_in: OnceLock<Option<StandIn>>,
}

impl Facts {
    /// The facts kept with `data` (`None` if something else was kept).
    pub fn of(data: &FileData) -> Option<Arc<Facts>> {
        data.derived(|_| Facts::default())
    }
}

/// A stand-in's bytes and their hash (as frames identify images).
#[derive(Clone)]
struct StandIn {
    bytes: Bytes,
    hash: u128,
}

/// The original a stand-in stands for.
#[derive(Clone)]
pub struct Original {
    /// Its path as the templates name it, without the leading `/`.
    pub path: String,
    pub data: Bytes,
    pub format: ExchangeFormat,
}

/// The stand-ins one compilation may serve, and those it served.
pub struct StandIns {
    /// Paths (as templates name them, without the leading `/`) to stand in for.
    paths: HashSet<String>,
    served: Mutex<Originals>,
}

/// The stand-ins served, by the hash of their bytes, with their originals.
#[derive(Default, Clone)]
pub struct Originals(HashMap<u128, Original>);

impl Originals {
    /// The original the placed image whose bytes hash to `hash` stands for,
    /// if it is a stand-in.
    pub fn get(&self, hash: u128) -> Option<&Original> {
        self.0.get(&hash)
    }
}

impl StandIns {
    /// Stand-ins for the images at `paths`.
    pub fn for_paths(paths: impl IntoIterator<Item = String>) -> Self {
        Self {
            paths: paths
                .into_iter()
                .map(|path| path.trim_start_matches('/').to_string())
                .collect(),
            served: Mutex::new(Originals::default()),
        }
    }

    /// Whether `path` (as templates name it, without the leading `/`) is
    /// stood in for.
    pub fn covers(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    /// The stand-in for the image at `path` whose file is `data`, noted as
    /// served; `None` when the format has no stand-in (then the original
    /// is served).
    pub fn serve(&self, path: &str, data: &FileData) -> Option<Bytes> {
        let made = match Facts::of(data) {
            Some(facts) => facts.stand_in.get_or_init(|| made(&data.bytes)).clone(),
            None => made(&data.bytes),
        }?;
        let format = exchange(&data.bytes)?;
        if let Ok(mut served) = self.served.lock() {
            served.0.insert(
                made.hash,
                Original {
                    path: path.to_string(),
                    data: data.bytes.clone(),
                    format,
                },
            );
        }
        Some(made.bytes)
    }

    /// The stand-ins served so far.
    pub fn served(&self) -> Originals {
        self.served
            .lock()
            .map(|served| served.clone())
            .unwrap_or_default()
    }
}

/// Makes the stand-in for `data` and decodes it into Typst's memoized
/// decoder, so that a layout running meanwhile finds it done.
pub fn warm(data: &FileData) {
    let Some(facts) = Facts::of(data) else {
        return;
    };
    let made = facts.stand_in.get_or_init(|| made(&data.bytes));
    if let (Some(made), Some(format)) = (made, exchange(&data.bytes)) {
        // As the compiler asks when a template gives no ICC profile.
        let _ = RasterImage::new(made.bytes.clone(), format, Smart::Auto);
    }
}

fn made(data: &Bytes) -> Option<StandIn> {
    let bytes = Bytes::new(stand_in(data)?);
    // Hashed as frames hash it: as `Bytes`.
    Some(StandIn {
        hash: hash128(&bytes),
        bytes,
    })
}

/// The format Typst decodes `data` as, among those with stand-ins.
fn exchange(data: &[u8]) -> Option<ExchangeFormat> {
    images::Format::detect(data)?
        .exchange()
        .filter(|format| matches!(format, ExchangeFormat::Png | ExchangeFormat::Jpg))
}

/// Whether a file's name makes the compiler decode it as a format with
/// stand-ins (it goes by the name; prepare has checked that the content
/// agrees).
pub fn has_stand_in(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".png") || lower.ends_with(".jpg") || lower.ends_with(".jpeg")
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A stand-in for the image `data`: same format, pixel size, density and
/// EXIF data (orientation included, so the decoded size turns the same),
/// every pixel black (one byte of grey: a one-bit PNG costs more to expand
/// than eight bits of zeros cost to inflate), and a private chunk or comment naming the
/// original (two originals of one size need two stand-ins). `None` for a
/// format or a file it cannot stand in for: the original is served then.
/// The name is the original's hash as `Bytes`, which `Bytes` computes once
/// and keeps: its copy is looked up by the same hash, at no second pass.
fn stand_in(data: &Bytes) -> Option<Vec<u8>> {
    let tag = hash128(data).to_be_bytes();
    match exchange(data)? {
        ExchangeFormat::Png => png_stand_in(data, &tag),
        ExchangeFormat::Jpg => jpeg_stand_in(data, &tag),
        ExchangeFormat::Gif | ExchangeFormat::Webp => None,
    }
}

/// PNG: the chunks Typst reads metadata from are copied as they are: the
/// first `pHYs` before the image data (`png_dpi`) and the first `eXIf`
/// anywhere (the EXIF reader walks every chunk).
fn png_stand_in(data: &[u8], tag: &[u8]) -> Option<Vec<u8>> {
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
    };
    if data.get(12..16)? != b"IHDR" {
        return None;
    }
    let (width, height) = (be32(16)?, be32(20)?);
    let (mut density, mut exif) = (None, None);
    let mut before_data = true;
    for (kind, chunk) in png_chunks(data) {
        match kind {
            b"IDAT" => before_data = false,
            b"pHYs" if before_data && density.is_none() => {
                // Copied whole, checksum included, so that Typst reads the
                // same density (or none) from both.
                let (checked, sum) = chunk.split_at(chunk.len() - 4);
                if crc32(&checked[4..]).to_be_bytes() != sum {
                    return None;
                }
                density = Some(chunk);
            }
            b"eXIf" if exif.is_none() => exif = Some(&chunk[8..chunk.len() - 4]),
            _ => {}
        }
    }
    let mut out = PNG_SIGNATURE.to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend(width.to_be_bytes());
    header.extend(height.to_be_bytes());
    // Eight bits a pixel, greyscale, no interlacing.
    header.extend([8, 0, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &header);
    if let Some(chunk) = density {
        out.extend(chunk);
    }
    if let Some(exif) = exif {
        png_chunk(&mut out, b"eXIf", exif);
    }
    // Ancillary, private, safe to copy: decoders skip it.
    png_chunk(&mut out, b"bpOr", tag);
    let row = vec![0u8; 1 + width as usize];
    let mut pixels = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    for _ in 0..height {
        pixels.write_all(&row).ok()?;
    }
    png_chunk(&mut out, b"IDAT", &pixels.finish().ok()?);
    png_chunk(&mut out, b"IEND", &[]);
    Some(out)
}

/// The chunks of a PNG, each as its kind and its whole bytes (length, kind,
/// body and checksum); they end where the data does.
fn png_chunks(data: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = PNG_SIGNATURE.len();
    std::iter::from_fn(move || {
        let length = u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?);
        let end = at.checked_add(12)?.checked_add(length as usize)?;
        let chunk = data.get(at..end)?;
        at = end;
        Some((&chunk[4..8], chunk))
    })
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
    out.extend((body.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend(kind);
    out.extend(body);
    let crc = crc32(&out[start..]);
    out.extend(crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(bytes);
    hasher.finalize()
}

/// JPEG: the APP0 (JFIF: density) and APP1 (EXIF) segments are copied in
/// their order, the first one first only if it was first in the original
/// (Typst reads the JFIF density only at the start of the file); then one
/// greyscale component whose every block is zero, in two bits a block.
fn jpeg_stand_in(data: &[u8], tag: &[u8]) -> Option<Vec<u8>> {
    let (width, height) = jpeg_size(data)?;
    let mut kept: Vec<&[u8]> = Vec::new();
    let mut framed = false;
    for (marker, segment) in jpeg_segments(data) {
        match marker {
            0xE0 | 0xE1 => kept.push(segment),
            _ => framed = is_jpeg_frame(marker),
        }
    }
    if !framed {
        return None;
    }
    let mut out = vec![0xFF, 0xD8];
    let jfif_first = data.get(2..4) == Some(&[0xFF, 0xE0]);
    let comment = |out: &mut Vec<u8>| {
        out.extend([0xFF, 0xFE]);
        out.extend(((tag.len() + 2) as u16).to_be_bytes());
        out.extend(tag);
    };
    if !jfif_first {
        comment(&mut out);
    }
    for segment in &kept {
        out.extend(*segment);
    }
    if jfif_first {
        comment(&mut out);
    }
    // Quantisation table 0: all ones.
    out.extend([0xFF, 0xDB, 0, 67, 0]);
    out.extend([1u8; 64]);
    // Baseline frame: 8 bits, one component, 1 x 1 sampling, table 0.
    out.extend([0xFF, 0xC0, 0, 11, 8]);
    out.extend(height.to_be_bytes());
    out.extend(width.to_be_bytes());
    out.extend([1, 1, 0x11, 0]);
    // Huffman tables with one one-bit code each: DC difference 0, and the
    // end of block.
    for class in [0x00, 0x10] {
        out.extend([0xFF, 0xC4, 0, 20, class, 1]);
        out.extend([0u8; 15]);
        out.push(0);
    }
    out.extend([0xFF, 0xDA, 0, 8, 1, 1, 0x00, 0, 63, 0]);
    let blocks = usize::from(width).div_ceil(8) * usize::from(height).div_ceil(8);
    // Two zero bits a block, padded with ones.
    let bits = blocks * 2;
    out.extend(std::iter::repeat_n(0u8, bits / 8));
    if bits % 8 != 0 {
        out.push(0xFF >> (bits % 8));
    }
    out.extend([0xFF, 0xD9]);
    Some(out)
}

/// A JPEG's size from its frame header.
fn jpeg_size(data: &[u8]) -> Option<(u16, u16)> {
    let (width, height) = crate::limits::image_size(data)?;
    Some((u16::try_from(width).ok()?, u16::try_from(height).ok()?))
}

/// Whether `data` decodes to pixels with an alpha channel, from its header:
/// a PNG with an alpha channel or a `tRNS` chunk (expanded to alpha).
pub fn has_alpha(original: &Original) -> bool {
    let data = &original.data[..];
    if original.format != ExchangeFormat::Png {
        return false;
    }
    if matches!(data.get(25), Some(4 | 6)) {
        return true;
    }
    for (kind, _) in png_chunks(data) {
        match kind {
            b"tRNS" => return true,
            b"IDAT" => return false,
            _ => {}
        }
    }
    false
}

/// The ICC profile the original embeds, read from its header as Typst reads
/// it when it decodes the original.
pub fn embedded_icc(original: &Original) -> Option<Bytes> {
    let cursor = Cursor::new(&original.data[..]);
    let icc = match original.format {
        ExchangeFormat::Png => PngDecoder::new(cursor).ok()?.icc_profile(),
        ExchangeFormat::Jpg => JpegDecoder::new(cursor).ok()?.icc_profile(),
        ExchangeFormat::Gif | ExchangeFormat::Webp => return None,
    };
    icc.ok()
        .flatten()
        .filter(|icc| !icc.is_empty())
        .map(Bytes::new)
}

/// How often this process decoded each original (by its path inside the
/// root), for the test that a build whose copies are kept decodes none.
pub static DECODES: PerFile = PerFile::new();

/// The original's pixels as Typst decodes them (the same decoder, limits and
/// EXIF turn), without keeping them in Typst's memoized decoder: each
/// original goes as soon as its copy is made.
pub fn decode(original: &Original) -> Result<DynamicImage, String> {
    DECODES.count(Path::new(&original.path));
    fn pixels(decoder: image::ImageResult<impl ImageDecoder>) -> image::ImageResult<DynamicImage> {
        let mut decoder = decoder?;
        decoder.set_limits(Limits::default())?;
        DynamicImage::from_decoder(decoder)
    }
    let data = &original.data[..];
    let decoded = match original.format {
        ExchangeFormat::Png => pixels(PngDecoder::new(Cursor::new(data))),
        ExchangeFormat::Jpg => pixels(JpegDecoder::new(Cursor::new(data))),
        ExchangeFormat::Gif | ExchangeFormat::Webp => {
            return Err("it has no stand-in".to_string());
        }
    };
    let mut image = decoded.map_err(|err| format!("it does not decode ({err})"))?;
    let orientation = exif::Reader::new()
        .read_from_container(&mut Cursor::new(data))
        .ok()
        .and_then(|exif| {
            exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?
                .value
                .get_uint(0)
        });
    use image::imageops;
    match orientation {
        Some(2) => imageops::flip_horizontal_in_place(&mut image),
        Some(3) => imageops::rotate180_in_place(&mut image),
        Some(4) => imageops::flip_vertical_in_place(&mut image),
        Some(5) => {
            imageops::flip_horizontal_in_place(&mut image);
            image = image.rotate270();
        }
        Some(6) => image = image.rotate90(),
        Some(7) => {
            imageops::flip_horizontal_in_place(&mut image);
            image = image.rotate90();
        }
        Some(8) => image = image.rotate270(),
        _ => {}
    }
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::ImageEncoder;

    /// A `width` x `height` RGB PNG of varied pixels, with `chunks` (kind,
    /// body) inserted before its image data.
    fn png(width: u32, height: u32, chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let pixels: Vec<u8> = (0..width * height * 3)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let mut plain = Vec::new();
        image::codecs::png::PngEncoder::new(&mut plain)
            .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        let idat = plain.windows(4).position(|w| w == b"IDAT").unwrap() - 4;
        let mut out = plain[..idat].to_vec();
        for (kind, body) in chunks {
            png_chunk(&mut out, kind, body);
        }
        out.extend(&plain[idat..]);
        out
    }

    /// EXIF (big-endian TIFF) with one orientation and a resolution of
    /// `dpi` / 1.
    fn exif(orientation: u16, dpi: u32) -> Vec<u8> {
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend(3u16.to_be_bytes());
        // Orientation (SHORT), XResolution and YResolution (RATIONAL at 50).
        tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        tiff.extend(orientation.to_be_bytes());
        tiff.extend([0, 0]);
        for tag in [0x011Au16, 0x011B] {
            tiff.extend(tag.to_be_bytes());
            tiff.extend([0, 5, 0, 0, 0, 1, 0, 0, 0, 50]);
        }
        tiff.extend([0, 0, 0, 0]);
        tiff.extend(dpi.to_be_bytes());
        tiff.extend(1u32.to_be_bytes());
        tiff
    }

    /// The stand-in for `original`, which must have one.
    fn stand_in_of(original: &[u8]) -> Vec<u8> {
        stand_in(&Bytes::new(original.to_vec())).unwrap()
    }

    fn raster(data: Vec<u8>, format: ExchangeFormat) -> RasterImage {
        RasterImage::new(Bytes::new(data), format, Smart::Auto).unwrap()
    }

    /// What layout reads of an image: its size, density and turn.
    fn seen(image: &RasterImage) -> (u32, u32, Option<f64>, Option<u32>) {
        (
            image.width(),
            image.height(),
            image.dpi(),
            image.exif_rotation(),
        )
    }

    #[test]
    fn a_png_stand_in_looks_to_layout_as_the_original_does() {
        // pHYs of 11,811 dots a metre (300 dpi), and no metadata at all.
        let density = [11811u32.to_be_bytes(), 11811u32.to_be_bytes()].concat();
        let with_density = png(30, 20, &[(b"pHYs", [density, vec![1]].concat())]);
        for original in [with_density, png(30, 20, &[])] {
            let stand_in = stand_in_of(&original);
            assert_eq!(
                seen(&raster(stand_in, ExchangeFormat::Png)),
                seen(&raster(original, ExchangeFormat::Png))
            );
        }
        // EXIF turns and density: the stand-in turns as the original does.
        for orientation in 1..=8 {
            let original = png(30, 20, &[(b"eXIf", exif(orientation, 144))]);
            let typst = raster(original.clone(), ExchangeFormat::Png);
            let stood_in = raster(stand_in_of(&original), ExchangeFormat::Png);
            assert_eq!(seen(&stood_in), seen(&typst), "orientation {orientation}");
            // And the original decoded here is the one Typst decodes.
            let decoded = decode(&Original {
                path: String::new(),
                data: Bytes::new(original),
                format: ExchangeFormat::Png,
            })
            .unwrap();
            assert_eq!(
                decoded.as_bytes(),
                typst.dynamic().as_bytes(),
                "orientation {orientation}"
            );
        }
    }

    #[test]
    fn a_jpeg_stand_in_looks_to_layout_as_the_original_does() {
        let pixels: Vec<u8> = (0..37 * 21 * 3).map(|i| (i % 256) as u8).collect();
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut plain)
            .write_image(&pixels, 37, 21, image::ExtendedColorType::Rgb8)
            .unwrap();
        // The encoder writes JFIF first; add EXIF after it.
        let jfif_end = 4 + usize::from(u16::from_be_bytes([plain[4], plain[5]]));
        let exif = [b"Exif\0\0".to_vec(), exif(6, 72)].concat();
        let mut with_exif = plain[..jfif_end].to_vec();
        with_exif.extend([0xFF, 0xE1]);
        with_exif.extend(((exif.len() + 2) as u16).to_be_bytes());
        with_exif.extend(&exif);
        with_exif.extend(&plain[jfif_end..]);
        for original in [plain, with_exif] {
            let stand_in = stand_in_of(&original);
            assert_eq!(
                seen(&raster(stand_in, ExchangeFormat::Jpg)),
                seen(&raster(original, ExchangeFormat::Jpg))
            );
        }
    }

    #[test]
    fn two_originals_of_one_size_have_two_stand_ins() {
        let one = png(30, 20, &[]);
        let other = png(30, 20, &[(b"tEXt", b"Title\0Other".to_vec())]);
        let (one, other) = (stand_in_of(&one), stand_in_of(&other));
        assert_ne!(one, other);
        assert_eq!(
            seen(&raster(one, ExchangeFormat::Png)),
            seen(&raster(other, ExchangeFormat::Png))
        );
    }

    #[test]
    fn alpha_is_told_from_the_header() {
        let original = |data: Vec<u8>| Original {
            path: String::new(),
            data: Bytes::new(data),
            format: ExchangeFormat::Png,
        };
        let rgb = png(4, 4, &[]);
        assert!(!has_alpha(&original(rgb.clone())));
        let transparent = png(4, 4, &[(b"tRNS", vec![0, 1, 0, 2, 0, 3])]);
        let decoded = raster(transparent.clone(), ExchangeFormat::Png);
        assert!(decoded.dynamic().color().has_alpha());
        assert!(has_alpha(&original(transparent)));
        assert!(
            !raster(rgb, ExchangeFormat::Png)
                .dynamic()
                .color()
                .has_alpha()
        );
    }
}
