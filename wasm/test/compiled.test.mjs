// Compiled snapshots (`writ compile`) in the package: every conformance vector's
// snapshot, compiled by the native command and loaded with `Authorizer.fromBytes`,
// answers every case as the vector expects and every check field for field as the
// native `writ check --explain` answers the JSON. And a damaged file is refused
// with its code, leaving what was loaded before in force.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Authorizer } from "writ";
import { loadOptions, nativeAnswers, nativeCompiled, root, vectorFiles, vectors, writ } from "./vector-files.mjs";
import { runVector } from "./vector-runner.mjs";

// `runVector` loads with `fromJson`; here every load is `fromBytes`.
const FromBytes = { fromJson: (bytes, options) => Authorizer.fromBytes(bytes, options) };

for (const path of vectorFiles(vectors)) {
  const file = JSON.parse(readFileSync(path, "utf8"));
  // A refused snapshot has no compiled form; a signature covers the JSON's bytes.
  if (file.snapshotError || file.trustedKeys) continue;
  const name = relative(vectors, path).replace(/\.json$/, "");
  test(`compiled: ${name}`, async () => {
    const text = typeof file.snapshot === "string" ? readFileSync(join(vectors, file.snapshot), "utf8") : JSON.stringify(file.snapshot);
    const compiled = nativeCompiled(text, file);
    const checks = (file.cases ?? []).filter((kase) => kase.check);
    const native = nativeAnswers(text, checks.map((kase) => kase.check), file);
    assert.deepEqual(await runVector(FromBytes, file, compiled, loadOptions(file), native), []);
  });
}

const org = readFileSync(join(root, "host", "demo", "org.json"), "utf8");
const request = { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" };

function refused(call) {
  try {
    call();
  } catch (error) {
    return error;
  }
  assert.fail("expected an error");
}

test("a damaged or truncated compiled snapshot is refused with its code", () => {
  const compiled = nativeCompiled(org, {});
  const before = Authorizer.fromBytes(compiled);
  assert.equal(before.check(request), Authorizer.fromJson(org).check(request));
  // Without its first bytes the file is not recognised as compiled: read as JSON, it is not UTF-8.
  const unmarked = compiled.slice();
  unmarked[0] ^= 0x10;
  assert.equal(refused(() => Authorizer.fromBytes(unmarked)).code, "snapshot.invalid_utf8");
  for (const at of [9, 20, 30, compiled.length - 1]) {
    const damaged = compiled.slice();
    damaged[at] ^= 0x10;
    const error = refused(() => Authorizer.fromBytes(damaged));
    const version = at >= 8 && at < 12;
    assert.equal(error.code, version ? "snapshot.unsupported_format" : "snapshot.corrupt", `byte ${at}`);
    assert.equal(error.path, version ? "format" : ".");
  }
  for (const length of [1, 7, 24, compiled.length - 1]) {
    assert.equal(refused(() => Authorizer.fromBytes(compiled.subarray(0, length))).code, "snapshot.corrupt", `${length} bytes`);
  }
  // What was loaded before still answers.
  assert.equal(typeof before.check(request), "boolean");
  before.free();
});

test("fromBytes takes bytes only, JSON's bytes too, and the load options", () => {
  assert.equal(refused(() => Authorizer.fromBytes(org)).code, "snapshot.malformed");
  assert.equal(refused(() => Authorizer.fromBytes({ format: 1 })).code, "snapshot.malformed");
  const fromJsonBytes = Authorizer.fromBytes(new TextEncoder().encode(org).buffer);
  assert.equal(fromJsonBytes.check(request), Authorizer.fromJson(org).check(request));
  fromJsonBytes.free();
  const compiled = nativeCompiled(org, {});
  assert.equal(refused(() => Authorizer.fromBytes(compiled, { limits: { idBytes: 3 } })).code, "limit.id_length");
  assert.equal(refused(() => Authorizer.fromBytes(compiled, { minSequence: 1 })).code, "snapshot.rollback");
  assert.equal(refused(() => Authorizer.fromBytes(compiled, { limits: { snapshotBytes: 100 } })).code, "limit.snapshot_size");
});

test("a signed compiled snapshot loads with its key, and a changed byte is refused before it is read", async () => {
  const dir = mkdtempSync(join(tmpdir(), "writ-compiled-signed-"));
  try {
    const file = join(dir, "org.writ");
    writeFileSync(file, nativeCompiled(org, {}));
    execFileSync(writ, ["keygen", "--out", join(dir, "release")]);
    execFileSync(writ, ["sign", file, "--key", join(dir, "release.key")]);
    const bytes = new Uint8Array(readFileSync(file));
    const options = { publicKey: readFileSync(join(dir, "release.pub"), "utf8"), signature: readFileSync(`${file}.sig`, "utf8") };
    const signed = await Authorizer.fromBytes(bytes, options);
    assert.equal(signed.check(request), Authorizer.fromJson(org).check(request));
    signed.free();
    const changed = bytes.slice();
    changed[30] ^= 1;
    await assert.rejects(Authorizer.fromBytes(changed, options), (error) => error.code === "signature.invalid");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
