//! The case file format: requests with expected outcomes.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::load::{self, Format, LoadError};
use crate::model::{Id, Org};
use crate::problem::{Problem, ProblemKind, Problems};
use crate::rules::RuleSet;
use crate::{Request, StatusUpdate};

/// A set of policy test cases, from one file, several, or built in code.
///
/// A case file is either a list of cases or a map with a `cases` list (the only form TOML
/// allows, as `[[cases]]`):
///
/// ```yaml
/// cases:
///   - name: the public gets report copies at Records
///     request:
///       need: accident_report.copy
///       facts: { requester: public }
///       site: hq
///       at: "2026-11-30T09:15"
///     expect:
///       desk: records-counter
///       max_cost: 30
///   - name: without saying who asks, we ask first
///     request: { need: accident_report.copy }
///     expect:
///       needs_info: [requester]
///   - name: a sick duty officer does not break routing
///     request: { need: incident.report, site: aux }
///     status:
///       - { action: close, desk: aux-duty, reason: "duty officer out sick" }
///     expect:
///       not_desk: aux-duty
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cases {
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// One policy test: a request, the live status to apply first, and what must come out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// A name that says what the case checks (shown in reports).
    pub name: String,
    /// Why the case exists, for readers of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The request to resolve.
    pub request: Request,
    /// Live status updates applied before resolving, on a fresh status: the updates of one
    /// case never affect another.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<StatusUpdate>,
    /// What the outcome must be.
    pub expect: Expect,
    /// Where the case was written, when it was loaded from a file.
    #[serde(skip)]
    pub(crate) origin: Option<Origin>,
}

/// The file a case came from and its position in that file's list.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) file: Option<PathBuf>,
    pub(crate) index: usize,
    /// The file is a bare list of cases (paths `[3]`), not a `cases:` map (`cases[3]`).
    pub(crate) bare_list: bool,
}

/// Where a case was written does not change what it is: cases compare equal by content.
impl PartialEq for Origin {
    fn eq(&self, _: &Origin) -> bool {
        true
    }
}

impl Case {
    /// A case named `name` that resolves `request` and expects `expect`.
    pub fn new(name: impl Into<String>, request: Request, expect: Expect) -> Case {
        Case {
            name: name.into(),
            description: None,
            request,
            status: Vec::new(),
            expect,
            origin: None,
        }
    }

    /// The same case with live status updates applied before resolving.
    pub fn with_status(mut self, status: impl IntoIterator<Item = StatusUpdate>) -> Case {
        self.status.extend(status);
        self
    }

    /// The file the case was loaded from, if any.
    pub fn file(&self) -> Option<&Path> {
        self.origin.as_ref().and_then(|o| o.file.as_deref())
    }

    /// Where the case is, as a document path: `cases[3]` (or `[3]` in a file that is a bare
    /// list) by its index in its file, or by `position` when not loaded from a file.
    pub(crate) fn path(&self, position: usize) -> String {
        match &self.origin {
            Some(o) if o.bare_list => format!("[{}]", o.index),
            Some(o) => format!("cases[{}]", o.index),
            None => format!("cases[{position}]"),
        }
    }
}

/// What a case expects. At most one of `desk`, `needs_info`, `escalated` and `no_desk`;
/// `not_desk` and `max_cost` may be added to any of them or stand alone.
///
/// In files:
/// ```yaml
/// expect: { desk: records-counter }                 # routed to this desk
/// expect: { needs_info: [requester, case_number] }  # these questions (facts or texts), any order
/// expect: { needs_info: [] }                        # some questions, whichever
/// expect: { escalated: hq-duty }                    # escalated to this duty desk
/// expect: { no_desk: true }                         # a coverage gap
/// expect: { not_desk: [aux-duty, traffic-front] }   # anywhere but there (one id or a list)
/// expect: { desk: records-counter, max_cost: 30 }   # travel + wait at most 30 minutes
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ExpectSpec")]
pub struct Expect {
    /// Routed to this desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk: Option<Id>,
    /// NeedsInfo asking exactly these questions, in any order; each entry is a fact name or
    /// the question's text. Empty: any questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_info: Option<Vec<String>>,
    /// Escalated to this duty desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated: Option<Id>,
    /// No desk at all (a coverage gap).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_desk: bool,
    /// The customer must not be sent to any of these desks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_desk: Vec<Id>,
    /// The desk sent to (routed or escalated) costs at most this many minutes of travel
    /// plus wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cost: Option<u32>,
}

/// The file shape of [`Expect`], checked for contradictions by `TryFrom`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectSpec {
    #[serde(default)]
    desk: Option<Id>,
    #[serde(default)]
    needs_info: Option<Vec<String>>,
    #[serde(default)]
    escalated: Option<Id>,
    #[serde(default)]
    no_desk: bool,
    #[serde(default, deserialize_with = "one_or_many")]
    not_desk: Vec<Id>,
    #[serde(default)]
    max_cost: Option<u32>,
}

impl TryFrom<ExpectSpec> for Expect {
    type Error = String;
    fn try_from(s: ExpectSpec) -> Result<Expect, String> {
        let e = Expect {
            desk: s.desk,
            needs_info: s.needs_info,
            escalated: s.escalated,
            no_desk: s.no_desk,
            not_desk: s.not_desk,
            max_cost: s.max_cost,
        };
        e.validate()?;
        Ok(e)
    }
}

impl Expect {
    /// Routed to `desk`.
    pub fn desk(desk: impl Into<Id>) -> Expect {
        Expect {
            desk: Some(desk.into()),
            ..Expect::default()
        }
    }

    /// NeedsInfo with these questions (fact names or question texts); empty: any.
    pub fn needs_info<S: Into<String>>(questions: impl IntoIterator<Item = S>) -> Expect {
        Expect {
            needs_info: Some(questions.into_iter().map(Into::into).collect()),
            ..Expect::default()
        }
    }

    /// Escalated to the duty desk `desk`.
    pub fn escalated(desk: impl Into<Id>) -> Expect {
        Expect {
            escalated: Some(desk.into()),
            ..Expect::default()
        }
    }

    /// No desk (a coverage gap).
    pub fn no_desk() -> Expect {
        Expect {
            no_desk: true,
            ..Expect::default()
        }
    }

    /// The same expectation, and never `desk`.
    pub fn not_desk(mut self, desk: impl Into<Id>) -> Expect {
        self.not_desk.push(desk.into());
        self
    }

    /// The same expectation, and a cost of at most `minutes`.
    pub fn max_cost(mut self, minutes: u32) -> Expect {
        self.max_cost = Some(minutes);
        self
    }

    /// Is the expectation consistent? `Err` says why not.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let kinds: Vec<&str> = [
            ("desk", self.desk.is_some()),
            ("needs_info", self.needs_info.is_some()),
            ("escalated", self.escalated.is_some()),
            ("no_desk", self.no_desk),
        ]
        .into_iter()
        .filter_map(|(k, set)| set.then_some(k))
        .collect();
        if kinds.len() > 1 {
            return Err(format!(
                "an expectation has at most one of `desk`, `needs_info`, `escalated`, `no_desk`; this one has {}",
                kinds.join(" and ")
            ));
        }
        if kinds.is_empty() && self.not_desk.is_empty() && self.max_cost.is_none() {
            return Err(String::from(
                "empty expectation: give one of `desk`, `needs_info`, `escalated`, `no_desk: true`, or `not_desk`/`max_cost`",
            ));
        }
        if self.max_cost.is_some() && (self.no_desk || self.needs_info.is_some()) {
            return Err(String::from(
                "`max_cost` needs a desk to cost something; it cannot go with `no_desk` or `needs_info`",
            ));
        }
        for d in &self.not_desk {
            if self.desk.as_ref() == Some(d) || self.escalated.as_ref() == Some(d) {
                return Err(format!("`{d}` is both expected and in `not_desk`"));
            }
        }
        Ok(())
    }

    /// Every desk id the expectation names, with the field it is in.
    pub(crate) fn desks(&self) -> impl Iterator<Item = (String, &Id)> {
        let one = [("desk", &self.desk), ("escalated", &self.escalated)]
            .into_iter()
            .filter_map(|(k, d)| d.as_ref().map(|d| (k.to_owned(), d)));
        let many = self
            .not_desk
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("not_desk[{i}]"), d));
        one.chain(many)
    }
}

impl fmt::Display for Expect {
    /// `routed to `records-counter`, not `aux-duty`, cost <= 30 min`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(d) = &self.desk {
            parts.push(format!("routed to `{d}`"));
        }
        if let Some(q) = &self.needs_info {
            if q.is_empty() {
                parts.push(String::from("needs info"));
            } else {
                parts.push(format!("needs info: {}", q.join(", ")));
            }
        }
        if let Some(d) = &self.escalated {
            parts.push(format!("escalated to `{d}`"));
        }
        if self.no_desk {
            parts.push(String::from("no desk"));
        }
        if !self.not_desk.is_empty() {
            let ids: Vec<String> = self.not_desk.iter().map(|d| format!("`{d}`")).collect();
            parts.push(format!("not {}", ids.join(" nor ")));
        }
        if let Some(m) = self.max_cost {
            parts.push(format!("cost <= {m} min"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// Accept `x` or `[x, y]`.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Id>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<Id>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a desk id or a list of desk ids")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<Id>, E> {
            Ok(vec![Id::from(v)])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<Id>, A::Error> {
            Vec::<Id>::deserialize(SeqAccessDeserializer::new(seq))
        }
    }
    d.deserialize_any(V)
}

/// A case file as written: the cases, and whether they were a bare list.
struct CaseDoc {
    cases: Vec<Case>,
    bare_list: bool,
}

impl<'de> Deserialize<'de> for CaseDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct CaseFile {
            #[serde(default)]
            cases: Vec<Case>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CaseDoc;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of cases, or a map with a `cases` list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<CaseDoc, A::Error> {
                Vec::<Case>::deserialize(SeqAccessDeserializer::new(seq)).map(|cases| CaseDoc {
                    cases,
                    bare_list: true,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CaseDoc, A::Error> {
                CaseFile::deserialize(MapAccessDeserializer::new(map)).map(|f| CaseDoc {
                    cases: f.cases,
                    bare_list: false,
                })
            }
            fn visit_unit<E: de::Error>(self) -> Result<CaseDoc, E> {
                Ok(CaseDoc {
                    cases: Vec::new(),
                    bare_list: false,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Cases {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        CaseDoc::deserialize(d).map(|doc| Cases { cases: doc.cases })
    }
}

impl Cases {
    /// Cases from a list.
    pub fn new(cases: impl IntoIterator<Item = Case>) -> Cases {
        Cases {
            cases: cases.into_iter().collect(),
        }
    }

    /// Parse cases from text. `file` is used in messages and in the report.
    ///
    /// # Errors
    /// [`LoadError::Invalid`] with the syntax or shape error and where it is.
    pub fn from_str(text: &str, format: Format, file: Option<&Path>) -> Result<Cases, LoadError> {
        let doc: CaseDoc = load::parse(text, format, file)?;
        let mut cases = Cases { cases: doc.cases };
        for (index, c) in cases.cases.iter_mut().enumerate() {
            c.origin = Some(Origin {
                file: file.map(Path::to_path_buf),
                index,
                bare_list: doc.bare_list,
            });
        }
        Ok(cases)
    }

    /// Load cases from a file (format by extension: `.yaml`/`.yml`, `.json`, `.toml`), or
    /// from every such file in a directory (not recursive), in name order.
    ///
    /// # Errors
    /// [`LoadError::Io`] when a file or the directory cannot be read;
    /// [`LoadError::Invalid`] with the problems of every file that does not parse.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Cases, LoadError> {
        let path = path.as_ref();
        let io = |source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_dir() {
            let text = std::fs::read_to_string(path).map_err(io)?;
            let format = Format::from_path(path).unwrap_or(Format::Yaml);
            return Cases::from_str(&text, format, Some(path));
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && Format::from_path(p).is_some())
            .collect();
        files.sort();
        Cases::from_paths(&files)
    }

    /// Load cases from several files or directories, in the order given.
    ///
    /// # Errors
    /// As [`Cases::from_path`]; problems of every invalid file are reported together.
    pub fn from_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Cases, LoadError> {
        let mut all = Cases::default();
        let mut problems: Vec<Problem> = Vec::new();
        for p in paths {
            match Cases::from_path(p) {
                Ok(c) => all.cases.extend(c.cases),
                Err(LoadError::Invalid(ps)) => problems.extend(ps.0),
                Err(e) => return Err(e),
            }
        }
        if problems.is_empty() {
            Ok(all)
        } else {
            Err(LoadError::Invalid(Problems(problems)))
        }
    }

    /// Number of cases.
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// True when there are no cases.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// Check the cases against an organization and its rules: every desk, site, unit and
    /// fact they name must exist, fact values must fit their declared type, and status
    /// updates must name known desks. Returns every problem found (errors only).
    ///
    /// [`run`](super::run) reports such a case as failed; call this first to treat a bad
    /// case file as a load error instead (the command line does).
    ///
    /// Problems of cases loaded from a file carry the file, and the line and column of the
    /// offending value (the file is read again to find them).
    pub fn check(&self, org: &Org, rules: &RuleSet) -> Vec<Problem> {
        let mut out: Vec<Problem> = Vec::new();
        // Problems of one file are located together, in one more pass over its text.
        let mut pending: Vec<Problem> = Vec::new();
        let mut pending_file: Option<&Path> = None;
        for (i, c) in self.cases.iter().enumerate() {
            if c.file() != pending_file {
                locate_in_file(pending_file, &mut pending);
                out.append(&mut pending);
                pending_file = c.file();
            }
            for mut p in case_problems(c, i, org, rules) {
                p.file = c.file().map(Path::to_path_buf);
                pending.push(p);
            }
        }
        locate_in_file(pending_file, &mut pending);
        out.append(&mut pending);
        out
    }
}

/// Give problems their line and column in `file`, when it can still be read.
fn locate_in_file(file: Option<&Path>, problems: &mut [Problem]) {
    let (Some(file), false) = (file, problems.is_empty()) else {
        return;
    };
    let format = Format::from_path(file).unwrap_or(Format::Yaml);
    if let Ok(text) = std::fs::read_to_string(file) {
        load::locate_problems(&text, format, problems);
        problems.sort_by_key(|p| p.location.map(|l| (l.line, l.column)));
    }
}

/// The problems of one case against an org and rules (without `file`).
pub(crate) fn case_problems(c: &Case, position: usize, org: &Org, rules: &RuleSet) -> Vec<Problem> {
    let mut out = Vec::new();
    let base = c.path(position);
    let name = Id::from(c.name.as_str());
    let unknown = |what: &str, path: String, id: &str, known: Vec<&str>| {
        let mut p = Problem::error(
            ProblemKind::UnknownReference,
            path,
            format!("case `{}`: unknown {what} `{id}`", c.name),
        )
        .with_id(id);
        if let Some(s) = crate::model::closest_id(known.into_iter(), id) {
            p = p.with_hint(format!("did you mean `{s}`?"));
        }
        p
    };
    let desk_ids = || {
        org.desks()
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>()
    };
    if c.name.trim().is_empty() {
        out.push(Problem::error(
            ProblemKind::BadValue,
            format!("{base}.name"),
            "empty case name",
        ));
    }
    if c.request.need.trim().is_empty() {
        out.push(
            Problem::error(
                ProblemKind::BadValue,
                format!("{base}.request.need"),
                format!("case `{}`: the request has no need", c.name),
            )
            .with_id(name.clone()),
        );
    }
    if let Some(s) = &c.request.site {
        if org.site(s).is_none() {
            let known = org.sites().iter().map(|s| s.id.as_str()).collect();
            out.push(unknown("site", format!("{base}.request.site"), s, known));
        }
    }
    if let Some(u) = &c.request.unit {
        if org.unit(u).is_none() {
            let known = org.units().iter().map(|u| u.id.as_str()).collect();
            out.push(unknown("unit", format!("{base}.request.unit"), u, known));
        }
    }
    for (k, v) in &c.request.facts {
        let path = format!("{base}.request.facts.{k}");
        match rules.fact(k) {
            None => {
                let known = rules.facts().iter().map(|f| f.id.as_str()).collect();
                out.push(unknown("fact", path, k, known));
            }
            Some(f) => {
                if let Err(m) = f.check(v) {
                    out.push(
                        Problem::error(
                            ProblemKind::BadValue,
                            path,
                            format!("case `{}`: {m}", c.name),
                        )
                        .with_id(k.as_str()),
                    );
                }
            }
        }
    }
    for (i, s) in c.status.iter().enumerate() {
        let d = status_desk(s);
        if org.desk(d).is_none() {
            out.push(unknown(
                "desk",
                format!("{base}.status[{i}].desk"),
                d,
                desk_ids(),
            ));
        }
    }
    for (field, d) in c.expect.desks() {
        if org.desk(d).is_none() {
            out.push(unknown(
                "desk",
                format!("{base}.expect.{field}"),
                d,
                desk_ids(),
            ));
        }
    }
    if let Some(qs) = &c.expect.needs_info {
        for (i, q) in qs.iter().enumerate() {
            if rules.fact(q).is_none() && !rules.facts().iter().any(|f| f.question == *q) {
                let known = rules.facts().iter().map(|f| f.id.as_str()).collect();
                let mut p = unknown("fact", format!("{base}.expect.needs_info[{i}]"), q, known);
                p.message = format!(
                    "case `{}`: `{q}` is neither a declared fact nor the question of one",
                    c.name
                );
                out.push(p);
            }
        }
    }
    out
}

/// The desk a status update is about.
pub(crate) fn status_desk(s: &StatusUpdate) -> &str {
    match s {
        StatusUpdate::Close { desk, .. }
        | StatusUpdate::Reopen { desk }
        | StatusUpdate::AddCapability { desk, .. }
        | StatusUpdate::RemoveCapability { desk, .. }
        | StatusUpdate::SetWait { desk, .. } => desk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_and_map_forms_load_the_same() {
        let list = r#"
- name: a
  request: { need: x }
  expect: { desk: d }
"#;
        let map = r#"
cases:
  - name: a
    request: { need: x }
    expect: { desk: d }
"#;
        let toml = r#"
[[cases]]
name = "a"
request = { need = "x" }
expect = { desk = "d" }
"#;
        let a = Cases::from_str(list, Format::Yaml, None).unwrap();
        let b = Cases::from_str(map, Format::Yaml, None).unwrap();
        let c = Cases::from_str(toml, Format::Toml, None).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.cases[0].expect, Expect::desk("d"));
    }

    #[test]
    fn not_desk_is_one_or_many() {
        let one: Expect = serde_json::from_str(r#"{"not_desk": "a"}"#).unwrap();
        let many: Expect = serde_json::from_str(r#"{"not_desk": ["a", "b"]}"#).unwrap();
        assert_eq!(one.not_desk, vec![Id::from("a")]);
        assert_eq!(many.not_desk.len(), 2);
    }

    #[test]
    fn contradictory_expectations_are_rejected() {
        for bad in [
            r#"{"desk": "a", "escalated": "b"}"#,
            r#"{}"#,
            r#"{"no_desk": true, "max_cost": 3}"#,
            r#"{"desk": "a", "not_desk": "a"}"#,
            r#"{"desk": "a", "colour": "red"}"#,
        ] {
            assert!(serde_json::from_str::<Expect>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn expectation_round_trips() {
        let e = Expect::desk("a").not_desk("b").max_cost(30);
        let json = serde_json::to_string(&e).unwrap();
        let back: Expect = serde_json::from_str(&json).unwrap();
        assert_eq!(e, back);
        assert_eq!(e.to_string(), "routed to `a`, not `b`, cost <= 30 min");
    }

    #[test]
    fn unknown_fields_in_a_case_are_errors() {
        let text = "- name: a\n  request: { need: x }\n  expct: { desk: d }\n";
        let err = Cases::from_str(text, Format::Yaml, Some(Path::new("c.yaml"))).unwrap_err();
        assert!(err.to_string().contains("expct"), "{err}");
    }
}
