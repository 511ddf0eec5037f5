//! Stub.
use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding};
pub(crate) struct AmbiguousRules;
impl Lint for AmbiguousRules {
    fn code(&self) -> Code {
        Code::AmbiguousRules
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
