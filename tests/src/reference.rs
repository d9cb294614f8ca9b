//! A deliberately naive reference evaluator, written straight from `SEMANTICS.md`
//! §1 (`camunda7`), §2 (`optimize`) and §3 (`grants`, with the `grants` part of
//! `SNAPSHOT.md`) plus the team's decisions on top of them. The `grants` part was
//! written from the spec alone, without reading the indexed evaluator's code.
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
    /// `grants`: the rule codes an explanation may give (several when the spec
    /// leaves the choice open, e.g. both the permission and the tenant failed).
    /// `None` under the other profiles.
    pub rules: Option<Vec<&'static str>>,
    /// `grants` single checks decided by `grants.match`: every reached grant that
    /// matches; the explanation's rows must be a non-empty subset. `None` when not
    /// compared (composites, other rules, rows derived from Emporix groups).
    pub match_rows: Option<Vec<String>>,
    /// `grants` single checks decided by `grants.match`: every way the principal
    /// reaches one of the matching grants (`direct`, ``group `g` ``, …); the
    /// explanation's `via` must be one of them. `None` when not compared.
    pub match_vias: Option<Vec<String>>,
}

/// The profile a request is decided under.
fn profile_of(doc: &SnapshotDoc, asked: Option<ProfileName>) -> ProfileName {
    asked.unwrap_or(doc.profile)
}

/// `grants` data is decided only under `grants`, and `camunda7` / `optimize` data
/// never under it; fields that only `grants` reads are errors elsewhere.
fn profile_errors(
    doc: &SnapshotDoc,
    asked: Option<ProfileName>,
    grants_only_field: bool,
) -> Result<(), String> {
    let profile = profile_of(doc, asked);
    if (doc.profile == ProfileName::Grants) != (profile == ProfileName::Grants) {
        return Err("request.profile_mismatch".into());
    }
    if profile != ProfileName::Grants && grants_only_field {
        return Err("request.grants_only".into());
    }
    Ok(())
}

/// One check request: allowed or not (and, for `camunda7` single checks, the
/// deciding rows).
///
/// # Errors
/// The stable code of the request error, e.g. `request.unknown_permission`.
pub fn check(doc: &SnapshotDoc, req: &RequestDoc) -> Result<Reference, String> {
    let grants_only = req.client.is_some()
        || req.claims.is_some()
        || req.properties.is_some()
        || req.resource_exists.is_some()
        || req.bundle.is_some()
        || req.scopes.is_some()
        || req.restriction.is_some()
        || req.anonymous_authorized;
    profile_errors(doc, req.profile, grants_only)?;
    if profile_of(doc, req.profile) == ProfileName::Grants {
        return grants::check(doc, req);
    }
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
        && checks.iter().any(|check| {
            check.resource_id.is_none()
                && check.ty.name != "TENANT"
                && check.permission != "EVENT_PROCESS_MANAGE"
        })
    {
        return Err("request.missing_resource_id".into());
    }

    let (permitted, rows) = match asked.profile {
        // `grants` was answered above.
        ProfileName::Camunda7 | ProfileName::Grants => {
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
        rules: None,
        match_rows: None,
        match_vias: None,
    })
}

/// Every permission the principal holds on one resource: the type's named
/// permissions in catalogue order, then `ALL` when it is held.
///
/// # Errors
/// The stable code of the request error.
pub fn permissions(doc: &SnapshotDoc, req: &PermissionsRequestDoc) -> Result<Vec<String>, String> {
    profile_errors(
        doc,
        req.profile,
        req.client.is_some() || req.claims.is_some(),
    )?;
    if profile_of(doc, req.profile) == ProfileName::Grants {
        return grants::permissions(doc, req);
    }
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
        .chain((!ty.managed()).then(|| ALL.to_owned()));
    let mut held = Vec::new();
    for name in names {
        let check = Check {
            ty: ty.clone(),
            bits: ty.bits(&name).unwrap_or(ALL_BITS),
            permission: name.clone(),
            resource_id: req.resource_id.clone(),
        };
        let permitted = match asked.profile {
            ProfileName::Camunda7 | ProfileName::Grants => {
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
    profile_errors(
        doc,
        req.profile,
        req.client.is_some() || req.claims.is_some(),
    )?;
    if profile_of(doc, req.profile) == ProfileName::Grants {
        return grants::list(doc, req);
    }
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
        ProfileName::Camunda7 | ProfileName::Grants => {
            Ok(camunda7_list(doc, &asked, &ty, &req.permission, bits))
        }
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
        let mut types: Vec<Type> = builtin.collect();
        // Optimize asks what it manages as types of their own (SEMANTICS.md §2.1).
        if doc.profile == ProfileName::Optimize {
            let named = |names: &[&str]| -> Vec<(String, u32)> {
                names
                    .iter()
                    .zip(0..)
                    .map(|(name, bit)| ((*name).to_owned(), 1 << bit))
                    .collect()
            };
            if let Some(report) = types.iter_mut().find(|ty| ty.name == "REPORT") {
                report.permissions.push(("REPORT_VIEW".into(), 32));
                report.permissions.push(("REPORT_EDIT".into(), 64));
            }
            types.push(Type {
                name: "COLLECTION".into(),
                id: 1000,
                permissions: named(&[
                    "COLLECTION_VIEW",
                    "COLLECTION_EDIT_CONTENT",
                    "COLLECTION_MANAGE",
                ]),
            });
            types.push(Type {
                name: "EVENT_PROCESS".into(),
                id: 1001,
                permissions: named(&["EVENT_PROCESS_READ", "EVENT_PROCESS_MANAGE"]),
            });
        }
        types.extend(custom);
        types
    }

    /// The types Optimize adds have no `ALL` or `NONE`.
    fn managed(&self) -> bool {
        matches!(
            (self.name.as_str(), self.id),
            ("COLLECTION", 1000) | ("EVENT_PROCESS", 1001)
        )
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
            ALL if !self.managed() => Some(ALL_BITS),
            NONE if !self.managed() => Some(0),
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

/// A Camunda 7 row's resource id (always given under `camunda7` and `optimize`).
fn rid(row: &AuthorizationDoc) -> &str {
    row.resource_id.as_deref().unwrap_or_default()
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
        ProfileName::Camunda7 | ProfileName::Grants => {
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
            .filter(|row| check.ty.owns(row) && at_level(row, level) && rid(row) == on)
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
            .map(rid)
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
        if granting.iter().any(|row| rid(row) == WILDCARD) {
            ListDoc::All
        } else {
            only(granting.iter().map(|row| rid(row)))
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
            if rid(row) == WILDCARD {
                state.grant_all();
            } else {
                state.authorize(rid(row));
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
        let wildcard = |row: &&&AuthorizationDoc| rid(row) == WILDCARD;

        if rows.iter().filter(revoke).any(|row| wildcard(&row)) {
            state.revoke_all();
        }
        if rows.iter().filter(grant).any(|row| wildcard(&row)) {
            state.grant_all();
        }
        for row in rows.iter().filter(revoke).filter(|row| !wildcard(row)) {
            state.prohibit(rid(row));
        }
        for row in rows.iter().filter(grant).filter(|row| !wildcard(row)) {
            state.authorize(rid(row));
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
    if let Some(allowed) = optimize_managed(asked, check) {
        return if allowed {
            Tri::Allow(Vec::new())
        } else {
            Tri::Deny(Vec::new())
        };
    }
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
                && (rid(row) == WILDCARD || rid(row) == id)
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

/// What Optimize manages itself (SEMANTICS.md §2.1), straight from the
/// snapshot's `optimize` lists: `None` for a question rows decide.
fn optimize_managed(asked: &Principal<'_>, check: &Check) -> Option<bool> {
    use writ_core::wire::{CollectionRole, DefinitionKind};
    let needed = |permission: &str| match permission {
        "COLLECTION_VIEW" | "REPORT_VIEW" => Some(CollectionRole::Viewer),
        "COLLECTION_EDIT_CONTENT" | "REPORT_EDIT" => Some(CollectionRole::Editor),
        "COLLECTION_MANAGE" => Some(CollectionRole::Manager),
        _ => None,
    };
    let question = match (check.ty.name.as_str(), check.permission.as_str()) {
        ("COLLECTION", _) | ("REPORT", "REPORT_VIEW" | "REPORT_EDIT") | ("EVENT_PROCESS", _) => {
            check.permission.as_str()
        }
        _ => return None,
    };
    // Every question also needs the login, on some source.
    if !asked
        .sources
        .iter()
        .any(|&source| optimize_login(asked, source))
    {
        return Some(false);
    }
    let empty = writ_core::wire::OptimizeDoc::default();
    let data = asked.doc.optimize.as_ref().unwrap_or(&empty);
    let groups: Vec<String> = asked
        .sources
        .iter()
        .flat_map(|&source| asked.groups(source))
        .collect();
    let is = |user: &Option<String>, group: &Option<String>| {
        user.as_deref() == Some(asked.user)
            || group.as_ref().is_some_and(|group| groups.contains(group))
    };
    let id = check.resource_id.as_deref().unwrap_or_default();
    let role_in = |collection: &writ_core::wire::CollectionDoc| {
        collection
            .members
            .iter()
            .filter(|member| is(&member.user_id, &member.group_id))
            .map(|member| member.role)
            .max()
    };
    let allowed = match question {
        "EVENT_PROCESS_MANAGE" => {
            let managers = &data.event_based_process;
            managers
                .authorized_user_ids
                .iter()
                .any(|user| user == asked.user)
                || managers
                    .authorized_group_ids
                    .iter()
                    .any(|group| groups.contains(group))
        }
        "EVENT_PROCESS_READ" => data
            .event_processes
            .iter()
            .find(|process| process.id == id)
            .is_some_and(|process| {
                process
                    .access
                    .iter()
                    .any(|entry| is(&entry.user_id, &entry.group_id))
            }),
        "COLLECTION_VIEW" | "COLLECTION_EDIT_CONTENT" | "COLLECTION_MANAGE" => data
            .collections
            .iter()
            .find(|collection| collection.id == id)
            .and_then(role_in)
            .zip(needed(question))
            .is_some_and(|(held, needed)| held >= needed),
        _ => {
            let in_collection = data.collections.iter().find_map(|collection| {
                collection
                    .reports
                    .iter()
                    .find(|report| report.id == id)
                    .map(|report| (Some(collection), report))
            });
            let private = || {
                data.reports
                    .iter()
                    .find(|report| report.id == id)
                    .map(|report| (None, report))
            };
            match in_collection.or_else(private) {
                None => false,
                Some((collection, report)) => {
                    let member = match collection {
                        Some(collection) => role_in(collection)
                            .zip(needed(question))
                            .is_some_and(|(held, needed)| held >= needed),
                        None => report.owner.as_deref() == Some(asked.user),
                    };
                    // Row-level security: every definition it uses must be reportable.
                    member
                        && report.definitions.iter().all(|definition| {
                            let ty = match definition.kind {
                                DefinitionKind::Process => "PROCESS_DEFINITION",
                                DefinitionKind::Decision => "DECISION_DEFINITION",
                            };
                            Type::find(asked.doc, &TypeRef::from(ty)).is_some_and(|ty| {
                                let bits = ty.bits("READ_HISTORY").unwrap_or_default();
                                optimize_single(
                                    asked,
                                    &Check {
                                        ty,
                                        permission: "READ_HISTORY".into(),
                                        bits,
                                        resource_id: Some(definition.key.clone()),
                                    },
                                )
                                .allows()
                            })
                        })
                }
            }
        }
    };
    Some(allowed)
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

// ---------------------------------------------------------------------------------
// grants (§3 and the `grants` part of SNAPSHOT.md)

mod grants {
    use std::collections::{BTreeMap, BTreeSet};

    use serde_json::{Map, Value};

    /// A wire object (claims, properties) as `serde_json` reads it: the
    /// reference works on `serde_json` values, not on the core's own.
    fn plain(map: Option<&writ_core::json::Map>) -> Option<Map<String, Value>> {
        match serde_json::to_value(map?) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        }
    }
    use writ_core::wire::{
        AccountState, AuthorizationType, CheckDoc, ClaimOperator, ListDoc, ListRequestDoc,
        MappingRuleDoc, OwnerType, PermissionsRequestDoc, RequestDoc, SnapshotDoc, TypeRef,
    };

    use super::{Reference, WILDCARD};

    const CRUD: &[&str] = &["CREATE", "READ", "UPDATE", "DELETE"];

    /// Camunda 8.8's resource types, in the order of SEMANTICS.md §3's table.
    const CAMUNDA8: &[(&str, &[&str])] = &[
        ("AUTHORIZATION", CRUD),
        (
            "BATCH",
            &[
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
        ),
        ("COMPONENT", &["ACCESS"]),
        (
            "DECISION_DEFINITION",
            &[
                "CREATE_DECISION_INSTANCE",
                "READ_DECISION_DEFINITION",
                "READ_DECISION_INSTANCE",
                "DELETE_DECISION_INSTANCE",
            ],
        ),
        ("DECISION_REQUIREMENTS_DEFINITION", &["READ"]),
        ("DOCUMENT", &["CREATE", "READ", "DELETE"]),
        ("GROUP", CRUD),
        ("ROLE", CRUD),
        ("TENANT", CRUD),
        ("USER", CRUD),
        ("MAPPING_RULE", CRUD),
        ("MESSAGE", &["CREATE", "READ"]),
        (
            "PROCESS_DEFINITION",
            &[
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
        ),
        (
            "RESOURCE",
            &[
                "CREATE",
                "READ",
                "DELETE_DRD",
                "DELETE_FORM",
                "DELETE_PROCESS",
                "DELETE_RESOURCE",
            ],
        ),
        ("SYSTEM", &["READ", "READ_USAGE_METRIC", "UPDATE"]),
        ("USER_TASK", &["READ", "UPDATE", "CLAIM", "COMPLETE"]),
    ];

    const AUDIENCES: &[&str] = &[
        "optimize-api",
        "console-api",
        "web-modeler-api",
        "web-modeler-public-api",
        "camunda-identity-resource-server",
    ];
    const AUDIENCE_PERMISSIONS: &[&str] = &[
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

    const ACCESS_CONTROL: &str = "ACCESS_CONTROL";
    const SCOPE: &str = "SCOPE";
    const HOLD: &str = "HOLD";
    const PROPERTIES: [&str; 3] = ["assignee", "candidateUsers", "candidateGroups"];

    /// `readonly-admin`: on every type, only these.
    const READ_ISH: &[&str] = &[
        "ACCESS",
        "READ",
        "READ_PROCESS_INSTANCE",
        "READ_USER_TASK",
        "READ_DECISION_INSTANCE",
        "READ_PROCESS_DEFINITION",
        "READ_DECISION_DEFINITION",
        "READ_USAGE_METRIC",
    ];

    // -----------------------------------------------------------------------------
    // Types

    #[derive(Debug, Clone)]
    struct Type {
        name: String,
        /// Custom types only.
        id: Option<u32>,
        /// In catalogue order (custom types: the document's map order).
        permissions: Vec<String>,
        /// Declared implication (custom types only), not yet closed.
        implies: BTreeMap<String, Vec<String>>,
    }

    fn catalogues(doc: &SnapshotDoc) -> Vec<&str> {
        if doc.catalogues.is_empty() {
            vec!["camunda8"]
        } else {
            doc.catalogues.iter().map(String::as_str).collect()
        }
    }

    fn uses(doc: &SnapshotDoc, catalogue: &str) -> bool {
        catalogues(doc).contains(&catalogue)
    }

    fn builtin(name: &str, permissions: &[&str]) -> Type {
        Type {
            name: name.to_owned(),
            id: None,
            permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
            implies: BTreeMap::new(),
        }
    }

    fn types(doc: &SnapshotDoc) -> Vec<Type> {
        let mut out = Vec::new();
        if uses(doc, "camunda8") {
            out.extend(CAMUNDA8.iter().map(|(name, perms)| builtin(name, perms)));
        }
        if uses(doc, "identity") {
            out.extend(
                AUDIENCES
                    .iter()
                    .map(|name| builtin(name, AUDIENCE_PERMISSIONS)),
            );
        }
        if uses(doc, "emporix") {
            out.push(builtin(ACCESS_CONTROL, &[HOLD]));
            out.push(builtin(SCOPE, &[HOLD]));
        }
        out.extend(doc.resource_types.iter().map(|ty| {
            Type {
                name: ty.name.clone(),
                id: Some(ty.id),
                permissions: ty.permissions.keys().cloned().collect(),
                implies: ty
                    .implies
                    .iter()
                    .map(|(from, to)| (from.clone(), to.clone()))
                    .collect(),
            }
        }));
        out
    }

    fn find_type(doc: &SnapshotDoc, reference: &TypeRef) -> Option<Type> {
        types(doc).into_iter().find(|ty| match reference {
            TypeRef::Id(id) => ty.id == Some(*id),
            TypeRef::Name(name) => ty.name == *name,
        })
    }

    fn resolve_type(doc: &SnapshotDoc, reference: &TypeRef) -> Result<Type, String> {
        find_type(doc, reference).ok_or_else(|| "request.unknown_resource_type".to_owned())
    }

    impl Type {
        fn has(&self, permission: &str) -> bool {
            self.permissions.iter().any(|p| p == permission)
        }

        /// `names` and everything they imply, transitively.
        fn closure(&self, names: &[String]) -> BTreeSet<String> {
            let mut held: BTreeSet<String> = names.iter().cloned().collect();
            loop {
                let before = held.len();
                let more: Vec<String> = held
                    .iter()
                    .filter_map(|name| self.implies.get(name))
                    .flatten()
                    .cloned()
                    .collect();
                held.extend(more);
                if held.len() == before {
                    return held;
                }
            }
        }
    }

    // -----------------------------------------------------------------------------
    // Grants: the snapshot's rows, the default roles' rows, Emporix's derived rows

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Owner {
        User(String),
        Client(String),
        Group(String),
        Role(String),
        MappingRule(String),
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Matcher {
        Any,
        Id(String),
        Property(String),
    }

    #[derive(Debug, Clone)]
    struct Grant {
        /// The row's id; `None` for rows derived from a group's access controls,
        /// whose names the spec leaves open.
        id: Option<String>,
        owner: Owner,
        ty: String,
        matcher: Matcher,
        /// Granted names, closed under the type's implication.
        permissions: BTreeSet<String>,
    }

    fn declared_role(doc: &SnapshotDoc, role: &str) -> bool {
        doc.roles.iter().any(|r| r.id == role)
    }

    fn default_rows(doc: &SnapshotDoc) -> Vec<Grant> {
        // `options.defaultRoles: false`: the snapshot lists its own (an import).
        if !uses(doc, "camunda8") || !doc.options.default_roles {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut any = |role: &str, ty: &str, permissions: &[&str]| {
            if !declared_role(doc, role) && !permissions.is_empty() {
                out.push(Grant {
                    id: Some(format!("default:{role}:{ty}")),
                    owner: Owner::Role(role.to_owned()),
                    ty: ty.to_owned(),
                    matcher: Matcher::Any,
                    permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
                });
            }
        };
        for (ty, permissions) in CAMUNDA8 {
            any("admin", ty, permissions);
        }
        for (ty, permissions) in CAMUNDA8 {
            let read: Vec<&str> = permissions
                .iter()
                .copied()
                .filter(|p| READ_ISH.contains(p))
                .collect();
            any("readonly-admin", ty, &read);
        }
        any(
            "connectors",
            "PROCESS_DEFINITION",
            &["READ_PROCESS_DEFINITION", "UPDATE_PROCESS_INSTANCE"],
        );
        any("connectors", "MESSAGE", &["CREATE"]);
        any("connectors", "DOCUMENT", &["CREATE", "READ", "DELETE"]);
        any("rpa", "RESOURCE", &["READ"]);
        any("rpa", "PROCESS_DEFINITION", &["UPDATE_PROCESS_INSTANCE"]);
        any(
            "app-integrations",
            "PROCESS_DEFINITION",
            &[
                "READ_PROCESS_DEFINITION",
                "CREATE_PROCESS_INSTANCE",
                "READ_PROCESS_INSTANCE",
                "UPDATE_PROCESS_INSTANCE",
                "READ_USER_TASK",
                "UPDATE_USER_TASK",
            ],
        );
        any("app-integrations", "DOCUMENT", &["CREATE"]);
        if !declared_role(doc, "task-worker") {
            for property in PROPERTIES {
                out.push(Grant {
                    id: Some(format!("default:task-worker:{property}")),
                    owner: Owner::Role("task-worker".to_owned()),
                    ty: "USER_TASK".to_owned(),
                    matcher: Matcher::Property(property.to_owned()),
                    permissions: ["READ", "CLAIM", "COMPLETE"]
                        .iter()
                        .map(|p| (*p).to_owned())
                        .collect(),
                });
            }
        }
        out
    }

    /// Every grant of the snapshot, as the spec describes them.
    fn all_grants(doc: &SnapshotDoc) -> Vec<Grant> {
        let types = types(doc);
        let mut out = Vec::new();
        for row in &doc.authorizations {
            if row.kind != AuthorizationType::Grant {
                continue;
            }
            let owner_id = row
                .owner_id
                .clone()
                .or_else(|| row.user_id.clone())
                .or_else(|| row.group_id.clone())
                .unwrap_or_default();
            let owner = match row.owner_type {
                Some(OwnerType::User) => Owner::User(owner_id),
                Some(OwnerType::Client) => Owner::Client(owner_id),
                Some(OwnerType::Group) => Owner::Group(owner_id),
                Some(OwnerType::Role) => Owner::Role(owner_id),
                Some(OwnerType::MappingRule) => Owner::MappingRule(owner_id),
                None if row.group_id.is_some() => Owner::Group(owner_id),
                None => Owner::User(owner_id),
            };
            let Some(ty) = types.iter().find(|ty| match &row.resource_type {
                TypeRef::Id(id) => ty.id == Some(*id),
                TypeRef::Name(name) => ty.name == *name,
            }) else {
                continue;
            };
            let matcher = match (&row.resource_property_name, row.resource_id.as_deref()) {
                (Some(property), _) => Matcher::Property(property.clone()),
                (None, Some(WILDCARD)) => Matcher::Any,
                (None, Some(id)) => Matcher::Id(id.to_owned()),
                (None, None) => continue,
            };
            out.push(Grant {
                id: Some(row.id.clone()),
                owner,
                ty: ty.name.clone(),
                matcher,
                permissions: ty.closure(&row.permissions),
            });
        }
        out.extend(default_rows(doc));
        if uses(doc, "emporix") {
            for group in &doc.groups {
                for ac_id in &group.access_controls {
                    let hold: BTreeSet<String> = std::iter::once(HOLD.to_owned()).collect();
                    out.push(Grant {
                        id: None,
                        owner: Owner::Group(group.id.clone()),
                        ty: ACCESS_CONTROL.to_owned(),
                        matcher: Matcher::Id(ac_id.clone()),
                        permissions: hold.clone(),
                    });
                    let Some(ac) = doc.access_controls.iter().find(|ac| ac.id == *ac_id) else {
                        continue;
                    };
                    for scope in &ac.scopes {
                        let held: Vec<String> =
                            if ac.restriction_aware && !group.restrictions.is_empty() {
                                group
                                    .restrictions
                                    .iter()
                                    .map(|r| format!("{scope}--{r}"))
                                    .collect()
                            } else {
                                vec![scope.clone()]
                            };
                        for id in held {
                            out.push(Grant {
                                id: None,
                                owner: Owner::Group(group.id.clone()),
                                ty: SCOPE.to_owned(),
                                matcher: Matcher::Id(id),
                                permissions: hold.clone(),
                            });
                        }
                    }
                }
            }
        }
        out
    }

    // -----------------------------------------------------------------------------
    // Principals

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Kind {
        User,
        Client,
    }

    #[derive(Debug)]
    struct Who {
        kind: Kind,
        id: String,
        state: AccountState,
        groups: BTreeSet<String>,
        roles: BTreeSet<String>,
        rules: BTreeSet<String>,
        tenants: BTreeSet<String>,
        /// How each group, role and rule is held, as explanations word it.
        paths: Vec<(Owner, String)>,
    }

    struct Asking<'a> {
        user: Option<&'a str>,
        client: Option<&'a str>,
        claims: Option<&'a Map<String, Value>>,
        groups: Option<&'a [String]>,
    }

    fn resolve(doc: &SnapshotDoc, asking: &Asking<'_>) -> Result<Who, String> {
        let (kind, id, state, stored_groups, direct_roles, direct_tenants) =
            if let Some(client) = asking.client {
                let found = doc.clients.iter().find(|c| c.id == client);
                (
                    Kind::Client,
                    client,
                    AccountState::Active,
                    found.map(|c| c.groups.clone()).unwrap_or_default(),
                    found.map(|c| c.roles.clone()).unwrap_or_default(),
                    found.map(|c| c.tenants.clone()).unwrap_or_default(),
                )
            } else {
                let user = asking.user.ok_or("request.missing_user")?;
                let found = doc.users.iter().find(|u| u.id == user);
                (
                    Kind::User,
                    user,
                    found.map_or(AccountState::Active, |u| u.state),
                    found.map(|u| u.groups.clone()).unwrap_or_default(),
                    found.map(|u| u.roles.clone()).unwrap_or_default(),
                    found.map(|u| u.tenants.clone()).unwrap_or_default(),
                )
            };
        let claims = Value::Object(asking.claims.cloned().unwrap_or_default());
        let matched: Vec<&MappingRuleDoc> = doc
            .mapping_rules
            .iter()
            .filter(|rule| rule_matches(rule, &claims))
            .collect();

        let mut groups: BTreeSet<String> = asking
            .groups
            .map_or(stored_groups, <[String]>::to_vec)
            .into_iter()
            .collect();
        let mut paths: Vec<(Owner, String)> = Vec::new();
        for group in &groups {
            paths.push((Owner::Group(group.clone()), format!("group `{group}`")));
        }
        for role in &direct_roles {
            paths.push((Owner::Role(role.clone()), format!("role `{role}`")));
        }
        for rule in &matched {
            let m = &rule.id;
            paths.push((Owner::MappingRule(m.clone()), format!("mapping rule `{m}`")));
            for group in &rule.groups {
                paths.push((
                    Owner::Group(group.clone()),
                    format!("group `{group}` of mapping rule `{m}`"),
                ));
            }
            for role in &rule.roles {
                paths.push((
                    Owner::Role(role.clone()),
                    format!("role `{role}` of mapping rule `{m}`"),
                ));
            }
        }
        let group_paths: Vec<(String, String)> = paths
            .iter()
            .filter_map(|(owner, path)| match owner {
                Owner::Group(g) => Some((g.clone(), path.clone())),
                _ => None,
            })
            .collect();
        for (group, path) in group_paths {
            for found in doc.groups.iter().filter(|g| g.id == group) {
                for role in &found.roles {
                    paths.push((
                        Owner::Role(role.clone()),
                        format!("role `{role}` of {path}"),
                    ));
                }
            }
        }
        for rule in &matched {
            groups.extend(rule.groups.iter().cloned());
        }
        let mut roles: BTreeSet<String> = direct_roles.into_iter().collect();
        for group in doc.groups.iter().filter(|g| groups.contains(&g.id)) {
            roles.extend(group.roles.iter().cloned());
        }
        for rule in &matched {
            roles.extend(rule.roles.iter().cloned());
        }
        let mut tenants: BTreeSet<String> = direct_tenants.into_iter().collect();
        for group in doc.groups.iter().filter(|g| groups.contains(&g.id)) {
            tenants.extend(group.tenants.iter().cloned());
        }
        for role in doc.roles.iter().filter(|r| roles.contains(&r.id)) {
            tenants.extend(role.tenants.iter().cloned());
        }
        for rule in &matched {
            tenants.extend(rule.tenants.iter().cloned());
        }
        Ok(Who {
            kind,
            id: id.to_owned(),
            state,
            groups,
            roles,
            rules: matched.iter().map(|rule| rule.id.clone()).collect(),
            tenants,
            paths,
        })
    }

    impl Who {
        fn reaches(&self, grant: &Grant) -> bool {
            match &grant.owner {
                Owner::User(id) => self.kind == Kind::User && *id == self.id,
                Owner::Client(id) => self.kind == Kind::Client && *id == self.id,
                Owner::Group(id) => self.groups.contains(id),
                Owner::Role(id) => self.roles.contains(id),
                Owner::MappingRule(id) => self.rules.contains(id),
            }
        }

        /// Every way the explanation may word how this principal reaches a grant.
        fn vias(&self, grant: &Grant) -> Vec<String> {
            match &grant.owner {
                Owner::User(_) | Owner::Client(_) => vec!["direct".to_owned()],
                owner => self
                    .paths
                    .iter()
                    .filter(|(held, _)| held == owner)
                    .map(|(_, path)| path.clone())
                    .collect(),
            }
        }

        fn active(&self) -> Result<(), &'static str> {
            match self.state {
                AccountState::Active => Ok(()),
                AccountState::Locked => Err("account.locked"),
                AccountState::Provisioned => Err("account.provisioned"),
            }
        }
    }

    // Mapping rules: a plain claim name or a small JSONPath.

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Step {
        Member(String),
        Index(usize),
        Every,
    }

    /// `$.a.b`, `$['a']["b"]`, `$.a[0]`, `$.a[*]`, `$.*`; `None` when not a path.
    fn parse_path(path: &str) -> Option<Vec<Step>> {
        let mut rest = path.strip_prefix('$')?;
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('.') {
                let end = after.find(['.', '[']).unwrap_or(after.len());
                let (name, tail) = after.split_at(end);
                if name.is_empty() {
                    return None;
                }
                steps.push(if name == "*" {
                    Step::Every
                } else {
                    Step::Member(name.to_owned())
                });
                rest = tail;
            } else if let Some(after) = rest.strip_prefix('[') {
                let close = after.find(']')?;
                let (inside, tail) = after.split_at(close);
                rest = tail.strip_prefix(']')?;
                let quoted = inside
                    .strip_prefix('\'')
                    .and_then(|s| s.strip_suffix('\''))
                    .or_else(|| inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
                steps.push(match quoted {
                    Some(name) => Step::Member(name.to_owned()),
                    None if inside == "*" => Step::Every,
                    None => Step::Index(inside.parse().ok()?),
                });
            } else {
                return None;
            }
        }
        Some(steps)
    }

    fn claim_values<'v>(claims: &'v Value, name: &str) -> Vec<&'v Value> {
        if !name.starts_with('$') {
            return claims.get(name).into_iter().collect();
        }
        let Some(steps) = parse_path(name) else {
            return Vec::new();
        };
        let mut current = vec![claims];
        for step in &steps {
            current = current
                .into_iter()
                .flat_map(|value| -> Vec<&'v Value> {
                    match (step, value) {
                        (Step::Member(name), Value::Object(map)) => {
                            map.get(name).into_iter().collect()
                        }
                        (Step::Index(i), Value::Array(items)) => {
                            items.get(*i).into_iter().collect()
                        }
                        (Step::Every, Value::Array(items)) => items.iter().collect(),
                        (Step::Every, Value::Object(map)) => map.values().collect(),
                        _ => Vec::new(),
                    }
                })
                .collect();
        }
        current
    }

    /// A scalar claim equal to the value: strings exactly, numbers and booleans by
    /// their JSON text.
    fn scalar_equals(value: &Value, wanted: &str) -> bool {
        match value {
            Value::String(s) => s == wanted,
            Value::Number(_) | Value::Bool(_) => {
                serde_json::to_string(value).is_ok_and(|text| text == wanted)
            }
            _ => false,
        }
    }

    fn rule_matches(rule: &MappingRuleDoc, claims: &Value) -> bool {
        let wanted = rule.claim_value.as_str();
        claim_values(claims, &rule.claim_name)
            .into_iter()
            .any(|value| match (rule.operator, value) {
                (Some(ClaimOperator::Equals), Value::String(s)) => s == wanted,
                (Some(ClaimOperator::Equals), _) => false,
                (Some(ClaimOperator::Contains) | None, Value::Array(items)) => {
                    items.iter().any(|item| scalar_equals(item, wanted))
                }
                (Some(ClaimOperator::Contains), _) => false,
                (None, scalar) => scalar_equals(scalar, wanted),
            })
    }

    // -----------------------------------------------------------------------------
    // Checks

    /// One resolved permission/resource pair (types by name).
    #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
    struct Pair {
        permission: String,
        ty: String,
        resource_id: Option<String>,
    }

    fn resolve_pair(doc: &SnapshotDoc, check: &CheckDoc) -> Result<Pair, String> {
        let ty = resolve_type(doc, &check.resource_type)?;
        if !ty.has(&check.permission) {
            return Err("request.unknown_permission".into());
        }
        Ok(Pair {
            permission: check.permission.clone(),
            ty: ty.name,
            resource_id: check.resource_id.clone(),
        })
    }

    fn property_matches(
        who: &Who,
        property: &str,
        properties: Option<&Map<String, Value>>,
    ) -> bool {
        let Some(value) = properties.and_then(|p| p.get(property)) else {
            return false;
        };
        let contains = |wanted: &str| match value {
            Value::Array(items) => items.iter().any(|item| item.as_str() == Some(wanted)),
            Value::String(s) => s == wanted,
            _ => false,
        };
        match property {
            "assignee" | "candidateUsers" => who.kind == Kind::User && contains(&who.id),
            "candidateGroups" => who.groups.iter().any(|group| contains(group)),
            _ => false,
        }
    }

    /// The reached grants that satisfy one pair.
    fn matching<'g>(
        grants: &'g [Grant],
        who: &Who,
        pair: &Pair,
        properties: Option<&Map<String, Value>>,
    ) -> Vec<&'g Grant> {
        grants
            .iter()
            .filter(|grant| {
                grant.ty == pair.ty
                    && grant.permissions.contains(&pair.permission)
                    && who.reaches(grant)
                    && match &grant.matcher {
                        Matcher::Any => true,
                        Matcher::Id(id) => pair.resource_id.as_deref() == Some(id.as_str()),
                        Matcher::Property(property) => property_matches(who, property, properties),
                    }
            })
            .collect()
    }

    /// Bundles, the snapshot's and those of Emporix domains.
    fn bundles(doc: &SnapshotDoc) -> Vec<(String, Vec<Pair>)> {
        let mut out: Vec<(String, Vec<Pair>)> = doc
            .bundles
            .iter()
            .map(|bundle| {
                let parts = bundle
                    .all_of
                    .iter()
                    .filter_map(|part| resolve_pair(doc, part).ok())
                    .collect();
                (bundle.id.clone(), parts)
            })
            .collect();
        for domain in &doc.domains {
            for (level, acs) in &domain.levels {
                let parts = acs
                    .iter()
                    .map(|ac| Pair {
                        permission: HOLD.to_owned(),
                        ty: ACCESS_CONTROL.to_owned(),
                        resource_id: Some(ac.clone()),
                    })
                    .collect();
                out.push((format!("{} {}", domain.base, level.as_str()), parts));
            }
        }
        out
    }

    fn implications(doc: &SnapshotDoc) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = doc
            .bundle_implications
            .iter()
            .map(|i| (i.when.clone(), i.then.clone()))
            .collect();
        for domain in &doc.domains {
            // BTreeMap order is lowest level first: each level implies the one below.
            let levels: Vec<&str> = domain.levels.keys().map(|l| l.as_str()).collect();
            for pair in levels.windows(2) {
                if let [lower, higher] = pair {
                    out.push((
                        format!("{} {higher}", domain.base),
                        format!("{} {lower}", domain.base),
                    ));
                }
            }
        }
        out
    }

    fn bundle_held(
        doc: &SnapshotDoc,
        grants: &[Grant],
        who: &Who,
        bundle: &str,
        properties: Option<&Map<String, Value>>,
    ) -> bool {
        let all = bundles(doc);
        let parts_of = |id: &str| -> Vec<Pair> {
            all.iter()
                .filter(|(name, _)| name == id)
                .flat_map(|(_, parts)| parts.iter().cloned())
                .collect()
        };
        let mut added: BTreeSet<Pair> = BTreeSet::new();
        let held = |part: &Pair, added: &BTreeSet<Pair>| {
            added.contains(part) || !matching(grants, who, part, properties).is_empty()
        };
        let rules = implications(doc);
        loop {
            let before = added.len();
            for (when, then) in &rules {
                if parts_of(when).iter().all(|part| held(part, &added)) {
                    added.extend(parts_of(then));
                }
            }
            if added.len() == before {
                break;
            }
        }
        let parts = parts_of(bundle);
        !parts.is_empty() && parts.iter().all(|part| held(part, &added))
    }

    enum Shape {
        Single(Pair),
        AnyOf(Vec<Pair>),
        AllOf(Vec<Pair>),
        Bundle(String),
        Scopes(Vec<String>),
    }

    fn shape(doc: &SnapshotDoc, req: &RequestDoc) -> Result<Shape, String> {
        let single = req.permission.is_some() || req.resource_type.is_some();
        let given = [
            single,
            req.any_of.is_some(),
            req.all_of.is_some(),
            req.bundle.is_some(),
            req.scopes.is_some(),
        ]
        .iter()
        .filter(|&&given| given)
        .count();
        if given > 1 {
            return Err("request.ambiguous_check".into());
        }
        let pairs = |list: &[CheckDoc]| -> Result<Vec<Pair>, String> {
            if list.is_empty() {
                return Err("request.empty_composite".into());
            }
            list.iter().map(|check| resolve_pair(doc, check)).collect()
        };
        if let Some(list) = &req.any_of {
            return pairs(list).map(Shape::AnyOf);
        }
        if let Some(list) = &req.all_of {
            return pairs(list).map(Shape::AllOf);
        }
        if let Some(bundle) = &req.bundle {
            if !bundles(doc).iter().any(|(id, _)| id == bundle) {
                return Err("request.unknown_bundle".into());
            }
            return Ok(Shape::Bundle(bundle.clone()));
        }
        if let Some(scopes) = &req.scopes {
            if find_type(doc, &TypeRef::from(SCOPE)).is_none() {
                return Err("request.unknown_resource_type".into());
            }
            return Ok(Shape::Scopes(scopes.clone()));
        }
        match (&req.permission, &req.resource_type) {
            (Some(permission), Some(resource_type)) => Ok(Shape::Single(resolve_pair(
                doc,
                &CheckDoc {
                    permission: permission.clone(),
                    resource_type: resource_type.clone(),
                    resource_id: req.resource_id.clone(),
                },
            )?)),
            _ => Err("request.missing_check".into()),
        }
    }

    fn answer(allowed: bool, rules: Vec<&'static str>) -> Reference {
        Reference {
            allowed,
            rows: None,
            tenant_denied: false,
            rules: Some(rules),
            match_rows: None,
            match_vias: None,
        }
    }

    pub(super) fn check(doc: &SnapshotDoc, req: &RequestDoc) -> Result<Reference, String> {
        let who = resolve(
            doc,
            &Asking {
                user: req.user.as_deref(),
                client: req.client.as_deref(),
                claims: plain(req.claims.as_ref()).as_ref(),
                groups: req.groups.as_deref(),
            },
        )?;
        let shape = shape(doc, req)?;
        if req.anonymous_authorized {
            return Ok(answer(true, vec!["anonymous"]));
        }
        if let Err(rule) = who.active() {
            return Ok(answer(false, vec![rule]));
        }
        let grants = all_grants(doc);
        let properties = plain(req.properties.as_ref());
        let properties = properties.as_ref();

        let tenant_ok = !doc.options.tenant_checks
            || req
                .tenant_id
                .as_ref()
                .is_none_or(|tenant| who.tenants.contains(tenant));
        let tenant_rule = if req.resource_exists.unwrap_or(true) {
            "tenant.not_found"
        } else {
            "tenant.forbidden"
        };

        if !doc.options.authorization_checks {
            // A composite may also be explained as allowed by its composition.
            let rules = match &shape {
                Shape::AllOf(_) => vec!["authorization_disabled", "all_of"],
                Shape::AnyOf(_) => vec!["authorization_disabled", "grants.match"],
                _ => vec!["authorization_disabled"],
            };
            return Ok(if tenant_ok {
                answer(true, rules)
            } else {
                Reference {
                    tenant_denied: true,
                    ..answer(false, vec![tenant_rule])
                }
            });
        }

        let mut match_rows = None;
        let mut match_vias = None;
        let (permitted, rule) = match &shape {
            Shape::Single(pair) => {
                let found = matching(&grants, &who, pair, properties);
                if found.iter().all(|grant| grant.id.is_some()) {
                    match_rows = Some(found.iter().filter_map(|g| g.id.clone()).collect());
                }
                match_vias = Some(found.iter().flat_map(|g| who.vias(g)).collect());
                (!found.is_empty(), vec!["grants.match"])
            }
            Shape::AnyOf(pairs) => (
                pairs
                    .iter()
                    .any(|pair| !matching(&grants, &who, pair, properties).is_empty()),
                vec!["grants.match"],
            ),
            Shape::AllOf(pairs) => (
                pairs
                    .iter()
                    .all(|pair| !matching(&grants, &who, pair, properties).is_empty()),
                vec!["all_of", "grants.match"],
            ),
            Shape::Bundle(bundle) => (
                bundle_held(doc, &grants, &who, bundle, properties),
                vec!["grants.bundle"],
            ),
            // An endpoint that needs no scope: any account that may act.
            Shape::Scopes(scopes) if scopes.is_empty() => (true, vec!["grants.no_scope_required"]),
            Shape::Scopes(scopes) => (
                scopes.iter().any(|scope| {
                    let id = match &req.restriction {
                        Some(r) => format!("{scope}--{r}"),
                        None => scope.clone(),
                    };
                    let pair = Pair {
                        permission: HOLD.to_owned(),
                        ty: SCOPE.to_owned(),
                        resource_id: Some(id),
                    };
                    !matching(&grants, &who, &pair, properties).is_empty()
                }),
                vec!["grants.scope"],
            ),
        };
        Ok(match (permitted, tenant_ok) {
            (true, true) => Reference {
                match_rows,
                match_vias,
                ..answer(true, rule)
            },
            (true, false) => Reference {
                tenant_denied: true,
                ..answer(false, vec![tenant_rule])
            },
            (false, true) => answer(false, vec!["no_match"]),
            // Both conjuncts failed: the spec does not say which one is reported.
            (false, false) => answer(false, vec!["no_match", tenant_rule]),
        })
    }

    pub(super) fn permissions(
        doc: &SnapshotDoc,
        req: &PermissionsRequestDoc,
    ) -> Result<Vec<String>, String> {
        let who = resolve(
            doc,
            &Asking {
                user: req.user.as_deref(),
                client: req.client.as_deref(),
                claims: plain(req.claims.as_ref()).as_ref(),
                groups: req.groups.as_deref(),
            },
        )?;
        let ty = resolve_type(doc, &req.resource_type)?;
        if who.active().is_err() {
            return Ok(Vec::new());
        }
        let tenant_ok = !doc.options.tenant_checks
            || req
                .tenant_id
                .as_ref()
                .is_none_or(|tenant| who.tenants.contains(tenant));
        if !tenant_ok {
            return Ok(Vec::new());
        }
        let grants = all_grants(doc);
        Ok(ty
            .permissions
            .iter()
            .filter(|permission| {
                let pair = Pair {
                    permission: (*permission).clone(),
                    ty: ty.name.clone(),
                    resource_id: req.resource_id.clone(),
                };
                !doc.options.authorization_checks
                    || !matching(&grants, &who, &pair, None).is_empty()
            })
            .cloned()
            .collect())
    }

    pub(super) fn list(doc: &SnapshotDoc, req: &ListRequestDoc) -> Result<ListDoc, String> {
        let who = resolve(
            doc,
            &Asking {
                user: req.user.as_deref(),
                client: req.client.as_deref(),
                claims: plain(req.claims.as_ref()).as_ref(),
                groups: req.groups.as_deref(),
            },
        )?;
        let ty = resolve_type(doc, &req.resource_type)?;
        if !ty.has(&req.permission) {
            return Err("request.unknown_permission".into());
        }
        if who.active().is_err() {
            return Ok(ListDoc::Only { ids: Vec::new() });
        }
        if !doc.options.authorization_checks {
            return Ok(ListDoc::All);
        }
        let grants = all_grants(doc);
        let reached: Vec<&Grant> = grants
            .iter()
            .filter(|grant| {
                grant.ty == ty.name
                    && grant.permissions.contains(&req.permission)
                    && who.reaches(grant)
            })
            .collect();
        if reached.iter().any(|grant| grant.matcher == Matcher::Any) {
            return Ok(ListDoc::All);
        }
        let ids: BTreeSet<String> = reached
            .iter()
            .filter_map(|grant| match &grant.matcher {
                Matcher::Id(id) => Some(id.clone()),
                Matcher::Any | Matcher::Property(_) => None,
            })
            .collect();
        Ok(ListDoc::Only {
            ids: ids.into_iter().collect(),
        })
    }
}
