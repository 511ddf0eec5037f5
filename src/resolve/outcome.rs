//! What resolution answers.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::explain::Explanation;
use crate::model::Id;
use crate::rules::Value;

/// The answer to a request: the outcome and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// What to do.
    pub outcome: Outcome,
    /// Why. [`Router::resolve`](crate::Router::resolve) fills in the deciding rule and the
    /// chosen desk; [`Router::explain`](crate::Router::explain) also every rule and every
    /// candidate desk considered.
    pub explanation: Explanation,
}

/// What to do with a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The one desk that can solve it.
    Routed(Assignment),
    /// Ask these questions first; the answers decide which rule applies.
    NeedsInfo {
        /// The questions, in the order the rules need them.
        questions: Vec<Question>,
    },
    /// No desk can solve it; it goes to the nearest duty desk up the chain of command of
    /// the unit that owns it.
    Escalated {
        /// The duty desk.
        to: Assignment,
        /// What is missing in the organization.
        gap: Gap,
    },
    /// No desk can solve it and nobody owns it: a coverage gap.
    NoDesk {
        /// What is missing in the organization.
        gap: Gap,
    },
}

impl Outcome {
    /// The desk the customer should go to, if any.
    pub fn desk(&self) -> Option<&Id> {
        match self {
            Outcome::Routed(a) | Outcome::Escalated { to: a, .. } => Some(&a.desk),
            _ => None,
        }
    }

    /// The outcome's kind as a word: `routed`, `needs_info`, `escalated`, `no_desk`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Routed(_) => "routed",
            Outcome::NeedsInfo { .. } => "needs_info",
            Outcome::Escalated { .. } => "escalated",
            Outcome::NoDesk { .. } => "no_desk",
        }
    }
}

/// A desk the customer is sent to, with everything they need to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Desk id.
    pub desk: Id,
    /// Desk name.
    pub desk_name: Id,
    /// The unit that staffs it.
    pub unit: Id,
    /// Site id.
    pub site: Id,
    /// Site name.
    pub site_name: Id,
    /// Street address of the site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Id>,
    /// Minutes of travel from the request's site (`None` when the request gave no site).
    pub travel_minutes: Option<u32>,
    /// Expected queue in minutes.
    pub wait_minutes: u32,
    /// Travel plus wait: what ranks candidates.
    pub cost_minutes: u32,
    /// The desk's opening hours as written.
    pub hours: Id,
    /// Whether it is open when the customer gets there.
    pub opening: Opening,
    /// What to bring (the desk's requirements, then the rule's).
    pub bring: Vec<Id>,
}

/// Whether a desk is open when the customer arrives (local times, organization time zone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Opening {
    /// The request gave no time; hours were not considered.
    Unknown,
    /// Open on arrival.
    Open {
        /// Local arrival time.
        arrival: NaiveDateTime,
    },
    /// Closed on arrival; opens later.
    OpensLater {
        /// Local arrival time.
        arrival: NaiveDateTime,
        /// Local time it opens.
        opens: NaiveDateTime,
        /// Why it is closed now, when a status update says (e.g. `duty officer out sick`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Does not open within the look-ahead (a year).
    NotSoon {
        /// Local arrival time.
        arrival: NaiveDateTime,
        /// Why, when a status update says.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

/// A question to ask before a request can be routed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// The fact the answer gives.
    pub fact: Id,
    /// The question for the customer.
    pub question: String,
    /// The allowed answers (empty: any value of the fact's type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<Value>,
}

/// What the organization lacks to solve a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// The need.
    pub need: Id,
    /// The rule that decided (none when no rule matches the request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Id>,
    /// The capability required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<Id>,
    /// Minimum authority required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<u32>,
    /// Unit scope required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Id>,
    /// Site required (scope or desk constraint, resolved against the request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Id>,
    /// Language required (resolved against the request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Id>,
    /// The unit that owns the problem, if the rule names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Id>,
    /// One sentence for a person, e.g. "no open desk offers `x` in language `es`".
    pub summary: String,
}
