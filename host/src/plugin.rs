//! Plugins that embed checks: third-party components of world `plugin`
//! (`host/wit/writ.wit`) that import questions about their caller. The host
//! binds the caller's principal for each run, so a plugin asks about the
//! caller and no one else — unless the host grants it `ask_about_others`.
//! Every run has its own store: its own fuel (`host.out_of_fuel`), memory
//! (`host.memory_limit`), deadline (`host.timeout`) and a bound on the
//! questions it may ask (`host.question_limit`). A plugin that traps is
//! `host.guest_trap`. The host survives each and runs the next.
//!
//! ```no_run
//! use std::sync::Arc;
//! use writ_host::plugin::{Caller, PluginConfig, PluginHost};
//! use writ_host::{Decider, Live};
//!
//! let org = writ_core::Authorizer::from_json(&std::fs::read_to_string("org.json")?)?;
//! let plugins = PluginHost::new(PluginConfig::default(), Arc::new(Live::new(Decider::Native(org))))?;
//! let approve = plugins.load(&std::fs::read("approve_invoice.component.wasm")?)?;
//! let answer = plugins.run(&approve, &Caller::user("kermit"), "INV-7")?;  // Ok(output) or Err(why)
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;
use std::time::Duration;

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine, Store, StoreLimitsBuilder};
use writ_core::wire::{PrincipalDoc, RequestDoc};

use crate::decide::Decider;
use crate::engine::{Limiter, classify};
use crate::error::HostError;
use crate::live::Live;
use crate::plugin_world::writ::authz::caller;
use crate::plugin_world::writ::authz::types::Error as WitError;
use crate::plugin_world::{Plugin as PluginBindings, PluginPre};

/// The limits of one plugin run.
#[derive(Debug, Clone)]
pub struct PluginConfig {
    /// Fuel (about one unit a wasm instruction) for one run.
    pub fuel: u64,
    /// Linear memory one run may grow to.
    pub memory_bytes: usize,
    /// Questions one run may ask its host.
    pub questions: u32,
    /// Time one run may take.
    pub timeout: Duration,
}

impl Default for PluginConfig {
    fn default() -> Self {
        Self {
            fuel: 1_000_000_000,
            memory_bytes: 64 << 20,
            questions: 10_000,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Who a run is for, and what the plugin may do beyond asking about them.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The principal: who the plugin's questions are about.
    pub principal: PrincipalDoc,
    /// Whether the plugin may name another principal in `caller.check`.
    pub ask_about_others: bool,
}

impl Caller {
    /// A user, with no other capability.
    pub fn user(id: &str) -> Self {
        Self {
            principal: PrincipalDoc {
                user: Some(id.to_owned()),
                ..PrincipalDoc::default()
            },
            ask_about_others: false,
        }
    }
}

/// A compiled plugin, ready to run.
#[derive(Clone)]
pub struct Plugin {
    pre: PluginPre<RunState>,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin").finish_non_exhaustive()
    }
}

/// Runs plugins against the snapshot in force.
pub struct PluginHost {
    engine: Engine,
    linker: Linker<RunState>,
    config: PluginConfig,
    decisions: Arc<Live<Decider>>,
}

impl std::fmt::Debug for PluginHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginHost")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// One run's state: its limits, its caller, what it asked.
pub struct RunState {
    limiter: Limiter,
    caller: Caller,
    decider: Arc<Decider>,
    asked: u32,
    questions: u32,
    /// Set when the run went past its questions (its trap is that).
    over_questions: bool,
}

impl PluginHost {
    /// A host for plugins: its own engine (fuel, epochs), the `caller`
    /// interface linked to `decisions`.
    ///
    /// # Errors
    /// `host.compile`: the engine could not be made.
    pub fn new(config: PluginConfig, decisions: Arc<Live<Decider>>) -> Result<Self, HostError> {
        let mut engine_config = Config::new();
        engine_config.consume_fuel(true);
        engine_config.epoch_interruption(true);
        engine_config.wasm_component_model(true);
        let engine = Engine::new(&engine_config).map_err(|error| {
            HostError::new("host.compile", format!("cannot start wasmtime: {error}"))
        })?;
        let mut linker = Linker::new(&engine);
        PluginBindings::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state).map_err(
            |error| {
                HostError::new(
                    "host.compile",
                    format!("cannot link the caller interface: {error}"),
                )
            },
        )?;
        let ticker = engine.clone();
        let spawned = std::thread::Builder::new()
            .name("writ-plugin-epoch".into())
            .spawn(move || {
                loop {
                    ticker.increment_epoch();
                    std::thread::sleep(Duration::from_millis(5));
                }
            });
        drop(spawned);
        Ok(Self {
            engine,
            linker,
            config,
            decisions,
        })
    }

    /// Compiles a plugin component.
    ///
    /// # Errors
    /// `host.compile`: not a component of world `plugin`.
    pub fn load(&self, wasm: &[u8]) -> Result<Plugin, HostError> {
        let component = Component::new(&self.engine, wasm).map_err(|error| {
            HostError::new(
                "host.compile",
                format!("cannot compile the plugin: {error}"),
            )
        })?;
        let pre = self
            .linker
            .instantiate_pre(&component)
            .and_then(PluginPre::new)
            .map_err(|error| {
                HostError::new(
                    "host.compile",
                    format!("the plugin does not fit world `plugin`: {error}"),
                )
            })?;
        Ok(Plugin { pre })
    }

    /// Runs a plugin for `caller`: its output, or why it did not act.
    ///
    /// # Errors
    /// `host.out_of_fuel`, `host.memory_limit`, `host.timeout`,
    /// `host.question_limit`, `host.guest_trap`: the run was stopped; the
    /// host goes on.
    pub fn run(
        &self,
        plugin: &Plugin,
        caller: &Caller,
        input: &str,
    ) -> Result<Result<String, String>, HostError> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.config.memory_bytes)
            .instances(32)
            .build();
        let mut store = Store::new(
            &self.engine,
            RunState {
                limiter: Limiter::new(limits),
                caller: caller.clone(),
                decider: self.decisions.current(),
                asked: 0,
                questions: self.config.questions,
                over_questions: false,
            },
        );
        store.limiter(|state| &mut state.limiter);
        let fail = |store: &Store<RunState>, error: &wasmtime::Error| {
            if store.data().over_questions {
                return HostError::new(
                    "host.question_limit",
                    format!(
                        "the plugin asked more than {} questions in one run",
                        store.data().questions
                    ),
                );
            }
            classify(error, store.data().limiter.refused_memory)
        };
        store
            .set_fuel(self.config.fuel)
            .map_err(|error| HostError::new("host.compile", error.to_string()))?;
        store.set_epoch_deadline(
            u64::try_from(self.config.timeout.as_millis() / 5)
                .unwrap_or(u64::MAX)
                .max(1),
        );
        let instance = plugin
            .pre
            .instantiate(&mut store)
            .map_err(|error| fail(&store, &error))?;
        instance
            .call_run(&mut store, input)
            .map_err(|error| fail(&store, &error))
    }
}

fn wit_error(error: &HostError) -> WitError {
    WitError {
        code: error.code().to_owned(),
        path: error.path().map(str::to_owned),
        message: error.message().to_owned(),
    }
}

impl std::fmt::Debug for RunState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunState")
            .field("caller", &self.caller)
            .field("asked", &self.asked)
            .finish_non_exhaustive()
    }
}

impl RunState {
    /// Counts a question; past the bound the run traps.
    fn ask(&mut self) -> wasmtime::Result<()> {
        self.asked = self.asked.saturating_add(1);
        if self.asked > self.questions {
            self.over_questions = true;
            return Err(wasmtime::Error::msg("too many questions"));
        }
        Ok(())
    }

    /// The caller's question about one resource, as a request.
    fn request(
        &self,
        permission: String,
        resource_type: String,
        resource_id: Option<String>,
    ) -> RequestDoc {
        let principal = &self.caller.principal;
        RequestDoc {
            user: principal.user.clone(),
            client: principal.client.clone(),
            claims: principal.claims.clone(),
            groups: principal.groups.clone(),
            source: principal.source.clone(),
            profile: principal.profile,
            permission: Some(permission),
            resource_type: Some(writ_core::wire::TypeRef::Name(resource_type)),
            resource_id,
            ..RequestDoc::default()
        }
    }
}

/// `RequestDoc` as JSON, for the engines' text calls.
fn request_json(request: &RequestDoc) -> Result<String, HostError> {
    serde_json::to_string(request)
        .map_err(|error| HostError::new("request.malformed", error.to_string()))
}

impl crate::plugin_world::writ::authz::types::Host for RunState {}

impl caller::Host for RunState {
    fn can(
        &mut self,
        permission: String,
        resource_type: String,
        resource_id: Option<String>,
    ) -> wasmtime::Result<Result<bool, WitError>> {
        self.ask()?;
        let request = self.request(permission, resource_type, resource_id);
        Ok(self
            .decider
            .check(&request)
            .map_err(|error| wit_error(&error)))
    }

    fn explain(
        &mut self,
        permission: String,
        resource_type: String,
        resource_id: Option<String>,
    ) -> wasmtime::Result<Result<String, WitError>> {
        self.ask()?;
        let request = self.request(permission, resource_type, resource_id);
        Ok(request_json(&request)
            .and_then(|text| self.decider.explain(&text))
            .map_err(|error| wit_error(&error)))
    }

    fn check(&mut self, request: String) -> wasmtime::Result<Result<bool, WitError>> {
        self.ask()?;
        let decided = writ_core::wire::decode::<RequestDoc>(&request)
            .map_err(HostError::from)
            .and_then(|mut request| {
                let names_principal = request.user.is_some()
                    || request.client.is_some()
                    || request.groups.is_some()
                    || request.claims.is_some();
                if names_principal && !self.caller.ask_about_others {
                    return Err(HostError::new(
                        "plugin.capability",
                        "a plugin asks about its caller only: naming a principal needs the `ask-about-others` capability",
                    ));
                }
                if !names_principal {
                    let principal = &self.caller.principal;
                    request.user.clone_from(&principal.user);
                    request.client.clone_from(&principal.client);
                    request.groups.clone_from(&principal.groups);
                    request.claims.clone_from(&principal.claims);
                    if request.source.is_none() {
                        request.source.clone_from(&principal.source);
                    }
                    if request.profile.is_none() {
                        request.profile = principal.profile;
                    }
                }
                self.decider.check(&request)
            });
        Ok(decided.map_err(|error| wit_error(&error)))
    }
}
