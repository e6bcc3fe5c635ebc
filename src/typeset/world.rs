//! The Typst world: what the compiler may see. One [`Typesetter`] per run
//! holds the standard library, the fonts and the file cache, shared by every
//! document (and thread); a [`DocumentWorld`] adds one document's data.

use super::TYPST_VERSION;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;

use super::fonts::Fonts;
use super::output::{self, Part};
use super::resample_cache::{self, ResampleCache};
use super::stand_in::{Originals, StandIns};
use crate::fsgate::hash_bytes;

use super::templates::{self, DATA_PATH};
use crate::fsgate::{self, GateError};
use crate::load::project::{ImageError, Project};

/// File ids are interned process-wide (and capped at 65,535), so the data
/// file has one id for every document of a run.
static DATA_ID: LazyLock<FileId> = LazyLock::new(|| project_file(DATA_PATH));
static ATTACHMENTS_ID: LazyLock<FileId> =
    LazyLock::new(|| project_file(templates::ATTACHMENTS_PATH));
static NOTE_ID: LazyLock<FileId> = LazyLock::new(|| project_file(templates::NOTE_PATH));
static OUTPUT_ID: LazyLock<FileId> = LazyLock::new(|| project_file(templates::OUTPUT_PATH));

/// The id of a file in the project's virtual root.
pub fn project_file(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("briefpress's own virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// Everything shared by the documents of one run.
pub struct Typesetter {
    project: Project,
    library: LazyHash<Library>,
    fonts: FontStore,
    files: FileStore<ProjectFiles>,
    /// A hash over the fonts added with `--font-path`.
    fonts_fingerprint: String,
    /// A hash over everything shared that decides the output bytes.
    fingerprint: String,
    /// Screen copies of images kept between builds, in the output folder of
    /// the first run that builds into one.
    resample_cache: OnceLock<ResampleCache>,
}

impl Typesetter {
    pub fn new(project: Project, fonts: Fonts) -> Self {
        // No output may land on a font the run reads.
        for (path, identity) in &fonts.files {
            project.gate().note_input(*identity, path);
        }
        let files = FileStore::new(ProjectFiles {
            project: project.clone(),
        });
        let mut typesetter = Self {
            project,
            library: LazyHash::new(Library::default()),
            fonts: fonts.store,
            fonts_fingerprint: fonts.fingerprint,
            files,
            fingerprint: String::new(),
            resample_cache: OnceLock::new(),
        };
        typesetter.fingerprint = typesetter.compute_fingerprint();
        typesetter
    }

    fn compute_fingerprint(&self) -> String {
        hash_bytes(
            format!(
                "briefpress {} typst {TYPST_VERSION} profile {} templates {} fonts {} config {}",
                env!("CARGO_PKG_VERSION"),
                self.project.profile().name(),
                templates::fingerprint(&self.project),
                self.fonts_fingerprint,
                hash_bytes(self.project.config().text().as_bytes())
            )
            .as_bytes(),
        )
    }

    /// Forgets file contents read so far (they changed on disk), keeping
    /// the fonts and the compiler's memoized work for the next build.
    pub fn reset(&mut self) {
        self.project.gate().forget();
        self.files.reset();
        self.fingerprint = self.compute_fingerprint();
    }

    /// Keeps screen copies of images in `out_dir` from now on (the first
    /// folder given stays: a typesetter serves one project's runs), trimmed
    /// to its cap once.
    pub fn keep_resampled_in(&self, out_dir: &Path) {
        self.resample_cache
            .get_or_init(|| ResampleCache::open(out_dir, resample_cache::CAP_BYTES));
    }

    /// Where screen copies of images are kept, once a run builds into a
    /// folder.
    pub fn resample_cache(&self) -> Option<&ResampleCache> {
        self.resample_cache.get()
    }

    /// A hash over the tool, the templates and the fonts in effect.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// What the fonts of the run are and cover.
    pub fn font_book(&self) -> &FontBook {
        self.fonts.book()
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn fonts(&self) -> &FontStore {
        &self.fonts
    }

    /// The source of a file the compiler read, for diagnostics.
    pub fn source(&self, id: FileId) -> Option<Source> {
        self.files.source(id).ok()
    }

    /// A world that compiles `template` over one document's JSON `data`,
    /// into the `part` of the document the run's profile asks for.
    pub fn world(
        &self,
        template: &str,
        data: Vec<u8>,
        part: Part,
        today: Datetime,
    ) -> DocumentWorld<'_> {
        DocumentWorld {
            typesetter: self,
            main: project_file(&format!("/.briefpress/{template}.typ")),
            data: Bytes::new(data),
            output: Bytes::new(output::json(self.project.profile(), part)),
            served: Vec::new(),
            archive: None,
            stand_ins: None,
            today,
            read: Mutex::new(BTreeSet::new()),
        }
    }

    /// The world of an archival PDF: its entry also attaches the files
    /// `attachments` (JSON) lists, and serves the archive note.
    pub fn archive_world(
        &self,
        template: &str,
        data: Vec<u8>,
        today: Datetime,
        attachments: Vec<u8>,
        note: String,
    ) -> DocumentWorld<'_> {
        DocumentWorld {
            main: project_file(&format!("/.briefpress/{template}-archive.typ")),
            archive: Some((Bytes::new(attachments), Bytes::from_string(note))),
            ..self.world(template, data, Part::Whole, today)
        }
    }
}

/// Serves project files to the compiler: the entry sources, templates (the
/// project's own first, then the built-in ones) and images. Nothing outside
/// the project root is ever read, and there are no packages.
struct ProjectFiles {
    project: Project,
}

impl FileLoader for ProjectFiles {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Other(Some(
                format!(
                    "packages are not available offline ({spec}); briefpress never uses the network"
                )
                .into(),
            )));
        }
        let vpath = id.vpath().get_without_slash();
        if let Some(name) = vpath.strip_prefix(".briefpress/") {
            let name = name.strip_suffix(".typ").unwrap_or_default();
            let (name, archive) = match name.strip_suffix("-archive") {
                Some(template) => (template, true),
                None => (name, false),
            };
            return match templates::builtin(&format!("{name}.typ")) {
                Some(_) if archive => Ok(Bytes::from_string(templates::archive_entry(name))),
                Some(_) => Ok(Bytes::from_string(templates::entry(name))),
                None => Err(FileError::NotFound(vpath.into())),
            };
        }
        let inside = inside_of(&self.project, vpath).ok_or_else(|| {
            FileError::Other(Some(
                format!("/{vpath} is refused: it is outside the project root").into(),
            ))
        })?;
        let refused = |why: &dyn std::fmt::Display| {
            FileError::Other(Some(
                format!("{} is refused: {why}", inside.display()).into(),
            ))
        };
        if let Some(name) = vpath.strip_prefix("templates/") {
            return match templates::source(&self.project, Path::new(name)) {
                Ok(Some(bytes)) => Ok(bytes),
                Ok(None) => Err(FileError::NotFound(self.project.gate().absolute(&inside))),
                Err(why) => Err(refused(&why)),
            };
        }
        // Images are checked as prepare checks them: what the compiler
        // decodes has passed the limits, whenever it was read.
        match self.project.read_asset(&inside) {
            Ok(data) => Ok(data.bytes.clone()),
            Err(ImageError::Gate(GateError::NotFound)) => {
                Err(FileError::NotFound(self.project.gate().absolute(&inside)))
            }
            Err(why) => Err(refused(&why)),
        }
    }
}

/// The file inside the root that a project path of the compiler names:
/// `/templates/…` is the project's templates folder (`[build] templates`).
fn inside_of(project: &Project, vpath: &str) -> Option<PathBuf> {
    let inside = fsgate::join(Path::new(""), Path::new(vpath)).ok()?;
    Some(match inside.strip_prefix("templates") {
        Ok(name) if vpath.starts_with("templates/") => project.templates_inside().join(name),
        _ => inside,
    })
}

/// One document's view of the world.
pub struct DocumentWorld<'a> {
    typesetter: &'a Typesetter,
    main: FileId,
    data: Bytes,
    /// What the templates are told about the PDF (see [`output`]).
    output: Bytes,
    /// For an archival PDF: the attachments list and the note.
    archive: Option<(Bytes, Bytes)>,
    /// Files made by briefpress for this compilation (the catalogue's
    /// thumbnails), served under `/.briefpress/`.
    served: Vec<(FileId, Bytes)>,
    /// Images the layout sees as stand-ins (screen PDFs: see
    /// [`super::stand_in`]).
    stand_ins: Option<StandIns>,
    today: Datetime,
    /// Project files the compiler asked for, so that incremental builds
    /// know what a document depends on.
    read: Mutex<BTreeSet<PathBuf>>,
}

impl DocumentWorld<'_> {
    /// This world, also serving each `(name, bytes)` of `files` as
    /// `/.briefpress/<name>`.
    pub fn serving(mut self, files: Vec<(String, Bytes)>) -> Self {
        self.served = files
            .into_iter()
            .map(|(name, bytes)| (project_file(&format!("/.briefpress/{name}")), bytes))
            .collect();
        self
    }

    /// This world, serving stand-ins for the images of `stand_ins`.
    pub fn standing_in(mut self, stand_ins: StandIns) -> Self {
        self.stand_ins = Some(stand_ins);
        self
    }

    /// The stand-ins this world served, with their originals.
    pub fn stood_in(&self) -> Originals {
        self.stand_ins
            .as_ref()
            .map(StandIns::served)
            .unwrap_or_default()
    }

    /// The stand-in for the file `id`, if it is an image stood in for (an
    /// image that cannot be read is served, or refused, as usual).
    fn stand_in(&self, id: FileId) -> Option<Bytes> {
        let stand_ins = self.stand_ins.as_ref()?;
        let vpath = id.vpath().get_without_slash();
        if id.root() != &VirtualRoot::Project || !stand_ins.covers(vpath) {
            return None;
        }
        let project = &self.typesetter.project;
        let data = project.read_asset(&inside_of(project, vpath)?).ok()?;
        stand_ins.serve(vpath, &data)
    }

    /// The project files (images, override templates, anything a template
    /// read) this document's compilation asked for, as real paths.
    pub fn files_read(&self) -> Vec<PathBuf> {
        self.read
            .lock()
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn note_read(&self, id: FileId) {
        if id.root() != &VirtualRoot::Project {
            return;
        }
        let vpath = id.vpath().get_without_slash();
        if vpath.starts_with(".briefpress/") {
            return;
        }
        let project = &self.typesetter.project;
        if let Some(inside) = inside_of(project, vpath)
            && project.gate().is_file(&inside)
            && let Ok(mut read) = self.read.lock()
        {
            read.insert(project.gate().absolute(&inside));
        }
    }
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.typesetter.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.typesetter.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.note_read(id);
        self.typesetter.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA_ID {
            return Ok(self.data.clone());
        }
        if id == *OUTPUT_ID {
            return Ok(self.output.clone());
        }
        if let Some((_, bytes)) = self.served.iter().find(|(served, _)| *served == id) {
            return Ok(bytes.clone());
        }
        if let Some((attachments, note)) = &self.archive {
            if id == *ATTACHMENTS_ID {
                return Ok(attachments.clone());
            }
            if id == *NOTE_ID {
                return Ok(note.clone());
            }
        }
        self.note_read(id);
        if let Some(stand_in) = self.stand_in(id) {
            return Ok(stand_in);
        }
        self.typesetter.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.typesetter.fonts.font(index)
    }

    /// `today()` is the document's date, so output never depends on the clock.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
