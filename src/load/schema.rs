//! The shape of organization and rules files, for reporting *every* unknown key at once
//! (serde stops at the first). The key lists come from the spec types' own serde
//! derivations, so they cannot drift from what the deserializer accepts.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::model::spec::{DeskSpec, OrgSpec, SiteSpec, TravelSpec, UnitSpec};
use crate::rules::spec::{
    Condition, DeskConstraintsSpec, FactSpec, RuleSetSpec, RuleSpec, ThenSpec,
};

/// Where in a file a node is, as far as keys are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Anything goes (or not a map).
    Any,
    OrgRoot,
    Sites,
    Site,
    Travels,
    Travel,
    Units,
    Unit,
    Desks,
    Desk,
    RulesRoot,
    Facts,
    Fact,
    Rules,
    Rule,
    Conditions,
    Condition,
    Then,
    DeskConstraints,
    ValueRef,
}

/// The keys a map of this shape may have (`None`: any keys).
pub(crate) fn keys(shape: Shape) -> Option<&'static [&'static str]> {
    Some(match shape {
        Shape::OrgRoot => fields_of::<OrgSpec>(),
        Shape::Site => fields_of::<SiteSpec>(),
        Shape::Travel => fields_of::<TravelSpec>(),
        Shape::Unit => fields_of::<UnitSpec>(),
        Shape::Desk => fields_of::<DeskSpec>(),
        Shape::RulesRoot => fields_of::<RuleSetSpec>(),
        Shape::Fact => fields_of::<FactSpec>(),
        Shape::Rule => fields_of::<RuleSpec>(),
        Shape::Condition => fields_of::<Condition>(),
        Shape::Then => fields_of::<ThenSpec>(),
        Shape::DeskConstraints => fields_of::<DeskConstraintsSpec>(),
        Shape::ValueRef => &["fact"],
        _ => return None,
    })
    .filter(|k| !k.is_empty())
}

/// The shape of the value under `key` of a map (or of an item of a list, `key` = `None`).
pub(crate) fn child(shape: Shape, key: Option<&str>) -> Shape {
    match (shape, key) {
        (Shape::OrgRoot, Some("sites")) => Shape::Sites,
        (Shape::OrgRoot, Some("travel")) => Shape::Travels,
        (Shape::OrgRoot, Some("units")) => Shape::Units,
        (Shape::OrgRoot, Some("desks")) => Shape::Desks,
        (Shape::Sites, None) => Shape::Site,
        (Shape::Travels, None) => Shape::Travel,
        (Shape::Units, None) => Shape::Unit,
        (Shape::Desks, None) => Shape::Desk,
        (Shape::RulesRoot, Some("facts")) => Shape::Facts,
        (Shape::RulesRoot, Some("rules")) => Shape::Rules,
        (Shape::Facts, None) => Shape::Fact,
        (Shape::Rules, None) => Shape::Rule,
        (Shape::Rule, Some("when")) => Shape::Condition,
        (Shape::Rule, Some("then")) => Shape::Then,
        (Shape::Condition, Some("all" | "any")) => Shape::Conditions,
        (Shape::Condition, Some("not")) => Shape::Condition,
        (Shape::Conditions, None) => Shape::Condition,
        (Shape::Then, Some("desk")) => Shape::DeskConstraints,
        (Shape::DeskConstraints, Some("language" | "site")) => Shape::ValueRef,
        _ => Shape::Any,
    }
}

/// The field names a derived `Deserialize` asks for, found by asking it to deserialize
/// from a probe that records them.
fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut probe = Probe(None);
    let _ = T::deserialize(&mut probe);
    probe.0.unwrap_or(&[])
}

struct Probe(Option<&'static [&'static str]>);

#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probe")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for &mut Probe {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.0 = Some(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_serde() {
        let desk = keys(Shape::Desk).unwrap();
        assert!(desk.contains(&"capabilities") && desk.contains(&"refers"));
        assert!(keys(Shape::Fact).unwrap().contains(&"type"));
        let cond = keys(Shape::Condition).unwrap();
        assert!(cond.contains(&"not_in") && cond.contains(&"in") && cond.contains(&"all"));
        assert_eq!(keys(Shape::Any), None);
        assert_eq!(child(Shape::Condition, Some("not")), Shape::Condition);
        assert_eq!(child(Shape::Desks, None), Shape::Desk);
        assert_eq!(child(Shape::Desk, Some("refers")), Shape::Any);
    }
}
