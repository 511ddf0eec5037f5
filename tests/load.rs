//! Loading: positions of every error in YAML, JSON and TOML, format equivalence, limits and
//! hostile input (the loaders never panic).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rightdesk::load::{self, Format, Limits};
use rightdesk::{LoadError, Org, Problem, ProblemKind, Severity};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/load")
        .join(name)
}

fn problems(e: LoadError) -> Vec<Problem> {
    match e {
        LoadError::Invalid(p) => p.0,
        other => panic!("expected invalid-file problems, got: {other}"),
    }
}

/// (kind, path, line, column) of each problem.
fn summary(ps: &[Problem]) -> Vec<(ProblemKind, String, usize, usize)> {
    ps.iter()
        .map(|p| {
            let l = p.location.unwrap_or_else(|| panic!("no location for {p}"));
            (p.kind, p.path.clone(), l.line, l.column)
        })
        .collect()
}

fn org() -> Org {
    load::org_from_path(data("org.yaml")).unwrap()
}

fn org_err(text: &str, format: Format) -> Vec<Problem> {
    problems(load::org_from_str(text, format, None).unwrap_err())
}

fn rules_err(text: &str, format: Format) -> Vec<Problem> {
    problems(load::rules_from_str(text, format, None, &org()).unwrap_err())
}

/// The rules text with a fact `age` declared in front (YAML).
fn with_age(rules: &str) -> String {
    match rules.strip_prefix("facts:\n") {
        Some(rest) => format!("facts:\n  - {{id: age, type: number}}\n{rest}"),
        None => format!("facts: [{{id: age, type: number}}]\n{rules}"),
    }
}

fn one(ps: Vec<Problem>) -> Problem {
    assert_eq!(ps.len(), 1, "{ps:#?}");
    ps.into_iter().next().unwrap()
}

fn loc(p: &Problem) -> (usize, usize) {
    let l = p.location.unwrap_or_else(|| panic!("no location for {p}"));
    (l.line, l.column)
}

// ---------------------------------------------------------------------------------------
// Positions: unknown reference, unknown field, syntax, in each format.

#[test]
fn unknown_references_are_located_in_every_format() {
    use ProblemKind::*;
    let cases = [
        ("unknown_ref.yaml", [(10, 11), (12, 9), (14, 11)]),
        ("unknown_ref.json", [(6, 30), (7, 12), (7, 50)]),
        ("unknown_ref.toml", [(14, 8), (18, 6), (20, 8)]),
    ];
    for (file, at) in cases {
        let path = data(file);
        let ps = problems(load::org_from_path(&path).unwrap_err());
        assert_eq!(
            summary(&ps),
            vec![
                (UnknownReference, "desks[1].unit".into(), at[0].0, at[0].1),
                (DuplicateId, "desks[2].id".into(), at[1].0, at[1].1),
                (UnknownReference, "desks[2].site".into(), at[2].0, at[2].1),
            ],
            "{file}"
        );
        assert!(ps.iter().all(|p| p.file.as_deref() == Some(path.as_path())));
        assert_eq!(ps[0].hint.as_deref(), Some("did you mean `records`?"));
        assert_eq!(ps[2].hint.as_deref(), Some("did you mean `hq`?"));
        assert_eq!(ps[0].id.as_ref().map(|i| i.as_str()), Some("recrds"));
    }
}

#[test]
fn display_is_like_a_compiler() {
    let err = load::org_from_path(data("unknown_ref.yaml")).unwrap_err();
    let f = data("unknown_ref.yaml").display().to_string();
    assert_eq!(
        err.to_string(),
        format!(
            "{f}:10:11: error[unknown-reference]: unknown unit `recrds` (at desks[1].unit, id `recrds`)\n  \
             hint: did you mean `records`?\n\
             {f}:12:9: error[duplicate-id]: duplicate desk id `counter` (at desks[2].id, id `counter`)\n  \
             hint: each desk needs its own id\n\
             {f}:14:11: error[unknown-reference]: unknown site `hqq` (at desks[2].site, id `hqq`)\n  \
             hint: did you mean `hq`?\n\
             3 errors"
        )
    );
}

#[test]
fn unknown_fields_say_which_key_where_and_what_was_meant() {
    for (file, at) in [
        ("unknown_field.yaml", (9, 5)),
        ("unknown_field.json", (6, 6)),
        ("unknown_field.toml", (11, 1)),
    ] {
        let p = one(problems(load::org_from_path(data(file)).unwrap_err()));
        assert_eq!(p.kind, ProblemKind::UnknownField, "{file}");
        assert_eq!(p.path, "desks[0].capabilites", "{file}");
        assert_eq!(loc(&p), at, "{file}");
        assert_eq!(p.message, "unknown field `capabilites`");
        assert_eq!(p.hint.as_deref(), Some("did you mean `capabilities`?"));
        assert_eq!(p.file.as_deref(), Some(data(file).as_path()));
    }
    // No close match: the hint lists the choices.
    let p = one(org_err("sitez2000: []\n", Format::Yaml));
    assert_eq!(
        p.hint.as_deref(),
        Some("expected one of `name`, `timezone`, `holidays`, `sites`, `travel`, `units`, `desks`")
    );
    // Inside conditions, too.
    let p = one(rules_err(
        "rules:\n  - id: r\n    when: {fact: age, gtee: 3}\n    then: {capability: info}\n",
        Format::Yaml,
    ));
    assert_eq!(
        (p.kind, p.path.as_str(), loc(&p)),
        (ProblemKind::UnknownField, "rules[0].when.gtee", (3, 23))
    );
    assert_eq!(p.hint.as_deref(), Some("did you mean `gte`?"));
}

#[test]
fn every_unknown_field_is_reported_at_once() {
    use ProblemKind::*;
    // Serde stops at its first error (here `authority`); every unknown key is still found.
    let text = "desks:\n  - id: d\n    unit: u\n    site: hq\n    authority: high\n    capabilites: [a]\nsites:\n  - id: hq\n    adress: 1 Main St\nunits:\n  - id: u\n    parnt: x\n";
    let ps = org_err(text, Format::Yaml);
    assert_eq!(
        summary(&ps),
        vec![
            (BadValue, "desks[0].authority".into(), 5, 16),
            (UnknownField, "desks[0].capabilites".into(), 6, 5),
            (UnknownField, "sites[0].adress".into(), 9, 5),
            (UnknownField, "units[0].parnt".into(), 12, 5),
        ]
    );
    assert_eq!(
        ps[0].message,
        "`high` is not a whole number from 0 to 4294967295"
    );
    assert_eq!(ps[2].hint.as_deref(), Some("did you mean `address`?"));
    assert_eq!(ps[3].hint.as_deref(), Some("did you mean `parent`?"));
    // Rules, in JSON, inside conditions and desk constraints.
    let text = "{\"rules\": [{\"id\": \"r\", \"when\": {\"any\": [{\"fact\": \"age\", \"eqq\": 1},\n {\"not\": {\"fakt\": \"age\", \"exists\": true}}]},\n \"then\": {\"capability\": \"info\", \"desk\": {\"languge\": \"en\"}}}]}";
    let ps = rules_err(text, Format::Json);
    assert_eq!(
        summary(&ps),
        vec![
            (UnknownField, "rules[0].when.any[0].eqq".into(), 1, 57),
            (UnknownField, "rules[0].when.any[1].not.fakt".into(), 2, 11),
            (UnknownField, "rules[0].then.desk.languge".into(), 3, 42),
        ]
    );
    // A JSON array is not an organization.
    let p = one(org_err("  [1, 2]", Format::Json));
    assert_eq!((p.kind, loc(&p)), (Syntax, (1, 3)));
}

#[test]
fn syntax_errors_are_located() {
    let p = one(problems(
        load::org_from_path(data("syntax.yaml")).unwrap_err(),
    ));
    assert_eq!((p.kind, loc(&p)), (ProblemKind::Syntax, (5, 4)));
    let p = one(problems(
        load::org_from_path(data("syntax.json")).unwrap_err(),
    ));
    assert_eq!((p.kind, loc(&p)), (ProblemKind::Syntax, (3, 30)));
    assert_eq!(p.message, "trailing comma");
    // TOML recovers and reports every syntax error.
    let ps = problems(load::org_from_path(data("syntax.toml")).unwrap_err());
    assert!(ps.len() >= 2, "{ps:#?}");
    assert!(ps.iter().all(|p| p.kind == ProblemKind::Syntax));
    assert_eq!(loc(&ps[0]), (5, 14));
    assert_eq!(loc(&ps[1]), (9, 6));
}

#[test]
fn shape_errors_name_the_field_path() {
    let p = one(org_err(
        "{\"desks\": [{\"id\": \"a\", \"unit\": \"u\", \"site\": \"s\"},\n {\"id\": \"b\", \"unit\": \"u\", \"site\": \"s\", \"hours\": 8}]}",
        Format::Json,
    ));
    assert_eq!(
        p.to_string(),
        "line 2 column 49: error[syntax]: invalid type: integer `8`, expected a string (at desks[1].hours)"
    );
    let p = one(org_err(
        "[[desks]]\nid = \"a\"\nunit = \"u\"\nsite = \"s\"\nhours = 8\n",
        Format::Toml,
    ));
    assert_eq!((p.path.as_str(), loc(&p)), ("desks[0].hours", (5, 9)));
    let p = one(org_err("desks:\n  - id: a\n    site: x\n", Format::Yaml));
    assert_eq!(
        (p.path.as_str(), p.message.as_str(), loc(&p)),
        ("desks[0]", "missing field `unit`", (2, 5))
    );
    let p = one(org_err("desks: 5\n", Format::Yaml));
    assert_eq!((p.path.as_str(), loc(&p)), ("desks", (1, 8)));
}

#[test]
fn every_validation_error_of_a_rules_file_is_located() {
    use ProblemKind::*;
    let ps = problems(load::rules_from_path(data("rules_bad.yaml"), &org()).unwrap_err());
    assert_eq!(
        summary(&ps),
        vec![
            (UnknownReference, "rules[0].when.all[1].fact".into(), 12, 18),
            (TypeMismatch, "rules[0].when.all[2].eq".into(), 13, 27),
            (BadValue, "rules[0].when.all[3].eq".into(), 14, 33),
            (UnknownReference, "rules[0].then.unit".into(), 17, 13),
        ]
    );
    assert_eq!(ps[0].hint.as_deref(), Some("did you mean `requester`?"));
}

#[test]
fn warnings_are_located_too() {
    let rules = load::rules_from_str(
        "rules:\n  - id: r\n    then:\n      capability: teleport\n",
        Format::Yaml,
        Some(Path::new("rules.yaml")),
        &org(),
    )
    .unwrap();
    let w = &rules.warnings()[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.kind, ProblemKind::UnservedCapability);
    assert_eq!(loc(w), (4, 19));
    assert_eq!(w.file.as_deref(), Some(Path::new("rules.yaml")));
}

#[test]
fn organization_warnings_are_kept_and_located() {
    let org = load::org_from_str(
        "sites: [{id: hq}]\nunits: [{id: records}]\ndesks:\n  - id: counter\n    unit: records\n    site: hq\n    capabilities: [report.copy, report.copy]\n",
        Format::Yaml,
        Some(Path::new("org.yaml")),
    )
    .unwrap();
    let w = &org.warnings()[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.kind, ProblemKind::DuplicateId);
    assert_eq!(w.path, "desks[0].capabilities[1]");
    assert_eq!(w.file.as_deref(), Some(Path::new("org.yaml")));
    assert_eq!(loc(w).0, 7);
    assert!(
        load::org_from_str("sites: [{id: hq}]\n", Format::Yaml, None)
            .unwrap()
            .warnings()
            .is_empty()
    );
}

// ---------------------------------------------------------------------------------------
// Each error kind, located.

#[test]
fn each_error_kind_is_reported_with_its_place() {
    use ProblemKind::*;
    let org_cases: &[(&str, ProblemKind, &str, (usize, usize))] = &[
        (
            "sites: [{id: a}, {id: a}]\n",
            DuplicateId,
            "sites[1].id",
            (1, 23),
        ),
        (
            "units:\n  - {id: a, parent: b}\n  - {id: b, parent: a}\n",
            CommandCycle,
            "units[0].parent",
            (2, 21),
        ),
        (
            "sites: [{id: s}]\nunits: [{id: u}]\ndesks:\n  - {id: d, unit: u, site: s, hours: \"Mo-Xx 25:00\"}\n",
            MalformedHours,
            "desks[0].hours",
            (4, 38),
        ),
        ("timezone: Mars/Olympus\n", BadSetting, "timezone", (1, 11)),
        (
            "sites: [{id: a}]\ntravel:\n  - {from: a, to: a, minutes: 3}\n",
            BadValue,
            "travel[0]",
            (3, 5),
        ),
        (
            "travel:\n  - {from: a, to: b, minutes: -5}\n",
            BadValue,
            "travel[0].minutes",
            (2, 31),
        ),
    ];
    for (text, kind, path, at) in org_cases {
        let ps = org_err(text, Format::Yaml);
        let p = ps
            .iter()
            .find(|p| p.kind == *kind)
            .unwrap_or_else(|| panic!("no {kind:?} in {ps:#?}"));
        assert_eq!((p.path.as_str(), loc(p)), (*path, *at), "{text}");
    }
    let rule_cases: &[(&str, ProblemKind, &str, (usize, usize))] = &[
        (
            "rules:\n  - id: r\n    when: {fact: age, in: []}\n    then: {capability: info}\n",
            BadCondition,
            "rules[0].when.in",
            (4, 27),
        ),
        (
            "rules:\n  - id: r\n    when: {fact: age, prefix: x}\n    then: {capability: info}\n",
            TypeMismatch,
            "rules[0].when.prefix",
            (4, 31),
        ),
        (
            "facts:\n  - {id: x, type: strng}\n",
            BadValue,
            "facts[1].type",
            (3, 19),
        ),
        (
            "rules:\n  - id: r\n    then: {capability: info}\n  - id: r\n    then: {capability: info}\n",
            DuplicateId,
            "rules[1].id",
            (5, 9),
        ),
    ];
    for (text, kind, path, at) in rule_cases {
        let ps = rules_err(&with_age(text), Format::Yaml);
        let p = ps
            .iter()
            .find(|p| p.kind == *kind)
            .unwrap_or_else(|| panic!("no {kind:?} in {ps:#?}"));
        assert_eq!((p.path.as_str(), loc(p)), (*path, *at), "{text}");
    }
}

#[test]
fn a_bad_file_reports_every_error_and_loads_nothing() {
    let text = "sites: [{id: s}]\nunits:\n  - {id: u, parent: nobody, duty_desk: ghost}\ndesks:\n  - {id: d, unit: v, site: t, hours: nonsense}\n  - {id: d, unit: u, site: s}\n";
    let ps = org_err(text, Format::Yaml);
    let kinds: Vec<ProblemKind> = ps.iter().map(|p| p.kind).collect();
    use ProblemKind::*;
    assert_eq!(
        kinds,
        vec![
            UnknownReference,
            UnknownReference,
            UnknownReference,
            UnknownReference,
            MalformedHours,
            DuplicateId
        ],
        "{ps:#?}"
    );
    // In file order.
    let places: Vec<(usize, usize)> = ps.iter().map(loc).collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted);
}

// ---------------------------------------------------------------------------------------
// Equivalence of the three formats.

#[test]
fn yaml_json_and_toml_load_the_same_org_and_rules() {
    let orgs: Vec<Org> = ["org.yaml", "org.json", "org.toml"]
        .iter()
        .map(|f| load::org_from_path(data(f)).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(orgs[0].to_spec(), orgs[1].to_spec());
    assert_eq!(orgs[0].to_spec(), orgs[2].to_spec());
    let rules: Vec<_> = ["rules.yaml", "rules.json", "rules.toml"]
        .iter()
        .map(|f| load::rules_from_path(data(f), &orgs[0]).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(rules[0].to_spec(), rules[1].to_spec());
    assert_eq!(rules[0].to_spec(), rules[2].to_spec());
    assert_eq!(rules[0].rules().len(), 3);
    assert!(rules[0].warnings().is_empty());
    // Unicode ids work; `no` (Norwegian) is text, not a boolean.
    let o = &orgs[0];
    assert!(o.site("zürich").is_some());
    assert_eq!(
        o.desk("schalter-ö").map(|d| d.site.as_str()),
        Some("zürich")
    );
    let langs: Vec<&str> = o
        .desk("records-counter")
        .unwrap()
        .languages
        .iter()
        .map(|l| l.as_str())
        .collect();
    assert_eq!(langs, ["en", "no"]);
}

#[test]
fn format_is_chosen_by_extension() {
    assert_eq!(Format::from_path(Path::new("x.YAML")), Some(Format::Yaml));
    assert_eq!(Format::from_path(Path::new("x.yml")), Some(Format::Yaml));
    assert_eq!(Format::from_path(Path::new("x.json")), Some(Format::Json));
    assert_eq!(Format::from_path(Path::new("x.toml")), Some(Format::Toml));
    assert_eq!(Format::from_path(Path::new("x")), None);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("org.txt");
    std::fs::write(&f, "sites: []").unwrap();
    let err = load::org_from_path(&f).unwrap_err();
    assert!(matches!(err, LoadError::UnknownFormat { .. }), "{err}");
    assert!(err.to_string().contains("error[unknown-format]"));
    assert!(err.to_string().contains("*.yaml"));
    let err = load::org_from_path(dir.path().join("missing.yaml")).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }), "{err}");
    assert!(err.to_string().contains("missing.yaml: error[io]"));
}

#[test]
fn parse_gives_positions_for_any_type() {
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Case {
        need: String,
        minutes: u32,
    }
    let p = one(problems(
        load::parse::<Case>(
            "need = \"x\"\nminutes = -3\n",
            Format::Toml,
            Some(Path::new("case.toml")),
        )
        .unwrap_err(),
    ));
    assert_eq!(
        p.to_string(),
        "case.toml:2:11: error[bad-value]: invalid value: integer `-3`, expected a whole number from 0 to 4294967295 (at minutes)"
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("case.yaml");
    std::fs::write(&f, "need: x\nminutes: 3\nnee: y\n").unwrap();
    let p = one(problems(load::parse_path::<Case>(&f).unwrap_err()));
    assert_eq!((p.kind, loc(&p)), (ProblemKind::UnknownField, (3, 1)));
    assert_eq!(p.hint.as_deref(), Some("did you mean `need`?"));
}

// ---------------------------------------------------------------------------------------
// Hostile and odd input.

fn deep_json(depth: usize) -> String {
    format!(
        "{{\"a\": {}1{}}}",
        "[".repeat(depth - 1),
        "]".repeat(depth - 1)
    )
}

fn deep_yaml(depth: usize) -> String {
    format!("a: {}1{}\n", "[".repeat(depth - 1), "]".repeat(depth - 1))
}

fn deep_toml(depth: usize) -> String {
    format!("a = {}1{}\n", "[".repeat(depth - 1), "]".repeat(depth - 1))
}

#[test]
fn nesting_up_to_the_limit_loads_and_beyond_is_rejected_in_every_format() {
    for (make, format) in [
        (deep_yaml as fn(usize) -> String, Format::Yaml),
        (deep_json, Format::Json),
        (deep_toml, Format::Toml),
    ] {
        let ok: Result<serde_json::Value, _> = load::parse(&make(64), format, None);
        assert!(ok.is_ok(), "{format}: {}", ok.unwrap_err());
        let p = one(problems(
            load::parse::<serde_json::Value>(&make(65), format, None).unwrap_err(),
        ));
        assert_eq!(p.kind, ProblemKind::TooLarge, "{format}: {p}");
        assert!(p.location.is_some(), "{format}: {p}");
        assert!(p.message.contains("deeper than 64"), "{format}: {p}");
        // A smaller limit is honoured.
        let mut limits = Limits::default();
        limits.max_depth = 8;
        let p = one(problems(
            load::parse_with_limits::<serde_json::Value>(&make(9), format, None, &limits)
                .unwrap_err(),
        ));
        assert_eq!(p.kind, ProblemKind::TooLarge, "{format}: {p}");
    }
}

#[test]
fn an_unbounded_depth_limit_is_still_safe() {
    let mut limits = Limits::default();
    limits.max_depth = usize::MAX;
    for (make, format) in [
        (deep_yaml as fn(usize) -> String, Format::Yaml),
        (deep_json, Format::Json),
        (deep_toml, Format::Toml),
    ] {
        let p = one(problems(
            load::parse_with_limits::<serde_json::Value>(&make(5000), format, None, &limits)
                .unwrap_err(),
        ));
        assert_eq!(p.kind, ProblemKind::TooLarge, "{format}: {p}");
    }
}

#[test]
fn very_deep_brackets_do_not_overflow_the_stack() {
    let n = 200_000;
    for (text, format) in [
        (format!("{}{}", "[".repeat(n), "]".repeat(n)), Format::Yaml),
        (format!("{}{}", "[".repeat(n), "]".repeat(n)), Format::Json),
        (
            format!("a = {}{}", "[".repeat(n), "]".repeat(n)),
            Format::Toml,
        ),
        (
            format!("a = {}1{}", "{b=".repeat(n), "}".repeat(n)),
            Format::Toml,
        ),
        (format!("{} = 1", vec!["a"; n].join(".")), Format::Toml),
        (format!("{}{}", "- ".repeat(n), "x"), Format::Yaml),
    ] {
        // As an organization: rejected (too deep, or not a map at all), never a crash.
        assert!(!org_err(&text, format).is_empty());
        let p = one(problems(
            load::parse::<serde_json::Value>(&text, format, None).unwrap_err(),
        ));
        assert_eq!(p.kind, ProblemKind::TooLarge, "{format}: {p}");
    }
}

#[test]
fn deeply_nested_conditions_are_rejected_not_crashed() {
    let depth = 300;
    let mut yaml = String::from("rules:\n  - id: r\n    then: {capability: info}\n    when:\n");
    for i in 0..depth {
        yaml.push_str(&" ".repeat(6 + 2 * i));
        yaml.push_str("not:\n");
    }
    yaml.push_str(&" ".repeat(6 + 2 * depth));
    yaml.push_str("{fact: age, eq: 1}\n");
    let mut cond = String::from("{\"fact\": \"age\", \"eq\": 1}");
    let mut tcond = String::from("{fact = \"age\", eq = 1}");
    for _ in 0..depth {
        cond = format!("{{\"all\": [{cond}]}}");
        tcond = format!("{{not = {tcond}}}");
    }
    let json = format!(
        "{{\"rules\": [{{\"id\": \"r\", \"then\": {{\"capability\": \"info\"}}, \"when\": {cond}}}]}}"
    );
    let toml = format!("[[rules]]\nid = \"r\"\nthen = {{capability = \"info\"}}\nwhen = {tcond}\n");
    for (text, format) in [
        (yaml, Format::Yaml),
        (json, Format::Json),
        (toml, Format::Toml),
    ] {
        let p = one(rules_err(&text, format));
        assert_eq!(p.kind, ProblemKind::TooLarge, "{format}: {p}");
        assert!(p.location.is_some());
    }
    // Nesting within the limits loads (and is checked by validation).
    let mut cond = String::from("{fact: age, gte: 1}");
    for _ in 0..15 {
        cond = format!("{{all: [{{not: {cond}}}]}}");
    }
    let text = with_age(&format!(
        "rules:\n  - id: r\n    then: {{capability: info}}\n    when: {cond}\n"
    ));
    let r = load::rules_from_str(&text, Format::Yaml, None, &org());
    assert!(r.is_ok(), "{}", r.unwrap_err());
}

fn laughs(levels: usize) -> String {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..levels {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{p}"); 10].join(", ")
        ));
    }
    text
}

#[test]
fn billion_laughs_is_stopped() {
    // A smaller alias budget keeps this fast in debug builds; the default one is exercised
    // by `billion_laughs_is_stopped_by_the_default_limits`.
    let mut limits = Limits::default();
    limits.max_alias_expansion = 20_000;
    for levels in [10, 7] {
        let p = one(problems(
            load::parse_with_limits::<serde_json::Value>(
                &laughs(levels),
                Format::Yaml,
                None,
                &limits,
            )
            .unwrap_err(),
        ));
        assert_eq!(p.kind, ProblemKind::TooLarge, "{p}");
        assert!(p.message.contains("aliases"), "{p}");
        assert!(p.location.is_some());
    }
    // Inside an organization, lists of ids cannot nest, so a bomb is a shape error at once.
    let mut text = String::from(
        "sites: [{id: s}]\nunits: [{id: u}]\ndesks:\n  - {id: d0, unit: u, site: s, capabilities: &c0 [x, x, x, x, x, x, x, x, x, x]}\n",
    );
    for i in 1..10 {
        let list = vec![format!("*c{}", i - 1); 10].join(", ");
        text.push_str(&format!(
            "  - {{id: d{i}, unit: u, site: s, capabilities: &c{i} [{list}]}}\n"
        ));
    }
    let p = one(org_err(&text, Format::Yaml));
    assert_eq!(
        (p.path.as_str(), loc(&p)),
        ("desks[1].capabilities[0]", (5, 51))
    );
    // A legitimate use of anchors: many desks sharing one `hours`.
    let mut org = String::from("sites: [{id: s}]\nunits: [{id: u}]\ndesks:\n");
    org.push_str("  - {id: d0, unit: u, site: s, hours: &h \"Mo-Fr 09:00-17:00\"}\n");
    for i in 1..2000 {
        org.push_str(&format!("  - {{id: d{i}, unit: u, site: s, hours: *h}}\n"));
    }
    let o = load::org_from_str(&org, Format::Yaml, None).unwrap();
    assert_eq!(o.desks().len(), 2000);
}

/// Slow in debug builds (about 16 s; 1 s in release): run with
/// `cargo test --release --test load -- --ignored`.
#[test]
#[ignore]
fn billion_laughs_is_stopped_by_the_default_limits() {
    let t = std::time::Instant::now();
    let p = one(problems(
        load::parse::<serde_json::Value>(&laughs(10), Format::Yaml, None).unwrap_err(),
    ));
    eprintln!("stopped in {:?}: {p}", t.elapsed());
    assert_eq!(p.kind, ProblemKind::TooLarge, "{p}");
}

#[test]
fn files_over_the_size_limit_are_rejected_before_parsing() {
    let mut limits = Limits::default();
    limits.max_bytes = 1000;
    let text = format!("name: \"{}\"\n", "x".repeat(2000));
    let p = one(problems(
        load::org_from_str_with_limits(&text, Format::Yaml, None, &limits).unwrap_err(),
    ));
    assert_eq!(p.kind, ProblemKind::TooLarge);
    assert!(p.message.contains("over the limit of 1000 bytes"), "{p}");
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("org.yaml");
    std::fs::write(&f, &text).unwrap();
    let p = one(problems(
        load::org_from_path_with_limits(&f, &limits).unwrap_err(),
    ));
    assert_eq!(p.kind, ProblemKind::TooLarge);
    assert_eq!(p.file.as_deref(), Some(f.as_path()));
    assert!(load::org_from_path(&f).is_ok());
}

#[test]
fn yaml_node_budget_is_configurable() {
    let mut limits = Limits::default();
    limits.max_nodes = 50;
    let text = format!("sites: [{}]\n", vec!["{id: s}"; 40].join(", "));
    let p = one(problems(
        load::parse_with_limits::<serde_json::Value>(&text, Format::Yaml, None, &limits)
            .unwrap_err(),
    ));
    assert_eq!(p.kind, ProblemKind::TooLarge, "{p}");
}

#[test]
fn non_utf8_files_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("org.yaml");
    std::fs::write(&f, b"sites:\n  - id: caf\xe9\n").unwrap();
    let p = one(problems(load::org_from_path(&f).unwrap_err()));
    assert_eq!(p.kind, ProblemKind::Encoding);
    assert_eq!(p.message, "not UTF-8 at byte 18");
    assert_eq!(loc(&p), (2, 12));
    assert_eq!(p.file.as_deref(), Some(f.as_path()));
    // UTF-16 gets a hint.
    let f16 = dir.path().join("org16.json");
    std::fs::write(&f16, [0xff, 0xfe, b'{', 0, b'}', 0]).unwrap();
    let p = one(problems(load::org_from_path(&f16).unwrap_err()));
    assert!(p.hint.unwrap().contains("UTF-16"));
    // The rules loader and parse_path too.
    std::fs::write(&f, b"\xc3(").unwrap();
    assert!(load::rules_from_path(&f, &org()).is_err());
    assert!(load::parse_path::<serde_json::Value>(&f).is_err());
}

#[test]
fn empty_files_get_a_clear_message() {
    for (text, format) in [
        ("", Format::Yaml),
        ("  \n\n", Format::Yaml),
        ("# nothing yet\n", Format::Yaml),
        ("", Format::Json),
        (" \n", Format::Json),
        ("", Format::Toml),
        ("# nothing\n\n", Format::Toml),
        ("\u{feff}", Format::Yaml),
    ] {
        let p = one(org_err(text, format));
        assert_eq!(p.kind, ProblemKind::Empty, "{text:?} {format}");
        assert_eq!(p.message, "the file is empty");
        assert!(p.hint.unwrap().contains("sites"));
        let p = one(rules_err(text, format));
        assert!(p.hint.unwrap().contains("rules"));
    }
}

#[test]
fn non_finite_and_out_of_range_numbers_are_bad_values() {
    let cases: &[(&str, Format, &str)] = &[
        (
            "travel:\n  - {from: a, to: b, minutes: 4294967296}\n",
            Format::Yaml,
            "travel[0].minutes",
        ),
        (
            "{\"travel\": [{\"from\": \"a\", \"to\": \"b\", \"minutes\": -1}]}",
            Format::Json,
            "travel[0].minutes",
        ),
        (
            "{\"travel\": [{\"from\": \"a\", \"to\": \"b\", \"minutes\": 1e400}]}",
            Format::Json,
            "travel[0].minutes",
        ),
        (
            "[[travel]]\nfrom = \"a\"\nto = \"b\"\nminutes = nan\n",
            Format::Toml,
            "travel[0].minutes",
        ),
        (
            "[[travel]]\nfrom = \"a\"\nto = \"b\"\nminutes = -inf\n",
            Format::Toml,
            "travel[0].minutes",
        ),
        (
            "desks:\n  - {id: d, unit: u, site: s, authority: .nan}\n",
            Format::Yaml,
            "desks[0].authority",
        ),
        (
            "desks:\n  - {id: d, unit: u, site: s, wait_minutes: 1.5}\n",
            Format::Yaml,
            "desks[0].wait_minutes",
        ),
    ];
    for (text, format, path) in cases {
        let p = one(org_err(text, *format));
        assert_eq!(
            (p.kind, p.path.as_str()),
            (ProblemKind::BadValue, *path),
            "{p}"
        );
        assert!(p.location.is_some(), "{p}");
    }
    let p = one(org_err(
        "travel:\n  - {from: a, to: b, minutes: -5}\n",
        Format::Yaml,
    ));
    assert_eq!(p.message, "`-5` is not a whole number from 0 to 4294967295");
    for (text, format) in [
        (
            "rules:\n  - id: r\n    when: {fact: age, eq: .nan}\n    then: {capability: info}\n",
            Format::Yaml,
        ),
        (
            "rules:\n  - id: r\n    when: {fact: age, gt: -.inf}\n    then: {capability: info}\n",
            Format::Yaml,
        ),
        (
            "[[rules]]\nid = \"r\"\nwhen = {fact = \"age\", lt = inf}\nthen = {capability = \"info\"}\n",
            Format::Toml,
        ),
        (
            "facts:\n  - {id: x, type: number, max: .inf}\n",
            Format::Yaml,
        ),
    ] {
        let p = one(rules_err(text, format));
        assert_eq!(p.kind, ProblemKind::BadValue, "{p}");
        assert!(p.message.contains("finite"), "{p}");
    }
}

#[test]
fn unicode_ids_work_and_columns_count_characters() {
    let text = "sites: [{id: zürich}]\nunits: [{id: büro}]\ndesks:\n  - {id: schälter, unit: büro, site: zürich}\n  - {id: 窓口, unit: büro, site: zürch}\n";
    let p = one(org_err(text, Format::Yaml));
    assert_eq!(p.kind, ProblemKind::UnknownReference);
    assert_eq!(loc(&p), (5, 32));
    assert_eq!(p.hint.as_deref(), Some("did you mean `zürich`?"));
    let ok = text.replace("zürch", "zürich");
    let o = load::org_from_str(&ok, Format::Yaml, None).unwrap();
    assert_eq!(o.desk("窓口").map(|d| d.site.as_str()), Some("zürich"));
}

#[test]
fn a_byte_order_mark_is_ignored() {
    for (text, format, at) in [
        (
            "\u{feff}desks: [{id: d, unit: u, site: s}]\n",
            Format::Yaml,
            (1, 23),
        ),
        (
            "\u{feff}{\"desks\": [{\"id\": \"d\", \"unit\": \"u\", \"site\": \"s\"}]}",
            Format::Json,
            (1, 32),
        ),
        (
            "\u{feff}[[desks]]\nid = \"d\"\nunit = \"u\"\nsite = \"s\"\n",
            Format::Toml,
            (3, 8),
        ),
    ] {
        let ps = org_err(text, format);
        assert_eq!(ps[0].kind, ProblemKind::UnknownReference, "{format}");
        assert_eq!(ps[0].path, "desks[0].unit");
        assert_eq!(loc(&ps[0]), at, "{format}");
    }
}

#[test]
fn yaml_oddities() {
    // Two documents.
    assert!(load::org_from_str("sites: []\n---\nsites: []\n", Format::Yaml, None).is_err());
    // Duplicate keys.
    let p = one(org_err("sites:\n  - id: a\n    id: b\n", Format::Yaml));
    assert_eq!((p.path.as_str(), loc(&p)), ("sites[0].id", (3, 5)));
    let p = one(org_err(
        "{\"sites\": [{\"id\": \"a\", \"id\": \"b\"}]}",
        Format::Json,
    ));
    assert_eq!(p.path, "sites[0].id");
    // Tags, anchors on maps, merge keys do not confuse the locator.
    let text = "base: &b {unit: u, site: s}\n";
    assert!(load::parse::<serde_json::Value>(text, Format::Yaml, None).is_ok());
    let text = "sites: [{id: s}]\nunits: [{id: u}]\ndesks:\n  - &d {id: a, unit: u, site: s}\n  - {<<: *d, id: b, unit: v}\n";
    let p = one(org_err(text, Format::Yaml));
    assert_eq!((p.path.as_str(), loc(&p)), ("desks[1].unit", (5, 27)));
}

/// A 100 000-desk file loads with the default limits (slow in debug builds: run with
/// `cargo test --release --test load -- --ignored`).
#[test]
#[ignore]
fn a_hundred_thousand_desks_load() {
    let mut text = String::from("sites: [{id: hq}, {id: annex}]\nunits:\n  - {id: root}\n");
    for u in 0..100 {
        text.push_str(&format!("  - {{id: unit{u}, parent: root}}\n"));
    }
    text.push_str("desks:\n");
    for d in 0..100_000 {
        text.push_str(&format!(
            "  - id: desk{d}\n    name: Desk number {d}\n    unit: unit{}\n    site: {}\n    capabilities: [cap{}, cap{}, common]\n    authority: {}\n    languages: [en, de]\n    hours: \"Mo-Fr 08:00-16:30; Sa 09:00-12:00\"\n    wait_minutes: {}\n    requires: [photo_id]\n",
            d % 100,
            if d % 2 == 0 { "hq" } else { "annex" },
            d % 997,
            d % 13,
            d % 5,
            d % 30
        ));
    }
    let t = std::time::Instant::now();
    let o = load::org_from_str(&text, Format::Yaml, None).unwrap();
    eprintln!(
        "{} bytes, {} desks loaded in {:?}",
        text.len(),
        o.desks().len(),
        t.elapsed()
    );
    assert_eq!(o.desks().len(), 100_000);
}

// ---------------------------------------------------------------------------------------
// Property: no input panics a loader.

fn try_all(text: &str) {
    let org = org();
    for format in [Format::Yaml, Format::Json, Format::Toml] {
        if let Err(e) = load::org_from_str(text, format, None) {
            check_problems(e, text);
        }
        if let Err(e) = load::rules_from_str(text, format, None, &org) {
            check_problems(e, text);
        }
        let _ = load::parse::<serde_json::Value>(text, format, None);
    }
}

fn check_problems(e: LoadError, text: &str) {
    let ps = problems(e);
    assert!(ps.iter().any(Problem::is_error));
    let lines = text.split('\n').count();
    for p in ps {
        if let Some(l) = p.location {
            assert!(l.line >= 1 && l.line <= lines + 1 && l.column >= 1, "{p}");
        }
        let _ = p.to_string();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(text) = load::decode(&bytes, None) {
            try_all(text);
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(text in "[a-z0-9:{}\\[\\],\\- \n\t\"'#&*!|>%@.=\\\\éü\u{feff}]{0,300}") {
        try_all(&text);
    }

    #[test]
    fn mutated_files_never_panic(
        file in prop::sample::select(vec!["org.yaml", "org.json", "org.toml", "rules.yaml", "rules.json", "rules.toml"]),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..3, "[\\[\\]{}:,\"'\\- \na-z0-9#&*.=]{0,3}"), 1..6),
    ) {
        let mut text = std::fs::read_to_string(data(file)).unwrap();
        for (at, op, s) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) { i -= 1; }
            match op {
                0 => text.insert_str(i, &s),
                1 => { let mut j = (i + s.len() + 1).min(text.len()); while !text.is_char_boundary(j) { j -= 1; } text.replace_range(i..j, ""); }
                _ => { let mut j = (i + 1).min(text.len()); while !text.is_char_boundary(j) { j -= 1; } text.replace_range(i..j, &s); }
            }
        }
        let format = Format::from_path(Path::new(file)).unwrap();
        let org = org();
        if file.starts_with("org") {
            if let Err(e) = load::org_from_str(&text, format, None) { check_problems(e, &text); }
        } else if let Err(e) = load::rules_from_str(&text, format, None, &org) {
            check_problems(e, &text);
        }
    }
}

#[test]
fn org_json_depth_is_checked_with_or_without_the_pre_scan() {
    // A parsed organization file is at most 4 levels deep (file, desks, desk, refers):
    // good files skip the nesting pre-scan, but a limit below that still applies, and a
    // deep bad file is still reported as too deep.
    let org = r#"{"sites": [{"id": "hq"}], "units": [{"id": "u"}],
        "desks": [{"id": "d", "unit": "u", "site": "hq", "refers": {"x": "d"}}]}"#;
    assert!(load::org_from_str(org, Format::Json, None).is_ok());
    let mut limits = Limits::default();
    limits.max_depth = 4;
    assert!(load::org_from_str_with_limits(org, Format::Json, None, &limits).is_ok());
    limits.max_depth = 3;
    let p = one(problems(
        load::org_from_str_with_limits(org, Format::Json, None, &limits).unwrap_err(),
    ));
    assert_eq!(p.kind, ProblemKind::TooLarge, "{p}");
    let deep = format!(r#"{{"desks": {}1{}}}"#, "[".repeat(100), "]".repeat(100));
    let p = one(problems(
        load::org_from_str(&deep, Format::Json, None).unwrap_err(),
    ));
    assert_eq!(p.kind, ProblemKind::TooLarge, "{p}");
    assert!(p.message.contains("deeper than 64"), "{p}");
}
