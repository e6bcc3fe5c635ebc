//! `briefpress watch`: builds, then rebuilds what changed on every save,
//! reusing the engine (fonts, worker threads, the compiler's memoized
//! work). Changes come as file-system events (`--poll` checks instead, for
//! network drives where events do not arrive). Errors are shown and
//! watching goes on.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError, channel};
use std::time::{Duration, SystemTime};

use briefpress::build::run::Then;
use briefpress::build::{Action, Engine, Options, Stop};
use briefpress::load::config;
use clap::Args;
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::BuildArgs;
use super::build::summary_line;
use super::report::{Console, Reporter};

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub build: BuildArgs,

    /// Look at the files every 200 ms instead of waiting for file-system
    /// events (for network drives, where events do not arrive).
    #[arg(long)]
    pub poll: bool,
}

/// How long events must stop before a rebuild starts when the last one did
/// not finish a write (see [`finishes_a_write`]): an editor's save is
/// several events (write, rename, attributes) within a few milliseconds.
const SETTLE: Duration = Duration::from_millis(10);

/// [`SETTLE`], or (feature `test-hooks` only) `BRIEFPRESS_TEST_SETTLE_MS`,
/// for a test that needs a save's steps to fall inside it on any machine.
fn settle() -> Duration {
    #[cfg(feature = "test-hooks")]
    if let Some(ms) = std::env::var("BRIEFPRESS_TEST_SETTLE_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
    {
        return Duration::from_millis(ms);
    }
    SETTLE
}

/// How often `--poll` looks (and how long changes must stop: one look may
/// catch the first step of a save, the next its rename over the document).
const POLL: Duration = Duration::from_millis(200);

pub fn run(args: &WatchArgs, reporter: &Reporter) -> ExitCode {
    let mut console = Console::new(reporter);
    let options = match args.build.options() {
        Ok(options) => Options {
            then: Then::Again,
            ..options
        },
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
    let mut changes = if args.poll {
        Changes::Polling { before: None }
    } else {
        let (sender, events) = channel();
        let handler = move |event| {
            let _ = sender.send(event);
        };
        match RecommendedWatcher::new(handler, notify::Config::default()) {
            Ok(watcher) => Changes::Events {
                watcher,
                events,
                watching: BTreeSet::new(),
            },
            Err(err) => {
                return reporter
                    .usage_error(&format!("cannot watch for changes: {err} (try --poll)"));
            }
        }
    };
    let mut first = true;
    loop {
        // Taken before building, so that a save during the build is seen.
        changes.before_build(&scope);
        // The first build forces if asked; later ones build what changed.
        let outcome = if first {
            engine.run(Action::Build, &mut console)
        } else {
            engine.rebuild(&mut console)
        };
        first = false;
        console.finish();
        let known = scope.files.clone();
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
        changes.after_build(&scope, &known);
        reporter.line(&format!(
            "watching {} files and {} folders for changes (Ctrl-C stops)",
            scope.files.len(),
            scope.trees.len()
        ));
        if !changes.wait(&scope) {
            return reporter.usage_error("the file watcher stopped");
        }
        engine.refresh(&mut console);
    }
}

/// How changes are noticed.
enum Changes {
    /// File-system events (inotify here).
    Events {
        watcher: RecommendedWatcher,
        events: Receiver<notify::Result<notify::Event>>,
        /// Folders already watched.
        watching: BTreeSet<PathBuf>,
    },
    /// `--poll`: the files in scope looked at every [`POLL`], compared to
    /// how they were before the last build.
    Polling { before: Option<Snapshot> },
}

impl Changes {
    fn before_build(&mut self, scope: &Scope) {
        if let Changes::Polling { before } = self {
            *before = Some(snapshot(scope));
        }
    }

    /// Watches what the build added to the scope (files it read).
    fn after_build(&mut self, scope: &Scope, known: &BTreeSet<PathBuf>) {
        match self {
            Changes::Events {
                watcher, watching, ..
            } => {
                for (folder, mode) in scope.folders() {
                    if !watching.contains(&folder) && watcher.watch(&folder, mode).is_ok() {
                        watching.insert(folder);
                    }
                }
            }
            Changes::Polling {
                before: Some(before),
            } => {
                // Files that came into scope with this build are as they
                // are now; a document added meanwhile is still a change.
                for file in scope.files.difference(known) {
                    before.insert(file.clone(), stamp(file));
                }
            }
            Changes::Polling { before: None } => {}
        }
    }

    /// Returns once something in scope changed and changes have stopped
    /// for a moment (a save is several steps); `false` if the watcher is
    /// gone.
    fn wait(&mut self, scope: &Scope) -> bool {
        match self {
            Changes::Events { events, .. } => wait_for_events(events, scope),
            Changes::Polling { before } => {
                let before = before.take().unwrap_or_else(|| snapshot(scope));
                let mut now = loop {
                    std::thread::sleep(POLL);
                    let now = snapshot(scope);
                    if now != before {
                        break now;
                    }
                };
                loop {
                    std::thread::sleep(POLL);
                    let later = snapshot(scope);
                    if later == now {
                        return true;
                    }
                    now = later;
                }
            }
        }
    }
}

/// What a file looks like to `--poll`: modification time (to the
/// nanosecond), size and inode; `None` if it is not there.
type Stamp = Option<(SystemTime, u64, u64)>;

/// Every file in scope (the folders' walked), with its stamp.
type Snapshot = BTreeMap<PathBuf, Stamp>;

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok()?, meta.len(), inode))
}

fn snapshot(scope: &Scope) -> Snapshot {
    let mut seen = Snapshot::new();
    // Each real folder once: links that loop back are not walked again.
    let mut folders = HashSet::new();
    let mut stack: Vec<PathBuf> = scope.trees.iter().chain(&scope.files).cloned().collect();
    while let Some(path) = stack.pop() {
        if scope.out_dir == path || !scope.counts(&path) {
            continue;
        }
        if path.is_dir() {
            if path.canonicalize().is_ok_and(|real| folders.insert(real)) {
                stack.extend(briefpress::fsgate::names_in(&path));
            }
            continue;
        }
        seen.insert(path.clone(), stamp(&path));
    }
    seen
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

/// Waits for an event in scope, then until the save is over: at once when
/// the last change in scope finished writing a file the builds read (see
/// [`finishes_a_write`]), else when events stop for [`SETTLE`]. `false` if
/// the watcher is gone.
fn wait_for_events(events: &Receiver<notify::Result<notify::Event>>, scope: &Scope) -> bool {
    // inotify follows a rename's `From` and `To` with a `Both` naming the
    // two paths: nothing new, and left in the queue it would start a
    // second, empty rebuild.
    let in_scope = |event: &notify::Event| {
        !matches!(
            event.kind,
            EventKind::Modify(ModifyKind::Name(RenameMode::Both))
        ) && event.paths.iter().any(|path| scope.counts(path))
    };
    let relevant = |event: &notify::Result<notify::Event>| match event {
        // Reading a file (the build does) is no change.
        Ok(event) => !matches!(event.kind, EventKind::Access(_)) && in_scope(event),
        // Events were lost (a queue overflow): rebuild to be safe.
        Err(_) => true,
    };
    let mut finished = loop {
        match events.recv() {
            Ok(event) if relevant(&event) => {
                break event
                    .as_ref()
                    .is_ok_and(|event| finishes_a_write(event, scope));
            }
            Ok(_) => continue,
            Err(_) => return false,
        }
    };
    loop {
        // Events already queued are taken even when the save looks done: a
        // later write in scope means waiting again.
        let next = if finished {
            events.try_recv().map_err(|err| match err {
                TryRecvError::Empty => RecvTimeoutError::Timeout,
                TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            })
        } else {
            events.recv_timeout(settle())
        };
        match next {
            Ok(Ok(event)) if in_scope(&event) => {
                if finishes_a_write(&event, scope) {
                    finished = true;
                } else if !matches!(event.kind, EventKind::Access(_)) {
                    finished = false;
                }
            }
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

/// Whether `event` ends a write of a file the builds read: renamed into
/// place, or closed after writing. A temporary file an editor writes and
/// then renames over the document, or a backup it renames the old one to,
/// is not such a file, so the rename still to come is waited for.
fn finishes_a_write(event: &notify::Event, scope: &Scope) -> bool {
    let written = matches!(
        event.kind,
        EventKind::Modify(ModifyKind::Name(RenameMode::To))
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    );
    written && event.paths.iter().any(|path| scope.files.contains(path))
}

/// `path` from the root of the file system, links resolved where it exists
/// (events name real paths).
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}
