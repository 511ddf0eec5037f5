//! The rules file format: plain serde data, exactly as written in YAML, JSON or TOML.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// A rules file: the facts a request may carry and the rules that map requests to desks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetSpec {
    /// The request attributes the rules may test, with the question to ask for each.
    #[serde(default)]
    pub facts: Vec<FactSpec>,
    /// The rules, evaluated by descending `priority`, then in file order.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// A fact a request may carry, e.g. `requester` or `injured`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactSpec {
    /// Fact name as used in conditions and requests.
    pub id: String,
    /// Value type.
    #[serde(rename = "type", default)]
    pub kind: FactType,
    /// Allowed values (empty: any value of the type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Value>,
    /// Smallest allowed number (numbers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest allowed number (numbers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The question to ask a customer when the fact is needed and missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

/// The type of a fact's values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactType {
    /// Text (the default).
    #[default]
    #[serde(alias = "text")]
    String,
    /// A finite number.
    Number,
    /// `true` or `false`.
    #[serde(alias = "boolean")]
    Bool,
}

impl fmt::Display for FactType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FactType::String => "string",
            FactType::Number => "number",
            FactType::Bool => "bool",
        })
    }
}

/// A routing rule: when a request matches `when`, it must be solved as `then` says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique rule id.
    pub id: String,
    /// What the rule is for, shown in explanations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Higher priorities are evaluated first; equal priorities in file order.
    #[serde(default)]
    pub priority: i32,
    /// The condition over the request; absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// What must solve a matching request.
    pub then: ThenSpec,
}

/// What a rule demands of the desk that solves a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThenSpec {
    /// The capability the desk must have.
    pub capability: String,
    /// Minimum authority level of the desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<u32>,
    /// Scope: only desks of this unit or of units below it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Scope: only desks at this site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Constraints on the desk that refer to request values.
    #[serde(default, skip_serializing_if = "DeskConstraintsSpec::is_empty")]
    pub desk: DeskConstraintsSpec,
    /// The unit that owns the problem when no desk can solve it (escalation goes up its
    /// chain of command). Defaults to `unit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// What the customer must bring in addition to what the desk requires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bring: Vec<String>,
}

/// Desk constraints that may refer to request values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskConstraintsSpec {
    /// The desk must speak this language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<ValueRef>,
    /// The desk must be at this site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<ValueRef>,
}

impl DeskConstraintsSpec {
    /// True when no constraint is set.
    pub fn is_empty(&self) -> bool {
        self.language.is_none() && self.site.is_none()
    }
}

/// A value in a desk constraint: a literal, or a reference to a request value.
///
/// Written as a plain string (`es`) or as `{ fact: language }`. The reserved fact names
/// `need`, `language`, `site` and `unit` refer to the request's own fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ValueRef {
    /// The value of a request fact (or request field).
    Fact {
        /// The fact name.
        fact: String,
    },
    /// A literal value.
    Literal(String),
}

impl<'de> Deserialize<'de> for ValueRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ValueRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text value or a map `{ fact: NAME }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ValueRef, E> {
                Ok(ValueRef::Literal(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<ValueRef, E> {
                Ok(ValueRef::Literal(v))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<ValueRef, A::Error> {
                let mut fact: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "fact" {
                        return Err(de::Error::unknown_field(&key, &["fact"]));
                    }
                    if fact.is_some() {
                        return Err(de::Error::duplicate_field("fact"));
                    }
                    fact = Some(map.next_value()?);
                }
                fact.map(|fact| ValueRef::Fact { fact })
                    .ok_or_else(|| de::Error::missing_field("fact"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A condition over a request, evaluated with three-valued logic (true, false, unknown).
///
/// Written as one of:
/// - `{ all: [cond, ...] }`, `{ any: [cond, ...] }`, `{ not: cond }`
/// - `{ fact: NAME, OP: VALUE }` where OP is one of `eq`, `ne`, `in`, `not_in`, `lt`,
///   `lte`, `gt`, `gte`, `exists`, `prefix`.
///
/// ```
/// use rightdesk::rules::{Condition, Op};
/// let c: Condition = serde_json::from_str(r#"{"fact": "age", "gte": 18}"#).unwrap();
/// assert!(matches!(c, Condition::Test { ref op, .. } if *op == Op::Gte(18.0)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// True when every part is true.
    All(Vec<Condition>),
    /// True when some part is true.
    Any(Vec<Condition>),
    /// Negation.
    Not(Box<Condition>),
    /// A test of one fact.
    Test {
        /// The fact tested (a declared fact, or `need`, `language`, `site`, `unit`).
        fact: String,
        /// The test.
        op: Op,
    },
}

/// A test on one fact's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Equal to.
    Eq(Value),
    /// Not equal to.
    Ne(Value),
    /// One of.
    In(Vec<Value>),
    /// None of.
    NotIn(Vec<Value>),
    /// Number less than.
    Lt(f64),
    /// Number less than or equal.
    Lte(f64),
    /// Number greater than.
    Gt(f64),
    /// Number greater than or equal.
    Gte(f64),
    /// `exists: true` — the request has the fact; `exists: false` — it has not.
    /// Never unknown.
    Exists(bool),
    /// Text starts with.
    Prefix(String),
}

impl Op {
    /// The operator's name as written in files.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Eq(_) => "eq",
            Op::Ne(_) => "ne",
            Op::In(_) => "in",
            Op::NotIn(_) => "not_in",
            Op::Lt(_) => "lt",
            Op::Lte(_) => "lte",
            Op::Gt(_) => "gt",
            Op::Gte(_) => "gte",
            Op::Exists(_) => "exists",
            Op::Prefix(_) => "prefix",
        }
    }
}

/// A fact value: text, number or boolean.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Value {
    /// Text.
    Text(String),
    /// A number (always finite once validated).
    Number(f64),
    /// A boolean.
    Bool(bool),
}

impl Value {
    /// The type of this value.
    pub fn kind(&self) -> FactType {
        match self {
            Value::Text(_) => FactType::String,
            Value::Number(_) => FactType::Number,
            Value::Bool(_) => FactType::Bool,
        }
    }

    /// The text, if this is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Number(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) => s.serialize_str(t),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => s.serialize_i64(*n as i64),
            Value::Number(n) => s.serialize_f64(*n),
            Value::Bool(b) => s.serialize_bool(*b),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a number or a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                if v.is_finite() {
                    Ok(Value::Number(v))
                } else {
                    Err(E::custom(format!("number {v} is not finite")))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
                Ok(Value::Text(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// The raw shape of a condition map, used to give precise errors.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    all: Option<Vec<Condition>>,
    any: Option<Vec<Condition>>,
    not: Option<Box<Condition>>,
    fact: Option<String>,
    eq: Option<Value>,
    ne: Option<Value>,
    #[serde(rename = "in")]
    in_: Option<Vec<Value>>,
    not_in: Option<Vec<Value>>,
    lt: Option<f64>,
    lte: Option<f64>,
    gt: Option<f64>,
    gte: Option<f64>,
    exists: Option<bool>,
    prefix: Option<String>,
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawCondition::deserialize(d)?;
        let mut forms: Vec<Condition> = Vec::new();
        if let Some(v) = raw.all {
            forms.push(Condition::All(v));
        }
        if let Some(v) = raw.any {
            forms.push(Condition::Any(v));
        }
        if let Some(v) = raw.not {
            forms.push(Condition::Not(v));
        }
        let mut ops: Vec<Op> = Vec::new();
        if let Some(v) = raw.eq {
            ops.push(Op::Eq(v));
        }
        if let Some(v) = raw.ne {
            ops.push(Op::Ne(v));
        }
        if let Some(v) = raw.in_ {
            ops.push(Op::In(v));
        }
        if let Some(v) = raw.not_in {
            ops.push(Op::NotIn(v));
        }
        for (v, make) in [
            (raw.lt, Op::Lt as fn(f64) -> Op),
            (raw.lte, Op::Lte),
            (raw.gt, Op::Gt),
            (raw.gte, Op::Gte),
        ] {
            if let Some(n) = v {
                if !n.is_finite() {
                    return Err(de::Error::custom(format!(
                        "number {n} is not finite; comparisons need a finite number"
                    )));
                }
                ops.push(make(n));
            }
        }
        if let Some(v) = raw.exists {
            ops.push(Op::Exists(v));
        }
        if let Some(v) = raw.prefix {
            ops.push(Op::Prefix(v));
        }
        match (raw.fact, forms.len(), ops.len()) {
            (None, 1, 0) => Ok(forms.remove(0)),
            (Some(fact), 0, 1) => Ok(Condition::Test {
                fact,
                op: ops.remove(0),
            }),
            (None, 0, 0) => Err(de::Error::custom(
                "empty condition: expected `all`, `any`, `not`, or `fact` with one operator",
            )),
            (None, _, 0) => Err(de::Error::custom(
                "a condition has exactly one of `all`, `any`, `not`; split it with `all`",
            )),
            (None, _, _) => Err(de::Error::custom(
                "a test needs `fact`: write `{ fact: NAME, eq: VALUE }`",
            )),
            (Some(_), 0, 0) => Err(de::Error::custom(
                "a test needs one operator: eq, ne, in, not_in, lt, lte, gt, gte, exists, prefix",
            )),
            (Some(_), 0, _) => Err(de::Error::custom(
                "a test has exactly one operator; combine several with `all`",
            )),
            (Some(_), _, _) => Err(de::Error::custom(
                "`fact` cannot be combined with `all`, `any` or `not`",
            )),
        }
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Condition::All(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("all", v)?;
                m.end()
            }
            Condition::Any(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("any", v)?;
                m.end()
            }
            Condition::Not(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("not", v)?;
                m.end()
            }
            Condition::Test { fact, op } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("fact", fact)?;
                match op {
                    Op::Eq(v) | Op::Ne(v) => m.serialize_entry(op.name(), v)?,
                    Op::In(v) | Op::NotIn(v) => m.serialize_entry(op.name(), v)?,
                    Op::Lt(n) | Op::Lte(n) | Op::Gt(n) | Op::Gte(n) => {
                        m.serialize_entry(op.name(), &Value::Number(*n))?
                    }
                    Op::Exists(b) => m.serialize_entry(op.name(), b)?,
                    Op::Prefix(p) => m.serialize_entry(op.name(), p)?,
                }
                m.end()
            }
        }
    }
}
