//! Load and compile time: JSON text -> OrgSpec -> Org -> RuleSet -> Router, step by step
//! and with `load::router_from_str`.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rightdesk::Router;
use rightdesk::load::{self, Format, Source};

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
        // One timed pass by phase, printed, then criterion on the whole pipeline. The CPU
        // time of all threads is printed too: on a busy machine a second thread saves no
        // wall time, and the CPU time says what it costs.
        let (t, c) = (Instant::now(), cpu());
        let org = load::org_from_str(&org_text, Format::Json, None).unwrap();
        let (t_load_org, c_org) = (t.elapsed(), since(c));
        let (t, c) = (Instant::now(), cpu());
        let rules = load::rules_from_str(&rules_text, Format::Json, None, &org).unwrap();
        let (t_load_rules, c_rules) = (t.elapsed(), since(c));
        let (t, c) = (Instant::now(), cpu());
        let router = Router::new(org, rules);
        let (t_router, c_router) = (t.elapsed(), since(c));
        eprintln!(
            "load {}: CPU time of all threads: org text->Org {:?}, rules text->RuleSet {:?}, Router::new {:?}",
            size.label(),
            c_org,
            c_rules,
            c_router
        );
        eprintln!(
            "load {}: generate org {:?}, rules {:?}; JSON {} + {} bytes; org text->Org {:?}, rules text->RuleSet {:?}, Router::new {:?}; total {:?}",
            size.label(),
            t_org,
            t_rules,
            org_text.len(),
            rules_text.len(),
            t_load_org,
            t_load_rules,
            t_router,
            t_load_org + t_load_rules + t_router
        );
        drop(router);
        // The same, in one call: the rules' text is read while the organization is built.
        let (t, c) = (Instant::now(), cpu());
        let router = load::router_from_str(
            Source::new(&org_text, Format::Json),
            Source::new(&rules_text, Format::Json),
        )
        .unwrap();
        let (t_together, c_together) = (t.elapsed(), since(c));
        eprintln!(
            "load {}: load::router_from_str (org and rules text -> Router) {:?} (CPU {:?})",
            size.label(),
            t_together,
            c_together
        );
        drop(router);
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
