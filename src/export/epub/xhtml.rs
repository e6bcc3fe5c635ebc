//! Web pages made EPUB chapters: parsed as browsers parse them (html5ever,
//! through `scraper`) and written back as well-formed XHTML, with the
//! print edition's page breaks marked in the text.
//!
//! A page break is found by its text: the first words of each printed
//! page (see [`crate::typeset::pagination`]) are looked for in the
//! chapters' text after the previous break, compared by letters and
//! digits alone (case, punctuation, spacing, hyphenation and note markers
//! differ between the two settings of the same words).

use ego_tree::NodeRef;
use scraper::{Html, Node};

use crate::typeset::pagination::PageStart;

/// Elements written without content (`<br/>`).
const VOID: [&str; 13] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// A page break to mark: before byte `offset` of a chapter's text node
/// number `text` (text nodes counted in document order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub text: usize,
    pub offset: usize,
    /// The folio as printed.
    pub label: String,
    /// The marker's id (unique in the book).
    pub id: String,
}

/// A heading of a chapter, for the navigation document.
#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A place in the book's text: chapter, text node, byte offset.
#[derive(Debug, Clone, Copy)]
struct Spot {
    chapter: usize,
    text: usize,
    offset: usize,
}

/// The text of the chapters' `<main>` as letters and digits only, in
/// lower case, with where each came from.
struct Letters<'a> {
    folded: String,
    /// For each byte offset in `folded` where a character starts, its
    /// spot (sorted by offset).
    spots: Vec<(usize, Spot)>,
    /// Each chapter's text nodes, in document order (a spot's `text`
    /// indexes them).
    texts: Vec<Vec<&'a str>>,
}

impl<'a> Letters<'a> {
    fn of(chapters: &[&'a Html]) -> Self {
        let mut letters = Letters {
            folded: String::new(),
            spots: Vec::new(),
            texts: Vec::new(),
        };
        for (chapter, html) in chapters.iter().enumerate() {
            letters.texts.push(Vec::new());
            letters.walk(html.tree.root(), chapter, false);
        }
        letters
    }

    fn walk(&mut self, node: NodeRef<'a, Node>, chapter: usize, in_main: bool) {
        match node.value() {
            Node::Text(text) => {
                let index = self.texts[chapter].len();
                if in_main {
                    for (offset, c) in text.char_indices() {
                        for folded in fold(c) {
                            let spot = Spot {
                                chapter,
                                text: index,
                                offset,
                            };
                            self.spots.push((self.folded.len(), spot));
                            self.folded.push(folded);
                        }
                    }
                }
                self.texts[chapter].push(text);
            }
            Node::Element(element) => {
                // Style and script text is counted, never read.
                let in_main = match element.name() {
                    "script" | "style" => false,
                    "main" => true,
                    _ => in_main,
                };
                for child in node.children() {
                    self.walk(child, chapter, in_main);
                }
            }
            _ => {
                for child in node.children() {
                    self.walk(child, chapter, in_main);
                }
            }
        }
    }

    /// The start of the word `spot` falls in, within its text node: a page
    /// that begins with the tail of a hyphenated word is marked before the
    /// whole word.
    fn word_start(&self, spot: Spot) -> usize {
        let Some(text) = self.texts[spot.chapter].get(spot.text) else {
            return spot.offset;
        };
        text[..spot.offset.min(text.len())]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(at, c)| at + c.len_utf8())
    }

    /// The spot of the character at byte `at` of `folded`.
    fn spot(&self, at: usize) -> Option<Spot> {
        let index = self.spots.partition_point(|(offset, _)| *offset < at);
        self.spots.get(index).map(|(_, spot)| *spot)
    }
}

/// A character as compared: letters and digits, in lower case; nothing
/// for anything else.
fn fold(c: char) -> impl Iterator<Item = char> {
    c.is_alphanumeric()
        .then(|| c.to_lowercase())
        .into_iter()
        .flatten()
}

/// Words folded and joined, as [`Letters`] holds the text.
fn folded(words: &[String]) -> String {
    words
        .iter()
        .flat_map(|w| w.chars())
        .flat_map(fold)
        .collect()
}

/// The shortest run of letters a page start is looked for with, unless the
/// page has fewer: shorter runs recur too often to place a break.
const LEAST_LETTERS: usize = 12;

/// Where each page of `starts` begins in `chapters`, per chapter. A page
/// whose words are not found (a page of the PDF that the chapters do not
/// have) is marked where the previous one was.
pub fn breaks(chapters: &[&Html], starts: &[PageStart]) -> Vec<Vec<Break>> {
    let letters = Letters::of(chapters);
    let mut found: Vec<Vec<Break>> = vec![Vec::new(); chapters.len()];
    let Some(first) = letters.spots.first().map(|(_, spot)| *spot) else {
        return found;
    };
    let mut cursor = 0;
    let mut last = first;
    for start in starts {
        let place = find(&letters, &start.words, cursor);
        let spot = match place {
            Some(at) => {
                // The next page starts after this one's first letter.
                cursor = at
                    + letters.folded[at..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
                letters.spot(at).unwrap_or(last)
            }
            None => last,
        };
        last = spot;
        let offset = letters.word_start(spot);
        found[spot.chapter].push(Break {
            text: spot.text,
            offset,
            label: start.label.clone(),
            id: format!("page-{}", start.index + 1),
        });
    }
    found
}

/// Where the words begin in the folded text at or after `from`: all of
/// them, else without the first few (a page may open with words the
/// chapters print elsewhere, such as a section's band).
fn find(letters: &Letters, words: &[String], from: usize) -> Option<usize> {
    let rest = letters.folded.get(from..)?;
    for skip in 0..words.len() {
        let needle = folded(&words[skip..]);
        if needle.is_empty() || (skip > 0 && needle.chars().count() < LEAST_LETTERS) {
            break;
        }
        if let Some(at) = rest.find(&needle) {
            return Some(from + at);
        }
    }
    None
}

/// A chapter written as XHTML.
pub struct Written {
    pub xhtml: String,
    /// Its headings with ids, levels 1 and 2, inside `<main>`.
    pub headings: Vec<Heading>,
}

/// Every character a document sets: its text but style and script.
pub fn text_of_document(html: &Html) -> String {
    let mut out = String::new();
    text_below(html.tree.root(), &mut out);
    out
}

/// Appends the text of `node` and its descendants but style and script.
fn text_below(node: NodeRef<Node>, out: &mut String) {
    match node.value() {
        Node::Text(text) => out.push_str(text),
        Node::Element(element) if matches!(element.name(), "style" | "script") => {}
        _ => node.children().for_each(|child| text_below(child, out)),
    }
}

/// Writes `html` as an XHTML document in `lang`, with `breaks` marked and
/// the style sheet `stylesheet` (a link from the chapter) in its head.
pub fn write(html: &Html, breaks: &[Break], lang: &str, stylesheet: Option<&str>) -> Written {
    let mut writer = Writer {
        out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"),
        breaks,
        texts: 0,
        lang,
        stylesheet,
        headings: Vec::new(),
    };
    writer.node(html.tree.root(), false);
    writer.out.push('\n');
    Written {
        xhtml: writer.out,
        headings: writer.headings,
    }
}

struct Writer<'a> {
    out: String,
    breaks: &'a [Break],
    /// Text nodes written so far.
    texts: usize,
    lang: &'a str,
    stylesheet: Option<&'a str>,
    headings: Vec<Heading>,
}

impl Writer<'_> {
    fn node(&mut self, node: NodeRef<Node>, in_main: bool) {
        match node.value() {
            Node::Text(text) => {
                let index = self.texts;
                self.texts += 1;
                let mut from = 0;
                for mark in self.breaks.iter().filter(|b| b.text == index) {
                    let to = mark.offset.clamp(from, text.len());
                    self.out.push_str(&escape(&text[from..to], false));
                    self.out.push_str(&format!(
                        "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{}\" aria-label=\"{}\"></span>",
                        escape(&mark.id, true),
                        escape(&mark.label, true)
                    ));
                    from = to;
                }
                self.out.push_str(&escape(&text[from..], false));
            }
            Node::Element(element) => {
                let name = element.name();
                if name == "script" {
                    // Left out, its text counted as the breaks count it.
                    self.texts += node.descendants().filter(|n| n.value().is_text()).count();
                    return;
                }
                let in_main = in_main || name == "main";
                if in_main
                    && let Some(level) = heading_level(name)
                    && let Some(id) = element.attr("id")
                {
                    self.headings.push(Heading {
                        level,
                        id: id.to_string(),
                        text: text_of(node),
                    });
                }
                self.out.push('<');
                self.out.push_str(name);
                if name == "html" {
                    self.out.push_str(&format!(
                        " xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{}\"",
                        escape(self.lang, true)
                    ));
                }
                for (key, value) in element.attrs() {
                    self.out
                        .push_str(&format!(" {key}=\"{}\"", escape(value, true)));
                }
                if VOID.contains(&name) {
                    self.out.push_str("/>");
                    return;
                }
                self.out.push('>');
                for child in node.children() {
                    self.node(child, in_main);
                }
                if let (Some(href), "head") = (self.stylesheet, name) {
                    self.out.push_str(&format!(
                        "<link rel=\"stylesheet\" type=\"text/css\" href=\"{}\"/>",
                        escape(href, true)
                    ));
                }
                self.out.push_str(&format!("</{name}>"));
            }
            Node::Document | Node::Fragment => {
                for child in node.children() {
                    self.node(child, in_main);
                }
            }
            // The doctype is written first; comments are the template's.
            Node::Doctype(_) | Node::Comment(_) | Node::ProcessingInstruction(_) => {}
        }
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        _ => None,
    }
}

/// The text of an element, its spacing collapsed.
fn text_of(node: NodeRef<Node>) -> String {
    let mut text = String::new();
    text_below(node, &mut text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text escaped for XML content (or an attribute value), without the
/// characters XML 1.0 does not allow.
pub fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(index: usize, label: &str, words: &str) -> PageStart {
        PageStart {
            index,
            label: label.into(),
            words: words.split_whitespace().map(str::to_string).collect(),
        }
    }

    #[test]
    fn pages_break_before_their_first_words() {
        let html = Html::parse_document(
            "<!DOCTYPE html><html><body><header>Masthead words</header><main>\
             <h1 id=\"t\">A &amp; B</h1><p>First page text goes on with inter\u{ad}national \
             affairs and ends.<sup>[i]</sup> Then more</p><img src=\"x.png\" alt=\"\"></main></body></html>",
        );
        let starts = [
            start(0, "1", "A & B First page"),
            // A page opening on a hyphenated word's tail, a note marker set apart.
            start(1, "2", "national affairs and ends. i Then"),
        ];
        let breaks = breaks(&[&html], &starts);
        let written = write(&html, &breaks[0], "en", Some("fonts/fonts.css"));
        let xhtml = written.xhtml;
        assert!(xhtml.starts_with("<?xml"));
        assert!(xhtml.contains("<h1 id=\"t\"><span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-1\" aria-label=\"1\"></span>A &amp; B</h1>"), "{xhtml}");
        assert!(xhtml.contains("with <span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-2\" aria-label=\"2\"></span>inter"), "{xhtml}");
        // A void element is closed: `<img …/>`.
        let img = &xhtml[xhtml.find("<img ").expect("the image")..];
        assert!(img[..img.find('>').unwrap()].ends_with('/'), "{img}");
        assert!(xhtml.contains("xmlns=\"http://www.w3.org/1999/xhtml\""));
        assert!(
            xhtml.contains("href=\"fonts/fonts.css\"/></head>"),
            "{xhtml}"
        );
        assert_eq!(written.headings.len(), 1);
        assert_eq!(written.headings[0].text, "A & B");
        roxmltree::Document::parse_with_options(
            &xhtml,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .expect("well-formed");
    }

    #[test]
    fn a_page_not_found_is_marked_where_the_last_one_was() {
        let html =
            Html::parse_document("<html><body><main><p>Some words here</p></main></body></html>");
        let starts = [
            start(0, "i", "Some words"),
            start(1, "ii", "Nowhere to be found at all"),
        ];
        let breaks = breaks(&[&html], &starts);
        assert_eq!(breaks[0].len(), 2);
        assert_eq!(breaks[0][1].text, breaks[0][0].text);
        assert_eq!(breaks[0][1].offset, breaks[0][0].offset);
    }

    #[test]
    fn text_that_xml_forbids_is_left_out() {
        assert_eq!(escape("a\u{1}<b>\"", true), "a&lt;b&gt;&quot;");
    }
}
