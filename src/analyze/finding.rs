//! Findings: what the analysis found, as plain data.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::Id;
use crate::resolve::Request;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is broken.
    Info,
    /// Customers are likely to be sent around, or a single failure breaks a service.
    Warning,
    /// Customers are sent around in circles or to nobody, today.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable code of a finding, like a linter's lint name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    /// Today's referrals for a need go around in a circle.
    ReferralCycle,
    /// Today's referral path is much longer than the one-step resolution.
    Runaround,
    /// A referral ends at a desk that cannot solve the need and refers nowhere.
    DeadEndReferral,
    /// A capability the rules require is not offered (at all, or at some hours, sites or
    /// in some languages, or within reach of some site).
    CoverageGap,
    /// A capability (or a rule's whole candidate list) rests on exactly one desk.
    SinglePointOfFailure,
    /// Units with no duty desk anywhere on their chain of command: escalations go nowhere.
    NoDutyDesk,
    /// Two rules of equal priority match the same request and demand different things.
    AmbiguousRules,
    /// A rule that can never decide: earlier rules take every request it matches.
    ShadowedRule,
    /// A desk no rule can route to.
    UnreachableDesk,
    /// A capability offered by desks but required by no rule.
    UnusedCapability,
    /// Desks with the capability exist, but none has the authority the rule requires.
    AuthorityGap,
}

impl Code {
    /// Every code, in report order.
    pub const ALL: [Code; 11] = [
        Code::ReferralCycle,
        Code::Runaround,
        Code::DeadEndReferral,
        Code::CoverageGap,
        Code::AuthorityGap,
        Code::SinglePointOfFailure,
        Code::NoDutyDesk,
        Code::AmbiguousRules,
        Code::ShadowedRule,
        Code::UnreachableDesk,
        Code::UnusedCapability,
    ];

    /// The kebab-case name, e.g. `referral-cycle`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::ReferralCycle => "referral-cycle",
            Code::Runaround => "runaround",
            Code::DeadEndReferral => "dead-end-referral",
            Code::CoverageGap => "coverage-gap",
            Code::SinglePointOfFailure => "single-point-of-failure",
            Code::NoDutyDesk => "no-duty-desk",
            Code::AmbiguousRules => "ambiguous-rules",
            Code::ShadowedRule => "shadowed-rule",
            Code::UnreachableDesk => "unreachable-desk",
            Code::UnusedCapability => "unused-capability",
            Code::AuthorityGap => "authority-gap",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = String;

    /// Parse a kebab-case code such as `referral-cycle`.
    fn from_str(s: &str) -> Result<Code, String> {
        Code::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
                format!(
                    "unknown finding code `{s}`; expected one of {}",
                    all.join(", ")
                )
            })
    }
}

/// Something a finding is about: a desk, unit, site, rule, capability, need or language.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A desk id.
    Desk(Id),
    /// A unit id.
    Unit(Id),
    /// A site id.
    Site(Id),
    /// A rule id.
    Rule(Id),
    /// A capability.
    Capability(Id),
    /// A need (as in `refers`).
    Need(Id),
    /// A language.
    Language(Id),
}

impl Subject {
    /// The id.
    pub fn id(&self) -> &Id {
        match self {
            Subject::Desk(i)
            | Subject::Unit(i)
            | Subject::Site(i)
            | Subject::Rule(i)
            | Subject::Capability(i)
            | Subject::Need(i)
            | Subject::Language(i) => i,
        }
    }

    /// `desk`, `unit`, `site`, `rule`, `capability`, `need` or `language`.
    pub fn kind(&self) -> &'static str {
        match self {
            Subject::Desk(_) => "desk",
            Subject::Unit(_) => "unit",
            Subject::Site(_) => "site",
            Subject::Rule(_) => "rule",
            Subject::Capability(_) => "capability",
            Subject::Need(_) => "need",
            Subject::Language(_) => "language",
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind(), self.id())
    }
}

/// One finding: what is wrong, with what, how bad, and how to fix it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code, e.g. `referral-cycle`.
    pub code: Code,
    /// How much it matters.
    pub severity: Severity,
    /// What it is about, most important first.
    pub ids: Vec<Subject>,
    /// What is wrong, for a person.
    pub message: String,
    /// A suggested fix.
    pub fix: String,
    /// A request that shows the problem, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Request>,
}

impl Finding {
    pub(crate) fn new(
        code: Code,
        severity: Severity,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity,
            ids: Vec::new(),
            message: message.into(),
            fix: fix.into(),
            example: None,
        }
    }

    pub(crate) fn with(mut self, ids: impl IntoIterator<Item = Subject>) -> Finding {
        self.ids.extend(ids);
        self
    }

    pub(crate) fn example(mut self, req: Option<Request>) -> Finding {
        self.example = req;
        self
    }

    /// Is `id` among the ids this finding is about (of any kind)?
    pub fn involves(&self, id: &str) -> bool {
        self.ids.iter().any(|s| s.id() == id)
    }
}

impl fmt::Display for Finding {
    /// ```text
    /// error[referral-cycle]: referrals for `x` go around in a circle: a -> b -> a
    ///   = ids: desk `a`, desk `b`
    ///   = fix: ...
    ///   = example: {"need":"x","site":"hq"}
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)?;
        if !self.ids.is_empty() {
            const SHOWN: usize = 12;
            let shown: Vec<String> = self.ids.iter().take(SHOWN).map(|s| s.to_string()).collect();
            write!(f, "\n  = ids: {}", shown.join(", "))?;
            if self.ids.len() > SHOWN {
                write!(f, " and {} more", self.ids.len() - SHOWN)?;
            }
        }
        if !self.fix.is_empty() {
            write!(f, "\n  = fix: {}", self.fix)?;
        }
        if let Some(req) = &self.example {
            let json = serde_json::to_string(req).unwrap_or_default();
            write!(f, "\n  = example request: {json}")?;
        }
        Ok(())
    }
}
