//! The compendium kind: a long reference work of entries (facilities,
//! organizations, exercises, security structures, incidents) that briefpress
//! sorts by the publication's rules. It may be split across part files.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::common::{Comment, DateInput, Notes, Paper, Source};

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compendium {
    /// Always `"compendium"`.
    pub kind: String,
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    pub title: String,
    /// Printed on the title page, e.g. "v8".
    pub version: Option<String>,
    #[schemars(with = "DateInput")]
    pub date: Spanned<DateInput>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[schemars(with = "Option<String>")]
    pub language: Option<Spanned<String>>,
    /// Paper size; the project's (`[style] paper`) by default.
    pub paper: Option<Paper>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// A line printed on every page, e.g. "Sample content - fictional".
    pub marking: Option<String>,
    /// The introduction (rich text).
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// Part files (`kind = "compendium-part"`) with more entries, relative
    /// to this file.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub include: Vec<Spanned<String>>,
    /// Section 1: military facilities and installations.
    #[serde(default)]
    pub facilities: Vec<Facility>,
    /// Section 1: military and security organizations.
    #[serde(default)]
    pub organizations: Vec<Organization>,
    /// Section 2: joint exercises.
    #[serde(default)]
    pub exercises: Vec<Exercise>,
    /// Section 3: security structures and other cooperation, by country.
    #[serde(default)]
    pub structures: Vec<Structure>,
    /// Section 4: incidents of violence and civil unrest, by country.
    #[serde(default)]
    pub incidents: Vec<Incident>,
    /// Reviewers' comments on fields.
    #[serde(default)]
    pub comments: Vec<Comment>,
}

/// A file holding some of a compendium's entries.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompendiumPart {
    /// Always `"compendium-part"`.
    pub kind: String,
    /// Section 1: military facilities and installations.
    #[serde(default)]
    pub facilities: Vec<Facility>,
    /// Section 1: military and security organizations.
    #[serde(default)]
    pub organizations: Vec<Organization>,
    /// Section 2: joint exercises.
    #[serde(default)]
    pub exercises: Vec<Exercise>,
    /// Section 3: security structures and other cooperation, by country.
    #[serde(default)]
    pub structures: Vec<Structure>,
    /// Section 4: incidents of violence and civil unrest, by country.
    #[serde(default)]
    pub incidents: Vec<Incident>,
}

/// Entries by section, gathered from a compendium and its parts. (The
/// files list them field by field: serde's `flatten` would lose the source
/// spans that errors point at.)
#[derive(Debug, Clone, Default)]
pub struct Entries {
    pub facilities: Vec<Facility>,
    pub organizations: Vec<Organization>,
    pub exercises: Vec<Exercise>,
    pub structures: Vec<Structure>,
    pub incidents: Vec<Incident>,
}

impl Entries {
    /// How many entries there are, of every kind.
    pub fn len(&self) -> usize {
        self.facilities.len()
            + self.organizations.len()
            + self.exercises.len()
            + self.structures.len()
            + self.incidents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn extend(&mut self, more: Entries) {
        self.facilities.extend(more.facilities);
        self.organizations.extend(more.organizations);
        self.exercises.extend(more.exercises);
        self.structures.extend(more.structures);
        self.incidents.extend(more.incidents);
    }
}

macro_rules! entries_of {
    ($($kind:ty),*) => {$(
        impl $kind {
            /// This file's entries.
            pub fn entries(&self) -> Entries {
                Entries {
                    facilities: self.facilities.clone(),
                    organizations: self.organizations.clone(),
                    exercises: self.exercises.clone(),
                    structures: self.structures.clone(),
                    incidents: self.incidents.clone(),
                }
            }
        }
    )*};
}

entries_of!(Compendium, CompendiumPart);

impl Entries {
    /// Adds a part's entries.
    pub fn add(&mut self, part: &CompendiumPart) {
        self.extend(part.entries());
    }
}

/// A base, airfield, test site or other installation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[serde(default)]
    pub alt_names: Vec<String>,
    /// ISO 3166-1 alpha-2 code.
    #[schemars(with = "String")]
    pub country: Spanned<String>,
    pub location: Option<String>,
    pub operator: Option<String>,
    /// Years active, as written ("2001-2014", "since 2004").
    pub years: Option<String>,
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub notes: Notes,
}

/// A military or security organization, past or present.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    pub acronym: Option<String>,
    #[serde(default)]
    pub alt_names: Vec<String>,
    #[schemars(with = "Option<DateInput>")]
    pub founded: Option<Spanned<DateInput>>,
    #[schemars(with = "Option<DateInput>")]
    pub dissolved: Option<Spanned<DateInput>>,
    /// Member states, ISO 3166-1 alpha-2 codes.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub members: Vec<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub notes: Notes,
}

/// A joint exercise: titled and held once, as a series or annually (its
/// iterations), or untitled.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// The exercise's name as used, often transliterated (Tsentr, Grom).
    #[schemars(with = "Option<String>")]
    pub title: Option<Spanned<String>>,
    /// The English name printed beside a transliterated title.
    pub english: Option<String>,
    #[serde(default)]
    pub alt_names: Vec<String>,
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    pub iterations: Vec<Iteration>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub notes: Notes,
}

/// One holding of an exercise.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Iteration {
    #[schemars(with = "Option<DateInput>")]
    pub date: Option<Spanned<DateInput>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub participants: Vec<Spanned<String>>,
    pub location: Option<String>,
    #[schemars(with = "Option<String>")]
    pub host: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
}

/// Whether a country's entry is one of its structures or a cooperation
/// activity other than an exercise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StructureKind {
    #[default]
    Structure,
    Cooperation,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Structure {
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    #[schemars(with = "String")]
    pub country: Spanned<String>,
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[serde(default, rename = "type")]
    pub kind: StructureKind,
    #[serde(default)]
    pub alt_names: Vec<String>,
    #[schemars(with = "Option<DateInput>")]
    pub date: Option<Spanned<DateInput>>,
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub notes: Notes,
}

/// An incident of violence or civil unrest; one spanning several countries
/// names them all and is listed under each.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "Option<String>")]
    pub country: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub countries: Vec<Spanned<String>>,
    #[schemars(with = "Option<DateInput>")]
    pub date: Option<Spanned<DateInput>>,
    pub place: Option<String>,
    pub casualties: Option<String>,
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub notes: Notes,
}
