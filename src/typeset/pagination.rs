//! Where each printed page begins: its folio and the first words of its
//! text, read from the laid-out pages, so that another edition (the EPUB)
//! can mark the print edition's page breaks in its own text.

use typst::layout::{Abs, Frame, FrameItem, Point};
use typst_layout::PagedDocument;

/// How many words of a page's text are kept: enough to find the page's
/// start in the same text set differently.
const WORDS: usize = 8;

/// The start of one numbered page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageStart {
    /// The physical page, from 0.
    pub index: usize,
    /// The folio as printed (the page numbering applied: `iii`, `7`).
    pub label: String,
    /// The first words of the page's text (running heads and folio left
    /// out), a word hyphenated across the break starting with its tail.
    pub words: Vec<String>,
}

/// The numbered pages of `document`, in order (a page numbered by a
/// function is left out: its folio cannot be known without the compiler).
pub fn page_starts(document: &PagedDocument) -> Vec<PageStart> {
    document
        .pages()
        .iter()
        .enumerate()
        .filter_map(|(index, page)| {
            // A template that prints its folio itself (a document on its
            // own) sets no numbering: its folio is the page counter.
            let label = match &page.numbering {
                Some(typst::model::Numbering::Pattern(pattern)) => {
                    pattern.apply(None, &[page.number]).ok()?.to_string()
                }
                Some(typst::model::Numbering::Func(_)) => return None,
                None => page.number.to_string(),
            };
            let mut reader = Words::default();
            if let Some((origin, body)) = body_of(&page.frame) {
                reader.read(body, origin);
            }
            Some(PageStart {
                index,
                label,
                words: reader.finish(),
            })
        })
        .collect()
}

/// The page's text area: of the frames a page is made of (background,
/// running head, text, running foot, foreground), the tallest one placed
/// below the top edge.
fn body_of(page: &Frame) -> Option<(Point, &Frame)> {
    page.items()
        .filter_map(|(pos, item)| match item {
            FrameItem::Group(group) if pos.y > Abs::zero() => Some((*pos, &group.frame)),
            _ => None,
        })
        .max_by(|a, b| a.1.height().to_raw().total_cmp(&b.1.height().to_raw()))
}

/// The words of a frame's text items, in the order they are laid out.
#[derive(Default)]
struct Words {
    text: String,
    /// Where the last item ended: its baseline and right edge.
    last: Option<(Abs, Abs)>,
    /// Whether the last line ended in a hyphenation.
    hyphenated: bool,
}

impl Words {
    fn read(&mut self, frame: &Frame, origin: Point) {
        for (pos, item) in frame.items() {
            if self.done() {
                return;
            }
            let at = origin + *pos;
            match item {
                FrameItem::Group(group) => self.read(&group.frame, at),
                FrameItem::Text(text) => {
                    // A soft hyphen ends a hyphenated line: the word goes on.
                    if text.text == "\u{ad}" {
                        self.hyphenated = true;
                        continue;
                    }
                    let joined = match self.last {
                        None => true,
                        // On the same baseline and touching: one run.
                        Some((y, right)) => {
                            ((y - at.y).abs() < Abs::pt(0.5)
                                && (at.x - right).abs() < text.size * 0.1)
                                || self.hyphenated
                        }
                    };
                    if !joined {
                        self.text.push(' ');
                    }
                    self.hyphenated = false;
                    self.text.push_str(&text.text);
                    self.last = Some((at.y, at.x + text.width()));
                }
                _ => {}
            }
        }
    }

    fn done(&self) -> bool {
        self.text.split_whitespace().count() > WORDS
    }

    fn finish(self) -> Vec<String> {
        self.text
            .split_whitespace()
            .take(WORDS)
            .map(str::to_string)
            .collect()
    }
}
