//! The project: the folder whose files a build may read (documents, images,
//! override templates, fonts) and nothing outside it.

use crate::diag::Diagnostic;
use crate::fsgate::{self, FileData, Gate, GateError};
use crate::images;
use crate::limits::Limits;
use crate::load::config::{self, Config, Profile, Standard};
use crate::model::common::{PartialDate, civil_from_days};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The sandbox every document of a run is built in, with its configuration.
#[derive(Debug, Clone)]
pub struct Project {
    /// Canonical absolute path of the project root.
    root: PathBuf,
    /// Every project file is read through it, once per run.
    gate: Arc<Gate>,
    config: Arc<Config>,
    /// Whether the run builds drafts (`--draft`): reviewers' comments print
    /// instead of stopping the build.
    draft: bool,
    /// What the run's PDFs are made for.
    profile: Profile,
    /// When the run builds, as its caller read it.
    time: BuildTime,
}

/// The time a run builds at, read once by the caller: `SOURCE_DATE_EPOCH`
/// when set (reproducible builds: PDF timestamps and "today" come from
/// it), else the clock (PDF timestamps then come from each document's
/// date, so output never depends on the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildTime {
    /// Seconds since 1970-01-01 UTC.
    pub seconds: i64,
    /// Whether it is `SOURCE_DATE_EPOCH`'s.
    pub fixed: bool,
}

impl BuildTime {
    /// The clock's time.
    pub fn now() -> Self {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs() as i64);
        Self {
            seconds,
            fixed: false,
        }
    }

    /// From the value of `SOURCE_DATE_EPOCH`, if set; `Err` says why the
    /// value is not a time.
    pub fn from_epoch(epoch: Option<&str>) -> Result<Self, String> {
        let Some(epoch) = epoch else {
            return Ok(Self::now());
        };
        let seconds: i64 = epoch
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH `{epoch}` is not a number of seconds"))?;
        // Years 1 to 9999, as PDF dates can say.
        if !(-62_135_596_800..=253_402_300_799).contains(&seconds) {
            return Err(format!("SOURCE_DATE_EPOCH `{epoch}` is out of range"));
        }
        Ok(Self {
            seconds,
            fixed: true,
        })
    }

    /// The day it falls on (UTC).
    pub fn today(&self) -> PartialDate {
        let (year, month, day) = civil_from_days(self.seconds.div_euclid(86_400));
        PartialDate {
            year: year as i32,
            month: Some(month as u8),
            day: Some(day as u8),
        }
    }
}

impl Default for BuildTime {
    fn default() -> Self {
        Self::now()
    }
}

impl Project {
    /// Opens the project rooted at `root`, reading its `briefpress.toml`
    /// if it has one.
    pub fn open(root: &Path) -> Result<Self, Vec<Diagnostic>> {
        let usage = |message: String| vec![Diagnostic::error(message)];
        if !root.is_dir() {
            return Err(usage(format!(
                "the project root {} is not a folder",
                root.display()
            )));
        }
        let gate = Gate::open(root).map_err(|err| {
            usage(format!(
                "cannot open the project root {}: {err}",
                root.display()
            ))
        })?;
        let root = gate.root().to_path_buf();
        let display = shown(&root.join(config::FILE_NAME));
        let mut project = Self {
            config: Arc::new(config::load(&gate, &display)?),
            gate: Arc::new(gate),
            root,
            draft: false,
            profile: Profile::default(),
            time: BuildTime::now(),
        };
        project.profile = project.config.profile;
        if let Some(logo) = project.config.logo.clone() {
            let file = project.root.join(config::FILE_NAME);
            match project.resolve_asset(&file, logo.get_ref()) {
                Ok(asset) => Arc::make_mut(&mut project.config).publication.logo = Some(asset.path),
                Err(refused) => {
                    return Err(vec![
                        project
                            .config
                            .error_at(logo.span(), refused.message)
                            .with_code("config"),
                    ]);
                }
            }
        }
        Ok(project)
    }

    /// Opens the project a path belongs to: the nearest folder above it
    /// with a `briefpress.toml`, else the working directory.
    pub fn discover(path: &Path) -> Result<Self, Vec<Diagnostic>> {
        match config::find_root(path) {
            Some(root) => Self::open(&root),
            None => Self::open(Path::new(".")),
        }
    }

    /// The same project, building drafts or final documents.
    pub fn with_draft(mut self, draft: bool) -> Self {
        self.draft = draft;
        self
    }

    pub fn draft(&self) -> bool {
        self.draft
    }

    /// The same project, building for `profile`.
    pub fn with_profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The same project, building at `time`.
    pub fn with_time(mut self, time: BuildTime) -> Self {
        self.time = time;
        self
    }

    pub fn time(&self) -> BuildTime {
        self.time
    }

    /// The PDF standards of the run: the configured ones on screen and in
    /// print; PDF/A-3b (which allows attachments) and PDF/UA-1 for the
    /// archive.
    pub fn standards(&self) -> Vec<Standard> {
        match self.profile {
            Profile::Screen | Profile::Print => self.config.standards.clone(),
            Profile::Archive => vec![Standard::A3b, Standard::Ua1],
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn limits(&self) -> &Limits {
        &self.config.limits
    }

    /// The folder whose templates override the built-in ones, file by file.
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join(&self.config.templates)
    }

    /// [`Self::templates_dir`] inside the root, as the gate takes it.
    pub fn templates_inside(&self) -> &Path {
        &self.config.templates
    }

    /// The project's own templates (every regular file of the templates
    /// folder, inside the root), with the entries the gate refused.
    pub fn own_templates(&self) -> fsgate::Listing {
        match self.gate.list(self.templates_inside(), true) {
            Ok(listing) => listing,
            Err(GateError::NotFound) => fsgate::Listing::default(),
            Err(why) => fsgate::Listing {
                files: Vec::new(),
                refused: vec![(self.templates_inside().to_path_buf(), why)],
            },
        }
    }

    /// The output folder the configuration names.
    pub fn out_dir(&self) -> PathBuf {
        shown(&self.root.join(&self.config.out_dir))
    }

    /// The project's file gate: every project file is read through it.
    pub fn gate(&self) -> &Gate {
        &self.gate
    }

    /// The path inside the root of a path on disk (as given on the command
    /// line, or a document's own path).
    pub fn inside(&self, path: &Path) -> Result<PathBuf, GateError> {
        self.gate.relative(path)
    }

    /// Files beside `inside` with the same name but for the extension or
    /// its case (`map.jpg` for a `map.png` that does not exist).
    fn same_stem(&self, inside: &Path) -> Vec<String> {
        let folder = inside.parent().unwrap_or(Path::new(""));
        let stem = |path: &Path| path.file_stem().map(|s| s.to_string_lossy().to_lowercase());
        let wanted = stem(inside);
        let Ok(listing) = self.gate.list(folder, false) else {
            return Vec::new();
        };
        listing
            .files
            .iter()
            .filter(|file| file.parent() == Some(folder) && stem(file) == wanted)
            .filter_map(|file| file.file_name().map(|n| n.to_string_lossy().into_owned()))
            .take(3)
            .collect()
    }

    /// Checks an image path written in the document at `document` and returns
    /// the absolute path inside the project that templates may read.
    pub fn resolve_asset(&self, document: &Path, written: &str) -> Result<Asset, AssetError> {
        let refuse = |why: &dyn std::fmt::Display| {
            Err(AssetError::from(format!(
                "image `{written}` is refused: {why}"
            )))
        };
        if written.trim().is_empty() {
            return refuse(&"the path is empty");
        }
        if written.contains("://") || written.starts_with("file:") {
            return refuse(&"URLs are not allowed; give a file path relative to the document");
        }
        if written.starts_with('/') || written.starts_with('\\') {
            return refuse(&"absolute paths are not allowed; give a path relative to the document");
        }
        let document = self
            .inside(document)
            .map_err(|why| AssetError::from(format!("image `{written}` is refused: {why}")))?;
        let base = document.parent().unwrap_or(Path::new(""));
        let inside = match fsgate::join(base, Path::new(written)) {
            Ok(inside) => inside,
            Err(_) => return refuse(&"it points outside the project root"),
        };
        let checked = match self.read_image(&inside) {
            Ok(checked) => checked,
            Err(ImageError::Gate(GateError::NotFound)) => {
                let mut message = format!(
                    "image `{written}` not found (looked for {})",
                    shown(&self.gate.absolute(&inside)).display()
                );
                let folder = written.rfind('/').map_or("", |i| &written[..=i]);
                let near: Vec<String> = self
                    .same_stem(&inside)
                    .iter()
                    .map(|name| format!("{folder}{name}"))
                    .collect();
                if !near.is_empty() {
                    let names: Vec<String> = near.iter().map(|path| format!("`{path}`")).collect();
                    message.push_str(&format!("; the folder has {}", names.join(" and ")));
                }
                return Err(AssetError {
                    message,
                    instead: match near.as_slice() {
                        [only] => Some(only.clone()),
                        _ => None,
                    },
                });
            }
            Err(ImageError::Gate(why)) => return refuse(&why),
            Err(ImageError::Unusable(why)) => {
                return Err(format!("image `{written}` cannot be used: {why}").into());
            }
        };
        Ok(Asset {
            path: virtual_path(&inside),
            pixels: checked.pixels,
            linked: checked
                .linked
                .iter()
                .map(|path| virtual_path(path))
                .collect(),
        })
    }

    /// Reads an image inside the project through the gate and checks it
    /// (format, pixels from the header before decoding). The compiler is
    /// served images through here too, so what it decodes has been checked.
    /// The files an SVG links (beside it, by relative path, as the
    /// compiler loads them) are read and checked too, and their pixels
    /// counted with the SVG's; they may not link further.
    pub fn read_image(&self, inside: &Path) -> Result<CheckedImage, ImageError> {
        let data = self
            .gate
            .read(inside, self.limits().image_bytes)
            .map_err(ImageError::Gate)?;
        let found =
            images::inspect(inside, &data.bytes, self.limits()).map_err(ImageError::Unusable)?;
        let mut checked = CheckedImage {
            data,
            pixels: found.pixels,
            linked: Vec::new(),
        };
        let folder = inside.parent().unwrap_or(Path::new(""));
        for written in found.linked {
            let refuse =
                |why: String| ImageError::Unusable(format!("the SVG links `{written}`: {why}"));
            let linked = fsgate::join(folder, Path::new(&written))
                .map_err(|_| refuse("it is outside the project root".into()))?;
            let data = self
                .gate
                .read(&linked, self.limits().image_bytes)
                .map_err(|why| refuse(why.to_string()))?;
            let inner = images::inspect(&linked, &data.bytes, self.limits()).map_err(refuse)?;
            if !inner.linked.is_empty() {
                return Err(refuse(
                    "it links further files; link raster images only".into(),
                ));
            }
            checked.pixels += inner.pixels;
            if checked.pixels > self.limits().image_pixels {
                return Err(ImageError::Unusable(format!(
                    "with the images it links the SVG is {} megapixels, over the limit of {} megapixels",
                    checked.pixels / 1_000_000,
                    self.limits().image_pixels / 1_000_000
                )));
            }
            checked.linked.push(linked);
        }
        Ok(checked)
    }

    /// A file the compiler asks for outside the templates: an image is
    /// checked as [`Self::read_image`] checks it, whenever it is read; any
    /// other file (data an override template reads) is served as read.
    pub fn read_asset(&self, inside: &Path) -> Result<Arc<FileData>, ImageError> {
        let data = self
            .gate
            .read(inside, self.limits().image_bytes)
            .map_err(ImageError::Gate)?;
        if images::Format::detect(&data.bytes).is_some() {
            images::inspect(inside, &data.bytes, self.limits()).map_err(ImageError::Unusable)?;
        }
        Ok(data)
    }

    /// The path of `path` relative to the root, for messages and outputs.
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}

/// Why an image cannot be used.
#[derive(Debug)]
pub enum ImageError {
    /// The gate refused it (outside, not found, not a regular file, too big).
    Gate(GateError),
    /// Its bytes are not an image briefpress can place.
    Unusable(String),
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::Gate(why) => why.fmt(f),
            ImageError::Unusable(why) => f.write_str(why),
        }
    }
}

/// Why an image path cannot be used.
#[derive(Debug)]
pub struct AssetError {
    pub message: String,
    /// The path to write instead, when the folder has exactly one file of
    /// that name with another extension or case.
    pub instead: Option<String>,
}

impl From<String> for AssetError {
    fn from(message: String) -> Self {
        Self {
            message,
            instead: None,
        }
    }
}

/// An image checked inside the project.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Its path as the templates name it: `/a/b.png`.
    pub path: String,
    /// The pixels it decodes to, with those of the files it links.
    pub pixels: u64,
    /// The files an SVG links, as the templates name them.
    pub linked: Vec<String>,
}

/// An image as read and checked.
#[derive(Debug)]
pub struct CheckedImage {
    pub data: Arc<FileData>,
    /// The pixels it decodes to, with those of the files it links.
    pub pixels: u64,
    /// The files an SVG links, inside the root.
    pub linked: Vec<PathBuf>,
}

/// A path inside the root as the templates name it: `/a/b.png`.
pub fn virtual_path(inside: &Path) -> String {
    let parts: Vec<String> = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    format!("/{}", parts.join("/"))
}

/// A path as messages show it: relative to the working directory when it is
/// below it.
pub fn shown(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| cwd.canonicalize().ok())
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or_else(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::png;

    /// A project in a fresh folder with the given files.
    fn project(name: &str, files: &[(&str, &str)]) -> (PathBuf, Project) {
        let dir = crate::testing::scratch(&format!("project-{name}"));
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let project = Project::open(&dir).unwrap();
        (dir, project)
    }

    /// An SVG linking the files `hrefs` beside it.
    fn svg_linking(hrefs: &[&str]) -> String {
        let images: String = hrefs
            .iter()
            .map(|href| format!(r#"<image href="{href}" width="1" height="1"/>"#))
            .collect();
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3">{images}</svg>"#)
    }

    const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>"#;

    #[test]
    fn resolves_an_image_beside_the_document_to_its_template_path() {
        let (dir, project) = project("resolve", &[("briefs/images/map.svg", SVG)]);
        let document = project.root().join("briefs/a.toml");
        let asset = project
            .resolve_asset(&document, "./images/map.svg")
            .unwrap();
        assert_eq!(asset.path, "/briefs/images/map.svg");
        // A vector image decodes to no pixels of its own.
        assert_eq!((asset.pixels, asset.linked.len()), (0, 0));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn refuses_empty_urls_absolute_and_outside_paths_each_with_its_reason() {
        let (dir, project) = project("refuse", &[("x.svg", SVG)]);
        let document = project.root().join("briefs/a.toml");
        let refused = |written: &str| {
            project
                .resolve_asset(&document, written)
                .unwrap_err()
                .message
        };
        assert!(
            refused(" ").ends_with("the path is empty"),
            "{}",
            refused(" ")
        );
        for url in ["https://example.org/x.svg", "file:x.svg", "file:///x.svg"] {
            assert!(refused(url).contains("URLs are not allowed"), "{url}");
        }
        for absolute in ["/etc/passwd", "\\x.svg"] {
            assert!(
                refused(absolute).contains("absolute paths are not allowed"),
                "{absolute}"
            );
        }
        assert!(refused("../../x.svg").contains("it points outside the project root"));
        // `..` that stays inside the root is fine.
        assert!(project.resolve_asset(&document, "../x.svg").is_ok());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_image_names_the_files_of_the_same_name() {
        let (dir, project) = project(
            "near",
            &[
                ("briefs/images/map.JPG", ""),
                ("briefs/images/two.png", ""),
                ("briefs/images/two.webp", ""),
            ],
        );
        let document = project.root().join("briefs/a.toml");
        let missing = |written: &str| project.resolve_asset(&document, written).unwrap_err();

        let one = missing("images/map.jpg");
        assert!(
            one.message
                .starts_with("image `images/map.jpg` not found (looked for ")
        );
        assert!(
            one.message.ends_with("; the folder has `images/map.JPG`"),
            "{}",
            one.message
        );
        assert_eq!(one.instead.as_deref(), Some("images/map.JPG"));

        let two = missing("images/two.gif");
        assert!(
            two.message
                .ends_with("; the folder has `images/two.png` and `images/two.webp`")
        );
        assert_eq!(two.instead, None);

        let none = missing("images/other.png");
        assert!(!none.message.contains("the folder has"), "{}", none.message);
        assert!(none.message.ends_with("other.png)"), "{}", none.message);
        assert_eq!(none.instead, None);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_svg_counts_the_pixels_of_the_images_it_links_within_the_limit() {
        let (dir, project) = project(
            "linked",
            &[("briefpress.toml", "[limits]\nimage_megapixels = 1\n")],
        );
        let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
        write("a.png", &png(3, 2));
        write("b.png", &png(4, 5));
        write("half.png", &png(1000, 500));
        write("other-half.png", &png(500, 1000));
        write(
            "sum.svg",
            svg_linking(&["a.png", "b.png", "a.png"]).as_bytes(),
        );
        write(
            "full.svg",
            svg_linking(&["half.png", "other-half.png"]).as_bytes(),
        );
        write(
            "over.svg",
            svg_linking(&["half.png", "other-half.png", "a.png"]).as_bytes(),
        );
        write("nested.svg", svg_linking(&["sum.svg"]).as_bytes());
        let checked = |name: &str| project.read_image(Path::new(name));

        let sum = checked("sum.svg").unwrap();
        assert_eq!(sum.pixels, 6 + 20);
        assert_eq!(sum.linked, [PathBuf::from("a.png"), PathBuf::from("b.png")]);
        // Exactly at the limit of one megapixel: allowed.
        assert_eq!(checked("full.svg").unwrap().pixels, 1_000_000);
        let over = checked("over.svg").unwrap_err().to_string();
        assert_eq!(
            over,
            "with the images it links the SVG is 1 megapixels, over the limit of 1 megapixels"
        );
        let nested = checked("nested.svg").unwrap_err().to_string();
        assert_eq!(
            nested,
            "the SVG links `sum.svg`: it links further files; link raster images only"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
