//! The city 311 example end to end, from its data files (`examples/city311/org.toml` and
//! `rules.yaml`): clarifying questions, languages and weekend gaps, a live closure, a
//! department escalation and honest coverage gaps.

use chrono::NaiveDateTime;
use rightdesk::load;
use rightdesk::resolve::{Assignment, Opening, Outcome, Resolution};
use rightdesk::{ProblemKind, Request, RequestTime, Router, StatusUpdate};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/city311");

fn router() -> Router {
    let org = load::org_from_path(format!("{DIR}/org.toml")).unwrap();
    let rules = load::rules_from_path(format!("{DIR}/rules.yaml"), &org).unwrap();
    Router::new(org, rules)
}

/// Local time in the organization's time zone (America/New_York).
fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
}

/// Monday 30 November 2026, 10:00.
fn monday() -> NaiveDateTime {
    local("2026-11-30T10:00")
}

/// Saturday 28 November 2026, 10:00.
fn saturday() -> NaiveDateTime {
    local("2026-11-28T10:00")
}

/// A phone call (no site) at a time, in a language.
fn call(need: &str, at: NaiveDateTime, language: &str) -> Request {
    Request::new(need).at_local(at).language(language)
}

fn routed(res: &Resolution) -> &Assignment {
    match &res.outcome {
        Outcome::Routed(a) => a,
        other => panic!("expected a desk, got {other:?}"),
    }
}

fn questions(res: &Resolution) -> Vec<&str> {
    match &res.outcome {
        Outcome::NeedsInfo { questions } => questions.iter().map(|q| q.fact.as_str()).collect(),
        other => panic!("expected questions, got {other:?}"),
    }
}

#[test]
fn data_loads_with_only_the_intended_warnings() {
    let org = load::org_from_path(format!("{DIR}/org.toml")).unwrap();
    let rules = load::rules_from_path(format!("{DIR}/rules.yaml"), &org).unwrap();
    assert_eq!(org.timezone().name(), "America/New_York");
    // Both are intended: sidewalks escalate, private trees are a known gap.
    let mut warned: Vec<(ProblemKind, String)> = rules
        .warnings()
        .iter()
        .map(|p| {
            (
                p.kind,
                p.id.as_ref().map(|i| i.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    warned.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        warned,
        vec![
            (ProblemKind::UnservedCapability, "private-tree".to_string()),
            (ProblemKind::UnservedCapability, "sidewalk".to_string()),
        ]
    );
}

#[test]
fn potholes_ask_whether_they_are_dangerous() {
    let router = router();
    let res = router
        .resolve(&call("pothole.report", monday(), "en"))
        .unwrap();
    assert_eq!(questions(&res), ["hazard"]);

    let res = router
        .resolve(&call("pothole.report", monday(), "en").fact("hazard", false))
        .unwrap();
    let a = routed(&res);
    assert_eq!(a.desk, "311-online");
    assert!(a.bring.iter().any(|b| b == "photo"));

    let res = router
        .resolve(&call("pothole.report", saturday(), "en").fact("hazard", true))
        .unwrap();
    let a = routed(&res);
    assert_eq!(a.desk, "dpw-dispatch");
    assert!(matches!(a.opening, Opening::Open { .. }));
}

#[test]
fn noise_complaints_depend_on_the_source() {
    let router = router();
    let res = router
        .resolve(&call("noise.complaint", monday(), "en"))
        .unwrap();
    assert_eq!(questions(&res), ["noise_source"]);

    let res = router
        .resolve(&call("noise.complaint", monday(), "en").fact("noise_source", "residential"))
        .unwrap();
    assert_eq!(routed(&res).desk, "police-nonemergency");

    let res = router
        .resolve(&call("noise.complaint", monday(), "en").fact("noise_source", "construction"))
        .unwrap();
    assert_eq!(routed(&res).desk, "code-intake");
}

#[test]
fn construction_noise_on_a_saturday_waits_for_monday() {
    let res = router()
        .resolve(&call("noise.complaint", saturday(), "en").fact("noise_source", "construction"))
        .unwrap();
    let a = routed(&res);
    assert_eq!(a.desk, "code-intake");
    match &a.opening {
        Opening::OpensLater { opens, .. } => assert_eq!(*opens, local("2026-11-30T08:00")),
        other => panic!("expected opens later, got {other:?}"),
    }
}

#[test]
fn bulky_items_by_count_and_language() {
    let router = router();
    let res = router
        .resolve(&call("bulky_item.pickup", monday(), "en"))
        .unwrap();
    assert_eq!(questions(&res), ["item_count"]);

    let bulky = |n: i64, lang: &str, at: NaiveDateTime| {
        router
            .resolve(&call("bulky_item.pickup", at, lang).fact("item_count", n))
            .unwrap()
    };
    assert_eq!(routed(&bulky(3, "en", monday())).desk, "311-en");
    assert_eq!(routed(&bulky(3, "es", monday())).desk, "311-es");
    assert_eq!(
        routed(&bulky(12, "en", monday())).desk,
        "sanitation-special"
    );

    // The Chinese line works Tuesday and Thursday mornings only: a weekend gap.
    let res = bulky(3, "zh", saturday());
    let a = routed(&res);
    assert_eq!(a.desk, "311-zh");
    match &a.opening {
        Opening::OpensLater { opens, .. } => assert_eq!(*opens, local("2026-12-01T09:00")),
        other => panic!("expected opens later, got {other:?}"),
    }
}

#[test]
fn spanish_line_closed_sends_callers_to_the_city_hall_counter() {
    let router = router();
    router
        .update_status([StatusUpdate::Close {
            desk: "311-es".into(),
            until: None,
            reason: Some("agent out sick".into()),
        }])
        .unwrap();
    let res = router
        .resolve(&call("bulky_item.pickup", monday(), "es").fact("item_count", 2))
        .unwrap();
    let a = routed(&res);
    assert_eq!(a.desk, "city-hall-counter");
    assert!(a.bring.iter().any(|b| b == "photo_id"));
    assert!(a.bring.iter().any(|b| b == "service_address"));
}

#[test]
fn sidewalks_escalate_up_to_public_works() {
    let res = router()
        .resolve(&call("sidewalk.damage", monday(), "en"))
        .unwrap();
    let Outcome::Escalated { to, gap } = &res.outcome else {
        panic!("expected an escalation, got {:?}", res.outcome);
    };
    // Street Maintenance has no duty desk; its parent, Public Works, has one.
    assert_eq!(to.desk, "dpw-dispatch");
    assert_eq!(gap.owner.as_deref(), Some("streets"));
    assert_eq!(gap.capability.as_deref(), Some("sidewalk.repair"));
}

#[test]
fn gaps_are_reported_not_papered_over() {
    let router = router();
    let res = router
        .resolve(&call("tree.private_property", monday(), "en"))
        .unwrap();
    let Outcome::NoDesk { gap } = &res.outcome else {
        panic!("expected no desk, got {:?}", res.outcome);
    };
    assert_eq!(gap.rule.as_deref(), Some("private-tree"));
    assert_eq!(
        gap.capability.as_deref(),
        Some("tree.private_property_inspection")
    );

    // A need no rule covers (marriage licences are the county's business).
    let res = router
        .resolve(&call("marriage.license", monday(), "en"))
        .unwrap();
    let Outcome::NoDesk { gap } = &res.outcome else {
        panic!("expected no desk, got {:?}", res.outcome);
    };
    assert_eq!(gap.rule, None);
}

#[test]
fn parking_permits_match_by_prefix() {
    let res = router()
        .resolve(&call("parking_permit.visitor", monday(), "en"))
        .unwrap();
    assert_eq!(routed(&res).desk, "city-hall-counter");
}

#[test]
fn status_files_load_as_data() {
    // The same closure as above, as it would arrive from a status feed.
    let updates: Vec<StatusUpdate> = load::parse(
        r#"
- { action: close, desk: 311-es, reason: "agent out sick", until: "2026-11-30T17:00" }
- { action: set_wait, desk: 311-en, minutes: 25 }
"#,
        load::Format::Yaml,
        None,
    )
    .unwrap();
    assert_eq!(updates.len(), 2);
    assert!(matches!(
        &updates[0],
        StatusUpdate::Close { until: Some(RequestTime::Local(t)), .. } if *t == local("2026-11-30T17:00")
    ));
    let router = router();
    router.update_status(updates).unwrap();
    // English line now 25 minutes: the City Hall counter (20) is quicker.
    let res = router
        .resolve(&call("bulky_item.pickup", monday(), "en").fact("item_count", 1))
        .unwrap();
    assert_eq!(routed(&res).desk, "city-hall-counter");
}
