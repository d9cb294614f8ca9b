// The package as front-end developers use it: small apps built with esbuild,
// Vite (current, build and dev server), Vite 5 (with and without the two
// settings it needs) and webpack 5, from www/node_modules, each opened in
// headless Chromium and deciding as the native `writ check` does.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { cliDecisions, example, launchChromium, newPage, paths, principalsOf, questionsOf, readJson, serve } from "./helpers.mjs";

const SNAPSHOT = example("camunda7.json");
let browser;
let server;
let questions;
let expected;

before(async () => {
  browser = await launchChromium();
  server = await serve({ "/out/": paths.out });
  // Every question of the Camunda 7 demo for every user (and a few that cannot be answered).
  const snapshot = readJson(SNAPSHOT);
  questions = principalsOf(snapshot).flatMap((principal) => questionsOf(snapshot).map((question) => ({ ...principal, ...question })));
  questions.push({ user: "kermit", permission: "FLY", resourceType: "PROCESS_DEFINITION" });
  expected = cliDecisions(SNAPSHOT, questions).map((answer) => (answer === "allow" ? 1 : answer === "deny" ? 0 : 2));
  assert.ok(expected.includes(0) && expected.includes(1) && expected.includes(2));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens a built or served page, answering ./org.json and ./questions.json; answers what it wrote. */
async function run(url) {
  const page = await newPage(browser);
  try {
    await page.route("**/org.json", (route) => route.fulfill({ path: SNAPSHOT, contentType: "application/json" }));
    await page.route("**/questions.json", (route) => route.fulfill({ body: JSON.stringify(questions), contentType: "application/json" }));
    await page.goto(url);
    await page.waitForSelector("body[data-ready]", { state: "attached", timeout: 20_000 });
    const result = JSON.parse(await page.textContent("#result"));
    const gated = await page.$eval("#gated", (element) => element.getAttribute("data-writ-decision"));
    return { ...result, gated, problems: page.problems };
  } finally {
    await page.close();
  }
}

function assertDecides(result, name) {
  assert.equal(result.error, undefined, `${name}: ${result.error}\n${result.problems?.join("\n")}`);
  assert.deepEqual(result.batch, expected, `${name}: checkMany`);
  assert.deepEqual(result.single, expected, `${name}: check`);
  assert.equal(result.revision, "demo-2026-11");
  assert.equal(result.react, "function", `${name}: writ/react`);
  // writ/dom, resolved through the package's exports, gated #gated (DELETE on invoice) for the first question's principal.
  assert.equal(result.gated, cliDecisions(SNAPSHOT, [{ ...principalOf(questions[0]), permission: "DELETE", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" }])[0]);
  assert.deepEqual(result.problems, [], name);
}

function principalOf(question) {
  return question.client !== undefined ? { client: question.client } : { user: question.user };
}

function node(args, options = {}) {
  const run = spawnSync(process.execPath, args, { cwd: options.cwd, encoding: "utf8", env: { ...process.env, ...options.env } });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const bin = {
  vite: `${paths.nodeModules}vite/bin/vite.js`,
  vite5: `${paths.nodeModules}vite5/bin/vite.js`,
  webpack: `${paths.nodeModules}webpack-cli/bin/cli.js`,
};

test("the fixtures share one decide.js", () => {
  const canonical = readFileSync(`${paths.fixtures}esbuild/src/decide.js`, "utf8");
  for (const fixture of ["vite", "vite5", "webpack"]) assert.equal(readFileSync(`${paths.fixtures}${fixture}/src/decide.js`, "utf8"), canonical, fixture);
});

test("esbuild --bundle --format=esm: the README's plain init() 404s on writ_bg.wasm; the recipe (--loader:.wasm=file) works", async () => {
  const out = `${paths.out}esbuild/`;
  rmSync(out, { recursive: true, force: true });
  const fixture = `${paths.fixtures}esbuild/`;
  // The recipe, as the command line would run it:
  //   esbuild src/main.js --bundle --format=esm --loader:.wasm=file --outdir=dist
  await build({ entryPoints: [`${fixture}src/main.js`], bundle: true, format: "esm", loader: { ".wasm": "file" }, outdir: out, logLevel: "error" });
  copyFileSync(`${fixture}index.html`, `${out}index.html`);
  assertDecides(await run(`${server.base}/out/esbuild/`), "esbuild");

  const plain = `${paths.out}esbuild-plain/`;
  rmSync(plain, { recursive: true, force: true });
  await build({ entryPoints: { main: `${fixture}src/readme.js` }, bundle: true, format: "esm", outdir: plain, logLevel: "error" });
  copyFileSync(`${fixture}index.html`, `${plain}index.html`);
  const failed = await run(`${server.base}/out/esbuild-plain/`);
  assert.match(failed.problems.join("\n"), /HTTP 404: .*\/out\/esbuild-plain\/writ_bg\.wasm/);
  assert.notEqual(failed.error, undefined);
});

test("Vite (current): vite build, no settings", async () => {
  const out = `${paths.out}vite/`;
  const fixture = `${paths.fixtures}vite/`;
  const built = node([bin.vite, "build", "--outDir", out, "--emptyOutDir", "--base", "./", "--logLevel", "error"], { cwd: fixture, env: { VITE_CACHE_DIR: `${paths.out}vite-cache` } });
  assert.equal(built.status, 0, built.output);
  assertDecides(await run(`${server.base}/out/vite/`), "vite build");
});

test("Vite (current): the dev server, no settings", async () => {
  await withDevServer(bin.vite, `${paths.fixtures}vite/`, [], async (base) => {
    assertDecides(await run(`${base}/`), "vite dev");
  });
});

test("Vite 5: without build.target the build refuses the top-level await; with the two settings build and dev server work", async () => {
  const fixture = `${paths.fixtures}vite5/`;
  const env = { VITE_CACHE_DIR: `${paths.out}vite5-cache` };
  const plain = node([bin.vite5, "build", "--config", "vite.plain.config.js", "--outDir", `${paths.out}vite5-plain/`, "--emptyOutDir", "--logLevel", "error"], { cwd: fixture, env });
  assert.notEqual(plain.status, 0);
  assert.match(plain.output, /Top-level await is not available in the configured target environment/);

  const out = `${paths.out}vite5/`;
  const built = node([bin.vite5, "build", "--outDir", out, "--emptyOutDir", "--base", "./", "--logLevel", "error"], { cwd: fixture, env });
  assert.equal(built.status, 0, built.output);
  assertDecides(await run(`${server.base}/out/vite5/`), "vite 5 build");

  await withDevServer(bin.vite5, fixture, [], async (base) => {
    assertDecides(await run(`${base}/`), "vite 5 dev");
  }, env);
  // Without optimizeDeps.exclude, the pre-bundled copy looks for writ_bg.wasm where it is not.
  rmSync(`${paths.out}vite5-cache`, { recursive: true, force: true });
  await withDevServer(bin.vite5, fixture, ["--config", "vite.plain.config.js"], async (base) => {
    const result = await run(`${base}/`);
    // (the dev server answers its index.html, "<!do…", for the missing file)
    assert.match(result.error ?? "", /expected magic word 00 61 73 6d, found 3c 21 64 6f/);
  }, env);
});

test("webpack 5: webpack-cli, no settings", async () => {
  const out = `${paths.out}webpack/`;
  const fixture = `${paths.fixtures}webpack/`;
  const built = node([bin.webpack, "--config", "webpack.config.js", "--output-path", out], { cwd: fixture });
  assert.equal(built.status, 0, built.output);
  copyFileSync(`${fixture}index.html`, `${out}index.html`);
  assertDecides(await run(`${server.base}/out/webpack/`), "webpack");
});

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a Vite dev server on a free port in `cwd`, runs `body(base)`, stops it. */
async function withDevServer(vite, cwd, args, body, env = { VITE_CACHE_DIR: `${paths.out}vite-cache` }) {
  const port = await freePort();
  const child = spawn(process.execPath, [vite, "--host", "127.0.0.1", "--port", String(port), "--strictPort", ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  try {
    const base = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vite dev server did not start:\n${output}`)), 30_000);
      const read = (chunk) => {
        output += chunk;
        // eslint-disable-next-line no-control-regex
        const match = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ""));
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on("data", read);
      child.stderr.on("data", read);
      child.on("exit", (code) => reject(new Error(`vite exited (${code}):\n${output}`)));
    });
    await body(base);
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on("exit", resolve)));
  }
}
