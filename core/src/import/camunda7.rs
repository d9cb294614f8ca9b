//! `writ import camunda7`: Camunda 7 REST API responses → a snapshot document.
//!
//! A dump is one JSON object whose keys hold the engine's REST responses verbatim:
//!
//! | key | REST call | shape |
//! |---|---|---|
//! | `authorizations` | `GET /authorization` | `[{"id","type":0\|1\|2,"permissions":[…],"userId","groupId","resourceType":6,"resourceId"}]` |
//! | `users` | `GET /user` | `[{"id","firstName","lastName","email"}]` |
//! | `groups` | `GET /group` | `[{"id","name","type"}]` |
//! | `groupMembers` | `GET /user?memberOfGroup=ID` per group | `{"<groupId>": [{"id",…}]}` |
//! | `tenants` | `GET /tenant` | `[{"id","name"}]` |
//! | `tenantUserMembers` | `GET /user?memberOfTenant=ID` per tenant | `{"<tenantId>": [{"id",…}]}` |
//! | `tenantGroupMembers` | `GET /group?memberOfTenant=ID` per tenant | `{"<tenantId>": [{"id",…}]}` |
//! | `engine` | — | optional engine name (the source's name) |
//!
//! Fields the REST API adds beyond these (names, e-mail, `removalTime`, `links`)
//! are ignored. The REST rendering of permissions is also the snapshot's: for a
//! REVOKE row `permissions` lists the revoked names and `["ALL"]` means every bit
//! revoked; an empty list (the engine filters `NONE` out) becomes `["NONE"]`.
//! Users and groups that authorizations or memberships name but the listings lack
//! (an LDAP identity provider lists only some) are added, with a warning.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::error::ImportError;
use crate::wire::{
    AuthorizationDoc, AuthorizationType, FORMAT_VERSION, GroupDoc, OptionsDoc, ProfileName,
    RevokeMode, SnapshotDoc, SourceDoc, TenantDoc, TypeRef, UserDoc,
};

/// One engine's REST responses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dump {
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub authorizations: Vec<RestAuthorization>,
    #[serde(default)]
    pub users: Vec<RestIdentity>,
    #[serde(default)]
    pub groups: Vec<RestIdentity>,
    #[serde(default)]
    pub group_members: BTreeMap<String, Vec<RestIdentity>>,
    #[serde(default)]
    pub tenants: Vec<RestIdentity>,
    #[serde(default)]
    pub tenant_user_members: BTreeMap<String, Vec<RestIdentity>>,
    #[serde(default)]
    pub tenant_group_members: BTreeMap<String, Vec<RestIdentity>>,
}

/// An item of `GET /authorization`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestAuthorization {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: i64,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub group_id: Option<String>,
    pub resource_type: u32,
    #[serde(default)]
    pub resource_id: Option<String>,
}

/// Any REST item of which only the `id` matters (users, groups, tenants).
#[derive(Debug, Clone, Deserialize)]
pub struct RestIdentity {
    pub id: String,
}

/// Settings the REST API does not carry.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub revoke_mode: RevokeMode,
    pub tenant_checks: bool,
    pub admin_groups: Vec<String>,
    pub revision: Option<String>,
}

/// A snapshot document, and what the importer had to make up.
#[derive(Debug, Clone)]
pub struct Imported {
    pub snapshot: SnapshotDoc,
    pub warnings: Vec<String>,
}

/// Parses one dump, with the path of any shape error.
///
/// # Errors
/// `import.malformed` with the path inside the dump.
pub fn parse_dump(text: &str) -> Result<Dump, ImportError> {
    super::parse_dump(text)
}

/// Builds one snapshot from one or more dumps; several dumps become several sources.
///
/// # Errors
/// `import.unknown_authorization_type`, `import.missing_resource_id`.
pub fn import(dumps: &[Dump], options: &ImportOptions) -> Result<Imported, ImportError> {
    let mut warnings = Vec::new();
    let mut tenants = BTreeSet::new();
    for dump in dumps {
        tenants.extend(dump.tenants.iter().map(|tenant| tenant.id.clone()));
        tenants.extend(dump.tenant_user_members.keys().cloned());
        tenants.extend(dump.tenant_group_members.keys().cloned());
    }
    let mut sources = Vec::with_capacity(dumps.len());
    for (position, dump) in dumps.iter().enumerate() {
        let name = dump.engine.clone().unwrap_or_else(|| {
            if dumps.len() == 1 {
                "default".into()
            } else {
                format!("engine-{}", position + 1)
            }
        });
        sources.push(source(name, position, dump, &mut warnings)?);
    }
    let mut snapshot = SnapshotDoc {
        format: FORMAT_VERSION,
        revision: options.revision.clone(),
        profile: ProfileName::Camunda7,
        options: OptionsDoc {
            revoke_mode: options.revoke_mode,
            tenant_checks: options.tenant_checks,
            authorization_checks: true,
            admin_groups: options.admin_groups.clone(),
            admin_users: Vec::new(),
            default_roles: true,
        },
        tenants: tenants.into_iter().map(|id| TenantDoc { id }).collect(),
        ..SnapshotDoc::default()
    };
    // One unnamed engine: the plain single-source form.
    match (
        sources.pop(),
        sources.is_empty(),
        dumps.first().and_then(|dump| dump.engine.as_ref()),
    ) {
        (Some(only), true, None) => {
            snapshot.users = only.users;
            snapshot.groups = only.groups;
            snapshot.authorizations = only.authorizations;
        }
        (last, _, _) => {
            sources.extend(last);
            snapshot.sources = sources;
        }
    }
    // The engine's configured admin groups need not be listed by GET /group
    // (an identity provider's group); a snapshot lists every group it names.
    for admin in &options.admin_groups {
        let listed = snapshot
            .groups
            .iter()
            .chain(snapshot.sources.iter().flat_map(|source| &source.groups))
            .any(|group| group.id == *admin);
        if listed || admin.is_empty() {
            continue;
        }
        warnings.push(format!(
            "admin group `{admin}` is not listed by GET /group; added"
        ));
        let group = GroupDoc {
            id: admin.clone(),
            ..GroupDoc::default()
        };
        if snapshot.sources.is_empty() {
            snapshot.groups.push(group);
        } else {
            for source in &mut snapshot.sources {
                source.groups.push(group.clone());
            }
        }
    }
    Ok(Imported { snapshot, warnings })
}

fn source(
    name: String,
    position: usize,
    dump: &Dump,
    warnings: &mut Vec<String>,
) -> Result<SourceDoc, ImportError> {
    // BTreeMaps keep the output stable whatever order the engine listed things in.
    let mut users: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut order_users: Vec<String> = Vec::new();
    let mut order_groups: Vec<String> = Vec::new();
    for user in &dump.users {
        if users.insert(user.id.clone(), Default::default()).is_none() {
            order_users.push(user.id.clone());
        }
    }
    for group in &dump.groups {
        if groups.insert(group.id.clone(), BTreeSet::new()).is_none() {
            order_groups.push(group.id.clone());
        }
    }
    let mut add_user =
        |id: &str, why: &str, users: &mut BTreeMap<_, _>, order: &mut Vec<String>| {
            if !users.contains_key(id) {
                warnings.push(format!(
                    "engine `{name}`: user `{id}` is not listed by GET /user but {why}; added"
                ));
                users.insert(id.to_owned(), (BTreeSet::new(), BTreeSet::new()));
                order.push(id.to_owned());
            }
        };
    let mut missing_groups = Vec::new();
    for (group, members) in &dump.group_members {
        if !groups.contains_key(group) {
            missing_groups.push((group.clone(), "it has members"));
            groups.insert(group.clone(), BTreeSet::new());
            order_groups.push(group.clone());
        }
        for member in members {
            add_user(
                &member.id,
                &format!("is a member of group `{group}`"),
                &mut users,
                &mut order_users,
            );
            if let Some((member_of, _)) = users.get_mut(&member.id) {
                member_of.insert(group.clone());
            }
        }
    }
    for (tenant, members) in &dump.tenant_user_members {
        for member in members {
            add_user(
                &member.id,
                &format!("is a member of tenant `{tenant}`"),
                &mut users,
                &mut order_users,
            );
            if let Some((_, tenants)) = users.get_mut(&member.id) {
                tenants.insert(tenant.clone());
            }
        }
    }
    for (tenant, members) in &dump.tenant_group_members {
        for member in members {
            if !groups.contains_key(&member.id) {
                missing_groups.push((member.id.clone(), "it is a member of a tenant"));
                order_groups.push(member.id.clone());
            }
            groups
                .entry(member.id.clone())
                .or_default()
                .insert(tenant.clone());
        }
    }

    let mut authorizations = Vec::with_capacity(dump.authorizations.len());
    for (i, rest) in dump.authorizations.iter().enumerate() {
        let path = |field: &str| format!("dump {}: authorizations[{i}].{field}", position + 1);
        let kind = match rest.kind {
            0 => AuthorizationType::Global,
            1 => AuthorizationType::Grant,
            2 => AuthorizationType::Revoke,
            other => {
                return Err(ImportError::UnknownAuthorizationType {
                    path: path("type"),
                    found: other,
                });
            }
        };
        let resource_id =
            rest.resource_id
                .clone()
                .ok_or_else(|| ImportError::MissingResourceId {
                    path: path("resourceId"),
                })?;
        if kind != AuthorizationType::Global {
            match (&rest.user_id, &rest.group_id) {
                (Some(user), None) if user != "*" => {
                    add_user(
                        user,
                        &format!("authorization `{}` names it", rest.id),
                        &mut users,
                        &mut order_users,
                    );
                }
                (None, Some(group)) if !groups.contains_key(group) => {
                    missing_groups.push((group.clone(), "an authorization names it"));
                    groups.insert(group.clone(), BTreeSet::new());
                    order_groups.push(group.clone());
                }
                _ => {}
            }
        }
        let permissions = if rest.permissions.is_empty() {
            vec!["NONE".to_owned()]
        } else {
            rest.permissions.clone()
        };
        authorizations.push(AuthorizationDoc {
            id: rest.id.clone(),
            kind,
            // GLOBAL rows come back with `userId: "*"`; the snapshot writes them without.
            user_id: if kind == AuthorizationType::Global {
                None
            } else {
                rest.user_id.clone()
            },
            group_id: rest.group_id.clone(),
            resource_type: TypeRef::Id(rest.resource_type),
            owner_type: None,
            owner_id: None,
            resource_id: Some(resource_id),
            resource_property_name: None,
            permissions,
        });
    }
    for (group, why) in missing_groups {
        warnings.push(format!(
            "engine `{name}`: group `{group}` is not listed by GET /group but {why}; added"
        ));
    }

    let users = order_users
        .into_iter()
        .map(|id| {
            let (member_of, tenants) = users.remove(&id).unwrap_or_default();
            UserDoc {
                id,
                groups: member_of.into_iter().collect(),
                tenants: tenants.into_iter().collect(),
                ..UserDoc::default()
            }
        })
        .collect();
    let groups = order_groups
        .into_iter()
        .map(|id| {
            let tenants = groups.remove(&id).unwrap_or_default();
            GroupDoc {
                id,
                tenants: tenants.into_iter().collect(),
                ..GroupDoc::default()
            }
        })
        .collect();
    Ok(SourceDoc {
        name,
        users,
        groups,
        authorizations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Authorizer;

    const DUMP: &str = r#"{
      "authorizations": [
        {"id": "g1", "type": 0, "permissions": ["READ"], "userId": "*", "groupId": null, "resourceType": 6, "resourceId": "*", "removalTime": null},
        {"id": "u1", "type": 1, "permissions": ["ALL"], "userId": "kermit", "groupId": null, "resourceType": 6, "resourceId": "invoice"},
        {"id": "r1", "type": 2, "permissions": ["READ"], "userId": null, "groupId": "sales", "resourceType": 6, "resourceId": "invoice"},
        {"id": "r2", "type": 2, "permissions": [], "userId": "ldap-only", "groupId": null, "resourceType": 0, "resourceId": "cockpit"}
      ],
      "users": [{"id": "kermit", "firstName": "Kermit", "lastName": "The Frog", "email": "kermit@example.org"}],
      "groups": [{"id": "sales", "name": "Sales", "type": "WORKFLOW"}],
      "groupMembers": {"sales": [{"id": "kermit", "firstName": "Kermit"}]},
      "tenants": [{"id": "t1", "name": "Tenant One"}],
      "tenantUserMembers": {"t1": [{"id": "kermit"}]},
      "tenantGroupMembers": {"t1": [{"id": "sales", "name": "Sales"}]}
    }"#;

    #[test]
    fn imports_rest_shapes_into_a_loadable_snapshot() -> Result<(), Box<dyn std::error::Error>> {
        let imported = import(
            &[parse_dump(DUMP)?],
            &ImportOptions {
                tenant_checks: true,
                ..ImportOptions::default()
            },
        )?;
        assert_eq!(imported.warnings.len(), 1, "{:?}", imported.warnings);
        assert!(imported.warnings[0].contains("ldap-only"));
        let snapshot = &imported.snapshot;
        assert!(snapshot.sources.is_empty());
        assert_eq!(
            snapshot.users[0],
            UserDoc {
                id: "kermit".into(),
                groups: vec!["sales".into()],
                tenants: vec!["t1".into()],
                ..UserDoc::default()
            }
        );
        assert_eq!(snapshot.groups[0].tenants, ["t1"]);
        assert_eq!(snapshot.authorizations[0].user_id, None);
        assert_eq!(snapshot.authorizations[3].permissions, ["NONE"]);
        let authorizer = Authorizer::from_doc(snapshot)?;
        let request = serde_json::from_str(
            r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#,
        )?;
        assert!(authorizer.check(&request)?);
        Ok(())
    }

    #[test]
    fn several_dumps_become_named_sources() -> Result<(), Box<dyn std::error::Error>> {
        let mut second = parse_dump(DUMP)?;
        second.engine = Some("secondary".into());
        let imported = import(&[parse_dump(DUMP)?, second], &ImportOptions::default())?;
        let names: Vec<&str> = imported
            .snapshot
            .sources
            .iter()
            .map(|source| source.name.as_str())
            .collect();
        assert_eq!(names, ["engine-1", "secondary"]);
        Authorizer::from_doc(&imported.snapshot)?;
        Ok(())
    }

    #[test]
    fn rejects_unknown_authorization_types_with_a_code() -> Result<(), Box<dyn std::error::Error>> {
        let dump = parse_dump(
            r#"{"authorizations":[{"id":"x","type":7,"permissions":["READ"],"userId":"a","resourceType":6,"resourceId":"*"}]}"#,
        )?;
        let error = import(&[dump], &ImportOptions::default()).err();
        assert_eq!(
            error.map(|error| error.code()),
            Some("import.unknown_authorization_type")
        );
        let malformed = parse_dump(r#"{"authorizations":[{"id":"x","type":"GRANT"}]}"#).err();
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
            Some("authorizations[0].type")
        );
        Ok(())
    }
}
