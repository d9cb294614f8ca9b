//! The validated model: what a snapshot means once every id has been checked and
//! interned. Built only by [`crate::snapshot`]; read by the evaluators.

use crate::prelude::*;

use crate::catalogue::ALL_BITS;
use crate::claims::ClaimPath;
use crate::index::SourceIndex;
use crate::intern::{Interner, Lists};
use crate::wire::{
    AccountState, AuthorizationType, ClaimOperator, PredefinedGroup, ProfileName, RevokeMode,
    UserType,
};

/// Index of a resource type in [`Catalogue`].
pub(crate) type TypeIx = u16;
pub(crate) type UserIx = u32;
pub(crate) type GroupIx = u32;
pub(crate) type TenantIx = u32;
/// Index of a resource id in a source's resource table; [`WILDCARD`] is `"*"`.
pub(crate) type ResIx = u32;
pub(crate) type RowIx = u32;

/// A resource id prepared for one source: its index there (`None`: no row
/// names it) and the rows the Camunda 7 index keeps on it for the type it was
/// prepared with.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Slot {
    pub id: Option<ResIx>,
    pub rows: crate::index::PreparedRows,
}

/// The resource id `"*"`, interned first in every source.
pub(crate) const WILDCARD: ResIx = 0;

/// Reserved resource indices for PROPERTY matchers (`grants`): never handed out
/// by an interner, so they cannot collide with a resource id.
pub(crate) const PROPERTY_RESOURCES: [(ResIx, &str); 3] = [
    (u32::MAX - 2, "assignee"),
    (u32::MAX - 1, "candidateUsers"),
    (u32::MAX, "candidateGroups"),
];

/// The resource index of a PROPERTY matcher.
pub(crate) fn property_resource(name: &str) -> Option<ResIx> {
    PROPERTY_RESOURCES
        .iter()
        .find(|(_, property)| *property == name)
        .map(|(ix, _)| *ix)
}

/// The group whose members always skip tenant checks.
pub(crate) const CAMUNDA_ADMIN: &str = "camunda-admin";

/// One resource type: built-in or declared by the snapshot.
#[derive(Debug, Clone)]
pub(crate) struct ResourceType {
    pub name: Box<str>,
    pub id: u32,
    pub permissions: Vec<(Box<str>, u32)>,
    /// Whether `ALL` and `NONE` are permission names (Camunda 7 types; not under `grants`).
    pub implicit_all: bool,
}

impl ResourceType {
    /// The bits of a permission name, `NONE` and `ALL` included.
    pub(crate) fn bits(&self, permission: &str) -> Option<u32> {
        match permission {
            "ALL" if self.implicit_all => Some(ALL_BITS),
            "NONE" if self.implicit_all => Some(0),
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
    /// The types' names; a name's index is its type's.
    pub names: Interner,
}

impl Catalogue {
    /// The type of this name.
    pub(crate) fn named(&self, name: &str) -> Option<TypeIx> {
        self.names
            .get(name)
            .and_then(|ix| TypeIx::try_from(ix).ok())
    }

    /// The type of this integer id: the catalogue holds a few dozen types, so
    /// it is searched.
    pub(crate) fn with_id(&self, id: u32) -> Option<TypeIx> {
        let position = self.types.iter().position(|ty| ty.id == id)?;
        TypeIx::try_from(position).ok()
    }

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
    /// `grants`: an application.
    Client(u32),
    /// `grants`: a role.
    Role(u32),
    /// `grants`: a mapping rule.
    MappingRule(u32),
}

/// One authorization row, interned.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// The row's id, in its source's `row_ids`.
    pub id: u32,
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
    /// Per user, its groups.
    pub user_groups: Lists,
    pub user_tenants: Lists,
    pub groups: Interner,
    pub group_tenants: Lists,
    /// Whether each group is an admin group (skips tenant checks).
    pub admin_groups: Vec<bool>,
    /// Roles, clients, mapping rules and the rest of the `grants` model.
    pub grants: GrantsData,
    pub resources: Interner,
    /// Named by index only: a compiled snapshot loads it without its hash
    /// table ([`Interner::unindexed`]).
    pub row_ids: Interner,
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

    /// The id of row `ix`.
    pub(crate) fn row_id(&self, ix: RowIx) -> &str {
        self.row_ids.name(self.row(ix).id)
    }

    pub(crate) fn groups_of(&self, user: UserIx) -> &[GroupIx] {
        self.user_groups.get(user)
    }
}

/// A whole validated snapshot.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub revision: Option<String>,
    /// The monotonic counter beside `revision`, for refusing rollbacks.
    pub sequence: Option<u64>,
    /// What the snapshot was loaded with; they bound its requests too.
    pub limits: crate::Limits,
    pub profile: ProfileName,
    pub options: Options,
    pub catalogue: Catalogue,
    pub tenants: Interner,
    pub sources: Vec<Source>,
    /// `grants`: named all-of sets of checks, and implications between them.
    pub bundles: Vec<Bundle>,
    pub bundle_ids: Interner,
    /// (when, then) pairs of bundle indices.
    pub implications: Vec<(u32, u32)>,
    /// `grants`: the built-in catalogues in use.
    pub catalogues: Vec<&'static str>,
    /// `optimize`: what Optimize manages itself (collections, reports,
    /// event-based processes); `None` elsewhere.
    pub managed: Option<Box<crate::managed::Managed>>,
}

/// The `grants` part of a source; empty under the other profiles.
#[derive(Debug, Clone, Default)]
pub(crate) struct GrantsData {
    pub user_roles: Lists,
    pub user_states: Vec<AccountState>,
    pub clients: Interner,
    pub client_groups: Lists,
    pub client_roles: Lists,
    pub client_tenants: Lists,
    pub group_roles: Lists,
    pub roles: Interner,
    pub role_tenants: Lists,
    pub mapping_rules: Vec<MappingRule>,
    /// Emporix: per group, and the access controls (for assignment checks).
    pub group_info: Vec<GroupInfo>,
    pub access_controls: Interner,
    pub access_control_restricted: Vec<Option<UserType>>,
}

/// A mapping rule, with its claim path parsed.
#[derive(Debug, Clone)]
pub(crate) struct MappingRule {
    pub id: Box<str>,
    pub claim: ClaimPath,
    pub value: Box<str>,
    pub operator: Option<ClaimOperator>,
    pub groups: Box<[GroupIx]>,
    pub roles: Box<[u32]>,
    pub tenants: Box<[TenantIx]>,
}

/// What Emporix's assignment invariants need of a group.
#[derive(Debug, Clone, Default)]
pub(crate) struct GroupInfo {
    pub user_type: Option<UserType>,
    pub legal_entity: Option<Box<str>>,
    pub predefined: Option<PredefinedGroup>,
}

/// A bundle: every part must be held.
#[derive(Debug, Clone)]
pub(crate) struct Bundle {
    pub id: Box<str>,
    pub parts: Vec<BundlePart>,
}

/// One permission on one resource, inside a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BundlePart {
    pub ty: TypeIx,
    pub bits: u32,
    pub permission: Box<str>,
    pub resource_id: Option<Box<str>>,
}
