//! Broken documents: each error names file:line:col with the source line,
//! exits non-zero and leaves no output file.

use crate::support::{Run, TempProject};

/// A valid article; `{extra}` lines go after the date, `{image}` is the image
/// path and `{body}` the body text.
fn article(extra: &str, image: &str, body: &str, notes: &str) -> String {
    format!(
        "kind = \"article\"\nheadline = \"A headline\"\ndate = 2024-01-25\n{extra}\nbody = \"{body}\"\n\n\
         [image]\npath = \"{image}\"\nalt = \"alt\"\ncaption = \"cap\"\nsource = \"src\"\nlicense = \"CC0\"\n\n[notes]\n{notes}\n"
    )
}

/// Builds `doc.toml` (written with `text`) and checks the failure.
fn fails(project: &TempProject, text: &str, location: &str, message: &str) -> Run {
    project.write("briefs/doc.toml", text);
    let run = project.run(&["build"]);
    assert_eq!(
        run.code,
        Some(1),
        "expected failure; stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("--> {location}")),
        "no `{location}` in:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(message),
        "no `{message}` in:\n{}",
        run.stderr
    );
    assert!(!crate::support::shows_panic(&run.stderr), "{}", run.stderr);
    assert!(
        !project.path("out/doc.pdf").exists(),
        "an output file was left"
    );
    run
}

fn project() -> TempProject {
    let project = TempProject::new("errors");
    project.image("briefs/img.png");
    project
}

#[test]
fn a_valid_document_builds() {
    let project = project();
    project.write(
        "briefs/doc.toml",
        article("", "img.png", "Text.[^a]", "a = \"A note.\""),
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(project.path("out/doc.pdf").exists());
    assert!(
        run.stdout.contains("briefs/doc.toml -> out/doc.pdf"),
        "{}",
        run.stdout
    );
}

#[test]
fn toml_syntax_error() {
    let text = article("section = \"unterminated", "img.png", "x", "");
    fails(
        &project(),
        &text,
        "briefs/doc.toml:4:24",
        "error: invalid basic string",
    );
}

#[test]
fn unknown_key_suggests_the_valid_one() {
    let text = article("headlnie = \"x\"", "img.png", "x", "");
    let run = fails(
        &project(),
        &text,
        "briefs/doc.toml:4:1",
        "unknown key `headlnie`",
    );
    assert!(
        run.stderr.contains("4 | headlnie = \"x\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `headline`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn wrong_type() {
    let text = article("keywords = \"one\"", "img.png", "x", "");
    fails(
        &project(),
        &text,
        "briefs/doc.toml:4:12",
        "wrong type: string \"one\", expected a sequence",
    );
}

#[test]
fn missing_required_field() {
    let text = article("", "img.png", "x", "").replace("headline = \"A headline\"\n", "");
    fails(
        &project(),
        &text,
        "briefs/doc.toml:1:1",
        "missing required key `headline`",
    );
}

#[test]
fn impossible_date() {
    let text = article("", "img.png", "x", "").replace("2024-01-25", "\"2023-02-29\"");
    fails(
        &project(),
        &text,
        "briefs/doc.toml:3:8",
        "invalid date: day 29 does not exist in February 2023",
    );
}

#[test]
fn missing_image_names_the_toml_line() {
    let text = article("", "nope.png", "x", "");
    fails(
        &project(),
        &text,
        "briefs/doc.toml:8:8",
        "image `nope.png` not found",
    );
}

/// An image whose header is sound and whose data is not: `check` (no
/// layout), `check --deep`, `build` and a web-page-only build all name it
/// at its TOML line, and
/// the good document beside it is still built. (Images are judged from
/// their headers when prepared and decoded only where pixels are needed,
/// so an unchanged rebuild decodes nothing.)
#[test]
fn an_image_that_does_not_decode_names_the_toml_line() {
    let project = project();
    let mut png = std::fs::read(project.path("briefs/img.png")).unwrap();
    let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
    for byte in &mut png[idat + 8..idat + 40] {
        *byte ^= 0x5A;
    }
    project.write("briefs/broken.png", png);
    project.write("briefs/good.toml", article("", "img.png", "Text.", ""));
    let text = article("", "broken.png", "x", "");
    let run = fails(
        &project,
        &text,
        "briefs/doc.toml:8:8",
        "image `broken.png` cannot be used: it does not decode",
    );
    assert!(project.path("out/good.pdf").exists(), "{}", run.stdout);
    // A web page lays nothing out, and fails the same way.
    let run = project.run(&["build", "--edition", "html", "--out-dir", "web"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("--> briefs/doc.toml:8:8"),
        "{}",
        run.stderr
    );
    assert!(!project.path("web/doc.html").exists());
    assert!(project.path("web/good.html").exists());
    for args in [&["check"][..], &["check", "--deep"]] {
        let run = project.run(args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        let report = format!("{}{}", run.stdout, run.stderr);
        assert!(
            report.contains("--> briefs/doc.toml:8:8"),
            "{args:?}: {report}"
        );
        assert!(report.contains("it does not decode"), "{args:?}: {report}");
        let errors = report.lines().filter(|l| l.starts_with("error:")).count();
        assert_eq!(
            errors, 1,
            "{args:?}: the good document has no error: {report}"
        );
    }
}

#[test]
fn dangling_note_reference() {
    let text = article(
        "",
        "img.png",
        "See this.[^sorce] And more.",
        "source = \"The note.\"",
    );
    let run = fails(
        &project(),
        &text,
        "briefs/doc.toml:5:18",
        "reference to undefined note `sorce`",
    );
    assert!(
        run.stderr.contains("did you mean [^source]?"),
        "{}",
        run.stderr
    );
}

#[test]
fn unused_note() {
    let text = article(
        "",
        "img.png",
        "Text.[^a]",
        "a = \"Used.\"\nb = \"Never used.\"",
    );
    fails(
        &project(),
        &text,
        "briefs/doc.toml:16:5",
        "note `b` is never referenced",
    );
}

#[test]
fn image_escaping_by_dotdot() {
    let project = project();
    project.write("../outside-secret.png", b"\x89PNG\r\n\x1a\nsecret");
    let text = article("", "../../outside-secret.png", "x", "");
    fails(
        &project,
        &text,
        "briefs/doc.toml:8:8",
        "points outside the project root",
    );
    let _ = std::fs::remove_file(project.path("../outside-secret.png"));
}

#[test]
fn image_escaping_by_symlink() {
    let project = project();
    let secret = project.path("../secret-dir");
    std::fs::create_dir_all(&secret).unwrap();
    std::fs::copy(project.path("briefs/img.png"), secret.join("s.png")).unwrap();
    std::os::unix::fs::symlink(&secret, project.path("briefs/linked")).unwrap();
    let text = article("", "linked/s.png", "x", "");
    fails(
        &project,
        &text,
        "briefs/doc.toml:8:8",
        "is refused: it is outside the project root",
    );
    let _ = std::fs::remove_dir_all(secret);
}

#[test]
fn preview_package_import_in_override_template() {
    let project = project();
    project.write(
        "templates/article.typ",
        "#import \"@preview/cetz:0.3.0\": canvas\n#let article(data) = [#data.title]\n// briefpress-contract: 5\n",
    );
    let text = article("", "img.png", "x", "");
    fails(
        &project,
        &text,
        "templates/article.typ:1:9",
        "packages are not available offline",
    );
}

#[test]
fn error_in_override_template_points_into_it() {
    let project = project();
    project.write(
        "templates/article.typ",
        "#let article(data) = {\n  data.no-such-field\n}\n// briefpress-contract: 5\n",
    );
    let text = article("", "img.png", "x", "");
    fails(&project, &text, "templates/article.typ:2:", "no-such-field");
}

#[test]
fn a_batch_builds_the_good_documents_and_reports_the_bad() {
    let project = project();
    project.write("briefs/good.toml", article("", "img.png", "x", ""));
    project.write("briefs/bad.toml", article("", "img.png", "x[^nope]", ""));
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(1));
    assert!(project.path("out/good.pdf").exists());
    assert!(!project.path("out/bad.pdf").exists());
    assert!(
        run.stdout.contains("1 built, 0 unchanged, 1 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn missing_glyph_is_an_error_not_a_box() {
    let text = article("", "img.png", "A face: \u{1F600}.", "");
    let project = project();
    project.write("briefs/doc.toml", &text);
    // Found before layout, by build and check alike, at the character.
    for command in ["build", "check"] {
        let run = project.run(&[command]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(
            run.stderr
                .contains("no bundled font has a glyph for `\u{1F600}` (U+1F600)"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("--> briefs/doc.toml:5:17"),
            "{}",
            run.stderr
        );
    }
    assert!(!project.path("out/doc.pdf").exists());
}

#[test]
fn override_templates_cannot_read_outside_the_root() {
    let project = project();
    let secret_dir = project.path("../outside");
    std::fs::create_dir_all(&secret_dir).unwrap();
    let secret = secret_dir.join(format!("secret-{}.txt", std::process::id()));
    std::fs::write(&secret, "TOP-SECRET-4711").unwrap();
    std::fs::copy(project.path("briefs/img.png"), secret_dir.join("s.png")).unwrap();
    std::os::unix::fs::symlink(&secret, project.path("linked-secret.txt")).unwrap();
    std::os::unix::fs::symlink(secret_dir.join("s.png"), project.path("linked.png")).unwrap();
    let name = secret.file_name().unwrap().to_string_lossy().to_string();
    let attempts = [
        format!("#read(\"../../outside/{name}\")"),
        format!("#read(\"/../outside/{name}\")"),
        format!("#read(\"{}\")", secret.display()),
        "#read(\"/linked-secret.txt\")".to_string(),
        "#image(\"/linked.png\")".to_string(),
        "#read(\"file:///etc/passwd\")".to_string(),
    ];
    for attempt in &attempts {
        project.write(
            "templates/article.typ",
            format!("#let article(data) = [{attempt}]\n// briefpress-contract: 5\n"),
        );
        project.write("briefs/doc.toml", article("", "img.png", "x", ""));
        let run = project.run(&["build"]);
        assert_eq!(run.code, Some(1), "{attempt} was allowed:\n{}", run.stderr);
        assert!(
            run.stderr.contains("--> templates/article.typ:1:"),
            "{attempt}: {}",
            run.stderr
        );
        assert!(!project.path("out/doc.pdf").exists(), "{attempt}");
        assert!(
            !run.stderr.contains("TOP-SECRET"),
            "{attempt} leaked the secret"
        );
    }
    let _ = std::fs::remove_dir_all(secret_dir);
}
