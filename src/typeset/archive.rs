//! The archive profile: a PDF/A-3b carrying what it was made from (the
//! document's TOML and the files it includes, its images, the project
//! configuration and its logo, override templates, and a note of the tool
//! and fonts), so that `briefpress extract` can restore a project that
//! builds the same bytes again.

use super::TYPST_VERSION;
use std::path::Path;
use std::sync::LazyLock;

use serde::Serialize;

use super::fonts::BUNDLED;
use super::templates;
use super::world::Typesetter;
use crate::fsgate::hash_bytes;
use crate::load::SourceFile;
use crate::load::config;
use crate::load::project::virtual_path;
use crate::prepare::Prepared;
use crate::prepare::data::CONTRACT_VERSION;

/// One file attached to the PDF, as the archive entry source reads it.
#[derive(Debug, Serialize)]
pub struct Attachment {
    /// Its name in the PDF: the path inside the project, from `/`.
    pub name: String,
    /// Where the compiler reads it (a project path, or the note).
    pub file: String,
    pub mime: &'static str,
    pub relationship: &'static str,
    pub description: String,
}

/// The attachments of a document's archival PDF, as JSON.
pub fn attachments(typesetter: &Typesetter, prepared: &Prepared, file: &SourceFile) -> Vec<u8> {
    let project = typesetter.project();
    let inside =
        |path: &Path| -> Option<String> { Some(virtual_path(&project.inside(path).ok()?)) };
    let mut list: Vec<Attachment> = Vec::new();
    let mut add = |path: Option<String>,
                   mime: &'static str,
                   relationship: &'static str,
                   description: &str| {
        if let Some(path) = path
            && !list.iter().any(|a| a.name == path)
        {
            list.push(Attachment {
                name: path.clone(),
                file: path,
                mime,
                relationship,
                description: description.to_string(),
            });
        }
    };
    add(
        inside(&file.path),
        "application/toml",
        "source",
        "The document's source",
    );
    for included in &prepared.included {
        add(
            inside(&included.path),
            "application/toml",
            "source",
            "A file the document includes",
        );
    }
    for image in &prepared.images {
        add(
            Some(image.path.clone()),
            mime(&image.path),
            "data",
            "An image the document places",
        );
    }
    if let Some(config) = &project.config().file {
        add(
            inside(&config.path),
            "application/toml",
            "source",
            "The project configuration",
        );
        if let Some(logo) = &project.config().publication.logo {
            add(
                Some(logo.clone()),
                mime(logo),
                "data",
                "The publication's logo",
            );
        }
    }
    for template in project.own_templates().files {
        add(
            Some(virtual_path(&template)),
            "text/plain",
            "source",
            "A project template",
        );
    }
    list.push(Attachment {
        name: "/briefpress-archive.txt".into(),
        file: templates::NOTE_PATH.into(),
        mime: "text/plain",
        relationship: "supplement",
        description: "The tool and fonts this PDF was made with".into(),
    });
    serde_json::to_vec(&list).unwrap_or_default()
}

/// The note of the tool, contract and fonts a PDF was made with.
pub fn note(typesetter: &Typesetter) -> String {
    static BUNDLED_HASHES: LazyLock<String> = LazyLock::new(|| {
        BUNDLED
            .iter()
            .map(|font| format!("  {}  {}\n", hash_bytes(font.data), font.file))
            .collect()
    });
    format!(
        "briefpress {} (Typst {TYPST_VERSION}), data contract {CONTRACT_VERSION}\n\
         profile archive: PDF/A-3b + PDF/UA-1\n\
         bundled fonts (hash, file):\n{}\
         configuration: {}\n",
        env!("CARGO_PKG_VERSION"),
        *BUNDLED_HASHES,
        if typesetter.project().config().file.is_some() {
            config::FILE_NAME
        } else {
            "none (defaults)"
        },
    )
}

fn mime(path: &str) -> &'static str {
    let lower = path.to_ascii_lowercase();
    match lower.rsplit('.').next() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}
