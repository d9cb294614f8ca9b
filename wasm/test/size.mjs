// The size of the package's .wasm. Prints raw, gzip and brotli sizes, and compares
// them with two limits (KB = 1,000 bytes):
// - the target of issue 4: 150 KB raw, 60 KB gzipped. NOT met yet (425 KB / 160 KB
//   when this was written, 193 / 84 now; README.md, "JavaScript package", and
//   DESIGN.md say where the bytes go and what would cut them). Reported, so every
//   run shows the gap.
// - a regression guard just above today's size: exits 1 when the package grows past
//   it. Lower the guard whenever the size drops; it must end at the target. Raised
//   twice, each for a measured trade: by 0.5 KB raw and 0.3 KB gzipped when the
//   prepared rows' owner sets and the inlined ask path took checkMany of 100
//   from 16 to about 10.5 µs; by 1.2 KB raw and 0.1 KB gzipped when snapshot
//   text was encoded straight into wasm memory (`_TextBuffer`), a first load of
//   the 100k-row snapshot 171 → 149 ms (median of five interleaved runs).
// Sizes are deterministic for a given toolchain and lockfile.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const target = { raw: 150_000, gzip: 60_000 };
const guard = { raw: 193_100, gzip: 83_900 };
const file = new URL("../pkg/writ_bg.wasm", import.meta.url);
const bytes = readFileSync(file);
const sizes = {
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
};
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
console.log(`writ_bg.wasm: ${kb(sizes.raw)} raw, ${kb(sizes.gzip)} gzip -9, ${kb(sizes.brotli)} brotli -11`);
for (const [kind, limit] of Object.entries(target)) {
  if (sizes[kind] > limit) {
    console.log(`issue 4 target not met: ${kind} ${kb(sizes[kind])} > ${kb(limit)} (by ${kb(sizes[kind] - limit)})`);
  }
}
const over = Object.entries(guard).filter(([kind, limit]) => sizes[kind] > limit);
for (const [kind, limit] of over) {
  console.error(`size regression: ${kind} ${kb(sizes[kind])} > guard ${kb(limit)} (by ${kb(sizes[kind] - limit)})`);
}
if (over.length > 0) {
  process.exit(1);
}
