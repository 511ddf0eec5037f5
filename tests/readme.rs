//! The README's file-format example is real: its YAML blocks (marked by a first line
//! `# org.yaml`, `# rules.yaml`, `# request.yaml`, `# status.yaml`) load, and the request is
//! answered the way the README says.

use rightdesk::load::{self, Format};
use rightdesk::resolve::{Opening, Outcome};
use rightdesk::{ProblemKind, Request, Router, StatusUpdate};

/// The fenced YAML block whose first line is `# {name}`.
fn block(name: &str) -> String {
    let readme = include_str!("../README.md");
    let marker = format!("```yaml\n# {name}\n");
    let start = readme
        .find(&marker)
        .unwrap_or_else(|| panic!("README has no block `# {name}`"))
        + "```yaml\n".len();
    let len = readme[start..].find("```").unwrap();
    readme[start..start + len].to_string()
}

fn router() -> Router {
    let org = load::org_from_str(&block("org.yaml"), Format::Yaml, None).unwrap();
    let rules = load::rules_from_str(&block("rules.yaml"), Format::Yaml, None, &org).unwrap();
    // The one warning is intended: nobody offers `permit.business`.
    let warnings: Vec<_> = rules.warnings().iter().map(|p| p.kind).collect();
    assert_eq!(warnings, [ProblemKind::UnservedCapability]);
    Router::new(org, rules)
}

fn request() -> Request {
    load::parse(&block("request.yaml"), Format::Yaml, None).unwrap()
}

#[test]
fn the_request_goes_to_the_permits_window() {
    let res = router().resolve(&request()).unwrap();
    let Outcome::Routed(a) = &res.outcome else {
        panic!("expected a desk, got {:?}", res.outcome);
    };
    assert_eq!(a.desk, "permits-window");
    assert_eq!(a.site, "annex");
    assert_eq!((a.travel_minutes, a.wait_minutes), (Some(15), 20));
    assert_eq!(a.cost_minutes, 35);
    let bring: Vec<&str> = a.bring.iter().map(|b| b.as_str()).collect();
    assert!(bring.contains(&"photo_id") && bring.contains(&"current_permit"));
    assert!(matches!(a.opening, Opening::Open { .. }));
}

#[test]
fn without_the_fact_it_asks_and_business_permits_escalate() {
    let router = router();
    let mut req = request();
    req.facts.clear();
    let res = router.resolve(&req).unwrap();
    let Outcome::NeedsInfo { questions } = &res.outcome else {
        panic!("expected questions, got {:?}", res.outcome);
    };
    assert_eq!(questions.len(), 1);
    assert_eq!(questions[0].question, "Is the permit for a business?");

    let res = router.resolve(&req.fact("business", true)).unwrap();
    let Outcome::Escalated { to, gap } = &res.outcome else {
        panic!("expected an escalation, got {:?}", res.outcome);
    };
    assert_eq!(to.desk, "city-clerk");
    assert_eq!(gap.capability.as_deref(), Some("permit.business"));
}

#[test]
fn the_status_example_applies() {
    let router = router();
    let updates: Vec<StatusUpdate> =
        load::parse(&block("status.yaml"), Format::Yaml, None).unwrap();
    assert_eq!(updates.len(), 2);
    router.update_status(updates).unwrap();
    let res = router.resolve(&request()).unwrap();
    let Outcome::Routed(a) = &res.outcome else {
        panic!("expected a desk, got {:?}", res.outcome);
    };
    assert_eq!(a.desk, "permits-window");
    let Opening::OpensLater { opens, reason, .. } = &a.opening else {
        panic!("expected opens later, got {:?}", a.opening);
    };
    assert_eq!(
        opens.format("%Y-%m-%dT%H:%M").to_string(),
        "2026-11-30T13:00"
    );
    assert_eq!(reason.as_deref(), Some("system outage"));
}
