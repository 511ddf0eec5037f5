//! Translating a rightdesk [`RuleSet`] into the equivalent GoRules JDM first-hit decision
//! table, and a [`Request`] into the JSON input zen evaluates.
//!
//! The table has one row per rule, in the router's evaluation order (priority descending,
//! then file order), and two input columns:
//!
//! - `need` (field `need`): a unary test `'a'` or `'a', 'b'` when the rule's condition is,
//!   or is a conjunction containing, `need eq` / `need in` text values. zen indexes such
//!   columns after `compile()`, so it does not scan rows of other needs;
//! - `when` (no field): the rest of the condition as a ZEN boolean expression (empty: any).
//!
//! Outputs: `rule` (the rule id) and `capability`.
//!
//! Two-valued translation of three-valued conditions: every test on a fact is written so
//! that it evaluates to `false` instead of failing when the fact is missing (`x != null and
//! ...`). By monotonicity of Kleene's logic, whenever the router's verdict on a rule is
//! definite (true or false), every way of replacing the unknown tests with true or false
//! gives that same verdict; so on every request the router does not answer with NeedsInfo,
//! zen's first hit is the router's deciding rule. On NeedsInfo requests zen has no
//! "unknown" and answers anyway.

use rightdesk::rules::{Condition, Op, RESERVED_FACTS, Value};
use rightdesk::{Request, RuleSet};
use serde_json::{Map, Value as Json, json};

/// Why a rule set cannot be written as a ZEN table.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    /// A text value contains both kinds of quotes (ZEN string literals have no escapes).
    #[error("rule {rule}: text value {value:?} holds both ' and \" (no ZEN literal for it)")]
    Quote {
        /// Rule id.
        rule: String,
        /// The value.
        value: String,
    },
    /// A fact name that is not a plain ZEN identifier.
    #[error("rule {rule}: fact name {fact:?} is not a ZEN identifier")]
    FactName {
        /// Rule id.
        rule: String,
        /// The fact.
        fact: String,
    },
    /// A number ZEN cannot write (NaN or infinite; validated rules have none).
    #[error("rule {rule}: number {value} has no ZEN literal")]
    Number {
        /// Rule id.
        rule: String,
        /// The number.
        value: f64,
    },
}

/// Writes ZEN expressions for one rule.
struct Writer<'a> {
    rule: &'a str,
}

const KEYWORDS: [&str; 6] = ["and", "or", "in", "not", "true", "false"];

impl Writer<'_> {
    fn text(&self, s: &str) -> Result<String, TranslateError> {
        if !s.contains('\'') {
            Ok(format!("'{s}'"))
        } else if !s.contains('"') {
            Ok(format!("\"{s}\""))
        } else {
            Err(TranslateError::Quote {
                rule: self.rule.to_owned(),
                value: s.to_owned(),
            })
        }
    }

    fn number(&self, n: f64) -> Result<String, TranslateError> {
        if n.is_finite() {
            // Rust's `Display` for f64 never uses an exponent: a plain decimal literal.
            Ok(format!("{n}"))
        } else {
            Err(TranslateError::Number {
                rule: self.rule.to_owned(),
                value: n,
            })
        }
    }

    fn value(&self, v: &Value) -> Result<String, TranslateError> {
        match v {
            Value::Text(s) => self.text(s),
            Value::Number(n) => self.number(*n),
            Value::Bool(b) => Ok(b.to_string()),
        }
    }

    fn list(&self, vs: &[Value]) -> Result<String, TranslateError> {
        let items: Result<Vec<String>, _> = vs.iter().map(|v| self.value(v)).collect();
        Ok(format!("[{}]", items?.join(", ")))
    }

    fn fact<'f>(&self, fact: &'f str) -> Result<&'f str, TranslateError> {
        let mut chars = fact.chars();
        let ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !KEYWORDS.contains(&fact)
            && fact != "null";
        if ok {
            Ok(fact)
        } else {
            Err(TranslateError::FactName {
                rule: self.rule.to_owned(),
                fact: fact.to_owned(),
            })
        }
    }

    /// One test, never failing on a missing fact (it is then false, or true for
    /// `exists: false`).
    fn test(&self, fact: &str, op: &Op) -> Result<String, TranslateError> {
        let f = self.fact(fact)?;
        Ok(match op {
            Op::Eq(v) => format!("({f} != null and {f} == {})", self.value(v)?),
            Op::Ne(v) => format!("({f} != null and {f} != {})", self.value(v)?),
            Op::In(vs) => format!("({f} != null and {f} in {})", self.list(vs)?),
            Op::NotIn(vs) => format!("({f} != null and not ({f} in {}))", self.list(vs)?),
            Op::Lt(x) => format!("({f} != null and {f} < {})", self.number(*x)?),
            Op::Lte(x) => format!("({f} != null and {f} <= {})", self.number(*x)?),
            Op::Gt(x) => format!("({f} != null and {f} > {})", self.number(*x)?),
            Op::Gte(x) => format!("({f} != null and {f} >= {})", self.number(*x)?),
            Op::Exists(true) => format!("({f} != null)"),
            Op::Exists(false) => format!("({f} == null)"),
            Op::Prefix(p) => format!("({f} != null and startsWith({f}, {}))", self.text(p)?),
        })
    }

    /// A condition as a ZEN boolean expression.
    fn condition(&self, c: &Condition) -> Result<String, TranslateError> {
        match c {
            Condition::Test { fact, op } => self.test(fact, op),
            Condition::Not(inner) => Ok(format!("(not {})", self.condition(inner)?)),
            Condition::All(parts) => self.join(parts, "and", "true"),
            Condition::Any(parts) => self.join(parts, "or", "false"),
        }
    }

    fn join(&self, parts: &[Condition], op: &str, empty: &str) -> Result<String, TranslateError> {
        if parts.is_empty() {
            return Ok(empty.to_owned());
        }
        let parts: Result<Vec<String>, _> = parts.iter().map(|p| self.condition(p)).collect();
        Ok(format!("({})", parts?.join(&format!(" {op} "))))
    }

    /// The `need` column's unary test, if `c` is a `need eq/in` test on text values.
    fn need_cell(&self, c: &Condition) -> Option<Result<String, TranslateError>> {
        let Condition::Test { fact, op } = c else {
            return None;
        };
        if fact != "need" {
            return None;
        }
        let values: Vec<&Value> = match op {
            Op::Eq(v) => vec![v],
            Op::In(vs) if !vs.is_empty() => vs.iter().collect(),
            _ => return None,
        };
        if !values.iter().all(|v| matches!(v, Value::Text(_))) {
            return None;
        }
        let cells: Result<Vec<String>, _> = values.iter().map(|v| self.value(v)).collect();
        Some(cells.map(|c| c.join(", ")))
    }

    /// The `need` cell and the `when` cell of a rule's condition.
    fn row(&self, c: &Condition) -> Result<(String, String), TranslateError> {
        if let Some(need) = self.need_cell(c) {
            return Ok((need?, String::new()));
        }
        if let Condition::All(parts) = c
            && let Some((i, need)) = parts
                .iter()
                .enumerate()
                .find_map(|(i, p)| Some((i, self.need_cell(p)?)))
        {
            let rest: Vec<Condition> = parts
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, p)| p.clone())
                .collect();
            let when = if rest.is_empty() {
                String::new()
            } else {
                self.join(&rest, "and", "true")?
            };
            return Ok((need?, when));
        }
        let when = match c {
            Condition::All(parts) if parts.is_empty() => String::new(),
            _ => self.condition(c)?,
        };
        Ok((String::new(), when))
    }
}

/// The rule set as a JDM decision graph: input → first-hit decision table → output.
///
/// # Errors
/// [`TranslateError`] for names and values ZEN cannot write.
pub fn decision_json(rules: &RuleSet) -> Result<Json, TranslateError> {
    let mut rows = Vec::with_capacity(rules.rules().len());
    for rule in rules.rules() {
        let w = Writer {
            rule: rule.id.as_str(),
        };
        let (need, when) = w.row(&rule.when)?;
        rows.push(json!({
            "_id": rule.id.as_str(),
            "need": need,
            "when": when,
            "rule": w.text(rule.id.as_str())?,
            "capability": w.text(rule.capability.as_str())?,
        }));
    }
    Ok(json!({
        "nodes": [
            {"id": "request", "name": "request", "type": "inputNode", "content": {}},
            {
                "id": "rules",
                "name": "rules",
                "type": "decisionTableNode",
                "content": {
                    "hitPolicy": "first",
                    "inputs": [
                        {"id": "need", "name": "need", "field": "need"},
                        {"id": "when", "name": "when"}
                    ],
                    "outputs": [
                        {"id": "rule", "name": "rule", "field": "rule"},
                        {"id": "capability", "name": "capability", "field": "capability"}
                    ],
                    "rules": rows
                }
            },
            {"id": "answer", "name": "answer", "type": "outputNode", "content": {}}
        ],
        "edges": [
            {"id": "e1", "sourceId": "request", "targetId": "rules"},
            {"id": "e2", "sourceId": "rules", "targetId": "answer"}
        ]
    }))
}

/// A request as zen's input: its facts, plus the reserved facts `need`, `language`,
/// `site` and `unit` from the request's own fields (absent ones left out).
pub fn request_json(req: &Request) -> Json {
    let mut m = Map::new();
    for (k, v) in &req.facts {
        if RESERVED_FACTS.contains(&k.as_str()) {
            continue;
        }
        let v = match v {
            Value::Text(s) => Json::from(s.as_str()),
            Value::Number(n) => Json::from(*n),
            Value::Bool(b) => Json::from(*b),
        };
        m.insert(k.clone(), v);
    }
    m.insert("need".into(), Json::from(req.need.as_str()));
    for (k, v) in [
        ("language", &req.language),
        ("site", &req.site),
        ("unit", &req.unit),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), Json::from(v.as_str()));
        }
    }
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;
    use std::sync::Arc;

    use rightdesk::load::{org_from_path, org_from_str, rules_from_path, rules_from_str};
    use rightdesk::policy_test::Cases;
    use rightdesk::{Format, Outcome, Request, Router};
    use zen_engine::model::DecisionContent;
    use zen_engine::{Decision, DecisionEngine, Variable};

    use super::{decision_json, request_json};

    fn decision(router: &Router) -> Decision {
        let content: DecisionContent =
            serde_json::from_value(decision_json(router.rules()).unwrap()).unwrap();
        let mut d = DecisionEngine::default()
            .create_decision(Arc::new(content))
            .unwrap();
        d.compile();
        d
    }

    /// zen's first hit == the router's deciding rule on every request without NeedsInfo;
    /// returns (agreed, needs_info, the deciding rules seen).
    fn agree(router: &Router, requests: &[Request]) -> (usize, usize, BTreeSet<String>) {
        let d = decision(router);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let (mut agreed, mut needs_info) = (0, 0);
        let mut seen = BTreeSet::new();
        for req in requests {
            let res = router.resolve(req).unwrap();
            if matches!(res.outcome, Outcome::NeedsInfo { .. }) {
                needs_info += 1;
                continue;
            }
            let input = Variable::from(request_json(req));
            let out = rt.block_on(d.evaluate(input)).unwrap();
            let zen = out
                .result
                .dot("rule")
                .and_then(|v| v.as_str().map(str::to_owned));
            let want = res.explanation.rule.map(|id| id.as_str().to_owned());
            assert_eq!(zen, want, "on {req:?}");
            seen.extend(want);
            agreed += 1;
        }
        (agreed, needs_info, seen)
    }

    const ORG: &str = "
sites: [{id: s1}]
units: [{id: u}]
desks:
  - {id: d, unit: u, site: s1, capabilities: [c1, c2, c3, c4, c5, c6, c7, c8], languages: [en, es]}
";

    /// Every operator, `not`, nested `any`/`all`, a reserved fact and a rule without
    /// condition; every combination of present, missing and boundary fact values.
    const RULES: &str = r#"
facts:
  - {id: s, values: [a, b, c]}
  - {id: n, type: number}
  - {id: b, type: bool}
  - {id: z}
rules:
  - id: ne
    priority: 9
    when: {all: [{fact: need, eq: x}, {fact: s, ne: a}, {fact: b, eq: true}]}
    then: {capability: c1}
  - id: lte-or-not
    priority: 8
    when: {all: [{fact: need, in: [y, w]}, {any: [{fact: n, lte: 5}, {not: {fact: b, eq: true}}]}]}
    then: {capability: c2}
  - id: gt-not-prefix
    priority: 8
    when: {all: [{fact: n, gt: 10}, {not: {fact: z, prefix: "9"}}]}
    then: {capability: c3}
  - id: absent
    priority: 7
    when: {all: [{fact: z, exists: false}, {fact: s, not_in: [b, c]}, {fact: n, lt: 7}]}
    then: {capability: c4}
  - id: nested
    priority: 6
    when:
      not:
        any:
          - {all: [{fact: s, eq: a}, {fact: n, gte: 3}]}
          - {fact: b, eq: false}
          - {all: [{fact: language, eq: es}, {fact: z, exists: true}]}
    then: {capability: c5}
  - id: lang
    priority: 5
    when: {any: [{all: [{fact: language, in: [es]}, {fact: need, eq: y}]}, {fact: need, eq: w}]}
    then: {capability: c6}
  - id: exists
    priority: 4
    when: {fact: s, exists: true}
    then: {capability: c7}
  - id: always
    then: {capability: c8}
"#;

    #[test]
    fn every_operator_agrees() {
        let org = org_from_str(ORG, Format::Yaml, None).unwrap();
        let rules = rules_from_str(RULES, Format::Yaml, None, &org).unwrap();
        let router = Router::new(org, rules);
        let mut requests = Vec::new();
        for need in ["x", "y", "w"] {
            for s in [None, Some("a"), Some("b"), Some("c")] {
                for n in [
                    None,
                    Some(3.0),
                    Some(5.0),
                    Some(7.0),
                    Some(10.0),
                    Some(12.5),
                ] {
                    for b in [None, Some(true), Some(false)] {
                        for z in [None, Some("90210"), Some("10001")] {
                            for lang in [None, Some("es")] {
                                let mut r = Request::new(need);
                                if let Some(s) = s {
                                    r = r.fact("s", s);
                                }
                                if let Some(n) = n {
                                    r = r.fact("n", n);
                                }
                                if let Some(b) = b {
                                    r = r.fact("b", b);
                                }
                                if let Some(z) = z {
                                    r = r.fact("z", z);
                                }
                                if let Some(l) = lang {
                                    r = r.language(l);
                                }
                                requests.push(r);
                            }
                        }
                    }
                }
            }
        }
        let (agreed, needs_info, seen) = agree(&router, &requests);
        assert_eq!((agreed, needs_info), (809, 487));
        // Every rule decides some request.
        assert_eq!(seen.len(), router.rules().rules().len(), "{seen:?}");
    }

    #[test]
    fn examples_agree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        for (org, rules, cases) in [
            (
                "city311/org.toml",
                "city311/rules.yaml",
                "city311/cases.yaml",
            ),
            (
                "police_station/org.yaml",
                "police_station/rules.yaml",
                "police_station/cases.yaml",
            ),
        ] {
            let org = org_from_path(root.join(org)).unwrap();
            let rules = rules_from_path(root.join(rules), &org).unwrap();
            let cases = Cases::from_path(root.join(cases)).unwrap();
            let router = Router::new(org, rules);
            let requests: Vec<Request> = cases.cases.into_iter().map(|c| c.request).collect();
            let (agreed, _, _) = agree(&router, &requests);
            assert!(agreed > 5);
        }
    }
}
