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
