//! A deliberately naive reference evaluator, written straight from `SEMANTICS.md`
//! §1 (`camunda7`) and §2 (`optimize`) plus the team's decisions on top of them.
//!
//! It works on the wire documents themselves: plain strings, linear scans over every
//! row for every question, no interning, no index, nothing precomputed. It is slow
//! on purpose; what it buys is a second, independent reading of the rules that the
//! property test (`tests/run/reference.rs`) holds the indexed evaluator to.
//!
//! Errors are the stable codes only (`request.unknown_permission`), since the
//! property test compares codes, never messages.

use std::collections::BTreeSet;

use writ_core::catalogue::{ALL_BITS, CAMUNDA7_TYPES};
use writ_core::wire::{
    AuthorizationDoc, AuthorizationType, CheckDoc, GroupDoc, ListDoc, ListRequestDoc,
    PermissionsRequestDoc, ProfileName, RequestDoc, RevokeMode, SnapshotDoc, TypeRef, UserDoc,
};

const WILDCARD: &str = "*";
const ALL: &str = "ALL";
const NONE: &str = "NONE";
const CAMUNDA_ADMIN: &str = "camunda-admin";
const DEFAULT_SOURCE: &str = "default";
/// The Optimize login check: APPLICATION ACCESS on `optimize`.
const OPTIMIZE_APP: &str = "optimize";

/// The reference answer to one check request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub allowed: bool,
    /// For `camunda7` single (non-composite) checks: the ids of every row that
    /// qualifies at the first step that matched, in document order (empty when no
    /// step matched, or when authorization checks are off). `None` otherwise.
    pub rows: Option<Vec<String>>,
    /// The permission part allowed but the tenant conjunct denied.
    pub tenant_denied: bool,
}

/// One check request: allowed or not (and, for `camunda7` single checks, the
/// deciding rows).
///
/// # Errors
/// The stable code of the request error, e.g. `request.unknown_permission`.
pub fn check(doc: &SnapshotDoc, req: &RequestDoc) -> Result<Reference, String> {
    let asked = Principal::resolve(
        doc,
        req.user.as_deref(),
        req.groups.as_deref(),
        req.source.as_deref(),
        req.profile,
    )?;
    let shape = shape(req)?;
    let mut checks = Vec::new();
    for check in shape.checks() {
        checks.push(Check::resolve(doc, check)?);
    }
    // Names first, then what the profile needs of them: every check of a composite
    // is validated, not only those evaluation reaches.
    if asked.profile == ProfileName::Optimize
        && checks
            .iter()
            .any(|check| check.resource_id.is_none() && check.ty.name != "TENANT")
    {
        return Err("request.missing_resource_id".into());
    }

    let (permitted, rows) = match asked.profile {
        ProfileName::Camunda7 => {
            let source = asked.only_source();
            if !doc.options.authorization_checks {
                let rows = matches!(shape, Shape::Single(_)).then(Vec::new);
                (true, rows)
            } else {
                let decisions: Vec<Tri> = checks
                    .iter()
                    .map(|check| camunda7_single(doc, source, &asked, check))
                    .collect();
                match shape {
                    Shape::Single(_) => {
                        let decision = decisions.into_iter().next().unwrap_or(Tri::NoMatch);
                        (decision.allows(), Some(decision.rows()))
                    }
                    Shape::AnyOf(_) => {
                        let first = decisions.iter().find(|d| !matches!(d, Tri::NoMatch));
                        (first.is_some_and(Tri::allows), None)
                    }
                    Shape::AllOf(_) => (decisions.iter().all(Tri::allows), None),
                }
            }
        }
        ProfileName::Optimize => {
            let decisions: Vec<Tri> = checks
                .iter()
                .map(|check| optimize_single(&asked, check))
                .collect();
            let permitted = match shape {
                Shape::Single(_) | Shape::AllOf(_) => decisions.iter().all(Tri::allows),
                Shape::AnyOf(_) => decisions
                    .iter()
                    .find(|d| !matches!(d, Tri::NoMatch))
                    .is_some_and(Tri::allows),
            };
            (permitted, None)
        }
    };
    let tenant_ok = !permitted || tenant_allows(doc, &asked, req.tenant_id.as_deref());
    Ok(Reference {
        allowed: permitted && tenant_ok,
        rows,
        tenant_denied: !tenant_ok,
    })
}

/// Every permission the principal holds on one resource: the type's named
/// permissions in catalogue order, then `ALL` when it is held.
///
/// # Errors
/// The stable code of the request error.
pub fn permissions(doc: &SnapshotDoc, req: &PermissionsRequestDoc) -> Result<Vec<String>, String> {
    let asked = Principal::resolve(
        doc,
        req.user.as_deref(),
        req.groups.as_deref(),
        req.source.as_deref(),
        req.profile,
    )?;
    let ty = Type::resolve(doc, &req.resource_type)?;
    if asked.profile == ProfileName::Optimize && req.resource_id.is_none() && ty.name != "TENANT" {
        return Err("request.missing_resource_id".into());
    }
    let names = ty
        .permissions
        .iter()
        .map(|(name, _)| name.clone())
        .chain(std::iter::once(ALL.to_owned()));
    let mut held = Vec::new();
    for name in names {
        let check = Check {
            ty: ty.clone(),
            bits: ty.bits(&name).unwrap_or(ALL_BITS),
            permission: name.clone(),
            resource_id: req.resource_id.clone(),
        };
        let permitted = match asked.profile {
            ProfileName::Camunda7 => {
                !doc.options.authorization_checks
                    || camunda7_single(doc, asked.only_source(), &asked, &check).allows()
            }
            ProfileName::Optimize => optimize_single(&asked, &check).allows(),
        };
        if permitted && tenant_allows(doc, &asked, req.tenant_id.as_deref()) {
            held.push(name);
        }
    }
    Ok(held)
}

/// Which resources of a type the principal may see with a permission.
///
/// # Errors
/// The stable code of the request error.
pub fn list(doc: &SnapshotDoc, req: &ListRequestDoc) -> Result<ListDoc, String> {
    let asked = Principal::resolve(
        doc,
        req.user.as_deref(),
        req.groups.as_deref(),
        req.source.as_deref(),
        req.profile,
    )?;
    let ty = Type::resolve(doc, &req.resource_type)?;
    let bits = ty
        .bits(&req.permission)
        .ok_or("request.unknown_permission")?;
    match asked.profile {
        ProfileName::Camunda7 => Ok(camunda7_list(doc, &asked, &ty, &req.permission, bits)),
        ProfileName::Optimize => Ok(optimize_list(&asked, &ty, &req.permission)),
    }
}

// ---------------------------------------------------------------------------------
// Resource types and permission names

#[derive(Debug, Clone)]
struct Type {
    name: String,
    id: u32,
    /// In catalogue order (custom types: in the document's map order).
    permissions: Vec<(String, u32)>,
}

impl Type {
    fn all(doc: &SnapshotDoc) -> Vec<Type> {
        let builtin = CAMUNDA7_TYPES.iter().map(|ty| Type {
            name: ty.name.to_owned(),
            id: ty.id,
            permissions: ty
                .permissions
                .iter()
                .map(|&(name, bits)| (name.to_owned(), bits))
                .collect(),
        });
        let custom = doc.resource_types.iter().map(|ty| Type {
            name: ty.name.clone(),
            id: ty.id,
            permissions: ty
                .permissions
                .iter()
                .map(|(name, &bits)| (name.clone(), bits))
                .collect(),
        });
        builtin.chain(custom).collect()
    }

    fn find(doc: &SnapshotDoc, reference: &TypeRef) -> Option<Type> {
        Self::all(doc).into_iter().find(|ty| match reference {
            TypeRef::Id(id) => ty.id == *id,
            TypeRef::Name(name) => ty.name == *name,
        })
    }

    fn resolve(doc: &SnapshotDoc, reference: &TypeRef) -> Result<Type, String> {
        Self::find(doc, reference).ok_or_else(|| "request.unknown_resource_type".to_owned())
    }

    /// The bits of a permission name for this type; `None` for an unknown name.
    fn bits(&self, permission: &str) -> Option<u32> {
        match permission {
            ALL => Some(ALL_BITS),
            NONE => Some(0),
            _ => self
                .permissions
                .iter()
                .find(|(name, _)| name == permission)
                .map(|&(_, bits)| bits),
        }
    }

    /// Whether a row is about this type (rows name types by name or by id).
    fn owns(&self, row: &AuthorizationDoc) -> bool {
        match &row.resource_type {
            TypeRef::Id(id) => *id == self.id,
            TypeRef::Name(name) => *name == self.name,
        }
    }

    /// The mask a row stores: granted bits, or for REVOKE everything but the
    /// revoked bits.
    fn mask(&self, row: &AuthorizationDoc) -> u32 {
        let named = row
            .permissions
            .iter()
            .fold(0, |acc, name| acc | self.bits(name).unwrap_or(0));
        if row.kind == AuthorizationType::Revoke {
            ALL_BITS & !named
        } else {
            named
        }
    }

    /// The permission names of a row as the Camunda REST API renders them.
    fn rendered(&self, row: &AuthorizationDoc) -> Vec<String> {
        let mask = self.mask(row);
        let (whole, shown) = if row.kind == AuthorizationType::Revoke {
            (mask == 0, ALL_BITS & !mask)
        } else {
            (mask == ALL_BITS, mask)
        };
        if whole {
            return vec![ALL.to_owned()];
        }
        self.permissions
            .iter()
            .filter(|&&(_, bits)| bits & shown == bits)
            .map(|(name, _)| name.clone())
            .collect()
    }
}

// ---------------------------------------------------------------------------------
// Sources and principals

#[derive(Debug, Clone, Copy)]
struct Source<'a> {
    users: &'a [UserDoc],
    groups: &'a [GroupDoc],
    rows: &'a [AuthorizationDoc],
}

fn sources(doc: &SnapshotDoc) -> Vec<(&str, Source<'_>)> {
    if doc.sources.is_empty() {
        return vec![(
            DEFAULT_SOURCE,
            Source {
                users: &doc.users,
                groups: &doc.groups,
                rows: &doc.authorizations,
            },
        )];
    }
    doc.sources
        .iter()
        .map(|source| {
            (
                source.name.as_str(),
                Source {
                    users: &source.users,
                    groups: &source.groups,
                    rows: &source.authorizations,
                },
            )
        })
        .collect()
}

#[derive(Debug)]
struct Principal<'a> {
    doc: &'a SnapshotDoc,
    user: &'a str,
    groups_override: Option<&'a [String]>,
    profile: ProfileName,
    /// The sources the question is decided on: one under `camunda7`.
    sources: Vec<Source<'a>>,
}

impl<'a> Principal<'a> {
    fn resolve(
        doc: &'a SnapshotDoc,
        user: Option<&'a str>,
        groups: Option<&'a [String]>,
        source: Option<&str>,
        profile: Option<ProfileName>,
    ) -> Result<Self, String> {
        let user = user.ok_or("request.missing_user")?;
        let profile = profile.unwrap_or(doc.profile);
        let all = sources(doc);
        let chosen: Vec<Source<'a>> = match source {
            Some(wanted) => {
                let found = all.iter().find(|(name, _)| *name == wanted);
                vec![found.ok_or("request.unknown_source")?.1]
            }
            None if profile == ProfileName::Camunda7 && all.len() > 1 => {
                return Err("request.source_required".into());
            }
            None => all.into_iter().map(|(_, source)| source).collect(),
        };
        Ok(Self {
            doc,
            user,
            groups_override: groups,
            profile,
            sources: chosen,
        })
    }

    /// The one source a `camunda7` question is decided on.
    fn only_source(&self) -> Source<'a> {
        self.sources.first().copied().unwrap_or(Source {
            users: &[],
            groups: &[],
            rows: &[],
        })
    }

    /// The user's groups in one source, or the request's list when it gives one.
    fn groups(&self, source: Source<'_>) -> Vec<String> {
        if let Some(list) = self.groups_override {
            return list.to_vec();
        }
        source
            .users
            .iter()
            .filter(|user| user.id == self.user)
            .flat_map(|user| user.groups.iter().cloned())
            .collect()
    }

    fn is_admin(&self, groups: &[String]) -> bool {
        let options = &self.doc.options;
        options.admin_users.iter().any(|user| user == self.user)
            || groups
                .iter()
                .any(|group| group == CAMUNDA_ADMIN || options.admin_groups.contains(group))
    }

    fn is_tenant_member(&self, source: Source<'_>, groups: &[String], tenant: &str) -> bool {
        let direct = source
            .users
            .iter()
            .any(|user| user.id == self.user && user.tenants.iter().any(|t| t == tenant));
        let via_group = source
            .groups
            .iter()
            .any(|group| groups.contains(&group.id) && group.tenants.iter().any(|t| t == tenant));
        direct || via_group
    }
}

// ---------------------------------------------------------------------------------
// Request shape and checks

enum Shape<'a> {
    Single(CheckDoc),
    AnyOf(&'a [CheckDoc]),
    AllOf(&'a [CheckDoc]),
}

impl Shape<'_> {
    fn checks(&self) -> &[CheckDoc] {
        match self {
            Shape::Single(check) => std::slice::from_ref(check),
            Shape::AnyOf(list) | Shape::AllOf(list) => list,
        }
    }
}

fn shape(req: &RequestDoc) -> Result<Shape<'_>, String> {
    let single = req.permission.is_some() || req.resource_type.is_some();
    let given = [single, req.any_of.is_some(), req.all_of.is_some()]
        .iter()
        .filter(|&&given| given)
        .count();
    if given > 1 {
        return Err("request.ambiguous_check".into());
    }
    if let Some(list) = &req.any_of {
        return non_empty(list).map(Shape::AnyOf);
    }
    if let Some(list) = &req.all_of {
        return non_empty(list).map(Shape::AllOf);
    }
    match (&req.permission, &req.resource_type) {
        (Some(permission), Some(resource_type)) => Ok(Shape::Single(CheckDoc {
            permission: permission.clone(),
            resource_type: resource_type.clone(),
            resource_id: req.resource_id.clone(),
        })),
        _ => Err("request.missing_check".into()),
    }
}

fn non_empty(list: &[CheckDoc]) -> Result<&[CheckDoc], String> {
    if list.is_empty() {
        Err("request.empty_composite".into())
    } else {
        Ok(list)
    }
}

#[derive(Debug, Clone)]
struct Check {
    ty: Type,
    permission: String,
    bits: u32,
    resource_id: Option<String>,
}

impl Check {
    fn resolve(doc: &SnapshotDoc, check: &CheckDoc) -> Result<Self, String> {
        let ty = Type::resolve(doc, &check.resource_type)?;
        let bits = ty
            .bits(&check.permission)
            .ok_or("request.unknown_permission")?;
        Ok(Self {
            ty,
            permission: check.permission.clone(),
            bits,
            resource_id: check.resource_id.clone(),
        })
    }
}

/// The tenant conjunct, applied once after the permission part allowed.
fn tenant_allows(doc: &SnapshotDoc, asked: &Principal<'_>, tenant: Option<&str>) -> bool {
    let Some(tenant) = tenant else {
        return true;
    };
    match asked.profile {
        ProfileName::Camunda7 => {
            let source = asked.only_source();
            let groups = asked.groups(source);
            !doc.options.tenant_checks
                || asked.is_admin(&groups)
                || asked.is_tenant_member(source, &groups, tenant)
        }
        ProfileName::Optimize => {
            let Some(ty) = Type::find(doc, &TypeRef::from("TENANT")) else {
                return false;
            };
            let check = Check {
                bits: ty.bits("READ").unwrap_or(ALL_BITS),
                ty,
                permission: "READ".into(),
                resource_id: Some(tenant.to_owned()),
            };
            optimize_single(asked, &check).allows()
        }
    }
}

// ---------------------------------------------------------------------------------
// camunda7 (§1)

/// A check's three-valued result, with the rows of the deciding step.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tri {
    Allow(Vec<String>),
    Deny(Vec<String>),
    NoMatch,
}

impl Tri {
    fn allows(&self) -> bool {
        matches!(self, Tri::Allow(_))
    }

    fn rows(self) -> Vec<String> {
        match self {
            Tri::Allow(rows) | Tri::Deny(rows) => rows,
            Tri::NoMatch => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    User,
    Group,
    Global,
}

/// Whether revoke rows are consulted for this principal.
fn revokes_on(doc: &SnapshotDoc, source: Source<'_>, user: &str, groups: &[String]) -> bool {
    match doc.options.revoke_mode {
        RevokeMode::Always => true,
        RevokeMode::Never => false,
        RevokeMode::Auto => source.rows.iter().any(|row| {
            row.kind == AuthorizationType::Revoke
                && (row
                    .user_id
                    .as_deref()
                    .is_some_and(|id| id == user || id == WILDCARD)
                    || row.group_id.as_ref().is_some_and(|id| groups.contains(id)))
        }),
    }
}

/// The §1 pseudo-code, as written. Authorization switched off is the caller's.
fn camunda7_single(
    doc: &SnapshotDoc,
    source: Source<'_>,
    asked: &Principal<'_>,
    check: &Check,
) -> Tri {
    let groups = asked.groups(source);
    let rev = revokes_on(doc, source, asked.user, &groups);
    let p = check.bits;
    let specific = check.resource_id.as_deref().filter(|id| *id != WILDCARD);

    let at_level = |row: &AuthorizationDoc, level: Level| match level {
        // Rows with userId `*` are not user rows, whoever asks: single checks ignore them.
        Level::User => {
            row.kind != AuthorizationType::Global
                && row.user_id.as_deref() == Some(asked.user)
                && asked.user != WILDCARD
        }
        Level::Group => {
            row.kind != AuthorizationType::Global
                && row.group_id.as_ref().is_some_and(|id| groups.contains(id))
        }
        Level::Global => row.kind == AuthorizationType::Global,
    };
    // At the global level the same GLOBAL rows serve as grant and as revoke.
    let grant_like = |row: &AuthorizationDoc, level: Level| match level {
        Level::Global => row.kind == AuthorizationType::Global,
        Level::User | Level::Group => row.kind == AuthorizationType::Grant,
    };
    let revoke_like = |row: &AuthorizationDoc, level: Level| match level {
        Level::Global => row.kind == AuthorizationType::Global,
        Level::User | Level::Group => row.kind == AuthorizationType::Revoke,
    };
    let g = |row: &AuthorizationDoc| check.ty.mask(row) & p == p;
    let r = |row: &AuthorizationDoc| check.ty.mask(row) & p != p;
    let step = |level: Level, on: &str, grant: bool| -> Vec<String> {
        source
            .rows
            .iter()
            .filter(|row| check.ty.owns(row) && at_level(row, level) && row.resource_id == on)
            .filter(|row| {
                if grant {
                    grant_like(row, level) && g(row)
                } else {
                    revoke_like(row, level) && r(row)
                }
            })
            .map(|row| row.id.clone())
            .collect()
    };

    for level in [Level::User, Level::Group, Level::Global] {
        if let Some(id) = specific {
            let rows = step(level, id, true);
            if !rows.is_empty() {
                return Tri::Allow(rows);
            }
            if rev {
                let rows = step(level, id, false);
                if !rows.is_empty() {
                    return Tri::Deny(rows);
                }
            }
        }
        let rows = step(level, WILDCARD, true);
        if !rows.is_empty() {
            return Tri::Allow(rows);
        }
        if rev {
            let rows = step(level, WILDCARD, false);
            if !rows.is_empty() {
                return Tri::Deny(rows);
            }
        }
    }
    Tri::NoMatch
}

fn camunda7_list(
    doc: &SnapshotDoc,
    asked: &Principal<'_>,
    ty: &Type,
    permission: &str,
    bits: u32,
) -> ListDoc {
    if !doc.options.authorization_checks {
        return ListDoc::All;
    }
    let source = asked.only_source();
    let groups = asked.groups(source);
    let rows_of_type = || source.rows.iter().filter(|row| ty.owns(row));

    if revokes_on(doc, source, asked.user, &groups) {
        let decide = |id: Option<&str>| {
            let check = Check {
                ty: ty.clone(),
                permission: permission.to_owned(),
                bits,
                resource_id: id.map(str::to_owned),
            };
            camunda7_single(doc, source, asked, &check).allows()
        };
        let candidates: BTreeSet<&str> = rows_of_type()
            .map(|row| row.resource_id.as_str())
            .filter(|id| *id != WILDCARD)
            .collect();
        if decide(None) {
            all_except(candidates.into_iter().filter(|id| !decide(Some(id))))
        } else {
            only(candidates.into_iter().filter(|id| decide(Some(id))))
        }
    } else {
        // A plain OR over GLOBAL and GRANT rows, counting GRANT rows with userId `*`.
        let granting: Vec<&AuthorizationDoc> = rows_of_type()
            .filter(|row| match row.kind {
                AuthorizationType::Global => true,
                AuthorizationType::Grant => {
                    row.user_id
                        .as_deref()
                        .is_some_and(|id| id == asked.user || id == WILDCARD)
                        || row.group_id.as_ref().is_some_and(|id| groups.contains(id))
                }
                AuthorizationType::Revoke => false,
            })
            .filter(|row| ty.mask(row) & bits == bits)
            .collect();
        if granting.iter().any(|row| row.resource_id == WILDCARD) {
            ListDoc::All
        } else {
            only(granting.iter().map(|row| row.resource_id.as_str()))
        }
    }
}

fn all_except<'s>(ids: impl Iterator<Item = &'s str>) -> ListDoc {
    let ids: BTreeSet<String> = ids.map(str::to_owned).collect();
    if ids.is_empty() {
        ListDoc::All
    } else {
        ListDoc::AllExcept {
            ids: ids.into_iter().collect(),
        }
    }
}

fn only<'s>(ids: impl Iterator<Item = &'s str>) -> ListDoc {
    let ids: BTreeSet<String> = ids.map(str::to_owned).collect();
    ListDoc::Only {
        ids: ids.into_iter().collect(),
    }
}

// ---------------------------------------------------------------------------------
// optimize (§2)

#[derive(Debug, Clone, Default)]
struct State {
    can_see_all: bool,
    authorized: BTreeSet<String>,
    prohibited: BTreeSet<String>,
}

impl State {
    fn grant_all(&mut self) {
        self.can_see_all = true;
        self.authorized.clear();
        self.prohibited.clear();
    }

    fn revoke_all(&mut self) {
        self.can_see_all = false;
        self.authorized.clear();
        self.prohibited.clear();
    }

    fn authorize(&mut self, id: &str) {
        self.authorized.insert(id.to_owned());
        self.prohibited.remove(id);
    }

    fn prohibit(&mut self, id: &str) {
        self.prohibited.insert(id.to_owned());
        self.authorized.remove(id);
    }

    fn allowed(&self, id: &str) -> bool {
        if self.can_see_all {
            !self.prohibited.contains(id)
        } else {
            self.authorized.contains(id)
        }
    }

    fn merge(mut self, other: &State) -> State {
        self.can_see_all |= other.can_see_all;
        self.authorized.extend(other.authorized.iter().cloned());
        self.prohibited.extend(other.prohibited.iter().cloned());
        self
    }

    fn view(&self) -> View {
        if self.can_see_all {
            View::AllExcept(self.prohibited.clone())
        } else {
            View::Only(self.authorized.clone())
        }
    }
}

/// Optimize's resolution of one source's rows of one type, for one permission.
fn optimize_state(asked: &Principal<'_>, source: Source<'_>, ty: &Type, permission: &str) -> State {
    let groups = asked.groups(source);
    let relevant = |row: &AuthorizationDoc| {
        ty.owns(row)
            && ty
                .rendered(row)
                .iter()
                .any(|name| name == permission || name == ALL)
    };
    let mut state = State::default();

    for row in source.rows {
        if row.kind == AuthorizationType::Global && relevant(row) {
            if row.resource_id == WILDCARD {
                state.grant_all();
            } else {
                state.authorize(&row.resource_id);
            }
        }
    }

    let group_level =
        |row: &&AuthorizationDoc| row.group_id.as_ref().is_some_and(|id| groups.contains(id));
    let user_level = |row: &&AuthorizationDoc| {
        row.user_id
            .as_deref()
            .is_some_and(|id| id == asked.user || id == WILDCARD)
    };
    let levels: [&dyn Fn(&&AuthorizationDoc) -> bool; 2] = [&group_level, &user_level];
    for at_level in levels {
        let rows: Vec<&AuthorizationDoc> = source
            .rows
            .iter()
            .filter(|row| row.kind != AuthorizationType::Global && relevant(row))
            .filter(at_level)
            .collect();
        let revoke = |row: &&&AuthorizationDoc| row.kind == AuthorizationType::Revoke;
        let grant = |row: &&&AuthorizationDoc| row.kind == AuthorizationType::Grant;
        let wildcard = |row: &&&AuthorizationDoc| row.resource_id == WILDCARD;

        if rows.iter().filter(revoke).any(|row| wildcard(&row)) {
            state.revoke_all();
        }
        if rows.iter().filter(grant).any(|row| wildcard(&row)) {
            state.grant_all();
        }
        for row in rows.iter().filter(revoke).filter(|row| !wildcard(row)) {
            state.prohibit(&row.resource_id);
        }
        for row in rows.iter().filter(grant).filter(|row| !wildcard(row)) {
            state.authorize(&row.resource_id);
        }
    }
    state
}

fn optimize_login(asked: &Principal<'_>, source: Source<'_>) -> bool {
    Type::find(asked.doc, &TypeRef::from("APPLICATION"))
        .is_some_and(|app| optimize_state(asked, source, &app, "ACCESS").allowed(OPTIMIZE_APP))
}

/// One optimize check, three-valued for `anyOf`: allowed; denied when some
/// relevant row of the principal names `*` or the id (or the user may not log in
/// where the resource is allowed); no match when no relevant row concerns it.
fn optimize_single(asked: &Principal<'_>, check: &Check) -> Tri {
    let Some(id) = check.resource_id.as_deref() else {
        // Only TENANT gets here without an id: the null tenant is always allowed.
        return if check.ty.name == "TENANT" {
            Tri::Allow(Vec::new())
        } else {
            Tri::NoMatch
        };
    };
    let state = |source: Source<'_>| optimize_state(asked, source, &check.ty, &check.permission);
    let allowed = match check.ty.name.as_str() {
        "APPLICATION" => asked
            .sources
            .iter()
            .any(|&source| state(source).allowed(id)),
        "USER" | "GROUP" => asked
            .sources
            .iter()
            .fold(State::default(), |merged, &source| {
                merged.merge(&state(source))
            })
            .allowed(id),
        _ => asked
            .sources
            .iter()
            .any(|&source| state(source).allowed(id) && optimize_login(asked, source)),
    };
    let locked_out = !matches!(check.ty.name.as_str(), "APPLICATION" | "USER" | "GROUP")
        && asked
            .sources
            .iter()
            .any(|&source| state(source).allowed(id) && !optimize_login(asked, source));
    let touched = asked.sources.iter().any(|&source| {
        let groups = asked.groups(source);
        source.rows.iter().any(|row| {
            let owned = row.kind == AuthorizationType::Global
                || row
                    .group_id
                    .as_ref()
                    .is_some_and(|group| groups.contains(group))
                || row
                    .user_id
                    .as_deref()
                    .is_some_and(|user| user == asked.user || user == WILDCARD);
            owned
                && check.ty.owns(row)
                && (row.resource_id == WILDCARD || row.resource_id == id)
                && check
                    .ty
                    .rendered(row)
                    .iter()
                    .any(|name| *name == check.permission || name == ALL)
        })
    });
    if allowed {
        Tri::Allow(Vec::new())
    } else if touched || locked_out {
        Tri::Deny(Vec::new())
    } else {
        Tri::NoMatch
    }
}

#[derive(Debug, Clone)]
enum View {
    AllExcept(BTreeSet<String>),
    Only(BTreeSet<String>),
}

fn optimize_list(asked: &Principal<'_>, ty: &Type, permission: &str) -> ListDoc {
    let state = |source: Source<'_>| optimize_state(asked, source, ty, permission);
    let views: Vec<View> = match ty.name.as_str() {
        "USER" | "GROUP" => vec![
            asked
                .sources
                .iter()
                .fold(State::default(), |merged, &source| {
                    merged.merge(&state(source))
                })
                .view(),
        ],
        "APPLICATION" => asked
            .sources
            .iter()
            .map(|&source| state(source).view())
            .collect(),
        _ => asked
            .sources
            .iter()
            .filter(|&&source| optimize_login(asked, source))
            .map(|&source| state(source).view())
            .collect(),
    };

    let mut except: Option<BTreeSet<String>> = None;
    let mut included = BTreeSet::new();
    for view in &views {
        match view {
            View::AllExcept(ids) => {
                except = Some(match except {
                    None => ids.clone(),
                    Some(so_far) => so_far.intersection(ids).cloned().collect(),
                });
            }
            View::Only(ids) => included.extend(ids.iter().cloned()),
        }
    }
    match except {
        Some(except) => all_except(
            except
                .iter()
                .filter(|id| !included.contains(*id))
                .map(String::as_str),
        ),
        None => only(included.iter().map(String::as_str)),
    }
}
