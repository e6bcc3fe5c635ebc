//! Parts shared by every document kind: dates, images, sources.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

/// A date as written in a document: a TOML date (`2024-01-25`), a string
/// with day, month or year precision (`"2024-01-25"`, `"2024-01"`,
/// `"2024"`) or a bare year (`2024`). Checked for validity when the document
/// is loaded, so that the error can point at it.
#[derive(Debug, Clone)]
pub enum DateInput {
    Toml(toml::value::Datetime),
    Text(String),
    Year(i64),
}

/// The word `briefpress new` leaves where the analyst has to write
/// something; only a `--draft` build accepts a document that still has one.
pub const PLACEHOLDER: &str = "TODO";

impl DateInput {
    /// `date = "TODO"`: not a date yet, a placeholder (the document is
    /// undated until it is replaced).
    pub fn is_placeholder(&self) -> bool {
        matches!(self, DateInput::Text(text) if text.trim() == PLACEHOLDER)
    }
}

impl<'de> Deserialize<'de> for DateInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;

        impl<'de> Visitor<'de> for DateVisitor {
            type Value = DateInput;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2024-01-25 or \"2024-01\"")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<DateInput, E> {
                Ok(DateInput::Text(text.to_string()))
            }

            fn visit_i64<E: de::Error>(self, year: i64) -> Result<DateInput, E> {
                Ok(DateInput::Year(year))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateInput, A::Error> {
                let datetime =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DateInput::Toml(datetime))
            }
        }

        deserializer.deserialize_any(DateVisitor)
    }
}

impl JsonSchema for DateInput {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A date: a TOML date (2024-01-25), a string with day, month or year precision (\"2024-01-25\", \"2024-01\", \"2024\") or a year (2024); \"TODO\" is a placeholder only a --draft build accepts.",
            "anyOf": [
                { "const": "TODO" },
                { "type": "string", "format": "date" },
                { "type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" },
                { "type": "integer", "minimum": 1, "maximum": 9999 }
            ]
        })
    }
}

/// A calendar date with day, month or year precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, rejecting impossible dates.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let number = |s: &str, what: &str, digits: usize| -> Result<u32, String> {
            if s.len() == digits && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse()
                    .map_err(|_| format!("`{s}` is not a valid {what}"))
            } else {
                Err(format!(
                    "expected a date as YYYY-MM-DD or YYYY-MM, found `{text}`"
                ))
            }
        };
        let (year, month, day) = match parts.as_slice() {
            [y] => {
                return Ok(Self {
                    year: checked_year(i64::from(number(y, "year", 4)?))?,
                    month: None,
                    day: None,
                });
            }
            [y, m] => (number(y, "year", 4)?, number(m, "month", 2)?, None),
            [y, m, d] => (
                number(y, "year", 4)?,
                number(m, "month", 2)?,
                Some(number(d, "day", 2)?),
            ),
            _ => {
                return Err(format!(
                    "expected a date as YYYY-MM-DD or YYYY-MM, found `{text}`"
                ));
            }
        };
        Self::from_parts(year as i32, month, day)
    }

    fn from_parts(year: i32, month: u32, day: Option<u32>) -> Result<Self, String> {
        let year = checked_year(i64::from(year))?;
        if !(1..=12).contains(&month) {
            return Err(format!(
                "month {month} does not exist (months are 01 to 12)"
            ));
        }
        if let Some(day) = day {
            let last = days_in_month(year, month);
            if day == 0 || day > last {
                return Err(format!(
                    "day {day} does not exist in {} {year} (it has {last} days)",
                    MONTHS[month as usize - 1]
                ));
            }
        }
        Ok(Self {
            year,
            month: Some(month as u8),
            day: day.map(|d| d as u8),
        })
    }

    /// Converts a checked [`DateInput`].
    pub fn from_input(input: &DateInput) -> Result<Self, String> {
        match input {
            DateInput::Text(text) => Self::parse(text),
            DateInput::Year(year) => Ok(Self {
                year: checked_year(*year)?,
                month: None,
                day: None,
            }),
            DateInput::Toml(datetime) => match (datetime.date, datetime.time) {
                (Some(date), None) => Self::from_parts(
                    i32::from(date.year),
                    u32::from(date.month),
                    Some(u32::from(date.day)),
                ),
                _ => Err(format!(
                    "expected a date without a time, found `{datetime}`"
                )),
            },
        }
    }

    /// The form the publication prints: "25 January 2024", "January 2024"
    /// or "2024".
    pub fn display(&self) -> String {
        match (self.month, self.day) {
            (Some(month), Some(day)) => {
                format!("{day} {} {}", MONTHS[month as usize - 1], self.year)
            }
            (Some(month), None) => format!("{} {}", MONTHS[month as usize - 1], self.year),
            _ => self.year.to_string(),
        }
    }

    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(month), Some(day)) => format!("{:04}-{month:02}-{day:02}", self.year),
            (Some(month), None) => format!("{:04}-{month:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// The first day the date can mean, and its precision (year 0, month 1,
    /// day 2): partial dates sort at their earliest day, the less precise
    /// first.
    pub fn sort_key(&self) -> (i32, u8, u8, u8) {
        let precision = u8::from(self.month.is_some()) + u8::from(self.day.is_some());
        let (year, month, day) = self.first_day();
        (year, month, day, precision)
    }

    /// Year, month and day of the first day the date can mean (what PDFs
    /// are stamped with).
    pub fn first_day(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }
}

/// Days from 1970-01-01 to a calendar day (proleptic Gregorian; Howard
/// Hinnant's algorithm, the inverse of [`civil_from_days`]).
pub fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year, month and day of the day `days` after 1970-01-01 (proleptic
/// Gregorian; Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A year as dates take it, whichever way it is written: 1 to 9999 (there
/// is no year 0).
fn checked_year(year: i64) -> Result<i32, String> {
    match i32::try_from(year) {
        Ok(year @ 1..=9999) => Ok(year),
        _ => Err(format!("{year} is not a year (years run from 1 to 9999)")),
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Paper sizes a document may choose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    #[default]
    UsLetter,
    A4,
}

impl Paper {
    /// The name Typst's `page(paper: ...)` knows.
    pub fn typst_name(self) -> &'static str {
        match self {
            Paper::UsLetter => "us-letter",
            Paper::A4 => "a4",
        }
    }
}

/// An image with everything the Image Information section prints.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// Path relative to the document's TOML file, inside the project root.
    #[schemars(with = "String")]
    pub path: Spanned<String>,
    /// Alternative text for screen readers (required by PDF/UA).
    #[schemars(with = "String")]
    pub alt: Spanned<String>,
    pub caption: String,
    /// Where the image comes from, usually a URL (`check` warns when it is
    /// missing); printed as a link.
    pub source: Option<String>,
    /// Who made it: the photographer or agency ("Photo: A. Karimov /
    /// Reuters"), printed before the source.
    pub credit: Option<String>,
    /// The licence, e.g. "CC BY 2.0" (`check` warns when it is missing).
    pub license: Option<String>,
}

/// A cited source: the original-language title, its translation, the outlet
/// and excerpts translated from it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub author: Option<String>,
    /// Title in the original language and script.
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    /// BCP 47 language tag of `title` (`zh`, `ru`, `ar`, `fa`, ...).
    #[schemars(with = "String")]
    pub lang: Spanned<String>,
    /// English translation of the title.
    pub translation: Option<String>,
    pub outlet: String,
    /// What the outlet is, e.g. "independent news website".
    pub outlet_description: Option<String>,
    #[schemars(with = "Option<DateInput>")]
    pub date: Option<Spanned<DateInput>>,
    #[schemars(with = "Option<String>")]
    pub url: Option<Spanned<String>>,
    /// Excerpt paragraphs (rich text), separated by blank lines.
    #[schemars(with = "Option<String>")]
    pub excerpt: Option<Spanned<String>>,
    /// Language of the excerpts when they are not in the document's language
    /// (quoted untranslated); right-to-left languages set them right to left.
    #[schemars(with = "Option<String>")]
    pub excerpt_lang: Option<Spanned<String>>,
}

/// A reviewer's comment on a field, resolved or not: a final build refuses
/// a document with unresolved comments, a draft prints them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    /// The field commented on: a key (`headline`), or a path into tables
    /// and arrays counted from 1 (`sources.2.title`).
    #[schemars(with = "String")]
    pub field: Spanned<String>,
    /// The reviewer's initials or name.
    pub by: Option<String>,
    #[schemars(with = "String")]
    pub text: Spanned<String>,
    /// Resolved comments are kept for the record and no longer printed.
    #[serde(default)]
    pub resolved: bool,
}

/// Endnotes keyed like their references (`[^key]`), in rich text.
pub type Notes = BTreeMap<String, Spanned<String>>;

#[cfg(test)]
mod tests {

    #[test]
    fn there_is_no_year_zero_however_it_is_written() {
        for text in ["0000", "0000-02", "0000-02-29"] {
            let error = PartialDate::parse(text).unwrap_err();
            assert!(error.contains("0 is not a year"), "{text}: {error}");
        }
        assert!(PartialDate::from_input(&DateInput::Year(0)).is_err());
        assert_eq!(PartialDate::parse("0001").map(|d| d.year), Ok(1));
    }

    use super::*;

    #[test]
    fn days_count_from_the_epoch_both_ways() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 2, 1) * 86_400, 1_706_745_600);
        assert_eq!(civil_from_days(days_from_civil(2024, 1, 25)), (2024, 1, 25));
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
    }

    #[test]
    fn parses_day_and_month_precision() {
        let day = PartialDate::parse("2024-01-25").unwrap();
        assert_eq!(day.display(), "25 January 2024");
        assert_eq!(day.iso(), "2024-01-25");
        let month = PartialDate::parse("2024-01").unwrap();
        assert_eq!(month.display(), "January 2024");
        let year = PartialDate::parse("2019").unwrap();
        assert_eq!((year.display(), year.iso()), ("2019".into(), "2019".into()));
        assert!(year.sort_key() < month.sort_key());
        assert!(
            PartialDate::parse("2024").unwrap().sort_key()
                < PartialDate::parse("2024-01").unwrap().sort_key()
        );
        assert!(
            PartialDate::parse("2024-01").unwrap().sort_key()
                < PartialDate::parse("2024-01-01").unwrap().sort_key()
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(
            PartialDate::parse("2023-02-29")
                .unwrap_err()
                .contains("February 2023")
        );
        assert!(PartialDate::parse("2024-02-29").is_ok());
        assert!(
            PartialDate::parse("2024-13")
                .unwrap_err()
                .contains("month 13")
        );
        assert!(PartialDate::parse("25 January 2024").is_err());
        assert!(PartialDate::parse("2024-1-5").is_err());
    }
}
