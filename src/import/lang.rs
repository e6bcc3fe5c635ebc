//! The language of a source title, read from its script and the letters
//! only some languages of that script use.

/// The language a title is most likely in, and whether the script alone
/// leaves that open (the importer then asks the analyst to confirm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guess {
    pub tag: &'static str,
    pub certain: bool,
}

/// The title's language: Chinese, Japanese or Korean by their scripts;
/// Cyrillic as Russian unless letters of Ukrainian, Kazakh or Kyrgyz occur;
/// Arabic script as Arabic unless letters of Persian or Urdu occur; Latin
/// script as English, not certain (many languages write it).
pub fn of_title(title: &str) -> Guess {
    let has = |set: &[char]| title.chars().any(|c| set.contains(&c));
    let any = |test: fn(char) -> bool| title.chars().any(test);
    let sure = |tag| Guess { tag, certain: true };
    let unsure = |tag| Guess {
        tag,
        certain: false,
    };
    if any(|c| matches!(c, '\u{3040}'..='\u{30FF}')) {
        sure("ja")
    } else if any(|c| matches!(c, '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}')) {
        sure("ko")
    } else if any(|c| matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')) {
        sure("zh")
    } else if any(|c| matches!(c, '\u{0400}'..='\u{04FF}')) {
        if has(&['ә', 'ғ', 'қ', 'ұ', 'һ', 'Ә', 'Ғ', 'Қ', 'Ұ', 'Һ']) {
            unsure("kk")
        } else if has(&['ң', 'ө', 'ү', 'Ң', 'Ө', 'Ү']) {
            unsure("ky")
        } else if has(&['ї', 'є', 'ґ', 'Ї', 'Є', 'Ґ']) {
            sure("uk")
        } else {
            sure("ru")
        }
    } else if any(|c| matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}')) {
        if has(&['ٹ', 'ڈ', 'ڑ', 'ں', 'ے']) {
            sure("ur")
        } else if has(&['پ', 'چ', 'ژ', 'گ', 'ک', 'ی']) {
            sure("fa")
        } else {
            unsure("ar")
        }
    } else if any(|c| matches!(c, '\u{0590}'..='\u{05FF}')) {
        sure("he")
    } else if any(|c| matches!(c, '\u{10A0}'..='\u{10FF}')) {
        sure("ka")
    } else if any(|c| matches!(c, '\u{0530}'..='\u{058F}')) {
        sure("hy")
    } else {
        unsure("en")
    }
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
