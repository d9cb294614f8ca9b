// The web example (wasm/examples/web) in headless Chromium: the browser ES module
// entry of the package (`init()` fetching writ_bg.wasm next to writ.js) gating a
// toolbar. playwright-core drives the system Chromium (CHROMIUM, default
// /usr/bin/chromium); it never downloads a browser.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { launchChromium, serve } from "./serve.mjs";

let server;
let browser;
let base;

before(async () => {
  server = await serve({ "/": fileURLToPath(new URL("..", import.meta.url)) });
  base = server.base;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function toolbar(user) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  try {
    await page.goto(`${base}/examples/web/?user=${user}`);
    await page.waitForSelector("body[data-ready]", { timeout: 10_000 });
    const visible = await page.$$eval("[data-permission]", (buttons) =>
      buttons.filter((button) => !button.hidden).map((button) => button.dataset.permission),
    );
    return { visible, status: await page.textContent("#status"), errors };
  } catch (error) {
    throw new Error(`${error.message}\npage errors: ${errors.join("\n")}`);
  } finally {
    await page.close();
  }
}

test("the toolbar shows what each user may do", async () => {
  assert.deepEqual((await toolbar("kermit")).visible, ["READ", "CREATE_INSTANCE"]);
  assert.deepEqual((await toolbar("gonzo")).visible, ["READ"]);
  assert.deepEqual((await toolbar("piggy")).visible, ["READ", "CREATE_INSTANCE", "DELETE"]);
  const nobody = await toolbar("nobody");
  assert.deepEqual(nobody.visible, []);
  assert.match(nobody.status, /nobody holds nothing \(snapshot edge-example-1\)/);
  assert.deepEqual(nobody.errors, []);
});
