//! Explanations: which rule decided and why, which desks were considered and why each was
//! or was not chosen.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::model::Id;

mod display;
pub(crate) mod why;

/// Why a request was resolved the way it was.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The rule that decided, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Id>,
    /// That rule's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_description: Option<Id>,
    /// Every rule evaluated before the decision, with its verdict (only from
    /// [`Router::explain`](crate::Router::explain)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleNote>,
    /// Every candidate desk considered, with why it was or was not chosen (only from
    /// [`Router::explain`](crate::Router::explain)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<CandidateNote>,
}

/// A rule's verdict on a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleNote {
    /// Rule id.
    pub rule: Id,
    /// Priority.
    pub priority: i32,
    /// The verdict.
    pub verdict: RuleVerdict,
    /// Why, for a person, e.g. "`requester` is `officer`, not `public`".
    pub why: String,
}

/// A rule's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleVerdict {
    /// The condition holds; this rule decided.
    Matched,
    /// The condition does not hold.
    NotMatched,
    /// The condition depends on facts the request does not have.
    Unknown,
}

/// A desk considered for a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateNote {
    /// Desk id.
    pub desk: Id,
    /// Travel plus wait in minutes, when reachable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_minutes: Option<u32>,
    /// Chosen, or why not.
    pub verdict: CandidateVerdict,
}

/// Why a desk was or was not chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CandidateVerdict {
    /// This desk was chosen.
    Chosen,
    /// The desk lacks the capability (or a status update removed it).
    MissingCapability,
    /// Authority too low.
    AuthorityTooLow {
        /// The desk's authority.
        has: u32,
        /// The rule's minimum.
        needs: u32,
    },
    /// Not in the unit scope.
    OutOfScope {
        /// The unit the rule requires.
        unit: Id,
    },
    /// Not at the required site.
    WrongSite {
        /// The site required.
        site: Id,
    },
    /// Does not speak the language.
    WrongLanguage {
        /// The language required.
        language: Id,
    },
    /// No known travel route from the customer's site.
    Unreachable,
    /// Closed on arrival (by its hours or a status update).
    Closed {
        /// When it opens, if within a year.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opens: Option<NaiveDateTime>,
        /// The status update's reason, if one closed it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Able and open, but the chosen desk costs less (or ties and sorts first).
    HigherCost {
        /// This desk's cost.
        cost: u32,
        /// The chosen desk's cost.
        best: u32,
    },
    /// Nothing was open; another desk can serve sooner.
    ServesLater {
        /// When this one could serve.
        at: NaiveDateTime,
    },
}
