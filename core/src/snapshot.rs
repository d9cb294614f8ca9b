//! Decoding and validation: snapshot JSON → [`Snapshot`], or the first error with
//! its path and code. Nothing is half-loaded: the model is built only from a
//! document that passed every check.
//!
//! Loading text ([`load`]) reads the rows borrowed from it ([`RowDoc`]); a
//! document already decoded ([`validate`]) lends its rows the same way, so both
//! are validated by one [`build`].

use crate::catalogue::{ALL_BITS, CAMUNDA7_TYPES};
use crate::error::SnapshotError;
use crate::index::SourceIndex;
use crate::intern::{Interner, Lists};
use crate::json::{Decoder, Error};
use crate::model::{
    CAMUNDA_ADMIN, Catalogue, GrantsData, Options, Owner, ResourceType, Row, Snapshot, Source,
    TypeIx,
};
use crate::prelude::*;
use crate::wire::decode::{Fill, read_fields};
use crate::wire::row::{RowDoc, RowNames, RowType};
use crate::wire::{
    AuthorizationType, FORMAT_VERSION, GroupDoc, ProfileName, ResourceTypeDoc, SnapshotDoc,
    SourceDoc, TypeRef, UserDoc,
};

pub(crate) mod grants;

/// The name of the one source of a snapshot without `sources`.
pub const DEFAULT_SOURCE: &str = "default";

/// What validation returns: errors are rare, so they travel boxed and the
/// result stays a word wide.
pub(crate) type Fallible<T> = Result<T, Box<SnapshotError>>;

/// Where a value is in the document (`sources[1].users[0].groups[2]`): a chain
/// on the stack, written out only when an error needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'a> {
    parent: Option<&'a At<'a>>,
    step: Step<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> At<'a> {
    /// The document itself.
    pub(crate) const ROOT: At<'static> = At {
        parent: None,
        step: Step::Root,
    };

    /// The value of `key` in this object.
    pub(crate) fn key(&'a self, key: &'a str) -> At<'a> {
        At {
            parent: Some(self),
            step: Step::Key(key),
        }
    }

    /// Element `index` of this array.
    pub(crate) fn index(&'a self, index: usize) -> At<'a> {
        At {
            parent: Some(self),
            step: Step::Index(index),
        }
    }

    /// `users[0].groups[2]`.
    pub(crate) fn path(&self) -> String {
        let mut steps = Vec::new();
        let mut at = Some(self);
        while let Some(here) = at {
            steps.push(here.step);
            at = here.parent;
        }
        let mut path = String::new();
        for step in steps.iter().rev() {
            match step {
                Step::Root => {}
                Step::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Step::Index(index) => {
                    path.push('[');
                    crate::json::write_u64(&mut path, *index as u64);
                    path.push(']');
                }
            }
        }
        path
    }
}

/// A snapshot document with its rows borrowed: `doc`'s own `authorizations`
/// are not read (they are empty when loading text).
pub(crate) struct Parts<'d, 'a> {
    pub doc: &'d SnapshotDoc,
    pub limits: crate::Limits,
    /// The top-level rows, then each source's.
    pub rows: Vec<Vec<RowDoc<'a>>>,
    pub names: RowNames<'a>,
}

/// Parses snapshot JSON into its document form, with the path of any shape error.
///
/// # Errors
/// `snapshot.malformed` for invalid JSON or a field of the wrong shape;
/// `snapshot.unsupported_format` when `format` is not this build's.
pub fn decode(text: &str) -> Result<SnapshotDoc, SnapshotError> {
    crate::json_path::read::<SnapshotDoc>(text)
        .map_err(|(path, error)| shape_error(text, path, &error))
}

/// A shape error, or, for a document of another `format`, that: a newer format
/// may well fail to parse as this one.
fn shape_error(text: &str, path: String, error: &Error) -> SnapshotError {
    if let Some(code) = error.limit() {
        return SnapshotError::Limit {
            path,
            code,
            message: error.to_string(),
        };
    }
    match crate::json::format_of(text) {
        Some(format) if format != FORMAT_VERSION => SnapshotError::UnsupportedFormat {
            found: format,
            expected: FORMAT_VERSION,
        },
        _ => SnapshotError::Malformed {
            path,
            message: error.to_string(),
        },
    }
}

/// Decodes, validates and indexes snapshot JSON, its rows borrowed from the text.
///
/// # Errors
/// As [`decode`], then as [`validate`].
pub(crate) fn load(text: &str, limits: &crate::Limits) -> Result<Snapshot, SnapshotError> {
    if text.len() > limits.snapshot_bytes {
        return Err(snapshot_too_large(text.len(), limits));
    }
    let mut decoder = Decoder::limited(text, limits);
    let mut doc = SnapshotDoc::default();
    let mut rows = vec![Vec::new()];
    let mut names = RowNames::new();
    read_document(&mut decoder, &mut doc, &mut rows, &mut names)
        .and_then(|()| decoder.finish())
        .map_err(|error| {
            let path = crate::json_path::at(text, error.line(), error.column());
            shape_error(text, path, &error)
        })?;
    build(&Parts {
        doc: &doc,
        limits: *limits,
        rows,
        names,
    })
    .map_err(|error| *error)
}

/// `limit.memberships` when one principal (or group, role, mapping rule) has
/// more than the limit allows.
pub(crate) fn memberships(limits: &crate::Limits, count: usize, at: At<'_>) -> Fallible<()> {
    over_limit(3, count, limits.memberships, at)
}

/// `limit.composite_length` when a bundle or domain level lists more checks
/// than the limit allows.
pub(crate) fn composite(limits: &crate::Limits, count: usize, at: At<'_>) -> Fallible<()> {
    over_limit(4, count, limits.composite_length, at)
}

fn over_limit(which: usize, count: usize, limit: usize, at: At<'_>) -> Fallible<()> {
    if count <= limit {
        return Ok(());
    }
    Err(limit_error(which, count, limit, at))
}

#[cold]
#[inline(never)]
fn limit_error(which: usize, count: usize, limit: usize, at: At<'_>) -> Box<SnapshotError> {
    let (code, message) = crate::limits::words(which, count, limit);
    SnapshotError::Limit {
        path: at.path(),
        code,
        message,
    }
    .into()
}

/// `limit.snapshot_size`.
#[cold]
#[inline(never)]
pub(crate) fn snapshot_too_large(bytes: usize, limits: &crate::Limits) -> SnapshotError {
    let (code, message) = crate::limits::words(0, bytes, limits.snapshot_bytes);
    SnapshotError::Limit {
        path: ".".into(),
        code,
        message,
    }
}

/// [`SnapshotDoc`]'s decoder, with the rows of the document and of each source
/// read borrowed into `rows`.
fn read_document<'a>(
    d: &mut Decoder<'a>,
    doc: &mut SnapshotDoc,
    rows: &mut Vec<Vec<RowDoc<'a>>>,
    names: &mut RowNames<'a>,
) -> Result<(), Error> {
    const AUTHORIZATIONS: usize = 8;
    const SOURCES: usize = 9;
    read_fields(
        d,
        SnapshotDoc::EXPECTED,
        SnapshotDoc::FIELDS,
        SnapshotDoc::REQUIRED,
        &mut |d, field| match field {
            AUTHORIZATIONS => read_rows(d, rows.first_mut(), names),
            SOURCES => {
                let mut items = d.read_array()?;
                while items.next(d)? {
                    let mut source = SourceDoc::empty();
                    rows.push(Vec::new());
                    read_fields(
                        d,
                        SourceDoc::EXPECTED,
                        SourceDoc::FIELDS,
                        SourceDoc::REQUIRED,
                        &mut |d, field| match field {
                            3 => read_rows(d, rows.last_mut(), names),
                            _ => source.field(d, field),
                        },
                    )?;
                    doc.sources.push(source);
                }
                Ok(())
            }
            _ => doc.field(d, field),
        },
    )
}

fn read_rows<'a>(
    d: &mut Decoder<'a>,
    rows: Option<&mut Vec<RowDoc<'a>>>,
    names: &mut RowNames<'a>,
) -> Result<(), Error> {
    let mut items = d.read_array()?;
    let mut read = Vec::new();
    while items.next(d)? {
        read.push(RowDoc::read(d, names)?);
    }
    if let Some(rows) = rows {
        *rows = read;
    }
    Ok(())
}

/// Checks a document and builds the validated, indexed model.
///
/// # Errors
/// The first problem found, in document order, with its path and stable code.
pub(crate) fn validate(
    doc: &SnapshotDoc,
    limits: &crate::Limits,
) -> Result<Snapshot, SnapshotError> {
    let mut names = RowNames::new();
    let mut rows = Vec::with_capacity(1 + doc.sources.len());
    for list in
        core::iter::once(&doc.authorizations).chain(doc.sources.iter().map(|s| &s.authorizations))
    {
        rows.push(list.iter().map(|row| RowDoc::of(row, &mut names)).collect());
    }
    build(&Parts {
        doc,
        limits: *limits,
        rows,
        names,
    })
    .map_err(|error| *error)
}

/// The rows of the top level (`0`) or of source `i + 1`.
fn rows_of<'p, 'a>(parts: &'p Parts<'_, 'a>, ix: usize) -> &'p [RowDoc<'a>] {
    parts.rows.get(ix).map_or(&[], Vec::as_slice)
}

fn build(parts: &Parts<'_, '_>) -> Fallible<Snapshot> {
    let doc = parts.doc;
    if doc.format != FORMAT_VERSION {
        return Err(SnapshotError::UnsupportedFormat {
            found: doc.format,
            expected: FORMAT_VERSION,
        }
        .into());
    }
    if doc.profile == ProfileName::Grants {
        return grants::validate(parts);
    }
    reject_grants_fields(parts)?;
    if doc.profile == ProfileName::Camunda7 && doc.optimize.is_some() {
        return Err(SnapshotError::ProfileMismatch {
            path: "optimize".into(),
            what: "`optimize` (Optimize's collections, reports and event-based processes)".into(),
            profile: doc.profile.as_str(),
        }
        .into());
    }
    let mut builtin: Vec<ResourceType> = CAMUNDA7_TYPES
        .iter()
        .map(|ty| ResourceType {
            name: ty.name.into(),
            id: ty.id,
            permissions: ty
                .permissions
                .iter()
                .map(|&(name, bits)| (name.into(), bits))
                .collect(),
            implicit_all: true,
        })
        .collect();
    if doc.profile == ProfileName::Optimize {
        crate::managed::add_types(&mut builtin);
    }
    let catalogue = catalogue(builtin, &doc.resource_types, true)?;

    let tenants = tenants(doc)?;
    admin_options(doc)?;
    let mut admin_groups: Vec<Box<str>> = vec![CAMUNDA_ADMIN.into()];
    admin_groups.extend(
        doc.options
            .admin_groups
            .iter()
            .map(|group| group.as_str().into()),
    );
    let options = Options {
        revoke_mode: doc.options.revoke_mode,
        tenant_checks: doc.options.tenant_checks,
        authorization_checks: doc.options.authorization_checks,
        admin_groups,
        admin_users: doc
            .options
            .admin_users
            .iter()
            .map(|user| user.as_str().into())
            .collect(),
    };

    let context = SourceContext {
        limits: &parts.limits,
        catalogue: &catalogue,
        tenants: &tenants,
        admin_groups: &options.admin_groups,
        exact_index: doc.profile != ProfileName::Camunda7,
    };
    let mut sources = Vec::new();
    if doc.sources.is_empty() {
        sources.push(context.source(
            DEFAULT_SOURCE,
            At::ROOT,
            &doc.users,
            &doc.groups,
            rows_of(parts, 0),
            &parts.names,
        )?);
    } else {
        if !(doc.users.is_empty() && doc.groups.is_empty() && rows_of(parts, 0).is_empty()) {
            return Err(SnapshotError::SourcesConflict {
                path: "sources".into(),
            }
            .into());
        }
        let mut names = Interner::default();
        let list = At::ROOT.key("sources");
        for (i, source) in doc.sources.iter().enumerate() {
            let at = list.index(i);
            unique(&mut names, &source.name, at.key("name"))?;
            sources.push(context.source(
                &source.name,
                at,
                &source.users,
                &source.groups,
                rows_of(parts, i + 1),
                &parts.names,
            )?);
        }
    }

    let managed = if doc.profile == ProfileName::Optimize {
        let data = doc.optimize.as_ref().map_or_else(
            || Ok(crate::managed::Managed::default()),
            |optimize| crate::managed::build(optimize, &sources),
        )?;
        Some(Box::new(data))
    } else {
        None
    };
    Ok(Snapshot {
        managed,
        revision: doc.revision.clone(),
        sequence: doc.sequence,
        limits: parts.limits,
        profile: doc.profile,
        options,
        catalogue,
        tenants,
        sources,
        bundles: Vec::new(),
        bundle_ids: Interner::default(),
        implications: Vec::new(),
        catalogues: Vec::new(),
    })
}

/// `options.adminGroups` and `adminUsers` name ids as every other list does:
/// not empty, and an admin group is one the snapshot lists (in some source).
fn admin_options(doc: &SnapshotDoc) -> Fallible<()> {
    let options = At::ROOT.key("options");
    let users = options.key("adminUsers");
    for (i, user) in doc.options.admin_users.iter().enumerate() {
        non_empty(user, users.index(i))?;
    }
    if doc.options.admin_groups.is_empty() {
        return Ok(());
    }
    let mut listed = Interner::default();
    for groups in core::iter::once(&doc.groups).chain(doc.sources.iter().map(|s| &s.groups)) {
        for group in groups {
            listed.insert(&group.id);
        }
    }
    let groups = options.key("adminGroups");
    for (i, group) in doc.options.admin_groups.iter().enumerate() {
        let at = groups.index(i);
        non_empty(group, at)?;
        if listed.get(group).is_none() {
            return Err(unknown_group(at.path(), group.clone()).into());
        }
    }
    Ok(())
}

/// An id of a section (a tenant, a user, a source): not empty, and not listed
/// before. Its index.
pub(crate) fn unique(names: &mut Interner, id: &str, at: At<'_>) -> Fallible<u32> {
    non_empty(id, at)?;
    match names.insert(id) {
        (ix, true) => Ok(ix),
        (_, false) => Err(SnapshotError::DuplicateId {
            path: at.path(),
            id: id.to_owned(),
        }
        .into()),
    }
}

pub(crate) fn non_empty(id: &str, at: At<'_>) -> Fallible<()> {
    if id.is_empty() {
        return Err(SnapshotError::EmptyId { path: at.path() }.into());
    }
    Ok(())
}

/// A list of ids (at `at`), each resolved in `table` and added once to the list
/// `lists` builds; the first unknown one is `unknown(path, id)`.
pub(crate) fn resolve_list(
    lists: &mut Lists,
    ids: &[String],
    table: &Interner,
    at: At<'_>,
    unknown: fn(String, String) -> SnapshotError,
) -> Fallible<u32> {
    for (j, id) in ids.iter().enumerate() {
        match table.get(id) {
            Some(ix) => lists.add(ix),
            None => return Err(unknown(at.index(j).path(), id.clone()).into()),
        }
    }
    Ok(lists.end())
}

pub(crate) fn unknown_tenant(path: String, id: String) -> SnapshotError {
    SnapshotError::UnknownTenant { path, id }
}

pub(crate) fn unknown_group(path: String, id: String) -> SnapshotError {
    SnapshotError::UnknownGroup { path, id }
}

/// The tenant table, shared by every profile.
pub(crate) fn tenants(doc: &SnapshotDoc) -> Fallible<Interner> {
    let mut tenants = Interner::with_capacity(doc.tenants.len());
    let list = At::ROOT.key("tenants");
    for (i, tenant) in doc.tenants.iter().enumerate() {
        unique(&mut tenants, &tenant.id, list.index(i).key("id"))?;
    }
    Ok(tenants)
}

/// Under `camunda7` and `optimize`, the fields of the `grants` model are errors,
/// not silently ignored data.
fn reject_grants_fields(parts: &Parts<'_, '_>) -> Fallible<()> {
    let doc = parts.doc;
    let mismatch = |path: String, what: &str| -> Box<SnapshotError> {
        SnapshotError::ProfileMismatch {
            path,
            what: what.into(),
            profile: doc.profile.as_str(),
        }
        .into()
    };
    let top: [(&str, bool); 8] = [
        ("catalogues", doc.catalogues.is_empty()),
        ("clients", doc.clients.is_empty()),
        ("roles", doc.roles.is_empty()),
        ("mappingRules", doc.mapping_rules.is_empty()),
        ("bundles", doc.bundles.is_empty()),
        ("bundleImplications", doc.bundle_implications.is_empty()),
        ("accessControls", doc.access_controls.is_empty()),
        ("domains", doc.domains.is_empty()),
    ];
    if let Some((field, _)) = top.iter().find(|(_, empty)| !empty) {
        return Err(mismatch((*field).into(), &format!("`{field}`")));
    }
    let types = At::ROOT.key("resourceTypes");
    for (i, ty) in doc.resource_types.iter().enumerate() {
        if !ty.implies.is_empty() {
            let path = types.index(i).key("implies").path();
            return Err(mismatch(path, "permission implication"));
        }
    }
    // In a source the path names no index: `sources[].users[0]`.
    let in_sources = At::ROOT.key("sources[]");
    let sections = core::iter::once((At::ROOT, &doc.users, &doc.groups)).chain(
        doc.sources
            .iter()
            .map(|source| (in_sources, &source.users, &source.groups)),
    );
    for (ix, (at, users, groups)) in sections.enumerate() {
        let list = at.key("users");
        for (i, user) in users.iter().enumerate() {
            if !user.roles.is_empty() || !user.state.is_active() {
                return Err(mismatch(
                    list.index(i).path(),
                    "user roles and account state",
                ));
            }
        }
        let list = at.key("groups");
        for (i, group) in groups.iter().enumerate() {
            let emporix = group.user_type.is_some()
                || group.legal_entity.is_some()
                || !group.restrictions.is_empty()
                || !group.access_controls.is_empty()
                || group.predefined.is_some();
            if !group.roles.is_empty() || emporix {
                let path = list.index(i).path();
                return Err(mismatch(path, "group roles and Emporix group fields"));
            }
        }
        let list = at.key("authorizations");
        for (i, row) in rows_of(parts, ix).iter().enumerate() {
            let row_at = list.index(i);
            if row.owner_type.is_some() || row.owner_id.is_some() {
                let path = row_at.key("ownerType").path();
                return Err(mismatch(path, "`ownerType`/`ownerId`"));
            }
            if row.resource_property_name.is_some() {
                let path = row_at.key("resourcePropertyName").path();
                return Err(mismatch(path, "a PROPERTY matcher"));
            }
        }
    }
    Ok(())
}

/// The built-in types followed by the snapshot's own.
pub(crate) fn catalogue(
    builtin: Vec<ResourceType>,
    custom: &[ResourceTypeDoc],
    implicit_all: bool,
) -> Fallible<Catalogue> {
    let mut catalogue = Catalogue::default();
    let declared = custom.iter().map(|ty| ResourceType {
        name: ty.name.as_str().into(),
        id: ty.id,
        permissions: ty
            .permissions
            .iter()
            .map(|(name, &bits)| (name.as_str().into(), bits))
            .collect(),
        implicit_all,
    });
    let builtin_count = builtin.len();
    let list = At::ROOT.key("resourceTypes");
    for (position, ty) in builtin.into_iter().chain(declared).enumerate() {
        let at = list.index(position.saturating_sub(builtin_count));
        non_empty(&ty.name, at.key("name"))?;
        if TypeIx::try_from(position).is_err() {
            return Err(SnapshotError::Malformed {
                path: at.path(),
                message: "too many resource types".into(),
            }
            .into());
        }
        if catalogue.named(&ty.name).is_some() || catalogue.with_id(ty.id).is_some() {
            return Err(SnapshotError::DuplicateResourceType {
                path: at.path(),
                name: ty.name.into(),
                id: ty.id,
            }
            .into());
        }
        let permissions = at.key("permissions");
        for (name, bits) in &ty.permissions {
            if matches!(&**name, "ALL" | "NONE") {
                return Err(SnapshotError::ReservedId {
                    path: permissions.path(),
                    id: name.to_string(),
                }
                .into());
            }
            if *bits == 0 || *bits >= ALL_BITS {
                return Err(SnapshotError::InvalidPermissionValue {
                    path: permissions.key(name).path(),
                    permission: name.to_string(),
                }
                .into());
            }
        }
        catalogue.names.insert(&ty.name);
        catalogue.types.push(ty);
    }
    Ok(catalogue)
}

impl Catalogue {
    /// Finds a resource type by name or integer id.
    pub(crate) fn resolve(&self, ty: &TypeRef) -> Option<TypeIx> {
        match ty {
            TypeRef::Id(id) => self.with_id(*id),
            TypeRef::Name(name) => self.named(name),
        }
    }

    /// Finds a resource type by name or integer id, as a row names it.
    pub(crate) fn resolve_row(&self, ty: &RowType<'_>) -> Option<TypeIx> {
        match ty {
            RowType::Id(id) => self.with_id(*id),
            RowType::Name(name) => self.named(name),
        }
    }
}

/// A row's resource type as its error names it: the name, or the id.
pub(crate) fn type_words(ty: &RowType<'_>) -> String {
    match ty {
        RowType::Id(id) => id.to_string(),
        RowType::Name(name) => name.to_string(),
    }
}

/// What every source of a `camunda7`/`optimize` snapshot is validated against.
struct SourceContext<'c> {
    limits: &'c crate::Limits,
    catalogue: &'c Catalogue,
    tenants: &'c Interner,
    admin_groups: &'c [Box<str>],
    /// Whether to build the (owner, type, id) map: Optimize's hot path reads
    /// it; Camunda 7's does not (see `index`), and without it loading is faster.
    exact_index: bool,
}

impl SourceContext<'_> {
    fn source(
        &self,
        name: &str,
        at: At<'_>,
        user_docs: &[UserDoc],
        group_docs: &[GroupDoc],
        row_docs: &[RowDoc<'_>],
        names: &RowNames<'_>,
    ) -> Fallible<Source> {
        let mut groups = Interner::with_capacity(group_docs.len());
        let mut group_tenants = Lists::with_capacity(group_docs.len());
        let list = at.key("groups");
        for (i, group) in group_docs.iter().enumerate() {
            let at = list.index(i);
            unique(&mut groups, &group.id, at.key("id"))?;
            memberships(self.limits, group.tenants.len(), at)?;
            let tenants = at.key("tenants");
            resolve_list(
                &mut group_tenants,
                &group.tenants,
                self.tenants,
                tenants,
                unknown_tenant,
            )?;
        }

        let mut users = Interner::with_capacity(user_docs.len());
        let mut user_groups = Lists::with_capacity(user_docs.len());
        let mut user_tenants = Lists::with_capacity(user_docs.len());
        let list = at.key("users");
        for (i, user) in user_docs.iter().enumerate() {
            let at = list.index(i);
            if user.id == "*" {
                return Err(SnapshotError::ReservedId {
                    path: at.key("id").path(),
                    id: user.id.clone(),
                }
                .into());
            }
            unique(&mut users, &user.id, at.key("id"))?;
            memberships(self.limits, user.groups.len() + user.tenants.len(), at)?;
            resolve_list(
                &mut user_groups,
                &user.groups,
                &groups,
                at.key("groups"),
                unknown_group,
            )?;
            resolve_list(
                &mut user_tenants,
                &user.tenants,
                self.tenants,
                at.key("tenants"),
                unknown_tenant,
            )?;
        }

        let mut resources = Interner::default();
        resources.insert("*");
        let mut row_ids = Interner::with_capacity(row_docs.len());
        let mut rows = Vec::with_capacity(row_docs.len());
        let list = at.key("authorizations");
        let mut previous: Option<(&RowType<'_>, TypeIx)> = None;
        for (i, row) in row_docs.iter().enumerate() {
            let at = list.index(i);
            let id = unique(&mut row_ids, &row.id, at.key("id"))?;
            let owner = owner(row, &users, &groups, at)?;
            let ty = match previous {
                Some((named, ty)) if same_type(named, &row.resource_type) => ty,
                _ => resolve_type(self.catalogue, row, at)?,
            };
            previous = Some((&row.resource_type, ty));
            let Some(resource_id) = row.resource_id.as_deref() else {
                return Err(SnapshotError::MissingResourceId {
                    path: at.key("resourceId").path(),
                }
                .into());
            };
            non_empty(resource_id, at.key("resourceId"))?;
            crate::managed::refuse_row(self.catalogue.ty(ty), None, at)?;
            let named = permission_mask(self.catalogue.ty(ty), row, names, at)?;
            crate::managed::refuse_row(self.catalogue.ty(ty), Some(named), at)?;
            // REVOKE rows name what they take away; the engine stores what is left.
            let mask = if row.kind == AuthorizationType::Revoke {
                ALL_BITS & !named
            } else {
                named
            };
            rows.push(Row {
                id,
                kind: row.kind,
                owner,
                ty,
                resource: resources.insert(resource_id).0,
                mask,
            });
        }

        let index = SourceIndex::build(&rows, users.len(), groups.len(), self.exact_index);
        let mut admins = Interner::with_capacity(self.admin_groups.len());
        for admin in self.admin_groups {
            admins.insert(admin);
        }
        let admin_groups = group_docs
            .iter()
            .map(|group| admins.get(&group.id).is_some())
            .collect();
        Ok(Source {
            name: name.into(),
            users,
            user_groups,
            user_tenants,
            groups,
            group_tenants,
            admin_groups,
            grants: GrantsData::default(),
            resources,
            row_ids,
            rows,
            index,
        })
    }
}

/// A row's resource type.
pub(crate) fn resolve_type(
    catalogue: &Catalogue,
    row: &RowDoc<'_>,
    at: At<'_>,
) -> Fallible<TypeIx> {
    catalogue.resolve_row(&row.resource_type).ok_or_else(|| {
        SnapshotError::UnknownResourceType {
            path: at.key("resourceType").path(),
            resource_type: type_words(&row.resource_type),
        }
        .into()
    })
}

/// Whether two rows name the same resource type the same way: consecutive rows
/// mostly do, and comparing is cheaper than looking the name up again.
pub(crate) fn same_type(a: &RowType<'_>, b: &RowType<'_>) -> bool {
    match (a, b) {
        (RowType::Name(a), RowType::Name(b)) => a == b,
        (RowType::Id(a), RowType::Id(b)) => a == b,
        _ => false,
    }
}

fn owner(row: &RowDoc<'_>, users: &Interner, groups: &Interner, at: At<'_>) -> Fallible<Owner> {
    let unknown = |field: &str, error: fn(String, String) -> SnapshotError, id: &str| {
        Box::new(error(at.key(field).path(), id.to_owned()))
    };
    if row.kind == AuthorizationType::Global {
        if row.group_id.is_some() {
            return Err(SnapshotError::GlobalWithGroup {
                path: at.key("groupId").path(),
            }
            .into());
        }
        return match row.user_id.as_deref() {
            None | Some("*") => Ok(Owner::Global),
            Some(other) => Err(SnapshotError::GlobalWithUser {
                path: at.key("userId").path(),
                id: other.to_owned(),
            }
            .into()),
        };
    }
    match (row.user_id.as_deref(), row.group_id.as_deref()) {
        (Some(_), Some(_)) => Err(SnapshotError::BothOwners {
            path: at.key("groupId").path(),
        }
        .into()),
        (None, None) => Err(SnapshotError::MissingOwner {
            path: at.key("userId").path(),
        }
        .into()),
        (Some("*"), None) => Ok(Owner::AnyUser),
        (Some(user), None) => users.get(user).map(Owner::User).ok_or_else(|| {
            unknown(
                "userId",
                |path, id| SnapshotError::UnknownUser { path, id },
                user,
            )
        }),
        (None, Some(group)) => groups
            .get(group)
            .map(Owner::Group)
            .ok_or_else(|| unknown("groupId", unknown_group, group)),
    }
}

/// The bits a row's permission names stand for, or the first unknown name.
pub(crate) fn permission_mask(
    resource_type: &ResourceType,
    row: &RowDoc<'_>,
    names: &RowNames<'_>,
    at: At<'_>,
) -> Fallible<u32> {
    let list = at.key("permissions");
    let (start, end) = row.permissions;
    let names = names.get(start as usize..end as usize).unwrap_or(&[]);
    if names.is_empty() {
        return Err(SnapshotError::EmptyPermissions { path: list.path() }.into());
    }
    let mut mask = 0;
    for (j, permission) in names.iter().enumerate() {
        match resource_type.bits(permission) {
            Some(bits) => mask |= bits,
            None => {
                return Err(SnapshotError::UnknownPermission {
                    path: list.index(j).path(),
                    permission: permission.to_string(),
                    resource_type: resource_type.name.to_string(),
                }
                .into());
            }
        }
    }
    Ok(mask)
}
