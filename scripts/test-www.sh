#!/usr/bin/env bash
# The browser side's tests (run by ./run-tests, or alone): writ/dom and
# writ/react, the playground, and the package as front-end developers use it
# (esbuild, Vite — current and 5 —, webpack 5, TypeScript --strict, node's
# require), each in headless Chromium (Debian's /usr/bin/chromium, driven by
# playwright-core; never a downloaded browser) and compared with the native
# `writ`. Builds nothing with cargo: it needs the native `writ`
# (target/debug/writ, or WRIT_BIN) and the built npm package (wasm/pkg).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}
export WRIT_BIN=${WRIT_BIN:-$target_dir/debug/writ}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

missing() {
  echo "test-www: $1" >&2
  exit 2
}
[[ -x "$WRIT_BIN" ]] || missing "$WRIT_BIN is missing: build it first (cargo build -p writ-host)"
for file in writ.js writ.d.ts web.js fast.js node.js writ_bg.wasm; do
  [[ -f wasm/pkg/$file ]] || missing "wasm/pkg/$file is missing: build the package first (bash wasm/build.sh)"
done
[[ -x "$CHROMIUM" ]] || missing "$CHROMIUM is missing (apt-get install chromium; scripts/test-wasm.sh installs it)"
if ! command -v node >/dev/null 2>&1 || ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) || (a === 20 && b >= 19) ? 0 : 1)'; then
  missing "node ^20.19 or >= 22.12 is needed on PATH (Vite 8 and require(esm))"
fi

# esbuild, Vite 8 and 5, webpack 5, React, axe-core, TypeScript, playwright-core:
# npm ci, only when package-lock.json changed since the last install.
stamp=www/node_modules/.writ-lock
if ! cmp -s www/package-lock.json "$stamp" 2>/dev/null; then
  step "npm ci (www/)"
  (cd www && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  cp www/package-lock.json "$stamp"
fi

# The package as wasm/build.sh lays it out, installed into www/node_modules/writ
# as a real folder (as npm installs a published package, so that writ/react
# finds the app's react): wasm/pkg, with the hand-written files build.sh copies
# in taken from their sources (the same bytes once wasm/pkg is rebuilt).
step "the package, into www/node_modules/writ"
pkg=www/node_modules/writ
rm -rf "$pkg"
mkdir -p "$pkg"
cp -R wasm/pkg/. "$pkg/"
cp www/dom.js www/dom.d.ts www/react.js www/react.d.ts wasm/js/wasm-url.d.ts wasm/js/package.json "$pkg/"
if ! grep -q "interface SymbolConstructor" "$pkg/writ.d.ts"; then
  echo "(wasm/pkg predates the Symbol.dispose fallback: appending wasm/js/dispose.d.ts as wasm/build.sh does)"
  cat wasm/js/dispose.d.ts >>"$pkg/writ.d.ts"
fi
for file in dom.js react.js; do
  if ! cmp -s "www/$file" "wasm/pkg/$file" 2>/dev/null; then
    echo "(wasm/pkg/$file is missing or older than www/$file: rebuild the package with wasm/build.sh)"
  fi
done

step "the playground (www/build.sh → www/dist)"
bash www/build.sh

# Bundler outputs and caches from an earlier run go: Vite keys its dependency
# cache on the lockfile, not on the package copied in above, and would serve a
# stale pre-bundled copy of the package's JavaScript beside a newer .wasm.
rm -rf www/test/.out

step "writ/dom, writ/react, the playground and the bundler recipes in headless Chromium; types; require"
node --test --test-reporter=dot --test-concurrency=1 www/test/*.test.mjs
