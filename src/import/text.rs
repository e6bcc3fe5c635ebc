//! The magazine's web page as an editor copies its text: headline, caption
//! lines, pull quote and body (runs of paragraphs set apart by two blank
//! lines), then blocks under `Sources:` (or `Source:`), `Notes:`, `Image
//! Information:` and, in a brief, `Key Takeaways:`.

use super::{Draft, DraftImage, DraftKind, DraftSource, ImportError, collapse, lang, rich};
use crate::model::common::PartialDate;
use crate::prepare::mistakes;

/// A paragraph of the source: lines between blank lines, with how many
/// blank lines came before it (the page sets its parts apart by two).
#[derive(Debug, Clone)]
pub struct Para {
    /// The paragraph's lines, as written (with a reader's inline markers,
    /// see [`super::inline`]).
    pub text: String,
    pub gap: usize,
}

/// The headed blocks the layout has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Sources,
    Notes,
    ImageInformation,
    KeyTakeaways,
}

impl Block {
    /// The block a heading line starts (`Sources:`, `Notes`, ...), if any.
    pub fn of_heading(line: &str) -> Option<Block> {
        let name = line.trim().trim_end_matches(':').trim().to_lowercase();
        match name.as_str() {
            "sources" | "source" | "references" => Some(Block::Sources),
            "notes" | "note" | "endnotes" => Some(Block::Notes),
            "image information" | "image info" => Some(Block::ImageInformation),
            "key takeaways" | "key takeaway" => Some(Block::KeyTakeaways),
            _ => None,
        }
    }
}

/// Reads one article or brief in the web page's text layout. `kind`
/// `None`: a brief when it has Key Takeaways, else an article.
pub fn read(text: &str, kind: Option<DraftKind>) -> Result<Draft, ImportError> {
    let text = super::inline::without_markers(text.trim_start_matches('\u{feff}'));
    from_paragraphs(
        paragraphs(&text.replace("\r\n", "\n")),
        kind,
        Blocks::Required,
    )
}

/// Whether a source must have the layout's headed blocks to be taken for
/// an article: a text or web page must (they are what tells an article
/// from any other text); a Word manuscript's styles say it anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocks {
    Required,
    Optional,
}

/// The layout's paragraphs (from the text, from a page's HTML, from a
/// manuscript's styles) into a draft.
pub fn from_paragraphs(
    paras: Vec<Para>,
    kind: Option<DraftKind>,
    blocks_needed: Blocks,
) -> Result<Draft, ImportError> {
    let mut front = Vec::new();
    let mut blocks: Vec<(Block, Vec<Para>)> = Vec::new();
    for para in paras {
        let single_line = !para.text.contains('\n');
        match Block::of_heading(&para.text).filter(|_| single_line) {
            Some(block) => blocks.push((block, Vec::new())),
            None => match blocks.last_mut() {
                Some((_, paras)) => paras.push(para),
                None => front.push(para),
            },
        }
    }
    if blocks.is_empty() && blocks_needed == Blocks::Required {
        return Err(ImportError(
            "found none of the blocks of the magazine's article layout: no line `Sources:`, \
             `Notes:`, `Image Information:` or `Key Takeaways:` (import reads an article or \
             brief as copied from the magazine's web page)"
                .into(),
        ));
    }
    if front.is_empty() {
        return Err(ImportError(
            "found no headline: no text comes before the first block heading, or there is no text at all".into(),
        ));
    }
    let has_takeaways = blocks.iter().any(|(b, _)| *b == Block::KeyTakeaways);
    let mut draft = Draft {
        kind: kind.unwrap_or(if has_takeaways {
            DraftKind::Brief
        } else {
            DraftKind::Article
        }),
        ..Draft::default()
    };

    let mut notes_raw = Vec::new();
    let mut image_info = Vec::new();
    let mut takeaways_raw = Vec::new();
    for (block, paras) in blocks {
        match block {
            Block::Sources => read_sources(&mut draft, paras),
            Block::Notes => notes_raw.extend(paras),
            Block::ImageInformation => image_info.extend(paras),
            Block::KeyTakeaways => takeaways_raw.extend(paras),
        }
    }
    let notes = read_notes(&mut draft, notes_raw);
    read_front(&mut draft, front, !image_info.is_empty());
    read_image_information(&mut draft, image_info);
    read_takeaways(&mut draft, takeaways_raw);
    tie_notes(&mut draft, notes);
    italicise_outlets(&mut draft);
    check_pull_quote(&mut draft);
    if draft.kind == DraftKind::Brief && draft.date.is_none() {
        draft.guess(
            "date",
            "the source gives no date, and a brief needs one: replace TODO with the \
             brief's date",
        );
    }
    Ok(draft)
}

fn paragraphs(text: &str) -> Vec<Para> {
    let mut result = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut blank = 0;
    let mut gap = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            if !lines.is_empty() {
                result.push(Para {
                    text: lines.join("\n"),
                    gap,
                });
                lines.clear();
                blank = 0;
            }
            blank += 1;
        } else {
            if lines.is_empty() {
                gap = blank;
            }
            lines.push(line.trim());
        }
    }
    if !lines.is_empty() {
        result.push(Para {
            text: lines.join("\n"),
            gap,
        });
    }
    result
}

/// Headline (with authors and a date in parentheses after it, as the page
/// lists briefs), caption lines, pull quote and body.
fn read_front(draft: &mut Draft, front: Vec<Para>, has_image_information: bool) {
    let mut paras = front.into_iter();
    let Some(first) = paras.next() else { return };
    let (title, authors, date) = title_line(&collapse(&first.text));
    draft.title = title;
    draft.authors = authors;
    draft.date = date;
    let mut rest: Vec<Para> = Vec::new();
    for para in paras {
        if is_web_furniture(&para.text) {
            draft.unplaced.push(para.text);
        } else {
            rest.push(para);
        }
    }
    if draft.kind == DraftKind::Brief {
        draft.body = rest.iter().map(|p| p.text.clone()).collect();
        return;
    }
    // Runs of paragraphs set apart by two blank lines: the caption lines
    // belong with the headline, then the pull quote, then the body.
    let mut runs: Vec<Vec<Para>> = vec![Vec::new()];
    for para in rest {
        if para.gap >= 2 {
            runs.push(Vec::new());
        }
        if let Some(run) = runs.last_mut() {
            run.push(para);
        }
    }
    let captions = runs.remove(0);
    match runs.len() {
        0 => {
            // No two-line gaps: a short first paragraph is taken as the
            // caption when the page has image information, and the rest
            // as body.
            let mut paras = captions.into_iter().peekable();
            if has_image_information
                && paras
                    .peek()
                    .is_some_and(|p| collapse(&p.text).split(' ').count() <= 30)
                && let Some(caption) = paras.next()
            {
                caption_from(draft, &[caption]);
                draft.guess(
                    "image.caption",
                    "taken as the caption because it is the short paragraph after \
                     the headline (the page did not set it apart): check it",
                );
            }
            draft.body = paras.map(|p| p.text).collect();
        }
        1 => {
            caption_from(draft, &captions);
            draft.body = runs.remove(0).into_iter().map(|p| p.text).collect();
        }
        _ => {
            caption_from(draft, &captions);
            let quote = runs.remove(0);
            draft.pull_quote = Some(collapse(
                &quote
                    .iter()
                    .map(|p| p.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ));
            draft.body = runs.into_iter().flatten().map(|p| p.text).collect();
        }
    }
}

/// A line of the page's furniture, not of the article.
fn is_web_furniture(text: &str) -> bool {
    let text = collapse(text).to_lowercase();
    text.starts_with("(click image to download") || text.starts_with("(click here to download")
}

/// `Title (Author and Author) (January 2024)`: the title, the authors and
/// the date, each only when present.
fn title_line(line: &str) -> (String, Vec<String>, Option<String>) {
    let mut title = line.trim().to_string();
    let mut authors = Vec::new();
    let mut date = None;
    for _ in 0..2 {
        let Some((before, inside)) = trailing_parenthesis(&title) else {
            break;
        };
        if date.is_none()
            && authors.is_empty()
            && let Some(found) = date_of(inside)
        {
            date = Some(found);
        } else if authors.is_empty() && looks_like_names(inside) {
            authors = names(inside);
        } else {
            break;
        }
        title = before.trim_end().to_string();
    }
    (title, authors, date)
}

/// `Matthew Stein and Peter Wood`, `A. B, C. D and E. F`.
fn looks_like_names(text: &str) -> bool {
    let people = names(text);
    !people.is_empty()
        && people.iter().all(|name| {
            let words: Vec<&str> = name.split(' ').collect();
            (2..=4).contains(&words.len())
                && words
                    .iter()
                    .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        })
}

fn names(text: &str) -> Vec<String> {
    text.split([',', '&'])
        .flat_map(|part| part.split(" and "))
        .map(collapse)
        .filter(|name| !name.is_empty())
        .collect()
}

/// The text before a final `( … )` and inside it, the parentheses
/// balanced.
fn trailing_parenthesis(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_end();
    if !text.ends_with(')') {
        return None;
    }
    let mut depth = 0;
    for (at, c) in text.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&text[..at], &text[at + 1..text.len() - 1]));
                }
            }
            _ => {}
        }
    }
    None
}

/// The caption lines after the headline: the web page repeats the caption
/// (once as the image's title, once below it); a different first line is
/// the image's description.
fn caption_from(draft: &mut Draft, lines: &[Para]) {
    let mut distinct: Vec<String> = Vec::new();
    for para in lines {
        for line in para.text.lines() {
            let line = collapse(line);
            if !line.is_empty() && !distinct.contains(&line) {
                distinct.push(line);
            }
        }
    }
    let Some(caption) = distinct.pop() else {
        return;
    };
    let image = draft.image.get_or_insert_with(DraftImage::default);
    image.caption = caption;
    if let Some(alt) = distinct.pop() {
        image.alt = alt;
    }
    for line in distinct {
        draft.unplaced.push(line);
    }
}

/// `Image:`, `Source:`, `Attribution:` (or `Credit:`, `License:`) lines.
fn read_image_information(draft: &mut Draft, paras: Vec<Para>) {
    let mut listed_caption = None;
    let mut source = None;
    let mut license = None;
    let mut credit = None;
    for para in paras {
        for line in para.text.lines() {
            let Some((key, value)) = line.split_once(':') else {
                draft.unplaced.push(line.to_string());
                continue;
            };
            let value = collapse(value);
            match key.trim().to_lowercase().as_str() {
                "image" | "caption" => listed_caption = Some(value),
                "source" | "url" => source = Some(value),
                "attribution" | "license" | "licence" => license = Some(value),
                "credit" | "photo" | "photographer" => credit = Some(value),
                _ => draft.unplaced.push(line.to_string()),
            }
        }
    }
    if listed_caption.is_none() && source.is_none() && draft.image.is_none() {
        return;
    }
    let image = draft.image.get_or_insert_with(DraftImage::default);
    if let Some(listed) = listed_caption {
        if image.caption.is_empty() {
            image.caption = listed;
        } else if image.caption.trim_end_matches('.') != listed.trim_end_matches('.') {
            draft.unplaced.push(format!("Image: {listed}"));
            draft.comments.push((
                "image.caption".into(),
                format!(
                    "Image Information calls the image “{listed}”; the caption \
                     under it is kept: check which is right"
                ),
            ));
        }
    }
    image.source = source;
    image.license = license;
    image.credit = credit;
    let image = image.clone();
    if image.alt.is_empty() {
        if let Some(image) = draft.image.as_mut() {
            image.alt = image.caption.clone();
        }
        draft.guess(
            "image.alt",
            "the page gives no description of the image; the caption stands in for \
             it: describe what the image shows, for readers who cannot see it",
        );
    }
    let path = format!("images/{}", image_file_name(&image, &draft.title));
    draft.guess(
        "image.path",
        format!(
            "save the image as {path} beside this file{}",
            image
                .source
                .as_deref()
                .map(|s| format!(" (from {s})"))
                .unwrap_or_default()
        ),
    );
    if let Some(image) = draft.image.as_mut() {
        image.path = path;
    }
}

/// A file name from the source's last path segment (`…/File:Kyrgyzstan_(6052094329).jpg`
/// gives `kyrgyzstan-6052094329.jpg`), else from the headline.
fn image_file_name(image: &DraftImage, title: &str) -> String {
    let segment = image
        .source
        .as_deref()
        .and_then(|url| url.rsplit('/').next())
        .map(|s| s.rsplit(':').next().unwrap_or(s).to_string())
        .filter(|s| s.contains('.'));
    let (stem, extension) = match &segment {
        Some(name) => {
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "jpg"));
            (stem.to_string(), ext.to_lowercase())
        }
        None => (title.to_string(), "jpg".to_string()),
    };
    let extension = match extension.as_str() {
        "jpeg" | "jpg" | "png" | "gif" | "webp" | "svg" => extension,
        _ => "jpg".to_string(),
    };
    format!("{}.{extension}", slug(&stem))
}

/// Lowercase ASCII letters and digits joined by single hyphens.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let out: String = out.chars().take(60).collect();
    if out.is_empty() {
        "imported".into()
    } else {
        out.trim_end_matches('-').to_string()
    }
}

fn read_sources(draft: &mut Draft, paras: Vec<Para>) {
    for para in paras {
        let index = draft.sources.len() + 1;
        match citation(&collapse(&para.text)) {
            Some((source, guesses)) => {
                draft.sources.push(source);
                for (field, text) in guesses {
                    draft.guess(format!("sources.{index}.{field}"), text);
                }
            }
            None => match draft.sources.last_mut() {
                Some(source) => source.excerpt.push(para.text),
                None => draft.unplaced.push(para.text),
            },
        }
    }
}

/// A source's citation: `Author, “Original (Translation),” Outlet
/// (description), 25 January 2024. https://…`, with the guesses made on
/// its fields. `None` when the paragraph is not one (an excerpt).
fn citation(text: &str) -> Option<(DraftSource, Vec<(&'static str, String)>)> {
    let open = text.find(['“', '"'])?;
    let (head, url) = match text.rsplit_once(' ') {
        Some((head, last)) if is_url(last) => (head.trim(), Some(last.to_string())),
        _ if is_url(text) => return None,
        _ => (text, None),
    };
    let after_open = &head[open + text[open..].chars().next()?.len_utf8()..];
    let (title_part, rest) = [",”", "”,", ",\"", "\",", "”", "\""]
        .iter()
        .filter_map(|close| after_open.find(close).map(|at| (at, close.len())))
        .min_by_key(|(at, _)| *at)
        .map(|(at, len)| (&after_open[..at], &after_open[at + len..]))?;
    let rest = rest
        .trim_start_matches([',', ' '])
        .trim()
        .trim_end_matches('.');
    // An excerpt quoting someone is not a citation: a citation names its
    // outlet after the title, with a date or a link.
    let (outlet_part, date) = match rest.rsplit_once(", ") {
        Some((outlet, when)) => match date_of(when) {
            Some(date) => (outlet, Some(date)),
            None => (rest, None),
        },
        None => match date_of(rest) {
            Some(date) => ("", Some(date)),
            None => (rest, None),
        },
    };
    if url.is_none() && date.is_none() {
        return None;
    }
    let mut guesses = Vec::new();
    let author = collapse(text[..open].trim().trim_end_matches(','));
    let (title, translation) = match trailing_parenthesis(title_part) {
        Some((original, english)) if !original.trim().is_empty() => {
            (collapse(original), Some(collapse(english)))
        }
        _ => (collapse(title_part), None),
    };
    let found = lang::of_title(&title);
    if !found.certain && (translation.is_some() || found.tag != "en") {
        guesses.push((
            "lang",
            format!(
                "the title's language was guessed as `{}` from its script: check it",
                found.tag
            ),
        ));
    }
    if translation.is_none() && found.tag != "en" {
        guesses.push((
            "translation",
            "no English translation in parentheses after the original title: add one (or \
             check where the title ends)"
                .to_string(),
        ));
    }
    let (outlet, outlet_description) = match trailing_parenthesis(outlet_part) {
        Some((name, what)) if !name.trim().is_empty() => (collapse(name), Some(collapse(what))),
        _ => (collapse(outlet_part), None),
    };
    if outlet.is_empty() {
        guesses.push((
            "outlet",
            "no outlet found after the title: write the outlet's name".to_string(),
        ));
    }
    if date.is_none() {
        guesses.push((
            "date",
            "no date found in the citation: add it, or remove this comment if the \
             source is undated"
                .to_string(),
        ));
    }
    Some((
        DraftSource {
            author: (!author.is_empty()).then_some(author),
            title,
            lang: found.tag.to_string(),
            translation,
            outlet: if outlet.is_empty() {
                crate::model::common::PLACEHOLDER.to_string()
            } else {
                outlet
            },
            outlet_description,
            date,
            url,
            excerpt: Vec::new(),
        },
        guesses,
    ))
}

fn is_url(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://")) && !text.contains(' ')
}

/// A date as the page writes it (`25 January 2024`, `January 25, 2024`,
/// `January 2024`, `2024-01-25`, `2024`), as `YYYY-MM-DD`, `YYYY-MM` or
/// `YYYY`; `None` for anything else, an impossible day included.
pub fn date_of(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('.');
    let iso = mistakes::date_in_words(text)
        .map(|toml| toml.trim_matches('"').to_string())
        .unwrap_or_else(|| text.to_string());
    PartialDate::parse(&iso).ok().map(|date| date.iso())
}

/// `[i] The note…` paragraphs, in order; a paragraph without a marker
/// continues the note before it.
fn read_notes(draft: &mut Draft, paras: Vec<Para>) -> Vec<(String, String)> {
    let mut notes: Vec<(String, String)> = Vec::new();
    for para in paras {
        let text = para.text.trim();
        match note_marker(text) {
            Some((key, rest)) => notes.push((key, rest.trim().to_string())),
            None => match notes.last_mut() {
                Some((_, note)) => {
                    note.push_str("\n\n");
                    note.push_str(text);
                }
                None => draft.unplaced.push(para.text),
            },
        }
    }
    notes
}

/// `[ii] text` gives `ii` and the text.
fn note_marker(text: &str) -> Option<(String, &str)> {
    let inner = text.strip_prefix('[')?;
    let close = inner.find(']')?;
    let key = &inner[..close];
    mistakes::is_marker(key).then(|| (key.to_string(), &inner[close + 1..]))
}

/// A reviewer's mark left in the page (`[RG1]`: initials and a number).
fn is_review_mark(key: &str) -> bool {
    let letters = key.bytes().take_while(u8::is_ascii_uppercase).count();
    (1..=4).contains(&letters)
        && key.len() > letters
        && key[letters..].bytes().all(|b| b.is_ascii_digit())
}

/// Turns every rich field into markup: the body's (and takeaways') markers
/// into references to the notes found, reviewers' marks removed, the
/// rest escaped.
fn tie_notes(draft: &mut Draft, notes: Vec<(String, String)>) {
    let keys: Vec<String> = notes.iter().map(|(k, _)| k.clone()).collect();
    let mut used: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut marked: Vec<(String, Vec<String>)> = Vec::new();
    let mut body_marks = Vec::new();
    draft.body = std::mem::take(&mut draft.body)
        .iter()
        .map(|p| with_markers(p, &keys, &mut used, &mut body_marks, &mut unknown))
        .collect();
    marked.push(("body".into(), body_marks));
    let mut takeaway_marks = Vec::new();
    draft.takeaways = std::mem::take(&mut draft.takeaways)
        .iter()
        .map(|t| with_markers(t, &keys, &mut used, &mut takeaway_marks, &mut unknown))
        .collect();
    marked.push(("takeaways".into(), takeaway_marks));
    for key in &unknown {
        draft.guess(
            "body",
            format!("the marker [{key}] has no note under Notes: kept as text"),
        );
    }
    for (index, source) in draft.sources.iter_mut().enumerate() {
        let mut source_marks = Vec::new();
        source.excerpt = source
            .excerpt
            .iter()
            .map(|p| strip_marks(p, &mut source_marks))
            .collect();
        marked.push((format!("sources.{}.excerpt", index + 1), source_marks));
    }
    if let Some(quote) = draft.pull_quote.take() {
        let mut quote_marks = Vec::new();
        draft.pull_quote = Some(collapse(&strip_plain_marks(&quote, &mut quote_marks)));
        marked.push(("pull_quote".into(), quote_marks));
    }
    for (key, text) in notes {
        if !used.contains(&key) {
            draft.guess(
                format!("notes.{key}"),
                format!("no [{key}] in the body refers to this note"),
            );
        }
        let mut note_marks = Vec::new();
        let rich_text = text
            .split("\n\n")
            .map(|p| strip_marks(p, &mut note_marks))
            .collect::<Vec<_>>()
            .join("\n\n");
        marked.push((format!("notes.{key}"), note_marks));
        draft.notes.push((key, rich_text));
    }
    for (field, marks) in marked {
        if !marks.is_empty() {
            draft.guess(
                field,
                format!(
                    "removed the reviewers' marks {} left in the page",
                    marks.join(" ")
                ),
            );
        }
    }
}

/// One rich paragraph: `[key]` of a note as `[^key]`, reviewers' marks
/// dropped (with the space before them), everything else escaped.
fn with_markers(
    text: &str,
    keys: &[String],
    used: &mut Vec<String>,
    marks: &mut Vec<String>,
    unknown: &mut Vec<String>,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let inside = &rest[open + 1..close];
        let before = &rest[..open];
        if keys.iter().any(|k| k == inside) {
            out.push_str(&rich_keep_edges(before));
            out.push_str(&format!("[^{inside}]"));
            if !used.iter().any(|k| k == inside) {
                used.push(inside.to_string());
            }
        } else if is_review_mark(inside) {
            out.push_str(&rich_keep_edges(before.trim_end_matches(' ')));
            if !marks.iter().any(|m| m == &format!("[{inside}]")) {
                marks.push(format!("[{inside}]"));
            }
        } else {
            if mistakes::is_marker(inside) && !unknown.iter().any(|k| k == inside) {
                unknown.push(inside.to_string());
            }
            out.push_str(&rich_keep_edges(&rest[..=close]));
        }
        rest = &rest[close + 1..];
    }
    out.push_str(&rich_keep_edges(rest));
    collapse(&out)
}

/// An excerpt's or note's paragraph: reviewers' marks dropped, escaped.
fn strip_marks(text: &str, marks: &mut Vec<String>) -> String {
    with_markers(text, &[], &mut Vec::new(), marks, &mut Vec::new())
}

/// A plain field (the pull quote): reviewers' marks dropped, nothing
/// escaped.
fn strip_plain_marks(text: &str, marks: &mut Vec<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let inside = &rest[open + 1..close];
        if is_review_mark(inside) {
            out.push_str(rest[..open].trim_end_matches(' '));
            marks.push(format!("[{inside}]"));
        } else {
            out.push_str(&rest[..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// [`rich`] of a piece between markers, its edge spaces kept (collapsed
/// later with the whole paragraph).
fn rich_keep_edges(piece: &str) -> String {
    let lead = if piece.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let trail = if piece.ends_with(char::is_whitespace) && !piece.trim().is_empty() {
        " "
    } else {
        ""
    };
    format!("{lead}{}{trail}", rich(piece))
}

/// Bullets (`•`, `-`, `*`, `·`, `1.`), one takeaway each; a line without
/// one continues the takeaway before it.
fn read_takeaways(draft: &mut Draft, paras: Vec<Para>) {
    for para in paras {
        for line in para.text.lines() {
            let line = line.trim();
            let bullet = line
                .strip_prefix(['•', '-', '*', '·', '–', '▪', '■'])
                .or_else(|| {
                    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
                    (digits > 0)
                        .then(|| line[digits..].strip_prefix(['.', ')']))
                        .flatten()
                });
            match (bullet, draft.takeaways.last_mut()) {
                (Some(text), _) => draft.takeaways.push(text.trim().to_string()),
                (None, Some(last)) => {
                    last.push(' ');
                    last.push_str(line);
                }
                (None, None) => draft.takeaways.push(line.to_string()),
            }
        }
    }
}

/// The house style sets the names of publications in italics; the page's
/// text has lost them. The outlets of the article's own sources are set in
/// italics where the body and notes name them, and the analyst is asked
/// to check.
fn italicise_outlets(draft: &mut Draft) {
    let mut outlets: Vec<String> = draft
        .sources
        .iter()
        .map(|s| rich(&s.outlet))
        .filter(|o| o.chars().count() >= 3 && *o != crate::model::common::PLACEHOLDER)
        .collect();
    outlets.sort_by_key(|o| std::cmp::Reverse(o.len()));
    outlets.dedup();
    let mut set: Vec<String> = Vec::new();
    let mut fields: Vec<(String, &mut String)> = Vec::new();
    for paragraph in &mut draft.body {
        fields.push(("body".into(), paragraph));
    }
    for (key, note) in &mut draft.notes {
        fields.push((format!("notes.{key}"), note));
    }
    let mut touched: Vec<String> = Vec::new();
    for (field, text) in fields {
        let mut changed = false;
        for outlet in &outlets {
            if let Some(new) = emphasised(text, outlet) {
                *text = new;
                changed = true;
                if !set.contains(outlet) {
                    set.push(outlet.clone());
                }
            }
        }
        if changed && !touched.contains(&field) {
            touched.push(field);
        }
    }
    for field in touched {
        draft.guess(
            field,
            format!(
                "set {} in italics, as the house style sets publications: check",
                set.join(", ")
            ),
        );
    }
}

/// `text` with each whole-word `name` outside markup as `*name*`; `None`
/// when there is none.
fn emphasised(text: &str, name: &str) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    for (at, _) in text.match_indices(name) {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        let word_edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '*');
        let in_link = text[..at]
            .rsplit(char::is_whitespace)
            .next()
            .is_some_and(|word| word.contains("://"));
        if at >= last && word_edge(before) && word_edge(after) && !in_link {
            out.push_str(&text[last..at]);
            out.push('*');
            out.push_str(name);
            out.push('*');
            last = at + name.len();
        }
    }
    (last > 0).then(|| {
        out.push_str(&text[last..]);
        out
    })
}

/// A pull quote should repeat words of the article; one that does not is
/// flagged (it may be a caption or a paragraph of the body taken wrongly).
fn check_pull_quote(draft: &mut Draft) {
    let Some(quote) = &draft.pull_quote else {
        return;
    };
    let words = |text: &str| -> String {
        text.chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let quote = words(quote);
    let found = draft
        .body
        .iter()
        .chain(draft.sources.iter().flat_map(|s| s.excerpt.iter()))
        .any(|p| words(p).contains(&quote));
    if !found {
        draft.guess(
            "pull_quote",
            "taken as the pull quote from its place after the caption, but its words \
             are not found in the body or an excerpt: check it",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_the_page_writes_them() {
        assert_eq!(date_of("25 January 2024").as_deref(), Some("2024-01-25"));
        assert_eq!(date_of("January 25, 2024").as_deref(), Some("2024-01-25"));
        assert_eq!(date_of("January 2024").as_deref(), Some("2024-01"));
        assert_eq!(date_of("2021-01-20").as_deref(), Some("2021-01-20"));
        assert_eq!(date_of("30 February 2024"), None);
        assert_eq!(date_of("Kloop"), None);
    }

    #[test]
    fn a_citation_splits_into_its_fields() {
        let (source, guesses) = citation(
            "Munduzbek Kalykov, “Шойгу: Россия (Shoigu: Russia),” Kloop (an independent website), 29 April 2023. https://kloop.kg/x/",
        )
        .unwrap();
        assert_eq!(source.author.as_deref(), Some("Munduzbek Kalykov"));
        assert_eq!(source.title, "Шойгу: Россия");
        assert_eq!(source.translation.as_deref(), Some("Shoigu: Russia"));
        assert_eq!(source.outlet, "Kloop");
        assert_eq!(
            source.outlet_description.as_deref(),
            Some("an independent website")
        );
        assert_eq!(source.date.as_deref(), Some("2023-04-29"));
        assert_eq!(source.url.as_deref(), Some("https://kloop.kg/x/"));
        assert_eq!(source.lang, "ru");
        assert!(guesses.is_empty(), "{guesses:?}");
        assert!(citation("“We regard requests as a threat…” Shoigu said on April 28.").is_none());
    }

    #[test]
    fn markers_become_references_and_marks_go() {
        let mut used = Vec::new();
        let mut marks = Vec::new();
        let mut unknown = Vec::new();
        let text = with_markers(
            "the “Three Evils,”[i] S-300 [RG1] systems *x* [sic] [v]",
            &["i".into()],
            &mut used,
            &mut marks,
            &mut unknown,
        );
        assert_eq!(
            text,
            "the “Three Evils,”[^i] S-300 systems \\*x\\* \\[sic\\] \\[v\\]"
        );
        assert_eq!(marks, ["[RG1]"]);
        assert_eq!(unknown, ["v"]);
    }

    #[test]
    fn outlet_names_are_set_in_italics_as_whole_words() {
        assert_eq!(
            emphasised(
                "website Kloop reports; Kloopers and https://x.org/Kloop",
                "Kloop"
            )
            .as_deref(),
            Some("website *Kloop* reports; Kloopers and https://x.org/Kloop")
        );
        assert_eq!(emphasised("nothing here", "Kloop"), None);
    }

    #[test]
    fn a_brief_title_line_gives_authors_and_date() {
        let (title, authors, date) =
            title_line("Security Cooperation (Matthew Stein and Peter Wood) (January 2024)");
        assert_eq!(title, "Security Cooperation");
        assert_eq!(authors, ["Matthew Stein", "Peter Wood"]);
        assert_eq!(date.as_deref(), Some("2024-01"));
        let (title, authors, _) = title_line("Reduce Commitments (in Central Asia)");
        assert_eq!(title, "Reduce Commitments (in Central Asia)");
        assert!(authors.is_empty());
    }
}
