//! Whole issues: cover, contents with the right page numbers, page labels,
//! nested bookmarks, running heads, and member PDFs of their own.

use crate::support::{
    TempProject, flat, page_labels, pdf_page_head, pdf_page_text, pdf_text, pdf_xml, repo, run_in,
};

const ISSUE: &str = "briefs/issues/oe-watch-2024-02.toml";

/// (section, titles of its members) as in the sample issue.
fn sections() -> Vec<(String, Vec<String>)> {
    let issue: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join(ISSUE)).unwrap()).unwrap();
    issue["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|section| {
            let titles = section["articles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|path| {
                    let file = repo().join("briefs/issues").join(path.as_str().unwrap());
                    let doc: toml::Table =
                        toml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
                    doc.get("headline")
                        .or(doc.get("title"))
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect();
            (section["name"].as_str().unwrap().to_string(), titles)
        })
        .collect()
}

fn build_issue(out: &TempProject) {
    let run = run_in(
        &repo(),
        &["build", ISSUE, "--out-dir", out.root.to_str().unwrap()],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Contents page numbers need the layout to converge; Typst only warns
    // when it does not, so any warning fails.
    assert!(
        !run.stderr.contains("warning"),
        "the issue build warned:\n{}",
        run.stderr
    );
}

#[test]
fn contents_and_page_labels_match_where_articles_start() {
    let out = TempProject::new("issue-contents");
    build_issue(&out);
    let pdf = out.path("issues/oe-watch-2024-02.pdf");
    let labels = page_labels(&pdf);
    assert_eq!(
        &labels[..4],
        ["i", "ii", "1", "2"],
        "front matter in roman, articles from 1"
    );
    let contents = flat(&pdf_page_text(&pdf, 2));
    assert!(
        contents.starts_with("OE Watch · Vol. 14, Issue 2, February 2024")
            || contents.contains("Contents")
    );
    let pages: Vec<String> = (1..=labels.len())
        .map(|p| flat(&pdf_page_text(&pdf, p)))
        .collect();
    let mut starts = Vec::new();
    for (_, titles) in sections() {
        for title in titles {
            // The contents line: title, leader dots, page number.
            let after = &contents[contents
                .find(&title)
                .unwrap_or_else(|| panic!("`{title}` not in contents"))..];
            let number: String = after[title.len()..]
                .trim_start_matches([' ', '.'])
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            // The first page after the front matter that shows the title.
            let start = (2..pages.len())
                .find(|&p| pages[p].contains(&title))
                .unwrap_or_else(|| panic!("`{title}` not printed"));
            assert_eq!(
                number, labels[start],
                "`{title}`: contents says {number}, it starts on page labelled {}",
                labels[start]
            );
            assert!(
                pages[start - 1].split_whitespace().last() != Some(&labels[start]),
                "each article starts on a new page"
            );
            starts.push(start);
        }
    }
    assert!(
        starts.windows(2).all(|w| w[0] < w[1]),
        "articles out of order: {starts:?}"
    );
    // Folios print the page labels.
    for (page, label) in pages.iter().zip(&labels).skip(1) {
        assert_eq!(
            page.split_whitespace().last(),
            Some(label.as_str()),
            "folio of page {label}"
        );
    }
}

#[test]
fn bookmarks_nest_section_then_article_and_heads_name_the_section() {
    let out = TempProject::new("issue-outline");
    build_issue(&out);
    let pdf = out.path("issues/oe-watch-2024-02.pdf");
    let xml = pdf_xml(&pdf);
    let outline = &xml[xml.find("<outline>").unwrap()..];
    for (section, titles) in sections() {
        let at = outline
            .find(&format!(">{section}</item>\n<outline>"))
            .unwrap_or_else(|| panic!("no bookmark for {section} with children"));
        let children = &outline[at..];
        for title in &titles {
            assert!(
                children.contains(&format!(">{title}</item>")),
                "{title} not nested under {section}"
            );
        }
    }
    // Running heads: every page of a section names it.
    let pages = page_labels(&pdf).len();
    let mut current = None;
    for page in 3..=pages {
        let text = pdf_page_text(&pdf, page);
        let head = pdf_page_head(&pdf, page);
        assert!(
            head.contains("OE Watch · Vol. 14, Issue 2, February 2024"),
            "page {page} head: {head}"
        );
        for (section, titles) in sections() {
            if titles.iter().any(|t| flat(&text).contains(t.as_str())) {
                current = Some(section.to_uppercase());
            }
        }
        let section = current.as_deref().unwrap();
        assert!(
            head.contains(section),
            "page {page}: head `{head}` does not name {section}"
        );
    }
}

#[test]
fn members_get_their_own_pdfs_naming_the_issue_and_notes_restart() {
    let out = TempProject::new("issue-members");
    build_issue(&out);
    let members: Vec<String> = std::fs::read_dir(out.path("oe-watch-2024-02"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut members = members;
    members.sort();
    assert_eq!(
        members,
        [
            "01-china-bri-security.pdf",
            "02-russia-bases-readiness.pdf",
            "03-migrant-workers-trenches.pdf",
            "04-russia-security-commitments.pdf",
            "05-china-tajikistan-security.pdf"
        ]
    );
    for member in &members {
        let text = flat(&pdf_text(&out.path(&format!("oe-watch-2024-02/{member}"))));
        assert!(
            text.contains("OE Watch · Vol. 14, Issue 2, February 2024"),
            "{member} does not name the issue"
        );
    }
    // Each article's notes start again at [i].
    let issue = flat(&pdf_text(&out.path("issues/oe-watch-2024-02.pdf")));
    let restarts = issue.match_indices("Notes [i]").count();
    assert_eq!(restarts, 3, "three articles have notes, each from [i]");
}
