//! Where snapshots come from after the start: a watched file (looked at
//! every `poll`, reloaded when its content or signature changes) and
//! an HTTP(S) URL (polled with `If-None-Match`; on failure, backoff with
//! jitter up to a minute). Each runs on its own thread; every reload goes
//! through [`App::reload`] (verified, validated, never older).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::{App, SnapshotSource};
use crate::HostError;

/// Starts the watcher or poller the source needs.
/// `first` is the version of a watched file the service started with.
pub(super) fn spawn(app: &Arc<App>, stop: Arc<tokio::sync::Notify>, first: Option<FileVersion>) {
    let app = Arc::clone(app);
    let stopped = Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let stopped = Arc::clone(&stopped);
        tokio::spawn(async move {
            stop.notified().await;
            stopped.store(true, std::sync::atomic::Ordering::Relaxed);
        });
    }
    let running = move || !stopped.load(std::sync::atomic::Ordering::Relaxed);
    match app.config.source.clone() {
        SnapshotSource::File {
            path,
            signature,
            watch: true,
        } => {
            let spawned = std::thread::Builder::new()
                .name("writ-watch".into())
                .spawn(move || {
                    watch(&app, &path, signature.as_deref(), first, running);
                });
            drop(spawned);
        }
        SnapshotSource::Url { url, signature } => {
            let spawned = std::thread::Builder::new()
                .name("writ-poll".into())
                .spawn(move || poll(&app, &url, signature.as_deref(), running));
            drop(spawned);
        }
        SnapshotSource::File { watch: false, .. } | SnapshotSource::Put => {}
    }
}

/// `FILE.sig` beside a snapshot file, unless another is named.
fn signature_path(path: &Path, signature: Option<&Path>) -> PathBuf {
    signature.map_or_else(
        || {
            let mut sig = path.as_os_str().to_owned();
            sig.push(".sig");
            PathBuf::from(sig)
        },
        Path::to_path_buf,
    )
}

/// Reads and loads a snapshot file (with its signature when keys are
/// trusted); the version read is returned whether or not it loaded.
pub(super) fn load_file(
    app: &App,
    path: &Path,
    signature: Option<&Path>,
) -> (FileVersion, Result<(), HostError>) {
    let signature_file = signature_path(path, signature);
    // Stamped before reading: a write during the read changes the stamp
    // again, and the next look reads the file again.
    let mut version = FileVersion {
        stamps: (stamp(path), stamp(&signature_file)),
        read_at: SystemTime::now(),
        digest: None,
    };
    let limit = app.config.load.limits.snapshot_bytes;
    let bytes = match read_bounded(path, limit) {
        Ok(bytes) => bytes,
        Err(error) => return (version, Err(error)),
    };
    let signature = if app.config.keys.is_empty() {
        None
    } else {
        std::fs::read(&signature_file).ok()
    };
    version.digest = Some(digest(&bytes, signature.as_deref()));
    let loaded = app
        .reload(&bytes, signature.as_deref(), &path.display().to_string())
        .map(drop);
    (version, loaded)
}

/// What the watcher last read of a file and its signature.
#[derive(Clone, Debug)]
pub(super) struct FileVersion {
    stamps: (Option<Stamp>, Option<Stamp>),
    read_at: SystemTime,
    digest: Option<[u8; 32]>,
}

impl FileVersion {
    /// Whether the file may have been written again after it was read
    /// within the same tick of the file system's clock, leaving its length
    /// and time as they were (git's "racy" entries): then only its content
    /// tells.
    fn racy(&self) -> bool {
        const TICK: Duration = Duration::from_secs(2);
        [self.stamps.0, self.stamps.1]
            .iter()
            .flatten()
            .any(|(_, modified)| {
                self.read_at
                    .duration_since(*modified)
                    .map_or(true, |age| age < TICK)
            })
    }
}

fn digest(bytes: &[u8], signature: Option<&[u8]>) -> [u8; 32] {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(bytes);
    if let Some(signature) = signature {
        hasher.update([1]);
        hasher.update(signature);
    }
    hasher.finalize().into()
}

fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, HostError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|error| {
        let code = if error.kind() == std::io::ErrorKind::NotFound {
            "io.not_found"
        } else {
            "io.unreadable"
        };
        HostError::new(code, format!("cannot read `{}`: {error}", path.display()))
    })?;
    let mut bytes = Vec::new();
    file.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| {
            HostError::new(
                "io.unreadable",
                format!("cannot read `{}`: {error}", path.display()),
            )
        })?;
    if bytes.len() > limit {
        return Err(HostError::new(
            "limit.snapshot_size",
            format!(
                "more than {limit} bytes of snapshot text: over the limit `snapshotBytes` of {limit}"
            ),
        ));
    }
    Ok(bytes)
}

/// A file's length and time.
type Stamp = (u64, SystemTime);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

fn watch(
    app: &App,
    path: &Path,
    signature: Option<&Path>,
    first: Option<FileVersion>,
    running: impl Fn() -> bool,
) {
    let signature_file = signature_path(path, signature);
    // Without a first version (none is passed when the start did not read
    // the file), the first look reads it.
    let mut seen = first.unwrap_or(FileVersion {
        stamps: (None, None),
        read_at: SystemTime::UNIX_EPOCH,
        digest: None,
    });
    while running() {
        std::thread::sleep(app.config.poll);
        let stamps = (stamp(path), stamp(&signature_file));
        if stamps.0.is_none() || (stamps == seen.stamps && !seen.racy()) {
            continue;
        }
        if stamps == seen.stamps {
            // Racy: read it again, and load it only if its content changed.
            let limit = app.config.load.limits.snapshot_bytes;
            let Ok(bytes) = read_bounded(path, limit) else {
                continue;
            };
            let signature = std::fs::read(&signature_file).ok();
            let now = digest(
                &bytes,
                signature.as_deref().filter(|_| !app.config.keys.is_empty()),
            );
            if seen.digest == Some(now) {
                seen.read_at = SystemTime::now();
                continue;
            }
        }
        // A refusal is logged, counted and remembered by `reload`.
        let (version, _) = load_file(app, path, signature);
        seen = version;
    }
}

/// A delay in [d/2, 3d/2): the next attempt of many services spread out.
fn jitter(delay: Duration) -> Duration {
    let mut seed = [0u8; 8];
    let _ = getrandom::fill(&mut seed);
    let fraction =
        f64::from(u32::from_le_bytes([seed[0], seed[1], seed[2], seed[3]])) / f64::from(u32::MAX);
    delay.mul_f64(0.5 + fraction)
}

fn poll(app: &App, url: &str, signature: Option<&str>, running: impl Fn() -> bool) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut etag: Option<String> = None;
    let mut failures: u32 = 0;
    while running() {
        let delay = match fetch(app, &agent, url, signature, &mut etag) {
            Ok(()) => {
                failures = 0;
                app.config.poll
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                tracing::warn!(
                    url,
                    code = error.code(),
                    attempt = failures,
                    "snapshot fetch failed: {}",
                    error.message()
                );
                let backoff = app
                    .config
                    .poll
                    .saturating_mul(1 << failures.min(6))
                    .min(Duration::from_secs(60));
                jitter(backoff)
            }
        };
        std::thread::sleep(delay);
    }
}

/// One poll: 304 is nothing new; 200 is loaded (and its ETag kept); any
/// other answer, or none, is an error (backed off).
fn fetch(
    app: &App,
    agent: &ureq::Agent,
    url: &str,
    signature: Option<&str>,
    etag: &mut Option<String>,
) -> Result<(), HostError> {
    let fetch_error = |message: String| HostError::new("serve.fetch", message);
    let mut request = agent.get(url);
    if let Some(tag) = etag.as_deref() {
        request = request.header("If-None-Match", tag);
    }
    let mut response = request
        .call()
        .map_err(|error| fetch_error(format!("GET {url}: {error}")))?;
    match response.status().as_u16() {
        304 => return Ok(()),
        200 => {}
        status => return Err(fetch_error(format!("GET {url}: HTTP {status}"))),
    }
    let tag = response
        .headers()
        .get("etag")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let limit = app.config.load.limits.snapshot_bytes;
    let bytes = response
        .body_mut()
        .with_config()
        .limit(u64::try_from(limit).unwrap_or(u64::MAX))
        .read_to_vec()
        .map_err(|error| fetch_error(format!("GET {url}: {error}")))?;
    let signed = if app.config.keys.is_empty() {
        None
    } else {
        let at = signature.map_or_else(|| format!("{url}.sig"), str::to_owned);
        let mut answer = agent
            .get(&at)
            .call()
            .map_err(|error| fetch_error(format!("GET {at}: {error}")))?;
        if answer.status().as_u16() == 200 {
            answer.body_mut().read_to_vec().ok()
        } else {
            None
        }
    };
    // This version was looked at: refused or not, it is not fetched again
    // until it changes (its refusal is in /v1/snapshot and the metrics).
    *etag = tag;
    app.reload(&bytes, signed.as_deref(), url).map(drop)
}
