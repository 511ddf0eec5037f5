//! Resolution: from a request to the one desk able to solve it.

mod borrowed;
pub(crate) mod engine;
mod outcome;
pub mod reference;
mod referrals;
mod request;
mod router;
pub(crate) mod time;
mod trace;
mod validate;

pub use borrowed::{AssignmentRef, OutcomeRef, ResolutionRef};
pub use outcome::{Assignment, Gap, Opening, Outcome, Question, Resolution};
pub use request::{Request, RequestError, RequestTime};
pub use router::Router;
pub use trace::{Stop, Trace, TraceEnd};
