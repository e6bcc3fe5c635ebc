//! Incremental builds: a manifest in the output folder records, for every
//! PDF, a key over what decides its bytes (tool version, options, templates,
//! extra fonts, the prepared document), the content hash of every file it
//! was built from (its TOML, member TOMLs, images, anything a template
//! read) and a stamp of the PDF as written. A PDF is not rebuilt while its
//! key, its inputs and the PDF itself are as recorded.
//!
//! The manifest is untrusted input (anyone can edit the output folder):
//! its input paths are read only through the project's gate, and an entry
//! naming a path outside the root is never fresh, so nothing outside is
//! opened and "unchanged" tells nothing about files outside.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fsgate::{Gate, Identity, hash_bytes, names_in, read_regular};

/// The manifest's file name in the output folder; shards write
/// `.briefpress-manifest.K-of-N.json` and a later full run merges them.
const NAME: &str = ".briefpress-manifest";

/// The layout of the manifest; a manifest of another version is ignored
/// (everything is built once).
const VERSION: u32 = 2;

/// The most of a manifest file that is read.
const MANIFEST_CAP: u64 = 256 * 1024 * 1024;

/// A PDF as written: a later run trusts it while its size, modification
/// time and inode are unchanged, and hashes it again otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputStamp {
    pub identity: Identity,
    pub hash: String,
}

impl OutputStamp {
    /// The stamp of `bytes` just written to `path`.
    pub fn of(path: &Path, bytes: &[u8]) -> Option<Self> {
        Some(Self {
            identity: identity_of(path)?,
            hash: hash_bytes(bytes),
        })
    }

    /// Whether the file at `path` is still the one stamped. A PDF left
    /// behind by a run that stopped before saving its manifest, or one
    /// cut short, has another hash.
    fn holds(&self, path: &Path) -> bool {
        let Some(identity) = identity_of(path) else {
            return false;
        };
        identity == self.identity
            || read_regular(path, self.identity.size.max(identity.size))
                .is_ok_and(|bytes| hash_bytes(&bytes) == self.hash)
    }
}

/// The identity of a regular file (not through a link).
fn identity_of(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::symlink_metadata(path).ok()?;
    meta.is_file().then(|| Identity {
        dev: meta.dev(),
        ino: meta.ino(),
        size: meta.len(),
        mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
    })
}

/// What one PDF was built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    /// Input files, by their paths inside the project root, and their
    /// content hashes.
    pub inputs: BTreeMap<PathBuf, String>,
    pub output: Option<OutputStamp>,
    /// Files beside the output it needs (a web page's images), relative
    /// to the output folder: the output is stale when one is gone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub companions: Vec<PathBuf>,
}

impl Entry {
    /// Records `inputs` (paths on disk) with the hashes of the bytes the
    /// gate read for this run, by their paths inside the root (so that the
    /// manifest stays valid wherever the project sits).
    pub fn new(
        key: String,
        gate: &Gate,
        cap: u64,
        inputs: impl IntoIterator<Item = PathBuf>,
        output: Option<OutputStamp>,
    ) -> Self {
        let inputs = inputs
            .into_iter()
            .filter_map(|path| {
                let inside = gate.relative(&path).ok()?;
                let hash = gate.read(&inside, cap).ok()?.hash().to_string();
                Some((inside, hash))
            })
            .collect();
        Self {
            key,
            inputs,
            output,
            companions: Vec::new(),
        }
    }

    /// The entry with the files beside its output that it needs.
    pub fn with_companions(mut self, out_dir: &Path, companions: &[PathBuf]) -> Self {
        self.companions = companions
            .iter()
            .map(|path| relative(out_dir, path))
            .collect();
        self
    }

    /// Whether every input still has the recorded bytes. Paths that are
    /// not plainly inside the root are never looked at: such an entry is
    /// stale.
    fn inputs_unchanged(&self, gate: &Gate, cap: u64) -> bool {
        self.inputs.iter().all(|(path, hash)| {
            plainly_inside(path)
                && gate
                    .read(path, cap)
                    .is_ok_and(|data| data.hash() == hash.as_str())
        })
    }
}

/// A relative path without `..`: what the gate is asked to open.
fn plainly_inside(path: &Path) -> bool {
    path.components()
        .all(|component| matches!(component, Component::Normal(_)))
}

/// PDFs (by path relative to the output folder) and what they were built from.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub entries: BTreeMap<PathBuf, Entry>,
}

impl Manifest {
    /// Reads and merges every manifest in `out_dir` (the full one and any
    /// shard's). A missing, unreadable or older manifest means a full build.
    pub fn load(out_dir: &Path) -> Self {
        let mut merged = Manifest {
            version: VERSION,
            ..Manifest::default()
        };
        let files = names_in(out_dir).into_iter().filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(NAME))
        });
        for file in files {
            if let Some(manifest) = read_regular(&file, MANIFEST_CAP)
                .ok()
                .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
                .filter(|manifest| manifest.version == VERSION)
            {
                merged.entries.extend(manifest.entries);
            }
        }
        merged
    }

    /// Whether `output` is up to date for `key`: the same key, inputs whose
    /// bytes are unchanged (read through `gate`, at most `cap` each), and
    /// the PDF on disk the one recorded.
    pub fn is_fresh(
        &self,
        gate: &Gate,
        cap: u64,
        out_dir: &Path,
        output: &Path,
        key: &str,
    ) -> bool {
        let Some(entry) = self.entries.get(&relative(out_dir, output)) else {
            return false;
        };
        entry.key == key
            && entry
                .output
                .as_ref()
                .is_some_and(|stamp| stamp.holds(output))
            && entry
                .companions
                .iter()
                .all(|path| plainly_inside(path) && out_dir.join(path).is_file())
            && entry.inputs_unchanged(gate, cap)
    }

    /// The recorded inputs of `output`, relative to the project root.
    pub fn inputs_of(&self, out_dir: &Path, output: &Path) -> impl Iterator<Item = &PathBuf> {
        self.entries
            .get(&relative(out_dir, output))
            .into_iter()
            .flat_map(|entry| entry.inputs.keys())
            .filter(|path| plainly_inside(path))
    }

    pub fn record(&mut self, out_dir: &Path, output: &Path, entry: Entry) {
        self.entries.insert(relative(out_dir, output), entry);
    }

    pub fn forget(&mut self, out_dir: &Path, output: &Path) {
        self.entries.remove(&relative(out_dir, output));
    }

    /// Writes the manifest: the full one, or a shard's own. A full run
    /// replaces the shards' manifests it merged.
    pub fn save(
        &self,
        gate: &Gate,
        out_dir: &Path,
        shard: Option<(u32, u32)>,
    ) -> Result<(), String> {
        let name = match shard {
            Some((k, n)) => format!("{NAME}.{k}-of-{n}.json"),
            None => format!("{NAME}.json"),
        };
        let manifest = Manifest {
            version: VERSION,
            entries: self.entries.clone(),
        };
        let json = serde_json::to_vec_pretty(&manifest).map_err(|err| err.to_string())?;
        gate.write(&out_dir.join(&name), &json)
            .map_err(|err| err.to_string())?;
        if shard.is_none() {
            for path in names_in(out_dir) {
                let file = path.file_name().map(|n| n.to_string_lossy().into_owned());
                if file.is_some_and(|file| file.starts_with(NAME) && file != name) {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
        Ok(())
    }
}

fn relative(out_dir: &Path, output: &Path) -> PathBuf {
    output.strip_prefix(out_dir).unwrap_or(output).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_only_while_key_inputs_and_output_are_unchanged() {
        let dir = crate::testing::scratch("manifest");
        let input = dir.join("a.toml");
        let output = dir.join("a.pdf");
        std::fs::write(&input, "one").unwrap();
        std::fs::write(&output, "pdf").unwrap();
        let gate = Gate::open(&dir).unwrap();
        let stamp = OutputStamp::of(&output, b"pdf");
        let mut manifest = Manifest::default();
        manifest.record(
            &dir,
            &output,
            Entry::new("k1".into(), &gate, 100, [input.clone()], stamp),
        );
        manifest.save(&gate, &dir, None).unwrap();

        let loaded = Manifest::load(&dir);
        assert_eq!(
            loaded.entries[Path::new("a.pdf")]
                .inputs
                .keys()
                .next()
                .unwrap(),
            Path::new("a.toml")
        );
        let fresh = |manifest: &Manifest, key: &str| {
            // A new run reads the inputs again.
            let gate = Gate::open(&dir).unwrap();
            manifest.is_fresh(&gate, 100, &dir, &output, key)
        };
        assert!(fresh(&loaded, "k1"));
        assert!(!fresh(&loaded, "k2"), "options changed");
        std::fs::write(&input, "two").unwrap();
        assert!(!fresh(&loaded, "k1"), "input bytes changed");
        std::fs::write(&input, "one").unwrap();
        std::fs::write(&output, "pd").unwrap();
        assert!(!fresh(&loaded, "k1"), "output cut short");
        std::fs::remove_file(&output).unwrap();
        assert!(!fresh(&loaded, "k1"), "output gone");

        // An entry naming a path outside the root is never fresh, whatever
        // its hash.
        std::fs::write(&output, "pdf").unwrap();
        let mut edited = Manifest::load(&dir);
        let entry = edited.entries.get_mut(Path::new("a.pdf")).unwrap();
        entry.output = OutputStamp::of(&output, b"pdf");
        assert!(fresh(&edited, "k1"));
        let entry = edited.entries.get_mut(Path::new("a.pdf")).unwrap();
        entry
            .inputs
            .insert(PathBuf::from("../secret"), hash_bytes(b"guess"));
        assert!(!fresh(&edited, "k1"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
