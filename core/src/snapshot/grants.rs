//! Loading a `grants` snapshot: catalogues and default roles, principals and
//! their memberships, mapping rules, grants (owner, matcher, permission mask with
//! implication applied), Emporix access controls turned into grants, bundles and
//! domains — and Emporix's assignment invariants.

use crate::prelude::FxHashSet;
use crate::prelude::*;

use super::{catalogue, non_empty, permission_mask, tenants};
use crate::catalogue::{
    DEFAULT_ROLES, EMPORIX_ACCESS_CONTROL, EMPORIX_HOLD, EMPORIX_SCOPE, GRANTS_CATALOGUES,
    READONLY_PERMISSIONS,
};
use crate::claims::ClaimPath;
use crate::error::SnapshotError;
use crate::index::SourceIndex;
use crate::intern::Interner;
use crate::model::{
    Bundle, BundlePart, CAMUNDA_ADMIN, Catalogue, GrantsData, GroupInfo, MappingRule, Options,
    Owner, ResourceType, Row, Snapshot, Source, TypeIx, WILDCARD, property_resource,
};
use crate::wire::{
    AuthorizationDoc, AuthorizationType, CheckDoc, DomainLevel, OwnerType, PredefinedGroup,
    SnapshotDoc, TypeRef, UserType,
};

const PROFILE: &str = "grants";

pub(super) fn validate(doc: &SnapshotDoc) -> Result<Snapshot, SnapshotError> {
    if !doc.sources.is_empty() {
        return Err(SnapshotError::ProfileMismatch {
            path: "sources".into(),
            what: "`sources`".into(),
            profile: PROFILE,
        });
    }
    let catalogues = catalogues(doc)?;
    let builtin = catalogues
        .iter()
        .flat_map(|name| {
            GRANTS_CATALOGUES
                .iter()
                .filter(move |(id, _)| id == name)
                .flat_map(|(_, types)| *types)
        })
        .zip(1000..)
        .map(|(ty, id)| ResourceType {
            name: ty.name.into(),
            id,
            permissions: ty
                .permissions
                .iter()
                .zip(0..)
                .map(|(name, bit)| ((*name).into(), 1 << bit))
                .collect(),
            implicit_all: false,
        })
        .collect();
    let catalogue = catalogue(builtin, &doc.resource_types, false)?;
    let implication = Implication::new(doc, &catalogue)?;
    let tenants = tenants(doc)?;
    let tenant_list =
        |list: &[String], path: &dyn Fn(usize) -> String| -> Result<Box<[u32]>, SnapshotError> {
            resolve_all(list, &tenants, path, |path, id| {
                SnapshotError::UnknownTenant { path, id }
            })
        };

    let mut data = GrantsData::default();

    // Roles: declared ones, then Camunda 8's defaults not declared.
    for (i, role) in doc.roles.iter().enumerate() {
        insert_unique(&mut data.roles, &role.id, || format!("roles[{i}].id"))?;
        data.role_tenants.push(tenant_list(&role.tenants, &|j| {
            format!("roles[{i}].tenants[{j}]")
        })?);
    }
    let mut default_roles = Vec::new();
    if catalogues.contains(&"camunda8") && doc.options.default_roles {
        let names = ["admin", "readonly-admin"]
            .into_iter()
            .chain(DEFAULT_ROLES.iter().map(|(name, _)| *name));
        for name in names {
            if data.roles.insert(name).1 {
                data.role_tenants.push(Box::default());
                default_roles.push(name);
            }
        }
    }

    // Access controls (Emporix).
    if !doc.access_controls.is_empty() && !catalogues.contains(&"emporix") {
        return Err(needs_emporix("accessControls"));
    }
    for (i, access_control) in doc.access_controls.iter().enumerate() {
        insert_unique(&mut data.access_controls, &access_control.id, || {
            format!("accessControls[{i}].id")
        })?;
        data.access_control_restricted
            .push(access_control.restricted_to);
    }

    // Groups.
    let mut groups = Interner::with_capacity(doc.groups.len());
    let mut group_tenants = Vec::with_capacity(doc.groups.len());
    for (i, group) in doc.groups.iter().enumerate() {
        insert_unique(&mut groups, &group.id, || format!("groups[{i}].id"))?;
        group_tenants.push(tenant_list(&group.tenants, &|j| {
            format!("groups[{i}].tenants[{j}]")
        })?);
        data.group_roles.push(resolve_all(
            &group.roles,
            &data.roles,
            &|j| format!("groups[{i}].roles[{j}]"),
            role_error,
        )?);
        if !group.access_controls.is_empty() && !catalogues.contains(&"emporix") {
            return Err(needs_emporix(&format!("groups[{i}].accessControls")));
        }
        let held = resolve_all(
            &group.access_controls,
            &data.access_controls,
            &|j| format!("groups[{i}].accessControls[{j}]"),
            |path, id| SnapshotError::UnknownAccessControl { path, id },
        )?;
        for (j, &ac) in held.iter().enumerate() {
            let restricted = data
                .access_control_restricted
                .get(ac as usize)
                .copied()
                .flatten();
            if let Some(user_type) = restricted
                && group.user_type != Some(user_type)
            {
                return Err(SnapshotError::UserTypeMismatch {
                    path: format!("groups[{i}].accessControls[{j}]"),
                    access_control: data.access_controls.name(ac).to_owned(),
                    user_type: user_type_name(user_type),
                });
            }
        }
        data.group_info.push(GroupInfo {
            user_type: group.user_type,
            legal_entity: group.legal_entity.as_deref().map(Box::from),
            predefined: group.predefined,
        });
    }

    // Users.
    let mut users = Interner::with_capacity(doc.users.len());
    let mut user_groups = Vec::with_capacity(doc.users.len());
    let mut user_tenants = Vec::with_capacity(doc.users.len());
    for (i, user) in doc.users.iter().enumerate() {
        insert_unique(&mut users, &user.id, || format!("users[{i}].id"))?;
        let member_of = resolve_all(
            &user.groups,
            &groups,
            &|j| format!("users[{i}].groups[{j}]"),
            group_error,
        )?;
        customer_groups(&member_of, &data.group_info, &user.id, &|j| {
            format!("users[{i}].groups[{j}]")
        })?;
        user_groups.push(member_of);
        user_tenants.push(tenant_list(&user.tenants, &|j| {
            format!("users[{i}].tenants[{j}]")
        })?);
        data.user_roles.push(resolve_all(
            &user.roles,
            &data.roles,
            &|j| format!("users[{i}].roles[{j}]"),
            role_error,
        )?);
        data.user_states.push(user.state);
    }

    // Clients.
    for (i, client) in doc.clients.iter().enumerate() {
        insert_unique(&mut data.clients, &client.id, || format!("clients[{i}].id"))?;
        data.client_groups.push(resolve_all(
            &client.groups,
            &groups,
            &|j| format!("clients[{i}].groups[{j}]"),
            group_error,
        )?);
        data.client_roles.push(resolve_all(
            &client.roles,
            &data.roles,
            &|j| format!("clients[{i}].roles[{j}]"),
            role_error,
        )?);
        data.client_tenants.push(tenant_list(&client.tenants, &|j| {
            format!("clients[{i}].tenants[{j}]")
        })?);
    }

    // Mapping rules.
    let mut rule_ids = Interner::with_capacity(doc.mapping_rules.len());
    for (i, rule) in doc.mapping_rules.iter().enumerate() {
        insert_unique(&mut rule_ids, &rule.id, || format!("mappingRules[{i}].id"))?;
        let claim = ClaimPath::parse(&rule.claim_name).map_err(|reason| {
            SnapshotError::InvalidClaimPath {
                path: format!("mappingRules[{i}].claimName"),
                claim: rule.claim_name.clone(),
                reason,
            }
        })?;
        data.mapping_rules.push(MappingRule {
            id: rule.id.as_str().into(),
            claim,
            value: rule.claim_value.as_str().into(),
            operator: rule.operator,
            groups: resolve_all(
                &rule.groups,
                &groups,
                &|j| format!("mappingRules[{i}].groups[{j}]"),
                group_error,
            )?,
            roles: resolve_all(
                &rule.roles,
                &data.roles,
                &|j| format!("mappingRules[{i}].roles[{j}]"),
                role_error,
            )?,
            tenants: tenant_list(&rule.tenants, &|j| {
                format!("mappingRules[{i}].tenants[{j}]")
            })?,
        });
    }

    // Grants: the snapshot's, then the default roles', then Emporix's derived ones.
    let owners = Owners {
        users: &users,
        clients: &data.clients,
        groups: &groups,
        roles: &data.roles,
        rules: &rule_ids,
    };
    let mut resources = Interner::default();
    let (wildcard, _) = resources.insert("*");
    debug_assert_eq!(wildcard, WILDCARD);
    let mut rows = Vec::with_capacity(doc.authorizations.len());
    let mut row_ids: FxHashSet<&str> = FxHashSet::default();
    for (i, auth) in doc.authorizations.iter().enumerate() {
        let at = |field: &str| format!("authorizations[{i}].{field}");
        non_empty(&auth.id, || at("id"))?;
        if !row_ids.insert(&auth.id) {
            return Err(SnapshotError::DuplicateId {
                path: at("id"),
                id: auth.id.clone(),
            });
        }
        rows.push(grant_row(
            auth,
            &owners,
            &catalogue,
            &implication,
            &mut resources,
            &at,
        )?);
    }
    for role in default_roles {
        let Some(role_ix) = data.roles.get(role) else {
            continue;
        };
        rows.extend(default_role_rows(role, role_ix, &catalogue, &mut resources));
    }
    if catalogues.contains(&"emporix") {
        rows.extend(emporix_rows(doc, &groups, &catalogue, &mut resources));
    }

    let (bundles, bundle_ids, implications) = bundles(doc, &catalogue, &catalogues)?;
    let index = SourceIndex::build(&rows, users.len(), groups.len(), true);
    let source = Source {
        name: super::DEFAULT_SOURCE.into(),
        users,
        user_groups,
        user_tenants,
        admin_groups: vec![false; groups.len()],
        groups,
        group_tenants,
        grants: data,
        resources,
        rows,
        index,
    };
    let options = Options {
        revoke_mode: doc.options.revoke_mode,
        tenant_checks: doc.options.tenant_checks,
        authorization_checks: doc.options.authorization_checks,
        admin_groups: vec![Box::from(CAMUNDA_ADMIN)],
        admin_users: Vec::new(),
    };
    Ok(Snapshot {
        revision: doc.revision.clone(),
        profile: doc.profile,
        options,
        catalogue,
        tenants,
        sources: vec![source],
        bundles,
        bundle_ids,
        implications,
        catalogues,
    })
}

fn catalogues(doc: &SnapshotDoc) -> Result<Vec<&'static str>, SnapshotError> {
    if doc.catalogues.is_empty() {
        return Ok(vec!["camunda8"]);
    }
    let mut names: Vec<&'static str> = Vec::new();
    for (i, name) in doc.catalogues.iter().enumerate() {
        let known = GRANTS_CATALOGUES
            .iter()
            .find(|(id, _)| id == name)
            .map(|(id, _)| *id);
        let known = known.ok_or_else(|| SnapshotError::UnknownCatalogue {
            path: format!("catalogues[{i}]"),
            id: name.clone(),
        })?;
        if !names.contains(&known) {
            names.push(known);
        }
    }
    Ok(names)
}

fn needs_emporix(path: &str) -> SnapshotError {
    SnapshotError::ProfileMismatch {
        path: path.into(),
        what: "Emporix access controls without the `emporix` catalogue".into(),
        profile: PROFILE,
    }
}

fn user_type_name(user_type: UserType) -> &'static str {
    match user_type {
        UserType::Employee => "EMPLOYEE",
        UserType::Customer => "CUSTOMER",
    }
}

fn insert_unique(
    names: &mut Interner,
    id: &str,
    path: impl Fn() -> String,
) -> Result<u32, SnapshotError> {
    non_empty(id, &path)?;
    match names.insert(id) {
        (ix, true) => Ok(ix),
        (_, false) => Err(SnapshotError::DuplicateId {
            path: path(),
            id: id.to_owned(),
        }),
    }
}

fn resolve_all(
    list: &[String],
    names: &Interner,
    path: &dyn Fn(usize) -> String,
    error: impl Fn(String, String) -> SnapshotError,
) -> Result<Box<[u32]>, SnapshotError> {
    let mut ixs = Vec::with_capacity(list.len());
    for (j, name) in list.iter().enumerate() {
        let ix = names
            .get(name)
            .ok_or_else(|| error(path(j), name.clone()))?;
        if !ixs.contains(&ix) {
            ixs.push(ix);
        }
    }
    Ok(ixs.into())
}

fn role_error(path: String, id: String) -> SnapshotError {
    SnapshotError::UnknownRole { path, id }
}

fn group_error(path: String, id: String) -> SnapshotError {
    SnapshotError::UnknownGroup { path, id }
}

/// Emporix: at most one of ADMIN, BUYER and REQUESTER per legal entity.
pub(crate) fn customer_groups(
    member_of: &[u32],
    info: &[GroupInfo],
    user: &str,
    path: &dyn Fn(usize) -> String,
) -> Result<(), SnapshotError> {
    let exclusive = |group: &u32| {
        info.get(*group as usize).filter(|info| {
            matches!(
                info.predefined,
                Some(PredefinedGroup::Admin | PredefinedGroup::Buyer | PredefinedGroup::Requester)
            )
        })
    };
    for (j, group) in member_of.iter().enumerate() {
        let Some(this) = exclusive(group) else {
            continue;
        };
        let clash = member_of
            .iter()
            .take(j)
            .filter_map(exclusive)
            .any(|earlier| earlier.legal_entity == this.legal_entity);
        if clash {
            return Err(SnapshotError::CustomerGroupConflict {
                path: path(j),
                user: user.to_owned(),
                legal_entity: this.legal_entity.as_deref().unwrap_or("(none)").to_owned(),
            });
        }
    }
    Ok(())
}

/// Per-type permission implication, closed transitively.
struct Implication {
    /// For each type, (bit, everything that bit implies).
    closure: Vec<Vec<(u32, u32)>>,
}

impl Implication {
    fn new(doc: &SnapshotDoc, catalogue: &Catalogue) -> Result<Self, SnapshotError> {
        let mut closure = vec![Vec::new(); catalogue.types.len()];
        for (i, declared) in doc.resource_types.iter().enumerate() {
            let Some(ty) = catalogue.resolve(&TypeRef::Name(declared.name.clone())) else {
                continue;
            };
            let resource_type = catalogue.ty(ty);
            let bits = |name: &str, path: String| {
                resource_type
                    .bits(name)
                    .ok_or_else(|| SnapshotError::UnknownPermission {
                        path,
                        permission: name.to_owned(),
                        resource_type: declared.name.clone(),
                    })
            };
            let mut direct = Vec::new();
            for (from, implied) in &declared.implies {
                let from_bits = bits(from, format!("resourceTypes[{i}].implies.{from}"))?;
                let mut to = 0;
                for (j, name) in implied.iter().enumerate() {
                    to |= bits(name, format!("resourceTypes[{i}].implies.{from}[{j}]"))?;
                }
                direct.push((from_bits, to));
            }
            let expand = |mut mask: u32| loop {
                let next = direct
                    .iter()
                    .filter(|(from, _)| mask & from == *from)
                    .fold(mask, |acc, (_, to)| acc | to);
                if next == mask {
                    return mask;
                }
                mask = next;
            };
            if let Some(slot) = closure.get_mut(usize::from(ty)) {
                *slot = direct
                    .iter()
                    .map(|&(from, _)| (from, expand(from)))
                    .collect();
            }
        }
        Ok(Self { closure })
    }

    fn apply(&self, ty: TypeIx, mask: u32) -> u32 {
        self.closure.get(usize::from(ty)).map_or(mask, |rules| {
            rules
                .iter()
                .filter(|(from, _)| mask & from == *from)
                .fold(mask, |acc, (_, to)| acc | to)
        })
    }
}

struct Owners<'a> {
    users: &'a Interner,
    clients: &'a Interner,
    groups: &'a Interner,
    roles: &'a Interner,
    rules: &'a Interner,
}

fn grant_row(
    auth: &AuthorizationDoc,
    owners: &Owners<'_>,
    catalogue: &Catalogue,
    implication: &Implication,
    resources: &mut Interner,
    at: &dyn Fn(&str) -> String,
) -> Result<Row, SnapshotError> {
    match auth.kind {
        AuthorizationType::Revoke => {
            return Err(SnapshotError::RevokeInGrants { path: at("type") });
        }
        AuthorizationType::Global => {
            return Err(SnapshotError::GlobalInGrants { path: at("type") });
        }
        AuthorizationType::Grant => {}
    }
    let (owner_type, owner_id, field) = match (
        auth.owner_type,
        &auth.owner_id,
        &auth.user_id,
        &auth.group_id,
    ) {
        (Some(kind), Some(id), None, None) => (kind, id, "ownerId"),
        (None, None, Some(id), None) => (OwnerType::User, id, "userId"),
        (None, None, None, Some(id)) => (OwnerType::Group, id, "groupId"),
        (None, None, None, None) => {
            return Err(SnapshotError::MissingOwner {
                path: at("ownerId"),
            });
        }
        (Some(_), None, None, None) | (None, Some(_), None, None) => {
            return Err(SnapshotError::MissingOwner {
                path: at(if auth.owner_type.is_some() {
                    "ownerId"
                } else {
                    "ownerType"
                }),
            });
        }
        _ => {
            return Err(SnapshotError::BothOwners {
                path: at("ownerId"),
            });
        }
    };
    let unknown = |error: fn(String, String) -> SnapshotError| error(at(field), owner_id.clone());
    let owner = match owner_type {
        OwnerType::User => owners
            .users
            .get(owner_id)
            .map(Owner::User)
            .ok_or_else(|| unknown(|path, id| SnapshotError::UnknownUser { path, id })),
        OwnerType::Client => owners
            .clients
            .get(owner_id)
            .map(Owner::Client)
            .ok_or_else(|| unknown(|path, id| SnapshotError::UnknownClient { path, id })),
        OwnerType::Group => owners
            .groups
            .get(owner_id)
            .map(Owner::Group)
            .ok_or_else(|| unknown(group_error)),
        OwnerType::Role => owners
            .roles
            .get(owner_id)
            .map(Owner::Role)
            .ok_or_else(|| unknown(role_error)),
        OwnerType::MappingRule => owners
            .rules
            .get(owner_id)
            .map(Owner::MappingRule)
            .ok_or_else(|| unknown(|path, id| SnapshotError::UnknownMappingRule { path, id })),
    }?;
    let ty = catalogue.resolve(&auth.resource_type).ok_or_else(|| {
        SnapshotError::UnknownResourceType {
            path: at("resourceType"),
            resource_type: auth.resource_type.to_string(),
        }
    })?;
    let resource = match (&auth.resource_id, &auth.resource_property_name) {
        (Some(id), None) => {
            non_empty(id, || at("resourceId"))?;
            resources.insert(id).0
        }
        (None, Some(property)) => {
            property_resource(property).ok_or_else(|| SnapshotError::UnknownProperty {
                path: at("resourcePropertyName"),
                id: property.clone(),
            })?
        }
        (None, None) => {
            return Err(SnapshotError::MissingResourceId {
                path: at("resourceId"),
            });
        }
        (Some(_), Some(_)) => {
            return Err(SnapshotError::BothMatchers {
                path: at("resourcePropertyName"),
            });
        }
    };
    let mask = permission_mask(catalogue.ty(ty), &auth.permissions, at)?;
    Ok(Row {
        id: auth.id.as_str().into(),
        kind: AuthorizationType::Grant,
        owner,
        ty,
        resource,
        mask: implication.apply(ty, mask),
    })
}

/// The grants of a Camunda 8 default role the snapshot does not declare.
fn default_role_rows(
    role: &str,
    role_ix: u32,
    catalogue: &Catalogue,
    resources: &mut Interner,
) -> Vec<Row> {
    let row = |ty: TypeIx, resource, mask, suffix: &str| Row {
        id: format!("default:{role}:{suffix}").into(),
        kind: AuthorizationType::Grant,
        owner: Owner::Role(role_ix),
        ty,
        resource,
        mask,
    };
    let camunda8 = GRANTS_CATALOGUES
        .iter()
        .find(|(id, _)| *id == "camunda8")
        .map_or(&[][..], |(_, types)| *types);
    let types = camunda8.iter().filter_map(|ty| {
        catalogue
            .by_name
            .get(ty.name)
            .map(|&ix| (ix, catalogue.ty(ix)))
    });
    match role {
        "admin" => types
            .map(|(ix, ty)| {
                row(
                    ix,
                    WILDCARD,
                    ty.permissions.iter().fold(0, |mask, (_, bits)| mask | bits),
                    &ty.name,
                )
            })
            .collect(),
        "readonly-admin" => types
            .filter_map(|(ix, ty)| {
                let mask = READONLY_PERMISSIONS
                    .iter()
                    .filter_map(|name| ty.bits(name))
                    .fold(0, |mask, bits| mask | bits);
                (mask != 0).then(|| row(ix, WILDCARD, mask, &ty.name))
            })
            .collect(),
        _ => {
            let grants = DEFAULT_ROLES
                .iter()
                .find(|(name, _)| *name == role)
                .map_or(&[][..], |(_, grants)| *grants);
            grants
                .iter()
                .filter_map(|grant| {
                    let ix = *catalogue.by_name.get(grant.resource_type)?;
                    let ty = catalogue.ty(ix);
                    let mask = grant
                        .permissions
                        .iter()
                        .filter_map(|name| ty.bits(name))
                        .fold(0, |mask, bits| mask | bits);
                    let (resource, suffix) = match (grant.resource_id, grant.property) {
                        (_, Some(property)) => (property_resource(property)?, property),
                        (Some(id), None) => (resources.insert(id).0, grant.resource_type),
                        (None, None) => return None,
                    };
                    Some(row(ix, resource, mask, suffix))
                })
                .collect()
        }
    }
}

/// Emporix: a group holding an access control confers `HOLD` on the access
/// control and on each of its scopes (suffixed per restriction when the access
/// control is restriction-aware and the group is restricted).
fn emporix_rows(
    doc: &SnapshotDoc,
    groups: &Interner,
    catalogue: &Catalogue,
    resources: &mut Interner,
) -> Vec<Row> {
    let (Some(&ac_type), Some(&scope_type)) = (
        catalogue.by_name.get(EMPORIX_ACCESS_CONTROL),
        catalogue.by_name.get(EMPORIX_SCOPE),
    ) else {
        return Vec::new();
    };
    let hold = |ty: TypeIx| catalogue.ty(ty).bits(EMPORIX_HOLD).unwrap_or(1);
    let mut rows = Vec::new();
    for group in &doc.groups {
        let Some(group_ix) = groups.get(&group.id) else {
            continue;
        };
        for ac_id in &group.access_controls {
            let Some(ac) = doc.access_controls.iter().find(|ac| ac.id == *ac_id) else {
                continue;
            };
            let mut grant = |ty: TypeIx, resource: &str, id: String, rows: &mut Vec<Row>| {
                let resource = resources.insert(resource).0;
                rows.push(Row {
                    id: id.into(),
                    kind: AuthorizationType::Grant,
                    owner: Owner::Group(group_ix),
                    ty,
                    resource,
                    mask: hold(ty),
                });
            };
            grant(
                ac_type,
                &ac.id,
                format!("emporix:{}:{}", group.id, ac.id),
                &mut rows,
            );
            for scope in &ac.scopes {
                if ac.restriction_aware && !group.restrictions.is_empty() {
                    for restriction in &group.restrictions {
                        let scope = format!("{scope}--{restriction}");
                        grant(
                            scope_type,
                            &scope,
                            format!("emporix:{}:{}:{scope}", group.id, ac.id),
                            &mut rows,
                        );
                    }
                } else {
                    grant(
                        scope_type,
                        scope,
                        format!("emporix:{}:{}:{scope}", group.id, ac.id),
                        &mut rows,
                    );
                }
            }
        }
    }
    rows
}

type Bundles = (Vec<Bundle>, Interner, Vec<(u32, u32)>);

fn bundles(
    doc: &SnapshotDoc,
    catalogue: &Catalogue,
    catalogues: &[&str],
) -> Result<Bundles, SnapshotError> {
    let mut ids = Interner::default();
    let mut bundles = Vec::new();
    let part = |check: &CheckDoc, path: &dyn Fn() -> String| -> Result<BundlePart, SnapshotError> {
        let ty = catalogue.resolve(&check.resource_type).ok_or_else(|| {
            SnapshotError::UnknownResourceType {
                path: path() + ".resourceType",
                resource_type: check.resource_type.to_string(),
            }
        })?;
        let resource_type = catalogue.ty(ty);
        let bits = resource_type.bits(&check.permission).ok_or_else(|| {
            SnapshotError::UnknownPermission {
                path: path() + ".permission",
                permission: check.permission.clone(),
                resource_type: resource_type.name.to_string(),
            }
        })?;
        Ok(BundlePart {
            ty,
            bits,
            permission: check.permission.as_str().into(),
            resource_id: check
                .resource_id
                .as_deref()
                .filter(|id| *id != "*")
                .map(Box::from),
        })
    };
    for (i, bundle) in doc.bundles.iter().enumerate() {
        insert_unique(&mut ids, &bundle.id, || format!("bundles[{i}].id"))?;
        let parts = bundle
            .all_of
            .iter()
            .enumerate()
            .map(|(j, check)| part(check, &|| format!("bundles[{i}].allOf[{j}]")))
            .collect::<Result<Vec<_>, _>>()?;
        bundles.push(Bundle {
            id: bundle.id.as_str().into(),
            parts,
        });
    }
    let mut implications = Vec::new();
    if !doc.domains.is_empty() && !catalogues.contains(&"emporix") {
        return Err(needs_emporix("domains"));
    }
    for (i, domain) in doc.domains.iter().enumerate() {
        let mut previous: Option<u32> = None;
        for (level, access_controls) in &domain.levels {
            let id = format!("{} {}", domain.base, level.as_str());
            let ix = insert_unique(&mut ids, &id, || {
                format!("domains[{i}].levels.{}", level.as_str())
            })?;
            let parts = access_controls
                .iter()
                .enumerate()
                .map(|(j, ac)| {
                    let path = || format!("domains[{i}].levels.{}[{j}]", level.as_str());
                    if !doc.access_controls.iter().any(|known| known.id == *ac) {
                        return Err(SnapshotError::UnknownAccessControl {
                            path: path(),
                            id: ac.clone(),
                        });
                    }
                    let check = CheckDoc {
                        permission: EMPORIX_HOLD.into(),
                        resource_type: TypeRef::Name(EMPORIX_ACCESS_CONTROL.into()),
                        resource_id: Some(ac.clone()),
                    };
                    part(&check, &path)
                })
                .collect::<Result<Vec<_>, _>>()?;
            bundles.push(Bundle {
                id: id.into(),
                parts,
            });
            // Levels iterate lowest first: each implies the one below it.
            if let Some(lower) = previous {
                implications.push((ix, lower));
            }
            previous = Some(ix);
            let _: DomainLevel = *level;
        }
    }
    for (i, implication) in doc.bundle_implications.iter().enumerate() {
        let find = |id: &str, field: &str| {
            ids.get(id).ok_or_else(|| SnapshotError::UnknownBundle {
                path: format!("bundleImplications[{i}].{field}"),
                id: id.to_owned(),
            })
        };
        implications.push((
            find(&implication.when, "when")?,
            find(&implication.then, "then")?,
        ));
    }
    Ok((bundles, ids, implications))
}
