//! Prepared document -> laid-out pages, with Typst's diagnostics pointing
//! into the templates and a check for glyphs no font could supply.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use typst::WorldExt;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

use super::output::{PRINT_SHEET_PAGES, Part};
use super::stand_in::{self, Facts, Originals, StandIns};
use super::world::{DocumentWorld, Typesetter};
use crate::diag::{Diagnostic, Severity};
use crate::images;
use crate::load::SourceFile;
use crate::load::config::Profile;
use crate::load::project::Project;
use crate::prepare::{ImageRef, Prepared};

/// A laid-out document and the warnings it produced.
pub struct Typeset {
    pub document: PagedDocument,
    pub warnings: Vec<Diagnostic>,
    /// Project files the compilation read (images, override templates).
    pub files_read: Vec<PathBuf>,
    /// The images laid out as stand-ins, which must be swapped for their
    /// copies or originals before the pages are drawn.
    pub stood_in: Originals,
}

/// What the layout sees of a document's raster images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Images {
    /// The images themselves.
    Originals,
    /// Stand-ins for PNG and JPEG images (see [`stand_in`]): for screen
    /// PDFs, whose pages get resampled copies.
    StandIns,
}

/// Lays out one prepared document, whole.
pub fn typeset(
    typesetter: &Typesetter,
    prepared: &Prepared,
    file: &SourceFile,
) -> Result<Typeset, Vec<Diagnostic>> {
    typeset_part(typesetter, prepared, file, Part::Whole, Images::Originals)
}

/// Lays out one part of a prepared document (see [`Part`]).
pub fn typeset_part(
    typesetter: &Typesetter,
    prepared: &Prepared,
    file: &SourceFile,
    part: Part,
    images: Images,
) -> Result<Typeset, Vec<Diagnostic>> {
    let (year, month, day) = prepared.stamp.first_day();
    let today = Datetime::from_ymd(year, month, day)
        .ok_or_else(|| vec![Diagnostic::error("the document date is out of range")])?;
    let world = match typesetter.project().profile() {
        Profile::Screen | Profile::Print => {
            typesetter.world(prepared.kind.name(), prepared.data.clone(), part, today)
        }
        Profile::Archive => typesetter.archive_world(
            prepared.kind.name(),
            prepared.data.clone(),
            today,
            super::archive::attachments(typesetter, prepared, file),
            super::archive::note(typesetter),
        ),
    };
    let placed = prepared.images_placed();
    let mut stood_in: Vec<String> = match images {
        Images::Originals => Vec::new(),
        Images::StandIns => {
            // An SVG's decoder loads the files it links: those it must see
            // as they are.
            let linked: Vec<&str> = placed
                .iter()
                .filter(|image| image.pixels == 0)
                .map(|image| image.path.as_str())
                .collect();
            placed
                .iter()
                .filter(|image| image.pixels > 0 && stand_in::has_stand_in(&image.path))
                .filter(|image| !linked.contains(&image.path.as_str()))
                .map(|image| image.path.clone())
                .collect()
        }
    };
    // An issue's members may share an image.
    stood_in.sort_unstable();
    stood_in.dedup();
    let world = if stood_in.is_empty() {
        world
    } else {
        world.standing_in(StandIns::for_paths(stood_in.iter().cloned()))
    };
    // The images laid out as themselves, and the stand-ins, are decoded
    // (into Typst's memoized decoder, which the layout then finds filled)
    // while the templates are evaluated, on the pool's other threads when
    // they are free; an image that does not decode is reported where the
    // TOML names it, whatever the layout said. Stand-ins' originals are
    // decoded, if at all, when they are swapped in.
    let decoded: Vec<&ImageRef> = placed
        .into_iter()
        .filter(|image| stood_in.binary_search(&image.path).is_err())
        .collect();
    let project = typesetter.project();
    let (compiled, unusable) = rayon::join(
        || {
            compile(&world, |d| {
                anchored(prepared, file, d).unwrap_or_else(|| in_template(typesetter, &world, d))
            })
        },
        || {
            stood_in.par_iter().for_each(|path| {
                if let Ok(data) = project.read_asset(Path::new(path.trim_start_matches('/'))) {
                    stand_in::warm(&data);
                }
            });
            undecodable(project, &decoded, true)
        },
    );
    if !unusable.is_empty() {
        return Err(unusable);
    }
    let (document, warnings) = compiled?;
    let sheet_margin = match typesetter.project().profile() {
        Profile::Print => typst::layout::Abs::mm(super::output::BLEED_MM + super::output::SLUG_MM),
        Profile::Screen | Profile::Archive => typst::layout::Abs::zero(),
    };
    let cut = super::bounds::off_page(&document, file, sheet_margin);
    if !cut.is_empty() {
        return Err(cut);
    }
    if part == Part::Interior && !document.pages().len().is_multiple_of(PRINT_SHEET_PAGES) {
        return Err(vec![
            Diagnostic::error(format!(
                "the printed interior has {} pages, not a multiple of {PRINT_SHEET_PAGES}",
                document.pages().len()
            ))
            .with_code("print-pages")
            .in_file(Path::new(&format!("templates/{}.typ", prepared.kind.name())))
            .with_hint(
                "the template pads the interior with blank pages (`pad-to-sheets` in print.typ); an override template must do the same",
            ),
        ]);
    }
    Ok(Typeset {
        document,
        warnings,
        files_read: world.files_read(),
        stood_in: world.stood_in(),
    })
}

/// Whether the image at `path` (as templates name it) decodes, kept with
/// the bytes the gate read: a file is decoded to be checked once however
/// many stages ask (its PDF's layout, its web page, `check`), and again
/// only when it is read again (changed, in `watch`). The first stage to ask
/// decodes it, `keep` as in [`images::decodes`].
pub fn image_decodes(project: &Project, path: &str, keep: bool) -> Result<(), String> {
    let inside = Path::new(path.trim_start_matches('/'));
    let data = project.read_asset(inside).map_err(|why| why.to_string())?;
    match Facts::of(&data) {
        Some(facts) => facts
            .decodes
            .get_or_init(|| images::decodes(&data.bytes, keep))
            .clone(),
        None => images::decodes(&data.bytes, keep),
    }
}

/// The error for the image at `path` (as templates name it) of `prepared`
/// that cannot be used, `why`: at the TOML line that names it.
pub fn unusable_image(prepared: &Prepared, path: &str, why: &str) -> Diagnostic {
    let path = path.trim_start_matches('/');
    match prepared
        .images_placed()
        .into_iter()
        .find(|image| image.path.trim_start_matches('/') == path)
    {
        Some(image) => unusable(image, why),
        None => {
            Diagnostic::error(format!("image `{path}` cannot be used: {why}")).with_code("image")
        }
    }
}

fn unusable(image: &ImageRef, why: &str) -> Diagnostic {
    let written = image
        .file
        .text
        .get(image.span.clone())
        .unwrap_or_default()
        .trim_matches(['"', '\'']);
    let error = image.file.error_at(
        image.span.clone(),
        format!("image `{written}` cannot be used: {why}"),
    );
    error.with_code("image")
}

/// The images among `images` that do not decode (see [`image_decodes`]),
/// each reported where its document names it, in order; decoded on all
/// the threads of the pool. Prepare judged images from
/// their headers; this runs only where the pixels are needed.
pub fn undecodable(project: &Project, images: &[&ImageRef], keep: bool) -> Vec<Diagnostic> {
    images
        .par_iter()
        .filter_map(|image| {
            let why = image_decodes(project, &image.path, keep).err()?;
            Some(unusable(image, &why))
        })
        .collect()
}

/// Lays out a page briefpress makes itself (the catalogue): `template`
/// over `data`, with `files` served under `/.briefpress/`.
pub fn typeset_own(
    typesetter: &Typesetter,
    template: &str,
    data: Vec<u8>,
    files: Vec<(String, Bytes)>,
    today: Datetime,
) -> Result<PagedDocument, Vec<Diagnostic>> {
    let world = typesetter
        .world(template, data, Part::Whole, today)
        .serving(files);
    compile(&world, |d| in_template(typesetter, &world, d)).map(|(document, _)| document)
}

/// Compiles a world into pages and its warnings, Typst's diagnostics
/// turned into ours by `convert`; a glyph no font has is an error.
fn compile(
    world: &DocumentWorld,
    convert: impl Fn(&SourceDiagnostic) -> Diagnostic,
) -> Result<(PagedDocument, Vec<Diagnostic>), Vec<Diagnostic>> {
    let result = typst::compile::<PagedDocument>(world);
    let warnings = result.warnings.iter().map(&convert).collect();
    let document = result
        .output
        .map_err(|errors| errors.iter().map(&convert).collect::<Vec<_>>())?;
    let missing = missing_glyphs(&document);
    if missing.is_empty() {
        Ok((document, warnings))
    } else {
        Err(missing)
    }
}

/// A template check about the document itself (an assertion whose message
/// starts with `[key]`, e.g. a Key Takeaways box taller than a page) is
/// reported at the TOML text it concerns, not in the template.
fn anchored(prepared: &Prepared, file: &SourceFile, diag: &SourceDiagnostic) -> Option<Diagnostic> {
    let message = diag.message.strip_prefix("assertion failed: ")?;
    prepared.anchors.iter().find_map(|(key, span)| {
        let text = message.strip_prefix(&format!("[{key}] "))?;
        Some(file.error_at(span.clone(), text).with_code("layout"))
    })
}

/// Turns a Typst diagnostic into ours, naming the template file and line.
fn in_template(
    typesetter: &Typesetter,
    world: &impl WorldExt,
    diag: &SourceDiagnostic,
) -> Diagnostic {
    let severity = match diag.severity {
        TypstSeverity::Error => Severity::Error,
        TypstSeverity::Warning => Severity::Warning,
    };
    let mut out = Diagnostic {
        severity,
        ..Diagnostic::error(diag.message.to_string()).with_code("template")
    };
    if let (Some(id), Some(range)) = (diag.span.id(), world.range(diag.span))
        && let Some(source) = typesetter.source(id)
    {
        let vpath = id.vpath().get_without_slash();
        if vpath.starts_with("templates/") && !typesetter.project().root().join(vpath).exists() {
            out = out.with_hint("the error is in briefpress's built-in template");
        }
        out = out.at(Path::new(vpath), &Arc::from(source.text()), range);
    }
    for hint in &diag.hints {
        out = out.with_hint(hint.v.to_string());
    }
    out
}

/// Typst sets a `.notdef` box where no font in the chain has a glyph and
/// does not warn; a box in a brief is a defect, so it is an error here.
fn missing_glyphs(document: &PagedDocument) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        scan_frame(&page.frame, index + 1, &mut found);
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|diag| seen.insert(diag.message.clone()));
    found
}

fn scan_frame(frame: &Frame, page: usize, found: &mut Vec<Diagnostic>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => scan_frame(&group.frame, page, found),
            FrameItem::Text(text) => {
                for glyph in text.glyphs.iter().filter(|g| g.id == 0) {
                    let missing = &text.text[glyph.range()];
                    let codes: Vec<String> = missing
                        .chars()
                        .map(|c| format!("U+{:04X}", c as u32))
                        .collect();
                    let family = &text.font.info().family;
                    found.push(
                        Diagnostic::error(format!(
                            "no bundled font has a glyph for `{missing}` ({}) in \"{}\" on page {page}",
                            codes.join(" "),
                            text.text.trim(),
                        ))
                        .with_code("missing-glyph")
                        .with_hint(format!(
                            "it would print as an empty box in {family}; remove the character or add a font with --font-path"
                        )),
                    );
                }
            }
            _ => {}
        }
    }
}
