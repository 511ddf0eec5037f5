//! Loading organization and rules files (YAML, JSON, TOML), reporting every error with
//! its file, line and column.
//!
//! # What a loader guarantees
//! - **All or nothing.** A file either loads whole or is rejected; nothing is half-loaded.
//! - **Every error.** Validation reports every problem it finds (unknown references,
//!   duplicate ids, cycles, malformed hours, bad conditions, …), each with the file, the
//!   line and column of the offending value, its document path (`desks[3].unit`), the id
//!   and a hint. Syntax and shape errors report the first one (TOML: every syntax error its
//!   parser recovers from), with the field path and a did-you-mean hint for misspelt keys.
//! - **Positions** are 1-based; columns count characters, not bytes. A leading byte-order
//!   mark is ignored.
//! - **Untrusted input.** No input panics a loader. Size, nesting depth and YAML node and
//!   alias budgets are enforced ([`Limits`]); deserialization runs on a helper thread with a
//!   stack sized for the nesting limit, so deep files cannot overflow the caller's stack.
//!
//! [`router_from_paths`] and [`router_from_str`] load an organization and its rules and
//! compile the [`Router`] in one call, reading the rules' text while the organization is
//! built; they report exactly what the three steps report one after the other.
//!
//! ```
//! use rightdesk::load::{self, Format};
//! let err = load::org_from_str(
//!     "sites: [{id: hq}]\nunits: [{id: records}]\ndesks:\n  - {id: counter, unit: recrds, site: hq}\n",
//!     Format::Yaml,
//!     Some("org.yaml".as_ref()),
//! )
//! .unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "org.yaml:4:25: error[unknown-reference]: unknown unit `recrds` (at desks[0].unit, id `recrds`)\n  \
//!      hint: did you mean `records`?\n1 error"
//! );
//! ```

mod formats;
mod limits;
mod locate;
mod messages;
mod schema;
mod text;

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

pub use limits::Limits;

use crate::model::source::OrgText;
use crate::model::{Org, OrgSpec};
use crate::problem::{Problem, ProblemKind, Problems};
use crate::resolve::Router;
use crate::rules::{RuleSet, RuleSetSpec};
use messages::{Detail, RawError};

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// YAML 1.2 (core schema: `yes`, `no`, `on`, `off` are text, not booleans).
    Yaml,
    /// JSON.
    Json,
    /// TOML 1.0.
    Toml,
}

impl Format {
    /// The format for a file name's extension (`.yaml`/`.yml`, `.json`, `.toml`, any case).
    ///
    /// ```
    /// use rightdesk::Format;
    /// assert_eq!(Format::from_path("a/org.YML".as_ref()), Some(Format::Yaml));
    /// assert_eq!(Format::from_path("org.txt".as_ref()), None);
    /// ```
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }

    /// The format's name: `YAML`, `JSON` or `TOML`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "YAML",
            Format::Json => "JSON",
            Format::Toml => "TOML",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A file that could not be loaded.
///
/// `Display` prints it like a compiler: one `file:line:column: error[kind]: message` line
/// per problem, each followed by its hint.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("{}: error[io]: cannot read the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file's name does not tell its format.
    #[error(
        "{}: error[unknown-format]: cannot tell the format from the file name\n  hint: name it *.yaml, *.yml, *.json or *.toml",
        path.display()
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The file was read but is not valid: every problem found.
    #[error("{0}")]
    Invalid(Problems),
}

impl LoadError {
    /// The problems, when the file was read but is not valid.
    pub fn problems(&self) -> Option<&Problems> {
        match self {
            LoadError::Invalid(p) => Some(p),
            _ => None,
        }
    }
}

/// What is being loaded, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Org,
    Rules,
    Other,
}

/// A text ready to parse: within limits, BOM removed, not blank.
struct Src<'a> {
    text: &'a str,
    format: Format,
    file: Option<&'a Path>,
    limits: &'a Limits,
    what: What,
}

impl<'a> Src<'a> {
    fn new(
        text: &'a str,
        format: Format,
        file: Option<&'a Path>,
        limits: &'a Limits,
        what: What,
    ) -> Result<Self, LoadError> {
        let one = |p: Problem| {
            let mut p = p;
            p.file = file.map(Path::to_path_buf);
            LoadError::Invalid(Problems(vec![p]))
        };
        if text.len() > limits.max_bytes {
            return Err(one(too_big(text.len() as u64, limits)));
        }
        let text = text::strip_bom(text);
        if text::is_blank(text, format != Format::Json) {
            let mut p = Problem::error(ProblemKind::Empty, "", "the file is empty");
            p.hint = match what {
                What::Org => {
                    Some("an organization file lists `sites`, `units` and `desks`".to_owned())
                }
                What::Rules => Some("a rules file lists `facts` and `rules`".to_owned()),
                What::Other => None,
            };
            return Err(one(p));
        }
        Ok(Src {
            text,
            format,
            file,
            limits,
            what,
        })
    }

    /// The schema of the file, for reporting every unknown key.
    fn shape(&self) -> schema::Shape {
        match self.what {
            What::Org => schema::Shape::OrgRoot,
            What::Rules => schema::Shape::RulesRoot,
            What::Other => schema::Shape::Any,
        }
    }

    /// The text read as `T` borrowing from it, when it is JSON that reads without error;
    /// `None` otherwise (then read it with [`Src::deserialize`], which locates the errors).
    fn borrowed<T: serde::Deserialize<'a>>(&self) -> Option<T> {
        if self.format != Format::Json || !self.text.trim_start().starts_with('{') {
            return None;
        }
        formats::json_fast(self.text, self.limits, self.type_depth())
    }

    /// The deepest nesting the loaded type can have, when it is bounded.
    fn type_depth(&self) -> Option<usize> {
        (self.what == What::Org).then_some(crate::model::spec::ORG_SPEC_DEPTH)
    }

    /// Deserialize, with every error located.
    fn deserialize<T: DeserializeOwned>(&self) -> Result<T, LoadError> {
        if self.format == Format::Json && self.what != What::Other {
            // serde would accept a JSON array as a struct, field by field.
            let start = self.text.len() - self.text.trim_start().len();
            if !self.text.trim_start().starts_with('{') {
                let e = RawError::new(
                    ProblemKind::Syntax,
                    "expected a map (a JSON object `{ ... }`)",
                    Some(locate::Pos::Byte(start)),
                );
                return Err(LoadError::Invalid(self.raw_problems(vec![e])));
            }
        }
        let result = match self.format {
            Format::Yaml => formats::yaml(self.text, self.limits),
            Format::Json => formats::json(self.text, self.limits, self.type_depth()),
            Format::Toml => formats::toml(self.text, self.limits),
        };
        result.map_err(|mut raw| {
            let shape_error = raw.iter().any(|r| r.path.is_some());
            if shape_error && self.shape() != schema::Shape::Any {
                // Serde stopped at the first error; report every unknown key too.
                let keys =
                    locate::unknown_keys(self.text, self.format, self.shape(), self.limits.depth());
                for k in keys {
                    if !raw
                        .iter()
                        .any(|r| r.path.as_deref() == Some(k.path.as_str()))
                    {
                        raw.push(messages::unknown_field(
                            k.key,
                            k.expected.iter().map(|s| (*s).to_owned()).collect(),
                            Some(k.path),
                            Some(k.pos),
                        ));
                    }
                }
            }
            LoadError::Invalid(self.raw_problems(raw))
        })
    }

    /// Problems from parser errors: located, with hints.
    fn raw_problems(&self, raw: Vec<RawError>) -> Problems {
        let index = locate::index(
            self.text,
            self.format,
            raw.iter().filter_map(|r| r.path.as_deref()),
            self.limits.depth(),
        );
        let lines = text::LineIndex::new(self.text);
        let mut problems: Vec<Problem> = raw
            .into_iter()
            .map(|r| self.raw_problem(r, &index, &lines))
            .collect();
        sort(&mut problems);
        Problems(problems)
    }

    fn raw_problem(
        &self,
        r: RawError,
        index: &locate::Index,
        lines: &text::LineIndex<'_>,
    ) -> Problem {
        let spot = r.path.as_deref().and_then(|p| index.get(p));
        let at = |pos: locate::Pos| match pos {
            locate::Pos::Byte(b) => lines.location(b),
            locate::Pos::At(l) => l,
        };
        // Where: the parser's position when it knows better (e.g. the second of two equal
        // keys), else the key or value at the error's path, else the parser's position,
        // else the nearest enclosing node.
        let location = match (spot, &r.detail) {
            _ if r.prefer_pos && r.pos.is_some() => r.pos.map(at),
            (Some(s), Detail::UnknownField { .. }) => Some(s.key.unwrap_or(s.value)),
            (Some(s), _) => Some(s.value),
            (None, _) => r.pos.map(at).or_else(|| {
                r.path
                    .as_deref()
                    .and_then(|p| index.nearest(p))
                    .map(|s| s.value)
            }),
        };
        let found = spot.and_then(|s| s.scalar.as_deref());
        let (message, hint) = match &r.detail {
            Detail::UnknownField { field, expected } => (
                r.message,
                Some(messages::did_you_mean(field, expected, "field")),
            ),
            Detail::UnknownVariant { variant, expected } => (
                r.message,
                Some(messages::did_you_mean(variant, expected, "value")),
            ),
            Detail::BadNumber { ty } => match (found, messages::number_words(ty)) {
                (Some(found), Some(words)) => (format!("`{found}` is not {words}"), r.hint),
                _ => (r.message, r.hint),
            },
            // toml hands a date-time to serde as a map.
            Detail::None if self.format == Format::Toml => {
                match (r.message.strip_prefix("invalid type: map"), found) {
                    (Some(rest), Some(v)) => (
                        format!("invalid type: date-time `{v}`{rest}"),
                        Some("quote it to make it text".to_owned()),
                    ),
                    _ => (r.message, r.hint),
                }
            }
            Detail::None => (r.message, r.hint),
        };
        Problem {
            severity: crate::problem::Severity::Error,
            kind: r.kind,
            file: self.file.map(Path::to_path_buf),
            location,
            path: r.path.unwrap_or_default(),
            id: None,
            message,
            hint,
        }
    }

    /// Give validation problems their file and location.
    fn locate(&self, problems: &mut [Problem]) {
        let index = locate::index(
            self.text,
            self.format,
            problems.iter().map(|p| p.path.as_str()),
            self.limits.depth(),
        );
        for p in problems.iter_mut() {
            p.file = self.file.map(Path::to_path_buf);
            if p.location.is_none() {
                p.location = index.nearest(&p.path).map(|s| s.value);
            }
        }
        sort(problems);
    }

    /// The result of validating what this text held: its warnings (kept in `warnings`) or
    /// its errors, located.
    fn validated<T>(
        &self,
        built: Result<T, Problems>,
        warnings: impl FnOnce(&mut T) -> &mut Vec<Problem>,
    ) -> Result<T, LoadError> {
        match built {
            Ok(mut value) => {
                let w = warnings(&mut value);
                if !w.is_empty() {
                    self.locate(w);
                }
                Ok(value)
            }
            Err(mut p) => {
                self.locate(&mut p.0);
                Err(LoadError::Invalid(p))
            }
        }
    }
}

/// Give problems found in `text` after it parsed (e.g. by checks of policy test cases
/// against an organization) the line and column of their document path, or of its nearest
/// ancestor. Problems that already have a location keep it.
pub(crate) fn locate_problems(text: &str, format: Format, problems: &mut [Problem]) {
    let text = text::strip_bom(text);
    let index = locate::index(
        text,
        format,
        problems
            .iter()
            .filter(|p| p.location.is_none())
            .map(|p| p.path.as_str()),
        Limits::default().max_depth,
    );
    for p in problems.iter_mut() {
        if p.location.is_none() {
            p.location = index.nearest(&p.path).map(|s| s.value);
        }
    }
}

/// Errors first, then in file order (problems without a place last, in their found order).
fn sort(problems: &mut [Problem]) {
    problems.sort_by_key(|p| {
        (
            std::cmp::Reverse(p.severity),
            p.location.is_none(),
            p.location.map(|l| (l.line, l.column)),
        )
    });
}

fn too_big(len: u64, limits: &Limits) -> Problem {
    Problem::error(
        ProblemKind::TooLarge,
        "",
        format!(
            "the file is {len} bytes, over the limit of {} bytes",
            limits.max_bytes
        ),
    )
    .with_hint("raise `rightdesk::load::Limits::max_bytes` if the file is legitimate")
}

/// Run a load on a helper thread whose stack fits the nesting limit (unoptimized serde code
/// takes tens of KiB of stack per nesting level). Runs inline if no thread can be started.
fn run_deep<R, F>(limits: &Limits, f: F) -> Result<R, LoadError>
where
    R: Send,
    F: FnOnce() -> Result<R, LoadError> + Send,
{
    let mut job = Some(f);
    let out = std::thread::scope(|s| {
        let slot = &mut job;
        let spawned = std::thread::Builder::new()
            .name("rightdesk-load".to_owned())
            .stack_size(limits.stack_bytes())
            .spawn_scoped(s, move || slot.take().map(|f| f()));
        match spawned {
            Ok(handle) => match handle.join() {
                Ok(out) => out,
                Err(payload) => std::panic::resume_unwind(payload),
            },
            Err(_) => None,
        }
    });
    match (out, job) {
        (Some(out), _) => out,
        (None, Some(f)) => f(),
        (None, None) => Err(LoadError::Invalid(Problems(vec![Problem::error(
            ProblemKind::Io,
            "",
            "the loader thread did not run",
        )]))),
    }
}

/// Check that bytes are UTF-8 text, as every format requires.
///
/// # Errors
/// [`LoadError::Invalid`] with a [`ProblemKind::Encoding`] problem saying at which byte
/// (and line and column) the text stops being UTF-8.
///
/// ```
/// use rightdesk::load::decode;
/// let err = decode(b"sites:\n  - id: caf\xe9\n", None).unwrap_err();
/// assert!(err.to_string().contains("line 2 column 12: error[encoding]: not UTF-8 at byte 18"));
/// ```
pub fn decode<'a>(bytes: &'a [u8], file: Option<&Path>) -> Result<&'a str, LoadError> {
    text::utf8(bytes).map_err(|e| {
        let mut p = Problem::error(
            ProblemKind::Encoding,
            "",
            format!("not UTF-8 at byte {}", e.byte),
        )
        .with_hint(if e.utf16 {
            "the file looks like UTF-16; save it as UTF-8"
        } else {
            "save the file as UTF-8"
        });
        p.file = file.map(Path::to_path_buf);
        p.location = Some(e.location);
        LoadError::Invalid(Problems(vec![p]))
    })
}

/// Read a file (at most `limits.max_bytes`), check it is UTF-8, and tell its format.
fn read(path: &Path, limits: &Limits) -> Result<(String, Format), LoadError> {
    let format = Format::from_path(path).ok_or_else(|| LoadError::UnknownFormat {
        path: path.to_path_buf(),
    })?;
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let too_large = |len: u64| {
        let mut p = too_big(len, limits);
        p.file = Some(path.to_path_buf());
        LoadError::Invalid(Problems(vec![p]))
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let max = limits.max_bytes as u64;
    if let Ok(meta) = file.metadata() {
        if meta.len() > max {
            return Err(too_large(meta.len()));
        }
    }
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    decode(&bytes, Some(path))?;
    let text = String::from_utf8(bytes).map_err(|e| io(std::io::Error::other(e)))?;
    Ok((text, format))
}

/// Parse text in a format into any serde type, with the same positions, hints and limits
/// as the organization and rules loaders (but no validation beyond the type's own).
///
/// # Errors
/// [`LoadError::Invalid`] with the syntax or shape error, located.
///
/// ```
/// use rightdesk::load::{parse, Format};
/// #[derive(Debug, serde::Deserialize)]
/// #[serde(deny_unknown_fields)]
/// struct Case { need: String }
/// let case: Case = parse("need: report.copy\n", Format::Yaml, None)?;
/// assert_eq!(case.need, "report.copy");
/// let err = parse::<Case>("{\"ned\": 1}", Format::Json, None).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "line 1 column 2: error[unknown-field]: unknown field `ned` (at ned)\n  hint: did you mean `need`?\n1 error"
/// );
/// # Ok::<(), rightdesk::LoadError>(())
/// ```
pub fn parse<T: DeserializeOwned + Send>(
    text: &str,
    format: Format,
    file: Option<&Path>,
) -> Result<T, LoadError> {
    parse_with_limits(text, format, file, &Limits::default())
}

/// [`parse`] with explicit [`Limits`].
///
/// # Errors
/// [`LoadError::Invalid`] with the syntax or shape error, located.
pub fn parse_with_limits<T: DeserializeOwned + Send>(
    text: &str,
    format: Format,
    file: Option<&Path>,
    limits: &Limits,
) -> Result<T, LoadError> {
    run_deep(limits, || {
        Src::new(text, format, file, limits, What::Other)?.deserialize()
    })
}

/// Read and [`parse`] a file; the format is chosen by extension.
///
/// # Errors
/// [`LoadError`]: unreadable, unknown extension, not UTF-8, too large, or invalid.
pub fn parse_path<T: DeserializeOwned + Send>(path: impl AsRef<Path>) -> Result<T, LoadError> {
    parse_path_with_limits(path, &Limits::default())
}

/// [`parse_path`] with explicit [`Limits`].
///
/// # Errors
/// [`LoadError`]: unreadable, unknown extension, not UTF-8, too large, or invalid.
pub fn parse_path_with_limits<T: DeserializeOwned + Send>(
    path: impl AsRef<Path>,
    limits: &Limits,
) -> Result<T, LoadError> {
    let path = path.as_ref();
    let (text, format) = read(path, limits)?;
    parse_with_limits(&text, format, Some(path), limits)
}

/// Load and validate an organization from text. `file` names it in errors.
///
/// # Errors
/// [`LoadError::Invalid`] with every problem found, each with its line and column.
///
/// # Complexity
/// Linear in the text (plus validation); a failing load reads the text once more to
/// locate its problems.
///
/// ```
/// use rightdesk::load::{org_from_str, Format};
/// let org = org_from_str(
///     r#"{"sites": [{"id": "hq"}], "units": [{"id": "records"}],
///         "desks": [{"id": "counter", "unit": "records", "site": "hq"}]}"#,
///     Format::Json,
///     None,
/// )?;
/// assert_eq!(org.desks().len(), 1);
/// # Ok::<(), rightdesk::LoadError>(())
/// ```
pub fn org_from_str(text: &str, format: Format, file: Option<&Path>) -> Result<Org, LoadError> {
    org_from_str_with_limits(text, format, file, &Limits::default())
}

/// [`org_from_str`] with explicit [`Limits`].
///
/// # Errors
/// [`LoadError::Invalid`] with every problem found, each with its line and column.
pub fn org_from_str_with_limits(
    text: &str,
    format: Format,
    file: Option<&Path>,
    limits: &Limits,
) -> Result<Org, LoadError> {
    run_deep(limits, || {
        let src = Src::new(text, format, file, limits, What::Org)?;
        // JSON that reads is built from the text's own strings; anything else (or JSON
        // that does not read, for its located error) through the owned spec.
        let built = match src.borrowed::<OrgText<'_>>() {
            Some(view) => Org::build(&view),
            None => Org::from_spec(src.deserialize::<OrgSpec>()?),
        };
        src.validated(built, |org| &mut org.warnings)
    })
}

/// Load and validate an organization file; the format is chosen by extension.
///
/// # Errors
/// [`LoadError`]: unreadable, unknown extension, not UTF-8, too large, or invalid (with
/// every problem found).
///
/// ```no_run
/// let org = rightdesk::load::org_from_path("examples/police_station/org.yaml")?;
/// # Ok::<(), rightdesk::LoadError>(())
/// ```
pub fn org_from_path(path: impl AsRef<Path>) -> Result<Org, LoadError> {
    org_from_path_with_limits(path, &Limits::default())
}

/// [`org_from_path`] with explicit [`Limits`].
///
/// # Errors
/// [`LoadError`]: unreadable, unknown extension, not UTF-8, too large, or invalid.
pub fn org_from_path_with_limits(
    path: impl AsRef<Path>,
    limits: &Limits,
) -> Result<Org, LoadError> {
    let path = path.as_ref();
    let (text, format) = read(path, limits)?;
    org_from_str_with_limits(&text, format, Some(path), limits)
}

/// Load and validate rules from text against an organization. Warnings (e.g. a
/// capability no desk offers) are kept in [`RuleSet::warnings`], located too.
///
/// # Errors
/// [`LoadError::Invalid`] with every problem found, each with its line and column.
///
/// ```
/// use rightdesk::load::{org_from_str, rules_from_str, Format};
/// let org = org_from_str(
///     "sites: [{id: hq}]\nunits: [{id: records}]\ndesks: [{id: c, unit: records, site: hq, capabilities: [copy]}]",
///     Format::Yaml,
///     None,
/// )?;
/// let rules = rules_from_str(
///     "[[rules]]\nid = \"copy\"\nthen = { capability = \"copy\" }\n",
///     Format::Toml,
///     None,
///     &org,
/// )?;
/// assert_eq!(rules.rules().len(), 1);
/// # Ok::<(), rightdesk::LoadError>(())
/// ```
pub fn rules_from_str(
    text: &str,
    format: Format,
    file: Option<&Path>,
    org: &Org,
) -> Result<RuleSet, LoadError> {
    rules_from_str_with_limits(text, format, file, org, &Limits::default())
}

/// [`rules_from_str`] with explicit [`Limits`].
///
/// # Errors
/// [`LoadError::Invalid`] with every problem found, each with its line and column.
pub fn rules_from_str_with_limits(
    text: &str,
    format: Format,
    file: Option<&Path>,
    org: &Org,
    limits: &Limits,
) -> Result<RuleSet, LoadError> {
    let source = Source { text, format, file };
    rules_checked(rules_spec(source, limits)?, source, org, limits)
}

/// The first half of loading rules, which needs no organization: the text read as a spec.
fn rules_spec(rules: Source<'_>, limits: &Limits) -> Result<RuleSetSpec, LoadError> {
    run_deep(limits, || {
        Src::new(rules.text, rules.format, rules.file, limits, What::Rules)?.deserialize()
    })
}

/// The second half of loading rules: the spec validated against the organization, its
/// problems located in the text.
fn rules_checked(
    spec: RuleSetSpec,
    rules: Source<'_>,
    org: &Org,
    limits: &Limits,
) -> Result<RuleSet, LoadError> {
    let src = Src::new(rules.text, rules.format, rules.file, limits, What::Rules)?;
    src.validated(RuleSet::from_spec(spec, org), |rules| &mut rules.warnings)
}

/// Load and validate a rules file against an organization; the format is chosen by
/// extension.
///
/// # Errors
/// [`LoadError`]: unreadable, unknown extension, not UTF-8, too large, or invalid (with
/// every problem found).
pub fn rules_from_path(path: impl AsRef<Path>, org: &Org) -> Result<RuleSet, LoadError> {
    rules_from_path_with_limits(path, org, &Limits::default())
}

/// [`rules_from_path`] with explicit [`Limits`].
///
/// # Errors
/// [`LoadError`]: unreadable, unknown extension, not UTF-8, too large, or invalid.
pub fn rules_from_path_with_limits(
    path: impl AsRef<Path>,
    org: &Org,
    limits: &Limits,
) -> Result<RuleSet, LoadError> {
    let path = path.as_ref();
    let (text, format) = read(path, limits)?;
    rules_from_str_with_limits(&text, format, Some(path), org, limits)
}

/// An organization file's or a rules file's text, its format, and the file name that
/// errors give.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The text.
    pub text: &'a str,
    /// Its format.
    pub format: Format,
    /// The file it was read from, for messages (`None`: errors name no file).
    pub file: Option<&'a Path>,
}

impl<'a> Source<'a> {
    /// Text in a format, named by no file.
    pub fn new(text: &'a str, format: Format) -> Source<'a> {
        Source {
            text,
            format,
            file: None,
        }
    }

    /// The same text, named `file` in errors.
    pub fn file(self, file: &'a Path) -> Source<'a> {
        Source {
            file: Some(file),
            ..self
        }
    }
}

/// Load an organization and its rules and compile them into a [`Router`]: what
/// [`org_from_str`], [`rules_from_str`] and [`Router::new`] do one after the other,
/// with the rules' text read while the organization is built (on a second thread).
///
/// # Errors
/// The same as those three steps in that order: the organization's problems when it is
/// invalid (then nothing of the rules is reported), else the rules' problems.
///
/// # Complexity
/// Linear in the two texts, plus validation and [`Router::new`]; the time of reading the
/// rules is hidden when a second core is free.
///
/// ```
/// use rightdesk::load::{router_from_str, Format, Source};
/// let router = router_from_str(
///     Source::new(
///         r#"{"sites": [{"id": "hq"}], "units": [{"id": "records"}],
///             "desks": [{"id": "counter", "unit": "records", "site": "hq",
///                        "capabilities": ["report.copy"]}]}"#,
///         Format::Json,
///     ),
///     Source::new("rules:\n  - id: copy\n    then: {capability: report.copy}\n", Format::Yaml)
///         .file("rules.yaml".as_ref()),
/// )?;
/// assert_eq!(router.org().desks().len(), 1);
/// # Ok::<(), rightdesk::LoadError>(())
/// ```
pub fn router_from_str(org: Source<'_>, rules: Source<'_>) -> Result<Router, LoadError> {
    router_from_str_with_limits(org, rules, &Limits::default())
}

/// [`router_from_str`] with explicit [`Limits`] (for both texts).
///
/// # Errors
/// As [`router_from_str`].
pub fn router_from_str_with_limits(
    org: Source<'_>,
    rules: Source<'_>,
    limits: &Limits,
) -> Result<Router, LoadError> {
    let read_rules = || rules_spec(rules, limits);
    let build_org = || org_from_str_with_limits(org.text, org.format, org.file, limits);
    let (built, spec) = crate::parallel::join("rightdesk-rules", true, build_org, read_rules);
    let built = built?;
    let checked = rules_checked(spec?, rules, &built, limits)?;
    Ok(Router::new(built, checked))
}

/// Read an organization file and a rules file and compile them into a [`Router`], as
/// [`router_from_str`] does; formats are chosen by extension.
///
/// # Errors
/// As [`org_from_path`] then [`rules_from_path`]: the organization file's errors first.
///
/// ```
/// let router = rightdesk::load::router_from_paths(
///     "examples/police_station/org.yaml",
///     "examples/police_station/rules.yaml",
/// )?;
/// assert!(router.org().desk("records-counter").is_some());
/// # Ok::<(), rightdesk::LoadError>(())
/// ```
pub fn router_from_paths(
    org: impl AsRef<Path>,
    rules: impl AsRef<Path>,
) -> Result<Router, LoadError> {
    router_from_paths_with_limits(org, rules, &Limits::default())
}

/// [`router_from_paths`] with explicit [`Limits`] (for both files).
///
/// # Errors
/// As [`router_from_paths`].
pub fn router_from_paths_with_limits(
    org: impl AsRef<Path>,
    rules: impl AsRef<Path>,
    limits: &Limits,
) -> Result<Router, LoadError> {
    let (org, rules) = (org.as_ref(), rules.as_ref());
    let (org_text, org_format) = read(org, limits)?;
    let org_source = Source::new(&org_text, org_format).file(org);
    match read(rules, limits) {
        Ok((rules_text, rules_format)) => router_from_str_with_limits(
            org_source,
            Source::new(&rules_text, rules_format).file(rules),
            limits,
        ),
        // The organization's own problems come first, as when loaded one after the other.
        Err(e) => {
            org_from_str_with_limits(org_source.text, org_format, Some(org), limits)?;
            Err(e)
        }
    }
}
