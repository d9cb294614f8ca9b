//! The diff of two snapshots (SEMANTICS.md §5): every (listed principal,
//! permission, resource) whose decision differs between them.
//!
//! The questions range over what either snapshot's rows name: per resource
//! type named by a row (the derived rows of access controls and default roles
//! included), every permission of the type, on every id a row of the type
//! names and on "any other id" (asked with an id no row names, reported
//! without `resourceId`). The principals are the users (and under `grants`
//! the clients) either snapshot lists.
//!
//! Deciding all of them would be every principal × every question (10^9 on
//! the 100k-row organisation); only what a change can reach is decided. A
//! change of a row reaches its owner (a user, a group's members, a role's
//! holders, everyone for `*` and GLOBAL rows) on its resource (every resource
//! of the type for a `*` or PROPERTY row); a change of a user, group or client
//! reaches every question of the principals concerned; a change of anything
//! else (options, catalogues, types, tenants, roles, mapping rules, bundles,
//! access controls, domains, sources) reaches everything. Under the `auto`
//! revoke mode a REVOKE row also reaches every question of its owners (whether
//! their revokes are consulted at all depends on it), and under `optimize` a
//! row on APPLICATION does (logging in gates every definition), and a row on a
//! definition reaches its owners' reports (row-level security).
//! `tests/run/reference.rs` holds the result to deciding everything.

use std::collections::{BTreeMap, BTreeSet};

use crate::json::ObjectWriter;
use crate::model::{PROPERTY_RESOURCES, WILDCARD};
use crate::wire::{
    AuthorizationDoc, AuthorizationType, GroupDoc, OwnerType, PrincipalDoc, ProfileName,
    RequestDoc, RevokeMode, SnapshotDoc, TypeRef, UserDoc,
};
use crate::{Authorizer, Principal, RequestError};

/// What to compare: all of it, or one user, type or permission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffOptions {
    pub user: Option<String>,
    pub resource_type: Option<String>,
    pub permission: Option<String>,
}

/// Who a changed decision is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Who {
    User(String),
    Client(String),
}

/// One decision that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub who: Who,
    /// Under `camunda7` with several sources: the source it was decided on.
    pub source: Option<String>,
    pub permission: String,
    pub resource_type: String,
    /// `None`: any other id of the type (one no row of either snapshot names).
    pub resource_id: Option<String>,
    pub before: bool,
    pub after: bool,
    pub before_rule: String,
    pub after_rule: String,
    pub rows_before: Vec<String>,
    pub rows_after: Vec<String>,
}

impl Change {
    /// One line of `writ diff`.
    pub fn to_json(&self) -> String {
        let mut text = String::new();
        let mut object = ObjectWriter::new(&mut text);
        match &self.who {
            Who::User(id) => object.str("user", id),
            Who::Client(id) => object.str("client", id),
        };
        object
            .opt_str("source", self.source.as_deref())
            .str("permission", &self.permission)
            .str("resourceType", &self.resource_type)
            .opt_str("resourceId", self.resource_id.as_deref())
            .bool("before", self.before)
            .bool("after", self.after)
            .str("beforeRule", &self.before_rule)
            .str("afterRule", &self.after_rule);
        let rows = object.field("rows");
        let mut inner = ObjectWriter::new(rows);
        inner
            .strs("before", &self.rows_before)
            .strs("after", &self.rows_after);
        inner.end();
        object.end();
        text
    }
}

/// The answer: the changes, sorted, and how many decisions were compared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// (principal, question) pairs decided in both snapshots.
    pub decided: usize,
    /// Whether everything had to be decided (a change of options, types, …).
    pub everything: bool,
}

/// Why two snapshots cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffError {
    /// Different profiles decide differently by design.
    ProfileMismatch { before: String, after: String },
}

impl DiffError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::ProfileMismatch { .. } => "diff.profile_mismatch",
        }
    }
}

impl std::fmt::Display for DiffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ProfileMismatch { before, after } => write!(
                f,
                "the snapshots have different profiles (`{before}` and `{after}`): compare snapshots of one system"
            ),
        }
    }
}

impl std::error::Error for DiffError {}

/// One question: a permission on a resource (`None`: any other id).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Question {
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub permission: String,
}

/// Everything a diff ranges over: the principals, the decision contexts
/// (sources), the questions, and the id asked for "any other id".
#[derive(Debug, Clone, Default)]
pub struct Domain {
    pub users: Vec<String>,
    pub clients: Vec<String>,
    /// `[None]`, or under `camunda7` with several sources each source's name.
    pub sources: Vec<Option<String>>,
    pub questions: Vec<Question>,
    pub other_id: String,
}

impl Domain {
    /// The users, then the clients.
    pub fn principals(&self) -> impl Iterator<Item = Who> + '_ {
        let users = self.users.iter().map(|id| Who::User(id.clone()));
        users.chain(self.clients.iter().map(|id| Who::Client(id.clone())))
    }
}

/// The principals and questions of a diff of `before` and `after`, filtered
/// by `options` (what [`diff`] decides when everything changed).
pub fn domain(before: &Authorizer, after: &Authorizer, options: &DiffOptions) -> Domain {
    // Every type either catalogue holds ("any other id" of each), with the
    // ids the rows name.
    let mut types: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for authorizer in [before, after] {
        let snapshot = &authorizer.snapshot;
        for ty in &snapshot.catalogue.types {
            types.entry(ty.name.to_string()).or_default();
        }
        // What Optimize manages is named by its own lists, not by rows.
        if let Some(managed) = &snapshot.managed {
            for (ty, ids) in [
                ("COLLECTION", &managed.collection_ids),
                ("REPORT", &managed.report_ids),
                ("EVENT_PROCESS", &managed.event_process_ids),
            ] {
                let known = types.entry(ty.to_owned()).or_default();
                for ix in 0..u32::try_from(ids.len()).unwrap_or(u32::MAX) {
                    known.insert(ids.name(ix).to_owned());
                    named.insert(ids.name(ix));
                }
            }
        }
        for source in &snapshot.sources {
            for row in &source.rows {
                let ty = &*snapshot.catalogue.ty(row.ty).name;
                let ids = types.entry(ty.to_owned()).or_default();
                if row.resource != WILDCARD
                    && !PROPERTY_RESOURCES.iter().any(|(ix, _)| *ix == row.resource)
                {
                    let id = source.resources.name(row.resource);
                    ids.insert(id.to_owned());
                    named.insert(id);
                }
            }
        }
    }
    let mut other_id = String::from("writ:other");
    while named.contains(other_id.as_str()) {
        other_id.push('\'');
    }
    let mut questions = Vec::new();
    for (ty, ids) in &types {
        if options
            .resource_type
            .as_ref()
            .is_some_and(|only| only != ty)
        {
            continue;
        }
        let mut permissions: BTreeSet<&str> = BTreeSet::new();
        for authorizer in [before, after] {
            if let Some(ix) = authorizer.snapshot.catalogue.named(ty) {
                permissions.extend(authorizer.snapshot.permission_names(ix));
            }
        }
        for permission in permissions {
            if options
                .permission
                .as_ref()
                .is_some_and(|only| only != permission)
            {
                continue;
            }
            for id in ids.iter().map(|id| Some(id.clone())).chain([None]) {
                questions.push(Question {
                    resource_type: ty.clone(),
                    resource_id: id,
                    permission: permission.to_owned(),
                });
            }
        }
    }
    let mut users: BTreeSet<String> = BTreeSet::new();
    let mut clients: BTreeSet<String> = BTreeSet::new();
    let mut sources: BTreeSet<String> = BTreeSet::new();
    for authorizer in [before, after] {
        // Users an option makes administrators are listed principals too.
        let admins = &authorizer.snapshot.options.admin_users;
        users.extend(admins.iter().map(|admin| admin.to_string()));
        for source in &authorizer.snapshot.sources {
            sources.insert(source.name.to_string());
            for user in 0..u32::try_from(source.users.len()).unwrap_or(u32::MAX) {
                users.insert(source.users.name(user).to_owned());
            }
            let listed = &source.grants.clients;
            for client in 0..u32::try_from(listed.len()).unwrap_or(u32::MAX) {
                clients.insert(listed.name(client).to_owned());
            }
        }
    }
    if let Some(only) = &options.user {
        users.retain(|user| user == only);
        clients.retain(|client| client == only);
    }
    let several = before.profile() == ProfileName::Camunda7
        && (before.snapshot.sources.len() > 1 || after.snapshot.sources.len() > 1);
    Domain {
        users: users.into_iter().collect(),
        clients: clients.into_iter().collect(),
        sources: if several {
            sources.into_iter().map(Some).collect()
        } else {
            vec![None]
        },
        questions,
        other_id,
    }
}

/// What a change reaches: per principal, every question or some.
#[derive(Debug, Default)]
struct Reach {
    everything: bool,
    all_of: BTreeSet<Who>,
    /// (principal, type, resource id: `None` every resource of the type).
    some: BTreeSet<(Who, String, Option<String>)>,
}

/// The elements of two lists of one kind that differ, as (before, after)
/// pairs by id: the common start and end are passed over in order first (one
/// change among 100k rows leaves a few to look up), the rest matched by id.
fn changed<'d, T: PartialEq>(
    before: &'d [T],
    after: &'d [T],
    id: impl Fn(&T) -> &str,
) -> Vec<(Option<&'d T>, Option<&'d T>)> {
    let start = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let (before, after) = (
        before.get(start..).unwrap_or_default(),
        after.get(start..).unwrap_or_default(),
    );
    let end = before
        .iter()
        .rev()
        .zip(after.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (before, after) = (
        before.get(..before.len() - end).unwrap_or_default(),
        after.get(..after.len() - end).unwrap_or_default(),
    );
    let old: BTreeMap<&str, &T> = before.iter().map(|item| (id(item), item)).collect();
    let new: BTreeMap<&str, &T> = after.iter().map(|item| (id(item), item)).collect();
    let mut ids: BTreeSet<&str> = old.keys().copied().collect();
    ids.extend(new.keys().copied());
    ids.into_iter()
        .filter_map(|key| {
            let pair = (old.get(key).copied(), new.get(key).copied());
            (pair.0 != pair.1).then_some(pair)
        })
        .collect()
}

/// Per source (the top level first), its users, groups and rows.
fn lists(doc: &SnapshotDoc) -> Vec<(&[UserDoc], &[GroupDoc], &[AuthorizationDoc])> {
    std::iter::once((&*doc.users, &*doc.groups, &*doc.authorizations))
        .chain(
            doc.sources
                .iter()
                .map(|s| (&*s.users, &*s.groups, &*s.authorizations)),
        )
        .collect()
}

/// The members of each group (in either document, any source), users and
/// clients, and the holders of each role: directly or through a group.
#[derive(Default)]
struct Memberships {
    members: BTreeMap<String, Vec<Who>>,
    holders: BTreeMap<String, Vec<Who>>,
}

impl Memberships {
    fn of(docs: [&SnapshotDoc; 2]) -> Self {
        let mut index = Self::default();
        let mut add = |who: Who, groups: &[String], roles: &[String]| {
            for group in groups {
                index
                    .members
                    .entry(group.clone())
                    .or_default()
                    .push(who.clone());
            }
            for role in roles {
                index
                    .holders
                    .entry(role.clone())
                    .or_default()
                    .push(who.clone());
            }
        };
        for doc in docs {
            for (users, _, _) in lists(doc) {
                for user in users {
                    add(Who::User(user.id.clone()), &user.groups, &user.roles);
                }
            }
            for client in &doc.clients {
                add(
                    Who::Client(client.id.clone()),
                    &client.groups,
                    &client.roles,
                );
            }
        }
        for doc in docs {
            for (_, groups, _) in lists(doc) {
                for group in groups {
                    let through = index.members.get(&group.id).cloned().unwrap_or_default();
                    for role in &group.roles {
                        index
                            .holders
                            .entry(role.clone())
                            .or_default()
                            .extend(through.iter().cloned());
                    }
                }
            }
        }
        index
    }
}

/// Whether two documents differ outside the parts [`changed`] compares one
/// by one (users, groups, rows, clients) and the revision and sequence.
/// Every field is named: a new one must be placed on one side or the other.
fn rest_differs(before: &SnapshotDoc, after: &SnapshotDoc) -> bool {
    let SnapshotDoc {
        format,
        revision: _,
        profile,
        options,
        resource_types,
        tenants,
        users: _,
        groups: _,
        authorizations: _,
        sources,
        catalogues,
        clients: _,
        roles,
        mapping_rules,
        bundles,
        bundle_implications,
        access_controls,
        domains,
        sequence: _,
        optimize,
    } = before;
    *format != after.format
        || *profile != after.profile
        || *options != after.options
        || *resource_types != after.resource_types
        || *tenants != after.tenants
        || *catalogues != after.catalogues
        || *roles != after.roles
        || *mapping_rules != after.mapping_rules
        || *bundles != after.bundles
        || *bundle_implications != after.bundle_implications
        || *access_controls != after.access_controls
        || *domains != after.domains
        || *optimize != after.optimize
        || sources.len() != after.sources.len()
        || sources
            .iter()
            .zip(&after.sources)
            .any(|(a, b)| a.name != b.name)
}

/// What the changes between two documents reach.
/// (`type_name` names a type a row gives by number, or by a string of digits.)
fn reach(before: &SnapshotDoc, after: &SnapshotDoc, type_name: &dyn Fn(&str) -> String) -> Reach {
    let mut reach = Reach::default();
    if rest_differs(before, after) {
        reach.everything = true;
        return reach;
    }
    // Built only when a group or a group's or role's row changed.
    let index: std::cell::OnceCell<Memberships> = std::cell::OnceCell::new();
    let memberships = || index.get_or_init(|| Memberships::of([before, after]));
    let members = |group: &str| {
        memberships()
            .members
            .get(group)
            .cloned()
            .unwrap_or_default()
    };
    let holders = |role: &str| memberships().holders.get(role).cloned().unwrap_or_default();
    let (old, new) = (lists(before), lists(after));
    let mut rows = Vec::new();
    for ((users, groups, authorizations), (users_after, groups_after, authorizations_after)) in
        old.into_iter().zip(new)
    {
        for (a, b) in changed(users, users_after, |user| &user.id) {
            let id = a.or(b).map(|user| user.id.clone()).unwrap_or_default();
            reach.all_of.insert(Who::User(id));
        }
        for (a, b) in changed(groups, groups_after, |group| &group.id) {
            if let Some(group) = a.or(b) {
                reach.all_of.extend(members(&group.id));
            }
        }
        rows.extend(changed(authorizations, authorizations_after, |row| &row.id));
    }
    for (a, b) in changed(&before.clients, &after.clients, |client| &client.id) {
        let id = a.or(b).map(|client| client.id.clone()).unwrap_or_default();
        reach.all_of.insert(Who::Client(id));
    }
    let auto_revokes =
        before.options.revoke_mode == RevokeMode::Auto && before.profile != ProfileName::Grants;
    for (a, b) in rows {
        for row in a.into_iter().chain(b) {
            let everyone = row.kind == AuthorizationType::Global
                || row.user_id.as_deref() == Some("*")
                || row.owner_id.as_deref() == Some("*");
            let owners: Vec<Who> =
                match (&row.user_id, &row.group_id, row.owner_type, &row.owner_id) {
                    (Some(user), _, _, _) | (_, _, Some(OwnerType::User), Some(user)) => {
                        vec![Who::User(user.clone())]
                    }
                    (_, Some(group), _, _) | (_, _, Some(OwnerType::Group), Some(group)) => {
                        members(group)
                    }
                    (_, _, Some(OwnerType::Role), Some(role)) => holders(role),
                    (_, _, Some(OwnerType::Client), Some(client)) => {
                        vec![Who::Client(client.clone())]
                    }
                    // Mapping rules match claims, which no listed principal has here.
                    _ => Vec::new(),
                };
            let ty = match &row.resource_type {
                TypeRef::Name(name) => type_name(name),
                TypeRef::Id(id) => type_name(&id.to_string()),
            };
            let whole_principal = (auto_revokes && row.kind == AuthorizationType::Revoke)
                || (before.profile == ProfileName::Optimize && ty == "APPLICATION");
            let resource = match (&row.resource_id, &row.resource_property_name) {
                (Some(id), None) if id != "*" => Some(id.clone()),
                _ => None,
            };
            // Under `optimize` a report is seen only by who may report on
            // every definition it uses: a definition's row reaches reports too.
            let reports = before.profile == ProfileName::Optimize
                && matches!(ty.as_str(), "PROCESS_DEFINITION" | "DECISION_DEFINITION");
            let mut reached = vec![(ty, resource)];
            if reports {
                reached.push(("REPORT".to_owned(), None));
            }
            if everyone && whole_principal {
                // Every question of everyone.
                reach.everything = true;
                return reach;
            }
            let whos = if everyone {
                vec![Who::User(String::new())]
            } else {
                owners
            };
            for who in whos {
                if whole_principal {
                    reach.all_of.insert(who);
                    continue;
                }
                for (ty, resource) in &reached {
                    reach
                        .some
                        .insert((who.clone(), ty.clone(), resource.clone()));
                }
            }
        }
    }
    reach
}

/// Every decision that differs between `before` and `after` (their documents
/// and the authorizers built from them), within `options`.
///
/// # Errors
/// `diff.profile_mismatch` for snapshots of different profiles.
pub fn diff(
    before_doc: &SnapshotDoc,
    before: &Authorizer,
    after_doc: &SnapshotDoc,
    after: &Authorizer,
    options: &DiffOptions,
) -> Result<Diff, DiffError> {
    if before.profile() != after.profile() {
        return Err(DiffError::ProfileMismatch {
            before: before.profile().as_str().to_owned(),
            after: after.profile().as_str().to_owned(),
        });
    }
    let domain = domain(before, after, options);
    // A type named by number in a row is compared by its name.
    let type_name = |ty: &str| -> String {
        ty.parse::<u32>()
            .ok()
            .and_then(|id| {
                [before, after].into_iter().find_map(|authorizer| {
                    let catalogue = &authorizer.snapshot.catalogue;
                    catalogue
                        .with_id(id)
                        .map(|ix| catalogue.ty(ix).name.to_string())
                })
            })
            .unwrap_or_else(|| ty.to_owned())
    };
    let reach = reach(before_doc, after_doc, &type_name);
    // The questions of a type, and of one resource.
    let mut of_type: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut of_resource: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (ix, question) in domain.questions.iter().enumerate() {
        of_type.entry(&question.resource_type).or_default().push(ix);
        if let Some(id) = &question.resource_id {
            of_resource
                .entry((&question.resource_type, id))
                .or_default()
                .push(ix);
        }
    }
    // (`reach` names every type by its name.)
    let on = |ty: &str, id: Option<&String>| -> Vec<usize> {
        let found = match id {
            None => of_type.get(ty),
            Some(id) => of_resource.get(&(ty, id.as_str())),
        };
        found.cloned().unwrap_or_default()
    };
    let everyone = Who::User(String::new());
    let everyones: BTreeSet<usize> = reach
        .some
        .range((everyone.clone(), String::new(), None)..)
        .take_while(|(who, _, _)| *who == everyone)
        .flat_map(|(_, ty, id)| on(ty, id.as_ref()))
        .collect();

    let mut result = Diff {
        everything: reach.everything,
        ..Diff::default()
    };
    for who in domain.principals() {
        let asked: Vec<usize> = if reach.everything || reach.all_of.contains(&who) {
            (0..domain.questions.len()).collect()
        } else {
            let mut asked = everyones.clone();
            asked.extend(
                reach
                    .some
                    .range((who.clone(), String::new(), None)..)
                    .take_while(|(other, _, _)| *other == who)
                    .flat_map(|(_, ty, id)| on(ty, id.as_ref())),
            );
            asked.into_iter().collect()
        };
        if asked.is_empty() {
            continue;
        }
        for source in &domain.sources {
            let sides =
                [before, after].map(|authorizer| (authorizer, handle(authorizer, &who, source)));
            for question in asked.iter().filter_map(|&ix| domain.questions.get(ix)) {
                result.decided += 1;
                let id = question.resource_id.as_deref().unwrap_or(&domain.other_id);
                let [was, is] = sides.each_ref().map(|(authorizer, principal)| {
                    principal.as_ref().ok().and_then(|principal| {
                        authorizer
                            .can(
                                principal,
                                &question.permission,
                                &question.resource_type,
                                Some(id),
                            )
                            .ok()
                    })
                });
                // A principal or question one snapshot cannot answer is a deny there.
                if was.unwrap_or(false) == is.unwrap_or(false) {
                    continue;
                }
                let [
                    (before_allowed, before_rule, rows_before),
                    (after_allowed, after_rule, rows_after),
                ] = [before, after]
                    .map(|authorizer| explained(authorizer, &who, source, question, id));
                result.changes.push(Change {
                    who: who.clone(),
                    source: source.clone(),
                    permission: question.permission.clone(),
                    resource_type: question.resource_type.clone(),
                    resource_id: question.resource_id.clone(),
                    before: before_allowed,
                    after: after_allowed,
                    before_rule,
                    after_rule,
                    rows_before,
                    rows_after,
                });
            }
        }
    }
    Ok(result)
}

/// A principal handle in one snapshot (an error where it cannot be resolved).
fn handle(
    authorizer: &Authorizer,
    who: &Who,
    source: &Option<String>,
) -> Result<Principal, RequestError> {
    let (user, client) = match who {
        Who::User(id) => (Some(id.clone()), None),
        Who::Client(id) => (None, Some(id.clone())),
    };
    authorizer.principal(&PrincipalDoc {
        user,
        client,
        source: source.clone(),
        ..PrincipalDoc::default()
    })
}

/// One side's decision explained: allowed, rule, rows (an error's code as the
/// rule: a type or permission one snapshot does not know).
fn explained(
    authorizer: &Authorizer,
    who: &Who,
    source: &Option<String>,
    question: &Question,
    id: &str,
) -> (bool, String, Vec<String>) {
    let (user, client) = match who {
        Who::User(id) => (Some(id.clone()), None),
        Who::Client(id) => (None, Some(id.clone())),
    };
    let request = RequestDoc {
        user,
        client,
        source: source.clone(),
        permission: Some(question.permission.clone()),
        resource_type: Some(TypeRef::Name(question.resource_type.clone())),
        resource_id: Some(id.to_owned()),
        ..RequestDoc::default()
    };
    match authorizer.explain(&request) {
        Ok(decision) => {
            let explanation = decision.explanation.unwrap_or_default();
            (decision.allowed, explanation.rule, explanation.rows)
        }
        Err(error) => (false, error.code().to_owned(), Vec::new()),
    }
}

/// Per user (client) and per resource type, how many decisions changed
/// (`writ diff --summary`).
pub fn summary(changes: &[Change]) -> String {
    let mut users: BTreeMap<&str, u64> = BTreeMap::new();
    let mut clients: BTreeMap<&str, u64> = BTreeMap::new();
    let mut types: BTreeMap<&str, u64> = BTreeMap::new();
    for change in changes {
        let counts = match &change.who {
            Who::User(id) => users.entry(id),
            Who::Client(id) => clients.entry(id),
        };
        *counts.or_default() += 1;
        *types.entry(&change.resource_type).or_default() += 1;
    }
    let mut text = String::new();
    let mut object = ObjectWriter::new(&mut text);
    object.u64("changes", changes.len() as u64);
    for (name, counts) in [
        ("users", users),
        ("clients", clients),
        ("resourceTypes", types),
    ] {
        let field = object.field(name);
        let mut inner = ObjectWriter::new(field);
        for (key, count) in counts {
            inner.u64(key, count);
        }
        inner.end();
    }
    object.end();
    text
}

/// Drift against an external system fed by a derived membership: who is
/// eligible (the listed users a request allows) against who is a member.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drift {
    pub eligible: usize,
    /// Eligible, not a member: to be added.
    pub to_add: Vec<String>,
    /// A member the snapshot lists who is not eligible: to be removed (the
    /// Emporix → Make case: the role was taken away, the membership stayed).
    pub to_remove: Vec<String>,
    /// Members the snapshot does not list.
    pub unknown: Vec<String>,
}

impl Drift {
    /// What `writ drift` prints.
    pub fn to_json(&self) -> String {
        let mut text = String::new();
        let mut object = ObjectWriter::new(&mut text);
        object
            .u64("eligible", self.eligible as u64)
            .strs("toAdd", &self.to_add)
            .strs("toRemove", &self.to_remove)
            .strs("unknown", &self.unknown);
        object.end();
        text
    }
}

/// The drift of `members` from the users any of `eligible` (requests
/// without a principal) allows.
///
/// # Errors
/// As [`Authorizer::who_can`].
pub fn drift(
    authorizer: &Authorizer,
    eligible: &[RequestDoc],
    members: &[String],
) -> Result<Drift, RequestError> {
    let mut allowed: BTreeSet<String> = BTreeSet::new();
    for request in eligible {
        allowed.extend(authorizer.who_can(request, false)?.users);
    }
    let listed: BTreeSet<&str> = authorizer
        .snapshot
        .sources
        .iter()
        .flat_map(|source| {
            (0..u32::try_from(source.users.len()).unwrap_or(u32::MAX))
                .map(|user| source.users.name(user))
        })
        .collect();
    let members: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    Ok(Drift {
        eligible: allowed.len(),
        to_add: allowed
            .iter()
            .filter(|user| !members.contains(user.as_str()))
            .cloned()
            .collect(),
        to_remove: members
            .iter()
            .filter(|member| listed.contains(*member) && !allowed.contains(**member))
            .map(|member| (*member).to_owned())
            .collect(),
        unknown: members
            .iter()
            .filter(|member| !listed.contains(*member))
            .map(|member| (*member).to_owned())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_passes_over_the_common_start_and_end_and_matches_the_rest_by_id() {
        fn id<'a>(item: &'a (&'static str, u8)) -> &'a str {
            item.0
        }
        let before = [("a", 1), ("b", 1), ("c", 1), ("d", 1)];
        let after = [("a", 1), ("c", 2), ("b", 1), ("e", 1), ("d", 1)];
        // b moved (unchanged), c changed, e added.
        assert_eq!(
            changed(&before, &after, id),
            [(Some(&("c", 1)), Some(&("c", 2))), (None, Some(&("e", 1)))]
        );
        assert!(changed(&before, &before, id).is_empty());
        assert_eq!(changed(&before[..1], &[], id), [(Some(&("a", 1)), None)]);
    }

    #[test]
    fn summary_counts_per_principal_and_type() {
        let change = |who: Who, ty: &str| Change {
            who,
            source: None,
            permission: "READ".into(),
            resource_type: ty.into(),
            resource_id: None,
            before: false,
            after: true,
            before_rule: "no_match".into(),
            after_rule: "grants.match".into(),
            rows_before: Vec::new(),
            rows_after: vec!["r".into()],
        };
        let changes = [
            change(Who::User("u".into()), "A"),
            change(Who::User("u".into()), "B"),
            change(Who::Client("c".into()), "A"),
        ];
        assert_eq!(
            summary(&changes),
            r#"{"changes":3,"users":{"u":2},"clients":{"c":1},"resourceTypes":{"A":2,"B":1}}"#
        );
        assert_eq!(
            changes[2].to_json(),
            r#"{"client":"c","permission":"READ","resourceType":"A","before":false,"after":true,"beforeRule":"no_match","afterRule":"grants.match","rows":{"before":[],"after":["r"]}}"#
        );
    }
}
