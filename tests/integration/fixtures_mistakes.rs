//! Issue 20: an analyst's mistakes, one fixture each under
//! `tests/fixtures/mistakes/`, run through `check`, `check --format json`
//! (with its fix applied) and `build`; the README's "Common mistakes" table
//! names every fixture and its code.
//!
//! Each fixture starts with its header:
//!
//! ```text
//! # mistake: the analyst's mistake in plain words
//! # expect: <code> <error|warning> <line>:<column> <key words of the message or a hint>
//! # fix: "<the replacement of the first edit of the JSON fix>"
//! ```
//!
//! `line:column` count from the file's first line (the header's too). The
//! `# fix:` line is there exactly when `check --format json` gives a fix; its
//! replacement is a JSON string, so that a space or nothing can be read.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{TempProject, files_below, repo};

const FIXTURES: &str = "tests/fixtures/mistakes";

/// A fixture's header.
#[derive(Debug)]
struct Expect {
    /// The file name, e.g. `web-marker.toml`.
    file: String,
    code: String,
    error: bool,
    line: u64,
    column: u64,
    words: String,
    fix: Option<String>,
}

/// The `*.toml` fixtures, sorted.
fn fixtures() -> Vec<PathBuf> {
    let found: Vec<PathBuf> = files_below(&repo().join(FIXTURES))
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    assert!(!found.is_empty(), "no fixtures under {FIXTURES}");
    found
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Reads the header of the fixture at `path`.
fn expect(path: &Path) -> Expect {
    let file = file_name(path);
    let text = std::fs::read_to_string(path).unwrap();
    let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    let field = |name: &str| {
        let prefix = format!("# {name}:");
        header
            .iter()
            .find_map(|line| line.strip_prefix(prefix.as_str()))
            .map(str::trim)
    };
    let mistake = field("mistake").unwrap_or_default();
    assert!(!mistake.is_empty(), "{file}: no `# mistake:` line");
    let expected = field("expect").unwrap_or_else(|| panic!("{file}: no `# expect:` line"));
    let parts: Vec<&str> = expected.splitn(4, ' ').collect();
    let [code, severity, at, words] = parts[..] else {
        panic!(
            "{file}: `# expect: <code> <error|warning> <line>:<column> <key words>`, not `{expected}`"
        );
    };
    let error = match severity {
        "error" => true,
        "warning" => false,
        other => panic!("{file}: the severity is `error` or `warning`, not `{other}`"),
    };
    let (line, column) = at
        .split_once(':')
        .and_then(|(l, c)| Some((l.parse::<u64>().ok()?, c.parse::<u64>().ok()?)))
        .unwrap_or_else(|| panic!("{file}: `{at}` is not <line>:<column>"));
    let words = words.trim();
    assert!(!words.is_empty(), "{file}: no key words to expect");
    let fix = field("fix").map(|json| {
        serde_json::from_str::<String>(json)
            .unwrap_or_else(|e| panic!("{file}: `# fix:` is a JSON string, not `{json}`: {e}"))
    });
    Expect {
        file,
        code: code.to_string(),
        error,
        line,
        column,
        words: words.to_string(),
        fix,
    }
}

/// A project whose `briefs/` holds every file under the fixtures folder
/// (the fixtures and the files they name, such as images).
fn project() -> TempProject {
    let project = TempProject::new("fixtures-mistakes");
    let folder = repo().join(FIXTURES);
    for path in files_below(&folder) {
        let bytes = std::fs::read(&path).unwrap();
        let inside = path.strip_prefix(&folder).unwrap();
        let relative: Vec<String> = inside
            .components()
            .map(|part| part.as_os_str().to_string_lossy().into_owned())
            .collect();
        project.write(&format!("briefs/{}", relative.join("/")), bytes);
    }
    project
}

/// `check --format json` on one document: its exit code and diagnostics.
fn check_json(project: &TempProject, document: &str) -> (Option<i32>, Vec<Value>) {
    let run = project.run(&["check", "--format", "json", document]);
    let diagnostics = run
        .stdout
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    (run.code, diagnostics)
}

/// What a diagnostic says: its message and its hints (`hint` is one string,
/// lines joined, or null; a list is taken too, as is a `hints` field).
fn said(diagnostic: &Value) -> String {
    let mut text = diagnostic["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    for field in ["hint", "hints"] {
        match &diagnostic[field] {
            Value::String(hint) => {
                text.push('\n');
                text.push_str(hint);
            }
            Value::Array(hints) => {
                for hint in hints.iter().filter_map(Value::as_str) {
                    text.push('\n');
                    text.push_str(hint);
                }
            }
            _ => {}
        }
    }
    text
}

/// One fixture through `check --format json`, `check`, `build` and
/// `build --draft`, then its fix; the failures, if any.
fn run_fixture(project: &TempProject, expect: &Expect) -> Vec<String> {
    let mut failures = Vec::new();
    let Expect {
        file,
        code,
        error,
        line,
        column,
        words,
        fix,
    } = expect;
    let document = format!("briefs/{file}");
    let place = format!("{file}:{line}:{column}");
    let severity = if *error { "error" } else { "warning" };

    let (exit, diagnostics) = check_json(project, &document);
    let listed = format!("{diagnostics:#?}");
    let same_code: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"].as_str() == Some(code.as_str()))
        .collect();
    let Some(diagnostic) = same_code
        .iter()
        .copied()
        .find(|d| d["line"] == *line && d["column"] == *column)
    else {
        return vec![format!("{file}: no `{code}` at {line}:{column}: {listed}")];
    };
    if same_code.len() != 1 {
        failures.push(format!(
            "{file}: one `{code}` expected, {} given: {listed}",
            same_code.len()
        ));
    }
    if diagnostic["severity"].as_str() != Some(severity) {
        failures.push(format!(
            "{file}: `{code}` is not of severity {severity}: {diagnostic}"
        ));
    }
    if !said(diagnostic).contains(words.as_str()) {
        failures.push(format!(
            "{file}: `{words}` is in neither the message nor a hint: {diagnostic}"
        ));
    }
    let checked = i32::from(*error);
    if exit != Some(checked) {
        failures.push(format!(
            "{file}: check --format json exits {exit:?}, not {checked}: {listed}"
        ));
    }

    // Each command exits as expected and names the place in what it says;
    // a build without --draft refuses a placeholder left in.
    let built = i32::from(*error || code == "placeholder");
    for (args, expected) in [
        (["check", ""].as_slice(), checked),
        (["build", ""].as_slice(), built),
        (["build", "--draft", ""].as_slice(), checked),
    ] {
        let mut args = args.to_vec();
        *args.last_mut().unwrap() = &document;
        let run = project.run(&args);
        let command = args[..args.len() - 1].join(" ");
        if run.code != Some(expected) {
            failures.push(format!(
                "{file}: {command} exits {:?}, not {expected}: {}",
                run.code, run.stderr
            ));
        }
        if !run.stderr.contains(&place) {
            failures.push(format!(
                "{file}: {command} does not name {place}: {}",
                run.stderr
            ));
        }
    }

    let given = diagnostic["fix"][0]["replacement"].as_str();
    match (fix, given) {
        (None, None) => {}
        (None, Some(given)) => failures.push(format!(
            "{file}: check --format json gives a fix; add `# fix: {}`",
            Value::from(given)
        )),
        (Some(fix), None) => failures.push(format!(
            "{file}: `# fix: {}` but check --format json gives no fix: {diagnostic}",
            Value::from(fix.as_str())
        )),
        (Some(fix), Some(given)) => {
            if fix != given {
                failures.push(format!(
                    "{file}: the fix's first edit writes {}, not {}",
                    Value::from(given),
                    Value::from(fix.as_str())
                ));
            }
            let path = project.path(&document);
            let text = std::fs::read_to_string(&path).unwrap();
            let fixed = crate::mistakes::apply(&text, diagnostic);
            std::fs::write(path, &fixed).unwrap();
            let (exit, after) = check_json(project, &document);
            if after
                .iter()
                .any(|d| d["code"].as_str() == Some(code.as_str()) && d["line"] == *line)
            {
                failures.push(format!(
                    "{file}: `{code}` is still at line {line} once fixed:\n{fixed}\n{after:#?}"
                ));
            }
            if *error && exit != Some(0) {
                failures.push(format!(
                    "{file}: check exits {exit:?} once fixed, not 0:\n{fixed}\n{after:#?}"
                ));
            }
        }
    }
    failures
}

#[test]
fn each_mistake_is_reported_at_its_place_by_check_and_build() {
    let project = project();
    let failures: Vec<String> = fixtures()
        .iter()
        .flat_map(|path| run_fixture(&project, &expect(path)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The README's `### Common mistakes` section, up to the next heading.
fn common_mistakes(readme: &str) -> Option<&str> {
    let start = readme.find("\n### Common mistakes\n")? + 1;
    let body = &readme[start..];
    let after_title = body.find('\n')? + 1;
    let end = body[after_title..]
        .find("\n#")
        .map_or(body.len(), |at| after_title + at + 1);
    Some(&body[after_title..end])
}

/// The cells of a markdown table row.
fn cells(row: &str) -> Vec<&str> {
    let inner = row.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(str::trim).collect()
}

#[test]
fn readme_common_mistakes_table_matches_the_fixtures() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = common_mistakes(&readme)
        .expect("the README has a `### Common mistakes` section (at the end of `## Authoring`)");
    let mut rows = section
        .lines()
        .filter(|line| line.trim_start().starts_with('|'));
    let header = cells(rows.next().expect("the section has a table"));
    let column = |name: &str| {
        header
            .iter()
            .position(|cell| *cell == name)
            .unwrap_or_else(|| panic!("the table has no `{name}` column: {header:?}"))
    };
    let (code_at, fixture_at) = (column("Code"), column("Fixture"));
    let separator = rows.next().unwrap_or_default();
    assert!(
        cells(separator)
            .iter()
            .all(|cell| !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':'))),
        "the table's second row separates its header: {separator}"
    );

    let expects: Vec<Expect> = fixtures()
        .iter()
        .map(PathBuf::as_path)
        .map(expect)
        .collect();
    let mut failures = Vec::new();
    let mut named: Vec<String> = Vec::new();
    for row in rows {
        let row_cells = cells(row);
        let (Some(code), Some(fixture)) = (row_cells.get(code_at), row_cells.get(fixture_at))
        else {
            failures.push(format!("a row without its code or fixture: {row}"));
            continue;
        };
        let Some(file) = fixture
            .split_once("`mistakes/")
            .and_then(|(_, rest)| rest.split_once('`'))
            .map(|(file, _)| file.to_string())
        else {
            failures.push(format!(
                "the fixture is written `mistakes/<name>.toml`, not {fixture}: {row}"
            ));
            continue;
        };
        let code = code.trim_matches('`');
        match expects.iter().find(|expect| expect.file == file) {
            None => failures.push(format!("no fixture {FIXTURES}/{file}: {row}")),
            Some(expect) if expect.code != code => failures.push(format!(
                "mistakes/{file} expects `{}`, the README says `{code}`",
                expect.code
            )),
            Some(_) => {}
        }
        named.push(file);
    }
    for expect in &expects {
        let rows = named.iter().filter(|file| **file == expect.file).count();
        if rows != 1 {
            failures.push(format!(
                "mistakes/{} is in {rows} rows of the table, not one",
                expect.file
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
