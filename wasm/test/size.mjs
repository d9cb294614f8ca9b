// The size of the package's .wasm. Prints raw, gzip and brotli sizes, and fails
// when the package grows past a regression guard just above today's size (KB =
// 1,000 bytes). The 150 KB / 60 KB gzipped target of issue 4 is withdrawn
// (what is left is the decision and validation logic: DESIGN.md); the guard
// stays, so that no byte is added unnoticed. Lower it whenever the size drops;
// raise it only for a measured, stated reason. Raised so far:
// - by 0.5 KB raw and 0.3 KB gzipped when the prepared rows' owner sets and the
//   inlined ask path took checkMany of 100 from 16 to about 10.5 µs;
// - by 1.2 KB raw and 0.1 KB gzipped when snapshot text was encoded straight
//   into wasm memory (`_TextBuffer`), a first load of the 100k-row snapshot
//   171 → 149 ms (median of five interleaved runs);
// - by 15.8 KB raw and 6.7 KB gzipped for failing closed (issue 16): the limits
//   every runtime applies (checked while decoding, validating and asking, each
//   with its code), load options (`limits`, `minSequence`), the sequence,
//   linear deduplication of memberships, reached owners and claim keys (one
//   user in 200,000 groups was quadratic), empty ids and unknown admin groups
//   refused, invalid UTF-8 coded, and the stack pointer's export. Signatures
//   are verified with WebCrypto, in JavaScript: the wasm has no curve code.
// - by 0.2 KB raw and 0.1 KB gzipped (209,103 / 90,725 bytes) when the
//   fuzzer found a JSON error reported unlike serde_json (a leading surrogate
//   escape at the end of the text) and batches learnt to see a blank array.
// - by 11.1 KB raw and 4.9 KB gzipped (220,280 / 95,731 bytes) for who-can
//   (issue 20: `whoCan`, the inverted walk from the relevant rows to the
//   principals they single out, the unlisted user, mapping rules, explained
//   answers; measured: the walk 5.6 KB, the binding with the answer's writer
//   1.5, `consulted` 1.1, explanations 1.6 before wasm-opt) and endpoints that
//   need no scope (Emporix). Every runtime answers who-can from the core.
// - by 22.3 KB raw and 8.4 KB gzipped (242,624 / 104,244 bytes) for what
//   Optimize manages itself (issue 20, SEMANTICS.md §2.1): collections with
//   roles, reports with row-level security over their definitions, private
//   reports, event-based processes, the last-manager rule, decoded and
//   validated with their paths and codes. Measured before wasm-opt (+25 KB):
//   loading (decoding the `optimize` part, validating it, refusing rows on
//   managed types) 10 KB, deciding and explaining 6.5 KB, the assignment path
//   1.6 KB, strings 2.3 KB; `#[inline(never)]` on the two entry points saved
//   0.3 KB. They are the core's semantics, so every runtime decides them the
//   same way; no JavaScript could take them over without a second evaluator.
// - by 1.9 KB raw and 0.7 KB gzipped (244,540 / 104,907 bytes) for the
//   prepared `grants` handle (issue 21): per type the union of the `*` grants'
//   bits of every reached owner and the owner set, computed once per handle,
//   so that `can` is a bit test or one scan of the rows on the resource
//   (natively 165 -> 48 ns; `handle.can` in the package takes the same path).
// - by 0.7 KB raw and 0.4 KB gzipped (245,212 / 105,315 bytes) when the
//   property test found that a claimed group no engine of the question lists
//   was dropped before Optimize's own lists (collections, event processes),
//   which name groups of any engine, were read; Optimize's handle.can went
//   1.36 -> 0.73-0.93 µs this session (one pass per level, the login
//   decided once per handle).
// - by 15.5 KB raw and 7.9 KB gzipped (260,739 / 113,221 bytes) for compiled
//   snapshots (issue 21, `Authorizer.fromBytes`): the reader of the compiled
//   form, which validates every count, index and name of the whole model
//   (13.2 / 6.8 of it: a field-by-field reader of some twenty model types;
//   reading with a sticky error, no early returns, took it from 18.1 / 7.5);
//   the index's own key hash, which fixed a collapse of the hash tables on
//   wasm32 (0.5 / 0.3; a million rows loaded in 520 ms, then 240); the
//   counting sort of the rows on each id (1.3 / 0.4; 192 -> 159 ms for a
//   million rows). The reader must be in wasm: the model it builds is the
//   core's, which JavaScript cannot build. Loading 100k rows: 130 -> 15 ms.
// - by 0.1 KB raw and gzipped (260,826 / 113,324 bytes): Optimize's handle
//   reads its prepared question's interned id and its remembered login
//   instead of hashing the id and resolving the login question on every
//   check (its first asks 0.70-0.76 -> 0.56-0.62 µs).
// Sizes are deterministic for a given toolchain and lockfile.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const guard = { raw: 260_900, gzip: 113_400 };
const file = new URL("../pkg/writ_bg.wasm", import.meta.url);
const bytes = readFileSync(file);
const sizes = {
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
};
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
console.log(`writ_bg.wasm: ${kb(sizes.raw)} raw, ${kb(sizes.gzip)} gzip -9, ${kb(sizes.brotli)} brotli -11`);
const over = Object.entries(guard).filter(([kind, limit]) => sizes[kind] > limit);
for (const [kind, limit] of over) {
  console.error(`size regression: ${kind} ${kb(sizes[kind])} > guard ${kb(limit)} (by ${kb(sizes[kind] - limit)})`);
}
if (over.length > 0) {
  process.exit(1);
}
