//! The magazine's web page as HTML: the same structure as its text layout
//! (headline, figure and caption, pull quote, body, headed blocks), read
//! with a real HTML parser (html5ever, through `scraper`) into the text
//! reader's paragraphs, emphasis, strong text and links kept.

use scraper::{ElementRef, Html, Node, Selector};

use super::text::{self, Para};
use super::{Draft, DraftKind, ImportError, inline};

/// Reads one article or brief from its web page.
pub fn read(html: &str, kind: Option<DraftKind>) -> Result<Draft, ImportError> {
    let document = Html::parse_document(html);
    // The article itself when the page marks it, else the whole body.
    let root = ["article", "main", "body"]
        .iter()
        .filter_map(|name| Selector::parse(name).ok())
        .find_map(|selector| document.select(&selector).next())
        .unwrap_or_else(|| document.root_element());
    let mut reader = Reader::default();
    reader.walk(root);
    reader.flush();
    let mut draft = text::from_paragraphs(reader.paras, kind, text::Blocks::Required)?;
    if reader.too_deep {
        draft.warnings.push(super::too_deep());
    }
    Ok(draft)
}

/// Paragraphs as the text layout has them: a block per paragraph, two
/// blank lines before headings, pull quotes and whatever follows them.
#[derive(Default)]
struct Reader {
    paras: Vec<Para>,
    /// The paragraph being read, in the text reader's inline form.
    current: String,
    /// Blank lines before the next paragraph.
    gap: usize,
    /// An emphasis or strong marker to open before the next visible
    /// character (so that it never opens on a space).
    pending: Vec<char>,
    /// Elements open around the one being read, and whether any went
    /// deeper than [`super::MAX_DEPTH`] (not read: the stack is finite).
    depth: usize,
    too_deep: bool,
}

/// Elements whose content is never the article's.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "button",
    "iframe", "svg", "head", "select",
];

impl Reader {
    fn walk(&mut self, element: ElementRef<'_>) {
        if self.depth >= super::MAX_DEPTH {
            self.too_deep = true;
            return;
        }
        self.depth += 1;
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.text(text),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.element(child);
                    }
                }
                _ => {}
            }
        }
        self.depth -= 1;
    }

    fn element(&mut self, element: ElementRef<'_>) {
        let name = element.value().name();
        if SKIPPED.contains(&name) {
            return;
        }
        match name {
            "h1" => {
                self.block(0, element);
                self.gap = 1;
            }
            "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.block(2, element);
                self.gap = 1;
            }
            "blockquote" => {
                self.flush();
                self.gap = 2;
                self.walk(element);
                self.flush();
                self.gap = 2;
            }
            "figure" => {
                self.flush();
                self.walk(element);
                self.flush();
                self.gap = 2;
            }
            "img" => {
                // The page shows an image's description, as its text copy
                // does, on a line of its own.
                if let Some(alt) = element.value().attr("alt").filter(|a| !a.trim().is_empty()) {
                    self.flush();
                    self.current.push_str(alt);
                    self.flush();
                }
            }
            "p" | "figcaption" | "div" | "section" | "header" | "dt" | "dd" | "pre" | "address"
            | "td" | "th" | "tr" | "table" | "ul" | "ol" | "dl" => {
                self.flush();
                self.walk(element);
                self.flush();
            }
            "li" => {
                self.flush();
                self.current.push_str("• ");
                self.walk(element);
                self.flush();
            }
            "br" => self.current.push('\n'),
            "em" | "i" | "cite" => self.styled(inline::EMPH, element),
            "strong" | "b" => self.styled(inline::STRONG, element),
            "a" => self.link(element),
            _ => self.walk(element),
        }
    }

    /// A heading: a paragraph of its own.
    fn block(&mut self, gap: usize, element: ElementRef<'_>) {
        self.flush();
        if !self.paras.is_empty() {
            self.gap = self.gap.max(gap);
        }
        self.walk(element);
        self.flush();
    }

    fn text(&mut self, text: &str) {
        let text = inline::without_markers(text);
        if text.trim().is_empty() {
            if !text.is_empty() && !self.current.ends_with(char::is_whitespace) {
                self.current.push(' ');
            }
            return;
        }
        let lead = text.len() - text.trim_start().len();
        self.current.push_str(&text[..lead]);
        for marker in self.pending.drain(..) {
            self.current.push(marker);
        }
        self.current.push_str(&text[lead..]);
    }

    /// Emphasis or strong text: markers around what it shows, never
    /// around spaces, none when it shows nothing.
    fn styled(&mut self, marker: char, element: ElementRef<'_>) {
        let mark = self.current.len();
        self.pending.push(marker);
        self.walk(element);
        if self.pending.last() == Some(&marker) {
            // Nothing visible came: no markers.
            self.pending.pop();
            return;
        }
        let trimmed = self.current.trim_end().len().max(mark);
        let tail = self.current.split_off(trimmed);
        self.current.push(marker);
        self.current.push_str(&tail);
    }

    /// A link: its text, and its target when that is a web or mail
    /// address other than the text itself (a bare URL is linked anyway).
    fn link(&mut self, element: ElementRef<'_>) {
        let href = element
            .value()
            .attr("href")
            .unwrap_or("")
            .trim()
            .to_string();
        let label: String = element.text().collect();
        let linkable = href.starts_with("https://")
            || href.starts_with("http://")
            || href.starts_with("mailto:");
        if !linkable || label.trim() == href || label.trim().is_empty() {
            self.walk(element);
            return;
        }
        self.text("");
        let lead: Vec<char> = std::mem::take(&mut self.pending);
        self.current.extend(lead);
        self.current.push(inline::LINK_OPEN);
        self.walk(element);
        self.current.push(inline::LINK_URL);
        self.current.push_str(&inline::without_markers(&href));
        self.current.push(inline::LINK_CLOSE);
    }

    /// Ends the paragraph being read.
    fn flush(&mut self) {
        self.pending.clear();
        let text: Vec<String> = self
            .current
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|line| !line.is_empty())
            .collect();
        self.current.clear();
        if text.is_empty() {
            return;
        }
        self.paras.push(Para {
            text: text.join("\n"),
            gap: self.gap,
        });
        self.gap = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_and_links_are_kept_as_markup() {
        let draft = read(
            r#"<html><body><nav>Menu</nav><article>
            <h1>A <i>headline</i></h1>
            <p>The site <em> Kloop </em>reports, see <a href="https://kloop.kg/x">this <b>story</b></a> and https://a.org/.[i]</p>
            <h4>Notes:</h4><p>[i] A note with <em>italics</em>.</p>
            <script>alert(1)</script></article></body></html>"#,
            None,
        )
        .unwrap();
        assert_eq!(draft.title, "A headline");
        assert_eq!(
            draft.body,
            [
                "The site *Kloop* reports, see [this **story**](https://kloop.kg/x) and https://a.org/.[^i]"
            ]
        );
        assert_eq!(
            draft.notes,
            [("i".to_string(), "A note with *italics*.".to_string())]
        );
    }
}
