//! `referral-cycle`: today's referrals for a need go around in a circle.
//!
//! Each need's referrals form a graph of desks (a desk refers a need to at most one desk);
//! a strongly connected component with more than one desk, or a desk referring to
//! itself, is a circle a customer can be sent around forever. Found with petgraph's
//! `tarjan_scc`, in time linear in the referrals.

use petgraph::algo::tarjan_scc;
use petgraph::graph::NodeIndex;

use super::Lint;
use super::context::{Context, DeskIx, NeedReferrals};
use super::finding::{Code, Finding, Severity, Subject};
use crate::resolve::Request;

/// See the [module docs](self).
pub(crate) struct ReferralCycle;

impl Lint for ReferralCycle {
    fn code(&self) -> Code {
        Code::ReferralCycle
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for nr in cx.referrals() {
            let mut cycles: Vec<Vec<DeskIx>> = tarjan_scc(&nr.graph)
                .into_iter()
                .filter(|scc| {
                    scc.len() > 1 || scc.first().is_some_and(|&n| nr.graph.contains_edge(n, n))
                })
                .map(|scc| walk(nr, &scc))
                .collect();
            cycles.sort();
            for cycle in cycles {
                out.push(finding(cx, nr, &cycle));
            }
        }
    }
}

/// The cycle's desks in referral order, from its first desk in file order.
fn walk(nr: &NeedReferrals, scc: &[NodeIndex]) -> Vec<DeskIx> {
    let g = &nr.graph;
    let Some(&start) = scc.iter().min_by_key(|&&n| g.node_weight(n).copied()) else {
        return Vec::new();
    };
    let mut order = Vec::with_capacity(scc.len());
    let mut cur = start;
    loop {
        if let Some(&d) = g.node_weight(cur) {
            order.push(d);
        }
        match g.neighbors(cur).find(|n| scc.contains(n)) {
            Some(next) if next != start && order.len() < scc.len() => cur = next,
            _ => break,
        }
    }
    order
}

fn finding(cx: &Context<'_>, nr: &NeedReferrals, cycle: &[DeskIx]) -> Finding {
    let need = &nr.need;
    let names: Vec<String> = cycle
        .iter()
        .filter_map(|&d| cx.desk(d))
        .map(|d| format!("{} ({})", d.id, d.site))
        .collect();
    let first = cycle.first().and_then(|&d| cx.desk(d));
    let path = match first {
        Some(f) => format!("{} -> {}", names.join(" -> "), f.id),
        None => names.join(" -> "),
    };
    let caps = cx.need_caps(need);
    let solver = cx.solver_near(&caps, first.map(|d| d.site_ix));
    let fix = match (first, solver) {
        (Some(f), Some(s)) => format!(
            "point the `{need}` referral of `{}` (or of any desk in the circle) at `{}`, which can solve it",
            f.id, s.id
        ),
        (Some(f), None) => format!(
            "no desk offers {}: give that capability to a desk, then point the `{need}` referral of `{}` at it",
            caps.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" or "),
            f.id
        ),
        _ => String::new(),
    };
    Finding::new(
        Code::ReferralCycle,
        Severity::Error,
        format!(
            "referrals for `{need}` go around in a circle: {path}; a customer sent in is never served"
        ),
        fix,
    )
    .with([Subject::Need(need.clone())])
    .with(cycle.iter().map(|&d| Subject::Desk(cx.desk_id(d))))
    .example(first.map(|d| Request::new(need.as_str()).site(d.site.as_str())))
}
