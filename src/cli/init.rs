//! `briefpress init [DIR]`: a new project, ready to build: a commented
//! `briefpress.toml`, `briefs/` with one example of each kind, the JSON
//! Schemas for editors and a `.gitignore` for `out/`. It never overwrites.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use briefpress::fsgate::write_atomic;
use briefpress::load::config;
use clap::Args;

use super::new::{Fill, Kind, skeleton};
use super::report::Reporter;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder of the new project (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// The commented configuration a new project starts from.
const CONFIG: &str = include_str!("skeletons/briefpress.toml");

pub fn run(args: &InitArgs, reporter: &Reporter) -> ExitCode {
    let dir = &args.dir;
    let briefs = dir.join("briefs");
    let files: Vec<(PathBuf, Kind)> = [
        ("example-article.toml", Kind::Article),
        ("example-brief.toml", Kind::Brief),
        ("example-issue.toml", Kind::Issue),
        ("example-compendium.toml", Kind::Compendium),
        ("parts/example-entries.toml", Kind::CompendiumPart),
    ]
    .into_iter()
    .map(|(name, kind)| (briefs.join(name), kind))
    .collect();
    let config_file = dir.join(config::FILE_NAME);
    let gitignore = dir.join(".gitignore");
    let taken: Vec<&Path> = std::iter::once(config_file.as_path())
        .chain(files.iter().map(|(path, _)| path.as_path()))
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
    match write_project(dir, &config_file, &gitignore, &files) {
        Ok(written) => {
            for path in written {
                reporter.line(&format!("wrote   {}", path.display()));
            }
            reporter.line(&format!(
                "next: cd {} && briefpress check && briefpress build",
                dir.display()
            ));
            ExitCode::SUCCESS
        }
        Err(message) => reporter.usage_error(&message),
    }
}

fn write_project(
    dir: &Path,
    config_file: &Path,
    gitignore: &Path,
    files: &[(PathBuf, Kind)],
) -> Result<Vec<PathBuf>, String> {
    let create = |path: &Path| {
        std::fs::create_dir_all(path)
            .map_err(|err| format!("cannot create {}: {err}", path.display()))
    };
    let write = |path: &Path, text: &str| {
        if let Some(parent) = path.parent() {
            create(parent)?;
        }
        write_atomic(path, text.as_bytes())
            .map_err(|err| format!("cannot write {}: {err}", path.display()))
    };
    create(dir)?;
    let root = dir
        .canonicalize()
        .map_err(|err| format!("cannot open {}: {err}", dir.display()))?;
    let mut written = Vec::new();
    write(config_file, CONFIG)?;
    written.push(config_file.to_path_buf());
    if !gitignore.exists() {
        write(gitignore, "/out\n")?;
        written.push(gitignore.to_path_buf());
    }
    written.extend(super::schema::write_all(
        &dir.join(briefpress::load::schema::DIR),
    )?);
    for (path, kind) in files {
        let fill = Fill {
            articles: match kind {
                Kind::Issue => vec!["example-article.toml".into(), "example-brief.toml".into()],
                _ => vec![],
            },
            include: match kind {
                Kind::Compendium => vec!["parts/example-entries.toml".into()],
                _ => vec![],
            },
            has_publication: true,
        };
        if let Some(parent) = path.parent() {
            create(parent)?;
        }
        write(path, &skeleton(*kind, path, &root, &fill))?;
        written.push(path.clone());
    }
    Ok(written)
}
