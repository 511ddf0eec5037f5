//! Time: request times to instants, instants to the organization's civil (wall-clock) time.
//!
//! Arithmetic (arrival = request time + travel) is done on instants; opening hours are
//! checked in civil time. A civil time that does not exist (clocks go forward) is moved
//! forward by the gap; an ambiguous one (clocks go back) is the earlier instant.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

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

/// An instant and the civil time at it, as whole seconds since 1970-01-01T00:00 (UTC, and
/// civil), with the fraction of a second. Integers, because a search computes one per
/// group of desks and checks opening hours with it per desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Moment {
    pub utc: i64,
    pub local: i64,
    pub nanos: u32,
}

impl Moment {
    /// The moment at an instant whose civil time is `local`.
    pub(crate) fn new(instant: DateTime<Utc>, local: NaiveDateTime) -> Moment {
        Moment {
            utc: instant.timestamp(),
            local: local.and_utc().timestamp(),
            nanos: instant.timestamp_subsec_nanos(),
        }
    }

    /// The instant.
    pub(crate) fn instant(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.utc, self.nanos).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The civil time.
    pub(crate) fn local_time(&self) -> NaiveDateTime {
        DateTime::from_timestamp(self.local, self.nanos)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
            .naive_utc()
    }
}

/// A time zone's UTC offsets over a window of years around when it was built, so that the
/// hot path converts instants and civil times with a search over a few dozen spans instead
/// of chrono-tz's (a few hundred instructions a call). Outside the window, and for a
/// civil time that falls in a gap, it asks chrono-tz.
///
/// The spans are found by reading chrono-tz's offset every [`Offsets::PROBE_SECS`] and
/// pinning each change to the second with a binary search: a zone that changed its offset
/// twice between two probes would be missed. No zone of the tz database does that in the
/// window (`offsets_agree_with_chrono_tz_in_every_zone`, an ignored test, checks them all).
#[derive(Debug, Clone)]
pub(crate) struct Offsets {
    tz: Tz,
    /// The window, in UTC seconds: `[from, to)`.
    from: i64,
    to: i64,
    /// (UTC second the span starts, offset in seconds), ascending; the first starts at
    /// `from`. Empty: no window (always ask chrono-tz).
    spans: Box<[(i64, i32)]>,
}

impl Offsets {
    /// Seconds between two probes.
    const PROBE_SECS: i64 = 3 * 3600;
    /// The window: this many days before and after the build.
    const DAYS_BEFORE: i64 = 400;
    const DAYS_AFTER: i64 = 5 * 366;

    /// No window: every conversion asks chrono-tz.
    pub(crate) fn none(tz: Tz) -> Offsets {
        Offsets {
            tz,
            from: 0,
            to: 0,
            spans: Box::default(),
        }
    }

    /// The offsets of `tz` around the first time this process asked for them: they are a
    /// function of the zone alone, built once per zone (≈ 2 ms) and shared by every router.
    pub(crate) fn shared(tz: Tz) -> Arc<Offsets> {
        static ZONES: OnceLock<Mutex<HashMap<Tz, Arc<Offsets>>>> = OnceLock::new();
        let zones = ZONES.get_or_init(Mutex::default);
        // A poisoned lock only means another thread panicked while inserting: the map is
        // still a valid cache.
        let mut map = zones.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(tz)
            .or_insert_with(|| Arc::new(Offsets::around(tz, Utc::now())))
            .clone()
    }

    /// The offsets of `tz` around `now`.
    ///
    /// # Complexity
    /// About 16 000 chrono-tz look-ups (≈ 2 ms).
    pub(crate) fn around(tz: Tz, now: DateTime<Utc>) -> Offsets {
        let from = now.timestamp() - Self::DAYS_BEFORE * 86_400;
        let to = now.timestamp() + Self::DAYS_AFTER * 86_400;
        let offset = |s: i64| -> Option<i32> {
            let t = DateTime::<Utc>::from_timestamp(s, 0)?;
            Some(
                tz.offset_from_utc_datetime(&t.naive_utc())
                    .fix()
                    .local_minus_utc(),
            )
        };
        let Some(mut current) = offset(from) else {
            return Offsets::none(tz);
        };
        let mut spans = vec![(from, current)];
        let mut probe = from;
        while probe < to {
            let next = (probe + Self::PROBE_SECS).min(to);
            let Some(o) = offset(next) else {
                return Offsets::none(tz);
            };
            if o != current {
                // The change is in (probe, next]: find its first second.
                let (mut lo, mut hi) = (probe, next);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if offset(mid) == Some(current) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                // `hi` has the new offset (it may differ from `o` only if the zone changed
                // twice between the probes; see the type's docs).
                let Some(new) = offset(hi) else {
                    return Offsets::none(tz);
                };
                spans.push((hi, new));
                current = new;
            }
            probe = next;
        }
        Offsets {
            tz,
            from,
            to,
            spans: spans.into_boxed_slice(),
        }
    }

    /// The offset in force at UTC second `s`, when within the window.
    #[inline]
    fn at(&self, s: i64) -> Option<i32> {
        if s < self.from || s >= self.to {
            return None;
        }
        let i = self.spans.partition_point(|&(start, _)| start <= s);
        self.spans.get(i.checked_sub(1)?).map(|&(_, o)| o)
    }

    /// Civil time at an instant, both as seconds since 1970-01-01T00:00.
    #[inline]
    pub(crate) fn local_secs(&self, utc: i64) -> i64 {
        match self.at(utc) {
            Some(o) => utc + i64::from(o),
            None => DateTime::<Utc>::from_timestamp(utc, 0)
                .map_or(utc, |t| to_local(self.tz, t).and_utc().timestamp()),
        }
    }

    /// Civil time at an instant.
    #[inline]
    pub(crate) fn to_local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        match self.at(t.timestamp()) {
            Some(o) => t
                .naive_utc()
                .checked_add_signed(Duration::seconds(i64::from(o)))
                .unwrap_or_else(|| to_local(self.tz, t)),
            None => to_local(self.tz, t),
        }
    }

    /// The instant (UTC seconds) a civil time (seconds) denotes, from the table: `None`
    /// outside the window or in a gap (ask chrono-tz then). Ambiguous: the earlier.
    #[inline]
    fn utc_of_local(&self, l: i64) -> Option<i64> {
        // A day of margin: offsets are less than a day.
        if l - 86_400 < self.from || l + 86_400 >= self.to {
            return None;
        }
        // The spans whose civil times can contain `l`: the last one starting (in civil
        // time) at or before it, and the one before (clocks going back repeat a stretch of
        // the earlier span's civil times).
        let j = self
            .spans
            .partition_point(|&(start, o)| start + i64::from(o) <= l);
        let mut found: Option<i64> = None;
        for k in j.saturating_sub(2)..j {
            let Some(&(start, o)) = self.spans.get(k) else {
                continue;
            };
            let end = self.spans.get(k + 1).map_or(self.to, |&(e, _)| e);
            let u = l - i64::from(o);
            if start <= u && u < end {
                found = Some(found.map_or(u, |f| f.min(u)));
            }
        }
        found
    }

    /// The instant a civil time denotes, and whether that instant's civil time is `n`
    /// itself (see [`local_to_instant_exact`]).
    pub(crate) fn local_to_instant_exact(&self, n: NaiveDateTime) -> (DateTime<Utc>, bool) {
        let n_utc = n.and_utc();
        if let Some(u) = self.utc_of_local(n_utc.timestamp()) {
            if let Some(t) = DateTime::<Utc>::from_timestamp(u, n_utc.timestamp_subsec_nanos()) {
                return (t, true);
            }
        }
        local_to_instant_exact(self.tz, n)
    }

    /// The instant a civil time denotes (see [`local_to_instant`]).
    #[inline]
    pub(crate) fn local_to_instant(&self, n: NaiveDateTime) -> DateTime<Utc> {
        self.local_to_instant_exact(n).0
    }

    /// A checked request time as a [`Moment`].
    pub(crate) fn moment(&self, t: RequestTime) -> Result<Moment, String> {
        year_in_range(t)?;
        Ok(match t {
            RequestTime::Instant(i) => {
                let utc = i.timestamp();
                Moment {
                    utc,
                    local: self.local_secs(utc),
                    nanos: i.timestamp_subsec_nanos(),
                }
            }
            RequestTime::Local(n) => {
                let n_utc = n.and_utc();
                let (local, nanos) = (n_utc.timestamp(), n_utc.timestamp_subsec_nanos());
                match self.utc_of_local(local) {
                    Some(utc) => Moment { utc, local, nanos },
                    None => match local_to_instant_exact(self.tz, n) {
                        (i, true) => Moment::new(i, n),
                        (i, false) => Moment::new(i, to_local(self.tz, i)),
                    },
                }
            }
        })
    }
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

    /// Offsets from the table agree with chrono-tz: instants to civil times everywhere in
    /// the window, densely around every change, and civil times back to instants (including
    /// ones that happen twice and ones that do not exist).
    fn agree(tz: Tz, now: DateTime<Utc>, step_minutes: i64) {
        let z = Offsets::around(tz, now);
        let check_instant = |t: DateTime<Utc>| {
            assert_eq!(z.to_local(t), to_local(tz, t), "{tz} {t}");
            let n = to_local(tz, t);
            assert_eq!(
                z.local_to_instant_exact(n),
                local_to_instant_exact(tz, n),
                "{tz} {n}"
            );
        };
        let mut t = DateTime::<Utc>::from_timestamp(z.from - 86_400 * 3, 0).unwrap();
        let end = DateTime::<Utc>::from_timestamp(z.to + 86_400 * 3, 0).unwrap();
        while t < end {
            check_instant(t);
            t += Duration::minutes(step_minutes);
        }
        for &(start, _) in z.spans.iter().skip(1) {
            for m in -180..=180 {
                let t = DateTime::<Utc>::from_timestamp(start + m * 60, 0).unwrap();
                check_instant(t);
                // Civil times around the change, including the gap's.
                let n = t.naive_utc();
                assert_eq!(
                    z.local_to_instant_exact(n),
                    local_to_instant_exact(tz, n),
                    "{tz} {n}"
                );
            }
        }
    }

    #[test]
    fn offsets_agree_with_chrono_tz() {
        let now = "2026-11-30T17:00:00Z".parse::<DateTime<Utc>>().unwrap();
        for name in [
            "UTC",
            "America/Los_Angeles",
            "Europe/London",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
            "America/Sao_Paulo",
            "Pacific/Chatham",
        ] {
            let tz: Tz = name.parse().unwrap();
            agree(tz, now, 7 * 60 + 13);
        }
        // Outside any window: chrono-tz itself.
        let z = Offsets::none(Tz::America__New_York);
        let t = "2026-03-08T07:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(z.to_local(t), to_local(Tz::America__New_York, t));
    }

    #[test]
    #[ignore = "every zone of the tz database: run with --ignored (seconds in release)"]
    fn offsets_agree_with_chrono_tz_in_every_zone() {
        let now = Utc::now();
        for tz in chrono_tz::TZ_VARIANTS {
            agree(tz, now, 37);
        }
    }
}
