//! The `rightdesk` binary end to end: output, exit codes, and bad input.
#![cfg(feature = "cli")]

use assert_cmd::Command;

const ORG: &str = "tests/data/policy/org.yaml";
const RULES: &str = "tests/data/policy/rules.yaml";
const CASES: &str = "tests/data/policy/cases.yaml";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run the binary (no colours: not a terminal, and NO_COLOR set) and check that it never
/// panics.
fn rd(args: &[&str]) -> Run {
    let out = Command::cargo_bin("rightdesk")
        .unwrap()
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "panic on {args:?}:\n{}",
        run.stderr
    );
    run
}

fn route(extra: &[&str]) -> Run {
    let mut args = vec!["route", ORG, RULES];
    args.extend_from_slice(extra);
    rd(&args)
}

// ---- usage ----

#[test]
fn help_lists_every_subcommand_and_exits_0() {
    let r = rd(&["--help"]);
    assert_eq!(r.code, 0);
    for sub in ["check", "route", "test", "explain", "export", "trace"] {
        assert!(r.stdout.contains(sub), "{sub} missing:\n{}", r.stdout);
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(rd(&[]).code, 2);
    let r = rd(&["route", ORG, RULES]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--need"), "{}", r.stderr);
    assert_eq!(rd(&["frobnicate"]).code, 2);
    assert_eq!(rd(&["test", ORG, RULES]).code, 2, "CASES is required");
    let r = route(&["--need", "transcript.copy", "--at", "next tuesday"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not a time"), "{}", r.stderr);
}

// ---- check ----

#[test]
fn check_prints_warnings_and_findings_like_a_linter_and_exits_1() {
    let r = rd(&["check", ORG, RULES]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(
            "tests/data/policy/rules.yaml:40:25: warning[unserved-capability]: no desk offers capability `parking.permit`"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("error[coverage-gap]"), "{}", r.stdout);
    let last = r.stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("summary: "), "{}", r.stdout);
    assert!(last.contains("5 desks"), "{last}");
    let r = rd(&["check", ORG, RULES, "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["analysis"]["stats"]["desks"], 5);
    assert_eq!(v["problems"][0]["kind"], "unserved-capability");
}

#[test]
fn check_reports_the_police_runaround() {
    let r = rd(&[
        "check",
        "examples/police_station/org.yaml",
        "examples/police_station/rules.yaml",
        "--at",
        "2026-11-30T09:15",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("error[runaround]: `accident_report.copy` from `hq-front-desk`"),
        "{}",
        r.stdout
    );
}

#[test]
fn missing_file_is_a_clear_error_with_exit_2() {
    let r = rd(&["check", "tests/data/policy/nope.yaml", RULES]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr
            .starts_with("tests/data/policy/nope.yaml: error[io]: cannot read the file"),
        "{}",
        r.stderr
    );
    let r = rd(&["test", ORG, RULES, "tests/data/policy/none.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("none.yaml"), "{}", r.stderr);
}

#[test]
fn malformed_yaml_is_reported_with_file_line_and_column() {
    let r = rd(&["check", "tests/data/policy/malformed.yaml", RULES]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("tests/data/policy/malformed.yaml:3:8"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("error[syntax]"), "{}", r.stderr);
}

// ---- test ----

#[test]
fn test_passes_the_campus_cases() {
    let r = rd(&["test", ORG, RULES, CASES]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.lines().last(), Some("10 passed, 0 failed"));
    assert!(r.stdout.contains("coverage: "), "{}", r.stdout);
    assert!(r.stdout.contains("`diploma`"), "{}", r.stdout);
}

#[test]
fn test_reports_a_diff_and_exits_1_on_failure() {
    let r = rd(&["test", ORG, RULES, "tests/data/policy/failing.yaml"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("FAIL transcripts at the dean"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("expected: routed to `dean`"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("actual:   routed to `registrar-counter`"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("explanation:"), "{}", r.stdout);
    assert_eq!(r.stdout.lines().last(), Some("1 passed, 1 failed"));
}

#[test]
fn test_runs_several_files_and_directories() {
    let r = rd(&["test", ORG, RULES, CASES, "tests/data/policy/failing.yaml"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.lines().last(), Some("11 passed, 1 failed"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(CASES, dir.path().join("a.yaml")).unwrap();
    std::fs::write(
        dir.path().join("b.json"),
        r#"[{"name": "json case", "request": {"need": "password.reset"}, "expect": {"desk": "it-helpdesk"}}]"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a case file").unwrap();
    let r = rd(&["test", ORG, RULES, dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.lines().last(), Some("11 passed, 0 failed"));
}

#[test]
fn test_json_output() {
    let r = rd(&["test", ORG, RULES, CASES, "--format", "json"]);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["passed"], 10);
    assert_eq!(v["failed"], 0);
    assert_eq!(v["cases"][0]["resolution"]["outcome"]["kind"], "routed");
    assert!(v["coverage"]["rules_not_exercised"].is_array());
}

#[test]
fn unknown_desk_in_a_case_is_a_load_error_with_a_hint() {
    let r = rd(&[
        "test",
        ORG,
        RULES,
        "tests/data/policy/unknown_desk_cases.yaml",
    ]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("unknown_desk_cases.yaml"), "{}", r.stderr);
    assert!(
        r.stderr.contains("unknown desk `it-helpdsk`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `it-helpdesk`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn malformed_case_file_exits_2() {
    let r = rd(&["test", ORG, RULES, "tests/data/policy/malformed.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("malformed.yaml"), "{}", r.stderr);
}

// ---- route ----

#[test]
fn route_prints_the_desk_and_why() {
    let r = route(&[
        "--need",
        "transcript.copy",
        "--fact",
        "requester=student",
        "--site",
        "main",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "Go to Registrar counter [registrar-counter] at Main building [main], 1 University Square"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("bring: student_id"), "{}", r.stdout);
    assert!(r.stdout.contains("student-transcript"), "{}", r.stdout);
}

#[test]
fn route_json_and_status_file() {
    let r = route(&[
        "--need",
        "transcript.copy",
        "--fact",
        "requester=student",
        "--site",
        "main",
        "--status",
        "tests/data/policy/status_closed.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["outcome"]["kind"], "routed");
    assert_eq!(v["outcome"]["desk"], "registrar-annex");
}

#[test]
fn route_asks_questions_when_facts_are_missing() {
    let r = route(&["--need", "transcript.copy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "More information is needed before routing:\n  1. Are you a student or a member of staff? [requester: student / staff]"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn route_reads_facts_by_their_declared_type() {
    let r = route(&["--need", "transcript.copy", "--fact", "credits=12.5"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bad = [
        (vec!["--fact", "credits=lots"], "fact `credits` is a number"),
        (vec!["--fact", "credits=-3"], "out of range"),
        (vec!["--fact", "requester=robot"], "not one of"),
        (vec!["--fact", "colour=red"], "unknown fact `colour`"),
        (vec!["--fact", "requester"], "expected NAME=VALUE"),
        (vec!["--fact", "site=main"], "use `--site main`"),
        (
            vec!["--site", "mian"],
            "unknown site `mian` (did you mean `main`?)",
        ),
        (vec!["--unit", "nobody"], "unknown unit `nobody`"),
    ];
    for (extra, message) in bad {
        let mut args = vec!["--need", "transcript.copy"];
        args.extend(extra.iter().copied());
        let r = route(&args);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stdout);
        assert!(r.stderr.contains(message), "{extra:?}: {}", r.stderr);
    }
}

#[test]
fn unknown_desk_in_a_status_file_exits_2() {
    let r = route(&[
        "--need",
        "password.reset",
        "--status",
        "tests/data/policy/status_unknown_desk.yaml",
    ]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("unknown desk `registrar-countr` (did you mean `registrar-counter`?)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("status_unknown_desk.yaml"),
        "{}",
        r.stderr
    );
}

// ---- explain ----

#[test]
fn explain_says_why_not_a_desk() {
    let base = [
        "explain",
        ORG,
        RULES,
        "--need",
        "transcript.copy",
        "--fact",
        "requester=student",
        "--site",
        "main",
    ];
    let mut args = base.to_vec();
    args.extend(["--desk", "it-helpdesk"]);
    let r = rd(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "`it-helpdesk` lacks capability `transcript.copy`, which rule `student-transcript` requires"
        ),
        "{}",
        r.stdout
    );
    let mut args = base.to_vec();
    args.extend(["--desk", "registrar-annex"]);
    let r = rd(&args);
    assert!(
        r.stdout.starts_with(
            "`registrar-annex`: costs 20 min (the chosen desk 10 min)\ninstead: `registrar-counter`"
        ),
        "{}",
        r.stdout
    );
    let mut args = base.to_vec();
    args.extend(["--desk", "registrar-counter", "--format", "json"]);
    let r = rd(&args);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["chosen"], true);
}

#[test]
fn explain_unknown_desk_exits_2() {
    let r = rd(&[
        "explain",
        ORG,
        RULES,
        "--need",
        "transcript.copy",
        "--desk",
        "deen",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("unknown desk `deen` (did you mean `dean`?)"),
        "{}",
        r.stderr
    );
}

// ---- trace ----

#[test]
fn trace_follows_todays_referrals() {
    let r = rd(&[
        "trace",
        ORG,
        RULES,
        "--from",
        "info-desk",
        "--need",
        "transcript.copy",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("1. Information desk [info-desk] at main"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("3. Registrar annex window"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Ends in solved at `registrar-annex`"),
        "{}",
        r.stdout
    );
    let r = rd(&[
        "trace",
        ORG,
        "--from",
        "info-desk",
        "--need",
        "transcript.copy",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["stops"].as_array().map(Vec::len), Some(3));
}

#[test]
fn trace_from_an_unknown_desk_exits_2() {
    let r = rd(&["trace", ORG, "--from", "info", "--need", "x"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown desk `info`"), "{}", r.stderr);
}

// ---- export ----

#[test]
fn export_draws_dot_and_mermaid() {
    let r = rd(&["export", ORG, "--format", "dot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\ndigraph "), "{}", r.stdout);
    assert!(r.stdout.contains("registrar-counter"), "{}", r.stdout);
    let r = rd(&["export", ORG, "--format", "mermaid"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("flowchart LR"), "{}", r.stdout);
}

#[test]
fn export_highlights_a_referral_path() {
    let plain = rd(&["export", ORG, "--format", "dot"]);
    let r = rd(&[
        "export",
        ORG,
        "--format",
        "dot",
        "--from",
        "info-desk",
        "--need",
        "transcript.copy",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("step 2"), "{}", r.stdout);
    assert!(!plain.stdout.contains("step 2"));
    let r = rd(&["export", ORG, RULES, "--format", "mermaid", "--worst"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("step 2"), "{}", r.stdout);
}

#[test]
fn export_bad_arguments_exit_2() {
    let r = rd(&["export", ORG, "--format", "png"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("possible values: dot, mermaid"),
        "{}",
        r.stderr
    );
    let r = rd(&["export", ORG, "--format", "dot", "--worst"]);
    assert_eq!(r.code, 2, "--worst needs RULES");
    let r = rd(&[
        "export", ORG, "--format", "dot", "--from", "info", "--need", "x",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown desk `info`"), "{}", r.stderr);
}

// ---- colours ----

#[test]
fn no_colours_unless_asked() {
    let r = rd(&["test", ORG, RULES, CASES]);
    assert!(!r.stdout.contains('\x1b'));
    let r = rd(&["test", ORG, RULES, CASES, "--color", "always"]);
    assert!(r.stdout.contains("\x1b[32m"), "{}", r.stdout);
    let r = rd(&[
        "check",
        "tests/data/policy/nope.yaml",
        RULES,
        "--color",
        "never",
    ]);
    assert!(!r.stderr.contains('\x1b'));
}

// ---- output snapshots (review changes with `cargo insta review`) ----

#[test]
fn snapshot_of_a_failing_test_run() {
    let r = rd(&["test", ORG, RULES, "tests/data/policy/failing.yaml"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("cli_test_failing", r.stdout);
}

#[test]
fn snapshot_of_route_and_explain() {
    let r = route(&[
        "--need",
        "transcript.copy",
        "--fact",
        "requester=student",
        "--site",
        "main",
        "--language",
        "es",
        "--at",
        "2026-11-30T09:15",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("cli_route_spanish", r.stdout);
    let r = rd(&[
        "explain",
        ORG,
        RULES,
        "--need",
        "transcript.copy",
        "--fact",
        "requester=student",
        "--site",
        "main",
        "--language",
        "es",
        "--desk",
        "registrar-counter",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("cli_explain_wrong_language", r.stdout);
}
