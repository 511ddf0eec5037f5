//! Synthetic request streams.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::random::{Rand, Zipf};
use crate::model::{DeskSpec, OrgSpec};
use crate::resolve::{Request, RequestTime};
use crate::rules::{
    Condition, FactSpec, FactType, Op, RESERVED_FACTS, RuleSetSpec, RuleSpec, Value,
};

/// The shape of a synthetic request stream. Start from [`RequestShape::new`] and change
/// fields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RequestShape {
    /// Seed of the random choices.
    pub seed: u64,
    /// Number of requests.
    pub count: usize,
    /// Skew of need popularity (Zipf exponent over needs, most refined first).
    pub zipf_exponent: f64,
    /// Share of requests for a need drawn uniformly (the long tail) instead of by
    /// popularity.
    pub rare_fraction: f64,
    /// Share of requests for a need no rule mentions.
    pub unknown_need_fraction: f64,
    /// Share of requests missing one fact the rule they aim at tests.
    pub incomplete_fraction: f64,
    /// Chance that each other declared fact is given anyway.
    pub extra_fact_fraction: f64,
    /// Share of requests made at a site.
    pub site_fraction: f64,
    /// Of those, the share made at or near (known travel time) a site where a desk offers
    /// the capability the aimed-at rule demands: customers mostly ask where the service
    /// exists. The rest are made at a random site.
    pub near_service_fraction: f64,
    /// Share of requests with a language.
    pub language_fraction: f64,
    /// Share of requests made by a unit.
    pub unit_fraction: f64,
    /// Share of requests with a time.
    pub timed_fraction: f64,
    /// Earliest request time (local, the organization's wall clock).
    pub start: NaiveDateTime,
    /// Request times are spread over this many days from `start`.
    pub span_days: u32,
}

impl RequestShape {
    /// A realistic shape for `count` requests over the week from Monday 2026-11-30.
    pub fn new(count: usize) -> RequestShape {
        RequestShape {
            seed: 0,
            count,
            zipf_exponent: 1.0,
            rare_fraction: 0.1,
            unknown_need_fraction: 0.01,
            incomplete_fraction: 0.1,
            extra_fact_fraction: 0.2,
            site_fraction: 0.85,
            near_service_fraction: 0.8,
            language_fraction: 0.7,
            unit_fraction: 0.03,
            timed_fraction: 0.9,
            start: NaiveDate::from_ymd_opt(2026, 11, 30)
                .unwrap_or_default()
                .and_time(NaiveTime::MIN),
            span_days: 7,
        }
    }

    /// The same shape with another seed.
    pub fn seed(mut self, seed: u64) -> RequestShape {
        self.seed = seed;
        self
    }

    /// The same shape starting at another local time (e.g. today, so that opening hours are
    /// answered from their compiled horizon).
    pub fn starting(mut self, start: NaiveDateTime) -> RequestShape {
        self.start = start;
        self
    }
}

impl Default for RequestShape {
    fn default() -> Self {
        RequestShape::new(1_000)
    }
}

/// Every value a test on `need` mentions, anywhere in a condition.
fn needs_of(c: &Condition, out: &mut Vec<String>) {
    match c {
        Condition::All(v) | Condition::Any(v) => v.iter().for_each(|p| needs_of(p, out)),
        Condition::Not(p) => needs_of(p, out),
        Condition::Test { fact, op } if fact == "need" => match op {
            Op::Eq(Value::Text(n)) => out.push(n.clone()),
            Op::In(vs) => out.extend(vs.iter().filter_map(|v| v.as_str().map(str::to_owned))),
            _ => {}
        },
        Condition::Test { .. } => {}
    }
}

/// The declared facts a condition tests.
fn facts_of<'a>(c: &'a Condition, out: &mut Vec<&'a str>) {
    match c {
        Condition::All(v) | Condition::Any(v) => v.iter().for_each(|p| facts_of(p, out)),
        Condition::Not(p) => facts_of(p, out),
        Condition::Test { fact, .. } => {
            if !RESERVED_FACTS.contains(&fact.as_str()) && !out.contains(&fact.as_str()) {
                out.push(fact);
            }
        }
    }
}

/// A random value of a declared fact.
fn random_value(rng: &mut Rand, f: &FactSpec) -> Value {
    if let Some(v) = rng.pick(&f.values) {
        return v.clone();
    }
    match f.kind {
        FactType::Bool => Value::Bool(rng.chance(0.5)),
        FactType::Number => {
            let lo = f.min.unwrap_or(0.0);
            let hi = f.max.unwrap_or(lo + 100.0).max(lo);
            // Mostly small numbers, some large: a log-uniform-ish spread.
            let x = if rng.chance(0.5) {
                lo + (rng.below(100) as f64).min(hi - lo)
            } else {
                lo + ((hi - lo) * rng.unit() * rng.unit()).floor()
            };
            Value::Number(x.clamp(lo, hi))
        }
        FactType::String => match f.id.as_str() {
            "zip" => Value::Text(format!("{:05}", rng.below(100_000))),
            "case_number" => Value::Text(format!("C-{}", rng.below(1_000_000))),
            _ => Value::Text(format!("v{}", rng.below(1_000))),
        },
    }
}

/// Is `v` acceptable for the declared fact?
fn allowed(f: &FactSpec, v: &Value) -> bool {
    if v.kind() != f.kind || (!f.values.is_empty() && !f.values.contains(v)) {
        return false;
    }
    match v {
        Value::Number(n) => {
            n.is_finite() && f.min.is_none_or(|m| *n >= m) && f.max.is_none_or(|m| *n <= m)
        }
        _ => true,
    }
}

struct Facts<'a> {
    declared: HashMap<&'a str, &'a FactSpec>,
}

impl Facts<'_> {
    /// Set facts so that `c` evaluates to `want` (best effort: conflicting tests keep the
    /// last value written).
    fn satisfy(
        &self,
        rng: &mut Rand,
        c: &Condition,
        want: bool,
        facts: &mut BTreeMap<String, Value>,
    ) {
        match c {
            Condition::All(parts) if want => {
                parts.iter().for_each(|p| self.satisfy(rng, p, true, facts))
            }
            Condition::Any(parts) if !want => parts
                .iter()
                .for_each(|p| self.satisfy(rng, p, false, facts)),
            Condition::All(parts) | Condition::Any(parts) => {
                // One part decides: false for `all`, true for `any`. Never touch `need`.
                let choices: Vec<&Condition> = parts
                    .iter()
                    .filter(|p| !matches!(p, Condition::Test { fact, .. } if fact == "need"))
                    .collect();
                if let Some(p) = rng.pick(&choices) {
                    self.satisfy(rng, p, want, facts);
                }
            }
            Condition::Not(inner) => self.satisfy(rng, inner, !want, facts),
            Condition::Test { fact, op } => {
                let Some(&spec) = self.declared.get(fact.as_str()) else {
                    return;
                };
                if let Some(v) = self.value_for(rng, spec, op, want) {
                    facts.insert(fact.clone(), v);
                } else if matches!(op, Op::Exists(_)) {
                    facts.remove(fact);
                }
            }
        }
    }

    /// A value of `spec` making `op` evaluate to `want`; `None` to leave the fact out.
    fn value_for(&self, rng: &mut Rand, spec: &FactSpec, op: &Op, want: bool) -> Option<Value> {
        let other_than = |rng: &mut Rand, bad: &dyn Fn(&Value) -> bool| {
            (0..8).map(|_| random_value(rng, spec)).find(|v| !bad(v))
        };
        let bump = |n: f64, up: bool, strict: bool, rng: &mut Rand| {
            let step = if strict { 1.0 } else { 0.0 } + rng.below(10) as f64;
            if up { n + step } else { n - step }
        };
        match op {
            Op::Eq(v) | Op::Ne(v) => {
                if want == matches!(op, Op::Eq(_)) {
                    Some(v.clone())
                } else {
                    match v {
                        Value::Bool(b) => Some(Value::Bool(!b)),
                        _ => other_than(rng, &|x| x == v),
                    }
                }
            }
            Op::In(vs) | Op::NotIn(vs) => {
                if want == matches!(op, Op::In(_)) {
                    rng.pick(vs).cloned()
                } else {
                    other_than(rng, &|x| vs.contains(x))
                }
            }
            Op::Lt(n) => Some(Value::Number(bump(*n, !want, want, rng))),
            Op::Lte(n) => Some(Value::Number(bump(*n, !want, !want, rng))),
            Op::Gt(n) => Some(Value::Number(bump(*n, want, want, rng))),
            Op::Gte(n) => Some(Value::Number(bump(*n, want, !want, rng))),
            Op::Exists(b) => (want == *b).then(|| random_value(rng, spec)),
            Op::Prefix(p) => {
                let tail = rng.below(10_000);
                if want {
                    Some(Value::Text(format!("{p}{tail}")))
                } else {
                    let lead = if p.starts_with('x') { 'y' } else { 'x' };
                    Some(Value::Text(format!("{lead}{tail}")))
                }
            }
        }
    }
}

/// Does the desk meet the rule's authority, unit and site scope, and language demands?
fn meets(
    desk: &DeskSpec,
    rule: &RuleSpec,
    language: Option<&str>,
    parents: &HashMap<&str, &str>,
) -> bool {
    let t = &rule.then;
    let in_unit = |scope: &str| {
        let mut cur = Some(desk.unit.as_str());
        for _ in 0..64 {
            match cur {
                Some(u) if u == scope => return true,
                Some(u) => cur = parents.get(u).copied(),
                None => return false,
            }
        }
        false
    };
    t.authority.is_none_or(|a| desk.authority >= a)
        && t.site.as_ref().is_none_or(|s| *s == desk.site)
        && t.unit.as_deref().is_none_or(in_unit)
        && (t.desk.language.is_none()
            || language.is_none_or(|l| desk.languages.iter().any(|x| x == l)))
}

/// Is rule `a` (at file position `ia`) evaluated before rule `b` (at `ib`)?
fn evaluated_before(a: &RuleSpec, ia: usize, b: &RuleSpec, ib: usize) -> bool {
    (std::cmp::Reverse(a.priority), ia) < (std::cmp::Reverse(b.priority), ib)
}

/// Generate a request stream for an organization and its rules (any rules, not only
/// generated ones): needs the rules mention, with facts that make one of the rules for
/// that need true and the rules evaluated before it false (as a customer answering the
/// questions would), except for the incomplete and unknown-need shares.
///
/// Every fact value is valid for its declaration, and every site and unit exists, so
/// requests never fail with a request error.
///
/// # Complexity
/// O(rules × condition size + count × (declared facts + condition size)).
pub fn requests(org: &OrgSpec, rules: &RuleSetSpec, shape: &RequestShape) -> Vec<Request> {
    let mut rng = Rand::new(shape.seed, 3);
    let declared: HashMap<&str, &FactSpec> =
        rules.facts.iter().map(|f| (f.id.as_str(), f)).collect();
    let facts = Facts { declared };

    // Needs, most rules first, and the rules mentioning each.
    let mut by_need: HashMap<String, Vec<usize>> = HashMap::new();
    let mut first_seen: Vec<String> = Vec::new();
    let mut scratch = Vec::new();
    for (i, r) in rules.rules.iter().enumerate() {
        scratch.clear();
        if let Some(w) = &r.when {
            needs_of(w, &mut scratch);
        }
        for n in scratch.drain(..) {
            let list = by_need.entry(n.clone()).or_default();
            if list.is_empty() {
                first_seen.push(n);
            }
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let mut needs = first_seen;
    needs.sort_by_key(|n| std::cmp::Reverse(by_need.get(n).map_or(0, Vec::len)));
    let zipf = Zipf::new(needs.len().max(1), shape.zipf_exponent);

    // Up to 8 desks offering each capability (reservoir samples) and the one with the
    // highest authority, and the sites with a known travel time from each site.
    let mut offered: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut best: HashMap<&str, usize> = HashMap::new();
    for (i, d) in org.desks.iter().enumerate() {
        for c in &d.capabilities {
            let b = best.entry(c.as_str()).or_insert(i);
            if org.desks.get(*b).is_some_and(|x| x.authority < d.authority) {
                *b = i;
            }
            let n = seen.entry(c.as_str()).or_insert(0);
            *n += 1;
            let list = offered.entry(c.as_str()).or_default();
            if list.len() < 8 {
                list.push(i);
            } else {
                let k = rng.below(*n);
                if let Some(slot) = list.get_mut(k) {
                    *slot = i;
                }
            }
        }
    }
    // The desk with the highest authority too (rules demanding authority are scoped
    // around it).
    for (c, b) in best {
        if let Some(list) = offered.get_mut(c) {
            if !list.contains(&b) {
                list.push(b);
            }
        }
    }
    let parents: HashMap<&str, &str> = org
        .units
        .iter()
        .filter_map(|u| Some((u.id.as_str(), u.parent.as_deref()?)))
        .collect();
    let mut neighbours: HashMap<&str, Vec<&str>> = HashMap::new();
    for t in &org.travel {
        neighbours
            .entry(t.from.as_str())
            .or_default()
            .push(t.to.as_str());
        neighbours
            .entry(t.to.as_str())
            .or_default()
            .push(t.from.as_str());
    }
    for v in neighbours.values_mut() {
        v.sort_unstable();
        v.dedup();
    }

    let mut languages: Vec<&str> = Vec::new();
    for d in org.desks.iter().take(10_000) {
        for l in &d.languages {
            if !languages.contains(&l.as_str()) {
                languages.push(l);
            }
        }
    }

    let mut out = Vec::with_capacity(shape.count);
    let minutes = i64::from(shape.span_days.max(1)) * 24 * 60;
    for _ in 0..shape.count {
        let mut req = Request::default();
        let rule = if needs.is_empty() || rng.chance(shape.unknown_need_fraction) {
            req.need = format!("unknown.need.{}", rng.below(1_000));
            None
        } else {
            let k = if rng.chance(shape.rare_fraction) {
                rng.below(needs.len())
            } else {
                zipf.sample(&mut rng)
            };
            let need = needs.get(k).cloned().unwrap_or_default();
            let rule = by_need
                .get(&need)
                .and_then(|rs| rng.pick(rs))
                .and_then(|&i| Some((i, rules.rules.get(i)?)));
            req.need = need;
            rule
        };
        if let Some((chosen, rule)) = rule {
            // A customer answers what the rules for the need ask: the rules evaluated
            // before the chosen one are made false, then the chosen one true.
            if let Some(list) = by_need.get(&req.need) {
                for &q in list {
                    let Some(other) = rules.rules.get(q) else {
                        continue;
                    };
                    if q != chosen && evaluated_before(other, q, rule, chosen) {
                        if let Some(w) = &other.when {
                            facts.satisfy(&mut rng, w, false, &mut req.facts);
                        }
                    }
                }
            }
            if let Some(when) = &rule.when {
                facts.satisfy(&mut rng, when, true, &mut req.facts);
            }
        }
        let rule = rule.map(|(_, r)| r);
        for f in &rules.facts {
            if !req.facts.contains_key(&f.id) && rng.chance(shape.extra_fact_fraction) {
                req.facts.insert(f.id.clone(), random_value(&mut rng, f));
            }
        }
        if let Some(when) = rule.and_then(|r| r.when.as_ref()) {
            if rng.chance(shape.incomplete_fraction) {
                let mut tested = Vec::new();
                facts_of(when, &mut tested);
                if let Some(f) = rng.pick(&tested) {
                    req.facts.remove(*f);
                }
            }
        }
        req.facts.retain(|name, v| {
            facts
                .declared
                .get(name.as_str())
                .is_some_and(|f| allowed(f, v))
        });
        if rng.chance(shape.language_fraction) {
            req.language = if rng.chance(0.6) {
                languages.first()
            } else {
                rng.pick(&languages)
            }
            .map(|l| (*l).to_owned());
        }
        if rng.chance(shape.site_fraction) {
            let near = rule
                .filter(|_| rng.chance(shape.near_service_fraction))
                .and_then(|r| {
                    let desks = offered.get(r.then.capability.as_str())?;
                    // Prefer a desk that meets the rule's demands.
                    let fit: Vec<usize> = desks
                        .iter()
                        .copied()
                        .filter(|&d| {
                            org.desks
                                .get(d)
                                .is_some_and(|d| meets(d, r, req.language.as_deref(), &parents))
                        })
                        .collect();
                    rng.pick(if fit.is_empty() { desks } else { &fit }).copied()
                })
                .and_then(|d| org.desks.get(d))
                .map(|d| {
                    let around = neighbours
                        .get(d.site.as_str())
                        .map_or(&[][..], Vec::as_slice);
                    match rng.below(around.len() + 1) {
                        0 => d.site.as_str(),
                        k => around.get(k - 1).copied().unwrap_or(d.site.as_str()),
                    }
                });
            req.site = match near {
                Some(site) => Some(site.to_owned()),
                None => rng.pick(&org.sites).map(|s| s.id.clone()),
            };
        }
        if rng.chance(shape.unit_fraction) {
            req.unit = rng.pick(&org.units).map(|u| u.id.clone());
        }
        if rng.chance(shape.timed_fraction) {
            let offset = Duration::minutes(rng.below(minutes as usize) as i64);
            req.at = shape
                .start
                .checked_add_signed(offset)
                .map(RequestTime::Local);
        }
        out.push(req);
    }
    out
}
