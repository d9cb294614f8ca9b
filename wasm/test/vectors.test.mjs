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
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Authorizer } from "writ";
import { loadOptions, nativeAnswers, vectorFiles, vectors } from "./vector-files.mjs";
import { runVector } from "./vector-runner.mjs";

const files = vectorFiles(vectors);
assert.ok(files.length > 0, `no vector files under ${vectors}`);

for (const path of files) {
  const name = relative(vectors, path).replace(/\.json$/, "");
  test(name, async () => {
    const file = JSON.parse(readFileSync(path, "utf8"));
    const snapshotText =
      typeof file.snapshot === "string" ? readFileSync(join(vectors, file.snapshot), "utf8") : JSON.stringify(file.snapshot);
    // The object form for inline snapshots, the text form for files, the
    // bytes for signed ones (verified over exactly those): all are API.
    const input =
      typeof file.snapshot !== "string" ? file.snapshot : file.trustedKeys ? readFileSync(join(vectors, file.snapshot)) : snapshotText;
    const checks = (file.cases ?? []).filter((kase) => kase.check);
    const native = file.snapshotError ? undefined : nativeAnswers(snapshotText, checks.map((kase) => kase.check), file);
    assert.deepEqual(await runVector(Authorizer, file, input, loadOptions(file), native), []);
  });
}
