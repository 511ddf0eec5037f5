//! Property tests: on generated small organizations, rules, live status and requests, the
//! indexed router gives exactly the reference resolver's answer, `explain` agrees with
//! `resolve`, answers are deterministic, and a routed desk has the capability, meets the
//! constraints and is the cheapest open candidate.
//!
//! The default run is modest (512 cases); the 100k-case run is
//! `cargo test --release --test properties -- --ignored` (about a minute and a half).

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::sample::Index;

use rightdesk::explain::CandidateVerdict;
use rightdesk::model::{DeskSpec, SiteSpec, TravelSpec, UnitSpec};
use rightdesk::resolve::{Opening, reference};
use rightdesk::rules::{
    Condition, DeskConstraintsSpec, FactSpec, FactType, Op, RuleSpec, ThenSpec, Value, ValueRef,
};
use rightdesk::{
    Org, OrgSpec, Outcome, Request, RequestTime, Resolution, Router, RuleSet, RuleSetSpec,
    StatusUpdate,
};

const HOURS: [Option<&str>; 8] = [
    None,
    Some("Mo-Fr 08:00-17:00"),
    Some("Mo-Sa 10:00-14:00"),
    Some("Tu,Th 09:00-12:00"),
    Some("Mo-Fr 07:00-19:00; Sa 09:00-12:00"),
    Some("Su 01:00-03:00"),
    Some("Mo-Su 22:00-02:00"),
    Some("Mo-Fr 08:00-16:30"),
];
const TIMES: [&str; 11] = [
    "2026-11-30T09:15",
    "2026-11-30T16:45",
    "2026-11-30T06:30",
    "2026-12-05T11:00",
    "2026-12-06T20:00",
    "2026-03-08T01:30",
    "2026-03-08T02:30",
    "2026-11-01T01:30",
    "2026-11-01T09:30:00Z",
    "2026-11-30T23:30",
    "2026-12-01T10:00:00-08:00",
];
const CAPS: [&str; 5] = ["c0", "c1", "c2", "c3", "c4"]; // c4: offered by no desk
const NEEDS: [&str; 5] = ["n0", "n1", "n2", "n3", "zz"];
const KINDS: [&str; 3] = ["a", "b", "c"];
const LANGS: [&str; 3] = ["en", "es", "fr"];
const NUMS: [f64; 5] = [0.0, 5.0, 17.0, 18.0, 40.0];

fn site(i: usize) -> String {
    format!("s{i}")
}
fn unit(i: usize) -> String {
    format!("u{i}")
}
fn desk(i: usize) -> String {
    // Not in index order, so id ties are not index ties.
    format!("d{}", (i * 7) % 11 + 11 * (i / 11))
}

type DeskGene = (usize, usize, u8, u32, u8, usize, u32);

fn org_spec() -> impl Strategy<Value = OrgSpec> {
    org_spec_with(1..=4, 1..=10)
}

/// Organizations where a capability has more desks than a request without a site reads
/// first in wait order (32), and most of the shortest-wait desks are rarely open, so the
/// router's by-schedule path runs too.
fn big_org_spec() -> impl Strategy<Value = OrgSpec> {
    org_spec_with(1..=4, 40..=90).prop_map(|mut org| {
        for (i, d) in org.desks.iter_mut().enumerate() {
            if i % 4 != 0 {
                d.hours = Some("Su 01:00-03:00".into());
                d.wait_minutes = 0;
            }
        }
        org
    })
}

/// Organizations where the first capability is offered at more than 32 sites, so the
/// router keeps per-site summaries of its desks and skips the groups they rule out.
fn wide_org_spec() -> impl Strategy<Value = OrgSpec> {
    org_spec_with(36..=40, 120..=160).prop_map(|mut org| {
        let n = org.sites.len();
        for (i, d) in org.desks.iter_mut().enumerate() {
            if i < n {
                d.site = site(i);
            }
            if !d.capabilities.iter().any(|c| c == CAPS[0]) {
                d.capabilities.push(CAPS[0].to_owned());
            }
        }
        org
    })
}

fn org_spec_with(
    sites: std::ops::RangeInclusive<usize>,
    desks: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = OrgSpec> {
    (sites, 1usize..=5, desks, any::<bool>())
        .prop_flat_map(|(ns, nu, nd, la)| {
            (
                Just((ns, nu, nd, la)),
                prop::collection::vec(
                    (0..ns, 0..ns, prop::sample::select(&[0u32, 5, 5, 10][..])),
                    0..=ns * ns,
                ),
                prop::collection::vec((any::<Option<Index>>(), prop::option::of(0..nd)), nu),
                prop::collection::vec(
                    (
                        0..ns,
                        0..nu,
                        0u8..16,
                        0u32..5,
                        0u8..4,
                        0..HOURS.len(),
                        prop::sample::select(&[0u32, 0, 5, 10][..]),
                    ),
                    nd,
                ),
            )
        })
        .prop_map(|((ns, _nu, _nd, la), travel, units, desks)| {
            let mut seen = BTreeSet::new();
            let travel = travel
                .into_iter()
                .filter(|&(a, b, _)| a != b && seen.insert((a, b)))
                .map(|(a, b, m)| TravelSpec {
                    from: site(a),
                    to: site(b),
                    minutes: m,
                })
                .collect();
            OrgSpec {
                name: None,
                timezone: Some(if la { "America/Los_Angeles" } else { "UTC" }.into()),
                holidays: None,
                sites: (0..ns)
                    .map(|i| SiteSpec {
                        id: site(i),
                        name: None,
                        address: None,
                    })
                    .collect(),
                travel,
                units: units
                    .iter()
                    .enumerate()
                    .map(|(i, (parent, duty))| UnitSpec {
                        id: unit(i),
                        name: None,
                        parent: parent.filter(|_| i > 0).map(|p| unit(p.index(i))),
                        duty_desk: duty.map(desk),
                    })
                    .collect(),
                desks: desks
                    .iter()
                    .enumerate()
                    .map(|(i, g): (usize, &DeskGene)| DeskSpec {
                        id: desk(i),
                        name: None,
                        unit: unit(g.1),
                        site: site(g.0),
                        capabilities: (0..4)
                            .filter(|b| g.2 & (1 << b) != 0)
                            .map(|b| CAPS[b].to_owned())
                            .collect(),
                        authority: g.3,
                        languages: (0..2)
                            .filter(|b| g.4 & (1 << b) != 0)
                            .map(|b| LANGS[b].to_owned())
                            .collect(),
                        hours: HOURS[g.5].map(str::to_owned),
                        wait_minutes: g.6,
                        requires: if g.6 % 3 == 0 {
                            vec!["photo_id".into()]
                        } else {
                            vec![]
                        },
                        refers: Default::default(),
                    })
                    .collect(),
            }
        })
}

fn test(fact: &str, op: Op) -> Condition {
    Condition::Test {
        fact: fact.to_owned(),
        op,
    }
}

fn leaf() -> impl Strategy<Value = Condition> {
    let text = |xs: &'static [&'static str]| prop::sample::select(xs).prop_map(Value::from);
    prop_oneof![
        3 => text(&NEEDS).prop_map(|v| test("need", Op::Eq(v))),
        1 => prop::collection::vec(text(&NEEDS), 1..3).prop_map(|v| test("need", Op::In(v))),
        1 => Just(test("need", Op::Prefix("n".into()))),
        2 => text(&KINDS).prop_map(|v| test("kind", Op::Eq(v))),
        1 => text(&KINDS).prop_map(|v| test("kind", Op::Ne(v))),
        1 => prop::collection::vec(text(&KINDS), 1..3).prop_map(|v| test("kind", Op::In(v))),
        1 => prop::collection::vec(text(&KINDS), 1..3).prop_map(|v| test("kind", Op::NotIn(v))),
        1 => prop::sample::select(&NUMS[..]).prop_map(|n| test("age", Op::Lt(n))),
        1 => prop::sample::select(&NUMS[..]).prop_map(|n| test("age", Op::Gte(n))),
        1 => prop::sample::select(&NUMS[..]).prop_map(|n| test("age", Op::Eq(Value::Number(n)))),
        1 => any::<bool>().prop_map(|b| test("flag", Op::Eq(Value::Bool(b)))),
        1 => (prop::sample::select(&["kind", "age", "flag", "language", "site", "pref"][..]), any::<bool>())
            .prop_map(|(f, b)| test(f, Op::Exists(b))),
        1 => text(&LANGS).prop_map(|v| test("language", Op::Eq(v))),
        1 => (0usize..4).prop_map(|i| test("site", Op::Eq(Value::Text(site(i))))),
        1 => (0usize..5).prop_map(|i| test("unit", Op::Eq(Value::Text(unit(i))))),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Condition::All),
            prop::collection::vec(inner.clone(), 0..3).prop_map(Condition::Any),
            inner.prop_map(|c| Condition::Not(Box::new(c))),
        ]
    })
}

type RuleGene = (
    i32,
    Option<Condition>,
    usize,
    Option<u32>,
    Option<usize>,
    Option<usize>,
    u8,
    u8,
    Option<usize>,
    bool,
);

fn rule_genes() -> impl Strategy<Value = Vec<RuleGene>> {
    prop::collection::vec(
        (
            -1i32..3,
            prop::option::weighted(0.75, condition()),
            0..CAPS.len(),
            prop::option::weighted(0.3, 0u32..4),
            prop::option::weighted(0.3, 0usize..5),
            prop::option::weighted(0.2, 0usize..4),
            0u8..8,
            0u8..6,
            prop::option::weighted(0.5, 0usize..5),
            any::<bool>(),
        ),
        0..7,
    )
}

fn rules_spec(org: &OrgSpec, genes: &[RuleGene]) -> RuleSetSpec {
    let (ns, nu) = (org.sites.len(), org.units.len());
    let facts = vec![
        FactSpec {
            id: "kind".into(),
            kind: FactType::String,
            values: KINDS.iter().map(|&k| Value::from(k)).collect(),
            min: None,
            max: None,
            question: Some("Which kind?".into()),
        },
        FactSpec {
            id: "age".into(),
            kind: FactType::Number,
            values: vec![],
            min: Some(0.0),
            max: Some(150.0),
            question: None,
        },
        FactSpec {
            id: "flag".into(),
            kind: FactType::Bool,
            values: vec![],
            min: None,
            max: None,
            question: Some("Flag?".into()),
        },
        FactSpec {
            id: "pref".into(),
            kind: FactType::String,
            values: vec![],
            min: None,
            max: None,
            question: Some("Preferred language?".into()),
        },
    ];
    let rules = genes
        .iter()
        .enumerate()
        .map(|(i, g)| RuleSpec {
            id: format!("r{i}"),
            description: (i % 2 == 0).then(|| format!("rule {i}")),
            priority: g.0,
            when: g.1.clone(),
            then: ThenSpec {
                capability: CAPS[g.2].into(),
                authority: g.3,
                unit: g.4.map(|u| unit(u % nu)),
                site: g.5.map(|s| site(s % ns)),
                desk: DeskConstraintsSpec {
                    language: match g.6 {
                        0 => Some(ValueRef::Literal("en".into())),
                        1 => Some(ValueRef::Fact {
                            fact: "language".into(),
                        }),
                        2 => Some(ValueRef::Fact {
                            fact: "pref".into(),
                        }),
                        _ => None,
                    },
                    site: match g.7 {
                        0 => Some(ValueRef::Fact {
                            fact: "site".into(),
                        }),
                        1 => Some(ValueRef::Literal(site(0))),
                        _ => None,
                    },
                },
                owner: g.8.map(|u| unit(u % nu)),
                bring: if g.9 {
                    vec!["case_number".into()]
                } else {
                    vec![]
                },
            },
        })
        .collect();
    RuleSetSpec { facts, rules }
}

type StatusGene = (u8, usize, usize, Option<usize>, u32, bool);

fn status_genes() -> impl Strategy<Value = Vec<StatusGene>> {
    prop::collection::vec(
        (
            0u8..5,
            0usize..10,
            0..CAPS.len(),
            prop::option::of(0..TIMES.len()),
            prop::sample::select(&[0u32, 5, 10, 20][..]),
            any::<bool>(),
        ),
        0..5,
    )
}

fn status(org: &OrgSpec, genes: &[StatusGene]) -> Vec<StatusUpdate> {
    let nd = org.desks.len();
    genes
        .iter()
        .map(|g| {
            let d = org.desks[g.1 % nd].id.clone();
            match g.0 {
                0 => StatusUpdate::Close {
                    desk: d,
                    until: g.3.map(|t| RequestTime::parse(TIMES[t]).unwrap()),
                    reason: g.5.then(|| "out".into()),
                },
                1 => StatusUpdate::Reopen { desk: d },
                2 => StatusUpdate::AddCapability {
                    desk: d,
                    capability: CAPS[g.2].into(),
                },
                3 => StatusUpdate::RemoveCapability {
                    desk: d,
                    capability: CAPS[g.2].into(),
                },
                _ => StatusUpdate::SetWait {
                    desk: d,
                    minutes: g.4,
                },
            }
        })
        .collect()
}

type RequestGene = (
    usize,
    Option<usize>,
    Option<usize>,
    Option<bool>,
    Option<usize>,
    Option<usize>,
    Option<usize>,
    Option<usize>,
    Option<usize>,
);

fn request_genes() -> impl Strategy<Value = Vec<RequestGene>> {
    prop::collection::vec(
        (
            0..NEEDS.len(),
            prop::option::of(0..KINDS.len()),
            prop::option::of(0..NUMS.len()),
            prop::option::of(any::<bool>()),
            prop::option::of(0..LANGS.len()),
            prop::option::weighted(0.8, 0usize..4),
            prop::option::of(0..LANGS.len()),
            prop::option::weighted(0.8, 0..TIMES.len()),
            prop::option::weighted(0.2, 0usize..5),
        ),
        1..6,
    )
}

fn request(org: &OrgSpec, g: &RequestGene) -> Request {
    let mut r = Request::new(NEEDS[g.0]);
    if let Some(k) = g.1 {
        r = r.fact("kind", KINDS[k]);
    }
    if let Some(n) = g.2 {
        r = r.fact("age", NUMS[n]);
    }
    if let Some(b) = g.3 {
        r = r.fact("flag", b);
    }
    if let Some(p) = g.4 {
        r = r.fact("pref", LANGS[p]);
    }
    if let Some(s) = g.5 {
        r = r.site(site(s % org.sites.len()));
    }
    if let Some(l) = g.6 {
        r = r.language(LANGS[l]);
    }
    if let Some(t) = g.7 {
        r.at = Some(RequestTime::parse(TIMES[t]).unwrap());
    }
    if let Some(u) = g.8 {
        r = r.unit(unit(u % org.units.len()));
    }
    r
}

/// The chosen desk offers the capability now, meets the rule's demands, and no open
/// candidate is cheaper.
fn check_invariants(router: &Router, req: &Request, res: &Resolution, full: &Resolution) {
    let Outcome::Routed(a) = &res.outcome else {
        return;
    };
    let org = router.org();
    let rule = router
        .rules()
        .rule(res.explanation.rule.as_deref().unwrap())
        .unwrap();
    let d = org.desk(&a.desk).unwrap();
    let updates = router.status_updates();
    let mut offers = d.capabilities.contains(&rule.capability);
    for u in &updates {
        match u {
            StatusUpdate::AddCapability { desk, capability }
                if *desk == *d.id && *capability == *rule.capability =>
            {
                offers = true
            }
            StatusUpdate::RemoveCapability { desk, capability }
                if *desk == *d.id && *capability == *rule.capability =>
            {
                offers = false
            }
            _ => {}
        }
    }
    assert!(offers, "{} lacks {}", d.id, rule.capability);
    assert!(d.authority >= rule.authority.unwrap_or(0));
    if let Some(u) = &rule.unit {
        assert!(org.is_within(&d.unit, u));
    }
    if let Some(s) = &rule.site {
        assert_eq!(*s, d.site);
    }
    let value = |v: &Option<ValueRef>| match v {
        Some(ValueRef::Literal(s)) => Some(s.clone()),
        Some(ValueRef::Fact { fact }) => match fact.as_str() {
            "language" => req.language.clone(),
            "site" => req.site.clone(),
            f => req.facts.get(f).map(|v| v.to_string()),
        },
        None => None,
    };
    if let Some(l) = value(&rule.language) {
        assert!(
            d.languages.iter().any(|x| *x == *l),
            "{} does not speak {l}",
            d.id
        );
    }
    if let Some(s) = value(&rule.desk_site) {
        assert_eq!(*d.site, *s);
    }
    if let Some(o) = &req.site {
        assert_eq!(a.travel_minutes, org.travel_minutes(o, &d.site));
    }
    // Cheapest open candidate: every other open candidate costs more, or the same with a
    // larger id.
    let open_chosen = matches!(a.opening, Opening::Open { .. } | Opening::Unknown);
    let chosen = full
        .explanation
        .candidates
        .iter()
        .filter(|c| c.verdict == CandidateVerdict::Chosen)
        .count();
    assert_eq!(chosen, 1);
    for c in &full.explanation.candidates {
        match &c.verdict {
            CandidateVerdict::HigherCost { cost, best } => {
                assert!(open_chosen);
                assert_eq!(*best, a.cost_minutes);
                assert!((*cost, c.desk.as_str()) > (a.cost_minutes, a.desk.as_str()));
            }
            CandidateVerdict::ServesLater { .. } => assert!(!open_chosen),
            _ => {}
        }
    }
}

fn run_case(
    org_spec: OrgSpec,
    rule_genes: Vec<RuleGene>,
    status_genes: Vec<StatusGene>,
    request_genes: Vec<RequestGene>,
) {
    let rules_spec = rules_spec(&org_spec, &rule_genes);
    let status = status(&org_spec, &status_genes);
    let org = Org::from_spec(org_spec.clone()).expect("generated org is valid");
    let rules = RuleSet::from_spec(rules_spec.clone(), &org).expect("generated rules are valid");
    let router = Router::new(org, rules);
    let twin = Router::new(
        Org::from_spec(org_spec.clone()).unwrap(),
        RuleSet::from_spec(rules_spec, &Org::from_spec(org_spec.clone()).unwrap()).unwrap(),
    );
    // Apply status in two batches to exercise composition.
    let (first, second) = status.split_at(status.len() / 2);
    router.update_status(first.to_vec()).unwrap();
    router.update_status(second.to_vec()).unwrap();
    twin.update_status(status.clone()).unwrap();
    assert_eq!(router.status_updates(), twin.status_updates());
    let canonical = router.status_updates();
    for g in &request_genes {
        let req = request(&org_spec, g);
        let res = router.resolve(&req).unwrap();
        // Router == reference, with the raw updates and with the canonical list.
        let slow = reference::resolve(router.org(), router.rules(), &status, &req).unwrap();
        assert_eq!(res, slow, "router vs reference on {req:?}");
        let slow = reference::resolve(router.org(), router.rules(), &canonical, &req).unwrap();
        assert_eq!(
            res, slow,
            "router vs reference (canonical status) on {req:?}"
        );
        // Deterministic, and the same from an identically built router.
        assert_eq!(router.resolve(&req).unwrap(), res);
        assert_eq!(twin.resolve(&req).unwrap(), res);
        // The borrowed answer: the same desk, the same owned answer, the same JSON, and
        // equal to the twin's view.
        let view = router.resolve_ref(&req).unwrap();
        assert_eq!(view.outcome.desk().map(|d| &d.id), res.outcome.desk());
        assert_eq!(view.outcome.kind(), res.outcome.kind());
        assert_eq!(view.to_resolution(), res);
        assert_eq!(
            serde_json::to_value(&view).unwrap(),
            serde_json::to_value(&res).unwrap()
        );
        assert_eq!(twin.resolve_ref(&req).unwrap(), view);
        // explain agrees.
        let full = router.explain(&req).unwrap();
        assert_eq!(full.outcome, res.outcome, "explain vs resolve on {req:?}");
        check_invariants(&router, &req, &res, &full);
        // Display never panics.
        let _ = full.to_string();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn router_matches_reference(
        org in org_spec(),
        rules in rule_genes(),
        status in status_genes(),
        requests in request_genes(),
    ) {
        run_case(org, rules, status, requests);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn router_matches_reference_many_desks(
        org in big_org_spec(),
        rules in rule_genes(),
        status in status_genes(),
        requests in request_genes().prop_map(|mut rs| {
            // Mostly without a site: every desk is reached at once.
            for r in rs.iter_mut().step_by(4) {
                r.5 = None;
            }
            rs
        }),
    ) {
        run_case(org, rules, status, requests);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn router_matches_reference_many_sites(
        org in wide_org_spec(),
        rules in rule_genes(),
        status in status_genes(),
        requests in request_genes(),
    ) {
        run_case(org, rules, status, requests);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100_000, ..ProptestConfig::default() })]

    #[test]
    #[ignore = "long: 100k generated cases"]
    fn router_matches_reference_100k(
        org in org_spec(),
        rules in rule_genes(),
        status in status_genes(),
        requests in request_genes(),
    ) {
        run_case(org, rules, status, requests);
    }
}
