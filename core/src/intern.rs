//! String interning and flattened lists: ids are strings at the edges and dense
//! `u32` indices inside, and a snapshot's many short lists (a user's groups, a
//! group's tenants) live in one vector each.
//!
//! Both keep their contents in a few large allocations rather than one per
//! name or list: loading 100,000 rows spent a third of its time allocating and
//! freeing, most of it here and in the documents.

use core::hash::BuildHasher;

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

/// Name `ix` of the names `text` holds, cut at `ends`; empty past the end.
fn name_at<'t>(text: &'t str, ends: &[u32], ix: u32) -> &'t str {
    let ix = ix as usize;
    let start = match ix.checked_sub(1) {
        Some(before) => ends.get(before).copied().unwrap_or(0),
        None => 0,
    };
    let end = ends.get(ix).copied().unwrap_or(start);
    text.get(start as usize..end as usize).unwrap_or("")
}

impl Interner {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            text: String::new(),
            ends: Vec::with_capacity(capacity),
            table: HashTable::with_capacity(capacity),
        }
    }

    pub(crate) fn name(&self, ix: u32) -> &str {
        name_at(&self.text, &self.ends, ix)
    }

    /// The interner of the names `text` holds, cut at `ends` (ascending, each
    /// at most `text.len()`), in that order; or the index of the first name
    /// that repeats an earlier one.
    pub(crate) fn from_parts(text: String, ends: Vec<u32>) -> Result<Self, usize> {
        let mut names = Self::unindexed(text, ends);
        let (text, ends) = (&names.text, &names.ends);
        let mut table = HashTable::with_capacity(ends.len());
        for ix in 0..ends.len() {
            let known = u32::try_from(ix).unwrap_or(u32::MAX);
            let name = name_at(text, ends, known);
            let hash = hash(name);
            if table
                .find(hash, |&other| name_at(text, ends, other) == name)
                .is_some()
            {
                return Err(ix);
            }
            table.insert_unique(hash, known, |&other| self::hash(name_at(text, ends, other)));
        }
        names.table = table;
        Ok(names)
    }

    /// [`Self::from_parts`] without the hash table, for names looked up by
    /// index only (a compiled snapshot's row ids: hashing 100,000 of them was a
    /// tenth of loading it); [`Self::get`] then searches, and repeats are not
    /// refused.
    pub(crate) fn unindexed(text: String, ends: Vec<u32>) -> Self {
        Self {
            text,
            ends,
            table: HashTable::new(),
        }
    }

    /// Every name, in order: what [`Self::from_parts`] takes back.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|ix| self.name(u32::try_from(ix).unwrap_or(u32::MAX)))
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
        self.table
            .insert_unique(hash, ix, |&known| self::hash(name_at(text, ends, known)));
        (ix, true)
    }

    pub(crate) fn get(&self, name: &str) -> Option<u32> {
        if self.table.is_empty() {
            return self
                .names()
                .position(|known| known == name)
                .and_then(|ix| u32::try_from(ix).ok());
        }
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

    /// The lists `items` holds, cut at `ends` (ascending, the last at
    /// `items.len()`): what [`Self::parts`] gave.
    pub(crate) fn from_parts(items: Vec<u32>, ends: Vec<u32>) -> Self {
        Self {
            items,
            ends,
            seen: HashTable::new(),
        }
    }

    /// The items and where each list ends.
    pub(crate) fn parts(&self) -> (&[u32], &[u32]) {
        (&self.items, &self.ends)
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
