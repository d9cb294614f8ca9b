// The web example (wasm/examples/web) in headless Chromium: the browser ES module
// entry of the package (`init()` fetching writ_bg.wasm next to writ.js) gating a
// toolbar. playwright-core drives the system Chromium (CHROMIUM, default
// /usr/bin/chromium); it never downloads a browser.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const wasmDir = fileURLToPath(new URL("..", import.meta.url));
const types = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };
let server;
let browser;
let base;

before(async () => {
  server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    const file = join(wasmDir, path.endsWith("/") ? `${path}index.html` : path);
    try {
      if (!file.startsWith(wasmDir)) throw new Error("outside wasm/");
      const body = await readFile(file);
      response.writeHead(200, { "content-type": types[extname(path)] ?? "text/html" }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
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
