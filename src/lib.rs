//! # rightdesk
//!
//! Route a customer's request to **the one desk able to solve it**, and find the runarounds
//! in an organization before customers do.
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::panic, clippy::expect_used)
)]

pub mod analyze;
mod compile;
pub mod explain;
pub mod hours;
pub mod load;
pub mod model;
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
pub use resolve::{Outcome, Request, RequestError, RequestTime, Resolution, Router, Trace};
pub use rules::{RuleSet, RuleSetSpec};
pub use status::{StatusError, StatusUpdate};
