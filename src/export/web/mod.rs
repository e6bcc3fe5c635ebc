//! The web edition: one accessible HTML page per document, rendered from
//! the same prepared data as its PDF by the HTML templates
//! (`templates/<kind>.html`, overridable like the Typst ones), with its
//! images resampled for the screen beside it in `media/`. Pages have no
//! scripts and load nothing from the network: a copy of the output folder
//! reads the same from `file://`.

pub mod jinja;
pub mod media;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use minijinja::Environment;
use serde_json::{Value, json};

use crate::diag::Diagnostic;
use crate::fsgate::hash_bytes;
use crate::load::project::Project;
use crate::prepare::Prepared;
use crate::typeset::templates;
use media::{Placed, Role};

/// The web pages of one project's run: the template engine (templates are
/// parsed once and kept) and a fingerprint of the templates in effect.
pub struct Pages {
    engine: Environment<'static>,
    fingerprint: String,
    /// The images being written in this run, so that pages sharing one
    /// resample it once.
    claimed: Mutex<HashSet<PathBuf>>,
}

/// Where a page links to, besides itself.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// The PDF edition beside the page, when the run writes it.
    pub pdf: Option<String>,
    /// An issue's members' own pages, by id.
    pub members: BTreeMap<String, String>,
    /// The issue a member's page belongs to.
    pub up: Option<Up>,
    /// Whether the page is a chapter of the EPUB edition.
    pub epub: bool,
    /// Whether it is an EPUB chapter of one of an issue's documents.
    pub in_issue: bool,
    /// The issue's section a chapter opens (EPUB), printed above it as
    /// the PDF prints it above the section's first article.
    pub section: Option<String>,
}

/// The contents page of the issue a member's page belongs to.
#[derive(Debug, Clone)]
pub struct Up {
    pub href: String,
    pub title: String,
}

/// A page ready to write.
pub struct Page {
    pub html: String,
    /// Its images, to go into [`media::FOLDER`] beside it.
    pub media: Vec<Placed>,
    /// The project files read for it (the images), for the manifest.
    pub files_read: Vec<PathBuf>,
}

impl Pages {
    pub fn new(project: &Project) -> Self {
        Self {
            engine: jinja::environment(project),
            fingerprint: hash_bytes(
                format!(
                    "briefpress {} web {}",
                    env!("CARGO_PKG_VERSION"),
                    templates::web_fingerprint(project)
                )
                .as_bytes(),
            ),
            claimed: Mutex::new(HashSet::new()),
        }
    }

    /// Whether the caller is the first of the run to make the image at
    /// `path` (the others find it made).
    pub fn claim(&self, path: &Path) -> bool {
        self.claimed
            .lock()
            .map_or(true, |mut claimed| claimed.insert(path.to_path_buf()))
    }

    /// A hash over the tool and the web templates in effect: part of
    /// every page's key.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The page of `prepared`, from `templates/<kind>.html`.
    pub fn render(
        &self,
        project: &Project,
        prepared: &Prepared,
        links: &Links,
    ) -> Result<Page, Vec<Diagnostic>> {
        let doc = data_of(prepared)?;
        self.render_data(project, &doc, prepared.kind.name(), links)
    }

    /// The page of a document's render data `doc` (a whole document's, or
    /// one member of an issue's), from `templates/<kind>.html`.
    pub fn render_data(
        &self,
        project: &Project,
        doc: &Value,
        kind: &str,
        links: &Links,
    ) -> Result<Page, Vec<Diagnostic>> {
        let mut media = Vec::new();
        let mut shown = serde_json::Map::new();
        let mut files_read = Vec::new();
        for (path, role) in placed_images(doc) {
            let inside = Path::new(path.trim_start_matches('/'));
            let original = project.read_image(inside).map_err(|why| {
                vec![
                    Diagnostic::error(format!(
                        "the image {path} cannot be read for the web page: {why}"
                    ))
                    .with_code("image"),
                ]
            })?;
            let copy = media::place(original.data.bytes.clone(), original.data.hash(), role)
                .map_err(|why| {
                    vec![
                        Diagnostic::error(format!(
                            "the image {path} cannot be resampled for the web page: {why}"
                        ))
                        .with_code("image"),
                    ]
                })?;
            files_read.push(project.root().join(inside));
            let (width, height) = copy.size.unzip();
            shown.insert(
                path.clone(),
                json!({"href": format!("{}/{}", media::FOLDER, copy.name), "width": width, "height": height}),
            );
            if !media.iter().any(|m: &Placed| m.name == copy.name) {
                media.push(copy);
            }
        }
        // The `bcp47` filter's reading of the document's `lang`.
        let lang = jinja::bcp47(&jinja::lang_of(&minijinja::Value::from_serialize(
            &doc["lang"],
        )));
        let context = json!({
            "doc": doc,
            "page": {
                "lang": lang,
                "pdf": links.pdf,
                "media": shown,
                "members": links.members,
                "up": links.up.as_ref().map(|up| json!({"href": up.href, "title": up.title})),
                "generator": format!("briefpress {}", env!("CARGO_PKG_VERSION")),
                "epub": links.epub,
                "in_issue": links.in_issue,
                "section": links.section,
            },
        });
        let name = format!("{kind}.html");
        let html = jinja::render(&self.engine, project, &name, &context)
            .map_err(|message| vec![jinja::diagnostic(message)])?;
        Ok(Page {
            html,
            media,
            files_read,
        })
    }
}

/// The render data of a prepared document.
pub fn data_of(prepared: &Prepared) -> Result<Value, Vec<Diagnostic>> {
    serde_json::from_slice(&prepared.data).map_err(|err| {
        vec![Diagnostic::error(format!("internal error: render data: {err}")).with_code("internal")]
    })
}

/// The images a page shows, each once, with how: the lead image or
/// cover, and the publication's logo (an issue's members have pages of
/// their own).
fn placed_images(doc: &Value) -> Vec<(String, Role)> {
    let mut placed: Vec<(String, Role)> = Vec::new();
    for key in ["image", "cover"] {
        if let Some(path) = doc[key]["path"].as_str() {
            placed.push((path.to_string(), Role::Figure));
        }
    }
    if let Some(path) = doc["publication"]["logo"].as_str() {
        placed.push((path.to_string(), Role::Logo));
    }
    let mut seen = std::collections::HashSet::new();
    placed.retain(|(path, _)| seen.insert(path.clone()));
    placed
}

/// A path as a link target: each segment percent-encoded where needed.
pub fn href(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            segment
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    other => format!("%{other:02X}"),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The link from a page in `from_dir` to the file `to` (both below the
/// same output folder, written the same way).
pub fn relative_href(from_dir: &Path, to: &Path) -> String {
    let from: Vec<_> = from_dir.components().collect();
    let target: Vec<_> = to.components().collect();
    let shared = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_string(), from.len() - shared);
    let downs = target[shared..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    href(&ups.chain(downs).collect::<Vec<_>>().join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_between_pages_are_relative() {
        assert_eq!(
            relative_href(
                Path::new("out/oe-watch"),
                Path::new("out/issues/oe-watch.html")
            ),
            "../issues/oe-watch.html"
        );
        assert_eq!(
            relative_href(
                Path::new("out/issues"),
                Path::new("out/oe-watch/01-a b.html")
            ),
            "../oe-watch/01-a%20b.html"
        );
        assert_eq!(
            relative_href(Path::new("out"), Path::new("out/x.html")),
            "x.html"
        );
    }
}
