//! The images of a web page: each resampled for the screen (at most twice
//! the width it is shown at, for sharp high-density displays) and named by
//! its content and that width, so that pages placing the same file at
//! different sizes never collide and a page copied anywhere keeps its
//! images. Name and size come from the image's header; the pixels are
//! resampled only when the file is not in the output folder yet.

use image::ImageEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use std::io::Cursor;

use typst::foundations::Bytes;

use crate::fsgate::hash_bytes;
use crate::images::Format;
use crate::limits::image_size;
use crate::typeset::downsample::shrink;

/// The folder of a page's images, beside the page.
pub const FOLDER: &str = "media";

/// How wide an image is shown on a page, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A lead image or cover across the text column.
    Figure,
    /// The publication's logo in the page header.
    Logo,
}

impl Role {
    /// The widest copy worth sending: twice the shown width.
    fn max_width(self) -> u32 {
        match self {
            Role::Figure => 1400,
            Role::Logo => 480,
        }
    }
}

/// JPEG quality of resampled photographs (as the screen PDF's).
const JPEG_QUALITY: u8 = 85;

/// An image as a page places it: its file name in [`FOLDER`], its pixel
/// size, and how to make its bytes.
#[derive(Debug, Clone)]
pub struct Placed {
    /// `<hash>.<ext>`: of the original's content and the width sent.
    pub name: String,
    /// Pixel size of the copy (`None` for a vector image).
    pub size: Option<(u32, u32)>,
    original: Bytes,
    format: Format,
    /// Whether the original is sent as it is.
    as_is: bool,
}

/// How `original` is placed in `role`, from its header: sent as it is when
/// it is a PNG or JPEG no wider than twice its shown width (or a vector
/// image), else resampled to that width (JPEG stays JPEG, anything else
/// becomes PNG). `hash` is the content hash of `original`.
pub fn place(original: Bytes, hash: &str, role: Role) -> Result<Placed, String> {
    let format = Format::detect(&original).ok_or("not an image briefpress can place")?;
    let max = role.max_width();
    let (size, as_is, extension) = if format == Format::Svg {
        (None, true, "svg")
    } else {
        let (width, height) = match image_size(&original) {
            Some((w, h)) => (
                u32::try_from(w).map_err(|_| "too wide")?,
                u32::try_from(h).map_err(|_| "too tall")?,
            ),
            None => image::load_from_memory(&original)
                .map(|decoded| (decoded.width(), decoded.height()))
                .map_err(|err| format!("cannot decode the image: {err}"))?,
        };
        let kept = matches!(format, Format::Png | Format::Jpeg) && width <= max;
        let size = if width > max {
            let scaled = (u64::from(height) * u64::from(max)).div_ceil(u64::from(width.max(1)));
            (max, u32::try_from(scaled).unwrap_or(u32::MAX).max(1))
        } else {
            (width, height)
        };
        let extension = match format {
            _ if kept => format.extensions()[0],
            Format::Jpeg => "jpg",
            _ => "png",
        };
        (Some(size), kept, extension)
    };
    let how = if as_is { "as is" } else { "resampled" };
    let key = hash_bytes(format!("{hash}\n{max}\n{how}\n{extension}").as_bytes());
    Ok(Placed {
        name: format!("{}.{extension}", &key[..20]),
        size,
        original,
        format,
        as_is,
    })
}

impl Placed {
    /// The bytes of the copy: the original's, or its pixels resampled.
    pub fn bytes(&self) -> Result<Vec<u8>, String> {
        let Some((to_width, to_height)) = self.size.filter(|_| !self.as_is) else {
            return Ok(self.original.to_vec());
        };
        let decoded = image::load_from_memory(&self.original)
            .map_err(|err| format!("cannot decode the image: {err}"))?;
        let alpha = decoded.color().has_alpha();
        let (pixels, channels, colour) = if alpha {
            (
                decoded.to_rgba8().into_raw(),
                4,
                image::ExtendedColorType::Rgba8,
            )
        } else {
            (
                decoded.to_rgb8().into_raw(),
                3,
                image::ExtendedColorType::Rgb8,
            )
        };
        let from = (decoded.width() as usize, decoded.height() as usize);
        let smaller = if from == (to_width as usize, to_height as usize) {
            pixels
        } else {
            shrink(
                &pixels,
                channels,
                from,
                (to_width as usize, to_height as usize),
            )
        };
        let mut bytes = Vec::new();
        if self.format == Format::Jpeg && !alpha {
            JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
                .write_image(&smaller, to_width, to_height, colour)
                .map_err(|err| format!("cannot encode the image: {err}"))?;
        } else {
            PngEncoder::new(Cursor::new(&mut bytes))
                .write_image(&smaller, to_width, to_height, colour)
                .map_err(|err| format!("cannot encode the image: {err}"))?;
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Bytes {
        Bytes::new(crate::testing::png(width, height))
    }

    fn place(original: &Bytes, role: Role) -> Result<Placed, String> {
        super::place(original.clone(), &hash_bytes(original), role)
    }

    #[test]
    fn wide_images_shrink_and_names_follow_content_and_size() {
        let wide = png(3000, 1500);
        let figure = place(&wide, Role::Figure).unwrap();
        assert_eq!(figure.size, Some((1400, 700)));
        let resampled = image::load_from_memory(&figure.bytes().unwrap()).unwrap();
        assert_eq!((resampled.width(), resampled.height()), (1400, 700));
        let logo = place(&wide, Role::Logo).unwrap();
        assert_eq!(logo.size, Some((480, 240)));
        assert_ne!(figure.name, logo.name, "the same file at two sizes");
        let small = png(300, 200);
        let kept = place(&small, Role::Figure).unwrap();
        assert_eq!(
            kept.bytes().unwrap(),
            small.to_vec(),
            "small enough: sent as it is"
        );
        assert_eq!(place(&wide, Role::Figure).unwrap().name, figure.name);
    }
}
