//! Camunda Optimize's own resolution of Camunda 7 rows (`SEMANTICS.md` §2):
//! GLOBAL rows first, then group rows, then user rows (user `*` included), each
//! level in the order revoke-all, grant-all, revoke-id, grant-id; relevance by the
//! permission *names* the REST API renders, not by bits.

use crate::prelude::*;

use crate::camunda7::Outcome;
use crate::catalogue::ALL_BITS;
use crate::index::Entry;
use crate::model::{Owner, ResIx, RowIx, Source, TypeIx, WILDCARD};
use crate::principal::SourcePrincipal;
use crate::wire::{AuthorizationType, Level};

/// Whether a row's rendered permission names contain the asked name or `ALL`.
/// The REST API renders a grant of every bit, and a revoke of every bit, as
/// `["ALL"]`; otherwise it lists the granted (or revoked) names.
pub(crate) fn relevant(entry: &Entry, bits: u32) -> bool {
    let (names_all, named) = match entry.kind {
        AuthorizationType::Grant | AuthorizationType::Global => {
            (entry.mask == ALL_BITS, entry.mask)
        }
        AuthorizationType::Revoke => (entry.mask == 0, ALL_BITS & !entry.mask),
    };
    // `NONE` is never rendered, so a question about it only sees `ALL` rows.
    names_all || (bits != 0 && named & bits == bits)
}

/// A row kind's place in a per-kind array.
fn kind_slot(kind: AuthorizationType) -> usize {
    match kind {
        AuthorizationType::Global => 0,
        AuthorizationType::Grant => 1,
        AuthorizationType::Revoke => 2,
    }
}

/// The levels in the order Optimize applies them.
const LEVELS: [Level; 3] = [Level::Global, Level::Group, Level::User];

/// The owners of one level: GLOBAL; the groups; the user and user `*`. An
/// iterator, not a list: every check walks them several times, and a list
/// per level and check was most of an Optimize check's time.
fn owners_at(principal: &SourcePrincipal, level: Level) -> impl Iterator<Item = Owner> + '_ {
    let global = (level == Level::Global).then_some(Owner::Global);
    let groups = principal
        .groups
        .iter()
        .filter(move |_| level == Level::Group)
        .map(|&group| Owner::Group(group));
    let user = principal
        .user
        .filter(|_| level == Level::User)
        .map(Owner::User);
    let any_user = (level == Level::User).then_some(Owner::AnyUser);
    global.into_iter().chain(groups).chain(user).chain(any_user)
}

/// A row that set a piece of state: its source, the row, and its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cause {
    pub source: usize,
    pub row: RowIx,
    pub level: Level,
}

/// The resolution state for one resource id.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct IdState {
    pub can_see_all: bool,
    /// The row that last set or cleared `can_see_all`.
    pub all: Option<Cause>,
    pub authorized: Option<Cause>,
    pub prohibited: Option<Cause>,
}

impl IdState {
    fn grant_all(&mut self, cause: Cause) {
        *self = Self {
            can_see_all: true,
            all: Some(cause),
            authorized: None,
            prohibited: None,
        };
    }

    fn revoke_all(&mut self, cause: Cause) {
        *self = Self {
            can_see_all: false,
            all: Some(cause),
            authorized: None,
            prohibited: None,
        };
    }

    pub(crate) fn allowed(&self) -> bool {
        if self.can_see_all {
            self.prohibited.is_none()
        } else {
            self.authorized.is_some()
        }
    }

    /// Deny when some relevant row decided against, no-match when none was relevant.
    pub(crate) fn outcome(&self) -> Outcome {
        if self.allowed() {
            Outcome::Allow
        } else if self.all.is_some() || self.prohibited.is_some() {
            Outcome::Deny
        } else {
            Outcome::NoMatch
        }
    }
}

/// Resolves one id (`None`: an id no row of this source names).
pub(crate) fn resolve_id(
    source: &Source,
    principal: &SourcePrincipal,
    ty: TypeIx,
    bits: u32,
    id: Option<ResIx>,
) -> IdState {
    let mut state = IdState::default();
    let cause = |row, level| Cause {
        source: principal.source,
        row,
        level,
    };
    for level in LEVELS {
        // The first relevant row of each kind on `*` and on the id, in the
        // owners' order: one look at each owner's rows.
        let mut first = [[None; 3]; 2];
        for owner in owners_at(principal, level) {
            let targets = [Some(WILDCARD), id];
            for (target, found) in targets.into_iter().zip(first.iter_mut()) {
                let Some(resource) = target else {
                    continue;
                };
                for entry in source.index.rows_on(owner, ty, resource) {
                    if let Some(slot) = found.get_mut(kind_slot(entry.kind))
                        && slot.is_none()
                        && relevant(entry, bits)
                    {
                        *slot = Some(entry.row);
                    }
                }
            }
        }
        let [on_all, on_id] = first.map(|kinds| {
            move |kind: AuthorizationType| {
                kinds
                    .get(kind_slot(kind))
                    .copied()
                    .flatten()
                    .map(|row| cause(row, level))
            }
        });
        if level == Level::Global {
            if let Some(all) = on_all(AuthorizationType::Global) {
                state.grant_all(all);
            }
            if let Some(one) = on_id(AuthorizationType::Global) {
                state.authorized = Some(one);
            }
            continue;
        }
        if let Some(all) = on_all(AuthorizationType::Revoke) {
            state.revoke_all(all);
        }
        if let Some(all) = on_all(AuthorizationType::Grant) {
            state.grant_all(all);
        }
        if let Some(one) = on_id(AuthorizationType::Revoke) {
            state.prohibited = Some(one);
            state.authorized = None;
        }
        if let Some(one) = on_id(AuthorizationType::Grant) {
            state.authorized = Some(one);
            state.prohibited = None;
        }
    }
    state
}

/// The full resolution for one resource type: what a list view may show.
#[derive(Debug, Clone, Default)]
pub(crate) struct TypeState {
    pub can_see_all: bool,
    /// In order, each once.
    pub authorized: Vec<ResIx>,
    pub prohibited: Vec<ResIx>,
}

/// [`resolve_id`] of every id some relevant row of the principal names: the
/// same resolution, one id at a time (an id no row names is decided by
/// `can_see_all` alone).
pub(crate) fn resolve_type(
    source: &Source,
    principal: &SourcePrincipal,
    ty: TypeIx,
    bits: u32,
) -> TypeState {
    let mut ids = Vec::new();
    for level in LEVELS {
        for owner in owners_at(principal, level) {
            for entry in source.index.rows_of_type(owner, ty) {
                if entry.resource != WILDCARD && relevant(entry, bits) {
                    ids.push(entry.resource);
                }
            }
        }
    }
    crate::sort::sort_dedup(&mut ids);
    let mut state = TypeState {
        can_see_all: resolve_id(source, principal, ty, bits, None).can_see_all,
        ..TypeState::default()
    };
    for id in ids {
        let resolved = resolve_id(source, principal, ty, bits, Some(id));
        if resolved.authorized.is_some() {
            state.authorized.push(id);
        }
        if resolved.prohibited.is_some() {
            state.prohibited.push(id);
        }
    }
    state
}
