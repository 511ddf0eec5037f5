//! Load and compile time: JSON text -> OrgSpec -> Org -> RuleSet -> Router, step by step
//! and with `load::router_from_str`.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rightdesk::Router;
use rightdesk::load::{self, Format, Source};

/// Timed passes per size (the best is printed: this machine is shared and noisy).
const PASSES: usize = 3;

fn phases(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(5));
    for size in common::sizes() {
        let t = Instant::now();
        let org_spec = common::org_spec(size);
        let t_org = t.elapsed();
        let t = Instant::now();
        let rules_spec = common::rules_spec(&org_spec, size);
        let t_rules = t.elapsed();
        let org_text = serde_json::to_string(&org_spec).unwrap();
        let rules_text = serde_json::to_string(&rules_spec).unwrap();
        drop((org_spec, rules_spec));
        // Where text -> Org goes: the bare JSON parse, and validation from a parsed spec.
        let t = Instant::now();
        let parsed: rightdesk::OrgSpec = serde_json::from_str(&org_text).unwrap();
        let t_parse = t.elapsed();
        let t = Instant::now();
        let org = rightdesk::Org::from_spec(parsed).unwrap();
        let t_from_spec = t.elapsed();
        drop(org);
        eprintln!(
            "load {}: of text->Org: bare serde_json parse {:?}, Org::from_spec {:?}",
            size.label(),
            t_parse,
            t_from_spec
        );
        // Three timed passes by phase, the best of each printed, then criterion on the
        // whole pipeline. The CPU time of all threads is printed too (of the best pass): on
        // a busy machine a second thread saves no wall time, and the CPU time says what it
        // costs.
        let best = |a: (Duration, Duration), b: (Duration, Duration)| if b.0 < a.0 { b } else { a };
        let slowest = (Duration::MAX, Duration::ZERO);
        let (mut org_t, mut rules_t, mut new_t, mut together_t) =
            (slowest, slowest, slowest, slowest);
        for _ in 0..PASSES {
            let (t, c) = (Instant::now(), cpu());
            let org = load::org_from_str(&org_text, Format::Json, None).unwrap();
            org_t = best(org_t, (t.elapsed(), since(c)));
            let (t, c) = (Instant::now(), cpu());
            let rules = load::rules_from_str(&rules_text, Format::Json, None, &org).unwrap();
            rules_t = best(rules_t, (t.elapsed(), since(c)));
            let (t, c) = (Instant::now(), cpu());
            let router = Router::new(org, rules);
            new_t = best(new_t, (t.elapsed(), since(c)));
            drop(router);
            // The same, in one call: the rules' text is read while the organization is built.
            let (t, c) = (Instant::now(), cpu());
            let router = load::router_from_str(
                Source::new(&org_text, Format::Json),
                Source::new(&rules_text, Format::Json),
            )
            .unwrap();
            together_t = best(together_t, (t.elapsed(), since(c)));
            drop(router);
        }
        eprintln!(
            "load {}: CPU time of all threads: org text->Org {:?}, rules text->RuleSet {:?}, Router::new {:?}",
            size.label(),
            org_t.1,
            rules_t.1,
            new_t.1
        );
        eprintln!(
            "load {}: generate org {:?}, rules {:?}; JSON {} + {} bytes; best of {PASSES}: org text->Org {:?}, rules text->RuleSet {:?}, Router::new {:?}; total {:?}",
            size.label(),
            t_org,
            t_rules,
            org_text.len(),
            rules_text.len(),
            org_t.0,
            rules_t.0,
            new_t.0,
            org_t.0 + rules_t.0 + new_t.0
        );
        eprintln!(
            "load {}: load::router_from_str (org and rules text -> Router), best of {PASSES}: {:?} (CPU {:?})",
            size.label(),
            together_t.0,
            together_t.1
        );
        if size.desks > 100_000 {
            continue; // one pass is enough at 1M desks
        }
        g.bench_with_input(
            BenchmarkId::new("json_to_router", size.label()),
            &(org_text, rules_text),
            |b, (o, r)| {
                b.iter(|| {
                    let org = load::org_from_str(o, Format::Json, None).unwrap();
                    let rules = load::rules_from_str(r, Format::Json, None, &org).unwrap();
                    black_box(Router::new(org, rules))
                })
            },
        );
    }
    g.finish();
}

/// CPU time used so far by every thread of the process (user + system, Linux
/// `/proc/self/stat`, in clock ticks of 10 ms); zero where it cannot be read.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11) // state is field 3; utime and stime are fields 14 and 15
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

fn since(start: Duration) -> Duration {
    cpu().saturating_sub(start)
}

criterion_group!(benches, phases);
criterion_main!(benches);
