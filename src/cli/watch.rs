//! `briefpress watch`: builds, then rebuilds what changed on every save,
//! reusing the fonts and the compiler's memoized work. Errors are shown and
//! watching goes on.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use super::BuildArgs;
use super::build::{execute, setup};

/// How often files are checked for changes.
const POLL: Duration = Duration::from_millis(150);

pub fn run(args: &BuildArgs) -> ExitCode {
    let mut typesetter = match setup(args) {
        Ok(typesetter) => typesetter,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let templates = typesetter.project().templates_dir();
    let mut force = args.force;
    loop {
        let watched = match execute(&typesetter, args, force) {
            Ok(summary) => summary.inputs,
            Err(message) => {
                eprintln!("error: {message}");
                Default::default()
            }
        };
        force = false;
        println!(
            "watching {} files for changes (Ctrl-C stops)",
            watched.len()
        );
        // Folders too: a new document or template appears in them.
        let mut paths: Vec<PathBuf> = watched.into_iter().collect();
        paths.extend(args.paths.iter().cloned());
        paths.push(templates.clone());
        let before = snapshot(&paths);
        loop {
            std::thread::sleep(POLL);
            if snapshot(&paths) != before {
                break;
            }
        }
        typesetter.reset();
    }
}

/// Modification times and sizes of the paths, and of the entries of
/// folders among them (recursively), so that edits, new and removed files
/// all show.
fn snapshot(paths: &[PathBuf]) -> BTreeMap<PathBuf, Option<(SystemTime, u64)>> {
    let mut seen = BTreeMap::new();
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = stack.pop() {
        let meta = std::fs::metadata(&path).ok();
        if meta.as_ref().is_some_and(|m| m.is_dir())
            && let Ok(entries) = std::fs::read_dir(&path)
        {
            stack.extend(entries.flatten().map(|e| e.path()));
        }
        let stamp = meta.and_then(|m| Some((m.modified().ok()?, m.len())));
        seen.insert(path, stamp);
    }
    seen
}
