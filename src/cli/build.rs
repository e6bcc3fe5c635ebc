//! `briefpress build`: every document given, each into its PDF, on all
//! cores, skipping those whose inputs are unchanged since the last build. A
//! failing document is reported and the others still build; the exit code
//! says whether all succeeded.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use briefpress::batch::{self, Destination, Finished, Job, Outcome};
use indicatif::{ProgressBar, ProgressStyle};
use briefpress::diag::Diagnostic;
use briefpress::manifest::{Entry, Manifest};
use briefpress::project::Project;
use briefpress::typeset::{Typesetter, fonts};

use super::BuildArgs;

/// Counts for the summary line.
#[derive(Default)]
struct Tally {
    built: usize,
    failed: usize,
}

pub fn run(args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    let setup = Project::open(&args.root).and_then(|project| {
        let fonts = fonts::load(&args.font_paths)?;
        Ok(Typesetter::new(project, fonts))
    });
    let typesetter = match setup {
        Ok(typesetter) => typesetter,
        Err(message) => return usage_error(&message),
    };
    let mut inputs = match batch::discover(&args.paths) {
        Ok(inputs) if inputs.is_empty() => return usage_error("no documents (*.toml) found"),
        Ok(inputs) => inputs,
        Err(message) => return usage_error(&message),
    };
    let destination = match &args.output {
        Some(_) if inputs.len() != 1 => {
            return usage_error("--output needs exactly one document; use --out-dir for several");
        }
        Some(file) => Destination::File(file),
        None => Destination::Folder(&args.out_dir),
    };
    if let Some((k, n)) = args.shard {
        inputs = batch::shard(typesetter.project(), inputs, k, n);
    }

    let (jobs, failures) = batch::plan(&typesetter, &inputs, &destination);
    for failure in &failures {
        report_failure(&failure.display, &failure.diagnostics);
    }

    // Incremental builds keep a manifest in the output folder (not for -o).
    let out_dir = args.output.is_none().then_some(args.out_dir.as_path());
    let manifest = Mutex::new(out_dir.map(Manifest::load).unwrap_or_default());
    let (stale, fresh): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|job| {
        let Some(out_dir) = out_dir else { return true };
        let root = typesetter.project().root();
        args.force
            || !manifest
                .lock()
                .is_ok_and(|m| m.is_fresh(out_dir, root, &job.output, &job.key))
    });

    let progress = Progress::new(stale.len(), args.quiet);
    let tally = Mutex::new(Tally {
        built: 0,
        failed: failures.len(),
    });
    let jobs_n = args.jobs.map_or_else(default_jobs, usize::from);
    batch::run(&typesetter, &stale, jobs_n, |finished: Finished| {
        let job = finished.job;
        let display = &job.file.display;
        let (Ok(mut tally), Ok(mut manifest)) = (tally.lock(), manifest.lock()) else {
            return;
        };
        match finished.outcome {
            Outcome::Built {
                pages,
                warnings,
                files_read,
            } => {
                tally.built += 1;
                if let Some(out_dir) = out_dir {
                    let inputs = job.sources.iter().cloned().chain(files_read);
                    let entry = Entry::new(job.key.clone(), typesetter.project().root(), inputs);
                    manifest.record(out_dir, &job.output, entry);
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
                tally.failed += 1;
                if let Some(out_dir) = out_dir {
                    manifest.forget(out_dir, &job.output);
                }
                progress.error(&failure_text(display, &diagnostics));
            }
        }
        progress.advance();
    });
    progress.finish();

    if let (Some(out_dir), Ok(manifest)) = (out_dir, manifest.into_inner())
        && let Err(err) = manifest.save(out_dir, args.shard)
    {
        say_err(&format!(
            "warning: cannot write the build manifest in {}: {err}\n",
            out_dir.display()
        ));
    }
    let tally = tally.into_inner().unwrap_or_default();
    let seconds = started.elapsed().as_secs_f64();
    say(&format!(
        "{} built, {} unchanged, {} failed in {seconds:.2} s",
        tally.built,
        fresh.len(),
        tally.failed
    ));
    if tally.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
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
        if let Ok(style) = ProgressStyle::with_template("{bar:32.cyan/blue} {pos}/{len} documents, {elapsed}") {
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

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
