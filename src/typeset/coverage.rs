//! Missing glyphs found without layout: every printed string of a document
//! is tested against the coverage of the fonts loaded, so that `check` (and
//! `build`, before it lays anything out) names the exact character in the
//! TOML file. The scan of laid-out pages in `compile` stays as the backstop
//! for text that templates add.

use std::ops::Range;

use typst::text::FontBook;

use crate::diag::Diagnostic;
use crate::load::SourceFile;
use crate::prepare::lint::strings_in_table;

/// Keys whose strings are never printed (paths, identifiers, language
/// tags) or only reach screen readers (`alt`).
const NOT_PRINTED: &[&str] = &[
    "kind",
    "id",
    "path",
    "lang",
    "language",
    "excerpt_lang",
    "paper",
    "include",
    "articles",
    "alt",
    "country",
    "countries",
    // briefpress.toml: file names and settings, never printed.
    "logo",
    "out_dir",
    "templates",
    "standards",
    "profile",
];

/// Errors for the characters of `file` that no loaded font has.
pub fn missing_glyphs(file: &SourceFile, book: &FontBook) -> Vec<Diagnostic> {
    let Some(table) = file.table() else {
        return Vec::new();
    };
    let faces: Vec<_> = book
        .families()
        .flat_map(|(_, indices)| indices.filter_map(|index| book.info(index)))
        .collect();
    let covered = |c: char| faces.iter().any(|info| info.coverage.contains(c as u32));
    let mut found = Vec::new();
    let mut reported = std::collections::HashSet::new();
    // Past the first diagnostics only a count: each one points into its
    // line, and a pasted block of thousands would take minutes to place.
    let mut more = 0usize;
    strings_in_table(table, &mut |key, text, span: Range<usize>| {
        if NOT_PRINTED.contains(&key) {
            return;
        }
        for (offset, c) in text.char_indices() {
            if c.is_ascii() || ignorable(c) || covered(c) || !reported.insert(c) {
                continue;
            }
            // One place is kept for the count, within the per-document cap.
            if found.len() + 1 >= crate::diag::PER_DOCUMENT {
                more += 1;
                continue;
            }
            found.push(
                file.error_in_string(
                    span.clone(),
                    offset..offset + c.len_utf8(),
                    format!(
                        "no bundled font has a glyph for `{c}` (U+{:04X})",
                        c as u32
                    ),
                )
                .with_code("missing-glyph")
                .with_hint(
                    "it would print as an empty box; remove the character or add a font with --font-path",
                ),
            );
        }
    });
    if more > 0 {
        found.push(
            Diagnostic::error(format!(
                "… and {more} more characters no bundled font has a glyph for"
            ))
            .with_code("missing-glyph")
            .in_file(&file.display),
        );
    }
    found
}

/// Characters that are never drawn: spaces, controls, and the
/// default-ignorable marks (joiners, bidi controls, soft hyphen,
/// variation selectors, byte-order mark).
fn ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{E0000}'..='\u{E0FFF}')
}
