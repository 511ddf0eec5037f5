//! Rules: which kind of request needs which capability, authority and constraints.
//!
//! [`RuleSetSpec`] is the file format; [`RuleSet`] is validated against an [`Org`].

pub mod spec;

pub use spec::{
    Condition, DeskConstraintsSpec, FactSpec, FactType, Op, RuleSetSpec, RuleSpec, ThenSpec, Value,
    ValueRef,
};

use crate::model::{Id, IdMap, Org};
use crate::problem::{Problem, ProblemKind, Problems};

/// Request fields that conditions may test like facts.
pub const RESERVED_FACTS: [&str; 4] = ["need", "language", "site", "unit"];

/// Deepest nesting of `all`/`any`/`not` accepted in a condition.
pub const MAX_CONDITION_DEPTH: usize = 64;

/// A declared fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// Fact name.
    pub id: Id,
    /// Value type.
    pub kind: FactType,
    /// Allowed values (empty: any of the type).
    pub values: Vec<Value>,
    /// Smallest allowed number.
    pub min: Option<f64>,
    /// Largest allowed number.
    pub max: Option<f64>,
    /// The question to ask the customer.
    pub question: String,
}

impl Fact {
    /// Is `v` an allowed value of this fact? `Err` says why not.
    pub fn check(&self, v: &Value) -> Result<(), String> {
        if v.kind() != self.kind {
            return Err(format!(
                "fact `{}` is a {}, got {} `{v}`",
                self.id,
                self.kind,
                v.kind()
            ));
        }
        if let Value::Number(n) = v {
            if !n.is_finite() {
                return Err(format!("fact `{}`: {n} is not a finite number", self.id));
            }
            if self.min.is_some_and(|m| *n < m) || self.max.is_some_and(|m| *n > m) {
                return Err(format!(
                    "fact `{}`: {n} is out of range {}..={}",
                    self.id,
                    self.min.map_or("".into(), |m| m.to_string()),
                    self.max.map_or("".into(), |m| m.to_string())
                ));
            }
        }
        if !self.values.is_empty() && !self.values.contains(v) {
            let allowed: Vec<String> = self.values.iter().map(|v| v.to_string()).collect();
            return Err(format!(
                "fact `{}`: `{v}` is not one of {}",
                self.id,
                allowed.join(", ")
            ));
        }
        Ok(())
    }
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Rule id.
    pub id: Id,
    /// What it is for.
    pub description: Option<Id>,
    /// Priority (higher first).
    pub priority: i32,
    /// Position in the file (ties in priority go in file order).
    pub order: usize,
    /// Condition (`All([])` when the file had none: always true).
    pub when: Condition,
    /// Capability the desk must have.
    pub capability: Id,
    /// Minimum authority.
    pub authority: Option<u32>,
    /// Scope: desks of this unit or below.
    pub unit: Option<Id>,
    /// Scope: desks at this site.
    pub site: Option<Id>,
    /// The desk must speak this language.
    pub language: Option<ValueRef>,
    /// The desk must be at this site (may refer to the request).
    pub desk_site: Option<ValueRef>,
    /// Unit that owns the problem for escalation.
    pub owner: Option<Id>,
    /// Extra things to bring.
    pub bring: Vec<Id>,
}

/// Validated rules, sorted by evaluation order (priority descending, then file order).
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub(crate) facts: Vec<Fact>,
    pub(crate) fact_ix: IdMap<Id, usize>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) warnings: Vec<Problem>,
}

impl RuleSet {
    /// Validate rules against an organization, reporting every problem found.
    ///
    /// Errors: duplicate fact or rule ids, conditions on undeclared facts, values of the
    /// wrong type or not allowed for their fact, non-finite numbers, nesting deeper than
    /// [`MAX_CONDITION_DEPTH`], scopes naming unknown units or sites.
    /// Warnings (kept in [`RuleSet::warnings`]): a capability no desk offers.
    ///
    /// # Errors
    /// [`Problems`] with every error (and the warnings), each with its path, e.g.
    /// `rules[3].when.all[1].eq`.
    pub fn from_spec(mut spec: RuleSetSpec, org: &Org) -> Result<RuleSet, Problems> {
        let mut problems: Vec<Problem> = Vec::new();
        let mut facts: Vec<Fact> = Vec::new();
        let mut fact_ix: IdMap<Id, usize> = IdMap::default();
        for (i, f) in spec.facts.iter_mut().enumerate() {
            let path = format!("facts[{i}]");
            let id = Id::from(&f.id);
            if f.id.trim().is_empty() {
                problems.push(Problem::error(
                    ProblemKind::BadValue,
                    format!("{path}.id"),
                    "empty fact id",
                ));
                continue;
            }
            if RESERVED_FACTS.contains(&f.id.as_str()) {
                problems.push(
                    Problem::error(
                        ProblemKind::DuplicateId,
                        format!("{path}.id"),
                        format!("`{}` is a request field, not a declarable fact", f.id),
                    )
                    .with_id(id.clone())
                    .with_hint("conditions can test `need`, `language`, `site` and `unit` without declaring them"),
                );
                continue;
            }
            if fact_ix.contains_key(&id) {
                problems.push(
                    Problem::error(
                        ProblemKind::DuplicateId,
                        format!("{path}.id"),
                        format!("duplicate fact id `{id}`"),
                    )
                    .with_id(id.clone()),
                );
                continue;
            }
            for (name, bound) in [("min", f.min), ("max", f.max)] {
                if let Some(b) = bound {
                    if f.kind != FactType::Number {
                        problems.push(
                            Problem::error(
                                ProblemKind::TypeMismatch,
                                format!("{path}.{name}"),
                                format!(
                                    "`{name}` only applies to number facts; `{id}` is a {}",
                                    f.kind
                                ),
                            )
                            .with_id(id.clone()),
                        );
                    } else if !b.is_finite() {
                        problems.push(
                            Problem::error(
                                ProblemKind::BadValue,
                                format!("{path}.{name}"),
                                format!("{b} is not a finite number"),
                            )
                            .with_id(id.clone()),
                        );
                    }
                }
            }
            for (j, v) in f.values.iter().enumerate() {
                if v.kind() != f.kind {
                    problems.push(
                        Problem::error(
                            ProblemKind::TypeMismatch,
                            format!("{path}.values[{j}]"),
                            format!(
                                "fact `{id}` is a {}, but value `{v}` is a {}",
                                f.kind,
                                v.kind()
                            ),
                        )
                        .with_id(id.clone()),
                    );
                }
            }
            fact_ix.insert(id.clone(), facts.len());
            facts.push(Fact {
                question: f
                    .question
                    .clone()
                    .unwrap_or_else(|| default_question(&f.id)),
                id,
                kind: f.kind,
                values: f.values.clone(),
                min: f.min,
                max: f.max,
            });
        }

        // Capabilities some desk offers: a bit per interned symbol, kept by the org.
        let offered = |cap: &str| org.symbol_ix.get(cap).is_some_and(|&c| org.is_offered(c));
        let mut rules: Vec<Rule> = Vec::with_capacity(spec.rules.len());
        let mut rule_ids: IdMap<Id, usize> =
            IdMap::with_capacity_and_hasher(spec.rules.len(), Default::default());
        for (i, r) in spec.rules.iter_mut().enumerate() {
            // Formatted only for a problem.
            let path = RulePath(i);
            let id = Id::from(&r.id);
            if r.id.trim().is_empty() {
                problems.push(Problem::error(
                    ProblemKind::BadValue,
                    format!("{path}.id"),
                    "empty rule id",
                ));
            }
            if let Some(prev) = rule_ids.insert(id.clone(), i) {
                problems.push(
                    Problem::error(
                        ProblemKind::DuplicateId,
                        format!("{path}.id"),
                        format!("duplicate rule id `{id}`"),
                    )
                    .with_id(id.clone())
                    .with_hint(format!("rules[{prev}] has the same id")),
                );
            }
            // The spec is consumed: its parts move into the rule rather than being copied.
            let when = r.when.take().unwrap_or(Condition::All(Vec::new()));
            check_condition(
                &when,
                CondPath::When(i),
                0,
                &facts,
                &fact_ix,
                &id,
                &mut problems,
            );
            let t = &r.then;
            if t.capability.trim().is_empty() {
                problems.push(
                    Problem::error(
                        ProblemKind::BadValue,
                        format!("{path}.then.capability"),
                        "empty capability",
                    )
                    .with_id(id.clone()),
                );
            } else if !offered(t.capability.as_str()) {
                problems.push(
                    Problem::warning(
                        ProblemKind::UnservedCapability,
                        format!("{path}.then.capability"),
                        format!("no desk offers capability `{}`", t.capability),
                    )
                    .with_id(id.clone())
                    .with_hint("requests matching this rule will be escalated or reported as a coverage gap"),
                );
            }
            for (field, unit) in [("unit", &t.unit), ("owner", &t.owner)] {
                if let Some(u) = unit {
                    if org.unit(u).is_none() {
                        let mut p = Problem::error(
                            ProblemKind::UnknownReference,
                            format!("{path}.then.{field}"),
                            format!("unknown unit `{u}`"),
                        )
                        .with_id(id.clone());
                        if let Some(s) =
                            crate::model::closest_id(org.units.iter().map(|u| u.id.as_str()), u)
                        {
                            p = p.with_hint(format!("did you mean `{s}`?"));
                        }
                        problems.push(p);
                    }
                }
            }
            if let Some(s) = &t.site {
                if org.site(s).is_none() {
                    problems.push(
                        Problem::error(
                            ProblemKind::UnknownReference,
                            format!("{path}.then.site"),
                            format!("unknown site `{s}`"),
                        )
                        .with_id(id.clone()),
                    );
                }
            }
            for (field, vr) in [("language", &t.desk.language), ("site", &t.desk.site)] {
                if let Some(ValueRef::Fact { fact }) = vr {
                    if !RESERVED_FACTS.contains(&fact.as_str())
                        && !fact_ix.contains_key(fact.as_str())
                    {
                        problems.push(
                            Problem::error(
                                ProblemKind::UnknownReference,
                                format!("{path}.then.desk.{field}"),
                                format!("unknown fact `{fact}`"),
                            )
                            .with_id(id.clone())
                            .with_hint("declare it under `facts`, or use a request field: need, language, site, unit"),
                        );
                    }
                }
                if let (Some(ValueRef::Literal(s)), "site") = (vr, field) {
                    if org.site(s).is_none() {
                        problems.push(
                            Problem::error(
                                ProblemKind::UnknownReference,
                                format!("{path}.then.desk.site"),
                                format!("unknown site `{s}`"),
                            )
                            .with_id(id.clone()),
                        );
                    }
                }
            }
            rules.push(Rule {
                id,
                description: r.description.take().map(Id::from),
                priority: r.priority,
                order: i,
                when,
                // The organization's own string when a desk offers it (most rules).
                capability: org
                    .symbol_ix
                    .get_key_value(t.capability.as_str())
                    .map_or_else(|| Id::from(&t.capability), |(c, _)| c.clone()),
                authority: t.authority,
                unit: t.unit.as_deref().map(Id::from),
                site: t.site.as_deref().map(Id::from),
                language: t.desk.language.clone(),
                desk_site: t.desk.site.clone(),
                owner: t.owner.as_deref().or(t.unit.as_deref()).map(Id::from),
                bring: t.bring.iter().map(Id::from).collect(),
            });
        }
        problems.sort_by_key(|p| std::cmp::Reverse(p.severity));
        if problems.iter().any(Problem::is_error) {
            return Err(Problems(problems));
        }
        rules.sort_by_key(|r| (std::cmp::Reverse(r.priority), r.order));
        Ok(RuleSet {
            facts,
            fact_ix,
            rules,
            warnings: problems,
        })
    }

    /// The rules in evaluation order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == *id)
    }

    /// The declared facts, in file order.
    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    /// The declared fact with this name.
    pub fn fact(&self, id: &str) -> Option<&Fact> {
        self.fact_ix.get(id).map(|&i| &self.facts[i])
    }

    /// Warnings found while validating (the rules were accepted).
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// The rules as a spec, rebuilt from the validated rules (which do not keep the file's
    /// data), in file order.
    ///
    /// `RuleSet::from_spec(rules.to_spec(), &org)` gives back the same rules, whose
    /// `to_spec()` is equal to this one. It is an equivalent spec, not always the one the
    /// rules were built from: a fact's question equal to the default one, an `owner` equal
    /// to the `unit` and an empty `when` are left out.
    ///
    /// # Complexity
    /// Linear in the size of the rules.
    ///
    /// # Example
    /// ```
    /// use rightdesk::{Org, OrgSpec, RuleSet, RuleSetSpec};
    /// let org = Org::from_spec(serde_json::from_str::<OrgSpec>(r#"{
    ///   "sites": [{"id": "hq"}], "units": [{"id": "records"}],
    ///   "desks": [{"id": "counter", "unit": "records", "site": "hq",
    ///              "capabilities": ["report.copy"]}]
    /// }"#)?)?;
    /// let spec: RuleSetSpec = serde_json::from_str(r#"{
    ///   "facts": [{"id": "injured", "type": "bool"}],
    ///   "rules": [{"id": "copy", "when": {"fact": "injured", "eq": false},
    ///              "then": {"capability": "report.copy", "unit": "records"}}]
    /// }"#)?;
    /// let rules = RuleSet::from_spec(spec.clone(), &org)?;
    /// assert_eq!(rules.to_spec(), spec);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_spec(&self) -> RuleSetSpec {
        let facts = self
            .facts
            .iter()
            .map(|f| FactSpec {
                id: f.id.to_string(),
                kind: f.kind,
                values: f.values.clone(),
                min: f.min,
                max: f.max,
                question: (f.question != default_question(&f.id)).then(|| f.question.clone()),
            })
            .collect();
        let mut in_file_order: Vec<&Rule> = self.rules.iter().collect();
        in_file_order.sort_by_key(|r| r.order);
        let rules = in_file_order
            .into_iter()
            .map(|r| RuleSpec {
                id: r.id.to_string(),
                description: r.description.as_ref().map(Id::to_string),
                priority: r.priority,
                when: (!matches!(&r.when, Condition::All(v) if v.is_empty()))
                    .then(|| r.when.clone()),
                then: ThenSpec {
                    capability: r.capability.to_string(),
                    authority: r.authority,
                    unit: r.unit.as_ref().map(Id::to_string),
                    site: r.site.as_ref().map(Id::to_string),
                    desk: DeskConstraintsSpec {
                        language: r.language.clone(),
                        site: r.desk_site.clone(),
                    },
                    owner: (r.owner != r.unit)
                        .then(|| r.owner.as_ref().map(Id::to_string))
                        .flatten(),
                    bring: r.bring.iter().map(Id::to_string).collect(),
                },
            })
            .collect();
        RuleSetSpec { facts, rules }
    }
}

/// The question asked for a fact declared without one.
fn default_question(fact: &str) -> String {
    format!("What is your {}?", fact.replace('_', " "))
}

/// `rules[i]`, written out only when a problem names it.
#[derive(Clone, Copy)]
struct RulePath(usize);

impl std::fmt::Display for RulePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rules[{}]", self.0)
    }
}

/// Where a condition is (`rules[3].when.all[1].not`), written out only when a problem
/// names it.
#[derive(Clone, Copy)]
enum CondPath<'a> {
    /// `rules[i].when`.
    When(usize),
    /// The `i`th part of an `all` or `any` (the key).
    Part(&'a CondPath<'a>, &'static str, usize),
    /// The inside of a `not`.
    Not(&'a CondPath<'a>),
}

impl std::fmt::Display for CondPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CondPath::When(i) => write!(f, "{}.when", RulePath(*i)),
            CondPath::Part(up, key, i) => write!(f, "{up}.{key}[{i}]"),
            CondPath::Not(up) => write!(f, "{up}.not"),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_condition(
    c: &Condition,
    path: CondPath<'_>,
    depth: usize,
    facts: &[Fact],
    fact_ix: &IdMap<Id, usize>,
    rule: &Id,
    problems: &mut Vec<Problem>,
) {
    if depth > MAX_CONDITION_DEPTH {
        problems.push(
            Problem::error(
                ProblemKind::TooLarge,
                path.to_string(),
                format!("condition nested deeper than {MAX_CONDITION_DEPTH} levels"),
            )
            .with_id(rule.clone()),
        );
        return;
    }
    match c {
        Condition::All(v) | Condition::Any(v) => {
            let key = if matches!(c, Condition::All(_)) {
                "all"
            } else {
                "any"
            };
            for (i, part) in v.iter().enumerate() {
                let at = CondPath::Part(&path, key, i);
                check_condition(part, at, depth + 1, facts, fact_ix, rule, problems);
            }
        }
        Condition::Not(inner) => {
            let at = CondPath::Not(&path);
            check_condition(inner, at, depth + 1, facts, fact_ix, rule, problems);
        }
        Condition::Test { fact, op } => {
            // Paths are formatted only for a problem.
            let op_path = || format!("{path}.{}", op.name());
            let kind = if RESERVED_FACTS.contains(&fact.as_str()) {
                FactType::String
            } else if let Some(&ix) = fact_ix.get(fact.as_str()) {
                facts[ix].kind
            } else {
                let mut p = Problem::error(
                    ProblemKind::UnknownReference,
                    format!("{path}.fact"),
                    format!("condition tests undeclared fact `{fact}`"),
                )
                .with_id(rule.clone());
                let names = facts.iter().map(|f| f.id.as_str()).chain(RESERVED_FACTS);
                p = match crate::model::closest_id(names, fact) {
                    Some(s) => p.with_hint(format!("did you mean `{s}`?")),
                    None => p.with_hint("declare it under `facts` with its type and question"),
                };
                problems.push(p);
                return;
            };
            let declared = fact_ix.get(fact.as_str()).map(|&ix| &facts[ix]);
            let check_value = |v: &Value, at: Option<usize>, problems: &mut Vec<Problem>| {
                let p = || match at {
                    None => op_path(),
                    Some(i) => format!("{}[{i}]", op_path()),
                };
                if v.kind() != kind {
                    problems.push(
                        Problem::error(
                            ProblemKind::TypeMismatch,
                            p(),
                            format!("`{fact}` is a {kind}, but `{v}` is a {}", v.kind()),
                        )
                        .with_id(rule.clone()),
                    );
                } else if let Some(f) = declared {
                    if !f.values.is_empty() && !f.values.contains(v) {
                        let allowed: Vec<String> = f.values.iter().map(|v| v.to_string()).collect();
                        problems.push(
                            Problem::error(
                                ProblemKind::BadValue,
                                p(),
                                format!("`{v}` is not an allowed value of `{fact}`"),
                            )
                            .with_id(rule.clone())
                            .with_hint(format!("allowed: {}", allowed.join(", "))),
                        );
                    }
                }
            };
            match op {
                Op::Eq(v) | Op::Ne(v) => check_value(v, None, problems),
                Op::In(vs) | Op::NotIn(vs) => {
                    if vs.is_empty() {
                        problems.push(
                            Problem::error(
                                ProblemKind::BadCondition,
                                op_path(),
                                format!("`{}` needs at least one value", op.name()),
                            )
                            .with_id(rule.clone()),
                        );
                    }
                    for (i, v) in vs.iter().enumerate() {
                        check_value(v, Some(i), problems);
                    }
                }
                Op::Lt(n) | Op::Lte(n) | Op::Gt(n) | Op::Gte(n) => {
                    if kind != FactType::Number {
                        problems.push(
                            Problem::error(
                                ProblemKind::TypeMismatch,
                                op_path(),
                                format!(
                                    "`{}` compares numbers, but `{fact}` is a {kind}",
                                    op.name()
                                ),
                            )
                            .with_id(rule.clone()),
                        );
                    } else if !n.is_finite() {
                        problems.push(
                            Problem::error(
                                ProblemKind::BadValue,
                                op_path(),
                                format!("{n} is not a finite number"),
                            )
                            .with_id(rule.clone()),
                        );
                    }
                }
                Op::Exists(_) => {}
                Op::Prefix(_) => {
                    if kind != FactType::String {
                        problems.push(
                            Problem::error(
                                ProblemKind::TypeMismatch,
                                op_path(),
                                format!("`prefix` tests text, but `{fact}` is a {kind}"),
                            )
                            .with_id(rule.clone()),
                        );
                    }
                }
            }
        }
    }
}
