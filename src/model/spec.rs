//! The organization file format: plain serde data, exactly as written in YAML, JSON or TOML.
//!
//! These types carry no caches and no validation; [`Org::from_spec`](crate::Org::from_spec)
//! turns an [`OrgSpec`] into a validated [`Org`](crate::Org).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The deepest nesting of an [`OrgSpec`] written as JSON: the file's map, `desks`, a desk,
/// its `refers` map. (Every field is a scalar, a list of scalars or a map of them, and
/// unknown fields are refused, so nothing deeper can parse.)
pub(crate) const ORG_SPEC_DEPTH: usize = 4;

/// An organization file: where the desks are, who they answer to, what they can solve.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgSpec {
    /// A human name for the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// IANA time zone the opening hours are written in, e.g. `America/Los_Angeles`.
    /// Defaults to `UTC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// ISO 3166 country code whose public holidays `PH` in opening hours refers to, e.g. `US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holidays: Option<String>,
    /// Buildings and other places customers go to.
    #[serde(default)]
    pub sites: Vec<SiteSpec>,
    /// Travel minutes between sites. Symmetric unless both directions are given.
    /// A pair that is not listed is unreachable, not zero.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub travel: Vec<TravelSpec>,
    /// Departments, divisions and teams; `parent` links form the chain of command.
    #[serde(default)]
    pub units: Vec<UnitSpec>,
    /// The desks (counters, windows, queues, mailboxes) that serve customers.
    #[serde(default)]
    pub desks: Vec<DeskSpec>,
}

/// A site: a building or other place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSpec {
    /// Unique site id.
    pub id: String,
    /// Human name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Street address, shown to customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// Travel time between two sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TravelSpec {
    /// Site id the customer leaves from.
    pub from: String,
    /// Site id the customer goes to.
    pub to: String,
    /// Minutes it takes.
    pub minutes: u32,
}

/// A unit in the chain of command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSpec {
    /// Unique unit id.
    pub id: String,
    /// Human name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The unit this one reports to. Units without a parent are roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The desk that owns escalations for this unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty_desk: Option<String>,
}

/// A desk: a place (or queue) where someone can actually solve things.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskSpec {
    /// Unique desk id.
    pub id: String,
    /// Human name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The unit that staffs the desk.
    pub unit: String,
    /// The site where the desk is.
    pub site: String,
    /// What the desk can actually solve, e.g. `accident_report.copy`.
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// Authority level of the staff at the desk (higher may do more).
    #[serde(default)]
    pub authority: u32,
    /// Languages spoken at the desk (e.g. `en`, `es`). Empty means unspecified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// Weekly opening hours in OpenStreetMap `opening_hours` syntax, e.g.
    /// `Mo-Fr 08:00-16:30; PH off`. Absent means always open (`24/7`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// Expected queue, in minutes.
    #[serde(default)]
    pub wait_minutes: u32,
    /// What the customer must bring, e.g. `case_number`, `photo_id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// Today's practice: need → the desk this desk currently sends people to.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub refers: BTreeMap<String, String>,
}
