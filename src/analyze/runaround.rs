//! `runaround`: today's referral path against the one-step resolution.
//!
//! For every desk with a `refers` entry for a need, today's path is traced with
//! [`Router::trace_referrals`](crate::Router::trace_referrals) (stops, travel and wait
//! minutes, sites visited, how it ends) at [`Options::at`](super::Options::at), and the
//! same need is resolved in one step with [`Router::resolve`](crate::Router::resolve)
//! from the desk's site, with facts that make a rule decide (preferring a rule that
//! demands the capability the trace looked for). The one-step journey starts like today's:
//! the customer queues at the entry desk, where rightdesk answers (on its screen, or at a
//! kiosk beside it); then they go straight to the resolved desk. So its minutes are the
//! entry desk's wait plus the resolution's travel and wait (plus the wait until that desk
//! opens), and the resolution is asked at the time the customer leaves the entry desk.
//!
//! A path is a runaround when it has more stops than the one-step journey, is at least
//! [`Options::runaround_minutes`](super::Options::runaround_minutes) slower, or never
//! reaches a desk that can solve the need. Totals count every (desk, need) pair; findings
//! are reported, worst first, for paths starting at a desk nobody refers the need to
//! (where customers walk in). A path that leaves its building and ends back in it, solved
//! there, is an error: the right desk was in the building all along.

use std::collections::HashMap;

use petgraph::Direction;

use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding, Severity, Subject};
use super::report::{OneStep, Runaround as Item, Runarounds, minutes};
use crate::model::Id;
use chrono::Duration;

use crate::resolve::{Assignment, Opening, Outcome, Request, RequestTime, TraceEnd};

/// See the [module docs](self).
pub(crate) struct Runaround;

/// A one-step resolution from a site, shared by every entry desk at that site.
struct Resolved {
    request: Request,
    assignment: Option<(Assignment, &'static str, Option<Id>)>,
}

impl Lint for Runaround {
    fn code(&self) -> Code {
        Code::Runaround
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut summary = Runarounds::default();
        let mut heads: Vec<Item> = Vec::new();
        let mut cache: HashMap<(Id, Id, Id, u32), Resolved> = HashMap::new();
        for nr in cx.referrals() {
            let g = &nr.graph;
            let need = &nr.need;
            for n in g.node_indices() {
                if g.neighbors(n).next().is_none() {
                    continue;
                }
                let Some(desk) = g.node_weight(n).and_then(|&d| cx.desk(d)) else {
                    continue;
                };
                let head = g
                    .neighbors_directed(n, Direction::Incoming)
                    .next()
                    .is_none();
                let Ok(trace) = cx.router.trace_referrals(&desk.id, need, cx.options.at) else {
                    continue;
                };
                summary.pairs += 1;
                let entry_wait = trace.stops.first().map_or(0, |s| s.wait_minutes);
                let key = (
                    need.clone(),
                    desk.site.clone(),
                    trace.capability.clone(),
                    entry_wait,
                );
                let resolved = cache.entry(key).or_insert_with(|| {
                    resolve(cx, need, &desk.site, &trace.capability, entry_wait)
                });
                let one_step = resolved.assignment.as_ref().and_then(|(a, kind, rule)| {
                    one_step(a, kind, rule, &desk.id, &desk.site, entry_wait)
                });
                let stops = trace.stops.len() as u32;
                let (extra_stops, extra_minutes) = match &one_step {
                    Some(o) => (
                        stops.saturating_sub(o.stops),
                        trace.total_minutes.saturating_sub(o.minutes),
                    ),
                    None => (stops.saturating_sub(1), 0),
                };
                // The router traces one capability; a dead end at a desk that has another
                // capability rules demand for the need still serves some customers.
                let solved = match &trace.end {
                    TraceEnd::Solved { .. } => true,
                    TraceEnd::DeadEnd { desk } => cx
                        .org
                        .desk_index(desk.as_str())
                        .is_some_and(|d| cx.can_solve(d, &cx.need_caps(need))),
                    TraceEnd::Cycle { .. } => false,
                };
                if solved && extra_stops == 0 && extra_minutes < cx.options.runaround_minutes.max(1)
                {
                    continue;
                }
                summary.count += 1;
                summary.today_minutes += u64::from(trace.total_minutes);
                summary.one_step_minutes += one_step.as_ref().map_or(0, |o| u64::from(o.minutes));
                summary.minutes_lost += u64::from(extra_minutes);
                if head {
                    heads.push(Item {
                        entry: desk.id.clone(),
                        need: need.clone(),
                        today: trace,
                        one_step,
                        extra_stops,
                        extra_minutes,
                        request: resolved.request.clone(),
                        solved,
                    });
                }
            }
        }
        heads.sort_by(|a, b| {
            severity(b)
                .cmp(&severity(a))
                .then(b.extra_minutes.cmp(&a.extra_minutes))
                .then(b.extra_stops.cmp(&a.extra_stops))
                .then(a.need.cmp(&b.need))
                .then(a.entry.cmp(&b.entry))
        });
        heads.truncate(cx.options.max_runarounds);
        for item in &heads {
            out.push(finding(item));
        }
        summary.worst = heads;
        *cx.runarounds.borrow_mut() = Some(summary);
    }
}

fn resolve(cx: &Context<'_>, need: &Id, site: &Id, capability: &Id, entry_wait: u32) -> Resolved {
    let mut request = match cx.example_request(need, Some(site), Some(capability)) {
        Some((r, _)) => r,
        None => Request::new(need.as_str()).site(site.as_str()),
    };
    // Asked when the customer leaves the entry desk; shown with the arrival time.
    request.at = cx.options.at;
    let mut asked = request.clone();
    let after = Duration::minutes(i64::from(entry_wait));
    asked.at = cx.options.at.map(|t| match t {
        RequestTime::Local(l) => RequestTime::Local(l + after),
        RequestTime::Instant(i) => RequestTime::Instant(i + after),
    });
    let assignment = match cx.router.resolve(&asked) {
        Ok(r) => match r.outcome {
            Outcome::Routed(a) => Some((a, "routed", r.explanation.rule)),
            Outcome::Escalated { to, gap } => Some((to, "escalated", gap.rule)),
            _ => None,
        },
        Err(_) => None,
    };
    Resolved {
        request,
        assignment,
    }
}

fn one_step(
    a: &Assignment,
    kind: &'static str,
    rule: &Option<Id>,
    entry: &Id,
    entry_site: &Id,
    entry_wait: u32,
) -> Option<OneStep> {
    let delay = match &a.opening {
        Opening::Unknown | Opening::Open { .. } => 0,
        Opening::OpensLater { arrival, opens, .. } => {
            u32::try_from((*opens - *arrival).num_minutes().max(0)).unwrap_or(u32::MAX)
        }
        Opening::NotSoon { .. } => return None,
    };
    let mut sites_visited = vec![entry_site.clone()];
    if a.site != *entry_site {
        sites_visited.push(a.site.clone());
    }
    Some(OneStep {
        desk: a.desk.clone(),
        site: a.site.clone(),
        stops: if a.desk == *entry { 1 } else { 2 },
        minutes: if a.desk == *entry {
            a.cost_minutes.saturating_add(delay)
        } else {
            entry_wait
                .saturating_add(a.cost_minutes)
                .saturating_add(delay)
        },
        sites_visited,
        outcome: kind.to_owned(),
        rule: rule.clone(),
    })
}

fn severity(item: &Item) -> Severity {
    if item.ends_where_started() && item.solved {
        Severity::Error
    } else {
        Severity::Warning
    }
}

fn finding(item: &Item) -> Finding {
    let t = &item.today;
    let path: Vec<&str> = t.stops.iter().map(|s| s.desk.as_str()).collect();
    let ending = match &t.end {
        _ if item.solved && item.ends_where_started() => format!(
            ", and ends back at `{}`, where it started",
            t.sites_visited.first().map(Id::as_str).unwrap_or_default()
        ),
        _ if item.solved => String::new(),
        TraceEnd::Solved { .. } => String::new(),
        TraceEnd::Cycle { back_to } => format!(", and loops back to `{back_to}` unsolved"),
        TraceEnd::DeadEnd { desk } => format!(", and ends unsolved at `{desk}`"),
    };
    let today = format!(
        "today {} stops at {} sites over {} ({} travel, {} waiting){ending}: {}",
        t.stops.len(),
        t.sites_visited.len(),
        minutes(u64::from(t.total_minutes)),
        minutes(u64::from(t.travel_minutes)),
        minutes(u64::from(t.wait_minutes)),
        path.join(" -> "),
    );
    let (one, fix) = match &item.one_step {
        Some(o) => {
            let next = t.stops.get(1).map(|s| &s.desk);
            let fix = if o.desk == item.entry {
                format!(
                    "let `{}` solve `{}` itself instead of referring it",
                    item.entry, item.need
                )
            } else if next == Some(&o.desk) {
                format!(
                    "`{}` already refers to `{}`; shorten the queue or hours there, or route with rightdesk",
                    item.entry, o.desk
                )
            } else {
                format!(
                    "point the `{}` referral of `{}` straight at `{}`",
                    item.need, item.entry, o.desk
                )
            };
            (
                format!(
                    "in one step: `{}` at `{}`, {} stops, {}",
                    o.desk,
                    o.site,
                    o.stops,
                    minutes(u64::from(o.minutes))
                ),
                fix,
            )
        }
        None => (
            "rightdesk cannot route it in one step either".to_owned(),
            format!(
                "see the coverage findings for `{}`: no desk can be routed to",
                item.need
            ),
        ),
    };
    let mut ids = vec![Subject::Need(item.need.clone())];
    for s in &t.stops {
        let d = Subject::Desk(s.desk.clone());
        if !ids.contains(&d) {
            ids.push(d);
        }
    }
    if let Some(o) = &item.one_step {
        let d = Subject::Desk(o.desk.clone());
        if !ids.contains(&d) {
            ids.push(d);
        }
    }
    Finding::new(
        Code::Runaround,
        severity(item),
        format!(
            "`{}` from `{}`: {today}; {one} ({} lost)",
            item.need,
            item.entry,
            minutes(u64::from(item.extra_minutes))
        ),
        fix,
    )
    .with(ids)
    .example(Some(item.request.clone()))
}
