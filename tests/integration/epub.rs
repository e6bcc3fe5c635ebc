//! The EPUB edition: a book beside every document's PDF that epubcheck
//! accepts with no error and no warning, holds every word its PDF prints,
//! marks the PDF's page breaks where the PDF's pages begin, describes
//! itself (identifier, dates, accessibility), keeps every link inside the
//! container, and builds reproducibly and incrementally.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::layout::scripts_article;
use crate::support::{TempProject, files_named, pdf_info, visible_text};
use crate::web::{
    built, document_pdfs, outputs, read, samples, tokens, words_missing, words_of_markup,
};

/// The files of an EPUB, by name, as text where they are text.
pub fn unzip(epub: &Path) -> BTreeMap<String, Vec<u8>> {
    let file = std::fs::File::open(epub).unwrap_or_else(|err| panic!("{}: {err}", epub.display()));
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    (0..zip.len())
        .map(|index| {
            let mut entry = zip.by_index(index).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files[name].clone()).unwrap_or_else(|_| panic!("{name} is not UTF-8"))
}

/// The chapters of a book in reading order (the spine), with their text.
fn chapters(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String)> {
    let opf = text(files, "EPUB/package.opf");
    let hrefs: BTreeMap<String, String> = opf
        .lines()
        .filter(|line| line.starts_with("<item "))
        .map(|line| (attribute(line, "id"), attribute(line, "href")))
        .collect();
    opf.lines()
        .filter(|line| line.starts_with("<itemref "))
        .map(|line| hrefs[&attribute(line, "idref")].clone())
        .filter(|href| href.starts_with('c') && href != "cover.xhtml")
        .map(|href| {
            let body = text(files, &format!("EPUB/{href}"));
            (href, body)
        })
        .collect()
}

fn attribute(tag: &str, name: &str) -> String {
    let start = tag
        .find(&format!(" {name}=\""))
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + name.len()
        + 3;
    tag[start..].split('"').next().unwrap().to_string()
}

fn sample_epubs() -> Vec<PathBuf> {
    files_named(samples(), "epub")
}

/// epubcheck's jar: `BRIEFPRESS_EPUBCHECK_JAR`, else Debian's.
fn epubcheck_jar() -> PathBuf {
    let path = std::env::var_os("BRIEFPRESS_EPUBCHECK_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/java/epubcheck.jar"));
    assert!(
        path.is_file(),
        "epubcheck is needed: run .ci/run once, or `apt-get install epubcheck` (or set BRIEFPRESS_EPUBCHECK_JAR)"
    );
    path
}

/// What epubcheck says of `epub` (errors and warnings), `None` when it
/// finds nothing.
fn epubcheck(epub: &Path) -> Option<String> {
    let out = Command::new("java")
        // A short run: the quick compiler only.
        .args(["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar"])
        .arg(epubcheck_jar())
        .arg("-w")
        .arg(epub)
        .output()
        .expect("java runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (!out.status.success() || !said.contains("No errors or warnings detected")).then_some(said)
}

#[test]
fn every_sample_epub_passes_epubcheck() {
    let epubs = sample_epubs();
    // Five articles, the compendium and the issue; no book for a member.
    assert_eq!(epubs.len(), 7, "{epubs:?}");
    let half = epubs.len().div_ceil(2);
    let findings: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = epubs
            .chunks(half)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|epub| {
                            epubcheck(epub).map(|said| format!("{}:\n{said}", epub.display()))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        runs.into_iter()
            .flat_map(|run| run.join().unwrap())
            .collect()
    });
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

#[test]
fn epubcheck_sees_a_broken_book() {
    // The check can fail: the sample article with its navigation document
    // dropped from the manifest.
    let epub = samples().join("central-asia/china-bri-security.epub");
    let files = unzip(&epub);
    let broken = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("epub-broken.epub");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&broken).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    std::io::Write::write_all(&mut zip, b"application/epub+zip").unwrap();
    for (name, bytes) in files.iter().filter(|(name, _)| *name != "mimetype") {
        let bytes = match name.as_str() {
            "EPUB/package.opf" => text(&files, name)
                .replace(" properties=\"nav\"", "")
                .into_bytes(),
            _ => bytes.clone(),
        };
        zip.start_file(name.as_str(), stored).unwrap();
        std::io::Write::write_all(&mut zip, &bytes).unwrap();
    }
    zip.finish().unwrap();
    let said = epubcheck(&broken).expect("epubcheck finds the missing navigation document");
    assert!(said.contains("ERROR"), "{said}");
}

#[test]
fn every_epub_holds_every_word_its_pdf_prints() {
    let out = samples();
    let mut compared = 0;
    for epub in sample_epubs() {
        let pdf = epub.with_extension("pdf");
        let files = unzip(&epub);
        let chapters = chapters(&files);
        let have = words_of_markup(chapters.iter().map(|(_, body)| body.as_str()));
        let missing = words_missing(&pdf, &have);
        assert!(
            missing.is_empty(),
            "{} prints words its EPUB does not hold: {missing:?}",
            pdf.display()
        );
        compared += 1;
    }
    assert_eq!(compared, 7);
    assert!(document_pdfs(out).len() > compared, "members have no book");
}

/// Letters and digits of a word, in lower case: how the comparison of a
/// page's first words with the book's takes them.
fn folded(word: &str) -> String {
    tokens(word).concat()
}

#[test]
fn the_issue_marks_each_printed_page_where_the_pdf_page_begins() {
    let epub = samples().join("issues/oe-watch-2024-02.epub");
    let pdf = epub.with_extension("pdf");
    let files = unzip(&epub);
    let nav = text(&files, "EPUB/nav.xhtml");
    let pages: usize = pdf_info(&pdf, "Pages").parse().unwrap();
    // The page list: every page, numbered as printed (the cover and the
    // contents in roman numerals, then the articles from 1).
    let list: Vec<(String, String)> = nav
        .split("<nav epub:type=\"page-list\"")
        .nth(1)
        .expect("a page list")
        .split("<li><a href=\"")
        .skip(1)
        .map(|item| {
            let (href, rest) = item.split_once("\">").unwrap();
            (
                href.to_string(),
                rest.split('<').next().unwrap().to_string(),
            )
        })
        .collect();
    let labels: Vec<&str> = list.iter().map(|(_, label)| label.as_str()).collect();
    let expected: Vec<String> = ["i", "ii"]
        .into_iter()
        .map(str::to_string)
        .chain((1..=pages - 2).map(|n| n.to_string()))
        .collect();
    assert_eq!(labels, expected);
    assert!(
        text(&files, "EPUB/package.opf").contains("property=\"source-of\">pagination</meta>"),
        "the print edition is named as the pagination's source"
    );

    // Each article page: the five words after its marker are the first
    // five of the page's text as pdftotext reads it, under its two lines
    // of running heads. A page that opens on the tail of a word hyphenated
    // on the page before is marked before the whole word.
    let chapters: BTreeMap<String, String> = chapters(&files).into_iter().collect();
    let mut compared = 0;
    for (href, label) in list
        .iter()
        .filter(|(_, label)| label.parse::<usize>().is_ok())
    {
        let (file, id) = href.split_once('#').unwrap();
        let physical: usize = id.strip_prefix("page-").unwrap().parse().unwrap();
        let chapter = &chapters[file];
        let marker = chapter
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no marker {id} in {file}"));
        let start = chapter[..marker].rfind("<span").unwrap();
        assert!(
            chapter[start..].starts_with(&format!(
                "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{id}\" aria-label=\"{label}\">"
            )),
            "{}",
            &chapter[start..start + 200]
        );
        let after_marker = marker + chapter[marker..].find("</span>").unwrap() + "</span>".len();
        let after: Vec<String> = visible_text(&chapter[after_marker..])
            .split_whitespace()
            .filter(|word| !folded(word).is_empty())
            .take(5)
            .map(folded)
            .collect();
        let page = Command::new("pdftotext")
            .args([
                "-enc",
                "UTF-8",
                "-f",
                &physical.to_string(),
                "-l",
                &physical.to_string(),
            ])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let page = String::from_utf8(page.stdout).unwrap();
        let body: Vec<String> = page
            .lines()
            .filter(|line| !line.trim().is_empty())
            .skip(2)
            .flat_map(|line| {
                line.split_whitespace()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|word| !folded(word).is_empty())
            .take(5)
            .map(|word| folded(&word))
            .collect();
        assert_eq!(after.len(), 5, "page {label}");
        assert!(
            after[0] == body[0] || after[0].ends_with(&body[0]),
            "page {label}: {after:?} vs {body:?}"
        );
        assert_eq!(after[1..], body[1..], "page {label}");
        compared += 1;
    }
    assert_eq!(compared, pages - 2, "every article page");
}

#[test]
fn a_book_describes_itself_for_shops_and_readers() {
    let epub = samples().join("issues/oe-watch-2024-02.epub");
    let files = unzip(&epub);
    let names: Vec<&String> = files.keys().collect();
    let opf = text(&files, "EPUB/package.opf");
    for needed in [
        "<dc:identifier id=\"uid\">urn:uuid:",
        "<dc:identifier>urn:issn:2581-3307</dc:identifier>",
        "<dc:title>OE Watch, Vol. 14, Issue 2</dc:title>",
        "<dc:language>en</dc:language>",
        "<dc:publisher>OE Watch</dc:publisher>",
        "<dc:date>2024-02</dc:date>",
        "properties=\"cover-image\"",
        "<meta property=\"schema:accessMode\">textual</meta>",
        "<meta property=\"schema:accessModeSufficient\">textual</meta>",
        "<meta property=\"schema:accessibilityFeature\">structuralNavigation</meta>",
        "<meta property=\"schema:accessibilityFeature\">alternativeText</meta>",
        "<meta property=\"schema:accessibilityFeature\">readingOrder</meta>",
        "<meta property=\"schema:accessibilityFeature\">tableOfContents</meta>",
        "<meta property=\"schema:accessibilityFeature\">printPageNumbers</meta>",
        "<meta property=\"schema:accessibilityHazard\">none</meta>",
        "<meta property=\"schema:accessibilitySummary\">",
        "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>",
    ] {
        assert!(
            opf.contains(needed),
            "package document lacks {needed}:\n{opf}"
        );
    }
    // The same moment as the PDF's modification date (pdfinfo prints it
    // in local time; the build's environment has none set, so UTC).
    let modified = opf
        .split("<meta property=\"dcterms:modified\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(modified, "2024-02-01T00:00:00Z");
    let moddate = pdf_info(&epub.with_extension("pdf"), "ModDate");
    assert!(moddate.contains("Feb  1 00:00:00 2024 UTC"), "{moddate}");

    // The identifier is the document's for good: the same from another
    // build, another for another document.
    let id = |opf: &str| opf.split("urn:uuid:").nth(1).unwrap()[..36].to_string();
    let article = unzip(&samples().join("central-asia/china-bri-security.epub"));
    assert_ne!(id(&opf), id(&text(&article, "EPUB/package.opf")));
    assert_eq!(id(&opf), "f7b3b6a2-05ee-5e7b-8247-d5bc3857a4a0");

    // mimetype first and stored; a fixed time on every entry.
    let raw = std::fs::read(&epub).unwrap();
    assert_eq!(&raw[30..38], b"mimetype");
    assert_eq!(&raw[38..58], b"application/epub+zip");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    for index in 0..zip.len() {
        let entry = zip.by_index(index).unwrap();
        let time = entry.last_modified().unwrap();
        assert_eq!(
            (time.year(), time.month(), time.day()),
            (1980, 1, 1),
            "{}",
            entry.name().unwrap()
        );
    }

    // Every link stays inside the container: to a file of the book (and a
    // place in it), or to the web (sources' addresses).
    let mut inside = 0;
    for (name, body) in files.iter().filter(|(name, _)| name.ends_with(".xhtml")) {
        let body = String::from_utf8(body.clone()).unwrap();
        let dir = Path::new(name).parent().unwrap();
        for link in body
            .split(" href=\"")
            .skip(1)
            .chain(body.split(" src=\"").skip(1))
        {
            let target = link.split('"').next().unwrap();
            if target.starts_with("https://")
                || target.starts_with("http://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let file = if file.is_empty() {
                name.clone()
            } else {
                dir.join(file).to_string_lossy().into_owned()
            };
            assert!(
                names.contains(&&file),
                "{name} links {target}, not in the book"
            );
            if !fragment.is_empty() {
                let linked = text(&files, &file);
                assert!(
                    linked.contains(&format!("id=\"{fragment}\"")),
                    "{name} links {target}, which has no such place"
                );
            }
            inside += 1;
        }
    }
    assert!(inside > 30, "links checked: {inside}");
}

#[test]
fn books_are_reproducible_and_made_again_only_when_needed() {
    let project = TempProject::new("epub-incremental");
    let article = project.sample_article(1200, 800);
    let build = |out: &str, editions: &str| {
        let run = project.run(&["build", "briefs", "--edition", editions, "--out-dir", out]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run
    };
    build("one", "pdf,epub");
    build("two", "pdf,epub");
    let (one, two) = (outputs(&project.path("one")), outputs(&project.path("two")));
    let books: Vec<_> = one
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "epub"))
        .collect();
    assert_eq!(books.len(), 1);
    for ((path, a), (_, b)) in one.iter().zip(&two) {
        assert!(a == b, "{} differs between two builds", path.display());
    }
    let unchanged = build("one", "pdf,epub");
    assert!(built(&unchanged.stdout).is_empty(), "{}", unchanged.stdout);
    // A deleted book is made again (with its PDF, from the same layout).
    let book = project.path("one/central-asia/china-bri-security.epub");
    std::fs::remove_file(&book).unwrap();
    let repaired = build("one", "pdf,epub");
    assert_eq!(
        built(&repaired.stdout),
        ["china-bri-security.pdf"],
        "{}",
        repaired.stdout
    );
    assert!(book.is_file());
    // An edit shows in the book.
    let edited = read(&project.path(article)).replace(
        "headline = \"China Reinvigorates",
        "headline = \"China Revives",
    );
    project.write(article, edited);
    build("one", "pdf,epub");
    let chapter = text(&unzip(&book), "EPUB/c01.xhtml");
    assert!(chapter.contains("China Revives"));

    // A book alone: laid out for its page breaks, no PDF written.
    let alone = build("alone", "epub");
    assert_eq!(
        built(&alone.stdout),
        ["china-bri-security.epub"],
        "{}",
        alone.stdout
    );
    assert!(
        !project
            .path("alone/central-asia/china-bri-security.pdf")
            .exists()
    );
    let files = unzip(&project.path("alone/central-asia/china-bri-security.epub"));
    assert!(text(&files, "EPUB/nav.xhtml").contains("epub:type=\"page-list\""));
    let index = read(&project.path("alone/index.html"));
    assert!(
        index.contains("china-bri-security.epub"),
        "the catalogue lists the book"
    );
    let words: HashSet<String> =
        words_of_markup(std::iter::once(text(&files, "EPUB/c01.xhtml").as_str()));
    assert!(words.contains("revives"));
}

#[test]
fn the_subset_fonts_draw_a_chapter_as_the_whole_fonts_do() {
    let project = TempProject::new("epub-fonts");
    project.write("scripts.toml", scripts_article());
    let run = project.run(&[
        "build",
        "scripts.toml",
        "--edition",
        "epub",
        "--out-dir",
        "out",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let book = project.path("book");
    let files = unzip(&project.path("out/scripts.epub"));
    for (name, bytes) in &files {
        let path = book.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    // Every title, in every script, stands in the chapter as written
    // (Arabic marks, Persian ZWNJ and all); the book passes epubcheck.
    let chapter = text(&files, "EPUB/c01.xhtml");
    let titles: Vec<String> = scripts_article()
        .lines()
        .filter_map(|line| line.strip_prefix("title = \""))
        .map(|title| title.trim_end_matches('"').to_string())
        .collect();
    assert_eq!(titles.len(), 4);
    for title in &titles {
        assert!(
            chapter.contains(title.as_str()),
            "{title} is not in the chapter"
        );
    }
    assert_eq!(epubcheck(&project.path("out/scripts.epub")), None);
    let stylesheet = text(&files, "EPUB/fonts/fonts.css");
    for family in [
        "Noto Serif",
        "Noto Sans",
        "Noto Naskh Arabic",
        "Noto Serif SC",
    ] {
        assert!(
            stylesheet.contains(&format!("font-family: \"{family}\"")),
            "{stylesheet}"
        );
    }
    assert!(
        files.contains_key("META-INF/OFL.txt"),
        "the licence travels with the fonts"
    );
    let chinese = files["EPUB/fonts/NotoSerifSC-Regular.ttf"].len();
    assert!(
        chinese < 100_000,
        "the Chinese font is subset: {chinese} bytes"
    );

    // The machine's fonts hidden: fontconfig knows one font with a tilde
    // alone (with none at all, headless Chromium draws no text, web fonts
    // included), so every letter drawn comes from the book.
    let fontconfig = project.path("fontconfig");
    std::fs::create_dir_all(fontconfig.join("fonts")).unwrap();
    std::fs::create_dir_all(fontconfig.join("cache")).unwrap();
    let tilde = hb_subset::subset(
        &std::fs::read(crate::support::repo().join("fonts/NotoSans-Regular.ttf")).unwrap(),
        ['~'],
    )
    .unwrap();
    std::fs::write(fontconfig.join("fonts/tilde.ttf"), tilde).unwrap();
    let config = fontconfig.join("fonts.conf");
    std::fs::write(
        &config,
        format!(
            "<?xml version=\"1.0\"?>\n<fontconfig><dir>{}</dir><cachedir>{}</cachedir></fontconfig>\n",
            fontconfig.join("fonts").display(),
            fontconfig.join("cache").display()
        ),
    )
    .unwrap();
    let chapter = book.join("EPUB/c01.xhtml");
    let shoot = |name: &str| -> Vec<u8> {
        let png = project.path(&format!("{name}.png"));
        let run = crate::support::chromium(&project.path(&format!("profile-{name}")))
            .env("FONTCONFIG_FILE", &config)
            // The book's fonts are files beside the chapter; the time budget
            // lets every face load before the picture is taken.
            .args([
                "--allow-file-access-from-files",
                "--virtual-time-budget=5000",
            ])
            .arg("--window-size=800,1000")
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("file://{}", chapter.display()))
            .output()
            .expect(
                "chromium is needed by this test (Debian package chromium; .ci/run installs it)",
            );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let image = image::open(&png).unwrap().to_rgba8();
        image.into_raw()
    };
    let subset = shoot("subset");
    let fonts = book.join("EPUB/fonts");
    for face in files_named(&fonts, "ttf") {
        let whole = crate::support::repo()
            .join("fonts")
            .join(face.file_name().unwrap());
        std::fs::copy(whole, &face).unwrap();
    }
    let whole = shoot("whole");
    assert!(
        subset == whole,
        "the subset fonts draw the chapter differently from the whole fonts"
    );
    for face in files_named(&fonts, "ttf") {
        std::fs::remove_file(face).unwrap();
    }
    let without = shoot("without");
    assert!(subset != without, "the picture shows the book's fonts");
}

#[test]
fn a_book_links_its_pdf_only_where_the_publication_puts_it() {
    let project = TempProject::new("epub-url");
    project.sample_article(800, 500);
    project.write(
        "briefpress.toml",
        "[publication]\nname = \"OE Watch\"\nurl = \"https://example.org/oe-watch/\"\n",
    );
    let run = project.run(&[
        "build",
        "briefs",
        "--edition",
        "pdf,epub",
        "--out-dir",
        "out",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let files = unzip(&project.path("out/central-asia/china-bri-security.epub"));
    let chapter = text(&files, "EPUB/c01.xhtml");
    assert!(
        chapter
            .contains("href=\"https://example.org/oe-watch/central-asia/china-bri-security.pdf\""),
        "the colophon links the published PDF"
    );
    assert!(!chapter.contains("href=\"china-bri-security.pdf\""));

    // Anything but a web address is refused at its line.
    project.write(
        "briefpress.toml",
        "[publication]\nname = \"OE Watch\"\nurl = \"../out\"\n",
    );
    let refused = project.run(&[
        "build",
        "briefs",
        "--edition",
        "pdf,epub",
        "--out-dir",
        "out2",
    ]);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("briefpress.toml:3:7")
            && refused.stderr.contains("`../out` is not a web address"),
        "{}",
        refused.stderr
    );
}
