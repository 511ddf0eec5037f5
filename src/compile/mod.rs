//! Rules + organization compiled into indexes, once, when a [`Router`](crate::Router) is
//! built. Immutable afterwards (live status is a separate overlay), so `Send + Sync`.
//!
//! - Rules: grouped by their most selective equality test ([`rule_index`]).
//! - Capability → candidate desks, grouped by site, each group sorted by (expected wait,
//!   desk id); and per capability all its desks sorted by (wait, id).
//! - Per origin site: the reachable sites sorted by travel minutes, so a search can stop
//!   once travel alone exceeds the best cost found.
//! - Unit scope in O(1): Euler-tour intervals of the unit tree.
//! - Desk ids ranked, so ties compare two integers.
//! - Per desk, the few fields a search reads (wait, rank, authority, unit, site, languages
//!   as a bit set, schedule) packed in 32 bytes, so scanning a candidate touches one cache
//!   line instead of the full desk record; distinct opening-hours schedules stored once.
//!
//! Nothing here caches answers.

pub(crate) mod cond;
pub(crate) mod fast;
pub(crate) mod rule_index;

use std::collections::HashMap;

use cond::{Cond, FactRef};
use fast::{FCond, Symbols};
/// The indexes' hasher: FxHash (rustc-hash). The tables are built from trusted files; a
/// request's value is only looked up, so colliding request values cost one probe
/// sequence, not a degraded table.
pub(crate) type FastBuild = rustc_hash::FxBuildHasher;
use rule_index::RuleIndex;

use crate::hours::Hours;
use crate::model::{DeskIx, Id, Org, SiteIx, SymIx, UnitIx};
use crate::resolve::time::Offsets;
use crate::rules::{RuleSet, ValueRef};

/// A desk constraint value: a literal or a request value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ValueSource {
    Literal(Id),
    Request(FactRef),
}

impl ValueSource {
    fn of(v: &ValueRef) -> ValueSource {
        match v {
            ValueRef::Literal(s) => ValueSource::Literal(Id::from(s)),
            ValueRef::Fact { fact } => ValueSource::Request(FactRef::new(fact)),
        }
    }
}

/// A rule compiled against the organization.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    /// The capability's interned index; `None` when no desk offers it in the org (a status
    /// update may still add it).
    pub capability: Option<SymIx>,
    /// The candidate index to search: the capability's own, or a view of it holding only
    /// the desks with at least the rule's authority (see [`CapIndex`]).
    pub view: Option<View>,
    pub min_authority: u32,
    pub unit: Option<UnitIx>,
    pub site: Option<SiteIx>,
    pub language: Option<ValueSource>,
    pub desk_site: Option<ValueSource>,
    pub owner: Option<UnitIx>,
}

/// The fields of a desk a candidate search reads, packed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DeskHot {
    /// Expected wait in the org file.
    pub wait: u32,
    /// Position in desk-id order.
    pub rank: u32,
    pub authority: u32,
    /// Pre-order number of the desk's unit in the unit tree.
    pub unit_pre: u32,
    pub site: SiteIx,
    /// Index into [`Compiled::schedules`].
    pub schedule: u32,
    /// Bit i: speaks interned language i. Bit 63: also speaks languages beyond the first 63
    /// interned (check the desk's list).
    pub languages: u64,
}

/// Bit of [`DeskHot::languages`] meaning "more languages than the bit set holds".
pub(crate) const MORE_LANGUAGES: u64 = 1 << 63;

/// A desk's search fields but its site, in 16 bytes: a desk whose fields do not fit (a
/// wait over 65 535 minutes, authority over 255, a schedule past the 65 536th, a
/// language past the first 16 interned) is flagged, its fields kept in full elsewhere.
#[derive(Debug, Clone, Copy)]
struct Packed {
    rank: u32,
    unit_pre: u32,
    wait: u16,
    /// Bits 0..15 of [`DeskHot::languages`].
    languages: u16,
    schedule: u16,
    authority: u8,
    /// 1: some field does not fit.
    full: u8,
}

impl Packed {
    fn of(h: &DeskHot) -> Packed {
        let wait = u16::try_from(h.wait).ok();
        let languages = u16::try_from(h.languages).ok();
        let schedule = u16::try_from(h.schedule).ok();
        let authority = u8::try_from(h.authority).ok();
        let fits =
            wait.is_some() && languages.is_some() && schedule.is_some() && authority.is_some();
        Packed {
            rank: h.rank,
            unit_pre: h.unit_pre,
            wait: wait.unwrap_or(0),
            languages: languages.unwrap_or(0),
            schedule: schedule.unwrap_or(0),
            authority: authority.unwrap_or(0),
            full: u8::from(!fits),
        }
    }

    /// The fields, at `site`; `None` when they do not fit.
    #[inline]
    fn fields(&self, site: SiteIx) -> Option<DeskHot> {
        if self.full != 0 {
            return None;
        }
        Some(DeskHot {
            wait: u32::from(self.wait),
            rank: self.rank,
            authority: u32::from(self.authority),
            unit_pre: self.unit_pre,
            site,
            schedule: u32::from(self.schedule),
            languages: u64::from(self.languages),
        })
    }
}

/// A desk in a (capability, site) group with the fields a search reads inline, so a scan
/// reads the group's rows in sequence instead of one [`DeskHot`] per desk at random. 20
/// bytes ([`Packed`]); the fields of a desk that do not fit are read from
/// [`Compiled::hot`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub desk: DeskIx,
    fields: Packed,
}

impl Row {
    fn of(desk: DeskIx, h: &DeskHot) -> Row {
        Row {
            desk,
            fields: Packed::of(h),
        }
    }

    /// The desk's search fields at `site` (the row's group's), from the row, or from
    /// `hot` when the row does not hold them all.
    #[inline]
    fn fields(&self, site: SiteIx, hot: &[DeskHot]) -> DeskHot {
        self.fields
            .fields(site)
            .unwrap_or_else(|| hot.get(self.desk as usize).copied().unwrap_or(NO_DESK))
    }
}

/// The search fields read for no desk: ranked after every desk.
const NO_DESK: DeskHot = DeskHot {
    wait: 0,
    rank: u32::MAX,
    authority: 0,
    unit_pre: 0,
    site: 0,
    schedule: 0,
    languages: 0,
};

/// Every desk's search fields ([`Compiled::hot`]): 20 bytes per desk ([`Packed`] and the
/// site), the few desks whose fields do not fit kept in full beside them.
#[derive(Debug, Default)]
pub(crate) struct Hot {
    packed: Vec<(SiteIx, Packed)>,
    /// The desks whose fields do not fit, by desk.
    full: Vec<(DeskIx, DeskHot)>,
}

impl Hot {
    fn of(hot: &[DeskHot]) -> Hot {
        let packed: Vec<(SiteIx, Packed)> = hot.iter().map(|h| (h.site, Packed::of(h))).collect();
        let full = packed
            .iter()
            .zip(hot)
            .enumerate()
            .filter(|(_, ((_, p), _))| p.full != 0)
            .map(|(d, (_, h))| (d as DeskIx, *h))
            .collect();
        Hot { packed, full }
    }

    /// Desk `d`'s search fields (rank `u32::MAX` for no such desk).
    #[inline]
    fn get(&self, d: DeskIx) -> DeskHot {
        match self.packed.get(d as usize) {
            Some(&(site, p)) => match p.fields(site) {
                Some(h) => h,
                None => self.get_full(d),
            },
            None => NO_DESK,
        }
    }

    /// The fields of a desk that do not fit [`Packed`] (rare: kept off the inlined path).
    #[cold]
    #[inline(never)]
    fn get_full(&self, d: DeskIx) -> DeskHot {
        self.full
            .binary_search_by_key(&d, |&(x, _)| x)
            .ok()
            .and_then(|i| self.full.get(i))
            .map_or(NO_DESK, |&(_, h)| h)
    }

    /// Number of desks.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.packed.len()
    }

    fn heap_bytes(&self) -> usize {
        self.packed.capacity() * std::mem::size_of::<(SiteIx, Packed)>()
            + self.full.capacity() * std::mem::size_of::<(DeskIx, DeskHot)>()
    }
}

/// Bit 31 of a summary's languages: some desk has a language beyond bits 0..30.
const ROW_MORE: u32 = 1 << 31;

/// A group of desks offering one capability at one site.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Group {
    pub site: SiteIx,
    /// The smallest org-file wait in the group (its first desk's).
    pub min_wait: u32,
    start: u32,
    end: u32,
}

/// What a group's desks have at best, to skip a group whose desks all fail a filter.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Summary {
    pub max_authority: u32,
    /// The smallest and largest unit pre-order number of the group's desks.
    pub unit_lo: u32,
    pub unit_hi: u32,
    /// The union of the desks' language bits ([`DeskHot::languages`]) 0..31; bit 31: some
    /// desk has a language beyond them.
    pub languages: u32,
}

impl Summary {
    /// The summary of no desk.
    const EMPTY: Summary = Summary {
        max_authority: 0,
        unit_lo: u32::MAX,
        unit_hi: 0,
        languages: 0,
    };

    /// Count a desk in.
    #[inline]
    fn add(&mut self, h: &DeskHot) {
        self.max_authority = self.max_authority.max(h.authority);
        self.unit_lo = self.unit_lo.min(h.unit_pre);
        self.unit_hi = self.unit_hi.max(h.unit_pre);
        self.languages |= fold_languages(h.languages);
    }

    /// Might some desk of the group speak the language with bit `bit`
    /// ([`Compiled::language_bit`], 0 when not interned)?
    #[inline]
    pub(crate) fn may_speak(&self, bit: u64) -> bool {
        self.languages & (fold_languages(bit) | ROW_MORE) != 0
    }
}

/// Language bits folded into 32: bits 0..31 as they are, bit 31 set for any other.
#[inline]
fn fold_languages(bits: u64) -> u32 {
    if bits >> 31 == 0 {
        bits as u32
    } else {
        (bits as u32) | ROW_MORE
    }
}

/// Counts turned into run starts: entry `k` is the number of `keys` below `k`, `n + 1`
/// entries (keys of `n` or more are not counted), so that in the keys sorted, key `k`'s
/// run is `starts[k]..starts[k + 1]`.
fn starts_of(keys: impl Iterator<Item = usize>, n: usize) -> Vec<u32> {
    let mut starts = vec![0u32; n + 1];
    for k in keys {
        if let Some(s) = starts.get_mut(k + 1) {
            *s += 1;
        }
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    starts
}

/// Where each capability's pairs start in `levels` ((capability, authority) pairs, sorted
/// by capability), one more entry at the end: see [`levels_of`].
fn level_starts(levels: &[(SymIx, u32)], n_caps: usize) -> Vec<u32> {
    starts_of(levels.iter().map(|&(c, _)| c as usize), n_caps)
}

/// The positions in `levels` of capability `c`'s pairs, from [`level_starts`] (a look-up
/// per desk and capability instead of two binary searches).
#[inline]
fn levels_of(starts: &[u32], c: SymIx) -> std::ops::Range<usize> {
    match (starts.get(c as usize), starts.get(c as usize + 1)) {
        (Some(&a), Some(&b)) => a as usize..b as usize,
        _ => 0..0,
    }
}

/// Organizations with at least this many desks build their capability index on a second
/// thread.
const PARALLEL_FROM_DESKS: usize = 20_000;

/// Capabilities offered at this many sites or more get a [`CapEntry::sites`] bit set.
const SITE_BITS_FROM: usize = 32;

/// A request without a site reads this many of a capability's desks in (wait, id) order
/// first ([`CapIndex::all`]); capabilities (and views) with more desks also get their
/// desks split by opening-hours schedule ([`CapIndex::segments`]) for when those first
/// ones are all closed or unsuitable.
pub(crate) const NO_SITE_BY_WAIT: usize = 32;

/// The desks of one capability (or view) sharing one opening-hours schedule, a range of
/// [`CapIndex::by_schedule`] sorted by (wait, id).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    /// Index into [`Compiled::schedules`].
    pub schedule: u32,
    /// The smallest org-file wait in the segment (its first desk's).
    pub min_wait: u32,
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, Default)]
struct CapEntry {
    /// Sorted by site.
    groups: Box<[Group]>,
    /// Parallel to `groups` for capabilities offered at many sites (the ones worth
    /// skipping groups of); empty otherwise.
    summaries: Box<[Summary]>,
    /// For capabilities offered at many sites: per 64 sites, a bit per site with a group
    /// and the number of groups before them, so the group at a site is found with one
    /// read instead of a binary search (empty otherwise). See [`SiteWord`].
    sites: Box<[SiteWord]>,
    /// Range in `CapIndex::by_wait`.
    all: (u32, u32),
    /// What the entry's desks have at best, all sites together.
    summary: Summary,
    /// For entries of more than [`NO_SITE_BY_WAIT`] desks: their desks by schedule,
    /// sorted by (smallest wait, schedule); empty otherwise.
    segments: Box<[Segment]>,
}

/// 64 sites of a [`CapEntry::sites`]: the bit set as two halves (low 32 sites, high 32
/// sites) and the number of groups before them. 12 bytes (a `(u64, u32)` pads to 16).
type SiteWord = [u32; 3];

/// The bit set and the count of a [`SiteWord`].
#[inline]
fn site_word(w: &SiteWord) -> (u64, u32) {
    let [lo, hi, before] = *w;
    ((u64::from(hi) << 32) | u64::from(lo), before)
}

/// An entry of [`CapIndex`]: a capability's own (its [`SymIx`]) or an authority view of it.
pub(crate) type View = u32;

/// A view is made for a (capability, authority) pair that rules demand when at most this
/// share (1/n) of the capability's desks have that authority.
const VIEW_AT_MOST_ONE_IN: usize = 2;

/// Capability → desks.
///
/// Entries `0..symbols` are the capabilities' own. After them come *authority views*: for
/// a capability and an authority level some rule demands, the same groups holding only
/// the desks with at least that authority, in the same order. A rule demanding authority
/// searches its view, so the scan does not read (and reject) the many lower-authority
/// desks; everything else is unchanged (the scan still checks authority).
#[derive(Debug, Default)]
pub(crate) struct CapIndex {
    entries: Vec<CapEntry>,
    /// Desks grouped by (capability, site), each group sorted by (wait, rank).
    by_site: Vec<Row>,
    /// Desks grouped by capability, sorted by (wait, rank).
    by_wait: Vec<DeskIx>,
    /// The desks of the entries with [`Segment`]s, grouped by capability then schedule,
    /// each segment sorted by (wait, rank).
    by_schedule: Vec<DeskIx>,
}

/// What building one part of the [`CapIndex`] reads.
struct Part<'a> {
    org: &'a Org,
    hot: &'a [DeskHot],
    caps: &'a DeskSyms,
    /// The desks in rank order (rank → desk).
    by_rank: &'a [DeskIx],
    n_caps: usize,
    /// The authority views: (capability, level), sorted; view `n_caps + i` is `views[i]`.
    views: &'a [(SymIx, u32)],
    /// [`level_starts`] of `views`.
    view_at: &'a [u32],
}

impl Part<'_> {
    /// The index entries of the capabilities and views `views_in` (`n_rows` rows), with
    /// ranges into their own lists.
    fn build(&self, views_in: std::ops::Range<usize>, n_rows: usize) -> CapIndex {
        let Part {
            org,
            hot,
            caps,
            by_rank,
            n_caps,
            views,
            view_at,
        } = *self;
        // Rows (view, site, wait, rank), sorted as packed integers: ranks are distinct, so
        // the rank alone gives the desk back, and one integer compares faster than fields.
        let mut rows: Vec<[u32; 4]> = Vec::with_capacity(n_rows);
        for (d, h) in hot.iter().enumerate() {
            for &c in caps.of_desk(d) {
                if views_in.contains(&(c as usize)) {
                    rows.push([c, h.site, h.wait, h.rank]);
                }
                for i in levels_of(view_at, c) {
                    let v = n_caps + i;
                    if views_in.contains(&v) && views.get(i).is_some_and(|&(_, a)| h.authority >= a)
                    {
                        rows.push([v as View, h.site, h.wait, h.rank]);
                    }
                }
            }
        }
        sort_packed(&mut rows);
        let desk_of = |rank: u32| by_rank.get(rank as usize).copied().unwrap_or(0);
        let mut entries = vec![CapEntry::default(); views_in.len()];
        let mut by_site: Vec<Row> = Vec::with_capacity(rows.len());
        let mut by_wait: Vec<DeskIx> = Vec::with_capacity(rows.len());
        let mut by_schedule: Vec<DeskIx> = Vec::new();
        let mut waits: Vec<u64> = Vec::new();
        let mut scheduled: Vec<(u32, u32, u32, DeskIx)> = Vec::new();
        let mut i = 0;
        while i < rows.len() {
            let cap = rows[i][0];
            let cap_start = i;
            let mut groups = Vec::new();
            let mut summaries: Vec<Summary> = Vec::new();
            let mut entry_sum = Summary::EMPTY;
            while i < rows.len() && rows[i][0] == cap {
                let site = rows[i][1];
                let start = i;
                let mut sum = Summary::EMPTY;
                while i < rows.len() && rows[i][0] == cap && rows[i][1] == site {
                    // Each row reads its desk's fields once, for the row and the summaries.
                    let desk = desk_of(rows[i][3]);
                    let h = hot.get(desk as usize).copied().unwrap_or_default();
                    by_site.push(Row::of(desk, &h));
                    sum.add(&h);
                    entry_sum.add(&h);
                    i += 1;
                }
                groups.push(Group {
                    site,
                    min_wait: rows[start][2],
                    start: start as u32,
                    end: i as u32,
                });
                summaries.push(sum);
            }
            // The capability's desks again, by (wait, rank) alone.
            waits.clear();
            waits.extend(
                rows.get(cap_start..i)
                    .unwrap_or(&[])
                    .iter()
                    .map(|r| (u64::from(r[2]) << 32) | u64::from(r[3])),
            );
            waits.sort_unstable();
            by_wait.extend(waits.iter().map(|&k| desk_of(k as u32)));
            // And by (schedule, wait, rank), for entries worth splitting.
            let mut segments = Vec::new();
            if waits.len() > NO_SITE_BY_WAIT {
                // From the rows just written (read in sequence; they hold the schedule).
                scheduled.clear();
                scheduled.extend(by_site.get(cap_start..i).unwrap_or(&[]).iter().map(|r| {
                    let h = r.fields(0, hot);
                    (h.schedule, h.wait, h.rank, r.desk)
                }));
                // Ranks are distinct: each schedule's desks in (wait, rank) order.
                scheduled.sort_unstable();
                for run in scheduled.chunk_by(|a, b| a.0 == b.0) {
                    let start = by_schedule.len() as u32;
                    by_schedule.extend(run.iter().map(|&(_, _, _, d)| d));
                    if let Some(&(schedule, min_wait, _, _)) = run.first() {
                        segments.push(Segment {
                            schedule,
                            min_wait,
                            start,
                            end: by_schedule.len() as u32,
                        });
                    }
                }
                segments.sort_by_key(|s| (s.min_wait, s.schedule));
            }
            if let Some(e) = entries.get_mut((cap as usize).wrapping_sub(views_in.start)) {
                if groups.len() >= SITE_BITS_FROM {
                    let words = org.sites.len().div_ceil(64);
                    let mut bits = vec![0u64; words];
                    for g in &groups {
                        if let Some(w) = bits.get_mut(g.site as usize / 64) {
                            *w |= 1 << (g.site % 64);
                        }
                    }
                    let mut before = 0u32;
                    e.sites = bits
                        .iter()
                        .map(|&w| {
                            let word = [w as u32, (w >> 32) as u32, before];
                            before += w.count_ones();
                            word
                        })
                        .collect();
                    e.summaries = summaries.into_boxed_slice();
                }
                e.summary = entry_sum;
                e.groups = groups.into_boxed_slice();
                e.all = (cap_start as u32, i as u32);
                e.segments = segments.into_boxed_slice();
            }
        }
        CapIndex {
            entries,
            by_site,
            by_wait,
            by_schedule,
        }
    }
}

impl CapIndex {
    /// Build the index and the authority views `demands` ((capability, minimum authority)
    /// pairs, from the rules) call for; returns the view each demand searches.
    /// `by_rank`: the desks in rank order (rank → desk).
    fn build(
        org: &Org,
        hot: &[DeskHot],
        caps: &DeskSyms,
        by_rank: &[DeskIx],
        demands: &[(Option<SymIx>, u32)],
    ) -> (CapIndex, Vec<Option<View>>) {
        let n_caps = org.symbols.len();
        // Per capability: the desks offering it, and the authority levels rules demand.
        let mut offered = vec![0usize; n_caps];
        let mut levels: Vec<(SymIx, u32)> = demands
            .iter()
            .filter_map(|&(c, a)| Some((c?, a)))
            .filter(|&(_, a)| a > 0)
            .collect();
        levels.sort_unstable();
        levels.dedup();
        let level_at = level_starts(&levels, n_caps);
        let mut qualified = vec![0usize; levels.len()];
        for (d, h) in hot.iter().enumerate() {
            for &c in caps.of_desk(d) {
                if let Some(n) = offered.get_mut(c as usize) {
                    *n += 1;
                }
                for i in levels_of(&level_at, c) {
                    if levels.get(i).is_some_and(|&(_, a)| h.authority >= a) {
                        if let Some(q) = qualified.get_mut(i) {
                            *q += 1;
                        }
                    }
                }
            }
        }
        // The views worth having: few enough desks qualify.
        let mut views: Vec<(SymIx, u32)> = Vec::new();
        // Rows per capability, then per view (in view order).
        let mut rows_of = offered;
        for (&(c, a), &q) in levels.iter().zip(&qualified) {
            if q * VIEW_AT_MOST_ONE_IN <= rows_of.get(c as usize).copied().unwrap_or(0) {
                views.push((c, a));
                rows_of.push(q);
            }
        }
        let view_of = |c: SymIx, a: u32| -> View {
            // The most selective view the demand may use: the highest level <= a.
            let from = views.partition_point(|&(vc, va)| (vc, va) <= (c, a));
            match from.checked_sub(1).and_then(|i| views.get(i)) {
                Some(&(vc, _)) if vc == c => (n_caps + from - 1) as View,
                _ => c,
            }
        };
        let view_at = level_starts(&views, n_caps);
        let chosen = demands
            .iter()
            .map(|&(c, a)| c.map(|c| view_of(c, a)))
            .collect();
        // Two halves of about as many rows each, built at once on two threads for a large
        // organization (the entries are independent of each other), then joined.
        let total: usize = rows_of.iter().sum();
        let mut before = 0;
        let mid = rows_of
            .iter()
            .position(|&n| {
                before += n;
                2 * before > total
            })
            .map_or(rows_of.len(), |i| i + 1);
        let part = |views_in: std::ops::Range<usize>| {
            let p = Part {
                org,
                hot,
                caps,
                by_rank,
                n_caps,
                views: &views,
                view_at: &view_at,
            };
            let n_rows = rows_of.get(views_in.clone()).map_or(0, |r| r.iter().sum());
            p.build(views_in, n_rows)
        };
        let parallel = org.desks.len() >= PARALLEL_FROM_DESKS;
        let (mut index, second) = crate::parallel::join(
            "rightdesk-caps",
            parallel,
            || part(0..mid),
            || part(mid..rows_of.len()),
        );
        index.append(second);
        (index, chosen)
    }

    /// Append the index of the views after this one's.
    fn append(&mut self, next: CapIndex) {
        let site_base = self.by_site.len() as u32;
        let wait_base = self.by_wait.len() as u32;
        let schedule_base = self.by_schedule.len() as u32;
        self.entries.extend(next.entries.into_iter().map(|mut e| {
            for g in e.groups.iter_mut() {
                g.start += site_base;
                g.end += site_base;
            }
            e.all = (e.all.0 + wait_base, e.all.1 + wait_base);
            for s in e.segments.iter_mut() {
                s.start += schedule_base;
                s.end += schedule_base;
            }
            e
        }));
        self.by_site.extend_from_slice(&next.by_site);
        self.by_wait.extend_from_slice(&next.by_wait);
        self.by_schedule.extend_from_slice(&next.by_schedule);
    }

    /// The site groups of a capability (or view), sorted by site.
    #[inline]
    pub(crate) fn groups(&self, v: View) -> &[Group] {
        self.entries.get(v as usize).map_or(&[], |e| &e.groups)
    }

    /// The summaries of a capability's site groups, parallel to [`CapIndex::groups`], or
    /// empty (capabilities offered at few sites).
    #[inline]
    pub(crate) fn summaries(&self, v: View) -> &[Summary] {
        self.entries.get(v as usize).map_or(&[], |e| &e.summaries)
    }

    /// The desks of a group, sorted by (wait, id).
    #[inline]
    pub(crate) fn desks(&self, g: &Group) -> &[Row] {
        self.by_site
            .get(g.start as usize..g.end as usize)
            .unwrap_or(&[])
    }

    /// The desks of capability (or view) `v` at `site`, sorted by (wait, id).
    #[inline]
    pub(crate) fn at_site(&self, v: View, site: SiteIx) -> &[Row] {
        self.group_at(v, site).map_or(&[], |g| self.desks(g))
    }

    /// The group of desks of capability (or view) `v` at `site`.
    #[inline]
    pub(crate) fn group_at(&self, v: View, site: SiteIx) -> Option<&Group> {
        self.groups(v).get(self.group_ix(v, site)?)
    }

    /// The position in [`CapIndex::groups`] of capability (or view) `v`'s group at `site`.
    #[inline]
    pub(crate) fn group_ix(&self, v: View, site: SiteIx) -> Option<usize> {
        let e = self.entries.get(v as usize)?;
        if !e.sites.is_empty() {
            let (word, before) = site_word(e.sites.get(site as usize / 64)?);
            let bit = site % 64;
            if word >> bit & 1 == 0 {
                return None;
            }
            let below = (word & ((1u64 << bit) - 1)).count_ones();
            return Some((before + below) as usize);
        }
        e.groups.binary_search_by_key(&site, |g| g.site).ok()
    }

    /// Every desk of capability (or view) `v`, sorted by (wait, id).
    #[inline]
    pub(crate) fn all(&self, v: View) -> &[DeskIx] {
        match self.entries.get(v as usize) {
            Some(e) => self
                .by_wait
                .get(e.all.0 as usize..e.all.1 as usize)
                .unwrap_or(&[]),
            None => &[],
        }
    }

    /// What capability (or view) `v`'s desks have at best, all sites together (`None`:
    /// no desk offers it).
    #[inline]
    pub(crate) fn summary(&self, v: View) -> Option<&Summary> {
        self.entries
            .get(v as usize)
            .filter(|e| !e.groups.is_empty())
            .map(|e| &e.summary)
    }

    /// The desks of capability (or view) `v` split by schedule, sorted by (smallest wait,
    /// schedule); empty for entries of at most [`NO_SITE_BY_WAIT`] desks.
    #[inline]
    pub(crate) fn segments(&self, v: View) -> &[Segment] {
        self.entries.get(v as usize).map_or(&[], |e| &e.segments)
    }

    /// The desks of a segment, sorted by (wait, id).
    #[inline]
    pub(crate) fn segment(&self, s: &Segment) -> &[DeskIx] {
        self.by_schedule
            .get(s.start as usize..s.end as usize)
            .unwrap_or(&[])
    }

    fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<CapEntry>()
            + self
                .entries
                .iter()
                .map(|e| {
                    e.groups.len() * std::mem::size_of::<Group>()
                        + e.summaries.len() * std::mem::size_of::<Summary>()
                        + e.sites.len() * std::mem::size_of::<SiteWord>()
                        + e.segments.len() * std::mem::size_of::<Segment>()
                })
                .sum::<usize>()
            + self.by_site.capacity() * std::mem::size_of::<Row>()
            + (self.by_wait.capacity() + self.by_schedule.capacity()) * 4
    }
}

/// Euler-tour intervals of the unit forest: `b` is within `a` iff
/// `pre[a] <= pre[b] <= last[a]`.
#[derive(Debug, Default)]
pub(crate) struct UnitTree {
    pre: Vec<u32>,
    last: Vec<u32>,
}

impl UnitTree {
    fn build(org: &Org) -> UnitTree {
        let n = org.units.len();
        let mut children: Vec<Vec<UnitIx>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for (i, u) in org.units.iter().enumerate() {
            match u.parent_ix {
                Some(p) if (p as usize) < n => children[p as usize].push(i as UnitIx),
                _ => roots.push(i as UnitIx),
            }
        }
        let mut pre = vec![0u32; n];
        let mut last = vec![0u32; n];
        let mut counter = 0u32;
        // Iterative DFS: (unit, next child position).
        let mut stack: Vec<(UnitIx, usize)> = Vec::new();
        for r in roots {
            pre[r as usize] = counter;
            counter += 1;
            stack.push((r, 0));
            while let Some(top) = stack.last_mut() {
                let (u, next) = *top;
                match children[u as usize].get(next) {
                    Some(&c) => {
                        top.1 += 1;
                        pre[c as usize] = counter;
                        counter += 1;
                        stack.push((c, 0));
                    }
                    None => {
                        last[u as usize] = counter - 1;
                        stack.pop();
                    }
                }
            }
        }
        UnitTree { pre, last }
    }

    /// The pre-order number of a unit.
    #[inline]
    pub(crate) fn pre(&self, u: UnitIx) -> u32 {
        self.pre.get(u as usize).copied().unwrap_or(u32::MAX)
    }

    /// The pre-order interval of a unit's subtree: `pre` of every unit within it.
    #[inline]
    pub(crate) fn interval(&self, u: UnitIx) -> (u32, u32) {
        match (self.pre.get(u as usize), self.last.get(u as usize)) {
            (Some(&a), Some(&b)) => (a, b),
            _ => (1, 0),
        }
    }

    /// Is unit `u` the unit `scope` or below it?
    #[cfg(test)]
    pub(crate) fn within(&self, u: UnitIx, scope: UnitIx) -> bool {
        match (self.pre.get(u as usize), self.pre.get(scope as usize)) {
            (Some(&pu), Some(&ps)) => {
                ps <= pu && self.last.get(scope as usize).is_some_and(|&l| pu <= l)
            }
            _ => false,
        }
    }
}

/// The desks sorted by their unit's pre-order number: the desks of a unit's subtree (a
/// pre-order interval, [`UnitTree::interval`]) are one range.
#[derive(Debug, Default)]
pub(crate) struct UnitDesks {
    desks: Vec<DeskIx>,
    /// Per pre-order number `p`, the position in `desks` of the first desk whose unit's
    /// number is `p` or more; one more entry at the end.
    start: Vec<u32>,
}

impl UnitDesks {
    fn build(hot: &[DeskHot], n_units: usize) -> UnitDesks {
        let start = starts_of(hot.iter().map(|h| h.unit_pre as usize), n_units);
        let mut next = start.clone();
        let mut desks = vec![0; hot.len()];
        for (d, h) in hot.iter().enumerate() {
            if let Some(n) = next.get_mut(h.unit_pre as usize) {
                if let Some(slot) = desks.get_mut(*n as usize) {
                    *slot = d as DeskIx;
                }
                *n += 1;
            }
        }
        UnitDesks { desks, start }
    }

    /// The desks whose unit's pre-order number is in `a..=b`.
    #[inline]
    pub(crate) fn within(&self, (a, b): (u32, u32)) -> &[DeskIx] {
        let at = |p: u32| self.start.get(p as usize).copied();
        match (
            at(a),
            at(b.saturating_add(1)).or(self.start.last().copied()),
        ) {
            (Some(x), Some(y)) if a <= b => self.desks.get(x as usize..y as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    fn heap_bytes(&self) -> usize {
        (self.desks.capacity() + self.start.capacity()) * 4
    }
}

/// Everything [`Router`](crate::Router) precomputes.
#[derive(Debug)]
pub(crate) struct Compiled {
    /// Parallel to [`RuleSet::rules`] (evaluation order).
    pub rules: Vec<CompiledRule>,
    pub rule_index: RuleIndex,
    pub caps: CapIndex,
    pub units: UnitTree,
    /// Desks by the pre-order number of their unit, so a unit's subtree's desks are a range.
    pub unit_desks: UnitDesks,
    /// Per origin site: (minutes, site) of every reachable site, itself first, ascending.
    pub by_travel: Vec<Box<[(u32, SiteIx)]>>,
    /// Per origin site: (site, minutes) of every reachable site, by site (for lookups).
    pub travel_rows: Vec<Box<[(SiteIx, u32)]>>,
    /// Per desk, the fields a search reads ([`Compiled::hot`]).
    hot: Hot,
    /// Distinct opening-hours schedules.
    pub schedules: Vec<Hours>,
    /// Interned languages (the first 63), by bit.
    pub languages: HashMap<Id, u32, FastBuild>,
    /// Declared-fact names, for checking requests quickly (sites and units are looked up
    /// in the organization's own maps).
    pub names: Names,
    /// The organization's time zone's offsets around now.
    pub zone: std::sync::Arc<Offsets>,
}

/// Name tables with a fast hash, for checking requests.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// Declared fact → index in [`RuleSet::facts`].
    pub facts: HashMap<Id, u32, FastBuild>,
}

/// Heap bytes of a hash table (hashbrown's layout, as `std`'s) with room for `capacity`
/// entries of a `K` and a `V`: a power of two of buckets, 7/8 of them usable, each an
/// entry and a control byte, and a group's worth of control bytes more.
pub(crate) fn map_heap_bytes<K, V>(capacity: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    let buckets = if capacity < 8 {
        capacity + 1
    } else {
        capacity / 7 * 8
    };
    buckets * (std::mem::size_of::<(K, V)>() + 1) + 16
}

/// Sort rows of four fields lexicographically, each row packed into one integer: a `u64`
/// when the fields' largest values fit in 64 bits together (they do for any realistic
/// organization), else a `u128`.
fn sort_packed(rows: &mut [[u32; 4]]) {
    let mut widths = [0u32; 4];
    for r in rows.iter() {
        for (w, &v) in widths.iter_mut().zip(r) {
            *w = (*w).max(u32::BITS - v.leading_zeros());
        }
    }
    // Shift of each field: the last field in the lowest bits.
    let shifts = [
        widths[1] + widths[2] + widths[3],
        widths[2] + widths[3],
        widths[3],
        0,
    ];
    if widths.iter().sum::<u32>() <= 64 {
        let mut keys: Vec<u64> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(shifts)
                    .fold(0, |k, (&v, s)| k | u64::from(v).checked_shl(s).unwrap_or(0))
            })
            .collect();
        keys.sort_unstable();
        for (r, k) in rows.iter_mut().zip(keys) {
            for ((v, s), w) in r.iter_mut().zip(shifts).zip(widths) {
                *v = (k.checked_shr(s).unwrap_or(0) & ((1u64 << w) - 1)) as u32;
            }
        }
    } else {
        let mut keys: Vec<u128> = rows
            .iter()
            .map(|r| {
                r.iter().zip(shifts).fold(0, |k, (&v, s)| {
                    k | u128::from(v).checked_shl(s).unwrap_or(0)
                })
            })
            .collect();
        keys.sort_unstable();
        for (r, k) in rows.iter_mut().zip(keys) {
            for ((v, s), w) in r.iter_mut().zip(shifts).zip(widths) {
                *v = (k.checked_shr(s).unwrap_or(0) & ((1u128 << w) - 1)) as u32;
            }
        }
    }
}

/// The desks in id order.
///
/// Sorted by their ids' first 8 bytes as one big-endian integer (padded with zeros), and
/// only within a run of equal prefixes by the whole id: the same order as comparing the
/// ids, without reading every id's string at every comparison.
fn by_id(org: &Org) -> Vec<DeskIx> {
    let id = |d: DeskIx| org.desks.get(d as usize).map_or("", |d| d.id.as_str());
    let prefix = |s: &str| {
        let mut b = [0u8; 8];
        for (to, from) in b.iter_mut().zip(s.bytes()) {
            *to = from;
        }
        u64::from_be_bytes(b)
    };
    let mut keyed: Vec<(u64, DeskIx)> = (0..org.desks.len() as DeskIx)
        .map(|d| (prefix(id(d)), d))
        .collect();
    keyed.sort_unstable();
    let mut order: Vec<DeskIx> = keyed.iter().map(|k| k.1).collect();
    let mut start = 0;
    for (i, k) in keyed.iter().enumerate().skip(1) {
        if k.0 != keyed[start].0 {
            if i - start > 1 {
                order[start..i].sort_unstable_by(|&a, &b| id(a).cmp(id(b)));
            }
            start = i;
        }
    }
    if let Some(run) = order.get_mut(start..) {
        run.sort_unstable_by(|&a, &b| id(a).cmp(id(b)));
    }
    order
}

/// Per origin site: (minutes, site) of every reachable site, itself first, ascending; and
/// (site, minutes), by site.
#[allow(clippy::type_complexity)]
fn travel_tables(org: &Org) -> (Vec<Box<[(u32, SiteIx)]>>, Vec<Box<[(SiteIx, u32)]>>) {
    let mut by_travel: Vec<Vec<(u32, SiteIx)>> = (0..org.sites.len())
        .map(|s| vec![(0, s as SiteIx)])
        .collect();
    for (&(a, b), &m) in &org.travel {
        if a != b {
            if let Some(v) = by_travel.get_mut(a as usize) {
                v.push((m, b));
            }
        }
    }
    let travel_rows = by_travel
        .iter()
        .map(|v| {
            let mut r: Vec<(SiteIx, u32)> = v.iter().map(|&(m, s)| (s, m)).collect();
            r.sort_unstable();
            r.into_boxed_slice()
        })
        .collect();
    let by_travel = by_travel
        .into_iter()
        .map(|mut v| {
            v.sort_unstable();
            v.into_boxed_slice()
        })
        .collect();
    (by_travel, travel_rows)
}

/// What the index reads of every desk: its search fields, and the tables that number
/// them.
struct DeskFields {
    /// Desks in id order (rank → desk).
    order: Vec<DeskIx>,
    units: UnitTree,
    schedules: Vec<Hours>,
    languages: HashMap<Id, u32, FastBuild>,
    hot: Vec<DeskHot>,
    /// The desks' capabilities as symbols, while the index is built.
    caps: DeskSyms,
}

/// Every desk's capabilities as interned symbols, desk after desk, for building the index
/// (the organization keeps only the ids: [`Org::capability_ixs`]).
#[derive(Default)]
struct DeskSyms {
    syms: Vec<SymIx>,
    /// Where each desk's capabilities start in `syms`; one more entry at the end.
    start: Vec<u32>,
}

impl DeskSyms {
    /// A desk's capabilities are clones of the org's symbols: found by the address of
    /// their text (one integer hashed), by the text if ever one is not.
    fn of(org: &Org) -> DeskSyms {
        let by_address: HashMap<usize, SymIx, FastBuild> = org
            .symbols
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str().as_ptr() as usize, i as SymIx))
            .collect();
        let mut out = DeskSyms {
            syms: Vec::with_capacity(org.desks.len() * 3),
            start: Vec::with_capacity(org.desks.len() + 1),
        };
        for desk in &org.desks {
            out.start.push(out.syms.len() as u32);
            out.syms.extend(desk.capabilities.iter().filter_map(|c| {
                by_address
                    .get(&(c.as_str().as_ptr() as usize))
                    .or_else(|| org.symbol_ix.get(c))
                    .copied()
            }));
        }
        out.start.push(out.syms.len() as u32);
        out
    }

    /// Desk `d`'s capabilities.
    #[inline]
    fn of_desk(&self, d: usize) -> &[SymIx] {
        match (self.start.get(d), self.start.get(d + 1)) {
            (Some(&a), Some(&b)) => self.syms.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

impl DeskFields {
    fn of(org: &Org) -> DeskFields {
        let order = by_id(org);
        let mut rank = vec![0u32; org.desks.len()];
        for (r, &d) in order.iter().enumerate() {
            rank[d as usize] = r as u32;
        }
        let units = UnitTree::build(org);
        let mut schedules: Vec<Hours> = Vec::new();
        let mut schedule_ix: HashMap<&str, u32, FastBuild> = HashMap::default();
        let mut languages: HashMap<Id, u32, FastBuild> = HashMap::default();
        let hot: Vec<DeskHot> = org
            .desks
            .iter()
            .zip(&rank)
            .map(|(desk, &rank)| {
                let schedule = *schedule_ix.entry(desk.hours.as_str()).or_insert_with(|| {
                    schedules.push(desk.hours.clone());
                    schedules.len() as u32 - 1
                });
                let mut bits = 0u64;
                for l in &desk.languages {
                    let next = languages.len() as u32;
                    let bit = if let Some(&b) = languages.get(l) {
                        b
                    } else if next < 63 {
                        languages.insert(l.clone(), next);
                        next
                    } else {
                        63
                    };
                    bits |= 1 << bit;
                }
                DeskHot {
                    wait: desk.wait_minutes,
                    rank,
                    authority: desk.authority,
                    unit_pre: units.pre(desk.unit_ix),
                    site: desk.site_ix,
                    schedule,
                    languages: bits,
                }
            })
            .collect();
        DeskFields {
            order,
            units,
            schedules,
            languages,
            hot,
            caps: DeskSyms::of(org),
        }
    }
}

impl Compiled {
    /// Compile rules against an organization.
    ///
    /// # Complexity
    /// O(R·c + D·k·log(D·k) + T·log T) for R rules of condition size c, D desks with k
    /// capabilities each and T travel pairs.
    pub(crate) fn build(org: &Org, rules: &RuleSet) -> Compiled {
        let demands: Vec<(Option<SymIx>, u32)> = rules
            .rules
            .iter()
            .map(|r| {
                (
                    org.symbol_ix.get(&r.capability).copied(),
                    r.authority.unwrap_or(0),
                )
            })
            .collect();
        // The desks' search fields, then the capability index (the largest part, itself in
        // two halves), are built on a second thread while this one compiles the rules and
        // the travel tables (on this one too if no thread starts, or for a small
        // organization, where starting a thread costs more than it saves: property tests
        // build 100 000 small routers).
        let caps_job = || {
            let desks = DeskFields::of(org);
            let (caps, views) =
                CapIndex::build(org, &desks.hot, &desks.caps, &desks.order, &demands);
            (desks, caps, views)
        };
        let parallel = org.desks.len() >= PARALLEL_FROM_DESKS;
        let rules_job = || {
            let mut symbols = Symbols::of_facts(&rules.facts);
            // The conditions share their fact names (with the declared facts) and texts.
            let mut texts = cond::Texts::with(rules.facts.iter().map(|f| &f.id));
            // The trees are a step to the flat form the router keeps (explanations compile
            // a rule's tree again when asked).
            let fast: Vec<FCond> = rules
                .rules
                .iter()
                .map(|r| symbols.compile(&Cond::compile_in(&r.when, &mut texts)))
                .collect();
            let rule_index = RuleIndex::build(symbols, &fast);
            let (by_travel, travel_rows) = travel_tables(org);
            (rule_index, by_travel, travel_rows)
        };
        let ((rule_index, by_travel, travel_rows), (desks, caps, views)) =
            crate::parallel::join("rightdesk-compile", parallel, rules_job, caps_job);
        let DeskFields {
            units,
            schedules,
            languages,
            hot,
            ..
        } = desks;
        let compiled_rules: Vec<CompiledRule> = rules
            .rules
            .iter()
            .zip(demands.iter().zip(views))
            .map(|(r, (&(capability, min_authority), view))| CompiledRule {
                capability,
                view,
                min_authority,
                unit: r.unit.as_ref().and_then(|u| org.unit_index(u)),
                site: r.site.as_ref().and_then(|s| org.site_ix.get(s).copied()),
                language: r.language.as_ref().map(ValueSource::of),
                desk_site: r.desk_site.as_ref().map(ValueSource::of),
                owner: r.owner.as_ref().and_then(|u| org.unit_index(u)),
            })
            .collect();

        let unit_desks = UnitDesks::build(&hot, org.units.len());
        let hot = Hot::of(&hot);
        Compiled {
            rules: compiled_rules,
            rule_index,
            caps,
            zone: Offsets::shared(org.timezone),
            units,
            unit_desks,
            by_travel,
            travel_rows,
            hot,
            schedules,
            languages,
            names: Names {
                facts: rules
                    .facts
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (f.id.clone(), i as u32))
                    .collect(),
            },
        }
    }

    /// Minutes from site `a` to site `b`: 0 within a site, `None` when no route is known.
    #[inline]
    pub(crate) fn travel(&self, a: SiteIx, b: SiteIx) -> Option<u32> {
        if a == b {
            return Some(0);
        }
        let row = self.travel_rows.get(a as usize)?;
        row.binary_search_by_key(&b, |&(s, _)| s)
            .ok()
            .and_then(|i| row.get(i))
            .map(|&(_, m)| m)
    }

    /// The desk's packed search fields.
    #[inline]
    pub(crate) fn hot(&self, d: DeskIx) -> DeskHot {
        self.hot.get(d)
    }

    /// The packed search fields of a group row at `site`.
    #[inline]
    pub(crate) fn row_hot(&self, r: &Row, site: SiteIx) -> DeskHot {
        r.fields.fields(site).unwrap_or_else(|| self.hot(r.desk))
    }

    /// The language bit for a language name: `Some(bit)` when interned, `None` when only
    /// desks flagged [`MORE_LANGUAGES`] can speak it.
    #[inline]
    pub(crate) fn language_bit(&self, l: &str) -> Option<u64> {
        self.languages.get(l).map(|&b| 1u64 << b)
    }

    /// Approximate heap bytes held by the indexes (not the org or rules).
    pub(crate) fn heap_bytes(&self) -> usize {
        let rows = |v: &[Box<[(u32, SiteIx)]>]| -> usize {
            v.iter()
                .map(|r| std::mem::size_of_val(&**r) + std::mem::size_of::<Box<[(u32, u32)]>>())
                .sum()
        };
        let languages = map_heap_bytes::<Id, u32>(self.languages.capacity());
        let facts = map_heap_bytes::<Id, u32>(self.names.facts.capacity());
        self.caps.heap_bytes()
            + rows(&self.by_travel)
            + rows(&self.travel_rows)
            + self.hot.heap_bytes()
            + (self.units.pre.capacity() + self.units.last.capacity()) * 4
            + self.unit_desks.heap_bytes()
            + self.rules.capacity() * std::mem::size_of::<CompiledRule>()
            + self.rule_index.heap_bytes()
            + self.schedules.capacity() * std::mem::size_of::<Hours>()
            + languages
            + facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Format, org_from_str};

    #[test]
    fn packed_sort_is_the_lexicographic_sort() {
        let small = vec![
            [3, 1, 2, 0],
            [0, 0, 0, 1],
            [3, 0, 9, 2],
            [1, 7, 0, 3],
            [3, 1, 1, 4],
        ];
        let big = vec![
            [u32::MAX, 1, 2, 0],
            [0, u32::MAX, 0, 1],
            [u32::MAX, 0, u32::MAX, 2],
            [7, 7, 7, u32::MAX],
        ];
        for rows in [small, big, vec![], vec![[0; 4]; 3]] {
            let mut expected = rows.clone();
            expected.sort_unstable();
            let mut packed = rows;
            sort_packed(&mut packed);
            assert_eq!(packed, expected);
        }
    }

    #[test]
    fn desks_by_id_compare_whole_ids_past_eight_bytes() {
        let ids = [
            "records-b",
            "records-a",
            "rec",
            "records-",
            "a",
            "records-aa",
            "rec\u{0}",
        ];
        let spec = crate::OrgSpec {
            sites: vec![crate::model::SiteSpec {
                id: "s".into(),
                name: None,
                address: None,
            }],
            units: vec![crate::model::UnitSpec {
                id: "u".into(),
                name: None,
                parent: None,
                duty_desk: None,
            }],
            desks: ids
                .iter()
                .map(|id| crate::model::DeskSpec {
                    id: (*id).into(),
                    name: None,
                    unit: "u".into(),
                    site: "s".into(),
                    capabilities: vec![],
                    authority: 0,
                    languages: vec![],
                    hours: None,
                    wait_minutes: 0,
                    requires: vec![],
                    refers: Default::default(),
                })
                .collect(),
            ..Default::default()
        };
        let org = Org::from_spec(spec).unwrap();
        let sorted: Vec<&str> = by_id(&org)
            .iter()
            .map(|&d| org.desks[d as usize].id.as_str())
            .collect();
        let mut expected: Vec<&str> = org.desks.iter().map(|d| d.id.as_str()).collect();
        expected.sort_unstable();
        assert_eq!(sorted, expected);
    }

    const ORG: &str = r#"
sites: [{id: a}, {id: b}, {id: c}]
travel:
  - {from: a, to: b, minutes: 10}
  - {from: a, to: c, minutes: 5}
units:
  - {id: root}
  - {id: x, parent: root}
  - {id: x1, parent: x}
  - {id: y, parent: root}
  - {id: other}
desks:
  - {id: d3, unit: x1, site: b, capabilities: [k], wait_minutes: 5}
  - {id: d1, unit: y, site: a, capabilities: [k, m], wait_minutes: 5}
  - {id: d2, unit: x, site: a, capabilities: [k], wait_minutes: 1}
  - {id: d0, unit: other, site: a, capabilities: [k], wait_minutes: 5}
"#;

    #[test]
    fn indexes() {
        let org = org_from_str(ORG, Format::Yaml, None).unwrap();
        let rules = RuleSet::from_spec(Default::default(), &org).unwrap();
        let c = Compiled::build(&org, &rules);
        let hot: Vec<DeskHot> = (0..c.hot.len() as DeskIx).map(|d| c.hot(d)).collect();
        let ranks: Vec<u32> = hot.iter().map(|h| h.rank).collect();
        assert_eq!(ranks, [3, 1, 2, 0]);
        assert_eq!(std::mem::size_of::<DeskHot>(), 32);
        let k = org.symbol_ix["k"];
        let ids = |v: &[DeskIx]| -> Vec<String> {
            v.iter()
                .map(|&d| org.desks[d as usize].id.to_string())
                .collect()
        };
        let row_ids = |v: &[Row]| -> Vec<String> {
            v.iter()
                .map(|r| org.desks[r.desk as usize].id.to_string())
                .collect()
        };
        assert_eq!(std::mem::size_of::<Row>(), 20);
        for (d, h) in hot.iter().enumerate() {
            let r = Row::of(d as DeskIx, h);
            assert_eq!(c.row_hot(&r, h.site), *h);
        }
        assert_eq!(ids(c.caps.all(k)), ["d2", "d0", "d1", "d3"]);
        assert_eq!(row_ids(c.caps.at_site(k, 0)), ["d2", "d0", "d1"]);
        assert_eq!(row_ids(c.caps.at_site(k, 1)), ["d3"]);
        assert!(c.caps.at_site(k, 2).is_empty());
        assert_eq!(&*c.by_travel[0], &[(0, 0), (5, 2), (10, 1)]);
        assert_eq!(&*c.by_travel[2], &[(0, 2), (5, 0)]);
        for a in 0..3 {
            for b in 0..3 {
                assert_eq!(c.travel(a, b), org.travel_ix(a, b), "{a} -> {b}");
            }
        }
        let u = |s: &str| org.unit_index(s).unwrap();
        assert!(c.units.within(u("x1"), u("root")));
        assert!(c.units.within(u("x1"), u("x")));
        assert!(c.units.within(u("x"), u("x")));
        assert!(!c.units.within(u("y"), u("x")));
        assert!(!c.units.within(u("x"), u("x1")));
        assert!(!c.units.within(u("other"), u("root")));
        assert!(c.heap_bytes() > 0);
    }

    #[test]
    fn rows_give_back_every_field_including_those_that_do_not_fit() {
        let base = DeskHot {
            wait: 7,
            rank: 123_456,
            authority: 4,
            unit_pre: 99_999,
            site: 3,
            schedule: 11,
            languages: 0b1011,
        };
        let cases = [
            base,
            DeskHot {
                wait: 65_535,
                ..base
            },
            DeskHot {
                wait: u32::MAX,
                ..base
            },
            DeskHot {
                authority: 255,
                ..base
            },
            DeskHot {
                authority: 256,
                ..base
            },
            DeskHot {
                schedule: 70_000,
                ..base
            },
            DeskHot {
                languages: 1 << 15,
                ..base
            },
            DeskHot {
                languages: 1 << 16 | 1,
                ..base
            },
            DeskHot {
                languages: MORE_LANGUAGES | 1,
                ..base
            },
        ];
        let hot: Vec<DeskHot> = cases.to_vec();
        let packed = Hot::of(&hot);
        assert_eq!(packed.full.len(), cases.len() - 4);
        for (d, h) in cases.iter().enumerate() {
            for back in [
                Row::of(d as DeskIx, h).fields(h.site, &hot),
                packed.get(d as DeskIx),
            ] {
                assert_eq!(back, *h, "case {d}");
            }
        }
        assert_eq!(packed.get(cases.len() as DeskIx).rank, u32::MAX);
    }

    #[test]
    fn desks_capabilities_as_symbols() {
        let org = org_from_str(ORG, Format::Yaml, None).unwrap();
        let syms = DeskSyms::of(&org);
        let names = |d: usize| -> Vec<&str> {
            syms.of_desk(d)
                .iter()
                .map(|&c| org.symbols[c as usize].as_str())
                .collect()
        };
        for (d, desk) in org.desks.iter().enumerate() {
            let expected: Vec<&str> = desk.capabilities.iter().map(|c| c.as_str()).collect();
            assert_eq!(names(d), expected);
        }
        assert!(syms.of_desk(org.desks.len()).is_empty());
        // A capability id that is a copy, not the symbol's own, is found by its text.
        let mut copy = org.clone();
        copy.desks[1].capabilities = vec![Id::from("m"), Id::from("k")].into();
        assert_eq!(
            DeskSyms::of(&copy).of_desk(1),
            [org.symbol_ix["m"], org.symbol_ix["k"]]
        );
    }

    #[test]
    fn site_bits_find_the_same_groups_as_a_search() {
        use crate::synth::{OrgShape, RuleShape};
        let spec = crate::synth::org(&OrgShape::new(20_000).seed(7));
        let rules_spec = crate::synth::rules(&spec, &RuleShape::new(10).seed(7));
        let org = Org::from_spec(spec).unwrap();
        let rules = RuleSet::from_spec(rules_spec, &org).unwrap();
        let c = Compiled::build(&org, &rules);
        let mut with_bits = 0;
        for (cap, e) in c.caps.entries.iter().enumerate() {
            with_bits += usize::from(!e.sites.is_empty());
            for site in 0..org.sites.len() as SiteIx + 70 {
                let searched = e
                    .groups
                    .binary_search_by_key(&site, |g| g.site)
                    .ok()
                    .map(|i| (e.groups[i].start, e.groups[i].end));
                let found = c
                    .caps
                    .group_at(cap as SymIx, site)
                    .map(|g| (g.start, g.end));
                assert_eq!(found, searched, "cap {cap} site {site}");
            }
        }
        assert!(with_bits > 0);
    }

    #[test]
    fn authority_views_hold_exactly_the_desks_with_that_authority() {
        const ORG: &str = r#"
sites: [{id: a}, {id: b}]
units: [{id: u}]
desks:
  - {id: d0, unit: u, site: a, capabilities: [k], authority: 0, wait_minutes: 1}
  - {id: d1, unit: u, site: a, capabilities: [k], authority: 3, wait_minutes: 9}
  - {id: d2, unit: u, site: b, capabilities: [k], authority: 2}
  - {id: d3, unit: u, site: b, capabilities: [k], authority: 0}
  - {id: d4, unit: u, site: a, capabilities: [k, m], authority: 1}
  - {id: d5, unit: u, site: b, capabilities: [m], authority: 1}
"#;
        const RULES: &str = r#"
rules:
  - {id: plain, when: {fact: need, eq: p}, then: {capability: k}}
  - {id: two, when: {fact: need, eq: t}, then: {capability: k, authority: 2}}
  - {id: three, when: {fact: need, eq: h}, then: {capability: k, authority: 3}}
  - {id: half, when: {fact: need, eq: m}, then: {capability: m, authority: 1}}
"#;
        let org = org_from_str(ORG, Format::Yaml, None).unwrap();
        let rules = crate::load::rules_from_str(RULES, Format::Yaml, None, &org).unwrap();
        let c = Compiled::build(&org, &rules);
        let k = org.symbol_ix["k"];
        let m = org.symbol_ix["m"];
        let view = |i: usize| c.rules[i].view.unwrap();
        let ids = |v: View| -> Vec<String> {
            c.caps
                .all(v)
                .iter()
                .map(|&d| org.desks[d as usize].id.to_string())
                .collect()
        };
        // No authority: the capability's own desks.
        assert_eq!(view(0), k);
        // Authority 2 (2 of 5 desks) and 3 (1 of 5): views, in (wait, id) order.
        assert_ne!(view(1), k);
        assert_eq!(ids(view(1)), ["d2", "d1"]);
        assert_eq!(ids(view(2)), ["d1"]);
        let rows = |v: View, site| -> Vec<String> {
            c.caps
                .at_site(v, site)
                .iter()
                .map(|r| org.desks[r.desk as usize].id.to_string())
                .collect()
        };
        assert_eq!(rows(view(1), 0), ["d1"]);
        assert_eq!(rows(view(1), 1), ["d2"]);
        // Every desk of `m` has authority 1: no view.
        assert_eq!(view(3), m);
    }
}
