//! One read and one parse per file: every stage of a build (limits, the
//! model, review comments, placeholders, glyph coverage, the build key)
//! works from the bytes the gate read once and the tree parsed once. And
//! an image's original is decoded once, to make its screen copy, and not
//! again while the copy is kept. The counts come from the library built
//! with the `test-hooks` feature.

use std::path::{Path, PathBuf};
use std::time::Duration;

use briefpress::build::{Action, Engine, Observer, Options, Summary};
use briefpress::diag::Diagnostic;
use briefpress::load::PARSES;

use crate::support::TempProject;

/// Remembers failures; says nothing.
#[derive(Default)]
struct Quiet {
    failures: Vec<String>,
}

impl Observer for Quiet {
    fn diagnostic(&mut self, _diagnostic: &Diagnostic) {}

    fn failed(&mut self, display: &Path, diagnostics: &[Diagnostic]) {
        for diagnostic in diagnostics {
            self.failures
                .push(format!("{}: {diagnostic}", display.display()));
        }
    }

    fn timed_out(&mut self, _after: Duration, _building: &[PathBuf]) {}
}

/// A forced build of `path` in the project at `root` into `root/out`,
/// through the library; it must build without a failure.
fn forced_build(root: &Path, path: PathBuf) -> (Engine, Summary) {
    let options = Options {
        paths: vec![path],
        root: Some(root.to_path_buf()),
        out_dir: Some(root.join("out")),
        force: true,
        ..Default::default()
    };
    let mut quiet = Quiet::default();
    let engine = Engine::new(options, &mut quiet).expect("the project opens");
    let summary = engine
        .run(Action::Build, &mut quiet)
        .expect("the build runs");
    assert!(quiet.failures.is_empty(), "{:?}", quiet.failures);
    (engine, summary)
}

#[test]
fn each_file_is_read_once_and_parsed_once_in_a_build() {
    let project = TempProject::new("parse-once");
    let root = project.root.canonicalize().unwrap();
    let tomls: Vec<PathBuf> = project
        .copy_samples()
        .iter()
        .map(|toml| root.join(toml.strip_prefix(&project.root).unwrap()))
        .collect();
    // The notice and the compendium's parts are read too (the catalogue
    // lists the notice; the compendium includes its parts).
    assert!(tomls.len() >= 10, "{tomls:?}");

    let (engine, summary) = forced_build(&root, root.join("briefs"));
    assert!(summary.built >= 12, "{summary:?}");
    assert!(root.join("out/index.html").is_file());

    let gate = engine.projects().next().unwrap().gate();
    let mut wrong = Vec::new();
    for toml in &tomls {
        let (reads, parses) = (gate.times_read(toml), PARSES.of(toml));
        if (reads, parses) != (1, 1) {
            wrong.push(format!(
                "{}: read {reads} times, parsed {parses} times",
                toml.display()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A screen build lays its images out as stand-ins and decodes an original
/// only to make its copy: a second build that finds the copy kept in the
/// output folder decodes none (the process's own held copies let go first,
/// as a fresh process starts without them), and writes the same PDF.
#[test]
fn a_build_whose_copies_are_kept_decodes_no_original() {
    use briefpress::typeset::downsample::let_go_of_held;
    use briefpress::typeset::stand_in::DECODES;

    let project = TempProject::new("decode-once");
    let article = "briefs/central-asia/china-bri-security.toml";
    let text = std::fs::read_to_string(crate::support::repo().join(article)).unwrap();
    // A name no other test uses: decodes are counted per process.
    project.write(
        article,
        text.replace("images/kyrgyz-highway.png", "images/decoded-once.png"),
    );
    project.png("briefs/central-asia/images/decoded-once.png", 3000, 1688);
    let original = Path::new("briefs/central-asia/images/decoded-once.png");
    let root = project.root.canonicalize().unwrap();
    let build = || {
        let (_, summary) = forced_build(&root, root.join(article));
        assert_eq!(summary.built, 1, "{summary:?}");
        std::fs::read(root.join("out/central-asia/china-bri-security.pdf")).unwrap()
    };
    let first = build();
    assert_eq!(DECODES.of(original), 1, "the first build makes the copy");
    let_go_of_held();
    let second = build();
    assert_eq!(
        DECODES.of(original),
        1,
        "the copy was kept: nothing decoded"
    );
    assert_eq!(first, second);
}
