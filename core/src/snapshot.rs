//! Decoding and validation: snapshot JSON → [`Snapshot`], or the first error with
//! its path and code. Nothing is half-loaded: the model is built only from a
//! document that passed every check.

use crate::prelude::FxHashMap;
use crate::prelude::*;

use crate::catalogue::{ALL_BITS, CAMUNDA7_TYPES};
use crate::error::SnapshotError;
use crate::index::SourceIndex;
use crate::intern::Interner;
use crate::model::{
    CAMUNDA_ADMIN, Catalogue, GrantsData, Options, Owner, ResourceType, Row, Snapshot, Source,
    TypeIx, WILDCARD,
};
use crate::wire::{
    AuthorizationDoc, AuthorizationType, FORMAT_VERSION, GroupDoc, ProfileName, ResourceTypeDoc,
    SnapshotDoc, TypeRef, UserDoc,
};

pub(crate) mod grants;

/// The name of the one source of a snapshot without `sources`.
pub const DEFAULT_SOURCE: &str = "default";

/// Parses snapshot JSON into its document form, with the path of any shape error.
///
/// # Errors
/// `snapshot.malformed` for invalid JSON or a field of the wrong shape;
/// `snapshot.unsupported_format` when `format` is not this build's.
pub fn decode(text: &str) -> Result<SnapshotDoc, SnapshotError> {
    crate::json_path::read::<SnapshotDoc>(text).map_err(|(path, error)| {
        // A newer format may well fail to parse as this one: say so, not "malformed".
        match crate::json::format_of(text) {
            Some(format) if format != FORMAT_VERSION => SnapshotError::UnsupportedFormat {
                found: format,
                expected: FORMAT_VERSION,
            },
            _ => SnapshotError::Malformed {
                path,
                message: error.to_string(),
            },
        }
    })
}

/// Checks a document and builds the validated, indexed model.
///
/// # Errors
/// The first problem found, in document order, with its path and stable code.
pub(crate) fn validate(doc: &SnapshotDoc) -> Result<Snapshot, SnapshotError> {
    if doc.format != FORMAT_VERSION {
        return Err(SnapshotError::UnsupportedFormat {
            found: doc.format,
            expected: FORMAT_VERSION,
        });
    }
    if doc.profile == ProfileName::Grants {
        return grants::validate(doc);
    }
    reject_grants_fields(doc)?;
    let builtin = CAMUNDA7_TYPES.iter().map(|ty| ResourceType {
        name: ty.name.into(),
        id: ty.id,
        permissions: ty
            .permissions
            .iter()
            .map(|&(name, bits)| (name.into(), bits))
            .collect(),
        implicit_all: true,
    });
    let catalogue = catalogue(builtin.collect(), &doc.resource_types, true)?;

    let tenants = tenants(doc)?;
    let options = Options {
        revoke_mode: doc.options.revoke_mode,
        tenant_checks: doc.options.tenant_checks,
        authorization_checks: doc.options.authorization_checks,
        admin_groups: core::iter::once(CAMUNDA_ADMIN)
            .chain(doc.options.admin_groups.iter().map(String::as_str))
            .map(Box::from)
            .collect(),
        admin_users: doc
            .options
            .admin_users
            .iter()
            .map(|user| Box::from(user.as_str()))
            .collect(),
    };

    let mut sources = Vec::new();
    if doc.sources.is_empty() {
        let parts = SourceParts {
            users: &doc.users,
            groups: &doc.groups,
            authorizations: &doc.authorizations,
            exact_index: doc.profile != ProfileName::Camunda7,
        };
        sources.push(source(
            DEFAULT_SOURCE,
            "",
            parts,
            &catalogue,
            &tenants,
            &options.admin_groups,
        )?);
    } else {
        if !(doc.users.is_empty() && doc.groups.is_empty() && doc.authorizations.is_empty()) {
            return Err(SnapshotError::SourcesConflict {
                path: "sources".into(),
            });
        }
        let mut names = Interner::default();
        for (i, doc_source) in doc.sources.iter().enumerate() {
            let path = || format!("sources[{i}].name");
            non_empty(&doc_source.name, path)?;
            if !names.insert(&doc_source.name).1 {
                return Err(SnapshotError::DuplicateId {
                    path: path(),
                    id: doc_source.name.clone(),
                });
            }
            let parts = SourceParts {
                users: &doc_source.users,
                groups: &doc_source.groups,
                authorizations: &doc_source.authorizations,
                exact_index: doc.profile != ProfileName::Camunda7,
            };
            sources.push(source(
                &doc_source.name,
                &format!("sources[{i}]."),
                parts,
                &catalogue,
                &tenants,
                &options.admin_groups,
            )?);
        }
    }

    Ok(Snapshot {
        revision: doc.revision.clone(),
        profile: doc.profile,
        options,
        catalogue,
        tenants,
        sources,
        bundles: Vec::new(),
        bundle_ids: Interner::default(),
        implications: Vec::new(),
        catalogues: Vec::new(),
    })
}

/// The tenant table, shared by every profile.
fn tenants(doc: &SnapshotDoc) -> Result<Interner, SnapshotError> {
    let mut tenants = Interner::with_capacity(doc.tenants.len());
    for (i, tenant) in doc.tenants.iter().enumerate() {
        let path = || format!("tenants[{i}].id");
        non_empty(&tenant.id, path)?;
        if !tenants.insert(&tenant.id).1 {
            return Err(SnapshotError::DuplicateId {
                path: path(),
                id: tenant.id.clone(),
            });
        }
    }
    Ok(tenants)
}

/// Under `camunda7` and `optimize`, the fields of the `grants` model are errors,
/// not silently ignored data.
fn reject_grants_fields(doc: &SnapshotDoc) -> Result<(), SnapshotError> {
    let profile = doc.profile.as_str();
    let mismatch = |path: String, what: &str| SnapshotError::ProfileMismatch {
        path,
        what: what.into(),
        profile,
    };
    let top: [(&str, bool); 8] = [
        ("catalogues", doc.catalogues.is_empty()),
        ("clients", doc.clients.is_empty()),
        ("roles", doc.roles.is_empty()),
        ("mappingRules", doc.mapping_rules.is_empty()),
        ("bundles", doc.bundles.is_empty()),
        ("bundleImplications", doc.bundle_implications.is_empty()),
        ("accessControls", doc.access_controls.is_empty()),
        ("domains", doc.domains.is_empty()),
    ];
    if let Some((field, _)) = top.iter().find(|(_, empty)| !empty) {
        return Err(mismatch((*field).into(), &format!("`{field}`")));
    }
    for (i, ty) in doc.resource_types.iter().enumerate() {
        if !ty.implies.is_empty() {
            return Err(mismatch(
                format!("resourceTypes[{i}].implies"),
                "permission implication",
            ));
        }
    }
    let sources = core::iter::once(("", &doc.users, &doc.groups, &doc.authorizations)).chain(
        doc.sources.iter().map(|source| {
            (
                "sources[].",
                &source.users,
                &source.groups,
                &source.authorizations,
            )
        }),
    );
    for (prefix, users, groups, authorizations) in sources {
        for (i, user) in users.iter().enumerate() {
            if !user.roles.is_empty() || !user.state.is_active() {
                return Err(mismatch(
                    format!("{prefix}users[{i}]"),
                    "user roles and account state",
                ));
            }
        }
        for (i, group) in groups.iter().enumerate() {
            let emporix = group.user_type.is_some()
                || group.legal_entity.is_some()
                || !group.restrictions.is_empty()
                || !group.access_controls.is_empty()
                || group.predefined.is_some();
            if !group.roles.is_empty() || emporix {
                return Err(mismatch(
                    format!("{prefix}groups[{i}]"),
                    "group roles and Emporix group fields",
                ));
            }
        }
        for (i, row) in authorizations.iter().enumerate() {
            if row.owner_type.is_some() || row.owner_id.is_some() {
                return Err(mismatch(
                    format!("{prefix}authorizations[{i}].ownerType"),
                    "`ownerType`/`ownerId`",
                ));
            }
            if row.resource_property_name.is_some() {
                return Err(mismatch(
                    format!("{prefix}authorizations[{i}].resourcePropertyName"),
                    "a PROPERTY matcher",
                ));
            }
        }
    }
    Ok(())
}

pub(crate) fn non_empty(id: &str, path: impl FnOnce() -> String) -> Result<(), SnapshotError> {
    if id.is_empty() {
        Err(SnapshotError::EmptyId { path: path() })
    } else {
        Ok(())
    }
}

/// The built-in types followed by the snapshot's own.
pub(crate) fn catalogue(
    builtin: Vec<ResourceType>,
    custom: &[ResourceTypeDoc],
    implicit_all: bool,
) -> Result<Catalogue, SnapshotError> {
    let mut catalogue = Catalogue::default();
    let declared = custom.iter().map(|ty| ResourceType {
        name: ty.name.as_str().into(),
        id: ty.id,
        permissions: ty
            .permissions
            .iter()
            .map(|(name, &bits)| (name.as_str().into(), bits))
            .collect(),
        implicit_all,
    });
    let builtin_count = builtin.len();
    for (position, ty) in builtin.into_iter().chain(declared).enumerate() {
        let path = || format!("resourceTypes[{}]", position.saturating_sub(builtin_count));
        non_empty(&ty.name, || path() + ".name")?;
        let ix = TypeIx::try_from(position).map_err(|_| SnapshotError::Malformed {
            path: path(),
            message: "too many resource types".into(),
        })?;
        if catalogue.by_name.contains_key(&ty.name) || catalogue.by_id.contains_key(&ty.id) {
            return Err(SnapshotError::DuplicateResourceType {
                path: path(),
                name: ty.name.into(),
                id: ty.id,
            });
        }
        for (name, bits) in &ty.permissions {
            if matches!(&**name, "ALL" | "NONE") {
                return Err(SnapshotError::ReservedId {
                    path: format!("{}.permissions", path()),
                    id: name.to_string(),
                });
            }
            if *bits == 0 || *bits >= ALL_BITS {
                return Err(SnapshotError::InvalidPermissionValue {
                    path: format!("{}.permissions.{name}", path()),
                    permission: name.to_string(),
                });
            }
        }
        catalogue.by_name.insert(ty.name.clone(), ix);
        catalogue.by_id.insert(ty.id, ix);
        catalogue.types.push(ty);
    }
    Ok(catalogue)
}

impl Catalogue {
    /// Finds a resource type by name or integer id.
    pub(crate) fn resolve(&self, ty: &TypeRef) -> Option<TypeIx> {
        match ty {
            TypeRef::Id(id) => self.by_id.get(id).copied(),
            TypeRef::Name(name) => self.by_name.get(name.as_str()).copied(),
        }
    }
}

struct SourceParts<'a> {
    users: &'a [UserDoc],
    groups: &'a [GroupDoc],
    authorizations: &'a [AuthorizationDoc],
    /// Whether to build the (owner, type, id) map: Optimize's hot path reads
    /// it; Camunda 7's does not (see `index`), and without it loading is faster.
    exact_index: bool,
}

fn source(
    name: &str,
    prefix: &str,
    parts: SourceParts<'_>,
    catalogue: &Catalogue,
    tenants: &Interner,
    admin_groups: &[Box<str>],
) -> Result<Source, SnapshotError> {
    let tenant_list =
        |list: &[String], path: &dyn Fn(usize) -> String| -> Result<Box<[u32]>, SnapshotError> {
            let mut ixs = Vec::with_capacity(list.len());
            for (j, tenant) in list.iter().enumerate() {
                let ix = tenants
                    .get(tenant)
                    .ok_or_else(|| SnapshotError::UnknownTenant {
                        path: path(j),
                        id: tenant.clone(),
                    })?;
                if !ixs.contains(&ix) {
                    ixs.push(ix);
                }
            }
            Ok(ixs.into())
        };

    let mut groups = Interner::with_capacity(parts.groups.len());
    let mut group_tenants = Vec::with_capacity(parts.groups.len());
    for (i, group) in parts.groups.iter().enumerate() {
        let path = || format!("{prefix}groups[{i}].id");
        non_empty(&group.id, path)?;
        if !groups.insert(&group.id).1 {
            return Err(SnapshotError::DuplicateId {
                path: path(),
                id: group.id.clone(),
            });
        }
        group_tenants.push(tenant_list(&group.tenants, &|j| {
            format!("{prefix}groups[{i}].tenants[{j}]")
        })?);
    }

    let mut users = Interner::with_capacity(parts.users.len());
    let mut user_groups = Vec::with_capacity(parts.users.len());
    let mut user_tenants = Vec::with_capacity(parts.users.len());
    for (i, user) in parts.users.iter().enumerate() {
        let path = || format!("{prefix}users[{i}].id");
        non_empty(&user.id, path)?;
        if user.id == "*" {
            return Err(SnapshotError::ReservedId {
                path: path(),
                id: user.id.clone(),
            });
        }
        if !users.insert(&user.id).1 {
            return Err(SnapshotError::DuplicateId {
                path: path(),
                id: user.id.clone(),
            });
        }
        let mut member_of = Vec::with_capacity(user.groups.len());
        for (j, group) in user.groups.iter().enumerate() {
            let ix = groups
                .get(group)
                .ok_or_else(|| SnapshotError::UnknownGroup {
                    path: format!("{prefix}users[{i}].groups[{j}]"),
                    id: group.clone(),
                })?;
            if !member_of.contains(&ix) {
                member_of.push(ix);
            }
        }
        user_groups.push(member_of.into_boxed_slice());
        user_tenants.push(tenant_list(&user.tenants, &|j| {
            format!("{prefix}users[{i}].tenants[{j}]")
        })?);
    }

    let mut resources = Interner::default();
    let (wildcard, _) = resources.insert("*");
    debug_assert_eq!(wildcard, WILDCARD);
    let mut row_ids: FxHashMap<&str, ()> =
        FxHashMap::with_capacity_and_hasher(parts.authorizations.len(), Default::default());
    let mut rows = Vec::with_capacity(parts.authorizations.len());
    for (i, auth) in parts.authorizations.iter().enumerate() {
        let at = |field: &str| format!("{prefix}authorizations[{i}].{field}");
        non_empty(&auth.id, || at("id"))?;
        if row_ids.insert(&auth.id, ()).is_some() {
            return Err(SnapshotError::DuplicateId {
                path: at("id"),
                id: auth.id.clone(),
            });
        }
        let owner = owner(auth, &users, &groups, &at)?;
        let ty = catalogue.resolve(&auth.resource_type).ok_or_else(|| {
            SnapshotError::UnknownResourceType {
                path: at("resourceType"),
                resource_type: auth.resource_type.to_string(),
            }
        })?;
        let resource_id =
            auth.resource_id
                .as_deref()
                .ok_or_else(|| SnapshotError::MissingResourceId {
                    path: at("resourceId"),
                })?;
        non_empty(resource_id, || at("resourceId"))?;
        let named = permission_mask(catalogue.ty(ty), &auth.permissions, &at)?;
        // REVOKE rows name what they take away; the engine stores what is left.
        let mask = if auth.kind == AuthorizationType::Revoke {
            ALL_BITS & !named
        } else {
            named
        };
        let (resource, _) = resources.insert(resource_id);
        rows.push(Row {
            id: auth.id.as_str().into(),
            kind: auth.kind,
            owner,
            ty,
            resource,
            mask,
        });
    }

    let index = SourceIndex::build(&rows, users.len(), groups.len(), parts.exact_index);
    let admin_groups = parts
        .groups
        .iter()
        .map(|group| admin_groups.iter().any(|admin| **admin == *group.id))
        .collect();
    Ok(Source {
        name: name.into(),
        users,
        user_groups,
        user_tenants,
        groups,
        group_tenants,
        admin_groups,
        grants: GrantsData::default(),
        resources,
        rows,
        index,
    })
}

fn owner(
    auth: &AuthorizationDoc,
    users: &Interner,
    groups: &Interner,
    at: &dyn Fn(&str) -> String,
) -> Result<Owner, SnapshotError> {
    if auth.kind == AuthorizationType::Global {
        if auth.group_id.is_some() {
            return Err(SnapshotError::GlobalWithGroup {
                path: at("groupId"),
            });
        }
        return match auth.user_id.as_deref() {
            None | Some("*") => Ok(Owner::Global),
            Some(other) => Err(SnapshotError::GlobalWithUser {
                path: at("userId"),
                id: other.to_owned(),
            }),
        };
    }
    match (auth.user_id.as_deref(), auth.group_id.as_deref()) {
        (Some(_), Some(_)) => Err(SnapshotError::BothOwners {
            path: at("groupId"),
        }),
        (None, None) => Err(SnapshotError::MissingOwner { path: at("userId") }),
        (Some("*"), None) => Ok(Owner::AnyUser),
        (Some(user), None) => {
            users
                .get(user)
                .map(Owner::User)
                .ok_or_else(|| SnapshotError::UnknownUser {
                    path: at("userId"),
                    id: user.to_owned(),
                })
        }
        (None, Some(group)) => {
            groups
                .get(group)
                .map(Owner::Group)
                .ok_or_else(|| SnapshotError::UnknownGroup {
                    path: at("groupId"),
                    id: group.to_owned(),
                })
        }
    }
}

/// The bits a row's permission names stand for, or the first unknown name.
pub(crate) fn permission_mask(
    resource_type: &ResourceType,
    permissions: &[String],
    at: &dyn Fn(&str) -> String,
) -> Result<u32, SnapshotError> {
    if permissions.is_empty() {
        return Err(SnapshotError::EmptyPermissions {
            path: at("permissions"),
        });
    }
    let mut mask = 0;
    for (j, permission) in permissions.iter().enumerate() {
        mask |= resource_type
            .bits(permission)
            .ok_or_else(|| SnapshotError::UnknownPermission {
                path: at(&format!("permissions[{j}]")),
                permission: permission.clone(),
                resource_type: resource_type.name.to_string(),
            })?;
    }
    Ok(mask)
}
