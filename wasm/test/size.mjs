// The size budget of the package's .wasm (issue 4): at most 150 KB raw and 60 KB
// gzipped (KB = 1,000 bytes). Prints raw, gzip and brotli sizes; exits 1 when the
// budget is exceeded. Sizes are deterministic for a given toolchain and lockfile.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const budget = { raw: 150_000, gzip: 60_000 };
const file = new URL("../pkg/writ_bg.wasm", import.meta.url);
const bytes = readFileSync(file);
const sizes = {
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
};
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
console.log(`writ_bg.wasm: ${kb(sizes.raw)} raw, ${kb(sizes.gzip)} gzip -9, ${kb(sizes.brotli)} brotli -11`);
const over = Object.entries(budget).filter(([kind, limit]) => sizes[kind] > limit);
for (const [kind, limit] of over) {
  console.error(`size budget exceeded: ${kind} ${kb(sizes[kind])} > ${kb(limit)} (by ${kb(sizes[kind] - limit)})`);
}
if (over.length > 0) {
  console.error("see README.md, \"JavaScript package\", for where the bytes go and what would cut them");
  process.exit(1);
}
