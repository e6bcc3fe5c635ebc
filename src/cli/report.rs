//! How commands talk: diagnostics as text (coloured on a terminal) or as
//! JSON lines, progress lines and a bar, all honouring `--quiet`,
//! `--verbose`, `--color` and `NO_COLOR`. A closed pipe (`| head`) is not
//! an error.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use briefpress::build::{Observer, Report, Stop};
use briefpress::catalogue::{self, Written};
use briefpress::diag::Diagnostic;
use briefpress::load::config;
use briefpress::load::project::Project;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

/// `--format`: how diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `file:line:col`, the source line and a caret, on standard error.
    Human,
    /// One JSON object per diagnostic and line, on standard output:
    /// file, line, column, severity, code, message, hint.
    Json,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard error is a terminal and `NO_COLOR` is unset.
    Auto,
    Always,
    Never,
}

/// The reporting settings of a run.
#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    pub format: Format,
    colour: bool,
    /// -1 quiet, 0 normal, 1+ verbose.
    pub verbosity: i8,
}

impl Reporter {
    pub fn new(format: Format, color: ColorChoice, quiet: bool, verbose: u8) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let colour = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stderr().is_terminal(),
        };
        let verbosity = if quiet {
            -1
        } else {
            i8::try_from(verbose).unwrap_or(i8::MAX)
        };
        Self {
            format,
            colour,
            verbosity,
        }
    }

    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// A diagnostic, in the chosen format.
    pub fn diagnostic(&self, diag: &Diagnostic) {
        match self.format {
            Format::Json => {
                if let Ok(line) = serde_json::to_string(&diag.to_json()) {
                    say(&line);
                }
            }
            Format::Human if self.colour => say_err(&diag.coloured()),
            Format::Human => say_err(&diag.to_string()),
        }
    }

    /// A document that failed: its name, then its diagnostics.
    pub fn failure(&self, display: &std::path::Path, diags: &[Diagnostic]) {
        if !self.json() {
            say_err(&format!(
                "failed  {}\n",
                briefpress::diag::escaped(&display.to_string_lossy())
            ));
        }
        for diag in &briefpress::diag::capped(diags) {
            self.diagnostic(diag);
        }
    }

    /// A line of progress (not with `--quiet` or `--format json`).
    pub fn line(&self, line: &str) {
        if self.verbosity >= 0 && !self.json() {
            say(line);
        }
    }

    /// Detail shown only with `--verbose`.
    pub fn detail(&self, line: &str) {
        if self.verbosity > 0 && !self.json() {
            say(line);
        }
    }

    /// The closing summary: on standard output, or standard error with
    /// `--format json` so that standard output stays JSON.
    pub fn summary(&self, line: &str) {
        if self.json() {
            say_err(&format!("{line}\n"));
        } else {
            say(line);
        }
    }

    /// A problem with the command itself (exit code 2).
    pub fn usage_error(&self, message: &str) -> std::process::ExitCode {
        self.diagnostic(&Diagnostic::error(message).with_code("usage"));
        std::process::ExitCode::from(2)
    }

    /// Diagnostics that stop a command before it starts (exit code 2).
    pub fn setup_failed(&self, problems: &[Diagnostic]) -> std::process::ExitCode {
        for problem in problems {
            self.diagnostic(problem);
        }
        std::process::ExitCode::from(2)
    }

    /// A run that could not start: a usage error or a broken project
    /// (exit code 2 either way).
    pub fn stopped(&self, stop: &Stop) -> std::process::ExitCode {
        match stop {
            Stop::Usage(message) => self.usage_error(message),
            Stop::Setup(problems) => self.setup_failed(problems),
        }
    }

    /// The project used and its configuration (with `--verbose`).
    pub fn project(&self, project: &Project) {
        let configured = match &project.config().file {
            Some(file) => file.display.display().to_string(),
            None => format!("no {}, defaults", config::FILE_NAME),
        };
        self.detail(&format!(
            "project {} ({configured})",
            project.root().display()
        ));
    }

    /// A progress bar for `total` documents, on a terminal only.
    pub fn progress(&self, total: usize) -> Progress {
        let show =
            self.verbosity >= 0 && !self.json() && std::io::stderr().is_terminal() && total >= 2;
        if !show {
            return Progress {
                bar: None,
                reporter: *self,
            };
        }
        let bar = ProgressBar::new(total as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:32.cyan/blue} {pos}/{len} documents, {elapsed}")
        {
            bar.set_style(style);
        }
        Progress {
            bar: Some(bar),
            reporter: *self,
        }
    }
}

/// A progress bar, with lines and diagnostics printed around it.
pub struct Progress {
    bar: Option<ProgressBar>,
    reporter: Reporter,
}

impl Progress {
    pub fn line(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.reporter.line(line)),
            None => self.reporter.line(line),
        }
    }

    pub fn failure(&self, display: &std::path::Path, diags: &[Diagnostic]) {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.reporter.failure(display, diags)),
            None => self.reporter.failure(display, diags),
        }
    }

    pub fn diagnostic(&self, diag: &Diagnostic) {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.reporter.diagnostic(diag)),
            None => self.reporter.diagnostic(diag),
        }
    }

    pub fn advance(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Prints a line on standard output.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Prints text, whole, on standard error.
pub fn say_err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The engine's events shown on the console: progress lines and a bar,
/// diagnostics in the chosen format.
pub struct Console {
    reporter: Reporter,
    progress: Option<Progress>,
    /// How the catalogue line says thumbnails were made.
    drawn: &'static str,
}

impl Console {
    pub fn new(reporter: &Reporter) -> Self {
        Self {
            reporter: *reporter,
            progress: None,
            drawn: "drawn again",
        }
    }

    /// For `catalogue`, which draws every thumbnail it lacks.
    pub fn drawing(mut self) -> Self {
        self.drawn = "drawn";
        self
    }

    /// Clears the progress bar.
    pub fn finish(&mut self) {
        if let Some(progress) = self.progress.take() {
            progress.finish();
        }
    }

    fn diagnostic_now(&self, diagnostic: &Diagnostic) {
        match &self.progress {
            Some(progress) => progress.diagnostic(diagnostic),
            None => self.reporter.diagnostic(diagnostic),
        }
    }
}

impl Observer for Console {
    fn project(&mut self, project: &Project) {
        self.reporter.project(project);
    }

    fn diagnostic(&mut self, diagnostic: &Diagnostic) {
        self.diagnostic_now(diagnostic);
    }

    fn failed(&mut self, display: &Path, diagnostics: &[Diagnostic]) {
        match &self.progress {
            Some(progress) => {
                progress.failure(display, diagnostics);
                progress.advance();
            }
            None => self.reporter.failure(display, diagnostics),
        }
    }

    fn unchanged(&mut self, display: &Path, output: &Path) {
        self.reporter.detail(&format!(
            "unchanged {} -> {}",
            display.display(),
            output.display()
        ));
    }

    fn building(&mut self, documents: usize) {
        self.progress = Some(self.reporter.progress(documents));
    }

    fn built(&mut self, built: &Report) {
        for warning in built.warnings {
            self.diagnostic_now(warning);
        }
        let mut line = format!(
            "built   {} -> {} ({} page{}, {} ms)",
            built.display.display(),
            built.output.display(),
            built.pages,
            if built.pages == 1 { "" } else { "s" },
            built.time.as_millis()
        );
        if self.reporter.verbosity > 0 {
            for verified in built.verified {
                line.push_str(&format!("\n        {verified}"));
            }
        }
        match &self.progress {
            Some(progress) => {
                progress.line(&line);
                progress.advance();
            }
            None => self.reporter.line(&line),
        }
    }

    fn emitted(&mut self, display: &Path, folder: &Path) {
        self.reporter.line(&format!(
            "typst   {} -> {}/",
            display.display(),
            folder.display()
        ));
    }

    fn catalogue(&mut self, folder: &Path, written: &Written) {
        self.finish();
        self.reporter.line(&format!(
            "catalogue {} and {} ({} documents, {} thumbnails {})",
            folder.join(catalogue::INDEX).display(),
            folder.join(catalogue::PDF).display(),
            written.documents,
            written.thumbnails_rendered,
            self.drawn
        ));
    }

    /// Names the documents still being built and stops the process: the
    /// engine cannot interrupt a compilation, and outputs are written
    /// atomically, so every PDF is either old or complete.
    fn timed_out(&mut self, after: Duration, building: &[PathBuf]) {
        let names: Vec<String> = building
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        say_err(&format!(
            "error: stopped after the --timeout of {} s; still building: {}\n",
            after.as_secs_f64(),
            if names.is_empty() {
                "(none)".to_string()
            } else {
                names.join(", ")
            }
        ));
        std::process::exit(1);
    }
}
