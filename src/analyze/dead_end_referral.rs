//! `dead-end-referral`: a referral ends at a desk that cannot solve the need and refers
//! nowhere.
//!
//! In each need's referral graph, a desk that is referred to, refers the need nowhere and
//! has none of the capabilities that rules may demand for the need (the need itself when
//! no rule covers it) is a dead end.

use petgraph::Direction;

use super::Lint;
use super::context::{Context, DeskIx};
use super::finding::{Code, Finding, Severity, Subject};
use crate::resolve::Request;

/// See the [module docs](self).
pub(crate) struct DeadEndReferral;

impl Lint for DeadEndReferral {
    fn code(&self) -> Code {
        Code::DeadEndReferral
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for nr in cx.referrals() {
            let g = &nr.graph;
            let need = &nr.need;
            let mut ends: Vec<(DeskIx, Vec<DeskIx>)> = Vec::new();
            for n in g.node_indices() {
                if g.neighbors(n).next().is_some() {
                    continue;
                }
                let Some(&d) = g.node_weight(n) else { continue };
                let mut from: Vec<DeskIx> = g
                    .neighbors_directed(n, Direction::Incoming)
                    .filter_map(|m| g.node_weight(m).copied())
                    .collect();
                from.sort_unstable();
                ends.push((d, from));
            }
            if ends.is_empty() {
                continue;
            }
            let caps = cx.need_caps(need);
            ends.sort();
            for (d, from) in ends {
                if cx.can_solve(d, &caps) {
                    continue;
                }
                let Some(desk) = cx.desk(d) else { continue };
                let senders: Vec<String> = from
                    .iter()
                    .map(|&f| format!("`{}`", cx.desk_id(f)))
                    .collect();
                let solver = cx.solver_near(&caps, Some(desk.site_ix));
                let fix = match solver {
                    Some(s) => format!(
                        "point {} (or `{}` itself) at `{}`, which can solve `{need}`",
                        senders.join(", "),
                        desk.id,
                        s.id
                    ),
                    None => format!(
                        "no desk can solve `{need}`: give `{}` a capability for it ({})",
                        desk.id,
                        caps.iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                };
                let sender_site = from
                    .first()
                    .and_then(|&f| cx.desk(f))
                    .map(|f| f.site.as_str());
                out.push(
                    Finding::new(
                        Code::DeadEndReferral,
                        Severity::Error,
                        format!(
                            "{} send{} customers needing `{need}` to `{}` ({}), which cannot solve it and refers them nowhere",
                            senders.join(", "),
                            if from.len() == 1 { "s" } else { "" },
                            desk.id,
                            desk.site
                        ),
                        fix,
                    )
                    .with([Subject::Need(need.clone()), Subject::Desk(desk.id.clone())])
                    .with(from.iter().map(|&f| Subject::Desk(cx.desk_id(f))))
                    .example(Some(match sender_site {
                        Some(s) => Request::new(need.as_str()).site(s),
                        None => Request::new(need.as_str()),
                    })),
                );
            }
        }
    }
}
