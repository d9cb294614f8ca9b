//! The validated model: what a snapshot means once every id has been checked and
//! interned. Built only by [`crate::snapshot`]; read by the evaluators.

use rustc_hash::FxHashMap;

use crate::catalogue::ALL_BITS;
use crate::index::SourceIndex;
use crate::intern::Interner;
use crate::wire::{AuthorizationType, ProfileName, RevokeMode};

/// Index of a resource type in [`Catalogue`].
pub(crate) type TypeIx = u16;
pub(crate) type UserIx = u32;
pub(crate) type GroupIx = u32;
pub(crate) type TenantIx = u32;
/// Index of a resource id in a source's resource table; [`WILDCARD`] is `"*"`.
pub(crate) type ResIx = u32;
pub(crate) type RowIx = u32;

/// The resource id `"*"`, interned first in every source.
pub(crate) const WILDCARD: ResIx = 0;

/// The group whose members always skip tenant checks.
pub(crate) const CAMUNDA_ADMIN: &str = "camunda-admin";

/// One resource type: built-in or declared by the snapshot.
#[derive(Debug, Clone)]
pub(crate) struct ResourceType {
    pub name: Box<str>,
    pub id: u32,
    pub permissions: Vec<(Box<str>, u32)>,
}

impl ResourceType {
    /// The bits of a permission name, `NONE` and `ALL` included.
    pub(crate) fn bits(&self, permission: &str) -> Option<u32> {
        match permission {
            "ALL" => Some(ALL_BITS),
            "NONE" => Some(0),
            _ => self
                .permissions
                .iter()
                .find(|(name, _)| &**name == permission)
                .map(|&(_, bits)| bits),
        }
    }
}

/// Every resource type a snapshot may name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Catalogue {
    pub types: Vec<ResourceType>,
    pub by_name: FxHashMap<Box<str>, TypeIx>,
    pub by_id: FxHashMap<u32, TypeIx>,
}

impl Catalogue {
    pub(crate) fn ty(&self, ix: TypeIx) -> &ResourceType {
        // INVARIANT: every TypeIx handed out was produced by `resolve` on this catalogue.
        #[expect(
            clippy::indexing_slicing,
            reason = "TypeIx values only come from this catalogue"
        )]
        &self.types[usize::from(ix)]
    }
}

/// Switches, resolved.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub revoke_mode: RevokeMode,
    pub tenant_checks: bool,
    pub authorization_checks: bool,
    /// `camunda-admin` plus the configured admin groups.
    pub admin_groups: Vec<Box<str>>,
    pub admin_users: Vec<Box<str>>,
}

/// Who owns a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Owner {
    User(UserIx),
    Group(GroupIx),
    /// GRANT or REVOKE rows with `userId = "*"`: not GLOBAL rows.
    AnyUser,
    /// GLOBAL rows.
    Global,
}

/// One authorization row, interned.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub id: Box<str>,
    pub kind: AuthorizationType,
    pub owner: Owner,
    pub ty: TypeIx,
    pub resource: ResIx,
    /// The engine's stored mask: granted bits for GLOBAL/GRANT, `ALL` with the
    /// revoked bits cleared for REVOKE.
    pub mask: u32,
}

/// One engine's identities, rows and their index.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub name: Box<str>,
    pub users: Interner,
    pub user_groups: Vec<Box<[GroupIx]>>,
    pub user_tenants: Vec<Box<[TenantIx]>>,
    pub groups: Interner,
    pub group_tenants: Vec<Box<[TenantIx]>>,
    /// Whether each group is an admin group (skips tenant checks).
    pub admin_groups: Vec<bool>,
    pub resources: Interner,
    pub rows: Vec<Row>,
    pub index: SourceIndex,
}

impl Source {
    pub(crate) fn row(&self, ix: RowIx) -> &Row {
        #[expect(
            clippy::indexing_slicing,
            reason = "RowIx values only come from this source's index"
        )]
        &self.rows[ix as usize]
    }

    pub(crate) fn groups_of(&self, user: UserIx) -> &[GroupIx] {
        self.user_groups
            .get(user as usize)
            .map_or(&[], |groups| groups)
    }
}

/// A whole validated snapshot.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub revision: Option<String>,
    pub profile: ProfileName,
    pub options: Options,
    pub catalogue: Catalogue,
    pub tenants: Interner,
    pub sources: Vec<Source>,
}
