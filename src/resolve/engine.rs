//! The indexed resolver behind [`Router`](crate::Router): rule selection through the rule
//! index, candidate search through the capability/site/travel indexes, the status overlay
//! applied on the fly. `resolve` is the fast path; `explain` records every verdict.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDateTime, Utc};
use smallvec::SmallVec;

use super::time::plus_minutes;
use super::validate::Checked;
use super::{
    AssignmentRef, Gap, Opening, OutcomeRef, Question, Request, Resolution, ResolutionRef,
};
use crate::compile::cond::{Cond, FactRef, FactVal, Tri};
use crate::compile::fast::Facts;
use crate::compile::rule_index::Merge;
use crate::compile::{
    Compiled, CompiledRule, DeskHot, Group, MORE_LANGUAGES, NO_SITE_BY_WAIT, Row, Summary,
    ValueSource, View,
};
use crate::explain::{CandidateNote, CandidateVerdict, RuleNote, RuleVerdict};
use crate::hours::Hours;
use crate::model::{Desk, DeskIx, Id, Org, SiteIx, SymIx, UnitIx};
use crate::rules::{Rule, RuleSet, Value};
use crate::status::Overlay;

/// Everything a resolution reads: the immutable org, rules and indexes (`'a`, what a
/// borrowed answer may point into), and one status snapshot (`'s`).
pub(crate) struct Engine<'a, 's> {
    pub org: &'a Org,
    pub rules: &'a RuleSet,
    pub comp: &'a Compiled,
    pub status: &'s Overlay,
}

/// A request with its checked site and time.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'r> {
    pub req: &'r Request,
    pub origin: Option<SiteIx>,
    /// The request's time, as an arrival without travel.
    pub start: Option<Arrival>,
}

impl<'r> Ctx<'r> {
    pub(crate) fn new(req: &'r Request, checked: Checked) -> Ctx<'r> {
        Ctx {
            req,
            origin: checked.origin,
            start: checked.at,
        }
    }
}

/// Which rule decides.
#[derive(Debug)]
pub(crate) enum Decision {
    /// This rule (position in evaluation order) decides.
    Rule(usize),
    /// More facts are needed: the unknown rules before the first true one (or all, with no
    /// true rule), and the true rule if its desk constraints need a missing fact.
    NeedsInfo {
        unknown: SmallVec<[u32; 4]>,
        needing: Option<u32>,
    },
    /// No rule is true and none is unknown.
    NoRule,
}

/// Where the desk must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SiteFilter {
    Any,
    Only(SiteIx),
    Nowhere,
}

impl SiteFilter {
    #[inline]
    fn allows(self, s: SiteIx) -> bool {
        match self {
            SiteFilter::Any => true,
            SiteFilter::Only(x) => x == s,
            SiteFilter::Nowhere => false,
        }
    }
}

/// The deciding rule's demands, resolved against the request.
pub(crate) struct Query<'a, 'r> {
    pub rule: &'a Rule,
    pub crule: &'a CompiledRule,
    pub site: SiteFilter,
    /// The value of the rule's desk-site constraint, if it has one.
    desk_site: Option<Cow<'r, str>>,
    pub language: Option<Cow<'r, str>>,
    /// The language's bit in [`DeskHot::languages`] (0 when not interned).
    pub language_bit: u64,
    /// The unit scope's pre-order interval.
    pub scope: Option<(u32, u32)>,
}

impl Query<'_, '_> {
    /// The required site's name (rule scope first, else the desk constraint's value), for
    /// explanations: read only then, so a routed answer never touches the rule's fields.
    pub fn site_name(&self) -> Option<&str> {
        match &self.rule.site {
            Some(s) => Some(s.as_str()),
            None => self.desk_site.as_deref(),
        }
    }
}

/// Why a desk fails a rule's demands other than capability, travel and hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fail {
    Authority,
    Unit,
    Site,
    Language,
}

/// A desk picked, with its travel, cost and arrival.
#[derive(Debug, Clone, Copy)]
struct Pick {
    desk: DeskIx,
    /// The desk's site and wait (today's), so the answer need not read the desk.
    site: SiteIx,
    wait: u32,
    travel: u32,
    cost: u32,
    rank: u32,
    arrival: Option<Arrival>,
}

/// A rule's unit scope is searched desk by desk (instead of through the capability's site
/// groups) when it holds at most this many desks...
const SCOPED_DESKS_AT_MOST: usize = 256;
/// ...and this many times fewer desks than offer the capability.
const SCOPED_DESKS_SHARE: usize = 4;

/// Arrival at a desk.
pub(crate) use super::time::Moment as Arrival;

/// When a closed desk opens.
#[derive(Debug, Clone)]
pub(crate) struct Later<'s> {
    pub opens: DateTime<Utc>,
    pub opens_local: NaiveDateTime,
    pub reason: Option<&'s str>,
}

/// How far the desks offering a capability got through the filters (for the gap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    NoCapability,
    Capability,
    Authority,
    Unit,
    Site,
    Language,
    Reachable,
    Opens,
}

/// The value of a desk constraint source for a request: `None` when it refers to a request
/// value the request lacks.
pub(crate) fn source_value<'r>(src: &'r ValueSource, req: &'r Request) -> Option<Cow<'r, str>> {
    match src {
        ValueSource::Literal(id) => Some(Cow::Borrowed(id.as_str())),
        ValueSource::Request(f) => f.get(req).map(|v| match v {
            FactVal::Text(s) => Cow::Borrowed(s),
            FactVal::Number(n) => Cow::Owned(Value::Number(n).to_string()),
            FactVal::Bool(b) => Cow::Owned(b.to_string()),
        }),
    }
}

/// The declared facts a rule's desk constraints need and the request lacks.
pub(crate) fn constraint_facts_missing<'c>(
    r: &'c CompiledRule,
    req: &Request,
) -> impl Iterator<Item = &'c FactRef> {
    [r.language.as_ref(), r.desk_site.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(move |src| match src {
            ValueSource::Request(f @ FactRef::Declared(_)) if f.get(req).is_none() => Some(f),
            _ => None,
        })
}

/// The question for a missing fact.
pub(crate) fn question(rules: &RuleSet, f: &FactRef) -> Question {
    let (fact, question, allowed) = match f {
        FactRef::Declared(id) => match rules.fact(id) {
            Some(d) => (id.clone(), d.question.clone(), d.values.clone()),
            None => (
                id.clone(),
                format!("What is your {}?", id.replace('_', " ")),
                Vec::new(),
            ),
        },
        FactRef::Need => (Id::from("need"), "What do you need?".to_owned(), Vec::new()),
        FactRef::Language => (
            Id::from("language"),
            "Which language would you like to be served in?".to_owned(),
            Vec::new(),
        ),
        FactRef::Site => (
            Id::from("site"),
            "Where are you now (which site)?".to_owned(),
            Vec::new(),
        ),
        FactRef::Unit => (
            Id::from("unit"),
            "Which unit is asking?".to_owned(),
            Vec::new(),
        ),
    };
    Question {
        fact,
        question,
        allowed,
    }
}

/// The gap summary for a rule's demands and how far the desks got.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gap_for(
    req: &Request,
    rule: &Rule,
    site_name: Option<&str>,
    language: Option<&str>,
    origin: Option<&str>,
    stage: Stage,
) -> Gap {
    let mut reqs = String::new();
    if let Some(a) = rule.authority.filter(|&a| a > 0) {
        reqs.push_str(&format!(" with authority {a} or more"));
    }
    if let Some(u) = &rule.unit {
        reqs.push_str(&format!(" in unit `{u}`"));
    }
    if let Some(s) = site_name {
        reqs.push_str(&format!(" at site `{s}`"));
    }
    if let Some(l) = language {
        reqs.push_str(&format!(" speaking `{l}`"));
    }
    let c = &rule.capability;
    // `stage` is the furthest filter any desk passed; the next one stopped them all.
    let summary = match stage {
        Stage::Language => format!(
            "no desk offering `{c}`{reqs} can be reached from site `{}`",
            origin.unwrap_or("?")
        ),
        Stage::Reachable | Stage::Opens => {
            format!("every desk offering `{c}`{reqs} is closed until further notice")
        }
        _ => format!("no desk offers `{c}`{reqs}"),
    };
    Gap {
        need: Id::from(req.need.as_str()),
        rule: Some(rule.id.clone()),
        capability: Some(rule.capability.clone()),
        authority: rule.authority,
        unit: rule.unit.clone(),
        site: site_name.map(Id::from),
        language: language.map(Id::from),
        owner: rule.owner.clone(),
        summary,
    }
}

/// The gap when no rule covers a request.
pub(crate) fn no_rule_gap(req: &Request) -> Gap {
    Gap {
        need: Id::from(req.need.as_str()),
        rule: None,
        capability: None,
        authority: None,
        unit: None,
        site: None,
        language: None,
        owner: None,
        summary: format!("no rule covers need `{}` for this request", req.need),
    }
}

impl<'a, 's> Engine<'a, 's> {
    #[inline]
    fn desk(&self, d: DeskIx) -> Option<&'a Desk> {
        self.org.desks.get(d as usize)
    }

    /// Evaluate rules at `positions` (ascending evaluation order) on the request's values,
    /// calling `note` with each verdict (and whether a true rule's constraints need a
    /// missing fact).
    pub(crate) fn decide_with(
        &self,
        req: &Request,
        facts: &Facts<'_>,
        positions: impl Iterator<Item = u32>,
        mut note: impl FnMut(u32, Tri, bool),
    ) -> Decision {
        let mut unknown: SmallVec<[u32; 4]> = SmallVec::new();
        let conds = &self.comp.rule_index.conds;
        for pos in positions {
            let Some(verdict) = conds.eval(pos, facts) else {
                continue;
            };
            match verdict {
                Tri::True => {
                    let Some(r) = self.comp.rules.get(pos as usize) else {
                        continue;
                    };
                    if constraint_facts_missing(r, req).next().is_some() {
                        note(pos, Tri::True, true);
                        return Decision::NeedsInfo {
                            unknown,
                            needing: Some(pos),
                        };
                    }
                    note(pos, Tri::True, false);
                    if unknown.is_empty() {
                        return Decision::Rule(pos as usize);
                    }
                    return Decision::NeedsInfo {
                        unknown,
                        needing: None,
                    };
                }
                Tri::Unknown => {
                    note(pos, Tri::Unknown, false);
                    unknown.push(pos);
                }
                Tri::False => note(pos, Tri::False, false),
            }
        }
        if unknown.is_empty() {
            Decision::NoRule
        } else {
            Decision::NeedsInfo {
                unknown,
                needing: None,
            }
        }
    }

    /// The questions for a NeedsInfo decision, in order of first appearance.
    pub(crate) fn questions(
        &self,
        req: &Request,
        values: &Facts<'_>,
        unknown: &[u32],
        needing: Option<u32>,
    ) -> Vec<Question> {
        let index = &self.comp.rule_index;
        let mut slots: Vec<u32> = Vec::new();
        for &pos in unknown {
            index.conds.eval_missing(pos, values, &mut slots);
        }
        let mut facts: Vec<FactRef> = slots
            .into_iter()
            .filter_map(|s| index.symbols.fact(s))
            .collect();
        if let Some(r) = needing.and_then(|p| self.comp.rules.get(p as usize)) {
            for f in constraint_facts_missing(r, req) {
                if !facts.contains(f) {
                    facts.push(f.clone());
                }
            }
        }
        facts.iter().map(|f| question(self.rules, f)).collect()
    }

    /// The deciding rule's demands resolved against the request.
    pub(crate) fn query<'r>(&self, req: &'r Request, pos: usize) -> Option<Query<'a, 'r>>
    where
        'a: 'r,
    {
        let crule = self.comp.rules.get(pos)?;
        let rule = self.rules.rules.get(pos)?;
        let language = crule.language.as_ref().and_then(|s| source_value(s, req));
        let desk_site = crule.desk_site.as_ref().and_then(|s| source_value(s, req));
        let desk_site_ix = desk_site
            .as_deref()
            .map(|s| self.org.site_ix.get(s).copied());
        let site = match (crule.site, desk_site_ix) {
            (None, None) => SiteFilter::Any,
            (Some(a), None) => SiteFilter::Only(a),
            (None, Some(Some(b))) => SiteFilter::Only(b),
            (Some(a), Some(Some(b))) if a == b => SiteFilter::Only(a),
            _ => SiteFilter::Nowhere,
        };
        let language_bit = language
            .as_deref()
            .and_then(|l| self.comp.language_bit(l))
            .unwrap_or(0);
        Some(Query {
            rule,
            crule,
            site,
            desk_site,
            language,
            language_bit,
            scope: crule.unit.map(|u| self.comp.units.interval(u)),
        })
    }

    /// Why the desk fails the rule's demands other than capability, travel and hours.
    #[inline]
    fn static_fail(&self, d: DeskIx, h: &DeskHot, q: &Query<'_, '_>) -> Option<Fail> {
        if h.authority < q.crule.min_authority {
            return Some(Fail::Authority);
        }
        if let Some((a, b)) = q.scope {
            if h.unit_pre < a || h.unit_pre > b {
                return Some(Fail::Unit);
            }
        }
        if !q.site.allows(h.site) {
            return Some(Fail::Site);
        }
        if let Some(l) = q.language.as_deref() {
            let speaks = h.languages & q.language_bit != 0
                || (h.languages & MORE_LANGUAGES != 0
                    && self
                        .desk(d)
                        .is_some_and(|x| x.languages.iter().any(|y| y.as_str() == l)));
            if !speaks {
                return Some(Fail::Language);
            }
        }
        None
    }

    /// Does the desk meet the rule's demands other than capability, travel and hours?
    #[inline]
    pub(crate) fn static_ok(&self, d: DeskIx, q: &Query<'_, '_>) -> bool {
        self.static_fail(d, &self.comp.hot(d), q).is_none()
    }

    /// The candidate verdict for a static failure.
    fn static_verdict(
        &self,
        d: DeskIx,
        h: &DeskHot,
        q: &Query<'_, '_>,
    ) -> Option<CandidateVerdict> {
        Some(match self.static_fail(d, h, q)? {
            Fail::Authority => CandidateVerdict::AuthorityTooLow {
                has: h.authority,
                needs: q.crule.min_authority,
            },
            Fail::Unit => CandidateVerdict::OutOfScope {
                unit: q.rule.unit.clone().unwrap_or_else(|| Id::from("?")),
            },
            Fail::Site => CandidateVerdict::WrongSite {
                site: match (q.crule.site, &q.rule.site) {
                    (Some(s), Some(id)) if s != h.site => id.clone(),
                    _ => Id::from(q.site_name().unwrap_or("?")),
                },
            },
            Fail::Language => CandidateVerdict::WrongLanguage {
                language: Id::from(q.language.as_deref().unwrap_or("?")),
            },
        })
    }

    /// Does the desk offer the rule's capability now? `base`: it does in the org file.
    #[inline]
    pub(crate) fn offers(&self, d: DeskIx, base: bool, cap: Option<SymIx>) -> bool {
        !base || cap.is_none_or(|c| !self.status.removed(d, c))
    }

    #[inline]
    pub(crate) fn travel(&self, ctx: &Ctx<'_>, site: SiteIx) -> Option<u32> {
        match ctx.origin {
            None => Some(0),
            Some(o) => self.comp.travel(o, site),
        }
    }

    #[inline]
    pub(crate) fn arrival(&self, ctx: &Ctx<'_>, travel: u32) -> Option<Arrival> {
        let start = ctx.start?;
        if travel == 0 {
            return Some(start);
        }
        let utc = start.utc + i64::from(travel) * 60;
        Some(Arrival {
            utc,
            local: self.comp.zone.local_secs(utc),
            nanos: start.nanos,
        })
    }

    /// A group's rows as (desk, search fields).
    #[inline]
    fn rows<'x>(
        &'x self,
        rows: &'x [Row],
        site: SiteIx,
    ) -> impl Iterator<Item = (DeskIx, DeskHot)> + 'x {
        rows.iter()
            .map(move |r| (r.desk, self.comp.row_hot(r, site)))
    }

    /// Desks by index as (desk, search fields).
    #[inline]
    fn ixs<'x>(&'x self, ixs: &'x [DeskIx]) -> impl Iterator<Item = (DeskIx, DeskHot)> + 'x {
        ixs.iter().map(move |&d| (d, self.comp.hot(d)))
    }

    #[inline]
    fn schedule(&self, h: &DeskHot) -> Option<&'a Hours> {
        self.comp.schedules.get(h.schedule as usize)
    }

    /// Is the desk open when the customer arrives? Without a time only open-ended status
    /// closures count.
    #[inline]
    pub(crate) fn open_on_arrival(&self, d: DeskIx, h: &DeskHot, arr: Option<&Arrival>) -> bool {
        if let Some(c) = self.status.closure(d) {
            if c.closed_at(arr.map(Arrival::instant)) {
                return false;
            }
        }
        match arr {
            None => true,
            Some(a) => self.schedule_open(h.schedule, a),
        }
    }

    /// Are the hours of schedule `schedule` open at the arrival (status aside)?
    #[inline]
    fn schedule_open(&self, schedule: u32, a: &Arrival) -> bool {
        self.comp
            .schedules
            .get(schedule as usize)
            .is_none_or(|hours| hours.is_always() || hours.is_open_secs(a.local))
    }

    /// When a desk closed on arrival opens, within the hours' look-ahead.
    pub(crate) fn next_opening(&self, d: DeskIx, h: &DeskHot, arr: &Arrival) -> Option<Later<'s>> {
        let instant = arr.instant();
        let mut from = instant;
        let mut reason = None;
        if let Some(c) = self.status.closure(d) {
            if c.closed_at(Some(instant)) {
                reason = c.reason.as_deref();
                from = from.max(c.until?);
            }
        }
        let from_local = if from == instant {
            arr.local_time()
        } else {
            self.comp.zone.to_local(from)
        };
        let opens_local = match self.schedule(h) {
            Some(hours) => hours.next_open(from_local)?,
            None => from_local,
        };
        let opens = if opens_local == from_local {
            from
        } else {
            self.comp.zone.local_to_instant(opens_local).max(from)
        };
        Some(Later {
            opens,
            opens_local,
            reason,
        })
    }

    /// Scan desks at one travel distance for the best open one. `sorted`: the desks are in
    /// (org wait, id) order, so the scan can stop early when no wait is overridden.
    #[allow(clippy::too_many_arguments)]
    fn scan(
        &self,
        ctx: &Ctx<'_>,
        q: &Query<'_, '_>,
        desks: impl Iterator<Item = (DeskIx, DeskHot)>,
        travel: u32,
        base: bool,
        sorted: bool,
        best: &mut Option<Pick>,
    ) {
        let stop_early = sorted && !self.status.has_wait_overrides();
        let mut arr: Option<Option<Arrival>> = None;
        for (d, h) in desks {
            if let Some(b) = best {
                if stop_early && (travel.saturating_add(h.wait), h.rank) >= (b.cost, b.rank) {
                    break;
                }
            }
            let wait = self.status.wait(d, h.wait);
            let cost = travel.saturating_add(wait);
            if best.is_some_and(|b| (cost, h.rank) >= (b.cost, b.rank)) {
                continue;
            }
            if !self.offers(d, base, q.crule.capability) || self.static_fail(d, &h, q).is_some() {
                continue;
            }
            let a = *arr.get_or_insert_with(|| self.arrival(ctx, travel));
            if !self.open_on_arrival(d, &h, a.as_ref()) {
                continue;
            }
            *best = Some(Pick {
                desk: d,
                site: h.site,
                wait,
                travel,
                cost,
                rank: h.rank,
                arrival: a,
            });
        }
    }

    /// The best open candidate: least travel + wait, then desk id.
    fn pick_open(&self, ctx: &Ctx<'_>, q: &Query<'_, '_>) -> Option<Pick> {
        let mut best: Option<Pick> = None;
        let caps = &self.comp.caps;
        // Desks whose smallest org-file wait is `min_wait` cannot beat the best when travel
        // plus that exceeds the best cost (waits can only be bounded this way when no
        // status update overrides one).
        let floor = |min_wait: u32| {
            if self.status.has_wait_overrides() {
                0
            } else {
                min_wait
            }
        };
        if let Some(desks) = self.scoped_desks(q) {
            for (d, h) in desks {
                if let Some(t) = self.travel(ctx, h.site) {
                    self.scan(ctx, q, std::iter::once((d, h)), t, true, false, &mut best);
                }
            }
        } else if let Some(cap) = q.crule.view {
            match q.site {
                SiteFilter::Nowhere => {}
                SiteFilter::Only(s) => {
                    if let Some(t) = self.travel(ctx, s) {
                        self.scan(
                            ctx,
                            q,
                            self.rows(caps.at_site(cap, s), s),
                            t,
                            true,
                            true,
                            &mut best,
                        );
                    }
                }
                SiteFilter::Any => match ctx.origin {
                    None => {
                        // Every desk is reached at once: read them in (wait, id) order, which
                        // usually finds the best within a few. When the first ones are all
                        // closed or unsuitable (at night, say), read the rest schedule by
                        // schedule, skipping the schedules closed then: a customer without
                        // a site arrives at once, so a closed schedule's desks are all
                        // closed (a status update can close a desk, never open it).
                        let all = caps.all(cap);
                        let (first, rest) = all.split_at(all.len().min(NO_SITE_BY_WAIT));
                        self.scan(ctx, q, self.ixs(first), 0, true, true, &mut best);
                        if best.is_some() {
                            self.scan(ctx, q, self.ixs(rest), 0, true, true, &mut best);
                        } else if !rest.is_empty() {
                            for s in caps.segments(cap) {
                                if best.is_some_and(|b| floor(s.min_wait) > b.cost) {
                                    break;
                                }
                                let closed = ctx
                                    .start
                                    .is_some_and(|a| !self.schedule_open(s.schedule, &a));
                                if !closed {
                                    let desks = self.ixs(caps.segment(s));
                                    self.scan(ctx, q, desks, 0, true, true, &mut best);
                                }
                            }
                        }
                    }
                    Some(o) => {
                        let groups = caps.groups(cap);
                        let reach = self.comp.by_travel.get(o as usize).map_or(&[][..], |v| v);
                        // Scan site group `i`, reached after `t` minutes, unless it cannot
                        // beat the best or none of its desks can meet the rule's demands.
                        let visit = |i: usize, g: &Group, t: u32, best: &mut Option<Pick>| {
                            if best.is_some_and(|b| t.saturating_add(floor(g.min_wait)) > b.cost)
                                || !self.may_pass(q, cap, i, g)
                            {
                                return;
                            }
                            let rows = self.rows(caps.desks(g), g.site);
                            self.scan(ctx, q, rows, t, true, true, best);
                        };
                        if groups.len() < reach.len() {
                            for (i, g) in groups.iter().enumerate() {
                                if let Some(t) = self.comp.travel(o, g.site) {
                                    visit(i, g, t, &mut best);
                                }
                            }
                        } else {
                            for &(t, s) in reach {
                                if best.is_some_and(|b| t > b.cost) {
                                    break;
                                }
                                if let Some(i) = caps.group_ix(cap, s) {
                                    if let Some(g) = groups.get(i) {
                                        visit(i, g, t, &mut best);
                                    }
                                }
                            }
                        }
                    }
                },
            }
        }
        for &d in self.status.added(&q.rule.capability) {
            let h = self.comp.hot(d);
            if let Some(t) = self.travel(ctx, h.site) {
                self.scan(ctx, q, std::iter::once((d, h)), t, false, false, &mut best);
            }
        }
        best
    }

    /// Every desk offering the capability in the org file or by status (`true`: in the
    /// file), whatever its other properties.
    fn offering<'q>(&self, q: &'q Query<'_, '_>) -> impl Iterator<Item = (DeskIx, bool)> + 'q
    where
        'a: 'q,
        's: 'q,
    {
        let base = q
            .crule
            .capability
            .map_or(&[][..], |c| self.comp.caps.all(c));
        base.iter().map(|&d| (d, true)).chain(
            self.status
                .added(&q.rule.capability)
                .iter()
                .map(|&d| (d, false)),
        )
    }

    /// Every desk offering (or offered, in the file) the capability at the rule's site
    /// that can be reached from the request's site, with its travel, through the indexes.
    /// The desks of one site come in (org wait, id) order; `f` returns false to skip the
    /// rest of them.
    fn for_each_reachable(
        &self,
        ctx: &Ctx<'_>,
        q: &Query<'_, '_>,
        mut f: impl FnMut(DeskIx, DeskHot, u32, bool) -> bool,
    ) {
        let caps = &self.comp.caps;
        if let Some(desks) = self.scoped_desks(q) {
            for (d, h) in desks {
                if let Some(t) = self.travel(ctx, h.site) {
                    f(d, h, t, true);
                }
            }
        } else if let Some(cap) = q.crule.view {
            let mut group = |desks: &mut dyn Iterator<Item = (DeskIx, DeskHot)>, t: u32| {
                for (d, h) in desks {
                    if !f(d, h, t, true) {
                        break;
                    }
                }
            };
            match q.site {
                SiteFilter::Nowhere => {}
                SiteFilter::Only(s) => {
                    if let Some(t) = self.travel(ctx, s) {
                        group(&mut self.rows(caps.at_site(cap, s), s), t);
                    }
                }
                SiteFilter::Any => match ctx.origin {
                    None => group(&mut self.ixs(caps.all(cap)), 0),
                    Some(o) => {
                        let groups = caps.groups(cap);
                        let reach = self.comp.by_travel.get(o as usize).map_or(&[][..], |v| v);
                        let mut visit = |i: usize, g: &Group, t: u32| {
                            if self.may_pass(q, cap, i, g) {
                                group(&mut self.rows(caps.desks(g), g.site), t);
                            }
                        };
                        if groups.len() < reach.len() {
                            for (i, g) in groups.iter().enumerate() {
                                if let Some(t) = self.comp.travel(o, g.site) {
                                    visit(i, g, t);
                                }
                            }
                        } else {
                            for &(t, s) in reach {
                                if let Some(i) = caps.group_ix(cap, s) {
                                    if let Some(g) = groups.get(i) {
                                        visit(i, g, t);
                                    }
                                }
                            }
                        }
                    }
                },
            }
        }
        for &d in self.status.added(&q.rule.capability) {
            let h = self.comp.hot(d);
            if !q.site.allows(h.site) {
                continue;
            }
            if let Some(t) = self.travel(ctx, h.site) {
                f(d, h, t, false);
            }
        }
    }

    /// When nothing is open on arrival: the candidate that can serve the customer soonest
    /// (opening + wait), then least cost, then desk id.
    fn pick_soonest(&self, ctx: &Ctx<'_>, q: &Query<'_, '_>) -> Option<(Pick, Later<'s>)> {
        // (serves at as (seconds, nanoseconds) since 1970, pick, opening).
        let mut best: Option<((i64, u32), Pick, Later<'s>)> = None;
        // Desks with the same schedule reached after the same travel open at the same time.
        let mut memo: Vec<(u32, u32, Option<Later<'s>>)> = Vec::new();
        // Without overridden waits, a site's desks come in wait order: once arriving plus
        // the wait is after the best service, no later desk there can serve sooner.
        let sorted = !self.status.has_wait_overrides();
        self.for_each_reachable(ctx, q, |d, h, travel, base| {
            let Some(arr) = self.arrival(ctx, travel) else {
                return false;
            };
            if let Some(b) = &best {
                // Arriving after the best candidate serves: it cannot serve sooner.
                if (arr.utc, arr.nanos) > b.0 {
                    return false;
                }
                if sorted && (arr.utc + i64::from(h.wait) * 60, arr.nanos) > b.0 {
                    return false;
                }
            }
            if !self.offers(d, base, q.crule.capability) || self.static_fail(d, &h, q).is_some() {
                return true;
            }
            let plain = self
                .status
                .closure(d)
                .is_none_or(|c| !c.closed_at(Some(arr.instant())));
            let later = if plain {
                match memo.iter().find(|m| m.0 == h.schedule && m.1 == travel) {
                    Some(m) => m.2.clone(),
                    None => {
                        let l = self.next_opening(d, &h, &arr);
                        memo.push((h.schedule, travel, l.clone()));
                        l
                    }
                }
            } else {
                self.next_opening(d, &h, &arr)
            };
            let Some(later) = later else {
                return true;
            };
            let wait = self.status.wait(d, h.wait);
            let serve = plus_minutes(later.opens, wait);
            let serve = (serve.timestamp(), serve.timestamp_subsec_nanos());
            let pick = Pick {
                desk: d,
                site: h.site,
                wait,
                travel,
                cost: travel.saturating_add(wait),
                rank: h.rank,
                arrival: Some(arr),
            };
            if best
                .as_ref()
                .is_none_or(|b| (serve, pick.cost, pick.rank) < (b.0, b.1.cost, b.1.rank))
            {
                best = Some((serve, pick, later));
            }
            true
        });
        best.map(|(_, p, l)| (p, l))
    }

    /// How far the desks offering the capability got through the filters, as far as the
    /// gap tells: [`Stage::Reachable`] (a desk meets every demand and can be reached, so,
    /// as this is only asked when no candidate can serve the customer, it is closed until
    /// further notice), [`Stage::Language`] (one meets every demand but none can be
    /// reached), or [`Stage::Capability`] for every earlier stop (the gap reads them
    /// alike; the reference resolver tells them apart).
    fn stage(&self, ctx: &Ctx<'_>, q: &Query<'_, '_>) -> Stage {
        let meets = |d: DeskIx, h: &DeskHot, base: bool| {
            self.offers(d, base, q.crule.capability) && self.static_fail(d, h, q).is_none()
        };
        let mut reachable = false;
        self.for_each_reachable(ctx, q, |d, h, _, base| {
            reachable = reachable || meets(d, &h, base);
            !reachable
        });
        if reachable {
            return Stage::Reachable;
        }
        // Does any desk meet every demand, reachable or not? Only site groups whose
        // summary allows it are read; a rule scoped to one site reads that site's group.
        let caps = &self.comp.caps;
        let scoped = self
            .scoped_desks(q)
            .map(|mut desks| desks.any(|(d, h)| meets(d, &h, true)));
        let found = scoped.unwrap_or_else(|| {
            q.crule.capability.is_some_and(|c| {
                let group = |i: usize| {
                    caps.groups(c).get(i).is_some_and(|g| {
                        self.may_pass(q, c, i, g)
                            && self
                                .rows(caps.desks(g), g.site)
                                .any(|(d, h)| meets(d, &h, true))
                    })
                };
                // What the capability's desks have at best, all sites together, first.
                let possible = caps
                    .summary(c)
                    .is_some_and(|sum| Self::summary_allows(q, true, sum));
                possible
                    && match q.site {
                        SiteFilter::Nowhere => false,
                        SiteFilter::Only(s) => caps.group_ix(c, s).is_some_and(group),
                        SiteFilter::Any => (0..caps.groups(c).len()).any(group),
                    }
            })
        }) || self
            .status
            .added(&q.rule.capability)
            .iter()
            .any(|&d| meets(d, &self.comp.hot(d), false));
        if found {
            Stage::Language
        } else {
            Stage::Capability
        }
    }

    /// The desks of the rule's unit scope that offer its capability in the file, when the
    /// scope holds few enough desks that reading them beats reading the capability's site
    /// groups (whose desks a scope cuts across).
    fn scoped_desks<'q>(
        &'q self,
        q: &Query<'_, '_>,
    ) -> Option<impl Iterator<Item = (DeskIx, DeskHot)> + 'q> {
        let c = q.crule.capability?;
        let desks = self.comp.unit_desks.within(q.scope?);
        if desks.len() > SCOPED_DESKS_AT_MOST
            || desks.len() * SCOPED_DESKS_SHARE >= self.comp.caps.all(c).len()
        {
            return None;
        }
        Some(
            desks
                .iter()
                .filter(move |&&d| self.org.capability_ixs(d).contains(&c))
                .map(move |&d| (d, self.comp.hot(d))),
        )
    }

    /// Can any desk of site group `i` of entry `v` meet the rule's demands other than
    /// capability, travel and hours? False only when the group's [`Summary`] rules it out
    /// (groups of capabilities offered at few sites have none).
    #[inline]
    fn may_pass(&self, q: &Query<'_, '_>, v: View, i: usize, g: &Group) -> bool {
        self.comp
            .caps
            .summaries(v)
            .get(i)
            .is_none_or(|sum| Self::summary_allows(q, q.site.allows(g.site), sum))
    }

    /// Might some desk summed up by `sum` meet the rule's demands other than capability,
    /// travel and hours? `site_ok`: some of them are at a site the rule allows.
    fn summary_allows(q: &Query<'_, '_>, site_ok: bool, sum: &Summary) -> bool {
        sum.max_authority >= q.crule.min_authority
            && q.scope
                .is_none_or(|(a, b)| sum.unit_hi >= a && sum.unit_lo <= b)
            && site_ok
            && (q.language.is_none() || sum.may_speak(q.language_bit))
    }

    fn gap(&self, ctx: &Ctx<'_>, q: &Query<'_, '_>) -> Gap {
        let stage = self.stage(ctx, q);
        let origin = ctx
            .origin
            .and_then(|o| self.org.sites.get(o as usize))
            .map(|s| s.id.as_str());
        gap_for(
            ctx.req,
            q.rule,
            q.site_name(),
            q.language.as_deref(),
            origin,
            stage,
        )
    }

    /// The answer for desk `d` at `site` with today's `wait`: references into the
    /// organization, none of them read here (a cold desk costs no cache miss until the
    /// caller looks at it).
    fn assignment(
        &self,
        ctx: &Ctx<'_>,
        d: DeskIx,
        (site, wait): (SiteIx, u32),
        travel: u32,
        opening: Opening,
        rule: &'a Rule,
    ) -> Option<AssignmentRef<'a>> {
        let desk = self.desk(d)?;
        let site = self.org.sites.get(site as usize)?;
        Some(AssignmentRef {
            desk,
            site,
            travel_minutes: ctx.origin.map(|_| travel),
            wait_minutes: wait,
            cost_minutes: travel.saturating_add(wait),
            opening,
            rule,
        })
    }

    /// [`Engine::assignment`] for a desk known by index only: its site and wait read
    /// from the search fields.
    fn assignment_of(
        &self,
        ctx: &Ctx<'_>,
        d: DeskIx,
        travel: u32,
        opening: Opening,
        rule: &'a Rule,
    ) -> Option<AssignmentRef<'a>> {
        let h = self.comp.hot(d);
        let wait = self.status.wait(d, h.wait);
        self.assignment(ctx, d, (h.site, wait), travel, opening, rule)
    }

    fn opening_open(arrival: Option<Arrival>) -> Opening {
        match arrival {
            None => Opening::Unknown,
            Some(a) => Opening::Open {
                arrival: a.local_time(),
            },
        }
    }

    fn opening_later(arrival: Option<Arrival>, later: &Later<'_>) -> Opening {
        match arrival {
            None => Opening::Unknown,
            Some(a) => Opening::OpensLater {
                arrival: a.local_time(),
                opens: later.opens_local,
                reason: later.reason.map(str::to_owned),
            },
        }
    }

    /// The duty desk an escalation goes to: the nearest open one up the chain of command
    /// from `owner`; if none is open, the one that serves soonest (then the nearest).
    fn duty_desk(&self, ctx: &Ctx<'_>, owner: Option<UnitIx>) -> Option<(DeskIx, u32, Opening)> {
        let mut unit = owner;
        let mut seen: SmallVec<[DeskIx; 8]> = SmallVec::new();
        let mut soonest: Option<(DateTime<Utc>, DeskIx, u32, Later<'s>, Arrival)> = None;
        let mut steps = 0;
        while let Some(u) = unit {
            steps += 1;
            let Some(unit_ref) = self.org.units.get(u as usize) else {
                break;
            };
            if steps > self.org.units.len() {
                break;
            }
            unit = unit_ref.parent_ix;
            let Some(d) = unit_ref.duty_desk_ix else {
                continue;
            };
            if seen.contains(&d) {
                continue;
            }
            seen.push(d);
            let h = self.comp.hot(d);
            let Some(travel) = self.travel(ctx, h.site) else {
                continue;
            };
            let arr = self.arrival(ctx, travel);
            if self.open_on_arrival(d, &h, arr.as_ref()) {
                return Some((d, travel, Self::opening_open(arr)));
            }
            if let Some(a) = &arr {
                if let Some(later) = self.next_opening(d, &h, a) {
                    let serve = plus_minutes(later.opens, self.status.wait(d, h.wait));
                    if soonest.as_ref().is_none_or(|s| serve < s.0) {
                        soonest = Some((serve, d, travel, later, *a));
                    }
                }
            }
        }
        soonest.map(|(_, d, travel, later, a)| {
            let opening = Self::opening_later(Some(a), &later);
            (d, travel, opening)
        })
    }

    /// Escalated to a duty desk, or NoDesk naming the gap.
    fn escalate(&self, ctx: &Ctx<'_>, q: &Query<'a, '_>) -> OutcomeRef<'a> {
        let gap = self.gap(ctx, q);
        match self
            .duty_desk(ctx, q.crule.owner)
            .and_then(|(d, travel, opening)| self.assignment_of(ctx, d, travel, opening, q.rule))
        {
            Some(to) => OutcomeRef::Escalated { to, gap },
            None => OutcomeRef::NoDesk { gap },
        }
    }

    /// Resolve through the indexes, with the request's values already read; the explanation
    /// names the deciding rule only.
    #[inline]
    pub(crate) fn resolve(&self, ctx: &Ctx<'_>, facts: &Facts<'_>) -> ResolutionRef<'a> {
        let lists = self.comp.rule_index.lists_for(facts);
        let decision = self.decide_with(ctx.req, facts, Merge::new(lists), |_, _, _| {});
        self.answer(ctx.req, facts, decision, |q| self.route(ctx, q))
    }

    /// The answer to a decision: the questions, the gap of no rule, or what `route` makes
    /// of the deciding rule.
    #[inline]
    fn answer(
        &self,
        req: &Request,
        facts: &Facts<'_>,
        decision: Decision,
        route: impl FnOnce(&Query<'a, '_>) -> OutcomeRef<'a>,
    ) -> ResolutionRef<'a> {
        let no_rule = || OutcomeRef::NoDesk {
            gap: no_rule_gap(req),
        };
        let (outcome, rule) = match decision {
            Decision::NeedsInfo { unknown, needing } => (
                OutcomeRef::NeedsInfo {
                    questions: self.questions(req, facts, &unknown, needing),
                },
                None,
            ),
            Decision::NoRule => (no_rule(), None),
            Decision::Rule(pos) => match self.query(req, pos) {
                None => (no_rule(), None),
                Some(q) => (route(&q), Some(q.rule)),
            },
        };
        ResolutionRef { outcome, rule }
    }

    /// Pick the desk for a decided rule, or escalate.
    #[inline]
    fn route(&self, ctx: &Ctx<'_>, q: &Query<'a, '_>) -> OutcomeRef<'a> {
        if let Some(p) = self.pick_open(ctx, q) {
            let opening = Self::opening_open(p.arrival);
            if let Some(a) =
                self.assignment(ctx, p.desk, (p.site, p.wait), p.travel, opening, q.rule)
            {
                return OutcomeRef::Routed(a);
            }
        }
        if ctx.start.is_some() {
            if let Some((p, later)) = self.pick_soonest(ctx, q) {
                let opening = Self::opening_later(p.arrival, &later);
                if let Some(a) =
                    self.assignment(ctx, p.desk, (p.site, p.wait), p.travel, opening, q.rule)
                {
                    return OutcomeRef::Routed(a);
                }
            }
        }
        self.escalate(ctx, q)
    }

    /// Resolve with every rule's and every candidate's verdict.
    pub(crate) fn explain(&self, ctx: &Ctx<'_>, facts: &Facts<'_>) -> Resolution {
        let req = ctx.req;
        let mut notes: Vec<RuleNote> = Vec::new();
        let n = self.comp.rules.len() as u32;
        let decision = self.decide_with(req, facts, 0..n, |pos, tri, needing| {
            if let (Some(r), Some(c)) = (
                self.rules.rules.get(pos as usize),
                self.comp.rules.get(pos as usize),
            ) {
                // The condition as a tree, compiled here: an explanation is rare, and the
                // router keeps only the flat form it evaluates.
                let when = Cond::compile(&r.when);
                notes.push(crate::explain::why::rule_note(
                    r, c, &when, req, tri, needing,
                ));
            }
        });
        let mut candidates = Vec::new();
        let mut res = self
            .answer(req, facts, decision, |q| {
                let (outcome, judged) = self.route_explained(ctx, q);
                candidates = judged;
                outcome
            })
            .to_resolution();
        res.explanation.rules = notes;
        res.explanation.candidates = candidates;
        res
    }

    /// As [`Engine::route`], judging every desk that offers (or offered) the capability.
    fn route_explained(
        &self,
        ctx: &Ctx<'_>,
        q: &Query<'a, '_>,
    ) -> (OutcomeRef<'a>, Vec<CandidateNote>) {
        struct Row<'s> {
            desk: DeskIx,
            cost: Option<u32>,
            travel: u32,
            verdict: Option<CandidateVerdict>,
            arrival: Option<Arrival>,
            later: Option<Later<'s>>,
            open: bool,
            serve: Option<DateTime<Utc>>,
        }
        let mut rows: Vec<Row<'s>> = Vec::new();
        for (d, base) in self.offering(q) {
            let h = self.comp.hot(d);
            let mut row = Row {
                desk: d,
                cost: None,
                travel: 0,
                verdict: None,
                arrival: None,
                later: None,
                open: false,
                serve: None,
            };
            if !self.offers(d, base, q.crule.capability) {
                row.verdict = Some(CandidateVerdict::MissingCapability);
            } else if let Some(v) = self.static_verdict(d, &h, q) {
                row.verdict = Some(v);
            } else if let Some(t) = self.travel(ctx, h.site) {
                let wait = self.status.wait(d, h.wait);
                row.travel = t;
                row.cost = Some(t.saturating_add(wait));
                row.arrival = self.arrival(ctx, t);
                row.open = self.open_on_arrival(d, &h, row.arrival.as_ref());
                if !row.open {
                    row.later = row.arrival.and_then(|a| self.next_opening(d, &h, &a));
                    row.serve = row.later.as_ref().map(|l| plus_minutes(l.opens, wait));
                }
            } else {
                row.verdict = Some(CandidateVerdict::Unreachable);
            }
            rows.push(row);
        }
        let rank = |d: DeskIx| self.comp.hot(d).rank;
        let eligible = |r: &Row<'_>| r.verdict.is_none();
        let best_open = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| eligible(r) && r.open)
            .min_by_key(|(_, r)| (r.cost, rank(r.desk)))
            .map(|(i, _)| i);
        let chosen = best_open.or_else(|| {
            rows.iter()
                .enumerate()
                .filter(|(_, r)| eligible(r) && r.serve.is_some())
                .min_by_key(|(_, r)| (r.serve, r.cost, rank(r.desk)))
                .map(|(i, _)| i)
        });
        let best_cost = chosen.and_then(|i| rows.get(i)).and_then(|r| r.cost);
        for (i, r) in rows.iter_mut().enumerate() {
            if r.verdict.is_some() {
                continue;
            }
            let closure_reason = self
                .status
                .closure(r.desk)
                .filter(|c| c.closed_at(r.arrival.map(|a| a.instant())))
                .and_then(|c| c.reason.clone());
            r.verdict = Some(if Some(i) == chosen {
                CandidateVerdict::Chosen
            } else if r.open {
                CandidateVerdict::HigherCost {
                    cost: r.cost.unwrap_or(0),
                    best: best_cost.unwrap_or(0),
                }
            } else if best_open.is_none() && r.serve.is_some() {
                CandidateVerdict::ServesLater {
                    at: r
                        .serve
                        .map(|s| self.comp.zone.to_local(s))
                        .unwrap_or_default(),
                }
            } else {
                CandidateVerdict::Closed {
                    opens: r.later.as_ref().map(|l| l.opens_local),
                    reason: closure_reason,
                }
            });
        }
        let outcome = match chosen.and_then(|i| rows.get(i)) {
            Some(r) => {
                let opening = match (&r.later, r.open) {
                    (Some(l), false) => Self::opening_later(r.arrival, l),
                    _ => Self::opening_open(r.arrival),
                };
                match self.assignment_of(ctx, r.desk, r.travel, opening, q.rule) {
                    Some(a) => OutcomeRef::Routed(a),
                    None => self.escalate(ctx, q),
                }
            }
            None => self.escalate(ctx, q),
        };
        rows.sort_by_key(|r| {
            (
                !matches!(r.verdict, Some(CandidateVerdict::Chosen)),
                r.cost.is_none(),
                r.cost,
                rank(r.desk),
            )
        });
        let notes = rows
            .into_iter()
            .filter_map(|r| {
                Some(CandidateNote {
                    desk: self.desk(r.desk)?.id.clone(),
                    cost_minutes: r.cost,
                    verdict: r.verdict?,
                })
            })
            .collect();
        (outcome, notes)
    }
}

/// The verdict word used in rule notes.
pub(crate) fn verdict_of(tri: Tri, needing: bool) -> RuleVerdict {
    match (tri, needing) {
        (Tri::True, false) => RuleVerdict::Matched,
        (Tri::False, _) => RuleVerdict::NotMatched,
        _ => RuleVerdict::Unknown,
    }
}
