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
use crate::rules::ValueRef;

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
            let by = rule_list(&ids);
            if st.with_capability.is_empty() {
                out.push(base(Finding::new(
                    Code::CoverageGap,
                    Severity::Error,
                    format!("no desk offers `{}`, which {by} require", sig.capability),
                    format!(
                        "add `{}` to the capabilities of a desk{}",
                        sig.capability,
                        scope(sig)
                    ),
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
                        "{} offer `{}`, but none{} as {by} require",
                        offered.join(", "),
                        sig.capability,
                        scope(sig)
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
            hours(cx, sig, st, &by, out, &base);
            let rule = rules.first().and_then(|&r| cx.rules.rules().get(r));
            if let Some(ValueRef::Fact { fact }) = rule.and_then(|r| r.language.as_ref()) {
                languages(cx, sig, st, &rules, fact, &by, out, &base);
            }
            match rule.and_then(|r| r.desk_site.as_ref()) {
                Some(ValueRef::Fact { fact }) => sites(cx, sig, st, &rules, fact, &by, out, &base),
                _ => reach(cx, sig, st, &rules, &by, out, &base),
            }
        }
    }
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

fn hours(
    cx: &Context<'_>,
    sig: &Signature,
    st: &Static,
    by: &str,
    out: &mut Vec<Finding>,
    base: &dyn Fn(Finding) -> Finding,
) {
    let weekly = cx.weekly();
    let bits = weekly.union(&st.candidates);
    if !bits.any() {
        out.push(base(Finding::new(
            Code::CoverageGap,
            Severity::Error,
            format!(
                "the desks that can serve `{}` for {by} ({}) are never open in the week of {}",
                sig.capability,
                desk_list(cx, &st.candidates),
                weekly.monday
            ),
            "check their opening hours".to_owned(),
        )));
        return;
    }
    let missing: Vec<usize> = (0..7)
        .filter(|&d| weekly.org.day_open(d) && !bits.day_open(d))
        .collect();
    if missing.is_empty() {
        return;
    }
    let days: Vec<String> = missing
        .iter()
        .map(|&d| format!("{} {}", DAYS.get(d).copied().unwrap_or(""), weekly.date(d)))
        .collect();
    out.push(base(Finding::new(
        Code::CoverageGap,
        Severity::Warning,
        format!(
            "no desk offers `{}` for {by} on {}, when other desks of the organization are open",
            sig.capability,
            days.join(", ")
        ),
        format!(
            "open one of {} on those days, or give `{}` to a desk that is open then",
            desk_list(cx, &st.candidates),
            sig.capability
        ),
    )));
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

/// Can one of these rules be TRUE with `fact = value`? (Unknown counts as yes.)
fn matches_with(cx: &Context<'_>, rules: &[usize], fact: Option<FactNo>, value: &Id) -> bool {
    let rl = cx.logic();
    let pins: Vec<Dnf> = fact.and_then(|f| rl.eq(f, value)).into_iter().collect();
    rules
        .iter()
        .any(|&r| rl.can_match(r, &pins, cx.options.search_budget) != Some(false))
}

#[allow(clippy::too_many_arguments)]
fn languages(
    cx: &Context<'_>,
    sig: &Signature,
    st: &Static,
    rules: &[usize],
    fact: &str,
    by: &str,
    out: &mut Vec<Finding>,
    base: &dyn Fn(Finding) -> Finding,
) {
    let mut spoken: Vec<Id> = cx
        .org
        .desks()
        .iter()
        .flat_map(|d| d.languages.iter().cloned())
        .collect();
    spoken.sort();
    spoken.dedup();
    let (no, values) = fact_values(cx, fact, "language", spoken);
    let missing: Vec<Id> = values
        .into_iter()
        .filter(|l| {
            !st.candidates
                .iter()
                .filter_map(|&d| cx.desk(d))
                .any(|d| Context::speaks(d, l))
                && matches_with(cx, rules, no, l)
        })
        .collect();
    if missing.is_empty() {
        return;
    }
    let list: Vec<String> = missing.iter().map(|l| format!("`{l}`")).collect();
    out.push(
        base(Finding::new(
            Code::CoverageGap,
            Severity::Warning,
            format!(
                "no desk offers `{}` in {} ({by} require a desk speaking the customer's language)",
                sig.capability,
                list.join(", ")
            ),
            format!(
                "add {} to the languages of one of {}",
                list.join(", "),
                desk_list(cx, &st.candidates)
            ),
        ))
        .with(missing.into_iter().map(Subject::Language)),
    );
}

#[allow(clippy::too_many_arguments)]
fn sites(
    cx: &Context<'_>,
    sig: &Signature,
    st: &Static,
    rules: &[usize],
    fact: &str,
    by: &str,
    out: &mut Vec<Finding>,
    base: &dyn Fn(Finding) -> Finding,
) {
    let customer = cx.customer_sites();
    let with_desks: Vec<Id> = customer
        .iter()
        .enumerate()
        .filter(|(_, c)| **c)
        .map(|(s, _)| cx.site_id(s))
        .collect();
    let (no, values) = fact_values(cx, fact, "site", with_desks);
    let missing: Vec<Id> = values
        .into_iter()
        .filter(|s| {
            !st.candidates
                .iter()
                .filter_map(|&d| cx.desk(d))
                .any(|d| d.site == *s)
                && matches_with(cx, rules, no, s)
        })
        .collect();
    if missing.is_empty() {
        return;
    }
    let list: Vec<String> = missing.iter().map(|s| format!("`{s}`")).collect();
    out.push(
        base(Finding::new(
            Code::CoverageGap,
            Severity::Warning,
            format!(
                "no desk offers `{}` at {} ({by} require a desk at the customer's site)",
                sig.capability,
                list.join(", ")
            ),
            format!(
                "add `{}` to a desk at each of {}",
                sig.capability,
                list.join(", ")
            ),
        ))
        .with(missing.into_iter().map(Subject::Site)),
    );
}

fn reach(
    cx: &Context<'_>,
    sig: &Signature,
    st: &Static,
    rules: &[usize],
    by: &str,
    out: &mut Vec<Finding>,
    base: &dyn Fn(Finding) -> Finding,
) {
    let customer = cx.customer_sites();
    let covered = cx.covered_sites(&st.candidates);
    let weaker = cx.covered_sites(&st.in_scope);
    let site_no = cx.logic().logic.vocab.get("site");
    let missing: Vec<usize> = (0..customer.len())
        .filter(|&s| {
            customer.get(s) == Some(&true)
                && covered.get(s) == Some(&false)
                && weaker.get(s) == Some(&false)
                && matches_with(cx, rules, site_no, &cx.site_id(s))
        })
        .collect();
    let Some(&first) = missing.first() else {
        return;
    };
    let list: Vec<String> = missing
        .iter()
        .take(5)
        .map(|&s| format!("`{}`", cx.site_id(s)))
        .collect();
    let more = if missing.len() > 5 {
        format!(" and {} more sites", missing.len() - 5)
    } else {
        String::new()
    };
    let fix = match cx.nearest_by_road(first, &st.candidates) {
        Some((to, m)) => format!(
            "add a travel time from `{}` to `{to}` (about {m} min by known routes), or offer `{}` at `{}`",
            cx.site_id(first),
            sig.capability,
            cx.site_id(first)
        ),
        None => format!(
            "add travel times from {} to a site where `{}` is offered, or offer it there",
            list.join(", "),
            sig.capability
        ),
    };
    let mut f = base(Finding::new(
        Code::CoverageGap,
        Severity::Warning,
        format!(
            "customers at {}{more} cannot reach any desk offering `{}` for {by}: no travel time is known to {}",
            list.join(", "),
            sig.capability,
            desk_list(cx, &st.candidates)
        ),
        fix,
    ))
    .with(missing.iter().map(|&s| Subject::Site(cx.site_id(s))));
    if let Some(ex) = f.example.as_mut().filter(|ex| ex.site.is_none()) {
        ex.site = Some(cx.site_id(first).to_string());
    }
    out.push(f);
}
