//! `briefpress catalogue [OUT]`: writes the offline catalogue of an output
//! folder (index.html, thumbnails, SHA256SUMS) for the documents already
//! built there, without building; `build` over folders does the same at
//! its end.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use briefpress::batch::{self, Destination};
use briefpress::export::catalogue;
use clap::Args;

use super::ProjectArgs;
use super::build::{projects, setup};
use super::report::Reporter;

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
    let (project, paths) = match projects(&args.project) {
        Ok(mut groups) if groups.len() == 1 => groups.remove(0),
        Ok(_) => return reporter.usage_error("catalogue takes documents of one project at a time"),
        Err(problems) => return reporter.setup_failed(&problems),
    };
    let out_dir = args.out_dir.clone().unwrap_or_else(|| project.out_dir());
    if !out_dir.is_dir() {
        return reporter.usage_error(&format!(
            "{} does not exist: build first (`briefpress build`)",
            out_dir.display()
        ));
    }
    let typesetter = match setup(project, &args.project, reporter) {
        Ok(typesetter) => typesetter,
        Err(problems) => return reporter.setup_failed(&problems),
    };
    let discovered = match batch::discover(typesetter.project(), &paths) {
        Ok(discovered) => discovered,
        Err(message) => return reporter.usage_error(&message),
    };
    for warning in &discovered.warnings {
        reporter.diagnostic(warning);
    }
    for failure in &discovered.refused {
        reporter.failure(&failure.display, &failure.diagnostics);
    }
    let inputs = discovered.inputs;
    let plan = batch::plan(
        &typesetter,
        &inputs,
        &Destination::Folder(Path::new(&out_dir)),
        batch::Keep::for_run(inputs.len()),
    );
    for failure in &plan.failures {
        reporter.failure(&failure.display, &failure.diagnostics);
    }
    let publication = typesetter.project().config().publication.name.clone();
    match catalogue::write(
        &typesetter,
        &out_dir,
        &plan.jobs,
        &plan.notices,
        publication.as_deref(),
    ) {
        Ok(written) => {
            reporter.line(&format!(
                "catalogue {} and {} ({} documents, {} thumbnails drawn)",
                out_dir.join(catalogue::INDEX).display(),
                out_dir.join(catalogue::PDF).display(),
                written.documents,
                written.thumbnails_rendered
            ));
            if plan.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(message) => reporter.usage_error(&message),
    }
}
