// What the playground reads out of a snapshot document: who may ask, which
// resources and permissions matter (the matrix), and how a cell becomes a
// request. Pure functions over plain JSON documents (SNAPSHOT.md); the
// decisions themselves are always the package's.

/** Camunda 7's built-in resource types by integer id (SNAPSHOT.md), for labels only. */
const CAMUNDA7_TYPES = [
  "APPLICATION", "USER", "GROUP", "GROUP_MEMBERSHIP", "AUTHORIZATION", "FILTER", "PROCESS_DEFINITION",
  "TASK", "PROCESS_INSTANCE", "DEPLOYMENT", "DECISION_DEFINITION", "TENANT", "TENANT_MEMBERSHIP", "BATCH",
  "DECISION_REQUIREMENTS_DEFINITION", "REPORT", "DASHBOARD", "OPERATION_LOG_CATEGORY", "OPTIMIZE",
  "HISTORIC_TASK", "HISTORIC_PROCESS_INSTANCE", "SYSTEM",
];

/**
 * Optimize's decisions (SEMANTICS.md §2): the resource types it asks about and
 * the permission name each decision is asked with.
 */
const OPTIMIZE_DECISIONS = {
  APPLICATION: "ACCESS",
  PROCESS_DEFINITION: "READ_HISTORY",
  DECISION_DEFINITION: "READ_HISTORY",
  USER: "READ",
  GROUP: "READ",
  TENANT: "READ",
};

/** Resources shown per type (the rest are counted). */
export const ROW_LIMIT = 200;

/** The user the catalogue probe asks as: any id will do, listed or not. */
export const PROBE_USER = "writ-playground-probe";

export function clone(document) {
  return JSON.parse(JSON.stringify(document));
}

/** Where users, groups and authorizations live: the document, or each of its sources. */
export function containers(snapshot) {
  return Array.isArray(snapshot.sources) && snapshot.sources.length > 0 ? snapshot.sources : [snapshot];
}

export function isGrants(snapshot) {
  return snapshot.profile === "grants";
}

export function hasCatalogue(snapshot, name) {
  return isGrants(snapshot) && (snapshot.catalogues ?? ["camunda8"]).includes(name);
}

/** A resource type's name for display and for requests (a name when writ has one for it). */
export function typeName(snapshot, resourceType) {
  if (typeof resourceType === "number" || /^\d+$/.test(String(resourceType))) {
    const id = Number(resourceType);
    const custom = (snapshot.resourceTypes ?? []).find((type) => type.id === id);
    if (custom !== undefined) return custom.name;
    if (!isGrants(snapshot) && CAMUNDA7_TYPES[id] !== undefined) return CAMUNDA7_TYPES[id];
  }
  return String(resourceType);
}

/** Everyone the principal picker offers: users (and, under `grants`, clients). */
export function principals(snapshot) {
  const users = [];
  const seen = new Set();
  for (const container of containers(snapshot)) {
    for (const user of container.users ?? []) {
      if (!seen.has(user.id)) {
        seen.add(user.id);
        users.push(user.id);
      }
    }
  }
  const clients = isGrants(snapshot) ? (snapshot.clients ?? []).map((client) => client.id) : [];
  return { users, clients };
}

export function sourceNames(snapshot) {
  return Array.isArray(snapshot.sources) ? snapshot.sources.map((source) => source.name) : [];
}

export function tenantIds(snapshot) {
  return (snapshot.tenants ?? []).map((tenant) => tenant.id);
}

function allRows(snapshot) {
  return containers(snapshot).flatMap((container) => container.authorizations ?? []);
}

/** The profile a request must name to be decided under `profile` (none when it is the snapshot's). */
export function requestProfile(snapshot, profile) {
  return profile === snapshot.profile ? undefined : profile;
}

/**
 * The principal part of every request: `{user}` or `{client}`, and the
 * optional groups claim, token claims, source and profile.
 */
export function principalRequest(snapshot, who) {
  const request = who.kind === "client" ? { client: who.id } : { user: who.id };
  if (who.groups !== undefined && who.groups !== null) request.groups = who.groups;
  if (who.claims !== undefined && who.claims !== null) request.claims = who.claims;
  if (who.source !== undefined && who.source !== null && who.source !== "") request.source = who.source;
  const profile = requestProfile(snapshot, who.profile);
  if (profile !== undefined) request.profile = profile;
  return request;
}

/** The questions the catalogue probe asks: every permission of each type (authorization checks off). */
export function probeSnapshot(snapshot) {
  const probe = clone(snapshot);
  probe.options = { ...(probe.options ?? {}), authorizationChecks: false };
  return probe;
}

/** The probe's request for a type's permissions. */
export function probeRequest(snapshot, resourceType) {
  const request = { user: PROBE_USER, resourceType, resourceId: "*" };
  if (!isGrants(snapshot)) {
    request.profile = "camunda7"; // `optimize` reads only the rows, not the catalogue
    const sources = sourceNames(snapshot);
    if (sources.length > 0) request.source = sources[0];
  }
  return request;
}

/** Appends `value` to `list` once. */
function addOnce(list, value) {
  if (!list.includes(value)) list.push(value);
}

/**
 * The matrix: sections of rows (resources) × columns (permissions), each
 * section one resource type. `catalogue(type)` answers the type's permissions
 * in catalogue order (or undefined when writ does not know the type);
 * `profile` is the profile decisions are made under; `all` shows every
 * permission of each type instead of those the rows name.
 */
export function matrix(snapshot, { profile, catalogue, all = false, extra = [] }) {
  const sections = new Map(); // type → { type, label, named, ids, properties }
  const section = (resourceType) => {
    const type = typeName(snapshot, resourceType);
    if (!sections.has(type)) sections.set(type, { type, named: [], ids: ["*"], properties: [] });
    return sections.get(type);
  };
  const optimize = profile === "optimize";

  for (const row of allRows(snapshot)) {
    const entry = section(row.resourceType);
    for (const permission of row.permissions ?? []) if (permission !== "NONE") addOnce(entry.named, permission);
    if (row.resourcePropertyName !== undefined) {
      const property = row.resourcePropertyName;
      const owner = row.ownerType === "GROUP" || row.groupId !== undefined ? row.ownerId ?? row.groupId : undefined;
      const key = property === "candidateGroups" ? `${property}:${owner ?? ""}` : property;
      if (!entry.properties.some((known) => known.key === key)) entry.properties.push({ key, property, group: owner });
    } else if (row.resourceId !== undefined) {
      addOnce(entry.ids, row.resourceId);
    }
  }

  if (hasCatalogue(snapshot, "emporix")) {
    const controls = snapshot.accessControls ?? [];
    const held = section("ACCESS_CONTROL");
    addOnce(held.named, "HOLD");
    for (const control of controls) addOnce(held.ids, control.id);
    const scopes = section("SCOPE");
    addOnce(scopes.named, "HOLD");
    for (const control of controls) {
      for (const scope of control.scopes ?? []) {
        addOnce(scopes.ids, scope);
        if (control.restrictionAware) {
          for (const group of snapshot.groups ?? []) {
            if ((group.accessControls ?? []).includes(control.id)) {
              for (const restriction of group.restrictions ?? []) addOnce(scopes.ids, `${scope}--${restriction}`);
            }
          }
        }
      }
    }
  }

  if (optimize) {
    addOnce(section("APPLICATION").ids, "optimize");
    if (tenantIds(snapshot).length > 0) for (const tenant of tenantIds(snapshot)) addOnce(section("TENANT").ids, tenant);
  }

  for (const { resourceType, resourceId } of extra) {
    const entry = section(resourceType);
    // First after `*`, so that the row limit never hides what was asked for.
    if (resourceId !== undefined && resourceId !== "" && !entry.ids.includes(resourceId)) entry.ids.splice(1, 0, resourceId);
  }

  const result = [];
  for (const entry of sections.values()) {
    if (optimize && OPTIMIZE_DECISIONS[entry.type] === undefined) continue;
    const known = catalogue(entry.type);
    let permissions;
    if (all && known !== undefined) permissions = known;
    else if (optimize) permissions = [OPTIMIZE_DECISIONS[entry.type]];
    else if (known !== undefined) {
      permissions = known.filter((permission) => entry.named.includes(permission));
      for (const permission of entry.named) addOnce(permissions, permission); // unknown names: their cells say why
    } else permissions = entry.named;
    if (permissions.length === 0 && known !== undefined) permissions = known;
    // A big snapshot names thousands of ids: the first ROW_LIMIT of each type are shown.
    const rows = entry.ids.slice(0, ROW_LIMIT).map((id) => ({ key: id, label: id, resourceId: id }));
    const more = Math.max(0, entry.ids.length - ROW_LIMIT);
    for (const { key, property, group } of entry.properties) {
      const label =
        property === "assignee" ? "assignee = who asks" : property === "candidateUsers" ? "candidateUsers ∋ who asks" : `candidateGroups ∋ ${group ?? "?"}`;
      rows.push({ key: `@${key}`, label, property, group });
    }
    result.push({ type: entry.type, permissions, rows, more });
  }

  const bundles = [];
  if (isGrants(snapshot)) {
    const levels = ["Viewer", "Editor", "Manager", "Administrator"];
    for (const domain of snapshot.domains ?? []) {
      for (const level of levels) if (domain.levels?.[level] !== undefined) bundles.push(`${domain.base} ${level}`);
    }
    for (const bundle of snapshot.bundles ?? []) addOnce(bundles, bundle.id);
  }
  if (bundles.length > 0) {
    result.push({ type: "bundle", bundle: true, permissions: ["HELD"], rows: bundles.map((id) => ({ key: id, label: id, bundle: id })) });
  }
  return result;
}

/** The question part of one cell's request. */
export function cellQuestion(section, row, permission, who, tenant) {
  if (section.bundle) return { bundle: row.bundle };
  const question = { permission, resourceType: section.type };
  if (row.property !== undefined) {
    if (row.property === "assignee") question.properties = { assignee: who.id };
    else if (row.property === "candidateUsers") question.properties = { candidateUsers: [who.id] };
    else question.properties = { candidateGroups: row.group === undefined ? [] : [row.group] };
  } else {
    question.resourceId = row.resourceId;
  }
  if (tenant !== undefined && tenant !== null && tenant !== "") question.tenantId = tenant;
  return question;
}

/** Finds an authorization row by id (in the decision's source, when it names one). */
export function findRow(snapshot, id, source) {
  const candidates = source !== undefined && Array.isArray(snapshot.sources)
    ? snapshot.sources.filter((each) => each.name === source)
    : containers(snapshot);
  for (const container of candidates) {
    const index = (container.authorizations ?? []).findIndex((row) => row.id === id);
    if (index >= 0) return { row: container.authorizations[index], index, container };
  }
  return undefined;
}

/** "group `accounting`", "user `gonzo`", "everyone" … */
export function ownerText(row) {
  if (row.ownerType !== undefined) return `${row.ownerType.toLowerCase().replace("_", " ")} ${row.ownerId ?? "?"}`;
  if (row.groupId !== undefined) return `group ${row.groupId}`;
  if (row.userId === "*") return row.type === "GLOBAL" ? "everyone (global)" : "every user";
  if (row.userId !== undefined) return `user ${row.userId}`;
  return row.type === "GLOBAL" ? "everyone (global)" : "nobody";
}

/** The shell command asking the same question, for the explanation panel. */
export function cliCommand(file, request) {
  const quote = (text) => (/^[\w.:*@/-]+$/.test(text) ? text : `'${String(text).replace(/'/g, "'\\''")}'`);
  const plain = request.permission !== undefined && request.properties === undefined && request.bundle === undefined && request.claims === undefined;
  if (!plain) return `echo ${quote(JSON.stringify(request))} | writ check ${quote(file)} --explain`;
  const flags = [
    request.client !== undefined ? `--client ${quote(request.client)}` : `--user ${quote(request.user)}`,
    request.groups !== undefined ? `--groups ${quote(request.groups.join(","))}` : "",
    `--permission ${quote(request.permission)}`,
    `--resource-type ${quote(String(request.resourceType))}`,
    request.resourceId !== undefined ? `--resource-id ${quote(request.resourceId)}` : "",
    request.tenantId !== undefined ? `--tenant-id ${quote(request.tenantId)}` : "",
    request.source !== undefined ? `--source ${quote(request.source)}` : "",
    request.profile !== undefined ? `--profile ${request.profile}` : "",
  ].filter((flag) => flag !== "");
  return `writ explain ${quote(file)} ${flags.join(" ")}`;
}

/**
 * Parses a snapshot error's path (`sources[0].users[3].groups[1]`) into the
 * steps the editor's fields are labelled with.
 */
export function pathSteps(path) {
  const steps = [];
  for (const match of String(path ?? "").matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    steps.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  }
  return steps;
}
