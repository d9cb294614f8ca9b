//! Resolving who asks: a user id (and optional groups claim) becomes interned
//! indices in each source that will be consulted, once, so that repeated checks
//! for the same principal never re-hash its strings.

use crate::error::RequestError;
use crate::index::OwnerSet;
use crate::json::Map;
use crate::prelude::*;

use crate::model::{GroupIx, Owner, Snapshot, Source, TypeIx, UserIx};
use crate::wire::{
    AccountState, ListRequestDoc, PermissionsRequestDoc, PrincipalDoc, ProfileName, RequestDoc,
    RevokeMode,
};

/// A resolved principal: the handle every check takes.
#[derive(Debug, Clone)]
pub struct Principal {
    pub(crate) user: Box<str>,
    pub(crate) profile: ProfileName,
    /// The sources this principal's questions are decided on; exactly one under
    /// `camunda7`, all (or the one named) under `optimize`.
    pub(crate) sources: SourceList,
}

impl Principal {
    /// The user id.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The profile this principal's questions are decided under.
    pub fn profile(&self) -> ProfileName {
        self.profile
    }
}

/// The sources of a principal: almost always one, kept inline so that resolving
/// a principal for a single check does not allocate a list.
#[derive(Debug, Clone)]
pub(crate) enum SourceList {
    One(SourcePrincipal),
    Many(Vec<SourcePrincipal>),
}

impl core::ops::Deref for SourceList {
    type Target = [SourcePrincipal];

    #[inline(always)]
    fn deref(&self) -> &[SourcePrincipal] {
        match self {
            Self::One(only) => core::slice::from_ref(only),
            Self::Many(all) => all,
        }
    }
}

impl core::ops::DerefMut for SourceList {
    fn deref_mut(&mut self) -> &mut [SourcePrincipal] {
        match self {
            Self::One(only) => core::slice::from_mut(only),
            Self::Many(all) => all,
        }
    }
}

/// The principal as one source knows it.
#[derive(Debug, Clone)]
pub(crate) struct SourcePrincipal {
    pub source: usize,
    pub user: Option<UserIx>,
    pub groups: Box<[GroupIx]>,
    /// Member of an admin group or an admin user: skips tenant checks.
    pub admin: bool,
    /// Whether REVOKE rows are consulted for this principal (the revoke mode, resolved).
    pub revokes: bool,
    /// `grants`: every owner the principal reaches, and how.
    pub reach: Reach,
    /// The user, the groups and GLOBAL: a row on a resource whose owner is not
    /// in the set is someone else's.
    pub owners: OwnerSet,
    /// The wildcard (`*`) rows' bits at the user and the group level, per type
    /// where there are any: computed once for a handle ([`Snapshot::prepare`]),
    /// so that its checks read them instead of an index lookup per group.
    /// `None`: not computed (a principal resolved for one request).
    pub wildcards: Option<Box<[TypeWildcards]>>,
    /// `optimize`: whether the user may log in to Optimize on this source,
    /// decided once for a handle ([`Snapshot::prepare`]); `None`: not prepared.
    pub logs_in: Option<bool>,
}

/// A type's wildcard bits at the user level and at the group level.
type TypeWildcards = (TypeIx, [Bits; 2]);

/// The union of some rows' granted and revoked permission bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Bits {
    pub granted: u32,
    pub revoked: u32,
}

impl Bits {
    pub(crate) fn union(self, other: Self) -> Self {
        Self {
            granted: self.granted | other.granted,
            revoked: self.revoked | other.revoked,
        }
    }
}

impl SourcePrincipal {
    /// The prepared wildcard bits of type `ty` at the user and the group level,
    /// when [`Snapshot::prepare`] computed them.
    #[inline(always)]
    pub(crate) fn wildcards_of(&self, ty: TypeIx) -> Option<[Bits; 2]> {
        let prepared = self.wildcards.as_deref()?;
        // A plain loop: `iter().find` stays a call at `opt-level = "z"`.
        for &(of, levels) in prepared {
            if of == ty {
                return Some(levels);
            }
        }
        Some([Bits::default(); 2])
    }

    /// The union of the wildcard rows of type `ty` of the user, or of its groups.
    pub(crate) fn wildcard_level(&self, source: &Source, ty: TypeIx, level: usize) -> Bits {
        let user = self.user.filter(|_| level == 0).map(Owner::User);
        let groups = self.groups.iter().filter(|_| level == 1);
        user.into_iter()
            .chain(groups.map(|&group| Owner::Group(group)))
            .map(|owner| source.index.wildcard_rows(owner, ty).bits())
            .fold(Bits::default(), Bits::union)
    }
}

/// How a principal reaches an owner (`grants`), for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    Direct,
    Group(GroupIx),
    Role(u32),
    GroupRole(GroupIx, u32),
    Rule(u32),
    RuleGroup(u32, GroupIx),
    RuleRole(u32, u32),
    RuleGroupRole(u32, GroupIx, u32),
}

/// What a `grants` principal reaches: owners, tenants, group ids, account state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reach {
    /// The principal is an application, not a user.
    pub client: bool,
    pub state: AccountState,
    pub owners: Vec<(Owner, Via)>,
    /// Group ids from a groups claim that the snapshot does not list: they reach
    /// no grants but still match `candidateGroups`.
    pub group_names: Vec<Box<str>>,
}

/// A borrowed view of who asks, from any of the request shapes: resolving it
/// copies no strings.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PrincipalRef<'a> {
    pub user: Option<&'a str>,
    pub client: Option<&'a str>,
    pub claims: Option<&'a Map>,
    pub groups: Option<&'a [String]>,
    pub source: Option<&'a str>,
    pub profile: Option<ProfileName>,
    /// `grants`, access analysis: the principal's claims match exactly this
    /// mapping rule (instead of whichever `claims` match).
    pub rule: Option<u32>,
    /// Access analysis: under the `auto` revoke mode, consult REVOKE rows as
    /// for a principal that has some of its own.
    pub revokes: bool,
}

macro_rules! principal_ref_from {
    ($($doc:ty),*) => {$(
        impl<'a> From<&'a $doc> for PrincipalRef<'a> {
            fn from(doc: &'a $doc) -> Self {
                                Self {
                    user: doc.user.as_deref(),
                    client: doc.client.as_deref(),
                    claims: doc.claims.as_ref(),
                    groups: doc.groups.as_deref(),
                    source: doc.source.as_deref(),
                    profile: doc.profile,
                    rule: None,
                    revokes: false,
                }
            }
        }
    )*};
}

principal_ref_from!(
    PrincipalDoc,
    RequestDoc,
    PermissionsRequestDoc,
    ListRequestDoc
);

impl Snapshot {
    pub(crate) fn principal(&self, doc: PrincipalRef<'_>) -> Result<Principal, Box<RequestError>> {
        if let Some(groups) = doc.groups
            && groups.len() > self.limits.memberships
        {
            let limit = self.limits.memberships;
            return Err(crate::limits::exceeded(3, groups.len(), limit).into());
        }
        let profile = doc.profile.unwrap_or(self.profile);
        if (profile == ProfileName::Grants) != (self.profile == ProfileName::Grants) {
            return Err(RequestError::ProfileMismatch {
                asked: profile.as_str(),
                snapshot: self.profile.as_str(),
            }
            .into());
        }
        if profile == ProfileName::Grants {
            return self.grants_principal(doc);
        }
        if doc.client.is_some() {
            return Err(RequestError::GrantsOnly { field: "client" }.into());
        }
        if doc.claims.is_some() {
            return Err(RequestError::GrantsOnly { field: "claims" }.into());
        }
        let user = doc
            .user
            .filter(|user| !user.is_empty())
            .ok_or(RequestError::MissingUser)?;
        let chosen = match doc.source {
            Some(name) => {
                let ix = self
                    .sources
                    .iter()
                    .position(|source| &*source.name == name)
                    .ok_or_else(|| RequestError::UnknownSource {
                        source_name: name.to_owned(),
                    })?;
                ix..ix + 1
            }
            None if profile == ProfileName::Camunda7 && self.sources.len() > 1 => {
                return Err(RequestError::SourceRequired.into());
            }
            None => 0..self.sources.len(),
        };
        let sources = self
            .sources
            .get(chosen.clone())
            .unwrap_or(&[])
            .iter()
            .zip(chosen);
        let mut sources = sources
            .map(|(source, ix)| self.source_principal(ix, source, user, doc.groups, doc.revokes));
        let sources = match (sources.next(), sources.len()) {
            (Some(only), 0) => SourceList::One(only),
            (first, _) => SourceList::Many(first.into_iter().chain(sources).collect()),
        };
        Ok(Principal {
            user: user.into(),
            profile,
            sources,
        })
    }

    fn source_principal(
        &self,
        ix: usize,
        source: &Source,
        user: &str,
        claim: Option<&[String]>,
        revokes: bool,
    ) -> SourcePrincipal {
        let user_ix = source.users.get(user);
        let mut reach = Reach::default();
        let (groups, group_admin): (Box<[GroupIx]>, bool) = match claim {
            Some(names) => {
                let mut groups: Vec<GroupIx> = names
                    .iter()
                    .filter_map(|name| source.groups.get(name))
                    .collect();
                crate::sort::sort_dedup(&mut groups);
                // Claimed groups this source does not list reach no rows, but
                // Optimize's own lists (collections, event processes) name
                // groups of any source.
                reach.group_names = names
                    .iter()
                    .filter(|name| source.groups.get(name).is_none())
                    .map(|name| name.as_str().into())
                    .collect();
                // Admin groups need not be listed in the snapshot to count.
                let admin = names.iter().any(|name| {
                    self.options
                        .admin_groups
                        .iter()
                        .any(|admin| **admin == **name)
                });
                (groups.into(), admin)
            }
            None => {
                let groups: Box<[GroupIx]> = user_ix
                    .map(|u| source.groups_of(u).into())
                    .unwrap_or_default();
                let admin = groups.iter().any(|&group| {
                    source
                        .admin_groups
                        .get(group as usize)
                        .copied()
                        .unwrap_or(false)
                });
                (groups, admin)
            }
        };
        let admin = group_admin
            || self
                .options
                .admin_users
                .iter()
                .any(|admin| **admin == *user);
        let revokes = match self.options.revoke_mode {
            RevokeMode::Always => true,
            RevokeMode::Never => false,
            RevokeMode::Auto => revokes || source.index.revokes_concern(user_ix, &groups),
        };
        let mut owners = OwnerSet::default().with(Owner::Global);
        if let Some(user) = user_ix {
            owners = owners.with(Owner::User(user));
        }
        for &group in &groups {
            owners = owners.with(Owner::Group(group));
        }
        SourcePrincipal {
            source: ix,
            user: user_ix,
            groups,
            admin,
            revokes,
            reach,
            owners,
            wildcards: None,
            logs_in: None,
        }
    }

    /// Readies a principal for many checks (a handle): under `camunda7`, the
    /// wildcard bits of every type at the user and group level (`optimize` and
    /// `grants` decide without them).
    pub(crate) fn prepare(&self, principal: &mut Principal) {
        let types = self.catalogue.types.len();
        if principal.profile == ProfileName::Grants {
            self.prepare_grants(principal, types);
            return;
        }
        if principal.profile == ProfileName::Optimize {
            let login = self
                .resolve_type_name("APPLICATION")
                .and_then(|ty| self.resolve_check(ty, "ACCESS", Some("optimize")))
                .ok();
            for sp in principal.sources.iter_mut() {
                if let (Some(login), Some(source)) = (login, self.sources.get(sp.source)) {
                    let decided = Self::logs_in(login, sp, source);
                    sp.logs_in = Some(decided);
                }
            }
            return;
        }
        if principal.profile != ProfileName::Camunda7 {
            return;
        }
        for sp in principal.sources.iter_mut() {
            let Some(source) = self.sources.get(sp.source) else {
                continue;
            };
            let prepared: Vec<TypeWildcards> = (0..types)
                .filter_map(|ty| TypeIx::try_from(ty).ok())
                .map(|ty| {
                    let levels = [0, 1].map(|level| sp.wildcard_level(source, ty, level));
                    (ty, levels)
                })
                .filter(|(_, levels)| *levels != [Bits::default(); 2])
                .collect();
            sp.wildcards = Some(prepared.into());
        }
    }

    /// Under `grants`, once per handle: per type, the union of the bits the
    /// `*` grants of every reached owner give (level 0), and the set of
    /// reached owners, so that a check is a bit test and a scan of the rows
    /// on its resource instead of two index lookups per owner.
    fn prepare_grants(&self, principal: &mut Principal, types: usize) {
        for sp in principal.sources.iter_mut() {
            let Some(source) = self.sources.get(sp.source) else {
                continue;
            };
            let owners = &sp.reach.owners;
            let prepared: Vec<TypeWildcards> = (0..types)
                .filter_map(|ty| TypeIx::try_from(ty).ok())
                .map(|ty| {
                    let granted = owners
                        .iter()
                        .map(|&(owner, _)| source.index.wildcard_rows(owner, ty).bits().granted)
                        .fold(0, |all, bits| all | bits);
                    let level = Bits {
                        granted,
                        revoked: 0,
                    };
                    (ty, [level, Bits::default()])
                })
                .filter(|(_, levels)| *levels != [Bits::default(); 2])
                .collect();
            sp.owners = owners
                .iter()
                .fold(OwnerSet::default(), |set, &(owner, _)| set.with(owner));
            sp.wildcards = Some(prepared.into());
        }
    }
}
