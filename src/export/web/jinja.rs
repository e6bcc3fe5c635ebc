//! The template engine of every HTML output (the web edition's pages and
//! the catalogue page): minijinja, reading templates as the compiler does
//! (the project's own file through the gate, else the built-in one), with
//! every value escaped as HTML in `.html` templates.

use std::fmt::Write as _;
use std::path::Path;

use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State, Value};

use crate::diag::Diagnostic;
use crate::load::project::{Project, shown};
use crate::model::publication::LangData;
use crate::typeset::templates;

/// An environment that loads templates from the project (else the
/// built-in ones), escapes values in `.html` templates and knows the
/// filters the web templates use (`bcp47`, `direction`, `css_string`).
pub fn environment(project: &Project) -> Environment<'static> {
    let mut engine = Environment::new();
    engine.set_formatter(html_formatter);
    let project = project.clone();
    engine.set_loader(
        move |name| match templates::source(&project, Path::new(name)) {
            Ok(Some(bytes)) => String::from_utf8(bytes.to_vec()).map(Some).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("templates/{name} is not UTF-8 text"),
                )
            }),
            Ok(None) => Ok(None),
            Err(why) => Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("templates/{name} is refused: {why}"),
            )),
        },
    );
    engine.add_filter("bcp47", |lang: Value| bcp47(&lang_of(&lang)));
    engine.add_filter("direction", |lang: Value| direction(&lang_of(&lang).lang));
    engine.add_filter("css_string", |text: String| {
        Value::from_safe_string(css_string(&text))
    });
    engine
}

/// A language object of the data (`{"lang": "fa", "region": "IR"}`).
pub fn lang_of(value: &Value) -> LangData {
    let field = |name: &str| {
        value
            .get_attr(name)
            .ok()
            .filter(|v| !v.is_none() && !v.is_undefined())
            .map(|v| v.to_string())
    };
    LangData {
        lang: field("lang").unwrap_or_else(|| "en".into()),
        region: field("region"),
    }
}

/// The BCP 47 tag of a language: `fa-IR`.
pub fn bcp47(lang: &LangData) -> String {
    match &lang.region {
        Some(region) => format!("{}-{region}", lang.lang),
        None => lang.lang.clone(),
    }
}

/// `rtl` for the languages written right to left, else `ltr`.
pub fn direction(lang: &str) -> &'static str {
    const RIGHT_TO_LEFT: [&str; 12] = [
        "ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ku", "ckb", "syr",
    ];
    if RIGHT_TO_LEFT.contains(&lang) {
        "rtl"
    } else {
        "ltr"
    }
}

/// `text` as a quoted CSS string: anything but letters, digits, spaces,
/// `-` and `_` is written as an escape, so a font name cannot end the
/// string, the declaration or the style element.
pub fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_') {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:x} ", u32::from(c)));
        }
    }
    out.push('"');
    out
}

/// minijinja's HTML escaping but for `/`, which needs none: links stay as
/// written (`issues/x.pdf`, not `issues&#x2f;x.pdf`).
fn html_formatter(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    let plain = state.auto_escape() == AutoEscape::Html
        && !value.is_safe()
        && !value.is_none()
        && !value.is_undefined();
    if !plain {
        return minijinja::escape_formatter(out, state, value);
    }
    for c in value.to_string().chars() {
        match c {
            '&' => out.write_str("&amp;")?,
            '<' => out.write_str("&lt;")?,
            '>' => out.write_str("&gt;")?,
            '"' => out.write_str("&quot;")?,
            '\'' => out.write_str("&#39;")?,
            c => out.write_char(c)?,
        }
    }
    Ok(())
}

/// Renders template `name` with `context`.
pub fn render(
    engine: &Environment<'static>,
    project: &Project,
    name: &str,
    context: &serde_json::Value,
) -> Result<String, String> {
    engine
        .get_template(name)
        .and_then(|template| template.render(context))
        .map_err(|err| template_error(project, &err))
}

/// A template error, at its line in the template it arose in.
fn template_error(project: &Project, err: &Error) -> String {
    let name = err.name().unwrap_or("?");
    let file = shown(&project.templates_dir().join(name));
    let mut message = match err.line() {
        Some(line) => format!("{}:{line}: {}", file.display(), err.kind()),
        None => format!("{}: {}", file.display(), err.kind()),
    };
    if let Some(detail) = err.detail() {
        message.push_str(": ");
        message.push_str(detail);
    }
    message
}

/// A template error as a document's diagnostic.
pub fn diagnostic(message: String) -> Diagnostic {
    Diagnostic::error(message)
        .with_code("template")
        .with_hint("the error is in the template named (an override in the project's templates/ folder, or a built-in one)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_cannot_escape_their_quotes() {
        assert_eq!(css_string("Noto Serif"), "\"Noto Serif\"");
        let hostile = css_string("a\"; } </style><script>");
        assert!(!hostile[1..hostile.len() - 1].contains(['"', ';', '<', '>', '}']));
    }

    #[test]
    fn right_to_left_languages() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("fa"), "rtl");
        assert_eq!(direction("zh"), "ltr");
        assert_eq!(
            bcp47(&LangData {
                lang: "fa".into(),
                region: Some("IR".into())
            }),
            "fa-IR"
        );
    }
}
