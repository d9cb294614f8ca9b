// Shared by the www tests: where things are, the native `writ` as the oracle,
// and Chromium (through wasm/test/serve.mjs: the system browser, never a
// downloaded one; and its loopback static server).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launchChromium, serve } from "../../wasm/test/serve.mjs";

export { launchChromium, serve };

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const paths = {
  root: here("../../"),
  www: here("../"),
  dist: here("../dist/"),
  examples: here("../dist/examples/"),
  pkg: here("../node_modules/writ/"),
  fixtures: here("./fixtures/"),
  pages: here("./pages/"),
  out: here("./.out/"),
  artifacts: here("./artifacts/"),
  nodeModules: here("../node_modules/"),
};

export const WRIT = process.env.WRIT_BIN ?? here("../../target/debug/writ");

/** The demo organisations as the playground lists them: the file, and the profile decided under. */
export const ORGS = [
  { id: "camunda7", file: "camunda7.json" },
  { id: "optimize", file: "camunda7.json", profile: "optimize" },
  { id: "camunda8", file: "camunda8.json" },
  { id: "identity", file: "identity.json" },
  { id: "emporix", file: "emporix.json" },
];

export function example(file) {
  return `${paths.examples}${file}`;
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Runs the native `writ`; answers its stdout (throws on a usage or input error, exit 2). */
export function writ(args, input) {
  const run = spawnSync(WRIT, args, { input, encoding: "utf8", maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  if (run.status !== 0 && run.status !== 1) throw new Error(`writ ${args.join(" ")}: exit ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/**
 * The native decisions of `requests` on a snapshot file, through `writ check`'s
 * JSON lines mode (one process for the lot): "allow", "deny", or the error code.
 */
export function cliDecisions(snapshot, requests, { explain = false } = {}) {
  if (requests.length === 0) return [];
  const out = writ(["check", snapshot, ...(explain ? ["--explain"] : [])], `${requests.map((request) => JSON.stringify(request)).join("\n")}\n`);
  const lines = out.trim().split("\n").map((line) => JSON.parse(line));
  if (lines.length !== requests.length) throw new Error(`writ check answered ${lines.length} lines for ${requests.length} requests`);
  return explain ? lines : lines.map((line) => (line.error !== undefined ? line.error.code : line.allowed ? "allow" : "deny"));
}

/** A temporary snapshot file for the CLI (a document the page edited, say). */
export function snapshotFile(name, document) {
  mkdirSync(paths.out, { recursive: true });
  const file = `${paths.out}${name}`;
  writeFileSync(file, typeof document === "string" ? document : JSON.stringify(document));
  return file;
}

/**
 * The questions a demo organisation's rows raise, derived here independently
 * of the playground: each row's type, its id and `*`, and each permission the
 * type's rows name; Emporix access controls and their scopes (HOLD).
 */
export function questionsOf(snapshot) {
  const types = new Map();
  const type = (name) => {
    if (!types.has(name)) types.set(name, { ids: new Set(["*"]), permissions: new Set() });
    return types.get(name);
  };
  const containers = Array.isArray(snapshot.sources) ? snapshot.sources : [snapshot];
  for (const container of containers) {
    for (const row of container.authorizations ?? []) {
      const entry = type(String(row.resourceType));
      if (row.resourceId !== undefined) entry.ids.add(row.resourceId);
      for (const permission of row.permissions) if (permission !== "NONE") entry.permissions.add(permission);
    }
  }
  for (const control of snapshot.accessControls ?? []) {
    const held = type("ACCESS_CONTROL");
    held.ids.add(control.id);
    held.permissions.add("HOLD");
    const scopes = type("SCOPE");
    scopes.permissions.add("HOLD");
    for (const scope of control.scopes ?? []) scopes.ids.add(scope);
  }
  const questions = [];
  for (const [resourceType, { ids, permissions }] of types) {
    for (const resourceId of ids) for (const permission of permissions) questions.push({ permission, resourceType, resourceId });
  }
  return questions;
}

/** Who may ask in a snapshot: `{user}` for each user, `{client}` for each client. */
export function principalsOf(snapshot) {
  const containers = Array.isArray(snapshot.sources) ? snapshot.sources : [snapshot];
  const users = [...new Set(containers.flatMap((container) => (container.users ?? []).map((user) => user.id)))];
  return [...users.map((user) => ({ user })), ...(snapshot.clients ?? []).map((client) => ({ client: client.id }))];
}

/** A page that fails the test on any page error, with its console kept for the message. */
export async function newPage(browser, options = {}) {
  const page = await browser.newPage(options);
  const problems = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.problems = problems;
  return page;
}
