//! Data stays data: text that looks like Typst or Markdown prints as written.

use crate::support::{TempProject, flat, pdf_info, pdf_text, visible_text};

const HOSTILE: &str = r##"kind = "article"
headline = "#read(\"/etc/passwd\") $x$ ] <lbl> @ref // \\ #set page(width: 1cm)"
section = "# Region $1 @home"
date = 2024-01-25
authors = ["Ann <b>Bold</b> #strong[x]"]
pull_quote = "]*_ #import \"@preview/cetz:0.3.0\": * /* not a comment */"
body = """
# not a heading

- not a list item

1. not an enumeration

Inline: #read("/etc/passwd") and $x^2$ and ] and <lbl> and @ref and // no comment, a \\ backslash, \\*kept stars\\*, plain *emphasis* and **strong**.[^n]
"""

[image]
path = "img.png"
alt = "alt #text"
caption = "Caption #emph[no] <cap>"
source = "Credit $ and @ and ]"
license = "CC BY 4.0 // text"

[[sources]]
title = "#sym.arrow «Title» <t>"
lang = "ru"
translation = "$translated$"
outlet = "@outlet #outlet"
outlet_description = "] desc ["
url = "https://example.org/a_(b)#frag"
excerpt = "#excerpt [^n] = heading? == no"

[notes]
n = "Note with #code and $math$ and <label> and @cite, see https://example.org/note."
"##;

#[test]
fn typst_and_markdown_syntax_print_literally() {
    let project = TempProject::new("literal");
    project.image("img.png");
    project.write("hostile.toml", HOSTILE);
    let run = project.run(&["build", "hostile.toml"]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let text = flat(&pdf_text(&project.path("out/hostile.pdf")));
    for expected in [
        "#read(\"/etc/passwd\") $x$ ] <lbl> @ref // \\ #set page(width: 1cm)",
        "# REGION $1 @HOME",
        "Ann <b>Bold</b> #strong[x]",
        "]*_ #import \"@preview/cetz:0.3.0\": * /* not a comment */",
        "# not a heading",
        "- not a list item",
        "1. not an enumeration",
        "Inline: #read(\"/etc/passwd\") and $x^2$ and ] and <lbl> and @ref and // no comment, a \\ backslash, *kept stars*, plain emphasis and strong.",
        "Caption #emph[no] <cap>",
        "Credit $ and @ and ]",
        "CC BY 4.0 // text",
        "#sym.arrow «Title» <t>",
        "$translated$",
        "@outlet #outlet",
        "] desc [",
        "#excerpt",
        "= heading? == no",
        "Note with #code and $math$ and <label> and @cite, see https://example.org/note.",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` not printed literally in:\n{text}"
        );
    }
    assert!(
        !text.contains("root:x:0:0"),
        "a file was read into the document"
    );
    // The web page prints the same text as text: no element, no script
    // and no file comes from the document.
    let run = project.run(&["build", "hostile.toml", "--edition", "html"]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let html = std::fs::read_to_string(project.path("out/hostile.html")).unwrap();
    let shown = flat(&visible_text(&html));
    for expected in [
        "#read(\"/etc/passwd\") $x$ ] <lbl> @ref // \\ #set page(width: 1cm)",
        "Ann <b>Bold</b> #strong[x]",
        "]*_ #import \"@preview/cetz:0.3.0\": * /* not a comment */",
        "Caption #emph[no] <cap>",
        "#sym.arrow «Title» <t>",
        "Note with #code and $math$ and <label> and @cite, see https://example.org/note.",
    ] {
        assert!(
            shown.contains(expected),
            "`{expected}` not shown literally in:\n{shown}"
        );
    }
    for injected in ["<b>", "<lbl>", "<t>", "<script", "root:x:0:0"] {
        assert!(
            !html.contains(injected),
            "{injected} reached the page's markup"
        );
    }
    let pdf = project.path("out/hostile.pdf");
    assert_eq!(pdf_info(&pdf, "Author"), "Ann <b>Bold</b> #strong[x]");
    assert!(pdf_info(&pdf, "Title").starts_with("#read(\"/etc/passwd\") $x$"));
}
