//! Stub.
use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding};
pub(crate) struct NoDutyDesk;
impl Lint for NoDutyDesk {
    fn code(&self) -> Code {
        Code::NoDutyDesk
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
