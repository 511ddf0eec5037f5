//! The compiled opening hours answer exactly like the `opening-hours` crate.

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use opening_hours::localization::Country;
use opening_hours::{Context, OpeningHours, RuleKind};
use proptest::prelude::*;
use rightdesk::Hours;
use rightdesk::hours::LOOKAHEAD_DAYS;

/// Realistic expressions, with the holiday country they are used with.
const EXPRESSIONS: &[(&str, Option<&str>)] = &[
    ("Mo-Fr 08:00-16:30", None),
    (
        "Mo-Fr 08:00-12:00,13:00-17:00; Sa 09:00-12:00; PH off",
        Some("US"),
    ),
    ("Fr 22:00-02:00", None),
    ("Fr 22:00-02:00; PH off", Some("US")),
    ("24/7", None),
    ("Mo-Su 00:00-24:00", None),
    ("Jan-Mar Mo-Fr 09:00-15:00; Apr-Dec Mo-Fr 08:00-17:00", None),
    (
        "week 1-26 Mo-Fr 08:00-12:00; week 27-53 Mo-Fr 13:00-17:00",
        None,
    ),
    ("Mo-Fr 08:00-18:00; We off", None),
    ("off", None),
    ("Mo-Fr 09:00-17:00; Dec 24-26 off; PH off", Some("US")),
    ("Sa[1] 10:00-14:00", None),
    ("Mo-Fr 08:00-16:00; Sa 10:00-12:00 unknown", None),
    ("Mo-Fr 08:00-12:00, We 14:00-18:00", None),
    ("Mo-Fr 08:00-17:00 || \"by appointment\"", None),
    ("Su-Th 18:00-26:00", None),
    ("PH 10:00-14:00; Mo-Fr 08:00-17:00", Some("DE")),
    ("2026 Dec 01-2027 Jan 15 Mo-Fr 10:00-12:00", None),
    (
        "Mo-Fr 07:30-19:00; Sa,Su 10:00-16:00; PH 10:00-14:00",
        Some("FR"),
    ),
];

fn crate_hours(text: &str, holidays: Option<&str>) -> OpeningHours {
    let oh: OpeningHours = text.parse().unwrap();
    match holidays {
        Some(cc) => {
            let c: Country = cc.parse().unwrap();
            oh.with_context(Context::default().with_holidays(c.holidays()))
        }
        None => oh,
    }
}

/// The crate's answer to `next_open`, as `Hours::next_open` documents it.
fn crate_next_open(oh: &OpeningHours, t: NaiveDateTime) -> Option<NaiveDateTime> {
    if oh.is_open(t) {
        return Some(t);
    }
    oh.iter_range(t, t + Duration::days(LOOKAHEAD_DAYS))
        .find(|r| r.kind == RuleKind::Open)
        .map(|r| r.range.start.max(t))
}

/// `is_open` equals the crate's; `next_open` equals the crate's iterator, except for
/// fallback rules (`||`) where the crate's iterator skips days its own `is_open` calls open
/// (see the module docs): there, `next_open` must be the first minute the crate's `is_open`
/// calls open, which is checked on samples.
fn check(hours: &Hours, oh: &OpeningHours, t: NaiveDateTime) {
    assert_eq!(
        hours.is_open(t),
        oh.is_open(t),
        "is_open({t}) for `{}`",
        hours.as_str()
    );
    let next = hours.next_open(t);
    if !hours.as_str().contains("||") {
        assert_eq!(
            next,
            crate_next_open(oh, t),
            "next_open({t}) for `{}`",
            hours.as_str()
        );
    }
    check_next_open_by_is_open(hours, oh, t, next);
}

/// `next` is open per the crate, and the crate calls sampled minutes before it closed.
fn check_next_open_by_is_open(
    hours: &Hours,
    oh: &OpeningHours,
    t: NaiveDateTime,
    next: Option<NaiveDateTime>,
) {
    let end = match next {
        Some(n) => {
            assert!(n >= t);
            assert!(
                oh.is_open(n),
                "next_open({t}) = {n} is not open for `{}`",
                hours.as_str()
            );
            n
        }
        None => t + Duration::days(LOOKAHEAD_DAYS),
    };
    // Whole minutes strictly after `t`'s minute and before `end`.
    let t_minute = t.with_second(0).unwrap().with_nanosecond(0).unwrap();
    let span = (end - t_minute).num_minutes();
    for k in [
        1,
        span - 1,
        span / 2,
        span / 3,
        span / 7,
        span / 61,
        span / 997,
    ] {
        if k >= 1 && k < span {
            let probe = t_minute + Duration::minutes(k);
            assert!(
                !oh.is_open(probe),
                "next_open({t}) = {next:?} but the crate is open at {probe} for `{}`",
                hours.as_str()
            );
        }
    }
}

fn compiled() -> Vec<(Hours, OpeningHours)> {
    EXPRESSIONS
        .iter()
        .map(|&(text, cc)| (Hours::parse(text, cc).unwrap(), crate_hours(text, cc)))
        .collect()
}

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random times inside the default horizon (seconds included).
    #[test]
    fn equal_to_crate_inside_horizon(day in 0i64..1097, second in 0u32..86_400) {
        let all = compiled_cached();
        for (hours, oh) in all {
            let Some((start, _)) = hours.horizon() else {
                check(hours, oh, base_date() + Duration::days(day - 366) + Duration::seconds(second.into()));
                continue;
            };
            let t = start.and_hms_opt(0, 0, 0).unwrap()
                + Duration::days(day)
                + Duration::seconds(second.into());
            check(hours, oh, t);
        }
    }

    /// Random times anywhere in 2000..2060, including outside the horizon (crate fallback).
    #[test]
    fn equal_to_crate_anywhere(day in 0i64..(60 * 365), minute in 0i64..1440) {
        let t = dt("2000-01-01T00:00") + Duration::days(day) + Duration::minutes(minute);
        for (hours, oh) in compiled_cached() {
            check(hours, oh, t);
        }
    }
}

fn base_date() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

fn compiled_cached() -> &'static [(Hours, OpeningHours)] {
    static CELL: std::sync::OnceLock<Vec<(Hours, OpeningHours)>> = std::sync::OnceLock::new();
    CELL.get_or_init(compiled)
}

/// The early hours of the days clocks change (US and EU, 2026 and 2027) every 10 minutes,
/// and holidays and month/week boundaries every hour, in civil time.
#[test]
fn equal_to_crate_on_dst_and_holiday_days() {
    let dst_days = [
        "2026-03-08",
        "2026-03-29",
        "2026-10-25",
        "2026-11-01",
        "2027-03-14",
        "2027-03-28",
        "2027-10-31",
        "2027-11-07",
    ];
    let other_days = [
        "2026-12-25",
        "2026-12-26",
        "2027-01-01",
        "2027-07-03",
        "2027-07-04",
        "2027-07-05",
        "2027-06-27",
        "2027-06-28",
        "2027-07-02",
        "2027-04-01",
        "2027-05-01",
    ];
    let all = compiled_cached();
    let days = dst_days
        .iter()
        .map(|d| (d, 10))
        .chain(other_days.iter().map(|d| (d, 60)));
    for (day, step) in days {
        let d: NaiveDate = day.parse().unwrap();
        let midnight = d.and_hms_opt(0, 0, 0).unwrap();
        let early = (0..4 * 60).step_by(step);
        for minute in early.chain((4 * 60..24 * 60).step_by(60)) {
            let t = midnight + Duration::minutes(minute as i64);
            for (hours, oh) in all {
                check(hours, oh, t);
            }
        }
    }
}

/// Every 7 minutes over the whole horizon of one expression with holidays: the tables are
/// exact everywhere, not only where the random tests happened to look. Slow in debug builds.
#[test]
#[ignore = "exhaustive; run with --ignored --release"]
fn equal_to_crate_on_a_grid() {
    for (hours, oh) in compiled_cached() {
        let Some((start, end)) = hours.horizon() else {
            continue;
        };
        let mut t = start.and_hms_opt(0, 0, 0).unwrap();
        let end = end.and_hms_opt(0, 0, 0).unwrap();
        while t < end {
            assert_eq!(hours.is_open(t), oh.is_open(t), "{t} `{}`", hours.as_str());
            t += Duration::minutes(7);
        }
        let mut t = start.and_hms_opt(0, 0, 0).unwrap();
        while t < end {
            check(hours, oh, t);
            t += Duration::minutes(6 * 60 + 13);
        }
    }
}

#[test]
fn midnight_spanning_is_open_early_saturday() {
    let h = Hours::parse("Fr 22:00-02:00", None).unwrap();
    // 2026-12-04 is a Friday.
    assert!(!h.is_open(dt("2026-12-04T21:59")));
    assert!(h.is_open(dt("2026-12-04T22:00")));
    assert!(h.is_open(dt("2026-12-05T01:59")));
    assert!(!h.is_open(dt("2026-12-05T02:00")));
    assert_eq!(
        h.next_open(dt("2026-12-05T02:00")),
        Some(dt("2026-12-11T22:00"))
    );
}

#[test]
fn public_holidays_close() {
    let h = Hours::parse(
        "Mo-Fr 08:00-12:00,13:00-17:00; Sa 09:00-12:00; PH off",
        Some("US"),
    )
    .unwrap();
    // 2026-12-25 is a Friday and Christmas.
    assert!(!h.is_open(dt("2026-12-25T09:00")));
    assert!(h.is_open(dt("2026-12-24T09:00")));
    assert!(!h.is_open(dt("2026-12-24T12:30")));
    assert_eq!(
        h.next_open(dt("2026-12-24T17:00")),
        Some(dt("2026-12-26T09:00"))
    );
}

/// The crate's behaviour kept on purpose (see the module docs): a public-holiday Friday does
/// not close the spill-over into Saturday morning.
#[test]
fn holiday_friday_spill_over_matches_crate() {
    let text = "Fr 22:00-02:00; PH off";
    let h = Hours::parse(text, Some("US")).unwrap();
    let oh = crate_hours(text, Some("US"));
    let t = dt("2026-12-26T01:00");
    assert_eq!(h.is_open(t), oh.is_open(t));
    assert!(!h.is_open(dt("2026-12-25T23:00")));
}

#[test]
fn dst_days_in_civil_time() {
    // Civil time has no DST: 02:30 on the day clocks go forward is an ordinary minute.
    let h = Hours::parse("Mo-Su 01:00-03:00", None).unwrap();
    assert!(h.is_open(dt("2026-03-08T02:30")));
    assert!(h.is_open(dt("2026-11-01T01:30")));
    assert!(!h.is_open(dt("2026-11-01T03:00")));
}

#[test]
fn zoned_spring_forward_gap() {
    use chrono_tz::America::New_York;
    // 2026-03-08 02:00 EST -> 03:00 EDT.
    let h = Hours::parse("02:00-02:30; 05:00-06:00", None).unwrap();
    let t = New_York.with_ymd_and_hms(2026, 3, 8, 0, 0, 0).unwrap();
    // 02:00-02:30 does not exist that day; the desk is next open at 05:00 EDT.
    let open = h.next_open_at(&t).unwrap();
    assert_eq!(
        open,
        New_York.with_ymd_and_hms(2026, 3, 8, 5, 0, 0).unwrap()
    );

    let h = Hours::parse("02:30-04:00", None).unwrap();
    let open = h.next_open_at(&t).unwrap();
    assert_eq!(
        open,
        New_York.with_ymd_and_hms(2026, 3, 8, 3, 0, 0).unwrap()
    );
    assert!(h.is_open_at(&open));
}

#[test]
fn zoned_fall_back_repeated_hour() {
    use chrono_tz::America::New_York;
    // 2026-11-01 02:00 EDT -> 01:00 EST: 01:00-02:00 happens twice.
    let h = Hours::parse("01:30-01:45", None).unwrap();
    let before = New_York.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let first = h.next_open_at(&before).unwrap();
    assert_eq!(first.naive_local(), dt("2026-11-01T01:30"));
    // Asked during the second pass, after 01:45 of the first: the second 01:30.
    let second_pass = first + Duration::minutes(50); // 02:20 EDT = 01:20 EST
    assert_eq!(second_pass.naive_local(), dt("2026-11-01T01:20"));
    let again = h.next_open_at(&second_pass).unwrap();
    assert_eq!(again.naive_local(), dt("2026-11-01T01:30"));
    assert!(again > first);
    assert_eq!(again - first, Duration::hours(1));
}

#[test]
fn never_open_within_lookahead() {
    let h = Hours::parse("2020 Jan 01 10:00-11:00", None).unwrap();
    assert_eq!(h.next_open(dt("2026-11-30T09:00")), None);
    let h = Hours::parse("off", None).unwrap();
    assert_eq!(h.next_open(dt("2026-11-30T09:00")), None);
}
