//! Analysis: find the runarounds and gaps in an organization before customers do.
//!
//! [`analyze`] (or [`analyze_router`] with [`Options`]) inspects an organization and its
//! rules the way a linter inspects code, and returns a [`Report`]: a list of [`Finding`]s,
//! each with a stable [`Code`], a [`Severity`], the ids involved, a message, a suggested
//! fix and, where one exists, an example request that shows the problem. The report is a
//! Rust value, serializes to JSON with serde, and `Display`s as a text report ending in a
//! summary line. [`crate::export`] draws the organization with a runaround highlighted.
//!
//! | code | severity | what it finds |
//! |---|---|---|
//! | `referral-cycle` | error | today's `refers` edges for a need go around in a circle (strongly connected components of the per-need referral graph, by Tarjan's algorithm) |
//! | `runaround` | error / warning | a referral path with more stops, or [`Options::runaround_minutes`] more minutes, than the one-step resolution, or never solved; an error when it ends back in the building where it started |
//! | `dead-end-referral` | error | a referral ends at a desk that cannot solve the need and refers nowhere |
//! | `coverage-gap` | error / warning / info | a capability rules require that no desk offers, or none in the rule's scope, or whose desks never open (errors); not on some day of the week the organization is open (one finding per set of days: a warning when at least half of the desks open that day, else info); not in some language or at some site a rule's desk constraint asks for; at no desk reachable from some site |
//! | `authority-gap` | error / warning | desks offer the capability but none (or none reachable from some site) has the authority the rule requires |
//! | `single-point-of-failure` | warning | a rule can be served by exactly one desk |
//! | `no-duty-desk` | warning / info | units with no duty desk on their chain of command (escalations end in NoDesk); a warning when such a unit owns a rule |
//! | `ambiguous-rules` | warning | two rules of equal priority both match a request that reaches them, and demand different things |
//! | `shadowed-rule` | warning | a rule that can never decide: earlier rules take (or ask about) every request it matches, or its condition is contradictory |
//! | `unreachable-desk` | warning / info | a desk with capabilities no rule that can decide routes to (info: a desk that does nothing at all) |
//! | `unused-capability` | info | a capability offered by desks but required by no rule that can decide |
//!
//! # Exactness
//!
//! `ambiguous-rules` and `shadowed-rule` are exact over every test the condition language
//! has, under the router's three-valued logic (a test on a missing fact is unknown, and an
//! unknown rule before the deciding one asks questions instead): conditions are normalised
//! to disjunctive normal form and each conjunction is decided per fact over the fact's
//! domain — finite `values` sets, the organization's site and unit ids, `f64` intervals
//! with excluded points for numbers (and `min`/`max`), co-finite sets and positive and
//! negated `prefix` tests for open text. Examples are concrete requests the router accepts.
//! The search over "this rule TRUE, every earlier rule FALSE" is DPLL-style (unit
//! propagation over the rules' normal forms, branching on the most constrained, with
//! backtracking), so a rule covered by many earlier rules together is found quickly.
//! Limits, not approximations: a condition whose normal form exceeds
//! [`Options::cube_limit`] conjunctions, or a search exceeding [`Options::search_budget`]
//! steps, is *inconclusive*; it produces no finding and is listed in
//! [`Stats::inconclusive`]. Numbers are `f64`: an interval with fewer representable
//! numbers than excluded points may be called satisfiable wrongly (never in practice).
//!
//! The other lints are static over the organization, except `runaround`, which uses the
//! router (so live status updates — a desk closed today — count) and the time in
//! [`Options::at`]. Opening hours are swept over one week ([`Options::week`]) in
//! 5-minute slots; holidays in that week count. Candidate desks are computed from the
//! rule's capability, authority, unit and site scope and literal desk constraints;
//! constraints that depend on the request (`{ fact: language }`) are checked per value
//! (every language a desk speaks, or the fact's declared values).
//!
//! # Complexity
//!
//! Roughly linear in the organization: referrals are grouped per need before Tarjan's
//! algorithm, candidates are computed once per distinct rule demand from a capability
//! index, hours once per distinct schedule, one-step resolutions once per (need, site).
//! Rule pairs are compared only among rules that can decide, within groups of rules that
//! test the same `need` value; a rule that does not pin `need` is compared with the rules
//! of its priority compatible with it on the fact it pins most selectively (with every
//! rule of its priority when it pins none). The searches "this rule (and that one) TRUE,
//! every earlier rule FALSE" stop at once on an earlier rule the conditions make TRUE,
//! leave out the earlier rules they make FALSE, and solve rules that repeat one condition
//! once per step rather than once each — all exactly (the same findings and examples as
//! the plain searches; a differential test checks it). What is left grows with the
//! square of the rules of one popular need: each rule that can decide is checked against
//! the earlier rules of its need (a cheap comparison each). An earlier rule is left out
//! only when it is FALSE for that need whatever the other facts (a conjunction of its
//! FALSE form tests nothing but `need`), not merely when it cannot be TRUE: a rule that
//! is UNKNOWN holds the request for questions. Tracing runs once per
//! (desk, need) referral and costs the length of its path.
//!
//! Measured (release build, 2-core machine, `cargo bench --bench analyze`): generated
//! organizations (`rightdesk::synth`) of 10 000 desks / 1 000 rules and 100 000 desks /
//! 10 000 rules are analysed in 0.05 s and 1.5 s, every rule decided exactly
//! (`ambiguous-rules` alone 0.19 s at 100k, of which about 0.14 s is the setup every lint
//! shares). The police example takes a few milliseconds.
//!
//! # Example
//!
//! ```
//! use rightdesk::analyze::{analyze, Code};
//! use rightdesk::{Org, OrgSpec, RuleSet, RuleSetSpec};
//!
//! let org: OrgSpec = serde_json::from_str(r#"{
//!   "sites": [{"id": "hq"}],
//!   "units": [{"id": "city", "duty_desk": "front"}],
//!   "desks": [
//!     {"id": "front", "unit": "city", "site": "hq", "refers": {"permit": "annex"}},
//!     {"id": "annex", "unit": "city", "site": "hq", "refers": {"permit": "front"}},
//!     {"id": "permits", "unit": "city", "site": "hq", "capabilities": ["permit.issue"]}
//!   ]
//! }"#)?;
//! let org = Org::from_spec(org)?;
//! let rules: RuleSetSpec = serde_json::from_str(r#"{
//!   "rules": [{"id": "permit", "when": {"fact": "need", "eq": "permit"},
//!              "then": {"capability": "permit.issue"}}]
//! }"#)?;
//! let rules = RuleSet::from_spec(rules, &org)?;
//!
//! let report = analyze(&org, &rules);
//! assert!(report.has(Code::ReferralCycle));
//! println!("{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod ambiguous_rules;
mod authority_gap;
mod context;
mod coverage_gap;
mod dead_end_referral;
mod finding;
mod logic;
mod no_duty_desk;
mod referral_cycle;
mod report;
mod runaround;
mod shadowed_rule;
mod single_point_of_failure;
mod unreachable_desk;
mod unused_capability;

use chrono::NaiveDate;

pub use finding::{Code, Finding, Severity, Subject};
pub use report::{OneStep, Report, Runaround, Runarounds, Stats};

use crate::model::Org;
use crate::resolve::{RequestTime, Router};
use crate::rules::RuleSet;
use context::Context;

/// One lint: looks at the organization and rules, and reports findings with one code.
pub(crate) trait Lint {
    /// The code of every finding it reports.
    fn code(&self) -> Code;
    /// Add its findings.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
}

/// Every lint, in report order.
const LINTS: [&dyn Lint; 11] = [
    &referral_cycle::ReferralCycle,
    &runaround::Runaround,
    &dead_end_referral::DeadEndReferral,
    &coverage_gap::CoverageGap,
    &authority_gap::AuthorityGap,
    &single_point_of_failure::SinglePointOfFailure,
    &no_duty_desk::NoDutyDesk,
    &ambiguous_rules::AmbiguousRules,
    &shadowed_rule::ShadowedRule,
    &unreachable_desk::UnreachableDesk,
    &unused_capability::UnusedCapability,
];

/// How to analyse.
///
/// ```
/// use rightdesk::analyze::{Code, Options};
/// let opts = Options::new()
///     .at("2026-11-30T09:15".parse()?)
///     .only([Code::Runaround, Code::ReferralCycle]);
/// assert_eq!(opts.max_runarounds, 10);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Options {
    /// When customers arrive, for tracing referral paths and one-step resolutions (queues,
    /// opening hours and live closures count). `None`: hours are ignored.
    pub at: Option<RequestTime>,
    /// The Monday of the week whose opening hours are swept for coverage gaps.
    /// `None`: the week of [`Options::at`], or else the current week.
    pub week: Option<NaiveDate>,
    /// How many runarounds to report as findings (worst first). Default 10.
    pub max_runarounds: usize,
    /// A referral path this many minutes slower than the one-step resolution is a
    /// runaround even without extra stops. Default 30.
    pub runaround_minutes: u32,
    /// Largest disjunctive normal form (in conjunctions) of one condition. Default 256.
    pub cube_limit: usize,
    /// Steps (one per conjunction checked against the constraints so far) one rule
    /// question may spend. Default 20 000.
    pub search_budget: usize,
    /// Run only these lints (`None`: all).
    pub only: Option<Vec<Code>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            at: None,
            week: None,
            max_runarounds: 10,
            runaround_minutes: 30,
            cube_limit: 256,
            search_budget: 20_000,
            only: None,
        }
    }
}

impl Options {
    /// The defaults.
    pub fn new() -> Options {
        Options::default()
    }

    /// Customers arrive at this time.
    pub fn at(mut self, at: RequestTime) -> Options {
        self.at = Some(at);
        self
    }

    /// Sweep the week starting on this Monday (another day means its week's Monday).
    pub fn week(mut self, day: NaiveDate) -> Options {
        use chrono::Datelike;
        let back = i64::from(day.weekday().num_days_from_monday());
        self.week = Some(day - chrono::Duration::days(back));
        self
    }

    /// Report at most this many runarounds.
    pub fn max_runarounds(mut self, n: usize) -> Options {
        self.max_runarounds = n;
        self
    }

    /// Extra minutes that make a referral path a runaround.
    pub fn runaround_minutes(mut self, minutes: u32) -> Options {
        self.runaround_minutes = minutes;
        self
    }

    /// Run only these lints.
    pub fn only(mut self, codes: impl IntoIterator<Item = Code>) -> Options {
        self.only = Some(codes.into_iter().collect());
        self
    }

    fn runs(&self, code: Code) -> bool {
        self.only.as_ref().is_none_or(|o| o.contains(&code))
    }
}

/// Analyse an organization and its rules with the default [`Options`].
///
/// The organization and rules are cloned into a [`Router`]; use [`analyze_router`] to
/// analyse a router you have (with its live status) or to pass options.
///
/// # Complexity
/// See the [module docs](self#complexity).
pub fn analyze(org: &Org, rules: &RuleSet) -> Report {
    let router = Router::new(org.clone(), rules.clone());
    analyze_router(&router, &Options::default())
}

/// Analyse a router's organization and rules.
///
/// Findings are data, never errors: this cannot fail. Findings are sorted by severity
/// (errors first), then code, then ids.
///
/// # Example
/// ```
/// use rightdesk::analyze::{analyze_router, Options};
/// use rightdesk::{Org, OrgSpec, Router, RuleSet, RuleSetSpec};
/// let org = Org::from_spec(serde_json::from_str::<OrgSpec>(
///     r#"{"sites": [{"id": "hq"}], "units": [{"id": "u"}],
///         "desks": [{"id": "d", "unit": "u", "site": "hq", "capabilities": ["c"]}]}"#,
/// )?)?;
/// let rules = RuleSet::from_spec(serde_json::from_str::<RuleSetSpec>(
///     r#"{"rules": [{"id": "r", "then": {"capability": "c"}}]}"#,
/// )?, &org)?;
/// let router = Router::new(org, rules);
/// let report = analyze_router(&router, &Options::new());
/// let json = serde_json::to_string_pretty(&report)?;
/// assert!(json.contains("single-point-of-failure"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn analyze_router(router: &Router, options: &Options) -> Report {
    let cx = Context::new(router, options);
    let mut findings = Vec::new();
    let mut lints = Vec::new();
    for lint in LINTS {
        if options.runs(lint.code()) {
            lints.push(lint.code());
            lint.check(&cx, &mut findings);
        }
    }
    let rank = |c: Code| Code::ALL.iter().position(|x| *x == c).unwrap_or(usize::MAX);
    // Stable: each lint's own order (worst first, file order) is kept within a code.
    findings.sort_by_key(|f| (std::cmp::Reverse(f.severity), rank(f.code)));
    let org = router.org();
    Report {
        organization: org.name().map(str::to_owned),
        findings,
        runarounds: cx.runarounds.borrow_mut().take().unwrap_or_default(),
        stats: Stats {
            sites: org.sites().len(),
            units: org.units().len(),
            desks: org.desks().len(),
            rules: router.rules().rules().len(),
            referrals: org.desks().iter().map(|d| d.refers.len()).sum(),
            lints,
            inconclusive: cx.inconclusive.borrow().iter().cloned().collect(),
        },
    }
}
