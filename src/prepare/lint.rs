//! Problems that do not stop a build but that an editor should see before
//! a document goes out: placeholders left from `briefpress new`, malformed
//! URLs, dates in the future (plus, in the preparing code, images without a
//! source or license and sources cited twice).

use std::ops::Range;

use crate::diag::{Diagnostic, Severity};
use crate::load::SourceFile;
use crate::model::PartialDate;

pub use crate::model::common::PLACEHOLDER;

/// Every string value of `file` that still holds the word [`PLACEHOLDER`]:
/// warnings that a build without `--draft` turns into errors
/// ([`refused_placeholders`]).
pub fn placeholders(file: &SourceFile) -> Vec<Diagnostic> {
    let Some(table) = file.table() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    strings_in_table(table, &mut |_, text, span| {
        if has_placeholder(text) {
            found.push(
                file.warning_at(span, "a placeholder is left in")
                    .with_code("placeholder")
                    .with_hint("replace the TODO text with the real content; only a `--draft` build takes a document that still has one"),
            );
        }
    });
    found
}

/// What is wrong with an image's alternative text, if anything: empty, or
/// a file name (a reader would hear "IMG underscore 2041 dot jpeg").
pub fn poor_alt(alt: &str, path: &str) -> Option<&'static str> {
    let alt = alt.trim();
    if alt.is_empty() {
        return Some("the image's alt text is empty: screen readers give nothing for it");
    }
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let extension = alt
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| {
            matches!(
                ext.as_str(),
                "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" | "tif" | "tiff"
            )
        });
    let one_word = !alt.contains(char::is_whitespace);
    (extension.is_some() && one_word
        || alt.eq_ignore_ascii_case(file)
        || alt.eq_ignore_ascii_case(stem))
    .then_some("the image's alt text is a file name, which screen readers would spell out")
}

/// A final build's verdict: the placeholder warnings among `warnings` as
/// errors (the document is refused), and the other warnings.
pub fn refused_placeholders(warnings: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let (mut refused, others): (Vec<Diagnostic>, Vec<Diagnostic>) = warnings
        .into_iter()
        .partition(|warning| warning.code == "placeholder");
    for diagnostic in &mut refused {
        diagnostic.severity = Severity::Error;
        diagnostic.message =
            "a placeholder is left in, and only a `--draft` build takes one".into();
    }
    (refused, others)
}

/// Whitespace in any string of `file` that is not a plain space (a tab, an
/// em space, a zero-width space, several no-break spaces in a row), at its
/// column and named: pasted from a web page or a word processor, it prints
/// as odd gaps or breaks words where nothing shows. Zero-width joiners and
/// non-joiners (Persian needs them) and a single no-break space pass.
pub fn odd_spaces(file: &SourceFile) -> Vec<Diagnostic> {
    let Some(table) = file.table() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    strings_in_table(table, &mut |_, text, literal| {
        for (inner, name, instead) in super::mistakes::odd_spaces(text) {
            let span = file.span_in_string(literal.clone(), inner);
            let what = if instead.is_empty() {
                "remove it".to_string()
            } else {
                "write a plain space".to_string()
            };
            found.push(
                file.warning_at(span.clone(), format!("{name} in the text"))
                    .with_code("odd-space")
                    .with_hint(what)
                    .with_fix(span, instead),
            );
        }
    });
    found
}

/// Whether `text` has [`PLACEHOLDER`] as a word of its own (not inside
/// a longer word).
pub fn has_placeholder(text: &str) -> bool {
    text.match_indices(PLACEHOLDER).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + PLACEHOLDER.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// What [`strings_in_table`] calls: the key a string is under (an array's
/// key for its elements), the string and the span of its literal.
pub trait StringVisitor: FnMut(&str, &str, Range<usize>) {}
impl<F: FnMut(&str, &str, Range<usize>)> StringVisitor for F {}

/// Calls `f` with every string value of a TOML table.
pub fn strings_in_table(table: &toml_edit::Table, f: &mut impl StringVisitor) {
    for (key, item) in table.iter() {
        strings_in_item(key, item, f);
    }
}

fn strings_in_item(key: &str, item: &toml_edit::Item, f: &mut impl StringVisitor) {
    match item {
        toml_edit::Item::Value(value) => strings_in_value(key, value, f),
        toml_edit::Item::Table(table) => strings_in_table(table, f),
        toml_edit::Item::ArrayOfTables(array) => {
            for table in array.iter() {
                strings_in_table(table, f);
            }
        }
        toml_edit::Item::None => {}
    }
}

fn strings_in_value(key: &str, value: &toml_edit::Value, f: &mut impl StringVisitor) {
    match value {
        toml_edit::Value::String(text) => f(key, text.value(), value.span().unwrap_or(0..0)),
        toml_edit::Value::Array(array) => {
            for value in array.iter() {
                strings_in_value(key, value, f);
            }
        }
        toml_edit::Value::InlineTable(table) => {
            for (key, value) in table.iter() {
                strings_in_value(key, value, f);
            }
        }
        _ => {}
    }
}

/// Why an http(s) or mailto address cannot be right, if it cannot.
/// (Other schemes are errors of their own.)
pub fn malformed_url(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if let Some(address) = lower.strip_prefix("mailto:") {
        let (user, host) = address.split_once('@')?;
        return (user.is_empty() || !host.contains('.'))
            .then(|| format!("`{url}` is not an e-mail address"));
    }
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!("`{url}` contains spaces"));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    let labels_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if !labels_ok || !(host.contains('.') || host == "localhost") {
        return Some(format!("`{url}` has no valid host name"));
    }
    None
}

/// Whether every day `date` can mean is after `today`.
pub fn is_future(date: &PartialDate, today: &PartialDate) -> bool {
    let key = |d: &PartialDate| (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1));
    key(date) > key(today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_no_host_or_spaces_are_malformed() {
        assert_eq!(malformed_url("https://example.org/a?b#c"), None);
        assert_eq!(malformed_url("http://paper.people.com.cn/rmrb/x.htm"), None);
        assert_eq!(malformed_url("mailto:desk@example.org"), None);
        assert!(malformed_url("https://").is_some());
        assert!(malformed_url("https://exa mple.org").is_some());
        assert!(malformed_url("http://nodot/").is_some());
        assert!(malformed_url("https://-bad-.org").is_some());
        assert!(malformed_url("mailto:nobody").is_none(), "no @: not judged");
        assert!(malformed_url("mailto:a@b").is_some());
    }

    #[test]
    fn alt_text_that_is_empty_or_a_file_name_is_poor() {
        let path = "images/IMG_2041.jpeg";
        for alt in ["", "  ", "IMG_2041.jpeg", "img_2041", "photo.PNG"] {
            assert!(poor_alt(alt, path).is_some(), "{alt:?}");
        }
        for alt in [
            "A highway running across a plain towards mountains.",
            "Map of the region (map.png in the original report).",
            "Kremlin",
        ] {
            assert!(poor_alt(alt, path).is_none(), "{alt:?}");
        }
    }

    #[test]
    fn placeholders_are_whole_words() {
        assert!(has_placeholder("TODO: the headline"));
        assert!(has_placeholder("https://example.org/TODO"));
        assert!(!has_placeholder("TODOS and MASTODON"));
    }

    #[test]
    fn future_is_judged_at_the_earliest_day() {
        let today = PartialDate::parse("2026-11-27").unwrap();
        assert!(!is_future(&PartialDate::parse("2026-11").unwrap(), &today));
        assert!(!is_future(&PartialDate::parse("2026").unwrap(), &today));
        assert!(is_future(
            &PartialDate::parse("2026-11-28").unwrap(),
            &today
        ));
        assert!(is_future(&PartialDate::parse("2027").unwrap(), &today));
    }
}
