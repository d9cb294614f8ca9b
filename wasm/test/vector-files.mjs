// The conformance vector files and their native answers, for the node and the
// browser runners. WRIT_BIN names the native command (default:
// target/debug/writ); WRIT_ROOT the checkout whose tests/vectors run (default:
// the one holding this file).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = process.env.WRIT_ROOT ?? fileURLToPath(new URL("../..", import.meta.url));
export const vectors = join(root, "tests", "vectors");
export const writ = process.env.WRIT_BIN ?? join(root, "target", "debug", "writ");

export function vectorFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === "snapshots" ? [] : vectorFiles(path);
      return name.endsWith(".json") ? [path] : [];
    });
}

/** The native command's load flags for a vector: its limits, minimum sequence, keys and signature. */
function loadFlags(file) {
  const flags = Object.entries(file.limits ?? {}).flatMap(([name, value]) => ["--limit", `${name}=${value}`]);
  if (file.minSequence !== undefined) flags.push("--min-sequence", String(file.minSequence));
  for (const key of file.trustedKeys ?? []) flags.push("--verify-key", join(vectors, key));
  if (file.signature !== undefined) flags.push("--signature", join(vectors, file.signature));
  return flags;
}

/** The package's load options for a vector, as `fromJson` takes them. */
export function loadOptions(file) {
  const options = { limits: file.limits, minSequence: file.minSequence };
  if (file.trustedKeys !== undefined) {
    // Text for one key, an array for several: both are API.
    const keys = file.trustedKeys.map((key) => readFileSync(join(vectors, key), "utf8"));
    options.publicKey = keys.length === 1 ? keys[0] : keys;
    if (file.signature !== undefined) options.signature = readFileSync(join(vectors, file.signature), "utf8");
  }
  return options;
}

/** The snapshot compiled by the native `writ compile` (under the vector's limits). */
export function nativeCompiled(snapshotText, file) {
  const dir = mkdtempSync(join(tmpdir(), "writ-compiled-"));
  try {
    const snapshot = join(dir, "snapshot.json");
    const compiled = join(dir, "snapshot.writ");
    writeFileSync(snapshot, snapshotText);
    const flags = Object.entries(file.limits ?? {}).flatMap(([name, value]) => ["--limit", `${name}=${value}`]);
    execFileSync(writ, ["compile", snapshot, "-o", compiled, ...flags], { encoding: "utf8" });
    return new Uint8Array(readFileSync(compiled));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every check case's native answer, one `writ check --explain` run per file. */
export function nativeAnswers(snapshotText, requests, file) {
  if (requests.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), "writ-vectors-"));
  try {
    const snapshot = join(dir, "snapshot.json");
    writeFileSync(snapshot, snapshotText);
    const input = requests.map((request) => JSON.stringify(request)).join("\n") + "\n";
    const out = execFileSync(writ, ["check", snapshot, "--explain", ...loadFlags(file)], { input, encoding: "utf8" });
    return out.trimEnd().split("\n").map((line) => JSON.parse(line));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

