//! `briefpress templates eject [DIR]`: copies the built-in templates (and
//! the data contract they expect) into the project, where they override the
//! built-in ones file by file and a designer can change them.

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
        after_help = "Example:\n  briefpress templates eject            into the project's templates/ folder"
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
    let files: Vec<(PathBuf, &str)> = templates::builtin_files()
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
    if let Err(err) = std::fs::create_dir_all(&dir) {
        return reporter.usage_error(&format!("cannot create {}: {err}", dir.display()));
    }
    for (path, text) in &files {
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
