//! Every sample brief builds into a PDF/A + PDF/UA file with all fonts
//! embedded and the whole text of the article in it.

use crate::support::{
    TempProject, assert_words_in, flat, pdf_fonts, pdf_info, pdf_text, pdf_xml, pdf_xmp, repo,
    run_in,
};

/// Sample articles: `briefs/<name>.toml` builds into `<out>/<name>.pdf`.
const ARTICLES: &[&str] = &[
    "central-asia/china-bri-security",
    "central-asia/russia-bases-readiness",
    "central-asia/migrant-workers-trenches",
    "central-asia/russia-security-commitments",
];

/// Sample research briefs.
const BRIEFS: &[&str] = &["central-asia/china-tajikistan-security"];

/// Sample issues, with their member PDFs.
const ISSUES: &[&str] = &[
    "issues/oe-watch-2024-02",
    "oe-watch-2024-02/01-china-bri-security",
    "oe-watch-2024-02/05-china-tajikistan-security",
];

fn all_samples() -> impl Iterator<Item = &'static str> {
    ARTICLES.iter().chain(BRIEFS).chain(ISSUES).copied()
}

/// Builds all samples once into a temporary out dir.
fn build_samples(out: &TempProject) {
    let out_dir = out.root.to_str().unwrap();
    let run = run_in(&repo(), &["build", "briefs", "--out-dir", out_dir]);
    assert_eq!(
        run.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    for sample in ARTICLES.iter().chain(BRIEFS) {
        assert!(
            run.stdout.contains(&format!("{sample}.toml")),
            "no line for {sample}: {}",
            run.stdout
        );
    }
}

fn sample_toml(sample: &str) -> toml::Table {
    let text =
        std::fs::read_to_string(repo().join("briefs").join(format!("{sample}.toml"))).unwrap();
    toml::from_str(&text).unwrap()
}

#[test]
fn every_sample_builds_with_its_whole_text() {
    let out = TempProject::new("samples");
    build_samples(&out);
    for sample in ARTICLES {
        let pdf = out.path(&format!("{sample}.pdf"));
        let text = pdf_text(&pdf);
        let flat_text = flat(&text);
        let doc = sample_toml(sample);
        let headline = doc["headline"].as_str().unwrap();
        assert!(flat_text.contains(headline), "{sample}: headline missing");
        assert_eq!(
            pdf_info(&pdf, "Title"),
            headline,
            "{sample}: title metadata"
        );

        for source in doc["sources"].as_array().unwrap() {
            let title = source["title"].as_str().unwrap();
            assert_words_in(&text, title);
            assert_words_in(&text, source["translation"].as_str().unwrap());
            assert!(
                contains_url(&text, source["url"].as_str().unwrap()),
                "{sample}: url of {title} missing"
            );
        }

        let image = doc["image"].as_table().unwrap();
        assert!(
            contains_url(&text, image["source"].as_str().unwrap()),
            "{sample}: image source missing"
        );
        assert!(flat_text.contains(&format!(
            "Attribution: {}",
            image["license"].as_str().unwrap()
        )));

        // Notes appear in the order of their first reference, as [i], [ii]...
        if let Some(notes) = doc.get("notes").and_then(|n| n.as_table()) {
            let body = doc["body"].as_str().unwrap();
            let mut keys: Vec<&String> = notes.keys().collect();
            keys.sort_by_key(|k| body.find(&format!("[^{k}]")).unwrap());
            let notes_part = &flat_text[flat_text.rfind("Notes").unwrap()..];
            // Each marker, then that note's opening words, in note order.
            // (pdftotext may put a running head between a marker and its
            // text at the top of a page, so adjacency is not required.)
            let mut at = 0;
            for (i, key) in keys.iter().enumerate() {
                let note = notes[*key].as_str().unwrap().replace('*', "");
                let first_words: String = note
                    .split_whitespace()
                    .take(6)
                    .collect::<Vec<_>>()
                    .join(" ");
                let marker = format!("[{}]", ["i", "ii", "iii"][i]);
                for needle in [&marker, &first_words] {
                    let found = notes_part[at..].find(needle.as_str()).unwrap_or_else(|| {
                        panic!("{sample}: `{needle}` missing or out of order in:\n{notes_part}")
                    });
                    at += found + needle.len();
                }
            }
        }
    }
}

/// Whether the URL is in the text. pdftotext puts a line break into a URL
/// broken over lines, and drops a hyphen at which it was broken (taking it
/// for hyphenation), so both are ignored.
fn contains_url(text: &str, url: &str) -> bool {
    let joined: String = text.split_whitespace().collect::<String>().replace('-', "");
    joined.contains(&url.replace('-', ""))
}

#[test]
fn samples_embed_every_font_and_declare_pdfa_and_pdfua() {
    let out = TempProject::new("samples-standards");
    build_samples(&out);
    for sample in all_samples() {
        let pdf = out.path(&format!("{sample}.pdf"));
        let fonts = pdf_fonts(&pdf);
        assert!(!fonts.is_empty(), "{sample}: no fonts listed");
        for (name, embedded) in &fonts {
            assert!(embedded, "{sample}: font {name} is not embedded");
            assert!(name.contains("Noto"), "{sample}: unexpected font {name}");
        }
        if sample == "central-asia/china-bri-security" {
            assert!(
                fonts.iter().any(|(n, _)| n.contains("NotoSerifSC")),
                "{sample}: Chinese font missing"
            );
        }
        let xmp = pdf_xmp(&pdf);
        assert!(
            xmp.contains("<pdfaid:part>2</pdfaid:part>"),
            "{sample}: no PDF/A-2 id:\n{xmp}"
        );
        assert!(
            xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
            "{sample}: not A-2b"
        );
        assert!(
            xmp.contains("<pdfuaid:part>1</pdfuaid:part>"),
            "{sample}: no PDF/UA-1 id"
        );
        assert_eq!(pdf_info(&pdf, "Tagged"), "yes", "{sample}: not tagged");
        let pages: usize = pdf_info(&pdf, "Pages").parse().unwrap();
        assert!((1..=20).contains(&pages), "{sample}: {pages} pages");
    }
}

#[test]
fn same_input_gives_identical_bytes_in_two_processes() {
    let first = TempProject::new("repro-a");
    let second = TempProject::new("repro-b");
    build_samples(&first);
    build_samples(&second);
    for sample in all_samples() {
        let a = std::fs::read(first.path(&format!("{sample}.pdf"))).unwrap();
        let b = std::fs::read(second.path(&format!("{sample}.pdf"))).unwrap();
        assert!(a == b, "{sample}: two builds of the same document differ");
    }
    // A single document built alone is the same as in the batch.
    let sample = "central-asia/china-bri-security";
    let alone = first.path("alone.pdf");
    let run = run_in(
        &repo(),
        &[
            "build",
            &format!("briefs/{sample}.toml"),
            "-o",
            alone.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        std::fs::read(alone).unwrap()
            == std::fs::read(second.path(&format!("{sample}.pdf"))).unwrap()
    );
}

#[test]
fn bookmarks_nest_and_links_are_live() {
    let out = TempProject::new("samples-links");
    build_samples(&out);
    let sample = "central-asia/china-bri-security";
    let xml = pdf_xml(&out.path(&format!("{sample}.pdf")));
    let doc = sample_toml(sample);
    let headline = doc["headline"].as_str().unwrap();
    // The headline is the top bookmark; the back matter nests under it.
    let outline = &xml[xml.find("<outline>").expect("no bookmarks")..];
    let nested =
        format!("<item page=\"1\">{headline}</item>\n<outline>\n<item page=\"2\">Sources</item>");
    assert!(outline.contains(&nested), "{outline}");
    assert!(outline.contains(">Notes</item>") && outline.contains(">Image Information</item>"));
    // Every source URL is a live link.
    for source in doc["sources"].as_array().unwrap() {
        let url = source["url"].as_str().unwrap();
        assert!(
            xml.contains(&format!("<a href=\"{url}\">")),
            "no link to {url}"
        );
    }
    // Note markers link to the notes and back: two internal links each.
    for marker in ["[i]", "[ii]"] {
        let internal = xml
            .split("<a href=\"")
            .filter(|link| link.contains(".html#") && link.contains(&format!("\">{marker}")))
            .count();
        assert_eq!(internal, 2, "links for {marker}");
    }
}

#[test]
fn brief_title_authors_and_takeaways_in_order() {
    let out = TempProject::new("samples-brief");
    build_samples(&out);
    for sample in BRIEFS {
        let pdf = out.path(&format!("{sample}.pdf"));
        let text = flat(&pdf_text(&pdf));
        let doc = sample_toml(sample);
        let title = doc["title"].as_str().unwrap();
        assert_eq!(pdf_info(&pdf, "Title"), title);
        assert_eq!(pdf_info(&pdf, "Author"), "Matthew Stein, Peter Wood");
        assert!(text.contains("January 2024"), "{sample}: date missing");
        // Title, byline, the box heading, then the takeaways in order.
        let mut needles = vec![title, "Matthew Stein and Peter Wood", "Key Takeaways"];
        needles.extend(
            doc["takeaways"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap()),
        );
        let mut at = 0;
        for needle in needles {
            let found = text[at..]
                .find(needle)
                .unwrap_or_else(|| panic!("{sample}: `{needle}` missing or out of order"));
            at += found + needle.len();
        }
    }
}
