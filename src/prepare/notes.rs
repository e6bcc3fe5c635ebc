//! Endnotes: numbered per document in order of first reference, printed as
//! lowercase roman markers like the publication's (`[i]`, `[ii]`).

use std::collections::HashMap;

/// Assigns numbers to note keys in the order they are first referenced.
#[derive(Debug, Default)]
pub struct NoteNumbering {
    numbers: HashMap<String, usize>,
    order: Vec<String>,
}

impl NoteNumbering {
    /// The note's number, and whether this is its first reference.
    pub fn reference(&mut self, key: &str) -> (usize, bool) {
        if let Some(&number) = self.numbers.get(key) {
            return (number, false);
        }
        self.order.push(key.to_string());
        let number = self.order.len();
        self.numbers.insert(key.to_string(), number);
        (number, true)
    }

    /// Whether `key` was referenced at all.
    pub fn contains(&self, key: &str) -> bool {
        self.numbers.contains_key(key)
    }

    /// Keys in note order.
    pub fn keys(&self) -> &[String] {
        &self.order
    }
}

/// Lowercase roman numeral for `n` (1 -> "i"); beyond 3999 the arabic number.
pub fn roman(n: usize) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    const TABLE: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut rest = n;
    let mut out = String::new();
    for (value, digits) in TABLE {
        while rest >= value {
            out.push_str(digits);
            rest -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        let got: Vec<String> = [1, 2, 4, 9, 14, 40, 90, 400, 1994].map(roman).to_vec();
        assert_eq!(
            got,
            ["i", "ii", "iv", "ix", "xiv", "xl", "xc", "cd", "mcmxciv"]
        );
        // The edges: 3,999 is the last roman number; 0 and 4,000 print as
        // digits instead of an empty or a four-m marker.
        assert_eq!(roman(3999), "mmmcmxcix");
        assert_eq!(roman(4000), "4000");
        assert_eq!(roman(0), "0");
    }

    #[test]
    fn numbers_follow_first_reference() {
        let mut notes = NoteNumbering::default();
        assert_eq!(notes.reference("b"), (1, true));
        assert_eq!(notes.reference("a"), (2, true));
        assert_eq!(notes.reference("b"), (1, false));
        assert_eq!(notes.keys(), ["b", "a"]);
        assert!(!notes.contains("c"));
    }
}
