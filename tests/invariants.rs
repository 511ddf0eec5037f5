//! Invariants of resolution on the shipped example organizations, over generated requests
//! and status batches (proptest):
//! - determinism, and `explain` agrees with `resolve`;
//! - NeedsInfo only when a missing fact decides: filling in the asked facts in every allowed
//!   way never asks the same questions again, and changes which rule decides;
//! - escalation goes to a duty desk up the chain of command of the owning unit, never down
//!   or sideways;
//! - applying a status batch and reverting it restores every answer; `status_updates()`
//!   round-trips through `replace_status`.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use proptest::prelude::*;
use rightdesk::rules::{Fact, FactType, Value};
use rightdesk::{Outcome, Request, RequestTime, Router, StatusUpdate, load};

struct Example {
    router: Router,
    needs: Vec<String>,
}

fn example(org: &str, rules: &str) -> Example {
    let dir = env!("CARGO_MANIFEST_DIR");
    let org = load::org_from_path(format!("{dir}/examples/{org}")).unwrap();
    let rules = load::rules_from_path(format!("{dir}/examples/{rules}"), &org).unwrap();
    let mut needs: BTreeSet<String> = org.symbols().iter().map(|s| s.to_string()).collect();
    needs.insert("no.such.need".into());
    Example {
        router: Router::new(org, rules),
        needs: needs.into_iter().collect(),
    }
}

/// Loaded once; each case gets fresh routers (so a failing case leaves no status behind).
static LOADED: LazyLock<Vec<Example>> = LazyLock::new(|| {
    vec![
        example("police_station/org.yaml", "police_station/rules.yaml"),
        example("city311/org.toml", "city311/rules.yaml"),
    ]
});

fn examples() -> Vec<Example> {
    LOADED
        .iter()
        .map(|ex| Example {
            router: Router::new(ex.router.org().clone(), ex.router.rules().clone()),
            needs: ex.needs.clone(),
        })
        .collect()
}

/// A few allowed values of a fact: all of a finite domain, else samples.
fn values_of(fact: &Fact) -> Vec<Value> {
    if !fact.values.is_empty() {
        return fact.values.clone();
    }
    match fact.kind {
        FactType::Bool => vec![Value::Bool(false), Value::Bool(true)],
        FactType::Number => {
            let lo = fact.min.unwrap_or(0.0);
            let hi = fact.max.unwrap_or(lo + 100.0);
            vec![
                Value::Number(lo),
                Value::Number((lo + hi) / 2.0),
                Value::Number(hi),
            ]
        }
        FactType::String => vec![Value::Text("a".into()), Value::Text("other".into())],
    }
}

#[derive(Debug, Clone)]
struct Choice {
    example: usize,
    need: usize,
    facts: Vec<Option<usize>>,
    site: Option<usize>,
    minutes: Option<u32>,
    language: Option<usize>,
    status: Vec<(usize, u8, u32)>,
}

fn choice() -> impl Strategy<Value = Choice> {
    (
        0..2usize,
        any::<usize>(),
        prop::collection::vec(prop::option::of(any::<usize>()), 8),
        prop::option::of(any::<usize>()),
        prop::option::of(0u32..(60 * 24 * 14)),
        prop::option::of(0usize..4),
        prop::collection::vec((any::<usize>(), 0u8..5, 0u32..600), 0..4),
    )
        .prop_map(
            |(example, need, facts, site, minutes, language, status)| Choice {
                example,
                need,
                facts,
                site,
                minutes,
                language,
                status,
            },
        )
}

fn build(ex: &Example, c: &Choice) -> (Request, Vec<StatusUpdate>) {
    let org = ex.router.org();
    let rules = ex.router.rules();
    let mut req = Request::new(ex.needs[c.need % ex.needs.len()].clone());
    for (fact, pick) in rules.facts().iter().zip(&c.facts) {
        if let Some(p) = pick {
            let vals = values_of(fact);
            req.facts
                .insert(fact.id.to_string(), vals[p % vals.len()].clone());
        }
    }
    req.site = c
        .site
        .map(|s| org.sites()[s % org.sites().len()].id.to_string());
    // Two weeks from Monday 2026-11-23 00:00 local, in minutes (covers Thanksgiving).
    req.at = c.minutes.map(|m| {
        let start: chrono::NaiveDateTime = "2026-11-23T00:00:00".parse().unwrap();
        RequestTime::Local(start + chrono::Duration::minutes(i64::from(m)))
    });
    req.language = c.language.map(|l| ["en", "es", "zh", "fr"][l].to_string());
    let desks = org.desks();
    let caps = org.symbols();
    let status = c
        .status
        .iter()
        .map(|&(d, kind, n)| {
            let desk = desks[d % desks.len()].id.to_string();
            let capability = caps[d % caps.len()].to_string();
            match kind {
                0 => StatusUpdate::Close {
                    desk,
                    until: None,
                    reason: Some("out sick".into()),
                },
                1 => StatusUpdate::Close {
                    desk,
                    until: Some(RequestTime::Local(
                        "2026-11-23T00:00:00"
                            .parse::<chrono::NaiveDateTime>()
                            .unwrap()
                            + chrono::Duration::minutes(i64::from(n) * 20),
                    )),
                    reason: Some("meeting".into()),
                },
                2 => StatusUpdate::AddCapability { desk, capability },
                3 => StatusUpdate::RemoveCapability { desk, capability },
                _ => StatusUpdate::SetWait { desk, minutes: n },
            }
        })
        .collect();
    (req, status)
}

fn decided_by(router: &Router, req: &Request) -> String {
    let res = router.resolve(req).unwrap();
    match &res.outcome {
        Outcome::NeedsInfo { questions } => {
            let facts: Vec<String> = questions.iter().map(|q| q.fact.to_string()).collect();
            format!("needs_info:{}", facts.join(","))
        }
        _ => format!(
            "rule:{}",
            res.explanation
                .rule
                .as_ref()
                .map(|r| r.to_string())
                .unwrap_or_default()
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn resolution_invariants(c in choice()) {
        let exs = examples();
        let ex = &exs[c.example];
        let router = &ex.router;
        let (req, status) = build(ex, &c);
        router.update_status(status).unwrap();

        // Determinism; explain agrees with resolve.
        let first = router.resolve(&req).unwrap();
        prop_assert_eq!(&first, &router.resolve(&req).unwrap());
        prop_assert_eq!(&first.outcome, &router.explain(&req).unwrap().outcome);

        match &first.outcome {
            Outcome::NeedsInfo { questions } => {
                prop_assert!(!questions.is_empty());
                let asked: Vec<&Fact> = questions
                    .iter()
                    .map(|q| router.rules().fact(&q.fact).expect("questions are declared facts"))
                    .collect();
                for q in &asked {
                    prop_assert!(!req.facts.contains_key(q.id.as_str()), "asked for a fact it has");
                }
                // Every completion of the asked facts (bounded product).
                let mut completions: Vec<Request> = vec![req.clone()];
                for f in &asked {
                    let mut next = Vec::new();
                    for r in &completions {
                        for v in values_of(f) {
                            next.push(r.clone().fact(f.id.to_string(), v));
                        }
                    }
                    completions = next;
                    if completions.len() > 256 { break; }
                }
                let asked_key = format!(
                    "needs_info:{}",
                    questions.iter().map(|q| q.fact.to_string()).collect::<Vec<_>>().join(",")
                );
                let mut outcomes = BTreeSet::new();
                for r in &completions {
                    let d = decided_by(router, r);
                    prop_assert_ne!(&d, &asked_key, "asks the same questions once answered");
                    outcomes.insert(d);
                }
                prop_assert!(outcomes.len() >= 2, "the asked facts do not decide anything: {:?}", outcomes);
            }
            Outcome::Escalated { to, gap } => {
                let owner = gap.owner.as_ref().expect("an escalation names the owning unit");
                let chain = router.org().chain_of_command(owner);
                prop_assert!(
                    chain.iter().any(|u| u.duty_desk.as_ref() == Some(&to.desk)),
                    "escalated to `{}`, not a duty desk up the chain of `{}`", to.desk, owner
                );
            }
            Outcome::Routed(a) => {
                let desk = router.org().desk(&a.desk).expect("routed to a real desk");
                prop_assert_eq!(a.cost_minutes, a.travel_minutes.unwrap_or(0) + a.wait_minutes);
                prop_assert_eq!(&a.site, &desk.site);
            }
            Outcome::NoDesk { .. } => {}
        }

        // Status round trip and revert.
        let updates = router.status_updates();
        router.replace_status(updates).unwrap();
        prop_assert_eq!(&first, &router.resolve(&req).unwrap());
        router.clear_status();
        let clean = router.explain(&req).unwrap();
        let (_, status2) = build(ex, &c);
        router.update_status(status2).unwrap();
        router.clear_status();
        prop_assert_eq!(clean, router.explain(&req).unwrap());
    }
}
