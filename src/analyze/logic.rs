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
    /// most `budget` satisfiability checks.
    ///
    /// `Ok(None)`: no such request exists. `Err(TooLarge)`: the budget ran out.
    pub(crate) fn search(
        &self,
        all: &[&Dnf],
        budget: &mut usize,
    ) -> Result<Option<Witness>, TooLarge> {
        if all.iter().any(|d| d.is_empty()) {
            return Ok(None);
        }
        // Small DNFs first: they constrain most and branch least.
        let mut order: Vec<&Dnf> = all.to_vec();
        order.sort_by_key(|d| d.len());
        self.dfs(&order, 0, &Vec::new(), budget)
    }

    fn dfs(
        &self,
        all: &[&Dnf],
        depth: usize,
        acc: &Cube,
        budget: &mut usize,
    ) -> Result<Option<Witness>, TooLarge> {
        let Some(dnf) = all.get(depth) else {
            return Ok(self.solve(acc));
        };
        for cube in dnf.iter() {
            if *budget == 0 {
                return Err(TooLarge);
            }
            *budget -= 1;
            let merged = merge(acc, cube);
            if self.solve(&merged).is_none() {
                continue;
            }
            if let Some(w) = self.dfs(all, depth + 1, &merged, budget)? {
                return Ok(Some(w));
            }
        }
        Ok(None)
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
            Domain::Text(values) => {
                solve_text(values.as_deref(), &tests).map(|s| Some(Value::Text(s)))
            }
            Domain::Number { values, min, max } => {
                solve_number(values.as_deref(), *min, *max, &tests).map(|n| Some(Value::Number(n)))
            }
            Domain::Bool => solve_bool(&tests).map(|b| Some(Value::Bool(b))),
        }
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

fn texts(vs: &[Value]) -> Vec<String> {
    vs.iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn numbers(vs: &[Value]) -> Vec<f64> {
    vs.iter().filter_map(Value::as_f64).collect()
}

/// Text: finite sets are filtered; otherwise a string extending the longest required
/// prefix that avoids the excluded values and forbidden prefixes (exact, see module docs).
fn solve_text(domain: Option<&[String]>, lits: &[&Lit]) -> Option<String> {
    let mut allowed: Option<Vec<String>> = domain.map(<[String]>::to_vec);
    let mut excluded: Vec<String> = Vec::new();
    let mut prefixes: Vec<&str> = Vec::new();
    let mut not_prefixes: Vec<&str> = Vec::new();
    for l in lits {
        // `eq` and `ne` are each other's negation, as are `in` and `not_in`.
        let (op, pos) = (&l.op, l.positive);
        match op {
            Op::Eq(v) | Op::Ne(v) => {
                let is_eq = matches!(op, Op::Eq(_)) == pos;
                let vs = texts(std::slice::from_ref(v));
                if is_eq {
                    restrict(&mut allowed, &vs);
                } else {
                    excluded.extend(vs);
                }
            }
            Op::In(vs) | Op::NotIn(vs) => {
                let is_in = matches!(op, Op::In(_)) == pos;
                if is_in {
                    restrict(&mut allowed, &texts(vs));
                } else {
                    excluded.extend(texts(vs));
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
        !excluded.iter().any(|e| e == v)
            && prefixes.iter().all(|p| v.starts_with(p))
            && !not_prefixes.iter().any(|p| v.starts_with(p))
    };
    if let Some(a) = allowed {
        return a.into_iter().find(|v| ok(v));
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
    let base = if longest.is_empty() { "other" } else { longest };
    for cand in [base.to_owned(), format!("{base}-example")] {
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
        assert_eq!(w, vec![(l.vocab.get("case").unwrap(), None)]);
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
}
