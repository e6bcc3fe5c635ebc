//! Many documents in one process: find them, plan one job per PDF, and run
//! the jobs on worker threads that share the typesetter (fonts, templates,
//! compiler caches). A failing or panicking job is reported and the others
//! go on.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::config::Profile;
use crate::diag::Diagnostic;
use crate::fsgate::{self, GateError, hash_bytes};
use crate::load::SourceFile;
use crate::manifest::OutputStamp;
use crate::model::Document;
use crate::pipeline::{self, Ready};
use crate::prepare;
use crate::prepare::Prepared;
use crate::prepare::notice::NoticeData;
use crate::project::Project;
use crate::typeset::output::COVER_SUFFIX;
use crate::typeset::{Part, Typesetter, coverage};

/// Compilations run on threads with large stacks, so that deeply nested
/// input cannot overflow them.
pub const WORKER_STACK: usize = 64 << 20;

/// Names worker threads so the panic hook can tell them apart.
pub const WORKER_NAME: &str = "briefpress-worker";

/// A document found on disk.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    /// Its path inside the project root.
    pub inside: PathBuf,
    /// How messages name it (as given, relative to the working directory).
    pub display: PathBuf,
    /// Named on the command line, not found in a folder. Compendium parts
    /// found in folders are skipped (their compendium builds them).
    pub explicit: bool,
}

/// The documents found, and the entries refused on the way (special
/// files, links out of the root, names that are not UTF-8).
#[derive(Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub refused: Vec<Failure>,
    /// Folders not searched (links out of the root).
    pub warnings: Vec<Diagnostic>,
}

/// Expands folders into the `*.toml` documents below them (hidden entries
/// skipped), in a stable order, through the project's gate: each real
/// folder is walked once, whatever links lead to it, and each file is
/// listed once, whatever names it has. `Err` is a usage problem.
pub fn discover(project: &Project, paths: &[PathBuf]) -> Result<Discovered, String> {
    let gate = project.gate();
    let mut found = Discovered::default();
    let mut seen = HashSet::new();
    let refuse = |display: PathBuf, why: &GateError| {
        let code = match why {
            GateError::Outside => "outside-root",
            GateError::NotUtf8(_) => "file-name",
            GateError::NotRegular(_) => "not-regular",
            _ => "io",
        };
        Failure {
            diagnostics: vec![
                Diagnostic::error(format!("{} is refused: {why}", display.display()))
                    .with_code(code)
                    .in_file(&display),
            ],
            display,
        }
    };
    for path in paths {
        let inside = match gate.relative(path) {
            Ok(inside) => inside,
            Err(_) if !path.exists() => return Err(format!("{} does not exist", path.display())),
            Err(why) => {
                found.refused.push(refuse(path.clone(), &why));
                continue;
            }
        };
        let (files, explicit) = if gate.is_dir(&inside) {
            let listing = gate
                .list(&inside, false)
                .map_err(|why| format!("cannot read {}: {why}", path.display()))?;
            let shown = |file: &Path| path.join(file.strip_prefix(&inside).unwrap_or(file));
            for (file, why) in &listing.refused {
                let document = file.extension().is_some_and(|e| e == "toml");
                match why {
                    GateError::NotUtf8(_) => found.refused.push(refuse(shown(file), why)),
                    _ if document => found.refused.push(refuse(shown(file), why)),
                    GateError::Outside => found.warnings.push(
                        Diagnostic::warning(format!(
                            "{} is not searched for documents: {why}",
                            shown(file).display()
                        ))
                        .with_code("outside-root"),
                    ),
                    _ => {}
                }
            }
            let files: Vec<(PathBuf, PathBuf)> = listing
                .files
                .into_iter()
                .filter(|file| file.extension().is_some_and(|e| e == "toml"))
                .map(|file| (shown(&file), file))
                .collect();
            (files, false)
        } else {
            match gate.identity(&inside) {
                Ok(_) => (vec![(path.clone(), inside)], true),
                Err(GateError::NotFound) => {
                    return Err(format!("{} does not exist", path.display()));
                }
                Err(why) => {
                    found.refused.push(refuse(path.clone(), &why));
                    continue;
                }
            }
        };
        for (display, inside) in files {
            // A second name of a file already found (a link) is the same
            // document.
            let identity = gate.identity(&inside).ok().map(|id| (id.dev, id.ino));
            if identity.is_some_and(|identity| !seen.insert(identity)) {
                continue;
            }
            found.inputs.push(Input {
                path: gate.absolute(&inside),
                inside,
                display,
                explicit,
            });
        }
    }
    Ok(found)
}

/// One PDF to produce.
pub struct Job {
    /// The document's file, for messages and anchored errors.
    pub file: SourceFile,
    pub prepared: Prepared,
    pub output: PathBuf,
    /// The TOML files the PDF is made from (an issue's include its members').
    pub sources: Vec<PathBuf>,
    /// A hash over everything besides files that decides the PDF's bytes.
    pub key: String,
    /// Whether this is an issue member's own PDF.
    pub member: bool,
    /// The size of its prepared data, for scheduling big documents first.
    pub weight: usize,
    /// Whether the prepared data was dropped after planning (see
    /// [`Keep::Light`]): the document is prepared again when built.
    pub light: bool,
    /// Which input the job comes from.
    origin: usize,
    /// Where to write a thumbnail of the first page, if anywhere.
    pub thumbnail: Option<PathBuf>,
    /// Which part of the document the PDF holds.
    pub part: Part,
}

impl Job {
    fn new(
        typesetter: &Typesetter,
        file: SourceFile,
        prepared: Prepared,
        output: PathBuf,
        sources: Vec<PathBuf>,
        part: Part,
    ) -> Self {
        let epoch = std::env::var("SOURCE_DATE_EPOCH").unwrap_or_default();
        let mut keyed = format!(
            "{}\n{epoch}\n{}\n{part:?}\n",
            typesetter.fingerprint(),
            prepared.template
        )
        .into_bytes();
        keyed.extend_from_slice(&prepared.data);
        let key = hash_bytes(&keyed);
        Self {
            file,
            weight: prepared.data.len(),
            prepared,
            output,
            sources,
            key,
            member: false,
            light: false,
            origin: 0,
            thumbnail: None,
            part,
        }
    }

    /// Whether the document stands alone: nothing else is prepared with it.
    fn standalone(&self) -> bool {
        self.prepared.members.is_empty() && self.prepared.included.is_empty()
    }

    /// Drops what can be made again from the file (see [`Keep::Light`]),
    /// keeping what names, keys and reports the job.
    fn lighten(&mut self) {
        self.prepared.data = Vec::new();
        self.prepared.images = Vec::new();
        self.prepared.anchors = Vec::new();
        self.file.text = std::sync::Arc::from("");
        self.light = true;
    }
}

/// Keeps the documents of shard `k` of `n` (1-based): a stable split by the
/// document's path inside the project, so adding files elsewhere does not
/// move documents between shards.
pub fn shard(inputs: Vec<Input>, k: u32, n: u32) -> Vec<Input> {
    inputs
        .into_iter()
        .filter(|input| {
            let inside = input.inside.to_string_lossy().replace('\\', "/");
            let hash = typst::utils::hash128(&inside.as_bytes());
            hash % u128::from(n) == u128::from(k - 1)
        })
        .collect()
}

/// A document that could not be planned, with why.
pub struct Failure {
    pub display: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where outputs go: one file given with `-o`, or a folder.
pub enum Destination<'a> {
    File(&'a Path),
    Folder(&'a Path),
}

/// How much of each prepared document a plan keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Everything (for `check`, which reads the prepared data).
    All,
    /// Only what names and keys a standalone document: its data is
    /// prepared again when it is built, so a run over thousands of
    /// documents does not hold them all (issues and compendiums, whose
    /// members come from preparing them, are kept whole).
    Light,
}

impl Keep {
    /// Runs of up to this many documents keep everything: preparing again
    /// costs about a millisecond a document, holding one about 15 KB.
    const LIGHT_ABOVE: usize = 200;

    /// What a run over `documents` inputs keeps.
    pub fn for_run(documents: usize) -> Self {
        if documents > Self::LIGHT_ABOVE {
            Keep::Light
        } else {
            Keep::All
        }
    }
}

/// What a run will do.
pub struct Plan {
    pub jobs: Vec<Job>,
    pub failures: Vec<Failure>,
    /// Announcements for the catalogue (not typeset).
    pub notices: Vec<NoticeData>,
}

/// Loads and prepares every input (cheap, no layout) and plans its jobs.
/// Documents sharing an id would overwrite each other's PDF: both fail.
pub fn plan(
    typesetter: &Typesetter,
    inputs: &[Input],
    destination: &Destination,
    keep: Keep,
) -> Plan {
    let mut failures = Vec::new();
    let mut notices = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    // Top-level documents by id: (display, the index of its jobs' origin).
    let mut ids: HashMap<String, Vec<(PathBuf, usize)>> = HashMap::new();
    for (origin, input) in inputs.iter().enumerate() {
        let loaded = pipeline::load_in_project(typesetter, &input.path, &input.display);
        if let Ok(loaded) = &loaded
            && matches!(loaded.document, Document::CompendiumPart(_))
            && !input.explicit
        {
            continue;
        }
        if let Ok(loaded) = &loaded
            && let Document::Notice(notice) = &loaded.document
        {
            // The catalogue prints a notice's text: its glyphs are checked
            // here, as a document's are, so check and build agree.
            let missing = coverage::missing_glyphs(&loaded.file, typesetter.font_book());
            let prepared = prepare::notice::prepare(loaded, notice, typesetter.project());
            match prepared {
                Ok(notice) if missing.is_empty() => notices.push(notice),
                Ok(_) => failures.push(Failure {
                    display: input.display.clone(),
                    diagnostics: missing,
                }),
                Err(diagnostics) => failures.push(Failure {
                    display: input.display.clone(),
                    diagnostics,
                }),
            }
            continue;
        }
        let doc = loaded.and_then(|loaded| {
            let prepared = prepare::prepare(&loaded, typesetter.project())?;
            let missing: Vec<Diagnostic> = std::iter::once(&loaded.file)
                .chain(&prepared.included)
                .flat_map(|file| coverage::missing_glyphs(file, typesetter.font_book()))
                .collect();
            if missing.is_empty() {
                Ok(Ready { loaded, prepared })
            } else {
                Err(missing)
            }
        });
        match doc {
            Ok(doc) => {
                ids.entry(doc.prepared.id.clone())
                    .or_default()
                    .push((doc.loaded.file.display.clone(), origin));
                let start = jobs.len();
                plan_document(typesetter, doc, destination, &mut jobs);
                for job in &mut jobs[start..] {
                    job.origin = origin;
                    if keep == Keep::Light && !job.member && job.standalone() {
                        job.lighten();
                    }
                }
            }
            Err(diagnostics) => failures.push(Failure {
                display: input.display.clone(),
                diagnostics,
            }),
        }
    }
    let mut duplicated = HashSet::new();
    for (id, docs) in ids.iter().filter(|(_, docs)| docs.len() > 1) {
        for (display, origin) in docs {
            duplicated.insert(*origin);
            failures.push(duplicate_id(id, display, docs));
        }
    }
    for (output, docs) in shared_outputs(&jobs, inputs) {
        for (display, origin) in &docs {
            if duplicated.insert(*origin) {
                failures.push(same_output(&output, display, &docs));
            }
        }
    }
    jobs.retain(|job| !duplicated.contains(&job.origin));
    // Longest first: the big documents (issues) do not end up last on one
    // worker while the others idle.
    jobs.sort_by_key(|job| std::cmp::Reverse(job.weight));
    Plan {
        jobs,
        failures,
        notices,
    }
}

/// The jobs of one document: its PDF and, for an issue, each member's own.
fn plan_document(
    typesetter: &Typesetter,
    mut doc: Ready,
    destination: &Destination,
    jobs: &mut Vec<Job>,
) {
    let output = match destination {
        Destination::File(file) => file.to_path_buf(),
        Destination::Folder(folder) => output_path(typesetter.project(), folder, &doc),
    };
    // An issue's documents, each as its own PDF: `<out>/<issue id>/NN-<id>.pdf`.
    let members_dir = match destination {
        Destination::File(file) => file
            .parent()
            .unwrap_or(Path::new(""))
            .join(&doc.prepared.id),
        Destination::Folder(folder) => folder.join(&doc.prepared.id),
    };
    let members = std::mem::take(&mut doc.prepared.members);
    let mut sources = vec![doc.loaded.file.path.clone()];
    sources.extend(doc.prepared.included.iter().map(|file| file.path.clone()));
    for member in members {
        let name = format!("{:02}-{}.pdf", member.number, member.prepared.id);
        let member_sources = vec![member.file.path.clone()];
        let mut job = Job::new(
            typesetter,
            member.file,
            member.prepared,
            members_dir.join(name),
            member_sources,
            Part::Whole,
        );
        job.member = true;
        jobs.push(job);
    }
    // In print an issue's cover is a PDF of its own, beside the interior.
    let printed_issue =
        typesetter.project().profile() == Profile::Print && doc.prepared.template == "issue";
    if printed_issue {
        // Beside the interior: `<name>-cover.pdf`.
        let stem = output
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_else(|| doc.prepared.id.clone());
        let cover = output.with_file_name(format!("{stem}{COVER_SUFFIX}.pdf"));
        jobs.push(Job::new(
            typesetter,
            doc.loaded.file.clone(),
            doc.prepared.clone(),
            cover,
            sources.clone(),
            Part::Cover,
        ));
    }
    jobs.push(Job::new(
        typesetter,
        doc.loaded.file,
        doc.prepared,
        output,
        sources,
        if printed_issue {
            Part::Interior
        } else {
            Part::Whole
        },
    ));
}

/// The failure of one of the documents sharing `id`.
fn duplicate_id(id: &str, display: &Path, docs: &[(PathBuf, usize)]) -> Failure {
    const NAMED: usize = 3;
    let others: Vec<String> = docs
        .iter()
        .filter(|(other, _)| other != display)
        .map(|(other, _)| other.display().to_string())
        .collect();
    let named = match others.len() {
        n if n <= NAMED => others.join(", "),
        n => format!("{} and {} more", others[..NAMED].join(", "), n - NAMED),
    };
    Failure {
        display: display.to_path_buf(),
        diagnostics: vec![
            Diagnostic::error(format!("document id `{id}` is also used by {named}"))
                .with_code("duplicate-id")
                .in_file(display)
                .with_hint("ids name the output files and must be unique; set a different `id`"),
        ],
    }
}

/// Outputs that jobs of two documents would both write, with the
/// documents: one would overwrite the other on every build.
fn shared_outputs(jobs: &[Job], inputs: &[Input]) -> Vec<(PathBuf, Vec<(PathBuf, usize)>)> {
    let mut by_output: HashMap<PathBuf, Vec<(PathBuf, usize)>> = HashMap::new();
    for job in jobs {
        let writers = by_output.entry(fsgate::normalize(&job.output)).or_default();
        if !writers.iter().any(|(_, origin)| *origin == job.origin) {
            writers.push((inputs[job.origin].display.clone(), job.origin));
        }
    }
    let mut shared: Vec<_> = by_output
        .into_iter()
        .filter(|(_, writers)| writers.len() > 1)
        .collect();
    shared.sort();
    shared
}

/// The failure of one of the documents whose outputs collide at `output`.
fn same_output(output: &Path, display: &Path, docs: &[(PathBuf, usize)]) -> Failure {
    let others: Vec<String> = docs
        .iter()
        .filter(|(other, _)| other != display)
        .map(|(other, _)| other.display().to_string())
        .collect();
    Failure {
        display: display.to_path_buf(),
        diagnostics: vec![
            Diagnostic::error(format!(
                "the output {} is also the output of {}",
                output.display(),
                others.join(", ")
            ))
            .with_code("output-collision")
            .in_file(display)
            .with_hint("an issue's member PDFs go to <out>/<issue id>/NN-<id>.pdf; give one of the documents another `id` or move it to another folder"),
        ],
    }
}

/// `<out-dir>/<folder under briefs/ (or the root)>/<id>.pdf`.
fn output_path(project: &Project, out_dir: &Path, doc: &Ready) -> PathBuf {
    let inside = project
        .inside(&doc.loaded.file.path)
        .unwrap_or_else(|_| doc.loaded.file.path.clone());
    let inside = inside.strip_prefix("briefs").unwrap_or(&inside);
    let folder = inside.parent().unwrap_or(Path::new(""));
    out_dir
        .join(folder)
        .join(format!("{}.pdf", doc.prepared.id))
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
    },
    Failed(Vec<Diagnostic>),
}

/// A finished job, reported as soon as it ends.
pub struct Finished<'a> {
    pub job: &'a Job,
    pub outcome: Outcome,
    pub time: Duration,
}

/// Runs the jobs on `threads` workers; `report` sees each as it finishes
/// (from the worker's thread). Outputs are written atomically.
pub fn run(
    typesetter: &Typesetter,
    jobs: &[Job],
    threads: usize,
    report: impl Fn(Finished) + Send + Sync,
) {
    run_with_timeout(typesetter, jobs, threads, None, report);
}

/// [`run`], stopping the whole process (exit code 1) once `timeout` has
/// passed, after naming the documents still being built. Compilations
/// cannot be interrupted, and outputs are written atomically, so stopping
/// leaves every PDF either old or complete.
pub fn run_with_timeout(
    typesetter: &Typesetter,
    jobs: &[Job],
    threads: usize,
    timeout: Option<Duration>,
    report: impl Fn(Finished) + Send + Sync,
) {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let in_flight: Mutex<BTreeSet<usize>> = Mutex::new(BTreeSet::new());
    let report = Mutex::new(report);
    let work = || {
        loop {
            let index = next.fetch_add(1, Ordering::SeqCst);
            let Some(job) = jobs.get(index) else { break };
            if let Ok(mut set) = in_flight.lock() {
                set.insert(index);
            }
            let clock = Instant::now();
            let outcome = contained(|| build_one(typesetter, job));
            let finished = Finished {
                job,
                outcome,
                time: clock.elapsed(),
            };
            if let Ok(report) = report.lock() {
                report(finished);
            }
            if let Ok(mut set) = in_flight.lock() {
                set.remove(&index);
            }
            done.fetch_add(1, Ordering::SeqCst);
        }
    };
    std::thread::scope(|scope| {
        if let Some(timeout) = timeout {
            let (done, in_flight) = (&done, &in_flight);
            scope.spawn(move || {
                let started = Instant::now();
                while done.load(Ordering::SeqCst) < jobs.len() {
                    if started.elapsed() >= timeout {
                        let names: Vec<String> = in_flight
                            .lock()
                            .map(|set| {
                                set.iter()
                                    .map(|&i| jobs[i].file.display.display().to_string())
                                    .collect()
                            })
                            .unwrap_or_default();
                        eprintln!(
                            "error: stopped after the --timeout of {} s; still building: {}",
                            timeout.as_secs_f64(),
                            if names.is_empty() {
                                "(none)".to_string()
                            } else {
                                names.join(", ")
                            }
                        );
                        std::process::exit(1);
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
        let workers: Vec<_> = (0..threads.clamp(1, jobs.len().max(1)))
            .filter_map(|n| {
                std::thread::Builder::new()
                    .name(format!("{WORKER_NAME}-{n}"))
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        if workers.is_empty() {
            work();
        }
    });
}

fn build_one(typesetter: &Typesetter, job: &Job) -> Outcome {
    if std::env::var("BRIEFPRESS_TEST_PANIC_ON").is_ok_and(|id| id == job.prepared.id) {
        panic!(
            "injected by BRIEFPRESS_TEST_PANIC_ON for `{}`",
            job.prepared.id
        );
    }
    let again;
    let (prepared, file) = if job.light {
        match pipeline::ready(typesetter, &job.file.path, &job.file.display) {
            Ok(ready) => {
                again = ready;
                (&again.prepared, &again.loaded.file)
            }
            Err(diagnostics) => return Outcome::Failed(diagnostics),
        }
    } else {
        (&job.prepared, &job.file)
    };
    let result = pipeline::build_with(
        typesetter,
        prepared,
        file,
        job.part,
        job.thumbnail.is_some(),
    )
    .and_then(|built| {
        let gate = typesetter.project().gate();
        if let (Some(path), Some(thumbnails)) = (&job.thumbnail, &built.thumbnail) {
            // A missing thumbnail is rendered again by the catalogue.
            let _ = thumbnails.write(gate, path);
        }
        gate.write(&job.output, &built.pdf).map_err(|err| {
            vec![
                Diagnostic::error(err.to_string())
                    .with_code(err.code())
                    .in_file(&file.display),
            ]
        })?;
        let stamp = OutputStamp::of(&job.output, &built.pdf);
        Ok((built, stamp))
    });
    match result {
        Ok((built, stamp)) => Outcome::Built {
            pages: built.pages,
            warnings: built.warnings,
            files_read: built.files_read,
            stamp,
        },
        Err(diagnostics) => Outcome::Failed(diagnostics),
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
