//! The runaround, replayed from data — and resolved in one step.
//!
//! A man needs a copy of an accident report. Today the police send him from the HQ front desk
//! to an auxiliary station, to the wrong Traffic building, to the real one, and back to Records
//! at HQ: four hours. This example loads `police_station/org.yaml` and `rules.yaml`, traces
//! that path, then asks rightdesk, and shows a clarifying question, a live closure and an
//! escalation.
//!
//! ```sh
//! cargo run --example police_station
//! ```

use std::error::Error;

use chrono::NaiveDateTime;
use rightdesk::{Org, Request, RequestTime, Router, RuleSet, StatusUpdate, load};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/police_station");
const NEED: &str = "accident_report.copy";

fn main() -> Result<(), Box<dyn Error>> {
    let org = load::org_from_path(format!("{DIR}/org.yaml"))?;
    let rules = load::rules_from_path(format!("{DIR}/rules.yaml"), &org)?;
    println!(
        "{}: {} desks at {} sites, {} units; {} rules.",
        org.name().unwrap_or("organization"),
        org.desks().len(),
        org.sites().len(),
        org.units().len(),
        rules.rules().len()
    );
    for w in rules.warnings() {
        println!("  note (intended, see part 5): {}", w.message);
    }
    let router = Router::new(org, rules);

    // Monday 30 November 2026, in the department's time zone (America/Los_Angeles).
    let nine = local("2026-11-30T09:00")?;
    let nine_fifteen = local("2026-11-30T09:15")?;

    heading("1. Today: follow the referrals from the HQ front desk");
    let trace = router.trace_referrals("hq-front-desk", NEED, Some(RequestTime::Local(nine)))?;
    println!("{trace}");
    if let Some(start) = trace.stops.first().and_then(|s| s.arrival) {
        let done = start + chrono::Duration::minutes(i64::from(trace.total_minutes));
        println!(
            "=> In at {}, out with the report at {}: {} and {} buildings for one photocopy.",
            start.format("%H:%M"),
            done.format("%H:%M"),
            hours(trace.total_minutes),
            trace.sites_visited.len()
        );
    }

    heading("2. With rightdesk: the same request, one step");
    let request = Request::new(NEED)
        .fact("requester", "public")
        .fact("involved_party", true)
        .fact("case_number_known", true)
        .site("hq")
        .at_local(nine_fifteen);
    println!("Request: {}\n", describe(&request));
    let answer = router.explain(&request)?;
    println!("{answer}");

    heading("3. Not enough facts to decide: ask, do not guess");
    let vague = Request::new(NEED).site("hq").at_local(nine_fifteen);
    println!("Request: {}\n", describe(&vague));
    println!("{}", router.resolve(&vague)?);

    heading("4. Live status: the Records counter closes for the morning");
    let closure = StatusUpdate::Close {
        desk: "records-counter".into(),
        until: Some(RequestTime::Local(local("2026-11-30T13:00")?)),
        reason: Some("counter staff at mandatory training".into()),
    };
    println!("Status update: {}\n", serde_json::to_string(&closure)?);
    router.update_status([closure])?;
    println!("Request: {}\n", describe(&request));
    println!("{}", router.explain(&request)?);
    router.update_status([StatusUpdate::Reopen {
        desk: "records-counter".into(),
    }])?;

    heading("5. Nobody takes it: escalation up the chain of command");
    let amend = Request::new("accident_report.amend")
        .site("hq")
        .at_local(nine_fifteen);
    println!("Request: {}\n", describe(&amend));
    println!("{}", router.resolve(&amend)?);

    heading("6. The fix: refer people where rightdesk sends them");
    let best = router
        .resolve(&request)?
        .outcome
        .desk()
        .map(|d| d.to_string())
        .ok_or("the story's request has no desk")?;
    let fixed = with_referrals_to(&router, NEED, &best)?;
    let trace = fixed.trace_referrals("hq-front-desk", NEED, Some(RequestTime::Local(nine)))?;
    println!("Every `refers: {{{NEED}: ...}}` now points to `{best}`.\n");
    println!("{trace}");
    Ok(())
}

/// The same organization, with every referral for `need` sent to `desk`.
fn with_referrals_to(router: &Router, need: &str, desk: &str) -> Result<Router, Box<dyn Error>> {
    let mut spec = router.org().to_spec();
    for d in &mut spec.desks {
        if let Some(to) = d.refers.get_mut(need) {
            *to = desk.to_owned();
        }
    }
    let org = Org::from_spec(spec)?;
    let rules = RuleSet::from_spec(router.rules().to_spec(), &org)?;
    Ok(Router::new(org, rules))
}

fn local(s: &str) -> Result<NaiveDateTime, chrono::ParseError> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
}

fn heading(title: &str) {
    println!("\n{title}\n{}", "-".repeat(title.chars().count()));
}

/// `4 h 00 min` style durations for the story.
fn hours(minutes: u32) -> String {
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

/// One line for a person: the need, the facts, where and when.
fn describe(req: &Request) -> String {
    let mut parts = vec![format!("need `{}`", req.need)];
    for (k, v) in &req.facts {
        parts.push(format!("{k} = {v}"));
    }
    if let Some(s) = &req.site {
        parts.push(format!("at site `{s}`"));
    }
    if let Some(l) = &req.language {
        parts.push(format!("language {l}"));
    }
    if let Some(t) = &req.at {
        parts.push(format!("time {t}"));
    }
    parts.join(", ")
}
