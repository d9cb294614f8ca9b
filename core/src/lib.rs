//! writ's evaluator: one authorization snapshot, decided the same way everywhere.
//!
//! A snapshot (users, groups, tenants, authorizations) is decoded and validated
//! once, indexed once, and then answers `check`, `explain`, `permissions` and
//! `list` questions under a semantics profile: the Camunda 7 engine (`camunda7`),
//! Camunda Optimize (`optimize`), or the grant-only models (`grants`: Camunda 8,
//! Management Identity, Emporix). Every binding — the `writ` command, the
//! JavaScript package, the wasmtime guest — is a thin layer over this crate and
//! its [`wire`] types.
//!
//! ```
//! use writ_core::{Authorizer, wire::RequestDoc};
//!
//! let authorizer = Authorizer::from_json(r#"{
//!   "format": 1, "profile": "camunda7",
//!   "users": [{"id": "kermit", "groups": ["sales"]}],
//!   "groups": [{"id": "sales"}],
//!   "authorizations": [
//!     {"id": "a1", "type": "GRANT", "groupId": "sales",
//!      "resourceType": "PROCESS_DEFINITION", "resourceId": "invoice", "permissions": ["READ"]}
//!   ]
//! }"#)?;
//! let request: RequestDoc = writ_core::wire::decode(
//!     r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#,
//! )?;
//! assert!(authorizer.check(&request)?);
//! let decision = authorizer.explain(&request)?;
//! assert_eq!(decision.explanation.unwrap().rows, ["a1"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

use crate::prelude::*;

mod analysis;
mod camunda7;
pub mod catalogue;
mod claims;
pub mod compiled;
#[cfg(feature = "std")]
pub mod diff;
mod error;
mod eval;
#[cfg(feature = "std")]
pub mod generate;
mod grants;
#[cfg(feature = "std")]
pub mod import;
mod index;
mod intern;
pub mod json;
mod json_path;
mod limits;
mod managed;
mod model;
mod optimize;
mod prelude;
mod principal;
#[cfg(feature = "signatures")]
pub mod signature;
pub mod snapshot;
mod sort;
pub mod wire;

pub use error::{ImportError, RequestError, SnapshotError};
pub use limits::{LIMITS, LimitName, Limits, MAX_NESTING_DEPTH};
pub use principal::Principal;

use wire::{
    AssignmentDoc, ClaimsDoc, DecisionDoc, ListDoc, ListRequestDoc, PermissionsDoc,
    PermissionsRequestDoc, PrincipalDoc, ProfileName, RequestDoc, SnapshotDoc, TypeRef,
};

/// A loaded, validated and indexed snapshot: the thing that answers questions.
///
/// Immutable once built; a new snapshot builds a new `Authorizer`, so a rejected
/// snapshot never disturbs the one in force.
#[derive(Debug, Clone)]
pub struct Authorizer {
    snapshot: model::Snapshot,
}

/// How a snapshot is loaded: the limits it and its requests are held to, and
/// the oldest `sequence` accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    pub limits: Limits,
    /// A snapshot whose `sequence` is below this, or that has none, is
    /// refused (`snapshot.rollback`).
    pub min_sequence: Option<u64>,
}

impl LoadOptions {
    /// Reads options from JSON: `{"limits": {"idBytes": 512, …}, "minSequence": 7}`
    /// (what the JavaScript package's `fromJson` takes besides its keys).
    ///
    /// # Errors
    /// `options.malformed`: not such an object, an unknown option or limit, a
    /// value that is not a whole number in its range.
    pub fn from_json(text: &str) -> Result<Self, SnapshotError> {
        let malformed = |message: String| SnapshotError::Options { message };
        let map: json::Map = wire::read(text)
            .map_err(|error| malformed(format!("options are an object: {error}")))?;
        let mut options = Self::default();
        let whole = |value: &json::Value, name: &str| -> Result<u64, SnapshotError> {
            match value {
                json::Value::Number(text) => text.parse::<u64>().ok(),
                _ => None,
            }
            .ok_or_else(|| malformed(format!("`{name}` must be a whole number")))
        };
        for (key, value) in map.iter() {
            match (key, value) {
                ("minSequence", json::Value::Null) | ("limits", json::Value::Null) => {}
                ("minSequence", value) => options.min_sequence = Some(whole(value, key)?),
                ("limits", json::Value::Object(limits)) => {
                    for (name, value) in limits.iter() {
                        let value = usize::try_from(whole(value, name)?).unwrap_or(usize::MAX);
                        options.limits.set(name, value).map_err(malformed)?;
                    }
                }
                ("limits", _) => return Err(malformed("`limits` must be an object".into())),
                (other, _) => {
                    return Err(malformed(format!(
                        "unknown option `{other}` (expected `limits` or `minSequence`)"
                    )));
                }
            }
        }
        Ok(options)
    }
}

impl LoadOptions {
    /// The options as [`LoadOptions::from_json`] reads them (limits that
    /// differ from the defaults, the minimum sequence); `None` for defaults.
    pub fn to_json(&self) -> Option<String> {
        let defaults = Limits::default();
        let changed: Vec<(&str, usize)> = LIMITS
            .iter()
            .filter_map(|limit| {
                let value = self.limits.get(limit.name)?;
                (Some(value) != defaults.get(limit.name)).then_some((limit.name, value))
            })
            .collect();
        if changed.is_empty() && self.min_sequence.is_none() {
            return None;
        }
        let mut text = String::new();
        let mut object = json::ObjectWriter::new(&mut text);
        if !changed.is_empty() {
            let limits = object.field("limits");
            let mut inner = json::ObjectWriter::new(limits);
            for (name, value) in changed {
                inner.u64(name, value as u64);
            }
            inner.end();
        }
        if let Some(min) = self.min_sequence {
            object.u64("minSequence", min);
        }
        object.end();
        Some(text)
    }
}

impl Authorizer {
    /// Decodes, validates and indexes snapshot JSON, with the default limits.
    ///
    /// # Errors
    /// A [`SnapshotError`] naming the first problem, its path and its code.
    pub fn from_json(text: &str) -> Result<Self, SnapshotError> {
        Self::from_json_with(text, &LoadOptions::default())
    }

    /// [`Authorizer::from_json`] with limits and a minimum sequence.
    ///
    /// # Errors
    /// As [`Authorizer::from_json`]; `limit.*` past a limit; `snapshot.rollback`.
    pub fn from_json_with(text: &str, options: &LoadOptions) -> Result<Self, SnapshotError> {
        let authorizer = Self {
            snapshot: snapshot::load(text, &options.limits)?,
        };
        authorizer.check_sequence(options.min_sequence)?;
        Ok(authorizer)
    }

    /// Loads a snapshot's bytes (as read from a file or the network): JSON
    /// text, or a compiled snapshot ([`Authorizer::compile`]), told apart by
    /// the compiled form's first bytes. The size limit is applied before
    /// anything else, then JSON must be UTF-8.
    ///
    /// # Errors
    /// `limit.snapshot_size`, `snapshot.invalid_utf8`, then as
    /// [`Authorizer::from_json_with`] or [`Authorizer::from_compiled`].
    pub fn from_bytes(bytes: &[u8], options: &LoadOptions) -> Result<Self, SnapshotError> {
        if bytes.len() > options.limits.snapshot_bytes {
            return Err(snapshot::snapshot_too_large(bytes.len(), &options.limits));
        }
        if compiled::is_compiled(bytes) {
            return Self::from_compiled(bytes, options);
        }
        let text = core::str::from_utf8(bytes).map_err(|error| SnapshotError::InvalidUtf8 {
            message: format!(
                "invalid UTF-8 at byte {} of {}",
                limits::number(error.valid_up_to() as u64),
                limits::number(bytes.len() as u64)
            ),
        })?;
        Self::from_json_with(text, options)
    }

    /// Loads a compiled snapshot, checking its structure and checksum: what
    /// it decides is what the JSON it was compiled from decides.
    ///
    /// # Errors
    /// `limit.snapshot_size`; `snapshot.corrupt` for a damaged, truncated or
    /// ill-formed file; `snapshot.unsupported_format` for another version of
    /// the compiled form; `limit.id_length`, `limit.memberships` past the
    /// limits given; `snapshot.rollback`.
    pub fn from_compiled(bytes: &[u8], options: &LoadOptions) -> Result<Self, SnapshotError> {
        let authorizer = Self {
            snapshot: compiled::read(bytes, &options.limits)?,
        };
        authorizer.check_sequence(options.min_sequence)?;
        Ok(authorizer)
    }

    /// The snapshot in writ's compiled form (`writ compile`): the validated
    /// model, for [`Authorizer::from_compiled`] to load without decoding or
    /// validating JSON.
    pub fn compile(&self) -> Vec<u8> {
        compiled::write(&self.snapshot)
    }

    /// Loads a signed snapshot: `signature` (a detached JWS, see [`signature`])
    /// must be by one of `keys` over exactly `bytes`; only then is anything
    /// decoded. With no keys, a signature is not needed (nor checked).
    ///
    /// # Errors
    /// `signature.missing` (keys but no signature), the other `signature.*`
    /// codes of [`signature::verify`], then as [`Authorizer::from_bytes`].
    #[cfg(feature = "signatures")]
    pub fn from_signed(
        bytes: &[u8],
        signature: Option<&[u8]>,
        keys: &[signature::PublicKey],
        options: &LoadOptions,
    ) -> Result<Self, SnapshotError> {
        if !keys.is_empty() {
            let signature = signature.ok_or_else(|| {
                signature::missing("a trusted key is configured, but the snapshot has no signature")
            })?;
            signature::verify(bytes, signature, keys)?;
        }
        Self::from_bytes(bytes, options)
    }

    /// Validates and indexes an already decoded snapshot document.
    ///
    /// # Errors
    /// A [`SnapshotError`] naming the first problem, its path and its code.
    pub fn from_doc(doc: &SnapshotDoc) -> Result<Self, SnapshotError> {
        Ok(Self {
            snapshot: snapshot::validate(doc, &Limits::default())?,
        })
    }

    /// `snapshot.rollback` when the snapshot is older than `min` (or has no sequence).
    ///
    /// # Errors
    /// `snapshot.rollback`.
    pub fn check_sequence(&self, min: Option<u64>) -> Result<(), SnapshotError> {
        let Some(min) = min else { return Ok(()) };
        match self.snapshot.sequence {
            Some(sequence) if sequence >= min => Ok(()),
            Some(sequence) => Err(SnapshotError::Rollback {
                message: format!(
                    "sequence {} is older than {}, the oldest accepted (a rollback)",
                    limits::number(sequence),
                    limits::number(min)
                ),
            }),
            None => Err(SnapshotError::Rollback {
                message: format!(
                    "the snapshot has no sequence, and only sequence {} or newer is accepted",
                    limits::number(min)
                ),
            }),
        }
    }

    /// The snapshot's free revision label.
    pub fn revision(&self) -> Option<&str> {
        self.snapshot.revision.as_deref()
    }

    /// The snapshot's monotonic sequence, if it has one.
    pub fn sequence(&self) -> Option<u64> {
        self.snapshot.sequence
    }

    /// The limits the snapshot was loaded with, which bound its requests too.
    pub fn limits(&self) -> &Limits {
        &self.snapshot.limits
    }

    /// Reads a request document (or any wire document asked of this
    /// snapshot) from JSON text, within the snapshot's limits.
    ///
    /// # Errors
    /// `limit.request_size`, `limit.nesting_depth`, `limit.id_length`,
    /// `request.malformed`.
    pub fn decode<T: wire::Decode>(&self, text: &str) -> Result<T, RequestError> {
        let limits = &self.snapshot.limits;
        limits.request(text.len())?;
        wire::decode_limited(text, limits)
    }

    /// The snapshot's default profile.
    pub fn profile(&self) -> ProfileName {
        self.snapshot.profile
    }

    /// The names of the snapshot's sources (one, `default`, without `sources`).
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.snapshot.sources.iter().map(|source| &*source.name)
    }

    /// Resolves a principal once, for many checks.
    ///
    /// # Errors
    /// `request.missing_user`, `request.unknown_source`, `request.source_required`.
    pub fn principal(&self, principal: &PrincipalDoc) -> Result<Principal, RequestError> {
        self.ids_within(&[principal.user.as_deref(), principal.client.as_deref()])?;
        let mut principal = self.snapshot.principal(principal.into())?;
        self.snapshot.prepare(&mut principal);
        Ok(principal)
    }

    /// Answers one request: allowed or not.
    ///
    /// # Errors
    /// A [`RequestError`] for a malformed request (unknown permission or resource
    /// type, missing user, …). A deny is `Ok(false)`, never an error.
    pub fn check(&self, request: &RequestDoc) -> Result<bool, RequestError> {
        Ok(self.snapshot.request(request, false)?.allowed())
    }

    /// Who may do what `request` asks (a request without a principal: no
    /// `user`, `client`, `groups` or `claims`): the listed users and clients
    /// whose check allows, whether a user the snapshot does not list would
    /// be, and under `grants` the mapping rules whose claims alone would be;
    /// with `explain`, the rule and rows that allowed each.
    ///
    /// # Errors
    /// `request.malformed` for a request that names a principal; otherwise
    /// as [`Authorizer::check`].
    pub fn who_can(
        &self,
        request: &RequestDoc,
        explain: bool,
    ) -> Result<wire::WhoCanDoc, RequestError> {
        // A plain check (one permission, nothing about the resource but its
        // id) is asked of each principal through a prepared question, the
        // path `can` takes, which answers as the request would.
        let plain = match (&request.permission, &request.resource_type) {
            (Some(permission), Some(ty))
                if request.tenant_id.is_none()
                    && request.properties.is_none()
                    && request.resource_exists.is_none()
                    && !request.anonymous_authorized
                    && request.restriction.is_none() =>
            {
                self.question(permission, &ty.to_string(), request.resource_id.as_deref())
                    .ok()
            }
            _ => None,
        };
        let snapshot = &self.snapshot;
        let decide = |who: principal::PrincipalRef<'_>| -> Result<bool, Box<RequestError>> {
            match &plain {
                Some(question) => {
                    let principal = snapshot.principal(who)?;
                    snapshot.allowed(&principal, question.check())
                }
                None => Ok(snapshot.request_as(who, request, false)?.allowed()),
            }
        };
        Ok(self.snapshot.who_can(request, explain, &decide)?)
    }

    /// Answers one request with the rows and the rule that decided it.
    ///
    /// # Errors
    /// As [`Authorizer::check`].
    pub fn explain(&self, request: &RequestDoc) -> Result<DecisionDoc, RequestError> {
        let verdict = self.snapshot.request(request, true)?;
        Ok(DecisionDoc {
            allowed: verdict.allowed(),
            explanation: verdict.explanation.map(|explanation| *explanation),
        })
    }

    /// The hot path: one permission on one resource for a resolved principal.
    /// `resource_type` is a catalogue name or an integer id in decimal.
    ///
    /// # Errors
    /// `request.unknown_resource_type`, `request.unknown_permission`, and under
    /// `optimize` `request.missing_resource_id`.
    pub fn can(
        &self,
        principal: &Principal,
        permission: &str,
        resource_type: &str,
        resource_id: Option<&str>,
    ) -> Result<bool, RequestError> {
        self.ids_within(&[Some(permission), Some(resource_type), resource_id])?;
        let ty = self.snapshot.resolve_type_name(resource_type)?;
        let check = self.snapshot.resolve_check(ty, permission, resource_id)?;
        self.decide(principal, check)
    }

    /// Prepares a resource once (the type resolved, the id interned in every
    /// source) for [`Authorizer::held`], and for the questions asked about it.
    ///
    /// # Errors
    /// `request.unknown_resource_type`.
    pub fn resource(
        &self,
        resource_type: &str,
        resource_id: Option<&str>,
    ) -> Result<Resource, RequestError> {
        self.ids_within(&[Some(resource_type), resource_id])?;
        let ty = self.snapshot.resolve_type_name(resource_type)?;
        let interned = match resource_id {
            None => Interned::One(model::Slot::default()),
            Some(id) => {
                let mut each = self.snapshot.sources.iter().map(|source| {
                    let id = source.resources.get(id);
                    model::Slot {
                        id,
                        rows: id
                            .map_or_else(Default::default, |id| source.index.prepare_rows(ty, id)),
                    }
                });
                match (each.next(), self.snapshot.sources.len()) {
                    (Some(only), 1) => Interned::One(only),
                    (first, _) => Interned::Many(first.into_iter().chain(each).collect()),
                }
            }
        };
        Ok(Resource {
            ty,
            id: resource_id.map(Into::into),
            interned,
        })
    }

    /// Prepares a question once (the type and permission resolved, the resource
    /// id interned in every source) for [`Authorizer::ask`]: what a binding caches
    /// so that its hot path crosses with integers instead of strings.
    ///
    /// # Errors
    /// `request.unknown_resource_type`, `request.unknown_permission`.
    pub fn question(
        &self,
        permission: &str,
        resource_type: &str,
        resource_id: Option<&str>,
    ) -> Result<Question, RequestError> {
        self.ids_within(&[Some(permission)])?;
        let resource = self.resource(resource_type, resource_id)?;
        let bits = self
            .snapshot
            .resolve_check(resource.ty, permission, None)?
            .bits;
        Ok(Question {
            resource,
            bits,
            permission: permission.into(),
        })
    }

    /// [`Authorizer::can`] for a prepared question: the same decision.
    ///
    /// # Errors
    /// Under `optimize`, `request.missing_resource_id`.
    pub fn ask(&self, principal: &Principal, question: &Question) -> Result<bool, RequestError> {
        self.decide(principal, question.check())
    }

    /// [`Authorizer::ask`] without the error: `None` where `ask` errs. The
    /// bindings' integer fast path, which answers an error by taking the full
    /// path, so it neither builds nor drops one (a tenth of a check in wasm).
    #[inline]
    pub fn answer(&self, principal: &Principal, question: &Question) -> Option<bool> {
        self.snapshot.allowed(principal, question.check()).ok()
    }

    /// The permission names of a prepared resource's type, in the order
    /// [`Authorizer::held`] answers: the catalogue's, then `ALL` where implied.
    pub fn permission_names(&self, resource: &Resource) -> Vec<&str> {
        self.snapshot.permission_names(resource.ty).collect()
    }

    /// [`Authorizer::permissions`] of a prepared resource: per name of
    /// [`Authorizer::permission_names`], whether the principal holds it.
    ///
    /// # Errors
    /// Under `optimize`, `request.missing_resource_id`.
    pub fn held(
        &self,
        principal: &Principal,
        resource: &Resource,
        tenant_id: Option<&str>,
    ) -> Result<Vec<bool>, RequestError> {
        Ok(self.snapshot.held(
            principal,
            resource.ty,
            resource.id.as_deref(),
            Some(resource.interned.as_slice()),
            tenant_id,
        )?)
    }

    /// `limit.id_length` for a string longer than the snapshot's limits allow
    /// (given to a call directly, not read through [`Authorizer::decode`]).
    #[inline(never)]
    fn ids_within(&self, ids: &[Option<&str>]) -> Result<(), RequestError> {
        let limit = self.snapshot.limits.id_bytes;
        match ids.iter().flatten().find(|id| id.len() > limit) {
            Some(id) => Err(limits::exceeded(2, id.len(), limit)),
            None => Ok(()),
        }
    }

    /// A single check as a request with no tenant decides it.
    fn decide(&self, principal: &Principal, check: eval::Check<'_>) -> Result<bool, RequestError> {
        Ok(self.snapshot.allowed(principal, check)?)
    }

    /// Every permission name the principal holds on one resource (`ALL` last, when held).
    ///
    /// # Errors
    /// `request.unknown_resource_type`, and under `optimize` `request.missing_resource_id`.
    pub fn permissions(
        &self,
        principal: &Principal,
        resource_type: &TypeRef,
        resource_id: Option<&str>,
        tenant_id: Option<&str>,
    ) -> Result<Vec<String>, RequestError> {
        self.ids_within(&[resource_id, tenant_id])?;
        let ty = self.snapshot.resolve_type(resource_type)?;
        let held = self
            .snapshot
            .held(principal, ty, resource_id, None, tenant_id)?;
        Ok(self
            .snapshot
            .permission_names(ty)
            .zip(held)
            .filter(|&(_, held)| held)
            .map(|(name, _)| name.to_owned())
            .collect())
    }

    /// What a list view may show: every resource of the type, every one except
    /// some ids, or only some ids.
    ///
    /// # Errors
    /// `request.unknown_resource_type`, `request.unknown_permission`.
    pub fn list(
        &self,
        principal: &Principal,
        permission: &str,
        resource_type: &TypeRef,
    ) -> Result<ListDoc, RequestError> {
        self.ids_within(&[Some(permission)])?;
        let ty = self.snapshot.resolve_type(resource_type)?;
        Ok(self.snapshot.list(principal, ty, permission)?)
    }

    /// [`Authorizer::permissions`] for a whole wire request.
    ///
    /// # Errors
    /// As [`Authorizer::principal`] and [`Authorizer::permissions`].
    pub fn permissions_of(
        &self,
        request: &PermissionsRequestDoc,
    ) -> Result<PermissionsDoc, RequestError> {
        let principal = self.snapshot.principal(request.into())?;
        let permissions = self.permissions(
            &principal,
            &request.resource_type,
            request.resource_id.as_deref(),
            request.tenant_id.as_deref(),
        )?;
        Ok(PermissionsDoc { permissions })
    }

    /// [`Authorizer::list`] for a whole wire request.
    ///
    /// # Errors
    /// As [`Authorizer::principal`] and [`Authorizer::list`].
    pub fn list_of(&self, request: &ListRequestDoc) -> Result<ListDoc, RequestError> {
        let principal = self.snapshot.principal(request.into())?;
        self.list(&principal, &request.permission, &request.resource_type)
    }
}

impl Authorizer {
    /// What tokens would carry for a principal: Management Identity's
    /// `permissions.{audience}` claim (catalogue `identity`) and Emporix's scope
    /// list (catalogue `emporix`). Empty for the other profiles.
    pub fn claims(&self, principal: &Principal) -> ClaimsDoc {
        if principal.profile() == ProfileName::Grants {
            self.snapshot.claims(principal)
        } else {
            ClaimsDoc::default()
        }
    }

    /// Whether a proposed Emporix assignment (a user into a group, an access
    /// control onto a group) keeps the invariants a snapshot is validated against.
    /// A refusal is `allowed: false` with the invariant's code as `rule`.
    ///
    /// # Errors
    /// `request.unknown_group`, `request.unknown_user`, `request.unknown_access_control`,
    /// `request.missing_check`.
    pub fn check_assignment(
        &self,
        assignment: &AssignmentDoc,
    ) -> Result<DecisionDoc, RequestError> {
        if assignment.collection.is_some() || assignment.role.is_some() {
            return Ok(self.snapshot.collection_change(assignment)?);
        }
        Ok(self.snapshot.assignment(assignment)?)
    }
}

/// One resource (its type, and its id if any), resolved and interned once by
/// [`Authorizer::resource`]; valid for the authorizer that prepared it.
#[derive(Debug, Clone)]
pub struct Resource {
    ty: model::TypeIx,
    id: Option<Box<str>>,
    /// The id's index in each source (`None`: no row names it there).
    interned: Interned,
}

/// One permission on one resource, resolved and interned once by
/// [`Authorizer::question`]; valid for the authorizer that prepared it.
#[derive(Debug, Clone)]
pub struct Question {
    resource: Resource,
    bits: u32,
    permission: Box<str>,
}

impl Question {
    #[inline(always)]
    fn check(&self) -> eval::Check<'_> {
        let resource = &self.resource;
        eval::Check {
            ty: resource.ty,
            bits: self.bits,
            permission: &self.permission,
            resource_id: resource.id.as_deref(),
            properties: None,
            interned: Some(resource.interned.as_slice()),
        }
    }
}

/// A question's resource id per source, inline for the usual single source (the
/// hot path then reads no second allocation).
#[derive(Debug, Clone)]
enum Interned {
    One(model::Slot),
    Many(Box<[model::Slot]>),
}

impl Interned {
    #[inline(always)]
    fn as_slice(&self) -> &[model::Slot] {
        match self {
            Self::One(only) => core::slice::from_ref(only),
            Self::Many(all) => all,
        }
    }
}

/// How much a snapshot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub sources: usize,
    pub users: usize,
    pub groups: usize,
    pub tenants: usize,
    pub authorizations: usize,
}

impl Authorizer {
    /// Counts of what the snapshot holds (users and groups summed over sources).
    pub fn stats(&self) -> Stats {
        let sources = &self.snapshot.sources;
        Stats {
            sources: sources.len(),
            users: sources.iter().map(|source| source.users.len()).sum(),
            groups: sources.iter().map(|source| source.groups.len()).sum(),
            tenants: self.snapshot.tenants.len(),
            authorizations: sources.iter().map(|source| source.rows.len()).sum(),
        }
    }
}
