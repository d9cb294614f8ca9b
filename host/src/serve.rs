//! `writ serve`: the decision service. AuthZEN Authorization API 1.0
//! (`authzen`), writ's own JSON API (`api`), snapshot reloads from a file, a
//! URL or `PUT` (`reload`, `api`), Prometheus metrics (`metrics`), health.
//!
//! writ keeps no state but the snapshot, so scaling out is more processes
//! behind a load balancer, each pulling the same immutable snapshot. Every
//! reload validates (and verifies the signature, with trusted keys) before an
//! atomic swap; a refused snapshot is logged and counted, and the one in
//! force keeps answering. Every decision carries the revision that decided it
//! (`X-Writ-Revision`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwapOption;
use axum::Router;
use writ_core::LoadOptions;
use writ_core::signature::PublicKey;

use crate::{Decider, Host, HostError};

mod api;
mod authzen;
mod http;
mod metrics;
mod reload;
mod site;

pub use metrics::Metrics;

/// Where snapshots come from.
#[derive(Debug, Clone)]
pub enum SnapshotSource {
    /// A file (its signature beside it, `FILE.sig`, or `signature`), read
    /// again when it changes if `watch`.
    File {
        path: PathBuf,
        signature: Option<PathBuf>,
        watch: bool,
    },
    /// An HTTP(S) URL, polled with `If-None-Match` (its signature at
    /// `URL.sig`, or `signature`).
    Url {
        url: String,
        signature: Option<String>,
    },
    /// None at start: only `PUT /v1/snapshot` loads one.
    Put,
}

/// How the service runs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    pub source: SnapshotSource,
    /// `None`: decide natively; `Some`: in the guest, with this host's limits.
    pub wasm: Option<crate::HostConfig>,
    /// Keys trusted to sign snapshots; with any, every snapshot must be signed.
    pub keys: Vec<PublicKey>,
    /// Limits and the oldest sequence accepted at start.
    pub load: LoadOptions,
    /// The bearer token of `PUT /v1/snapshot`; without one that endpoint does not exist.
    pub admin_token: Option<String>,
    /// Bytes of one request body (413 past it); a `PUT /v1/snapshot` body
    /// may be as large as the `snapshotBytes` limit.
    pub body_limit: usize,
    /// Every deny carries its explanation, not only with `?explain=true`.
    pub explain_denies: bool,
    /// How often a watched file or a URL is looked at.
    pub poll: Duration,
    /// The base URL the AuthZEN metadata names (`policy_decision_point`);
    /// default `http://LISTEN`.
    pub public_url: Option<String>,
    /// A directory served at `/` (GET and HEAD; the playground page of `www/`).
    pub www: Option<PathBuf>,
}

impl ServeConfig {
    /// Defaults for a snapshot source.
    pub fn new(source: SnapshotSource) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            source,
            wasm: Some(crate::HostConfig::default()),
            keys: Vec::new(),
            load: LoadOptions::default(),
            admin_token: None,
            body_limit: 1 << 20,
            explain_denies: false,
            poll: Duration::from_secs(1),
            public_url: None,
            www: None,
        }
    }
}

/// The snapshot in force and what the service knows about it.
pub(crate) struct Loaded {
    pub(crate) decider: Decider,
    pub(crate) loaded_at: SystemTime,
    pub(crate) source: String,
}

/// A refused reload, kept for `GET /v1/snapshot`.
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) at: SystemTime,
    pub(crate) source: String,
}

/// What every handler shares.
pub(crate) struct App {
    pub(crate) config: ServeConfig,
    pub(crate) host: Option<Host>,
    pub(crate) current: ArcSwapOption<Loaded>,
    pub(crate) last_refusal: Mutex<Option<Refusal>>,
    pub(crate) metrics: Metrics,
    /// Serialises reloads (readers never wait for it).
    pub(crate) reloading: Mutex<()>,
}

impl App {
    /// The snapshot in force, or `serve.not_ready` (503).
    pub(crate) fn loaded(&self) -> Result<Arc<Loaded>, http::Failure> {
        self.current.load_full().ok_or_else(|| {
            http::Failure::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "serve.not_ready",
                "no snapshot is loaded yet",
            )
        })
    }

    /// Loads, verifies and validates `bytes`, then swaps it in (never an
    /// older sequence). A refusal is logged, counted and remembered; the
    /// snapshot in force stays.
    pub(crate) fn reload(
        &self,
        bytes: &[u8],
        signature: Option<&[u8]>,
        source: &str,
    ) -> Result<Arc<Loaded>, HostError> {
        let _one_at_a_time = self
            .reloading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let result = self.load_and_swap(bytes, signature, source);
        match &result {
            Ok(loaded) => {
                self.metrics.reloaded("ok");
                self.metrics.snapshot(&loaded.decider);
                tracing::info!(
                    source,
                    revision = loaded.decider.revision().unwrap_or(""),
                    sequence = loaded.decider.sequence(),
                    engine = loaded.decider.engine(),
                    "snapshot loaded"
                );
            }
            Err(error) => {
                self.metrics.reloaded("refused");
                tracing::warn!(
                    source,
                    code = error.code(),
                    "snapshot refused: {}",
                    error.message()
                );
                *self
                    .last_refusal
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Refusal {
                    code: error.code().to_owned(),
                    message: error.message().to_owned(),
                    at: SystemTime::now(),
                    source: source.to_owned(),
                });
            }
        }
        result
    }

    fn load_and_swap(
        &self,
        bytes: &[u8],
        signature: Option<&[u8]>,
        source: &str,
    ) -> Result<Arc<Loaded>, HostError> {
        let decider = Decider::load(
            self.host.as_ref(),
            bytes,
            signature,
            &self.config.keys,
            &self.config.load,
        )?;
        if let Some(current) = self.current.load_full() {
            let now = current.decider.sequence();
            match (now, decider.sequence()) {
                (Some(now), Some(next)) if next < now => {
                    return Err(HostError::new(
                        "snapshot.rollback",
                        format!(
                            "sequence {next} is older than {now}, the one in force (a rollback)"
                        ),
                    ));
                }
                (Some(now), None) => {
                    return Err(HostError::new(
                        "snapshot.rollback",
                        format!("the snapshot has no sequence, and the one in force has {now}"),
                    ));
                }
                _ => {}
            }
        }
        let loaded = Arc::new(Loaded {
            decider,
            loaded_at: SystemTime::now(),
            source: source.to_owned(),
        });
        self.current.store(Some(Arc::clone(&loaded)));
        Ok(loaded)
    }
}

/// Runs the service until `shutdown` resolves (or SIGTERM / Ctrl-C):
/// in-flight requests finish first.
///
/// # Errors
/// The listen address cannot be bound, the wasm host cannot start, or the
/// first snapshot (a file) is refused.
pub async fn run(
    config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HostError> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|error| {
            HostError::new(
                "serve.listen",
                format!("cannot listen on {}: {error}", config.listen),
            )
        })?;
    serve_on(listener, config, shutdown).await
}

/// [`run`] on a listener already bound (tests bind port 0).
///
/// # Errors
/// As [`run`].
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HostError> {
    let address = listener
        .local_addr()
        .map_err(|error| HostError::new("serve.listen", error.to_string()))?;
    let host = match &config.wasm {
        Some(host_config) => {
            let host_config = host_config.clone();
            Some(
                tokio::task::spawn_blocking(move || Host::new(host_config))
                    .await
                    .map_err(|error| HostError::new("serve.start", error.to_string()))??,
            )
        }
        None => None,
    };
    let app = Arc::new(App {
        config,
        host,
        current: ArcSwapOption::empty(),
        last_refusal: Mutex::new(None),
        metrics: Metrics::new(),
        reloading: Mutex::new(()),
    });
    // A file is loaded before serving: a service that cannot load its
    // snapshot should not start. A URL is fetched in the background (the
    // service is not ready until it answers).
    let mut first = None;
    if let SnapshotSource::File {
        path, signature, ..
    } = &app.config.source
    {
        let (path, signature) = (path.clone(), signature.clone());
        let loading = Arc::clone(&app);
        let (version, loaded) = tokio::task::spawn_blocking(move || {
            reload::load_file(&loading, &path, signature.as_deref())
        })
        .await
        .map_err(|error| HostError::new("serve.start", error.to_string()))?;
        loaded?;
        // The watcher starts from the version loaded, not from what the
        // file holds when its thread first looks (it may be newer).
        first = Some(version);
    }
    let stop = Arc::new(tokio::sync::Notify::new());
    reload::spawn(&app, Arc::clone(&stop), first);
    let router = router(Arc::clone(&app), address);
    tracing::info!(
        %address,
        engine = if app.host.is_some() { "wasm" } else { "native" },
        "writ serve: listening"
    );
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            tokio::select! {
                () = shutdown => {}
                () = signal() => {}
            }
        })
        .await;
    stop.notify_waiters();
    tracing::info!(summary = %app.metrics.summary(), "writ serve: stopped");
    served.map_err(|error| HostError::new("serve.io", error.to_string()))
}

/// SIGTERM or Ctrl-C.
async fn signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(terminate) => terminate,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

fn router(app: Arc<App>, address: SocketAddr) -> Router {
    let public = app
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"));
    let body_limit = app.config.body_limit;
    Router::new()
        .merge(authzen::routes(public))
        .merge(api::routes(
            app.config.admin_token.is_some(),
            app.config.load.limits.snapshot_bytes,
        ))
        .merge(metrics::routes())
        .route("/healthz", axum::routing::get(|| async { "ok\n" }))
        .route("/readyz", axum::routing::get(http::ready))
        .fallback(site::serve)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            http::observe,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .with_state(app)
}
