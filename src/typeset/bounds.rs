//! Text that does not fit its page: an unbreakable block taller than the
//! page (a pull quote of hundreds of words) or a word wider than the line
//! (a URL with a long run of letters) is laid out past the page edge, where
//! the viewer and the printer cut it. That is content lost without a word,
//! so it is an error at the TOML text it came from.

use typst::layout::{Abs, Frame, FrameItem, Point, Size, Transform};
use typst_layout::PagedDocument;

use crate::diag::Diagnostic;
use crate::load::SourceFile;

/// How far a glyph may reach past the page edge (ascenders of the last
/// line, italic overhang) before it counts as cut.
const TOLERANCE_PT: f64 = 2.0;

/// One error per page edge that text reaches past, at the first place in
/// `file` where that text is written (the document's own text, when the
/// template prints it as written). `margin` is how far outside the page
/// frame the sheet goes (in print, Typst's bleed: the bleed and the slug,
/// where the marks are).
pub fn off_page(document: &PagedDocument, file: &SourceFile, margin: Abs) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        let size = page.frame.size();
        let mut cut: Vec<(String, Edge)> = Vec::new();
        scan(&page.frame, Transform::identity(), size, margin, &mut cut);
        // The first run out at each edge: the rest of a cut paragraph
        // follows from it.
        let mut edges = Vec::new();
        for (text, edge) in cut {
            if !edges.contains(&edge) {
                edges.push(edge);
                found.push(located(file, &text, edge, index + 1));
            }
        }
    }
    found
}

/// A page edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    Top,
    Bottom,
    Left,
    Right,
}

impl Edge {
    fn name(self) -> &'static str {
        match self {
            Edge::Top => "top",
            Edge::Bottom => "bottom",
            Edge::Left => "left",
            Edge::Right => "right",
        }
    }
}

/// The text runs of a frame (placed on the page through `ts`) that reach
/// past an edge of a page of `size`.
fn scan(frame: &Frame, ts: Transform, size: Size, margin: Abs, cut: &mut Vec<(String, Edge)>) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                let inner = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(group.transform);
                scan(&group.frame, inner, size, margin, cut);
            }
            FrameItem::Text(text) => {
                let width = text.width();
                let top = pos.y - text.size * 0.8;
                let bottom = pos.y + text.size * 0.2;
                let corners = [
                    Point::new(pos.x, top),
                    Point::new(pos.x + width, top),
                    Point::new(pos.x, bottom),
                    Point::new(pos.x + width, bottom),
                ]
                .map(|corner| corner.transform(ts));
                let tolerance = Abs::pt(TOLERANCE_PT) + margin;
                let past = |edge: Edge| {
                    corners.iter().any(|c| match edge {
                        Edge::Top => c.y < -tolerance,
                        Edge::Bottom => c.y > size.y + tolerance,
                        Edge::Left => c.x < -tolerance,
                        Edge::Right => c.x > size.x + tolerance,
                    })
                };
                if let Some(edge) = [Edge::Bottom, Edge::Right, Edge::Top, Edge::Left]
                    .into_iter()
                    .find(|edge| past(*edge))
                {
                    cut.push((text.text.to_string(), edge));
                }
            }
            _ => {}
        }
    }
}

/// An error for `text` cut at `edge` of `page`, placed where the file
/// holds the text.
fn located(file: &SourceFile, text: &str, edge: Edge, page: usize) -> Diagnostic {
    let shown: String = text.trim().chars().take(60).collect();
    let message = format!(
        "text runs past the {} edge of page {page} and would be cut: \"{shown}\"",
        edge.name()
    );
    let hint = match edge {
        Edge::Bottom | Edge::Top => {
            "a block that cannot break across pages is taller than a page: shorten it"
        }
        _ => {
            "a word or link is wider than the line and cannot break: shorten it or give it a break point"
        }
    };
    // The first few words of the run, as written in the file.
    let probe: String = text.trim().chars().take(24).collect();
    let diag = match (!probe.is_empty())
        .then(|| file.text.find(probe.as_str()))
        .flatten()
    {
        Some(at) => file.error_at(at..at + probe.len(), message),
        None => Diagnostic::error(message).in_file(&file.display),
    };
    diag.with_code("off-page").with_hint(hint)
}
