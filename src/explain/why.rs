//! Why a rule matched, did not match, or could not be decided: sentences about the
//! request's facts.

use crate::compile::CompiledRule;
use crate::compile::cond::{Cond, FactRef, FactVal, Lit, Test, Tri};
use crate::explain::RuleNote;
use crate::resolve::Request;
use crate::resolve::engine::{constraint_facts_missing, verdict_of};
use crate::rules::{Rule, Value};

fn val(v: FactVal<'_>) -> String {
    match v {
        FactVal::Text(s) => format!("`{s}`"),
        FactVal::Number(n) => Value::Number(n).to_string(),
        FactVal::Bool(b) => b.to_string(),
    }
}

fn lit(l: &Lit) -> String {
    match l {
        Lit::Text(s) => format!("`{s}`"),
        Lit::Number(n) => Value::Number(*n).to_string(),
        Lit::Bool(b) => b.to_string(),
    }
}

fn lits(ls: &[Lit]) -> String {
    ls.iter().map(lit).collect::<Vec<_>>().join(", ")
}

fn num(n: f64) -> String {
    Value::Number(n).to_string()
}

fn test(f: &FactRef, t: &Test, req: &Request) -> (Tri, String) {
    let name = f.name();
    let v = f.get(req);
    if let Test::Exists(b) = t {
        let tri = Tri::from_bool(v.is_some() == *b);
        return (
            tri,
            if v.is_some() {
                format!("`{name}` is given")
            } else {
                format!("`{name}` is not given")
            },
        );
    }
    let Some(v) = v else {
        return (Tri::Unknown, format!("`{name}` is not given"));
    };
    let c = Cond::Test(f.clone(), t.clone());
    let tri = c.eval(req);
    let holds = tri == Tri::True;
    let x = val(v);
    let text = match (t, holds) {
        (Test::Eq(l), true) => format!("`{name}` is {}", lit(l)),
        (Test::Eq(l), false) => format!("`{name}` is {x}, not {}", lit(l)),
        (Test::Ne(l), true) => format!("`{name}` is {x}, not {}", lit(l)),
        (Test::Ne(l), false) => format!("`{name}` is {}", lit(l)),
        (Test::In(ls), true) | (Test::NotIn(ls), false) => {
            format!("`{name}` is {x}, one of {}", lits(ls))
        }
        (Test::In(ls), false) | (Test::NotIn(ls), true) => {
            format!("`{name}` is {x}, not one of {}", lits(ls))
        }
        (Test::Lt(n), true) => format!("`{name}` is {x}, less than {}", num(*n)),
        (Test::Lt(n), false) => format!("`{name}` is {x}, not less than {}", num(*n)),
        (Test::Lte(n), true) => format!("`{name}` is {x}, at most {}", num(*n)),
        (Test::Lte(n), false) => format!("`{name}` is {x}, more than {}", num(*n)),
        (Test::Gt(n), true) => format!("`{name}` is {x}, more than {}", num(*n)),
        (Test::Gt(n), false) => format!("`{name}` is {x}, not more than {}", num(*n)),
        (Test::Gte(n), true) => format!("`{name}` is {x}, at least {}", num(*n)),
        (Test::Gte(n), false) => format!("`{name}` is {x}, less than {}", num(*n)),
        (Test::Prefix(p), true) => format!("`{name}` is {x}, which starts with `{p}`"),
        (Test::Prefix(p), false) => format!("`{name}` is {x}, which does not start with `{p}`"),
        (Test::Exists(_), _) => String::new(),
    };
    (tri, text)
}

/// The condition's verdict and a sentence saying why.
pub(crate) fn describe(c: &Cond, req: &Request) -> (Tri, String) {
    match c {
        Cond::Test(f, t) => test(f, t, req),
        Cond::Not(inner) => {
            let (tri, text) = describe(inner, req);
            (tri.not(), text)
        }
        Cond::All(parts) | Cond::Any(parts) => {
            let all = matches!(c, Cond::All(_));
            if parts.is_empty() {
                return if all {
                    (Tri::True, "it always applies".to_owned())
                } else {
                    (Tri::False, "it has no alternatives".to_owned())
                };
            }
            let described: Vec<(Tri, String)> = parts.iter().map(|p| describe(p, req)).collect();
            // The value that decides on its own: false for `all`, true for `any`.
            let decisive = if all { Tri::False } else { Tri::True };
            if let Some((_, t)) = described.iter().find(|(v, _)| *v == decisive) {
                return (decisive, t.clone());
            }
            let unknown: Vec<&str> = described
                .iter()
                .filter(|(v, _)| *v == Tri::Unknown)
                .map(|(_, t)| t.as_str())
                .collect();
            if !unknown.is_empty() {
                return (Tri::Unknown, unknown.join("; "));
            }
            let texts: Vec<&str> = described.iter().map(|(_, t)| t.as_str()).collect();
            (decisive.not(), texts.join("; "))
        }
    }
}

/// A rule's note for an explanation.
pub(crate) fn rule_note(
    rule: &Rule,
    c: &CompiledRule,
    when: &Cond,
    req: &Request,
    tri: Tri,
    needing: bool,
) -> RuleNote {
    let (_, mut why) = describe(when, req);
    if needing {
        let facts: Vec<String> = constraint_facts_missing(c, req)
            .map(|f| format!("`{}`", f.name()))
            .collect();
        why = format!(
            "{why}; but its desk constraints need {}, which the request does not give",
            facts.join(", ")
        );
    }
    RuleNote {
        rule: rule.id.clone(),
        priority: rule.priority,
        verdict: verdict_of(tri, needing),
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Condition;

    fn why(json: &str, req: &Request) -> (Tri, String) {
        let c: Condition = serde_json::from_str(json).unwrap();
        let c = Cond::compile(&c);
        let out = describe(&c, req);
        assert_eq!(out.0, c.eval(req), "describe agrees with eval");
        out
    }

    #[test]
    fn sentences() {
        let req = Request::new("copy")
            .fact("requester", "officer")
            .fact("age", 17i64);
        assert_eq!(
            why(r#"{"fact":"requester","eq":"public"}"#, &req).1,
            "`requester` is `officer`, not `public`"
        );
        assert_eq!(
            why(
                r#"{"all":[{"fact":"need","eq":"copy"},{"fact":"age","gte":18}]}"#,
                &req
            )
            .1,
            "`age` is 17, less than 18"
        );
        assert_eq!(
            why(
                r#"{"all":[{"fact":"need","eq":"copy"},{"fact":"requester","in":["officer","clerk"]}]}"#,
                &req
            )
            .1,
            "`need` is `copy`; `requester` is `officer`, one of `officer`, `clerk`"
        );
        assert_eq!(
            why(
                r#"{"any":[{"fact":"case","exists":true},{"fact":"x","eq":1}]}"#,
                &req
            ),
            (Tri::Unknown, "`x` is not given".to_owned())
        );
        assert_eq!(why(r#"{"all":[]}"#, &req).1, "it always applies");
    }
}
