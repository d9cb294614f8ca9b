//! writ for JavaScript: a thin wasm-bindgen binding over [`writ_core`].
//!
//! Arguments arrive as the core's [`wire`](writ_core::wire) JSON — a string, or an
//! object serialized once with `JSON.stringify` — and are decoded by the same
//! decoders every other runtime uses; answers go back the same way. Nothing here decides
//! anything: a request means the same bytes in JavaScript as on the command line.
//!
//! Errors are real JS `Error`s whose `code` property is the core's stable code
//! (`snapshot.*`, `request.*`); a deny is a value, never an error. The principal
//! handle ([`Principal`]) resolves who asks once, so `handle.can(…)` passes three
//! short strings and no JSON: the hot path of a UI.

#![forbid(unsafe_code)]
// The package is built without the `std` feature: the standard library's panic
// runtime formats every panic's message (13 KB of the package) for a stderr the
// browser does not have. A panic then traps (`panic_handler` below).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod js;
#[cfg(test)]
mod tests;
mod types;

use alloc::borrow::ToOwned;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use wasm_bindgen::prelude::*;
use writ_core::json::ObjectWriter;
use writ_core::wire::{
    AssignmentDoc, Decode, Encode, ErrorDoc, ListRequestDoc, PermissionsRequestDoc, PrincipalDoc,
    RequestDoc, TypeRef,
};
use writ_core::{Question, RequestError, Resource, SnapshotError};

// TLSF (two-level segregated fit): constant-time allocation and release, and
// 7 KB less than the standard library's dlmalloc.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();

/// A panic (a bug: the core returns errors) traps, which JavaScript sees as a
/// `RuntimeError`; nothing is formatted.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// What `checkMany` answers for each request, one byte per request.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Answer {
    /// Denied (by a rule, or because no row matched).
    Denied = 0,
    /// Allowed.
    Allowed = 1,
    /// The request could not be answered (malformed, unknown permission, …);
    /// `check` on the same request throws the error with its code.
    Error = 2,
}

/// Fast path: the module's `WebAssembly.Memory`, where `js/fast.js` writes a
/// `checkMany` batch (`Authorizer._batch`).
#[wasm_bindgen(js_name = _memory, skip_typescript)]
pub fn memory() -> JsValue {
    wasm_bindgen::memory()
}

/// A loaded, validated and indexed snapshot.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Authorizer {
    // Shared with principal handles, which stay usable after `free()` of this one.
    inner: Rc<Shared>,
}

/// The core's authorizer and the tables behind the integer fast path (`js/fast.js`):
/// questions and resources prepared once and principals resolved once, by index.
/// The JS side maps strings to these indices and bounds the tables (`_forget`).
#[derive(Debug)]
struct Shared {
    authorizer: writ_core::Authorizer,
    questions: RefCell<Vec<Question>>,
    resources: RefCell<Vec<Resource>>,
    principals: RefCell<Vec<writ_core::Principal>>,
    /// `checkMany`'s (principal index, question index) pairs, written by JS
    /// straight into this memory (`_batch`, `_askBatch`).
    batch: RefCell<Vec<u32>>,
}

impl core::ops::Deref for Shared {
    type Target = writ_core::Authorizer;

    fn deref(&self) -> &writ_core::Authorizer {
        &self.authorizer
    }
}

/// The `Answer` byte of a fast-path pair; `Error` where a table holds no entry.
#[inline(always)]
fn pair_answer(
    authorizer: &writ_core::Authorizer,
    principal: Option<&writ_core::Principal>,
    question: Option<&Question>,
) -> u8 {
    let answer = principal
        .zip(question)
        .and_then(|(principal, question)| authorizer.answer(principal, question));
    match answer {
        Some(true) => Answer::Allowed as u8,
        Some(false) => Answer::Denied as u8,
        None => Answer::Error as u8,
    }
}

/// An index for the fast path's tables, or `-1` when the core refused.
fn push<T>(table: &RefCell<Vec<T>>, made: Result<T, RequestError>) -> i32 {
    let Ok(value) = made else { return -1 };
    let mut table = table.borrow_mut();
    table.push(value);
    i32::try_from(table.len() - 1).unwrap_or(-1)
}

impl Shared {
    fn question(&self, permission: &str, resource_type: &str, resource_id: Option<&str>) -> i32 {
        push(
            &self.questions,
            self.authorizer
                .question(permission, resource_type, resource_id),
        )
    }

    /// `Answer` as a byte for one (principal, question) pair; `Error` also for an
    /// index no table holds, so that the caller falls back to the full path.
    #[inline(never)]
    fn ask(&self, principal: &writ_core::Principal, question: u32) -> u8 {
        let questions = self.questions.borrow();
        pair_answer(
            &self.authorizer,
            Some(principal),
            questions.get(question as usize),
        )
    }

    /// Answers (principal index, question index) pairs in place, as [`Self::ask`]:
    /// the `Answer` of pair `i` goes to `pairs[i]`, read by then (pair `i` sits
    /// at `2i` and `2i + 1`).
    fn ask_indexed(&self, pairs: &mut [u32]) {
        let principals = self.principals.borrow();
        let questions = self.questions.borrow();
        for i in 0..pairs.len() / 2 {
            let (Some(&principal), Some(&question)) = (pairs.get(2 * i), pairs.get(2 * i + 1))
            else {
                break;
            };
            let answer = pair_answer(
                &self.authorizer,
                principals.get(principal as usize),
                questions.get(question as usize),
            );
            if let Some(slot) = pairs.get_mut(i) {
                *slot = u32::from(answer);
            }
        }
    }

    fn resource(&self, resource_type: &str, resource_id: Option<&str>) -> i32 {
        push(
            &self.resources,
            self.authorizer.resource(resource_type, resource_id),
        )
    }

    /// Per permission name of the prepared resource, 1 when held; `None` for an
    /// index no table holds or an error, so that the caller takes the full path.
    fn held(&self, principal: &writ_core::Principal, resource: u32) -> Option<Vec<u8>> {
        let resources = self.resources.borrow();
        let resource = resources.get(resource as usize)?;
        let held = self.authorizer.held(principal, resource, None).ok()?;
        Some(held.into_iter().map(u8::from).collect())
    }

    /// The permission names [`Self::held`] answers for, in order.
    fn names(&self, resource: u32) -> JsValue {
        let resources = self.resources.borrow();
        resources
            .get(resource as usize)
            .map_or(JsValue::NULL, |resource| {
                to_js(&*self.authorizer.permission_names(resource))
            })
    }

    fn forget(&self) {
        self.questions.borrow_mut().clear();
        self.resources.borrow_mut().clear();
        self.principals.borrow_mut().clear();
    }
}

/// Fast path (`fromJson` of a string): room for a snapshot's text in the
/// module's memory, which `js/fast.js` fills with `TextEncoder.encodeInto`, so
/// that the text is written once, where bytes from `TextEncoder.encode` were
/// written into a JS array and then copied over (a tenth of a first load).
#[wasm_bindgen(js_name = _TextBuffer, skip_typescript)]
#[derive(Debug)]
pub struct TextBuffer {
    bytes: Vec<u8>,
}

#[wasm_bindgen(js_class = _TextBuffer)]
impl TextBuffer {
    /// `len` zero bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(len: u32) -> TextBuffer {
        TextBuffer {
            bytes: alloc::vec![0; len as usize],
        }
    }

    /// Where the bytes start in the module's memory.
    pub fn address(&self) -> u32 {
        u32::try_from(self.bytes.as_ptr().addr()).unwrap_or(0)
    }
}

#[wasm_bindgen]
impl Authorizer {
    /// Decodes, validates and indexes a snapshot: JSON text, its UTF-8 bytes (as
    /// `fetch(…).arrayBuffer()` gives them), or the parsed object.
    ///
    /// # Errors
    /// An `Error` with the `snapshot.*` code and `path` of the first problem.
    // Typed by `js/load.d.ts` (appended by `wasm/build.sh`): with trusted keys
    // `js/fast.js` verifies first and answers a Promise.
    #[wasm_bindgen(js_name = fromJson, skip_typescript)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer | SnapshotDoc")]
        snapshot: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "LoadOptions")] options: Option<String>,
    ) -> Result<Authorizer, JsValue> {
        // Bytes cross as one copy; a string crosses through wasm-bindgen's
        // per-character ASCII loop, which was a tenth of loading a large snapshot,
        // so `js/fast.js` hands strings over as UTF-8 (encoded into a
        // `TextBuffer` when ASCII, else as `TextEncoder` bytes, and an
        // `ArrayBuffer` as a `Uint8Array` over it); it writes an object as
        // JSON text itself, refusing what JSON.stringify would change.
        let options = load_options(options.as_deref())?;
        if let Some(bytes) = snapshot.dyn_ref::<js::Uint8Array>() {
            return Self::from_bytes(&bytes.bytes(), &options);
        }
        let text = snapshot
            .as_string()
            .ok_or_else(|| malformed_snapshot("a snapshot is JSON text or its bytes"))?;
        Self::from_bytes(text.as_bytes(), &options)
    }

    /// Fast path: `fromJson` of the first `len` bytes of `buffer`, what the
    /// encoder wrote there (`js/fast.js`).
    ///
    /// # Errors
    /// As `fromJson`.
    #[wasm_bindgen(js_name = _fromText, skip_typescript)]
    pub fn from_text_buffer(
        buffer: TextBuffer,
        len: u32,
        options: Option<String>,
    ) -> Result<Authorizer, JsValue> {
        let options = load_options(options.as_deref())?;
        Self::from_bytes(buffer.bytes.get(..len as usize).unwrap_or(&[]), &options)
    }
}

/// Load options from their JSON text (`js/fast.js` writes them).
fn load_options(text: Option<&str>) -> Result<writ_core::LoadOptions, JsValue> {
    text.map_or_else(
        || Ok(writ_core::LoadOptions::default()),
        |text| writ_core::LoadOptions::from_json(text).map_err(|error| snapshot_error(&error)),
    )
}

impl Authorizer {
    fn from_bytes(bytes: &[u8], options: &writ_core::LoadOptions) -> Result<Authorizer, JsValue> {
        writ_core::Authorizer::from_bytes(bytes, options)
            .map(|authorizer| Self {
                inner: Rc::new(Shared {
                    authorizer,
                    questions: RefCell::default(),
                    resources: RefCell::default(),
                    principals: RefCell::default(),
                    batch: RefCell::default(),
                }),
            })
            .map_err(|error| snapshot_error(&error))
    }
}

/// A snapshot error at the document's top.
fn malformed_snapshot(message: &str) -> JsValue {
    snapshot_error(&SnapshotError::Malformed {
        path: ".".into(),
        message: message.into(),
    })
}

#[wasm_bindgen]
impl Authorizer {
    /// The snapshot's free revision label.
    #[wasm_bindgen(getter)]
    pub fn revision(&self) -> Option<String> {
        self.inner.revision().map(str::to_owned)
    }

    /// The snapshot's default profile.
    #[wasm_bindgen(getter, unchecked_return_type = "ProfileName")]
    pub fn profile(&self) -> String {
        self.inner.profile().as_str().to_owned()
    }

    /// The snapshot's monotonic sequence (`undefined` without one).
    #[wasm_bindgen(getter)]
    pub fn sequence(&self) -> Option<f64> {
        #[expect(
            clippy::cast_precision_loss,
            reason = "a JavaScript number: exact up to 2^53, as the package documents"
        )]
        self.inner.sequence().map(|sequence| sequence as f64)
    }

    /// The limits the snapshot was loaded with; they bound its requests too.
    #[wasm_bindgen(getter, unchecked_return_type = "Limits")]
    pub fn limits(&self) -> JsValue {
        let limits = self.inner.limits();
        let mut text = String::new();
        let mut object = ObjectWriter::new(&mut text);
        for limit in writ_core::LIMITS {
            object.u64(limit.name, limits.get(limit.name).unwrap_or(0) as u64);
        }
        object.end();
        parse(&text)
    }

    /// How much the snapshot holds.
    #[wasm_bindgen(getter, unchecked_return_type = "Stats")]
    pub fn stats(&self) -> JsValue {
        let stats = self.inner.stats();
        let mut text = String::new();
        let mut object = ObjectWriter::new(&mut text);
        object
            .u64("sources", stats.sources as u64)
            .u64("users", stats.users as u64)
            .u64("groups", stats.groups as u64)
            .u64("tenants", stats.tenants as u64)
            .u64("authorizations", stats.authorizations as u64);
        object.end();
        parse(&text)
    }

    /// Answers one request: `true` allowed, `false` denied.
    ///
    /// # Errors
    /// An `Error` with a `request.*` code when the request cannot be answered.
    pub fn check(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestDoc | string")] request: &JsValue,
    ) -> Result<bool, JsValue> {
        self.decode::<RequestDoc>(request)
            .and_then(|request| self.inner.check(&request))
            .map_err(|error| request_error(&error))
    }

    /// Answers every request in one call: one byte per request, in order —
    /// `Answer.Allowed` (1), `Answer.Denied` (0) or `Answer.Error` (2).
    ///
    /// # Errors
    /// `request.malformed` when `requests` is not an array; a bad element is
    /// answered `2` and the rest continue.
    #[wasm_bindgen(js_name = checkMany)]
    pub fn check_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestDoc[]")] requests: &JsValue,
    ) -> Result<Vec<u8>, JsValue> {
        // `js/fast.js` writes the array as one JSON text (each element checked
        // on its own, a bad one left out and answered 2 there): a single
        // crossing however many requests there are. Each element is then
        // decoded on its own, so one bad request cannot hide the others.
        let text = requests.as_string().ok_or_else(|| {
            request_error(&RequestError::Malformed {
                message: "`checkMany` takes an array of requests".into(),
            })
        })?;
        let elements: Vec<&str> = writ_core::wire::elements(&text).unwrap_or_default();
        self.inner
            .limits()
            .batch(elements.len())
            .map_err(|error| request_error(&error))?;
        Ok(elements
            .into_iter()
            .map(|element| {
                let answer = self
                    .inner
                    .decode::<RequestDoc>(element)
                    .ok()
                    .map(|request| self.inner.check(&request));
                match answer {
                    Some(Ok(true)) => Answer::Allowed,
                    Some(Ok(false)) => Answer::Denied,
                    Some(Err(_)) | None => Answer::Error,
                }
            })
            .map(|answer| answer as u8)
            .collect())
    }

    /// Answers one request with the rows and the rule that decided it.
    ///
    /// # Errors
    /// As `check`.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestDoc | string")] request: &JsValue,
    ) -> Result<JsValue, JsValue> {
        self.answer(request, |request: RequestDoc| self.inner.explain(&request))
    }

    /// Every permission a principal holds on one resource (`ALL` last, when held).
    ///
    /// # Errors
    /// An `Error` with a `request.*` code.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn permissions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PermissionsRequestDoc | string")] request: &JsValue,
    ) -> Result<JsValue, JsValue> {
        self.answer(request, |request: PermissionsRequestDoc| {
            self.inner
                .permissions_of(&request)
                .map(|answer| answer.permissions)
        })
    }

    /// What a list view may show: `all`, `allExcept` some ids, or `only` some ids.
    ///
    /// # Errors
    /// An `Error` with a `request.*` code.
    #[wasm_bindgen(unchecked_return_type = "ListDoc")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ListRequestDoc | string")] request: &JsValue,
    ) -> Result<JsValue, JsValue> {
        self.answer(request, |request: ListRequestDoc| {
            self.inner.list_of(&request)
        })
    }

    /// Who may do what a request without a principal asks: the listed users
    /// (and clients) whose check allows, whether anyone else would be, and
    /// under `grants` the mapping rules whose claims alone would be.
    ///
    /// # Errors
    /// `request.malformed` for a request that names a principal; otherwise as `check`.
    ///
    /// `js/fast.js` defines `whoCan(request, { explain })` over this (its
    /// type is in js/load.d.ts).
    #[wasm_bindgen(js_name = _whoCan, skip_typescript)]
    pub fn who_can(&self, request: &JsValue, explain: bool) -> Result<JsValue, JsValue> {
        self.answer(request, |request: RequestDoc| {
            self.inner.who_can(&request, explain)
        })
    }

    /// What tokens would carry for a principal (`grants`): Management Identity's
    /// `permissions` per audience, Emporix's `scopes`. Empty for other profiles.
    ///
    /// # Errors
    /// As `principal`.
    #[wasm_bindgen(unchecked_return_type = "ClaimsDoc")]
    pub fn claims(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PrincipalDoc | string")] principal: &JsValue,
    ) -> Result<JsValue, JsValue> {
        self.answer(principal, |doc: PrincipalDoc| {
            let principal = self.inner.principal(&doc)?;
            Ok(self.inner.claims(&principal))
        })
    }

    /// Whether a proposed Emporix assignment (a user into a group, an access
    /// control onto a group) keeps the snapshot's invariants; a refusal is
    /// `allowed: false` with the invariant's code as `rule`.
    ///
    /// # Errors
    /// `request.unknown_group`, `request.unknown_user`,
    /// `request.unknown_access_control`, `request.missing_check`.
    #[wasm_bindgen(js_name = checkAssignment, unchecked_return_type = "Decision")]
    pub fn check_assignment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AssignmentDoc | string")] assignment: &JsValue,
    ) -> Result<JsValue, JsValue> {
        self.answer(assignment, |doc: AssignmentDoc| {
            self.inner.check_assignment(&doc)
        })
    }

    /// Fast path (`js/fast.js`): prepares a question, answering its index or `-1`.
    #[wasm_bindgen(js_name = _question, skip_typescript)]
    pub fn question(
        &self,
        permission: &str,
        resource_type: &str,
        resource_id: Option<String>,
    ) -> i32 {
        self.inner
            .question(permission, resource_type, resource_id.as_deref())
    }

    /// Fast path: resolves the principal `{user}`, answering its index or `-1`.
    #[wasm_bindgen(js_name = _principalOf, skip_typescript)]
    pub fn principal_of(&self, user: String) -> i32 {
        let doc = PrincipalDoc {
            user: Some(user),
            ..PrincipalDoc::default()
        };
        push(&self.inner.principals, self.inner.principal(&doc))
    }

    /// Fast path: one (principal index, question index) pair, as an `Answer` byte.
    #[wasm_bindgen(js_name = _ask, skip_typescript)]
    pub fn ask(&self, principal: u32, question: u32) -> u8 {
        let principals = self.inner.principals.borrow();
        principals
            .get(principal as usize)
            .map_or(Answer::Error as u8, |principal| {
                self.inner.ask(principal, question)
            })
    }

    /// Fast path (`checkMany`): room for `n` (principal index, question index)
    /// pairs in this authorizer's batch, as an address in the module's memory,
    /// valid until the next `_batch`. JS writes the pairs there through a view of
    /// the memory and calls `_askBatch(n)`: a slice argument or a returned `Vec`
    /// would cost an allocation each, and a `Vec` comes back through a multi-value
    /// return, which V8 calls through a slow generic wrapper (a quarter of a
    /// microsecond a call).
    #[wasm_bindgen(js_name = _batch, skip_typescript)]
    pub fn batch(&self, n: u32) -> u32 {
        let mut batch = self.inner.batch.borrow_mut();
        let len = (n as usize).saturating_mul(2);
        if batch.len() < len {
            batch.resize(len, 0);
        } else if batch.len() > len.max(1 << 13) {
            // A huge batch is not kept after the next call.
            *batch = alloc::vec![0; len];
        }
        u32::try_from(batch.as_ptr().addr()).unwrap_or(0)
    }

    /// Fast path: answers the first `n` pairs of the batch in place, the `Answer`
    /// of pair `i` in its `i`-th number.
    #[wasm_bindgen(js_name = _askBatch, skip_typescript)]
    pub fn ask_batch(&self, n: u32) {
        let mut batch = self.inner.batch.borrow_mut();
        let len = batch.len().min((n as usize).saturating_mul(2));
        if let Some(pairs) = batch.get_mut(..len) {
            self.inner.ask_indexed(pairs);
        }
    }

    /// Fast path: empties the question, resource and principal tables.
    #[wasm_bindgen(js_name = _forget, skip_typescript)]
    pub fn forget(&self) {
        self.inner.forget();
    }

    /// Resolves a principal once, for many checks: the hot path of a UI.
    ///
    /// # Errors
    /// `request.missing_user`, `request.unknown_source`, `request.source_required`,
    /// `request.malformed`.
    pub fn principal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PrincipalDoc | string")] principal: &JsValue,
    ) -> Result<Principal, JsValue> {
        self.decode::<PrincipalDoc>(principal)
            .and_then(|doc| self.inner.principal(&doc))
            .map(|principal| Principal {
                authorizer: Rc::clone(&self.inner),
                principal,
            })
            .map_err(|error| request_error(&error))
    }
}

/// A principal resolved once; its questions pass strings only, no JSON.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Principal {
    authorizer: Rc<Shared>,
    principal: writ_core::Principal,
}

#[wasm_bindgen]
impl Principal {
    /// The user id.
    #[wasm_bindgen(getter)]
    pub fn user(&self) -> String {
        self.principal.user().to_owned()
    }

    /// The profile this principal's questions are decided under.
    #[wasm_bindgen(getter, unchecked_return_type = "ProfileName")]
    pub fn profile(&self) -> String {
        self.principal.profile().as_str().to_owned()
    }

    /// May this principal do `permission` on the resource? `resourceType` is a
    /// catalogue name or an integer id in decimal; no `resourceId` asks about every
    /// resource of the type.
    ///
    /// # Errors
    /// `request.unknown_resource_type`, `request.unknown_permission`, and under
    /// `optimize` `request.missing_resource_id`.
    pub fn can(
        &self,
        permission: &str,
        #[wasm_bindgen(js_name = resourceType)] resource_type: &str,
        #[wasm_bindgen(js_name = resourceId)] resource_id: Option<String>,
    ) -> Result<bool, JsValue> {
        self.authorizer
            .can(
                &self.principal,
                permission,
                resource_type,
                resource_id.as_deref(),
            )
            .map_err(|error| request_error(&error))
    }

    /// Fast path (`js/fast.js`): prepares a question in the authorizer's table.
    #[wasm_bindgen(js_name = _question, skip_typescript)]
    pub fn question(
        &self,
        permission: &str,
        resource_type: &str,
        resource_id: Option<String>,
    ) -> i32 {
        self.authorizer
            .question(permission, resource_type, resource_id.as_deref())
    }

    /// Fast path: this principal and a prepared question, as an `Answer` byte.
    #[wasm_bindgen(js_name = _ask, skip_typescript)]
    pub fn ask(&self, question: u32) -> u8 {
        self.authorizer.ask(&self.principal, question)
    }

    /// Fast path: prepares a resource (for `permissions`) in the authorizer's table.
    #[wasm_bindgen(js_name = _resource, skip_typescript)]
    pub fn resource(&self, resource_type: &str, resource_id: Option<String>) -> i32 {
        self.authorizer
            .resource(resource_type, resource_id.as_deref())
    }

    /// Fast path: per name of `_names(resource)`, 1 when this principal holds it;
    /// `undefined` when the full path must answer.
    #[wasm_bindgen(js_name = _held, skip_typescript)]
    pub fn held(&self, resource: u32) -> Option<Vec<u8>> {
        self.authorizer.held(&self.principal, resource)
    }

    /// Fast path: the permission names of a prepared resource's type.
    #[wasm_bindgen(js_name = _names, skip_typescript)]
    pub fn names(&self, resource: u32) -> JsValue {
        self.authorizer.names(resource)
    }

    /// Fast path: empties the authorizer's question, resource and principal tables.
    #[wasm_bindgen(js_name = _forget, skip_typescript)]
    pub fn forget(&self) {
        self.authorizer.forget();
    }

    /// Every permission this principal holds on one resource: one call gates a
    /// whole toolbar.
    ///
    /// # Errors
    /// `request.unknown_resource_type`, and under `optimize`
    /// `request.missing_resource_id`.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn permissions(
        &self,
        #[wasm_bindgen(js_name = resourceType, unchecked_param_type = "TypeRef")]
        resource_type: &JsValue,
        #[wasm_bindgen(js_name = resourceId)] resource_id: Option<String>,
        #[wasm_bindgen(js_name = tenantId)] tenant_id: Option<String>,
    ) -> Result<JsValue, JsValue> {
        type_ref(resource_type)
            .and_then(|ty| {
                self.authorizer.permissions(
                    &self.principal,
                    &ty,
                    resource_id.as_deref(),
                    tenant_id.as_deref(),
                )
            })
            .map(|permissions| to_js(&permissions))
            .map_err(|error| request_error(&error))
    }

    /// What tokens would carry for this principal (`grants`).
    #[wasm_bindgen(unchecked_return_type = "ClaimsDoc")]
    pub fn claims(&self) -> JsValue {
        to_js(&self.authorizer.claims(&self.principal))
    }

    /// What a list view of `resourceType` may show to this principal.
    ///
    /// # Errors
    /// `request.unknown_resource_type`, `request.unknown_permission`.
    #[wasm_bindgen(unchecked_return_type = "ListDoc")]
    pub fn list(
        &self,
        permission: &str,
        #[wasm_bindgen(js_name = resourceType, unchecked_param_type = "TypeRef")]
        resource_type: &JsValue,
    ) -> Result<JsValue, JsValue> {
        type_ref(resource_type)
            .and_then(|ty| self.authorizer.list(&self.principal, permission, &ty))
            .map(|list| to_js(&list))
            .map_err(|error| request_error(&error))
    }
}

impl Authorizer {
    /// Every JSON-in, JSON-out method: decode the wire document, ask the core,
    /// encode the answer (or throw the error).
    fn answer<D: Decode, T: Encode>(
        &self,
        argument: &JsValue,
        ask: impl FnOnce(D) -> Result<T, RequestError>,
    ) -> Result<JsValue, JsValue> {
        self.decode(argument)
            .and_then(ask)
            .map(|answer| to_js(&answer))
            .map_err(|error| request_error(&error))
    }

    /// A wire document from its JSON text, within the snapshot's limits, or
    /// `request.malformed`. `js/fast.js` writes every object argument as
    /// text itself (refusing what `JSON.stringify` would drop or change), so
    /// anything but a string here is refused rather than stringified.
    fn decode<T: Decode>(&self, value: &JsValue) -> Result<T, RequestError> {
        let text = value.as_string().ok_or_else(|| RequestError::Malformed {
            message: "expected JSON text or a plain object".into(),
        })?;
        self.inner.decode(&text)
    }
}

/// Fast path (`js/fast.js`): the module's exports, where the stack pointer
/// global (`__writ_stack_pointer`, exported by `wasm/build.sh`) is restored
/// after a trap so that a trapped call does not leak the stack.
#[wasm_bindgen(js_name = _exports, skip_typescript)]
pub fn exports() -> JsValue {
    wasm_bindgen::exports()
}

/// A resource type argument: a number is an integer id, a string a name (or an id
/// in decimal, as everywhere).
fn type_ref(value: &JsValue) -> Result<TypeRef, RequestError> {
    if let Some(name) = value.as_string() {
        return Ok(TypeRef::Name(name));
    }
    value
        .as_f64()
        .filter(|id| (0.0..=f64::from(u32::MAX)).contains(id))
        .and_then(|id| {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked above: within u32; a fraction is refused below"
            )]
            let whole = id as u32;
            (f64::from(whole) == id).then_some(TypeRef::Id(whole))
        })
        .ok_or_else(|| RequestError::Malformed {
            message: "a resource type is a name or an integer id".into(),
        })
}

/// An answer as a JS value, through the one JSON layer.
fn to_js<T: Encode + ?Sized>(value: &T) -> JsValue {
    parse(&value.to_json())
}

/// `JSON.parse` of the core's JSON text, which is always valid: `null` would
/// only surface a bug, never a wrong decision.
fn parse(text: &str) -> JsValue {
    js::parse(text).unwrap_or(JsValue::NULL)
}

fn request_error(error: &RequestError) -> JsValue {
    js_error(&error.to_doc(), None)
}

fn snapshot_error(error: &SnapshotError) -> JsValue {
    js_error(&error.to_doc(), Some(error.path()))
}

/// A real `Error` with the core's stable `code` (and `path`, for snapshots).
fn js_error(doc: &ErrorDoc, path: Option<&str>) -> JsValue {
    let error: JsValue = js::Error::new(&doc.message).into();
    // Defining a property on a fresh, unfrozen Error cannot fail.
    let _ = js::set_property(&error, "code", &doc.code);
    if let Some(path) = path {
        let _ = js::set_property(&error, "path", path);
    }
    error
}
