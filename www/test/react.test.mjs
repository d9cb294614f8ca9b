// writ/react rendered in headless Chromium: an app bundled by esbuild (with
// the recipe for the .wasm), in development mode so that StrictMode mounts
// twice. <Can> (not, fallback, loading), useCan, usePermissions, the
// provider's loading and error states, swaps, and that unmounting frees what
// the provider created, exactly once.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { copyFileSync } from "node:fs";
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { cliDecisions, example, launchChromium, newPage, paths, readJson, serve, snapshotFile, writ, WRIT } from "./helpers.mjs";

const out = `${paths.out}react/`;
let server;
let browser;
let page;

before(async () => {
  await build({
    entryPoints: [`${paths.fixtures}react/main.jsx`],
    bundle: true,
    format: "esm",
    outdir: out,
    loader: { ".wasm": "file" },
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"development"' },
    logLevel: "error",
  });
  copyFileSync(`${paths.fixtures}react/index.html`, `${out}index.html`);
  server = await serve({ "/app/": out, "/examples/": paths.examples });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open() {
  await page?.close();
  page = await newPage(browser);
  await page.goto(`${server.base}/app/`);
  await attached("body[data-ready]");
}

async function probe() {
  return page.$eval("#probe", (element) => ({ ...element.dataset }));
}

async function ready() {
  await attached('#probe[data-status="ready"]');
  return probe();
}

const attached = (selector) => page.waitForSelector(selector, { state: "attached", timeout: 10_000 });
const present = (selector) => page.$(selector).then((element) => element !== null);

/** The decisions the probe shows, asked of the native writ. */
function expected(user, snapshot = example("camunda7.json")) {
  const ask = (permission, resourceId, tenantId) => ({ user, permission, resourceType: "PROCESS_DEFINITION", resourceId, ...(tenantId ? { tenantId } : {}) });
  const [read, history, deletePayroll, readApac, deleteInvoice] = cliDecisions(snapshot, [
    ask("READ", "invoice"), ask("READ_HISTORY", "invoice"), ask("DELETE", "payroll"), ask("READ", "invoice", "apac"), ask("DELETE", "invoice"),
  ]);
  const permissions = JSON.parse(writ(["permissions", snapshot, "--user", user, "--resource-type", "PROCESS_DEFINITION", "--resource-id", "invoice"])).permissions;
  return { read, history, deletePayroll, readApac, deleteInvoice, permissions };
}

async function assertDecisions(user, snapshot) {
  const want = expected(user, snapshot);
  const shown = await probe();
  assert.equal(shown.read, String(want.read === "allow"), `${user} READ invoice`);
  assert.equal(shown.byNumber, String(want.read === "allow"), `${user} READ invoice, type by number`);
  assert.equal(shown.history, String(want.history === "allow"), `${user} READ_HISTORY invoice`);
  assert.equal(shown.deletePayroll, String(want.deletePayroll === "allow"), `${user} DELETE payroll`);
  assert.equal(shown.readApac, String(want.readApac === "allow"), `${user} READ invoice in apac`);
  assert.equal(shown.permissions, want.permissions.join(","), `${user} permissions on invoice`);
  assert.equal(await present("#can-read"), want.read === "allow", "<Can>");
  assert.equal(await present("#cannot-delete"), want.deleteInvoice !== "allow", "<Can not>");
  assert.equal(await present("#may-delete"), want.deleteInvoice === "allow", "<Can not>'s fallback");
  assert.equal(await present("#payroll-delete"), want.deletePayroll === "allow", "<Can>");
  assert.equal(await present("#payroll-fallback"), want.deletePayroll !== "allow", "<Can>'s fallback");
  assert.equal(await present("#apac-read"), want.readApac === "allow", "<Can tenant>");
  return want;
}

test("the hooks and <Can> decide as writ check and writ permissions do, for every user", async () => {
  await open();
  await page.evaluate(() => app.mount({ snapshot: "camunda7.json", principal: "kermit" }));
  await ready();
  const seen = new Set();
  for (const user of ["kermit", "gonzo", "piggy", "fozzie", "animal"]) {
    await page.evaluate((user) => app.principal(user), user);
    await page.waitForFunction(
      ([user, permissions]) => document.querySelector("#probe").dataset.permissions === permissions,
      [user, expected(user).permissions.join(",")],
    );
    const want = await assertDecisions(user);
    seen.add(want.read).add(want.deleteInvoice);
  }
  assert.deepEqual([...seen].sort(), ["allow", "deny"], "both answers occur");
  assert.deepEqual(page.problems, []);
});

test("loading: while the snapshot is on its way <Can> shows its loading node and every decision is a deny", async () => {
  await open();
  await page.evaluate(() => app.mount({ deferred: true, principal: "piggy", withLoading: false }));
  await attached("#probe");
  const loading = await probe();
  assert.equal(loading.status, "loading");
  assert.equal(loading.read, "false");
  assert.equal(loading.permissions, "");
  assert.equal(await present("#can-loading"), true);
  assert.equal(await present("#can-read"), false);
  assert.equal(await present("#cannot-delete"), false, "neither branch of <Can not> while loading");
  assert.equal(await present("#payroll-fallback"), false);
  await page.evaluate(() => app.resolve("camunda7.json"));
  await ready();
  await assertDecisions("piggy");
  assert.equal(await present("#can-loading"), false);

  // The provider's own loading node replaces its children.
  await open();
  await page.evaluate(() => app.mount({ deferred: true, principal: "piggy", withLoading: true }));
  await attached("#provider-loading");
  assert.equal(await present("#probe"), false);
  await page.evaluate(() => app.resolve("camunda7.json"));
  await ready();
  assert.equal(await present("#provider-loading"), false);
  assert.deepEqual(page.problems, []);
});

test("an invalid snapshot: the error code and path are surfaced, every decision is a deny", async () => {
  await open();
  await page.evaluate(() => app.mount({ snapshot: "camunda7.json", edit: { breakIt: true }, principal: "kermit" }));
  await attached('#probe[data-status="error"]');
  const shown = await probe();
  assert.equal(shown.error, "snapshot.unknown_group");
  assert.equal(shown.path, "users[0].groups[0]");
  assert.equal(shown.read, "false");
  assert.equal(await present("#can-read"), false);
  // The same as the native writ says.
  const broken = await page.evaluate(async () => {
    const document = await (await fetch("/examples/camunda7.json")).json();
    document.users[0].groups = ["no-such-group"];
    return JSON.stringify(document);
  });
  const cli = spawnSync(WRIT, ["validate", snapshotFile("broken.json", broken)], { encoding: "utf8" });
  assert.match(cli.stderr, /error\[snapshot\.unknown_group\]/);

  // renderError replaces the children.
  await open();
  await page.evaluate(() => app.mount({ snapshot: "camunda7.json", edit: { breakIt: true }, principal: "kermit", withRenderError: true }));
  await attached("#provider-error");
  assert.equal(await page.$eval("#provider-error", (element) => element.dataset.code), "snapshot.unknown_group");
  assert.equal(await page.textContent("#provider-error"), "snapshot.unknown_group at users[0].groups[0]");

  // A principal the snapshot cannot resolve is an error too: an unknown source.
  await open();
  await page.evaluate(() => app.mount({ snapshot: "camunda7.json", principal: { user: "kermit", source: "engine-z" } }));
  await attached('#probe[data-status="error"]');
  assert.equal((await probe()).error, "request.unknown_source");
  assert.match(writ(["check", example("camunda7.json")], '{"user":"kermit","source":"engine-z","permission":"READ","resourceType":"PROCESS_DEFINITION"}\n'), /request\.unknown_source/);
  assert.deepEqual(page.problems, []);
});

test("a snapshot swap re-renders the consumers, then frees the replaced authorizer", async () => {
  await open();
  await page.evaluate(() => app.mount({ snapshot: "camunda7.json", principal: "gonzo" }));
  await ready();
  const before = await assertDecisions("gonzo");
  assert.equal(before.read, "deny");
  await page.evaluate(() => app.swap("camunda7.json", { withoutRows: ["gonzo-no-read"] }));
  await attached('#probe[data-read="true"]');
  const edited = readJson(example("camunda7.json"));
  edited.authorizations = edited.authorizations.filter((row) => row.id !== "gonzo-no-read");
  await assertDecisions("gonzo", snapshotFile("without-gonzo-no-read.json", edited));
  const ledger = await page.evaluate(() => app.ledger());
  assert.equal(ledger.authorizers, 2);
  assert.deepEqual(ledger.authorizerFrees, [1, 0], "the replaced authorizer is freed once, the new one is in force");
  assert.deepEqual(ledger.authorizersFreed, [true, false]);
  assert.deepEqual(page.problems, []);
});

test("unmount frees every authorizer and handle the provider created, exactly once; one passed in stays the caller's", async () => {
  await open();
  await page.evaluate(() => app.mount({ snapshot: "camunda7.json", principal: "kermit" }));
  await ready();
  await page.evaluate(() => app.principal({ user: "piggy" }));
  await page.waitForSelector('#probe[data-delete-payroll="false"][data-permissions^="READ,UPDATE"]');
  await page.evaluate(() => app.unmount());
  let ledger = await page.evaluate(() => app.ledger());
  assert.equal(ledger.authorizers, 1);
  assert.equal(ledger.handles, 2, "kermit's handle, then piggy's");
  assert.deepEqual(ledger.authorizerFrees, [1]);
  assert.deepEqual(ledger.handleFrees, [1, 1]);
  assert.deepEqual(ledger.authorizersFreed, [true]);
  assert.deepEqual(ledger.handlesFreed, [true, true]);

  await open();
  await page.evaluate(() => app.mount({ authorizer: "camunda7.json", principal: "kermit" }));
  await ready();
  await assertDecisions("kermit");
  await page.evaluate(() => app.unmount());
  ledger = await page.evaluate(() => app.ledger());
  assert.equal(ledger.externalFreed, false, "the caller's authorizer is not freed");
  assert.deepEqual(ledger.handleFrees, [1]);
  assert.deepEqual(page.problems, []);
});

test("StrictMode: the double mount neither frees twice nor leaks, through a swap and an unmount", async () => {
  await open();
  await page.evaluate(() => app.mount({ snapshot: "camunda7.json", principal: "gonzo", strict: true }));
  await ready();
  await assertDecisions("gonzo");
  await page.evaluate(() => app.swap("camunda7.json", { withoutRows: ["gonzo-no-read"] }));
  await attached('#probe[data-read="true"]');
  await page.evaluate(() => app.principal("kermit"));
  await page.waitForSelector('#probe[data-permissions="READ,CREATE_INSTANCE,READ_HISTORY,TASK_ASSIGN"]', { timeout: 10_000 });
  const live = await page.evaluate(() => app.ledger());
  assert.equal(live.authorizersFreed.filter((freed) => !freed).length, 1, "one authorizer in force");
  assert.equal(live.handlesFreed.filter((freed) => !freed).length, 1, "one handle in force");
  await page.evaluate(() => app.unmount());
  const ledger = await page.evaluate(() => app.ledger());
  assert.ok(ledger.authorizers >= 2, `StrictMode loads again on its remount (${ledger.authorizers} authorizers)`);
  assert.ok(ledger.authorizerFrees.every((count) => count === 1), `each authorizer freed exactly once: ${ledger.authorizerFrees}`);
  assert.ok(ledger.handleFrees.every((count) => count === 1), `each handle freed exactly once: ${ledger.handleFrees}`);
  assert.ok(ledger.authorizersFreed.every(Boolean));
  assert.ok(ledger.handlesFreed.every(Boolean));
  assert.deepEqual(page.problems, []);
});
