// The peer comparison (a measurement, not a test): one generated RBAC
// organisation, asked the same 2,000 questions with ground truth by writ (every
// profile that can hold it) and by CASL, in one node process:
//   node wasm/bench/peers.mjs [--users 1000] [--roles 20] [--rounds 3]
// after scripts/test-wasm.sh (which builds wasm/pkg, links it as `writ` and
// installs CASL, a dev dependency). Each engine must answer every question as
// the ground truth does (0 mismatches) before it is timed; the figures are the
// median of --rounds, each the best of seven timings, in µs per check, with
// writ's ratio to CASL from the same run.
//
// The organisation: users holding 1–3 roles; each role granting 1–3
// permissions on a few of 200 process definitions, one role in ten on every
// definition (`*`). Under `camunda7` and `optimize` a role is a group with
// GRANT rows (Optimize also needs its login row); under `grants` (Camunda 8)
// a role with grants; in CASL each user's rules, one ability per user, built
// once (as CASL is used) and cached, in two forms: conditions on the id, and
// a subject type per id (CASL's fastest); ratios are to the faster. Every engine is asked the same questions
// through the same calls: a handle (CASL: its ability) per user made before
// timing.
import { createMongoAbility } from "@casl/ability";
import { Authorizer } from "writ";
import { rng } from "./rng.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const USERS = option("users", 1000);
const ROLES = option("roles", 20);
const ROUNDS = option("rounds", 3);
const DEFINITIONS = 200;

const below = rng(21);

// Actions in the two catalogues' words.
const ACTIONS = [
  { camunda7: "READ", grants: "READ_PROCESS_DEFINITION", casl: "read" },
  { camunda7: "CREATE_INSTANCE", grants: "CREATE_PROCESS_INSTANCE", casl: "start" },
  { camunda7: "UPDATE_INSTANCE", grants: "UPDATE_PROCESS_INSTANCE", casl: "update" },
  { camunda7: "DELETE_INSTANCE", grants: "DELETE_PROCESS_INSTANCE", casl: "delete" },
];

// Per role: [action index, definition or "*"] grants.
const roles = Array.from({ length: ROLES }, (_, r) => {
  const grants = [];
  const wildcard = r % 10 === 0;
  for (let g = 0; g < 1 + below(3); g++) {
    const action = below(ACTIONS.length);
    if (wildcard) grants.push([action, "*"]);
    else for (let d = 0; d < 1 + below(4); d++) grants.push([action, `process-${below(DEFINITIONS)}`]);
  }
  return grants;
});
const users = Array.from({ length: USERS }, () => {
  const held = new Set();
  for (let i = 0; i < 1 + below(3); i++) held.add(below(ROLES));
  return [...held];
});

// 2,000 questions and the answer each must get.
const questions = Array.from({ length: 2000 }, () => {
  const user = below(USERS);
  const action = below(ACTIONS.length);
  // Half on a definition some role names, half on any of 220 (some unnamed).
  const resource = `process-${below(DEFINITIONS + 20)}`;
  const allowed = users[user].some((role) =>
    roles[role].some(([a, id]) => a === action && (id === "*" || id === resource)),
  );
  return { user, action, resource, allowed };
});

function snapshot(profile) {
  const grants = profile === "grants";
  const doc = { format: 1, profile };
  if (grants) {
    doc.options = { defaultRoles: false };
    doc.roles = roles.map((_, r) => ({ id: `role-${r}` }));
    doc.users = users.map((held, u) => ({ id: `user-${u}`, roles: held.map((r) => `role-${r}`) }));
  } else {
    doc.groups = roles.map((_, r) => ({ id: `role-${r}` }));
    doc.users = users.map((held, u) => ({ id: `user-${u}`, groups: held.map((r) => `role-${r}`) }));
  }
  doc.authorizations = [];
  roles.forEach((list, r) =>
    list.forEach(([action, id], g) => {
      const permission = ACTIONS[action][grants ? "grants" : "camunda7"];
      doc.authorizations.push(
        grants
          ? { id: `r${r}-${g}`, type: "GRANT", ownerType: "ROLE", ownerId: `role-${r}`, resourceType: "PROCESS_DEFINITION", resourceId: id, permissions: [permission] }
          : { id: `r${r}-${g}`, type: "GRANT", groupId: `role-${r}`, resourceType: "PROCESS_DEFINITION", resourceId: id, permissions: [permission] },
      );
    }),
  );
  if (profile === "optimize") {
    doc.authorizations.push({ id: "login", type: "GLOBAL", userId: "*", resourceType: "APPLICATION", resourceId: "optimize", permissions: ["ACCESS"] });
  }
  return doc;
}

/** Best of seven timings of `iterations` calls of `body`, in µs per call. */
function best(iterations, body) {
  let fastest = Infinity;
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    body(iterations);
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / iterations / 1e3);
  }
  return fastest;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
let sink = 0;

function writEngine(profile) {
  // Optimize decides any permission name of the same rows (relevance by
  // name), so it is asked the Camunda 7 words too.
  const words = profile === "grants" ? "grants" : "camunda7";
  const authorizer = Authorizer.fromJson(JSON.stringify(snapshot(profile)));
  const handles = users.map((_, u) => authorizer.principal({ user: `user-${u}` }));
  const asked = questions.map((q) => ({
    user: `user-${q.user}`,
    permission: ACTIONS[q.action][words],
    resourceType: "PROCESS_DEFINITION",
    resourceId: q.resource,
  }));
  const wrong = questions.filter((q, i) => handles[q.user].can(asked[i].permission, "PROCESS_DEFINITION", q.resource) !== q.allowed).length
    + questions.filter((q, i) => authorizer.check(asked[i]) !== q.allowed).length;
  const batches = Array.from({ length: 20 }, (_, b) => asked.slice(b * 100, b * 100 + 100));
  const batchWrong = batches.flatMap((batch, b) => Array.from(authorizer.checkMany(batch)).map((answer, i) => (answer === 1) !== questions[b * 100 + i].allowed)).filter(Boolean).length;
  return {
    name: `writ ${profile}`,
    mismatches: wrong + batchWrong,
    "handle.can": () =>
      best(200_000, (n) => {
        for (let i = 0; i < n; i++) {
          const q = questions[i % 2000];
          sink += handles[q.user].can(asked[i % 2000].permission, "PROCESS_DEFINITION", q.resource) ? 1 : 0;
        }
      }),
    // Each question's first ask: fresh handles each timing, so that nothing
    // is remembered yet (the loops above ask the same 2,000 questions again
    // and again, which js/fast.js answers from what it remembered).
    "handle.can, first ask": () => {
      let fastest = Infinity;
      for (let round = 0; round < 7; round++) {
        const fresh = users.map((_, u) => authorizer.principal({ user: `user-${u}` }));
        const start = process.hrtime.bigint();
        for (let i = 0; i < 2000; i++) {
          const q = questions[i];
          sink += fresh[q.user].can(asked[i].permission, "PROCESS_DEFINITION", q.resource) ? 1 : 0;
        }
        fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 2000 / 1e3);
        for (const handle of fresh) handle.free();
      }
      return fastest;
    },
    "checkMany of 100, per check": () =>
      best(2_000, (n) => {
        for (let i = 0; i < n; i++) sink += authorizer.checkMany(batches[i % 20])[0];
      }) / 100,
    "check (plain object)": () =>
      best(200_000, (n) => {
        for (let i = 0; i < n; i++) sink += authorizer.check(asked[i % 2000]) ? 1 : 0;
      }),
  };
}

// CASL's fastest form: each definition a subject type of its own, `all`
// for `*`: no conditions to match, one lookup by (action, subject type).
function caslByType() {
  const abilities = users.map((held) => {
    const rules = [];
    for (const role of held) {
      for (const [action, id] of roles[role]) {
        rules.push({ action: ACTIONS[action].casl, subject: id === "*" ? "all" : id });
      }
    }
    return createMongoAbility(rules);
  });
  return casl("CASL (a subject type per id)", questions.map((q) => [abilities[q.user], ACTIONS[q.action].casl, q.resource]));
}

/** A CASL engine over (ability, action, subject) triples, one per question. */
function casl(name, asked) {
  return {
    name,
    mismatches: questions.filter((q, i) => asked[i][0].can(asked[i][1], asked[i][2]) !== q.allowed).length,
    "handle.can": () =>
      best(200_000, (n) => {
        for (let i = 0; i < n; i++) {
          const [ability, action, subject] = asked[i % 2000];
          sink += ability.can(action, subject) ? 1 : 0;
        }
      }),
  };
}

function caslEngine() {
  const abilities = users.map((held) => {
    const rules = [];
    for (const role of held) {
      for (const [action, id] of roles[role]) {
        rules.push(id === "*" ? { action: ACTIONS[action].casl, subject: "ProcessDefinition" } : { action: ACTIONS[action].casl, subject: "ProcessDefinition", conditions: { id } });
      }
    }
    return createMongoAbility(rules);
  });
  const subjects = new Map();
  const subjectOf = (id) => {
    let subject = subjects.get(id);
    if (!subject) {
      subject = { __caslSubjectType__: "ProcessDefinition", id };
      subjects.set(id, subject);
    }
    return subject;
  };
  return casl("CASL (conditions on the id)", questions.map((q) => [abilities[q.user], ACTIONS[q.action].casl, subjectOf(q.resource)]));
}

const engines = [writEngine("camunda7"), writEngine("optimize"), writEngine("grants"), caslEngine(), caslByType()];
console.log(`peers: ${USERS} users, ${ROLES} roles, ${DEFINITIONS} definitions, 2,000 questions; node ${process.version}; median of ${ROUNDS}`);
for (const engine of engines) {
  if (engine.mismatches !== 0) {
    console.error(`${engine.name}: ${engine.mismatches} answers differ from the ground truth`);
    process.exit(1);
  }
}
const metrics = ["handle.can", "handle.can, first ask", "checkMany of 100, per check", "check (plain object)"];
const figures = new Map();
for (let round = 0; round < ROUNDS; round++) {
  // Interleaved: every engine once per round.
  for (const engine of engines) {
    for (const metric of metrics) {
      if (!engine[metric]) continue;
      const key = `${engine.name}\t${metric}`;
      figures.set(key, [...(figures.get(key) ?? []), engine[metric]()]);
    }
  }
}
// Ratios to the faster of CASL's two forms.
const fastestCasl = Math.min(
  ...engines
    .filter((engine) => engine.name.startsWith("CASL"))
    .map((engine) => median(figures.get(`${engine.name}\thandle.can`))),
);
for (const [key, values] of figures) {
  const [name, metric] = key.split("\t");
  const value = median(values);
  const ratio = name.startsWith("CASL") ? "" : `  (${(value / fastestCasl).toFixed(2)}× CASL's time)`;
  console.log(`${name.padEnd(34)} ${metric.padEnd(28)} ${value.toFixed(3)} µs  [${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)}]${ratio}`);
}
if (sink === 42) console.log("");
