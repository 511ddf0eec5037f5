//! A city 311 line: potholes, noise, bulky items, three languages, weekend gaps, a department
//! escalation and an honest "nobody does this".
//!
//! The organization is written in TOML (`city311/org.toml`), the rules in YAML: both load the
//! same model as the police example's YAML.
//!
//! ```sh
//! cargo run --example city311
//! ```

use std::error::Error;

use chrono::NaiveDateTime;
use rightdesk::{Request, RequestTime, Router, StatusUpdate, load};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/city311");

fn main() -> Result<(), Box<dyn Error>> {
    let org = load::org_from_path(format!("{DIR}/org.toml"))?;
    let rules = load::rules_from_path(format!("{DIR}/rules.yaml"), &org)?;
    println!(
        "{}: {} desks, {} rules.",
        org.name().unwrap_or("organization"),
        org.desks().len(),
        rules.rules().len()
    );
    for w in rules.warnings() {
        println!("  note (intended): {}", w.message);
    }
    let router = Router::new(org, rules);

    // Calls come in by phone: no site, so desks are ranked by their expected wait.
    let monday = local("2026-11-30T10:00")?;
    let saturday = local("2026-11-28T10:00")?;
    let call = |need: &str, at: NaiveDateTime, language: &str| {
        Request::new(need).at_local(at).language(language)
    };

    let cases = [
        (
            "A pothole, nothing else said",
            call("pothole.report", monday, "en"),
        ),
        (
            "A pothole that just burst a tyre, on a Saturday",
            call("pothole.report", saturday, "en").fact("hazard", true),
        ),
        (
            "Construction noise, on a Saturday",
            call("noise.complaint", saturday, "en").fact("noise_source", "construction"),
        ),
        (
            "A loud party next door",
            call("noise.complaint", saturday, "en").fact("noise_source", "residential"),
        ),
        (
            "Twelve pieces of furniture",
            call("bulky_item.pickup", monday, "en").fact("item_count", 12),
        ),
        (
            "Two mattresses, in Chinese, on a Saturday",
            call("bulky_item.pickup", saturday, "zh").fact("item_count", 2),
        ),
        ("A broken sidewalk", call("sidewalk.damage", monday, "en")),
        (
            "A dead tree in a neighbour's garden",
            call("tree.private_property", monday, "en"),
        ),
    ];
    for (title, request) in &cases {
        heading(title);
        println!("{}", router.resolve(request)?);
    }

    heading("A sofa, in Spanish, on Monday — while the Spanish line is down");
    let sofa = call("bulky_item.pickup", monday, "es").fact("item_count", 1);
    println!("Before:\n{}\n", router.resolve(&sofa)?);
    router.update_status([StatusUpdate::Close {
        desk: "311-es".into(),
        until: Some(RequestTime::Local(local("2026-12-01T08:00")?)),
        reason: Some("agent out sick today".into()),
    }])?;
    println!("After closing `311-es`:\n{}", router.explain(&sofa)?);
    Ok(())
}

fn local(s: &str) -> Result<NaiveDateTime, chrono::ParseError> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
}

fn heading(title: &str) {
    println!("\n{title}\n{}", "-".repeat(title.chars().count()));
}
