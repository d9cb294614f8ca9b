//! The built-in Camunda 7 resource catalogue: resource types, their integer ids and
//! permission bits, exactly as `SEMANTICS.md` §1 lists them.
//!
//! Bits are unique only within a resource type (`READ` is 2 almost everywhere, but
//! `DELETE` is 8 on `SYSTEM`), so a permission is always looked up through its type.

/// Every bit of a 31-bit Camunda permission mask: the value of `ALL`.
pub const ALL_BITS: u32 = 0x7fff_ffff;

/// One built-in resource type: name, Camunda's integer id, and named permission bits
/// (without the implicit `NONE` = 0 and `ALL` = [`ALL_BITS`]).
#[derive(Debug, Clone, Copy)]
pub struct BuiltinType {
    pub name: &'static str,
    pub id: u32,
    pub permissions: &'static [(&'static str, u32)],
}

const CRUD: &[(&str, u32)] = &[("READ", 2), ("UPDATE", 4), ("CREATE", 8), ("DELETE", 16)];
const MEMBERSHIP: &[(&str, u32)] = &[("CREATE", 8), ("DELETE", 16)];

const PROCESS_DEFINITION: &[(&str, u32)] = &[
    ("READ", 2),
    ("UPDATE", 4),
    ("DELETE", 16),
    ("RETRY_JOB", 32),
    ("READ_TASK", 64),
    ("UPDATE_TASK", 128),
    ("CREATE_INSTANCE", 256),
    ("READ_INSTANCE", 512),
    ("UPDATE_INSTANCE", 1024),
    ("DELETE_INSTANCE", 2048),
    ("READ_HISTORY", 4096),
    ("DELETE_HISTORY", 8192),
    ("TASK_WORK", 16384),
    ("TASK_ASSIGN", 32768),
    ("MIGRATE_INSTANCE", 65536),
    ("SUSPEND_INSTANCE", 131_072),
    ("UPDATE_INSTANCE_VARIABLE", 262_144),
    ("UPDATE_TASK_VARIABLE", 524_288),
    ("SUSPEND", 1_048_576),
    ("READ_INSTANCE_VARIABLE", 2_097_152),
    ("READ_HISTORY_VARIABLE", 4_194_304),
    ("READ_TASK_VARIABLE", 8_388_608),
    ("UPDATE_HISTORY", 16_777_216),
];

const TASK: &[(&str, u32)] = &[
    ("READ", 2),
    ("UPDATE", 4),
    ("CREATE", 8),
    ("DELETE", 16),
    ("UPDATE_VARIABLE", 32),
    ("READ_VARIABLE", 64),
    ("READ_HISTORY", 4096),
    ("TASK_WORK", 16384),
    ("TASK_ASSIGN", 32768),
];

const PROCESS_INSTANCE: &[(&str, u32)] = &[
    ("READ", 2),
    ("UPDATE", 4),
    ("CREATE", 8),
    ("DELETE", 16),
    ("RETRY_JOB", 32),
    ("SUSPEND", 64),
    ("UPDATE_VARIABLE", 128),
];

const BATCH: &[(&str, u32)] = &[
    ("READ", 2),
    ("UPDATE", 4),
    ("CREATE", 8),
    ("DELETE", 16),
    ("CREATE_BATCH_MIGRATE_PROCESS_INSTANCES", 32),
    ("CREATE_BATCH_MODIFY_PROCESS_INSTANCES", 64),
    ("CREATE_BATCH_RESTART_PROCESS_INSTANCES", 128),
    ("CREATE_BATCH_DELETE_RUNNING_PROCESS_INSTANCES", 256),
    ("CREATE_BATCH_DELETE_FINISHED_PROCESS_INSTANCES", 512),
    ("CREATE_BATCH_DELETE_DECISION_INSTANCES", 1024),
    ("CREATE_BATCH_SET_JOB_RETRIES", 2048),
    ("READ_HISTORY", 4096),
    ("DELETE_HISTORY", 8192),
    ("CREATE_BATCH_SET_EXTERNAL_TASK_RETRIES", 16384),
    ("CREATE_BATCH_UPDATE_PROCESS_INSTANCES_SUSPEND", 32768),
    ("CREATE_BATCH_SET_REMOVAL_TIME", 65536),
    ("CREATE_BATCH_SET_VARIABLES", 131_072),
    ("CREATE_BATCH_CORRELATE_MESSAGE", 262_144),
];

/// The whole Camunda 7 catalogue, in id order.
pub const CAMUNDA7_TYPES: &[BuiltinType] = &[
    BuiltinType {
        name: "APPLICATION",
        id: 0,
        permissions: &[("ACCESS", 32)],
    },
    BuiltinType {
        name: "USER",
        id: 1,
        permissions: CRUD,
    },
    BuiltinType {
        name: "GROUP",
        id: 2,
        permissions: CRUD,
    },
    BuiltinType {
        name: "GROUP_MEMBERSHIP",
        id: 3,
        permissions: MEMBERSHIP,
    },
    BuiltinType {
        name: "AUTHORIZATION",
        id: 4,
        permissions: CRUD,
    },
    BuiltinType {
        name: "FILTER",
        id: 5,
        permissions: CRUD,
    },
    BuiltinType {
        name: "PROCESS_DEFINITION",
        id: 6,
        permissions: PROCESS_DEFINITION,
    },
    BuiltinType {
        name: "TASK",
        id: 7,
        permissions: TASK,
    },
    BuiltinType {
        name: "PROCESS_INSTANCE",
        id: 8,
        permissions: PROCESS_INSTANCE,
    },
    BuiltinType {
        name: "DEPLOYMENT",
        id: 9,
        permissions: &[("READ", 2), ("CREATE", 8), ("DELETE", 16)],
    },
    BuiltinType {
        name: "DECISION_DEFINITION",
        id: 10,
        permissions: &[
            ("READ", 2),
            ("UPDATE", 4),
            ("CREATE_INSTANCE", 256),
            ("READ_HISTORY", 4096),
            ("DELETE_HISTORY", 8192),
        ],
    },
    BuiltinType {
        name: "TENANT",
        id: 11,
        permissions: CRUD,
    },
    BuiltinType {
        name: "TENANT_MEMBERSHIP",
        id: 12,
        permissions: MEMBERSHIP,
    },
    BuiltinType {
        name: "BATCH",
        id: 13,
        permissions: BATCH,
    },
    BuiltinType {
        name: "DECISION_REQUIREMENTS_DEFINITION",
        id: 14,
        permissions: &[("READ", 2)],
    },
    BuiltinType {
        name: "REPORT",
        id: 15,
        permissions: CRUD,
    },
    BuiltinType {
        name: "DASHBOARD",
        id: 16,
        permissions: CRUD,
    },
    BuiltinType {
        name: "OPERATION_LOG_CATEGORY",
        id: 17,
        permissions: &[("READ", 2), ("UPDATE", 4), ("DELETE", 16)],
    },
    BuiltinType {
        name: "OPTIMIZE",
        id: 18,
        permissions: &[("EDIT", 2), ("SHARE", 4)],
    },
    BuiltinType {
        name: "HISTORIC_TASK",
        id: 19,
        permissions: &[("READ", 2), ("READ_VARIABLE", 64)],
    },
    BuiltinType {
        name: "HISTORIC_PROCESS_INSTANCE",
        id: 20,
        permissions: &[("READ", 2)],
    },
    BuiltinType {
        name: "SYSTEM",
        id: 21,
        permissions: &[("READ", 2), ("SET", 4), ("DELETE", 8)],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_and_bits_single_and_unique_per_type() {
        for (position, ty) in CAMUNDA7_TYPES.iter().enumerate() {
            assert_eq!(ty.id as usize, position, "{}", ty.name);
            let mut seen = 0u32;
            for (name, bit) in ty.permissions {
                assert_eq!(bit.count_ones(), 1, "{}.{name}", ty.name);
                assert_eq!(seen & bit, 0, "{}.{name} reuses a bit", ty.name);
                assert_eq!(bit & !ALL_BITS, 0);
                seen |= bit;
            }
        }
    }
}

/// A built-in resource type of a `grants` catalogue: flat permission names, bits
/// assigned in order at load.
#[derive(Debug, Clone, Copy)]
pub struct GrantsType {
    pub name: &'static str,
    pub permissions: &'static [&'static str],
}

const C8_CRUD: &[&str] = &["CREATE", "READ", "UPDATE", "DELETE"];

/// Camunda 8.8's resource types and permissions, with the later user-task additions.
pub const CAMUNDA8_TYPES: &[GrantsType] = &[
    GrantsType {
        name: "AUTHORIZATION",
        permissions: C8_CRUD,
    },
    GrantsType {
        name: "BATCH",
        permissions: &[
            "CREATE",
            "READ",
            "UPDATE",
            "CREATE_BATCH_OPERATION_CANCEL_PROCESS_INSTANCE",
            "CREATE_BATCH_OPERATION_DELETE_PROCESS_INSTANCE",
            "CREATE_BATCH_OPERATION_MIGRATE_PROCESS_INSTANCE",
            "CREATE_BATCH_OPERATION_MODIFY_PROCESS_INSTANCE",
            "CREATE_BATCH_OPERATION_RESOLVE_INCIDENT",
            "CREATE_BATCH_OPERATION_DELETE_DECISION_INSTANCE",
            "CREATE_BATCH_OPERATION_DELETE_DECISION_DEFINITION",
            "CREATE_BATCH_OPERATION_DELETE_PROCESS_DEFINITION",
        ],
    },
    GrantsType {
        name: "COMPONENT",
        permissions: &["ACCESS"],
    },
    GrantsType {
        name: "DECISION_DEFINITION",
        permissions: &[
            "CREATE_DECISION_INSTANCE",
            "READ_DECISION_DEFINITION",
            "READ_DECISION_INSTANCE",
            "DELETE_DECISION_INSTANCE",
        ],
    },
    GrantsType {
        name: "DECISION_REQUIREMENTS_DEFINITION",
        permissions: &["READ"],
    },
    GrantsType {
        name: "DOCUMENT",
        permissions: &["CREATE", "READ", "DELETE"],
    },
    GrantsType {
        name: "GROUP",
        permissions: C8_CRUD,
    },
    GrantsType {
        name: "MAPPING_RULE",
        permissions: C8_CRUD,
    },
    GrantsType {
        name: "MESSAGE",
        permissions: &["CREATE", "READ"],
    },
    GrantsType {
        name: "PROCESS_DEFINITION",
        permissions: &[
            "CREATE_PROCESS_INSTANCE",
            "READ_PROCESS_DEFINITION",
            "READ_PROCESS_INSTANCE",
            "READ_USER_TASK",
            "UPDATE_PROCESS_INSTANCE",
            "UPDATE_USER_TASK",
            "MODIFY_PROCESS_INSTANCE",
            "CANCEL_PROCESS_INSTANCE",
            "DELETE_PROCESS_INSTANCE",
            "CLAIM_USER_TASK",
            "COMPLETE_USER_TASK",
        ],
    },
    GrantsType {
        name: "RESOURCE",
        permissions: &[
            "CREATE",
            "READ",
            "DELETE_DRD",
            "DELETE_FORM",
            "DELETE_PROCESS",
            "DELETE_RESOURCE",
        ],
    },
    GrantsType {
        name: "ROLE",
        permissions: C8_CRUD,
    },
    GrantsType {
        name: "SYSTEM",
        permissions: &["READ", "READ_USAGE_METRIC", "UPDATE"],
    },
    GrantsType {
        name: "TENANT",
        permissions: C8_CRUD,
    },
    GrantsType {
        name: "USER",
        permissions: C8_CRUD,
    },
    GrantsType {
        name: "USER_TASK",
        permissions: &["READ", "UPDATE", "CLAIM", "COMPLETE"],
    },
];

/// Management Identity's permission strings; the `*` is part of the name.
const IDENTITY_PERMISSIONS: &[&str] = &[
    "write:*",
    "read:*",
    "create:*",
    "update:*",
    "delete:*",
    "admin:*",
    "read",
    "write",
    "read:users",
];

/// Management Identity's API audiences, each a resource type.
pub const IDENTITY_TYPES: &[GrantsType] = &[
    GrantsType {
        name: "optimize-api",
        permissions: IDENTITY_PERMISSIONS,
    },
    GrantsType {
        name: "console-api",
        permissions: IDENTITY_PERMISSIONS,
    },
    GrantsType {
        name: "web-modeler-api",
        permissions: IDENTITY_PERMISSIONS,
    },
    GrantsType {
        name: "web-modeler-public-api",
        permissions: IDENTITY_PERMISSIONS,
    },
    GrantsType {
        name: "camunda-identity-resource-server",
        permissions: IDENTITY_PERMISSIONS,
    },
];

/// Emporix: holding an access control, and holding a scope.
pub const EMPORIX_TYPES: &[GrantsType] = &[
    GrantsType {
        name: EMPORIX_ACCESS_CONTROL,
        permissions: &[EMPORIX_HOLD],
    },
    GrantsType {
        name: EMPORIX_SCOPE,
        permissions: &[EMPORIX_HOLD],
    },
];

pub const EMPORIX_ACCESS_CONTROL: &str = "ACCESS_CONTROL";
pub const EMPORIX_SCOPE: &str = "SCOPE";
pub const EMPORIX_HOLD: &str = "HOLD";

/// The catalogues a `grants` snapshot may name.
pub const GRANTS_CATALOGUES: &[(&str, &[GrantsType])] = &[
    ("camunda8", CAMUNDA8_TYPES),
    ("identity", IDENTITY_TYPES),
    ("emporix", EMPORIX_TYPES),
];

/// The permissions `readonly-admin` holds on every type that has them.
pub const READONLY_PERMISSIONS: &[&str] = &[
    "ACCESS",
    "READ",
    "READ_PROCESS_INSTANCE",
    "READ_USER_TASK",
    "READ_DECISION_INSTANCE",
    "READ_PROCESS_DEFINITION",
    "READ_DECISION_DEFINITION",
    "READ_USAGE_METRIC",
];

/// One grant of a Camunda 8 default role.
#[derive(Debug, Clone, Copy)]
pub struct DefaultGrant {
    pub resource_type: &'static str,
    /// `Some("*")` for ANY, or `None` with `property` for a PROPERTY matcher.
    pub resource_id: Option<&'static str>,
    pub property: Option<&'static str>,
    pub permissions: &'static [&'static str],
}

const fn any(resource_type: &'static str, permissions: &'static [&'static str]) -> DefaultGrant {
    DefaultGrant {
        resource_type,
        resource_id: Some("*"),
        property: None,
        permissions,
    }
}

const fn property(property: &'static str) -> DefaultGrant {
    DefaultGrant {
        resource_type: "USER_TASK",
        resource_id: None,
        property: Some(property),
        permissions: &["READ", "CLAIM", "COMPLETE"],
    }
}

/// Camunda 8's default roles beyond `admin` and `readonly-admin` (which hold every,
/// or every read-ish, permission of every type and are computed at load).
pub const DEFAULT_ROLES: &[(&str, &[DefaultGrant])] = &[
    (
        "connectors",
        &[
            any(
                "PROCESS_DEFINITION",
                &["READ_PROCESS_DEFINITION", "UPDATE_PROCESS_INSTANCE"],
            ),
            any("MESSAGE", &["CREATE"]),
            any("DOCUMENT", &["CREATE", "READ", "DELETE"]),
        ],
    ),
    (
        "rpa",
        &[
            any("RESOURCE", &["READ"]),
            any("PROCESS_DEFINITION", &["UPDATE_PROCESS_INSTANCE"]),
        ],
    ),
    (
        "app-integrations",
        &[
            any(
                "PROCESS_DEFINITION",
                &[
                    "READ_PROCESS_DEFINITION",
                    "CREATE_PROCESS_INSTANCE",
                    "READ_PROCESS_INSTANCE",
                    "UPDATE_PROCESS_INSTANCE",
                    "READ_USER_TASK",
                    "UPDATE_USER_TASK",
                ],
            ),
            any("DOCUMENT", &["CREATE"]),
        ],
    ),
    (
        "task-worker",
        &[
            property("assignee"),
            property("candidateUsers"),
            property("candidateGroups"),
        ],
    ),
];

/// The PROPERTY matchers of user-task grants.
pub const PROPERTIES: &[&str] = &["assignee", "candidateUsers", "candidateGroups"];
