//! Builds the WebAssembly components the host loads: the guest (`writ.wasm`,
//! crate `writ-guest`) and the plugin examples (`host/plugins/*`), for
//! `wasm32-unknown-unknown` with the `guest` profile, each made a component
//! by `wit-component` (it reads the component type `wit-bindgen` embedded).
//! They import nothing but what their world says: no WASI.
//!
//! A nested cargo with its own target directory (`target/guest`), so that it
//! never waits for the lock of the build that runs this script; it shares
//! the outer build's jobserver, so the two together stay within `-j`.
//! `WRIT_GUEST_WASM`, `WRIT_PLUGIN_APPROVE_INVOICE_WASM` and
//! `WRIT_PLUGIN_HOSTILE_WASM` name the components for `include_bytes!` and
//! the tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// (crate, its library's file name, the variable naming its component).
const COMPONENTS: [(&str, &str, &str); 3] = [
    ("writ-guest", "writ_guest", "WRIT_GUEST_WASM"),
    (
        "writ-plugin-approve-invoice",
        "writ_plugin_approve_invoice",
        "WRIT_PLUGIN_APPROVE_INVOICE_WASM",
    ),
    (
        "writ-plugin-hostile",
        "writ_plugin_hostile",
        "WRIT_PLUGIN_HOSTILE_WASM",
    ),
];

fn main() {
    if let Err(error) = build() {
        // A build script's panic is how cargo reports its failure.
        #[expect(clippy::panic, reason = "a build script fails by panicking")]
        {
            panic!("{error}");
        }
    }
}

fn build() -> Result<(), String> {
    let manifest = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
    let root = manifest.parent().ok_or("host/ has a parent")?.to_path_buf();
    let out = PathBuf::from(env("OUT_DIR")?);
    for watched in [
        "core/src",
        "core/Cargo.toml",
        "host/guest",
        "host/plugins",
        "host/wit",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }

    let target_dir = root.join("target").join("guest");
    let mut cargo = Command::new(env("CARGO")?);
    cargo
        .current_dir(&root)
        .args([
            "build",
            "--quiet",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "guest",
        ])
        .arg("--target-dir")
        .arg(&target_dir);
    for (name, _, _) in COMPONENTS {
        cargo.args(["-p", name]);
    }
    // Flags meant for the outer build (a sanitizer, coverage) are not the
    // guest's; nor is the outer target directory.
    // SIMD for the guest: wasmtime compiles it, so no browser needs to support it.
    cargo.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        "-C target-feature=+simd128",
    );
    for variable in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
    ] {
        cargo.env_remove(variable);
    }
    let status = cargo
        .status()
        .map_err(|error| format!("cannot run cargo for the guest: {error}"))?;
    if !status.success() {
        return Err(
            "building the wasm guest and plugins failed (is the target installed? \
             `rustup target add wasm32-unknown-unknown`)"
                .into(),
        );
    }

    let built = target_dir.join("wasm32-unknown-unknown").join("guest");
    for (_, file, variable) in COMPONENTS {
        let core = built.join(format!("{file}.wasm"));
        let component = componentize(&core)?;
        let path = out.join(format!("{file}.component.wasm"));
        std::fs::write(&path, component)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        println!("cargo:rustc-env={variable}={}", path.display());
    }
    Ok(())
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("cargo sets {name} for build scripts"))
}

/// A core module whose `wit-bindgen` custom section names its world, as a
/// component (validated).
fn componentize(core: &Path) -> Result<Vec<u8>, String> {
    let bytes =
        std::fs::read(core).map_err(|error| format!("cannot read {}: {error}", core.display()))?;
    wit_component::ComponentEncoder::default()
        .module(&bytes)
        .and_then(|encoder| encoder.validate(true).encode())
        .map_err(|error| format!("cannot make {} a component: {error:#}", core.display()))
}
