//! Helpers shared by the unit tests of several modules.

use std::path::PathBuf;

/// An empty folder of its own for one test, named `name` (unique across
/// the unit tests) and the process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("briefpress-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A decodable PNG of `width` × `height` mid-grey RGB pixels.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    use image::ImageEncoder as _;
    let pixels = vec![128u8; (width * height * 3) as usize];
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(std::io::Cursor::new(&mut bytes))
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    bytes
}
