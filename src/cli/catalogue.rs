//! `briefpress catalogue [OUT]`: writes the offline catalogue of an output
//! folder (index.html, catalogue.pdf, thumbnails, SHA256SUMS) for the
//! documents already built there, without building; `build` over folders
//! does the same at its end.

use std::path::PathBuf;
use std::process::ExitCode;

use briefpress::build::{Action, Engine, Options};
use clap::Args;

use super::ProjectArgs;
use super::report::{Console, Reporter};

#[derive(Debug, Args)]
pub struct CatalogueArgs {
    /// The output folder to catalogue [default: the project's, `out/`].
    #[arg(long = "out-dir", value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// The documents to list (those whose PDFs exist in the folder), and
    /// where their project is.
    #[command(flatten)]
    pub project: ProjectArgs,
}

pub fn run(args: &CatalogueArgs, reporter: &Reporter) -> ExitCode {
    let options = match args.project.options() {
        Ok(options) => Options {
            out_dir: args.out_dir.clone(),
            ..options
        },
        Err(message) => return reporter.usage_error(&message),
    };
    let mut console = Console::new(reporter).drawing();
    let outcome = Engine::new(options, &mut console).and_then(|engine| {
        if engine.projects().count() > 1 {
            return Err(briefpress::build::Stop::Usage(
                "catalogue takes documents of one project at a time".into(),
            ));
        }
        engine.run(Action::Catalogue, &mut console)
    });
    match outcome {
        Ok(summary) if summary.failed > 0 => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(stop) => reporter.stopped(&stop),
    }
}
