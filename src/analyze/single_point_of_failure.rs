//! Stub.
use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding};
pub(crate) struct SinglePointOfFailure;
impl Lint for SinglePointOfFailure {
    fn code(&self) -> Code {
        Code::SinglePointOfFailure
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
