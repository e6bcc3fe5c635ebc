//! The images of a web page: each resampled for the screen (at most twice
//! the width it is shown at, for sharp high-density displays) and named by
//! its content, so that pages placing the same file at different sizes
//! never collide and a page copied anywhere keeps its images.

use std::io::Cursor;

use image::ImageEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;

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

/// An image ready for the page.
#[derive(Debug, Clone)]
pub struct Media {
    /// `<hash>.<ext>`, inside [`FOLDER`].
    pub name: String,
    pub bytes: Vec<u8>,
    /// Pixel size (`None` for a vector image without one).
    pub size: Option<(u32, u32)>,
}

/// The copy of `original` a page shows in `role`: resampled when it is
/// more than twice as wide as shown, else the file as it is (a vector
/// image always).
pub fn prepare(original: &[u8], role: Role) -> Result<Media, String> {
    let format = Format::detect(original).ok_or("not an image briefpress can place")?;
    let max = role.max_width();
    let key =
        |what: &str| hash_bytes(format!("{}\n{max}\n{what}", hash_bytes(original)).as_bytes());
    if format == Format::Svg {
        return Ok(Media {
            name: format!("{}.svg", &key("svg")[..20]),
            bytes: original.to_vec(),
            size: None,
        });
    }
    // Small enough and in a format every browser shows: sent as it is,
    // known from its header without decoding.
    if let Some((width, height)) = image_size(original)
        && matches!(format, Format::Png | Format::Jpeg)
        && width <= u64::from(max)
        && let (Ok(width), Ok(height)) = (u32::try_from(width), u32::try_from(height))
    {
        let extension = format.extensions()[0];
        return Ok(Media {
            name: format!("{}.{extension}", &key("as is")[..20]),
            bytes: original.to_vec(),
            size: Some((width, height)),
        });
    }
    let decoded = image::load_from_memory(original)
        .map_err(|err| format!("cannot decode the image: {err}"))?;
    let (width, height) = (decoded.width(), decoded.height());
    let (to_width, to_height) = if width > max {
        let to_height = (u64::from(height) * u64::from(max)).div_ceil(u64::from(width)) as u32;
        (max, to_height.max(1))
    } else {
        (width, height)
    };
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
    let smaller = shrink(
        &pixels,
        channels,
        (width as usize, height as usize),
        (to_width as usize, to_height as usize),
    );
    let mut bytes = Vec::new();
    let extension = if format == Format::Jpeg && !alpha {
        JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
            .write_image(&smaller, to_width, to_height, colour)
            .map_err(|err| format!("cannot encode the image: {err}"))?;
        "jpg"
    } else {
        PngEncoder::new(Cursor::new(&mut bytes))
            .write_image(&smaller, to_width, to_height, colour)
            .map_err(|err| format!("cannot encode the image: {err}"))?;
        "png"
    };
    Ok(Media {
        name: format!("{}.{extension}", &key(extension)[..20]),
        bytes,
        size: Some((to_width, to_height)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let pixels = vec![128u8; (width * height * 3) as usize];
        let mut bytes = Vec::new();
        PngEncoder::new(Cursor::new(&mut bytes))
            .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        bytes
    }

    #[test]
    fn wide_images_shrink_and_names_follow_content_and_size() {
        let wide = png(3000, 1500);
        let figure = prepare(&wide, Role::Figure).unwrap();
        assert_eq!(figure.size, Some((1400, 700)));
        let logo = prepare(&wide, Role::Logo).unwrap();
        assert_eq!(logo.size, Some((480, 240)));
        assert_ne!(figure.name, logo.name, "the same file at two sizes");
        let small = png(300, 200);
        let kept = prepare(&small, Role::Figure).unwrap();
        assert_eq!(kept.bytes, small, "small enough: sent as it is");
        assert_eq!(prepare(&wide, Role::Figure).unwrap().name, figure.name);
    }
}
