//! TOML text -> model -> prepared render data, as `build` runs it before
//! layout: any input must give a document or diagnostics, never a panic.
//! Inputs are documents in a scratch project holding the sample images, so
//! that image paths and included files resolve the way real ones do.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use briefpress::load;
use briefpress::prepare;
use briefpress::load::project::Project;
use libfuzzer_sys::fuzz_target;

/// A project laid out like the samples: documents in briefs/<folder>/, the
/// sample images beside them, one member article for issues to include.
static PROJECT: LazyLock<(Project, PathBuf)> = LazyLock::new(|| {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = std::env::temp_dir().join(format!("briefpress-fuzz-{}", std::process::id()));
    let folder = root.join("briefs/central-asia");
    std::fs::create_dir_all(folder.join("images")).expect("scratch project");
    std::fs::write(root.join("briefpress.toml"), "").expect("scratch project");
    for entry in std::fs::read_dir(repo.join("briefs/central-asia/images")).expect("sample images") {
        let entry = entry.expect("sample image");
        std::fs::copy(entry.path(), folder.join("images").join(entry.file_name()))
            .expect("sample image");
    }
    std::fs::copy(
        repo.join("briefs/central-asia/china-bri-security.toml"),
        folder.join("china-bri-security.toml"),
    )
    .expect("sample member");
    let project = Project::open(&root).expect("scratch project opens");
    (project, folder.join("fuzz.toml"))
});

fuzz_target!(|bytes: &[u8]| {
    let (project, path) = &*PROJECT;
    let Ok(loaded) = load::load_bytes(path, Path::new("fuzz.toml"), bytes, project.limits())
    else {
        return;
    };
    let _ = prepare::prepare(&loaded, project);
});
