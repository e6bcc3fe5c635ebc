//! How a document is listed in an output folder's catalogue, made while it
//! is prepared (typed, so the catalogue never reads the render data back).

use crate::model::Kind;
use crate::prepare::data::{CommonData, DateData, Rich, Run};

/// The catalogue's view of one document.
#[derive(Debug, Clone)]
pub struct Listing {
    pub title: String,
    pub kind: Kind,
    pub authors: Vec<String>,
    /// `None` for an undated document, listed last in its group.
    pub date: Option<DateData>,
    pub section: Option<String>,
    /// The issue a member belongs to, or an issue's own name:
    /// "OE Watch, Vol. 14, Issue 2, February 2024".
    pub issue: Option<String>,
    /// The opening words of what the document says.
    pub description: String,
}

/// The most words a description keeps.
const DESCRIPTION_WORDS: usize = 40;

impl Listing {
    /// A listing from the document's shared data, the issue it is named
    /// by and what describes it.
    pub fn new(
        kind: Kind,
        common: &CommonData,
        issue: Option<String>,
        description: String,
    ) -> Self {
        Self {
            title: common.title.clone(),
            kind,
            authors: common.authors.clone(),
            date: common.date.clone(),
            section: common.section.clone(),
            issue,
            description,
        }
    }

    /// How a member names the issue it is part of.
    pub fn issue_of(common: &CommonData) -> Option<String> {
        common
            .issue
            .as_ref()
            .map(|issue| format!("{}, {}", issue.publication, issue.label))
    }
}

/// The opening words of the first paragraph of `rich` (its text runs).
pub fn opening(rich: &Rich) -> String {
    words(
        &rich
            .first()
            .map(|runs| paragraph_text(runs))
            .unwrap_or_default(),
    )
}

/// The text runs of a paragraph, as one string.
fn paragraph_text(runs: &[Run]) -> String {
    runs.iter()
        .filter_map(|run| match run {
            Run::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// Whether the words of `quote` (a pull quote) all occur in one of
/// `texts`: compared without quotation marks, case or spacing, each piece
/// between ellipses on its own (a pull quote may leave words out).
pub fn repeats<'a>(quote: &str, texts: impl IntoIterator<Item = &'a Rich>) -> bool {
    let pieces: Vec<String> = quote
        .split(['…'])
        .flat_map(|piece| piece.split("..."))
        .map(comparable)
        .filter(|piece| !piece.is_empty())
        .collect();
    !pieces.is_empty()
        && texts.into_iter().any(|rich| {
            let text = comparable(
                &rich
                    .iter()
                    .map(|runs| paragraph_text(runs))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            pieces.iter().all(|piece| text.contains(piece.as_str()))
        })
}

/// Text as [`repeats`] compares it: lower case, words only, one space
/// between them.
fn comparable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// At most [`DESCRIPTION_WORDS`] words of `text`, an ellipsis marking a cut.
pub fn words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() > DESCRIPTION_WORDS {
        format!("{} …", words[..DESCRIPTION_WORDS].join(" "))
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rich(text: &str) -> Rich {
        vec![vec![Run::Text {
            text: text.into(),
            emph: false,
            strong: false,
            link: None,
        }]]
    }

    #[test]
    fn a_pull_quote_repeats_the_text_only_when_its_words_are_there() {
        let body = rich(
            "He said that “China firmly supports Uzbekistan in safeguarding its national sovereignty, independence,\n and territorial integrity” at the talks.",
        );
        // Quotation marks, case, line breaks and an ellipsis for words left out.
        assert!(repeats(
            "“China firmly supports Uzbekistan…territorial integrity.”",
            [&body]
        ));
        assert!(repeats("china FIRMLY supports uzbekistan", [&body]));
        assert!(!repeats("China firmly opposes Uzbekistan", [&body]));
        assert!(!repeats("“…”", [&body]), "no words, nothing repeated");
        // Each piece in the same text, not spread over two.
        let excerpt = rich("Territorial integrity matters.");
        assert!(!repeats(
            "firmly supports Uzbekistan… matters",
            [&body, &excerpt]
        ));
        assert!(repeats("Territorial integrity matters", [&body, &excerpt]));
    }
}
