//! The built-in templates, compiled into the binary. A project's own
//! `templates/` folder overrides them file by file.

use std::path::Path;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::fsgate::{self, GateError, hash_bytes};
use crate::load::project::Project;
use crate::prepare::data::CONTRACT_VERSION;
use typst::foundations::Bytes;

/// `templates/<name>` as shipped with briefpress (every file of the
/// repository's `templates/` but `CONTRACT.md`, which a unit test checks).
macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

static BUILTIN: &[(&str, &str)] = builtin![
    "theme.typ",
    "theme-overrides.typ",
    "base.typ",
    "layout.typ",
    "print.typ",
    "components/headline.typ",
    "components/lead-image.typ",
    "components/pull-quote.typ",
    "components/takeaways.typ",
    "components/sources.typ",
    "components/notes.typ",
    "components/image-information.typ",
    "components/running-heads.typ",
    "components/cover.typ",
    "components/contents.typ",
    "components/review.typ",
    "article.typ",
    "brief.typ",
    "issue.typ",
    "compendium.typ",
    "catalogue.typ",
    "catalogue.html",
    "web/page.html",
    "web/rich.html",
    "web/style.css",
    "article.html",
    "brief.html",
    "issue.html",
    "compendium.html",
];

/// Template files of an older layout: `(file, its last contract, where its
/// parts went)`.
const MOVED: &[(&str, u32, &str)] = &[(
    "lib.typ",
    4,
    "lib.typ was split: design values (fonts, colours, sizes, spacing, margins, script scales) -> theme.typ, overridden in part by theme-overrides.typ; \
     rich text, URLs, balanced headlines, rules, logo -> base.typ; page setup (type-style, page-style) -> layout.typ; \
     crop marks, bleed, spot inks, sheet padding -> print.typ; the kicker -> components/headline.typ; \
     lead-image, sources-section, notes-section, image-information -> components/<name>.typ; \
     running heads -> components/running-heads.typ; comments and the DRAFT stamp -> components/review.typ",
)];

/// The built-in `templates/<name>`.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// `templates/<name>` in effect: the project's own file (read through the
/// gate, inside its templates folder), else the built-in one; `Ok(None)`
/// when neither exists. The compiler and the HTML pages both look here.
pub fn source(project: &Project, name: &Path) -> Result<Option<Bytes>, GateError> {
    let inside = fsgate::join(project.templates_inside(), name)?;
    match project
        .gate()
        .read(&inside, project.limits().template_bytes)
    {
        Ok(data) => Ok(Some(data.bytes.clone())),
        Err(GateError::NotFound) => Ok(builtin(&name.to_string_lossy().replace('\\', "/"))
            .map(|text| Bytes::new(text.as_bytes()))),
        Err(why) => Err(why),
    }
}

/// The line every template carries, naming the data contract it expects.
pub const CONTRACT_MARK: &str = "// briefpress-contract:";

/// The built-in templates, `(file name, text)`, with the contract notes
/// (for `templates eject`).
pub fn builtin_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTIN
        .iter()
        .copied()
        .chain([("CONTRACT.md", include_str!("../../templates/CONTRACT.md"))])
}

/// Checks that every template in the project's templates folder names the
/// data contract this briefpress provides: one written for another version
/// would misread the data.
pub fn check_overrides(project: &Project) -> Vec<Diagnostic> {
    let listing = project.own_templates();
    let gate = project.gate();
    let cap = project.limits().template_bytes;
    let expected = CONTRACT_VERSION;
    let refused = |inside: &Path, why: &dyn std::fmt::Display| {
        let shown = crate::load::project::shown(&gate.absolute(inside));
        Diagnostic::error(format!(
            "the template {} is refused: {why}",
            shown.display()
        ))
        .with_code("template")
        .in_file(&shown)
    };
    let mut problems: Vec<Diagnostic> = listing
        .refused
        .iter()
        .map(|(inside, why)| refused(inside, why))
        .collect();
    // A file an older layout had, which nothing imports any more: its
    // changes would silently not apply.
    let moved = |inside: &Path| {
        let name = inside
            .strip_prefix(project.templates_inside())
            .unwrap_or(inside)
            .to_string_lossy()
            .replace('\\', "/");
        MOVED.iter().find(|(old, _, _)| *old == name)
    };
    for inside in &listing.files {
        if let Some((_, contract, moved)) = moved(inside) {
            let shown = crate::load::project::shown(&gate.absolute(inside));
            problems.push(
                Diagnostic::error(format!(
                    "{} belongs to the templates of data contract {contract}; contract {expected} moved what it held",
                    shown.display()
                ))
                .with_code("template-contract")
                .in_file(&shown)
                .with_hint(*moved)
                .with_hint("carry your changes over to those files (`briefpress templates eject --only FILE` copies one), then delete this file"),
            );
        }
    }
    problems.extend(listing
        .files
        .iter()
        .filter(|path| path.extension().is_some_and(|e| e == "typ") && moved(path).is_none())
        .filter_map(|inside| {
            let text: Arc<str> = match gate.read(inside, cap) {
                Ok(data) => match std::str::from_utf8(&data.bytes) {
                    Ok(text) => text.into(),
                    Err(_) => return Some(refused(inside, &"it is not UTF-8 text")),
                },
                Err(why) => return Some(refused(inside, &why)),
            };
            let shown = crate::load::project::shown(&gate.absolute(inside));
            let mark = text
                .match_indices(CONTRACT_MARK)
                .next()
                .map(|(at, _)| at);
            let Some(at) = mark else {
                return Some(
                    Diagnostic::error("the template does not say which data contract it expects")
                        .with_code("template-contract")
                        .in_file(&shown)
                        .with_hint(format!(
                            "add the line `{CONTRACT_MARK} {expected}` once it reads the data as templates/CONTRACT.md version {expected} describes (`briefpress templates eject` writes current templates)"
                        )),
                );
            };
            let rest = &text[at + CONTRACT_MARK.len()..];
            let number: String = rest.trim_start().chars().take_while(char::is_ascii_digit).collect();
            (number.parse::<u32>().ok() != Some(expected)).then(|| {
                let end = at + CONTRACT_MARK.len() + rest.find('\n').unwrap_or(rest.len());
                Diagnostic::error(format!(
                    "the template was written for data contract {}, this briefpress provides contract {expected}",
                    if number.is_empty() { "?".to_string() } else { number.clone() }
                ))
                .with_code("template-contract")
                .at(&shown, &text, at..end)
                .with_hint(
                    "update it to the contract in templates/CONTRACT.md (its history says what changed), or eject the current templates and carry your changes over",
                )
            })
        }));
    problems
}

/// Where the render data of the document being compiled is served from.
pub const DATA_PATH: &str = "/.briefpress/data.json";

/// The fixed entry source for a template: import it and call it with the
/// render data. Nothing from a document ever enters Typst source.
pub fn entry(template: &str) -> String {
    format!(
        "#import \"/templates/{template}.typ\": {template}\n#{template}(json(\"{DATA_PATH}\"))\n"
    )
}

/// The entry source of an archival PDF: the template's, then every file
/// listed in the attachments data attached to the PDF (names and paths are
/// data; nothing from a document becomes source).
pub fn archive_entry(template: &str) -> String {
    format!(
        "{}#for a in json(\"{ATTACHMENTS_PATH}\") {{\n  pdf.attach(a.name, read(a.file, encoding: none), relationship: a.relationship, mime-type: a.mime, description: a.description)\n}}\n",
        entry(template)
    )
}

/// Where what the templates are told about the PDF being made is served
/// from (see [`super::output`]).
pub const OUTPUT_PATH: &str = "/.briefpress/output.json";

/// Where the list of an archival PDF's attachments is served from.
pub const ATTACHMENTS_PATH: &str = "/.briefpress/attachments.json";

/// Where the note of the tool and fonts an archival PDF was made with is
/// served from.
pub const NOTE_PATH: &str = "/.briefpress/briefpress-archive.txt";

/// A hash over the Typst templates in effect: the built-in ones and every
/// `.typ` file of the project's `templates/` folder. Any change rebuilds
/// every document.
pub fn fingerprint(project: &Project) -> String {
    // Only the Typst templates lay out PDFs: a change to the catalogue
    // page must not rebuild every document.
    fingerprint_of(project, |name| name.ends_with(".typ"))
}

/// A hash over the templates of the web edition in effect (every `.html`
/// and `.css` file but the catalogue page): any change rebuilds every page.
pub fn web_fingerprint(project: &Project) -> String {
    fingerprint_of(project, |name| {
        (name.ends_with(".html") || name.ends_with(".css")) && !name.ends_with(CATALOGUE_PAGE)
    })
}

/// The catalogue page's template, which no document's output depends on.
const CATALOGUE_PAGE: &str = "catalogue.html";

/// A hash over the templates in effect whose names `chosen` takes.
fn fingerprint_of(project: &Project, chosen: impl Fn(&str) -> bool) -> String {
    let mut all = Vec::new();
    for (name, text) in BUILTIN.iter().filter(|(name, _)| chosen(name)) {
        all.extend_from_slice(name.as_bytes());
        all.extend_from_slice(text.as_bytes());
    }
    let cap = project.limits().template_bytes;
    let own = project.own_templates().files;
    for inside in own.iter().filter(|path| chosen(&path.to_string_lossy())) {
        all.extend_from_slice(inside.to_string_lossy().as_bytes());
        if let Ok(data) = project.gate().read(inside, cap) {
            all.extend_from_slice(data.hash().as_bytes());
        }
    }
    hash_bytes(&all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_name_the_current_contract() {
        for (name, text) in BUILTIN {
            let first = text.lines().next().unwrap_or_default();
            let mark = format!("briefpress-contract: {CONTRACT_VERSION} ");
            let starts = if name.ends_with(".typ") {
                first.starts_with(&format!("{CONTRACT_MARK} {CONTRACT_VERSION} "))
            } else {
                first.starts_with("{#") && first.contains(&mark)
            };
            assert!(starts, "{name} does not start with the contract mark");
        }
    }
}
