//! `unused-capability`: a capability desks offer that no rule that can decide requires.
//! Often a typo on one side, or a service nobody can be routed to.

use std::collections::{BTreeMap, HashSet};

use super::Lint;
use super::context::{Context, DeskIx};
use super::finding::{Code, Finding, Severity, Subject};
use crate::model::Id;

/// See the [module docs](self).
pub(crate) struct UnusedCapability;

impl Lint for UnusedCapability {
    fn code(&self) -> Code {
        Code::UnusedCapability
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let live: HashSet<&Id> = cx.live_rules().map(|(_, r)| &r.capability).collect();
        let any: HashSet<&Id> = cx.rules.rules().iter().map(|r| &r.capability).collect();
        let offered: BTreeMap<&Id, &Vec<DeskIx>> = cx.cap_desks().iter().collect();
        for (cap, desks) in offered {
            if live.contains(cap) {
                continue;
            }
            let names: Vec<String> = desks
                .iter()
                .take(5)
                .map(|&d| format!("`{}`", cx.desk_id(d)))
                .collect();
            let more = if desks.len() > 5 {
                format!(" and {} more", desks.len() - 5)
            } else {
                String::new()
            };
            let close = cx
                .rules
                .rules()
                .iter()
                .map(|r| r.capability.as_str())
                .filter(|c| !cx.cap_desks().contains_key(*c));
            let hint = crate::model::closest_id(close, cap)
                .map(|c| format!("; did a rule mean `{cap}` where it says `{c}`?"))
                .unwrap_or_default();
            let why = if any.contains(cap) {
                "only rules that can never decide require it"
            } else {
                "no rule requires it"
            };
            out.push(
                Finding::new(
                    Code::UnusedCapability,
                    Severity::Info,
                    format!(
                        "{}{more} offer{} `{cap}`, but {why}{hint}",
                        names.join(", "),
                        if desks.len() == 1 { "s" } else { "" }
                    ),
                    format!("add a rule that requires `{cap}`, or remove it from the desks"),
                )
                .with([Subject::Capability(cap.clone())])
                .with(desks.iter().map(|&d| Subject::Desk(cx.desk_id(d)))),
            );
        }
    }
}
