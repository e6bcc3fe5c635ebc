//! Reading back the files an archival PDF carries (its embedded files, as
//! the archive profile attaches them), and writing them out again.
//!
//! The PDF is untrusted input:
//!
//! - It must look like a PDF (`%PDF-` in its first 1024 bytes) and must not
//!   be encrypted (an `/Encrypt` entry in its trailer).
//! - lopdf recurses once per level of nested arrays and dictionaries, so
//!   the raw bytes are scanned first, the way lopdf reads them, from every
//!   place it may start reading an object (after each `obj` and `trailer`:
//!   a cross-reference entry may point anywhere, into a comment or a
//!   stream's data too), and each object stream is scanned before lopdf
//!   reads what it holds. More than 128 levels are refused. The parse also
//!   runs on a thread with a 256 MB stack.
//! - Whatever is unpacked is capped while it is unpacked: each embedded
//!   file at 256 MB and all of them at 256 MB together (FlateDecode or no
//!   filter; any other filter is refused by name), cross-reference and
//!   object streams at 64 MB each and object streams at 256 MB together.
//! - The EmbeddedFiles name tree is walked without recursion, each object
//!   once, at most 100,000 objects and 128 levels deep.
//!
//! [`restore`] writes the files all or nothing: every name is checked
//! first, the files go into a new temporary folder beside the target, and
//! that folder is renamed into place at the end.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use flate2::read::ZlibDecoder;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

use crate::fsgate::human_size;

/// One embedded file: its name in the PDF and its bytes.
pub struct Embedded {
    pub name: String,
    pub data: Vec<u8>,
}

/// The largest PDF `extract` reads.
const PDF_BYTES: u64 = 1024 * 1024 * 1024;
/// One embedded file, unpacked.
const FILE_BYTES: u64 = 256 * 1024 * 1024;
/// All embedded files together, unpacked.
const TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// One cross-reference or object stream, unpacked.
const STRUCTURE_BYTES: u64 = 64 * 1024 * 1024;
/// All object streams together, unpacked.
const STRUCTURE_TOTAL: u64 = 256 * 1024 * 1024;
/// Where the `%PDF-` header must begin.
const HEADER_WINDOW: usize = 1024;
/// Levels of nested arrays and dictionaries lopdf is given at most.
const MAX_NESTING: usize = 128;
/// Levels of parentheses lopdf reads in a literal string (the string and
/// its `MAX_BRACKET` of 100 nested pairs); it stops reading beyond.
const STRING_NESTING: usize = 101;
/// The scan reads each byte about once; objects that overlap far more than
/// that (a way to make it slow) are refused beyond this many steps a byte.
const SCAN_FACTOR: u64 = 16;
const SCAN_EXTRA: u64 = 64 * 1024 * 1024;
/// Objects of the name tree visited at most, and its levels.
const TREE_OBJECTS: usize = 100_000;
const TREE_DEPTH: usize = 128;
/// The stack of the thread lopdf parses on.
const PARSE_STACK: usize = 256 * 1024 * 1024;
/// Bytes of a name kept by the scan (longer names are none it looks for).
const NAME_KEPT: usize = 16;
/// A file's name: its bytes and its parts (folders and the file) at most.
const NAME_BYTES: usize = 1024;
const NAME_PARTS: usize = 64;
/// Characters of a name shown in a message at most.
const SHOWN_CHARS: usize = 200;

/// Every embedded file of the PDF at `path`.
pub fn embedded_files(path: &Path) -> Result<Vec<Embedded>, String> {
    let bytes = crate::fsgate::read_regular(path, PDF_BYTES)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let shown = path.display().to_string();
    let Some(start) = header_at(&bytes) else {
        return Err(format!(
            "{shown} is not a PDF (no `%PDF-` header in its first {HEADER_WINDOW} bytes)"
        ));
    };
    prescan(&bytes, start).map_err(|refusal| refusal.message(&shown))?;
    // lopdf recurses on nesting and references: a big stack as a second
    // line of defence behind the scan.
    std::thread::scope(|scope| -> Result<Vec<Embedded>, String> {
        let reader = std::thread::Builder::new()
            .name("briefpress-extract".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(scope, || read_embedded(&bytes, &shown))
            .map_err(|err| format!("cannot read {shown}: {err}"))?;
        reader
            .join()
            .unwrap_or_else(|_| Err(format!("cannot read {shown} as a PDF: the reader failed")))
    })
}

/// Where the PDF begins (lopdf reads from its first `%PDF-`, and counts
/// offsets from there).
fn header_at(bytes: &[u8]) -> Option<usize> {
    bytes[..bytes.len().min(HEADER_WINDOW)]
        .windows(5)
        .position(|window| window == b"%PDF-")
}

/// Parses the PDF (already scanned) and collects its embedded files.
fn read_embedded(bytes: &[u8], shown: &str) -> Result<Vec<Embedded>, String> {
    UNPACKED.set(0);
    let guard: ObjectFilter = guard_object_stream;
    let document = Document::load_mem_with_options(bytes, lopdf::LoadOptions::with_filter(guard))
        .map_err(|err| format!("cannot read {shown} as a PDF: {err}"))?;
    if document.trailer.has(b"Encrypt") {
        return Err(Refusal::Encrypted.message(shown));
    }
    for object in document.objects.values() {
        if let Object::String(text, _) = object
            && let Some(why) = text.strip_prefix(REFUSED)
        {
            return Err(format!(
                "cannot read {shown}: an object stream in it {}",
                String::from_utf8_lossy(why)
            ));
        }
    }
    let catalog = document
        .catalog()
        .map_err(|err| format!("the PDF has no catalog: {err}"))?;
    let Some(names) = lookup(&document, catalog, b"Names") else {
        return Ok(Vec::new());
    };
    let Ok(tree) = names.get(b"EmbeddedFiles") else {
        return Ok(Vec::new());
    };
    let mut collector = Collector::new(&document, shown);
    collector.walk(tree)?;
    Ok(collector.found)
}

/// A dictionary entry that is itself a dictionary, following references.
fn lookup<'a>(document: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    let object = dict.get(key).ok()?;
    resolve(document, object).as_dict().ok()
}

/// The object a reference (or a chain of them) stands for; the object
/// itself if it is not one, or if it leads nowhere.
fn resolve<'a>(document: &'a Document, object: &'a Object) -> &'a Object {
    document
        .dereference(object)
        .map_or(object, |(_, target)| target)
}

/// Walks the EmbeddedFiles name tree: each object once, within budgets.
struct Collector<'a> {
    document: &'a Document,
    shown: &'a str,
    visited: HashSet<ObjectId>,
    /// Objects visited so far (nodes, arrays and entries).
    objects: usize,
    /// Bytes of the files found so far.
    total: u64,
    found: Vec<Embedded>,
}

impl<'a> Collector<'a> {
    fn new(document: &'a Document, shown: &'a str) -> Self {
        Self {
            document,
            shown,
            visited: HashSet::new(),
            objects: 0,
            total: 0,
            found: Vec::new(),
        }
    }

    fn too_many(&self) -> String {
        format!(
            "cannot read {}: its list of embedded files has more than {TREE_OBJECTS} entries",
            self.shown
        )
    }

    fn count(&mut self) -> Result<(), String> {
        self.objects += 1;
        if self.objects > TREE_OBJECTS {
            Err(self.too_many())
        } else {
            Ok(())
        }
    }

    /// The object `object` stands for, or `None` when it was visited
    /// already (a node listed twice, a loop) or leads nowhere.
    fn enter(&mut self, object: &'a Object) -> Result<Option<&'a Object>, String> {
        self.count()?;
        let document = self.document;
        let Ok((id, target)) = document.dereference(object) else {
            return Ok(None);
        };
        if let Some(id) = id
            && !self.visited.insert(id)
        {
            return Ok(None);
        }
        Ok(Some(target))
    }

    /// A name tree node: its `Names` pairs, then its `Kids`, in order,
    /// with a stack instead of recursion.
    fn walk(&mut self, root: &'a Object) -> Result<(), String> {
        let mut stack = vec![(root, 0_usize)];
        while let Some((object, depth)) = stack.pop() {
            if depth > TREE_DEPTH {
                return Err(format!(
                    "cannot read {}: its list of embedded files is nested more than {TREE_DEPTH} levels deep",
                    self.shown
                ));
            }
            let Some(node) = self.enter(object)? else {
                continue;
            };
            let Ok(node) = node.as_dict() else {
                continue;
            };
            if let Ok(names) = node.get(b"Names")
                && let Some(names) = self.enter(names)?
                && let Ok(names) = names.as_array()
            {
                for pair in names.chunks(2) {
                    if let [key, spec] = pair {
                        self.count()?;
                        self.entry(key, spec)?;
                    }
                }
            }
            if let Ok(kids) = node.get(b"Kids")
                && let Some(kids) = self.enter(kids)?
                && let Ok(kids) = kids.as_array()
            {
                if self.objects + stack.len() + kids.len() > TREE_OBJECTS {
                    return Err(self.too_many());
                }
                stack.extend(kids.iter().rev().map(|kid| (kid, depth + 1)));
            }
        }
        Ok(())
    }

    /// One `Names` pair: the name, and the file specification.
    fn entry(&mut self, key: &'a Object, spec: &'a Object) -> Result<(), String> {
        let document = self.document;
        let spec = resolve(document, spec)
            .as_dict()
            .map_err(|e| format!("a file specification is broken: {e}"))?;
        let name = spec
            .get(b"UF")
            .or_else(|_| spec.get(b"F"))
            .ok()
            .or(Some(key))
            .and_then(|o| text(resolve(document, o)))
            .unwrap_or_else(|| "unnamed".into());
        let stream = lookup(document, spec, b"EF")
            .and_then(|ef| ef.get(b"F").ok())
            .map(|o| resolve(document, o))
            .and_then(|o| o.as_stream().ok())
            .ok_or_else(|| format!("the embedded file `{}` has no data", printable(&name)))?;
        let data = unpack(document, stream, &name, TOTAL_BYTES - self.total)?;
        self.total += data.len() as u64;
        self.found.push(Embedded { name, data });
        Ok(())
    }
}

/// The bytes of an embedded file stream: FlateDecode or no filter, at most
/// [`FILE_BYTES`], and at most `room` (what is left of [`TOTAL_BYTES`]).
fn unpack(document: &Document, stream: &Stream, name: &str, room: u64) -> Result<Vec<u8>, String> {
    let name = printable(name);
    let over = |size: u64| -> Result<(), String> {
        if size > FILE_BYTES {
            Err(format!(
                "the embedded file `{name}` unpacks to more than {}; extract refuses it",
                human_size(FILE_BYTES)
            ))
        } else if size > room {
            Err(format!(
                "the embedded files unpack to more than {} together; extract refuses them",
                human_size(TOTAL_BYTES)
            ))
        } else {
            Ok(())
        }
    };
    let flate = match stream
        .dict
        .get(b"Filter")
        .ok()
        .map(|o| resolve(document, o))
    {
        None => false,
        Some(Object::Array(filters)) if filters.is_empty() => false,
        Some(filter) if is_flate(document, filter) => true,
        Some(filter) => {
            return Err(format!(
                "the embedded file `{name}` is packed with {}; extract reads only FlateDecode (or no filter)",
                describe_filter(document, filter)
            ));
        }
    };
    if !flate {
        over(stream.content.len() as u64)?;
        return Ok(stream.content.clone());
    }
    if let Ok(parms) = stream.dict.get(b"DecodeParms")
        && predictor(document, resolve(document, parms)) > 1
    {
        return Err(format!(
            "the embedded file `{name}` is packed with a predictor; extract reads only plain FlateDecode"
        ));
    }
    if stream.content.is_empty() {
        return Ok(Vec::new());
    }
    let damaged = |err: std::io::Error| {
        format!("the embedded file `{name}` is damaged: its packed data cannot be read ({err})")
    };
    // Twice: once to learn the size, reading no further than the cap, then
    // into a buffer of exactly that size.
    let size = inflated_size(&stream.content, FILE_BYTES).map_err(damaged)?;
    over(size)?;
    let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    ZlibDecoder::new(stream.content.as_slice())
        .take(size)
        .read_to_end(&mut data)
        .map_err(damaged)?;
    Ok(data)
}

/// How many bytes zlib data unpacks to, counting no further than `cap + 1`
/// (the rest is never unpacked).
fn inflated_size(packed: &[u8], cap: u64) -> std::io::Result<u64> {
    std::io::copy(
        &mut ZlibDecoder::new(packed).take(cap.saturating_add(1)),
        &mut std::io::sink(),
    )
}

fn is_flate_name(object: &Object) -> bool {
    object.as_name().is_ok_and(|name| name == b"FlateDecode")
}

/// Whether a `Filter` value is FlateDecode alone.
fn is_flate(document: &Document, filter: &Object) -> bool {
    match filter {
        Object::Array(filters) => {
            filters.len() == 1 && is_flate_name(resolve(document, &filters[0]))
        }
        other => is_flate_name(other),
    }
}

/// A `Filter` value for a message: "the filter `LZWDecode`".
fn describe_filter(document: &Document, filter: &Object) -> String {
    let one = |object: &Object| match object.as_name() {
        Ok(name) => format!("`{}`", printable(&String::from_utf8_lossy(name))),
        Err(_) => format!("`{}`", object.enum_variant()),
    };
    match filter {
        Object::Array(filters) => {
            let names: Vec<String> = filters
                .iter()
                .take(4)
                .map(|f| one(resolve(document, f)))
                .collect();
            format!("the filters {}", names.join(", "))
        }
        other => format!("the filter {}", one(other)),
    }
}

/// The `Predictor` of `DecodeParms` (a dictionary, or an array of them,
/// one a filter); 1 (none) when there is none.
fn predictor(document: &Document, parms: &Object) -> i64 {
    let parms = match parms {
        Object::Array(list) => match list.first() {
            Some(first) => resolve(document, first),
            None => return 1,
        },
        other => other,
    };
    parms
        .as_dict()
        .ok()
        .and_then(|dict| dict.get(b"Predictor").ok())
        .map(|o| resolve(document, o))
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(1)
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

/// A name for a message: control characters escaped, cut short if long.
fn printable(text: &str) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == SHOWN_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

// Object streams: lopdf unpacks them and reads the objects they hold while
// it loads the document. Its reader calls a filter with each object it has
// read before that, which checks them: unpacked within caps, nesting
// scanned. A refused stream is replaced by a marker string, found after
// loading (the filter is a plain function: it can tell nothing else).

/// The filter lopdf's reader takes.
type ObjectFilter = fn(ObjectId, &mut Object) -> Option<(ObjectId, Object)>;

/// The start of the marker left in place of a refused object stream; the
/// reason follows.
const REFUSED: &[u8] = b"\0briefpress refused this object stream: it ";

thread_local! {
    /// Bytes unpacked from object streams by the read on this thread.
    static UNPACKED: Cell<u64> = const { Cell::new(0) };
}

/// Checks each object stream before lopdf reads what it holds; keeps every
/// object (lopdf ignores what is returned for objects it read from the
/// file itself, and object streams never hold streams).
fn guard_object_stream(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    let refusal = match &mut *object {
        Object::Stream(stream) if stream.dict.has_type(b"ObjStm") => {
            check_object_stream(stream).err()
        }
        Object::Stream(_) => None,
        other => return Some((id, other.clone())),
    };
    if let Some(why) = refusal {
        let mut marker = REFUSED.to_vec();
        marker.extend_from_slice(why.as_bytes());
        *object = Object::String(marker, StringFormat::Literal);
    }
    Some((id, Object::Null))
}

/// Unpacks an object stream within the caps and scans the objects in it as
/// lopdf will read them; lopdf then reads exactly the bytes scanned (the
/// stream is left unpacked, without a filter).
fn check_object_stream(stream: &mut Stream) -> Result<(), String> {
    if stream.content.is_empty() {
        return Ok(());
    }
    match stream.dict.get(b"Filter") {
        Err(_) => return scan_object_stream(&stream.dict, &stream.content),
        Ok(filter) if is_flate_direct(filter) => {}
        Ok(filter) => {
            return Err(format!(
                "is packed with {}, which extract does not unpack",
                describe_filter(&Document::new(), filter)
            ));
        }
    }
    let predictor = stream
        .dict
        .get(b"DecodeParms")
        .and_then(Object::as_dict)
        .and_then(|parms| parms.get(b"Predictor"))
        .and_then(Object::as_i64)
        .unwrap_or(1);
    if predictor > 1 {
        return Err("is packed with a predictor, which extract does not unpack".into());
    }
    let mut plain = Vec::new();
    ZlibDecoder::new(stream.content.as_slice())
        .take(STRUCTURE_BYTES + 1)
        .read_to_end(&mut plain)
        .map_err(|err| format!("cannot be unpacked ({err})"))?;
    if plain.len() as u64 > STRUCTURE_BYTES {
        return Err(format!(
            "unpacks to more than {}",
            human_size(STRUCTURE_BYTES)
        ));
    }
    let unpacked = UNPACKED.get() + plain.len() as u64;
    UNPACKED.set(unpacked);
    if unpacked > STRUCTURE_TOTAL {
        return Err(format!(
            "and the others unpack to more than {} together",
            human_size(STRUCTURE_TOTAL)
        ));
    }
    scan_object_stream(&stream.dict, &plain)?;
    stream.set_plain_content(plain);
    Ok(())
}

/// Whether a `Filter` value is FlateDecode alone, references not followed
/// (lopdf does not follow them either).
fn is_flate_direct(filter: &Object) -> bool {
    match filter {
        Object::Array(filters) => filters.len() == 1 && is_flate_name(&filters[0]),
        other => is_flate_name(other),
    }
}

/// Scans each object of an object stream from where lopdf reads it: its
/// offset in the index at the start, after `First`.
fn scan_object_stream(dict: &Dictionary, content: &[u8]) -> Result<(), String> {
    let Some(first) = dict
        .get(b"First")
        .and_then(Object::as_i64)
        .ok()
        .and_then(|first| usize::try_from(first).ok())
    else {
        return Ok(());
    };
    let Some(index) = content
        .get(..first)
        .and_then(|index| std::str::from_utf8(index).ok())
    else {
        return Ok(());
    };
    // Paired as lopdf pairs them, unreadable numbers included.
    let numbers: Vec<Option<u32>> = index
        .split_whitespace()
        .map(|number| number.parse().ok())
        .collect();
    let mut scanner = Scanner::new(content);
    let mut scanned = HashSet::new();
    for pair in numbers.chunks_exact(2) {
        let (Some(_), Some(offset)) = (pair[0], pair[1]) else {
            continue;
        };
        let Some(at) = first.checked_add(offset as usize) else {
            continue;
        };
        if at < content.len() && scanned.insert(at) {
            scanner.object(at).map_err(|refusal| refusal.reason())?;
        }
    }
    Ok(())
}

/// Why the raw bytes were refused before parsing.
enum Refusal {
    TooDeep,
    TooComplex,
    Encrypted,
    XrefFilter(String),
    XrefTooLarge,
    XrefChain,
}

impl Refusal {
    /// What is wrong, after "it".
    fn reason(&self) -> String {
        match self {
            Refusal::TooDeep => format!(
                "nests arrays or dictionaries more than {MAX_NESTING} levels deep (archival PDFs nest a few)"
            ),
            Refusal::TooComplex => {
                "is too convoluted to check safely (its objects overlap far more than a PDF's do)"
                    .into()
            }
            Refusal::Encrypted => "is encrypted".into(),
            Refusal::XrefFilter(filter) => format!(
                "packs its cross-reference stream with `{}`, which extract does not unpack",
                printable(filter)
            ),
            Refusal::XrefTooLarge => format!(
                "has a cross-reference stream that unpacks to more than {}",
                human_size(STRUCTURE_BYTES)
            ),
            Refusal::XrefChain => "packs its cross-reference stream several times over".into(),
        }
    }

    fn message(&self, shown: &str) -> String {
        match self {
            Refusal::Encrypted => format!(
                "{shown} is encrypted; extract reads only unencrypted PDFs (briefpress never encrypts its archives)"
            ),
            other => format!("cannot read {shown}: it {}", other.reason()),
        }
    }
}

/// Scans the raw bytes before lopdf parses them: nesting, from every place
/// lopdf may start reading an object; encryption; the unpacked size of the
/// streams lopdf may read as cross-reference streams. `start` is where the
/// PDF begins (lopdf counts offsets from there).
fn prescan(bytes: &[u8], start: usize) -> Result<(), Refusal> {
    let mut scanner = Scanner::new(bytes);
    // Where lopdf may look for cross-reference sections: `startxref`,
    // `/Prev` and `/XRefStm` values (taken from everywhere, to be safe).
    let mut offsets = Vec::new();
    let mut encrypted = false;
    for (at, &byte) in bytes.iter().enumerate() {
        let rest = &bytes[at..];
        let seen = match byte {
            b'o' if rest.starts_with(b"obj") => scanner.object(at + 3)?,
            b't' if rest.starts_with(b"trailer") => {
                let seen = scanner.object(at + 7)?;
                encrypted |= seen.encrypt;
                seen
            }
            b's' if rest.starts_with(b"startxref") => {
                offsets.extend(scanner.integer(at + 9)?);
                continue;
            }
            _ => continue,
        };
        offsets.extend(seen.offsets);
    }
    let mut looked = HashSet::new();
    for offset in offsets {
        let Some(at) = usize::try_from(offset)
            .ok()
            .and_then(|offset| start.checked_add(offset))
            .filter(|&at| at < bytes.len())
        else {
            continue;
        };
        let Some(body) = scanner.header(at)? else {
            continue;
        };
        if !looked.insert(body) {
            continue;
        }
        // lopdf takes the dictionary of a stream found there for the
        // trailer, and unpacks the stream.
        let seen = scanner.object(body)?;
        encrypted |= seen.encrypt;
        if let Some(data) = seen.stream_data {
            check_xref_stream(&bytes[data..], &seen)?;
        }
    }
    if encrypted {
        return Err(Refusal::Encrypted);
    }
    Ok(())
}

/// A stream lopdf may unpack as a cross-reference stream: FlateDecode once
/// within [`STRUCTURE_BYTES`], or no filter. (lopdf unpacks only
/// FlateDecode, LZWDecode and ASCII85Decode; it reads a cut-off or damaged
/// stream as far as it goes, never further than this does.)
fn check_xref_stream(data: &[u8], seen: &Seen) -> Result<(), Refusal> {
    if let Some(filter) = &seen.other_filter {
        return Err(Refusal::XrefFilter(
            String::from_utf8_lossy(filter).into_owned(),
        ));
    }
    match seen.flate {
        0 => Ok(()),
        1 if inflated_size(data, STRUCTURE_BYTES).unwrap_or(0) <= STRUCTURE_BYTES => Ok(()),
        1 => Err(Refusal::XrefTooLarge),
        _ => Err(Refusal::XrefChain),
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(c: u8) -> bool {
    !is_space(c) && !is_delimiter(c)
}

fn hex_value(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

/// Whether a run of regular characters is one or more things lopdf reads
/// as objects (numbers, `R`, `true`, `false`, `null`, even run together):
/// anything else ends what lopdf reads.
fn scalars(token: &[u8]) -> bool {
    const WORDS: [&[u8]; 3] = [b"null", b"true", b"false"];
    let mut rest = token;
    'token: while let Some(&c) = rest.first() {
        for word in WORDS {
            if let Some(after) = rest.strip_prefix(word) {
                rest = after;
                continue 'token;
            }
        }
        if matches!(c, b'0'..=b'9' | b'+' | b'-' | b'.' | b'R') {
            rest = &rest[1..];
        } else {
            return false;
        }
    }
    true
}

fn parse_integer(token: &[u8]) -> Option<i64> {
    std::str::from_utf8(token).ok()?.parse().ok()
}

/// What the scan saw of one object.
#[derive(Default)]
struct Seen {
    /// Where stream data begins, when the object is a dictionary followed
    /// by `stream`.
    stream_data: Option<usize>,
    /// An `/Encrypt` name in it.
    encrypt: bool,
    /// `/FlateDecode` names in it.
    flate: usize,
    /// A `/LZWDecode` or `/ASCII85Decode` name in it.
    other_filter: Option<Vec<u8>>,
    /// Integers after `/Prev` and `/XRefStm`.
    offsets: Vec<i64>,
}

/// Reads objects from raw bytes the way lopdf does, without building them
/// and without recursion, to measure their nesting before lopdf does.
///
/// It errs on lopdf's side: wherever lopdf goes on reading, so does the
/// scan, and it never takes for a string or a comment what lopdf takes for
/// a bracket (it may go on where lopdf would stop).
struct Scanner<'a> {
    bytes: &'a [u8],
    /// Steps left: each call and each byte passed is one.
    left: u64,
}

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let left = (bytes.len() as u64)
            .saturating_mul(SCAN_FACTOR)
            .saturating_add(SCAN_EXTRA);
        Self { bytes, left }
    }

    fn charge(&mut self, steps: usize) -> Result<(), Refusal> {
        self.left = self
            .left
            .checked_sub(steps as u64 + 1)
            .ok_or(Refusal::TooComplex)?;
        Ok(())
    }

    /// Past white space and comments.
    fn skip_space(&mut self, from: usize) -> Result<usize, Refusal> {
        let bytes = self.bytes;
        let mut at = from;
        while let Some(&c) = bytes.get(at) {
            if is_space(c) {
                at += 1;
            } else if c == b'%' {
                at += bytes[at..]
                    .iter()
                    .position(|&c| c == b'\n' || c == b'\r')
                    .unwrap_or(bytes.len() - at);
            } else {
                break;
            }
        }
        self.charge(at - from)?;
        Ok(at)
    }

    /// The end of the run of regular characters at `from`.
    fn token_end(&self, from: usize) -> usize {
        from + self.bytes[from..]
            .iter()
            .take_while(|&&c| is_regular(c))
            .count()
    }

    /// The end of the literal string opening at `from` (escapes and nested
    /// parentheses included), or `None` where lopdf cannot read it.
    fn skip_string(&mut self, from: usize) -> Result<Option<usize>, Refusal> {
        let bytes = self.bytes;
        let mut level = 0_usize;
        let mut at = from;
        let mut end = None;
        while let Some(&c) = bytes.get(at) {
            match c {
                b'\\' => at += 2,
                b'(' if level == STRING_NESTING => break,
                b'(' => {
                    level += 1;
                    at += 1;
                }
                b')' => {
                    level -= 1;
                    at += 1;
                    if level == 0 {
                        end = Some(at);
                        break;
                    }
                }
                _ => at += 1,
            }
        }
        self.charge(at.min(bytes.len()) - from)?;
        Ok(end)
    }

    /// The end of the hexadecimal string opening at `from` (a `<` not
    /// followed by `<`).
    fn skip_hex(&mut self, from: usize) -> Result<Option<usize>, Refusal> {
        let bytes = self.bytes;
        let close = bytes[from..].iter().position(|&c| c == b'>');
        self.charge(close.unwrap_or(bytes.len() - from))?;
        Ok(close.map(|close| from + close + 1))
    }

    /// The name at `from` (its `/`): where it ends, and its first bytes
    /// with `#xx` escapes read.
    fn name(&mut self, from: usize) -> Result<(usize, Vec<u8>), Refusal> {
        let bytes = self.bytes;
        let mut at = from + 1;
        let mut name = Vec::new();
        while let Some(&c) = bytes.get(at).filter(|&&c| is_regular(c)) {
            at += 1;
            let high = bytes.get(at).copied().and_then(hex_value);
            let low = bytes.get(at + 1).copied().and_then(hex_value);
            let byte = match (c, high, low) {
                (b'#', Some(high), Some(low)) => {
                    at += 2;
                    (high << 4) | low
                }
                _ => c,
            };
            if name.len() < NAME_KEPT {
                name.push(byte);
            }
        }
        self.charge(at - from)?;
        Ok((at, name))
    }

    /// The integer at `from`, if it is one (after `startxref`).
    fn integer(&mut self, from: usize) -> Result<Option<i64>, Refusal> {
        let at = self.skip_space(from)?;
        let end = self.token_end(at);
        self.charge(end - at)?;
        Ok(parse_integer(&self.bytes[at..end]))
    }

    /// Past an object's header (`12 0 obj`) at `from`, as lopdf reads it.
    fn header(&mut self, from: usize) -> Result<Option<usize>, Refusal> {
        let bytes = self.bytes;
        let mut at = from;
        for _ in 0..2 {
            at = self.skip_space(at)?;
            let digits = bytes[at..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 0 {
                return Ok(None);
            }
            self.charge(digits)?;
            at += digits;
        }
        at = self.skip_space(at)?;
        Ok(bytes[at..].starts_with(b"obj").then_some(at + 3))
    }

    /// One object from `from`, read as lopdf reads one: refused when it
    /// nests deeper than [`MAX_NESTING`].
    fn object(&mut self, from: usize) -> Result<Seen, Refusal> {
        let bytes = self.bytes;
        let mut seen = Seen::default();
        let mut depth = 0_usize;
        let mut at = from;
        let mut offset_next = false;
        loop {
            at = self.skip_space(at)?;
            let Some(&c) = bytes.get(at) else {
                break;
            };
            let before = at;
            let mut offset_key = false;
            let mut closed_dict = false;
            match c {
                b'[' => {
                    depth += 1;
                    at += 1;
                }
                b'<' if bytes.get(at + 1) == Some(&b'<') => {
                    depth += 1;
                    at += 2;
                }
                b'<' => match self.skip_hex(at)? {
                    Some(end) => at = end,
                    None => break,
                },
                b']' if depth > 0 => {
                    depth -= 1;
                    at += 1;
                }
                b'>' if depth > 0 && bytes.get(at + 1) == Some(&b'>') => {
                    depth -= 1;
                    at += 2;
                    closed_dict = true;
                }
                b'(' => match self.skip_string(at)? {
                    Some(end) => at = end,
                    None => break,
                },
                b'/' => {
                    let (end, name) = self.name(at)?;
                    at = end;
                    match name.as_slice() {
                        b"Encrypt" => seen.encrypt = true,
                        b"FlateDecode" => seen.flate += 1,
                        b"LZWDecode" | b"ASCII85Decode" => seen.other_filter = Some(name.clone()),
                        b"Prev" | b"XRefStm" => offset_key = true,
                        _ => {}
                    }
                }
                _ if is_regular(c) => {
                    let end = self.token_end(at);
                    let token = &bytes[at..end];
                    if !scalars(token) {
                        break;
                    }
                    if offset_next && let Some(value) = parse_integer(token) {
                        seen.offsets.push(value);
                    }
                    at = end;
                }
                // A `]` or `>>` closing nothing, a lone `>`, `)`, `{`, `}`:
                // lopdf stops here.
                _ => break,
            }
            self.charge(at - before)?;
            offset_next = offset_key;
            if depth > MAX_NESTING {
                return Err(Refusal::TooDeep);
            }
            if depth == 0 {
                if closed_dict {
                    seen.stream_data = self.stream_data(at)?;
                }
                break;
            }
        }
        Ok(seen)
    }

    /// Where the data of a stream begins, when `stream` follows the
    /// dictionary ending at `from`.
    fn stream_data(&mut self, from: usize) -> Result<Option<usize>, Refusal> {
        let bytes = self.bytes;
        let keyword = self.skip_space(from)?;
        if !bytes[keyword..].starts_with(b"stream") {
            return Ok(None);
        }
        let mut at = keyword + b"stream".len();
        while matches!(bytes.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        self.charge(at - keyword)?;
        Ok(if bytes[at..].starts_with(b"\r\n") {
            Some(at + 2)
        } else if matches!(bytes.get(at), Some(b'\r' | b'\n')) {
            Some(at + 1)
        } else {
            None
        })
    }
}

/// Writes `files` into the folder `dir`, all or nothing: every name is
/// checked first (relative, without `..` or empty parts, no two alike, no
/// file that is also another's folder); `dir` must not exist yet or be an
/// empty folder; the files are written into a new folder beside it,
/// renamed to `dir` at the end. On any error nothing is left at `dir`.
/// Returns each file's path and size.
pub fn restore(dir: &Path, files: &[Embedded]) -> Result<Vec<(PathBuf, usize)>, String> {
    let relative = plan(files)?;
    // Without a trailing slash or `.` parts.
    let dir: PathBuf = dir.components().collect();
    let replace = empty_target(&dir)?;
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Err(format!(
            "cannot extract into {}; name a new or empty folder",
            dir.display()
        ));
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    std::fs::create_dir_all(parent)
        .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
    let mut temp_name = name.to_os_string();
    temp_name.push(format!(".partial-{}", std::process::id()));
    let temp = parent.join(temp_name);
    // New: nothing in it is there before extract puts it there.
    std::fs::create_dir(&temp).map_err(|err| {
        format!(
            "cannot create the temporary folder {}: {err}; nothing was written",
            temp.display()
        )
    })?;
    let finished =
        write_files(&temp, &dir, files, &relative).and_then(|()| settle(&temp, &dir, replace));
    if let Err(message) = finished {
        let _ = std::fs::remove_dir_all(&temp);
        return Err(message);
    }
    Ok(files
        .iter()
        .zip(&relative)
        .map(|(file, path)| (dir.join(path), file.data.len()))
        .collect())
}

/// The path of each file under the folder, every name checked before
/// anything is written.
fn plan(files: &[Embedded]) -> Result<Vec<PathBuf>, String> {
    let mut inside = Vec::with_capacity(files.len());
    let mut named = HashSet::new();
    // Each folder some file is in, and one such file.
    let mut folders: HashMap<&str, &str> = HashMap::new();
    for file in files {
        let name = file.name.as_str();
        let shown = printable(name);
        let refuse = |why: &str| {
            Err(format!(
                "the embedded file `{shown}` {why}; nothing was written"
            ))
        };
        // The archive profile names each file by its path from the project
        // root: `/briefs/a.toml`.
        let path = name.strip_prefix('/').unwrap_or(name);
        if path.is_empty() {
            return refuse("has an empty name");
        }
        if name.chars().any(char::is_control) {
            return refuse("has a control character in its name");
        }
        if path.starts_with('/') {
            return refuse("has an absolute name");
        }
        if path.len() > NAME_BYTES || path.split('/').count() > NAME_PARTS {
            return refuse("has too long a name");
        }
        for part in path.split('/') {
            match part {
                "" => return refuse("has an empty folder name in its path"),
                "." | ".." => return refuse("has a name that would leave the folder"),
                _ => {}
            }
        }
        if !named.insert(path) {
            return Err(format!(
                "two embedded files are named `{shown}`; nothing was written"
            ));
        }
        for (at, _) in path.match_indices('/') {
            folders.entry(&path[..at]).or_insert(path);
        }
        inside.push(path);
    }
    if let Some((file, deeper)) = inside
        .iter()
        .find_map(|path| folders.get(path).map(|deeper| (*path, *deeper)))
    {
        return Err(format!(
            "the embedded file `{}` is also the folder of `{}`; nothing was written",
            printable(file),
            printable(deeper)
        ));
    }
    Ok(inside.into_iter().map(PathBuf::from).collect())
}

/// Whether `dir` is an empty folder to replace (`false`: nothing is
/// there); anything else there is refused.
fn empty_target(dir: &Path) -> Result<bool, String> {
    match std::fs::symlink_metadata(dir) {
        Err(err) if err.kind() == ErrorKind::NotFound => Ok(false),
        Err(err) => Err(format!("cannot use {}: {err}", dir.display())),
        Ok(meta) if meta.file_type().is_symlink() => Err(format!(
            "{} is a symbolic link; extract never overwrites nor follows links (choose a new or empty folder)",
            dir.display()
        )),
        Ok(meta) if !meta.is_dir() => Err(format!(
            "{} already exists and is not a folder; extract never overwrites (choose a new or empty folder)",
            dir.display()
        )),
        Ok(_) if crate::fsgate::names_in(dir).is_empty() => Ok(true),
        Ok(_) => Err(format!(
            "{} is not empty; extract never overwrites (choose a new or empty folder)",
            dir.display()
        )),
    }
}

/// Writes every file under the temporary folder `temp` (messages name
/// them under `dir`, where they are going).
fn write_files(
    temp: &Path,
    dir: &Path,
    files: &[Embedded],
    relative: &[PathBuf],
) -> Result<(), String> {
    for (file, path) in files.iter().zip(relative) {
        write_new(temp, path, &file.data).map_err(|err| {
            format!(
                "cannot write {}: {err}; nothing was written",
                dir.join(path).display()
            )
        })?;
    }
    Ok(())
}

/// Writes `data` at `relative` under `temp`, creating its folders one by
/// one; a file that exists already is an error, never overwritten.
fn write_new(temp: &Path, relative: &Path, data: &[u8]) -> std::io::Result<()> {
    let mut path = temp.to_path_buf();
    let mut parts = relative.components().peekable();
    while let Some(part) = parts.next() {
        path.push(part);
        if parts.peek().is_some() {
            match std::fs::create_dir(&path) {
                Ok(()) => {}
                // Made for an earlier file (a real folder: nothing else
                // makes entries in `temp`).
                Err(err)
                    if err.kind() == ErrorKind::AlreadyExists
                        && std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.is_dir()) => {}
                Err(err) => return Err(err),
            }
        }
    }
    crate::fsgate::write_new(&path, data)
}

/// Moves the finished temporary folder to `dir` (in place of the empty
/// folder there, if `replace`).
fn settle(temp: &Path, dir: &Path, replace: bool) -> Result<(), String> {
    if replace {
        // Refuses a folder that is no longer empty.
        std::fs::remove_dir(dir).map_err(|err| {
            format!(
                "cannot replace the empty folder {}: {err}; nothing was written",
                dir.display()
            )
        })?;
    }
    std::fs::rename(temp, dir).map_err(|err| {
        if replace {
            let _ = std::fs::create_dir(dir);
        }
        format!(
            "cannot move the extracted files into {}: {err}; nothing was written",
            dir.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dictionary holding `depth - 1` nested arrays: `depth` levels.
    fn nested(depth: usize) -> Vec<u8> {
        format!(
            "%PDF-1.7\n1 0 obj\n<< /A {}{} >>\nendobj\n",
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        )
        .into_bytes()
    }

    fn refused(bytes: &[u8]) -> Option<String> {
        prescan(bytes, 0).err().map(|refusal| refusal.reason())
    }

    #[test]
    fn nesting_is_measured_as_lopdf_reads_it() {
        assert_eq!(refused(&nested(MAX_NESTING)), None);
        assert!(
            refused(&nested(MAX_NESTING + 1)).is_some_and(|why| why.contains("128 levels")),
            "129 levels pass"
        );
        // Brackets in strings (escaped parentheses too), hexadecimal
        // strings and comments are no nesting.
        let quiet = format!(
            "%PDF-1.7\n1 0 obj\n<< /A ({0}) /B (\\){0}) /C <{1}> /D [% {0}\n] >>\nendobj\n",
            "[".repeat(500),
            "ab".repeat(10)
        );
        assert_eq!(refused(quiet.as_bytes()), None);
        // A cross-reference entry may point into a comment: lopdf reads
        // objects there too.
        let hidden = format!("%PDF-1.7\n% 2 0 obj {}\n", "[".repeat(500));
        assert!(refused(hidden.as_bytes()).is_some());
        let dicts = format!("%PDF-1.7\n1 0 obj\n{}\n", "<< /A ".repeat(500));
        assert!(refused(dicts.as_bytes()).is_some());
    }

    #[test]
    fn objects_run_together_are_read_on() {
        assert!(scalars(b"12"));
        assert!(scalars(b"truenull-1.5R"));
        assert!(!scalars(b"obj"));
        assert!(!scalars(b"endobj"));
        let run_together = format!("%PDF-1.7\n1 0 obj\n[ truenull {}\n", "[".repeat(200));
        assert!(refused(run_together.as_bytes()).is_some());
    }

    #[test]
    fn encryption_is_seen_in_trailers() {
        let table = b"%PDF-1.7\ntrailer\n<< /Root 1 0 R /Encrypt 2 0 R >>\nstartxref\n0\n%%EOF\n";
        assert!(matches!(prescan(table, 0), Err(Refusal::Encrypted)));
        let stream = b"%PDF-1.7\n1 0 obj\n<< /Type /XRef /En#63rypt 2 0 R /Length 0 >>\nstream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n";
        assert!(matches!(prescan(stream, 0), Err(Refusal::Encrypted)));
        let plain = b"%PDF-1.7\ntrailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n";
        assert!(prescan(plain, 0).is_ok());
    }

    fn files(names: &[&str]) -> Vec<Embedded> {
        names
            .iter()
            .map(|name| Embedded {
                name: (*name).to_string(),
                data: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn names_are_checked_together() {
        assert_eq!(
            plan(&files(&["/briefs/a.toml", "b.txt"])).unwrap(),
            vec![PathBuf::from("briefs/a.toml"), PathBuf::from("b.txt")]
        );
        let bad: [&[&str]; 10] = [
            &["/a/../b"],
            &["//etc/passwd"],
            &["a//b"],
            &["a/./b"],
            &["a/"],
            &[""],
            &["/"],
            &["a\nb"],
            &["/x", "x"],
            &["a/b", "a"],
        ];
        for names in bad {
            assert!(plan(&files(names)).is_err(), "{names:?} passed");
        }
    }
}
