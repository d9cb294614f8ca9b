//! Loading a `grants` snapshot: catalogues and default roles, principals and
//! their memberships, mapping rules, grants (owner, matcher, permission mask with
//! implication applied), Emporix access controls turned into grants, bundles and
//! domains — and Emporix's assignment invariants.

use super::{
    At, Fallible, Parts, catalogue, composite, memberships, non_empty, permission_mask,
    resolve_list, resolve_type, rows_of, same_type, tenants, unique, unknown_group, unknown_tenant,
};
use crate::catalogue::{
    DEFAULT_ROLES, EMPORIX_ACCESS_CONTROL, EMPORIX_HOLD, EMPORIX_SCOPE, GRANTS_CATALOGUES,
    READONLY_PERMISSIONS,
};
use crate::claims::ClaimPath;
use crate::error::SnapshotError;
use crate::index::SourceIndex;
use crate::intern::{Interner, Lists};
use crate::model::{
    Bundle, BundlePart, CAMUNDA_ADMIN, Catalogue, GrantsData, GroupInfo, MappingRule, Options,
    Owner, ResourceType, Row, Snapshot, Source, TypeIx, WILDCARD, property_resource,
};
use crate::prelude::*;
use crate::wire::row::{RowDoc, RowNames, RowType};
use crate::wire::{AuthorizationType, CheckDoc, OwnerType, PredefinedGroup, SnapshotDoc, UserType};

const PROFILE: &str = "grants";

pub(super) fn validate(parts: &Parts<'_, '_>) -> Fallible<Snapshot> {
    let doc = parts.doc;
    for (field, absent) in [
        ("sources", doc.sources.is_empty()),
        ("optimize", doc.optimize.is_none()),
    ] {
        if !absent {
            return Err(SnapshotError::ProfileMismatch {
                path: field.into(),
                what: format!("`{field}`"),
                profile: PROFILE,
            }
            .into());
        }
    }
    for (field, empty) in [
        ("adminGroups", doc.options.admin_groups.is_empty()),
        ("adminUsers", doc.options.admin_users.is_empty()),
    ] {
        if !empty {
            return Err(SnapshotError::ProfileMismatch {
                path: At::ROOT.key("options").key(field).path(),
                what: format!("`{field}` (Camunda 7's tenant-check bypass)"),
                profile: PROFILE,
            }
            .into());
        }
    }
    let catalogues = catalogues(doc)?;
    let emporix = catalogues.contains(&"emporix");
    let mut builtin = Vec::new();
    for name in &catalogues {
        for (id, types) in GRANTS_CATALOGUES {
            if id != name {
                continue;
            }
            for ty in *types {
                builtin.push(ResourceType {
                    name: ty.name.into(),
                    // Built-in types are numbered from 1000, in catalogue order.
                    id: 1000 + u32::try_from(builtin.len()).unwrap_or(0),
                    permissions: (0..)
                        .zip(ty.permissions)
                        .map(|(bit, name)| ((*name).into(), 1 << bit))
                        .collect(),
                    implicit_all: false,
                });
            }
        }
    }
    let catalogue = catalogue(builtin, &doc.resource_types, false)?;
    let implication = Implication::new(doc, &catalogue)?;
    let tenants = tenants(doc)?;
    let mut data = GrantsData::default();

    // Roles: declared ones, then Camunda 8's defaults not declared.
    let list = At::ROOT.key("roles");
    for (i, role) in doc.roles.iter().enumerate() {
        let at = list.index(i);
        unique(&mut data.roles, &role.id, at.key("id"))?;
        memberships(&parts.limits, role.tenants.len(), at)?;
        let tenant_ids = at.key("tenants");
        resolve_list(
            &mut data.role_tenants,
            &role.tenants,
            &tenants,
            tenant_ids,
            unknown_tenant,
        )?;
    }
    let mut default_roles = Vec::new();
    if catalogues.contains(&"camunda8") && doc.options.default_roles {
        let names = ["admin", "readonly-admin"]
            .into_iter()
            .chain(DEFAULT_ROLES.iter().map(|(name, _)| *name));
        for name in names {
            if let (ix, true) = data.roles.insert(name) {
                data.role_tenants.end();
                default_roles.push((name, ix));
            }
        }
    }

    // Access controls (Emporix).
    if !doc.access_controls.is_empty() && !emporix {
        return Err(needs_emporix(At::ROOT.key("accessControls")));
    }
    let list = At::ROOT.key("accessControls");
    for (i, access_control) in doc.access_controls.iter().enumerate() {
        let at = list.index(i);
        unique(&mut data.access_controls, &access_control.id, at.key("id"))?;
        let scopes = at.key("scopes");
        for (j, scope) in access_control.scopes.iter().enumerate() {
            non_empty(scope, scopes.index(j))?;
        }
        data.access_control_restricted
            .push(access_control.restricted_to);
    }

    // Groups.
    let mut groups = Interner::with_capacity(doc.groups.len());
    let mut group_tenants = Lists::with_capacity(doc.groups.len());
    let mut held = Lists::default();
    let list = At::ROOT.key("groups");
    for (i, group) in doc.groups.iter().enumerate() {
        let at = list.index(i);
        unique(&mut groups, &group.id, at.key("id"))?;
        memberships(&parts.limits, group.tenants.len() + group.roles.len(), at)?;
        resolve_list(
            &mut group_tenants,
            &group.tenants,
            &tenants,
            at.key("tenants"),
            unknown_tenant,
        )?;
        resolve_list(
            &mut data.group_roles,
            &group.roles,
            &data.roles,
            at.key("roles"),
            unknown_role,
        )?;
        let list = at.key("accessControls");
        if !group.access_controls.is_empty() && !emporix {
            return Err(needs_emporix(list));
        }
        let controls = resolve_list(
            &mut held,
            &group.access_controls,
            &data.access_controls,
            list,
            |path, id| SnapshotError::UnknownAccessControl { path, id },
        )?;
        for (j, &ac) in held.get(controls).iter().enumerate() {
            let restricted = data
                .access_control_restricted
                .get(ac as usize)
                .copied()
                .flatten();
            if let Some(user_type) = restricted
                && group.user_type != Some(user_type)
            {
                return Err(SnapshotError::UserTypeMismatch {
                    path: list.index(j).path(),
                    access_control: data.access_controls.name(ac).to_owned(),
                    user_type: user_type_name(user_type),
                }
                .into());
            }
        }
        if let Some(legal_entity) = &group.legal_entity {
            non_empty(legal_entity, at.key("legalEntity"))?;
        }
        let restrictions = at.key("restrictions");
        for (j, restriction) in group.restrictions.iter().enumerate() {
            non_empty(restriction, restrictions.index(j))?;
        }
        data.group_info.push(GroupInfo {
            user_type: group.user_type,
            legal_entity: group.legal_entity.as_deref().map(Box::from),
            predefined: group.predefined,
        });
    }

    // Users.
    let mut users = Interner::with_capacity(doc.users.len());
    let mut user_groups = Lists::with_capacity(doc.users.len());
    let mut user_tenants = Lists::with_capacity(doc.users.len());
    let list = At::ROOT.key("users");
    for (i, user) in doc.users.iter().enumerate() {
        let at = list.index(i);
        unique(&mut users, &user.id, at.key("id"))?;
        let count = user.groups.len() + user.tenants.len() + user.roles.len();
        memberships(&parts.limits, count, at)?;
        let group_ids = at.key("groups");
        let member_of = resolve_list(
            &mut user_groups,
            &user.groups,
            &groups,
            group_ids,
            unknown_group,
        )?;
        if let Some((j, legal_entity)) =
            customer_group_conflict(user_groups.get(member_of), &data.group_info)
        {
            return Err(SnapshotError::CustomerGroupConflict {
                path: group_ids.index(j).path(),
                user: user.id.clone(),
                legal_entity: legal_entity.to_owned(),
            }
            .into());
        }
        resolve_list(
            &mut user_tenants,
            &user.tenants,
            &tenants,
            at.key("tenants"),
            unknown_tenant,
        )?;
        resolve_list(
            &mut data.user_roles,
            &user.roles,
            &data.roles,
            at.key("roles"),
            unknown_role,
        )?;
        data.user_states.push(user.state);
    }

    // Clients.
    let list = At::ROOT.key("clients");
    for (i, client) in doc.clients.iter().enumerate() {
        let at = list.index(i);
        unique(&mut data.clients, &client.id, at.key("id"))?;
        let count = client.groups.len() + client.tenants.len() + client.roles.len();
        memberships(&parts.limits, count, at)?;
        resolve_list(
            &mut data.client_groups,
            &client.groups,
            &groups,
            at.key("groups"),
            unknown_group,
        )?;
        resolve_list(
            &mut data.client_roles,
            &client.roles,
            &data.roles,
            at.key("roles"),
            unknown_role,
        )?;
        resolve_list(
            &mut data.client_tenants,
            &client.tenants,
            &tenants,
            at.key("tenants"),
            unknown_tenant,
        )?;
    }

    // Mapping rules.
    let mut rule_ids = Interner::with_capacity(doc.mapping_rules.len());
    let mut rule_lists = Lists::default();
    let list = At::ROOT.key("mappingRules");
    for (i, rule) in doc.mapping_rules.iter().enumerate() {
        let at = list.index(i);
        unique(&mut rule_ids, &rule.id, at.key("id"))?;
        let count = rule.groups.len() + rule.tenants.len() + rule.roles.len();
        memberships(&parts.limits, count, at)?;
        non_empty(&rule.claim_value, at.key("claimValue"))?;
        let claim = ClaimPath::parse(&rule.claim_name).map_err(|reason| {
            SnapshotError::InvalidClaimPath {
                path: at.key("claimName").path(),
                claim: rule.claim_name.clone(),
                reason,
            }
        })?;
        let mut list_of =
            |ids: &[String], table: &Interner, key, unknown| -> Fallible<Box<[u32]>> {
                let ix = resolve_list(&mut rule_lists, ids, table, at.key(key), unknown)?;
                Ok(rule_lists.get(ix).into())
            };
        let groups = list_of(&rule.groups, &groups, "groups", unknown_group)?;
        let roles = list_of(&rule.roles, &data.roles, "roles", unknown_role)?;
        let tenants = list_of(&rule.tenants, &tenants, "tenants", unknown_tenant)?;
        data.mapping_rules.push(MappingRule {
            id: rule.id.as_str().into(),
            claim,
            value: rule.claim_value.as_str().into(),
            operator: rule.operator,
            groups,
            roles,
            tenants,
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
    let mut rows = Rows::default();
    rows.resources.insert("*");
    let list = At::ROOT.key("authorizations");
    let row_docs = rows_of(parts, 0);
    let mut previous: Option<(&RowType<'_>, TypeIx)> = None;
    for (i, row) in row_docs.iter().enumerate() {
        let at = list.index(i);
        let id = unique(&mut rows.ids, &row.id, at.key("id"))?;
        let (owner, ty, resource, mask) = grant(
            row,
            &owners,
            &catalogue,
            &mut rows.resources,
            &parts.names,
            previous,
            at,
        )?;
        previous = Some((&row.resource_type, ty));
        rows.rows.push(Row {
            id,
            kind: AuthorizationType::Grant,
            owner,
            ty,
            resource,
            mask: implication.apply(ty, mask),
        });
    }
    for (role, role_ix) in default_roles {
        default_role_rows(role, role_ix, &catalogue, &mut rows);
    }
    if emporix {
        emporix_rows(doc, &groups, &catalogue, &mut rows);
    }

    let (bundles, bundle_ids, implications) = bundles(
        doc,
        &catalogue,
        &data.access_controls,
        &parts.limits,
        emporix,
    )?;
    let index = SourceIndex::build(&rows.rows, users.len(), groups.len(), true);
    let source = Source {
        name: super::DEFAULT_SOURCE.into(),
        users,
        user_groups,
        user_tenants,
        admin_groups: vec![false; groups.len()],
        groups,
        group_tenants,
        grants: data,
        resources: rows.resources,
        row_ids: rows.ids,
        rows: rows.rows,
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
        managed: None,
        revision: doc.revision.clone(),
        sequence: doc.sequence,
        limits: parts.limits,
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

/// How an id no table holds is refused: `(path, id)` to the error.
type Unknown = fn(String, String) -> SnapshotError;

fn unknown_role(path: String, id: String) -> SnapshotError {
    SnapshotError::UnknownRole { path, id }
}

/// The rows of the source being built, their ids and the resource ids they name.
#[derive(Default)]
struct Rows {
    rows: Vec<Row>,
    ids: Interner,
    resources: Interner,
}

impl Rows {
    /// A grant the snapshot implies (of a default role, of an access control).
    fn derived(&mut self, id: &str, owner: Owner, ty: TypeIx, resource: u32, mask: u32) {
        let id = self.ids.insert(id).0;
        self.rows.push(Row {
            id,
            kind: AuthorizationType::Grant,
            owner,
            ty,
            resource,
            mask,
        });
    }
}

fn catalogues(doc: &SnapshotDoc) -> Fallible<Vec<&'static str>> {
    if doc.catalogues.is_empty() {
        return Ok(vec!["camunda8"]);
    }
    let mut names: Vec<&'static str> = Vec::new();
    let list = At::ROOT.key("catalogues");
    for (i, name) in doc.catalogues.iter().enumerate() {
        let Some(&(known, _)) = GRANTS_CATALOGUES.iter().find(|(id, _)| id == name) else {
            return Err(SnapshotError::UnknownCatalogue {
                path: list.index(i).path(),
                id: name.clone(),
            }
            .into());
        };
        if !names.contains(&known) {
            names.push(known);
        }
    }
    Ok(names)
}

fn needs_emporix(at: At<'_>) -> Box<SnapshotError> {
    SnapshotError::ProfileMismatch {
        path: at.path(),
        what: "Emporix access controls without the `emporix` catalogue".into(),
        profile: PROFILE,
    }
    .into()
}

fn user_type_name(user_type: UserType) -> &'static str {
    match user_type {
        UserType::Employee => "EMPLOYEE",
        UserType::Customer => "CUSTOMER",
    }
}

/// Emporix: at most one of ADMIN, BUYER and REQUESTER per legal entity. The
/// first group of `member_of` (each listed once) that breaks it: its position,
/// and its legal entity.
pub(crate) fn customer_group_conflict<'i>(
    member_of: &[u32],
    info: &'i [GroupInfo],
) -> Option<(usize, &'i str)> {
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
            return Some((j, this.legal_entity.as_deref().unwrap_or("(none)")));
        }
    }
    None
}

/// Per-type permission implication, closed transitively.
struct Implication {
    /// For each type, (bit, everything that bit implies).
    closure: Vec<Vec<(u32, u32)>>,
}

impl Implication {
    fn new(doc: &SnapshotDoc, catalogue: &Catalogue) -> Fallible<Self> {
        let mut closure = vec![Vec::new(); catalogue.types.len()];
        let list = At::ROOT.key("resourceTypes");
        for (i, declared) in doc.resource_types.iter().enumerate() {
            let Some(ty) = catalogue.named(&declared.name) else {
                continue;
            };
            let resource_type = catalogue.ty(ty);
            let bits = |name: &str, at: At<'_>| -> Fallible<u32> {
                resource_type.bits(name).ok_or_else(|| {
                    SnapshotError::UnknownPermission {
                        path: at.path(),
                        permission: name.to_owned(),
                        resource_type: declared.name.clone(),
                    }
                    .into()
                })
            };
            let implies = list.index(i);
            let implies = implies.key("implies");
            let mut direct = Vec::new();
            for (from, implied) in &declared.implies {
                let at = implies.key(from);
                let from_bits = bits(from, at)?;
                let mut to = 0;
                for (j, name) in implied.iter().enumerate() {
                    to |= bits(name, at.index(j))?;
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

/// A grant row's owner, type, resource and permission mask (before implication).
fn grant(
    row: &RowDoc<'_>,
    owners: &Owners<'_>,
    catalogue: &Catalogue,
    resources: &mut Interner,
    names: &RowNames<'_>,
    previous: Option<(&RowType<'_>, TypeIx)>,
    at: At<'_>,
) -> Fallible<(Owner, TypeIx, u32, u32)> {
    let error = |error: fn(String) -> SnapshotError, field: &str| -> Box<SnapshotError> {
        error(at.key(field).path()).into()
    };
    match row.kind {
        AuthorizationType::Revoke => {
            return Err(error(|path| SnapshotError::RevokeInGrants { path }, "type"));
        }
        AuthorizationType::Global => {
            return Err(error(|path| SnapshotError::GlobalInGrants { path }, "type"));
        }
        AuthorizationType::Grant => {}
    }
    let missing = |path| SnapshotError::MissingOwner { path };
    let (owner_type, owner_id, field) =
        match (row.owner_type, &row.owner_id, &row.user_id, &row.group_id) {
            (Some(kind), Some(id), None, None) => (kind, id, "ownerId"),
            (None, None, Some(id), None) => (OwnerType::User, id, "userId"),
            (None, None, None, Some(id)) => (OwnerType::Group, id, "groupId"),
            (None, None, None, None) | (Some(_), None, None, None) => {
                return Err(error(missing, "ownerId"));
            }
            (None, Some(_), None, None) => return Err(error(missing, "ownerType")),
            _ => return Err(error(|path| SnapshotError::BothOwners { path }, "ownerId")),
        };
    let (table, make, unknown): (&Interner, fn(u32) -> Owner, Unknown) = match owner_type {
        OwnerType::User => (owners.users, Owner::User, |path, id| {
            SnapshotError::UnknownUser { path, id }
        }),
        OwnerType::Client => (owners.clients, Owner::Client, |path, id| {
            SnapshotError::UnknownClient { path, id }
        }),
        OwnerType::Group => (owners.groups, Owner::Group, unknown_group),
        OwnerType::Role => (owners.roles, Owner::Role, unknown_role),
        OwnerType::MappingRule => (owners.rules, Owner::MappingRule, |path, id| {
            SnapshotError::UnknownMappingRule { path, id }
        }),
    };
    let Some(owner) = table.get(owner_id).map(make) else {
        return Err(unknown(at.key(field).path(), owner_id.to_string()).into());
    };
    let ty = match previous {
        Some((named, ty)) if same_type(named, &row.resource_type) => ty,
        _ => resolve_type(catalogue, row, at)?,
    };
    let resource = match (&row.resource_id, &row.resource_property_name) {
        (Some(id), None) => {
            non_empty(id, at.key("resourceId"))?;
            resources.insert(id).0
        }
        (None, Some(property)) => {
            property_resource(property).ok_or_else(|| SnapshotError::UnknownProperty {
                path: at.key("resourcePropertyName").path(),
                id: property.to_string(),
            })?
        }
        (None, None) => {
            return Err(error(
                |path| SnapshotError::MissingResourceId { path },
                "resourceId",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(error(
                |path| SnapshotError::BothMatchers { path },
                "resourcePropertyName",
            ));
        }
    };
    let mask = permission_mask(catalogue.ty(ty), row, names, at)?;
    Ok((owner, ty, resource, mask))
}

/// The bits of the names a type has, the rest skipped.
fn bits_of(ty: &ResourceType, names: &[&str]) -> u32 {
    names
        .iter()
        .filter_map(|name| ty.bits(name))
        .fold(0, |mask, bits| mask | bits)
}

/// The grants of a Camunda 8 default role the snapshot does not declare.
fn default_role_rows(role: &str, role_ix: u32, catalogue: &Catalogue, rows: &mut Rows) {
    let owner = Owner::Role(role_ix);
    let camunda8 = GRANTS_CATALOGUES
        .iter()
        .find(|(id, _)| *id == "camunda8")
        .map_or(&[][..], |(_, types)| *types);
    let types = camunda8
        .iter()
        .filter_map(|ty| catalogue.named(ty.name).map(|ix| (ix, catalogue.ty(ix))));
    if role == "admin" || role == "readonly-admin" {
        for (ix, ty) in types {
            let mask = if role == "admin" {
                ty.permissions.iter().fold(0, |mask, (_, bits)| mask | bits)
            } else {
                bits_of(ty, READONLY_PERMISSIONS)
            };
            // `admin` holds every type, also one without permissions.
            if role == "admin" || mask != 0 {
                rows.derived(
                    &format!("default:{role}:{}", ty.name),
                    owner,
                    ix,
                    WILDCARD,
                    mask,
                );
            }
        }
        return;
    }
    let grants = DEFAULT_ROLES
        .iter()
        .find(|(name, _)| *name == role)
        .map_or(&[][..], |(_, grants)| *grants);
    for grant in grants {
        let Some(ix) = catalogue.named(grant.resource_type) else {
            continue;
        };
        let mask = bits_of(catalogue.ty(ix), grant.permissions);
        let (resource, suffix) = match (grant.resource_id, grant.property) {
            (_, Some(property)) => match property_resource(property) {
                Some(resource) => (resource, property),
                None => continue,
            },
            (Some(id), None) => (rows.resources.insert(id).0, grant.resource_type),
            (None, None) => continue,
        };
        rows.derived(
            &format!("default:{role}:{suffix}"),
            owner,
            ix,
            resource,
            mask,
        );
    }
}

/// Emporix: a group holding an access control confers `HOLD` on the access
/// control and on each of its scopes (suffixed per restriction when the access
/// control is restriction-aware and the group is restricted).
fn emporix_rows(doc: &SnapshotDoc, groups: &Interner, catalogue: &Catalogue, rows: &mut Rows) {
    let (Some(ac_type), Some(scope_type)) = (
        catalogue.named(EMPORIX_ACCESS_CONTROL),
        catalogue.named(EMPORIX_SCOPE),
    ) else {
        return;
    };
    let hold = |ty: TypeIx| catalogue.ty(ty).bits(EMPORIX_HOLD).unwrap_or(1);
    for group in &doc.groups {
        let Some(group_ix) = groups.get(&group.id) else {
            continue;
        };
        let owner = Owner::Group(group_ix);
        for ac_id in &group.access_controls {
            let Some(ac) = doc.access_controls.iter().find(|ac| ac.id == *ac_id) else {
                continue;
            };
            let grant = |ty: TypeIx, resource: &str, id: &str, rows: &mut Rows| {
                let resource = rows.resources.insert(resource).0;
                rows.derived(id, owner, ty, resource, hold(ty));
            };
            let prefix = format!("emporix:{}:{}", group.id, ac.id);
            grant(ac_type, &ac.id, &prefix, rows);
            let restricted = ac.restriction_aware && !group.restrictions.is_empty();
            for scope in &ac.scopes {
                if restricted {
                    for restriction in &group.restrictions {
                        let scope = format!("{scope}--{restriction}");
                        grant(scope_type, &scope, &format!("{prefix}:{scope}"), rows);
                    }
                } else {
                    grant(scope_type, scope, &format!("{prefix}:{scope}"), rows);
                }
            }
        }
    }
}

type Bundles = (Vec<Bundle>, Interner, Vec<(u32, u32)>);

/// A bundle's part: one permission on one resource (at `at`).
fn part(catalogue: &Catalogue, check: &CheckDoc, at: At<'_>) -> Fallible<BundlePart> {
    let Some(ty) = catalogue.resolve(&check.resource_type) else {
        return Err(SnapshotError::UnknownResourceType {
            path: at.key("resourceType").path(),
            resource_type: check.resource_type.to_string(),
        }
        .into());
    };
    let resource_type = catalogue.ty(ty);
    let Some(bits) = resource_type.bits(&check.permission) else {
        return Err(SnapshotError::UnknownPermission {
            path: at.key("permission").path(),
            permission: check.permission.clone(),
            resource_type: resource_type.name.to_string(),
        }
        .into());
    };
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
}

fn bundles(
    doc: &SnapshotDoc,
    catalogue: &Catalogue,
    known_controls: &Interner,
    limits: &crate::Limits,
    emporix: bool,
) -> Fallible<Bundles> {
    let mut ids = Interner::default();
    let mut bundles = Vec::new();
    let list = At::ROOT.key("bundles");
    for (i, bundle) in doc.bundles.iter().enumerate() {
        let at = list.index(i);
        unique(&mut ids, &bundle.id, at.key("id"))?;
        let checks = at.key("allOf");
        composite(limits, bundle.all_of.len(), checks)?;
        let mut parts = Vec::new();
        for (j, check) in bundle.all_of.iter().enumerate() {
            parts.push(part(catalogue, check, checks.index(j))?);
        }
        bundles.push(Bundle {
            id: bundle.id.as_str().into(),
            parts,
        });
    }
    let mut implications = Vec::new();
    if !doc.domains.is_empty() && !emporix {
        return Err(needs_emporix(At::ROOT.key("domains")));
    }
    let list = At::ROOT.key("domains");
    for (i, domain) in doc.domains.iter().enumerate() {
        let domain_at = list.index(i);
        non_empty(&domain.base, domain_at.key("base"))?;
        let levels = domain_at.key("levels");
        let mut lower: Option<u32> = None;
        // Levels iterate lowest first: each implies the one below it.
        for (level, access_controls) in &domain.levels {
            let at = levels.key(level.as_str());
            let id = format!("{} {}", domain.base, level.as_str());
            let ix = unique(&mut ids, &id, at)?;
            composite(limits, access_controls.len(), at)?;
            let mut parts = Vec::new();
            for (j, ac) in access_controls.iter().enumerate() {
                let at = at.index(j);
                if known_controls.get(ac).is_none() {
                    return Err(SnapshotError::UnknownAccessControl {
                        path: at.path(),
                        id: ac.clone(),
                    }
                    .into());
                }
                let check = CheckDoc {
                    permission: EMPORIX_HOLD.into(),
                    resource_type: EMPORIX_ACCESS_CONTROL.into(),
                    resource_id: Some(ac.clone()),
                };
                parts.push(part(catalogue, &check, at)?);
            }
            bundles.push(Bundle {
                id: id.into(),
                parts,
            });
            if let Some(lower) = lower {
                implications.push((ix, lower));
            }
            lower = Some(ix);
        }
    }
    let list = At::ROOT.key("bundleImplications");
    for (i, implication) in doc.bundle_implications.iter().enumerate() {
        let at = list.index(i);
        let find = |id: &str, field: &str| {
            ids.get(id).ok_or_else(|| -> Box<SnapshotError> {
                SnapshotError::UnknownBundle {
                    path: at.key(field).path(),
                    id: id.to_owned(),
                }
                .into()
            })
        };
        implications.push((
            find(&implication.when, "when")?,
            find(&implication.then, "then")?,
        ));
    }
    Ok((bundles, ids, implications))
}
