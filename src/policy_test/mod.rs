//! Policy tests: routing expectations as data, a runner, and rule coverage.
//!
//! Teams change their routing rules often; policy tests say, as data, where requests must
//! go, so a change that breaks routing fails a test instead of sending customers around.
//!
//! A case file (YAML, JSON or TOML; see [`Cases`] for the format) lists requests with what
//! must come out: a desk, NeedsInfo with which questions, an escalation to which duty desk,
//! or no desk; optionally "not this desk" and "at most this many minutes". [`run`] resolves
//! every case on a fresh status and returns a [`TestReport`]: pass or fail per case with a
//! diff of expected against actual and the explanation of the actual outcome, and the rules
//! and desks no case exercises.
//!
//! From your own crate's tests, [`assert_cases`] does it all in one call:
//!
//! ```rust,ignore
//! // tests/policy.rs in your crate
//! #[test]
//! fn routing_policy() {
//!     rightdesk::policy_test::assert_cases(
//!         "policy/org.yaml",
//!         "policy/rules.yaml",
//!         "policy/cases.yaml", // or a directory of case files
//!     );
//! }
//! ```
//!
//! (The example under [`assert_cases`] runs the police example's cases this way.)
//!
//! From the command line: `rightdesk test ORG RULES CASES...` (feature `cli`).

mod case;
mod report;
mod run;

use std::path::Path;

pub use case::{Case, Cases, Expect};
pub use report::{CaseResult, Coverage, TestReport};
pub use run::run;

use crate::Router;
use crate::load::{self, LoadError};
use crate::problem::Problems;

/// Load an organization, its rules and policy test cases from files, check the cases
/// against them, and run the cases.
///
/// `cases` is a case file or a directory of case files.
///
/// # Errors
/// [`LoadError`] when a file cannot be read or is invalid, including a case that names a
/// desk, site, unit or fact the organization or rules do not have.
///
/// # Example
/// ```
/// let report = rightdesk::policy_test::run_files(
///     "examples/police_station/org.yaml",
///     "examples/police_station/rules.yaml",
///     "examples/police_station/cases.yaml",
/// )?;
/// println!("{report}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_files(
    org: impl AsRef<Path>,
    rules: impl AsRef<Path>,
    cases: impl AsRef<Path>,
) -> Result<TestReport, LoadError> {
    let org = load::org_from_path(org)?;
    let rules = load::rules_from_path(rules, &org)?;
    let cases = Cases::from_path(cases)?;
    let problems = cases.check(&org, &rules);
    if !problems.is_empty() {
        return Err(LoadError::Invalid(Problems(problems)));
    }
    Ok(run(&Router::new(org, rules), &cases))
}

/// Run policy test cases from files and panic, with the full report, if any case fails or
/// a file does not load. Made for `#[test]` functions in your own crate.
///
/// Paths are relative to the working directory, which for `cargo test` is the package
/// root. `cases` may be one case file or a directory of them.
///
/// # Panics
/// When a file cannot be loaded (the message lists every problem with file, line and
/// column) or when a case fails (the message is the report: a diff and an explanation per
/// failing case, then `N passed, N failed`).
///
/// # Example
/// Call it from a `#[test]` function, e.g. in `tests/policy.rs` of your crate:
/// ```
/// rightdesk::policy_test::assert_cases(
///     "examples/police_station/org.yaml",
///     "examples/police_station/rules.yaml",
///     "examples/police_station/cases.yaml",
/// );
/// ```
// The one place in the library where a panic is the point: a failing test must panic.
#[allow(clippy::panic)]
#[track_caller]
pub fn assert_cases(org: impl AsRef<Path>, rules: impl AsRef<Path>, cases: impl AsRef<Path>) {
    let cases_path = cases.as_ref().to_path_buf();
    match run_files(org, rules, cases) {
        Err(e) => panic!("policy tests could not load:\n{e}"),
        Ok(report) if !report.all_passed() => {
            panic!("policy tests in {} failed:\n{report}", cases_path.display())
        }
        Ok(_) => {}
    }
}
