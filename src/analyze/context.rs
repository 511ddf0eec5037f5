//! What every lint needs, computed once and only when a lint asks for it.

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::Options;
#[cfg(doc)]
use super::logic::Given;
use super::logic::{Dnf, FactNo, LANGUAGE, LitNo, Logic, NEED, SITE, UNIT, Vocabulary, Witness};
use super::report::Runarounds;
use crate::model::{Desk, Id, Org, OrgEdge, OrgNode};
use crate::resolve::{Request, RequestTime, Router};
use crate::rules::{Op, Rule, RuleSet, Value, ValueRef};

/// Index of a desk in [`Org::desks`].
pub(crate) type DeskIx = u32;

/// A set of site indexes (one bit each).
#[derive(Debug, Clone)]
pub(crate) struct SiteSet {
    words: Vec<u64>,
}

impl SiteSet {
    fn new(sites: usize) -> SiteSet {
        SiteSet {
            words: vec![0; sites.div_ceil(64)],
        }
    }

    fn insert(&mut self, s: usize) {
        if let Some(w) = self.words.get_mut(s / 64) {
            *w |= 1 << (s % 64);
        }
    }

    /// Is site `s` in the set?
    pub(crate) fn contains(&self, s: usize) -> bool {
        self.words
            .get(s / 64)
            .is_some_and(|w| w & (1 << (s % 64)) != 0)
    }

    /// The sites in the set, in index order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let b = w.trailing_zeros() as usize;
                    w &= w - 1;
                    i * 64 + b
                })
            })
        })
    }
}

/// The desks with one of a set of capabilities that [`Context::solver_near`] picks from:
/// the first (lowest index, file order) overall and at each site.
#[derive(Debug, Default)]
struct Solvers {
    first: Option<DeskIx>,
    at_site: rustc_hash::FxHashMap<u32, DeskIx>,
}

/// The analysis context handed to every lint.
pub(crate) struct Context<'a> {
    pub(crate) router: &'a Router,
    pub(crate) org: &'a Org,
    pub(crate) rules: &'a RuleSet,
    pub(crate) options: &'a Options,
    /// Monday of the week swept for opening hours.
    pub(crate) week: NaiveDate,
    logic: OnceCell<RuleLogic>,
    reach: OnceCell<Vec<Reach>>,
    statics: OnceCell<Statics>,
    referrals: OnceCell<Vec<NeedReferrals>>,
    weekly: OnceCell<Weekly>,
    cap_desks: OnceCell<HashMap<Id, Vec<DeskIx>>>,
    need_caps: RefCell<HashMap<Id, Vec<Id>>>,
    solvers: RefCell<HashMap<Vec<Id>, std::rc::Rc<Solvers>>>,
    value_classes: RefCell<HashMap<FactNo, std::rc::Rc<HashMap<Id, u32>>>>,
    customer_sites: OnceCell<Vec<bool>>,
    travel: OnceCell<DiGraph<u32, u32>>,
    roads: RefCell<HashMap<usize, HashMap<NodeIndex, u64>>>,
    unit_desks: OnceCell<Vec<Vec<DeskIx>>>,
    site_desks: OnceCell<Vec<Vec<DeskIx>>>,
    spoken: OnceCell<Vec<Id>>,
    pub(crate) inconclusive: RefCell<BTreeSet<Id>>,
    pub(crate) runarounds: RefCell<Option<Runarounds>>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(router: &'a Router, options: &'a Options) -> Context<'a> {
        let org = router.org();
        let week = options.week.unwrap_or_else(|| {
            let day = match options.at {
                Some(RequestTime::Local(t)) => t.date(),
                Some(RequestTime::Instant(t)) => t.with_timezone(&org.timezone()).date_naive(),
                None => chrono::Utc::now()
                    .with_timezone(&org.timezone())
                    .date_naive(),
            };
            day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
        });
        Context {
            router,
            org,
            rules: router.rules(),
            options,
            week,
            logic: OnceCell::new(),
            reach: OnceCell::new(),
            statics: OnceCell::new(),
            referrals: OnceCell::new(),
            weekly: OnceCell::new(),
            cap_desks: OnceCell::new(),
            need_caps: RefCell::new(HashMap::new()),
            solvers: RefCell::new(HashMap::new()),
            value_classes: RefCell::new(HashMap::new()),
            customer_sites: OnceCell::new(),
            travel: OnceCell::new(),
            roads: RefCell::new(HashMap::new()),
            unit_desks: OnceCell::new(),
            site_desks: OnceCell::new(),
            spoken: OnceCell::new(),
            inconclusive: RefCell::new(BTreeSet::new()),
            runarounds: RefCell::new(None),
        }
    }

    /// The desk at an index.
    pub(crate) fn desk(&self, d: DeskIx) -> Option<&'a Desk> {
        self.org.desks().get(d as usize)
    }

    /// The desk's id (empty if out of range, which does not happen).
    pub(crate) fn desk_id(&self, d: DeskIx) -> Id {
        self.desk(d)
            .map(|d| d.id.clone())
            .unwrap_or_else(|| Id::from(""))
    }

    /// Record that a rule could not be checked exactly.
    pub(crate) fn give_up(&self, rule: &Id) {
        self.inconclusive.borrow_mut().insert(rule.clone());
    }

    /// Capability → desks offering it, in file order.
    pub(crate) fn cap_desks(&self) -> &HashMap<Id, Vec<DeskIx>> {
        self.cap_desks.get_or_init(|| {
            let mut m: HashMap<Id, Vec<DeskIx>> = HashMap::new();
            for (i, d) in self.org.desks().iter().enumerate() {
                for c in &d.capabilities {
                    m.entry(c.clone()).or_default().push(i as DeskIx);
                }
            }
            m
        })
    }

    /// Desks offering a capability.
    pub(crate) fn desks_with(&self, capability: &str) -> &[DeskIx] {
        self.cap_desks()
            .get(capability)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// [`RuleLogic::value_classes`], once per fact.
    pub(crate) fn value_classes(&self, fact: FactNo) -> std::rc::Rc<HashMap<Id, u32>> {
        if let Some(c) = self.value_classes.borrow().get(&fact) {
            return c.clone();
        }
        let c = std::rc::Rc::new(self.logic().value_classes(fact));
        self.value_classes.borrow_mut().insert(fact, c.clone());
        c
    }

    /// Rule conditions in normal form, grouped by need.
    pub(crate) fn logic(&self) -> &RuleLogic {
        self.logic
            .get_or_init(|| RuleLogic::build(self.org, self.rules, self.options.cube_limit))
    }

    /// Whether each rule (in evaluation order) can decide some request.
    pub(crate) fn reach(&self) -> &[Reach] {
        self.reach.get_or_init(|| {
            let rl = self.logic();
            let rules = self.rules.rules();
            let mut out = Vec::with_capacity(rules.len());
            for (i, rule) in rules.iter().enumerate() {
                let r = rl.reach(i, self.options.search_budget);
                if r == Reach::Inconclusive {
                    self.give_up(&rule.id);
                }
                out.push(r);
            }
            out
        })
    }

    /// Rules that can decide some request (or could not be checked), in evaluation order.
    pub(crate) fn live_rules(&self) -> impl Iterator<Item = (usize, &'a Rule)> + '_ {
        let reach = self.reach();
        self.rules.rules().iter().enumerate().filter(move |(i, _)| {
            matches!(
                reach.get(*i),
                Some(Reach::Decides(_)) | Some(Reach::Inconclusive)
            )
        })
    }

    /// Distinct rule demands (signature index) with the live rules making them, in order of
    /// first rule.
    pub(crate) fn live_sigs(&self) -> Vec<(usize, Vec<usize>)> {
        let statics = self.statics();
        let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut pos: HashMap<usize, usize> = HashMap::new();
        for (r, _) in self.live_rules() {
            let Some(&s) = statics.of_rule.get(r) else {
                continue;
            };
            match pos.get(&s) {
                Some(&p) => {
                    if let Some(e) = out.get_mut(p) {
                        e.1.push(r);
                    }
                }
                None => {
                    pos.insert(s, out.len());
                    out.push((s, vec![r]));
                }
            }
        }
        out
    }

    /// The ids of rules at these evaluation indexes.
    pub(crate) fn rule_ids(&self, rules: &[usize]) -> Vec<Id> {
        rules
            .iter()
            .filter_map(|&r| self.rules.rules().get(r))
            .map(|r| r.id.clone())
            .collect()
    }

    /// A request the rule decides, when one was found.
    pub(crate) fn rule_example(&self, r: usize) -> Option<Request> {
        let rule = self.rules.rules().get(r)?;
        match self.reach().get(r)? {
            Reach::Decides(w) => Some(self.logic().request(w, &rule.capability, None)),
            _ => None,
        }
    }

    /// Sites where at least one desk is: where customers walk in.
    pub(crate) fn customer_sites(&self) -> &[bool] {
        self.customer_sites.get_or_init(|| {
            let mut out = vec![false; self.org.sites().len()];
            for d in self.org.desks() {
                if let Some(s) = out.get_mut(d.site_ix as usize) {
                    *s = true;
                }
            }
            out
        })
    }

    /// Desks of each unit (by unit index), in file order.
    pub(crate) fn unit_desks(&self, unit: u32) -> &[DeskIx] {
        self.unit_desks
            .get_or_init(|| {
                let mut out = vec![Vec::new(); self.org.units().len()];
                for (i, d) in self.org.desks().iter().enumerate() {
                    if let Some(v) = out.get_mut(d.unit_ix as usize) {
                        v.push(i as DeskIx);
                    }
                }
                out
            })
            .get(unit as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Every language some desk speaks, sorted.
    pub(crate) fn spoken(&self) -> &[Id] {
        self.spoken.get_or_init(|| {
            let mut v: Vec<Id> = self
                .org
                .desks()
                .iter()
                .flat_map(|d| d.languages.iter().cloned())
                .collect();
            v.sort();
            v.dedup();
            v
        })
    }

    /// Desks at each site (by site index), in file order.
    pub(crate) fn site_desks(&self, site: u32) -> &[DeskIx] {
        self.site_desks
            .get_or_init(|| {
                let mut out = vec![Vec::new(); self.org.sites().len()];
                for (i, d) in self.org.desks().iter().enumerate() {
                    if let Some(v) = out.get_mut(d.site_ix as usize) {
                        v.push(i as DeskIx);
                    }
                }
                out
            })
            .get(site as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The travel graph: one node per site (weight: site index, node index = site index),
    /// one edge per known travel time (weight: minutes), from the organization graph.
    fn travel(&self) -> &DiGraph<u32, u32> {
        self.travel.get_or_init(|| {
            let g = self.org.graph();
            let mut t: DiGraph<u32, u32> = DiGraph::with_capacity(self.org.sites().len(), 0);
            for i in 0..self.org.sites().len() {
                t.add_node(i as u32);
            }
            for e in g.edge_references() {
                if let (OrgEdge::Travel(m), Some(OrgNode::Site(a)), Some(OrgNode::Site(b))) = (
                    e.weight(),
                    g.node_weight(e.source()),
                    g.node_weight(e.target()),
                ) {
                    t.add_edge(NodeIndex::new(*a as usize), NodeIndex::new(*b as usize), *m);
                }
            }
            t
        })
    }

    /// Per site: can a customer there reach one of these desks (same site, or a known
    /// travel time to its site)? A bitset over the sites, set straight from the desks.
    pub(crate) fn covered_sites(&self, desks: &[DeskIx]) -> SiteSet {
        let n = self.org.sites().len();
        let mut out = SiteSet::new(n);
        let mut seen = SiteSet::new(n);
        let t = self.travel();
        for d in desks.iter().filter_map(|&d| self.desk(d)) {
            let s = d.site_ix as usize;
            if seen.contains(s) {
                continue;
            }
            seen.insert(s);
            out.insert(s);
            for from in t.neighbors_directed(NodeIndex::new(s), petgraph::Direction::Incoming) {
                out.insert(from.index());
            }
        }
        out
    }

    /// The nearest site (by known travel, over any number of legs: Dijkstra on the travel
    /// graph, once per starting site) holding one of these desks, with the minutes.
    pub(crate) fn nearest_by_road(&self, from: usize, desks: &[DeskIx]) -> Option<(Id, u32)> {
        let t = self.travel();
        if from >= t.node_count() {
            return None;
        }
        let mut roads = self.roads.borrow_mut();
        let dist = roads.entry(from).or_insert_with(|| {
            petgraph::algo::dijkstra(t, NodeIndex::new(from), None, |e| u64::from(*e.weight()))
                .into_iter()
                .collect()
        });
        desks
            .iter()
            .filter_map(|&d| self.desk(d))
            .filter_map(|d| {
                dist.get(&NodeIndex::new(d.site_ix as usize))
                    .map(|m| (*m, d.site.clone()))
            })
            .min()
            .map(|(m, s)| (s, u32::try_from(m).unwrap_or(u32::MAX)))
    }

    /// The site id at an index.
    pub(crate) fn site_id(&self, s: usize) -> Id {
        self.org
            .sites()
            .get(s)
            .map(|s| s.id.clone())
            .unwrap_or_else(|| Id::from(""))
    }

    /// Static candidate desks of each rule.
    pub(crate) fn statics(&self) -> &Statics {
        self.statics.get_or_init(|| Statics::build(self))
    }

    /// Today's referrals, one graph per need, sorted by need.
    pub(crate) fn referrals(&self) -> &[NeedReferrals] {
        self.referrals
            .get_or_init(|| NeedReferrals::build(self.org))
    }

    /// Compiled weekly hours.
    pub(crate) fn weekly(&self) -> &Weekly {
        self.weekly
            .get_or_init(|| Weekly::build(self.org, self.week))
    }

    /// The capabilities that can solve a need: those of the rules that can be TRUE for
    /// it, or the need itself when no rule can.
    pub(crate) fn need_caps(&self, need: &Id) -> Vec<Id> {
        if let Some(v) = self.need_caps.borrow().get(need) {
            return v.clone();
        }
        let rl = self.logic();
        let mut caps: Vec<Id> = Vec::new();
        let pins: Vec<Dnf> = rl.eq(NEED, need).into_iter().collect();
        for r in rl.for_need(need) {
            let Some(rule) = self.rules.rules().get(r) else {
                continue;
            };
            // Could not tell: assume it can (no false dead ends).
            if rl.can_match(r, &pins, self.options.search_budget) != Some(false)
                && !caps.contains(&rule.capability)
            {
                caps.push(rule.capability.clone());
            }
        }
        if caps.is_empty() {
            caps.push(need.clone());
        }
        self.need_caps
            .borrow_mut()
            .insert(need.clone(), caps.clone());
        caps
    }

    /// A desk with one of these capabilities, preferring one at the site with index `site`,
    /// then file order.
    /// The first desk overall and per site are computed once per set of capabilities.
    pub(crate) fn solver_near(&self, caps: &[Id], site: Option<u32>) -> Option<&'a Desk> {
        let table = {
            let cached = self.solvers.borrow().get(caps).cloned();
            match cached {
                Some(t) => t,
                None => {
                    let mut t = Solvers::default();
                    for &d in caps.iter().flat_map(|c| self.desks_with(c)) {
                        let Some(desk) = self.desk(d) else { continue };
                        t.first = Some(t.first.map_or(d, |f| f.min(d)));
                        t.at_site
                            .entry(desk.site_ix)
                            .and_modify(|f| *f = (*f).min(d))
                            .or_insert(d);
                    }
                    let t = std::rc::Rc::new(t);
                    self.solvers
                        .borrow_mut()
                        .insert(caps.to_vec(), std::rc::Rc::clone(&t));
                    t
                }
            }
        };
        site.and_then(|s| table.at_site.get(&s))
            .or(table.first.as_ref())
            .and_then(|&d| self.desk(d))
    }

    /// Can this desk solve the need (has one of its capabilities)?
    pub(crate) fn can_solve(&self, d: DeskIx, caps: &[Id]) -> bool {
        self.desk(d)
            .is_some_and(|d| d.capabilities.iter().any(|c| caps.contains(c)))
    }

    /// A request for `need` made at `site` that the rules decide, preferring one decided by
    /// a rule demanding `prefer`; `None` when no rule can decide that need there.
    pub(crate) fn example_request(
        &self,
        need: &Id,
        site: Option<&Id>,
        prefer: Option<&Id>,
    ) -> Option<(Request, Id)> {
        let rl = self.logic();
        let need_dnf: Option<Dnf> = rl.eq(NEED, need);
        let site_dnf: Option<Dnf> = site.and_then(|s| rl.eq(SITE, s));
        let candidates = rl.for_need(need);
        // Earlier rules must be FALSE, not only not TRUE: UNKNOWN ones hold the request.
        // Without a `need` literal to pin the need, the witness may pick another need:
        // then every earlier rule counts.
        let live = if need_dnf.is_some() {
            rl.live_for(need)
        } else {
            (0..rl.pos.len()).collect()
        };
        let mut first: Option<(Witness, Id)> = None;
        let reach = self.reach();
        for &r in &candidates {
            let (Some(rule), Some(Some(pos)), Some(&class)) = (
                self.rules.rules().get(r),
                rl.pos.get(r),
                rl.pos_class.get(r),
            ) else {
                continue;
            };
            // A rule that decides no request decides none for this need and site (the
            // search below only adds constraints: the earlier rules left out are FALSE for
            // this need). Its search would fail, or run out of budget: skipped either way.
            if matches!(reach.get(r), Some(Reach::NeverTrue) | Some(Reach::Shadowed)) {
                continue;
            }
            let mut head: Vec<(&Dnf, u32)> = vec![(pos, class)];
            head.extend(need_dnf.iter().map(|d| (d, PIN_CLASS)));
            head.extend(site_dnf.iter().map(|d| (d, PIN_CLASS - 1)));
            let end = live.partition_point(|&e| e < r);
            let s = rl.against(&head, live.get(..end).unwrap_or(&[]));
            // Blocked: the plain search fails (or runs out of budget) too.
            if !s.complete || s.blocked {
                continue;
            }
            let mut budget = self.options.search_budget;
            if let Ok(Some(w)) = rl.search_against(&s, &mut budget) {
                if prefer.is_none_or(|p| *p == rule.capability) {
                    return Some((rl.request(&w, need, site), rule.id.clone()));
                }
                if first.is_none() {
                    first = Some((w, rule.id.clone()));
                }
            }
        }
        first.map(|(w, id)| (rl.request(&w, need, site), id))
    }

    /// Does the desk speak the language? Only the languages it lists count (as in the
    /// router: a desk that lists none meets no language constraint).
    pub(crate) fn speaks(desk: &Desk, language: &str) -> bool {
        desk.languages.iter().any(|l| l == language)
    }

    /// Is the desk's unit `scope` or below it?
    pub(crate) fn within(&self, desk: &Desk, scope: u32) -> bool {
        let mut cur = Some(desk.unit_ix);
        let mut steps = 0;
        while let Some(u) = cur {
            if u == scope {
                return true;
            }
            steps += 1;
            if steps > self.org.units().len() {
                return false;
            }
            cur = self.org.units().get(u as usize).and_then(|u| u.parent_ix);
        }
        false
    }
}

/// The DNFs of a search against earlier rules ([`RuleLogic::against_earlier`]).
pub(crate) struct Against<'a> {
    /// The head, then the FALSE forms that matter.
    pub(crate) all: Vec<&'a Dnf>,
    /// Twin class of each DNF of `all`.
    pub(crate) classes: Vec<u32>,
    /// Every earlier rule had a FALSE form (not too large).
    pub(crate) complete: bool,
    /// Some earlier rule is TRUE whenever the head is: no request satisfies the search
    /// (`all` is then empty).
    pub(crate) blocked: bool,
}

#[cfg(test)]
thread_local! {
    /// Tests switch the pruning off to compare with the exhaustive searches.
    pub(crate) static EXHAUSTIVE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Analyse without pruning (tests only: the reference the pruned analysis must equal).
#[cfg(test)]
pub(crate) fn exhaustive() -> bool {
    EXHAUSTIVE.with(std::cell::Cell::get)
}

/// Analyse without pruning: never, outside tests.
#[cfg(not(test))]
pub(crate) const fn exhaustive() -> bool {
    false
}

/// Whether a rule can decide some request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reach {
    /// Yes: this request is decided by it.
    Decides(Witness),
    /// Its condition is never TRUE.
    NeverTrue,
    /// Earlier rules take (or block) every request it matches.
    Shadowed,
    /// Too large to decide.
    Inconclusive,
}

/// Rule conditions in normal form.
pub(crate) struct RuleLogic {
    pub(crate) logic: Logic,
    /// TRUE(condition) of each rule, in evaluation order (`None`: too large).
    pub(crate) pos: Vec<Option<Dnf>>,
    /// FALSE(condition) of each rule.
    pub(crate) neg: Vec<Option<Dnf>>,
    /// The needs a rule can be TRUE for (`None`: any need).
    pub(crate) needs: Vec<Option<Vec<String>>>,
    /// The facts each rule's TRUE form tests (sorted).
    mentions: Vec<Vec<FactNo>>,
    /// Twin class of each rule's TRUE form and FALSE form (equal: the same literals by
    /// value in the same places; see [`Logic::search_classes`]).
    pub(crate) pos_class: Vec<u32>,
    neg_class: Vec<u32>,
    /// Rules by the needs they can be TRUE for, and those that can be TRUE for any need
    /// (pairing and capabilities: a rule that cannot be TRUE never picks a desk).
    by_need: HashMap<String, Vec<usize>>,
    wildcards: Vec<usize>,
    /// Rules by the needs they can be other than FALSE for (TRUE or UNKNOWN), and those
    /// that can be for any need (earlier rules: an UNKNOWN rule holds a request too). A
    /// rule is left out of a need's list only when some cube of its FALSE form tests
    /// nothing but `need` and holds for that need: FALSE whatever the other facts.
    live_by_need: HashMap<String, Vec<usize>>,
    live_wildcards: Vec<usize>,
    /// `fact eq value` literals for values the lints pin: needs some desk refers, sites,
    /// languages desks speak, declared text values.
    eq_lit: HashMap<(FactNo, Id), u32>,
}

impl RuleLogic {
    fn build(org: &Org, rules: &RuleSet, cube_limit: usize) -> RuleLogic {
        let mut logic = Logic::new(Vocabulary::new(org, rules), cube_limit);
        let mut pos = Vec::new();
        let mut neg = Vec::new();
        let mut needs = Vec::new();
        let mut mentions = Vec::new();
        let mut by_need: HashMap<String, Vec<usize>> = HashMap::new();
        let mut wildcards = Vec::new();
        let mut live_by_need: HashMap<String, Vec<usize>> = HashMap::new();
        let mut live_wildcards = Vec::new();
        for (i, r) in rules.rules().iter().enumerate() {
            let p = logic.dnf(&r.when, true).ok();
            let n = logic.dnf(&r.when, false).ok();
            let ns = p.as_ref().and_then(|d| pinned_texts(&logic, d, NEED));
            match &ns {
                Some(vs) => {
                    for v in vs {
                        by_need.entry(v.clone()).or_default().push(i);
                    }
                }
                None => wildcards.push(i),
            }
            match n.as_ref().and_then(|d| not_false_needs(&logic, d)) {
                Some(vs) => {
                    for v in vs {
                        live_by_need.entry(v).or_default().push(i);
                    }
                }
                None => live_wildcards.push(i),
            }
            let mut m: Vec<FactNo> = p
                .iter()
                .flatten()
                .flatten()
                .filter_map(|&l| logic.lits.get(l).map(|l| l.fact))
                .collect();
            m.sort_unstable();
            m.dedup();
            mentions.push(m);
            pos.push(p);
            neg.push(n);
            needs.push(ns);
        }
        let mut pins: Vec<(FactNo, Id)> = Vec::new();
        for d in org.desks() {
            pins.extend(d.refers.iter().map(|(need, _)| (NEED, need.clone())));
            pins.extend(d.languages.iter().map(|l| (LANGUAGE, l.clone())));
        }
        pins.extend(org.sites().iter().map(|s| (SITE, s.id.clone())));
        for f in rules.facts() {
            if let Some(n) = logic.vocab.get(&f.id) {
                pins.extend(
                    f.values
                        .iter()
                        .filter_map(|v| v.as_str().map(|s| (n, Id::from(s)))),
                );
            }
        }
        let mut eq_lit = HashMap::new();
        for (fact, value) in pins {
            if let std::collections::hash_map::Entry::Vacant(e) = eq_lit.entry((fact, value)) {
                let c = logic.unit_cube(fact, Op::Eq(Value::Text(e.key().1.to_string())));
                if let Some(&l) = c.first() {
                    e.insert(l);
                }
            }
        }
        let (pos_class, neg_class) = twin_classes(&logic, &pos, &neg);
        RuleLogic {
            logic,
            pos,
            neg,
            needs,
            mentions,
            pos_class,
            neg_class,
            by_need,
            wildcards,
            live_by_need,
            live_wildcards,
            eq_lit,
        }
    }

    /// The DNF of `fact eq value`, for the pinned values.
    pub(crate) fn eq(&self, fact: FactNo, value: &Id) -> Option<Dnf> {
        self.eq_lit
            .get(&(fact, value.clone()))
            .map(|&l| vec![vec![l]])
    }

    /// Can rule `r` be TRUE with these facts pinned? `None`: could not tell.
    pub(crate) fn can_match(&self, r: usize, pins: &[Dnf], budget: usize) -> Option<bool> {
        let pos = self.pos.get(r)?.as_ref()?;
        if pos.is_empty() {
            return Some(false);
        }
        // A pin on a fact the rule does not test changes nothing.
        let mentions = self.mentions.get(r)?;
        let pins: Vec<&Dnf> = pins
            .iter()
            .filter(|d| {
                d.iter().flatten().any(|&l| {
                    self.logic
                        .lits
                        .get(l)
                        .is_some_and(|l| mentions.binary_search(&l.fact).is_ok())
                })
            })
            .collect();
        if pins.is_empty() {
            return Some(true);
        }
        let mut all: Vec<&Dnf> = vec![pos];
        all.extend(pins);
        let mut budget = budget;
        self.logic
            .search(&all, &mut budget)
            .ok()
            .map(|w| w.is_some())
    }

    /// Classes of the pinned values of `fact` ([`RuleLogic::eq`]): two values share one
    /// when they are both in the fact's domain or both out of it and every distinct
    /// literal on `fact` in the rules' TRUE forms holds for both or for neither. With
    /// `fact` pinned to a value, the search of [`RuleLogic::can_match`] sees the value
    /// only through those (the solver's per-fact check with the pin is "in the domain and
    /// every literal holds"), so it answers alike for the values of a class.
    pub(crate) fn value_classes(&self, fact: FactNo) -> HashMap<Id, u32> {
        let mut seen: HashMap<String, LitNo> = HashMap::new();
        for dnf in self.pos.iter().flatten() {
            for &l in dnf.iter().flatten() {
                if let Some(lit) = self.logic.lits.get(l).filter(|x| x.fact == fact) {
                    seen.entry(format!("{lit:?}")).or_insert(l);
                }
            }
        }
        let mut lits: Vec<LitNo> = seen.into_values().collect();
        lits.sort_unstable();
        let mut keys: HashMap<Vec<bool>, u32> = HashMap::new();
        let mut out = HashMap::new();
        for (f, v) in self.eq_lit.keys() {
            if *f != fact {
                continue;
            }
            let value = Value::Text(v.to_string());
            let mut key: Vec<bool> = vec![self.logic.vocab.text_allowed(fact, v)];
            key.extend(lits.iter().map(|&l| self.logic.lit_holds(l, Some(&value))));
            let n = keys.len() as u32;
            let c = *keys.entry(key).or_insert(n);
            out.insert(v.clone(), c);
        }
        out
    }

    /// Does rule `r`'s TRUE form test `fact`? (A pin on a fact it does not test changes
    /// nothing in [`RuleLogic::can_match`].)
    pub(crate) fn tests(&self, r: usize, fact: FactNo) -> bool {
        self.mentions
            .get(r)
            .is_some_and(|m| m.binary_search(&fact).is_ok())
    }

    /// The facts a DNF tests (sorted, each once).
    pub(crate) fn facts_of(&self, dnf: &Dnf) -> Vec<FactNo> {
        let mut fs: Vec<FactNo> = dnf
            .iter()
            .flatten()
            .filter_map(|&l| self.logic.lits.get(l).map(|l| l.fact))
            .collect();
        fs.sort_unstable();
        fs.dedup();
        fs
    }

    /// Groups of rules that may be TRUE for the same need value (each sorted), and the
    /// rules that do not pin `need` (compared with every rule).
    pub(crate) fn groups(&self) -> (Vec<&Vec<usize>>, &[usize]) {
        let mut g: Vec<(&String, &Vec<usize>)> = self.by_need.iter().collect();
        g.sort();
        (g.into_iter().map(|(_, v)| v).collect(), &self.wildcards)
    }

    /// Rules that may be TRUE for this need, in evaluation order.
    pub(crate) fn for_need(&self, need: &str) -> Vec<usize> {
        let mut v: Vec<usize> = self.by_need.get(need).cloned().unwrap_or_default();
        v.extend(self.wildcards.iter().copied());
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Rules that may be other than FALSE (TRUE or UNKNOWN) for this need, in evaluation
    /// order: the rules a request for it must find FALSE before a later rule decides.
    pub(crate) fn live_for(&self, need: &str) -> Vec<usize> {
        let mut v: Vec<usize> = self.live_by_need.get(need).cloned().unwrap_or_default();
        v.extend(self.live_wildcards.iter().copied());
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Rules before `r` that may be other than FALSE (TRUE, or UNKNOWN: holding the
    /// request for questions) for a request `r` matches. The others are FALSE for every
    /// need `r` can be TRUE for, whatever the other facts.
    pub(crate) fn earlier(&self, r: usize) -> Vec<usize> {
        let mut v: Vec<usize> = match self.needs.get(r) {
            Some(Some(ns)) => {
                let mut v: Vec<usize> = ns
                    .iter()
                    .flat_map(|n| self.live_by_need.get(n).into_iter().flatten().copied())
                    .filter(|&e| e < r)
                    .collect();
                v.extend(self.live_wildcards.iter().copied().filter(|&e| e < r));
                v
            }
            _ => (0..r).collect(),
        };
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Can rule `r` decide some request?
    fn reach(&self, r: usize, budget: usize) -> Reach {
        let Some(Some(pos)) = self.pos.get(r) else {
            return Reach::Inconclusive;
        };
        if pos.is_empty() {
            return Reach::NeverTrue;
        }
        let s = self.against_earlier(&[r], &self.earlier(r));
        if !s.complete {
            return Reach::Inconclusive;
        }
        if s.blocked {
            return Reach::Shadowed;
        }
        let mut budget = budget;
        match self.search_against(&s, &mut budget) {
            Ok(Some(w)) => Reach::Decides(w),
            Ok(None) => Reach::Shadowed,
            Err(_) => Reach::Inconclusive,
        }
    }

    /// The DNFs of the search "the rules of `head` TRUE and every rule of `earlier` FALSE":
    /// the TRUE forms of `head` (which the caller has checked are not too large), then the
    /// FALSE forms of the rules of `earlier`, in order; run it with
    /// [`RuleLogic::search_against`].
    ///
    /// Pruned, exactly (see [`Given`]): an earlier rule whose TRUE form the head implies
    /// makes the search fail (`blocked`), and one whose FALSE form what the search commits
    /// first implies is left out (the search would skip it at every step). So a rule that
    /// pins a fact (`language eq es`, `need in [a, b]`) costs no search step in the
    /// searches of rules that pin it to another value, and a rule that repeats an earlier
    /// rule's condition is shadowed without a search. Each earlier rule costs a check of
    /// its cubes against the head's few literals.
    pub(crate) fn against_earlier(&self, head: &[usize], earlier: &[usize]) -> Against<'_> {
        let mut first: Vec<(&Dnf, u32)> = Vec::with_capacity(head.len());
        for &h in head {
            if let (Some(Some(p)), Some(&c)) = (self.pos.get(h), self.pos_class.get(h)) {
                first.push((p, c));
            }
        }
        self.against(&first, earlier)
    }

    /// [`RuleLogic::against_earlier`] with a head of DNFs (each with its twin class: a
    /// DNF that is no rule's form gets a class of its own).
    pub(crate) fn against<'s>(&'s self, head: &[(&'s Dnf, u32)], earlier: &[usize]) -> Against<'s> {
        let mut out = Against {
            all: Vec::with_capacity(head.len() + earlier.len()),
            classes: Vec::with_capacity(head.len() + earlier.len()),
            complete: true,
            blocked: false,
        };
        for &(p, c) in head {
            out.all.push(p);
            out.classes.push(c);
        }
        let given = if exhaustive() {
            None
        } else {
            self.logic.given(&out.all)
        };
        for &e in earlier {
            let (Some(Some(n)), Some(&c)) = (self.neg.get(e), self.neg_class.get(e)) else {
                out.complete = false;
                continue;
            };
            if out.blocked {
                continue;
            }
            if let Some(g) = &given {
                if self
                    .pos
                    .get(e)
                    .and_then(Option::as_ref)
                    .is_some_and(|p| g.implies(p))
                {
                    out.blocked = true;
                    continue;
                }
                if g.implies_committed(n) {
                    continue;
                }
            }
            out.all.push(n);
            out.classes.push(c);
        }
        if out.blocked {
            out.all.clear();
            out.classes.clear();
        }
        out
    }

    /// Run a search built by [`RuleLogic::against_earlier`] (not blocked).
    ///
    /// # Errors
    /// [`TooLarge`](super::logic::TooLarge) when the budget runs out.
    pub(crate) fn search_against(
        &self,
        s: &Against<'_>,
        budget: &mut usize,
    ) -> Result<Option<Witness>, super::logic::TooLarge> {
        if exhaustive() {
            self.logic.search(&s.all, budget)
        } else {
            self.logic.search_classes(&s.all, &s.classes, budget)
        }
    }

    /// A request from a witness; `need` and `site` fill in what the witness leaves open.
    pub(crate) fn request(&self, w: &Witness, need: &str, site: Option<&Id>) -> Request {
        let mut req = Request::new(need);
        if let Some(s) = site {
            req.site = Some(s.to_string());
        }
        for (f, v) in w {
            let Some(v) = v else { continue };
            match *f {
                NEED => req.need = v.to_string(),
                LANGUAGE => req.language = Some(v.to_string()),
                SITE => req.site = Some(v.to_string()),
                UNIT => req.unit = Some(v.to_string()),
                _ => {
                    req.facts
                        .insert(self.logic.vocab.name(*f).to_string(), v.clone());
                }
            }
        }
        req
    }
}

/// The twin classes of the pinned `fact eq value` DNFs at the head of a search: above
/// every rule's class ([`twin_classes`] counts up from 0).
const PIN_CLASS: u32 = u32::MAX;

/// Twin classes of the rules' TRUE and FALSE forms: DNFs with the same literals (by value:
/// `Debug` text, which tells apart every two literals that could behave differently) in
/// the same places share a class.
fn twin_classes(logic: &Logic, pos: &[Option<Dnf>], neg: &[Option<Dnf>]) -> (Vec<u32>, Vec<u32>) {
    let mut lit_ids: HashMap<String, u32> = HashMap::new();
    let mut classes: HashMap<Vec<Vec<u32>>, u32> = HashMap::new();
    let mut class_of = |d: &Option<Dnf>| -> u32 {
        let Some(d) = d else { return u32::MAX };
        let key: Vec<Vec<u32>> = d
            .iter()
            .map(|cube| {
                cube.iter()
                    .map(|&l| {
                        let text = format!("{:?}", logic.lits.get(l));
                        let next = lit_ids.len() as u32;
                        *lit_ids.entry(text).or_insert(next)
                    })
                    .collect()
            })
            .collect();
        let next = classes.len() as u32;
        *classes.entry(key).or_insert(next)
    };
    let p = pos.iter().map(&mut class_of).collect();
    let n = neg.iter().map(&mut class_of).collect();
    (p, n)
}

/// The texts `fact` may take where the DNF is TRUE, when every conjunction pins it to a
/// finite set of texts (`eq`, `in`, or negated `ne`, `not_in`; every value a text):
/// a superset of what the solver allows, so two disjoint answers mean no request makes
/// both DNFs TRUE. For `need` (always a text): the needs the DNF can be TRUE for.
pub(crate) fn pinned_texts(logic: &Logic, dnf: &Dnf, fact: FactNo) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for cube in dnf {
        let mut allowed: Option<Vec<String>> = None;
        for &l in cube {
            let Some(lit) = logic.lits.get(l) else {
                continue;
            };
            if lit.fact != fact {
                continue;
            }
            let vs: &[Value] = match (&lit.op, lit.positive) {
                (Op::Eq(v), true) | (Op::Ne(v), false) => std::slice::from_ref(v),
                (Op::In(vs), true) | (Op::NotIn(vs), false) => vs,
                _ => continue,
            };
            let texts: Vec<String> = vs
                .iter()
                .map(|v| match v {
                    Value::Text(t) => Some(t.clone()),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            allowed = Some(match allowed {
                None => texts,
                Some(a) => a.into_iter().filter(|x| texts.contains(x)).collect(),
            });
        }
        out.extend(allowed?);
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The needs a rule can be other than FALSE for, given its FALSE form: every need except
/// those for which some cube made only of `need` tests holds (such a cube holds whatever
/// the other facts; `need` is never missing). `None`: any need (no such cube leaves only
/// finitely many needs). Tests it cannot read exactly (`prefix`, values that are not text)
/// leave their cube out: the answer can only grow, never wrongly shrink.
fn not_false_needs(logic: &Logic, neg: &Dnf) -> Option<Vec<String>> {
    fn texts(vs: &[Value]) -> Option<Vec<String>> {
        vs.iter().map(|v| v.as_str().map(str::to_owned)).collect()
    }
    // Needs outside every co-finite cube's exclusions make the rule FALSE...
    let mut excluded_by_all: Option<Vec<String>> = None;
    // ...and so do the needs a finite cube holds for.
    let mut held: Vec<String> = Vec::new();
    'cube: for cube in neg {
        let mut allowed: Option<Vec<String>> = None;
        let mut excluded: Vec<String> = Vec::new();
        for &l in cube {
            let Some(lit) = logic.lits.get(l) else {
                continue 'cube;
            };
            if lit.fact != NEED {
                continue 'cube;
            }
            let (only, not): (Option<Vec<String>>, Vec<String>) = match (&lit.op, lit.positive) {
                (Op::Eq(v), true) | (Op::Ne(v), false) => match v.as_str() {
                    Some(t) => (Some(vec![t.to_owned()]), Vec::new()),
                    None => continue 'cube,
                },
                (Op::In(vs), true) | (Op::NotIn(vs), false) => match texts(vs) {
                    Some(ts) => (Some(ts), Vec::new()),
                    None => continue 'cube,
                },
                (Op::Ne(v), true) | (Op::Eq(v), false) => match v.as_str() {
                    Some(t) => (None, vec![t.to_owned()]),
                    None => continue 'cube,
                },
                (Op::NotIn(vs), true) | (Op::In(vs), false) => match texts(vs) {
                    Some(ts) => (None, ts),
                    None => continue 'cube,
                },
                // `need` is always there: `exists: true` always holds, `exists: false` never.
                (Op::Exists(b), p) if *b == p => (None, Vec::new()),
                _ => continue 'cube,
            };
            if let Some(o) = only {
                allowed = Some(match allowed {
                    None => o,
                    Some(a) => a.into_iter().filter(|x| o.contains(x)).collect(),
                });
            }
            excluded.extend(not);
        }
        match allowed {
            Some(a) => held.extend(a.into_iter().filter(|x| !excluded.contains(x))),
            None => {
                excluded_by_all = Some(match excluded_by_all {
                    None => excluded,
                    Some(e) => e.into_iter().filter(|x| excluded.contains(x)).collect(),
                });
            }
        }
    }
    let mut out = excluded_by_all?;
    out.retain(|x| !held.contains(x));
    out.sort();
    out.dedup();
    Some(out)
}

/// What a rule demands of a desk that does not depend on the request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Signature {
    pub(crate) capability: Id,
    pub(crate) authority: Option<u32>,
    pub(crate) unit: Option<Id>,
    pub(crate) site: Option<Id>,
    pub(crate) language: Option<Id>,
    pub(crate) desk_site: Option<Id>,
    /// `{ fact: F }` language constraint: the fact.
    pub(crate) language_fact: Option<Id>,
    /// `{ fact: F }` desk site constraint: the fact.
    pub(crate) desk_site_fact: Option<Id>,
}

impl Signature {
    fn of(rule: &Rule) -> Signature {
        let lit = |v: &Option<ValueRef>| match v {
            Some(ValueRef::Literal(s)) => Some(Id::from(s.as_str())),
            _ => None,
        };
        let fact = |v: &Option<ValueRef>| match v {
            Some(ValueRef::Fact { fact }) => Some(Id::from(fact.as_str())),
            _ => None,
        };
        Signature {
            language_fact: fact(&rule.language),
            desk_site_fact: fact(&rule.desk_site),
            capability: rule.capability.clone(),
            authority: rule.authority,
            unit: rule.unit.clone(),
            site: rule.site.clone(),
            language: lit(&rule.language),
            desk_site: lit(&rule.desk_site),
        }
    }
}

/// The desks a rule can route to, whatever the request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Static {
    /// Desks offering the capability.
    pub(crate) with_capability: Vec<DeskIx>,
    /// Of those, in the unit and site scope and meeting literal constraints.
    pub(crate) in_scope: Vec<DeskIx>,
    /// Of those, with enough authority: the static candidates.
    pub(crate) candidates: Vec<DeskIx>,
}

/// Static candidates, computed once per distinct [`Signature`].
pub(crate) struct Statics {
    /// Per rule (evaluation order), the index of its signature.
    pub(crate) of_rule: Vec<usize>,
    /// The distinct signatures with their candidates.
    pub(crate) sigs: Vec<(Signature, Static)>,
}

impl Statics {
    fn build(cx: &Context<'_>) -> Statics {
        let mut index: HashMap<Signature, usize> = HashMap::new();
        let mut sigs: Vec<(Signature, Static)> = Vec::new();
        let mut of_rule = Vec::new();
        for rule in cx.rules.rules() {
            let sig = Signature::of(rule);
            let ix = match index.get(&sig) {
                Some(&ix) => ix,
                None => {
                    let st = Statics::candidates(cx, &sig);
                    sigs.push((sig.clone(), st));
                    index.insert(sig, sigs.len() - 1);
                    sigs.len() - 1
                }
            };
            of_rule.push(ix);
        }
        Statics { of_rule, sigs }
    }

    fn candidates(cx: &Context<'_>, sig: &Signature) -> Static {
        let with_capability = cx.desks_with(&sig.capability).to_vec();
        let org = cx.org;
        let unit = sig.unit.as_deref().map(|u| org.unit_index(u));
        let mut in_scope = Vec::new();
        for &d in &with_capability {
            let Some(desk) = cx.desk(d) else { continue };
            let ok_unit = match unit {
                None => true,
                Some(None) => false,
                Some(Some(u)) => cx.within(desk, u),
            };
            let ok_site = sig.site.as_ref().is_none_or(|s| desk.site == *s)
                && sig.desk_site.as_ref().is_none_or(|s| desk.site == *s);
            let ok_lang = sig
                .language
                .as_ref()
                .is_none_or(|l| Context::speaks(desk, l));
            if ok_unit && ok_site && ok_lang {
                in_scope.push(d);
            }
        }
        let candidates = in_scope
            .iter()
            .copied()
            .filter(|&d| {
                cx.desk(d)
                    .is_some_and(|desk| sig.authority.is_none_or(|a| desk.authority >= a))
            })
            .collect();
        Static {
            with_capability,
            in_scope,
            candidates,
        }
    }
}

/// Today's referrals for one need, as a graph of desks.
pub(crate) struct NeedReferrals {
    /// The need.
    pub(crate) need: Id,
    /// Desks (weights: desk index) and `refers` edges between them.
    pub(crate) graph: DiGraph<DeskIx, ()>,
}

impl NeedReferrals {
    /// One subgraph per need, from the organization graph's `Refers` edges.
    fn build(org: &Org) -> Vec<NeedReferrals> {
        let g = org.graph();
        let mut edges: HashMap<u32, Vec<(DeskIx, DeskIx)>> = HashMap::new();
        for e in g.edge_references() {
            if let OrgEdge::Refers(n) = *e.weight() {
                if let (Some(OrgNode::Desk(a)), Some(OrgNode::Desk(b))) =
                    (g.node_weight(e.source()), g.node_weight(e.target()))
                {
                    edges.entry(n).or_default().push((*a, *b));
                }
            }
        }
        let mut out: Vec<NeedReferrals> = edges
            .into_iter()
            .filter_map(|(n, mut es)| {
                let need = org.symbols().get(n as usize)?.clone();
                es.sort_unstable();
                let mut graph: DiGraph<DeskIx, ()> = DiGraph::new();
                let mut node: HashMap<DeskIx, NodeIndex> = HashMap::new();
                let mut get = |graph: &mut DiGraph<DeskIx, ()>, d: DeskIx| {
                    *node.entry(d).or_insert_with(|| graph.add_node(d))
                };
                for (a, b) in es {
                    let x = get(&mut graph, a);
                    let y = get(&mut graph, b);
                    graph.add_edge(x, y, ());
                }
                Some(NeedReferrals { need, graph })
            })
            .collect();
        out.sort_by(|a, b| a.need.cmp(&b.need));
        out
    }
}

/// Minutes per slot of the weekly sweep.
pub(crate) const SLOT_MINUTES: u32 = 5;
/// Slots in a day.
pub(crate) const DAY_SLOTS: usize = (24 * 60 / SLOT_MINUTES) as usize;
const WEEK_WORDS: usize = (7 * DAY_SLOTS).div_ceil(64);

/// Open slots of a week, one bit per [`SLOT_MINUTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WeekBits([u64; WEEK_WORDS]);

impl WeekBits {
    fn empty() -> WeekBits {
        WeekBits([0; WEEK_WORDS])
    }

    fn set(&mut self, slot: usize) {
        if let Some(w) = self.0.get_mut(slot / 64) {
            *w |= 1 << (slot % 64);
        }
    }

    fn get(&self, slot: usize) -> bool {
        self.0
            .get(slot / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    pub(crate) fn or(&mut self, other: &WeekBits) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
    }

    /// Is any slot of day `day` (0 = Monday) open?
    pub(crate) fn day_open(&self, day: usize) -> bool {
        (day * DAY_SLOTS..(day + 1) * DAY_SLOTS).any(|s| self.get(s))
    }

    /// Is any slot open?
    pub(crate) fn any(&self) -> bool {
        self.0.iter().any(|w| *w != 0)
    }
}

/// Every desk's opening hours over one week, sampled every [`SLOT_MINUTES`] (each distinct
/// schedule once).
pub(crate) struct Weekly {
    /// Monday.
    pub(crate) monday: NaiveDate,
    /// Per desk, its schedule's index.
    schedule_of: Vec<usize>,
    schedules: Vec<WeekBits>,
    /// Any desk open.
    pub(crate) org: WeekBits,
}

impl Weekly {
    fn build(org: &Org, monday: NaiveDate) -> Weekly {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut schedules: Vec<WeekBits> = Vec::new();
        let mut schedule_of = Vec::with_capacity(org.desks().len());
        let start = NaiveDateTime::new(monday, NaiveTime::MIN);
        for d in org.desks() {
            let key = d.hours.as_str();
            let ix = match index.get(key) {
                Some(&ix) => ix,
                None => {
                    let mut bits = WeekBits::empty();
                    for slot in 0..7 * DAY_SLOTS {
                        let t = start + Duration::minutes(i64::from(SLOT_MINUTES) * slot as i64);
                        if d.hours.is_open(t) {
                            bits.set(slot);
                        }
                    }
                    schedules.push(bits);
                    index.insert(key, schedules.len() - 1);
                    schedules.len() - 1
                }
            };
            schedule_of.push(ix);
        }
        let mut all = WeekBits::empty();
        for s in &schedules {
            all.or(s);
        }
        Weekly {
            monday,
            schedule_of,
            schedules,
            org: all,
        }
    }

    /// When any of these desks is open.
    pub(crate) fn union(&self, desks: &[DeskIx]) -> WeekBits {
        let mut seen: Vec<usize> = desks
            .iter()
            .filter_map(|&d| self.schedule_of.get(d as usize).copied())
            .collect();
        seen.sort_unstable();
        seen.dedup();
        let mut out = WeekBits::empty();
        for s in seen {
            if let Some(b) = self.schedules.get(s) {
                out.or(b);
            }
        }
        out
    }

    /// The desks open at some time on day `day` (0 = Monday).
    pub(crate) fn open_desks(&self, day: usize) -> Vec<DeskIx> {
        self.schedule_of
            .iter()
            .enumerate()
            .filter(|(_, s)| self.schedules.get(**s).is_some_and(|b| b.day_open(day)))
            .map(|(d, _)| d as DeskIx)
            .collect()
    }

    /// The date of day `day` (0 = Monday).
    pub(crate) fn date(&self, day: usize) -> NaiveDate {
        self.monday + Duration::days(day as i64)
    }
}

#[cfg(test)]
mod tests {
    //! Which earlier rules a need's searches must count.
    use super::*;
    use crate::load::{Format, Source, router_from_str};

    fn router(rules: &str) -> Router {
        let org = "sites: [{id: hq}]\nunits: [{id: u}]\ndesks: [{id: d, unit: u, site: hq, capabilities: [a]}]\n";
        router_from_str(
            Source::new(org, Format::Yaml),
            Source::new(rules, Format::Yaml),
        )
        .unwrap()
    }

    #[test]
    fn needs_a_rule_can_be_other_than_false_for() {
        let router = router(
            r#"
facts: [{id: foo, type: number}]
rules:
  - {id: x, when: {all: [{fact: need, eq: x}, {fact: foo, eq: 1}]}, then: {capability: a}}
  - {id: xy, when: {fact: need, in: [x, w]}, then: {capability: a}}
  - {id: either, when: {any: [{fact: need, eq: x}, {fact: need, eq: w}]}, then: {capability: a}}
  - {id: unknown, when: {any: [{all: [{fact: need, eq: x}, {fact: foo, eq: 1}]}, {all: [{fact: foo, eq: 1}, {fact: foo, eq: 2}]}]}, then: {capability: a}}
  - {id: not-x, when: {not: {fact: need, eq: x}}, then: {capability: a}}
  - {id: never, when: {all: [{fact: need, eq: x}, {fact: need, eq: w}]}, then: {capability: a}}
  - {id: always, then: {capability: a}}
  - {id: x-or-foo, when: {any: [{fact: need, eq: x}, {fact: foo, eq: 1}]}, then: {capability: a}}
"#,
        );
        let options = super::super::Options::new();
        let cx = Context::new(&router, &options);
        let rl = cx.logic();
        let nf = |r: usize| not_false_needs(&rl.logic, rl.neg[r].as_ref().unwrap());
        let v = |xs: &[&str]| Some(xs.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(nf(0), v(&["x"]));
        assert_eq!(nf(1), v(&["w", "x"]));
        assert_eq!(nf(2), v(&["w", "x"]));
        // TRUE only for `x`, but UNKNOWN for any need when `foo` is missing.
        assert_eq!(rl.needs[3], v(&["x"]));
        assert_eq!(nf(3), None);
        // FALSE only for `x`.
        assert_eq!(nf(4), None);
        // Always FALSE.
        assert_eq!(nf(5), v(&[]));
        // Never FALSE.
        assert_eq!(nf(6), None);
        // FALSE for no need whatever `foo` is.
        assert_eq!(nf(7), None);
        assert_eq!(rl.live_for("w"), vec![1, 2, 3, 4, 6, 7]);
        assert_eq!(rl.for_need("w"), vec![1, 2, 4, 6, 7]);
        // `x-or-foo` can be TRUE for `w` (with foo = 1): it counts before later rules.
        assert_eq!(rl.earlier(7), (0..7).collect::<Vec<_>>());
    }
}
