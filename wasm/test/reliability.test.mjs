// The package fails closed: every value a request or snapshot may carry is
// either written exactly as the caller's object holds it or refused with a
// code — never dropped or changed into a wider question; a bad element of a
// batch is answered 2 and the rest are answered; a trap poisons only the
// authorizer that trapped; every throw is an Error with a code; the limits
// hold, and signed snapshots load only when verified.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Authorizer, _exports } from "writ";

const org = readFileSync(new URL("../examples/org.json", import.meta.url), "utf8");
const vectors = new URL("../../tests/vectors/", import.meta.url);
const CODE = /^[a-z0-9_]+\.[a-z0-9_]+$/;

/** The answer of a call: its value, or `error <code>`; a throw without a code fails the test. */
function outcome(call) {
  try {
    return call();
  } catch (error) {
    assert.ok(error instanceof Error, `threw a non-Error: ${String(error)}`);
    assert.match(String(error.code), CODE, `threw an Error without a code: ${error.message}`);
    return `error ${error.code}`;
  }
}

/** ~20 odd JavaScript values, each with whether JSON carries it exactly. */
function oddValues() {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const cycle = { user: "kermit" };
  cycle.self = cycle;
  const throwingGetter = {};
  Object.defineProperty(throwingGetter, "x", { enumerable: true, get: () => { throw new Error("boom"); } });
  return [
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["-Infinity", -Infinity],
    ["-0", -0, 0], // JSON writes 0: the same question as 0
    ["BigInt", 10n],
    ["Symbol", Symbol("id")],
    ["function", () => "invoice"],
    ["Date", new Date(0)],
    ["RegExp", /invoice/],
    ["Map", new Map([["a", 1]])],
    ["array", ["invoice"], ["invoice"]],
    ["array with a hole", [, "x"]], // eslint-disable-line no-sparse-arrays
    ["boxed String", new String("invoice")],
    ["boxed Number", new Number(6)],
    ["Proxy of an object", new Proxy({}, {}), {}],
    ["Proxy whose getPrototypeOf throws", new Proxy({}, { getPrototypeOf() { throw new Error("trap"); } })],
    ["Proxy whose ownKeys throws", new Proxy({}, { ownKeys() { throw new Error("trap"); } })],
    ["revoked Proxy", revoked.proxy],
    ["object with toJSON", { toJSON: () => "invoice" }],
    ["object with a throwing getter", throwingGetter],
    ["cycle", cycle],
    ["null", null, null],
    ["undefined", undefined, undefined],
    ["object", { a: 1 }, { a: 1 }],
    ["number", 6, 6],
    ["boolean", true, true],
  ];
}

/** The request with `field` set to `value` (undefined: absent). */
function withField(request, field, value) {
  const copy = { ...request };
  if (value === undefined) delete copy[field];
  else copy[field] = value;
  return copy;
}

test("every field of every request shape: an odd value is refused or answered as its exact JSON is, never wider", () => {
  const authorizer = Authorizer.fromJson(org);
  const base = { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", tenantId: "apac" };
  const fields = ["user", "groups", "tenantId", "source", "profile", "permission", "resourceType", "resourceId", "anyOf", "allOf", "client", "claims", "properties"];
  const shapes = {
    check: (request) => authorizer.check(request),
    explain: (request) => authorizer.explain(request).allowed,
    checkMany: (request) => {
      const [answer, control] = authorizer.checkMany([request, base]);
      assert.equal(control, authorizer.check(base) ? 1 : 0, "the rest of the batch is answered");
      return answer === 2 ? "error" : answer === 1;
    },
    permissions: ({ user, resourceType, resourceId, tenantId, groups, source, profile, client, claims }) =>
      authorizer.permissions({ user, resourceType, resourceId, tenantId, groups, source, profile, client, claims }),
    principal: ({ user, groups, source, profile, client, claims }) => authorizer.principal({ user, groups, source, profile, client, claims }).can("READ", "PROCESS_DEFINITION", "invoice"),
    // Who can: the request without its principal; a wider question would list more users.
    whoCan: ({ user, groups, client, claims, ...question }) => authorizer.whoCan(question),
  };
  // The fields each shape carries (the others it leaves out).
  const principalFields = ["user", "groups", "source", "profile", "client", "claims"];
  const carried = {
    check: fields,
    explain: fields,
    checkMany: fields,
    permissions: [...principalFields, "resourceType", "resourceId", "tenantId"],
    principal: principalFields,
    whoCan: fields.filter((field) => !["user", "groups", "client", "claims"].includes(field)),
  };
  let refused = 0;
  let answered = 0;
  for (const field of fields) {
    for (const [name, value, ...exact] of oddValues()) {
      for (const [shape, ask] of Object.entries(shapes)) {
        if (!carried[shape].includes(field)) continue;
        const got = outcome(() => ask(withField(base, field, value)));
        const isError = (answer) => answer === "error" || (typeof answer === "string" && answer.startsWith("error "));
        if (exact.length === 0) {
          // JSON cannot carry it as it is: refused.
          assert.ok(isError(got), `${shape}: ${field} = ${name} answered ${JSON.stringify(got)}`);
          refused++;
        } else {
          // JSON carries it exactly: the same answer as the well-formed request.
          const expected = outcome(() => ask(withField(base, field, exact[0])));
          assert.deepEqual(
            isError(got) ? "error" : got,
            isError(expected) ? "error" : expected,
            `${shape}: ${field} = ${name}`,
          );
          answered++;
        }
      }
    }
  }
  assert.ok(refused > 400 && answered > 100, `${refused} refused, ${answered} answered`);
  authorizer.free();
});

test("the reported fail-open: a tenant of NaN, Infinity, a Symbol or a function is refused, not skipped", () => {
  const authorizer = Authorizer.fromJson(org);
  const request = { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", tenantId: "apac" };
  assert.equal(authorizer.check(request), false);
  const { tenantId, ...withoutTenant } = request;
  assert.equal(authorizer.check(withoutTenant), true, "without a tenant the question is wider");
  for (const odd of [NaN, Infinity, -Infinity, Symbol("t"), () => "apac"]) {
    for (const field of ["tenantId", "resourceId"]) {
      const asked = { ...request, [field]: odd };
      assert.equal(outcome(() => authorizer.check(asked)), "error request.malformed", `${field}: ${String(odd)}`);
      assert.equal(outcome(() => authorizer.explain(asked)), "error request.malformed");
      assert.deepEqual([...authorizer.checkMany([asked])], [2]);
    }
  }
  // Inside a composite too.
  const anyOf = [{ permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: NaN }];
  assert.equal(outcome(() => authorizer.check({ user: "kermit", anyOf })), "error request.malformed");
  authorizer.free();
});

test("checkMany: a bad element is answered 2 and the rest are answered", () => {
  const authorizer = Authorizer.fromJson(org);
  const good = { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" };
  const denied = { ...good, user: "gonzo", permission: "DELETE" };
  const cycle = { ...good, tenantId: "apac" };
  cycle.again = cycle;
  const throwing = { ...good, tenantId: "apac" };
  Object.defineProperty(throwing, "groups", { enumerable: true, get: () => { throw new Error("boom"); } });
  const bad = [
    { ...good, tenantId: 10n },
    cycle,
    throwing,
    { ...good, toJSON: () => good },
    { ...good, resourceId: NaN },
    "not json",
    42,
  ];
  const expected = [authorizer.check(good) ? 1 : 0, authorizer.check(denied) ? 1 : 0];
  for (const element of bad) {
    assert.deepEqual([...authorizer.checkMany([good, element, denied])], [expected[0], 2, expected[1]]);
  }
  // An element whose read throws (a getter on the array itself).
  const requests = [good, good, denied];
  Object.defineProperty(requests, 1, { get: () => { throw new Error("boom"); } });
  assert.deepEqual([...authorizer.checkMany(requests)], [expected[0], 2, expected[1]]);
  // Not an array at all is the call's own error.
  assert.equal(outcome(() => authorizer.checkMany({ length: 1, 0: good })), "error request.malformed");
  authorizer.free();
});

test("limits: a batch, a long id and a large snapshot are refused with their codes", () => {
  const authorizer = Authorizer.fromJson(org, { limits: { batchLength: 3, idBytes: 64 } });
  assert.deepEqual(authorizer.limits.batchLength, 3);
  const request = { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" };
  assert.equal(authorizer.checkMany([request, request, request]).length, 3);
  assert.equal(outcome(() => authorizer.checkMany([request, request, request, request])), "error limit.batch_length");
  const long = "x".repeat(65);
  for (const asked of [{ ...request, user: long }, { ...request, resourceId: long }, { ...request, permission: long }]) {
    assert.equal(outcome(() => authorizer.check(asked)), "error limit.id_length");
    assert.deepEqual([...authorizer.checkMany([asked, request])], [2, 1]);
  }
  const handle = authorizer.principal({ user: "kermit" });
  assert.equal(outcome(() => handle.can("READ", "PROCESS_DEFINITION", long)), "error limit.id_length");
  assert.equal(outcome(() => authorizer.principal({ user: long })), "error limit.id_length");
  // Two-byte characters: 22 of them are 44 UTF-16 units' worth of bytes... 66 bytes.
  assert.equal(outcome(() => authorizer.check({ ...request, resourceId: "é".repeat(33) })), "error limit.id_length");
  assert.equal(outcome(() => authorizer.check({ ...request, resourceId: "é".repeat(32) })), false);
  handle.free();
  authorizer.free();
  assert.equal(outcome(() => Authorizer.fromJson(org, { limits: { snapshotBytes: 100 } })), "error limit.snapshot_size");
  assert.equal(outcome(() => Authorizer.fromJson(new TextEncoder().encode(org), { limits: { snapshotBytes: 100 } })), "error limit.snapshot_size");
  assert.equal(outcome(() => Authorizer.fromJson(JSON.parse(org), { limits: { nestingDepth: 2 } })), "error limit.nesting_depth");
  assert.equal(outcome(() => Authorizer.fromJson(org, { limits: { teapots: 1 } })), "error options.malformed");
  assert.equal(outcome(() => Authorizer.fromJson(org, { minSequence: 1 })), "error snapshot.rollback");
});

test("one batch keeps the fast path's tables within their bound", () => {
  const authorizer = Authorizer.fromJson(org, { limits: { batchLength: 200_000 } });
  const requests = [];
  for (let i = 0; i < 150_000; i++) {
    requests.push({ user: `user-${i}`, permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: i % 3 === 0 ? "invoice" : `def-${i}` });
  }
  const answers = authorizer.checkMany(requests);
  const t = authorizer._writ;
  assert.ok(t.entries <= 1 << 16, `${t.entries} entries`);
  assert.ok(t.resets >= 3, `the tables were emptied between chunks (${t.resets} times)`);
  // Unlisted users still match the `*` rows: compare with one-by-one checks.
  for (const i of [0, 1, 2, 65_535, 65_536, 99_999, 149_999]) {
    assert.equal(answers[i], authorizer.check(requests[i]) ? 1 : 0, `request ${i}`);
  }
  authorizer.free();
});

test("a trap poisons the authorizer that trapped, restores the stack, and every other authorizer keeps answering", () => {
  const request = { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" };
  const stackPointer = _exports().__writ_stack_pointer;
  assert.ok(stackPointer instanceof WebAssembly.Global, "the build exports the stack pointer");
  const bystander = Authorizer.fromJson(org);
  const bystanderHandle = bystander.principal({ user: "kermit" });
  const expected = bystander.check(request);
  const base = stackPointer.value;
  for (let round = 0; round < 2_000; round++) {
    const victim = Authorizer.fromJson(org);
    const handle = victim.principal({ user: "kermit" });
    // Answers remembered before the trap (js/fast.js keeps a handle's and a
    // principal's once asked a few times) must not be given after it.
    for (let ask = 0; ask < 12; ask++) {
      assert.equal(handle.can("READ", "PROCESS_DEFINITION", "invoice"), expected);
      assert.equal(victim.check(request), expected);
      assert.deepEqual([...victim.checkMany([request])], [expected ? 1 : 0]);
    }
    assert.ok(handle._answers.length > 0, "the handle remembers answers");
    // Fault injection: the batch's room asked for is 2^31 pairs, which the
    // core cannot allocate: a real trap inside the real call, with the
    // batch's RefCell left borrowed (what exhausting memory did).
    const batch = Object.getPrototypeOf(victim)._batch;
    victim._batch = function () {
      return batch.call(this, 2 ** 31);
    };
    // A question not asked before: a remembered one would not reach the core.
    assert.equal(outcome(() => victim.checkMany([{ ...request, resourceId: "not-asked-before" }])), "error wasm.trap");
    assert.equal(stackPointer.value, base, "the stack pointer is back at rest");
    for (const call of [() => victim.checkMany([request]), () => victim.check(request), () => victim.explain(request), () => victim.stats, () => handle.can("READ", "PROCESS_DEFINITION"), () => handle.can("READ", "PROCESS_DEFINITION", "invoice")]) {
      assert.equal(outcome(call), "error authorizer.poisoned");
    }
    // free() still works, once; a second does nothing.
    victim.free();
    victim.free();
    handle.free();
    if (round % 500 === 0) {
      assert.equal(bystander.check(request), expected);
      assert.equal(bystanderHandle.can("READ", "PROCESS_DEFINITION", "invoice"), expected);
      assert.deepEqual([...bystander.checkMany([request, request])], [1, 1].map(() => (expected ? 1 : 0)));
    }
  }
  assert.equal(bystander.check(request), expected);
  const fresh = Authorizer.fromJson(org);
  assert.equal(fresh.check(request), expected);
  fresh.free();
  bystanderHandle.free();
  bystander.free();
});

test("every throw is an Error with a code: hostile arguments to every method", () => {
  const authorizer = Authorizer.fromJson(org);
  const handle = authorizer.principal({ user: "kermit" });
  const detached = new ArrayBuffer(8);
  structuredClone(detached, { transfer: [detached] });
  const revoked = Proxy.revocable([], {});
  revoked.revoke();
  const hostile = [
    undefined,
    null,
    10n,
    Symbol("x"),
    detached,
    revoked.proxy,
    new Proxy({}, { getPrototypeOf() { throw 42; } }),
    new Proxy({}, { ownKeys() { throw Symbol("thrown"); } }),
    new Proxy([], { get() { throw new Error("get"); } }),
  ];
  for (const value of hostile) {
    outcome(() => Authorizer.fromJson(value));
    outcome(() => Authorizer.fromJson(org, value));
    for (const name of ["check", "checkMany", "explain", "permissions", "list", "claims", "checkAssignment", "principal", "whoCan"]) {
      outcome(() => authorizer[name](value));
    }
    outcome(() => authorizer.whoCan({ permission: "READ", resourceType: "TASK" }, value));
    outcome(() => handle.can(value, value, value));
    outcome(() => handle.permissions(value, value, value));
    outcome(() => handle.list(value, value));
  }
  // And it still answers.
  assert.equal(typeof authorizer.check({ user: "kermit", permission: "READ", resourceType: "TASK" }), "boolean");
  handle.free();
  authorizer.free();
});

/** A file of tests/vectors. */
const vectorFile = (path, encoding) => readFileSync(new URL(path, vectors), encoding);

test("signed snapshots: verified with WebCrypto over the exact bytes, each refusal with its own code", async () => {
  const snapshot = vectorFile("snapshots/signed/org.json");
  const signature = vectorFile("snapshots/signed/org.json.sig", "utf8");
  const release = vectorFile("snapshots/signed/release.pub", "utf8");
  const other = JSON.parse(vectorFile("snapshots/signed/other.pub", "utf8"));
  const request = { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" };
  // Text, bytes, an ArrayBuffer; a key as text or object, one or several.
  for (const input of [snapshot.toString("utf8"), new Uint8Array(snapshot), snapshot.buffer.slice(snapshot.byteOffset, snapshot.byteOffset + snapshot.length)]) {
    for (const publicKey of [release, JSON.parse(release), [other, release]]) {
      const loading = Authorizer.fromJson(input, { publicKey, signature });
      assert.ok(loading instanceof Promise, "with a key, fromJson answers a Promise");
      const authorizer = await loading;
      assert.equal(authorizer.check(request), true);
      assert.equal(authorizer.sequence, 7);
      authorizer.free();
    }
  }
  const refusal = async (input, options) => {
    try {
      (await Authorizer.fromJson(input, options)).free();
      return "loaded";
    } catch (error) {
      assert.match(String(error.code), CODE, error.message);
      return error.code;
    }
  };
  const tampered = new Uint8Array(snapshot);
  tampered[tampered.indexOf(0x6b /* k */)] = 0x4b; // one byte: "kermit" → "Kermit"
  assert.equal(await refusal(tampered, { publicKey: release, signature }), "signature.invalid");
  assert.equal(await refusal(snapshot, { publicKey: other, signature }), "signature.unknown_key");
  assert.equal(await refusal(snapshot, { publicKey: release }), "signature.missing");
  assert.equal(await refusal(snapshot, { publicKey: release, signature: signature.slice(0, 100) }), "signature.malformed");
  assert.equal(await refusal(snapshot, { publicKey: release, signature: signature.slice(0, -10) }), "signature.malformed");
  assert.equal(await refusal(snapshot, { publicKey: release, signature: vectorFile("snapshots/signed/org.json.hs256.sig", "utf8") }), "signature.unsupported");
  assert.equal(await refusal(snapshot, { publicKey: '{"kty":"RSA"}', signature }), "key.malformed");
  assert.equal(await refusal(snapshot, { publicKey: release, signature, minSequence: 8 }), "snapshot.rollback");
  assert.equal(await refusal(JSON.parse(snapshot), { publicKey: release, signature }), "options.malformed");
  // The previous snapshot stays in force: a refusal changes nothing that was loaded.
  const inForce = await Authorizer.fromJson(snapshot, { publicKey: release, signature });
  assert.equal(await refusal(tampered, { publicKey: release, signature }), "signature.invalid");
  assert.equal(inForce.check(request), true);
  inForce.free();
});

test("whoCan: its options are checked, a principal is refused, and it answers as checking everyone", () => {
  const authorizer = Authorizer.fromJson(org);
  const question = { permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" };
  for (const options of [1, "explain", [], { explain: 1 }, { explain: "yes" }]) {
    assert.equal(outcome(() => authorizer.whoCan(question, options)), "error request.malformed", JSON.stringify(options));
  }
  assert.equal(outcome(() => authorizer.whoCan({ ...question, user: "kermit" })), "error request.malformed");
  const who = authorizer.whoCan(question);
  const users = JSON.parse(org).users.map((user) => user.id).sort();
  const allowed = users.filter((user) => authorizer.check({ ...question, user }));
  assert.deepEqual(who.users, allowed);
  assert.deepEqual(authorizer.whoCan(question, {}), who);
  assert.deepEqual(authorizer.whoCan(question, { explain: false }), who);
  const explained = authorizer.whoCan(question, { explain: true });
  assert.deepEqual(explained.explanations.map((e) => e.user), allowed);
  for (const e of explained.explanations) {
    assert.deepEqual(
      { rule: e.rule, rows: e.rows },
      (({ rule, rows }) => ({ rule, rows }))(authorizer.explain({ ...question, user: e.user })),
    );
  }
  authorizer.free();
});
