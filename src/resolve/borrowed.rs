//! The answer as a view into the router: [`ResolutionRef`], what
//! [`Router::resolve_ref`](crate::Router::resolve_ref) returns. It holds the same answer as
//! a [`Resolution`], with the chosen desk, its site and the deciding rule borrowed from the
//! router instead of copied out of it, so a routed answer costs no allocation and no
//! reference count. [`ResolutionRef::to_resolution`] makes the owned answer (that is all
//! [`Router::resolve`](crate::Router::resolve) adds), and serializing either gives the
//! same JSON.

use std::fmt::{self, Display, Formatter};

use serde::Serialize;

use super::{Assignment, Gap, Opening, Outcome, Question, Resolution};
use crate::explain::Explanation;
use crate::model::{Desk, Id, Site};
use crate::rules::Rule;

/// A [`Resolution`] borrowed from the router that answered it.
///
/// # Example
/// ```
/// use rightdesk::load::{org_from_str, rules_from_str};
/// use rightdesk::{Format, OutcomeRef, Request, Router};
/// let org = org_from_str(r#"
/// sites: [{id: hq, address: "1 Main St"}]
/// units: [{id: records}]
/// desks: [{id: counter, unit: records, site: hq, capabilities: [report.copy], requires: [photo_id]}]
/// "#, Format::Yaml, None)?;
/// let rules = rules_from_str(r#"
/// rules:
///   - {id: copies, when: {fact: need, eq: report.copy}, then: {capability: report.copy}}
/// "#, Format::Yaml, None, &org)?;
/// let router = Router::new(org, rules);
/// let req = Request::new("report.copy").site("hq");
/// let res = router.resolve_ref(&req)?;
/// if let OutcomeRef::Routed(a) = &res.outcome {
///     assert_eq!(a.desk.id, "counter");
///     assert_eq!(a.site.address.as_ref().map(|s| s.as_str()), Some("1 Main St"));
///     assert_eq!(a.bring().map(|b| b.as_str()).collect::<Vec<_>>(), ["photo_id"]);
/// }
/// assert_eq!(res.rule.map(|r| r.id.as_str()), Some("copies"));
/// // The owned answer, and the same JSON either way.
/// assert_eq!(res.to_resolution(), router.resolve(&req)?);
/// assert_eq!(serde_json::to_string(&res)?, serde_json::to_string(&res.to_resolution())?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ResolutionRef<'r> {
    /// What to do.
    pub outcome: OutcomeRef<'r>,
    /// The rule that decided, if any (the [`Explanation`] names it and its description).
    pub rule: Option<&'r Rule>,
}

/// An [`Outcome`] borrowed from the router.
#[derive(Debug, Clone, PartialEq)]
pub enum OutcomeRef<'r> {
    /// The one desk that can solve it.
    Routed(AssignmentRef<'r>),
    /// Ask these questions first; the answers decide which rule applies.
    NeedsInfo {
        /// The questions, in the order the rules need them.
        questions: Vec<Question>,
    },
    /// No desk can solve it; it goes to the duty desk up the chain of command.
    Escalated {
        /// The duty desk.
        to: AssignmentRef<'r>,
        /// What is missing in the organization.
        gap: Gap,
    },
    /// No desk can solve it and nobody owns it: a coverage gap.
    NoDesk {
        /// What is missing in the organization.
        gap: Gap,
    },
}

/// An [`Assignment`] borrowed from the router: the desk and its site as the organization
/// holds them, with what this request adds (travel, wait, opening).
#[derive(Debug, Clone)]
pub struct AssignmentRef<'r> {
    /// The desk.
    pub desk: &'r Desk,
    /// Its site.
    pub site: &'r Site,
    /// Minutes of travel from the request's site (`None` when the request gave no site).
    pub travel_minutes: Option<u32>,
    /// Expected queue in minutes (live status included).
    pub wait_minutes: u32,
    /// Travel plus wait: what ranks candidates.
    pub cost_minutes: u32,
    /// Whether it is open when the customer gets there.
    pub opening: Opening,
    /// The rule whose documents the customer also brings.
    pub(crate) rule: &'r Rule,
}

impl<'r> ResolutionRef<'r> {
    /// The owned [`Resolution`]: names copied out of the router, the explanation naming the
    /// deciding rule.
    pub fn to_resolution(&self) -> Resolution {
        Resolution {
            outcome: self.outcome.to_outcome(),
            explanation: Explanation {
                rule: self.rule.map(|r| r.id.clone()),
                rule_description: self.rule.and_then(|r| r.description.clone()),
                rules: Vec::new(),
                candidates: Vec::new(),
            },
        }
    }
}

impl<'r> OutcomeRef<'r> {
    /// The owned [`Outcome`].
    pub fn to_outcome(&self) -> Outcome {
        match self {
            OutcomeRef::Routed(a) => Outcome::Routed(a.to_assignment()),
            OutcomeRef::NeedsInfo { questions } => Outcome::NeedsInfo {
                questions: questions.clone(),
            },
            OutcomeRef::Escalated { to, gap } => Outcome::Escalated {
                to: to.to_assignment(),
                gap: gap.clone(),
            },
            OutcomeRef::NoDesk { gap } => Outcome::NoDesk { gap: gap.clone() },
        }
    }

    /// The desk the customer should go to, if any.
    pub fn desk(&self) -> Option<&'r Desk> {
        match self {
            OutcomeRef::Routed(a) | OutcomeRef::Escalated { to: a, .. } => Some(a.desk),
            _ => None,
        }
    }

    /// The outcome's kind as a word, as [`Outcome::kind`].
    pub fn kind(&self) -> &'static str {
        match self {
            OutcomeRef::Routed(_) => "routed",
            OutcomeRef::NeedsInfo { .. } => "needs_info",
            OutcomeRef::Escalated { .. } => "escalated",
            OutcomeRef::NoDesk { .. } => "no_desk",
        }
    }
}

impl<'r> AssignmentRef<'r> {
    /// What to bring: the desk's requirements, then the rule's, without repeats (as
    /// [`Assignment::bring`]).
    pub fn bring(&self) -> impl Iterator<Item = &'r Id> + 'r {
        let requires: &'r [Id] = &self.desk.requires;
        let extra: &'r [Id] = &self.rule.bring;
        requires.iter().chain(
            extra
                .iter()
                .enumerate()
                .filter(move |&(i, b)| {
                    !requires.contains(b) && !extra.get(..i).is_some_and(|s| s.contains(b))
                })
                .map(|(_, b)| b),
        )
    }

    /// The owned [`Assignment`].
    pub fn to_assignment(&self) -> Assignment {
        Assignment {
            desk: self.desk.id.clone(),
            desk_name: self.desk.name.clone(),
            unit: self.desk.unit.clone(),
            site: self.site.id.clone(),
            site_name: self.site.name.clone(),
            address: self.site.address.clone(),
            travel_minutes: self.travel_minutes,
            wait_minutes: self.wait_minutes,
            cost_minutes: self.cost_minutes,
            hours: self.desk.hours.text(),
            opening: self.opening.clone(),
            bring: self.bring().cloned().collect(),
        }
    }
}

/// Two views are equal when their [`Assignment`]s are (the same desk, site and documents
/// with the same figures, from any router).
impl PartialEq for AssignmentRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.to_assignment() == other.to_assignment()
    }
}

impl Display for ResolutionRef<'_> {
    /// As the owned [`Resolution`] displays.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        Display::fmt(&self.to_resolution(), f)
    }
}

// Serialization: the same JSON as the owned types, written from borrowed fields.

#[derive(Serialize)]
struct ResolutionSer<'a> {
    outcome: OutcomeSer<'a>,
    explanation: ExplanationSer<'a>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum OutcomeSer<'a> {
    Routed(AssignmentSer<'a>),
    NeedsInfo { questions: &'a [Question] },
    Escalated { to: AssignmentSer<'a>, gap: &'a Gap },
    NoDesk { gap: &'a Gap },
}

#[derive(Serialize)]
struct ExplanationSer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_description: Option<&'a Id>,
}

#[derive(Serialize)]
struct AssignmentSer<'a> {
    desk: &'a Id,
    desk_name: &'a Id,
    unit: &'a Id,
    site: &'a Id,
    site_name: &'a Id,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'a Id>,
    travel_minutes: Option<u32>,
    wait_minutes: u32,
    cost_minutes: u32,
    hours: &'a str,
    opening: &'a Opening,
    bring: Bring<'a>,
}

/// The documents as a JSON list, read from the desk and the rule.
struct Bring<'a>(&'a AssignmentRef<'a>);

impl Serialize for Bring<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.bring())
    }
}

impl<'a> AssignmentSer<'a> {
    fn of(a: &'a AssignmentRef<'a>) -> AssignmentSer<'a> {
        AssignmentSer {
            desk: &a.desk.id,
            desk_name: &a.desk.name,
            unit: &a.desk.unit,
            site: &a.site.id,
            site_name: &a.site.name,
            address: a.site.address.as_ref(),
            travel_minutes: a.travel_minutes,
            wait_minutes: a.wait_minutes,
            cost_minutes: a.cost_minutes,
            hours: a.desk.hours.as_str(),
            opening: &a.opening,
            bring: Bring(a),
        }
    }
}

impl Serialize for ResolutionRef<'_> {
    /// The same document as the owned [`Resolution`] serializes to.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let outcome = match &self.outcome {
            OutcomeRef::Routed(a) => OutcomeSer::Routed(AssignmentSer::of(a)),
            OutcomeRef::NeedsInfo { questions } => OutcomeSer::NeedsInfo { questions },
            OutcomeRef::Escalated { to, gap } => OutcomeSer::Escalated {
                to: AssignmentSer::of(to),
                gap,
            },
            OutcomeRef::NoDesk { gap } => OutcomeSer::NoDesk { gap },
        };
        ResolutionSer {
            outcome,
            explanation: ExplanationSer {
                rule: self.rule.map(|r| &r.id),
                rule_description: self.rule.and_then(|r| r.description.as_ref()),
            },
        }
        .serialize(s)
    }
}
