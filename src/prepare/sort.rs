//! The compendium's ordering rules.
//!
//! - Names compare by Unicode root collation, ignoring case (secondary
//!   strength): accents count only after the letters ("Ön" sorts with "O",
//!   before "Op"); runs of digits compare by their numeric value and come
//!   before letters ("2nd" < "10th" < "Alpha").
//! - Ties are broken by the full string (code point order), then by id.
//! - Dates: a partial date sorts at its earliest day, the less precise first
//!   (2019 < 2019-01 < 2019-01-01); an entry without a date comes after every
//!   dated one.

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::options::{CollatorOptions, Strength};
use icu_collator::preferences::CollationNumericOrdering;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};

use crate::model::PartialDate;

static COLLATOR: LazyLock<Option<CollatorBorrowed<'static>>> = LazyLock::new(|| {
    let mut prefs = CollatorPreferences::default();
    prefs.numeric_ordering = Some(CollationNumericOrdering::True);
    let mut options = CollatorOptions::default();
    options.strength = Some(Strength::Secondary);
    Collator::try_new(prefs, options).ok()
});

/// Compares two names by the rules above (without the id tie-break).
pub fn names(a: &str, b: &str) -> Ordering {
    let collated = match COLLATOR.as_ref() {
        Some(collator) => collator.compare(a, b),
        None => Ordering::Equal,
    };
    collated.then_with(|| a.cmp(b))
}

/// Compares optional dates: earliest day first, less precise first, missing
/// last.
pub fn dates(a: Option<&PartialDate>, b: Option<&PartialDate>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.sort_key().cmp(&b.sort_key()),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut words: Vec<&str>) -> Vec<&str> {
        words.sort_by(|a, b| names(a, b));
        words
    }

    #[test]
    fn diacritics_sort_with_their_base_letter_and_case_is_ignored() {
        assert_eq!(
            sorted(vec!["Op", "Ön", "On", "ob"]),
            ["ob", "On", "Ön", "Op"]
        );
        assert_eq!(sorted(vec!["Ösh", "Osh", "Oybek"]), ["Osh", "Ösh", "Oybek"]);
        assert_eq!(
            names("tsentr", "Tsentr"),
            Ordering::Greater,
            "ties by code point: uppercase first"
        );
    }

    #[test]
    fn digits_compare_numerically_and_before_letters() {
        assert_eq!(
            sorted(vec!["Alpha", "201st Base", "10th Brigade", "2nd Division"]),
            ["2nd Division", "10th Brigade", "201st Base", "Alpha"]
        );
    }

    #[test]
    fn partial_dates_at_their_earliest_day_less_precise_first_missing_last() {
        let d = |s: &str| PartialDate::parse(s).unwrap();
        let mut list = [
            None,
            Some(d("2019-01-01")),
            Some(d("2018-12-31")),
            Some(d("2019")),
            Some(d("2019-01")),
        ];
        list.sort_by(|a, b| dates(a.as_ref(), b.as_ref()));
        let shown: Vec<String> = list
            .iter()
            .map(|d| d.map_or("-".into(), |d| d.iso()))
            .collect();
        assert_eq!(shown, ["2018-12-31", "2019", "2019-01", "2019-01-01", "-"]);
    }
}
