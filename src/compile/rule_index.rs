//! Rules grouped by their most selective equality test, recursively.
//!
//! Each rule whose condition has a top-level `eq`/`in` conjunct (through nested `all`) is
//! filed under one such test: the fact and every value it accepts. A request then only
//! needs to consider, per indexed fact, the rules filed under its value of that fact (the
//! others are certainly false). When the request lacks the fact, the rules filed under it
//! are unknown or false, and are looked up in a second index of the same kind built over
//! them without that fact (so a missing fact does not pull in every rule filed under it).
//! Rules without a usable test are always considered. The lists are merged back into
//! evaluation order.
//!
//! Within one list, a rule whose condition — with the tests the list's value makes
//! certainly true left out — is the same as an earlier rule's in that list is dropped: on
//! every request that reaches the list the earlier rule is evaluated first with the same
//! verdict (true: it decides; false: so is the later one; unknown: the later one adds no
//! question). This only serves `resolve`; `explain` evaluates every rule.

use std::collections::HashMap;

use smallvec::SmallVec;

use super::fast::{Conds, FCond, Facts, Key, SLOT_NEED, V, number_key};
use super::fast::{ILit, Symbols};
use super::{FastBuild, map_heap_bytes};

/// The rules filed under one fact.
#[derive(Debug, Default)]
struct KeyedFact {
    slot: u32,
    text: HashMap<u32, Level, FastBuild>,
    number: HashMap<u64, Level, FastBuild>,
    bools: [Level; 2],
    /// The rules filed here, indexed without this fact, for requests that lack it.
    missing: Level,
}

impl KeyedFact {
    #[inline]
    fn bucket(&self, v: V<'_>) -> Option<&Level> {
        match v {
            V::Text(s, _) => self.text.get(&s),
            V::Number(n) => self.number.get(&number_key(n)),
            V::Bool(b) => self.bools.get(usize::from(b)),
        }
    }
}

/// Buckets with more rules than this are indexed further on their other tests.
const SPLIT_ABOVE: usize = 16;

/// One level of the index.
#[derive(Debug, Default)]
struct Level {
    /// Rules without a usable equality test (on a fact not already left out).
    always: Box<[u32]>,
    keyed: Box<[KeyedFact]>,
}

/// Rule positions (in evaluation order) grouped by their most selective equality test.
#[derive(Debug, Default)]
pub(crate) struct RuleIndex {
    /// The symbols the conditions were compiled with (to read requests).
    pub symbols: Symbols,
    /// The conditions, in one flat block, in evaluation order.
    pub conds: Conds,
    root: Level,
}

/// The lists of rule positions a request must consider (each sorted ascending).
pub(crate) type Lists<'a> = SmallVec<[&'a [u32]; 8]>;

/// Keep the first rule of each distinct condition (as it behaves under `fixed`).
fn dedup(conds: &[FCond], list: Vec<u32>, fixed: &[(u32, Key)]) -> Box<[u32]> {
    if list.len() < 2 {
        return list.into_boxed_slice();
    }
    let mut seen: std::collections::HashSet<Vec<u64>, FastBuild> = Default::default();
    let mut out = Vec::with_capacity(list.len());
    for pos in list {
        let mut enc = Vec::new();
        if let Some(c) = conds.get(pos as usize) {
            c.encode(fixed, &mut enc);
        }
        if seen.insert(enc) {
            out.push(pos);
        }
    }
    out.into_boxed_slice()
}

impl Level {
    /// Index the rules at `items`, leaving out tests of the `excluded` slots; `fixed`: the
    /// values the slots have on every request that reaches this level.
    fn build(
        conds: &[FCond],
        items: &[u32],
        excluded: &mut Vec<u32>,
        fixed: &mut Vec<(u32, Key)>,
    ) -> Level {
        let keys_of = |pos: u32, excluded: &[u32]| -> Vec<(u32, Vec<ILit>)> {
            let mut k = conds
                .get(pos as usize)
                .map(FCond::key_candidates)
                .unwrap_or_default();
            k.retain(|(s, _)| !excluded.contains(s));
            k
        };
        // How many rules accept each (slot, value): the bucket sizes.
        let mut counts: HashMap<(u32, Key), u32, FastBuild> = HashMap::default();
        for &pos in items {
            for (slot, lits) in keys_of(pos, excluded) {
                for l in lits {
                    *counts.entry((slot, l.key())).or_default() += 1;
                }
            }
        }
        let mut always: Vec<u32> = Vec::new();
        let mut slots: Vec<u32> = Vec::new();
        let mut buckets: Vec<HashMap<Key, Vec<u32>, FastBuild>> = Vec::new();
        let mut filed: Vec<Vec<u32>> = Vec::new();
        for &pos in items {
            let best = keys_of(pos, excluded)
                .into_iter()
                .map(|(slot, lits)| {
                    let score: u64 = lits
                        .iter()
                        .map(|l| u64::from(counts.get(&(slot, l.key())).copied().unwrap_or(0)))
                        .sum();
                    (score, slot, lits)
                })
                // The smallest bucket total; on a tie `need` (always present, so its rules
                // are never looked up as missing), then the first written.
                .min_by_key(|(score, slot, _)| (*score, *slot != SLOT_NEED));
            let Some((_, slot, lits)) = best else {
                always.push(pos);
                continue;
            };
            let fi = match slots.iter().position(|&s| s == slot) {
                Some(i) => i,
                None => {
                    slots.push(slot);
                    buckets.push(HashMap::default());
                    filed.push(Vec::new());
                    slots.len() - 1
                }
            };
            if let Some(b) = buckets.get_mut(fi) {
                for l in lits {
                    let list = b.entry(l.key()).or_default();
                    if list.last() != Some(&pos) {
                        list.push(pos);
                    }
                }
            }
            if let Some(f) = filed.get_mut(fi) {
                f.push(pos);
            }
        }
        let keyed = slots
            .into_iter()
            .zip(buckets)
            .zip(filed)
            .map(|((slot, buckets), filed)| {
                let missing = if slot == SLOT_NEED {
                    // The need is always present.
                    Level::default()
                } else {
                    excluded.push(slot);
                    let l = Level::build(conds, &filed, excluded, fixed);
                    excluded.pop();
                    l
                };
                let mut k = KeyedFact {
                    slot,
                    missing,
                    ..KeyedFact::default()
                };
                let mut bools: [Level; 2] = Default::default();
                for (key, list) in buckets {
                    fixed.push((slot, key));
                    let list = if list.len() > SPLIT_ABOVE {
                        excluded.push(slot);
                        let l = Level::build(conds, &list, excluded, fixed);
                        excluded.pop();
                        l
                    } else {
                        Level {
                            always: dedup(conds, list, fixed),
                            keyed: Box::default(),
                        }
                    };
                    fixed.pop();
                    match key {
                        Key::Text(s) => {
                            k.text.insert(s, list);
                        }
                        Key::Number(n) => {
                            k.number.insert(n, list);
                        }
                        Key::Bool(b) => {
                            if let Some(x) = bools.get_mut(usize::from(b)) {
                                *x = list;
                            }
                        }
                    }
                }
                k.bools = bools;
                k
            })
            .collect();
        Level {
            always: dedup(conds, always, fixed),
            keyed,
        }
    }

    fn push_lists<'a>(&'a self, f: &Facts<'_>, out: &mut Lists<'a>) {
        if !self.always.is_empty() {
            out.push(&self.always);
        }
        for k in self.keyed.iter() {
            match f.get(k.slot) {
                Some(v) => {
                    if let Some(l) = k.bucket(v) {
                        l.push_lists(f, out);
                    }
                }
                None => k.missing.push_lists(f, out),
            }
        }
    }

    fn heap_bytes(&self) -> usize {
        self.always.len() * 4
            + self
                .keyed
                .iter()
                .map(|k| {
                    std::mem::size_of::<KeyedFact>()
                        + map_heap_bytes::<u32, Level>(k.text.capacity())
                        + k.text.values().map(Level::heap_bytes).sum::<usize>()
                        + map_heap_bytes::<u64, Level>(k.number.capacity())
                        + k.number.values().map(Level::heap_bytes).sum::<usize>()
                        + k.bools.iter().map(Level::heap_bytes).sum::<usize>()
                        + k.missing.heap_bytes()
                })
                .sum::<usize>()
    }
}

impl RuleIndex {
    /// Index conditions given in evaluation order, compiled with `symbols`.
    pub(crate) fn build(symbols: Symbols, conds: &[FCond]) -> RuleIndex {
        let items: Vec<u32> = (0..conds.len() as u32).collect();
        RuleIndex {
            symbols,
            conds: Conds::build(conds),
            root: Level::build(conds, &items, &mut Vec::new(), &mut Vec::new()),
        }
    }

    /// The sorted lists of rule positions to evaluate for a request's values: every rule
    /// left out is false for it, or behaves as an earlier rule that is in the lists.
    #[inline]
    pub(crate) fn lists_for<'a>(&'a self, f: &Facts<'_>) -> Lists<'a> {
        let mut out: Lists<'a> = SmallVec::new();
        self.root.push_lists(f, &mut out);
        out
    }

    /// Heap bytes of the lists, the conditions and the symbol tables.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.root.heap_bytes() + self.conds.heap_bytes() + self.symbols.heap_bytes()
    }

    /// How many facts rules are filed under at the top level.
    #[cfg(test)]
    pub(crate) fn indexed_facts(&self) -> usize {
        self.root.keyed.len()
    }
}

/// Merge sorted lists of rule positions into one ascending sequence.
pub(crate) struct Merge<'a> {
    lists: Lists<'a>,
}

impl<'a> Merge<'a> {
    pub(crate) fn new(lists: Lists<'a>) -> Merge<'a> {
        Merge { lists }
    }
}

impl Iterator for Merge<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        match self.lists.len() {
            0 => None,
            1 => {
                let l = &mut self.lists[0];
                let (&head, rest) = l.split_first()?;
                *l = rest;
                Some(head)
            }
            _ => {
                let mut best: Option<(usize, u32)> = None;
                for (i, l) in self.lists.iter().enumerate() {
                    if let Some(&h) = l.first() {
                        if best.is_none_or(|(_, b)| h < b) {
                            best = Some((i, h));
                        }
                    }
                }
                let (i, h) = best?;
                if let Some(l) = self.lists.get_mut(i) {
                    *l = l.get(1..).unwrap_or(&[]);
                    if l.is_empty() {
                        self.lists.swap_remove(i);
                    }
                }
                Some(h)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::cond::{Cond, Tri};
    use crate::model::Id;
    use crate::resolve::Request;
    use crate::rules::Condition;

    fn index(jsons: &[&str]) -> (Vec<Cond>, RuleIndex) {
        let cs: Vec<Cond> = jsons
            .iter()
            .map(|j| Cond::compile(&serde_json::from_str::<Condition>(j).unwrap()))
            .collect();
        let mut s = Symbols::new([Id::from("kind"), Id::from("lang")].iter());
        let fs: Vec<FCond> = cs.iter().map(|c| s.compile(c)).collect();
        (cs, RuleIndex::build(s, &fs))
    }

    fn considered(ix: &RuleIndex, req: &Request) -> Vec<u32> {
        Merge::new(ix.lists_for(&ix.symbols.facts(req))).collect()
    }

    /// The first true rule and the missing facts of the unknown ones before it.
    fn decide(cs: &[Cond], req: &Request, positions: impl Iterator<Item = u32>) -> String {
        let mut missing = Vec::new();
        for p in positions {
            let c = &cs[p as usize];
            match c.eval(req) {
                Tri::True => return format!("{p} {missing:?}"),
                Tri::Unknown => {
                    c.eval_missing(req, &mut missing);
                }
                Tri::False => {}
            }
        }
        format!("none {missing:?}")
    }

    #[test]
    fn files_rules_under_selective_tests() {
        let (cs, ix) = index(&[
            r#"{"fact":"need","eq":"a"}"#,
            r#"{"all":[{"fact":"need","eq":"b"},{"fact":"kind","eq":"x"}]}"#,
            r#"{"fact":"age","gte":18}"#,
            r#"{"all":[{"fact":"kind","in":["x","y"]},{"fact":"need","eq":"a"}]}"#,
            r#"{"fact":"need","in":["a","b"]}"#,
            r#"{"all":[]}"#,
            r#"{"all":[{"fact":"need","in":["b","c"]},{"fact":"kind","eq":"x"}]}"#,
        ]);
        // Rule 4 behaves as rule 0 for need a. Rule 6 is filed under `kind` (found under
        // its need when the request lacks `kind`), so it is not compared with rule 1.
        assert_eq!(considered(&ix, &Request::new("a")), [0, 2, 3, 5]);
        assert_eq!(considered(&ix, &Request::new("b")), [1, 2, 4, 5, 6]);
        assert_eq!(considered(&ix, &Request::new("c")), [2, 5, 6]);
        // The decision is the one of evaluating every rule.
        for need in ["a", "b", "c"] {
            for kind in [None, Some("x"), Some("z")] {
                let mut req = Request::new(need);
                if let Some(k) = kind {
                    req = req.fact("kind", k);
                }
                assert_eq!(
                    decide(&cs, &req, considered(&ix, &req).into_iter()),
                    decide(&cs, &req, 0..cs.len() as u32),
                    "{need} {kind:?}"
                );
            }
        }
    }

    #[test]
    fn missing_indexed_fact_looks_further() {
        let (cs, ix) = index(&[
            r#"{"fact":"lang","eq":"es"}"#,
            r#"{"fact":"lang","eq":"en"}"#,
            r#"{"fact":"flag","eq":true}"#,
            r#"{"fact":"n","eq":0}"#,
            r#"{"all":[{"fact":"kind","eq":"k1"},{"fact":"need","in":["p","q"]}]}"#,
            r#"{"all":[{"fact":"kind","eq":"k2"},{"fact":"need","eq":"r"}]}"#,
            r#"{"fact":"need","eq":"r"}"#,
        ]);
        // lang, flag, n, kind (rules 4 and 5), need (rule 6).
        assert_eq!(ix.indexed_facts(), 5);
        assert_eq!(considered(&ix, &Request::new("x")), [0, 1, 2, 3]);
        // Without `kind`, rules 4 and 5 are found under their need.
        assert_eq!(considered(&ix, &Request::new("p")), [0, 1, 2, 3, 4]);
        assert_eq!(considered(&ix, &Request::new("r")), [0, 1, 2, 3, 5, 6]);
        assert_eq!(
            considered(&ix, &Request::new("r").fact("kind", "k1")),
            [0, 1, 2, 3, 4, 6]
        );
        let req = Request::new("x")
            .fact("lang", "en")
            .fact("flag", false)
            .fact("n", -0.0);
        assert_eq!(considered(&ix, &req), [1, 3]);
        for req in [
            Request::new("p"),
            Request::new("r").fact("kind", "k2"),
            Request::new("r").fact("kind", "k1"),
            Request::new("q").fact("lang", "es").fact("kind", "j"),
        ] {
            assert_eq!(
                decide(&cs, &req, considered(&ix, &req).into_iter()),
                decide(&cs, &req, 0..cs.len() as u32),
                "{req:?}"
            );
        }
    }

    #[test]
    fn large_buckets_are_split_without_changing_decisions() {
        // 120 rules, most filed under `kind` (a small bucket total), in buckets far larger
        // than SPLIT_ABOVE; the sub-indexes file them under `need`.
        let needs = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let mut jsons = Vec::new();
        for i in 0..120 {
            let kind = ["x", "y"][i % 2];
            let n1 = needs[i % 8];
            let n2 = needs[(i / 8) % 8];
            let extra = match i % 5 {
                0 => r#"{"fact":"lang","eq":"es"}"#.to_owned(),
                1 => r#"{"fact":"age","gte":18}"#.to_owned(),
                2 => r#"{"any":[{"fact":"lang","eq":"en"},{"fact":"age","lt":10}]}"#.to_owned(),
                3 => r#"{"not":{"fact":"flag","eq":true}}"#.to_owned(),
                _ => r#"{"all":[]}"#.to_owned(),
            };
            jsons.push(format!(
                r#"{{"all":[{{"fact":"kind","eq":"{kind}"}},{{"fact":"need","in":["{n1}","{n2}"]}},{extra}]}}"#
            ));
        }
        for n in needs {
            for _ in 0..8 {
                jsons.push(format!(
                    r#"{{"all":[{{"fact":"need","eq":"{n}"}},{{"fact":"age","gte":65}}]}}"#
                ));
            }
        }
        let refs: Vec<&str> = jsons.iter().map(String::as_str).collect();
        let (cs, ix) = index(&refs);
        let mut reqs = Vec::new();
        for need in needs.iter().chain(&["z"]) {
            for kind in [None, Some("x"), Some("y"), Some("w")] {
                for lang in [None, Some("es"), Some("en")] {
                    for age in [None, Some(5i64), Some(30), Some(70)] {
                        let mut r = Request::new(*need);
                        if let Some(k) = kind {
                            r = r.fact("kind", k);
                        }
                        if let Some(l) = lang {
                            r = r.fact("lang", l);
                        }
                        if let Some(a) = age {
                            r = r.fact("age", a);
                        }
                        reqs.push(r.clone());
                        reqs.push(r.fact("flag", true));
                    }
                }
            }
        }
        let mut fewer = 0;
        for req in &reqs {
            let got = considered(&ix, req);
            fewer += usize::from(got.len() < 40);
            assert_eq!(
                decide(&cs, req, got.into_iter()),
                decide(&cs, req, 0..cs.len() as u32),
                "{req:?}"
            );
        }
        assert!(fewer > reqs.len() / 2);
    }
}
