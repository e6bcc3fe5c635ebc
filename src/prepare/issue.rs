//! Issues: each member file is loaded and prepared like a document of its
//! own (its errors point at its own file), then gathered into sections.

use std::collections::HashMap;

use toml::Spanned;

use super::data::{IssueData, IssueRef, IssueSectionData};
use super::notes::NoteNumbering;
use super::{Context, Member, Meta, Piece, Prepared};
use crate::load::SourceFile;

/// A member document, prepared but not yet serialized.
struct Gathered {
    piece: Piece,
    file: SourceFile,
    anchors: Vec<(&'static str, std::ops::Range<usize>)>,
}
use crate::model::{Document, Issue};

impl Context<'_> {
    pub(super) fn issue(&mut self, issue: &Issue) -> Option<Prepared> {
        let volume_label = format!("Vol. {}, Issue {}", issue.volume, issue.number);
        let title = format!("{}, {volume_label}", issue.publication);
        let common = self.common(Meta {
            kind: "issue",
            id: issue.id.as_ref(),
            title: &title,
            section: &None,
            authors: &[],
            date: &issue.date,
            language: issue.language.as_ref(),
            paper: issue.paper,
            keywords: &issue.keywords,
        });
        let cover = issue.cover.as_ref().and_then(|image| self.image(image));
        let editor_note = match &issue.editor_note {
            Some(note) => self.rich(note, &mut NoteNumbering::default(), false),
            None => Vec::new(),
        };

        let mut sections = Vec::new();
        let mut gathered: Vec<Gathered> = Vec::new();
        let mut ids: HashMap<String, Spanned<String>> = HashMap::new();
        for section in &issue.sections {
            let mut pieces = Vec::new();
            for path in &section.articles {
                let Some(member) = self.member(path) else {
                    continue;
                };
                let id = member.piece.common().id.clone();
                if let Some(first) = ids.get(&id) {
                    self.errors.push(
                        self.file
                            .error_at(path.span(), format!("`{id}` is already in this issue"))
                            .with_hint(format!("it was listed as `{}`", first.get_ref())),
                    );
                    continue;
                }
                ids.insert(id, path.clone());
                pieces.push(member.piece.clone());
                gathered.push(member);
            }
            sections.push(IssueSectionData {
                name: section.name.clone(),
                members: pieces,
            });
        }

        let common = common?;
        let label = format!("{volume_label}, {}", common.date.display);
        let issue_ref = IssueRef {
            publication: issue.publication.clone(),
            label,
        };
        let data = IssueData {
            common: common.clone(),
            publication: issue.publication.clone(),
            volume: issue.volume,
            number: issue.number,
            volume_label,
            issn: issue.issn.clone(),
            masthead: issue.masthead.clone(),
            distribution: issue.distribution.clone(),
            disclaimer: issue.disclaimer.clone(),
            cover_headline: issue.cover_headline.clone(),
            cover,
            editor_note,
            sections,
        };
        let members = gathered
            .into_iter()
            .enumerate()
            .filter_map(|(index, member)| {
                let mut cx = Context::new(&member.file, self.project);
                cx.anchors = member.anchors;
                let prepared = cx.finish(&member.piece, Some(issue_ref.clone()))?;
                Some(Member {
                    number: index + 1,
                    file: member.file,
                    prepared,
                })
            })
            .collect();
        Some(Prepared {
            id: common.id.clone(),
            template: "issue",
            title: common.title.clone(),
            date: common.partial_date(),
            data: serde_json::to_vec(&data).ok()?,
            anchors: Vec::new(),
            members,
        })
    }

    /// Loads and prepares one member file, named relative to the issue.
    fn member(&mut self, path: &Spanned<String>) -> Option<Gathered> {
        let written = path.get_ref();
        let refuse = |cx: &mut Self, message: String| {
            cx.errors.push(cx.file.error_at(path.span(), message));
            None
        };
        let loaded = self.load_included(path)?;
        if matches!(loaded.document, Document::Issue(_)) {
            return refuse(
                self,
                format!("`{written}` is an issue; an issue gathers articles and briefs"),
            );
        }
        let mut cx = Context::new(&loaded.file, self.project);
        let piece = cx.piece(&loaded.document);
        if !cx.errors.is_empty() {
            self.errors.append(&mut cx.errors);
            return refuse(self, format!("`{written}` has errors"));
        }
        Some(Gathered {
            piece: piece?,
            anchors: cx.anchors,
            file: loaded.file.clone(),
        })
    }
}
