//! `shadowed-rule`: a rule that can never decide. Either its condition contradicts itself,
//! or for every request it matches some earlier rule is TRUE (and decides) or UNKNOWN
//! (and asks a question whose every answer leaves this rule out).
//!
//! Exact (see the [analysis docs](super#exactness)): the rule decides some request iff
//! TRUE(it) ∧ FALSE(each earlier rule) is satisfiable. The covering rules named are the
//! earlier rules that take some of its requests, or that cannot be FALSE while it is TRUE.

use super::Lint;
use super::context::{Context, Reach};
use super::finding::{Code, Finding, Severity, Subject};
use crate::model::Id;

/// See the [module docs](self).
pub(crate) struct ShadowedRule;

impl Lint for ShadowedRule {
    fn code(&self) -> Code {
        Code::ShadowedRule
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let rl = cx.logic();
        let rules = cx.rules.rules();
        for (i, reach) in cx.reach().iter().enumerate() {
            let Some(rule) = rules.get(i) else { continue };
            match reach {
                Reach::NeverTrue => out.push(
                    Finding::new(
                        Code::ShadowedRule,
                        Severity::Warning,
                        format!(
                            "rule `{}` can never match: its condition contradicts itself (or tests values its facts cannot have)",
                            rule.id
                        ),
                        format!("fix or delete the condition of `{}`", rule.id),
                    )
                    .with([Subject::Rule(rule.id.clone())]),
                ),
                Reach::Shadowed => {
                    let Some(Some(pos)) = rl.pos.get(i) else { continue };
                    let mut covering: Vec<Id> = Vec::new();
                    for e in rl.earlier(i) {
                        let (Some(Some(pe)), Some(Some(ne)), Some(er)) =
                            (rl.pos.get(e), rl.neg.get(e), rules.get(e))
                        else {
                            continue;
                        };
                        let mut b1 = cx.options.search_budget;
                        let takes = !matches!(rl.logic.search(&[pos, pe], &mut b1), Ok(None));
                        let mut b2 = cx.options.search_budget;
                        let blocks = matches!(rl.logic.search(&[pos, ne], &mut b2), Ok(None));
                        if takes || blocks {
                            covering.push(er.id.clone());
                        }
                    }
                    let mut budget = cx.options.search_budget;
                    let example = rl
                        .logic
                        .search(&[pos], &mut budget)
                        .ok()
                        .flatten()
                        .map(|w| rl.request(&w, &rule.capability, None));
                    let names: Vec<String> =
                        covering.iter().take(8).map(|c| format!("`{c}`")).collect();
                    let first = covering.first().cloned().unwrap_or_else(|| Id::from("?"));
                    out.push(
                        Finding::new(
                            Code::ShadowedRule,
                            Severity::Warning,
                            format!(
                                "rule `{}` (priority {}) can never decide: every request it matches is decided (or held for questions) by earlier {} {}",
                                rule.id,
                                rule.priority,
                                if covering.len() == 1 { "rule" } else { "rules" },
                                names.join(", ")
                            ),
                            format!(
                                "give `{}` a higher priority than `{first}`, narrow `{first}`, or delete `{}`",
                                rule.id, rule.id
                            ),
                        )
                        .with([Subject::Rule(rule.id.clone())])
                        .with(covering.into_iter().map(Subject::Rule))
                        .example(example),
                    );
                }
                Reach::Decides(_) | Reach::Inconclusive => {}
            }
        }
    }
}
