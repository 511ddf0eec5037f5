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
}
