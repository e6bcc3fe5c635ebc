//! `briefpress watch`: builds, then rebuilds what changed on every save,
//! reusing the engine (fonts, worker threads, the compiler's memoized
//! work). Changes come as file-system events (`--poll` checks instead, for
//! network drives where events do not arrive). Errors are shown and
//! watching goes on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use briefpress::build::{Action, Engine, Stop};
use briefpress::load::config;
use clap::Args;
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use super::BuildArgs;
use super::build::summary_line;
use super::report::{Console, Reporter};

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub build: BuildArgs,

    /// Look for changes every 200 ms instead of waiting for file-system
    /// events (for network drives, where events do not arrive).
    #[arg(long)]
    pub poll: bool,
}

/// How long events must stop before a rebuild starts: an editor's save is
/// several events (write, rename, attributes) within a few milliseconds.
const SETTLE: Duration = Duration::from_millis(10);

/// How often `--poll` looks.
const POLL: Duration = Duration::from_millis(200);

pub fn run(args: &WatchArgs, reporter: &Reporter) -> ExitCode {
    let mut console = Console::new(reporter);
    let options = match args.build.options() {
        Ok(options) => options,
        Err(message) => return reporter.usage_error(&message),
    };
    let mut engine = match Engine::new(options, &mut console) {
        Ok(engine) if engine.projects().count() == 1 => engine,
        Ok(_) => return reporter.usage_error("watch takes documents of one project at a time"),
        Err(stop) => return reporter.stopped(&stop),
    };
    let Some(project) = engine.projects().next() else {
        return reporter.usage_error("no project to watch");
    };
    let out_dir = absolute(
        &args
            .build
            .out_dir
            .clone()
            .unwrap_or_else(|| project.out_dir()),
    );
    // The folders given and the templates (new documents and templates
    // appear there), the configuration, and each build's inputs.
    let mut scope = Scope {
        trees: args
            .build
            .project
            .paths
            .iter()
            .filter(|path| path.is_dir())
            .chain([&project.templates_dir()])
            .map(|path| absolute(path))
            .collect(),
        files: args
            .build
            .project
            .paths
            .iter()
            .filter(|path| !path.is_dir())
            .chain([&project.root().join(config::FILE_NAME)])
            .map(|path| absolute(path))
            .collect(),
        out_dir,
    };
    let (sender, events) = channel();
    let handler = move |event| {
        let _ = sender.send(event);
    };
    let watcher: notify::Result<Box<dyn Watcher>> = if args.poll {
        PollWatcher::new(handler, notify::Config::default().with_poll_interval(POLL))
            .map(|w| Box::new(w) as Box<dyn Watcher>)
    } else {
        RecommendedWatcher::new(handler, notify::Config::default())
            .map(|w| Box::new(w) as Box<dyn Watcher>)
    };
    let mut watcher = match watcher {
        Ok(watcher) => watcher,
        Err(err) => {
            return reporter.usage_error(&format!("cannot watch for changes: {err} (try --poll)"));
        }
    };
    let mut watching = BTreeSet::new();
    let mut first = true;
    loop {
        // The first build forces if asked; later ones build what changed.
        let outcome = if first {
            engine.run(Action::Build, &mut console)
        } else {
            engine.rebuild(&mut console)
        };
        first = false;
        console.finish();
        match outcome {
            Ok(summary) => {
                reporter.summary(&summary_line(&summary));
                scope
                    .files
                    .extend(summary.inputs.iter().map(|path| absolute(path)));
            }
            Err(Stop::Usage(message)) => reporter
                .diagnostic(&briefpress::diag::Diagnostic::error(message).with_code("usage")),
            Err(Stop::Setup(problems)) => {
                for problem in &problems {
                    reporter.diagnostic(problem);
                }
            }
        }
        for (folder, mode) in scope.folders() {
            if !watching.contains(&folder) && watcher.watch(&folder, mode).is_ok() {
                watching.insert(folder);
            }
        }
        reporter.line(&format!(
            "watching {} files and {} folders for changes (Ctrl-C stops)",
            scope.files.len(),
            scope.trees.len()
        ));
        if !wait_for_change(&events, &scope) {
            return reporter.usage_error("the file watcher stopped");
        }
        engine.refresh(&mut console);
    }
}

/// What a change must touch to start a rebuild.
struct Scope {
    /// Folders whose whole tree counts.
    trees: BTreeSet<PathBuf>,
    /// Single files (their folder is watched: editors save by renaming a
    /// new file over the old one).
    files: BTreeSet<PathBuf>,
    /// Never counts: the build writes there.
    out_dir: PathBuf,
}

impl Scope {
    /// The folders to watch, and how.
    fn folders(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let trees = self
            .trees
            .iter()
            .filter(|tree| tree.is_dir())
            .map(|tree| (tree.clone(), RecursiveMode::Recursive));
        let parents = self
            .files
            .iter()
            .filter_map(|file| file.parent())
            .filter(|parent| parent.is_dir() && !self.trees.iter().any(|t| parent.starts_with(t)))
            .map(|parent| (parent.to_path_buf(), RecursiveMode::NonRecursive));
        trees.chain(parents).collect()
    }

    fn counts(&self, path: &Path) -> bool {
        let partial = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().ends_with(".partial"));
        !partial
            && !path.starts_with(&self.out_dir)
            && (self.files.contains(path) || self.trees.iter().any(|tree| path.starts_with(tree)))
    }
}

/// Waits for a change in scope, then until events stop for [`SETTLE`].
/// `false` if the watcher is gone.
fn wait_for_change(events: &Receiver<notify::Result<notify::Event>>, scope: &Scope) -> bool {
    let relevant = |event: &notify::Result<notify::Event>| match event {
        // Reading a file (the build does) is no change.
        Ok(event) => {
            !matches!(event.kind, EventKind::Access(_))
                && event.paths.iter().any(|path| scope.counts(path))
        }
        // Events were lost (a queue overflow): rebuild to be safe.
        Err(_) => true,
    };
    loop {
        match events.recv() {
            Ok(event) if relevant(&event) => break,
            Ok(_) => continue,
            Err(_) => return false,
        }
    }
    loop {
        match events.recv_timeout(SETTLE) {
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

/// `path` from the root of the file system, links resolved where it exists
/// (events name real paths).
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}
