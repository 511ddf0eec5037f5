//! Stub.
use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding};
pub(crate) struct Runaround;
impl Lint for Runaround {
    fn code(&self) -> Code {
        Code::Runaround
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
