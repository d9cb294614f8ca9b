//! Deterministic generated organisations, for benchmarks in every runtime.

use crate::wire::{
    AuthorizationDoc, AuthorizationType, GroupDoc, ProfileName, SnapshotDoc, TypeRef, UserDoc,
};

/// The size of a generated organisation.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub users: usize,
    pub groups: usize,
    pub authorizations: usize,
    pub groups_per_user: usize,
    /// Distinct process definition keys that rows name.
    pub definitions: usize,
}

impl Shape {
    /// 10k users, 1k groups, 100k authorizations: the benchmark organisation.
    pub const BENCH: Self = Self {
        users: 10_000,
        groups: 1_000,
        authorizations: 100_000,
        groups_per_user: 3,
        definitions: 5_000,
    };
}

/// A small, fast, deterministic generator (SplitMix64); no dependency needed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        let n = n.max(1) as u64;
        usize::try_from(self.next_u64() % n).unwrap_or(0)
    }
}

const PERMISSIONS: &[&str] = &[
    "READ",
    "UPDATE",
    "READ_HISTORY",
    "CREATE_INSTANCE",
    "READ_INSTANCE",
    "ALL",
];

/// A `camunda7` organisation of the given shape: users in groups, GRANT rows for
/// users and groups on definitions and `*`, some REVOKE rows, a few GLOBAL rows.
pub fn camunda7(shape: Shape, seed: u64) -> SnapshotDoc {
    let mut rng = Rng::new(seed);
    let groups: Vec<GroupDoc> = (0..shape.groups)
        .map(|g| GroupDoc {
            id: format!("group-{g}"),
            ..GroupDoc::default()
        })
        .collect();
    let users = (0..shape.users)
        .map(|u| UserDoc {
            id: format!("user-{u}"),
            groups: (0..shape.groups_per_user)
                .map(|_| format!("group-{}", rng.below(shape.groups)))
                .collect(),
            ..UserDoc::default()
        })
        .collect();
    let authorizations = (0..shape.authorizations)
        .map(|i| {
            let roll = rng.below(100);
            let kind = match roll {
                0 => AuthorizationType::Global,
                1..=10 => AuthorizationType::Revoke,
                _ => AuthorizationType::Grant,
            };
            let (user_id, group_id) = match (kind, rng.below(2)) {
                (AuthorizationType::Global, _) => (Some("*".to_owned()), None),
                (_, 0) => (Some(format!("user-{}", rng.below(shape.users))), None),
                _ => (None, Some(format!("group-{}", rng.below(shape.groups)))),
            };
            let resource_id = if rng.below(20) == 0 {
                "*".to_owned()
            } else {
                format!("process-{}", rng.below(shape.definitions))
            };
            let permission = PERMISSIONS
                .get(rng.below(PERMISSIONS.len()))
                .copied()
                .unwrap_or("READ");
            AuthorizationDoc {
                id: format!("auth-{i}"),
                kind,
                user_id,
                group_id,
                resource_type: TypeRef::Name("PROCESS_DEFINITION".into()),
                owner_type: None,
                owner_id: None,
                resource_id: Some(resource_id),
                resource_property_name: None,
                permissions: vec![permission.to_owned()],
            }
        })
        .collect();
    SnapshotDoc {
        format: crate::wire::FORMAT_VERSION,
        revision: Some(format!("generated-{seed}")),
        profile: ProfileName::Camunda7,
        users,
        groups,
        authorizations,
        ..SnapshotDoc::default()
    }
}

/// The size of a generated `grants` organisation.
#[derive(Debug, Clone, Copy)]
pub struct GrantsShape {
    pub users: usize,
    pub groups: usize,
    pub roles: usize,
    pub grants: usize,
    pub definitions: usize,
}

impl GrantsShape {
    /// 10k users, 1k groups, 200 roles, 100k grants: the benchmark organisation.
    pub const BENCH: Self = Self {
        users: 10_000,
        groups: 1_000,
        roles: 200,
        grants: 100_000,
        definitions: 5_000,
    };
}

const C8_PERMISSIONS: &[&str] = &[
    "READ_PROCESS_DEFINITION",
    "CREATE_PROCESS_INSTANCE",
    "READ_PROCESS_INSTANCE",
    "UPDATE_PROCESS_INSTANCE",
    "READ_USER_TASK",
];

/// A `grants` (Camunda 8) organisation: users in groups, roles held directly and
/// through groups, a few mapping rules, grants of every owner type and matcher.
pub fn grants(shape: GrantsShape, seed: u64) -> SnapshotDoc {
    use crate::wire::{MappingRuleDoc, OwnerType, RoleDoc};
    let mut rng = Rng::new(seed);
    let roles: Vec<RoleDoc> = (0..shape.roles)
        .map(|r| RoleDoc {
            id: format!("role-{r}"),
            ..RoleDoc::default()
        })
        .collect();
    let groups: Vec<GroupDoc> = (0..shape.groups)
        .map(|g| GroupDoc {
            id: format!("group-{g}"),
            roles: vec![format!("role-{}", rng.below(shape.roles))],
            ..GroupDoc::default()
        })
        .collect();
    let users = (0..shape.users)
        .map(|u| UserDoc {
            id: format!("user-{u}"),
            groups: (0..3)
                .map(|_| format!("group-{}", rng.below(shape.groups)))
                .collect(),
            roles: vec![format!("role-{}", rng.below(shape.roles))],
            ..UserDoc::default()
        })
        .collect();
    let rules = 20;
    let mapping_rules = (0..rules)
        .map(|m| MappingRuleDoc {
            id: format!("rule-{m}"),
            claim_name: "groups".into(),
            claim_value: format!("team-{m}"),
            operator: None,
            groups: Vec::new(),
            roles: vec![format!("role-{}", rng.below(shape.roles))],
            tenants: Vec::new(),
        })
        .collect();
    let authorizations = (0..shape.grants)
        .map(|i| {
            let (owner_type, owner_id) = match rng.below(100) {
                0..=29 => (OwnerType::User, format!("user-{}", rng.below(shape.users))),
                30..=69 => (
                    OwnerType::Group,
                    format!("group-{}", rng.below(shape.groups)),
                ),
                70..=94 => (OwnerType::Role, format!("role-{}", rng.below(shape.roles))),
                _ => (OwnerType::MappingRule, format!("rule-{}", rng.below(rules))),
            };
            let (resource_type, resource_id, property, permission) = if rng.below(50) == 0 {
                (
                    "USER_TASK",
                    None,
                    Some("candidateGroups".to_owned()),
                    "CLAIM",
                )
            } else {
                let id = if rng.below(20) == 0 {
                    "*".to_owned()
                } else {
                    format!("process-{}", rng.below(shape.definitions))
                };
                (
                    "PROCESS_DEFINITION",
                    Some(id),
                    None,
                    C8_PERMISSIONS
                        .get(rng.below(C8_PERMISSIONS.len()))
                        .copied()
                        .unwrap_or("READ_PROCESS_DEFINITION"),
                )
            };
            AuthorizationDoc {
                id: format!("grant-{i}"),
                kind: AuthorizationType::Grant,
                user_id: None,
                group_id: None,
                owner_type: Some(owner_type),
                owner_id: Some(owner_id),
                resource_type: TypeRef::Name(resource_type.into()),
                resource_id,
                resource_property_name: property,
                permissions: vec![permission.to_owned()],
            }
        })
        .collect();
    SnapshotDoc {
        format: crate::wire::FORMAT_VERSION,
        revision: Some(format!("generated-grants-{seed}")),
        profile: ProfileName::Grants,
        users,
        groups,
        roles,
        mapping_rules,
        authorizations,
        ..SnapshotDoc::default()
    }
}
