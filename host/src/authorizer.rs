//! A snapshot loaded into guest instances. Each instance has its own store
//! (its own memory, limits and deadline); a pool lends them to the threads
//! that ask, creating more (up to [`crate::HostConfig::instances`]) when all
//! are busy. An instance that trapped or hit a limit is discarded; the next
//! call that needs one loads a fresh one from the same bytes.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use wasmtime::Store;
use wasmtime::component::ResourceAny;
use writ_core::wire::{CheckDoc, ProfileName, RequestDoc, TypeRef};
use writ_core::{LoadOptions, Stats};

use crate::engine::{Host, HostInner, StoreState, classify};
use crate::error::HostError;
use crate::writ_world::Writ;
use crate::writ_world::writ::authz::types::{
    Answer, Check, Error as GuestError, Request, Stats as GuestStats,
};

/// A snapshot loaded into the guest: what [`Host::load`] gives.
#[derive(Clone)]
pub struct WasmAuthorizer {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for WasmAuthorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmAuthorizer")
            .field("revision", &self.shared.revision)
            .field("sequence", &self.shared.sequence)
            .finish_non_exhaustive()
    }
}

struct Shared {
    host: Arc<HostInner>,
    bytes: Arc<[u8]>,
    options: Option<String>,
    limits: writ_core::Limits,
    pool: Mutex<Pool>,
    returned: Condvar,
    revision: Option<String>,
    sequence: Option<u64>,
    profile: ProfileName,
    stats: Stats,
}

#[derive(Default)]
struct Pool {
    idle: Vec<Instance>,
    /// Instances in the pool or lent out.
    live: usize,
    /// Instances discarded after a trap or limit (a count for metrics).
    discarded: u64,
}

/// One guest instance with the snapshot loaded, and the principals resolved
/// in it (by their JSON).
struct Instance {
    store: Store<StoreState>,
    writ: Writ,
    authorizer: ResourceAny,
    principals: HashMap<String, ResourceAny>,
    /// Questions prepared in this instance, by (permission, type, id).
    questions: HashMap<(String, String, Option<String>), ResourceAny>,
}

/// Principals kept resolved in one instance before they are dropped.
const PRINCIPALS_KEPT: usize = 4096;

fn guest_error(error: GuestError) -> HostError {
    HostError::with_path(error.code, error.path, error.message)
}

impl Instance {
    fn load(host: &HostInner, bytes: &[u8], options: Option<&str>) -> Result<Self, HostError> {
        let mut store = host.store();
        let writ = host.instantiate(&mut store)?;
        store.set_epoch_deadline(host.load_deadline());
        let loaded = writ
            .writ_authz_decisions()
            .authorizer()
            .call_load(&mut store, bytes, options)
            .map_err(|error| classify(&error, store.data().limiter.refused_memory))?;
        let authorizer = loaded.map_err(guest_error)?;
        Ok(Self {
            store,
            writ,
            authorizer,
            principals: HashMap::new(),
            questions: HashMap::new(),
        })
    }

    /// Calls into the guest with a fresh deadline; a trap or limit is coded.
    fn call<R>(
        &mut self,
        deadline: u64,
        call: impl FnOnce(
            &mut Store<StoreState>,
            &Writ,
            ResourceAny,
        ) -> wasmtime::Result<Result<R, GuestError>>,
    ) -> Result<R, HostError> {
        self.store.set_epoch_deadline(deadline);
        match call(&mut self.store, &self.writ, self.authorizer) {
            Ok(answer) => answer.map_err(guest_error),
            Err(error) => Err(classify(&error, self.store.data().limiter.refused_memory)),
        }
    }

    /// The guest's handle of a principal, resolved once in this instance.
    fn principal(&mut self, deadline: u64, doc: &str) -> Result<ResourceAny, HostError> {
        if let Some(&handle) = self.principals.get(doc) {
            return Ok(handle);
        }
        if self.principals.len() >= PRINCIPALS_KEPT {
            for (_, handle) in self.principals.drain() {
                // A handle the guest cannot drop is a trap; the call below reports it.
                let _ = handle.resource_drop(&mut self.store);
            }
        }
        let handle = self.call(deadline, |store, writ, authorizer| {
            writ.writ_authz_decisions()
                .authorizer()
                .call_principal(store, authorizer, doc)
        })?;
        self.principals.insert(doc.to_owned(), handle);
        Ok(handle)
    }

    /// The guest's handle of a prepared question, prepared once in this instance.
    fn question(
        &mut self,
        deadline: u64,
        permission: &str,
        resource_type: &str,
        resource_id: Option<&str>,
    ) -> Result<ResourceAny, HostError> {
        let key = (
            permission.to_owned(),
            resource_type.to_owned(),
            resource_id.map(str::to_owned),
        );
        if let Some(&handle) = self.questions.get(&key) {
            return Ok(handle);
        }
        if self.questions.len() >= PRINCIPALS_KEPT {
            for (_, handle) in self.questions.drain() {
                let _ = handle.resource_drop(&mut self.store);
            }
        }
        let handle = self.call(deadline, |store, writ, authorizer| {
            writ.writ_authz_decisions().authorizer().call_question(
                store,
                authorizer,
                permission,
                resource_type,
                resource_id,
            )
        })?;
        self.questions.insert(key, handle);
        Ok(handle)
    }
}

impl Host {
    /// Loads snapshot bytes into a guest instance: validated there, within
    /// `options`' limits. (Verify a signature first: [`Host::load_signed`].)
    ///
    /// # Errors
    /// The snapshot's error (its code, path and message), or the host's.
    pub fn load(&self, bytes: &[u8], options: &LoadOptions) -> Result<WasmAuthorizer, HostError> {
        let limits = options.limits;
        let options = options.to_json();
        let mut first = Instance::load(&self.inner, bytes, options.as_deref())?;
        let deadline = self.inner.call_deadline();
        let revision = first.call(deadline, |store, writ, authorizer| {
            writ.writ_authz_decisions()
                .authorizer()
                .call_revision(store, authorizer)
                .map(Ok)
        })?;
        let sequence = first.call(deadline, |store, writ, authorizer| {
            writ.writ_authz_decisions()
                .authorizer()
                .call_sequence(store, authorizer)
                .map(Ok)
        })?;
        let profile = first.call(deadline, |store, writ, authorizer| {
            writ.writ_authz_decisions()
                .authorizer()
                .call_profile(store, authorizer)
                .map(Ok)
        })?;
        let stats: GuestStats = first.call(deadline, |store, writ, authorizer| {
            writ.writ_authz_decisions()
                .authorizer()
                .call_stats(store, authorizer)
                .map(Ok)
        })?;
        let profile = match profile.as_str() {
            "optimize" => ProfileName::Optimize,
            "grants" => ProfileName::Grants,
            _ => ProfileName::Camunda7,
        };
        Ok(WasmAuthorizer {
            shared: Arc::new(Shared {
                host: Arc::clone(&self.inner),
                bytes: bytes.into(),
                options,
                limits,
                pool: Mutex::new(Pool {
                    idle: vec![first],
                    live: 1,
                    discarded: 0,
                }),
                returned: Condvar::new(),
                revision,
                sequence,
                profile,
                stats: Stats {
                    sources: stats.sources as usize,
                    users: stats.users as usize,
                    groups: stats.groups as usize,
                    tenants: stats.tenants as usize,
                    authorizations: stats.authorizations as usize,
                },
            }),
        })
    }

    /// Loads a signed snapshot: the signature is verified natively over the
    /// exact bytes (as the CLI does) before the guest sees them.
    ///
    /// # Errors
    /// `signature.*` (see `writ_core::signature::verify`), then as [`Host::load`].
    pub fn load_signed(
        &self,
        bytes: &[u8],
        signature: Option<&[u8]>,
        keys: &[writ_core::signature::PublicKey],
        options: &LoadOptions,
    ) -> Result<WasmAuthorizer, HostError> {
        if !keys.is_empty() {
            let signature = signature.ok_or_else(|| {
                HostError::from(writ_core::signature::missing(
                    "a trusted key is configured, but the snapshot has no signature",
                ))
            })?;
            writ_core::signature::verify(bytes, signature, keys)?;
        }
        self.load(bytes, options)
    }
}

impl Shared {
    fn pool(&self) -> MutexGuard<'_, Pool> {
        // A thread that panicked while holding the lock left the pool whole:
        // every change to it is a single step.
        self.pool
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An instance to call, made if none is idle and fewer than the limit
    /// live; otherwise the next one returned.
    fn take(&self) -> Result<Instance, HostError> {
        let mut pool = self.pool();
        loop {
            if let Some(instance) = pool.idle.pop() {
                return Ok(instance);
            }
            if pool.live < self.host.config.instances.max(1) {
                pool.live += 1;
                drop(pool);
                let made = Instance::load(&self.host, &self.bytes, self.options.as_deref());
                if made.is_err() {
                    self.pool().live -= 1;
                    self.returned.notify_one();
                }
                return made;
            }
            pool = self
                .returned
                .wait(pool)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// Runs `call` on an instance; a host failure (trap, limit) discards it.
    fn with<R>(
        &self,
        call: impl FnOnce(&mut Instance, u64) -> Result<R, HostError>,
    ) -> Result<R, HostError> {
        let mut instance = self.take()?;
        let result = call(&mut instance, self.host.call_deadline());
        let mut pool = self.pool();
        if result.as_ref().is_err_and(HostError::is_host_failure) {
            pool.live -= 1;
            pool.discarded += 1;
            drop(instance);
        } else {
            pool.idle.push(instance);
        }
        drop(pool);
        self.returned.notify_one();
        result
    }
}

fn answer_of(answer: Answer) -> Option<bool> {
    match answer {
        Answer::Allowed => Some(true),
        Answer::Denied => Some(false),
        Answer::Error => None,
    }
}

/// A `RequestDoc` as the WIT's typed request.
fn request_record(request: &RequestDoc) -> Request {
    let type_text = |ty: &TypeRef| match ty {
        TypeRef::Name(name) => name.clone(),
        TypeRef::Id(id) => id.to_string(),
    };
    let checks = |list: &Option<Vec<CheckDoc>>| {
        list.as_ref().map(|list| {
            list.iter()
                .map(|check| Check {
                    permission: check.permission.clone(),
                    resource_type: type_text(&check.resource_type),
                    resource_id: check.resource_id.clone(),
                })
                .collect()
        })
    };
    let object = |map: &Option<writ_core::json::Map>| {
        map.as_ref().map(|map| {
            let mut text = String::new();
            writ_core::json::write_map(&mut text, map);
            text
        })
    };
    Request {
        user: request.user.clone(),
        client: request.client.clone(),
        groups: request.groups.clone(),
        permission: request.permission.clone(),
        resource_type: request.resource_type.as_ref().map(type_text),
        resource_id: request.resource_id.clone(),
        tenant_id: request.tenant_id.clone(),
        source: request.source.clone(),
        profile: request.profile.map(|profile| profile.as_str().to_owned()),
        any_of: checks(&request.any_of),
        all_of: checks(&request.all_of),
        claims: object(&request.claims),
        properties: object(&request.properties),
        resource_exists: request.resource_exists,
        bundle: request.bundle.clone(),
        scopes: request.scopes.clone(),
        restriction: request.restriction.clone(),
        anonymous_authorized: request.anonymous_authorized,
    }
}

impl WasmAuthorizer {
    pub fn revision(&self) -> Option<&str> {
        self.shared.revision.as_deref()
    }

    pub fn sequence(&self) -> Option<u64> {
        self.shared.sequence
    }

    pub fn profile(&self) -> ProfileName {
        self.shared.profile
    }

    pub fn stats(&self) -> Stats {
        self.shared.stats
    }

    /// The limits the snapshot was loaded with.
    pub fn limits(&self) -> writ_core::Limits {
        self.shared.limits
    }

    /// One call into the guest that does nothing but answer (the snapshot's
    /// profile): what a crossing costs, for benchmarks.
    ///
    /// # Errors
    /// The host's.
    pub fn crossing(&self) -> Result<(), HostError> {
        self.shared.with(|instance, deadline| {
            instance.call(deadline, |store, writ, authorizer| {
                writ.writ_authz_decisions()
                    .authorizer()
                    .call_sequence(store, authorizer)
                    .map(|_| Ok(()))
            })
        })
    }

    /// Instances discarded so far after a trap or a limit.
    pub fn discarded(&self) -> u64 {
        self.shared.pool().discarded
    }

    /// One request, typed. A deny is `Ok(false)`.
    ///
    /// # Errors
    /// The request's error (its code), or the host's (`host.*`).
    pub fn check(&self, request: &RequestDoc) -> Result<bool, HostError> {
        let request = request_record(request);
        self.shared.with(|instance, deadline| {
            instance.call(deadline, |store, writ, authorizer| {
                writ.writ_authz_decisions()
                    .authorizer()
                    .call_check(store, authorizer, &request)
            })
        })
    }

    /// One request as JSON text, decoded in the guest.
    ///
    /// # Errors
    /// As [`WasmAuthorizer::check`].
    pub fn check_json(&self, request: &str) -> Result<bool, HostError> {
        self.shared.with(|instance, deadline| {
            instance.call(deadline, |store, writ, authorizer| {
                writ.writ_authz_decisions()
                    .authorizer()
                    .call_check_json(store, authorizer, request)
            })
        })
    }

    /// Many requests in one crossing; `None` for one that cannot be answered.
    ///
    /// # Errors
    /// `limit.batch_length`, or the host's.
    pub fn check_many(&self, requests: &[RequestDoc]) -> Result<Vec<Option<bool>>, HostError> {
        let requests: Vec<Request> = requests.iter().map(request_record).collect();
        let answers = self.shared.with(|instance, deadline| {
            instance.call(deadline, |store, writ, authorizer| {
                writ.writ_authz_decisions()
                    .authorizer()
                    .call_check_many(store, authorizer, &requests)
            })
        })?;
        Ok(answers.into_iter().map(answer_of).collect())
    }

    /// `check_many` of a JSON array of requests: one string crosses.
    ///
    /// # Errors
    /// `request.malformed` (not an array), `limit.batch_length`, or the host's.
    pub fn check_many_json(&self, requests: &str) -> Result<Vec<Option<bool>>, HostError> {
        let answers = self.shared.with(|instance, deadline| {
            instance.call(deadline, |store, writ, authorizer| {
                writ.writ_authz_decisions()
                    .authorizer()
                    .call_check_many_json(store, authorizer, requests)
            })
        })?;
        Ok(answers.into_iter().map(answer_of).collect())
    }

    /// The decision explained, as the JSON `writ explain` prints.
    ///
    /// # Errors
    /// As [`WasmAuthorizer::check`].
    pub fn explain(&self, request: &str) -> Result<String, HostError> {
        self.json_call(request, |writ, store, authorizer, text| {
            writ.writ_authz_decisions()
                .authorizer()
                .call_explain(store, authorizer, text)
        })
    }

    /// Every permission held on one resource (a `PermissionsRequestDoc` as JSON).
    ///
    /// # Errors
    /// As [`WasmAuthorizer::check`].
    pub fn permissions(&self, request: &str) -> Result<Vec<String>, HostError> {
        self.shared.with(|instance, deadline| {
            instance.call(deadline, |store, writ, authorizer| {
                writ.writ_authz_decisions()
                    .authorizer()
                    .call_permissions(store, authorizer, request)
            })
        })
    }

    /// What a list view may show (a `ListRequestDoc` as JSON), as JSON.
    ///
    /// # Errors
    /// As [`WasmAuthorizer::check`].
    pub fn list(&self, request: &str) -> Result<String, HostError> {
        self.json_call(request, |writ, store, authorizer, text| {
            writ.writ_authz_decisions()
                .authorizer()
                .call_list(store, authorizer, text)
        })
    }

    /// Who may do what a request without a principal asks, as JSON.
    ///
    /// # Errors
    /// As [`WasmAuthorizer::check`].
    pub fn who_can(&self, request: &str, explain: bool) -> Result<String, HostError> {
        self.json_call(request, |writ, store, authorizer, text| {
            writ.writ_authz_decisions()
                .authorizer()
                .call_who_can(store, authorizer, text, explain)
        })
    }

    /// What tokens would carry (a `PrincipalDoc` as JSON), as JSON.
    ///
    /// # Errors
    /// As [`WasmAuthorizer::check`].
    pub fn claims(&self, principal: &str) -> Result<String, HostError> {
        self.json_call(principal, |writ, store, authorizer, text| {
            writ.writ_authz_decisions()
                .authorizer()
                .call_claims(store, authorizer, text)
        })
    }

    /// Whether an Emporix assignment keeps the invariants (an `AssignmentDoc`
    /// as JSON), as a `Decision` JSON.
    ///
    /// # Errors
    /// As [`WasmAuthorizer::check`].
    pub fn check_assignment(&self, assignment: &str) -> Result<String, HostError> {
        self.json_call(assignment, |writ, store, authorizer, text| {
            writ.writ_authz_decisions()
                .authorizer()
                .call_check_assignment(store, authorizer, text)
        })
    }

    fn json_call(
        &self,
        text: &str,
        call: impl FnOnce(
            &Writ,
            &mut Store<StoreState>,
            ResourceAny,
            &str,
        ) -> wasmtime::Result<Result<String, GuestError>>,
    ) -> Result<String, HostError> {
        self.shared.with(|instance, deadline| {
            instance.call(deadline, |store, writ, authorizer| {
                call(writ, store, authorizer, text)
            })
        })
    }

    /// A principal (a `PrincipalDoc` as JSON) resolved in the guest, for many
    /// questions.
    ///
    /// # Errors
    /// The principal's error (`request.missing_user`, …), or the host's.
    pub fn principal(&self, principal: &str) -> Result<WasmPrincipal, HostError> {
        // Resolved now, so that a bad principal is refused here.
        self.shared
            .with(|instance, deadline| instance.principal(deadline, principal))?;
        Ok(WasmPrincipal {
            shared: Arc::clone(&self.shared),
            doc: principal.to_owned(),
        })
    }
}

/// A principal resolved in the guest: its questions cross as three strings.
#[derive(Clone)]
pub struct WasmPrincipal {
    shared: Arc<Shared>,
    doc: String,
}

impl std::fmt::Debug for WasmPrincipal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmPrincipal")
            .field("doc", &self.doc)
            .finish_non_exhaustive()
    }
}

impl WasmPrincipal {
    /// May this principal do `permission` on the resource? The question is
    /// prepared once per instance (the guest's `question`), so that asking it
    /// again crosses with two handles and no strings.
    ///
    /// # Errors
    /// `request.unknown_permission`, `request.unknown_resource_type`, …, or the host's.
    pub fn can(
        &self,
        permission: &str,
        resource_type: &str,
        resource_id: Option<&str>,
    ) -> Result<bool, HostError> {
        self.shared.with(|instance, deadline| {
            let handle = instance.principal(deadline, &self.doc)?;
            let question = instance.question(deadline, permission, resource_type, resource_id)?;
            instance.call(deadline, |store, writ, _| {
                writ.writ_authz_decisions()
                    .principal()
                    .call_ask(store, handle, question)
            })
        })
    }

    /// [`WasmPrincipal::can`] with the three strings crossing each time (no
    /// prepared question): for comparison.
    ///
    /// # Errors
    /// As [`WasmPrincipal::can`].
    pub fn can_unprepared(
        &self,
        permission: &str,
        resource_type: &str,
        resource_id: Option<&str>,
    ) -> Result<bool, HostError> {
        self.shared.with(|instance, deadline| {
            let handle = instance.principal(deadline, &self.doc)?;
            instance.call(deadline, |store, writ, _| {
                writ.writ_authz_decisions().principal().call_can(
                    store,
                    handle,
                    permission,
                    resource_type,
                    resource_id,
                )
            })
        })
    }

    /// Every permission this principal holds on one resource.
    ///
    /// # Errors
    /// As [`WasmPrincipal::can`].
    pub fn permissions(
        &self,
        resource_type: &str,
        resource_id: Option<&str>,
        tenant_id: Option<&str>,
    ) -> Result<Vec<String>, HostError> {
        self.shared.with(|instance, deadline| {
            let handle = instance.principal(deadline, &self.doc)?;
            instance.call(deadline, |store, writ, _| {
                writ.writ_authz_decisions().principal().call_permissions(
                    store,
                    handle,
                    resource_type,
                    resource_id,
                    tenant_id,
                )
            })
        })
    }
}
