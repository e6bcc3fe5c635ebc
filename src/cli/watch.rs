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
const POLL: Duration = Duration::from_millis(100);

/// How long files must stay unchanged before a rebuild starts.
const SETTLE: Duration = Duration::from_millis(50);

pub fn run(args: &BuildArgs) -> ExitCode {
    let mut typesetter = match setup(args) {
        Ok(typesetter) => typesetter,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let templates = typesetter.project().templates_dir();
    // The folders given and the templates: new documents and templates
    // appear there. Each build adds the files it read.
    let mut paths: Vec<PathBuf> = args.paths.clone();
    paths.push(templates);
    let mut force = args.force;
    loop {
        // Taken before building, so that a save during the build is seen.
        let mut before = snapshot(&paths);
        let watched = match execute(&typesetter, args, force) {
            Ok(summary) => summary.inputs,
            Err(message) => {
                eprintln!("error: {message}");
                Default::default()
            }
        };
        force = false;
        let known = paths.len();
        paths.extend(watched.into_iter().filter(|p| !before.contains_key(p)));
        paths.sort();
        paths.dedup();
        if paths.len() != known {
            for (path, stamp) in snapshot(&paths) {
                before.entry(path).or_insert(stamp);
            }
        }
        println!("watching {} files for changes (Ctrl-C stops)", before.len());
        wait_for_change(&paths, &before);
        typesetter.reset();
    }
}

/// Returns once the files differ from `before` and have stopped changing
/// (an editor's save may take several writes).
fn wait_for_change(paths: &[PathBuf], before: &BTreeMap<PathBuf, Option<(SystemTime, u64)>>) {
    loop {
        std::thread::sleep(POLL);
        let mut now = snapshot(paths);
        if &now == before {
            continue;
        }
        loop {
            std::thread::sleep(SETTLE);
            let later = snapshot(paths);
            if later == now {
                return;
            }
            now = later;
        }
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
