// TypeScript and node consumers of the package: `tsc --strict` without
// skipLibCheck under a default lib (no esnext.disposable), under esnext, and
// with bundler resolution (writ, writ/dom, writ/react, writ/writ_bg.wasm);
// the same package without the Symbol.dispose fallback fails (why it is
// there); a .cts consumer compiles to require("writ") and runs in node.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { cliDecisions, example, paths, readJson, writ } from "./helpers.mjs";

const tsc = `${paths.nodeModules}typescript/bin/tsc`;
const fixture = `${paths.fixtures}types/`;

function compile(project) {
  const run = spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

for (const config of ["tsconfig.json", "tsconfig.esnext.json", "tsconfig.bundler.json"]) {
  test(`tsc --strict, no skipLibCheck: ${config}`, () => {
    const { status, output } = compile(`${fixture}${config}`);
    assert.equal(status, 0, output);
  });
}

test("without the Symbol.dispose fallback the default setup fails (TS2550), which is why the package declares it", () => {
  const dir = `${paths.out}no-fallback/`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(`${dir}node_modules`, { recursive: true });
  cpSync(paths.pkg, `${dir}node_modules/writ`, { recursive: true });
  const types = readFileSync(`${paths.pkg}writ.d.ts`, "utf8");
  const fallback = readFileSync(`${paths.root}wasm/js/dispose.d.ts`, "utf8");
  assert.ok(types.endsWith(fallback), "the package's writ.d.ts ends with wasm/js/dispose.d.ts");
  writeFileSync(`${dir}node_modules/writ/writ.d.ts`, types.slice(0, -fallback.length));
  symlinkSync(`${paths.nodeModules}react`, `${dir}node_modules/react`);
  cpSync(`${fixture}usage.ts`, `${dir}usage.ts`);
  cpSync(`${fixture}package.json`, `${dir}package.json`);
  writeFileSync(`${dir}tsconfig.json`, JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "nodenext", types: [] }, files: ["usage.ts"] }));
  const { status, output } = compile(`${dir}tsconfig.json`);
  assert.notEqual(status, 0);
  assert.match(output, /writ\.d\.ts\(\d+,\d+\): error TS2550: Property 'dispose' does not exist on type 'SymbolConstructor'/);
});

test("engines states the true minimum: require(esm) unflagged, node ^20.19 or >= 22.12", () => {
  const manifest = readJson(`${paths.pkg}package.json`);
  assert.equal(manifest.engines.node, "^20.19.0 || >=22.12.0");
  assert.equal(manifest.type, "module");
  assert.equal(process.features.require_module, true, `this node (${process.version}) should load ES modules with require`);
});

test("a .cts consumer: typed, emitted as require('writ'), runs in node and decides as writ does", () => {
  const { status, output } = compile(`${fixture}tsconfig.cjs.json`);
  assert.equal(status, 0, output);
  const emitted = readFileSync(`${paths.out}types-cjs/consumer.cjs`, "utf8");
  assert.match(emitted, /require\("writ"\)/);
  const require = createRequire(`${paths.out}types-cjs/`);
  const { decide } = require(`${paths.out}types-cjs/consumer.cjs`);
  const { allowed, why } = decide(readFileSync(example("camunda7.json"), "utf8"));
  const [kermit] = cliDecisions(example("camunda7.json"), [{ user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" }]);
  assert.equal(allowed, kermit === "allow");
  const native = JSON.parse(writ(["explain", example("camunda7.json"), "--user", "gonzo", "--permission", "READ", "--resource-type", "PROCESS_DEFINITION", "--resource-id", "invoice"]));
  assert.deepEqual(why, native);
  // The subpath modules load through require too (node's "default" condition).
  assert.equal(typeof require("writ/dom").gate, "function");
});
