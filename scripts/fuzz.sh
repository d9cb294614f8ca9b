#!/usr/bin/env bash
# Coverage-guided fuzzing with cargo fuzz (libFuzzer).
#
#   scripts/fuzz.sh TARGET SECONDS     fuzz one target for SECONDS
#   scripts/fuzz.sh TARGET --runs N    fuzz one target for N executions
#   scripts/fuzz.sh --all --runs N     every target N executions, then every
#                                      regression input (what ./run-tests does)
#
# Targets: snapshot, compiled, request, import_camunda7, import_camunda8,
# import_emporix, json, signature
# (their bodies: tests/src/fuzz.rs). The corpus starts from the repository's
# own inputs (scripts/fuzz-seeds.py) and grows in target/fuzz/corpus/TARGET.
# A crash is saved by libFuzzer under fuzz/artifacts/TARGET/; once fixed, keep
# it in fuzz/regressions/TARGET/, which every run (and the stable test suite,
# tests/run/fuzz_regressions.rs) replays. Installs, once: the nightly
# toolchain (cargo fuzz needs it; the normal build stays on stable) and
# cargo-fuzz into .tools/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_rust

targets=(snapshot compiled request import_camunda7 import_camunda8 import_emporix json signature)
usage() {
  echo "usage: scripts/fuzz.sh TARGET SECONDS | TARGET --runs N | --all --runs N" >&2
  echo "targets: ${targets[*]}" >&2
  exit 2
}
[[ $# -ge 2 ]] || usage
which=$1
shift
if [[ $1 == --runs ]]; then
  [[ $# -eq 2 && $2 =~ ^[0-9]+$ ]] || usage
  budget=(-runs="$2")
else
  [[ $# -eq 1 && $1 =~ ^[0-9]+$ ]] || usage
  budget=(-max_total_time="$1")
fi
if [[ $which == --all ]]; then
  selected=("${targets[@]}")
else
  [[ " ${targets[*]} " == *" $which "* ]] || usage
  selected=("$which")
fi

if ! rustup toolchain list | grep -q '^nightly'; then
  step "install the nightly toolchain (for cargo fuzz only)"
  rustup toolchain install nightly --profile minimal
fi
if [[ ! -x .tools/bin/cargo-fuzz ]]; then
  step "install cargo-fuzz into .tools (once)"
  cargo install cargo-fuzz --root .tools --quiet
fi
export PATH="$PWD/.tools/bin:$PATH"

corpus=target/fuzz/corpus
# `writ compile` writes the compiled target's seeds from the snapshot seeds.
cargo build -p writ-host --quiet
WRIT_BIN="${CARGO_TARGET_DIR:-target}/debug/writ" python3 scripts/fuzz-seeds.py "$corpus"
# No sanitizer: writ forbids unsafe code, so AddressSanitizer would find
# nothing of writ's and halve the executions; debug assertions (overflow
# checks included) are on, so an arithmetic overflow is a crash.
fuzz=(--fuzz-dir fuzz --target-dir target/fuzz --sanitizer none --debug-assertions)
step "build the fuzz targets (nightly, libFuzzer)"
build_log=$(mktemp)
if ! cargo +nightly fuzz build "${fuzz[@]}" >"$build_log" 2>&1; then
  cat "$build_log" >&2
  exit 1
fi
rm -f "$build_log"

status=0
for target in "${selected[@]}"; do
  step "fuzz $target (${budget[*]})"
  mkdir -p "$corpus/$target" "fuzz/artifacts/$target"
  log=$(mktemp)
  if cargo +nightly fuzz run "${fuzz[@]}" "$target" "$corpus/$target" -- \
    "${budget[@]}" -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$target/" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "$target: $runs executions, 0 crashes (corpus: $(ls "$corpus/$target" | wc -l) inputs)"
  else
    status=1
    tail -40 "$log"
    echo "$target: CRASHED; the input is in fuzz/artifacts/$target/" >&2
  fi
  rm -f "$log"
  if [[ -d fuzz/regressions/$target ]] && [[ -n $(ls -A "fuzz/regressions/$target") ]]; then
    if cargo +nightly fuzz run "${fuzz[@]}" "$target" fuzz/regressions/"$target"/* -- -runs=0 >/dev/null 2>&1; then
      echo "$target: $(ls fuzz/regressions/"$target" | wc -l) regression input(s) pass"
    else
      status=1
      echo "$target: a regression input fails again" >&2
    fi
  fi
done
exit $status
