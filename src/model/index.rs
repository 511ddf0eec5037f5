//! [`IdIndex`]: id → index look-up that stores only the `u32` index per entry; the ids
//! themselves stay where they already are (e.g. in [`Org::desks`](crate::Org::desks)).

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

/// A hash index from ids to positions in a table that holds the ids: 4 bytes per entry
/// (plus one control byte), where a `HashMap<Id, u32>` takes 24 and a second pointer to
/// the string. Every look-up names the table's ids with `key(ix)`.
/// Hashed with foldhash, seeded per index (ids may come from an untrusted file).
#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl IdIndex {
    /// An empty index with room for `n` ids.
    pub(crate) fn with_capacity(n: usize) -> IdIndex {
        IdIndex {
            table: HashTable::with_capacity(n),
            hasher: DefaultHashBuilder::default(),
        }
    }

    /// The index of `id`, if indexed.
    pub(crate) fn get<'a>(&self, id: &str, key: impl Fn(u32) -> &'a str) -> Option<u32> {
        self.table
            .find(self.hasher.hash_one(id), |&ix| key(ix) == id)
            .copied()
    }

    /// Index `id` at `ix`, unless it is already indexed: then `Err` with its index.
    pub(crate) fn insert<'a>(
        &mut self,
        id: &str,
        ix: u32,
        key: impl Fn(u32) -> &'a str,
    ) -> Result<(), u32> {
        let h = self.hasher.hash_one(id);
        if let Some(&old) = self.table.find(h, |&i| key(i) == id) {
            return Err(old);
        }
        let hasher = &self.hasher;
        self.table
            .insert_unique(h, ix, |&i| hasher.hash_one(key(i)));
        Ok(())
    }
}

/// An id → index look-up for reading many references while an organization is built:
/// ids of up to 16 bytes are kept in the table itself, so a look-up reads one entry
/// instead of following a pointer to the id's string (a cache miss per desk when 1M desks
/// name 300k units). 24 bytes per entry: it is dropped once the organization is built.
#[derive(Debug, Default)]
pub(crate) struct ShortIdIndex {
    table: HashTable<ShortEntry>,
    hasher: DefaultHashBuilder,
}

#[derive(Debug, Clone, Copy)]
struct ShortEntry {
    head: [u8; SHORT],
    len: u32,
    ix: u32,
}

/// Ids up to this many bytes are compared in the table.
const SHORT: usize = 16;

fn head(id: &str) -> [u8; SHORT] {
    let mut b = [0u8; SHORT];
    for (to, from) in b.iter_mut().zip(id.bytes()) {
        *to = from;
    }
    b
}

impl ShortIdIndex {
    /// Index the distinct ids `key(0)`, …, `key(n - 1)`, each at its position.
    pub(crate) fn new<'a>(n: u32, key: impl Fn(u32) -> &'a str) -> ShortIdIndex {
        let mut table = HashTable::with_capacity(n as usize);
        let hasher = DefaultHashBuilder::default();
        for ix in 0..n {
            let id = key(ix);
            let entry = ShortEntry {
                head: head(id),
                len: id.len() as u32,
                ix,
            };
            table.insert_unique(hasher.hash_one(id), entry, |e| hasher.hash_one(key(e.ix)));
        }
        ShortIdIndex { table, hasher }
    }

    /// The index of `id`; `key(ix)` names the id at `ix` (read only for ids longer than 16
    /// bytes).
    pub(crate) fn get<'a>(&self, id: &str, key: impl Fn(u32) -> &'a str) -> Option<u32> {
        let h = head(id);
        self.table
            .find(self.hasher.hash_one(id), |e| {
                e.len as usize == id.len() && e.head == h && (id.len() <= SHORT || key(e.ix) == id)
            })
            .map(|e| e.ix)
    }

    /// How many ids are indexed.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_and_refuses_duplicates() {
        let ids: Vec<String> = (0..1000).map(|i| format!("d{i}")).collect();
        let key = |i: u32| ids[i as usize].as_str();
        let mut ix = IdIndex::with_capacity(10);
        for i in 0..1000u32 {
            assert_eq!(ix.insert(&ids[i as usize], i, key), Ok(()));
        }
        assert_eq!(ix.insert("d7", 5, key), Err(7));
        assert_eq!(ix.table.len(), 1000);
        assert_eq!(ix.get("d999", key), Some(999));
        assert_eq!(ix.get("nope", key), None);
    }

    #[test]
    fn short_ids_are_found_in_the_table_and_long_ones_checked() {
        let mut ids: Vec<String> = (0..1000).map(|i| format!("u{i}")).collect();
        ids.push("a-rather-long-unit-id-0001".to_owned());
        ids.push("a-rather-long-unit-id-0002".to_owned());
        ids.push("exactly-16-bytes".to_owned());
        let key = |i: u32| ids[i as usize].as_str();
        let ix = ShortIdIndex::new(ids.len() as u32, key);
        assert_eq!(ix.len(), ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(ix.get(id, key), Some(i as u32));
        }
        for nope in [
            "",
            "u",
            "u1000",
            "a-rather-long-unit-id-0003",
            "exactly-16-byteS",
            "u1\0",
        ] {
            assert_eq!(ix.get(nope, key), None, "{nope}");
        }
    }
}
