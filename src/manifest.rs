//! Incremental builds: a manifest in the output folder records, for every
//! PDF, a key over what decides its bytes (tool version, options, templates,
//! extra fonts, the prepared document) and the content hash of every file
//! it was built from (its TOML, member TOMLs, images, anything a template
//! read). A PDF whose key and input hashes are unchanged is not rebuilt.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::export::write::write_atomic;

/// The manifest's file name in the output folder; shards write
/// `.briefpress-manifest.K-of-N.json` and a later full run merges them.
const NAME: &str = ".briefpress-manifest";

/// A content hash, as hex.
pub fn hash_bytes(bytes: &[u8]) -> String {
    format!("{:032x}", typst::utils::hash128(&bytes))
}

/// The hash of a file's bytes, or `None` if it cannot be read.
pub fn hash_file(path: &Path) -> Option<String> {
    std::fs::read(path).ok().map(|bytes| hash_bytes(&bytes))
}

/// What one PDF was built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    /// Input files and their content hashes.
    pub inputs: BTreeMap<PathBuf, String>,
}

impl Entry {
    /// Records `inputs` as they are now, by their paths inside `root` (so
    /// that the manifest stays valid wherever the build runs from).
    pub fn new(key: String, root: &Path, inputs: impl IntoIterator<Item = PathBuf>) -> Self {
        let inputs = inputs
            .into_iter()
            .filter_map(|path| {
                let hash = hash_file(&path)?;
                let real = path.canonicalize().ok()?;
                Some((real.strip_prefix(root).unwrap_or(&real).to_path_buf(), hash))
            })
            .collect();
        Self { key, inputs }
    }

    /// Whether every input still has the recorded bytes.
    fn inputs_unchanged(&self, root: &Path) -> bool {
        self.inputs
            .iter()
            .all(|(path, hash)| hash_file(&root.join(path)).as_ref() == Some(hash))
    }
}

/// PDFs (by path relative to the output folder) and what they were built from.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub entries: BTreeMap<PathBuf, Entry>,
}

impl Manifest {
    /// Reads and merges every manifest in `out_dir` (the full one and any
    /// shard's). A missing or unreadable manifest means a full build.
    pub fn load(out_dir: &Path) -> Self {
        let mut merged = Manifest::default();
        let Ok(entries) = std::fs::read_dir(out_dir) else {
            return merged;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(NAME))
            })
            .collect();
        files.sort();
        for file in files {
            if let Some(manifest) = std::fs::read(&file)
                .ok()
                .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
            {
                merged.entries.extend(manifest.entries);
            }
        }
        merged
    }

    /// Whether `output` is up to date for `key`, its inputs read from `root`.
    pub fn is_fresh(&self, out_dir: &Path, root: &Path, output: &Path, key: &str) -> bool {
        let Some(entry) = self.entries.get(&relative(out_dir, output)) else {
            return false;
        };
        entry.key == key && output.exists() && entry.inputs_unchanged(root)
    }

    /// The recorded inputs of `output`, relative to the project root.
    pub fn inputs_of(&self, out_dir: &Path, output: &Path) -> impl Iterator<Item = &PathBuf> {
        self.entries
            .get(&relative(out_dir, output))
            .into_iter()
            .flat_map(|entry| entry.inputs.keys())
    }

    pub fn record(&mut self, out_dir: &Path, output: &Path, entry: Entry) {
        self.entries.insert(relative(out_dir, output), entry);
    }

    pub fn forget(&mut self, out_dir: &Path, output: &Path) {
        self.entries.remove(&relative(out_dir, output));
    }

    /// Writes the manifest: the full one, or a shard's own. A full run
    /// replaces the shards' manifests it merged.
    pub fn save(&self, out_dir: &Path, shard: Option<(u32, u32)>) -> std::io::Result<()> {
        let name = match shard {
            Some((k, n)) => format!("{NAME}.{k}-of-{n}.json"),
            None => format!("{NAME}.json"),
        };
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(&out_dir.join(&name), &json)?;
        if shard.is_none()
            && let Ok(entries) = std::fs::read_dir(out_dir)
        {
            for entry in entries.flatten() {
                let file = entry.file_name();
                let file = file.to_string_lossy();
                if file.starts_with(NAME) && file != name {
                    let _ = std::fs::remove_file(entry.path());
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
        let dir = std::env::temp_dir().join(format!("briefpress-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("a.toml");
        let output = dir.join("a.pdf");
        std::fs::write(&input, "one").unwrap();
        std::fs::write(&output, "pdf").unwrap();
        let root = dir.canonicalize().unwrap();
        let mut manifest = Manifest::default();
        manifest.record(
            &dir,
            &output,
            Entry::new("k1".into(), &root, [input.clone()]),
        );
        manifest.save(&dir, None).unwrap();

        let loaded = Manifest::load(&dir);
        assert_eq!(
            loaded.entries[Path::new("a.pdf")]
                .inputs
                .keys()
                .next()
                .unwrap(),
            Path::new("a.toml")
        );
        assert!(loaded.is_fresh(&dir, &root, &output, "k1"));
        assert!(
            !loaded.is_fresh(&dir, &root, &output, "k2"),
            "options changed"
        );
        std::fs::write(&input, "two").unwrap();
        assert!(
            !loaded.is_fresh(&dir, &root, &output, "k1"),
            "input bytes changed"
        );
        std::fs::write(&input, "one").unwrap();
        std::fs::remove_file(&output).unwrap();
        assert!(!loaded.is_fresh(&dir, &root, &output, "k1"), "output gone");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
