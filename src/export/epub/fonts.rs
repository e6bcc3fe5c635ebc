//! The book's fonts: the bundled faces its text needs, each subset to the
//! characters it sets (HarfBuzz's subsetter keeps `cmap` and the layout
//! tables GSUB, GPOS and GDEF for them, so Arabic still joins and marks
//! still sit on their letters), declared under the family names the web
//! edition's style sheet asks for. Each character goes to the first face
//! that has it, in the order Typst falls back: Noto Serif or Noto Sans,
//! then Noto Naskh Arabic, then Noto Serif SC and its supplement; a face
//! whose characters are not in the text is left out.

use std::collections::BTreeSet;
use std::fmt::Write;

use typst::foundations::Bytes;
use typst::text::Font;

use crate::typeset::fonts::BUNDLED;

/// The folder of the fonts and their style sheet inside the book.
pub const FOLDER: &str = "fonts";

/// The style sheet declaring them, linked from every chapter.
pub const STYLESHEET: &str = "fonts/fonts.css";

/// The fonts' licence, which travels with them.
pub const LICENCE: &str = include_str!("../../../fonts/OFL.txt");

/// A face as the style sheet declares it.
struct Face {
    file: &'static str,
    /// Its own family, as the style sheet names it for text in its script.
    family: &'static str,
    weight: u16,
    italic: bool,
}

/// The families the style sheet sets text in without a language, which
/// the script fonts join for the characters the Latin faces lack.
const LATIN: [&str; 2] = ["Noto Serif", "Noto Sans"];

/// Faces by fallback rank: the Latin families, then the script fonts.
const RANKS: &[&[Face]] = &[
    &[
        face("NotoSerif-Regular.ttf", "Noto Serif", 400, false),
        face("NotoSerif-Italic.ttf", "Noto Serif", 400, true),
        face("NotoSerif-Bold.ttf", "Noto Serif", 700, false),
        face("NotoSerif-BoldItalic.ttf", "Noto Serif", 700, true),
        face("NotoSans-Regular.ttf", "Noto Sans", 400, false),
        face("NotoSans-Italic.ttf", "Noto Sans", 400, true),
        face("NotoSans-Bold.ttf", "Noto Sans", 700, false),
        face("NotoSans-BoldItalic.ttf", "Noto Sans", 700, true),
    ],
    &[
        face(
            "NotoNaskhArabic-Regular.ttf",
            "Noto Naskh Arabic",
            400,
            false,
        ),
        face("NotoNaskhArabic-Bold.ttf", "Noto Naskh Arabic", 700, false),
    ],
    &[
        face("NotoSerifSC-Regular.ttf", "Noto Serif SC", 400, false),
        face("NotoSerifSC-Bold.ttf", "Noto Serif SC", 700, false),
    ],
    // The rarer ideographs: the same family to the style sheet, which
    // tells the two files apart by their characters (`unicode-range`).
    &[
        face(
            "NotoSerifSCSupplement-Regular.ttf",
            "Noto Serif SC",
            400,
            false,
        ),
        face(
            "NotoSerifSCSupplement-Bold.ttf",
            "Noto Serif SC",
            700,
            false,
        ),
    ],
];

const fn face(file: &'static str, family: &'static str, weight: u16, italic: bool) -> Face {
    Face {
        file,
        family,
        weight,
        italic,
    }
}

/// The fonts of a book: the style sheet and each subset face, by its
/// file name in [`FOLDER`].
pub struct Embedded {
    pub stylesheet: String,
    pub faces: Vec<(String, Vec<u8>)>,
}

/// The bundled faces `text` needs, subset to it: each to every character
/// of the text it has (text in its own script keeps its own spaces and
/// punctuation), and declared in the Latin families for the characters no
/// face before it has.
pub fn embed(text: &str) -> Result<Embedded, String> {
    let used: BTreeSet<char> = text.chars().filter(|c| !c.is_control()).collect();
    let mut left = used.clone();
    let mut stylesheet = String::from(
        "/* The bundled Noto fonts, subset to this book's text (SIL Open Font\n   \
         License 1.1, in META-INF/OFL.txt). */\n",
    );
    let mut faces = Vec::new();
    for (rank, members) in RANKS.iter().enumerate() {
        // The first face of a rank decides which characters the rank sets.
        let Some(first) = members.first() else {
            continue;
        };
        let font = font(first.file)?;
        let covered: BTreeSet<char> = used
            .iter()
            .copied()
            .filter(|&c| font.info().coverage.contains(u32::from(c)))
            .collect();
        let assigned: BTreeSet<char> = left.intersection(&covered).copied().collect();
        if assigned.is_empty() {
            continue;
        }
        left.retain(|c| !assigned.contains(c));
        let mut declared = vec![(first.family, unicode_range(&covered))];
        if rank > 0 {
            let range = unicode_range(&assigned);
            declared.extend(LATIN.iter().map(|family| (*family, range.clone())));
        }
        for face in *members {
            let whole = data(face.file)?;
            let subset = hb_subset::subset(whole, covered.iter().copied())
                .map_err(|err| format!("cannot subset {}: {err}", face.file))?;
            faces.push((face.file.to_string(), subset));
            for (family, range) in &declared {
                let family = if *family == first.family {
                    face.family
                } else {
                    family
                };
                let _ = writeln!(
                    stylesheet,
                    "@font-face {{ font-family: \"{family}\"; font-weight: {}; font-style: {}; \
                     src: url(\"{}\") format(\"truetype\"); unicode-range: {range}; }}",
                    face.weight,
                    if face.italic { "italic" } else { "normal" },
                    face.file
                );
            }
        }
    }
    Ok(Embedded { stylesheet, faces })
}

fn data(file: &str) -> Result<&'static [u8], String> {
    BUNDLED
        .iter()
        .find(|font| font.file == file)
        .map(|font| font.data)
        .ok_or_else(|| format!("{file} is not a bundled font"))
}

fn font(file: &str) -> Result<Font, String> {
    Font::new(Bytes::new(data(file)?), 0).ok_or_else(|| format!("{file} cannot be read"))
}

/// Characters as a CSS `unicode-range`: runs of consecutive ones joined.
fn unicode_range(set: &BTreeSet<char>) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for c in set.iter().map(|&c| u32::from(c)) {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == c => *end = c,
            _ => runs.push((c, c)),
        }
    }
    runs.iter()
        .map(|&(start, end)| match start == end {
            true => format!("U+{start:X}"),
            false => format!("U+{start:X}-{end:X}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_script_goes_to_its_font_and_nothing_else_is_embedded() {
        let embedded = embed("Abc سلام 中国").expect("subsets");
        let files: Vec<&str> = embedded.faces.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(files.len(), 12, "{files:?}");
        // The Arabic letters are the Arabic font's alone.
        assert!(
            embedded.stylesheet.contains("U+633"),
            "{}",
            embedded.stylesheet
        );
        let latin_only = embed("Abc").expect("subsets");
        assert_eq!(latin_only.faces.len(), 8);
        for (file, bytes) in &latin_only.faces {
            assert!(
                bytes.len() < data(file).unwrap().len() / 4,
                "{file} is subset"
            );
        }
        assert_eq!(unicode_range(&"abcz".chars().collect()), "U+61-63, U+7A");
    }
}
