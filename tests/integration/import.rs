//! `briefpress import`: the web page's text layout of the shared samples
//! (copied into `tests/fixtures/import/`, one article per file) against
//! the documents encoded by hand in `briefs/`; where the TOML goes, what
//! the importer refuses, and that text stays text.

use std::path::Path;

use crate::support::{TempProject, pdf_text, repo, run_in};

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

/// A JPEG of the size of a web photograph, as the analyst would save it.
fn jpeg(project: &TempProject, relative: &str) {
    let pixels = image::RgbImage::from_fn(960, 540, |x, y| {
        image::Rgb([(x / 4) as u8, (y / 3) as u8, 90])
    });
    let mut bytes = Vec::new();
    pixels
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    project.write(relative, bytes);
}

#[test]
fn the_web_page_imports_to_the_same_document_as_its_text() {
    let (text, _) = import_to_stdout(&repo().join("tests/fixtures/import/china-bri-security.txt"));
    let (html, _) = import_to_stdout(&repo().join("tests/fixtures/import/china-bri-security.html"));
    // Only the opening comment, which names the file imported, differs.
    let after_first_line = |toml: &str| toml.split_once('\n').map(|(_, rest)| rest.to_string());
    assert_eq!(after_first_line(&text), after_first_line(&html));
    assert!(html.contains("china-bri-security.html"));
}

#[test]
fn an_import_lands_in_the_project_lists_its_review_and_builds_once_the_image_is_saved() {
    let project = TempProject::new("import-lands");
    let fixture = repo().join("tests/fixtures/import/russia-bases-readiness.txt");
    let fixture = fixture.to_str().unwrap();
    let run = project.run(&["import", fixture, "-o", "briefs/ca/bases.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("wrote"), "{}", run.stdout);
    let written = std::fs::read_to_string(project.path("briefs/ca/bases.toml")).unwrap();
    assert!(
        written.starts_with("#:schema ../../schemas/article.schema.json\n"),
        "{written}"
    );
    assert!(project.path("schemas/article.schema.json").is_file());
    // The review, each guess with its line, as `check` lists it.
    for field in ["image.alt", "image.path", "body", "sources.1.excerpt"] {
        assert!(
            run.stderr
                .contains(&format!("unresolved review comment on `{field}`")),
            "{field}: {}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("briefs/ca/bases.toml:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("images/201-military-base-09.jpg` not found"),
        "{}",
        run.stderr
    );

    // Never over a file, even its own.
    let again = project.run(&["import", fixture, "-o", "briefs/ca/bases.toml"]);
    assert_eq!(again.code, Some(2), "{}", again.stderr);
    assert!(
        again.stderr.contains("never overwrites"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(project.path("briefs/ca/bases.toml")).unwrap(),
        written
    );

    // With the image saved where the comment says, a draft builds; the
    // final build refuses the open comments.
    jpeg(&project, "briefs/ca/images/201-military-base-09.jpg");
    let draft = project.run(&["build", "--draft", "briefs/ca/bases.toml"]);
    assert_eq!(draft.code, Some(0), "{}", draft.stderr);
    let text = crate::support::flat(&pdf_text(&project.path("out/ca/bases.pdf")));
    for phrase in [
        "Russia Strengthens Its Military Presence in Central Asia",
        "Шойгу: Россия повышает боеготовность",
        "the transfer of S-300 air defense systems",
        "cannot be solely attributed to Russian pressure",
    ] {
        assert!(text.contains(phrase), "{phrase} not in:\n{text}");
    }
    assert!(!text.contains("S-300 [RG1]"), "{text}");
    let final_build = project.run(&["build", "briefs/ca/bases.toml"]);
    assert_eq!(final_build.code, Some(1), "{}", final_build.stderr);
    assert!(
        final_build.stderr.contains("unresolved review comment"),
        "{}",
        final_build.stderr
    );
}

#[test]
fn what_import_cannot_read_is_refused_and_nothing_is_written() {
    let project = TempProject::new("import-refused");
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "encrypted.docx",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest of an OLE file",
            "encrypted Word document or a legacy .doc",
        ),
        (
            "manuscript.docx",
            b"PK\x03\x04\x14\x00",
            "Word import is not available yet",
        ),
        (
            "notes.txt",
            "A heading\n\nSome paragraph of text, nothing else.\n".as_bytes(),
            "found none of the blocks",
        ),
        ("latin1.txt", b"Caf\xe9\n\nSources:\n", "not UTF-8"),
        (
            "page.html",
            b"<!DOCTYPE html><html><body><h1>Menu</h1><p>Nothing of an article</p></body></html>",
            "found none of the blocks",
        ),
    ];
    for (name, bytes, says) in cases {
        let source = project.write(&format!("incoming/{name}"), bytes);
        let run = project.run(&["import", source.to_str().unwrap()]);
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(name),
            "{name} not named: {}",
            run.stderr
        );
        assert!(
            !project.path("briefs").exists(),
            "{name}: something written"
        );
    }
    // Outside the project: refused before anything is written.
    let fixture = repo().join("tests/fixtures/import/china-bri-security.txt");
    let outside = project.root.with_extension("outside.toml");
    let run = project.run(&[
        "import",
        fixture.to_str().unwrap(),
        "-o",
        outside.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("import writes inside the project"),
        "{}",
        run.stderr
    );
    assert!(!outside.exists());
    let json = project.run(&["import", "--format", "json", "incoming/notes.txt"]);
    assert!(
        json.stdout.contains("\"code\":\"import\""),
        "{}",
        json.stdout
    );
}

#[test]
fn text_that_looks_like_markup_is_imported_as_text() {
    let project = TempProject::new("import-literal");
    let source = project.write(
        "incoming/hostile.txt",
        "Hostile #read(\"/etc/passwd\") $x$ ]< @ \\ // headline\n\n\n\
         A body with **two stars**, *one star*, [a link](https://example.org/x), a lone \\ and [^x] and a marker [iv] without a note.\n\n\n\
         Sources:\n\n\
         “Заголовок (A title),” Outlet (a description), 3 March 2023. https://example.org/a\n\n\
         An excerpt with #set page(width: 1pt) and <b>tags</b> and `code`.\n",
    );
    let run = project.run(&[
        "import",
        source.to_str().unwrap(),
        "-o",
        "briefs/hostile.toml",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("the marker [iv] has no note"),
        "{}",
        run.stderr
    );
    let draft = project.run(&["build", "--draft", "briefs/hostile.toml"]);
    assert_eq!(draft.code, Some(0), "{}", draft.stderr);
    let text = crate::support::flat(&pdf_text(&project.path("out/hostile.pdf")));
    for literal in [
        "Hostile #read(\"/etc/passwd\") $x$ ]< @ \\ // headline",
        "**two stars**, *one star*, [a link](https://example.org/x), a lone \\ and [^x] and a marker [iv]",
        "#set page(width: 1pt) and <b>tags</b> and `code`",
        "Заголовок",
    ] {
        assert!(text.contains(literal), "{literal} not in:\n{text}");
    }
}
