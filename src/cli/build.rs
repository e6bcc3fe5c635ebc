//! `briefpress build`: every document given, each into its PDF, on all
//! cores, skipping those whose inputs are unchanged since the last build. A
//! failing document is reported and the others still build; the exit code
//! says whether all succeeded.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use briefpress::batch::{self, Destination, Finished, Job, Outcome};
use briefpress::config;
use briefpress::diag::Diagnostic;
use briefpress::manifest::{Entry, Manifest};
use briefpress::project::Project;
use briefpress::typeset::{Typesetter, fonts};
use indicatif::{ProgressBar, ProgressStyle};

use super::BuildArgs;

/// What one build did, and the files it depends on (for `watch`).
#[derive(Default)]
pub struct Summary {
    pub built: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub inputs: BTreeSet<PathBuf>,
}

pub fn run(args: &BuildArgs) -> ExitCode {
    let groups = match projects(args) {
        Ok(groups) => groups,
        Err(problems) => return setup_failed(&problems),
    };
    if args.output.is_some() && groups.len() > 1 {
        return usage_error("--output needs exactly one document; use --out-dir for several");
    }
    let mut failed = false;
    for (project, paths) in groups {
        let typesetter = match setup(project, args) {
            Ok(typesetter) => typesetter,
            Err(problems) => return setup_failed(&problems),
        };
        match execute(&typesetter, args, &paths, args.force) {
            Ok(summary) => failed |= summary.failed > 0,
            Err(message) => return usage_error(&message),
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The projects the paths given belong to, each with its paths: the one
/// `--root` names, or for each path the nearest folder above it with a
/// `briefpress.toml` (else the working directory).
pub fn projects(args: &BuildArgs) -> Result<Vec<(Project, Vec<PathBuf>)>, Vec<Diagnostic>> {
    if let Some(root) = &args.root {
        let project = Project::open(root)?;
        return Ok(vec![(project, args.paths.clone())]);
    }
    let mut groups: Vec<(Project, Vec<PathBuf>)> = Vec::new();
    for path in &args.paths {
        let root = config::find_root(path).unwrap_or_else(|| PathBuf::from("."));
        let root = root.canonicalize().unwrap_or(root);
        match groups
            .iter_mut()
            .find(|(project, _)| project.root() == root)
        {
            Some((_, paths)) => paths.push(path.clone()),
            None => {
                let project = Project::open(&root)?;
                groups.push((project, vec![path.clone()]));
            }
        }
    }
    Ok(groups)
}

/// The fonts and compiler shared by every document of a project in the run.
pub fn setup(project: Project, args: &BuildArgs) -> Result<Typesetter, Vec<Diagnostic>> {
    let fonts =
        fonts::load(&args.font_paths).map_err(|message| vec![Diagnostic::error(message)])?;
    let problems = config::check_fonts(project.config(), fonts.store.book());
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Typesetter::new(project, fonts))
}

/// One build of every document in `paths` (skipping unchanged ones unless
/// `force`), reported as it goes. `Err` is a usage problem.
pub fn execute(
    typesetter: &Typesetter,
    args: &BuildArgs,
    paths: &[PathBuf],
    force: bool,
) -> Result<Summary, String> {
    let started = Instant::now();
    let configured_out = typesetter.project().out_dir();
    let out_dir = args.out_dir.as_deref().unwrap_or(&configured_out);
    let mut inputs = match batch::discover(paths)? {
        inputs if inputs.is_empty() => return Err("no documents (*.toml) found".into()),
        inputs => inputs,
    };
    let destination = match &args.output {
        Some(_) if inputs.len() != 1 => {
            return Err("--output needs exactly one document; use --out-dir for several".into());
        }
        Some(file) => Destination::File(file),
        None => Destination::Folder(out_dir),
    };
    if let Some((k, n)) = args.shard {
        inputs = batch::shard(typesetter.project(), inputs, k, n);
    }
    let mut summary = Summary::default();
    summary
        .inputs
        .extend(inputs.iter().map(|input| input.path.clone()));

    let (mut jobs, failures) = batch::plan(typesetter, &inputs, &destination);
    if args.no_members {
        jobs.retain(|job| !job.member);
    }
    for failure in &failures {
        report_failure(&failure.display, &failure.diagnostics);
    }
    summary.failed = failures.len();
    let root = typesetter.project().root();

    // Incremental builds keep a manifest in the output folder (not for -o).
    let out_dir = args.output.is_none().then_some(out_dir);
    let manifest = out_dir.map(Manifest::load).unwrap_or_default();
    let (stale, fresh): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|job| {
        let Some(out_dir) = out_dir else { return true };
        force || !manifest.is_fresh(out_dir, root, &job.output, &job.key)
    });
    summary.unchanged = fresh.len();

    let progress = Progress::new(stale.len(), args.quiet);
    let shared = Mutex::new((summary, manifest));
    let timeout = args
        .timeout
        .filter(|s| *s > 0.0)
        .map(std::time::Duration::from_secs_f64);
    batch::run_with_timeout(
        typesetter,
        &stale,
        args.jobs.map_or_else(default_jobs, usize::from),
        timeout,
        |finished: Finished| {
            let job = finished.job;
            let display = &job.file.display;
            let Ok(mut guard) = shared.lock() else { return };
            let (summary, manifest) = &mut *guard;
            match finished.outcome {
                Outcome::Built {
                    pages,
                    warnings,
                    files_read,
                } => {
                    summary.built += 1;
                    if let Some(out_dir) = out_dir {
                        let inputs = job.sources.iter().cloned().chain(files_read);
                        manifest.record(
                            out_dir,
                            &job.output,
                            Entry::new(job.key.clone(), root, inputs),
                        );
                    }
                    for warning in &warnings {
                        progress.error(&warning.to_string());
                    }
                    if !args.quiet {
                        progress.line(&format!(
                            "built   {} -> {} ({pages} page{}, {} ms)",
                            display.display(),
                            job.output.display(),
                            if pages == 1 { "" } else { "s" },
                            finished.time.as_millis()
                        ));
                    }
                }
                Outcome::Failed(diagnostics) => {
                    summary.failed += 1;
                    if let Some(out_dir) = out_dir {
                        manifest.forget(out_dir, &job.output);
                    }
                    progress.error(&failure_text(display, &diagnostics));
                }
            }
            progress.advance();
        },
    );
    progress.finish();

    let (mut summary, manifest) = shared
        .into_inner()
        .map_err(|_| "a worker failed".to_string())?;
    if let Some(out_dir) = out_dir {
        if let Err(err) = manifest.save(out_dir, args.shard) {
            say_err(&format!(
                "warning: cannot write the build manifest in {}: {err}\n",
                out_dir.display()
            ));
        }
        for job in stale.iter().chain(&fresh) {
            summary.inputs.extend(job.sources.iter().cloned());
            summary.inputs.extend(
                manifest
                    .inputs_of(out_dir, &job.output)
                    .map(|path| root.join(path)),
            );
        }
    }
    say(&format!(
        "{} built, {} unchanged, {} failed in {:.2} s",
        summary.built,
        summary.unchanged,
        summary.failed,
        started.elapsed().as_secs_f64()
    ));
    Ok(summary)
}

/// All cores.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn report_failure(display: &Path, diags: &[Diagnostic]) {
    say_err(&failure_text(display, diags));
}

fn failure_text(display: &Path, diags: &[Diagnostic]) -> String {
    let mut text = format!("failed  {}\n", display.display());
    for diag in diags {
        text.push_str(&diag.to_string());
    }
    text
}

/// A progress bar on a terminal; plain lines otherwise (or with --quiet).
struct Progress(Option<ProgressBar>);

impl Progress {
    fn new(total: usize, quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() || total < 2 {
            return Self(None);
        }
        let bar = ProgressBar::new(total as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:32.cyan/blue} {pos}/{len} documents, {elapsed}")
        {
            bar.set_style(style);
        }
        Self(Some(bar))
    }

    fn line(&self, line: &str) {
        match &self.0 {
            Some(bar) => bar.println(line),
            None => say(line),
        }
    }

    fn error(&self, text: &str) {
        match &self.0 {
            Some(bar) => bar.suspend(|| say_err(text)),
            None => say_err(text),
        }
    }

    fn advance(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Prints a line; a closed pipe (`briefpress build | head`) is not an error.
fn say(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Prints diagnostics, whole, to standard error.
fn say_err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The project or its fonts could not be set up: nothing is built.
pub fn setup_failed(problems: &[Diagnostic]) -> ExitCode {
    for problem in problems {
        say_err(&problem.to_string());
    }
    ExitCode::from(2)
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
