//! `briefpress check`: what build would say, without PDFs; warnings an
//! editor needs; diagnostics as JSON; colour and verbosity.

use crate::support::{TempProject, assert_low_resolution, repo, run_in, run_with_env};

/// An article with one of everything check warns about.
const WARNED: &str = r#"kind = "article"
headline = "TODO: the headline"
date = 2031-05-01
body = "Text."

[image]
path = "img.png"
alt = "alt"
caption = "cap"

[[sources]]
title = "Заголовок"
lang = "ru"
outlet = "Outlet"
url = "https://exa mple.org/a"

[[sources]]
title = "Другой"
lang = "ru"
outlet = "Outlet"
url = "https://exa mple.org/a"
"#;

/// The rendered diagnostic whose message starts with `message`.
fn diagnostic<'a>(stderr: &'a str, message: &str) -> &'a str {
    let start = stderr
        .find(&format!(": {message}"))
        .unwrap_or_else(|| panic!("no `{message}` in:\n{stderr}"));
    let rest = &stderr[start..];
    let end = rest
        .find("\nwarning:")
        .or_else(|| rest.find("\nerror:"))
        .unwrap_or(rest.len());
    &rest[..end]
}

fn warned() -> TempProject {
    let project = TempProject::new("check");
    project.image("briefs/img.png");
    project.write("briefs/doc.toml", WARNED);
    project
}

#[test]
fn samples_check_clean_without_layout() {
    let run = run_in(&repo(), &["check"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("checked 8 documents: 0 errors, 0 warnings"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("built"));
}

#[test]
fn warnings_name_their_place_and_do_not_fail() {
    let project = warned();
    let epoch = [("SOURCE_DATE_EPOCH", "1700000000")]; // 14 November 2023
    let run = run_with_env(&project.root, &["check"], &epoch);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let expected = [
        ("a placeholder is left in", "briefs/doc.toml:2:12"),
        (
            "1 May 2031 is in the future (today is 14 November 2023)",
            "briefs/doc.toml:3:8",
        ),
        ("the image has no source", "briefs/doc.toml:7:8"),
        ("the image has no license", "briefs/doc.toml:7:8"),
        (
            "`https://exa mple.org/a` contains spaces",
            "briefs/doc.toml:15:7",
        ),
        (
            "this source is already cited (line 15)",
            "briefs/doc.toml:21:7",
        ),
    ];
    for (message, place) in expected {
        let block = diagnostic(&run.stderr, message);
        assert!(
            block.contains(&format!("--> {place}")),
            "`{message}` not at {place}:\n{block}"
        );
    }
    assert!(
        run.stdout.contains("0 errors, 7 warnings"),
        "{}",
        run.stdout
    );

    // A draft build says the same and still builds; a final build refuses
    // the placeholder, at the same place, and writes nothing.
    let build = run_with_env(&project.root, &["build", "--draft"], &epoch);
    assert_eq!(build.code, Some(0), "{}", build.stderr);
    assert!(build.stderr.contains("warning: a placeholder is left in"));
    assert!(project.path("out/doc.pdf").exists());
    std::fs::remove_dir_all(project.path("out")).unwrap();
    let build = run_with_env(&project.root, &["build"], &epoch);
    assert_eq!(build.code, Some(1), "{}", build.stderr);
    let block = diagnostic(&build.stderr, "a placeholder is left in");
    assert!(build.stderr.contains("error: a placeholder is left in"));
    assert!(block.contains("--> briefs/doc.toml:2:12"), "{block}");
    assert!(!project.path("out/doc.pdf").exists());
}

#[test]
fn json_diagnostics_carry_file_line_column_and_code() {
    let project = warned();
    project.write(
        "briefs/bad.toml",
        "kind = \"article\"\nheadlne = \"H\"\ndate = 2024-01-25\nbody = \"x\"\n",
    );
    let run = run_with_env(
        &project.root,
        &["check", "--format", "json"],
        &[("SOURCE_DATE_EPOCH", "1700000000")],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let diags: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "unknown-key")
        .expect("the unknown key");
    assert_eq!(unknown["file"], "briefs/bad.toml");
    assert_eq!(unknown["line"], 2);
    assert_eq!(unknown["column"], 1);
    assert_eq!(unknown["severity"], "error");
    assert_eq!(unknown["message"], "unknown key `headlne`");
    assert!(
        unknown["hint"]
            .as_str()
            .unwrap()
            .contains("did you mean `headline`?")
    );
    let future = diags.iter().find(|d| d["code"] == "future-date").unwrap();
    assert_eq!(
        (future["line"].as_u64(), future["column"].as_u64()),
        (Some(3), Some(8))
    );
    assert_eq!(future["severity"], "warning");
    // Standard output holds only JSON; the summary went to standard error.
    assert!(run.stderr.contains("1 error, 7 warnings"), "{}", run.stderr);
}

#[test]
fn deep_check_lays_out_and_finds_low_resolution_images() {
    // The sample article with its lead image at 960 x 540 pixels, placed
    // 6.6 inches wide.
    let project = TempProject::new("low-resolution");
    let article = project.sample_article(960, 540);
    let run = project.run(&["check", "--deep", article]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_low_resolution(&run.stderr, "warning");
    assert!(
        run.stdout
            .contains("checked 1 document with layout: 0 errors, 1 warning"),
        "{}",
        run.stdout
    );
}

#[test]
fn colour_quiet_and_verbose() {
    let project = warned();
    let coloured = project.run(&["check", "--color", "always"]);
    assert!(
        coloured.stderr.contains("\x1b[1;33mwarning"),
        "{}",
        coloured.stderr
    );
    let plain = project.run(&["check", "--color", "never"]);
    assert!(!plain.stderr.contains('\x1b'));
    let no_color = run_with_env(&project.root, &["check"], &[("NO_COLOR", "1")]);
    assert!(!no_color.stderr.contains('\x1b'));

    let quiet = project.run(&["build", "--draft", "-q"]);
    assert_eq!(quiet.code, Some(0), "{}", quiet.stderr);
    assert!(!quiet.stdout.contains("built   "), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("1 built, 0 unchanged, 0 failed"));
    let verbose = project.run(&["build", "--draft", "-v"]);
    assert!(verbose.stdout.contains("project "), "{}", verbose.stdout);
    assert!(
        verbose
            .stdout
            .contains("unchanged briefs/doc.toml -> out/doc.pdf"),
        "{}",
        verbose.stdout
    );
}
