//! An analyst's paste-from-the-web mistakes, each caught at its line and
//! column in the analyst's words, with a correction `--format json`
//! carries: web-style endnote markers, quotation marks around a source
//! title, odd whitespace, a `lang` that contradicts the script.

use serde_json::Value;

use crate::support::{TempProject, pdf_text};

/// The JSON diagnostics of `check` on the project, one per line.
fn check_json(project: &TempProject) -> (Option<i32>, Vec<Value>) {
    let run = project.run(&["check", "--format", "json"]);
    let diagnostics = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    (run.code, diagnostics)
}

/// The diagnostic with `code` at `line`, or a panic listing all of them.
fn find<'a>(diagnostics: &'a [Value], code: &str, line: u64) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code && d["line"] == line)
        .unwrap_or_else(|| panic!("no `{code}` at line {line}: {diagnostics:#?}"))
}

/// Applies a diagnostic's fix to `text` (edits from the last to the first,
/// so that offsets stay right).
pub fn apply(text: &str, diagnostic: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = diagnostic["fix"]
        .as_array()
        .unwrap_or_else(|| panic!("no fix: {diagnostic}"))
        .iter()
        .map(|edit| {
            (
                edit["start"].as_u64().unwrap() as usize,
                edit["end"].as_u64().unwrap() as usize,
                edit["replacement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut fixed = text.to_string();
    for (start, end, replacement) in edits {
        fixed.replace_range(start..end, &replacement);
    }
    fixed
}

const ARTICLE: &str = "kind = \"article\"
headline = \"Pasted from the web\"
date = 2024-02-01
body = \"\"\"
The base was reinforced in 2023.[i] Talks resumed[ii] later [sic].
A gap\u{2003}here and\ttab.
\"\"\"

[[sources]]
title = \"«Новая Большая игра»\"
lang = \"ru\"
outlet = \"Outlet\"

[[sources]]
title = \"الحزام والطريق\"
lang = \"ru\"
outlet = \"Another\"

[notes]
i = \"The first note.\"
";

#[test]
fn pasted_mistakes_are_found_at_their_column_with_a_fix() {
    let project = TempProject::new("mistakes");
    let path = project.write("briefs/pasted.toml", ARTICLE);
    let (code, diagnostics) = check_json(&project);
    // The note `i` is never referenced: its marker was written `[i]`.
    assert_eq!(code, Some(1), "{diagnostics:#?}");
    let note = find(&diagnostics, "note", 5);
    assert_eq!(note["column"], 33, "{note}");
    assert!(
        note["message"]
            .as_str()
            .unwrap()
            .contains("`[i]` here is its marker as the web page writes it"),
        "{note}"
    );
    let marker = find(&diagnostics, "web-marker", 5);
    assert_eq!(marker["column"], 50, "{marker}");
    assert!(
        marker["message"]
            .as_str()
            .unwrap()
            .contains("`[ii]` looks like an endnote marker")
    );
    // `[sic]` is not one, and `[i]` is reported once (as the note error).
    assert_eq!(
        diagnostics
            .iter()
            .filter(|d| d["code"] == "web-marker")
            .count(),
        1,
        "{diagnostics:#?}"
    );
    for (line, column, name) in [(6, 6, "an em space"), (6, 15, "a tab")] {
        let space = diagnostics
            .iter()
            .find(|d| d["code"] == "odd-space" && d["line"] == line && d["column"] == column)
            .unwrap_or_else(|| panic!("no odd space at {line}:{column}: {diagnostics:#?}"));
        assert!(
            space["message"].as_str().unwrap().starts_with(name),
            "{space}"
        );
    }
    let quoted = find(&diagnostics, "quoted-title", 10);
    assert_eq!(quoted["column"], 10, "{quoted}");
    let lang = find(&diagnostics, "lang-script", 16);
    assert_eq!(lang["column"], 8, "{lang}");
    assert!(
        lang["message"].as_str().unwrap().contains("Arabic script"),
        "{lang}"
    );
    // The Cyrillic title at `ru` is right.
    assert!(
        diagnostics
            .iter()
            .all(|d| d["code"] != "lang-script" || d["line"] == 16)
    );

    // Every fix applied gives a document that checks clean of them and
    // builds, printing the title once quoted by the template only.
    let mut text = std::fs::read_to_string(&path).unwrap();
    let mut fixes: Vec<&Value> = diagnostics.iter().filter(|d| !d["fix"].is_null()).collect();
    assert!(fixes.len() >= 6, "{fixes:#?}");
    // From the end of the file to its start, so offsets stay right.
    fixes.sort_by_key(|d| std::cmp::Reverse(d["fix"][0]["start"].as_u64()));
    for fix in fixes {
        text = apply(&text, fix);
    }
    // The fixed marker [^ii] needs its note.
    text.push_str("ii = \"The second note.\"\n");
    std::fs::write(&path, &text).unwrap();
    let (code, diagnostics) = check_json(&project);
    assert_eq!(code, Some(0), "{text}\n{diagnostics:#?}");
    assert!(diagnostics.is_empty(), "{text}\n{diagnostics:#?}");
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let printed = pdf_text(&project.path("out/pasted.pdf"));
    // The title in the template's quotation marks only.
    assert!(
        printed.contains("“Новая Большая игра,”") && !printed.contains('«'),
        "{printed}"
    );
}

#[test]
fn pasted_mistakes_are_warnings_in_a_build() {
    let project = TempProject::new("mistakes-build");
    project.write(
        "briefs/pasted.toml",
        ARTICLE.replace("2023.[i]", "2023.[^i]"),
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for (place, words) in [
        (
            "pasted.toml:5:51",
            "looks like an endnote marker from the web page",
        ),
        ("pasted.toml:6:6", "an em space in the text"),
        ("pasted.toml:10:10", "the title is in quotation marks"),
        ("pasted.toml:16:8", "written in Arabic script"),
    ] {
        assert!(
            run.stderr.contains(place) && run.stderr.contains(words),
            "{place} {words}: {}",
            run.stderr
        );
    }
}

/// A syntax case: name, lines, line and column (within the lines), words of
/// the message or hint, the fix's replacement.
type Case = (
    &'static str,
    &'static str,
    u64,
    u64,
    &'static str,
    Option<&'static str>,
);

#[test]
fn syntax_mistakes_are_explained_in_the_analysts_words() {
    let project = TempProject::new("mistakes-syntax");
    project.image("briefs/images/Map.PNG");
    let cases: [Case; 6] = [
        (
            "curly",
            "headline = “Curly”",
            1,
            12,
            "curly quotation mark",
            Some("\"Curly\""),
        ),
        (
            "inner",
            "headline = \"He said \"no\" today\"",
            1,
            21,
            "the string ended early at this quote mark",
            None,
        ),
        (
            "slashes",
            "headline = \"h\"\ndate = 2021/03/03",
            2,
            8,
            "is not a date TOML reads",
            Some("2021-03-03"),
        ),
        (
            "words",
            "headline = \"h\"\ndate = \"3 March 2021\"",
            2,
            8,
            "invalid date",
            Some("2021-03-03"),
        ),
        (
            "month",
            "headline = \"h\"\ndate = \"March 2021\"",
            2,
            8,
            "invalid date",
            Some("\"2021-03\""),
        ),
        (
            "image",
            "headline = \"h\"\n[image]\npath = \"images/map.png\"\nalt = \"a\"\ncaption = \"c\"",
            3,
            8,
            "the folder has `images/Map.PNG`",
            None,
        ),
    ];
    // `line` counts within the case's lines, after the lines every case
    // starts with.
    for (name, lines, line, column, words, fix) in cases {
        let mut text = String::from("kind = \"article\"\nbody = \"b\"\n");
        if !lines.contains("date =") {
            text.push_str("date = 2024-02-01\n");
        }
        let line = line + text.lines().count() as u64;
        text.push_str(lines);
        text.push('\n');
        let path = project.write(&format!("briefs/{name}.toml"), &text);
        let run = project.run(&["check", "--format", "json", path.to_str().unwrap()]);
        assert_eq!(run.code, Some(1), "{name}: {}", run.stdout);
        let diagnostic: Value = serde_json::from_str(run.stdout.lines().next().unwrap_or("{}"))
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", run.stdout));
        assert_eq!(
            (diagnostic["line"].as_u64(), diagnostic["column"].as_u64()),
            (Some(line), Some(column)),
            "{name}: {diagnostic}"
        );
        let said = format!("{} {}", diagnostic["message"], diagnostic["hint"]);
        assert!(said.contains(words), "{name}: {said}");
        if let Some(fix) = fix {
            assert_eq!(
                diagnostic["fix"][0]["replacement"], fix,
                "{name}: {diagnostic}"
            );
            // The fix applied, the document checks clean.
            std::fs::write(&path, apply(&text, &diagnostic)).unwrap();
            let again = project.run(&["check", path.to_str().unwrap()]);
            assert_eq!(again.code, Some(0), "{name}: {}", again.stderr);
        }
    }
}
