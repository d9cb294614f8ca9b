//! Resolving who asks: a user id (and optional groups claim) becomes interned
//! indices in each source that will be consulted, once, so that repeated checks
//! for the same principal never re-hash its strings.

use crate::error::RequestError;
use crate::model::{GroupIx, Snapshot, Source, UserIx};
use crate::wire::{PrincipalDoc, ProfileName};

/// A resolved principal: the handle every check takes.
#[derive(Debug, Clone)]
pub struct Principal {
    pub(crate) user: Box<str>,
    pub(crate) profile: ProfileName,
    /// The sources this principal's questions are decided on; exactly one under
    /// `camunda7`, all (or the one named) under `optimize`.
    pub(crate) sources: Vec<SourcePrincipal>,
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
}

impl Snapshot {
    pub(crate) fn principal(&self, doc: &PrincipalDoc) -> Result<Principal, RequestError> {
        let user = doc
            .user
            .as_deref()
            .filter(|user| !user.is_empty())
            .ok_or(RequestError::MissingUser)?;
        let profile = doc.profile.unwrap_or(self.profile);
        let chosen: Vec<usize> = match doc.source.as_deref() {
            Some(name) => {
                let ix = self
                    .sources
                    .iter()
                    .position(|source| &*source.name == name)
                    .ok_or_else(|| RequestError::UnknownSource {
                        source_name: name.to_owned(),
                    })?;
                vec![ix]
            }
            None if profile == ProfileName::Camunda7 && self.sources.len() > 1 => {
                return Err(RequestError::SourceRequired);
            }
            None => (0..self.sources.len()).collect(),
        };
        let sources = chosen
            .into_iter()
            .filter_map(|ix| {
                self.sources
                    .get(ix)
                    .map(|source| self.source_principal(ix, source, user, doc.groups.as_deref()))
            })
            .collect();
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
    ) -> SourcePrincipal {
        let user_ix = source.users.get(user);
        let (groups, named_admin): (Box<[GroupIx]>, bool) = match claim {
            Some(names) => {
                let mut groups: Vec<GroupIx> = names
                    .iter()
                    .filter_map(|name| source.groups.get(name))
                    .collect();
                groups.sort_unstable();
                groups.dedup();
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
                let admin = groups.iter().any(|&g| {
                    self.options
                        .admin_groups
                        .iter()
                        .any(|admin| **admin == *source.groups.name(g))
                });
                (groups, admin)
            }
        };
        let admin = named_admin
            || self
                .options
                .admin_users
                .iter()
                .any(|admin| **admin == *user);
        let revokes = match self.options.revoke_mode {
            crate::wire::RevokeMode::Always => true,
            crate::wire::RevokeMode::Never => false,
            crate::wire::RevokeMode::Auto => source.index.revokes_concern(user_ix, &groups),
        };
        SourcePrincipal {
            source: ix,
            user: user_ix,
            groups,
            admin,
            revokes,
        }
    }
}
