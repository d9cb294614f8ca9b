//! writ's own API: the same JSON the CLI and the JavaScript package speak, so
//! that a request means the same bytes everywhere. `POST /v1/check` (one
//! request, or an array), `/v1/explain`, `/v1/permissions`, `/v1/list`,
//! `/v1/claims`; `GET /v1/snapshot`; and, with an admin token,
//! `PUT /v1/snapshot`.

use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::handler::Handler as _;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use writ_core::json::ObjectWriter;
use writ_core::wire::{Encode, PermissionsDoc};

use super::App;
use super::http::{Failure, decided, error_json, json, text};

pub(super) fn routes(admin: bool, snapshot_bytes: usize) -> Router<Arc<App>> {
    let snapshot = if admin {
        get(snapshot).put(replace.layer(axum::extract::DefaultBodyLimit::max(snapshot_bytes)))
    } else {
        get(snapshot)
    };
    Router::new()
        .route("/v1/check", post(check))
        .route("/v1/explain", post(explain))
        .route("/v1/permissions", post(permissions))
        .route("/v1/list", post(list))
        .route("/v1/claims", post(claims))
        .route("/v1/snapshot", snapshot)
}

/// One request's line, as `writ check` prints it.
fn check_line(decider: &crate::Decider, request: &str) -> (Option<bool>, String) {
    match decider.check_line(request) {
        Ok((allowed, line)) => (Some(allowed), line),
        Err(error) => (None, error_json(error.code(), error.message())),
    }
}

/// One request (an object: its decision, or 400 with its error), or an
/// array (each element's decision or error, 200).
async fn check(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let loaded = app.loaded()?;
    let decider = &loaded.decider;
    let body = text(&headers, &body)?;
    let limits = decider.limits();
    let Some(elements) = writ_core::wire::elements(body) else {
        limits.request(body.len()).map_err(|error| {
            Failure::new(StatusCode::BAD_REQUEST, error.code(), error.to_string())
        })?;
        return match decider.check_line(body) {
            Ok((allowed, line)) => {
                app.metrics.decided("check", Some(allowed));
                Ok(decided(line, decider.revision()))
            }
            Err(error) => {
                app.metrics.decided("check", None);
                Err(Failure::of(&error))
            }
        };
    };
    limits
        .batch(elements.len())
        .map_err(|error| Failure::new(StatusCode::BAD_REQUEST, error.code(), error.to_string()))?;
    let answers = decider
        .check_many_json(body)
        .map_err(|error| Failure::of(&error))?;
    let mut text = String::from("[");
    for (i, (answer, element)) in answers.into_iter().zip(elements).enumerate() {
        if i > 0 {
            text.push(',');
        }
        app.metrics.decided("check", answer);
        match answer {
            Some(true) => text.push_str("{\"allowed\":true}"),
            Some(false) => text.push_str("{\"allowed\":false}"),
            // Asked alone for its error's words.
            None => text.push_str(&check_line(decider, element).1),
        }
    }
    text.push(']');
    Ok(decided(text, decider.revision()))
}

/// A document's answer as JSON, or 400 with its error.
fn answer(
    app: &App,
    endpoint: &'static str,
    headers: &HeaderMap,
    body: &Bytes,
    ask: impl FnOnce(&crate::Decider, &str) -> Result<String, crate::HostError>,
) -> Result<Response, Failure> {
    let loaded = app.loaded()?;
    let decider = &loaded.decider;
    let body = text(headers, body)?;
    match ask(decider, body) {
        Ok(answer) => {
            app.metrics
                .decided(endpoint, Some(!answer.starts_with("{\"allowed\":false")));
            Ok(decided(answer, decider.revision()))
        }
        Err(error) => {
            app.metrics.decided(endpoint, None);
            Err(Failure::of(&error))
        }
    }
}

async fn explain(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    answer(&app, "explain", &headers, &body, crate::Decider::explain)
}

async fn permissions(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    answer(&app, "permissions", &headers, &body, |decider, request| {
        decider
            .permissions(request)
            .map(|permissions| PermissionsDoc { permissions }.to_json())
    })
}

async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    answer(&app, "list", &headers, &body, crate::Decider::list)
}

async fn claims(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    answer(&app, "claims", &headers, &body, crate::Decider::claims)
}

/// RFC 3339, UTC, to the second.
pub(crate) fn timestamp(at: SystemTime) -> String {
    let seconds = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// What is loaded: revision, sequence, profile, counts, when, from where,
/// by which engine, and the last refused reload.
async fn snapshot(State(app): State<Arc<App>>) -> Response {
    let mut text = String::new();
    let mut object = ObjectWriter::new(&mut text);
    match app.current.load_full() {
        Some(loaded) => {
            let decider = &loaded.decider;
            object
                .bool("loaded", true)
                .opt_str("revision", decider.revision());
            if let Some(sequence) = decider.sequence() {
                object.u64("sequence", sequence);
            }
            let stats = decider.stats();
            object.str("profile", decider.profile().as_str());
            let counts = object.field("counts");
            let mut counts = ObjectWriter::new(counts);
            counts
                .u64("sources", stats.sources as u64)
                .u64("users", stats.users as u64)
                .u64("groups", stats.groups as u64)
                .u64("tenants", stats.tenants as u64)
                .u64("authorizations", stats.authorizations as u64);
            counts.end();
            object
                .str("loadedAt", &timestamp(loaded.loaded_at))
                .str("source", &loaded.source)
                .str("engine", decider.engine());
        }
        None => {
            object.bool("loaded", false);
        }
    }
    let refusal = app
        .last_refusal
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    if let Some(refusal) = refusal {
        let field = object.field("lastRefused");
        let mut refused = ObjectWriter::new(field);
        refused
            .str("code", &refusal.code)
            .str("message", &refusal.message)
            .str("at", &timestamp(refusal.at))
            .str("source", &refusal.source);
        refused.end();
    }
    object.end();
    json(StatusCode::OK, text)
}

/// Whether the `Authorization` header carries the admin token (compared in
/// constant time).
fn authorized(app: &App, headers: &HeaderMap) -> bool {
    let Some(token) = app.config.admin_token.as_deref() else {
        return false;
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or("");
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// `PUT /v1/snapshot`: the body is the snapshot, `X-Writ-Signature` its
/// detached signature (needed with trusted keys). Loaded and swapped in, or
/// refused with its code (the one in force stays).
async fn replace(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    if !authorized(&app, &headers) {
        let mut response = Failure::new(
            StatusCode::UNAUTHORIZED,
            "serve.unauthorized",
            "a bearer token is needed to replace the snapshot",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer realm=\"writ\""),
        );
        return Ok(response);
    }
    let signature = headers
        .get("x-writ-signature")
        .map(|value| value.as_bytes().to_vec());
    let reloading = Arc::clone(&app);
    let loaded = tokio::task::spawn_blocking(move || {
        reloading.reload(&body, signature.as_deref(), "PUT /v1/snapshot")
    })
    .await
    .map_err(|error| {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "serve.internal",
            error.to_string(),
        )
    })?;
    match loaded {
        Ok(loaded) => Ok(snapshot(State(Arc::clone(&app)))
            .await
            .into_response_with_revision(loaded.decider.revision())),
        Err(error) => {
            let status = if error.code() == "snapshot.rollback" {
                StatusCode::CONFLICT
            } else if error.is_host_failure() {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::BAD_REQUEST
            };
            Err(Failure::new(status, error.code(), error.message()))
        }
    }
}

trait WithRevision {
    fn into_response_with_revision(self, revision: Option<&str>) -> Response;
}

impl WithRevision for Response {
    fn into_response_with_revision(mut self, revision: Option<&str>) -> Response {
        if let Some(value) =
            revision.and_then(|revision| axum::http::HeaderValue::from_str(revision).ok())
        {
            self.headers_mut().insert(super::http::REVISION, value);
        }
        self
    }
}

use axum::response::IntoResponse as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc_3339_utc() {
        let at = |seconds| SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
        assert_eq!(timestamp(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(at(1_796_530_245)), "2026-12-06T04:10:45Z");
        assert_eq!(timestamp(at(4_102_444_799)), "2099-12-31T23:59:59Z");
    }
}
