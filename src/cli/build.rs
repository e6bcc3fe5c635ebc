//! `briefpress build`: every document given, each into its PDF, on all
//! cores, skipping those whose inputs are unchanged since the last build.
//! The engine does the work; this maps arguments to its options and says
//! what happened.

use std::process::ExitCode;

use briefpress::build::{Action, Engine, Options, Summary};

use super::BuildArgs;
use super::report::{Console, Reporter};

pub fn run(args: &BuildArgs, reporter: &Reporter) -> ExitCode {
    let options = match args.options() {
        Ok(options) => options,
        Err(message) => return reporter.usage_error(&message),
    };
    let mut console = Console::new(reporter);
    let outcome = Engine::new(options, &mut console)
        .and_then(|engine| engine.run(Action::Build, &mut console));
    console.finish();
    match outcome {
        Ok(summary) => {
            reporter.summary(&summary_line(&summary));
            if summary.failed > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(stop) => reporter.stopped(&stop),
    }
}

/// "3 built, 1 unchanged, 0 failed in 0.42 s".
pub fn summary_line(summary: &Summary) -> String {
    format!(
        "{} built, {} unchanged, {} failed in {:.2} s",
        summary.built,
        summary.unchanged,
        summary.failed,
        summary.time.as_secs_f64()
    )
}

impl BuildArgs {
    /// The engine's options for these arguments.
    pub fn options(&self) -> Result<Options, String> {
        Ok(Options {
            output: self.output.clone(),
            out_dir: self.out_dir.clone(),
            jobs: self.jobs.map(usize::from),
            no_members: self.no_members,
            force: self.force,
            shard: self.shard,
            timeout: self.timeout,
            emit_typst: self.emit_typst.clone(),
            no_catalogue: self.no_catalogue,
            editions: self.edition.as_ref().map(|list| list.0.clone()),
            ..self.project.options()?
        })
    }
}
