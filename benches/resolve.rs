//! Resolve latency and throughput on synthetic organizations, side by side with the
//! reference resolver (a linear scan of rules, then of desks) on the same requests.
//!
//! Before timing, every benchmarked request is resolved by both and the answers must be
//! equal. After criterion's measurements, a summary table with medians and ratios is
//! printed (`resolve summary`), with the same requests answered as borrowed views
//! (`Router::resolve_ref`).
//!
//! Sizes: (1k desks, 100 rules), (10k, 1k), (100k, 10k); with `RIGHTDESK_BENCH_LARGE=1`
//! also (1M, 100k).

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rightdesk::resolve::reference;

/// Requests per size.
const REQUESTS: usize = 1_000;

struct Row {
    label: String,
    build: Duration,
    kinds: BTreeMap<&'static str, usize>,
    router: (f64, f64, f64),
    borrowed: (f64, f64, f64),
    reference: Option<(f64, f64, f64)>,
    checked: usize,
}

/// Per-request times of `f` in ns: each request run `reps` times, divided.
fn per_request<F: FnMut(&rightdesk::Request)>(
    reqs: &[rightdesk::Request],
    reps: u32,
    mut f: F,
) -> Vec<f64> {
    reqs.iter()
        .map(|r| {
            let t = Instant::now();
            for _ in 0..reps {
                f(r);
            }
            t.elapsed().as_nanos() as f64 / f64::from(reps)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut rows = Vec::new();
    // `RIGHTDESK_BENCH_SKIP_REFERENCE=1` skips the reference entirely (for profiling the
    // router alone; never for reported figures).
    let skip_reference = std::env::var("RIGHTDESK_BENCH_SKIP_REFERENCE").is_ok();
    for size in common::curve() {
        let s = common::scenario(size, REQUESTS);
        let (org, rules) = (s.router.org(), s.router.rules());
        let label = size.label();

        // Agreement first: router == reference on every benchmarked request (a sample of
        // 200 at 1M desks, where the reference takes long).
        let n_check = if skip_reference {
            0
        } else if size.desks >= 1_000_000 {
            200
        } else {
            s.requests.len()
        };
        let mut kinds = BTreeMap::new();
        let mut reference_ns = Vec::with_capacity(n_check);
        for req in &s.requests[..n_check] {
            let fast = s.router.resolve(req).expect("router");
            let t = Instant::now();
            let slow = reference::resolve(org, rules, &[], req).expect("reference");
            reference_ns.push(t.elapsed().as_nanos() as f64);
            assert_eq!(fast, slow, "router and reference disagree on {req:?}");
            *kinds.entry(fast.outcome.kind()).or_insert(0) += 1;
        }

        let mut g = c.benchmark_group("resolve");
        g.sample_size(20)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2));
        let mut i = 0usize;
        let n = s.requests.len();
        g.bench_function(BenchmarkId::new("latency", &label), |b| {
            b.iter(|| {
                i = (i + 1) % n;
                black_box(s.router.resolve(black_box(&s.requests[i])).ok())
            })
        });
        g.bench_function(BenchmarkId::new("latency_ref", &label), |b| {
            b.iter(|| {
                i = (i + 1) % n;
                black_box(s.router.resolve_ref(black_box(&s.requests[i])).is_ok())
            })
        });
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("throughput", &label), |b| {
            b.iter(|| {
                for r in &s.requests {
                    black_box(s.router.resolve(black_box(r)).ok());
                }
            })
        });
        g.bench_function(BenchmarkId::new("throughput_ref", &label), |b| {
            b.iter(|| {
                for r in &s.requests {
                    black_box(s.router.resolve_ref(black_box(r)).is_ok());
                }
            })
        });
        g.finish();
        if size.desks <= 100_000 && !skip_reference {
            let mut g = c.benchmark_group("reference");
            g.sample_size(10)
                .warm_up_time(Duration::from_millis(100))
                .measurement_time(Duration::from_secs(2));
            g.bench_function(BenchmarkId::new("latency", &label), |b| {
                b.iter(|| {
                    i = (i + 1) % n;
                    black_box(reference::resolve(org, rules, &[], black_box(&s.requests[i])).ok())
                })
            });
            g.finish();
        }

        // The summary's own per-request medians (same requests, one core).
        let times = per_request(&s.requests, 50, |r| {
            black_box(s.router.resolve(r).ok());
        });
        let mut by_kind: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for (r, t) in s.requests.iter().zip(&times) {
            let kind = s.router.resolve(r).map_or("error", |x| x.outcome.kind());
            by_kind.entry(kind).or_default().push(*t);
        }
        let total: f64 = times.iter().sum();
        let per_kind: Vec<String> = by_kind
            .into_iter()
            .map(|(k, v)| {
                let share = v.iter().sum::<f64>() / total * 100.0;
                format!(
                    "{k} {:.0} (n {}, {share:.0}% of the time)",
                    common::stats(v.clone()).0,
                    v.len()
                )
            })
            .collect();
        eprintln!(
            "{label}: router median ns by outcome (count, share of the total time): {}",
            per_kind.join(", ")
        );
        if std::env::var("RIGHTDESK_BENCH_SLOWEST").is_ok() {
            let mut idx: Vec<usize> = (0..times.len()).collect();
            idx.sort_by(|&a, &b| times[b].total_cmp(&times[a]));
            for &k in idx.iter().take(5) {
                let r = &s.requests[k];
                let out = s.router.resolve(r).map(|x| x.outcome.kind());
                eprintln!("  slow: {:.0} ns {out:?} {r:?}", times[k]);
            }
        }
        let router = common::stats(times);
        // The same answers as borrowed views (`Router::resolve_ref`).
        let borrowed = common::stats(per_request(&s.requests, 50, |r| {
            black_box(s.router.resolve_ref(r).is_ok());
        }));
        // The reference's per-request times from the agreement check (one run each).
        let reference = (!reference_ns.is_empty()).then(|| common::stats(reference_ns));
        rows.push(Row {
            label,
            build: s.build,
            kinds,
            router,
            borrowed,
            reference,
            checked: n_check,
        });
    }

    eprintln!("\nresolve summary (ns per request; median / p99 / mean over {REQUESTS} requests)");
    eprintln!(
        "| size | build | outcomes (checked = reference) | router median | p99 | mean | resolves/s (1/mean) | resolve_ref median | mean | reference median | ratio (median) | ratio (mean) |"
    );
    eprintln!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        let kinds: Vec<String> = r.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let (rm, rp, ra) = r.router;
        let (bm, _, ba) = r.borrowed;
        let (refm, ratio_m, ratio_a) = match r.reference {
            Some((m, _, a)) => (
                format!("{m:.0}"),
                format!("{:.0}x", m / rm),
                format!("{:.0}x", a / ra),
            ),
            None => ("-".into(), "-".into(), "-".into()),
        };
        eprintln!(
            "| {} | {:.2?} | {} ({} checked) | {rm:.0} | {rp:.0} | {ra:.0} | {:.2}M | {bm:.0} | {ba:.0} | {refm} | {ratio_m} | {ratio_a} |",
            r.label,
            r.build,
            kinds.join(", "),
            r.checked,
            1e3 / ra,
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
