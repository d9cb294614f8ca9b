//! `writ.wasm`: the core behind the WIT interface of `host/wit/writ.wit`
//! (world `writ`), for wasmtime (`writ-host`) and any other component host.
//!
//! A thin binding, as the JavaScript package is: decode the arguments, ask
//! `writ_core`, encode the answer. Errors cross as the WIT `error` record
//! with the core's stable code; a panic (a bug) traps, and the host discards
//! the instance. Built for `wasm32-unknown-unknown` and made a component by
//! `wit-component`, it imports nothing at all.

// The code wit-bindgen generates for the component ABI (`bindings`, and
// `export!` at the crate root) is unsafe by nature; this file's own code has
// none.
#![allow(unsafe_code)]

use writ_core::wire::{
    AssignmentDoc, CheckDoc, Encode, ListRequestDoc, PermissionsRequestDoc, PrincipalDoc,
    ProfileName, RequestDoc, TypeRef,
};
use writ_core::{LoadOptions, RequestError, SnapshotError};

mod bindings {
    wit_bindgen::generate!({
        world: "writ",
        path: "../wit",
    });
}

use bindings::exports::writ::authz::decisions::{
    Guest, GuestAuthorizer, GuestPrincipal, GuestQuestion, Principal as PrincipalHandle,
    Question as QuestionHandle, QuestionBorrow,
};
use bindings::writ::authz::types::{Answer, Check, Error, Request, Stats};

struct Component;

bindings::export!(Component with_types_in bindings);

impl Guest for Component {
    type Authorizer = Authorizer;
    type Principal = Principal;
    type Question = Question;
}

/// A question prepared once.
#[derive(Debug)]
pub struct Question {
    question: writ_core::Question,
}

impl GuestQuestion for Question {}

/// A loaded snapshot. Shared with its principals, which keep it alive.
#[derive(Debug)]
pub struct Authorizer {
    inner: std::rc::Rc<writ_core::Authorizer>,
}

/// A principal resolved once.
#[derive(Debug)]
pub struct Principal {
    authorizer: std::rc::Rc<writ_core::Authorizer>,
    principal: writ_core::Principal,
}

fn snapshot_error(error: &SnapshotError) -> Error {
    Error {
        code: error.code().to_owned(),
        path: Some(error.path().to_owned()),
        message: error.to_string(),
    }
}

fn request_error(error: &RequestError) -> Error {
    Error {
        code: error.code().to_owned(),
        path: None,
        message: error.to_string(),
    }
}

fn malformed(message: String) -> Error {
    request_error(&RequestError::Malformed { message })
}

/// The typed request as the wire's document (`claims` and `properties` read
/// as JSON objects, within the snapshot's limits).
fn request_doc(authorizer: &writ_core::Authorizer, request: Request) -> Result<RequestDoc, Error> {
    let json_object = |text: Option<String>, field: &str| -> Result<_, Error> {
        text.map(|text| {
            authorizer
                .decode::<writ_core::json::Map>(&text)
                .map_err(|error| malformed(format!("`{field}`: {error}")))
        })
        .transpose()
    };
    let profile = match request.profile.as_deref() {
        None => None,
        Some("camunda7") => Some(ProfileName::Camunda7),
        Some("optimize") => Some(ProfileName::Optimize),
        Some("grants") => Some(ProfileName::Grants),
        Some(other) => {
            return Err(malformed(format!(
                "unknown variant `{other}`, expected one of `camunda7`, `optimize`, `grants`"
            )));
        }
    };
    let checks = |list: Option<Vec<Check>>| {
        list.map(|list| {
            list.into_iter()
                .map(|check| CheckDoc {
                    permission: check.permission,
                    resource_type: TypeRef::Name(check.resource_type),
                    resource_id: check.resource_id,
                })
                .collect()
        })
    };
    Ok(RequestDoc {
        user: request.user,
        groups: request.groups,
        tenant_id: request.tenant_id,
        source: request.source,
        profile,
        permission: request.permission,
        resource_type: request.resource_type.map(TypeRef::Name),
        resource_id: request.resource_id,
        any_of: checks(request.any_of),
        all_of: checks(request.all_of),
        client: request.client,
        claims: json_object(request.claims, "claims")?,
        properties: json_object(request.properties, "properties")?,
        resource_exists: request.resource_exists,
        bundle: request.bundle,
        scopes: request.scopes,
        restriction: request.restriction,
        anonymous_authorized: request.anonymous_authorized,
    })
}

impl Authorizer {
    /// A wire document from its JSON text, within the snapshot's limits.
    fn decode<T: writ_core::wire::Decode>(&self, text: &str) -> Result<T, Error> {
        self.inner
            .decode(text)
            .map_err(|error| request_error(&error))
    }

    fn answer<D: writ_core::wire::Decode, T: Encode>(
        &self,
        text: &str,
        ask: impl FnOnce(D) -> Result<T, RequestError>,
    ) -> Result<String, Error> {
        let doc = self.decode::<D>(text)?;
        ask(doc)
            .map(|answer| answer.to_json())
            .map_err(|error| request_error(&error))
    }
}

impl GuestAuthorizer for Authorizer {
    fn load(
        snapshot: Vec<u8>,
        options: Option<String>,
    ) -> Result<bindings::exports::writ::authz::decisions::Authorizer, Error> {
        let options = match options {
            Some(text) => LoadOptions::from_json(&text).map_err(|error| snapshot_error(&error))?,
            None => LoadOptions::default(),
        };
        let inner = writ_core::Authorizer::from_bytes(&snapshot, &options)
            .map_err(|error| snapshot_error(&error))?;
        Ok(bindings::exports::writ::authz::decisions::Authorizer::new(
            Authorizer {
                inner: std::rc::Rc::new(inner),
            },
        ))
    }

    fn revision(&self) -> Option<String> {
        self.inner.revision().map(str::to_owned)
    }

    fn sequence(&self) -> Option<u64> {
        self.inner.sequence()
    }

    fn profile(&self) -> String {
        self.inner.profile().as_str().to_owned()
    }

    fn stats(&self) -> Stats {
        let stats = self.inner.stats();
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Stats {
            sources: count(stats.sources),
            users: count(stats.users),
            groups: count(stats.groups),
            tenants: count(stats.tenants),
            authorizations: count(stats.authorizations),
        }
    }

    fn check(&self, request: Request) -> Result<bool, Error> {
        let request = request_doc(&self.inner, request)?;
        self.inner
            .check(&request)
            .map_err(|error| request_error(&error))
    }

    fn check_json(&self, request: String) -> Result<bool, Error> {
        let request = self.decode::<RequestDoc>(&request)?;
        self.inner
            .check(&request)
            .map_err(|error| request_error(&error))
    }

    fn check_many(&self, requests: Vec<Request>) -> Result<Vec<Answer>, Error> {
        self.inner
            .limits()
            .batch(requests.len())
            .map_err(|error| request_error(&error))?;
        Ok(requests
            .into_iter()
            .map(|request| {
                match request_doc(&self.inner, request).map(|doc| self.inner.check(&doc)) {
                    Ok(Ok(true)) => Answer::Allowed,
                    Ok(Ok(false)) => Answer::Denied,
                    Ok(Err(_)) | Err(_) => Answer::Error,
                }
            })
            .collect())
    }

    fn check_many_json(&self, requests: String) -> Result<Vec<Answer>, Error> {
        let elements = writ_core::wire::elements(requests.trim_matches([' ', '\t', '\n', '\r']))
            .ok_or_else(|| malformed("`check-many-json` takes a JSON array of requests".into()))?;
        self.inner
            .limits()
            .batch(elements.len())
            .map_err(|error| request_error(&error))?;
        Ok(elements
            .into_iter()
            .map(|element| {
                match self
                    .decode::<RequestDoc>(element)
                    .map(|doc| self.inner.check(&doc))
                {
                    Ok(Ok(true)) => Answer::Allowed,
                    Ok(Ok(false)) => Answer::Denied,
                    Ok(Err(_)) | Err(_) => Answer::Error,
                }
            })
            .collect())
    }

    fn question(
        &self,
        permission: String,
        resource_type: String,
        resource_id: Option<String>,
    ) -> Result<QuestionHandle, Error> {
        self.inner
            .question(&permission, &resource_type, resource_id.as_deref())
            .map(|question| QuestionHandle::new(Question { question }))
            .map_err(|error| request_error(&error))
    }

    fn explain(&self, request: String) -> Result<String, Error> {
        self.answer(&request, |request: RequestDoc| self.inner.explain(&request))
    }

    fn permissions(&self, request: String) -> Result<Vec<String>, Error> {
        let request = self.decode::<PermissionsRequestDoc>(&request)?;
        self.inner
            .permissions_of(&request)
            .map(|answer| answer.permissions)
            .map_err(|error| request_error(&error))
    }

    fn list(&self, request: String) -> Result<String, Error> {
        self.answer(&request, |request: ListRequestDoc| {
            self.inner.list_of(&request)
        })
    }

    fn who_can(&self, request: String, explain: bool) -> Result<String, Error> {
        self.answer(&request, |request: RequestDoc| {
            self.inner.who_can(&request, explain)
        })
    }

    fn claims(&self, principal: String) -> Result<String, Error> {
        self.answer(&principal, |doc: PrincipalDoc| {
            let principal = self.inner.principal(&doc)?;
            Ok(self.inner.claims(&principal))
        })
    }

    fn check_assignment(&self, assignment: String) -> Result<String, Error> {
        self.answer(&assignment, |doc: AssignmentDoc| {
            self.inner.check_assignment(&doc)
        })
    }

    fn principal(&self, principal: String) -> Result<PrincipalHandle, Error> {
        let doc = self.decode::<PrincipalDoc>(&principal)?;
        let principal = self
            .inner
            .principal(&doc)
            .map_err(|error| request_error(&error))?;
        Ok(PrincipalHandle::new(Principal {
            authorizer: std::rc::Rc::clone(&self.inner),
            principal,
        }))
    }
}

impl GuestPrincipal for Principal {
    fn can(
        &self,
        permission: String,
        resource_type: String,
        resource_id: Option<String>,
    ) -> Result<bool, Error> {
        self.authorizer
            .can(
                &self.principal,
                &permission,
                &resource_type,
                resource_id.as_deref(),
            )
            .map_err(|error| request_error(&error))
    }

    fn ask(&self, question: QuestionBorrow<'_>) -> Result<bool, Error> {
        let question = question.get::<Question>();
        self.authorizer
            .ask(&self.principal, &question.question)
            .map_err(|error| request_error(&error))
    }

    fn permissions(
        &self,
        resource_type: String,
        resource_id: Option<String>,
        tenant_id: Option<String>,
    ) -> Result<Vec<String>, Error> {
        self.authorizer
            .permissions(
                &self.principal,
                &TypeRef::Name(resource_type),
                resource_id.as_deref(),
                tenant_id.as_deref(),
            )
            .map_err(|error| request_error(&error))
    }
}
