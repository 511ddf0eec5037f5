//! Checking a request against the organization and the rules before resolving it.

use chrono::{DateTime, Utc};

use super::time::check_range;
use super::{Request, RequestError};
use crate::model::{Org, SiteIx, UnitIx, closest_id};
use crate::rules::{RESERVED_FACTS, RuleSet};

/// Typo hints cost O(n) per miss: skip them on very large tables.
const HINT_LIMIT: usize = 100_000;

/// A request checked against the organization and rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checked {
    /// The site the customer is at.
    pub origin: Option<SiteIx>,
    /// The requesting unit.
    #[allow(dead_code)]
    pub unit: Option<UnitIx>,
    /// The request's instant.
    pub at: Option<DateTime<Utc>>,
}

fn hint<'a>(names: impl ExactSizeIterator<Item = &'a str>, target: &str) -> Option<String> {
    if names.len() > HINT_LIMIT {
        return None;
    }
    closest_id(names, target).map(str::to_owned)
}

/// Check a request: a need, known site and unit, declared facts with allowed values, a time
/// in range.
pub(crate) fn check(org: &Org, rules: &RuleSet, req: &Request) -> Result<Checked, RequestError> {
    if req.need.trim().is_empty() {
        return Err(RequestError::EmptyNeed);
    }
    let origin = match req.site.as_deref() {
        None => None,
        Some(s) => Some(
            org.site_ix
                .get(s)
                .copied()
                .ok_or_else(|| RequestError::UnknownSite {
                    id: s.to_owned(),
                    hint: hint(org.sites.iter().map(|x| x.id.as_str()), s),
                })?,
        ),
    };
    let unit = match req.unit.as_deref() {
        None => None,
        Some(u) => Some(
            org.unit_ix
                .get(u)
                .copied()
                .ok_or_else(|| RequestError::UnknownUnit {
                    id: u.to_owned(),
                    hint: hint(org.units.iter().map(|x| x.id.as_str()), u),
                })?,
        ),
    };
    for (name, value) in &req.facts {
        if RESERVED_FACTS.contains(&name.as_str()) {
            return Err(RequestError::BadValue(format!(
                "`{name}` is a request field, not a fact: give it as the request's `{name}`"
            )));
        }
        match rules.fact(name) {
            Some(f) => f.check(value).map_err(RequestError::BadValue)?,
            None => {
                return Err(RequestError::UnknownFact {
                    name: name.clone(),
                    hint: hint(rules.facts.iter().map(|f| f.id.as_str()), name),
                });
            }
        }
    }
    let at = match req.at {
        None => None,
        Some(t) => Some(check_range(org.timezone, t).map_err(RequestError::BadValue)?),
    };
    Ok(Checked { origin, unit, at })
}

/// The closest desk id to `id`, for an unknown-desk error.
pub(crate) fn desk_hint(org: &Org, id: &str) -> Option<String> {
    hint(org.desks.iter().map(|d| d.id.as_str()), id)
}
