//! The EPUB container: the package document (metadata, manifest, spine),
//! the navigation document (contents, landmarks, the print edition's
//! page list) and the zip around them, byte for byte the same for the
//! same book (`mimetype` first and stored, entries in a fixed order, one
//! fixed timestamp).

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::xhtml::escape;

/// The folder of the book's files inside the container.
pub const ROOT: &str = "EPUB";

/// What the package document says about the book.
pub struct Metadata {
    /// `urn:uuid:…`, stable for the same document.
    pub identifier: String,
    /// Further identifiers (`urn:issn:…`).
    pub more_identifiers: Vec<String>,
    pub title: String,
    /// BCP 47.
    pub language: String,
    pub creators: Vec<String>,
    pub publisher: Option<String>,
    /// W3C date (`2024-02`, `2024-02-01`).
    pub date: Option<String>,
    /// `CCYY-MM-DDThh:mm:ssZ`: the PDF's own timestamp.
    pub modified: String,
    /// The print edition the page list follows.
    pub pagination_source: String,
    /// Whether the book has images (each with a text alternative).
    pub visual: bool,
}

/// One file of the book, below [`ROOT`].
pub struct Item {
    pub href: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
    /// `properties` in the manifest (`cover-image`, `nav`).
    pub properties: Option<&'static str>,
    /// Its place in the reading order, if it has one.
    pub spine: bool,
}

/// The zip of the book: `items` (chapters in reading order, then the
/// rest) with the package document, the container file and `notices`
/// (licences, by their names in the container, outside the publication).
pub fn zip(
    metadata: &Metadata,
    items: &[Item],
    notices: &[(&str, &[u8])],
) -> Result<Vec<u8>, String> {
    let opf = package_document(metadata, items);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let fixed = zip::DateTime::default();
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(fixed)
        .unix_permissions(0o644);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    let fail = |err: &dyn std::fmt::Display| format!("cannot write the EPUB container: {err}");
    let mut add = |name: &str, bytes: &[u8], options: SimpleFileOptions| {
        zip.start_file(name, options).map_err(|err| fail(&err))?;
        zip.write_all(bytes).map_err(|err| fail(&err))
    };
    add("mimetype", b"application/epub+zip", stored)?;
    add("META-INF/container.xml", CONTAINER.as_bytes(), deflated)?;
    for (name, bytes) in notices {
        add(name, bytes, deflated)?;
    }
    add(&format!("{ROOT}/package.opf"), opf.as_bytes(), deflated)?;
    for item in items {
        // Images are compressed already.
        let options = if item.media_type.starts_with("image/") && item.media_type != SVG {
            stored
        } else {
            deflated
        };
        add(&format!("{ROOT}/{}", item.href), &item.bytes, options)?;
    }
    zip.finish()
        .map(Cursor::into_inner)
        .map_err(|err| fail(&err))
}

const SVG: &str = "image/svg+xml";

const CONTAINER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"#;

/// The media type of an image by its file name.
pub fn image_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "png" => "image/png",
        "svg" => SVG,
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "image/jpeg",
    }
}

fn package_document(meta: &Metadata, items: &[Item]) -> String {
    let e = |text: &str| escape(text, false);
    let mut out = String::new();
    out.push_str(&format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\" xml:lang=\"{}\">\n\
         <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
         <dc:identifier id=\"uid\">{}</dc:identifier>\n",
        escape(&meta.language, true),
        e(&meta.identifier)
    ));
    for more in &meta.more_identifiers {
        out.push_str(&format!("<dc:identifier>{}</dc:identifier>\n", e(more)));
    }
    out.push_str(&format!(
        "<dc:title>{}</dc:title>\n<dc:language>{}</dc:language>\n",
        e(&meta.title),
        e(&meta.language)
    ));
    for creator in &meta.creators {
        out.push_str(&format!("<dc:creator>{}</dc:creator>\n", e(creator)));
    }
    if let Some(publisher) = &meta.publisher {
        out.push_str(&format!("<dc:publisher>{}</dc:publisher>\n", e(publisher)));
    }
    if let Some(date) = &meta.date {
        out.push_str(&format!("<dc:date>{}</dc:date>\n", e(date)));
    }
    out.push_str(&format!(
        "<dc:source id=\"print\">{}</dc:source>\n\
         <meta refines=\"#print\" property=\"source-of\">pagination</meta>\n\
         <meta property=\"dcterms:modified\">{}</meta>\n",
        e(&meta.pagination_source),
        e(&meta.modified)
    ));
    // What the book offers readers who cannot see it, or see it
    // differently (EPUB Accessibility 1.1).
    let mut modes = vec!["textual"];
    let mut features = vec![
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "printPageNumbers",
        "pageBreakMarkers",
        "pageNavigation",
    ];
    if meta.visual {
        modes.push("visual");
        features.push("alternativeText");
    }
    for mode in modes {
        out.push_str(&format!(
            "<meta property=\"schema:accessMode\">{mode}</meta>\n"
        ));
    }
    out.push_str("<meta property=\"schema:accessModeSufficient\">textual</meta>\n");
    for feature in features {
        out.push_str(&format!(
            "<meta property=\"schema:accessibilityFeature\">{feature}</meta>\n"
        ));
    }
    out.push_str(
        "<meta property=\"schema:accessibilityHazard\">none</meta>\n\
         <meta property=\"schema:accessibilitySummary\">The text is complete without the \
         images, each of which has a text alternative. Headings, a table of contents and \
         landmarks give the structure; the reading order is the print edition's, whose page \
         numbers are marked in the text and listed for navigation.</meta>\n\
         <meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>\n\
         </metadata>\n<manifest>\n",
    );
    for (index, item) in items.iter().enumerate() {
        out.push_str(&format!(
            "<item id=\"i{index}\" href=\"{}\" media-type=\"{}\"{}/>\n",
            escape(&item.href, true),
            item.media_type,
            item.properties
                .map(|p| format!(" properties=\"{p}\""))
                .unwrap_or_default()
        ));
    }
    out.push_str("</manifest>\n<spine>\n");
    for (index, _) in items.iter().enumerate().filter(|(_, item)| item.spine) {
        out.push_str(&format!("<itemref idref=\"i{index}\"/>\n"));
    }
    out.push_str("</spine>\n</package>\n");
    out
}
