//! The archive profile: PDF/A-3b carrying its sources, recovered by
//! `extract` into a project that builds the same bytes again.

use crate::support::{TempProject, pdf_xmp, repo, run_in};

#[test]
fn build_extract_build_gives_the_same_bytes() {
    let temp = TempProject::new("archive");
    let first = temp.path("first.pdf");
    let article = "briefs/central-asia/china-bri-security.toml";
    let run = run_in(
        &repo(),
        &[
            "build",
            article,
            "--profile",
            "archive",
            "-o",
            first.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);

    let xmp = pdf_xmp(&first);
    assert!(
        xmp.contains("<pdfaid:part>3</pdfaid:part>"),
        "PDF/A-3: {xmp}"
    );
    assert!(xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"));

    let restored = temp.path("restored");
    let run = run_in(&temp.root, &["extract", "first.pdf", "restored"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for file in [
        article,
        "briefs/central-asia/images/kyrgyz-highway.png",
        "briefpress.toml",
        "assets/logo.svg",
        "briefpress-archive.txt",
    ] {
        assert!(restored.join(file).is_file(), "{file} was not carried");
    }
    assert_eq!(
        std::fs::read(restored.join(article)).unwrap(),
        std::fs::read(repo().join(article)).unwrap()
    );
    let note = std::fs::read_to_string(restored.join("briefpress-archive.txt")).unwrap();
    assert!(
        note.contains("NotoSerif-Regular.ttf") && note.contains("data contract 5"),
        "{note}"
    );

    let second = temp.path("second.pdf");
    let run = run_in(
        &restored,
        &[
            "build",
            article,
            "--profile",
            "archive",
            "-o",
            second.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        std::fs::read(&first).unwrap() == std::fs::read(&second).unwrap(),
        "the rebuilt PDF differs"
    );

    // Extract never overwrites.
    let again = run_in(&temp.root, &["extract", "first.pdf", "restored"]);
    assert_eq!(again.code, Some(2));
    assert!(
        again.stderr.contains("extract never overwrites"),
        "{}",
        again.stderr
    );
}

#[test]
fn screen_pdfs_carry_nothing() {
    let temp = TempProject::new("screen");
    let pdf = temp.path("screen.pdf");
    let run = run_in(
        &repo(),
        &[
            "build",
            "briefs/central-asia/china-bri-security.toml",
            "-o",
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(pdf_xmp(&pdf).contains("<pdfaid:part>2</pdfaid:part>"));
    let run = run_in(&temp.root, &["extract", "screen.pdf", "out"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("carries no files"), "{}", run.stderr);
}
