//! `single-point-of-failure`: a rule that exactly one desk can serve. One sick officer, one
//! meeting, and every such request is escalated.

use std::collections::BTreeMap;

use super::Lint;
use super::context::{Context, DeskIx};
use super::coverage_gap::rule_list;
use super::finding::{Code, Finding, Severity, Subject};
use crate::model::Id;

/// See the [module docs](self).
pub(crate) struct SinglePointOfFailure;

impl Lint for SinglePointOfFailure {
    fn code(&self) -> Code {
        Code::SinglePointOfFailure
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let statics = cx.statics();
        // (desk, capability) → rules.
        let mut single: BTreeMap<(DeskIx, Id), Vec<usize>> = BTreeMap::new();
        for (s, rules) in cx.live_sigs() {
            let Some((sig, st)) = statics.sigs.get(s) else {
                continue;
            };
            if let [only] = st.candidates.as_slice() {
                single
                    .entry((*only, sig.capability.clone()))
                    .or_default()
                    .extend(rules);
            }
        }
        for ((d, capability), mut rules) in single {
            let Some(desk) = cx.desk(d) else { continue };
            rules.sort_unstable();
            rules.dedup();
            let ids = cx.rule_ids(&rules);
            // A colleague who could take over: same unit, then same site.
            let backup = cx
                .org
                .desks()
                .iter()
                .find(|o| o.id != desk.id && o.unit == desk.unit)
                .or_else(|| {
                    cx.org
                        .desks()
                        .iter()
                        .find(|o| o.id != desk.id && o.site == desk.site)
                });
            let fix = match backup {
                Some(b) => format!(
                    "give `{capability}` to a second desk (e.g. `{}`, {}) so one closure does not stop the service",
                    b.id,
                    if b.unit == desk.unit {
                        format!("also in unit `{}`", b.unit)
                    } else {
                        format!("also at site `{}`", b.site)
                    }
                ),
                None => format!("give `{capability}` to a second desk"),
            };
            out.push(
                Finding::new(
                    Code::SinglePointOfFailure,
                    Severity::Warning,
                    format!(
                        "only `{}` ({}) can serve `{capability}` for {}: if it closes, every such request is escalated",
                        desk.id,
                        desk.site,
                        rule_list(&ids)
                    ),
                    fix,
                )
                .with([Subject::Desk(desk.id.clone()), Subject::Capability(capability)])
                .with(ids.into_iter().map(Subject::Rule)),
            );
        }
    }
}
