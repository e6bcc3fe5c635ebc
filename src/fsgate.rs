//! The file gate: the one place briefpress opens and writes files.
//!
//! A project file (document, included part, image, logo, configuration,
//! template) is opened beneath the project root on the descriptor, not the
//! path (cap-std: `openat2` with `RESOLVE_BENEATH` where the kernel has it,
//! a checked walk otherwise), so a symbolic link swapped in between a check
//! and a read cannot lead outside. It must be a regular file (checked with
//! `fstat` on the opened descriptor; FIFOs are opened non-blocking so they
//! cannot hang the run), is read with a size cap, and is read once per run:
//! prepare, the compiler, the manifest, archives and `--emit-typst` all get
//! those same bytes.
//!
//! Outputs are written here too, atomically, and refused when they would
//! land on a file the run has read.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use cap_std::fs::{Dir, FileType, Metadata, MetadataExt, OpenOptions};
use typst::foundations::Bytes;

/// A content hash, as hex.
pub fn hash_bytes(bytes: &[u8]) -> String {
    format!("{:032x}", typst::utils::hash128(&bytes))
}

/// A size as people say it: "2.1 MB", "300 KB".
pub fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= 1024 * MB {
        format!("{:.1} GB", bytes as f64 / (1024 * MB) as f64)
    } else if bytes >= MB {
        let mb = bytes as f64 / MB as f64;
        if mb.fract() == 0.0 {
            format!("{mb:.0} MB")
        } else {
            format!("{mb:.1} MB")
        }
    } else if bytes >= 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum GateError {
    /// The path leaves the root (by `..`, an absolute path, or a symbolic
    /// link pointing out). Said before anything outside is looked at.
    Outside,
    NotFound,
    /// A folder, FIFO, device or socket: what it is.
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        cap: u64,
    },
    /// A file or folder name that is not UTF-8, with the name as shown.
    NotUtf8(String),
    Io(std::io::Error),
}

impl std::fmt::Display for GateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GateError::Outside => write!(f, "it is outside the project root"),
            GateError::NotFound => write!(f, "not found"),
            GateError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            GateError::TooLarge { size, cap } => write!(
                f,
                "it is {}, over the limit of {}",
                human_size(*size),
                human_size(*cap)
            ),
            GateError::NotUtf8(name) => write!(
                f,
                "the name `{name}` is not valid UTF-8; rename it (briefpress names outputs and links after it)"
            ),
            GateError::Io(err) => write!(f, "{err}"),
        }
    }
}

impl GateError {
    /// Maps an error of an open or stat beneath the root.
    fn from_io(err: std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::NotFound => GateError::NotFound,
            // cap-std reports an escape (a `..` or a link past the root) as
            // "permission denied" with this text; the kernel as EXDEV.
            _ if err.raw_os_error() == Some(EXDEV) || err.to_string().contains("outside of") => {
                GateError::Outside
            }
            _ => GateError::Io(err),
        }
    }
}

const EXDEV: i32 = 18;

/// Which file, by identity: a second name for the same file (a hard or
/// symbolic link) has the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i128,
}

impl Identity {
    fn of(meta: &Metadata) -> Self {
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.len(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
        }
    }

    fn of_std(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt as _;
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.len(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
        }
    }
}

/// One file as read, shared by every stage that uses it.
pub struct FileData {
    pub bytes: Bytes,
    pub identity: Identity,
    hash: OnceLock<String>,
    /// What a reader made of the bytes (a parsed TOML tree), kept with
    /// them: made once however many stages (or documents) read the file.
    derived: OnceLock<Arc<dyn std::any::Any + Send + Sync>>,
}

impl FileData {
    /// The content hash, computed on first use.
    pub fn hash(&self) -> &str {
        self.hash.get_or_init(|| hash_bytes(&self.bytes))
    }

    /// What `make` makes of the bytes, made on first use and shared after.
    /// `None` if something of another type was made of them first.
    pub fn derived<T: std::any::Any + Send + Sync>(
        &self,
        make: impl FnOnce(&[u8]) -> T,
    ) -> Option<Arc<T>> {
        self.derived
            .get_or_init(|| Arc::new(make(&self.bytes)))
            .clone()
            .downcast::<T>()
            .ok()
    }
}

impl std::fmt::Debug for FileData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileData")
            .field("bytes", &self.bytes.len())
            .field("identity", &self.identity)
            .finish()
    }
}

/// A folder's regular files, and what was refused in it.
#[derive(Debug, Default)]
pub struct Listing {
    /// Paths relative to the root, sorted.
    pub files: Vec<PathBuf>,
    /// Entries that are not regular files or folders, links out of the
    /// root, names that are not UTF-8.
    pub refused: Vec<(PathBuf, GateError)>,
}

/// Files kept in memory for a run at most (beyond, the oldest are let go
/// and read again, through the gate, if asked for again).
const CACHE_BYTES: usize = 512 * 1024 * 1024;

/// The project root's gate.
pub struct Gate {
    /// Canonical absolute path of the root.
    root: PathBuf,
    dir: Dir,
    cache: Mutex<Cache>,
    read: Mutex<ReadSet>,
    /// Output folders already cleared of leftover temporary files.
    swept: Mutex<HashSet<PathBuf>>,
}

#[derive(Default)]
struct Cache {
    files: HashMap<PathBuf, Arc<Slot>>,
    order: VecDeque<PathBuf>,
    bytes: usize,
}

/// One file's place in the cache, filled by the first thread that reads
/// it; a thread asking for it meanwhile waits for that read instead of
/// reading again (and perhaps getting other bytes, if the file changed).
type Slot = Mutex<Option<Arc<FileData>>>;

/// Every file the run has read, so that no output lands on one.
#[derive(Default)]
struct ReadSet {
    identities: HashMap<(u64, u64), PathBuf>,
    paths: HashSet<PathBuf>,
    /// How often each file was read from disk (for the read-once test).
    #[cfg(feature = "test-hooks")]
    times: HashMap<PathBuf, usize>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate").field("root", &self.root).finish()
    }
}

impl Gate {
    /// Opens the gate of the folder `root`.
    pub fn open(root: &Path) -> std::io::Result<Self> {
        let root = root.canonicalize()?;
        let dir = Dir::open_ambient_dir(&root, cap_std::ambient_authority())?;
        Ok(Self {
            root,
            dir,
            cache: Mutex::default(),
            read: Mutex::default(),
            swept: Mutex::default(),
        })
    }

    /// The canonical absolute path of the root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path inside the root of a path given on the command line
    /// (absolute, or relative to the working directory).
    pub fn relative(&self, path: &Path) -> Result<PathBuf, GateError> {
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().map_err(GateError::Io)?.join(path)
        };
        let lexical = normalize(&absolute);
        if let Ok(inside) = lexical.strip_prefix(&self.root) {
            return Ok(inside.to_path_buf());
        }
        // The working directory may reach the root through a link: the
        // real folder of the path decides.
        let (Some(parent), Some(name)) = (lexical.parent(), lexical.file_name()) else {
            return Err(GateError::Outside);
        };
        let real = parent.canonicalize().map_err(|_| GateError::Outside)?;
        real.join(name)
            .strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .map_err(|_| GateError::Outside)
    }

    /// The absolute path of a path inside the root, for messages.
    pub fn absolute(&self, inside: &Path) -> PathBuf {
        self.root.join(inside)
    }

    /// Reads the file at `inside` (relative to the root) with at most
    /// `cap` bytes; the same bytes for the rest of the run.
    pub fn read(&self, inside: &Path, cap: u64) -> Result<Arc<FileData>, GateError> {
        let inside = checked(inside)?;
        let slot = self.slot(&inside);
        let mut filled = slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(data) = filled.as_ref() {
            return if data.identity.size > cap {
                Err(GateError::TooLarge {
                    size: data.identity.size,
                    cap,
                })
            } else {
                Ok(data.clone())
            };
        }
        let data = self.read_from_disk(&inside, cap)?;
        *filled = Some(data.clone());
        drop(filled);
        self.remember(inside, data.bytes.len());
        Ok(data)
    }

    /// The file's bytes and identity, read from disk (once a run: see `read`).
    fn read_from_disk(&self, inside: &Path, cap: u64) -> Result<Arc<FileData>, GateError> {
        let mut options = OpenOptions::new();
        options.read(true);
        {
            use cap_std::fs::OpenOptionsExt as _;
            // Non-blocking: opening a FIFO returns at once (and is then
            // refused) instead of waiting for a writer.
            options.custom_flags(NONBLOCK | NOCTTY);
        }
        let file = self
            .dir
            .open_with(inside, &options)
            .map_err(GateError::from_io)?;
        let meta = file.metadata().map_err(GateError::Io)?;
        if !meta.is_file() {
            return Err(GateError::NotRegular(kind_of(meta.file_type())));
        }
        if meta.len() > cap {
            return Err(GateError::TooLarge {
                size: meta.len(),
                cap,
            });
        }
        let bytes = read_capped(file, meta.len(), cap)?;
        let identity = Identity::of(&meta);
        self.note_read(identity, self.root.join(inside));
        Ok(Arc::new(FileData {
            bytes: Bytes::new(bytes),
            identity,
            hash: OnceLock::new(),
            derived: OnceLock::new(),
        }))
    }

    /// Whether a regular file is at `inside` (no bytes are read).
    pub fn is_file(&self, inside: &Path) -> bool {
        checked(inside).is_ok_and(|inside| self.dir.metadata(inside).is_ok_and(|m| m.is_file()))
    }

    /// Whether a folder is at `inside`.
    pub fn is_dir(&self, inside: &Path) -> bool {
        checked(inside).is_ok_and(|inside| self.dir.metadata(inside).is_ok_and(|m| m.is_dir()))
    }

    /// The identity of the regular file at `inside`, without reading it.
    pub fn identity(&self, inside: &Path) -> Result<Identity, GateError> {
        let inside = checked(inside)?;
        let meta = self.dir.metadata(&inside).map_err(GateError::from_io)?;
        if !meta.is_file() {
            return Err(GateError::NotRegular(kind_of(meta.file_type())));
        }
        Ok(Identity::of(&meta))
    }

    /// Every regular file below the folder `inside`, each real folder
    /// walked once (links that loop are not followed again), hidden
    /// entries skipped unless `hidden`.
    pub fn list(&self, inside: &Path, hidden: bool) -> Result<Listing, GateError> {
        let inside = checked(inside)?;
        let top = if inside.as_os_str().is_empty() {
            self.dir.try_clone().map_err(GateError::Io)?
        } else {
            self.dir.open_dir(&inside).map_err(GateError::from_io)?
        };
        let mut listing = Listing::default();
        let mut seen = HashSet::new();
        let mut stack = vec![(top, inside)];
        while let Some((dir, at)) = stack.pop() {
            let meta = dir.dir_metadata().map_err(GateError::Io)?;
            if !seen.insert((meta.dev(), meta.ino())) {
                continue;
            }
            let entries = dir.entries().map_err(GateError::Io)?;
            for entry in entries {
                let entry = entry.map_err(GateError::Io)?;
                let name = entry.file_name();
                let path = at.join(&name);
                let Some(text) = name.to_str() else {
                    listing.refused.push((
                        path.clone(),
                        GateError::NotUtf8(path.to_string_lossy().into_owned()),
                    ));
                    continue;
                };
                if !hidden && text.starts_with('.') {
                    continue;
                }
                match dir.metadata(text) {
                    Ok(meta) if meta.is_dir() => match dir.open_dir(text) {
                        Ok(sub) => stack.push((sub, path)),
                        Err(err) => listing.refused.push((path, GateError::from_io(err))),
                    },
                    Ok(meta) if meta.is_file() => listing.files.push(path),
                    Ok(meta) => listing
                        .refused
                        .push((path, GateError::NotRegular(kind_of(meta.file_type())))),
                    // A dangling link is not a file; a link out is refused.
                    Err(err) => match GateError::from_io(err) {
                        GateError::NotFound => {}
                        other => listing.refused.push((path, other)),
                    },
                }
            }
        }
        listing.files.sort();
        listing.refused.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(listing)
    }

    /// Lets go of every file read so far (they changed on disk): the next
    /// run reads them again.
    pub fn forget(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Cache::default();
        }
        if let Ok(mut read) = self.read.lock() {
            *read = ReadSet::default();
        }
    }

    /// Guards a file outside the project that the run reads as an input
    /// (a font from `--font-path`) like a project file: no output may be
    /// written over it.
    pub fn note_input(&self, identity: Identity, path: &Path) {
        self.note_read(identity, normalize(&absolute(path)));
    }

    /// Writes `bytes` to `target` atomically, refusing a target that is a
    /// file this run has read (a document, include, image, configuration,
    /// template or font): nothing is written then.
    pub fn write(&self, target: &Path, bytes: &[u8]) -> Result<(), WriteError> {
        if let Some(input) = self.reads(target) {
            return Err(WriteError::OverInput {
                target: target.to_path_buf(),
                input,
            });
        }
        let dir = parent_of(target);
        let first = self
            .swept
            .lock()
            .map(|mut swept| swept.insert(normalize(&absolute(dir))))
            .unwrap_or(false);
        if first {
            sweep_partials(dir);
        }
        write_atomic(target, bytes).map_err(|err| WriteError::Io {
            target: target.to_path_buf(),
            err,
        })
    }

    /// The input `target` would overwrite, if any: the same path, or the
    /// same file under another name.
    fn reads(&self, target: &Path) -> Option<PathBuf> {
        let read = self.read.lock().ok()?;
        let path = normalize(&absolute(target));
        if read.paths.contains(&path) {
            return Some(path);
        }
        let meta = std::fs::metadata(target).ok()?;
        use std::os::unix::fs::MetadataExt as _;
        read.identities.get(&(meta.dev(), meta.ino())).cloned()
    }

    fn note_read(&self, identity: Identity, path: PathBuf) {
        if let Ok(mut read) = self.read.lock() {
            read.identities
                .insert((identity.dev, identity.ino), path.clone());
            #[cfg(feature = "test-hooks")]
            {
                *read.times.entry(path.clone()).or_default() += 1;
            }
            read.paths.insert(path);
        }
    }

    /// How often the file at `path` (absolute, beneath the root) was read
    /// from disk in this run (feature `test-hooks` only).
    #[cfg(feature = "test-hooks")]
    pub fn times_read(&self, path: &Path) -> usize {
        self.read
            .lock()
            .map_or(0, |read| read.times.get(path).copied().unwrap_or(0))
    }

    /// The cache's slot for `inside`, made empty if it has none.
    fn slot(&self, inside: &Path) -> Arc<Slot> {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.files.entry(inside.to_path_buf()).or_default().clone()
    }

    /// Counts a slot just filled with `len` bytes, letting the oldest go
    /// beyond [`CACHE_BYTES`].
    fn remember(&self, inside: PathBuf, len: usize) {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.bytes += len;
        cache.order.push_back(inside);
        while cache.bytes > CACHE_BYTES && cache.order.len() > 1 {
            let Some(oldest) = cache.order.pop_front() else {
                break;
            };
            if let Some(gone) = cache.files.remove(&oldest) {
                let gone = gone.lock().unwrap_or_else(PoisonError::into_inner);
                cache.bytes -= gone.as_ref().map_or(0, |data| data.bytes.len());
            }
        }
    }
}

/// Why an output was not written.
#[derive(Debug)]
pub enum WriteError {
    OverInput {
        target: PathBuf,
        input: PathBuf,
    },
    Io {
        target: PathBuf,
        err: std::io::Error,
    },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::OverInput { target, input } if target == input => write!(
                f,
                "the output {} is a file this run reads; nothing was written",
                target.display()
            ),
            WriteError::OverInput { target, input } => write!(
                f,
                "the output {} is {}, a file this run reads; nothing was written",
                target.display(),
                input.display()
            ),
            WriteError::Io { target, err } => {
                write!(f, "cannot write {}: {err}", target.display())
            }
        }
    }
}

impl WriteError {
    /// The diagnostic code.
    pub fn code(&self) -> &'static str {
        match self {
            WriteError::OverInput { .. } => "output-over-input",
            WriteError::Io { .. } => "io",
        }
    }
}

/// Reads a file outside any project (a manifest or thumbnail in the output
/// folder, a PDF given to `extract`): regular files only, at most `cap`
/// bytes, never blocking on a FIFO.
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, GateError> {
    read_regular_with_identity(path, cap).map(|(bytes, _)| bytes)
}

/// [`read_regular`], with which file it was.
pub fn read_regular_with_identity(path: &Path, cap: u64) -> Result<(Vec<u8>, Identity), GateError> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(NONBLOCK | NOCTTY)
        .open(path)
        .map_err(GateError::from_io)?;
    let meta = file.metadata().map_err(GateError::Io)?;
    if !meta.is_file() {
        return Err(GateError::NotRegular(if meta.is_dir() {
            "a folder"
        } else {
            "a special file"
        }));
    }
    if meta.len() > cap {
        return Err(GateError::TooLarge {
            size: meta.len(),
            cap,
        });
    }
    let bytes = read_capped(file, meta.len(), cap)?;
    Ok((bytes, Identity::of_std(&meta)))
}

/// Every regular file below `dir` outside any project (font folders),
/// following links, each real folder once.
pub fn files_outside(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if !seen.insert(dir.canonicalize()?) {
            continue;
        }
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => stack.push(path),
                Ok(meta) if meta.is_file() => out.push(path),
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Marks a file of an output folder (a cache entry) as used now.
pub fn touch(path: &Path) {
    if let Ok(file) = std::fs::File::options().append(true).open(path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
}

/// Removes the least recently modified files of `dir`, an output folder's
/// cache, until its files hold at most `cap` bytes.
pub fn trim_to(dir: &Path, cap: u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let meta = entry.metadata().ok().filter(std::fs::Metadata::is_file)?;
            Some((meta.modified().ok()?, meta.len(), entry.path()))
        })
        .collect();
    let mut total: u64 = files.iter().map(|(_, size, _)| size).sum();
    if total <= cap {
        return;
    }
    files.sort();
    for (_, size, path) in files {
        if total <= cap {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= size;
        }
    }
}

/// The entries of an output folder (not a project's): names only.
pub fn names_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    names.sort();
    names
}

/// Reads at most `cap` bytes; a file that grew past the cap since its
/// size was taken is refused, not cut.
fn read_capped(file: impl Read, expected: u64, cap: u64) -> Result<Vec<u8>, GateError> {
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(GateError::Io)?;
    if bytes.len() as u64 > cap {
        return Err(GateError::TooLarge {
            size: bytes.len() as u64,
            cap,
        });
    }
    Ok(bytes)
}

const NONBLOCK: i32 = 0o4000;
const NOCTTY: i32 = 0o400;

fn kind_of(kind: FileType) -> &'static str {
    use cap_std::fs::FileTypeExt as _;
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

/// A path inside the root as the gate takes it: relative, without `..`.
fn checked(inside: &Path) -> Result<PathBuf, GateError> {
    let mut out = PathBuf::new();
    for component in inside.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return Err(GateError::Outside),
        }
    }
    Ok(out)
}

/// `written`, a path in a document in the folder `base` (both inside the
/// root), as a path inside the root: worked out lexically, without looking
/// at the disk, so a path that leaves the root is refused the same way
/// whether or not something exists there.
pub fn join(base: &Path, written: &Path) -> Result<PathBuf, GateError> {
    // An absolute `written` replaces `base` in the join and is refused at
    // its root component below.
    let mut out = PathBuf::new();
    for component in base.join(written).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return Err(GateError::Outside);
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err(GateError::Outside),
        }
    }
    Ok(out)
}

/// Removes `.` and `..` lexically (without touching the file system).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

fn parent_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `bytes` to `target` so that readers see either the old file or
/// the complete new one, never a partial one: a temporary file beside it,
/// flushed to disk, renamed over it. For outputs of commands that read no
/// project file; builds write through [`Gate::write`].
pub fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_of(target);
    std::fs::create_dir_all(dir)?;
    let temp = temp_path(target);
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        let (first, rest) = bytes.split_at(bytes.len() / 2);
        file.write_all(first)?;
        #[cfg(feature = "test-hooks")]
        pause_for_tests(&mut file)?;
        file.write_all(rest)?;
        file.sync_all()?;
        std::fs::rename(&temp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Writes a new file at `path`: an existing file (or a link) there is an
/// error, never followed or overwritten. For folders being filled that are
/// renamed into place whole (`extract`).
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create_new(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Test hook (feature `test-hooks` only): with `BRIEFPRESS_TEST_PAUSE_WRITE_MS` set, stop halfway
/// through writing (the half flushed to disk) for that long, so that a test
/// can kill the process mid-write and check the old file survived.
#[cfg(feature = "test-hooks")]
fn pause_for_tests(file: &mut std::fs::File) -> std::io::Result<()> {
    if let Some(ms) = std::env::var("BRIEFPRESS_TEST_PAUSE_WRITE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        file.sync_all()?;
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    Ok(())
}

/// The suffix of temporary files.
const PARTIAL: &str = ".partial";

/// A hidden name in the target's folder that no reader mistakes for a
/// PDF, naming the writing process, so that a later run can tell a
/// leftover of a dead run from a file in flight.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{}{PARTIAL}", std::process::id()))
}

/// Removes the temporary files of runs that are no longer alive from
/// `dir`; those of live processes (a concurrent build) are left alone.
fn sweep_partials(dir: &Path) {
    // Without /proc there is no telling whether a writer is alive.
    if !Path::new("/proc/self").exists() {
        return;
    }
    for path in names_in(dir) {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(pid) = partial_pid(name) else {
            continue;
        };
        if pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// The process that wrote a temporary file named `.<target>.<pid>.partial`.
fn partial_pid(name: &str) -> Option<u32> {
    let stem = name.strip_prefix('.')?.strip_suffix(PARTIAL)?;
    let (_, pid) = stem.rsplit_once('.')?;
    pid.parse().ok()
}

/// Work done per file in this process, counted for the tests that show it
/// done once (how often each file was parsed, each original decoded).
/// Counting is nothing without the `test-hooks` feature.
pub struct PerFile {
    #[cfg(feature = "test-hooks")]
    counts: Mutex<std::collections::BTreeMap<PathBuf, usize>>,
}

impl PerFile {
    pub const fn new() -> Self {
        Self {
            #[cfg(feature = "test-hooks")]
            counts: Mutex::new(std::collections::BTreeMap::new()),
        }
    }

    /// Notes one more for `path`.
    pub fn count(&self, path: &Path) {
        #[cfg(feature = "test-hooks")]
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry(path.to_path_buf()).or_default() += 1;
        }
        #[cfg(not(feature = "test-hooks"))]
        let _ = path;
    }

    /// How many were noted for `path`.
    #[cfg(feature = "test-hooks")]
    pub fn of(&self, path: &Path) -> usize {
        self.counts
            .lock()
            .map_or(0, |counts| counts.get(path).copied().unwrap_or(0))
    }
}

impl Default for PerFile {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::scratch;

    /// Threads asking for one file at once share one read: the same
    /// bytes (the same `FileData`), read from disk once.
    #[test]
    fn a_file_asked_for_by_many_threads_at_once_is_read_once() {
        let dir = scratch("read-once");
        std::fs::write(dir.join("a.toml"), vec![b'x'; 1 << 20]).unwrap();
        let gate = Gate::open(&dir).unwrap();
        for _ in 0..20 {
            gate.forget();
            let start = std::sync::Barrier::new(8);
            let read: Vec<Arc<FileData>> = std::thread::scope(|scope| {
                let threads: Vec<_> = (0..8)
                    .map(|_| {
                        scope.spawn(|| {
                            start.wait();
                            gate.read(Path::new("a.toml"), 1 << 21).unwrap()
                        })
                    })
                    .collect();
                threads.into_iter().map(|t| t.join().unwrap()).collect()
            });
            assert!(read.iter().all(|data| Arc::ptr_eq(data, &read[0])));
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn replaces_the_target_and_leaves_no_temp_file() {
        let dir = scratch("write");
        let target = dir.join("sub/x.pdf");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        assert_eq!(names_in(&dir.join("sub")), vec![target]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn joins_lexically_and_refuses_leaving_the_root() {
        let join = |base: &str, written: &str| join(Path::new(base), Path::new(written));
        assert_eq!(
            join("briefs/a", "../images/x.png").unwrap(),
            Path::new("briefs/images/x.png")
        );
        assert!(matches!(join("briefs", "../../x"), Err(GateError::Outside)));
        assert!(matches!(
            join("briefs", "/etc/passwd"),
            Err(GateError::Outside)
        ));
        assert!(matches!(
            checked(Path::new("a/../../b")),
            Err(GateError::Outside)
        ));
    }

    #[test]
    fn reads_once_refuses_links_out_special_files_and_oversize() {
        let dir = scratch("read");
        let root = dir.join("root");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(dir.join("secret.txt"), "outside").unwrap();
        std::fs::write(root.join("a.txt"), "inside").unwrap();
        std::os::unix::fs::symlink(dir.join("secret.txt"), root.join("out.txt")).unwrap();
        std::os::unix::fs::symlink("a.txt", root.join("in.txt")).unwrap();
        let gate = Gate::open(&root).unwrap();
        assert_eq!(
            &*gate.read(Path::new("in.txt"), 100).unwrap().bytes,
            b"inside"
        );
        assert!(matches!(
            gate.read(Path::new("out.txt"), 100),
            Err(GateError::Outside)
        ));
        assert!(matches!(
            gate.read(Path::new("a.txt"), 3),
            Err(GateError::TooLarge { size: 6, cap: 3 })
        ));
        // Read once: later changes on disk are not seen in the same run.
        let first = gate.read(Path::new("a.txt"), 100).unwrap();
        std::fs::write(root.join("a.txt"), "changed").unwrap();
        assert!(Arc::ptr_eq(
            &first,
            &gate.read(Path::new("a.txt"), 100).unwrap()
        ));
        assert!(gate.reads(&root.join("a.txt")).is_some());
        assert!(gate.reads(&root.join("b.txt")).is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn lists_each_real_folder_once() {
        let dir = scratch("list");
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/x.toml"), "").unwrap();
        std::os::unix::fs::symlink(".", dir.join("a/loop")).unwrap();
        std::os::unix::fs::symlink("..", dir.join("a/up")).unwrap();
        let gate = Gate::open(&dir).unwrap();
        let listing = gate.list(Path::new(""), false).unwrap();
        assert_eq!(listing.files, vec![PathBuf::from("a/x.toml")]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success(), "mkfifo {} failed", path.display());
    }

    /// Runs `read` on another thread and fails if it blocks: opening a
    /// FIFO without a writer must return at once. A blocked reader is
    /// released by opening the FIFO for writing.
    fn without_blocking<T: Send + 'static>(
        fifo: &Path,
        read: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(read()));
        match receive.recv_timeout(std::time::Duration::from_secs(10)) {
            Ok(result) => result,
            Err(_) => {
                let _ = std::fs::OpenOptions::new().write(true).open(fifo);
                panic!("reading {} blocked", fifo.display());
            }
        }
    }

    #[test]
    fn reads_up_to_the_cap_fresh_and_cached() {
        let dir = scratch("cap");
        std::fs::write(dir.join("a.txt"), "123456").unwrap();
        let gate = Gate::open(&dir).unwrap();
        let a = Path::new("a.txt");
        assert!(matches!(
            gate.read(a, 5),
            Err(GateError::TooLarge { size: 6, cap: 5 })
        ));
        assert_eq!(&*gate.read(a, 6).unwrap().bytes, b"123456");
        // From the cache now: the same cap decides.
        assert_eq!(&*gate.read(a, 6).unwrap().bytes, b"123456");
        assert!(matches!(
            gate.read(a, 5),
            Err(GateError::TooLarge { size: 6, cap: 5 })
        ));
        assert_eq!(
            &*gate.read(Path::new("./a.txt"), 6).unwrap().bytes,
            b"123456"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn refuses_a_fifo_without_waiting_for_a_writer() {
        let dir = scratch("fifo");
        let fifo = dir.join("pipe.toml");
        mkfifo(&fifo);
        let gate = Arc::new(Gate::open(&dir).unwrap());
        let read = without_blocking(&fifo, move || {
            gate.read(Path::new("pipe.toml"), 100).map(|_| ())
        });
        assert!(matches!(
            read,
            Err(GateError::NotRegular("a named pipe (FIFO)"))
        ));
        let outside = fifo.clone();
        let read = without_blocking(&fifo, move || read_regular(&outside, 100));
        assert!(matches!(read, Err(GateError::NotRegular("a special file"))));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn reads_regular_files_outside_up_to_the_cap() {
        let dir = scratch("outside");
        let file = dir.join("m.json");
        std::fs::write(&file, "[1, 2]").unwrap();
        assert_eq!(read_regular(&file, 6).unwrap(), b"[1, 2]");
        assert_eq!(read_regular(&file, 100).unwrap(), b"[1, 2]");
        let (bytes, identity) = read_regular_with_identity(&file, 6).unwrap();
        assert_eq!((bytes.len(), identity.size), (6, 6));
        // Refused by its size before reading: the size is the file's.
        assert!(matches!(
            read_regular(&file, 2),
            Err(GateError::TooLarge { size: 6, cap: 2 })
        ));
        assert!(matches!(
            read_regular(&dir, 100),
            Err(GateError::NotRegular("a folder"))
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_file_that_grew_past_the_cap_is_refused_not_cut() {
        assert_eq!(read_capped(&b"abc"[..], 1, 3).unwrap(), b"abc");
        assert!(matches!(
            read_capped(&b"abcd"[..], 1, 3),
            Err(GateError::TooLarge { size: 4, cap: 3 })
        ));
    }

    #[test]
    fn lists_hidden_entries_only_when_asked_and_refuses_special_files() {
        let dir = scratch("hidden");
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join(".git/x.toml"), "").unwrap();
        std::fs::write(dir.join(".h.toml"), "").unwrap();
        std::fs::write(dir.join("a.toml"), "").unwrap();
        mkfifo(&dir.join("pipe.toml"));
        let gate = Gate::open(&dir).unwrap();
        let listing = gate.list(Path::new(""), false).unwrap();
        assert_eq!(listing.files, vec![PathBuf::from("a.toml")]);
        assert_eq!(listing.refused.len(), 1);
        assert_eq!(listing.refused[0].0, Path::new("pipe.toml"));
        assert!(matches!(
            listing.refused[0].1,
            GateError::NotRegular("a named pipe (FIFO)")
        ));
        let all = gate.list(Path::new("."), true).unwrap();
        let names = [".git/x.toml", ".h.toml", "a.toml"];
        assert_eq!(all.files, names.map(PathBuf::from));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn takes_paths_inside_without_dots_and_absolute_ones_from_the_working_directory() {
        assert_eq!(checked(Path::new("./a/./b")).unwrap(), Path::new("a/b"));
        assert!(matches!(checked(Path::new("/a")), Err(GateError::Outside)));
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(absolute(Path::new("x/y")), cwd.join("x/y"));
        assert_eq!(absolute(Path::new("/x/y")), Path::new("/x/y"));
        assert_eq!(normalize(Path::new("/a/./b/../c")), Path::new("/a/c"));
    }

    #[test]
    fn knows_the_writer_of_a_temporary_file() {
        assert_eq!(partial_pid(".x.pdf.123.partial"), Some(123));
        assert_eq!(partial_pid("x.pdf"), None);
        assert_eq!(partial_pid(".x.pdf.partial"), None);
    }
}
