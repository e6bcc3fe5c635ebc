//! Notices: announcements checked like documents (date, cover, PDF inside
//! the project) and handed to the catalogue, never typeset.

use std::path::{Path, PathBuf};

use super::Context;
use super::data::DateData;
use crate::diag::Diagnostic;
use crate::fsgate;
use crate::load::LoadedDocument;
use crate::load::project::Project;
use crate::model::Notice;

/// A notice as the catalogue lists it.
#[derive(Debug, Clone)]
pub struct NoticeData {
    pub id: String,
    pub title: String,
    pub authors: Vec<String>,
    /// `None` while the date is the placeholder `"TODO"` (a draft).
    pub date: Option<DateData>,
    pub section: Option<String>,
    pub description: Option<String>,
    /// The cover's file and its description.
    pub cover: Option<(PathBuf, String)>,
    /// The announced publication's PDF, when the project holds it.
    pub pdf: Option<PathBuf>,
    /// The notice's own file.
    pub file: PathBuf,
}

/// Checks a notice.
pub fn prepare(
    loaded: &LoadedDocument,
    notice: &Notice,
    project: &Project,
) -> Result<NoticeData, Vec<Diagnostic>> {
    let mut cx = Context::new(&loaded.file, project);
    let id = cx.id(notice.id.as_ref());
    let date = cx.date(&notice.date);
    let real = |written: &str| project.root().join(written.trim_start_matches('/'));
    let cover = notice.cover.as_ref().and_then(|cover| {
        match project.resolve_asset(&loaded.file.path, cover.path.get_ref()) {
            Ok(asset) => Some((real(&asset.path), cover.alt.clone())),
            Err(refused) => {
                cx.errors.push(
                    loaded
                        .file
                        .error_at(cover.path.span(), refused.message)
                        .with_code("image"),
                );
                None
            }
        }
    });
    let pdf = notice.pdf.as_ref().and_then(|pdf| {
        let found = project
            .inside(&loaded.file.path)
            .and_then(|document| {
                fsgate::join(
                    document.parent().unwrap_or(Path::new("")),
                    Path::new(pdf.get_ref()),
                )
            })
            .map_err(|_| "it points outside the project root".to_string())
            .and_then(|inside| {
                let data = project
                    .gate()
                    .read(&inside, project.limits().pdf_bytes)
                    .map_err(|why| why.to_string())?;
                if data.bytes.starts_with(b"%PDF-") {
                    Ok(project.gate().absolute(&inside))
                } else {
                    Err("it is not a PDF".into())
                }
            });
        match found {
            Ok(path) => Some(path),
            Err(why) => {
                cx.errors.push(
                    loaded
                        .file
                        .error_at(
                            pdf.span(),
                            format!("`{}` cannot be listed: {why}", pdf.get_ref()),
                        )
                        .with_code("include"),
                );
                None
            }
        }
    });
    match date {
        Some(date) if cx.errors.is_empty() => Ok(NoticeData {
            id,
            title: notice.title.clone(),
            authors: notice.authors.clone(),
            date: date.map(DateData::from),
            section: notice.section.clone(),
            description: notice.description.clone(),
            cover,
            pdf,
            file: loaded.file.path.clone(),
        }),
        _ => Err(cx.errors),
    }
}
