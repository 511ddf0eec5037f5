//! The result of a policy test run: per case, coverage, and a summary.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::case::Expect;
use crate::model::Id;
use crate::resolve::Resolution;

/// What a policy test run found.
///
/// `Display` prints one line per passing case, a diff and the explanation for each failing
/// one, the coverage, and ends with the line `N passed, N failed`. Serde gives the same as
/// JSON for machines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestReport {
    /// Cases that met their expectation.
    pub passed: usize,
    /// Cases that did not, or could not run.
    pub failed: usize,
    /// Every case, in the order run.
    pub cases: Vec<CaseResult>,
    /// Which rules and desks the cases exercise.
    pub coverage: Coverage,
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// The file it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// Whether the outcome met the expectation.
    pub passed: bool,
    /// What the case expected.
    pub expected: Expect,
    /// The actual outcome in one line, e.g. ``routed to `records-counter` by rule `copy`, cost 5 min``.
    pub actual: String,
    /// Every way the outcome misses the expectation (empty when passed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mismatches: Vec<String>,
    /// Why the case could not run: an unknown desk, site or fact, a bad status update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The actual resolution with its full explanation (absent when the case could not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
}

/// Which rules decided some case and which desks some case was sent to.
///
/// Desks counted are those a rule can route to (they offer a capability some rule
/// requires) and duty desks (escalations go there); a desk that only refers people on is
/// not expected to receive cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Number of rules.
    pub rules: usize,
    /// Rules that decided at least one case, in evaluation order.
    pub rules_exercised: Vec<Id>,
    /// Rules that decided no case, in evaluation order.
    pub rules_not_exercised: Vec<Id>,
    /// Number of desks a case could be sent to.
    pub desks: usize,
    /// Desks at least one case was sent to (routed or escalated), in file order.
    pub desks_exercised: Vec<Id>,
    /// Desks no case was sent to, in file order.
    pub desks_not_exercised: Vec<Id>,
}

impl TestReport {
    pub(crate) fn new(cases: Vec<CaseResult>, coverage: Coverage) -> TestReport {
        let passed = cases.iter().filter(|c| c.passed).count();
        TestReport {
            passed,
            failed: cases.len() - passed,
            cases,
            coverage,
        }
    }

    /// True when every case passed.
    pub fn all_passed(&self) -> bool {
        self.failed == 0
    }

    /// The failing cases.
    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| !c.passed)
    }

    /// The summary line: `N passed, N failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

impl fmt::Display for CaseResult {
    /// `ok   name`, or `FAIL name` followed by the diff and the explanation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.passed {
            return write!(f, "ok   {}", self.name);
        }
        write!(f, "FAIL {}", self.name)?;
        if let Some(file) = &self.file {
            write!(f, " ({})", file.display())?;
        }
        writeln!(f)?;
        writeln!(f, "     expected: {}", self.expected)?;
        match &self.error {
            Some(e) => write!(f, "     error:    {e}")?,
            None => write!(f, "     actual:   {}", self.actual)?,
        }
        for m in &self.mismatches {
            write!(f, "\n       - {m}")?;
        }
        if let Some(res) = &self.resolution {
            write!(f, "\n     explanation:")?;
            for line in res.explanation.to_string().lines() {
                write!(f, "\n       {line}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Coverage {
    /// Two lines: rules, then desks, each with the ids not exercised.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |ids: &[Id]| -> String {
            let v: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
            v.join(", ")
        };
        write!(
            f,
            "coverage: {} of {} rules decided a case",
            self.rules_exercised.len(),
            self.rules
        )?;
        if !self.rules_not_exercised.is_empty() {
            write!(f, "; never: {}", list(&self.rules_not_exercised))?;
        }
        write!(
            f,
            "\n          {} of {} desks received a case",
            self.desks_exercised.len(),
            self.desks
        )?;
        if !self.desks_not_exercised.is_empty() {
            write!(f, "; never: {}", list(&self.desks_not_exercised))?;
        }
        Ok(())
    }
}

impl fmt::Display for TestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.cases {
            writeln!(f, "{c}")?;
        }
        if !self.cases.is_empty() {
            writeln!(f)?;
        }
        writeln!(f, "{}", self.coverage)?;
        writeln!(f, "{}", self.summary())
    }
}
