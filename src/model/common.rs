//! Parts shared by every document kind: dates, images, sources.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

/// A date as written in a document: a TOML date (`2024-01-25`) or a string
/// with day or month precision (`"2024-01-25"`, `"2024-01"`). Checked for
/// validity when the document is loaded, so that the error can point at it.
#[derive(Debug, Clone)]
pub enum DateInput {
    Toml(toml::value::Datetime),
    Text(String),
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

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateInput, A::Error> {
                let datetime =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DateInput::Toml(datetime))
            }
        }

        deserializer.deserialize_any(DateVisitor)
    }
}

/// A calendar date with day or month precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: u8,
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses `YYYY-MM-DD` or `YYYY-MM`, rejecting impossible dates.
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
            month: month as u8,
            day: day.map(|d| d as u8),
        })
    }

    /// Converts a checked [`DateInput`].
    pub fn from_input(input: &DateInput) -> Result<Self, String> {
        match input {
            DateInput::Text(text) => Self::parse(text),
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

    /// The form the publication prints: "25 January 2024" or "January 2024".
    pub fn display(&self) -> String {
        let month = MONTHS[self.month as usize - 1];
        match self.day {
            Some(day) => format!("{day} {month} {}", self.year),
            None => format!("{month} {}", self.year),
        }
    }

    /// `YYYY-MM-DD` or `YYYY-MM`.
    pub fn iso(&self) -> String {
        match self.day {
            Some(day) => format!("{:04}-{:02}-{day:02}", self.year, self.month),
            None => format!("{:04}-{:02}", self.year, self.month),
        }
    }
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

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Paper sizes a document may choose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// Path relative to the document's TOML file, inside the project root.
    pub path: Spanned<String>,
    /// Alternative text for screen readers (required by PDF/UA).
    pub alt: String,
    pub caption: String,
    /// Where the image comes from: a URL or a credit line.
    pub source: String,
    /// The licence, e.g. "CC BY 2.0".
    pub license: String,
}

/// A cited source: the original-language title, its translation, the outlet
/// and excerpts translated from it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub author: Option<String>,
    /// Title in the original language and script.
    pub title: String,
    /// BCP 47 language tag of `title` (`zh`, `ru`, `ar`, `fa`, ...).
    pub lang: Spanned<String>,
    /// English translation of the title.
    pub translation: Option<String>,
    pub outlet: String,
    /// What the outlet is, e.g. "independent news website".
    pub outlet_description: Option<String>,
    pub date: Option<Spanned<DateInput>>,
    pub url: Option<Spanned<String>>,
    /// Excerpt paragraphs (rich text), separated by blank lines.
    pub excerpt: Option<Spanned<String>>,
    /// Language of the excerpts when they are not in the document's language
    /// (quoted untranslated); right-to-left languages set them right to left.
    pub excerpt_lang: Option<Spanned<String>>,
}

/// Endnotes keyed like their references (`[^key]`), in rich text.
pub type Notes = BTreeMap<String, Spanned<String>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_day_and_month_precision() {
        let day = PartialDate::parse("2024-01-25").unwrap();
        assert_eq!(day.display(), "25 January 2024");
        assert_eq!(day.iso(), "2024-01-25");
        let month = PartialDate::parse("2024-01").unwrap();
        assert_eq!(month.display(), "January 2024");
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
