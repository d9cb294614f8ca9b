//! A hostile plugin, for the host's tests: its input says how it misbehaves.
//! The host must survive each, answer its next call, and report a coded
//! error.
// The code wit-bindgen generates for the component ABI is unsafe by nature.
#![allow(unsafe_code)]
#![allow(
    clippy::panic,
    reason = "a plugin that traps is what this fixture is for"
)]

mod bindings {
    wit_bindgen::generate!({ world: "plugin", path: "../../wit" });
}

use bindings::writ::authz::caller;

struct Plugin;

bindings::export!(Plugin with_types_in bindings);

impl bindings::Guest for Plugin {
    fn run(input: String) -> Result<String, String> {
        match input.as_str() {
            // Never returns: stopped by fuel.
            "loop" => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            // Allocates until refused: stopped by the memory limit.
            "bomb" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(std::hint::black_box(vec![1u8; 1 << 20]));
                }
            }
            // Asks the host a million questions: bounded by the host.
            "flood" => {
                let mut allowed = 0u32;
                for _ in 0..1_000_000 {
                    match caller::can("READ", "PROCESS_DEFINITION", Some("invoice")) {
                        Ok(true) => allowed += 1,
                        Ok(false) => {}
                        Err(error) => return Err(format!("{}: {}", error.code, error.message)),
                    }
                }
                Ok(format!("asked a million times, {allowed} allowed"))
            }
            // A trap (a panic aborts).
            "trap" => panic!("this plugin traps"),
            // Asks about someone other than its caller.
            "ask-other" => caller::check(
                r#"{"user":"piggy","permission":"DELETE","resourceType":"PROCESS_DEFINITION","resourceId":"payroll"}"#,
            )
            .map(|allowed| format!("piggy may delete payroll: {allowed}"))
            .map_err(|error| error.code),
            // Behaves.
            _ => caller::can("READ", "PROCESS_DEFINITION", Some("invoice"))
                .map(|allowed| format!("caller may read invoice: {allowed}"))
                .map_err(|error| error.code),
        }
    }
}
