//! Arbitrary bytes as a rules file (conditions included) against the police example's
//! organization, in each format: never a panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use rightdesk::load::{self, Limits};
use rightdesk::{Format, Org, Request, Router};

static ORG: LazyLock<Org> = LazyLock::new(|| {
    load::org_from_str(
        include_str!("../../examples/police_station/org.yaml"),
        Format::Yaml,
        None,
    )
    .expect("the example organization loads")
});

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Ok(text) = load::decode(data, None) else {
        return;
    };
    for format in [Format::Yaml, Format::Json, Format::Toml] {
        if let Ok(rules) = load::rules_from_str_with_limits(text, format, None, &ORG, &limits) {
            // Accepted rules compile and answer.
            let router = Router::new(ORG.clone(), rules);
            let _ = router.resolve(&Request::new("accident_report.copy"));
        }
    }
});
