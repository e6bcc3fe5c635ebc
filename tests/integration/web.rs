//! The web edition: an HTML page beside every PDF, from the same prepared
//! data, that passes the Nu Html Checker, shows every word its PDF prints,
//! marks right-to-left titles, prints from a browser, and builds
//! reproducibly and incrementally like the PDFs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::layout::RTL_ARTICLE;
use crate::support::{
    TempProject, assert_sums_check, bundled_fonts_config, checker, chromium, files_below,
    files_named, html_errors_in, pdf_text, repo, run_in, visible_text,
};

/// The samples built once, with every edition, for the tests that only
/// read them.
pub(crate) fn samples() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("web-samples-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let run = run_in(
            &repo(),
            &[
                "build",
                "briefs",
                "--edition",
                "all",
                "--out-dir",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        out
    })
}

/// The web pages of documents in an output folder (not the catalogue).
fn pages(out: &Path) -> Vec<PathBuf> {
    files_named(out, "html")
        .into_iter()
        .filter(|page| page.file_name().is_some_and(|name| name != "index.html"))
        .collect()
}

/// The PDFs of documents in an output folder (not the catalogue's, not
/// the notices' copies).
pub(crate) fn document_pdfs(out: &Path) -> Vec<PathBuf> {
    files_named(out, "pdf")
        .into_iter()
        .filter(|pdf| !pdf.ends_with("catalogue.pdf") && !pdf.starts_with(out.join("notices")))
        .collect()
}

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[test]
fn every_document_gets_a_page_that_passes_the_nu_html_checker() {
    let out = samples();
    let pdfs = document_pdfs(out);
    let pages = pages(out);
    assert_eq!(pages.len(), pdfs.len(), "{pages:?}\n{pdfs:?}");
    for pdf in &pdfs {
        assert!(
            pdf.with_extension("html").is_file(),
            "no page beside {}",
            pdf.display()
        );
    }
    let mut checked = pages.clone();
    checked.push(out.join("index.html"));
    let errors = html_errors_in(&checked);
    assert!(errors.is_empty(), "{errors:#?}");
    for page in &pages {
        let html = read(page);
        assert_eq!(
            html.matches("<h1").count(),
            1,
            "one h1 in {}",
            page.display()
        );
        // No scripts, nothing loaded from elsewhere: every `src` is a file
        // beside the page.
        for forbidden in ["<script", "@import", "@font-face", "url("] {
            assert!(
                !html.contains(forbidden),
                "{forbidden} in {}",
                page.display()
            );
        }
        for source in html.split(" src=\"").skip(1) {
            let target = &source[..source.find('"').unwrap()];
            assert!(
                page.parent().unwrap().join(target).is_file(),
                "{target} of {} is not beside it",
                page.display()
            );
        }
    }
}

/// Words as the comparison of a page with its PDF takes them: lower case
/// (running heads print in capitals), split at anything but letters,
/// marks and digits (so punctuation, URLs broken over lines and markers
/// glued to a word do not matter), bidi controls and soft hyphens dropped.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{00AD}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect();
    cleaned
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

/// Words of a PDF as `pdftotext` reads them, less page numbers and the
/// piece of a word a running head cuts short with an ellipsis; with the
/// first halves of words hyphenated at a line end (the second half may
/// come after a page break, behind a running head).
pub(crate) fn pdf_words(pdf: &Path) -> (Vec<String>, HashSet<String>) {
    let text = pdf_text(pdf);
    let pages = text.matches('\u{c}').count().max(1);
    let uncut: Vec<String> = text
        .lines()
        .map(|line| {
            let kept: Vec<&str> = line
                .split(' ')
                .filter(|word| !word.ends_with('…'))
                .collect();
            kept.join(" ")
        })
        .collect();
    let uncut = uncut.join("\n");
    let halves: HashSet<String> = uncut
        .lines()
        .filter_map(|line| line.strip_suffix(['\u{AD}', '-']))
        .filter_map(|line| tokens(line).pop())
        .collect();
    let words = tokens(&uncut)
        .into_iter()
        .filter(|word| !word.parse::<usize>().is_ok_and(|n| n <= pages + 2))
        .filter(|word| !is_roman_folio(word))
        .collect();
    (words, halves)
}

/// A front-matter page number (`ii`, `iv`).
fn is_roman_folio(word: &str) -> bool {
    ["i", "ii", "iii", "iv", "v", "vi"].contains(&word)
}

/// Words of the visible text of pages.
fn page_words(pages: &[PathBuf]) -> HashSet<String> {
    let texts: Vec<String> = pages.iter().map(|page| read(page)).collect();
    words_of_markup(texts.iter().map(String::as_str))
}

/// The words `pdf` prints that are not among the words `have` (a half of
/// a hyphenated word counts as shown when the whole word is), each once.
pub(crate) fn words_missing(pdf: &Path, have: &HashSet<String>) -> Vec<String> {
    let (printed, halves) = pdf_words(pdf);
    let half_shown = |word: &String| {
        (halves.contains(word)
            && have
                .iter()
                .any(|w| w.len() > word.len() && w.starts_with(word.as_str())))
            || halves
                .iter()
                .any(|first| have.contains(&format!("{first}{word}")))
    };
    let mut missing: Vec<String> = printed
        .into_iter()
        .filter(|word| !have.contains(word) && !half_shown(word))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// Words of the visible text of pages' HTML (or XHTML), with each
/// hyphenated compound also as one word (a PDF line may break it at its
/// hyphen).
pub(crate) fn words_of_markup<'a>(pages: impl IntoIterator<Item = &'a str>) -> HashSet<String> {
    let mut have = HashSet::new();
    for page in pages {
        let text = visible_text(page);
        have.extend(tokens(&text));
        for compound in text.split_whitespace().filter(|w| w.contains('-')) {
            have.extend(tokens(&compound.replace('-', "")));
        }
    }
    have
}

#[test]
fn every_page_shows_every_word_its_pdf_prints() {
    let out = samples();
    let mut compared = 0;
    for pdf in document_pdfs(out) {
        // An issue's page is its contents; its members' pages hold the rest.
        let mut shown = vec![pdf.with_extension("html")];
        let stem = pdf.file_stem().unwrap().to_string_lossy().into_owned();
        let members = out.join(&stem);
        if members.is_dir() && pdf.parent() != Some(members.as_path()) {
            shown.extend(files_named(&members, "html"));
        }
        let missing = words_missing(&pdf, &page_words(&shown));
        assert!(
            missing.is_empty(),
            "{} shows words its pages do not: {missing:?}",
            pdf.display()
        );
        compared += 1;
    }
    assert_eq!(compared, 12, "every sample PDF compared");
}

#[test]
fn right_to_left_titles_carry_their_language_and_direction() {
    let project = TempProject::new("web-rtl");
    project.write("rtl.toml", RTL_ARTICLE);
    let run = project.run(&["build", "rtl.toml", "--edition", "html"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        !project.path("out/rtl.pdf").exists(),
        "only the web edition was asked for"
    );
    let html = read(&project.path("out/rtl.html"));
    for (lang, title) in [
        ("ar", "روسيا تعزز وجودها العسكري في آسيا الوسطى"),
        ("fa", "همکاری امنیتی ایران و تاجیکستان گسترش می‌یابد"),
    ] {
        let isolated = format!("<bdi lang=\"{lang}\" dir=\"rtl\">{title}</bdi>");
        assert!(html.contains(&isolated), "no {isolated} in\n{html}");
    }
    // The excerpts are in their language too.
    assert!(html.contains("lang=\"fa\" dir=\"rtl\""), "{html}");
    let errors = html_errors_in(&[project.path("out/rtl.html")]);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn a_browser_prints_every_word_of_the_article_page() {
    let out = samples();
    let page = out.join("central-asia/china-bri-security.html");
    let temp = TempProject::new("web-print");
    let printed = temp.path("printed.pdf");
    let run = chromium(&temp.path("profile"))
        .env("FONTCONFIG_FILE", bundled_fonts_config(&temp.path("fonts")))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", printed.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium is needed by this test (Debian package chromium; .ci/run installs it)");
    assert!(
        printed.is_file(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let have: HashSet<String> = tokens(&pdf_text(&printed)).into_iter().collect();
    // The article itself: navigation is left off the printed page.
    let html = read(&page);
    let article = &html[html.find("<article").unwrap()..html.rfind("</article>").unwrap()];
    let mut missing: Vec<String> = tokens(&visible_text(article))
        .into_iter()
        .filter(|word| !have.contains(word))
        .collect();
    missing.dedup();
    assert!(missing.is_empty(), "not printed: {missing:?}");
}

/// Every file of an output folder but the run's own bookkeeping, with
/// its bytes.
pub(crate) fn outputs(out: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_below(out)
        .into_iter()
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            !name.starts_with(".briefpress")
        })
        .map(|path| {
            (
                path.strip_prefix(out).unwrap().to_path_buf(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect()
}

/// Lines of a build's output naming what it built.
pub(crate) fn built(stdout: &str) -> Vec<String> {
    let mut built: Vec<String> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("built   "))
        .filter_map(|line| line.split(" -> ").nth(1))
        .filter_map(|output| output.split(" (").next())
        .map(|output| output.rsplit('/').next().unwrap_or(output).to_string())
        .collect();
    built.sort();
    built
}

#[test]
fn pages_are_reproducible_and_rebuilt_only_when_their_document_changes() {
    let project = TempProject::new("web-incremental");
    let article = project.sample_article(2400, 1600);
    let other = "briefs/central-asia/migrant-workers-trenches.toml";
    project.write(other, std::fs::read(repo().join(other)).unwrap());
    project.png(
        "briefs/central-asia/images/migrant-workers-moscow.png",
        800,
        500,
    );
    let build = |out: &str| {
        let run = project.run(&["build", "briefs", "--edition", "pdf,html", "--out-dir", out]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run
    };
    build("one");
    build("two");
    let (one, two) = (outputs(&project.path("one")), outputs(&project.path("two")));
    assert_eq!(
        one.iter().map(|(path, _)| path).collect::<Vec<_>>(),
        two.iter().map(|(path, _)| path).collect::<Vec<_>>()
    );
    for ((path, a), (_, b)) in one.iter().zip(&two) {
        assert!(a == b, "{} differs between two builds", path.display());
    }
    // The 2,400-pixel image is resampled for the screen, the small one kept.
    let media: Vec<&PathBuf> = one
        .iter()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with("central-asia/media"))
        .collect();
    assert_eq!(media.len(), 2, "{media:?}");
    let widths: Vec<u32> = media
        .iter()
        .map(|path| {
            image::image_dimensions(project.path("one").join(path))
                .unwrap()
                .0
        })
        .collect();
    assert!(
        widths.contains(&1400) && widths.contains(&800),
        "{widths:?}"
    );

    let unchanged = build("one");
    assert!(built(&unchanged.stdout).is_empty(), "{}", unchanged.stdout);
    // A page whose image was deleted is made again, with the image.
    let resampled = media[widths.iter().position(|&w| w == 1400).unwrap()];
    std::fs::remove_file(project.path("one").join(resampled)).unwrap();
    let repaired = build("one");
    assert_eq!(
        built(&repaired.stdout),
        ["china-bri-security.html"],
        "{}",
        repaired.stdout
    );
    assert!(project.path("one").join(resampled).is_file());
    let text = read(&project.path(article)).replace(
        "headline = \"China Reinvigorates",
        "headline = \"China Revives",
    );
    project.write(article, text);
    let edited = build("one");
    assert_eq!(
        built(&edited.stdout),
        ["china-bri-security.html", "china-bri-security.pdf"],
        "{}",
        edited.stdout
    );
    assert!(
        read(&project.path("one/central-asia/china-bri-security.html")).contains("China Revives")
    );
}

#[test]
fn the_catalogue_lists_every_edition_and_sums_cover_them() {
    let out = samples();
    let index = read(&out.join("index.html"));
    for page in pages(out) {
        let inside = page
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            index.contains(&format!("href=\"{inside}\"")),
            "the catalogue does not link {inside}"
        );
    }
    assert!(index.contains("web page, "), "sizes of pages are listed");
    for book in files_named(out, "epub") {
        let inside = book
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            index.contains(&format!("href=\"{inside}\">{inside}</a> · EPUB, ")),
            "the catalogue does not list {inside} with its size"
        );
    }
    let sums = read(&out.join("SHA256SUMS"));
    let media = files_below(out)
        .into_iter()
        .filter(|path| path.parent().is_some_and(|dir| dir.ends_with("media")))
        .count();
    assert!(media >= 3, "images of the pages: {media}");
    for file in files_below(out) {
        let inside = file
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let listed =
            inside.ends_with(".html") || inside.ends_with(".epub") || inside.contains("/media/");
        if listed && inside != "index.html" {
            assert!(
                sums.contains(&format!("  {inside}\n")),
                "{inside} is not in SHA256SUMS"
            );
        }
    }
    assert_sums_check(out);
}

#[test]
fn an_issue_page_links_its_members_and_they_link_back() {
    let out = samples();
    let issue = read(&out.join("issues/oe-watch-2024-02.html"));
    let members = files_named(&out.join("oe-watch-2024-02"), "html");
    assert_eq!(members.len(), 5, "{members:?}");
    for member in &members {
        let name = member.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            issue.contains(&format!("href=\"../oe-watch-2024-02/{name}\"")),
            "the issue page does not link {name}"
        );
        let page = read(member);
        assert!(
            page.contains("href=\"../issues/oe-watch-2024-02.html\""),
            "{name} does not link its issue"
        );
        assert!(
            page.contains(&format!("href=\"{}\"", name.replace(".html", ".pdf"))),
            "{name} does not link its PDF"
        );
    }
}

/// axe-core's script: `BRIEFPRESS_AXE_JS`, else the pinned copy `.ci/run`
/// installs into `target/tools/axe` (see tests/tools/axe/README.md).
fn axe_js() -> PathBuf {
    checker(
        "BRIEFPRESS_AXE_JS",
        "target/tools/axe/node_modules/axe-core/axe.min.js",
        "mkdir -p target/tools/axe && cp tests/tools/axe/package*.json target/tools/axe/ && npm ci --prefix target/tools/axe --ignore-scripts",
    )
}

/// The WCAG 2.0/2.1 A and AA violations axe-core finds in `page`, run on
/// a copy of it (beside a copy of its images) in headless Chromium.
fn axe_violations(page: &Path, work: &Path) -> serde_json::Value {
    let site = work.join("site");
    std::fs::create_dir_all(&site).unwrap();
    let folder = page.parent().unwrap();
    if folder.join("media").is_dir() {
        std::fs::create_dir_all(site.join("media")).unwrap();
        for image in files_below(&folder.join("media")) {
            std::fs::copy(&image, site.join("media").join(image.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(axe_js(), site.join("axe.min.js")).unwrap();
    std::fs::copy(repo().join("tests/tools/axe/run.js"), site.join("run.js")).unwrap();
    let html = read(page);
    let end = html.rfind("</body>").unwrap_or(html.len());
    let injected = format!(
        "{}<script src=\"axe.min.js\"></script><script src=\"run.js\"></script>{}",
        &html[..end],
        &html[end..]
    );
    let copy = site.join("page.html");
    std::fs::write(&copy, injected).unwrap();
    let mut child = chromium(&work.join("profile"))
        .args([
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", copy.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromium is needed by this test (Debian package chromium; .ci/run installs it)");
    let mut dom = String::new();
    let reader = {
        let mut stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
        })
    };
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            panic!("axe did not finish on {} in 120 s", page.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    dom.push_str(&reader.join().unwrap().unwrap());
    let marker = "<pre id=\"axe-result\" data-axe-done=\"1\" hidden=\"\">";
    let start = dom
        .rfind(marker)
        .unwrap_or_else(|| panic!("no axe result for {}:\n{dom}", page.display()))
        + marker.len();
    let json = &dom[start..start + dom[start..].find("</pre>").unwrap()];
    let result: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(
        result.get("error").is_none(),
        "{}: {result}",
        page.display()
    );
    assert!(
        result["passes"].as_u64().unwrap() > 0,
        "{}: {result}",
        page.display()
    );
    result["violations"].clone()
}

#[test]
fn axe_finds_no_wcag_violation_on_any_page() {
    let out = samples();
    let mut checked = pages(out);
    checked.push(out.join("index.html"));
    let temp = TempProject::new("web-axe");
    // Two Chromiums at a time: one per core.
    let found: Vec<(PathBuf, serde_json::Value)> = std::thread::scope(|scope| {
        let halves: Vec<_> = [0, 1]
            .into_iter()
            .map(|half| {
                let (checked, temp) = (&checked, &temp);
                scope.spawn(move || {
                    checked
                        .iter()
                        .enumerate()
                        .filter(|(index, _)| index % 2 == half)
                        .map(|(index, page)| {
                            let work = temp.path(&format!("run-{index}"));
                            (page.clone(), axe_violations(page, &work))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        halves
            .into_iter()
            .flat_map(|half| half.join().unwrap())
            .collect()
    });
    assert_eq!(found.len(), checked.len());
    let violations: Vec<String> = found
        .iter()
        .filter(|(_, violations)| violations.as_array().is_some_and(|v| !v.is_empty()))
        .map(|(page, violations)| format!("{}: {violations:#}", page.display()))
        .collect();
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn the_axe_check_sees_a_violation() {
    let temp = TempProject::new("web-axe-bad");
    let page = temp.write(
        "bad.html",
        "<!DOCTYPE html><html><head><title>Bad</title></head><body><main><h1>Bad</h1><img src=\"x.png\"><a href=\"#\"></a></main></body></html>",
    );
    let violations = axe_violations(&page, &temp.path("run"));
    let ids: Vec<&str> = violations
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["id"].as_str())
        .collect();
    for rule in ["html-has-lang", "image-alt", "link-name"] {
        assert!(ids.contains(&rule), "{rule} not found: {ids:?}");
    }
}
