//! What every route shares: JSON bodies in (within the snapshot's limits),
//! JSON answers and coded errors out, the request id echoed, each request
//! timed, counted and logged.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use writ_core::json::{Map, ObjectWriter};

use super::App;
use crate::HostError;

pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
pub(crate) const REVISION: HeaderName = HeaderName::from_static("x-writ-revision");

/// A request the service will not answer: its status, and the body
/// `{"error":{"code","message"}}`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// A request the core refused (400), or a host failure (500).
    pub(crate) fn of(error: &HostError) -> Self {
        let status = if error.is_host_failure() {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::BAD_REQUEST
        };
        Self::new(status, error.code(), error.message())
    }

    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "request.malformed", message)
    }
}

/// `{"error":{"code","message"}}`.
pub(crate) fn error_json(code: &str, message: &str) -> String {
    let mut text = String::new();
    let mut object = ObjectWriter::new(&mut text);
    let inner = object.field("error");
    let mut error = ObjectWriter::new(inner);
    error.str("code", code).str("message", message);
    error.end();
    object.end();
    text
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = json(self.status, error_json(&self.code, &self.message));
        if let Ok(code) = HeaderValue::from_str(&self.code) {
            response
                .headers_mut()
                .insert(HeaderName::from_static("x-writ-error"), code);
        }
        response
    }
}

/// A JSON answer.
pub(crate) fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A decision's answer, with the revision that decided it.
pub(crate) fn decided(body: String, revision: Option<&str>) -> Response {
    let mut response = json(StatusCode::OK, body);
    if let Some(value) = revision.and_then(|revision| HeaderValue::from_str(revision).ok()) {
        response.headers_mut().insert(REVISION, value);
    }
    response
}

/// The body as a JSON object, read within `limits` (never `decision: true`
/// for anything malformed: it does not get that far). A content type other
/// than JSON is refused (415); none is taken as JSON.
pub(crate) fn object(
    headers: &HeaderMap,
    body: &Bytes,
    limits: &writ_core::Limits,
) -> Result<Map, Failure> {
    content_type(headers)?;
    let text = std::str::from_utf8(body).map_err(|error| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            "request.invalid_utf8",
            format!(
                "the body is not UTF-8 JSON (invalid at byte {})",
                error.valid_up_to()
            ),
        )
    })?;
    writ_core::wire::decode_limited::<Map>(text, limits).map_err(|error| {
        let status = StatusCode::BAD_REQUEST;
        Failure::new(
            status,
            error.code(),
            format!("the body is not a JSON object: {error}"),
        )
    })
}

/// The body as UTF-8 text (writ's API, which the core decodes itself).
/// The body as UTF-8, without the JSON whitespace around it.
pub(crate) fn text<'b>(headers: &HeaderMap, body: &'b Bytes) -> Result<&'b str, Failure> {
    content_type(headers)?;
    let text = std::str::from_utf8(body).map_err(|error| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            "request.invalid_utf8",
            format!(
                "the body is not UTF-8 JSON (invalid at byte {})",
                error.valid_up_to()
            ),
        )
    })?;
    Ok(crate::decide::trim_json_space(text))
}

fn content_type(headers: &HeaderMap) -> Result<(), Failure> {
    match headers.get(header::CONTENT_TYPE).map(HeaderValue::to_str) {
        None => Ok(()),
        Some(Ok(value))
            if value
                .split(';')
                .next()
                .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("application/json")) =>
        {
            Ok(())
        }
        Some(_) => Err(Failure::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.content_type",
            "send the body as application/json",
        )),
    }
}

/// `/readyz`: ready once a snapshot is loaded.
pub(crate) async fn ready(State(app): State<Arc<App>>) -> Response {
    match app.current.load_full() {
        Some(loaded) => (
            StatusCode::OK,
            format!(
                "ready: revision {}\n",
                loaded.decider.revision().unwrap_or("(none)")
            ),
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: no snapshot loaded\n",
        )
            .into_response(),
    }
}

pub(crate) async fn not_found() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, "serve.not_found", "no such endpoint")
}

/// Echoes `X-Request-ID`, times and counts the request, logs one line (debug).
pub(crate) async fn observe(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request.headers().get(REQUEST_ID).cloned();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let endpoint = super::metrics::endpoint(&path);
    let mut response = next.run(request).await;
    if let Some(id) = id {
        response.headers_mut().insert(REQUEST_ID, id);
    }
    let elapsed = started.elapsed();
    let status = response.status();
    app.metrics.request(endpoint, status.as_u16(), elapsed);
    if let Some(code) = response
        .headers()
        .get("x-writ-error")
        .and_then(|code| code.to_str().ok())
        && code.starts_with("host.")
    {
        app.metrics.guest_trap();
    }
    tracing::debug!(
        %method,
        path,
        status = status.as_u16(),
        micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
        revision = response.headers().get(REVISION).and_then(|value| value.to_str().ok()).unwrap_or(""),
        "request"
    );
    response
}
