// Runs bench/gate.html in headless Chromium and prints its medians:
//   node www/bench/gate.mjs      (after scripts/test-www.sh has assembled
//   www/node_modules/writ and www/dist/examples)
// A measurement, not a test: nothing is asserted on time.
import { fileURLToPath } from "node:url";
import { launchChromium, serve } from "../../wasm/test/serve.mjs";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const server = await serve({ "/pkg/": here("../node_modules/writ/"), "/bench/": here("./"), "/examples/": here("../dist/examples/") });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.error(error));
  await page.goto(`${server.base}/bench/gate.html`);
  await page.waitForSelector("body[data-done]", { state: "attached", timeout: 120_000 });
  const { elements, results, userAgent } = await page.evaluate(() => window.results);
  console.log(`${elements} gated elements, ${userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? userAgent}; medians in ms`);
  console.log("| way | first gating (cold) | again (warm) |\n|---|---:|---:|");
  for (const { name, cold, warm } of results) console.log(`| ${name} | ${cold === undefined ? "" : cold.toFixed(2)} | ${warm.toFixed(2)} |`);
} finally {
  await browser.close();
  await server.close();
}
