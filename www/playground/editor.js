// The editor: users, groups, tenants, roles, clients, mapping rules, access
// controls and authorization rows of the draft snapshot, in forms, plus the
// whole document as JSON. Every change goes to `onChange`, which has the core
// validate the draft: a valid draft is put in force at once, an invalid one
// is shown with the core's error code and path (the fields it names marked)
// while the last valid snapshot stays in force.
import { prose } from "./explain.js";
import { hasCatalogue, isGrants } from "./model.js";
import { h } from "./h.js";


const splitList = (text) => text.split(",").map((part) => part.trim()).filter((part) => part !== "");

// Field kinds: how a field reads its value out of an item and writes it back.
const text = (name, label, { required = false, placeholder } = {}) => ({
  name, label, placeholder, paths: [name],
  read: (item) => item[name] ?? "",
  write(item, value) {
    if (value === "" && !required) delete item[name];
    else item[name] = value;
  },
});
const list = (name, label) => ({
  name, label, placeholder: "none", paths: [name],
  read: (item) => (item[name] ?? []).join(", "),
  write(item, value) {
    const values = splitList(value);
    if (values.length === 0) delete item[name];
    else item[name] = values;
  },
});
const choice = (name, label, options, { required = false } = {}) => ({
  name, label, options: required ? options : ["", ...options], paths: [name],
  read: (item) => item[name] ?? "",
  write(item, value) {
    if (value === "") delete item[name];
    else item[name] = value;
  },
});
const flag = (name, label) => ({
  name, label, options: ["", "true"], paths: [name],
  read: (item) => (item[name] === true ? "true" : ""),
  write(item, value) {
    if (value === "true") item[name] = true;
    else delete item[name];
  },
});

/** The owner of a Camunda 7 row: a user, a group, or nobody (a GLOBAL row). */
const camunda7Owner = {
  name: "owner", label: "Owner", owner: true, options: ["", "user", "group"], paths: ["userId", "groupId"],
  read: (item) => [item.userId !== undefined ? "user" : item.groupId !== undefined ? "group" : "", item.userId ?? item.groupId ?? ""],
  none: "(none)",
  write(item, kind, id) {
    delete item.userId;
    delete item.groupId;
    if (kind === "user") item.userId = id;
    else if (kind === "group") item.groupId = id;
  },
};

/** The owner of a `grants` row: ownerType and ownerId (`userId`/`groupId` shorthands read as such). */
const grantsOwner = {
  name: "owner", label: "Owner", owner: true, options: ["USER", "CLIENT", "GROUP", "ROLE", "MAPPING_RULE"], paths: ["ownerType", "ownerId", "userId", "groupId"],
  read: (item) =>
    item.ownerType !== undefined ? [item.ownerType, item.ownerId ?? ""]
    : item.userId !== undefined ? ["USER", item.userId]
    : item.groupId !== undefined ? ["GROUP", item.groupId]
    : ["USER", ""],
  write(item, kind, id) {
    delete item.userId;
    delete item.groupId;
    item.ownerType = kind;
    item.ownerId = id;
  },
};

/** The tabs for a snapshot: what its profile and catalogues use. */
function tabsFor(snapshot) {
  const grants = isGrants(snapshot);
  const emporix = hasCatalogue(snapshot, "emporix");
  const tabs = [];
  tabs.push({
    key: "authorizations", title: "Authorization rows", noun: "row", inContainer: true,
    fields: grants
      ? [text("id", "Id", { required: true }), choice("type", "Type", ["GRANT", "REVOKE", "GLOBAL"], { required: true }), grantsOwner, text("resourceType", "Resource type", { required: true }), text("resourceId", "Resource id", { placeholder: "*" }), choice("resourcePropertyName", "Property", ["assignee", "candidateUsers", "candidateGroups"]), list("permissions", "Permissions")]
      : [text("id", "Id", { required: true }), choice("type", "Type", ["GRANT", "REVOKE", "GLOBAL"], { required: true }), camunda7Owner, text("resourceType", "Resource type", { required: true }), text("resourceId", "Resource id", { placeholder: "*" }), list("permissions", "Permissions")],
    fresh: (snapshot, container, count) => {
      const user = container.users?.[0]?.id;
      const type = container.authorizations?.[0]?.resourceType ?? (grants ? "PROCESS_DEFINITION" : "PROCESS_DEFINITION");
      const row = { id: `new-row-${count + 1}`, type: "GRANT", resourceType: type, resourceId: "*", permissions: [] };
      if (grants) Object.assign(row, { ownerType: "USER", ownerId: user ?? "" });
      else row.userId = user ?? "*";
      return row;
    },
  });
  tabs.push({
    key: "users", title: "Users", noun: "user", inContainer: true,
    fields: [
      text("id", "Id", { required: true }),
      list("groups", "Groups"),
      emporix ? null : list("tenants", "Tenants"),
      grants && !emporix ? list("roles", "Roles") : null,
      grants ? choice("state", "State", ["active", "locked", "provisioned"]) : null,
    ].filter(Boolean),
    fresh: (snapshot, container, count) => ({ id: `new-user-${count + 1}` }),
  });
  tabs.push({
    key: "groups", title: "Groups", noun: "group", inContainer: true,
    fields: [
      text("id", "Id", { required: true }),
      emporix ? null : list("tenants", "Tenants"),
      grants && !emporix ? list("roles", "Roles") : null,
      emporix ? list("accessControls", "Access controls") : null,
      emporix ? choice("userType", "User type", ["EMPLOYEE", "CUSTOMER"]) : null,
      emporix ? list("restrictions", "Restrictions") : null,
      emporix ? text("legalEntity", "Legal entity") : null,
      emporix ? choice("predefined", "Predefined", ["ADMIN", "BUYER", "REQUESTER", "CONTACT"]) : null,
    ].filter(Boolean),
    fresh: (snapshot, container, count) => ({ id: `new-group-${count + 1}` }),
  });
  if (!emporix) {
    tabs.push({ key: "tenants", title: "Tenants", noun: "tenant", fields: [text("id", "Id", { required: true })], fresh: (snapshot, container, count) => ({ id: `new-tenant-${count + 1}` }) });
  }
  if (grants && !emporix) {
    tabs.push({ key: "roles", title: "Roles", noun: "role", fields: [text("id", "Id", { required: true }), list("tenants", "Tenants")], fresh: (snapshot, container, count) => ({ id: `new-role-${count + 1}` }) });
    tabs.push({ key: "clients", title: "Clients", noun: "client", fields: [text("id", "Id", { required: true }), list("groups", "Groups"), list("roles", "Roles"), list("tenants", "Tenants")], fresh: (snapshot, container, count) => ({ id: `new-client-${count + 1}` }) });
    tabs.push({
      key: "mappingRules", title: "Mapping rules", noun: "mapping rule",
      fields: [text("id", "Id", { required: true }), text("claimName", "Claim", { required: true }), text("claimValue", "Value", { required: true }), choice("operator", "Operator", ["EQUALS", "CONTAINS"]), list("groups", "Groups"), list("roles", "Roles"), list("tenants", "Tenants")],
      fresh: (snapshot, container, count) => ({ id: `new-rule-${count + 1}`, claimName: "groups", claimValue: "" }),
    });
  }
  if (emporix) {
    tabs.push({
      key: "accessControls", title: "Access controls", noun: "access control",
      fields: [text("id", "Id", { required: true }), list("scopes", "Scopes"), flag("restrictionAware", "Restriction-aware"), choice("restrictedTo", "Restricted to", ["EMPLOYEE", "CUSTOMER"])],
      fresh: (snapshot, container, count) => ({ id: `new-access-control-${count + 1}`, scopes: [] }),
    });
  }
  tabs.push({ key: "json", title: "JSON" });
  if (emporix) {
    // Emporix snapshots hold groups and access controls, seldom rows: those first.
    const order = ["groups", "users", "accessControls", "authorizations", "json"];
    tabs.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  }
  return tabs;
}

let uid = 0;
/** Items shown at a time, and from how many items on a filter is offered. */
const PAGE = 100;
const FILTER_FROM = 20;

/** The core's message without its leading "`path`: " (the path is shown on its own). */
export function withoutPath(error) {
  const prefix = `\`${error.path}\`: `;
  return error.path !== undefined && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/**
 * Creates the editor in `root`. `onChange(draft)` is called after each edit
 * of a field (the draft mutated in place); `onText(text)` when the JSON tab is
 * applied; `onRevert()` to go back to the last valid snapshot.
 */
export function createEditor(root, { onChange, onText, onRevert }) {
  let draft;
  let tabs = [];
  let current = "authorizations";
  let source = 0;
  let filter = "";
  let limit = PAGE;
  const errorBox = h("div", { class: "edit-error", id: "edit-error", role: "alert", hidden: true });
  const tablist = h("div", { class: "tabs", role: "tablist", "aria-label": "What to edit" });
  const panel = h("div", { class: "tab-panel", role: "tabpanel", tabindex: "-1" });
  const sourceBox = h("div", { class: "source-pick", hidden: true });
  root.replaceChildren(errorBox, sourceBox, tablist, panel);

  function containerOf(tab) {
    if (!tab.inContainer || !Array.isArray(draft.sources)) return { container: draft, prefix: "" };
    return { container: draft.sources[source], prefix: `sources[${source}].` };
  }

  function renderTabs() {
    tablist.replaceChildren();
    for (const tab of tabs) {
      const button = h("button", {
        type: "button", role: "tab", id: `tab-${tab.key}`, class: "tab",
        "aria-selected": tab.key === current ? "true" : "false",
        "aria-controls": "edit-panel", tabindex: tab.key === current ? "0" : "-1", text: tab.title,
      });
      button.addEventListener("click", () => select(tab.key, true));
      tablist.append(button);
    }
    panel.id = "edit-panel";
    panel.setAttribute("aria-labelledby", `tab-${current}`);
  }

  tablist.addEventListener("keydown", (event) => {
    const index = tabs.findIndex((tab) => tab.key === current);
    let next;
    if (event.key === "ArrowRight") next = (index + 1) % tabs.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = tabs.length - 1;
    else return;
    event.preventDefault();
    select(tabs[next].key, true);
  });

  function select(key, focus) {
    if (key !== current) {
      filter = "";
      limit = PAGE;
    }
    current = key;
    renderTabs();
    renderPanel();
    if (focus) document.getElementById(`tab-${key}`)?.focus();
  }

  function renderSource() {
    if (!Array.isArray(draft.sources)) {
      sourceBox.hidden = true;
      return;
    }
    sourceBox.hidden = false;
    const id = `source-${++uid}`;
    const pick = h("select", { id }, draft.sources.map((each, index) => h("option", { value: String(index), selected: index === source, text: each.name })));
    pick.addEventListener("change", () => {
      source = Number(pick.value);
      renderPanel();
    });
    sourceBox.replaceChildren(h("label", { for: id, text: "Source (engine) to edit " }), pick);
  }

  function renderPanel() {
    const tab = tabs.find((each) => each.key === current) ?? tabs[0];
    panel.replaceChildren();
    if (tab.key === "json") {
      const id = `json-${++uid}`;
      const area = h("textarea", { id, class: "json", spellcheck: "false", rows: "18", "data-paths": "" });
      area.value = JSON.stringify(draft, null, 2);
      const apply = h("button", { type: "button", class: "primary", text: "Apply JSON" });
      apply.addEventListener("click", () => onText(area.value));
      const revert = h("button", { type: "button", text: "Back to the last valid snapshot" });
      revert.addEventListener("click", onRevert);
      panel.append(h("label", { for: id, class: "block-label", text: "The whole snapshot (SNAPSHOT.md), as JSON" }), area, h("div", { class: "actions" }, apply, revert));
      return;
    }
    const { container, prefix } = containerOf(tab);
    const items = container[tab.key] ?? []; // not written back until an item is added
    // Big snapshots: a filter, and PAGE items at a time.
    const needle = filter.trim().toLowerCase();
    const matching = [];
    items.forEach((item, index) => {
      if (needle === "" || JSON.stringify(item).toLowerCase().includes(needle)) matching.push(index);
    });
    const shown = matching.slice(0, limit);
    let filterBox = null;
    if (items.length > FILTER_FROM || needle !== "") {
      const id = `filter-${++uid}`;
      const input = h("input", { type: "search", id, value: filter, autocomplete: "off", spellcheck: "false", placeholder: "an id, a group, a permission…" });
      let timer;
      input.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          filter = input.value;
          limit = PAGE;
          renderPanel();
          const again = panel.querySelector('input[type="search"]');
          again?.focus();
          again?.setSelectionRange(again.value.length, again.value.length);
        }, 150);
      });
      filterBox = h("div", { class: "filter" }, h("label", { for: id, text: `Filter the ${items.length} ${tab.noun}s` }), input);
    }
    const table = h("table", { class: "edit-table" });
    table.append(h("thead", {}, h("tr", {}, tab.fields.map((field) => h("th", { scope: "col", text: field.label })), h("th", { scope: "col", class: "visually-hidden-text" }, h("span", { class: "visually-hidden", text: "Remove" })))));
    const body = h("tbody");
    for (const index of shown) {
      const item = items[index];
      const base = `${prefix}${tab.key}[${index}].`;
      const name = item.id ?? String(index + 1);
      const tr = h("tr", { "data-item": `${tab.key}:${index}` });
      for (const field of tab.fields) {
        const td = h("td", { "data-label": field.label });
        const paths = field.paths.map((path) => `${base}${path}`).join(" ");
        const label = `${field.label} of ${tab.noun} ${name}`;
        if (field.owner) {
          const [kind, id] = field.read(item);
          const kindSelect = h("select", { "aria-label": `Owner kind of ${tab.noun} ${name}`, "data-paths": paths, "data-field": "ownerKind" }, field.options.map((option) => h("option", { value: option, selected: option === kind, text: option === "" ? field.none : option })));
          const idInput = h("input", { type: "text", value: id, "aria-label": `Owner id of ${tab.noun} ${name}`, "data-paths": paths, "data-field": "ownerId", autocomplete: "off", spellcheck: "false" });
          const commit = () => {
            field.write(item, kindSelect.value, idInput.value.trim());
            onChange(draft);
          };
          kindSelect.addEventListener("change", commit);
          idInput.addEventListener("change", commit);
          td.append(h("div", { class: "owner" }, kindSelect, idInput));
        } else if (field.options !== undefined) {
          const value = field.read(item);
          const select = h("select", { "aria-label": label, "data-paths": paths, "data-field": field.name }, field.options.map((option) => h("option", { value: option, selected: option === value, text: option === "" ? "—" : option })));
          select.addEventListener("change", () => {
            field.write(item, select.value);
            onChange(draft);
          });
          td.append(select);
        } else {
          const input = h("input", { type: "text", value: field.read(item), "aria-label": label, placeholder: field.placeholder, "data-paths": paths, "data-field": field.name, autocomplete: "off", spellcheck: "false" });
          input.addEventListener("change", () => {
            field.write(item, input.value.trim());
            onChange(draft);
          });
          td.append(input);
        }
        tr.append(td);
      }
      const remove = h("button", { type: "button", class: "remove", "aria-label": `Remove ${tab.noun} ${name}`, title: `Remove ${tab.noun} ${name}`, text: "×" });
      remove.addEventListener("click", () => {
        items.splice(index, 1);
        onChange(draft);
        renderPanel();
      });
      tr.append(h("td", { class: "remove-cell" }, remove));
      body.append(tr);
    }
    table.append(body);
    const add = h("button", { type: "button", class: "add", text: `Add ${tab.noun}` });
    add.addEventListener("click", () => {
      container[tab.key] = items;
      items.push(tab.fresh(draft, container, items.length));
      filter = "";
      limit = Math.max(limit, items.length);
      onChange(draft);
      renderPanel();
      panel.querySelector("tbody tr:last-child input")?.focus();
    });
    let more = null;
    if (matching.length > shown.length) {
      more = h("button", { type: "button", text: `Show ${Math.min(PAGE, matching.length - shown.length)} more (${shown.length} of ${matching.length} shown)` });
      more.addEventListener("click", () => {
        limit += PAGE;
        renderPanel();
      });
    }
    panel.append(
      filterBox ?? "",
      items.length === 0 ? h("p", { class: "empty", text: `No ${tab.noun}s yet.` })
      : shown.length === 0 ? h("p", { class: "empty", text: `No ${tab.noun} matches.` })
      : h("div", { class: "edit-scroll" }, table),
      h("div", { class: "actions" }, more, add),
    );
    markInvalid();
  }

  let error;

  /** Marks the fields the error's path names (the longest matching path). */
  function markInvalid() {
    for (const field of root.querySelectorAll("[aria-invalid]")) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    }
    if (error === undefined || error.path === undefined) return [];
    let best = [];
    let length = -1;
    for (const field of panel.querySelectorAll("[data-paths]")) {
      for (const path of field.dataset.paths.split(" ").filter(Boolean)) {
        const matches = error.path === path || error.path.startsWith(`${path}[`) || error.path.startsWith(`${path}.`);
        if (!matches) continue;
        if (path.length > length) {
          best = [field];
          length = path.length;
        } else if (path.length === length && !best.includes(field)) best.push(field);
      }
    }
    for (const field of best) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", "edit-error");
    }
    return best;
  }

  /** The tab a path belongs to (`users[2].groups[0]` → users). */
  function tabOfPath(path) {
    const match = /^(?:sources\[(\d+)\]\.)?([A-Za-z]+)(?:\[(\d+)\])?/.exec(path ?? "");
    if (match === null) return undefined;
    return {
      tab: tabs.find((tab) => tab.key === match[2])?.key,
      source: match[1] === undefined ? undefined : Number(match[1]),
      index: match[3] === undefined ? undefined : Number(match[3]),
    };
  }

  /** Opens a tab on one of its items, past the filter and the page. */
  function reveal(key, index) {
    select(key, false);
    if (index === undefined) return;
    const tab = tabs.find((each) => each.key === key);
    const item = containerOf(tab).container[key]?.[index];
    if (index >= limit || filter !== "") {
      filter = item?.id !== undefined ? JSON.stringify({ id: item.id }).slice(1, -1) : "";
      limit = filter === "" ? index + 1 : PAGE;
      renderPanel();
    }
  }

  return {
    /** Shows a (new) draft: after loading, reverting or applying JSON. */
    load(next, { fresh = false } = {}) {
      draft = next;
      tabs = tabsFor(draft);
      if (fresh || !tabs.some((tab) => tab.key === current)) current = tabs[0].key;
      if (fresh) {
        filter = "";
        limit = PAGE;
      }
      if (!Array.isArray(draft.sources) || source >= draft.sources.length) source = 0;
      renderSource();
      renderTabs();
      renderPanel();
    },
    /** Shows the core's error (code, path, message), or clears it. */
    showError(next) {
      error = next;
      if (error === undefined) {
        errorBox.hidden = true;
        errorBox.replaceChildren();
        markInvalid();
        return;
      }
      const go = h("button", { type: "button", class: "link", text: "show the field" });
      go.addEventListener("click", () => {
        const where = tabOfPath(error.path);
        if (where?.source !== undefined) source = where.source;
        if (where?.tab !== undefined) reveal(where.tab, where.index);
        markInvalid()[0]?.focus();
      });
      const revert = h("button", { type: "button", class: "link", text: "undo: back to the last valid snapshot" });
      revert.addEventListener("click", onRevert);
      errorBox.replaceChildren(
        h("p", { class: "edit-error-title" }, h("strong", { text: "Not applied." }), " The core refused this edit; the decisions above are still those of the last valid snapshot."),
        h("p", {}, h("code", { class: "code", text: error.code ?? "error" }), error.path !== undefined ? [" at ", h("code", { class: "path", text: error.path })] : null, ": ", ...prose(withoutPath(error))),
        h("p", { class: "actions" }, error.path !== undefined && tabOfPath(error.path)?.tab !== undefined ? go : null, revert),
      );
      errorBox.hidden = false;
      markInvalid();
    },
    /** Opens the authorization rows on the row `id` (from the explanation panel). */
    editRow(id) {
      const locate = (container, index) => ({ container, index: (container.authorizations ?? []).findIndex((row) => row.id === id) });
      let found = locate(draft, 0);
      if (Array.isArray(draft.sources)) {
        draft.sources.forEach((each, index) => {
          const there = locate(each);
          if (there.index >= 0) {
            found = there;
            source = index;
          }
        });
      }
      if (found.index < 0) {
        select("authorizations", false);
        return;
      }
      reveal("authorizations", found.index);
      const row = panel.querySelector(`tr[data-item="authorizations:${found.index}"]`);
      row?.scrollIntoView({ block: "center" });
      row?.querySelector("input, select")?.focus();
    },
  };
}
