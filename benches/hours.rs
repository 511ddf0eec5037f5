//! Opening hours: the compiled table against the `opening-hours` crate it is built from.

use std::hint::black_box;
use std::time::Duration;

use chrono::{Duration as Days, NaiveDateTime};
use criterion::{Criterion, criterion_group, criterion_main};
use opening_hours::OpeningHours;
use opening_hours::localization::Country;
use rightdesk::Hours;

const TEXT: &str = "Mo-Fr 08:00-12:00,13:00-17:00; Sa 09:00-12:00; PH off";

fn times() -> Vec<NaiveDateTime> {
    // A spread of times over the next weeks, from the time the bench runs (inside the
    // default horizon).
    let start = chrono::Utc::now().naive_utc();
    (0..1024)
        .map(|i| start + Days::minutes(i * 97 % (60 * 24 * 30)))
        .collect()
}

fn bench(c: &mut Criterion) {
    let hours = Hours::parse(TEXT, Some("US")).unwrap();
    let country: Country = "US".parse().unwrap();
    let oh: OpeningHours = TEXT
        .parse::<OpeningHours>()
        .unwrap()
        .with_context(opening_hours::Context::default().with_holidays(country.holidays()));
    let ts = times();
    let mut g = c.benchmark_group("hours");
    g.sample_size(30)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    let mut i = 0usize;
    g.bench_function("is_open/compiled", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            black_box(hours.is_open(black_box(ts[i])))
        })
    });
    g.bench_function("is_open/crate", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            black_box(oh.is_open(black_box(ts[i])))
        })
    });
    g.bench_function("next_open/compiled", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            black_box(hours.next_open(black_box(ts[i])))
        })
    });
    // A new horizon start each time: never a hit in the process-wide cache.
    let base = chrono::Utc::now().date_naive();
    let mut day = 0i64;
    g.bench_function("parse_and_compile", |b| {
        b.iter(|| {
            day += 1;
            let start = base + Days::days(day);
            black_box(Hours::parse_with_horizon(black_box(TEXT), Some("US"), start, 1097).unwrap())
        })
    });
    g.bench_function("parse_cached", |b| {
        b.iter(|| black_box(Hours::parse(black_box(TEXT), Some("US")).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
