//! Compendiums: entries from the compendium file and its parts are checked
//! in their own files (errors point there), then sorted by the rules of
//! [`super::sort`] into the publication's four sections, with an index.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::data::{
    AlsoListed, CompendiumData, CompendiumSectionData, DateData, EntryData, Fact, GroupData,
    IndexData, IterationData, NoteData, Rich, SourceData,
};
use super::listing::{self, Listing};
use super::notes::NoteNumbering;
use super::{Context, Meta, Prepared, countries, sort};
use crate::diag::{Diagnostic, Location, closest};
use crate::fsgate;
use crate::load::SourceFile;
use crate::model::Kind;
use crate::model::compendium::{
    Entries, Exercise, Facility, Incident, Organization, Structure, StructureKind,
};
use crate::model::{Compendium, Document, Notes, PartialDate, Source};

/// The publication's sections, in print order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Section {
    FacilitiesAndOrganizations,
    Exercises,
    Structures,
    Incidents,
}

impl Section {
    const ALL: [Section; 4] = [
        Section::FacilitiesAndOrganizations,
        Section::Exercises,
        Section::Structures,
        Section::Incidents,
    ];

    fn title(self) -> &'static str {
        match self {
            Section::FacilitiesAndOrganizations => "Facilities and Organizations",
            Section::Exercises => "Joint Exercises",
            Section::Structures => "Security Structures and Cooperation by Country",
            Section::Incidents => "Incidents of Violence and Civil Unrest",
        }
    }
}

/// An entry checked and converted, with what it sorts by.
#[derive(Clone)]
struct Item {
    section: Section,
    /// The country it is listed under (sections 3 and 4).
    country: Option<String>,
    /// Within a group: structures before cooperation; titled exercises
    /// before untitled ones.
    rank: u8,
    /// Sorted by name (alphabetical groups) or by date (chronological ones).
    chronological: bool,
    name: String,
    date: Option<PartialDate>,
    id: String,
    /// The file and span of the entry's name, for messages.
    file: SourceFile,
    span: Range<usize>,
    data: EntryData,
    /// Other countries an incident is listed under.
    other_countries: Vec<String>,
}

/// An entry's id, label and the parts every entry has, before placing.
#[derive(Clone)]
struct Draft {
    id: String,
    label: String,
    description: Rich,
    sources: Vec<SourceData>,
    notes: Vec<NoteData>,
}

/// Where an entry is listed and what orders it there.
struct Placement {
    section: Section,
    country: Option<String>,
    rank: u8,
    chronological: bool,
    date: Option<PartialDate>,
}

impl Item {
    /// `file:line` of the entry's name.
    fn place(&self) -> String {
        let location = Location {
            path: self.file.display.clone(),
            text: self.file.text.clone(),
            span: self.span.clone(),
        };
        format!("{}:{}", self.file.display.display(), location.line_col().0)
    }
}

/// Gives every entry a label of its own (entry ids need not be unique
/// across sections, labels must be): `bp:<doc>:p<part>:e<n>`.
struct Labels {
    doc: String,
    part: usize,
    next: usize,
}

impl Labels {
    fn next(&mut self) -> String {
        self.next += 1;
        format!("{}:p{}:e{}", self.doc, self.part, self.next)
    }
}

impl Context<'_> {
    pub(super) fn compendium(&mut self, compendium: &Compendium) -> Option<Prepared> {
        let common = self.common(Meta {
            kind: "compendium",
            id: compendium.id.as_ref(),
            title: &compendium.title,
            section: &None,
            authors: &compendium.authors,
            date: Some(&compendium.date),
            language: compendium.language.as_ref(),
            paper: compendium.paper,
            keywords: &compendium.keywords,
            comments: &compendium.comments,
        });
        let doc = self.label_scope.clone();
        let description = match &compendium.description {
            Some(text) => self.rich(text, &mut NoteNumbering::default(), false),
            None => Vec::new(),
        };
        let own = compendium.entries();
        let mut budget = EntryBudget {
            left: self.project.limits().compendium_entries,
        };
        if !budget.take(own.len()) {
            self.errors.push(budget.exceeded(
                self.file,
                0..0,
                self.project.limits().compendium_entries,
            ));
            return None;
        }
        let mut items = self.entries(
            &own,
            &mut Labels {
                doc: doc.clone(),
                part: 0,
                next: 0,
            },
        );
        // Each part once: the same file named twice is said once, at the
        // second name, and not read again.
        let mut parts_seen: HashMap<PathBuf, usize> = HashMap::new();
        for (n, include) in compendium.include.iter().enumerate() {
            let inside = self
                .project
                .inside(&self.file.path)
                .ok()
                .and_then(|document| {
                    fsgate::join(
                        document.parent().unwrap_or(Path::new("")),
                        Path::new(include.get_ref()),
                    )
                    .ok()
                });
            if let Some(inside) = inside {
                let line = self.file.text[..include.span().start].matches('\n').count() + 1;
                if let Some(first) = parts_seen.insert(inside, line) {
                    self.errors.push(
                        self.file
                            .error_at(
                                include.span(),
                                format!(
                                    "`{}` is included twice (first on line {first}); include each part once",
                                    include.get_ref()
                                ),
                            )
                            .with_code("include"),
                    );
                    continue;
                }
            }
            let Some(part) = self.part(
                include,
                &mut budget,
                &mut Labels {
                    doc: doc.clone(),
                    part: n + 1,
                    next: 0,
                },
            ) else {
                break;
            };
            items.extend(part);
        }
        self.reject_duplicates(&items);
        let (sections, index) = arrange(items);
        let mut common = common?;
        common.comments = self.comments.clone();
        let data = CompendiumData {
            common: common.clone(),
            version: compendium.version.clone(),
            marking: compendium.marking.clone(),
            description,
            sections,
            index,
        };
        let listing = Listing::new(
            Kind::Compendium,
            &data.common,
            Listing::issue_of(&data.common),
            listing::opening(&data.description),
        );
        Some(Prepared {
            id: common.id.clone(),
            kind: Kind::Compendium,
            title: common.title.clone(),
            stamp: common.partial_date().unwrap_or(super::UNDATED),
            data: serde_json::to_vec(&data).ok()?,
            anchors: Vec::new(),
            members: Vec::new(),
            included: self.included.clone(),
            warnings: Vec::new(),
            images: self.images.clone(),
            listing,
        })
    }

    /// Loads a part file named in `include`, and checks its entries there.
    /// `None` once the compendium has more entries than the limit: the
    /// parts after it are not read.
    fn part(
        &mut self,
        include: &Spanned<String>,
        budget: &mut EntryBudget,
        labels: &mut Labels,
    ) -> Option<Vec<Item>> {
        let written = include.get_ref();
        let Some(loaded) = self.load_included(include) else {
            return Some(Vec::new());
        };
        let Document::CompendiumPart(part) = &loaded.document else {
            self.errors.push(
                self.file
                    .error_at(
                        include.span(),
                        format!("`{written}` is not a compendium part"),
                    )
                    .with_hint("part files start with kind = \"compendium-part\"")
                    .with_code("include"),
            );
            return Some(Vec::new());
        };
        let entries = part.entries();
        if !budget.take(entries.len()) {
            let limit = self.project.limits().compendium_entries;
            self.errors
                .push(budget.exceeded(self.file, include.span(), limit));
            return None;
        }
        let mut cx = Context::new(&loaded.file, self.project);
        // Comments are numbered across the compendium and its parts.
        cx.comments = std::mem::take(&mut self.comments);
        let items = cx.entries(&entries, labels);
        self.errors.append(&mut cx.errors);
        self.warnings.append(&mut cx.warnings);
        self.comments = cx.comments;
        Some(items)
    }

    /// Checks and converts one file's entries.
    fn entries(&mut self, entries: &Entries, doc: &mut Labels) -> Vec<Item> {
        let mut items = Vec::new();
        for facility in &entries.facilities {
            items.extend(self.facility(facility, doc));
        }
        for organization in &entries.organizations {
            items.extend(self.organization(organization, doc));
        }
        for exercise in &entries.exercises {
            items.extend(self.exercise(exercise, doc));
        }
        for structure in &entries.structures {
            items.extend(self.structure(structure, doc));
        }
        for incident in &entries.incidents {
            items.extend(self.incident(incident, doc));
        }
        items
    }

    fn facility(&mut self, entry: &Facility, doc: &mut Labels) -> Option<Item> {
        let country = self.country(&entry.country);
        let mut facts = Vec::new();
        fact(
            &mut facts,
            "Country",
            country.map(|(_, name)| name.to_string()),
        );
        fact(&mut facts, "Location", entry.location.clone());
        fact(&mut facts, "Operator", entry.operator.clone());
        fact(&mut facts, "Years active", entry.years.clone());
        let draft = self.draft(
            doc,
            entry.id.as_ref(),
            entry.name.get_ref(),
            entry.description.as_ref(),
            &entry.sources,
            &entry.notes,
        );
        Some(self.item(
            Placement {
                section: Section::FacilitiesAndOrganizations,
                country: None,
                rank: 0,
                chronological: false,
                date: None,
            },
            &entry.name,
            draft,
            |data| {
                data.kind = "facility";
                data.alt_names = entry.alt_names.clone();
                data.facts = facts;
            },
        ))
    }

    fn organization(&mut self, entry: &Organization, doc: &mut Labels) -> Option<Item> {
        let founded = entry.founded.as_ref().and_then(|d| self.date(d).flatten());
        let dissolved = entry
            .dissolved
            .as_ref()
            .and_then(|d| self.date(d).flatten());
        let members: Vec<&str> = entry
            .members
            .iter()
            .filter_map(|code| self.country(code))
            .map(|(_, name)| name)
            .collect();
        let mut facts = Vec::new();
        fact(&mut facts, "Founded", founded.map(|d| d.display()));
        fact(&mut facts, "Dissolved", dissolved.map(|d| d.display()));
        fact(
            &mut facts,
            "Members",
            (!members.is_empty()).then(|| members.join(", ")),
        );
        let draft = self.draft(
            doc,
            entry.id.as_ref(),
            entry.name.get_ref(),
            entry.description.as_ref(),
            &entry.sources,
            &entry.notes,
        );
        Some(self.item(
            Placement {
                section: Section::FacilitiesAndOrganizations,
                country: None,
                rank: 0,
                chronological: false,
                date: None,
            },
            &entry.name,
            draft,
            |data| {
                data.kind = "organization";
                data.acronym = entry.acronym.clone();
                data.alt_names = entry.alt_names.clone();
                data.facts = facts;
            },
        ))
    }

    /// A titled exercise is one entry with its iterations in date order; an
    /// untitled one is an entry per iteration, listed after the titled ones.
    fn exercise(&mut self, entry: &Exercise, doc: &mut Labels) -> Vec<Item> {
        let mut iterations: Vec<(Option<PartialDate>, IterationData)> = Vec::new();
        for iteration in &entry.iterations {
            let date = iteration.date.as_ref().and_then(|d| self.date(d).flatten());
            let participants: Vec<&str> = iteration
                .participants
                .iter()
                .filter_map(|code| self.country(code))
                .map(|(_, name)| name)
                .collect();
            let host = iteration
                .host
                .as_ref()
                .and_then(|code| self.country(code))
                .map(|(_, name)| name);
            let mut facts = Vec::new();
            fact(
                &mut facts,
                "Participants",
                (!participants.is_empty()).then(|| participants.join(", ")),
            );
            fact(&mut facts, "Location", iteration.location.clone());
            fact(&mut facts, "Host", host.map(str::to_string));
            let description = match &iteration.description {
                Some(text) => self.rich(text, &mut NoteNumbering::default(), false),
                None => Vec::new(),
            };
            iterations.push((
                date,
                IterationData {
                    date: date.map(DateData::from),
                    facts,
                    description,
                },
            ));
        }
        iterations.sort_by(|a, b| sort::dates(a.0.as_ref(), b.0.as_ref()));
        if entry.iterations.is_empty() {
            let span = entry.title.as_ref().map_or(0..0, Spanned::span);
            self.errors.push(
                self.file
                    .error_at(span, "an exercise needs at least one iteration")
                    .with_code("missing-key"),
            );
            return Vec::new();
        }

        match &entry.title {
            Some(title) => {
                let draft = self.draft(
                    doc,
                    entry.id.as_ref(),
                    title.get_ref(),
                    entry.description.as_ref(),
                    &entry.sources,
                    &entry.notes,
                );
                let first = iterations.first().and_then(|(date, _)| *date);
                vec![self.item(
                    Placement {
                        section: Section::Exercises,
                        country: None,
                        rank: 0,
                        chronological: false,
                        date: first,
                    },
                    title,
                    draft,
                    |data| {
                        data.kind = "exercise";
                        data.english = entry.english.clone();
                        data.alt_names = entry.alt_names.clone();
                        data.iterations = iterations.into_iter().map(|(_, it)| it).collect();
                    },
                )]
            }
            None => iterations
                .into_iter()
                .enumerate()
                .map(|(n, (date, iteration))| {
                    let label = match &date {
                        Some(date) => format!("Joint exercise, {}", date.display()),
                        None => "Joint exercise, date unknown".to_string(),
                    };
                    let name = entry.english.clone().unwrap_or(label);
                    let seed =
                        format!("exercise-{}-{n}", date.map(|d| d.iso()).unwrap_or_default());
                    let draft = self.draft(
                        doc,
                        entry.id.as_ref(),
                        &seed,
                        entry.description.as_ref(),
                        &entry.sources,
                        &entry.notes,
                    );
                    let spanned = Spanned::new(0..0, name);
                    self.item(
                        Placement {
                            section: Section::Exercises,
                            country: None,
                            rank: 1,
                            chronological: true,
                            date,
                        },
                        &spanned,
                        draft,
                        |data| {
                            data.kind = "exercise";
                            data.iterations = vec![iteration];
                        },
                    )
                })
                .collect(),
        }
    }

    fn structure(&mut self, entry: &Structure, doc: &mut Labels) -> Option<Item> {
        let (code, _) = self.country(&entry.country)?;
        let date = entry.date.as_ref().and_then(|d| self.date(d).flatten());
        let mut facts = Vec::new();
        fact(&mut facts, "Date", date.map(|d| d.display()));
        let draft = self.draft(
            doc,
            entry.id.as_ref(),
            entry.name.get_ref(),
            entry.description.as_ref(),
            &entry.sources,
            &entry.notes,
        );
        let cooperation = entry.kind == StructureKind::Cooperation;
        let rank = u8::from(cooperation);
        Some(self.item(
            Placement {
                section: Section::Structures,
                country: Some(code),
                rank,
                chronological: cooperation,
                date,
            },
            &entry.name,
            draft,
            |data| {
                data.kind = if cooperation {
                    "cooperation"
                } else {
                    "structure"
                };
                data.alt_names = entry.alt_names.clone();
                data.facts = facts;
            },
        ))
    }

    /// One listing per country; the others are cross-referenced.
    fn incident(&mut self, entry: &Incident, doc: &mut Labels) -> Vec<Item> {
        let codes: Vec<&Spanned<String>> = entry.country.iter().chain(&entry.countries).collect();
        if codes.is_empty() {
            self.errors.push(
                self.file
                    .error_at(
                        entry.name.span(),
                        "an incident needs `country` or `countries`",
                    )
                    .with_code("missing-key"),
            );
            return Vec::new();
        }
        let countries: Vec<(String, &'static str)> =
            codes.iter().filter_map(|code| self.country(code)).collect();
        let date = entry.date.as_ref().and_then(|d| self.date(d).flatten());
        let mut facts = Vec::new();
        fact(&mut facts, "Date", date.map(|d| d.display()));
        fact(&mut facts, "Place", entry.place.clone());
        fact(&mut facts, "Casualties", entry.casualties.clone());
        let draft = self.draft(
            doc,
            entry.id.as_ref(),
            entry.name.get_ref(),
            entry.description.as_ref(),
            &entry.sources,
            &entry.notes,
        );
        let all: Vec<String> = countries.iter().map(|(code, _)| code.clone()).collect();
        countries
            .iter()
            .map(|(code, _)| {
                let mut item = self.item(
                    Placement {
                        section: Section::Incidents,
                        country: Some(code.clone()),
                        rank: 0,
                        chronological: true,
                        date,
                    },
                    &entry.name,
                    draft.clone(),
                    |data| {
                        data.kind = "incident";
                        data.facts = facts.clone();
                    },
                );
                if all.len() > 1 {
                    item.data.label = format!("{}:{code}", item.data.label);
                    item.other_countries = all.iter().filter(|c| *c != code).cloned().collect();
                }
                item
            })
            .collect()
    }

    /// The steps every entry takes before it is placed: its id (as given,
    /// or made from `seed`), a label of its own, and its description,
    /// sources and notes, numbered and labelled within the entry.
    fn draft(
        &mut self,
        labels: &mut Labels,
        id: Option<&Spanned<String>>,
        seed: &str,
        description: Option<&Spanned<String>>,
        sources: &[Source],
        notes: &Notes,
    ) -> Draft {
        let id = self.entry_id(id, seed);
        let label = labels.next();
        let scope = std::mem::replace(&mut self.label_scope, label.clone());
        let keys = std::mem::replace(&mut self.note_keys, notes.keys().cloned().collect());
        let mut numbering = NoteNumbering::default();
        let description = description
            .map(|text| self.rich(text, &mut numbering, true))
            .unwrap_or_default();
        let sources = self.sources(sources, &mut numbering);
        let notes = self.notes(notes, &numbering);
        self.label_scope = scope;
        self.note_keys = keys;
        Draft {
            id,
            label,
            description,
            sources,
            notes,
        }
    }

    /// A drafted entry, listed by `placement`; `fill` sets its own fields.
    fn item(
        &self,
        placement: Placement,
        name: &Spanned<String>,
        Draft {
            id,
            label,
            description,
            sources,
            notes,
        }: Draft,
        fill: impl FnOnce(&mut EntryData),
    ) -> Item {
        let mut data = EntryData {
            label: format!("bp:{label}"),
            kind: "",
            name: name.get_ref().clone(),
            english: None,
            acronym: None,
            alt_names: Vec::new(),
            facts: Vec::new(),
            iterations: Vec::new(),
            description,
            also: Vec::new(),
            sources,
            notes,
        };
        fill(&mut data);
        let Placement {
            section,
            country,
            rank,
            chronological,
            date,
        } = placement;
        Item {
            section,
            country,
            rank,
            chronological,
            name: name.get_ref().clone(),
            date,
            id,
            file: self.file.clone(),
            span: name.span(),
            data,
            other_countries: Vec::new(),
        }
    }

    /// The entry's id: as given, or made from its name.
    fn entry_id(&mut self, id: Option<&Spanned<String>>, name: &str) -> String {
        if let Some(id) = id {
            let valid = !id.get_ref().is_empty()
                && id
                    .get_ref()
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !valid {
                self.errors.push(
                    self.file
                        .error_at(
                            id.span(),
                            format!(
                                "entry id `{}` may only contain letters, digits, `-`, `_` and `.`",
                                id.get_ref()
                            ),
                        )
                        .with_code("id"),
                );
            }
            return id.get_ref().clone();
        }
        let mut slug = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.trim_matches('-').to_string()
    }

    /// Checks an ISO 3166-1 alpha-2 code: `(code, name)`.
    fn country(&mut self, code: &Spanned<String>) -> Option<(String, &'static str)> {
        let written = code.get_ref();
        match countries::name(written) {
            Some(name) => Some((written.to_ascii_uppercase(), name)),
            None => {
                let mut diag = self
                    .file
                    .error_at(
                        code.span(),
                        format!("`{written}` is not an ISO 3166-1 alpha-2 country code"),
                    )
                    .with_code("country");
                if let Some(near) = closest(&written.to_ascii_uppercase(), countries::codes()) {
                    diag = diag.with_hint(format!(
                        "did you mean `{near}` ({})?",
                        countries::name(near).unwrap_or("")
                    ));
                }
                self.errors
                    .push(diag.with_hint("codes are two letters: KZ, KG, TJ, TM, UZ, RU, CN, ..."));
                None
            }
        }
    }

    /// Two entries of one section (and country) with the same name are an
    /// error at the second, naming the first.
    fn reject_duplicates(&mut self, items: &[Item]) {
        let mut seen: HashMap<(Section, Option<&str>, String), &Item> = HashMap::new();
        for item in items {
            let key = (
                item.section,
                item.country.as_deref(),
                item.name.to_lowercase(),
            );
            match seen.get(&key) {
                Some(first) => self.errors.push(
                    item.file
                        .error_at(
                            item.span.clone(),
                            format!(
                                "`{}` is already an entry of “{}” (at {})",
                                item.name,
                                item.section.title(),
                                first.place()
                            ),
                        )
                        .with_code("duplicate-name"),
                ),
                None => {
                    seen.insert(key, item);
                }
            }
        }
    }
}

fn fact(facts: &mut Vec<Fact>, label: &str, value: Option<String>) {
    if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
        facts.push((label.to_string(), value));
    }
}

/// Sorts the entries into sections and groups, links incident listings
/// across countries, and builds the index.
fn arrange(mut items: Vec<Item>) -> (Vec<CompendiumSectionData>, Vec<IndexData>) {
    // Each incident listing names the others' labels.
    let labels: HashMap<(String, String), String> = items
        .iter()
        .filter(|item| !item.other_countries.is_empty())
        .filter_map(|item| {
            Some((
                (
                    item.data.label.rsplit_once(':')?.0.to_string(),
                    item.country.clone()?,
                ),
                item.data.label.clone(),
            ))
        })
        .collect();
    for item in &mut items {
        let Some(base) = item.data.label.rsplit_once(':').map(|(b, _)| b.to_string()) else {
            continue;
        };
        item.data.also = item
            .other_countries
            .iter()
            .filter_map(|code| {
                Some(AlsoListed {
                    country: countries::name(code)?.to_string(),
                    label: labels.get(&(base.clone(), code.clone()))?.clone(),
                })
            })
            .collect();
    }

    let index = index(&items);
    let order = |a: &Item, b: &Item| -> Ordering {
        let by_name = || sort::names(&a.name, &b.name);
        let by_date = || sort::dates(a.date.as_ref(), b.date.as_ref());
        a.rank
            .cmp(&b.rank)
            .then_with(|| {
                if a.chronological {
                    by_date().then_with(by_name)
                } else {
                    by_name()
                }
            })
            .then_with(|| a.id.cmp(&b.id))
    };
    let mut sections = Vec::new();
    for section in Section::ALL {
        let mut groups: BTreeMap<Option<String>, Vec<Item>> = BTreeMap::new();
        for item in items.iter().filter(|item| item.section == section) {
            groups
                .entry(item.country.clone())
                .or_default()
                .push(item.clone());
        }
        let mut groups: Vec<(Option<String>, Vec<Item>)> = groups.into_iter().collect();
        // Countries by their printed name.
        groups.sort_by(|(a, _), (b, _)| {
            let name = |c: &Option<String>| c.as_deref().and_then(countries::name).unwrap_or("");
            sort::names(name(a), name(b))
        });
        let mut printed = Vec::new();
        for (country, mut entries) in groups {
            entries.sort_by(order);
            if section == Section::Exercises {
                // Titled exercises, then the untitled ones under their heading.
                let (titled, untitled): (Vec<Item>, Vec<Item>) =
                    entries.into_iter().partition(|e| e.rank == 0);
                printed.push(GroupData {
                    heading: None,
                    entries: titled.into_iter().map(|e| e.data).collect(),
                });
                if !untitled.is_empty() {
                    printed.push(GroupData {
                        heading: Some("Untitled Joint Exercises".into()),
                        entries: untitled.into_iter().map(|e| e.data).collect(),
                    });
                }
                continue;
            }
            let heading = country
                .as_deref()
                .and_then(countries::name)
                .map(str::to_string);
            printed.push(GroupData {
                heading,
                entries: entries.into_iter().map(|e| e.data).collect(),
            });
        }
        printed.retain(|group| !group.entries.is_empty());
        sections.push(CompendiumSectionData {
            title: section.title().to_string(),
            groups: printed,
        });
    }
    (sections, index)
}

/// Every entry name, alternate name, acronym and English name, sorted by
/// the same rules; an incident listed under several countries once.
fn index(items: &[Item]) -> Vec<IndexData> {
    let mut index = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for item in items {
        let data = &item.data;
        let entry = data
            .label
            .splitn(5, ':')
            .take(4)
            .collect::<Vec<_>>()
            .join(":");
        if !seen.insert(entry) {
            continue;
        }
        index.push(IndexData {
            term: data.name.clone(),
            see: None,
            label: data.label.clone(),
        });
        let others = data
            .alt_names
            .iter()
            .chain(&data.acronym)
            .chain(&data.english);
        for term in others {
            if term != &data.name {
                index.push(IndexData {
                    term: term.clone(),
                    see: Some(data.name.clone()),
                    label: data.label.clone(),
                });
            }
        }
    }
    index.sort_by(|a, b| {
        sort::names(&a.term, &b.term)
            .then_with(|| {
                sort::names(
                    a.see.as_deref().unwrap_or(""),
                    b.see.as_deref().unwrap_or(""),
                )
            })
            .then_with(|| a.label.cmp(&b.label))
    });
    index
}

/// How many more entries a compendium may have (`[limits]
/// compendium_entries`, over its own file and all parts).
struct EntryBudget {
    left: usize,
}

impl EntryBudget {
    /// Takes `count` entries; `false` if there are not that many left.
    fn take(&mut self, count: usize) -> bool {
        match self.left.checked_sub(count) {
            Some(left) => {
                self.left = left;
                true
            }
            None => false,
        }
    }

    fn exceeded(&self, file: &SourceFile, span: Range<usize>, limit: usize) -> Diagnostic {
        file.error_at(
            span,
            format!(
                "with this part the compendium has more than {limit} entries, the limit for one compendium"
            ),
        )
        .with_code("limit")
        .with_hint("split it into several compendiums, or raise `compendium_entries` in [limits]")
    }
}
