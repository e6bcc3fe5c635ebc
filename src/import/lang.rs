//! The language of a source title, read from its script and the letters
//! only some languages of that script use.

use crate::prepare::mistakes;

/// The language a title is most likely in, and whether the script alone
/// leaves that open (the importer then asks the analyst to confirm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guess {
    pub tag: &'static str,
    pub certain: bool,
}

/// The title's language: Japanese and Korean by their own scripts, else
/// the script most of its letters are in and the letters only some
/// languages of it use ([`mistakes::likely_lang`], which the `lang` check
/// of documents uses too); a title with no script of its own (Latin) as
/// English, not certain.
pub fn of_title(title: &str) -> Guess {
    let any = |test: fn(char) -> bool| title.chars().any(test);
    if any(|c| matches!(c, '\u{3040}'..='\u{30FF}')) {
        return Guess {
            tag: "ja",
            certain: true,
        };
    }
    if any(|c| matches!(c, '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}')) {
        return Guess {
            tag: "ko",
            certain: true,
        };
    }
    let (tag, certain) = mistakes::script_of(title)
        .map_or(("en", false), |script| mistakes::likely_lang(script, title));
    Guess { tag, certain }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_their_telling_letters() {
        let tag = |t: &str| of_title(t).tag;
        assert_eq!(tag("习近平同乌兹别克斯坦总统米尔济约耶夫会谈"), "zh");
        assert_eq!(tag("Шойгу: Россия повышает боеготовность"), "ru");
        assert_eq!(tag("Україна і Європа"), "uk");
        assert_eq!(tag("Қазақстан әскері"), "kk");
        assert_eq!(tag("Кыргызстандын өкмөтү"), "ky");
        assert_eq!(tag("روسيا تعزز قواعدها"), "ar");
        assert_eq!(tag("سیاست خارجی ایران"), "fa");
        assert!(!of_title("روسيا").certain);
        assert!(of_title("Россия").certain);
        assert!(!of_title("Rossiya").certain);
    }
}
