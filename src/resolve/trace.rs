//! Today's referral path from an entry desk: the runaround.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::model::Id;

/// The path a customer is sent along today, following each desk's `refers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The desk the customer walked up to first.
    pub entry: Id,
    /// The need.
    pub need: Id,
    /// The capability that solves the need (from the rules; the need itself if no rule
    /// decides without more facts).
    pub capability: Id,
    /// Every desk visited, in order, starting with the entry desk.
    pub stops: Vec<Stop>,
    /// Minutes spent travelling between stops.
    pub travel_minutes: u32,
    /// Minutes spent waiting at stops (queues, and closures when a time is given).
    pub wait_minutes: u32,
    /// Travel plus wait.
    pub total_minutes: u32,
    /// Distinct sites visited, in order of first visit.
    pub sites_visited: Vec<Id>,
    /// How it ends.
    pub end: TraceEnd,
    /// True when the last stop is at the site of the first (the customer went around in a
    /// circle of buildings).
    pub ends_where_started: bool,
}

/// One desk on a referral path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    /// Desk id.
    pub desk: Id,
    /// Desk name.
    pub desk_name: Id,
    /// Site id.
    pub site: Id,
    /// Minutes of travel from the previous stop (0 for the first; `None` if no route is known).
    pub travel_minutes: Option<u32>,
    /// Minutes waited here (queue, plus closure when a time was given).
    pub wait_minutes: u32,
    /// Local arrival time, when a time was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival: Option<NaiveDateTime>,
    /// Whether this desk can solve the need.
    pub can_solve: bool,
    /// Why it was closed, when a status update says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
}

/// How a referral path ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "end", rename_all = "snake_case")]
pub enum TraceEnd {
    /// At a desk that can solve the need.
    Solved {
        /// That desk.
        desk: Id,
    },
    /// The referrals loop back to a desk already visited.
    Cycle {
        /// The desk visited again.
        back_to: Id,
    },
    /// At a desk that cannot solve the need and refers nowhere.
    DeadEnd {
        /// That desk.
        desk: Id,
    },
}
