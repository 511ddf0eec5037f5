//! Loading an organization and its rules together (`load::router_from_str` /
//! `router_from_paths`): the same router and the same errors as the three steps one after
//! the other.

use std::path::Path;

use rightdesk::load::{self, Format, Source};
use rightdesk::synth::{self, OrgShape, RuleShape};
use rightdesk::{Router, Severity};

fn example(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/police_station")
        .join(name)
}

/// The router of the three steps, or the first error, as text.
fn one_by_one(org: Source<'_>, rules: Source<'_>) -> Result<Router, String> {
    let o = load::org_from_str(org.text, org.format, org.file).map_err(|e| e.to_string())?;
    let r = load::rules_from_str(rules.text, rules.format, rules.file, &o)
        .map_err(|e| e.to_string())?;
    Ok(Router::new(o, r))
}

fn same(a: Result<Router, String>, b: Result<Router, String>) {
    match (a, b) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.org().to_spec(), b.org().to_spec());
            assert_eq!(a.org().symbols(), b.org().symbols());
            assert_eq!(a.rules().to_spec(), b.rules().to_spec());
            assert_eq!(a.rules().warnings(), b.rules().warnings());
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("one loaded, the other not: {:?} / {:?}", a.err(), b.err()),
    }
}

#[test]
fn paths_load_the_example_as_the_three_steps_do() {
    let together = load::router_from_paths(example("org.yaml"), example("rules.yaml")).unwrap();
    let org = load::org_from_path(example("org.yaml")).unwrap();
    let rules = load::rules_from_path(example("rules.yaml"), &org).unwrap();
    same(Ok(together), Ok(Router::new(org, rules)));
}

#[test]
fn a_large_organization_loads_as_the_three_steps_do() {
    // Large enough for the desks to be read on two threads.
    let org = synth::org(&OrgShape::new(25_000).seed(3));
    let rules = synth::rules(&org, &RuleShape::new(500).seed(3));
    let (o, r) = (
        serde_json::to_string(&org).unwrap(),
        serde_json::to_string(&rules).unwrap(),
    );
    let (o, r) = (
        Source::new(&o, Format::Json),
        Source::new(&r, Format::Json).file("rules.json".as_ref()),
    );
    let together = load::router_from_str(o, r).map_err(|e| e.to_string());
    assert!(together.as_ref().is_ok_and(|t| {
        t.rules()
            .warnings()
            .iter()
            .all(|w| w.severity == Severity::Warning)
    }));
    same(together, one_by_one(o, r));
}

#[test]
fn errors_are_those_of_the_three_steps() {
    let good_org = "sites: [{id: hq}]\nunits: [{id: records}]\ndesks: [{id: c, unit: records, site: hq, capabilities: [copy]}]\n";
    let bad_org =
        "sites: [{id: hq}]\nunits: [{id: records}]\ndesks: [{id: c, unit: recrds, site: hq}]\n";
    let good_rules = "rules:\n  - id: copy\n    then: {capability: copy}\n";
    let bad_rules = "rules:\n  - id: copy\n    then: {capability: copy, unit: nope}\n";
    let unreadable_rules = "{\"rules\": [{\"id\": 1}]}";
    let rules_file = Some(Path::new("rules.yaml"));
    for (org, rules, format) in [
        (good_org, good_rules, Format::Yaml),
        (bad_org, good_rules, Format::Yaml),
        (good_org, bad_rules, Format::Yaml),
        (bad_org, bad_rules, Format::Yaml),
        (good_org, unreadable_rules, Format::Json),
        (bad_org, unreadable_rules, Format::Json),
        (good_org, "", Format::Yaml),
        ("", good_rules, Format::Yaml),
    ] {
        let o = Source::new(org, Format::Yaml).file("org.yaml".as_ref());
        let r = Source {
            text: rules,
            format,
            file: rules_file,
        };
        let together = load::router_from_str(o, r).map_err(|e| e.to_string());
        if org == bad_org {
            assert!(
                together
                    .as_ref()
                    .is_err_and(|e| e.starts_with("org.yaml:3:"))
            );
        }
        same(together, one_by_one(o, r));
    }
}

#[test]
fn an_unreadable_rules_file_comes_after_the_organization_s_problems() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org.yaml");
    std::fs::write(
        &org,
        "sites: [{id: hq}]\nunits: [{id: r}]\ndesks: [{id: c, unit: x, site: hq}]\n",
    )
    .unwrap();
    let missing = dir.path().join("missing.yaml");
    let e = load::router_from_paths(&org, &missing).unwrap_err();
    assert!(e.problems().is_some(), "{e}");
    std::fs::write(&org, "sites: [{id: hq}]\n").unwrap();
    let e = load::router_from_paths(&org, &missing).unwrap_err();
    assert!(matches!(e, rightdesk::LoadError::Io { .. }), "{e}");
}
