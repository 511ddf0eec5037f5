//! The three formats: deserialize with the document path of the first shape error, and turn
//! each parser's errors into [`RawError`]s.

use std::fmt::Write as _;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Limits;
use super::locate::{self, Pos};
use super::messages::{self, Detail, LIMITS_HINT, RawError};
use super::text::LineIndex;
use crate::problem::{Location, ProblemKind};

/// Most syntax errors reported from one TOML file (its parser recovers and goes on).
const MAX_SYNTAX_ERRORS: usize = 100;

/// A serde_path_to_error path in our notation: `desks[1].hours`.
fn path_string(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut s = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                let _ = write!(s, "[{index}]");
            }
            Segment::Map { key } => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(key);
            }
            _ => {}
        }
    }
    s
}

fn too_deep(max: usize, pos: Option<Pos>) -> RawError {
    RawError::new(
        ProblemKind::TooLarge,
        format!("nested deeper than {max} levels"),
        pos,
    )
    .with_hint(LIMITS_HINT)
}

// ---------------------------------------------------------------------------------------
// YAML

fn yaml_options(limits: &Limits) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits.depth();
    budget.flow_nesting_limit = limits.depth();
    budget.max_nodes = limits.max_nodes;
    budget.max_events = limits.max_nodes.saturating_mul(2).saturating_add(64);
    budget.max_aliases = limits.max_alias_expansion;
    budget.max_anchors = limits.max_nodes;
    budget.max_recorded_anchor_events = limits.max_nodes;
    budget.max_recorded_anchor_bytes = limits.max_bytes;
    budget.max_total_scalar_bytes = limits.max_bytes;
    budget.max_reader_input_bytes = Some(limits.max_bytes);
    // Many desks sharing one `&hours` anchor is legitimate; alias expansion is bounded below.
    budget.enforce_alias_anchor_ratio = false;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = limits.max_alias_expansion;
    options.with_snippet = false;
    options.emit_comments = false;
    // YAML 1.2 core schema: `no` and `on` are text (a language code is not a boolean).
    options.strict_booleans = true;
    options
}

pub(crate) fn yaml<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T, Vec<RawError>> {
    // Fast path: a good file pays no path tracking. A bad one is read again, with it.
    if let Ok(value) =
        serde_saphyr::with_deserializer_from_str_with_options(text, yaml_options(limits), |de| {
            T::deserialize(de)
        })
    {
        return Ok(value);
    }
    let mut path: Option<String> = None;
    let result =
        serde_saphyr::with_deserializer_from_str_with_options(text, yaml_options(limits), |de| {
            serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
                path = Some(path_string(e.path()));
                e.into_inner()
            })
        });
    result.map_err(|e| vec![yaml_error(&e, path, limits)])
}

fn yaml_error(e: &serde_saphyr::Error, path: Option<String>, limits: &Limits) -> RawError {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let pos = e.location().filter(|l| l.line() > 0).map(|l| {
        Pos::At(Location {
            line: usize::try_from(l.line()).unwrap_or(usize::MAX),
            column: usize::try_from(l.column()).unwrap_or(usize::MAX).max(1),
        })
    });
    let mut inner = e;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = inner {
        inner = error;
    }
    let formatted = || {
        use serde_saphyr::MessageFormatter as _;
        serde_saphyr::DefaultMessageFormatter
            .format_message(inner)
            .into_owned()
    };
    let too_large =
        |msg: String| RawError::new(ProblemKind::TooLarge, msg, pos).with_hint(LIMITS_HINT);
    match inner {
        E::SerdeUnknownField {
            field, expected, ..
        } => messages::unknown_field(
            field.clone(),
            expected.iter().map(|s| (*s).to_owned()).collect(),
            path,
            pos,
        ),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => messages::unknown_variant(
            variant.clone(),
            expected.iter().map(|s| (*s).to_owned()).collect(),
            path,
            pos,
        ),
        E::InvalidScalar { ty, .. } => RawError {
            kind: ProblemKind::BadValue,
            path: None,
            message: match messages::number_words(ty) {
                Some(w) => format!("expected {w}"),
                None => format!("invalid {ty}"),
            },
            detail: Detail::BadNumber {
                ty: (*ty).to_owned(),
            },
            pos,
            hint: None,
            prefer_pos: false,
        }
        .at_path(path),
        E::NonFiniteFloat { value, .. } => RawError::new(
            ProblemKind::BadValue,
            format!("`{value}` is not a finite number"),
            pos,
        )
        .at_path(path),
        E::Unexpected { expected, .. } => {
            let words = match *expected {
                "mapping start" => "a map",
                "sequence start" => "a list",
                other => other,
            };
            RawError::new(ProblemKind::Syntax, format!("expected {words}"), pos).at_path(path)
        }
        E::Budget { breach, .. } => too_large(match breach {
            B::Depth { .. } => format!("nested deeper than {} levels", limits.depth()),
            B::Nodes { .. } | B::Events { .. } => format!(
                "more than {} YAML nodes (counting what aliases expand to)",
                limits.max_nodes
            ),
            B::Aliases { .. } => format!("more than {} aliases", limits.max_alias_expansion),
            B::Anchors { .. } | B::RecordedAnchorEvents { .. } => format!(
                "aliases and anchors expand to more than {} nodes",
                limits.max_nodes
            ),
            B::ScalarBytes { .. } | B::RecordedAnchorBytes { .. } | B::InputBytes { .. } => {
                format!("more than {} bytes of text", limits.max_bytes)
            }
            _ => formatted(),
        }),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => too_large(format!(
            "aliases expand to more than {} nodes",
            limits.max_alias_expansion
        )),
        E::Message { msg, .. } => messages::from_message(msg, path, pos),
        E::SerdeInvalidType { .. }
        | E::SerdeInvalidValue { .. }
        | E::SerdeInvalidLength { .. }
        | E::SerdeMissingField { .. }
        | E::NullIntoString { .. } => messages::from_message(&formatted(), path, pos),
        E::DuplicateMappingKey { key, .. } => {
            let path = match (path, key) {
                (Some(p), Some(k)) if !p.is_empty() => Some(format!("{p}.{k}")),
                (_, Some(k)) => Some(k.clone()),
                (p, None) => p,
            };
            let mut e = RawError::new(
                ProblemKind::Syntax,
                match key {
                    Some(k) => format!("duplicate key `{k}`"),
                    None => "duplicate key".to_owned(),
                },
                pos,
            )
            .at_path(path)
            .with_hint("each key may appear once in a map");
            e.prefer_pos = true;
            e
        }
        _ => {
            let msg = formatted();
            if msg.contains("recursion limit") || msg.contains("nesting limit") {
                too_deep(limits.depth(), pos)
            } else {
                RawError::new(ProblemKind::Syntax, msg, pos)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// JSON

/// The JSON text read as `T` (which may borrow from it) when it is within the nesting
/// limit and reads without error; `None` otherwise, with no error built: [`json`] reads
/// a failing text again to locate its error.
///
/// `type_depth`: as for [`json`].
pub(crate) fn json_fast<'de, T: Deserialize<'de>>(
    text: &'de str,
    limits: &Limits,
    type_depth: Option<usize>,
) -> Option<T> {
    let bounded = type_depth.is_some_and(|d| d <= limits.depth());
    if !bounded && locate::json_too_deep(text, limits.depth()).is_some() {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    T::deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .ok()
}

///
/// `type_depth`: the deepest nesting a value of `T` can have, when it is bounded (e.g. an
/// organization file). When it is within the limit, a file that parses is known to be
/// within it too, and the nesting pre-scan is only run for a file that fails.
pub(crate) fn json<T: DeserializeOwned>(
    text: &str,
    limits: &Limits,
    type_depth: Option<usize>,
) -> Result<T, Vec<RawError>> {
    // Fast path: a good file pays no path tracking. A bad one is read again, with it.
    if let Some(value) = json_fast(text, limits, type_depth) {
        return Ok(value);
    }
    if let Some(offset) = locate::json_too_deep(text, limits.depth()) {
        return Err(vec![too_deep(limits.depth(), Some(Pos::Byte(offset)))]);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let path = path_string(e.path());
            let inner = e.into_inner();
            let data = inner.classify() == serde_json::error::Category::Data
                || inner.to_string().starts_with("number out of range");
            return Err(vec![json_error(text, &inner, data.then_some(path))]);
        }
    };
    de.end().map_err(|e| vec![json_error(text, &e, None)])?;
    Ok(value)
}

fn json_error(text: &str, e: &serde_json::Error, path: Option<String>) -> RawError {
    let pos = (e.line() > 0)
        .then(|| Pos::Byte(LineIndex::new(text).offset_of_byte_column(e.line(), e.column())));
    let full = e.to_string();
    let msg = match full.rfind(" at line ") {
        Some(i) if e.line() > 0 => full.get(..i).unwrap_or(&full),
        _ => &full,
    };
    let msg = match msg {
        "EOF while parsing a value" => "the file ends where a value was expected".to_owned(),
        "EOF while parsing an object" => "the file ends inside a map (`{` not closed)".to_owned(),
        "EOF while parsing a list" => "the file ends inside a list (`[` not closed)".to_owned(),
        "EOF while parsing a string" => {
            "the file ends inside a string (`\"` not closed)".to_owned()
        }
        m => m.to_owned(),
    };
    messages::from_message(&msg, path, pos)
}

// ---------------------------------------------------------------------------------------
// TOML

pub(crate) fn toml<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T, Vec<RawError>> {
    let (root, errors) = toml::de::DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let n = errors.len();
        let mut out: Vec<RawError> = errors
            .iter()
            .take(MAX_SYNTAX_ERRORS)
            .map(|e| toml_error(e, None))
            .collect();
        if n > MAX_SYNTAX_ERRORS {
            out.push(RawError::new(
                ProblemKind::Syntax,
                format!("{} more syntax errors not shown", n - MAX_SYNTAX_ERRORS),
                None,
            ));
        }
        return Err(out);
    }
    if let Some(offset) = locate::toml_too_deep(&root, limits.depth()) {
        return Err(vec![too_deep(limits.depth(), Some(Pos::Byte(offset)))]);
    }
    // Fast path: a good file pays no path tracking. A bad one is read again, with it.
    let de = toml::de::Deserializer::from(root);
    if let Ok(value) = T::deserialize(de) {
        return Ok(value);
    }
    let (root, _) = toml::de::DeTable::parse_recoverable(text);
    let de = toml::de::Deserializer::from(root);
    serde_path_to_error::deserialize::<_, T>(de)
        .map_err(|e| vec![toml_error(e.inner(), Some(path_string(e.path())))])
}

fn toml_error(e: &toml::de::Error, path: Option<String>) -> RawError {
    let pos = e.span().map(|s| Pos::Byte(s.start));
    let msg = e.message().trim_end();
    if path.is_none() && (msg.contains("recursion") || msg.contains("recurse")) {
        return RawError::new(ProblemKind::TooLarge, "nested too deeply", pos)
            .with_hint(LIMITS_HINT);
    }
    messages::from_message(msg, path, pos)
}
