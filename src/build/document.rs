//! One document through every stage: load, prepare, typeset, export.

use std::path::{Path, PathBuf};

use crate::catalogue;
use crate::diag::Diagnostic;
use crate::diag::Severity;
use crate::export;
use crate::load::config::Profile;
use crate::load::project::Project;
use crate::load::{self, LoadedDocument, SourceFile};
use crate::prepare::{self, Prepared};
use crate::typeset::output::BLEED_MM;
use crate::typeset::pagination::{self, PageStart};
use crate::typeset::{self, Part, Typesetter};
use typst_layout::PagedDocument;

/// A document that loaded and prepared without errors.
pub struct Ready {
    pub loaded: LoadedDocument,
    pub prepared: Prepared,
}

/// A finished PDF, not yet written.
pub struct Built {
    /// Empty when only the layout was wanted (an EPUB without its PDF).
    pub pdf: Vec<u8>,
    /// Where each numbered page begins and the first page drawn, when
    /// an EPUB edition is made from the layout.
    pub pagination: Option<Pagination>,
    /// Its first page as small PNGs, when asked for.
    pub thumbnail: Option<catalogue::Thumbnails>,
    pub pages: usize,
    pub warnings: Vec<Diagnostic>,
    /// Project files the compilation read (images, override templates).
    pub files_read: Vec<PathBuf>,
    /// Each standard the PDF claims, as the validator found it.
    pub verified: Vec<export::verify::Verified>,
}

/// What an EPUB edition takes from the layout.
pub struct Pagination {
    pub starts: Vec<PageStart>,
    /// The first page, drawn as a JPEG cover (none for a printed issue's
    /// interior, whose first page is not its cover).
    pub cover: Option<Vec<u8>>,
}

/// What a build makes of a document's layout besides the PDF.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted {
    /// The PDF itself (not for an EPUB-only run).
    pub pdf: bool,
    /// The catalogue's thumbnails of the first page.
    pub thumbnail: bool,
    /// What the EPUB edition takes from the layout.
    pub pagination: bool,
    /// Nothing compiles after this document (a run of one that no `watch`
    /// repeats). The compiler's memory is let go as soon as the document is
    /// laid out: its cache no longer shares the frames, so resampling
    /// changes them in place instead of copying them, and each original
    /// image's pixels go as its copy comes in (the issue of 40: peak 244 ->
    /// 215 MB). The layout goes once the PDF is exported, before the
    /// validator reads it.
    pub last_compile: bool,
}

/// Loads and prepares a document: every error that needs no layout.
pub fn ready(
    typesetter: &Typesetter,
    path: &Path,
    display: &Path,
) -> Result<Ready, Vec<Diagnostic>> {
    let loaded = load_in_project(typesetter, path, display)?;
    let prepared = prepare::prepare(&loaded, typesetter.project())?;
    Ok(Ready { loaded, prepared })
}

/// Loads a document through the project's gate (which refuses one outside
/// the project root).
pub fn load_in_project(
    typesetter: &Typesetter,
    path: &Path,
    display: &Path,
) -> Result<LoadedDocument, Vec<Diagnostic>> {
    let project = typesetter.project();
    load::load(project.gate(), path, display, project.limits()).map_err(|diag| vec![diag])
}

/// Everything `build` would report for a prepared document, without
/// writing it: layout and export problems and warnings, plus images under
/// print resolution at the size they are placed (errors in print).
pub fn inspect(typesetter: &Typesetter, prepared: &Prepared, file: &SourceFile) -> Vec<Diagnostic> {
    let result = typeset::typeset(typesetter, prepared, file).map(|typeset| {
        let project = typesetter.project();
        let mut found = typeset.warnings;
        match final_pdf(&typeset.document, prepared, project) {
            Ok(done) => found.extend(done.problems),
            Err(errors) => found.extend(errors),
        }
        found.extend(preflight(&typeset.document, prepared, project));
        found
    });
    typst::comemo::evict(2);
    // `check` prints diagnostics without the document's name: each one
    // that points at no line names the file.
    result
        .unwrap_or_else(|errors| errors)
        .into_iter()
        .map(|diag| diag.placed_in(&file.display))
        .collect()
}

/// Lays out and exports a prepared document, whole. Compiler caches are
/// trimmed afterwards, so memory stays bounded over long batches.
pub fn build(
    typesetter: &Typesetter,
    prepared: &Prepared,
    file: &SourceFile,
) -> Result<Built, Vec<Diagnostic>> {
    let wanted = Wanted {
        pdf: true,
        ..Wanted::default()
    };
    build_with(typesetter, prepared, file, Part::Whole, wanted)
}

/// [`build`] for one part of a document, with what else is `wanted` of
/// its layout. In print, images under 300 dpi at their placed size are
/// errors and every page gets its BleedBox.
pub fn build_with(
    typesetter: &Typesetter,
    prepared: &Prepared,
    file: &SourceFile,
    part: Part,
    wanted: Wanted,
) -> Result<Built, Vec<Diagnostic>> {
    let project = typesetter.project();
    let laid_out = typeset::typeset_part(typesetter, prepared, file, part, images_of(project));
    let result = laid_out.and_then(|mut typeset| {
        if wanted.last_compile {
            typst::comemo::evict(0);
        }
        match project.profile() {
            Profile::Print => {
                let low = preflight(&typeset.document, prepared, project);
                if !low.is_empty() {
                    return Err(low);
                }
            }
            Profile::Screen => typeset = screen_copies(typesetter, prepared, typeset)?,
            Profile::Archive => {}
        }
        let first_page = typeset.document.pages().first();
        let thumbnail = wanted
            .thumbnail
            .then_some(first_page)
            .flatten()
            .and_then(|page| catalogue::thumbnail(page).ok());
        let pagination = wanted.pagination.then(|| Pagination {
            starts: pagination::page_starts(&typeset.document),
            cover: first_page
                .filter(|_| part != Part::Interior)
                .and_then(|page| export::epub::cover(page).ok()),
        });
        if !wanted.pdf {
            return Ok(Built {
                pdf: Vec::new(),
                pagination,
                thumbnail,
                pages: typeset.document.pages().len(),
                warnings: typeset.warnings,
                files_read: typeset.files_read,
                verified: Vec::new(),
            });
        }
        let pages = typeset.document.pages().len();
        let pdf = final_bytes(&typeset.document, prepared, project)?;
        if wanted.last_compile {
            // The pages, and the resampled copies Typst's cache and this
            // process still hold (a copy is made through Typst's memoized
            // decoder), go before the bytes are verified.
            drop(typeset.document);
            typst::comemo::evict(0);
            typeset::downsample::let_go_of_held();
            trim_heap();
        }
        let done = verified(pdf, project);
        if done.problems.iter().any(Diagnostic::is_error) {
            return Err(done
                .problems
                .into_iter()
                .map(|problem| problem.placed_in(&file.display))
                .collect());
        }
        let mut warnings = typeset.warnings;
        warnings.extend(done.problems);
        Ok(Built {
            pdf: done.pdf,
            pagination,
            thumbnail,
            pages,
            warnings,
            files_read: typeset.files_read,
            verified: done.verified,
        })
    });
    typst::comemo::evict(2);
    release_freed_memory();
    result
}

/// How a build in `project`'s profile lays images out: a screen PDF's as
/// stand-ins, swapped for their resampled copies (or originals) by
/// [`screen_copies`] before anything is drawn. Every layout of a screen
/// run (its PDFs, pages, books and thumbnails) does so, so that no two
/// layouts of one process see the same image file differently.
fn images_of(project: &Project) -> typeset::Images {
    match project.profile() {
        Profile::Screen => typeset::Images::StandIns,
        Profile::Print | Profile::Archive => typeset::Images::Originals,
    }
}

/// Swaps `typeset`'s images for their screen copies, and its stand-ins for
/// their copies or originals; an original that does not decode is an error
/// at its TOML line.
fn screen_copies(
    typesetter: &Typesetter,
    prepared: &Prepared,
    mut typeset: typeset::Typeset,
) -> Result<typeset::Typeset, Vec<Diagnostic>> {
    let kept = typesetter
        .resample_cache()
        .map(|cache| typeset::downsample::Kept {
            cache,
            gate: typesetter.project().gate(),
        });
    typeset.document = typeset::downsample::downsample(
        typeset.document,
        typeset::downsample::SCREEN_DPI,
        kept,
        &typeset.stood_in,
    )
    .map_err(|unusable| {
        unusable
            .iter()
            .map(|(path, why)| typeset::unusable_image(prepared, path, why))
            .collect::<Vec<_>>()
    })?;
    Ok(typeset)
}

/// A PDF's final bytes, what the validator said of each standard it
/// claims, and the problems it and the accessibility checks found.
struct Final {
    pdf: Vec<u8>,
    verified: Vec<export::verify::Verified>,
    problems: Vec<Diagnostic>,
}

/// Exports, takes the bidi controls out of the text layer, adds the print
/// profile's page boxes, then verifies the bytes that will be written: what
/// `build` writes and `check --deep` reports come from the same steps.
fn final_pdf(
    document: &PagedDocument,
    prepared: &Prepared,
    project: &Project,
) -> Result<Final, Vec<Diagnostic>> {
    final_bytes(document, prepared, project).map(|pdf| verified(pdf, project))
}

/// The bytes that will be written: exported, the bidi controls out of the
/// text layer, the print profile's page boxes added.
fn final_bytes(
    document: &PagedDocument,
    prepared: &Prepared,
    project: &Project,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let mut pdf = export::pdf::export(
        document,
        &prepared.id,
        prepared.stamp,
        &project.standards(),
        project.time(),
    )?;
    if export::text_layer::has_bidi_controls(document) {
        pdf = export::text_layer::without_bidi_controls(pdf).map_err(|why| {
            vec![Diagnostic::error(format!("text layer: {why}")).with_code("pdf-export")]
        })?;
    }
    if project.profile() == Profile::Print {
        pdf = export::print::add_bleed_boxes(pdf, export::print::mm_to_pt(BLEED_MM)).map_err(
            |why| {
                vec![
                    Diagnostic::error(format!("print boxes: {why}"))
                        .with_code("print-boxes")
                        .with_hint("in print every page needs Typst's `bleed` (see output.json in templates/CONTRACT.md)"),
                ]
            },
        )?;
    }
    Ok(pdf)
}

/// `pdf` with what the validator and the accessibility checks say of it.
fn verified(pdf: Vec<u8>, project: &Project) -> Final {
    let verification = export::verify::verify(&pdf, &project.standards());
    Final {
        pdf,
        verified: verification.verified,
        problems: verification.problems,
    }
}

/// The catalogue's thumbnails of the first page of `part` of a document
/// (a printed issue's cover is laid out alone, not with its interior).
pub fn thumbnails(
    typesetter: &Typesetter,
    prepared: &Prepared,
    file: &SourceFile,
    part: Part,
) -> Option<catalogue::Thumbnails> {
    let project = typesetter.project();
    let laid_out = typeset::typeset_part(typesetter, prepared, file, part, images_of(project))
        .and_then(|typeset| match project.profile() {
            Profile::Screen => screen_copies(typesetter, prepared, typeset),
            Profile::Print | Profile::Archive => Ok(typeset),
        })
        .ok();
    let thumbnails = laid_out
        .as_ref()
        .and_then(|laid_out| laid_out.document.pages().first())
        .and_then(|page| catalogue::thumbnail(page).ok());
    typst::comemo::evict(2);
    thumbnails
}

/// The print shop's check: raster images under 300 dpi at the size they
/// are placed. Errors in the print profile, warnings in the others.
fn preflight(document: &PagedDocument, prepared: &Prepared, project: &Project) -> Vec<Diagnostic> {
    let low = typeset::resolution::low_resolution(
        document,
        prepared,
        project,
        typeset::resolution::PRINT_DPI,
    );
    if project.profile() != Profile::Print {
        return low;
    }
    low.into_iter()
        .map(|diag| Diagnostic {
            severity: Severity::Error,
            ..diag.with_code("preflight")
        })
        .collect()
}

/// Hands memory freed by finished documents back to the system, every
/// few documents. glibc keeps freed heap pages by default, so over a run of
/// thousands of documents the resident size creeps up (measured: 1,000
/// briefs peaked 1.19 x higher than 100 without this).
fn release_freed_memory() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    /// Trimming walks the heap: not after every small document.
    const EVERY: usize = 8;
    static BUILT: AtomicUsize = AtomicUsize::new(0);
    if BUILT.fetch_add(1, Ordering::Relaxed) % EVERY == EVERY - 1 {
        trim_heap();
    }
}

/// Returns the allocator's free pages to the system (the validator's
/// threads allocate from arenas of their own).
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of the allocator's own
    // arenas; it takes no pointers and may be called from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
