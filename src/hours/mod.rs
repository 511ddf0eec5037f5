//! Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in the organization's
//! local (civil) time.
//!
//! # How it works
//!
//! Parsing is done by the [`opening-hours`](https://crates.io/crates/opening-hours) crate,
//! once per distinct schedule text. Asking that crate "is it open?" costs about 1–2 µs, more
//! than a whole resolution may take, so each [`Hours`] is compiled once into an exact table
//! in civil time:
//!
//! - for every date of a *horizon* (by default from 366 days before the day the hours were
//!   parsed to 731 days after it) the crate's own day schedule
//!   (`OpeningHours::schedule_at(date)`) is turned into a 1440-bit minute map;
//! - identical day maps are stored once (a regular week has at most seven; public
//!   holidays, month or week rules add a few more), and each date points at its map;
//! - for every date, the next date with any open minute is precomputed, so
//!   [`Hours::next_open`] is a constant-time lookup even for a desk closed for months.
//!
//! Compiled schedules are shared process-wide (by text, holiday country and horizon), so a
//! schedule used by many desks, organizations or reloads is compiled once.
//!
//! [`Hours::is_open`] is then two array lookups and a bit test (a few nanoseconds);
//! [`Hours::next_open`] adds a scan of at most 23 words. Outside the horizon both fall back
//! to the crate, so answers are the crate's answers everywhere; inside the horizon they are
//! equal to the crate's by construction, which `tests/hours.rs` checks on random times.
//!
//! # Civil-time semantics
//!
//! Hours are written, and evaluated, in the organization's wall-clock time
//! ([`NaiveDateTime`]), without a time zone:
//!
//! - Resolution is one minute: `08:59:59` is before `Mo-Fr 09:00-17:00` opens, `16:59:59` is
//!   still inside it, and `17:00` is closed (ranges include their start, exclude their end).
//! - Ranges past midnight (`Fr 22:00-02:00`) are open on the next day's early hours, as the
//!   crate computes them (see the last pitfall below).
//! - Only the `open` state counts as open; `unknown` and `closed` (with or without a comment)
//!   are closed.
//! - Daylight saving time does not exist in civil time. Converting an instant to civil time
//!   is the caller's job; [`Hours::is_open_at`] and [`Hours::next_open_at`] do it for a
//!   zoned time: during the repeated hour when clocks go back, a desk open at that civil
//!   time is open during both passes; a civil opening time that does not exist because
//!   clocks went forward opens at the first instant after the gap if the desk is still open
//!   then.
//!
//! # Pitfalls of the underlying crate, and what this module does about them
//!
//! - Asking the crate for the next change of a schedule that never changes scans towards
//!   year 9999 (seconds). This module never asks for an unbounded next change:
//!   [`Hours::next_open`] looks at most [`LOOKAHEAD_DAYS`] ahead, inside the horizon from its
//!   own table.
//! - With a time zone attached, the crate reports an opening an hour late on the day clocks
//!   go back, and a 0-minute closed interval on the day they go forward. This module never
//!   gives the crate a time zone: it evaluates civil time only and converts instants itself
//!   ([`Hours::next_open_at`]).
//! - `Fr 22:00-02:00; PH off` on a Friday that is a public holiday is still open at 01:00
//!   on the Saturday in the crate (the holiday rule closes the Friday, not the spill-over
//!   into Saturday). This module reproduces the crate's answer exactly, so that every path
//!   through the library gives the same answer; it is a known limit of the crate.
//! - The crate's own interval iterator (behind its `next_change`) can disagree with its
//!   `is_open`: with a fallback rule (`Mo-Fr 08:00-17:00 || "by appointment"`) it skips the
//!   weekend days that `is_open` calls open. [`Hours::next_open`] is defined from the day
//!   schedules `is_open` uses — the first minute at which `is_open` is true — inside and
//!   outside the horizon, so the two never disagree here.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike,
};
use opening_hours::localization::Country;
use opening_hours::{Context, OpeningHours, RuleKind};

use crate::model::Id;

/// How far ahead [`Hours::next_open`] looks before giving up (a desk that never opens again).
pub const LOOKAHEAD_DAYS: i64 = 366;

/// Days before the parse date covered by the compiled table, by default.
pub const HORIZON_DAYS_BEFORE: i64 = 366;

/// Days from the parse date on covered by the compiled table, by default.
pub const HORIZON_DAYS_AFTER: i64 = 731;

/// Compiled schedules shared by every organization in the process, by (text, holiday
/// country, horizon start, horizon days): compiling costs about a millisecond (tens in a
/// debug build), and the same few schedules recur across desks, organizations and reloads.
/// At most [`CACHE_LIMIT`] entries are kept; past that, schedules are compiled each time.
static COMPILED: Mutex<BTreeMap<CacheKey, Hours>> = Mutex::new(BTreeMap::new());

type CacheKey = (Box<str>, Option<Box<str>>, NaiveDate, u32);

/// Most schedules kept in the process-wide cache (about 7 KB each).
const CACHE_LIMIT: usize = 4096;

/// Minutes in a civil day.
const DAY_MINUTES: u32 = 24 * 60;

/// 64-bit words in a day's minute map.
const DAY_WORDS: usize = DAY_MINUTES.div_ceil(64) as usize;

/// Opening hours of a desk.
///
/// Cheap to clone (one reference count) and `Send + Sync`; see the [module docs](self) for
/// how it is evaluated and what civil time means here.
///
/// ```
/// use rightdesk::Hours;
/// let h = Hours::parse("Mo-Fr 08:00-16:30", None)?;
/// let monday_nine = "2026-11-30T09:00:00".parse()?;
/// assert!(h.is_open(monday_nine));
/// let saturday = "2026-12-05T10:00:00".parse()?;
/// assert_eq!(h.next_open(saturday), Some("2026-12-07T08:00:00".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Hours {
    /// `None` means always open (`24/7`).
    inner: Option<Arc<Compiled>>,
}

/// A parsed and compiled schedule.
struct Compiled {
    source: Id,
    holidays: Option<Box<str>>,
    oh: OpeningHours,
    table: Table,
}

impl Compiled {
    /// Open at a minute `located` in the table, or, outside the horizon, at the civil time
    /// `t` gives, as the crate answers (closed when there is no such time).
    #[inline]
    fn open_at(
        &self,
        located: Option<(usize, u32)>,
        t: impl FnOnce() -> Option<NaiveDateTime>,
    ) -> bool {
        match located {
            Some((day, minute)) => self.table.day(day).is_some_and(|b| b.get(minute)),
            None => t().is_some_and(|t| self.oh.is_open(t)),
        }
    }
}

/// Opening hours that do not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed opening hours `{source_text}`: {message}")]
pub struct HoursError {
    source_text: String,
    message: String,
}

impl HoursError {
    /// The text that failed to parse.
    pub fn source_text(&self) -> &str {
        &self.source_text
    }

    /// What the parser said.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl Hours {
    /// Always open (`24/7`).
    pub fn always() -> Hours {
        Hours { inner: None }
    }

    /// Parse OpenStreetMap `opening_hours` text. `holidays` is an ISO 3166 country code
    /// whose public holidays `PH` refers to.
    ///
    /// The schedule is compiled for the default horizon around today (see
    /// [`Hours::parse_with_horizon`]).
    ///
    /// # Errors
    /// [`HoursError`] when the text does not parse or the country is unknown.
    ///
    /// # Complexity
    /// One parse (tens of µs) and one day schedule per day of the horizon (about 1 ms in all).
    pub fn parse(text: &str, holidays: Option<&str>) -> Result<Hours, HoursError> {
        let today = chrono::Utc::now().date_naive();
        let start = today
            .checked_sub_signed(Duration::days(HORIZON_DAYS_BEFORE))
            .unwrap_or(today);
        Hours::parse_with_horizon(
            text,
            holidays,
            start,
            (HORIZON_DAYS_BEFORE + HORIZON_DAYS_AFTER) as u32,
        )
    }

    /// Parse like [`Hours::parse`], compiling the table for `days` days from `start`
    /// (at most 20 years). Answers are the same whatever the horizon; only their speed
    /// outside it differs.
    ///
    /// # Errors
    /// [`HoursError`] when the text does not parse or the country is unknown.
    ///
    /// # Example
    /// ```
    /// use rightdesk::Hours;
    /// let start = "2026-01-01".parse()?;
    /// let h = Hours::parse_with_horizon("Mo-Fr 08:00-12:00; PH off", Some("US"), start, 365)?;
    /// assert!(!h.is_open("2026-12-25T09:00:00".parse()?)); // Christmas, a Friday
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_with_horizon(
        text: &str,
        holidays: Option<&str>,
        start: NaiveDate,
        days: u32,
    ) -> Result<Hours, HoursError> {
        let trimmed = text.trim();
        if trimmed == "24/7" {
            return Ok(Hours::always());
        }
        let days = days.min(20 * 366);
        let key: CacheKey = (trimmed.into(), holidays.map(Into::into), start, days);
        if let Some(h) = COMPILED
            .lock()
            .ok()
            .and_then(|cache| cache.get(&key).cloned())
        {
            return Ok(h);
        }
        let err = |message: String| HoursError {
            source_text: text.to_owned(),
            message,
        };
        let oh = trimmed
            .parse::<OpeningHours>()
            .map_err(|e| err(e.to_string()))?;
        let oh = match holidays {
            Some(cc) => {
                let country: Country = cc
                    .parse()
                    .map_err(|_| err(format!("unknown holiday country `{cc}`")))?;
                oh.with_context(Context::default().with_holidays(country.holidays()))
            }
            None => oh,
        };
        let table = Table::compile(&oh, start, days);
        let hours = Hours {
            inner: Some(Arc::new(Compiled {
                source: Id::from(trimmed),
                holidays: holidays.map(Into::into),
                oh,
                table,
            })),
        };
        if let Ok(mut cache) = COMPILED.lock() {
            if cache.len() < CACHE_LIMIT {
                cache.insert(key, hours.clone());
            }
        }
        Ok(hours)
    }

    /// The text the hours were parsed from.
    pub fn as_str(&self) -> &str {
        match &self.inner {
            None => "24/7",
            Some(c) => &c.source,
        }
    }

    /// The text the hours were parsed from, as a shared [`Id`]: cloning it copies no
    /// string (resolutions hand it out with every assignment).
    ///
    /// ```
    /// use rightdesk::hours::Hours;
    /// let h = Hours::parse("Mo-Fr 08:00-17:00", None)?;
    /// assert_eq!(h.text(), "Mo-Fr 08:00-17:00");
    /// assert_eq!(Hours::always().text(), "24/7");
    /// # Ok::<(), rightdesk::hours::HoursError>(())
    /// ```
    pub fn text(&self) -> Id {
        static ALWAYS: std::sync::LazyLock<Id> = std::sync::LazyLock::new(|| Id::from("24/7"));
        match &self.inner {
            None => ALWAYS.clone(),
            Some(c) => c.source.clone(),
        }
    }

    /// True when always open (written `24/7`).
    pub fn is_always(&self) -> bool {
        self.inner.is_none()
    }

    /// The dates `[first, last)` answered from the compiled table; outside them the
    /// `opening-hours` crate is asked. `None` for `24/7`.
    pub fn horizon(&self) -> Option<(NaiveDate, NaiveDate)> {
        let t = &self.inner.as_ref()?.table;
        Some((t.start, t.end()))
    }

    /// Is the desk open at local (civil) time `t`? Seconds are ignored: the state of the
    /// minute `t` falls in.
    ///
    /// # Complexity
    /// O(1) inside the horizon (a few ns); the crate's cost (≈ 1–2 µs) outside it.
    #[inline]
    pub fn is_open(&self, t: NaiveDateTime) -> bool {
        let Some(c) = &self.inner else {
            return true;
        };
        c.open_at(c.table.locate(t), || Some(t))
    }

    /// [`Hours::is_open`] for a civil time given as seconds since 1970-01-01T00:00 (the
    /// resolver's hot path keeps times as integers).
    #[inline]
    pub(crate) fn is_open_secs(&self, local: i64) -> bool {
        let Some(c) = &self.inner else {
            return true;
        };
        c.open_at(c.table.locate_secs(local), || {
            chrono::DateTime::from_timestamp(local, 0).map(|t| t.naive_utc())
        })
    }

    /// The first local time at or after `t` when the desk is open (`t` itself when open
    /// then, else the start of a minute), looking less than [`LOOKAHEAD_DAYS`] ahead.
    /// `None` when it does not open in that time.
    ///
    /// It is the first minute at which [`Hours::is_open`] is true (see the module docs for
    /// why this is not the crate's `next_change`).
    ///
    /// # Complexity
    /// O(1) inside the horizon (tens of ns); outside it, one crate day schedule per day
    /// looked at (about 1 µs each, at most [`LOOKAHEAD_DAYS`] of them).
    pub fn next_open(&self, t: NaiveDateTime) -> Option<NaiveDateTime> {
        let Some(c) = &self.inner else {
            return Some(t);
        };
        let limit = t.checked_add_signed(Duration::days(LOOKAHEAD_DAYS))?;
        let Some((day, minute)) = c.table.locate(t) else {
            return schedule_next_open(&c.oh, t, limit);
        };
        let table = &c.table;
        let today = table.day(day)?;
        if today.get(minute) {
            return Some(t);
        }
        let found = match today.first_from(minute + 1) {
            Some(m) => Some((day, m)),
            None => table
                .next_open_day(day + 1)
                .and_then(|d| Some((d, table.day(d)?.first_from(0)?))),
        };
        match found {
            Some((d, m)) => {
                let at = table.datetime(d, m)?;
                (at < limit).then_some(at)
            }
            None => {
                // Closed from `t` to the end of the horizon: ask the crate beyond it.
                let end = table.end().and_time(NaiveTime::MIN);
                if end >= limit {
                    None
                } else {
                    schedule_next_open(&c.oh, end, limit)
                }
            }
        }
    }

    /// Is the desk open at a zoned time? Its civil time in its own zone decides (during the
    /// repeated hour when clocks go back, both passes have the same civil times).
    ///
    /// ```
    /// use chrono::TimeZone;
    /// use chrono_tz::America::Los_Angeles;
    /// use rightdesk::Hours;
    /// let h = Hours::parse("Mo-Fr 08:00-16:30", None)?;
    /// let t = Los_Angeles.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
    /// assert!(h.is_open_at(&t));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_open_at<Tz: TimeZone>(&self, t: &DateTime<Tz>) -> bool {
        self.is_open(t.naive_local())
    }

    /// The first instant at or after `t` when the desk is open, in `t`'s zone, looking less
    /// than [`LOOKAHEAD_DAYS`] (of civil time) ahead.
    ///
    /// Civil times that do not exist (clocks go forward) are skipped: an opening inside the
    /// gap takes effect at the first instant after it, if the desk is still open then.
    /// Civil times that happen twice (clocks go back) give the first pass at or after `t`.
    ///
    /// ```
    /// use chrono::TimeZone;
    /// use chrono_tz::America::New_York;
    /// use rightdesk::Hours;
    /// // Clocks go forward at 02:00 on 2026-03-08: 02:30 does not exist that day.
    /// let h = Hours::parse("02:30-04:00", None)?;
    /// let t = New_York.with_ymd_and_hms(2026, 3, 8, 0, 0, 0).unwrap();
    /// let open = h.next_open_at(&t).unwrap();
    /// assert_eq!(open, New_York.with_ymd_and_hms(2026, 3, 8, 3, 0, 0).unwrap());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_open_at<Tz: TimeZone>(&self, t: &DateTime<Tz>) -> Option<DateTime<Tz>> {
        let tz = t.timezone();
        let start = t.naive_local();
        let limit = start.checked_add_signed(Duration::days(LOOKAHEAD_DAYS))?;
        let mut from = start;
        // Each round moves `from` forward past a gap or a pass that lies before `t`; real
        // zones have a handful of transitions a year, so this ends quickly.
        for _ in 0..(LOOKAHEAD_DAYS * 4) {
            let local = self.next_open(from)?;
            if local >= limit {
                return None;
            }
            match tz.from_local_datetime(&local) {
                LocalResult::Single(at) => {
                    if at >= *t {
                        return Some(at);
                    }
                    from = local.checked_add_signed(Duration::minutes(1))?;
                }
                LocalResult::Ambiguous(a, b) => {
                    let (a, b) = if a <= b { (a, b) } else { (b, a) };
                    if a >= *t {
                        return Some(a);
                    }
                    if b >= *t {
                        return Some(b);
                    }
                    from = local.checked_add_signed(Duration::minutes(1))?;
                }
                LocalResult::None => {
                    // Inside a gap: find its end, minute by minute (gaps are short).
                    let mut after = local;
                    let mut exists = None;
                    for _ in 0..(2 * DAY_MINUTES) {
                        after = after.checked_add_signed(Duration::minutes(1))?;
                        if let Some(at) = tz.from_local_datetime(&after).earliest() {
                            exists = Some((after, at));
                            break;
                        }
                    }
                    let (after, at) = exists?;
                    if self.is_open(after) && at >= *t {
                        return Some(at);
                    }
                    from = after;
                }
            }
        }
        None
    }
}

/// The first open minute at or after `t` and before `limit`, from the crate's day
/// schedules, one day at a time (used outside the horizon).
fn schedule_next_open(
    oh: &OpeningHours,
    t: NaiveDateTime,
    limit: NaiveDateTime,
) -> Option<NaiveDateTime> {
    if oh.is_open(t) {
        return Some(t);
    }
    let mut date = t.date();
    let mut from = t.hour() * 60 + t.minute() + 1;
    while date.and_time(NaiveTime::MIN) < limit {
        if let Some(m) = DayMap::of(oh, date).first_from(from) {
            let at = date.and_time(NaiveTime::from_hms_opt(m / 60, m % 60, 0)?);
            return (at < limit).then_some(at);
        }
        date = date.succ_opt()?;
        from = 0;
    }
    None
}

/// One day's open minutes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct DayMap([u64; DAY_WORDS]);

impl DayMap {
    const CLOSED: DayMap = DayMap([0; DAY_WORDS]);

    /// The open minutes of the crate's schedule for `date`.
    fn of(oh: &OpeningHours, date: NaiveDate) -> DayMap {
        let mut map = DayMap::CLOSED;
        for range in oh.schedule_at(date) {
            if range.kind == RuleKind::Open {
                map.set_range(
                    u32::from(range.range.start.mins_from_midnight()),
                    u32::from(range.range.end.mins_from_midnight()),
                );
            }
        }
        map
    }

    #[inline]
    fn get(&self, minute: u32) -> bool {
        self.0
            .get((minute / 64) as usize)
            .is_some_and(|w| (w >> (minute % 64)) & 1 == 1)
    }

    fn set_range(&mut self, from: u32, to: u32) {
        for m in from..to.min(DAY_MINUTES) {
            if let Some(w) = self.0.get_mut((m / 64) as usize) {
                *w |= 1 << (m % 64);
            }
        }
    }

    /// The first open minute at or after `minute`.
    fn first_from(&self, minute: u32) -> Option<u32> {
        if minute >= DAY_MINUTES {
            return None;
        }
        let mut word = (minute / 64) as usize;
        let mut bits = *self.0.get(word)? & (u64::MAX << (minute % 64));
        loop {
            if bits != 0 {
                let m = word as u32 * 64 + bits.trailing_zeros();
                return (m < DAY_MINUTES).then_some(m);
            }
            word += 1;
            bits = *self.0.get(word)?;
        }
    }

    fn is_closed(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
}

/// The compiled horizon: per date, which day map applies, and the next date that opens.
struct Table {
    start: NaiveDate,
    /// `start.num_days_from_ce()`.
    start_ce: i32,
    /// Per date from `start`: index into `maps`.
    day_map: Vec<u16>,
    /// Distinct day maps.
    maps: Vec<DayMap>,
    /// Per date from `start`: the first date index at or after it with an open minute
    /// (`u32::MAX`: none before the end of the horizon).
    next_open_day: Vec<u32>,
}

impl Table {
    fn compile(oh: &OpeningHours, start: NaiveDate, days: u32) -> Table {
        let mut maps: Vec<DayMap> = Vec::new();
        let mut map_ix: HashMap<DayMap, u16> = HashMap::new();
        let mut day_map: Vec<u16> = Vec::with_capacity(days as usize);
        let mut date = start;
        for _ in 0..days {
            let map = DayMap::of(oh, date);
            let ix = *map_ix.entry(map).or_insert_with(|| {
                maps.push(map);
                (maps.len() - 1) as u16
            });
            day_map.push(ix);
            match date.succ_opt() {
                Some(d) => date = d,
                None => break,
            }
        }
        let mut next_open_day = vec![u32::MAX; day_map.len()];
        let mut next = u32::MAX;
        for (i, &m) in day_map.iter().enumerate().rev() {
            if maps.get(m as usize).is_some_and(|m| !m.is_closed()) {
                next = i as u32;
            }
            if let Some(slot) = next_open_day.get_mut(i) {
                *slot = next;
            }
        }
        Table {
            start,
            start_ce: start.num_days_from_ce(),
            day_map,
            maps,
            next_open_day,
        }
    }

    /// The first date after the horizon.
    fn end(&self) -> NaiveDate {
        self.start
            .checked_add_signed(Duration::days(self.day_map.len() as i64))
            .unwrap_or(self.start)
    }

    /// (date index, minute of day) of `t`, when inside the horizon.
    #[inline]
    fn locate(&self, t: NaiveDateTime) -> Option<(usize, u32)> {
        self.at_day(
            i64::from(t.date().num_days_from_ce()),
            t.hour() * 60 + t.minute(),
        )
    }

    /// [`Table::locate`] for seconds since 1970-01-01T00:00 (civil).
    #[inline]
    fn locate_secs(&self, local: i64) -> Option<(usize, u32)> {
        // 1970-01-01 is day 719 163 counted from 0001-01-01 as day 1.
        const EPOCH_CE: i64 = 719_163;
        self.at_day(
            local.div_euclid(86_400) + EPOCH_CE,
            (local.rem_euclid(86_400) / 60) as u32,
        )
    }

    /// (date index, minute) for a date given as days from the common era (0001-01-01 is
    /// day 1), when inside the horizon.
    #[inline]
    fn at_day(&self, days_ce: i64, minute: u32) -> Option<(usize, u32)> {
        let day = usize::try_from(days_ce - i64::from(self.start_ce)).ok()?;
        (day < self.day_map.len()).then_some((day, minute))
    }

    #[inline]
    fn day(&self, day: usize) -> Option<&DayMap> {
        self.maps.get(*self.day_map.get(day)? as usize)
    }

    fn next_open_day(&self, day: usize) -> Option<usize> {
        let d = *self.next_open_day.get(day)?;
        (d != u32::MAX).then_some(d as usize)
    }

    fn datetime(&self, day: usize, minute: u32) -> Option<NaiveDateTime> {
        let date = self.start.checked_add_signed(Duration::days(day as i64))?;
        let time = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0)?;
        Some(date.and_time(time))
    }
}

impl fmt::Debug for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hours({:?})", self.as_str())
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for Hours {
    /// Same text and same holiday calendar.
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
            && self.inner.as_ref().and_then(|c| c.holidays.as_deref())
                == other.inner.as_ref().and_then(|c| c.holidays.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
            .unwrap()
    }

    #[test]
    fn day_map_bits() {
        let mut m = DayMap::CLOSED;
        m.set_range(480, 990);
        assert!(!m.get(479));
        assert!(m.get(480));
        assert!(m.get(989));
        assert!(!m.get(990));
        assert_eq!(m.first_from(0), Some(480));
        assert_eq!(m.first_from(500), Some(500));
        assert_eq!(m.first_from(990), None);
        assert_eq!(m.first_from(5000), None);
        m.set_range(1439, 1440);
        assert_eq!(m.first_from(990), Some(1439));
        assert!(DayMap::CLOSED.is_closed());
    }

    #[test]
    fn always_is_open_and_short_circuits() {
        let h = Hours::always();
        assert!(h.is_always());
        assert_eq!(h.as_str(), "24/7");
        let t = dt("2026-11-30T03:00");
        assert!(h.is_open(t));
        assert_eq!(h.next_open(t), Some(t));
        assert_eq!(Hours::parse(" 24/7 ", None).unwrap(), h);
        assert_eq!(h.horizon(), None);
    }

    #[test]
    fn weekday_hours_and_minute_resolution() {
        let h = Hours::parse_with_horizon(
            "Mo-Fr 08:00-16:30",
            None,
            dt("2026-01-01T00:00").date(),
            400,
        )
        .unwrap();
        assert!(!h.is_open(dt("2026-11-30T07:59:59")));
        assert!(h.is_open(dt("2026-11-30T08:00")));
        assert!(h.is_open(dt("2026-11-30T16:29:59")));
        assert!(!h.is_open(dt("2026-11-30T16:30")));
        assert_eq!(
            h.next_open(dt("2026-11-30T07:59:30")),
            Some(dt("2026-11-30T08:00"))
        );
        assert_eq!(
            h.next_open(dt("2026-12-04T17:00")),
            Some(dt("2026-12-07T08:00"))
        );
    }

    #[test]
    fn falls_back_outside_horizon() {
        let start = dt("2026-01-01T00:00").date();
        let h = Hours::parse_with_horizon("Mo-Fr 08:00-16:30", None, start, 10).unwrap();
        let (a, b) = h.horizon().unwrap();
        assert_eq!((a, b), (start, dt("2026-01-11T00:00").date()));
        // 2030-01-07 is a Monday.
        assert!(h.is_open(dt("2030-01-07T09:00")));
        assert!(!h.is_open(dt("2030-01-06T09:00")));
        // Closed through the end of the horizon (a Sunday), opens after it.
        assert_eq!(
            h.next_open(dt("2026-01-09T17:00")),
            Some(dt("2026-01-12T08:00"))
        );
    }

    #[test]
    fn never_open_is_none_quickly() {
        let h = Hours::parse("off", None).unwrap();
        let t = chrono::Utc::now().naive_utc();
        assert!(!h.is_open(t));
        assert_eq!(h.next_open(t), None);
    }

    #[test]
    fn equality_includes_holidays() {
        let a = Hours::parse("Mo-Fr 08:00-12:00; PH off", Some("US")).unwrap();
        let b = Hours::parse("Mo-Fr 08:00-12:00; PH off", Some("FR")).unwrap();
        let c = Hours::parse("Mo-Fr 08:00-12:00; PH off", Some("US")).unwrap();
        assert_ne!(a, b);
        assert_eq!(a, c);
        assert_eq!(format!("{a:?}"), "Hours(\"Mo-Fr 08:00-12:00; PH off\")");
        assert_eq!(a.to_string(), "Mo-Fr 08:00-12:00; PH off");
    }

    #[test]
    fn errors_carry_text() {
        let e = Hours::parse("Mo-Fr 8 to 5", None).unwrap_err();
        assert_eq!(e.source_text(), "Mo-Fr 8 to 5");
        assert!(!e.message().is_empty());
        let e = Hours::parse("Mo-Fr 08:00-12:00", Some("XX")).unwrap_err();
        assert!(e.message().contains("XX"));
    }
}
