//! What each required key is for, with a line that would do, so that a
//! missing key is explained in the analyst's terms rather than serde's.

/// `(table, key, what it is for, a valid line)`. The table is the last name
/// of the table the key is missing from (`""` for the document itself,
/// `"*"` for any table), for keys whose meaning depends on it.
const REQUIRED: &[(&str, &str, &str, &str)] = &[
    (
        "",
        "kind",
        "it says what the document is, which decides its other keys",
        "kind = \"article\"",
    ),
    (
        "",
        "headline",
        "the article's headline, printed at the top and used as the PDF's title",
        "headline = \"China Reinvigorates Belt and Road Initiative in Central Asia\"",
    ),
    (
        "",
        "title",
        "the document's title, printed at the top and used as the PDF's title",
        "title = \"Chinese-Tajikistani Security Cooperation Gaining Momentum\"",
    ),
    (
        "",
        "body",
        "the analysis itself, paragraphs separated by blank lines",
        "body = \"\"\"The first paragraph of the analysis.\"\"\"",
    ),
    (
        "",
        "takeaways",
        "the bullets of the Key Takeaways box, one string each",
        "takeaways = [\"The first finding.\", \"The second finding.\"]",
    ),
    (
        "",
        "date",
        "the date printed in the header and stamped on the PDF: a day, \"2024-01\" for a month or \"2024\" for a year",
        "date = 2024-01-25",
    ),
    (
        "",
        "volume",
        "the volume number printed on the cover and in running heads",
        "volume = 14",
    ),
    (
        "",
        "number",
        "the issue's number within its volume",
        "number = 2",
    ),
    (
        "",
        "sections",
        "the issue's sections, each gathering its articles",
        "[[sections]]`, then `name = \"Central Asia\"` and `articles = [\"../central-asia/china-bri-security.toml\"]",
    ),
    (
        "sections",
        "name",
        "the section's name, printed in the contents and above its articles",
        "name = \"Central Asia\"",
    ),
    (
        "sections",
        "articles",
        "the files of the section's articles and briefs, relative to the issue",
        "articles = [\"../central-asia/china-bri-security.toml\"]",
    ),
    (
        "sections",
        "heading",
        "the section's heading, printed above its text",
        "heading = \"Background\"",
    ),
    (
        "sources",
        "title",
        "the source's title in its original language and script",
        "title = \"习近平同乌兹别克斯坦总统米尔济约耶夫会谈\"",
    ),
    (
        "sources",
        "lang",
        "the language of the title (zh, ru, ar, fa, ...), so that it is set in its script and read aloud right",
        "lang = \"zh\"",
    ),
    (
        "sources",
        "outlet",
        "the newspaper, agency or website that published the source, printed in italics",
        "outlet = \"People’s Daily\"",
    ),
    (
        "*",
        "path",
        "the image file, relative to this document",
        "path = \"images/kyrgyz-highway.png\"",
    ),
    (
        "*",
        "alt",
        "what the image shows, spoken by screen readers in its place (PDF/UA requires it)",
        "alt = \"A highway running across a plain towards mountains.\"",
    ),
    (
        "*",
        "caption",
        "the caption printed with the image and in Image Information",
        "caption = \"Kyrgyz Highway A363 towards Chinese border-Xinjiang.\"",
    ),
    (
        "comments",
        "field",
        "the field the reviewer's comment is about",
        "field = \"headline\"",
    ),
    (
        "comments",
        "text",
        "what the reviewer says",
        "text = \"Check the spelling of this name.\"",
    ),
    (
        "*",
        "country",
        "the country the entry is listed under, as an ISO 3166-1 code",
        "country = \"TJ\"",
    ),
    (
        "*",
        "name",
        "the entry's name, printed as its heading and used to sort it",
        "name = \"201st Military Base\"",
    ),
    (
        "*",
        "iterations",
        "the times the exercise was held, one table each",
        "[[exercises.iterations]]`, then `date = \"2019-09\"",
    ),
];

/// What `key`, missing from the table named `table` (`""` for the
/// document itself), is for, and a line that would do.
pub fn explain(table: &str, key: &str) -> Option<(&'static str, &'static str)> {
    let find = |wanted: &str| {
        REQUIRED
            .iter()
            .find(|(t, k, _, _)| *k == key && *t == wanted)
            .map(|(_, _, purpose, line)| (*purpose, *line))
    };
    find(table).or_else(|| find("*")).or_else(|| {
        REQUIRED
            .iter()
            .find(|(_, k, _, _)| *k == key)
            .map(|(_, _, p, l)| (*p, *l))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key a schema requires anywhere.
    fn required_keys(value: &serde_json::Value, keys: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Array(names)) = map.get("required") {
                    keys.extend(names.iter().filter_map(|n| n.as_str().map(String::from)));
                }
                map.values().for_each(|v| required_keys(v, keys));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| required_keys(v, keys)),
            _ => {}
        }
    }

    #[test]
    fn every_required_key_of_every_kind_is_explained() {
        let mut keys = Vec::new();
        for (_, text) in crate::load::schema::all() {
            let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
            required_keys(&schema, &mut keys);
        }
        assert!(keys.len() > 20, "{keys:?}");
        for key in keys {
            assert!(
                explain("", &key).is_some(),
                "`{key}` is required but not explained"
            );
        }
        assert!(
            explain("sources", "title")
                .unwrap()
                .0
                .contains("original language")
        );
        assert!(explain("", "title").unwrap().0.contains("document's title"));
        assert!(explain("sections", "name").unwrap().0.contains("section"));
        assert!(explain("facilities", "name").unwrap().0.contains("entry"));
    }
}
