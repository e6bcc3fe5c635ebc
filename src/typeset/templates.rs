//! The built-in templates, compiled into the binary. A project's own
//! `templates/` folder overrides them file by file.

/// `templates/<name>` as shipped with briefpress.
pub fn builtin(name: &str) -> Option<&'static str> {
    Some(match name {
        "lib.typ" => include_str!("../../templates/lib.typ"),
        "article.typ" => include_str!("../../templates/article.typ"),
        "brief.typ" => include_str!("../../templates/brief.typ"),
        "issue.typ" => include_str!("../../templates/issue.typ"),
        _ => return None,
    })
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
