//! Arbitrary requests and status updates against the police example: never a panic, and
//! the indexed router agrees with the reference resolver.
#![no_main]

use std::collections::BTreeMap;
use std::sync::LazyLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rightdesk::load;
use rightdesk::resolve::reference;
use rightdesk::rules::Value;
use rightdesk::{Format, Org, Request, RequestTime, RuleSet, Router, StatusUpdate};

static DATA: LazyLock<(Org, RuleSet)> = LazyLock::new(|| {
    let org = load::org_from_str(
        include_str!("../../examples/police_station/org.yaml"),
        Format::Yaml,
        None,
    )
    .expect("the example organization loads");
    let rules = load::rules_from_str(
        include_str!("../../examples/police_station/rules.yaml"),
        Format::Yaml,
        None,
        &org,
    )
    .expect("the example rules load");
    (org, rules)
});

const WORDS: &[&str] = &[
    "accident_report.copy",
    "accident_report.amend",
    "requester",
    "public",
    "officer",
    "insurer",
    "lawyer",
    "involved_party",
    "case_number_known",
    "hq",
    "westside",
    "eastside",
    "records-counter",
    "records-westside",
    "en",
    "es",
    "records",
];

#[derive(Debug, Arbitrary)]
enum Word {
    Known(u8),
    Any(String),
}

impl Word {
    fn text(&self) -> String {
        match self {
            Word::Known(i) => WORDS[usize::from(*i) % WORDS.len()].to_owned(),
            Word::Any(s) => s.clone(),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum FuzzValue {
    Text(Word),
    Number(f64),
    Bool(bool),
}

#[derive(Debug, Arbitrary)]
enum FuzzUpdate {
    Close(Word, Option<i64>),
    Reopen(Word),
    Add(Word, Word),
    Remove(Word, Word),
    Wait(Word, u32),
}

#[derive(Debug, Arbitrary)]
struct Input {
    need: Word,
    facts: Vec<(Word, FuzzValue)>,
    site: Option<Word>,
    at: Option<(bool, i64)>,
    language: Option<Word>,
    unit: Option<Word>,
    status: Vec<FuzzUpdate>,
}

fn time(local: bool, secs: i64) -> Option<RequestTime> {
    let t = chrono::DateTime::from_timestamp(secs, 0)?;
    Some(if local {
        RequestTime::Local(t.naive_utc())
    } else {
        RequestTime::Instant(t)
    })
}

fuzz_target!(|input: Input| {
    let (org, rules) = &*DATA;
    let facts: BTreeMap<String, Value> = input
        .facts
        .iter()
        .map(|(k, v)| {
            let v = match v {
                FuzzValue::Text(w) => Value::Text(w.text()),
                FuzzValue::Number(n) => Value::Number(*n),
                FuzzValue::Bool(b) => Value::Bool(*b),
            };
            (k.text(), v)
        })
        .collect();
    let req = Request {
        need: input.need.text(),
        facts,
        site: input.site.as_ref().map(Word::text),
        at: input.at.and_then(|(l, s)| time(l, s)),
        language: input.language.as_ref().map(Word::text),
        unit: input.unit.as_ref().map(Word::text),
    };
    let status: Vec<StatusUpdate> = input
        .status
        .iter()
        .map(|u| match u {
            FuzzUpdate::Close(d, until) => StatusUpdate::Close {
                desk: d.text(),
                until: until.and_then(|s| time(true, s)),
                reason: None,
            },
            FuzzUpdate::Reopen(d) => StatusUpdate::Reopen { desk: d.text() },
            FuzzUpdate::Add(d, c) => StatusUpdate::AddCapability {
                desk: d.text(),
                capability: c.text(),
            },
            FuzzUpdate::Remove(d, c) => StatusUpdate::RemoveCapability {
                desk: d.text(),
                capability: c.text(),
            },
            FuzzUpdate::Wait(d, m) => StatusUpdate::SetWait {
                desk: d.text(),
                minutes: *m,
            },
        })
        .collect();
    let router = Router::new(org.clone(), rules.clone());
    let applied = router.update_status(status.clone()).is_ok();
    let fast = router.resolve(&req);
    let _ = router.explain(&req);
    if applied {
        let slow = reference::resolve(org, rules, &status, &req);
        assert_eq!(fast, slow, "router and reference disagree on {req:?} with {status:?}");
    }
    if let Ok(res) = fast {
        let _ = res.to_string();
    }
});
