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

# What building the npm package (wasm/build.sh) needs: wasm-bindgen's CLI at the
# pinned version in .tools, node 20 or later, and wasm/node_modules (binaryen's
# wasm-opt and the test tools), installed again only when the lockfile changed.
ensure_wasm_build_tools() {
  local root=$PWD
  local wasm_bindgen_version=0.2.130 # = the wasm-bindgen pin in Cargo.toml
  if [[ "$("$root/.tools/bin/wasm-bindgen" --version 2>/dev/null)" != "wasm-bindgen $wasm_bindgen_version" ]]; then
    step "install wasm-bindgen-cli $wasm_bindgen_version into .tools (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --no-default-features \
      --root "$root/.tools" --quiet
  fi
  export PATH="$root/.tools/bin:$PATH"
  if ! command -v node >/dev/null 2>&1 || (($(node -p 'process.versions.node.split(".")[0]') < 20)); then
    echo "run-*: node 20 or later is needed on PATH" >&2
    exit 2
  fi
  local stamp=wasm/node_modules/.writ-lock
  if ! cmp -s wasm/package-lock.json "$stamp" 2>/dev/null; then
    step "npm ci (wasm/)"
    (cd wasm && npm ci --no-audit --no-fund --loglevel=error)
    cp wasm/package-lock.json "$stamp"
  fi
}
