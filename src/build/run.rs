//! Runs jobs on the engine's one thread pool: one pull loop per worker
//! over the queue (longest first), each document contained, so a panic is
//! an internal error of that document alone.
//!
//! The pool is rayon's, entered with `install`, so Typst's own parallel
//! layout runs on the same threads (with the same large stacks) instead of
//! rayon's global pool. Each worker pulls whole documents itself: a worker
//! waiting inside Typst's parallel layout can help with layout work but
//! never takes a second document onto its stack.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::build::document;
use crate::build::manifest::OutputStamp;
use crate::build::plan::Job;
use crate::diag::Diagnostic;
use crate::export::epub;
use crate::export::verify::Verified;
use crate::export::web::{Pages, media};
use crate::fsgate::WriteError;
use crate::load::SourceFile;
use crate::load::config::Edition;
use crate::prepare::Prepared;
use crate::typeset::{self, Typesetter};

/// Compilations run on threads with large stacks, so that deeply nested
/// input cannot overflow them.
pub const WORKER_STACK: usize = 64 << 20;

/// Every thread a build starts is named with this prefix (the panic hook
/// tells workers apart by it).
pub const THREAD_PREFIX: &str = "briefpress-";

/// Names worker threads.
pub const WORKER_NAME: &str = "briefpress-worker";

/// The thread that stops a run at its `--timeout`.
const WATCHDOG_NAME: &str = "briefpress-watchdog";

/// The engine's worker threads, started once and reused by every run.
pub struct Pool {
    pool: rayon::ThreadPool,
}

impl Pool {
    /// `threads` workers (at least one), named `briefpress-worker-N`, with
    /// [`WORKER_STACK`]-byte stacks.
    pub fn new(threads: usize) -> Result<Self, String> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .stack_size(WORKER_STACK)
            .thread_name(|n| format!("{WORKER_NAME}-{n}"))
            .build()
            .map(|pool| Self { pool })
            .map_err(|err| format!("cannot start the worker threads: {err}"))
    }

    /// Runs `work` on the pool: whatever runs in parallel inside it (the
    /// documents, Typst's layout) stays on the pool's threads.
    pub fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        self.pool.install(work)
    }
}

/// Calls `work(index)` for every index below `count`, in order, on every
/// worker of the current pool at once; each worker takes the next index
/// when it is done with one. Called inside [`Pool::install`].
pub fn each(count: usize, work: impl Fn(usize) + Sync) {
    let next = AtomicUsize::new(0);
    rayon::broadcast(|_| {
        loop {
            let index = next.fetch_add(1, Ordering::SeqCst);
            if index >= count {
                break;
            }
            work(index);
        }
    });
}

/// How a job ended.
pub enum Outcome {
    Built {
        pages: usize,
        warnings: Vec<Diagnostic>,
        /// Project files the compilation read, for the manifest.
        files_read: Vec<PathBuf>,
        /// What was written, for the manifest.
        stamp: Option<OutputStamp>,
        /// Files written beside the output that it needs (a page's images).
        companions: Vec<PathBuf>,
        /// Each standard a PDF claims, as the validator found it.
        verified: Vec<Verified>,
    },
    Failed(Vec<Diagnostic>),
}

/// A finished job, reported as soon as it ends.
pub struct Finished<'a> {
    pub job: &'a Job,
    pub outcome: Outcome,
    pub time: Duration,
}

/// A limit on a run's time, and what to do when it passes: compilations
/// cannot be interrupted, so the caller decides (the CLI names the
/// documents still being built and exits; outputs are written atomically,
/// so every PDF is either old or complete).
pub struct Timeout<'a> {
    pub after: Duration,
    pub expired: &'a (dyn Fn(Duration, &[PathBuf]) + Sync),
}

/// Whether another run follows this one in the same process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Then {
    /// `watch` builds again on the next save: the compiler keeps what it
    /// laid out, for the next build to reuse.
    Again,
    /// Nothing follows: a run of one document lets its layout go once the
    /// PDF is exported, before verifying it (the issue of 40 peaked at 329
    /// MB holding both, 240-257 MB now).
    #[default]
    Done,
}

/// Builds and writes the jobs on the current pool; `report` sees each as
/// it finishes (from the worker's thread). Called inside [`Pool::install`].
pub fn run<'a>(
    typesetter: &Typesetter,
    pages: &Pages,
    jobs: &'a [Job],
    then: Then,
    timeout: Option<Timeout<'_>>,
    report: impl Fn(Finished<'a>) + Sync,
) {
    let last_compile = then == Then::Done && jobs.len() == 1;
    let done = AtomicUsize::new(0);
    let in_flight: Mutex<BTreeSet<usize>> = Mutex::new(BTreeSet::new());
    std::thread::scope(|scope| {
        if let Some(timeout) = timeout {
            let (done, in_flight) = (&done, &in_flight);
            let watchdog = move || {
                let started = Instant::now();
                while done.load(Ordering::SeqCst) < jobs.len() {
                    if started.elapsed() >= timeout.after {
                        let names: Vec<PathBuf> = in_flight
                            .lock()
                            .map(|set| set.iter().map(|&i| jobs[i].file.display.clone()).collect())
                            .unwrap_or_default();
                        (timeout.expired)(timeout.after, &names);
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            };
            // Without a watchdog the run still ends; it only cannot stop early.
            let _ = std::thread::Builder::new()
                .name(WATCHDOG_NAME.into())
                .spawn_scoped(scope, watchdog);
        }
        each(jobs.len(), |index| {
            let job = &jobs[index];
            if let Ok(mut set) = in_flight.lock() {
                set.insert(index);
            }
            let clock = Instant::now();
            let outcome = contained(|| build_one(typesetter, pages, job, last_compile));
            report(Finished {
                job,
                outcome,
                time: clock.elapsed(),
            });
            if let Ok(mut set) = in_flight.lock() {
                set.remove(&index);
            }
            done.fetch_add(1, Ordering::SeqCst);
        });
    });
}

fn build_one(typesetter: &Typesetter, pages: &Pages, job: &Job, last_compile: bool) -> Outcome {
    // Test hook (feature `test-hooks` only): a panic in one document.
    #[cfg(feature = "test-hooks")]
    if std::env::var("BRIEFPRESS_TEST_PANIC_ON").is_ok_and(|id| id == job.prepared.id) {
        panic!(
            "injected by BRIEFPRESS_TEST_PANIC_ON for `{}`",
            job.prepared.id
        );
    }
    let again;
    let (prepared, file) = if job.light {
        match document::ready(typesetter, &job.file.path, &job.file.display) {
            Ok(ready) => {
                again = ready;
                (&again.prepared, &again.loaded.file)
            }
            Err(diagnostics) => return Outcome::Failed(diagnostics),
        }
    } else {
        (&job.prepared, &job.file)
    };
    if job.edition == Edition::Html {
        // A web page lays nothing out: its images are checked here as a
        // layout checks them (decoded, pixels dropped, unless the PDF's
        // layout already did), so a corrupt one fails the page as the PDF.
        let project = typesetter.project();
        let unusable = typeset::undecodable(project, &prepared.images_placed(), false);
        if !unusable.is_empty() {
            return Outcome::Failed(unusable);
        }
        return write_page(typesetter, pages, job, prepared, file);
    }
    let book = match job.edition {
        Edition::Epub => Some(&job.output),
        _ => job.epub.as_ref(),
    };
    let wanted = document::Wanted {
        pdf: job.edition == Edition::Pdf,
        thumbnail: job.thumbnail.is_some(),
        pagination: book.is_some(),
        last_compile,
    };
    let gate = typesetter.project().gate();
    let written = |err: WriteError| {
        vec![
            Diagnostic::error(err.to_string())
                .with_code(err.code())
                .in_file(&file.display),
        ]
    };
    let result =
        document::build_with(typesetter, prepared, file, job.part, wanted).and_then(|mut built| {
            if let (Some(path), Some(thumbnails)) = (&job.thumbnail, &built.thumbnail) {
                // A missing thumbnail is rendered again by the catalogue.
                let _ = thumbnails.write(gate, path);
            }
            // The EPUB first: a PDF on disk says its job is done.
            let mut companions = Vec::new();
            let mut stamp = None;
            if let (Some(path), Some(pagination)) = (book, &built.pagination) {
                let pdf = job.links.pdf.clone();
                let made = make_book(typesetter, pages, prepared, file, pagination, pdf)?;
                gate.write(path, &made.bytes).map_err(written)?;
                built.files_read.extend(made.files_read);
                match job.edition {
                    Edition::Epub => stamp = OutputStamp::of(path, &made.bytes),
                    _ => companions.push(path.clone()),
                }
            }
            if job.edition == Edition::Pdf {
                gate.write(&job.output, &built.pdf).map_err(written)?;
                stamp = OutputStamp::of(&job.output, &built.pdf);
            }
            Ok((built, stamp, companions))
        });
    match result {
        Ok((built, stamp, companions)) => Outcome::Built {
            pages: built.pages,
            warnings: built.warnings,
            files_read: built.files_read,
            stamp,
            companions,
            verified: built.verified,
        },
        Err(diagnostics) => Outcome::Failed(diagnostics),
    }
}

/// The EPUB of a document, from its layout's page starts and cover,
/// linking its PDF on the web at `pdf` if anywhere.
fn make_book(
    typesetter: &Typesetter,
    pages: &Pages,
    prepared: &Prepared,
    file: &SourceFile,
    pagination: &document::Pagination,
    pdf: Option<String>,
) -> Result<epub::Book, Vec<Diagnostic>> {
    let project = typesetter.project();
    let source = project
        .gate()
        .relative(&file.path)
        .unwrap_or_else(|_| file.display.clone());
    let edition = epub::Edition {
        prepared,
        source: source
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        starts: &pagination.starts,
        cover: pagination.cover.clone(),
        modified: crate::export::pdf::modified(prepared.stamp, project.time())?,
        pdf,
    };
    epub::make(project, pages, &edition).map_err(|diagnostics| {
        diagnostics
            .into_iter()
            .map(|d| d.placed_in(&file.display))
            .collect()
    })
}

/// Renders a web page and writes it, with its images beside it in
/// `media/` (each named by its content: one already there is the same).
fn write_page(
    typesetter: &Typesetter,
    pages: &Pages,
    job: &Job,
    prepared: &Prepared,
    file: &SourceFile,
) -> Outcome {
    let project = typesetter.project();
    let gate = project.gate();
    let written = |err: WriteError| {
        vec![
            Diagnostic::error(err.to_string())
                .with_code(err.code())
                .in_file(&file.display),
        ]
    };
    let result = pages
        .render(project, prepared, &job.links)
        .and_then(|page| {
            let folder = job
                .output
                .parent()
                .unwrap_or(Path::new(""))
                .join(media::FOLDER);
            for image in &page.media {
                // Named by content: a file already there (or being made by
                // another page of this run) is the same.
                let path = folder.join(&image.name);
                if !path.is_file() && pages.claim(&path) {
                    let bytes = image.bytes().map_err(|why| {
                        vec![
                            Diagnostic::error(format!(
                                "an image of the page cannot be made: {why}"
                            ))
                            .with_code("image"),
                        ]
                    })?;
                    gate.write(&path, &bytes).map_err(written)?;
                }
            }
            gate.write(&job.output, page.html.as_bytes())
                .map_err(written)?;
            let companions = page
                .media
                .iter()
                .map(|image| folder.join(&image.name))
                .collect();
            Ok((
                OutputStamp::of(&job.output, page.html.as_bytes()),
                page.files_read,
                companions,
            ))
        });
    match result {
        Ok((stamp, files_read, companions)) => Outcome::Built {
            pages: 1,
            warnings: Vec::new(),
            files_read,
            stamp,
            companions,
            verified: Vec::new(),
        },
        Err(diagnostics) => Outcome::Failed(
            diagnostics
                .into_iter()
                .map(|d| d.placed_in(&file.display))
                .collect(),
        ),
    }
}

/// Runs `f`, turning a panic (a bug, in the compiler or here) into an
/// internal error for this job alone.
fn contained(f: impl FnOnce() -> Outcome) -> Outcome {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|payload| Outcome::Failed(vec![panicked(payload)]))
}

/// Runs `f`, turning a panic into an internal error among the diagnostics.
pub fn contained_diagnostics(f: impl FnOnce() -> Vec<Diagnostic>) -> Vec<Diagnostic> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| vec![panicked(payload)])
}

fn panicked(payload: Box<dyn std::any::Any + Send>) -> Diagnostic {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    Diagnostic::error(format!("internal error: {message}"))
        .with_code("internal")
        .with_hint("this is a bug in briefpress or Typst; the other documents were handled")
}
