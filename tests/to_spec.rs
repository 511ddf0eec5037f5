//! `Org::to_spec` and `RuleSet::to_spec` rebuild an equivalent spec from the model: built
//! again, it gives the same model and the same spec.

use rightdesk::synth::{self, OrgShape, RuleShape};
use rightdesk::{Org, RuleSet, load};

const EXAMPLES: [(&str, &str); 2] = [
    ("police_station/org.yaml", "police_station/rules.yaml"),
    ("city311/org.toml", "city311/rules.yaml"),
];

fn path(rel: &str) -> String {
    format!("{}/examples/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// The model, compared field by field through what the public API shows.
fn same_model(a: &Org, b: &Org) {
    assert_eq!(a.name(), b.name());
    assert_eq!(a.timezone(), b.timezone());
    assert_eq!(a.holidays(), b.holidays());
    assert_eq!(format!("{:?}", a.sites()), format!("{:?}", b.sites()));
    assert_eq!(format!("{:?}", a.units()), format!("{:?}", b.units()));
    assert_eq!(a.desks().len(), b.desks().len());
    for (x, y) in a.desks().iter().zip(b.desks()) {
        assert_eq!(format!("{x:?}"), format!("{y:?}"));
    }
    for s in a.sites() {
        for t in a.sites() {
            assert_eq!(
                a.travel_minutes(&s.id, &t.id),
                b.travel_minutes(&s.id, &t.id)
            );
        }
    }
}

fn round_trip(org: &Org, rules: &RuleSet) {
    let spec = org.to_spec();
    let org2 = Org::from_spec(spec.clone()).unwrap();
    assert_eq!(org2.to_spec(), spec);
    same_model(org, &org2);
    let rules_spec = rules.to_spec();
    let rules2 = RuleSet::from_spec(rules_spec.clone(), &org2).unwrap();
    assert_eq!(rules2.to_spec(), rules_spec);
    assert_eq!(rules2.rules(), rules.rules());
    assert_eq!(rules2.facts(), rules.facts());
}

#[test]
fn examples_round_trip() {
    for (org_file, rules_file) in EXAMPLES {
        let org = load::org_from_path(path(org_file)).unwrap();
        let rules = load::rules_from_path(path(rules_file), &org).unwrap();
        round_trip(&org, &rules);
    }
}

#[test]
fn synth_orgs_round_trip() {
    for (desks, rules, seed) in [(300, 40, 1), (2_000, 200, 2), (5_000, 500, 3)] {
        let org_spec = synth::org(&OrgShape::new(desks).seed(seed));
        let rules_spec = synth::rules(&org_spec, &RuleShape::new(rules).seed(seed));
        let org = Org::from_spec(org_spec.clone()).unwrap();
        let rules = RuleSet::from_spec(rules_spec.clone(), &org).unwrap();
        round_trip(&org, &rules);
        // The generator writes specs in the shape `to_spec` gives back.
        assert_eq!(org.to_spec().desks, org_spec.desks);
        assert_eq!(org.to_spec().units, org_spec.units);
        assert_eq!(org.to_spec().sites, org_spec.sites);
        // ... except that an owner equal to the unit scope is left out.
        let mut expected = rules_spec;
        for r in &mut expected.rules {
            if r.then.owner == r.then.unit {
                r.then.owner = None;
            }
        }
        assert_eq!(rules.to_spec(), expected);
    }
}

#[test]
fn a_spec_written_differently_gives_the_canonical_one() {
    let org = load::org_from_str(
        r#"
timezone: UTC
sites: [{id: a, name: a}, {id: b}, {id: c}]
travel:
  - {from: b, to: a, minutes: 5}
  - {from: a, to: c, minutes: 7}
  - {from: c, to: a, minutes: 9}
units: [{id: u}]
desks:
  - {id: d, unit: u, site: a, hours: " 24/7 ", capabilities: [x, x]}
  - {id: e, unit: u, site: b, hours: " Mo-Fr 08:00-12:00 "}
"#,
        load::Format::Yaml,
        None,
    )
    .unwrap();
    let spec = org.to_spec();
    assert_eq!(spec.timezone, None);
    assert_eq!(spec.sites[0].name, None);
    let travel: Vec<_> = spec
        .travel
        .iter()
        .map(|t| (t.from.as_str(), t.to.as_str(), t.minutes))
        .collect();
    assert_eq!(travel, [("a", "b", 5), ("a", "c", 7), ("c", "a", 9)]);
    assert_eq!(spec.desks[0].hours, None);
    assert_eq!(spec.desks[0].capabilities, ["x"]);
    assert_eq!(spec.desks[1].hours.as_deref(), Some("Mo-Fr 08:00-12:00"));
    let org2 = Org::from_spec(spec.clone()).unwrap();
    assert_eq!(org2.to_spec(), spec);
    same_model(&org, &org2);
}
