//! The project: the folder whose files a build may read (documents, images,
//! override templates, fonts) and nothing outside it.

use typst::foundations::Bytes;
use typst::visualize::{ExchangeFormat, RasterImage};

use crate::config::{self, Config, Profile};
use crate::diag::Diagnostic;
use crate::limits::{Limits, image_size};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The sandbox every document of a run is built in, with its configuration.
#[derive(Debug, Clone)]
pub struct Project {
    /// Canonical absolute path of the project root.
    root: PathBuf,
    config: Arc<Config>,
    /// Whether the run builds drafts (`--draft`): reviewers' comments print
    /// instead of stopping the build.
    draft: bool,
    /// What the run's PDFs are made for.
    profile: Profile,
}

impl Project {
    /// Opens the project rooted at `root`, reading its `briefpress.toml`
    /// if it has one.
    pub fn open(root: &Path) -> Result<Self, Vec<Diagnostic>> {
        let usage = |message: String| vec![Diagnostic::error(message)];
        let root = root.canonicalize().map_err(|err| {
            usage(format!(
                "cannot open the project root {}: {err}",
                root.display()
            ))
        })?;
        if !root.is_dir() {
            return Err(usage(format!(
                "the project root {} is not a folder",
                root.display()
            )));
        }
        let display = shown(&root.join(config::FILE_NAME));
        let mut project = Self {
            config: Arc::new(config::load(&root, &display)?),
            root,
            draft: false,
            profile: Profile::default(),
        };
        project.profile = project.config.profile;
        if let Some(logo) = project.config.logo.clone() {
            let file = project.root.join(config::FILE_NAME);
            match project.resolve_asset(&file, logo.get_ref()) {
                Ok(path) => Arc::make_mut(&mut project.config).publication.logo = Some(path),
                Err(message) => {
                    return Err(vec![
                        project
                            .config
                            .error_at(logo.span(), message)
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

    /// The PDF standards of the run: the configured ones on screen and in
    /// print; PDF/A-3b (which allows attachments) and PDF/UA-1 for the
    /// archive.
    pub fn standards(&self) -> Vec<String> {
        match self.profile {
            Profile::Screen | Profile::Print => self.config.standards.clone(),
            Profile::Archive => vec!["a-3b".into(), "ua-1".into()],
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

    /// The output folder the configuration names.
    pub fn out_dir(&self) -> PathBuf {
        shown(&self.root.join(&self.config.out_dir))
    }

    /// Resolves `path` inside the project root, refusing anything that leaves
    /// it: `..` past the root, absolute paths and symbolic links pointing out.
    pub fn contain(&self, path: &Path) -> Result<PathBuf, String> {
        let real = path.canonicalize().map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => "not found".to_string(),
            _ => err.to_string(),
        })?;
        if real.starts_with(&self.root) {
            Ok(real)
        } else {
            Err("it resolves outside the project root (through a symbolic link)".into())
        }
    }

    /// Checks an image path written in the document at `document` and returns
    /// the absolute path inside the project that templates may read.
    pub fn resolve_asset(&self, document: &Path, written: &str) -> Result<String, String> {
        let refuse = |why: &str| Err(format!("image `{written}` is refused: {why}"));
        if written.trim().is_empty() {
            return refuse("the path is empty");
        }
        if written.contains("://") || written.starts_with("file:") {
            return refuse("URLs are not allowed; give a file path relative to the document");
        }
        let relative = Path::new(written);
        if relative.is_absolute() || written.starts_with('/') || written.starts_with('\\') {
            return refuse("absolute paths are not allowed; give a path relative to the document");
        }
        let document = document
            .canonicalize()
            .unwrap_or_else(|_| document.to_path_buf());
        let base = document.parent().unwrap_or(&self.root);
        let joined = normalize(&base.join(relative));
        if !joined.starts_with(&self.root) {
            return refuse("it points outside the project root");
        }
        let real = match self.contain(&joined) {
            Ok(real) => real,
            Err(why) if why == "not found" => {
                return Err(format!(
                    "image `{written}` not found (looked for {})",
                    joined.display()
                ));
            }
            Err(why) => return refuse(&why),
        };
        if !real.is_file() {
            return refuse("it is not a file");
        }
        sniff_image(&real, self.limits())
            .map_err(|why| format!("image `{written}` cannot be used: {why}"))?;
        let inside = real.strip_prefix(&self.root).unwrap_or(&real);
        let parts: Vec<String> = inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(format!("/{}", parts.join("/")))
    }

    /// The path of `path` relative to the root, for messages and outputs.
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}

/// Every file below `dir` (recursively), sorted; none if it is missing.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
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

/// Removes `.` and `..` lexically (without touching the file system).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Accepts the images Typst can use: raster images up to the pixel limit
/// (read from the header, before any decoding) that decode (with Typst's
/// own, memoized decoder, so the compiler does not decode them again), and
/// SVG without scripts or references to other files.
fn sniff_image(path: &Path, limits: &Limits) -> Result<(), String> {
    let data = std::fs::read(path).map_err(|err| err.to_string())?;
    let head = &data[..data.len().min(64 * 1024)];
    let raster = head.starts_with(b"\x89PNG\r\n\x1a\n")
        || head.starts_with(&[0xFF, 0xD8, 0xFF])
        || head.starts_with(b"GIF87a")
        || head.starts_with(b"GIF89a")
        || (head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP"));
    if raster {
        match image_size(head) {
            Some((width, height)) if width == 0 || height == 0 => {
                return Err("its header gives it no pixels".into());
            }
            Some((width, height)) if width * height > limits.image_pixels => {
                return Err(format!(
                    "it is {width} × {height} pixels ({} megapixels), over the limit of {} megapixels",
                    width * height / 1_000_000,
                    limits.image_pixels / 1_000_000
                ));
            }
            _ => {}
        }
        let format = ExchangeFormat::detect(&data).ok_or("its format is not recognised")?;
        return RasterImage::plain(Bytes::new(data), format)
            .map(|_| ())
            .map_err(|err| format!("it does not decode ({err})"));
    }
    let text = String::from_utf8_lossy(head).to_lowercase();
    if text.contains("<svg") {
        if text.contains("<script") || text.contains("javascript:") {
            return Err("the SVG contains a script".into());
        }
        let external = [
            "href=\"http",
            "href='http",
            "href=\"file:",
            "href='file:",
            "url(http",
            "url(file:",
        ];
        if external.iter().any(|pattern| text.contains(pattern)) {
            return Err("the SVG refers to files or addresses outside it".into());
        }
        return Ok(());
    }
    Err("it is not a PNG, JPEG, GIF, WebP or SVG image".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    }
}
