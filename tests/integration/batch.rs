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
    assert!(stdout.contains("9 built, 2 failed"), "{stdout}");
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
