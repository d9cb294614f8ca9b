//! The decoders of the wire documents: one per type, each a loop over its
//! object's fields calling the reader's typed calls (`json.rs`).
//!
//! They read exactly what the types' serde derive reads — the same fields,
//! defaults, refusals and words (`tests/run/json_decoder.rs` and
//! `tests/run/error_paths.rs` compare the two over mutated vector snapshots) —
//! but compile to a fraction of it: serde derive made two fifths of the
//! JavaScript package. A struct is read into a value made empty first
//! ([`Fill`]), one field at a time through `&mut` readers, so that nothing is
//! dropped at each field's `?` and assignment; the loop over an object's fields
//! is one function ([`read_fields`]). Field names are listed in declaration
//! order, as serde lists them in its messages; `REQUIRED` masks are bits by that
//! order.

use super::{
    AccessControlDoc, AccessDoc, AccountState, AssignmentDoc, AuthorizationType, BundleDoc,
    BundleImplicationDoc, CheckDoc, ClaimOperator, ClientDoc, CollectionDoc, CollectionRole,
    DefinitionKind, DefinitionRefDoc, DomainDoc, DomainLevel, EventBasedProcessDoc,
    EventProcessDoc, GroupDoc, ListRequestDoc, MappingRuleDoc, MemberDoc, OptimizeDoc, OptionsDoc,
    OwnerType, PermissionsRequestDoc, PredefinedGroup, PrincipalDoc, ProfileName, ReportDoc,
    RequestDoc, ResourceTypeDoc, RevokeMode, RoleDoc, SnapshotDoc, SortedMap, SourceDoc, TenantDoc,
    TypeRef, UserDoc, UserType,
};
use crate::json::{Decoder, Error, Map};
use crate::prelude::*;

/// A wire document that has its own decoder: what [`super::decode`] and
/// [`super::read`] take.
pub trait Decode: Sized {
    /// Reads one value of this type at the decoder's position.
    ///
    /// # Errors
    /// JSON of another shape, in `serde_json`'s words.
    fn read(decoder: &mut Decoder<'_>) -> Result<Self, Error>;
}

/// A struct read field by field into [`Fill::empty`].
pub(crate) trait Fill<'de>: Sized {
    /// What a value of another type is refused as needing (`struct UserDoc`).
    const EXPECTED: &'static str;
    const FIELDS: &'static [&'static str];
    /// The fields that must be present, as bits by position in `FIELDS`.
    const REQUIRED: u64 = 0;

    /// The value before any field is read: every field's default (what a
    /// required field holds here is never returned).
    fn empty() -> Self;

    /// Reads field `field` (a position in `FIELDS`; each is read at most once,
    /// [`crate::json::Fields`] refuses a repeated one).
    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error>;
}

/// Reads a [`Fill`] struct.
fn fill<'de, T: Fill<'de>>(d: &mut Decoder<'de>) -> Result<T, Error> {
    let mut value = T::empty();
    read_fields(d, T::EXPECTED, T::FIELDS, T::REQUIRED, &mut |d, field| {
        value.field(d, field)
    })?;
    Ok(value)
}

/// The loop over an object's fields, for every struct.
pub(crate) fn read_fields<'de>(
    d: &mut Decoder<'de>,
    expected: &str,
    names: &'static [&'static str],
    required: u64,
    field: &mut dyn FnMut(&mut Decoder<'de>, usize) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut fields = d.read_object(expected, names)?;
    while let Some(position) = fields.next(d)? {
        field(d, position)?;
    }
    fields.require(d, required)
}

/// Structs that are [`Fill`], decoded.
macro_rules! decode_by_fill {
    ($($ty:ty),+ $(,)?) => {$(
        impl Decode for $ty {
            fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
                fill(d)
            }
        }
    )+};
}

/// `null`, or a value read by `read`.
fn opt<'de, T>(
    d: &mut Decoder<'de>,
    read: impl FnOnce(&mut Decoder<'de>) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    if d.read_null()? {
        return Ok(None);
    }
    read(d).map(Some)
}

/// `null` (`None`), or a string.
fn opt_string(d: &mut Decoder<'_>, out: &mut Option<String>) -> Result<(), Error> {
    *out = opt(d, Decoder::read_string)?;
    Ok(())
}

fn opt_strings(d: &mut Decoder<'_>, out: &mut Option<Vec<String>>) -> Result<(), Error> {
    *out = opt(d, Decoder::read_strings)?;
    Ok(())
}

fn string(d: &mut Decoder<'_>, out: &mut String) -> Result<(), Error> {
    let text = d.read_str()?;
    out.clear();
    out.push_str(text);
    Ok(())
}

fn strings(d: &mut Decoder<'_>, out: &mut Vec<String>) -> Result<(), Error> {
    *out = d.read_strings()?;
    Ok(())
}

/// An array of `T`, appended to `out` (empty: each field is read once).
fn list<T: Decode>(d: &mut Decoder<'_>, out: &mut Vec<T>) -> Result<(), Error> {
    let mut items = d.read_array()?;
    while items.next(d)? {
        out.push(T::read(d)?);
    }
    Ok(())
}

/// An object of `V`s, by string key.
fn map<'de, V>(
    d: &mut Decoder<'de>,
    out: &mut SortedMap<String, V>,
    read: fn(&mut Decoder<'de>) -> Result<V, Error>,
) -> Result<(), Error> {
    let mut entries = d.read_map()?;
    while let Some(key) = entries.next_key(d)? {
        out.insert(key, read(d)?);
    }
    Ok(())
}

/// Unit enums, named by strings.
macro_rules! variants {
    ($($ty:ident { $($name:literal => $variant:ident),+ $(,)? })+) => {$(
        impl Decode for $ty {
            fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
                const NAMES: &[&str] = &[$($name),+];
                const VALUES: &[$ty] = &[$($ty::$variant),+];
                let position = d.read_variant(NAMES)?;
                #[expect(clippy::indexing_slicing, reason = "a position in NAMES, as long as VALUES")]
                Ok(VALUES[position])
            }
        }
    )+};
}

variants! {
    ProfileName { "camunda7" => Camunda7, "optimize" => Optimize, "grants" => Grants }
    RevokeMode { "auto" => Auto, "always" => Always, "never" => Never }
    AccountState { "active" => Active, "locked" => Locked, "provisioned" => Provisioned }
    ClaimOperator { "EQUALS" => Equals, "CONTAINS" => Contains }
    UserType { "EMPLOYEE" => Employee, "CUSTOMER" => Customer }
    PredefinedGroup { "ADMIN" => Admin, "BUYER" => Buyer, "REQUESTER" => Requester, "CONTACT" => Contact }
    AuthorizationType { "GLOBAL" => Global, "GRANT" => Grant, "REVOKE" => Revoke }
    CollectionRole { "VIEWER" => Viewer, "EDITOR" => Editor, "MANAGER" => Manager }
    DefinitionKind { "process" => Process, "decision" => Decision }
    OwnerType {
        "USER" => User, "CLIENT" => Client, "GROUP" => Group, "ROLE" => Role,
        "MAPPING_RULE" => MappingRule,
    }
}

const LEVELS: &[&str] = &["Viewer", "Editor", "Manager", "Administrator"];
const LEVEL_VALUES: [DomainLevel; 4] = [
    DomainLevel::Viewer,
    DomainLevel::Editor,
    DomainLevel::Manager,
    DomainLevel::Administrator,
];

impl Decode for TypeRef {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        Ok(match d.read_name_or_id()? {
            Ok(id) => Self::Id(id),
            Err(name) => Self::Name(name.into_owned()),
        })
    }
}

impl Decode for String {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        d.read_string()
    }
}

impl Decode for Map {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        d.read_value_map()
    }
}

decode_by_fill!(
    SnapshotDoc,
    OptionsDoc,
    ResourceTypeDoc,
    TenantDoc,
    UserDoc,
    ClientDoc,
    RoleDoc,
    MappingRuleDoc,
    AccessControlDoc,
    BundleDoc,
    BundleImplicationDoc,
    DomainDoc,
    GroupDoc,
    SourceDoc,
    CheckDoc,
    PrincipalDoc,
    PermissionsRequestDoc,
    ListRequestDoc,
    RequestDoc,
    AssignmentDoc,
    OptimizeDoc,
    CollectionDoc,
    MemberDoc,
    ReportDoc,
    DefinitionRefDoc,
    EventBasedProcessDoc,
    EventProcessDoc,
    AccessDoc,
);

impl<'de> Fill<'de> for SnapshotDoc {
    const EXPECTED: &'static str = "struct SnapshotDoc";
    const FIELDS: &'static [&'static str] = &[
        "format",
        "revision",
        "profile",
        "options",
        "resourceTypes",
        "tenants",
        "users",
        "groups",
        "authorizations",
        "sources",
        "catalogues",
        "clients",
        "roles",
        "mappingRules",
        "bundles",
        "bundleImplications",
        "accessControls",
        "domains",
        "sequence",
        "optimize",
    ];
    const REQUIRED: u64 = 0b101;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => self.format = d.read_u32()?,
            1 => opt_string(d, &mut self.revision)?,
            2 => self.profile = ProfileName::read(d)?,
            3 => self.options = OptionsDoc::read(d)?,
            4 => list(d, &mut self.resource_types)?,
            5 => list(d, &mut self.tenants)?,
            6 => list(d, &mut self.users)?,
            7 => list(d, &mut self.groups)?,
            8 => list(d, &mut self.authorizations)?,
            9 => list(d, &mut self.sources)?,
            10 => strings(d, &mut self.catalogues)?,
            11 => list(d, &mut self.clients)?,
            12 => list(d, &mut self.roles)?,
            13 => list(d, &mut self.mapping_rules)?,
            14 => list(d, &mut self.bundles)?,
            15 => list(d, &mut self.bundle_implications)?,
            16 => list(d, &mut self.access_controls)?,
            17 => list(d, &mut self.domains)?,
            18 => self.sequence = opt(d, Decoder::read_u64)?,
            _ => self.optimize = opt(d, OptimizeDoc::read)?,
        }
        Ok(())
    }
}

impl<'de> Fill<'de> for OptionsDoc {
    const EXPECTED: &'static str = "struct OptionsDoc";
    const FIELDS: &'static [&'static str] = &[
        "revokeMode",
        "tenantChecks",
        "authorizationChecks",
        "adminGroups",
        "adminUsers",
        "defaultRoles",
    ];

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => self.revoke_mode = RevokeMode::read(d)?,
            1 => self.tenant_checks = d.read_bool()?,
            2 => self.authorization_checks = d.read_bool()?,
            3 => strings(d, &mut self.admin_groups)?,
            4 => strings(d, &mut self.admin_users)?,
            _ => self.default_roles = d.read_bool()?,
        }
        Ok(())
    }
}

impl<'de> Fill<'de> for ResourceTypeDoc {
    const EXPECTED: &'static str = "struct ResourceTypeDoc";
    const FIELDS: &'static [&'static str] = &["name", "id", "permissions", "implies"];
    const REQUIRED: u64 = 0b111;

    fn empty() -> Self {
        Self {
            name: String::new(),
            id: 0,
            permissions: SortedMap::new(),
            implies: SortedMap::new(),
        }
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.name),
            1 => {
                self.id = d.read_u32()?;
                Ok(())
            }
            2 => map(d, &mut self.permissions, Decoder::read_u32),
            _ => map(d, &mut self.implies, Decoder::read_strings),
        }
    }
}

impl<'de> Fill<'de> for TenantDoc {
    const EXPECTED: &'static str = "struct TenantDoc";
    const FIELDS: &'static [&'static str] = &["id"];
    const REQUIRED: u64 = 0b1;

    fn empty() -> Self {
        Self { id: String::new() }
    }

    fn field(&mut self, d: &mut Decoder<'de>, _: usize) -> Result<(), Error> {
        string(d, &mut self.id)
    }
}

impl<'de> Fill<'de> for UserDoc {
    const EXPECTED: &'static str = "struct UserDoc";
    const FIELDS: &'static [&'static str] = &["id", "groups", "tenants", "roles", "state"];
    const REQUIRED: u64 = 0b1;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.id),
            1 => strings(d, &mut self.groups),
            2 => strings(d, &mut self.tenants),
            3 => strings(d, &mut self.roles),
            _ => {
                self.state = AccountState::read(d)?;
                Ok(())
            }
        }
    }
}

impl<'de> Fill<'de> for ClientDoc {
    const EXPECTED: &'static str = "struct ClientDoc";
    const FIELDS: &'static [&'static str] = &["id", "groups", "roles", "tenants"];
    const REQUIRED: u64 = 0b1;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.id),
            1 => strings(d, &mut self.groups),
            2 => strings(d, &mut self.roles),
            _ => strings(d, &mut self.tenants),
        }
    }
}

impl<'de> Fill<'de> for RoleDoc {
    const EXPECTED: &'static str = "struct RoleDoc";
    const FIELDS: &'static [&'static str] = &["id", "tenants"];
    const REQUIRED: u64 = 0b1;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.id),
            _ => strings(d, &mut self.tenants),
        }
    }
}

impl<'de> Fill<'de> for MappingRuleDoc {
    const EXPECTED: &'static str = "struct MappingRuleDoc";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "claimName",
        "claimValue",
        "operator",
        "groups",
        "roles",
        "tenants",
    ];
    const REQUIRED: u64 = 0b111;

    fn empty() -> Self {
        Self {
            id: String::new(),
            claim_name: String::new(),
            claim_value: String::new(),
            operator: None,
            groups: Vec::new(),
            roles: Vec::new(),
            tenants: Vec::new(),
        }
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.id),
            1 => string(d, &mut self.claim_name),
            2 => string(d, &mut self.claim_value),
            3 => {
                self.operator = opt(d, ClaimOperator::read)?;
                Ok(())
            }
            4 => strings(d, &mut self.groups),
            5 => strings(d, &mut self.roles),
            _ => strings(d, &mut self.tenants),
        }
    }
}

impl<'de> Fill<'de> for AccessControlDoc {
    const EXPECTED: &'static str = "struct AccessControlDoc";
    const FIELDS: &'static [&'static str] = &["id", "scopes", "restrictionAware", "restrictedTo"];
    const REQUIRED: u64 = 0b1;

    fn empty() -> Self {
        Self {
            id: String::new(),
            scopes: Vec::new(),
            restriction_aware: false,
            restricted_to: None,
        }
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.id)?,
            1 => strings(d, &mut self.scopes)?,
            2 => self.restriction_aware = d.read_bool()?,
            _ => self.restricted_to = opt(d, UserType::read)?,
        }
        Ok(())
    }
}

impl<'de> Fill<'de> for BundleDoc {
    const EXPECTED: &'static str = "struct BundleDoc";
    const FIELDS: &'static [&'static str] = &["id", "allOf"];
    const REQUIRED: u64 = 0b11;

    fn empty() -> Self {
        Self {
            id: String::new(),
            all_of: Vec::new(),
        }
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.id),
            _ => list(d, &mut self.all_of),
        }
    }
}

impl<'de> Fill<'de> for BundleImplicationDoc {
    const EXPECTED: &'static str = "struct BundleImplicationDoc";
    const FIELDS: &'static [&'static str] = &["when", "then"];
    const REQUIRED: u64 = 0b11;

    fn empty() -> Self {
        Self {
            when: String::new(),
            then: String::new(),
        }
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.when),
            _ => string(d, &mut self.then),
        }
    }
}

impl<'de> Fill<'de> for DomainDoc {
    const EXPECTED: &'static str = "struct DomainDoc";
    const FIELDS: &'static [&'static str] = &["base", "levels"];
    const REQUIRED: u64 = 0b11;

    fn empty() -> Self {
        Self {
            base: String::new(),
            levels: SortedMap::new(),
        }
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        if field == 0 {
            return string(d, &mut self.base);
        }
        let mut entries = d.read_map()?;
        while let Some(level) = entries.next_variant(d, LEVELS)? {
            #[expect(clippy::indexing_slicing, reason = "a position in LEVELS")]
            let level = LEVEL_VALUES[level];
            self.levels.insert(level, d.read_strings()?);
        }
        Ok(())
    }
}

impl<'de> Fill<'de> for GroupDoc {
    const EXPECTED: &'static str = "struct GroupDoc";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "tenants",
        "roles",
        "userType",
        "legalEntity",
        "restrictions",
        "accessControls",
        "predefined",
    ];
    const REQUIRED: u64 = 0b1;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.id)?,
            1 => strings(d, &mut self.tenants)?,
            2 => strings(d, &mut self.roles)?,
            3 => self.user_type = opt(d, UserType::read)?,
            4 => opt_string(d, &mut self.legal_entity)?,
            5 => strings(d, &mut self.restrictions)?,
            6 => strings(d, &mut self.access_controls)?,
            _ => self.predefined = opt(d, PredefinedGroup::read)?,
        }
        Ok(())
    }
}

impl<'de> Fill<'de> for SourceDoc {
    const EXPECTED: &'static str = "struct SourceDoc";
    const FIELDS: &'static [&'static str] = &["name", "users", "groups", "authorizations"];
    const REQUIRED: u64 = 0b1;

    fn empty() -> Self {
        Self {
            name: String::new(),
            users: Vec::new(),
            groups: Vec::new(),
            authorizations: Vec::new(),
        }
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.name),
            1 => list(d, &mut self.users),
            2 => list(d, &mut self.groups),
            _ => list(d, &mut self.authorizations),
        }
    }
}

impl<'de> Fill<'de> for CheckDoc {
    const EXPECTED: &'static str = "struct CheckDoc";
    const FIELDS: &'static [&'static str] = &["permission", "resourceType", "resourceId"];
    const REQUIRED: u64 = 0b11;

    fn empty() -> Self {
        Self {
            permission: String::new(),
            resource_type: TypeRef::Id(0),
            resource_id: None,
        }
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.permission)?,
            1 => self.resource_type = TypeRef::read(d)?,
            _ => opt_string(d, &mut self.resource_id)?,
        }
        Ok(())
    }
}

/// The fields every principal-bearing request but [`RequestDoc`] starts with,
/// in their order: `user`, `client`, `claims`, `groups`, `source`, `profile`.
const ASKER: [&str; 6] = ["user", "client", "claims", "groups", "source", "profile"];

/// Reads field `field` (0 to 5) of [`ASKER`] into its slot.
#[expect(
    clippy::too_many_arguments,
    reason = "the six slots of the shared fields"
)]
fn asker(
    d: &mut Decoder<'_>,
    field: usize,
    user: &mut Option<String>,
    client: &mut Option<String>,
    claims: &mut Option<Map>,
    groups: &mut Option<Vec<String>>,
    source: &mut Option<String>,
    profile: &mut Option<ProfileName>,
) -> Result<(), Error> {
    match field {
        0 => opt_string(d, user)?,
        1 => opt_string(d, client)?,
        2 => *claims = opt(d, Map::read)?,
        3 => opt_strings(d, groups)?,
        4 => opt_string(d, source)?,
        _ => *profile = opt(d, ProfileName::read)?,
    }
    Ok(())
}

/// [`asker`] for a document with the six shared fields.
macro_rules! asker {
    ($doc:expr, $d:expr, $field:expr) => {
        asker(
            $d,
            $field,
            &mut $doc.user,
            &mut $doc.client,
            &mut $doc.claims,
            &mut $doc.groups,
            &mut $doc.source,
            &mut $doc.profile,
        )
    };
}

impl<'de> Fill<'de> for PrincipalDoc {
    const EXPECTED: &'static str = "struct PrincipalDoc";
    const FIELDS: &'static [&'static str] = &ASKER;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        asker!(self, d, field)
    }
}

impl<'de> Fill<'de> for PermissionsRequestDoc {
    const EXPECTED: &'static str = "struct PermissionsRequestDoc";
    const FIELDS: &'static [&'static str] = &[
        "user",
        "client",
        "claims",
        "groups",
        "source",
        "profile",
        "resourceType",
        "resourceId",
        "tenantId",
    ];
    const REQUIRED: u64 = 1 << 6;

    fn empty() -> Self {
        Self {
            user: None,
            client: None,
            claims: None,
            groups: None,
            source: None,
            profile: None,
            resource_type: TypeRef::Id(0),
            resource_id: None,
            tenant_id: None,
        }
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0..=5 => asker!(self, d, field)?,
            6 => self.resource_type = TypeRef::read(d)?,
            7 => opt_string(d, &mut self.resource_id)?,
            _ => opt_string(d, &mut self.tenant_id)?,
        }
        Ok(())
    }
}

impl<'de> Fill<'de> for ListRequestDoc {
    const EXPECTED: &'static str = "struct ListRequestDoc";
    const FIELDS: &'static [&'static str] = &[
        "user",
        "client",
        "claims",
        "groups",
        "source",
        "profile",
        "permission",
        "resourceType",
    ];
    const REQUIRED: u64 = 0b11 << 6;

    fn empty() -> Self {
        Self {
            user: None,
            client: None,
            claims: None,
            groups: None,
            source: None,
            profile: None,
            permission: String::new(),
            resource_type: TypeRef::Id(0),
        }
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0..=5 => asker!(self, d, field)?,
            6 => string(d, &mut self.permission)?,
            _ => self.resource_type = TypeRef::read(d)?,
        }
        Ok(())
    }
}

impl<'de> Fill<'de> for RequestDoc {
    const EXPECTED: &'static str = "struct RequestDoc";
    const FIELDS: &'static [&'static str] = &[
        "user",
        "groups",
        "tenantId",
        "source",
        "profile",
        "permission",
        "resourceType",
        "resourceId",
        "anyOf",
        "allOf",
        "client",
        "claims",
        "properties",
        "resourceExists",
        "bundle",
        "scopes",
        "restriction",
        "anonymousAuthorized",
    ];

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => opt_string(d, &mut self.user)?,
            1 => opt_strings(d, &mut self.groups)?,
            2 => opt_string(d, &mut self.tenant_id)?,
            3 => opt_string(d, &mut self.source)?,
            4 => self.profile = opt(d, ProfileName::read)?,
            5 => opt_string(d, &mut self.permission)?,
            6 => self.resource_type = opt(d, TypeRef::read)?,
            7 => opt_string(d, &mut self.resource_id)?,
            8 => self.any_of = opt(d, |d| d.read_list(CheckDoc::read))?,
            9 => self.all_of = opt(d, |d| d.read_list(CheckDoc::read))?,
            10 => opt_string(d, &mut self.client)?,
            11 => self.claims = opt(d, Map::read)?,
            12 => self.properties = opt(d, Map::read)?,
            13 => self.resource_exists = opt(d, Decoder::read_bool)?,
            14 => opt_string(d, &mut self.bundle)?,
            15 => opt_strings(d, &mut self.scopes)?,
            16 => opt_string(d, &mut self.restriction)?,
            _ => self.anonymous_authorized = d.read_bool()?,
        }
        Ok(())
    }
}

impl<'de> Fill<'de> for AssignmentDoc {
    const EXPECTED: &'static str = "struct AssignmentDoc";
    const FIELDS: &'static [&'static str] =
        &["user", "group", "accessControl", "collection", "role"];

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => opt_string(d, &mut self.user),
            1 => opt_string(d, &mut self.group),
            2 => opt_string(d, &mut self.access_control),
            3 => opt_string(d, &mut self.collection),
            _ => {
                self.role = opt(d, CollectionRole::read)?;
                Ok(())
            }
        }
    }
}

impl<'de> Fill<'de> for OptimizeDoc {
    const EXPECTED: &'static str = "struct OptimizeDoc";
    const FIELDS: &'static [&'static str] = &[
        "collections",
        "reports",
        "eventBasedProcess",
        "eventProcesses",
    ];

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => list(d, &mut self.collections),
            1 => list(d, &mut self.reports),
            2 => {
                self.event_based_process = EventBasedProcessDoc::read(d)?;
                Ok(())
            }
            _ => list(d, &mut self.event_processes),
        }
    }
}

impl<'de> Fill<'de> for CollectionDoc {
    const EXPECTED: &'static str = "struct CollectionDoc";
    const FIELDS: &'static [&'static str] = &["id", "members", "reports"];
    const REQUIRED: u64 = 0b1;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.id),
            1 => list(d, &mut self.members),
            _ => list(d, &mut self.reports),
        }
    }
}

impl<'de> Fill<'de> for MemberDoc {
    const EXPECTED: &'static str = "struct MemberDoc";
    const FIELDS: &'static [&'static str] = &["userId", "groupId", "role"];
    const REQUIRED: u64 = 0b100;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => opt_string(d, &mut self.user_id),
            1 => opt_string(d, &mut self.group_id),
            _ => {
                self.role = CollectionRole::read(d)?;
                Ok(())
            }
        }
    }
}

impl<'de> Fill<'de> for ReportDoc {
    const EXPECTED: &'static str = "struct ReportDoc";
    const FIELDS: &'static [&'static str] = &["id", "owner", "definitions"];
    const REQUIRED: u64 = 0b1;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.id),
            1 => opt_string(d, &mut self.owner),
            _ => list(d, &mut self.definitions),
        }
    }
}

impl<'de> Fill<'de> for DefinitionRefDoc {
    const EXPECTED: &'static str = "struct DefinitionRefDoc";
    const FIELDS: &'static [&'static str] = &["type", "key"];
    const REQUIRED: u64 = 0b11;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => {
                self.kind = DefinitionKind::read(d)?;
                Ok(())
            }
            _ => string(d, &mut self.key),
        }
    }
}

impl<'de> Fill<'de> for EventBasedProcessDoc {
    const EXPECTED: &'static str = "struct EventBasedProcessDoc";
    const FIELDS: &'static [&'static str] = &["authorizedUserIds", "authorizedGroupIds"];

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => strings(d, &mut self.authorized_user_ids),
            _ => strings(d, &mut self.authorized_group_ids),
        }
    }
}

impl<'de> Fill<'de> for EventProcessDoc {
    const EXPECTED: &'static str = "struct EventProcessDoc";
    const FIELDS: &'static [&'static str] = &["id", "access"];
    const REQUIRED: u64 = 0b1;

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => string(d, &mut self.id),
            _ => list(d, &mut self.access),
        }
    }
}

impl<'de> Fill<'de> for AccessDoc {
    const EXPECTED: &'static str = "struct AccessDoc";
    const FIELDS: &'static [&'static str] = &["userId", "groupId"];

    fn empty() -> Self {
        Self::default()
    }

    fn field(&mut self, d: &mut Decoder<'de>, field: usize) -> Result<(), Error> {
        match field {
            0 => opt_string(d, &mut self.user_id),
            _ => opt_string(d, &mut self.group_id),
        }
    }
}
