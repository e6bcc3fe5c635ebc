//! Reading back the files an archival PDF carries (its embedded files, as
//! the archive profile attaches them).

use std::path::{Component, Path, PathBuf};

use lopdf::{Dictionary, Document, Object};

/// One embedded file: its name in the PDF and its bytes.
pub struct Embedded {
    pub name: String,
    pub data: Vec<u8>,
}

/// The largest PDF `extract` reads.
const PDF_BYTES: u64 = 1024 * 1024 * 1024;

/// Every embedded file of the PDF at `path`.
pub fn embedded_files(path: &Path) -> Result<Vec<Embedded>, String> {
    let bytes = crate::fsgate::read_regular(path, PDF_BYTES)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let document = Document::load_mem(&bytes)
        .map_err(|err| format!("cannot read {} as a PDF: {err}", path.display()))?;
    let catalog = document
        .catalog()
        .map_err(|err| format!("the PDF has no catalog: {err}"))?;
    let mut found = Vec::new();
    let Some(names) = lookup(&document, catalog, b"Names") else {
        return Ok(found);
    };
    let Some(tree) = lookup(&document, names, b"EmbeddedFiles") else {
        return Ok(found);
    };
    walk(&document, tree, &mut found, 0)?;
    Ok(found)
}

/// A dictionary entry that is itself a dictionary, following a reference.
fn lookup<'a>(document: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    let object = dict.get(key).ok()?;
    resolve(document, object).as_dict().ok()
}

fn resolve<'a>(document: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => document.get_object(*id).unwrap_or(object),
        other => other,
    }
}

/// A name tree node: `Names` pairs and `Kids`.
fn walk(
    document: &Document,
    node: &Dictionary,
    found: &mut Vec<Embedded>,
    depth: usize,
) -> Result<(), String> {
    if depth > 32 {
        return Err("the PDF's name tree is nested too deeply".into());
    }
    if let Ok(names) = node.get(b"Names").map(|o| resolve(document, o))
        && let Ok(names) = names.as_array()
    {
        for pair in names.chunks(2) {
            let [name, spec] = pair else { continue };
            let spec = resolve(document, spec)
                .as_dict()
                .map_err(|e| format!("a file specification is broken: {e}"))?;
            let name = spec
                .get(b"UF")
                .or_else(|_| spec.get(b"F"))
                .ok()
                .or(Some(name))
                .and_then(|o| text(resolve(document, o)))
                .unwrap_or_else(|| "unnamed".into());
            let stream = lookup(document, spec, b"EF")
                .and_then(|ef| ef.get(b"F").ok())
                .map(|o| resolve(document, o))
                .and_then(|o| o.as_stream().ok())
                .ok_or_else(|| format!("the embedded file `{name}` has no data"))?;
            let data = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            found.push(Embedded { name, data });
        }
    }
    if let Ok(kids) = node.get(b"Kids").map(|o| resolve(document, o))
        && let Ok(kids) = kids.as_array()
    {
        for kid in kids {
            if let Ok(kid) = resolve(document, kid).as_dict() {
                walk(document, kid, found, depth + 1)?;
            }
        }
    }
    Ok(())
}

/// A PDF text string (UTF-16 with a byte-order mark, or PDFDocEncoding
/// read as Latin-1).
fn text(object: &Object) -> Option<String> {
    let bytes = object.as_str().ok()?;
    if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        return String::from_utf16(&units).ok();
    }
    Some(bytes.iter().map(|&b| char::from(b)).collect())
}

/// Where an embedded file named `name` goes under `dir`: its path inside
/// the project, refused if it would leave `dir`.
pub fn destination(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let relative = Path::new(name.trim_start_matches('/'));
    if relative.as_os_str().is_empty()
        || relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(format!(
            "the embedded file `{name}` has a name that would leave the folder"
        ));
    }
    Ok(dir.join(relative))
}
