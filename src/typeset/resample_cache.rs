//! Screen resampling done once per image, not once per build. A resampled
//! copy is kept in the output folder's `.briefpress-cache/resampled/`,
//! named by what decides its bytes: the source image's bytes, the target
//! size and encoding, and this briefpress's version (a path never enters
//! the key, so an issue and its members, or two documents sharing a photo,
//! share the copy). Each entry starts with the content hash Typst itself
//! computes of what follows (`Bytes` hashes its data once and keeps the
//! hash), and is used only when that matches: checking an entry costs no
//! pass over its megabytes beyond the one the compiler makes anyway. Least recently used entries go when the
//! folder passes its cap; the folder is hidden, so the catalogue and
//! `SHA256SUMS` leave it out.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use typst::foundations::Bytes;
use typst::utils::hash128;

use crate::fsgate::{Gate, read_regular, touch, trim_to};

/// The cache's folder inside an output folder.
pub const FOLDER: &str = ".briefpress-cache/resampled";

/// The cache is trimmed to this size when a run opens it.
pub const CAP_BYTES: u64 = 1 << 30;

/// Resampled copies kept in one output folder.
#[derive(Debug, Clone)]
pub struct ResampleCache {
    dir: PathBuf,
}

/// Bytes of the content hash in front of each entry.
const SUM: usize = 16;

/// An entry as read, served without its checksum: the payload (megabytes
/// of pixels) goes to the compiler without being copied.
struct Payload(Vec<u8>);

impl AsRef<[u8]> for Payload {
    fn as_ref(&self) -> &[u8] {
        self.0.get(SUM..).unwrap_or_default()
    }
}

/// What a copy is made of and made into: its key.
pub struct Recipe<'a> {
    /// The source image's bytes, as in the document.
    pub source: &'a [u8],
    pub width: u32,
    pub height: u32,
    /// The encoding made (`jpeg-85`, `rgb8`, `rgba8`).
    pub encoding: &'static str,
}

impl ResampleCache {
    /// The cache of the output folder `out_dir`, trimmed to `cap` bytes.
    pub fn open(out_dir: &Path, cap: u64) -> Self {
        let dir = out_dir.join(FOLDER);
        trim_to(&dir, cap);
        Self { dir }
    }

    /// The copy made for `recipe` by an earlier build, if it is intact.
    pub fn get(&self, recipe: &Recipe) -> Option<Bytes> {
        let path = self.path(recipe);
        let stored = read_regular(&path, CAP_BYTES).ok()?;
        let sum = stored
            .first_chunk::<SUM>()
            .map(|sum| u128::from_be_bytes(*sum));
        // `Bytes` hashes as its data's hash: computed here once, it is the
        // one the compiler then finds kept.
        let bytes = Bytes::new(Payload(stored));
        if sum.is_none_or(|sum| hash128(&bytes) != hash128(&sum)) {
            // Damaged, or kept by a briefpress that summed another way: made
            // again, and written over.
            let _ = std::fs::remove_file(&path);
            return None;
        }
        // Recently used: the last to go when the cache is trimmed.
        touch(&path);
        Some(bytes)
    }

    /// Keeps `bytes`, the copy made for `recipe`. A copy that cannot be
    /// written is only a later build's loss.
    pub fn put(&self, gate: &Gate, recipe: &Recipe, bytes: &[u8]) {
        // The hash `Bytes` computes of its data (see `get`).
        let mut stored = hash128(bytes).to_be_bytes().to_vec();
        stored.extend_from_slice(bytes);
        let _ = gate.write(&self.path(recipe), &stored);
    }

    fn path(&self, recipe: &Recipe) -> PathBuf {
        let mut key = Sha256::new();
        key.update(
            format!(
                "briefpress {} resampled {}x{} {}\n",
                env!("CARGO_PKG_VERSION"),
                recipe.width,
                recipe.height,
                recipe.encoding
            )
            .as_bytes(),
        );
        key.update(recipe.source);
        let hex: String = key.finalize()[..20]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.dir.join(hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipe(source: &[u8]) -> Recipe<'_> {
        Recipe {
            source,
            width: 3,
            height: 2,
            encoding: "rgb8",
        }
    }

    /// An empty folder and its gate, for one test.
    fn scratch(name: &str) -> (PathBuf, Gate) {
        let root = crate::testing::scratch(name);
        let gate = Gate::open(&root).unwrap();
        (root, gate)
    }

    #[test]
    fn a_copy_is_found_by_content_and_refused_when_damaged() {
        let (root, gate) = scratch("resample");
        let cache = ResampleCache::open(&root.join("out"), CAP_BYTES);
        assert_eq!(cache.get(&recipe(b"photo")), None);
        cache.put(&gate, &recipe(b"photo"), b"pixels");
        assert_eq!(
            cache.get(&recipe(b"photo")).as_deref(),
            Some(&b"pixels"[..])
        );
        // Another source, size or encoding is another entry.
        assert_eq!(cache.get(&recipe(b"other")), None);
        let bigger = Recipe {
            width: 4,
            ..recipe(b"photo")
        };
        assert_eq!(cache.get(&bigger), None);
        // A flipped byte: not used, and removed.
        let path = cache.path(&recipe(b"photo"));
        let mut stored = std::fs::read(&path).unwrap();
        let last = stored.len() - 1;
        stored[last] ^= 1;
        std::fs::write(&path, &stored).unwrap();
        assert_eq!(cache.get(&recipe(b"photo")), None);
        assert!(!path.exists());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn trimming_removes_the_least_recently_used_first() {
        use std::time::SystemTime;

        let (root, gate) = scratch("resample-trim");
        let cache = ResampleCache::open(&root.join("out"), CAP_BYTES);
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        for (i, name) in [b"a", b"b", b"c"].iter().enumerate() {
            cache.put(&gate, &recipe(*name), &[0u8; 100]);
            let file = std::fs::File::options()
                .append(true)
                .open(cache.path(&recipe(*name)))
                .unwrap();
            file.set_modified(old + std::time::Duration::from_secs(i as u64))
                .unwrap();
        }
        // `a` is used again: now the most recent.
        assert!(cache.get(&recipe(b"a")).is_some());
        // Each entry is 16 + 100 bytes: room for two.
        let trimmed = ResampleCache::open(&root.join("out"), 2 * 116);
        assert!(trimmed.get(&recipe(b"b")).is_none(), "the oldest goes");
        assert!(trimmed.get(&recipe(b"a")).is_some());
        assert!(trimmed.get(&recipe(b"c")).is_some());
        let _ = std::fs::remove_dir_all(&root);
    }
}
