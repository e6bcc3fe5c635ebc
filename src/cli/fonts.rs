//! `briefpress fonts`: the fonts documents are set in (bundled, plus any
//! added with `--font-path`), their styles and the scripts they cover:
//! what `[style]` in briefpress.toml may name.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use briefpress::typeset::fonts;
use clap::Args;
use typst::text::{FontInfo, FontStyle};

use super::report::{Reporter, say};

#[derive(Debug, Args)]
pub struct FontsArgs {
    /// Add the fonts in this folder (repeatable), as build does.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
}

/// Scripts and a sample of their letters: a family covers a script when it
/// has every sample letter.
const SCRIPTS: &[(&str, &str)] = &[
    ("Latin", "AaZzÉéŞşŽžĞğ"),
    ("Greek", "ΑαΩωΣς"),
    ("Cyrillic", "АаЯяЁёЖж"),
    ("Cyrillic (Uzbek, Kyrgyz, Tajik)", "ЎўҚқҒғҲҳҢңҮүӨөҶҷӢӣ"),
    ("Arabic", "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"),
    ("Persian", "پچژگکی"),
    ("Chinese (Han)", "中国的一是不了人我在有他这"),
    // Ideographs GB 2312 lacks, some of them in names (Zhu Rongji's 镕).
    ("Chinese (ideographs outside GB 2312)", "镕喆堃昇丟"),
    ("Hebrew", "אבגדהוזחט"),
    ("Devanagari", "अआइईउऊकखग"),
    ("Japanese kana", "あいうえおアイウエオ"),
    ("Korean Hangul", "가나다라마바사"),
];

pub fn run(args: &FontsArgs, reporter: &Reporter) -> ExitCode {
    let loaded = match fonts::load(&args.font_paths) {
        Ok(loaded) => loaded,
        Err(message) => return reporter.usage_error(&message),
    };
    let book = loaded.store.book();
    let mut families: BTreeMap<String, Vec<&FontInfo>> = BTreeMap::new();
    for (family, indices) in book.families() {
        families
            .entry(family.to_string())
            .or_default()
            .extend(indices.filter_map(|index| book.info(index)));
    }
    let bundled = fonts::BUNDLED.len();
    say(&format!(
        "{} families, {} faces ({bundled} bundled{}); system fonts are never used",
        families.len(),
        families.values().map(Vec::len).sum::<usize>(),
        if args.font_paths.is_empty() {
            ""
        } else {
            ", the rest from --font-path"
        },
    ));
    for (family, faces) in &families {
        let mut styles: Vec<String> = faces.iter().map(|info| style_name(info)).collect();
        styles.sort();
        styles.dedup();
        let scripts: Vec<&str> = SCRIPTS
            .iter()
            .filter(|(_, sample)| {
                sample
                    .chars()
                    .all(|c| faces.iter().any(|info| info.coverage.contains(c as u32)))
            })
            .map(|(name, _)| *name)
            .collect();
        say(&format!("\n{family}"));
        say(&format!("  styles:  {}", styles.join(", ")));
        say(&format!(
            "  scripts: {}",
            if scripts.is_empty() {
                "(none of the listed)".to_string()
            } else {
                scripts.join(", ")
            }
        ));
    }
    ExitCode::SUCCESS
}

/// "regular", "bold italic", "weight 300", ...
fn style_name(info: &FontInfo) -> String {
    let weight = match info.variant.weight.to_number() {
        400 => String::new(),
        700 => "bold".into(),
        other => format!("weight {other}"),
    };
    let style = match info.variant.style {
        FontStyle::Normal => "",
        FontStyle::Italic => "italic",
        FontStyle::Oblique => "oblique",
    };
    let name = [weight.as_str(), style]
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        "regular".into()
    } else {
        name
    }
}
