//! The README's two override examples, `theme-overrides.typ` and a
//! replaced `components/pull-quote.typ`, each alone in a project's
//! templates folder: they build, and change what the README says they
//! change, and nothing else of the built-in templates is copied.

use std::path::Path;

use crate::support::{TempProject, pdf_fonts, repo};

/// The Typst code block that follows `heading` in the README.
fn readme_example(heading: &str) -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let at = readme
        .find(heading)
        .unwrap_or_else(|| panic!("the README has no `{heading}`"));
    let block = &readme[at..];
    let start = block.find("```typst\n").expect("a typst block") + "```typst\n".len();
    let end = block[start..].find("```").expect("the block ends") + start;
    block[start..end].to_string()
}

/// The words of a PDF's first page with their boxes (`pdftotext -bbox`):
/// (xMin, yMin, xMax, yMax, word).
fn words(pdf: &Path) -> Vec<(f64, f64, f64, f64, String)> {
    let out = std::process::Command::new("pdftotext")
        .args(["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (Debian poppler-utils)");
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    html.lines()
        .filter_map(|line| {
            let line = line.trim().strip_prefix("<word ")?;
            let number = |name: &str| -> Option<f64> {
                let at = line.find(&format!("{name}=\""))? + name.len() + 2;
                line[at..].split('"').next()?.parse().ok()
            };
            let text = line.split_once('>')?.1.strip_suffix("</word>")?.to_string();
            Some((
                number("xMin")?,
                number("yMin")?,
                number("xMax")?,
                number("yMax")?,
                text,
            ))
        })
        .collect()
}

/// A project with the sample article and, in its templates folder, only
/// `file` holding `text`.
fn built(name: &str, file: Option<(&str, &str)>) -> (TempProject, std::path::PathBuf) {
    let project = TempProject::new(name);
    let article = project.sample_article(1600, 1000);
    if let Some((file, text)) = file {
        project.write(&format!("templates/{file}"), text);
    }
    let run = project.run(&["build", article]);
    assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
    let pdf = project.path("out/central-asia/china-bri-security.pdf");
    (project, pdf)
}

#[test]
fn the_readme_theme_override_changes_the_heading_font_alone() {
    let example = readme_example("### Changing the design tokens");
    assert!(
        example.contains("fonts: (heading: \"Noto Serif\")"),
        "{example}"
    );
    let (_default, plain) = built("theme-default", None);
    let (_project, themed) = built("theme-override", Some(("theme-overrides.typ", &example)));
    let families =
        |pdf: &Path| -> Vec<String> { pdf_fonts(pdf).into_iter().map(|(name, _)| name).collect() };
    assert!(
        families(&plain)
            .iter()
            .any(|name| name.contains("NotoSans")),
        "{:?}",
        families(&plain)
    );
    // Headings, kicker, running heads and captions are Noto Serif now.
    assert!(
        families(&themed)
            .iter()
            .all(|name| !name.contains("NotoSans")),
        "{:?}",
        families(&themed)
    );
    // The measure did not change: a body word starts at the same x (the
    // lines above it, set in the heading font, may move it down).
    let body_x = |pdf: &Path| {
        words(pdf)
            .into_iter()
            .find(|(.., word)| word == "strengthen")
            .map(|(x, ..)| x.round())
    };
    assert!(body_x(&plain).is_some());
    assert_eq!(body_x(&plain), body_x(&themed));
}

#[test]
fn the_readme_component_override_centres_a_larger_pull_quote() {
    let example = readme_example("### Replacing one component");
    let (_default, plain) = built("component-default", None);
    let (_project, replaced) = built(
        "component-override",
        Some(("components/pull-quote.typ", &example)),
    );
    // The pull quote's lines: the words between its first and last word.
    let quote = |pdf: &Path| {
        let all = words(pdf);
        let first = all
            .iter()
            .position(|w| w.4.contains("“China"))
            .expect("the pull quote");
        let last = all[first..]
            .iter()
            .position(|w| w.4.contains("path.”"))
            .expect("its end")
            + first;
        all[first..=last].to_vec()
    };
    let height = |words: &[(f64, f64, f64, f64, String)]| words[0].3 - words[0].1;
    let (before, after) = (quote(&plain), quote(&replaced));
    assert!(
        height(&after) > height(&before) * 1.15,
        "16 pt is not larger than 13 pt: {} vs {}",
        height(&after),
        height(&before)
    );
    // Left-aligned lines start at one x; centred ones at several.
    let starts = |words: &[(f64, f64, f64, f64, String)]| {
        let mut lines: Vec<(i64, f64)> = Vec::new();
        for (x, y, ..) in words {
            let y = y.round() as i64;
            if !lines.iter().any(|(line, _)| (line - y).abs() < 3) {
                lines.push((y, *x));
            }
        }
        let mut xs: Vec<i64> = lines.iter().map(|(_, x)| x.round() as i64).collect();
        xs.sort();
        xs.dedup();
        xs.len()
    };
    assert_eq!(starts(&before), 1, "the shipped pull quote is left-aligned");
    assert!(starts(&after) > 2, "the replaced pull quote is centred");
}

#[test]
fn a_lib_typ_from_the_old_layout_is_refused_with_where_its_parts_went() {
    let project = TempProject::new("moved-lib");
    let article = project.sample_article(1600, 1000);
    project.write(
        "templates/lib.typ",
        "// briefpress-contract: 4 (the data contract this template expects; see CONTRACT.md)\n#let accent = rgb(\"#8c1c13\")\n",
    );
    let run = project.run(&["build", article]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("templates/lib.typ belongs to the templates of data contract 4"),
        "{}",
        run.stderr
    );
    for moved in [
        "theme.typ",
        "theme-overrides.typ",
        "components/headline.typ",
        "print.typ",
    ] {
        assert!(run.stderr.contains(moved), "{moved}: {}", run.stderr);
    }
    // Said once, not again as a template for another contract.
    assert!(
        !run.stderr.contains("was written for data contract"),
        "{}",
        run.stderr
    );
    assert!(
        !project
            .path("out/central-asia/china-bri-security.pdf")
            .exists()
    );
}
