//! Emphasis, strong text and links a reader found in the source (HTML,
//! Word), carried through the text reader's string handling as
//! private-use characters and turned into the inline markup (or dropped,
//! for plain fields) only at the end. The source's own characters in that
//! range are removed when it is read, so a marker is always the reader's.

/// Toggles emphasis (`*…*`).
pub const EMPH: char = '\u{E000}';
/// Toggles strong text (`**…**`).
pub const STRONG: char = '\u{E001}';
/// Opens a link's text.
pub const LINK_OPEN: char = '\u{E002}';
/// Ends a link's text and starts its target.
pub const LINK_URL: char = '\u{E003}';
/// Ends a link's target.
pub const LINK_CLOSE: char = '\u{E004}';
/// A `[` of the source's text, where a reader places endnote references
/// of its own as `[key]` (Word): never read as a marker.
pub const LITERAL_BRACKET: char = '\u{E005}';

fn is_marker(c: char) -> bool {
    matches!(
        c,
        EMPH | STRONG | LINK_OPEN | LINK_URL | LINK_CLOSE | LITERAL_BRACKET
    )
}

/// The source's text with the characters the markers use removed.
pub fn without_markers(text: &str) -> String {
    text.chars().filter(|&c| !is_marker(c)).collect()
}

/// A plain field: the text shown, markers and link targets dropped.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_target = false;
    for c in text.chars() {
        match c {
            LINK_URL => in_target = true,
            LINK_CLOSE => in_target = false,
            LITERAL_BRACKET if !in_target => out.push('['),
            c if is_marker(c) || in_target => {}
            c => out.push(c),
        }
    }
    out
}

/// A rich field: markers as the inline markup, every other character the
/// markup would read escaped.
pub fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_target = false;
    for c in text.chars() {
        match c {
            LITERAL_BRACKET => out.push_str("\\["),
            EMPH => out.push('*'),
            STRONG => out.push_str("**"),
            LINK_OPEN => out.push('['),
            LINK_URL => {
                out.push_str("](");
                in_target = true;
            }
            LINK_CLOSE => {
                out.push(')');
                in_target = false;
            }
            // A target as the markup reads it: no spaces, parentheses
            // encoded so that none ends it early.
            ' ' if in_target => out.push_str("%20"),
            '(' if in_target => out.push_str("%28"),
            ')' if in_target => out.push_str("%29"),
            c if in_target => out.push(c),
            '\\' | '*' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_markup_or_vanish() {
        let text =
            format!("a {EMPH}b{EMPH} {LINK_OPEN}c *{LINK_URL}https://x.org/a (b){LINK_CLOSE} [d]");
        assert_eq!(
            markup(&text),
            "a *b* [c \\*](https://x.org/a%20%28b%29) \\[d\\]"
        );
        assert_eq!(plain(&text), "a b c * [d]");
        assert_eq!(without_markers("a\u{E000}b\u{E004}"), "ab");
    }
}
