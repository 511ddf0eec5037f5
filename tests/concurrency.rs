//! Status updates and whole reloads while many threads resolve: readers see the old state or
//! the new one, never a mix; a bad reload leaves the old state serving.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rightdesk::load::{org_from_str, rules_from_str};
use rightdesk::status::LiveRouter;
use rightdesk::{Format, Org, Request, Router, RuleSet, StatusUpdate};

const ORG_A: &str = "
sites: [{id: s}]
units: [{id: u, duty_desk: duty}]
desks:
  - {id: a, unit: u, site: s, capabilities: [x], wait_minutes: 0}
  - {id: b, unit: u, site: s, capabilities: [x], wait_minutes: 10}
  - {id: c, unit: u, site: s, capabilities: [w], wait_minutes: 20}
  - {id: duty, unit: u, site: s, capabilities: [], wait_minutes: 30}
";

const RULES_A: &str = "
rules:
  - {id: ra, when: {fact: need, eq: x}, then: {capability: x, owner: u}}
";

const ORG_B: &str = "
sites: [{id: s}]
units: [{id: u}]
desks:
  - {id: z, unit: u, site: s, capabilities: [x2], wait_minutes: 0}
  - {id: a, unit: u, site: s, capabilities: [], wait_minutes: 0}
";

const RULES_B: &str = "
rules:
  - {id: rb, when: {fact: need, eq: x}, then: {capability: x2}}
";

fn load(org: &str, rules: &str) -> (Org, RuleSet) {
    let org = org_from_str(org, Format::Yaml, None).unwrap();
    let rules = rules_from_str(rules, Format::Yaml, None, &org).unwrap();
    (org, rules)
}

fn router(org: &str, rules: &str) -> Router {
    let (org, rules) = load(org, rules);
    Router::new(org, rules)
}

/// A batch that, applied halfway, would route to `b` (or escalate); whole, it routes to `c`.
fn batch() -> Vec<StatusUpdate> {
    vec![
        StatusUpdate::Close {
            desk: "a".into(),
            until: None,
            reason: Some("out sick".into()),
        },
        StatusUpdate::RemoveCapability {
            desk: "b".into(),
            capability: "x".into(),
        },
        StatusUpdate::AddCapability {
            desk: "c".into(),
            capability: "x".into(),
        },
    ]
}

fn run_readers(
    live: &LiveRouter,
    allowed: &[(&str, &str)],
    writer: impl FnOnce(&AtomicBool) + Send,
) {
    let stop = AtomicBool::new(false);
    let answers = AtomicUsize::new(0);
    let req = Request::new("x");
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let res = live.resolve(&req).unwrap();
                    let desk = res
                        .outcome
                        .desk()
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    let rule = res
                        .explanation
                        .rule
                        .as_ref()
                        .map(|r| r.to_string())
                        .unwrap_or_default();
                    assert!(
                        allowed.iter().any(|(d, r)| *d == desk && *r == rule),
                        "a mixed state was seen: desk `{desk}` by rule `{rule}`"
                    );
                    answers.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        s.spawn(|| writer(&stop));
    });
    assert!(answers.load(Ordering::Relaxed) > 0);
}

#[test]
fn status_batches_are_all_or_nothing_for_concurrent_readers() {
    let live = LiveRouter::new(router(ORG_A, RULES_A));
    run_readers(&live, &[("a", "ra"), ("c", "ra")], |stop| {
        let deadline = Instant::now() + Duration::from_millis(800);
        let mut flips = 0;
        while Instant::now() < deadline || flips < 20 {
            live.update_status(batch()).unwrap();
            live.clear_status();
            flips += 1;
        }
        stop.store(true, Ordering::Relaxed);
    });
}

#[test]
fn reloads_swap_org_and_rules_together() {
    let live = LiveRouter::new(router(ORG_A, RULES_A));
    run_readers(&live, &[("a", "ra"), ("z", "rb")], |stop| {
        let deadline = Instant::now() + Duration::from_millis(800);
        let mut flips = 0;
        while Instant::now() < deadline || flips < 10 {
            let (org, rules) = load(ORG_B, RULES_B);
            live.replace(org, rules);
            let (org, rules) = load(ORG_A, RULES_A);
            live.replace(org, rules);
            flips += 1;
        }
        stop.store(true, Ordering::Relaxed);
    });
}

#[test]
fn a_snapshot_stays_consistent_across_a_reload() {
    let live = LiveRouter::new(router(ORG_A, RULES_A));
    let before = live.snapshot();
    let (org, rules) = load(ORG_B, RULES_B);
    live.replace(org, rules);
    let req = Request::new("x");
    assert_eq!(before.resolve(&req).unwrap().outcome.desk().unwrap(), "a");
    assert_eq!(live.resolve(&req).unwrap().outcome.desk().unwrap(), "z");
}

#[test]
fn a_bad_reload_leaves_the_old_state_serving() {
    let dir = tempfile::tempdir().unwrap();
    let org_path = dir.path().join("org.yaml");
    let rules_path = dir.path().join("rules.yaml");
    std::fs::write(&org_path, ORG_A).unwrap();
    std::fs::write(&rules_path, RULES_A).unwrap();
    let live = LiveRouter::from_paths(&org_path, &rules_path).unwrap();
    live.update_status(batch()).unwrap();
    let req = Request::new("x");
    assert_eq!(live.resolve(&req).unwrap().outcome.desk().unwrap(), "c");

    // A desk now names a unit that does not exist: the reload fails, nothing changes.
    std::fs::write(
        &org_path,
        ORG_A.replace(
            "unit: u, site: s, capabilities: [x], wait_minutes: 0",
            "unit: nope, site: s, capabilities: [x]",
        ),
    )
    .unwrap();
    let err = live.reload_from_paths(&org_path, &rules_path).unwrap_err();
    assert!(err.to_string().contains("unknown unit `nope`"), "{err}");
    assert_eq!(live.resolve(&req).unwrap().outcome.desk().unwrap(), "c");
    assert_eq!(live.snapshot().status_updates().len(), 3);

    // Not even YAML: same.
    std::fs::write(&org_path, "desks: [").unwrap();
    assert!(live.reload_from_paths(&org_path, &rules_path).is_err());
    assert_eq!(live.resolve(&req).unwrap().outcome.desk().unwrap(), "c");
}

#[test]
fn a_reload_carries_the_live_status_over_and_reports_what_it_drops() {
    let live = LiveRouter::new(router(ORG_A, RULES_A));
    live.update_status(batch()).unwrap();
    // The new organization lacks desk `b` and `c`: their updates are dropped, `a`'s closure kept.
    let (org, rules) = load(
        ORG_A
            .replace(
                "  - {id: b, unit: u, site: s, capabilities: [x], wait_minutes: 10}\n",
                "",
            )
            .replace(
                "  - {id: c, unit: u, site: s, capabilities: [w], wait_minutes: 20}\n",
                "",
            )
            .as_str(),
        RULES_A,
    );
    let reload = live.replace(org, rules);
    assert_eq!(reload.kept.len(), 1, "{reload:?}");
    assert_eq!(reload.dropped.len(), 2, "{reload:?}");
    // `a` is still closed, so the request is escalated to the duty desk.
    let res = live.resolve(&Request::new("x")).unwrap();
    assert_eq!(res.outcome.kind(), "escalated");
    assert_eq!(res.outcome.desk().unwrap(), "duty");
}

#[test]
fn applying_then_reverting_status_restores_every_answer() {
    let live = LiveRouter::new(router(ORG_A, RULES_A));
    let reqs = [Request::new("x"), Request::new("w"), Request::new("other")];
    let before: Vec<_> = reqs.iter().map(|r| live.explain(r).unwrap()).collect();
    live.update_status(batch()).unwrap();
    assert_ne!(live.resolve(&reqs[0]).unwrap(), before[0]);
    live.clear_status();
    let after: Vec<_> = reqs.iter().map(|r| live.explain(r).unwrap()).collect();
    assert_eq!(before, after);
}
