//! Which documents a run is about: folders expanded into the `*.toml`
//! files below them through the project's gate, and a stable split into
//! shards for CI matrices.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::fsgate::GateError;
use crate::load::project::Project;

/// A document found on disk.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    /// Its path inside the project root.
    pub inside: PathBuf,
    /// How messages name it (as given, relative to the working directory).
    pub display: PathBuf,
    /// Named on the command line, not found in a folder. Compendium parts
    /// found in folders are skipped (their compendium builds them).
    pub explicit: bool,
}

/// The documents found, and the entries refused on the way (special
/// files, links out of the root, names that are not UTF-8).
#[derive(Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub refused: Vec<Failure>,
    /// Folders not searched (links out of the root).
    pub warnings: Vec<Diagnostic>,
}

/// Expands folders into the `*.toml` documents below them (hidden entries
/// skipped), in a stable order, through the project's gate: each real
/// folder is walked once, whatever links lead to it, and each file is
/// listed once, whatever names it has. `Err` is a usage problem.
pub fn discover(project: &Project, paths: &[PathBuf]) -> Result<Discovered, String> {
    let gate = project.gate();
    let mut found = Discovered::default();
    let mut seen = HashSet::new();
    let refuse = |display: PathBuf, why: &GateError| {
        let code = match why {
            GateError::Outside => "outside-root",
            GateError::NotUtf8(_) => "file-name",
            GateError::NotRegular(_) => "not-regular",
            _ => "io",
        };
        Failure {
            diagnostics: vec![
                Diagnostic::error(format!("{} is refused: {why}", display.display()))
                    .with_code(code)
                    .in_file(&display),
            ],
            display,
        }
    };
    for path in paths {
        let inside = match gate.relative(path) {
            Ok(inside) => inside,
            Err(_) if !path.exists() => return Err(format!("{} does not exist", path.display())),
            Err(why) => {
                found.refused.push(refuse(path.clone(), &why));
                continue;
            }
        };
        let (files, explicit) = if gate.is_dir(&inside) {
            let listing = gate
                .list(&inside, false)
                .map_err(|why| format!("cannot read {}: {why}", path.display()))?;
            let shown = |file: &Path| path.join(file.strip_prefix(&inside).unwrap_or(file));
            for (file, why) in &listing.refused {
                let document = file.extension().is_some_and(|e| e == "toml");
                match why {
                    GateError::NotUtf8(_) => found.refused.push(refuse(shown(file), why)),
                    _ if document => found.refused.push(refuse(shown(file), why)),
                    GateError::Outside => found.warnings.push(
                        Diagnostic::warning(format!(
                            "{} is not searched for documents: {why}",
                            shown(file).display()
                        ))
                        .with_code("outside-root"),
                    ),
                    _ => {}
                }
            }
            let files: Vec<(PathBuf, PathBuf)> = listing
                .files
                .into_iter()
                .filter(|file| file.extension().is_some_and(|e| e == "toml"))
                .map(|file| (shown(&file), file))
                .collect();
            (files, false)
        } else {
            match gate.identity(&inside) {
                Ok(_) => (vec![(path.clone(), inside)], true),
                Err(GateError::NotFound) => {
                    return Err(format!("{} does not exist", path.display()));
                }
                Err(why) => {
                    found.refused.push(refuse(path.clone(), &why));
                    continue;
                }
            }
        };
        for (display, inside) in files {
            // A second name of a file already found (a link) is the same
            // document.
            let identity = gate.identity(&inside).ok().map(|id| (id.dev, id.ino));
            if identity.is_some_and(|identity| !seen.insert(identity)) {
                continue;
            }
            found.inputs.push(Input {
                path: gate.absolute(&inside),
                inside,
                display,
                explicit,
            });
        }
    }
    Ok(found)
}

/// Keeps the documents of shard `k` of `n` (1-based): a stable split by the
/// document's path inside the project, so adding files elsewhere does not
/// move documents between shards.
pub fn shard(inputs: Vec<Input>, k: u32, n: u32) -> Vec<Input> {
    inputs
        .into_iter()
        .filter(|input| {
            let inside = input.inside.to_string_lossy().replace('\\', "/");
            let hash = typst::utils::hash128(&inside.as_bytes());
            hash % u128::from(n) == u128::from(k - 1)
        })
        .collect()
}

/// A document that could not be planned, with why.
pub struct Failure {
    pub display: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
}
