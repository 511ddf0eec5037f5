//! Shared scenario building for the benches: synthetic organizations, rules and requests
//! from `rightdesk::synth`, at the sizes the benches run.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use chrono::NaiveTime;
use rightdesk::synth::{self, OrgShape, RequestShape, RuleShape};
use rightdesk::{Org, OrgSpec, Request, Router, RuleSet, RuleSetSpec};

/// One benchmark size: desks and rules.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub desks: usize,
    pub rules: usize,
}

impl Size {
    pub fn label(&self) -> String {
        format!("{}d_{}r", human(self.desks), human(self.rules))
    }
}

fn human(n: usize) -> String {
    if n >= 1_000_000 && n % 1_000_000 == 0 {
        format!("{}M", n / 1_000_000)
    } else if n >= 1_000 && n % 1_000 == 0 {
        format!("{}k", n / 1_000)
    } else {
        n.to_string()
    }
}

/// True when `RIGHTDESK_BENCH_LARGE=1`: add the 1M-desk / 100k-rule size.
pub fn large() -> bool {
    std::env::var("RIGHTDESK_BENCH_LARGE").is_ok_and(|v| v == "1")
}

/// The sizes every bench runs: (10k, 1k) and (100k, 10k) by default, plus (1M, 100k) with
/// `RIGHTDESK_BENCH_LARGE=1`.
pub fn sizes() -> Vec<Size> {
    let mut v = vec![
        Size {
            desks: 10_000,
            rules: 1_000,
        },
        Size {
            desks: 100_000,
            rules: 10_000,
        },
    ];
    if large() {
        v.push(Size {
            desks: 1_000_000,
            rules: 100_000,
        });
    }
    v
}

/// The latency curve: sizes growing tenfold in desks and rules.
pub fn curve() -> Vec<Size> {
    let mut v = vec![Size {
        desks: 1_000,
        rules: 100,
    }];
    v.extend(sizes());
    v
}

pub const SEED: u64 = 2026;

pub fn org_spec(size: Size) -> OrgSpec {
    synth::org(&OrgShape::new(size.desks).seed(SEED))
}

pub fn rules_spec(org: &OrgSpec, size: Size) -> RuleSetSpec {
    synth::rules(org, &RuleShape::new(size.rules).seed(SEED))
}

/// Requests over the week from today, so that opening hours are answered from their
/// compiled horizon as in production.
pub fn requests(org: &OrgSpec, rules: &RuleSetSpec, n: usize) -> Vec<Request> {
    let today = chrono::Utc::now().date_naive().and_time(NaiveTime::MIN);
    synth::requests(org, rules, &RequestShape::new(n).seed(SEED).starting(today))
}

/// A built router and the requests to time it with.
pub struct Scenario {
    pub size: Size,
    pub router: Router,
    pub requests: Vec<Request>,
    pub build: Duration,
}

pub fn scenario(size: Size, n_requests: usize) -> Scenario {
    let t = Instant::now();
    let org_spec = org_spec(size);
    let rules_spec = rules_spec(&org_spec, size);
    let requests = requests(&org_spec, &rules_spec, n_requests);
    let org = Org::from_spec(org_spec).unwrap_or_else(|p| panic!("synthetic org: {p}"));
    let rules =
        RuleSet::from_spec(rules_spec, &org).unwrap_or_else(|p| panic!("synthetic rules: {p}"));
    let router = Router::new(org, rules);
    Scenario {
        size,
        router,
        requests,
        build: t.elapsed(),
    }
}

/// Median, 99th percentile and mean of a set of durations, in nanoseconds.
pub fn stats(mut ns: Vec<f64>) -> (f64, f64, f64) {
    if ns.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    ns.sort_by(|a, b| a.total_cmp(b));
    let median = ns[ns.len() / 2];
    let p99 = ns[(ns.len() * 99 / 100).min(ns.len() - 1)];
    let mean = ns.iter().sum::<f64>() / ns.len() as f64;
    (median, p99, mean)
}
