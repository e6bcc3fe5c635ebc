//! `briefpress templates eject [DIR] [--only FILE]`: copies the built-in
//! templates (and the data contract they expect) into the project, where
//! they override the built-in ones file by file and a designer can change
//! them; `--only` copies one component or the theme overrides alone.

use std::path::PathBuf;
use std::process::ExitCode;

use briefpress::fsgate::write_atomic;
use briefpress::load::project::Project;
use briefpress::prepare::data::CONTRACT_VERSION;
use briefpress::typeset::templates;
use clap::{Args, Subcommand};

use super::report::Reporter;

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Copy the built-in templates into the project to customise them.
    #[command(
        after_help = "Examples:\n  briefpress templates eject            into the project's templates/ folder\n  briefpress templates eject --only theme-overrides.typ --only components/pull-quote.typ"
    )]
    Eject(EjectArgs),
}

#[derive(Debug, Args)]
pub struct EjectArgs {
    /// Folder to copy them to [default: the project's templates folder,
    /// `[build] templates` in briefpress.toml].
    pub dir: Option<PathBuf>,

    /// Overwrite templates already there.
    #[arg(long)]
    pub force: bool,

    /// Copy only this file (e.g. `components/pull-quote.typ`); repeatable.
    #[arg(long, value_name = "FILE")]
    pub only: Vec<String>,
}

pub fn run(command: &TemplatesCommand, reporter: &Reporter) -> ExitCode {
    let TemplatesCommand::Eject(args) = command;
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => match Project::discover(std::path::Path::new(".")) {
            Ok(project) => briefpress::load::project::shown(&project.templates_dir()),
            Err(problems) => return reporter.setup_failed(&problems),
        },
    };
    let names: Vec<&str> = templates::builtin_files().map(|(name, _)| name).collect();
    if let Some(unknown) = args
        .only
        .iter()
        .find(|only| !names.contains(&only.as_str()))
    {
        let near = briefpress::diag::closest(unknown, names.iter().copied())
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
        return reporter.usage_error(&format!(
            "there is no built-in template `{unknown}`{near} (they are: {})",
            names.join(", ")
        ));
    }
    let files: Vec<(PathBuf, &str)> = templates::builtin_files()
        .filter(|(name, _)| args.only.is_empty() || args.only.iter().any(|only| only == name))
        .map(|(name, text)| (dir.join(name), text))
        .collect();
    let taken: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| path.display().to_string())
        .collect();
    if !taken.is_empty() && !args.force {
        return reporter.usage_error(&format!(
            "{} already exist{}; --force overwrites",
            taken.join(", "),
            if taken.len() == 1 { "s" } else { "" }
        ));
    }
    for (path, text) in &files {
        let folder = path.parent().unwrap_or(&dir);
        if let Err(err) = std::fs::create_dir_all(folder) {
            return reporter.usage_error(&format!("cannot create {}: {err}", folder.display()));
        }
        if let Err(err) = write_atomic(path, text.as_bytes()) {
            return reporter.usage_error(&format!("cannot write {}: {err}", path.display()));
        }
        reporter.line(&format!("wrote   {}", path.display()));
    }
    reporter.line(&format!(
        "the templates expect data contract {CONTRACT_VERSION} (CONTRACT.md); each names it in its first line"
    ));
    ExitCode::SUCCESS
}
