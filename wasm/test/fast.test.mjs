// The package's fast path (js/fast.js): integer crossings for plain requests and
// handle.can must answer exactly what the full (JSON) path answers — the same
// booleans, the same errors — including past the bound where its tables are
// emptied, and for every shape it must hand to the full path instead.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Authorizer, Principal } from "writ";

const org = readFileSync(new URL("../examples/org.json", import.meta.url), "utf8");

/**
 * The full path's answer: the request as JSON text with a leading space, which
 * the fast path never scans (JSON text written compactly may take it).
 */
function full(authorizer, request) {
  return fullOfText(authorizer, JSON.stringify(request));
}

function fullOfText(authorizer, text) {
  try {
    return authorizer.check(` ${text}`);
  } catch (error) {
    return `error ${error.code}`;
  }
}

function fast(authorizer, request) {
  try {
    return authorizer.check(request);
  } catch (error) {
    return `error ${error.code}`;
  }
}

/** Per resource id in the question table, the (permission, resourceType) names asked. */
function askedTypes(authorizer) {
  return [...authorizer._writ.questions].map(([id, asked]) => [
    String(id),
    asked.list.filter((_, i) => i % 3 !== 2),
    [...(asked.more?.keys() ?? [])],
  ]);
}

const users = ["kermit", "gonzo", "piggy", "nobody"];
const permissions = ["READ", "CREATE_INSTANCE", "DELETE", "ALL", "NONE", "FLY"];
const types = ["PROCESS_DEFINITION", "TASK", "6", "NOPE"];
const ids = [undefined, "*", "invoice", "other"];

/** Every combination of the example's users, permissions, types and ids. */
function everyRequest() {
  const requests = [];
  for (const user of users)
    for (const permission of permissions)
      for (const resourceType of types)
        for (const resourceId of ids) requests.push({ user, permission, resourceType, resourceId });
  return requests;
}

test("plain requests: check, checkMany and handle.can agree with the full path", () => {
  const authorizer = Authorizer.fromJson(org);
  const requests = everyRequest();
  const expected = requests.map((request) => full(authorizer, request));
  assert.ok(expected.includes(true) && expected.includes(false) && expected.some((a) => typeof a === "string"));
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(requests.map((request) => fast(authorizer, request)), expected, `check, round ${round}`);
    const many = [...authorizer.checkMany(requests)];
    assert.deepEqual(many, expected.map((answer) => (answer === true ? 1 : answer === false ? 0 : 2)), `checkMany, round ${round}`);
  }
  for (const user of users) {
    const handle = authorizer.principal({ user });
    // Twice: the second round is answered from what the handle remembered.
    for (let round = 0; round < 2; round++) {
      for (const request of requests.filter((request) => request.user === user)) {
        let answer;
        try {
          answer = handle.can(request.permission, request.resourceType, request.resourceId);
        } catch (error) {
          answer = `error ${error.code}`;
        }
        assert.equal(answer, expected[requests.indexOf(request)], `${JSON.stringify(request)}, round ${round}`);
      }
    }
    handle.free();
  }
  authorizer.free();
});

test("remembered answers equal the core's, in any order of asking, across emptied tables", () => {
  // A property test of the answers js/fast.js remembers (per handle, and per
  // principal and question for check and checkMany): random questions with
  // repeats, asked through every path in random order, each compared with
  // explain (never remembered); the tables are emptied on the way, and
  // questions asked before are asked again after, under their new numbers.
  const authorizer = Authorizer.fromJson(org);
  const handles = new Map(users.map((user) => [user, authorizer.principal({ user })]));
  let seed = 7; // xorshift32
  const below = (n) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const truth = (request) => {
    try {
      return authorizer.explain(request).allowed;
    } catch (error) {
      return `error ${error.code}`;
    }
  };
  const pool = everyRequest();
  const resets = authorizer._writ.resets;
  for (let step = 0; step < 200_000; step++) {
    // Mostly questions never asked before, which fill the tables.
    const fresh = step % 4 !== 0;
    const request = fresh
      ? { user: users[below(users.length)], permission: ["READ", "DELETE", "CREATE_INSTANCE"][below(3)], resourceType: ["PROCESS_DEFINITION", "TASK"][below(2)], resourceId: `fresh-${step % 30_000}` }
      : pool[below(pool.length)];
    const path = below(3);
    if (fresh && step % 999 !== 0) {
      // Remembered by one of the three paths, not compared (explain is slow).
      try {
        if (path === 0) handles.get(request.user).can(request.permission, request.resourceType, request.resourceId);
        else if (path === 1) authorizer.check(request);
        else authorizer.checkMany([request]);
      } catch (error) {
        assert.equal(error.code, "request.unknown_permission");
      }
      continue;
    }
    const expected = truth(request);
    let answer;
    try {
      if (path === 0) answer = handles.get(request.user).can(request.permission, request.resourceType, request.resourceId);
      else if (path === 1) answer = authorizer.check(request);
      else answer = [true, false, "error"][authorizer.checkMany([request])[0] === 1 ? 0 : authorizer.checkMany([request])[0] === 0 ? 1 : 2];
    } catch (error) {
      answer = `error ${error.code}`;
    }
    if (path === 2 && answer === "error") assert.ok(typeof expected === "string", JSON.stringify(request));
    else assert.equal(answer, expected, `${JSON.stringify(request)} by path ${path}, step ${step}`);
  }
  assert.ok(authorizer._writ.resets > resets, `the tables were emptied on the way (${authorizer._writ.resets - resets} times)`);
  for (const handle of handles.values()) handle.free();
  authorizer.free();
});

test("handle.permissions agrees with the request's permissions, prepared or not, whatever the arguments", () => {
  const authorizer = Authorizer.fromJson(org);
  const listed = (request) => {
    try {
      return authorizer.permissions(JSON.stringify(request));
    } catch (error) {
      return `error ${error.code}`;
    }
  };
  const types = ["PROCESS_DEFINITION", "TASK", "6", 6, "NOPE"];
  const ids = [undefined, "*", "invoice", "other", "lone\uD800"];
  const seen = new Set();
  for (const user of users) {
    const handle = authorizer.principal({ user });
    for (let round = 0; round < 2; round++) {
      for (const resourceType of types) {
        for (const resourceId of ids) {
          for (const tenantId of [undefined, "acme"]) {
            let answer;
            try {
              answer = handle.permissions(resourceType, resourceId, tenantId);
            } catch (error) {
              answer = `error ${error.code}`;
            }
            const expected = resourceId?.isWellFormed() === false
              ? listed({ user, resourceType, resourceId: resourceId.replace("\uD800", "\uFFFD"), tenantId })
              : listed({ user, resourceType, resourceId, tenantId });
            assert.deepEqual(answer, expected, JSON.stringify({ user, resourceType, resourceId, tenantId, round }));
            seen.add(typeof answer === "string" ? answer : answer.length > 0 ? "some" : "none");
          }
        }
      }
    }
    handle.free();
  }
  assert.deepEqual([...seen].sort(), ["error request.unknown_resource_type", "none", "some"]);
  authorizer.free();
});

test("past a resource id's first questions, names that run together stay apart", () => {
  const authorizer = Authorizer.fromJson(org);
  const handle = authorizer.principal({ user: "piggy" });
  const answer = (permission, resourceType) => {
    try {
      return handle.can(permission, resourceType, "t-1");
    } catch (error) {
      return `error ${error.code}`;
    }
  };
  for (const permission of permissions) answer(permission, "PROCESS_DEFINITION"); // fills the list
  assert.ok(askedTypes(authorizer).some(([, list]) => list.length === 2 * permissions.length));
  for (const permission of permissions) answer(permission, "NOPE");
  // "READ" + "TASK" and "READT" + "ASK" join to the same text.
  const expected = full(authorizer, { user: "piggy", permission: "READ", resourceType: "TASK", resourceId: "t-1" });
  assert.equal(typeof expected, "boolean");
  assert.equal(answer("READ", "TASK"), expected);
  assert.equal(answer("READT", "ASK"), "error request.unknown_resource_type");
  assert.ok(askedTypes(authorizer).some(([, , more]) => more.length > 0), "the later questions went to `more`");
  handle.free();
  authorizer.free();
});

test("other shapes take the full path and answer as it does", () => {
  const authorizer = Authorizer.fromJson(org);
  const inherited = Object.create({ user: "piggy" });
  Object.assign(inherited, { permission: "READ", resourceType: "TASK" });
  const cases = [
    { user: "piggy", permission: "READ", resourceType: "TASK", resourceId: null },
    { user: "piggy", permission: "READ", resourceType: 7 },
    { user: "piggy", permission: "READ", resourceType: "TASK", colour: "green" },
    { user: "kermit", groups: ["management"], permission: "READ", resourceType: "TASK" },
    { user: "kermit", anyOf: [{ permission: "READ", resourceType: "TASK" }] },
    { permission: "READ", resourceType: "TASK" },
  ];
  const expected = cases.map((request) => full(authorizer, request));
  assert.deepEqual(expected.slice(0, 4), [true, true, "error request.malformed", true]);
  assert.deepEqual(cases.map((request) => fast(authorizer, request)), expected);
  assert.deepEqual(
    [...authorizer.checkMany(cases)],
    expected.map((answer) => (answer === true ? 1 : answer === false ? 0 : 2)),
  );
  // An object of another prototype is not a plain request (JSON.stringify
  // would leave its inherited `user` out): refused, not asked of nobody.
  assert.equal(fast(authorizer, inherited), "error request.malformed");
  assert.deepEqual([...authorizer.checkMany([inherited, cases[0]])], [2, 1]);
  authorizer.free();
});

test("past the bound the tables are emptied and answers stay the same", () => {
  const authorizer = Authorizer.fromJson(org);
  const handle = authorizer.principal({ user: "piggy" });
  // 3 × 70,000 distinct questions: more than the 65,536 entries kept, three times.
  for (let i = 0; i < 70_000; i++) {
    const id = i % 7 === 0 ? "invoice" : `definition-${i}`;
    // Answers alternate, so an index that outlived its table would show.
    assert.equal(handle.can("READ", "PROCESS_DEFINITION", id), true);
    assert.equal(handle.can("DELETE", "TASK", id), false);
    assert.equal(handle.can("READ", "TASK", id), true);
    if (i % 1000 === 0) {
      assert.equal(authorizer.check({ user: "gonzo", permission: "CREATE_INSTANCE", resourceType: "PROCESS_DEFINITION", resourceId: id }), false);
      assert.equal(authorizer.check({ user: "kermit", permission: "CREATE_INSTANCE", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" }), true);
    }
  }
  assert.ok(handle._writ.entries < 70_000, "the tables were emptied on the way");
  assert.throws(() => handle.can("FLY", "PROCESS_DEFINITION"), (error) => error.code === "request.unknown_permission");
  handle.free();
  authorizer.free();
});

test("fromJson takes text, its UTF-8 bytes or an ArrayBuffer, and refuses bytes that are not UTF-8", () => {
  const bytes = new TextEncoder().encode(org);
  for (const snapshot of [org, bytes, bytes.buffer, JSON.parse(org)]) {
    const authorizer = Authorizer.fromJson(snapshot);
    assert.equal(authorizer.revision, "edge-example-1");
    assert.equal(authorizer.check({ user: "piggy", permission: "READ", resourceType: "TASK" }), true);
    authorizer.free();
  }
  const broken = Uint8Array.from([...bytes.slice(0, 20), 0xff, ...bytes.slice(20)]);
  assert.throws(() => Authorizer.fromJson(broken), (error) => error.code === "snapshot.invalid_utf8" && error.path === ".");
  assert.throws(
    () => Authorizer.fromJson(new TextEncoder().encode('{"format": 1, "users": 7}')),
    (error) => error.code === "snapshot.malformed" && error.path === "users",
  );
});

function loaded(snapshot) {
  try {
    const authorizer = Authorizer.fromJson(snapshot);
    const answer = [authorizer.revision, authorizer.stats];
    authorizer.free();
    return answer;
  } catch (error) {
    return [error.code, error.path, error.message];
  }
}

test("text encoded straight into wasm memory (ASCII) loads as its bytes do", () => {
  const texts = [
    org,
    org.replace('"edge-example-1"', '"édge-example-1"'), // two bytes a character
    org.replace('"edge-example-1"', '"edge-\u{1F600}"'), // a surrogate pair
    org.replace('"edge-example-1"', '"edge-\\u00e9"'), // ASCII, an escape
    "",
    " ",
    "{",
    '{"format": 2}',
    '{"format": 1, "users": 7}',
    org.slice(0, 300),
    `${org}x`,
  ];
  for (const text of texts) {
    assert.deepEqual(loaded(text), loaded(new TextEncoder().encode(text)), JSON.stringify(text.slice(0, 60)));
  }
  assert.equal(loaded(texts[1])[0], "édge-example-1");
  assert.equal(loaded(texts[2])[0], "edge-\u{1F600}");
  assert.equal(loaded(texts[3])[0], "edge-é");
  assert.equal(loaded(texts[4])[0], "snapshot.malformed");
});

test("a lone surrogate in snapshot text is refused, not loaded as U+FFFD", () => {
  const lone = org.replace('"edge-example-1"', '"edge-\uD800"');
  assert.deepEqual(loaded(lone).slice(0, 2), ["snapshot.invalid_utf8", "."]);
  // Its TextEncoder bytes are another text: U+FFFD is a character like any other.
  assert.equal(loaded(new TextEncoder().encode(lone))[0], "edge-\uFFFD");
  // As an object, the writer escapes it and the core refuses the escape.
  assert.equal(loaded(JSON.parse(JSON.stringify(JSON.parse(org)).replace('"edge-example-1"', '"edge-\\ud800"')))[0], "snapshot.malformed");
});

test("JSON text answers as the core reads it, scanned or not", () => {
  const authorizer = Authorizer.fromJson(org);
  // The keys in another order than the fast path reads them.
  const texts = everyRequest().map(({ user, permission, resourceType, resourceId }) =>
    JSON.stringify({ resourceId, user, permission, resourceType }),
  );
  texts.push(
    '{"user":"piggy","permission":"READ","resourceType":"TASK","resourceId":"t-1"}',
    '{"user":"piggy","permission":"READ","resourceType":"TASK","resourceId":"t-1","user":"kermit"}',
    '{"user":"piggy","user":"kermit","permission":"READ","resourceType":"TASK"}',
    '{"user":"kermit","permission":"READ","resourceType":"TASK","tenantId":"x"}',
    '{"user":"kermit","permission":"READ","resourceType":"TASK","resourceId":null}',
    '{"user":"kermit","permission":"READ","resourceType":6}',
    '{"user":"kermit","permission":"READ"}',
    '{"user":"kermit","permission":"READ","resourceType":"TASK",}',
    '{"user":"kermit","permission":"READ","resourceType":"TASK"}x',
    '{"user":"kermit","permission":"READ","resourceType":"TASK"}}',
    '{"user":"kermit","permission":"READ","resourceType":"TASK"',
    '{"user":"kermit" ,"permission":"READ","resourceType":"TASK"}',
    '{"us\\u0065r":"kermit","permission":"READ","resourceType":"TASK"}',
    '{"user":"k\\u0065rmit","permission":"READ","resourceType":"TASK"}',
    '{"user":"kermit\\"","permission":"READ","resourceType":"TASK"}',
    '{"user":"\\ud800","permission":"READ","resourceType":"TASK"}',
    '{"user":"pig\tgy","permission":"READ","resourceType":"TASK"}',
    '{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice\uD800"}',
    '{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"ïnvoice"}',
    '{"user":"kermit","anyOf":[{"permission":"READ","resourceType":"TASK"}]}',
    '{}',
    '{"',
    "{",
  );
  for (const text of texts) {
    const expected = fullOfText(authorizer, text);
    assert.equal(fast(authorizer, text), expected, text);
    assert.equal(fast(authorizer, text), expected, `${text}, again`);
  }
  assert.ok(authorizer._writ.questions.size > 0, "compact texts took the fast path");
});

test("inputs JSON.stringify would write differently take the full path", () => {
  const authorizer = Authorizer.fromJson(org);
  const both = (request) => [fast(authorizer, request), full(authorizer, request)];
  // A lone surrogate: JSON.stringify escapes it, and the core refuses the escape;
  // passed as a string it would arrive as U+FFFD and be answered.
  const lone = { user: "piggy\uD800", permission: "READ", resourceType: "TASK" };
  assert.deepEqual(both(lone), ["error request.malformed", "error request.malformed"]);
  assert.deepEqual([...authorizer.checkMany([lone])], [2]);
  // Strings are checked when they enter a table, so every part of a question is.
  for (const part of ["permission", "resourceType", "resourceId"]) {
    const request = { user: "piggy", permission: "READ", resourceType: "TASK", resourceId: "t-1" };
    assert.equal(fast(authorizer, request), true);
    request[part] += "\uDC00";
    assert.deepEqual(both(request), ["error request.malformed", "error request.malformed"], part);
    assert.deepEqual([...authorizer.checkMany([request])], [2], part);
  }
  // A freed handle throws, and leaves nothing behind either.
  const freed = authorizer.principal({ user: "piggy" });
  freed.free();
  assert.throws(() => freed.can("READ", "FRESH_TYPE_NAME", "x"));
  assert.throws(() => freed.permissions("FRESH_TYPE_NAME", "x"));
  assert.equal(askedTypes(authorizer).some((asked) => asked.includes("FRESH_TYPE_NAME")), false);
  assert.equal(authorizer._writ.resources.has("FRESH_TYPE_NAME"), false);
  // Nothing is kept for them: the tables grow only by entries that count towards
  // their bound.
  const tables = askedTypes(authorizer);
  for (let i = 0; i < 100; i++) fast(authorizer, { user: "piggy", permission: `READ\uD800${i}`, resourceType: `TASK\uD800${i}` });
  assert.deepEqual(askedTypes(authorizer), tables);
  // A polluted prototype: JSON.stringify writes own properties only.
  Object.prototype.resourceId = "invoice";
  try {
    const request = { user: "kermit", permission: "CREATE_INSTANCE", resourceType: "PROCESS_DEFINITION" };
    const [answer, expected] = both(request);
    assert.equal(answer, expected);
    assert.equal(answer, false, "kermit may start invoice, not every definition");
  } finally {
    delete Object.prototype.resourceId;
  }
  // An object with toJSON is not a plain request: refused, never asked as
  // whatever toJSON gives.
  const disguised = { user: "gonzo", permission: "READ", resourceType: "TASK" };
  Object.defineProperty(disguised, "toJSON", { value: () => ({ user: "piggy", permission: "READ", resourceType: "TASK" }) });
  assert.equal(fast(authorizer, disguised), "error request.malformed");
  // A getter that throws is the full path's `request.malformed`, not the getter's error.
  const throwing = { user: "piggy", permission: "READ", get resourceType() { throw new Error("boom"); } };
  assert.equal(fast(authorizer, throwing), "error request.malformed");
  authorizer.free();
});

test("checkMany stays right when a getter calls checkMany in the middle of a batch", () => {
  const authorizer = Authorizer.fromJson(org);
  const requests = [];
  for (const user of users)
    for (const permission of permissions) requests.push({ user, permission, resourceType: "PROCESS_DEFINITION", resourceId: "invoice" });
  const expected = requests.map((request) => full(authorizer, request));
  const inner = requests.slice().reverse();
  let innerAnswers;
  const sneaky = { ...requests[3] };
  Object.defineProperty(sneaky, "user", {
    enumerable: true,
    get() {
      innerAnswers ??= [...authorizer.checkMany(inner)];
      return requests[3].user;
    },
  });
  const outer = requests.slice();
  outer[3] = sneaky;
  const answers = [...authorizer.checkMany(outer)];
  const bytes = (list) => list.map((answer) => (answer === true ? 1 : answer === false ? 0 : 2));
  assert.deepEqual(answers, bytes(expected));
  assert.deepEqual(innerAnswers, bytes(expected.slice().reverse()));
  assert.deepEqual([...authorizer.checkMany(requests)], bytes(expected), "and the batch after");
  authorizer.free();
});

test("checkMany stays right when a getter empties the tables in the middle of a batch", () => {
  const authorizer = Authorizer.fromJson(org);
  const handle = authorizer.principal({ user: "gonzo" });
  let i = 0;
  while (handle._writ.entries < 65_536 - 10) handle.can("READ", "TASK", `task-${i++}`);
  const requests = [
    { user: "piggy", permission: "READ", resourceType: "TASK", resourceId: "t-1" },
    { user: "gonzo", permission: "CREATE_INSTANCE", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" },
    {
      user: "kermit",
      permission: "CREATE_INSTANCE",
      resourceType: "PROCESS_DEFINITION",
      get resourceId() {
        // Asks enough new questions to cross the bound while the batch is being read.
        for (let k = 0; k < 20; k++) authorizer.check({ user: "piggy", permission: "READ", resourceType: "TASK", resourceId: `x-${k}` });
        return "invoice";
      },
    },
  ];
  const resets = handle._writ.resets;
  assert.deepEqual([...authorizer.checkMany(requests)], [1, 0, 1]);
  assert.ok(handle._writ.resets > resets, "the tables were emptied during the batch");
  handle.free();
  authorizer.free();
});

/** Calls for every public member of `cls` not in `calls`, with an object argument. */
function everyMember(cls, target, calls) {
  for (const name of Object.getOwnPropertyNames(cls.prototype)) {
    if (name === "constructor" || name === "free" || name.startsWith("_")) continue;
    calls[name] ??= () => {
      const member = target[name];
      return typeof member === "function" ? member.call(target, {}) : member;
    };
  }
  return calls;
}

const isFreed = (code) => (error) => error instanceof Error && error.code === code;

test("after free() every public method throws an Error with a code; a second free() does nothing", () => {
  const request = { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION" };
  const authorizer = Authorizer.fromJson(org);
  const handle = authorizer.principal({ user: "kermit" });
  const before = authorizer.check(request);
  authorizer.free();
  authorizer.free();
  if (typeof Symbol.dispose === "symbol") authorizer[Symbol.dispose]();
  const calls = everyMember(Authorizer, authorizer, {
    check: () => authorizer.check(request),
    checkText: () => authorizer.check(JSON.stringify(request)),
    checkMany: () => authorizer.checkMany([request]),
    explain: () => authorizer.explain(request),
    permissions: () => authorizer.permissions({ user: "kermit", resourceType: "PROCESS_DEFINITION" }),
    list: () => authorizer.list({ user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION" }),
    principal: () => authorizer.principal({ user: "kermit" }),
  });
  for (const [name, call] of Object.entries(calls)) assert.throws(call, isFreed("authorizer.freed"), name);
  // The handle holds the core authorizer itself and stays usable until its own free().
  assert.equal(handle.can("READ", "PROCESS_DEFINITION"), before);
  assert.equal(handle.user, "kermit");
  handle.free();
  handle.free();
  if (typeof Symbol.dispose === "symbol") handle[Symbol.dispose]();
  const handleCalls = everyMember(Principal, handle, {
    can: () => handle.can("READ", "PROCESS_DEFINITION"),
    canMalformed: () => handle.can(42, "PROCESS_DEFINITION"),
    permissions: () => handle.permissions("PROCESS_DEFINITION"),
    list: () => handle.list("READ", "PROCESS_DEFINITION"),
  });
  for (const [name, call] of Object.entries(handleCalls)) assert.throws(call, isFreed("principal.freed"), name);
});

test("an authorizer freed by a getter of the request being asked answers authorizer.freed", () => {
  const freeing = (authorizer, extra = {}) => ({
    get user() {
      authorizer.free();
      return "kermit";
    },
    permission: "READ",
    resourceType: "PROCESS_DEFINITION",
    ...extra,
  });
  const cases = {
    "check, plain shape": (a) => a.check(freeing(a)),
    "check, another shape": (a) => a.check(freeing(a, { tenantId: "t" })),
    "checkMany, plain shape": (a) => a.checkMany([freeing(a)]),
    "checkMany, another shape": (a) => a.checkMany([freeing(a, { tenantId: "t" })]),
    "checkMany, an element getter": (a) => {
      const requests = [1];
      Object.defineProperty(requests, 0, {
        get() {
          a.free();
          return 1;
        },
      });
      return a.checkMany(requests);
    },
  };
  for (const [name, call] of Object.entries(cases)) {
    assert.throws(() => call(Authorizer.fromJson(org)), isFreed("authorizer.freed"), name);
  }
});

test("a handle's string parameters refuse other values with request.malformed, and nothing traps", () => {
  const authorizer = Authorizer.fromJson(org);
  const handle = authorizer.principal({ user: "kermit" });
  const expected = handle.can("READ", "PROCESS_DEFINITION", "invoice");
  const others = [undefined, null, 42, true, {}, ["READ"], 10n, Symbol("id")];
  const calls = [];
  for (const value of others) {
    calls.push(() => handle.can(value, "PROCESS_DEFINITION"));
    calls.push(() => handle.can("READ", value));
    calls.push(() => handle.list(value, "PROCESS_DEFINITION"));
    if (value !== undefined && value !== null) {
      calls.push(() => handle.can("READ", "PROCESS_DEFINITION", value));
      calls.push(() => handle.permissions("PROCESS_DEFINITION", value));
      calls.push(() => handle.permissions("PROCESS_DEFINITION", "invoice", value));
    }
  }
  for (const call of calls) {
    assert.throws(call, (error) => error instanceof Error && error.code === "request.malformed", String(call));
  }
  // A String object is a string to the glue, and stays accepted.
  assert.equal(handle.can(new String("READ"), "PROCESS_DEFINITION", new String("invoice")), expected);
  assert.deepEqual(handle.permissions("PROCESS_DEFINITION", new String("invoice")), handle.permissions("PROCESS_DEFINITION", "invoice"));
  assert.deepEqual(handle.list(new String("READ"), "PROCESS_DEFINITION"), handle.list("READ", "PROCESS_DEFINITION"));
  // null stands for an absent optional argument, as undefined does.
  assert.equal(handle.can("READ", "PROCESS_DEFINITION", null), handle.can("READ", "PROCESS_DEFINITION"));
  assert.deepEqual(handle.permissions("PROCESS_DEFINITION", null, null), handle.permissions("PROCESS_DEFINITION"));
  assert.equal(handle.can("READ", "PROCESS_DEFINITION", "invoice"), expected);
  handle.free();
  authorizer.free();
});
