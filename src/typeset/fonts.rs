//! The bundled fonts, chosen per script and embedded in the binary, so that
//! output never depends on the machine's fonts. They are parsed lazily: a
//! run that sets no Chinese never parses the Chinese font.

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::{Font, FontInfo};
use typst_kit::fonts::{FontSource, FontStore};

use crate::fsgate::{Identity, files_outside, hash_bytes, read_regular_with_identity};

/// A font file compiled into the binary.
pub struct BundledFont {
    pub file: &'static str,
    pub data: &'static [u8],
}

macro_rules! bundled {
    ($($file:literal),* $(,)?) => {
        &[$(BundledFont { file: $file, data: include_bytes!(concat!("../../fonts/", $file)) }),*]
    };
}

/// Noto Serif and Noto Sans (Latin, Greek, Cyrillic including Uzbek, Kyrgyz
/// and Tajik letters), Noto Naskh Arabic (Arabic, Persian), Noto Serif SC
/// (Chinese). The templates name them in this fallback order. A `static`,
/// not a `const`: a constant is copied into every place that uses it, and
/// with it 34.5 MB of font data (the binary held four copies).
pub static BUNDLED: &[BundledFont] = bundled![
    "NotoSerif-Regular.ttf",
    "NotoSerif-Italic.ttf",
    "NotoSerif-Bold.ttf",
    "NotoSerif-BoldItalic.ttf",
    "NotoSans-Regular.ttf",
    "NotoSans-Italic.ttf",
    "NotoSans-Bold.ttf",
    "NotoSans-BoldItalic.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "NotoSerifSC-Regular.ttf",
    "NotoSerifSC-Bold.ttf",
];

/// A bundled font, loaded on first use.
struct LazyBundled(&'static [u8]);

impl FontSource for LazyBundled {
    fn load(&self) -> Option<Font> {
        Font::new(Bytes::new(self.0), 0)
    }
}

/// The fonts of a run, and a hash over the fonts added with `--font-path`
/// (the bundled ones are part of the tool's version).
pub struct Fonts {
    pub store: FontStore,
    pub fingerprint: String,
    /// The font files read from `--font-path` folders, and which files
    /// they are (no output may be written over them).
    pub files: Vec<(PathBuf, Identity)>,
}

/// The largest font file read from a `--font-path` folder (the bundled
/// Chinese font is 15 MB).
pub const FONT_BYTES: u64 = 64 * 1024 * 1024;

/// The fonts of a run: the bundled fonts, then fonts from the folders given
/// with `--font-path` (system fonts are never scanned). Each folder is
/// walked once per real folder; links may lead to system font files, but
/// only regular files up to [`FONT_BYTES`] are read.
pub fn load(extra: &[impl AsRef<Path>]) -> Result<Fonts, String> {
    let mut store = FontStore::new();
    let mut added = Vec::new();
    let mut files_read = Vec::new();
    for font in BUNDLED {
        let info = FontInfo::new(font.data, 0)
            .ok_or_else(|| format!("bundled font {} cannot be read", font.file))?;
        store.push((LazyBundled(font.data), info));
    }
    for dir in extra {
        let dir = dir.as_ref();
        let files = files_outside(dir)
            .map_err(|err| format!("cannot read font folder {}: {err}", dir.display()))?
            .into_iter()
            .filter(|path| is_font_file(path));
        for path in files {
            let (data, identity) = read_regular_with_identity(&path, FONT_BYTES)
                .map_err(|err| format!("cannot read font {}: {err}", path.display()))?;
            files_read.push((path, identity));
            added.extend_from_slice(&data);
            for font in Font::iter(Bytes::new(data)) {
                let info = font.info().clone();
                store.push((font, info));
            }
        }
    }
    Ok(Fonts {
        store,
        fingerprint: hash_bytes(&added),
        files: files_read,
    })
}

/// Whether a file is a font by its name.
fn is_font_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "ttf" | "otf" | "ttc" | "otc"
        )
    })
}
