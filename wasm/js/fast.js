// The fast path, shared by every entry (web.js, node.js, workerd.js).
//
// Crossing into wasm with strings costs more than a decision does, so the hot
// calls — `check` of a plain request, `checkMany`, `handle.can`,
// `handle.permissions` — cross with integers: each distinct (permission,
// resourceType, resourceId) is prepared once by the core (`Authorizer::question`:
// type and permission resolved, the id interned), each distinct (resourceType,
// resourceId) once for `permissions` (`Authorizer::resource`, with its type's
// permission names), each distinct user resolved once (`Authorizer::principal`),
// and JS keeps the strings → index maps. The core still decides every call; nothing
// here caches a decision. Anything but the plain shape, and every error, takes
// the full path, so answers and errors are the full path's, byte for byte.
import { Authorizer, Principal, _TextBuffer, _memory } from "./writ.js";

/** Entries (questions, resources, principals) kept before the tables are emptied. */
const LIMIT = 1 << 16;
const NO_ID = Symbol("no resource id");
const ALLOWED = 1;
const ERROR = 2;
const NONE = 0xffffffff; // an index no table holds: answered ERROR by the core

function tables(owner) {
  return (owner._writ ??= {
    // resourceId (NO_ID when absent) → the questions asked on it (`askedIndex`).
    questions: new Map(),
    resources: new Map(),
    users: new Map(),
    entries: 0,
    resets: 0,
  });
}

/** Empties the tables (JS and wasm) once they hold LIMIT entries. */
function bound(owner, t) {
  if (t.entries < LIMIT) return;
  t.questions.clear();
  t.resources.clear();
  t.users.clear();
  t.entries = 0;
  t.resets++;
  owner._forget();
}

// JSON.stringify writes a lone surrogate as an escape the core's decoder refuses,
// while a string passed directly arrives with U+FFFD in its place: such strings
// never enter a table (they take the full path, which answers with its error), so
// a string found in a table needs no second look.
const wellFormed = String.prototype.isWellFormed
  ? (text) => text.isWellFormed()
  : (text) => !/[\uD800-\uDFFF]/.test(text);

/** Returned for a string that is not well formed: the full path answers. */
const ILL_FORMED = -2;

/** Questions on one resource id kept in its list before `more` takes the rest. */
const LISTED = 8;

/**
 * The index of (permission, resourceType) among the questions asked on one
 * resource id: the first LISTED as a flat list of (permission, resourceType,
 * index) triples searched with `===` (one map lookup a question, where a map per
 * permission and per type took three; a page asks a handful of permissions on
 * one resource), the rest in the map `more`, keyed by both names.
 */
function askedIndex(asked, permission, resourceType) {
  const { list } = asked;
  for (let i = 0; i < list.length; i += 3) {
    if (list[i] === permission && list[i + 1] === resourceType) return list[i + 2];
  }
  return asked.more?.get(bothNames(permission, resourceType));
}

/** One key for two names, unambiguous whatever they contain. */
function bothNames(permission, resourceType) {
  return `${permission.length}:${permission}${resourceType}`;
}

function addAsked(asked, permission, resourceType, index) {
  if (asked.list.length < 3 * LISTED) asked.list.push(permission, resourceType, index);
  else (asked.more ??= new Map()).set(bothNames(permission, resourceType), index);
}

/**
 * The prepared question's index: -1 when the core refused it, ILL_FORMED when a
 * string is not well formed (nothing is stored for it: only entries that count
 * towards LIMIT are stored).
 */
function question(owner, t, permission, resourceType, resourceId) {
  const key = resourceId === undefined ? NO_ID : resourceId;
  const asked = t.questions.get(key);
  let index = asked === undefined ? undefined : askedIndex(asked, permission, resourceType);
  if (index === undefined) {
    if (!wellFormed(permission) || !wellFormed(resourceType) || (resourceId !== undefined && !wellFormed(resourceId))) {
      return ILL_FORMED;
    }
    index = owner._question(permission, resourceType, resourceId);
    if (asked === undefined) t.questions.set(key, { list: [permission, resourceType, index], more: undefined });
    else addAsked(asked, permission, resourceType, index);
    t.entries++;
  }
  return index;
}

/**
 * The prepared resource ({index, names}; index -1 when the core refused it), or
 * undefined when a string is not well formed. The permission names are fetched
 * once per resource type and shared by its resources.
 */
function resource(handle, t, resourceType, resourceId) {
  let byType = t.resources.get(resourceType);
  const key = resourceId === undefined ? NO_ID : resourceId;
  let prepared = byType?.ids.get(key);
  if (prepared === undefined) {
    if (!wellFormed(resourceType) || (resourceId !== undefined && !wellFormed(resourceId))) return undefined;
    const index = handle._resource(resourceType, resourceId);
    const names = index < 0 ? undefined : (byType?.names ?? handle._names(index));
    if (byType === undefined) t.resources.set(resourceType, (byType = { ids: new Map(), names }));
    byType.names ??= names;
    prepared = { index, names };
    byType.ids.set(key, prepared);
    t.entries++;
  }
  return prepared;
}

/** The resolved principal's index, as `question` answers. */
function principalOf(authorizer, t, user) {
  let index = t.users.get(user);
  if (index === undefined) {
    if (!wellFormed(user)) return ILL_FORMED;
    index = authorizer._principalOf(user);
    t.users.set(user, index);
    t.entries++;
  }
  return index;
}

// The pair `plain` found, kept here rather than in a fresh array per request.
let principalIx = NONE;
let questionIx = NONE;

/**
 * Whether the fast path answers a request: a plain object whose own enumerable
 * properties are a string `user`, `permission` and `resourceType` and an optional
 * string `resourceId`, nothing else, and that `JSON.stringify` would write as it
 * is (no `toJSON`). When it does, principalIx and questionIx hold the pair (NONE:
 * the core refused). A getter that throws sends the request to the full path,
 * which reports `request.malformed` as it always has.
 *
 * The properties are counted with `for…in` and read by name, which is a third of
 * `Object.keys` and a loop over them; `for…in` also counts inherited enumerable
 * properties, so the callers make sure `Object.prototype` has none
 * (`prototypeClean`) before and after, and an inherited one can be neither counted
 * nor read here.
 */
function plain(authorizer, t, request) {
  if (typeof request !== "object" || request === null) return false;
  const proto = Object.getPrototypeOf(request);
  if ((proto !== Object.prototype && proto !== null) || "toJSON" in request) return false;
  let user, permission, resourceType, resourceId;
  let count = 0;
  try {
    for (const _ in request) count++;
    user = request.user;
    permission = request.permission;
    resourceType = request.resourceType;
    resourceId = request.resourceId;
  } catch {
    return false;
  }
  // A getter may have freed the authorizer (the check on entry saw it live).
  if (authorizer.__wbg_ptr === 0) throw freedError("Authorizer");
  // Exactly the named properties: a `resourceId` of `undefined` (which
  // JSON.stringify leaves out) is counted but expected absent, and refused.
  if (count !== (resourceId === undefined ? 3 : 4)) return false;
  if (typeof user !== "string" || typeof permission !== "string" || typeof resourceType !== "string") return false;
  if (resourceId !== undefined && typeof resourceId !== "string") return false;
  const p = principalOf(authorizer, t, user);
  if (p === ILL_FORMED) return false;
  const q = question(authorizer, t, permission, resourceType, resourceId);
  if (q === ILL_FORMED) return false;
  const refused = p < 0 || q < 0;
  principalIx = refused ? NONE : p;
  questionIx = refused ? NONE : q;
  return true;
}

/** Whether `Object.prototype` has no enumerable property (`plain` counts with `for…in`). */
function prototypeClean() {
  for (const _ in Object.prototype) return false;
  return true;
}

// Snapshot text crosses as UTF-8 bytes, where wasm-bindgen's string passing
// walks the text a character at a time in JS first. ASCII text (every character
// one byte) is encoded straight into the module's memory; other text is encoded
// into a JS array, which `fromJson` copies over.
const encoder = new TextEncoder();
const fullFromJson = Authorizer.fromJson;
Authorizer.fromJson = function fromJson(snapshot) {
  if (typeof snapshot === "string") {
    const buffer = new _TextBuffer(snapshot.length);
    const room = new Uint8Array(_memory().buffer, buffer.address(), snapshot.length);
    const { read, written } = encoder.encodeInto(snapshot, room);
    if (read === snapshot.length) return Authorizer._fromText(buffer, written);
    buffer.free();
    return fullFromJson.call(this, encoder.encode(snapshot));
  }
  return fullFromJson.call(this, snapshot instanceof ArrayBuffer ? new Uint8Array(snapshot) : snapshot);
};

const fullCheck = Authorizer.prototype.check;
const QUOTE = 34;
const REQUEST_FIELDS = ["user", "permission", "resourceType", "resourceId"];

/** Whether `text` from `start` to `end` has no backslash and no control character. */
function unescaped(text, start, end) {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ || c < 32) return false;
  }
  return true;
}

/**
 * A request given as JSON text, as the object it stands for, when the text is
 * the plain shape written compactly: `{"key":"value",…}` with the request's keys
 * only, each once, in any order, and values without escapes or control
 * characters (so each is exactly the text between its quotes). Anything else —
 * spaces, escapes, other keys or values — is undefined, and the core reads the
 * text itself. Scanned rather than JSON.parse'd: a third of the time, and no
 * doubt about repeated keys.
 */
function scannedRequest(text) {
  const last = text.length - 1;
  if (last > 1024 || text.charCodeAt(0) !== 123 /* { */ || text.charCodeAt(last) !== 125 /* } */) return undefined;
  const fields = [undefined, undefined, undefined, undefined]; // as REQUEST_FIELDS
  let at = 1;
  for (;;) {
    if (text.charCodeAt(at) !== QUOTE) return undefined;
    const keyEnd = text.indexOf('"', at + 1);
    if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== 58 /* : */ || text.charCodeAt(keyEnd + 2) !== QUOTE) return undefined;
    const valueEnd = text.indexOf('"', keyEnd + 3);
    if (valueEnd < 0 || !unescaped(text, keyEnd + 3, valueEnd)) return undefined;
    const value = text.slice(keyEnd + 3, valueEnd);
    const field = REQUEST_FIELDS.indexOf(text.slice(at + 1, keyEnd));
    if (field < 0 || fields[field] !== undefined) return undefined;
    fields[field] = value;
    at = valueEnd + 1;
    const next = text.charCodeAt(at);
    if (next === 44 /* , */) {
      at++;
      continue;
    }
    const [user, permission, resourceType, resourceId] = fields;
    if (next !== 125 /* } */ || at !== last || user === undefined || permission === undefined || resourceType === undefined) {
      return undefined;
    }
    return resourceId === undefined ? { user, permission, resourceType } : { user, permission, resourceType, resourceId };
  }
}

Authorizer.prototype.check = function check(request) {
  const t = tables(this);
  bound(this, t);
  const asked = typeof request === "string" ? scannedRequest(request) : request;
  if (asked !== undefined && prototypeClean() && plain(this, t, asked) && principalIx !== NONE && prototypeClean()) {
    const answer = this._ask(principalIx, questionIx);
    if (answer !== ERROR) return answer === ALLOWED;
  }
  if (this.__wbg_ptr === 0) throw freedError("Authorizer", "check"); // by a getter
  return fullCheck.call(this, request);
};

// The pairs of a batch, kept from call to call (a typed array per call was a
// tenth of checkMany). A getter that calls checkMany while they are being
// filled gets an array of its own.
let scratch = new Uint32Array(0);
let scratchLent = false;

function lendPairs(n) {
  if (scratchLent || n > 4096) return new Uint32Array(2 * n);
  if (scratch.length < 2 * n) scratch = new Uint32Array(2 * n);
  scratchLent = true;
  return scratch;
}

function returnPairs(pairs) {
  if (pairs === scratch) scratchLent = false;
}

/** The module's WebAssembly.Memory, fetched at the first batch (after initialisation). */
let memory;

const fullCheckMany = Authorizer.prototype.checkMany;
Authorizer.prototype.checkMany = function checkMany(requests) {
  const n = Array.isArray(requests) ? requests.length : 0;
  if (n === 0 || n > 1 << 24 || "toJSON" in requests || !prototypeClean()) {
    return fullCheckMany.call(this, requests);
  }
  const t = tables(this);
  bound(this, t);
  const resets = t.resets;
  const pairs = lendPairs(n);
  let others;
  let at;
  try {
    for (let i = 0; i < n; i++) {
      if (plain(this, t, requests[i])) {
        pairs[2 * i] = principalIx;
        pairs[2 * i + 1] = questionIx;
      } else {
        (others ??= []).push(i);
        pairs[2 * i] = NONE;
      }
    }
    // A getter that asked this authorizer meanwhile may have emptied the tables,
    // leaving earlier pairs pointing at other entries, or given Object.prototype
    // an enumerable property: answer by the full path.
    if (this.__wbg_ptr === 0) throw freedError("Authorizer", "checkMany"); // by a getter
    if (t.resets !== resets || !prototypeClean()) return fullCheckMany.call(this, requests);
    // Through the module's memory: `_batch` may grow it, which replaces its
    // buffer, and `_askBatch` too, so each view is made after the call before it.
    at = this._batch(n);
    memory ??= _memory();
    new Uint32Array(memory.buffer, at, 2 * n).set(pairs.length === 2 * n ? pairs : pairs.subarray(0, 2 * n));
  } finally {
    returnPairs(pairs);
  }
  this._askBatch(n);
  const done = new Uint32Array(memory.buffer, at, n);
  const answers = new Uint8Array(n);
  for (let i = 0; i < n; i++) answers[i] = done[i];
  if (others !== undefined) {
    const full = fullCheckMany.call(this, others.map((i) => requests[i]));
    others.forEach((i, k) => (answers[i] = full[k]));
  }
  return answers;
};

const fullPrincipal = Authorizer.prototype.principal;
Authorizer.prototype.principal = function principal(doc) {
  const handle = fullPrincipal.call(this, doc);
  handle._writ = tables(this); // the authorizer's tables: questions are shared
  return handle;
};

// The string parameters of a handle's methods reach wasm-bindgen's glue, which
// sizes the string by its `.length` and, for anything but a string, writes
// nothing where it reserved nothing: the module traps ("memory access out of
// bounds"). They are checked here, on the full path (the fast path has checked
// them already), and refused as the core refuses a malformed request.
/** An Error as the core's errors reach JS: its message and a `code`. */
function codedError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

function describe(value) {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** `value` is a string (`optional`: or undefined or null), or the call is refused. */
function requireText(value, name, optional = false) {
  // A String object is read by the glue as a string is (its length and characters).
  if (typeof value === "string" || value instanceof String) return;
  if (optional && (value === undefined || value === null)) return;
  throw codedError("request.malformed", `malformed request: \`${name}\` must be a string${optional ? ", undefined or null" : ""}, not ${describe(value)}`);
}

const fullCan = Principal.prototype.can;
Principal.prototype.can = function can(permission, resourceType, resourceId) {
  const t = this._writ;
  if (
    t !== undefined &&
    typeof permission === "string" &&
    typeof resourceType === "string" &&
    (resourceId === undefined || typeof resourceId === "string")
  ) {
    bound(this, t);
    const q = question(this, t, permission, resourceType, resourceId);
    if (q >= 0) {
      const answer = this._ask(q);
      if (answer !== ERROR) return answer === ALLOWED;
    }
  }
  requireText(permission, "permission");
  requireText(resourceType, "resourceType");
  requireText(resourceId, "resourceId", true);
  return fullCan.call(this, permission, resourceType, resourceId);
};

const fullPermissions = Principal.prototype.permissions;
Principal.prototype.permissions = function permissions(resourceType, resourceId, tenantId) {
  const t = this._writ;
  if (
    t !== undefined &&
    tenantId === undefined &&
    typeof resourceType === "string" &&
    (resourceId === undefined || typeof resourceId === "string")
  ) {
    bound(this, t);
    const prepared = resource(this, t, resourceType, resourceId);
    if (prepared !== undefined && prepared.index >= 0) {
      const held = this._held(prepared.index);
      if (held !== undefined) {
        const names = [];
        for (let i = 0; i < held.length; i++) if (held[i] === 1) names.push(prepared.names[i]);
        return names;
      }
    }
  }
  requireText(resourceId, "resourceId", true);
  requireText(tenantId, "tenantId", true);
  return fullPermissions.call(this, resourceType, resourceId, tenantId);
};

const fullList = Principal.prototype.list;
Principal.prototype.list = function list(permission, resourceType) {
  requireText(permission, "permission");
  return fullList.call(this, permission, resourceType);
};

// After `free()`, wasm-bindgen's glue throws "null pointer passed to rust", an
// Error without a `code`, and a second `free()` throws too. Every public method
// and getter of both classes first looks at the pointer the glue clears on
// `free()` (one property read); a second `free()`, or `Symbol.dispose` after it,
// does nothing. The `_`-prefixed internals are called only from the methods
// above, after that look and again after the getters of a request have run
// (one may have freed the authorizer). A handle outlives its authorizer's
// `free()` (it holds the core authorizer itself) and is freed on its own.
function freedError(kind, name) {
  const where = name === undefined ? "" : `${kind}.${name}: `;
  return codedError(`${kind.toLowerCase()}.freed`, `${where}this ${kind} was freed (its free() was called)`);
}

/** `kind` is given, not read from `cls.name`, which a minifier may rename. */
function guardFreed(cls, kind) {
  const proto = cls.prototype;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === "constructor" || name.startsWith("_")) continue;
    const property = Object.getOwnPropertyDescriptor(proto, name);
    const method = property.value;
    if (name === "free") {
      property.value = function free() {
        if (this.__wbg_ptr !== 0) method.call(this);
      };
    } else if (typeof method === "function") {
      // Fixed parameters rather than `...args`: no array per call on the hot
      // paths. No method takes more than three; one that did would lose the
      // rest, so loading the package fails instead.
      if (method.length > 3) throw new Error(`fast.js: ${kind}.${name} takes more than three parameters`);
      property.value = {
        [name](a, b, c) {
          if (this.__wbg_ptr === 0) throw freedError(kind, name);
          return method.call(this, a, b, c);
        },
      }[name];
    } else if (property.get !== undefined) {
      const get = property.get;
      property.get = function () {
        if (this.__wbg_ptr === 0) throw freedError(kind, name);
        return get.call(this);
      };
    }
    Object.defineProperty(proto, name, property);
  }
  if (typeof Symbol.dispose === "symbol") proto[Symbol.dispose] = proto.free;
}

guardFreed(Authorizer, "Authorizer");
guardFreed(Principal, "Principal");
