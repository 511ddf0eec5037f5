//! Synthetic organizations, rules and requests: deterministic per seed, always valid.

use std::collections::HashSet;

use rightdesk::rules::{Condition, Op};
use rightdesk::synth::{self, OrgShape, RequestShape, RuleShape};
use rightdesk::{Org, RuleSet, load};

fn scenario(
    desks: usize,
    rules: usize,
    requests: usize,
    seed: u64,
) -> (
    rightdesk::OrgSpec,
    rightdesk::RuleSetSpec,
    Vec<rightdesk::Request>,
) {
    let org = synth::org(&OrgShape::new(desks).seed(seed));
    let rules = synth::rules(&org, &RuleShape::new(rules).seed(seed));
    let reqs = synth::requests(&org, &rules, &RequestShape::new(requests).seed(seed));
    (org, rules, reqs)
}

#[test]
fn same_seed_same_everything() {
    let a = scenario(800, 120, 200, 11);
    let b = scenario(800, 120, 200, 11);
    assert_eq!(a.0, b.0);
    assert_eq!(a.1, b.1);
    assert_eq!(a.2, b.2);
}

#[test]
fn other_seed_other_data() {
    let a = scenario(800, 120, 200, 1);
    let b = scenario(800, 120, 200, 2);
    assert_ne!(a.0, b.0);
    assert_ne!(a.1, b.1);
    assert_ne!(a.2, b.2);
}

#[test]
fn rules_shape_does_not_change_org() {
    let org = synth::org(&OrgShape::new(300).seed(5));
    let r1 = synth::rules(&org, &RuleShape::new(30).seed(5));
    let r2 = synth::rules(&org, &RuleShape::new(60).seed(5));
    assert_eq!(r1.rules.len(), 30);
    assert_eq!(r2.rules.len(), 60);
    assert_eq!(org, synth::org(&OrgShape::new(300).seed(5)));
}

#[test]
fn specs_validate_at_several_sizes() {
    for (desks, rules, seed) in [
        (1, 1, 0),
        (2, 3, 1),
        (10, 100, 2),
        (1_000, 100, 3),
        (5_000, 2_000, 4),
    ] {
        let (org_spec, rules_spec, requests) = scenario(desks, rules, 300, seed);
        assert_eq!(org_spec.desks.len(), desks);
        assert_eq!(rules_spec.rules.len(), rules);
        let org = Org::from_spec(org_spec).unwrap_or_else(|p| panic!("{desks} desks: {p}"));
        let rules_set =
            RuleSet::from_spec(rules_spec, &org).unwrap_or_else(|p| panic!("{rules} rules: {p}"));
        // Requests name only known sites, units and declared, valid facts.
        for r in &requests {
            if let Some(s) = &r.site {
                assert!(org.site(s).is_some(), "{s}");
            }
            if let Some(u) = &r.unit {
                assert!(org.unit(u).is_some(), "{u}");
            }
            for (name, v) in &r.facts {
                let f = rules_set
                    .fact(name)
                    .unwrap_or_else(|| panic!("fact {name}"));
                f.check(v).unwrap();
            }
            assert!(!r.need.is_empty());
        }
    }
}

#[test]
fn organization_is_realistic() {
    let spec = synth::org(&OrgShape::new(4_000).seed(9));
    let org = Org::from_spec(spec.clone()).unwrap();
    // Units form a tree with duty desks on most units.
    let shape = OrgShape::new(4_000);
    assert_eq!(org.units().len(), shape.unit_count());
    let duty = org.units().iter().filter(|u| u.duty_desk.is_some()).count();
    assert!(duty * 2 > org.units().len());
    // Capability popularity is skewed.
    let mut counts: std::collections::HashMap<&str, usize> = Default::default();
    for d in &spec.desks {
        for c in &d.capabilities {
            *counts.entry(c).or_default() += 1;
        }
    }
    let mut v: Vec<usize> = counts.values().copied().collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    assert!(v[0] > 10 * v[v.len() / 2], "{:?}", &v[..10]);
    // Several languages, several hours, some 24/7, some referrals with a cycle.
    let langs: HashSet<&str> = spec
        .desks
        .iter()
        .flat_map(|d| d.languages.iter().map(String::as_str))
        .collect();
    assert!(langs.len() >= 4);
    let hours: HashSet<Option<&str>> = spec.desks.iter().map(|d| d.hours.as_deref()).collect();
    assert!(hours.len() >= 6 && hours.contains(&None));
    let refs: usize = spec.desks.iter().map(|d| d.refers.len()).sum();
    assert!(refs > 100);
    let cycle = spec.desks.iter().any(|d| {
        d.refers.iter().any(|(need, to)| {
            let mut cur = to.clone();
            for _ in 0..4 {
                let Some(next) = org.desk(&cur).and_then(|x| {
                    x.refers
                        .iter()
                        .find(|(n, _)| n.as_str() == need)
                        .map(|(_, t)| t.to_string())
                }) else {
                    return false;
                };
                if next == d.id {
                    return true;
                }
                cur = next;
            }
            false
        })
    });
    assert!(cycle, "no referral cycle");
    // Travel: some pairs reachable, not all.
    let n = org.sites().len();
    assert!(!spec.travel.is_empty() && spec.travel.len() < n * (n - 1));
}

fn ops(c: &Condition, out: &mut HashSet<&'static str>) {
    match c {
        Condition::All(v) => {
            out.insert("all");
            v.iter().for_each(|p| ops(p, out));
        }
        Condition::Any(v) => {
            out.insert("any");
            v.iter().for_each(|p| ops(p, out));
        }
        Condition::Not(p) => {
            out.insert("not");
            ops(p, out);
        }
        Condition::Test { op, .. } => {
            out.insert(op.name());
        }
    }
}

#[test]
fn rules_are_realistic() {
    let org_spec = synth::org(&OrgShape::new(2_000).seed(3));
    let spec = synth::rules(&org_spec, &RuleShape::new(1_000).seed(3));
    let org = Org::from_spec(org_spec.clone()).unwrap();
    let set = RuleSet::from_spec(spec.clone(), &org).unwrap();
    let mut seen = HashSet::new();
    for r in &spec.rules {
        ops(r.when.as_ref().unwrap(), &mut seen);
    }
    for op in [
        "all", "any", "not", "eq", "in", "not_in", "gte", "lt", "exists", "prefix",
    ] {
        assert!(seen.contains(op), "no `{op}` in generated rules");
    }
    let with = |f: &dyn Fn(&rightdesk::rules::RuleSpec) -> bool| {
        spec.rules.iter().filter(|r| f(r)).count()
    };
    assert!(with(&|r| r.then.desk.language.is_some()) > 100);
    assert!(with(&|r| r.then.unit.is_some()) > 5);
    assert!(with(&|r| r.then.site.is_some()) > 0);
    assert!(with(&|r| r.then.owner.is_some()) > 50);
    assert!(with(&|r| r.then.authority.is_some()) > 50);
    assert!(with(&|r| r.priority > 0) > 200);
    // Most rules' capability is offered; a few are coverage gaps (warnings only).
    let offered: HashSet<&str> = org_spec
        .desks
        .iter()
        .flat_map(|d| d.capabilities.iter().map(String::as_str))
        .collect();
    let unserved = with(&|r| !offered.contains(r.then.capability.as_str()));
    assert!(
        unserved > 0 && unserved * 20 < spec.rules.len(),
        "{unserved}"
    );
    assert_eq!(set.warnings().len(), unserved);
    // Every fact has a question.
    assert!(spec.facts.iter().all(|f| f.question.is_some()));
    // Rules test `need` with equality first, mostly.
    let need_eq = with(&|r| match r.when.as_ref().unwrap() {
        Condition::Test {
            fact,
            op: Op::Eq(_),
        } => fact == "need",
        Condition::All(v) => {
            matches!(v.first(), Some(Condition::Test { fact, .. }) if fact == "need")
        }
        _ => false,
    });
    assert!(need_eq * 10 > spec.rules.len() * 9);
}

#[test]
fn requests_are_mixed() {
    let (_, rules, reqs) = scenario(2_000, 500, 2_000, 8);
    let needs: HashSet<&str> = reqs.iter().map(|r| r.need.as_str()).collect();
    assert!(needs.len() > 100, "{}", needs.len());
    assert!(reqs.iter().any(|r| r.need.starts_with("unknown.")));
    assert!(reqs.iter().any(|r| r.at.is_none()) && reqs.iter().any(|r| r.at.is_some()));
    assert!(reqs.iter().any(|r| r.site.is_none()) && reqs.iter().any(|r| r.site.is_some()));
    assert!(reqs.iter().any(|r| r.language.is_some()));
    assert!(reqs.iter().any(|r| r.facts.is_empty()));
    assert!(reqs.iter().filter(|r| r.facts.len() >= 2).count() > 200);
    // The most common need is asked far more than the median one.
    let mut counts: std::collections::HashMap<&str, usize> = Default::default();
    for r in &reqs {
        *counts.entry(&r.need).or_default() += 1;
    }
    let mut v: Vec<usize> = counts.values().copied().collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    assert!(v[0] >= 5 * v[v.len() / 2]);
    assert_eq!(rules.rules.len(), 500);
}

#[test]
fn specs_round_trip_through_json() {
    let (org, rules, reqs) = scenario(200, 50, 50, 4);
    let org_text = serde_json::to_string(&org).unwrap();
    let rules_text = serde_json::to_string(&rules).unwrap();
    let loaded = load::org_from_str(&org_text, load::Format::Json, None).unwrap();
    let set = load::rules_from_str(&rules_text, load::Format::Json, None, &loaded).unwrap();
    assert_eq!(set.rules().len(), 50);
    let reqs_text = serde_json::to_string(&reqs).unwrap();
    let back: Vec<rightdesk::Request> = serde_json::from_str(&reqs_text).unwrap();
    assert_eq!(back, reqs);
}
