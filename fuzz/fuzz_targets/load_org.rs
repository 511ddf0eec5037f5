//! Arbitrary bytes as an organization file, in each format: never a panic; an accepted
//! organization is self-consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rightdesk::Format;
use rightdesk::load::{self, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Ok(text) = load::decode(data, None) else {
        return;
    };
    for format in [Format::Yaml, Format::Json, Format::Toml] {
        if let Ok(org) = load::org_from_str_with_limits(text, format, None, &limits) {
            for desk in org.desks() {
                assert!(org.unit(&desk.unit).is_some());
                assert!(org.site(&desk.site).is_some());
            }
        }
    }
});
