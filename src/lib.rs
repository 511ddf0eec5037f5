//! # rightdesk
//!
//! Route a customer's request to **the one desk able to solve it**, and find the runarounds
//! in an organization before customers do.
//!
//! A man asks a police front desk for a copy of an accident report; he is sent to four other
//! places over four hours and ends up at Records, back in the building where he started.
//! Everyone was polite; nobody owned the problem. rightdesk models the organization
//! (sites, units and their chain of command, desks) as a graph and the routing policy as
//! declarative rules, and answers such a request in one step — the desk, why, what to bring,
//! when it is open and how far it is — or says which question to ask first, or says
//! truthfully that no desk can and where the organization has a gap.
//!
//! ## Example
//!
//! ```
//! use rightdesk::load::{org_from_str, rules_from_str};
//! use rightdesk::{Format, Outcome, Request, Router};
//!
//! let org = org_from_str(r#"
//! timezone: America/Los_Angeles
//! sites:
//!   - {id: hq, name: Headquarters, address: 100 Civic Center Plaza}
//!   - {id: annex}
//! travel: [{from: hq, to: annex, minutes: 20}]
//! units:
//!   - {id: police, duty_desk: front-desk}
//!   - {id: records, parent: police}
//! desks:
//!   - {id: front-desk, unit: police, site: hq, capabilities: [information],
//!      refers: {report.copy: annex-desk}}
//!   - {id: annex-desk, unit: police, site: annex, refers: {report.copy: records-counter}}
//!   - {id: records-counter, unit: records, site: hq, capabilities: [report.copy],
//!      hours: "Mo-Fr 08:00-16:30", wait_minutes: 15, requires: [case_number, photo_id]}
//! "#, Format::Yaml, None)?;
//! let rules = rules_from_str(r#"
//! facts:
//!   - {id: involved, type: bool, question: "Were you involved in the accident?"}
//! rules:
//!   - id: copy-for-involved-party
//!     when: {all: [{fact: need, eq: report.copy}, {fact: involved, eq: true}]}
//!     then: {capability: report.copy, owner: records}
//! "#, Format::Yaml, None, &org)?;
//! let router = Router::new(org, rules);
//!
//! // Today's practice: the runaround.
//! let trace = router.trace_referrals("front-desk", "report.copy", None)?;
//! assert_eq!(trace.stops.len(), 3);
//! assert!(trace.ends_where_started);
//!
//! // Not enough facts: ask, do not guess.
//! let ask = router.resolve(&Request::new("report.copy").site("hq"))?;
//! assert!(matches!(ask.outcome, Outcome::NeedsInfo { .. }));
//!
//! // One step.
//! let req = Request::new("report.copy")
//!     .fact("involved", true)
//!     .site("hq")
//!     .at_local("2026-11-30T09:15:00".parse()?);
//! let answer = router.resolve(&req)?;
//! assert_eq!(answer.outcome.desk().map(|d| d.as_str()), Some("records-counter"));
//! println!("{answer}"); // the desk, the site and address, cost, opening, what to bring, why
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Concepts and modules
//!
//! | module | what it holds |
//! |---|---|
//! | [`model`] | the organization: [`OrgSpec`] (file format) and the validated [`Org`], a petgraph graph inside, ids outside |
//! | [`rules`] | facts and rules: [`RuleSetSpec`] (file format), conditions, the validated [`RuleSet`] |
//! | [`load`] | YAML / JSON / TOML loading with file, line and column for every problem, and [`load::Limits`] |
//! | [`resolve`] | [`Router`]: [`Request`] → [`Resolution`]; the simple [`resolve::reference`] resolver; [`Trace`] of today's referrals |
//! | [`explain`] | why: the deciding rule, every rule's verdict, every candidate desk's verdict |
//! | [`status`] | live status updates ([`StatusUpdate`]) and [`status::LiveRouter`] for reloads while serving |
//! | [`hours`] | OpenStreetMap opening hours, compiled for fast evaluation |
//! | [`analyze`] | a linter for organizations: referral cycles, runarounds, coverage gaps, ambiguous and shadowed rules… |
//! | [`export`] | Graphviz DOT and Mermaid pictures of the organization, a runaround highlighted |
//! | [`policy_test`] | routing expectations as data, a runner, rule coverage |
//! | [`synth`] | seeded generators of realistic organizations, rules and requests (benchmarks, property tests) |
//!
//! ## Resolution in one paragraph
//!
//! Rules are evaluated by descending priority (then file order) in three-valued logic: a
//! test of a fact the request lacks is *unknown*. The first true rule decides, unless an
//! unknown rule comes before it: then the answer is [`Outcome::NeedsInfo`] with the exact
//! questions. The deciding rule names a capability, a minimum authority, a unit and site
//! scope and desk constraints (e.g. the customer's language); among the desks that qualify,
//! those open when the customer arrives (request time + travel, in the organization's time
//! zone) win, then the least travel + expected wait, then the smallest id; if none is open,
//! the one that serves soonest. No qualifying desk: [`Outcome::Escalated`] to the nearest
//! duty desk up the owning unit's chain of command, or [`Outcome::NoDesk`] naming the gap.
//! See [`Router`] for the full statement.
//!
//! ## Untrusted input
//!
//! Organization, rules, policy-test and status files and requests may come from anyone:
//!
//! - Nothing panics on any input; library code denies `unwrap`, `expect` and `panic!`.
//! - A bad file is rejected whole, with every problem found (file, line, column, the
//!   offending id, a hint); nothing is half-loaded.
//! - Size, nesting depth and YAML node and alias-expansion budgets are bounded by
//!   [`load::Limits`] (defaults: 256 MiB, depth 64); condition nesting by
//!   [`rules::MAX_CONDITION_DEPTH`]. Numbers must be finite; unknown keys are rejected with
//!   a did-you-mean hint.
//! - Requests are validated ([`RequestError`]): unknown sites, units and facts, values of
//!   the wrong type or not allowed by their fact, times outside the years 1900–9998.
//!
//! ## Thread safety and live updates
//!
//! [`Router`] is `Send + Sync` and resolves through `&self`. A batch of status updates is
//! applied by swapping one pointer: readers see it whole or not at all and never wait.
//! [`status::LiveRouter`] also swaps whole organizations and rules (e.g. after a file is
//! edited); a reload that fails leaves the old state serving.
//!
//! ## Performance
//!
//! Rules and desks are compiled into indexes once ([`Router::new`]); resolving does not
//! scan every rule or every desk. See `BENCHMARKS.md` in the repository for measured
//! figures and the `benches/` directory for the criterion benchmarks.
//!
//! ## Crate features
//!
//! - `cli`: the `rightdesk` command line (`check`, `route`, `test`, `explain`, `export`,
//!   `trace`).
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::panic, clippy::expect_used)
)]

pub mod analyze;
mod compile;
pub mod explain;
pub mod export;
pub mod hours;
pub mod load;
pub mod model;
mod parallel;
pub mod policy_test;
pub mod problem;
pub mod resolve;
pub mod rules;
pub mod status;
pub mod synth;

pub use explain::Explanation;
pub use hours::Hours;
pub use load::{Format, LoadError};
pub use model::{Id, Org, OrgSpec};
pub use problem::{Problem, ProblemKind, Problems, Severity};
pub use resolve::{
    Outcome, OutcomeRef, Request, RequestError, RequestTime, Resolution, ResolutionRef, Router,
    Trace,
};
pub use rules::{RuleSet, RuleSetSpec};
pub use status::{StatusError, StatusUpdate};

/// The README's Rust code, compiled and run as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
