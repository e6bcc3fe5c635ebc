//! The malformed-input corpus (tests/corpus): every broken document fails
//! with its message, naming the file (and line:column where the input has
//! one), without a panic and without an output file. Documents over the size
//! limits are generated here rather than stored.

use crate::support::{TempProject, copy_tree, repo};

/// Builds `docs/<name>.toml`, then checks it with and without layout, and
/// checks that each fails the same way.
fn check(project: &TempProject, name: &str, message: &str, at: Option<&str>) -> Result<(), String> {
    let file = format!("docs/{name}.toml");
    let output = format!("out/{name}.pdf");
    for args in [
        &["build", &file, "-o", &output][..],
        &["check", &file],
        &["check", "--deep", &file],
    ] {
        fails_the_same(project, name, args, message, at, &output)?;
    }
    Ok(())
}

fn fails_the_same(
    project: &TempProject,
    name: &str,
    args: &[&str],
    message: &str,
    at: Option<&str>,
    output: &str,
) -> Result<(), String> {
    let file = format!("docs/{name}.toml");
    let run = project.run(args);
    let problem = |what: &str| {
        Err(format!(
            "{name} ({}): {what}\nstderr:\n{}",
            args[0..args.len() - 1].join(" "),
            run.stderr
        ))
    };
    if run.code != Some(1) {
        return problem(&format!("exit code {:?}, expected 1", run.code));
    }
    if crate::support::shows_panic(&run.stderr) {
        return problem("panicked");
    }
    let location = match at {
        Some(at) => format!("{file}:{at}"),
        None => file.clone(),
    };
    if !run.stderr.contains(&location) {
        return problem(&format!("does not name `{location}`"));
    }
    if !run.stderr.contains(message) {
        return problem(&format!("does not say `{message}`"));
    }
    if project.path(output).exists() {
        return problem("left an output file");
    }
    Ok(())
}

#[test]
fn every_broken_document_fails_cleanly_at_its_place() {
    let project = TempProject::new("corpus");
    copy_tree(&repo().join("tests/corpus"), &project.root);
    let expected: toml::Table =
        toml::from_str(&std::fs::read_to_string(project.path("expected.toml")).unwrap()).unwrap();
    let on_disk = std::fs::read_dir(project.path("docs")).unwrap().count();
    assert_eq!(
        on_disk,
        expected.len(),
        "every corpus document has an expectation"
    );
    assert!(
        expected.len() >= 40,
        "the corpus has {} documents",
        expected.len()
    );

    let mut failures = Vec::new();
    for (name, case) in &expected {
        let message = case["message"].as_str().unwrap();
        let at = case.get("at").and_then(|a| a.as_str());
        if let Err(problem) = check(&project, name, message, at) {
            failures.push(problem);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        expected.len(),
        failures.join("\n\n")
    );
}

#[test]
fn documents_over_the_limits_fail_naming_the_limit() {
    let project = TempProject::new("limits");
    let head = "kind = \"article\"\nheadline = \"H\"\ndate = 2024-01-25\n";
    let padding = format!("# {}\n", "x".repeat(100));
    project.write(
        "docs/huge-file.toml",
        format!("{head}body = \"x\"\n{}", padding.repeat(22_000)),
    );
    project.write(
        "docs/huge-field.toml",
        format!("{head}body = \"{}\"\n", "word ".repeat(60_000)),
    );
    let refs: String = (0..501).map(|i| format!("[^n{i}]")).collect();
    let notes: String = (0..501)
        .map(|i| format!("n{i} = \"Note {i}.\"\n"))
        .collect();
    project.write(
        "docs/many-notes.toml",
        format!("{head}body = \"{refs}\"\n[notes]\n{notes}"),
    );
    for (name, message, at) in [
        (
            "huge-file",
            "over the limit of 2 MB for a document file",
            None,
        ),
        (
            "huge-field",
            "over the limit of 256 KB for one field",
            Some("4:8"),
        ),
        (
            "many-notes",
            "501 notes, over the limit of 500 in one document",
            Some(""),
        ),
    ] {
        check(&project, name, message, at.filter(|a| !a.is_empty())).unwrap();
    }
}
