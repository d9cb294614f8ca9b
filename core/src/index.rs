//! The per-source index, built once per snapshot: rows sorted by (owner, resource
//! type, resource id) so that one check reads only the rows of that principal on
//! that resource, and a list query only that principal's rows of that type.
//!
//! The Camunda 7 hot path reads two more views, so that a check costs about two
//! hash lookups instead of two per owner: every row on one (type, resource id)
//! whoever owns it — a few dozen at most in real organisations, scanned for the
//! principal's owners — and a bit per (user or group, type) saying whether the
//! owner has wildcard rows of the type, which most owners do not.

use rustc_hash::FxHashMap;

use crate::model::{GroupIx, Owner, ResIx, Row, RowIx, TypeIx, UserIx, WILDCARD};
use crate::wire::AuthorizationType;

/// What a check needs of a row, stored contiguously per key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub mask: u32,
    pub row: RowIx,
    pub resource: ResIx,
    pub kind: AuthorizationType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    owner: Owner,
    ty: TypeIx,
    resource: ResIx,
}

/// A row of [`SourceIndex::rows_on_resource`], with its owner.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OwnedEntry {
    pub owner: Owner,
    pub entry: Entry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct TypeResource {
    ty: TypeIx,
    resource: ResIx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct OwnerType {
    owner: Owner,
    ty: TypeIx,
}

impl Entry {
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

/// A half-open range into [`SourceIndex::entries`], with the union of its rows'
/// granted and revoked bits.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
    granted: u32,
    revoked: u32,
}

impl Span {
    fn empty(at: u32) -> Self {
        Self {
            start: at,
            end: at,
            granted: 0,
            revoked: 0,
        }
    }

    fn extend(&mut self, entry: &Entry) {
        self.end += 1;
        self.granted |= entry.granted();
        self.revoked |= entry.revoked();
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
}

#[derive(Debug, Clone, Default)]
pub(crate) struct SourceIndex {
    entries: Vec<Entry>,
    by_key: FxHashMap<Key, Span>,
    by_owner_type: FxHashMap<OwnerType, Span>,
    /// User, group and GLOBAL rows on a specific id, by (type, id).
    on_resource: Vec<OwnedEntry>,
    by_type_resource: FxHashMap<TypeResource, Span>,
    /// Bit `ty` set when the user (group) has wildcard rows of type `ty`; types
    /// past 63 always set.
    user_wildcards: Vec<u64>,
    group_wildcards: Vec<u64>,
    user_revokes: Vec<bool>,
    group_revokes: Vec<bool>,
    any_user_revoke: bool,
}

impl SourceIndex {
    pub(crate) fn build(rows: &[Row], user_count: usize, group_count: usize) -> Self {
        let mut order: Vec<RowIx> = (0..u32::try_from(rows.len()).unwrap_or(u32::MAX)).collect();
        let sort_key = |ix: &RowIx| {
            let row = rows.get(*ix as usize);
            row.map(|row| (owner_rank(row.owner), row.ty, row.resource, *ix))
        };
        order.sort_unstable_by_key(sort_key);

        let mut index = Self {
            entries: Vec::with_capacity(rows.len()),
            by_key: FxHashMap::with_capacity_and_hasher(rows.len(), Default::default()),
            by_owner_type: FxHashMap::default(),
            on_resource: Vec::new(),
            by_type_resource: FxHashMap::default(),
            user_wildcards: vec![0; user_count],
            group_wildcards: vec![0; group_count],
            user_revokes: vec![false; user_count],
            group_revokes: vec![false; group_count],
            any_user_revoke: false,
        };
        for ix in order {
            let Some(row) = rows.get(ix as usize) else {
                continue;
            };
            let at = u32::try_from(index.entries.len()).unwrap_or(u32::MAX);
            let entry = Entry {
                mask: row.mask,
                row: ix,
                resource: row.resource,
                kind: row.kind,
            };
            index.entries.push(entry);
            let key = Key {
                owner: row.owner,
                ty: row.ty,
                resource: row.resource,
            };
            index
                .by_key
                .entry(key)
                .or_insert(Span::empty(at))
                .extend(&entry);
            let owner_type = OwnerType {
                owner: row.owner,
                ty: row.ty,
            };
            index
                .by_owner_type
                .entry(owner_type)
                .or_insert(Span::empty(at))
                .extend(&entry);
            if row.resource == WILDCARD {
                match row.owner {
                    Owner::User(user) => {
                        add_bits(&mut index.user_wildcards, user, type_bit(row.ty))
                    }
                    Owner::Group(group) => {
                        add_bits(&mut index.group_wildcards, group, type_bit(row.ty));
                    }
                    Owner::AnyUser
                    | Owner::Global
                    | Owner::Client(_)
                    | Owner::Role(_)
                    | Owner::MappingRule(_) => {}
                }
            }
            if row.kind == AuthorizationType::Revoke {
                match row.owner {
                    Owner::User(user) => set(&mut index.user_revokes, user),
                    Owner::Group(group) => set(&mut index.group_revokes, group),
                    Owner::AnyUser => index.any_user_revoke = true,
                    Owner::Global | Owner::Client(_) | Owner::Role(_) | Owner::MappingRule(_) => {}
                }
            }
        }
        index.index_resources(rows);
        index
    }

    /// Builds [`Self::rows_on_resource`]: the rows a Camunda 7 check consults on
    /// a specific id (user, group and GLOBAL rows), grouped by (type, id).
    fn index_resources(&mut self, rows: &[Row]) {
        let mut order: Vec<RowIx> = (0..u32::try_from(rows.len()).unwrap_or(u32::MAX))
            .filter(|&ix| {
                rows.get(ix as usize).is_some_and(|row| {
                    row.resource != WILDCARD
                        && matches!(row.owner, Owner::User(_) | Owner::Group(_) | Owner::Global)
                })
            })
            .collect();
        order.sort_unstable_by_key(|ix| {
            rows.get(*ix as usize)
                .map(|row| (row.ty, row.resource, owner_rank(row.owner), *ix))
        });
        self.on_resource.reserve_exact(order.len());
        for ix in order {
            let Some(row) = rows.get(ix as usize) else {
                continue;
            };
            let at = u32::try_from(self.on_resource.len()).unwrap_or(u32::MAX);
            let entry = Entry {
                mask: row.mask,
                row: ix,
                resource: row.resource,
                kind: row.kind,
            };
            self.on_resource.push(OwnedEntry {
                owner: row.owner,
                entry,
            });
            let key = TypeResource {
                ty: row.ty,
                resource: row.resource,
            };
            self.by_type_resource
                .entry(key)
                .or_insert(Span::empty(at))
                .extend(&entry);
        }
    }

    /// Every user, group and GLOBAL row on the specific id `resource` of type `ty`.
    pub(crate) fn rows_on_resource(&self, ty: TypeIx, resource: ResIx) -> &[OwnedEntry] {
        self.by_type_resource
            .get(&TypeResource { ty, resource })
            .and_then(|span| self.on_resource.get(span.start as usize..span.end as usize))
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
        let key = Key {
            owner,
            ty,
            resource: WILDCARD,
        };
        self.by_key.get(&key).map_or(Rows::NONE, |span| Rows {
            entries: self.span(Some(span)),
            granted: span.granted,
            revoked: span.revoked,
        })
    }

    fn span(&self, span: Option<&Span>) -> &[Entry] {
        span.and_then(|span| self.entries.get(span.start as usize..span.end as usize))
            .unwrap_or(&[])
    }

    /// The rows of `owner` on exactly (`ty`, `resource`).
    pub(crate) fn rows_on(&self, owner: Owner, ty: TypeIx, resource: ResIx) -> &[Entry] {
        self.span(self.by_key.get(&Key {
            owner,
            ty,
            resource,
        }))
    }

    /// Every row of `owner` on resource type `ty`, grouped by resource id.
    pub(crate) fn rows_of_type(&self, owner: Owner, ty: TypeIx) -> &[Entry] {
        self.span(self.by_owner_type.get(&OwnerType { owner, ty }))
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

/// Sort rank of an owner, so that one owner's rows are contiguous.
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

    fn row(owner: Owner, ty: TypeIx, resource: ResIx, kind: AuthorizationType) -> Row {
        Row {
            id: "r".into(),
            kind,
            owner,
            ty,
            resource,
            mask: 2,
        }
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
        let index = SourceIndex::build(&rows, 2, 1);
        let ids = |entries: &[Entry]| entries.iter().map(|entry| entry.row).collect::<Vec<_>>();
        assert_eq!(ids(index.rows_on(Owner::User(1), 6, 3)), [0, 5]);
        assert_eq!(ids(index.rows_on(Owner::User(1), 6, WILDCARD)), [2]);
        assert_eq!(ids(index.rows_on(Owner::User(1), 7, 3)), [3]);
        assert_eq!(
            ids(index.rows_on(Owner::User(1), 7, WILDCARD)),
            Vec::<u32>::new()
        );
        assert_eq!(ids(index.rows_on(Owner::User(0), 6, 3)), [6]);
        assert_eq!(ids(index.rows_on(Owner::Group(0), 6, WILDCARD)), [1]);
        assert_eq!(ids(index.rows_on(Owner::Global, 6, 3)), [4]);
        assert_eq!(ids(index.rows_of_type(Owner::User(1), 6)), [2, 0, 5]);
        assert!(index.revokes_concern(Some(1), &[]));
        assert!(!index.revokes_concern(Some(0), &[0]));
    }
}
