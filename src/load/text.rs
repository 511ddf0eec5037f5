//! Source text: decoding bytes, byte offsets to line and column.

use crate::problem::Location;

/// The byte-order mark some editors put at the start of UTF-8 files.
pub(crate) const BOM: char = '\u{feff}';

/// Byte offsets of line starts, to turn byte offsets into 1-based line and column.
///
/// Columns count Unicode scalar values (characters), not bytes, so `é` is one column.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Index the line starts of `text`. O(n).
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// The line and column of a byte offset (clamped to the text; a position inside a
    /// multi-byte character counts as that character).
    pub(crate) fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..)
            .unwrap_or("")
            .char_indices()
            .take_while(|&(i, _)| start + i < offset)
            .count()
            + 1;
        Location { line, column }
    }

    /// [`LineIndex::location`] of each of `sorted` (increasing byte offsets), in one pass
    /// over the text: O(text + offsets) instead of O(offsets × line length).
    pub(crate) fn locations(&self, sorted: &[usize]) -> Vec<Location> {
        let mut out = Vec::with_capacity(sorted.len());
        // (line, byte offset counted up to, characters before it on that line)
        let mut memo: Option<(usize, usize, usize)> = None;
        for &raw in sorted {
            let offset = raw.min(self.text.len());
            let line = self.starts.partition_point(|&s| s <= offset).max(1);
            let start = self.starts.get(line - 1).copied().unwrap_or(0);
            // Characters starting before `offset`: count up to the next char boundary.
            let mut end = offset;
            while end < self.text.len() && !self.text.is_char_boundary(end) {
                end += 1;
            }
            let (from, before) = match memo {
                Some((l, at, n)) if l == line && at <= end => (at, n),
                _ => (start, 0),
            };
            let n = before + self.text.get(from..end).map_or(0, |s| s.chars().count());
            memo = Some((line, end, n));
            out.push(Location {
                line,
                column: n + 1,
            });
        }
        out
    }

    /// The byte offset of a 1-based line and a 1-based *byte* column (as serde_json counts),
    /// clamped to the text.
    pub(crate) fn offset_of_byte_column(&self, line: usize, column: usize) -> usize {
        let start = match line.checked_sub(1).and_then(|l| self.starts.get(l)) {
            Some(&s) => s,
            None => return self.text.len(),
        };
        start
            .saturating_add(column.saturating_sub(1))
            .min(self.text.len())
    }
}

/// Why bytes are not usable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotUtf8 {
    /// Byte offset of the first invalid byte.
    pub(crate) byte: usize,
    /// Where that byte is (lines and columns of the valid text before it).
    pub(crate) location: Location,
    /// The bytes look like UTF-16 (a UTF-16 byte-order mark).
    pub(crate) utf16: bool,
}

/// Check that bytes are UTF-8, reporting the first bad byte.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, NotUtf8> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let byte = e.valid_up_to();
            let valid = std::str::from_utf8(bytes.get(..byte).unwrap_or_default()).unwrap_or("");
            let location = LineIndex::new(valid).location(valid.len());
            let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
            Err(NotUtf8 {
                byte,
                location,
                utf16,
            })
        }
    }
}

/// The text without a leading byte-order mark.
pub(crate) fn strip_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// True when the text has nothing but white space (and, for YAML and TOML, `#` comments).
///
/// Stops at the first character that is neither (a one-line minified file is not scanned
/// to its end).
pub(crate) fn is_blank(text: &str, hash_comments: bool) -> bool {
    let mut rest = text.trim_start();
    while hash_comments && rest.starts_with('#') {
        rest = match rest.find('\n') {
            Some(end) => rest.get(end..).unwrap_or("").trim_start(),
            None => "",
        };
    }
    rest.is_empty()
}

/// At most `max` characters of `s`, with `…` when cut.
pub(crate) fn excerpt(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters() {
        let t = "ab\nçd\n\nx";
        let ix = LineIndex::new(t);
        assert_eq!(ix.location(0), Location { line: 1, column: 1 });
        assert_eq!(ix.location(2), Location { line: 1, column: 3 });
        assert_eq!(ix.location(3), Location { line: 2, column: 1 });
        // after the two-byte `ç`
        assert_eq!(ix.location(5), Location { line: 2, column: 2 });
        // inside the two-byte `ç`
        assert_eq!(ix.location(4), Location { line: 2, column: 2 });
        assert_eq!(ix.location(7), Location { line: 3, column: 1 });
        assert_eq!(ix.location(8), Location { line: 4, column: 1 });
        assert_eq!(ix.location(999), Location { line: 4, column: 2 });
        let offsets: Vec<usize> = (0..12).collect();
        let one_pass = ix.locations(&offsets);
        let each: Vec<Location> = offsets.iter().map(|&o| ix.location(o)).collect();
        assert_eq!(one_pass, each);
        assert_eq!(ix.offset_of_byte_column(2, 3), 5);
        assert_eq!(ix.offset_of_byte_column(9, 1), t.len());
    }

    #[test]
    fn utf8_errors_say_where() {
        let e = utf8(b"ab\ncd\xffe").unwrap_err();
        assert_eq!(e.byte, 5);
        assert_eq!(e.location, Location { line: 2, column: 3 });
        assert!(utf8(&[0xff, 0xfe, b'a', 0]).unwrap_err().utf16);
    }

    #[test]
    fn blank() {
        assert!(is_blank("", true));
        assert!(is_blank(" \n\t\n# c\n", true));
        assert!(!is_blank("# c\n", false));
        assert!(!is_blank("a: 1", true));
        assert!(!is_blank("# c\n  # d\n\n x # e", true));
        assert!(is_blank("# c\n  # d\n\n  ", true));
        assert!(is_blank("\u{a0}\u{2003}", false));
        assert!(!is_blank("\n {}", false));
    }
}
