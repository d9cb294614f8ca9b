//! String interning and flattened lists: ids are strings at the edges and dense
//! `u32` indices inside, and a snapshot's many short lists (a user's groups, a
//! group's tenants) live in one vector each.
//!
//! Both keep their contents in a few large allocations rather than one per
//! name or list: loading 100,000 rows spent a third of its time allocating and
//! freeing, most of it here and in the documents.

use core::hash::BuildHasher;
use core::ops::Range;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::prelude::*;

/// A dense table of distinct strings; index `i` names the `i`-th string added.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    /// Every name, one after the other.
    text: String,
    /// Where each name ends in `text` (it starts where the previous one ends).
    ends: Vec<u32>,
    /// Name indices, by the hash of their name.
    table: HashTable<u32>,
}

fn hash(name: &str) -> u64 {
    FxBuildHasher.hash_one(name)
}

impl Interner {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            text: String::new(),
            ends: Vec::with_capacity(capacity),
            table: HashTable::with_capacity(capacity),
        }
    }

    fn range(&self, ix: u32) -> Range<usize> {
        let ix = ix as usize;
        let start = match ix.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(ix).copied().unwrap_or(start);
        start as usize..end as usize
    }

    pub(crate) fn name(&self, ix: u32) -> &str {
        self.text.get(self.range(ix)).unwrap_or("")
    }

    /// Adds `name` if new; returns its index and whether it was new.
    pub(crate) fn insert(&mut self, name: &str) -> (u32, bool) {
        let hash = hash(name);
        if let Some(&ix) = self.table.find(hash, |&ix| self.name(ix) == name) {
            return (ix, false);
        }
        // INVARIANT: fewer than 2^32 bytes of names; a snapshot that large cannot
        // be decoded within the input limits of any binding.
        let ix = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
        self.text.push_str(name);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let (text, ends) = (&self.text, &self.ends);
        self.table.insert_unique(hash, ix, |&known| {
            let start = known
                .checked_sub(1)
                .and_then(|before| ends.get(before as usize))
                .copied()
                .unwrap_or(0);
            let end = ends.get(known as usize).copied().unwrap_or(start);
            self::hash(text.get(start as usize..end as usize).unwrap_or(""))
        });
        (ix, true)
    }

    pub(crate) fn get(&self, name: &str) -> Option<u32> {
        self.table
            .find(hash(name), |&ix| self.name(ix) == name)
            .copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
}

/// Many short lists of indices in one vector: list `i` is the `i`-th pushed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lists {
    items: Vec<u32>,
    ends: Vec<u32>,
    /// The items of the list being built, once it is longer than
    /// [`SCANNED`]: a long list (one user in 200,000 groups) is deduplicated
    /// by hash, not by a scan per item, which made loading it quadratic.
    seen: HashTable<u32>,
}

/// Lists up to this long are deduplicated by scanning them (nearly all are).
const SCANNED: usize = 16;

fn hash_item(item: u32) -> u64 {
    FxBuildHasher.hash_one(item)
}

impl Lists {
    pub(crate) fn with_capacity(lists: usize) -> Self {
        Self {
            items: Vec::new(),
            ends: Vec::with_capacity(lists),
            seen: HashTable::new(),
        }
    }

    /// List `ix`; empty for an index past the end (a principal the snapshot
    /// does not list).
    pub(crate) fn get(&self, ix: u32) -> &[u32] {
        let ix = ix as usize;
        let start = match ix.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(ix).copied().unwrap_or(start);
        self.items.get(start as usize..end as usize).unwrap_or(&[])
    }

    /// List `ix`, or nothing when there is no index.
    pub(crate) fn of(&self, ix: Option<u32>) -> &[u32] {
        ix.map_or(&[], |ix| self.get(ix))
    }

    /// Adds an item to the list being built (the next [`Self::end`] closes it),
    /// unless that list already holds it.
    pub(crate) fn add(&mut self, item: u32) {
        let start = self.ends.last().copied().unwrap_or(0) as usize;
        let current = self.items.get(start..).unwrap_or(&[]);
        if current.len() < SCANNED {
            if !current.contains(&item) {
                self.items.push(item);
            }
            return;
        }
        if self.seen.is_empty() {
            for &known in current {
                self.seen
                    .insert_unique(hash_item(known), known, |&k| hash_item(k));
            }
        }
        let hash = hash_item(item);
        if self.seen.find(hash, |&known| known == item).is_none() {
            self.seen.insert_unique(hash, item, |&k| hash_item(k));
            self.items.push(item);
        }
    }

    /// Closes the list being built; returns its index.
    pub(crate) fn end(&mut self) -> u32 {
        self.seen.clear();
        self.ends
            .push(u32::try_from(self.items.len()).unwrap_or(u32::MAX));
        u32::try_from(self.ends.len() - 1).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once_and_round_trips() {
        let mut names = Interner::default();
        assert_eq!(names.insert("kermit"), (0, true));
        assert_eq!(names.insert("gonzo"), (1, true));
        assert_eq!(names.insert("kermit"), (0, false));
        assert_eq!(names.insert(""), (2, true));
        assert_eq!(names.get("gonzo"), Some(1));
        assert_eq!(names.get(""), Some(2));
        assert_eq!(names.get("piggy"), None);
        assert_eq!(names.name(1), "gonzo");
        assert_eq!(names.name(2), "");
        assert_eq!(names.name(7), "");
        assert_eq!(names.len(), 3);
        // Past the table's first growth, every name is still found.
        for i in 0..2_000 {
            names.insert(&format!("user-{i}"));
        }
        for i in 0..2_000 {
            assert_eq!(names.get(&format!("user-{i}")), Some(i + 3));
        }
    }

    #[test]
    fn lists_keep_each_item_once_per_list() {
        let mut lists = Lists::default();
        lists.add(3);
        lists.add(1);
        lists.add(3);
        assert_eq!(lists.end(), 0);
        assert_eq!(lists.end(), 1);
        lists.add(3);
        assert_eq!(lists.end(), 2);
        assert_eq!(lists.get(0), [3, 1]);
        assert_eq!(lists.get(1), [] as [u32; 0]);
        assert_eq!(lists.get(2), [3]);
        assert_eq!(lists.get(9), [] as [u32; 0]);
        assert_eq!(lists.of(None), [] as [u32; 0]);
    }

    #[test]
    fn long_lists_keep_each_item_once_in_order() {
        let mut lists = Lists::default();
        // Past the scanned length, with repeats before and after the switch.
        let items: Vec<u32> = (0..100).chain((0..100).rev()).chain(50..150).collect();
        for &item in &items {
            lists.add(item);
        }
        assert_eq!(lists.end(), 0);
        for item in [7, 7, 8] {
            lists.add(item);
        }
        assert_eq!(lists.end(), 1);
        assert_eq!(lists.get(0), (0..150).collect::<Vec<u32>>());
        assert_eq!(lists.get(1), [7, 8]);
    }
}
