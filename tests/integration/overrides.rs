//! The README's two override examples, `theme-overrides.typ` and a
//! replaced `components/pull-quote.typ`, each alone in a project's
//! templates folder: they build, and change what the README says they
//! change, and nothing else of the built-in templates is copied.

use std::path::Path;

use crate::support::{TempProject, Word, pdf_fonts, repo, word_lines};

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
        word_lines(pdf)
            .into_iter()
            .flatten()
            .find(|word| word.text == "strengthen")
            .map(|word| word.x_min.round())
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
    // The pull quote's printed lines: from its first word to its last.
    let quote = |pdf: &Path| -> Vec<Vec<Word>> {
        let lines = word_lines(pdf);
        let first = lines
            .iter()
            .position(|line| line.iter().any(|w| w.text.contains("“China")))
            .expect("the pull quote");
        let last = lines[first..]
            .iter()
            .position(|line| line.iter().any(|w| w.text.contains("path.”")))
            .expect("its end")
            + first;
        lines[first..=last].to_vec()
    };
    let height = |lines: &[Vec<Word>]| lines[0][0].y_max - lines[0][0].y_min;
    let (before, after) = (quote(&plain), quote(&replaced));
    assert!(
        height(&after) > height(&before) * 1.15,
        "16 pt is not larger than 13 pt: {} vs {}",
        height(&after),
        height(&before)
    );
    // Left-aligned lines start at one x; centred ones at several.
    let starts = |lines: &[Vec<Word>]| {
        let mut xs: Vec<i64> = lines
            .iter()
            .map(|line| line[0].x_min.round() as i64)
            .collect();
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

/// The issue's contents read each article's page from its headline's
/// label. Entries are laid out whole before any article is placed (so the
/// pages keep their places between Typst's layouts), which must not turn
/// a headline override that drops the label into entries without numbers:
/// it is an error that names the label, and no PDF is written.
#[test]
fn a_headline_override_without_its_label_is_an_error_of_the_contents() {
    let project = TempProject::new("unlabelled-headline");
    project.copy_samples();
    let headline = std::fs::read_to_string(repo().join("templates/components/headline.typ"))
        .unwrap()
        .replace(r#"#label("bp:" + data.id)"#, "");
    project.write("templates/components/headline.typ", headline);
    let issue = "briefs/issues/oe-watch-2024-02.toml";
    let run = project.run(&["build", issue, "--no-members", "--no-catalogue"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the contents find no headline labelled <bp:china-bri-security>"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("contents.typ"), "{}", run.stderr);
    assert!(!project.path("out/issues/oe-watch-2024-02.pdf").exists());
}
