//! Rules grouped by their most selective equality test.
//!
//! Each rule whose condition has a top-level `eq`/`in` conjunct (through nested `all`) is
//! filed under one such test: the fact and every value it accepts. A request then only
//! needs to consider, per indexed fact, the rules filed under its value of that fact (the
//! others are certainly false); when the request lacks the fact, every rule filed under it
//! is considered, since those are unknown rather than false. Rules without a usable test are
//! always considered. The lists are merged back into evaluation order.

use std::collections::HashMap;

use smallvec::SmallVec;

use super::FastBuild;
use super::cond::{Cond, FactRef, FactVal, Lit};
use crate::resolve::Request;

/// A hashable literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Text(Box<str>),
    Number(u64),
    Bool(bool),
}

fn number_key(n: f64) -> u64 {
    // -0.0 == 0.0 must land in the same bucket.
    if n == 0.0 {
        0.0f64.to_bits()
    } else {
        n.to_bits()
    }
}

impl Key {
    fn of(l: &Lit) -> Key {
        match l {
            Lit::Text(s) => Key::Text(s.clone()),
            Lit::Number(n) => Key::Number(number_key(*n)),
            Lit::Bool(b) => Key::Bool(*b),
        }
    }
}

/// The rules filed under one fact.
#[derive(Debug, Default)]
struct KeyedFact {
    fact: Option<FactRef>,
    text: HashMap<Box<str>, Box<[u32]>, FastBuild>,
    number: HashMap<u64, Box<[u32]>, FastBuild>,
    bools: [Box<[u32]>; 2],
    /// Every rule filed under this fact, in evaluation order.
    all: Box<[u32]>,
}

impl KeyedFact {
    fn bucket(&self, v: FactVal<'_>) -> &[u32] {
        let found = match v {
            FactVal::Text(s) => self.text.get(s),
            FactVal::Number(n) => self.number.get(&number_key(n)),
            FactVal::Bool(b) => return &self.bools[usize::from(b)],
        };
        found.map_or(&[], |b| b)
    }
}

/// Rule positions (in evaluation order) grouped by their most selective equality test.
#[derive(Debug, Default)]
pub(crate) struct RuleIndex {
    /// Rules without a usable equality test.
    always: Box<[u32]>,
    keyed: Box<[KeyedFact]>,
}

/// The lists of rule positions a request must consider (each sorted ascending).
pub(crate) type Lists<'a> = SmallVec<[&'a [u32]; 4]>;

impl RuleIndex {
    /// Index conditions given in evaluation order.
    pub(crate) fn build<'c>(conds: impl Iterator<Item = &'c Cond> + Clone) -> RuleIndex {
        // How many rules accept each (fact, value): the bucket sizes.
        let mut counts: HashMap<(&FactRef, Key), u32> = HashMap::new();
        for c in conds.clone() {
            for (fact, lits) in c.key_candidates() {
                for l in lits {
                    *counts.entry((fact, Key::of(l))).or_default() += 1;
                }
            }
        }
        let mut always: Vec<u32> = Vec::new();
        let mut facts: Vec<FactRef> = Vec::new();
        // Per indexed fact: key -> rule positions.
        let mut buckets: Vec<HashMap<Key, Vec<u32>>> = Vec::new();
        let mut all: Vec<Vec<u32>> = Vec::new();
        for (pos, c) in conds.enumerate() {
            let pos = pos as u32;
            let best = c
                .key_candidates()
                .into_iter()
                .map(|(fact, lits)| {
                    let score: u64 = lits
                        .iter()
                        .map(|l| u64::from(counts.get(&(fact, Key::of(l))).copied().unwrap_or(0)))
                        .sum();
                    (score, fact, lits)
                })
                // The smallest bucket total; on a tie `need` (always present, so its rules
                // are never pulled in wholesale), then the first written.
                .min_by_key(|&(score, fact, _)| (score, *fact != FactRef::Need));
            let Some((_, fact, lits)) = best else {
                always.push(pos);
                continue;
            };
            let fi = match facts.iter().position(|f| f == fact) {
                Some(i) => i,
                None => {
                    facts.push(fact.clone());
                    buckets.push(HashMap::new());
                    all.push(Vec::new());
                    facts.len() - 1
                }
            };
            for l in lits {
                let b = buckets[fi].entry(Key::of(l)).or_default();
                if b.last() != Some(&pos) {
                    b.push(pos);
                }
            }
            all[fi].push(pos);
        }
        let keyed = facts
            .into_iter()
            .zip(buckets)
            .zip(all)
            .map(|((fact, buckets), all)| {
                let mut k = KeyedFact {
                    fact: Some(fact),
                    all: all.into_boxed_slice(),
                    ..KeyedFact::default()
                };
                let mut bools: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
                for (key, list) in buckets {
                    match key {
                        Key::Text(s) => {
                            k.text.insert(s, list.into_boxed_slice());
                        }
                        Key::Number(n) => {
                            k.number.insert(n, list.into_boxed_slice());
                        }
                        Key::Bool(b) => bools[usize::from(b)] = list,
                    }
                }
                let [f, t] = bools;
                k.bools = [f.into_boxed_slice(), t.into_boxed_slice()];
                k
            })
            .collect();
        RuleIndex {
            always: always.into_boxed_slice(),
            keyed,
        }
    }

    /// The sorted lists of rule positions that may be true or unknown for `req`. Every other
    /// rule is certainly false for it.
    #[inline]
    pub(crate) fn lists<'a>(&'a self, req: &Request) -> Lists<'a> {
        let mut out: Lists<'a> = SmallVec::new();
        if !self.always.is_empty() {
            out.push(&self.always);
        }
        for k in self.keyed.iter() {
            let list = match k.fact.as_ref().and_then(|f| f.get(req)) {
                Some(v) => k.bucket(v),
                None => &k.all,
            };
            if !list.is_empty() {
                out.push(list);
            }
        }
        out
    }

    /// How many facts rules are filed under.
    #[cfg(test)]
    pub(crate) fn indexed_facts(&self) -> usize {
        self.keyed.len()
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
    use crate::rules::Condition;

    fn conds(jsons: &[&str]) -> Vec<Cond> {
        jsons
            .iter()
            .map(|j| Cond::compile(&serde_json::from_str::<Condition>(j).unwrap()))
            .collect()
    }

    fn considered(ix: &RuleIndex, req: &Request) -> Vec<u32> {
        Merge::new(ix.lists(req)).collect()
    }

    #[test]
    fn files_rules_under_selective_tests() {
        let cs = conds(&[
            r#"{"fact":"need","eq":"a"}"#,
            r#"{"all":[{"fact":"need","eq":"b"},{"fact":"kind","eq":"x"}]}"#,
            r#"{"fact":"age","gte":18}"#,
            r#"{"all":[{"fact":"kind","in":["x","y"]},{"fact":"need","eq":"a"}]}"#,
            r#"{"fact":"need","in":["a","b"]}"#,
            r#"{"all":[]}"#,
        ]);
        let ix = RuleIndex::build(cs.iter());
        assert_eq!(considered(&ix, &Request::new("a")), [0, 2, 3, 4, 5]);
        assert_eq!(considered(&ix, &Request::new("b")), [1, 2, 4, 5]);
        assert_eq!(considered(&ix, &Request::new("c")), [2, 5]);
        // Every considered rule list is a superset of the non-false rules.
        for need in ["a", "b", "c"] {
            for kind in [None, Some("x"), Some("z")] {
                let mut req = Request::new(need);
                if let Some(k) = kind {
                    req = req.fact("kind", k);
                }
                let got = considered(&ix, &req);
                for (i, c) in cs.iter().enumerate() {
                    if c.eval(&req) != super::super::cond::Tri::False {
                        assert!(got.contains(&(i as u32)), "{need} {kind:?} rule {i}");
                    }
                }
            }
        }
    }

    #[test]
    fn missing_indexed_fact_keeps_its_rules() {
        let cs = conds(&[
            r#"{"fact":"lang","eq":"es"}"#,
            r#"{"fact":"lang","eq":"en"}"#,
            r#"{"fact":"flag","eq":true}"#,
            r#"{"fact":"n","eq":0}"#,
        ]);
        let ix = RuleIndex::build(cs.iter());
        assert_eq!(ix.indexed_facts(), 3);
        assert_eq!(considered(&ix, &Request::new("x")), [0, 1, 2, 3]);
        let req = Request::new("x")
            .fact("lang", "en")
            .fact("flag", false)
            .fact("n", -0.0);
        assert_eq!(considered(&ix, &req), [1, 3]);
    }
}
