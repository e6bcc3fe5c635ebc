//! Diagnostic codes: `briefpress::diag::CODES` lists every code the source
//! sets and no other, and the README lists every code of the table.
//!
//! The codes are found by reading `src/` (no build of it), in the ways this
//! codebase sets them:
//!
//! 1. A string literal passed for a parameter named `code` of type
//!    `&'static str`: `.with_code("limit")`, the `warn(span, "future-date",
//!    message)` method of `prepare`, the `refuse(message, "not-regular")`
//!    closure of `load`. Functions and methods are called anywhere in `src/`
//!    (a method as `.name(`), closures (`let name = |…, code: &'static str|`)
//!    in their own file.
//! 2. A field set to a literal: `code: "limit"` (`limits::Exceeded`).
//! 3. The literals in value position (after `=>`, or alone in a block) of
//!    `let code = match …;` and `let code = if … else …;` (`build::discover`,
//!    `load`'s TOML errors) and of the body of a `fn code` (`fsgate`'s
//!    `WriteError::code`).
//! 4. In `for (…, code, …) in [(…), …]`, the literal at `code`'s position in
//!    each tuple (`prepare`: `image-source`, `image-license`).
//! 5. The last literal of each `Some((…))` of a function returning
//!    `Option<(Range<usize>, String, &'static str)>`, a place, a message and
//!    a code (`limits::text_problem`).
//!
//! Lines that are comments are skipped. A non-literal argument
//! (`.with_code(code)`, `.with_code(err.code())`) is not read: the values
//! reaching it are literals found by the other patterns.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use briefpress::diag::CODES;

use crate::support::repo;

/// The codes `src/` sets, each with the files that set it.
type Found = BTreeMap<String, BTreeSet<String>>;

#[test]
fn every_code_the_source_sets_is_in_the_table() {
    let found = codes_in_source();
    assert!(
        found.len() >= 35,
        "the scanner found only {} codes in src/ ({:?}); it no longer reads the ways codes are set",
        found.len(),
        found.keys().collect::<Vec<_>>()
    );
    let missing: Vec<String> = found
        .iter()
        .filter(|(code, _)| !CODES.iter().any(|(known, _)| *known == code.as_str()))
        .map(|(code, files)| {
            let files: Vec<&str> = files.iter().map(String::as_str).collect();
            format!("`{code}` (set in {})", files.join(", "))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "codes set in src/ but not listed in briefpress::diag::CODES (add them, with their meaning, and to the README):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn the_table_lists_no_code_the_source_never_sets() {
    let found = codes_in_source();
    let unset: Vec<&str> = CODES
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| !matches!(*code, "error" | "warning") && !found.contains_key(*code))
        .collect();
    assert!(
        unset.is_empty(),
        "codes in briefpress::diag::CODES that src/ never sets (remove them, or teach this scanner how they are set): {unset:?}"
    );
}

#[test]
fn the_readme_lists_every_code() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = codes_section(&readme).expect("the README has a `## Diagnostic codes` section");
    let rows: Vec<&str> = section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once("` |"))
        .map(|(code, _)| code)
        .collect();
    let unlisted: Vec<&str> = CODES
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| {
            let row = format!("| `{code}` |");
            !section.lines().any(|line| line.starts_with(&row))
        })
        .collect();
    assert!(
        unlisted.is_empty(),
        "codes missing from the README's `## Diagnostic codes` table (a row `| `code` | meaning |` each): {unlisted:?}"
    );
    let stale: Vec<&str> = rows
        .into_iter()
        .filter(|row| !CODES.iter().any(|(code, _)| code == row))
        .collect();
    assert!(
        stale.is_empty(),
        "the README lists codes briefpress::diag::CODES does not have: {stale:?}"
    );
}

/// The README's `## Diagnostic codes` section, up to the next `## `.
fn codes_section(readme: &str) -> Option<&str> {
    let start = readme.find("\n## Diagnostic codes\n")? + 1;
    let body = &readme[start..];
    let end = body[1..].find("\n## ").map_or(body.len(), |at| at + 1);
    Some(&body[..end])
}

/// Every code set in `src/`, read from the source text.
fn codes_in_source() -> Found {
    let mut files = Vec::new();
    rust_files(&repo().join("src"), &mut files);
    assert!(!files.is_empty(), "no Rust files under src/");
    let sources: Vec<(String, String)> = files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let shown = path
                .strip_prefix(repo())
                .unwrap_or(path)
                .display()
                .to_string();
            (shown, without_comment_lines(&text))
        })
        .collect();
    let takers: Vec<Taker> = sources
        .iter()
        .flat_map(|(file, text)| code_takers(file, text))
        .collect();
    let mut found = Found::new();
    for (file, text) in &sources {
        let mut note = |code: &str| {
            found
                .entry(code.to_string())
                .or_default()
                .insert(file.clone());
        };
        for taker in &takers {
            if taker.closure && taker.file != *file {
                continue;
            }
            for code in literal_arguments(text, taker) {
                note(code);
            }
        }
        for code in field_literals(text) {
            note(code);
        }
        for code in chosen_codes(text) {
            note(code);
        }
        for code in loop_tuples(text) {
            note(code);
        }
        for code in problem_tuples(text) {
            note(code);
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// `text` with every line that is a comment (`//`, `///`, `//!`) blanked.
fn without_comment_lines(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.trim_start().starts_with("//") {
                ""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A function, method or closure with a parameter `code: &'static str`.
#[derive(Debug)]
struct Taker {
    name: String,
    /// Position of `code` among the arguments of a call (`self` not
    /// counted).
    index: usize,
    /// A method: called as `.name(`.
    method: bool,
    /// A closure: called only in its own file.
    closure: bool,
    file: String,
}

/// The functions, methods and closures of `text` taking a code.
fn code_takers(file: &str, text: &str) -> Vec<Taker> {
    let bytes = text.as_bytes();
    let mut takers = Vec::new();
    for (at, _) in text.match_indices("code: &'static str") {
        if at > 0 && is_ident(bytes[at - 1]) {
            continue;
        }
        // Back to the start of the parameter list: `(` of a function, `|`
        // of a closure; a `{` or `;` first means a struct field.
        let mut depth = 0usize;
        let mut start = None;
        for (i, &byte) in bytes[..at].iter().enumerate().rev() {
            match byte {
                b')' | b']' => depth += 1,
                b'(' | b'[' if depth > 0 => depth -= 1,
                b'(' | b'|' => {
                    start = Some(i);
                    break;
                }
                b'{' | b'}' | b';' => break,
                _ => {}
            }
        }
        let Some(start) = start else {
            continue;
        };
        let before = &text[start + 1..at];
        let mut params = split_top_level(before, true);
        params.pop(); // what is left of `code`'s own place (empty)
        let takes_self = params.first().is_some_and(|first| {
            first
                .trim()
                .trim_start_matches(['&', ' '])
                .ends_with("self")
        });
        let index = params.len() - usize::from(takes_self);
        let head = text[..start].trim_end();
        let name = if bytes[start] == b'(' {
            // `fn name(` or `fn name<…>(`.
            let Some(fn_at) = head.rfind("fn ") else {
                continue;
            };
            let name = &head[fn_at + 3..];
            name.split('<').next().unwrap_or(name).trim()
        } else {
            // `let name = |`, `let mut name = move |`.
            let head = head.strip_suffix("move").unwrap_or(head).trim_end();
            let Some(head) = head.strip_suffix('=') else {
                continue;
            };
            let head = head.trim_end();
            let name_at = head.rfind(|c: char| !is_ident_char(c)).map_or(0, |i| i + 1);
            let binding = head[..name_at].trim_end();
            let binding = binding.strip_suffix("mut").map_or(binding, str::trim_end);
            if !binding.ends_with("let") {
                continue;
            }
            &head[name_at..]
        };
        if name.is_empty() || !name.chars().all(is_ident_char) {
            continue;
        }
        takers.push(Taker {
            name: name.to_string(),
            index,
            method: takes_self,
            closure: bytes[start] == b'|',
            file: file.to_string(),
        });
    }
    takers
}

/// The literal codes passed to `taker` in `text`.
fn literal_arguments<'a>(text: &'a str, taker: &Taker) -> Vec<&'a str> {
    let bytes = text.as_bytes();
    let call = format!("{}(", taker.name);
    let mut codes = Vec::new();
    for (at, _) in text.match_indices(call.as_str()) {
        let before = text[..at].trim_end();
        let is_call = if taker.method {
            before.ends_with('.')
        } else {
            let joined = at > 0 && (is_ident(bytes[at - 1]) || bytes[at - 1] == b'.');
            !joined && !before.ends_with("fn")
        };
        if !is_call {
            continue;
        }
        let open = at + call.len() - 1;
        let Some(close) = matching(text, open) else {
            continue;
        };
        let args = split_top_level(&text[open + 1..close], false);
        codes.extend(args.get(taker.index).copied().and_then(literal));
    }
    codes
}

/// Literals set as a field: `code: "limit"`.
fn field_literals(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    text.match_indices("code:")
        .filter(|(at, _)| *at == 0 || !is_ident(bytes[at - 1]))
        .filter_map(|(at, found)| {
            let rest = &text[at + found.len()..];
            let value = rest.trim_start();
            let end = literal_end(value, 0)?;
            let after = value[end..].trim_start();
            after
                .starts_with([',', '}'])
                .then_some(&value[..end])
                .and_then(literal)
        })
        .collect()
}

/// The values of `let code = match/if …;` and of the body of `fn code`.
fn chosen_codes(text: &str) -> Vec<&str> {
    let mut codes = Vec::new();
    for (at, found) in text.match_indices("let code =") {
        let start = at + found.len();
        if let Some(end) = statement_end(text, start) {
            codes.extend(value_literals(&text[start..end]));
        }
    }
    let bytes = text.as_bytes();
    for (at, found) in text.match_indices("fn code(") {
        if at > 0 && is_ident(bytes[at - 1]) {
            continue;
        }
        let Some(open) = text[at + found.len()..]
            .find('{')
            .map(|i| i + at + found.len())
        else {
            continue;
        };
        if let Some(close) = matching(text, open) {
            codes.extend(value_literals(&text[open..=close]));
        }
    }
    codes
}

/// In `for (…, code, …) in [(…), …]`, the literal at `code`'s place.
fn loop_tuples(text: &str) -> Vec<&str> {
    let mut codes = Vec::new();
    for (at, found) in text.match_indices("for (") {
        let open = at + found.len() - 1;
        let Some(close) = matching(text, open) else {
            continue;
        };
        let pattern = split_top_level(&text[open + 1..close], false);
        let Some(index) = pattern.iter().position(|name| name.trim() == "code") else {
            continue;
        };
        let rest = &text[close + 1..];
        let Some(array) = rest.trim_start().strip_prefix("in") else {
            continue;
        };
        let array = array.trim_start();
        if !array.starts_with('[') {
            continue;
        }
        let array_open = text.len() - array.len();
        let Some(array_close) = matching(text, array_open) else {
            continue;
        };
        for tuple in split_top_level(&text[array_open + 1..array_close], false) {
            let tuple = tuple.trim();
            let Some(inner) = tuple.strip_prefix('(').and_then(|t| t.strip_suffix(')')) else {
                continue;
            };
            codes.extend(
                split_top_level(inner, false)
                    .get(index)
                    .copied()
                    .and_then(literal),
            );
        }
    }
    codes
}

/// The code (last) of each `Some((…))` a function returning
/// `Option<(Range<usize>, String, &'static str)>` gives.
fn problem_tuples(text: &str) -> Vec<&str> {
    const SIGNATURE: &str = "-> Option<(Range<usize>, String, &'static str)>";
    let mut codes = Vec::new();
    for (at, _) in text.match_indices(SIGNATURE) {
        let after = at + SIGNATURE.len();
        let Some(open) = text[after..].find('{').map(|i| i + after) else {
            continue;
        };
        let Some(close) = matching(text, open) else {
            continue;
        };
        let body = &text[open..=close];
        for (some_at, found) in body.match_indices("Some((") {
            let tuple_open = some_at + found.len() - 1;
            let Some(tuple_close) = matching(body, tuple_open) else {
                continue;
            };
            let items = split_top_level(&body[tuple_open + 1..tuple_close], false);
            if let Some(code) = items.iter().rev().find(|item| !item.trim().is_empty()) {
                codes.extend(literal(code));
            }
        }
    }
    codes
}

/// The literals of `region` that are values: after `=>` or an opening
/// brace, and followed by `,` or a closing brace (not arguments or
/// patterns).
fn value_literals(region: &str) -> Vec<&str> {
    let bytes = region.as_bytes();
    let mut codes = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let Some(end) = literal_end(region, i) else {
            i += 1;
            continue;
        };
        let before = region[..i].trim_end();
        let after = region[end..].trim_start();
        if (before.ends_with("=>") || before.ends_with('{')) && after.starts_with([',', '}']) {
            codes.extend(literal(&region[i..end]));
        }
        i = end;
    }
    codes
}

/// Walks `text` from `start`, over literals and counting brackets: the
/// first index whose byte, with the bracket depth after it, meets `stop`.
fn walk(text: &str, start: usize, stop: impl Fn(u8, usize) -> bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        if let Some(end) = literal_end(text, i) {
            i = end;
            continue;
        }
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.checked_sub(1)?,
            _ => {}
        }
        if stop(bytes[i], depth) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The end of the statement starting at `start`: its `;` outside brackets.
fn statement_end(text: &str, start: usize) -> Option<usize> {
    walk(text, start, |byte, depth| byte == b';' && depth == 0)
}

/// The index of the bracket closing the one at `open`.
fn matching(text: &str, open: usize) -> Option<usize> {
    walk(text, open, |byte, depth| {
        matches!(byte, b')' | b']' | b'}') && depth == 0
    })
}

/// `text` split at its commas outside brackets and literals (and outside
/// `<…>` with `generics`, for parameter lists).
fn split_top_level(text: &str, generics: bool) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(end) = literal_end(text, i) {
            i = end;
            continue;
        }
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b'<' if generics => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'>' if generics && i > 0 && bytes[i - 1] != b'-' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                parts.push(&text[from..i]);
                from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[from..]);
    parts
}

/// If a string literal (`"…"`, `r"…"`, `r#"…"#`) or a character literal
/// starts at `at`, the index just past it.
fn literal_end(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    match bytes.get(at)? {
        b'"' => {
            let mut i = at + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
            None
        }
        b'r' if at == 0 || !is_ident(bytes[at - 1]) => {
            let hashes = bytes[at + 1..].iter().take_while(|&&b| b == b'#').count();
            let quote = at + 1 + hashes;
            if bytes.get(quote) != Some(&b'"') {
                return None;
            }
            let close = format!("\"{}", "#".repeat(hashes));
            text[quote + 1..]
                .find(close.as_str())
                .map(|i| quote + 1 + i + close.len())
        }
        b'\'' => {
            // A character literal, not a lifetime: `'x'` or `'\n'`.
            let rest = &text[at + 1..];
            if let Some(escaped) = rest.strip_prefix('\\') {
                let first = escaped.chars().next()?.len_utf8();
                let close = escaped[first..].find('\'')?;
                return Some(at + 2 + first + close + 1);
            }
            let c = rest.chars().next()?;
            (rest[c.len_utf8()..].starts_with('\'')).then(|| at + 1 + c.len_utf8() + 1)
        }
        _ => None,
    }
}

/// The text of `item` if it is exactly a plain string literal.
fn literal(item: &str) -> Option<&str> {
    let inner = item.trim().strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\'])).then_some(inner)
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}
