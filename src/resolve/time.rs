//! Time: request times to instants, instants to the organization's civil (wall-clock) time.
//!
//! Arithmetic (arrival = request time + travel) is done on instants; opening hours are
//! checked in civil time. A civil time that does not exist (clocks go forward) is moved
//! forward by the gap; an ambiguous one (clocks go back) is the earlier instant.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::RequestTime;

/// Earliest accepted year of a request or status time.
pub const MIN_YEAR: i32 = 1900;
/// Latest accepted year of a request or status time (leaves room for a year of look-ahead).
pub const MAX_YEAR: i32 = 9998;

/// The instant a civil time in `tz` denotes.
pub(crate) fn local_to_instant(tz: Tz, n: NaiveDateTime) -> DateTime<Utc> {
    local_to_instant_exact(tz, n).0
}

/// The instant a civil time in `tz` denotes, and whether that instant's civil time is `n`
/// itself (false when `n` fell in a gap and was moved).
fn local_to_instant_exact(tz: Tz, n: NaiveDateTime) -> (DateTime<Utc>, bool) {
    match tz.from_local_datetime(&n) {
        LocalResult::Single(t) => (t.with_timezone(&Utc), true),
        LocalResult::Ambiguous(a, b) => (a.min(b).with_timezone(&Utc), true),
        LocalResult::None => {
            // In a gap: read it with the offset in force before the gap, which lands the
            // same distance after the gap's end. A day earlier is before the gap and after
            // any previous transition (zones change offset at most a few times a year).
            let before = n.checked_sub_signed(Duration::days(1)).unwrap_or(n);
            let offset = i64::from(tz.offset_from_utc_datetime(&before).fix().local_minus_utc());
            let utc = n.checked_sub_signed(Duration::seconds(offset)).unwrap_or(n);
            (DateTime::from_naive_utc_and_offset(utc, Utc), false)
        }
    }
}

/// The instant a request time denotes.
pub(crate) fn instant(tz: Tz, t: RequestTime) -> DateTime<Utc> {
    match t {
        RequestTime::Instant(i) => i,
        RequestTime::Local(n) => local_to_instant(tz, n),
    }
}

/// Civil time in `tz` at an instant.
#[inline]
pub(crate) fn to_local(tz: Tz, t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

/// `t` plus `minutes`, saturating far in the future.
#[inline]
pub(crate) fn plus_minutes(t: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
    t.checked_add_signed(Duration::minutes(i64::from(minutes)))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Whole minutes from `a` to `b` (0 when `b` is not after `a`), rounded up.
pub(crate) fn minutes_between(a: DateTime<Utc>, b: DateTime<Utc>) -> u32 {
    let secs = (b - a).num_seconds();
    if secs <= 0 {
        0
    } else {
        u32::try_from((secs + 59) / 60).unwrap_or(u32::MAX)
    }
}

/// Check a request or status time is within the supported years.
pub(crate) fn check_range(tz: Tz, t: RequestTime) -> Result<DateTime<Utc>, String> {
    year_in_range(t)?;
    Ok(instant(tz, t))
}

fn year_in_range(t: RequestTime) -> Result<(), String> {
    let year = match t {
        RequestTime::Instant(i) => i.year(),
        RequestTime::Local(n) => n.year(),
    };
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(format!(
            "time `{t}` is out of range: years {MIN_YEAR} to {MAX_YEAR} are supported"
        ))
    }
}

/// A checked request time: the instant and the civil time at it.
pub(crate) fn check_range_local(
    tz: Tz,
    t: RequestTime,
) -> Result<(DateTime<Utc>, NaiveDateTime), String> {
    year_in_range(t)?;
    Ok(match t {
        RequestTime::Instant(i) => (i, to_local(tz, i)),
        RequestTime::Local(n) => match local_to_instant_exact(tz, n) {
            (i, true) => (i, n),
            (i, false) => (i, to_local(tz, i)),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    #[test]
    fn dst_gap_moves_forward_and_overlap_takes_earlier() {
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        // 2026-03-08 02:30 does not exist in Los Angeles: it becomes 03:30 PDT.
        let t = local_to_instant(la, n("2026-03-08T02:30:00"));
        assert_eq!(t.to_rfc3339(), "2026-03-08T10:30:00+00:00");
        assert_eq!(to_local(la, t), n("2026-03-08T03:30:00"));
        // 2026-11-01 01:30 happens twice: the earlier one is PDT (-7).
        let t = local_to_instant(la, n("2026-11-01T01:30:00"));
        assert_eq!(t.to_rfc3339(), "2026-11-01T08:30:00+00:00");
        // An hour later on the instant line is 01:30 again, now PST.
        assert_eq!(to_local(la, plus_minutes(t, 60)), n("2026-11-01T01:30:00"));
        // Ordinary times.
        let t = local_to_instant(la, n("2026-11-30T09:15:00"));
        assert_eq!(t.to_rfc3339(), "2026-11-30T17:15:00+00:00");
    }

    #[test]
    fn range_and_arithmetic() {
        let utc = Tz::UTC;
        assert!(check_range(utc, RequestTime::Local(n("1899-12-31T23:00:00"))).is_err());
        assert!(check_range(utc, RequestTime::Local(n("2026-01-01T00:00:00"))).is_ok());
        let a = local_to_instant(utc, n("2026-01-01T00:00:00"));
        assert_eq!(minutes_between(a, plus_minutes(a, 90)), 90);
        assert_eq!(minutes_between(plus_minutes(a, 90), a), 0);
        assert_eq!(
            plus_minutes(DateTime::<Utc>::MAX_UTC, 5),
            DateTime::<Utc>::MAX_UTC
        );
    }
}
