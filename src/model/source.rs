//! What [`Org::from_spec`](crate::Org::from_spec) reads an organization from: the public
//! [`OrgSpec`], or the loader's [`OrgText`], which borrows its strings from the file's
//! text instead of allocating one `String` per id (a million-desk file holds ~10 million).
//!
//! Both are read through [`OrgSource`], so there is one builder and one validation.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::Hash;
use std::ops::Deref;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::spec::OrgSpec;

/// A string of a spec: owned (`String`) or borrowed from the file's text ([`Str`]).
pub(crate) trait SpecStr: Deref<Target = str> + Eq + Hash {}

impl SpecStr for String {}
impl SpecStr for Str<'_> {}

/// A site, as read from a spec.
pub(crate) struct SiteRef<'r> {
    pub id: &'r str,
    pub name: Option<&'r str>,
    pub address: Option<&'r str>,
}

/// A travel entry, as read from a spec.
pub(crate) struct TravelRef<'r> {
    pub from: &'r str,
    pub to: &'r str,
    pub minutes: u32,
}

/// A unit, as read from a spec.
pub(crate) struct UnitRef<'r> {
    pub id: &'r str,
    pub name: Option<&'r str>,
    pub parent: Option<&'r str>,
    pub duty_desk: Option<&'r str>,
}

/// A desk, as read from a spec. Lists stay slices of the spec's own strings, so that
/// desks with equal lists can be recognized by the list itself.
pub(crate) struct DeskRef<'r, S> {
    pub id: &'r str,
    pub name: Option<&'r str>,
    pub unit: &'r str,
    pub site: &'r str,
    pub capabilities: &'r [S],
    pub authority: u32,
    pub languages: &'r [S],
    pub hours: Option<&'r str>,
    pub wait_minutes: u32,
    pub requires: &'r [S],
    pub refers: &'r BTreeMap<S, S>,
}

/// An organization spec, read field by field (see the module documentation).
pub(crate) trait OrgSource {
    /// The spec's string type.
    type S: SpecStr;
    fn name(&self) -> Option<&str>;
    fn timezone(&self) -> Option<&str>;
    fn holidays(&self) -> Option<&str>;
    fn site_count(&self) -> usize;
    fn site(&self, i: usize) -> Option<SiteRef<'_>>;
    fn travel_count(&self) -> usize;
    fn travel(&self, i: usize) -> Option<TravelRef<'_>>;
    fn unit_count(&self) -> usize;
    fn unit(&self, i: usize) -> Option<UnitRef<'_>>;
    fn desk_count(&self) -> usize;
    fn desk(&self, i: usize) -> Option<DeskRef<'_, Self::S>>;
}

/// The same [`OrgSource`] for [`OrgSpec`] and [`OrgText`], whose fields have the same
/// names and differ only in their string type.
macro_rules! org_source {
    ([$($lt:lifetime)?] $org:ty, $str:ty) => {
        impl<$($lt)?> OrgSource for $org {
            type S = $str;
            fn name(&self) -> Option<&str> {
                self.name.as_deref()
            }
            fn timezone(&self) -> Option<&str> {
                self.timezone.as_deref()
            }
            fn holidays(&self) -> Option<&str> {
                self.holidays.as_deref()
            }
            fn site_count(&self) -> usize {
                self.sites.len()
            }
            fn site(&self, i: usize) -> Option<SiteRef<'_>> {
                self.sites.get(i).map(|s| SiteRef {
                    id: &s.id,
                    name: s.name.as_deref(),
                    address: s.address.as_deref(),
                })
            }
            fn travel_count(&self) -> usize {
                self.travel.len()
            }
            fn travel(&self, i: usize) -> Option<TravelRef<'_>> {
                self.travel.get(i).map(|t| TravelRef {
                    from: &t.from,
                    to: &t.to,
                    minutes: t.minutes,
                })
            }
            fn unit_count(&self) -> usize {
                self.units.len()
            }
            fn unit(&self, i: usize) -> Option<UnitRef<'_>> {
                self.units.get(i).map(|u| UnitRef {
                    id: &u.id,
                    name: u.name.as_deref(),
                    parent: u.parent.as_deref(),
                    duty_desk: u.duty_desk.as_deref(),
                })
            }
            fn desk_count(&self) -> usize {
                self.desks.len()
            }
            fn desk(&self, i: usize) -> Option<DeskRef<'_, $str>> {
                self.desks.get(i).map(|d| DeskRef {
                    id: &d.id,
                    name: d.name.as_deref(),
                    unit: &d.unit,
                    site: &d.site,
                    capabilities: &d.capabilities,
                    authority: d.authority,
                    languages: &d.languages,
                    hours: d.hours.as_deref(),
                    wait_minutes: d.wait_minutes,
                    requires: &d.requires,
                    refers: &d.refers,
                })
            }
        }
    };
}

org_source!([] OrgSpec, String);
org_source!(['a] OrgText<'a>, Str<'a>);

/// A string of a file's text: borrowed when the text holds it as is (a JSON string
/// without escapes), else owned. Accepts exactly what `String` accepts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Str<'a>(Cow<'a, str>);

impl Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Str<'de>, E> {
                match std::str::from_utf8(v) {
                    Ok(s) => Ok(Str(Cow::Owned(s.to_owned()))),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(v), &self)),
                }
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Str<'de>, E> {
                match String::from_utf8(v) {
                    Ok(s) => Ok(Str(Cow::Owned(s))),
                    Err(e) => Err(E::invalid_value(
                        de::Unexpected::Bytes(&e.into_bytes()),
                        &self,
                    )),
                }
            }
        }
        // `String` asks for `deserialize_string`; every format used here answers it
        // like `deserialize_str`, which is the one that may lend the text's own bytes.
        deserializer.deserialize_str(V)
    }
}

/// [`OrgSpec`] borrowing its strings from the text it is read from: same fields, same
/// defaults, same unknown-field refusal (the loader reads the text as an [`OrgSpec`]
/// when this fails, for the located error).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrgText<'a> {
    #[serde(default, borrow)]
    name: Option<Str<'a>>,
    #[serde(default, borrow)]
    timezone: Option<Str<'a>>,
    #[serde(default, borrow)]
    holidays: Option<Str<'a>>,
    #[serde(default, borrow)]
    sites: Vec<SiteText<'a>>,
    #[serde(default, borrow)]
    travel: Vec<TravelText<'a>>,
    #[serde(default, borrow)]
    units: Vec<UnitText<'a>>,
    #[serde(default, borrow)]
    desks: Vec<DeskText<'a>>,
}

/// [`SiteSpec`](super::SiteSpec), borrowed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteText<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(default, borrow)]
    name: Option<Str<'a>>,
    #[serde(default, borrow)]
    address: Option<Str<'a>>,
}

/// [`TravelSpec`](super::TravelSpec), borrowed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TravelText<'a> {
    #[serde(borrow)]
    from: Str<'a>,
    #[serde(borrow)]
    to: Str<'a>,
    minutes: u32,
}

/// [`UnitSpec`](super::UnitSpec), borrowed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitText<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(default, borrow)]
    name: Option<Str<'a>>,
    #[serde(default, borrow)]
    parent: Option<Str<'a>>,
    #[serde(default, borrow)]
    duty_desk: Option<Str<'a>>,
}

/// [`DeskSpec`](super::DeskSpec), borrowed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeskText<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(default, borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    unit: Str<'a>,
    #[serde(borrow)]
    site: Str<'a>,
    #[serde(default, borrow)]
    capabilities: Vec<Str<'a>>,
    #[serde(default)]
    authority: u32,
    #[serde(default, borrow)]
    languages: Vec<Str<'a>>,
    #[serde(default, borrow)]
    hours: Option<Str<'a>>,
    #[serde(default)]
    wait_minutes: u32,
    #[serde(default, borrow)]
    requires: Vec<Str<'a>>,
    #[serde(default, borrow)]
    refers: BTreeMap<Str<'a>, Str<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let text = r#"{"desks": [{"id": "a\"b", "unit": "u", "site": "s",
                       "capabilities": ["c"], "refers": {"n": "t"}}]}"#;
        let org: OrgText<'_> = serde_json::from_str(text).unwrap();
        let d = org.desk(0).unwrap();
        assert_eq!(d.id, "a\"b");
        assert!(matches!(org.desks[0].id.0, Cow::Owned(_)));
        assert!(matches!(org.desks[0].unit.0, Cow::Borrowed(_)));
        assert!(matches!(org.desks[0].capabilities[0].0, Cow::Borrowed(_)));
        assert_eq!(d.refers.len(), 1);
    }

    #[test]
    fn json_loads_the_same_organization_as_the_spec() {
        let text = r#"{"name": "n", "timezone": "Europe/Paris", "holidays": "FR",
            "sites": [{"id": "hq", "name": "H\u00e9", "address": "1 rue"}, {"id": "an\"nex"}],
            "travel": [{"from": "hq", "to": "an\"nex", "minutes": 7}],
            "units": [{"id": "root", "duty_desk": "d1"}, {"id": "u", "parent": "root", "name": "U"}],
            "desks": [
              {"id": "d1", "unit": "root", "site": "hq", "capabilities": ["a", "b", "a"],
               "languages": ["en", "fr"], "hours": "Mo-Fr 08:00-12:00", "requires": ["id"],
               "refers": {"x": "d2", "y": "d1"}, "authority": 2, "wait_minutes": 3},
              {"id": "d2", "name": "Two", "unit": "u", "site": "an\"nex",
               "capabilities": ["b"], "languages": ["en", "fr"], "requires": ["id"]}
            ]}"#;
        let loaded = crate::load::org_from_str(text, crate::load::Format::Json, None).unwrap();
        let spec: OrgSpec = serde_json::from_str(text).unwrap();
        let built = crate::Org::from_spec(spec).unwrap();
        assert_eq!(loaded.to_spec(), built.to_spec());
        assert_eq!(loaded.symbols(), built.symbols());
        assert_eq!(loaded.warnings().len(), 1);
        assert_eq!(loaded.warnings()[0].path, built.warnings()[0].path);
    }

    #[test]
    fn refuses_what_the_spec_refuses() {
        for text in [
            r#"{"desks": [{"id": "a", "unit": "u", "site": "s", "colour": 1}]}"#,
            r#"{"desks": [{"id": "a", "unit": "u"}]}"#,
            r#"{"desks": [{"id": 3, "unit": "u", "site": "s"}]}"#,
            r#"{"sites": [{"id": "a"}], "extra": 1}"#,
            r#"{"travel": [{"from": "a", "to": "b", "minutes": -1}]}"#,
        ] {
            let spec = serde_json::from_str::<OrgSpec>(text).map(|_| ());
            let view = serde_json::from_str::<OrgText<'_>>(text).map(|_| ());
            assert_eq!(
                spec.map_err(|e| e.to_string()),
                view.map_err(|e| e.to_string()),
                "{text}"
            );
        }
    }
}
