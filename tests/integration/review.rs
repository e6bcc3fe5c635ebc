//! Draft and review: reviewers' comments in the text (`{>>RG: ...<<}`) and
//! on fields (`[[comments]]`) print in a draft, marked DRAFT on every page,
//! and stop a final build, each listed with its line.

use crate::support::{TempProject, pdf_info, pdf_page_text, pdf_text};

const REVIEWED: &str = r#"kind = "article"
headline = "Reviewed headline"
date = 2024-01-25
body = """
First paragraph of the analysis.{>>RG: check the designation<<}

Second paragraph, long enough to be its own line.
"""

[notes]

[[comments]]
field = "headline"
by = "JS"
text = "Shorten for the cover."

[[comments]]
field = "body"
text = "Already handled."
resolved = true
"#;

fn reviewed() -> TempProject {
    let project = TempProject::new("review");
    project.write("briefs/doc.toml", REVIEWED);
    project
}

/// The reviewed article with enough text for several pages.
fn long_reviewed() -> String {
    let more = "A further paragraph of analysis, long enough to fill a good part of a line or two on the page.\n\n".repeat(60);
    REVIEWED.replace("Second paragraph", &format!("{more}Second paragraph"))
}

#[test]
fn a_final_build_refuses_unresolved_comments_naming_their_lines() {
    let project = reviewed();
    for command in ["build", "check"] {
        let run = project.run(&[command]);
        assert_eq!(run.code, Some(1), "{command}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("error: unresolved review comment: RG: check the designation"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("--> briefs/doc.toml:5:33"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(
                "error: unresolved review comment on `headline`: JS: Shorten for the cover."
            ),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("--> briefs/doc.toml:15:8"),
            "{}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("Already handled"),
            "resolved comments are not reported"
        );
    }
    assert!(!project.path("out/doc.pdf").exists());
}

#[test]
fn a_draft_prints_comments_and_marks_every_page() {
    let project = reviewed();
    project.write("briefs/doc.toml", long_reviewed());
    let run = project.run(&["build", "--draft"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let pdf = project.path("out/doc.pdf");
    let pages: usize = pdf_info(&pdf, "Pages").parse().unwrap();
    assert!(pages >= 2, "{pages} pages");
    for page in 1..=pages {
        assert!(
            pdf_page_text(&pdf, page).contains("DRAFT"),
            "page {page} is not marked"
        );
    }
    let text = pdf_text(&pdf);
    for expected in [
        "[C1]",
        "[C2]",
        "C1 JS: on “headline”: Shorten for the cover.",
        "C2 RG: check the designation",
        "Review Comments (draft)",
    ] {
        assert!(
            crate::support::flat(&text).contains(expected),
            "`{expected}` missing from:\n{text}"
        );
    }
    assert!(!text.contains("Already handled"));
    // Still an archival, accessible PDF.
    assert!(
        crate::support::pdf_xmp(&pdf).contains("pdfaid:part"),
        "PDF/A identification"
    );
    assert!(
        run.stdout.contains("built   briefs/doc.toml"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_comment_on_a_field_that_does_not_exist_is_an_error() {
    let project = reviewed();
    project.write(
        "briefs/doc.toml",
        REVIEWED.replace("field = \"headline\"", "field = \"headlin\""),
    );
    let run = project.run(&["build", "--draft"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the comment's field `headlin` is not in this document (did you mean `headline`?)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> briefs/doc.toml:13:9"),
        "{}",
        run.stderr
    );
}
