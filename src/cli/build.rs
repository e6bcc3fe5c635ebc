//! `briefpress build`: every document given, each into its PDF, on all
//! cores. A failing document is reported and the others still build; the
//! exit code says whether all succeeded.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use briefpress::batch::{self, Destination, Finished, Outcome};
use briefpress::diag::Diagnostic;
use briefpress::project::Project;
use briefpress::typeset::{Typesetter, fonts};

use super::BuildArgs;

pub fn run(args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    let setup = Project::open(&args.root).and_then(|project| {
        let fonts = fonts::font_store(&args.font_paths)?;
        Ok(Typesetter::new(project, fonts))
    });
    let typesetter = match setup {
        Ok(typesetter) => typesetter,
        Err(message) => return usage_error(&message),
    };
    let inputs = match batch::discover(&args.paths) {
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

    let (jobs, failures) = batch::plan(&typesetter, &inputs, &destination);
    for failure in &failures {
        report_failure(&failure.display, &failure.diagnostics);
    }
    let built = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::atomic::AtomicUsize::new(failures.len());
    let jobs_n = args.jobs.map_or_else(default_jobs, usize::from);
    batch::run(&typesetter, &jobs, jobs_n, |finished: Finished| {
        let display = &finished.job.file.display;
        match finished.outcome {
            Outcome::Built { pages, warnings } => {
                built.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                for warning in &warnings {
                    say_err(&warning.to_string());
                }
                if !args.quiet {
                    say(&format!(
                        "built   {} -> {} ({pages} page{}, {} ms)",
                        display.display(),
                        finished.job.output.display(),
                        if pages == 1 { "" } else { "s" },
                        finished.time.as_millis()
                    ));
                }
            }
            Outcome::Failed(diagnostics) => {
                failed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                report_failure(display, &diagnostics);
            }
        }
    });

    let (built, failed) = (built.into_inner(), failed.into_inner());
    let seconds = started.elapsed().as_secs_f64();
    say(&format!("{built} built, {failed} failed in {seconds:.2} s"));
    if failed > 0 {
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
    let mut text = format!("failed  {}\n", display.display());
    for diag in diags {
        text.push_str(&diag.to_string());
    }
    say_err(&text);
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
