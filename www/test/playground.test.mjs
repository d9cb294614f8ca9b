// The playground (www/dist, as www/build.sh assembles it) in headless
// Chromium, served under a nested path (its URLs are relative): every matrix
// cell of every demo organisation for every principal equals the native
// `writ check`; an edit flips the expected cells with the expected
// explanation; an invalid edit keeps the last valid snapshot and shows the
// core's code and path; a snapshot file opens; keyboard navigation; axe-core
// finds no serious or critical violation; screenshots at 1280×800 and
// 390×844 are written to www/test/artifacts/.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { cliDecisions, example, launchChromium, newPage, ORGS, paths, readJson, snapshotFile, writ } from "./helpers.mjs";
import { serve } from "./helpers.mjs";

const BASE_PATH = "/some/base/path/";
let server;
let browser;
let page;

before(async () => {
  server = await serve({ [BASE_PATH]: paths.dist });
  browser = await launchChromium();
  mkdirSync(paths.artifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query = "", viewport = { width: 1280, height: 800 }) {
  await page?.close();
  page = await newPage(browser, { viewport, acceptDownloads: true });
  await page.goto(`${server.base}${BASE_PATH}${query}`);
  await page.waitForSelector("body[data-ready='true']", { state: "attached", timeout: 15_000 });
}

/** Runs `action` and waits until the page has rendered again. */
async function rendered(action) {
  const version = await page.evaluate(() => Number(document.body.dataset.version));
  await action();
  await page.waitForFunction((version) => Number(document.body.dataset.version) > version, version, { timeout: 10_000 });
}

async function matrixCells() {
  return page.$$eval('[role="gridcell"]', (cells) => cells.map((cell) => ({ ...cell.dataset })));
}

/** The request a cell asks, built here from its coordinates and who asks. */
function requestOf(cell, who, { profile, tenant } = {}) {
  const request = { ...who };
  if (profile !== undefined) request.profile = profile;
  if (cell.bundle !== undefined) return { ...request, bundle: cell.bundle };
  request.permission = cell.permission;
  request.resourceType = cell.type;
  const id = who.user ?? who.client;
  if (cell.property === "assignee") request.properties = { assignee: id };
  else if (cell.property === "candidateUsers") request.properties = { candidateUsers: [id] };
  else if (cell.property === "candidateGroups") request.properties = { candidateGroups: cell.group === undefined ? [] : [cell.group] };
  else request.resourceId = cell.id;
  if (tenant !== undefined) request.tenantId = tenant;
  return request;
}

/** Compares every cell of the matrix shown with the native writ; answers how many. */
async function compareMatrix(org, who, options = {}) {
  const cells = await matrixCells();
  assert.ok(cells.length > 0, `${org.id}: an empty matrix`);
  const requests = cells.map((cell) => requestOf(cell, who, { profile: org.profile, ...options }));
  const native = cliDecisions(options.snapshot ?? example(org.file), requests);
  cells.forEach((cell, index) => {
    const shown = cell.decision === "error" ? cell.error : cell.decision;
    assert.equal(shown, native[index], `${org.id} ${JSON.stringify(requests[index])}`);
  });
  return native;
}

test("every matrix cell of every demo organisation, for every principal, equals writ check", async () => {
  let compared = 0;
  for (const org of ORGS) {
    await open(`?org=${org.id}`);
    assert.equal(await page.$eval("#org", (select) => select.value), org.id);
    const choices = await page.$$eval("#who option", (options) => options.map((option) => option.value));
    assert.ok(choices.length >= 3, `${org.id}: principals ${choices}`);
    const answers = new Set();
    for (const choice of choices) {
      const [kind, id] = choice.split(":");
      if (choice !== (await page.$eval("#who", (select) => select.value))) await rendered(() => page.selectOption("#who", choice));
      assert.equal(await page.textContent("#matrix-who"), kind === "client" ? `client ${id}` : id);
      const native = await compareMatrix(org, { [kind]: id });
      compared += native.length;
      for (const answer of native) answers.add(answer);
    }
    assert.ok(answers.has("allow") && answers.has("deny"), `${org.id}: both answers occur (${[...answers]})`);
  }

  // A tenant on the resources, and every permission of each type (Camunda 7).
  await open("?org=camunda7&user=piggy");
  await rendered(() => page.selectOption("#tenant", "apac"));
  compared += (await compareMatrix(ORGS[0], { user: "piggy" }, { tenant: "apac" })).length;
  await rendered(() => page.check("#all"));
  const all = await compareMatrix(ORGS[0], { user: "piggy" }, { tenant: "apac" });
  assert.ok(all.length > 40, `every permission: ${all.length} cells`);
  compared += all.length;

  // Token claims for a mapping rule (Management Identity: groups "eng" → role optimize-user).
  await open("?org=identity&user=bob");
  const before = await page.$eval('[data-type="optimize-api"][data-id="*"][data-permission="write:*"]', (cell) => cell.dataset.decision);
  await page.click(".more summary");
  await page.fill("#claims", '{"groups": ["eng"]}');
  await rendered(() => page.press("#claims", "Enter"));
  const cells = await matrixCells();
  const requests = cells.map((cell) => ({ ...requestOf(cell, { user: "bob" }), claims: { groups: ["eng"] } }));
  const native = cliDecisions(example("identity.json"), requests);
  cells.forEach((cell, index) => assert.equal(cell.decision === "error" ? cell.error : cell.decision, native[index], JSON.stringify(requests[index])));
  const after = await page.$eval('[data-type="optimize-api"][data-id="*"][data-permission="write:*"]', (cell) => cell.dataset.decision);
  assert.deepEqual([before, after], ["deny", "allow"], "the mapping rule's role applies with the claim");
  compared += native.length;
  assert.ok(compared > 300, `compared ${compared} cells`);
  assert.deepEqual(page.problems, []);
});

test("an edit flips the expected cells at once, lists them, and explains them as writ explain does", async () => {
  await open("?org=camunda7&user=gonzo");
  const cell = (permission) => `[data-type="PROCESS_DEFINITION"][data-id="invoice"][data-permission="${permission}"]`;
  assert.equal(await page.$eval(cell("READ"), (element) => element.dataset.decision), "deny");
  assert.equal(await page.$eval(cell("READ_HISTORY"), (element) => element.dataset.decision), "allow");

  // gonzo-no-read: revoke READ_HISTORY instead of READ.
  const row = 'tr[data-item="authorizations:3"]';
  assert.equal(await page.$eval(`${row} [data-field="id"]`, (input) => input.value), "gonzo-no-read");
  await page.fill(`${row} [data-field="permissions"]`, "READ_HISTORY");
  await rendered(() => page.press(`${row} [data-field="permissions"]`, "Enter"));
  assert.equal(await page.$eval(cell("READ"), (element) => element.dataset.decision), "allow");
  assert.equal(await page.$eval(cell("READ_HISTORY"), (element) => element.dataset.decision), "deny");
  assert.ok(await page.$eval(cell("READ"), (element) => element.classList.contains("changed")));
  const listed = await page.$$eval(".diff-list li", (items) => items.map((item) => item.textContent));
  assert.ok(listed.includes("gonzo · READ on PROCESS_DEFINITION invoice: deny → ALLOW"), listed.join("\n"));
  assert.ok(listed.includes("gonzo · READ_HISTORY on PROCESS_DEFINITION invoice: ALLOW → deny"), listed.join("\n"));
  assert.match(await page.textContent("#status"), /\(edited\)/);

  // The exported snapshot is the edited one, and the native writ decides it as the page does.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  assert.equal(download.suggestedFilename(), "camunda7-edited.json");
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  const expected = readJson(example("camunda7.json"));
  expected.authorizations[3].permissions = ["READ_HISTORY"];
  assert.deepEqual(exported, expected);
  const file = snapshotFile("camunda7-edited.json", exported);
  await compareMatrix({ id: "camunda7 edited" }, { user: "gonzo" }, { snapshot: file });

  // The explanation of the flipped cells is writ explain's on the edited snapshot.
  for (const permission of ["READ", "READ_HISTORY"]) {
    await page.click(cell(permission));
    const native = JSON.parse(writ(["explain", file, "--user", "gonzo", "--permission", permission, "--resource-type", "PROCESS_DEFINITION", "--resource-id", "invoice"]));
    const shown = await page.evaluate(() => ({
      verdict: document.querySelector("#why .badge").textContent,
      rule: document.querySelector("#why .rule").textContent,
      rows: [...document.querySelectorAll("#why .rows.deciding li")].map((item) => item.dataset.row),
      overridden: [...document.querySelectorAll("#why .rows.overridden li")].map((item) => item.dataset.row),
      reason: document.querySelector("#why .reason").textContent,
    }));
    assert.equal(shown.verdict, native.allowed ? "ALLOW" : "deny");
    assert.equal(shown.rule, native.rule);
    assert.deepEqual(shown.rows, native.rows);
    assert.deepEqual(shown.overridden, native.overridden ?? []);
    assert.equal(shown.reason, native.reason.replaceAll("`", ""));
  }
  assert.equal(await page.$eval("#why .rule", (element) => element.textContent), "camunda7.level", "READ_HISTORY: the user-level revoke beats the group grant");
  assert.deepEqual(page.problems, []);
});

test("the forms: a role membership, a new tenant and a tenant membership (Camunda 8), each in force at once", async () => {
  await open("?org=camunda8&user=carol");
  const create = '[data-type="PROCESS_DEFINITION"][data-id="invoice"][data-permission="CREATE_PROCESS_INSTANCE"]';
  assert.equal(await page.$eval(create, (cell) => cell.dataset.decision), "deny");
  await page.click("#tab-users");
  const carol = await page.$$eval('tr[data-item^="users:"] [data-field="id"]', (inputs) => inputs.findIndex((input) => input.value === "carol"));
  const roles = `tr[data-item="users:${carol}"] [data-field="roles"]`;
  await page.fill(roles, "admin");
  await rendered(() => page.press(roles, "Enter"));
  assert.equal(await page.$eval(create, (cell) => cell.dataset.decision), "allow", "carol holds admin's grants");

  await page.click("#tab-tenants");
  await rendered(() => page.click("text=Add tenant"));
  const tenant = 'tr[data-item="tenants:2"] [data-field="id"]';
  await page.fill(tenant, "apac");
  await rendered(() => page.press(tenant, "Enter"));
  await page.click("#tab-users");
  const tenants = `tr[data-item="users:${carol}"] [data-field="tenants"]`;
  await page.fill(tenants, "apac");
  await rendered(() => page.press(tenants, "Enter"));
  await rendered(() => page.selectOption("#tenant", "apac"));
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.deepEqual(exported.tenants.map((each) => each.id), ["<default>", "emea", "apac"]);
  assert.deepEqual(exported.users.find((user) => user.id === "carol"), { id: "carol", roles: ["admin"], tenants: ["apac"] });
  const native = await compareMatrix({ id: "camunda8 edited" }, { user: "carol" }, { tenant: "apac", snapshot: snapshotFile("camunda8-edited.json", exported) });
  assert.ok(native.includes("allow"));
  await rendered(() => page.selectOption("#tenant", "emea"));
  assert.equal(await page.$eval(create, (cell) => cell.dataset.decision), "deny", "carol is not in emea");
  assert.deepEqual(page.problems, []);
});

test("an invalid edit shows the core's code and path and keeps the last valid snapshot in force", async () => {
  await open("?org=camunda7&user=kermit");
  const before = await matrixCells();
  await page.click("#tab-users");
  const groups = 'tr[data-item="users:0"] [data-field="groups"]';
  assert.equal(await page.$eval(groups, (input) => input.value), "accounting, optimize-users");
  await page.fill(groups, "acounting");
  await rendered(() => page.press(groups, "Enter"));
  const box = await page.textContent("#edit-error");
  assert.match(box, /snapshot\.unknown_group at users\[0\]\.groups\[0\]/);
  assert.match(box, /Not applied/);
  assert.equal(await page.$eval(groups, (input) => input.getAttribute("aria-invalid")), "true");
  assert.deepEqual(await matrixCells(), before, "the decisions are the last valid snapshot's");
  assert.doesNotMatch(await page.textContent("#status"), /edited/);
  // What the native writ says of the same edit.
  const broken = readJson(example("camunda7.json"));
  broken.users[0].groups = ["acounting"];
  assert.throws(() => writ(["validate", snapshotFile("broken.json", broken)]), /error\[snapshot\.unknown_group\]/);
  await screenshot("playground-invalid-edit-1280x800.png", "#editor-card");
  await axe("an invalid edit");

  // A second, valid edit on top applies the whole draft only when it is valid again.
  await page.fill(groups, "accounting, optimize-users");
  await rendered(() => page.press(groups, "Enter"));
  assert.equal(await page.isVisible("#edit-error"), false);
  assert.deepEqual(await matrixCells(), before);

  // The JSON tab: text that is not JSON.
  await page.click("#tab-json");
  await page.fill("textarea.json", '{"format": 1, "profile": "camunda7", "users": [');
  await rendered(() => page.click("text=Apply JSON"));
  assert.match(await page.textContent("#edit-error"), /snapshot\.malformed/);
  assert.deepEqual(await matrixCells(), before);
  await rendered(() => page.click("text=Back to the last valid snapshot"));

  // An invalid file does not replace the organisation; a valid one does.
  await page.setInputFiles("#file", { name: "bad.json", mimeType: "application/json", buffer: Buffer.from('{"format": 2, "profile": "camunda7"}') });
  await page.waitForSelector(".status.error");
  assert.match(await page.textContent("#status"), /snapshot\.unsupported_format/);
  assert.deepEqual(await matrixCells(), before);
  const mine = readJson(example("camunda7.json"));
  mine.revision = "mine-1";
  mine.authorizations.push({ id: "kermit-delete", type: "GRANT", userId: "kermit", resourceType: "PROCESS_DEFINITION", resourceId: "payroll", permissions: ["DELETE"] });
  await rendered(() => page.setInputFiles("#file", { name: "mine.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(mine)) }));
  assert.match(await page.textContent("#status"), /mine\.json.*revision mine-1/);
  assert.equal(await page.$eval("#org", (select) => select.selectedOptions[0].textContent), "File: mine.json");
  await compareMatrix({ id: "mine" }, { user: "kermit" }, { snapshot: snapshotFile("mine.json", mine) });
  assert.equal(await page.$eval('[data-type="PROCESS_DEFINITION"][data-id="payroll"][data-permission="DELETE"]', (cell) => cell.dataset.decision), "allow");
  assert.deepEqual(page.problems.filter((problem) => !problem.includes("snapshot")), []);
});

test("a bigger snapshot (writ generate): the editor pages and filters, the decisions still equal writ check", async () => {
  const file = snapshotFile("generated.json", writ(["generate", "--users", "60", "--groups", "12", "--authorizations", "400", "--seed", "7"]));
  await open("?org=camunda7");
  await rendered(() => page.setInputFiles("#file", file));
  const who = await page.$eval("#who", (select) => select.value.split(":")[1]);
  await compareMatrix({ id: "generated" }, { user: who }, { snapshot: file });
  const rows = () => page.$$eval('#editor tr[data-item^="authorizations:"]', (items) => items.length);
  assert.equal(await rows(), 100);
  await page.click("text=/Show 100 more/");
  assert.equal(await rows(), 200);
  const id = readJson(file).authorizations[321].id;
  await page.fill("#editor input[type=search]", `"id":"${id}"`);
  await page.waitForFunction(() => document.querySelectorAll('#editor tr[data-item^="authorizations:"]').length === 1);
  assert.equal(await page.$eval('#editor tr[data-item^="authorizations:"]', (row) => row.dataset.item), "authorizations:321");
  // An error in an item past the page: "show the field" opens it.
  await page.fill("#editor input[type=search]", "");
  await page.waitForFunction(() => document.querySelectorAll('#editor tr[data-item^="authorizations:"]').length === 100);
  await page.click("#tab-json");
  const broken = readJson(file);
  broken.authorizations[350].permissions = ["FLY"];
  await page.fill("textarea.json", JSON.stringify(broken));
  await rendered(() => page.click("text=Apply JSON"));
  assert.match(await page.textContent("#edit-error"), /snapshot\.unknown_permission at authorizations\[350\]\.permissions\[0\]/);
  await page.click("text=show the field");
  assert.equal(await page.evaluate(() => document.activeElement.closest("tr")?.dataset.item), "authorizations:350");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-invalid")), "true");
  assert.deepEqual(page.problems, []);
});

test("the matrix is one keyboard widget: a roving tabindex, arrows within and across grids, Home/End, Enter explains", async () => {
  await open("?org=camunda7&user=kermit");
  const active = () => page.evaluate(() => ({ key: document.activeElement.dataset.key, tabbable: document.querySelectorAll('#matrix [tabindex="0"]').length }));
  // Tab into the matrix from the control before it.
  await page.focus("#matrix-title");
  await page.focus("#all");
  let stops = 0;
  while (!(await page.evaluate(() => document.activeElement.getAttribute("role") === "gridcell")) && stops++ < 10) await page.keyboard.press("Tab");
  assert.deepEqual(await active(), { key: "APPLICATION\u0001*\u0001ACCESS", tabbable: 1 });
  await page.keyboard.press("ArrowDown");
  assert.equal((await active()).key, "APPLICATION\u0001tasklist\u0001ACCESS");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown"); // across into PROCESS_DEFINITION, first row
  assert.equal((await active()).key, "PROCESS_DEFINITION\u0001*\u0001READ");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal((await active()).key, "PROCESS_DEFINITION\u0001invoice\u0001CREATE_INSTANCE");
  await page.keyboard.press("End");
  assert.equal((await active()).key, "PROCESS_DEFINITION\u0001invoice\u0001ALL");
  await page.keyboard.press("ArrowRight"); // the edge: stays
  assert.equal((await active()).key, "PROCESS_DEFINITION\u0001invoice\u0001ALL");
  await page.keyboard.press("Home");
  assert.equal((await active()).key, "PROCESS_DEFINITION\u0001invoice\u0001READ");
  await page.keyboard.press("ArrowLeft"); // not onto the row header
  assert.equal((await active()).key, "PROCESS_DEFINITION\u0001invoice\u0001READ");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp"); // back into APPLICATION's last row
  assert.equal((await active()).key, "APPLICATION\u0001optimize\u0001ACCESS");
  await page.keyboard.press("Control+End");
  assert.equal((await active()).key, "PROCESS_DEFINITION\u0001payroll\u0001ALL");
  await page.keyboard.press("Control+Home");
  assert.equal((await active()).key, "APPLICATION\u0001*\u0001ACCESS");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#why .verdict");
  assert.match(await page.textContent("#why .question"), /kermit · ACCESS on APPLICATION tasklist/);
  assert.equal(await page.$eval('[aria-selected="true"]', (cell) => cell.dataset.key), "APPLICATION\u0001tasklist\u0001ACCESS");
  assert.deepEqual(await active(), { key: "APPLICATION\u0001tasklist\u0001ACCESS", tabbable: 1 });
  // The focus survives a re-render (another principal), and Tab leaves the matrix.
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  assert.notEqual(await page.evaluate(() => document.activeElement.getAttribute("role")), "gridcell");
  assert.deepEqual(page.problems, []);
});

/** axe-core (from npm) injected into the page: no serious or critical violation. */
async function axe(when) {
  await page.addScriptTag({ path: `${paths.nodeModules}axe-core/axe.min.js` });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations);
  const bad = violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  assert.deepEqual(
    bad.map((violation) => `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).slice(0, 5).join(", ")})`),
    [],
    `axe, ${when}`,
  );
  return violations;
}

async function screenshot(name, selector) {
  if (selector !== undefined) await page.locator(selector).screenshot({ path: `${paths.artifacts}${name}` });
  else await page.screenshot({ path: `${paths.artifacts}${name}` });
}

test("accessibility (axe-core: no serious or critical violation) and screenshots at 1280×800 and 390×844", async () => {
  for (const org of ORGS) {
    await open(`?org=${org.id}`);
    await page.click('[role="gridcell"]');
    await axe(`${org.id}, a cell explained`);
  }
  await open("?org=camunda7&user=gonzo");
  await page.click('[data-type="PROCESS_DEFINITION"][data-id="invoice"][data-permission="READ"]');
  await page.waitForSelector("#why .verdict");
  await screenshot("playground-1280x800.png");
  await page.click(".more summary");
  await axe("camunda7 at 1280×800, the token details open");

  await open("?org=camunda7&user=gonzo", { width: 390, height: 844 });
  await screenshot("playground-390x844.png");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal page scroll at 390 px (${overflow} px too wide)`);
  await page.click('[data-type="PROCESS_DEFINITION"][data-id="invoice"][data-permission="READ"]');
  await page.waitForSelector("#why .verdict");
  await screenshot("playground-390x844-why.png");
  await axe("camunda7 at 390×844");
  assert.deepEqual(page.problems, []);
});
