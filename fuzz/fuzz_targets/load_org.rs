//! Arbitrary bytes as an organization file, in each format: never a panic; an accepted
//! organization is self-consistent; JSON read through the borrowed view gives the same
//! organization as JSON read into an `OrgSpec` (and the same verdict).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rightdesk::{Format, Org, OrgSpec};
use rightdesk::load::{self, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Ok(text) = load::decode(data, None) else {
        return;
    };
    for format in [Format::Yaml, Format::Json, Format::Toml] {
        let loaded = load::org_from_str_with_limits(text, format, None, &limits);
        if let Ok(org) = &loaded {
            for desk in org.desks() {
                assert!(org.unit(&desk.unit).is_some());
                assert!(org.site(&desk.site).is_some());
            }
        }
        if format == Format::Json {
            let via_spec = load::parse_with_limits::<OrgSpec>(text, format, None, &limits)
                .ok()
                .and_then(|spec| Org::from_spec(spec).ok());
            match (&loaded, &via_spec) {
                (Ok(a), Some(b)) => assert_eq!(a.to_spec(), b.to_spec()),
                (Err(_), None) => {}
                _ => panic!("borrowed JSON path and OrgSpec path disagree on {text:?}"),
            }
        }
    }
});
