//! The one JSON layer: serde types for snapshots, requests, decisions and errors.
//!
//! Every binding (the `writ` command, the JavaScript package, the guest ABI) speaks
//! these types and nothing else, so a request or decision means the same bytes in
//! every runtime. Field names are camelCase like the Camunda REST API they mirror.
//! Readers reject unknown fields: a typo is an error, never a silently ignored key.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

use crate::json::Map;

pub(crate) mod decode;
mod encode;
pub(crate) mod row;
mod sorted_map;

pub use decode::Decode;
pub use encode::Encode;
pub use sorted_map::SortedMap;

/// The snapshot format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole snapshot document, format v1. See `SNAPSHOT.md` for every field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotDoc {
    /// Must be [`FORMAT_VERSION`].
    pub format: u32,
    /// A free label naming this version of the data (a date, a commit, a counter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// The semantics profile questions are decided under by default.
    pub profile: ProfileName,
    #[serde(default, skip_serializing_if = "OptionsDoc::is_default")]
    pub options: OptionsDoc,
    /// Resource types beyond the built-in catalogue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<ResourceTypeDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<TenantDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorizations: Vec<AuthorizationDoc>,
    /// Named engines, each with its own identities and authorizations. When present,
    /// the top-level `users`, `groups` and `authorizations` must be empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceDoc>,
    /// `grants`: the built-in catalogues in use (`camunda8`, `identity`, `emporix`);
    /// default `["camunda8"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalogues: Vec<String>,
    /// `grants`: applications (machine principals).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<ClientDoc>,
    /// `grants`: roles, held directly, through groups or through mapping rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleDoc>,
    /// `grants`: rules matching token claims, conferring groups, roles and tenants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mapping_rules: Vec<MappingRuleDoc>,
    /// `grants`: named all-of sets of permission/resource pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bundles: Vec<BundleDoc>,
    /// `grants`: holding every part of one bundle counts as holding another's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bundle_implications: Vec<BundleImplicationDoc>,
    /// `grants` (Emporix): access controls and the scopes they resolve to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_controls: Vec<AccessControlDoc>,
    /// `grants` (Emporix): dashboard domains per base, by level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<DomainDoc>,
    /// Beside `revision`: a counter that only grows from one published snapshot to the next: a
    /// loader given a minimum (or a host remembering the last it loaded)
    /// refuses an older one (`snapshot.rollback`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u64>,
    /// `optimize`: what Optimize manages itself (collections, reports,
    /// event-based processes), which authorization rows do not govern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimize: Option<OptimizeDoc>,
}

/// Optimize's own data (`SEMANTICS.md` §2.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OptimizeDoc {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collections: Vec<CollectionDoc>,
    /// Private reports: outside every collection, seen by their owner only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<ReportDoc>,
    /// Who may create, edit, publish and delete event-based processes.
    #[serde(default, skip_serializing_if = "EventBasedProcessDoc::is_empty")]
    pub event_based_process: EventBasedProcessDoc,
    /// Published event-based processes and who may use each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_processes: Vec<EventProcessDoc>,
}

/// An Optimize collection: members with roles, and its reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CollectionDoc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<MemberDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<ReportDoc>,
}

/// A collection's member: a user or a group, with a role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemberDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    pub role: CollectionRole,
}

/// A role in a collection, in increasing order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CollectionRole {
    #[default]
    Viewer,
    Editor,
    Manager,
}

impl CollectionRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "VIEWER",
            Self::Editor => "EDITOR",
            Self::Manager => "MANAGER",
        }
    }
}

/// An Optimize report and the definitions it reports on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportDoc {
    pub id: String,
    /// Who created it: required for a private report (the one who sees it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub definitions: Vec<DefinitionRefDoc>,
}

/// A definition a report uses: a process's or a decision's key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DefinitionRefDoc {
    #[serde(rename = "type")]
    pub kind: DefinitionKind,
    pub key: String,
}

/// What kind of definition a report uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DefinitionKind {
    /// A process definition (PROCESS_DEFINITION).
    #[default]
    Process,
    /// A decision definition (DECISION_DEFINITION).
    Decision,
}

impl DefinitionKind {
    /// The Camunda 7 resource type whose READ_HISTORY lets one report on it.
    pub fn resource_type(self) -> &'static str {
        match self {
            Self::Process => "PROCESS_DEFINITION",
            Self::Decision => "DECISION_DEFINITION",
        }
    }
}

/// Optimize's configuration of who manages event-based processes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventBasedProcessDoc {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorized_user_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorized_group_ids: Vec<String>,
}

impl EventBasedProcessDoc {
    pub fn is_empty(&self) -> bool {
        self.authorized_user_ids.is_empty() && self.authorized_group_ids.is_empty()
    }
}

/// A published event-based process and its access list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventProcessDoc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<AccessDoc>,
}

/// One entry of an access list: a user or a group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
}

/// The semantics profiles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    /// The Camunda 7 engine (`SEMANTICS.md` §1).
    #[default]
    Camunda7,
    /// Camunda Optimize over Camunda 7 data (§2).
    Optimize,
    /// Grant-only models: Camunda 8, Management Identity, Emporix (§3).
    Grants,
}

impl ProfileName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Camunda7 => "camunda7",
            Self::Optimize => "optimize",
            Self::Grants => "grants",
        }
    }
}

/// When the Camunda 7 check consults REVOKE rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RevokeMode {
    /// Only for principals that some REVOKE row could concern (the engine's default).
    #[default]
    Auto,
    Always,
    Never,
}

/// Switches the decision data does not carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OptionsDoc {
    #[serde(default)]
    pub revoke_mode: RevokeMode,
    /// Whether tenant membership is checked for resources that belong to a tenant.
    #[serde(default = "yes")]
    pub tenant_checks: bool,
    /// Whether authorizations are checked at all (off: every check allows).
    #[serde(default = "yes")]
    pub authorization_checks: bool,
    /// Groups whose members skip tenant checks, besides `camunda-admin`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admin_groups: Vec<String>,
    /// Users who skip tenant checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admin_users: Vec<String>,
    /// `grants` with the `camunda8` catalogue: whether Camunda 8's default roles
    /// exist without being declared (an import of a live cluster lists its own).
    #[serde(default = "yes")]
    pub default_roles: bool,
}

fn yes() -> bool {
    true
}

impl Default for OptionsDoc {
    fn default() -> Self {
        Self {
            revoke_mode: RevokeMode::Auto,
            tenant_checks: true,
            authorization_checks: true,
            admin_groups: Vec::new(),
            admin_users: Vec::new(),
            default_roles: true,
        }
    }
}

impl OptionsDoc {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// A custom resource type: a name, an integer id, and named permission bits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceTypeDoc {
    pub name: String,
    pub id: u32,
    /// Permission name to its bit(s) within 31 bits; `NONE` and `ALL` are implicit.
    pub permissions: SortedMap<String, u32>,
    /// Permission implication: holding the key counts as holding each listed name.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub implies: SortedMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantDoc {
    pub id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserDoc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<String>,
    /// `grants`: roles held directly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// `grants`: only an active account can act.
    #[serde(default, skip_serializing_if = "AccountState::is_active")]
    pub state: AccountState,
}

/// Whether an account may act (`grants`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountState {
    #[default]
    Active,
    /// `isAccountLocked`: denied everything.
    Locked,
    /// Invited, not yet confirmed: denied everything.
    Provisioned,
}

impl AccountState {
    pub fn is_active(&self) -> bool {
        *self == Self::Active
    }
}

/// An application principal (`grants`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientDoc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<String>,
}

/// A role (`grants`). Roles do not nest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleDoc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<String>,
}

/// How a mapping rule compares a claim with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ClaimOperator {
    /// The claim is a string equal to the value (case-sensitive).
    Equals,
    /// The claim is an array containing the value.
    Contains,
}

/// A mapping rule (`grants`): a claim name (plain, or a JSONPath beginning with
/// `$`), a value, an optional operator (default: contains for array claims,
/// exact equality otherwise), and what a match confers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MappingRuleDoc {
    pub id: String,
    pub claim_name: String,
    pub claim_value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<ClaimOperator>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<String>,
}

/// Who may be put into a group (Emporix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum UserType {
    Employee,
    Customer,
}

/// Emporix's predefined customer groups: a customer is in at most one of
/// ADMIN, BUYER and REQUESTER per legal entity; CONTACT may always be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PredefinedGroup {
    Admin,
    Buyer,
    Requester,
    Contact,
}

/// An Emporix access control: a role on a resource, resolving to scopes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessControlDoc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Scopes carry a `--<restriction>` suffix per restriction of the holding group.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub restriction_aware: bool,
    /// Only groups of this user type may hold it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_to: Option<UserType>,
}

/// A named all-of set of permission/resource pairs (an Emporix dashboard domain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BundleDoc {
    pub id: String,
    pub all_of: Vec<CheckDoc>,
}

/// Holding every part of `when` (after expansion) counts as holding every part of `then`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BundleImplicationDoc {
    pub when: String,
    pub then: String,
}

/// Emporix's dashboard levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DomainLevel {
    Viewer,
    Editor,
    Manager,
    Administrator,
}

impl DomainLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "Viewer",
            Self::Editor => "Editor",
            Self::Manager => "Manager",
            Self::Administrator => "Administrator",
        }
    }
}

/// One dashboard base (`"Products"`) and the access controls of each of its levels:
/// becomes the bundles `"Products Viewer"`, … and their implications
/// (each level implies the next lower level the base has).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DomainDoc {
    pub base: String,
    pub levels: SortedMap<DomainLevel, Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupDoc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<String>,
    /// `grants`: roles held by every member.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// `grants` (Emporix): who may be a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<UserType>,
    /// `grants` (Emporix): the legal entity a customer group belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_entity: Option<String>,
    /// `grants` (Emporix): restrictions (e.g. `DE`) suffixed to restriction-aware scopes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restrictions: Vec<String>,
    /// `grants` (Emporix): access controls held by every member.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_controls: Vec<String>,
    /// `grants` (Emporix): which predefined customer group this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predefined: Option<PredefinedGroup>,
}

/// Camunda 7's authorization types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AuthorizationType {
    Global,
    Grant,
    Revoke,
}

impl AuthorizationType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Global => "GLOBAL",
            Self::Grant => "GRANT",
            Self::Revoke => "REVOKE",
        }
    }
}

/// A resource type named by its catalogue name or its integer id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum TypeRef {
    Id(u32),
    Name(String),
}

// By hand rather than `#[serde(untagged)]`: untagged decoding buffers every value
// and builds an error per failed variant, which dominated snapshot loading.
impl<'de> Deserialize<'de> for TypeRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = TypeRef;

            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a resource type name or integer id")
            }

            fn visit_u64<E: serde::de::Error>(self, id: u64) -> Result<TypeRef, E> {
                u32::try_from(id)
                    .map(TypeRef::Id)
                    .map_err(|_| E::custom(format!("resource type id {id} is out of range")))
            }

            fn visit_i64<E: serde::de::Error>(self, id: i64) -> Result<TypeRef, E> {
                u32::try_from(id)
                    .map(TypeRef::Id)
                    .map_err(|_| E::custom(format!("resource type id {id} is out of range")))
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<TypeRef, E> {
                Ok(TypeRef::Name(name.to_owned()))
            }

            fn visit_string<E: serde::de::Error>(self, name: String) -> Result<TypeRef, E> {
                Ok(TypeRef::Name(name))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl core::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Id(id) => write!(f, "{id}"),
            Self::Name(name) => f.write_str(name),
        }
    }
}

impl From<&str> for TypeRef {
    fn from(name: &str) -> Self {
        Self::Name(name.to_owned())
    }
}

/// One authorization row. For GLOBAL and GRANT rows `permissions` names the granted
/// permissions; for REVOKE rows it names the *revoked* ones (`["ALL"]`: everything),
/// as the Camunda REST API renders them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthorizationDoc {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: AuthorizationType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// `grants`: the owner's kind, with `ownerId` (instead of `userId`/`groupId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_type: Option<OwnerType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    pub resource_type: TypeRef,
    /// One resource id, or `*`. Required unless `resourcePropertyName` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// `grants`: a PROPERTY matcher (`assignee`, `candidateUsers`, `candidateGroups`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_property_name: Option<String>,
    pub permissions: Vec<String>,
}

/// Who owns a grant (`grants`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OwnerType {
    User,
    Client,
    Group,
    Role,
    MappingRule,
}

/// One engine's identities and authorizations (Optimize reads from several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceDoc {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorizations: Vec<AuthorizationDoc>,
}

/// One question. Either `permission` + `resourceType` (+ `resourceId`), or a
/// composite `anyOf` / `allOf` list of such checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Replaces the stored group memberships for this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    /// The tenant the resource belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// The source (engine) to decide on, for snapshots with several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Overrides the snapshot's profile for this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<TypeRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<CheckDoc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_of: Option<Vec<CheckDoc>>,
    /// `grants`: an application principal; when given, `user` is ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// `grants`: the verified token's claims, for mapping rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map>,
    /// `grants`: the resource's properties (`assignee`, `candidateUsers`, `candidateGroups`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Map>,
    /// `grants`: whether the resource exists (default true); decides between
    /// "not found" and "forbidden" when the tenant is foreign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_exists: Option<bool>,
    /// `grants`: a bundle name instead of permission/resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
    /// `grants` (Emporix): accepted scopes of an endpoint, any one suffices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// `grants` (Emporix): the restriction the entity carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<String>,
    /// `grants`: the caller already authorized this request anonymously; skip every check.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub anonymous_authorized: bool,
}

/// One permission on one resource, inside a composite request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckDoc {
    pub permission: String,
    pub resource_type: TypeRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
}

/// The level of the rows that decided a Camunda 7 check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    User,
    Group,
    Global,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Group => "group",
            Self::Global => "global",
        }
    }
}

/// An answer: allowed or not, and, when explained, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionDoc {
    pub allowed: bool,
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<ExplanationDoc>,
}

/// Why a decision came out as it did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExplanationDoc {
    /// A stable code for the rule that decided (`camunda7.level`, `no_match`, …).
    pub rule: String,
    /// The same in words, e.g. "user-level revoke beats group grant".
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Ids of the rows that decided (empty when none matched).
    pub rows: Vec<String>,
    /// Ids of the rows that would have decided the other way, had precedence not ruled them out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overridden: Vec<String>,
    /// The source (engine) the decision was taken on, for snapshots with several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// For composite requests: the position of the check that decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<usize>,
    /// `grants`: how the principal reaches the deciding grant (`group \`ops\``,
    /// `role \`admin\` of group \`ops\``, `mapping rule \`mr1\``).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// What a list view may show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum ListDoc {
    All,
    AllExcept { ids: Vec<String> },
    Only { ids: Vec<String> },
}

/// Who may do what a request asks (`writ who-can`, SEMANTICS.md §5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WhoCanDoc {
    /// The listed users whose check allows, sorted.
    pub users: Vec<String>,
    /// `grants`: the listed clients whose check allows, sorted.
    pub clients: Vec<String>,
    /// Whether a user the snapshot does not list would be allowed.
    pub any_user: bool,
    /// `grants`: the mapping rules whose matching claims alone allow it, sorted.
    pub mapping_rules: Vec<String>,
    /// When asked for: the rule and rows that allowed each of the above.
    pub explanations: Vec<WhoDoc>,
}

/// One allowed principal with its explanation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WhoDoc {
    /// `user`, `client` or `mappingRule`.
    pub kind: &'static str,
    pub id: String,
    pub explanation: ExplanationDoc,
}

/// Every permission name a principal holds on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PermissionsDoc {
    pub permissions: Vec<String>,
}

/// An error as every binding reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorDoc {
    pub code: String,
    pub message: String,
}

/// `{"error": {...}}`, one line of `writ check` output for a malformed request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorLine {
    pub error: ErrorDoc,
}

/// Who asks, and under which rules: the part of a request that a principal handle
/// resolves once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrincipalDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileName>,
}

/// A `permissions` question: every permission a principal holds on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PermissionsRequestDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileName>,
    pub resource_type: TypeRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
}

/// A `list` question: which resources of a type a principal may see with a permission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListRequestDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileName>,
    pub permission: String,
    pub resource_type: TypeRef,
}

/// What tokens would carry for a principal (`grants`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClaimsDoc {
    /// Management Identity: audience → the permissions of its `permissions.{audience}` claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<SortedMap<String, Vec<String>>>,
    /// Emporix: every scope held, sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
}

/// A proposed assignment: under Emporix a user into a group, or an access
/// control onto a group; under Optimize a collection member's role changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssignmentDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Emporix: the group assigned to; Optimize: a group member of `collection`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_control: Option<String>,
    /// Optimize: the collection whose member `user` or `group` changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<String>,
    /// Optimize: the member's new role (none: the membership is removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<CollectionRole>,
}

/// Reads one wire document (a request, a principal, a list question, …) from JSON
/// text: the one decoder every binding uses for what callers send.
///
/// # Errors
/// `request.malformed` with the parser's message.
pub fn decode<T: Decode>(text: &str) -> Result<T, crate::RequestError> {
    decode_limited(text, &crate::Limits::default())
}

/// [`decode`] with nesting and string lengths bounded by `limits`.
///
/// # Errors
/// `limit.nesting_depth`, `limit.id_length`, `request.malformed`.
pub fn decode_limited<T: Decode>(
    text: &str,
    limits: &crate::Limits,
) -> Result<T, crate::RequestError> {
    let mut decoder = crate::json::Decoder::limited(text, limits);
    T::read(&mut decoder)
        .and_then(|value| decoder.finish().map(|()| value))
        .map_err(|error| match error.limit() {
            Some(code) => crate::RequestError::Limit {
                code,
                message: error.to_string(),
            },
            None => crate::RequestError::Malformed {
                message: error.to_string(),
            },
        })
}

/// Reads one wire document from JSON text; nothing but whitespace may follow it.
///
/// # Errors
/// Invalid JSON, or JSON of another shape than `T`'s, with where it was found.
pub fn read<T: Decode>(text: &str) -> Result<T, crate::json::Error> {
    let mut decoder = crate::json::Decoder::new(text);
    let value = T::read(&mut decoder)?;
    decoder.finish()?;
    Ok(value)
}

/// The elements of a JSON array as text, each to be decoded on its own (so
/// that one bad element cannot hide the others); `None` when `text` does not
/// start with `[` and end with `]` (whitespace around them is the caller's to
/// trim: `JSON.stringify` writes none).
///
/// This only finds the top-level commas (outside strings and nested
/// values), which keeps one decoder (`decode::<RequestDoc>`, as a single
/// check uses) for every element instead of a second one over `json::Value`;
/// what is between two commas is checked by that decoder.
pub fn elements(text: &str) -> Option<Vec<&str>> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let mut depth = 0_u32;
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0;
    let mut blank = true;
    let mut cuts = Vec::new();
    for (at, byte) in inner.bytes().enumerate() {
        blank &= matches!(byte, b' ' | b'\n' | b'\t' | b'\r');
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') | (false, _, b'"') => in_string = !in_string,
            (false, _, b'[' | b'{') => depth += 1,
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            (false, _, b',') if depth == 0 => {
                cuts.push(start..at);
                start = at + 1;
            }
            _ => {}
        }
    }
    if !blank {
        cuts.push(start..inner.len());
    }
    Some(
        cuts.into_iter()
            .map(|range| inner.get(range).unwrap_or(""))
            .collect(),
    )
}

#[cfg(test)]
mod json_array {
    use super::elements;

    fn split(text: &str) -> Vec<&str> {
        elements(text).expect("an array")
    }

    #[test]
    fn splits_only_top_level_commas() {
        assert_eq!(split("[]"), Vec::<&str>::new());
        assert_eq!(split("[ \n\t\r]"), Vec::<&str>::new());
        assert_eq!(split(r#"[{"a":1}]"#), [r#"{"a":1}"#]);
        assert_eq!(split(r#"[ {"a":1} , 2 ]"#), [r#" {"a":1} "#, " 2 "]);
        assert_eq!(
            split(r#"[{"a":[1,2],"b":{"c":","}},null,"x,y",[3,[4,5]]]"#),
            [
                r#"{"a":[1,2],"b":{"c":","}}"#,
                "null",
                r#""x,y""#,
                "[3,[4,5]]"
            ]
        );
        // Empty elements are left for the element decoder to refuse.
        assert_eq!(split("[1,,2]"), ["1", "", "2"]);
    }

    #[test]
    fn escapes_do_not_end_strings() {
        assert_eq!(
            split(r#"["a\"],[","b\\",{"k":"}\\\"{"}]"#),
            [r#""a\"],[""#, r#""b\\""#, r#"{"k":"}\\\"{"}"#]
        );
        assert_eq!(split(r#"["é,ü","日本,語"]"#), [r#""é,ü""#, r#""日本,語""#]);
    }

    #[test]
    fn only_brackets_make_an_array() {
        for text in ["", "{}", "[", " []", "[] ", "[1"] {
            assert_eq!(elements(text), None, "{text:?}");
        }
    }
}
