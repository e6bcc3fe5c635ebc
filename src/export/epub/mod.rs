//! The EPUB 3 edition: the web edition's pages (`templates/<kind>.html`,
//! with `page.epub` set) as XHTML chapters (an issue's documents each a
//! chapter of their own, in contents order), the print edition's page
//! breaks marked in them and listed, a navigation document, a cover (the
//! PDF's first page, drawn), and the accessibility metadata readers and
//! shops look for. Nothing in it points outside the container but the
//! web: sources' addresses, and the PDF edition where it is published.

pub mod fonts;
pub mod package;
pub mod xhtml;

use std::collections::BTreeMap;
use std::path::PathBuf;

use scraper::Html;
use serde_json::Value;

use crate::diag::Diagnostic;
use crate::export::web::{self, Links, Pages, media};
use crate::load::project::Project;
use crate::prepare::Prepared;
use crate::typeset::pagination::PageStart;
use package::{Item, Metadata};
use xhtml::Heading;

/// What a book is made from, besides the document's data.
pub struct Edition<'a> {
    pub prepared: &'a Prepared,
    /// The document's file, relative to the project root (with `/`): with
    /// its id, it names the book for good.
    pub source: String,
    /// Where each printed page begins.
    pub starts: &'a [PageStart],
    /// The cover, a JPEG (the PDF's first page).
    pub cover: Option<Vec<u8>>,
    /// The PDF's timestamp, `CCYY-MM-DDThh:mm:ssZ`.
    pub modified: String,
    /// The PDF edition on the web (`[publication] url`), linked from the
    /// book's colophon; never a file beside the book.
    pub pdf: Option<String>,
}

/// A book ready to write.
pub struct Book {
    pub bytes: Vec<u8>,
    /// The project files read for it (its images), for the manifest.
    pub files_read: Vec<PathBuf>,
}

/// One chapter before it is written.
struct Chapter {
    file: String,
    html: Html,
    /// The issue's section it opens.
    section: Option<String>,
}

/// Makes the book of `edition`.
pub fn make(project: &Project, pages: &Pages, edition: &Edition) -> Result<Book, Vec<Diagnostic>> {
    let doc = web::data_of(edition.prepared)?;
    let mut chapters = Vec::new();
    let mut images: BTreeMap<String, media::Placed> = BTreeMap::new();
    let mut files_read = Vec::new();
    let mut render = |data: &Value, kind: &str, links: &Links, file: String, section| {
        let page = pages.render_data(project, data, kind, links)?;
        for image in page.media {
            images.entry(image.name.clone()).or_insert(image);
        }
        files_read.extend(page.files_read);
        chapters.push(Chapter {
            file,
            html: Html::parse_document(&page.html),
            section,
        });
        Ok::<(), Vec<Diagnostic>>(())
    };
    let chapter_links = Links {
        epub: true,
        pdf: edition.pdf.clone(),
        ..Links::default()
    };
    if edition.prepared.kind.name() == "issue" {
        // The issue's own chapter (cover, editor's note, contents), then
        // each document, linked from the contents.
        let mut members = Vec::new();
        for section in doc["sections"].as_array().into_iter().flatten() {
            let name = section["name"].as_str().map(str::to_string);
            for (index, member) in section["members"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let file = format!("c{:02}.xhtml", members.len() + 1);
                members.push((member, file, (index == 0).then(|| name.clone()).flatten()));
            }
        }
        let mut issue_links = chapter_links.clone();
        for (member, file, _) in &members {
            if let Some(id) = member["id"].as_str() {
                issue_links.members.insert(id.to_string(), file.clone());
            }
        }
        render(&doc, "issue", &issue_links, "c00.xhtml".into(), None)?;
        for (member, file, section) in members {
            let kind = member["kind"].as_str().unwrap_or("article");
            let links = Links {
                in_issue: true,
                section: section.clone(),
                ..chapter_links.clone()
            };
            render(member, kind, &links, file, section)?;
        }
    } else {
        let kind = edition.prepared.kind.name();
        render(&doc, kind, &chapter_links, "c01.xhtml".into(), None)?;
    }

    let language = web::jinja::bcp47(&web::jinja::lang_of(&minijinja::Value::from_serialize(
        &doc["lang"],
    )));
    let parsed: Vec<&Html> = chapters.iter().map(|c| &c.html).collect();
    let breaks = xhtml::breaks(&parsed, edition.starts);
    // The fonts for every character the book sets, its own pages included.
    let mut text: String = parsed
        .iter()
        .map(|html| xhtml::text_of_document(html))
        .collect();
    text.push_str(&edition.prepared.title);
    text.push_str(NAVIGATION_WORDS);
    let embedded = fonts::embed(&text).map_err(|why| {
        vec![
            Diagnostic::error(format!("the EPUB's fonts cannot be made: {why}"))
                .with_code("internal"),
        ]
    })?;
    let stylesheet = Some(fonts::STYLESHEET);
    let mut items = Vec::new();
    let mut toc = Vec::new();
    let mut page_list = Vec::new();
    if let Some(cover) = &edition.cover {
        items.push(Item {
            href: "cover.xhtml".into(),
            media_type: XHTML,
            bytes: cover_page(&edition.prepared.title, &language, fonts::STYLESHEET).into_bytes(),
            properties: None,
            spine: true,
        });
        items.push(Item {
            href: "cover.jpg".into(),
            media_type: "image/jpeg",
            bytes: cover.clone(),
            properties: Some("cover-image"),
            spine: false,
        });
    }
    for (chapter, breaks) in chapters.iter().zip(&breaks) {
        let written = xhtml::write(&chapter.html, breaks, &language, stylesheet);
        for mark in breaks {
            page_list.push((format!("{}#{}", chapter.file, mark.id), mark.label.clone()));
        }
        toc.push((
            chapter.file.clone(),
            chapter.section.clone(),
            written.headings,
        ));
        items.push(Item {
            href: chapter.file.clone(),
            media_type: XHTML,
            bytes: written.xhtml.into_bytes(),
            properties: None,
            spine: true,
        });
    }
    let first_chapter = chapters.first().map(|c| c.file.clone()).unwrap_or_default();
    // The contents are a page of the book too, after the cover.
    let after_cover = usize::from(edition.cover.is_some()) * 2;
    items.insert(
        after_cover,
        Item {
            href: "nav.xhtml".into(),
            media_type: XHTML,
            bytes: navigation(
                &edition.prepared.title,
                &language,
                &toc,
                &page_list,
                edition.cover.is_some(),
                &first_chapter,
            )
            .into_bytes(),
            properties: Some("nav"),
            spine: true,
        },
    );
    items.push(Item {
        href: fonts::STYLESHEET.into(),
        media_type: "text/css",
        bytes: embedded.stylesheet.into_bytes(),
        properties: None,
        spine: false,
    });
    for (name, bytes) in embedded.faces {
        items.push(Item {
            href: format!("{}/{name}", fonts::FOLDER),
            media_type: "font/ttf",
            bytes,
            properties: None,
            spine: false,
        });
    }
    let visual = !images.is_empty();
    for (name, image) in images {
        let bytes = image.bytes().map_err(|why| {
            vec![
                Diagnostic::error(format!("an image of the EPUB cannot be made: {why}"))
                    .with_code("image"),
            ]
        })?;
        items.push(Item {
            href: format!("{}/{name}", media::FOLDER),
            media_type: package::image_type(&name),
            bytes,
            properties: None,
            spine: false,
        });
    }

    let publication = &doc["publication"];
    let string = |value: &Value| value.as_str().map(str::to_string);
    let identifier = uuid(&format!("{}#{}", edition.source, edition.prepared.id));
    let issn = string(&publication["issn"]).map(|issn| format!("urn:issn:{issn}"));
    let metadata = Metadata {
        identifier: format!("urn:uuid:{identifier}"),
        more_identifiers: issn.clone().into_iter().collect(),
        title: edition.prepared.title.clone(),
        language,
        creators: doc["authors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(string)
            .collect(),
        publisher: string(&publication["name"]),
        date: string(&doc["date"]["iso"]),
        modified: edition.modified.clone(),
        // The PDF edition of the same document.
        pagination_source: format!(
            "urn:uuid:{}",
            uuid(&format!("{}#{}.pdf", edition.source, edition.prepared.id))
        ),
        visual: visual || edition.cover.is_some(),
    };
    let licence = [("META-INF/OFL.txt", fonts::LICENCE.as_bytes())];
    let bytes = package::zip(&metadata, &items, &licence)
        .map_err(|message| vec![Diagnostic::error(message).with_code("io")])?;
    Ok(Book { bytes, files_read })
}

const XHTML: &str = "application/xhtml+xml";

/// The width of the drawn cover, in pixels: sharp on a phone or an
/// e-reader, a few hundred kilobytes as a JPEG.
const COVER_WIDTH: f32 = 1000.0;

/// JPEG quality of the drawn cover.
const COVER_QUALITY: u8 = 85;

/// A page drawn as the book's cover: a JPEG [`COVER_WIDTH`] pixels wide
/// (pages are opaque, so the alpha channel is dropped).
pub fn cover(page: &typst_layout::Page) -> Result<Vec<u8>, String> {
    let width = page.frame.width().to_pt().max(1.0) as f32;
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(f64::from(COVER_WIDTH / width)),
        ..Default::default()
    };
    let pixmap = typst_render::render(page, &options);
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|pixel| pixel[..3].iter().copied())
        .collect();
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, COVER_QUALITY)
        .encode(
            &rgb,
            pixmap.width(),
            pixmap.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|err| err.to_string())?;
    Ok(bytes)
}

/// A name-based (version 5) UUID of `name` in the URL namespace: the same
/// document gets the same identifier in every build.
fn uuid(name: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("briefpress:{name}").as_bytes(),
    )
}

/// Words the book's own pages (cover, navigation) set besides titles.
const NAVIGATION_WORDS: &str = "Cover: Contents Landmarks Pages 0123456789 ivxlcdm";

/// The page that shows the cover.
fn cover_page(title: &str, lang: &str, stylesheet: &str) -> String {
    let title = xhtml::escape(title, true);
    let lang = xhtml::escape(lang, true);
    let stylesheet = xhtml::escape(stylesheet, true);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n\
         <head><meta charset=\"utf-8\"/><title>{title}</title>\
         <link rel=\"stylesheet\" type=\"text/css\" href=\"{stylesheet}\"/>\
         <style>body{{margin:0;text-align:center}}img{{max-width:100%;max-height:100vh}}</style></head>\n\
         <body epub:type=\"cover\"><img role=\"doc-cover\" src=\"cover.jpg\" alt=\"Cover: {title}\"/></body>\n</html>\n"
    )
}

/// The navigation document: contents (an issue's documents grouped by
/// section), landmarks and the print edition's page list.
fn navigation(
    title: &str,
    lang: &str,
    toc: &[(String, Option<String>, Vec<Heading>)],
    page_list: &[(String, String)],
    cover: bool,
    first: &str,
) -> String {
    let e = |text: &str| xhtml::escape(text, false);
    let a = |text: &str| xhtml::escape(text, true);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{0}\" xml:lang=\"{0}\">\n\
         <head><meta charset=\"utf-8\"/><title>{1}</title>\
         <link rel=\"stylesheet\" type=\"text/css\" href=\"{2}\"/></head>\n<body>\n\
         <nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\">\n<h1>Contents</h1>\n<ol>\n",
        a(lang),
        e(title),
        a(fonts::STYLESHEET)
    );
    // A chapter: its first heading, its level-2 headings under it.
    let chapter = |out: &mut String, file: &str, headings: &[Heading]| {
        let name = headings.first().map_or(title, |h| h.text.as_str());
        out.push_str(&format!("<li><a href=\"{}\">{}</a>", a(file), e(name)));
        let parts: Vec<&Heading> = headings.iter().filter(|h| h.level == 2).collect();
        if !parts.is_empty() {
            out.push_str("\n<ol>\n");
            for part in parts {
                out.push_str(&format!(
                    "<li><a href=\"{}#{}\">{}</a></li>\n",
                    a(file),
                    a(&part.id),
                    e(&part.text)
                ));
            }
            out.push_str("</ol>\n");
        }
        out.push_str("</li>\n");
    };
    let mut open_section = false;
    for (file, section, headings) in toc {
        if let Some(section) = section {
            if open_section {
                out.push_str("</ol>\n</li>\n");
            }
            out.push_str(&format!("<li><span>{}</span>\n<ol>\n", e(section)));
            open_section = true;
        }
        // A book of several chapters (an issue) lists them by title alone.
        let listed = match toc.len() {
            1 => &headings[..],
            _ => &headings[..headings.len().min(1)],
        };
        chapter(&mut out, file, listed);
    }
    if open_section {
        out.push_str("</ol>\n</li>\n");
    }
    out.push_str("</ol>\n</nav>\n<nav epub:type=\"landmarks\" hidden=\"hidden\">\n<h2>Landmarks</h2>\n<ol>\n");
    if cover {
        out.push_str("<li><a epub:type=\"cover\" href=\"cover.xhtml\">Cover</a></li>\n");
    }
    out.push_str(&format!(
        "<li><a epub:type=\"toc\" href=\"nav.xhtml#toc\">Contents</a></li>\n\
         <li><a epub:type=\"bodymatter\" href=\"{}\">{}</a></li>\n</ol>\n</nav>\n",
        a(first),
        e(title)
    ));
    if !page_list.is_empty() {
        out.push_str("<nav epub:type=\"page-list\" hidden=\"hidden\">\n<h2>Pages</h2>\n<ol>\n");
        for (href, label) in page_list {
            out.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                a(href),
                e(label)
            ));
        }
        out.push_str("</ol>\n</nav>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
