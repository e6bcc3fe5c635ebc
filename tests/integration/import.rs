//! `briefpress import`: the web page's text layout of the shared samples
//! (copied into `tests/fixtures/import/`, one article per file) against
//! the documents encoded by hand in `briefs/`; where the TOML goes, what
//! the importer refuses, and that text stays text.

use std::path::Path;

use crate::support::{repo, run_in};

/// The samples, each with the hand-encoded document it must match.
const SAMPLES: &[&str] = &[
    "china-bri-security",
    "china-tajikistan-security",
    "russia-bases-readiness",
    "migrant-workers-trenches",
    "russia-security-commitments",
];

/// Where the importer and the hand encoding differ, and why (each is
/// listed in the README's import section):
const KNOWN_DIFFERENCES: &[&str] = &[
    // The page has “Three Evilsand (a closing quote and a space lost);
    // the importer keeps what the page says, the analyst mended it.
    "china-bri-security: sources.1.excerpt.3",
    // *OE Watch* in italics in a note: a publication, but not one of the
    // article's sources, so the importer does not know it is one.
    "russia-bases-readiness: notes.2",
    // The page capitalises “Because” mid-sentence; the analyst mended it.
    "migrant-workers-trenches: body.2",
];

/// A field's text for comparison: whitespace runs as one space, and
/// endnote references numbered by first use (keys are the analyst's
/// choice: `three-evils` by hand, `i` by the importer).
fn normal(text: &str, keys: &[String]) -> String {
    let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (n, key) in keys.iter().enumerate() {
        text = text.replace(&format!("[^{key}]"), &format!("[^{}]", n + 1));
    }
    text
}

/// The note keys of a body in order of first reference.
fn note_order(body: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("[^") {
        let after = &rest[at + 2..];
        let Some(close) = after.find(']') else { break };
        let key = after[..close].to_string();
        if !keys.contains(&key) {
            keys.push(key);
        }
        rest = &after[close..];
    }
    keys
}

fn text_of(value: Option<&toml::Value>) -> Option<String> {
    value.map(|v| match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Every compared field of a document: name and normalised text.
fn fields(doc: &toml::Table) -> Vec<(String, Option<String>)> {
    let body = doc.get("body").and_then(|b| b.as_str()).unwrap_or("");
    let keys = note_order(body);
    let mut out = Vec::new();
    let mut add = |name: String, value: Option<String>| {
        out.push((name, value.map(|v| normal(&v, &keys))));
    };
    for key in ["headline", "title", "date"] {
        if doc.contains_key(key) || key == "headline" && doc["kind"].as_str() == Some("article") {
            add(key.into(), text_of(doc.get(key)));
        }
    }
    for (i, author) in doc
        .get("authors")
        .and_then(|a| a.as_array())
        .into_iter()
        .flatten()
        .enumerate()
    {
        add(format!("authors.{}", i + 1), text_of(Some(author)));
    }
    for (i, paragraph) in body
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .enumerate()
    {
        add(format!("body.{}", i + 1), Some(paragraph.to_string()));
    }
    for (i, takeaway) in doc
        .get("takeaways")
        .and_then(|a| a.as_array())
        .into_iter()
        .flatten()
        .enumerate()
    {
        add(format!("takeaways.{}", i + 1), text_of(Some(takeaway)));
    }
    if doc.get("kind").and_then(|k| k.as_str()) == Some("article") {
        add("pull_quote".into(), text_of(doc.get("pull_quote")));
        let image = doc.get("image");
        for key in ["caption", "credit", "source", "license"] {
            add(
                format!("image.{key}"),
                text_of(image.and_then(|i| i.get(key))),
            );
        }
    }
    let notes = doc.get("notes");
    for (n, key) in keys.iter().enumerate() {
        add(
            format!("notes.{}", n + 1),
            text_of(notes.and_then(|t| t.get(key))),
        );
    }
    for (i, source) in doc
        .get("sources")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten()
        .enumerate()
    {
        for key in [
            "author",
            "title",
            "lang",
            "translation",
            "outlet",
            "outlet_description",
            "date",
            "url",
        ] {
            add(format!("sources.{}.{key}", i + 1), text_of(source.get(key)));
        }
        let excerpt = source.get("excerpt").and_then(|e| e.as_str()).unwrap_or("");
        for (j, paragraph) in excerpt
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .enumerate()
        {
            add(
                format!("sources.{}.excerpt.{}", i + 1, j + 1),
                Some(paragraph.to_string()),
            );
        }
    }
    out
}

fn import_to_stdout(fixture: &Path) -> (String, toml::Table) {
    let run = run_in(&repo(), &["import", fixture.to_str().unwrap(), "-o", "-"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let table: toml::Table = toml::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "the import of {} is not TOML: {e}\n{}",
            fixture.display(),
            run.stdout
        )
    });
    (run.stdout, table)
}

#[test]
fn the_samples_import_to_the_documents_encoded_by_hand() {
    let mut compared = 0;
    let mut differences = Vec::new();
    for name in SAMPLES {
        let fixture = repo().join(format!("tests/fixtures/import/{name}.txt"));
        let (_, imported) = import_to_stdout(&fixture);
        let hand: toml::Table = toml::from_str(
            &std::fs::read_to_string(repo().join(format!("briefs/central-asia/{name}.toml")))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(imported["kind"].as_str(), hand["kind"].as_str(), "{name}");
        let expected = fields(&hand);
        let got = fields(&imported);
        for (field, want) in &expected {
            // Fields the page does not carry (the analyst's date of an
            // article, the language of an English title) are not compared.
            if field == "date" && hand["kind"].as_str() == Some("article") {
                continue;
            }
            compared += 1;
            let found = got
                .iter()
                .find(|(f, _)| f == field)
                .and_then(|(_, v)| v.clone());
            if found != *want {
                differences.push((format!("{name}: {field}"), want.clone(), found));
            }
        }
        let extra: Vec<&String> = got
            .iter()
            .filter(|(f, v)| v.is_some() && !expected.iter().any(|(e, _)| e == f))
            .map(|(f, _)| f)
            .collect();
        assert!(
            extra.is_empty(),
            "{name}: fields the hand encoding lacks: {extra:?}"
        );
    }
    let listed: Vec<&str> = differences.iter().map(|(f, _, _)| f.as_str()).collect();
    let report: Vec<String> = differences
        .iter()
        .map(|(f, want, got)| format!("{f}\n  by hand: {want:?}\n  imported: {got:?}"))
        .collect();
    assert_eq!(
        listed,
        KNOWN_DIFFERENCES,
        "the differences changed:\n{}",
        report.join("\n")
    );
    let matched = compared - differences.len();
    assert!(
        matched * 100 >= compared * 95,
        "{matched} of {compared} fields match"
    );
    // 119 fields compared when this was written: a field lost from both
    // sides would show here.
    assert!(compared >= 119, "only {compared} fields compared");
    eprintln!("import: {matched} of {compared} fields match exactly");
}
