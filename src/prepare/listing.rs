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
    let plain: String = rich
        .first()
        .map(|runs| {
            runs.iter()
                .filter_map(|run| match run {
                    Run::Text { text, .. } => Some(text.as_str()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    words(&plain)
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
