//! Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in the organization's
//! local (civil) time.
//!
//! Parsing is done by the [`opening-hours`](https://crates.io/crates/opening-hours) crate.

use std::fmt;
use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use opening_hours::localization::Country;
use opening_hours::{Context, OpeningHours};

/// How far ahead [`Hours::next_open`] looks before giving up (a desk that never opens again).
pub const LOOKAHEAD_DAYS: i64 = 366;

/// Weekly opening hours of a desk.
///
/// ```
/// use rightdesk::Hours;
/// let h = Hours::parse("Mo-Fr 08:00-16:30", None)?;
/// let monday_nine = "2026-11-30T09:00:00".parse()?;
/// assert!(h.is_open(monday_nine));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Hours {
    source: Arc<str>,
    /// `None` means always open.
    oh: Option<Arc<OpeningHours>>,
}

/// Opening hours that do not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed opening hours `{source_text}`: {message}")]
pub struct HoursError {
    source_text: String,
    message: String,
}

impl HoursError {
    /// The text that failed to parse.
    pub fn source_text(&self) -> &str {
        &self.source_text
    }

    /// What the parser said.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl Hours {
    /// Always open (`24/7`).
    pub fn always() -> Hours {
        Hours {
            source: Arc::from("24/7"),
            oh: None,
        }
    }

    /// Parse OpenStreetMap `opening_hours` text. `holidays` is an ISO 3166 country code
    /// whose public holidays `PH` refers to.
    ///
    /// # Errors
    /// [`HoursError`] when the text does not parse or the country is unknown.
    pub fn parse(text: &str, holidays: Option<&str>) -> Result<Hours, HoursError> {
        let trimmed = text.trim();
        if trimmed == "24/7" {
            return Ok(Hours::always());
        }
        let err = |message: String| HoursError {
            source_text: text.to_owned(),
            message,
        };
        let oh = trimmed
            .parse::<OpeningHours>()
            .map_err(|e| err(e.to_string()))?;
        let oh = match holidays {
            Some(cc) => {
                let country: Country = cc
                    .parse()
                    .map_err(|_| err(format!("unknown holiday country `{cc}`")))?;
                oh.with_context(Context::default().with_holidays(country.holidays()))
            }
            None => oh,
        };
        Ok(Hours {
            source: Arc::from(trimmed),
            oh: Some(Arc::new(oh)),
        })
    }

    /// The text the hours were parsed from.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when always open.
    pub fn is_always(&self) -> bool {
        self.oh.is_none()
    }

    /// Is the desk open at local time `t`?
    pub fn is_open(&self, t: NaiveDateTime) -> bool {
        match &self.oh {
            None => true,
            Some(oh) => oh.is_open(t),
        }
    }

    /// The first local time at or after `t` when the desk is open, looking at most
    /// [`LOOKAHEAD_DAYS`] ahead. `None` when it does not open in that time.
    pub fn next_open(&self, t: NaiveDateTime) -> Option<NaiveDateTime> {
        let oh = match &self.oh {
            None => return Some(t),
            Some(oh) => oh,
        };
        if oh.is_open(t) {
            return Some(t);
        }
        let end = t + Duration::days(LOOKAHEAD_DAYS);
        oh.iter_range(t, end)
            .find(|r| r.kind == opening_hours::RuleKind::Open)
            .map(|r| r.range.start.max(t))
    }
}

impl fmt::Debug for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hours({:?})", &*self.source)
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl PartialEq for Hours {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}
