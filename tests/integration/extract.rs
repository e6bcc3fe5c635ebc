//! `extract` on hostile PDFs: a Flate bomb, deep nesting (also where a
//! plain scan of the file would not look), a name tree that lists its
//! nodes twice, names that collide or are both a file and a folder, links
//! at or in the target, text files and encrypted PDFs. Each is refused
//! with nothing written (or, for the name tree, finishes); a plain archive
//! is restored file for file.

use std::io::Write as _;
use std::path::Path;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Document, Object, ObjectId, Stream, StringFormat, dictionary};

use crate::support::{TempProject, bounded, run_in};

/// `data` packed with zlib (FlateDecode).
fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// An embedded file stream holding `data` as it is.
fn plain(data: &[u8]) -> Stream {
    Stream::new(dictionary! { "Type" => "EmbeddedFile" }, data.to_vec())
}

/// An embedded file stream holding `data` packed with FlateDecode.
fn packed(data: &[u8]) -> Stream {
    Stream::new(
        dictionary! { "Type" => "EmbeddedFile", "Filter" => "FlateDecode" },
        zlib(data),
    )
}

/// A file specification of `name` holding `stream`, as the pair a name
/// tree's `Names` array lists.
fn attach(doc: &mut Document, name: &str, stream: Stream) -> [Object; 2] {
    let data = doc.add_object(stream);
    let spec = doc.add_object(dictionary! {
        "Type" => "Filespec",
        "F" => Object::string_literal(name),
        "UF" => Object::string_literal(name),
        "EF" => dictionary! { "F" => data }
    });
    [Object::string_literal(name), Object::Reference(spec)]
}

/// A PDF carrying `files` (name, stream) in one name tree node, in order.
fn archive(files: Vec<(&str, Stream)>) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let mut names = Vec::new();
    for (name, stream) in files {
        names.extend(attach(&mut doc, name, stream));
    }
    let tree = doc.add_object(dictionary! { "Names" => names });
    save(doc, tree)
}

/// `doc` with a catalog whose EmbeddedFiles name tree is `tree`, saved.
fn save(mut doc: Document, tree: ObjectId) -> Vec<u8> {
    let pages = doc.add_object(dictionary! {
        "Type" => "Pages",
        "Kids" => Vec::<Object>::new(),
        "Count" => 0
    });
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages,
        "Names" => dictionary! { "EmbeddedFiles" => tree }
    });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// Object `number` written by hand: its header, `body`, `endobj`.
fn object(number: usize, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{number} 0 obj\n").into_bytes();
    out.extend_from_slice(body);
    out.extend_from_slice(b"\nendobj\n");
    out
}

const CATALOG: &[u8] = b"<< /Type /Catalog /Pages 2 0 R >>";
const PAGES: &[u8] = b"<< /Type /Pages /Kids [] /Count 0 >>";

/// A PDF written by hand from chunks of bytes, chunk n holding object
/// n + 1: its cross-reference entry points where `n + 1 0 obj` is in the
/// chunk (which may be inside a comment).
fn raw_pdf(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (n, chunk) in chunks.iter().enumerate() {
        let header = format!("{} 0 obj", n + 1);
        let at = chunk
            .windows(header.len())
            .position(|window| window == header.as_bytes())
            .expect("each chunk holds its object");
        offsets.push(out.len() + at);
        out.extend_from_slice(chunk);
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", chunks.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            chunks.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// No temporary folder was left beside a target.
#[track_caller]
fn assert_no_partials(project: &TempProject) {
    let left: Vec<String> = std::fs::read_dir(&project.root)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".partial-"))
        .collect();
    assert!(left.is_empty(), "temporary folders left: {left:?}");
}

/// Every file below `dir`, as sorted relative paths; a link fails.
fn files_below(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
            assert!(!kind.is_symlink(), "{} is a link", path.display());
            if kind.is_dir() {
                folders.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

/// A 300 MB attachment packed into a few hundred KB is refused after
/// unpacking no more than the cap, without holding it, and nothing is
/// written (not even the small file before it).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn a_flate_bomb_is_refused_in_little_memory_with_nothing_written() {
    let project = TempProject::new("extract-bomb");
    // Packed a megabyte at a time: the test never holds the 300 MB.
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
    let zeros = vec![0_u8; 1 << 20];
    for _ in 0..300 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = Stream::new(
        dictionary! { "Type" => "EmbeddedFile", "Filter" => "FlateDecode" },
        encoder.finish().unwrap(),
    );
    let pdf = archive(vec![("/notes.txt", plain(b"first")), ("/bomb.bin", bomb)]);
    assert!(
        pdf.len() < 3 * 1024 * 1024,
        "the bomb is {} bytes",
        pdf.len()
    );
    project.write("bomb.pdf", &pdf);

    let run = bounded(&project.root, &["extract", "bomb.pdf", "out"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the embedded file `/bomb.bin` unpacks to more than 256 MB"),
        "{}",
        run.stderr
    );
    assert!(!project.path("out").exists(), "files were written");
    assert_no_partials(&project);
    assert!(
        run.peak_kb < 512 * 1024,
        "extract peaked at {} MB",
        run.peak_kb / 1024
    );
}

/// 100,000 nested arrays (or dictionaries) are refused before the parser
/// recurses into them: an exit code, not a crash.
#[test]
fn deeply_nested_arrays_and_dictionaries_are_refused_without_a_crash() {
    let project = TempProject::new("extract-nested");
    let arrays = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let dicts = format!("{}{}", "<< /A ".repeat(100_000), ">>".repeat(100_000));
    for (pdf, deep) in [("arrays.pdf", arrays), ("dicts.pdf", dicts)] {
        project.write(
            pdf,
            raw_pdf(&[
                object(1, CATALOG),
                object(2, PAGES),
                object(3, deep.as_bytes()),
            ]),
        );
        let run = run_in(&project.root, &["extract", pdf, "out"]);
        assert!(
            matches!(run.code, Some(1 | 2)),
            "{pdf}: exit {:?} (none: a signal, a crash): {}",
            run.code,
            run.stderr
        );
        assert!(
            run.stderr.contains("more than 128 levels deep"),
            "{pdf}: {}",
            run.stderr
        );
        assert!(!project.path("out").exists(), "{pdf}: files were written");
    }
}

/// Nesting is looked for where lopdf reads, not only where a scan of the
/// file from its start would: inside a packed object stream, and after a
/// comment mark where the cross-reference table points.
#[test]
fn nesting_where_a_plain_scan_would_not_look_is_refused() {
    let project = TempProject::new("extract-hidden-nesting");
    let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));

    let index = "4 0 ";
    let content = zlib(format!("{index}{deep}").as_bytes());
    let mut stream = format!(
        "<< /Type /ObjStm /N 1 /First {} /Filter /FlateDecode /Length {} >>\nstream\n",
        index.len(),
        content.len()
    )
    .into_bytes();
    stream.extend_from_slice(&content);
    stream.extend_from_slice(b"\nendstream");
    project.write(
        "stream.pdf",
        raw_pdf(&[object(1, CATALOG), object(2, PAGES), object(3, &stream)]),
    );

    let mut comment = b"% 3 0 obj ".to_vec();
    comment.extend_from_slice(deep.as_bytes());
    comment.push(b'\n');
    project.write(
        "comment.pdf",
        raw_pdf(&[object(1, CATALOG), object(2, PAGES), comment]),
    );

    for pdf in ["stream.pdf", "comment.pdf"] {
        let run = run_in(&project.root, &["extract", pdf, "out"]);
        assert!(
            matches!(run.code, Some(1 | 2)),
            "{pdf}: exit {:?} (none: a signal, a crash): {}",
            run.code,
            run.stderr
        );
        assert!(
            run.stderr.contains("more than 128 levels deep"),
            "{pdf}: {}",
            run.stderr
        );
        assert!(!project.path("out").exists(), "{pdf}: files were written");
    }
}

/// Thirty levels of nodes each listing the next twice (2^30 paths to the
/// one file) under a node that also lists itself: each node is visited
/// once, so extract finishes, with the file once.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn a_name_tree_listing_its_nodes_twice_finishes() {
    let project = TempProject::new("extract-tree");
    let mut doc = Document::with_version("1.7");
    let leaf = attach(&mut doc, "/once.txt", plain(b"once"));
    let mut node = doc.add_object(dictionary! { "Names" => leaf.to_vec() });
    for _ in 0..30 {
        node = doc.add_object(dictionary! {
            "Kids" => vec![Object::Reference(node), Object::Reference(node)]
        });
    }
    let top = doc.new_object_id();
    doc.set_object(
        top,
        dictionary! { "Kids" => vec![Object::Reference(node), Object::Reference(top)] },
    );
    project.write("tree.pdf", save(doc, top));

    let run = bounded(&project.root, &["extract", "tree.pdf", "out"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(files_below(&project.path("out")), ["once.txt"]);
    assert_eq!(
        std::fs::read(project.path("out/once.txt")).unwrap(),
        b"once"
    );
}

/// Two files of one name (also written with and without the leading `/`)
/// are refused before anything is written.
#[test]
fn two_files_of_one_name_are_refused_with_nothing_written() {
    let project = TempProject::new("extract-duplicate");
    let cases = [
        ("twice.pdf", "/same.txt", "/same.txt"),
        ("slash.pdf", "/same.txt", "same.txt"),
    ];
    for (pdf, first, second) in cases {
        project.write(
            pdf,
            archive(vec![
                (first, plain(b"one")),
                ("/other.txt", plain(b"other")),
                (second, plain(b"two")),
            ]),
        );
        let run = run_in(&project.root, &["extract", pdf, "out"]);
        assert_eq!(run.code, Some(2), "{pdf}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("two embedded files are named `{second}`")),
            "{pdf}: {}",
            run.stderr
        );
        assert!(!project.path("out").exists(), "{pdf}: files were written");
    }
    assert_no_partials(&project);
}

/// A file `a` and a file `a/b` cannot both be written: refused, in either
/// order, before anything is.
#[test]
fn a_file_that_is_also_a_folder_is_refused_with_nothing_written() {
    let project = TempProject::new("extract-file-folder");
    for (pdf, first, second) in [("ab.pdf", "/a", "/a/b"), ("ba.pdf", "/a/b", "/a")] {
        project.write(
            pdf,
            archive(vec![(first, plain(b"1")), (second, plain(b"2"))]),
        );
        let run = run_in(&project.root, &["extract", pdf, "out"]);
        assert_eq!(run.code, Some(2), "{pdf}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("the embedded file `a` is also the folder of `a/b`"),
            "{pdf}: {}",
            run.stderr
        );
        assert!(!project.path("out").exists(), "{pdf}: files were written");
    }
    assert_no_partials(&project);
}

/// A target holding a link out is not empty, and a target that is a link
/// is not followed: both refused. A new or empty folder takes the files,
/// and nothing lands outside it.
#[test]
fn links_at_or_in_the_target_never_lead_out() {
    let project = TempProject::new("extract-links");
    let outside = project.path("outside");
    std::fs::create_dir(&outside).unwrap();
    project.write(
        "links.pdf",
        archive(vec![
            ("/briefs/a.toml", plain(b"a = 1\n")),
            ("/briefs/images/x.png", plain(b"png")),
        ]),
    );

    std::fs::create_dir(project.path("linked")).unwrap();
    std::os::unix::fs::symlink(&outside, project.path("linked/briefs")).unwrap();
    let run = run_in(&project.root, &["extract", "links.pdf", "linked"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("linked is not empty; extract never overwrites"),
        "{}",
        run.stderr
    );

    std::os::unix::fs::symlink(&outside, project.path("link")).unwrap();
    let run = run_in(&project.root, &["extract", "links.pdf", "link"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("link is a symbolic link"),
        "{}",
        run.stderr
    );
    assert!(files_below(&outside).is_empty(), "a file landed outside");

    std::fs::create_dir(project.path("empty")).unwrap();
    for dir in ["fresh", "empty"] {
        let run = run_in(&project.root, &["extract", "links.pdf", dir]);
        assert_eq!(run.code, Some(0), "{dir}: {}", run.stderr);
        assert_eq!(
            files_below(&project.path(dir)),
            ["briefs/a.toml", "briefs/images/x.png"],
            "{dir}"
        );
        assert_eq!(
            std::fs::read(project.path(dir).join("briefs/a.toml")).unwrap(),
            b"a = 1\n"
        );
    }
    assert!(files_below(&outside).is_empty(), "a file landed outside");
    assert_no_partials(&project);
}

/// A text file is not a PDF, and an encrypted PDF is refused as one: each
/// said in so many words.
#[test]
fn text_files_and_encrypted_pdfs_are_refused_by_name() {
    let project = TempProject::new("extract-not-pdf");
    project.write("notes.pdf", "These are notes, not a PDF at all.\n");
    let run = run_in(&project.root, &["extract", "notes.pdf", "out"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("notes.pdf is not a PDF"),
        "{}",
        run.stderr
    );

    let mut doc = Document::with_version("1.7");
    let names = attach(&mut doc, "/secret.txt", plain(b"secret"));
    let tree = doc.add_object(dictionary! { "Names" => names.to_vec() });
    let encrypt = doc.add_object(dictionary! {
        "Filter" => "Standard",
        "V" => 1,
        "R" => 2,
        "P" => -4,
        "O" => Object::String(vec![0; 32], StringFormat::Hexadecimal),
        "U" => Object::String(vec![0; 32], StringFormat::Hexadecimal)
    });
    doc.trailer.set("Encrypt", encrypt);
    project.write("locked.pdf", save(doc, tree));
    let run = run_in(&project.root, &["extract", "locked.pdf", "out"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("locked.pdf is encrypted"),
        "{}",
        run.stderr
    );
    assert!(!project.path("out").exists(), "files were written");
}

/// A plain archive (packed and unpacked files, nested folders) is restored
/// byte for byte; a file packed with another filter is refused by name.
#[test]
fn a_plain_archive_is_restored_file_for_file() {
    let project = TempProject::new("extract-plain");
    let toml = b"kind = \"article\"\n".repeat(1000);
    let image = vec![7_u8; 5000];
    project.write(
        "plain.pdf",
        archive(vec![
            ("/briefs/a.toml", packed(&toml)),
            ("/briefpress.toml", plain(b"# a project\n")),
            ("/briefs/images/x.png", packed(&image)),
        ]),
    );
    let run = run_in(&project.root, &["extract", "plain.pdf", "restored/"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("wrote   restored/briefs/a.toml (17000 bytes)"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read(project.path("restored/briefs/a.toml")).unwrap(),
        toml
    );
    assert_eq!(
        std::fs::read(project.path("restored/briefpress.toml")).unwrap(),
        b"# a project\n"
    );
    assert_eq!(
        std::fs::read(project.path("restored/briefs/images/x.png")).unwrap(),
        image
    );
    assert_no_partials(&project);

    let lzw = Stream::new(
        dictionary! { "Type" => "EmbeddedFile", "Filter" => "LZWDecode" },
        vec![0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01],
    );
    project.write("lzw.pdf", archive(vec![("/x.bin", lzw)]));
    let run = run_in(&project.root, &["extract", "lzw.pdf", "other"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("packed with the filter `LZWDecode`"),
        "{}",
        run.stderr
    );
    assert!(!project.path("other").exists(), "files were written");
}
