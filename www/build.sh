#!/usr/bin/env bash
# Assembles www/dist, the static site `writ serve --www www/dist` serves at `/`:
# the playground (www/playground: HTML, ES modules, CSS; no bundler), the
# package files it loads (from wasm/pkg: web.js, fast.js, writ.js,
# writ_bg.wasm, under writ/) and the example organisations of host/demo
# (under examples/; the Camunda 8 one imported from its cluster dump by
# `writ import camunda8`). Every URL in it is relative: it works from any path.
# Needs the built package (wasm/build.sh) and the native `writ`
# (cargo build -p writ-host); WRIT_BIN and WRIT_PKG point elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
writ=${WRIT_BIN:-target/debug/writ}
pkg=${WRIT_PKG:-wasm/pkg}
dist=www/dist

for file in web.js fast.js writ.js writ_bg.wasm; do
  if [[ ! -f "$pkg/$file" ]]; then
    echo "www/build.sh: $pkg/$file is missing; build the package first (wasm/build.sh)" >&2
    exit 2
  fi
done
if [[ ! -x "$writ" ]]; then
  echo "www/build.sh: $writ is missing; build it first (cargo build -p writ-host)" >&2
  exit 2
fi

rm -rf "$dist"
mkdir -p "$dist/writ" "$dist/examples"
cp www/playground/index.html www/playground/*.js www/playground/style.css "$dist/"
cp "$pkg/web.js" "$pkg/fast.js" "$pkg/writ.js" "$pkg/writ_bg.wasm" "$dist/writ/"
cp host/demo/org.json "$dist/examples/camunda7.json"
# (its one warning, a user the dump's authorizations name but its user list lacks, is expected)
if ! out=$("$writ" import camunda8 host/demo/camunda8-dump.json -o "$dist/examples/camunda8.json" 2>&1); then
  echo "$out" >&2
  exit 2
fi
cp host/demo/identity.json "$dist/examples/identity.json"
cp host/demo/emporix.json "$dist/examples/emporix.json"
echo "www/build.sh: $dist ($(find "$dist" -type f | wc -l) files)"
