//! `briefpress check`: every problem `build` would report, without writing
//! a PDF. By default it stops before layout (loading, preparing, glyph
//! coverage, images decoded, warnings), fast enough to run on every save;
//! `--deep` lays every document out as well, for the full set `build` gives
//! plus images under print resolution.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use briefpress::build::{Action, Engine, Observer, Options};
use briefpress::diag::Diagnostic;
use briefpress::load::project::Project;
use clap::Args;

use super::ProjectArgs;
use super::report::Reporter;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Lay every document out too (no PDF is written): the full set of
    /// diagnostics `build` gives, plus images under 300 dpi at their placed
    /// size.
    #[arg(long)]
    pub deep: bool,

    /// Documents laid out at once with --deep (default: all cores).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

/// Diagnostics shown as they come, each once, and counted.
struct Tally {
    reporter: Reporter,
    errors: usize,
    warnings: usize,
    /// Diagnostics already shown, by place and kind: an issue repeats its
    /// members'.
    shown: HashSet<String>,
}

impl Tally {
    fn report(&mut self, diags: &[Diagnostic]) {
        for diag in &briefpress::diag::capped(diags) {
            let key = match &diag.location {
                Some(loc) => format!("{}:{:?}:{}", loc.path.display(), loc.span, diag.code),
                None => diag.to_string(),
            };
            if self.shown.insert(key) {
                if diag.is_error() {
                    self.errors += 1;
                } else {
                    self.warnings += 1;
                }
                self.reporter.diagnostic(diag);
            }
        }
    }
}

impl Observer for Tally {
    fn project(&mut self, project: &Project) {
        self.reporter.project(project);
    }

    fn diagnostic(&mut self, diagnostic: &Diagnostic) {
        self.report(std::slice::from_ref(diagnostic));
    }

    fn failed(&mut self, _display: &Path, diagnostics: &[Diagnostic]) {
        self.report(diagnostics);
    }

    fn inspected(&mut self, _display: &Path, diagnostics: &[Diagnostic]) {
        self.report(diagnostics);
    }

    /// `check` sets no timeout.
    fn timed_out(&mut self, _after: Duration, _building: &[PathBuf]) {}
}

pub fn run(args: &CheckArgs, reporter: &Reporter) -> ExitCode {
    let options = match args.project.options() {
        Ok(options) => Options {
            jobs: args.jobs.map(usize::from),
            ..options
        },
        Err(message) => return reporter.usage_error(&message),
    };
    let mut tally = Tally {
        reporter: *reporter,
        errors: 0,
        warnings: 0,
        shown: HashSet::new(),
    };
    let action = Action::Check { deep: args.deep };
    let summary = match Engine::new(options, &mut tally).and_then(|e| e.run(action, &mut tally)) {
        Ok(summary) => summary,
        Err(stop) => return reporter.stopped(&stop),
    };
    let documents = summary.checked;
    if documents == 0 {
        reporter.line("no documents yet: `briefpress new article briefs/NAME.toml` starts one");
    }
    reporter.summary(&format!(
        "checked {} document{}{}: {} error{}, {} warning{} in {:.2} s",
        documents,
        if documents == 1 { "" } else { "s" },
        if args.deep { " with layout" } else { "" },
        tally.errors,
        if tally.errors == 1 { "" } else { "s" },
        tally.warnings,
        if tally.warnings == 1 { "" } else { "s" },
        summary.time.as_secs_f64()
    ));
    if tally.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
