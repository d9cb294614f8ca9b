// The conformance vectors of tests/vectors/, run through the built npm package
// (`import "writ"` resolves to wasm/pkg by its node export), one named test per
// file, with the comparisons of tests/src/vector.rs: allowed, rows as a set, rule,
// level, source, via, permissions, lists, claims, assignments, error codes (and
// the snapshot error path).
// Beyond that, every `check` case is also piped through the native `writ check
// --explain` and the whole explanation (or error code and message) must be equal:
// the same request gives the same answer in both runtimes, field for field.
//
// WRIT_BIN names the native command (default: target/debug/writ); WRIT_ROOT the
// checkout whose tests/vectors run (default: the one holding this file).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Authorizer } from "writ";

const root = process.env.WRIT_ROOT ?? fileURLToPath(new URL("../..", import.meta.url));
const vectors = join(root, "tests", "vectors");
const writ = process.env.WRIT_BIN ?? join(root, "target", "debug", "writ");

function vectorFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === "snapshots" ? [] : vectorFiles(path);
      return name.endsWith(".json") ? [path] : [];
    });
}

/** The error a package call throws: a real Error whose `code` is writ's. */
function thrown(call) {
  try {
    call();
  } catch (error) {
    if (!(error instanceof Error) || !/^[a-z0-9_]+\.[a-z0-9_]+$/.test(error.code)) throw error;
    return error;
  }
  return undefined;
}

/** Every check case's native answer, one `writ check --explain` run per file. */
function nativeAnswers(snapshotText, requests) {
  if (requests.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), "writ-vectors-"));
  try {
    const snapshot = join(dir, "snapshot.json");
    writeFileSync(snapshot, snapshotText);
    const input = requests.map((request) => JSON.stringify(request)).join("\n") + "\n";
    const out = execFileSync(writ, ["check", snapshot, "--explain"], { input, encoding: "utf8" });
    return out.trimEnd().split("\n").map((line) => JSON.parse(line));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sorted = (rows) => [...new Set(rows)].sort();

/** The case's answer from the package: `{ value }` or `{ error }` (a WritError). */
function answer(authorizer, kase) {
  let value;
  const error = thrown(() => {
    if (kase.check) value = { decision: authorizer.explain(kase.check), fast: authorizer.check(kase.check), can: handleCan(authorizer, kase.check) };
    else if (kase.permissions) value = { listed: authorizer.permissions(kase.permissions), handle: handlePermissions(authorizer, kase.permissions) };
    else if (kase.list) value = authorizer.list(kase.list);
    else if (kase.claims) value = authorizer.claims(kase.claims);
    else if (kase.assign) value = authorizer.checkAssignment(kase.assign);
  });
  return { value, error };
}

/**
 * For a request with one check and nothing else, what a principal handle's `can`
 * answers (through js/fast.js, twice: preparing, then prepared); undefined otherwise.
 */
function handleCan(authorizer, request) {
  const { permission, resourceType, resourceId, tenantId, properties, anyOf, allOf, anonymousAuthorized, resourceExists, ...who } = request;
  if (typeof permission !== "string" || typeof resourceType !== "string" || tenantId !== undefined) return undefined;
  if (properties !== undefined || anyOf !== undefined || allOf !== undefined || anonymousAuthorized || resourceExists !== undefined) return undefined;
  const handle = authorizer.principal(who);
  try {
    const first = handle.can(permission, resourceType, resourceId);
    const again = handle.can(permission, resourceType, resourceId);
    return first === again ? first : `first ${first}, then ${again}`;
  } finally {
    handle.free();
  }
}

/**
 * What a principal handle's `permissions` answers for the same question (through
 * js/fast.js, twice: preparing, then prepared).
 */
function handlePermissions(authorizer, request) {
  const { resourceType, resourceId, tenantId, ...who } = request;
  const handle = authorizer.principal(who);
  try {
    const first = handle.permissions(resourceType, resourceId, tenantId);
    const again = handle.permissions(resourceType, resourceId, tenantId);
    return isDeepEqual(first, again) ? first : `first ${JSON.stringify(first)}, then ${JSON.stringify(again)}`;
  } finally {
    handle.free();
  }
}

/** One message per difference from `expect` (tests/src/vector.rs, `answer`). */
function compare(kase, value, native) {
  const expect = kase.expect ?? {};
  const problems = [];
  if (kase.check) {
    const { decision, fast, can } = value;
    if (fast !== decision.allowed) problems.push(`check says ${fast}, explain says ${decision.allowed}`);
    if (can !== undefined && can !== fast) problems.push(`handle.can says ${can}, check says ${fast}`);
    if (!isDeepEqual(decision, native)) problems.push(`explained ${JSON.stringify(decision)}, native ${JSON.stringify(native)}`);
    if (expect.allowed !== undefined && expect.allowed !== decision.allowed)
      problems.push(`allowed ${decision.allowed} (expected ${expect.allowed}; ${decision.rule}: ${decision.reason})`);
    if (expect.rows !== undefined && !isDeepEqual(sorted(decision.rows), sorted(expect.rows)))
      problems.push(`rows ${JSON.stringify(decision.rows)} (expected ${JSON.stringify(expect.rows)})`);
    if (expect.rule !== undefined && expect.rule !== decision.rule)
      problems.push(`rule ${decision.rule} (expected ${expect.rule}; ${decision.reason})`);
    if (expect.level !== undefined && expect.level !== (decision.level ?? "none"))
      problems.push(`level ${decision.level ?? "none"} (expected ${expect.level})`);
    if (expect.source !== undefined && expect.source !== decision.source)
      problems.push(`source ${decision.source} (expected ${expect.source})`);
    if (expect.via !== undefined && expect.via !== decision.via)
      problems.push(`via ${decision.via} (expected ${expect.via})`);
  } else if (kase.permissions) {
    const { listed, handle } = value;
    if (!isDeepEqual(handle, listed)) problems.push(`handle.permissions ${JSON.stringify(handle)}, the request ${JSON.stringify(listed)}`);
    if (expect.permissions !== undefined && !isDeepEqual(listed, expect.permissions))
      problems.push(`permissions ${JSON.stringify(listed)} (expected ${JSON.stringify(expect.permissions)})`);
  } else if (kase.list) {
    if (expect.list !== undefined && !isDeepEqual(value, expect.list))
      problems.push(`list ${JSON.stringify(value)} (expected ${JSON.stringify(expect.list)})`);
  } else if (kase.claims) {
    if (expect.claims !== undefined && !isDeepEqual(value, expect.claims))
      problems.push(`claims ${JSON.stringify(value)} (expected ${JSON.stringify(expect.claims)})`);
  } else if (kase.assign) {
    const rule = value.rule ?? "";
    if (expect.allowed !== undefined && expect.allowed !== value.allowed) problems.push(`allowed ${value.allowed} (rule ${rule})`);
    if (expect.rule !== undefined && expect.rule !== rule) problems.push(`rule ${rule}`);
  } else problems.push("a case needs `check`, `permissions`, `list`, `claims` or `assign`");
  return problems;
}

function runCase(authorizer, kase, native) {
  const { value, error } = answer(authorizer, kase);
  if (!error) return kase.expectError ? [`expected error ${kase.expectError}, got an answer`] : compare(kase, value, native);
  const problems = [];
  // A request error must be native's error, code and message.
  if (kase.check && !isDeepEqual({ error: { code: error.code, message: error.message } }, native))
    problems.push(`error ${error.code}: ${error.message}, native ${JSON.stringify(native)}`);
  if (kase.expectError !== error.code)
    problems.push(kase.expectError ? `error ${error.code} (${error.message}), expected ${kase.expectError}` : `unexpected error ${error.code}: ${error.message}`);
  return problems;
}

function isDeepEqual(a, b) {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

const files = vectorFiles(vectors);
assert.ok(files.length > 0, `no vector files under ${vectors}`);

for (const path of files) {
  const name = relative(vectors, path).replace(/\.json$/, "");
  test(name, () => {
    const file = JSON.parse(readFileSync(path, "utf8"));
    const snapshotText =
      typeof file.snapshot === "string" ? readFileSync(join(vectors, file.snapshot), "utf8") : JSON.stringify(file.snapshot);
    // The object form for inline snapshots, the text form for files: both are API.
    const input = typeof file.snapshot === "string" ? snapshotText : file.snapshot;
    if (file.snapshotError) {
      const error = thrown(() => Authorizer.fromJson(input));
      assert.ok(error, `snapshot loaded, expected error ${file.snapshotError.code}`);
      assert.equal(error.code, file.snapshotError.code, error.message);
      if (file.snapshotError.path !== undefined) assert.equal(error.path, file.snapshotError.path);
      return;
    }
    assert.ok(file.cases?.length > 0, "a vector file needs cases or a snapshotError");
    const authorizer = Authorizer.fromJson(input);
    try {
      const checks = file.cases.filter((kase) => kase.check);
      const native = nativeAnswers(snapshotText, checks.map((kase) => kase.check));
      assert.equal(native.length, checks.length, "one native answer per check case");
      const failures = file.cases.flatMap((kase) => {
        const answer = kase.check ? native[checks.indexOf(kase)] : undefined;
        return runCase(authorizer, kase, answer).map((problem) => `${kase.name}: ${problem}`);
      });
      assert.deepEqual(failures, []);
      // checkMany answers every check case in one call, as check does one by one.
      const many = authorizer.checkMany(checks.map((kase) => kase.check));
      const one = checks.map((kase) => thrown(() => authorizer.check(kase.check)) ? 2 : authorizer.check(kase.check) ? 1 : 0);
      assert.deepEqual([...many], one);
      assert.deepEqual([...authorizer.checkMany(checks.map((kase) => kase.check))], one, "checkMany, prepared");
    } finally {
      authorizer.free();
    }
  });
}
