//! `coverage-gap`: a capability the rules require that nobody offers — at all, in the
//! rule's scope, on some day, in some language, at some site, or within reach of some site.
//!
//! Checked once per distinct rule demand (capability, authority, unit and site scope,
//! literal desk constraints) made by a rule that can decide:
//! - no desk offers the capability, or none in scope (errors);
//! - the candidate desks are never open in the swept week (error), or all closed on a day
//!   some other desk of the organization is open (warning);
//! - a `{ fact: ... }` language constraint: a language some desk speaks (or the fact's
//!   declared values) that no candidate speaks, for which the rule can match (warning);
//! - a `{ fact: ... }` site constraint: a site (with desks, or a declared value) with no
//!   candidate, for which the rule can match (warning);
//! - otherwise, a site with desks whose customers cannot reach any candidate (no known
//!   travel time), for which the rule can match (warning; when lower-authority desks are
//!   reachable it is an `authority-gap` instead).

use super::Lint;
use super::context::{Context, DeskIx, Signature, Static};
use super::finding::{Code, Finding, Severity, Subject};
use super::logic::{Dnf, FactNo};
use crate::model::Id;

/// See the [module docs](self).
pub(crate) struct CoverageGap;

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl Lint for CoverageGap {
    fn code(&self) -> Code {
        Code::CoverageGap
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let statics = cx.statics();
        let mut day_gaps: Vec<DayGap> = Vec::new();
        for (s, rules) in cx.live_sigs() {
            let Some((sig, st)) = statics.sigs.get(s) else {
                continue;
            };
            let ids = cx.rule_ids(&rules);
            let base = |f: Finding| {
                f.with([Subject::Capability(sig.capability.clone())])
                    .with(ids.iter().cloned().map(Subject::Rule))
                    .example(rules.first().and_then(|&r| cx.rule_example(r)))
            };
            if st.with_capability.is_empty() {
                let owner = rules
                    .first()
                    .and_then(|&r| cx.rules.rules().get(r))
                    .and_then(|r| r.owner.as_ref());
                let fix = match suggest_desk(cx, sig, owner) {
                    Some(d) => format!(
                        "add `{}` to the capabilities of a desk{} (e.g. `{d}`)",
                        sig.capability,
                        scope(sig)
                    ),
                    None => format!(
                        "add `{}` to the capabilities of a desk{}",
                        sig.capability,
                        scope(sig)
                    ),
                };
                out.push(base(Finding::new(
                    Code::CoverageGap,
                    Severity::Error,
                    format!(
                        "no desk offers `{}`, required by {}",
                        sig.capability,
                        rule_list(&ids)
                    ),
                    fix,
                )));
                continue;
            }
            if st.in_scope.is_empty() {
                let offered: Vec<String> = st
                    .with_capability
                    .iter()
                    .take(5)
                    .map(|&d| format!("`{}`", cx.desk_id(d)))
                    .collect();
                out.push(base(Finding::new(
                    Code::CoverageGap,
                    Severity::Error,
                    format!(
                        "{} offer{} `{}`, but none{}, as {}",
                        offered.join(", "),
                        if offered.len() == 1 { "s" } else { "" },
                        sig.capability,
                        scope(sig),
                        rules_require(&ids)
                    ),
                    format!(
                        "add `{}` to a desk{}, or widen the rule's scope",
                        sig.capability,
                        scope(sig)
                    ),
                )));
                continue;
            }
            if st.candidates.is_empty() {
                // An authority gap; reported by `authority-gap`.
                continue;
            }
            if let Some(gap) = hours(cx, sig, st, &rules, out, &base) {
                day_gaps.push(gap);
            }
            if let Some(fact) = &sig.language_fact {
                languages(cx, sig, st, &rules, fact, out);
            }
            match &sig.desk_site_fact {
                Some(fact) => sites(cx, sig, st, &rules, fact, out),
                None => reach(cx, sig, st, &rules, out),
            }
        }
        days(cx, day_gaps, out);
    }
}

/// A desk that could take on a capability: in the rule's scope (or its owner unit) with
/// enough authority.
fn suggest_desk(cx: &Context<'_>, sig: &Signature, owner: Option<&Id>) -> Option<Id> {
    let unit = |u: Option<&Id>| u.and_then(|u| cx.org.unit_index(u));
    let scope = unit(sig.unit.as_ref());
    let site = sig.site.as_ref().or(sig.desk_site.as_ref());
    let fits = |d: &&crate::model::Desk| {
        scope.is_none_or(|u| cx.within(d, u))
            && site.is_none_or(|s| d.site == *s)
            && sig.authority.is_none_or(|a| d.authority >= a)
    };
    // The owner's own desks first, then the scope unit's, then any (bounded scan).
    let owned = [unit(owner), scope]
        .into_iter()
        .flatten()
        .flat_map(|u| cx.unit_desks(u).iter())
        .filter_map(|&d| cx.desk(d))
        .find(|d| fits(d));
    owned
        .or_else(|| cx.org.desks().iter().take(10_000).find(|d| fits(d)))
        .map(|d| d.id.clone())
}

/// `rule `a`` or `rules `a`, `b``.
pub(crate) fn rule_list(ids: &[Id]) -> String {
    let names: Vec<String> = ids.iter().take(5).map(|i| format!("`{i}`")).collect();
    let more = if ids.len() > 5 {
        format!(" and {} more", ids.len() - 5)
    } else {
        String::new()
    };
    if ids.len() == 1 {
        format!("rule {}", names.join(", "))
    } else {
        format!("rules {}{more}", names.join(", "))
    }
}

/// `rule `a` requires` or `rules `a`, `b` require`.
pub(crate) fn rules_require(ids: &[Id]) -> String {
    if ids.len() == 1 {
        format!("{} requires", rule_list(ids))
    } else {
        format!("{} require", rule_list(ids))
    }
}

/// ` in unit `u` or below, at site `s`, speaking `l``.
pub(crate) fn scope(sig: &Signature) -> String {
    let mut parts = Vec::new();
    if let Some(u) = &sig.unit {
        parts.push(format!("in unit `{u}` or below"));
    }
    if let Some(s) = sig.site.as_ref().or(sig.desk_site.as_ref()) {
        parts.push(format!("at site `{s}`"));
    }
    if let Some(l) = &sig.language {
        parts.push(format!("speaking `{l}`"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" {}", parts.join(", "))
    }
}

fn desk_list(cx: &Context<'_>, desks: &[DeskIx]) -> String {
    let names: Vec<String> = desks
        .iter()
        .take(5)
        .map(|&d| format!("`{}`", cx.desk_id(d)))
        .collect();
    if desks.len() > 5 {
        format!("{} and {} more", names.join(", "), desks.len() - 5)
    } else {
        names.join(", ")
    }
}

/// Days a rule demand is not served although the organization is open.
struct DayGap {
    days: Vec<usize>,
    capability: Id,
    rules: Vec<usize>,
}

fn hours(
    cx: &Context<'_>,
    sig: &Signature,
    st: &Static,
    rules: &[usize],
    out: &mut Vec<Finding>,
    base: &dyn Fn(Finding) -> Finding,
) -> Option<DayGap> {
    let weekly = cx.weekly();
    let bits = weekly.union(&st.candidates);
    if !bits.any() {
        out.push(base(Finding::new(
            Code::CoverageGap,
            Severity::Error,
            format!(
                "the desks that can serve `{}` for {} ({}) are never open in the week of {}",
                sig.capability,
                rule_list(&cx.rule_ids(rules)),
                desk_list(cx, &st.candidates),
                weekly.monday
            ),
            "check their opening hours".to_owned(),
        )));
        return None;
    }
    let days: Vec<usize> = (0..7)
        .filter(|&d| weekly.org.day_open(d) && !bits.day_open(d))
        .collect();
    (!days.is_empty()).then(|| DayGap {
        days,
        capability: sig.capability.clone(),
        rules: rules.to_vec(),
    })
}

/// One finding per set of days: "on Saturday and Sunday no desk offers a, b, c".
/// A warning when one of the days is a business day (at least half of the desks open),
/// else info.
fn days(cx: &Context<'_>, gaps: Vec<DayGap>, out: &mut Vec<Finding>) {
    let weekly = cx.weekly();
    let mut by_days: Vec<(Vec<usize>, Vec<DayGap>)> = Vec::new();
    for g in gaps {
        match by_days.iter_mut().find(|(d, _)| *d == g.days) {
            Some((_, v)) => v.push(g),
            None => by_days.push((g.days.clone(), vec![g])),
        }
    }
    let total = cx.org.desks().len();
    for (days, gaps) in by_days {
        let business = days
            .iter()
            .any(|&d| 2 * weekly.open_desks(d).len() >= total);
        let names: Vec<String> = days
            .iter()
            .map(|&d| format!("{} {}", DAYS.get(d).copied().unwrap_or(""), weekly.date(d)))
            .collect();
        let mut caps: Vec<String> = gaps.iter().map(|g| format!("`{}`", g.capability)).collect();
        caps.dedup();
        let mut rules: Vec<usize> = gaps.iter().flat_map(|g| g.rules.iter().copied()).collect();
        rules.sort_unstable();
        let ids = cx.rule_ids(&rules);
        let first_day = days.first().copied().unwrap_or(0);
        let open = weekly.open_desks(first_day);
        let open_names: Vec<String> = open
            .iter()
            .take(4)
            .map(|&d| format!("`{}`", cx.desk_id(d)))
            .collect();
        let more = if open.len() > 4 {
            format!(" and {} more", open.len() - 4)
        } else {
            String::new()
        };
        let shown: Vec<String> = caps.iter().take(8).cloned().collect();
        let caps_more = if caps.len() > 8 {
            format!(" and {} more", caps.len() - 8)
        } else {
            String::new()
        };
        let example = rules
            .first()
            .and_then(|&r| cx.rule_example(r))
            .map(|mut req| {
                req.at = Some(crate::resolve::RequestTime::Local(
                    weekly
                        .date(first_day)
                        .and_hms_opt(12, 0, 0)
                        .unwrap_or_default(),
                ));
                req
            });
        out.push(
            Finding::new(
                Code::CoverageGap,
                if business { Severity::Warning } else { Severity::Info },
                format!(
                    "on {} no desk offers {}{caps_more} ({}), while {} of {total} desks are open ({}{more})",
                    names.join(", "),
                    shown.join(", "),
                    rule_list(&ids),
                    open.len(),
                    open_names.join(", "),
                ),
                format!(
                    "open a desk offering {} on those days, or give {} to a desk open then",
                    if caps.len() == 1 { "it" } else { "them" },
                    if caps.len() == 1 { "it" } else { "them" },
                ),
            )
            .with(gaps.iter().map(|g| Subject::Capability(g.capability.clone())))
            .with(ids.into_iter().map(Subject::Rule))
            .example(example),
        );
    }
}

/// The values a `{ fact: F }` desk constraint can take: `default` for the request field,
/// the declared values otherwise (empty when the fact is open).
fn fact_values(
    cx: &Context<'_>,
    fact: &str,
    field: &str,
    default: Vec<Id>,
) -> (Option<FactNo>, Vec<Id>) {
    let no = cx.logic().logic.vocab.get(fact);
    if fact == field {
        return (no, default);
    }
    let values = cx
        .rules
        .fact(fact)
        .map(|f| {
            f.values
                .iter()
                .filter_map(|v| v.as_str().map(Id::from))
                .collect()
        })
        .unwrap_or_default();
    (no, values)
}

/// The rules (of `rules`) that can be TRUE with `fact = value` (unknown counts as yes).
fn matching(cx: &Context<'_>, rules: &[usize], fact: Option<FactNo>, value: &Id) -> Vec<usize> {
    let rl = cx.logic();
    let pins: Vec<Dnf> = fact.and_then(|f| rl.eq(f, value)).into_iter().collect();
    rules
        .iter()
        .copied()
        .filter(|&r| rl.can_match(r, &pins, cx.options.search_budget) != Some(false))
        .collect()
}

/// For each value the check fails for, the rules that can match it; then the union.
///
/// A rule that does not test `fact` matches every value or none ([`RuleLogic::can_match`]
/// ignores a pin on a fact the rule does not test): it is looked at once, not once per
/// value, so a demand with thousands of uncovered sites costs one pass over them.
///
/// [`RuleLogic::can_match`]: super::context::RuleLogic::can_match
fn gaps<'v>(
    cx: &Context<'_>,
    rules: &[usize],
    fact: Option<FactNo>,
    values: impl IntoIterator<Item = &'v Id>,
    served: impl Fn(&Id) -> bool,
) -> (Vec<Id>, Vec<usize>) {
    let rl = cx.logic();
    let (testing, other): (Vec<usize>, Vec<usize>) = rules
        .iter()
        .copied()
        .partition(|&r| fact.is_some_and(|f| rl.tests(r, f)));
    let always: Vec<usize> = matching(cx, &other, None, &Id::from(""));
    // The rules that test `fact` answer alike for the values of one class (values with
    // no class are not pinned: [`matching`] ignores them): each class is searched once.
    let classes = match fact {
        Some(f) if !testing.is_empty() => cx.value_classes(f),
        _ => std::rc::Rc::default(),
    };
    let mut by_class: std::collections::HashMap<Option<u32>, bool> =
        std::collections::HashMap::new();
    let mut missing = Vec::new();
    let mut by: Vec<usize> = always.clone();
    for v in values {
        if served(v) {
            continue;
        }
        let any = if testing.is_empty() {
            false
        } else {
            let class = classes.get(v).copied();
            match by_class.get(&class) {
                Some(&any) => any,
                None => {
                    let m = matching(cx, &testing, fact, v);
                    let any = !m.is_empty();
                    by.extend(m);
                    by_class.insert(class, any);
                    any
                }
            }
        };
        if any || !always.is_empty() {
            missing.push(v.clone());
        }
    }
    if missing.is_empty() {
        by.clear();
    }
    by.sort_unstable();
    by.dedup();
    (missing, by)
}

/// The finding for a signature, naming only the rules concerned.
fn finding_for(cx: &Context<'_>, sig: &Signature, rules: &[usize], f: Finding) -> Finding {
    let ids = cx.rule_ids(rules);
    f.with([Subject::Capability(sig.capability.clone())])
        .with(ids.into_iter().map(Subject::Rule))
        .example(rules.first().and_then(|&r| cx.rule_example(r)))
}

fn languages(
    cx: &Context<'_>,
    sig: &Signature,
    st: &Static,
    rules: &[usize],
    fact: &str,
    out: &mut Vec<Finding>,
) {
    let (no, values) = fact_values(cx, fact, "language", cx.spoken().to_vec());
    let (missing, by) = gaps(cx, rules, no, &values, |l| {
        st.candidates
            .iter()
            .filter_map(|&d| cx.desk(d))
            .any(|d| Context::speaks(d, l))
    });
    if missing.is_empty() {
        return;
    }
    let list: Vec<String> = missing.iter().map(|l| format!("`{l}`")).collect();
    let mut f = finding_for(
        cx,
        sig,
        &by,
        Finding::new(
            Code::CoverageGap,
            Severity::Warning,
            format!(
                "no desk offers `{}` in {} ({} a desk speaking the customer's language)",
                sig.capability,
                list.join(", "),
                rules_require(&cx.rule_ids(&by))
            ),
            format!(
                "add {} to the languages of one of {}",
                list.join(", "),
                desk_list(cx, &st.candidates)
            ),
        ),
    );
    if let (Some(ex), Some(l)) = (f.example.as_mut(), missing.first()) {
        if fact == "language" && ex.language.is_none() {
            ex.language = Some(l.to_string());
        }
    }
    out.push(f.with(missing.into_iter().map(Subject::Language)));
}

fn sites(
    cx: &Context<'_>,
    sig: &Signature,
    st: &Static,
    rules: &[usize],
    fact: &str,
    out: &mut Vec<Finding>,
) {
    let customer = cx.customer_sites();
    let with_desks: Vec<Id> = customer
        .iter()
        .enumerate()
        .filter(|(_, c)| **c)
        .map(|(s, _)| cx.site_id(s))
        .collect();
    let (no, values) = fact_values(cx, fact, "site", with_desks);
    let (missing, by) = gaps(cx, rules, no, &values, |s| {
        st.candidates
            .iter()
            .filter_map(|&d| cx.desk(d))
            .any(|d| d.site == *s)
    });
    if missing.is_empty() {
        return;
    }
    let list: Vec<String> = missing.iter().map(|s| format!("`{s}`")).collect();
    let f = finding_for(
        cx,
        sig,
        &by,
        Finding::new(
            Code::CoverageGap,
            Severity::Warning,
            format!(
                "no desk offers `{}` at {} ({} a desk at the customer's site)",
                sig.capability,
                list.join(", "),
                rules_require(&cx.rule_ids(&by))
            ),
            format!(
                "add `{}` to a desk at each of {}",
                sig.capability,
                list.join(", ")
            ),
        ),
    );
    out.push(f.with(missing.into_iter().map(Subject::Site)));
}

fn reach(cx: &Context<'_>, sig: &Signature, st: &Static, rules: &[usize], out: &mut Vec<Finding>) {
    let customer = cx.customer_sites();
    let covered = cx.covered_sites(&st.candidates);
    let weaker = cx.covered_sites(&st.in_scope);
    let site_no = cx.logic().logic.vocab.get("site");
    let uncovered: Vec<Id> = (0..customer.len())
        .filter(|&s| customer.get(s) == Some(&true) && !covered.contains(s) && !weaker.contains(s))
        .map(|s| cx.site_id(s))
        .collect();
    let (missing, by) = gaps(cx, rules, site_no, &uncovered, |_| false);
    let Some(first) = missing.first().cloned() else {
        return;
    };
    let first_ix = cx
        .org
        .sites()
        .iter()
        .position(|s| s.id == first)
        .unwrap_or(0);
    let list: Vec<String> = missing.iter().take(5).map(|s| format!("`{s}`")).collect();
    let more = if missing.len() > 5 {
        format!(" and {} more sites", missing.len() - 5)
    } else {
        String::new()
    };
    let fix = match cx.nearest_by_road(first_ix, &st.candidates) {
        Some((to, m)) => format!(
            "add a travel time from `{first}` to `{to}` (about {m} min by known routes), or offer `{}` at `{first}`",
            sig.capability
        ),
        None => format!(
            "add travel times from {} to a site where `{}` is offered, or offer it there",
            list.join(", "),
            sig.capability
        ),
    };
    let mut f = finding_for(
        cx,
        sig,
        &by,
        Finding::new(
            Code::CoverageGap,
            Severity::Warning,
            format!(
                "customers at {}{more} cannot reach any desk offering `{}` for {}: no travel time is known to {}",
                list.join(", "),
                sig.capability,
                rule_list(&cx.rule_ids(&by)),
                desk_list(cx, &st.candidates)
            ),
            fix,
        ),
    );
    if let Some(ex) = f.example.as_mut().filter(|ex| ex.site.is_none()) {
        ex.site = Some(first.to_string());
    }
    out.push(f.with(missing.into_iter().map(Subject::Site)));
}
