//! Reviewers' comments: `{>>RG: text<<}` in rich text and `[[comments]]`
//! entries anchored to a field. A draft prints them; a final build refuses
//! a document that still has one.

use crate::diag::Diagnostic;

/// `"RG: check this"` -> `(Some("RG"), "check this")`: a leading short name
/// (letters and digits, up to 12 characters, no spaces) before a colon is
/// the reviewer.
pub fn split_author(text: &str) -> (Option<String>, String) {
    if let Some((name, rest)) = text.split_once(':') {
        let name = name.trim();
        let short = !name.is_empty()
            && name.chars().count() <= 12
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if short && !rest.trim().is_empty() {
            return (Some(name.to_string()), rest.trim().to_string());
        }
    }
    (None, text.trim().to_string())
}

/// The error for a comment left in a final build.
pub fn unresolved(diag: Diagnostic) -> Diagnostic {
    diag.with_code("review-comment").with_hint(
        "resolve it and remove the comment (or set `resolved = true`), or build with --draft to print it",
    )
}

/// Finds `path` (`headline`, `sources.2.title`: keys, and positions from 1
/// in arrays) in a document's table.
pub fn find_field(table: &toml::Table, path: &str) -> Result<(), String> {
    let mut here = toml::Value::Table(table.clone());
    let mut walked = Vec::new();
    for part in path.split('.') {
        let next = match &here {
            toml::Value::Table(table) => table.get(part).cloned().ok_or_else(|| {
                let keys: Vec<&str> = table.keys().map(String::as_str).collect();
                let mut message = format!("the comment's field `{path}` is not in this document");
                if let Some(near) = crate::diag::closest(part, keys.iter().copied()) {
                    let mut fixed = walked.clone();
                    fixed.push(near.to_string());
                    message.push_str(&format!(" (did you mean `{}`?)", fixed.join(".")));
                }
                message
            })?,
            toml::Value::Array(items) => {
                let index: usize = part.parse().map_err(|_| {
                    format!("in `{path}`, `{part}` must be a position (from 1) in the list")
                })?;
                items.get(index.wrapping_sub(1)).cloned().ok_or_else(|| {
                    format!(
                        "the comment's field `{path}` is not in this document: the list has {} item{}",
                        items.len(),
                        if items.len() == 1 { "" } else { "s" }
                    )
                })?
            }
            _ => {
                return Err(format!(
                    "the comment's field `{path}` goes inside a value that has no fields"
                ));
            }
        };
        walked.push(part.to_string());
        here = next;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviewers_are_short_names_before_a_colon() {
        assert_eq!(
            split_author("RG: check"),
            (Some("RG".into()), "check".into())
        );
        assert_eq!(
            split_author("note: this"),
            (Some("note".into()), "this".into())
        );
        assert_eq!(split_author("see 3:2 here"), (None, "see 3:2 here".into()));
        assert_eq!(split_author("plain"), (None, "plain".into()));
    }

    #[test]
    fn fields_are_found_by_path() {
        let table: toml::Table = toml::from_str(
            "headline = \"h\"\n[[sources]]\ntitle = \"a\"\n[[sources]]\ntitle = \"b\"\n",
        )
        .unwrap();
        assert!(find_field(&table, "headline").is_ok());
        assert!(find_field(&table, "sources.2.title").is_ok());
        assert!(
            find_field(&table, "sources.3.title")
                .unwrap_err()
                .contains("the list has 2 items")
        );
        assert!(
            find_field(&table, "headlin")
                .unwrap_err()
                .contains("did you mean `headline`?")
        );
    }
}
