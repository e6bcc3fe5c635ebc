//! An independent accessibility checker on every sample PDF: outloud 0.2.1
//! (PDF/UA-1 conformance plus semantic checks mapped to Matterhorn and WCAG
//! 2.2), installed by `.ci/run` into `target/tools/outloud`, reports no
//! error and no warning in any profile. Its rule TAG-002 is left out and
//! argued in the README ("The article kind"): a pull quote that repeats the
//! text is an artifact on purpose, and briefpress tags one that does not
//! (`prepare::listing::repeats`).

use std::path::PathBuf;

use crate::support::{TempProject, checker, files_named, samples_in_every_profile};

/// outloud's command: `BRIEFPRESS_OUTLOUD`, else the one `.ci/run` installs.
fn outloud() -> PathBuf {
    checker(
        "BRIEFPRESS_OUTLOUD",
        "target/tools/outloud/bin/outloud",
        "python3 -m venv target/tools/outloud && target/tools/outloud/bin/pip install outloud==0.2.1",
    )
}

#[test]
fn outloud_finds_no_error_or_warning_in_any_profile() {
    let temp = TempProject::new("outloud");
    let pdfs: Vec<PathBuf> = samples_in_every_profile()
        .iter()
        .flat_map(|build| files_named(&build.out, "pdf"))
        .filter(|pdf| !pdf.components().any(|c| c.as_os_str() == "notices"))
        .collect();
    // 12 documents (5 of them an issue's members' own) and the catalogue on
    // screen and in the archive; in print also the separate cover.
    assert_eq!(pdfs.len(), 13 + 14 + 13, "{pdfs:#?}");
    let report = temp.path("outloud.json");
    let checked = std::process::Command::new(outloud())
        .args(["--skip", "TAG-002", "--fail-on", "never", "--json"])
        .arg(&report)
        .args(&pdfs)
        .output()
        .expect("outloud runs");
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let text = report.to_string();
    let results = report["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in the report: {text}"));
    assert_eq!(results.len(), pdfs.len(), "{text}");
    let mut problems = Vec::new();
    for result in results {
        let name = result["path"].as_str().unwrap_or("?");
        let (errors, warnings) = (&result["counts"]["error"], &result["counts"]["warning"]);
        if result["verdict"] == "unreadable" || errors != 0 || warnings != 0 {
            problems.push(format!(
                "{name}: {} ({errors} errors, {warnings} warnings): {}",
                result["verdict"], result["findings"]
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
