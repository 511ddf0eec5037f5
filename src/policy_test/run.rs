//! Running cases against a router and comparing outcomes with expectations.

use std::collections::BTreeSet;
use std::path::Path;

use super::case::{Case, Cases, Expect, case_problems};
use super::report::{CaseResult, Coverage, TestReport};
use crate::Router;
use crate::model::Id;
use crate::resolve::{Outcome, Resolution};

/// Run every case and report which pass, why the others fail, and which rules and desks no
/// case exercises.
///
/// Each case starts from the organization as written, plus the case's own `status` updates:
/// the updates of one case never leak into the next, and the live status of `router` itself
/// is not used. A case whose request or status names something the organization or rules
/// do not have fails with that error (see [`Cases::check`] to catch those up front).
///
/// # Complexity
/// One [`Router::explain`] per case, plus one router build per case that has `status`.
///
/// # Example
/// ```
/// use rightdesk::policy_test::{self, Case, Cases, Expect};
/// use rightdesk::{load, Request, Router};
/// let org = load::org_from_str(r#"
/// sites: [{ id: hq }]
/// units: [{ id: records }]
/// desks:
///   - { id: counter, unit: records, site: hq, capabilities: [report.copy] }
/// "#, load::Format::Yaml, None)?;
/// let rules = load::rules_from_str(r#"
/// rules:
///   - { id: copy, when: { fact: need, eq: report.copy }, then: { capability: report.copy } }
/// "#, load::Format::Yaml, None, &org)?;
/// let router = Router::new(org, rules);
/// let cases = Cases::new([Case::new("copies at the counter", Request::new("report.copy"),
///                                   Expect::desk("counter"))]);
/// let report = policy_test::run(&router, &cases);
/// assert_eq!(report.failed, 0, "{report}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(router: &Router, cases: &Cases) -> TestReport {
    let org = router.org();
    let rules = router.rules();
    let mut base: Option<Router> = None;
    let mut results = Vec::with_capacity(cases.cases.len());
    for (i, case) in cases.cases.iter().enumerate() {
        let problems = case_problems(case, i, org, rules);
        if !problems.is_empty() {
            let msgs: Vec<String> = problems
                .iter()
                .map(|p| match &p.hint {
                    Some(h) => format!("{} ({h})", p.message),
                    None => p.message.clone(),
                })
                .collect();
            results.push(errored(case, msgs.join("; ")));
            continue;
        }
        let fresh;
        let r: &Router = if case.status.is_empty() {
            base.get_or_insert_with(|| Router::new(org.clone(), rules.clone()))
        } else {
            fresh = Router::new(org.clone(), rules.clone());
            if let Err(e) = fresh.update_status(case.status.iter().cloned()) {
                results.push(errored(case, format!("status: {e}")));
                continue;
            }
            &fresh
        };
        match r.explain(&case.request) {
            Ok(res) => results.push(judge(case, res)),
            Err(e) => results.push(errored(case, format!("request: {e}"))),
        }
    }
    let coverage = coverage(router, &results);
    TestReport::new(results, coverage)
}

fn errored(case: &Case, error: String) -> CaseResult {
    CaseResult {
        name: case.name.clone(),
        file: case.file().map(Path::to_path_buf),
        passed: false,
        expected: case.expect.clone(),
        actual: String::from("error"),
        mismatches: Vec::new(),
        error: Some(error),
        resolution: None,
    }
}

fn judge(case: &Case, res: Resolution) -> CaseResult {
    let mismatches = compare(&case.expect, &res);
    CaseResult {
        name: case.name.clone(),
        file: case.file().map(Path::to_path_buf),
        passed: mismatches.is_empty(),
        expected: case.expect.clone(),
        actual: describe(&res),
        mismatches,
        error: None,
        resolution: Some(res),
    }
}

/// One line for an outcome: `routed to `x` by rule `r`, cost 12 min`.
pub(crate) fn describe(res: &Resolution) -> String {
    let rule = res
        .explanation
        .rule
        .as_ref()
        .map(|r| format!(" by rule `{r}`"))
        .unwrap_or_default();
    match &res.outcome {
        Outcome::Routed(a) => format!("routed to `{}`{rule}, cost {} min", a.desk, a.cost_minutes),
        Outcome::NeedsInfo { questions } => {
            let facts: Vec<&str> = questions.iter().map(|q| q.fact.as_str()).collect();
            format!("needs info: {}", facts.join(", "))
        }
        Outcome::Escalated { to, gap } => format!(
            "escalated to `{}`{rule}, cost {} min ({})",
            to.desk, to.cost_minutes, gap.summary
        ),
        Outcome::NoDesk { gap } => format!("no desk{rule} ({})", gap.summary),
    }
}

/// Every way `res` misses `expect`, one sentence each; empty when it meets it.
pub(crate) fn compare(expect: &Expect, res: &Resolution) -> Vec<String> {
    let mut out = Vec::new();
    let o = &res.outcome;
    if let Some(d) = &expect.desk {
        match o {
            Outcome::Routed(a) if a.desk == *d => {}
            Outcome::Routed(a) => out.push(format!("routed to `{}`, not `{d}`", a.desk)),
            _ => out.push(format!("{}, not routed to `{d}`", kind_words(o))),
        }
    }
    if let Some(d) = &expect.escalated {
        match o {
            Outcome::Escalated { to, .. } if to.desk == *d => {}
            Outcome::Escalated { to, .. } => {
                out.push(format!("escalated to `{}`, not `{d}`", to.desk))
            }
            _ => out.push(format!("{}, not escalated to `{d}`", kind_words(o))),
        }
    }
    if expect.no_desk && !matches!(o, Outcome::NoDesk { .. }) {
        out.push(format!("{}, not no desk", kind_words(o)));
    }
    if let Some(expected) = &expect.needs_info {
        match o {
            Outcome::NeedsInfo { questions } => {
                if !expected.is_empty() {
                    let matches =
                        |e: &str, q: &crate::resolve::Question| q.fact == *e || q.question == e;
                    for e in expected {
                        if !questions.iter().any(|q| matches(e, q)) {
                            out.push(format!("question `{e}` was not asked"));
                        }
                    }
                    for q in questions {
                        if !expected.iter().any(|e| matches(e, q)) {
                            out.push(format!(
                                "question `{}` (\"{}\") was asked but not expected",
                                q.fact, q.question
                            ));
                        }
                    }
                }
            }
            _ => out.push(format!("{}, not needs info", kind_words(o))),
        }
    }
    let primary_failed = !out.is_empty();
    if let Some(d) = o.desk() {
        if expect.not_desk.contains(d) {
            out.push(format!("sent to `{d}`, which the case rules out"));
        }
    }
    if let Some(max) = expect.max_cost {
        match o {
            Outcome::Routed(a) | Outcome::Escalated { to: a, .. } => {
                if a.cost_minutes > max {
                    out.push(format!(
                        "cost {} min (travel {} + wait {}) is over the maximum {max} min",
                        a.cost_minutes,
                        a.travel_minutes.unwrap_or(0),
                        a.wait_minutes
                    ));
                }
            }
            _ if primary_failed => {}
            _ => out.push(format!("{}, so there is no cost to check", kind_words(o))),
        }
    }
    out
}

fn kind_words(o: &Outcome) -> String {
    match o {
        Outcome::Routed(a) => format!("routed to `{}`", a.desk),
        Outcome::NeedsInfo { questions } => {
            let facts: Vec<&str> = questions.iter().map(|q| q.fact.as_str()).collect();
            format!("needs info ({})", facts.join(", "))
        }
        Outcome::Escalated { to, .. } => format!("escalated to `{}`", to.desk),
        Outcome::NoDesk { .. } => String::from("no desk"),
    }
}

/// Which rules decided some case and which desks some case was sent to.
///
/// Desks counted are the ones a rule could route to (they offer a capability some rule
/// requires) and the duty desks (escalations go there); referral-only desks such as a front
/// desk are not expected to receive cases.
fn coverage(router: &Router, results: &[CaseResult]) -> Coverage {
    let org = router.org();
    let rules = router.rules();
    let mut rules_hit: BTreeSet<Id> = BTreeSet::new();
    let mut desks_hit: BTreeSet<Id> = BTreeSet::new();
    for r in results {
        let Some(res) = &r.resolution else { continue };
        let gap_rule = match &res.outcome {
            Outcome::Escalated { gap, .. } | Outcome::NoDesk { gap } => gap.rule.clone(),
            _ => None,
        };
        if let Some(rule) = res.explanation.rule.clone().or(gap_rule) {
            rules_hit.insert(rule);
        }
        if let Some(d) = res.outcome.desk() {
            desks_hit.insert(d.clone());
        }
    }
    let required: BTreeSet<&str> = rules
        .rules()
        .iter()
        .map(|r| r.capability.as_str())
        .collect();
    let duty: BTreeSet<&str> = org
        .units()
        .iter()
        .filter_map(|u| u.duty_desk.as_deref())
        .collect();
    let routable: Vec<&Id> = org
        .desks()
        .iter()
        .filter(|d| {
            duty.contains(d.id.as_str())
                || d.capabilities.iter().any(|c| required.contains(c.as_str()))
        })
        .map(|d| &d.id)
        .collect();
    let all_rules: Vec<&Id> = rules.rules().iter().map(|r| &r.id).collect();
    let split = |all: &[&Id], hit: &BTreeSet<Id>| -> (Vec<Id>, Vec<Id>) {
        all.iter()
            .map(|&i| i.clone())
            .partition(|i| hit.contains(i))
    };
    let (rules_exercised, rules_not_exercised) = split(&all_rules, &rules_hit);
    let (desks_exercised, desks_not_exercised) = split(&routable, &desks_hit);
    Coverage {
        rules: all_rules.len(),
        rules_exercised,
        rules_not_exercised,
        desks: routable.len(),
        desks_exercised,
        desks_not_exercised,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::Explanation;
    use crate::resolve::{Assignment, Gap, Opening, Question};

    fn routed(desk: &str, cost: u32) -> Resolution {
        Resolution {
            outcome: Outcome::Routed(Assignment {
                desk: desk.into(),
                desk_name: desk.into(),
                unit: "u".into(),
                site: "s".into(),
                site_name: "s".into(),
                address: None,
                travel_minutes: Some(cost / 2),
                wait_minutes: cost - cost / 2,
                cost_minutes: cost,
                hours: Id::from(""),
                opening: Opening::Unknown,
                bring: vec![],
            }),
            explanation: Explanation {
                rule: Some("r1".into()),
                ..Explanation::default()
            },
        }
    }

    fn needs(facts: &[&str]) -> Resolution {
        Resolution {
            outcome: Outcome::NeedsInfo {
                questions: facts
                    .iter()
                    .map(|f| Question {
                        fact: (*f).into(),
                        question: format!("What is your {f}?"),
                        allowed: vec![],
                    })
                    .collect(),
            },
            explanation: Explanation::default(),
        }
    }

    fn no_desk() -> Resolution {
        Resolution {
            outcome: Outcome::NoDesk {
                gap: Gap {
                    need: "n".into(),
                    rule: None,
                    capability: None,
                    authority: None,
                    unit: None,
                    site: None,
                    language: None,
                    owner: None,
                    summary: "no rule matches".into(),
                },
            },
            explanation: Explanation::default(),
        }
    }

    #[test]
    fn desk_expectations() {
        assert!(compare(&Expect::desk("a"), &routed("a", 10)).is_empty());
        let m = compare(&Expect::desk("a"), &routed("b", 10));
        assert_eq!(m, vec!["routed to `b`, not `a`"]);
        let m = compare(&Expect::desk("a"), &no_desk());
        assert_eq!(m, vec!["no desk, not routed to `a`"]);
    }

    #[test]
    fn not_desk_and_max_cost() {
        let e = Expect::default().not_desk("b").max_cost(15);
        assert!(compare(&e, &routed("a", 15)).is_empty());
        let m = compare(&e, &routed("b", 20));
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[1].contains("over the maximum 15 min"));
        let m = compare(&Expect::default().max_cost(5), &no_desk());
        assert_eq!(m, vec!["no desk, so there is no cost to check"]);
        // A failed primary expectation is enough; no second complaint about the cost.
        let m = compare(&Expect::desk("a").max_cost(5), &no_desk());
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn needs_info_matches_facts_or_question_texts_in_any_order() {
        let res = needs(&["requester", "case_number"]);
        assert!(compare(&Expect::needs_info(["case_number", "requester"]), &res).is_empty());
        assert!(
            compare(
                &Expect::needs_info(["What is your requester?", "case_number"]),
                &res
            )
            .is_empty()
        );
        assert!(compare(&Expect::needs_info(Vec::<String>::new()), &res).is_empty());
        let m = compare(&Expect::needs_info(["requester"]), &res);
        assert_eq!(m.len(), 1);
        assert!(m[0].contains("`case_number`"), "{m:?}");
        let m = compare(&Expect::needs_info(["injured"]), &routed("a", 1));
        assert_eq!(m, vec!["routed to `a`, not needs info"]);
    }

    #[test]
    fn escalated_and_no_desk() {
        assert!(compare(&Expect::no_desk(), &no_desk()).is_empty());
        assert_eq!(
            compare(&Expect::escalated("duty"), &no_desk()),
            vec!["no desk, not escalated to `duty`"]
        );
        assert_eq!(
            compare(&Expect::no_desk(), &routed("a", 1)),
            vec!["routed to `a`, not no desk"]
        );
    }
}
