//! The project configuration: briefpress.toml found above the documents,
//! its values in the PDFs, its errors at their line, its limits enforced.

use crate::support::{TempProject, pdf_info, pdf_page_text, pdf_text};

fn article(extra: &str, notes: usize) -> String {
    let refs: String = (0..notes).map(|n| format!("[^n{n}]")).collect();
    let defs: String = (0..notes)
        .map(|n| format!("n{n} = \"Note {n}.\"\n"))
        .collect();
    format!(
        "kind = \"article\"\nheadline = \"Config headline\"\ndate = 2024-01-25\n{extra}\nbody = \"Body text.{refs}\"\n\n[notes]\n{defs}"
    )
}

const CONFIG: &str = r##"[publication]
name = "The Steppe Review"
distribution = "Distribution unlimited by configuration."
disclaimer = "Views are the authors' own, said the configuration."
issn = "2049-3630"
logo = "assets/mark.png"

[style]
paper = "a4"
accent = "#8b1a1a"
body_font = "Noto Sans"

[limits]
notes = 2
"##;

fn configured() -> TempProject {
    let project = TempProject::new("config");
    project.write("briefpress.toml", CONFIG);
    project.image("assets/mark.png");
    project
}

#[test]
fn documents_pick_up_the_publication_paper_and_limits() {
    let project = configured();
    project.write("briefs/a.toml", article("", 1));
    project.write("briefs/letter.toml", article("paper = \"us-letter\"", 0));
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let pdf = project.path("out/a.pdf");
    let first = pdf_page_text(&pdf, 1);
    assert!(first.contains("The Steppe Review"), "{first}");
    assert!(
        first.contains("Distribution unlimited by configuration."),
        "{first}"
    );
    assert!(pdf_text(&pdf).contains("Views are the authors' own, said the configuration."));
    // A4 from the configuration; a document's own paper wins.
    assert_eq!(pdf_info(&pdf, "Page size"), "595.276 x 841.89 pts (A4)");
    assert!(
        pdf_info(&project.path("out/letter.pdf"), "Page size").contains("612 x 792"),
        "{}",
        pdf_info(&project.path("out/letter.pdf"), "Page size")
    );
    // The body font named in the configuration is the one embedded for text.
    let fonts = crate::support::pdf_fonts(&pdf);
    assert!(
        fonts.iter().all(|(name, _)| !name.contains("NotoSerif-")),
        "{fonts:?}"
    );

    // The limit of two notes from the configuration applies.
    project.write("briefs/a.toml", article("", 3));
    let run = project.run(&["build", "briefs/a.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("3 notes, over the limit of 2 in one document"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_nearest_configuration_above_a_document_is_its_project() {
    let outer = TempProject::new("config-outer");
    outer.write(
        "briefpress.toml",
        "[publication]\nname = \"Outer Gazette\"\n",
    );
    outer.write(
        "inner/briefpress.toml",
        "[publication]\nname = \"Inner Bulletin\"\n[build]\nout_dir = \"pdf\"\n",
    );
    outer.write("inner/briefs/b.toml", article("", 0));
    outer.write("briefs/c.toml", article("", 0));
    // Run from the outer root, naming documents of both projects.
    let run = outer.run(&["build", "inner/briefs/b.toml", "briefs/c.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let inner = outer.path("inner/pdf/b.pdf");
    assert!(pdf_page_text(&inner, 1).contains("Inner Bulletin"));
    let own = outer.path("out/c.pdf");
    assert!(pdf_page_text(&own, 1).contains("Outer Gazette"));
    assert!(!outer.path("out/b.pdf").exists());
}

#[test]
fn configuration_errors_point_into_briefpress_toml() {
    let project = TempProject::new("config-errors");
    project.write("briefs/a.toml", article("", 0));
    let cases = [
        (
            "[style]\naccent_colour = \"#000000\"\n",
            "briefpress.toml:2:1",
            "did you mean `accent`?",
        ),
        (
            "[style]\nbody_font = \"Noto Serf\"\n",
            "briefpress.toml:2:13",
            "font family `Noto Serf` is not available",
        ),
        (
            "[publication]\nlogo = \"../outside.png\"\n",
            "briefpress.toml:2:8",
            "points outside the project root",
        ),
        (
            "[publication]\nissn = \"1234-5678\"\n",
            "briefpress.toml:2:8",
            "is not a valid ISSN",
        ),
        (
            "[build]\nstandards = [\"a-2b\", \"pdf/x-4\"]\n",
            "briefpress.toml:2:22",
            "unknown PDF standard `pdf/x-4`",
        ),
    ];
    for (config, location, message) in cases {
        project.write("briefpress.toml", config);
        let run = project.run(&["build"]);
        assert_eq!(run.code, Some(2), "{config}: {}", run.stderr);
        assert!(run.stderr.contains(location), "{config}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{config}: {}", run.stderr);
        assert!(!project.path("out/a.pdf").exists());
    }
}

#[test]
fn an_issue_needs_a_publication_name_from_somewhere() {
    let project = TempProject::new("config-issue");
    project.write("briefs/a.toml", article("", 0));
    project.write(
        "issues/n.toml",
        "kind = \"issue\"\nvolume = 1\nnumber = 1\ndate = \"2024-02\"\n\n[[sections]]\nname = \"S\"\narticles = [\"../briefs/a.toml\"]\n",
    );
    let run = project.run(&["build", "issues/n.toml", "--no-members"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("the issue has no publication name"),
        "{}",
        run.stderr
    );
    project.write(
        "briefpress.toml",
        "[publication]\nname = \"Configured Monthly\"\n",
    );
    let run = project.run(&["build", "issues/n.toml", "--no-members"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(pdf_page_text(&project.path("out/issues/n.pdf"), 1).contains("Configured Monthly"));
}
