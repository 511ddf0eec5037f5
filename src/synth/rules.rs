//! Synthetic rule sets.

use std::collections::HashMap;

use super::random::{Rand, Zipf};
use crate::model::OrgSpec;
use crate::rules::{
    Condition, DeskConstraintsSpec, FactSpec, FactType, Op, RuleSetSpec, RuleSpec, ThenSpec, Value,
    ValueRef,
};

/// The shape of a synthetic rule set. Start from [`RuleShape::new`] and change fields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RuleShape {
    /// Seed of the random choices.
    pub seed: u64,
    /// Number of rules.
    pub rules: usize,
    /// Share of the rules that are base rules (`need eq X` → `X`), one per need, for the
    /// most popular needs; the rest refine popular needs.
    pub base_fraction: f64,
    /// Skew of which needs get refinements (Zipf exponent over need popularity).
    pub zipf_exponent: f64,
    /// Share of rules whose desk must speak the request's language.
    pub language_fraction: f64,
    /// Share of refinements scoped to a unit subtree.
    pub unit_scope_fraction: f64,
    /// Share of refinements scoped to a site.
    pub site_scope_fraction: f64,
    /// Share of rules naming an owner unit for escalations.
    pub owner_fraction: f64,
    /// Share of base rules demanding a capability no desk offers (coverage gaps).
    pub unserved_fraction: f64,
}

impl RuleShape {
    /// A realistic shape for `rules` rules.
    pub fn new(rules: usize) -> RuleShape {
        RuleShape {
            seed: 0,
            rules,
            base_fraction: 0.6,
            zipf_exponent: 1.0,
            language_fraction: 0.2,
            unit_scope_fraction: 0.08,
            site_scope_fraction: 0.03,
            owner_fraction: 0.6,
            unserved_fraction: 0.02,
        }
    }

    /// The same shape with another seed.
    pub fn seed(mut self, seed: u64) -> RuleShape {
        self.seed = seed;
        self
    }
}

impl Default for RuleShape {
    fn default() -> Self {
        RuleShape::new(100)
    }
}

/// The facts synthetic rules test, with their questions.
fn facts() -> Vec<FactSpec> {
    let text = |v: &[&str]| v.iter().map(|s| Value::from(*s)).collect::<Vec<_>>();
    let fact = |id: &str, kind, values, min, max, q: &str| FactSpec {
        id: id.to_owned(),
        kind,
        values,
        min,
        max,
        question: Some(q.to_owned()),
    };
    vec![
        fact(
            "requester",
            FactType::String,
            text(REQUESTERS),
            None,
            None,
            "Who is asking: a member of the public, an officer, an attorney, an insurer or a business?",
        ),
        fact(
            "amount",
            FactType::Number,
            Vec::new(),
            Some(0.0),
            Some(1_000_000.0),
            "How much money is involved, in dollars?",
        ),
        fact(
            "urgent",
            FactType::Bool,
            Vec::new(),
            None,
            None,
            "Is it urgent (someone at risk, or a deadline today)?",
        ),
        fact(
            "age",
            FactType::Number,
            Vec::new(),
            Some(0.0),
            Some(130.0),
            "How old is the person concerned?",
        ),
        fact(
            "case_number",
            FactType::String,
            Vec::new(),
            None,
            None,
            "What is the case number?",
        ),
        fact(
            "zip",
            FactType::String,
            Vec::new(),
            None,
            None,
            "What is your ZIP code?",
        ),
        fact(
            "resident",
            FactType::Bool,
            Vec::new(),
            None,
            None,
            "Do you live here?",
        ),
        fact(
            "channel",
            FactType::String,
            text(CHANNELS),
            None,
            None,
            "How are you contacting us: counter, phone, web or mail?",
        ),
    ]
}

pub(crate) const REQUESTERS: &[&str] = &["public", "officer", "attorney", "insurer", "business"];
pub(crate) const CHANNELS: &[&str] = &["counter", "phone", "web", "mail"];

fn test(fact: &str, op: Op) -> Condition {
    Condition::Test {
        fact: fact.to_owned(),
        op,
    }
}

fn need_is(need: &str) -> Condition {
    test("need", Op::Eq(Value::from(need)))
}

/// What the organization offers, as the rules generator needs it.
struct Offer {
    /// Capability names, most offered first.
    needs: Vec<String>,
    /// Per capability: a desk offering it, and one with the highest authority among those
    /// (indexes into the spec's desks).
    sample_desk: HashMap<String, (usize, usize)>,
    /// Unit ids of the upper levels (owners of escalations).
    owners: Vec<String>,
}

fn offer(org: &OrgSpec, rng: &mut Rand) -> Offer {
    // Per capability: (desks offering, a random one, one with the highest authority).
    let mut count: HashMap<&str, (usize, usize, usize)> = HashMap::new();
    for (i, d) in org.desks.iter().enumerate() {
        for c in &d.capabilities {
            let e = count.entry(c.as_str()).or_insert((0, i, i));
            e.0 += 1;
            // Reservoir sampling: each offering desk equally likely.
            if rng.below(e.0) == 0 {
                e.1 = i;
            }
            if org
                .desks
                .get(e.2)
                .is_some_and(|b| b.authority < d.authority)
            {
                e.2 = i;
            }
        }
    }
    let mut needs: Vec<(&str, usize)> = count.iter().map(|(c, (n, _, _))| (*c, *n)).collect();
    needs.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let sample_desk = count
        .iter()
        .map(|(c, (_, d, best))| ((*c).to_owned(), (*d, *best)))
        .collect();
    // Owners: units whose parent is a root, or the roots.
    let mut owners: Vec<String> = org
        .units
        .iter()
        .filter(|u| {
            u.parent
                .as_ref()
                .is_some_and(|p| org.units.first().is_some_and(|r| &r.id == p))
        })
        .map(|u| u.id.clone())
        .collect();
    if owners.is_empty() {
        owners = org.units.iter().take(1).map(|u| u.id.clone()).collect();
    }
    Offer {
        needs: needs.into_iter().map(|(c, _)| c.to_owned()).collect(),
        sample_desk,
        owners,
    }
}

/// Generate a rule set of the given shape for an organization (usually from
/// [`org`](super::org)). Every capability a rule demands is offered by some desk, except
/// for [`RuleShape::unserved_fraction`] of the base rules.
///
/// # Complexity
/// O(desks × capabilities per desk + rules).
pub fn rules(org: &OrgSpec, shape: &RuleShape) -> RuleSetSpec {
    let mut rng = Rand::new(shape.seed, 2);
    let offer = offer(org, &mut rng);
    let n_rules = shape.rules;
    let needs = if offer.needs.is_empty() {
        vec![super::org::capability_name(0)]
    } else {
        offer.needs.clone()
    };
    let n_base = ((n_rules as f64 * shape.base_fraction).ceil() as usize)
        .min(needs.len())
        .min(n_rules)
        .max(n_rules.min(1));
    let zipf = Zipf::new(n_base.max(1), shape.zipf_exponent);
    let mut rules: Vec<RuleSpec> = Vec::with_capacity(n_rules);
    let parents: HashMap<&str, &str> = org
        .units
        .iter()
        .filter_map(|u| Some((u.id.as_str(), u.parent.as_deref()?)))
        .collect();

    for i in 0..n_rules {
        let (need_ix, base) = if i < n_base {
            (i, true)
        } else {
            (zipf.sample(&mut rng), false)
        };
        let need = needs
            .get(need_ix)
            .cloned()
            .unwrap_or_else(|| super::org::capability_name(need_ix));
        let mut then = ThenSpec {
            capability: need.clone(),
            authority: None,
            unit: None,
            site: None,
            desk: DeskConstraintsSpec::default(),
            owner: None,
            bring: Vec::new(),
        };
        let (when, priority, description) = if base {
            if rng.chance(shape.unserved_fraction) {
                then.capability = format!("unstaffed.{need}");
            }
            (need_is(&need), 0, format!("{need}: anyone"))
        } else {
            // Demand authority that some desk offering the capability has.
            let best = offer
                .sample_desk
                .get(&need)
                .and_then(|&(_, best)| org.desks.get(best))
                .map_or(0, |d| d.authority);
            refinement(&mut rng, &need, &needs, &mut then, best)
        };
        if rng.chance(shape.owner_fraction) {
            then.owner = rng.pick(&offer.owners).cloned();
        }
        if rng.chance(shape.language_fraction) {
            then.desk.language = Some(ValueRef::Fact {
                fact: "language".to_owned(),
            });
        }
        if !base {
            // Scope around a desk that meets the rule's authority.
            let sample = offer
                .sample_desk
                .get(&then.capability)
                .map(|&(any, best)| if then.authority.is_some() { best } else { any });
            let desk = sample.and_then(|d| org.desks.get(d));
            if let Some(d) = desk {
                if rng.chance(shape.unit_scope_fraction) {
                    // A division (a unit right under a root) the desk belongs to, or the
                    // desk's own unit.
                    let unit = if rng.chance(0.7) {
                        division(&parents, &d.unit).to_owned()
                    } else {
                        d.unit.clone()
                    };
                    then.unit = Some(unit);
                } else if rng.chance(shape.site_scope_fraction) {
                    then.site = Some(d.site.clone());
                }
            }
        }
        rules.push(RuleSpec {
            id: format!("r{i}"),
            description: Some(description),
            priority,
            when: Some(when),
            then,
        });
    }
    rng.shuffle(&mut rules);
    RuleSetSpec {
        facts: facts(),
        rules,
    }
}

/// The ancestor of `unit` right under a root (or `unit` itself when it is a root or
/// directly under one).
fn division<'a>(parents: &HashMap<&'a str, &'a str>, unit: &'a str) -> &'a str {
    let mut cur = unit;
    for _ in 0..64 {
        match parents.get(cur) {
            Some(p) if parents.contains_key(p) => cur = p,
            _ => return cur,
        }
    }
    cur
}

/// A refinement of `need`: (condition, priority, description); may set authority and what
/// to bring.
fn refinement(
    rng: &mut Rand,
    need: &str,
    needs: &[String],
    then: &mut ThenSpec,
    max_authority: u32,
) -> (Condition, i32, String) {
    let authority = |want: u32| Some(want.min(max_authority));
    match rng.below(100) {
        0..30 => {
            then.authority = authority(2);
            (
                Condition::All(vec![
                    need_is(need),
                    test(
                        "requester",
                        Op::In(vec![Value::from("officer"), Value::from("attorney")]),
                    ),
                ]),
                10,
                format!("{need}: officers and attorneys"),
            )
        }
        30..50 => {
            let low = *rng.pick(&[100.0, 1_000.0, 10_000.0]).unwrap_or(&1_000.0);
            then.authority = authority(3);
            // Bands that do not overlap: [100, 1000), [1000, 10000), [10000, 100000).
            let parts = vec![
                need_is(need),
                test("amount", Op::Gte(low)),
                test("amount", Op::Lt(low * 10.0)),
            ];
            (
                Condition::All(parts),
                20,
                format!("{need}: amounts from {low}"),
            )
        }
        50..65 => (
            Condition::All(vec![
                need_is(need),
                Condition::Any(vec![
                    test("urgent", Op::Eq(Value::Bool(true))),
                    test("age", Op::Gte(65.0)),
                    Condition::All(vec![
                        test("resident", Op::Eq(Value::Bool(true))),
                        Condition::Not(Box::new(test("zip", Op::Prefix("9".to_owned())))),
                    ]),
                ]),
            ]),
            5,
            format!("{need}: urgent, senior or local"),
        ),
        65..75 => {
            then.bring.push("case_number".to_owned());
            (
                Condition::All(vec![need_is(need), test("case_number", Op::Exists(true))]),
                1,
                format!("{need}: with a case on file"),
            )
        }
        75..85 => {
            let mut group = vec![Value::from(need)];
            for _ in 0..2 {
                if let Some(other) = rng.pick(needs) {
                    let v = Value::from(other.as_str());
                    if !group.contains(&v) {
                        group.push(v);
                    }
                }
            }
            (
                Condition::All(vec![
                    test("need", Op::In(group)),
                    test("channel", Op::Eq(Value::from("web"))),
                ]),
                2,
                format!("{need} and related: online"),
            )
        }
        _ => (
            Condition::All(vec![
                need_is(need),
                test("requester", Op::Eq(Value::from("public"))),
                test("resident", Op::Eq(Value::Bool(false))),
                test("channel", Op::NotIn(vec![Value::from("mail")])),
            ]),
            3,
            format!("{need}: visitors"),
        ),
    }
}
