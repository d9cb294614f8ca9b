// A static file server on loopback for the browser tests: each URL prefix
// served from one folder, nothing outside them. Started and stopped by the
// tests themselves.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";

const types = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/**
 * Serves `roots` ({ "/prefix/": "/absolute/folder/" }); a path ending in `/`
 * is its `index.html`. Resolves to { base, close }.
 */
export async function serve(roots) {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    const prefix = Object.keys(roots).find((root) => path.startsWith(root));
    const relative = prefix === undefined ? undefined : path.slice(prefix.length);
    const file = relative === undefined ? undefined : join(roots[prefix], relative.endsWith("/") || relative === "" ? `${relative}index.html` : relative);
    try {
      if (file === undefined || !file.startsWith(roots[prefix])) throw new Error("outside the served folders");
      const body = await readFile(file);
      response.writeHead(200, { "content-type": types[extname(file)] ?? "text/plain" }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Launches the system Chromium (CHROMIUM, default /usr/bin/chromium); never a downloaded browser. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
