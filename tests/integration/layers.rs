//! The library's layers point one way: each top-level module uses only
//! those before it in [`ORDER`], and nothing below the CLI prints or exits.
//! Read from the source, so a new arrow against the order fails here
//! before it becomes a cycle.

use std::path::Path;

use crate::support::{files_named, repo};

/// The top-level modules of `src/`, lowest first: the unit tests' helpers,
/// the leaves (diagnostics, the file gate, limits, image checks), then the
/// pipeline's layers.
const ORDER: &[&str] = &[
    // Helpers of the unit tests (cfg(test)), below everything they test.
    "testing",
    "diag",
    "fsgate",
    "limits",
    "images",
    "model",
    "load",
    "prepare",
    "import",
    "typeset",
    "export",
    "catalogue",
    "build",
];

/// The top-level module a file of `src/` belongs to (`None` for the
/// crate roots and the CLI).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let inside = file.strip_prefix(src).ok()?;
    let first = inside.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "lib" | "main" | "cli")).then_some(name)
}

/// The modules `text` names as `crate::<module>`, with the line.
fn uses(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push((number + 1, name));
            }
            rest = after;
        }
        // `use crate::{a, b}` names several at once.
        if let Some(at) = code.find("crate::{") {
            let list = &code[at + "crate::{".len()..];
            let list = list.split('}').next().unwrap_or_default();
            for name in list.split(',') {
                let name = name.trim().split("::").next().unwrap_or_default();
                if !name.is_empty() {
                    found.push((number + 1, name.to_string()));
                }
            }
        }
    }
    found
}

#[test]
fn modules_use_only_the_layers_below_them() {
    let src = repo().join("src");
    let mut against = Vec::new();
    for file in files_named(&src, "rs") {
        let Some(module) = module_of(&src, &file) else {
            continue;
        };
        let Some(rank) = ORDER.iter().position(|m| *m == module) else {
            against.push(format!(
                "{}: module `{module}` has no place in the layer order of tests/integration/layers.rs",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, used) in uses(&text) {
            match ORDER.iter().position(|m| *m == used) {
                Some(used_rank) if used_rank > rank => against.push(format!(
                    "{}:{line}: `{module}` uses `{used}`, a layer above it",
                    file.display()
                )),
                Some(_) => {}
                None => against.push(format!(
                    "{}:{line}: `{module}` uses `crate::{used}`, which is in no layer",
                    file.display()
                )),
            }
        }
    }
    assert!(against.is_empty(), "{}", against.join("\n"));
}

#[test]
fn the_layer_check_sees_an_arrow_against_the_order() {
    // The scanner itself: a use of a higher layer is found, whichever way
    // it is written.
    let text = "use crate::build::run;\nlet x = crate::catalogue::INDEX; // crate::cli\nuse crate::{diag, typeset::Typesetter};\n";
    let found: Vec<String> = uses(text).into_iter().map(|(_, name)| name).collect();
    assert_eq!(found, ["build", "catalogue", "diag", "typeset"]);
}

#[test]
fn nothing_below_the_cli_prints_or_exits() {
    let src = repo().join("src");
    let mut found = Vec::new();
    for file in files_named(&src, "rs") {
        if module_of(&src, &file).is_none() {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for needle in [
                "println!",
                "eprintln!",
                "print!(",
                "eprint!(",
                "process::exit",
                "io::stdout",
                "io::stderr",
            ] {
                if code.contains(needle) {
                    found.push(format!("{}:{}: {needle}", file.display(), number + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the library speaks only through the observer:\n{}",
        found.join("\n")
    );
}
