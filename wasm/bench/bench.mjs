// Benchmarks the built package in node (a measurement, not a test):
//   node wasm/bench/bench.mjs [snapshot.json]
// after scripts/test-wasm.sh, which builds wasm/pkg and links it as `writ`.
// Without an argument it generates the benchmark organisation (10k users, 1k
// groups, 100k authorizations) with `writ generate` (WRIT_BIN, default
// target/debug/writ). Requests are spread over users and definitions like the
// core's criterion bench (core/benches/check.rs), so the figures compare.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Authorizer } from "writ";
import { rng } from "./rng.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const writ = process.env.WRIT_BIN ?? join(root, "target", "debug", "writ");

function snapshotText() {
  if (process.argv[2]) return readFileSync(process.argv[2], "utf8");
  const dir = mkdtempSync(join(tmpdir(), "writ-bench-"));
  try {
    const file = join(dir, "org.json");
    execFileSync(writ, ["generate", "-o", file]);
    return readFileSync(file, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


const permissions = ["READ", "UPDATE", "READ_HISTORY", "CREATE_INSTANCE"];
const below = rng(7);
const requests = Array.from({ length: 1024 }, () => ({
  user: `user-${below(10_000)}`,
  permission: permissions[below(permissions.length)],
  resourceType: "PROCESS_DEFINITION",
  resourceId: `process-${below(5_500)}`,
}));

/** Best of `rounds` timings of `iterations` calls, in ns per call. */
function measure(iterations, body, rounds = 7) {
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    body(iterations);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return best;
}

const text = snapshotText();
// The first loads run mostly in V8's baseline wasm code (Liftoff): optimised code
// for a function is compiled in the background once it is hot, and a call already
// running keeps the code it started with. The first load is what a page pays.
const loads = [];
let authorizer;
for (let i = 0; i < 8; i++) {
  authorizer?.free();
  const start = process.hrtime.bigint();
  authorizer = Authorizer.fromJson(text);
  loads.push(Number(process.hrtime.bigint() - start) / 1e6);
}
const firstLoad = loads[0];
const laterLoads = loads.slice(3).sort((a, b) => a - b);

const handles = requests.map((request) => authorizer.principal({ user: request.user }));
let sink = 0;
const results = {
  "load (fromJson, 100k rows): the first in the process, ms": [firstLoad, 150],
  "load (fromJson, 100k rows): 4th to 8th, median, ms": [laterLoads[2], 150],
  "check (request object with string ids), µs": [
    measure(200_000, (n) => {
      for (let i = 0; i < n; i++) sink += authorizer.check(requests[i & 1023]) ? 1 : 0;
    }) / 1e3,
    1,
  ],
  "check (request as JSON text), µs": [
    (() => {
      const texts = requests.map((request) => JSON.stringify(request));
      return measure(200_000, (n) => {
        for (let i = 0; i < n; i++) sink += authorizer.check(texts[i & 1023]) ? 1 : 0;
      }) / 1e3;
    })(),
    1,
  ],
  "handle.can (resolved principal), µs": [
    measure(500_000, (n) => {
      for (let i = 0; i < n; i++) {
        const request = requests[i & 1023];
        sink += handles[i & 1023].can(request.permission, request.resourceType, request.resourceId) ? 1 : 0;
      }
    }) / 1e3,
    0.3,
  ],
  "handle.can, one principal × 20 resources (a toolbar), µs": [
    (() => {
      const me = handles[0];
      const toolbar = requests.slice(0, 20);
      return measure(500_000, (n) => {
        for (let i = 0; i < n; i++) {
          const request = toolbar[i % 20];
          sink += me.can(request.permission, request.resourceType, request.resourceId) ? 1 : 0;
        }
      }) / 1e3;
    })(),
    0.3,
  ],
  "checkMany of 100 requests, µs": [
    (() => {
      const batches = Array.from({ length: 10 }, (_, b) => requests.slice(b * 100, b * 100 + 100));
      return measure(5_000, (n) => {
        for (let i = 0; i < n; i++) sink += authorizer.checkMany(batches[i % 10])[0];
      }) / 1e3;
    })(),
    10,
  ],
  "handle.permissions of one resource, µs": [
    measure(200_000, (n) => {
      for (let i = 0; i < n; i++) sink += handles[i & 1023].permissions("PROCESS_DEFINITION", requests[i & 1023].resourceId).length;
    }) / 1e3,
    undefined,
  ],
  "permissions (request object), µs": [
    measure(100_000, (n) => {
      for (let i = 0; i < n; i++) {
        const { user, resourceType, resourceId } = requests[i & 1023];
        sink += authorizer.permissions({ user, resourceType, resourceId }).length;
      }
    }) / 1e3,
    undefined,
  ],
};

console.log(`writ npm package, node ${process.version}; snapshot ${(text.length / 1e6).toFixed(1)} MB`);
for (const [name, [value, target]] of Object.entries(results)) {
  const verdict = target === undefined ? "" : value <= target ? `  (target ≤ ${target}: met)` : `  (target ≤ ${target}: missed, ×${(value / target).toFixed(1)})`;
  console.log(`${name.padEnd(58)} ${value.toFixed(value < 10 ? 3 : 1).padStart(9)}${verdict}`);
}
if (sink < 0) console.log(sink);
