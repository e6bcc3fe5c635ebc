//! What an analyst brings along when pasting from a web page or a word
//! processor, found in the text as written: endnote markers in the web
//! page's style, quotation marks around a title (the templates add their
//! own), whitespace that is not a plain space, and a `lang` that
//! contradicts the script of its text. Each is reported at its column,
//! with a correction a tool can apply.

use std::ops::Range;

use icu_locale::LocaleExpander;
use icu_locale::langid;

use super::notes::roman;

/// The highest endnote number whose roman or decimal marker is recognised.
const MARKERS_UP_TO: usize = 200;

/// An endnote marker as the magazine's web page writes it: `[i]`, `[xiv]`,
/// `[12]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebMarker {
    /// What is between the brackets, as written.
    pub key: String,
    /// The marker's bytes in the text, brackets included.
    pub span: Range<usize>,
}

/// The web-style endnote markers of a rich-text field. Not a reference
/// (`[^i]`), not escaped (`\[i]`), not a link's text (`[1](https://…)`),
/// and never `[sic]` or `[…]`.
pub fn web_markers(text: &str) -> Vec<WebMarker> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find('[').map(|i| from + i) {
        from = at + 1;
        let escaped = text[..at].ends_with('\\') && !text[..at].ends_with("\\\\");
        let Some(close) = text[at + 1..].find(']').map(|i| at + 1 + i) else {
            break;
        };
        let key = &text[at + 1..close];
        let link_text = bytes.get(close + 1) == Some(&b'(');
        if escaped || link_text || !is_marker(key) {
            continue;
        }
        found.push(WebMarker {
            key: key.to_string(),
            span: at..close + 1,
        });
    }
    found
}

/// Whether `key` is a roman numeral (as endnotes are numbered) or a small
/// decimal number.
pub fn is_marker(key: &str) -> bool {
    if key.is_empty() || key.len() > 9 {
        return false;
    }
    if key.bytes().all(|b| b.is_ascii_digit()) {
        return key
            .parse::<usize>()
            .is_ok_and(|n| (1..=MARKERS_UP_TO).contains(&n));
    }
    let lower = key.to_ascii_lowercase();
    let same_case = key == lower || key == key.to_ascii_uppercase();
    same_case && roman_value(&lower).is_some_and(|n| n <= MARKERS_UP_TO)
}

/// The number a lowercase roman numeral stands for, if it is written the
/// way [`roman`] writes it (so `iiii` and `ic` are not numerals).
fn roman_value(numeral: &str) -> Option<usize> {
    let digit = |c: char| match c {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        'c' => Some(100),
        'd' => Some(500),
        'm' => Some(1000),
        _ => None,
    };
    let digits: Vec<usize> = numeral.chars().map(digit).collect::<Option<_>>()?;
    let total = digits.iter().enumerate().fold(0, |sum, (i, &d)| {
        if digits.get(i + 1).is_some_and(|&next| next > d) {
            sum - d as isize
        } else {
            sum + d as isize
        }
    });
    let total = usize::try_from(total).ok().filter(|&n| n > 0)?;
    (roman(total) == numeral).then_some(total)
}

/// Quotation marks pasted around a whole title: the byte ranges of the
/// opening and the closing mark.
pub fn pasted_quotes(title: &str) -> Option<(Range<usize>, Range<usize>)> {
    const PAIRS: &[(char, &[char])] = &[
        ('"', &['"']),
        ('\'', &['\'']),
        ('“', &['”', '“']),
        ('”', &['”']),
        ('„', &['“', '”']),
        ('‘', &['’', '‘']),
        ('«', &['»']),
        ('»', &['«']),
        ('‹', &['›']),
        ('「', &['」']),
        ('『', &['』']),
    ];
    let start = title.len() - title.trim_start().len();
    let trimmed = title.trim();
    let open = trimmed.chars().next()?;
    let close = trimmed.chars().next_back()?;
    if trimmed.chars().count() < 3 {
        return None;
    }
    let closes = PAIRS.iter().find(|(o, _)| *o == open)?.1;
    if !closes.contains(&close) {
        return None;
    }
    // A title that only starts with a quoted part ("“Wolf Warriors” and
    // …") is left alone: the marks must enclose the whole.
    let inner = &trimmed[open.len_utf8()..trimmed.len() - close.len_utf8()];
    if inner.contains(open) || inner.contains(close) {
        return None;
    }
    let end = start + trimmed.len();
    Some((start..start + open.len_utf8(), end - close.len_utf8()..end))
}

/// Whitespace in text that is not what it seems: each with its bytes, its
/// name and what to write instead.
pub fn odd_spaces(text: &str) -> Vec<(Range<usize>, &'static str, &'static str)> {
    let mut found = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let (name, instead) = match c {
            '\t' => ("a tab", " "),
            '\u{2002}' => ("an en space", " "),
            '\u{2003}' => ("an em space", " "),
            '\u{2004}'..='\u{2006}' | '\u{2008}' => ("a fixed-width space", " "),
            '\u{200B}' => ("a zero-width space", ""),
            '\u{2060}' => ("a word joiner", ""),
            '\u{FEFF}' => ("a zero-width no-break space (byte-order mark)", ""),
            '\u{00A0}' if chars.peek().is_some_and(|(_, next)| *next == '\u{00A0}') => {
                // A run of no-break spaces (one alone is fine: "10 km").
                let mut end = at + c.len_utf8();
                while let Some((next_at, '\u{00A0}')) = chars.peek().copied() {
                    end = next_at + '\u{00A0}'.len_utf8();
                    chars.next();
                }
                found.push((at..end, "several no-break spaces in a row", " "));
                continue;
            }
            _ => continue,
        };
        found.push((at..at + c.len_utf8(), name, instead));
    }
    found
}

/// The writing systems a `lang` is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Cyrillic,
    Arabic,
    Han,
    Greek,
    Hebrew,
}

impl Script {
    fn name(self) -> &'static str {
        match self {
            Script::Latin => "Latin",
            Script::Cyrillic => "Cyrillic",
            Script::Arabic => "Arabic",
            Script::Han => "Chinese (Han)",
            Script::Greek => "Greek",
            Script::Hebrew => "Hebrew",
        }
    }

    /// From an ISO 15924 code, as CLDR's likely subtags give it.
    fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "Latn" => Script::Latin,
            "Cyrl" => Script::Cyrillic,
            "Arab" => Script::Arabic,
            "Hans" | "Hant" | "Hani" => Script::Han,
            "Grek" => Script::Greek,
            "Hebr" => Script::Hebrew,
            _ => return None,
        })
    }

    fn of(c: char) -> Option<Self> {
        Some(match c as u32 {
            0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
            0x400..=0x52F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
            0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
                Script::Arabic
            }
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => Script::Han,
            0x370..=0x3FF => Script::Greek,
            0x590..=0x5FF => Script::Hebrew,
            _ => return None,
        })
    }
}

/// The script most letters of `text` are in (at least three letters).
pub fn script_of(text: &str) -> Option<Script> {
    let mut counts: Vec<(Script, usize)> = Vec::new();
    for script in text.chars().filter_map(Script::of) {
        match counts.iter_mut().find(|(s, _)| *s == script) {
            Some((_, n)) => *n += 1,
            None => counts.push((script, 1)),
        }
    }
    let (script, letters) = counts.into_iter().max_by_key(|(_, n)| *n)?;
    (letters >= 3).then_some(script)
}

/// Languages written in more than one script, with the scripts beyond the
/// one CLDR calls likely.
const OTHER_SCRIPTS: &[(&str, &[Script])] = &[
    ("az", &[Script::Cyrillic, Script::Arabic]),
    ("bs", &[Script::Cyrillic]),
    ("kk", &[Script::Latin, Script::Arabic]),
    ("ku", &[Script::Arabic]),
    ("ky", &[Script::Arabic]),
    ("mn", &[]),
    ("ms", &[Script::Arabic]),
    ("sr", &[Script::Latin]),
    ("tg", &[Script::Latin, Script::Arabic]),
    ("tk", &[Script::Cyrillic]),
    ("ug", &[Script::Cyrillic]),
    ("uz", &[Script::Cyrillic, Script::Arabic]),
];

/// The scripts `lang` is written in: CLDR's likely script, plus the others
/// of [`OTHER_SCRIPTS`]. Empty for a language CLDR does not know.
fn scripts_of_language(lang: &str) -> Vec<Script> {
    let Ok(mut id) = lang.parse::<icu_locale::LanguageIdentifier>() else {
        return Vec::new();
    };
    if id.language == langid!("und").language {
        return Vec::new();
    }
    LocaleExpander::new_common().maximize(&mut id);
    let mut scripts: Vec<Script> = id
        .script
        .and_then(|script| Script::from_code(script.as_str()))
        .into_iter()
        .collect();
    let language = id.language.as_str().to_string();
    if let Some((_, more)) = OTHER_SCRIPTS.iter().find(|(l, _)| *l == language) {
        scripts.extend_from_slice(more);
    }
    scripts
}

/// A `lang` that contradicts the script its text is written in: the
/// script found and the language tag to suggest.
pub fn contradicting_lang(lang: &str, text: &str) -> Option<(Script, &'static str)> {
    let script = script_of(text)?;
    let expected = scripts_of_language(lang);
    if expected.is_empty() || expected.contains(&script) {
        return None;
    }
    Some((script, likely_lang(script, text).0))
}

/// The language a text in `script` is most likely in, read from the
/// letters only some languages of the script use, and whether those
/// letters settle it (Cyrillic without Ukrainian, Kazakh or Kyrgyz letters
/// is taken as Russian; Arabic script without Persian or Urdu letters as
/// Arabic, which Persian may also be; Latin as English).
pub fn likely_lang(script: Script, text: &str) -> (&'static str, bool) {
    let has = |letters: &str| text.chars().any(|c| letters.contains(c));
    match script {
        Script::Arabic if has("ٹڈڑںے") => ("ur", true),
        // Letters only Persian uses (پ چ ژ گ and Persian yeh and kaf).
        Script::Arabic if has("پچژگیک") => ("fa", true),
        Script::Arabic => ("ar", false),
        Script::Cyrillic if has("әғқұһӘҒҚҰҺ") => ("kk", false),
        Script::Cyrillic if has("ңөүҢӨҮ") => ("ky", false),
        Script::Cyrillic if has("їєґЇЄҐ") => ("uk", true),
        Script::Cyrillic => ("ru", true),
        Script::Han => ("zh", true),
        Script::Latin => ("en", false),
        Script::Greek => ("el", true),
        Script::Hebrew => ("he", true),
    }
}

/// A date written in words ("March 2021", "3 March 2021", "March 3,
/// 2021") as briefpress takes it: `"2021-03"` or `2021-03-03` (as TOML
/// text: a month as a string, a day as a date). Impossible days are left
/// to the date check.
pub fn date_in_words(text: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect();
    let month = |w: &str| {
        MONTHS
            .iter()
            .position(|m| w.len() >= 3 && m.starts_with(w))
            .map(|i| i + 1)
    };
    let year = |w: &str| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit());
    let day = |w: &str| {
        w.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=31).contains(d))
    };
    match words.as_slice() {
        [m, y] if year(y) => month(m).map(|m| format!("\"{y}-{m:02}\"")),
        // "3 March 2021" or "March 3, 2021".
        [a, b, y] if year(y) => {
            let (m, d) = match (month(a), day(b)) {
                (Some(m), Some(d)) => (m, d),
                _ => (month(b)?, day(a)?),
            };
            Some(format!("{y}-{m:02}-{d:02}"))
        }
        _ => None,
    }
}

/// The name of a script, for messages.
pub fn script_name(script: Script) -> &'static str {
    script.name()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_markers_are_roman_or_decimal_in_brackets() {
        let text = "in Ukraine.[i] More[ii] and [12]. Not [^iii], \\[iv], [v](https://x.org), [sic], […], [civ] or [word].";
        let keys: Vec<String> = web_markers(text).into_iter().map(|m| m.key).collect();
        assert_eq!(keys, ["i", "ii", "12", "civ"]);
        let first = &web_markers(text)[0];
        assert_eq!(&text[first.span.clone()], "[i]");
    }

    #[test]
    fn quotes_around_a_whole_title_are_found() {
        let title = "«Новая Большая игра»";
        let (open, close) = pasted_quotes(title).unwrap();
        assert_eq!(&title[open], "«");
        assert_eq!(&title[close], "»");
        assert!(pasted_quotes("\"Wolf\" and \"Dragon\"").is_none());
        assert!(pasted_quotes("A plain title").is_none());
        assert!(pasted_quotes(" “A title” ").is_some());
    }

    #[test]
    fn odd_spaces_are_named_but_not_joiners_or_one_no_break_space() {
        let text = "a\tb\u{2003}c\u{200B}d\u{00A0}\u{00A0}e 10\u{00A0}km \u{200C}\u{200D}";
        let names: Vec<&str> = odd_spaces(text).into_iter().map(|(_, n, _)| n).collect();
        assert_eq!(
            names,
            [
                "a tab",
                "an em space",
                "a zero-width space",
                "several no-break spaces in a row"
            ]
        );
    }

    #[test]
    fn dates_in_words_become_dates() {
        assert_eq!(date_in_words("March 2021").as_deref(), Some("\"2021-03\""));
        assert_eq!(date_in_words("3 March 2021").as_deref(), Some("2021-03-03"));
        assert_eq!(
            date_in_words("March 3, 2021").as_deref(),
            Some("2021-03-03")
        );
        assert_eq!(
            date_in_words("Sept. 30th, 2021").as_deref(),
            Some("2021-09-30")
        );
        assert_eq!(date_in_words("Spring 2021"), None);
        assert_eq!(date_in_words("31 2021"), None);
    }

    #[test]
    fn a_lang_contradicting_the_script_is_found() {
        // Arabic letters left at the `ru` that `new` pre-fills.
        assert_eq!(
            contradicting_lang("ru", "الحزام والطريق"),
            Some((Script::Arabic, "ar"))
        );
        assert_eq!(
            contradicting_lang("ru", "کمربند و جاده"),
            Some((Script::Arabic, "fa"))
        );
        // Languages written in Cyrillic or in Arabic script pass.
        for (lang, text) in [
            ("kk", "Қазақстан жаңалықтары"),
            ("ky", "Кыргызстан"),
            ("tg", "Тоҷикистон"),
            ("uz", "Ўзбекистон"),
            ("uz", "Oʻzbekiston"),
            ("fa", "کمربند و جاده"),
            ("ps", "افغانستان"),
            ("ur", "پاکستان"),
            ("zh", "一带一路"),
            ("fa-IR", "ایران"),
        ] {
            assert_eq!(contradicting_lang(lang, text), None, "{lang}: {text}");
        }
        assert_eq!(
            contradicting_lang("ar", "Новая игра"),
            Some((Script::Cyrillic, "ru"))
        );
    }
}
