//! Every document found, loaded and prepared (cheap, no layout), becomes
//! one job per PDF: its output path, the files it is made from and the key
//! that decides whether it must be built again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::build::discover::{Failure, Input};
use crate::build::document::{self, Ready};
use crate::diag::Diagnostic;
use crate::export::web::{self, Links, Pages, Up};
use crate::fsgate::{self, hash_bytes};
use crate::load::SourceFile;
use crate::load::config::{Edition, Profile, RESERVED_FOLDERS};
use crate::load::project::Project;
use crate::model::{Document, Kind};
use crate::prepare;
use crate::prepare::Prepared;
use crate::prepare::lint;
use crate::prepare::notice::NoticeData;
use crate::typeset::output::COVER_SUFFIX;
use crate::typeset::{Part, Typesetter, coverage};

/// One output to produce: a PDF, or a web page.
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
    /// Which edition it is.
    pub edition: Edition,
    /// Where a web page links to (its PDF, an issue's members, a member's
    /// issue); for a PDF job with a book, the PDF on the web, if published.
    pub links: Links,
    /// The EPUB a PDF job also writes, made from the same layout.
    pub epub: Option<PathBuf>,
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
        // The fixed time of a reproducible build is printed in the PDF.
        let time = typesetter.project().time();
        let epoch = if time.fixed {
            time.seconds.to_string()
        } else {
            String::new()
        };
        let mut keyed = format!(
            "{}\n{epoch}\n{}\n{part:?}\n",
            typesetter.fingerprint(),
            prepared.kind.name()
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
            edition: Edition::Pdf,
            links: Links::default(),
            epub: None,
        }
    }

    /// The web page of the document this PDF job makes, beside the PDF
    /// (linking to it when the run writes it).
    fn page(&self, pages: &Pages, pdf: bool) -> Job {
        let mut page = Job {
            file: self.file.clone(),
            prepared: self.prepared.clone(),
            output: self.output.with_extension(Edition::Html.extension()),
            sources: self.sources.clone(),
            key: String::new(),
            member: self.member,
            weight: self.weight / 8,
            light: self.light,
            origin: self.origin,
            thumbnail: None,
            part: Part::Whole,
            edition: Edition::Html,
            links: Links {
                pdf: pdf.then(|| file_name(&self.output)),
                ..Links::default()
            },
            epub: None,
        };
        page.rekey(pages);
        page
    }

    /// A page's key: the web templates, the data and where it links.
    fn rekey(&mut self, pages: &Pages) {
        let mut keyed =
            format!("{}\n{}\n", pages.fingerprint(), self.prepared.kind.name()).into_bytes();
        keyed.extend_from_slice(&self.prepared.data);
        keyed.extend_from_slice(format!("\n{:?}", self.links).as_bytes());
        self.key = hash_bytes(&keyed);
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
        self.file.toml = None;
        self.light = true;
    }
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

/// What a `TODO` placeholder left in a document means for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholders {
    /// A warning (`check`, a `--draft` build, the catalogue of PDFs built).
    Warn,
    /// An error that refuses the document (a final build).
    Refuse,
}

/// The editions a run writes.
#[derive(Clone, Copy)]
pub struct Editions<'a> {
    pub pdf: bool,
    /// The web pages' renderer, when the run writes them.
    pub web: Option<&'a Pages>,
    /// The same, when the run writes EPUBs (their chapters are pages).
    pub epub: Option<&'a Pages>,
}

impl Editions<'_> {
    /// PDFs only (what `check` plans).
    pub const PDF: Editions<'static> = Editions {
        pdf: true,
        web: None,
        epub: None,
    };
}

/// What a run will do.
pub struct Plan {
    pub jobs: Vec<Job>,
    pub failures: Vec<Failure>,
    /// Announcements for the catalogue (not typeset).
    pub notices: Vec<NoticeData>,
    /// The notices' warnings (a document's travel with its job).
    pub warnings: Vec<Diagnostic>,
}

/// Loads and prepares every input (cheap, no layout) and plans its jobs.
/// Documents sharing an id would overwrite each other's PDF: both fail.
pub fn plan(
    typesetter: &Typesetter,
    inputs: &[Input],
    destination: &Destination,
    keep: Keep,
    placeholders: Placeholders,
    editions: Editions,
) -> Plan {
    let mut failures = Vec::new();
    let mut notices = Vec::new();
    let mut warnings = Vec::new();
    // The placeholders among a document's warnings, as the run takes them.
    let gate = |found: Vec<Diagnostic>| match placeholders {
        Placeholders::Warn => (Vec::new(), found),
        Placeholders::Refuse => lint::refused_placeholders(found),
    };
    let mut jobs: Vec<Job> = Vec::new();
    // Top-level documents by id: (display, the index of its jobs' origin).
    let mut ids: HashMap<String, Vec<(PathBuf, usize)>> = HashMap::new();
    // Loading and preparing is each input's own work: done on every
    // thread, a batch at a time (so that a light plan holds only one batch
    // whole), then taken in the order of the inputs, so that failures,
    // warnings and job order do not depend on which finished first.
    for (batch, inputs) in inputs.chunks(STAGED_AT_ONCE).enumerate() {
        let staged: Vec<Staged> = inputs
            .par_iter()
            .map(|input| stage(typesetter, input, destination, &gate))
            .collect();
        for (index, (input, staged)) in inputs.iter().zip(staged).enumerate() {
            let origin = batch * STAGED_AT_ONCE + index;
            let failed = |diagnostics| Failure {
                display: input.display.clone(),
                diagnostics,
            };
            match staged {
                Staged::Skipped => {}
                Staged::Notice(Ok((notice, warned))) => {
                    notices.push(*notice);
                    warnings.extend(warned);
                }
                Staged::Notice(Err(diagnostics)) | Staged::Document(Err(diagnostics)) => {
                    failures.push(failed(diagnostics));
                }
                Staged::Document(Ok(doc)) => {
                    ids.entry(doc.prepared.id.clone())
                        .or_default()
                        .push((doc.loaded.file.display.clone(), origin));
                    let start = jobs.len();
                    plan_document(typesetter, *doc, destination, editions, &mut jobs);
                    for job in &mut jobs[start..] {
                        job.origin = origin;
                        if keep == Keep::Light && !job.member && job.standalone() {
                            job.lighten();
                        }
                    }
                }
            }
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
        warnings,
    }
}

/// How many inputs are loaded and prepared together, on every thread,
/// before they are planned (and, in a light plan, lightened).
const STAGED_AT_ONCE: usize = 64;

/// One input loaded and prepared, before it is planned.
enum Staged {
    /// A compendium part found in a folder: its compendium builds it.
    Skipped,
    /// A notice for the catalogue, with its warnings.
    Notice(Result<(Box<NoticeData>, Vec<Diagnostic>), Vec<Diagnostic>>),
    /// A document. (Both are boxed: they are far larger than `Skipped`.)
    Document(Result<Box<Ready>, Vec<Diagnostic>>),
}

/// Loads and prepares one input, with the checks that need nothing but
/// it: placeholders (as `gate` takes them), glyphs no font has, an output
/// name that is reserved in `destination`.
fn stage(
    typesetter: &Typesetter,
    input: &Input,
    destination: &Destination,
    gate: &(impl Fn(Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Diagnostic>) + Sync),
) -> Staged {
    let loaded = document::load_in_project(typesetter, &input.path, &input.display);
    if let Ok(loaded) = &loaded
        && matches!(loaded.document, Document::CompendiumPart(_))
        && !input.explicit
    {
        return Staged::Skipped;
    }
    if let Ok(loaded) = &loaded
        && let Document::Notice(notice) = &loaded.document
    {
        // The catalogue prints a notice's text: its glyphs are checked
        // here, as a document's are, so check and build agree.
        let mut missing = coverage::missing_glyphs(&loaded.file, typesetter.font_book());
        let (refused, warned) = gate(lint::placeholders(&loaded.file));
        missing.extend(refused);
        let prepared = prepare::notice::prepare(loaded, notice, typesetter.project());
        return Staged::Notice(match prepared {
            Ok(notice) if missing.is_empty() => Ok((Box::new(notice), warned)),
            Ok(_) => Err(missing.into_iter().chain(warned).collect()),
            Err(diagnostics) => Err(diagnostics),
        });
    }
    Staged::Document(loaded.and_then(|loaded| {
        let mut prepared = prepare::prepare(&loaded, typesetter.project())?;
        let (refused, warned) = gate(std::mem::take(&mut prepared.warnings));
        if !refused.is_empty() {
            return Err(refused.into_iter().chain(warned).collect());
        }
        prepared.warnings = warned;
        let missing: Vec<Diagnostic> = std::iter::once(&loaded.file)
            .chain(&prepared.included)
            .flat_map(|file| coverage::missing_glyphs(file, typesetter.font_book()))
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let doc = Ready { loaded, prepared };
        match (destination, reserved_output(typesetter.project(), &doc)) {
            (Destination::Folder(_), Some(reserved)) => Err(vec![reserved]),
            _ => Ok(Box::new(doc)),
        }
    }))
}

/// The jobs of one document: its PDF and, for an issue, each member's own;
/// and the web page of each.
fn plan_document(
    typesetter: &Typesetter,
    mut doc: Ready,
    destination: &Destination,
    editions: Editions,
    jobs: &mut Vec<Job>,
) {
    let start = jobs.len();
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
        typesetter.project().profile() == Profile::Print && doc.prepared.kind == Kind::Issue;
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
    add_pages(jobs, start, editions);
    let published = match destination {
        Destination::Folder(folder) => typesetter
            .project()
            .config()
            .url
            .as_deref()
            .map(|url| (url, *folder)),
        Destination::File(_) => None,
    };
    add_books(&mut jobs[start..], editions, published);
    if !editions.pdf {
        let planned = jobs.split_off(start);
        jobs.extend(
            planned
                .into_iter()
                .filter(|job| job.edition != Edition::Pdf),
        );
    }
}

/// Gives each document's PDF job its EPUB, made from the same layout (a
/// member of an issue is a chapter of the issue's book, a printed issue's
/// book comes with its interior); when the run writes no PDFs, the job
/// lays the document out for its EPUB alone. A book links its PDF only
/// where the output folder is `published` (`[publication] url`).
fn add_books(jobs: &mut [Job], editions: Editions, published: Option<(&str, &Path)>) {
    let Some(pages) = editions.epub else { return };
    let books = jobs
        .iter_mut()
        .filter(|job| job.edition == Edition::Pdf && !job.member && job.part != Part::Cover);
    for job in books {
        let book = job.output.with_extension(Edition::Epub.extension());
        if editions.pdf {
            job.epub = Some(book);
            job.links.pdf = published.and_then(|(url, folder)| {
                let inside = job.output.strip_prefix(folder).ok()?;
                let path: Vec<String> = inside
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                Some(format!("{url}/{}", web::href(&path.join("/"))))
            });
        } else {
            job.output = book;
            job.edition = Edition::Epub;
        }
        job.key = hash_bytes(
            format!(
                "{}\nepub {}\n{:?}\n",
                job.key,
                pages.fingerprint(),
                job.links.pdf
            )
            .as_bytes(),
        );
    }
}

/// Adds the web page of each PDF job from `start` (an issue's page links
/// its members' pages, and theirs link back).
fn add_pages(jobs: &mut Vec<Job>, start: usize, editions: Editions) {
    let Some(pages) = editions.web else { return };
    let pdfs = jobs.len();
    for index in start..pdfs {
        if jobs[index].part != Part::Cover {
            let page = jobs[index].page(pages, editions.pdf);
            jobs.push(page);
        }
    }
    let (members, mut whole): (Vec<&mut Job>, Vec<&mut Job>) =
        jobs[pdfs..].iter_mut().partition(|job| job.member);
    if let ([issue], false) = (whole.as_mut_slice(), members.is_empty()) {
        let issue_dir = issue.output.parent().unwrap_or(Path::new("")).to_path_buf();
        for member in members {
            let member_dir = member.output.parent().unwrap_or(Path::new(""));
            member.links.up = Some(Up {
                href: web::relative_href(member_dir, &issue.output),
                title: issue.prepared.title.clone(),
            });
            member.rekey(pages);
            issue.links.members.insert(
                member.prepared.id.clone(),
                web::relative_href(&issue_dir, &member.output),
            );
        }
        issue.rekey(pages);
    }
}

/// The file name of `path`, as a link from beside it.
fn file_name(path: &Path) -> String {
    web::href(&path.file_name().unwrap_or_default().to_string_lossy())
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
    out_dir
        .join(output_folder(project, doc))
        .join(format!("{}.pdf", doc.prepared.id))
}

/// The folder under `briefs/` (or the root) a document is in, which its
/// PDF keeps in the output folder.
fn output_folder(project: &Project, doc: &Ready) -> PathBuf {
    let inside = project
        .inside(&doc.loaded.file.path)
        .unwrap_or_else(|_| doc.loaded.file.path.clone());
    let inside = inside.strip_prefix("briefs").unwrap_or(&inside);
    inside.parent().unwrap_or(Path::new("")).to_path_buf()
}

/// An error if a document's PDFs would go into a folder briefpress writes
/// itself (`print/`, `archive/`, `preview/`, `thumbnails/` at the top of
/// the output folder): its folder, or an issue's id (its members' folder).
fn reserved_output(project: &Project, doc: &Ready) -> Option<Diagnostic> {
    let folder = output_folder(project, doc);
    let top = folder
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let (name, what) = match top {
        Some(top) if RESERVED_FOLDERS.contains(&top.as_str()) => (top, "is in a folder named"),
        _ if doc.prepared.kind == Kind::Issue
            && RESERVED_FOLDERS.contains(&doc.prepared.id.as_str()) =>
        {
            (
                doc.prepared.id.clone(),
                "is an issue whose members would go to a folder named",
            )
        }
        _ => return None,
    };
    Some(
        Diagnostic::error(format!(
            "the document {what} `{name}`, which briefpress uses for its own outputs"
        ))
        .with_code("reserved-folder")
        .in_file(&doc.loaded.file.display)
        .with_hint(format!(
            "the output folder's {} are briefpress's; rename the folder or give the issue another `id`",
            RESERVED_FOLDERS.map(|f| format!("{f}/")).join(", ")
        )),
    )
}
