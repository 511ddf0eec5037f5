//! `unreachable-desk`: a desk no rule that can decide routes to, and that is nobody's duty
//! desk (escalations reach duty desks). A desk without capabilities that refers customers
//! on is a front desk and is fine; one that does nothing at all is reported as info.

use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding, Severity, Subject};

/// See the [module docs](self).
pub(crate) struct UnreachableDesk;

impl Lint for UnreachableDesk {
    fn code(&self) -> Code {
        Code::UnreachableDesk
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let desks = cx.org.desks();
        let mut routable = vec![false; desks.len()];
        let statics = cx.statics();
        let live = cx.live_sigs();
        let mut required: Vec<&crate::model::Id> = Vec::new();
        for (s, _) in &live {
            if let Some((sig, st)) = statics.sigs.get(*s) {
                required.push(&sig.capability);
                for &d in &st.candidates {
                    if let Some(r) = routable.get_mut(d as usize) {
                        *r = true;
                    }
                }
            }
        }
        for u in cx.org.units() {
            if let Some(d) = u.duty_desk_ix {
                if let Some(r) = routable.get_mut(d as usize) {
                    *r = true;
                }
            }
        }
        for (i, desk) in desks.iter().enumerate() {
            if routable.get(i) == Some(&true) {
                continue;
            }
            if desk.capabilities.is_empty() {
                if desk.refers.is_empty() {
                    out.push(
                        Finding::new(
                            Code::UnreachableDesk,
                            Severity::Info,
                            format!(
                                "desk `{}` ({}) has no capabilities, refers nobody and is nobody's duty desk",
                                desk.id, desk.site
                            ),
                            format!("give `{}` capabilities, or remove it", desk.id),
                        )
                        .with([Subject::Desk(desk.id.clone())]),
                    );
                }
                continue;
            }
            let (needed, unneeded): (Vec<&crate::model::Id>, Vec<&crate::model::Id>) =
                desk.capabilities.iter().partition(|c| required.contains(c));
            let mut why = Vec::new();
            if !unneeded.is_empty() {
                let list: Vec<String> = unneeded.iter().map(|c| format!("`{c}`")).collect();
                why.push(format!(
                    "no rule that can decide requires {}",
                    list.join(", ")
                ));
            }
            if !needed.is_empty() {
                let list: Vec<String> = needed.iter().map(|c| format!("`{c}`")).collect();
                why.push(format!(
                    "the rules requiring {} exclude it by scope, authority or language",
                    list.join(", ")
                ));
            }
            out.push(
                Finding::new(
                    Code::UnreachableDesk,
                    Severity::Warning,
                    format!(
                        "no rule routes customers to desk `{}` ({}): {}",
                        desk.id,
                        desk.site,
                        why.join("; ")
                    ),
                    format!(
                        "write a rule that routes to `{}`, widen a rule's scope to include it, or remove it",
                        desk.id
                    ),
                )
                .with([Subject::Desk(desk.id.clone())])
                .with(desk.capabilities.iter().cloned().map(Subject::Capability)),
            );
        }
    }
}
