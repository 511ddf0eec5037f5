//! Stub.
use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding};
pub(crate) struct UnusedCapability;
impl Lint for UnusedCapability {
    fn code(&self) -> Code {
        Code::UnusedCapability
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
