//! The per-source index, built once per snapshot: rows sorted by (owner, resource
//! type, resource id) so that one check reads only the rows of that principal on
//! that resource, and a list query only that principal's rows of that type.
//!
//! The Camunda 7 hot path reads two more views, so that a check costs about two
//! hash lookups instead of two per owner: every row on one (type, resource id)
//! whoever owns it — a few dozen at most in real organisations, scanned for the
//! principal's owners — and a bit per (user or group, type) saying whether the
//! owner has wildcard rows of the type, which most owners do not.

use crate::prelude::*;

use crate::model::{
    GroupIx, Owner, PROPERTY_RESOURCES, ResIx, Row, RowIx, TypeIx, UserIx, WILDCARD,
};
use crate::principal::Bits;
use crate::wire::AuthorizationType;

/// What a check needs of a row, stored contiguously per key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub mask: u32,
    pub row: RowIx,
    pub resource: ResIx,
    pub kind: AuthorizationType,
}

/// A row of [`SourceIndex::rows_on_resource`]: its owner and what a check reads
/// (16 bytes, so that the rows on one resource take few cache lines).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OwnedEntry {
    pub owner: Owner,
    mask: u32,
    kind: AuthorizationType,
    /// [`owner_shift`] of the owner.
    owner_shift: u8,
}

impl OwnedEntry {
    /// Whether the owner may be one of `owners`: `false` is certain, `true`
    /// needs the exact comparison.
    #[inline(always)]
    pub(crate) fn may_be_among(&self, owners: &OwnerSet) -> bool {
        owners.contains(self.owner_shift)
    }

    /// The row as an [`Entry`] (without its position, which checks never read).
    #[inline(always)]
    pub(crate) fn entry(&self) -> Entry {
        Entry {
            mask: self.mask,
            row: 0,
            resource: 0,
            kind: self.kind,
        }
    }
}

/// The index's maps: a key packed into one integer (hashing and comparing it is
/// one operation each, where the derived impls over the `Owner` enum were a
/// call per probe at the package's `opt-level = "z"`) to a span of rows, with
/// its wildcard summary ([`Span`]) or without ([`Ranges`]). One key type, so
/// that the package holds two copies of the hash table's code, not three; the
/// two maps read for every check keep small entries, which one random lookup a
/// check misses the cache for less often (`grants` `can` 509 → 381 ns).
type Spans = hashbrown::HashMap<u128, Span, KeyHash>;
type Ranges = hashbrown::HashMap<u128, (u32, u32), KeyHash>;

/// Hashes the index's packed keys. FxHash multiplies, and a product's low
/// bits depend only on the key's low bits, which here are mostly one type or
/// zero: on wasm32, where the hash is 32 bits and its top seven are the
/// table's tags, every key of 100,000 owners had nearly one tag and one of a
/// few thousand buckets, and comparing the colliding keys was half of
/// loading a million rows. This mixes the whole key into every bit.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct KeyHasher(u64);

type KeyHash = core::hash::BuildHasherDefault<KeyHasher>;

impl core::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u128(u128::from(byte) ^ u128::from(self.0));
        }
    }

    #[inline(always)]
    #[expect(clippy::cast_possible_truncation, reason = "the key's two halves")]
    fn write_u128(&mut self, key: u128) {
        let (low, high) = (key as u64, (key >> 64) as u64);
        let mixed =
            (low ^ high.wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        self.0 = mixed ^ (mixed >> 32);
    }

    #[inline(always)]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// (owner, type).
fn owner_type(owner: Owner, ty: TypeIx) -> u128 {
    let (kind, id) = owner_rank(owner);
    (u128::from(kind) << 48) | (u128::from(id) << 16) | u128::from(ty)
}

/// (owner, type, resource).
fn owner_type_resource(owner: Owner, ty: TypeIx, resource: ResIx) -> u128 {
    (owner_type(owner, ty) << 32) | u128::from(resource)
}

/// (type, resource).
fn type_resource(ty: TypeIx, resource: ResIx) -> u128 {
    (u128::from(ty) << 32) | u128::from(resource)
}

impl Entry {
    fn of(row: &Row, ix: RowIx) -> Self {
        Self {
            mask: row.mask,
            row: ix,
            resource: row.resource,
            kind: row.kind,
        }
    }

    /// The bits this row grants: a GRANT or GLOBAL row's mask.
    #[inline(always)]
    pub(crate) fn granted(&self) -> u32 {
        match self.kind {
            AuthorizationType::Grant | AuthorizationType::Global => self.mask,
            AuthorizationType::Revoke => 0,
        }
    }

    /// The bits this row revokes: those a REVOKE or GLOBAL row's mask lacks.
    #[inline(always)]
    pub(crate) fn revoked(&self) -> u32 {
        match self.kind {
            AuthorizationType::Revoke | AuthorizationType::Global => !self.mask,
            AuthorizationType::Grant => 0,
        }
    }
}

/// A half-open range into [`SourceIndex::entries`], with the union of its
/// wildcard rows' granted and revoked bits.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
    /// Where the wildcard rows end (they come first).
    wildcard_end: u32,
    granted: u32,
    revoked: u32,
}

impl Span {
    /// The rows from `start` to `end`, none of them wildcard rows.
    fn of(start: u32, end: u32) -> Self {
        Self {
            start,
            end,
            wildcard_end: start,
            granted: 0,
            revoked: 0,
        }
    }

    /// Adds the next entry; the unions cover wildcard rows only (which sort
    /// first), and `wildcard_end` marks where they stop.
    fn extend(&mut self, entry: &Entry) {
        self.end += 1;
        if entry.resource == WILDCARD {
            self.wildcard_end = self.end;
            self.granted |= entry.granted();
            self.revoked |= entry.revoked();
        }
    }
}

/// The rows on one (type, resource id), as a prepared question keeps them: the
/// span, where its GLOBAL rows start, and the owners of the rest.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PreparedRows {
    start: u32,
    globals: u32,
    end: u32,
    owners: OwnerSet,
}

impl PreparedRows {
    /// The span of the rows that may concern a principal with these owners: all
    /// of them, or only the GLOBAL rows when no other row's owner is among them.
    #[inline(always)]
    pub(crate) fn span_for(&self, owners: &OwnerSet) -> (u32, u32) {
        let start = if self.owners.meets(owners) {
            self.start
        } else {
            self.globals
        };
        (start, self.end)
    }
}

/// Some rows of one owner on one resource, with the union of their granted and
/// revoked bits: any row revokes some bit of `p` exactly when `revoked & p != 0`,
/// and for a single-bit `p` some row grants it exactly when `granted & p != 0`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rows<'i> {
    pub entries: &'i [Entry],
    pub granted: u32,
    pub revoked: u32,
}

impl Rows<'_> {
    const NONE: Rows<'static> = Rows {
        entries: &[],
        granted: 0,
        revoked: 0,
    };

    pub(crate) fn bits(&self) -> Bits {
        Bits {
            granted: self.granted,
            revoked: self.revoked,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct SourceIndex {
    entries: Vec<Entry>,
    by_owner_type: Spans,
    /// (owner, type, id) → its rows, when built; without it [`Self::rows_on`]
    /// searches the owner's rows of the type.
    by_key: Option<Ranges>,
    /// User, group and GLOBAL rows on a specific id, by (type, id).
    on_resource: Vec<OwnedEntry>,
    by_type_resource: Ranges,
    /// Bit `ty` set when the user (group) has wildcard rows of type `ty`; types
    /// past 63 always set.
    user_wildcards: Vec<u64>,
    group_wildcards: Vec<u64>,
    /// GLOBAL rows' wildcard span per type (every check reads it): by index, not hash.
    global_wildcards: Vec<Option<Span>>,
    user_revokes: Vec<bool>,
    group_revokes: Vec<bool>,
    any_user_revoke: bool,
}

impl SourceIndex {
    pub(crate) fn build(rows: &[Row], user_count: usize, group_count: usize, exact: bool) -> Self {
        let order = owner_order(rows);
        let mut index = Self {
            entries: Vec::with_capacity(rows.len()),
            by_owner_type: Spans::default(),
            by_key: exact.then(Ranges::default),
            on_resource: Vec::new(),
            by_type_resource: Ranges::default(),
            user_wildcards: vec![0; user_count],
            group_wildcards: vec![0; group_count],
            global_wildcards: Vec::new(),
            user_revokes: vec![false; user_count],
            group_revokes: vec![false; group_count],
            any_user_revoke: false,
        };
        let sorted_rows: Vec<(RowIx, &Row)> = order
            .iter()
            .filter_map(|&ix| rows.get(ix as usize).map(|row| (ix, row)))
            .collect();
        // The rows of one (owner, type) are contiguous, and the same for
        // (owner, type, id): each map gets one entry per run, not per row.
        for run in sorted_rows.chunk_by(|(_, a), (_, b)| a.owner == b.owner && a.ty == b.ty) {
            let Some(&(_, first)) = run.first() else {
                continue;
            };
            let start = u32::try_from(index.entries.len()).unwrap_or(u32::MAX);
            let mut span = Span::of(start, start);
            for &(ix, row) in run {
                let entry = Entry::of(row, ix);
                span.extend(&entry);
                index.entries.push(entry);
                if row.kind == AuthorizationType::Revoke {
                    match row.owner {
                        Owner::User(user) => set(&mut index.user_revokes, user),
                        Owner::Group(group) => set(&mut index.group_revokes, group),
                        Owner::AnyUser => index.any_user_revoke = true,
                        Owner::Global
                        | Owner::Client(_)
                        | Owner::Role(_)
                        | Owner::MappingRule(_) => {}
                    }
                }
            }
            if let Some(by_key) = &mut index.by_key {
                let mut at = start;
                for same in run.chunk_by(|(_, a), (_, b)| a.resource == b.resource) {
                    let end = at + u32::try_from(same.len()).unwrap_or(0);
                    let resource = same.first().map_or(0, |(_, row)| row.resource);
                    let key = owner_type_resource(first.owner, first.ty, resource);
                    by_key.insert(key, (at, end));
                    at = end;
                }
            }
            if span.wildcard_end > span.start {
                match first.owner {
                    Owner::User(user) => {
                        add_bits(&mut index.user_wildcards, user, type_bit(first.ty))
                    }
                    Owner::Group(group) => {
                        add_bits(&mut index.group_wildcards, group, type_bit(first.ty))
                    }
                    Owner::AnyUser
                    | Owner::Global
                    | Owner::Client(_)
                    | Owner::Role(_)
                    | Owner::MappingRule(_) => {}
                }
            }
            if first.owner == Owner::Global {
                let ty = usize::from(first.ty);
                if index.global_wildcards.len() <= ty {
                    index.global_wildcards.resize(ty + 1, None);
                }
                if let Some(slot) = index.global_wildcards.get_mut(ty) {
                    *slot = Some(span);
                }
            }
            index
                .by_owner_type
                .insert(owner_type(first.owner, first.ty), span);
        }
        index.index_resources(rows, &order);
        index
    }

    /// Builds [`Self::rows_on_resource`]: the rows a Camunda 7 check consults on
    /// a specific id (user, group and GLOBAL rows), grouped by (type, id), and
    /// within that by owner and position. `by_owner` is every row in owner
    /// order (the entries' order): sorted stably by resource and then by type,
    /// that is the order wanted, by two counting sorts of the entries
    /// themselves, where sorting packed keys and then reading each row at its
    /// position (a cache miss per row) was half of loading a million rows.
    fn index_resources(&mut self, rows: &[Row], by_owner: &[RowIx]) {
        // `*` user rows are read where the `*` rows are; under `grants` roles',
        // clients' and mapping rules' rows are here too (a prepared handle
        // scans the rows on a resource for its owners).
        let consulted = |row: &&Row| row.resource != WILDCARD && row.owner != Owner::AnyUser;
        let placed: Vec<Placed> = by_owner
            .iter()
            .filter_map(|&ix| rows.get(ix as usize))
            .filter(consulted)
            .map(|row| Placed {
                resource: row.resource,
                ty: row.ty,
                entry: OwnedEntry {
                    owner: row.owner,
                    mask: row.mask,
                    kind: row.kind,
                    owner_shift: owner_shift(row.owner),
                },
            })
            .collect();
        // PROPERTY matchers' reserved indices sort after every resource id.
        let ids = placed
            .iter()
            .map(|placed| placed.resource)
            .filter(|&resource| resource < PROPERTY_BASE)
            .max()
            .map_or(0, |max| max as usize + 1);
        let bucket = |resource: ResIx| match resource.checked_sub(PROPERTY_BASE) {
            Some(property) => ids + property as usize,
            None => resource as usize,
        };
        let placed = counting_sort(placed, ids + PROPERTY_RESOURCES.len(), |placed| {
            bucket(placed.resource)
        });
        // Most snapshots' rows on ids are of one type: then one sort does.
        let first_type = placed.first().map(|placed| placed.ty);
        let placed = if placed.iter().any(|other| Some(other.ty) != first_type) {
            let types = placed.iter().map(|placed| usize::from(placed.ty) + 1).max();
            counting_sort(placed, types.unwrap_or(0), |placed| usize::from(placed.ty))
        } else {
            placed
        };
        self.on_resource.reserve_exact(placed.len());
        let mut run: Option<(u128, u32)> = None;
        for placed in placed {
            let at = u32::try_from(self.on_resource.len()).unwrap_or(u32::MAX);
            let key = type_resource(placed.ty, placed.resource);
            match run {
                Some((known, _)) if known == key => {}
                Some((known, start)) => {
                    self.by_type_resource.insert(known, (start, at));
                    run = Some((key, at));
                }
                None => run = Some((key, at)),
            }
            self.on_resource.push(placed.entry);
        }
        if let Some((key, start)) = run {
            let end = u32::try_from(self.on_resource.len()).unwrap_or(u32::MAX);
            self.by_type_resource.insert(key, (start, end));
        }
    }

    /// Every row on the specific id `resource` of type `ty` but user `*`'s.
    pub(crate) fn rows_on_resource(&self, ty: TypeIx, resource: ResIx) -> &[OwnedEntry] {
        self.rows_in(self.resource_span(ty, resource))
    }

    /// Where [`Self::rows_on_resource`] finds the rows on (`ty`, `resource`):
    /// what a prepared question keeps, so that asking it looks nothing up.
    pub(crate) fn resource_span(&self, ty: TypeIx, resource: ResIx) -> (u32, u32) {
        self.by_type_resource
            .get(&type_resource(ty, resource))
            .copied()
            .unwrap_or((0, 0))
    }

    /// What a prepared question keeps of the rows on (`ty`, `resource`).
    pub(crate) fn prepare_rows(&self, ty: TypeIx, resource: ResIx) -> PreparedRows {
        let (start, end) = self.resource_span(ty, resource);
        let mut prepared = PreparedRows {
            start,
            globals: start,
            end,
            owners: OwnerSet::default(),
        };
        // GLOBAL rows sort last (`index_resources`).
        for row in self.rows_in((start, end)) {
            if row.owner == Owner::Global {
                break;
            }
            prepared.owners.insert(row.owner_shift);
            prepared.globals += 1;
        }
        prepared
    }

    /// The rows of a span [`Self::resource_span`] gave.
    pub(crate) fn rows_in(&self, (start, end): (u32, u32)) -> &[OwnedEntry] {
        self.on_resource
            .get(start as usize..end as usize)
            .unwrap_or(&[])
    }

    /// The wildcard rows of `owner` on type `ty`, skipping the lookup for users
    /// and groups known to have none.
    #[inline(always)]
    pub(crate) fn wildcard_rows(&self, owner: Owner, ty: TypeIx) -> Rows<'_> {
        let bits = match owner {
            Owner::User(user) => self.user_wildcards.get(user as usize),
            Owner::Group(group) => self.group_wildcards.get(group as usize),
            Owner::AnyUser
            | Owner::Global
            | Owner::Client(_)
            | Owner::Role(_)
            | Owner::MappingRule(_) => None,
        };
        if bits.is_some_and(|bits| bits & type_bit(ty) == 0) {
            return Rows::NONE;
        }
        let span = if owner == Owner::Global {
            self.global_wildcards
                .get(usize::from(ty))
                .copied()
                .flatten()
        } else {
            self.by_owner_type.get(&owner_type(owner, ty)).copied()
        };
        let Some(span) = span else {
            return Rows::NONE;
        };
        Rows {
            entries: self
                .entries
                .get(span.start as usize..span.wildcard_end as usize)
                .unwrap_or(&[]),
            granted: span.granted,
            revoked: span.revoked,
        }
    }

    fn span(&self, span: Option<&Span>) -> &[Entry] {
        span.and_then(|span| self.entries.get(span.start as usize..span.end as usize))
            .unwrap_or(&[])
    }

    /// The rows of `owner` on exactly (`ty`, `resource`): one lookup when the
    /// exact map was built, else a binary search inside the owner's rows of the type.
    pub(crate) fn rows_on(&self, owner: Owner, ty: TypeIx, resource: ResIx) -> &[Entry] {
        let Some(by_key) = &self.by_key else {
            return on_resource(self.rows_of_type(owner, ty), resource);
        };
        by_key
            .get(&owner_type_resource(owner, ty, resource))
            .and_then(|&(start, end)| self.entries.get(start as usize..end as usize))
            .unwrap_or(&[])
    }

    /// Every row of `owner` on resource type `ty`, grouped by resource id.
    pub(crate) fn rows_of_type(&self, owner: Owner, ty: TypeIx) -> &[Entry] {
        self.span(self.by_owner_type.get(&owner_type(owner, ty)))
    }

    /// Whether any REVOKE row names this user, any of these groups, or user `*`
    /// (on any resource type): the engine's `auto` revoke mode.
    pub(crate) fn revokes_concern(&self, user: Option<UserIx>, groups: &[GroupIx]) -> bool {
        self.any_user_revoke
            || user.is_some_and(|user| {
                self.user_revokes
                    .get(user as usize)
                    .copied()
                    .unwrap_or(false)
            })
            || groups.iter().any(|&group| {
                self.group_revokes
                    .get(group as usize)
                    .copied()
                    .unwrap_or(false)
            })
    }
}

/// The rows on one resource among rows sorted by resource.
fn on_resource(entries: &[Entry], resource: ResIx) -> &[Entry] {
    let start = entries.partition_point(|entry| entry.resource < resource);
    let rest = entries.get(start..).unwrap_or(&[]);
    let len = rest.partition_point(|entry| entry.resource == resource);
    rest.get(..len).unwrap_or(&[])
}

fn type_bit(ty: TypeIx) -> u64 {
    1_u64.checked_shl(u32::from(ty)).unwrap_or(u64::MAX)
}

fn add_bits(bits: &mut [u64], ix: u32, add: u64) {
    if let Some(bits) = bits.get_mut(ix as usize) {
        *bits |= add;
    }
}

fn set(flags: &mut [bool], ix: u32) {
    if let Some(flag) = flags.get_mut(ix as usize) {
        *flag = true;
    }
}

/// The rows' positions by (owner, type, resource id, position): the order of
/// the index's entries, and the order a compiled snapshot stores rows in (so
/// that loading it finds them sorted already).
pub(crate) fn owner_order(rows: &[Row]) -> Vec<RowIx> {
    sorted(rows.iter().map(|row| {
        let (kind, id) = owner_rank(row.owner);
        (u128::from(kind) << 112)
            | (u128::from(id) << 80)
            | (u128::from(row.ty) << 64)
            | (u128::from(row.resource) << 32)
    }))
}

/// A row of [`SourceIndex::rows_on_resource`] with where it goes.
#[derive(Debug, Clone, Copy)]
struct Placed {
    resource: ResIx,
    ty: TypeIx,
    entry: OwnedEntry,
}

/// The lowest of [`PROPERTY_RESOURCES`]' reserved indices.
const PROPERTY_BASE: ResIx = u32::MAX - 2;

/// `items` sorted stably by `bucket` (each below `buckets`): a count per
/// bucket, then each item moved to its place.
fn counting_sort<T: Copy>(items: Vec<T>, buckets: usize, bucket: impl Fn(&T) -> usize) -> Vec<T> {
    let mut starts = vec![0_u32; buckets + 1];
    for item in &items {
        if let Some(count) = starts.get_mut(bucket(item) + 1) {
            *count += 1;
        }
    }
    for at in 1..starts.len() {
        let before = starts.get(at - 1).copied().unwrap_or(0);
        if let Some(start) = starts.get_mut(at) {
            *start += before;
        }
    }
    let Some(&first) = items.first() else {
        return items;
    };
    let mut sorted = vec![first; items.len()];
    for item in items {
        if let Some(at) = starts.get_mut(bucket(&item)) {
            if let Some(slot) = sorted.get_mut(*at as usize) {
                *slot = item;
            }
            *at += 1;
        }
    }
    sorted
}

/// A sort key that [`sorted`] drops.
const SKIP: u128 = u128::MAX;

/// Row positions in the order of their keys (ties by position), without the rows
/// keyed [`SKIP`]. Each key is the sort fields packed above the low 32 bits, where
/// the position goes: sorting plain integers is several times faster than sorting
/// positions by a key closure, which `opt-level = "z"` calls per comparison.
fn sorted(keys: impl Iterator<Item = u128>) -> Vec<RowIx> {
    let mut keys: Vec<u128> = keys
        .zip(0..u32::MAX)
        .filter(|&(key, _)| key != SKIP)
        .map(|(key, ix)| key | u128::from(ix))
        .collect();
    // Rows in order already (a compiled snapshot's, by owner) need no sort.
    if !keys.is_sorted() {
        crate::sort::radix_sort(&mut keys, 32);
    }
    keys.into_iter()
        .map(|key| u32::try_from(key & u128::from(u32::MAX)).unwrap_or(u32::MAX))
        .collect()
}

/// A set of owners as 256 bits, one per [`owner_shift`]: a principal's owners
/// (its user, its groups and GLOBAL), or the user and group owners of the rows
/// on one resource. Most rows on a resource belong to someone else; one bit test
/// rejects nearly all of them, and a prepared question's set ([`PreparedRows`])
/// tells without reading a row that none is the principal's (about three asks in
/// four on the benchmark organisation). Membership is certain only when absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct OwnerSet([u64; 4]);

impl OwnerSet {
    /// Every owner.
    pub(crate) const ALL: Self = Self([u64::MAX; 4]);

    /// Adds an owner.
    pub(crate) fn with(mut self, owner: Owner) -> Self {
        self.insert(owner_shift(owner));
        self
    }

    fn insert(&mut self, shift: u8) {
        if let Some(word) = self.0.get_mut(usize::from(shift >> 6)) {
            *word |= 1 << (shift & 63);
        }
    }

    #[inline(always)]
    fn contains(&self, shift: u8) -> bool {
        self.0
            .get(usize::from(shift >> 6))
            .is_some_and(|word| word & (1 << (shift & 63)) != 0)
    }

    /// Whether the two sets may share an owner (`false` is certain).
    #[inline(always)]
    pub(crate) fn meets(&self, other: &Self) -> bool {
        let [a, b, c, d] = self.0;
        let [e, f, g, h] = other.0;
        (a & e) | (b & f) | (c & g) | (d & h) != 0
    }
}

/// The bit of 256 standing for an owner in an [`OwnerSet`]: GLOBAL has bit 0
/// alone, every other owner one of the rest by a multiplicative hash.
fn owner_shift(owner: Owner) -> u8 {
    if owner == Owner::Global {
        return 0;
    }
    let (kind, id) = owner_rank(owner);
    let spread = ((u64::from(kind) << 32) | u64::from(id)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    // The top eight bits, folded into 1..=255.
    u8::try_from(1 + (spread >> 56) % 255).unwrap_or(255)
}

/// Sort rank of an owner, so that one owner's rows are contiguous.
#[inline(always)]
fn owner_rank(owner: Owner) -> (u8, u32) {
    match owner {
        Owner::User(user) => (0, user),
        Owner::Group(group) => (1, group),
        Owner::AnyUser => (2, 0),
        Owner::Global => (3, 0),
        Owner::Client(client) => (4, client),
        Owner::Role(role) => (5, role),
        Owner::MappingRule(rule) => (6, rule),
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_shifts_keep_bit_zero_for_global_and_spread_the_rest() {
        assert_eq!(owner_shift(Owner::Global), 0);
        let mut seen = OwnerSet::default();
        for id in 0..5_000 {
            for owner in [Owner::User(id), Owner::Group(id), Owner::Role(id)] {
                assert_ne!(owner_shift(owner), 0, "{owner:?} shares GLOBAL's bit");
                seen = seen.with(owner);
            }
        }
        assert_eq!(
            seen.0,
            [!1, u64::MAX, u64::MAX, u64::MAX],
            "every bit but GLOBAL's is used"
        );
    }

    #[test]
    fn owner_sets_meet_exactly_when_they_share_a_bit() {
        let alice = OwnerSet::default().with(Owner::User(7));
        let team = OwnerSet::default()
            .with(Owner::Group(7))
            .with(Owner::Group(9));
        assert!(alice.meets(&alice));
        assert!(team.meets(&OwnerSet::default().with(Owner::Group(9))));
        assert!(!OwnerSet::default().meets(&team));
        let global = OwnerSet::default().with(Owner::Global);
        assert!(!global.meets(&alice), "GLOBAL's bit is its own");
    }

    fn row(owner: Owner, ty: TypeIx, resource: ResIx, kind: AuthorizationType) -> Row {
        Row {
            id: 0,
            kind,
            owner,
            ty,
            resource,
            mask: 2,
        }
    }

    #[test]
    fn prepared_rows_leave_out_only_rows_that_cannot_be_the_principals() {
        let rows = [
            row(Owner::User(1), 6, 3, AuthorizationType::Grant),
            row(Owner::Group(4), 6, 3, AuthorizationType::Grant),
            row(Owner::Global, 6, 3, AuthorizationType::Global),
            row(Owner::User(2), 6, 8, AuthorizationType::Grant),
        ];
        let index = SourceIndex::build(&rows, 3, 5, false);
        let prepared = index.prepare_rows(6, 3);
        let owners = |list: &[Owner]| {
            list.iter()
                .fold(OwnerSet::default().with(Owner::Global), |set, &owner| {
                    set.with(owner)
                })
        };
        let all = index.resource_span(6, 3);
        assert_eq!(all.1 - all.0, 3);
        // Users and groups with rows there read them all; anyone else the GLOBAL row.
        assert_eq!(prepared.span_for(&owners(&[Owner::User(1)])), all);
        assert_eq!(
            prepared.span_for(&owners(&[Owner::User(0), Owner::Group(4)])),
            all
        );
        let stranger = [Owner::User(0), Owner::Group(0)];
        let holders = OwnerSet::default()
            .with(Owner::User(1))
            .with(Owner::Group(4));
        assert!(
            !owners(&stranger).meets(&holders),
            "no shared bit by chance"
        );
        assert_eq!(prepared.span_for(&owners(&stranger)), (all.1 - 1, all.1));
        // No GLOBAL row: a stranger reads nothing.
        let only_user = index.prepare_rows(6, 8);
        let (_, end) = index.resource_span(6, 8);
        assert!(!owners(&[Owner::User(0)]).meets(&OwnerSet::default().with(Owner::User(2))));
        assert_eq!(only_user.span_for(&owners(&[Owner::User(0)])), (end, end));
        // A resource no row names: an empty span.
        let none = index.prepare_rows(6, 9);
        assert_eq!(none.span_for(&OwnerSet::ALL), (0, 0));
    }

    #[test]
    fn finds_exactly_the_rows_of_an_owner_type_and_resource() {
        let rows = [
            row(Owner::User(1), 6, 3, AuthorizationType::Grant),
            row(Owner::Group(0), 6, WILDCARD, AuthorizationType::Grant),
            row(Owner::User(1), 6, WILDCARD, AuthorizationType::Revoke),
            row(Owner::User(1), 7, 3, AuthorizationType::Grant),
            row(Owner::Global, 6, 3, AuthorizationType::Global),
            row(Owner::User(1), 6, 3, AuthorizationType::Revoke),
            row(Owner::User(0), 6, 3, AuthorizationType::Grant),
        ];
        let ids = |entries: &[Entry]| entries.iter().map(|entry| entry.row).collect::<Vec<_>>();
        for exact in [false, true] {
            let index = SourceIndex::build(&rows, 2, 1, exact);
            assert_eq!(ids(index.rows_on(Owner::User(1), 6, 3)), [0, 5]);
            assert_eq!(ids(index.rows_on(Owner::User(1), 6, WILDCARD)), [2]);
            assert_eq!(ids(index.rows_on(Owner::User(1), 7, 3)), [3]);
            assert_eq!(
                ids(index.rows_on(Owner::User(1), 7, WILDCARD)),
                Vec::<u32>::new()
            );
            assert_eq!(ids(index.rows_on(Owner::User(0), 6, 3)), [6]);
            assert_eq!(ids(index.rows_on(Owner::User(0), 6, 4)), Vec::<u32>::new());
            assert_eq!(ids(index.rows_on(Owner::Group(0), 6, WILDCARD)), [1]);
            assert_eq!(ids(index.rows_on(Owner::Global, 6, 3)), [4]);
            assert_eq!(ids(index.rows_of_type(Owner::User(1), 6)), [2, 0, 5]);
        }
        let index = SourceIndex::build(&rows, 2, 1, false);
        // Every user, group and GLOBAL row on (6, 3), users first.
        let owned = |entries: &[OwnedEntry]| {
            entries
                .iter()
                .map(|owned| (owned.owner, owned.entry().kind))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            owned(index.rows_on_resource(6, 3)),
            [
                (Owner::User(0), AuthorizationType::Grant),
                (Owner::User(1), AuthorizationType::Grant),
                (Owner::User(1), AuthorizationType::Revoke),
                (Owner::Global, AuthorizationType::Global),
            ]
        );
        assert!(index.rows_on_resource(6, WILDCARD).is_empty());
        assert_eq!(index.wildcard_rows(Owner::Global, 6).entries.len(), 0);
        assert_eq!(index.wildcard_rows(Owner::Global, 60).entries.len(), 0);
        // Wildcard spans: skipped by the owner bit, unions of the rows' bits.
        let wildcard = index.wildcard_rows(Owner::User(1), 6);
        assert_eq!(ids(wildcard.entries), [2]);
        assert_eq!((wildcard.granted, wildcard.revoked), (0, !2));
        assert!(index.wildcard_rows(Owner::User(0), 6).entries.is_empty());
        assert_eq!(ids(index.wildcard_rows(Owner::Group(0), 6).entries), [1]);
        assert_eq!(index.wildcard_rows(Owner::Group(0), 6).granted, 2);
        assert!(index.revokes_concern(Some(1), &[]));
        assert!(!index.revokes_concern(Some(0), &[0]));
    }
}
