//! A customer's request.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rules::Value;

/// What a customer needs, with the facts they gave, where they are and when it is.
///
/// ```
/// use rightdesk::Request;
/// let req = Request::new("accident_report.copy")
///     .fact("requester", "public")
///     .site("hq")
///     .at_local("2026-11-30T09:15:00".parse()?);
/// assert_eq!(req.need, "accident_report.copy");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// What the customer needs, e.g. `accident_report.copy`.
    pub need: String,
    /// Facts about the customer and the case, by fact name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, Value>,
    /// The site the customer is at (travel is counted from there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// When the request is made. Without it, opening hours are not considered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<RequestTime>,
    /// The customer's language, e.g. `es`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The requesting unit, when one department asks another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl Request {
    /// A request for `need` with nothing else known.
    pub fn new(need: impl Into<String>) -> Request {
        Request {
            need: need.into(),
            ..Request::default()
        }
    }

    /// The same request with a fact.
    pub fn fact(mut self, name: impl Into<String>, value: impl Into<Value>) -> Request {
        self.facts.insert(name.into(), value.into());
        self
    }

    /// The same request made at a site.
    pub fn site(mut self, site: impl Into<String>) -> Request {
        self.site = Some(site.into());
        self
    }

    /// The same request at an instant.
    pub fn at(mut self, at: DateTime<Utc>) -> Request {
        self.at = Some(RequestTime::Instant(at));
        self
    }

    /// The same request at a local (wall-clock) time in the organization's time zone.
    pub fn at_local(mut self, at: NaiveDateTime) -> Request {
        self.at = Some(RequestTime::Local(at));
        self
    }

    /// The same request in a language.
    pub fn language(mut self, language: impl Into<String>) -> Request {
        self.language = Some(language.into());
        self
    }

    /// The same request made by a unit.
    pub fn unit(mut self, unit: impl Into<String>) -> Request {
        self.unit = Some(unit.into());
        self
    }
}

/// When a request is made: an exact instant, or a wall-clock time in the organization's
/// time zone.
///
/// In files: RFC 3339 with an offset (`2026-11-30T09:15:00-08:00`, `...Z`) is an instant;
/// without an offset (`2026-11-30T09:15`) it is local time. A local time that does not exist
/// (clocks go forward) is moved forward by the gap; an ambiguous one (clocks go back) is
/// the earlier of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestTime {
    /// An exact instant.
    Instant(DateTime<Utc>),
    /// Wall-clock time in the organization's time zone.
    Local(NaiveDateTime),
}

impl RequestTime {
    /// Parse `2026-11-30T09:15`, `2026-11-30 09:15:00`, or RFC 3339 with offset.
    ///
    /// # Errors
    /// A message saying what was expected.
    pub fn parse(s: &str) -> Result<RequestTime, String> {
        let s = s.trim();
        if let Ok(dt) = DateTime::<FixedOffset>::parse_from_rfc3339(s) {
            return Ok(RequestTime::Instant(dt.with_timezone(&Utc)));
        }
        for fmt in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
                return Ok(RequestTime::Local(n));
            }
        }
        Err(format!(
            "`{s}` is not a time: expected `2026-11-30T09:15` (local) or `2026-11-30T09:15:00-08:00`"
        ))
    }
}

impl fmt::Display for RequestTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestTime::Instant(t) => write!(f, "{}", t.to_rfc3339()),
            RequestTime::Local(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%S")),
        }
    }
}

impl std::str::FromStr for RequestTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        RequestTime::parse(s)
    }
}

impl Serialize for RequestTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RequestTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RequestTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A request the router cannot take as given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The request names a site the organization does not have.
    #[error("unknown site `{id}`{}", did_you_mean(hint))]
    UnknownSite {
        /// The site id given.
        id: String,
        /// The closest site id, if one is close.
        hint: Option<String>,
    },
    /// The request names a unit the organization does not have.
    #[error("unknown unit `{id}`{}", did_you_mean(hint))]
    UnknownUnit {
        /// The unit id given.
        id: String,
        /// The closest unit id, if one is close.
        hint: Option<String>,
    },
    /// The request names a desk the organization does not have.
    #[error("unknown desk `{id}`{}", did_you_mean(hint))]
    UnknownDesk {
        /// The desk id given.
        id: String,
        /// The closest desk id, if one is close.
        hint: Option<String>,
    },
    /// The request carries a fact the rules do not declare.
    #[error("unknown fact `{name}`{}", did_you_mean(hint))]
    UnknownFact {
        /// The fact name given.
        name: String,
        /// The closest declared fact, if any.
        hint: Option<String>,
    },
    /// A fact value of the wrong type, out of range or not allowed; or a time out of range.
    #[error("{0}")]
    BadValue(String),
    /// The need is empty.
    #[error("the request has no need")]
    EmptyNeed,
}

fn did_you_mean(hint: &Option<String>) -> String {
    hint.as_ref()
        .map(|h| format!(" (did you mean `{h}`?)"))
        .unwrap_or_default()
}
