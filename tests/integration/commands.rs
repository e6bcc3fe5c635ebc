//! The authoring commands through the binary (assert_cmd): init, new,
//! schema, preview, fonts, templates eject, completions, man, --help.

use std::path::Path;

use assert_cmd::Command;

use crate::support::{TempProject, repo};

fn briefpress(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("briefpress").expect("the binary");
    command
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("NO_COLOR");
    command
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn init_writes_a_project_that_checks_clean_and_examples_that_build() {
    let temp = TempProject::new("init");
    let dir = temp.path("fresh");
    briefpress(&temp.root)
        .args(["init", "fresh"])
        .assert()
        .success();
    for file in [
        "briefpress.toml",
        ".gitignore",
        "schemas/article.schema.json",
        "schemas/notice.schema.json",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert!(dir.join("briefs").is_dir());
    let checked = briefpress(&dir).arg("check").assert().success();
    let output = checked.get_output().clone();
    assert!(
        stdout(&output).contains("checked 0 documents: 0 errors, 0 warnings"),
        "{}",
        stdout(&output)
    );
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    // Nothing to build yet: said, with the command that starts a document.
    let built = briefpress(&dir).arg("build").assert().code(2);
    assert!(stderr(&built.get_output().clone()).contains("briefpress new article"));

    // --examples: the samples, byte for byte, which check clean and build.
    let samples = temp.path("samples");
    briefpress(&temp.root)
        .args(["init", "samples", "--examples"])
        .assert()
        .success();
    let repo = repo();
    for file in crate::support::files_below(&repo.join("briefs")) {
        let relative = file.strip_prefix(&repo).unwrap();
        let copy = samples.join(relative);
        assert!(
            copy.is_file(),
            "{} is not among the examples",
            relative.display()
        );
        assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&file).unwrap());
    }
    let checked = briefpress(&samples).arg("check").assert().success();
    let summary = stdout(&checked.get_output().clone());
    assert!(summary.contains("0 errors, 0 warnings"), "{summary}");
    let built = briefpress(&samples).arg("build").assert().success();
    let out = stdout(&built.get_output().clone());
    assert!(out.contains(" 0 failed"), "{out}");
    let issue = samples.join("out/issues/oe-watch-2024-02.pdf");
    assert!(
        crate::support::flat(&crate::support::pdf_text(&issue))
            .contains("Central Asia between Moscow and Beijing"),
        "the sample issue is built"
    );

    // A second init refuses, leaving the files alone.
    std::fs::write(dir.join("briefpress.toml"), "edited").unwrap();
    let again = briefpress(&temp.root)
        .args(["init", "fresh"])
        .assert()
        .code(2);
    assert!(stderr(&again.get_output().clone()).contains("init never overwrites"));
    assert_eq!(
        std::fs::read_to_string(dir.join("briefpress.toml")).unwrap(),
        "edited"
    );
}

#[test]
fn skeletons_build_with_draft_and_a_final_build_refuses_their_placeholders() {
    let project = TempProject::new("new");
    for (kind, path) in [
        ("article", "briefs/a"),
        ("brief", "briefs/b.toml"),
        ("issue", "briefs/i.toml"),
        ("compendium", "briefs/c.toml"),
        ("compendium-part", "briefs/parts/p.toml"),
        ("notice", "briefs/n.toml"),
    ] {
        briefpress(&project.root)
            .args(["new", kind, path])
            .assert()
            .success();
    }
    let text = std::fs::read_to_string(project.path("briefs/a.toml")).unwrap();
    assert!(
        text.starts_with("#:schema ../schemas/article.schema.json\n"),
        "{text}"
    );
    // The date is a placeholder too, never today's date left in by mistake.
    let date_line = text
        .lines()
        .position(|line| line.starts_with("date = \"TODO\""));
    let date_line = date_line.expect("the date is a placeholder") + 1;
    assert!(project.path("schemas/article.schema.json").is_file());
    // The test project names no publication, so the issue asks for one.
    let issue = std::fs::read_to_string(project.path("briefs/i.toml")).unwrap();
    assert!(
        issue.contains("publication = \"TODO: the publication's name\""),
        "{issue}"
    );
    let compendium = project.path("briefs/c.toml");
    let text = std::fs::read_to_string(&compendium).unwrap();
    std::fs::write(
        &compendium,
        text.replace("include = []", "include = [\"parts/p.toml\"]"),
    )
    .unwrap();

    // check lists the placeholders as warnings, the date's at its line.
    let checked = briefpress(&project.root).arg("check").assert().success();
    let output = checked.get_output().clone();
    assert!(stdout(&output).contains(" 0 errors"), "{}", stdout(&output));
    assert!(
        stderr(&output).contains(&format!("briefs/a.toml:{date_line}:8")),
        "{}",
        stderr(&output)
    );

    // A final build refuses every document with placeholders, writing none.
    let refused = briefpress(&project.root).arg("build").assert().code(1);
    let output = refused.get_output().clone();
    assert!(stdout(&output).contains("0 built"), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("error: a placeholder is left in"),
        "{}",
        stderr(&output)
    );
    assert!(!project.path("out/a.pdf").exists());

    let built = briefpress(&project.root)
        .args(["build", "--draft"])
        .assert()
        .success();
    let out = stdout(&built.get_output().clone());
    assert!(out.contains("4 built, 0 unchanged, 0 failed"), "{out}");
    let compendium_text = crate::support::pdf_text(&project.path("out/c.pdf"));
    assert!(
        compendium_text.contains("TODO: another facility"),
        "the part's entries are in"
    );

    // Every placeholder replaced, the article builds without --draft.
    let article = project.path("briefs/a.toml");
    let filled = std::fs::read_to_string(&article)
        .unwrap()
        .replace("date = \"TODO\"", "date = 2024-01-25")
        .replace("TODO: the headline", "Water Talks")
        .replace("TODO", "Written");
    std::fs::write(&article, filled).unwrap();
    briefpress(&project.root)
        .args(["build", "briefs/a.toml"])
        .assert()
        .success();
    assert!(crate::support::pdf_text(&project.path("out/a.pdf")).contains("Water Talks"));

    // new never overwrites.
    let again = briefpress(&project.root)
        .args(["new", "article", "briefs/a.toml"])
        .assert()
        .code(2);
    assert!(stderr(&again.get_output().clone()).contains("already exists"));
}

/// A TOML value as JSON, dates as their text (as Taplo validates them).
fn json(value: &toml::Value) -> serde_json::Value {
    match value {
        toml::Value::String(s) => s.clone().into(),
        toml::Value::Integer(i) => (*i).into(),
        toml::Value::Float(f) => (*f).into(),
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Datetime(d) => d.to_string().into(),
        toml::Value::Array(items) => items.iter().map(json).collect::<Vec<_>>().into(),
        toml::Value::Table(table) => table
            .iter()
            .map(|(k, v)| (k.clone(), json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

fn validator(dir: &Path, name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(dir.join(format!("{name}.schema.json"))).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn samples_validate_against_their_schemas_and_unknown_keys_do_not() {
    let project = TempProject::new("schema");
    briefpress(&project.root)
        .args(["schema", "out-schemas"])
        .assert()
        .success();
    let dir = project.path("out-schemas");
    let mut checked = 0;
    let mut files = Vec::new();
    crate::support::toml_files(&repo().join("briefs"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("#:schema "),
            "{} has no #:schema line",
            file.display()
        );
        let value: toml::Value = toml::from_str(&text).unwrap();
        let kind = value["kind"].as_str().unwrap().to_string();
        // The #:schema line points at the schema of its kind, in schemas/.
        let target = file
            .parent()
            .unwrap()
            .join(first.trim_start_matches("#:schema ").trim());
        assert_eq!(
            target.canonicalize().unwrap(),
            repo()
                .join(format!("schemas/{kind}.schema.json"))
                .canonicalize()
                .unwrap()
        );
        let instance = json(&value);
        let validator = validator(&dir, &kind);
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
        checked += 1;
    }
    assert!(checked >= 10, "{checked} samples");
    let config: toml::Value =
        toml::from_str(&std::fs::read_to_string(repo().join("briefpress.toml")).unwrap()).unwrap();
    assert!(validator(&dir, "project").is_valid(&json(&config)));

    let mut wrong = json(
        &toml::from_str::<toml::Value>(
            &std::fs::read_to_string(repo().join("briefs/central-asia/china-bri-security.toml"))
                .unwrap(),
        )
        .unwrap(),
    );
    wrong["headlne"] = "typo".into();
    assert!(!validator(&dir, "article").is_valid(&wrong));
    wrong["headlne"] = serde_json::Value::Null;
    let mut dated = wrong.clone();
    dated.as_object_mut().unwrap().remove("headlne");
    assert!(validator(&dir, "article").is_valid(&dated));
    dated["date"] = "25 January 2024".into();
    assert!(
        !validator(&dir, "article").is_valid(&dated),
        "a date must look like one"
    );
    // The committed schemas are the ones the code generates.
    for (name, text) in [
        ("article", "article.schema.json"),
        ("project", "project.schema.json"),
    ] {
        assert_eq!(
            std::fs::read_to_string(repo().join("schemas").join(text)).unwrap(),
            std::fs::read_to_string(dir.join(text)).unwrap(),
            "schemas/{name}.schema.json is stale: run `briefpress schema`"
        );
    }
}

/// Width and height from a PNG's header.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn preview_writes_pages_at_the_asked_resolution() {
    let project = TempProject::new("preview");
    let article = repo().join("briefs/central-asia/china-bri-security.toml");
    let out = project.path("png");
    briefpress(&repo())
        .args([
            "preview",
            article.to_str().unwrap(),
            "--page",
            "2",
            "--dpi",
            "144",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    // US Letter, 8.5 x 11 in, at 144 dpi.
    assert_eq!(
        png_size(&out.join("china-bri-security-2.png")),
        (1224, 1584)
    );
    assert!(!out.join("china-bri-security-1.png").exists());
    briefpress(&repo())
        .args(["preview", article.to_str().unwrap(), "--dpi", "36", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(png_size(&out.join("china-bri-security-1.png")), (306, 396));
    assert!(out.join("china-bri-security-3.png").exists());
    let missing = briefpress(&repo())
        .args(["preview", article.to_str().unwrap(), "--page", "9", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(
        stderr(&missing.get_output().clone())
            .contains("page 9 does not exist: the document has 3 pages")
    );
}

#[test]
fn fonts_lists_families_styles_and_scripts() {
    let listed = briefpress(&repo()).arg("fonts").assert().success();
    let out = stdout(&listed.get_output().clone());
    let section = |family: &str| {
        let start = out
            .find(&format!("\n{family}\n"))
            .unwrap_or_else(|| panic!("{family} in {out}"));
        out[start + 1..].split("\n\n").next().unwrap().to_string()
    };
    let serif = section("Noto Serif");
    assert!(
        serif.contains("bold italic") && serif.contains("Cyrillic (Uzbek, Kyrgyz, Tajik)"),
        "{serif}"
    );
    assert!(section("Noto Naskh Arabic").contains("Arabic, Persian"));
    assert!(section("Noto Serif SC").contains("Chinese (Han)"));
    // The bundled Chinese font is split in two (fonts/README.md).
    assert!(section("Noto Serif SC Supplement").contains("Chinese (ideographs outside GB 2312)"));
    assert!(
        out.starts_with("5 families, 14 faces (14 bundled)"),
        "{out}"
    );
}

#[test]
fn ejected_templates_build_and_a_wrong_contract_is_named() {
    let project = TempProject::new("eject");
    project.image("briefs/img.png");
    project.write(
        "briefs/doc.toml",
        "kind = \"article\"\nheadline = \"Ejected\"\ndate = 2024-01-25\nbody = \"Text.\"\n",
    );
    briefpress(&project.root)
        .args(["templates", "eject"])
        .assert()
        .success();
    for file in [
        "theme.typ",
        "theme-overrides.typ",
        "components/pull-quote.typ",
        "print.typ",
        "catalogue.html",
        "article.typ",
        "brief.typ",
        "issue.typ",
        "compendium.typ",
        "CONTRACT.md",
    ] {
        assert!(project.path("templates").join(file).is_file(), "{file}");
    }
    briefpress(&project.root).arg("build").assert().success();
    // Eject again refuses without --force.
    briefpress(&project.root)
        .args(["templates", "eject"])
        .assert()
        .code(2);

    let article = project.path("templates/article.typ");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replacen("briefpress-contract: 5", "briefpress-contract: 1", 1),
    )
    .unwrap();
    std::fs::remove_file(project.path("out/doc.pdf")).unwrap();
    let failed = briefpress(&project.root).arg("build").assert().code(2);
    let err = stderr(&failed.get_output().clone());
    assert!(
        err.contains(
            "the template was written for data contract 1, this briefpress provides contract 5"
        ),
        "{err}"
    );
    assert!(err.contains("--> templates/article.typ:1:1"), "{err}");
    // Nothing is built with a template for another contract.
    assert!(!project.path("out/doc.pdf").exists(), "a PDF was written");
}

#[test]
fn completions_man_pages_and_help_with_examples() {
    let bash = briefpress(&repo())
        .args(["completions", "bash"])
        .assert()
        .success();
    let script = stdout(&bash.get_output().clone());
    assert!(
        script.contains("_briefpress()") && script.contains("--deep"),
        "bash completion"
    );
    let project = TempProject::new("man");
    briefpress(&project.root)
        .args(["man", "pages"])
        .assert()
        .success();
    let page = std::fs::read_to_string(project.path("pages/briefpress-check.1")).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH briefpress-check"),
        "{page}"
    );
    assert!(page.contains("deep"));
    assert!(project.path("pages/briefpress.1").is_file());
    for command in [
        "build",
        "watch",
        "check",
        "init",
        "new",
        "preview",
        "schema",
        "fonts",
        "completions",
        "man",
    ] {
        let help = briefpress(&repo())
            .args([command, "--help"])
            .assert()
            .success();
        let text = stdout(&help.get_output().clone());
        assert!(
            text.contains("Example"),
            "`{command} --help` has no example:\n{text}"
        );
    }
}
