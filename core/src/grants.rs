//! The `grants` profile (`SEMANTICS.md` §3): no deny, so a decision is whether
//! any grant the principal reaches — through itself, its groups, its roles, its
//! groups' roles and the mapping rules its claims match — covers the request,
//! and whether the tenant and the account allow it. Same index as the other
//! profiles; owners are just more kinds of [`Owner`].

use crate::json::{Map, Value};
use crate::prelude::*;

use crate::catalogue::{EMPORIX_HOLD, EMPORIX_SCOPE};
use crate::error::{RequestError, SnapshotError};
use crate::model::{
    BundlePart, GroupIx, Owner, PROPERTY_RESOURCES, RowIx, Snapshot, Source, TypeIx, WILDCARD,
};
use crate::principal::{Principal, PrincipalRef, Reach, SourceList, SourcePrincipal, Via};
use crate::snapshot::grants::customer_group_conflict;
use crate::wire::{
    AccountState, AssignmentDoc, ClaimsDoc, DecisionDoc, ExplanationDoc, ListDoc, ProfileName,
    SortedMap, UserType,
};

/// A grant that decided, and how the principal reaches its owner.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub row: RowIx,
    pub via: Via,
}

/// One permission question under `grants`, resolved against the catalogue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GrantQuery<'r> {
    pub ty: TypeIx,
    pub bits: u32,
    pub resource_id: Option<&'r str>,
    pub properties: Option<&'r Map>,
}

impl Snapshot {
    /// Resolves a `grants` principal: who it is, every owner it reaches and how.
    /// One list of owners, in explanation order: itself, its groups (stored or
    /// claimed, then those of matching mapping rules), its roles (direct, of its
    /// groups, of its mapping rules), its mapping rules.
    pub(crate) fn grants_principal(
        &self,
        doc: PrincipalRef<'_>,
    ) -> Result<Principal, Box<RequestError>> {
        let source = self.sources.first().ok_or(RequestError::MissingUser)?;
        let data = &source.grants;
        // A named client is the principal; any username is then ignored.
        let (id, client) = match (
            doc.client.filter(|id| !id.is_empty()),
            doc.user.filter(|id| !id.is_empty()),
        ) {
            (Some(client), _) => (client, true),
            (None, Some(user)) => (user, false),
            (None, None) => return Err(RequestError::MissingUser.into()),
        };
        let mut reach = Reach {
            client,
            owners: Vec::with_capacity(16),
            ..Reach::default()
        };
        let (own, stored_groups, direct_roles) = if client {
            let ix = data.clients.get(id);
            (
                ix.map(Owner::Client),
                data.client_groups.of(ix),
                data.client_roles.of(ix),
            )
        } else {
            let ix = source.users.get(id);
            if let Some(state) = ix.and_then(|ix| data.user_states.get(ix as usize)) {
                reach.state = *state;
            }
            (
                ix.map(Owner::User),
                source.user_groups.of(ix),
                data.user_roles.of(ix),
            )
        };
        let owners = &mut reach.owners;
        let mut reached = Reached::default();
        let mut push_new = |owners: &mut Vec<(Owner, Via)>, owner, via| {
            reached.push(owners, owner, via);
        };
        owners.extend(own.map(|owner| (owner, Via::Direct)));
        match doc.groups {
            // A groups claim replaces the stored memberships.
            Some(names) => {
                for name in names {
                    match source.groups.get(name) {
                        Some(group) => push_new(owners, Owner::Group(group), Via::Group(group)),
                        // Not in the snapshot: no grants, but it still matches `candidateGroups`.
                        None => reach.group_names.push(name.as_str().into()),
                    }
                }
            }
            None => stored_groups
                .iter()
                .for_each(|&group| push_new(owners, Owner::Group(group), Via::Group(group))),
        }
        let rules_start = owners.len();
        if let Some(rule) = doc.rule {
            owners.push((Owner::MappingRule(rule), Via::Rule(rule)));
        } else if let Some(claims) = doc.claims {
            for (rule_ix, rule) in (0..).zip(&data.mapping_rules) {
                if rule.claim.matches(claims, &rule.value, rule.operator) {
                    owners.push((Owner::MappingRule(rule_ix), Via::Rule(rule_ix)));
                }
            }
        }
        let rules_end = owners.len();
        for at in rules_start..rules_end {
            let Some(&(Owner::MappingRule(rule), _)) = owners.get(at) else {
                continue;
            };
            for &group in data
                .mapping_rules
                .get(rule as usize)
                .map_or(&[][..], |rule| &rule.groups)
            {
                push_new(owners, Owner::Group(group), Via::RuleGroup(rule, group));
            }
        }
        direct_roles
            .iter()
            .for_each(|&role| push_new(owners, Owner::Role(role), Via::Role(role)));
        for at in 0..owners.len() {
            let Some(&(owner, via)) = owners.get(at) else {
                continue;
            };
            match owner {
                Owner::Group(group) => {
                    for &role in data.group_roles.get(group) {
                        let via = match via {
                            Via::RuleGroup(rule, _) => Via::RuleGroupRole(rule, group, role),
                            _ => Via::GroupRole(group, role),
                        };
                        push_new(owners, Owner::Role(role), via);
                    }
                }
                Owner::MappingRule(rule) => {
                    for &role in data
                        .mapping_rules
                        .get(rule as usize)
                        .map_or(&[][..], |rule| &rule.roles)
                    {
                        push_new(owners, Owner::Role(role), Via::RuleRole(rule, role));
                    }
                }
                _ => {}
            }
        }
        let principal = SourcePrincipal {
            source: 0,
            user: if client { None } else { source.users.get(id) },
            // Under `grants` the groups live in `reach.owners`.
            groups: Box::default(),
            admin: false,
            revokes: false,
            reach,
            // Every owner may be the principal's: `grants` reads its own index.
            owners: crate::index::OwnerSet::ALL,
            wildcards: None,
            logs_in: None,
        };
        Ok(Principal {
            user: id.into(),
            profile: ProfileName::Grants,
            sources: SourceList::One(principal),
        })
    }

    /// The first grant (in reach order) that covers the query.
    pub(crate) fn find_grant(
        &self,
        principal: &SourcePrincipal,
        principal_id: &str,
        query: GrantQuery<'_>,
    ) -> Option<Hit> {
        let source = self.sources.get(principal.source)?;
        let specific = query
            .resource_id
            .filter(|id| *id != "*")
            .and_then(|id| source.resources.get(id));
        let reach = &principal.reach;
        let username = (!reach.client).then_some(principal_id);
        let in_groups = |candidate: &str| {
            let in_snapshot = |(owner, _): &(Owner, Via)| matches!(owner, Owner::Group(group) if source.groups.name(*group) == candidate);
            reach.owners.iter().any(in_snapshot)
                || reach.group_names.iter().any(|name| **name == *candidate)
        };
        let mut targets = [Some(WILDCARD), specific, None, None, None];
        if query.properties.is_some() {
            for ((ix, name), slot) in PROPERTY_RESOURCES.iter().zip(targets.iter_mut().skip(2)) {
                if property_holds(query.properties, name, username, &in_groups) {
                    *slot = Some(*ix);
                }
            }
        }
        reach.owners.iter().find_map(|&(owner, via)| {
            targets.iter().flatten().find_map(|&target| {
                source
                    .index
                    .rows_on(owner, query.ty, target)
                    .iter()
                    .find(|entry| entry.mask & query.bits == query.bits)
                    .map(|entry| Hit {
                        row: entry.row,
                        via,
                    })
            })
        })
    }

    /// Words for how a grant's owner is reached: "group `ops`", "role `admin` of group `ops`", …
    pub(crate) fn via_words(&self, principal: &SourcePrincipal, via: Via) -> String {
        let Some(source) = self.sources.get(principal.source) else {
            return String::new();
        };
        let group = |g: GroupIx| source.groups.name(g).to_owned();
        let role = |r: u32| source.grants.roles.name(r).to_owned();
        let rule = |m: u32| {
            source
                .grants
                .mapping_rules
                .get(m as usize)
                .map_or(String::new(), |rule| rule.id.to_string())
        };
        match via {
            Via::Direct => "direct".into(),
            Via::Group(g) => format!("group `{}`", group(g)),
            Via::Role(r) => format!("role `{}`", role(r)),
            Via::GroupRole(g, r) => format!("role `{}` of group `{}`", role(r), group(g)),
            Via::Rule(m) => format!("mapping rule `{}`", rule(m)),
            Via::RuleGroup(m, g) => format!("group `{}` of mapping rule `{}`", group(g), rule(m)),
            Via::RuleRole(m, r) => format!("role `{}` of mapping rule `{}`", role(r), rule(m)),
            Via::RuleGroupRole(m, g, r) => {
                format!(
                    "role `{}` of group `{}` of mapping rule `{}`",
                    role(r),
                    group(g),
                    rule(m)
                )
            }
        }
    }

    /// The tenant membership, if any, and how it is reached.
    pub(crate) fn grants_tenant(&self, principal: &SourcePrincipal, tenant: &str) -> Option<Via> {
        let tenant = self.tenants.get(tenant)?;
        let source = self.sources.get(principal.source)?;
        let data = &source.grants;
        // Membership directly, through a group, a role (a group's role included) or a
        // mapping rule: exactly the owners the principal reaches.
        principal.reach.owners.iter().find_map(|&(owner, via)| {
            let tenants = match owner {
                Owner::User(user) => source.user_tenants.get(user),
                Owner::Client(client) => data.client_tenants.get(client),
                Owner::Group(group) => source.group_tenants.get(group),
                Owner::Role(role) => data.role_tenants.get(role),
                Owner::MappingRule(rule) => data
                    .mapping_rules
                    .get(rule as usize)
                    .map_or(&[][..], |rule| &rule.tenants),
                Owner::AnyUser | Owner::Global => &[],
            };
            tenants.contains(&tenant).then_some(via)
        })
    }

    /// The account state check: `Some(rule, reason)` when the principal may not act.
    pub(crate) fn account_denial(principal: &Principal) -> Option<(&'static str, String)> {
        let reach = &principal.sources.first()?.reach;
        match reach.state {
            AccountState::Active => None,
            AccountState::Locked => Some((
                "account.locked",
                format!("the account of `{}` is locked", principal.user),
            )),
            AccountState::Provisioned => Some((
                "account.provisioned",
                format!(
                    "the account of `{}` is provisioned (invited, not yet confirmed)",
                    principal.user
                ),
            )),
        }
    }

    /// Bundle evaluation with the implication fixpoint: which bundles are held,
    /// each part's grant (when held directly), and the bundle that implied it.
    pub(crate) fn bundle_state(&self, principal: &Principal) -> BundleState {
        let mut state = BundleState::default();
        let Some(sp) = principal.sources.first() else {
            return state;
        };
        for bundle in &self.bundles {
            for part in &bundle.parts {
                if state.parts.iter().any(|(known, _)| known == part) {
                    continue;
                }
                let query = GrantQuery {
                    ty: part.ty,
                    bits: part.bits,
                    resource_id: part.resource_id.as_deref(),
                    properties: None,
                };
                let cause = self
                    .find_grant(sp, &principal.user, query)
                    .map(PartCause::Held);
                state.parts.push((part.clone(), cause));
            }
        }
        let has = |state: &BundleState, bundle: u32| {
            self.bundles.get(bundle as usize).is_some_and(|bundle| {
                !bundle.parts.is_empty()
                    && bundle.parts.iter().all(|part| {
                        state
                            .parts
                            .iter()
                            .any(|(known, cause)| known == part && cause.is_some())
                    })
            })
        };
        loop {
            let mut changed = false;
            for &(when, then) in &self.implications {
                if !has(&state, when) {
                    continue;
                }
                let Some(implied) = self.bundles.get(then as usize) else {
                    continue;
                };
                for part in &implied.parts {
                    if let Some((_, cause)) =
                        state.parts.iter_mut().find(|(known, _)| known == part)
                        && cause.is_none()
                    {
                        *cause = Some(PartCause::Implied(when));
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        state.held = (0..)
            .zip(&self.bundles)
            .map(|(ix, _)| has(&state, ix))
            .collect();
        state
    }

    /// What a list view of `ty` may show under `grants`: everything with a `*`
    /// grant, else the ids of matching ID grants (PROPERTY grants need a resource).
    pub(crate) fn grants_list(&self, principal: &Principal, ty: TypeIx, bits: u32) -> ListDoc {
        let Some((sp, source)) = principal
            .sources
            .first()
            .and_then(|sp| self.sources.get(sp.source).map(|source| (sp, source)))
        else {
            return ListDoc::Only { ids: Vec::new() };
        };
        if Self::account_denial(principal).is_some() {
            return ListDoc::Only { ids: Vec::new() };
        }
        if !self.options.authorization_checks {
            return ListDoc::All;
        }
        let mut ids = Vec::new();
        for &(owner, _) in &sp.reach.owners {
            for entry in source
                .index
                .rows_of_type(owner, ty)
                .iter()
                .filter(|entry| entry.mask & bits == bits)
            {
                if entry.resource == WILDCARD {
                    return ListDoc::All;
                }
                if PROPERTY_RESOURCES
                    .iter()
                    .all(|(ix, _)| *ix != entry.resource)
                {
                    ids.push(source.resources.name(entry.resource));
                }
            }
        }
        ListDoc::Only {
            ids: crate::sort::sorted_names(ids),
        }
    }

    /// What tokens would carry: Management Identity's `permissions.{audience}`
    /// claim and Emporix's scope list.
    pub(crate) fn claims(&self, principal: &Principal) -> ClaimsDoc {
        let mut doc = ClaimsDoc::default();
        let Some(sp) = principal.sources.first() else {
            return doc;
        };
        if self.catalogues.contains(&"identity") {
            let mut permissions = SortedMap::new();
            for audience in crate::catalogue::IDENTITY_TYPES {
                let Some(ty) = self.catalogue.named(audience.name) else {
                    continue;
                };
                let held: Vec<String> = self
                    .catalogue
                    .ty(ty)
                    .permissions
                    .iter()
                    .filter(|(_, bits)| {
                        let query = GrantQuery {
                            ty,
                            bits: *bits,
                            resource_id: None,
                            properties: None,
                        };
                        self.find_grant(sp, &principal.user, query).is_some()
                    })
                    .map(|(name, _)| name.to_string())
                    .collect();
                if !held.is_empty() {
                    permissions.insert(audience.name.to_owned(), held);
                }
            }
            doc.permissions = Some(permissions);
        }
        if self.catalogues.contains(&"emporix")
            && let (Some(source), Some(scope)) = (
                self.sources.get(sp.source),
                self.catalogue.named(EMPORIX_SCOPE),
            )
        {
            let scopes: Vec<&str> = sp
                .reach
                .owners
                .iter()
                .flat_map(|&(owner, _)| source.index.rows_of_type(owner, scope))
                .filter(|entry| {
                    entry.resource != WILDCARD
                        && PROPERTY_RESOURCES
                            .iter()
                            .all(|(ix, _)| *ix != entry.resource)
                })
                .map(|entry| source.resources.name(entry.resource))
                .collect();
            doc.scopes = Some(crate::sort::sorted_names(scopes));
        }
        if Self::account_denial(principal).is_some() {
            // A principal that cannot act gets nothing in its token.
            doc.permissions = doc.permissions.map(|_| SortedMap::new());
            doc.scopes = doc.scopes.map(|_| Vec::new());
        }
        doc
    }

    /// The Emporix scope type and `HOLD` bits, for `scopes` requests.
    pub(crate) fn scope_query(&self) -> Result<(TypeIx, u32), Box<RequestError>> {
        let ty = self.resolve_type_name(EMPORIX_SCOPE)?;
        let bits = self.catalogue.ty(ty).bits(EMPORIX_HOLD).unwrap_or(1);
        Ok((ty, bits))
    }

    /// Whether a proposed Emporix assignment keeps the invariants: a user into a
    /// group (at most one of ADMIN, BUYER, REQUESTER per legal entity), an access
    /// control onto a group (`restrictedTo` matches the group's user type).
    pub(crate) fn assignment(&self, doc: &AssignmentDoc) -> Result<DecisionDoc, Box<RequestError>> {
        let source = self.sources.first().ok_or(RequestError::MissingCheck)?;
        let data = &source.grants;
        let unknown = |kind, id: &str| RequestError::UnknownEntity {
            kind,
            id: id.to_owned(),
        };
        let group_name = doc.group.as_deref().ok_or(RequestError::MissingCheck)?;
        let group = source
            .groups
            .get(group_name)
            .ok_or_else(|| unknown("group", group_name))?;
        if doc.user.is_none() && doc.access_control.is_none() {
            return Err(RequestError::MissingCheck.into());
        }
        let refuse = |error: SnapshotError| DecisionDoc {
            allowed: false,
            explanation: Some(ExplanationDoc {
                rule: error.code().into(),
                reason: error.to_string(),
                ..ExplanationDoc::default()
            }),
        };
        if let Some(user) = &doc.user {
            let ix = source
                .users
                .get(user)
                .ok_or_else(|| unknown("user", user))?;
            let mut member_of = source.groups_of(ix).to_vec();
            if !member_of.contains(&group) {
                member_of.push(group);
            }
            if let Some((_, legal_entity)) = customer_group_conflict(&member_of, &data.group_info) {
                return Ok(refuse(SnapshotError::CustomerGroupConflict {
                    path: group_name.to_owned(),
                    user: user.clone(),
                    legal_entity: legal_entity.to_owned(),
                }));
            }
        }
        if let Some(access_control) = &doc.access_control {
            let ac = data
                .access_controls
                .get(access_control)
                .ok_or_else(|| unknown("access control", access_control))?;
            let restricted = data
                .access_control_restricted
                .get(ac as usize)
                .copied()
                .flatten();
            let user_type = data
                .group_info
                .get(group as usize)
                .and_then(|info| info.user_type);
            if let Some(required) = restricted
                && user_type != Some(required)
            {
                return Ok(refuse(SnapshotError::UserTypeMismatch {
                    path: group_name.to_owned(),
                    access_control: access_control.clone(),
                    user_type: match required {
                        UserType::Employee => "EMPLOYEE",
                        UserType::Customer => "CUSTOMER",
                    },
                }));
            }
        }
        Ok(DecisionDoc {
            allowed: true,
            explanation: Some(ExplanationDoc {
                rule: "assignment.valid".into(),
                reason: "the assignment keeps every invariant".into(),
                ..ExplanationDoc::default()
            }),
        })
    }
}

/// Whether the principal satisfies a PROPERTY matcher for this resource: only a
/// user's id matches `assignee` and `candidateUsers`; the principal's group ids
/// match `candidateGroups`.
fn property_holds(
    properties: Option<&Map>,
    name: &str,
    username: Option<&str>,
    in_groups: &dyn Fn(&str) -> bool,
) -> bool {
    let Some(value) = properties.and_then(|properties| properties.get(name)) else {
        return false;
    };
    let listed = |candidate: &str| match value {
        Value::String(text) => text == candidate,
        Value::Array(items) => items.iter().any(|item| item.as_str() == Some(candidate)),
        _ => false,
    };
    match name {
        "assignee" | "candidateUsers" => username.is_some_and(listed),
        "candidateGroups" => match value {
            Value::String(text) => in_groups(text),
            Value::Array(items) => items.iter().filter_map(Value::as_str).any(in_groups),
            _ => false,
        },
        _ => false,
    }
}

/// Adds the owners a principal reaches, each once, in the order reached:
/// scanned while they are few (nearly every principal), by hash past
/// [`SCANNED_OWNERS`] — one user in 200,000 groups made resolving it quadratic
/// (50 s for one check).
#[derive(Default)]
struct Reached {
    /// Positions in the owner list, by the hash of their owner; filled once the
    /// list is longer than [`SCANNED_OWNERS`].
    seen: hashbrown::HashTable<u32>,
}

const SCANNED_OWNERS: usize = 16;

fn hash_owner(owner: Owner) -> u64 {
    use core::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(owner)
}

impl Reached {
    fn push(&mut self, list: &mut Vec<(Owner, Via)>, owner: Owner, via: Via) {
        if list.len() < SCANNED_OWNERS {
            if !list.iter().any(|(known, _)| *known == owner) {
                list.push((owner, via));
            }
            return;
        }
        let owner_at =
            |list: &[(Owner, Via)], at: u32| list.get(at as usize).map(|&(known, _)| known);
        if self.seen.is_empty() {
            for (at, &(known, _)) in (0..).zip(list.iter()) {
                self.seen.insert_unique(hash_owner(known), at, |&at| {
                    owner_at(list, at).map_or(0, hash_owner)
                });
            }
        }
        let hash = hash_owner(owner);
        if self
            .seen
            .find(hash, |&at| owner_at(list, at) == Some(owner))
            .is_none()
        {
            // INVARIANT: fewer than 2^32 owners: memberships are bounded by the input.
            let at = u32::try_from(list.len()).unwrap_or(u32::MAX);
            self.seen
                .insert_unique(hash, at, |&at| owner_at(list, at).map_or(0, hash_owner));
            list.push((owner, via));
        }
    }
}

/// Why a bundle part counts as held.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PartCause {
    Held(Hit),
    /// Implied by holding every part of this bundle.
    Implied(u32),
}

/// The outcome of bundle evaluation for one principal.
#[derive(Debug, Clone, Default)]
pub(crate) struct BundleState {
    pub parts: Vec<(BundlePart, Option<PartCause>)>,
    pub held: Vec<bool>,
}

impl Source {
    /// Words for a resource: an id, `*`, or a PROPERTY matcher.
    pub(crate) fn resource_words(&self, resource: u32) -> String {
        match PROPERTY_RESOURCES.iter().find(|(ix, _)| *ix == resource) {
            Some((_, property)) => format!("property `{property}`"),
            None => format!("`{}`", self.resources.name(resource)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reached_owners_are_kept_once_in_order_past_the_scanned_length() {
        let mut reached = Reached::default();
        let mut owners = Vec::new();
        let groups = (0..40).chain((0..40).rev()).chain(30..60);
        for group in groups {
            reached.push(&mut owners, Owner::Group(group), Via::Group(group));
        }
        for role in [3, 3, 4] {
            reached.push(&mut owners, Owner::Role(role), Via::Role(role));
        }
        let kept: Vec<Owner> = owners.iter().map(|&(owner, _)| owner).collect();
        let expected: Vec<Owner> = (0..60)
            .map(Owner::Group)
            .chain([Owner::Role(3), Owner::Role(4)])
            .collect();
        assert_eq!(kept, expected);
    }
}
