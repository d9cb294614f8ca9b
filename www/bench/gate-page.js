// A page of 100 process definitions with 5 gated actions each (500 elements),
// gated as kermit of the Camunda 7 demo in several ways; each timed over
// fresh elements, on a fresh authorizer ("cold": the first gating of a page)
// and again on the same one ("warm": a re-gate). Medians of RUNS runs, in ms.
import init, { Authorizer } from "writ";
import { gate } from "writ/dom";

await init();
const snapshot = await (await fetch("/examples/camunda7.json")).text();
const PERMISSIONS = ["READ", "UPDATE", "DELETE", "CREATE_INSTANCE", "READ_HISTORY"];
const IDS = Array.from({ length: 100 }, (_, index) => (index === 0 ? "invoice" : index === 1 ? "payroll" : `definition-${index}`));
const RUNS = 15;
const PAGES = 10; // gated one after the other in one timing (the timer's resolution is 0.1 ms)

/** Builds `count` pages of 500 elements, each in its own root; answers the roots. */
function build(count = 1) {
  const container = document.getElementById("page");
  container.replaceChildren();
  const roots = [];
  for (let page = 0; page < count; page++) {
    const root = document.createElement("section");
    for (const id of IDS) {
      const row = document.createElement("div");
      for (const permission of PERMISSIONS) {
        const button = document.createElement("button");
        button.dataset.writPermission = permission;
        button.dataset.writResourceType = "PROCESS_DEFINITION";
        button.dataset.writResourceId = id;
        button.textContent = permission;
        row.append(button);
      }
      root.append(row);
    }
    container.append(root);
    roots.push(root);
  }
  return roots;
}

const question = (element) => ({ user: "kermit", permission: element.dataset.writPermission, resourceType: element.dataset.writResourceType, resourceId: element.dataset.writResourceId });

const ways = {
  // writ/dom as shipped: one checkMany for the page.
  "gate() (one checkMany)": (authorizer, root) => {
    const controller = gate(root, { authorizer, principal: "kermit" });
    controller.disconnect();
  },
  // writ/dom with one check() per distinct question instead.
  "gate({ batch: false }) (one check() per element)": (authorizer, root) => {
    const controller = gate(root, { authorizer, principal: "kermit" }, { batch: false });
    controller.disconnect();
  },
  // Hand-written loops that only set `hidden`, one call per element: a resolved handle's can().
  "per element: handle.can()": (authorizer, root) => {
    const elements = root.querySelectorAll("[data-writ-permission]");
    const me = authorizer.principal({ user: "kermit" });
    for (const element of elements) element.hidden = !me.can(element.dataset.writPermission, element.dataset.writResourceType, element.dataset.writResourceId);
    me.free();
  },
  // One call per element: authorizer.check(request).
  "per element: check()": (authorizer, root) => {
    const elements = root.querySelectorAll("[data-writ-permission]");
    for (const element of elements) element.hidden = !authorizer.check(question(element));
  },
  // One permissions() call per resource (100), then a lookup per element.
  "per resource: handle.permissions()": (authorizer, root) => {
    const elements = root.querySelectorAll("[data-writ-permission]");
    const me = authorizer.principal({ user: "kermit" });
    const held = new Map();
    for (const element of elements) {
      const id = element.dataset.writResourceId;
      if (!held.has(id)) held.set(id, new Set(me.permissions("PROCESS_DEFINITION", id)));
      element.hidden = !held.get(id).has(element.dataset.writPermission);
    }
    me.free();
  },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// The ways interleaved, run after run (and one round first, not counted), so
// that none pays alone for the JIT warming up the shared code.
const times = Object.fromEntries(Object.keys(ways).map((name) => [name, { cold: [], warm: [] }]));
for (let run = -1; run < RUNS; run++) {
  for (const [name, way] of Object.entries(ways)) {
    // Cold: each page on a fresh authorizer (the first gating of a page).
    const fresh = Array.from({ length: PAGES }, () => Authorizer.fromJson(snapshot));
    let roots = build(PAGES);
    let start = performance.now();
    roots.forEach((root, index) => way(fresh[index], root));
    const cold = (performance.now() - start) / PAGES;
    // Warm: the same questions again on one authorizer (a re-gate).
    roots = build(PAGES);
    start = performance.now();
    for (const root of roots) way(fresh[0], root);
    const warm = (performance.now() - start) / PAGES;
    for (const authorizer of fresh) authorizer.free();
    if (run >= 0) {
      times[name].cold.push(cold);
      times[name].warm.push(warm);
    }
  }
}
const results = Object.entries(times).map(([name, { cold, warm }]) => ({ name, cold: median(cold), warm: median(warm) }));

// Without the DOM: the decisions alone, 500 of them (100 repetitions per timing, for the timer's resolution).
const authorizer = Authorizer.fromJson(snapshot);
const requests = [...build()[0].querySelectorAll("[data-writ-permission]")].map(question);
const me = authorizer.principal({ user: "kermit" });
const alone = {
  "checkMany(500) alone": () => authorizer.checkMany(requests),
  "500 × handle.can() alone": () => {
    for (const request of requests) me.can(request.permission, request.resourceType, request.resourceId);
  },
  "500 × check() alone": () => {
    for (const request of requests) authorizer.check(request);
  },
};
for (const [name, way] of Object.entries(alone)) {
  way();
  const times = [];
  for (let run = 0; run < 11; run++) {
    const start = performance.now();
    for (let repeat = 0; repeat < 100; repeat++) way();
    times.push((performance.now() - start) / 100);
  }
  results.push({ name, cold: undefined, warm: median(times) });
}
window.results = { elements: requests.length, results, userAgent: navigator.userAgent };
document.body.dataset.done = "true";
