//! Satisfiability of rule conditions under the router's three-valued logic.
//!
//! A rule *decides* a request when its condition is TRUE and every rule before it is FALSE
//! (an UNKNOWN rule before it makes the outcome NeedsInfo instead). Conditions are put in
//! negation normal form (negations pushed down to the tests), then in disjunctive normal
//! form: a list of *cubes*, each a conjunction of literals. Under Kleene's three-valued
//! logic a condition is TRUE exactly when some cube has every literal TRUE, and a literal
//! is TRUE only on a fact the request has (except `exists`, which is never unknown), so:
//!
//! - TRUE(`all`) = every part TRUE; TRUE(`any`) = some part TRUE;
//! - FALSE(c) = TRUE(`not` c); FALSE(`all`) = some part FALSE; FALSE(`any`) = every part
//!   FALSE;
//! - a test literal is TRUE when the fact is present and its value passes (positive) or
//!   fails (negated) the test; `exists: b` is TRUE when presence equals `b` (or differs,
//!   negated).
//!
//! A cube is satisfiable when, fact by fact, the presence demands agree and some value of
//! the fact's domain passes every value test. Domains: declared `values` (finite), `min` and
//! `max` for numbers, the organization's site and unit ids for `site` and `unit`, any text
//! otherwise. For each fact type this is decided exactly and a witness value is built:
//! finite sets are filtered; open text domains handle `eq`/`in` (finite), `ne`/`not_in`
//! (co-finite) and positive and negated `prefix` exactly; numbers are `f64` intervals with
//! excluded points. The only approximations are size limits: a condition whose DNF exceeds
//! the cube limit, or a search that exceeds its step budget, is reported *inconclusive*
//! (never as a finding).

use std::collections::HashMap;

use crate::model::{Id, Org};
use crate::rules::{Condition, FactType, Op, RuleSet, Value};

/// Index of a fact in a [`Vocabulary`].
pub(crate) type FactNo = u32;

/// A literal's index in a [`Literals`] table.
pub(crate) type LitNo = u32;

/// A conjunction of literals (sorted, deduplicated literal numbers).
pub(crate) type Cube = Vec<LitNo>;

/// A disjunction of cubes. Empty: never true. One empty cube: always true.
pub(crate) type Dnf = Vec<Cube>;

/// The values a fact may take.
#[derive(Debug, Clone)]
pub(crate) enum Domain {
    /// Text; `Some` when only these values are allowed.
    Text(Option<Vec<String>>),
    /// A number, maybe from a list and within bounds.
    Number {
        values: Option<Vec<f64>>,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// `true` or `false`.
    Bool,
}

/// Every fact a condition may test: the reserved request fields, then the declared facts.
#[derive(Debug)]
pub(crate) struct Vocabulary {
    names: Vec<Id>,
    index: HashMap<Id, FactNo>,
    domains: Vec<Domain>,
    /// Per fact with a finite text domain: each value's first position in it (the
    /// solver's membership test and domain order without scanning the domain).
    positions: Vec<Option<HashMap<String, usize>>>,
}

/// The fact number of `need` (always present in a request).
pub(crate) const NEED: FactNo = 0;
/// The fact number of `language`.
pub(crate) const LANGUAGE: FactNo = 1;
/// The fact number of `site`.
pub(crate) const SITE: FactNo = 2;
/// The fact number of `unit`.
pub(crate) const UNIT: FactNo = 3;

impl Vocabulary {
    pub(crate) fn new(org: &Org, rules: &RuleSet) -> Vocabulary {
        let mut v = Vocabulary {
            names: Vec::new(),
            index: HashMap::new(),
            domains: Vec::new(),
            positions: Vec::new(),
        };
        v.push(Id::from("need"), Domain::Text(None));
        v.push(Id::from("language"), Domain::Text(None));
        v.push(
            Id::from("site"),
            Domain::Text(Some(org.sites().iter().map(|s| s.id.to_string()).collect())),
        );
        v.push(
            Id::from("unit"),
            Domain::Text(Some(org.units().iter().map(|u| u.id.to_string()).collect())),
        );
        for f in rules.facts() {
            let finite = (!f.values.is_empty()).then_some(&f.values);
            let d = match f.kind {
                FactType::String => Domain::Text(finite.map(|vs| {
                    vs.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })),
                FactType::Number => Domain::Number {
                    values: finite.map(|vs| vs.iter().filter_map(Value::as_f64).collect()),
                    min: f.min,
                    max: f.max,
                },
                FactType::Bool => Domain::Bool,
            };
            v.push(f.id.clone(), d);
        }
        v
    }

    fn push(&mut self, name: Id, d: Domain) {
        if self.index.contains_key(&name) {
            return;
        }
        self.index.insert(name.clone(), self.names.len() as FactNo);
        self.names.push(name);
        let positions = match &d {
            Domain::Text(Some(vs)) => {
                let mut m: HashMap<String, usize> = HashMap::with_capacity(vs.len());
                for (i, v) in vs.iter().enumerate() {
                    m.entry(v.clone()).or_insert(i);
                }
                Some(m)
            }
            _ => None,
        };
        self.positions.push(positions);
        self.domains.push(d);
    }

    /// The fact's number.
    pub(crate) fn get(&self, name: &str) -> Option<FactNo> {
        self.index.get(name).copied()
    }

    /// The fact's name.
    pub(crate) fn name(&self, f: FactNo) -> &Id {
        // Fact numbers only come from this vocabulary.
        &self.names[f as usize]
    }

    fn domain(&self, f: FactNo) -> Option<&Domain> {
        self.domains.get(f as usize)
    }

    /// Is `v` in the domain of `f`? True when the domain is not a finite set of texts.
    pub(crate) fn text_allowed(&self, f: FactNo, v: &str) -> bool {
        self.finite_text(f).is_none_or(|d| d.position(v).is_some())
    }

    /// A finite text domain with each value's first position in it.
    fn finite_text(&self, f: FactNo) -> Option<FiniteText<'_>> {
        match (self.domains.get(f as usize), self.positions.get(f as usize)) {
            (Some(Domain::Text(Some(values))), Some(Some(positions))) => {
                Some(FiniteText { values, positions })
            }
            _ => None,
        }
    }
}

/// A finite text domain: its values in order and each value's first position.
#[derive(Debug, Clone, Copy)]
struct FiniteText<'a> {
    values: &'a [String],
    positions: &'a HashMap<String, usize>,
}

impl FiniteText<'_> {
    fn position(&self, v: &str) -> Option<usize> {
        self.positions.get(v).copied()
    }
}

/// A test on one fact, maybe negated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lit {
    pub(crate) fact: FactNo,
    pub(crate) op: Op,
    pub(crate) positive: bool,
}

/// The table of literals every cube points into.
#[derive(Debug, Default)]
pub(crate) struct Literals {
    lits: Vec<Lit>,
}

impl Literals {
    pub(crate) fn add(&mut self, lit: Lit) -> LitNo {
        self.lits.push(lit);
        (self.lits.len() - 1) as LitNo
    }

    pub(crate) fn get(&self, n: LitNo) -> Option<&Lit> {
        self.lits.get(n as usize)
    }
}

/// The DNF grew beyond its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge;

/// A request shape that makes a set of literals TRUE: for each constrained fact, its value
/// (`None`: the request must not have the fact).
pub(crate) type Witness = Vec<(FactNo, Option<Value>)>;

/// The solver: vocabulary, literal table and limits.
#[derive(Debug)]
pub(crate) struct Logic {
    pub(crate) vocab: Vocabulary,
    pub(crate) lits: Literals,
    /// Largest number of cubes a DNF may have.
    pub(crate) cube_limit: usize,
}

impl Logic {
    pub(crate) fn new(vocab: Vocabulary, cube_limit: usize) -> Logic {
        Logic {
            vocab,
            lits: Literals::default(),
            cube_limit: cube_limit.max(1),
        }
    }

    /// A cube of one literal.
    pub(crate) fn unit_cube(&mut self, fact: FactNo, op: Op) -> Cube {
        vec![self.lits.add(Lit {
            fact,
            op,
            positive: true,
        })]
    }

    /// The DNF of TRUE(`c`) (`positive`) or FALSE(`c`).
    ///
    /// # Errors
    /// [`TooLarge`] when a DNF exceeds the cube limit.
    pub(crate) fn dnf(&mut self, c: &Condition, positive: bool) -> Result<Dnf, TooLarge> {
        match c {
            Condition::Not(inner) => self.dnf(inner, !positive),
            Condition::Test { fact, op } => match self.vocab.get(fact) {
                // An undeclared fact is always unknown: never TRUE, never FALSE.
                None => Ok(Vec::new()),
                Some(f) => {
                    let n = self.lits.add(Lit {
                        fact: f,
                        op: op.clone(),
                        positive,
                    });
                    let cube = vec![n];
                    Ok(if self.solve(&cube).is_some() {
                        vec![cube]
                    } else {
                        Vec::new()
                    })
                }
            },
            Condition::All(parts) | Condition::Any(parts) => {
                let conjunction = matches!(c, Condition::All(_)) == positive;
                if conjunction {
                    let mut acc: Dnf = vec![Vec::new()];
                    for p in parts {
                        let d = self.dnf(p, positive)?;
                        acc = self.and(&acc, &d)?;
                        if acc.is_empty() {
                            break;
                        }
                    }
                    Ok(acc)
                } else {
                    let mut acc: Dnf = Vec::new();
                    for p in parts {
                        let d = self.dnf(p, positive)?;
                        for cube in d {
                            if !acc.contains(&cube) {
                                acc.push(cube);
                            }
                        }
                        if acc.len() > self.cube_limit {
                            return Err(TooLarge);
                        }
                    }
                    Ok(acc)
                }
            }
        }
    }

    /// The conjunction of two DNFs, dropping unsatisfiable cubes.
    fn and(&self, a: &Dnf, b: &Dnf) -> Result<Dnf, TooLarge> {
        let mut out: Dnf = Vec::new();
        for x in a {
            for y in b {
                let cube = merge(x, y);
                if out.contains(&cube) || self.solve(&cube).is_none() {
                    continue;
                }
                out.push(cube);
                if out.len() > self.cube_limit {
                    return Err(TooLarge);
                }
            }
        }
        Ok(out)
    }

    /// Find a witness making every DNF in `all` TRUE (each DNF: some cube TRUE), spending at
    /// most `budget` steps (one per cube checked against the current constraints).
    ///
    /// `Ok(None)`: no such request exists. `Err(TooLarge)`: the budget ran out.
    ///
    /// A DPLL-style search: constraints are kept per fact with the current witness value;
    /// a DNF with a cube already TRUE under the witness waits (it is checked again after
    /// every change); one with no cube compatible with the constraints is a conflict; one
    /// with a single compatible cube is committed (unit propagation); otherwise the search
    /// branches on the DNF with the fewest compatible cubes, backtracking on conflict. No
    /// recursion: thousands of DNFs are fine.
    pub(crate) fn search(
        &self,
        all: &[&Dnf],
        budget: &mut usize,
    ) -> Result<Option<Witness>, TooLarge> {
        self.search_classes(all, &[], budget)
    }

    /// [`Logic::search`], where `classes` gives DNFs a class (parallel to `all`; shorter:
    /// the rest have none): DNFs of one class are *twins*, the same literals (by value)
    /// in the same places, so they are TRUE and compatible under the same constraints.
    /// Within one version of the constraints (no commit or rollback in between) a twin's
    /// verdict is taken from the first of its class looked at, charging the budget
    /// the same steps: the search visits, branches and answers exactly as
    /// [`Logic::search`] does, but hundreds of rules repeating one condition cost one
    /// solve per version, not hundreds.
    pub(crate) fn search_classes(
        &self,
        all: &[&Dnf],
        classes: &[u32],
        budget: &mut usize,
    ) -> Result<Option<Witness>, TooLarge> {
        if all.iter().any(|d| d.is_empty()) {
            return Ok(None);
        }
        struct Choice {
            dnf: usize,
            cubes: Vec<usize>,
            next: usize,
            mark: usize,
            decided: usize,
        }
        let mut st = State::new(self);
        let mut seen = Seen {
            classes,
            verdicts: rustc_hash::FxHashMap::default(),
        };
        let mut decided = vec![false; all.len()];
        let mut decided_log: Vec<usize> = Vec::new();
        let mut choices: Vec<Choice> = Vec::new();
        loop {
            match self.propagate(
                &mut st,
                all,
                &mut seen,
                &mut decided,
                &mut decided_log,
                budget,
            )? {
                Propagated::Done => return Ok(Some(st.witness())),
                Propagated::Branch(dnf, cubes) => {
                    let mark = st.mark();
                    let Some(&first) = cubes.first() else {
                        return Ok(None);
                    };
                    choices.push(Choice {
                        dnf,
                        cubes,
                        next: 1,
                        mark,
                        decided: decided_log.len(),
                    });
                    if let Some(cube) = all.get(dnf).and_then(|d| d.get(first)) {
                        st.commit(cube);
                    }
                    if let Some(x) = decided.get_mut(dnf) {
                        *x = true;
                    }
                    decided_log.push(dnf);
                }
                Propagated::Conflict => {
                    // Backtrack to the latest choice with a cube left to try.
                    loop {
                        let Some(c) = choices.last_mut() else {
                            return Ok(None);
                        };
                        st.rollback(c.mark);
                        for d in decided_log.drain(c.decided..) {
                            if let Some(x) = decided.get_mut(d) {
                                *x = false;
                            }
                        }
                        let Some(&ci) = c.cubes.get(c.next) else {
                            choices.pop();
                            continue;
                        };
                        c.next += 1;
                        let dnf = c.dnf;
                        if let Some(cube) = all.get(dnf).and_then(|d| d.get(ci)) {
                            st.commit(cube);
                        }
                        if let Some(x) = decided.get_mut(dnf) {
                            *x = true;
                        }
                        decided_log.push(dnf);
                        break;
                    }
                }
            }
        }
    }

    /// Unit propagation until nothing changes; then a conflict, completion, or the DNF to
    /// branch on with its compatible cubes.
    fn propagate(
        &self,
        st: &mut State<'_>,
        all: &[&Dnf],
        seen: &mut Seen<'_>,
        decided: &mut [bool],
        decided_log: &mut Vec<usize>,
        budget: &mut usize,
    ) -> Result<Propagated, TooLarge> {
        loop {
            let mut changed = false;
            let mut best: Option<(usize, Vec<usize>)> = None;
            for (d, dnf) in all.iter().enumerate() {
                if decided.get(d) != Some(&false) {
                    continue;
                }
                let class = seen.classes.get(d).copied();
                match class.and_then(|c| seen.verdicts.get(&c)) {
                    Some((v, Verdict::TrueNow)) if *v == st.version => continue,
                    Some((v, Verdict::Many(compatible))) if *v == st.version => {
                        // The same steps as checking each cube.
                        if *budget < dnf.len() {
                            return Err(TooLarge);
                        }
                        *budget -= dnf.len();
                        if best
                            .as_ref()
                            .is_none_or(|(_, b)| compatible.len() < b.len())
                        {
                            best = Some((d, compatible.clone()));
                        }
                        continue;
                    }
                    _ => {}
                }
                if dnf.iter().any(|c| st.true_now(c)) {
                    if let Some(c) = class {
                        seen.verdicts.insert(c, (st.version, Verdict::TrueNow));
                    }
                    continue;
                }
                let mut compatible = Vec::new();
                for (ci, cube) in dnf.iter().enumerate() {
                    if *budget == 0 {
                        return Err(TooLarge);
                    }
                    *budget -= 1;
                    if st.compatible(cube) {
                        compatible.push(ci);
                    }
                }
                match compatible.as_slice() {
                    [] => return Ok(Propagated::Conflict),
                    [only] => {
                        if let Some(cube) = dnf.get(*only) {
                            st.commit(cube);
                        }
                        if let Some(x) = decided.get_mut(d) {
                            *x = true;
                        }
                        decided_log.push(d);
                        changed = true;
                    }
                    _ => {
                        if let Some(c) = class {
                            seen.verdicts
                                .insert(c, (st.version, Verdict::Many(compatible.clone())));
                        }
                        if best
                            .as_ref()
                            .is_none_or(|(_, b)| compatible.len() < b.len())
                        {
                            best = Some((d, compatible));
                        }
                    }
                }
            }
            if !changed {
                return Ok(match best {
                    None => Propagated::Done,
                    Some((d, cubes)) => Propagated::Branch(d, cubes),
                });
            }
        }
    }

    /// Is the literal TRUE when the fact has `value` (`None`: absent)?
    pub(crate) fn lit_holds(&self, l: LitNo, value: Option<&Value>) -> bool {
        let Some(lit) = self.lits.get(l) else {
            return false;
        };
        let holds = match (&lit.op, value) {
            (Op::Exists(b), v) => v.is_some() == *b,
            (_, None) => return false,
            (Op::Eq(x), Some(v)) => v == x,
            (Op::Ne(x), Some(v)) => v != x,
            (Op::In(xs), Some(v)) => xs.contains(v),
            (Op::NotIn(xs), Some(v)) => !xs.contains(v),
            (Op::Lt(x), Some(Value::Number(n))) => n < x,
            (Op::Lte(x), Some(Value::Number(n))) => n <= x,
            (Op::Gt(x), Some(Value::Number(n))) => n > x,
            (Op::Gte(x), Some(Value::Number(n))) => n >= x,
            (Op::Prefix(p), Some(Value::Text(t))) => t.starts_with(p.as_str()),
            _ => false,
        };
        holds == lit.positive
    }

    /// A witness for one cube, or `None` when no request makes all its literals TRUE.
    pub(crate) fn solve(&self, cube: &[LitNo]) -> Option<Witness> {
        let mut lits: Vec<&Lit> = cube.iter().filter_map(|&n| self.lits.get(n)).collect();
        lits.sort_by_key(|l| l.fact);
        let mut out: Witness = Vec::new();
        let mut i = 0;
        while i < lits.len() {
            let fact = lits.get(i)?.fact;
            let mut j = i;
            while lits.get(j).is_some_and(|l| l.fact == fact) {
                j += 1;
            }
            let group = lits.get(i..j)?;
            out.push((fact, self.solve_fact(fact, group)?));
            i = j;
        }
        Some(out)
    }

    /// A value (or absence) of one fact satisfying every literal on it.
    fn solve_fact(&self, fact: FactNo, lits: &[&Lit]) -> Option<Option<Value>> {
        let mut present = false;
        let mut absent = false;
        for l in lits {
            match l.op {
                Op::Exists(b) => {
                    if b == l.positive {
                        present = true;
                    } else {
                        absent = true;
                    }
                }
                _ => present = true,
            }
        }
        if fact == NEED {
            // Every request has a need.
            present = true;
        }
        match (present, absent) {
            (true, true) => return None,
            (false, true) => return Some(None),
            _ => {}
        }
        let domain = self.vocab.domain(fact)?;
        let tests: Vec<&Lit> = lits
            .iter()
            .copied()
            .filter(|l| !matches!(l.op, Op::Exists(_)))
            .collect();
        match domain {
            Domain::Text(_) => {
                solve_text(self.vocab.finite_text(fact), &tests).map(|s| Some(Value::Text(s)))
            }
            Domain::Number { values, min, max } => {
                solve_number(values.as_deref(), *min, *max, &tests).map(|n| Some(Value::Number(n)))
            }
            Domain::Bool => solve_bool(&tests).map(|b| Some(Value::Bool(b))),
        }
    }
}

/// What the head of a [`Logic::search`]'s list — its single-cube DNFs — says about every
/// request the search can find, in two strengths:
///
/// - `all`: every literal of the head's single cubes. Each such request makes them TRUE, so
///   an earlier rule whose TRUE form they imply cannot be FALSE: the search has no solution
///   (exact: the search would answer "none" too).
/// - `committed`: the literals the search commits for good before anything else (the
///   single cubes at the head of its list, each committed in the first propagation pass
///   before any choice, so never undone). The witness satisfies them at every later step,
///   so a DNF they imply is TRUE under the witness at every visit: the search skips it,
///   never branches on it and never charges the budget for it. Leaving such a DNF out
///   changes neither the answer nor the witness.
///
/// A literal is implied when the same test is among the literals, or when they force its
/// fact to one value (or to be absent) for which it holds.
#[derive(Debug)]
pub(crate) struct Given<'a> {
    logic: &'a Logic,
    all: Implied<'a>,
    committed: Implied<'a>,
}

/// Literals and the facts they force ([`Given`]).
#[derive(Debug, Default)]
struct Implied<'a> {
    lits: Vec<&'a Lit>,
    /// Facts with one possible value (`Some`) or that must be absent (`None`).
    forced: Vec<(FactNo, Option<Value>)>,
}

impl<'a> Given<'a> {
    fn implies_cube(&self, by: &Implied<'a>, cube: &[LitNo]) -> bool {
        cube.iter().all(|&l| {
            let Some(lit) = self.logic.lits.get(l) else {
                return false;
            };
            by.lits.contains(&lit)
                || by
                    .forced
                    .iter()
                    .find(|(f, _)| *f == lit.fact)
                    .is_some_and(|(_, v)| self.logic.lit_holds(l, v.as_ref()))
        })
    }

    /// Does every request the search can find make this DNF TRUE?
    pub(crate) fn implies(&self, dnf: &Dnf) -> bool {
        !self.all.lits.is_empty() && dnf.iter().any(|c| self.implies_cube(&self.all, c))
    }

    /// Is this DNF TRUE under the search's witness at every step after the head?
    pub(crate) fn implies_committed(&self, dnf: &Dnf) -> bool {
        !self.committed.lits.is_empty() && dnf.iter().any(|c| self.implies_cube(&self.committed, c))
    }
}

impl Logic {
    /// What the head of a search's list says ([`Given`]). `None` when the head's single
    /// cubes conflict (the search fails at once; nothing to prune).
    ///
    /// Committed: the head's DNFs, in order, while each is a single cube not already TRUE
    /// under the constraints so far (the search skips such a cube rather than committing
    /// it: the simulation stops there).
    pub(crate) fn given(&self, head: &[&Dnf]) -> Option<Given<'_>> {
        let mut st = State::new(self);
        let mut committed: Vec<&Lit> = Vec::new();
        let mut stopped = false;
        for dnf in head {
            let [cube] = dnf.as_slice() else {
                stopped = true;
                continue;
            };
            if stopped || st.true_now(cube) {
                stopped = true;
                continue;
            }
            if !st.compatible(cube) {
                return None;
            }
            st.commit(cube);
            committed.extend(cube.iter().filter_map(|&l| self.lits.get(l)));
        }
        let all: Vec<&Lit> = head
            .iter()
            .filter_map(|d| match d.as_slice() {
                [cube] => Some(cube),
                _ => None,
            })
            .flatten()
            .filter_map(|&l| self.lits.get(l))
            .collect();
        Some(Given {
            logic: self,
            all: self.implied(all),
            committed: self.implied(committed),
        })
    }

    fn implied<'a>(&'a self, lits: Vec<&'a Lit>) -> Implied<'a> {
        let mut facts: Vec<FactNo> = lits.iter().map(|l| l.fact).collect();
        facts.sort_unstable();
        facts.dedup();
        let forced = facts
            .into_iter()
            .filter_map(|f| {
                let on: Vec<&Lit> = lits.iter().copied().filter(|l| l.fact == f).collect();
                self.forced(f, &on).map(|v| (f, v))
            })
            .collect();
        Implied { lits, forced }
    }

    /// The one value (`Some(Some)`) or absence (`Some(None)`) that these literals on `fact`
    /// (a satisfiable set) allow; `None` when they allow more, or when telling would need
    /// the solver (values of another type than the fact's domain).
    fn forced(&self, fact: FactNo, lits: &[&Lit]) -> Option<Option<Value>> {
        if fact != NEED
            && lits
                .iter()
                .any(|l| matches!(l.op, Op::Exists(b) if b != l.positive))
        {
            return Some(None);
        }
        let same_kind = |v: &Value| {
            matches!(
                (self.vocab.domain(fact), v),
                (Some(Domain::Text(_)), Value::Text(_))
                    | (Some(Domain::Number { .. }), Value::Number(_))
                    | (Some(Domain::Bool), Value::Bool(_))
            )
        };
        let mut allowed: Option<Vec<&Value>> = None;
        for l in lits {
            let vs: Vec<&Value> = match (&l.op, l.positive) {
                (Op::Eq(v), true) | (Op::Ne(v), false) => vec![v],
                (Op::In(vs), true) | (Op::NotIn(vs), false) => vs.iter().collect(),
                _ => continue,
            };
            if !vs.iter().all(|v| same_kind(v)) {
                return None;
            }
            allowed = Some(match allowed {
                None => vs,
                Some(a) => a.into_iter().filter(|x| vs.contains(x)).collect(),
            });
        }
        let allowed = allowed?;
        let first = allowed.first()?;
        allowed
            .iter()
            .all(|x| x == first)
            .then(|| Some((*first).clone()))
    }
}

/// Verdicts of DNF classes under one version of a search's constraints
/// ([`Logic::search_classes`]).
struct Seen<'a> {
    classes: &'a [u32],
    /// Class → (constraint version, verdict).
    verdicts: rustc_hash::FxHashMap<u32, (u64, Verdict)>,
}

/// What propagation found of a DNF that it neither committed nor failed on.
enum Verdict {
    /// Some cube is TRUE under the witness.
    TrueNow,
    /// These cubes (two or more) are compatible with the constraints.
    Many(Vec<usize>),
}

/// What [`Logic::propagate`] found.
enum Propagated {
    /// Every DNF is TRUE under the current witness.
    Done,
    /// Some DNF has no compatible cube.
    Conflict,
    /// Branch on this DNF's compatible cubes.
    Branch(usize, Vec<usize>),
}

/// The constraints of a search, per fact, with the current witness value and an undo log.
struct State<'a> {
    logic: &'a Logic,
    lits: Vec<Vec<LitNo>>,
    /// Per fact: `None` while unconstrained (absent), else the witness value.
    value: Vec<Option<Option<Value>>>,
    undo: Vec<(FactNo, usize, Option<Option<Value>>)>,
    /// Changes at every commit and rollback.
    version: u64,
}

impl<'a> State<'a> {
    fn new(logic: &'a Logic) -> State<'a> {
        let n = logic.vocab.names.len();
        State {
            logic,
            lits: vec![Vec::new(); n],
            value: vec![None; n],
            undo: Vec::new(),
            version: 0,
        }
    }

    fn fact_of(&self, l: LitNo) -> Option<FactNo> {
        self.logic.lits.get(l).map(|l| l.fact)
    }

    /// The cube's facts, each once.
    fn facts(&self, cube: &[LitNo]) -> Vec<FactNo> {
        let mut fs: Vec<FactNo> = cube.iter().filter_map(|&l| self.fact_of(l)).collect();
        fs.sort_unstable();
        fs.dedup();
        fs
    }

    /// The value `fact` would take with the current constraints plus the cube's.
    fn solve_with(&self, fact: FactNo, cube: &[LitNo]) -> Option<Option<Value>> {
        let lits: Vec<&Lit> = self
            .lits
            .get(fact as usize)
            .into_iter()
            .flatten()
            .chain(cube.iter())
            .filter_map(|&l| self.logic.lits.get(l))
            .filter(|l| l.fact == fact)
            .collect();
        self.logic.solve_fact(fact, &lits)
    }

    fn compatible(&self, cube: &[LitNo]) -> bool {
        self.facts(cube)
            .into_iter()
            .all(|f| self.solve_with(f, cube).is_some())
    }

    fn true_now(&self, cube: &[LitNo]) -> bool {
        cube.iter().all(|&l| {
            let v = self
                .fact_of(l)
                .and_then(|f| self.value.get(f as usize))
                .and_then(|v| v.as_ref())
                .and_then(|v| v.as_ref());
            self.logic.lit_holds(l, v)
        })
    }

    /// Add a compatible cube's literals.
    fn commit(&mut self, cube: &[LitNo]) {
        self.version += 1;
        for f in self.facts(cube) {
            let v = self.solve_with(f, cube);
            let i = f as usize;
            let (Some(lits), Some(slot)) = (self.lits.get_mut(i), self.value.get_mut(i)) else {
                continue;
            };
            self.undo.push((f, lits.len(), slot.clone()));
            lits.extend(
                cube.iter()
                    .copied()
                    .filter(|&l| self.logic.lits.get(l).is_some_and(|x| x.fact == f)),
            );
            *slot = v;
        }
    }

    fn mark(&self) -> usize {
        self.undo.len()
    }

    fn rollback(&mut self, mark: usize) {
        self.version += 1;
        while self.undo.len() > mark {
            let Some((f, len, v)) = self.undo.pop() else {
                break;
            };
            if let Some(lits) = self.lits.get_mut(f as usize) {
                lits.truncate(len);
            }
            if let Some(slot) = self.value.get_mut(f as usize) {
                *slot = v;
            }
        }
    }

    fn witness(&self) -> Witness {
        self.value
            .iter()
            .enumerate()
            .filter_map(|(f, v)| v.clone().map(|v| (f as FactNo, v)))
            .collect()
    }
}

/// Union of two sorted literal lists.
fn merge(a: &[LitNo], b: &[LitNo]) -> Cube {
    let mut out: Cube = Vec::with_capacity(a.len() + b.len());
    out.extend_from_slice(a);
    out.extend_from_slice(b);
    out.sort_unstable();
    out.dedup();
    out
}

/// Intersect an optional allowed set with a list.
fn restrict<T: PartialEq + Clone>(allowed: &mut Option<Vec<T>>, with: &[T]) {
    match allowed {
        None => *allowed = Some(with.to_vec()),
        Some(a) => a.retain(|x| with.contains(x)),
    }
}

fn strs(vs: &[Value]) -> Vec<&str> {
    vs.iter().filter_map(Value::as_str).collect()
}

fn numbers(vs: &[Value]) -> Vec<f64> {
    vs.iter().filter_map(Value::as_f64).collect()
}

/// Text: finite sets are filtered; otherwise a string extending the longest required
/// prefix that avoids the excluded values and forbidden prefixes (exact, see module docs).
fn solve_text(domain: Option<FiniteText<'_>>, lits: &[&Lit]) -> Option<String> {
    // The `eq` / `in` sets a value must be in (borrowed: a finite domain of thousands of
    // sites or units is not copied per call).
    let mut sets: Vec<Vec<&str>> = Vec::new();
    let mut excluded: Vec<&str> = Vec::new();
    let mut prefixes: Vec<&str> = Vec::new();
    let mut not_prefixes: Vec<&str> = Vec::new();
    for l in lits {
        // `eq` and `ne` are each other's negation, as are `in` and `not_in`.
        let (op, pos) = (&l.op, l.positive);
        match op {
            Op::Eq(v) | Op::Ne(v) => {
                let is_eq = matches!(op, Op::Eq(_)) == pos;
                let vs = strs(std::slice::from_ref(v));
                if is_eq {
                    sets.push(vs);
                } else {
                    excluded.extend(vs);
                }
            }
            Op::In(vs) | Op::NotIn(vs) => {
                let is_in = matches!(op, Op::In(_)) == pos;
                if is_in {
                    sets.push(strs(vs));
                } else {
                    excluded.extend(strs(vs));
                }
            }
            Op::Prefix(p) => {
                if pos {
                    prefixes.push(p);
                } else {
                    not_prefixes.push(p);
                }
            }
            // A numeric test on text never holds.
            Op::Lt(_) | Op::Lte(_) | Op::Gt(_) | Op::Gte(_) => {
                if pos {
                    return None;
                }
            }
            Op::Exists(_) => {}
        }
    }
    let ok = |v: &str| {
        !excluded.contains(&v)
            && prefixes.iter().all(|p| v.starts_with(p))
            && !not_prefixes.iter().any(|p| v.starts_with(p))
    };
    let in_sets = |v: &str| sets.iter().all(|s| s.contains(&v));
    // The first allowed value: in domain order when the domain is finite, else in the
    // order of the first set.
    match (domain, sets.first()) {
        (Some(d), None) => return d.values.iter().find(|v| ok(v)).cloned(),
        (Some(d), Some(first)) => {
            // The fitting value that comes first in the domain.
            return first
                .iter()
                .copied()
                .filter(|v| in_sets(v) && ok(v))
                .filter_map(|v| d.position(v).map(|p| (p, v)))
                .min_by_key(|&(p, _)| p)
                .map(|(_, v)| v.to_owned());
        }
        (None, Some(first)) => {
            return first
                .iter()
                .find(|v| in_sets(v) && ok(v))
                .map(|v| (*v).to_owned());
        }
        (None, None) => {}
    }
    let longest = prefixes
        .iter()
        .copied()
        .max_by_key(|p| p.len())
        .unwrap_or("");
    if !prefixes.iter().all(|p| longest.starts_with(p))
        || not_prefixes.iter().any(|p| longest.starts_with(p))
    {
        return None;
    }
    // Readable candidates first.
    let readable = if longest.is_empty() {
        ["other".to_owned(), "other-example".to_owned()]
    } else {
        [format!("{longest}example"), longest.to_owned()]
    };
    for cand in readable {
        if ok(&cand) {
            return Some(cand);
        }
    }
    // Each excluded value and each forbidden prefix rules out at most one of
    // `longest + c` for distinct characters `c`; one more candidate than that always works.
    let needed = excluded.len() + not_prefixes.len() + 1;
    ('a'..='z')
        .chain('0'..='9')
        .chain((0x100u32..0xD000).filter_map(char::from_u32))
        .take(needed)
        .map(|c| format!("{longest}{c}"))
        .find(|c| ok(c))
}

/// A bound on a number: the value and whether it is included.
type Bound = Option<(f64, bool)>;

fn tighter_lo(lo: Bound, n: f64, incl: bool) -> Bound {
    match lo {
        Some((l, li)) if l > n || (l == n && !li) => Some((l, li)),
        _ => Some((n, incl)),
    }
}

fn tighter_hi(hi: Bound, n: f64, incl: bool) -> Bound {
    match hi {
        Some((h, hi_incl)) if h < n || (h == n && !hi_incl) => Some((h, hi_incl)),
        _ => Some((n, incl)),
    }
}

/// Numbers: an `f64` interval with excluded points, or a finite set.
fn solve_number(
    domain: Option<&[f64]>,
    min: Option<f64>,
    max: Option<f64>,
    lits: &[&Lit],
) -> Option<f64> {
    let mut allowed: Option<Vec<f64>> = domain.map(<[f64]>::to_vec);
    let mut excluded: Vec<f64> = Vec::new();
    let mut lo: Bound = min.map(|m| (m, true));
    let mut hi: Bound = max.map(|m| (m, true));
    for l in lits {
        let (op, pos) = (&l.op, l.positive);
        match op {
            Op::Eq(v) | Op::Ne(v) => {
                let vs = numbers(std::slice::from_ref(v));
                if matches!(op, Op::Eq(_)) == pos {
                    restrict(&mut allowed, &vs);
                } else {
                    excluded.extend(vs);
                }
            }
            Op::In(vs) | Op::NotIn(vs) => {
                if matches!(op, Op::In(_)) == pos {
                    restrict(&mut allowed, &numbers(vs));
                } else {
                    excluded.extend(numbers(vs));
                }
            }
            // not(x < n) is x >= n, and so on.
            Op::Lt(n) if pos => hi = tighter_hi(hi, *n, false),
            Op::Lt(n) => lo = tighter_lo(lo, *n, true),
            Op::Lte(n) if pos => hi = tighter_hi(hi, *n, true),
            Op::Lte(n) => lo = tighter_lo(lo, *n, false),
            Op::Gt(n) if pos => lo = tighter_lo(lo, *n, false),
            Op::Gt(n) => hi = tighter_hi(hi, *n, true),
            Op::Gte(n) if pos => lo = tighter_lo(lo, *n, true),
            Op::Gte(n) => hi = tighter_hi(hi, *n, false),
            Op::Prefix(_) => {
                if pos {
                    return None;
                }
            }
            Op::Exists(_) => {}
        }
    }
    let ok = |x: f64| {
        x.is_finite()
            && lo.is_none_or(|(l, i)| x > l || (i && x == l))
            && hi.is_none_or(|(h, i)| x < h || (i && x == h))
            && !excluded.contains(&x)
    };
    if let Some(a) = allowed {
        return a.into_iter().find(|&x| ok(x));
    }
    number_candidates(lo, hi, excluded.len() + 1)
        .into_iter()
        .find(|&x| ok(x))
}

/// At least `n` distinct candidate numbers inside the interval when it holds that many
/// representable numbers (readable ones first: bounds, zero, integers).
fn number_candidates(lo: Bound, hi: Bound, n: usize) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    let n = n.min(10_000);
    match (lo, hi) {
        (None, None) => out.extend((0..=n).map(|k| k as f64)),
        (Some((l, li)), None) => {
            if li {
                out.push(l);
            }
            let start = l.floor() + 1.0;
            out.extend((0..=n).map(|k| start + k as f64));
        }
        (None, Some((h, hi_incl))) => {
            if hi_incl {
                out.push(h);
            }
            out.push(0.0);
            let start = h.ceil() - 1.0;
            out.extend((0..=n).map(|k| start - k as f64));
        }
        (Some((l, li)), Some((h, hi_incl))) => {
            if li {
                out.push(l);
            }
            if hi_incl {
                out.push(h);
            }
            out.push(0.0);
            let first = l.floor() + 1.0;
            out.extend((0..=n).map(|k| first + k as f64).take_while(|&x| x < h));
            // Bisection towards the lower bound: distinct while representable.
            let mut x = l + (h - l) / 2.0;
            for _ in 0..=n.min(1100) {
                if !(x > l && x < h) {
                    break;
                }
                out.push(x);
                x = l + (x - l) / 2.0;
            }
        }
    }
    out
}

fn solve_bool(lits: &[&Lit]) -> Option<bool> {
    let mut allowed = [true, true]; // [false, true]
    for l in lits {
        let (op, pos) = (&l.op, l.positive);
        let (vals, is_in): (Vec<bool>, bool) = match op {
            Op::Eq(v) | Op::Ne(v) => (
                bools(std::slice::from_ref(v)),
                matches!(op, Op::Eq(_)) == pos,
            ),
            Op::In(vs) | Op::NotIn(vs) => (bools(vs), matches!(op, Op::In(_)) == pos),
            Op::Exists(_) => continue,
            _ => {
                if pos {
                    return None;
                }
                continue;
            }
        };
        for (b, slot) in [false, true].into_iter().zip(allowed.iter_mut()) {
            if vals.contains(&b) != is_in {
                *slot = false;
            }
        }
    }
    // Prefer `true`: it reads better in examples.
    if allowed[1] {
        Some(true)
    } else if allowed[0] {
        Some(false)
    } else {
        None
    }
}

fn bools(vs: &[Value]) -> Vec<bool> {
    vs.iter()
        .filter_map(|v| match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OrgSpec;
    use crate::rules::RuleSetSpec;

    fn logic(facts_yaml: &str) -> Logic {
        let org: OrgSpec = serde_saphyr::from_str(
            "sites: [{id: hq}, {id: aux}]\nunits: [{id: police}]\ndesks: []\n",
        )
        .unwrap();
        let org = Org::from_spec(org).unwrap();
        let spec: RuleSetSpec = serde_saphyr::from_str(facts_yaml).unwrap();
        let rules = RuleSet::from_spec(spec, &org).unwrap();
        Logic::new(Vocabulary::new(&org, &rules), 256)
    }

    const FACTS: &str = r#"
facts:
  - {id: requester, values: [public, officer, lawyer]}
  - {id: age, type: number, min: 0, max: 130}
  - {id: injured, type: bool}
  - {id: case, type: string}
rules: []
"#;

    fn cond(y: &str) -> Condition {
        serde_saphyr::from_str(y).unwrap()
    }

    fn sat(l: &mut Logic, y: &str) -> Option<Witness> {
        let d = l.dnf(&cond(y), true).unwrap();
        let mut b = 1000;
        l.search(&[&d], &mut b).unwrap()
    }

    fn both(l: &mut Logic, a: &str, b: &str) -> Option<Witness> {
        let x = l.dnf(&cond(a), true).unwrap();
        let y = l.dnf(&cond(b), true).unwrap();
        let mut budget = 1000;
        l.search(&[&x, &y], &mut budget).unwrap()
    }

    fn decides(l: &mut Logic, r: &str, before: &[&str]) -> Option<Witness> {
        let x = l.dnf(&cond(r), true).unwrap();
        let ys: Vec<Dnf> = before
            .iter()
            .map(|b| l.dnf(&cond(b), false).unwrap())
            .collect();
        let mut all = vec![&x];
        all.extend(ys.iter());
        let mut budget = 1000;
        l.search(&all, &mut budget).unwrap()
    }

    #[test]
    fn finite_domains() {
        let mut l = logic(FACTS);
        assert!(sat(&mut l, "{fact: requester, eq: public}").is_some());
        assert!(
            sat(
                &mut l,
                "{all: [{fact: requester, eq: public}, {fact: requester, eq: officer}]}"
            )
            .is_none()
        );
        assert!(sat(&mut l, "{all: [{fact: requester, not_in: [public, officer]}, {fact: requester, ne: lawyer}]}").is_none());
        let w = sat(&mut l, "{fact: requester, not_in: [public, officer]}").unwrap();
        assert_eq!(w[0].1, Some(Value::from("lawyer")));
        // `site` ranges over the organization's sites.
        assert!(
            sat(
                &mut l,
                "{all: [{fact: site, ne: hq}, {fact: site, ne: aux}]}"
            )
            .is_none()
        );
    }

    #[test]
    fn three_valued_presence() {
        let mut l = logic(FACTS);
        // `ne` needs the fact present; `exists: false` needs it absent.
        assert!(both(&mut l, "{fact: case, ne: x}", "{fact: case, exists: false}").is_none());
        // `not exists` is never unknown.
        let w = sat(&mut l, "{not: {fact: case, exists: true}}").unwrap();
        let case = l.vocab.get("case").unwrap();
        assert!(w.iter().all(|(f, v)| *f != case || v.is_none()), "{w:?}");
        // FALSE(eq) needs the fact present with another value.
        let w = decides(
            &mut l,
            "{fact: requester, exists: true}",
            &["{fact: requester, eq: public}"],
        )
        .unwrap();
        assert_ne!(w[0].1, Some(Value::from("public")));
        // A rule after `exists: true` on the same fact never decides when it needs it absent.
        assert!(
            decides(
                &mut l,
                "{fact: case, exists: false}",
                &["{fact: case, eq: x}"]
            )
            .is_none()
        );
    }

    #[test]
    fn numbers_are_intervals() {
        let mut l = logic(FACTS);
        assert!(both(&mut l, "{fact: age, gte: 18}", "{fact: age, lt: 18}").is_none());
        let w = both(&mut l, "{fact: age, gte: 18}", "{fact: age, lte: 18}").unwrap();
        assert_eq!(w[0].1, Some(Value::Number(18.0)));
        assert!(
            sat(&mut l, "{fact: age, gt: 130}").is_none(),
            "declared max"
        );
        let w = sat(
            &mut l,
            "{all: [{fact: age, gt: 1}, {fact: age, lt: 2}, {fact: age, ne: 1.5}]}",
        )
        .unwrap();
        let Some(Value::Number(x)) = &w[0].1 else {
            panic!()
        };
        assert!(*x > 1.0 && *x < 2.0 && *x != 1.5);
        // Covered: age < 18 and age >= 18 leave nothing for a later rule with age present.
        assert!(
            decides(
                &mut l,
                "{fact: age, exists: true}",
                &["{fact: age, lt: 18}", "{fact: age, gte: 18}"]
            )
            .is_none()
        );
    }

    #[test]
    fn open_text_and_prefixes() {
        let mut l = logic(FACTS);
        let w = sat(&mut l, "{all: [{fact: case, prefix: AR-}, {fact: case, ne: AR-}, {not: {fact: case, prefix: AR-a}}]}").unwrap();
        let Some(Value::Text(s)) = &w[0].1 else {
            panic!()
        };
        assert!(s.starts_with("AR-") && s != "AR-" && !s.starts_with("AR-a"));
        assert!(
            sat(
                &mut l,
                "{all: [{fact: case, prefix: AR-}, {not: {fact: case, prefix: AR}}]}"
            )
            .is_none()
        );
        assert!(
            sat(
                &mut l,
                "{all: [{fact: case, prefix: AR-}, {fact: case, prefix: BR-}]}"
            )
            .is_none()
        );
        assert!(
            sat(
                &mut l,
                "{all: [{fact: case, prefix: A}, {fact: case, in: [AB, C]}]}"
            )
            .is_some()
        );
    }

    #[test]
    fn booleans_and_nesting() {
        let mut l = logic(FACTS);
        assert!(
            both(
                &mut l,
                "{fact: injured, eq: true}",
                "{not: {fact: injured, ne: false}}"
            )
            .is_none()
        );
        let w = sat(&mut l, "{any: [{all: [{fact: injured, eq: true}, {fact: injured, eq: false}]}, {fact: requester, eq: officer}]}").unwrap();
        assert_eq!(w.len(), 1);
        // De Morgan through `not` of `any`.
        assert!(
            both(
                &mut l,
                "{not: {any: [{fact: injured, eq: true}, {fact: injured, eq: false}]}}",
                "{fact: injured, exists: true}"
            )
            .is_none()
        );
    }

    #[test]
    fn cube_limit() {
        let mut l = logic(FACTS);
        l.cube_limit = 4;
        let c = cond(
            "{all: [{any: [{fact: age, eq: 1}, {fact: age, eq: 2}, {fact: case, eq: a}]}, {any: [{fact: injured, eq: true}, {fact: case, eq: b}, {fact: requester, eq: public}]}]}",
        );
        assert_eq!(l.dnf(&c, true), Err(TooLarge));
    }

    #[test]
    fn given_implies() {
        let mut l = logic(FACTS);
        let mut dnf = |y: &str, positive: bool| l.dnf(&cond(y), positive).unwrap();
        let head = dnf(
            "{all: [{fact: requester, in: [public, officer]}, {fact: case, exists: false}, {fact: age, gte: 18}]}",
            true,
        );
        let second = dnf("{fact: requester, in: [public, lawyer]}", true);
        let same = dnf("{fact: requester, in: [public, officer]}", true);
        let public = dnf("{fact: requester, eq: public}", true);
        let not_lawyer = dnf("{fact: requester, eq: lawyer}", false);
        let no_case = dnf("{fact: case, eq: x}", false);
        let adult = dnf("{fact: age, gte: 21}", true);
        let under = dnf("{fact: age, lt: 18}", false);
        let lawyer = dnf("{fact: requester, eq: lawyer}", true);
        let g = l.given(&[&head]).unwrap();
        // The same test.
        assert!(g.implies(&same) && g.implies_committed(&same));
        // Intervals are not compared: `age >= 18` does not count as implying
        // `not (age < 18)` (sound, only less pruning: the search keeps it).
        assert!(!g.implies(&under));
        // Not forced to one value: `eq public` may be false.
        assert!(!g.implies(&public));
        // FALSE(requester eq lawyer) needs the fact present and another value: not implied
        // by `in` alone (no single value)...
        assert!(!g.implies(&not_lawyer));
        // ... but FALSE(case eq x) is not implied by absence either (unknown, not false).
        assert!(!g.implies(&no_case));
        assert!(!g.implies(&adult));
        // With `in [public, lawyer]` the requester is forced to `public`. The second cube is TRUE
        // under the first's witness (`public`) so the search skips it, not commits it:
        // implied for every request, not for the search's witness at every step.
        let g = l.given(&[&head, &second]).unwrap();
        assert!(g.implies(&public) && !g.implies_committed(&public));
        assert!(g.implies(&not_lawyer));
        // Conflicting heads: the search fails at once.
        assert!(l.given(&[&head, &lawyer]).is_none());
    }

    mod differential {
        //! The solver against brute force over every request of a small finite vocabulary.
        use super::*;
        use proptest::prelude::*;

        const FACTS: &str = r#"
facts:
  - {id: t, values: [xa, xb, yz]}
  - {id: b, type: bool}
  - {id: n, type: number, values: [0, 1, 2, 3]}
rules: []
"#;

        /// Kleene three-valued evaluation, as the router does: `None` is unknown.
        fn eval(c: &Condition, req: &[(&str, Option<Value>)]) -> Option<bool> {
            match c {
                Condition::All(v) => {
                    let r: Vec<Option<bool>> = v.iter().map(|p| eval(p, req)).collect();
                    if r.contains(&Some(false)) {
                        Some(false)
                    } else if r.contains(&None) {
                        None
                    } else {
                        Some(true)
                    }
                }
                Condition::Any(v) => {
                    let r: Vec<Option<bool>> = v.iter().map(|p| eval(p, req)).collect();
                    if r.contains(&Some(true)) {
                        Some(true)
                    } else if r.contains(&None) {
                        None
                    } else {
                        Some(false)
                    }
                }
                Condition::Not(p) => eval(p, req).map(|b| !b),
                Condition::Test { fact, op } => {
                    let v = req
                        .iter()
                        .find(|(f, _)| f == fact)
                        .and_then(|(_, v)| v.clone());
                    match (op, v) {
                        (Op::Exists(e), v) => Some(v.is_some() == *e),
                        (_, None) => None,
                        (Op::Eq(x), Some(v)) => Some(v == *x),
                        (Op::Ne(x), Some(v)) => Some(v != *x),
                        (Op::In(xs), Some(v)) => Some(xs.contains(&v)),
                        (Op::NotIn(xs), Some(v)) => Some(!xs.contains(&v)),
                        (Op::Lt(x), Some(Value::Number(n))) => Some(n < *x),
                        (Op::Lte(x), Some(Value::Number(n))) => Some(n <= *x),
                        (Op::Gt(x), Some(Value::Number(n))) => Some(n > *x),
                        (Op::Gte(x), Some(Value::Number(n))) => Some(n >= *x),
                        (Op::Prefix(p), Some(Value::Text(t))) => Some(t.starts_with(p.as_str())),
                        _ => Some(false),
                    }
                }
            }
        }

        fn requests() -> Vec<Vec<(&'static str, Option<Value>)>> {
            let ts = [None, Some("xa"), Some("xb"), Some("yz")];
            let bs = [None, Some(false), Some(true)];
            let ns = [None, Some(0.0), Some(1.0), Some(2.0), Some(3.0)];
            let mut out = Vec::new();
            for t in ts {
                for b in bs {
                    for n in ns {
                        out.push(vec![
                            ("t", t.map(Value::from)),
                            ("b", b.map(Value::Bool)),
                            ("n", n.map(Value::Number)),
                        ]);
                    }
                }
            }
            out
        }

        fn test() -> impl Strategy<Value = Condition> {
            let t = prop_oneof![
                prop::sample::select(vec!["xa", "xb", "yz"]).prop_map(|v| Op::Eq(v.into())),
                prop::sample::select(vec!["xa", "xb", "yz"]).prop_map(|v| Op::Ne(v.into())),
                prop::sample::subsequence(vec!["xa", "xb", "yz"], 1..3)
                    .prop_map(|v| Op::In(v.into_iter().map(Value::from).collect())),
                prop::sample::subsequence(vec!["xa", "xb", "yz"], 1..3)
                    .prop_map(|v| Op::NotIn(v.into_iter().map(Value::from).collect())),
                prop::sample::select(vec!["x", "xa", "yz", "z"]).prop_map(|p| Op::Prefix(p.into())),
                any::<bool>().prop_map(Op::Exists),
            ]
            .prop_map(|op| Condition::Test {
                fact: "t".into(),
                op,
            });
            let b = prop_oneof![
                any::<bool>().prop_map(|v| Op::Eq(v.into())),
                any::<bool>().prop_map(|v| Op::Ne(v.into())),
                any::<bool>().prop_map(Op::Exists),
            ]
            .prop_map(|op| Condition::Test {
                fact: "b".into(),
                op,
            });
            let n = prop_oneof![
                (0..4i64).prop_map(|v| Op::Eq(v.into())),
                (0..4i64).prop_map(|v| Op::Ne(v.into())),
                (-1..5i64).prop_map(|v| Op::Lt(v as f64 + 0.5)),
                (-1..5i64).prop_map(|v| Op::Lte(v as f64)),
                (-1..5i64).prop_map(|v| Op::Gt(v as f64)),
                (-1..5i64).prop_map(|v| Op::Gte(v as f64 - 0.5)),
                any::<bool>().prop_map(Op::Exists),
            ]
            .prop_map(|op| Condition::Test {
                fact: "n".into(),
                op,
            });
            prop_oneof![t, b, n]
        }

        fn condition() -> impl Strategy<Value = Condition> {
            test().prop_recursive(3, 16, 3, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..3).prop_map(Condition::All),
                    prop::collection::vec(inner.clone(), 0..3).prop_map(Condition::Any),
                    inner.prop_map(|c| Condition::Not(Box::new(c))),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            /// "Can `a` decide a request `b` comes before?" — TRUE(a) and FALSE(b) — is
            /// answered exactly, with a witness that works.
            #[test]
            fn solver_matches_brute_force(a in condition(), b in condition()) {
                let mut l = logic(FACTS);
                let (Ok(x), Ok(y)) = (l.dnf(&a, true), l.dnf(&b, false)) else {
                    return Ok(());
                };
                let mut budget = 100_000;
                let got = l.search(&[&x, &y], &mut budget).unwrap();
                let want = requests()
                    .iter()
                    .any(|r| eval(&a, r) == Some(true) && eval(&b, r) == Some(false));
                prop_assert_eq!(got.is_some(), want, "a = {:?}, b = {:?}", a, b);
                if let Some(w) = got {
                    let req: Vec<(&str, Option<Value>)> = ["t", "b", "n"]
                        .into_iter()
                        .map(|f| {
                            let no = l.vocab.get(f).unwrap();
                            (f, w.iter().find(|(n, _)| *n == no).and_then(|(_, v)| v.clone()))
                        })
                        .collect();
                    prop_assert_eq!(eval(&a, &req), Some(true));
                    prop_assert_eq!(eval(&b, &req), Some(false));
                }
            }
        }
    }
}
