//! Following today's referrals from an entry desk: the runaround.

use chrono::{DateTime, Utc};

use super::engine::{Arrival, Decision, Engine};
use super::time::{minutes_between, plus_minutes};
use super::{Request, Stop, Trace, TraceEnd};
use crate::compile::rule_index::Merge;
use crate::model::{DeskIx, Id};

/// Follow `refers` edges for `need` from `entry`.
pub(crate) fn follow(
    e: &Engine<'_, '_>,
    entry: DeskIx,
    need: &str,
    at: Option<DateTime<Utc>>,
) -> Trace {
    let org = e.org;
    let req = Request::new(need);
    // What solves the need, as far as the rules say without any facts.
    let facts = e.comp.rule_index.symbols.facts(&req);
    let lists = e.comp.rule_index.lists_for(&facts);
    let query = match e.decide_with(&req, &facts, Merge::new(lists), |_, _, _| {}) {
        Decision::Rule(pos) => e.query(&req, pos),
        _ => None,
    };
    let capability = query
        .as_ref()
        .map_or_else(|| Id::from(need), |q| q.rule.capability.clone());
    let need_sym = org.symbol_ix.get(need).copied();
    let can_solve = |d: DeskIx| -> bool {
        match &query {
            Some(q) => e.status.offers(org, d, &q.rule.capability) && e.static_ok(d, q),
            None => e.status.offers(org, d, need),
        }
    };

    let mut stops: Vec<Stop> = Vec::new();
    let mut visited = vec![false; org.desks.len()];
    let mut sites_visited: Vec<Id> = Vec::new();
    let (mut travel_total, mut wait_total) = (0u32, 0u32);
    let mut now = at;
    let mut prev_site = None;
    let mut cur = entry;
    let end = loop {
        let Some(desk) = org.desks.get(cur as usize) else {
            break TraceEnd::DeadEnd { desk: Id::from("") };
        };
        let travel = match prev_site {
            None => Some(0),
            Some(p) => org.travel_ix(p, desk.site_ix),
        };
        let leg = travel.unwrap_or(0);
        travel_total = travel_total.saturating_add(leg);
        now = now.map(|t| plus_minutes(t, leg));
        let arrival = now.map(|t| Arrival::new(t, e.comp.zone.to_local(t)));
        let closure = e.status.closure(cur).filter(|c| c.closed_at(now));
        let closed = closure.map(|c| {
            c.reason
                .clone()
                .unwrap_or_else(|| "closed by a status update".to_owned())
        });
        // Served: the desk is (or becomes) open, so the customer queues there.
        let mut wait = 0u32;
        let hot = e.comp.hot(cur);
        let served = if e.open_on_arrival(cur, &hot, arrival.as_ref()) {
            true
        } else {
            match arrival.as_ref().and_then(|a| e.next_opening(cur, &hot, a)) {
                Some(later) => {
                    if let Some(t) = now {
                        wait = minutes_between(t, later.opens);
                        now = Some(later.opens.max(t));
                    }
                    true
                }
                None => false,
            }
        };
        if served {
            let queue = e.status.wait(cur, desk.wait_minutes);
            wait = wait.saturating_add(queue);
            now = now.map(|t| plus_minutes(t, queue));
        }
        wait_total = wait_total.saturating_add(wait);
        let solves = served && can_solve(cur);
        if let Some(site) = org.sites.get(desk.site_ix as usize) {
            if !sites_visited.contains(&site.id) {
                sites_visited.push(site.id.clone());
            }
        }
        stops.push(Stop {
            desk: desk.id.clone(),
            desk_name: desk.name.clone(),
            site: desk.site.clone(),
            travel_minutes: travel,
            wait_minutes: wait,
            arrival: arrival.map(|a| a.local_time()),
            can_solve: solves,
            closed,
        });
        if let Some(v) = visited.get_mut(cur as usize) {
            *v = true;
        }
        if solves {
            break TraceEnd::Solved {
                desk: desk.id.clone(),
            };
        }
        let next = need_sym.and_then(|n| {
            org.refers_ix(cur)
                .iter()
                .find(|(k, _)| *k == n)
                .map(|&(_, to)| to)
        });
        match next {
            None => {
                break TraceEnd::DeadEnd {
                    desk: desk.id.clone(),
                };
            }
            Some(n) if visited.get(n as usize).copied().unwrap_or(true) => {
                break TraceEnd::Cycle {
                    back_to: org
                        .desks
                        .get(n as usize)
                        .map_or_else(|| Id::from(""), |d| d.id.clone()),
                };
            }
            Some(n) => {
                prev_site = Some(desk.site_ix);
                cur = n;
            }
        }
    };
    let ends_where_started =
        stops.len() > 1 && stops.first().map(|s| &s.site) == stops.last().map(|s| &s.site);
    Trace {
        entry: stops
            .first()
            .map_or_else(|| Id::from(""), |s| s.desk.clone()),
        need: Id::from(need),
        capability,
        stops,
        travel_minutes: travel_total,
        wait_minutes: wait_total,
        total_minutes: travel_total.saturating_add(wait_total),
        sites_visited,
        end,
        ends_where_started,
    }
}
