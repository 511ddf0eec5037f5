//! Policy tests through the library: the shipped example case files, and the runner's
//! behaviour on a small campus organization.

use std::path::Path;

use rightdesk::load::{self, Format, LoadError};
use rightdesk::policy_test::{self, Case, Cases, Expect, TestReport};
use rightdesk::{Request, Router, StatusUpdate};

const ORG: &str = "tests/data/policy/org.yaml";
const RULES: &str = "tests/data/policy/rules.yaml";
const CASES: &str = "tests/data/policy/cases.yaml";

#[test]
fn police_station_example_policy() {
    policy_test::assert_cases(
        "examples/police_station/org.yaml",
        "examples/police_station/rules.yaml",
        "examples/police_station/cases.yaml",
    );
}

#[test]
fn city311_example_policy() {
    policy_test::assert_cases(
        "examples/city311/org.toml",
        "examples/city311/rules.yaml",
        "examples/city311/cases.yaml",
    );
}

#[test]
fn campus_policy() {
    policy_test::assert_cases(ORG, RULES, CASES);
}

fn campus_router() -> Router {
    let org = load::org_from_path(ORG).unwrap();
    let rules = load::rules_from_path(RULES, &org).unwrap();
    Router::new(org, rules)
}

#[test]
fn a_failing_case_shows_expected_actual_and_the_explanation() {
    let report = policy_test::run_files(ORG, RULES, "tests/data/policy/failing.yaml").unwrap();
    assert_eq!((report.passed, report.failed), (1, 1));
    let failed = report.failures().next().unwrap();
    assert_eq!(failed.name, "transcripts at the dean (wrong on purpose)");
    assert_eq!(
        failed.mismatches,
        vec!["routed to `registrar-counter`, not `dean`"]
    );
    assert!(failed.resolution.is_some());
    let text = report.to_string();
    assert!(text.contains("expected: routed to `dean`"), "{text}");
    assert!(
        text.contains("actual:   routed to `registrar-counter` by rule `student-transcript`"),
        "{text}"
    );
    assert!(text.contains("explanation:"), "{text}");
    assert_eq!(text.lines().last(), Some("1 passed, 1 failed"));
}

#[test]
fn assert_cases_panics_with_the_report() {
    let err = std::panic::catch_unwind(|| {
        policy_test::assert_cases(ORG, RULES, "tests/data/policy/failing.yaml")
    })
    .unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("policy tests in tests/data/policy/failing.yaml failed"),
        "{msg}"
    );
    assert!(msg.contains("FAIL transcripts at the dean"), "{msg}");
    assert!(msg.trim_end().ends_with("1 passed, 1 failed"), "{msg}");

    let err = std::panic::catch_unwind(|| {
        policy_test::assert_cases(ORG, RULES, "tests/data/policy/unknown_desk_cases.yaml")
    })
    .unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.contains("policy tests could not load"), "{msg}");
    assert!(msg.contains("unknown desk `it-helpdsk`"), "{msg}");
}

#[test]
fn coverage_names_rules_and_desks_no_case_exercises() {
    let report = policy_test::run_files(ORG, RULES, CASES).unwrap();
    let c = &report.coverage;
    assert_eq!(c.rules, 7);
    let never: Vec<&str> = c.rules_not_exercised.iter().map(|r| r.as_str()).collect();
    assert_eq!(never, ["diploma", "appeal"]);
    let never: Vec<&str> = c.desks_not_exercised.iter().map(|r| r.as_str()).collect();
    assert_eq!(never, ["dean"]);
    assert_eq!(c.desks, 5);
    let text = report.to_string();
    assert!(
        text.contains("coverage: 5 of 7 rules decided a case; never: `diploma`, `appeal`"),
        "{text}"
    );
}

#[test]
fn status_of_one_case_never_leaks_into_the_next() {
    let router = campus_router();
    let req = Request::new("transcript.copy")
        .fact("requester", "student")
        .site("main");
    let close = StatusUpdate::Close {
        desk: "registrar-counter".into(),
        until: None,
        reason: Some("sick".into()),
    };
    let cases = Cases::new([
        Case::new("closed", req.clone(), Expect::desk("registrar-annex")).with_status([close]),
        Case::new("open again", req.clone(), Expect::desk("registrar-counter")),
        Case::new(
            "and the router's own status is not used",
            req,
            Expect::desk("registrar-counter"),
        ),
    ]);
    router
        .update_status([StatusUpdate::Close {
            desk: "registrar-counter".into(),
            until: None,
            reason: None,
        }])
        .unwrap();
    let report = policy_test::run(&router, &cases);
    assert!(report.all_passed(), "{report}");
}

#[test]
fn cases_naming_unknown_things_fail_with_the_reason() {
    let router = campus_router();
    let cases = Cases::new([
        Case::new(
            "unknown site",
            Request::new("password.reset").site("moon"),
            Expect::desk("it-helpdesk"),
        ),
        Case::new(
            "unknown fact",
            Request::new("password.reset").fact("colour", "red"),
            Expect::desk("it-helpdesk"),
        ),
        Case::new(
            "unknown expected desk",
            Request::new("password.reset"),
            Expect::desk("it-helpdsk"),
        ),
    ]);
    let report = policy_test::run(&router, &cases);
    assert_eq!(report.failed, 3);
    let errors: Vec<&str> = report
        .cases
        .iter()
        .map(|c| c.error.as_deref().unwrap())
        .collect();
    assert!(errors[0].contains("unknown site `moon`"), "{errors:?}");
    assert!(errors[1].contains("unknown fact `colour`"), "{errors:?}");
    assert!(
        errors[2].contains("did you mean `it-helpdesk`?"),
        "{errors:?}"
    );
    let problems = cases.check(router.org(), router.rules());
    assert_eq!(problems.len(), 3);
    assert_eq!(problems[2].path, "cases[2].expect.desk");
}

#[test]
fn yaml_json_and_toml_case_files_are_equivalent() {
    let yaml = std::fs::read_to_string(CASES).unwrap();
    let from_yaml = Cases::from_str(&yaml, Format::Yaml, None).unwrap();
    let json = serde_json::to_string(&from_yaml).unwrap();
    let from_json = Cases::from_str(&json, Format::Json, None).unwrap();
    assert_eq!(from_yaml, from_json);
    let toml = toml::to_string(&from_yaml).unwrap();
    let from_toml = Cases::from_str(&toml, Format::Toml, None).unwrap();
    assert_eq!(from_yaml, from_toml);
}

#[test]
fn a_directory_of_case_files_loads_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b.yaml"),
        "- { name: second, request: { need: lost.found }, expect: { no_desk: true } }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.toml"),
        "[[cases]]\nname = \"first\"\nrequest = { need = \"password.reset\" }\nexpect = { desk = \"it-helpdesk\" }\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("README.md"), "# not cases").unwrap();
    let cases = Cases::from_path(dir.path()).unwrap();
    let names: Vec<&str> = cases.cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["first", "second"]);
    assert_eq!(
        cases.cases[1].file(),
        Some(dir.path().join("b.yaml").as_path())
    );
    let report = policy_test::run(&campus_router(), &cases);
    assert!(report.all_passed(), "{report}");
}

#[test]
fn bad_case_files_are_load_errors_with_the_file() {
    let err = Cases::from_path("tests/data/policy/malformed.yaml").unwrap_err();
    assert!(matches!(err, LoadError::Invalid(_)));
    assert!(err.to_string().contains("malformed.yaml"), "{err}");
    let err = Cases::from_path("tests/data/policy/missing.yaml").unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }));
    let err = Cases::from_str(
        "- { name: x, request: { need: a }, expect: { desk: a, escalated: b } }",
        Format::Yaml,
        Some(Path::new("c.yaml")),
    )
    .unwrap_err();
    assert!(err.to_string().contains("at most one of"), "{err}");
}

#[test]
fn the_report_round_trips_through_json() {
    let report = policy_test::run_files(ORG, RULES, "tests/data/policy/failing.yaml").unwrap();
    let json = serde_json::to_string(&report).unwrap();
    let back: TestReport = serde_json::from_str(&json).unwrap();
    assert_eq!(report, back);
}

/// The README's "Testing your routing policy" example (a `# cases.yaml` block) passes against
/// the README's own `# org.yaml` and `# rules.yaml` blocks, once the README has it.
#[test]
fn the_readme_case_file_passes() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let block = |name: &str| -> Option<String> {
        let marker = format!("```yaml\n# {name}\n");
        let start = readme.find(&marker)? + "```yaml\n".len();
        let len = readme[start..].find("```")?;
        Some(readme[start..start + len].to_owned())
    };
    let (Some(org), Some(rules), Some(cases)) =
        (block("org.yaml"), block("rules.yaml"), block("cases.yaml"))
    else {
        return; // no case example in the README (yet)
    };
    let org = load::org_from_str(&org, Format::Yaml, None).unwrap();
    let rules = load::rules_from_str(&rules, Format::Yaml, None, &org).unwrap();
    let cases = Cases::from_str(&cases, Format::Yaml, None).unwrap();
    assert!(cases.check(&org, &rules).is_empty());
    let report = policy_test::run(&Router::new(org, rules), &cases);
    assert!(report.all_passed(), "{report}");
    assert_eq!(report.cases.len(), 5);
}
