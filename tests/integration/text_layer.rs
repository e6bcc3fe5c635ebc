//! The text layer of right-to-left text, as extractors read it back: no
//! bidi control inside a word, and every word that an extractor can give
//! in logical order comes back exactly (README, "The text layer").

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use crate::layout::scripts_article;
use crate::support::{TempProject, checker, pdf_text, pdf_text_raw};

/// The explicit bidi formatting characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Arabic vowel marks (harakat, tanween, shadda, superscript alef, Quranic
/// marks).
fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// The words of a text: letters, digits and marks, with the joiners inside.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| {
        !(c.is_alphanumeric() || is_arabic_mark(c) || c == '\u{200C}' || c == '\u{200D}')
    })
    .filter(|word| !word.is_empty())
    .map(str::to_string)
    .collect()
}

/// The words of every field in a script other than Latin: titles and
/// excerpts of the sources with a `lang` other than English.
fn non_latin_words(toml_text: &str) -> Vec<String> {
    let document: toml::Table = toml::from_str(toml_text).unwrap();
    let mut found = Vec::new();
    for source in document["sources"].as_array().unwrap() {
        let lang = source.get("lang").and_then(|v| v.as_str()).unwrap_or("en");
        if lang != "en" {
            found.extend(words(source["title"].as_str().unwrap()));
        }
        if let Some(excerpt) = source.get("excerpt").and_then(|v| v.as_str()) {
            found.extend(words(excerpt));
        }
    }
    found
}

/// The text PyMuPDF (MuPDF) extracts, the independent extractor: it adds
/// no bidi control of its own, so any it returns came from the PDF.
fn mupdf_text(pdf: &Path) -> String {
    let python = checker(
        "BRIEFPRESS_OUTLOUD_PYTHON",
        "target/tools/outloud/bin/python",
        "python3 -m venv target/tools/outloud && target/tools/outloud/bin/pip install outloud==0.2.1",
    );
    let output = Command::new(python)
        .args([
            "-c",
            "import sys, pymupdf\nprint(''.join(p.get_text() for p in pymupdf.open(sys.argv[1])))",
        ])
        .arg(pdf)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Typst sets an Arabic title inside a left-to-right line between bidi
/// embedding controls, and its PDF writer used to map the first and last
/// letter to the letter and the control: PyMuPDF returned له followed by
/// U+202C. Now no extractor finds a control in the text layer, in
/// the screen or the print profile, and both PDFs still pass PDF/A-2b and
/// PDF/UA-1 (verified on the final bytes by the build).
#[test]
fn the_text_layer_holds_no_bidi_control() {
    let project = TempProject::new("text-layer");
    project.write("scripts.toml", scripts_article());
    for profile in ["screen", "print"] {
        let out = format!("{profile}.pdf");
        let run = project.run(&[
            "build",
            "scripts.toml",
            "--profile",
            profile,
            "-o",
            &out,
            "-v",
        ]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let report = format!("{}{}", run.stdout, run.stderr);
        for standard in ["PDF/A-2b verified", "PDF/UA-1 verified"] {
            assert!(report.contains(standard), "{profile}: {report}");
        }
        let text = mupdf_text(&project.path(&out));
        let controls: Vec<String> = text
            .lines()
            .filter(|line| line.chars().any(is_bidi_control))
            .map(|line| format!("{line:?}"))
            .collect();
        assert!(controls.is_empty(), "{profile}: {controls:#?}");
        // The text is there: a title without marks, word for word.
        let found: HashSet<String> = words(&text).into_iter().collect();
        for word in words("روسيا تعزز وجودها العسكري في آسيا الوسطى")
        {
            assert!(found.contains(&word), "{profile}: {word} is not in\n{text}");
        }
    }
}

/// Every word of the Arabic, Persian and Chinese titles and excerpts comes
/// back exactly from `pdftotext` and `pdftotext -raw`, except the classes
/// no PDF writer gets through them, which the README shows with a PDF from
/// Chromium: words with vowel marks, Persian words
/// with a zero-width non-joiner, and in `-raw` words with lam-alef.
/// Poppler marks each change of direction in its output with controls of
/// its own, and moves the space there to the far end of the run (مع, its
/// mark, then ٢٠٢٤, for "مع ٢٠٢٤"; Chromium's PDF alike): its controls
/// are read as the boundary they mark.
#[test]
fn words_in_every_script_come_back_from_pdftotext() {
    let project = TempProject::new("text-layer-words");
    let source = scripts_article();
    project.write("scripts.toml", &source);
    let run = project.run(&["build", "scripts.toml", "-o", "scripts.pdf"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let pdf = project.path("scripts.pdf");
    let expected = non_latin_words(&source);
    assert!(expected.len() > 40, "{expected:?}");
    for (extractor, text, lam_alef) in [
        ("pdftotext", pdf_text(&pdf), true),
        ("pdftotext -raw", pdf_text_raw(&pdf), false),
    ] {
        let text: String = text
            .chars()
            .map(|c| if is_bidi_control(c) { ' ' } else { c })
            .collect();
        let found: HashSet<String> = words(&text).into_iter().collect();
        let missing: Vec<&String> = expected
            .iter()
            .filter(|word| !word.chars().any(is_arabic_mark))
            .filter(|word| !word.contains('\u{200C}'))
            .filter(|word| lam_alef || !word.contains("لا"))
            .filter(|word| !found.contains(*word))
            .collect();
        assert!(
            missing.is_empty(),
            "{extractor} lost {missing:?} in\n{text}"
        );
    }
}
