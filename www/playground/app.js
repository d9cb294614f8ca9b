// The playground: pick an organisation (or open a snapshot), pick who asks,
// see every decision that matters as a matrix, the explanation of any cell,
// and edit the snapshot with the decisions following at once. Everything is
// decided here, in the browser, by the writ package; nothing is sent anywhere.
import init, { Answer, Authorizer } from "writ";
import { createEditor, withoutPath } from "./editor.js";
import { prose, renderExplanation } from "./explain.js";
import { cells, renderMatrix } from "./matrix.js";
import * as model from "./model.js";
import { h } from "./h.js";

/** The example organisations (host/demo, assembled into examples/ by www/build.sh). */
export const EXAMPLES = [
  { id: "camunda7", label: "Camunda 7 (engine)", file: "examples/camunda7.json" },
  { id: "optimize", label: "Optimize (the Camunda 7 data)", file: "examples/camunda7.json", profile: "optimize" },
  { id: "camunda8", label: "Camunda 8 (Orchestration Cluster)", file: "examples/camunda8.json" },
  { id: "identity", label: "Management Identity", file: "examples/identity.json" },
  { id: "emporix", label: "Emporix", file: "examples/emporix.json" },
];

/** About how many decisions the before/after comparison of an edit asks (twice). */
const DIFF_CHECKS = 200_000;

const $ = (id) => document.getElementById(id);

const state = {
  name: "", // the file name shown and exported
  valid: undefined, // the last valid snapshot document (what `authorizer` decides)
  draft: undefined, // what the editor edits
  authorizer: undefined,
  catalogue: new Map(), // resource type → its permissions (undefined: unknown to writ)
  sections: [],
  decisions: new Map(),
  who: { kind: "user", id: "", groups: null, claims: null, source: "", profile: "camunda7" },
  tenant: "",
  all: false,
  extra: [], // resources added to the matrix by hand
  selected: undefined,
  changed: new Set(),
  edited: false,
  version: 0,
};

const editor = createEditor($("editor"), {
  onChange: (draft) => propose(draft),
  onText: (text) => proposeText(text),
  onRevert: () => {
    state.draft = model.clone(state.valid);
    editor.load(state.draft);
    editor.showError(undefined);
    bump();
  },
});

function coded(error) {
  return { code: error?.code ?? "error", path: error?.path, message: error?.message ?? String(error) };
}

// ---------------------------------------------------------------- loading

async function start() {
  await init(); // writ_bg.wasm, next to the package's writ.js
  const pick = $("org");
  pick.replaceChildren(...EXAMPLES.map((example) => h("option", { value: example.id, text: example.label })));
  const params = new URLSearchParams(location.search);
  const first = EXAMPLES.find((example) => example.id === params.get("org")) ?? EXAMPLES[0];
  pick.value = first.id;
  pick.addEventListener("change", () => openExample(EXAMPLES.find((example) => example.id === pick.value)));
  $("file").addEventListener("change", openFile);
  $("export").addEventListener("click", exportSnapshot);
  wireWho();
  await openExample(first, params);
}

async function openExample(example, params = new URLSearchParams()) {
  setBusy(true);
  try {
    const response = await fetch(example.file);
    if (!response.ok) throw Object.assign(new Error(`${example.file}: HTTP ${response.status}`), { code: "load.failed" });
    const text = await response.text();
    const loaded = loadText(text, example.file.split("/").pop());
    if (loaded !== undefined) {
      showStatus(loaded, "error");
      return;
    }
    state.who.profile = example.profile ?? state.valid.profile;
    applyParams(params);
    $("org").value = example.id;
    renderAll();
  } catch (error) {
    showStatus(coded(error), "error");
  } finally {
    setBusy(false);
  }
}

async function openFile(event) {
  const file = event.target.files?.[0];
  if (file === undefined) return;
  const text = await file.text();
  const failed = loadText(text, file.name);
  event.target.value = "";
  if (failed !== undefined) {
    showStatus({ ...failed, message: `${withoutPath(failed)} (${file.name} was not loaded; the decisions are still those of ${state.name})` }, "error");
    return;
  }
  if (!$("org").querySelector('option[value="file"]')) $("org").append(h("option", { value: "file", text: "Opened file" }));
  $("org").querySelector('option[value="file"]').textContent = `File: ${file.name}`;
  $("org").value = "file";
  state.who.profile = state.valid.profile;
  renderAll();
}

/** Loads snapshot text as a new organisation; answers the error, or undefined when it is in force. */
function loadText(text, name) {
  let authorizer;
  let document;
  try {
    authorizer = Authorizer.fromJson(text);
    document = JSON.parse(text);
  } catch (error) {
    authorizer?.free();
    return coded(error);
  }
  state.authorizer?.free();
  state.authorizer = authorizer;
  state.valid = document;
  state.draft = model.clone(document);
  state.name = name;
  state.extra = [];
  state.catalogue = probe(document);
  state.selected = undefined;
  state.changed = new Set();
  state.edited = false;
  state.tenant = "";
  const { users, clients } = model.principals(document);
  state.who = { kind: users.length > 0 ? "user" : "client", id: users[0] ?? clients[0] ?? "", groups: null, claims: null, source: model.sourceNames(document)[0] ?? "", profile: document.profile };
  editor.load(state.draft, { fresh: true });
  editor.showError(undefined);
  $("diff").replaceChildren(h("p", { class: "hint", text: "Edit the snapshot below: the decisions that change are listed here and marked in the matrix." }));
  return undefined;
}

/** Every permission of each resource type, as the core's catalogue has them (authorization checks off). */
function probe(document) {
  const catalogue = new Map();
  let prober;
  try {
    prober = Authorizer.fromJson(model.probeSnapshot(document));
  } catch {
    return catalogue; // the matrix then shows the permissions the rows name
  }
  const views = model.isGrants(document) ? ["grants"] : ["camunda7", "optimize"];
  const types = new Set(views.flatMap((profile) => model.matrix(document, { profile, catalogue: () => undefined }).map((section) => section.type)));
  types.delete("bundle");
  for (const type of [...types, ...state.extra.map((extra) => extra.resourceType)]) {
    try {
      catalogue.set(type, prober.permissions(model.probeRequest(document, type)));
    } catch {
      catalogue.set(type, undefined);
    }
  }
  prober.free();
  return catalogue;
}

function applyParams(params) {
  const kind = params.get("client") !== null ? "client" : params.get("user") !== null ? "user" : undefined;
  if (kind !== undefined) state.who = { ...state.who, kind, id: params.get(kind) };
  if (params.get("tenant") !== null) state.tenant = params.get("tenant");
  if (params.get("all") === "1") state.all = true;
  if (params.get("profile") !== null) state.who.profile = params.get("profile");
}

// ---------------------------------------------------------------- deciding

function principalLabel(who = state.who) {
  return who.kind === "client" ? `client ${who.id}` : who.id;
}

function requestFor(cell, who = state.who, snapshot = state.valid) {
  return { ...model.principalRequest(snapshot, who), ...model.cellQuestion(cell.section, cell.row, cell.permission, who, state.tenant) };
}

/** Every cell's decision for `who`, in one `checkMany` call. */
function decide(authorizer, list, who, snapshot) {
  const decisions = new Map();
  let answers;
  try {
    answers = authorizer.checkMany(list.map((cell) => requestFor(cell, who, snapshot)));
  } catch (error) {
    for (const cell of list) decisions.set(cell.key, { answer: "error", code: error.code });
    return decisions;
  }
  list.forEach((cell, index) => {
    const answer = answers[index];
    if (answer === Answer.Allowed) decisions.set(cell.key, { answer: "allow" });
    else if (answer === Answer.Denied) decisions.set(cell.key, { answer: "deny" });
    else {
      let code = "error";
      try {
        authorizer.check(requestFor(cell, who, snapshot));
      } catch (error) {
        code = error.code;
      }
      decisions.set(cell.key, { answer: "error", code });
    }
  });
  return decisions;
}

function sectionsOf(snapshot, catalogue) {
  return model.matrix(snapshot, { profile: state.who.profile, catalogue: (type) => catalogue.get(type), all: state.all, extra: state.extra });
}

// ---------------------------------------------------------------- editing

/** Has the core validate the draft; in force at once when valid, refused with its code and path when not. */
function propose(draft) {
  let text;
  try {
    text = JSON.stringify(draft);
  } catch (error) {
    editor.showError(coded(error));
    return false;
  }
  return proposeText(text, draft);
}

function proposeText(text, draft) {
  let next;
  let document = draft;
  try {
    next = Authorizer.fromJson(text);
    document ??= JSON.parse(text);
  } catch (error) {
    next?.free();
    editor.showError(coded(error));
    bump();
    return false;
  }
  const before = { authorizer: state.authorizer, snapshot: state.valid, sections: state.sections };
  state.valid = model.clone(document);
  state.authorizer = next;
  state.catalogue = probe(state.valid);
  state.edited = true;
  if (draft === undefined) {
    state.draft = model.clone(state.valid);
    editor.load(state.draft);
  }
  editor.showError(undefined);
  state.sections = sectionsOf(state.valid, state.catalogue);
  showDiff(before);
  before.authorizer.free();
  renderAll();
  return true;
}

/** Decisions before and after an edit, for everyone the snapshot lists, over both matrices. */
function showDiff(before) {
  const union = new Map();
  for (const cell of [...cells(before.sections), ...cells(state.sections)]) if (!union.has(cell.key)) union.set(cell.key, cell);
  const list = [...union.values()];
  const { users, clients } = model.principals(state.valid);
  const old = model.principals(before.snapshot);
  const everyone = [
    ...new Set([...users, ...old.users].map((id) => `user\u0000${id}`)),
    ...new Set([...clients, ...old.clients].map((id) => `client\u0000${id}`)),
  ].map((key) => {
    const [kind, id] = key.split("\u0000");
    const current = kind === state.who.kind && id === state.who.id;
    return { ...state.who, kind, id, groups: current ? state.who.groups : null, claims: current ? state.who.claims : null };
  });
  // A big snapshot: the current principal first, then as many others as keep
  // the comparison near DIFF_CHECKS decisions.
  const budget = Math.max(1, Math.floor(DIFF_CHECKS / Math.max(1, list.length)));
  const current = everyone.findIndex((who) => who.kind === state.who.kind && who.id === state.who.id);
  if (current > 0) everyone.unshift(...everyone.splice(current, 1));
  const compared = everyone.slice(0, budget);
  const changes = [];
  state.changed = new Set();
  for (const who of compared) {
    const was = decide(before.authorizer, list, who, before.snapshot);
    const now = decide(state.authorizer, list, who, state.valid);
    for (const cell of list) {
      const a = was.get(cell.key);
      const b = now.get(cell.key);
      if (a.answer === b.answer) continue;
      changes.push({ who, cell, before: a, after: b });
      if (who.kind === state.who.kind && who.id === state.who.id) state.changed.add(cell.key);
    }
  }
  const box = $("diff");
  const scope = compared.length < everyone.length ? h("p", { class: "hint", text: `Compared for ${compared.length} of ${everyone.length} principals (the first ones, who asks first).` }) : null;
  if (changes.length === 0) {
    box.replaceChildren(h("p", { class: "hint", text: "The last edit changed no decision shown." }), scope);
    return;
  }
  const word = (decision) => (decision.answer === "allow" ? "ALLOW" : decision.answer === "deny" ? "deny" : decision.code ?? "error");
  const shown = changes.slice(0, 40);
  box.replaceChildren(
    h("p", { class: "diff-count" }, h("strong", { text: `${changes.length} decision${changes.length === 1 ? "" : "s"}` }), " changed with the last edit:"),
    h("ul", { class: "diff-list" }, shown.map(({ who, cell, before: a, after: b }) => {
      const what = cell.section.bundle ? `bundle ${cell.row.bundle}` : `${cell.permission} on ${cell.section.type} ${cell.row.label}`;
      return h("li", { "data-who": principalLabel(who), "data-key": cell.key },
        h("span", { class: "diff-who", text: principalLabel(who) }), ` · ${what}: `,
        h("span", { class: `was ${a.answer}`, text: word(a) }), " → ", h("span", { class: `now ${b.answer}`, text: word(b) }));
    })),
    changes.length > shown.length ? h("p", { class: "hint", text: `… and ${changes.length - shown.length} more.` }) : null,
    scope,
  );
}

// ---------------------------------------------------------------- rendering

function bump() {
  state.version += 1;
  document.body.dataset.version = String(state.version);
}

function setBusy(busy) {
  document.body.toggleAttribute("aria-busy", busy);
}

function showStatus(error, kind) {
  const box = $("status");
  box.className = `status ${kind}`;
  box.setAttribute("role", "alert");
  box.replaceChildren(h("code", { class: "code", text: error.code }), error.path ? [" at ", h("code", { text: error.path })] : null, ": ", ...prose(withoutPath(error)));
  bump();
}

function renderStatus() {
  const stats = state.authorizer.stats;
  const box = $("status");
  box.className = "status";
  box.removeAttribute("role");
  const profile = state.who.profile !== state.valid.profile ? `${state.valid.profile}, decided as ${state.who.profile}` : state.valid.profile;
  box.replaceChildren(
    h("span", { class: "pill", text: profile }),
    h("span", { text: `${state.name}${state.edited ? " (edited)" : ""}` }),
    h("span", { class: "muted", text: `${state.authorizer.revision === undefined ? "no revision" : `revision ${state.authorizer.revision}`} · ${stats.users} users · ${stats.groups} groups · ${stats.tenants} tenants · ${stats.authorizations} rows` }),
  );
}

function renderAll() {
  state.sections = sectionsOf(state.valid, state.catalogue);
  const list = cells(state.sections);
  state.decisions = decide(state.authorizer, list, state.who, state.valid);
  renderStatus();
  renderWho();
  renderMatrix($("matrix"), {
    sections: state.sections,
    decision: (key) => state.decisions.get(key),
    who: principalLabel(),
    selected: state.selected,
    changed: state.changed,
    explain: (key) => {
      state.selected = key;
      for (const cell of $("matrix").querySelectorAll('[aria-selected="true"]')) cell.setAttribute("aria-selected", "false");
      $("matrix").querySelector(`[data-key="${CSS.escape(key)}"]`)?.setAttribute("aria-selected", "true");
      renderWhy();
      if (window.matchMedia("(max-width: 900px)").matches) $("why-card").scrollIntoView({ block: "start" });
    },
  });
  $("matrix-who").textContent = principalLabel();
  renderWhy();
  updateUrl();
  document.body.dataset.ready = "true";
  bump();
}

function renderWhy() {
  const cell = cells(state.sections).find((each) => each.key === state.selected);
  if (cell === undefined) {
    renderExplanation($("why"), {});
    return;
  }
  const request = requestFor(cell);
  let decision;
  let error;
  try {
    decision = state.authorizer.explain(request);
  } catch (caught) {
    error = coded(caught);
  }
  const { user, client, groups, claims, source, profile, ...question } = request;
  renderExplanation($("why"), {
    snapshot: state.valid, file: state.name, who: principalLabel(), question, request, decision, error,
    editRow: (id) => {
      editor.editRow(id);
      $("editor-card").scrollIntoView({ block: "start" });
    },
  });
}

function updateUrl() {
  const params = new URLSearchParams();
  const org = $("org").value;
  if (org !== "file") params.set("org", org);
  params.set(state.who.kind, state.who.id);
  if (state.tenant !== "") params.set("tenant", state.tenant);
  if (state.all) params.set("all", "1");
  history.replaceState(null, "", `${location.pathname}?${params}`);
}

// ---------------------------------------------------------------- who asks

function wireWho() {
  $("who").addEventListener("change", () => {
    const [kind, ...rest] = $("who").value.split(":");
    state.who = { ...state.who, kind, id: rest.join(":") };
    state.changed = new Set();
    renderAll();
  });
  $("profile").addEventListener("change", () => {
    state.who.profile = $("profile").value;
    renderAll();
  });
  $("source").addEventListener("change", () => {
    state.who.source = $("source").value;
    renderAll();
  });
  $("tenant").addEventListener("change", () => {
    state.tenant = $("tenant").value;
    renderAll();
  });
  $("all").addEventListener("change", () => {
    state.all = $("all").checked;
    renderAll();
  });
  $("groups-claim").addEventListener("change", () => {
    const text = $("groups-claim").value.trim();
    state.who.groups = text === "" ? null : text.split(",").map((part) => part.trim()).filter(Boolean);
    renderAll();
  });
  $("claims").addEventListener("change", () => {
    const text = $("claims").value.trim();
    const note = $("claims-error");
    if (text === "") {
      state.who.claims = null;
      note.hidden = true;
      renderAll();
      return;
    }
    try {
      const claims = JSON.parse(text);
      if (claims === null || typeof claims !== "object" || Array.isArray(claims)) throw new Error("the claims must be a JSON object");
      state.who.claims = claims;
      note.hidden = true;
      renderAll();
    } catch (error) {
      note.hidden = false;
      note.textContent = `Not used: ${error.message}`;
    }
  });
  $("add-resource").addEventListener("submit", (event) => {
    event.preventDefault();
    const resourceType = $("add-type").value.trim();
    const resourceId = $("add-id").value.trim() || "*";
    if (resourceType === "") return;
    state.extra.push({ resourceType, resourceId });
    state.catalogue = probe(state.valid);
    $("add-id").value = "";
    renderAll();
  });
}

function renderWho() {
  const { users, clients } = model.principals(state.valid);
  const who = $("who");
  const current = `${state.who.kind}:${state.who.id}`;
  const options = [];
  if (users.length > 0) options.push(h("optgroup", { label: "Users" }, users.map((id) => h("option", { value: `user:${id}`, text: id }))));
  if (clients.length > 0) options.push(h("optgroup", { label: "Clients (applications)" }, clients.map((id) => h("option", { value: `client:${id}`, text: id }))));
  if (![...users.map((id) => `user:${id}`), ...clients.map((id) => `client:${id}`)].includes(current) && state.who.id !== "") {
    options.push(h("optgroup", { label: "Not in the snapshot" }, h("option", { value: current, text: principalLabel() })));
  }
  who.replaceChildren(...options);
  who.value = current;

  const grants = model.isGrants(state.valid);
  $("profile-field").hidden = grants;
  $("profile").value = state.who.profile;
  const sources = model.sourceNames(state.valid);
  $("source-field").hidden = sources.length === 0;
  $("source").replaceChildren(...sources.map((name) => h("option", { value: name, text: name })));
  $("source").value = state.who.source;
  const tenants = model.tenantIds(state.valid);
  $("tenant-field").hidden = tenants.length === 0;
  $("tenant").replaceChildren(h("option", { value: "", text: "none" }), ...tenants.map((id) => h("option", { value: id, text: id })));
  $("tenant").value = tenants.includes(state.tenant) ? state.tenant : "";
  $("all").checked = state.all;
  $("claims-field").hidden = !grants;
  $("groups-claim").value = state.who.groups?.join(", ") ?? "";
  $("claims").value = state.who.claims === null ? "" : JSON.stringify(state.who.claims);
}

// ---------------------------------------------------------------- export

function exportSnapshot() {
  const blob = new Blob([`${JSON.stringify(state.valid, null, 2)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: state.edited ? state.name.replace(/\.json$/, "") + "-edited.json" : state.name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

start().catch((error) => {
  showStatus(coded(error), "error");
  document.body.dataset.ready = "error";
});
