//! The indexed evaluator against the naive reference, on random small snapshots.
//!
//! Snapshots and requests are generated as small integers and then built into valid
//! documents (owners chosen among the users and groups that exist in the source),
//! so every case loads and shrinking stays meaningful. A failure prints the
//! snapshot and the request as JSON, ready to paste into a vector file.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use writ_conformance::reference;
use writ_core::Authorizer;
use writ_core::wire::{
    AuthorizationDoc, AuthorizationType, CheckDoc, GroupDoc, ListRequestDoc, OptionsDoc,
    PermissionsRequestDoc, ProfileName, RequestDoc, ResourceTypeDoc, RevokeMode, SnapshotDoc,
    SourceDoc, TenantDoc, TypeRef, UserDoc,
};

/// The position of APPLICATION in [`TYPES`].
const APPLICATION: usize = 2;
const USERS: [&str; 4] = ["u1", "u2", "u3", "u4"];
const GROUPS: [&str; 3] = ["g1", "g2", "camunda-admin"];
const TENANTS: [&str; 2] = ["t1", "t2"];
const RESOURCE_IDS: [&str; 4] = ["*", "a", "b", "optimize"];
/// Resource types with the permissions the generator uses (besides `ALL`, `NONE`).
const TYPES: [(&str, u32, &[&str]); 7] = [
    ("PROCESS_DEFINITION", 6, &["READ", "READ_HISTORY", "UPDATE"]),
    ("TASK", 7, &["READ", "UPDATE", "TASK_ASSIGN"]),
    ("APPLICATION", 0, &["ACCESS"]),
    ("USER", 1, &["READ", "UPDATE"]),
    ("TENANT", 11, &["READ", "UPDATE"]),
    ("GROUP", 2, &["READ", "DELETE"]),
    // Declared in the snapshot when used: a permission of two bits, names out of
    // alphabetical order.
    (CUSTOM, 100, &["VIEW", "EDIT", "BOTH"]),
];
const CUSTOM: &str = "CUSTOM";

/// Picks `pool[n % len]`; the pools here are never empty.
fn pick<T: Copy>(pool: &[T], n: u8, fallback: T) -> T {
    pool.get(usize::from(n) % pool.len().max(1))
        .copied()
        .unwrap_or(fallback)
}

/// The members of `pool` whose bit is set in `mask`.
fn subset(pool: &[&str], mask: u8) -> Vec<String> {
    pool.iter()
        .enumerate()
        .filter(|(i, _)| (mask >> i) & 1 == 1)
        .map(|(_, name)| (*name).to_owned())
        .collect()
}

fn type_ref((name, id, _): (&str, u32, &[&str]), by_id: bool) -> TypeRef {
    if by_id {
        TypeRef::Id(id)
    } else {
        TypeRef::from(name)
    }
}

/// A permission of the type's pool, or `ALL` / `NONE`.
fn permission((_, _, names): (&str, u32, &[&str]), n: u8) -> String {
    let position = usize::from(n) % (names.len() + 2);
    match names.get(position) {
        Some(name) => (*name).to_owned(),
        None if position == names.len() => "ALL".to_owned(),
        None => "NONE".to_owned(),
    }
}

// ---------------------------------------------------------------------------------
// Snapshots

#[derive(Debug, Clone)]
struct RawRow {
    kind: u8,
    owner: u8,
    ty: u8,
    by_id: bool,
    resource: u8,
    permissions: Vec<u8>,
}

#[derive(Debug, Clone)]
struct RawSource {
    /// Per user: group mask, tenant mask.
    users: Vec<(u8, u8)>,
    /// Per group: tenant mask.
    groups: Vec<u8>,
    rows: Vec<RawRow>,
}

#[derive(Debug, Clone)]
struct RawSnapshot {
    optimize: bool,
    /// 0: top-level (source `default`), 1: one named source, 2: two named sources.
    layout: u8,
    types: Vec<usize>,
    tenants: usize,
    revoke_mode: u8,
    tenant_checks: bool,
    authorization_checks: bool,
    admin_groups: u8,
    admin_users: u8,
    sources: [RawSource; 2],
}

fn raw_row() -> impl Strategy<Value = RawRow> {
    (
        0..3u8,
        any::<u8>(),
        any::<u8>(),
        any::<bool>(),
        prop_oneof![3 => Just(0u8), 4 => 1..4u8],
        prop::collection::vec(any::<u8>(), 1..=2),
    )
        .prop_map(|(kind, owner, ty, by_id, resource, permissions)| RawRow {
            kind,
            owner,
            ty,
            by_id,
            resource,
            permissions,
        })
}

fn raw_source() -> impl Strategy<Value = RawSource> {
    (
        prop::collection::vec((any::<u8>(), any::<u8>()), 0..=4),
        prop::collection::vec(any::<u8>(), 0..=3),
        prop::collection::vec(raw_row(), 0..=12),
    )
        .prop_map(|(users, groups, rows)| RawSource {
            users,
            groups,
            rows,
        })
}

fn raw_snapshot() -> impl Strategy<Value = RawSnapshot> {
    (
        (
            any::<bool>(),
            0..3u8,
            prop::sample::subsequence((0..TYPES.len()).collect::<Vec<_>>(), 2..=3),
            any::<bool>(),
            0..=2usize,
        ),
        (
            0..3u8,
            prop::bool::weighted(0.8),
            prop::bool::weighted(0.9),
            any::<u8>(),
            any::<u8>(),
        ),
        [raw_source(), raw_source()],
    )
        .prop_map(
            |(
                (optimize, layout, mut types, with_application, tenants),
                (revoke_mode, tenant_checks, authorization_checks, admin_groups, admin_users),
                sources,
            )| {
                // Optimize needs APPLICATION rows for anyone to log in at all.
                if with_application && !types.contains(&APPLICATION) {
                    types.push(APPLICATION);
                }
                RawSnapshot {
                    optimize,
                    layout,
                    types,
                    tenants,
                    revoke_mode,
                    tenant_checks,
                    authorization_checks,
                    admin_groups,
                    admin_users,
                    sources,
                }
            },
        )
}

impl RawSnapshot {
    fn types(&self) -> Vec<(&'static str, u32, &'static [&'static str])> {
        self.types
            .iter()
            .filter_map(|&i| TYPES.get(i).copied())
            .collect()
    }

    fn build(&self) -> SnapshotDoc {
        let tenant_names = TENANTS.get(..self.tenants).unwrap_or(&TENANTS);
        let sources: Vec<SourceDoc> = self
            .sources
            .iter()
            .take(if self.layout == 2 { 2 } else { 1 })
            .enumerate()
            .map(|(i, raw)| self.source(format!("s{}", i + 1), raw, tenant_names))
            .collect();
        let mut doc = SnapshotDoc {
            format: writ_core::wire::FORMAT_VERSION,
            profile: if self.optimize {
                ProfileName::Optimize
            } else {
                ProfileName::Camunda7
            },
            options: OptionsDoc {
                revoke_mode: match self.revoke_mode {
                    0 => RevokeMode::Auto,
                    1 => RevokeMode::Always,
                    _ => RevokeMode::Never,
                },
                tenant_checks: self.tenant_checks,
                authorization_checks: self.authorization_checks,
                admin_groups: subset(&["g1", "gx"], self.admin_groups),
                admin_users: subset(&["u1", "ux"], self.admin_users),
            },
            tenants: tenant_names
                .iter()
                .map(|id| TenantDoc {
                    id: (*id).to_owned(),
                })
                .collect(),
            ..SnapshotDoc::default()
        };
        if self.types().iter().any(|&(name, _, _)| name == CUSTOM) {
            doc.resource_types.push(ResourceTypeDoc {
                name: CUSTOM.to_owned(),
                id: 100,
                permissions: [("VIEW", 2), ("EDIT", 4), ("BOTH", 6)]
                    .into_iter()
                    .map(|(name, bits)| (name.to_owned(), bits))
                    .collect(),
            });
        }
        if self.layout == 0 {
            for source in sources {
                doc.users = source.users;
                doc.groups = source.groups;
                doc.authorizations = source.authorizations;
            }
        } else {
            doc.sources = sources;
        }
        doc
    }

    fn source(&self, name: String, raw: &RawSource, tenants: &[&str]) -> SourceDoc {
        let groups: Vec<&str> = GROUPS.iter().take(raw.groups.len()).copied().collect();
        let users: Vec<&str> = USERS.iter().take(raw.users.len()).copied().collect();
        let types = self.types();
        let authorizations = raw
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let ty = pick(&types, row.ty, TYPES[0]);
                let kind = match row.kind {
                    0 => AuthorizationType::Global,
                    1 => AuthorizationType::Grant,
                    _ => AuthorizationType::Revoke,
                };
                let (user_id, group_id) = if kind == AuthorizationType::Global {
                    ((row.owner % 2 == 0).then(|| "*".to_owned()), None)
                } else {
                    let owners = 1 + users.len() + groups.len();
                    let n = usize::from(row.owner) % owners;
                    match n.checked_sub(1) {
                        None => (Some("*".to_owned()), None),
                        Some(u) if u < users.len() => {
                            (users.get(u).map(|id| (*id).to_owned()), None)
                        }
                        Some(u) => (None, groups.get(u - users.len()).map(|g| (*g).to_owned())),
                    }
                };
                AuthorizationDoc {
                    id: format!("{name}-r{i}"),
                    kind,
                    user_id,
                    group_id,
                    resource_type: type_ref(ty, row.by_id),
                    resource_id: pick(&RESOURCE_IDS, row.resource, "*").to_owned(),
                    permissions: row.permissions.iter().map(|&n| permission(ty, n)).collect(),
                }
            })
            .collect();
        SourceDoc {
            users: users
                .iter()
                .zip(&raw.users)
                .map(|(id, &(group_mask, tenant_mask))| UserDoc {
                    id: (*id).to_owned(),
                    groups: subset(&groups, group_mask),
                    tenants: subset(tenants, tenant_mask),
                })
                .collect(),
            groups: groups
                .iter()
                .zip(&raw.groups)
                .map(|(id, &tenant_mask)| GroupDoc {
                    id: (*id).to_owned(),
                    tenants: subset(tenants, tenant_mask),
                })
                .collect(),
            authorizations,
            name,
        }
    }
}

// ---------------------------------------------------------------------------------
// Requests

#[derive(Debug, Clone)]
struct RawCheck {
    /// Mostly a type of the snapshot; sometimes another one; rarely an unknown one.
    ty: u8,
    by_id: bool,
    permission: u8,
    resource: Option<u8>,
}

#[derive(Debug, Clone)]
struct RawRequest {
    user: u8,
    groups: Option<u8>,
    tenant: Option<u8>,
    /// 0: none, 1: first, 2: second, 3: unknown.
    source: u8,
    profile: Option<bool>,
    /// 0: single, 1: anyOf, 2: allOf, 3: malformed shapes.
    shape: u8,
    checks: Vec<RawCheck>,
}

fn raw_check() -> impl Strategy<Value = RawCheck> {
    (
        prop_oneof![40 => 0..3u8, 7 => 3..10u8, 1 => Just(10u8)],
        any::<bool>(),
        prop_oneof![30 => any::<u8>(), 1 => Just(u8::MAX)],
        prop::option::weighted(0.8, 0..5u8),
    )
        .prop_map(|(ty, by_id, permission, resource)| RawCheck {
            ty,
            by_id,
            permission,
            resource,
        })
}

fn raw_request() -> impl Strategy<Value = RawRequest> {
    (
        prop_oneof![40 => 0..5u8, 1 => 5..7u8],
        prop::option::weighted(0.3, any::<u8>()),
        prop::option::weighted(0.3, 0..3u8),
        prop_oneof![6 => Just(0u8), 6 => 1..3u8, 1 => Just(3u8)],
        prop::option::weighted(0.2, any::<bool>()),
        prop_oneof![10 => Just(0u8), 4 => Just(1u8), 4 => Just(2u8), 1 => Just(3u8)],
        prop::collection::vec(raw_check(), 1..=4),
    )
        .prop_map(
            |(user, groups, tenant, source, profile, shape, checks)| RawRequest {
                user,
                groups,
                tenant,
                source,
                profile,
                shape,
                checks,
            },
        )
}

const UNKNOWN_TYPE: (&str, u32, &[&str]) = ("NOPE", 999, &["READ"]);

impl RawCheck {
    fn build(&self, snapshot: &RawSnapshot) -> CheckDoc {
        let types = snapshot.types();
        let ty = match self.ty {
            0..3 => pick(&types, self.ty, TYPES[0]),
            3..10 => pick(&TYPES, self.ty - 3, TYPES[0]),
            _ => UNKNOWN_TYPE,
        };
        let permission = if self.permission == u8::MAX {
            "FLY".to_owned()
        } else {
            permission(ty, self.permission)
        };
        let ids = ["*", "a", "b", "optimize", "zzz"];
        CheckDoc {
            permission,
            resource_type: type_ref(ty, self.by_id),
            resource_id: self.resource.map(|n| pick(&ids, n, "*").to_owned()),
        }
    }
}

impl RawRequest {
    fn build(&self, snapshot: &RawSnapshot) -> RequestDoc {
        let checks: Vec<CheckDoc> = self.checks.iter().map(|c| c.build(snapshot)).collect();
        let first = checks.first().cloned();
        let mut req = RequestDoc {
            user: match self.user {
                0..4 => USERS.get(usize::from(self.user)).map(|u| (*u).to_owned()),
                4 => Some("ghost".to_owned()),
                5 => Some("*".to_owned()),
                _ => None,
            },
            groups: self
                .groups
                .map(|mask| subset(&["g1", "g2", "camunda-admin", "gx"], mask)),
            tenant_id: self
                .tenant
                .map(|n| pick(&["t1", "t2", "tx"], n, "t1").to_owned()),
            source: match self.source {
                0 => None,
                1 => Some(
                    if snapshot.layout == 0 {
                        "default"
                    } else {
                        "s1"
                    }
                    .to_owned(),
                ),
                2 if snapshot.layout == 2 => Some("s2".to_owned()),
                2 => None,
                _ => Some("nowhere".to_owned()),
            },
            profile: self.profile.map(|optimize| {
                if optimize {
                    ProfileName::Optimize
                } else {
                    ProfileName::Camunda7
                }
            }),
            ..RequestDoc::default()
        };
        match (self.shape, first) {
            (0, Some(first)) => {
                req.permission = Some(first.permission);
                req.resource_type = Some(first.resource_type);
                req.resource_id = first.resource_id;
            }
            (1, _) => req.any_of = Some(checks),
            (2, _) => req.all_of = Some(checks),
            // Malformed: both a single check and a composite, or an empty composite.
            (_, Some(first)) if self.checks.len().is_multiple_of(2) => {
                req.permission = Some(first.permission);
                req.resource_type = Some(first.resource_type);
                req.any_of = Some(checks);
            }
            _ => req.all_of = Some(Vec::new()),
        }
        req
    }

    fn permissions(
        &self,
        req: &RequestDoc,
        snapshot: &RawSnapshot,
    ) -> Option<PermissionsRequestDoc> {
        let first = self.checks.first()?.build(snapshot);
        Some(PermissionsRequestDoc {
            user: req.user.clone(),
            groups: req.groups.clone(),
            source: req.source.clone(),
            profile: req.profile,
            resource_type: first.resource_type,
            resource_id: first.resource_id,
            tenant_id: req.tenant_id.clone(),
        })
    }

    fn list(&self, req: &RequestDoc, snapshot: &RawSnapshot) -> Option<ListRequestDoc> {
        let first = self.checks.first()?.build(snapshot);
        Some(ListRequestDoc {
            user: req.user.clone(),
            groups: req.groups.clone(),
            source: req.source.clone(),
            profile: req.profile,
            permission: first.permission,
            resource_type: first.resource_type,
        })
    }
}

// ---------------------------------------------------------------------------------
// The comparison

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|error| format!("<{error}>"))
}

fn disagree(
    what: &str,
    doc: &SnapshotDoc,
    req: &impl Serialize,
    fast: &str,
    naive: &str,
) -> TestCaseError {
    TestCaseError::fail(format!(
        "{what} disagrees\n  snapshot: {}\n  request:  {}\n  fast:      {fast}\n  reference: {naive}",
        json(doc),
        json(req),
    ))
}

/// Runs one comparison; a panic in either evaluator fails the case with its inputs.
fn compare(snapshot: &RawSnapshot, request: &RawRequest) -> Result<(), TestCaseError> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        compare_unguarded(snapshot, request)
    }));
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        Err(TestCaseError::fail(format!(
            "panicked: {message}\n  snapshot: {}\n  request:  {}",
            json(&snapshot.build()),
            json(&request.build(snapshot)),
        )))
    })
}

fn compare_unguarded(snapshot: &RawSnapshot, request: &RawRequest) -> Result<(), TestCaseError> {
    let doc = snapshot.build();
    let authorizer = Authorizer::from_doc(&doc).map_err(|error| {
        TestCaseError::fail(format!(
            "generated snapshot rejected: {error}\n  {}",
            json(&doc)
        ))
    })?;
    let req = request.build(snapshot);

    let fast = authorizer.check(&req).map_err(|e| e.code().to_owned());
    let naive = reference::check(&doc, &req);
    let naive_allowed = naive.as_ref().map(|r| r.allowed).map_err(Clone::clone);
    if fast != naive_allowed {
        return Err(disagree(
            "check",
            &doc,
            &req,
            &format!("{fast:?}"),
            &format!("{naive:?}"),
        ));
    }

    let explained = authorizer.explain(&req).map_err(|e| e.code().to_owned());
    if explained.as_ref().map(|d| d.allowed).map_err(Clone::clone) != fast {
        return Err(disagree(
            "explain vs check",
            &doc,
            &req,
            &format!("{explained:?}"),
            &format!("{fast:?}"),
        ));
    }
    if let (Ok(decision), Ok(naive)) = (&explained, &naive)
        && let Some(expected) = &naive.rows
        && !naive.tenant_denied
    {
        let mut got = decision
            .explanation
            .as_ref()
            .map(|e| e.rows.clone())
            .unwrap_or_default();
        let mut expected = expected.clone();
        got.sort();
        expected.sort();
        if got != expected {
            return Err(disagree(
                "explain rows",
                &doc,
                &req,
                &format!("{decision:?}"),
                &format!("{naive:?}"),
            ));
        }
    }

    if let Some(preq) = request.permissions(&req, snapshot) {
        let fast = authorizer
            .permissions_of(&preq)
            .map(|p| p.permissions)
            .map_err(|e| e.code().to_owned());
        let naive = reference::permissions(&doc, &preq);
        if fast != naive {
            return Err(disagree(
                "permissions",
                &doc,
                &preq,
                &format!("{fast:?}"),
                &format!("{naive:?}"),
            ));
        }
    }

    if let Some(lreq) = request.list(&req, snapshot) {
        let fast = authorizer.list_of(&lreq).map_err(|e| e.code().to_owned());
        let naive = reference::list(&doc, &lreq);
        if fast != naive {
            return Err(disagree(
                "list",
                &doc,
                &lreq,
                &format!("{fast:?}"),
                &format!("{naive:?}"),
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn indexed_evaluator_agrees_with_reference(
        snapshot in raw_snapshot(),
        request in raw_request(),
    ) {
        compare(&snapshot, &request)?;
    }
}
