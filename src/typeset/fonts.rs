//! The bundled fonts, chosen per script and embedded in the binary, so that
//! output never depends on the machine's fonts. They are parsed lazily: a
//! run that sets no Chinese never parses the Chinese font. What the font
//! book needs of each (names, styles, coverage) is read from
//! `fonts/info.json` and `fonts/coverage.bin`, computed once from the same
//! files: computing it at start-up took 4.5 ms a process, most of it the
//! Chinese coverage. The coverage is binary because the split Chinese
//! font's is fragmented (GB 2312 is scattered over Unicode): as JSON it was
//! 58 KB of numbers, about 0.3 ms of every `check` to parse.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::value::SeqDeserializer;
use typst::foundations::Bytes;
use typst::text::{Coverage, Font, FontInfo};
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
/// (Chinese: the GB 2312 ideographs, punctuation and the rest) and Noto
/// Serif SC Supplement (the other ideographs), split so that most Chinese
/// text loads 4 MB, not 15 (Typst hashes a font's whole data on first
/// use). The templates name them in this fallback order. A `static`,
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
    "NotoSerifSCSupplement-Regular.ttf",
    "NotoSerifSCSupplement-Bold.ttf",
];

/// What the font book knows of each bundled font, in [`BUNDLED`] order,
/// with each file's size, its coverage left empty. Written by the test
/// `stored_info_is_what_the_fonts_say` (`BRIEFPRESS_BLESS=1`), which fails
/// when a font changes without it.
const STORED_INFO: &str = include_str!("../../fonts/info.json");

/// The coverage of each, in the same order: a little-endian `u32` count,
/// then that many `u32` of Typst's run-length encoding.
const STORED_COVERAGE: &[u8] = include_bytes!("../../fonts/coverage.bin");

/// One entry of `fonts/info.json`.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredInfo {
    file: String,
    bytes: usize,
    info: FontInfo,
}

/// The runs of each coverage in `stored`, or none if it is cut short.
fn coverages(mut stored: &[u8]) -> Option<Vec<Coverage>> {
    let mut all = Vec::new();
    while let Some((count, rest)) = stored.split_first_chunk::<4>() {
        let count = u32::from_le_bytes(*count) as usize;
        let (runs, rest) = rest.split_at_checked(count.checked_mul(4)?)?;
        let runs = runs
            .chunks_exact(4)
            .map(|run| u32::from_le_bytes([run[0], run[1], run[2], run[3]]));
        // `Coverage` is its runs to serde, and has no other constructor
        // from them.
        let runs = SeqDeserializer::<_, serde::de::value::Error>::new(runs);
        all.push(Coverage::deserialize(runs).ok()?);
        stored = rest;
    }
    Some(all)
}

/// `coverage.bin`'s form of `coverages`.
#[cfg(test)]
fn coverage_bytes(all: &[&Coverage]) -> Vec<u8> {
    let mut out = Vec::new();
    for coverage in all {
        let runs: Vec<u32> =
            serde_json::from_value(serde_json::to_value(coverage).unwrap()).unwrap();
        out.extend((runs.len() as u32).to_le_bytes());
        out.extend(runs.iter().flat_map(|run| run.to_le_bytes()));
    }
    out
}

/// The font book's entry for each bundled font: the stored one where it is
/// for this file (same name and size), else computed from the font.
fn bundled_info() -> Result<Vec<FontInfo>, String> {
    let stored: Vec<StoredInfo> = serde_json::from_str(STORED_INFO).unwrap_or_default();
    let mut stored = stored
        .into_iter()
        .zip(coverages(STORED_COVERAGE).unwrap_or_default());
    BUNDLED
        .iter()
        .map(|font| match stored.next() {
            Some((entry, coverage))
                if entry.file == font.file && entry.bytes == font.data.len() =>
            {
                Ok(FontInfo {
                    coverage,
                    ..entry.info
                })
            }
            _ => FontInfo::new(font.data, 0)
                .ok_or_else(|| format!("bundled font {} cannot be read", font.file)),
        })
        .collect()
}

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
    for (font, info) in BUNDLED.iter().zip(bundled_info()?) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `fonts/info.json` says of each bundled font what the font itself
    /// says; `BRIEFPRESS_BLESS=1` writes it anew (after changing a font).
    #[test]
    fn stored_info_is_what_the_fonts_say() {
        let computed: Vec<FontInfo> = BUNDLED
            .iter()
            .map(|font| FontInfo::new(font.data, 0).expect("a bundled font parses"))
            .collect();
        // What info.json holds: all but the coverage.
        let entries: Vec<StoredInfo> = BUNDLED
            .iter()
            .zip(&computed)
            .map(|(font, info)| StoredInfo {
                file: font.file.to_string(),
                bytes: font.data.len(),
                info: FontInfo {
                    coverage: Coverage::from_vec(Vec::new()),
                    ..info.clone()
                },
            })
            .collect();
        let coverage = coverage_bytes(
            &computed
                .iter()
                .map(|info| &info.coverage)
                .collect::<Vec<_>>(),
        );
        if std::env::var_os("BRIEFPRESS_BLESS").is_some() {
            let lines: Vec<String> = entries
                .iter()
                .map(|entry| serde_json::to_string(entry).expect("font info serializes"))
                .collect();
            let fonts = concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/");
            std::fs::write(
                format!("{fonts}info.json"),
                format!("[\n{}\n]\n", lines.join(",\n")),
            )
            .expect("fonts/info.json is writable");
            std::fs::write(format!("{fonts}coverage.bin"), coverage)
                .expect("fonts/coverage.bin is writable");
            return;
        }
        let stale = "fonts/info.json or coverage.bin is stale: run BRIEFPRESS_BLESS=1 cargo test --release --lib stored_info";
        let stored: Vec<StoredInfo> =
            serde_json::from_str(STORED_INFO).expect("fonts/info.json parses");
        assert_eq!(stored.len(), entries.len(), "one entry per bundled font");
        for (stored, entry) in stored.iter().zip(&entries) {
            assert_eq!(
                (&stored.file, stored.bytes, &stored.info),
                (&entry.file, entry.bytes, &entry.info),
                "{stale}"
            );
        }
        assert!(STORED_COVERAGE == coverage.as_slice(), "{stale}");
        assert_eq!(bundled_info().expect("bundled fonts read"), computed);
        // Cut short, the coverage is not used (each font is read instead).
        assert!(coverages(&STORED_COVERAGE[..STORED_COVERAGE.len() - 2]).is_none());
    }
}
