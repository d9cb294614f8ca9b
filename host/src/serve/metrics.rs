//! `GET /metrics` in the Prometheus text format: decisions by endpoint and
//! outcome, request latency, reloads by result, the snapshot in force, guest
//! traps.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::App;
use crate::Decider;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabels {
    endpoint: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    endpoint: &'static str,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SnapshotLabels {
    revision: String,
    engine: &'static str,
}

/// The service's metrics.
pub struct Metrics {
    registry: Registry,
    decisions: Family<DecisionLabels, Counter>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<EndpointLabels, Histogram, fn() -> Histogram>,
    reloads: Family<ResultLabels, Counter>,
    sequence: Gauge,
    snapshot: Family<SnapshotLabels, Gauge>,
    traps: Counter,
    served: AtomicU64,
    allowed: AtomicU64,
    denied: AtomicU64,
    failed: AtomicU64,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

fn latency_histogram() -> Histogram {
    // 10 µs to about 5 s.
    Histogram::new(exponential_buckets(0.000_01, 2.0, 20))
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("writ");
        let decisions = Family::<DecisionLabels, Counter>::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: Family<EndpointLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        let reloads = Family::<ResultLabels, Counter>::default();
        let sequence = Gauge::default();
        let snapshot = Family::<SnapshotLabels, Gauge>::default();
        let traps = Counter::default();
        registry.register(
            "decisions",
            "Decisions by endpoint and outcome (allow, deny, error)",
            decisions.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests by endpoint and status",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time to answer a request, by endpoint",
            latency.clone(),
        );
        registry.register(
            "reloads",
            "Snapshot loads by result (ok, refused)",
            reloads.clone(),
        );
        registry.register(
            "snapshot_sequence",
            "The sequence of the snapshot in force (0: none)",
            sequence.clone(),
        );
        registry.register(
            "snapshot",
            "The snapshot in force (1), by revision and engine",
            snapshot.clone(),
        );
        registry.register(
            "guest_traps",
            "Calls the guest could not answer (traps, limits)",
            traps.clone(),
        );
        Self {
            registry,
            decisions,
            requests,
            latency,
            reloads,
            sequence,
            snapshot,
            traps,
            served: AtomicU64::new(0),
            allowed: AtomicU64::new(0),
            denied: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        }
    }

    /// One decision (`None`: the request could not be answered).
    pub(crate) fn decided(&self, endpoint: &'static str, allowed: Option<bool>) {
        let (outcome, counter) = match allowed {
            Some(true) => ("allow", &self.allowed),
            Some(false) => ("deny", &self.denied),
            None => ("error", &self.failed),
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.decisions
            .get_or_create(&DecisionLabels { endpoint, outcome })
            .inc();
    }

    pub(crate) fn request(&self, endpoint: &'static str, status: u16, elapsed: Duration) {
        self.served.fetch_add(1, Ordering::Relaxed);
        self.requests
            .get_or_create(&RequestLabels { endpoint, status })
            .inc();
        self.latency
            .get_or_create(&EndpointLabels { endpoint })
            .observe(elapsed.as_secs_f64());
    }

    pub(crate) fn reloaded(&self, result: &'static str) {
        self.reloads.get_or_create(&ResultLabels { result }).inc();
    }

    pub(crate) fn snapshot(&self, decider: &Decider) {
        self.sequence
            .set(i64::try_from(decider.sequence().unwrap_or(0)).unwrap_or(i64::MAX));
        self.snapshot.clear();
        self.snapshot
            .get_or_create(&SnapshotLabels {
                revision: decider.revision().unwrap_or("").to_owned(),
                engine: decider.engine(),
            })
            .set(1);
    }

    pub(crate) fn guest_trap(&self) {
        self.traps.inc();
    }

    /// One line: what was served.
    pub(crate) fn summary(&self) -> String {
        format!(
            "{} requests; decisions: {} allowed, {} denied, {} errors",
            self.served.load(Ordering::Relaxed),
            self.allowed.load(Ordering::Relaxed),
            self.denied.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
        )
    }

    fn text(&self) -> String {
        let mut text = String::new();
        // Writing into a String does not fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// A path as its endpoint's name (a bounded label set).
pub(crate) fn endpoint(path: &str) -> &'static str {
    match path {
        "/access/v1/evaluation" => "evaluation",
        "/access/v1/evaluations" => "evaluations",
        "/access/v1/search/subject" => "search_subject",
        "/access/v1/search/resource" => "search_resource",
        "/access/v1/search/action" => "search_action",
        "/.well-known/authzen-configuration" => "metadata",
        "/v1/check" => "check",
        "/v1/explain" => "explain",
        "/v1/permissions" => "permissions",
        "/v1/list" => "list",
        "/v1/claims" => "claims",
        "/v1/snapshot" => "snapshot",
        "/metrics" => "metrics",
        "/healthz" | "/readyz" => "health",
        _ => "other",
    }
}

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new().route("/metrics", axum::routing::get(render))
}

async fn render(State(app): State<Arc<App>>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.text(),
    )
        .into_response()
}
