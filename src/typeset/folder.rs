//! Compiling a plain Typst project folder, as stock `typst compile --root`
//! does: every file from the folder, the bundled fonts, nothing else. Used
//! to check that a project written by `--emit-typst` gives the document.

use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

/// A project folder and the fonts to set it in.
struct FolderWorld {
    main: FileId,
    library: LazyHash<Library>,
    fonts: FontStore,
    files: FileStore<Folder>,
    today: Datetime,
}

struct Folder(PathBuf);

/// The largest file read from the folder.
const FOLDER_FILE_BYTES: u64 = 256 * 1024 * 1024;

impl FileLoader for Folder {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if id.root() != &VirtualRoot::Project {
            return Err(FileError::Other(Some(
                "packages are not available offline".into(),
            )));
        }
        let path = id.vpath().realize(&self.0).map_err(FileError::Realize)?;
        // A folder briefpress wrote itself; still read as any file outside
        // a project: regular files only, capped.
        crate::fsgate::read_regular(&path, FOLDER_FILE_BYTES)
            .map(Bytes::new)
            .map_err(|err| match err {
                crate::fsgate::GateError::NotFound => FileError::NotFound(path),
                other => FileError::Other(Some(other.to_string().into())),
            })
    }
}

impl World for FolderWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Compiles `root/main` with `fonts`; errors as Typst gives them.
pub fn compile_folder(
    root: &Path,
    main: &str,
    fonts: super::fonts::Fonts,
    today: Datetime,
) -> Result<PagedDocument, String> {
    let vpath = VirtualPath::new(main).map_err(|err| format!("{main}: {err:?}"))?;
    let world = FolderWorld {
        main: RootedPath::new(VirtualRoot::Project, vpath).intern(),
        library: LazyHash::new(Library::default()),
        fonts: fonts.store,
        files: FileStore::new(Folder(root.to_path_buf())),
        today,
    };
    typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| {
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })
}
