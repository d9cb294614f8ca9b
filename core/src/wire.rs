//! The one JSON layer: serde types for snapshots, requests, decisions and errors.
//!
//! Every binding (the `writ` command, the JavaScript package, the guest ABI) speaks
//! these types and nothing else, so a request or decision means the same bytes in
//! every runtime. Field names are camelCase like the Camunda REST API they mirror.
//! Readers reject unknown fields: a typo is an error, never a silently ignored key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
}

impl ProfileName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Camunda7 => "camunda7",
            Self::Optimize => "optimize",
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
    pub permissions: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantDoc {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserDoc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupDoc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<String>,
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TypeRef {
    Id(u32),
    Name(String),
}

impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
    pub resource_type: TypeRef,
    pub resource_id: String,
    pub permissions: Vec<String>,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// What a list view may show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum ListDoc {
    All,
    AllExcept { ids: Vec<String> },
    Only { ids: Vec<String> },
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
    pub groups: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileName>,
}

impl RequestDoc {
    /// The principal part of this request.
    pub fn principal(&self) -> PrincipalDoc {
        PrincipalDoc {
            user: self.user.clone(),
            groups: self.groups.clone(),
            source: self.source.clone(),
            profile: self.profile,
        }
    }
}

/// A `permissions` question: every permission a principal holds on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PermissionsRequestDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
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
    pub groups: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileName>,
    pub permission: String,
    pub resource_type: TypeRef,
}

impl PermissionsRequestDoc {
    pub fn principal(&self) -> PrincipalDoc {
        PrincipalDoc {
            user: self.user.clone(),
            groups: self.groups.clone(),
            source: self.source.clone(),
            profile: self.profile,
        }
    }
}

impl ListRequestDoc {
    pub fn principal(&self) -> PrincipalDoc {
        PrincipalDoc {
            user: self.user.clone(),
            groups: self.groups.clone(),
            source: self.source.clone(),
            profile: self.profile,
        }
    }
}
