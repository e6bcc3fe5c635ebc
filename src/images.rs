//! What an image file is, and whether briefpress may place it: the format
//! from its content (it must match the file name, which the templates'
//! `image()` goes by), the size from its header before any decoding, the
//! pixel and side limits, and for SVG what it embeds or links.

use std::path::Path;

use base64::Engine as _;
use typst::foundations::Bytes;
use typst::visualize::{ExchangeFormat, RasterImage};

use crate::limits::{Limits, image_size};

/// The longest side of an image the PDF export accepts, in pixels.
pub const MAX_SIDE: u64 = 16_384;

/// The formats briefpress places, as detected from content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
}

impl Format {
    /// Detects the format from the first bytes.
    pub fn detect(data: &[u8]) -> Option<Self> {
        let head = &data[..data.len().min(64 * 1024)];
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
            Some(Format::Webp)
        } else if looks_like_svg(data) {
            Some(Format::Svg)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::Gif => "GIF",
            Format::Webp => "WebP",
            Format::Svg => "SVG",
        }
    }

    /// The file name endings of the format.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Png => &["png"],
            Format::Jpeg => &["jpg", "jpeg"],
            Format::Gif => &["gif"],
            Format::Webp => &["webp"],
            Format::Svg => &["svg"],
        }
    }

    /// The format Typst decodes it as, for a raster image.
    pub fn exchange(self) -> Option<ExchangeFormat> {
        match self {
            Format::Png => Some(ExchangeFormat::Png),
            Format::Jpeg => Some(ExchangeFormat::Jpg),
            Format::Gif => Some(ExchangeFormat::Gif),
            Format::Webp => Some(ExchangeFormat::Webp),
            Format::Svg => None,
        }
    }
}

/// Whether a file is SVG text: an `<svg` element anywhere (a long comment
/// or doctype may come first).
fn looks_like_svg(data: &[u8]) -> bool {
    std::str::from_utf8(data).is_ok_and(|text| text.to_ascii_lowercase().contains("<svg"))
}

/// What checking an image found.
#[derive(Debug, Default)]
pub struct Inspected {
    /// The pixels it decodes to (for SVG, those of the raster images it
    /// embeds; linked ones are counted by whoever reads them).
    pub pixels: u64,
    /// Files an SVG links, as written (relative to the SVG): the compiler
    /// loads them beside it, so they are checked and counted too.
    pub linked: Vec<String>,
}

/// Checks the image file `name` with content `data`.
pub fn inspect(name: &Path, data: &Bytes, limits: &Limits) -> Result<Inspected, String> {
    let format = Format::detect(data).ok_or("it is not a PNG, JPEG, GIF, WebP or SVG image")?;
    let extension = name
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !format.extensions().contains(&extension.as_str()) {
        return Err(format!(
            "it is a {} image, but its name ends in `.{extension}`; rename it to end in `.{}`",
            format.name(),
            format.extensions()[0]
        ));
    }
    match format.exchange() {
        // Judged from the header alone: decoding waits until the pixels
        // are needed (see [`decodes`]), so a run that lays nothing out
        // (an unchanged rebuild) decodes nothing.
        Some(_) => Ok(Inspected {
            pixels: raster_pixels(data, limits)?,
            linked: Vec::new(),
        }),
        None => svg_contents(data, limits),
    }
}

/// Whether a raster image's data decodes (an SVG is checked whole by
/// [`inspect`]). Before a layout (`keep`) it is decoded with Typst's own
/// memoized decoder, which the compiler then reuses; `check`, which lays
/// nothing out, decodes it and lets the pixels go at once.
pub fn decodes(data: &Bytes, keep: bool) -> Result<(), String> {
    let Some(format) = Format::detect(data) else {
        return Err("it is not a PNG, JPEG, GIF, WebP or SVG image".into());
    };
    let Some(exchange) = format.exchange() else {
        return Ok(());
    };
    let decoded = if keep {
        RasterImage::plain(data.clone(), exchange)
            .map(drop)
            .map_err(|err| err.to_string())
    } else {
        let format = match exchange {
            ExchangeFormat::Png => image::ImageFormat::Png,
            ExchangeFormat::Jpg => image::ImageFormat::Jpeg,
            ExchangeFormat::Gif => image::ImageFormat::Gif,
            ExchangeFormat::Webp => image::ImageFormat::WebP,
        };
        image::load_from_memory_with_format(data, format)
            .map(drop)
            .map_err(|err| err.to_string())
    };
    decoded.map_err(|err| format!("it does not decode ({err})"))
}

/// The pixels of a raster image from its header, within the limits.
fn raster_pixels(data: &[u8], limits: &Limits) -> Result<u64, String> {
    let (width, height) = image_size(data).ok_or("its header gives no size")?;
    if width == 0 || height == 0 {
        return Err("its header gives it no pixels".into());
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "it is {width} × {height} pixels; a PDF takes images of at most {MAX_SIDE} pixels a side"
        ));
    }
    let pixels = width * height;
    if pixels > limits.image_pixels {
        return Err(format!(
            "it is {width} × {height} pixels ({} megapixels), over the limit of {} megapixels",
            pixels / 1_000_000,
            limits.image_pixels / 1_000_000
        ));
    }
    Ok(pixels)
}

/// Checks what an SVG holds: no scripts, no addresses, and raster images
/// embedded as `data:` URIs within the limits (counted, as the compiler
/// decodes them); files it links by relative path are listed.
fn svg_contents(data: &[u8], limits: &Limits) -> Result<Inspected, String> {
    let text = String::from_utf8_lossy(data);
    let lower = text.to_lowercase();
    if lower.contains("<script") || lower.contains("javascript:") || has_event_handler(&lower) {
        return Err("the SVG contains a script".into());
    }
    if lower.contains("<!entity") {
        return Err("the SVG declares entities (they can read files); remove its DOCTYPE".into());
    }
    if lower.contains("@import") || lower.contains("<foreignobject") {
        return Err(
            "the SVG loads style sheets or embeds HTML (`@import`, `<foreignObject>`); remove them"
                .into(),
        );
    }
    let mut pixels = 0u64;
    let mut linked = Vec::new();
    for reference in references(&text) {
        let reference = reference.trim();
        if reference.is_empty() || reference.starts_with('#') {
            continue;
        }
        let Some(embedded) = reference.strip_prefix("data:") else {
            if has_scheme(reference) || reference.starts_with('/') || reference.starts_with('\\') {
                return Err(format!(
                    "the SVG loads `{}` from outside the project; link a file beside it by a relative path, or embed it as a data: URI",
                    shorten(reference)
                ));
            }
            if !linked.iter().any(|known| known == reference) {
                linked.push(reference.to_string());
            }
            continue;
        };
        let (kind, payload) = embedded
            .split_once(',')
            .ok_or("the SVG holds a malformed data: URI")?;
        if !kind.to_ascii_lowercase().ends_with(";base64") {
            return Err(format!(
                "the SVG holds a `data:{}` URI that is not base64; only embedded PNG, JPEG, GIF or WebP images are allowed",
                shorten(kind)
            ));
        }
        let compact: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|_| "the SVG holds a data: URI that is not valid base64")?;
        if !matches!(
            Format::detect(&bytes),
            Some(Format::Png | Format::Jpeg | Format::Gif | Format::Webp)
        ) {
            return Err(
                "the SVG embeds something that is not a PNG, JPEG, GIF or WebP image".into(),
            );
        }
        pixels += raster_pixels(&bytes, limits)
            .map_err(|why| format!("an image embedded in the SVG is refused: {why}"))?;
        if pixels > limits.image_pixels {
            return Err(format!(
                "the images embedded in the SVG add up to {} megapixels, over the limit of {} megapixels",
                pixels / 1_000_000,
                limits.image_pixels / 1_000_000
            ));
        }
    }
    Ok(Inspected { pixels, linked })
}

/// Whether a reference names a scheme (`http:`, `file:`, `ftp:`): a letter
/// and letters, digits, `+ - .` before a colon.
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Whether an element of the SVG has an event handler attribute
/// (`onload=`, `onclick=`, ...): a script by another name.
fn has_event_handler(lower: &str) -> bool {
    lower
        .match_indices(" on")
        .chain(lower.match_indices("\ton"))
        .chain(lower.match_indices("\non"))
        .any(|(at, found)| {
            let name: String = lower[at + found.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            !name.is_empty()
                && lower[at + found.len() + name.len()..]
                    .trim_start()
                    .starts_with('=')
        })
}

/// Every `href` / `xlink:href` attribute value and CSS `url(...)` of an SVG.
fn references(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut at = 0;
    while let Some(offset) = lower[at..].find("href") {
        let start = at + offset + 4;
        at = start;
        let rest = &text[start..];
        let trimmed = rest.trim_start();
        let Some(after_eq) = trimmed.strip_prefix('=') else {
            continue;
        };
        let value = after_eq.trim_start();
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let body = &value[1..];
        let end = body.find(quote).unwrap_or(body.len());
        found.push(&body[..end]);
    }
    let mut at = 0;
    while let Some(offset) = lower[at..].find("url(") {
        let start = at + offset + 4;
        at = start;
        let body = &text[start..];
        let end = body.find(')').unwrap_or(body.len());
        found.push(body[..end].trim().trim_matches(|c| c == '"' || c == '\''));
    }
    found
}

/// At most 60 characters of a reference, for messages.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, data: &[u8]) -> Result<u64, String> {
        inspect(
            Path::new(name),
            &Bytes::new(data.to_vec()),
            &Limits::DEFAULT,
        )
        .map(|found| found.pixels)
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        // Only the header: enough for the checks that come before decoding.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&width.to_be_bytes());
        png.extend_from_slice(&height.to_be_bytes());
        png
    }

    #[test]
    fn the_name_must_match_the_content() {
        let error = check("x.png", b"GIF89a\x20\x03\x58\x02").unwrap_err();
        assert!(error.contains("a GIF image"), "{error}");
        assert!(error.contains("`.gif`"), "{error}");
    }

    #[test]
    fn sides_and_pixels_are_judged_from_the_header() {
        let error = check("x.png", &png(20_000, 10)).unwrap_err();
        assert!(error.contains("16384 pixels a side"), "{error}");
        let error = check("x.png", &png(10_000, 10_000)).unwrap_err();
        assert!(error.contains("over the limit of 50 megapixels"), "{error}");
    }

    #[test]
    fn a_jpeg_frame_after_a_long_comment_is_found() {
        let mut jpeg = vec![0xFF, 0xD8];
        // A comment segment of 65,000 bytes, then the frame header.
        jpeg.extend_from_slice(&[0xFF, 0xFE, 0xFD, 0xEA]);
        jpeg.extend(std::iter::repeat_n(b'c', 65_000));
        jpeg.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0x4E, 0x20, 0x4E, 0x20, 3, 0]);
        let error = check("x.jpg", &jpeg).unwrap_err();
        assert!(error.contains("20000 × 20000"), "{error}");
    }

    #[test]
    fn svg_images_are_counted_and_links_out_refused() {
        let embedded = base64::engine::general_purpose::STANDARD.encode(png(60_000, 60_000));
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><image href=\"data:image/png;base64,{embedded}\"/></svg>"
        );
        let error = check("x.svg", svg.as_bytes()).unwrap_err();
        assert!(error.contains("embedded in the SVG"), "{error}");
        let linked = "<svg><image xlink:href='big.png'/><image href=\"big.png\"/></svg>";
        let found = inspect(
            Path::new("x.svg"),
            &Bytes::new(linked.as_bytes().to_vec()),
            &Limits::DEFAULT,
        )
        .unwrap();
        assert_eq!(found.linked, vec!["big.png".to_string()]);
        for outside in [
            "file:///etc/passwd",
            "https://example.org/a.png",
            "/etc/x.png",
        ] {
            let svg = format!("<svg><image href=\"{outside}\"/></svg>");
            let error = check("x.svg", svg.as_bytes()).unwrap_err();
            assert!(error.contains("from outside the project"), "{error}");
        }
        assert_eq!(check("x.svg", b"<svg><use href=\"#a\"/></svg>"), Ok(0));
    }
}
