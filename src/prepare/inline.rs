//! The small inline markup of rich-text fields, parsed into runs.
//!
//! Accepted, and nothing else: `*emphasis*`, `**strong**`, `[text](url)`
//! with an http, https or mailto URL, endnote references `[^key]`, bare
//! `http(s)://` URLs (made into links), reviewer comments `{>>RG: text<<}`
//! (margin notes in a draft, errors in a final build), and `\` before one
//! of `\ * [ ] ( ) ^` to print that character. Paragraphs are separated by blank lines; other
//! whitespace collapses to one space. Every other character, `#`, `$`, `@`,
//! `<`, a line starting with `-` or `1.` included, is text.

use std::ops::Range;

/// A piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text {
        text: String,
        emph: bool,
        strong: bool,
        link: Option<String>,
    },
    /// A reference to the endnote `key`; `span` is the `[^key]` marker's
    /// byte range in the field.
    NoteRef { key: String, span: Range<usize> },
    /// A reviewer's comment, as written between `{>>` and `<<}`; `span` is
    /// the whole comment's byte range in the field.
    Comment { text: String, span: Range<usize> },
}

/// A markup error at a byte range of the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineError {
    pub span: Range<usize>,
    pub message: String,
}

/// Characters that `\` turns into plain text.
const ESCAPABLE: &[char] = &['\\', '*', '[', ']', '(', ')', '^'];

/// Parses a rich-text field into paragraphs of runs.
pub fn parse(text: &str) -> Result<Vec<Vec<Inline>>, InlineError> {
    paragraphs(text)
        .into_iter()
        .map(|range| {
            let tokens = tokenize(text, range, true)?;
            Ok(build(tokens))
        })
        .collect()
}

/// Byte ranges of the paragraphs: runs of lines between blank lines.
fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut result = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                result.push(s..end);
            }
        } else {
            let lead = line.len() - line.trim_start().len();
            start.get_or_insert(offset + lead);
            end = offset + line.trim_end().len();
        }
        offset += line.len();
    }
    if let Some(s) = start {
        result.push(s..end);
    }
    result
}

#[derive(Debug)]
enum Token {
    Text(String),
    /// A run of `*`: how many are left unmatched, whether it may open or
    /// close emphasis, and the pairings made (as +1 emph / +2 strong deltas).
    Stars {
        count: usize,
        can_open: bool,
        can_close: bool,
        opens: Vec<usize>,
        closes: Vec<usize>,
    },
    Link {
        url: String,
        runs: Vec<Inline>,
    },
    NoteRef {
        key: String,
        span: Range<usize>,
    },
    Comment {
        text: String,
        span: Range<usize>,
    },
}

fn tokenize(text: &str, range: Range<usize>, allow_links: bool) -> Result<Vec<Token>, InlineError> {
    let mut tokens = Vec::new();
    let mut plain = String::new();
    let mut pos = range.start;
    let end = range.end;
    let flush = |plain: &mut String, tokens: &mut Vec<Token>| {
        if !plain.is_empty() {
            tokens.push(Token::Text(std::mem::take(plain)));
        }
    };
    while pos < end {
        let rest = &text[pos..end];
        let c = rest.chars().next().unwrap_or(' ');
        if c == '\\' {
            let next = rest[1..].chars().next();
            match next {
                Some(n) if ESCAPABLE.contains(&n) => {
                    plain.push(n);
                    pos += 1 + n.len_utf8();
                }
                _ => {
                    plain.push('\\');
                    pos += 1;
                }
            }
        } else if c.is_whitespace() {
            let run = rest.len() - rest.trim_start().len();
            plain.push(' ');
            pos += run;
        } else if c == '*' {
            let count = rest.bytes().take_while(|&b| b == b'*').count();
            let before = text[range.start..pos].chars().next_back();
            let after = rest[count..].chars().next();
            let can_open = after.is_some_and(|a| !a.is_whitespace());
            let can_close = before.is_some_and(|b| !b.is_whitespace());
            flush(&mut plain, &mut tokens);
            tokens.push(Token::Stars {
                count,
                can_open,
                can_close,
                opens: vec![],
                closes: vec![],
            });
            pos += count;
        } else if let Some(close) = rest.strip_prefix("{>>").and_then(|_| rest.find("<<}")) {
            // An unclosed `{>>` is text, as an unmatched `[` is.
            flush(&mut plain, &mut tokens);
            tokens.push(Token::Comment {
                text: rest[3..close]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                span: pos..pos + close + 3,
            });
            pos += close + 3;
        } else if c == '[' && rest.starts_with("[^") {
            let key_len = rest[2..]
                .find(|ch: char| !(ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.')))
                .unwrap_or(rest.len() - 2);
            if key_len > 0 && rest[2 + key_len..].starts_with(']') {
                flush(&mut plain, &mut tokens);
                let span = pos..pos + key_len + 3;
                tokens.push(Token::NoteRef {
                    key: rest[2..2 + key_len].to_string(),
                    span,
                });
                pos += key_len + 3;
            } else {
                plain.push('[');
                pos += 1;
            }
        } else if c == '[' && allow_links {
            match link_at(text, pos, end)? {
                Some((label, url, next)) => {
                    flush(&mut plain, &mut tokens);
                    let runs = build(tokenize(text, label, false)?);
                    tokens.push(Token::Link { url, runs });
                    pos = next;
                }
                None => {
                    plain.push('[');
                    pos += 1;
                }
            }
        } else if allow_links
            && (rest.starts_with("https://") || rest.starts_with("http://"))
            && text[range.start..pos]
                .chars()
                .next_back()
                .is_none_or(|b| !b.is_alphanumeric())
        {
            let url = bare_url(rest);
            flush(&mut plain, &mut tokens);
            tokens.push(Token::Link {
                url: url.to_string(),
                runs: vec![Inline::Text {
                    text: url.to_string(),
                    emph: false,
                    strong: false,
                    link: None,
                }],
            });
            pos += url.len();
        } else {
            plain.push(c);
            pos += c.len_utf8();
        }
    }
    flush(&mut plain, &mut tokens);
    Ok(tokens)
}

/// Recognises `[label](url)` at `start`: the label's range, the URL and the
/// position after the closing parenthesis. `None` when the brackets are not a
/// link (they are then text); an error when they are a link to a URL of a
/// scheme we do not allow.
fn link_at(
    text: &str,
    start: usize,
    end: usize,
) -> Result<Option<(Range<usize>, String, usize)>, InlineError> {
    let bytes = text.as_bytes();
    let mut depth = 0;
    let mut i = start;
    let close = loop {
        if i >= end {
            return Ok(None);
        }
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break i;
                }
            }
            _ => {}
        }
        i += 1;
    };
    if !text[close + 1..end].starts_with('(') {
        return Ok(None);
    }
    let url_start = close + 2;
    // URLs may hold balanced parentheses (Wikipedia's do).
    let mut parens = 0usize;
    let url_len = text[url_start..end]
        .char_indices()
        .find_map(|(i, ch)| match ch {
            '(' => {
                parens += 1;
                None
            }
            ')' if parens == 0 => Some(i),
            ')' => {
                parens -= 1;
                None
            }
            _ => None,
        });
    let Some(url_len) = url_len else {
        return Ok(None);
    };
    let url = &text[url_start..url_start + url_len];
    if url.is_empty() || url.contains(char::is_whitespace) {
        return Ok(None);
    }
    if !allowed_link(url) {
        return Err(InlineError {
            span: url_start..url_start + url_len,
            message: format!("link to `{url}`: links may only use http, https or mailto addresses"),
        });
    }
    Ok(Some((
        start + 1..close,
        url.to_string(),
        url_start + url_len + 1,
    )))
}

/// Whether a link target is one a reader's PDF viewer may safely open.
pub fn allowed_link(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let after = |p| lower.strip_prefix(p).is_some_and(|s: &str| !s.is_empty());
    after("https://") || after("http://") || after("mailto:")
}

/// The URL at the start of `text`, without trailing punctuation that ends the
/// sentence around it.
fn bare_url(text: &str) -> &str {
    let mut url = &text[..text.find(char::is_whitespace).unwrap_or(text.len())];
    loop {
        let trimmed =
            url.trim_end_matches(['.', ',', ';', ':', '!', '?', '"', '\'', '”', '’', '»']);
        let trimmed = if trimmed.ends_with(')')
            && trimmed.matches('(').count() < trimmed.matches(')').count()
        {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            return url;
        }
        url = trimmed;
    }
}

/// Pairs emphasis delimiters and turns the tokens into styled runs.
fn build(mut tokens: Vec<Token>) -> Vec<Inline> {
    // Match closers with the nearest earlier opener, as Markdown does;
    // unmatched stars stay text.
    for closer in 0..tokens.len() {
        while let Token::Stars {
            count: count @ 1..,
            can_close: true,
            ..
        } = tokens[closer]
        {
            let opener = (0..closer).rev().find_map(|o| match tokens[o] {
                Token::Stars {
                    count: c @ 1..,
                    can_open: true,
                    ..
                } => Some((o, c)),
                _ => None,
            });
            let Some((opener, open_count)) = opener else {
                break;
            };
            let used = if count >= 2 && open_count >= 2 { 2 } else { 1 };
            if let Token::Stars { count, opens, .. } = &mut tokens[opener] {
                *count -= used;
                opens.push(used);
            }
            if let Token::Stars { count, closes, .. } = &mut tokens[closer] {
                *count -= used;
                closes.push(used);
            }
        }
    }

    let mut runs: Vec<Inline> = Vec::new();
    let (mut emph, mut strong) = (0usize, 0usize);
    let push_text =
        |runs: &mut Vec<Inline>, text: &str, emph: bool, strong: bool, link: Option<&str>| {
            if text.is_empty() {
                return;
            }
            if let Some(Inline::Text {
                text: last,
                emph: e,
                strong: s,
                link: l,
            }) = runs.last_mut()
                && *e == emph
                && *s == strong
                && l.as_deref() == link
            {
                last.push_str(text);
                return;
            }
            runs.push(Inline::Text {
                text: text.to_string(),
                emph,
                strong,
                link: link.map(str::to_string),
            });
        };
    let adjust = |depth: &mut (usize, usize), used: usize, open: bool| {
        let slot = if used == 2 {
            &mut depth.1
        } else {
            &mut depth.0
        };
        if open {
            *slot += 1;
        } else {
            *slot = slot.saturating_sub(1);
        }
    };
    for token in tokens {
        match token {
            Token::Text(text) => push_text(&mut runs, &text, emph > 0, strong > 0, None),
            Token::Stars {
                count,
                opens,
                closes,
                ..
            } => {
                let mut depth = (emph, strong);
                for used in closes {
                    adjust(&mut depth, used, false);
                }
                // Closers come before the leftover stars, openers after.
                (emph, strong) = depth;
                push_text(&mut runs, &"*".repeat(count), emph > 0, strong > 0, None);
                for used in opens.into_iter().rev() {
                    adjust(&mut depth, used, true);
                }
                (emph, strong) = depth;
            }
            Token::Link { url, runs: label } => {
                for run in label {
                    match run {
                        Inline::Text {
                            text,
                            emph: e,
                            strong: s,
                            ..
                        } => {
                            push_text(&mut runs, &text, e || emph > 0, s || strong > 0, Some(&url))
                        }
                        // A comment inside a link's text is still a comment.
                        comment @ Inline::Comment { .. } => runs.push(comment),
                        Inline::NoteRef { .. } => {}
                    }
                }
            }
            Token::NoteRef { key, span } => runs.push(Inline::NoteRef { key, span }),
            Token::Comment { text, span } => runs.push(Inline::Comment { text, span }),
        }
    }
    // Whitespace at paragraph edges is not content.
    if let Some(Inline::Text { text, .. }) = runs.first_mut() {
        *text = text.trim_start().to_string();
    }
    if let Some(Inline::Text { text, .. }) = runs.last_mut() {
        *text = text.trim_end().to_string();
    }
    runs.retain(|r| !matches!(r, Inline::Text { text, .. } if text.is_empty()));
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Inline {
        Inline::Text {
            text: t.into(),
            emph: false,
            strong: false,
            link: None,
        }
    }
    fn styled(t: &str, emph: bool, strong: bool) -> Inline {
        Inline::Text {
            text: t.into(),
            emph,
            strong,
            link: None,
        }
    }
    fn linked(t: &str, url: &str, emph: bool, strong: bool) -> Inline {
        Inline::Text {
            text: t.into(),
            emph,
            strong,
            link: Some(url.into()),
        }
    }
    fn one(input: &str) -> Vec<Inline> {
        let mut paras = parse(input).unwrap();
        assert_eq!(paras.len(), 1, "{input}: {paras:?}");
        paras.remove(0)
    }

    #[test]
    fn review_comments_are_runs_of_their_own() {
        let text_ = "Text{>>RG: check
  the designation<<} more [see {>>x<<}](https://a.org).";
        let runs = &parse(text_).unwrap()[0];
        assert_eq!(runs[0], text("Text"));
        assert_eq!(
            runs[1],
            Inline::Comment {
                text: "RG: check the designation".into(),
                span: 4..37,
            }
        );
        // The rest of the paragraph goes on after the comment's `<<}`, and a
        // comment in a link's text keeps its place in the field.
        assert_eq!(
            runs[2..],
            [
                text(" more "),
                Inline::Text {
                    text: "see ".into(),
                    emph: false,
                    strong: false,
                    link: Some("https://a.org".into()),
                },
                Inline::Comment {
                    text: "x".into(),
                    span: 48..55,
                },
                text("."),
            ]
        );
        assert_eq!(parse("a {>>open").unwrap()[0], vec![text("a {>>open")]);
    }

    #[test]
    fn typst_and_markdown_syntax_is_text() {
        let input = "#read(\"/etc/passwd\") $x$ ] <lbl> @ref // # - 1. _a_ ` ~ \\LaTeX";
        assert_eq!(one(input), vec![text(input)]);
        assert_eq!(one("# Heading"), vec![text("# Heading")]);
        assert_eq!(one("- item\n1. item"), vec![text("- item 1. item")]);
    }

    #[test]
    fn emphasis_and_strong() {
        assert_eq!(
            one("a *b* **c** ***d***"),
            vec![
                text("a "),
                styled("b", true, false),
                text(" "),
                styled("c", false, true),
                text(" "),
                styled("d", true, true)
            ]
        );
        assert_eq!(one("5 * 3 * 2"), vec![text("5 * 3 * 2")]);
        assert_eq!(one("*open only"), vec![text("*open only")]);
        assert_eq!(one("\\*not\\*"), vec![text("*not*")]);
        // Uneven runs pair what they can; the rest prints, styled as the
        // text around it.
        assert_eq!(one("**a*"), [text("*"), styled("a", true, false)]);
        assert_eq!(one("*a**"), [styled("a", true, false), text("*")]);
        assert_eq!(one("**a * b**"), [styled("a * b", false, true)]);
        assert_eq!(one("*a ** b*"), [styled("a ** b", true, false)]);
        // A link's text takes the emphasis around the link and keeps its own.
        let linked = |t: &str, emph: bool, strong: bool| linked(t, "https://a.org", emph, strong);
        assert_eq!(
            one("*see [the **report**](https://a.org) now*"),
            [
                styled("see ", true, false),
                linked("the ", true, false),
                linked("report", true, true),
                styled(" now", true, false),
            ]
        );
        assert_eq!(one("**[a](https://a.org)**"), [linked("a", false, true)]);
        assert_eq!(
            one("[*a* b](https://a.org)"),
            [linked("a", true, false), linked(" b", false, false)]
        );
    }

    #[test]
    fn links_and_bare_urls() {
        let runs = one("see [the *report*](https://example.org/a_(b)) now");
        assert_eq!(runs.len(), 4, "{runs:?}");
        assert_eq!(runs[3], text(" now"));
        assert!(
            matches!(&runs[1], Inline::Text { text, link: Some(l), emph: false, .. }
            if text == "the " && l == "https://example.org/a_(b)")
        );
        let runs = one("At https://kloop.kg/x/. Then");
        assert!(matches!(&runs[1], Inline::Text { text, link: Some(l), .. }
            if text == "https://kloop.kg/x/" && l == "https://kloop.kg/x/"));
        assert_eq!(runs[2], text(". Then"));
        // A bare URL keeps its own balanced parentheses, not the sentence's.
        let link = |url: &str| linked(url, url, false, false);
        assert_eq!(
            one("(at https://x.org/a_(b))."),
            [text("(at "), link("https://x.org/a_(b)"), text(").")]
        );
        assert_eq!(
            one("(at https://x.org/a)"),
            [text("(at "), link("https://x.org/a"), text(")")]
        );
        assert_eq!(one("[RG1] stays"), vec![text("[RG1] stays")]);
        // An escaped bracket does not close the link's text.
        assert_eq!(
            one("[a \\] b](https://x.org)"),
            [linked("a ] b", "https://x.org", false, false)]
        );
        // Brackets before an empty target, or one with a space, are text.
        assert_eq!(
            one("[x]() [y](mailto:a b)"),
            [text("[x]() [y](mailto:a b)")]
        );
        let err = parse("[x](javascript:alert(1))").unwrap_err();
        assert!(err.message.contains("http, https or mailto"), "{err:?}");
        let err = parse("[x](file:///etc/passwd)").unwrap_err();
        assert_eq!(err.span, 4..22);
    }

    #[test]
    fn a_link_needs_an_address_after_its_scheme() {
        for (url, allowed) in [
            ("https://", false),
            ("https://a", true),
            ("http://", false),
            ("http://a", true),
            ("HTTPS://A.ORG", true),
            ("mailto:", false),
            ("mailto:a", true),
            ("ftp://a.org", false),
            ("javascript:x", false),
            ("", false),
        ] {
            assert_eq!(allowed_link(url), allowed, "{url}");
        }
    }

    #[test]
    fn note_references_keep_their_span() {
        let runs = one("Evils,”[^three-evils] operation");
        assert_eq!(
            runs,
            [
                text("Evils,”"),
                Inline::NoteRef {
                    key: "three-evils".into(),
                    span: 9..23
                },
                text(" operation"),
            ]
        );
        assert_eq!(one("[^] and [^ x]"), vec![text("[^] and [^ x]")]);
        // A key running to the paragraph's end (through a two-byte letter)
        // is no reference.
        assert_eq!(one("see [^aé"), vec![text("see [^aé")]);
    }

    #[test]
    fn paragraphs_split_on_blank_lines_and_whitespace_collapses() {
        let paras = parse("\n  first line\n  continues  here\n\n \nsecond\n").unwrap();
        assert_eq!(
            paras,
            vec![
                vec![text("first line continues here")],
                vec![text("second")]
            ]
        );
    }
}
