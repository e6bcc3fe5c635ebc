//! The offline catalogue of an output folder: `index.html` (static, no
//! scripts, no network) listing every built document with a thumbnail of
//! its first page, grouped by issue and region, newest first, and a
//! `SHA256SUMS` of the folder. Links and images are relative, so a copy of
//! the folder anywhere keeps working.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use typst::foundations::{Bytes, Datetime};

use crate::export::web;
use crate::fsgate::{Gate, WriteError, files_outside, hash_bytes, names_in, read_regular};
use crate::load::config::RESERVED_FOLDERS;
use crate::load::project::Project;
use crate::model::common::PartialDate;
use crate::prepare::data::{DateData, LangData};
use crate::prepare::listing::Listing;
use crate::prepare::notice::NoticeData;
use crate::typeset::{self, Part, Typesetter};

/// The catalogue page's name.
pub const INDEX: &str = "index.html";
/// The printable catalogue's name.
pub const PDF: &str = "catalogue.pdf";
/// The key of the list `catalogue.pdf` was made from (hidden: not in the
/// checksums).
const PDF_KEY: &str = ".briefpress-catalogue.key";
/// The checksums file's name.
pub const SUMS: &str = "SHA256SUMS";
/// Where thumbnails are cached, by the key of the PDF they show.
pub const THUMBNAILS: &str = "thumbnails";

/// The most the catalogue reads back of one of its own files (a
/// thumbnail, a key).
const OUTPUT_CAP: u64 = 64 * 1024 * 1024;

/// The most `SHA256SUMS` reads of one file of the folder (a PDF).
const SUMMED_CAP: u64 = 4 * 1024 * 1024 * 1024;

/// Where the thumbnail of the PDF with `key` goes in `out_dir`.
pub fn thumbnail_path(out_dir: &Path, key: &str) -> PathBuf {
    out_dir.join(THUMBNAILS).join(format!("{key}.png"))
}

/// A page's thumbnails as PNG: for the web page, and the smaller one
/// `catalogue.pdf` prints.
pub struct Thumbnails {
    pub screen: Vec<u8>,
    pub print: Vec<u8>,
}

impl Thumbnails {
    /// Writes both, the print one beside the screen one at `path`.
    pub fn write(&self, gate: &Gate, path: &Path) -> Result<(), WriteError> {
        gate.write(path, &self.screen)?;
        gate.write(&print_thumbnail_path(path), &self.print)
    }
}

/// Where the print thumbnail of the thumbnail at `path` is kept.
fn print_thumbnail_path(path: &Path) -> PathBuf {
    path.with_extension("print.png")
}

/// Draws a page's thumbnails.
pub fn thumbnail(page: &typst_layout::Page) -> Result<Thumbnails, String> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(0.4),
        ..Default::default()
    };
    let pixmap = typst_render::render(page, &options);
    let size = (pixmap.width() as usize, pixmap.height() as usize);
    let rgb = on_white(pixmap.data());
    Ok(Thumbnails {
        screen: png(&rgb, size)?,
        print: print_png(&rgb, size)?,
    })
}

/// Premultiplied RGBA pixels laid on white, as RGB: a page is opaque, and
/// a thumbnail without alpha is a quarter smaller to compress and to serve.
fn on_white(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|pixel| {
            let under = 255 - pixel[3];
            [pixel[0], pixel[1], pixel[2]].map(|channel| channel.saturating_add(under))
        })
        .collect()
}

/// RGB pixels as a PNG, compressed fast: a run writes two for every
/// document it builds. Deflate level 1 without filters (pages are mostly
/// flat colour) took 0.75 ms and 18 KB for a brief's page, the default
/// level 1.7 ms and 16 KB, and the fastest level 0.2 ms and 29 KB.
fn png(rgb: &[u8], (width, height): (usize, usize)) -> Result<Vec<u8>, String> {
    use image::ImageEncoder as _;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Level(1), FilterType::NoFilter)
        .write_image(
            rgb,
            width as u32,
            height as u32,
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|err| err.to_string())?;
    Ok(bytes)
}

/// RGB pixels shrunk to the print thumbnail's width, as a PNG.
fn print_png(rgb: &[u8], size: (usize, usize)) -> Result<Vec<u8>, String> {
    let width = (PRINT_THUMBNAIL_WIDTH as usize).min(size.0).max(1);
    let height = (size.1 * width / size.0.max(1)).max(1);
    let small = crate::typeset::downsample::shrink(rgb, 3, size, (width, height));
    png(&small, (width, height))
}

/// One listed document.
struct Listed {
    title: String,
    kind: String,
    authors: Vec<String>,
    /// `None` for an undated document, listed last.
    date: Option<DateData>,
    section: Option<String>,
    /// The issue a member's own PDF belongs to, or the issue itself.
    issue: Option<String>,
    description: String,
    /// Relative to the folder, with `/` (empty without a PDF).
    pdf: String,
    bytes: u64,
    /// Its web page (relative, with `/`) and its size.
    page: Option<(String, u64)>,
    /// Its EPUB (relative, with `/`) and its size.
    epub: Option<(String, u64)>,
    thumbnail: Option<String>,
    /// A printed issue's cover PDF (relative, with `/`) and its size.
    cover: Option<(String, u64)>,
}

/// What a catalogue run did.
pub struct Written {
    pub documents: usize,
    pub thumbnails_rendered: usize,
}

/// A built document as the catalogue lists it.
pub struct Built<'a> {
    pub id: &'a str,
    pub listing: &'a Listing,
    /// Its PDF, when the run writes PDFs.
    pub output: Option<&'a Path>,
    /// Its web page, when the run writes the web edition.
    pub page: Option<&'a Path>,
    /// Its EPUB, when the run writes the EPUB edition.
    pub epub: Option<&'a Path>,
    /// The key of its PDF (else its page), which names its thumbnail.
    pub key: &'a str,
    pub part: Part,
}

/// Writes `index.html`, `catalogue.pdf`, the thumbnails and `SHA256SUMS`
/// into `out_dir` for the documents whose PDFs exist there. A thumbnail
/// missing from the folder is drawn with `draw` (given the document's
/// index in `documents`).
pub fn write(
    typesetter: &Typesetter,
    out_dir: &Path,
    documents: &[Built],
    notices: &[NoticeData],
    publication: Option<&str>,
    draw: &dyn Fn(usize) -> Option<Thumbnails>,
) -> Result<Written, String> {
    let mut listed = Vec::new();
    let mut rendered = 0;
    let project = typesetter.project();
    // A printed issue's cover is listed with its interior, and shows it.
    let covers: BTreeMap<&str, usize> = documents
        .iter()
        .enumerate()
        .filter(|(_, document)| document.part == Part::Cover)
        .map(|(index, document)| (document.id, index))
        .collect();
    for (index, document) in documents.iter().enumerate() {
        if document.part == Part::Cover {
            continue;
        }
        let present = |path: Option<&Path>| -> Option<(String, u64)> {
            let path = path?;
            Some((relative(out_dir, path)?, path.metadata().ok()?.len()))
        };
        let (pdf, page, epub) = (
            present(document.output),
            present(document.page),
            present(document.epub),
        );
        if pdf.is_none() && page.is_none() && epub.is_none() {
            continue;
        }
        let cover = covers.get(document.id).copied();
        let shown = cover.unwrap_or(index);
        let key = documents[shown].key;
        let thumbnail_file = thumbnail_path(out_dir, key);
        let drawn = || {
            let thumbnails = draw(shown)?;
            thumbnails.write(project.gate(), &thumbnail_file).ok()
        };
        let thumbnail = if thumbnail_file.exists() {
            Some(format!("{THUMBNAILS}/{key}.png"))
        } else if drawn().is_some() {
            rendered += 1;
            Some(format!("{THUMBNAILS}/{key}.png"))
        } else {
            None
        };
        let (pdf, bytes) = pdf.unwrap_or_default();
        let mut item = listing(document.listing, pdf, bytes, thumbnail);
        item.page = page;
        item.epub = epub;
        item.cover = cover.and_then(|cover| present(documents[cover].output));
        listed.push(item);
    }
    for notice in notices {
        listed.push(list_notice(project, out_dir, notice)?);
    }
    prune_thumbnails(out_dir, &listed);
    let html = page(project, &listed, publication)?;
    project
        .gate()
        .write(&out_dir.join(INDEX), html.as_bytes())
        .map_err(|err| err.to_string())?;
    write_pdf(typesetter, out_dir, &listed, publication)?;
    write_sums(project.gate(), out_dir)?;
    Ok(Written {
        documents: listed.len(),
        thumbnails_rendered: rendered,
    })
}

/// A notice, its cover and PDF copied into `notices/<id>/` so that the
/// folder stands alone.
fn list_notice(project: &Project, out_dir: &Path, notice: &NoticeData) -> Result<Listed, String> {
    let folder = format!("notices/{}", notice.id);
    // The files prepare checked, as the gate read them then.
    let copy = |from: &Path, cap: u64| -> Result<(String, u64), String> {
        let name = from
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let data = project
            .inside(from)
            .and_then(|inside| project.gate().read(&inside, cap))
            .map_err(|why| format!("cannot read {}: {why}", from.display()))?;
        let target = out_dir.join(&folder).join(&name);
        project
            .gate()
            .write(&target, &data.bytes)
            .map_err(|err| err.to_string())?;
        Ok((format!("{folder}/{name}"), data.bytes.len() as u64))
    };
    let limits = project.limits();
    let thumbnail = match &notice.cover {
        Some((path, _)) => Some(copy(path, limits.image_bytes)?.0),
        None => None,
    };
    let (pdf, bytes) = match &notice.pdf {
        Some(path) => copy(path, limits.pdf_bytes)?,
        None => (String::new(), 0),
    };
    Ok(Listed {
        title: notice.title.clone(),
        kind: "notice".into(),
        authors: notice.authors.clone(),
        date: notice.date.clone(),
        section: notice.section.clone(),
        issue: None,
        description: notice.description.clone().unwrap_or_default(),
        pdf,
        bytes,
        page: None,
        epub: None,
        thumbnail,
        cover: None,
    })
}

impl Listed {
    /// The date as `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, which sort as dates.
    fn iso(&self) -> Option<&str> {
        self.date.as_ref().map(|date| date.iso.as_str())
    }

    /// The file the title links: the PDF, else the web page, else the EPUB.
    fn main_file(&self) -> Option<&str> {
        if !self.pdf.is_empty() {
            return Some(&self.pdf);
        }
        self.page
            .as_ref()
            .or(self.epub.as_ref())
            .map(|(file, _)| file.as_str())
    }

    /// The date as printed ("February 2024"), empty when undated.
    fn shown_date(&self) -> &str {
        self.date.as_ref().map_or("", |date| date.display.as_str())
    }
}

fn listing(listing: &Listing, pdf: String, bytes: u64, thumbnail: Option<String>) -> Listed {
    Listed {
        title: listing.title.clone(),
        kind: listing.kind.name().to_string(),
        authors: listing.authors.clone(),
        date: listing.date.clone(),
        section: listing.section.clone(),
        issue: listing.issue.clone(),
        description: listing.description.clone(),
        pdf,
        bytes,
        page: None,
        epub: None,
        thumbnail,
        cover: None,
    }
}

/// `path` relative to `dir`, with `/` separators.
fn relative(dir: &Path, path: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    let inside = path.strip_prefix(&dir).ok()?;
    Some(
        inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Removes the thumbnails no listed document shows (of documents deleted
/// or changed since), so that they neither pile up nor enter the sums.
fn prune_thumbnails(out_dir: &Path, listed: &[Listed]) {
    let shown: std::collections::HashSet<&str> = listed
        .iter()
        .filter_map(|item| item.thumbnail.as_deref())
        .filter_map(|relative| relative.strip_prefix(&format!("{THUMBNAILS}/")))
        .filter_map(|name| name.strip_suffix(".png"))
        .collect();
    for path in names_in(&out_dir.join(THUMBNAILS)) {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        // Only what the catalogue itself writes: `<key>.png`, `<key>.print.png`.
        let key = name
            .strip_suffix(".print.png")
            .or_else(|| name.strip_suffix(".png"));
        let ours =
            key.is_some_and(|key| !key.is_empty() && key.chars().all(|c| c.is_ascii_hexdigit()));
        if ours && key.is_some_and(|key| !shown.contains(key)) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// `catalogue.pdf`: the same list to print or to read in a PDF viewer,
/// laid out by `templates/catalogue.typ`.
fn write_pdf(
    typesetter: &Typesetter,
    out_dir: &Path,
    listed: &[Listed],
    publication: Option<&str>,
) -> Result<(), String> {
    let config = typesetter.project().config();
    let mut files: Vec<(String, Bytes)> = Vec::new();
    let mut groups_data = Vec::new();
    for (name, items) in groups(listed) {
        let items: Vec<Value> = items
            .iter()
            .map(|item| {
                // Thumbnails are served to the compiler from memory: the
                // output folder may lie outside the project root.
                let thumbnail = item.thumbnail.as_ref().and_then(|relative| {
                    let (bytes, extension) = print_thumbnail(typesetter.project().gate(), out_dir, relative)?;
                    let served = format!("catalogue/{}.{extension}", files.len());
                    files.push((served.clone(), Bytes::new(bytes)));
                    Some(format!("/.briefpress/{served}"))
                });
                let what = if item.kind == "notice" {
                    "Cover of"
                } else {
                    "First page of"
                };
                json!({
                    "title": item.title,
                    "kind": kind_label(&item.kind),
                    "date": item.shown_date(),
                    "section": item.section,
                    "authors": item.authors,
                    "description": item.description,
                    "pdf": (!item.pdf.is_empty()).then(|| web::href(&item.pdf)),
                    "size": size(item.bytes),
                    "thumbnail": thumbnail,
                    "thumbnail_alt": format!("{what} {}", item.title),
                    "cover": item.cover.as_ref().map(|(pdf, bytes)| json!({"pdf": web::href(pdf), "size": size(*bytes)})),
                    "epub": item.epub.as_ref().map(|(epub, bytes)| json!({"href": web::href(epub), "name": epub, "size": size(*bytes)})),
                })
            })
            .collect();
        groups_data.push(json!({"name": name, "items": items}));
    }
    let title = match publication {
        Some(name) => format!("{name}: Catalogue"),
        None => "Catalogue".to_string(),
    };
    // Dated by its newest document, so that the same folder gives the
    // same bytes.
    let newest = listed
        .iter()
        .filter_map(Listed::iso)
        .max()
        .unwrap_or("1970");
    let date = PartialDate::parse(newest).unwrap_or(PartialDate {
        year: 1970,
        month: None,
        day: None,
    });
    let data = json!({
        "contract": crate::prepare::data::CONTRACT_VERSION,
        "kind": "catalogue",
        "title": title,
        "paper": config.paper.typst_name(),
        "lang": config.language.clone().unwrap_or_else(LangData::english),
        "style": config.style,
        "count": listed.len(),
        "groups": groups_data,
    });
    let data = serde_json::to_vec(&data).map_err(|err| err.to_string())?;
    // Nothing to do when the list, its thumbnails and the tool are as
    // they were for the catalogue.pdf in the folder.
    let mut keyed = format!("{}\n", typesetter.fingerprint()).into_bytes();
    keyed.extend_from_slice(&data);
    for (_, bytes) in &files {
        keyed.extend_from_slice(hash_bytes(bytes).as_bytes());
    }
    let key = hash_bytes(&keyed);
    let (path, key_file) = (out_dir.join(PDF), out_dir.join(PDF_KEY));
    if path.is_file() && read_regular(&key_file, OUTPUT_CAP).is_ok_and(|old| old == key.as_bytes())
    {
        return Ok(());
    }
    let (year, month, day) = date.first_day();
    let today =
        Datetime::from_ymd(year, month, day).ok_or("the newest document's date is out of range")?;
    let shown = |errors: Vec<crate::diag::Diagnostic>| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let document =
        typeset::typeset_own(typesetter, "catalogue", data, files, today).map_err(shown)?;
    let pdf = crate::export::pdf::export(
        &document,
        "catalogue",
        date,
        &typesetter.project().standards(),
        typesetter.project().time(),
    )
    .map_err(shown)?;
    typst::comemo::evict(2);
    let standards = typesetter.project().standards();
    let errors: Vec<_> = crate::export::verify::verify(&pdf, &standards)
        .problems
        .into_iter()
        .filter(crate::diag::Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        return Err(shown(errors));
    }
    let gate = typesetter.project().gate();
    gate.write(&path, &pdf).map_err(|err| err.to_string())?;
    gate.write(&key_file, key.as_bytes())
        .map_err(|err| err.to_string())
}

/// Width of the thumbnails in `catalogue.pdf`: printed an inch wide at
/// 120 dpi. The web page's are twice as wide, for sharp screens; a
/// thousand of those would hold hundreds of megabytes in one layout.
const PRINT_THUMBNAIL_WIDTH: u32 = 120;

/// The image at `relative` in the folder as the PDF prints it: a page's
/// print thumbnail (drawn with it), or a notice's cover made small and
/// cached in `thumbnails/` by its hash. An image this cannot decode (a
/// vector cover) goes in as it is. Returns the bytes and file extension.
fn print_thumbnail(gate: &Gate, out_dir: &Path, relative: &str) -> Option<(Vec<u8>, String)> {
    let path = out_dir.join(relative);
    if relative.starts_with(&format!("{THUMBNAILS}/"))
        && let Ok(bytes) = read_regular(&print_thumbnail_path(&path), OUTPUT_CAP)
    {
        return Some((bytes, "png".into()));
    }
    let original = read_regular(&path, OUTPUT_CAP).ok()?;
    let cached = out_dir
        .join(THUMBNAILS)
        .join(format!("{}.print.png", hash_bytes(&original)));
    if let Ok(bytes) = read_regular(&cached, OUTPUT_CAP) {
        return Some((bytes, "png".into()));
    }
    let Ok(image) = image::load_from_memory(&original) else {
        let extension = Path::new(relative)
            .extension()?
            .to_string_lossy()
            .into_owned();
        return Some((original, extension));
    };
    let rgb = image.to_rgb8();
    let size = (rgb.width() as usize, rgb.height() as usize);
    let bytes = print_png(rgb.as_raw(), size).ok()?;
    let _ = gate.write(&cached, &bytes);
    Some((bytes, "png".into()))
}

/// The kind as the catalogue names it.
fn kind_label(kind: &str) -> &'static str {
    match kind {
        "brief" => "Research brief",
        "issue" => "Issue",
        "compendium" => "Compendium",
        "notice" => "Announcement",
        _ => "Article",
    }
}

/// The catalogue's groups, in order: each issue (its own PDF first, then
/// its members') newest first, then each region; documents newest first.
/// The group of a document without a `section`: the folder it was found
/// in, as words ("central-asia" -> "Central Asia"); none at the top.
fn folder_group(item: &Listed) -> Option<String> {
    if item.kind == "notice" {
        return None;
    }
    let (folder, _) = item.main_file()?.split_once('/')?;
    let words: Vec<String> = folder
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn groups(listed: &[Listed]) -> Vec<(String, Vec<&Listed>)> {
    let mut issues: BTreeMap<String, Vec<&Listed>> = BTreeMap::new();
    let mut regions: BTreeMap<String, Vec<&Listed>> = BTreeMap::new();
    for item in listed {
        match &item.issue {
            Some(issue) => issues.entry(issue.clone()).or_default().push(item),
            None => regions
                .entry(
                    item.section
                        .clone()
                        .or_else(|| folder_group(item))
                        .unwrap_or_else(|| "Other documents".into()),
                )
                .or_default()
                .push(item),
        }
    }
    let newest_first = |items: &mut Vec<&Listed>| {
        items.sort_by(|a, b| {
            (b.kind == "issue")
                .cmp(&(a.kind == "issue"))
                .then(b.iso().cmp(&a.iso()))
                .then(a.title.cmp(&b.title))
        });
    };
    let mut issue_groups: Vec<(String, Vec<&Listed>)> = issues.into_iter().collect();
    for (_, items) in &mut issue_groups {
        newest_first(items);
    }
    issue_groups.sort_by(|a, b| {
        let date = |g: &[&Listed]| g.iter().filter_map(|i| i.iso().map(str::to_owned)).max();
        date(&b.1).cmp(&date(&a.1))
    });
    let mut region_groups: Vec<(String, Vec<&Listed>)> = regions.into_iter().collect();
    for (_, items) in &mut region_groups {
        newest_first(items);
    }
    issue_groups.extend(region_groups);
    issue_groups
}

/// The catalogue page, from `templates/catalogue.html` (the project's own,
/// else the built-in one): a minijinja template that escapes every value.
fn page(project: &Project, listed: &[Listed], publication: Option<&str>) -> Result<String, String> {
    let engine = web::jinja::environment(project);
    let config = project.config();
    let lang = config.language.clone().unwrap_or_else(LangData::english);
    let groups: Vec<Value> = groups(listed)
        .into_iter()
        .map(|(name, items)| json!({"name": name, "items": items.into_iter().map(card).collect::<Vec<_>>()}))
        .collect();
    let context = json!({
        "title": publication.unwrap_or("Documents"),
        "count": listed.len(),
        "lang": web::jinja::bcp47(&lang),
        "style": config.style,
        "groups": groups,
    });
    web::jinja::render(&engine, project, "catalogue.html", &context)
}

/// What the template shows of one document: text as written (the engine
/// escapes it), links already percent-encoded.
fn card(item: &Listed) -> Value {
    let offline = !item.pdf.is_empty();
    let main = item.main_file();
    let what = if item.kind == "notice" {
        "Cover of"
    } else {
        "First page of"
    };
    let meta: Vec<&str> = [kind_label(&item.kind), item.shown_date()]
        .into_iter()
        .chain(item.section.as_deref())
        .filter(|s| !s.is_empty())
        .collect();
    json!({
        "title": item.title,
        "href": main.map(web::href),
        "pdf_href": offline.then(|| web::href(&item.pdf)),
        "thumbnail": item.thumbnail.as_deref().map(web::href),
        "thumbnail_alt": format!("{what} {}", item.title),
        "no_thumbnail": if item.kind == "notice" { "No cover" } else { "PDF" },
        "meta": meta,
        "authors": item.authors,
        "description": item.description,
        "pdf": item.pdf,
        "size": size(item.bytes),
        "cover": item.cover.as_ref().map(|(pdf, bytes)| json!({"href": web::href(pdf), "pdf": pdf, "size": size(*bytes)})),
        "page": item.page.as_ref().map(|(page, bytes)| json!({"href": web::href(page), "name": page, "size": size(*bytes)})),
        "epub": item.epub.as_ref().map(|(epub, bytes)| json!({"href": web::href(epub), "name": epub, "size": size(*bytes)})),
    })
}

/// `SHA256SUMS` over every file of the folder (but itself and build
/// manifests), as `sha256sum -c` reads it.
fn write_sums(gate: &Gate, out_dir: &Path) -> Result<(), String> {
    let mut sums = String::new();
    // Hidden files and folders (build manifests, files being written, the
    // cache of resampled images) are not listed.
    let visible = files_outside(out_dir)
        .map_err(|err| format!("cannot list {}: {err}", out_dir.display()))?
        .into_iter()
        .filter(|path| {
            !path
                .strip_prefix(out_dir)
                .unwrap_or(path)
                .components()
                .any(|part| part.as_os_str().to_string_lossy().starts_with('.'))
        });
    for path in visible {
        let Some(name) = relative(out_dir, &path) else {
            continue;
        };
        if name == SUMS || name.starts_with(".briefpress-manifest") {
            continue;
        }
        // Other profiles' outputs and previews have their own catalogue.
        let top = name.split('/').next().unwrap_or_default();
        if top != THUMBNAILS && RESERVED_FOLDERS.contains(&top) {
            continue;
        }
        let bytes = read_regular(&path, SUMMED_CAP)
            .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(sums, "{hex}  {name}");
    }
    gate.write(&out_dir.join(SUMS), sums.as_bytes())
        .map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Typst renders premultiplied RGBA: an opaque pixel keeps its colour,
    /// a transparent one turns white, and one half covered by black is
    /// grey, never the black that dropping the alpha would give.
    #[test]
    fn pixels_are_laid_on_white() {
        let rgba = [10, 20, 30, 255, 0, 0, 0, 0, 0, 0, 0, 128];
        assert_eq!(on_white(&rgba), [10, 20, 30, 255, 255, 255, 127, 127, 127]);
    }

    /// Both thumbnails decode as RGB PNGs of the sizes they promise.
    #[test]
    fn thumbnails_are_rgb_pngs_of_their_sizes() {
        let size = (240, 340);
        let rgb: Vec<u8> = (0..size.0 * size.1 * 3).map(|i| (i % 251) as u8).collect();
        for (bytes, width, height) in [
            (png(&rgb, size).unwrap(), 240, 340),
            (print_png(&rgb, size).unwrap(), PRINT_THUMBNAIL_WIDTH, 170),
        ] {
            let image = image::load_from_memory(&bytes).unwrap();
            assert_eq!(image.color(), image::ColorType::Rgb8);
            assert_eq!((image.width(), image.height()), (width, height));
        }
    }
}
