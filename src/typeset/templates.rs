//! The built-in templates, compiled into the binary. A project's own
//! `templates/` folder overrides them file by file.

use std::path::Path;

use crate::manifest::hash_bytes;
use crate::project::Project;

/// `templates/<name>` as shipped with briefpress.
const BUILTIN: &[(&str, &str)] = &[
    ("lib.typ", include_str!("../../templates/lib.typ")),
    ("article.typ", include_str!("../../templates/article.typ")),
    ("brief.typ", include_str!("../../templates/brief.typ")),
    ("issue.typ", include_str!("../../templates/issue.typ")),
    (
        "compendium.typ",
        include_str!("../../templates/compendium.typ"),
    ),
];

/// The built-in `templates/<name>`.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
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

/// A hash over the templates in effect: the built-in ones and every file of
/// the project's `templates/` folder. Any change rebuilds every document.
pub fn fingerprint(project: &Project) -> String {
    let mut all = Vec::new();
    for (name, text) in BUILTIN {
        all.extend_from_slice(name.as_bytes());
        all.extend_from_slice(text.as_bytes());
    }
    let mut own = Vec::new();
    collect(&project.templates_dir(), &mut own);
    own.sort();
    for path in own {
        all.extend_from_slice(path.to_string_lossy().as_bytes());
        all.extend_from_slice(&std::fs::read(&path).unwrap_or_default());
    }
    hash_bytes(&all)
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
