//! One API over both engines: the core linked in (`native`) or the guest in
//! wasmtime (`wasm`). Documents go in as JSON text and answers come out as the
//! JSON every runtime writes, so that both engines give the same bytes.

use writ_core::wire::{
    AssignmentDoc, DecisionDoc, Encode, ListRequestDoc, PermissionsRequestDoc, PrincipalDoc,
    ProfileName, RequestDoc,
};
use writ_core::{Authorizer, Stats};

use crate::error::HostError;
use crate::live::Sequenced;
use crate::{Host, WasmAuthorizer};

/// A loaded snapshot, decided natively or in the guest.
#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "one per loaded snapshot, held behind an Arc: its size does not matter"
)]
pub enum Decider {
    Native(Authorizer),
    Wasm(WasmAuthorizer),
}

impl Sequenced for Decider {
    fn sequence(&self) -> Option<u64> {
        Decider::sequence(self)
    }
}

impl Decider {
    /// Loads signed-or-not snapshot bytes with the chosen engine: `host`
    /// decides in wasm, `None` natively.
    ///
    /// # Errors
    /// `signature.*`, the snapshot's error, or the host's.
    pub fn load(
        host: Option<&Host>,
        bytes: &[u8],
        signature: Option<&[u8]>,
        keys: &[writ_core::signature::PublicKey],
        options: &writ_core::LoadOptions,
    ) -> Result<Self, HostError> {
        Ok(match host {
            Some(host) => Self::Wasm(host.load_signed(bytes, signature, keys, options)?),
            None => Self::Native(Authorizer::from_signed(bytes, signature, keys, options)?),
        })
    }

    pub fn revision(&self) -> Option<&str> {
        match self {
            Self::Native(authorizer) => authorizer.revision(),
            Self::Wasm(authorizer) => authorizer.revision(),
        }
    }

    pub fn sequence(&self) -> Option<u64> {
        match self {
            Self::Native(authorizer) => authorizer.sequence(),
            Self::Wasm(authorizer) => authorizer.sequence(),
        }
    }

    pub fn profile(&self) -> ProfileName {
        match self {
            Self::Native(authorizer) => authorizer.profile(),
            Self::Wasm(authorizer) => authorizer.profile(),
        }
    }

    pub fn stats(&self) -> Stats {
        match self {
            Self::Native(authorizer) => authorizer.stats(),
            Self::Wasm(authorizer) => authorizer.stats(),
        }
    }

    /// The limits the snapshot was loaded with (they bound its requests).
    pub fn limits(&self) -> writ_core::Limits {
        match self {
            Self::Native(authorizer) => *authorizer.limits(),
            Self::Wasm(authorizer) => authorizer.limits(),
        }
    }

    /// The engine's name: `native` or `wasm`.
    pub fn engine(&self) -> &'static str {
        match self {
            Self::Native(_) => "native",
            Self::Wasm(_) => "wasm",
        }
    }

    /// One request (typed). A deny is `Ok(false)`.
    ///
    /// # Errors
    /// The request's error, or the host's.
    pub fn check(&self, request: &RequestDoc) -> Result<bool, HostError> {
        match self {
            Self::Native(authorizer) => Ok(authorizer.check(request)?),
            Self::Wasm(authorizer) => authorizer.check(request),
        }
    }

    /// One request as JSON text, decoded within the snapshot's limits.
    ///
    /// # Errors
    /// As [`Decider::check`].
    pub fn check_json(&self, request: &str) -> Result<bool, HostError> {
        match self {
            Self::Native(authorizer) => {
                let request = authorizer.decode::<RequestDoc>(request)?;
                Ok(authorizer.check(&request)?)
            }
            Self::Wasm(authorizer) => authorizer.check_json(request),
        }
    }

    /// Many requests; `None` for one that cannot be answered.
    ///
    /// # Errors
    /// `limit.batch_length`, or the host's.
    pub fn check_many(&self, requests: &[RequestDoc]) -> Result<Vec<Option<bool>>, HostError> {
        match self {
            Self::Native(authorizer) => {
                authorizer.limits().batch(requests.len())?;
                Ok(requests
                    .iter()
                    .map(|request| authorizer.check(request).ok())
                    .collect())
            }
            Self::Wasm(authorizer) => authorizer.check_many(requests),
        }
    }

    /// Many requests as one JSON array (each element decoded on its own);
    /// `None` for one that cannot be answered.
    ///
    /// # Errors
    /// `request.malformed` (not an array), `limit.batch_length`, or the host's.
    pub fn check_many_json(&self, requests: &str) -> Result<Vec<Option<bool>>, HostError> {
        let requests = trim_json_space(requests);
        match self {
            Self::Native(authorizer) => {
                let elements = writ_core::wire::elements(requests).ok_or_else(|| {
                    HostError::new(
                        "request.malformed",
                        "malformed request: expected a JSON array of requests",
                    )
                })?;
                authorizer.limits().batch(elements.len())?;
                Ok(elements
                    .into_iter()
                    .map(|element| {
                        authorizer
                            .decode::<RequestDoc>(element)
                            .and_then(|request| authorizer.check(&request))
                            .ok()
                    })
                    .collect())
            }
            Self::Wasm(authorizer) => authorizer.check_many_json(requests),
        }
    }

    /// The decision explained, as JSON (what `writ explain` prints).
    ///
    /// # Errors
    /// As [`Decider::check`].
    pub fn explain(&self, request: &str) -> Result<String, HostError> {
        match self {
            Self::Native(authorizer) => {
                let request = authorizer.decode::<RequestDoc>(request)?;
                Ok(authorizer.explain(&request)?.to_json())
            }
            Self::Wasm(authorizer) => authorizer.explain(request),
        }
    }

    /// A check's answer as the JSON `writ check` prints: `{"allowed":…}`.
    ///
    /// # Errors
    /// As [`Decider::check`].
    pub fn check_line(&self, request: &str) -> Result<(bool, String), HostError> {
        let allowed = self.check_json(request)?;
        let doc = DecisionDoc {
            allowed,
            explanation: None,
        };
        Ok((allowed, doc.to_json()))
    }

    /// Every permission held on one resource (a `PermissionsRequestDoc` as JSON).
    ///
    /// # Errors
    /// As [`Decider::check`].
    pub fn permissions(&self, request: &str) -> Result<Vec<String>, HostError> {
        match self {
            Self::Native(authorizer) => {
                let request = authorizer.decode::<PermissionsRequestDoc>(request)?;
                Ok(authorizer.permissions_of(&request)?.permissions)
            }
            Self::Wasm(authorizer) => authorizer.permissions(request),
        }
    }

    /// What a list view may show (a `ListRequestDoc` as JSON), as JSON.
    ///
    /// # Errors
    /// As [`Decider::check`].
    pub fn list(&self, request: &str) -> Result<String, HostError> {
        match self {
            Self::Native(authorizer) => {
                let request = authorizer.decode::<ListRequestDoc>(request)?;
                Ok(authorizer.list_of(&request)?.to_json())
            }
            Self::Wasm(authorizer) => authorizer.list(request),
        }
    }

    /// Who may do what a request without a principal asks (a `RequestDoc`
    /// as JSON), as JSON: `{"users", "clients", "anyUser", "mappingRules"}`,
    /// with `explain` also `explanations`.
    ///
    /// # Errors
    /// As [`Decider::check`]; `request.malformed` for a request that names a principal.
    pub fn who_can(&self, request: &str, explain: bool) -> Result<String, HostError> {
        match self {
            Self::Native(authorizer) => {
                let request = authorizer.decode::<RequestDoc>(request)?;
                Ok(authorizer.who_can(&request, explain)?.to_json())
            }
            Self::Wasm(authorizer) => authorizer.who_can(request, explain),
        }
    }

    /// What tokens would carry (a `PrincipalDoc` as JSON), as JSON.
    ///
    /// # Errors
    /// As [`Decider::check`].
    pub fn claims(&self, principal: &str) -> Result<String, HostError> {
        match self {
            Self::Native(authorizer) => {
                let doc = authorizer.decode::<PrincipalDoc>(principal)?;
                let principal = authorizer.principal(&doc)?;
                Ok(authorizer.claims(&principal).to_json())
            }
            Self::Wasm(authorizer) => authorizer.claims(principal),
        }
    }

    /// Whether an Emporix assignment keeps the invariants (an `AssignmentDoc`
    /// as JSON), as a `Decision` JSON.
    ///
    /// # Errors
    /// As [`Decider::check`].
    pub fn check_assignment(&self, assignment: &str) -> Result<String, HostError> {
        match self {
            Self::Native(authorizer) => {
                let doc = authorizer.decode::<AssignmentDoc>(assignment)?;
                Ok(authorizer.check_assignment(&doc)?.to_json())
            }
            Self::Wasm(authorizer) => authorizer.check_assignment(assignment),
        }
    }
}

/// `text` without the JSON whitespace (space, tab, line feed, carriage
/// return) around it.
pub(crate) fn trim_json_space(text: &str) -> &str {
    text.trim_matches([' ', '\t', '\n', '\r'])
}
