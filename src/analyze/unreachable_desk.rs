//! Stub.
use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding};
pub(crate) struct UnreachableDesk;
impl Lint for UnreachableDesk {
    fn code(&self) -> Code {
        Code::UnreachableDesk
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
