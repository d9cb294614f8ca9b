//! `writ import camunda8`: Camunda 8 Orchestration Cluster REST API (v2) search
//! responses → a `grants` snapshot document.
//!
//! A dump is one JSON object whose keys hold the cluster's search responses
//! verbatim. Each listing is the body of a `POST /v2/…/search` response,
//! `{"items": [...], "page": {...}}`; a bare array of the items is accepted too.
//!
//! | key | REST call | item shape |
//! |---|---|---|
//! | `authorizations` | `POST /v2/authorizations/search` | `{"authorizationKey","ownerId","ownerType","resourceType","resourceId","resourcePropertyName","permissionTypes":[…]}` |
//! | `users` | `POST /v2/users/search` | `{"username","name","email"}` |
//! | `groups` | `POST /v2/groups/search` | `{"groupId","name","description"}` |
//! | `roles` | `POST /v2/roles/search` | `{"roleId","name","description"}` |
//! | `tenants` | `POST /v2/tenants/search` | `{"tenantId","name","description"}` |
//! | `mappingRules` | `POST /v2/mapping-rules/search` | `{"mappingRuleId","claimName","claimValue","name"}` |
//! | `groupMembers.<groupId>.users` | `POST /v2/groups/{groupId}/users/search` | `{"username"}` |
//! | `groupMembers.<groupId>.clients` | `POST /v2/groups/{groupId}/clients/search` | `{"clientId"}` |
//! | `groupMembers.<groupId>.mappingRules` | `POST /v2/groups/{groupId}/mapping-rules/search` | as `mappingRules` |
//! | `groupMembers.<groupId>.roles` | `POST /v2/groups/{groupId}/roles/search` | as `roles` |
//! | `roleMembers.<roleId>.users` | `POST /v2/roles/{roleId}/users/search` | `{"username"}` |
//! | `roleMembers.<roleId>.clients` | `POST /v2/roles/{roleId}/clients/search` | `{"clientId"}` |
//! | `roleMembers.<roleId>.groups` | `POST /v2/roles/{roleId}/groups/search` | `{"groupId"}` |
//! | `roleMembers.<roleId>.mappingRules` | `POST /v2/roles/{roleId}/mapping-rules/search` | as `mappingRules` |
//! | `tenantMembers.<tenantId>.users` | `POST /v2/tenants/{tenantId}/users/search` | `{"username"}` |
//! | `tenantMembers.<tenantId>.clients` | `POST /v2/tenants/{tenantId}/clients/search` | `{"clientId"}` |
//! | `tenantMembers.<tenantId>.groups` | `POST /v2/tenants/{tenantId}/groups/search` | `{"groupId"}` (8.8 returns whole groups) |
//! | `tenantMembers.<tenantId>.roles` | `POST /v2/tenants/{tenantId}/roles/search` | as `roles` |
//! | `tenantMembers.<tenantId>.mappingRules` | `POST /v2/tenants/{tenantId}/mapping-rules/search` | as `mappingRules` |
//!
//! Only the fields above are read; everything else a response carries (`page`,
//! names, descriptions, e-mail, later additions) is ignored. `authorizationKey` is
//! a string (a Java long, as the API renders keys by default) or, with the
//! `application/vnd.camunda.api.keys.number+json` media type, a number; either way
//! it becomes the row's `id`. `ownerType` is one of USER, CLIENT, GROUP, ROLE,
//! MAPPING_RULE (anything else, such as the enum's UNSPECIFIED, is
//! `import.unknown_owner_type`). An authorization carries either `resourceId` (an
//! id or `*`) or `resourcePropertyName` (a user-task property); the other is null
//! or absent. `resourceType` and `permissionTypes` pass through unchanged; the
//! snapshot's `camunda8` catalogue decides at load whether it knows them.
//!
//! Mapping: every authorization becomes a GRANT row (the Orchestration Cluster has
//! no deny); users, groups, roles, tenants and mapping rules become the snapshot's
//! entities, with memberships taken from the member listings (a group's roles from
//! both `groupMembers.<g>.roles` and `roleMembers.<r>.groups`). Clients have no
//! listing of their own: every client a member listing or an authorization names is
//! collected. Users, groups, roles, tenants and mapping rules that a membership or
//! an authorization names but the listings lack (with OIDC, users exist only as
//! names) are added, with a warning; a mapping rule added so takes its claim from
//! a member listing's item when one carries it. Mapping rules get no `operator`:
//! the Orchestration Cluster's rules have none (array claims match by containment,
//! others by equality). The dump does not say whether authorization or
//! multi-tenancy checks are enabled; [`ImportOptions`] does.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::ImportError;
use crate::wire::{
    AuthorizationDoc, AuthorizationType, ClientDoc, FORMAT_VERSION, GroupDoc, MappingRuleDoc,
    OptionsDoc, OwnerType, ProfileName, RoleDoc, SnapshotDoc, TenantDoc, TypeRef, UserDoc,
};

/// The built-in catalogue an imported snapshot selects.
pub const CATALOGUE: &str = "camunda8";

/// One cluster's search responses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dump {
    #[serde(default)]
    pub authorizations: Listing<RestAuthorization>,
    #[serde(default)]
    pub users: Listing<RestUser>,
    #[serde(default)]
    pub groups: Listing<RestGroup>,
    #[serde(default)]
    pub roles: Listing<RestRole>,
    #[serde(default)]
    pub tenants: Listing<RestTenant>,
    #[serde(default)]
    pub mapping_rules: Listing<RestMappingRule>,
    /// Per group id: its members.
    #[serde(default)]
    pub group_members: BTreeMap<String, GroupMembers>,
    /// Per role id: its members.
    #[serde(default)]
    pub role_members: BTreeMap<String, RoleMembers>,
    /// Per tenant id: its members.
    #[serde(default)]
    pub tenant_members: BTreeMap<String, TenantMembers>,
}

/// The items of one search response: `{"items": [...], "page": {...}}` (only
/// `items` is read) or a bare array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<T>(pub Vec<T>);

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Listing<T> {
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Listing<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListingVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListingVisitor<T> {
            type Value = Listing<T>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a search response ({\"items\": [...]}) or an array of items")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                super::seq_items(seq).map(Listing)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut items = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "items" {
                        if items.is_some() {
                            return Err(de::Error::duplicate_field("items"));
                        }
                        items = Some(map.next_value::<Option<Vec<T>>>()?.unwrap_or_default());
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Listing(items.unwrap_or_default()))
            }
        }

        deserializer.deserialize_any(ListingVisitor(PhantomData))
    }
}

/// An item of `POST /v2/authorizations/search`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestAuthorization {
    #[serde(deserialize_with = "key_text")]
    pub authorization_key: String,
    pub owner_id: String,
    pub owner_type: String,
    pub resource_type: String,
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub resource_property_name: Option<String>,
    #[serde(default)]
    pub permission_types: Vec<String>,
}

/// A user: an item of `POST /v2/users/search` or of a `…/users/search` member listing.
#[derive(Debug, Clone, Deserialize)]
pub struct RestUser {
    pub username: String,
}

/// A client, as member listings name it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestClient {
    pub client_id: String,
}

/// A group: an item of `POST /v2/groups/search` or of a `…/groups/search` member listing.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestGroup {
    pub group_id: String,
}

/// A role: an item of `POST /v2/roles/search` or of a `…/roles/search` member listing.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestRole {
    pub role_id: String,
}

/// A tenant: an item of `POST /v2/tenants/search`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestTenant {
    pub tenant_id: String,
}

/// A mapping rule: an item of `POST /v2/mapping-rules/search` or of a
/// `…/mapping-rules/search` member listing.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestMappingRule {
    pub mapping_rule_id: String,
    #[serde(default)]
    pub claim_name: Option<String>,
    #[serde(default)]
    pub claim_value: Option<String>,
}

/// The member listings of one group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMembers {
    #[serde(default)]
    pub users: Listing<RestUser>,
    #[serde(default)]
    pub clients: Listing<RestClient>,
    #[serde(default)]
    pub mapping_rules: Listing<RestMappingRule>,
    /// The roles assigned to the group.
    #[serde(default)]
    pub roles: Listing<RestRole>,
}

/// The member listings of one role.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleMembers {
    #[serde(default)]
    pub users: Listing<RestUser>,
    #[serde(default)]
    pub clients: Listing<RestClient>,
    #[serde(default)]
    pub groups: Listing<RestGroup>,
    #[serde(default)]
    pub mapping_rules: Listing<RestMappingRule>,
}

/// The member listings of one tenant.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantMembers {
    #[serde(default)]
    pub users: Listing<RestUser>,
    #[serde(default)]
    pub clients: Listing<RestClient>,
    #[serde(default)]
    pub groups: Listing<RestGroup>,
    #[serde(default)]
    pub roles: Listing<RestRole>,
    #[serde(default)]
    pub mapping_rules: Listing<RestMappingRule>,
}

/// Settings the REST API does not carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    pub revision: Option<String>,
    /// `camunda.security.multiTenancy.checksEnabled`; `None`: the snapshot default (on).
    pub tenant_checks: Option<bool>,
    /// `camunda.security.authorizations.enabled`; `None`: the snapshot default (on).
    pub authorization_checks: Option<bool>,
}

/// A snapshot document, and what the importer had to make up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub snapshot: SnapshotDoc,
    pub warnings: Vec<String>,
}

/// Parses one dump, with the path of any shape error.
///
/// # Errors
/// `import.malformed` with the path inside the dump (`authorizations.items[2].ownerId`).
pub fn parse_dump(text: &str) -> Result<Dump, ImportError> {
    super::parse_dump(text)
}

/// Builds one `grants` snapshot (catalogue `camunda8`) from one dump.
///
/// # Errors
/// `import.unknown_owner_type`; `import.missing_resource_id` for an authorization
/// with neither `resourceId` nor `resourcePropertyName`; `import.malformed` for one
/// with both. Paths index the items of `authorizations` (`authorizations[3].ownerType`).
pub fn import(dump: &Dump, options: &ImportOptions) -> Result<Imported, ImportError> {
    let mut warnings = Vec::new();
    let mut users = Registry::new("user", Some("POST /v2/users/search"));
    let mut clients = Registry::new("client", None);
    let mut groups = Registry::new("group", Some("POST /v2/groups/search"));
    let mut roles = Registry::new("role", Some("POST /v2/roles/search"));
    let mut tenants = Registry::new("tenant", Some("POST /v2/tenants/search"));
    let mut rules = Registry::new("mapping rule", Some("POST /v2/mapping-rules/search"));
    // A mapping rule's claim: from the listing, else from the first member listing
    // item that carries one.
    let mut claims: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();

    for user in dump.users.iter() {
        users.list(&user.username);
    }
    for group in dump.groups.iter() {
        groups.list(&group.group_id);
    }
    for role in dump.roles.iter() {
        roles.list(&role.role_id);
    }
    for tenant in dump.tenants.iter() {
        tenants.list(&tenant.tenant_id);
    }
    for rule in dump.mapping_rules.iter() {
        rules.list(&rule.mapping_rule_id);
        learn_claim(&mut claims, rule);
    }

    for (group, members) in &dump.group_members {
        let why = format!("it has members (`groupMembers.{group}`)");
        groups.ensure(group, &why, &mut warnings);
        let why = format!("it is a member of group `{group}`");
        for user in members.users.iter() {
            users
                .join(&user.username, &why, &mut warnings)
                .groups
                .insert(group.clone());
        }
        for client in members.clients.iter() {
            clients
                .join(&client.client_id, &why, &mut warnings)
                .groups
                .insert(group.clone());
        }
        for rule in members.mapping_rules.iter() {
            learn_claim(&mut claims, rule);
            rules
                .join(&rule.mapping_rule_id, &why, &mut warnings)
                .groups
                .insert(group.clone());
        }
        let why = format!("it is assigned to group `{group}`");
        for role in members.roles.iter() {
            roles.ensure(&role.role_id, &why, &mut warnings);
            groups.member(group).roles.insert(role.role_id.clone());
        }
    }
    for (role, members) in &dump.role_members {
        let why = format!("it has members (`roleMembers.{role}`)");
        roles.ensure(role, &why, &mut warnings);
        let why = format!("it is a member of role `{role}`");
        for user in members.users.iter() {
            users
                .join(&user.username, &why, &mut warnings)
                .roles
                .insert(role.clone());
        }
        for client in members.clients.iter() {
            clients
                .join(&client.client_id, &why, &mut warnings)
                .roles
                .insert(role.clone());
        }
        for group in members.groups.iter() {
            groups
                .join(&group.group_id, &why, &mut warnings)
                .roles
                .insert(role.clone());
        }
        for rule in members.mapping_rules.iter() {
            learn_claim(&mut claims, rule);
            rules
                .join(&rule.mapping_rule_id, &why, &mut warnings)
                .roles
                .insert(role.clone());
        }
    }
    for (tenant, members) in &dump.tenant_members {
        let why = format!("it has members (`tenantMembers.{tenant}`)");
        tenants.ensure(tenant, &why, &mut warnings);
        let why = format!("it is a member of tenant `{tenant}`");
        for user in members.users.iter() {
            users
                .join(&user.username, &why, &mut warnings)
                .tenants
                .insert(tenant.clone());
        }
        for client in members.clients.iter() {
            clients
                .join(&client.client_id, &why, &mut warnings)
                .tenants
                .insert(tenant.clone());
        }
        for group in members.groups.iter() {
            groups
                .join(&group.group_id, &why, &mut warnings)
                .tenants
                .insert(tenant.clone());
        }
        for role in members.roles.iter() {
            roles
                .join(&role.role_id, &why, &mut warnings)
                .tenants
                .insert(tenant.clone());
        }
        for rule in members.mapping_rules.iter() {
            learn_claim(&mut claims, rule);
            rules
                .join(&rule.mapping_rule_id, &why, &mut warnings)
                .tenants
                .insert(tenant.clone());
        }
    }

    let mut authorizations = Vec::with_capacity(dump.authorizations.0.len());
    for (i, rest) in dump.authorizations.iter().enumerate() {
        let path = |field: &str| format!("authorizations[{i}].{field}");
        let owner_type =
            owner_type(&rest.owner_type).ok_or_else(|| ImportError::UnknownOwnerType {
                path: path("ownerType"),
                found: rest.owner_type.clone(),
            })?;
        let why = format!("authorization `{}` names it", rest.authorization_key);
        let owner = &rest.owner_id;
        match owner_type {
            OwnerType::User => users.ensure(owner, &why, &mut warnings),
            OwnerType::Client => clients.ensure(owner, &why, &mut warnings),
            OwnerType::Group => groups.ensure(owner, &why, &mut warnings),
            OwnerType::Role => roles.ensure(owner, &why, &mut warnings),
            OwnerType::MappingRule => rules.ensure(owner, &why, &mut warnings),
        }
        let present = |value: &Option<String>| value.clone().filter(|value| !value.is_empty());
        let (resource_id, resource_property_name) = match (
            present(&rest.resource_id),
            present(&rest.resource_property_name),
        ) {
            (None, None) => {
                return Err(ImportError::MissingResourceId {
                    path: path("resourceId"),
                });
            }
            (Some(_), Some(_)) => {
                return Err(ImportError::Malformed {
                    path: path("resourcePropertyName"),
                    message: "`resourceId` and `resourcePropertyName` are mutually exclusive"
                        .into(),
                });
            }
            matcher => matcher,
        };
        authorizations.push(AuthorizationDoc {
            id: rest.authorization_key.clone(),
            kind: AuthorizationType::Grant,
            user_id: None,
            group_id: None,
            owner_type: Some(owner_type),
            owner_id: Some(owner.clone()),
            resource_type: TypeRef::Name(rest.resource_type.clone()),
            resource_id,
            resource_property_name,
            permissions: rest.permission_types.clone(),
        });
    }

    // A rule whose claim the dump never gives could match no token: leaving it out,
    // with the grants it owns, changes no decision (and an empty claim name would
    // not load).
    let mut mapping_rules = Vec::new();
    let mut claimless = BTreeSet::new();
    for (id, member_of) in rules.into_entries() {
        match claims.remove(&id).unwrap_or_default() {
            (Some(claim_name), Some(claim_value)) => mapping_rules.push(MappingRuleDoc {
                id,
                claim_name,
                claim_value,
                operator: None,
                groups: member_of.groups.into_iter().collect(),
                roles: member_of.roles.into_iter().collect(),
                tenants: member_of.tenants.into_iter().collect(),
            }),
            _ => {
                claimless.insert(id);
            }
        }
    }
    for id in &claimless {
        let owned: Vec<&str> = authorizations
            .iter()
            .filter(|row| {
                row.owner_type == Some(OwnerType::MappingRule) && row.owner_id.as_ref() == Some(id)
            })
            .map(|row| &*row.id)
            .collect();
        warnings.push(format!(
            "mapping rule `{id}`: no listing gives its claimName and claimValue, so it \
             matches no token; left out, with the authorizations it owns ({})",
            if owned.is_empty() {
                "none".to_owned()
            } else {
                owned.join(", ")
            }
        ));
    }
    authorizations.retain(|row| {
        row.owner_type != Some(OwnerType::MappingRule)
            || row
                .owner_id
                .as_ref()
                .is_none_or(|id| !claimless.contains(id))
    });
    let snapshot = SnapshotDoc {
        format: FORMAT_VERSION,
        revision: options.revision.clone(),
        profile: ProfileName::Grants,
        options: OptionsDoc {
            tenant_checks: options.tenant_checks.unwrap_or(true),
            authorization_checks: options.authorization_checks.unwrap_or(true),
            // A live cluster lists its own default roles, with their grants.
            default_roles: false,
            ..OptionsDoc::default()
        },
        catalogues: vec![CATALOGUE.to_owned()],
        tenants: tenants
            .into_entries()
            .map(|(id, _)| TenantDoc { id })
            .collect(),
        users: users
            .into_entries()
            .map(|(id, member_of)| UserDoc {
                id,
                groups: member_of.groups.into_iter().collect(),
                tenants: member_of.tenants.into_iter().collect(),
                roles: member_of.roles.into_iter().collect(),
                ..UserDoc::default()
            })
            .collect(),
        clients: clients
            .into_entries()
            .map(|(id, member_of)| ClientDoc {
                id,
                groups: member_of.groups.into_iter().collect(),
                roles: member_of.roles.into_iter().collect(),
                tenants: member_of.tenants.into_iter().collect(),
            })
            .collect(),
        groups: groups
            .into_entries()
            .map(|(id, member_of)| GroupDoc {
                id,
                tenants: member_of.tenants.into_iter().collect(),
                roles: member_of.roles.into_iter().collect(),
                ..GroupDoc::default()
            })
            .collect(),
        roles: roles
            .into_entries()
            .map(|(id, member_of)| RoleDoc {
                id,
                tenants: member_of.tenants.into_iter().collect(),
            })
            .collect(),
        mapping_rules,
        authorizations,
        ..SnapshotDoc::default()
    };
    Ok(Imported { snapshot, warnings })
}

fn owner_type(name: &str) -> Option<OwnerType> {
    Some(match name {
        "USER" => OwnerType::User,
        "CLIENT" => OwnerType::Client,
        "GROUP" => OwnerType::Group,
        "ROLE" => OwnerType::Role,
        "MAPPING_RULE" => OwnerType::MappingRule,
        _ => return None,
    })
}

fn learn_claim(
    claims: &mut BTreeMap<String, (Option<String>, Option<String>)>,
    rule: &RestMappingRule,
) {
    let known = claims.entry(rule.mapping_rule_id.clone()).or_default();
    if known.0.is_none() {
        known.0.clone_from(&rule.claim_name);
    }
    if known.1.is_none() {
        known.1.clone_from(&rule.claim_value);
    }
}

/// `authorizationKey`: a string, or a number under the number-keys media type.
fn key_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::String(key) => Ok(key),
        serde_json::Value::Number(key) => Ok(key.to_string()),
        other => Err(de::Error::invalid_type(
            match &other {
                serde_json::Value::Null => de::Unexpected::Unit,
                serde_json::Value::Bool(value) => de::Unexpected::Bool(*value),
                serde_json::Value::Array(_) => de::Unexpected::Seq,
                _ => de::Unexpected::Map,
            },
            &"a key (string or number)",
        )),
    }
}

/// What one user, client, group, role or mapping rule is a member of.
#[derive(Debug, Default)]
struct MemberOf {
    groups: BTreeSet<String>,
    roles: BTreeSet<String>,
    tenants: BTreeSet<String>,
}

/// The entities of one kind, in listing order, then in the order first named.
#[derive(Debug)]
struct Registry {
    kind: &'static str,
    /// The search call that lists this kind; `None`: no listing (clients), so
    /// entities named elsewhere are collected without a warning.
    listed_by: Option<&'static str>,
    order: Vec<String>,
    entries: BTreeMap<String, MemberOf>,
}

impl Registry {
    fn new(kind: &'static str, listed_by: Option<&'static str>) -> Self {
        Self {
            kind,
            listed_by,
            order: Vec::new(),
            entries: BTreeMap::new(),
        }
    }

    /// An entity the listing names (duplicates across pages are dropped).
    fn list(&mut self, id: &str) {
        if !self.entries.contains_key(id) {
            self.entries.insert(id.to_owned(), MemberOf::default());
            self.order.push(id.to_owned());
        }
    }

    /// An entity named by a membership or an authorization: added, with a warning,
    /// when the listing lacks it.
    fn ensure(&mut self, id: &str, why: &str, warnings: &mut Vec<String>) {
        // `*` is no principal (and a reserved user id): nothing to add.
        if id == "*" || self.entries.contains_key(id) {
            return;
        }
        if let Some(listed_by) = self.listed_by {
            warnings.push(format!(
                "{} `{id}` is not listed by {listed_by} but {why}; added",
                self.kind
            ));
        }
        self.list(id);
    }

    /// [`Registry::ensure`], then the entity's memberships.
    fn join(&mut self, id: &str, why: &str, warnings: &mut Vec<String>) -> &mut MemberOf {
        self.ensure(id, why, warnings);
        self.member(id)
    }

    fn member(&mut self, id: &str) -> &mut MemberOf {
        self.entries.entry(id.to_owned()).or_default()
    }

    fn into_entries(mut self) -> impl Iterator<Item = (String, MemberOf)> {
        self.order.into_iter().map(move |id| {
            let member_of = self.entries.remove(&id).unwrap_or_default();
            (id, member_of)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Authorizer;
    use crate::wire::RequestDoc;

    /// As a Camunda 8.8 cluster answers: search envelopes with `page`, names,
    /// descriptions and e-mails the importer ignores.
    const DUMP: &str = r#"{
      "authorizations": {
        "items": [
          {"authorizationKey": "2251799813685250", "ownerId": "admin", "ownerType": "ROLE",
           "resourceType": "PROCESS_DEFINITION", "resourceId": "*", "resourcePropertyName": null,
           "permissionTypes": ["READ_PROCESS_DEFINITION", "READ_PROCESS_INSTANCE", "CREATE_PROCESS_INSTANCE"]},
          {"authorizationKey": "2251799813685251", "ownerId": "admin", "ownerType": "ROLE",
           "resourceType": "COMPONENT", "resourceId": "*", "resourcePropertyName": null,
           "permissionTypes": ["ACCESS"]},
          {"authorizationKey": "2251799813685300", "ownerId": "ops", "ownerType": "ROLE",
           "resourceType": "PROCESS_DEFINITION", "resourceId": "invoice", "resourcePropertyName": null,
           "permissionTypes": ["CREATE_PROCESS_INSTANCE", "READ_PROCESS_INSTANCE"]},
          {"authorizationKey": "2251799813685301", "ownerId": "ops-team", "ownerType": "GROUP",
           "resourceType": "COMPONENT", "resourceId": "*",
           "permissionTypes": ["ACCESS"]},
          {"authorizationKey": "2251799813685302", "ownerId": "ops-team", "ownerType": "GROUP",
           "resourceType": "USER_TASK", "resourceId": null, "resourcePropertyName": "candidateGroups",
           "permissionTypes": ["READ", "CLAIM"]},
          {"authorizationKey": "2251799813685303", "ownerId": "bob", "ownerType": "USER",
           "resourceType": "USER_TASK", "resourcePropertyName": "assignee",
           "permissionTypes": ["READ", "COMPLETE"]},
          {"authorizationKey": 2251799813685304, "ownerId": "worker-app", "ownerType": "CLIENT",
           "resourceType": "MESSAGE", "resourceId": "*", "resourcePropertyName": null,
           "permissionTypes": ["CREATE"]},
          {"authorizationKey": "2251799813685305", "ownerId": "carol", "ownerType": "USER",
           "resourceType": "PROCESS_DEFINITION", "resourceId": "payroll",
           "permissionTypes": ["READ_PROCESS_DEFINITION"]}
        ],
        "page": {"totalItems": 8, "startCursor": "WzFd", "endCursor": "Wzhd", "hasMoreTotalItems": false}
      },
      "users": {
        "items": [
          {"username": "demo", "name": "Demo", "email": "demo@example.org"},
          {"username": "alice", "name": "Alice", "email": "alice@example.org"},
          {"username": "bob", "name": "Bob", "email": "bob@example.org"}
        ],
        "page": {"totalItems": 3}
      },
      "groups": {"items": [{"groupId": "ops-team", "name": "Operations", "description": ""}], "page": {"totalItems": 1}},
      "roles": {
        "items": [
          {"roleId": "admin", "name": "Admin", "description": "Grants full access"},
          {"roleId": "ops", "name": "Operations", "description": null}
        ],
        "page": {"totalItems": 2}
      },
      "tenants": {
        "items": [
          {"tenantId": "<default>", "name": "Default", "description": null},
          {"tenantId": "emea", "name": "EMEA"}
        ],
        "page": {"totalItems": 2}
      },
      "mappingRules": [
        {"mappingRuleId": "realm-ops", "claimName": "groups", "claimValue": "ops", "name": "Ops from Keycloak"}
      ],
      "groupMembers": {
        "ops-team": {
          "users": {"items": [{"username": "alice"}], "page": {"totalItems": 1}},
          "clients": {"items": [], "page": {"totalItems": 0}},
          "mappingRules": {"items": [{"mappingRuleId": "realm-ops", "claimName": "groups", "claimValue": "ops", "name": "Ops from Keycloak"}], "page": {"totalItems": 1}},
          "roles": {"items": [{"roleId": "ops", "name": "Operations"}], "page": {"totalItems": 1}}
        }
      },
      "roleMembers": {
        "admin": {"users": {"items": [{"username": "demo"}], "page": {"totalItems": 1}}},
        "ops": {
          "clients": {"items": [{"clientId": "worker-app"}], "page": {"totalItems": 1}},
          "groups": {"items": [{"groupId": "ops-team"}], "page": {"totalItems": 1}}
        }
      },
      "tenantMembers": {
        "<default>": {"users": {"items": [{"username": "demo"}, {"username": "alice"}, {"username": "bob"}], "page": {"totalItems": 3}}},
        "emea": {
          "groups": {"items": [{"groupId": "ops-team", "name": "Operations"}], "page": {"totalItems": 1}},
          "clients": {"items": [{"clientId": "worker-app"}], "page": {"totalItems": 1}},
          "mappingRules": {"items": [{"mappingRuleId": "realm-ops", "claimName": "groups", "claimValue": "ops"}], "page": {"totalItems": 1}}
        }
      },
      "cluster": {"version": "8.8.0"}
    }"#;

    fn imported() -> Result<Imported, Box<dyn std::error::Error>> {
        Ok(import(
            &parse_dump(DUMP)?,
            &ImportOptions {
                revision: Some("r1".into()),
                tenant_checks: Some(true),
                authorization_checks: None,
            },
        )?)
    }

    #[test]
    fn maps_search_responses_to_a_grants_snapshot() -> Result<(), Box<dyn std::error::Error>> {
        let Imported { snapshot, warnings } = imported()?;
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings.iter().any(|warning| warning.contains("`carol`")));
        assert_eq!(snapshot.profile, ProfileName::Grants);
        assert_eq!(snapshot.catalogues, ["camunda8"]);
        assert_eq!(snapshot.revision.as_deref(), Some("r1"));
        assert!(snapshot.options.tenant_checks && snapshot.options.authorization_checks);

        let users: Vec<&str> = snapshot.users.iter().map(|user| &*user.id).collect();
        assert_eq!(users, ["demo", "alice", "bob", "carol"]);
        assert_eq!(
            snapshot.users.get(1),
            Some(&UserDoc {
                id: "alice".into(),
                groups: vec!["ops-team".into()],
                tenants: vec!["<default>".into()],
                ..UserDoc::default()
            })
        );
        assert_eq!(
            snapshot.users.first().map(|user| &*user.roles),
            Some(&["admin".to_owned()][..])
        );
        assert_eq!(
            snapshot.clients,
            [ClientDoc {
                id: "worker-app".into(),
                roles: vec!["ops".into()],
                tenants: vec!["emea".into()],
                ..ClientDoc::default()
            }]
        );
        assert_eq!(
            snapshot.groups,
            [GroupDoc {
                id: "ops-team".into(),
                tenants: vec!["emea".into()],
                roles: vec!["ops".into()],
                ..GroupDoc::default()
            }]
        );
        let roles: Vec<&str> = snapshot.roles.iter().map(|role| &*role.id).collect();
        assert_eq!(roles, ["admin", "ops"]);
        let tenants: Vec<&str> = snapshot.tenants.iter().map(|tenant| &*tenant.id).collect();
        assert_eq!(tenants, ["<default>", "emea"]);
        assert_eq!(
            snapshot.mapping_rules,
            [MappingRuleDoc {
                id: "realm-ops".into(),
                claim_name: "groups".into(),
                claim_value: "ops".into(),
                operator: None,
                groups: vec!["ops-team".into()],
                roles: Vec::new(),
                tenants: vec!["emea".into()],
            }]
        );

        assert_eq!(snapshot.authorizations.len(), 8);
        let property = snapshot.authorizations.get(4);
        assert_eq!(
            property,
            Some(&AuthorizationDoc {
                id: "2251799813685302".into(),
                kind: AuthorizationType::Grant,
                user_id: None,
                group_id: None,
                owner_type: Some(OwnerType::Group),
                owner_id: Some("ops-team".into()),
                resource_type: TypeRef::Name("USER_TASK".into()),
                resource_id: None,
                resource_property_name: Some("candidateGroups".into()),
                permissions: vec!["READ".into(), "CLAIM".into()],
            })
        );
        let numeric_key = snapshot.authorizations.get(6);
        assert_eq!(numeric_key.map(|row| &*row.id), Some("2251799813685304"));
        assert_eq!(
            numeric_key.and_then(|row| row.owner_type),
            Some(OwnerType::Client)
        );
        // The snapshot survives its own wire format.
        let text = serde_json::to_string(&snapshot)?;
        assert_eq!(serde_json::from_str::<SnapshotDoc>(&text)?, snapshot);
        Ok(())
    }

    #[test]
    fn the_imported_snapshot_loads_and_answers() -> Result<(), Box<dyn std::error::Error>> {
        let authorizer = Authorizer::from_doc(&imported()?.snapshot)?;
        let ask = |request: &str| -> Result<bool, Box<dyn std::error::Error>> {
            let request: RequestDoc = serde_json::from_str(request)?;
            Ok(authorizer.check(&request)?)
        };
        // The admin role's `*` grant.
        assert!(ask(
            r#"{"user":"demo","permission":"READ_PROCESS_DEFINITION","resourceType":"PROCESS_DEFINITION","resourceId":"anything"}"#
        )?);
        // An ID grant reached through the group's role…
        assert!(ask(
            r#"{"user":"alice","permission":"CREATE_PROCESS_INSTANCE","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#
        )?);
        // …and only for that id, and not by someone outside the group.
        assert!(!ask(
            r#"{"user":"alice","permission":"CREATE_PROCESS_INSTANCE","resourceType":"PROCESS_DEFINITION","resourceId":"payroll"}"#
        )?);
        assert!(!ask(
            r#"{"user":"bob","permission":"CREATE_PROCESS_INSTANCE","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#
        )?);
        // A mapping rule confers the group, and with it the role.
        assert!(ask(
            r#"{"user":"zed","claims":{"groups":["staff","ops"]},"permission":"CREATE_PROCESS_INSTANCE","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#
        )?);
        // The client's own `*` grant.
        assert!(ask(
            r#"{"client":"worker-app","permission":"CREATE","resourceType":"MESSAGE","resourceId":"order-paid"}"#
        )?);
        // PROPERTY grants.
        assert!(ask(
            r#"{"user":"bob","permission":"COMPLETE","resourceType":"USER_TASK","resourceId":"42","properties":{"assignee":"bob"}}"#
        )?);
        assert!(!ask(
            r#"{"user":"bob","permission":"COMPLETE","resourceType":"USER_TASK","resourceId":"42","properties":{"assignee":"alice"}}"#
        )?);
        assert!(ask(
            r#"{"user":"alice","permission":"CLAIM","resourceType":"USER_TASK","resourceId":"42","properties":{"candidateGroups":["ops-team"]}}"#
        )?);
        // Tenants: alice reaches `emea` through her group; demo is not a member.
        assert!(ask(
            r#"{"user":"alice","permission":"CREATE_PROCESS_INSTANCE","resourceType":"PROCESS_DEFINITION","resourceId":"invoice","tenantId":"emea"}"#
        )?);
        assert!(!ask(
            r#"{"user":"demo","permission":"READ_PROCESS_DEFINITION","resourceType":"PROCESS_DEFINITION","resourceId":"invoice","tenantId":"emea"}"#
        )?);
        Ok(())
    }

    #[test]
    fn accepts_bare_arrays_and_adds_what_listings_lack() -> Result<(), Box<dyn std::error::Error>> {
        let dump = parse_dump(
            r#"{
              "authorizations": [
                {"authorizationKey": "1", "ownerId": "mr-1", "ownerType": "MAPPING_RULE",
                 "resourceType": "COMPONENT", "resourceId": "*", "permissionTypes": ["ACCESS"]},
                {"authorizationKey": "2", "ownerId": "mr-2", "ownerType": "MAPPING_RULE",
                 "resourceType": "COMPONENT", "resourceId": "*", "permissionTypes": ["ACCESS"]}
              ],
              "roleMembers": {"auditor": {"mappingRules": [
                {"mappingRuleId": "mr-1", "claimName": "$.realm_access.roles", "claimValue": "audit"}
              ]}},
              "tenantMembers": {"t9": {"roles": [{"roleId": "auditor"}]}}
            }"#,
        )?;
        let Imported { snapshot, warnings } = import(&dump, &ImportOptions::default())?;
        assert_eq!(
            snapshot.roles,
            [RoleDoc {
                id: "auditor".into(),
                tenants: vec!["t9".into()]
            }]
        );
        assert_eq!(snapshot.tenants, [TenantDoc { id: "t9".into() }]);
        let first = snapshot.mapping_rules.first();
        assert_eq!(
            first.map(|rule| &*rule.claim_name),
            Some("$.realm_access.roles")
        );
        assert_eq!(
            first.map(|rule| &*rule.roles),
            Some(&["auditor".to_owned()][..])
        );
        // mr-2's claim is nowhere: it and its grant are left out.
        assert_eq!(snapshot.mapping_rules.len(), 1);
        let owners: Vec<_> = snapshot
            .authorizations
            .iter()
            .map(|row| row.owner_id.as_deref())
            .collect();
        assert_eq!(owners, [Some("mr-1")]);
        // role, tenant, mr-1 and mr-2 unlisted; mr-2's claim unknown.
        assert_eq!(warnings.len(), 5, "{warnings:?}");
        assert!(warnings.iter().any(|warning| warning.contains("`mr-2`")
            && warning.contains("left out, with the authorizations it owns (2)")));
        // What was added loads and answers.
        let authorizer = Authorizer::from_doc(&snapshot)?;
        let request: RequestDoc = serde_json::from_str(
            r#"{"user":"u","claims":{"realm_access":{"roles":["staff"]}},"permission":"ACCESS","resourceType":"COMPONENT","resourceId":"operate"}"#,
        )?;
        assert!(!authorizer.check(&request)?);
        let request: RequestDoc = serde_json::from_str(
            r#"{"user":"u","claims":{"realm_access":{"roles":["audit"]}},"permission":"ACCESS","resourceType":"COMPONENT","resourceId":"operate"}"#,
        )?;
        assert!(authorizer.check(&request)?);
        Ok(())
    }

    #[test]
    fn rejects_bad_rows_with_codes() -> Result<(), Box<dyn std::error::Error>> {
        let row = |fields: &str| {
            format!(
                r#"{{"authorizations": {{"items": [{{"authorizationKey": "7", "ownerId": "x", "resourceType": "COMPONENT", "permissionTypes": ["ACCESS"], {fields}}}]}}}}"#
            )
        };
        let code = |fields: &str| -> Result<(&'static str, String), Box<dyn std::error::Error>> {
            let error = import(&parse_dump(&row(fields))?, &ImportOptions::default()).err();
            Ok(error.map_or(("none", String::new()), |error| {
                (error.code(), error.to_string())
            }))
        };

        let (unknown, message) = code(r#""ownerType": "UNSPECIFIED", "resourceId": "*""#)?;
        assert_eq!(unknown, "import.unknown_owner_type");
        assert!(message.contains("authorizations[0].ownerType"), "{message}");
        let (missing, _) =
            code(r#""ownerType": "USER", "resourceId": null, "resourcePropertyName": null"#)?;
        assert_eq!(missing, "import.missing_resource_id");
        let (both, _) =
            code(r#""ownerType": "USER", "resourceId": "*", "resourcePropertyName": "assignee""#)?;
        assert_eq!(both, "import.malformed");

        let malformed = parse_dump(
            r#"{"authorizations": {"items": [{"authorizationKey": "7", "ownerId": "x", "ownerType": "USER", "resourceType": "COMPONENT", "permissionTypes": "ACCESS"}]}}"#,
        )
        .err();
        assert_eq!(
            malformed.as_ref().map(ImportError::code),
            Some("import.malformed")
        );
        assert_eq!(
            malformed
                .map(|error| error.to_string())
                .unwrap_or_default()
                .split('`')
                .nth(1),
            Some("authorizations.items[0].permissionTypes")
        );
        let listing = parse_dump(r#"{"users": "demo"}"#).err();
        assert_eq!(
            listing.as_ref().map(ImportError::code),
            Some("import.malformed")
        );
        let trailing = parse_dump(r#"{} {}"#).err();
        assert_eq!(
            trailing.as_ref().map(ImportError::code),
            Some("import.malformed")
        );
        Ok(())
    }
}
