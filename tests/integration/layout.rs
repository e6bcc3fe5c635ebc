//! Checks at the layout level, through the library: the frames' text runs,
//! their fonts, direction, shaping and positions. Extracted text cannot
//! show these (extractors reorder right-to-left runs).

use std::path::{Path, PathBuf};

use briefpress::build::document;
use briefpress::load::project::Project;
use briefpress::typeset::{self, Typesetter, fonts};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::text::{FontStyle, FontWeight, TextItem};
use typst_layout::PagedDocument;

use crate::support::TempProject;

/// A text run with its absolute position on its page.
struct Placed {
    page: usize,
    pos: Point,
    item: TextItem,
}

fn layout(project: &TempProject, file: &str) -> Result<PagedDocument, String> {
    let fonts = fonts::load(&[] as &[PathBuf]).unwrap();
    let typesetter = Typesetter::new(Project::open(&project.root).unwrap(), fonts);
    let path = project.path(file);
    let show = |diags: Vec<briefpress::diag::Diagnostic>| {
        diags.iter().map(ToString::to_string).collect::<String>()
    };
    let ready = document::ready(&typesetter, &path, Path::new(file)).map_err(show)?;
    typeset::typeset(&typesetter, &ready.prepared, &ready.loaded.file)
        .map(|t| t.document)
        .map_err(show)
}

fn text_runs(document: &PagedDocument) -> Vec<Placed> {
    fn walk(frame: &Frame, ts: Transform, page: usize, out: &mut Vec<Placed>) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(group) => {
                    let inner = ts
                        .pre_concat(Transform::translate(pos.x, pos.y))
                        .pre_concat(group.transform);
                    walk(&group.frame, inner, page, out);
                }
                FrameItem::Text(text) => out.push(Placed {
                    page,
                    pos: pos.transform(ts),
                    item: text.clone(),
                }),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        walk(&page.frame, Transform::identity(), index + 1, &mut out);
    }
    out
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

pub const RTL_ARTICLE: &str = r#"kind = "article"
headline = "Regional coverage in Arabic and Persian"
date = 2024-03-01
body = "Two sources in right-to-left scripts follow."

[[sources]]
title = "روسيا تعزز وجودها العسكري في آسيا الوسطى"
lang = "ar"
translation = "Russia strengthens its military presence in Central Asia"
outlet = "Al Example"
date = 2024-02-10
url = "https://example.org/ar/1"
excerpt_lang = "ar"
excerpt = """
أعلنت وزارة الدفاع في عام ٢٠٢٤ عن مناورات مشتركة مع NATO في منطقة آسيا الوسطى.
"""

[[sources]]
title = "همکاری امنیتی ایران و تاجیکستان گسترش می‌یابد"
lang = "fa"
translation = "Iran-Tajikistan security cooperation expands"
outlet = "Example Persian Daily"
date = 2024-02-12
url = "https://example.org/fa/2"
excerpt_lang = "fa"
excerpt = """
در سال ۱۴۰۲ تهران و دوشنبه یک توافق‌نامه امنیتی امضا کردند.
"""
"#;

/// The right-to-left layout fixture (Arabic and Persian with ZWNJ) with
/// two sources more: an Arabic title with shadda, tanween, hamza and
/// lam-alef, and a Chinese one.
pub fn scripts_article() -> String {
    format!(
        "{RTL_ARTICLE}
[[sources]]
title = \"روسيا تُعزِّز وجودًا عسكريًّا لا سابق له\"
lang = \"ar\"
translation = \"Russia strengthens an unprecedented military presence\"
outlet = \"Al Example\"
date = 2024-02-11
url = \"https://example.org/ar/4\"

[[sources]]
title = \"中国与中亚国家加强安全合作\"
lang = \"zh\"
translation = \"China and the Central Asian states strengthen security cooperation\"
outlet = \"Example Daily\"
date = 2024-02-14
url = \"https://example.org/zh/3\"
"
    )
}

#[test]
fn arabic_and_persian_are_set_right_to_left_with_joined_forms() {
    let project = TempProject::new("rtl");
    project.write("rtl.toml", RTL_ARTICLE);
    let document = layout(&project, "rtl.toml").unwrap();
    let runs = text_runs(&document);

    for (title, translation) in [
        ("روسيا تعزز وجودها العسكري", "(Russia strengthens"),
        ("همکاری امنیتی ایران", "(Iran-Tajikistan"),
    ] {
        let first_word = title.split(' ').next().unwrap();
        let rtl = runs
            .iter()
            .find(|r| r.item.text.contains(first_word))
            .unwrap_or_else(|| panic!("no run holds `{first_word}`"));
        let item = &rtl.item;
        assert!(
            item.font.info().family == "Noto Naskh Arabic",
            "{title}: set in {}",
            item.font.info().family
        );

        // Right to left: glyphs are stored left to right on the page, so in
        // an RTL run their positions in the text decrease.
        let starts: Vec<usize> = item.glyphs.iter().map(|g| g.range().start).collect();
        assert!(
            starts.windows(2).all(|w| w[0] >= w[1]),
            "{title}: not right-to-left: {starts:?}"
        );

        // Joined letter forms: most glyphs are contextual forms, not the
        // font's nominal (isolated) glyph for the character.
        let face = item.font.ttf();
        let shaped = item
            .glyphs
            .iter()
            .filter(|g| {
                let c = item.text[g.range()].chars().next().unwrap();
                is_arabic(c) && face.glyph_index(c).is_some_and(|nominal| nominal.0 != g.id)
            })
            .count();
        let letters = item.text.chars().filter(|&c| is_arabic(c)).count();
        assert!(
            shaped * 2 > letters,
            "{title}: only {shaped} of {letters} letters in joined forms"
        );

        // Inside the left-to-right page the translation follows the title:
        // right of it on the same line, or on a later line.
        let after = runs
            .iter()
            .find(|r| r.item.text.contains(translation.trim_start_matches('(')))
            .unwrap_or_else(|| panic!("no run holds {translation}"));
        let same_line = (after.pos.y - rtl.pos.y).to_pt().abs() < 0.5;
        let rtl_end = rtl.pos.x + item.width();
        assert!(
            after.page > rtl.page
                || (same_line && (after.pos.x - rtl_end).to_pt() > -0.01)
                || after.pos.y > rtl.pos.y,
            "{title}: translation not after the title"
        );
    }

    // Arabic-Indic and Persian digits, and Latin inside an Arabic line.
    for needle in ["٢٠٢٤", "۱۴۰۲", "NATO"] {
        assert!(
            runs.iter().any(|r| r.item.text.contains(needle)),
            "`{needle}` not set"
        );
    }
    let nato = runs.iter().find(|r| r.item.text.contains("NATO")).unwrap();
    assert_eq!(nato.item.font.info().family, "Noto Serif");

    // Excerpts in those languages are right-to-left paragraphs: each starts
    // at the right edge of its line.
    for first_word in ["أعلنت", "در"] {
        let start = runs
            .iter()
            .find(|r| r.item.text.split(' ').any(|w| w == first_word))
            .unwrap_or_else(|| panic!("no run holds `{first_word}`"));
        let line_right = runs
            .iter()
            .filter(|r| r.page == start.page && (r.pos.y - start.pos.y).to_pt().abs() < 0.5)
            .map(|r| (r.pos.x + r.item.width()).to_pt())
            .fold(f64::MIN, f64::max);
        let end = (start.pos.x + start.item.width()).to_pt();
        assert!(
            (line_right - end).abs() < 0.5,
            "`{first_word}` does not start its line at the right"
        );
    }
}

/// Arabic vowel marks and punctuation are shaped with their letters, at the
/// Arabic size: every run holding a damma, a kasra, a shadda, a tanween, an
/// Arabic comma or question mark is set in Noto Naskh Arabic at 1.13 times
/// the Latin size, and the mark lies over its letter. (Before, marks, of
/// script Inherited, fell outside the script's size rule: they were shaped
/// apart, at the Latin size, beside their letters.)
#[test]
fn arabic_marks_and_punctuation_are_set_with_their_letters() {
    let project = TempProject::new("marks");
    project.write(
        "marks.toml",
        "kind = \"article\"\nheadline = \"Marks\"\ndate = 2024-03-01\nbody = \"Text.\"\n\n\
         [[sources]]\ntitle = \"روسيا تُعزِّز وجودًا عسكريًّا، لا سابق له؟\"\nlang = \"ar\"\n\
         translation = \"Russia strengthens an unprecedented presence?\"\noutlet = \"Al Example\"\n\
         date = 2024-02-11\nurl = \"https://example.org/ar/4\"\n",
    );
    let document = layout(&project, "marks.toml").unwrap();
    let runs = text_runs(&document);
    let latin = runs
        .iter()
        .find(|r| r.item.text.contains("unprecedented"))
        .expect("the translation is set");
    for mark in ['\u{064F}', '\u{0650}', '\u{0651}', '\u{064B}', '،', '؟'] {
        let holders: Vec<&Placed> = runs.iter().filter(|r| r.item.text.contains(mark)).collect();
        assert!(!holders.is_empty(), "U+{:04X} is not set", mark as u32);
        for run in holders {
            assert_eq!(run.item.font.info().family, "Noto Naskh Arabic");
            let scale = run.item.size / latin.item.size;
            assert!(
                (scale - 1.13).abs() < 0.005,
                "U+{:04X} in `{}` set at {scale} times the Latin size",
                mark as u32,
                run.item.text
            );
        }
    }
    // The damma of تُ lies over the teh: its run starts inside the letter's.
    let teh: Vec<&Placed> = runs.iter().filter(|r| r.item.text == "ت\u{064F}").collect();
    let [first, second] = teh.as_slice() else {
        panic!(
            "teh and damma are not two glyphs of one cluster: {}",
            teh.len()
        );
    };
    let (letter, damma) = if first.item.width() > second.item.width() {
        (first, second)
    } else {
        (second, first)
    };
    let offset = (damma.pos.x - letter.pos.x).to_pt();
    assert!(
        (0.0..letter.item.width().to_pt()).contains(&offset),
        "the damma is {offset} pt from its letter"
    );
}

#[test]
fn central_asian_cyrillic_letters_in_every_style() {
    let letters = "ў қ ғ ҳ ӣ ӯ ң ү ө Ў Қ Ғ Ҳ Ӣ Ӯ Ң Ү Ө";
    let project = TempProject::new("cyrillic");
    project.write(
        "cyr.toml",
        format!(
            "kind = \"article\"\nheadline = \"Тоҷикистон {letters}\"\ndate = 2024-01-01\n\
             body = \"\"\"\nRegular {letters}. *Italic {letters}.* **Bold {letters}.** ***Both {letters}.***\n\"\"\"\n"
        ),
    );
    let document = layout(&project, "cyr.toml").unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for run in text_runs(&document) {
        if run.item.text.contains('ў') {
            let info = run.item.font.info();
            assert!(
                info.family == "Noto Serif" || info.family == "Noto Sans",
                "{}",
                info.family
            );
            let style = info.variant.style == FontStyle::Italic;
            let bold = info.variant.weight >= FontWeight::BOLD;
            seen.insert((info.family.clone(), style, bold));
        }
    }
    let expected: std::collections::BTreeSet<(String, bool, bool)> = [
        ("Noto Serif", false, false),
        ("Noto Serif", true, false),
        ("Noto Serif", false, true),
        ("Noto Serif", true, true),
        ("Noto Sans", false, true),
    ]
    .into_iter()
    .map(|(f, i, b)| (f.to_string(), i, b))
    .collect();
    assert_eq!(seen, expected);
}

#[test]
fn long_urls_stay_inside_the_text_area() {
    let url = format!(
        "https://kloop.kg/blog/2023/04/29/{}/",
        "shojgu-rossiya-povyshaet-boegotovnost-svoih-voennyh-baz".repeat(3)
    );
    assert!(url.len() > 150);
    // A pasted hash or identifier: one word, no break opportunities.
    let word = "3f9a0c".repeat(26);
    let project = TempProject::new("long-url");
    project.write(
        "url.toml",
        format!(
            "kind = \"article\"\nheadline = \"Long addresses\"\ndate = 2024-01-01\npaper = \"a4\"\n\
             body = \"See {url} for the whole text, or {word} as pasted.\"\n\n[[sources]]\ntitle = \"Заголовок\"\nlang = \"ru\"\n\
             outlet = \"Kloop\"\nurl = \"{url}\"\n"
        ),
    );
    let document = layout(&project, "url.toml").unwrap();
    let page = &document.pages()[0].frame;
    let (width, margin) = (page.width().to_pt(), 0.95 * 72.0);
    assert!((width - 595.28).abs() < 0.1, "not A4: {width}");
    let runs = text_runs(&document);
    let url_runs = runs
        .iter()
        .filter(|r| r.item.text.contains("shojgu"))
        .count();
    assert!(
        url_runs >= 4,
        "the URLs were not broken over lines ({url_runs} runs)"
    );
    for run in &runs {
        let left = run.pos.x.to_pt();
        let right = left + run.item.width().to_pt();
        assert!(
            left >= margin - 0.5 && right <= width - margin + 0.5,
            "`{}` spans {left:.1}..{right:.1} pt, outside {margin:.1}..{:.1}",
            run.item.text,
            width - margin
        );
    }
}

#[test]
fn takeaways_too_long_for_a_page_are_an_error_at_their_line() {
    let item = "A takeaway long enough to fill several lines of the box, repeated so that the box is taller than any page could hold. ".repeat(4);
    let items: Vec<String> = (0..14).map(|_| format!("  \"{item}\",")).collect();
    let project = TempProject::new("takeaways");
    project.write(
        "long.toml",
        format!(
            "kind = \"brief\"\ntitle = \"Too much\"\ndate = \"2024-01\"\ntakeaways = [\n{}\n]\n",
            items.join("\n")
        ),
    );
    let error = layout(&project, "long.toml").expect_err("an overlong takeaways box must fail");
    assert!(error.contains("--> long.toml:4:13"), "{error}");
    assert!(
        error.contains("the Key Takeaways box is") && error.contains("more than the"),
        "{error}"
    );
}

/// Noto Serif SC is bundled in two files (fonts/README.md): Chinese within
/// GB 2312 is set from the first alone, and a rarer ideograph (镕, in Zhu
/// Rongji's name) from the supplement, the characters around it staying in
/// the first; the PDF and the EPUB embed the supplement only then, and the
/// title comes back whole from the PDF's text layer.
#[test]
fn ideographs_outside_gb2312_come_from_the_supplement() {
    let project = TempProject::new("chinese-supplement");
    let common = scripts_article();
    let rare = common.replace("中国与中亚国家加强安全合作", "朱镕基谈中亚安全合作");
    assert_ne!(rare, common);
    project.write("common.toml", &common);
    project.write("rare.toml", &rare);

    let families = |file: &str, text: &str| -> Vec<(String, String)> {
        let document = layout(&project, file).unwrap();
        text_runs(&document)
            .into_iter()
            .filter(|r| r.item.text.chars().any(|c| text.contains(c)))
            .map(|r| (r.item.text.to_string(), r.item.font.info().family.clone()))
            .collect()
    };
    let common_runs = families("common.toml", "中国与中亚国家加强安全合作");
    assert!(!common_runs.is_empty());
    assert!(
        common_runs
            .iter()
            .all(|(_, family)| family == "Noto Serif SC"),
        "{common_runs:?}"
    );
    let rare_runs = families("rare.toml", "朱镕基谈中亚安全合作");
    assert!(
        rare_runs.contains(&("镕".to_string(), "Noto Serif SC Supplement".to_string())),
        "{rare_runs:?}"
    );
    assert!(
        rare_runs
            .iter()
            .filter(|(text, _)| !text.contains('镕'))
            .all(|(_, family)| family == "Noto Serif SC"),
        "{rare_runs:?}"
    );

    for (file, supplement) in [("common", false), ("rare", true)] {
        let run = project.run(&[
            "build",
            &format!("{file}.toml"),
            "--edition",
            "pdf,epub",
            "-o",
            &format!("{file}.pdf"),
        ]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let pdf = project.path(&format!("{file}.pdf"));
        let fonts = crate::support::pdf_fonts(&pdf);
        assert_eq!(
            fonts
                .iter()
                .any(|(name, _)| name.contains("NotoSerifSCSupplement")),
            supplement,
            "{file}: {fonts:?}"
        );
        let title = if supplement {
            "朱镕基谈中亚安全合作"
        } else {
            "中国与中亚国家加强安全合作"
        };
        let text = crate::support::pdf_text(&pdf);
        assert!(text.contains(title), "{file}: {title} not in\n{text}");
        // The book embeds the supplement under the same family, for 镕.
        let book = crate::epub::unzip(&project.path(&format!("{file}.epub")));
        assert_eq!(
            book.contains_key("EPUB/fonts/NotoSerifSCSupplement-Regular.ttf"),
            supplement
        );
        if supplement {
            let css = String::from_utf8(book["EPUB/fonts/fonts.css"].clone()).unwrap();
            let face = "font-family: \"Noto Serif SC\"; font-weight: 400; font-style: normal; \
                        src: url(\"NotoSerifSCSupplement-Regular.ttf\") format(\"truetype\"); \
                        unicode-range: U+9555;";
            assert!(css.contains(face), "{css}");
        }
    }
}
