//! Limits checked before anything is compiled, so that a hostile or broken
//! file fails fast with a clear message instead of exhausting the machine.

use std::ops::Range;

/// The limits of one run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Size of a document's TOML file.
    pub document_bytes: usize,
    /// Size of one string value in a document.
    pub field_bytes: usize,
    /// Endnotes in one document (or one compendium entry).
    pub notes: usize,
    /// Pixels of one raster image, judged from its header before decoding.
    pub image_pixels: u64,
    /// Nesting depth of tables and arrays in a document.
    pub nesting: usize,
    /// Size of one image file, from its metadata before reading.
    pub image_bytes: u64,
    /// Size of one template file of the project's own.
    pub template_bytes: u64,
    /// Size of a PDF a notice lists.
    pub pdf_bytes: u64,
}

impl Limits {
    /// The limits unless `[limits]` in `briefpress.toml` says otherwise:
    /// generous for real briefs, small enough that no document can take the
    /// machine down.
    pub const DEFAULT: Limits = Limits {
        document_bytes: 2 * 1024 * 1024,
        field_bytes: 256 * 1024,
        notes: 500,
        image_pixels: 50_000_000,
        nesting: 32,
        image_bytes: 64 * 1024 * 1024,
        template_bytes: 1024 * 1024,
        pdf_bytes: 256 * 1024 * 1024,
    };
}

impl Limits {
    /// The largest file of any kind the project may read: the cap for
    /// files named only by a build manifest.
    pub fn largest_file(&self) -> u64 {
        (self.document_bytes as u64)
            .max(self.image_bytes)
            .max(self.template_bytes)
            .max(self.pdf_bytes)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A value over a limit: where, and what the message says.
#[derive(Debug)]
pub struct Exceeded {
    pub span: Range<usize>,
    pub message: String,
}

/// Checks string sizes and nesting depth of a document's TOML. `None` if
/// the text does not parse (the parser's own error is reported instead).
pub fn check_toml(text: &str, limits: &Limits) -> Option<Exceeded> {
    let document = toml_edit::ImDocument::parse(text).ok()?;
    walk_table(document.as_table(), 1, limits)
}

fn walk_table(table: &toml_edit::Table, depth: usize, limits: &Limits) -> Option<Exceeded> {
    table
        .iter()
        .find_map(|(_, item)| walk_item(item, depth, limits))
}

fn walk_item(item: &toml_edit::Item, depth: usize, limits: &Limits) -> Option<Exceeded> {
    match item {
        toml_edit::Item::Value(value) => walk_value(value, depth, limits),
        toml_edit::Item::Table(table) => {
            deeper(table.span(), depth, limits).or_else(|| walk_table(table, depth + 1, limits))
        }
        toml_edit::Item::ArrayOfTables(array) => deeper(array.span(), depth, limits)
            .or_else(|| array.iter().find_map(|t| walk_table(t, depth + 1, limits))),
        toml_edit::Item::None => None,
    }
}

fn walk_value(value: &toml_edit::Value, depth: usize, limits: &Limits) -> Option<Exceeded> {
    match value {
        toml_edit::Value::String(text) if text.value().len() > limits.field_bytes => {
            Some(Exceeded {
                span: value.span().unwrap_or(0..0),
                message: format!(
                    "this text is {} KB, over the limit of {} KB for one field",
                    text.value().len() / 1024,
                    limits.field_bytes / 1024
                ),
            })
        }
        toml_edit::Value::Array(array) => deeper(value.span(), depth, limits)
            .or_else(|| array.iter().find_map(|v| walk_value(v, depth + 1, limits))),
        toml_edit::Value::InlineTable(table) => deeper(value.span(), depth, limits).or_else(|| {
            table
                .iter()
                .find_map(|(_, v)| walk_value(v, depth + 1, limits))
        }),
        _ => None,
    }
}

fn deeper(span: Option<Range<usize>>, depth: usize, limits: &Limits) -> Option<Exceeded> {
    (depth > limits.nesting).then(|| Exceeded {
        span: span.unwrap_or(0..0),
        message: format!(
            "tables and arrays are nested deeper than the limit of {} levels",
            limits.nesting
        ),
    })
}

/// Width and height of a PNG, JPEG, GIF or WebP image from its first
/// bytes, without decoding it. `None` if the header says nothing usable.
pub fn image_size(head: &[u8]) -> Option<(u64, u64)> {
    let be16 = |b: &[u8]| u64::from(u16::from_be_bytes([b[0], b[1]]));
    let le16 = |b: &[u8]| u64::from(u16::from_le_bytes([b[0], b[1]]));
    let be32 = |b: &[u8]| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    if head.starts_with(b"\x89PNG\r\n\x1a\n") && head.len() >= 24 && &head[12..16] == b"IHDR" {
        return Some((be32(&head[16..20]), be32(&head[20..24])));
    }
    if (head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a")) && head.len() >= 10 {
        return Some((le16(&head[6..8]), le16(&head[8..10])));
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") && head.len() >= 30 {
        let le24 = |b: &[u8]| u64::from(b[0]) | u64::from(b[1]) << 8 | u64::from(b[2]) << 16;
        return match &head[12..16] {
            b"VP8X" => Some((le24(&head[24..27]) + 1, le24(&head[27..30]) + 1)),
            b"VP8L" => {
                let bits = u32::from_le_bytes([head[21], head[22], head[23], head[24]]);
                Some((
                    u64::from(bits & 0x3FFF) + 1,
                    u64::from((bits >> 14) & 0x3FFF) + 1,
                ))
            }
            b"VP8 " => Some((le16(&head[26..28]) & 0x3FFF, le16(&head[28..30]) & 0x3FFF)),
            _ => None,
        };
    }
    if head.starts_with(&[0xFF, 0xD8]) {
        // Walk the markers to the first start-of-frame.
        let mut pos = 2;
        while pos + 9 < head.len() {
            if head[pos] != 0xFF {
                return None;
            }
            let marker = head[pos + 1];
            let length = be16(&head[pos + 2..pos + 4]) as usize;
            let frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
            if frame {
                return Some((be16(&head[pos + 7..pos + 9]), be16(&head[pos + 5..pos + 7])));
            }
            pos += 2 + length;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sizes_from_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((100_000, 100_000)));
        assert_eq!(image_size(b"GIF89a\x20\x03\x58\x02"), Some((800, 600)));
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0x02, 0x58, 0x03, 0x20, 3, 0,
            0,
        ];
        assert_eq!(image_size(&jpeg), Some((800, 600)));
        assert_eq!(image_size(b"not an image"), None);
    }

    #[test]
    fn long_fields_and_deep_nesting_are_found() {
        let long = format!(
            "body = \"{}\"\n",
            "x".repeat(Limits::DEFAULT.field_bytes + 1)
        );
        let found = check_toml(&long, &Limits::DEFAULT).unwrap();
        assert!(
            found.message.contains("over the limit of 256 KB"),
            "{}",
            found.message
        );
        assert_eq!(found.span.start, 7);
        let deep = format!("a = {}1{}\n", "[".repeat(40), "]".repeat(40));
        if let Some(found) = check_toml(&deep, &Limits::DEFAULT) {
            assert!(found.message.contains("nested deeper"), "{}", found.message);
        }
        assert!(check_toml("a = [[1], [2]]\n", &Limits::DEFAULT).is_none());
    }
}
