//! `templates/CONTRACT.md` against the data briefpress hands the templates,
//! so that the contract cannot drift from the types again: every key of
//! every sample document's data is documented, the article's table lists
//! exactly the article's keys, and the version is the one provided.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use briefpress::build::document;
use briefpress::prepare::data::CONTRACT_VERSION;
use briefpress::typeset::{Typesetter, fonts};
use serde_json::Value;

use crate::support::{repo, toml_files};

/// Every key of every object in `value`, recursively.
fn keys(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                found.insert(key.clone());
                keys(inner, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keys(item, found)),
        _ => {}
    }
}

/// The keys in the first column of the table under `## heading`.
fn table_keys(contract: &str, heading: &str) -> BTreeSet<String> {
    let start = contract
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("no section {heading}"));
    let section = &contract[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    section[..end]
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`').map(|(key, _)| key.to_string()))
        .collect()
}

/// The render data of every sample document, by file.
fn sample_data() -> Vec<(PathBuf, Value)> {
    let root = repo();
    let project = briefpress::load::project::Project::open(&root).unwrap();
    let typesetter = Typesetter::new(project, fonts::load(&[] as &[PathBuf]).unwrap());
    let mut files = Vec::new();
    toml_files(&root.join("briefs"), &mut files);
    files
        .into_iter()
        .filter_map(|file| {
            let display = file.strip_prefix(&root).unwrap_or(&file).to_path_buf();
            // Parts are prepared with their compendium; notices are not typeset.
            let ready = document::ready(&typesetter, &file, Path::new(&display)).ok()?;
            let data = serde_json::from_slice(&ready.prepared.data).unwrap();
            Some((display, data))
        })
        .collect()
}

#[test]
fn every_key_of_the_render_data_is_in_the_contract() {
    let contract = std::fs::read_to_string(repo().join("templates/CONTRACT.md")).unwrap();
    let data = sample_data();
    let kinds: BTreeSet<&str> = data
        .iter()
        .filter_map(|(_, d)| d["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["article", "brief", "compendium", "issue"]),
        "the samples cover every typeset kind"
    );
    let mut undocumented = BTreeSet::new();
    for (file, value) in &data {
        let mut found = BTreeSet::new();
        keys(value, &mut found);
        for key in found {
            if !contract.contains(&format!("`{key}`")) && !contract.contains(&format!("\"{key}\""))
            {
                undocumented.insert(format!("{key} (in {})", file.display()));
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "keys the templates receive that templates/CONTRACT.md does not name: {undocumented:#?}"
    );

    // The article's table is its keys, exactly.
    let (_, article) = data
        .iter()
        .find(|(_, d)| d["kind"] == "article")
        .expect("an article sample");
    let given: BTreeSet<String> = article.as_object().unwrap().keys().cloned().collect();
    let documented = table_keys(&contract, "`article`");
    assert_eq!(
        given, documented,
        "the article table of CONTRACT.md lists other keys than the article's data"
    );

    // The version, in the heading line and in the article's table.
    assert!(
        contract.contains(&format!("Version **{CONTRACT_VERSION}**")),
        "CONTRACT.md does not say version {CONTRACT_VERSION}"
    );
    assert!(
        contract.contains(&format!("| `contract` | `{CONTRACT_VERSION}` |")),
        "the article table's contract is not {CONTRACT_VERSION}"
    );
    assert_eq!(article["contract"], CONTRACT_VERSION);
}

#[test]
fn every_file_of_the_templates_folder_is_built_in() {
    let root = repo().join("templates");
    let files: BTreeSet<String> = crate::support::files_below(&root)
        .iter()
        .map(|path| {
            path.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let built_in: BTreeSet<String> = briefpress::typeset::templates::builtin_files()
        .map(|(name, _)| name.to_string())
        .collect();
    assert_eq!(
        files, built_in,
        "templates/ and the built-in templates (typeset/templates.rs) differ"
    );
}
