//! `briefpress completions <shell>` and `briefpress man [DIR]`: shell
//! completions and manual pages, from the same definitions that parse the
//! arguments, so they cannot drift.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;
use super::report::Reporter;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Folder for the pages: briefpress.1 and one briefpress-<command>.1
    /// per command.
    #[arg(default_value = "man")]
    pub dir: PathBuf,
}

pub fn completions(args: &CompletionsArgs) -> ExitCode {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "briefpress",
        &mut std::io::stdout(),
    );
    ExitCode::SUCCESS
}

pub fn man(args: &ManArgs, reporter: &Reporter) -> ExitCode {
    match write_pages(&args.dir) {
        Ok(pages) => {
            for page in pages {
                reporter.line(&format!("wrote   {}", page.display()));
            }
            ExitCode::SUCCESS
        }
        Err(message) => reporter.usage_error(&message),
    }
}

fn write_pages(dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir)
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    let command = Cli::command();
    let mut written = Vec::new();
    let mut write = |name: String, page: clap::Command| -> Result<(), String> {
        let mut text = Vec::new();
        clap_mangen::Man::new(page)
            .render(&mut text)
            .map_err(|err| format!("cannot render {name}: {err}"))?;
        let path = dir.join(name);
        briefpress::fsgate::write_atomic(&path, &text)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        written.push(path);
        Ok(())
    };
    for sub in command.get_subcommands() {
        let name = format!("briefpress-{}", sub.get_name());
        write(format!("{name}.1"), sub.clone().name(name))?;
    }
    write("briefpress.1".into(), command)?;
    Ok(written)
}
