//! One gate for every file: every project file is opened beneath the root
//! on the descriptor (no check-then-read race), is a regular file, is read
//! once per run, and outputs never land on a file the run reads. Also the
//! state a build trusts (the manifest, leftover temporary files) and the
//! names it meets (links that loop, names that are not UTF-8).

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::support::{TempProject, bounded, pdf_info, pdf_text, repo};

/// A valid article: `image` is the `[image]` path (relative to the
/// document), `extra` TOML tables appended at the end.
fn article(headline: &str, image: Option<&str>, extra: &str) -> String {
    let mut text = format!(
        "kind = \"article\"\nheadline = \"{headline}\"\ndate = 2024-01-25\nbody = \"Text of the article.\"\n"
    );
    if let Some(image) = image {
        text.push_str(&format!(
            "\n[image]\npath = \"{image}\"\nalt = \"alt\"\ncaption = \"cap\"\nsource = \"src\"\nlicense = \"CC0\"\n"
        ));
    }
    text.push_str(extra);
    text
}

/// A path beside the project root (outside it), unique to the project.
fn outside(project: &TempProject, name: &str) -> PathBuf {
    let root = &project.root;
    root.parent().unwrap().join(format!(
        "{}-{name}",
        root.file_name().unwrap().to_string_lossy()
    ))
}

/// Removes files or folders outside the project when the test ends.
struct Cleanup(Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for path in &self.0 {
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.is_dir() => {
                    let _ = std::fs::remove_dir_all(path);
                }
                Ok(_) => {
                    let _ = std::fs::remove_file(path);
                }
                Err(_) => {}
            }
        }
    }
}

/// A child process killed when the test ends, however it ends.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The diagnostics of a `--format json` run (standard output, one object a
/// line).
fn json_diagnostics(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON diagnostic ({e}): {line}\n{stdout}"))
        })
        .collect()
}

/// (width, height) of every raster image (image XObject) in a PDF.
fn pdf_image_sizes(pdf: &Path) -> Vec<(i64, i64)> {
    let document = lopdf::Document::load(pdf)
        .unwrap_or_else(|e| panic!("{} is not a readable PDF: {e}", pdf.display()));
    let mut sizes = Vec::new();
    for object in document.objects.values() {
        let Ok(stream) = object.as_stream() else {
            continue;
        };
        let is_image = stream
            .dict
            .get(b"Subtype")
            .and_then(lopdf::Object::as_name)
            .is_ok_and(|name| name == b"Image");
        if !is_image {
            continue;
        }
        let number = |key: &[u8]| -> i64 {
            let value = stream
                .dict
                .get(key)
                .unwrap_or_else(|_| panic!("an image without /{}", String::from_utf8_lossy(key)));
            let value = match value {
                lopdf::Object::Reference(id) => document.get_object(*id).unwrap(),
                other => other,
            };
            value.as_i64().unwrap()
        };
        sizes.push((number(b"Width"), number(b"Height")));
    }
    sizes
}

/// Every file below `dir` (links not followed), sorted.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Timings removed from a build's output, so two runs compare equal:
/// `built ... (1 page, 123 ms)` and `... 0 failed in 0.42 s`.
fn without_timings(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut line = line;
            if line.ends_with(" ms)")
                && let Some(at) = line.rfind(" (")
            {
                line = &line[..at];
            }
            if let Some(at) = line.find(" failed in ") {
                line = &line[..at + " failed".len()];
            }
            line.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {} failed", path.display());
}

/// Class 1 (check-then-read race): while a thread keeps swapping the
/// document's image for a symbolic link to a PNG outside the root and back,
/// hundreds of builds either fail or embed the real image; no PDF ever
/// carries the outside image's pixels.
#[test]
fn an_image_swapped_for_a_link_out_mid_build_never_reaches_a_pdf() {
    const BUILDS: usize = 200;
    const REAL: (i64, i64) = (200, 150);
    const OUTSIDE: (i64, i64) = (37, 23);

    let project = TempProject::new("gate-race");
    project.write(
        "briefs/doc.toml",
        article("Race", Some("images/pic.png"), ""),
    );
    let pic = project.png("briefs/images/pic.png", REAL.0 as u32, REAL.1 as u32);
    let real_bytes = std::fs::read(&pic).unwrap();
    let outside_png = outside(&project, "race-outside.png");
    let _cleanup = Cleanup(vec![outside_png.clone()]);
    let outside_name = outside_png
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    project.png(
        &format!("../{outside_name}"),
        OUTSIDE.0 as u32,
        OUTSIDE.1 as u32,
    );
    assert!(outside_png.is_file());

    // The swapper: a short burst of the link out (about 50 µs), then the
    // real file back for about ten times as long, each by an atomic rename.
    // Most checks see the real file, and the link keeps appearing within
    // the microseconds between a check and a later read of the same path
    // (timed by spinning: sleeps are too coarse).
    let stop = Arc::new(AtomicBool::new(false));
    struct StopOnDrop(Arc<AtomicBool>);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let stopper = StopOnDrop(stop.clone());
    let swapper = {
        let stop = stop.clone();
        let dir = project.path("briefs/images");
        let pic = pic.clone();
        let target = outside_png.clone();
        std::thread::spawn(move || {
            let link_temp = dir.join(".pic.png.link");
            let file_temp = dir.join(".pic.png.real");
            let mut swaps = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let _ = std::fs::remove_file(&link_temp);
                std::os::unix::fs::symlink(&target, &link_temp).unwrap();
                std::fs::write(&file_temp, &real_bytes).unwrap();
                std::fs::rename(&link_temp, &pic).unwrap();
                spin(Duration::from_micros(50));
                std::fs::rename(&file_temp, &pic).unwrap();
                spin(Duration::from_micros(500 + (swaps % 7) * 50));
                swaps += 1;
            }
            swaps
        })
    };

    let pdf = project.path("out/doc.pdf");
    let (mut built, mut failed) = (0, 0);
    for build in 0..BUILDS {
        let run = project.run(&["build", "briefs/doc.toml", "--force", "-q"]);
        match run.code {
            Some(0) => {
                built += 1;
                let sizes = pdf_image_sizes(&pdf);
                assert!(
                    sizes.contains(&REAL),
                    "build {build}: the real {}x{} image is not in the PDF: {sizes:?}",
                    REAL.0,
                    REAL.1
                );
            }
            Some(1) => {
                failed += 1;
                assert!(
                    !run.stderr.contains("panicked") && !run.stderr.contains("internal error"),
                    "build {build}: {}",
                    run.stderr
                );
            }
            other => panic!("build {build} exited with {other:?}:\n{}", run.stderr),
        }
        // Whatever the run did, the PDF on disk holds no outside pixels.
        if pdf.exists() {
            let sizes = pdf_image_sizes(&pdf);
            assert!(
                !sizes.contains(&OUTSIDE),
                "build {build} (exit {:?}) put the outside {}x{} image into the PDF: {sizes:?}\n{}",
                run.code,
                OUTSIDE.0,
                OUTSIDE.1,
                run.stderr
            );
        }
    }
    drop(stopper);
    let swaps = swapper.join().expect("the swapping thread failed");
    assert!(
        built > 0,
        "no build out of {BUILDS} succeeded ({failed} failed, {swaps} swaps)"
    );
    assert!(
        failed > 0,
        "no build out of {BUILDS} saw the link ({swaps} swaps): the race was not exercised"
    );
    assert!(swaps >= 100, "only {swaps} swaps during {BUILDS} builds");
}

/// Waits `how_long` without giving up the core (sleeps last far longer).
fn spin(how_long: Duration) {
    let started = Instant::now();
    while started.elapsed() < how_long {
        std::hint::spin_loop();
    }
}

/// Class 2 (readers outside the gate): `--emit-typst` copies templates
/// through the gate; a template linked to a file outside the root fails
/// the run and its text is written nowhere.
#[test]
fn emit_typst_refuses_a_template_linked_outside_the_root() {
    let project = TempProject::new("gate-emit");
    project.write("briefs/doc.toml", article("Emitted", None, ""));
    // A working base.typ, so that a reader outside the gate would use it.
    let secret = outside(&project, "base.typ");
    let _cleanup = Cleanup(vec![secret.clone()]);
    let base = std::fs::read_to_string(repo().join("templates/base.typ")).unwrap();
    std::fs::write(&secret, format!("{base}\n// OUTSIDE-SECRET\n")).unwrap();
    std::fs::create_dir_all(project.path("templates")).unwrap();
    std::os::unix::fs::symlink(&secret, project.path("templates/base.typ")).unwrap();

    let run = project.run(&["build", "briefs/doc.toml", "--emit-typst", "emitted"]);
    assert!(
        run.code.is_some_and(|code| code != 0),
        "exit {:?}\n{}",
        run.code,
        run.stderr
    );
    assert!(
        run.stderr.contains("outside the project root"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("OUTSIDE-SECRET"), "{}", run.stderr);
    assert!(!run.stdout.contains("OUTSIDE-SECRET"), "{}", run.stdout);
    for file in files_below(&project.path("emitted")) {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        assert!(
            !bytes
                .windows(b"OUTSIDE-SECRET".len())
                .any(|w| w == b"OUTSIDE-SECRET"),
            "{} carries the outside file's text",
            file.display()
        );
    }
}

/// Class 2 (readers outside the gate): a named pipe among the templates is
/// refused, not opened for reading (which would wait for a writer forever).
#[test]
fn a_named_pipe_among_the_templates_does_not_hang_the_build() {
    let project = TempProject::new("gate-template-fifo");
    project.write("briefs/doc.toml", article("Piped", None, ""));
    mkfifo(&project.path("templates/extra.typ"));
    let run = bounded(&project.root, &["build", "briefs/doc.toml"]).run();
    assert!(
        run.code.is_some_and(|code| code != 0),
        "exit {:?}\n{}",
        run.code,
        run.stderr
    );
    assert!(run.stderr.contains("named pipe"), "{}", run.stderr);
}

/// Class 2 (readers outside the gate): the manifest is untrusted input. An
/// entry naming an input outside the root is never taken as fresh, whatever
/// hash it records, so the answer tells nothing about the outside file.
#[test]
fn a_manifest_entry_naming_a_file_outside_the_root_is_never_trusted() {
    let project = TempProject::new("gate-manifest");
    project.write("briefs/doc.toml", article("Manifest", None, ""));
    let secret = outside(&project, "outside-secret.txt");
    let _cleanup = Cleanup(vec![secret.clone()]);
    std::fs::write(&secret, "OUTSIDE-SECRET\n").unwrap();
    let secret_input = format!("../{}", secret.file_name().unwrap().to_string_lossy());
    // The hash of the outside file as the manifest writes hashes, and a wrong one.
    let right = format!(
        "{:032x}",
        typst::utils::hash128(&"OUTSIDE-SECRET\n".as_bytes())
    );
    let wrong = "0".repeat(32);

    let first = project.run(&["build", "briefs/doc.toml"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let manifest_path = project.path("out/.briefpress-manifest.json");
    let mut outputs = Vec::new();
    for guess in [&right, &wrong] {
        let mut manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
        let entries = manifest["entries"]
            .as_object_mut()
            .unwrap_or_else(|| panic!("no `entries` object in the manifest"));
        let (_, entry) = entries
            .iter_mut()
            .find(|(name, _)| name.ends_with("doc.pdf"))
            .unwrap_or_else(|| panic!("no entry for doc.pdf in the manifest"));
        let Some(inputs) = entry.get_mut("inputs").and_then(|v| v.as_object_mut()) else {
            panic!("no `inputs` object in the manifest's entry for doc.pdf");
        };
        inputs.insert(
            secret_input.clone(),
            serde_json::Value::from(guess.as_str()),
        );
        std::fs::write(
            &manifest_path,
            serde_json::to_vec_pretty(&manifest).unwrap(),
        )
        .unwrap();

        let run = project.run(&["build", "briefs/doc.toml"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(
            run.stdout.contains("1 built, 0 unchanged, 0 failed"),
            "the entry naming {secret_input} (hash {guess}) was trusted:\n{}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains("built   briefs/doc.toml -> out/doc.pdf"),
            "{}",
            run.stdout
        );
        outputs.push((
            run.code,
            without_timings(&run.stdout),
            without_timings(&run.stderr),
        ));
    }
    assert_eq!(
        outputs[0], outputs[1],
        "the right and the wrong hash of the outside file give different answers"
    );
}

/// Class 3 (outputs over inputs): `-o` naming the document, its image, the
/// configuration or a hard link to the document is refused before anything
/// is written, and the file keeps its bytes.
#[test]
fn an_output_over_a_file_the_run_reads_is_refused() {
    let project = TempProject::new("gate-over-input");
    project.write("briefs/a.toml", article("Over", Some("images/x.png"), ""));
    project.png("briefs/images/x.png", 120, 80);
    std::fs::hard_link(
        project.path("briefs/a.toml"),
        project.path("briefs/alias.pdf"),
    )
    .unwrap();
    for target in [
        "briefs/images/x.png",
        "briefs/a.toml",
        "briefpress.toml",
        "briefs/alias.pdf",
    ] {
        let before = std::fs::read(project.path(target)).unwrap();
        let document = std::fs::read(project.path("briefs/a.toml")).unwrap();

        let run = project.run(&["build", "briefs/a.toml", "-o", target]);
        assert_eq!(run.code, Some(1), "-o {target}:\n{}", run.stderr);
        assert!(
            run.stderr.contains("a file this run reads"),
            "-o {target}:\n{}",
            run.stderr
        );

        let json = project.run(&["build", "briefs/a.toml", "-o", target, "--format", "json"]);
        assert_eq!(json.code, Some(1), "-o {target}:\n{}", json.stderr);
        let diags = json_diagnostics(&json.stdout);
        assert!(
            diags
                .iter()
                .any(|d| d["code"] == "output-over-input" && d["severity"] == "error"),
            "-o {target}: no output-over-input diagnostic in {diags:?}"
        );

        assert!(
            std::fs::read(project.path(target)).unwrap() == before,
            "-o {target} changed the file"
        );
        assert!(
            std::fs::read(project.path("briefs/a.toml")).unwrap() == document,
            "-o {target} changed the document"
        );
    }
}

/// Class 3 (outputs over inputs): an issue member's own PDF
/// (`out/<issue id>/NN-<id>.pdf`) and a standalone document's
/// (`out/<folder under briefs>/<id>.pdf`) at the same path: both documents
/// are named, the run fails, neither silently overwrites the other.
#[test]
fn two_documents_with_the_same_output_are_both_reported() {
    let project = TempProject::new("gate-collision");
    project.write("briefs/a.toml", article("Member", None, ""));
    project.write(
        "briefs/issue.toml",
        "kind = \"issue\"\nid = \"x\"\npublication = \"Test Watch\"\nvolume = 1\nnumber = 1\ndate = \"2024-01\"\n\n\
         [[sections]]\nname = \"Region\"\narticles = [\"a.toml\"]\n",
    );
    // id `01-a` from the file name: out/x/01-a.pdf, as the member's.
    project.write("briefs/x/01-a.toml", article("Standalone", None, ""));

    let run = project.run(&["build", "briefs"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("is also the output of"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("briefs/x/01-a.toml"), "{}", run.stderr);
    assert!(
        run.stderr.contains("briefs/issue.toml") || run.stderr.contains("briefs/a.toml"),
        "the issue's member is not named:\n{}",
        run.stderr
    );

    let json = project.run(&["build", "briefs", "--force", "--format", "json"]);
    assert_eq!(json.code, Some(1), "{}", json.stderr);
    let collisions: Vec<serde_json::Value> = json_diagnostics(&json.stdout)
        .into_iter()
        .filter(|d| d["code"] == "output-collision")
        .collect();
    assert!(
        !collisions.is_empty(),
        "no output-collision in:\n{}",
        json.stdout
    );
    for d in &collisions {
        assert_eq!(d["severity"], "error", "{d}");
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .contains("is also the output of"),
            "{d}"
        );
    }
    let named: String = collisions
        .iter()
        .map(|d| format!("{} {}", d["file"], d["message"]))
        .collect();
    assert!(named.contains("briefs/x/01-a.toml"), "{named}");
    assert!(
        named.contains("briefs/issue.toml") || named.contains("briefs/a.toml"),
        "{named}"
    );
}

/// Class 4 (special files): a named pipe where a document would be is
/// reported as that document's failure; `build` and `check` finish and the
/// good document next to it is built.
#[test]
fn a_named_pipe_among_the_documents_fails_alone_without_hanging() {
    let project = TempProject::new("gate-document-fifo");
    project.write("briefs/good.toml", article("Good", None, ""));
    mkfifo(&project.path("briefs/x.toml"));

    let build = bounded(&project.root, &["build", "briefs"]).run();
    assert_eq!(build.code, Some(1), "{}\n{}", build.stdout, build.stderr);
    assert!(build.stderr.contains("named pipe"), "{}", build.stderr);
    assert!(build.stderr.contains("briefs/x.toml"), "{}", build.stderr);
    assert!(project.path("out/good.pdf").is_file(), "{}", build.stderr);

    let check = bounded(&project.root, &["check", "briefs"]).run();
    assert_eq!(check.code, Some(1), "{}\n{}", check.stdout, check.stderr);
    assert!(check.stderr.contains("named pipe"), "{}", check.stderr);
}

/// Class 4 (loops): links back to their own folder do not make the walk
/// loop, and no document is found twice.
#[test]
fn links_that_loop_under_briefs_find_each_document_once() {
    let project = TempProject::new("gate-loops");
    project.write("briefs/top.toml", article("Top", None, ""));
    project.write("briefs/sub/inner.toml", article("Inner", None, ""));
    std::os::unix::fs::symlink(".", project.path("briefs/l1")).unwrap();
    std::os::unix::fs::symlink(".", project.path("briefs/sub/l2")).unwrap();

    let run = bounded(&project.root, &["build", "briefs", "--no-catalogue"]).run();
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("duplicate"), "{}", run.stderr);
    assert!(!run.stderr.contains("also used by"), "{}", run.stderr);
    let built = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("built "))
        .count();
    let pdfs: Vec<PathBuf> = files_below(&project.path("out"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert_eq!(
        pdfs,
        [
            project.path("out/sub/inner.pdf"),
            project.path("out/top.pdf")
        ],
        "{}",
        run.stdout
    );
    assert_eq!(built, pdfs.len(), "{}", run.stdout);
    assert!(
        run.stdout.contains("2 built, 0 unchanged, 0 failed"),
        "{}",
        run.stdout
    );
}

/// Class 5 (incremental state that lies): a manifest saved before the last
/// PDF was written (a crash between the two) does not make a stale PDF
/// pass for the document's current state.
#[test]
fn a_manifest_older_than_the_pdf_does_not_keep_a_stale_pdf() {
    let project = TempProject::new("gate-stale-manifest");
    let alpha = article("Alpha headline", None, "");
    let bravo = article("Bravo headline", None, "");
    let manifest = project.path("out/.briefpress-manifest.json");
    let pdf = project.path("out/doc.pdf");

    project.write("briefs/doc.toml", &alpha);
    let first = project.run(&["build", "briefs/doc.toml"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let saved = std::fs::read(&manifest).unwrap();

    project.write("briefs/doc.toml", &bravo);
    let second = project.run(&["build", "briefs/doc.toml"]);
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert!(pdf_text(&pdf).contains("Bravo"));

    // The PDF renamed into place, the manifest of the run before left.
    std::fs::write(&manifest, &saved).unwrap();
    project.write("briefs/doc.toml", &alpha);
    let third = project.run(&["build", "briefs/doc.toml"]);
    assert_eq!(third.code, Some(0), "{}", third.stderr);
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Alpha") && !text.contains("Bravo"),
        "the PDF is stale:\n{text}\n{}",
        third.stdout
    );
}

/// Class 5 (incremental state that lies): a PDF cut short on disk is
/// rebuilt, not taken as up to date.
#[test]
fn a_truncated_pdf_is_rebuilt() {
    let project = TempProject::new("gate-truncated");
    project.write("briefs/doc.toml", article("Truncated", None, ""));
    let pdf = project.path("out/doc.pdf");
    let first = project.run(&["build", "briefs/doc.toml"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let pages = pdf_info(&pdf, "Pages");
    assert!(!pages.is_empty());

    let bytes = std::fs::read(&pdf).unwrap();
    std::fs::write(&pdf, &bytes[..bytes.len() / 2]).unwrap();
    let again = project.run(&["build", "briefs/doc.toml"]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert!(
        again.stdout.contains("1 built, 0 unchanged, 0 failed"),
        "{}",
        again.stdout
    );
    assert_eq!(pdf_info(&pdf, "Pages"), pages);
    assert!(pdf_text(&pdf).contains("Truncated"));
    assert!(
        std::fs::read(&pdf).unwrap() == bytes,
        "not the complete PDF again"
    );
}

/// Class 5 (incremental state that lies): temporary files left by a run
/// that died are swept from the output folder; those of a live process (a
/// concurrent build) are left alone.
#[test]
fn leftover_temporary_files_of_dead_runs_are_swept_and_live_ones_kept() {
    let project = TempProject::new("gate-partials");
    project.write("briefs/doc.toml", article("Partials", None, ""));
    // Above the kernel's largest pid (2^22): never a live process.
    let dead_pid = 4_194_305;
    assert!(!Path::new(&format!("/proc/{dead_pid}")).exists());
    let live = KillOnDrop(Command::new("sleep").arg("30").spawn().unwrap());
    let live_pid = live.0.id();
    assert!(Path::new(&format!("/proc/{live_pid}")).exists());
    let dead = project.write(&format!("out/.a.pdf.{dead_pid}.partial"), "half a PDF");
    let alive = project.write(&format!("out/.b.pdf.{live_pid}.partial"), "half a PDF");

    let run = project.run(&["build", "briefs/doc.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(project.path("out/doc.pdf").is_file());
    assert!(!dead.exists(), "the dead run's temporary file was left");
    assert!(
        alive.exists(),
        "the live process's temporary file was removed"
    );
    drop(live);
}

/// Class 6 (oracles): a path leaving the root is refused the same way
/// whether or not something exists there, so errors tell nothing about
/// files outside.
#[test]
fn a_member_outside_the_root_is_refused_alike_whether_it_exists_or_not() {
    let project = TempProject::new("gate-oracle");
    let folder = outside(&project, "outside");
    let _cleanup = Cleanup(vec![folder.clone()]);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("member.toml"), article("Outside", None, "")).unwrap();
    let name = folder.file_name().unwrap().to_string_lossy().into_owned();
    let issue = |member: &str| {
        format!(
            "kind = \"issue\"\npublication = \"Test Watch\"\nvolume = 1\nnumber = 1\ndate = \"2024-01\"\n\n\
             [[sections]]\nname = \"Region\"\narticles = [\"../../{name}/{member}\"]\n"
        )
    };
    project.write("briefs/i1.toml", issue("member.toml"));
    project.write("briefs/i2.toml", issue("missing.toml"));

    let run = project.run(&["build", "briefs", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    let diags = json_diagnostics(&run.stdout);
    let errors_of = |file: &str, member: &str| -> Vec<String> {
        let mut found: Vec<String> = diags
            .iter()
            .filter(|d| d["severity"] == "error" && d["file"] == file)
            .map(|d| {
                let message = d["message"].as_str().unwrap_or_default();
                assert!(!message.contains("not found"), "{d}");
                assert!(!message.contains("does not exist"), "{d}");
                format!("{}:{} {} | {}", d["line"], d["column"], message, d["hint"])
                    .replace(member, "MEMBER")
            })
            .collect();
        found.sort();
        found
    };
    let existing = errors_of("briefs/i1.toml", "member.toml");
    let missing = errors_of("briefs/i2.toml", "missing.toml");
    assert!(!existing.is_empty(), "no error for i1.toml: {diags:?}");
    assert!(
        existing
            .iter()
            .any(|e| e.contains("outside the project root")),
        "{existing:?}"
    );
    assert!(
        missing
            .iter()
            .any(|e| e.contains("outside the project root")),
        "{missing:?}"
    );
    assert_eq!(
        existing, missing,
        "an existing and a missing file outside the root are told apart"
    );
    assert!(!project.path("out/i1.pdf").exists());
}

/// Class 6 (names): a folder whose name is not UTF-8 is reported, and the
/// documents beside it still build.
#[test]
fn a_folder_name_that_is_not_utf8_fails_alone() {
    use std::os::unix::ffi::OsStrExt as _;

    let project = TempProject::new("gate-utf8");
    project.write("briefs/good.toml", article("Good", None, ""));
    let bad = project
        .path("briefs")
        .join(std::ffi::OsStr::from_bytes(b"bad\xff"));
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("doc.toml"), article("Bad name", None, "")).unwrap();

    let run = bounded(&project.root, &["build", "briefs"]).run();
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);
    assert!(project.path("out/good.pdf").is_file(), "{}", run.stderr);
}

/// Class 6 (names): `[build] templates` names the folder of override
/// templates, and the compiler reads them from there.
#[test]
fn the_configured_templates_folder_overrides_the_built_in_templates() {
    let project = TempProject::new("gate-templates-folder");
    project.write("briefpress.toml", "[build]\ntemplates = \"tpl\"\n");
    let sources = std::fs::read_to_string(repo().join("templates/components/sources.typ")).unwrap();
    let heading = "if sources.len() == 1 [Source] else [Sources]";
    assert!(
        sources.contains(heading),
        "templates/components/sources.typ no longer has `{heading}`: update this test"
    );
    // One component overridden alone, in a subfolder of the configured folder.
    project.write(
        "tpl/components/sources.typ",
        sources.replace(heading, "if sources.len() == 1 [Quellen] else [Quellen]"),
    );
    project.write(
        "briefs/doc.toml",
        article(
            "Configured templates",
            None,
            "\n[[sources]]\ntitle = \"A source title\"\nlang = \"en\"\noutlet = \"The Outlet\"\n",
        ),
    );
    let run = project.run(&["build", "briefs/doc.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = pdf_text(&project.path("out/doc.pdf"));
    assert!(
        text.contains("Quellen"),
        "tpl/components/sources.typ was not used:\n{text}"
    );
}

/// Class 7 (one gate): no source file but `src/fsgate.rs` opens, reads or
/// lists files itself (tests inside `#[cfg(test)]` modules and comments
/// aside).
#[test]
fn only_the_gate_opens_files() {
    const CALLS: [&str; 5] = [
        "fs::read(",
        "fs::read_to_string(",
        "File::open(",
        "fs::read_dir(",
        "OpenOptions::new(",
    ];
    let src = repo().join("src");
    let gate = src.join("fsgate.rs");
    let mut offending = Vec::new();
    let mut scanned = 0;
    for file in files_below(&src) {
        if file.extension().is_none_or(|e| e != "rs") || file == gate {
            continue;
        }
        scanned += 1;
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.trim_end() == "#[cfg(test)]" {
                break;
            }
            if code.starts_with("//") {
                continue;
            }
            if let Some(call) = CALLS.iter().find(|call| line.contains(**call)) {
                offending.push(format!(
                    "{}:{}: {call} {}",
                    file.strip_prefix(repo()).unwrap().display(),
                    number + 1,
                    code
                ));
            }
        }
    }
    assert!(scanned > 10, "only {scanned} source files found under src/");
    assert!(
        offending.is_empty(),
        "files opened outside src/fsgate.rs:\n{}",
        offending.join("\n")
    );
}
