//! A deliberately simple reference resolver: the test oracle and the benchmark baseline.
//!
//! It scans every rule in evaluation order, then every desk of the organization, with no
//! index and no precomputation, and applies status updates by replaying them. It must give
//! exactly the [`Outcome`] that [`Router::resolve`](crate::Router::resolve) gives for the
//! same organization, rules, status and request; the explanation names the deciding rule
//! only (as `resolve` does).
//!
//! ```
//! use rightdesk::load::{org_from_str, rules_from_str};
//! use rightdesk::resolve::reference;
//! use rightdesk::{Format, Request, Router};
//! let org = org_from_str("sites: [{id: s}]\nunits: [{id: u}]\n\
//!     desks: [{id: d, unit: u, site: s, capabilities: [c]}]", Format::Yaml, None)?;
//! let rules = rules_from_str("rules: [{id: r, then: {capability: c}}]",
//!     Format::Yaml, None, &org)?;
//! let req = Request::new("anything");
//! let slow = reference::resolve(&org, &rules, &[], &req)?;
//! let router = Router::new(org, rules);
//! assert_eq!(router.resolve(&req)?, slow);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, NaiveDateTime, Utc};

use super::engine::{Stage, gap_for, no_rule_gap, question};
use super::time::{check_range, local_to_instant, plus_minutes, to_local};
use super::validate;
use super::{Assignment, Opening, Outcome, Question, Request, RequestError, Resolution};
use crate::compile::cond::FactRef;
use crate::explain::Explanation;
use crate::model::{Desk, Id, Org};
use crate::rules::{Condition, Op, RESERVED_FACTS, Rule, RuleSet, Value, ValueRef};
use crate::status::StatusUpdate;

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

/// The value of a fact (or request field) in a request, as a `Value`.
fn fact_value(req: &Request, fact: &str) -> Option<Value> {
    match fact {
        "need" => Some(Value::Text(req.need.clone())),
        "language" => req.language.clone().map(Value::Text),
        "site" => req.site.clone().map(Value::Text),
        "unit" => req.unit.clone().map(Value::Text),
        _ => req.facts.get(fact).cloned(),
    }
}

fn test(op: &Op, v: &Value) -> bool {
    match op {
        Op::Eq(x) => v == x,
        Op::Ne(x) => v != x,
        Op::In(xs) => xs.contains(v),
        Op::NotIn(xs) => !xs.contains(v),
        Op::Lt(x) => v.as_f64().is_some_and(|n| n < *x),
        Op::Lte(x) => v.as_f64().is_some_and(|n| n <= *x),
        Op::Gt(x) => v.as_f64().is_some_and(|n| n > *x),
        Op::Gte(x) => v.as_f64().is_some_and(|n| n >= *x),
        Op::Exists(b) => *b,
        Op::Prefix(p) => v.as_str().is_some_and(|s| s.starts_with(p.as_str())),
    }
}

fn eval(c: &Condition, req: &Request) -> Truth {
    match c {
        Condition::Test { fact, op } => match (fact_value(req, fact), op) {
            (v, Op::Exists(b)) => {
                if v.is_some() == *b {
                    Truth::True
                } else {
                    Truth::False
                }
            }
            (None, _) => Truth::Unknown,
            (Some(v), op) => {
                if test(op, &v) {
                    Truth::True
                } else {
                    Truth::False
                }
            }
        },
        Condition::Not(inner) => match eval(inner, req) {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        },
        Condition::All(parts) => {
            let vs: Vec<Truth> = parts.iter().map(|p| eval(p, req)).collect();
            if vs.contains(&Truth::False) {
                Truth::False
            } else if vs.contains(&Truth::Unknown) {
                Truth::Unknown
            } else {
                Truth::True
            }
        }
        Condition::Any(parts) => {
            let vs: Vec<Truth> = parts.iter().map(|p| eval(p, req)).collect();
            if vs.contains(&Truth::True) {
                Truth::True
            } else if vs.contains(&Truth::Unknown) {
                Truth::Unknown
            } else {
                Truth::False
            }
        }
    }
}

/// The missing facts an unknown condition depends on, in order of appearance: the
/// unknown tests inside the unknown parts.
fn missing(c: &Condition, req: &Request, out: &mut Vec<String>) {
    if eval(c, req) != Truth::Unknown {
        return;
    }
    match c {
        Condition::Test { fact, .. } => {
            if !out.contains(fact) {
                out.push(fact.clone());
            }
        }
        Condition::Not(inner) => missing(inner, req, out),
        Condition::All(parts) | Condition::Any(parts) => {
            for p in parts {
                missing(p, req, out);
            }
        }
    }
}

/// A desk constraint that refers to a declared fact the request lacks.
fn needs_fact(v: &Option<ValueRef>, req: &Request) -> Option<String> {
    match v {
        Some(ValueRef::Fact { fact })
            if !RESERVED_FACTS.contains(&fact.as_str()) && !req.facts.contains_key(fact) =>
        {
            Some(fact.clone())
        }
        _ => None,
    }
}

/// A desk constraint's value for the request (`None`: not applied).
fn constraint(v: &Option<ValueRef>, req: &Request) -> Option<String> {
    match v {
        None => None,
        Some(ValueRef::Literal(s)) => Some(s.clone()),
        Some(ValueRef::Fact { fact }) => fact_value(req, fact).map(|v| v.to_string()),
    }
}

/// A desk's live state: the org file's values with the status updates that name the desk
/// replayed in order.
#[derive(Debug, Clone)]
struct Live {
    closed: Option<(Option<DateTime<Utc>>, Option<String>)>,
    wait: u32,
}

fn live(org: &Org, desk: &Desk, status: &[StatusUpdate]) -> Live {
    let mut l = Live {
        closed: None,
        wait: desk.wait_minutes,
    };
    for u in status {
        match u {
            StatusUpdate::Close {
                desk: d,
                until,
                reason,
            } if *d == *desk.id => {
                let until = match until {
                    None => None,
                    Some(t) => match check_range(org.timezone(), *t) {
                        Ok(i) => Some(i),
                        Err(_) => continue,
                    },
                };
                l.closed = Some((until, reason.clone()));
            }
            StatusUpdate::Reopen { desk: d } if *d == *desk.id => l.closed = None,
            StatusUpdate::SetWait { desk: d, minutes } if *d == *desk.id => l.wait = *minutes,
            _ => {}
        }
    }
    l
}

/// Does the desk offer `capability`, after the status updates?
fn offers(desk: &Desk, capability: &str, status: &[StatusUpdate]) -> bool {
    let mut has = desk.capabilities.iter().any(|c| c.as_str() == capability);
    for u in status {
        match u {
            StatusUpdate::AddCapability {
                desk: d,
                capability: c,
            } if *d == *desk.id && c == capability => has = true,
            StatusUpdate::RemoveCapability {
                desk: d,
                capability: c,
            } if *d == *desk.id && c == capability => has = false,
            _ => {}
        }
    }
    has
}

/// Is the desk closed by status at `t`? (Without a time, only an open-ended closure.)
fn status_closed(live: &Live, t: Option<DateTime<Utc>>) -> bool {
    match &live.closed {
        None => false,
        Some((None, _)) => true,
        Some((Some(until), _)) => t.is_some_and(|t| t < *until),
    }
}

fn open_at(desk: &Desk, live: &Live, t: Option<DateTime<Utc>>, tz: chrono_tz::Tz) -> bool {
    if status_closed(live, t) {
        return false;
    }
    match t {
        None => true,
        Some(t) => desk.hours.is_open(to_local(tz, t)),
    }
}

/// When a desk closed at `t` opens: (instant, civil time, status reason).
fn opens_after(
    desk: &Desk,
    live: &Live,
    t: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Option<(DateTime<Utc>, NaiveDateTime, Option<String>)> {
    let mut from = t;
    let mut reason = None;
    if status_closed(live, Some(t)) {
        let (until, why) = live.closed.clone()?;
        from = from.max(until?);
        reason = why;
    }
    let from_local = to_local(tz, from);
    let opens_local = desk.hours.next_open(from_local)?;
    let opens = if opens_local == from_local {
        from
    } else {
        local_to_instant(tz, opens_local).max(from)
    };
    Some((opens, opens_local, reason))
}

fn assignment(
    org: &Org,
    desk: &Desk,
    live: &Live,
    travel: u32,
    has_origin: bool,
    opening: Opening,
    rule: &Rule,
) -> Assignment {
    let site = org.site(&desk.site);
    let mut bring: Vec<Id> = desk.requires.to_vec();
    for b in &rule.bring {
        if !bring.contains(b) {
            bring.push(b.clone());
        }
    }
    Assignment {
        desk: desk.id.clone(),
        desk_name: desk.name.clone(),
        unit: desk.unit.clone(),
        site: desk.site.clone(),
        site_name: site.map_or_else(|| desk.site.clone(), |s| s.name.clone()),
        address: site.and_then(|s| s.address.clone()),
        travel_minutes: if has_origin { Some(travel) } else { None },
        wait_minutes: live.wait,
        cost_minutes: travel.saturating_add(live.wait),
        hours: desk.hours.text(),
        opening,
        bring,
    }
}

/// Resolve `req` by linear scans. `status` is replayed in order on top of the organization;
/// updates that [`Router::update_status`](crate::Router::update_status) would reject
/// (unknown desk, empty capability, time out of range) are skipped.
///
/// # Errors
/// The same [`RequestError`]s as [`Router::resolve`](crate::Router::resolve).
///
/// # Complexity
/// O(R·c + D·u) for R rules of size c and D desks in a unit tree of depth u: on purpose.
pub fn resolve(
    org: &Org,
    rules: &RuleSet,
    status: &[StatusUpdate],
    req: &Request,
) -> Result<Resolution, RequestError> {
    validate::check(
        &validate::Plain(org, rules),
        &super::time::Offsets::none(org.timezone()),
        org,
        rules,
        req,
    )?;
    let tz = org.timezone();
    let at: Option<DateTime<Utc>> = req.at.map(|t| super::time::instant(tz, t));

    // 1. The deciding rule.
    let mut unknown: Vec<&Rule> = Vec::new();
    let mut decided: Option<&Rule> = None;
    let mut needing: Option<&Rule> = None;
    for rule in rules.rules() {
        match eval(&rule.when, req) {
            Truth::False => {}
            Truth::Unknown => unknown.push(rule),
            Truth::True => {
                if needs_fact(&rule.language, req).is_some()
                    || needs_fact(&rule.desk_site, req).is_some()
                {
                    needing = Some(rule);
                } else if unknown.is_empty() {
                    decided = Some(rule);
                }
                break;
            }
        }
    }
    let Some(rule) = decided else {
        if unknown.is_empty() && needing.is_none() {
            return Ok(Resolution {
                outcome: Outcome::NoDesk {
                    gap: no_rule_gap(req),
                },
                explanation: Explanation::default(),
            });
        }
        let mut facts: Vec<String> = Vec::new();
        for r in &unknown {
            missing(&r.when, req, &mut facts);
        }
        if let Some(r) = needing {
            for f in [needs_fact(&r.language, req), needs_fact(&r.desk_site, req)]
                .into_iter()
                .flatten()
            {
                if !facts.contains(&f) {
                    facts.push(f);
                }
            }
        }
        let questions: Vec<Question> = facts
            .iter()
            .map(|f| question(rules, &FactRef::new(f)))
            .collect();
        return Ok(Resolution {
            outcome: Outcome::NeedsInfo { questions },
            explanation: Explanation::default(),
        });
    };
    let explanation = Explanation {
        rule: Some(rule.id.clone()),
        rule_description: rule.description.clone(),
        ..Explanation::default()
    };

    // 2. The rule's demands.
    let language = constraint(&rule.language, req);
    let desk_site = constraint(&rule.desk_site, req);
    let site_name: Option<String> = rule
        .site
        .as_ref()
        .map(|s| s.to_string())
        .or_else(|| desk_site.clone());
    let travel_to = |desk: &Desk| -> Option<u32> {
        match &req.site {
            None => Some(0),
            Some(o) => org.travel_minutes(o, &desk.site),
        }
    };
    let arrive = |travel: u32| at.map(|t| plus_minutes(t, travel));

    // 3. Every desk, every filter; `stage` records how far the best desk got.
    let mut stage = Stage::NoCapability;
    let mut eligible: Vec<(usize, Live, u32, u32)> = Vec::new(); // (desk, live, travel, cost)
    for (i, desk) in org.desks().iter().enumerate() {
        if !offers(desk, &rule.capability, status) {
            continue;
        }
        stage = stage.max(Stage::Capability);
        if desk.authority < rule.authority.unwrap_or(0) {
            continue;
        }
        stage = stage.max(Stage::Authority);
        if let Some(u) = &rule.unit {
            if !org.is_within(&desk.unit, u) {
                continue;
            }
        }
        stage = stage.max(Stage::Unit);
        if rule.site.as_ref().is_some_and(|s| *s != desk.site)
            || desk_site.as_ref().is_some_and(|s| *s != desk.site.as_str())
        {
            continue;
        }
        stage = stage.max(Stage::Site);
        if let Some(lang) = &language {
            if !desk.languages.iter().any(|x| x.as_str() == lang) {
                continue;
            }
        }
        stage = stage.max(Stage::Language);
        let Some(travel) = travel_to(desk) else {
            continue;
        };
        stage = stage.max(Stage::Reachable);
        let l = live(org, desk, status);
        let can_open = match arrive(travel) {
            None => !status_closed(&l, None),
            Some(t) => open_at(desk, &l, Some(t), tz) || opens_after(desk, &l, t, tz).is_some(),
        };
        if !can_open {
            continue;
        }
        stage = stage.max(Stage::Opens);
        let cost = travel.saturating_add(l.wait);
        eligible.push((i, l, travel, cost));
    }

    // 4. The best open desk; else the one that serves soonest.
    let open = eligible
        .iter()
        .filter(|(i, l, travel, _)| open_at(&org.desks()[*i], l, arrive(*travel), tz))
        .min_by(|a, b| {
            (a.3, org.desks()[a.0].id.as_str()).cmp(&(b.3, org.desks()[b.0].id.as_str()))
        });
    if let Some((i, l, travel, _)) = open {
        let (i, travel) = (*i, *travel);
        let opening = match arrive(travel) {
            None => Opening::Unknown,
            Some(t) => Opening::Open {
                arrival: to_local(tz, t),
            },
        };
        let a = assignment(
            org,
            &org.desks()[i],
            l,
            travel,
            req.site.is_some(),
            opening,
            rule,
        );
        return Ok(Resolution {
            outcome: Outcome::Routed(a),
            explanation,
        });
    }
    if let Some(t0) = at {
        let mut soonest: Option<Soonest> = None;
        for (i, l, travel, cost) in &eligible {
            let (i, travel, cost) = (*i, *travel, *cost);
            let desk = &org.desks()[i];
            let arrival = plus_minutes(t0, travel);
            let Some((opens, opens_local, reason)) = opens_after(desk, l, arrival, tz) else {
                continue;
            };
            let serve = plus_minutes(opens, l.wait);
            let better = soonest.as_ref().is_none_or(|s| {
                (serve, cost, desk.id.as_str()) < (s.serve, s.cost, org.desks()[s.desk].id.as_str())
            });
            if better {
                soonest = Some(Soonest {
                    serve,
                    cost,
                    desk: i,
                    travel,
                    opens: opens_local,
                    reason,
                });
            }
        }
        if let Some(s) = soonest {
            let a = s.assignment(org, status, tz, t0, req.site.is_some(), rule);
            return Ok(Resolution {
                outcome: Outcome::Routed(a),
                explanation,
            });
        }
    }

    // 5. Escalation up the chain of command from the owner.
    let gap = gap_for(
        req,
        rule,
        site_name.as_deref(),
        language.as_deref(),
        req.site.as_deref(),
        stage,
    );
    let mut duty: Vec<usize> = Vec::new();
    if let Some(owner) = &rule.owner {
        for unit in org.chain_of_command(owner) {
            if let Some(d) = &unit.duty_desk {
                if let Some(i) = org.desks().iter().position(|x| x.id == *d) {
                    if !duty.contains(&i) {
                        duty.push(i);
                    }
                }
            }
        }
    }
    let mut soonest: Option<Soonest> = None;
    for &i in &duty {
        let desk = &org.desks()[i];
        let l = live(org, desk, status);
        let Some(travel) = travel_to(desk) else {
            continue;
        };
        let arrival = arrive(travel);
        if open_at(desk, &l, arrival, tz) {
            let opening = match arrival {
                None => Opening::Unknown,
                Some(t) => Opening::Open {
                    arrival: to_local(tz, t),
                },
            };
            let to = assignment(org, desk, &l, travel, req.site.is_some(), opening, rule);
            return Ok(Resolution {
                outcome: Outcome::Escalated { to, gap },
                explanation,
            });
        }
        if let Some(t) = arrival {
            if let Some((opens, opens_local, reason)) = opens_after(desk, &l, t, tz) {
                let serve = plus_minutes(opens, l.wait);
                if soonest.as_ref().is_none_or(|s| serve < s.serve) {
                    soonest = Some(Soonest {
                        serve,
                        cost: 0,
                        desk: i,
                        travel,
                        opens: opens_local,
                        reason,
                    });
                }
            }
        }
    }
    let outcome = match soonest {
        Some(s) => {
            let to = s.assignment(
                org,
                status,
                tz,
                at.unwrap_or_default(),
                req.site.is_some(),
                rule,
            );
            Outcome::Escalated { to, gap }
        }
        None => Outcome::NoDesk { gap },
    };
    Ok(Resolution {
        outcome,
        explanation,
    })
}

/// A closed desk that can serve later.
struct Soonest {
    serve: DateTime<Utc>,
    cost: u32,
    desk: usize,
    travel: u32,
    opens: NaiveDateTime,
    reason: Option<String>,
}

impl Soonest {
    /// The customer is sent to this desk, leaving at `start`, and waits for it to open.
    fn assignment(
        self,
        org: &Org,
        status: &[StatusUpdate],
        tz: chrono_tz::Tz,
        start: DateTime<Utc>,
        has_origin: bool,
        rule: &Rule,
    ) -> Assignment {
        let desk = &org.desks()[self.desk];
        let opening = Opening::OpensLater {
            arrival: to_local(tz, plus_minutes(start, self.travel)),
            opens: self.opens,
            reason: self.reason,
        };
        assignment(
            org,
            desk,
            &live(org, desk, status),
            self.travel,
            has_origin,
            opening,
            rule,
        )
    }
}
