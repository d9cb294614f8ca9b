//! One small sort for every list the core orders: the index's packed keys,
//! interned ids, and the names an answer lists. The standard library's sorts are
//! faster on some inputs but compile to several kilobytes per element type (a
//! fifth of them in the JavaScript package); this is a bottom-up merge sort,
//! stable, `O(n log n)` on every input, a few hundred bytes per type.

use crate::prelude::*;
/// Sorts keys by their bits above the lowest `skip`, stably: a least significant
/// digit first radix sort, a byte a pass, passing over the bytes no two keys
/// differ in. The index sorts 100,000 packed keys twice per load, whose varying
/// bits are a few dozen: four or five passes, where a comparison sort took a
/// tenth of loading.
pub(crate) fn radix_sort(keys: &mut Vec<u128>, skip: u32) {
    let Some(&first) = keys.first() else {
        return;
    };
    let varying = keys.iter().fold(0, |varying, key| varying | (key ^ first));
    let mut scratch = vec![0_u128; keys.len()];
    let mut shift = skip;
    while shift < 128 {
        if (varying >> shift) & 0xff != 0 {
            let mut counts = [0_usize; 257];
            for &key in keys.iter() {
                if let Some(count) = counts.get_mut(digit(key, shift) + 1) {
                    *count += 1;
                }
            }
            for digit in 1..counts.len() {
                let before = counts.get(digit - 1).copied().unwrap_or(0);
                if let Some(count) = counts.get_mut(digit) {
                    *count += before;
                }
            }
            for &key in keys.iter() {
                if let Some(at) = counts.get_mut(digit(key, shift)) {
                    if let Some(slot) = scratch.get_mut(*at) {
                        *slot = key;
                    }
                    *at += 1;
                }
            }
            core::mem::swap(keys, &mut scratch);
        }
        shift += 8;
    }
}

/// The byte of `key` at bit `shift`. Read from the 64-bit half that holds it
/// when one does: wasm32 has no 128-bit shift, and the library call for one
/// per key and pass was a quarter of loading a compiled snapshot in node.
#[inline(always)]
#[expect(
    clippy::cast_possible_truncation,
    reason = "halves and bytes of the key"
)]
fn digit(key: u128, shift: u32) -> usize {
    // Both halves by constant shifts, then a choice between two words: a
    // choice of shift amount became the variable shift again.
    let (low, high) = (key as u64, (key >> 64) as u64);
    let within = shift % 64;
    let byte = if within > 56 {
        (key >> shift) as u64
    } else if shift >= 64 {
        high >> within
    } else {
        low >> within
    };
    (byte & 0xff) as usize
}

/// Runs this long are put in order by insertion first.
const RUN: usize = 16;

/// Sorts `items` by `less`, stably.
pub(crate) fn sort_by<T: Copy>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for run in items.chunks_mut(RUN) {
        insertion_sort(run, &less);
    }
    if items.len() <= RUN {
        return;
    }
    let mut scratch = items.to_vec();
    let mut width = RUN;
    // Passes alternate between `items` and `scratch`; `sorted_in_items` says
    // which holds the runs of `width`.
    let mut sorted_in_items = true;
    while width < items.len() {
        if sorted_in_items {
            merge_pass(items, &mut scratch, width, &less);
        } else {
            merge_pass(&scratch, items, width, &less);
        }
        sorted_in_items = !sorted_in_items;
        width = width.saturating_mul(2);
    }
    if !sorted_in_items {
        items.copy_from_slice(&scratch);
    }
}

/// Sorts and removes repeated items.
pub(crate) fn sort_dedup<T: Copy + Ord>(items: &mut Vec<T>) {
    sort_by(items, |a, b| a < b);
    items.dedup();
}

/// The names in order, each once, as owned strings: what answers list.
pub(crate) fn sorted_names(mut names: Vec<&str>) -> Vec<String> {
    sort_dedup(&mut names);
    names.into_iter().map(str::to_owned).collect()
}

fn insertion_sort<T: Copy>(items: &mut [T], less: &impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut at = i;
        while at > 0 {
            match (items.get(at - 1), items.get(at)) {
                (Some(before), Some(item)) if less(item, before) => items.swap(at - 1, at),
                _ => break,
            }
            at -= 1;
        }
    }
}

/// Merges each pair of neighbouring runs of `width` in `from` into `into`
/// (the same length).
fn merge_pass<T: Copy>(from: &[T], into: &mut [T], width: usize, less: &impl Fn(&T, &T) -> bool) {
    for (pair, out) in from
        .chunks(width.saturating_mul(2))
        .zip(into.chunks_mut(width.saturating_mul(2)))
    {
        let (mut left, mut right) = pair.split_at(width.min(pair.len()));
        for slot in out {
            let take_right = match (left.first(), right.first()) {
                (Some(l), Some(r)) => less(r, l),
                (None, _) => true,
                (Some(_), None) => false,
            };
            let next = if take_right { &mut right } else { &mut left };
            if let Some((&item, rest)) = next.split_first() {
                *slot = item;
                *next = rest;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_library_does() {
        let mut seed = 0x9e37_79b9_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in [0, 1, 2, 15, 16, 17, 31, 32, 33, 100, 1000, 4097] {
            for modulus in [2, 10, 1_000_000] {
                let items: Vec<u64> = (0..len).map(|_| next() % modulus).collect();
                let mut ours = items.clone();
                sort_by(&mut ours, |a, b| a < b);
                let mut theirs = items.clone();
                theirs.sort_unstable();
                assert_eq!(ours, theirs, "{len} items below {modulus}");
                // Stable: pairs sorted by their first half keep their order.
                let mut pairs: Vec<(u64, usize)> = items.iter().copied().zip(0..).collect();
                sort_by(&mut pairs, |a, b| a.0 < b.0);
                let mut expected: Vec<(u64, usize)> = items.iter().copied().zip(0..).collect();
                expected.sort_by_key(|pair| pair.0);
                assert_eq!(pairs, expected);
            }
        }
        for len in [0, 1, 2, 100, 5000] {
            for modulus in [1_u128, 3, 1 << 40, u128::MAX] {
                // Positions in the low 32 bits, as the index packs them.
                let keys: Vec<u128> = (0..len)
                    .map(|ix| ((u128::from(next()) * 0x9e37) % modulus) << 32 | ix)
                    .collect();
                let mut ours = keys.clone();
                radix_sort(&mut ours, 32);
                let mut theirs = keys;
                theirs.sort_unstable();
                assert_eq!(ours, theirs, "{len} keys below {modulus}");
            }
        }
        let mut names = vec!["b", "a", "c", "a"];
        sort_dedup(&mut names);
        assert_eq!(names, ["a", "b", "c"]);
    }
}
