#!/usr/bin/env bash
# Builds the npm package into wasm/pkg: the core compiled to wasm32 with the
# size profile, bound with wasm-bindgen (--target web), shrunk with wasm-opt, and
# the hand-written entry points (node, workerd), package.json and README copied in.
# Needs: the wasm32 target, .tools/bin/wasm-bindgen, wasm/node_modules (npm ci);
# scripts/test-wasm.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}
pkg=wasm/pkg

cargo build -p writ-wasm --target wasm32-unknown-unknown --profile wasm-release --no-default-features --quiet

rm -rf "$pkg"
"$root/.tools/bin/wasm-bindgen" --target web --out-dir "$pkg" --out-name writ \
  "$target_dir/wasm32-unknown-unknown/wasm-release/writ_wasm.wasm"

# The stack pointer global, exported so that js/fast.js can restore it after a
# trap (by its name, which wasm-opt strips below).
node wasm/export-stack-pointer.mjs "$pkg/writ_bg.wasm" "$pkg/writ_bg.wasm" >/dev/null

# The features rustc enables by default for wasm32-unknown-unknown; wasm-opt must
# accept them and adds no others, so the output runs wherever the input would.
# `--merge-similar-functions` first (functions that differ only in constants
# become one with a parameter): -0.5 KB raw, -0.2 KB gzipped.
wasm/node_modules/.bin/wasm-opt --merge-similar-functions -Oz --converge --strip-debug --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-multivalue --enable-reference-types \
  "$pkg/writ_bg.wasm" -o "$pkg/writ_bg.wasm"

# fromJson's overloads (with keys it answers a Promise) and the load option
# types: a namespace merged with the generated class, after it; then the
# Symbol.dispose fallback (the types compile without lib esnext.disposable).
cat wasm/js/load.d.ts wasm/js/dispose.d.ts >>"$pkg/writ.d.ts"

cp wasm/js/web.js wasm/js/fast.js wasm/js/node.js wasm/js/workerd.js wasm/js/package.json wasm/README.md "$pkg/"
# writ/dom and writ/react (plain JavaScript, hand-written types; www/) and the
# type of `import wasmUrl from "writ/writ_bg.wasm"`.
cp www/dom.js www/dom.d.ts www/react.js www/react.d.ts wasm/js/wasm-url.d.ts "$pkg/"
rm -f "$pkg/.gitignore"
