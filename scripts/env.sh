# Shared setup for run-demo and run-tests: idempotent installs, one target dir.
# shellcheck shell=bash

# Debug info doubles target/ and is not needed to run tests.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s\n' "$*"; }

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "run-*: cargo is not on PATH; install Rust with rustup first" >&2
    exit 2
  fi
  local installed
  installed=$(rustup component list --installed 2>/dev/null || true)
  for component in rustfmt clippy; do
    if ! grep -q "^$component" <<<"$installed"; then
      rustup component add "$component"
    fi
  done
  # writ-host's build script builds the guest (writ.wasm) and the plugin
  # examples for wasm32.
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
}
