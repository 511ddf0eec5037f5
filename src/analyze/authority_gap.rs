//! Stub.
use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding};
pub(crate) struct AuthorityGap;
impl Lint for AuthorityGap {
    fn code(&self) -> Code {
        Code::AuthorityGap
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
