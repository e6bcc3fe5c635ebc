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
/// in arrays) in a document's parsed table.
pub fn find_field(table: &toml_edit::Table, path: &str) -> Result<(), String> {
    let mut here = Node::Table(table);
    let mut walked = Vec::new();
    for part in path.split('.') {
        let next = match here {
            Node::Table(table) => table.get(part).map(Node::of_item).ok_or_else(|| {
                let keys: Vec<&str> = table.iter().map(|(key, _)| key).collect();
                let mut message = format!("the comment's field `{path}` is not in this document");
                if let Some(near) = crate::diag::closest(part, keys.iter().copied()) {
                    let mut fixed = walked.clone();
                    fixed.push(near.to_string());
                    message.push_str(&format!(" (did you mean `{}`?)", fixed.join(".")));
                }
                message
            })?,
            Node::Tables(_) | Node::Values(_) => {
                let index: usize = part.parse().map_err(|_| {
                    format!("in `{path}`, `{part}` must be a position (from 1) in the list")
                })?;
                here.element(index.wrapping_sub(1)).ok_or_else(|| {
                    let count = here.len();
                    format!(
                        "the comment's field `{path}` is not in this document: the list has {count} item{}",
                        if count == 1 { "" } else { "s" }
                    )
                })?
            }
            Node::Leaf => {
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

/// A place in a parsed document, as a field path walks it.
#[derive(Clone, Copy)]
enum Node<'a> {
    Table(&'a dyn toml_edit::TableLike),
    Tables(&'a toml_edit::ArrayOfTables),
    Values(&'a toml_edit::Array),
    Leaf,
}

impl<'a> Node<'a> {
    fn of_item(item: &'a toml_edit::Item) -> Self {
        match item {
            toml_edit::Item::Table(table) => Node::Table(table),
            toml_edit::Item::ArrayOfTables(tables) => Node::Tables(tables),
            toml_edit::Item::Value(value) => Node::of_value(value),
            toml_edit::Item::None => Node::Leaf,
        }
    }

    fn of_value(value: &'a toml_edit::Value) -> Self {
        match value {
            toml_edit::Value::InlineTable(table) => Node::Table(table),
            toml_edit::Value::Array(values) => Node::Values(values),
            _ => Node::Leaf,
        }
    }

    /// The element at `index` (from 0) of a list.
    fn element(self, index: usize) -> Option<Self> {
        match self {
            Node::Tables(tables) => tables.get(index).map(|table| Node::Table(table)),
            Node::Values(values) => values.get(index).map(Node::of_value),
            _ => None,
        }
    }

    /// How many elements a list has.
    fn len(self) -> usize {
        match self {
            Node::Tables(tables) => tables.len(),
            Node::Values(values) => values.len(),
            _ => 0,
        }
    }
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
        let document = toml_edit::ImDocument::parse(
            "headline = \"h\"\n[[sources]]\ntitle = \"a\"\n[[sources]]\ntitle = \"b\"\n",
        )
        .unwrap();
        let table = document.as_table();
        assert!(find_field(table, "headline").is_ok());
        assert!(find_field(table, "sources.2.title").is_ok());
        assert!(
            find_field(table, "sources.3.title")
                .unwrap_err()
                .contains("the list has 2 items")
        );
        assert!(
            find_field(table, "headlin")
                .unwrap_err()
                .contains("did you mean `headline`?")
        );
    }
}
