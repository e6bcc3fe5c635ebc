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
        let mine = differences
            .iter()
            .filter(|(f, _, _)| f.starts_with(&format!("{name}:")))
            .count();
        let fields = expected.len()
            - usize::from(
                hand["kind"].as_str() == Some("article")
                    && expected.iter().any(|(f, _)| f == "date"),
            );
        eprintln!(
            "import: {name}: {} of {fields} fields match exactly",
            fields - mine
        );
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

/// A picture of the size of a web photograph, as the analyst saves it
/// (JPEG) or Word embeds it (PNG).
fn picture_bytes(format: image::ImageFormat) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(960, 540, |x, y| {
        image::Rgb([(x / 4) as u8, (y / 3) as u8, 90])
    });
    let mut bytes = Vec::new();
    pixels
        .write_to(&mut std::io::Cursor::new(&mut bytes), format)
        .unwrap();
    bytes
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
    project.write(
        "briefs/ca/images/201-military-base-09.jpg",
        picture_bytes(image::ImageFormat::Jpeg),
    );
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
            "the zip is damaged",
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

/// A Word manuscript, made here the way Word lays one out: the parts a
/// reader needs, WordprocessingML as Word writes it.
mod manuscript {
    use std::io::Write as _;

    pub const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;

    /// A paragraph of `style` (none: Normal) holding `runs`.
    pub fn p(style: Option<&str>, runs: &str) -> String {
        let props = style
            .map(|s| format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#))
            .unwrap_or_default();
        format!("<w:p>{props}{runs}</w:p>")
    }

    /// A list item (numbered or bulleted: Word's numPr).
    pub fn li(runs: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>{runs}</w:p>"#
        )
    }

    pub fn r(text: &str) -> String {
        format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
    }

    pub fn i(text: &str) -> String {
        format!(r#"<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#)
    }

    pub fn b(text: &str) -> String {
        format!(r#"<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#)
    }

    pub fn endnote_ref(id: u32) -> String {
        format!(
            r#"<w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr><w:endnoteReference w:id="{id}"/></w:r>"#
        )
    }

    pub fn footnote_ref(id: u32) -> String {
        format!(
            r#"<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{id}"/></w:r>"#
        )
    }

    pub fn hyperlink(rel: &str, text: &str) -> String {
        format!(
            r#"<w:hyperlink r:id="{rel}" w:history="1">{}</w:hyperlink>"#,
            r(text)
        )
    }

    /// A HYPERLINK field code, as Word writes links pasted from the web.
    pub fn field_link(url: &str, text: &str) -> String {
        format!(
            r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "{url}" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{}<w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
            r(text)
        )
    }

    /// An inline picture with its description (Word's Alt Text).
    pub fn picture(rel: &str, description: &str) -> String {
        format!(
            r#"<w:r><w:drawing><wp:inline><wp:extent cx="5486400" cy="3086100"/><wp:docPr id="1" name="Picture 1" descr="{description}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:embed="{rel}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
        )
    }

    /// Notes (endnotes or footnotes) with Word's two separators first.
    pub fn notes(kind: &str, notes: &[(u32, String)]) -> String {
        let mut xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {NS}><w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}><w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>"#
        );
        for (id, runs) in notes {
            xml.push_str(&format!(
                r#"<w:{kind} w:id="{id}"><w:p><w:r><w:{kind}Ref/></w:r>{runs}</w:p></w:{kind}>"#
            ));
        }
        xml.push_str(&format!("</w:{kind}s>"));
        xml
    }

    pub fn document(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
        )
    }

    /// Relationships: id, target, external.
    pub fn rels(links: &[(&str, &str, bool)]) -> String {
        let mut xml = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        );
        for (id, target, external) in links {
            let (kind, mode) = if *external {
                ("hyperlink", r#" TargetMode="External""#)
            } else {
                ("image", "")
            };
            xml.push_str(&format!(
                r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"{mode}/>"#
            ));
        }
        xml.push_str("</Relationships>");
        xml
    }

    /// The package: each part deflated, as Word saves.
    pub fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
        zip.start_file("[Content_Types].xml", options).unwrap();
        zip.write_all(types.as_bytes()).unwrap();
        for (name, bytes) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }
}

fn png() -> Vec<u8> {
    picture_bytes(image::ImageFormat::Png)
}

/// An article manuscript with everything Word gives an analyst: endnotes
/// and footnotes (italics and a link inside a note), a picture with its
/// description and a caption, a link and a HYPERLINK field, a tracked
/// change, a comment, and a Sources block with an Arabic title.
fn article_manuscript() -> Vec<u8> {
    use manuscript::*;
    let body = [
        p(Some("Title"), &r("Iran’s Drones Reach Central Asia")),
        p(None, &picture("rId10", "A grey drone with a triangular wing on a runway.")),
        p(Some("Caption"), &r("A Shahed drone at an air show.")),
        p(
            Some("Quote"),
            &r("“Tajikistan opened a drone factory with Iranian help.”"),
        ),
        p(
            None,
            &[
                r("The news agency "),
                i("Tasnim"),
                r(" reported that "),
                hyperlink("rId11", "the ministry"),
                r(" confirmed it."),
                endnote_ref(1),
                r(" Tajikistan opened a drone factory with Iranian help."),
                footnote_ref(1),
                r(" A literal [2] stays text, and so do *stars*."),
            ]
            .concat(),
        ),
        p(
            None,
            &[
                r(r#"<w:commentRangeStart w:id="0"/>"#).replace(
                    r#"<w:r><w:t xml:space="preserve"><w:commentRangeStart w:id="0"/></w:t></w:r>"#,
                    r#"<w:commentRangeStart w:id="0"/>"#,
                ),
                r("The factory is"),
                r#"<w:ins w:id="5" w:author="Rita Gomez" w:date="2024-03-01T00:00:00Z">"#.to_string(),
                r(" newly"),
                "</w:ins>".to_string(),
                r#"<w:del w:id="6" w:author="Rita Gomez" w:date="2024-03-01T00:00:00Z"><w:r><w:delText xml:space="preserve"> long</w:delText></w:r></w:del>"#.to_string(),
                r(" built, "),
                b("Ababil"),
                r(" drones among its products; see "),
                field_link("https://example.org/factory", "the report"),
                r(".[iv]"),
                r#"<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>"#.to_string(),
            ]
            .concat(),
        ),
        p(Some("Heading2"), &r("Sources:")),
        p(
            None,
            &r("“الطائرات المسيّرة الإيرانية في آسيا الوسطى (Iranian drones in Central Asia),” Al Jazeera (a Qatari news network), 12 March 2024. https://www.aljazeera.net/news/2024/3/12/drones"),
        ),
        p(None, &r("Tajikistan opened a drone factory with Iranian help. The factory makes Ababil drones.")),
        p(Some("Heading2"), &r("Image Information")),
        p(
            None,
            &[
                r("Image: A Shahed drone at an air show."),
                r#"<w:r><w:br/></w:r>"#.to_string(),
                r("Source: https://commons.wikimedia.org/wiki/File:Shahed_136.jpg"),
                r#"<w:r><w:br/></w:r>"#.to_string(),
                r("Attribution: CC BY-SA 4.0"),
            ]
            .concat(),
        ),
    ]
    .concat();
    let endnotes = notes(
        "endnote",
        &[(
            1,
            [
                r(" The agency is close to the "),
                i("IRGC"),
                r("; see "),
                hyperlink("rId1", "its site"),
                r("."),
            ]
            .concat(),
        )],
    );
    let footnotes = notes(
        "footnote",
        &[(1, [r(" A footnote with "), i("emphasis"), r(".")].concat())],
    );
    let comments = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {}><w:comment w:id="0" w:author="Rita Gomez" w:initials="RG"><w:p><w:r><w:annotationRef/></w:r><w:r><w:t>Check the factory’s date.</w:t></w:r></w:p></w:comment></w:comments>"#,
        manuscript::NS
    );
    let png = png();
    zip(&[
        ("word/document.xml", document(&body).as_bytes()),
        (
            "word/_rels/document.xml.rels",
            rels(&[
                ("rId10", "media/image1.png", false),
                ("rId11", "https://example.org/ministry", true),
            ])
            .as_bytes(),
        ),
        ("word/endnotes.xml", endnotes.as_bytes()),
        (
            "word/_rels/endnotes.xml.rels",
            rels(&[("rId1", "https://www.tasnimnews.com/en", true)]).as_bytes(),
        ),
        ("word/footnotes.xml", footnotes.as_bytes()),
        ("word/comments.xml", comments.as_bytes()),
        ("word/media/image1.png", &png),
    ])
}

#[test]
fn a_word_manuscript_imports_with_its_notes_picture_changes_and_comments() {
    let project = TempProject::new("import-docx");
    let source = project.write("incoming/drones.docx", article_manuscript());
    let run = project.run(&[
        "import",
        source.to_str().unwrap(),
        "-o",
        "briefs/ca/drones.toml",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("tracked changes: they were imported as accepted"),
        "{}",
        run.stderr
    );
    let written = std::fs::read_to_string(project.path("briefs/ca/drones.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&written).unwrap();
    assert_eq!(doc["kind"].as_str(), Some("article"));
    assert_eq!(
        doc["headline"].as_str(),
        Some("Iran’s Drones Reach Central Asia")
    );
    assert_eq!(
        doc["pull_quote"].as_str(),
        Some("“Tajikistan opened a drone factory with Iranian help.”")
    );
    let image = &doc["image"];
    assert_eq!(
        image["path"].as_str(),
        Some("images/iran-s-drones-reach-central-asia.png")
    );
    assert_eq!(
        image["alt"].as_str(),
        Some("A grey drone with a triangular wing on a runway.")
    );
    assert_eq!(
        image["caption"].as_str(),
        Some("A Shahed drone at an air show.")
    );
    assert_eq!(
        std::fs::read(project.path("briefs/ca/images/iran-s-drones-reach-central-asia.png"))
            .unwrap(),
        png()
    );
    let body: Vec<&str> = doc["body"].as_str().unwrap().trim().split("\n\n").collect();
    assert_eq!(
        body,
        [
            "The news agency *Tasnim* reported that [the ministry](https://example.org/ministry) confirmed it.[^1] Tajikistan opened a drone factory with Iranian help.[^2] A literal \\[2\\] stays text, and so do \\*stars\\*.",
            "The factory is newly built, **Ababil** drones among its products; see [the report](https://example.org/factory).\\[iv\\]",
        ]
    );
    assert_eq!(
        doc["notes"]["1"].as_str(),
        Some("The agency is close to the *IRGC*; see [its site](https://www.tasnimnews.com/en).")
    );
    assert_eq!(
        doc["notes"]["2"].as_str(),
        Some("A footnote with *emphasis*.")
    );
    let source = &doc["sources"][0];
    assert_eq!(
        source["title"].as_str(),
        Some("الطائرات المسيّرة الإيرانية في آسيا الوسطى")
    );
    assert_eq!(source["lang"].as_str(), Some("ar"));
    assert_eq!(
        source["translation"].as_str(),
        Some("Iranian drones in Central Asia")
    );
    assert_eq!(source["outlet"].as_str(), Some("Al Jazeera"));
    assert_eq!(
        source["outlet_description"].as_str(),
        Some("a Qatari news network")
    );
    assert!(written.contains("\ndate = 2024-03-12\n"), "{written}");
    let comments: Vec<(String, String, String)> = doc["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap().to_string(),
                c["by"].as_str().unwrap().to_string(),
                c["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        comments.contains(&(
            "body".into(),
            "RG".into(),
            "Check the factory’s date.".into()
        )),
        "{comments:?}"
    );
    // The guesses: the Arabic title's language; the marker [iv] has no
    // note. The picture's description and file are not guesses.
    let fields: Vec<&str> = comments.iter().map(|(f, _, _)| f.as_str()).collect();
    assert!(fields.contains(&"sources.1.lang"), "{fields:?}");
    assert!(
        !fields.contains(&"image.alt") && !fields.contains(&"image.path"),
        "{fields:?}"
    );

    let draft = project.run(&["build", "--draft", "briefs/ca/drones.toml"]);
    assert_eq!(draft.code, Some(0), "{}", draft.stderr);
    let text = crate::support::flat(&pdf_text(&project.path("out/ca/drones.pdf")));
    for phrase in [
        "Iran’s Drones Reach Central Asia",
        "The factory is newly built",
        "Iranian drones in Central Asia",
        "A footnote with emphasis.",
    ] {
        assert!(text.contains(phrase), "{phrase} not in:\n{text}");
    }
    assert!(!text.contains("long built"), "{text}");
}

#[test]
fn a_word_brief_gives_its_key_takeaways_and_a_footnote_with_a_link() {
    use manuscript::*;
    let body = [
        p(
            Some("Title"),
            &r("Water Security in the Ferghana Valley (Jane Roe and John Doe) (March 2024)"),
        ),
        p(Some("Heading1"), &r("Key Takeaways")),
        li(&[r("Canals are shared by "), i("three"), r(" states.")].concat()),
        li(&r("Disputes rose in 2023.")),
        p(
            None,
            &[r("The valley’s water is contested."), footnote_ref(2)].concat(),
        ),
    ]
    .concat();
    let footnotes = notes(
        "footnote",
        &[(
            2,
            [
                r(" See "),
                hyperlink("rId3", "the UN report"),
                r(" on "),
                i("transboundary"),
                r(" water."),
            ]
            .concat(),
        )],
    );
    let project = TempProject::new("import-docx-brief");
    let source = project.write(
        "incoming/water.docx",
        zip(&[
            ("word/document.xml", document(&body).as_bytes()),
            ("word/footnotes.xml", footnotes.as_bytes()),
            (
                "word/_rels/footnotes.xml.rels",
                rels(&[("rId3", "https://www.unwater.org/report", true)]).as_bytes(),
            ),
        ]),
    );
    let run = project.run(&["import", source.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let path = project.path("briefs/water-security-in-the-ferghana-valley.toml");
    let doc: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["kind"].as_str(), Some("brief"));
    assert_eq!(
        doc["title"].as_str(),
        Some("Water Security in the Ferghana Valley")
    );
    assert_eq!(doc["date"].as_str(), Some("2024-03"));
    let authors: Vec<&str> = doc["authors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(authors, ["Jane Roe", "John Doe"]);
    let takeaways: Vec<&str> = doc["takeaways"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(
        takeaways,
        [
            "Canals are shared by *three* states.",
            "Disputes rose in 2023."
        ]
    );
    assert_eq!(
        doc["body"].as_str().map(str::trim),
        Some("The valley’s water is contested.[^1]")
    );
    assert_eq!(
        doc["notes"]["1"].as_str(),
        Some("See [the UN report](https://www.unwater.org/report) on *transboundary* water.")
    );
    let draft = project.run(&[
        "build",
        "--draft",
        "briefs/water-security-in-the-ferghana-valley.toml",
    ]);
    assert_eq!(draft.code, Some(0), "{}", draft.stderr);
    let text = crate::support::flat(&pdf_text(
        &project.path("out/water-security-in-the-ferghana-valley.pdf"),
    ));
    for phrase in [
        "Canals are shared by three states.",
        "See the UN report on transboundary water.",
    ] {
        assert!(text.contains(phrase), "{phrase} not in:\n{text}");
    }
}

#[test]
fn a_damaged_or_swollen_manuscript_is_refused_and_nothing_is_written() {
    use manuscript::*;
    let project = TempProject::new("import-docx-refused");
    let many: Vec<(String, Vec<u8>)> = (0..1001)
        .map(|n| (format!("word/media/x{n}.bin"), vec![0u8]))
        .collect();
    let many_parts: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let zeros = vec![0u8; 65 * 1024 * 1024];
    let document_xml = document(&p(None, &r("x")));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "corrupt.docx",
            b"PK\x03\x04 this is not the rest of a zip".to_vec(),
            "the zip is damaged",
        ),
        ("many.docx", zip(&many_parts), "more than the 1000"),
        (
            "bomb.docx",
            zip(&[
                ("word/document.xml", document_xml.as_bytes()),
                ("word/media/zeros.bin", &zeros),
            ]),
            "more than 64 MB",
        ),
        (
            "empty.docx",
            zip(&[("word/other.xml", b"<x/>")]),
            "no word/document.xml",
        ),
        (
            "notxml.docx",
            zip(&[("word/document.xml", b"<w:document><w:body>")]),
            "is not XML",
        ),
    ];
    for (name, bytes, says) in cases {
        let source = project.write(&format!("incoming/{name}"), bytes);
        let run = project.run(&["import", source.to_str().unwrap()]);
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
        assert!(
            !project.path("briefs").exists(),
            "{name}: something written"
        );
    }
}

#[test]
fn sources_nested_past_any_real_depth_are_read_without_crashing() {
    use manuscript::*;
    let project = TempProject::new("import-deep");
    let depth = 20_000;
    let html = format!(
        "<!DOCTYPE html><html><body><h1>Deep</h1><p>Body.</p><h4>Sources:</h4>{}x{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let body = format!(
        "{}{}{}",
        p(Some("Title"), &r("Deep")),
        "<w:sdt><w:sdtContent>".repeat(depth),
        "</w:sdtContent></w:sdt>".repeat(depth)
    );
    let docx = zip(&[("word/document.xml", document(&body).as_bytes())]);
    for (name, bytes) in [("deep.html", html.into_bytes()), ("deep.docx", docx)] {
        let source = project.write(&format!("incoming/{name}"), bytes);
        let run = project.run(&["import", source.to_str().unwrap(), "-o", "-"]);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("nested more than 256 elements deep"),
            "{name}: {}",
            run.stderr
        );
        assert!(
            !crate::support::shows_panic(&run.stderr),
            "{name}: {}",
            run.stderr
        );
    }
}
