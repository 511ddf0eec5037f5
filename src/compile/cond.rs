//! Conditions compiled for evaluation: reserved request fields resolved to an enum, values
//! stored in a form that compares without allocating.
//!
//! Evaluation is three-valued (Kleene): a test on a fact the request lacks is unknown,
//! `exists` is never unknown, `not` of unknown is unknown, `all` is false if any part is
//! false (else unknown if any part is unknown), `any` is true if any part is true (else
//! unknown if any part is unknown).

use std::collections::HashMap;

use super::FastBuild;
use crate::model::Id;
use crate::resolve::Request;
use crate::rules::{Condition, Op, Value};

/// One shared [`Id`] per distinct text (fact name or text value) of the conditions compiled
/// with it: the rules of a large set test the same few facts and needs many times.
#[derive(Debug, Default)]
pub(crate) struct Texts<'a> {
    ids: HashMap<&'a str, Id, FastBuild>,
}

impl<'a> Texts<'a> {
    /// Texts starting with these ids, shared rather than copied (the declared facts').
    pub(crate) fn with(ids: impl IntoIterator<Item = &'a Id>) -> Texts<'a> {
        Texts {
            ids: ids
                .into_iter()
                .map(|id| (id.as_str(), id.clone()))
                .collect(),
        }
    }

    /// The shared id of `s`.
    fn id(&mut self, s: &'a str) -> Id {
        self.ids.entry(s).or_insert_with(|| Id::from(s)).clone()
    }
}

/// A truth value of three-valued logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    False,
    Unknown,
    True,
}

impl Tri {
    pub(crate) fn not(self) -> Tri {
        match self {
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
            Tri::True => Tri::False,
        }
    }

    pub(crate) fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    /// Kleene conjunction, short-circuiting on the first false part: false if any part is
    /// false, else unknown if any is unknown, else true.
    pub(crate) fn all(parts: impl IntoIterator<Item = Tri>) -> Tri {
        let mut out = Tri::True;
        for t in parts {
            match t {
                Tri::False => return Tri::False,
                Tri::Unknown => out = Tri::Unknown,
                Tri::True => {}
            }
        }
        out
    }

    /// Kleene disjunction, short-circuiting on the first true part: true if any part is
    /// true, else unknown if any is unknown, else false.
    pub(crate) fn any(parts: impl IntoIterator<Item = Tri>) -> Tri {
        let mut out = Tri::False;
        for t in parts {
            match t {
                Tri::True => return Tri::True,
                Tri::Unknown => out = Tri::Unknown,
                Tri::False => {}
            }
        }
        out
    }
}

/// Where a fact's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum FactRef {
    /// `need`: the request's need (always present).
    Need,
    /// `language`: the request's language.
    Language,
    /// `site`: the request's site.
    Site,
    /// `unit`: the request's unit.
    Unit,
    /// A declared fact, by name.
    Declared(Id),
}

impl FactRef {
    pub(crate) fn new(name: &str) -> FactRef {
        FactRef::reserved(name).unwrap_or_else(|| FactRef::Declared(Id::from(name)))
    }

    /// [`FactRef::new`], a declared fact's name shared through `texts`.
    fn new_in<'a>(name: &'a str, texts: &mut Texts<'a>) -> FactRef {
        FactRef::reserved(name).unwrap_or_else(|| FactRef::Declared(texts.id(name)))
    }

    /// The request field a reserved name reads.
    fn reserved(name: &str) -> Option<FactRef> {
        match name {
            "need" => Some(FactRef::Need),
            "language" => Some(FactRef::Language),
            "site" => Some(FactRef::Site),
            "unit" => Some(FactRef::Unit),
            _ => None,
        }
    }

    /// The fact's name as written in files.
    pub(crate) fn name(&self) -> &str {
        match self {
            FactRef::Need => "need",
            FactRef::Language => "language",
            FactRef::Site => "site",
            FactRef::Unit => "unit",
            FactRef::Declared(id) => id.as_str(),
        }
    }

    /// The request's value of this fact, borrowed.
    #[inline]
    pub(crate) fn get<'r>(&self, req: &'r Request) -> Option<FactVal<'r>> {
        match self {
            FactRef::Need => Some(FactVal::Text(&req.need)),
            FactRef::Language => req.language.as_deref().map(FactVal::Text),
            FactRef::Site => req.site.as_deref().map(FactVal::Text),
            FactRef::Unit => req.unit.as_deref().map(FactVal::Text),
            FactRef::Declared(id) => req.facts.get(id.as_str()).map(FactVal::of),
        }
    }
}

/// A borrowed fact value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FactVal<'a> {
    Text(&'a str),
    Number(f64),
    Bool(bool),
}

impl<'a> FactVal<'a> {
    pub(crate) fn of(v: &'a Value) -> FactVal<'a> {
        match v {
            Value::Text(s) => FactVal::Text(s),
            Value::Number(n) => FactVal::Number(*n),
            Value::Bool(b) => FactVal::Bool(*b),
        }
    }
}

/// An owned literal in a compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Text(Id),
    Number(f64),
    Bool(bool),
}

impl Lit {
    fn of<'a>(v: &'a Value, texts: &mut Texts<'a>) -> Lit {
        match v {
            Value::Text(s) => Lit::Text(texts.id(s)),
            Value::Number(n) => Lit::Number(*n),
            Value::Bool(b) => Lit::Bool(*b),
        }
    }
}

impl<'a> Literal<FactVal<'a>> for Lit {
    #[inline]
    fn matches(&self, v: FactVal<'a>) -> bool {
        match (self, v) {
            (Lit::Text(a), FactVal::Text(b)) => a.as_str() == b,
            (Lit::Number(a), FactVal::Number(b)) => *a == b,
            (Lit::Bool(a), FactVal::Bool(b)) => *a == b,
            _ => false,
        }
    }
}

impl Read for FactVal<'_> {
    #[inline]
    fn number(self) -> Option<f64> {
        match self {
            FactVal::Number(n) => Some(n),
            _ => None,
        }
    }

    #[inline]
    fn text(&self) -> Option<&str> {
        match self {
            FactVal::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// A request value as a test reads it (borrowed text, or interned with its text).
pub(crate) trait Read: Copy {
    /// The number, if the value is one.
    fn number(self) -> Option<f64>;
    /// The text, if the value is text.
    fn text(&self) -> Option<&str>;
}

/// A literal of a compiled test, compared for equality with a request value of type `V`.
pub(crate) trait Literal<V> {
    /// Whether the value equals the literal.
    fn matches(&self, v: V) -> bool;
}

/// A compiled test, over literals of type `L`: owned text ([`Lit`], for the reference,
/// the explanations and analysis) or interned symbols (the router's hot path).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Test<L = Lit> {
    Eq(L),
    Ne(L),
    In(Box<[L]>),
    NotIn(Box<[L]>),
    Lt(f64),
    Lte(f64),
    Gt(f64),
    Gte(f64),
    Exists(bool),
    Prefix(Box<str>),
}

impl Test {
    fn of<'a>(op: &'a Op, texts: &mut Texts<'a>) -> Test {
        match op {
            Op::Eq(v) => Test::Eq(Lit::of(v, texts)),
            Op::Ne(v) => Test::Ne(Lit::of(v, texts)),
            Op::In(vs) => Test::In(vs.iter().map(|v| Lit::of(v, texts)).collect()),
            Op::NotIn(vs) => Test::NotIn(vs.iter().map(|v| Lit::of(v, texts)).collect()),
            Op::Lt(n) => Test::Lt(*n),
            Op::Lte(n) => Test::Lte(*n),
            Op::Gt(n) => Test::Gt(*n),
            Op::Gte(n) => Test::Gte(*n),
            Op::Exists(b) => Test::Exists(*b),
            Op::Prefix(p) => Test::Prefix(p.as_str().into()),
        }
    }
}

impl<L> Test<L> {
    /// The test's verdict on a value that is present.
    #[inline]
    pub(crate) fn holds<V: Read>(&self, v: V) -> bool
    where
        L: Literal<V>,
    {
        match self {
            Test::Eq(l) => l.matches(v),
            Test::Ne(l) => !l.matches(v),
            Test::In(ls) => ls.iter().any(|l| l.matches(v)),
            Test::NotIn(ls) => !ls.iter().any(|l| l.matches(v)),
            Test::Lt(x) => v.number().is_some_and(|n| n < *x),
            Test::Lte(x) => v.number().is_some_and(|n| n <= *x),
            Test::Gt(x) => v.number().is_some_and(|n| n > *x),
            Test::Gte(x) => v.number().is_some_and(|n| n >= *x),
            Test::Exists(b) => *b,
            Test::Prefix(p) => v.text().is_some_and(|s| s.starts_with(&**p)),
        }
    }

    /// The same test with each literal converted by `f`.
    pub(crate) fn map_lit<M>(&self, mut f: impl FnMut(&L) -> M) -> Test<M> {
        match self {
            Test::Eq(l) => Test::Eq(f(l)),
            Test::Ne(l) => Test::Ne(f(l)),
            Test::In(ls) => Test::In(ls.iter().map(&mut f).collect()),
            Test::NotIn(ls) => Test::NotIn(ls.iter().map(&mut f).collect()),
            Test::Lt(x) => Test::Lt(*x),
            Test::Lte(x) => Test::Lte(*x),
            Test::Gt(x) => Test::Gt(*x),
            Test::Gte(x) => Test::Gte(*x),
            Test::Exists(b) => Test::Exists(*b),
            Test::Prefix(p) => Test::Prefix(p.clone()),
        }
    }
}

/// A compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    All(Box<[Cond]>),
    Any(Box<[Cond]>),
    Not(Box<Cond>),
    Test(FactRef, Test),
}

impl Cond {
    /// Compile a validated condition.
    pub(crate) fn compile(c: &Condition) -> Cond {
        Cond::compile_in(c, &mut Texts::default())
    }

    /// [`Cond::compile`], its fact names and text values shared through `texts`.
    pub(crate) fn compile_in<'a>(c: &'a Condition, texts: &mut Texts<'a>) -> Cond {
        match c {
            Condition::All(v) => Cond::All(v.iter().map(|c| Cond::compile_in(c, texts)).collect()),
            Condition::Any(v) => Cond::Any(v.iter().map(|c| Cond::compile_in(c, texts)).collect()),
            Condition::Not(c) => Cond::Not(Box::new(Cond::compile_in(c, texts))),
            Condition::Test { fact, op } => {
                Cond::Test(FactRef::new_in(fact, texts), Test::of(op, texts))
            }
        }
    }

    /// Evaluate against a request.
    pub(crate) fn eval(&self, req: &Request) -> Tri {
        match self {
            Cond::Test(f, t) => match (f.get(req), t) {
                (v, Test::Exists(b)) => Tri::from_bool(v.is_some() == *b),
                (None, _) => Tri::Unknown,
                (Some(v), t) => Tri::from_bool(t.holds(v)),
            },
            Cond::All(parts) => Tri::all(parts.iter().map(|p| p.eval(req))),
            Cond::Any(parts) => Tri::any(parts.iter().map(|p| p.eval(req))),
            Cond::Not(c) => c.eval(req).not(),
        }
    }

    /// Evaluate, and push onto `missing` (without duplicates) the facts whose absence makes
    /// the result unknown, in order of first appearance. Nothing is pushed when the result
    /// is true or false. The tests' reference for [`Conds::eval_missing`](super::fast::Conds::eval_missing),
    /// which the router asks.
    #[cfg(test)]
    pub(crate) fn eval_missing<'c>(&'c self, req: &Request, missing: &mut Vec<&'c FactRef>) -> Tri {
        let mark = missing.len();
        let out = match self {
            Cond::Test(f, t) => match (f.get(req), t) {
                (v, Test::Exists(b)) => Tri::from_bool(v.is_some() == *b),
                (None, _) => {
                    if !missing.contains(&f) {
                        missing.push(f);
                    }
                    Tri::Unknown
                }
                (Some(v), t) => Tri::from_bool(t.holds(v)),
            },
            Cond::All(parts) => Tri::all(parts.iter().map(|p| p.eval_missing(req, missing))),
            Cond::Any(parts) => Tri::any(parts.iter().map(|p| p.eval_missing(req, missing))),
            Cond::Not(c) => c.eval_missing(req, missing).not(),
        };
        if out != Tri::Unknown {
            missing.truncate(mark);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(json: &str) -> Cond {
        let c: Condition = serde_json::from_str(json).unwrap();
        Cond::compile(&c)
    }

    #[test]
    fn kleene_logic() {
        let req = Request::new("copy").fact("a", 1i64);
        assert_eq!(cond(r#"{"fact":"a","eq":1}"#).eval(&req), Tri::True);
        assert_eq!(cond(r#"{"fact":"b","eq":1}"#).eval(&req), Tri::Unknown);
        assert_eq!(cond(r#"{"fact":"b","exists":false}"#).eval(&req), Tri::True);
        assert_eq!(
            cond(r#"{"not":{"fact":"b","eq":1}}"#).eval(&req),
            Tri::Unknown
        );
        assert_eq!(
            cond(r#"{"all":[{"fact":"b","eq":1},{"fact":"a","eq":2}]}"#).eval(&req),
            Tri::False
        );
        assert_eq!(
            cond(r#"{"all":[{"fact":"b","eq":1},{"fact":"a","eq":1}]}"#).eval(&req),
            Tri::Unknown
        );
        assert_eq!(
            cond(r#"{"any":[{"fact":"b","eq":1},{"fact":"a","eq":1}]}"#).eval(&req),
            Tri::True
        );
        assert_eq!(
            cond(r#"{"any":[{"fact":"b","eq":1},{"fact":"a","eq":2}]}"#).eval(&req),
            Tri::Unknown
        );
        assert_eq!(cond(r#"{"all":[]}"#).eval(&req), Tri::True);
        assert_eq!(cond(r#"{"any":[]}"#).eval(&req), Tri::False);
        assert_eq!(
            cond(r#"{"fact":"need","prefix":"co"}"#).eval(&req),
            Tri::True
        );
        assert_eq!(cond(r#"{"fact":"a","gte":1}"#).eval(&req), Tri::True);
        assert_eq!(cond(r#"{"fact":"a","lt":1}"#).eval(&req), Tri::False);
    }

    #[test]
    fn missing_facts_only_from_undecided_parts() {
        let req = Request::new("copy").fact("a", 1i64);
        let c = cond(
            r#"{"all":[{"fact":"x","eq":1},{"any":[{"fact":"y","eq":1},{"fact":"a","eq":1}]},{"fact":"z","eq":1},{"fact":"x","eq":2}]}"#,
        );
        let mut m = Vec::new();
        assert_eq!(c.eval_missing(&req, &mut m), Tri::Unknown);
        let names: Vec<&str> = m.iter().map(|f| f.name()).collect();
        assert_eq!(names, ["x", "z"]);
        let c = cond(r#"{"all":[{"fact":"x","eq":1},{"fact":"a","eq":2}]}"#);
        let mut m = Vec::new();
        assert_eq!(c.eval_missing(&req, &mut m), Tri::False);
        assert!(m.is_empty());
    }
}
