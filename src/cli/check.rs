//! `briefpress check`: every problem `build` would report, without writing
//! a PDF. By default it stops before layout (loading, preparing, glyph
//! coverage, warnings), fast enough to run on every save; `--deep` lays
//! every document out as well, for the full set `build` gives plus images
//! under print resolution.

use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use briefpress::batch::{self, Destination, Job};
use briefpress::diag::Diagnostic;
use briefpress::pipeline;
use briefpress::typeset::Typesetter;
use clap::Args;

use super::ProjectArgs;
use super::build::{projects, setup};
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

/// Counts over a whole run.
#[derive(Default)]
struct Tally {
    documents: usize,
    errors: usize,
    warnings: usize,
    /// Diagnostics already shown, by place and kind: an issue repeats its
    /// members'.
    shown: HashSet<String>,
}

impl Tally {
    fn report(&mut self, reporter: &Reporter, diags: &[Diagnostic]) {
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
                reporter.diagnostic(diag);
            }
        }
    }
}

pub fn run(args: &CheckArgs, reporter: &Reporter) -> ExitCode {
    let started = Instant::now();
    let groups = match projects(&args.project) {
        Ok(groups) => groups,
        Err(problems) => return reporter.setup_failed(&problems),
    };
    let mut tally = Tally::default();
    for (project, paths) in groups {
        let typesetter = match setup(project, &args.project, reporter) {
            Ok(typesetter) => typesetter,
            Err(problems) => return reporter.setup_failed(&problems),
        };
        let discovered = match batch::discover(typesetter.project(), &paths) {
            Ok(found) if found.inputs.is_empty() && found.refused.is_empty() => {
                return reporter.usage_error("no documents (*.toml) found");
            }
            Ok(found) => found,
            Err(message) => return reporter.usage_error(&message),
        };
        tally.documents += discovered.refused.len();
        tally.report(reporter, &discovered.warnings);
        for failure in &discovered.refused {
            tally.report(reporter, &failure.diagnostics);
        }
        let inputs = discovered.inputs;
        if let Some(file) = &typesetter.project().config().file {
            tally.report(reporter, &briefpress::prepare::lint::placeholders(file));
        }
        // Output paths are planned but nothing is written.
        let batch::Plan {
            jobs,
            failures,
            notices,
        } = batch::plan(
            &typesetter,
            &inputs,
            &Destination::Folder(Path::new("out")),
            batch::Keep::All,
        );
        tally.documents +=
            jobs.iter().filter(|job| !job.member).count() + failures.len() + notices.len();
        for failure in &failures {
            tally.report(reporter, &failure.diagnostics);
        }
        for job in &jobs {
            tally.report(reporter, &job.prepared.warnings);
        }
        if args.deep {
            // An issue lays its members out; their own PDFs differ only in
            // running heads.
            let whole: Vec<&Job> = jobs.iter().filter(|job| !job.member).collect();
            let workers = args.jobs.map_or_else(
                || std::thread::available_parallelism().map_or(1, |n| n.get()),
                usize::from,
            );
            for diags in lay_out(&typesetter, &whole, workers) {
                tally.report(reporter, &diags);
            }
        }
    }
    reporter.summary(&format!(
        "checked {} document{}{}: {} error{}, {} warning{} in {:.2} s",
        tally.documents,
        if tally.documents == 1 { "" } else { "s" },
        if args.deep { " with layout" } else { "" },
        tally.errors,
        if tally.errors == 1 { "" } else { "s" },
        tally.warnings,
        if tally.warnings == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    ));
    if tally.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Lays the documents out on `workers` threads (with the large stacks
/// builds use) and returns each one's diagnostics, in the order given.
fn lay_out(typesetter: &Typesetter, jobs: &[&Job], workers: usize) -> Vec<Vec<Diagnostic>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Vec<Diagnostic>>>> = Mutex::new(vec![None; jobs.len()]);
    std::thread::scope(|scope| {
        for n in 0..workers.min(jobs.len()).max(1) {
            let worker = std::thread::Builder::new()
                .name(format!("{}-{n}", batch::WORKER_NAME))
                .stack_size(batch::WORKER_STACK)
                .spawn_scoped(scope, || {
                    loop {
                        let index = next.fetch_add(1, Ordering::SeqCst);
                        let Some(job) = jobs.get(index) else { break };
                        let diags = batch::contained_diagnostics(|| {
                            pipeline::inspect(typesetter, &job.prepared, &job.file)
                        });
                        if let Ok(mut results) = results.lock() {
                            results[index] = Some(diags);
                        }
                    }
                });
            if worker.is_err() {
                break;
            }
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}
