//! Where things are in the source text: document paths (`desks[3].unit`) to line and column.
//!
//! The index is built only when something must be reported (a file that loads cleanly never
//! pays for it), by streaming the text once more and recording just the wanted paths. Each
//! format has a small driver that feeds a [`Tracker`] with scalars and collection starts and
//! ends; the tracker keeps the current path and never recurses.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::Format;
use super::schema::{self, Shape};
use super::text::{LineIndex, excerpt};
use crate::problem::Location;

/// Where a node is: a byte offset (converted at the end) or a known line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pos {
    /// Byte offset into the (BOM-stripped) text.
    Byte(usize),
    /// Line and column.
    At(Location),
}

/// Where one document path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spot {
    /// The key of a map entry, when the node is one.
    pub(crate) key: Option<Location>,
    /// The value.
    pub(crate) value: Location,
    /// The value's text, when it is a scalar (cut to a few dozen characters).
    pub(crate) scalar: Option<String>,
}

/// The spots of the paths asked for.
#[derive(Debug, Default)]
pub(crate) struct Index {
    spots: HashMap<String, Spot>,
}

impl Index {
    /// The spot of exactly this path.
    pub(crate) fn get(&self, path: &str) -> Option<&Spot> {
        self.spots.get(path)
    }

    /// The spot of this path, or of its nearest ancestor that has one.
    pub(crate) fn nearest(&self, path: &str) -> Option<&Spot> {
        prefixes(path).iter().rev().find_map(|p| self.spots.get(*p))
    }
}

/// A path and all its ancestors, shortest first: `a.b[1].c` -> `a`, `a.b`, `a.b[1]`, `a.b[1].c`.
/// (A map key with a dot in it gives extra candidates that simply match nothing.)
pub(crate) fn prefixes(path: &str) -> Vec<&str> {
    let mut out: Vec<&str> = path
        .char_indices()
        .filter(|&(i, c)| i > 0 && (c == '.' || c == '['))
        .filter_map(|(i, _)| path.get(..i))
        .collect();
    if !path.is_empty() {
        out.push(path);
    }
    out
}

/// Build the index of `wanted` paths (and their ancestors) for a text.
pub(crate) fn index<'p>(
    text: &str,
    format: Format,
    paths: impl IntoIterator<Item = &'p str>,
    max_depth: usize,
) -> Index {
    let wanted: HashSet<String> = paths
        .into_iter()
        .flat_map(prefixes)
        .map(str::to_owned)
        .collect();
    if wanted.is_empty() {
        return Index::default();
    }
    let mut tracker = Tracker::new(&wanted, max_depth.saturating_add(8), Shape::Any);
    walk(text, format, &mut tracker);
    let lines = LineIndex::new(text);
    // Every byte offset converted in one sweep (per-offset conversion counts columns from
    // the line start, which is quadratic on a long single-line file such as minified JSON).
    let mut offsets: Vec<usize> = tracker
        .found
        .values()
        .flat_map(|(key, value, _)| key.iter().chain(std::iter::once(value)))
        .filter_map(|p| match p {
            Pos::Byte(b) => Some(*b),
            Pos::At(_) => None,
        })
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let located = lines.locations(&offsets);
    let at = |p: Pos| match p {
        Pos::Byte(b) => match offsets.binary_search(&b) {
            Ok(i) => located.get(i).copied().unwrap_or_else(|| lines.location(b)),
            Err(_) => lines.location(b),
        },
        Pos::At(l) => l,
    };
    Index {
        spots: tracker
            .found
            .into_iter()
            .map(|(k, (key, value, scalar))| {
                (
                    k,
                    Spot {
                        key: key.map(at),
                        value: at(value),
                        scalar,
                    },
                )
            })
            .collect(),
    }
}

fn walk(text: &str, format: Format, tracker: &mut Tracker<'_>) {
    match format {
        Format::Yaml => yaml(text, tracker),
        Format::Json => json(text, tracker),
        Format::Toml => toml(text, tracker),
    }
}

/// Every key of the text that a file of shape `root` does not have (up to a few hundred).
pub(crate) fn unknown_keys(
    text: &str,
    format: Format,
    root: Shape,
    max_depth: usize,
) -> Vec<UnknownKey> {
    let wanted = HashSet::new();
    let mut tracker = Tracker::new(&wanted, max_depth.saturating_add(8), root);
    walk(text, format, &mut tracker);
    tracker.unknown
}

enum Frame {
    /// In a map; `base` is the length of the map's own path.
    Map {
        base: usize,
        expecting_key: bool,
        key_pos: Option<Pos>,
        shape: Shape,
        value_shape: Shape,
    },
    /// In a list; the next item's index.
    Seq {
        base: usize,
        next: usize,
        shape: Shape,
    },
    /// Ignoring a subtree (a non-scalar map key, or nesting beyond any wanted path).
    Skip { depth: usize, is_key: bool },
}

type Found = (Option<Pos>, Pos, Option<String>);

/// A key that the file's schema does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownKey {
    /// Path of the key, e.g. `desks[0].capabilites`.
    pub(crate) path: String,
    pub(crate) key: String,
    pub(crate) pos: Pos,
    pub(crate) expected: &'static [&'static str],
}

/// Most unknown keys reported from one file.
const MAX_UNKNOWN_KEYS: usize = 200;

/// Follows the current document path through a stream of nodes, recording wanted paths
/// and (when given a root shape) keys the schema does not have.
pub(crate) struct Tracker<'w> {
    wanted: &'w HashSet<String>,
    longest: usize,
    found: HashMap<String, Found>,
    path: String,
    stack: Vec<Frame>,
    max_depth: usize,
    root: Shape,
    unknown: Vec<UnknownKey>,
}

impl<'w> Tracker<'w> {
    fn new(wanted: &'w HashSet<String>, max_depth: usize, root: Shape) -> Self {
        Tracker {
            wanted,
            longest: wanted.iter().map(String::len).max().unwrap_or(0),
            found: HashMap::new(),
            path: String::new(),
            stack: Vec::new(),
            max_depth,
            root,
            unknown: Vec::new(),
        }
    }

    fn done(&self) -> bool {
        self.root == Shape::Any && self.found.len() == self.wanted.len()
    }

    /// The shape of the next value (before [`Tracker::value`] moves on).
    fn next_shape(&self) -> Shape {
        match self.stack.last() {
            None => self.root,
            Some(Frame::Map { value_shape, .. }) => *value_shape,
            Some(Frame::Seq { shape, .. }) => schema::child(*shape, None),
            Some(Frame::Skip { .. }) => Shape::Any,
        }
    }

    /// A scalar: a map key or a value.
    fn scalar(&mut self, text: &str, pos: Pos) {
        match self.stack.last_mut() {
            Some(Frame::Skip { .. }) => return,
            Some(Frame::Map {
                base,
                expecting_key,
                key_pos,
                shape,
                value_shape,
            }) if *expecting_key => {
                self.path.truncate(*base);
                if *base > 0 {
                    self.path.push('.');
                }
                self.path.push_str(text);
                *expecting_key = false;
                *key_pos = Some(pos);
                *value_shape = schema::child(*shape, Some(text));
                if let Some(expected) = schema::keys(*shape) {
                    if !expected.contains(&text) && self.unknown.len() < MAX_UNKNOWN_KEYS {
                        self.unknown.push(UnknownKey {
                            path: self.path.clone(),
                            key: text.to_owned(),
                            pos,
                            expected,
                        });
                    }
                }
                return;
            }
            _ => {}
        }
        self.value(pos, Some(text));
        self.after_value();
    }

    /// The start of a map or list.
    fn open(&mut self, map: bool, pos: Pos) {
        match self.stack.last_mut() {
            Some(Frame::Skip { depth, .. }) => {
                *depth += 1;
                return;
            }
            Some(Frame::Map {
                base,
                expecting_key,
                key_pos,
                value_shape,
                ..
            }) if *expecting_key => {
                // A map or list used as a key: no path can name what follows.
                self.path.truncate(*base);
                self.path
                    .push_str(if *base > 0 { ".\u{0}" } else { "\u{0}" });
                *expecting_key = false;
                *key_pos = Some(pos);
                *value_shape = Shape::Any;
                self.stack.push(Frame::Skip {
                    depth: 1,
                    is_key: true,
                });
                return;
            }
            _ => {}
        }
        let shape = self.next_shape();
        self.value(pos, None);
        // The wanted paths include their ancestors: below a path that is not wanted,
        // nothing is (the document itself, path "", is always walked).
        let useless = self.root == Shape::Any
            && !self.stack.is_empty()
            && (self.path.len() > self.longest || !self.wanted.contains(self.path.as_str()));
        if self.stack.len() >= self.max_depth || useless {
            self.stack.push(Frame::Skip {
                depth: 1,
                is_key: false,
            });
            return;
        }
        let base = self.path.len();
        self.stack.push(if map {
            Frame::Map {
                base,
                expecting_key: true,
                key_pos: None,
                shape,
                value_shape: Shape::Any,
            }
        } else {
            Frame::Seq {
                base,
                next: 0,
                shape,
            }
        });
    }

    /// The end of a map or list.
    fn close(&mut self) {
        match self.stack.last_mut() {
            None => {}
            Some(Frame::Skip { depth, is_key }) => {
                *depth = depth.saturating_sub(1);
                if *depth > 0 {
                    return;
                }
                let is_key = *is_key;
                self.stack.pop();
                if !is_key {
                    self.after_value();
                }
            }
            Some(_) => {
                self.stack.pop();
                self.after_value();
            }
        }
    }

    /// Set the path of the value starting at `pos` and record it if wanted.
    fn value(&mut self, pos: Pos, scalar: Option<&str>) {
        let key_pos = match self.stack.last_mut() {
            Some(Frame::Map { key_pos, .. }) => key_pos.take(),
            Some(Frame::Seq { base, next, .. }) => {
                self.path.truncate(*base);
                let _ = write!(self.path, "[{next}]");
                *next += 1;
                None
            }
            Some(Frame::Skip { .. }) => return,
            None => {
                self.path.clear();
                None
            }
        };
        if self.path.len() <= self.longest
            && self.wanted.contains(self.path.as_str())
            && !self.found.contains_key(self.path.as_str())
        {
            self.found.insert(
                self.path.clone(),
                (key_pos, pos, scalar.map(|s| excerpt(s, 60))),
            );
        }
    }

    /// Is the walk inside a subtree it ignores? (A driver may then skip to its end and
    /// call [`Tracker::close`] once.)
    fn skipping(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Skip { depth: 1, .. }))
    }

    fn after_value(&mut self) {
        if let Some(Frame::Map { expecting_key, .. }) = self.stack.last_mut() {
            *expecting_key = true;
        }
    }
}

fn yaml(text: &str, tracker: &mut Tracker<'_>) {
    use serde_saphyr::granit_parser::{Event, Parser};
    let parser = Parser::new_from_str(text);
    for item in parser {
        let Ok((event, span)) = item else { break };
        let pos = Pos::At(Location {
            line: span.start.line().max(1),
            column: span.start.col() + 1,
        });
        match event {
            Event::Scalar(s, ..) => tracker.scalar(&s, pos),
            Event::Alias(_) | Event::UnresolvedAlias(_) => tracker.scalar("*", pos),
            Event::SequenceStart(..) => tracker.open(false, pos),
            Event::MappingStart(..) => tracker.open(true, pos),
            Event::SequenceEnd | Event::MappingEnd => tracker.close(),
            Event::DocumentEnd => break,
            _ => {}
        }
        if tracker.done() {
            break;
        }
    }
}

fn json(text: &str, tracker: &mut Tracker<'_>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'{' | b'[' => {
                tracker.open(b == b'{', Pos::Byte(i));
                i += 1;
                if tracker.skipping() {
                    // Nothing wanted inside: jump to the end of this map or list.
                    match json_skip(bytes, i) {
                        Some(end) => {
                            tracker.close();
                            i = end;
                        }
                        None => break,
                    }
                }
            }
            b'}' | b']' => {
                tracker.close();
                i += 1;
            }
            b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' => match json_string(text, i) {
                Some((s, end)) => {
                    tracker.scalar(&s, Pos::Byte(i));
                    i = end;
                }
                None => break,
            },
            _ => {
                let start = i;
                while bytes.get(i).is_some_and(|c| {
                    !matches!(
                        c,
                        b',' | b'}'
                            | b']'
                            | b':'
                            | b' '
                            | b'\t'
                            | b'\n'
                            | b'\r'
                            | b'"'
                            | b'{'
                            | b'['
                    )
                }) {
                    i += 1;
                }
                tracker.scalar(text.get(start..i).unwrap_or(""), Pos::Byte(start));
            }
        }
        if tracker.done() {
            break;
        }
    }
}

/// The offset just after the `]` or `}` that closes the map or list whose content starts
/// at `from` (strings skipped whole). `None` when it is not closed.
fn json_skip(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 1usize;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i += 1;
                loop {
                    let rest = bytes.get(i..)?;
                    let at = rest.iter().position(|&c| c == b'"' || c == b'\\')?;
                    i += at;
                    if bytes.get(i) == Some(&b'"') {
                        break;
                    }
                    i += 2; // a backslash and the character it escapes
                }
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Decode the JSON string starting with the quote at `start`; returns it (borrowed from the
/// text when it has no escapes) and the offset just after its closing quote. `None` when it
/// is not terminated.
fn json_string(text: &str, start: usize) -> Option<(Cow<'_, str>, usize)> {
    let rest = text.get(start + 1..)?;
    let plain = rest.bytes().position(|c| c == b'"' || c == b'\\')?;
    if rest.as_bytes().get(plain) == Some(&b'"') {
        return Some((Cow::Borrowed(rest.get(..plain)?), start + 1 + plain + 1));
    }
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((Cow::Owned(out), start + 1 + i + 1)),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' => {
                        let hex = |chars: &mut std::str::CharIndices<'_>| {
                            let h: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                            u32::from_str_radix(&h, 16).ok()
                        };
                        let hi = hex(&mut chars)?;
                        let c = if (0xd800..0xdc00).contains(&hi) {
                            // A surrogate pair: `\uD83D\uDE00`.
                            let mut look = chars.clone();
                            match (look.next(), look.next()) {
                                (Some((_, '\\')), Some((_, 'u'))) => {
                                    let lo = hex(&mut look)?;
                                    chars = look;
                                    if (0xdc00..0xe000).contains(&lo) {
                                        char::from_u32(
                                            0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00),
                                        )
                                    } else {
                                        None
                                    }
                                }
                                _ => None,
                            }
                        } else {
                            char::from_u32(hi)
                        };
                        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    other => out.push(other),
                }
            }
            c => out.push(c),
        }
    }
    None
}

fn toml(text: &str, tracker: &mut Tracker<'_>) {
    use toml::de::DeTable;
    let (root, _errors) = DeTable::parse_recoverable(text);
    tracker.open(true, Pos::Byte(root.span().start));
    toml_table(text, root.get_ref(), tracker, 1);
    tracker.close();
}

fn toml_table(text: &str, table: &toml::de::DeTable<'_>, tracker: &mut Tracker<'_>, depth: usize) {
    for (k, v) in table.iter() {
        tracker.scalar(k.get_ref(), Pos::Byte(k.span().start));
        toml_value(text, v, tracker, depth);
    }
}

fn toml_value(
    text: &str,
    v: &toml::Spanned<toml::de::DeValue<'_>>,
    tracker: &mut Tracker<'_>,
    depth: usize,
) {
    use toml::de::DeValue;
    /// The toml parser stops far earlier; this only bounds our own recursion.
    const DEPTH_GUARD: usize = 512;
    let pos = Pos::Byte(v.span().start);
    match v.get_ref() {
        DeValue::Table(t) => {
            tracker.open(true, pos);
            if depth < DEPTH_GUARD {
                toml_table(text, t, tracker, depth + 1);
            }
            tracker.close();
        }
        DeValue::Array(a) => {
            tracker.open(false, pos);
            if depth < DEPTH_GUARD {
                for item in a.iter() {
                    toml_value(text, item, tracker, depth + 1);
                }
            }
            tracker.close();
        }
        DeValue::String(s) => tracker.scalar(s, pos),
        _ => tracker.scalar(text.get(v.span()).unwrap_or(""), pos),
    }
}

/// The byte offset of the first JSON `[` or `{` nested deeper than `max`, if any. O(n).
pub(crate) fn json_too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in text.as_bytes().iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The byte offset of the first TOML table or array nested deeper than `max`, if any
/// (the document's own table is depth 1).
pub(crate) fn toml_too_deep(
    root: &toml::Spanned<toml::de::DeTable<'_>>,
    max: usize,
) -> Option<usize> {
    fn value(v: &toml::Spanned<toml::de::DeValue<'_>>, depth: usize, max: usize) -> Option<usize> {
        use toml::de::DeValue;
        match v.get_ref() {
            DeValue::Table(t) => {
                if depth > max {
                    return Some(v.span().start);
                }
                t.values().find_map(|x| value(x, depth + 1, max))
            }
            DeValue::Array(a) => {
                if depth > max {
                    return Some(v.span().start);
                }
                a.iter().find_map(|x| value(x, depth + 1, max))
            }
            _ => None,
        }
    }
    if max == 0 {
        return Some(root.span().start);
    }
    root.get_ref().values().find_map(|v| value(v, 2, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: usize, column: usize) -> Location {
        Location { line, column }
    }

    #[test]
    fn prefixes_of_a_path() {
        assert_eq!(prefixes("a.b[1].c"), vec!["a", "a.b", "a.b[1]", "a.b[1].c"]);
        assert_eq!(prefixes("[0]"), vec!["[0]"]);
        assert!(prefixes("").is_empty());
    }

    #[test]
    fn yaml_paths() {
        let t = "desks:\n  - id: a\n    unit: x\n  - {id: é, unit: recrds}\nrefers:\n  a.b: c\n";
        let ix = index(
            t,
            Format::Yaml,
            ["desks[1].unit", "desks[0].id", "refers.a.b", "nope.x"],
            64,
        );
        let s = ix.get("desks[1].unit").unwrap();
        assert_eq!(s.value, loc(4, 19));
        assert_eq!(s.key, Some(loc(4, 13)));
        assert_eq!(s.scalar.as_deref(), Some("recrds"));
        assert_eq!(ix.get("desks[0].id").unwrap().value, loc(2, 9));
        assert_eq!(ix.get("refers.a.b").unwrap().value, loc(6, 8));
        assert!(ix.get("nope.x").is_none());
        assert_eq!(ix.nearest("desks[0].id.zz").unwrap().value, loc(2, 9));
    }

    #[test]
    fn json_paths() {
        let t = "{\"desks\": [{\"id\": \"a\"},\n {\"id\": \"\\u00e9\", \"u\\nit\": [1, true, {\"k\": null}]}]}";
        let ix = index(
            t,
            Format::Json,
            ["desks[1].id", "desks[1].u\nit[2].k", "desks[1].u\nit[1]"],
            64,
        );
        assert_eq!(ix.get("desks[1].id").unwrap().value, loc(2, 9));
        assert_eq!(ix.get("desks[1].id").unwrap().key, Some(loc(2, 3)));
        assert_eq!(ix.get("desks[1].id").unwrap().scalar.as_deref(), Some("é"));
        assert_eq!(ix.get("desks[1].u\nit[2].k").unwrap().value, loc(2, 44));
        assert_eq!(
            ix.get("desks[1].u\nit[1]").unwrap().scalar.as_deref(),
            Some("true")
        );
    }

    #[test]
    fn json_skips_what_is_not_wanted() {
        // Brackets and escaped quotes inside strings of skipped items do not end them.
        let t = r#"{"rules": [{"id": "a]}\"[{", "x": [[{}]]}, {"id": "b", "n": {"k": "\"}"}},
            {"id": "c\u00e9", "then": {"capability": "z"}}], "after": 1}"#;
        let ix = index(t, Format::Json, ["rules[2].then.capability", "after"], 64);
        assert_eq!(
            ix.get("rules[2].then.capability").unwrap().value,
            loc(2, 54)
        );
        assert_eq!(ix.get("after").unwrap().value, loc(2, 71));
        assert!(ix.get("rules[1]").is_none());
        assert_eq!(ix.get("rules[2]").unwrap().value, loc(2, 13));
    }

    #[test]
    fn toml_paths() {
        let t = "name = \"x\"\n[[desks]]\nid = \"a\"\n[[desks]]\nid = \"b\"\nunit = \"recrds\"\n[desks.refers]\n\"a.b\" = \"c\"\n";
        let ix = index(
            t,
            Format::Toml,
            ["desks[1].unit", "desks[1].refers.a.b", "name"],
            64,
        );
        let s = ix.get("desks[1].unit").unwrap();
        assert_eq!(s.value, loc(6, 8));
        assert_eq!(s.key, Some(loc(6, 1)));
        assert_eq!(ix.get("desks[1].refers.a.b").unwrap().value, loc(8, 9));
        assert_eq!(ix.get("name").unwrap().scalar.as_deref(), Some("x"));
    }

    #[test]
    fn complex_keys_and_depth_do_not_confuse() {
        let t = "? [a, b]\n: {x: 1}\nk: [[[[[1]]]]]\nz: 2\n";
        let ix = index(t, Format::Yaml, ["z", "k[0][0][0][0][0]"], 2);
        assert_eq!(ix.get("z").unwrap().value, loc(4, 4));
    }

    #[test]
    fn unknown_keys_everywhere() {
        let t = "sites: [{id: a, nam: x}]\ndesks:\n  - id: d\n    capabilites: []\n    refers: {anything: goes}\nsitez: []\n";
        let u = unknown_keys(t, Format::Yaml, Shape::OrgRoot, 64);
        let got: Vec<(&str, &str)> = u
            .iter()
            .map(|k| (k.path.as_str(), k.key.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("sites[0].nam", "nam"),
                ("desks[0].capabilites", "capabilites"),
                ("sitez", "sitez")
            ]
        );
        let t = "{\"rules\": [{\"when\": {\"all\": [{\"not\": {\"fakt\": 1}}]}, \"then\": {\"desk\": {\"language\": {\"fct\": 1}}}}]}";
        let u = unknown_keys(t, Format::Json, Shape::RulesRoot, 64);
        let got: Vec<&str> = u.iter().map(|k| k.path.as_str()).collect();
        assert_eq!(
            got,
            [
                "rules[0].when.all[0].not.fakt",
                "rules[0].then.desk.language.fct"
            ]
        );
    }

    #[test]
    fn depth_scans() {
        assert_eq!(json_too_deep("[[\"[[[[\"]]", 2), None);
        assert_eq!(json_too_deep("[[[]]]", 2), Some(2));
        let t = toml::de::DeTable::parse("a = [[1]]\n[b.c]\nd = 1\n").unwrap();
        assert_eq!(toml_too_deep(&t, 3), None);
        assert!(toml_too_deep(&t, 2).is_some());
    }
}
