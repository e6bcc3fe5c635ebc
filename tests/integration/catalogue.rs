//! The offline catalogue a folder build ends with: index.html whose every
//! link and image resolves inside the output folder (wherever it is copied),
//! thumbnails cached by content, SHA256SUMS that `sha256sum -c` accepts, and
//! document text printed as text.

use std::path::Path;

use crate::support::{
    TempProject, assert_sums_check, assert_words_in, html_errors, pdf_fonts, pdf_image_widths,
    pdf_text, repo, run_in, screenshot,
};

/// Every `href="..."` and `src="..."` value of an HTML page.
fn targets(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            let end = rest.find('"').unwrap();
            found.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    found
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn assert_links_resolve(folder: &Path) {
    assert_links_resolve_at_least(folder, 20);
}

fn assert_links_resolve_at_least(folder: &Path, least: usize) {
    let html = std::fs::read_to_string(folder.join("index.html")).unwrap();
    let targets = targets(&html);
    assert!(targets.len() >= least, "{} links", targets.len());
    for target in targets {
        assert!(
            !target.starts_with('/') && !target.contains("://") && !target.contains(".."),
            "`{target}` is not a link inside the folder"
        );
        let path = folder.join(percent_decoded(&target));
        assert!(
            path.is_file(),
            "`{target}` does not resolve in {}",
            folder.display()
        );
    }
}

/// Every file below `dir`, following no links.
fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            found.extend(walk_files(&entry.path()));
        } else if kind.is_file() {
            found.push(entry.path());
        }
    }
    found
}

/// Every URI a PDF's links point to.
fn pdf_links(pdf: &Path) -> Vec<String> {
    let document = lopdf::Document::load(pdf).unwrap();
    document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter_map(|annotation| annotation.get(b"A").ok()?.as_dict().ok())
        .filter_map(|action| action.get(b"URI").ok()?.as_str().ok())
        .map(|uri| String::from_utf8_lossy(uri).into_owned())
        .collect()
}

/// `catalogue.pdf` lists the documents with their thumbnails, and its
/// links open PDFs of the folder.
fn assert_pdf_catalogue(folder: &Path) {
    let pdf = folder.join("catalogue.pdf");
    let text = pdf_text(&pdf);
    assert!(text.contains("OE Watch: Catalogue"), "{text}");
    for title in [
        "China Reinvigorates Belt and Road Initiative in Central Asia",
        "Chinese-Tajikistani Security Cooperation Gaining Momentum",
        "The New Great Game: Chinese Views on Central Asia",
    ] {
        assert_words_in(&text, title);
    }
    assert!(pdf_fonts(&pdf).iter().all(|(_, embedded)| *embedded));
    // Exactly the PDFs of the folder (but the catalogue itself), each
    // linked twice (its thumbnail and its title), and a thumbnail for each.
    let pdfs: std::collections::BTreeSet<String> = walk_files(folder)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "pdf"))
        .map(|path| {
            path.strip_prefix(folder)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .filter(|name| name != "catalogue.pdf")
        .collect();
    let links = pdf_links(&pdf);
    for link in &links {
        assert!(!link.contains("://") && !link.starts_with('/'), "{link}");
        assert!(folder.join(percent_decoded(link)).is_file(), "{link}");
    }
    let linked: std::collections::BTreeSet<String> =
        links.iter().map(|link| percent_decoded(link)).collect();
    assert_eq!(linked, pdfs, "links {links:?}");
    assert_eq!(links.len(), 2 * pdfs.len(), "{links:?}");
    let images = pdf_image_widths(&pdf).len();
    assert_eq!(
        images,
        pdfs.len(),
        "{images} thumbnails for {} PDFs",
        pdfs.len()
    );
}

#[test]
fn a_folder_build_writes_a_catalogue_whose_links_resolve_anywhere() {
    let temp = TempProject::new("catalogue");
    let out = temp.path("out");
    let run = run_in(
        &repo(),
        &["build", "briefs", "--out-dir", out.to_str().unwrap()],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("catalogue "), "{}", run.stdout);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    for expected in [
        "<title>OE Watch — catalogue</title>",
        "<h2>OE Watch, Vol. 14, Issue 2, February 2024</h2>",
        "<h2>Central Asia</h2>",
        "href=\"central-asia/china-bri-security.pdf\"",
        "href=\"oe-watch-2024-02/01-china-bri-security.pdf\"",
        "Research brief",
        "alt=\"First page of China Reinvigorates Belt and Road Initiative in Central Asia\"",
    ] {
        assert!(html.contains(expected), "`{expected}` missing");
    }
    assert!(!html.contains("<script"), "no scripts");
    assert_eq!(
        html.matches("<h2>OE Watch, Vol. 14, Issue 2").count(),
        1,
        "one group per issue"
    );
    assert_links_resolve(&out);
    assert_pdf_catalogue(&out);

    // Checksums of every file, as sha256sum checks them.
    assert_sums_check(&out);
    let sums = std::fs::read_to_string(out.join("SHA256SUMS")).unwrap();
    assert!(
        sums.contains("  index.html\n") && sums.contains("  central-asia/china-bri-security.pdf\n")
    );

    // A copy elsewhere keeps every link working.
    let copy = temp.path("elsewhere/catalogue");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    assert!(
        std::process::Command::new("cp")
            .args(["-r"])
            .arg(&out)
            .arg(&copy)
            .status()
            .unwrap()
            .success()
    );
    assert_links_resolve(&copy);

    // Unchanged documents keep their thumbnails.
    let again = run_in(
        &repo(),
        &["build", "briefs", "--out-dir", out.to_str().unwrap()],
    );
    assert!(
        again.stdout.contains("0 thumbnails drawn again"),
        "{}",
        again.stdout
    );
}

#[test]
fn document_text_is_text_in_the_catalogue() {
    let project = TempProject::new("catalogue-text");
    project.write(
        "briefs/doc.toml",
        "kind = \"article\"\nheadline = \"<script>alert(1)</script> & \\\"quoted\\\"\"\ndate = 2024-01-25\nsection = \"Near <East>\"\nbody = \"Text.\"\n",
    );
    let run = project.run(&["build", "briefs"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let html = std::fs::read_to_string(project.path("out/index.html")).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;"),
        "{html}"
    );
    assert!(html.contains("<h2>Near &lt;East&gt;</h2>"));
    assert!(!html.contains("<script>"));
    // The PDF prints the same characters.
    assert!(
        pdf_text(&project.path("out/catalogue.pdf"))
            .contains("<script>alert(1)</script> & \"quoted\""),
    );

    // Unless asked not to, a folder build ends with the catalogue.
    let run = project.run(&["build", "briefs", "--no-catalogue", "--out-dir", "bare"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(project.path("bare/doc.pdf").is_file());
    for skipped in ["index.html", "catalogue.pdf", "SHA256SUMS", "thumbnails"] {
        assert!(!project.path("bare").join(skipped).exists(), "{skipped}");
    }
}

#[test]
fn notices_are_listed_with_their_cover_and_pdf_or_as_not_available() {
    let project = TempProject::new("notices");
    project.image("briefs/cover.png");
    project.write(
        "briefs/a.toml",
        "kind = \"article\"\nheadline = \"An article\"\ndate = 2024-01-25\nbody = \"Text.\"\n",
    );
    // A PDF the project holds: one briefpress built.
    let run = project.run(&["build", "briefs/a.toml", "-o", "books/held.pdf"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    project.write(
        "briefs/held.toml",
        "kind = \"notice\"\ntitle = \"A held book\"\ndate = 2023\nsection = \"Books\"\npdf = \"../books/held.pdf\"\n[cover]\npath = \"cover.png\"\nalt = \"The cover\"\n",
    );
    project.write(
        "briefs/missing.toml",
        "kind = \"notice\"\ntitle = \"A book far away\"\ndate = 2022\nsection = \"Books\"\n",
    );
    let run = project.run(&["build", "briefs"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = project.path("out");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("href=\"notices/held/held.pdf\""), "{html}");
    assert!(html.contains("alt=\"Cover of A held book\""));
    let far = &html[html.find("A book far away").unwrap()..];
    assert!(far[..far.find("</article>").unwrap()].contains("Not available offline."));
    assert_links_resolve_at_least(&out, 4);

    // A notice naming a PDF that is not there fails like any document.
    project.write(
        "briefs/missing.toml",
        "kind = \"notice\"\ntitle = \"T\"\ndate = 2022\npdf = \"nowhere.pdf\"\n",
    );
    let run = project.run(&["check"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("--> briefs/missing.toml:4:7"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_catalogue_command_lists_what_is_built_and_draws_missing_thumbnails() {
    let project = TempProject::new("catalogue-command");
    project.write(
        "briefs/a.toml",
        "kind = \"article\"\nheadline = \"Listed\"\ndate = 2024-01-25\nbody = \"Text.\"\n",
    );
    project.write(
        "briefs/b.toml",
        "kind = \"article\"\nheadline = \"Never built\"\ndate = 2024-01-26\nbody = \"Text.\"\n",
    );
    let run = project.run(&["catalogue"]);
    assert_eq!(run.code, Some(2), "no out/ yet: {}", run.stderr);
    let run = project.run(&["build", "briefs/a.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        !project.path("out/index.html").exists(),
        "a single document writes no catalogue"
    );
    let run = project.run(&["catalogue"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("(1 documents, 1 thumbnails drawn)"),
        "{}",
        run.stdout
    );
    let html = std::fs::read_to_string(project.path("out/index.html")).unwrap();
    assert!(
        html.contains(">Listed</a>") && !html.contains("Never built"),
        "{html}"
    );
    assert_links_resolve_at_least(&project.path("out"), 3);
}

#[test]
fn the_catalogue_renders_with_its_images_in_chromium() {
    let temp = TempProject::new("chromium");
    let out = temp.path("out");
    let run = run_in(
        &repo(),
        &["build", "briefs", "--out-dir", out.to_str().unwrap()],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let with_images = screenshot(
        &out.join("index.html"),
        &temp.path("with.png"),
        &temp.path("profile"),
    );
    assert_eq!(&with_images[..8], b"\x89PNG\r\n\x1a\n");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    assert_eq!(
        (be(&with_images[16..20]), be(&with_images[20..24])),
        (1000, 1400)
    );
    // The same page with its thumbnails gone looks different: the images
    // were drawn.
    std::fs::rename(out.join("thumbnails"), temp.path("hidden-thumbnails")).unwrap();
    let without = screenshot(
        &out.join("index.html"),
        &temp.path("without.png"),
        &temp.path("profile"),
    );
    assert_ne!(with_images, without, "the thumbnails did not render");
}

#[test]
fn the_catalogue_page_passes_the_nu_html_checker_and_takes_the_style() {
    let project = TempProject::new("catalogue-vnu");
    project.write(
        "briefpress.toml",
        "[publication]\nname = \"Watch & <Review>\"\nlanguage = \"fa-IR\"\n[style]\naccent = \"#8c1c13\"\nheading_font = \"Noto Serif\"\n",
    );
    project.write(
        "briefs/region/doc.toml",
        "kind = \"article\"\nheadline = \"<script>alert(1)</script> & \\\"quoted\\\" 'single'\"\ndate = 2024-01-25\nsection = \"Near <East>\"\nauthors = [\"A & B\"]\nbody = \"Text </p> here.\"\n",
    );
    project.write(
        "briefs/notices/book.toml",
        "kind = \"notice\"\ntitle = \"A <b>book</b>\"\ndate = 2006\nsection = \"Books\"\ndescription = \"Not held: </article>\"\n",
    );
    let run = project.run(&["build", "briefs"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let page = project.path("out/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // The project's colours and fonts, and its language.
    assert!(html.contains("background:#8c1c13"), "{html}");
    assert!(html.contains("'Noto Serif',Helvetica"), "{html}");
    assert!(html.contains("<html lang=\"fa-IR\">"), "{html}");
    assert!(html.contains("<title>Watch &amp; &lt;Review&gt; — catalogue</title>"));
    assert!(html.contains("&#39;single&#39;") && !html.contains("<b>book"));
    let errors = html_errors(&page);
    assert!(errors.is_empty(), "{errors:#?}\n{html}");

    // The samples' page too.
    let out = project.path("samples");
    let run = run_in(
        &repo(),
        &["build", "briefs", "--out-dir", out.to_str().unwrap()],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let errors = html_errors(&out.join("index.html"));
    assert!(errors.is_empty(), "{errors:#?}");

    // A project's own catalogue.html is used, and its mistakes are named
    // at their line in that file.
    project.write(
        "templates/catalogue.html",
        "{#- briefpress-contract: 5 -#}\n<!DOCTYPE html>\n<html lang=\"{{ lang }}\"><head><title>{{ title }}</title></head><body><p>Own page: {{ count }}</p></body></html>\n",
    );
    let run = project.run(&["build", "briefs"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<p>Own page: 2</p>"), "{html}");
    // The page is not a PDF's template: no document is built again.
    assert!(
        run.stdout.contains("0 built, 1 unchanged"),
        "{}",
        run.stdout
    );
    project.write(
        "templates/catalogue.html",
        "{#- briefpress-contract: 5 -#}\n<p>\n{% for x in %}\n",
    );
    let run = project.run(&["build", "briefs"]);
    assert_ne!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("templates/catalogue.html:3"),
        "{}",
        run.stderr
    );
}
