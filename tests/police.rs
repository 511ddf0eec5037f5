//! The police station scenario end to end, from the example's data files
//! (`examples/police_station/{org,rules}.yaml`): today's runaround, the one-step resolution,
//! clarifying questions, a live closure, escalation, languages and holidays.

use chrono::NaiveDateTime;
use rightdesk::load;
use rightdesk::resolve::{Assignment, Opening, Outcome, Resolution, TraceEnd};
use rightdesk::{ProblemKind, Request, RequestTime, Router, StatusUpdate};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/police_station");
const NEED: &str = "accident_report.copy";

fn router() -> Router {
    let org = load::org_from_path(format!("{DIR}/org.yaml")).unwrap();
    let rules = load::rules_from_path(format!("{DIR}/rules.yaml"), &org).unwrap();
    Router::new(org, rules)
}

/// Local time in the organization's time zone (America/Los_Angeles).
fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
}

/// Monday 30 November 2026, 09:15: a normal working day.
fn monday() -> NaiveDateTime {
    local("2026-11-30T09:15")
}

/// The man of the story: a member of the public, involved in the accident, with his case
/// number, at the HQ front desk.
fn story_request() -> Request {
    Request::new(NEED)
        .fact("requester", "public")
        .fact("involved_party", true)
        .fact("case_number_known", true)
        .site("hq")
        .at_local(monday())
}

fn routed(res: &Resolution) -> &Assignment {
    match &res.outcome {
        Outcome::Routed(a) => a,
        other => panic!("expected a desk, got {other:?}"),
    }
}

fn bring(a: &Assignment) -> Vec<&str> {
    a.bring.iter().map(|b| b.as_str()).collect()
}

#[test]
fn data_loads_with_only_the_intended_warning() {
    let org = load::org_from_path(format!("{DIR}/org.yaml")).unwrap();
    let rules = load::rules_from_path(format!("{DIR}/rules.yaml"), &org).unwrap();
    assert_eq!(org.timezone().name(), "America/Los_Angeles");
    assert_eq!(org.holidays(), Some("US"));
    // The one warning is intended: nobody takes report corrections, which is what the
    // escalation case shows.
    let warnings: Vec<_> = rules
        .warnings()
        .iter()
        .map(|p| (p.kind, p.id.as_ref().map(|i| i.to_string())))
        .collect();
    assert_eq!(
        warnings,
        vec![(
            ProblemKind::UnservedCapability,
            Some("report-amend".to_string())
        )]
    );
}

#[test]
fn todays_runaround_is_five_stops_four_hours_and_ends_where_it_started() {
    let router = router();
    let at = Some(RequestTime::Local(local("2026-11-30T09:00")));
    let trace = router.trace_referrals("hq-front-desk", NEED, at).unwrap();
    let stops: Vec<&str> = trace.stops.iter().map(|s| s.desk.as_str()).collect();
    assert_eq!(
        stops,
        [
            "hq-front-desk",
            "eastside-front-counter",
            "traffic-sub-lobby",
            "traffic-counter",
            "records-counter",
        ]
    );
    assert_eq!(
        trace.end,
        TraceEnd::Solved {
            desk: "records-counter".into()
        }
    );
    assert!(trace.ends_where_started);
    let sites: Vec<&str> = trace.sites_visited.iter().map(|s| s.as_str()).collect();
    assert_eq!(sites, ["hq", "eastside", "traffic-sub", "traffic-hq"]);
    assert_eq!(trace.travel_minutes, 20 + 30 + 3 + 32);
    assert_eq!(
        trace.total_minutes,
        trace.travel_minutes + trace.wait_minutes
    );
    // About four hours; the exact figure depends on whether the first and last queues count.
    assert!(
        (200..=260).contains(&trace.total_minutes),
        "total {} min",
        trace.total_minutes
    );
    // Only the last desk can solve it.
    let can: Vec<bool> = trace.stops.iter().map(|s| s.can_solve).collect();
    assert_eq!(can, [false, false, false, false, true]);
}

#[test]
fn the_runaround_is_the_same_without_a_time() {
    let trace = router()
        .trace_referrals("hq-front-desk", NEED, None)
        .unwrap();
    assert_eq!(trace.stops.len(), 5);
    assert!(trace.ends_where_started);
    assert!((200..=260).contains(&trace.total_minutes));
}

#[test]
fn one_step_to_records_at_hq_with_what_to_bring() {
    let router = router();
    let res = router.resolve(&story_request()).unwrap();
    let a = routed(&res);
    assert_eq!(a.desk, "records-counter");
    assert_eq!(a.site, "hq");
    assert_eq!(a.travel_minutes, Some(0));
    assert_eq!(a.wait_minutes, 20);
    assert_eq!(a.cost_minutes, 20);
    assert!(bring(a).contains(&"case_number"));
    assert!(bring(a).contains(&"photo_id"));
    assert!(matches!(a.opening, Opening::Open { arrival } if arrival == monday()));
    assert_eq!(
        res.explanation.rule.as_ref().map(|r| r.as_str()),
        Some("involved-party-copy")
    );
    // Deterministic: the same request gives the same answer.
    assert_eq!(router.resolve(&story_request()).unwrap(), res);
}

#[test]
fn explain_lists_the_other_records_windows() {
    let res = router().explain(&story_request()).unwrap();
    assert_eq!(
        res.outcome.desk().map(|d| d.as_str()),
        Some("records-counter")
    );
    let considered: Vec<&str> = res
        .explanation
        .candidates
        .iter()
        .map(|c| c.desk.as_str())
        .collect();
    for d in ["records-counter", "records-westside", "records-eastside"] {
        assert!(considered.contains(&d), "{d} not in {considered:?}");
    }
}

#[test]
fn without_the_deciding_facts_it_asks() {
    let router = router();
    let res = router
        .resolve(&Request::new(NEED).site("hq").at_local(monday()))
        .unwrap();
    let Outcome::NeedsInfo { questions } = &res.outcome else {
        panic!("expected questions, got {:?}", res.outcome);
    };
    let facts: Vec<&str> = questions.iter().map(|q| q.fact.as_str()).collect();
    assert_eq!(facts, ["requester", "involved_party", "case_number_known"]);
    assert!(questions[0].question.starts_with("Who is asking"));
    assert_eq!(questions[0].allowed.len(), 4);

    // Answering the first question narrows the rest.
    let res = router
        .resolve(&Request::new(NEED).fact("requester", "public").site("hq"))
        .unwrap();
    let Outcome::NeedsInfo { questions } = &res.outcome else {
        panic!("expected questions, got {:?}", res.outcome);
    };
    let facts: Vec<&str> = questions.iter().map(|q| q.fact.as_str()).collect();
    assert_eq!(facts, ["involved_party", "case_number_known"]);

    // An officer needs no more questions: the higher-priority rule decides.
    let res = router
        .resolve(&Request::new(NEED).fact("requester", "officer").site("hq"))
        .unwrap();
    assert_eq!(routed(&res).desk, "traffic-counter");
}

#[test]
fn closing_records_by_status_picks_the_next_best_window() {
    let router = router();
    router
        .update_status([StatusUpdate::Close {
            desk: "records-counter".into(),
            until: Some(RequestTime::Local(local("2026-11-30T13:00"))),
            reason: Some("counter staff in training".into()),
        }])
        .unwrap();
    let res = router.resolve(&story_request()).unwrap();
    let a = routed(&res);
    // Eastside's window is open only on Tuesdays and Thursdays; Westside is open.
    assert_eq!(a.desk, "records-westside");
    assert_eq!(a.travel_minutes, Some(25));
    assert_eq!(a.cost_minutes, 25 + 15);
    assert!(matches!(a.opening, Opening::Open { .. }));
    assert!(bring(a).contains(&"case_number"));

    router
        .update_status([StatusUpdate::Reopen {
            desk: "records-counter".into(),
        }])
        .unwrap();
    let res = router.resolve(&story_request()).unwrap();
    assert_eq!(routed(&res).desk, "records-counter");
}

#[test]
fn a_report_correction_escalates_to_the_traffic_duty_sergeant() {
    let router = router();
    let req = Request::new("accident_report.amend")
        .site("hq")
        .at_local(monday());
    let res = router.resolve(&req).unwrap();
    let Outcome::Escalated { to, gap } = &res.outcome else {
        panic!("expected an escalation, got {:?}", res.outcome);
    };
    assert_eq!(to.desk, "traffic-duty-sergeant");
    assert_eq!(to.travel_minutes, Some(32));
    assert_eq!(gap.capability.as_deref(), Some("accident_report.amend"));
    assert_eq!(gap.owner.as_deref(), Some("traffic"));
    assert_eq!(gap.rule.as_deref(), Some("report-amend"));
}

#[test]
fn on_a_saturday_the_escalation_walks_up_to_the_watch_commander() {
    let req = Request::new("accident_report.amend")
        .site("hq")
        .at_local(local("2026-11-28T10:00"));
    let res = router().resolve(&req).unwrap();
    let Outcome::Escalated { to, .. } = &res.outcome else {
        panic!("expected an escalation, got {:?}", res.outcome);
    };
    // The Traffic duty sergeant works weekdays; the department's watch commander is 24/7.
    assert_eq!(to.desk, "hq-watch-commander");
    assert!(matches!(to.opening, Opening::Open { .. }));
}

#[test]
fn spanish_speakers_go_to_the_westside_window() {
    let res = router().resolve(&story_request().language("es")).unwrap();
    assert_eq!(routed(&res).desk, "records-westside");
}

#[test]
fn on_thanksgiving_records_opens_the_next_morning() {
    let req = Request {
        at: Some(RequestTime::Local(local("2026-11-26T10:00"))),
        ..story_request()
    };
    let res = router().resolve(&req).unwrap();
    let a = routed(&res);
    assert_eq!(a.desk, "records-counter");
    match &a.opening {
        Opening::OpensLater { opens, .. } => assert_eq!(*opens, local("2026-11-27T08:00")),
        other => panic!("expected opens later, got {other:?}"),
    }
}

#[test]
fn other_requesters_get_other_desks() {
    let router = router();
    let who = |requester: &str, involved: Option<bool>| {
        let mut req = Request::new(NEED).fact("requester", requester).site("hq");
        if let Some(i) = involved {
            req = req.fact("involved_party", i);
        }
        router
            .resolve(&req)
            .unwrap()
            .outcome
            .desk()
            .map(|d| d.to_string())
    };
    assert_eq!(who("officer", None).as_deref(), Some("traffic-counter"));
    assert_eq!(who("insurer", None).as_deref(), Some("records-mail"));
    assert_eq!(who("lawyer", None).as_deref(), Some("legal-custodian"));
    assert_eq!(who("public", Some(false)).as_deref(), Some("records-mail"));

    // Without the case number, the front desk looks it up first.
    let res = router
        .resolve(
            &Request::new(NEED)
                .fact("requester", "public")
                .fact("involved_party", true)
                .fact("case_number_known", false)
                .site("hq")
                .at_local(monday()),
        )
        .unwrap();
    let a = routed(&res);
    assert_eq!(a.desk, "hq-front-desk");
    assert!(bring(a).contains(&"accident_date"));
}

#[test]
fn after_the_fix_the_front_desk_sends_people_straight_to_records() {
    // The fix the example proposes: every desk that refers this need sends people to the
    // desk rightdesk resolves, instead of to the next building.
    let router = router();
    let best = routed(&router.resolve(&story_request()).unwrap())
        .desk
        .to_string();
    let mut spec = router.org().to_spec();
    for d in &mut spec.desks {
        if let Some(to) = d.refers.get_mut(NEED) {
            *to = best.clone();
        }
    }
    let org = rightdesk::Org::from_spec(spec).unwrap();
    let rules = load::rules_from_path(format!("{DIR}/rules.yaml"), &org).unwrap();
    let fixed = Router::new(org, rules);
    let trace = fixed.trace_referrals("hq-front-desk", NEED, None).unwrap();
    let stops: Vec<&str> = trace.stops.iter().map(|s| s.desk.as_str()).collect();
    assert_eq!(stops, ["hq-front-desk", "records-counter"]);
    assert_eq!(trace.travel_minutes, 0);
    assert!(trace.total_minutes <= 30);
}
