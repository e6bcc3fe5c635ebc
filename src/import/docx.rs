//! Word manuscripts (`.docx`): the package read with caps (entries and
//! inflated bytes, so that a zip bomb stops early), its XML parts with
//! roxmltree. The document's paragraphs become the text reader's
//! paragraphs by their styles (Title or the first paragraph the headline,
//! Caption the caption, Quote the pull quote, headings Sources, Notes,
//! Image Information and Key Takeaways the blocks, list items bullets);
//! Word's endnotes and footnotes become `[^n]` references with their
//! notes, the first inline image the lead image, tracked changes are taken
//! as accepted (with a warning), and Word's comments become `[[comments]]`.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use roxmltree::{Document, Node};

use super::inline::{EMPH, LINK_CLOSE, LINK_OPEN, LINK_URL, LITERAL_BRACKET, STRONG};
use super::text::{self, Para};
use super::{Draft, DraftImage, DraftKind, ImportError, collapse};

/// The most a manuscript may inflate to, all parts together.
pub const MAX_INFLATED: u64 = 64 * 1024 * 1024;
/// The most parts a manuscript may have.
pub const MAX_ENTRIES: usize = 1000;

/// Reads a Word manuscript.
pub fn read(bytes: &[u8], kind: Option<DraftKind>) -> Result<Draft, ImportError> {
    let mut package = Package::open(bytes)?;
    let document = package.text("word/document.xml")?.ok_or_else(|| {
        ImportError("not a Word document: the zip has no word/document.xml".into())
    })?;
    let links = package.relationships("word/_rels/document.xml.rels")?;
    let mut notes = NoteTexts::default();
    for (part, rels, kind) in [
        (
            "word/endnotes.xml",
            "word/_rels/endnotes.xml.rels",
            "endnote",
        ),
        (
            "word/footnotes.xml",
            "word/_rels/footnotes.xml.rels",
            "footnote",
        ),
    ] {
        if let Some(xml) = package.text(part)? {
            let rels = package.relationships(rels)?;
            notes.read(&xml, kind, &rels)?;
        }
    }
    let comments = match package.text("word/comments.xml")? {
        Some(xml) => read_comments(&xml)?,
        None => Vec::new(),
    };
    let xml = parse(&document, "word/document.xml")?;
    let body = xml
        .descendants()
        .find(|n| is(n, "body"))
        .ok_or_else(|| ImportError("word/document.xml has no body".into()))?;
    let mut reader = Reader::new(&links);
    let paragraphs = reader.paragraphs(body);
    let mut layout = Layout {
        numbers: reader
            .order
            .iter()
            .enumerate()
            .map(|(n, (kind, id))| (format!("{kind}:{id}"), n + 1))
            .collect(),
        ..Layout::default()
    };
    for paragraph in paragraphs {
        layout.place(paragraph);
    }
    let mut paras = std::mem::take(&mut layout.paras);
    paras.append(&mut layout.headed);
    if !reader.order.is_empty() {
        paras.push(Para {
            text: "Notes:".into(),
            gap: 2,
        });
        for (n, (kind, id)) in reader.order.iter().enumerate() {
            let text = notes
                .text
                .get(&(*kind, id.clone()))
                .cloned()
                .unwrap_or_default();
            for (i, part) in text.split("\n\n").enumerate() {
                paras.push(Para {
                    text: if i == 0 {
                        format!("[{}] {part}", n + 1)
                    } else {
                        part.to_string()
                    },
                    gap: 1,
                });
            }
        }
    }
    let mut draft = text::from_paragraphs(paras, kind, text::Blocks::Optional)?;
    if reader.too_deep || notes.too_deep {
        draft.warnings.push(super::too_deep());
    }
    if reader.tracked {
        draft.warnings.push(
            "the manuscript has tracked changes: they were imported as accepted (insertions \
             kept, deletions left out); check the text"
                .into(),
        );
    }
    if reader.more_images > 0 {
        draft.unplaced.push(format!(
            "{} more image(s) in the manuscript: only the first becomes the lead image",
            reader.more_images
        ));
    }
    if let Some(found) = reader.image {
        place_image(&mut draft, &mut package, &links, found)?;
    }
    for comment in comments {
        let field = reader
            .comment_fields
            .get(&comment.id)
            .map(|block| layout.field_of(*block, draft.kind))
            .unwrap_or("body");
        draft
            .reviews
            .push((field.to_string(), comment.by, comment.text));
    }
    Ok(draft)
}

/// The zip, read part by part within the caps.
struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Bytes still allowed to inflate.
    budget: u64,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, ImportError> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|err| {
            ImportError(format!("not a readable .docx: the zip is damaged ({err})"))
        })?;
        if archive.len() > MAX_ENTRIES {
            return Err(ImportError(format!(
                "the .docx has {} parts, more than the {MAX_ENTRIES} a manuscript may have \
                 (a zip bomb?)",
                archive.len()
            )));
        }
        let declared = archive.decompressed_size().unwrap_or(u128::MAX);
        if declared > u128::from(MAX_INFLATED) {
            return Err(ImportError(format!(
                "the .docx would inflate to more than {} MB (a zip bomb?)",
                MAX_INFLATED / 1024 / 1024
            )));
        }
        Ok(Self {
            archive,
            budget: MAX_INFLATED,
        })
    }

    /// A part's bytes, `None` when the package has no such part.
    fn bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let file = match self.archive.by_name(name) {
            Ok(file) => file,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(err) => {
                return Err(ImportError(format!(
                    "cannot read {name} from the .docx: {err}"
                )));
            }
        };
        let mut data = Vec::new();
        // Sizes in the zip may lie: what is inflated is counted.
        file.take(self.budget + 1)
            .read_to_end(&mut data)
            .map_err(|err| ImportError(format!("cannot inflate {name} from the .docx: {err}")))?;
        if data.len() as u64 > self.budget {
            return Err(ImportError(format!(
                "the .docx inflates to more than {} MB (a zip bomb?)",
                MAX_INFLATED / 1024 / 1024
            )));
        }
        self.budget -= data.len() as u64;
        Ok(Some(data))
    }

    fn text(&mut self, name: &str) -> Result<Option<String>, ImportError> {
        self.bytes(name)?
            .map(|bytes| {
                String::from_utf8(bytes)
                    .map_err(|_| ImportError(format!("{name} in the .docx is not UTF-8")))
            })
            .transpose()
    }

    /// A part's relationships: id to target and whether it is external.
    fn relationships(&mut self, name: &str) -> Result<HashMap<String, String>, ImportError> {
        let Some(xml) = self.text(name)? else {
            return Ok(HashMap::new());
        };
        let doc = parse(&xml, name)?;
        Ok(doc
            .descendants()
            .filter(|n| is(n, "Relationship"))
            .filter_map(|n| {
                Some((
                    n.attribute("Id")?.to_string(),
                    n.attribute("Target")?.to_string(),
                ))
            })
            .collect())
    }
}

fn parse<'x>(xml: &'x str, name: &str) -> Result<Document<'x>, ImportError> {
    Document::parse(xml)
        .map_err(|err| ImportError(format!("{name} in the .docx is not XML: {err}")))
}

/// Whether `node` is the element `name` (in whatever namespace: Word's
/// parts use a few).
fn is(node: &Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

/// An attribute by its local name (`w:val` as `val`).
fn attr<'n>(node: &Node<'n, '_>, name: &str) -> Option<&'n str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

/// A run property that is on: `<w:i/>`, `<w:i w:val="true"/>`, not `"0"`.
fn on(props: Option<Node>, name: &str) -> bool {
    props
        .and_then(|p| p.children().find(|c| is(c, name)))
        .is_some_and(|n| !matches!(attr(&n, "val"), Some("0" | "false" | "off" | "none")))
}

/// A piece of a paragraph with its style.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text {
        text: String,
        emph: bool,
        strong: bool,
        link: Option<String>,
    },
    /// Word's reference to a note: `endnote` or `footnote`, and its id.
    Note(&'static str, String),
}

/// The text of Word's endnotes and footnotes, by kind and id.
#[derive(Default)]
struct NoteTexts {
    text: HashMap<(&'static str, String), String>,
    /// Whether a note was nested too deep to be read whole.
    too_deep: bool,
}

impl NoteTexts {
    fn read(
        &mut self,
        xml: &str,
        kind: &'static str,
        links: &HashMap<String, String>,
    ) -> Result<(), ImportError> {
        let doc = parse(xml, kind)?;
        let mut reader = Reader::new(links);
        for note in doc.root_element().children().filter(|n| is(n, kind)) {
            // Separators are Word's own, not notes.
            if attr(&note, "type").is_some_and(|t| t != "normal") {
                continue;
            }
            let Some(id) = attr(&note, "id") else {
                continue;
            };
            let paragraphs: Vec<String> = reader
                .paragraphs(note)
                .into_iter()
                .map(|p| p.text)
                .filter(|t| !t.trim().is_empty())
                .collect();
            self.text
                .insert((kind, id.to_string()), paragraphs.join("\n\n"));
        }
        Ok(())
    }
}

/// A comment of Word's.
struct WordComment {
    id: String,
    by: String,
    text: String,
}

fn read_comments(xml: &str) -> Result<Vec<WordComment>, ImportError> {
    let doc = parse(xml, "word/comments.xml")?;
    Ok(doc
        .root_element()
        .children()
        .filter(|n| is(n, "comment"))
        .filter_map(|comment| {
            let text: Vec<String> = comment
                .descendants()
                .filter(|n| is(n, "p"))
                .map(|p| {
                    p.descendants()
                        .filter(|t| is(t, "t"))
                        .filter_map(|t| t.text())
                        .collect::<String>()
                })
                .filter(|t| !t.trim().is_empty())
                .collect();
            let by = attr(&comment, "initials")
                .or_else(|| attr(&comment, "author"))
                .unwrap_or("Word")
                .to_string();
            Some(WordComment {
                id: attr(&comment, "id")?.to_string(),
                by,
                text: collapse(&text.join(" ")),
            })
        })
        .collect())
}

/// A paragraph of the manuscript as read.
#[derive(Debug, Default)]
struct Paragraph {
    style: Style,
    /// In the text reader's inline form.
    text: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Style {
    #[default]
    Normal,
    Title,
    Heading,
    Caption,
    Quote,
    ListItem,
}

/// The lead image as found: its relationship id and description.
struct FoundImage {
    id: String,
    description: Option<String>,
}

struct Reader<'r> {
    links: &'r HashMap<String, String>,
    /// Notes in the order of their first reference.
    order: Vec<(&'static str, String)>,
    tracked: bool,
    image: Option<FoundImage>,
    more_images: usize,
    /// The block (paragraph index) each comment is anchored in.
    comment_fields: HashMap<String, usize>,
    /// Elements open around the one being read, and whether any went
    /// deeper than the reader goes.
    depth: usize,
    too_deep: bool,
}

impl<'r> Reader<'r> {
    fn new(links: &'r HashMap<String, String>) -> Self {
        Reader {
            links,
            order: Vec::new(),
            tracked: false,
            image: None,
            more_images: 0,
            comment_fields: HashMap::new(),
            depth: 0,
            too_deep: false,
        }
    }

    /// One level deeper into the XML, unless that is deeper than
    /// [`super::MAX_DEPTH`] (then the content is not read, and said so).
    fn enter(&mut self) -> bool {
        if self.depth >= super::MAX_DEPTH {
            self.too_deep = true;
            return false;
        }
        self.depth += 1;
        true
    }

    /// The paragraphs under `node` (body, a note, table cells, content
    /// controls), in order.
    fn paragraphs(&mut self, node: Node) -> Vec<Paragraph> {
        let mut out = Vec::new();
        self.collect(node, &mut out);
        out
    }

    fn collect(&mut self, node: Node, out: &mut Vec<Paragraph>) {
        if !self.enter() {
            return;
        }
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "p" => {
                    let paragraph = self.paragraph(child, out.len());
                    out.push(paragraph);
                }
                "del" | "moveFrom" => self.tracked = true,
                "ins" | "moveTo" => {
                    self.tracked = true;
                    self.collect(child, out);
                }
                "tbl" | "tr" | "tc" | "sdt" | "sdtContent" | "customXml" | "txbxContent" => {
                    self.collect(child, out)
                }
                _ => {}
            }
        }
        self.depth -= 1;
    }

    fn paragraph(&mut self, node: Node, index: usize) -> Paragraph {
        let props = node.children().find(|c| is(c, "pPr"));
        let style_name = props
            .and_then(|p| p.children().find(|c| is(c, "pStyle")))
            .and_then(|s| attr(&s, "val"))
            .unwrap_or("")
            .to_lowercase()
            .replace([' ', '-'], "");
        let listed = props.is_some_and(|p| p.children().any(|c| is(&c, "numPr")));
        let outline = props
            .and_then(|p| p.children().find(|c| is(c, "outlineLvl")))
            .is_some();
        let style = if style_name == "title" {
            Style::Title
        } else if style_name.starts_with("heading") || outline {
            Style::Heading
        } else if style_name == "caption" {
            Style::Caption
        } else if style_name.contains("quote") {
            Style::Quote
        } else if listed || style_name.starts_with("list") {
            Style::ListItem
        } else {
            Style::Normal
        };
        let mut pieces = Vec::new();
        let mut comments = Vec::new();
        let mut fields: Vec<Option<String>> = Vec::new();
        self.inline(node, None, &mut fields, &mut pieces, &mut comments);
        for id in &comments {
            self.comment_fields.insert(id.clone(), index);
        }
        Paragraph {
            style,
            text: render(&pieces),
        }
    }

    /// The runs under `node`, with the link they are in; `fields` is the
    /// stack of complex fields open (a HYPERLINK field's target once its
    /// instruction is read).
    fn inline(
        &mut self,
        node: Node,
        link: Option<&str>,
        fields: &mut Vec<Option<String>>,
        pieces: &mut Vec<Piece>,
        comments: &mut Vec<String>,
    ) {
        if !self.enter() {
            return;
        }
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "r" => self.run(child, link, fields, pieces),
                "hyperlink" => {
                    let target = attr(&child, "id")
                        .and_then(|id| self.links.get(id))
                        .map(String::as_str);
                    self.inline(child, target.or(link), fields, pieces, comments);
                }
                "fldSimple" => {
                    let target = attr(&child, "instr").and_then(hyperlink_target);
                    self.inline(child, target.as_deref().or(link), fields, pieces, comments);
                }
                "ins" | "moveTo" => {
                    self.tracked = true;
                    self.inline(child, link, fields, pieces, comments);
                }
                "del" | "moveFrom" => self.tracked = true,
                "smartTag" | "customXml" | "sdt" | "sdtContent" => {
                    self.inline(child, link, fields, pieces, comments)
                }
                "commentRangeStart" => {
                    if let Some(id) = attr(&child, "id") {
                        comments.push(id.to_string());
                    }
                }
                _ => {}
            }
        }
        self.depth -= 1;
    }

    fn run(
        &mut self,
        run: Node,
        link: Option<&str>,
        fields: &mut Vec<Option<String>>,
        pieces: &mut Vec<Piece>,
    ) {
        let props = run.children().find(|c| is(c, "rPr"));
        let emph = on(props, "i");
        let strong = on(props, "b");
        for child in run.children().filter(Node::is_element) {
            let field_link = fields.iter().rev().flatten().next().map(String::as_str);
            let link = field_link.or(link).map(str::to_string);
            let mut push = |text: String| {
                pieces.push(Piece::Text {
                    text,
                    emph,
                    strong,
                    link: link.clone(),
                })
            };
            match child.tag_name().name() {
                "t" => push(child.text().unwrap_or("").to_string()),
                "tab" => push(" ".into()),
                "br" | "cr" => push("\n".into()),
                "noBreakHyphen" => push("\u{2011}".into()),
                "fldChar" => match attr(&child, "fldCharType") {
                    Some("begin") => fields.push(Some(String::new())),
                    Some("separate") => {
                        if let Some(last) = fields.last_mut() {
                            *last = last.as_deref().and_then(hyperlink_target);
                        }
                    }
                    Some("end") => {
                        fields.pop();
                    }
                    _ => {}
                },
                "instrText" => {
                    if let Some(Some(instruction)) = fields.last_mut() {
                        instruction.push_str(child.text().unwrap_or(""));
                    }
                }
                "endnoteReference" | "footnoteReference" => {
                    let kind = if child.tag_name().name() == "endnoteReference" {
                        "endnote"
                    } else {
                        "footnote"
                    };
                    if let Some(id) = attr(&child, "id") {
                        let key = (kind, id.to_string());
                        if !self.order.contains(&key) {
                            self.order.push(key.clone());
                        }
                        pieces.push(Piece::Note(kind, id.to_string()));
                    }
                }
                "drawing" | "pict" => self.drawing(child),
                _ => {}
            }
        }
    }

    /// An image: the first becomes the lead image.
    fn drawing(&mut self, node: Node) {
        let Some(id) = node
            .descendants()
            .find(|n| is(n, "blip"))
            .and_then(|blip| attr(&blip, "embed"))
        else {
            return;
        };
        if self.image.is_some() {
            self.more_images += 1;
            return;
        }
        let description = node
            .descendants()
            .find(|n| is(n, "docPr"))
            .and_then(|d| attr(&d, "descr").or_else(|| attr(&d, "title")))
            .map(collapse)
            .filter(|d| !d.is_empty());
        self.image = Some(FoundImage {
            id: id.to_string(),
            description,
        });
    }
}

/// The target of `HYPERLINK "https://…"` (a field's instruction).
fn hyperlink_target(instruction: &str) -> Option<String> {
    let rest = instruction.trim().strip_prefix("HYPERLINK")?.trim();
    let target = rest
        .strip_prefix('"')
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| rest.split_whitespace().next().unwrap_or(""));
    (!target.is_empty() && !target.starts_with('\\')).then(|| target.to_string())
}

/// Pieces in the text reader's inline form: emphasis and strong text as
/// markers around what they show (never around spaces), links as link
/// markers unless they show their own address, note references as
/// `[n]`, the source's own `[` kept from being read as one.
fn render(pieces: &[Piece]) -> String {
    // Neighbouring pieces of one style are one.
    let mut merged: Vec<Piece> = Vec::new();
    for piece in pieces {
        match (merged.last_mut(), piece) {
            (
                Some(Piece::Text {
                    text,
                    emph,
                    strong,
                    link,
                }),
                Piece::Text {
                    text: more,
                    emph: e,
                    strong: s,
                    link: l,
                },
            ) if emph == e && strong == s && link == l => text.push_str(more),
            _ => merged.push(piece.clone()),
        }
    }
    let mut out = String::new();
    let mut index = 0;
    while index < merged.len() {
        let link = match &merged[index] {
            Piece::Text { link, .. } => link.clone(),
            Piece::Note(..) => None,
        };
        // The run of pieces in this link.
        let mut end = index;
        while end < merged.len()
            && matches!(&merged[end], Piece::Text { link: l, .. } if *l == link)
            && link.is_some()
        {
            end += 1;
        }
        if let Some(url) = link.filter(|_| end > index) {
            let shown: String = merged[index..end]
                .iter()
                .map(|p| match p {
                    Piece::Text { text, .. } => text.as_str(),
                    Piece::Note(..) => "",
                })
                .collect();
            let linkable = url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with("mailto:");
            if linkable && shown.trim() != url {
                out.push(LINK_OPEN);
                for piece in &merged[index..end] {
                    styled(piece, &mut out);
                }
                out.push(LINK_URL);
                out.push_str(&url);
                out.push(LINK_CLOSE);
            } else {
                for piece in &merged[index..end] {
                    styled(piece, &mut out);
                }
            }
            index = end;
        } else {
            styled(&merged[index], &mut out);
            index += 1;
        }
    }
    out
}

fn styled(piece: &Piece, out: &mut String) {
    match piece {
        Piece::Note(kind, id) => out.push_str(&format!("{NOTE}{kind}:{id}{NOTE}")),
        Piece::Text {
            text, emph, strong, ..
        } => {
            let text = text.replace('[', &LITERAL_BRACKET.to_string());
            let core = text.trim();
            if core.is_empty() || !(*emph || *strong) {
                out.push_str(&text);
                return;
            }
            let lead = &text[..text.len() - text.trim_start().len()];
            let trail = &text[text.trim_end().len()..];
            let marks: String = [(*strong, STRONG), (*emph, EMPH)]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, m)| *m)
                .collect();
            out.push_str(lead);
            out.push_str(&marks);
            out.push_str(core);
            out.extend(marks.chars().rev());
            out.push_str(trail);
        }
    }
}

/// Which block of the text layout the manuscript's paragraphs go to, with
/// the blank lines the text reader reads that from.
#[derive(Default)]
struct Layout {
    /// Headline, caption, pull quote and body, in the text layout's order.
    paras: Vec<Para>,
    /// The headed blocks (Sources, Notes, ...), which the text layout has
    /// after the body, wherever the manuscript has them.
    headed: Vec<Para>,
    /// The block each manuscript paragraph went into, by its index.
    blocks: Vec<Block>,
    titled: bool,
    in_body: bool,
    /// After a block heading (Sources, Notes, ...).
    in_block: Option<Block>,
    /// Note references (`kind:id`) by their number.
    numbers: HashMap<String, usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Title,
    Caption,
    PullQuote,
    Body,
    Sources,
    Notes,
    ImageInformation,
    Takeaways,
}

impl Layout {
    fn place(&mut self, paragraph: Paragraph) {
        let plain = collapse(&paragraph.text);
        // The same heading names the text layout knows.
        let heading_block = text::Block::of_heading(&plain).map(|block| match block {
            text::Block::Sources => Block::Sources,
            text::Block::Notes => Block::Notes,
            text::Block::ImageInformation => Block::ImageInformation,
            text::Block::KeyTakeaways => Block::Takeaways,
        });
        if plain.is_empty() {
            self.blocks.push(self.in_block.unwrap_or(Block::Body));
            return;
        }
        // Line breaks matter in the headed blocks (Image Information has
        // a line per field); elsewhere they are spaces.
        let lines = restore_notes(&paragraph.text, &self.numbers);
        let text = lines.replace('\n', " ");
        if !self.titled {
            self.titled = true;
            self.blocks.push(Block::Title);
            self.push(text, 0);
            return;
        }
        if let Some(block) = heading_block {
            self.in_block = Some(block);
            self.in_body = true;
            self.blocks.push(block);
            self.headed.push(Para {
                text: format!("{}:", plain.trim_end_matches(':')),
                gap: 2,
            });
            return;
        }
        // A paragraph that is not a bullet ends the Key Takeaways list.
        if self.in_block == Some(Block::Takeaways) && paragraph.style != Style::ListItem {
            self.in_block = None;
        }
        if let Some(block) = self.in_block {
            self.blocks.push(block);
            let text = if paragraph.style == Style::ListItem {
                format!("• {text}")
            } else {
                lines
            };
            self.headed.push(Para { text, gap: 1 });
            return;
        }
        match paragraph.style {
            Style::Caption if !self.in_body => {
                self.blocks.push(Block::Caption);
                self.push(text, 1);
            }
            Style::Quote if !self.in_body => {
                self.blocks.push(Block::PullQuote);
                self.push(text, 2);
            }
            Style::Title | Style::Heading => {
                // An article has no sections: a heading in the body is
                // kept as a paragraph in bold.
                self.blocks.push(Block::Body);
                let gap = if self.in_body { 1 } else { 2 };
                self.in_body = true;
                self.push(format!("{STRONG}{}{STRONG}", text.trim()), gap);
            }
            _ => {
                self.blocks.push(Block::Body);
                let gap = if self.in_body { 1 } else { 2 };
                self.in_body = true;
                let text = if paragraph.style == Style::ListItem {
                    format!("• {text}")
                } else {
                    text
                };
                self.push(text, gap);
            }
        }
    }

    fn push(&mut self, text: String, gap: usize) {
        self.paras.push(Para { text, gap });
    }

    /// The field a comment anchored in manuscript paragraph `index` is on.
    fn field_of(&self, index: usize, kind: DraftKind) -> &'static str {
        match self.blocks.get(index).copied().unwrap_or(Block::Body) {
            Block::Title if kind == DraftKind::Brief => "title",
            Block::Title => "headline",
            Block::Caption => "image.caption",
            Block::PullQuote => "pull_quote",
            Block::Body => "body",
            Block::Sources => "sources",
            Block::Notes => "notes",
            Block::ImageInformation => "image",
            Block::Takeaways => "takeaways",
        }
    }
}

/// Note references (written as `\u{E006}kind:id\u{E006}` while reading)
/// as the `[n]` markers the text reader ties to the notes appended after
/// the text, numbered in the order of their first reference.
fn restore_notes(text: &str, numbers: &HashMap<String, usize>) -> String {
    let mut out = String::new();
    let mut parts = text.split(NOTE);
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    while let (Some(reference), Some(after)) = (parts.next(), parts.next()) {
        if let Some(n) = numbers.get(reference) {
            out.push_str(&format!("[{n}]"));
        }
        out.push_str(after);
    }
    out
}

/// Encloses a note reference while the manuscript is read.
const NOTE: char = '\u{E006}';

/// The lead image: its bytes from the package, written beside the
/// document under `images/`, its description as the alt text.
fn place_image(
    draft: &mut Draft,
    package: &mut Package,
    links: &HashMap<String, String>,
    found: FoundImage,
) -> Result<(), ImportError> {
    let Some(target) = links.get(&found.id) else {
        return Ok(());
    };
    let part = format!(
        "word/{}",
        target.trim_start_matches("./").trim_start_matches('/')
    );
    let part = part.replace("word/word/", "word/");
    let Some(bytes) = package.bytes(&part)? else {
        draft.unplaced.push(format!(
            "an image the manuscript names ({target}) is not in it"
        ));
        return Ok(());
    };
    let extension = target
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_else(|| "png".into());
    let path = format!("images/{}.{extension}", text::slug(&draft.title));
    let image = draft.image.get_or_insert_with(DraftImage::default);
    image.path = path.clone();
    let described = found.description.is_some();
    match found.description {
        Some(description) => image.alt = description,
        None if image.alt.is_empty() => image.alt = image.caption.clone(),
        None => {}
    }
    let uncaptioned = image.caption.is_empty();
    if uncaptioned {
        image.caption = crate::model::common::PLACEHOLDER.to_string();
    }
    draft.comments.retain(|(field, _)| field != "image.path");
    if described {
        draft.comments.retain(|(field, _)| field != "image.alt");
    } else if !draft.comments.iter().any(|(f, _)| f == "image.alt") {
        draft.guess(
            "image.alt",
            "the picture has no description in the manuscript (Word: Edit Alt Text): \
             describe what the image shows",
        );
    }
    if uncaptioned {
        draft.guess(
            "image.caption",
            "no caption paragraph (style Caption) follows the picture: write the caption",
        );
    }
    draft.files.push((path, bytes));
    Ok(())
}
