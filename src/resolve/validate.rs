//! Checking a request against the organization and the rules before resolving it.

use super::time::{Moment, Offsets};
use super::{Request, RequestError};
use crate::compile::Compiled;
use crate::model::{Org, SiteIx, UnitIx, closest_id};
use crate::rules::{Fact, RESERVED_FACTS, RuleSet};

/// Where names are looked up: sites and units always in the organization's own maps,
/// facts in the rules' own table or the router's.
pub(crate) trait Lookup {
    fn org(&self) -> &Org;
    fn fact(&self, f: &str) -> Option<&Fact>;

    #[inline]
    fn site(&self, s: &str) -> Option<SiteIx> {
        self.org().site_ix.get(s).copied()
    }
    #[inline]
    fn unit(&self, u: &str) -> Option<UnitIx> {
        self.org().unit_index(u)
    }
}

/// The organization's and rules' own tables.
pub(crate) struct Plain<'a>(pub &'a Org, pub &'a RuleSet);

impl Lookup for Plain<'_> {
    fn org(&self) -> &Org {
        self.0
    }
    fn fact(&self, f: &str) -> Option<&Fact> {
        self.1.fact(f)
    }
}

/// The router's tables: the organization's own site and unit maps (no copies), the
/// router's fast-hashed fact names.
pub(crate) struct Fast<'a>(pub &'a Org, pub &'a Compiled, pub &'a RuleSet);

impl Lookup for Fast<'_> {
    #[inline]
    fn org(&self) -> &Org {
        self.0
    }
    #[inline]
    fn fact(&self, f: &str) -> Option<&Fact> {
        let ix = *self.1.names.facts.get(f)?;
        self.2.facts.get(ix as usize)
    }
}

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
    /// The request's instant and the civil time at it.
    pub at: Option<Moment>,
}

fn hint<'a>(names: impl ExactSizeIterator<Item = &'a str>, target: &str) -> Option<String> {
    if names.len() > HINT_LIMIT {
        return None;
    }
    closest_id(names, target).map(str::to_owned)
}

/// Check a request: a need, known site and unit, declared facts with allowed values, a time
/// in range.
pub(crate) fn check(
    names: &impl Lookup,
    zone: &Offsets,
    org: &Org,
    rules: &RuleSet,
    req: &Request,
) -> Result<Checked, RequestError> {
    let (origin, unit) = check_place(names, org, req)?;
    check_facts(names, rules, req)?;
    Ok(Checked {
        origin,
        unit,
        at: check_time(zone, req)?,
    })
}

/// The first steps of [`check`]: a need, and a known site and unit.
pub(crate) fn check_place(
    names: &impl Lookup,
    org: &Org,
    req: &Request,
) -> Result<(Option<SiteIx>, Option<UnitIx>), RequestError> {
    if req.need.trim().is_empty() {
        return Err(RequestError::EmptyNeed);
    }
    let origin = match req.site.as_deref() {
        None => None,
        Some(s) => Some(names.site(s).ok_or_else(|| RequestError::UnknownSite {
            id: s.to_owned(),
            hint: hint(org.sites.iter().map(|x| x.id.as_str()), s),
        })?),
    };
    let unit = match req.unit.as_deref() {
        None => None,
        Some(u) => Some(names.unit(u).ok_or_else(|| RequestError::UnknownUnit {
            id: u.to_owned(),
            hint: hint(org.units.iter().map(|x| x.id.as_str()), u),
        })?),
    };
    Ok((origin, unit))
}

/// The step of [`check`] after [`check_place`]: declared facts with allowed values.
pub(crate) fn check_facts(
    names: &impl Lookup,
    rules: &RuleSet,
    req: &Request,
) -> Result<(), RequestError> {
    for (name, value) in &req.facts {
        // Declared facts never have a reserved name (the rules loader rejects them), so
        // the reserved names are only looked at for a fact that is not declared.
        match names.fact(name) {
            Some(f) => f.check(value).map_err(RequestError::BadValue)?,
            None if RESERVED_FACTS.contains(&name.as_str()) => {
                return Err(RequestError::BadValue(format!(
                    "`{name}` is a request field, not a fact: give it as the request's `{name}`"
                )));
            }
            None => {
                return Err(RequestError::UnknownFact {
                    name: name.clone(),
                    hint: hint(rules.facts.iter().map(|f| f.id.as_str()), name),
                });
            }
        }
    }
    Ok(())
}

/// The last step of [`check`]: a time in range, as a [`Moment`].
pub(crate) fn check_time(zone: &Offsets, req: &Request) -> Result<Option<Moment>, RequestError> {
    req.at
        .map(|t| zone.moment(t).map_err(RequestError::BadValue))
        .transpose()
}

/// The closest desk id to `id`, for an unknown-desk error.
pub(crate) fn desk_hint(org: &Org, id: &str) -> Option<String> {
    hint(org.desks.iter().map(|d| d.id.as_str()), id)
}
