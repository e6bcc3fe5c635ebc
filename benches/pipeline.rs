//! The benchmark harness (not a timed test): `cargo bench --bench pipeline`.
//! `BENCH_ONLY=<mode>` runs one part: `verify` the cost of verifying PDFs
//! alone, `resample` what the cache of resampled images saves, `epub` what
//! the EPUB edition adds to the issue's build, `stock` the ratio against
//! stock Typst compiling briefpress's own `--emit-typst` export (with
//! issue 18's issue of 40 articles that each have their own image),
//! `unchanged` `check` and a rebuild with nothing changed (over 40 articles
//! that each have their own print-resolution image), `watch` the time from
//! a save to the replaced PDF, `rebuild` in-process rebuilds after a
//! one-word edit, `catalogue` what the catalogue adds to 40 distinct
//! briefs. `BENCH_KEEP=1` keeps the corpus for a profiler.
//!
//! Inputs are generated deterministically from the samples in a temporary
//! project: the four sample articles cycled to 40, an issue of those 40, and
//! the sample brief cycled to 200 briefs, a compendium of 1,200 generated
//! entries. Each measure is the median of
//! repeated runs; peak RSS comes from GNU time (`/usr/bin/time`) where
//! installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use briefpress::build::discover::Input;
use briefpress::build::plan::{self, Destination, Editions, Job, Keep, Placeholders};
use briefpress::build::run::{self, Pool};
use briefpress::export::verify;
use briefpress::export::web::Pages;
use briefpress::load::config::Standard;
use briefpress::load::project::Project;
use briefpress::typeset::{Typesetter, fonts};

const ARTICLES: &[&str] = &[
    "china-bri-security",
    "russia-bases-readiness",
    "migrant-workers-trenches",
    "russia-security-commitments",
];

fn main() {
    let repeats: usize = std::env::var("BENCH_REPEATS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let root = std::env::temp_dir().join(format!("briefpress-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    generate(&root);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_briefpress"));
    println!("| measure | median wall | peak RSS |");
    println!("| --- | --- | --- |");
    // `BENCH_ONLY=verify` or `resample`: only that part.
    match std::env::var("BENCH_ONLY").as_deref() {
        Ok("verify") => validation_share(&bin, &root, repeats),
        Ok("resample") => resample_cache_gain(&bin, &root, repeats),
        Ok("epub") => epub_share(&bin, &root, repeats),
        Ok("stock") => against_stock_typst(&bin, &root, repeats),
        Ok("unchanged") => unchanged_and_check(&bin, &root, repeats),
        Ok("watch") => watch_latency(&bin, &root, repeats),
        Ok("rebuild") => rebuild_rows(&root, repeats),
        Ok("catalogue") => catalogue_cost(&bin, &root, repeats),
        _ => {}
    }
    if std::env::var("BENCH_ONLY").is_ok() {
        // `BENCH_KEEP=1` leaves the corpus for a profiler.
        if std::env::var("BENCH_KEEP").is_ok() {
            println!("corpus kept in {}", root.display());
        } else {
            let _ = std::fs::remove_dir_all(&root);
        }
        return;
    }

    let one = |args: &[&str]| measure_process(&bin, &root, args, repeats);
    row(
        "one article, fresh process",
        one(&["build", "articles/a01.toml", "-o", "out/one.pdf"]),
    );
    row(
        "40 separate articles, one call",
        one(&[
            "build",
            "articles",
            "--force",
            "--no-catalogue",
            "--out-dir",
            "out/articles",
        ]),
    );
    row(
        "issue of 40 alone",
        one(&[
            "build",
            "issue/number.toml",
            "--no-members",
            "--force",
            "--out-dir",
            "out/issue-alone",
        ]),
    );
    row(
        "issue of 40 with its 40 member PDFs",
        one(&[
            "build",
            "issue/number.toml",
            "--force",
            "--out-dir",
            "out/issue",
        ]),
    );
    // The web edition beside the PDFs of the issue and its members,
    // measured interleaved with the PDFs alone.
    let (pdf, web) = interleaved(
        &bin,
        &root,
        &[
            "build",
            "issue/number.toml",
            "--force",
            "--out-dir",
            "out/issue-pdf",
        ],
        &[
            "build",
            "issue/number.toml",
            "--force",
            "--edition",
            "pdf,html",
            "--out-dir",
            "out/issue-web",
        ],
        repeats,
    );
    let (pdf, web) = (pdf.wall, web.wall);
    row("issue of 40 with members, PDFs (interleaved)", (pdf, None));
    row("the same with the web edition (interleaved)", (web, None));
    println!(
        "| web edition / PDFs alone | {:.3} | |",
        web.as_secs_f64() / pdf.as_secs_f64()
    );
    row(
        "200 briefs, one call",
        one(&[
            "build",
            "briefs",
            "--force",
            "--no-catalogue",
            "--out-dir",
            "out/briefs",
        ]),
    );
    row(
        "200 briefs with the catalogue",
        one(&["build", "briefs", "--force", "--out-dir", "out/briefs"]),
    );
    row(
        "compendium of 1,200 entries",
        one(&[
            "build",
            "compendium/big.toml",
            "--force",
            "--out-dir",
            "out/compendium",
        ]),
    );
    // Peak memory must not grow with the length of a run.
    let few = repeats.min(3);
    // The catalogue is one more document, as long as the run: measured
    // apart.
    let long = |dir: &str, catalogue: bool| {
        let out = format!("out/{dir}");
        let mut args = vec!["build", dir, "--force", "--out-dir", &out];
        if !catalogue {
            args.push("--no-catalogue");
        }
        measure_process(&bin, &root, &args, few)
    };
    let (t100, rss100) = long("long-100", false);
    let (t1000, rss1000) = long("long-1000", false);
    row("100 distinct briefs, one call", (t100, rss100));
    row("1,000 distinct briefs, one call", (t1000, rss1000));
    row(
        "1,000 distinct briefs with the catalogue",
        long("long-1000", true),
    );
    if let (Some(a), Some(b)) = (rss100, rss1000) {
        println!(
            "| peak RSS at 1,000 / at 100 | {:.2} | |",
            b as f64 / a as f64
        );
    }
    validation_share(&bin, &root, repeats);
    rebuild_rows(&root, repeats);
    let _ = std::fs::remove_dir_all(&root);
}

/// The rows of [`watch_rebuilds`] (`BENCH_ONLY=rebuild` for these alone).
fn rebuild_rows(root: &Path, repeats: usize) {
    let (lone, in_issue) = watch_rebuilds(root, repeats);
    row("watch: one-word edit, lone article", (lone, None));
    row(
        "watch: one-word edit, article of the issue (+ issue)",
        (in_issue, None),
    );
}

fn row(what: &str, (time, rss): (Duration, Option<u64>)) {
    let rss = rss.map_or("-".to_string(), |kb| format!("{} MB", kb / 1024));
    println!("| {what} | {:.0} ms | {rss} |", time.as_secs_f64() * 1000.0);
}

/// The median, least and greatest of `times`, in milliseconds.
fn spread(times: &mut [Duration]) -> (f64, f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    )
}

fn median(repeats: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..repeats).map(|_| f()).collect();
    times.sort();
    times[times.len() / 2]
}

/// Fresh-process builds against stock Typst (the PyPI binding `typst`, in
/// the virtual environment `BENCH_TYPST_PYTHON` names, by default
/// `target/tools/typst-py/bin/python`) compiling the `--emit-typst` export
/// of the same document with the same fonts, standards and timestamp;
/// interleaved runs, medians, peak RSS, and the ratio against issue 18's
/// goals.
fn against_stock_typst(bin: &Path, root: &Path, repeats: usize) {
    let python = std::env::var_os("BENCH_TYPST_PYTHON").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/typst-py/bin/python"),
        PathBuf::from,
    );
    let found = Command::new(&python)
        .args(["-c", "import typst"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        println!(
            "stock Typst not found: python3 -m venv target/tools/typst-py && \
             target/tools/typst-py/bin/pip install typst==0.15.0"
        );
        return;
    }
    println!();
    println!(
        "| case | briefpress (min-max) | peak RSS | stock Typst (min-max) | peak RSS | ratio | goal |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    // Issue 18's issue: 40 articles, each with its own print-resolution
    // image (the general corpus's issue cycles four).
    distinct_articles(root);
    distinct_issue(root);
    let cases: [(&str, &str, &[&str], f64); 4] = [
        ("sample article", "articles/a01.toml", &[], 0.70),
        ("sample brief", "briefs/b001.toml", &[], 0.55),
        (
            "issue of 40 alone",
            "issue/number.toml",
            &["--no-members"],
            1.00,
        ),
        (
            "issue of 40 alone, an image each",
            "distinct/issue.toml",
            &["--no-members"],
            1.00,
        ),
    ];
    for (name, document, extra, goal) in cases {
        // The export, once: main.typ and the flags stock Typst needs.
        let export = root.join("out/stock").join(name.replace(' ', "-"));
        let mut args = vec!["build", document, "--force", "-q", "--no-catalogue"];
        args.extend_from_slice(extra);
        let pdf = export.join("briefpress.pdf");
        let projects = emit_typst(bin, root, &args, &["-o".as_ref(), pdf.as_os_str()], &export);
        let project = &projects[0];
        let ours: Vec<&str> = args.iter().copied().chain(["-o"]).collect();
        let mut briefpress = Vec::new();
        let mut stock = Vec::new();
        let (mut ours_rss, mut stock_rss) = (Vec::new(), Vec::new());
        for _ in 0..repeats {
            let (time, rss) = timed(Command::new(bin).args(&ours).arg(&pdf).current_dir(root));
            briefpress.push(time);
            ours_rss.extend(rss);
            let (time, rss) = timed(&mut stock_compile(&python, project));
            stock.push(time);
            stock_rss.extend(rss);
        }
        let (ours_median, ours_min, ours_max) = spread(&mut briefpress);
        let (stock_median, stock_min, stock_max) = spread(&mut stock);
        let ratio = ours_median / stock_median;
        // The same work: the same number of pages from both.
        let (ours_pages, stock_pages) = (pages(&pdf), pages(&project.join("stock.pdf")));
        assert_eq!(ours_pages, stock_pages, "{name}: page counts differ");
        // Peak RSS: the median of the runs, and the largest (the first
        // run makes the screen copies the others find kept).
        let rss = |runs: &mut Vec<u64>| {
            runs.sort_unstable();
            match (runs.get(runs.len() / 2), runs.last()) {
                (Some(median), Some(most)) => format!("{} MB (max {})", median / 1024, most / 1024),
                _ => "?".into(),
            }
        };
        println!(
            "| {name} ({} pages) | {ours_median:.0} ms ({ours_min:.0}-{ours_max:.0}) | {} | {stock_median:.0} ms ({stock_min:.0}-{stock_max:.0}) | {} | {ratio:.2} | <= {goal:.2} {} |",
            ours_pages.unwrap_or_else(|| "?".into()),
            rss(&mut ours_rss),
            rss(&mut stock_rss),
            if ratio <= goal { "met" } else { "missed" }
        );
        if document == "issue/number.toml" {
            // The same document with its members' PDFs, against the same
            // stock compile of it alone.
            let out = root.join("out/stock/members");
            let out = out.to_str().expect("a UTF-8 temporary path");
            let build = [
                "build",
                document,
                "--force",
                "--no-catalogue",
                "--out-dir",
                out,
            ];
            let (with_members, _) = measure_process(bin, root, &build, repeats);
            let with_members = with_members.as_secs_f64() * 1000.0;
            let ratio = with_members / stock_median;
            println!(
                "| the same with its member PDFs | {with_members:.0} ms | | {stock_median:.0} ms (alone) | | {ratio:.2} | <= 1.40 {} |",
                if ratio <= 1.40 { "met" } else { "missed" }
            );
        }
    }
    forty_articles_against_forty_processes(bin, root, &python, repeats);
}

/// The 40 articles built in one call, against 40 fresh stock processes
/// compiling their exports one after the other (issue 18: at least 3x
/// faster), alternating, medians.
fn forty_articles_against_forty_processes(bin: &Path, root: &Path, python: &Path, repeats: usize) {
    let export = root.join("out/stock/forty");
    let args = ["build", "articles", "--force", "-q", "--no-catalogue"];
    let out = root.join("out/stock/forty-pdf");
    let projects = emit_typst(
        bin,
        root,
        &args,
        &["--out-dir".as_ref(), out.as_os_str()],
        &export,
    );
    assert_eq!(projects.len(), 40, "one export a document");
    let (mut ours, mut stock) = (Vec::new(), Vec::new());
    for _ in 0..repeats {
        let _ = std::fs::remove_dir_all(&out);
        ours.push(
            timed(
                Command::new(bin)
                    .args(args)
                    .arg("--out-dir")
                    .arg(&out)
                    .current_dir(root),
            )
            .0,
        );
        let started = Instant::now();
        for project in &projects {
            timed(&mut stock_compile(python, project));
        }
        stock.push(started.elapsed());
    }
    let (ours, ours_min, ours_max) = spread(&mut ours);
    let (stock, stock_min, stock_max) = spread(&mut stock);
    let faster = stock / ours;
    println!(
        "| 40 articles in one call, against 40 fresh stock processes | {ours:.0} ms ({ours_min:.0}-{ours_max:.0}) | | {stock:.0} ms ({stock_min:.0}-{stock_max:.0}) | | {faster:.2}x faster | >= 3x {} |",
        if faster >= 3.0 { "met" } else { "missed" }
    );
}

/// Builds with `--emit-typst` into `export` (emptied first), with `output`
/// naming where the PDFs go, and returns the exported projects (a folder
/// with `main.typ` each), in name order.
fn emit_typst(
    bin: &Path,
    root: &Path,
    args: &[&str],
    output: &[&std::ffi::OsStr],
    export: &Path,
) -> Vec<PathBuf> {
    let _ = std::fs::remove_dir_all(export);
    timed(
        Command::new(bin)
            .args(args)
            .args(output)
            .arg("--emit-typst")
            .arg(export.join("typst"))
            .current_dir(root),
    );
    let mut projects: Vec<PathBuf> = std::fs::read_dir(export.join("typst"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("main.typ").exists())
        .collect();
    projects.sort();
    assert!(!projects.is_empty(), "an exported project");
    projects
}

/// A fresh Python process compiling an exported project into `stock.pdf`
/// with the fonts, standards and timestamp its `compile.sh` names.
fn stock_compile(python: &Path, project: &Path) -> Command {
    let script = std::fs::read_to_string(project.join("compile.sh")).unwrap();
    let flag = |name: &str| -> Vec<String> {
        let words: Vec<&str> = script.split_whitespace().collect();
        words
            .windows(2)
            .filter(|w| w[0] == name)
            .map(|w| w[1].to_string())
            .collect()
    };
    let standards = flag("--pdf-standard")
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let timestamp = flag("--creation-timestamp")
        .first()
        .cloned()
        .unwrap_or("None".into());
    let compile = format!(
        "import typst; typst.compile('main.typ', output='stock.pdf', root='.', \
         font_paths=['../fonts'], ignore_system_fonts=True, pdf_standards=[{standards}], \
         timestamp={timestamp})"
    );
    let mut command = Command::new(python);
    command.args(["-c", &compile]).current_dir(project);
    command
}

/// The page count `pdfinfo` reads from a PDF.
fn pages(pdf: &Path) -> Option<String> {
    let info = Command::new("pdfinfo").arg(pdf).output().ok()?;
    String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().to_string()))
}

/// Wall time and peak RSS (KB, from GNU time where installed) of a
/// command that must succeed.
fn timed(command: &mut Command) -> (Duration, Option<u64>) {
    let run = run_timed(command);
    (run.wall, run.kb)
}

/// What one run of a command took.
struct Timed {
    wall: Duration,
    /// Peak RSS in KB, where GNU time is installed (as CPU is).
    kb: Option<u64>,
    /// User plus system time.
    cpu: Option<Duration>,
}

/// Runs a command that must succeed, under GNU time where installed.
fn run_timed(command: &mut Command) -> Timed {
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut run = if gnu_time {
        let mut time = Command::new("/usr/bin/time");
        time.args(["-f", "%M %U %S"]).arg(command.get_program());
        time
    } else {
        Command::new(command.get_program())
    };
    run.args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        run.current_dir(dir);
    }
    let started = Instant::now();
    let out = run.output().expect("the command runs");
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{command:?}: {stderr}");
    let fields: Vec<&str> = match gnu_time {
        true => stderr
            .lines()
            .last()
            .unwrap_or("")
            .split_whitespace()
            .collect(),
        false => Vec::new(),
    };
    let seconds = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    Timed {
        wall,
        kb: fields.first().and_then(|f| f.parse().ok()),
        cpu: seconds(1)
            .zip(seconds(2))
            .map(|(user, system)| Duration::from_secs_f64(user + system)),
    }
}

/// Median wall time and the largest peak RSS of `briefpress args`.
fn measure_process(
    bin: &Path,
    root: &Path,
    args: &[&str],
    repeats: usize,
) -> (Duration, Option<u64>) {
    let mut rss = None;
    let wall = median(repeats, || {
        let (time, kb) = timed(Command::new(bin).args(args).arg("-q").current_dir(root));
        rss = rss.max(kb);
        time
    });
    (wall, rss)
}

/// What a run costs when there is little to do, over 40 articles that each
/// have their own image (`distinct/`): `check` (no layout), and a rebuild
/// with nothing changed against the forced build of the same folder.
fn unchanged_and_check(bin: &Path, root: &Path, repeats: usize) {
    distinct_articles(root);
    let forced = measure_process(
        bin,
        root,
        &[
            "build",
            "distinct",
            "--force",
            "--no-catalogue",
            "--out-dir",
            "out/distinct",
        ],
        repeats,
    );
    let unchanged = measure_process(
        bin,
        root,
        &[
            "build",
            "distinct",
            "--no-catalogue",
            "--out-dir",
            "out/distinct",
        ],
        repeats,
    );
    let check = measure_process(bin, root, &["check", "distinct"], repeats);
    row("40 articles with their own images, forced build", forced);
    row("the same, nothing changed", unchanged);
    row("`check` of the same (no layout)", check);
    println!(
        "| nothing changed / forced | {:.3} | |",
        unchanged.0.as_secs_f64() / forced.0.as_secs_f64()
    );
}

/// `distinct/`: the sample articles cycled to 40, each placing its own copy
/// of its lead image, made distinct by a few pixels (so that no decode or
/// resample is shared between two articles).
fn distinct_articles(root: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let samples = repo.join("briefs/central-asia");
    std::fs::create_dir_all(root.join("distinct/images")).unwrap();
    for i in 1..=40u8 {
        let sample = ARTICLES[usize::from(i - 1) % ARTICLES.len()];
        let text = std::fs::read_to_string(samples.join(format!("{sample}.toml"))).unwrap();
        let line = text
            .lines()
            .find(|line| line.starts_with("path = \"images/"))
            .expect("the sample has a lead image");
        let written = line.trim_start_matches("path = \"").trim_end_matches('"');
        let mut image = image::open(samples.join(written)).unwrap().to_rgb8();
        for x in 0..8 {
            image.put_pixel(x, 0, image::Rgb([i, 255 - i, x as u8]));
        }
        let name = format!("images/d{i:02}.png");
        image.save(root.join("distinct").join(&name)).unwrap();
        let text = text
            .replace(&format!("id = \"{sample}\""), &format!("id = \"d{i:02}\""))
            .replace(line, &format!("path = \"{name}\""));
        std::fs::write(root.join(format!("distinct/d{i:02}.toml")), text).unwrap();
    }
}

/// `distinct/issue.toml`: the 40 articles of [`distinct_articles`] in
/// four sections.
fn distinct_issue(root: &Path) {
    let members: Vec<String> = (1..=40).map(|i| format!("\"d{i:02}.toml\"")).collect();
    write_issue(&root.join("distinct/issue.toml"), 2, &members);
}

/// An issue of `members` (quoted paths), ten to a section.
fn write_issue(path: &Path, number: u32, members: &[String]) {
    let sections: Vec<String> = members
        .chunks(10)
        .enumerate()
        .map(|(n, chunk)| {
            format!(
                "[[sections]]\nname = \"Region {}\"\narticles = [{}]\n",
                n + 1,
                chunk.join(", ")
            )
        })
        .collect();
    std::fs::write(
        path,
        format!(
            "kind = \"issue\"\npublication = \"Bench Watch\"\nvolume = 1\nnumber = {number}\ndate = \"2024-02\"\n\n{}",
            sections.join("\n")
        ),
    )
    .unwrap();
}

/// What the EPUB edition adds to the 40-article issue's build (with its
/// members' PDFs, as a folder build makes them), interleaved runs into
/// empty folders; and the size of the issue's book against its PDF.
fn epub_share(bin: &Path, root: &Path, repeats: usize) {
    let (pdf, epub) = interleaved(
        bin,
        root,
        &[
            "build",
            "issue/number.toml",
            "--force",
            "--out-dir",
            "out/epub-pdf",
        ],
        &[
            "build",
            "issue/number.toml",
            "--force",
            "--edition",
            "pdf,epub",
            "--out-dir",
            "out/epub-both",
        ],
        repeats,
    );
    let (pdf, epub) = (pdf.wall, epub.wall);
    row("issue of 40 with members, PDFs (interleaved)", (pdf, None));
    row("the same with the EPUB edition (interleaved)", (epub, None));
    println!(
        "| EPUB edition / PDFs alone | {:.3} | |",
        epub.as_secs_f64() / pdf.as_secs_f64()
    );
    // The issue's book (its members have none) and the PDF beside it.
    fn find_epub(dir: &Path) -> Option<PathBuf> {
        std::fs::read_dir(dir).ok()?.flatten().find_map(|entry| {
            let path = entry.path();
            match path.is_dir() {
                true => find_epub(&path),
                false => path
                    .extension()
                    .is_some_and(|e| e == "epub")
                    .then_some(path),
            }
        })
    }
    if let Some(book) = find_epub(&root.join("out/epub-both")) {
        let size = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len());
        println!(
            "| issue of 40: EPUB / PDF bytes | {} / {} | |",
            size(&book),
            size(&book.with_extension("pdf"))
        );
    }
}

/// What the catalogue (thumbnails, `index.html`, `catalogue.pdf`,
/// `SHA256SUMS`) adds to a forced build of 40 distinct briefs: runs with
/// and without it alternately, each into an empty folder, medians of wall
/// and CPU time (issue 18's goal: at most 15 % more).
fn catalogue_cost(bin: &Path, root: &Path, repeats: usize) {
    let (without, with) = interleaved(
        bin,
        root,
        &[
            "build",
            "long-40",
            "--no-catalogue",
            "--out-dir",
            "out/catalogue-without",
        ],
        &["build", "long-40", "--out-dir", "out/catalogue-with"],
        repeats,
    );
    let rows = [
        ("wall", Some(without.wall), Some(with.wall)),
        ("CPU", without.cpu, with.cpu),
    ];
    for (what, without, with) in rows {
        if let (Some(without), Some(with)) = (without, with) {
            println!(
                "| 40 distinct briefs, {what}: {:.0} ms without the catalogue, {:.0} ms with | +{:.0} % | goal <= +15 % |",
                without.as_secs_f64() * 1000.0,
                with.as_secs_f64() * 1000.0,
                (with.as_secs_f64() / without.as_secs_f64() - 1.0) * 100.0
            );
        }
    }
}

/// Medians of two commands run alternately, so that the machine's load
/// falls on both alike; each into an empty output folder (its last
/// argument), so that nothing is skipped.
fn interleaved(
    bin: &Path,
    root: &Path,
    a: &[&str],
    b: &[&str],
    repeats: usize,
) -> (Medians, Medians) {
    let once = |args: &[&str]| {
        if let Some(out) = args.last() {
            let _ = std::fs::remove_dir_all(root.join(out));
        }
        run_timed(
            Command::new(bin)
                .args(args)
                .arg("--quiet")
                .current_dir(root),
        )
    };
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for _ in 0..repeats {
        first.push(once(a));
        second.push(once(b));
    }
    (Medians::of(first), Medians::of(second))
}

/// The median wall time of some runs, and their median CPU time where
/// every run measured it.
struct Medians {
    wall: Duration,
    cpu: Option<Duration>,
}

impl Medians {
    fn of(runs: Vec<Timed>) -> Self {
        let middle = |mut times: Vec<Duration>| {
            times.sort();
            times[times.len() / 2]
        };
        let cpu: Option<Vec<Duration>> = runs.iter().map(|run| run.cpu).collect();
        Medians {
            wall: middle(runs.iter().map(|run| run.wall).collect()),
            cpu: cpu.map(middle),
        }
    }
}

/// What verifying the final bytes costs (`export::verify`, run by every
/// build): for an article, a brief and the 40-article issue, the median of
/// the check as a build runs it (its standards in parallel) and of each
/// standard alone, one after the other (the CPU it takes), set against the
/// median of a fresh-process build of the same document.
fn validation_share(bin: &Path, root: &Path, repeats: usize) {
    let standards = [Standard::A2b, Standard::Ua1];
    for (what, input) in [
        ("article", "articles/a01.toml"),
        ("brief", "briefs/b001.toml"),
        ("issue of 40", "issue/number.toml"),
    ] {
        let out = format!("out/verify/{what}.pdf");
        let (build, _) = measure_process(
            bin,
            root,
            &["build", input, "--no-members", "-o", &out],
            repeats,
        );
        let pdf = std::fs::read(root.join(&out)).expect("the PDF was written");
        let timed = |standards: &[Standard]| {
            median(repeats, || {
                let started = Instant::now();
                let checked = verify::verify(&pdf, standards);
                assert!(checked.problems.is_empty(), "{:?}", checked.problems);
                started.elapsed()
            })
        };
        let wall = timed(&standards);
        let cpu: Duration = standards
            .iter()
            .map(|s| timed(std::slice::from_ref(s)))
            .sum();
        println!(
            "| verify the {what}: {:.0} ms as built, {:.0} ms of CPU; the build {:.0} ms | {:.2} (wall) {:.2} (CPU) of the build | |",
            wall.as_secs_f64() * 1000.0,
            cpu.as_secs_f64() * 1000.0,
            build.as_secs_f64() * 1000.0,
            wall.as_secs_f64() / build.as_secs_f64(),
            cpu.as_secs_f64() / build.as_secs_f64(),
        );
    }
}

/// Forced rebuilds into a folder whose cache of resampled images is kept
/// (warm) against the same with the cache removed before each run (cold),
/// interleaved: an article and the 40-article issue with its members.
fn resample_cache_gain(bin: &Path, root: &Path, repeats: usize) {
    for (what, input) in [
        ("article", "articles/a01.toml"),
        ("issue of 40 with members", "issue/number.toml"),
    ] {
        let run = |out: &str, cold: bool| {
            if cold {
                let _ = std::fs::remove_dir_all(root.join(out).join(".briefpress-cache"));
            }
            let started = Instant::now();
            let status = Command::new(bin)
                .args([
                    "build",
                    input,
                    "--force",
                    "--no-catalogue",
                    "--quiet",
                    "--out-dir",
                    out,
                ])
                .current_dir(root)
                .status()
                .expect("briefpress runs");
            assert!(status.success(), "{input}");
            started.elapsed()
        };
        run("out/warm", false);
        let (mut warm, mut cold) = (Vec::new(), Vec::new());
        for _ in 0..repeats {
            warm.push(run("out/warm", false));
            cold.push(run("out/cold", true));
        }
        warm.sort();
        cold.sort();
        let (warm, cold) = (warm[repeats / 2], cold[repeats / 2]);
        println!(
            "| {what}, forced rebuild: cache of resampled images kept {:.0} ms, removed {:.0} ms | {:.2} | |",
            warm.as_secs_f64() * 1000.0,
            cold.as_secs_f64() * 1000.0,
            warm.as_secs_f64() / cold.as_secs_f64()
        );
    }
}

fn typesetter(root: &Path) -> Typesetter {
    let fonts = fonts::load(&[] as &[PathBuf]).expect("bundled fonts load");
    Typesetter::new(Project::open(root).expect("bench project"), fonts)
}

/// `briefpress watch` as an editor meets it: from the `rename(2)` that
/// saves a TOML (a changed title each time, written beside it first, as
/// editors save) to the rename that replaces its PDF, for the sample
/// brief and article; `repeats` saves each, median, min and max.
fn watch_latency(bin: &Path, root: &Path, repeats: usize) {
    // A word added to the text (the usual edit: other paragraphs keep
    // their memoized layout), and to the title (which is in the running
    // heads and the document's metadata: every page is laid out again).
    for (what, doc, marker) in [
        (
            "brief, a takeaway edited",
            "briefs/b001.toml",
            "  \"China and",
        ),
        ("brief, the title edited", "briefs/b001.toml", "title = \""),
        (
            "article, the body edited",
            "articles/a01.toml",
            "body = \"\"\"\n",
        ),
        (
            "article, the headline edited",
            "articles/a01.toml",
            "headline = \"",
        ),
    ] {
        let stem = Path::new(doc).file_stem().expect("a TOML file");
        let pdf = root.join("out/watch").join(stem).with_extension("pdf");
        let _ = std::fs::remove_file(&pdf);
        let mut watcher = Command::new(bin)
            .args(["watch", doc, "-q", "-o"])
            .arg(&pdf)
            .current_dir(root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("briefpress watch starts");
        let inode = || {
            std::fs::metadata(&pdf)
                .ok()
                .map(|m| std::os::unix::fs::MetadataExt::ino(&m))
        };
        let started = Instant::now();
        while inode().is_none() && started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(10));
        }
        // The first build's follow-up work (thumbnails, the catalogue) done.
        std::thread::sleep(Duration::from_secs(1));
        let source = root.join(doc);
        let original = std::fs::read_to_string(&source).expect("the sample reads");
        assert!(original.contains(marker), "{doc} has {marker}");
        let saved = source.with_extension("toml.saving");
        let mut latencies = Vec::new();
        for save in 0..repeats {
            let before = inode();
            let edited = original.replacen(marker, &format!("{marker}Edit{save} "), 1);
            std::fs::write(&saved, edited).expect("the edit is written");
            let renamed = Instant::now();
            std::fs::rename(&saved, &source).expect("the save renames");
            while inode() == before && renamed.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_micros(200));
            }
            latencies.push(renamed.elapsed());
            std::thread::sleep(Duration::from_millis(400));
        }
        std::fs::write(&source, original).expect("the sample is restored");
        let _ = watcher.kill();
        let _ = watcher.wait();
        let (median, min, max) = spread(&mut latencies);
        println!(
            "| watch: save -> PDF replaced, {what} ({repeats} saves) | {median:.0} ms (min {min:.0}, max {max:.0}) | |",
        );
    }
}

/// Rebuild times after a one-word edit, with a warm typesetter as `watch`
/// keeps it: a lone article; and an article of the issue, with its copy in
/// the issue's folder and the issue itself.
fn watch_rebuilds(root: &Path, repeats: usize) -> (Duration, Duration) {
    let mut typesetter = typesetter(root);
    let pool = Pool::new(2).expect("worker threads");
    let pages = Pages::new(typesetter.project());
    let issue = root.join("issue/number.toml");
    let rebuild = |typesetter: &Typesetter, article: &Path, with_issue: bool| {
        let input = |path: &Path| Input {
            path: path.to_path_buf(),
            inside: typesetter
                .project()
                .inside(path)
                .expect("inside the bench project"),
            display: path.to_path_buf(),
            explicit: true,
        };
        let mut inputs = vec![input(article)];
        if with_issue {
            inputs.push(input(&issue));
        }
        let out = root.join("out/watch");
        let plan::Plan { jobs, failures, .. } = plan::plan(
            typesetter,
            &inputs,
            &Destination::Folder(&out),
            Keep::All,
            Placeholders::Warn,
            Editions::PDF,
        );
        assert!(failures.is_empty());
        let id = article.file_stem().unwrap().to_string_lossy().to_string();
        let changed: Vec<Job> = jobs
            .into_iter()
            .filter(|j| j.prepared.id == id || j.prepared.kind == briefpress::model::Kind::Issue)
            .collect();
        pool.install(|| run::run(typesetter, &pages, &changed, run::Then::Again, None, |_| {}));
    };
    let mut timed_edits = |article: &Path, with_issue: bool| {
        let original = std::fs::read_to_string(article).unwrap();
        rebuild(&typesetter, article, with_issue);
        let mut edits = 0;
        let time = median(repeats, || {
            edits += 1;
            let edited = original.replacen(
                "body = \"\"\"\n",
                &format!("body = \"\"\"\nEdit{edits} "),
                1,
            );
            std::fs::write(article, edited).unwrap();
            typesetter.reset();
            let started = Instant::now();
            rebuild(&typesetter, article, with_issue);
            started.elapsed()
        });
        std::fs::write(article, original).unwrap();
        time
    };
    let lone = timed_edits(&root.join("articles/a02.toml"), false);
    let in_issue = timed_edits(&root.join("articles/a01.toml"), true);
    (lone, in_issue)
}

/// The bench project: `articles/a01..a40.toml`, `issue/number.toml` and
/// `briefs/b001..b200.toml`, made from the samples.
fn generate(root: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let samples = repo.join("briefs/central-asia");
    for dir in ["articles/images", "issue", "briefs", "compendium", "out"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    for entry in std::fs::read_dir(samples.join("images")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            root.join("articles/images").join(entry.file_name()),
        )
        .unwrap();
    }
    let mut members = Vec::new();
    for i in 1..=40 {
        let sample = ARTICLES[(i - 1) % ARTICLES.len()];
        let text = std::fs::read_to_string(samples.join(format!("{sample}.toml"))).unwrap();
        let text = text.replace(&format!("id = \"{sample}\""), &format!("id = \"a{i:02}\""));
        std::fs::write(root.join(format!("articles/a{i:02}.toml")), text).unwrap();
        members.push(format!("\"../articles/a{i:02}.toml\""));
    }
    write_issue(&root.join("issue/number.toml"), 1, &members);
    std::fs::write(root.join("compendium/big.toml"), big_compendium(1200)).unwrap();
    let brief = std::fs::read_to_string(samples.join("china-tajikistan-security.toml")).unwrap();
    for i in 1..=200 {
        let text = brief.replace(
            "id = \"china-tajikistan-security\"",
            &format!("id = \"b{i:03}\""),
        );
        std::fs::write(root.join(format!("briefs/b{i:03}.toml")), text).unwrap();
    }
    // Long runs: 100 and 1,000 briefs, each with a distinct title so no two
    // compilations are alike.
    for (dir, count) in [("long-40", 40), ("long-100", 100), ("long-1000", 1000)] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
        for i in 1..=count {
            let text = brief
                .replace(
                    "id = \"china-tajikistan-security\"",
                    &format!("id = \"l{i:04}\""),
                )
                .replace("Gaining Momentum", &format!("Gaining Momentum {i}"));
            std::fs::write(root.join(format!("{dir}/l{i:04}.toml")), text).unwrap();
        }
    }
}

/// A compendium of `n` generated entries across the four sections, with
/// names, dates and countries varied deterministically.
fn big_compendium(n: usize) -> String {
    const COUNTRIES: [&str; 5] = ["KZ", "KG", "TJ", "TM", "UZ"];
    const WORDS: [&str; 8] = [
        "Alpha", "Östan", "Kant", "Bravo", "Ösh", "Delta", "Zhetysu", "Nurek",
    ];
    let mut out = String::from(
        "kind = \"compendium\"\ntitle = \"Bench Compendium\"\ndate = 2021-01-20\nmarking = \"Sample content - fictional\"\n",
    );
    for i in 0..n {
        let country = COUNTRIES[i % 5];
        let word = WORDS[(i * 7) % 8];
        let year = 1992 + (i * 13) % 30;
        let month = 1 + (i * 5) % 12;
        let text = "A generated entry with enough text to fill a couple of lines of the page, as real entries do.";
        let entry = match i % 5 {
            0 => format!(
                "[[facilities]]\nname = \"{word} Site {i}\"\ncountry = \"{country}\"\nyears = \"since {year}\"\ndescription = \"{text}\"\n"
            ),
            1 => format!(
                "[[organizations]]\nname = \"{word} Organization {i}\"\nacronym = \"O{i}\"\nfounded = {year}\nmembers = [\"{country}\"]\ndescription = \"{text}\"\n"
            ),
            2 => format!(
                "[[exercises]]\ntitle = \"{word} {i}\"\n[[exercises.iterations]]\ndate = \"{year}-{month:02}\"\nparticipants = [\"{country}\", \"RU\"]\n[[exercises.iterations]]\ndate = {year}\ndescription = \"{text}\"\n"
            ),
            3 => format!(
                "[[structures]]\ncountry = \"{country}\"\nname = \"{word} Command {i}\"\ndescription = \"{text}\"\n"
            ),
            _ => format!(
                "[[incidents]]\nname = \"{word} incident {i}\"\ncountry = \"{country}\"\ndate = \"{year}-{month:02}\"\ndescription = \"{text}\"\n"
            ),
        };
        out.push_str(&entry);
    }
    out
}
