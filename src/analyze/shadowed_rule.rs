//! Stub.
use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding};
pub(crate) struct ShadowedRule;
impl Lint for ShadowedRule {
    fn code(&self) -> Code {
        Code::ShadowedRule
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
