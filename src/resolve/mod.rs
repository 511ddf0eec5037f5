//! Resolution: from a request to the one desk able to solve it.

mod outcome;
mod request;
mod router;
mod trace;

pub use outcome::{Assignment, Gap, Opening, Outcome, Question, Resolution};
pub use request::{Request, RequestError, RequestTime};
pub use router::Router;
pub use trace::{Stop, Trace, TraceEnd};
