//! Analysis time: `rightdesk::analyze::analyze_router` (every lint over a whole
//! organization and its rules, as a team would run it in CI on each policy change) on
//! synthetic organizations.
//!
//! Sizes: (10k desks, 1k rules) and (100k, 10k); with `RIGHTDESK_BENCH_LARGE=1` also
//! (1M, 100k). Every size prints the best of three whole analyses (one at 1M) and what
//! they found; up to 100k also the time of each lint run alone (`Options::only`, each
//! with the setup every lint shares). Criterion times the whole analysis at the sizes
//! where one takes well under a second (a pass at 100k takes seconds).

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rightdesk::Router;
use rightdesk::analyze::{Code, Options, Report, analyze_router};

/// Criterion times sizes up to this many desks; larger ones are timed by hand only.
const CRITERION_AT_MOST: usize = 10_000;

/// Each lint is also timed alone up to this many desks.
const PER_LINT_AT_MOST: usize = 100_000;

/// The best of `passes` runs of `f`, with the last result.
fn best_of<T>(passes: usize, mut f: impl FnMut() -> T) -> (Duration, Option<T>) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..passes {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        last = Some(out);
    }
    (best, last)
}

fn findings_by_code(report: &Report) -> String {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *by.entry(f.code.as_str()).or_insert(0) += 1;
    }
    by.iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn per_lint(router: &Router, options: &Options) -> String {
    Code::ALL
        .iter()
        .map(|&code| {
            let only = options.clone().only([code]);
            let (t, _) = best_of(1, || analyze_router(router, &only));
            format!("{} {:.0} ms", code.as_str(), t.as_secs_f64() * 1e3)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sizes to analyse: `RIGHTDESK_BENCH_ANALYZE_DESKS=n` analyses only n desks / n/10
/// rules (each lint alone too), for measuring growth between the default sizes and 1M.
fn sizes() -> Vec<common::Size> {
    match std::env::var("RIGHTDESK_BENCH_ANALYZE_DESKS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        Some(desks) => vec![common::Size {
            desks,
            rules: desks / 10,
        }],
        None => common::sizes(),
    }
}

/// True when a size was asked for with `RIGHTDESK_BENCH_ANALYZE_DESKS`: each lint is
/// timed alone at it whatever its size.
fn per_lint_forced() -> bool {
    std::env::var("RIGHTDESK_BENCH_ANALYZE_DESKS").is_ok()
}

fn bench(c: &mut Criterion) {
    // `cargo bench` passes `--bench`; `cargo test --benches` would run this with other
    // flags: only analyse when run as a bench (a pass at 100k takes seconds).
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    // A fixed week, so opening hours and holidays are the same on every run.
    let week = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
    let mut options = Options::new().week(week);
    // Diagnostics: `RIGHTDESK_BENCH_ANALYZE_ONLY=coverage-gap` runs that lint only (for
    // profiling it).
    if let Ok(only) = std::env::var("RIGHTDESK_BENCH_ANALYZE_ONLY") {
        options = options.only(Code::ALL.iter().copied().filter(|c| c.as_str() == only));
    }
    let mut rows = Vec::new();
    for size in sizes() {
        let s = common::scenario(size, 0);
        let label = size.label();
        let passes = if size.desks >= 1_000_000 || per_lint_forced() {
            1
        } else {
            3
        };
        let (best, report) = best_of(passes, || analyze_router(&s.router, &options));
        let Some(report) = report else { continue };
        println!(
            "analyze {label}: best of {passes}: {:.3} s; {} findings ({}); {} inconclusive",
            best.as_secs_f64(),
            report.findings.len(),
            findings_by_code(&report),
            report.stats.inconclusive.len()
        );
        if (size.desks <= PER_LINT_AT_MOST || per_lint_forced()) && options.only.is_none() {
            println!(
                "analyze {label}: each lint alone, with the shared setup: {}",
                per_lint(&s.router, &options)
            );
        }
        rows.push(format!(
            "| {label} | {:.3} s | {:.1} µs | {} |",
            best.as_secs_f64(),
            best.as_secs_f64() * 1e6 / size.desks as f64,
            report.findings.len()
        ));
        if size.desks <= CRITERION_AT_MOST {
            let mut g = c.benchmark_group("analyze");
            g.sample_size(10)
                .warm_up_time(Duration::from_millis(200))
                .measurement_time(Duration::from_secs(3));
            g.bench_function(BenchmarkId::new("whole", &label), |b| {
                b.iter(|| black_box(analyze_router(black_box(&s.router), &options)))
            });
            g.finish();
        }
    }
    println!("\nanalysis summary (every lint, one thread)");
    println!("| size | best time | per desk | findings |");
    println!("|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
