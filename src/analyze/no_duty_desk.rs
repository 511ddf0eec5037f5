//! `no-duty-desk`: units with no duty desk anywhere on their chain of command. When no desk
//! can solve a request such a unit owns, escalation has nowhere to go and the customer
//! gets NoDesk.
//!
//! The chain of command is walked top-down in topological order (petgraph `toposort` over
//! the command edges), so each unit is visited once. One finding per root: a warning when
//! an affected unit owns a rule (its `owner`, or its `unit` scope), else info.

use std::collections::BTreeMap;

use petgraph::algo::toposort;
use petgraph::visit::EdgeFiltered;

use super::Lint;
use super::context::Context;
use super::coverage_gap::rule_list;
use super::finding::{Code, Finding, Severity, Subject};
use crate::model::{Id, OrgEdge, OrgNode};

/// See the [module docs](self).
pub(crate) struct NoDutyDesk;

impl Lint for NoDutyDesk {
    fn code(&self) -> Code {
        Code::NoDutyDesk
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let org = cx.org;
        let units = org.units();
        let g = org.graph();
        let command = EdgeFiltered::from_fn(g, |e| matches!(e.weight(), OrgEdge::Command));
        // The chain of command is validated acyclic, so this never fails.
        let Ok(order) = toposort(&command, None) else {
            return;
        };
        let mut covered = vec![false; units.len()];
        let mut root = vec![0u32; units.len()];
        for n in order {
            let Some(OrgNode::Unit(u)) = g.node_weight(n) else {
                continue;
            };
            let u = *u as usize;
            let Some(unit) = units.get(u) else { continue };
            let parent = unit.parent_ix.map(|p| p as usize);
            let from_parent = parent
                .and_then(|p| covered.get(p).copied())
                .unwrap_or(false);
            let r = parent
                .and_then(|p| root.get(p).copied())
                .unwrap_or(u as u32);
            if let Some(c) = covered.get_mut(u) {
                *c = unit.duty_desk.is_some() || from_parent;
            }
            if let Some(x) = root.get_mut(u) {
                *x = r;
            }
        }
        let mut owners: BTreeMap<Id, Vec<usize>> = BTreeMap::new();
        for (i, rule) in cx.live_rules() {
            if let Some(o) = &rule.owner {
                owners.entry(o.clone()).or_default().push(i);
            }
        }
        let mut by_root: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (u, c) in covered.iter().enumerate() {
            if !c {
                by_root
                    .entry(root.get(u).copied().unwrap_or(0))
                    .or_default()
                    .push(u);
            }
        }
        for (r, affected) in by_root {
            let Some(root_unit) = units.get(r as usize) else {
                continue;
            };
            let ids: Vec<Id> = affected
                .iter()
                .filter_map(|&u| units.get(u))
                .map(|u| u.id.clone())
                .collect();
            let mut owned: Vec<usize> = ids
                .iter()
                .flat_map(|u| owners.get(u).into_iter().flatten().copied())
                .collect();
            owned.sort_unstable();
            let rule_ids = cx.rule_ids(&owned);
            let names: Vec<String> = ids.iter().take(8).map(|u| format!("`{u}`")).collect();
            let more = if ids.len() > 8 {
                format!(" and {} more", ids.len() - 8)
            } else {
                String::new()
            };
            let (severity, tail) = if rule_ids.is_empty() {
                (Severity::Info, String::new())
            } else {
                (
                    Severity::Warning,
                    format!(
                        "; {} there, so requests nobody can solve end with no desk",
                        if rule_ids.len() == 1 {
                            format!("{} escalates", rule_list(&rule_ids))
                        } else {
                            format!("{} escalate", rule_list(&rule_ids))
                        }
                    ),
                )
            };
            let desk_hint = org
                .desks()
                .iter()
                .find(|d| cx.within(d, r))
                .map(|d| format!(" (e.g. `{}`)", d.id))
                .unwrap_or_default();
            out.push(
                Finding::new(
                    Code::NoDutyDesk,
                    severity,
                    format!(
                        "{} {}{more} {} no duty desk on {} chain of command{tail}",
                        if ids.len() == 1 { "unit" } else { "units" },
                        names.join(", "),
                        if ids.len() == 1 { "has" } else { "have" },
                        if ids.len() == 1 { "its" } else { "their" },
                    ),
                    format!("set `duty_desk` on unit `{}`{desk_hint}", root_unit.id),
                )
                .with(ids.into_iter().map(Subject::Unit))
                .with(rule_ids.into_iter().map(Subject::Rule)),
            );
        }
    }
}
