//! The per-source index, built once per snapshot: rows sorted by (owner, resource
//! type, resource id) so that one check reads only the rows of that principal on
//! that resource, and a list query only that principal's rows of that type.

use rustc_hash::FxHashMap;

use crate::model::{GroupIx, Owner, ResIx, Row, RowIx, TypeIx, UserIx};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct OwnerType {
    owner: Owner,
    ty: TypeIx,
}

/// A half-open range into [`SourceIndex::entries`].
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct SourceIndex {
    entries: Vec<Entry>,
    by_key: FxHashMap<Key, Span>,
    by_owner_type: FxHashMap<OwnerType, Span>,
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
            user_revokes: vec![false; user_count],
            group_revokes: vec![false; group_count],
            any_user_revoke: false,
        };
        for ix in order {
            let Some(row) = rows.get(ix as usize) else {
                continue;
            };
            let at = u32::try_from(index.entries.len()).unwrap_or(u32::MAX);
            index.entries.push(Entry {
                mask: row.mask,
                row: ix,
                resource: row.resource,
                kind: row.kind,
            });
            let key = Key {
                owner: row.owner,
                ty: row.ty,
                resource: row.resource,
            };
            index
                .by_key
                .entry(key)
                .or_insert(Span { start: at, end: at })
                .end = at + 1;
            let owner_type = OwnerType {
                owner: row.owner,
                ty: row.ty,
            };
            index
                .by_owner_type
                .entry(owner_type)
                .or_insert(Span { start: at, end: at })
                .end = at + 1;
            if row.kind == AuthorizationType::Revoke {
                match row.owner {
                    Owner::User(user) => set(&mut index.user_revokes, user),
                    Owner::Group(group) => set(&mut index.group_revokes, group),
                    Owner::AnyUser => index.any_user_revoke = true,
                    Owner::Global | Owner::Client(_) | Owner::Role(_) | Owner::MappingRule(_) => {}
                }
            }
        }
        index
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
    use crate::model::WILDCARD;

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
