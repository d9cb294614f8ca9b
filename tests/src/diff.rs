//! The diff of two snapshots against brute force: a snapshot mutated by one
//! row, one membership or one option, and every question of the diff's domain
//! decided in both (SEMANTICS.md §5), not only those the changes reach.

use std::collections::BTreeSet;

use writ_core::Authorizer;
use writ_core::diff::{self, DiffOptions, Who};
use writ_core::wire::{AuthorizationType, RequestDoc, RevokeMode, SnapshotDoc, TypeRef};

/// `doc` changed in one place chosen by `seed`: a row removed, turned into
/// its opposite, widened to every resource or narrowed to one permission; a
/// group or role added to or taken from a user or client; an option switched.
/// Whether the result still loads is the caller's to find out.
pub fn mutate(doc: &SnapshotDoc, seed: u64) -> SnapshotDoc {
    let mut doc = doc.clone();
    let pick = |n: usize, salt: u64| -> usize {
        if n == 0 {
            0
        } else {
            usize::try_from((seed >> 8).wrapping_mul(salt) % n as u64).unwrap_or(0)
        }
    };
    let group_ids: Vec<String> = doc
        .groups
        .iter()
        .chain(doc.sources.iter().flat_map(|source| &source.groups))
        .map(|group| group.id.clone())
        .collect();
    let role_ids: Vec<String> = doc.roles.iter().map(|role| role.id.clone()).collect();
    match seed % 4 {
        0 | 1 => {
            let mut rows: Vec<&mut writ_core::wire::AuthorizationDoc> = doc
                .authorizations
                .iter_mut()
                .chain(doc.sources.iter_mut().flat_map(|s| &mut s.authorizations))
                .collect();
            let n = rows.len();
            if n == 0 {
                return doc;
            }
            let target = pick(n, 7);
            let change = (seed >> 4) % 4;
            let Some(row) = rows.get_mut(target) else {
                return doc;
            };
            match change {
                0 => {
                    let id = row.id.clone();
                    doc.authorizations.retain(|row| row.id != id);
                    for source in &mut doc.sources {
                        source.authorizations.retain(|row| row.id != id);
                    }
                }
                1 => {
                    row.kind = match row.kind {
                        AuthorizationType::Grant => AuthorizationType::Revoke,
                        AuthorizationType::Revoke => AuthorizationType::Grant,
                        other => other,
                    };
                }
                2 => {
                    row.resource_id = Some("*".into());
                    row.resource_property_name = None;
                }
                _ => {
                    if row.permissions.len() > 1 {
                        row.permissions.truncate(1);
                    } else {
                        row.id.push_str("-renamed");
                    }
                }
            }
        }
        2 => {
            let salt = (seed >> 4) % 2;
            let users: Vec<&mut writ_core::wire::UserDoc> = doc
                .users
                .iter_mut()
                .chain(doc.sources.iter_mut().flat_map(|s| &mut s.users))
                .collect();
            let (n_users, n_clients) = (users.len(), doc.clients.len());
            let target = pick(n_users + n_clients, 11);
            let (groups, roles) = if let Some(user) = users.into_iter().nth(target) {
                (&mut user.groups, &mut user.roles)
            } else if let Some(client) = doc.clients.get_mut(target - n_users) {
                (&mut client.groups, &mut client.roles)
            } else {
                return doc;
            };
            let (list, pool) = if salt == 0 || role_ids.is_empty() {
                (groups, &group_ids)
            } else {
                (roles, &role_ids)
            };
            if let Some(id) = pool.get(pick(pool.len(), 13)) {
                if let Some(at) = list.iter().position(|held| held == id) {
                    list.remove(at);
                } else {
                    list.push(id.clone());
                }
            }
        }
        _ => match (seed >> 4) % 4 {
            0 => {
                doc.options.revoke_mode = match doc.options.revoke_mode {
                    RevokeMode::Auto => RevokeMode::Always,
                    RevokeMode::Always => RevokeMode::Never,
                    RevokeMode::Never => RevokeMode::Auto,
                };
            }
            1 => doc.options.tenant_checks = !doc.options.tenant_checks,
            2 => doc.options.authorization_checks = !doc.options.authorization_checks,
            _ => {
                if let Some(group) = group_ids.get(pick(group_ids.len(), 5)) {
                    let admins = &mut doc.options.admin_groups;
                    if let Some(at) = admins.iter().position(|admin| admin == group) {
                        admins.remove(at);
                    } else {
                        admins.push(group.clone());
                    }
                }
            }
        },
    }
    doc
}

/// One decision as the brute force and the diff record it.
type Decided = (
    Who,
    Option<String>,
    String,
    String,
    Option<String>,
    bool,
    bool,
);

/// `writ diff` of `before` and `after` against deciding every question of its
/// domain in both with `check`: `None` when they agree, or when `after` does
/// not load (then there is nothing to compare).
pub fn diff_disagrees(before: &SnapshotDoc, after: &SnapshotDoc) -> Option<String> {
    let old = Authorizer::from_doc(before).ok()?;
    let new = Authorizer::from_doc(after).ok()?;
    let options = DiffOptions::default();
    let found = match diff::diff(before, &old, after, &new, &options) {
        Ok(found) => found,
        Err(error) => return Some(format!("diff refused: {error}")),
    };
    let got: BTreeSet<Decided> = found
        .changes
        .iter()
        .map(|change| {
            (
                change.who.clone(),
                change.source.clone(),
                change.permission.clone(),
                change.resource_type.clone(),
                change.resource_id.clone(),
                change.before,
                change.after,
            )
        })
        .collect();
    let domain = diff::domain(&old, &new, &options);
    let mut expected: BTreeSet<Decided> = BTreeSet::new();
    for who in domain.principals() {
        for source in &domain.sources {
            for question in &domain.questions {
                let request = RequestDoc {
                    user: match &who {
                        Who::User(id) => Some(id.clone()),
                        Who::Client(_) => None,
                    },
                    client: match &who {
                        Who::Client(id) => Some(id.clone()),
                        Who::User(_) => None,
                    },
                    source: source.clone(),
                    permission: Some(question.permission.clone()),
                    resource_type: Some(TypeRef::Name(question.resource_type.clone())),
                    resource_id: Some(
                        question
                            .resource_id
                            .clone()
                            .unwrap_or_else(|| domain.other_id.clone()),
                    ),
                    ..RequestDoc::default()
                };
                let was = old.check(&request).unwrap_or(false);
                let is = new.check(&request).unwrap_or(false);
                if was != is {
                    expected.insert((
                        who.clone(),
                        source.clone(),
                        question.permission.clone(),
                        question.resource_type.clone(),
                        question.resource_id.clone(),
                        was,
                        is,
                    ));
                }
            }
        }
    }
    (got != expected).then(|| {
        format!(
            "diff found {} changes, brute force {}\n  only in diff: {:?}\n  only in brute force: {:?}\n  after: {}",
            got.len(),
            expected.len(),
            got.difference(&expected).take(5).collect::<Vec<_>>(),
            expected.difference(&got).take(5).collect::<Vec<_>>(),
            serde_json::to_string(after).unwrap_or_default(),
        )
    })
}
