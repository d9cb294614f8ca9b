//! Access analysis, the administrator's questions (SEMANTICS.md §5): who may
//! do this?
//!
//! Who can is defined by checks — the listed principals whose check allows —
//! and answered without checking every one of them: a principal whose
//! identity no row on the resource, no tenant, no admin group, no property of
//! the request, no account state and (under the `auto` revoke mode) no REVOKE
//! row of its own singles out is decided exactly as a user
//! the snapshot does not list. So one check of such an unlisted user answers
//! for all of them, and only the principals the relevant rows reach (walked
//! from the rows to their owners and from the owners to their members) are
//! checked one by one. `tests/run/reference.rs` and `tests/run/vectors.rs`
//! hold it to the brute force of checking everyone.

use crate::catalogue::ALL_BITS;
use crate::error::RequestError;
use crate::json::Value;
use crate::model::{Owner, PROPERTY_RESOURCES, ResIx, Snapshot, Source, TypeIx, WILDCARD};
use crate::prelude::*;
use crate::principal::PrincipalRef;
use crate::wire::{
    AccountState, AuthorizationType, ExplanationDoc, ProfileName, RequestDoc, RevokeMode, TypeRef,
    WhoCanDoc, WhoDoc,
};

/// The resources a request's decision reads rows of: per type, the id
/// (`None`: every id of the type) and the permission bits asked (0: any row,
/// whatever it grants or revokes).
type Consulted<'r> = Vec<(TypeIx, Option<&'r str>, u32)>;

/// Which owners of one source the relevant rows (and the request) single out.
struct Marked {
    users: Vec<bool>,
    groups: Vec<bool>,
    roles: Vec<bool>,
}

impl Marked {
    fn of(source: &Source) -> Self {
        Self {
            users: vec![false; source.users.len()],
            groups: vec![false; source.groups.len()],
            roles: vec![false; source.grants.roles.len()],
        }
    }

    fn mark(&mut self, owner: Owner) {
        let (list, ix) = match owner {
            Owner::User(ix) => (&mut self.users, ix),
            Owner::Group(ix) => (&mut self.groups, ix),
            Owner::Role(ix) => (&mut self.roles, ix),
            // Clients are all checked; rules are asked about on their own;
            // `*` and GLOBAL rows are everyone's, the unlisted user's too.
            Owner::Client(_) | Owner::MappingRule(_) | Owner::AnyUser | Owner::Global => {
                return;
            }
        };
        if let Some(marked) = list.get_mut(ix as usize) {
            *marked = true;
        }
    }

    fn has(list: &[bool], ix: u32) -> bool {
        list.get(ix as usize).copied().unwrap_or(false)
    }

    /// Whether user `user` of `source` reaches a marked owner (itself, a
    /// group, a role, a group's role) or is singled out by its account.
    fn reaches(&self, source: &Source, user: u32) -> bool {
        let data = &source.grants;
        let groups = source.groups_of(user);
        Self::has(&self.users, user)
            || data
                .user_states
                .get(user as usize)
                .is_some_and(|state| *state != AccountState::Active)
            || groups.iter().any(|&group| {
                Self::has(&self.groups, group)
                    || data
                        .group_roles
                        .get(group)
                        .iter()
                        .any(|&role| Self::has(&self.roles, role))
            })
            || data
                .user_roles
                .get(user)
                .iter()
                .any(|&role| Self::has(&self.roles, role))
    }
}

impl Snapshot {
    /// Who may do what `request` asks (a request without a principal).
    /// `decide` answers the request for one principal: the request's own
    /// path, or (for a plain check) a prepared question's, which answers the
    /// same.
    /// Whether a request asks about something Optimize manages itself.
    fn asks_managed(&self, request: &RequestDoc) -> bool {
        let managed = |ty: &TypeRef, permission: &str| {
            let ix = match ty {
                TypeRef::Name(name) => self.catalogue.named(name),
                TypeRef::Id(id) => self.catalogue.with_id(*id),
            };
            ix.is_some_and(|ix| {
                let ty = self.catalogue.ty(ix);
                ty.bits(permission)
                    .is_some_and(|bits| crate::managed::Asked::of(&ty.name, bits).is_some())
            })
        };
        let single = request
            .resource_type
            .as_ref()
            .zip(request.permission.as_deref())
            .is_some_and(|(ty, permission)| managed(ty, permission));
        let composite = [&request.any_of, &request.all_of]
            .into_iter()
            .flatten()
            .flatten()
            .any(|check| managed(&check.resource_type, &check.permission));
        single || composite
    }

    pub(crate) fn who_can(
        &self,
        request: &RequestDoc,
        explain: bool,
        decide: &dyn Fn(PrincipalRef<'_>) -> Result<bool, Box<RequestError>>,
    ) -> Result<WhoCanDoc, Box<RequestError>> {
        for (field, given) in [
            ("user", request.user.is_some()),
            ("client", request.client.is_some()),
            ("groups", request.groups.is_some()),
            ("claims", request.claims.is_some()),
        ] {
            if given {
                return Err(RequestError::Malformed {
                    message: format!(
                        "who-can asks about every principal: leave out `{field}` (and every principal field)"
                    ),
                }
                .into());
            }
        }
        let anyone = self.unlisted_user(request);
        let base = PrincipalRef {
            source: request.source.as_deref(),
            profile: request.profile,
            ..PrincipalRef::default()
        };
        let unlisted = PrincipalRef {
            user: Some(&anyone),
            ..base
        };
        // Asked the full way first: it validates the request as every check would.
        let any_user = self.request_as(unlisted, request, false)?.allowed();
        let profile = request.profile.unwrap_or(self.profile);
        let consulted = self.consulted(request, profile)?;
        let sources = self.consulted_sources(request.source.as_deref());

        let mut users: Vec<&str> = Vec::new();
        // What Optimize manages is decided by its own lists, which the walk
        // of rows does not see: everyone is asked (Optimize organisations are small).
        let managed = profile == ProfileName::Optimize && self.asks_managed(request);
        if let ([source], false) = (sources.as_slice(), managed) {
            // Under the `auto` revoke mode a user with REVOKE rows of its own
            // (of any type) is decided with revokes consulted: as an unlisted
            // user for whom they are.
            let auto =
                self.options.revoke_mode == RevokeMode::Auto && profile != ProfileName::Grants;
            let any_revoked_user = if auto {
                decide(PrincipalRef {
                    revokes: true,
                    ..unlisted
                })?
            } else {
                any_user
            };
            let marked = self.marked(source, &consulted, request, profile);
            for user in 0..u32::try_from(source.users.len()).unwrap_or(u32::MAX) {
                let name = source.users.name(user);
                let allowed = if marked.reaches(source, user) {
                    decide(PrincipalRef {
                        user: Some(name),
                        ..base
                    })?
                } else if auto
                    && source
                        .index
                        .revokes_concern(Some(user), source.groups_of(user))
                {
                    any_revoked_user
                } else {
                    any_user
                };
                if allowed {
                    users.push(name);
                }
            }
        } else {
            // Several sources (Optimize over several engines: small
            // organisations), or a managed question: everyone is asked.
            let mut everyone: Vec<&str> = Vec::new();
            for source in &sources {
                for user in 0..u32::try_from(source.users.len()).unwrap_or(u32::MAX) {
                    everyone.push(source.users.name(user));
                }
            }
            crate::sort::sort_dedup(&mut everyone);
            for name in everyone {
                if decide(PrincipalRef {
                    user: Some(name),
                    ..base
                })? {
                    users.push(name);
                }
            }
        }
        let mut doc = WhoCanDoc {
            users: crate::sort::sorted_names(users),
            any_user,
            ..WhoCanDoc::default()
        };
        if profile == ProfileName::Grants
            && let Some(source) = self.sources.first()
        {
            let mut clients = Vec::new();
            for client in 0..u32::try_from(source.grants.clients.len()).unwrap_or(u32::MAX) {
                let id = source.grants.clients.name(client);
                if decide(PrincipalRef {
                    client: Some(id),
                    ..base
                })? {
                    clients.push(id);
                }
            }
            doc.clients = crate::sort::sorted_names(clients);
            let mut rules = Vec::new();
            for (rule, mapping_rule) in (0..).zip(&source.grants.mapping_rules) {
                if decide(PrincipalRef {
                    rule: Some(rule),
                    ..unlisted
                })? {
                    rules.push(&*mapping_rule.id);
                }
            }
            doc.mapping_rules = crate::sort::sorted_names(rules);
        }
        if explain {
            doc.explanations = self.explain_who(&doc, request, base, &anyone)?;
        }
        Ok(doc)
    }

    /// The rule and rows that allowed each principal of `doc`.
    fn explain_who(
        &self,
        doc: &WhoCanDoc,
        request: &RequestDoc,
        base: PrincipalRef<'_>,
        anyone: &str,
    ) -> Result<Vec<WhoDoc>, Box<RequestError>> {
        let rules = self
            .sources
            .first()
            .map(|source| &source.grants.mapping_rules);
        let mut explained = Vec::new();
        let mut add = |who: PrincipalRef<'_>, doc: WhoDoc| -> Result<(), Box<RequestError>> {
            let verdict = self.request_as(who, request, true)?;
            explained.push(WhoDoc {
                explanation: verdict.explanation.map(|e| *e).unwrap_or_default(),
                ..doc
            });
            Ok(())
        };
        for user in &doc.users {
            let who = PrincipalRef {
                user: Some(user),
                ..base
            };
            add(who, WhoDoc::new("user", user))?;
        }
        for client in &doc.clients {
            let who = PrincipalRef {
                client: Some(client),
                ..base
            };
            add(who, WhoDoc::new("client", client))?;
        }
        for id in &doc.mapping_rules {
            let rule = rules
                .and_then(|rules| rules.iter().position(|rule| *rule.id == **id))
                .and_then(|at| u32::try_from(at).ok());
            let who = PrincipalRef {
                user: Some(anyone),
                rule,
                ..base
            };
            add(who, WhoDoc::new("mappingRule", id))?;
        }
        Ok(explained)
    }

    /// A user id no source lists, no admin setting names and the request's
    /// properties do not mention: "anyone else".
    fn unlisted_user(&self, request: &RequestDoc) -> String {
        let mentioned = |id: &str| {
            request.properties.as_ref().is_some_and(|properties| {
                properties.iter().any(|(_, value)| match value {
                    Value::String(text) => text == id,
                    Value::Array(items) => items.iter().any(|item| item.as_str() == Some(id)),
                    _ => false,
                })
            })
        };
        let mut id = String::from("writ:anyone");
        while self.sources.iter().any(|source| {
            source.users.get(&id).is_some() || source.grants.clients.get(&id).is_some()
        }) || self.options.admin_users.iter().any(|admin| **admin == *id)
            || mentioned(&id)
        {
            id.push('\'');
        }
        id
    }

    /// The sources a request is decided on.
    fn consulted_sources(&self, named: Option<&str>) -> Vec<&Source> {
        match named {
            Some(name) => self
                .sources
                .iter()
                .filter(|source| &*source.name == name)
                .collect(),
            None => self.sources.iter().collect(),
        }
    }

    /// The types (and ids) whose rows the request's decision may read, for
    /// any principal; more is harmless (more principals are checked), less
    /// would be wrong.
    fn consulted<'r>(
        &self,
        request: &'r RequestDoc,
        profile: ProfileName,
    ) -> Result<Consulted<'r>, Box<RequestError>> {
        let mut consulted = Consulted::new();
        // Under `optimize` a row is relevant by its permission names, not
        // its bits: every row of the type is kept.
        let bits = |bits: u32| {
            if profile == ProfileName::Optimize {
                0
            } else {
                bits
            }
        };
        if let (Some(permission), Some(ty)) = (&request.permission, &request.resource_type) {
            let id = request.resource_id.as_deref();
            let check = self.resolve_check(self.resolve_type(ty)?, permission, id)?;
            consulted.push((check.ty, id, bits(check.bits)));
        }
        for doc in request.any_of.iter().chain(&request.all_of).flatten() {
            let check = self.check_doc(doc)?;
            consulted.push((check.ty, check.resource_id, bits(check.bits)));
        }
        if request.bundle.is_some() {
            // A bundle is held through any other (implications): all of them.
            for part in self.bundles.iter().flat_map(|bundle| &bundle.parts) {
                consulted.push((part.ty, None, 0));
            }
        }
        if request.scopes.is_some() {
            consulted.push((self.scope_query()?.0, None, 0));
        }
        if profile == ProfileName::Optimize {
            for name in ["APPLICATION", "TENANT"] {
                consulted.push((self.resolve_type_name(name)?, None, 0));
            }
        }
        Ok(consulted)
    }

    /// The owners of `source` that the request singles out: the owners of
    /// the relevant rows, of the asked tenant, the admin groups, and what the
    /// request's properties name.
    fn marked(
        &self,
        source: &Source,
        consulted: &Consulted<'_>,
        request: &RequestDoc,
        profile: ProfileName,
    ) -> Marked {
        let mut marked = Marked::of(source);
        // Per consulted type, the resource indices (`None`: all) its rows may
        // be on: the id asked, `*`, and the PROPERTY matchers.
        type Ids = Option<[Option<ResIx>; 2]>;
        let consulted: Vec<(TypeIx, Ids, u32)> = consulted
            .iter()
            .map(|&(ty, id, bits)| match id {
                Some(id) if id != "*" => {
                    (ty, Some([Some(WILDCARD), source.resources.get(id)]), bits)
                }
                _ => (ty, None, bits),
            })
            .collect();
        for row in &source.rows {
            // A row that grants (or revokes) none of the bits asked cannot
            // match the check, whoever owns it.
            let touches = |bits: u32| match row.kind {
                AuthorizationType::Revoke => !row.mask & ALL_BITS & bits != 0,
                AuthorizationType::Grant | AuthorizationType::Global => row.mask & bits != 0,
            };
            let relevant = consulted.iter().any(|&(ty, ids, bits)| {
                row.ty == ty
                    && (bits == 0 || touches(bits))
                    && ids.is_none_or(|ids| {
                        ids.contains(&Some(row.resource))
                            || PROPERTY_RESOURCES.iter().any(|(ix, _)| *ix == row.resource)
                    })
            });
            if relevant {
                marked.mark(row.owner);
            }
        }
        let data = &source.grants;
        if let Some(tenant) = request
            .tenant_id
            .as_deref()
            .and_then(|t| self.tenants.get(t))
        {
            let holds = |tenants: &[u32]| tenants.contains(&tenant);
            for user in 0..u32::try_from(source.users.len()).unwrap_or(0) {
                if holds(source.user_tenants.get(user)) {
                    marked.mark(Owner::User(user));
                }
            }
            for group in 0..u32::try_from(source.groups.len()).unwrap_or(0) {
                if holds(source.group_tenants.get(group)) {
                    marked.mark(Owner::Group(group));
                }
            }
            for role in 0..u32::try_from(data.roles.len()).unwrap_or(0) {
                if holds(data.role_tenants.get(role)) {
                    marked.mark(Owner::Role(role));
                }
            }
        }
        if profile != ProfileName::Grants {
            for (group, admin) in (0..).zip(&source.admin_groups) {
                if *admin {
                    marked.mark(Owner::Group(group));
                }
            }
            for admin in &self.options.admin_users {
                if let Some(user) = source.users.get(admin) {
                    marked.mark(Owner::User(user));
                }
            }
        }
        for (_, value) in request
            .properties
            .iter()
            .flat_map(|properties| properties.iter())
        {
            let names: Vec<&str> = match value {
                Value::String(name) => vec![name],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for name in names {
                if let Some(user) = source.users.get(name) {
                    marked.mark(Owner::User(user));
                }
                if let Some(group) = source.groups.get(name) {
                    marked.mark(Owner::Group(group));
                }
            }
        }
        marked
    }
}

impl WhoDoc {
    fn new(kind: &'static str, id: &str) -> Self {
        Self {
            kind,
            id: id.to_owned(),
            explanation: ExplanationDoc::default(),
        }
    }
}
