//! The errors of each fallible stage, each with a stable dotted code.
//!
//! Codes pass unchanged to every binding (a `code` property on a JS `Error`, the
//! `error.code` field of a `writ check` line, the guest ABI). Tests assert codes,
//! never message text.

use crate::prelude::*;
use crate::wire::ErrorDoc;

/// Why a snapshot was rejected. Every variant names where (`path`) in the document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    #[error("`{path}`: {message}")]
    Malformed { path: String, message: String },
    #[error("`format`: unsupported snapshot format {found}, this build reads format {expected}")]
    UnsupportedFormat { found: u32, expected: u32 },
    #[error("`{path}`: duplicate id `{id}`")]
    DuplicateId { path: String, id: String },
    #[error("`{path}`: id must not be empty")]
    EmptyId { path: String },
    #[error("`{path}`: `{id}` is reserved and cannot be used as an id here")]
    ReservedId { path: String, id: String },
    #[error("`{path}`: unknown group `{id}`")]
    UnknownGroup { path: String, id: String },
    #[error("`{path}`: unknown user `{id}`")]
    UnknownUser { path: String, id: String },
    #[error("`{path}`: unknown tenant `{id}`")]
    UnknownTenant { path: String, id: String },
    #[error("`{path}`: unknown resource type `{resource_type}`")]
    UnknownResourceType { path: String, resource_type: String },
    #[error("`{path}`: unknown permission `{permission}` for resource type `{resource_type}`")]
    UnknownPermission {
        path: String,
        permission: String,
        resource_type: String,
    },
    #[error("`{path}`: a row needs at least one permission (write `NONE` for none)")]
    EmptyPermissions { path: String },
    #[error("`{path}`: a GLOBAL authorization cannot name a group")]
    GlobalWithGroup { path: String },
    #[error("`{path}`: a GLOBAL authorization applies to user `*`, not `{id}`")]
    GlobalWithUser { path: String, id: String },
    #[error("`{path}`: an authorization needs a `userId` or a `groupId`")]
    MissingOwner { path: String },
    #[error("`{path}`: an authorization names either a `userId` or a `groupId`, not both")]
    BothOwners { path: String },
    #[error("`{path}`: resource type `{name}` (id {id}) is already defined")]
    DuplicateResourceType { path: String, name: String, id: u32 },
    #[error("`{path}`: permission `{permission}` must have a value of 1 to 2147483646")]
    InvalidPermissionValue { path: String, permission: String },
    #[error("`{path}`: with `sources`, users, groups and authorizations belong inside each source")]
    SourcesConflict { path: String },
    #[error("`{path}`: collection `{id}` has no MANAGER member (a collection always keeps one)")]
    CollectionWithoutManager { path: String, id: String },
    #[error("`{path}`: {what} is managed by Optimize itself, not by authorization rows")]
    OptimizeManaged { path: String, what: String },
    #[error("`{path}`: {what} is not available under profile `{profile}`")]
    ProfileMismatch {
        path: String,
        what: String,
        profile: &'static str,
    },
    #[error("`{path}`: unknown catalogue `{id}` (expected `camunda8`, `identity` or `emporix`)")]
    UnknownCatalogue { path: String, id: String },
    #[error("`{path}`: unknown role `{id}`")]
    UnknownRole { path: String, id: String },
    #[error("`{path}`: unknown client `{id}`")]
    UnknownClient { path: String, id: String },
    #[error("`{path}`: unknown mapping rule `{id}`")]
    UnknownMappingRule { path: String, id: String },
    #[error("`{path}`: unknown access control `{id}`")]
    UnknownAccessControl { path: String, id: String },
    #[error("`{path}`: unknown bundle `{id}`")]
    UnknownBundle { path: String, id: String },
    #[error(
        "`{path}`: unknown property `{id}` (expected `assignee`, `candidateUsers` or `candidateGroups`)"
    )]
    UnknownProperty { path: String, id: String },
    #[error("`{path}`: there are no REVOKE rows under profile `grants`: its models have no deny")]
    RevokeInGrants { path: String },
    #[error(
        "`{path}`: there are no GLOBAL rows under profile `grants`; grant to an owner on `*` instead"
    )]
    GlobalInGrants { path: String },
    #[error("`{path}`: a row needs a `resourceId` (or, under `grants`, a `resourcePropertyName`)")]
    MissingResourceId { path: String },
    #[error("`{path}`: a row names either a `resourceId` or a `resourcePropertyName`, not both")]
    BothMatchers { path: String },
    #[error("`{path}`: invalid claim path `{claim}`: {reason}")]
    InvalidClaimPath {
        path: String,
        claim: String,
        reason: String,
    },
    #[error(
        "`{path}`: user `{user}` would be in more than one of the ADMIN, BUYER and REQUESTER groups of legal entity `{legal_entity}`"
    )]
    CustomerGroupConflict {
        path: String,
        user: String,
        legal_entity: String,
    },
    #[error("`{path}`: access control `{access_control}` is restricted to {user_type} groups")]
    UserTypeMismatch {
        path: String,
        access_control: String,
        user_type: &'static str,
    },
    /// A limit of [`crate::Limits`]; `code` is the limit's (`limit.snapshot_size`).
    #[error("`{path}`: {message}")]
    Limit {
        path: String,
        code: &'static str,
        message: String,
    },
    #[error("the snapshot is not UTF-8 text: {message}")]
    InvalidUtf8 { message: String },
    /// A compiled snapshot that is damaged, truncated or not well formed.
    #[error("the compiled snapshot is corrupt: {message}")]
    Corrupt { message: String },
    /// Its sequence is below the one required (or it has none).
    #[error("`sequence`: {message}")]
    Rollback { message: String },
    /// Load options that cannot be used (`options.malformed`).
    #[error("options: {message}")]
    Options { message: String },
    /// The detached signature was refused; `code` is `signature.*`.
    #[error("signature: {message}")]
    Signature { code: &'static str, message: String },
}

impl SnapshotError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "snapshot.malformed",
            Self::UnsupportedFormat { .. } => "snapshot.unsupported_format",
            Self::DuplicateId { .. } => "snapshot.duplicate_id",
            Self::EmptyId { .. } => "snapshot.empty_id",
            Self::ReservedId { .. } => "snapshot.reserved_id",
            Self::UnknownGroup { .. } => "snapshot.unknown_group",
            Self::UnknownUser { .. } => "snapshot.unknown_user",
            Self::UnknownTenant { .. } => "snapshot.unknown_tenant",
            Self::UnknownResourceType { .. } => "snapshot.unknown_resource_type",
            Self::UnknownPermission { .. } => "snapshot.unknown_permission",
            Self::EmptyPermissions { .. } => "snapshot.empty_permissions",
            Self::GlobalWithGroup { .. } => "snapshot.global_with_group",
            Self::GlobalWithUser { .. } => "snapshot.global_with_user",
            Self::MissingOwner { .. } => "snapshot.missing_owner",
            Self::BothOwners { .. } => "snapshot.both_owners",
            Self::DuplicateResourceType { .. } => "snapshot.duplicate_resource_type",
            Self::InvalidPermissionValue { .. } => "snapshot.invalid_permission_value",
            Self::SourcesConflict { .. } => "snapshot.sources_conflict",
            Self::ProfileMismatch { .. } => "snapshot.profile_mismatch",
            Self::CollectionWithoutManager { .. } => "snapshot.collection_without_manager",
            Self::OptimizeManaged { .. } => "snapshot.optimize_managed",
            Self::UnknownCatalogue { .. } => "snapshot.unknown_catalogue",
            Self::UnknownRole { .. } => "snapshot.unknown_role",
            Self::UnknownClient { .. } => "snapshot.unknown_client",
            Self::UnknownMappingRule { .. } => "snapshot.unknown_mapping_rule",
            Self::UnknownAccessControl { .. } => "snapshot.unknown_access_control",
            Self::UnknownBundle { .. } => "snapshot.unknown_bundle",
            Self::UnknownProperty { .. } => "snapshot.unknown_property",
            Self::RevokeInGrants { .. } => "snapshot.revoke_in_grants",
            Self::GlobalInGrants { .. } => "snapshot.global_in_grants",
            Self::MissingResourceId { .. } => "snapshot.missing_resource_id",
            Self::BothMatchers { .. } => "snapshot.both_matchers",
            Self::InvalidClaimPath { .. } => "snapshot.invalid_claim_path",
            Self::CustomerGroupConflict { .. } => "snapshot.customer_group_conflict",
            Self::UserTypeMismatch { .. } => "snapshot.user_type_mismatch",
            Self::Limit { code, .. } | Self::Signature { code, .. } => code,
            Self::InvalidUtf8 { .. } => "snapshot.invalid_utf8",
            Self::Corrupt { .. } => "snapshot.corrupt",
            Self::Rollback { .. } => "snapshot.rollback",
            Self::Options { .. } => "options.malformed",
        }
    }

    /// Where in the document the error is (`authorizations[12].permissions[1]`).
    pub fn path(&self) -> &str {
        match self {
            Self::UnsupportedFormat { .. } => "format",
            Self::InvalidUtf8 { .. } | Self::Corrupt { .. } => ".",
            Self::Rollback { .. } => "sequence",
            Self::Signature { .. } => "signature",
            Self::Options { .. } => "options",
            Self::Malformed { path, .. }
            | Self::DuplicateId { path, .. }
            | Self::EmptyId { path }
            | Self::ReservedId { path, .. }
            | Self::UnknownGroup { path, .. }
            | Self::UnknownUser { path, .. }
            | Self::UnknownTenant { path, .. }
            | Self::UnknownResourceType { path, .. }
            | Self::UnknownPermission { path, .. }
            | Self::EmptyPermissions { path }
            | Self::GlobalWithGroup { path }
            | Self::GlobalWithUser { path, .. }
            | Self::MissingOwner { path }
            | Self::BothOwners { path }
            | Self::DuplicateResourceType { path, .. }
            | Self::InvalidPermissionValue { path, .. }
            | Self::SourcesConflict { path }
            | Self::ProfileMismatch { path, .. }
            | Self::CollectionWithoutManager { path, .. }
            | Self::OptimizeManaged { path, .. }
            | Self::UnknownCatalogue { path, .. }
            | Self::UnknownRole { path, .. }
            | Self::UnknownClient { path, .. }
            | Self::UnknownMappingRule { path, .. }
            | Self::UnknownAccessControl { path, .. }
            | Self::UnknownBundle { path, .. }
            | Self::UnknownProperty { path, .. }
            | Self::RevokeInGrants { path }
            | Self::GlobalInGrants { path }
            | Self::MissingResourceId { path }
            | Self::BothMatchers { path }
            | Self::InvalidClaimPath { path, .. }
            | Self::CustomerGroupConflict { path, .. }
            | Self::UserTypeMismatch { path, .. }
            | Self::Limit { path, .. } => path,
        }
    }

    pub fn to_doc(&self) -> ErrorDoc {
        ErrorDoc {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
    }
}

/// Why a request could not be answered. A deny is never an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    #[error("malformed request: {message}")]
    Malformed { message: String },
    #[error("a request needs a `user` (or, under profile `grants`, a `client`)")]
    MissingUser,
    #[error("a request needs `permission` and `resourceType`, or `anyOf`, or `allOf`")]
    MissingCheck,
    #[error("a request names one of `permission`, `anyOf` and `allOf`, not several")]
    AmbiguousCheck,
    #[error("`{field}` needs at least one check")]
    EmptyComposite { field: &'static str },
    #[error("unknown resource type `{resource_type}`")]
    UnknownResourceType { resource_type: String },
    #[error("unknown permission `{permission}` for resource type `{resource_type}`")]
    UnknownPermission {
        permission: String,
        resource_type: String,
    },
    #[error("unknown source `{source_name}`")]
    UnknownSource { source_name: String },
    #[error("the snapshot has several sources; name one with `source`")]
    SourceRequired,
    #[error("profile `{profile}` needs a `resourceId` for resource type `{resource_type}`")]
    MissingResourceId {
        profile: &'static str,
        resource_type: String,
    },
    #[error("unknown bundle `{bundle}`")]
    UnknownBundle { bundle: String },
    #[error("unknown {kind} `{id}`")]
    UnknownEntity { kind: &'static str, id: String },
    #[error("`{field}` is only available under profile `grants`")]
    GrantsOnly { field: &'static str },
    #[error("profile `{asked}` cannot decide a `{snapshot}` snapshot")]
    ProfileMismatch {
        asked: &'static str,
        snapshot: &'static str,
    },
    /// A limit of [`crate::Limits`]; `code` is the limit's (`limit.batch_length`).
    #[error("{message}")]
    Limit { code: &'static str, message: String },
    #[error("a request is UTF-8 JSON text: {message}")]
    InvalidUtf8 { message: String },
}

/// Inside the core requests fail boxed (a word-wide `Result` is what keeps the
/// decision paths small); the public API hands the error over as it is.
impl From<Box<RequestError>> for RequestError {
    fn from(error: Box<RequestError>) -> Self {
        *error
    }
}

impl RequestError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "request.malformed",
            Self::MissingUser => "request.missing_user",
            Self::MissingCheck => "request.missing_check",
            Self::AmbiguousCheck => "request.ambiguous_check",
            Self::EmptyComposite { .. } => "request.empty_composite",
            Self::UnknownResourceType { .. } => "request.unknown_resource_type",
            Self::UnknownPermission { .. } => "request.unknown_permission",
            Self::UnknownSource { .. } => "request.unknown_source",
            Self::SourceRequired => "request.source_required",
            Self::MissingResourceId { .. } => "request.missing_resource_id",
            Self::UnknownBundle { .. } => "request.unknown_bundle",
            Self::UnknownEntity { kind: "user", .. } => "request.unknown_user",
            Self::UnknownEntity { kind: "group", .. } => "request.unknown_group",
            Self::UnknownEntity {
                kind: "collection", ..
            } => "request.unknown_collection",
            Self::UnknownEntity { .. } => "request.unknown_access_control",
            Self::GrantsOnly { .. } => "request.grants_only",
            Self::ProfileMismatch { .. } => "request.profile_mismatch",
            Self::Limit { code, .. } => code,
            Self::InvalidUtf8 { .. } => "request.invalid_utf8",
        }
    }

    pub fn to_doc(&self) -> ErrorDoc {
        ErrorDoc {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
    }
}

/// Why an import failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("`{path}`: {message}")]
    Malformed { path: String, message: String },
    #[error(
        "`{path}`: unknown authorization type {found} (expected 0 GLOBAL, 1 GRANT or 2 REVOKE)"
    )]
    UnknownAuthorizationType { path: String, found: i64 },
    #[error("`{path}`: an authorization needs a resource id")]
    MissingResourceId { path: String },
    #[error(
        "`{path}`: unknown owner type `{found}` (expected USER, CLIENT, GROUP, ROLE or MAPPING_RULE)"
    )]
    UnknownOwnerType { path: String, found: String },
    #[error("`{path}`: unknown user type `{found}` (expected CUSTOMER or EMPLOYEE)")]
    UnknownUserType { path: String, found: String },
    #[error(
        "`{path}`: unknown account status `{found}` (expected ACTIVE, PROVISIONED or INACTIVE)"
    )]
    UnknownAccountStatus { path: String, found: String },
    /// Emporix: a group holds an access control restricted to the other user type.
    #[error(
        "group `{group}` ({user_type}) holds access control `{access_control}`, which is restricted to {restricted_to} groups"
    )]
    UserTypeMismatch {
        group: String,
        user_type: &'static str,
        access_control: String,
        restricted_to: &'static str,
    },
    /// Emporix: a customer in two of ADMIN, BUYER and REQUESTER of one legal entity.
    #[error(
        "user `{user}` is in `{first}` and `{second}`, two of the ADMIN, BUYER and REQUESTER groups of legal entity `{legal_entity}`"
    )]
    CustomerGroupConflict {
        user: String,
        first: String,
        second: String,
        legal_entity: String,
    },
}

impl ImportError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "import.malformed",
            Self::UnknownAuthorizationType { .. } => "import.unknown_authorization_type",
            Self::MissingResourceId { .. } => "import.missing_resource_id",
            Self::UnknownOwnerType { .. } => "import.unknown_owner_type",
            Self::UnknownUserType { .. } => "import.unknown_user_type",
            Self::UnknownAccountStatus { .. } => "import.unknown_account_status",
            Self::UserTypeMismatch { .. } => "import.user_type_mismatch",
            Self::CustomerGroupConflict { .. } => "import.customer_group_conflict",
        }
    }
}
