//! The build engine every command runs: find the documents, plan one job
//! per PDF, skip those the manifest says are unchanged, build the others on
//! one thread pool, and end with the catalogue. It never prints and never
//! exits: it tells an [`Observer`] what happens, and the caller decides how
//! to show it and what the exit code is.

pub mod discover;
pub mod document;
pub mod manifest;
pub mod plan;
pub mod run;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::catalogue::{self, Thumbnails, Written};
use crate::diag::Diagnostic;
use crate::export;
use crate::export::verify::Verified;
use crate::export::web::Pages;
use crate::fsgate;
use crate::load::config::{self, Edition, Profile};
use crate::load::project::{BuildTime, Project};
use crate::prepare::{ImageRef, lint};
use crate::typeset::{self, Part, Typesetter, coverage, fonts, templates};
use discover::Failure;
use manifest::{Entry, Manifest};
use plan::{Destination, Editions, Job, Keep, Placeholders};
use run::{Finished, Outcome, Pool};
use typst_layout::PagedDocument;

/// What a run is asked to do, as the command line says it.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Document files or folders (folders are searched for `*.toml`).
    pub paths: Vec<PathBuf>,
    /// The project root; else the nearest folder above each document with
    /// a `briefpress.toml`, else the working directory.
    pub root: Option<PathBuf>,
    /// Folders of fonts added to the bundled ones.
    pub font_paths: Vec<PathBuf>,
    pub draft: bool,
    /// The profile, over the project's `[build] profile`.
    pub profile: Option<Profile>,
    /// One output file (a single document only).
    pub output: Option<PathBuf>,
    /// The output folder, over the project's.
    pub out_dir: Option<PathBuf>,
    /// Worker threads; all cores when `None`.
    pub jobs: Option<usize>,
    /// Skip an issue's members' own PDFs.
    pub no_members: bool,
    /// Build every document, changed or not.
    pub force: bool,
    /// Build only shard K of N.
    pub shard: Option<(u32, u32)>,
    /// Stop (through [`Observer::timed_out`]) after this long.
    pub timeout: Option<Duration>,
    /// Also write each document as a stock Typst project here.
    pub emit_typst: Option<PathBuf>,
    pub no_catalogue: bool,
    /// The editions to write, over the project's `[build] editions`.
    pub editions: Option<Vec<Edition>>,
    /// When the run builds (`SOURCE_DATE_EPOCH`, read by the caller).
    pub time: BuildTime,
    /// Whether the engine builds again after this run (`watch`), so that
    /// the compiler keeps its memory between runs.
    pub then: run::Then,
}

/// What the engine does with the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Build the PDFs (and the catalogue of a build over folders).
    Build,
    /// Report every problem without writing: loading and preparing, and
    /// with `deep` the layout too.
    Check { deep: bool },
    /// Write the catalogue of the PDFs already in the output folder.
    Catalogue,
}

/// Why a run could not start: the command is wrong (a usage error) or the
/// project is (its configuration, fonts or templates).
#[derive(Debug)]
pub enum Stop {
    Usage(String),
    Setup(Vec<Diagnostic>),
}

/// Everything a run tells its caller, as it happens. Calls come from the
/// engine's worker threads too, one at a time.
pub trait Observer: Send {
    /// A project is set up (its fonts, configuration and templates).
    fn project(&mut self, _project: &Project) {}
    /// A diagnostic of the run, or a warning of a document about to be
    /// built or checked.
    fn diagnostic(&mut self, diagnostic: &Diagnostic);
    /// A document that failed (or was refused), with why.
    fn failed(&mut self, display: &Path, diagnostics: &[Diagnostic]);
    /// A document whose PDF is up to date.
    fn unchanged(&mut self, _display: &Path, _output: &Path) {}
    /// So many documents are about to be built.
    fn building(&mut self, _documents: usize) {}
    /// A document was built and written.
    fn built(&mut self, _built: &Report) {}
    /// A document's Typst project was written (`--emit-typst`).
    fn emitted(&mut self, _display: &Path, _folder: &Path) {}
    /// The diagnostics of a document laid out by `check --deep`.
    fn inspected(&mut self, _display: &Path, _diagnostics: &[Diagnostic]) {}
    /// The catalogue of `folder` was written.
    fn catalogue(&mut self, _folder: &Path, _written: &Written) {}
    /// The run's `timeout` passed while these documents were being built.
    /// Compilations cannot be interrupted: the caller decides whether to
    /// stop the process (outputs are written atomically, so every PDF is
    /// either old or complete); if this returns, the run goes on.
    fn timed_out(&mut self, after: Duration, building: &[PathBuf]);
}

/// A document built, as [`Observer::built`] sees it.
pub struct Report<'a> {
    pub display: &'a Path,
    pub output: &'a Path,
    pub pages: usize,
    pub time: Duration,
    pub warnings: &'a [Diagnostic],
    /// Each standard the PDF claims, as the validator found it (none for a
    /// web page).
    pub verified: &'a [Verified],
}

/// What a run did, and the files it depends on (for `watch`).
#[derive(Debug, Default)]
pub struct Summary {
    pub built: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Documents checked (by [`Action::Check`]).
    pub checked: usize,
    pub inputs: BTreeSet<PathBuf>,
    pub time: Duration,
}

/// The documents of one project, and its typesetter (fonts, templates and
/// compiler caches shared by all of them).
struct Group {
    typesetter: Typesetter,
    /// The web edition's templates, parsed once for the run.
    pages: Pages,
    paths: Vec<PathBuf>,
}

/// The engine, set up once (projects, fonts, worker threads) and run as
/// often as the caller likes (`watch` runs it on every save).
pub struct Engine {
    options: Options,
    groups: Vec<Group>,
    pool: Pool,
}

impl Engine {
    /// Opens the projects of the paths given and sets each up.
    pub fn new(options: Options, observer: &mut dyn Observer) -> Result<Self, Stop> {
        let mut groups = Vec::new();
        for (project, paths) in projects(&options).map_err(Stop::Setup)? {
            let typesetter = setup(project, &options).map_err(Stop::Setup)?;
            observer.project(typesetter.project());
            let pages = Pages::new(typesetter.project());
            groups.push(Group {
                typesetter,
                pages,
                paths,
            });
        }
        if options.output.is_some() && groups.len() > 1 {
            return Err(Stop::Usage(
                "--output needs exactly one document; use --out-dir for several".into(),
            ));
        }
        let threads = options
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let pool = Pool::new(threads).map_err(Stop::Usage)?;
        Ok(Self {
            options,
            groups,
            pool,
        })
    }

    /// The projects of the run.
    pub fn projects(&self) -> impl Iterator<Item = &Project> {
        self.groups.iter().map(|group| group.typesetter.project())
    }

    /// Lays out the one document given (for `preview`), on the engine's
    /// threads: its id and pages.
    pub fn lay_out(&self) -> Result<(String, PagedDocument), Vec<Diagnostic>> {
        let [group] = self.groups.as_slice() else {
            return Err(vec![
                Diagnostic::error("one document is needed").with_code("usage"),
            ]);
        };
        let [path] = group.paths.as_slice() else {
            return Err(vec![
                Diagnostic::error("one document is needed").with_code("usage"),
            ]);
        };
        let typesetter = &group.typesetter;
        self.pool.install(|| {
            let ready = document::ready(typesetter, path, path)?;
            let typeset = typeset::typeset(typesetter, &ready.prepared, &ready.loaded.file)?;
            Ok((ready.prepared.id, typeset.document))
        })
    }

    /// Runs `action` over every document, on the engine's thread pool.
    pub fn run(&self, action: Action, observer: &mut dyn Observer) -> Result<Summary, Stop> {
        let started = Instant::now();
        let observer = Mutex::new(observer);
        let mut summary = self.pool.install(|| {
            let mut summary = Summary::default();
            for group in &self.groups {
                let run = Run {
                    options: &self.options,
                    typesetter: &group.typesetter,
                    pages: &group.pages,
                    paths: &group.paths,
                    observer: &observer,
                    summary: &mut summary,
                };
                match action {
                    Action::Build => run.build(self.options.force)?,
                    Action::Check { deep } => run.check(deep)?,
                    Action::Catalogue => run.catalogue()?,
                }
            }
            Ok::<_, Stop>(summary)
        })?;
        summary.time = started.elapsed();
        Ok(summary)
    }

    /// Builds again, forcing nothing (for `watch` after a change).
    pub fn rebuild(&mut self, observer: &mut dyn Observer) -> Result<Summary, Stop> {
        self.options.force = false;
        self.run(Action::Build, observer)
    }

    /// Gets ready for a run after files changed: the compiler forgets what
    /// it read, and a project whose configuration changed is opened again
    /// (keeping the last good one, with its problems reported, if the new
    /// one has errors).
    pub fn refresh(&mut self, observer: &mut dyn Observer) {
        for group in &mut self.groups {
            let project = group.typesetter.project();
            let file = project.root().join(config::FILE_NAME);
            let cap = crate::limits::Limits::DEFAULT.document_bytes as u64;
            let now = fsgate::read_regular(&file, cap).unwrap_or_default();
            if now == project.config().text().as_bytes() {
                group.typesetter.reset();
                group.pages = Pages::new(group.typesetter.project());
                continue;
            }
            match Project::open(project.root()).and_then(|project| setup(project, &self.options)) {
                Ok(fresh) => {
                    observer.project(fresh.project());
                    group.typesetter = fresh;
                }
                Err(problems) => {
                    for problem in &problems {
                        observer.diagnostic(problem);
                    }
                    group.typesetter.reset();
                }
            }
            group.pages = Pages::new(group.typesetter.project());
        }
    }
}

/// Why a build found nothing to do.
const NO_DOCUMENTS: &str =
    "no documents (*.toml) found; `briefpress new article briefs/NAME.toml` starts one";

/// The projects the paths given belong to, each with its paths: the one
/// `root` names, or for each path the nearest folder above it with a
/// `briefpress.toml` (else the working directory).
fn projects(options: &Options) -> Result<Vec<(Project, Vec<PathBuf>)>, Vec<Diagnostic>> {
    if let Some(root) = &options.root {
        let project = Project::open(root)?;
        return Ok(vec![(project, options.paths.clone())]);
    }
    let mut groups: Vec<(Project, Vec<PathBuf>)> = Vec::new();
    for path in &options.paths {
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
fn setup(project: Project, options: &Options) -> Result<Typesetter, Vec<Diagnostic>> {
    let fonts = fonts::load(&options.font_paths)
        .map_err(|message| vec![Diagnostic::error(message).with_code("font")])?;
    let mut problems = config::check_fonts(project.config(), fonts.store.book());
    // The publication's name, masthead and disclaimer print on every
    // document: a character no font has is said once, here.
    if let Some(file) = &project.config().file {
        problems.extend(coverage::missing_glyphs(file, fonts.store.book()));
    }
    problems.extend(templates::check_overrides(&project));
    if !problems.is_empty() {
        return Err(problems);
    }
    let profile = options.profile.unwrap_or(project.profile());
    Ok(Typesetter::new(
        project
            .with_draft(options.draft)
            .with_profile(profile)
            .with_time(options.time),
        fonts,
    ))
}

/// One action over the documents of one project.
struct Run<'a, 'o> {
    options: &'a Options,
    typesetter: &'a Typesetter,
    pages: &'a Pages,
    paths: &'a [PathBuf],
    observer: &'a Mutex<&'o mut dyn Observer>,
    summary: &'a mut Summary,
}

impl Run<'_, '_> {
    /// Calls the observer (from any thread).
    fn tell(&self, event: impl FnOnce(&mut dyn Observer)) {
        if let Ok(mut observer) = self.observer.lock() {
            event(&mut **observer);
        }
    }

    /// Where the run's outputs go: the output folder (`--out-dir`, else the
    /// project's), in the profile's own folder there.
    fn out_dir(&self) -> PathBuf {
        let project = self.typesetter.project();
        let base = match &self.options.out_dir {
            Some(dir) => dir.clone(),
            None => project.out_dir(),
        };
        match project.profile().folder() {
            Some(folder) => base.join(folder),
            None => base,
        }
    }

    /// The editions the run writes: `--edition`, else the project's.
    fn editions(&self) -> Editions<'_> {
        let chosen = match &self.options.editions {
            Some(editions) => editions.as_slice(),
            None => self.typesetter.project().config().editions.as_slice(),
        };
        Editions {
            pdf: chosen.contains(&Edition::Pdf),
            web: chosen.contains(&Edition::Html).then_some(self.pages),
            epub: chosen.contains(&Edition::Epub).then_some(self.pages),
        }
    }

    /// The documents of the paths, their problems told (none at all is an
    /// error for a build, not for a check of a new project).
    fn discover(&mut self) -> Result<Vec<discover::Input>, Stop> {
        let found =
            discover::discover(self.typesetter.project(), self.paths).map_err(Stop::Usage)?;
        for warning in &found.warnings {
            self.tell(|o| o.diagnostic(warning));
        }
        self.fail(&found.refused);
        Ok(found.inputs)
    }

    fn fail(&mut self, failures: &[Failure]) {
        for failure in failures {
            self.tell(|o| o.failed(&failure.display, &failure.diagnostics));
        }
        self.summary.failed += failures.len();
    }

    fn build(mut self, force: bool) -> Result<(), Stop> {
        let options = self.options;
        let typesetter = self.typesetter;
        let project = typesetter.project();
        let out_dir_buf = self.out_dir();
        let out_dir = out_dir_buf.as_path();
        // Placeholders in briefpress.toml print in every document.
        if let Some(file) = &project.config().file {
            let found = lint::placeholders(file);
            if options.draft {
                for warning in &found {
                    self.tell(|o| o.diagnostic(warning));
                }
            } else {
                let (refused, _) = lint::refused_placeholders(found);
                if !refused.is_empty() {
                    return Err(Stop::Setup(refused));
                }
            }
        }
        let mut inputs = self.discover()?;
        if inputs.is_empty() && self.summary.failed == 0 {
            return Err(Stop::Usage(NO_DOCUMENTS.into()));
        }
        let destination = match &options.output {
            Some(_) if inputs.len() != 1 => {
                return Err(Stop::Usage(
                    "--output needs exactly one document; use --out-dir for several".into(),
                ));
            }
            Some(file) => Destination::File(file),
            None => Destination::Folder(out_dir),
        };
        if let Some((k, n)) = options.shard {
            inputs = discover::shard(inputs, k, n);
        }
        self.summary
            .inputs
            .extend(inputs.iter().map(|input| input.path.clone()));
        let keep = match options.emit_typst {
            Some(_) => Keep::All,
            None => Keep::for_run(inputs.len()),
        };
        // A final build refuses a document with placeholders left.
        let placeholders = if options.draft {
            Placeholders::Warn
        } else {
            Placeholders::Refuse
        };
        let plan::Plan {
            mut jobs,
            failures,
            notices,
            warnings,
        } = plan::plan(
            typesetter,
            &inputs,
            &destination,
            keep,
            placeholders,
            self.editions(),
        );
        for warning in &warnings {
            self.tell(|o| o.diagnostic(warning));
        }
        if options.no_members {
            // The web page links its members' pages: they stay.
            jobs.retain(|job| !job.member || job.edition == Edition::Html);
        }
        self.fail(&failures);
        let cap = project.limits().largest_file();

        // Screen copies of images are kept in the output folder, by -o
        // builds too (in the project's): a fresh build of one document
        // need not resample its images again.
        typesetter.keep_resampled_in(out_dir);
        // Incremental builds keep a manifest in the output folder (not for -o).
        let out_dir = options.output.is_none().then_some(out_dir);
        let manifest = out_dir.map(Manifest::load).unwrap_or_default();
        let (mut stale, fresh): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|job| {
            let Some(out_dir) = out_dir else { return true };
            force || !manifest.is_fresh(project.gate(), cap, out_dir, &job.output, &job.key)
        });
        // A build over folders ends with the offline catalogue; thumbnails
        // are drawn from the pages as they are laid out.
        let catalogue_dir = out_dir.filter(|_| {
            !options.no_catalogue
                && options.shard.is_none()
                && self.paths.iter().all(|path| path.is_dir())
        });
        if let Some(dir) = catalogue_dir {
            // A printed issue is shown by its cover, which has its own job.
            for job in stale
                .iter_mut()
                .filter(|job| job.part != Part::Interior && job.edition == Edition::Pdf)
            {
                job.thumbnail = Some(catalogue::thumbnail_path(dir, &job.key));
            }
        }
        self.summary.unchanged += fresh.len();
        for job in &fresh {
            self.tell(|o| o.unchanged(&job.file.display, &job.output));
        }
        // Warnings of the documents about to be built, each once (an issue
        // repeats its members').
        let mut warned = HashSet::new();
        for warning in stale.iter().flat_map(|job| &job.prepared.warnings) {
            if warned.insert(warning.to_string()) {
                self.tell(|o| o.diagnostic(warning));
            }
        }
        if let Some(dir) = &options.emit_typst {
            // Every document built or unchanged, but not a member's own copy.
            for job in stale.iter().chain(&fresh).filter(|job| !job.member) {
                match export::typst_project::emit(typesetter, &job.prepared, dir) {
                    Ok(folder) => self.tell(|o| o.emitted(&job.file.display, &folder)),
                    Err(message) => {
                        let failure = Failure {
                            display: job.file.display.clone(),
                            diagnostics: vec![Diagnostic::error(message).with_code("io")],
                        };
                        self.fail(std::slice::from_ref(&failure));
                    }
                }
            }
        }

        self.tell(|o| o.building(stale.len()));
        let manifest = Mutex::new(manifest);
        let counts = Mutex::new((0usize, 0usize));
        let expired = |after: Duration, building: &[PathBuf]| {
            self.tell(|o| o.timed_out(after, building));
        };
        let timeout = options.timeout.map(|after| run::Timeout {
            after,
            expired: &expired,
        });
        run::run(
            typesetter,
            self.pages,
            &stale,
            options.then,
            timeout,
            |finished: Finished| {
                let job = finished.job;
                let display = &job.file.display;
                match finished.outcome {
                    Outcome::Built {
                        pages,
                        warnings,
                        files_read,
                        stamp,
                        companions,
                        verified,
                    } => {
                        if let (Some(out_dir), Ok(mut manifest)) = (out_dir, manifest.lock()) {
                            let inputs = job.sources.iter().cloned().chain(files_read);
                            let entry =
                                Entry::new(job.key.clone(), project.gate(), cap, inputs, stamp)
                                    .with_companions(out_dir, &companions);
                            manifest.record(out_dir, &job.output, entry);
                        }
                        if let Ok(mut counts) = counts.lock() {
                            counts.0 += 1;
                        }
                        self.tell(|o| {
                            o.built(&Report {
                                display,
                                output: &job.output,
                                pages,
                                time: finished.time,
                                warnings: &warnings,
                                verified: &verified,
                            })
                        });
                    }
                    Outcome::Failed(diagnostics) => {
                        if let (Some(out_dir), Ok(mut manifest)) = (out_dir, manifest.lock()) {
                            manifest.forget(out_dir, &job.output);
                        }
                        if let Ok(mut counts) = counts.lock() {
                            counts.1 += 1;
                        }
                        self.tell(|o| o.failed(display, &diagnostics));
                    }
                }
            },
        );
        let (built, failed) = counts.into_inner().unwrap_or_default();
        self.summary.built += built;
        self.summary.failed += failed;
        let manifest = manifest.into_inner().unwrap_or_default();
        if let Some(out_dir) = out_dir {
            if let Err(err) = manifest.save(project.gate(), out_dir, options.shard) {
                let warning = Diagnostic::warning(format!(
                    "cannot write the build manifest in {}: {err}",
                    out_dir.display()
                ))
                .with_code("io");
                self.tell(|o| o.diagnostic(&warning));
            }
            for job in stale.iter().chain(&fresh) {
                self.summary.inputs.extend(job.sources.iter().cloned());
                self.summary.inputs.extend(
                    manifest
                        .inputs_of(out_dir, &job.output)
                        .map(|path| project.root().join(path)),
                );
            }
        }
        if let Some(dir) = catalogue_dir {
            let listed: Vec<Job> = stale.into_iter().chain(fresh).collect();
            if let Err(message) = self.write_catalogue(dir, &listed, &notices) {
                self.summary.failed += 1;
                let error = Diagnostic::error(format!("the catalogue was not written: {message}"))
                    .with_code("catalogue");
                self.tell(|o| o.diagnostic(&error));
            }
        }
        Ok(())
    }

    /// The catalogue of `dir` for the jobs, told to the observer.
    fn write_catalogue(
        &self,
        dir: &Path,
        jobs: &[Job],
        notices: &[crate::prepare::notice::NoticeData],
    ) -> Result<(), String> {
        let typesetter = self.typesetter;
        // One entry per document: its PDF job (with its page and EPUB
        // beside it), else its EPUB job (with its page), else its page job
        // alone. Its outputs share a name but for the extension.
        let named = |job: &Job| job.output.with_extension(Edition::Pdf.extension());
        let laid_out: HashSet<PathBuf> = jobs
            .iter()
            .filter(|job| job.edition != Edition::Html)
            .map(named)
            .collect();
        let pages_by_name: HashMap<PathBuf, &Path> = jobs
            .iter()
            .filter(|job| job.edition == Edition::Html)
            .map(|job| (named(job), job.output.as_path()))
            .collect();
        let mut shown_jobs = Vec::new();
        let documents: Vec<catalogue::Built> = jobs
            .iter()
            .enumerate()
            .filter_map(|(index, job)| {
                let page = pages_by_name.get(&named(job)).copied();
                let (output, page, epub) = match job.edition {
                    Edition::Pdf => (Some(job.output.as_path()), page, job.epub.as_deref()),
                    Edition::Epub => (None, page, Some(job.output.as_path())),
                    Edition::Html => {
                        if laid_out.contains(&named(job)) {
                            return None;
                        }
                        (None, Some(job.output.as_path()), None)
                    }
                };
                shown_jobs.push(index);
                Some(catalogue::Built {
                    id: &job.prepared.id,
                    listing: &job.prepared.listing,
                    output,
                    page,
                    epub,
                    key: &job.key,
                    part: job.part,
                })
            })
            .collect();
        let draw = |index: usize| -> Option<Thumbnails> {
            let job = jobs.get(*shown_jobs.get(index)?)?;
            // A light job's data was dropped after planning: prepared again.
            let again = match job.light {
                true => Some(document::ready(typesetter, &job.file.path, &job.file.display).ok()?),
                false => None,
            };
            let (prepared, file) = match &again {
                Some(ready) => (&ready.prepared, &ready.loaded.file),
                None => (&job.prepared, &job.file),
            };
            document::thumbnails(typesetter, prepared, file, job.part)
        };
        let publication = typesetter.project().config().publication.name.as_deref();
        let written = catalogue::write(typesetter, dir, &documents, notices, publication, &draw)?;
        self.tell(|o| o.catalogue(dir, &written));
        Ok(())
    }

    fn check(mut self, deep: bool) -> Result<(), Stop> {
        let typesetter = self.typesetter;
        let refused_before = self.summary.failed;
        let inputs = self.discover()?;
        self.summary.checked += self.summary.failed - refused_before;
        if let Some(file) = &typesetter.project().config().file {
            for placeholder in lint::placeholders(file) {
                self.tell(|o| o.diagnostic(&placeholder));
            }
        }
        // Output paths are planned but nothing is written.
        let plan = plan::plan(
            typesetter,
            &inputs,
            &Destination::Folder(Path::new("out")),
            Keep::All,
            Placeholders::Warn,
            Editions::PDF,
        );
        for warning in &plan.warnings {
            self.tell(|o| o.diagnostic(warning));
        }
        self.summary.checked += plan.jobs.iter().filter(|job| !job.member).count()
            + plan.failures.len()
            + plan.notices.len();
        self.fail(&plan.failures);
        for warning in plan.jobs.iter().flat_map(|job| &job.prepared.warnings) {
            self.tell(|o| o.diagnostic(warning));
        }
        if !deep {
            // Images were judged from their headers; whether their data
            // decodes is checked here without a layout (the pixels let go
            // at once). With --deep the layout decodes them.
            let undecodable = self.undecodable_images(&plan.jobs);
            self.fail(&undecodable);
        } else {
            // An issue lays its members out; their own PDFs differ only in
            // running heads.
            let whole: Vec<&Job> = plan.jobs.iter().filter(|job| !job.member).collect();
            let results: Mutex<Vec<Option<Vec<Diagnostic>>>> = Mutex::new(vec![None; whole.len()]);
            run::each(whole.len(), |index| {
                let job = whole[index];
                let diagnostics = run::contained_diagnostics(|| {
                    document::inspect(typesetter, &job.prepared, &job.file)
                });
                if let Ok(mut results) = results.lock() {
                    results[index] = Some(diagnostics);
                }
            });
            let results = results.into_inner().unwrap_or_default();
            for (job, diagnostics) in whole.iter().zip(results) {
                let diagnostics = diagnostics.unwrap_or_default();
                self.tell(|o| o.inspected(&job.file.display, &diagnostics));
            }
        }
        Ok(())
    }

    /// The documents among `jobs` that place an image whose data does not
    /// decode (a file planned twice, alone and as an issue's member, is
    /// reported once); each distinct image is decoded once, on every core,
    /// and its pixels dropped.
    fn undecodable_images(&self, jobs: &[Job]) -> Vec<Failure> {
        let project = self.typesetter.project();
        let mut paths: Vec<&str> = jobs
            .iter()
            .flat_map(|job| &job.prepared.images)
            .map(|image| image.path.as_str())
            .collect();
        paths.sort_unstable();
        paths.dedup();
        // Decoded in parallel first; the verdicts stay with the files.
        run::each(paths.len(), |index| {
            let _ = typeset::image_decodes(project, paths[index], false);
        });
        let mut reported = HashSet::new();
        let mut failures = Vec::new();
        for job in jobs {
            if !reported.insert(job.file.display.clone()) {
                continue;
            }
            let images: Vec<&ImageRef> = job.prepared.images.iter().collect();
            let diagnostics = typeset::undecodable(project, &images, false);
            if !diagnostics.is_empty() {
                failures.push(Failure {
                    display: job.file.display.clone(),
                    diagnostics,
                });
            }
        }
        failures
    }

    fn catalogue(mut self) -> Result<(), Stop> {
        let project = self.typesetter.project();
        let out_dir = self.out_dir();
        if !out_dir.is_dir() {
            return Err(Stop::Usage(format!(
                "{} does not exist: build first (`briefpress build`)",
                out_dir.display()
            )));
        }
        let inputs = discover::discover(project, self.paths).map_err(Stop::Usage)?;
        for warning in &inputs.warnings {
            self.tell(|o| o.diagnostic(warning));
        }
        self.fail(&inputs.refused);
        let plan = plan::plan(
            self.typesetter,
            &inputs.inputs,
            &Destination::Folder(&out_dir),
            Keep::for_run(inputs.inputs.len()),
            Placeholders::Warn,
            self.editions(),
        );
        self.fail(&plan.failures);
        self.write_catalogue(&out_dir, &plan.jobs, &plan.notices)
            .map_err(Stop::Usage)
    }
}
