//! Analysis: each finding on a small organization that has it (tests/data/analyze/*.yaml),
//! nothing on a clean one, the police example's runaround, and the exports.

use std::collections::BTreeMap;
use std::path::Path;

use rightdesk::analyze::{Code, Options, Report, Severity, analyze, analyze_router};
use rightdesk::rules::Value;
use rightdesk::{Org, OrgSpec, Request, RequestTime, Router, RuleSet, RuleSetSpec, load};
use serde::Deserialize;

/// One data-driven case.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    org: OrgSpec,
    rules: RuleSetSpec,
    /// Run only these lints.
    #[serde(default)]
    only: Option<Vec<Code>>,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    week: Option<chrono::NaiveDate>,
    /// Findings that must be there.
    #[serde(default)]
    expect: Vec<Expect>,
    /// Codes that must not be reported.
    #[serde(default)]
    absent: Vec<Code>,
    /// Ids no finding may involve.
    #[serde(default)]
    absent_involving: Vec<String>,
    /// Ids no finding may be about (first id).
    #[serde(default)]
    absent_about: Vec<String>,
    /// No finding at all.
    #[serde(default)]
    clean: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    code: Code,
    #[serde(default)]
    severity: Option<Severity>,
    #[serde(default)]
    involves: Vec<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    fix: Option<String>,
    #[serde(default)]
    example: Option<ExampleReq>,
}

#[derive(Deserialize)]
struct ExampleReq {
    need: String,
    #[serde(default)]
    facts: BTreeMap<String, Value>,
}

fn run(path: &Path) -> Report {
    let text = std::fs::read_to_string(path).unwrap();
    let case: Case = load::parse(&text, load::Format::Yaml, Some(path)).unwrap();
    let org = Org::from_spec(case.org).unwrap();
    let rules = RuleSet::from_spec(case.rules, &org).unwrap();
    let mut opts = Options::new();
    if let Some(at) = &case.at {
        opts = opts.at(at.parse::<RequestTime>().unwrap());
    }
    if let Some(w) = case.week {
        opts = opts.week(w);
    }
    if let Some(only) = case.only {
        opts = opts.only(only);
    }
    let report = analyze_router(&Router::new(org, rules), &opts);
    let name = path.display();
    if std::env::var_os("PRINT_REPORTS").is_some() {
        println!("=== {name}\n{report}\n");
    }
    for e in &case.expect {
        let found = report.findings.iter().any(|f| {
            f.code == e.code
                && e.severity.is_none_or(|s| s == f.severity)
                && e.involves.iter().all(|id| f.involves(id))
                && e.message
                    .as_ref()
                    .is_none_or(|m| f.message.contains(m.as_str()))
                && e.fix.as_ref().is_none_or(|m| f.fix.contains(m.as_str()))
                && e.example.as_ref().is_none_or(|x| {
                    f.example.as_ref().is_some_and(|r: &Request| {
                        r.need == x.need && x.facts.iter().all(|(k, v)| r.facts.get(k) == Some(v))
                    })
                })
        });
        assert!(
            found,
            "{name}: expected a `{}` finding involving {:?} (message ~ {:?}, fix ~ {:?}); got:\n{report}",
            e.code, e.involves, e.message, e.fix
        );
    }
    for c in &case.absent {
        assert!(!report.has(*c), "{name}: unexpected `{c}`:\n{report}");
    }
    for id in &case.absent_involving {
        assert!(
            !report.findings.iter().any(|f| f.involves(id)),
            "{name}: no finding should involve `{id}`:\n{report}"
        );
    }
    for id in &case.absent_about {
        assert!(
            !report.findings.iter().any(|f| f
                .ids
                .first()
                .is_some_and(|s| s.id().as_str() == id.as_str())),
            "{name}: no finding should be about `{id}`:\n{report}"
        );
    }
    if case.clean {
        assert!(
            report.findings.is_empty(),
            "{name}: expected no findings:\n{report}"
        );
    }
    report
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            run(&Path::new("tests/data/analyze").join(concat!(stringify!($name), ".yaml")));
        }
    )*};
}

cases!(
    referral_cycle,
    runaround,
    dead_end,
    coverage_missing,
    coverage_saturday,
    coverage_language,
    coverage_reach,
    authority_gap,
    single_point,
    no_duty_desk,
    ambiguous,
    shadowed,
    unreachable,
    clean,
);

#[test]
fn every_code_has_a_case() {
    let mut seen: Vec<Code> = Vec::new();
    for entry in std::fs::read_dir("tests/data/analyze").unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for c in Code::ALL {
            if text.contains(&format!("code: {c}")) && !seen.contains(&c) {
                seen.push(c);
            }
        }
    }
    let missing: Vec<Code> = Code::ALL
        .into_iter()
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(missing.is_empty(), "no test case for {missing:?}");
}

fn police(options: &Options) -> (Router, Report) {
    let org = load::org_from_path("examples/police_station/org.yaml").unwrap();
    let rules = load::rules_from_path("examples/police_station/rules.yaml", &org).unwrap();
    let router = Router::new(org, rules);
    let report = analyze_router(&router, options);
    (router, report)
}

#[test]
fn report_serializes_and_prints() {
    let org = load::org_from_path("examples/police_station/org.yaml").unwrap();
    let rules = load::rules_from_path("examples/police_station/rules.yaml", &org).unwrap();
    let report = analyze(&org, &rules);
    let json = serde_json::to_string(&report).unwrap();
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
    let text = report.to_string();
    assert!(
        text.lines().last().unwrap().starts_with("summary: "),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["findings"][0]["severity"], "error");
    let code: Code = v["findings"][0]["code"].as_str().unwrap().parse().unwrap();
    assert_eq!(code, report.findings[0].code);
    let _ = Severity::Info;
}

/// Monday 30 November 2026, 09:15, local time: a normal working day.
fn monday() -> Options {
    Options::new().at("2026-11-30T09:15".parse().unwrap())
}

#[test]
fn police_runaround_is_five_stops_four_hours_and_ends_where_it_started() {
    let (_, report) = police(&monday());
    let r = &report.runarounds;
    let worst = r.worst.first().expect("a runaround");
    assert_eq!(worst.entry, "hq-front-desk");
    assert_eq!(worst.need, "accident_report.copy");
    let stops: Vec<&str> = worst.today.stops.iter().map(|s| s.desk.as_str()).collect();
    assert_eq!(
        stops,
        [
            "hq-front-desk",
            "eastside-front-counter",
            "traffic-sub-lobby",
            "traffic-counter",
            "records-counter"
        ]
    );
    assert!(
        (225..=255).contains(&worst.today.total_minutes),
        "about 4 hours, got {} min",
        worst.today.total_minutes
    );
    assert!(worst.ends_where_started());
    let one = worst.one_step.as_ref().expect("one-step resolution");
    assert_eq!(one.desk, "records-counter");
    assert_eq!(one.site, "hq");
    assert_eq!(one.stops, 2);
    assert!(one.minutes <= 45, "{one:?}");
    assert_eq!(worst.extra_stops, 3);
    assert!(worst.extra_minutes >= 180);
    assert!(r.minutes_lost >= u64::from(worst.extra_minutes));
    assert!(r.pairs >= 4);

    let f = report
        .with_code(Code::Runaround)
        .next()
        .expect("a runaround finding");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.involves("hq-front-desk") && f.involves("records-counter"));
    assert!(
        f.message.contains("ends back at `hq`, where it started"),
        "{}",
        f.message
    );
    assert!(f.message.contains("today 5 stops"), "{}", f.message);
    assert!(f.fix.contains("straight at `records-counter`"), "{}", f.fix);
    let ex = f.example.as_ref().unwrap();
    assert_eq!(ex.site.as_deref(), Some("hq"));
    assert_eq!(ex.facts.get("requester"), Some(&Value::from("public")));
    // The first finding of the report is this runaround.
    assert_eq!(
        report.findings.first().map(|f| f.code),
        Some(Code::Runaround)
    );
    assert!(!report.has(Code::ReferralCycle));
    assert!(!report.has(Code::DeadEndReferral));
}

#[test]
fn police_has_no_runaround_after_the_fix() {
    // The fix the example proposes: every desk that refers the need sends people straight
    // to the desk rightdesk resolves (the Records counter at HQ).
    let (router, _) = police(&monday().only([Code::Runaround]));
    let mut spec = router.org().to_spec();
    for d in &mut spec.desks {
        if let Some(to) = d.refers.get_mut("accident_report.copy") {
            *to = "records-counter".into();
        }
    }
    let org = Org::from_spec(spec).unwrap();
    let rules = load::rules_from_path("examples/police_station/rules.yaml", &org).unwrap();
    let report = analyze_router(&Router::new(org, rules), &monday());
    for code in [Code::Runaround, Code::ReferralCycle, Code::DeadEndReferral] {
        assert!(!report.has(code), "unexpected `{code}`:\n{report}");
    }
    assert_eq!(report.runarounds.count, 0, "{report}");
    assert!(report.runarounds.pairs >= 3);
}

mod exports {
    use super::*;
    use rightdesk::export;
    use rightdesk::resolve::{Stop, Trace, TraceEnd};

    fn org() -> Org {
        load::org_from_path("tests/data/analyze/export_org.yaml").unwrap()
    }

    fn stop(desk: &str, site: &str, travel: u32, wait: u32, can_solve: bool) -> Stop {
        Stop {
            desk: desk.into(),
            desk_name: desk.into(),
            site: site.into(),
            travel_minutes: Some(travel),
            wait_minutes: wait,
            arrival: None,
            can_solve,
            closed: None,
        }
    }

    /// front (hall) -> annex-desk (annex) -> permits-desk (hall), as the router traces it.
    fn trace() -> Trace {
        Trace {
            entry: "front".into(),
            need: "permit".into(),
            capability: "permit.issue".into(),
            stops: vec![
                stop("front", "hall", 0, 5, false),
                stop("annex-desk", "annex", 12, 10, false),
                stop("permits-desk", "hall", 12, 15, true),
            ],
            travel_minutes: 24,
            wait_minutes: 30,
            total_minutes: 54,
            sites_visited: vec!["hall".into(), "annex".into()],
            end: TraceEnd::Solved {
                desk: "permits-desk".into(),
            },
            ends_where_started: true,
        }
    }

    /// Quoted DOT ids declared as nodes, and edge endpoints.
    fn dot_check(dot: &str) {
        assert!(dot.starts_with("// rightdesk"));
        let mut depth = 0i32;
        let mut in_str = false;
        let mut escaped = false;
        for c in dot.chars() {
            match (in_str, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (_, false, '"') => in_str = !in_str,
                (false, _, '{') => depth += 1,
                (false, _, '}') => depth -= 1,
                _ => {}
            }
            assert!(depth >= 0);
        }
        assert!(!in_str, "unterminated string");
        assert_eq!(depth, 0, "unbalanced braces");
        let nodes: Vec<&str> = dot
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with('"') && !l.contains("->"))
            .filter_map(|l| l.split(" [").next())
            .collect();
        for l in dot.lines().map(str::trim).filter(|l| l.contains(" -> ")) {
            let (a, rest) = l.split_once(" -> ").unwrap();
            let b = rest.split([' ', ';']).next().unwrap();
            assert!(nodes.contains(&a), "undeclared {a} in {l}");
            assert!(nodes.contains(&b), "undeclared {b} in {l}");
        }
        // Render once when Graphviz is installed (never required).
        if let Ok(mut child) = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
        {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(dot.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "dot rejected the output: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
        }
    }

    fn mermaid_check(m: &str) {
        let body: Vec<&str> = m
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("%%"))
            .collect();
        assert_eq!(m.lines().next(), Some("flowchart LR"));
        let opens = body.iter().filter(|l| l.starts_with("subgraph ")).count();
        let ends = body.iter().filter(|l| **l == "end").count();
        assert_eq!(opens, ends, "unbalanced subgraphs");
        let is_link = |l: &&&str| l.contains("-->") || l.contains("-.-");
        let links = body.iter().filter(is_link).count();
        let declared: Vec<&str> = body
            .iter()
            .filter(|l| !is_link(l) && !l.starts_with("subgraph"))
            .filter_map(|l| l.split(['[', '(']).next())
            .filter(|id| id.len() > 1 && id[1..].chars().all(|c| c.is_ascii_digit()))
            .collect();
        for l in body.iter().filter(is_link) {
            let a = l.split(' ').next().unwrap();
            let b = l.rsplit(' ').next().unwrap();
            assert!(
                declared.contains(&a) && declared.contains(&b),
                "undeclared node in {l}"
            );
        }
        for l in body.iter().filter(|l| l.starts_with("linkStyle ")) {
            let nums = l.split(' ').nth(1).unwrap();
            for n in nums.split(',') {
                assert!(
                    n.parse::<usize>().unwrap() < links,
                    "{l}: only {links} links"
                );
            }
        }
        // Labels never carry a raw quote inside.
        for l in &body {
            for (i, part) in l.split('"').enumerate() {
                if i % 2 == 1 {
                    assert!(!part.contains('<') || part.contains("<br/>"), "{l}");
                }
            }
        }
    }

    #[test]
    fn dot_snapshot() {
        let t = trace();
        let dot = export::dot(&org(), Some(&t));
        dot_check(&dot);
        assert!(dot.contains("penwidth=3"));
        insta::assert_snapshot!("export_dot_runaround", dot);
        dot_check(&export::dot(&org(), None));
    }

    #[test]
    fn mermaid_snapshot() {
        let t = trace();
        let m = export::mermaid(&org(), Some(&t));
        mermaid_check(&m);
        assert!(m.contains("linkStyle"));
        assert!(m.contains("#quot;Hall#quot; #amp; Annex") || m.contains("Annex #lt;B#gt;"));
        insta::assert_snapshot!("export_mermaid_runaround", m);
        mermaid_check(&export::mermaid(&org(), None));
    }

    #[test]
    fn police_exports_are_well_formed() {
        let (router, report) = police(&monday());
        let trace = report.runarounds.worst.first().map(|r| &r.today);
        dot_check(&export::dot(router.org(), trace));
        mermaid_check(&export::mermaid(router.org(), trace));
    }
}

/// `PRINT_REPORTS=1 cargo test --test analyze print_police -- --nocapture`
#[test]
fn print_police() {
    if std::env::var_os("PRINT_REPORTS").is_some() {
        let (router, report) = police(&monday());
        println!("{report}");
        println!(
            "{}",
            serde_json::to_string_pretty(&report.findings[0]).unwrap()
        );
        let t = report.runarounds.worst.first().map(|r| &r.today);
        std::fs::write("/tmp/police.dot", rightdesk::export::dot(router.org(), t)).unwrap();
        std::fs::write(
            "/tmp/police.mmd",
            rightdesk::export::mermaid(router.org(), t),
        )
        .unwrap();
    }
}

/// A generated organization: `desks` desks over desks/100 sites and desks/50 units, with
/// desks/50 rules and a referral from every fifth desk. Seeded and deterministic.
fn generated(desks: usize) -> (OrgSpec, RuleSetSpec) {
    use rightdesk::model::{DeskSpec, SiteSpec, TravelSpec, UnitSpec};
    let sites = (desks / 100).max(2);
    let units = (desks / 50).max(2);
    let caps = (desks / 50).max(2);
    let needs = (caps / 4).max(1);
    const HOURS: [&str; 4] = [
        "Mo-Fr 08:00-16:30",
        "Mo-Fr 09:00-17:00; Sa 09:00-12:00",
        "24/7",
        "Tu,Th 10:00-14:00",
    ];
    let mut org = OrgSpec {
        name: Some(format!("generated {desks}")),
        ..OrgSpec::default()
    };
    for s in 0..sites {
        org.sites.push(SiteSpec {
            id: format!("s{s}"),
            name: None,
            address: None,
        });
        for k in 1..=3 {
            org.travel.push(TravelSpec {
                from: format!("s{s}"),
                to: format!("s{}", (s + k) % sites),
                minutes: (5 + (s * 7 + k * 11) % 40) as u32,
            });
        }
    }
    org.travel.retain(|t| t.from != t.to);
    org.travel
        .sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    org.travel
        .dedup_by(|a, b| (a.from == b.to && a.to == b.from) || (a.from == b.from && a.to == b.to));
    for u in 0..units {
        org.units.push(UnitSpec {
            id: format!("u{u}"),
            name: None,
            parent: (u > 0).then(|| format!("u{}", (u - 1) / 4)),
            duty_desk: (u % 10 == 0).then(|| format!("d{u}")),
        });
    }
    for d in 0..desks {
        let mut refers = BTreeMap::new();
        if d % 5 == 0 {
            refers.insert(
                format!("n{}", d % needs),
                format!("d{}", (d * 31 + 7) % desks),
            );
        }
        org.desks.push(DeskSpec {
            id: format!("d{d}"),
            name: None,
            unit: format!("u{}", d % units),
            site: format!("s{}", (d * 7) % sites),
            capabilities: vec![
                format!("c{}", d % caps),
                format!("c{}", (d * 13 + 1) % caps),
            ],
            authority: (d % 4) as u32,
            languages: if d % 3 == 0 {
                vec!["en".into(), "es".into()]
            } else {
                vec!["en".into()]
            },
            hours: Some(HOURS[d % HOURS.len()].into()),
            wait_minutes: (d % 30) as u32,
            requires: Vec::new(),
            refers,
        });
    }
    let mut rules = String::from(
        "facts:\n  - {id: requester, values: [public, officer]}\n  - {id: age, type: number, min: 0}\nrules:\n",
    );
    for r in 0..caps {
        let need = format!("n{}", r % needs);
        let extra = match r % 4 {
            0 => "{fact: requester, eq: public}",
            1 => "{fact: requester, eq: officer}",
            2 => "{fact: age, gte: 18}",
            _ => "{fact: age, lt: 18}",
        };
        rules.push_str(&format!(
            "  - {{id: r{r}, priority: {}, when: {{all: [{{fact: need, eq: {need}}}, {extra}]}}, then: {{capability: c{r}, authority: {}, desk: {{language: {{fact: language}}}}}}}}\n",
            r % 3,
            r % 3
        ));
    }
    let rules: RuleSetSpec = load::parse(&rules, load::Format::Yaml, None).unwrap();
    (org, rules)
}

#[test]
fn generated_org_analysis_small() {
    let (org, rules) = generated(2_000);
    let org = Org::from_spec(org).unwrap();
    let rules = RuleSet::from_spec(rules, &org).unwrap();
    let report = analyze_router(&Router::new(org, rules), &monday());
    assert!(report.runarounds.pairs > 0);
    assert!(report.stats.inconclusive.is_empty());
}

/// Analysis of a 100 000-desk, 10 000-rule organization from `rightdesk::synth` (seed 7):
/// `cargo test --release --test analyze big_org -- --ignored --nocapture`. 3–4 s on
/// a 2-core machine; printed, never asserted (timings are noisy).
#[test]
#[ignore]
fn big_org_analysis_finishes_in_seconds() {
    use rightdesk::synth::{self, OrgShape, RuleShape};
    let t0 = std::time::Instant::now();
    let org_spec = synth::org(&OrgShape::new(100_000).seed(7));
    let rules_spec = synth::rules(&org_spec, &RuleShape::new(10_000).seed(7));
    let org = Org::from_spec(org_spec).unwrap();
    let rules = RuleSet::from_spec(rules_spec, &org).unwrap();
    let router = Router::new(org, rules);
    let built = t0.elapsed();
    let t1 = std::time::Instant::now();
    let report = analyze_router(&router, &monday());
    let took = t1.elapsed();
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_code.entry(f.code.to_string()).or_default() += 1;
    }
    println!(
        "100k desks / 10k rules: build {built:?}, analysis {took:?}; {} findings {by_code:?}; {} referral paths, {} runarounds; {} inconclusive",
        report.findings.len(),
        report.runarounds.pairs,
        report.runarounds.count,
        report.stats.inconclusive.len()
    );
    assert!(report.stats.inconclusive.is_empty());
    for code in Code::ALL {
        let t = std::time::Instant::now();
        let _ = analyze_router(&router, &monday().only([code]));
        println!("  {code}: {:?}", t.elapsed());
    }
}

/// The same generator at 2 000 desks and 200 rules, in the suite.
#[test]
fn synth_org_analysis_small() {
    use rightdesk::synth::{self, OrgShape, RuleShape};
    let org_spec = synth::org(&OrgShape::new(2_000).seed(3));
    let rules_spec = synth::rules(&org_spec, &RuleShape::new(200).seed(3));
    let org = Org::from_spec(org_spec).unwrap();
    let rules = RuleSet::from_spec(rules_spec, &org).unwrap();
    let report = analyze_router(&Router::new(org, rules), &monday());
    assert!(report.stats.inconclusive.is_empty());
    assert!(
        report.has(Code::ReferralCycle),
        "synth makes a few referral cycles"
    );
    let json = serde_json::to_string(&report).unwrap();
    assert_eq!(serde_json::from_str::<Report>(&json).unwrap(), report);
}

/// A fallback rule after 10 000 rules is still decided exactly (not inconclusive), and the
/// rule checks stay fast (grouped by need).
#[test]
fn ten_thousand_rules_and_a_fallback() {
    let org = Org::from_spec(
        load::parse::<OrgSpec>(
            "sites: [{id: hq}]\nunits: [{id: u, duty_desk: d}]\ndesks: [{id: d, unit: u, site: hq, capabilities: [c, other]}, {id: e, unit: u, site: hq, capabilities: [c, other]}]\n",
            load::Format::Yaml,
            None,
        )
        .unwrap(),
    )
    .unwrap();
    let mut text = String::from("facts: [{id: requester, values: [public, officer]}]\nrules:\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "  - {{id: r{i}, when: {{all: [{{fact: need, eq: n{i}}}, {{fact: requester, eq: public}}]}}, then: {{capability: c}}}}\n"
        ));
    }
    text.push_str("  - {id: fallback, priority: -1, then: {capability: other}}\n");
    text.push_str(
        "  - {id: dead, priority: -2, when: {fact: need, eq: n7}, then: {capability: other}}\n",
    );
    let rules =
        RuleSet::from_spec(load::parse(&text, load::Format::Yaml, None).unwrap(), &org).unwrap();
    let opts = Options::new().only([Code::ShadowedRule, Code::AmbiguousRules]);
    let report = analyze_router(&Router::new(org, rules), &opts);
    assert!(
        report.stats.inconclusive.is_empty(),
        "{:?}",
        report.stats.inconclusive
    );
    let shadowed: Vec<&str> = report
        .with_code(Code::ShadowedRule)
        .map(|f| f.ids[0].id().as_str())
        .collect();
    assert_eq!(shadowed, ["dead"]);
    assert!(!report.has(Code::AmbiguousRules));
}

/// A rule pinned to another need can still hold a request for questions: `e` is TRUE only
/// for `need: xx` (its second part contradicts itself), but that part is UNKNOWN when `foo`
/// is missing, so for `need: yy` without `foo` the router asks for `foo` and `r` never
/// decides: `r` is shadowed by `e`.
#[test]
fn a_rule_pinned_to_another_need_can_shadow_by_being_unknown() {
    let org = Org::from_spec(
        load::parse::<OrgSpec>(
            "sites: [{id: hq}]\nunits: [{id: u, duty_desk: d}]\ndesks: [{id: d, unit: u, site: hq, capabilities: [c]}]\n",
            load::Format::Yaml,
            None,
        )
        .unwrap(),
    )
    .unwrap();
    let text = r#"
facts: [{id: foo, type: number}]
rules:
  - {id: e, priority: 1, when: {any: [{all: [{fact: need, eq: xx}, {fact: foo, eq: 1}]}, {all: [{fact: foo, eq: 1}, {fact: foo, eq: 2}]}]}, then: {capability: c}}
  - {id: r, when: {all: [{fact: need, eq: yy}, {fact: foo, exists: false}]}, then: {capability: c}}
"#;
    let rules =
        RuleSet::from_spec(load::parse(text, load::Format::Yaml, None).unwrap(), &org).unwrap();
    let router = Router::new(org, rules);
    // The ground truth: `need: yy` without `foo` is held for `foo`; with `foo`, `r` is FALSE.
    let res = router.resolve(&Request::new("yy")).unwrap();
    match &res.outcome {
        rightdesk::Outcome::NeedsInfo { questions } => {
            assert_eq!(questions.len(), 1, "{questions:?}");
            assert_eq!(questions[0].fact.as_str(), "foo");
        }
        other => panic!("expected NeedsInfo(foo), got {other:?}"),
    }
    for foo in [1, 2, 3] {
        let mut req = Request::new("yy");
        req.facts.insert("foo".into(), Value::from(foo));
        let res = router.resolve(&req).unwrap();
        assert_ne!(res.explanation.rule.as_deref(), Some("r"), "foo = {foo}");
    }
    let report = analyze_router(&router, &Options::new().only([Code::ShadowedRule]));
    assert!(report.stats.inconclusive.is_empty());
    let shadowed: Vec<(&str, bool)> = report
        .with_code(Code::ShadowedRule)
        .map(|f| (f.ids[0].id().as_str(), f.involves("e")))
        .collect();
    assert_eq!(shadowed, [("r", true)], "{report}");
}
