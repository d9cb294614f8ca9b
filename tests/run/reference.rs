//! The indexed evaluator against the naive reference, on random small snapshots.
//!
//! Snapshots and requests are generated as small integers and then built into valid
//! documents (owners chosen among the users and groups that exist in the source),
//! so every case loads and shrinking stays meaningful. A failure prints the
//! snapshot and the request as JSON, ready to paste into a vector file.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use writ_conformance::{reference, vector};
use writ_core::Authorizer;
use writ_core::wire::{
    AuthorizationDoc, AuthorizationType, CheckDoc, GroupDoc, ListRequestDoc, OptionsDoc,
    PermissionsRequestDoc, ProfileName, RequestDoc, ResourceTypeDoc, RevokeMode, SnapshotDoc,
    SortedMap, SourceDoc, TenantDoc, TypeRef, UserDoc,
};

/// Cases for the `camunda7` / `optimize` property and for the [`grants`] one:
/// 10,000 each in every test run (together about 20 s in a debug build);
/// `WRIT_LONG_PROPERTY=N` runs N each instead (the long mode, e.g. 1,000,000).
fn cases() -> u32 {
    std::env::var("WRIT_LONG_PROPERTY")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(10_000)
}

/// Every how many cases one also runs through the guest (writ.wasm in
/// wasmtime): 1,000 of the 10,000 per family.
const GUEST_EVERY: usize = 10;

/// The same snapshot and request through the guest must answer as natively:
/// the check, and the explanation byte for byte. On a sample of the cases.
fn guest_agrees(
    doc: &SnapshotDoc,
    req: &RequestDoc,
    authorizer: &Authorizer,
) -> Result<(), TestCaseError> {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CASES: AtomicUsize = AtomicUsize::new(0);
    static HOST: OnceLock<writ_host::Host> = OnceLock::new();
    if !CASES
        .fetch_add(1, Ordering::Relaxed)
        .is_multiple_of(GUEST_EVERY)
    {
        return Ok(());
    }
    #[expect(clippy::panic, reason = "without its host the test cannot run")]
    let host = HOST.get_or_init(|| {
        let cache = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("guest-cache");
        writ_host::Host::new(writ_host::HostConfig {
            cache_dir: Some(cache),
            instances: 1,
            ..writ_host::HostConfig::default()
        })
        .unwrap_or_else(|error| panic!("the host starts: {error}"))
    });
    let text = json(doc);
    let guest = host
        .load(text.as_bytes(), &writ_core::LoadOptions::default())
        .map_err(|error| {
            TestCaseError::fail(format!(
                "the guest refused a snapshot the core loads: {error}\n  {text}"
            ))
        })?;
    let request = json(req);
    let native = authorizer
        .explain(req)
        .map(|decision| writ_core::wire::Encode::to_json(&decision))
        .map_err(|error| (error.code().to_owned(), error.to_string()));
    let wasm = guest
        .explain(&request)
        .map_err(|error| (error.code().to_owned(), error.message().to_owned()));
    if native != wasm {
        return Err(disagree(
            "guest explain",
            doc,
            req,
            &format!("{wasm:?}"),
            &format!("{native:?}"),
        ));
    }
    let typed = guest.check(req).map_err(|error| error.code().to_owned());
    let checked = authorizer
        .check(req)
        .map_err(|error| error.code().to_owned());
    if typed != checked {
        return Err(disagree(
            "guest check",
            doc,
            req,
            &format!("{typed:?}"),
            &format!("{checked:?}"),
        ));
    }
    Ok(())
}

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
    managed: RawManaged,
}

/// What Optimize manages (`optimize` only): members are picked from
/// [`MEMBERS`] and kept when the snapshot lists them.
#[derive(Debug, Clone)]
struct RawManaged {
    /// Per collection (`a`, `b`): (member, role) pairs.
    collections: Vec<Vec<(u8, u8)>>,
    /// Per report (`a`, `b`, `zzz`): (0, 1: in that collection, else private;
    /// owner; a mask of [`DEFINITIONS`]).
    reports: Vec<(u8, u8, u8)>,
    /// A mask of [`MEMBERS`]: who manages event-based processes.
    managers: u8,
    /// Per event process (`a`, `b`): its access list, a mask of [`MEMBERS`].
    processes: Vec<u8>,
}

const MEMBERS: [(bool, &str); 5] = [
    (true, "u1"),
    (true, "u2"),
    (true, "u3"),
    (false, "g1"),
    (false, "g2"),
];
const DEFINITIONS: [(writ_core::wire::DefinitionKind, &str); 3] = [
    (writ_core::wire::DefinitionKind::Process, "a"),
    (writ_core::wire::DefinitionKind::Process, "b"),
    (writ_core::wire::DefinitionKind::Decision, "a"),
];
/// Managed types a request may ask about, with their pools.
const MANAGED_TYPES: [(&str, u32, &[&str]); 3] = [
    (
        "COLLECTION",
        1000,
        &[
            "COLLECTION_VIEW",
            "COLLECTION_EDIT_CONTENT",
            "COLLECTION_MANAGE",
        ],
    ),
    ("REPORT", 15, &["REPORT_VIEW", "REPORT_EDIT"]),
    (
        "EVENT_PROCESS",
        1001,
        &["EVENT_PROCESS_READ", "EVENT_PROCESS_MANAGE"],
    ),
];

fn raw_managed() -> impl Strategy<Value = RawManaged> {
    (
        prop::collection::vec(prop::collection::vec((any::<u8>(), 0..3u8), 0..=3), 0..=2),
        prop::collection::vec((0..3u8, any::<u8>(), any::<u8>()), 0..=3),
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 0..=2),
    )
        .prop_map(|(collections, reports, managers, processes)| RawManaged {
            collections,
            reports,
            managers,
            processes,
        })
}

impl RawManaged {
    /// The `optimize` part, with only members `listed` (users, groups) has.
    fn build(&self, users: &[String], groups: &[String]) -> writ_core::wire::OptimizeDoc {
        use writ_core::wire::{
            AccessDoc, CollectionDoc, CollectionRole, DefinitionRefDoc, EventBasedProcessDoc,
            EventProcessDoc, MemberDoc, OptimizeDoc, ReportDoc,
        };
        let listed = |&(user, id): &(bool, &str)| {
            if user {
                users.iter().any(|listed| listed == id)
            } else {
                groups.iter().any(|listed| listed == id)
            }
        };
        let entry = |(user, id): (bool, &str)| AccessDoc {
            user_id: user.then(|| id.to_owned()),
            group_id: (!user).then(|| id.to_owned()),
        };
        let masked = |mask: u8| -> Vec<AccessDoc> {
            MEMBERS
                .iter()
                .enumerate()
                .filter(|(i, member)| (mask >> i) & 1 == 1 && listed(member))
                .map(|(_, &member)| entry(member))
                .collect()
        };
        let mut collections: Vec<CollectionDoc> = Vec::new();
        for (members, id) in self.collections.iter().zip(["a", "b"]) {
            let mut members: Vec<MemberDoc> = members
                .iter()
                .map(|&(n, role)| (pick(&MEMBERS, n, MEMBERS[0]), role))
                .filter(|(member, _)| listed(member))
                .map(|(member, role)| {
                    let AccessDoc { user_id, group_id } = entry(member);
                    MemberDoc {
                        user_id,
                        group_id,
                        role: match role {
                            0 => CollectionRole::Viewer,
                            1 => CollectionRole::Editor,
                            _ => CollectionRole::Manager,
                        },
                    }
                })
                .collect();
            // A collection always keeps a manager.
            if !members.iter().any(|m| m.role == CollectionRole::Manager) {
                let Some(first) = members.first_mut() else {
                    continue;
                };
                first.role = CollectionRole::Manager;
            }
            collections.push(CollectionDoc {
                id: id.to_owned(),
                members,
                reports: Vec::new(),
            });
        }
        let mut private = Vec::new();
        for (&(place, owner, definitions), id) in self.reports.iter().zip(["a", "b", "zzz"]) {
            let owner_id = pick(&USERS, owner, "u1");
            let report = ReportDoc {
                id: id.to_owned(),
                owner: users
                    .iter()
                    .any(|user| user == owner_id)
                    .then(|| owner_id.to_owned()),
                definitions: DEFINITIONS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| (definitions >> i) & 1 == 1)
                    .map(|(_, &(kind, key))| DefinitionRefDoc {
                        kind,
                        key: key.to_owned(),
                    })
                    .collect(),
            };
            match collections.get_mut(usize::from(place)) {
                Some(collection) => collection.reports.push(report),
                None if report.owner.is_some() => private.push(report),
                None => {}
            }
        }
        let managers = masked(self.managers);
        OptimizeDoc {
            collections,
            reports: private,
            event_based_process: EventBasedProcessDoc {
                authorized_user_ids: managers.iter().filter_map(|m| m.user_id.clone()).collect(),
                authorized_group_ids: managers.iter().filter_map(|m| m.group_id.clone()).collect(),
            },
            event_processes: self
                .processes
                .iter()
                .zip(["a", "b"])
                .map(|(&mask, id)| EventProcessDoc {
                    id: id.to_owned(),
                    access: masked(mask),
                })
                .collect(),
        }
    }
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
        raw_managed(),
    )
        .prop_map(
            |(
                (optimize, layout, mut types, with_application, tenants),
                (revoke_mode, tenant_checks, authorization_checks, admin_groups, admin_users),
                sources,
                managed,
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
                    managed,
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
                admin_groups: subset(&["g1", "camunda-admin"], self.admin_groups),
                admin_users: subset(&["u1", "ux"], self.admin_users),
                ..OptionsDoc::default()
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
                implies: SortedMap::new(),
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
        // Admin groups must be listed (`snapshot.unknown_group` otherwise).
        let listed: Vec<String> = doc
            .groups
            .iter()
            .chain(doc.sources.iter().flat_map(|source| &source.groups))
            .map(|group| group.id.clone())
            .collect();
        doc.options
            .admin_groups
            .retain(|group| listed.contains(group));
        if self.optimize {
            let users: Vec<String> = doc
                .users
                .iter()
                .chain(doc.sources.iter().flat_map(|source| &source.users))
                .map(|user| user.id.clone())
                .collect();
            doc.optimize = Some(self.managed.build(&users, &listed));
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
                    owner_type: None,
                    owner_id: None,
                    resource_id: Some(pick(&RESOURCE_IDS, row.resource, "*").to_owned()),
                    resource_property_name: None,
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
                    ..UserDoc::default()
                })
                .collect(),
            groups: groups
                .iter()
                .zip(&raw.groups)
                .map(|(id, &tenant_mask)| GroupDoc {
                    id: (*id).to_owned(),
                    tenants: subset(tenants, tenant_mask),
                    ..GroupDoc::default()
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
        prop_oneof![40 => 0..3u8, 7 => 3..10u8, 1 => Just(10u8), 6 => 11..14u8],
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
            10 => UNKNOWN_TYPE,
            _ => pick(&MANAGED_TYPES, self.ty - 11, MANAGED_TYPES[0]),
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
            client: None,
            claims: None,
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
            client: None,
            claims: None,
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
fn compare(
    snapshot: &RawSnapshot,
    request: &RawRequest,
    mutation: u64,
) -> Result<(), TestCaseError> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        compare_unguarded(snapshot, request, mutation)?;
        diff_agrees(&snapshot.build(), mutation)
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

/// The snapshot loaded from its document, or, when `compiled`, also compiled
/// (`writ compile`) and loaded back: half the cases decide everything with the
/// compiled form, against the same reference. Compiling what was loaded back
/// gives the same bytes, so nothing is lost on the way.
fn loaded(doc: &SnapshotDoc, compiled: bool) -> Result<Authorizer, TestCaseError> {
    let authorizer = Authorizer::from_doc(doc).map_err(|error| {
        TestCaseError::fail(format!(
            "generated snapshot rejected: {} {error}\n  {}",
            error.code(),
            json(doc)
        ))
    })?;
    if !compiled {
        return Ok(authorizer);
    }
    let bytes = authorizer.compile();
    let back =
        Authorizer::from_compiled(&bytes, &writ_core::LoadOptions::default()).map_err(|error| {
            TestCaseError::fail(format!(
                "compiled snapshot rejected: {} {error}\n  {}",
                error.code(),
                json(doc)
            ))
        })?;
    if back.compile() != bytes {
        return Err(TestCaseError::fail(format!(
            "compiling the compiled snapshot again gives other bytes\n  {}",
            json(doc)
        )));
    }
    Ok(back)
}

fn compare_unguarded(
    snapshot: &RawSnapshot,
    request: &RawRequest,
    mutation: u64,
) -> Result<(), TestCaseError> {
    let doc = snapshot.build();
    let authorizer = loaded(&doc, (mutation >> 40) & 1 == 1)?;
    let req = request.build(snapshot);
    guest_agrees(&doc, &req, &authorizer)?;

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

    if let Ok(checked) = fast
        && let Some(problem) = vector::principal_paths_disagree(&authorizer, &req, checked)
    {
        return Err(disagree("handle", &doc, &req, &problem, ""));
    }

    if let Some(preq) = request.permissions(&req, snapshot) {
        let fast = authorizer
            .permissions_of(&preq)
            .map(|p| p.permissions)
            .map_err(|e| e.code().to_owned());
        if let Ok(listed) = &fast
            && let Some(problem) = vector::handle_permissions_disagree(&authorizer, &preq, listed)
        {
            return Err(disagree("handle permissions", &doc, &preq, &problem, ""));
        }
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
    // Who can do it: the inverted walk against checking every listed principal.
    let question = vector::without_principal(req.clone());
    if let Some(problem) = vector::who_can_disagrees(&authorizer, &doc, &question) {
        return Err(disagree("who-can", &doc, &question, &problem, ""));
    }
    Ok(())
}

/// `writ diff` of the snapshot and one mutation of it against deciding
/// everything in both (on every `DIFF_EVERY`th case: it decides every
/// principal's every question twice).
fn diff_agrees(doc: &SnapshotDoc, mutation: u64) -> Result<(), TestCaseError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static CASES: AtomicUsize = AtomicUsize::new(0);
    if !CASES
        .fetch_add(1, Ordering::Relaxed)
        .is_multiple_of(DIFF_EVERY)
    {
        return Ok(());
    }
    let after = writ_conformance::diff::mutate(doc, mutation);
    match writ_conformance::diff::diff_disagrees(doc, &after) {
        None => Ok(()),
        Some(problem) => Err(TestCaseError::fail(format!(
            "diff disagrees: {problem}\n  before: {}",
            json(doc)
        ))),
    }
}

/// Every how many cases the diff is checked against brute force.
const DIFF_EVERY: usize = 4;

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn indexed_evaluator_agrees_with_reference(
        snapshot in raw_snapshot(),
        request in raw_request(),
        mutation in any::<u64>(),
    ) {
        compare(&snapshot, &request, mutation)?;
    }
}

// ---------------------------------------------------------------------------------
// Profile `grants`

mod grants {

    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;
    use serde_json::{Map, Value, json};
    use writ_conformance::reference;
    use writ_core::wire::{
        AccessControlDoc, AccountState, AuthorizationDoc, AuthorizationType, BundleDoc,
        BundleImplicationDoc, CheckDoc, ClaimOperator, ClientDoc, DomainDoc, DomainLevel, GroupDoc,
        ListRequestDoc, MappingRuleDoc, OptionsDoc, OwnerType, PermissionsRequestDoc, ProfileName,
        RequestDoc, ResourceTypeDoc, RoleDoc, SnapshotDoc, SortedMap, TenantDoc, TypeRef, UserDoc,
        UserType,
    };

    use super::{disagree, json as to_json, pick, subset};

    const USERS: [&str; 3] = ["u1", "u2", "u3"];
    const CLIENTS: [&str; 2] = ["c1", "c2"];
    const GROUPS: [&str; 3] = ["g1", "g2", "g3"];
    /// Roles the generator may declare; `connectors` then replaces the default one.
    const DECLARABLE: [&str; 3] = ["r1", "r2", "connectors"];
    const DEFAULT_ROLES: [&str; 6] = [
        "admin",
        "readonly-admin",
        "connectors",
        "rpa",
        "app-integrations",
        "task-worker",
    ];
    const TENANTS: [&str; 2] = ["t1", "t2"];
    const RULES: [&str; 3] = ["m1", "m2", "m3"];
    const CLAIM_NAMES: [&str; 6] = [
        "groups",
        "$.groups",
        "$.org.dept",
        "$['groups'][0]",
        "level",
        "$.groups[*]",
    ];
    const CLAIM_VALUES: [&str; 4] = ["ops", "dev", "Ops", "3"];
    const ACS: [&str; 3] = ["ac1", "ac2", "ac3"];
    const SCOPES: [&str; 5] = [
        "s.a_read",
        "s.a_manage",
        "s.b_manage",
        "s.c_read",
        "s.x_read",
    ];
    const BUNDLES: [&str; 7] = [
        "b1",
        "b2",
        "b3",
        "D Viewer",
        "D Manager",
        "D Administrator",
        "nope",
    ];
    const INVOICE: &str = "INVOICE";
    const INVOICE_ID: u32 = 100;

    /// The types grants and checks use, with a few of their permissions.
    const TYPES: [(&str, &[&str]); 7] = [
        (
            "PROCESS_DEFINITION",
            &[
                "READ_PROCESS_DEFINITION",
                "UPDATE_PROCESS_INSTANCE",
                "READ_USER_TASK",
                "CREATE_PROCESS_INSTANCE",
                "COMPLETE_USER_TASK",
            ],
        ),
        ("USER_TASK", &["READ", "UPDATE", "CLAIM", "COMPLETE"]),
        (
            "BATCH",
            &[
                "CREATE",
                "READ",
                "CREATE_BATCH_OPERATION_CANCEL_PROCESS_INSTANCE",
            ],
        ),
        ("DOCUMENT", &["CREATE", "READ", "DELETE"]),
        (INVOICE, &["VIEW", "EDIT", "APPROVE", "ADMIN"]),
        // Only with the emporix catalogue.
        ("ACCESS_CONTROL", &["HOLD"]),
        ("SCOPE", &["HOLD"]),
    ];
    const CAMUNDA8_TYPES: usize = 5;

    fn ids_of(ty: &str) -> &'static [&'static str] {
        match ty {
            "ACCESS_CONTROL" => &["ac1", "ac2", "ac3"],
            "SCOPE" => &["s.a_read", "s.b_manage--DE", "s.c_read"],
            _ => &["a", "b"],
        }
    }

    fn name_pick(pool: &[&str], n: u8) -> String {
        pick(pool, n, "").to_owned()
    }

    // -----------------------------------------------------------------------------
    // Snapshots

    #[derive(Debug, Clone)]
    struct RawGrant {
        owner_kind: u8,
        owner: u8,
        shorthand: bool,
        ty: u8,
        /// 0: ANY, 1: ID, 2: PROPERTY (USER_TASK only; ID elsewhere).
        matcher: u8,
        resource: u8,
        permissions: Vec<u8>,
    }

    #[derive(Debug, Clone)]
    struct RawRule {
        claim: u8,
        value: u8,
        operator: u8,
        groups: u8,
        roles: u8,
        tenants: u8,
    }

    #[derive(Debug, Clone)]
    struct RawSnapshot {
        default_roles: bool,
        emporix: bool,
        bundles: bool,
        implications: u8,
        tenant_checks: bool,
        authorization_checks: bool,
        declared: u8,
        role_tenants: [u8; 3],
        /// Per user: groups, roles, tenants, state.
        users: Vec<(u8, u8, u8, u8)>,
        /// Per client: groups, roles, tenants.
        clients: Vec<(u8, u8, u8)>,
        /// Per group: roles, tenants, access controls, restrictions.
        groups: Vec<(u8, u8, u8, u8)>,
        rules: Vec<RawRule>,
        grants: Vec<RawGrant>,
    }

    fn raw_grant() -> impl Strategy<Value = RawGrant> {
        (
            0..5u8,
            any::<u8>(),
            any::<bool>(),
            any::<u8>(),
            prop_oneof![3 => Just(0u8), 4 => Just(1u8), 2 => Just(2u8)],
            any::<u8>(),
            prop::collection::vec(any::<u8>(), 1..=3),
        )
            .prop_map(
                |(owner_kind, owner, shorthand, ty, matcher, resource, permissions)| RawGrant {
                    owner_kind,
                    owner,
                    shorthand,
                    ty,
                    matcher,
                    resource,
                    permissions,
                },
            )
    }

    fn raw_rule() -> impl Strategy<Value = RawRule> {
        (
            any::<u8>(),
            any::<u8>(),
            0..3u8,
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
        )
            .prop_map(|(claim, value, operator, groups, roles, tenants)| RawRule {
                claim,
                value,
                operator,
                groups,
                roles,
                tenants,
            })
    }

    fn raw_snapshot() -> impl Strategy<Value = RawSnapshot> {
        (
            (
                (prop::bool::weighted(0.5), prop::bool::weighted(0.9)),
                prop::bool::weighted(0.7),
                any::<u8>(),
                prop::bool::weighted(0.8),
                prop::bool::weighted(0.85),
                any::<u8>(),
                any::<[u8; 3]>(),
            ),
            (
                prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()), 1..=3),
                prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 0..=2),
                prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()), 0..=3),
                prop::collection::vec(raw_rule(), 0..=3),
                prop::collection::vec(raw_grant(), 1..=12),
            ),
        )
            .prop_map(
                |(
                    (
                        (emporix, default_roles),
                        bundles,
                        implications,
                        tenant_checks,
                        authorization_checks,
                        declared,
                        role_tenants,
                    ),
                    (users, clients, groups, rules, grants),
                )| RawSnapshot {
                    default_roles,
                    emporix,
                    bundles,
                    implications,
                    tenant_checks,
                    authorization_checks,
                    declared,
                    role_tenants,
                    users,
                    clients,
                    groups,
                    rules,
                    grants,
                },
            )
    }

    fn check(permission: &str, ty: &str, id: Option<&str>) -> CheckDoc {
        CheckDoc {
            permission: permission.to_owned(),
            resource_type: TypeRef::from(ty),
            resource_id: id.map(str::to_owned),
        }
    }

    impl RawSnapshot {
        fn types(&self) -> &'static [(&'static str, &'static [&'static str])] {
            let all: &'static [(&str, &[&str])] = &TYPES;
            if self.emporix {
                all
            } else {
                all.get(..CAMUNDA8_TYPES).unwrap_or(all)
            }
        }

        fn declared(&self) -> Vec<&'static str> {
            DECLARABLE
                .iter()
                .enumerate()
                .filter(|(i, _)| (self.declared >> i) & 1 == 1)
                .map(|(_, role)| *role)
                .collect()
        }

        /// Every role a membership may name: the declared ones and the defaults.
        fn role_pool(&self) -> Vec<&'static str> {
            let mut pool = self.declared();
            if !self.default_roles {
                return pool;
            }
            for role in DEFAULT_ROLES {
                if !pool.contains(&role) {
                    pool.push(role);
                }
            }
            pool
        }

        fn group_ids(&self) -> Vec<&'static str> {
            GROUPS.iter().take(self.groups.len()).copied().collect()
        }

        fn build(&self) -> SnapshotDoc {
            let groups = self.group_ids();
            let users: Vec<&str> = USERS.iter().take(self.users.len()).copied().collect();
            let clients: Vec<&str> = CLIENTS.iter().take(self.clients.len()).copied().collect();
            let rules: Vec<&str> = RULES.iter().take(self.rules.len()).copied().collect();
            let roles = self.role_pool();
            let declared = self.declared();

            let mut doc = SnapshotDoc {
                format: writ_core::wire::FORMAT_VERSION,
                profile: ProfileName::Grants,
                options: OptionsDoc {
                    tenant_checks: self.tenant_checks,
                    authorization_checks: self.authorization_checks,
                    default_roles: self.default_roles,
                    ..OptionsDoc::default()
                },
                tenants: TENANTS
                    .iter()
                    .map(|id| TenantDoc {
                        id: (*id).to_owned(),
                    })
                    .collect(),
                resource_types: vec![ResourceTypeDoc {
                    name: INVOICE.to_owned(),
                    id: INVOICE_ID,
                    permissions: [("ADMIN", 1), ("APPROVE", 2), ("EDIT", 4), ("VIEW", 8)]
                        .into_iter()
                        .map(|(name, bits)| (name.to_owned(), bits))
                        .collect(),
                    implies: [("ADMIN", vec!["EDIT", "APPROVE"]), ("EDIT", vec!["VIEW"])]
                        .into_iter()
                        .map(|(name, implied)| {
                            (
                                name.to_owned(),
                                implied.into_iter().map(str::to_owned).collect(),
                            )
                        })
                        .collect(),
                }],
                ..SnapshotDoc::default()
            };
            if self.emporix {
                doc.catalogues = vec!["camunda8".to_owned(), "emporix".to_owned()];
                doc.access_controls = vec![
                    AccessControlDoc {
                        id: "ac1".to_owned(),
                        scopes: vec!["s.a_read".to_owned(), "s.a_manage".to_owned()],
                        restriction_aware: false,
                        restricted_to: None,
                    },
                    AccessControlDoc {
                        id: "ac2".to_owned(),
                        scopes: vec!["s.b_manage".to_owned(), "s.a_read".to_owned()],
                        restriction_aware: true,
                        restricted_to: None,
                    },
                    AccessControlDoc {
                        id: "ac3".to_owned(),
                        scopes: vec!["s.c_read".to_owned()],
                        restriction_aware: false,
                        restricted_to: Some(UserType::Employee),
                    },
                ];
                let level = |acs: &[&str]| acs.iter().map(|ac| (*ac).to_owned()).collect();
                doc.domains = vec![DomainDoc {
                    base: "D".to_owned(),
                    levels: SortedMap::from([
                        (DomainLevel::Viewer, level(&["ac3"])),
                        (DomainLevel::Manager, level(&["ac1", "ac3"])),
                        (DomainLevel::Administrator, level(&["ac1", "ac2"])),
                    ]),
                }];
            }
            if self.bundles {
                doc.bundles = vec![
                    BundleDoc {
                        id: "b1".to_owned(),
                        all_of: vec![
                            check("READ_PROCESS_DEFINITION", "PROCESS_DEFINITION", Some("a")),
                            check("VIEW", INVOICE, None),
                        ],
                    },
                    BundleDoc {
                        id: "b2".to_owned(),
                        all_of: vec![check("APPROVE", INVOICE, Some("b"))],
                    },
                    BundleDoc {
                        id: "b3".to_owned(),
                        all_of: vec![check("CREATE", "BATCH", None)],
                    },
                ];
                let candidates = [("b2", "b1"), ("b3", "b2"), ("b1", "b3")];
                doc.bundle_implications = candidates
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| (self.implications >> i) & 1 == 1)
                    .map(|(_, (when, then))| BundleImplicationDoc {
                        when: (*when).to_owned(),
                        then: (*then).to_owned(),
                    })
                    .collect();
            }
            doc.roles = declared
                .iter()
                .zip(self.role_tenants)
                .map(|(id, tenants)| RoleDoc {
                    id: (*id).to_owned(),
                    tenants: subset(&TENANTS, tenants),
                })
                .collect();
            doc.users = users
                .iter()
                .zip(&self.users)
                .map(|(id, &(g, r, t, state))| UserDoc {
                    id: (*id).to_owned(),
                    groups: subset(&groups, g),
                    roles: subset(&roles, r & (r >> 3)),
                    tenants: subset(&TENANTS, t),
                    state: match state % 10 {
                        0 => AccountState::Locked,
                        1 => AccountState::Provisioned,
                        _ => AccountState::Active,
                    },
                })
                .collect();
            doc.clients = clients
                .iter()
                .zip(&self.clients)
                .map(|(id, &(g, r, t))| ClientDoc {
                    id: (*id).to_owned(),
                    groups: subset(&groups, g),
                    roles: subset(&roles, r & (r >> 2)),
                    tenants: subset(&TENANTS, t),
                })
                .collect();
            doc.groups = groups
                .iter()
                .zip(&self.groups)
                .map(|(id, &(r, t, acs, restrictions))| GroupDoc {
                    id: (*id).to_owned(),
                    roles: subset(&roles, r & (r >> 4)),
                    tenants: subset(&TENANTS, t),
                    user_type: self.emporix.then_some(UserType::Employee),
                    access_controls: if self.emporix {
                        subset(&ACS, acs)
                    } else {
                        Vec::new()
                    },
                    restrictions: match restrictions % 3 {
                        0 => Vec::new(),
                        1 => vec!["DE".to_owned()],
                        _ => vec!["DE".to_owned(), "FR".to_owned()],
                    },
                    ..GroupDoc::default()
                })
                .collect();
            doc.mapping_rules = rules
                .iter()
                .zip(&self.rules)
                .map(|(id, rule)| MappingRuleDoc {
                    id: (*id).to_owned(),
                    claim_name: name_pick(&CLAIM_NAMES, rule.claim),
                    claim_value: name_pick(&CLAIM_VALUES, rule.value),
                    operator: match rule.operator {
                        0 => None,
                        1 => Some(ClaimOperator::Equals),
                        _ => Some(ClaimOperator::Contains),
                    },
                    groups: subset(&groups, rule.groups & (rule.groups >> 3)),
                    roles: subset(&roles, rule.roles & (rule.roles >> 2)),
                    tenants: subset(&TENANTS, rule.tenants & (rule.tenants >> 2)),
                })
                .collect();

            let types = self.types();
            doc.authorizations = self
                .grants
                .iter()
                .enumerate()
                .map(|(i, raw)| {
                    let (ty, names) = pick(types, raw.ty, TYPES[0]);
                    let (kind, pool): (OwnerType, &[&str]) = match raw.owner_kind {
                        0 if !users.is_empty() => (OwnerType::User, &users),
                        1 if !clients.is_empty() => (OwnerType::Client, &clients),
                        2 if !groups.is_empty() => (OwnerType::Group, &groups),
                        4 if !rules.is_empty() => (OwnerType::MappingRule, &rules),
                        _ if !roles.is_empty() => (OwnerType::Role, &roles),
                        _ if !users.is_empty() => (OwnerType::User, &users),
                        _ => (OwnerType::Role, &["r1"]),
                    };
                    let owner = name_pick(pool, raw.owner);
                    let (owner_type, owner_id, user_id, group_id) = match (kind, raw.shorthand) {
                        (OwnerType::User, true) => (None, None, Some(owner), None),
                        (OwnerType::Group, true) => (None, None, None, Some(owner)),
                        _ => (Some(kind), Some(owner), None, None),
                    };
                    let (resource_id, resource_property_name) = match raw.matcher {
                        0 => (Some("*".to_owned()), None),
                        2 if ty == "USER_TASK" => (
                            None,
                            Some(name_pick(
                                &["assignee", "candidateUsers", "candidateGroups"],
                                raw.resource,
                            )),
                        ),
                        _ => (Some(name_pick(ids_of(ty), raw.resource)), None),
                    };
                    let mut permissions: Vec<String> = raw
                        .permissions
                        .iter()
                        .map(|&n| name_pick(names, n))
                        .collect();
                    permissions.dedup();
                    AuthorizationDoc {
                        id: format!("a{i}"),
                        kind: AuthorizationType::Grant,
                        user_id,
                        group_id,
                        owner_type,
                        owner_id,
                        resource_type: if ty == INVOICE && raw.owner % 2 == 0 {
                            TypeRef::Id(INVOICE_ID)
                        } else {
                            TypeRef::from(ty)
                        },
                        resource_id,
                        resource_property_name,
                        permissions,
                    }
                })
                .collect();
            doc
        }
    }

    // -----------------------------------------------------------------------------
    // Requests

    #[derive(Debug, Clone)]
    struct RawCheck {
        /// Mostly a type of the snapshot; rarely a Camunda 7 or an unknown one.
        ty: u8,
        by_id: bool,
        permission: u8,
        resource: Option<u8>,
    }

    #[derive(Debug, Clone)]
    struct RawRequest {
        principal: u8,
        claims: Option<(u8, u8, u8)>,
        groups: Option<u8>,
        properties: Option<(u8, u8, u8)>,
        tenant: Option<u8>,
        resource_exists: Option<bool>,
        anonymous: bool,
        /// Rarely a profile: `grants` (the snapshot's) or `camunda7` (a mismatch).
        profile: Option<bool>,
        /// 0: single, 1: anyOf, 2: allOf, 3: bundle, 4: scopes, 5: malformed.
        shape: u8,
        checks: Vec<RawCheck>,
        bundle: u8,
        scopes: Vec<u8>,
        restriction: Option<u8>,
    }

    fn raw_check() -> impl Strategy<Value = RawCheck> {
        (
            prop_oneof![40 => 0..7u8, 1 => 7..9u8],
            any::<bool>(),
            prop_oneof![30 => any::<u8>(), 1 => Just(u8::MAX)],
            prop::option::weighted(0.8, any::<u8>()),
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
            (
                prop_oneof![30 => 0..8u8, 1 => Just(8u8)],
                prop::option::weighted(0.4, (0..6u8, 0..3u8, 0..3u8)),
                prop::option::weighted(0.2, any::<u8>()),
                prop::option::weighted(0.3, (0..5u8, any::<u8>(), any::<u8>())),
                prop::option::weighted(0.3, 0..3u8),
                prop::option::weighted(0.3, any::<bool>()),
                prop::bool::weighted(0.04),
                prop::option::weighted(0.03, any::<bool>()),
            ),
            (
                prop_oneof![
                    10 => Just(0u8),
                    3 => Just(1u8),
                    3 => Just(2u8),
                    3 => Just(3u8),
                    3 => Just(4u8),
                    1 => Just(5u8)
                ],
                prop::collection::vec(raw_check(), 1..=3),
                any::<u8>(),
                prop::collection::vec(any::<u8>(), 1..=2),
                prop::option::weighted(0.5, 0..2u8),
            ),
        )
            .prop_map(
                |(
                    (
                        principal,
                        claims,
                        groups,
                        properties,
                        tenant,
                        resource_exists,
                        anonymous,
                        profile,
                    ),
                    (shape, checks, bundle, scopes, restriction),
                )| RawRequest {
                    principal,
                    claims,
                    groups,
                    properties,
                    tenant,
                    resource_exists,
                    anonymous,
                    profile,
                    shape,
                    checks,
                    bundle,
                    scopes,
                    restriction,
                },
            )
    }

    impl RawCheck {
        fn build(&self, snapshot: &RawSnapshot) -> CheckDoc {
            let types = snapshot.types();
            let (ty, names) = match self.ty {
                0..7 => pick(types, self.ty, TYPES[0]),
                7 => ("TASK", &["READ"][..]),
                _ => ("NOPE", &["READ"][..]),
            };
            let permission = if self.permission == u8::MAX {
                if self.by_id { "ALL" } else { "FLY" }.to_owned()
            } else {
                name_pick(names, self.permission)
            };
            let mut ids: Vec<&str> = ids_of(ty).to_vec();
            ids.extend(["*", "zzz"]);
            CheckDoc {
                permission,
                resource_type: if ty == INVOICE && self.by_id {
                    TypeRef::Id(INVOICE_ID)
                } else {
                    TypeRef::from(ty)
                },
                resource_id: self.resource.map(|n| name_pick(&ids, n)),
            }
        }
    }

    /// A `serde_json` object as the wire's own (what the core's decoder reads).
    fn wire_map(map: Map<String, Value>) -> writ_core::json::Map {
        serde_json::from_value(Value::Object(map)).unwrap_or_default()
    }

    fn claims((groups, dept, level): (u8, u8, u8)) -> Map<String, Value> {
        let mut claims = Map::new();
        match groups {
            1 => {
                claims.insert("groups".into(), json!("ops"));
            }
            2 => {
                claims.insert("groups".into(), json!(["ops", "dev"]));
            }
            3 => {
                claims.insert("groups".into(), json!(["dev"]));
            }
            4 => {
                claims.insert("groups".into(), json!("Ops"));
            }
            5 => {
                claims.insert("groups".into(), json!(["Ops", "3"]));
            }
            _ => {}
        }
        match dept {
            1 => {
                claims.insert("org".into(), json!({"dept": "ops"}));
            }
            2 => {
                claims.insert("org".into(), json!({"dept": ["dev"]}));
            }
            _ => {}
        }
        match level {
            1 => {
                claims.insert("level".into(), json!(3));
            }
            2 => {
                claims.insert("level".into(), json!("3"));
            }
            _ => {}
        }
        claims
    }

    impl RawRequest {
        fn who(&self) -> (Option<String>, Option<String>) {
            let user = |u: &str| Some(u.to_owned());
            match self.principal {
                0..3 => (
                    USERS.get(usize::from(self.principal)).and_then(|u| user(u)),
                    None,
                ),
                3 => (user("ghost"), None),
                4 => (None, user("c1")),
                5 => (None, user("c2")),
                6 => (None, user("cx")),
                7 => (user("u1"), user("c1")),
                _ => (None, None),
            }
        }

        fn build(&self, snapshot: &RawSnapshot) -> RequestDoc {
            let checks: Vec<CheckDoc> = self.checks.iter().map(|c| c.build(snapshot)).collect();
            let (user, client) = self.who();
            let mut req = RequestDoc {
                user,
                client,
                claims: self.claims.map(claims).map(wire_map),
                groups: self
                    .groups
                    .map(|mask| subset(&["g1", "g2", "g3", "gx"], mask)),
                properties: self.properties.map(|(assignee, users, groups)| {
                    let mut properties = Map::new();
                    if let Some(who) = ["u1", "u2", "c1", "ghost"].get(usize::from(assignee)) {
                        properties.insert("assignee".into(), json!(who));
                    }
                    if users != 0 {
                        properties.insert(
                            "candidateUsers".into(),
                            json!(subset(&["u1", "u2", "c1"], users)),
                        );
                    }
                    if groups != 0 {
                        properties.insert(
                            "candidateGroups".into(),
                            json!(subset(&["g1", "g2", "g3", "gx"], groups)),
                        );
                    }
                    wire_map(properties)
                }),
                tenant_id: self.tenant.map(|n| name_pick(&["t1", "t2", "tx"], n)),
                resource_exists: self.resource_exists,
                anonymous_authorized: self.anonymous && self.principal < 8,
                profile: self.profile.map(|grants| {
                    if grants {
                        ProfileName::Grants
                    } else {
                        ProfileName::Camunda7
                    }
                }),
                ..RequestDoc::default()
            };
            let first = checks.first().cloned();
            match (self.shape, first) {
                (1, _) => req.any_of = Some(checks),
                (2, _) => req.all_of = Some(checks),
                (3, _) => req.bundle = Some(name_pick(&BUNDLES, self.bundle)),
                (4, _) if snapshot.emporix => {
                    req.scopes = Some(self.scopes.iter().map(|&n| name_pick(&SCOPES, n)).collect());
                    req.restriction = self.restriction.map(|n| name_pick(&["DE", "FR"], n));
                }
                (5, Some(first)) if self.checks.len() > 1 => {
                    req.permission = Some(first.permission);
                    req.resource_type = Some(first.resource_type);
                    req.bundle = Some("b1".to_owned());
                }
                (5, _) => req.any_of = Some(Vec::new()),
                (_, Some(first)) => {
                    req.permission = Some(first.permission);
                    req.resource_type = Some(first.resource_type);
                    req.resource_id = first.resource_id;
                }
                (_, None) => {}
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
                client: req.client.clone(),
                claims: req.claims.clone(),
                groups: req.groups.clone(),
                source: None,
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
                client: req.client.clone(),
                claims: req.claims.clone(),
                groups: req.groups.clone(),
                source: None,
                profile: req.profile,
                permission: first.permission,
                resource_type: first.resource_type,
            })
        }
    }

    // -----------------------------------------------------------------------------
    // The comparison

    fn compare(
        snapshot: &RawSnapshot,
        request: &RawRequest,
        mutation: u64,
    ) -> Result<(), TestCaseError> {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            compare_unguarded(snapshot, request, mutation)?;
            super::diff_agrees(&snapshot.build(), mutation)
        }));
        outcome.unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(TestCaseError::fail(format!(
                "panicked: {message}\n  snapshot: {}\n  request:  {}",
                to_json(&snapshot.build()),
                to_json(&request.build(snapshot)),
            )))
        })
    }

    fn compare_unguarded(
        snapshot: &RawSnapshot,
        request: &RawRequest,
        mutation: u64,
    ) -> Result<(), TestCaseError> {
        let doc = snapshot.build();
        let authorizer = super::loaded(&doc, (mutation >> 40) & 1 == 1)?;
        let req = request.build(snapshot);
        super::guest_agrees(&doc, &req, &authorizer)?;

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
        if let (Ok(decision), Ok(naive)) = (&explained, &naive) {
            let explanation = decision.explanation.clone().unwrap_or_default();
            let rule_ok = naive
                .rules
                .as_ref()
                .is_none_or(|rules| rules.contains(&explanation.rule.as_str()));
            let rows_ok = match explanation.rule.as_str() {
                "grants.match" => naive.match_rows.as_ref().is_none_or(|candidates| {
                    !explanation.rows.is_empty()
                        && explanation.rows.iter().all(|row| candidates.contains(row))
                }),
                // A bundle held in part may name the parts that were held.
                "no_match" => req.bundle.is_some() || explanation.rows.is_empty(),
                _ => true,
            };
            let via_ok = explanation.rule != "grants.match"
                || naive.match_vias.as_ref().is_none_or(|vias| {
                    explanation
                        .via
                        .as_ref()
                        .is_some_and(|via| vias.contains(via))
                });
            if !rule_ok || !rows_ok || !via_ok {
                return Err(disagree(
                    "explanation",
                    &doc,
                    &req,
                    &format!("{decision:?}"),
                    &format!("{naive:?}"),
                ));
            }
        }

        // A prepared handle (`can`, `ask`) answers as the request does.
        if let Ok(checked) = fast
            && let Some(problem) =
                writ_conformance::vector::principal_paths_disagree(&authorizer, &req, checked)
        {
            return Err(disagree("handle", &doc, &req, &problem, ""));
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
        // Who can do it: the inverted walk against checking every listed principal.
        let question = writ_conformance::vector::without_principal(req.clone());
        if let Some(problem) =
            writ_conformance::vector::who_can_disagrees(&authorizer, &doc, &question)
        {
            return Err(disagree("who-can", &doc, &question, &problem, ""));
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: super::cases(),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn grants_evaluator_agrees_with_reference(
            snapshot in raw_snapshot(),
            request in raw_request(),
            mutation in any::<u64>(),
        ) {
            compare(&snapshot, &request, mutation)?;
        }
    }
}
