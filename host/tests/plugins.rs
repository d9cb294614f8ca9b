//! Plugins that embed checks: the example plugin asks about its caller before
//! it acts; hostile plugins (an endless loop, a memory bomb, a million
//! questions, a trap, a question about someone else) are stopped with a coded
//! error, and the host answers the next run.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should stop loudly"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use writ_host::plugin::{Caller, PluginConfig, PluginHost};
use writ_host::{Decider, Host, HostConfig, Live};

const ORG: &str = include_str!("../demo/org.json");
const APPROVE: &[u8] = include_bytes!(env!("WRIT_PLUGIN_APPROVE_INVOICE_WASM"));
const HOSTILE: &[u8] = include_bytes!(env!("WRIT_PLUGIN_HOSTILE_WASM"));

fn native() -> Arc<Live<Decider>> {
    let org = writ_core::Authorizer::from_json(ORG).expect("the demo loads");
    Arc::new(Live::new(Decider::Native(org)))
}

fn plugins(config: PluginConfig) -> PluginHost {
    PluginHost::new(config, native()).expect("the plugin host starts")
}

#[test]
fn the_example_plugin_acts_only_when_its_caller_may() {
    let host = plugins(PluginConfig::default());
    let approve = host.load(APPROVE).expect("the example plugin compiles");
    // In the demo, piggy may update the invoice process; kermit may not.
    let piggy = host
        .run(&approve, &Caller::user("piggy"), "INV-7")
        .expect("runs");
    assert_eq!(piggy, Ok("invoice INV-7 approved".into()));
    let kermit = host
        .run(&approve, &Caller::user("kermit"), "INV-7")
        .expect("runs");
    let why = kermit.expect_err("kermit may not approve");
    assert!(why.starts_with("not approved: {\"allowed\":false"), "{why}");
    assert!(
        why.contains("\"rule\":\"no_match\""),
        "the host's explanation: {why}"
    );
    // The same plugin over the guest in wasmtime answers the same.
    let guest = Host::new(HostConfig::default()).expect("host");
    let wasm = guest
        .load(ORG.as_bytes(), &writ_core::LoadOptions::default())
        .expect("loads");
    let over_wasm = PluginHost::new(
        PluginConfig::default(),
        Arc::new(Live::new(Decider::Wasm(wasm))),
    )
    .expect("host");
    let approve = over_wasm.load(APPROVE).expect("compiles");
    assert_eq!(
        over_wasm
            .run(&approve, &Caller::user("piggy"), "INV-7")
            .expect("runs"),
        Ok("invoice INV-7 approved".into())
    );
    assert_eq!(
        over_wasm
            .run(&approve, &Caller::user("kermit"), "INV-7")
            .expect("runs"),
        Err(why)
    );
}

#[test]
fn a_plugin_asks_about_its_caller_and_no_one_else_unless_granted() {
    let host = plugins(PluginConfig::default());
    let hostile = host.load(HOSTILE).expect("compiles");
    let asked = host
        .run(&hostile, &Caller::user("kermit"), "ask-other")
        .expect("runs");
    assert_eq!(asked, Err("plugin.capability".into()));
    let granted = Caller {
        ask_about_others: true,
        ..Caller::user("kermit")
    };
    let asked = host.run(&hostile, &granted, "ask-other").expect("runs");
    assert!(asked.is_ok_and(|answer| answer.starts_with("piggy may delete payroll: ")));
    // Its plain question is about the caller.
    assert_eq!(
        host.run(&hostile, &Caller::user("kermit"), "behave")
            .expect("runs"),
        Ok("caller may read invoice: true".into())
    );
    assert_eq!(
        host.run(&hostile, &Caller::user("gonzo"), "behave")
            .expect("runs"),
        Ok("caller may read invoice: false".into())
    );
}

#[test]
fn hostile_plugins_are_stopped_with_a_code_and_the_host_goes_on() {
    let host = plugins(PluginConfig {
        fuel: 200_000_000,
        memory_bytes: 32 << 20,
        questions: 1_000,
        timeout: Duration::from_secs(20),
    });
    let hostile = host.load(HOSTILE).expect("compiles");
    let caller = Caller::user("kermit");
    for (input, code) in [
        ("loop", "host.out_of_fuel"),
        ("bomb", "host.memory_limit"),
        ("flood", "host.question_limit"),
        ("trap", "host.guest_trap"),
    ] {
        let started = Instant::now();
        let stopped = host.run(&hostile, &caller, input);
        assert_eq!(
            stopped.as_ref().map_err(|error| error.code()),
            Err(code),
            "{input}: {stopped:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{input} was stopped"
        );
        // The host answers the next run.
        assert_eq!(
            host.run(&hostile, &caller, "behave").expect("runs"),
            Ok("caller may read invoice: true".into())
        );
    }
    // Time is bounded too, whatever the fuel.
    let timed = plugins(PluginConfig {
        fuel: u64::MAX,
        timeout: Duration::from_millis(200),
        ..PluginConfig::default()
    });
    let hostile = timed.load(HOSTILE).expect("compiles");
    assert_eq!(
        timed
            .run(&hostile, &caller, "loop")
            .map_err(|error| error.code().to_owned()),
        Err("host.timeout".into())
    );
}

#[test]
fn something_that_is_not_a_plugin_is_refused_at_load() {
    let host = plugins(PluginConfig::default());
    assert_eq!(
        host.load(b"not wasm")
            .map(|_| ())
            .map_err(|e| e.code().to_owned()),
        Err("host.compile".into())
    );
    // The writ guest is a component, but of another world.
    assert_eq!(
        host.load(writ_host::GUEST_WASM)
            .map(|_| ())
            .map_err(|e| e.code().to_owned()),
        Err("host.compile".into())
    );
}
