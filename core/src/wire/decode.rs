//! The decoders of the wire documents: one per type, each a loop over its
//! object's fields calling the reader's typed calls (`json.rs`).
//!
//! They read exactly what the types' serde derive reads — the same fields,
//! defaults, refusals and words (`tests/run/json_decoder.rs` and
//! `tests/run/error_paths.rs` compare the two over mutated vector snapshots) —
//! but compile to a fraction of it: serde derive made two fifths of the
//! JavaScript package. Field names are listed in declaration order, as serde
//! lists them in its messages; `required` masks are bits by that order.

use super::{
    AccessControlDoc, AccountState, AssignmentDoc, AuthorizationDoc, AuthorizationType, BundleDoc,
    BundleImplicationDoc, CheckDoc, ClaimOperator, ClientDoc, DomainDoc, DomainLevel, GroupDoc,
    ListRequestDoc, MappingRuleDoc, OptionsDoc, OwnerType, PermissionsRequestDoc, PredefinedGroup,
    PrincipalDoc, ProfileName, RequestDoc, ResourceTypeDoc, RevokeMode, RoleDoc, SnapshotDoc,
    SortedMap, SourceDoc, TenantDoc, TypeRef, UserDoc, UserType,
};
use crate::json::{Decoder, Error, Map};

/// A wire document that has its own decoder: what [`super::decode`] and
/// [`super::read`] take.
pub trait Decode: Sized {
    /// Reads one value of this type at the decoder's position.
    ///
    /// # Errors
    /// JSON of another shape, in `serde_json`'s words.
    fn read(decoder: &mut Decoder<'_>) -> Result<Self, Error>;
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

fn opt_string(d: &mut Decoder<'_>) -> Result<Option<String>, Error> {
    opt(d, Decoder::read_string)
}

fn opt_strings(d: &mut Decoder<'_>) -> Result<Option<Vec<String>>, Error> {
    opt(d, Decoder::read_strings)
}

fn list<T: Decode>(d: &mut Decoder<'_>) -> Result<Vec<T>, Error> {
    d.read_list(T::read)
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
            Err(name) => Self::Name(name),
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

impl Decode for SnapshotDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &[
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
        ];
        let mut doc = Self::default();
        let mut fields = d.read_object("struct SnapshotDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.format = d.read_u32()?,
                1 => doc.revision = opt_string(d)?,
                2 => doc.profile = ProfileName::read(d)?,
                3 => doc.options = OptionsDoc::read(d)?,
                4 => doc.resource_types = list(d)?,
                5 => doc.tenants = list(d)?,
                6 => doc.users = list(d)?,
                7 => doc.groups = list(d)?,
                8 => doc.authorizations = list(d)?,
                9 => doc.sources = list(d)?,
                10 => doc.catalogues = d.read_strings()?,
                11 => doc.clients = list(d)?,
                12 => doc.roles = list(d)?,
                13 => doc.mapping_rules = list(d)?,
                14 => doc.bundles = list(d)?,
                15 => doc.bundle_implications = list(d)?,
                16 => doc.access_controls = list(d)?,
                _ => doc.domains = list(d)?,
            }
        }
        fields.require(d, 0b101)?;
        Ok(doc)
    }
}

impl Decode for OptionsDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &[
            "revokeMode",
            "tenantChecks",
            "authorizationChecks",
            "adminGroups",
            "adminUsers",
            "defaultRoles",
        ];
        let mut doc = Self::default();
        let mut fields = d.read_object("struct OptionsDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.revoke_mode = RevokeMode::read(d)?,
                1 => doc.tenant_checks = d.read_bool()?,
                2 => doc.authorization_checks = d.read_bool()?,
                3 => doc.admin_groups = d.read_strings()?,
                4 => doc.admin_users = d.read_strings()?,
                _ => doc.default_roles = d.read_bool()?,
            }
        }
        Ok(doc)
    }
}

impl Decode for ResourceTypeDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &["name", "id", "permissions", "implies"];
        let mut doc = Self {
            name: String::new(),
            id: 0,
            permissions: SortedMap::new(),
            implies: SortedMap::new(),
        };
        let mut fields = d.read_object("struct ResourceTypeDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.name = d.read_string()?,
                1 => doc.id = d.read_u32()?,
                2 => {
                    let mut map = SortedMap::new();
                    let mut entries = d.read_map()?;
                    while let Some(name) = entries.next_key(d)? {
                        map.insert(name, d.read_u32()?);
                    }
                    doc.permissions = map;
                }
                _ => {
                    let mut map = SortedMap::new();
                    let mut entries = d.read_map()?;
                    while let Some(name) = entries.next_key(d)? {
                        map.insert(name, d.read_strings()?);
                    }
                    doc.implies = map;
                }
            }
        }
        fields.require(d, 0b111)?;
        Ok(doc)
    }
}

impl Decode for TenantDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        let mut id = String::new();
        let mut fields = d.read_object("struct TenantDoc", &["id"])?;
        while fields.next(d)?.is_some() {
            id = d.read_string()?;
        }
        fields.require(d, 0b1)?;
        Ok(Self { id })
    }
}

impl Decode for UserDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &["id", "groups", "tenants", "roles", "state"];
        let mut doc = Self::default();
        let mut fields = d.read_object("struct UserDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.id = d.read_string()?,
                1 => doc.groups = d.read_strings()?,
                2 => doc.tenants = d.read_strings()?,
                3 => doc.roles = d.read_strings()?,
                _ => doc.state = AccountState::read(d)?,
            }
        }
        fields.require(d, 0b1)?;
        Ok(doc)
    }
}

impl Decode for ClientDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &["id", "groups", "roles", "tenants"];
        let mut doc = Self::default();
        let mut fields = d.read_object("struct ClientDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.id = d.read_string()?,
                1 => doc.groups = d.read_strings()?,
                2 => doc.roles = d.read_strings()?,
                _ => doc.tenants = d.read_strings()?,
            }
        }
        fields.require(d, 0b1)?;
        Ok(doc)
    }
}

impl Decode for RoleDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        let mut doc = Self::default();
        let mut fields = d.read_object("struct RoleDoc", &["id", "tenants"])?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.id = d.read_string()?,
                _ => doc.tenants = d.read_strings()?,
            }
        }
        fields.require(d, 0b1)?;
        Ok(doc)
    }
}

impl Decode for MappingRuleDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &[
            "id",
            "claimName",
            "claimValue",
            "operator",
            "groups",
            "roles",
            "tenants",
        ];
        let mut doc = Self {
            id: String::new(),
            claim_name: String::new(),
            claim_value: String::new(),
            operator: None,
            groups: Vec::new(),
            roles: Vec::new(),
            tenants: Vec::new(),
        };
        let mut fields = d.read_object("struct MappingRuleDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.id = d.read_string()?,
                1 => doc.claim_name = d.read_string()?,
                2 => doc.claim_value = d.read_string()?,
                3 => doc.operator = opt(d, ClaimOperator::read)?,
                4 => doc.groups = d.read_strings()?,
                5 => doc.roles = d.read_strings()?,
                _ => doc.tenants = d.read_strings()?,
            }
        }
        fields.require(d, 0b111)?;
        Ok(doc)
    }
}

impl Decode for AccessControlDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &["id", "scopes", "restrictionAware", "restrictedTo"];
        let mut doc = Self {
            id: String::new(),
            scopes: Vec::new(),
            restriction_aware: false,
            restricted_to: None,
        };
        let mut fields = d.read_object("struct AccessControlDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.id = d.read_string()?,
                1 => doc.scopes = d.read_strings()?,
                2 => doc.restriction_aware = d.read_bool()?,
                _ => doc.restricted_to = opt(d, UserType::read)?,
            }
        }
        fields.require(d, 0b1)?;
        Ok(doc)
    }
}

impl Decode for BundleDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        let mut doc = Self {
            id: String::new(),
            all_of: Vec::new(),
        };
        let mut fields = d.read_object("struct BundleDoc", &["id", "allOf"])?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.id = d.read_string()?,
                _ => doc.all_of = list(d)?,
            }
        }
        fields.require(d, 0b11)?;
        Ok(doc)
    }
}

impl Decode for BundleImplicationDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        let mut doc = Self {
            when: String::new(),
            then: String::new(),
        };
        let mut fields = d.read_object("struct BundleImplicationDoc", &["when", "then"])?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.when = d.read_string()?,
                _ => doc.then = d.read_string()?,
            }
        }
        fields.require(d, 0b11)?;
        Ok(doc)
    }
}

impl Decode for DomainDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        let mut doc = Self {
            base: String::new(),
            levels: SortedMap::new(),
        };
        let mut fields = d.read_object("struct DomainDoc", &["base", "levels"])?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.base = d.read_string()?,
                _ => {
                    let mut levels = SortedMap::new();
                    let mut entries = d.read_map()?;
                    while let Some(level) = entries.next_variant(d, LEVELS)? {
                        #[expect(clippy::indexing_slicing, reason = "a position in LEVELS")]
                        let level = LEVEL_VALUES[level];
                        levels.insert(level, d.read_strings()?);
                    }
                    doc.levels = levels;
                }
            }
        }
        fields.require(d, 0b11)?;
        Ok(doc)
    }
}

impl Decode for GroupDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &[
            "id",
            "tenants",
            "roles",
            "userType",
            "legalEntity",
            "restrictions",
            "accessControls",
            "predefined",
        ];
        let mut doc = Self::default();
        let mut fields = d.read_object("struct GroupDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.id = d.read_string()?,
                1 => doc.tenants = d.read_strings()?,
                2 => doc.roles = d.read_strings()?,
                3 => doc.user_type = opt(d, UserType::read)?,
                4 => doc.legal_entity = opt_string(d)?,
                5 => doc.restrictions = d.read_strings()?,
                6 => doc.access_controls = d.read_strings()?,
                _ => doc.predefined = opt(d, PredefinedGroup::read)?,
            }
        }
        fields.require(d, 0b1)?;
        Ok(doc)
    }
}

impl Decode for AuthorizationDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &[
            "id",
            "type",
            "userId",
            "groupId",
            "ownerType",
            "ownerId",
            "resourceType",
            "resourceId",
            "resourcePropertyName",
            "permissions",
        ];
        // The placeholders of required fields are never returned: `require`
        // refuses a row without them.
        let mut doc = Self {
            id: String::new(),
            kind: AuthorizationType::Grant,
            user_id: None,
            group_id: None,
            owner_type: None,
            owner_id: None,
            resource_type: TypeRef::Id(0),
            resource_id: None,
            resource_property_name: None,
            permissions: Vec::new(),
        };
        let mut fields = d.read_object("struct AuthorizationDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.id = d.read_string()?,
                1 => doc.kind = AuthorizationType::read(d)?,
                2 => doc.user_id = opt_string(d)?,
                3 => doc.group_id = opt_string(d)?,
                4 => doc.owner_type = opt(d, OwnerType::read)?,
                5 => doc.owner_id = opt_string(d)?,
                6 => doc.resource_type = TypeRef::read(d)?,
                7 => doc.resource_id = opt_string(d)?,
                8 => doc.resource_property_name = opt_string(d)?,
                _ => doc.permissions = d.read_strings()?,
            }
        }
        fields.require(d, 0b10_0100_0011)?;
        Ok(doc)
    }
}

impl Decode for SourceDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &["name", "users", "groups", "authorizations"];
        let mut doc = Self {
            name: String::new(),
            users: Vec::new(),
            groups: Vec::new(),
            authorizations: Vec::new(),
        };
        let mut fields = d.read_object("struct SourceDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.name = d.read_string()?,
                1 => doc.users = list(d)?,
                2 => doc.groups = list(d)?,
                _ => doc.authorizations = list(d)?,
            }
        }
        fields.require(d, 0b1)?;
        Ok(doc)
    }
}

impl Decode for CheckDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &["permission", "resourceType", "resourceId"];
        let mut doc = Self {
            permission: String::new(),
            resource_type: TypeRef::Id(0),
            resource_id: None,
        };
        let mut fields = d.read_object("struct CheckDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.permission = d.read_string()?,
                1 => doc.resource_type = TypeRef::read(d)?,
                _ => doc.resource_id = opt_string(d)?,
            }
        }
        fields.require(d, 0b11)?;
        Ok(doc)
    }
}

/// The fields every principal-bearing request starts with, in their order:
/// `user`, `client`, `claims`, `groups`, `source`, `profile`.
#[derive(Default)]
struct Asker {
    user: Option<String>,
    client: Option<String>,
    claims: Option<Map>,
    groups: Option<Vec<String>>,
    source: Option<String>,
    profile: Option<ProfileName>,
}

impl Asker {
    /// Reads field `field` (0 to 5) of the shared six.
    fn read(&mut self, d: &mut Decoder<'_>, field: usize) -> Result<(), Error> {
        match field {
            0 => self.user = opt_string(d)?,
            1 => self.client = opt_string(d)?,
            2 => self.claims = opt(d, Map::read)?,
            3 => self.groups = opt_strings(d)?,
            4 => self.source = opt_string(d)?,
            _ => self.profile = opt(d, ProfileName::read)?,
        }
        Ok(())
    }
}

impl Decode for PrincipalDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &["user", "client", "claims", "groups", "source", "profile"];
        let mut asker = Asker::default();
        let mut fields = d.read_object("struct PrincipalDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            asker.read(d, field)?;
        }
        Ok(Self {
            user: asker.user,
            client: asker.client,
            claims: asker.claims,
            groups: asker.groups,
            source: asker.source,
            profile: asker.profile,
        })
    }
}

impl Decode for PermissionsRequestDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &[
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
        let mut asker = Asker::default();
        let mut resource_type = TypeRef::Id(0);
        let (mut resource_id, mut tenant_id) = (None, None);
        let mut fields = d.read_object("struct PermissionsRequestDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0..=5 => asker.read(d, field)?,
                6 => resource_type = TypeRef::read(d)?,
                7 => resource_id = opt_string(d)?,
                _ => tenant_id = opt_string(d)?,
            }
        }
        fields.require(d, 1 << 6)?;
        Ok(Self {
            user: asker.user,
            client: asker.client,
            claims: asker.claims,
            groups: asker.groups,
            source: asker.source,
            profile: asker.profile,
            resource_type,
            resource_id,
            tenant_id,
        })
    }
}

impl Decode for ListRequestDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &[
            "user",
            "client",
            "claims",
            "groups",
            "source",
            "profile",
            "permission",
            "resourceType",
        ];
        let mut asker = Asker::default();
        let mut permission = String::new();
        let mut resource_type = TypeRef::Id(0);
        let mut fields = d.read_object("struct ListRequestDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0..=5 => asker.read(d, field)?,
                6 => permission = d.read_string()?,
                _ => resource_type = TypeRef::read(d)?,
            }
        }
        fields.require(d, 0b11 << 6)?;
        Ok(Self {
            user: asker.user,
            client: asker.client,
            claims: asker.claims,
            groups: asker.groups,
            source: asker.source,
            profile: asker.profile,
            permission,
            resource_type,
        })
    }
}

impl Decode for RequestDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        const FIELDS: &[&str] = &[
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
        let mut doc = Self::default();
        let mut fields = d.read_object("struct RequestDoc", FIELDS)?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.user = opt_string(d)?,
                1 => doc.groups = opt_strings(d)?,
                2 => doc.tenant_id = opt_string(d)?,
                3 => doc.source = opt_string(d)?,
                4 => doc.profile = opt(d, ProfileName::read)?,
                5 => doc.permission = opt_string(d)?,
                6 => doc.resource_type = opt(d, TypeRef::read)?,
                7 => doc.resource_id = opt_string(d)?,
                8 => doc.any_of = opt(d, list)?,
                9 => doc.all_of = opt(d, list)?,
                10 => doc.client = opt_string(d)?,
                11 => doc.claims = opt(d, Map::read)?,
                12 => doc.properties = opt(d, Map::read)?,
                13 => doc.resource_exists = opt(d, Decoder::read_bool)?,
                14 => doc.bundle = opt_string(d)?,
                15 => doc.scopes = opt_strings(d)?,
                16 => doc.restriction = opt_string(d)?,
                _ => doc.anonymous_authorized = d.read_bool()?,
            }
        }
        Ok(doc)
    }
}

impl Decode for AssignmentDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        let mut doc = Self::default();
        let mut fields =
            d.read_object("struct AssignmentDoc", &["user", "group", "accessControl"])?;
        while let Some(field) = fields.next(d)? {
            match field {
                0 => doc.user = opt_string(d)?,
                1 => doc.group = d.read_string()?,
                _ => doc.access_control = opt_string(d)?,
            }
        }
        fields.require(d, 0b10)?;
        Ok(doc)
    }
}
