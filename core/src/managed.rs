//! What Optimize manages itself (`SEMANTICS.md` §2.1): collections with
//! members and roles, reports (in a collection or private), who manages
//! event-based processes and who may use each. Authorization rows govern none
//! of it; only the login and a report's definitions are decided by rows.
//!
//! Under `optimize` these are asked as resource types of their own:
//! `COLLECTION` (`COLLECTION_VIEW`, `COLLECTION_EDIT_CONTENT`,
//! `COLLECTION_MANAGE`), `REPORT` (`REPORT_VIEW`, `REPORT_EDIT`, beside the
//! engine's CRUD permissions of that type, which rows still decide) and
//! `EVENT_PROCESS` (`EVENT_PROCESS_READ`, `EVENT_PROCESS_MANAGE`).

use crate::prelude::*;

use crate::camunda7::Outcome;
use crate::catalogue::ALL_BITS;
use crate::error::RequestError;
use crate::error::SnapshotError;
use crate::eval::{Check, Verdict, explanation, why};
use crate::intern::Interner;
use crate::model::{ResourceType, Source};
use crate::principal::{Principal, SourcePrincipal};
use crate::snapshot::{At, Fallible, non_empty, unique};
use crate::wire::{AccessDoc, CollectionRole, DefinitionKind, MemberDoc, OptimizeDoc, ReportDoc};
use crate::wire::{AssignmentDoc, DecisionDoc, ExplanationDoc};

/// The permissions of `COLLECTION`: the role each needs.
pub(crate) const COLLECTION_PERMISSIONS: [(&str, u32, CollectionRole); 3] = [
    ("COLLECTION_VIEW", 1, CollectionRole::Viewer),
    ("COLLECTION_EDIT_CONTENT", 2, CollectionRole::Editor),
    ("COLLECTION_MANAGE", 4, CollectionRole::Manager),
];
/// The permissions added to the engine's `REPORT` type: the role each needs
/// in the report's collection.
pub(crate) const REPORT_PERMISSIONS: [(&str, u32, CollectionRole); 2] = [
    ("REPORT_VIEW", 1 << 5, CollectionRole::Viewer),
    ("REPORT_EDIT", 1 << 6, CollectionRole::Editor),
];
pub(crate) const EVENT_PROCESS_READ: u32 = 1;
pub(crate) const EVENT_PROCESS_MANAGE: u32 = 2;
/// The integer ids of the two types Optimize adds (no engine type has them).
const COLLECTION_TYPE_ID: u32 = 1000;
const EVENT_PROCESS_TYPE_ID: u32 = 1001;

/// The Camunda 7 types with Optimize's: `REPORT` gains `REPORT_VIEW` and
/// `REPORT_EDIT`, and `COLLECTION` and `EVENT_PROCESS` are added.
pub(crate) fn add_types(types: &mut Vec<ResourceType>) {
    if let Some(report) = types.iter_mut().find(|ty| &*ty.name == "REPORT") {
        report.permissions.extend(
            REPORT_PERMISSIONS
                .iter()
                .map(|&(name, bits, _)| (name.into(), bits)),
        );
    }
    types.push(ResourceType {
        name: "COLLECTION".into(),
        id: COLLECTION_TYPE_ID,
        permissions: COLLECTION_PERMISSIONS
            .iter()
            .map(|&(name, bits, _)| (name.into(), bits))
            .collect(),
        implicit_all: false,
    });
    types.push(ResourceType {
        name: "EVENT_PROCESS".into(),
        id: EVENT_PROCESS_TYPE_ID,
        permissions: vec![
            ("EVENT_PROCESS_READ".into(), EVENT_PROCESS_READ),
            ("EVENT_PROCESS_MANAGE".into(), EVENT_PROCESS_MANAGE),
        ],
        implicit_all: false,
    });
}

/// Which managed question a check is, if it is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Asked {
    Collection(CollectionRole),
    Report(CollectionRole),
    EventProcessRead,
    EventProcessManage,
}

impl Asked {
    /// The managed question of (type name, bits): `None` for a question rows decide.
    pub(crate) fn of(type_name: &str, bits: u32) -> Option<Self> {
        let role = |table: &[(&str, u32, CollectionRole)]| {
            table
                .iter()
                .find(|&&(_, b, _)| b == bits)
                .map(|&(_, _, role)| role)
        };
        match type_name {
            "COLLECTION" => role(&COLLECTION_PERMISSIONS).map(Self::Collection),
            "REPORT" => role(&REPORT_PERMISSIONS).map(Self::Report),
            "EVENT_PROCESS" if bits == EVENT_PROCESS_READ => Some(Self::EventProcessRead),
            "EVENT_PROCESS" if bits == EVENT_PROCESS_MANAGE => Some(Self::EventProcessManage),
            _ => None,
        }
    }

    /// Whether the question needs a resource id.
    pub(crate) fn needs_id(self) -> bool {
        self != Self::EventProcessManage
    }
}

/// A member or an access list entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Member {
    User(Box<str>),
    Group(Box<str>),
}

impl Member {
    /// `user `kermit`` or `group `accounting``.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::User(id) => format!("user `{id}`"),
            Self::Group(id) => format!("group `{id}`"),
        }
    }

    fn matches(&self, user: &str, groups: &[&str]) -> bool {
        match self {
            Self::User(id) => **id == *user,
            Self::Group(id) => groups.contains(&&**id),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Collection {
    pub id: Box<str>,
    pub members: Vec<(Member, CollectionRole)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// Its collection (an index into [`Managed::collections`]), or `None`: private.
    pub collection: Option<usize>,
    pub owner: Option<Box<str>>,
    pub definitions: Vec<(DefinitionKind, Box<str>)>,
}

/// Optimize's own data, resolved.
#[derive(Debug, Clone, Default)]
pub(crate) struct Managed {
    pub collections: Vec<Collection>,
    pub collection_ids: Interner,
    pub reports: Vec<Report>,
    pub report_ids: Interner,
    /// Who manages event-based processes.
    pub managers: Vec<Member>,
    pub event_processes: Vec<Vec<Member>>,
    pub event_process_ids: Interner,
}

impl Managed {
    /// The principal's role in a collection: the highest of its own
    /// membership's and its groups', with the membership that gave it.
    pub(crate) fn role(
        &self,
        collection: usize,
        user: &str,
        groups: &[&str],
    ) -> Option<(CollectionRole, &Member)> {
        let collection = self.collections.get(collection)?;
        let mut best: Option<(CollectionRole, &Member)> = None;
        for (member, role) in &collection.members {
            if member.matches(user, groups) && best.is_none_or(|(held, _)| *role > held) {
                best = Some((*role, member));
            }
        }
        best
    }

    /// The entry of a list that lets the principal in, if any.
    pub(crate) fn listed<'m>(
        list: &'m [Member],
        user: &str,
        groups: &[&str],
    ) -> Option<&'m Member> {
        list.iter().find(|member| member.matches(user, groups))
    }

    /// The last-manager rule: whether `collection` keeps a MANAGER member when
    /// `member`'s role becomes `role` (`None`: the membership is removed).
    pub(crate) fn keeps_a_manager(
        &self,
        collection: usize,
        member: &Member,
        role: Option<CollectionRole>,
    ) -> bool {
        let Some(collection) = self.collections.get(collection) else {
            return false;
        };
        role == Some(CollectionRole::Manager)
            || collection
                .members
                .iter()
                .any(|(other, held)| other != member && *held == CollectionRole::Manager)
    }
}

/// Resolves and validates `doc.optimize`: members name listed users and
/// groups (of any source), each collection has a manager, ids are unique.
#[inline(never)]
pub(crate) fn build(doc: &OptimizeDoc, sources: &[Source]) -> Fallible<Managed> {
    let root = At::ROOT.key("optimize");
    // A user (a group) id at `at`: not empty, and listed by some source.
    let user_at = |id: &str, at: At<'_>| -> Fallible<Member> {
        non_empty(id, at)?;
        if !sources.iter().any(|s| s.users.get(id).is_some()) {
            return Err(SnapshotError::UnknownUser {
                path: at.path(),
                id: id.to_owned(),
            }
            .into());
        }
        Ok(Member::User(id.into()))
    };
    let group_at = |id: &str, at: At<'_>| -> Fallible<Member> {
        non_empty(id, at)?;
        if !sources.iter().any(|s| s.groups.get(id).is_some()) {
            return Err(crate::snapshot::unknown_group(at.path(), id.to_owned()).into());
        }
        Ok(Member::Group(id.into()))
    };
    // As an authorization row's owner: exactly one of the two.
    let member = |user: &Option<String>, group: &Option<String>, at: At<'_>| -> Fallible<Member> {
        match (user, group) {
            (Some(_), Some(_)) => Err(SnapshotError::BothOwners {
                path: at.key("groupId").path(),
            }
            .into()),
            (None, None) => Err(SnapshotError::MissingOwner {
                path: at.key("userId").path(),
            }
            .into()),
            (Some(user), None) => user_at(user, at.key("userId")),
            (None, Some(group)) => group_at(group, at.key("groupId")),
        }
    };
    let access = |list: &[AccessDoc], at: At<'_>| -> Fallible<Vec<Member>> {
        list.iter()
            .enumerate()
            .map(|(i, entry)| member(&entry.user_id, &entry.group_id, at.index(i)))
            .collect()
    };
    let mut managed = Managed::default();
    let add_report = |managed: &mut Managed,
                      collection: Option<usize>,
                      report: &ReportDoc,
                      at: At<'_>|
     -> Fallible<()> {
        unique(&mut managed.report_ids, &report.id, at.key("id"))?;
        if let Some(owner) = &report.owner {
            user_at(owner, at.key("owner"))?;
        } else if collection.is_none() {
            return Err(SnapshotError::MissingOwner {
                path: at.key("owner").path(),
            }
            .into());
        }
        let list = at.key("definitions");
        for (k, definition) in report.definitions.iter().enumerate() {
            non_empty(&definition.key, list.index(k).key("key"))?;
        }
        managed.reports.push(Report {
            collection,
            owner: report.owner.as_deref().map(Into::into),
            definitions: report
                .definitions
                .iter()
                .map(|definition| (definition.kind, definition.key.as_str().into()))
                .collect(),
        });
        Ok(())
    };
    let collections = root.key("collections");
    for (i, collection) in doc.collections.iter().enumerate() {
        let at = collections.index(i);
        unique(&mut managed.collection_ids, &collection.id, at.key("id"))?;
        let list = at.key("members");
        let members = collection
            .members
            .iter()
            .enumerate()
            .map(
                |(
                    j,
                    MemberDoc {
                        user_id,
                        group_id,
                        role,
                    },
                )| { Ok((member(user_id, group_id, list.index(j))?, *role)) },
            )
            .collect::<Fallible<Vec<_>>>()?;
        if !members
            .iter()
            .any(|(_, role)| *role == CollectionRole::Manager)
        {
            return Err(SnapshotError::CollectionWithoutManager {
                path: at.path(),
                id: collection.id.clone(),
            }
            .into());
        }
        managed.collections.push(Collection {
            id: collection.id.as_str().into(),
            members,
        });
        let list = at.key("reports");
        for (j, report) in collection.reports.iter().enumerate() {
            add_report(&mut managed, Some(i), report, list.index(j))?;
        }
    }
    let private = root.key("reports");
    for (j, report) in doc.reports.iter().enumerate() {
        add_report(&mut managed, None, report, private.index(j))?;
    }
    let managers = root.key("eventBasedProcess");
    let (users, groups) = (
        managers.key("authorizedUserIds"),
        managers.key("authorizedGroupIds"),
    );
    // Plain lists of ids: the path is the element's.
    let listed = &doc.event_based_process;
    for (i, user) in listed.authorized_user_ids.iter().enumerate() {
        managed.managers.push(user_at(user, users.index(i))?);
    }
    for (i, group) in listed.authorized_group_ids.iter().enumerate() {
        managed.managers.push(group_at(group, groups.index(i))?);
    }
    let processes = root.key("eventProcesses");
    for (i, process) in doc.event_processes.iter().enumerate() {
        let at = processes.index(i);
        unique(&mut managed.event_process_ids, &process.id, at.key("id"))?;
        managed
            .event_processes
            .push(access(&process.access, at.key("access"))?);
    }
    Ok(managed)
}

/// Rows may not govern what Optimize manages: a row on `COLLECTION` or
/// `EVENT_PROCESS` (checked before its permissions: `named` is `None`), or
/// one naming `REPORT_VIEW` or `REPORT_EDIT` (`ALL`, every permission, is the
/// engine's and allowed).
pub(crate) fn refuse_row(ty: &ResourceType, named: Option<u32>, at: At<'_>) -> Fallible<()> {
    let managed_bits: u32 = REPORT_PERMISSIONS.iter().map(|&(_, bits, _)| bits).sum();
    let what = match (&*ty.name, ty.id, named) {
        ("COLLECTION", COLLECTION_TYPE_ID, None)
        | ("EVENT_PROCESS", EVENT_PROCESS_TYPE_ID, None) => {
            format!("resource type `{}`", ty.name)
        }
        ("REPORT", _, Some(named))
            if ty.permissions.len() > 4 && named != ALL_BITS && named & managed_bits != 0 =>
        {
            "`REPORT_VIEW` and `REPORT_EDIT`".to_owned()
        }
        _ => return Ok(()),
    };
    let at = if named.is_none() {
        at.key("resourceType")
    } else {
        at.key("permissions")
    };
    Err(SnapshotError::OptimizeManaged {
        path: at.path(),
        what,
    }
    .into())
}

impl crate::model::Snapshot {
    /// The last-manager rule on a proposed change of a collection's member
    /// (`writ assign --collection`): refused when no MANAGER would remain.
    pub(crate) fn collection_change(
        &self,
        doc: &AssignmentDoc,
    ) -> Result<DecisionDoc, Box<RequestError>> {
        let Some(data) = self.managed.as_deref() else {
            return Err(RequestError::Malformed {
                message: format!(
                    "collections are Optimize's: this snapshot's profile is `{}`",
                    self.profile.as_str()
                ),
            }
            .into());
        };
        let name = doc.collection.as_deref().unwrap_or_default();
        let collection = data
            .collection_ids
            .get(name)
            .and_then(to_index)
            .ok_or_else(|| RequestError::UnknownEntity {
                kind: "collection",
                id: name.to_owned(),
            })?;
        let member = match (&doc.user, &doc.group, &doc.access_control) {
            (Some(user), None, None) => Member::User(user.as_str().into()),
            (None, Some(group), None) => Member::Group(group.as_str().into()),
            _ => {
                return Err(RequestError::Malformed {
                    message: "a collection change names one member: `user` or `group`".into(),
                }
                .into());
            }
        };
        let keeps = data.keeps_a_manager(collection, &member, doc.role);
        let change = doc.role.map_or_else(
            || format!("removing {}", member.describe()),
            |role| format!("{} as {}", member.describe(), role.as_str()),
        );
        Ok(DecisionDoc {
            allowed: keeps,
            explanation: Some(explanation(
                if keeps {
                    "optimize.collection_change"
                } else {
                    "optimize.last_manager"
                },
                if keeps {
                    format!("collection `{name}` keeps a MANAGER after {change}")
                } else {
                    format!("collection `{name}` would have no MANAGER left after {change}")
                },
                None,
                Vec::new(),
            )),
        })
    }

    /// A question about what Optimize manages: the login first (rows decide
    /// it), then the collection role, the report's owner or the lists, then
    /// for a report every definition it uses (rows decide READ_HISTORY).
    #[inline(never)]
    pub(crate) fn optimize_managed(
        &self,
        principal: &Principal,
        check: Check<'_>,
        asked: Asked,
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        let decided = |allowed: bool, rule: &str, reason: &dyn Fn() -> String| Verdict {
            outcome: if allowed {
                Outcome::Allow
            } else {
                Outcome::Deny
            },
            explanation: why(explain, || explanation(rule, reason(), None, Vec::new())),
        };
        let login = self.optimize_login()?;
        let sources: Vec<(&SourcePrincipal, &Source)> = principal
            .sources
            .iter()
            .filter_map(|sp| self.source(sp).map(|source| (sp, source)))
            .collect();
        if !sources
            .iter()
            .any(|&(sp, source)| Self::logs_in(login, sp, source))
        {
            return Ok(decided(false, "optimize.login_required", &|| {
                "the user may not log in to Optimize".into()
            }));
        }
        let empty = Managed::default();
        let data = self.managed.as_deref().unwrap_or(&empty);
        let user = &*principal.user;
        // The groups listed where the user is, and claimed ones no source lists.
        let groups: Vec<&str> = sources
            .iter()
            .flat_map(|&(sp, source)| {
                let listed = sp.groups.iter().map(|&group| source.groups.name(group));
                listed.chain(sp.reach.group_names.iter().map(|name| &**name))
            })
            .collect();
        let id = check.resource_id.unwrap_or_default();
        let via = |member: &Member| match member {
            Member::User(_) => "as a member".to_owned(),
            Member::Group(group) => format!("through group `{group}`"),
        };
        // The role rule of one collection, for a permission needing `needed`.
        let by_role = |collection: Option<usize>, needed: CollectionRole, what: &str| -> Verdict {
            let name = collection
                .and_then(|ix| data.collections.get(ix))
                .map_or(id, |collection| &*collection.id);
            match collection.map(|ix| (ix, data.role(ix, user, &groups))) {
                None => decided(false, "optimize.not_a_member", &|| {
                    format!("no collection `{name}`")
                }),
                Some((_, None)) => decided(false, "optimize.not_a_member", &|| {
                    format!(
                        "user `{user}` is not a member of collection `{name}`, nor is any of their groups"
                    )
                }),
                Some((_, Some((role, member)))) => {
                    let allowed = role >= needed;
                    decided(allowed, "optimize.collection_role", &|| {
                        format!(
                            "role {} in collection `{name}` ({}) {} {} for {what}",
                            role.as_str(),
                            via(member),
                            if allowed { "meets" } else { "is below" },
                            needed.as_str()
                        )
                    })
                }
            }
        };
        let verdict = match asked {
            Asked::Collection(needed) => by_role(
                data.collection_ids.get(id).and_then(to_index),
                needed,
                check.permission,
            ),
            Asked::Report(needed) => {
                let Some(report) = data
                    .report_ids
                    .get(id)
                    .and_then(to_index)
                    .and_then(|ix| data.reports.get(ix))
                else {
                    return Ok(decided(false, "optimize.unknown_report", &|| {
                        format!("no report `{id}`")
                    }));
                };
                let access = match (report.collection, report.owner.as_deref()) {
                    (Some(collection), _) => by_role(Some(collection), needed, check.permission),
                    (None, owner) => {
                        let owner = owner.unwrap_or_default();
                        decided(owner == user, "optimize.private_report", &|| {
                            if owner == user {
                                format!("report `{id}` is private to user `{owner}`, who asks")
                            } else {
                                format!("report `{id}` is private to user `{owner}`")
                            }
                        })
                    }
                };
                if !access.allowed() {
                    return Ok(access);
                }
                // Row-level security: every definition it uses.
                for (kind, key) in &report.definitions {
                    let ty = self.resolve_type_name(kind.resource_type())?;
                    let definition = self.resolve_check(ty, "READ_HISTORY", Some(key))?;
                    let verdict = self.optimize(principal, definition, explain)?;
                    if !verdict.allowed() {
                        return Ok(Verdict {
                            outcome: Outcome::Deny,
                            explanation: verdict.explanation.map(|inner| {
                                Box::new(ExplanationDoc {
                                    rule: "optimize.report_definition_denied".into(),
                                    reason: format!(
                                        "report `{id}` uses {} `{key}`, which the user may not report on: {}",
                                        kind.resource_type(),
                                        inner.reason
                                    ),
                                    ..*inner
                                })
                            }),
                        });
                    }
                }
                access
            }
            Asked::EventProcessManage => {
                let listed = Managed::listed(&data.managers, user, &groups);
                decided(listed.is_some(), "optimize.event_process_manager", &|| {
                    listed.map_or_else(
                        || "neither the user nor any of their groups is in `eventBasedProcess.authorizedUserIds` or `authorizedGroupIds`".to_owned(),
                        |member| format!("{} may manage event-based processes", member.describe()),
                    )
                })
            }
            Asked::EventProcessRead => {
                let Some(access) = data
                    .event_process_ids
                    .get(id)
                    .and_then(to_index)
                    .and_then(|ix| data.event_processes.get(ix))
                else {
                    return Ok(decided(false, "optimize.event_process_access", &|| {
                        format!("no event-based process `{id}`")
                    }));
                };
                let listed = Managed::listed(access, user, &groups);
                decided(listed.is_some(), "optimize.event_process_access", &|| {
                    listed.map_or_else(
                        || format!("neither the user nor any of their groups is on the access list of event-based process `{id}`"),
                        |member| format!("{} is on the access list of event-based process `{id}`", member.describe()),
                    )
                })
            }
        };
        Ok(verdict)
    }
}

fn to_index(ix: u32) -> Option<usize> {
    usize::try_from(ix).ok()
}
