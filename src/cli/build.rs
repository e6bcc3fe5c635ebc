//! `briefpress build`: every document given, each into its PDF, on all
//! cores, skipping those whose inputs are unchanged since the last build. A
//! failing document is reported and the others still build; the exit code
//! says whether all succeeded.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use briefpress::batch::{self, Destination, Finished, Job, Outcome};
use briefpress::config;
use briefpress::diag::Diagnostic;
use briefpress::export::catalogue;
use briefpress::manifest::{Entry, Manifest};
use briefpress::project::Project;
use briefpress::typeset::{Part, Typesetter, fonts};

use super::report::Reporter;
use super::{BuildArgs, ProjectArgs};

/// What one build did, and the files it depends on (for `watch`).
#[derive(Default)]
pub struct Summary {
    pub built: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub inputs: BTreeSet<PathBuf>,
}

pub fn run(args: &BuildArgs, reporter: &Reporter) -> ExitCode {
    let groups = match projects(&args.project) {
        Ok(groups) => groups,
        Err(problems) => return reporter.setup_failed(&problems),
    };
    if args.output.is_some() && groups.len() > 1 {
        return reporter
            .usage_error("--output needs exactly one document; use --out-dir for several");
    }
    let mut failed = false;
    for (project, paths) in groups {
        let typesetter = match setup(project, &args.project, reporter) {
            Ok(typesetter) => typesetter,
            Err(problems) => return reporter.setup_failed(&problems),
        };
        match execute(&typesetter, args, &paths, args.force, reporter) {
            Ok(summary) => failed |= summary.failed > 0,
            Err(message) => return reporter.usage_error(&message),
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
pub fn projects(args: &ProjectArgs) -> Result<Vec<(Project, Vec<PathBuf>)>, Vec<Diagnostic>> {
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
pub fn setup(
    project: Project,
    args: &ProjectArgs,
    reporter: &Reporter,
) -> Result<Typesetter, Vec<Diagnostic>> {
    let fonts = fonts::load(&args.font_paths)
        .map_err(|message| vec![Diagnostic::error(message).with_code("font")])?;
    let mut problems = config::check_fonts(project.config(), fonts.store.book());
    // The publication's name, masthead and disclaimer print on every
    // document: a character no font has is said once, here.
    if let Some(file) = &project.config().file {
        problems.extend(briefpress::typeset::coverage::missing_glyphs(
            file,
            fonts.store.book(),
        ));
    }
    problems.extend(briefpress::typeset::templates::check_overrides(&project));
    if !problems.is_empty() {
        return Err(problems);
    }
    let configured = match &project.config().file {
        Some(file) => file.display.display().to_string(),
        None => format!("no {}, defaults", config::FILE_NAME),
    };
    reporter.detail(&format!(
        "project {} ({configured})",
        project.root().display()
    ));
    let profile = args.profile.unwrap_or(project.profile());
    Ok(Typesetter::new(
        project.with_draft(args.draft).with_profile(profile),
        fonts,
    ))
}

/// One build of every document in `paths` (skipping unchanged ones unless
/// `force`), reported as it goes. `Err` is a usage problem.
pub fn execute(
    typesetter: &Typesetter,
    args: &BuildArgs,
    paths: &[PathBuf],
    force: bool,
    reporter: &Reporter,
) -> Result<Summary, String> {
    let started = Instant::now();
    let configured_out = typesetter.project().out_dir();
    let out_dir = args.out_dir.as_deref().unwrap_or(&configured_out);
    let project = typesetter.project();
    let batch::Discovered {
        mut inputs,
        refused,
        warnings,
    } = batch::discover(project, paths)?;
    for warning in &warnings {
        reporter.diagnostic(warning);
    }
    if inputs.is_empty() && refused.is_empty() {
        return Err("no documents (*.toml) found".into());
    }
    let destination = match &args.output {
        Some(_) if inputs.len() != 1 => {
            return Err("--output needs exactly one document; use --out-dir for several".into());
        }
        Some(file) => Destination::File(file),
        None => Destination::Folder(out_dir),
    };
    if let Some((k, n)) = args.shard {
        inputs = batch::shard(inputs, k, n);
    }
    let mut summary = Summary::default();
    summary
        .inputs
        .extend(inputs.iter().map(|input| input.path.clone()));

    let batch::Plan {
        mut jobs,
        failures,
        notices,
    } = batch::plan(
        typesetter,
        &inputs,
        &destination,
        match args.emit_typst {
            Some(_) => batch::Keep::All,
            None => batch::Keep::for_run(inputs.len()),
        },
    );
    if args.no_members {
        jobs.retain(|job| !job.member);
    }
    for failure in refused.iter().chain(&failures) {
        reporter.failure(&failure.display, &failure.diagnostics);
    }
    summary.failed = refused.len() + failures.len();
    let root = project.root();
    let cap = project.limits().largest_file();

    // Incremental builds keep a manifest in the output folder (not for -o).
    let out_dir = args.output.is_none().then_some(out_dir);
    let manifest = out_dir.map(Manifest::load).unwrap_or_default();
    let (mut stale, fresh): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|job| {
        let Some(out_dir) = out_dir else { return true };
        force || !manifest.is_fresh(project.gate(), cap, out_dir, &job.output, &job.key)
    });
    // A build over folders ends with the offline catalogue; thumbnails are
    // drawn from the pages as they are laid out.
    let catalogue_dir = out_dir.filter(|_| {
        !args.no_catalogue && args.shard.is_none() && paths.iter().all(|path| path.is_dir())
    });
    if let Some(dir) = catalogue_dir {
        // A printed issue is shown by its cover, which has its own job.
        for job in stale.iter_mut().filter(|job| job.part != Part::Interior) {
            job.thumbnail = Some(catalogue::thumbnail_path(dir, job));
        }
    }
    summary.unchanged = fresh.len();
    for job in &fresh {
        reporter.detail(&format!(
            "unchanged {} -> {}",
            job.file.display.display(),
            job.output.display()
        ));
    }

    // Warnings of the documents about to be built, each once (an issue
    // repeats its members').
    let mut warned = std::collections::HashSet::new();
    for warning in stale.iter().flat_map(|job| &job.prepared.warnings) {
        if warned.insert(warning.to_string()) {
            reporter.diagnostic(warning);
        }
    }

    if let Some(dir) = &args.emit_typst {
        for job in jobs_to_emit(&stale, &fresh) {
            match briefpress::export::typst_project::emit(typesetter, &job.prepared, dir) {
                Ok(project) => reporter.line(&format!(
                    "typst   {} -> {}/",
                    job.file.display.display(),
                    project.display()
                )),
                Err(message) => {
                    reporter.failure(
                        &job.file.display,
                        &[Diagnostic::error(message).with_code("io")],
                    );
                    summary.failed += 1;
                }
            }
        }
    }

    let progress = reporter.progress(stale.len());
    let shared = Mutex::new((summary, manifest));
    let timeout = args.timeout;
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
                    stamp,
                } => {
                    summary.built += 1;
                    if let Some(out_dir) = out_dir {
                        let inputs = job.sources.iter().cloned().chain(files_read);
                        manifest.record(
                            out_dir,
                            &job.output,
                            Entry::new(job.key.clone(), project.gate(), cap, inputs, stamp),
                        );
                    }
                    for warning in &warnings {
                        progress.diagnostic(warning);
                    }
                    progress.line(&format!(
                        "built   {} -> {} ({pages} page{}, {} ms)",
                        display.display(),
                        job.output.display(),
                        if pages == 1 { "" } else { "s" },
                        finished.time.as_millis()
                    ));
                }
                Outcome::Failed(diagnostics) => {
                    summary.failed += 1;
                    if let Some(out_dir) = out_dir {
                        manifest.forget(out_dir, &job.output);
                    }
                    progress.failure(display, &diagnostics);
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
        if let Err(err) = manifest.save(project.gate(), out_dir, args.shard) {
            reporter.diagnostic(
                &Diagnostic::warning(format!(
                    "cannot write the build manifest in {}: {err}",
                    out_dir.display()
                ))
                .with_code("io"),
            );
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
    if let Some(dir) = catalogue_dir {
        let listed: Vec<Job> = stale.into_iter().chain(fresh).collect();
        let publication = typesetter.project().config().publication.name.as_deref();
        match catalogue::write(typesetter, dir, &listed, &notices, publication) {
            Ok(written) => reporter.line(&format!(
                "catalogue {} and {} ({} documents, {} thumbnails drawn again)",
                dir.join(catalogue::INDEX).display(),
                dir.join(catalogue::PDF).display(),
                written.documents,
                written.thumbnails_rendered
            )),
            Err(message) => {
                summary.failed += 1;
                reporter.diagnostic(
                    &Diagnostic::error(format!("the catalogue was not written: {message}"))
                        .with_code("catalogue"),
                );
            }
        }
    }
    reporter.summary(&format!(
        "{} built, {} unchanged, {} failed in {:.2} s",
        summary.built,
        summary.unchanged,
        summary.failed,
        started.elapsed().as_secs_f64()
    ));
    Ok(summary)
}

/// The documents whose Typst projects `--emit-typst` writes: every one
/// built or unchanged, but not an issue member's own copy.
fn jobs_to_emit<'a>(stale: &'a [Job], fresh: &'a [Job]) -> impl Iterator<Item = &'a Job> {
    stale.iter().chain(fresh).filter(|job| !job.member)
}

/// All cores.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
