// writ/dom in headless Chromium: static and added elements, the three modes,
// principal and snapshot swaps, failing closed, and every decision of the
// demo organisations equal to the native `writ check`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { cliDecisions, example, launchChromium, newPage, ORGS, paths, principalsOf, questionsOf, readJson, serve } from "./helpers.mjs";

let server;
let browser;
let page;

before(async () => {
  server = await serve({ "/pkg/": paths.pkg, "/pages/": paths.pages, "/examples/": paths.examples });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function fresh() {
  await page?.close();
  page = await newPage(browser);
  await page.goto(`${server.base}/pages/dom.html`);
  await page.waitForSelector("body[data-ready]", { state: "attached", timeout: 10_000 });
}

/** What writ did to an element: its decision, and how it is gated. */
async function look(id) {
  return page.evaluate((id) => {
    const element = document.getElementById(id) ?? window.removed?.[id];
    if (element === undefined || element === null) return null;
    return {
      decision: element.getAttribute("data-writ-decision"),
      error: element.getAttribute("data-writ-error"),
      hidden: element.hidden,
      ariaDisabled: element.getAttribute("aria-disabled"),
      disabled: element.disabled ?? null,
      connected: element.isConnected,
    };
  }, id);
}

test("static elements: the three modes as kermit, each decision as writ check says", async () => {
  await fresh();
  await page.evaluate(async () => {
    window.removed = { history: document.getElementById("history"), "payroll-delete": document.getElementById("payroll-delete") };
    t.authorizer = await t.load("camunda7.json");
    t.g = t.gate(document.body, { authorizer: t.authorizer, principal: "kermit" });
  });
  const cli = cliDecisions(example("camunda7.json"), [
    { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" },
    { user: "kermit", permission: "DELETE", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" },
    { user: "kermit", permission: "UPDATE", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" },
    { user: "kermit", permission: "READ_HISTORY", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" },
    { user: "kermit", permission: "CREATE_INSTANCE", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" },
    { user: "kermit", permission: "DELETE", resourceType: "PROCESS_DEFINITION", resourceId: "payroll" },
    { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "payroll" },
    { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", tenantId: "apac" },
  ]);
  assert.deepEqual(cli, ["allow", "deny", "deny", "allow", "allow", "deny", "allow", "deny"]);

  // hide (default), allowed: untouched.
  assert.deepEqual(await look("read"), { decision: "allow", error: null, hidden: false, ariaDisabled: null, disabled: false, connected: true });
  // disable on a button: aria-disabled, still focusable, not natively disabled.
  assert.deepEqual(await look("delete"), { decision: "deny", error: null, hidden: false, ariaDisabled: "true", disabled: false, connected: true });
  // disable on a form field: aria-disabled and the native disabled.
  assert.deepEqual(await look("rename"), { decision: "deny", error: null, hidden: false, ariaDisabled: "true", disabled: true, connected: true });
  // disable on a button-like input: a button, aria-disabled only.
  assert.deepEqual(await look("save"), { decision: "deny", error: null, hidden: false, ariaDisabled: "true", disabled: false, connected: true });
  // remove, allowed: still there.
  assert.equal((await look("history")).connected, true);
  assert.equal((await look("start")).decision, "allow");
  // remove, denied: replaced by a comment placeholder.
  assert.deepEqual(await look("payroll-delete"), { decision: "deny", error: null, hidden: false, ariaDisabled: null, disabled: false, connected: false });
  assert.match(await page.evaluate(() => [...document.getElementById("payroll").childNodes].find((node) => node.nodeType === 8)?.data ?? ""), /writ: removed until allowed \(DELETE on PROCESS_DEFINITION\)/);
  // allowed, and hidden by the page itself: writ leaves it hidden.
  assert.deepEqual(await look("payroll-read"), { decision: "allow", error: null, hidden: true, ariaDisabled: null, disabled: null, connected: true });
  // the tenant comes from the ancestor: kermit is not in apac.
  assert.deepEqual(await look("tenant-read"), { decision: "deny", error: null, hidden: true, ariaDisabled: null, disabled: false, connected: true });
  // fails closed: no resource type anywhere, an unknown permission.
  assert.deepEqual(await look("orphan"), { decision: "deny", error: "dom.missing_resource_type", hidden: true, ariaDisabled: null, disabled: false, connected: true });
  assert.deepEqual(await look("unknown"), { decision: "deny", error: "request.unknown_permission", hidden: true, ariaDisabled: null, disabled: false, connected: true });
  assert.equal(await page.evaluate(() => t.g.error?.code), "request.unknown_permission");

  // A hidden element is out of the accessibility tree; an aria-disabled one is in it, disabled and focusable.
  const tree = await page.locator("main").ariaSnapshot();
  assert.doesNotMatch(tree, /Read the apac invoice/);
  assert.match(tree, /button "Delete" \[disabled\]/);
  await page.focus("#delete");
  assert.equal(await page.evaluate(() => document.activeElement.id), "delete");
  assert.deepEqual(page.problems, []);
});

test("a control gated by disable cannot be activated, by click or keyboard, until allowed", async () => {
  await fresh();
  await page.evaluate(async () => {
    window.clicks = 0;
    document.getElementById("delete").addEventListener("click", () => window.clicks++);
    t.authorizer = await t.load("camunda7.json");
    t.g = t.gate(document.body, { authorizer: t.authorizer, principal: "kermit" });
  });
  // A real mouse click (force: Playwright itself treats aria-disabled as not clickable).
  await page.click("#delete", { force: true });
  await page.focus("#delete");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Space");
  assert.equal(await page.evaluate(() => window.clicks), 0);
  // piggy (management: ALL on every definition) may delete the invoice.
  await page.evaluate(() => t.g.update({ principal: "piggy" }));
  assert.deepEqual(await look("delete"), { decision: "allow", error: null, hidden: false, ariaDisabled: null, disabled: false, connected: true });
  await page.click("#delete");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => window.clicks), 2);
  // the native disabled comes back off, the page's own attributes stay.
  assert.equal((await look("rename")).disabled, false);
  assert.equal((await look("payroll-read")).hidden, true);
});

test("elements added later and changed attributes are gated by the observer, in one batch", async () => {
  await fresh();
  await page.evaluate(async () => {
    t.authorizer = await t.load("camunda7.json");
    t.g = t.gate(document.body, { authorizer: t.authorizer, principal: "gonzo" });
    // Count the batches: checkMany calls while elements are added.
    const checkMany = t.authorizer.checkMany.bind(t.authorizer);
    window.batches = [];
    t.authorizer.checkMany = (requests) => {
      window.batches.push(requests.length);
      return checkMany(requests);
    };
    const box = document.getElementById("dynamic");
    box.innerHTML = `
      <div id="dyn-scope" data-writ-resource-type="PROCESS_DEFINITION" data-writ-resource-id="invoice">
        <button id="dyn-read" data-writ-permission="READ">read</button>
        <button id="dyn-history" data-writ-permission="READ_HISTORY" data-writ-mode="disable">history</button>
        <button id="dyn-start" data-writ-permission="CREATE_INSTANCE" data-writ-mode="remove">start</button>
      </div>`;
    window.removed = { "dyn-start": document.getElementById("dyn-start") };
    const late = document.createElement("button");
    late.id = "dyn-late";
    late.dataset.writPermission = "ACCESS";
    late.dataset.writResourceType = "APPLICATION";
    late.dataset.writResourceId = "tasklist";
    box.append(late);
  });
  await page.waitForFunction(() => document.getElementById("dyn-late")?.hasAttribute("data-writ-decision"));
  // gonzo: READ on invoice revoked at user level; READ_HISTORY granted (grant before revoke); CREATE_INSTANCE granted.
  assert.equal((await look("dyn-read")).decision, "deny");
  assert.equal((await look("dyn-read")).hidden, true);
  assert.equal((await look("dyn-history")).decision, "allow");
  assert.equal((await look("dyn-start")).connected, true);
  assert.equal((await look("dyn-late")).decision, "allow");
  assert.deepEqual(await page.evaluate(() => window.batches), [4], "the four added elements in one checkMany");

  // An ancestor's resource changes: its elements are gated again (payroll: no grant of READ_HISTORY or CREATE_INSTANCE).
  await page.evaluate(() => document.getElementById("dyn-scope").setAttribute("data-writ-resource-id", "payroll"));
  await page.waitForFunction(() => document.getElementById("dyn-history").getAttribute("data-writ-decision") === "deny");
  assert.equal((await look("dyn-history")).ariaDisabled, "true");
  assert.equal((await look("dyn-start")).connected, false);
  // The element's own resource changes (nobody but the global row may access `*`).
  await page.evaluate(() => document.getElementById("dyn-late").setAttribute("data-writ-resource-id", "*"));
  await page.waitForFunction(() => document.getElementById("dyn-late").getAttribute("data-writ-decision") === "deny");
  // A mode changes: hide → disable.
  await page.evaluate(() => document.getElementById("dyn-late").setAttribute("data-writ-mode", "disable"));
  await page.waitForFunction(() => document.getElementById("dyn-late").getAttribute("aria-disabled") === "true");
  assert.equal((await look("dyn-late")).hidden, false);
  // No longer gated: writ undoes what it did.
  await page.evaluate(() => document.getElementById("dyn-late").removeAttribute("data-writ-permission"));
  await page.waitForFunction(() => !document.getElementById("dyn-late").hasAttribute("data-writ-decision"));
  assert.equal((await look("dyn-late")).ariaDisabled, null);
  assert.deepEqual(page.problems, []);
});

test("a principal swap and a snapshot swap gate everything again; removed elements come back", async () => {
  await fresh();
  await page.evaluate(async () => {
    window.removed = { "payroll-delete": document.getElementById("payroll-delete"), history: document.getElementById("history") };
    t.authorizer = await t.load("camunda7.json");
    t.g = t.gate(document.body, { authorizer: t.authorizer, principal: "gonzo" });
  });
  // gonzo: READ on invoice revoked, READ_HISTORY on invoice allowed (README).
  assert.equal((await look("read")).decision, "deny");
  assert.equal((await look("history")).connected, true);
  assert.equal((await look("payroll-delete")).connected, false);

  // fozzie (ops: ALL on every definition, no revoke): everything on invoice and payroll.
  await page.evaluate(() => t.g.update({ principal: { user: "fozzie" } }));
  assert.equal((await look("read")).decision, "allow");
  assert.equal((await look("read")).hidden, false);
  assert.equal((await look("payroll-delete")).connected, true, "the removed element is back");
  assert.equal(await page.evaluate(() => document.getElementById("payroll-delete").parentElement.id), "payroll");
  assert.equal(await page.evaluate(() => [...document.getElementById("payroll").childNodes].some((node) => node.nodeType === 8)), false, "no placeholder left");

  // Back to gonzo, then a snapshot without his revoke: READ on invoice turns to allow.
  await page.evaluate(() => t.g.update({ principal: "gonzo" }));
  assert.equal((await look("read")).decision, "deny");
  await page.evaluate(async () => {
    const old = t.authorizer;
    t.authorizer = await t.load("camunda7.json", { withoutRows: ["gonzo-no-read"] });
    t.g.update({ authorizer: t.authorizer });
    old.free();
  });
  assert.equal((await look("read")).decision, "allow");
  assert.equal((await look("read")).hidden, false);
  // A groups claim in the principal document: gonzo as if only in management.
  await page.evaluate(() => t.g.update({ principal: { user: "gonzo", groups: ["management"] } }));
  assert.equal((await look("delete")).decision, "allow");
  assert.deepEqual(page.problems, []);
});

test("fails closed: no authorizer yet, a freed authorizer, a resolved handle as principal", async () => {
  await fresh();
  await page.evaluate(() => {
    window.errors = [];
    t.g = t.gate(document.body, { authorizer: null, principal: "kermit" }, { onError: (error) => window.errors.push(error.code) });
  });
  assert.deepEqual(await look("read"), { decision: "deny", error: "dom.not_ready", hidden: true, ariaDisabled: null, disabled: false, connected: true });
  await page.evaluate(async () => {
    t.authorizer = await t.load("camunda7.json");
    t.g.update({ authorizer: t.authorizer });
  });
  assert.equal((await look("read")).decision, "allow");
  await page.evaluate(() => {
    t.authorizer.free();
    t.g.refresh();
  });
  assert.deepEqual(await look("read"), { decision: "deny", error: "authorizer.freed", hidden: true, ariaDisabled: null, disabled: false, connected: true });
  assert.ok((await page.evaluate(() => window.errors)).includes("authorizer.freed"));
  await page.evaluate(async () => {
    t.authorizer = await t.load("camunda7.json");
    t.g.update({ authorizer: t.authorizer, principal: t.authorizer.principal({ user: "kermit" }) });
  });
  assert.equal((await look("read")).error, "dom.not_ready");
  // After disconnect, nothing follows the page any more.
  await page.evaluate(async () => {
    t.g.update({ principal: "kermit" });
    t.g.disconnect();
    const late = document.createElement("button");
    late.id = "after-disconnect";
    late.dataset.writPermission = "DELETE";
    late.dataset.writResourceType = "PROCESS_DEFINITION";
    document.body.append(late);
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  assert.equal((await look("after-disconnect")).decision, null);
  assert.equal(await page.evaluate(() => { try { t.g.refresh(); return "no error"; } catch (error) { return error.code; } }), "dom.disconnected");
  assert.deepEqual(page.problems, []);
});

test("every decision of the demo organisations equals writ check, for every principal, with and without a tenant", async () => {
  await fresh();
  let compared = 0;
  const outcomes = new Set();
  for (const org of ORGS) {
    const snapshot = readJson(example(org.file));
    const questions = questionsOf(snapshot);
    const tenants = [undefined, ...(snapshot.tenants ?? []).map((tenant) => tenant.id)];
    const asked = tenants.flatMap((tenantId) => questions.map((question) => (tenantId === undefined ? question : { ...question, tenantId })));
    await page.evaluate(async ({ file, asked }) => {
      t.g?.disconnect();
      t.authorizer?.free();
      const bulk = document.getElementById("bulk");
      bulk.replaceChildren();
      asked.forEach((question, index) => {
        const element = document.createElement("span");
        element.id = `q${index}`;
        element.dataset.writPermission = question.permission;
        element.dataset.writResourceType = question.resourceType;
        element.dataset.writResourceId = question.resourceId;
        if (question.tenantId !== undefined) element.dataset.writTenant = question.tenantId;
        bulk.append(element);
      });
      t.authorizer = await t.load(file);
      t.g = t.gate(bulk, { authorizer: t.authorizer, principal: null });
    }, { file: org.file, asked });
    for (const principal of principalsOf(snapshot)) {
      const doc = org.profile === undefined ? principal : { ...principal, profile: org.profile };
      const page_ = await page.evaluate((doc) => {
        t.g.update({ principal: doc });
        return [...document.getElementById("bulk").children].map((element) => element.getAttribute("data-writ-decision"));
      }, doc);
      const cli = cliDecisions(example(org.file), asked.map((question) => ({ ...doc, ...question })));
      const expected = cli.map((answer) => (answer === "allow" ? "allow" : "deny"));
      assert.deepEqual(page_, expected, `${org.id} as ${JSON.stringify(doc)}`);
      compared += expected.length;
      outcomes.add(`${org.id}:${expected.some((answer) => answer === "allow")}`);
    }
    assert.ok(outcomes.has(`${org.id}:true`), `${org.id}: some principal is allowed something`);
  }
  assert.ok(compared > 500, `compared ${compared} decisions`);
  assert.deepEqual(page.problems, []);
});
