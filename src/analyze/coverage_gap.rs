//! Stub.
use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding};
pub(crate) struct CoverageGap;
impl Lint for CoverageGap {
    fn code(&self) -> Code {
        Code::CoverageGap
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
