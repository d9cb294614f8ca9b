#!/usr/bin/env bash
# The native peer benchmark (a measurement, not a test): writ's core beside
# cedar-policy on the organisation wasm/bench/peers.mjs asks CASL about.
#   scripts/bench-cedar.sh [--users 1000] [--roles 20] [--rounds 3]
# core/peers is its own cargo workspace, outside the repository's, so that
# ./run-tests never compiles Cedar; it builds here, once, into target/peers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_rust
CARGO_TARGET_DIR="$PWD/target/peers" cargo run --release --quiet \
  --manifest-path core/peers/Cargo.toml -- "$@"
