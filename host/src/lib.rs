//! writ's wasmtime host: the core compiled to a WebAssembly component
//! (`writ.wasm`, its contract in `host/wit/writ.wit`) run in wasmtime — the
//! same evaluator the browser gets — for servers and for plugin hosts that
//! embed checks.
//!
//! ```no_run
//! use writ_host::{Host, HostConfig};
//! use writ_core::LoadOptions;
//!
//! let host = Host::new(HostConfig::default())?;                 // one Engine; the guest compiled once, cached
//! let org = host.load(&std::fs::read("org.json")?, &LoadOptions::default())?;
//! let kermit = org.principal(r#"{"user":"kermit"}"#)?;          // resolved once, in the guest
//! assert!(kermit.can("UPDATE", "PROCESS_DEFINITION", Some("invoice"))?);
//! let why = org.explain(r#"{"user":"gonzo","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#)?;
//! let live = writ_host::Live::new(org);                         // what threads ask
//! live.swap(host.load(&std::fs::read("org-v2.json")?, &LoadOptions::default())?)?; // atomic; refused if older
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - [`Host`]: one `wasmtime::Engine` per process, the guest compiled once
//!   and cached on disk as a precompiled artifact (keyed by the guest's hash
//!   and the engine's compatibility hash; a stale, foreign or corrupted
//!   artifact is compiled again), an `InstancePre` so that a new instance is
//!   cheap.
//! - [`WasmAuthorizer`]: a snapshot loaded into guest instances, each in its
//!   own `Store` with a memory limit and a deadline per call. A trap or a
//!   limit is a coded [`HostError`] (`host.guest_trap`, `host.timeout`,
//!   `host.memory_limit`); that instance is discarded and the next call gets
//!   a fresh one.
//! - [`Live`]: the snapshot in force, swapped atomically (`arc-swap`) only
//!   for one that loaded; a failed load leaves the old one answering.
//! - [`Decider`]: native or wasm, one API: what the `writ` command's
//!   `--engine` chooses.
//! - [`plugin`]: third-party plugins (world `plugin`) that import questions
//!   about their caller, with their own fuel and memory limits.

#![deny(unsafe_code)]

mod authorizer;
mod decide;
mod engine;
mod error;
mod live;
pub mod plugin;
pub mod serve;

pub use authorizer::{WasmAuthorizer, WasmPrincipal};
pub use decide::Decider;
pub use engine::{CacheOutcome, GUEST_WASM, Host, HostConfig};
pub use error::HostError;
pub use live::{Live, Sequenced};

/// The bindings of world `writ` (the guest's exports), from the WIT.
mod writ_world {
    wasmtime::component::bindgen!({
        world: "writ",
        path: "wit",
    });
}

/// The bindings of world `plugin`: a plugin's `run`, and the `caller`
/// interface the host gives it (a host failure there traps the plugin).
mod plugin_world {
    wasmtime::component::bindgen!({
        world: "plugin",
        path: "wit",
        imports: { default: trappable },
    });
}
