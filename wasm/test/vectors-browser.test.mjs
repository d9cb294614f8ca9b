// Every conformance vector in headless Chromium, through the package's browser
// entry (`init()` fetching writ_bg.wasm), with the node runner's comparisons
// and the native command's answers: signed snapshots are verified with the
// browser's own WebCrypto. playwright-core drives the system Chromium
// (CHROMIUM, default /usr/bin/chromium); it never downloads a browser.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, serve } from "./serve.mjs";
import { nativeAnswers, vectorFiles, vectors } from "./vector-files.mjs";

let server;
let browser;

before(async () => {
  server = await serve({
    "/pkg/": fileURLToPath(new URL("../pkg/", import.meta.url)),
    "/test/": fileURLToPath(new URL("./", import.meta.url)),
    "/vectors/": `${vectors}/`,
    // Vectors may name the demo snapshots (`../../host/demo/identity.json`).
    "/host/demo/": fileURLToPath(new URL("../../host/demo/", import.meta.url)),
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("every conformance vector in Chromium answers as natively", async () => {
  const files = vectorFiles(vectors).map((path) => {
    const file = JSON.parse(readFileSync(path, "utf8"));
    const snapshotText =
      typeof file.snapshot === "string" ? readFileSync(join(vectors, file.snapshot), "utf8") : JSON.stringify(file.snapshot);
    const checks = (file.cases ?? []).filter((kase) => kase.check).map((kase) => kase.check);
    const native = file.snapshotError ? undefined : nativeAnswers(snapshotText, checks, file);
    return { name: relative(vectors, path).replace(/\.json$/, ""), file, native };
  });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  try {
    await page.goto(`${server.base}/test/browser/vectors.html`);
    await page.waitForSelector("body[data-ready]", { timeout: 10_000 });
    const results = await page.evaluate((files) => window.runVectors(files), files);
    assert.equal(Object.keys(results).length, files.length);
    const failed = Object.entries(results).filter(([, failures]) => failures.length > 0);
    assert.deepEqual(failed, []);
    // The signed ones ran, and were refused where they should be.
    assert.ok(files.some(({ name }) => name === "signed/signed-tampered"), "the signed vectors are among them");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
