//! Batch builds: parallel workers, contained panics, identical output
//! whatever the number of workers.

use crate::support::{TempProject, repo, run_in};

#[test]
fn a_panic_in_one_document_is_contained() {
    let out = TempProject::new("panic");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_briefpress"))
        .args(["build", "briefs", "--out-dir", out.root.to_str().unwrap()])
        .current_dir(repo())
        .env("BRIEFPRESS_TEST_PANIC_ON", "china-bri-security")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("failed  briefs/central-asia/china-bri-security.toml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: internal error: injected by BRIEFPRESS_TEST_PANIC_ON"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked at") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    // The check the other tests use to see panics fires on this one, in
    // both forms of output.
    assert!(crate::support::shows_panic(&stderr), "{stderr}");
    let json = std::process::Command::new(env!("CARGO_BIN_EXE_briefpress"))
        .args(["build", "briefs", "--format", "json", "--out-dir"])
        .arg(out.root.join("json"))
        .current_dir(repo())
        .env("BRIEFPRESS_TEST_PANIC_ON", "china-bri-security")
        .output()
        .unwrap();
    let lines = String::from_utf8_lossy(&json.stdout);
    let internal = lines
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|diag| diag["code"] == "internal")
        .count();
    assert_eq!(internal, 2, "on its own and as an issue member:\n{lines}");
    assert!(crate::support::shows_panic(&lines), "{lines}");
    assert!(!out.path("central-asia/china-bri-security.pdf").exists());
    assert!(out.path("central-asia/russia-bases-readiness.pdf").exists());
    // The article fails twice: on its own and as a member of the sample issue.
    assert!(
        !out.path("oe-watch-2024-02/01-china-bri-security.pdf")
            .exists()
    );
    assert!(
        out.path("oe-watch-2024-02/02-russia-bases-readiness.pdf")
            .exists()
    );
    assert!(stdout.contains(" built, 0 unchanged, 2 failed"), "{stdout}");
}

#[test]
fn one_worker_and_two_give_identical_pdfs() {
    let one = TempProject::new("jobs-1");
    let two = TempProject::new("jobs-2");
    for (project, jobs) in [(&one, "1"), (&two, "2")] {
        let run = run_in(
            &repo(),
            &[
                "build",
                "briefs",
                "--jobs",
                jobs,
                "--out-dir",
                project.root.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    let mut compared = 0;
    for entry in std::fs::read_dir(one.path("central-asia")).unwrap() {
        let name = entry.unwrap().file_name();
        let a = std::fs::read(one.path("central-asia").join(&name)).unwrap();
        let b = std::fs::read(two.path("central-asia").join(&name)).unwrap();
        assert!(a == b, "{name:?} differs between --jobs 1 and --jobs 2");
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} PDFs compared");
}

/// A project with `n` small articles (`briefs/a<i>.toml`) sharing one image,
/// and an issue gathering the first two.
fn project_with_articles(name: &str, n: usize) -> TempProject {
    let project = TempProject::new(name);
    project.image("briefs/img.png");
    for i in 0..n {
        project.write(
            &format!("briefs/a{i}.toml"),
            format!(
                "kind = \"article\"\nheadline = \"Article {i}\"\ndate = 2024-01-0{}\nbody = \"Text of article {i}.\"\n\n\
                 [image]\npath = \"img.png\"\nalt = \"alt\"\ncaption = \"cap\"\nsource = \"src\"\nlicense = \"CC0\"\n",
                1 + i % 9
            ),
        );
    }
    project.write(
        "briefs/issue/number.toml",
        "kind = \"issue\"\npublication = \"Test Watch\"\nvolume = 1\nnumber = 1\ndate = \"2024-01\"\n\n\
         [[sections]]\nname = \"Region\"\narticles = [\"../a0.toml\", \"../a1.toml\"]\n",
    );
    project
}

fn built_lines(stdout: &str) -> Vec<String> {
    let mut lines: Vec<String> = stdout
        .lines()
        .filter(|l| l.starts_with("built "))
        .map(|l| {
            l.split(" -> ")
                .nth(1)
                .unwrap()
                .split(" (")
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn unchanged_documents_are_skipped_and_changed_ones_rebuilt() {
    let project = project_with_articles("incremental", 3);
    let first = project.run(&["build"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert!(
        first.stdout.contains("6 built, 0 unchanged, 0 failed"),
        "{}",
        first.stdout
    );

    let second = project.run(&["build"]);
    assert!(
        second.stdout.contains("0 built, 6 unchanged, 0 failed"),
        "{}",
        second.stdout
    );

    // One byte of a member article: that article, its issue copy and the issue.
    let a0 = project.path("briefs/a0.toml");
    let text = std::fs::read_to_string(&a0)
        .unwrap()
        .replace("Text of", "Text af");
    std::fs::write(&a0, text).unwrap();
    let third = project.run(&["build"]);
    assert_eq!(
        built_lines(&third.stdout),
        ["out/a0.pdf", "out/issue/number.pdf", "out/number/01-a0.pdf"],
        "{}",
        third.stdout
    );
    assert!(
        third.stdout.contains("3 built, 3 unchanged"),
        "{}",
        third.stdout
    );

    // The shared image: every document that shows it.
    let mut image = std::fs::read(project.path("briefs/img.png")).unwrap();
    image.extend_from_slice(b"trailing bytes");
    std::fs::write(project.path("briefs/img.png"), image).unwrap();
    let fourth = project.run(&["build"]);
    assert!(
        fourth.stdout.contains("6 built, 0 unchanged"),
        "{}",
        fourth.stdout
    );

    let forced = project.run(&["build", "--force"]);
    assert!(
        forced.stdout.contains("6 built, 0 unchanged"),
        "{}",
        forced.stdout
    );
}

#[test]
fn shards_partition_the_documents_and_their_manifests_merge() {
    let project = project_with_articles("shards", 9);
    let mut all = Vec::new();
    for k in 1..=3 {
        let run = project.run(&["build", "--shard", &format!("{k}/3")]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        all.extend(built_lines(&run.stdout));
    }
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        all.len(),
        "a document was built by two shards: {all:?}"
    );
    assert_eq!(
        sorted.len(),
        12,
        "9 articles, the issue and its 2 members: {sorted:?}"
    );
    let manifests = std::fs::read_dir(project.path("out"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".briefpress-manifest")
        })
        .count();
    assert!(manifests >= 2, "each shard writes its own manifest");

    // A full run merges them: nothing to rebuild, one manifest left.
    let full = project.run(&["build"]);
    assert!(
        full.stdout.contains("0 built, 12 unchanged"),
        "{}",
        full.stdout
    );
    let names: Vec<String> = std::fs::read_dir(project.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".briefpress-manifest"))
        .collect();
    assert_eq!(names, [".briefpress-manifest.json"]);

    // The split is stable: adding documents elsewhere moves none.
    let before = project.run(&["build", "--shard", "2/3", "--force", "--out-dir", "o1"]);
    project.write(
        "briefs/later/new.toml",
        "kind = \"article\"\nheadline = \"New\"\ndate = 2024-02-01\nbody = \"x\"\n",
    );
    let after = project.run(&["build", "--shard", "2/3", "--force", "--out-dir", "o2"]);
    let strip = |lines: Vec<String>, dir: &str| -> Vec<String> {
        lines
            .into_iter()
            .map(|l| l.trim_start_matches(dir).to_string())
            .filter(|l| !l.contains("later/"))
            .collect()
    };
    assert_eq!(
        strip(built_lines(&before.stdout), "o1/"),
        strip(built_lines(&after.stdout), "o2/")
    );
}

/// A `briefpress watch` running in a project, its output read line by line.
struct Watching {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Watching {
    fn start(project: &TempProject, args: &[&str]) -> Self {
        Self::start_with_env(project, args, &[])
    }

    fn start_with_env(project: &TempProject, args: &[&str], env: &[(&str, &str)]) -> Self {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};

        let mut child = Command::new(env!("CARGO_BIN_EXE_briefpress"))
            .arg("watch")
            .args(args)
            .envs(env.iter().copied())
            .current_dir(&project.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (send, lines) = std::sync::mpsc::channel::<String>();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        for stream in [
            Box::new(stdout) as Box<dyn std::io::Read + Send>,
            Box::new(stderr),
        ] {
            let send = send.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = send.send(line);
                }
            });
        }
        Self { child, lines }
    }

    /// Reads lines until one contains `needle`: the watcher prints
    /// `watching` when a rebuild has ended, so the test waits for that event
    /// and not for a fixed time; 60 s of silence is a failure, generous for
    /// a loaded CI machine.
    fn wait_for(&self, needle: &str, step: &str) -> Vec<String> {
        let mut seen = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(std::time::Duration::from_secs(60)) {
            let found = line.contains(needle);
            seen.push(line);
            if found {
                return seen;
            }
        }
        panic!("{step}: `{needle}` never came; saw {seen:?}");
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rebuilds_what_changed_and_keeps_watching_after_errors() {
    let project = project_with_articles("watch", 2);
    let watching = Watching::start(&project, &[]);
    watching.wait_for("watching", "first build");
    let a1 = project.path("briefs/a1.toml");
    let good = std::fs::read_to_string(&a1).unwrap();
    std::fs::write(&a1, good.replace("Text of", "Edited text of")).unwrap();
    let rebuild = watching.wait_for("watching", "after an edit");
    assert!(
        rebuild.iter().any(|l| l.contains("-> out/a1.pdf")),
        "{rebuild:?}"
    );
    assert!(
        !rebuild.iter().any(|l| l.contains("-> out/a0.pdf")),
        "an unchanged document was rebuilt: {rebuild:?}"
    );
    assert!(
        rebuild.iter().any(|l| l.contains("unchanged")),
        "{rebuild:?}"
    );

    // A broken save is reported; the next good one builds again.
    std::fs::write(&a1, good.replace("headline", "headlin")).unwrap();
    let broken = watching.wait_for("watching", "after a broken save");
    assert!(
        broken.iter().any(|l| l.contains("unknown key `headlin`")),
        "{broken:?}"
    );
    std::fs::write(&a1, &good).unwrap();
    let fixed = watching.wait_for("watching", "after the fix");
    assert!(
        fixed.iter().any(|l| l.contains("-> out/a1.pdf")),
        "{fixed:?}"
    );
}

#[test]
fn watch_sees_saves_by_rename_new_documents_and_polls_on_request() {
    // Editors save by writing a new file and renaming it over the old one;
    // the watched folder sees that, and a document added to it. With
    // --poll the same happens without file-system events.
    for args in [&[][..], &["--poll"][..]] {
        let project = project_with_articles("watch-rename", 1);
        let watching = Watching::start(&project, args);
        watching.wait_for("watching", "first build");
        let a0 = project.path("briefs/a0.toml");
        let edited = std::fs::read_to_string(&a0)
            .unwrap()
            .replace("Text of", "Renamed text of");
        let swap = project.write("briefs/.a0.toml.swp", edited);
        std::fs::rename(&swap, &a0).unwrap();
        let rebuild = watching.wait_for("watching", &format!("{args:?} after a save by rename"));
        assert!(
            rebuild.iter().any(|l| l.contains("-> out/a0.pdf")),
            "{args:?}: {rebuild:?}"
        );
        project.write(
            "briefs/added.toml",
            "kind = \"article\"\nheadline = \"Added\"\ndate = 2024-02-01\nbody = \"x\"\n",
        );
        let added = watching.wait_for("watching", &format!("{args:?} after a new document"));
        assert!(
            added.iter().any(|l| l.contains("-> out/added.pdf")),
            "{args:?}: {added:?}"
        );
    }
}

#[test]
fn watch_waits_for_the_rename_after_a_temporary_file_is_written() {
    // An editor writes and closes a temporary file beside the document,
    // then renames it over the document. The close finishes no file the
    // build reads, so the rebuild waits for the rename (events must stop
    // for the settle time, made long here so that the 100 ms gap is
    // inside it on any machine); a rename onto the document starts it at
    // once. Before, the close started a rebuild of the unchanged document.
    let project = project_with_articles("watch-temp", 1);
    let watching =
        Watching::start_with_env(&project, &[], &[("BRIEFPRESS_TEST_SETTLE_MS", "2000")]);
    watching.wait_for("watching", "first build");
    let a0 = project.path("briefs/a0.toml");
    let original = std::fs::read_to_string(&a0).unwrap();
    for save in 0..2 {
        let edited = original.replace("Text of", &format!("Save {save}: text of"));
        let swap = project.write("briefs/.a0.toml.swp", edited);
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::fs::rename(&swap, &a0).unwrap();
        let rebuild = watching.wait_for("watching", &format!("after save {save}"));
        assert!(
            rebuild.iter().any(|l| l.contains("-> out/a0.pdf")),
            "save {save}: {rebuild:?}"
        );
    }
}

#[test]
fn a_build_killed_while_writing_leaves_the_old_pdf_intact() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let project = project_with_articles("atomic", 1);
    let first = project.run(&["build", "briefs/a0.toml", "-o", "out/a0.pdf"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let old = std::fs::read(project.path("out/a0.pdf")).unwrap();

    // A larger document, so the new PDF differs; the hook stops halfway
    // through writing it.
    let a0 = project.path("briefs/a0.toml");
    let text = std::fs::read_to_string(&a0)
        .unwrap()
        .replace("Text of article 0.", &"A longer body. ".repeat(400));
    std::fs::write(&a0, text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefpress"))
        .args(["build", "briefs/a0.toml", "-o", "out/a0.pdf"])
        .current_dir(&project.root)
        .env("BRIEFPRESS_TEST_PAUSE_WRITE_MS", "20000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let partial = || {
        std::fs::read_dir(project.path("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with(".partial"))
    };
    let started = Instant::now();
    while partial().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the build never started writing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    assert!(
        std::fs::read(project.path("out/a0.pdf")).unwrap() == old,
        "the old PDF was damaged"
    );
    let names: Vec<String> = std::fs::read_dir(project.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    assert_eq!(
        names,
        ["a0.pdf"],
        "a partial file is left under a .pdf name"
    );
}

#[test]
fn timeout_stops_the_build_naming_the_documents_in_flight() {
    let project = project_with_articles("timeout", 1);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_briefpress"))
        .args(["build", "briefs/a0.toml", "--timeout", "0.5"])
        .current_dir(&project.root)
        .env("BRIEFPRESS_TEST_PAUSE_WRITE_MS", "10000")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("stopped after the --timeout of 0.5 s; still building: briefs/a0.toml"),
        "{stderr}"
    );
    assert!(!project.path("out/a0.pdf").exists());
}

#[test]
fn a_large_run_prepares_documents_again_and_gives_the_same_pdfs() {
    // Over 200 documents a build keeps only keys between planning and
    // compiling; the PDFs must be the ones a small run makes.
    let project = project_with_articles("large-run", 205);
    let large = project.run(&["build", "--out-dir", "large"]);
    assert_eq!(large.code, Some(0), "{}", large.stderr);
    assert!(
        large.stdout.contains("208 built, 0 unchanged, 0 failed"),
        "{}",
        large.stdout
    );
    for name in ["a7", "a204"] {
        let small = project.run(&[
            "build",
            &format!("briefs/{name}.toml"),
            "--out-dir",
            "small",
        ]);
        assert_eq!(small.code, Some(0), "{}", small.stderr);
        assert_eq!(
            std::fs::read(project.path(&format!("large/{name}.pdf"))).unwrap(),
            std::fs::read(project.path(&format!("small/{name}.pdf"))).unwrap(),
            "{name}.pdf differs"
        );
    }
    // An incremental run over the same documents finds them all unchanged.
    let again = project.run(&["build", "--out-dir", "large"]);
    assert!(
        again.stdout.contains("0 built, 208 unchanged"),
        "{}",
        again.stdout
    );
}

#[test]
fn many_documents_sharing_an_id_are_named_briefly() {
    let project = project_with_articles("dupes", 1);
    for i in 0..6 {
        project.write(
            &format!("briefs/d{i}.toml"),
            "kind = \"article\"\nid = \"same\"\nheadline = \"H\"\ndate = 2024-01-01\nbody = \"x\"\n",
        );
    }
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "document id `same` is also used by briefs/d1.toml, briefs/d2.toml, briefs/d3.toml and 2 more"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("error: document id `same`").count(), 6);
    // a0 builds; the six and the issue (whose second article is missing) fail.
    assert!(
        run.stdout.contains("1 built, 0 unchanged, 7 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn editing_a_compendium_part_rebuilds_the_compendium() {
    let project = TempProject::new("parts");
    let copy = |from: &str| {
        let mut files = Vec::new();
        crate::support::toml_files(&repo().join(from), &mut files);
        for file in files {
            let inside = file
                .strip_prefix(repo())
                .unwrap()
                .to_string_lossy()
                .to_string();
            project.write(&inside, std::fs::read(&file).unwrap());
        }
    };
    copy("briefs/compendium");
    let first = project.run(&["build"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let unchanged = project.run(&["build"]);
    assert!(
        unchanged.stdout.contains("0 built, 1 unchanged"),
        "{}",
        unchanged.stdout
    );
    let part = project.path("briefs/compendium/parts/incidents.toml");
    let text = std::fs::read_to_string(&part).unwrap();
    std::fs::write(&part, format!("{text}\n# an editor's note\n")).unwrap();
    let again = project.run(&["build"]);
    assert!(
        again
            .stdout
            .contains("built   briefs/compendium/central-asia-compendium.toml"),
        "{}",
        again.stdout
    );
}

/// The threads of process `pid` other than its main thread, each with its
/// name (Linux keeps the first 15 bytes of a name in `comm`).
fn other_threads(pid: u32) -> Vec<(String, String)> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .filter_map(|task| {
            let task = task.ok()?;
            let tid = task.file_name().to_string_lossy().into_owned();
            (tid != pid.to_string()).then_some(())?;
            let comm = std::fs::read_to_string(task.path().join("comm")).ok()?;
            Some((tid, comm.trim_end().to_string()))
        })
        .collect()
}

#[test]
fn every_thread_of_a_build_is_one_of_ours() {
    // Typst lays pages out in parallel with rayon: on the engine's pool,
    // not on rayon's global one (whose threads would be unnamed, and lack
    // the large stacks). Watched from outside while the samples build.
    let out = TempProject::new("threads");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_briefpress"))
        .args([
            "build",
            "briefs",
            "--force",
            "--jobs",
            "2",
            "--timeout",
            "600",
        ])
        .args([
            "--profile",
            "print",
            "--out-dir",
            out.root.to_str().unwrap(),
        ])
        .current_dir(repo())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Every name each thread was seen with, in order: a thread starts with
    // its parent's name and takes its own a moment later.
    let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    while child.try_wait().unwrap().is_none() {
        for (tid, name) in other_threads(pid) {
            seen.entry(tid).or_default().push(name);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let workers = seen
        .values()
        .filter(|names| names.iter().any(|n| n.starts_with("briefpress-work")))
        .count();
    assert!(workers >= 1, "no worker thread seen: {seen:?}");
    // A stranger kept a name not ours over two looks or more (rayon's
    // global pool, had Typst's layout used it, would be named like the
    // binary for good).
    let strangers: Vec<&Vec<String>> = seen
        .values()
        .filter(|names| {
            names.len() >= 2 && !names.last().is_some_and(|n| n.starts_with("briefpress-"))
        })
        .collect();
    assert!(
        strangers.is_empty(),
        "threads not named briefpress-…: {strangers:?} (all: {seen:?})"
    );
}

/// Documents are loaded and prepared on every thread, and an issue's
/// members too; what they report still comes in the order of the inputs,
/// and of the issue's list, whichever thread finished first.
#[test]
fn diagnostics_come_in_the_order_of_the_inputs_and_of_the_issue() {
    let project = TempProject::new("diagnostic-order");
    // More than one batch of `plan`'s staging (64 inputs); numbered with
    // three digits so that the folder's order is the numbers' order.
    const INPUTS: usize = 70;
    for i in 0..INPUTS {
        project.write(
            &format!("briefs/b{i:03}.toml"),
            format!("kind = \"article\"\nheadlin = \"Broken {i}\"\n"),
        );
    }
    let places = |stderr: &str, order: &[usize]| -> Vec<usize> {
        order
            .iter()
            .map(|i| {
                let at = format!("--> briefs/b{i:03}.toml:2:1");
                stderr
                    .find(&at)
                    .unwrap_or_else(|| panic!("no `{at}` in:\n{stderr}"))
            })
            .collect()
    };
    let run = project.run(&["check", "briefs"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let all: Vec<usize> = (0..INPUTS).collect();
    let found = places(&run.stderr, &all);
    assert!(found.is_sorted(), "out of order: {found:?}\n{}", run.stderr);

    let listed = [65, 5, 2, 67, 0, 3];
    let articles: Vec<String> = listed
        .iter()
        .map(|i| format!("\"../briefs/b{i:03}.toml\""))
        .collect();
    project.write(
        "issues/n.toml",
        format!(
            "kind = \"issue\"\npublication = \"Test Watch\"\nvolume = 1\nnumber = 1\ndate = \"2024-01\"\n\n\
             [[sections]]\nname = \"Region\"\narticles = [{}]\n",
            articles.join(", ")
        ),
    );
    let run = project.run(&["check", "issues/n.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let found = places(&run.stderr, &listed);
    assert!(
        found.is_sorted(),
        "out of the issue's order: {found:?}\n{}",
        run.stderr
    );
}
