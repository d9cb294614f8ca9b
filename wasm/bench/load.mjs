// Cold starts: loading a snapshot as JSON (`fromJson`) against its compiled
// form (`writ compile`, `fromBytes`), in node (a measurement, not a test):
//   node wasm/bench/load.mjs [--rows 100000] [--rounds 7]
// after scripts/test-wasm.sh (which builds wasm/pkg and links it as `writ`).
// Generates the organisation with `writ generate` (rows/10 users, rows/100
// groups) and compiles it with `writ compile` (WRIT_BIN, default
// target/debug/writ). Prints the file sizes (the JSON gzipped as a server
// would send it), the first load in a fresh node process (what a cold start
// pays: each form in its own process, alternating) and later loads in one
// process (interleaved, median), each against issue 21's target.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Authorizer } from "writ";

const root = fileURLToPath(new URL("../..", import.meta.url));
const writ = process.env.WRIT_BIN ?? join(root, "target", "debug", "writ");
const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};

/** One load of `file` in a fresh node process: its milliseconds. */
function firstLoad(file, method) {
  const script = `
    import { readFileSync } from "node:fs";
    import { Authorizer } from "writ";
    const input = ${method === "fromJson" ? `readFileSync(${JSON.stringify(file)}, "utf8")` : `new Uint8Array(readFileSync(${JSON.stringify(file)}))`};
    const start = process.hrtime.bigint();
    Authorizer.${method}(input);
    console.log(Number(process.hrtime.bigint() - start) / 1e6);`;
  const out = execFileSync(process.execPath, ["--max-old-space-size=8000", "--input-type=module", "-e", script], {
    cwd: join(root, "wasm"),
    encoding: "utf8",
  });
  return Number(out.trim());
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;

const rows = option("--rows", 100_000);
const rounds = option("--rounds", 7);
const dir = mkdtempSync(join(tmpdir(), "writ-load-"));
try {
  const json = join(dir, "org.json");
  const compiled = join(dir, "org.writ");
  const users = Math.max(1, Math.round(rows / 10));
  const groups = Math.max(1, Math.round(rows / 100));
  execFileSync(writ, ["generate", "--authorizations", `${rows}`, "--users", `${users}`, "--groups", `${groups}`, "-o", json]);
  execFileSync(writ, ["compile", json, "-o", compiled]);
  const text = readFileSync(json, "utf8");
  const bytes = new Uint8Array(readFileSync(compiled));
  const gzip6 = gzipSync(text).length;
  const gzip9 = gzipSync(text, { level: 9 }).length;
  const target = rows <= 100_000 ? 15 : 150;
  console.log(`${rows} rows, ${users} users, ${groups} groups`);
  console.log(`  JSON ${text.length} bytes, gzip -6 ${gzip6}, gzip -9 ${gzip9}; compiled ${bytes.length} bytes ` +
    `(${(bytes.length / gzip6).toFixed(2)}× gzip -6, ${(bytes.length / gzip9).toFixed(2)}× gzip -9; target ≤ 1)`);

  const cold = { fromJson: [], fromBytes: [] };
  for (let round = 0; round < Math.min(rounds, 3); round++) {
    cold.fromBytes.push(firstLoad(compiled, "fromBytes"));
    cold.fromJson.push(firstLoad(json, "fromJson"));
  }
  const warm = { fromJson: [], fromBytes: [] };
  for (let round = 0; round < rounds; round++) {
    for (const [method, input] of [["fromBytes", bytes], ["fromJson", text]]) {
      const start = process.hrtime.bigint();
      const authorizer = Authorizer[method](input);
      warm[method].push(Number(process.hrtime.bigint() - start) / 1e6);
      authorizer.free();
    }
  }
  for (const method of ["fromBytes", "fromJson"]) {
    console.log(`  ${method.padEnd(9)} first in a process ${range(cold[method])} ms (median ${median(cold[method]).toFixed(1)}), ` +
      `later loads median ${median(warm[method]).toFixed(1)} ms (${range(warm[method])})` +
      (method === "fromBytes" ? `; target ≤ ${target} ms` : ""));
  }
  console.log(`  fromBytes ÷ fromJson, later loads: ${(median(warm.fromBytes) / median(warm.fromJson)).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
