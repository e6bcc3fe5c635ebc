//! Outputs that stay put: each profile in its own folder, nothing that
//! depends on where the project sits, no thumbnails of documents gone.

use std::path::Path;

use crate::support::{TempProject, files_below, pdf_text, run_in};

/// A small project: two articles in a region folder.
fn project(name: &str) -> TempProject {
    let project = TempProject::new(name);
    for (id, headline) in [("first", "First Article"), ("second", "Second Article")] {
        project.write(
            &format!("briefs/region/{id}.toml"),
            format!(
                "kind = \"article\"\nheadline = \"{headline}\"\nsection = \"Region\"\ndate = 2024-02-01\nbody = \"Text of the {id} article.\"\n"
            ),
        );
    }
    project
}

#[test]
fn each_profile_writes_to_its_own_folder() {
    let project = project("profiles");
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let screen = project.path("out/region/first.pdf");
    let before = std::fs::read(&screen).unwrap();
    for profile in ["print", "archive"] {
        let run = project.run(&["build", "--profile", profile]);
        assert_eq!(run.code, Some(0), "{profile}: {}", run.stderr);
        let pdf = project.path(&format!("out/{profile}/region/first.pdf"));
        assert!(
            pdf_text(&pdf).contains("First Article"),
            "{profile}: no PDF at {}",
            pdf.display()
        );
        // Each profile's folder has its own catalogue of its own PDFs.
        let index =
            std::fs::read_to_string(project.path(&format!("out/{profile}/index.html"))).unwrap();
        assert!(index.contains("href=\"region/first.pdf\""), "{index}");
    }
    // The screen PDF was not overwritten by the other profiles.
    assert!(std::fs::read(&screen).unwrap() == before);
    // The screen folder's sums leave the other profiles' folders to them.
    let sums = std::fs::read_to_string(project.path("out/SHA256SUMS")).unwrap();
    assert!(sums.contains("  region/first.pdf"), "{sums}");
    assert!(
        !sums.contains("print/") && !sums.contains("archive/"),
        "{sums}"
    );
    // Built again, each profile is unchanged (its own manifest).
    let run = project.run(&["build", "--profile", "print"]);
    assert!(
        run.stdout.contains("0 built, 2 unchanged"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_document_folder_named_like_an_output_folder_is_an_error() {
    let project = project("reserved");
    project.write(
        "briefs/print/third.toml",
        "kind = \"article\"\nheadline = \"Third\"\ndate = 2024-02-01\nbody = \"x\"\n",
    );
    for args in [&["build"][..], &["check"]] {
        let run = project.run(args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("briefs/print/third.toml")
                && run.stderr.contains("in a folder named `print`"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // The others still build.
    assert!(project.path("out/region/first.pdf").is_file());
    assert!(!project.path("out/print/third.pdf").exists());
}

/// Every file below `dir` with its bytes, but the build manifests.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_below(dir)
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, path)
        })
        .filter(|(name, _)| !name.contains(".briefpress-manifest"))
        .map(|(name, path)| (name, std::fs::read(path).unwrap()))
        .collect()
}

#[test]
fn the_output_does_not_depend_on_where_the_project_sits() {
    let near = project("where-a");
    let far = project("where-b");
    // The same project, one level deeper in another folder.
    let deeper = far.path("deeper/down");
    std::fs::create_dir_all(&deeper).unwrap();
    std::fs::rename(far.path("briefs"), deeper.join("briefs")).unwrap();
    std::fs::rename(far.path("briefpress.toml"), deeper.join("briefpress.toml")).unwrap();
    for (root, profile) in [
        (&near.root, "screen"),
        (&deeper, "screen"),
        (&near.root, "print"),
        (&deeper, "print"),
    ] {
        let run = run_in(root, &["build", "--profile", profile]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    let (a, b) = (tree(&near.path("out")), tree(&deeper.join("out")));
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b));
    assert!(a.len() >= 12, "{:?}", names(&a));
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between the two places");
    }
}

#[test]
fn thumbnails_of_documents_gone_are_removed() {
    let project = project("stale-thumbnails");
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let thumbnails = |project: &TempProject| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(project.path("out/thumbnails"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    // A screen and a print-size thumbnail for each of the two.
    assert_eq!(thumbnails(&project).len(), 4, "{:?}", thumbnails(&project));
    std::fs::remove_file(project.path("briefs/region/second.toml")).unwrap();
    // Edited: its thumbnail (named by its key) is drawn again.
    let first = project.path("briefs/region/first.toml");
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, text.replace("Text of", "New text of")).unwrap();
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let left = thumbnails(&project);
    assert_eq!(left.len(), 2, "{left:?}");
    let index = std::fs::read_to_string(project.path("out/index.html")).unwrap();
    let sums = std::fs::read_to_string(project.path("out/SHA256SUMS")).unwrap();
    for name in &left {
        assert!(sums.contains(&format!("thumbnails/{name}")), "{sums}");
    }
    assert_eq!(sums.matches("thumbnails/").count(), 2, "{sums}");
    assert!(
        index.contains(&format!("thumbnails/{}", left[0]))
            || index.contains(&format!("thumbnails/{}", left[1]))
    );
}

#[test]
fn documents_without_a_section_are_grouped_by_their_folder() {
    let project = TempProject::new("folder-groups");
    project.write(
        "briefs/central-asia/no-section.toml",
        "kind = \"article\"\nheadline = \"Without a Section\"\ndate = 2024-02-01\nbody = \"x\"\n",
    );
    project.write(
        "briefs/top.toml",
        "kind = \"article\"\nheadline = \"At the Top\"\ndate = 2024-02-01\nbody = \"x\"\n",
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let index = std::fs::read_to_string(project.path("out/index.html")).unwrap();
    let group = |title: &str| {
        let at = index
            .find(title)
            .unwrap_or_else(|| panic!("{title}: {index}"));
        let heading = index[..at]
            .rfind("<h2")
            .unwrap_or_else(|| panic!("{index}"));
        index[heading..at].to_string()
    };
    assert!(
        group("Without a Section").contains("Central Asia"),
        "{index}"
    );
    assert!(group("At the Top").contains("Other documents"), "{index}");
}

/// An undated article with sources dated `dates` (TOML values).
fn undated(headline: &str, dates: &[&str]) -> String {
    let mut text = format!(
        "kind = \"article\"\nheadline = \"{headline}\"\nsection = \"Region\"\nbody = \"The text.\"\n"
    );
    for (n, date) in dates.iter().enumerate() {
        text.push_str(&format!(
            "\n[[sources]]\ntitle = \"Source {n}\"\nlang = \"en\"\noutlet = \"Outlet\"\ndate = {date}\n"
        ));
    }
    text
}

/// The PDF's creation date as `pdfinfo -isodates` gives it.
fn created(pdf: &Path) -> String {
    crate::support::pdfinfo(pdf, &["-isodates"])
        .lines()
        .find_map(|line| {
            line.strip_prefix("CreationDate:")
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default()
}

#[test]
fn an_undated_article_prints_no_date_and_its_pdf_is_dated_by_its_sources() {
    let project = project("undated");
    project.write(
        "briefs/region/sourced.toml",
        undated("An Undated Article", &["2023-05-04", "\"2024-03\"", "2022"]),
    );
    project.write("briefs/region/bare.toml", undated("A Bare Article", &[]));
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let sourced = project.path("out/region/sourced.pdf");
    // The latest source (March 2024, at its first day), never the clock.
    assert_eq!(created(&sourced), "2024-03-01T00:00:00Z");
    assert_eq!(
        created(&project.path("out/region/bare.pdf")),
        "1980-01-01T00:00:00Z"
    );
    // Nothing where the date would stand: the header holds no year.
    let text = pdf_text(&sourced);
    let header = &text[..text.find("An Undated Article").expect("the headline")];
    assert!(!header.chars().any(|c| c.is_ascii_digit()), "{header}");
    let before = std::fs::read(&sourced).unwrap();
    // SOURCE_DATE_EPOCH wins; without it, the same bytes again.
    let run = crate::support::run_with_env(
        &project.root,
        &["build", "--force", "briefs/region/sourced.toml"],
        &[("SOURCE_DATE_EPOCH", "1700000000")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(created(&sourced), "2023-11-14T22:13:20Z");
    let run = project.run(&["build", "--force", "briefs/region/sourced.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(std::fs::read(&sourced).unwrap(), before);

    // Undated documents come last in their catalogue group, though their
    // titles sort first.
    let index = std::fs::read_to_string(project.path("out/index.html")).unwrap();
    let at = |title: &str| index.find(title).unwrap_or_else(|| panic!("{title}"));
    assert!(at("First Article") < at("A Bare Article"), "{index}");
    assert!(at("Second Article") < at("An Undated Article"), "{index}");
}

#[test]
fn an_image_credit_prints_before_its_source_link() {
    let project = TempProject::new("credit");
    let article = project.sample_article(1600, 1000);
    let text = std::fs::read_to_string(project.path(article)).unwrap();
    let credited = text.replacen(
        "\nsource = \"https://commons",
        "\ncredit = \"Photo: A. Karimov / Agency\"\nsource = \"https://commons",
        1,
    );
    assert_ne!(credited, text, "the sample's image has a source line");
    project.write(article, credited);
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let pdf = project.path("out/central-asia/china-bri-security.pdf");
    let printed = crate::support::flat(&pdf_text(&pdf));
    let credit = printed
        .find("Credit: Photo: A. Karimov / Agency")
        .unwrap_or_else(|| panic!("{printed}"));
    let source = printed
        .rfind("Source: https://commons")
        .expect("the source");
    assert!(credit < source, "{printed}");
    // The source is still a link.
    assert!(
        crate::support::pdf_xml(&pdf).contains(
            "href=\"https://commons.wikimedia.org/wiki/File:Kyrgyzstan_(6052094329).jpg\""
        ),
        "the source URL is a link"
    );
}

/// The text of a PDF's structure tree (`pdfinfo -struct-text`): what a
/// screen reader reads, artifacts left out.
fn read_aloud(pdf: &Path) -> String {
    crate::support::flat(&crate::support::pdfinfo(pdf, &["-struct-text"]).replace('"', " "))
}

#[test]
fn a_pull_quote_is_read_aloud_only_when_its_words_are_nowhere_else() {
    let project = TempProject::new("pull-quote");
    let article = |quote: &str| {
        format!(
            "kind = \"article\"\nheadline = \"Pull quotes\"\ndate = 2024-02-01\npull_quote = \"{quote}\"\nbody = \"\"\"\nThe minister said the talks would resume in spring and that the border stays open.\n\"\"\"\n"
        )
    };
    project.write(
        "briefs/repeated.toml",
        article("“The talks would resume in spring…the border stays open.”"),
    );
    project.write(
        "briefs/alone.toml",
        article("Water is the region’s quiet priority."),
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Both print; only the one found nowhere else is in the structure.
    let repeated = project.path("out/repeated.pdf");
    let alone = project.path("out/alone.pdf");
    assert!(
        crate::support::flat(&pdf_text(&repeated)).contains("The talks would resume in spring")
    );
    assert!(
        !read_aloud(&repeated).contains("The talks would resume"),
        "{}",
        read_aloud(&repeated)
    );
    assert!(
        read_aloud(&alone).contains("Water is the region’s quiet priority."),
        "{}",
        read_aloud(&alone)
    );
    // A sample's pull quote quotes an excerpt: printed twice, read once.
    let sample = project.sample_article(1600, 1000);
    let run = project.run(&["build", sample]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let pdf = project.path("out/central-asia/china-bri-security.pdf");
    let words = "China firmly supports Uzbekistan in safeguarding its national";
    assert_eq!(
        crate::support::flat(&pdf_text(&pdf)).matches(words).count(),
        2
    );
    assert_eq!(
        read_aloud(&pdf).matches(words).count(),
        1,
        "{}",
        read_aloud(&pdf)
    );
}
