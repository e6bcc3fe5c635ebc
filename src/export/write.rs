//! Atomic output: write a temporary file beside the target, flush it to
//! disk, then rename it over the target.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `target` so that readers see either the old file or the
/// complete new one, never a partial one.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temp = temp_path(target);
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        let (first, rest) = bytes.split_at(bytes.len() / 2);
        file.write_all(first)?;
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

/// Test hook: with `BRIEFPRESS_TEST_PAUSE_WRITE_MS` set, stop halfway
/// through writing (the half flushed to disk) for that long, so that a test
/// can kill the process mid-write and check the old file survived.
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

/// A hidden name in the target's folder that no reader mistakes for a PDF.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_target_and_leaves_no_temp_file() {
        let dir = std::env::temp_dir().join(format!("briefpress-write-{}", std::process::id()));
        let target = dir.join("sub/x.pdf");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x.pdf")]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
