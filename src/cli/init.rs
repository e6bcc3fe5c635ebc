//! `briefpress init [DIR]`: a new project, ready for its first document: a
//! commented `briefpress.toml`, an empty `briefs/`, the JSON Schemas for
//! editors and a `.gitignore` for `out/`; it checks clean. `--examples` adds
//! the sample documents (real articles, a brief, an issue, a compendium and
//! a notice, with their images), which build as they are. It never
//! overwrites.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use briefpress::fsgate::write_atomic;
use briefpress::load::config;
use clap::Args;

use super::report::Reporter;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder of the new project (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Add the sample documents (articles, a brief, an issue, a compendium
    /// and a notice with real text and images), ready to build.
    #[arg(long)]
    pub examples: bool,
}

/// The commented configuration a new project starts from.
const CONFIG: &str = include_str!("skeletons/briefpress.toml");

/// The `[publication]` keys of a new project, commented out: nothing to
/// replace before the first check.
const PUBLICATION: &str = "\
# name = \"OE Watch\"                    # printed on covers and running heads; an issue needs it
# masthead = \"Editors, address: printed on an issue's contents page\"
# issn = \"2049-3630\"
# distribution = \"Approved for public release; distribution unlimited.\"
# disclaimer = \"The views expressed are those of the authors.\"
# logo = \"assets/logo.svg\"             # relative to this file
# language = \"en\"
";

/// The samples' own configuration, which the examples need (publication,
/// logo, style).
const EXAMPLES_CONFIG: &str = include_str!("../../briefpress.toml");

/// The line of [`EXAMPLES_CONFIG`] that points the repository at its own
/// templates folder, which an examples project does not have.
const OWN_TEMPLATES: &str = "templates = \"templates\"\n";

/// The sample documents and what they need, by path in the project.
macro_rules! samples {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../../", $path)).as_slice())),*]
    };
}

pub static EXAMPLES: &[(&str, &[u8])] = samples![
    "assets/logo.svg",
    "briefs/README.md",
    "briefs/central-asia/china-bri-security.toml",
    "briefs/central-asia/china-tajikistan-security.toml",
    "briefs/central-asia/migrant-workers-trenches.toml",
    "briefs/central-asia/russia-bases-readiness.toml",
    "briefs/central-asia/russia-security-commitments.toml",
    "briefs/central-asia/images/201st-military-base.png",
    "briefs/central-asia/images/kyrgyz-highway.png",
    "briefs/central-asia/images/migrant-workers-moscow.png",
    "briefs/central-asia/images/rahmon-putin.png",
    "briefs/compendium/central-asia-compendium.toml",
    "briefs/compendium/parts/exercises.toml",
    "briefs/compendium/parts/facilities.toml",
    "briefs/compendium/parts/incidents.toml",
    "briefs/compendium/parts/structures.toml",
    "briefs/issues/oe-watch-2024-02.toml",
    "briefs/issues/images/cover-tian-shan.png",
    "briefs/notices/new-great-game.toml",
];

/// The configuration a new project gets.
fn config_text(examples: bool) -> String {
    if examples {
        EXAMPLES_CONFIG.replace(OWN_TEMPLATES, "")
    } else {
        CONFIG.replace("{publication}", PUBLICATION)
    }
}

pub fn run(args: &InitArgs, reporter: &Reporter) -> ExitCode {
    let dir = &args.dir;
    let config_file = dir.join(config::FILE_NAME);
    let samples: &[(&str, &[u8])] = if args.examples { EXAMPLES } else { &[] };
    let taken: Vec<PathBuf> = std::iter::once(config_file.clone())
        .chain(samples.iter().map(|(path, _)| dir.join(path)))
        .filter(|path| path.exists())
        .collect();
    if !taken.is_empty() {
        let names: Vec<String> = taken.iter().map(|p| p.display().to_string()).collect();
        return reporter.usage_error(&format!(
            "{} already exist{}; init never overwrites (choose an empty folder)",
            names.join(", "),
            if names.len() == 1 { "s" } else { "" }
        ));
    }
    match write_project(dir, &config_text(args.examples), samples) {
        Ok(written) => {
            for path in written {
                reporter.line(&format!("wrote   {}", path.display()));
            }
            reporter.line(&if args.examples {
                format!("next: cd {} && briefpress build", dir.display())
            } else {
                format!(
                    "next: cd {} && briefpress new article briefs/first-article.toml",
                    dir.display()
                )
            });
            ExitCode::SUCCESS
        }
        Err(message) => reporter.usage_error(&message),
    }
}

fn write_project(
    dir: &Path,
    config_text: &str,
    samples: &[(&str, &[u8])],
) -> Result<Vec<PathBuf>, String> {
    let create = |path: &Path| {
        std::fs::create_dir_all(path)
            .map_err(|err| format!("cannot create {}: {err}", path.display()))
    };
    let write = |path: &Path, bytes: &[u8]| {
        if let Some(parent) = path.parent() {
            create(parent)?;
        }
        write_atomic(path, bytes).map_err(|err| format!("cannot write {}: {err}", path.display()))
    };
    create(&dir.join("briefs"))?;
    let mut written = Vec::new();
    let config_file = dir.join(config::FILE_NAME);
    write(&config_file, config_text.as_bytes())?;
    written.push(config_file);
    let gitignore = dir.join(".gitignore");
    if !gitignore.exists() {
        write(&gitignore, b"/out\n")?;
        written.push(gitignore);
    }
    written.extend(super::schema::write_all(
        &dir.join(briefpress::load::schema::DIR),
    )?);
    for (path, bytes) in samples {
        let path = dir.join(path);
        write(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_examples_do_not_point_at_the_repository_templates() {
        assert!(EXAMPLES_CONFIG.contains(OWN_TEMPLATES));
        assert!(!config_text(true).contains("templates = "));
        assert!(!config_text(false).contains("{publication}"));
    }
}
