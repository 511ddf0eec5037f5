//! The examples' data files, re-written in each of YAML, JSON and TOML, load to the same
//! model with the same warnings.

use rightdesk::load::{self, Format};
use rightdesk::{OrgSpec, RuleSetSpec};

const EXAMPLES: [(&str, &str); 2] = [
    ("police_station/org.yaml", "police_station/rules.yaml"),
    ("city311/org.toml", "city311/rules.yaml"),
];

fn path(rel: &str) -> String {
    format!("{}/examples/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn write(spec: &impl serde::Serialize, format: Format) -> String {
    match format {
        Format::Yaml => serde_saphyr::to_string(spec).unwrap(),
        Format::Json => serde_json::to_string_pretty(spec).unwrap(),
        Format::Toml => toml::to_string(spec).unwrap(),
    }
}

#[test]
fn every_format_loads_the_same_model() {
    for (org_file, rules_file) in EXAMPLES {
        let org = load::org_from_path(path(org_file)).unwrap();
        let rules = load::rules_from_path(path(rules_file), &org).unwrap();
        for format in [Format::Yaml, Format::Json, Format::Toml] {
            let org_text = write(&org.to_spec(), format);
            let org2 = load::org_from_str(&org_text, format, None)
                .unwrap_or_else(|e| panic!("{org_file} as {format:?}: {e}\n{org_text}"));
            assert_eq!(org2.to_spec(), org.to_spec(), "{org_file} as {format:?}");
            assert_eq!(org2.desks().len(), org.desks().len());

            let rules_text = write(&rules.to_spec(), format);
            let rules2 = load::rules_from_str(&rules_text, format, None, &org2)
                .unwrap_or_else(|e| panic!("{rules_file} as {format:?}: {e}\n{rules_text}"));
            assert_eq!(
                rules2.to_spec(),
                rules.to_spec(),
                "{rules_file} as {format:?}"
            );
            assert_eq!(rules2.warnings().len(), rules.warnings().len());

            // And back to the spec type directly.
            let _: OrgSpec = load::parse(&org_text, format, None).unwrap();
            let _: RuleSetSpec = load::parse(&rules_text, format, None).unwrap();
        }
    }
}
