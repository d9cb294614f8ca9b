//! One `wasmtime::Engine` per [`Host`], the guest compiled once (and cached on
//! disk as a precompiled artifact), an `InstancePre` for cheap instances, a
//! `Store` per instance with its limits, and the classification of what went
//! wrong in one.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, ResourceLimiter, Store, StoreLimits, StoreLimitsBuilder, Trap};

use crate::error::HostError;
use crate::writ_world::{Writ, WritPre};

/// `writ.wasm`: the guest component this host was built with.
pub const GUEST_WASM: &[u8] = include_bytes!(env!("WRIT_GUEST_WASM"));

/// How the host runs guests. Every limit has a default a server can live with.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Linear memory one guest instance may grow to (`host.memory_limit`).
    pub memory_bytes: usize,
    /// Time one call may take (`host.timeout`).
    pub call_timeout: Duration,
    /// Time loading one snapshot may take (`host.timeout`).
    pub load_timeout: Duration,
    /// Instances of one snapshot that may answer at the same time (each holds
    /// the snapshot: memory grows with it).
    pub instances: usize,
    /// Where the precompiled guest is kept; `None`: compile at every start.
    pub cache_dir: Option<PathBuf>,
    /// The component to run instead of [`GUEST_WASM`] (tests, other builds).
    pub guest: Option<Vec<u8>>,
}

impl Default for HostConfig {
    fn default() -> Self {
        Self {
            memory_bytes: 2 << 30,
            call_timeout: Duration::from_secs(10),
            load_timeout: Duration::from_secs(300),
            instances: std::thread::available_parallelism().map_or(2, usize::from),
            cache_dir: default_cache_dir(),
            guest: None,
        }
    }
}

/// `$WRIT_CACHE_DIR`, else `$XDG_CACHE_HOME/writ`, else `~/.cache/writ`.
fn default_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("WRIT_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("writ"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache").join("writ"))
}

/// A length of time as epoch ticks.
const TICK: Duration = Duration::from_millis(5);

fn ticks(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis() / TICK.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// The wasmtime engine, the guest ready to instantiate, and the limits.
#[derive(Clone)]
pub struct Host {
    pub(crate) inner: Arc<HostInner>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("config", &self.inner.config)
            .field("cache", &self.inner.cache)
            .finish_non_exhaustive()
    }
}

pub(crate) struct HostInner {
    pub(crate) engine: Engine,
    pub(crate) pre: WritPre<StoreState>,
    pub(crate) config: HostConfig,
    /// Where the precompiled guest came from.
    pub(crate) cache: CacheOutcome,
}

/// What happened to the precompiled artifact when the host started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// No cache directory: compiled in memory.
    Disabled,
    /// The cached artifact was used.
    Hit,
    /// There was none: compiled and stored.
    Compiled,
    /// There was one, but stale, foreign or corrupted: compiled again and replaced.
    Replaced,
}

/// What every guest store holds: its limits, and whether memory was refused.
pub(crate) struct StoreState {
    pub(crate) limiter: Limiter,
}

/// `StoreLimits`, remembering whether it refused memory: a Rust guest that
/// cannot allocate aborts (`unreachable`), which must be told apart from a bug.
pub(crate) struct Limiter {
    limits: StoreLimits,
    pub(crate) refused_memory: bool,
}

impl Limiter {
    pub(crate) fn new(limits: StoreLimits) -> Self {
        Self {
            limits,
            refused_memory: false,
        }
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, maximum)?;
        if !allowed {
            self.refused_memory = true;
        }
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

/// The engine configuration, the same for compiling and for loading a
/// precompiled guest (wasmtime refuses an artifact built otherwise).
fn engine_config() -> Config {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.wasm_component_model(true);
    config
}

impl Host {
    /// Starts the engine and gets the guest ready: compiled, or loaded from
    /// the cache.
    ///
    /// # Errors
    /// `host.compile`: the engine could not be made, or the guest compiled.
    pub fn new(config: HostConfig) -> Result<Self, HostError> {
        let engine = Engine::new(&engine_config()).map_err(|error| {
            HostError::new("host.compile", format!("cannot start wasmtime: {error}"))
        })?;
        let wasm = config.guest.as_deref().unwrap_or(GUEST_WASM);
        let (component, cache) = compiled(&engine, wasm, config.cache_dir.as_deref())?;
        let linker: Linker<StoreState> = Linker::new(&engine);
        let pre = linker
            .instantiate_pre(&component)
            .and_then(WritPre::new)
            .map_err(|error| {
                HostError::new(
                    "host.compile",
                    format!("the guest does not fit world `writ`: {error}"),
                )
            })?;
        let inner = Arc::new(HostInner {
            engine,
            pre,
            config,
            cache,
        });
        spawn_ticker(Arc::downgrade(&inner));
        Ok(Self { inner })
    }

    /// Creates one guest instance from the prepared `InstancePre` and drops
    /// it: what instantiation costs, for benchmarks.
    ///
    /// # Errors
    /// The host's.
    pub fn instantiate_once(&self) -> Result<(), HostError> {
        let mut store = self.inner.store();
        self.inner.instantiate(&mut store).map(drop)
    }

    /// How the precompiled guest was found when this host started.
    pub fn cache_outcome(&self) -> CacheOutcome {
        self.inner.cache
    }

    /// The configuration in force.
    pub fn config(&self) -> &HostConfig {
        &self.inner.config
    }
}

/// Advances the engine's epoch every [`TICK`] while the host lives, so that
/// a store's deadline is a time.
fn spawn_ticker(host: Weak<HostInner>) {
    let spawned = std::thread::Builder::new()
        .name("writ-epoch".into())
        .spawn(move || {
            while let Some(host) = host.upgrade() {
                host.engine.increment_epoch();
                drop(host);
                std::thread::sleep(TICK);
            }
        });
    // Without the ticker no deadline passes: calls still finish, only the
    // time limit is gone. Not worth failing the host for.
    drop(spawned);
}

impl HostInner {
    /// A new store with the instance limits, ready for a call of `timeout`.
    pub(crate) fn store(&self) -> Store<StoreState> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.config.memory_bytes)
            .instances(32)
            .build();
        let mut store = Store::new(
            &self.engine,
            StoreState {
                limiter: Limiter::new(limits),
            },
        );
        store.limiter(|state| &mut state.limiter);
        store.set_epoch_deadline(ticks(self.config.load_timeout));
        store
    }

    /// A fresh instance of the guest in `store`.
    pub(crate) fn instantiate(&self, store: &mut Store<StoreState>) -> Result<Writ, HostError> {
        self.pre
            .instantiate(&mut *store)
            .map_err(|error| classify(&error, store.data().limiter.refused_memory))
    }

    pub(crate) fn call_deadline(&self) -> u64 {
        ticks(self.config.call_timeout)
    }

    pub(crate) fn load_deadline(&self) -> u64 {
        ticks(self.config.load_timeout)
    }
}

/// A failed call into a guest, as a coded error.
pub(crate) fn classify(error: &wasmtime::Error, refused_memory: bool) -> HostError {
    let trap = error.downcast_ref::<Trap>().copied();
    let (code, what) = match trap {
        Some(Trap::OutOfFuel) => ("host.out_of_fuel", "ran out of fuel"),
        Some(Trap::Interrupt) => ("host.timeout", "ran past its deadline"),
        _ if refused_memory => ("host.memory_limit", "reached its memory limit"),
        Some(Trap::StackOverflow) => ("host.guest_trap", "overflowed its stack"),
        Some(_) => ("host.guest_trap", "trapped"),
        None => ("host.guest_trap", "failed"),
    };
    HostError::new(code, format!("the guest {what}: {error}"))
}

/// The guest compiled, from the cache when a valid artifact is there.
fn compiled(
    engine: &Engine,
    wasm: &[u8],
    cache_dir: Option<&Path>,
) -> Result<(Component, CacheOutcome), HostError> {
    let compile_error = |error: wasmtime::Error| {
        HostError::new("host.compile", format!("cannot compile the guest: {error}"))
    };
    let Some(dir) = cache_dir else {
        return Component::new(engine, wasm)
            .map(|component| (component, CacheOutcome::Disabled))
            .map_err(compile_error);
    };
    let path = dir.join(cache_name(engine, wasm));
    let mut outcome = CacheOutcome::Compiled;
    if let Ok(bytes) = std::fs::read(&path) {
        match artifact(&bytes).and_then(|cwasm| deserialize(engine, cwasm)) {
            Some(component) => return Ok((component, CacheOutcome::Hit)),
            None => outcome = CacheOutcome::Replaced,
        }
    }
    let cwasm = engine.precompile_component(wasm).map_err(compile_error)?;
    // A cache that cannot be written is no reason not to run.
    let _ = store_artifact(dir, &path, &cwasm);
    let component = deserialize(engine, &cwasm)
        .ok_or_else(|| HostError::new("host.compile", "the guest just compiled does not load"))?;
    Ok((component, outcome))
}

/// The cache file's name: the guest's hash and the engine's compatibility
/// hash (wasmtime's version, the target, the compiler settings), so that
/// another guest or another wasmtime never picks this one up.
fn cache_name(engine: &Engine, wasm: &[u8]) -> String {
    let mut compatibility = Sha256Hasher(Sha256::new());
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut compatibility);
    let guest = hex(&Sha256::digest(wasm));
    let engine = hex(&compatibility.0.finalize());
    let short = |hash: &str| hash.get(..16).unwrap_or(hash).to_owned();
    format!("writ-guest-{}-{}.cwasm", short(&guest), short(&engine))
}

/// A stable `Hasher` (the standard library's is not stable across releases).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A cache file: this magic line, the SHA-256 of the artifact, the artifact.
const MAGIC: &[u8] = b"writ precompiled guest v1\n";

/// The artifact inside a cache file, when the file is whole (its digest
/// matches): a truncated or altered file is compiled again, never handed to
/// wasmtime.
fn artifact(file: &[u8]) -> Option<&[u8]> {
    let rest = file.strip_prefix(MAGIC)?;
    let (digest, cwasm) = rest.split_at_checked(32)?;
    (Sha256::digest(cwasm).as_slice() == digest).then_some(cwasm)
}

fn store_artifact(dir: &Path, path: &Path, cwasm: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut file = MAGIC.to_vec();
    file.extend_from_slice(&Sha256::digest(cwasm));
    file.extend_from_slice(cwasm);
    // Written whole, then renamed: a reader never sees half a file.
    let partial = path.with_extension(format!("{}.partial", std::process::id()));
    std::fs::write(&partial, file)?;
    std::fs::rename(&partial, path)
}

/// Loads a precompiled guest.
#[allow(unsafe_code)]
fn deserialize(engine: &Engine, cwasm: &[u8]) -> Option<Component> {
    // SAFETY: `Component::deserialize` trusts its bytes to be wasmtime's own
    // output. These are: either `precompile_component` made them just now,
    // or they come from a cache file this host wrote, whose digest `artifact`
    // has checked (so it is not truncated or altered), named by this engine's
    // compatibility hash; wasmtime itself refuses another version's or
    // configuration's artifact with an error, which recompiles.
    unsafe { Component::deserialize(engine, cwasm) }.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_file_is_used_only_when_whole() {
        let cwasm = b"pretend artifact";
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(&Sha256::digest(cwasm));
        file.extend_from_slice(cwasm);
        assert_eq!(artifact(&file), Some(&cwasm[..]));
        let mut altered = file.clone();
        if let Some(last) = altered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(artifact(&altered), None);
        assert_eq!(artifact(&file[..file.len() - 1]), None);
        assert_eq!(artifact(b"not a cache file"), None);
    }
}
