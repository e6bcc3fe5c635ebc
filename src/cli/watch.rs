//! `briefpress watch`: builds, then rebuilds what changed on every save,
//! reusing the fonts and the compiler's memoized work. Errors are shown and
//! watching goes on.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use briefpress::config;
use briefpress::project::Project;

use super::BuildArgs;
use super::build::{execute, projects, setup};
use super::report::Reporter;

/// The most of the configuration read to see whether it changed.
const CONFIG_BYTES: u64 = 2 * 1024 * 1024;

/// How often files are checked for changes.
const POLL: Duration = Duration::from_millis(100);

/// How long files must stay unchanged before a rebuild starts.
const SETTLE: Duration = Duration::from_millis(50);

pub fn run(args: &BuildArgs, reporter: &Reporter) -> ExitCode {
    let (project, sources) = match projects(&args.project) {
        Ok(mut groups) if groups.len() == 1 => groups.remove(0),
        Ok(_) => return reporter.usage_error("watch takes documents of one project at a time"),
        Err(problems) => return reporter.setup_failed(&problems),
    };
    let config_file = project.root().join(config::FILE_NAME);
    let mut typesetter = match setup(project, &args.project, reporter) {
        Ok(typesetter) => typesetter,
        Err(problems) => return reporter.setup_failed(&problems),
    };
    // The folders given, the templates and the configuration: new documents
    // and templates appear there. Each build adds the files it read.
    let mut paths: Vec<PathBuf> = sources.clone();
    paths.push(typesetter.project().templates_dir());
    paths.push(config_file.clone());
    let mut force = args.force;
    loop {
        // Taken before building, so that a save during the build is seen.
        let mut before = snapshot(&paths);
        let watched = match execute(&typesetter, args, &sources, force, reporter) {
            Ok(summary) => summary.inputs,
            Err(message) => {
                reporter
                    .diagnostic(&briefpress::diag::Diagnostic::error(message).with_code("usage"));
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
        reporter.line(&format!(
            "watching {} files for changes (Ctrl-C stops)",
            before.len()
        ));
        wait_for_change(&paths, &before);
        let config_now =
            briefpress::fsgate::read_regular(&config_file, CONFIG_BYTES).unwrap_or_default();
        if config_now == typesetter.project().config().text().as_bytes() {
            typesetter.reset();
            continue;
        }
        // A new configuration: open the project again, keeping the last
        // good one if the new one has errors.
        match Project::open(typesetter.project().root())
            .and_then(|project| setup(project, &args.project, reporter))
        {
            Ok(fresh) => typesetter = fresh,
            Err(problems) => {
                for problem in &problems {
                    reporter.diagnostic(problem);
                }
                typesetter.reset();
            }
        }
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
    // Each real folder once: links that loop back are not walked again.
    let mut folders = std::collections::HashSet::new();
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = stack.pop() {
        let meta = std::fs::metadata(&path).ok();
        if meta.as_ref().is_some_and(|m| m.is_dir())
            && path.canonicalize().is_ok_and(|real| folders.insert(real))
        {
            stack.extend(briefpress::fsgate::names_in(&path));
        }
        let stamp = meta.and_then(|m| Some((m.modified().ok()?, m.len())));
        seen.insert(path, stamp);
    }
    seen
}
