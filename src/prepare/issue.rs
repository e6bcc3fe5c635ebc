//! Issues: each member file is loaded and prepared like a document of its
//! own (its errors point at its own file), then gathered into sections.

use std::collections::HashMap;

use rayon::prelude::*;
use toml::Spanned;

use super::data::{IssueData, IssueRef, IssueSectionData, PublicationData};
use super::listing::{self, Listing};
use super::notes::NoteNumbering;
use super::{Context, Member, Meta, Piece, Prepared};
use crate::load::SourceFile;
use crate::model::{Document, Issue, Kind};

/// A member document, prepared but not yet serialized.
struct Gathered {
    piece: Piece,
    file: SourceFile,
    anchors: Vec<(&'static str, std::ops::Range<usize>)>,
    images: Vec<super::ImageRef>,
}

impl Context<'_> {
    pub(super) fn issue(&mut self, issue: &Issue) -> Option<Prepared> {
        let volume_label = format!("Vol. {}, Issue {}", issue.volume, issue.number);
        let publication = self.issue_publication(issue);
        let name = publication.name.clone().unwrap_or_default();
        let title = format!("{name}, {volume_label}");
        let common = self.common(Meta {
            kind: "issue",
            id: issue.id.as_ref(),
            title: &title,
            section: &None,
            authors: &[],
            date: Some(&issue.date),
            language: issue.language.as_ref(),
            paper: issue.paper,
            keywords: &issue.keywords,
            comments: &issue.comments,
        });
        let cover = issue.cover.as_ref().and_then(|image| self.image(image));
        let editor_note = match &issue.editor_note {
            Some(note) => self.rich(note, &mut NoteNumbering::default(), false),
            None => Vec::new(),
        };

        let mut sections = Vec::new();
        let mut gathered: Vec<Gathered> = Vec::new();
        let mut ids: HashMap<String, Spanned<String>> = HashMap::new();
        // Said, not refused: a new issue (`briefpress new issue`) starts
        // without articles and builds as written.
        if issue.sections.is_empty() {
            self.warnings.push(
                self.file
                    .error_at(0..0, "the issue has no sections")
                    .with_code("empty")
                    .with_hint("add [[sections]] with a `name` and the `articles` they gather"),
            );
        }
        // Each member is its own file: loaded and prepared on every thread,
        // then taken in the order the issue lists them, so that numbering
        // and diagnostics do not depend on which finished first.
        let mut loaded = issue
            .sections
            .iter()
            .flat_map(|section| &section.articles)
            .collect::<Vec<_>>()
            .par_iter()
            .map(|path| {
                let mut found = Context::new(self.file, self.project);
                let member = found.member(path);
                (member, found)
            })
            .collect::<Vec<_>>()
            .into_iter();
        for section in &issue.sections {
            if section.articles.is_empty() {
                // The section's name as written (the model keeps no span).
                let quoted = format!("\"{}\"", section.name);
                let at = self
                    .file
                    .text
                    .find(&quoted)
                    .map_or(0..0, |at| at..at + quoted.len());
                self.warnings.push(
                    self.file
                        .warning_at(at, "this section gathers no articles")
                        .with_code("empty")
                        .with_hint("list its documents in `articles`, or remove the section"),
                );
            }
            let mut pieces = Vec::new();
            for (path, (member, found)) in section.articles.iter().zip(loaded.by_ref()) {
                self.absorb(found);
                let Some(member) = member else {
                    continue;
                };
                let id = member.piece.common().id.clone();
                if let Some(first) = ids.get(&id) {
                    self.errors.push(
                        self.file
                            .error_at(path.span(), format!("`{id}` is already in this issue"))
                            .with_code("duplicate-id")
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

        let mut common = common?;
        common.publication = publication;
        common.comments = self.comments.clone();
        let label = match &common.date {
            Some(date) => format!("{volume_label}, {}", date.display),
            None => volume_label.clone(),
        };
        let issue_ref = IssueRef {
            publication: name,
            label,
        };
        let data = IssueData {
            common: common.clone(),
            volume: issue.volume,
            number: issue.number,
            volume_label,
            cover_headline: issue.cover_headline.clone(),
            cover,
            editor_note,
            sections,
        };
        let members = gathered
            .into_par_iter()
            .enumerate()
            .filter_map(|(index, member)| {
                let mut cx = Context::new(&member.file, self.project);
                cx.anchors = member.anchors;
                cx.images = member.images;
                let prepared = cx.finish(&member.piece, Some(issue_ref.clone()))?;
                Some(Member {
                    number: index + 1,
                    file: member.file,
                    prepared,
                })
            })
            .collect();
        let description = match &data.cover_headline {
            Some(headline) => headline.clone(),
            None => listing::opening(&data.editor_note),
        };
        let named = format!(
            "{}, {}",
            data.common.publication.name.as_deref().unwrap_or_default(),
            issue_ref.label
        );
        let listing = Listing::new(Kind::Issue, &data.common, Some(named), description);
        Some(Prepared {
            id: common.id.clone(),
            kind: Kind::Issue,
            title: common.title.clone(),
            stamp: common.partial_date().unwrap_or(super::UNDATED),
            data: serde_json::to_vec(&data).ok()?,
            anchors: Vec::new(),
            members,
            included: self.included.clone(),
            warnings: Vec::new(),
            images: self.images.clone(),
            listing,
        })
    }

    /// The project's publication with what the issue gives itself; an issue
    /// needs a publication name from one or the other.
    fn issue_publication(&mut self, issue: &Issue) -> PublicationData {
        let mut publication = self.project.config().publication.clone();
        if let Some(issn) = &issue.issn {
            if !crate::load::config::valid_issn(issn.get_ref()) {
                self.errors
                    .push(crate::load::config::issn_error(self.file, issn));
            }
            publication.issn = Some(issn.get_ref().clone());
        }
        let own = [
            (&mut publication.name, &issue.publication),
            (&mut publication.masthead, &issue.masthead),
            (&mut publication.distribution, &issue.distribution),
            (&mut publication.disclaimer, &issue.disclaimer),
        ];
        for (slot, value) in own {
            if value.is_some() {
                slot.clone_from(value);
            }
        }
        if publication.name.is_none() {
            self.errors.push(
                self.file
                    .error_at(0..0, "the issue has no publication name")
                    .with_code("missing-key")
                    .with_hint(format!(
                        "add `publication = \"...\"` here, or `name` under `[publication]` in {}",
                        crate::load::config::FILE_NAME
                    )),
            );
        }
        publication
    }

    /// Takes in what a context of the same file found: its diagnostics,
    /// images and the files it loaded.
    fn absorb(&mut self, found: Context) {
        self.errors.extend(found.errors);
        self.warnings.extend(found.warnings);
        self.images.extend(found.images);
        self.included.extend(found.included);
    }

    /// Loads and prepares one member file, named relative to the issue.
    fn member(&mut self, path: &Spanned<String>) -> Option<Gathered> {
        let written = path.get_ref();
        let refuse = |cx: &mut Self, message: String| {
            cx.errors
                .push(cx.file.error_at(path.span(), message).with_code("include"));
            None
        };
        let loaded = self.load_included(path)?;
        let kind = match &loaded.document {
            Document::Article(_) | Document::Brief(_) => None,
            Document::Issue(_) => Some("an issue"),
            Document::Compendium(_) => Some("a compendium"),
            Document::CompendiumPart(_) => Some("a compendium part"),
            Document::Notice(_) => Some("a notice"),
        };
        if let Some(kind) = kind {
            return refuse(
                self,
                format!("`{written}` is {kind}; an issue gathers articles and briefs"),
            );
        }
        let mut cx = Context::new(&loaded.file, self.project);
        let piece = cx.piece(&loaded.document);
        if !cx.errors.is_empty() {
            self.errors.append(&mut cx.errors);
            return refuse(self, format!("`{written}` has errors"));
        }
        self.warnings.append(&mut cx.warnings);
        self.images.extend(cx.images.iter().cloned());
        Some(Gathered {
            piece: piece?,
            anchors: cx.anchors,
            images: cx.images,
            file: loaded.file.clone(),
        })
    }
}
