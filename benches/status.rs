//! Live status update cost: closing and re-opening desks, setting waits, changing
//! capabilities, on a built router, with an empty and with a busy overlay.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rightdesk::StatusUpdate;

fn close(desk: &str) -> StatusUpdate {
    StatusUpdate::Close {
        desk: desk.to_owned(),
        until: None,
        reason: Some("out sick".to_owned()),
    }
}

fn reopen(desk: &str) -> StatusUpdate {
    StatusUpdate::Reopen {
        desk: desk.to_owned(),
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("status");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for size in common::sizes() {
        let s = common::scenario(size, 100);
        let router = &s.router;
        let label = size.label();
        let desks: Vec<String> = router
            .org()
            .desks()
            .iter()
            .map(|d| d.id.to_string())
            .collect();
        let cap = router.org().desks()[0].capabilities[0].to_string();

        // One desk closed, then re-opened: two atomic updates per iteration.
        g.bench_function(BenchmarkId::new("close_reopen", &label), |b| {
            b.iter(|| {
                router.update_status([close(&desks[1])]).unwrap();
                router.update_status([reopen(&desks[1])]).unwrap();
            })
        });
        // A batch of 100 mixed updates applied atomically, then cleared.
        let batch: Vec<StatusUpdate> = (0..100)
            .map(|i| {
                let d = desks[(i * 7919) % desks.len()].clone();
                match i % 4 {
                    0 => close(&d),
                    1 => StatusUpdate::SetWait {
                        desk: d,
                        minutes: 30,
                    },
                    2 => StatusUpdate::AddCapability {
                        desk: d,
                        capability: cap.clone(),
                    },
                    _ => StatusUpdate::RemoveCapability {
                        desk: d,
                        capability: cap.clone(),
                    },
                }
            })
            .collect();
        g.bench_function(BenchmarkId::new("batch100_then_clear", &label), |b| {
            b.iter(|| {
                router.update_status(batch.iter().cloned()).unwrap();
                router.clear_status();
            })
        });
        // The same single update with 1% of desks already closed.
        let busy: Vec<StatusUpdate> = desks.iter().step_by(100).map(|d| close(d)).collect();
        router.replace_status(busy).unwrap();
        g.bench_function(
            BenchmarkId::new("close_reopen_with_1pct_closed", &label),
            |b| {
                b.iter(|| {
                    router.update_status([close(&desks[1])]).unwrap();
                    router.update_status([reopen(&desks[1])]).unwrap();
                })
            },
        );
        // Resolving with that overlay in place.
        let mut i = 0usize;
        let n = s.requests.len();
        g.bench_function(BenchmarkId::new("resolve_with_1pct_closed", &label), |b| {
            b.iter(|| {
                i = (i + 1) % n;
                black_box(router.resolve(black_box(&s.requests[i])).ok())
            })
        });
        router.clear_status();
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
