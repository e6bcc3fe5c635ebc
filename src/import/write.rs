//! A [`Draft`] as TOML, laid out like the hand-written samples: scalar
//! fields, the body as a multi-line string, then `[image]`, `[[sources]]`,
//! `[notes]`, the importer's `[[comments]]`, and what it could not place.

use super::{Draft, DraftKind};

/// The document's TOML. `schema` is the `#:schema` path for editors (if
/// any), `from` names the imported file in the opening comment.
pub fn toml(draft: &Draft, schema: Option<&str>, from: &str) -> String {
    let mut out = String::new();
    if let Some(schema) = schema {
        out.push_str(&format!("#:schema {schema}\n"));
    }
    out.push_str(&format!(
        "# Imported by `briefpress import` from {}.\n# Review every [[comments]] entry by \
         \"import\" at the end, then mark it resolved (or delete it);\n# a final build refuses \
         the document until then, `build --draft` prints them.\n",
        one_line(from)
    ));
    let kind = draft.kind;
    out.push_str(&format!("kind = {}\n", basic(kind.name())));
    let title_key = match kind {
        DraftKind::Article => "headline",
        DraftKind::Brief => "title",
    };
    out.push_str(&format!("{title_key} = {}\n", basic(&draft.title)));
    if !draft.authors.is_empty() {
        let authors: Vec<String> = draft.authors.iter().map(|a| basic(a)).collect();
        out.push_str(&format!("authors = [{}]\n", authors.join(", ")));
    }
    match (&draft.date, kind) {
        (Some(date), _) => out.push_str(&format!("date = {}\n", basic(date))),
        (None, DraftKind::Brief) => out.push_str("date = \"TODO\"\n"),
        (None, DraftKind::Article) => {}
    }
    if let Some(quote) = &draft.pull_quote {
        out.push_str(&format!("\npull_quote = {}\n", basic(quote)));
    }
    if kind == DraftKind::Brief {
        out.push_str("\ntakeaways = [\n");
        for takeaway in &draft.takeaways {
            out.push_str(&format!("  {},\n", basic(takeaway)));
        }
        out.push_str("]\n");
    }
    if !draft.body.is_empty() || kind == DraftKind::Article {
        out.push_str(&format!("\nbody = {}\n", multi_line(&draft.body)));
    }
    if let Some(image) = &draft.image {
        out.push_str(match kind {
            DraftKind::Article => "\n[image]\n",
            DraftKind::Brief => "\n[cover]\n",
        });
        out.push_str(&format!("path = {}\n", basic(&image.path)));
        out.push_str(&format!("alt = {}\n", basic(&image.alt)));
        out.push_str(&format!("caption = {}\n", basic(&image.caption)));
        for (key, value) in [
            ("credit", &image.credit),
            ("source", &image.source),
            ("license", &image.license),
        ] {
            if let Some(value) = value {
                out.push_str(&format!("{key} = {}\n", basic(value)));
            }
        }
    }
    for source in &draft.sources {
        out.push_str("\n[[sources]]\n");
        if let Some(author) = &source.author {
            out.push_str(&format!("author = {}\n", basic(author)));
        }
        out.push_str(&format!("title = {}\n", basic(&source.title)));
        out.push_str(&format!("lang = {}\n", basic(&source.lang)));
        if let Some(translation) = &source.translation {
            out.push_str(&format!("translation = {}\n", basic(translation)));
        }
        out.push_str(&format!("outlet = {}\n", basic(&source.outlet)));
        if let Some(description) = &source.outlet_description {
            out.push_str(&format!("outlet_description = {}\n", basic(description)));
        }
        if let Some(date) = &source.date {
            // A full date as a TOML date, as the samples write them.
            if date.len() == 10 {
                out.push_str(&format!("date = {date}\n"));
            } else {
                out.push_str(&format!("date = {}\n", basic(date)));
            }
        }
        if let Some(url) = &source.url {
            out.push_str(&format!("url = {}\n", basic(url)));
        }
        if !source.excerpt.is_empty() {
            out.push_str(&format!("excerpt = {}\n", multi_line(&source.excerpt)));
        }
    }
    if !draft.notes.is_empty() {
        out.push_str("\n[notes]\n");
        for (key, text) in &draft.notes {
            if text.contains("\n\n") {
                out.push_str(&format!(
                    "{} = {}\n",
                    bare_key(key),
                    multi_line(std::slice::from_ref(text))
                ));
            } else {
                out.push_str(&format!("{} = {}\n", bare_key(key), basic(text)));
            }
        }
    }
    for (field, by, text) in &draft.reviews {
        out.push_str(&format!(
            "\n[[comments]]\nfield = {}\nby = {}\ntext = {}\n",
            basic(field),
            basic(by),
            basic(text)
        ));
    }
    for (field, text) in &draft.comments {
        out.push_str(&format!(
            "\n[[comments]]\nfield = {}\nby = \"import\"\ntext = {}\n",
            basic(field),
            basic(text)
        ));
    }
    if !draft.unplaced.is_empty() {
        out.push_str(
            "\n# import: could not place the text below; move it into a field, or delete it:\n",
        );
        for piece in &draft.unplaced {
            for line in piece.lines() {
                out.push_str(&format!("#   {line}\n"));
            }
        }
    }
    out
}

/// A TOML basic string: `"` and `\` escaped, control characters as
/// escapes.
pub fn basic(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Paragraphs as a TOML multi-line basic string, a blank line between
/// them: `\` escaped, a `"` escaped where it would close the string.
fn multi_line(paragraphs: &[String]) -> String {
    let text = paragraphs.join("\n\n");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::from("\"\"\"\n");
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' if chars.get(i + 1).is_none_or(|&n| n == '"') => out.push_str("\\\""),
            '\n' => out.push('\n'),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push_str("\n\"\"\"");
    out
}

/// A key as written bare when it can be, else quoted.
fn bare_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_string()
    } else {
        basic(key)
    }
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{DraftImage, DraftSource};

    #[test]
    fn every_string_reads_back_as_written() {
        let hostile = "a \"quote\" \\ back \"\"\" triple \u{1} ctl #[x] $ end\"";
        let draft = Draft {
            title: hostile.into(),
            pull_quote: Some(hostile.into()),
            body: vec![hostile.into(), "two\"".into()],
            image: Some(DraftImage {
                path: "images/x.jpg".into(),
                alt: hostile.into(),
                caption: hostile.into(),
                ..DraftImage::default()
            }),
            sources: vec![DraftSource {
                title: "Шойгу".into(),
                lang: "ru".into(),
                outlet: hostile.into(),
                date: Some("2023-04-29".into()),
                excerpt: vec![hostile.into()],
                ..DraftSource::default()
            }],
            notes: vec![("i".into(), hostile.into())],
            comments: vec![("body".into(), hostile.into())],
            unplaced: vec!["line one\nline two".into()],
            ..Draft::default()
        };
        let text = toml(&draft, Some("../schemas/article.schema.json"), "x\ny.txt");
        let value: toml::Table = toml::from_str(&text).expect(&text);
        assert_eq!(value["headline"].as_str(), Some(hostile));
        assert_eq!(value["pull_quote"].as_str(), Some(hostile));
        assert_eq!(
            value["body"].as_str(),
            Some(format!("{hostile}\n\ntwo\"\n").as_str())
        );
        assert_eq!(value["image"]["alt"].as_str(), Some(hostile));
        assert_eq!(value["sources"][0]["outlet"].as_str(), Some(hostile));
        assert!(value["sources"][0]["date"].is_datetime());
        assert_eq!(
            value["sources"][0]["excerpt"].as_str(),
            Some(format!("{hostile}\n").as_str())
        );
        assert_eq!(value["notes"]["i"].as_str(), Some(hostile));
        assert_eq!(value["comments"][0]["text"].as_str(), Some(hostile));
        assert!(text.contains("#   line two\n"));
    }
}
