//! Refactoring the engine must not change what it writes: the SHA-256 of
//! every PDF and thumbnail of the samples, in every profile, is kept in
//! `tests/fixtures/sample-outputs.sha256`. A change that alters outputs on
//! purpose re-baselines the fixture in the same commit (run this test with
//! `BRIEFPRESS_BLESS=1`) and says why.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::support::{TempProject, files_below, repo, run_with_env};

const FIXTURE: &str = "tests/fixtures/sample-outputs.sha256";

/// Every `*.pdf` and `*.png` below `dir`, relative, sorted.
fn outputs(dir: &Path) -> Vec<PathBuf> {
    files_below(dir)
        .into_iter()
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "pdf" || ext == "png")
        })
        .map(|path| path.strip_prefix(dir).unwrap().to_path_buf())
        .collect()
}

#[test]
fn sample_outputs_are_byte_identical_to_the_fixture() {
    let out = TempProject::new("identical");
    // Screen PDFs at the top of the output folder, print and archive PDFs
    // in its print/ and archive/.
    let dir = out.path("out");
    for profile in ["screen", "print", "archive"] {
        let run = run_with_env(
            &repo(),
            &[
                "build",
                "briefs",
                "--force",
                "--profile",
                profile,
                "--out-dir",
                dir.to_str().unwrap(),
            ],
            &[("SOURCE_DATE_EPOCH", "1700000000")],
        );
        assert_eq!(run.code, Some(0), "{profile}: {}", run.stderr);
    }
    let mut lines = Vec::new();
    for file in outputs(&dir) {
        let digest = Sha256::digest(std::fs::read(dir.join(&file)).unwrap());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        lines.push(format!(
            "{hex}  {}",
            file.to_string_lossy().replace('\\', "/")
        ));
    }
    let now = lines.join("\n") + "\n";
    let fixture = repo().join(FIXTURE);
    if std::env::var_os("BRIEFPRESS_BLESS").is_some() {
        std::fs::write(&fixture, &now).unwrap();
        return;
    }
    let kept = std::fs::read_to_string(&fixture).unwrap_or_default();
    assert!(lines.len() > 40, "too few outputs: {}", lines.len());
    let differing: Vec<&str> = now
        .lines()
        .filter(|line| !kept.lines().any(|k| k == *line))
        .chain(kept.lines().filter(|line| !now.lines().any(|n| n == *line)))
        .collect();
    assert!(
        differing.is_empty(),
        "outputs differ from {FIXTURE} (re-baseline with BRIEFPRESS_BLESS=1 only for an intended change):\n{}",
        differing.join("\n")
    );
}

/// A document built alone (a run of one, which lets its layout go before
/// verifying) is the same bytes as in the folder build of the fixture: the
/// issue without its members, and an article.
#[test]
fn a_document_built_alone_is_the_fixture_bytes() {
    let out = TempProject::new("identical-alone");
    let kept = std::fs::read_to_string(repo().join(FIXTURE)).unwrap();
    for (document, listed) in [
        (
            "briefs/issues/oe-watch-2024-02.toml",
            "issues/oe-watch-2024-02.pdf",
        ),
        (
            "briefs/central-asia/china-bri-security.toml",
            "central-asia/china-bri-security.pdf",
        ),
    ] {
        let pdf = out.path(listed);
        let run = run_with_env(
            &repo(),
            &[
                "build",
                document,
                "--force",
                "--no-members",
                "-o",
                pdf.to_str().unwrap(),
            ],
            &[("SOURCE_DATE_EPOCH", "1700000000")],
        );
        assert_eq!(run.code, Some(0), "{document}: {}", run.stderr);
        let digest = Sha256::digest(std::fs::read(&pdf).unwrap());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let line = format!("{hex}  {listed}");
        assert!(
            kept.lines().any(|kept| kept == line),
            "{document} alone gave {line}, not the fixture's"
        );
    }
}
