// The edge example end to end in workerd (Cloudflare's Workers runtime): start it
// on a free loopback port with wasm/examples/edge/config.capnp, send allowed and
// denied requests, check 200 (forwarded to the origin) / 403 (with the rule code),
// and stop it — in `after`, so also when a test fails.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const wasmDir = fileURLToPath(new URL("..", import.meta.url));
const workerd = fileURLToPath(new URL("../node_modules/.bin/workerd", import.meta.url));
let child;
let base;
let output = "";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(deadline) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}):\n${output}`);
    try {
      await fetch(`${base}/`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`workerd did not answer within 20 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(workerd, ["serve", "examples/edge/config.capnp", "--socket-addr", `http=127.0.0.1:${port}`], {
    cwd: wasmDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  // However this process ends, workerd must not outlive it.
  process.on("exit", () => child.kill("SIGKILL"));
  await waitUntilServing(Date.now() + 20_000);
});

after(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
});

/** A bearer token with these claims (unsigned: the example does not verify yet). */
function token(claims) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `Bearer ${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

async function call(method, path, headers = {}) {
  const response = await fetch(`${base}${path}`, { method, headers });
  return { status: response.status, rule: response.headers.get("x-writ-rule"), body: await response.json() };
}

test("an allowed request is forwarded to the origin", async () => {
  const answer = await call("GET", "/process-definition/invoice", { "X-Writ-User": "kermit" });
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, { origin: true, method: "GET", path: "/process-definition/invoice" });
});

test("a denied request is refused with the explanation's rule", async () => {
  const answer = await call("POST", "/process-definition/invoice/start", { "X-Writ-User": "gonzo" });
  assert.equal(answer.status, 403);
  assert.equal(answer.rule, "camunda7.level");
  assert.equal(answer.body.rule, "camunda7.level");
  const none = await call("DELETE", "/process-definition/invoice", { "X-Writ-User": "kermit" });
  assert.equal(none.status, 403);
  assert.equal(none.body.rule, "no_match");
});

test("the principal comes from a bearer token's claims", async () => {
  const piggy = await call("DELETE", "/process-definition/payroll", { Authorization: token({ sub: "piggy" }) });
  assert.equal(piggy.status, 200);
  assert.equal(piggy.body.origin, true);
  // A groups claim replaces the stored memberships.
  const demoted = await call("DELETE", "/process-definition/payroll", {
    Authorization: token({ sub: "piggy", groups: ["accounting"] }),
  });
  assert.equal(demoted.status, 403);
  const reader = await call("GET", "/process-definition/invoice", {
    Authorization: token({ sub: "someone", groups: ["accounting"] }),
  });
  assert.equal(reader.status, 200);
});

test("no principal is 401, an ungated route 404", async () => {
  assert.equal((await call("GET", "/process-definition/invoice")).status, 401);
  assert.equal((await call("GET", "/nowhere", { "X-Writ-User": "kermit" })).status, 404);
});

test("signed snapshots load in workerd when verified, and each refusal has its code", async () => {
  const port = await freePort();
  const signed = spawn(workerd, ["serve", "test/workerd/signed.capnp", "--socket-addr", `http=127.0.0.1:${port}`], {
    cwd: wasmDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  signed.stdout.on("data", (chunk) => (log += chunk));
  signed.stderr.on("data", (chunk) => (log += chunk));
  process.on("exit", () => signed.kill("SIGKILL"));
  try {
    const ask = async (path) => {
      for (const deadline = Date.now() + 20_000; ; ) {
        if (signed.exitCode !== null) throw new Error(`workerd exited (${signed.exitCode}):\n${log}`);
        try {
          const response = await fetch(`http://127.0.0.1:${port}${path}`);
          return { status: response.status, ...(await response.json()) };
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`workerd did not answer: ${error.message}\n${log}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    assert.deepEqual(await ask("/good"), { status: 200, allowed: true, sequence: 7 });
    for (const [path, code] of [
      ["/tampered", "signature.invalid"],
      ["/wrong-key", "signature.unknown_key"],
      ["/missing", "signature.missing"],
      ["/truncated", "signature.malformed"],
    ]) {
      const answer = await ask(path);
      assert.equal(answer.status, 422, path);
      assert.equal(answer.code, code, `${path}: ${answer.message}`);
    }
  } finally {
    const exited = new Promise((resolve) => signed.once("exit", resolve));
    signed.kill("SIGTERM");
    const timer = setTimeout(() => signed.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
});
