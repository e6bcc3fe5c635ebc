//! Compendiums: entries sorted by the publication's rules, the PDF's
//! contents and index in that order, and errors at the entry's line.

use std::path::{Path, PathBuf};

use briefpress::build::document;
use briefpress::load::project::Project;
use briefpress::typeset::{Typesetter, fonts};
use serde_json::Value;

use crate::support::{TempProject, flat, pdf_page_text, pdf_text, repo, run_in};

/// The prepared render data of a compendium file in `project`.
fn prepared(project: &TempProject, file: &str) -> Result<Value, String> {
    let fonts = fonts::load(&[] as &[PathBuf]).unwrap();
    let typesetter = Typesetter::new(Project::open(&project.root).unwrap(), fonts);
    let ready = document::ready(&typesetter, &project.path(file), Path::new(file))
        .map_err(|diags| diags.iter().map(ToString::to_string).collect::<String>())?;
    Ok(serde_json::from_slice(&ready.prepared.data).unwrap())
}

/// Entry names per group heading, in order, for section `n` (0-based).
fn section(data: &Value, n: usize) -> Vec<(String, Vec<String>)> {
    data["sections"][n]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let heading = g["heading"].as_str().unwrap_or("-").to_string();
            let names = g["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["name"].as_str().unwrap().to_string())
                .collect();
            (heading, names)
        })
        .collect()
}

const CRAFTED: &str = r#"
kind = "compendium"
title = "Ordering test"
date = 2021-01-20

[[facilities]]
name = "Osh Garrison"
country = "KG"
[[facilities]]
name = "10th Brigade Camp"
country = "KZ"
[[facilities]]
name = "Özgön Range"
country = "KG"
[[facilities]]
name = "2nd Depot"
country = "TJ"
[[organizations]]
name = "ozone Watch"
[[facilities]]
name = "Otar Site"
country = "KZ"
[[facilities]]
name = "Alpha Field"
country = "UZ"

[[exercises]]
title = "Tsentr"
english = "Center"
[[exercises.iterations]]
date = "2019-09"
[[exercises.iterations]]
date = 2015
[[exercises.iterations]]
date = "2015-01"
[[exercises.iterations]]
date = "2011-09-19"

[[exercises]]
english = "Drill without a date"
[[exercises.iterations]]
participants = ["KZ"]

[[exercises]]
english = "Later drill"
[[exercises.iterations]]
date = "2016-05"

[[exercises]]
english = "Earlier drill"
[[exercises.iterations]]
date = 2016

[[exercises]]
title = "Grom"
english = "Thunder"
[[exercises.iterations]]
date = "2017-04"

[[exercises]]
title = "Zashchita"
[[exercises.iterations]]
date = "2014"

[[structures]]
country = "UZ"
name = "Army of Uzbekistan"
[[structures]]
country = "KG"
type = "cooperation"
name = "Later grant"
date = "2019-01"
[[structures]]
country = "KG"
type = "cooperation"
name = "Earlier grant"
date = "2018"
[[structures]]
country = "KG"
name = "Zebra Command"

[[incidents]]
name = "Border clash"
countries = ["TJ", "KG"]
date = "2021-04-29"
[[incidents]]
name = "Spring unrest"
country = "KG"
date = "2021-03"
[[incidents]]
name = "Undated riot"
country = "KG"
[[incidents]]
name = "Winter protest"
country = "KG"
date = "2021"
"#;

#[test]
fn entries_follow_the_publication_rules() {
    let project = TempProject::new("compendium-order");
    project.write("c.toml", CRAFTED);
    let data = prepared(&project, "c.toml").unwrap();

    // Alphabetical, digits numerically first, Ö with O, case ignored.
    let facilities = section(&data, 0);
    assert_eq!(
        facilities[0].1,
        [
            "2nd Depot",
            "10th Brigade Camp",
            "Alpha Field",
            "Osh Garrison",
            "Otar Site",
            "Özgön Range",
            "ozone Watch"
        ]
    );

    // Exercises: titled alphabetically (transliterated titles by their Latin
    // spelling), iterations chronologically, partial dates at their earliest
    // day and less precise first; then untitled ones chronologically, undated last.
    let exercises = section(&data, 1);
    assert_eq!(exercises[0].1, ["Grom", "Tsentr", "Zashchita"]);
    let tsentr = &data["sections"][1]["groups"][0]["entries"][1];
    assert_eq!(tsentr["english"], "Center");
    let dates: Vec<&str> = tsentr["iterations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["date"]["iso"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2011-09-19", "2015", "2015-01", "2019-09"]);
    assert_eq!(
        exercises[1],
        (
            "Untitled Joint Exercises".to_string(),
            vec![
                "Earlier drill".to_string(),
                "Later drill".to_string(),
                "Drill without a date".to_string()
            ]
        )
    );

    // By country (printed names); structures alphabetically, then
    // cooperation chronologically.
    let structures = section(&data, 2);
    assert_eq!(
        structures[0],
        (
            "Kyrgyzstan".to_string(),
            vec![
                "Zebra Command".to_string(),
                "Earlier grant".to_string(),
                "Later grant".to_string()
            ]
        )
    );
    assert_eq!(structures[1].0, "Uzbekistan");

    // Incidents by country, chronologically; a cross-border one under each
    // country, each listing pointing at the other.
    let incidents = section(&data, 3);
    assert_eq!(
        incidents[0],
        (
            "Kyrgyzstan".to_string(),
            vec![
                "Winter protest".to_string(),
                "Spring unrest".to_string(),
                "Border clash".to_string(),
                "Undated riot".to_string()
            ]
        )
    );
    assert_eq!(
        incidents[1],
        ("Tajikistan".to_string(), vec!["Border clash".to_string()])
    );
    let kg = &data["sections"][3]["groups"][0]["entries"][2];
    let tj = &data["sections"][3]["groups"][1]["entries"][0];
    assert_eq!(kg["also"][0]["country"], "Tajikistan");
    assert_eq!(kg["also"][0]["label"], tj["label"]);
    assert_eq!(tj["also"][0]["label"], kg["label"]);
    assert_ne!(kg["label"], tj["label"]);

    // The index: names, alternate names and English names, one line for the
    // cross-border incident.
    let index: Vec<&str> = data["index"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["term"].as_str().unwrap())
        .collect();
    assert_eq!(index.iter().filter(|t| **t == "Border clash").count(), 1);
    assert!(index.contains(&"Center") && index.contains(&"Thunder"));
    let mut sorted = index.clone();
    sorted.sort_by(|a, b| briefpress::prepare::sort::names(a, b));
    assert_eq!(index, sorted);
}

#[test]
fn sample_compendium_pdf_follows_the_order_in_contents_and_index() {
    let out = TempProject::new("compendium-pdf");
    let run = run_in(
        &repo(),
        &[
            "build",
            "briefs/compendium",
            "--out-dir",
            out.root.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(
        run.stdout.contains("1 built"),
        "parts are built through the compendium: {}",
        run.stdout
    );
    let pdf = out.path("compendium/central-asia-compendium.pdf");
    let text = flat(&pdf_text(&pdf));

    // Every page is marked.
    let pages: usize = crate::support::pdf_info(&pdf, "Pages").parse().unwrap();
    for page in 1..=pages {
        assert!(
            pdf_page_text(&pdf, page).contains("Sample content - fictional"),
            "page {page} is not marked"
        );
    }
    // At least 40 entries in the sample (a cross-border incident counts once).
    let entries: usize = {
        let fonts = fonts::load(&[] as &[PathBuf]).unwrap();
        let typesetter = Typesetter::new(Project::open(&repo()).unwrap(), fonts);
        let file = Path::new("briefs/compendium/central-asia-compendium.toml");
        let ready = document::ready(&typesetter, &repo().join(file), file).unwrap();
        let data: Value = serde_json::from_slice(&ready.prepared.data).unwrap();
        let labels: std::collections::HashSet<String> = data["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["groups"].as_array().unwrap().iter())
            .flat_map(|g| g["entries"].as_array().unwrap().iter())
            .map(|e| {
                e["label"]
                    .as_str()
                    .unwrap()
                    .splitn(5, ':')
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(":")
            })
            .collect();
        labels.len()
    };
    assert!(entries >= 40, "only {entries} entries");

    // Contents: the sections in order, countries under the by-country ones.
    let contents = &text[text.find("Contents").unwrap()
        ..text
            .find("Facilities and Organizations 201st")
            .unwrap_or(text.len())];
    let mut at = 0;
    for needle in [
        "Facilities and Organizations",
        "Joint Exercises",
        "Untitled Joint Exercises",
        "Security Structures and Cooperation by Country",
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
        "Turkmenistan",
        "Uzbekistan",
        "Incidents of Violence and Civil Unrest",
        "Index",
    ] {
        at += contents[at..].find(needle).unwrap_or_else(|| {
            panic!("`{needle}` missing or out of order in contents:\n{contents}")
        });
    }
    // Body order as the rules give it.
    let mut at = text.find("201st Military Base").unwrap();
    for name in [
        "999th Air Base",
        "Ayni Airfield",
        "Osh Garrison",
        "Otar Test Site",
        "Özgön Training Area",
        "Termez Logistics Hub",
    ] {
        at += text[at..]
            .find(name)
            .unwrap_or_else(|| panic!("{name} out of order"));
    }
    // Notes are numbered per entry: two entries of the sample each start at [i].
    assert!(
        text.matches("Notes [i]").count() >= 2,
        "notes do not restart per entry"
    );
    // The index, alphabetical, with acronyms pointing to their entries.
    let index = &text[text.rfind("Index").unwrap()..];
    assert!(
        index.contains("CSTO — see Collective Security Treaty Organization"),
        "{index}"
    );
    let mut at = 0;
    for term in [
        "201st Military Base",
        "Ayni Airfield",
        "Base 201",
        "Center",
        "CSTO",
        "Grom",
        "Özgön Training Area",
        "Tsentr",
    ] {
        at += index[at..]
            .find(term)
            .unwrap_or_else(|| panic!("`{term}` missing or out of order in the index"));
    }
}

/// Builds `c.toml` with `text` and returns stderr, expecting failure.
fn fails(text: &str) -> String {
    let project = TempProject::new("compendium-errors");
    project.write("c.toml", text);
    let run = project.run(&["build", "c.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(!project.path("out/c.pdf").exists());
    run.stderr
}

const HEAD: &str = "kind = \"compendium\"\ntitle = \"T\"\ndate = 2021-01-20\n";

#[test]
fn duplicate_names_in_a_section_are_an_error_at_the_second() {
    let stderr = fails(&format!(
        "{HEAD}[[facilities]]\nname = \"Kant\"\ncountry = \"KG\"\n[[facilities]]\nname = \"kant\"\ncountry = \"KZ\"\n"
    ));
    assert!(stderr.contains("--> c.toml:8:8"), "{stderr}");
    assert!(
        stderr
            .contains("`kant` is already an entry of “Facilities and Organizations” (at c.toml:5)"),
        "{stderr}"
    );
}

#[test]
fn an_iteration_date_that_is_not_a_date() {
    let stderr = fails(&format!(
        "{HEAD}[[exercises]]\ntitle = \"Grom\"\n[[exercises.iterations]]\ndate = \"2019-13\"\n"
    ));
    assert!(stderr.contains("--> c.toml:7:8"), "{stderr}");
    assert!(
        stderr.contains("invalid date: month 13 does not exist"),
        "{stderr}"
    );
}

#[test]
fn unknown_country_and_unknown_section() {
    let stderr = fails(&format!(
        "{HEAD}[[incidents]]\nname = \"X\"\ncountry = \"KQ\"\n"
    ));
    assert!(stderr.contains("--> c.toml:6:11"), "{stderr}");
    assert!(
        stderr.contains("`KQ` is not an ISO 3166-1 alpha-2 country code"),
        "{stderr}"
    );
    let stderr = fails(&format!("{HEAD}[[facilites]]\nname = \"X\"\n"));
    assert!(
        stderr.contains("unknown key `facilites`") && stderr.contains("did you mean `facilities`?"),
        "{stderr}"
    );
}

#[test]
fn errors_in_a_part_point_at_the_part() {
    let project = TempProject::new("compendium-part-errors");
    project.write("c.toml", format!("{HEAD}include = [\"parts/p.toml\"]\n"));
    project.write(
        "parts/p.toml",
        "kind = \"compendium-part\"\n[[structures]]\ncountry = \"XX\"\nname = \"Y\"\n",
    );
    let run = project.run(&["build", "c.toml"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("--> parts/p.toml:3:11"),
        "{}",
        run.stderr
    );
    // A part named on the command line is refused with a pointer.
    let run = project.run(&["build", "parts/p.toml"]);
    assert!(
        run.stderr
            .contains("a compendium part is built through its compendium"),
        "{}",
        run.stderr
    );
}
