//! String interning: ids are strings at the edges and dense `u32` indices inside.

use crate::prelude::FxHashMap;
use crate::prelude::*;

/// A dense table of distinct strings; index `i` names the `i`-th string added.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    lookup: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            lookup: FxHashMap::with_capacity_and_hasher(capacity, Default::default()),
            names: Vec::with_capacity(capacity),
        }
    }

    /// Adds `name` if new; returns its index and whether it was new.
    pub(crate) fn insert(&mut self, name: &str) -> (u32, bool) {
        if let Some(&ix) = self.lookup.get(name) {
            return (ix, false);
        }
        // INVARIANT: fewer than 2^32 names; a snapshot that large cannot be decoded
        // within the input limits of any binding.
        let ix = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.into());
        self.lookup.insert(name.into(), ix);
        (ix, true)
    }

    pub(crate) fn get(&self, name: &str) -> Option<u32> {
        self.lookup.get(name).copied()
    }

    pub(crate) fn name(&self, ix: u32) -> &str {
        self.names.get(ix as usize).map_or("", |name| name)
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
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
        assert_eq!(names.get("gonzo"), Some(1));
        assert_eq!(names.get("piggy"), None);
        assert_eq!(names.name(1), "gonzo");
        assert_eq!(names.len(), 2);
    }
}
