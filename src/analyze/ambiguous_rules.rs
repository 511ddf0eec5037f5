//! `ambiguous-rules`: two rules of equal priority that both match one request — one that
//! reaches them (every earlier rule FALSE) — and demand different things. The first in the
//! file wins silently; the example request shows it.
//!
//! Only rules that can decide (see `shadowed-rule`) are paired, and only rules that can be
//! TRUE for the same `need` value. A rule that does not pin `need` is paired with the rules
//! of its priority that can be TRUE together with it on the fact it pins most selectively
//! (`language eq es` is not paired with `language in [en, fr]`); one that pins nothing is
//! paired with every rule of its priority. Each pair's search leaves out the earlier rules
//! the pair's conditions already make FALSE, and stops at once when they make one TRUE
//! ([`RuleLogic::against_earlier`](super::context::RuleLogic::against_earlier)), so the
//! rules of a popular need cost about one check each per pair, not one search step.

use std::collections::HashMap;

use super::Lint;
use super::context::{Context, Reach, RuleLogic, exhaustive, pinned_texts};
use super::finding::{Code, Finding, Severity, Subject};
use super::logic::{Dnf, FactNo, NEED, TooLarge, Witness};
use crate::rules::{Rule, ValueRef};

/// See the [module docs](self).
pub(crate) struct AmbiguousRules;

impl Lint for AmbiguousRules {
    fn code(&self) -> Code {
        Code::AmbiguousRules
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let rules = cx.rules.rules();
        let rl = cx.logic();
        let pairs = if exhaustive() {
            pairs_exhaustive(cx)
        } else {
            pairs(cx)
        };
        let mut earlier: Option<(usize, Vec<usize>)> = None;
        for (a, b) in pairs {
            let (Some(x), Some(y)) = (rules.get(a), rules.get(b)) else {
                continue;
            };
            let (Some(Some(pa)), Some(Some(pb))) = (rl.pos.get(a), rl.pos.get(b)) else {
                cx.give_up(&x.id);
                cx.give_up(&y.id);
                continue;
            };
            // Only rules that can decide: a shadowed rule is reported as such.
            let reach = cx.reach();
            if !matches!(reach.get(a), Some(Reach::Decides(_)))
                || !matches!(reach.get(b), Some(Reach::Decides(_)))
            {
                continue;
            }
            // Cheap first: can they both be TRUE at all? (Kept: the answer when the
            // earlier rules cannot be checked.)
            let mut budget = cx.options.search_budget;
            let both = rl.logic.search(&[pa, pb], &mut budget);
            if matches!(both, Ok(None)) {
                continue;
            }
            // Pairs come sorted: each rule's earlier rules are listed once.
            if earlier.as_ref().is_none_or(|(r, _)| *r != a) {
                earlier = Some((a, rl.earlier(a)));
            }
            let before = earlier.as_ref().map_or(&[][..], |(_, v)| v.as_slice());
            let s = rl.against_earlier(&[a, b], before);
            let mut budget = cx.options.search_budget;
            let (witness, exact) = match (s.complete, s.blocked) {
                (true, true) => (None, true),
                (true, false) => match rl.search_against(&s, &mut budget) {
                    Ok(w) => (w, true),
                    Err(_) => fallback(cx, both, &x.id, &y.id),
                },
                (false, _) => fallback(cx, both, &x.id, &y.id),
            };
            let Some(w) = witness else { continue };
            let note = if exact {
                ""
            } else {
                " (if no earlier rule takes it first: too large to check)"
            };
            out.push(
                Finding::new(
                    Code::AmbiguousRules,
                    Severity::Warning,
                    format!(
                        "rules `{}` and `{}` (priority {}) both match the example request{note} but demand different things ({}); `{}` wins only because it comes first in the file",
                        x.id,
                        y.id,
                        x.priority,
                        differences(x, y).join("; "),
                        x.id
                    ),
                    format!(
                        "make the conditions of `{}` and `{}` exclusive, or give the one that should win a higher priority",
                        x.id, y.id
                    ),
                )
                .with([Subject::Rule(x.id.clone()), Subject::Rule(y.id.clone())])
                .example(Some(rl.request(&w, &x.capability, None))),
            );
        }
    }
}

/// Both TRUE, earlier rules not checked (too large): the witness of the pair alone,
/// from its own search `both` (both rules are inconclusive when that ran out of budget).
fn fallback(
    cx: &Context<'_>,
    both: Result<Option<Witness>, TooLarge>,
    x: &crate::model::Id,
    y: &crate::model::Id,
) -> (Option<Witness>, bool) {
    match both {
        Ok(w) => (w, false),
        Err(_) => {
            cx.give_up(x);
            cx.give_up(y);
            (None, false)
        }
    }
}

/// The pairs to check, sorted: rules of equal priority that demand different things and
/// that may be TRUE for the same request — all of them (the reference for tests).
fn pairs_exhaustive(cx: &Context<'_>) -> Vec<(usize, usize)> {
    let rules = cx.rules.rules();
    let rl = cx.logic();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut consider = |a: usize, b: usize| {
        let (a, b) = (a.min(b), a.max(b));
        if let (Some(x), Some(y)) = (rules.get(a), rules.get(b)) {
            if a != b && x.priority == y.priority && differ(x, y) {
                pairs.push((a, b));
            }
        }
    };
    let (groups, wildcards) = rl.groups();
    for g in groups {
        // Equal priorities are contiguous in evaluation order.
        for (k, &a) in g.iter().enumerate() {
            for &b in g.get(k + 1..).unwrap_or(&[]) {
                if rules.get(b).map(|r| r.priority) != rules.get(a).map(|r| r.priority) {
                    break;
                }
                consider(a, b);
            }
        }
    }
    let mut by_priority: HashMap<i32, Vec<usize>> = HashMap::new();
    for (i, r) in rules.iter().enumerate() {
        by_priority.entry(r.priority).or_default().push(i);
    }
    for &w in wildcards {
        let Some(p) = rules.get(w).map(|r| r.priority) else {
            continue;
        };
        for &b in by_priority.get(&p).into_iter().flatten() {
            consider(w, b);
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The pairs [`pairs_exhaustive`] lists that can give a finding or an inconclusive rule,
/// in the same order. Left out, exactly: pairs with a rule that cannot decide (the check
/// skips them; found before comparing demands), and pairs of a rule that does not pin
/// `need` with a rule that pins the wildcard's chosen fact to other values in every
/// conjunction (the pair can never be TRUE together: the first search would fail).
/// Pairs with a rule whose condition is too large are kept whatever the other rule is
/// (both are reported inconclusive).
///
/// # Complexity
/// O(Σ over need groups of (deciding rules of one priority)²) for the rules that pin
/// `need`; for each that does not, O(rules of its priority compatible on its chosen fact),
/// plus O(rules of the priority) once per (priority, fact) chosen.
fn pairs(cx: &Context<'_>) -> Vec<(usize, usize)> {
    let rules = cx.rules.rules();
    let rl = cx.logic();
    let reach = cx.reach();
    let decides = |i: usize| matches!(reach.get(i), Some(Reach::Decides(_)));
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut consider = |a: usize, b: usize| {
        let (a, b) = (a.min(b), a.max(b));
        if let (Some(x), Some(y)) = (rules.get(a), rules.get(b)) {
            if a != b && x.priority == y.priority && differ(x, y) {
                pairs.push((a, b));
            }
        }
    };
    let (groups, wildcards) = rl.groups();
    for g in groups {
        let live: Vec<usize> = g.iter().copied().filter(|&i| decides(i)).collect();
        for (k, &a) in live.iter().enumerate() {
            for &b in live.get(k + 1..).unwrap_or(&[]) {
                if rules.get(b).map(|r| r.priority) != rules.get(a).map(|r| r.priority) {
                    break;
                }
                consider(a, b);
            }
        }
    }
    if !wildcards.is_empty() {
        let mut by_priority: HashMap<i32, Vec<usize>> = HashMap::new();
        let mut live_by_priority: HashMap<i32, Vec<usize>> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            by_priority.entry(r.priority).or_default().push(i);
            if decides(i) {
                live_by_priority.entry(r.priority).or_default().push(i);
            }
        }
        let mut indexes: HashMap<(i32, FactNo), PinIndex> = HashMap::new();
        for &w in wildcards {
            let Some(p) = rules.get(w).map(|r| r.priority) else {
                continue;
            };
            match rl.pos.get(w) {
                // Too large: every pair with it is inconclusive, whatever the other rule.
                Some(None) => {
                    for &b in by_priority.get(&p).into_iter().flatten() {
                        consider(w, b);
                    }
                }
                Some(Some(pw)) if decides(w) => {
                    let live = live_by_priority.get(&p).map_or(&[][..], Vec::as_slice);
                    for b in compatible(rl, &mut indexes, p, live, pw) {
                        consider(w, b);
                    }
                }
                _ => {}
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Rules of one priority by the values they pin one fact to.
struct PinIndex {
    /// Rules with a conjunction that does not pin the fact to a finite set of texts.
    open: Vec<usize>,
    /// Text value → rules with a conjunction that allows it.
    by_value: HashMap<String, Vec<usize>>,
}

/// The rules of `live` (one priority, deciding) that may be TRUE together with a wildcard
/// of TRUE form `pw`: those compatible on the fact it pins most selectively (all of
/// `live` when it pins none). May repeat a rule.
fn compatible(
    rl: &RuleLogic,
    indexes: &mut HashMap<(i32, FactNo), PinIndex>,
    priority: i32,
    live: &[usize],
    pw: &Dnf,
) -> Vec<usize> {
    let mut best: Option<(usize, FactNo, Vec<String>)> = None;
    for f in rl.facts_of(pw) {
        if f == NEED {
            continue;
        }
        let Some(values) = pinned_texts(&rl.logic, pw, f) else {
            continue;
        };
        let index = indexes
            .entry((priority, f))
            .or_insert_with(|| PinIndex::build(rl, live, f));
        let cost = index.open.len()
            + values
                .iter()
                .map(|v| index.by_value.get(v).map_or(0, Vec::len))
                .sum::<usize>();
        if best.as_ref().is_none_or(|(c, _, _)| cost < *c) {
            best = Some((cost, f, values));
        }
    }
    let Some((_, f, values)) = best else {
        return live.to_vec();
    };
    let Some(index) = indexes.get(&(priority, f)) else {
        return live.to_vec();
    };
    let mut out = index.open.clone();
    for v in &values {
        out.extend(index.by_value.get(v).into_iter().flatten().copied());
    }
    out
}

impl PinIndex {
    fn build(rl: &RuleLogic, live: &[usize], fact: FactNo) -> PinIndex {
        let mut open = Vec::new();
        let mut by_value: HashMap<String, Vec<usize>> = HashMap::new();
        for &b in live {
            match rl
                .pos
                .get(b)
                .and_then(Option::as_ref)
                .and_then(|p| pinned_texts(&rl.logic, p, fact))
            {
                Some(vs) => {
                    for v in vs {
                        by_value.entry(v).or_default().push(b);
                    }
                }
                None => open.push(b),
            }
        }
        PinIndex { open, by_value }
    }
}

/// Do two rules demand different things ([`differences`] is not empty)?
pub(crate) fn differ(x: &Rule, y: &Rule) -> bool {
    x.capability != y.capability
        || x.authority != y.authority
        || x.unit != y.unit
        || x.site != y.site
        || x.language != y.language
        || x.desk_site != y.desk_site
        || x.owner != y.owner
        || x.bring != y.bring
}

fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "none".to_owned(), |x| format!("`{x}`"))
}

fn show_ref(v: &Option<ValueRef>) -> String {
    match v {
        None => "none".to_owned(),
        Some(ValueRef::Literal(s)) => format!("`{s}`"),
        Some(ValueRef::Fact { fact }) => format!("the request's `{fact}`"),
    }
}

/// What two rules demand differently, e.g. "capability `a` vs `b`".
pub(crate) fn differences(x: &Rule, y: &Rule) -> Vec<String> {
    let mut d = Vec::new();
    if x.capability != y.capability {
        d.push(format!(
            "capability `{}` vs `{}`",
            x.capability, y.capability
        ));
    }
    let pairs = [
        ("authority", show(&x.authority), show(&y.authority)),
        ("unit", show(&x.unit), show(&y.unit)),
        ("site", show(&x.site), show(&y.site)),
        (
            "desk language",
            show_ref(&x.language),
            show_ref(&y.language),
        ),
        ("desk site", show_ref(&x.desk_site), show_ref(&y.desk_site)),
        ("owner", show(&x.owner), show(&y.owner)),
    ];
    for (what, a, b) in pairs {
        if a != b {
            d.push(format!("{what} {a} vs {b}"));
        }
    }
    if x.bring != y.bring {
        let list = |v: &[crate::model::Id]| {
            if v.is_empty() {
                "nothing".to_owned()
            } else {
                v.iter()
                    .map(|i| format!("`{i}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        d.push(format!("bring {} vs {}", list(&x.bring), list(&y.bring)));
    }
    d
}

#[cfg(test)]
mod tests {
    //! The pruned pairing and searches against the exhaustive ones: the same report.
    use crate::analyze::context::EXHAUSTIVE;
    use crate::analyze::{Code, Options, Report, analyze_router};
    use crate::synth::{OrgShape, RuleShape};
    use crate::{Org, Router, RuleSet};

    /// The report with the pruning on, and off.
    pub(crate) fn both(router: &Router, options: &Options) -> (Report, Report) {
        let t = std::time::Instant::now();
        let pruned = analyze_router(router, options);
        let tp = t.elapsed();
        EXHAUSTIVE.with(|c| c.set(true));
        let t = std::time::Instant::now();
        let exhaustive = analyze_router(router, options);
        let te = t.elapsed();
        EXHAUSTIVE.with(|c| c.set(false));
        // Shown with `--nocapture`.
        println!("pruned {tp:?}, exhaustive {te:?}");
        (pruned, exhaustive)
    }

    fn synthetic(desks: usize, rules: usize) {
        let os = crate::synth::org(&OrgShape::new(desks).seed(2026));
        let rs = crate::synth::rules(&os, &RuleShape::new(rules).seed(2026));
        let org = Org::from_spec(os).unwrap();
        let rules = RuleSet::from_spec(rs, &org).unwrap();
        let router = Router::new(org, rules);
        let week = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let options = Options::new()
            .week(week)
            .only([Code::AmbiguousRules, Code::ShadowedRule]);
        let (pruned, exhaustive) = both(&router, &options);
        assert!(
            pruned
                .findings
                .iter()
                .any(|f| f.code == Code::AmbiguousRules)
        );
        assert_eq!(
            serde_json::to_string(&pruned).unwrap(),
            serde_json::to_string(&exhaustive).unwrap()
        );
    }

    mod random {
        //! Random small rule sets, many not pinning `need`: the pruned report equals the
        //! exhaustive one (findings with their example requests, inconclusive rules).
        use super::*;
        use crate::analyze::context::{Context, Reach};
        use crate::rules::{
            Condition, DeskConstraintsSpec, Op, RuleSetSpec, RuleSpec, ThenSpec, Value, ValueRef,
        };
        use crate::{Id, OrgSpec, Request};
        use proptest::prelude::*;

        const ORG: &str = r#"
sites: [{id: hq}, {id: aux}]
units: [{id: city, duty_desk: front}]
desks:
  - {id: front, unit: city, site: hq, capabilities: [c1], languages: [en], refers: {n1: back, n2: side}}
  - {id: back, unit: city, site: aux, capabilities: [c1, c2], languages: [en, es], authority: 2}
  - {id: side, unit: city, site: hq, capabilities: [c2, c3], languages: [es]}
"#;

        const FACTS: &str = r#"
facts:
  - {id: t, values: [xa, xb, yz]}
  - {id: n, type: number, values: [0, 1, 2, 3]}
  - {id: b, type: bool}
  - {id: c}
rules: []
"#;

        fn test(fact: &str, op: Op) -> Condition {
            Condition::Test {
                fact: fact.to_owned(),
                op,
            }
        }

        fn texts(vs: Vec<&str>) -> Vec<Value> {
            vs.into_iter().map(Value::from).collect()
        }

        /// A test on one fact; `need` and `language` often, so that rules pin them.
        fn leaf() -> impl Strategy<Value = Condition> {
            let needs = vec!["n1", "n2", "n3"];
            let langs = vec!["en", "es", "fr"];
            let ts = vec!["xa", "xb", "yz"];
            prop_oneof![
                3 => prop::sample::select(needs.clone()).prop_map(|v| test("need", Op::Eq(v.into()))),
                1 => prop::sample::subsequence(needs.clone(), 1..3).prop_map(|v| test("need", Op::In(texts(v)))),
                1 => prop::sample::select(needs).prop_map(|v| test("need", Op::Ne(v.into()))),
                3 => prop::sample::select(langs.clone()).prop_map(|v| test("language", Op::Eq(v.into()))),
                1 => prop::sample::subsequence(langs, 1..3).prop_map(|v| test("language", Op::NotIn(texts(v)))),
                2 => prop::sample::select(ts.clone()).prop_map(|v| test("t", Op::Eq(v.into()))),
                1 => prop::sample::subsequence(ts, 1..3).prop_map(|v| test("t", Op::In(texts(v)))),
                1 => prop::sample::select(vec!["x", "xa", "y"]).prop_map(|p| test("t", Op::Prefix(p.into()))),
                1 => (0..4i64).prop_map(|v| test("n", Op::Eq(v.into()))),
                1 => (-1..5i64).prop_map(|v| test("n", Op::Gte(v as f64))),
                1 => any::<bool>().prop_map(|v| test("b", Op::Eq(v.into()))),
                1 => prop::sample::select(vec!["p", "q"]).prop_map(|v| test("c", Op::Eq(v.into()))),
                1 => (prop::sample::select(vec!["t", "c", "n", "language"]), any::<bool>())
                    .prop_map(|(f, e)| test(f, Op::Exists(e))),
                1 => prop::sample::select(vec!["hq", "aux"]).prop_map(|v| test("site", Op::Eq(v.into()))),
                2 => contradiction(),
            ]
        }

        /// A part that contradicts itself: never TRUE, dropped from the TRUE form, but
        /// UNKNOWN when its fact is missing (so it can hold a request for questions).
        fn contradiction() -> impl Strategy<Value = Condition> {
            prop_oneof![
                prop::sample::subsequence(vec!["xa", "xb", "yz"], 2).prop_map(|v| {
                    Condition::All(vec![
                        test("t", Op::Eq(v[0].into())),
                        test("t", Op::Eq(v[1].into())),
                    ])
                }),
                (0..2i64).prop_map(|v| {
                    Condition::All(vec![test("n", Op::Eq(v.into())), test("n", Op::Gte(2.0))])
                }),
                Just(Condition::All(vec![
                    test("c", Op::Eq("p".into())),
                    test("c", Op::Eq("q".into()))
                ])),
            ]
        }

        fn condition() -> impl Strategy<Value = Condition> {
            leaf().prop_recursive(2, 8, 3, |inner| {
                prop_oneof![
                    3 => prop::collection::vec(inner.clone(), 1..4).prop_map(Condition::All),
                    1 => prop::collection::vec(inner.clone(), 1..3).prop_map(Condition::Any),
                    1 => inner.prop_map(|c| Condition::Not(Box::new(c))),
                ]
            })
        }

        fn rule() -> impl Strategy<Value = (Option<Condition>, i32, usize, usize)> {
            (
                prop::option::weighted(0.95, condition()),
                0..2i32,
                0..3usize,
                0..4usize,
            )
        }

        fn rule_set(rules: Vec<(Option<Condition>, i32, usize, usize)>) -> RuleSetSpec {
            let mut spec: RuleSetSpec = serde_saphyr::from_str(FACTS).unwrap();
            for (i, (when, priority, cap, extra)) in rules.into_iter().enumerate() {
                let mut then = ThenSpec {
                    capability: ["c1", "c2", "c3"][cap].to_owned(),
                    authority: None,
                    unit: None,
                    site: None,
                    desk: DeskConstraintsSpec::default(),
                    owner: None,
                    bring: Vec::new(),
                };
                match extra {
                    1 => then.authority = Some(2),
                    2 => {
                        then.desk.language = Some(ValueRef::Fact {
                            fact: "language".to_owned(),
                        })
                    }
                    3 => then.site = Some("hq".to_owned()),
                    _ => {}
                }
                spec.rules.push(RuleSpec {
                    id: format!("r{i}"),
                    description: None,
                    priority,
                    when,
                    then,
                });
            }
            spec
        }

        fn check(
            rules: Vec<(Option<Condition>, i32, usize, usize)>,
            small_cubes: bool,
        ) -> Result<(), TestCaseError> {
            let org = Org::from_spec(serde_saphyr::from_str::<OrgSpec>(ORG).unwrap()).unwrap();
            let Ok(rules) = RuleSet::from_spec(rule_set(rules), &org) else {
                return Ok(());
            };
            let router = Router::new(org, rules);
            let mut options = Options::new();
            if small_cubes {
                // Some conditions too large: their pairs are inconclusive.
                options.cube_limit = 2;
            }
            let (pruned, exhaustive) = both(&router, &options);
            prop_assert_eq!(
                serde_json::to_string_pretty(&pruned).unwrap(),
                serde_json::to_string_pretty(&exhaustive).unwrap()
            );
            Ok(())
        }

        /// Requests covering every behaviour of the facts the random rules test (each value
        /// they name, one other, and none), in a fixed order; `step` > 1 takes every
        /// `step`-th, starting at `start`.
        fn requests(start: usize, step: usize) -> Vec<Request> {
            let needs = ["n1", "n2", "n3", "zz"];
            let langs = [None, Some("en"), Some("es"), Some("fr")];
            let ts = [None, Some("xa"), Some("xb"), Some("yz")];
            let ns = [None, Some(0), Some(1), Some(2), Some(3)];
            let bs = [None, Some(true), Some(false)];
            let cs = [None, Some("p"), Some("q"), Some("r")];
            let sites = [None, Some("hq"), Some("aux")];
            let mut out = Vec::new();
            let mut k = 0usize;
            for need in needs {
                for l in langs {
                    for t in ts {
                        for n in ns {
                            for b in bs {
                                for c in cs {
                                    for site in sites {
                                        k += 1;
                                        if k % step != start % step {
                                            continue;
                                        }
                                        let mut req = Request::new(need);
                                        req.language = l.map(str::to_owned);
                                        req.site = site.map(str::to_owned);
                                        if let Some(t) = t {
                                            req.facts.insert("t".into(), Value::from(t));
                                        }
                                        if let Some(n) = n {
                                            req.facts.insert("n".into(), Value::from(n));
                                        }
                                        if let Some(b) = b {
                                            req.facts.insert("b".into(), Value::from(b));
                                        }
                                        if let Some(c) = c {
                                            req.facts.insert("c".into(), Value::from(c));
                                        }
                                        out.push(req);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            out
        }

        /// The analysis against the router itself: a rule found to decide decides its
        /// witness request; a rule found shadowed (or never TRUE) decides none of the
        /// requests tried; a rule the router lets decide one is not reported shadowed.
        fn check_router(
            rules: Vec<(Option<Condition>, i32, usize, usize)>,
            start: usize,
            step: usize,
        ) -> Result<(), TestCaseError> {
            let org = Org::from_spec(serde_saphyr::from_str::<OrgSpec>(ORG).unwrap()).unwrap();
            let Ok(rules) = RuleSet::from_spec(rule_set(rules), &org) else {
                return Ok(());
            };
            let router = Router::new(org, rules);
            let options = Options::new();
            let cx = Context::new(&router, &options);
            let rl = cx.logic();
            let reach = cx.reach();
            let ids: Vec<&str> = router
                .rules()
                .rules()
                .iter()
                .map(|r| r.id.as_str())
                .collect();
            for (i, r) in reach.iter().enumerate() {
                if let Reach::Decides(w) = r {
                    let rule = &router.rules().rules()[i];
                    let req = rl.request(w, &rule.capability, None);
                    let res = router.resolve(&req).unwrap();
                    prop_assert_eq!(
                        res.explanation.rule.as_deref(),
                        Some(ids[i]),
                        "witness {:?} of {} gave {:?}",
                        req,
                        ids[i],
                        res.outcome
                    );
                }
            }
            for req in requests(start, step) {
                let res = router.resolve(&req).unwrap();
                let Some(id) = res.explanation.rule.as_deref() else {
                    continue;
                };
                let Some(i) = ids.iter().position(|x| *x == id) else {
                    continue;
                };
                prop_assert!(
                    matches!(reach[i], Reach::Decides(_) | Reach::Inconclusive),
                    "{} decides {:?} but the analysis says {:?}",
                    id,
                    req,
                    reach[i]
                );
            }
            // The example requests other lints show are decided by the rule they name.
            for need in ["n1", "n2", "n3"] {
                for site in [None, Some(Id::from("hq"))] {
                    let Some((req, id)) = cx.example_request(&Id::from(need), site.as_ref(), None)
                    else {
                        continue;
                    };
                    let res = router.resolve(&req).unwrap();
                    prop_assert_eq!(res.explanation.rule.as_ref(), Some(&id), "{:?}", req);
                }
            }
            let report = analyze_router(&router, &Options::new().only([Code::ShadowedRule]));
            for f in report.with_code(Code::ShadowedRule) {
                let i = ids
                    .iter()
                    .position(|x| *x == f.ids[0].id().as_str())
                    .unwrap();
                prop_assert!(matches!(reach[i], Reach::Shadowed | Reach::NeverTrue));
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            #[test]
            fn analysis_agrees_with_the_router(
                rules in prop::collection::vec(rule(), 2..9),
                start in 0..16usize,
            ) {
                check_router(rules, start, 16)?;
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]

            /// The same, every request of the grid, many more cases:
            /// `cargo test --lib agrees_with_the_router -- --ignored`.
            #[test]
            #[ignore]
            fn analysis_agrees_with_the_router_many(
                rules in prop::collection::vec(rule(), 2..14),
            ) {
                check_router(rules, 0, 1)?;
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(96))]

            #[test]
            fn pruned_equals_exhaustive(
                rules in prop::collection::vec(rule(), 2..9),
                small_cubes in prop::bool::weighted(0.2),
            ) {
                check(rules, small_cubes)?;
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// The same, many more cases: `cargo test --lib pruned_equals -- --ignored`.
            #[test]
            #[ignore]
            fn pruned_equals_exhaustive_many(
                rules in prop::collection::vec(rule(), 2..14),
                small_cubes in prop::bool::weighted(0.2),
            ) {
                check(rules, small_cubes)?;
            }
        }
    }

    mod compatibility {
        //! Which rules a wildcard is paired with.
        use super::super::{compatible, pinned_texts};
        use crate::Router;
        use crate::analyze::Options;
        use crate::analyze::context::Context;
        use crate::load::{Format, Source, router_from_str};
        use std::collections::HashMap;

        fn router(rules: &str) -> Router {
            let org = "sites: [{id: hq}]\nunits: [{id: u}]\ndesks: [{id: d, unit: u, site: hq, capabilities: [a, b]}]\n";
            router_from_str(
                Source::new(org, Format::Yaml),
                Source::new(rules, Format::Yaml),
            )
            .unwrap()
        }

        const RULES: &str = r#"
facts: [{id: tier, values: [gold, silver]}, {id: age, type: number}]
rules:
  - {id: es, when: {fact: language, eq: es}, then: {capability: a}}
  - {id: en-fr, when: {all: [{fact: need, eq: x}, {fact: language, in: [en, fr]}]}, then: {capability: b}}
  - {id: open, when: {fact: need, eq: z}, then: {capability: b}}
  - {id: es-or-en, when: {any: [{fact: language, eq: es}, {fact: language, eq: en}]}, then: {capability: b}}
  - {id: not-es, when: {not: {fact: language, eq: es}}, then: {capability: b}}
  - {id: half, when: {any: [{fact: language, eq: en}, {fact: tier, eq: gold}]}, then: {capability: b}}
  - {id: old, when: {fact: age, gte: 65}, then: {capability: b}}
"#;

        #[test]
        fn pinned_values_per_fact() {
            let router = router(RULES);
            let options = Options::new();
            let cx = Context::new(&router, &options);
            let rl = cx.logic();
            let lang = rl.logic.vocab.get("language").unwrap();
            let pinned = |r: usize| pinned_texts(&rl.logic, rl.pos[r].as_ref().unwrap(), lang);
            assert_eq!(pinned(0), Some(vec!["es".to_owned()]));
            assert_eq!(pinned(1), Some(vec!["en".to_owned(), "fr".to_owned()]));
            // Not tested: not pinned.
            assert_eq!(pinned(2), None);
            assert_eq!(pinned(3), Some(vec!["en".to_owned(), "es".to_owned()]));
            // `not eq` pins nothing (any other language).
            assert_eq!(pinned(4), None);
            // One conjunction leaves the language open.
            assert_eq!(pinned(5), None);
            // A number is never a text pin.
            let age = rl.logic.vocab.get("age").unwrap();
            assert_eq!(
                pinned_texts(&rl.logic, rl.pos[6].as_ref().unwrap(), age),
                None
            );
        }

        #[test]
        fn a_wildcard_meets_only_compatible_rules() {
            let router = router(RULES);
            let options = Options::new();
            let cx = Context::new(&router, &options);
            let rl = cx.logic();
            let live: Vec<usize> = (0..7).collect();
            let mut indexes = HashMap::new();
            let mut got = compatible(rl, &mut indexes, 0, &live, rl.pos[0].as_ref().unwrap());
            got.sort_unstable();
            got.dedup();
            // `en-fr` pins the language to other values: never TRUE with `es`.
            assert_eq!(got, vec![0, 2, 3, 4, 5, 6]);
            // `old` pins nothing: paired with every rule.
            let got = compatible(rl, &mut indexes, 0, &live, rl.pos[6].as_ref().unwrap());
            assert_eq!(got, live);
        }
    }

    #[test]
    fn synthetic_10k_same_as_exhaustive() {
        synthetic(10_000, 1_000);
    }

    /// Seconds in a debug build.
    #[test]
    #[ignore]
    fn synthetic_100k_same_as_exhaustive() {
        synthetic(100_000, 10_000);
    }
}
