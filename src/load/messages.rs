//! Parser and serde errors, normalized: what kind of problem, which field, in plain words.

use super::locate::Pos;
use crate::problem::ProblemKind;

/// Extra facts about an error, used to write hints once the source is indexed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Detail {
    /// Nothing more.
    None,
    /// A key the format does not have, and the keys it does have.
    UnknownField {
        field: String,
        expected: Vec<String>,
    },
    /// A name that is not one of the allowed names.
    UnknownVariant {
        variant: String,
        expected: Vec<String>,
    },
    /// A scalar that is not a number of this Rust type (e.g. `u32`).
    BadNumber { ty: String },
}

/// One error from a parser or from serde, before it gets a file and a location.
#[derive(Debug, Clone)]
pub(crate) struct RawError {
    pub(crate) kind: ProblemKind,
    /// The document path, for errors about the shape of the data.
    pub(crate) path: Option<String>,
    pub(crate) message: String,
    pub(crate) detail: Detail,
    /// Where the parser says it is.
    pub(crate) pos: Option<Pos>,
    pub(crate) hint: Option<String>,
    /// The parser's position is better than the path's (e.g. the second of two equal keys).
    pub(crate) prefer_pos: bool,
}

impl RawError {
    pub(crate) fn new(kind: ProblemKind, message: impl Into<String>, pos: Option<Pos>) -> Self {
        RawError {
            kind,
            path: None,
            message: message.into(),
            detail: Detail::None,
            pos,
            hint: None,
            prefer_pos: false,
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn at_path(mut self, path: Option<String>) -> Self {
        self.path = path.filter(|p| !p.is_empty());
        self
    }
}

/// A serde message (from serde_json, toml, or a `Deserialize` impl) classified.
pub(crate) fn from_message(msg: &str, path: Option<String>, pos: Option<Pos>) -> RawError {
    if let Some((field, expected)) = parse_unknown(msg, "unknown field `") {
        return unknown_field(field, expected, path, pos);
    }
    if let Some((variant, expected)) = parse_unknown(msg, "unknown variant `") {
        return unknown_variant(variant, expected, path, pos);
    }
    let kind = if msg.contains("recursion limit") || msg.contains("cannot recurse") {
        ProblemKind::TooLarge
    } else if msg.contains("invalid value")
        || msg.contains("out of range")
        || msg.contains("not finite")
        || msg.contains("`NaN`")
        || msg.contains("inf`")
    {
        ProblemKind::BadValue
    } else {
        ProblemKind::Syntax
    };
    // `duplicate field `id``: the path is the map; name the key.
    let path = match (path, msg.strip_prefix("duplicate field `")) {
        (p, Some(rest)) => match (p, rest.split_once('`')) {
            (Some(p), Some((key, _))) if !p.is_empty() => Some(format!("{p}.{key}")),
            (_, Some((key, _))) => Some(key.to_owned()),
            (p, None) => p,
        },
        (p, None) => p,
    };
    let mut e = RawError::new(kind, humanize(msg), pos).at_path(path);
    if kind == ProblemKind::TooLarge {
        e = e.with_hint(LIMITS_HINT);
    }
    e.prefer_pos = msg.starts_with("duplicate");
    e
}

/// The hint for errors over a limit.
pub(crate) const LIMITS_HINT: &str = "the limits are set with `rightdesk::load::Limits`; nesting this deep is almost always a mistake";

pub(crate) fn unknown_field(
    field: String,
    expected: Vec<String>,
    path: Option<String>,
    pos: Option<Pos>,
) -> RawError {
    RawError {
        kind: ProblemKind::UnknownField,
        path: path.filter(|p| !p.is_empty()),
        message: format!("unknown field `{field}`"),
        detail: Detail::UnknownField { field, expected },
        pos,
        hint: None,
        prefer_pos: false,
    }
}

pub(crate) fn unknown_variant(
    variant: String,
    expected: Vec<String>,
    path: Option<String>,
    pos: Option<Pos>,
) -> RawError {
    RawError {
        kind: ProblemKind::BadValue,
        path: path.filter(|p| !p.is_empty()),
        message: format!("unknown value `{variant}`"),
        detail: Detail::UnknownVariant { variant, expected },
        pos,
        hint: None,
        prefer_pos: false,
    }
}

/// `unknown field `x`, expected one of `a`, `b`` -> (`x`, [`a`, `b`]). Also accepts the
/// forms without backticks around the expected names, `expected `a` or `b``, and
/// `there are no fields`.
fn parse_unknown(msg: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix(prefix)?;
    let end = rest.find('`')?;
    let name = rest.get(..end)?.to_owned();
    let after = rest.get(end + 1..)?;
    let expected = match after.strip_prefix(", expected ") {
        Some(list) => list
            .strip_prefix("one of ")
            .unwrap_or(list)
            .split(", ")
            .flat_map(|s| s.split(" or "))
            .map(|s| s.trim().trim_matches('`').to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        None => Vec::new(),
    };
    Some((name, expected))
}

/// The hint for an unknown key or value: the likely intended one, or the list of choices.
pub(crate) fn did_you_mean(got: &str, expected: &[String], what: &str) -> String {
    if expected.is_empty() {
        return format!("no {what} is allowed here; remove it");
    }
    match crate::model::closest_id(expected.iter().map(String::as_str), got) {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            let list: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
            format!("expected one of {}", list.join(", "))
        }
    }
}

/// Rust type names in serde messages, in words.
const NUMBER_TYPES: [(&str, &str); 12] = [
    ("u8", "a whole number from 0 to 255"),
    ("u16", "a whole number from 0 to 65535"),
    ("u32", "a whole number from 0 to 4294967295"),
    ("u64", "a whole number from 0 to 18446744073709551615"),
    ("usize", "a whole number from 0 to 18446744073709551615"),
    ("i8", "a whole number from -128 to 127"),
    ("i16", "a whole number from -32768 to 32767"),
    ("i32", "a whole number from -2147483648 to 2147483647"),
    (
        "i64",
        "a whole number from -9223372036854775808 to 9223372036854775807",
    ),
    (
        "isize",
        "a whole number from -9223372036854775808 to 9223372036854775807",
    ),
    ("f32", "a number"),
    ("f64", "a number"),
];

/// A Rust number type in words (`u32` -> `a whole number from 0 to 4294967295`).
pub(crate) fn number_words(ty: &str) -> Option<&'static str> {
    NUMBER_TYPES.iter().find(|(t, _)| *t == ty).map(|(_, w)| *w)
}

/// Replace Rust type names at the end of a serde message with words.
pub(crate) fn humanize(msg: &str) -> String {
    for (ty, words) in NUMBER_TYPES {
        if let Some(head) = msg.strip_suffix(ty) {
            if head.ends_with("expected ") {
                return format!("{head}{words}");
            }
        }
    }
    for (rust, words) in [
        ("expected struct ", "expected a map"),
        ("expected enum ", "expected a value"),
        ("expected tuple struct ", "expected a list"),
    ] {
        if let Some(i) = msg.find(rust) {
            return format!("{}{words}", msg.get(..i).unwrap_or(""));
        }
    }
    msg.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_forms() {
        let e = from_message(
            "unknown field `capabilites`, expected one of `id`, `capabilities`",
            Some("desks[0].capabilites".into()),
            None,
        );
        assert_eq!(e.kind, ProblemKind::UnknownField);
        assert_eq!(
            e.detail,
            Detail::UnknownField {
                field: "capabilites".into(),
                expected: vec!["id".into(), "capabilities".into()]
            }
        );
        assert_eq!(
            parse_unknown("unknown field `x`, expected `a` or `b`", "unknown field `"),
            Some(("x".into(), vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            parse_unknown("unknown field `x`, expected one of a, b", "unknown field `"),
            Some(("x".into(), vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            parse_unknown("unknown field `x`, there are no fields", "unknown field `"),
            Some(("x".into(), vec![]))
        );
    }

    #[test]
    fn hints() {
        let exp = vec!["id".to_owned(), "capabilities".to_owned()];
        assert_eq!(
            did_you_mean("capabilites", &exp, "field"),
            "did you mean `capabilities`?"
        );
        assert_eq!(
            did_you_mean("zzzzzz", &exp, "field"),
            "expected one of `id`, `capabilities`"
        );
    }

    #[test]
    fn humanized() {
        assert_eq!(
            humanize("invalid value: integer `-1`, expected u32"),
            "invalid value: integer `-1`, expected a whole number from 0 to 4294967295"
        );
        assert_eq!(
            humanize("invalid type: string \"a\", expected struct DeskSpec"),
            "invalid type: string \"a\", expected a map"
        );
        assert_eq!(humanize("foo"), "foo");
    }
}
