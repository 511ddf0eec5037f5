//! Problems found in an organization or rules file: what is wrong, where, and how to fix it.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::Id;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file is accepted, but something looks wrong.
    Warning,
    /// The file is rejected.
    Error,
}

/// What kind of problem it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// The file could not be read.
    Io,
    /// The file is not valid YAML, JSON or TOML, or does not have the expected shape.
    Syntax,
    /// A key that the format does not have (often a misspelling).
    UnknownField,
    /// An id that refers to nothing.
    UnknownReference,
    /// Two things with the same id.
    DuplicateId,
    /// The chain of command loops.
    CommandCycle,
    /// Opening hours that do not parse.
    MalformedHours,
    /// A condition that cannot be evaluated as written.
    BadCondition,
    /// A value of the wrong type for its fact.
    TypeMismatch,
    /// A value that is not allowed (not in the fact's values, out of range, not finite).
    BadValue,
    /// An unknown time zone or holiday country.
    BadSetting,
    /// The input is over a configured limit (size, nesting).
    TooLarge,
    /// A rule demands a capability no desk offers (a warning).
    UnservedCapability,
    /// The file is not UTF-8 text.
    Encoding,
    /// The file has no content (only white space or comments).
    Empty,
}

impl ProblemKind {
    /// The kind's stable name, as shown in `error[...]` and serialized: `unknown-reference`.
    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::Io => "io",
            ProblemKind::Syntax => "syntax",
            ProblemKind::UnknownField => "unknown-field",
            ProblemKind::UnknownReference => "unknown-reference",
            ProblemKind::DuplicateId => "duplicate-id",
            ProblemKind::CommandCycle => "command-cycle",
            ProblemKind::MalformedHours => "malformed-hours",
            ProblemKind::BadCondition => "bad-condition",
            ProblemKind::TypeMismatch => "type-mismatch",
            ProblemKind::BadValue => "bad-value",
            ProblemKind::BadSetting => "bad-setting",
            ProblemKind::TooLarge => "too-large",
            ProblemKind::UnservedCapability => "unserved-capability",
            ProblemKind::Encoding => "encoding",
            ProblemKind::Empty => "empty",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A position in a source file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// One problem in a file, with where it is and a hint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The file, when loaded from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// Line and column, when the format tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Where in the document, e.g. `desks[3].unit` (empty for the whole file).
    pub path: String,
    /// The id of the offending site, unit, desk, fact or rule, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Id>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, or what was expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Problem {
    /// A new error at `path`.
    pub fn error(kind: ProblemKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            kind,
            file: None,
            location: None,
            path: path.into(),
            id: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A new warning at `path`.
    pub fn warning(kind: ProblemKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(kind, path, message)
        }
    }

    /// The same problem, naming the offending id.
    pub fn with_id(mut self, id: impl Into<Id>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The same problem, with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// True for errors (which reject the file).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    /// `file:line:col: error[kind]: message (at path, id) \n  hint: ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote_place = false;
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            wrote_place = true;
        }
        if let Some(loc) = self.location {
            if wrote_place {
                write!(f, ":{}:{}", loc.line, loc.column)?;
            } else {
                write!(f, "line {} column {}", loc.line, loc.column)?;
            }
            wrote_place = true;
        }
        if wrote_place {
            f.write_str(": ")?;
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}[{}]: {}", self.kind, self.message)?;
        match (&self.path.is_empty(), &self.id) {
            (false, Some(id)) => write!(f, " (at {}, id `{id}`)", self.path)?,
            (false, None) => write!(f, " (at {})", self.path)?,
            (true, Some(id)) => write!(f, " (id `{id}`)")?,
            (true, None) => {}
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Every problem found in one load, errors first. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// The errors among the problems.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| p.is_error())
    }

    /// All problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.0.iter()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Problems {
    /// Each problem (see [`Problem`]'s `Display`) on its own line, then a count:
    /// `2 errors, 1 warning`. No trailing newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            writeln!(f, "{p}")?;
        }
        let errors = self.errors().count();
        let warnings = self.0.len() - errors;
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        match (errors, warnings) {
            (e, 0) => write!(f, "{e} error{}", plural(e)),
            (0, w) => write!(f, "{w} warning{}", plural(w)),
            (e, w) => write!(f, "{e} error{}, {w} warning{}", plural(e), plural(w)),
        }
    }
}

impl std::error::Error for Problems {}

impl<'a> IntoIterator for &'a Problems {
    type Item = &'a Problem;
    type IntoIter = std::slice::Iter<'a, Problem>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
