//! Conditions compiled for the hot path: facts addressed by slot number, text literals
//! interned to integers at [`Router::new`](crate::Router::new), so a test compares two
//! integers instead of two strings. A request's values are read and interned once per
//! request into [`Facts`] (one FxHash look-up per text value of a slot some rule compares
//! with text).
//!
//! Every rule's condition is laid out in one flat block ([`Conds`]), in evaluation order:
//! a request's rules are evaluated by walking contiguous 16-byte nodes instead of boxed
//! trees. The tree form ([`FCond`]) is kept only to build the rule index.
//!
//! Same three-valued semantics as [`Cond::eval`](super::cond::Cond::eval).

use compact_str::CompactString;
use std::collections::HashMap;

use super::cond::{Cond, FactRef, Lit, Literal, Read, Test, Tri};
use super::{FastBuild, map_heap_bytes};
use crate::model::Id;
use crate::resolve::Request;
use crate::rules::{Fact, FactType, Value};

/// The symbol of a text no rule literal uses: equal to no literal.
pub(crate) const NOT_INTERNED: u32 = u32::MAX;

/// Slots of the reserved request fields; declared facts follow.
pub(crate) const SLOT_NEED: u32 = 0;
const SLOT_LANGUAGE: u32 = 1;
const SLOT_SITE: u32 = 2;
const SLOT_UNIT: u32 = 3;
const RESERVED_SLOTS: u32 = 4;

/// Text literals and fact names, numbered.
#[derive(Debug, Default)]
pub(crate) struct Symbols {
    /// Text → symbol. The keys are [`CompactString`]s: a text of up to 24 bytes is held in
    /// the table's own slot, so a look-up compares it there instead of reading a string
    /// elsewhere in memory (a cache miss per look-up on a cold request stream).
    texts: HashMap<CompactString, u32, FastBuild>,
    /// Fact name → slot (declared facts and any other name a rule tests), keys inline as
    /// in `texts`.
    slots: HashMap<CompactString, u32, FastBuild>,
    /// Per slot: does some rule compare it with a text literal, or does its fact allow
    /// only some texts (so its request value is worth interning)?
    text_tested: Vec<bool>,
    /// Per declared fact (in declaration order): the symbols of its allowed values, when
    /// it is a text fact with a list of them; the check is then one membership test of the
    /// value's symbol instead of string comparisons.
    allowed_texts: Vec<Option<Box<[u32]>>>,
    /// The fact of each slot after the reserved ones (for questions: [`Symbols::fact`]).
    names: Vec<Id>,
}

impl Symbols {
    /// Heap bytes of the tables: the interned texts and the slots, with the strings too
    /// long to be held inline, the per-slot flags and the allowed values.
    pub(crate) fn heap_bytes(&self) -> usize {
        fn table(t: &HashMap<CompactString, u32, FastBuild>) -> usize {
            map_heap_bytes::<CompactString, u32>(t.capacity())
                + t.keys()
                    .filter(|k| k.is_heap_allocated())
                    .map(|k| k.capacity())
                    .sum::<usize>()
        }
        table(&self.texts)
            + table(&self.slots)
            + self.names.capacity() * std::mem::size_of::<Id>()
            + self.text_tested.capacity()
            + self.allowed_texts.capacity() * std::mem::size_of::<Option<Box<[u32]>>>()
            + self
                .allowed_texts
                .iter()
                .flatten()
                .map(|a| a.len() * 4)
                .sum::<usize>()
    }

    /// Slots for the declared facts, in declaration order.
    pub(crate) fn new<'a>(declared: impl Iterator<Item = &'a Id>) -> Symbols {
        let mut s = Symbols {
            text_tested: vec![false; RESERVED_SLOTS as usize],
            ..Symbols::default()
        };
        for id in declared {
            s.slot_of_name(id);
        }
        s
    }

    /// Slots for the declared facts, in declaration order, with the allowed values of the
    /// text facts interned so that a request's value is checked by its symbol.
    pub(crate) fn of_facts(declared: &[Fact]) -> Symbols {
        let mut s = Symbols::new(declared.iter().map(|f| &f.id));
        s.allow(declared);
        s
    }

    /// Intern the allowed values of the declared text facts (`declared` as given to
    /// [`Symbols::new`]), so a request's value is checked by its symbol.
    fn allow(&mut self, declared: &[Fact]) {
        self.allowed_texts = declared
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let texts: Option<Vec<&str>> = f
                    .values
                    .iter()
                    .map(|v| match v {
                        Value::Text(t) => Some(t.as_str()),
                        _ => None,
                    })
                    .collect();
                let texts = texts.filter(|t| !t.is_empty() && f.kind == FactType::String)?;
                let slot = RESERVED_SLOTS as usize + i;
                if let Some(t) = self.text_tested.get_mut(slot) {
                    *t = true;
                }
                Some(texts.into_iter().map(|t| self.intern(t)).collect())
            })
            .collect();
    }

    fn slot_of_name(&mut self, id: &Id) -> u32 {
        if let Some(&s) = self.slots.get(id.as_str()) {
            return s;
        }
        let s = self.text_tested.len() as u32;
        self.slots.insert(id.as_str().into(), s);
        self.text_tested.push(false);
        self.names.push(id.clone());
        s
    }

    /// The fact a slot reads (`None`: no such slot).
    pub(crate) fn fact(&self, slot: u32) -> Option<FactRef> {
        Some(match slot {
            SLOT_NEED => FactRef::Need,
            SLOT_LANGUAGE => FactRef::Language,
            SLOT_SITE => FactRef::Site,
            SLOT_UNIT => FactRef::Unit,
            s => FactRef::Declared(self.names.get((s - RESERVED_SLOTS) as usize)?.clone()),
        })
    }

    fn slot(&mut self, f: &FactRef) -> u32 {
        match f {
            FactRef::Need => SLOT_NEED,
            FactRef::Language => SLOT_LANGUAGE,
            FactRef::Site => SLOT_SITE,
            FactRef::Unit => SLOT_UNIT,
            FactRef::Declared(id) => self.slot_of_name(id),
        }
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&x) = self.texts.get(s) {
            return x;
        }
        let x = self.texts.len() as u32;
        self.texts.insert(s.into(), x);
        x
    }

    fn lit(&mut self, slot: u32, l: &Lit) -> ILit {
        match l {
            Lit::Text(s) => {
                if let Some(t) = self.text_tested.get_mut(slot as usize) {
                    *t = true;
                }
                ILit::Text(self.intern(s))
            }
            Lit::Number(n) => ILit::Number(*n),
            Lit::Bool(b) => ILit::Bool(*b),
        }
    }

    /// Compile a condition.
    pub(crate) fn compile(&mut self, c: &Cond) -> FCond {
        match c {
            Cond::All(v) => FCond::All(v.iter().map(|c| self.compile(c)).collect()),
            Cond::Any(v) => FCond::Any(v.iter().map(|c| self.compile(c)).collect()),
            Cond::Not(c) => FCond::Not(Box::new(self.compile(c))),
            Cond::Test(f, t) => {
                let slot = self.slot(f);
                let t = t.map_lit(|l| self.lit(slot, l));
                FCond::Test(slot, t)
            }
        }
    }

    #[inline]
    fn text<'r>(&self, slot: u32, s: &'r str) -> V<'r> {
        let sym = if self
            .text_tested
            .get(slot as usize)
            .copied()
            .unwrap_or(false)
        {
            self.texts.get(s).copied().unwrap_or(NOT_INTERNED)
        } else {
            NOT_INTERNED
        };
        V::Text(sym, s)
    }

    /// A request's values by slot.
    ///
    /// # Complexity
    /// One hash look-up per request fact (its slot), one more per text value of a slot
    /// that rules compare with text.
    #[inline]
    pub(crate) fn facts<'r>(&self, req: &'r Request) -> Facts<'r> {
        let mut out = Facts::default();
        self.read(req, None, &mut out);
        out
    }

    /// Read the request's values into `out` (empty), checking on the way that every fact
    /// of the request is declared (`declared`, in declaration order: slot
    /// `RESERVED_SLOTS + i` is `declared[i]`) with a value it allows: the fact look-ups the
    /// request's validation makes. False as soon as one is not (`out` is then partly
    /// read): the full validation says why.
    #[inline]
    pub(crate) fn read_checked<'r>(
        &self,
        req: &'r Request,
        declared: &[Fact],
        out: &mut Facts<'r>,
    ) -> bool {
        self.read(req, Some(declared), out)
    }

    /// Is `v` (read as `iv`) an allowed value of the fact at `slot`?
    #[inline]
    fn allowed(&self, slot: u32, v: &Value, iv: V<'_>, declared: &[Fact]) -> bool {
        let Some(i) = slot.checked_sub(RESERVED_SLOTS).map(|i| i as usize) else {
            return false;
        };
        match (self.allowed_texts.get(i), iv) {
            (Some(Some(syms)), V::Text(sym, _)) => syms.contains(&sym),
            _ => declared.get(i).is_some_and(|f| f.check(v).is_ok()),
        }
    }

    /// Read the request's values into `out` (empty); with `declared`, stop with false at
    /// the first fact that is not declared or has a value its fact does not allow
    /// (without, facts no rule tests are skipped).
    #[inline]
    fn read<'r>(&self, req: &'r Request, declared: Option<&[Fact]>, out: &mut Facts<'r>) -> bool {
        let mut set = |slot: u32, v: V<'r>| out.set(slot, v);
        set(SLOT_NEED, self.text(SLOT_NEED, &req.need));
        if let Some(l) = &req.language {
            set(SLOT_LANGUAGE, self.text(SLOT_LANGUAGE, l));
        }
        if let Some(s) = &req.site {
            set(SLOT_SITE, self.text(SLOT_SITE, s));
        }
        if let Some(u) = &req.unit {
            set(SLOT_UNIT, self.text(SLOT_UNIT, u));
        }
        for (name, v) in &req.facts {
            let Some(&slot) = self.slots.get(name.as_str()) else {
                if declared.is_some() {
                    return false;
                }
                continue;
            };
            let iv = match v {
                Value::Text(s) => self.text(slot, s),
                Value::Number(n) => V::Number(*n),
                Value::Bool(b) => V::Bool(*b),
            };
            if declared.is_some_and(|d| !self.allowed(slot, v, iv, d)) {
                return false;
            }
            set(slot, iv);
        }
        true
    }
}

/// A request value: text with its symbol ([`NOT_INTERNED`] when no literal uses it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum V<'r> {
    Text(u32, &'r str),
    Number(f64),
    Bool(bool),
}

/// Slots held inline by [`Facts`] (the reserved four and twelve declared facts).
const INLINE_SLOTS: usize = 16;

/// A request's values by slot: the first [`INLINE_SLOTS`] in place (made empty with a few
/// stores, no copy), the rest on the heap.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Facts<'r> {
    first: [Option<V<'r>>; INLINE_SLOTS],
    rest: Vec<Option<V<'r>>>,
}

impl Default for Facts<'_> {
    #[inline]
    fn default() -> Self {
        Facts {
            first: [None; INLINE_SLOTS],
            rest: Vec::new(),
        }
    }
}

impl<'r> Facts<'r> {
    #[inline]
    pub(crate) fn get(&self, slot: u32) -> Option<V<'r>> {
        let s = slot as usize;
        match self.first.get(s) {
            Some(v) => *v,
            None => self.rest.get(s - INLINE_SLOTS).copied().flatten(),
        }
    }

    #[inline]
    fn set(&mut self, slot: u32, v: V<'r>) {
        let s = slot as usize;
        if let Some(x) = self.first.get_mut(s) {
            *x = Some(v);
            return;
        }
        let i = s - INLINE_SLOTS;
        if self.rest.len() <= i {
            self.rest.resize(i + 1, None);
        }
        if let Some(x) = self.rest.get_mut(i) {
            *x = Some(v);
        }
    }
}

/// An interned literal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ILit {
    Text(u32),
    Number(f64),
    Bool(bool),
}

impl<'r> Literal<V<'r>> for ILit {
    #[inline]
    fn matches(&self, v: V<'r>) -> bool {
        match (*self, v) {
            (ILit::Text(a), V::Text(b, _)) => a == b,
            (ILit::Number(a), V::Number(b)) => a == b,
            (ILit::Bool(a), V::Bool(b)) => a == b,
            _ => false,
        }
    }
}

impl Read for V<'_> {
    #[inline]
    fn number(self) -> Option<f64> {
        match self {
            V::Number(n) => Some(n),
            _ => None,
        }
    }

    #[inline]
    fn text(&self) -> Option<&str> {
        match self {
            V::Text(_, s) => Some(s),
            _ => None,
        }
    }
}

impl ILit {
    /// The literal as a hash key (-0.0 and 0.0 alike).
    pub(crate) fn key(self) -> Key {
        match self {
            ILit::Text(s) => Key::Text(s),
            ILit::Number(n) => Key::Number(number_key(n)),
            ILit::Bool(b) => Key::Bool(b),
        }
    }
}

/// A hashable value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Text(u32),
    Number(u64),
    Bool(bool),
}

/// The bits of a number as a key, with -0.0 == 0.0.
#[inline]
pub(crate) fn number_key(n: f64) -> u64 {
    if n == 0.0 {
        0.0f64.to_bits()
    } else {
        n.to_bits()
    }
}

/// A test compiled for the hot path: literals interned.
pub(crate) type FTest = Test<ILit>;

/// A condition compiled for the hot path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FCond {
    All(Box<[FCond]>),
    Any(Box<[FCond]>),
    Not(Box<FCond>),
    Test(u32, FTest),
}

impl FCond {
    /// Evaluate against a request's values (the tree form of [`Conds::eval`], kept as its
    /// test oracle).
    #[cfg(test)]
    pub(crate) fn eval(&self, f: &Facts<'_>) -> Tri {
        match self {
            FCond::Test(slot, t) => match (f.get(*slot), t) {
                (v, FTest::Exists(b)) => Tri::from_bool(v.is_some() == *b),
                (None, _) => Tri::Unknown,
                (Some(v), t) => Tri::from_bool(t.holds(v)),
            },
            FCond::All(parts) => Tri::all(parts.iter().map(|p| p.eval(f))),
            FCond::Any(parts) => Tri::any(parts.iter().map(|p| p.eval(f))),
            FCond::Not(c) => c.eval(f).not(),
        }
    }

    /// Necessary membership tests, as [`Cond::key_candidates`]: (slot, values) such that
    /// the condition can only be true or unknown when the slot is empty or holds one of
    /// the values.
    pub(crate) fn key_candidates(&self) -> Vec<(u32, Vec<ILit>)> {
        match self {
            FCond::Test(s, FTest::Eq(l)) => vec![(*s, vec![*l])],
            FCond::Test(s, FTest::In(ls)) if !ls.is_empty() => vec![(*s, ls.to_vec())],
            FCond::All(parts) => parts.iter().flat_map(|p| p.key_candidates()).collect(),
            FCond::Any(parts) if !parts.is_empty() => {
                let per_part: Vec<Vec<(u32, Vec<ILit>)>> =
                    parts.iter().map(|p| p.key_candidates()).collect();
                let Some(first) = per_part.first() else {
                    return Vec::new();
                };
                let mut out: Vec<(u32, Vec<ILit>)> = Vec::new();
                for (slot, _) in first {
                    if out.iter().any(|(s, _)| s == slot) {
                        continue;
                    }
                    let mut union: Vec<ILit> = Vec::new();
                    let mut all_pin = true;
                    for keys in &per_part {
                        match keys
                            .iter()
                            .filter(|(s, _)| s == slot)
                            .min_by_key(|(_, ls)| ls.len())
                        {
                            Some((_, ls)) => {
                                for l in ls {
                                    if !union.contains(l) {
                                        union.push(*l);
                                    }
                                }
                            }
                            None => {
                                all_pin = false;
                                break;
                            }
                        }
                    }
                    if all_pin {
                        out.push((*slot, union));
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// An exact encoding of the condition as it behaves when the slots hold the values
    /// `fixed`: conjuncts of the top-level conjunction that are then certainly true
    /// (`eq`/`in` tests accepting the value) are left out. Two conditions with the same
    /// encoding under the same `fixed` give the same verdict, and miss the same facts, on
    /// every request that has those values.
    pub(crate) fn encode(&self, fixed: &[(u32, Key)], out: &mut Vec<u64>) {
        self.encode_at(fixed, true, out);
    }

    fn encode_at(&self, fixed: &[(u32, Key)], top: bool, out: &mut Vec<u64>) {
        match self {
            FCond::All(parts) => {
                out.push(1);
                for p in parts.iter() {
                    if top && p.certainly_true(fixed) {
                        continue;
                    }
                    p.encode_at(fixed, top, out);
                }
                out.push(0);
            }
            FCond::Any(parts) => {
                out.push(2);
                for p in parts.iter() {
                    p.encode_at(fixed, false, out);
                }
                out.push(0);
            }
            FCond::Not(c) => {
                out.push(3);
                c.encode_at(fixed, false, out);
            }
            FCond::Test(slot, t) => {
                if top && self.certainly_true(fixed) {
                    // A lone test that is certainly true: encode as the empty conjunction.
                    out.push(1);
                    out.push(0);
                    return;
                }
                out.push(4);
                out.push(u64::from(*slot));
                let lits = |out: &mut Vec<u64>, ls: &[ILit]| {
                    out.push(ls.len() as u64);
                    for l in ls {
                        lit_code(*l, out);
                    }
                };
                match t {
                    FTest::Eq(l) => {
                        out.push(10);
                        lit_code(*l, out);
                    }
                    FTest::Ne(l) => {
                        out.push(11);
                        lit_code(*l, out);
                    }
                    FTest::In(ls) => {
                        out.push(12);
                        lits(out, ls);
                    }
                    FTest::NotIn(ls) => {
                        out.push(13);
                        lits(out, ls);
                    }
                    FTest::Lt(x) => out.extend([14, x.to_bits()]),
                    FTest::Lte(x) => out.extend([15, x.to_bits()]),
                    FTest::Gt(x) => out.extend([16, x.to_bits()]),
                    FTest::Gte(x) => out.extend([17, x.to_bits()]),
                    FTest::Exists(b) => out.extend([18, u64::from(*b)]),
                    FTest::Prefix(p) => {
                        out.push(19);
                        out.push(p.len() as u64);
                        out.extend(p.bytes().map(u64::from));
                    }
                }
            }
        }
    }

    /// Is this an `eq`/`in` test of the fixed slot that accepts the fixed value?
    fn certainly_true(&self, fixed: &[(u32, Key)]) -> bool {
        fixed.iter().any(|&(fs, key)| match self {
            FCond::Test(s, FTest::Eq(l)) if *s == fs => l.key() == key,
            FCond::Test(s, FTest::In(ls)) if *s == fs => ls.iter().any(|l| l.key() == key),
            _ => false,
        })
    }
}

/// One node of [`Conds`]: a condition's tree in pre-order, a test with its slot and
/// literal inline (16 bytes), a conjunction or disjunction with the end of its subtree so a
/// short circuit skips it in one step.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Node {
    /// `all` of the subtrees that follow, up to node `end` (exclusive).
    All {
        end: u32,
    },
    /// `any` of the subtrees that follow, up to node `end` (exclusive).
    Any {
        end: u32,
    },
    /// `not` of the subtree that follows.
    Not,
    Exists {
        slot: u32,
        present: bool,
    },
    EqText {
        slot: u32,
        sym: u32,
    },
    EqNumber {
        slot: u32,
        x: f64,
    },
    EqBool {
        slot: u32,
        b: bool,
    },
    NeText {
        slot: u32,
        sym: u32,
    },
    NeNumber {
        slot: u32,
        x: f64,
    },
    NeBool {
        slot: u32,
        b: bool,
    },
    /// One of `lits[start..start + len]`.
    In {
        slot: u32,
        start: u32,
        len: u32,
    },
    /// None of `lits[start..start + len]`.
    NotIn {
        slot: u32,
        start: u32,
        len: u32,
    },
    Lt {
        slot: u32,
        x: f64,
    },
    Lte {
        slot: u32,
        x: f64,
    },
    Gt {
        slot: u32,
        x: f64,
    },
    Gte {
        slot: u32,
        x: f64,
    },
    /// Text starting with `prefixes[ix]`.
    Prefix {
        slot: u32,
        ix: u32,
    },
}

/// Every rule's condition in one contiguous block, in evaluation order: what
/// [`Engine::decide_with`](crate::resolve::engine::Engine::decide_with) evaluates. Same
/// three-valued semantics as [`FCond::eval`] and [`Cond::eval`].
#[derive(Debug, Default)]
pub(crate) struct Conds {
    nodes: Box<[Node]>,
    /// Per rule, the nodes of the conjuncts of its condition (its root `all`'s parts, or
    /// the root alone): evaluated in a loop, without the call a subtree costs.
    rules: Box<[(u32, u32)]>,
    /// The literals of `in`/`not_in` tests.
    lits: Box<[ILit]>,
    /// The texts of `prefix` tests.
    prefixes: Box<[Box<str>]>,
}

/// Builds a [`Conds`].
#[derive(Default)]
struct CondsBuilder {
    nodes: Vec<Node>,
    lits: Vec<ILit>,
    prefixes: Vec<Box<str>>,
}

impl CondsBuilder {
    fn push(&mut self, c: &FCond) {
        match c {
            FCond::All(parts) | FCond::Any(parts) => {
                let at = self.nodes.len();
                self.nodes.push(Node::Not);
                for p in parts.iter() {
                    self.push(p);
                }
                let end = self.nodes.len() as u32;
                let node = if matches!(c, FCond::All(_)) {
                    Node::All { end }
                } else {
                    Node::Any { end }
                };
                if let Some(n) = self.nodes.get_mut(at) {
                    *n = node;
                }
            }
            FCond::Not(c) => {
                self.nodes.push(Node::Not);
                self.push(c);
            }
            FCond::Test(slot, t) => {
                let slot = *slot;
                let mut list = |ls: &[ILit]| {
                    let start = self.lits.len() as u32;
                    self.lits.extend_from_slice(ls);
                    (start, ls.len() as u32)
                };
                let node = match t {
                    FTest::Eq(ILit::Text(sym)) => Node::EqText { slot, sym: *sym },
                    FTest::Eq(ILit::Number(x)) => Node::EqNumber { slot, x: *x },
                    FTest::Eq(ILit::Bool(b)) => Node::EqBool { slot, b: *b },
                    FTest::Ne(ILit::Text(sym)) => Node::NeText { slot, sym: *sym },
                    FTest::Ne(ILit::Number(x)) => Node::NeNumber { slot, x: *x },
                    FTest::Ne(ILit::Bool(b)) => Node::NeBool { slot, b: *b },
                    FTest::In(ls) => {
                        let (start, len) = list(ls);
                        Node::In { slot, start, len }
                    }
                    FTest::NotIn(ls) => {
                        let (start, len) = list(ls);
                        Node::NotIn { slot, start, len }
                    }
                    FTest::Lt(x) => Node::Lt { slot, x: *x },
                    FTest::Lte(x) => Node::Lte { slot, x: *x },
                    FTest::Gt(x) => Node::Gt { slot, x: *x },
                    FTest::Gte(x) => Node::Gte { slot, x: *x },
                    FTest::Exists(present) => Node::Exists {
                        slot,
                        present: *present,
                    },
                    FTest::Prefix(p) => {
                        self.prefixes.push(p.clone());
                        Node::Prefix {
                            slot,
                            ix: self.prefixes.len() as u32 - 1,
                        }
                    }
                };
                self.nodes.push(node);
            }
        }
    }
}

/// What an evaluation of [`Conds`] reports besides its verdict: nothing (`()`, the hot
/// path, where the calls compile away), or the slots whose absent values make it unknown
/// (a `Vec<u32>`, for the questions of an undecided request).
trait Sink {
    /// Where the slots of a subtree start.
    fn mark(&self) -> usize;
    /// The value of `slot` is absent: the test is unknown.
    fn unknown(&mut self, slot: u32);
    /// The subtree whose slots start at `mark` is `t`: its slots count only if unknown.
    fn settle(&mut self, mark: usize, t: Tri);
}

impl Sink for () {
    #[inline(always)]
    fn mark(&self) -> usize {
        0
    }
    #[inline(always)]
    fn unknown(&mut self, _: u32) {}
    #[inline(always)]
    fn settle(&mut self, _: usize, _: Tri) {}
}

impl Sink for Vec<u32> {
    fn mark(&self) -> usize {
        self.len()
    }
    fn unknown(&mut self, slot: u32) {
        if !self.contains(&slot) {
            self.push(slot);
        }
    }
    fn settle(&mut self, mark: usize, t: Tri) {
        if t != Tri::Unknown {
            self.truncate(mark);
        }
    }
}

impl Conds {
    /// Lay out the conditions (in evaluation order) in one block.
    pub(crate) fn build(conds: &[FCond]) -> Conds {
        let mut b = CondsBuilder::default();
        let mut rules = Vec::with_capacity(conds.len());
        for c in conds {
            let start = b.nodes.len() as u32;
            match c {
                FCond::All(parts) => parts.iter().for_each(|p| b.push(p)),
                c => b.push(c),
            }
            rules.push((start, b.nodes.len() as u32));
        }
        Conds {
            nodes: b.nodes.into_boxed_slice(),
            rules: rules.into_boxed_slice(),
            lits: b.lits.into_boxed_slice(),
            prefixes: b.prefixes.into_boxed_slice(),
        }
    }

    /// The verdict of rule `rule`'s condition on a request's values (`None`: no such rule).
    ///
    /// # Complexity
    /// One step per node evaluated; a short circuit skips the rest of its subtree at once.
    #[inline(always)]
    pub(crate) fn eval(&self, rule: u32, f: &Facts<'_>) -> Option<Tri> {
        self.eval_into(rule, f, &mut ())
    }

    /// [`Conds::eval`], pushing onto `missing` (without duplicates, in order of first
    /// appearance) the slots whose absent values make the verdict unknown; nothing is
    /// pushed when it is true or false. These are the facts a question asks for.
    pub(crate) fn eval_missing(
        &self,
        rule: u32,
        f: &Facts<'_>,
        missing: &mut Vec<u32>,
    ) -> Option<Tri> {
        self.eval_into(rule, f, missing)
    }

    /// Rule `rule`'s verdict, its unknown tests reported to `sink`.
    #[inline(always)]
    fn eval_into<S: Sink>(&self, rule: u32, f: &Facts<'_>, sink: &mut S) -> Option<Tri> {
        let &(start, end) = self.rules.get(rule as usize)?;
        let (start, end) = (start as usize, end as usize);
        Some(self.fold(start, end, Tri::False, Tri::True, f, sink))
    }

    /// The verdict of the subtree at `i` (`node`), and where the next one starts.
    fn eval_at<S: Sink>(&self, i: usize, node: Node, f: &Facts<'_>, sink: &mut S) -> (Tri, usize) {
        let next = i + 1;
        match node {
            Node::All { end } => {
                let end = end as usize;
                (self.fold(next, end, Tri::False, Tri::True, f, sink), end)
            }
            Node::Any { end } => {
                let end = end as usize;
                (self.fold(next, end, Tri::True, Tri::False, f, sink), end)
            }
            Node::Not => {
                let Some(&child) = self.nodes.get(next) else {
                    return (Tri::Unknown, next);
                };
                let (t, after) = match self.test(child, f, sink) {
                    Some(t) => (t, next + 1),
                    None => self.eval_at(next, child, f, sink),
                };
                (t.not(), after)
            }
            test => (self.test(test, f, sink).unwrap_or(Tri::Unknown), next),
        }
    }

    /// The subtrees from node `j` up to `end`, combined: `stop` at the first part that is
    /// `stop`, else unknown if any part is, else `rest`. `all` is (false, true), `any`
    /// (true, false).
    #[inline(always)]
    fn fold<S: Sink>(
        &self,
        mut j: usize,
        end: usize,
        stop: Tri,
        rest: Tri,
        f: &Facts<'_>,
        sink: &mut S,
    ) -> Tri {
        let mark = sink.mark();
        let mut out = rest;
        while j < end {
            let Some(&node) = self.nodes.get(j) else {
                break;
            };
            let t = match self.test(node, f, sink) {
                Some(t) => {
                    j += 1;
                    t
                }
                None => {
                    let (t, after) = self.eval_at(j, node, f, sink);
                    j = after;
                    t
                }
            };
            if t == stop {
                sink.settle(mark, stop);
                return stop;
            }
            if t == Tri::Unknown {
                out = Tri::Unknown;
            }
        }
        sink.settle(mark, out);
        out
    }

    /// The verdict of a test node; `None` for `all`/`any`/`not`. An unknown verdict (the
    /// value is absent) is reported to `sink`.
    #[inline(always)]
    fn test<S: Sink>(&self, node: Node, f: &Facts<'_>, sink: &mut S) -> Option<Tri> {
        // The most common test (`need` and text facts), without the general dispatch.
        if let Node::EqText { slot, sym } = node {
            return Some(match f.get(slot) {
                Some(V::Text(s, _)) => Tri::from_bool(s == sym),
                Some(_) => Tri::False,
                None => {
                    sink.unknown(slot);
                    Tri::Unknown
                }
            });
        }
        let slot = match node {
            Node::All { .. } | Node::Any { .. } | Node::Not => return None,
            Node::Exists { slot, present } => {
                return Some(Tri::from_bool(f.get(slot).is_some() == present));
            }
            Node::EqText { slot, .. }
            | Node::EqNumber { slot, .. }
            | Node::EqBool { slot, .. }
            | Node::NeText { slot, .. }
            | Node::NeNumber { slot, .. }
            | Node::NeBool { slot, .. }
            | Node::In { slot, .. }
            | Node::NotIn { slot, .. }
            | Node::Lt { slot, .. }
            | Node::Lte { slot, .. }
            | Node::Gt { slot, .. }
            | Node::Gte { slot, .. }
            | Node::Prefix { slot, .. } => slot,
        };
        Some(match f.get(slot) {
            None => {
                sink.unknown(slot);
                Tri::Unknown
            }
            Some(v) => Tri::from_bool(self.holds(node, v)),
        })
    }

    /// Does the present value `v` pass the test `node`?
    #[inline(always)]
    fn holds(&self, node: Node, v: V<'_>) -> bool {
        let number = |v: V<'_>| match v {
            V::Number(n) => Some(n),
            _ => None,
        };
        match (node, v) {
            (Node::EqText { sym, .. }, V::Text(s, _)) => sym == s,
            (Node::EqNumber { x, .. }, V::Number(n)) => x == n,
            (Node::EqBool { b, .. }, V::Bool(c)) => b == c,
            (Node::EqText { .. } | Node::EqNumber { .. } | Node::EqBool { .. }, _) => false,
            (Node::NeText { sym, .. }, V::Text(s, _)) => sym != s,
            (Node::NeNumber { x, .. }, V::Number(n)) => x != n,
            (Node::NeBool { b, .. }, V::Bool(c)) => b != c,
            (Node::NeText { .. } | Node::NeNumber { .. } | Node::NeBool { .. }, _) => true,
            (Node::In { start, len, .. }, v) => self.list(start, len).iter().any(|l| l.matches(v)),
            (Node::NotIn { start, len, .. }, v) => {
                !self.list(start, len).iter().any(|l| l.matches(v))
            }
            (Node::Lt { x, .. }, v) => number(v).is_some_and(|n| n < x),
            (Node::Lte { x, .. }, v) => number(v).is_some_and(|n| n <= x),
            (Node::Gt { x, .. }, v) => number(v).is_some_and(|n| n > x),
            (Node::Gte { x, .. }, v) => number(v).is_some_and(|n| n >= x),
            (Node::Prefix { ix, .. }, V::Text(_, s)) => self
                .prefixes
                .get(ix as usize)
                .is_some_and(|p| s.starts_with(&**p)),
            (Node::Prefix { .. }, _) => false,
            (Node::Exists { present, .. }, _) => present,
            (Node::All { .. } | Node::Any { .. } | Node::Not, _) => false,
        }
    }

    #[inline]
    fn list(&self, start: u32, len: u32) -> &[ILit] {
        let start = start as usize;
        self.lits
            .get(start..start + len as usize)
            .unwrap_or_default()
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes.len() * std::mem::size_of::<Node>()
            + self.rules.len() * 8
            + self.lits.len() * std::mem::size_of::<ILit>()
            + self
                .prefixes
                .iter()
                .map(|p| p.len() + std::mem::size_of::<Box<str>>())
                .sum::<usize>()
    }
}

fn lit_code(l: ILit, out: &mut Vec<u64>) {
    match l {
        ILit::Text(s) => out.extend([1, u64::from(s)]),
        // Exact bits: 0.0 and -0.0 encode apart (only fewer conditions found alike).
        ILit::Number(n) => out.extend([2, n.to_bits()]),
        ILit::Bool(b) => out.extend([3, u64::from(b)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Condition;

    fn compile(s: &mut Symbols, json: &str) -> (Cond, FCond) {
        let c: Condition = serde_json::from_str(json).unwrap();
        let c = Cond::compile(&c);
        let f = s.compile(&c);
        (c, f)
    }

    #[test]
    fn facts_beyond_the_inline_slots_are_read() {
        let ids: Vec<Id> = (0..40).map(|i| Id::from(format!("f{i}"))).collect();
        let mut s = Symbols::new(ids.iter());
        let (_, f) = compile(
            &mut s,
            r#"{"all":[{"fact":"f3","eq":1},{"fact":"f39","eq":"x"}]}"#,
        );
        let mut req = Request::new("n");
        for i in (0..40).rev() {
            req = req.fact(format!("f{i}"), f64::from(i));
        }
        let matching = req.clone().fact("f3", 1.0).fact("f39", "x");
        let facts = s.facts(&matching);
        for i in (0..40).filter(|i| ![3, 39].contains(i)) {
            assert_eq!(facts.get(RESERVED_SLOTS + i), Some(V::Number(f64::from(i))));
        }
        assert_eq!(f.eval(&facts), Tri::True);
        assert_eq!(f.eval(&s.facts(&req)), Tri::False);
        let partial = Request::new("n").fact("f3", 1.0);
        assert_eq!(f.eval(&s.facts(&partial)), Tri::Unknown);
        assert_eq!(facts.get(1_000), None);
    }

    #[test]
    fn agrees_with_cond() {
        let mut s = Symbols::new([Id::from("a"), Id::from("t")].iter());
        let conds = [
            r#"{"fact":"a","eq":1}"#,
            r#"{"fact":"b","eq":1}"#,
            r#"{"fact":"t","in":["x","y"]}"#,
            r#"{"fact":"t","not_in":["x"]}"#,
            r#"{"fact":"t","ne":"x"}"#,
            r#"{"fact":"t","prefix":"z"}"#,
            r#"{"fact":"need","eq":"copy"}"#,
            r#"{"fact":"language","eq":"es"}"#,
            r#"{"not":{"fact":"b","exists":true}}"#,
            r#"{"all":[{"fact":"b","eq":1},{"fact":"a","gte":1}]}"#,
            r#"{"any":[{"fact":"b","eq":1},{"fact":"a","lt":0}]}"#,
            r#"{"fact":"a","eq":0}"#,
            r#"{"all":[{"fact":"x","eq":1},{"any":[{"fact":"y","eq":1},{"fact":"a","eq":1}]},{"fact":"b","eq":1},{"fact":"x","eq":2}]}"#,
            r#"{"any":[{"not":{"fact":"y","eq":1}},{"all":[{"fact":"t","eq":"x"},{"fact":"b","lt":3}]},{"fact":"language","eq":"fr"}]}"#,
            r#"{"all":[{"fact":"site","eq":"hq"},{"not":{"all":[{"fact":"unit","prefix":"r"},{"fact":"b","gt":0}]}}]}"#,
        ];
        let compiled: Vec<(Cond, FCond)> = conds.iter().map(|j| compile(&mut s, j)).collect();
        let trees: Vec<FCond> = compiled.iter().map(|(_, f)| f.clone()).collect();
        let flat = Conds::build(&trees);
        let reqs = [
            Request::new("copy"),
            Request::new("copy").fact("a", 1i64).fact("t", "x"),
            Request::new("other").fact("a", -0.0).fact("t", "zz"),
            Request::new("copy")
                .fact("t", "unknown text")
                .language("es"),
            Request::new("copy").fact("b", 1i64).fact("t", "y"),
        ];
        for r in &reqs {
            let f = s.facts(r);
            for (i, (j, (c, fc))) in conds.iter().zip(&compiled).enumerate() {
                assert_eq!(fc.eval(&f), c.eval(r), "{j} on {r:?}");
                assert_eq!(flat.eval(i as u32, &f), Some(c.eval(r)), "{j} on {r:?}");
            }
            // The facts a question asks for, over every rule in a row as the router asks:
            // the same facts in the same order as the tree's.
            let mut by_tree: Vec<&FactRef> = Vec::new();
            let mut slots: Vec<u32> = Vec::new();
            for (i, (c, _)) in compiled.iter().enumerate() {
                let t = c.eval_missing(r, &mut by_tree);
                assert_eq!(flat.eval_missing(i as u32, &f, &mut slots), Some(t));
            }
            let by_flat: Vec<FactRef> = slots.iter().filter_map(|&x| s.fact(x)).collect();
            let by_tree: Vec<FactRef> = by_tree.into_iter().cloned().collect();
            assert_eq!(by_flat, by_tree, "on {r:?}");
            assert!(!by_tree.is_empty() || r.facts.contains_key("b"));
        }
    }

    #[test]
    fn encoding_leaves_out_what_the_key_fixes() {
        let mut s = Symbols::new([Id::from("c")].iter());
        let (_, a) = compile(
            &mut s,
            r#"{"all":[{"fact":"need","eq":"p"},{"fact":"c","eq":"web"}]}"#,
        );
        let (_, b) = compile(
            &mut s,
            r#"{"all":[{"fact":"need","in":["q","p"]},{"fact":"c","eq":"web"}]}"#,
        );
        let p = Key::Text(s.intern("p"));
        let enc = |c: &FCond, fixed: &[(u32, Key)]| {
            let mut v = Vec::new();
            c.encode(fixed, &mut v);
            v
        };
        assert_ne!(enc(&a, &[]), enc(&b, &[]));
        assert_eq!(enc(&a, &[(SLOT_NEED, p)]), enc(&b, &[(SLOT_NEED, p)]));
        let q = Key::Text(s.intern("q"));
        assert_ne!(enc(&a, &[(SLOT_NEED, q)]), enc(&b, &[(SLOT_NEED, q)]));
    }

    #[test]
    fn key_candidates_are_necessary_memberships() {
        let mut s = Symbols::new([].iter());
        let keys = |s: &mut Symbols, j: &str| compile(s, j).1.key_candidates();
        let k = keys(
            &mut s,
            r#"{"all":[{"fact":"need","eq":"x"},{"all":[{"fact":"a","in":[1,2]}]},{"any":[{"fact":"b","eq":1}]},{"not":{"fact":"c","eq":1}}]}"#,
        );
        assert_eq!(k.len(), 3);
        assert_eq!(k[0].0, SLOT_NEED);
        let k = keys(
            &mut s,
            r#"{"any":[{"fact":"need","eq":"x"},{"all":[{"fact":"need","in":["y","x"]},{"fact":"a","eq":1}]}]}"#,
        );
        assert_eq!(k.len(), 1);
        assert_eq!((k[0].0, k[0].1.len()), (SLOT_NEED, 2));
        // An alternative that does not pin `need` leaves nothing to index on.
        assert!(
            keys(
                &mut s,
                r#"{"any":[{"fact":"need","eq":"x"},{"fact":"a","eq":1}]}"#
            )
            .is_empty()
        );
        assert!(keys(&mut s, r#"{"not":{"fact":"need","eq":"x"}}"#).is_empty());
    }

    #[test]
    fn facts_checked_accepts_exactly_the_declared_facts_with_allowed_values() {
        use crate::rules::FactType;
        let fact = |id: &str, kind, values: Vec<Value>, min| Fact {
            id: Id::from(id),
            kind,
            values,
            min,
            max: None,
            question: String::new(),
        };
        let declared = [
            fact("a", FactType::Number, vec![], Some(0.0)),
            fact(
                "t",
                FactType::String,
                vec![Value::from("x"), Value::from("y")],
                None,
            ),
        ];
        // With the allowed texts interned (as the router does) and without (the check by
        // string comparison), the same verdicts.
        for interned in [true, false] {
            let mut s = if interned {
                Symbols::of_facts(&declared)
            } else {
                Symbols::new(declared.iter().map(|f| &f.id))
            };
            // A rule may test a name no fact declares: it has a slot, but is no valid fact.
            compile(&mut s, r#"{"fact":"u","eq":1}"#);
            let ok = |r: &Request| s.read_checked(r, &declared, &mut Facts::default());
            assert!(ok(&Request::new("n")));
            assert!(ok(&Request::new("n").fact("a", 1.0).fact("t", "y")));
            assert!(ok(&Request::new("n").fact("t", "x")));
            assert!(!ok(&Request::new("n").fact("a", -1.0)));
            assert!(!ok(&Request::new("n").fact("a", "1")));
            assert!(!ok(&Request::new("n").fact("t", "z")));
            assert!(!ok(&Request::new("n").fact("t", 1.0)));
            assert!(!ok(&Request::new("n").fact("t", true)));
            assert!(!ok(&Request::new("n").fact("u", 1.0)));
            assert!(!ok(&Request::new("n").fact("zzz", 1.0)));
            assert!(!ok(&Request::new("n").fact("need", "n")));
            // What it reads is what `facts` reads.
            let r = Request::new("n").fact("a", 2.0).fact("t", "x");
            let mut a = Facts::default();
            assert!(s.read_checked(&r, &declared, &mut a), "valid request");
            assert_eq!(a, s.facts(&r));
        }
    }

    #[test]
    fn a_flat_node_is_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Node>(), 16);
    }

    #[test]
    fn flat_block_skips_short_circuited_subtrees() {
        let mut s = Symbols::new([Id::from("a"), Id::from("b")].iter());
        let jsons = [
            // The false first part skips the nested `any` and `not`.
            r#"{"all":[{"fact":"a","eq":2},{"any":[{"fact":"b","eq":1},{"not":{"fact":"c","eq":1}}]},{"fact":"b","eq":1}]}"#,
            r#"{"any":[{"fact":"a","eq":1},{"all":[]},{"fact":"zz","eq":1}]}"#,
            r#"{"not":{"not":{"all":[{"fact":"a","eq":1},{"fact":"b","gte":3}]}}}"#,
            r#"{"any":[]}"#,
            r#"{"all":[]}"#,
            r#"{"fact":"need","prefix":"co"}"#,
            r#"{"not":{"fact":"need","prefix":"x"}}"#,
        ];
        let (cs, fs): (Vec<Cond>, Vec<FCond>) = jsons.iter().map(|j| compile(&mut s, j)).unzip();
        let flat = Conds::build(&fs);
        for r in [
            Request::new("copy").fact("a", 1i64),
            Request::new("copy").fact("a", 2i64).fact("b", 4i64),
            Request::new("x").fact("a", 2i64).fact("b", 1i64),
            Request::new("x"),
        ] {
            let f = s.facts(&r);
            for (i, c) in cs.iter().enumerate() {
                assert_eq!(
                    flat.eval(i as u32, &f),
                    Some(c.eval(&r)),
                    "{} on {r:?}",
                    jsons[i]
                );
            }
        }
        assert_eq!(
            flat.eval(jsons.len() as u32, &s.facts(&Request::new("x"))),
            None
        );
        assert_eq!(Conds::build(&[]).eval(0, &Facts::default()), None);
    }

    mod random {
        use super::*;
        use crate::rules::{Condition, Op};
        use proptest::prelude::*;

        /// Facts the conditions test: reserved, declared, and one no fact declares.
        const NAMES: [&str; 7] = ["need", "language", "site", "a", "b", "t", "undeclared"];

        fn value() -> impl Strategy<Value = Value> {
            prop_oneof![
                prop::sample::select(vec!["x", "y", "xy", "z", ""]).prop_map(Value::from),
                prop::sample::select(vec![-1.0, -0.0, 0.0, 1.0, 2.5]).prop_map(Value::Number),
                any::<bool>().prop_map(Value::Bool),
            ]
        }

        fn op() -> impl Strategy<Value = Op> {
            let x = prop::sample::select(vec![-1.0, 0.0, 1.0, 2.5]);
            prop_oneof![
                value().prop_map(Op::Eq),
                value().prop_map(Op::Ne),
                prop::collection::vec(value(), 0..4).prop_map(Op::In),
                prop::collection::vec(value(), 0..4).prop_map(Op::NotIn),
                x.clone().prop_map(Op::Lt),
                x.clone().prop_map(Op::Lte),
                x.clone().prop_map(Op::Gt),
                x.prop_map(Op::Gte),
                any::<bool>().prop_map(Op::Exists),
                prop::sample::select(vec!["", "x", "xy", "q"])
                    .prop_map(|p| Op::Prefix(p.to_owned())),
            ]
        }

        fn condition() -> impl Strategy<Value = Condition> {
            let test =
                (prop::sample::select(NAMES.to_vec()), op()).prop_map(|(f, op)| Condition::Test {
                    fact: f.to_owned(),
                    op,
                });
            test.prop_recursive(5, 48, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Condition::All),
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Condition::Any),
                    inner.prop_map(|c| Condition::Not(Box::new(c))),
                ]
            })
        }

        /// A request with some of the facts, of any type (the router's validation would
        /// refuse some; evaluation must still agree).
        fn request() -> impl Strategy<Value = Request> {
            let text = prop::sample::select(vec!["x", "y", "xy", "z", ""]);
            (
                text.clone(),
                prop::option::of(text.clone()),
                prop::option::of(text),
                prop::collection::vec(
                    (
                        prop::sample::select(vec!["a", "b", "t", "undeclared"]),
                        value(),
                    ),
                    0..4,
                ),
            )
                .prop_map(|(need, language, site, facts)| {
                    let mut r = Request::new(need);
                    if let Some(l) = language {
                        r = r.language(l);
                    }
                    if let Some(s) = site {
                        r = r.site(s);
                    }
                    for (name, v) in facts {
                        r = r.fact(name, v);
                    }
                    r
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// The flat block, the tree and the owned condition give the same verdict on
            /// every rule, for every request.
            #[test]
            fn flat_agrees_with_tree_and_cond(
                conds in prop::collection::vec(condition(), 1..6),
                reqs in prop::collection::vec(request(), 1..6),
            ) {
                let mut s = Symbols::new([Id::from("a"), Id::from("b"), Id::from("t")].iter());
                let cs: Vec<Cond> = conds.iter().map(Cond::compile).collect();
                let fs: Vec<FCond> = cs.iter().map(|c| s.compile(c)).collect();
                let flat = Conds::build(&fs);
                for r in &reqs {
                    let f = s.facts(r);
                    for (i, (c, fc)) in cs.iter().zip(&fs).enumerate() {
                        let want = c.eval(r);
                        prop_assert_eq!(fc.eval(&f), want, "tree {:?} on {:?}", c, r);
                        prop_assert_eq!(flat.eval(i as u32, &f), Some(want), "flat {:?} on {:?}", c, r);
                    }
                }
            }
        }
    }
}
