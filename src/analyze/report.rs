//! The analysis report: findings, runaround totals and statistics.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::finding::{Code, Finding, Severity};
use crate::model::Id;
use crate::resolve::{Request, Trace};

/// What [`analyze`](super::analyze) found.
///
/// `Display` prints a linter-like text report ending in a summary line; serde gives JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The organization's name, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Every finding: errors first, then warnings, then infos; within a severity by code.
    pub findings: Vec<Finding>,
    /// Today's referral paths compared with one-step resolution.
    pub runarounds: Runarounds,
    /// What was analysed.
    pub stats: Stats,
}

impl Report {
    /// The findings with this code.
    pub fn with_code(&self, code: Code) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.code == code)
    }

    /// True when some finding has this code.
    pub fn has(&self, code: Code) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// True when there is no error and no warning.
    pub fn is_clean(&self) -> bool {
        self.count(Severity::Error) == 0 && self.count(Severity::Warning) == 0
    }

    /// The worst finding's severity, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Today's referral paths, compared with resolving each request in one step.
///
/// Every (desk, need) pair with a `refers` entry is traced with
/// [`Router::trace_referrals`](crate::Router::trace_referrals) and compared with
/// [`Router::resolve`](crate::Router::resolve) of the same need from the desk's site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Runarounds {
    /// (entry desk, need) pairs traced.
    pub pairs: usize,
    /// How many of them are runarounds (more stops than one step, at least
    /// [`Options::runaround_minutes`](super::Options) more minutes, or never solved).
    pub count: usize,
    /// Minutes the runarounds take today, summed over every runaround pair.
    pub today_minutes: u64,
    /// Minutes the same requests take when resolved in one step (where they can be).
    pub one_step_minutes: u64,
    /// Minutes lost to runarounds: today minus one step, summed over runaround pairs.
    pub minutes_lost: u64,
    /// The worst runarounds starting at a desk nobody refers to (where customers walk in),
    /// worst first; at most [`Options::max_runarounds`](super::Options).
    pub worst: Vec<Runaround>,
}

/// One runaround: today's referral path against the one-step resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Runaround {
    /// The desk the customer walks up to.
    pub entry: Id,
    /// The need.
    pub need: Id,
    /// Today's path.
    pub today: Trace,
    /// The one-step resolution, when rightdesk can route the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_step: Option<OneStep>,
    /// Stops today beyond the one-step journey.
    pub extra_stops: u32,
    /// Minutes today beyond the one-step journey.
    pub extra_minutes: u32,
    /// The request the one-step resolution answered (need, facts, site, time).
    pub request: Request,
}

impl Runaround {
    /// Does today's path end back at the site where it started, after leaving it?
    pub fn ends_where_started(&self) -> bool {
        self.today.ends_where_started && self.today.sites_visited.len() > 1
    }
}

/// The one-step resolution of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneStep {
    /// The desk rightdesk sends the customer to.
    pub desk: Id,
    /// Its site.
    pub site: Id,
    /// Desks visited: the entry desk (if different) and this one.
    pub stops: u32,
    /// The entry desk's wait (when it is another desk), plus travel and wait to this desk,
    /// plus the wait until it opens when a time was given.
    pub minutes: u32,
    /// Sites visited, in order.
    pub sites_visited: Vec<Id>,
    /// `routed` or `escalated`.
    pub outcome: String,
    /// The rule that decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Id>,
}

/// What was analysed, and what could not be decided within the limits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Sites.
    pub sites: usize,
    /// Units.
    pub units: usize,
    /// Desks.
    pub desks: usize,
    /// Rules.
    pub rules: usize,
    /// `refers` entries (desk, need → desk).
    pub referrals: usize,
    /// Lints run.
    pub lints: Vec<Code>,
    /// Rule checks given up on (condition too large or search budget spent); their rules
    /// are named here and produce no finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inconclusive: Vec<Id>,
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Minutes as `45 min` or `4 h 05 min`.
pub(crate) fn minutes(m: u64) -> String {
    if m < 60 {
        format!("{m} min")
    } else {
        format!("{} h {:02} min", m / 60, m % 60)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
            writeln!(f)?;
        }
        let r = &self.runarounds;
        if r.pairs > 0 {
            writeln!(
                f,
                "runarounds: {} of {} referral paths; {} today vs {} in one step ({} lost)",
                r.count,
                r.pairs,
                minutes(r.today_minutes),
                minutes(r.one_step_minutes),
                minutes(r.minutes_lost),
            )?;
        }
        if !self.stats.inconclusive.is_empty() {
            let ids: Vec<&str> = self
                .stats
                .inconclusive
                .iter()
                .take(10)
                .map(Id::as_str)
                .collect();
            writeln!(
                f,
                "inconclusive: {} too large to check exactly ({})",
                plural(self.stats.inconclusive.len(), "rule"),
                ids.join(", ")
            )?;
        }
        let s = &self.stats;
        write!(
            f,
            "summary: {}, {}, {} ({} lints over {}, {}, {}, {})",
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
            plural(self.count(Severity::Info), "info"),
            s.lints.len(),
            plural(s.desks, "desk"),
            plural(s.units, "unit"),
            plural(s.sites, "site"),
            plural(s.rules, "rule"),
        )
    }
}
