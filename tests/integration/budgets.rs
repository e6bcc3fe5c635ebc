//! Budgets and floods: oversized or pathological input is refused at its
//! line within memory and time, floods of diagnostics are capped, nothing a
//! user wrote reaches the terminal as a control sequence, and numeric
//! arguments are checked.

use std::process::Command;
use std::time::Duration;

use crate::support::{TempProject, bounded};

/// A minimal article whose headline and body are given as TOML values.
fn article(headline: &str, body: &str) -> String {
    format!("kind = \"article\"\nheadline = {headline}\ndate = 2024-01-25\nbody = {body}\n")
}

/// Class 8: numeric arguments are finite and in range, else usage errors.
#[test]
fn timeouts_that_are_not_finite_positive_seconds_are_usage_errors() {
    let project = TempProject::new("budget-args");
    project.write("briefs/a.toml", article("\"A\"", "\"Text.\""));
    for bad in ["inf", "1e300", "nan", "0", "-5"] {
        let run = project.run(&["build", &format!("--timeout={bad}")]);
        assert_eq!(run.code, Some(2), "--timeout {bad}: {}", run.stderr);
        assert!(
            run.stderr.contains("is not a number of seconds"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(project.run(&["build", "--timeout", "60"]).code, Some(0));
}

/// Class 1 and 3: bombs are refused from the file's size or the text's
/// shape, quickly and in little memory (jobs 1, a child process measured
/// with wait4).
#[test]
fn bombs_are_refused_at_their_place_in_little_memory() {
    let project = TempProject::new("budget-bombs");
    // A 3 GB sparse document: its size is taken before reading.
    let sparse = project.path("briefs/sparse.toml");
    std::fs::create_dir_all(sparse.parent().unwrap()).unwrap();
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    // A PNG padded to 600 MB (sparse too): over the image file limit.
    let png = project.png("briefs/images/padded.png", 20, 10);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&png)
        .unwrap()
        .set_len(600 << 20)
        .unwrap();
    project.write(
        "briefs/padded.toml",
        format!(
            "{}[image]\npath = \"images/padded.png\"\nalt = \"a\"\ncaption = \"c\"\n",
            article("\"P\"", "\"Text.\"")
        ),
    );
    // "e" and 10,000 combining acute accents.
    project.write(
        "briefs/marks.toml",
        article("\"M\"", &format!("\"e{}\"", "\u{301}".repeat(10_000))),
    );
    for (file, message, at) in [
        ("briefs/sparse.toml", "over the limit of 2 MB", None),
        (
            "briefs/padded.toml",
            "over the limit of 64 MB",
            Some("padded.toml:6:8"),
        ),
        (
            "briefs/marks.toml",
            "10000 combining marks",
            Some("marks.toml:4:9"),
        ),
    ] {
        for command in ["build", "check"] {
            let run = bounded(&project.root, &[command, file, "--jobs", "1"]);
            let (code, stderr, time, mb) = (run.code, run.stderr, run.time, run.peak_kb / 1024);
            assert_eq!(code, Some(1), "{command} {file}: {stderr}");
            assert!(stderr.contains(message), "{command} {file}: {stderr}");
            if let Some(at) = at {
                assert!(stderr.contains(at), "{command} {file}: {stderr}");
            }
            assert!(mb < 512, "{command} {file} peaked at {mb} MB");
            eprintln!("{command} {file}: {} ms, {mb} MB", time.as_millis());
        }
    }
    for name in ["sparse", "padded", "marks"] {
        assert!(
            !project.path(&format!("out/{name}.pdf")).exists(),
            "{name}.pdf was written"
        );
    }
}

/// Class 4: a paragraph of thousands of characters no font has gives at
/// most 50 diagnostics and a count, fast, with the source line cut to a
/// window around the caret.
#[test]
fn a_flood_of_diagnostics_is_capped_and_lines_are_windowed() {
    let project = TempProject::new("budget-flood");
    // 2,000 distinct Hangul syllables (no bundled font has Korean), in a
    // paragraph on one line.
    let hangul: String = (0xAC00u32..0xAC00 + 2_000)
        .filter_map(char::from_u32)
        .collect();
    project.write(
        "briefs/flood.toml",
        article("\"F\"", &format!("\"{}\"", hangul.repeat(20))),
    );
    let run = bounded(&project.root, &["check", "briefs/flood.toml"]);
    let (code, stderr, time) = (run.code, run.stderr, run.time);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(time < Duration::from_secs(10), "took {time:?}");
    let errors = stderr.matches("error:").count();
    assert!(errors <= 51, "{errors} errors printed");
    assert!(
        stderr.contains("… and 1951 more characters no bundled font has a glyph for"),
        "{}",
        &stderr[stderr.len().saturating_sub(600)..]
    );
    let longest = stderr.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest <= 140, "a line of {longest} characters was printed");
}

/// Class 4: text echoed from a document (a key with terminal escape
/// sequences, a control character in a comment) reaches the terminal
/// escaped, and no message is ever empty.
#[test]
fn echoed_text_cannot_drive_the_terminal_and_messages_are_never_empty() {
    let project = TempProject::new("budget-echo");
    project.write(
        "briefs/keys.toml",
        format!(
            "{}\"x\\u001b]0;owned\\u0007\\u001b[2J\" = 1\n",
            article("\"K\"", "\"Text.\"")
        ),
    );
    project.write(
        "briefs/comment.toml",
        format!("# a comment \u{1}\n{}", article("\"C\"", "\"Text.\"")),
    );
    for file in ["briefs/keys.toml", "briefs/comment.toml"] {
        for args in [&["build", file][..], &["check", file]] {
            let run = project.run(args);
            assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
            assert!(
                !run.stderr.contains('\u{1b}')
                    && !run.stderr.contains('\u{7}')
                    && !run.stderr.contains('\u{1}'),
                "{args:?} echoed a control character: {:?}",
                run.stderr
            );
            for line in run.stderr.lines() {
                let message = line.strip_prefix("error:").map(str::trim);
                assert!(
                    message != Some(""),
                    "{args:?}: an empty message:\n{}",
                    run.stderr
                );
            }
        }
    }
    let run = project.run(&["check", "briefs/keys.toml"]);
    assert!(run.stderr.contains("\\u{001B}"), "{}", run.stderr);
}

/// Class 2: the images of one document (an issue with its members) count
/// against `document_megapixels` together; the error is at the image that
/// passes the limit.
#[test]
fn the_images_of_an_issue_count_against_one_budget() {
    let project = TempProject::new("budget-pixels");
    project.write("briefpress.toml", "[limits]\ndocument_megapixels = 1\n");
    for name in ["a", "b"] {
        project.png(&format!("briefs/images/{name}.png"), 800, 800);
        project.write(
            &format!("briefs/{name}.toml"),
            format!(
                "{}[image]\npath = \"images/{name}.png\"\nalt = \"a\"\ncaption = \"c\"\n",
                article(&format!("\"{name}\""), "\"Text.\"")
            ),
        );
    }
    // Each alone is within the budget (0.64 megapixels).
    assert_eq!(project.run(&["check", "briefs/a.toml"]).code, Some(0));
    project.write(
        "briefs/issue.toml",
        "kind = \"issue\"\nvolume = 1\nnumber = 1\ndate = \"2024-02\"\n\n[[sections]]\nname = \"S\"\narticles = [\"a.toml\", \"b.toml\"]\n",
    );
    let run = project.run(&["check", "briefs/issue.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("add up to 1.3 megapixels, over the limit of 1 megapixels"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("b.toml:6:8"), "{}", run.stderr);
}

/// A compendium part with `count` exercises, each held once.
fn part_with_exercises(prefix: &str, count: usize) -> String {
    let mut text = String::from("kind = \"compendium-part\"\n");
    for n in 0..count {
        text.push_str(&format!(
            "\n[[exercises]]\ntitle = \"{prefix} {n}\"\ndescription = \"An exercise.\"\n\n[[exercises.iterations]]\ndate = 2019\nparticipants = [\"RU\", \"KZ\"]\nhost = \"RU\"\n"
        ));
    }
    text
}

fn compendium(includes: &[&str]) -> String {
    let list: Vec<String> = includes.iter().map(|i| format!("\"{i}\"")).collect();
    format!(
        "kind = \"compendium\"\ntitle = \"C\"\ndate = 2021-01-20\nauthors = [\"A\"]\ninclude = [\n{}\n]\n",
        list.join(",\n")
    )
}

/// Class 6: a part included several times is said once per repeat (not
/// once per entry), and a compendium's entries over all its parts count
/// against `compendium_entries`, at the include that passes it.
#[test]
fn compendium_parts_are_included_once_and_their_entries_budgeted() {
    let project = TempProject::new("budget-compendium");
    project.write("briefs/parts/a.toml", part_with_exercises("Alpha", 200));
    project.write(
        "briefs/twice.toml",
        compendium(&[
            "parts/a.toml",
            "parts/a.toml",
            "./parts/a.toml",
            "parts/a.toml",
        ]),
    );
    let run = project.run(&["check", "briefs/twice.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("error:").count(),
        3,
        "one error per repeat:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("is included twice (first on line 6)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("twice.toml:7:1"), "{}", run.stderr);

    project.write("briefpress.toml", "[limits]\ncompendium_entries = 300\n");
    project.write("briefs/parts/b.toml", part_with_exercises("Bravo", 200));
    project.write(
        "briefs/big.toml",
        compendium(&["parts/a.toml", "parts/b.toml"]),
    );
    for command in ["build", "check"] {
        let run = project.run(&[command, "briefs/big.toml"]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(
            run.stderr.contains("more than 300 entries"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("big.toml:7:1"), "{}", run.stderr);
    }
}

/// Class 9: characters no font has in `briefpress.toml` or in a notice are
/// found by `check` without layout, as `build` finds them, and fail the run.
#[test]
fn check_and_build_agree_on_the_configuration_and_notices() {
    let project = TempProject::new("budget-agree");
    project.write("briefs/a.toml", article("\"A\"", "\"Text.\""));
    project.write(
        "briefs/notice.toml",
        "kind = \"notice\"\ntitle = \"공지\"\nauthors = [\"A\"]\ndate = 2006\n",
    );
    for args in [&["check", "briefs"][..], &["build", "briefs"]] {
        let run = project.run(args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("notice.toml:2:10"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("warning: error"), "{}", run.stderr);
    }
    std::fs::remove_file(project.path("briefs/notice.toml")).unwrap();
    project.write("briefpress.toml", "[publication]\nname = \"월간 Watch\"\n");
    for args in [&["check", "briefs"][..], &["build", "briefs"]] {
        let run = project.run(args);
        // A problem of the configuration stops the run before any document,
        // as every configuration error does (exit code 2).
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("briefpress.toml:2:9") && run.stderr.contains("no bundled font"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// Class 5: text that cannot fit its page (an unbreakable pull quote
/// taller than a page) is an error at its field, in build and in check
/// --deep, instead of a PDF with words cut away. A URL wider than the line
/// (here link text of 300 letters) is no longer one: it breaks over lines,
/// between any two characters where it has no break point of its own
/// (`url-text` in templates/base.typ), and the PDF holds it whole.
#[test]
fn text_that_would_run_off_the_page_is_an_error_at_its_field() {
    let project = TempProject::new("budget-off-page");
    let words: Vec<String> = (0..800).map(|n| format!("word{n}")).collect();
    project.write(
        "briefs/quote.toml",
        format!(
            "kind = \"article\"\nheadline = \"Q\"\ndate = 2024-01-25\npull_quote = \"{}\"\nbody = \"Text.\"\n",
            words.join(" ")
        ),
    );
    let run_of_letters = "a".repeat(300);
    project.write(
        "briefs/url.toml",
        article(
            "\"U\"",
            &format!("\"See [https://example.org/{run_of_letters}](https://example.org/x) here.\""),
        ),
    );
    for args in [
        &["build", "briefs/quote.toml"][..],
        &["check", "--deep", "briefs/quote.toml"],
    ] {
        let run = project.run(args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("runs past the bottom edge"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("quote.toml:4:"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(!project.path("out/quote.pdf").exists());
    for args in [
        &["check", "--deep", "briefs/url.toml"][..],
        &["build", "briefs/url.toml"],
    ] {
        let run = project.run(args);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        assert!(
            !run.stderr.contains("runs past"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let text = crate::support::pdf_text(&project.path("out/url.pdf"));
    let lines = text.lines().filter(|line| line.contains("aaaa")).count();
    assert!(lines >= 3, "the URL was not broken over lines:\n{text}");
    let joined: String = text.split_whitespace().collect();
    assert!(
        joined.contains(&format!("https://example.org/{run_of_letters}here.")),
        "the URL is not whole in the PDF:\n{text}"
    );
    // The same pull quote at a length that fits builds.
    project.write(
        "briefs/quote.toml",
        format!(
            "kind = \"article\"\nheadline = \"Q\"\ndate = 2024-01-25\npull_quote = \"{}\"\nbody = \"Text.\"\n",
            words[..40].join(" ")
        ),
    );
    let run = project.run(&["build", "briefs/quote.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

/// Class 2: files an SVG links beside it are read through the gate,
/// checked and counted with it, attached to archive PDFs (so an extracted
/// archive builds again) and refused when they leave the root.
#[test]
fn images_an_svg_links_are_checked_counted_and_archived() {
    let project = TempProject::new("budget-svg-links");
    let svg = |links: &[&str]| {
        let images: String = links
            .iter()
            .map(|link| format!("<image width=\"10\" height=\"10\" href=\"{link}\"/>"))
            .collect();
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"10\">{images}</svg>"
        )
    };
    project.png("briefs/images/a.png", 1600, 1600);
    project.png("briefs/images/b.png", 1600, 1600);
    project.write("briefs/images/two.svg", svg(&["a.png", "b.png"]));
    project.write("briefs/images/out.svg", svg(&["../../../secret.png"]));
    let doc = |image: &str| {
        format!(
            "{}[image]\npath = \"images/{image}\"\nalt = \"a\"\ncaption = \"c\"\n",
            article("\"S\"", "\"Text.\"")
        )
    };
    project.write("briefs/two.toml", doc("two.svg"));
    project.write("briefs/out.toml", doc("out.svg"));

    let run = project.run(&["check", "briefs/out.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the SVG links `../../../secret.png`: it is outside the project root"),
        "{}",
        run.stderr
    );

    // Two linked 2.56-megapixel images count together against the limit.
    project.write("briefpress.toml", "[limits]\nimage_megapixels = 4\n");
    let run = project.run(&["check", "briefs/two.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("with the images it links the SVG is 5 megapixels"),
        "{}",
        run.stderr
    );

    project.write("briefpress.toml", "# defaults\n");
    let run = project.run(&["build", "briefs/two.toml", "--profile", "archive"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let restored = project.path("restored");
    let run = project.run(&["extract", "out/archive/two.pdf", restored.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for file in [
        "briefs/images/a.png",
        "briefs/images/b.png",
        "briefs/images/two.svg",
    ] {
        assert!(
            restored.join(file).is_file(),
            "{file} is not in the archive"
        );
    }
    let rebuilt = crate::support::run_in(
        &restored,
        &["build", "briefs/two.toml", "--profile", "archive"],
    );
    assert_eq!(rebuilt.code, Some(0), "{}", rebuilt.stderr);
}

/// Class 10: margin notes of two comments on one line are stacked, the
/// second below the first, not drawn over each other.
#[test]
fn margin_notes_of_comments_on_one_line_are_stacked() {
    let project = TempProject::new("budget-margin-notes");
    project.write(
        "briefs/d.toml",
        article(
            "\"Draft\"",
            "\"One line{>>RG: the first remark about this line, long enough to wrap over several lines of the margin<<} has two{>>AB: second comment here<<} comments on it.\"",
        ),
    );
    let run = project.run(&["build", "--draft", "briefs/d.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let output = Command::new("pdftotext")
        .args(["-bbox", "out/d.pdf", "-"])
        .current_dir(&project.root)
        .output()
        .expect("pdftotext runs");
    let xml = String::from_utf8_lossy(&output.stdout);
    // Words in the right margin: (yMin, yMax, word).
    let margin: Vec<(f64, f64, String)> = xml
        .lines()
        .filter_map(|line| {
            let attr = |name: &str| -> Option<f64> {
                let start = line.find(&format!("{name}=\""))? + name.len() + 2;
                line[start..].split('"').next()?.parse().ok()
            };
            let word = line.split('>').nth(1)?.split('<').next()?.to_string();
            (attr("xMin")? > 500.0).then_some((attr("yMin")?, attr("yMax")?, word))
        })
        .collect();
    let find = |wanted: &str| {
        margin
            .iter()
            .find(|(_, _, word)| word == wanted)
            .unwrap_or_else(|| panic!("`{wanted}` is not in the margin: {margin:?}"))
    };
    // "margin" is the last word of the first note, "C2" starts the second.
    let first_end = find("margin").1;
    let second_start = find("C2").0;
    assert!(
        second_start >= first_end,
        "the second note starts at {second_start}, above the first note's end at {first_end}: {margin:?}"
    );
}
