//! `ambiguous-rules`: two rules of equal priority that both match one request — one that
//! reaches them (every earlier rule FALSE) — and demand different things. The first in the
//! file wins silently; the example request shows it.
//!
//! Only rules that can be TRUE for the same `need` value are paired (rules that do not pin
//! `need` are paired with every rule of their priority), so 10 000 rules over distinct
//! needs cost about 10 000 checks, not 50 million.

use std::collections::{BTreeSet, HashMap};

use super::Lint;
use super::context::Context;
use super::finding::{Code, Finding, Severity, Subject};
use super::logic::Dnf;
use crate::rules::{Rule, ValueRef};

/// See the [module docs](self).
pub(crate) struct AmbiguousRules;

impl Lint for AmbiguousRules {
    fn code(&self) -> Code {
        Code::AmbiguousRules
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let rules = cx.rules.rules();
        let rl = cx.logic();
        let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
        let (groups, wildcards) = rl.groups();
        let mut consider = |a: usize, b: usize| {
            let (a, b) = (a.min(b), a.max(b));
            if let (Some(x), Some(y)) = (rules.get(a), rules.get(b)) {
                if a != b && x.priority == y.priority && !differences(x, y).is_empty() {
                    pairs.insert((a, b));
                }
            }
        };
        for g in groups {
            // Equal priorities are contiguous in evaluation order.
            for (k, &a) in g.iter().enumerate() {
                for &b in g.get(k + 1..).unwrap_or(&[]) {
                    if rules.get(b).map(|r| r.priority) != rules.get(a).map(|r| r.priority) {
                        break;
                    }
                    consider(a, b);
                }
            }
        }
        let mut by_priority: HashMap<i32, Vec<usize>> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            by_priority.entry(r.priority).or_default().push(i);
        }
        for &w in wildcards {
            let Some(p) = rules.get(w).map(|r| r.priority) else {
                continue;
            };
            for &b in by_priority.get(&p).into_iter().flatten() {
                consider(w, b);
            }
        }
        for (a, b) in pairs {
            let (Some(x), Some(y)) = (rules.get(a), rules.get(b)) else {
                continue;
            };
            let (Some(Some(pa)), Some(Some(pb))) = (rl.pos.get(a), rl.pos.get(b)) else {
                cx.give_up(&x.id);
                cx.give_up(&y.id);
                continue;
            };
            let mut all: Vec<&Dnf> = vec![pa, pb];
            let mut complete = true;
            for e in rl.earlier(a) {
                match rl.neg.get(e) {
                    Some(Some(n)) => all.push(n),
                    _ => complete = false,
                }
            }
            let mut budget = cx.options.search_budget;
            let (witness, exact) = match complete.then(|| rl.logic.search(&all, &mut budget)) {
                Some(Ok(Some(w))) => (Some(w), true),
                Some(Ok(None)) => (None, true),
                _ => {
                    let mut budget = cx.options.search_budget;
                    match rl.logic.search(&[pa, pb], &mut budget) {
                        Ok(w) => (w, false),
                        Err(_) => {
                            cx.give_up(&x.id);
                            cx.give_up(&y.id);
                            (None, false)
                        }
                    }
                }
            };
            let Some(w) = witness else { continue };
            let note = if exact {
                ""
            } else {
                " (if no earlier rule takes it first: too large to check)"
            };
            out.push(
                Finding::new(
                    Code::AmbiguousRules,
                    Severity::Warning,
                    format!(
                        "rules `{}` and `{}` (priority {}) both match the example request{note} but demand different things ({}); `{}` wins only because it comes first in the file",
                        x.id,
                        y.id,
                        x.priority,
                        differences(x, y).join("; "),
                        x.id
                    ),
                    format!(
                        "make the conditions of `{}` and `{}` exclusive, or give the one that should win a higher priority",
                        x.id, y.id
                    ),
                )
                .with([Subject::Rule(x.id.clone()), Subject::Rule(y.id.clone())])
                .example(Some(rl.request(&w, &x.capability, None))),
            );
        }
    }
}

fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "none".to_owned(), |x| format!("`{x}`"))
}

fn show_ref(v: &Option<ValueRef>) -> String {
    match v {
        None => "none".to_owned(),
        Some(ValueRef::Literal(s)) => format!("`{s}`"),
        Some(ValueRef::Fact { fact }) => format!("the request's `{fact}`"),
    }
}

/// What two rules demand differently, e.g. "capability `a` vs `b`".
pub(crate) fn differences(x: &Rule, y: &Rule) -> Vec<String> {
    let mut d = Vec::new();
    if x.capability != y.capability {
        d.push(format!(
            "capability `{}` vs `{}`",
            x.capability, y.capability
        ));
    }
    let pairs = [
        ("authority", show(&x.authority), show(&y.authority)),
        ("unit", show(&x.unit), show(&y.unit)),
        ("site", show(&x.site), show(&y.site)),
        (
            "desk language",
            show_ref(&x.language),
            show_ref(&y.language),
        ),
        ("desk site", show_ref(&x.desk_site), show_ref(&y.desk_site)),
        ("owner", show(&x.owner), show(&y.owner)),
    ];
    for (what, a, b) in pairs {
        if a != b {
            d.push(format!("{what} {a} vs {b}"));
        }
    }
    if x.bring != y.bring {
        let list = |v: &[crate::model::Id]| {
            if v.is_empty() {
                "nothing".to_owned()
            } else {
                v.iter()
                    .map(|i| format!("`{i}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        d.push(format!("bring {} vs {}", list(&x.bring), list(&y.bring)));
    }
    d
}
