// The fast path, shared by every entry (web.js, node.js, workerd.js).
//
// Crossing into wasm with strings costs more than a decision does, so the hot
// calls — `check` of a plain request, `checkMany`, `handle.can`,
// `handle.permissions` — cross with integers: each distinct (permission,
// resourceType, resourceId) is prepared once by the core (`Authorizer::question`:
// type and permission resolved, the id interned), each distinct (resourceType,
// resourceId) once for `permissions` (`Authorizer::resource`, with its type's
// permission names), each distinct user resolved once (`Authorizer::principal`),
// and JS keeps the strings → index maps. The core decides every question; a
// handle (and, for `check` and `checkMany`, a principal) asked often remembers
// the answers it got, by question index, until the tables are emptied (see
// `answers`: the snapshot under an authorizer never changes). Anything but the
// plain shape, and every error, takes the full path, so answers and errors are
// the full path's, byte for byte.
import { Authorizer, Principal, _TextBuffer, _memory, _exports } from "./writ.js";

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
    // The authorizer's limits (the fast path keeps within them), read once.
    limits: undefined,
    // Why the authorizer refuses every call after a trap (`authorizer.poisoned`).
    poisoned: undefined,
    // Batch answers by principal and question index (`pairAnswers`).
    answers: [],
    answersOf: 0,
  });
}

/** The limits an authorizer was loaded with, read once from the core. */
function limitsOf(owner, t) {
  return (t.limits ??= owner.limits);
}

/**
 * Whether a string may be longer than the `idBytes` limit allows (its UTF-8
 * length is at most three bytes a UTF-16 unit): such a string never enters a
 * table, so the full path, which measures it, refuses it with its code.
 */
function mayBeTooLong(owner, t, text) {
  return text.length * 3 > limitsOf(owner, t).idBytes;
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
    if (mayBeTooLong(owner, t, permission) || mayBeTooLong(owner, t, resourceType) || (resourceId !== undefined && mayBeTooLong(owner, t, resourceId))) {
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
    if (mayBeTooLong(handle, t, resourceType) || (resourceId !== undefined && mayBeTooLong(handle, t, resourceId))) return undefined;
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
    if (!wellFormed(user) || mayBeTooLong(authorizer, t, user)) return ILL_FORMED;
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
// into a JS array, which `fromJson` copies over. A snapshot given as an object
// is written as JSON text first, by the same strict writer as requests.
const encoder = new TextEncoder();
const fullFromJson = Authorizer.fromJson;

/** Loads without a signature check: text, bytes or an object; `options` {limits, minSequence}. */
function load(snapshot, options) {
  const optionsText = loadOptionsText(options);
  if (typeof snapshot === "string") {
    // A lone surrogate has no UTF-8: refused, not loaded with U+FFFD in its place.
    if (!wellFormed(snapshot)) throw invalidText(snapshot);
    const limit = options?.limits?.snapshotBytes ?? DEFAULT_SNAPSHOT_BYTES;
    // At least one byte a UTF-16 unit: longer text is over the limit in bytes,
    // refused before any of it is copied.
    if (snapshot.length > limit) {
      const error = codedError("limit.snapshot_size", `more than ${limit} bytes of snapshot text: over the limit \`snapshotBytes\` of ${limit}`);
      error.path = ".";
      throw error;
    }
    const buffer = new _TextBuffer(snapshot.length);
    const room = new Uint8Array(_memory().buffer, buffer.address(), snapshot.length);
    const { read, written } = encoder.encodeInto(snapshot, room);
    if (read === snapshot.length) return Authorizer._fromText(buffer, written, optionsText);
    buffer.free();
    return fullFromJson(encoder.encode(snapshot), optionsText);
  }
  if (snapshot instanceof ArrayBuffer) return fullFromJson(new Uint8Array(snapshot), optionsText);
  if (snapshot instanceof Uint8Array) return fullFromJson(snapshot, optionsText);
  const depth = options?.limits?.nestingDepth ?? MAX_DEPTH;
  return fullFromJson(documentText(snapshot, "snapshot", depth), optionsText);
}

const DEFAULT_SNAPSHOT_BYTES = 256 * 1024 * 1024;

function invalidText(text) {
  const at = [...text].findIndex((c) => c.length === 1 && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff);
  const error = codedError("snapshot.invalid_utf8", `the snapshot is not UTF-8 text: a lone surrogate at character ${at} has no UTF-8 form`);
  error.path = ".";
  return error;
}

/** The core's load options as JSON text: `limits` and `minSequence` only. */
function loadOptionsText(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== "object") throw codedError("options.malformed", `options: expected an object, not ${describe(options)}`);
  const { limits, minSequence } = options;
  const text = documentText({ limits, minSequence }, "options", 4);
  return text === "{}" ? undefined : text;
}

Authorizer.fromJson = function fromJson(snapshot, options) {
  return guarded("Authorizer", "fromJson", "snapshot", () => {
    const keys = options?.publicKey ?? options?.publicKeys;
    if (keys !== undefined || options?.signature !== undefined) return fromSignedJson(snapshot, options, keys);
    const authorizer = load(snapshot, options);
    tables(authorizer).limits = authorizer.limits;
    return authorizer;
  });
};

/**
 * Loads a snapshot's bytes: a compiled snapshot (`writ compile`), which loads
 * without decoding or validating JSON again, or JSON's UTF-8 bytes. Options as
 * `fromJson`'s, keys and signature included (a compiled file is signed as any
 * other: over its exact bytes).
 */
Authorizer.fromBytes = function fromBytes(bytes, options) {
  return guarded("Authorizer", "fromBytes", "snapshot", () => {
    if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
      const error = codedError("snapshot.malformed", `a snapshot's bytes are a Uint8Array or an ArrayBuffer, not ${describe(bytes)}`);
      error.path = ".";
      throw error;
    }
    return Authorizer.fromJson(bytes, options);
  });
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
    const known = pairAnswers(t);
    const seen = known[principalIx]?.[questionIx];
    if (seen === KNOWN_ALLOWED) return true;
    if (seen === KNOWN_DENIED) return false;
    const answer = this._ask(principalIx, questionIx);
    if (answer !== ERROR) {
      rememberPair(known, principalIx, questionIx, answer === ALLOWED ? KNOWN_ALLOWED : KNOWN_DENIED);
      return answer === ALLOWED;
    }
  }
  if (this.__wbg_ptr === 0) throw freedError("Authorizer", "check"); // by a getter
  return fullCheck.call(this, requestText(this, t, request));
};

// The pairs of a batch and where each one's answer goes (its slot, after the
// 2n pair entries), kept from call to call (a typed array per call was a tenth
// of checkMany). A getter that calls checkMany while they are being filled
// gets an array of its own.
let scratch = new Uint32Array(0);
let scratchLent = false;

function lendPairs(n) {
  if (scratchLent || n > 4096) return new Uint32Array(3 * n);
  if (scratch.length < 3 * n) scratch = new Uint32Array(3 * n);
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
  if (!Array.isArray(requests)) {
    throw codedError("request.malformed", `malformed request: \`checkMany\` takes an array of requests, not ${describe(requests)}`);
  }
  const t = tables(this);
  const n = requests.length;
  const { batchLength } = limitsOf(this, t);
  if (n > batchLength) {
    throw codedError("limit.batch_length", `${n} requests in one batch: over the limit \`batchLength\` of ${batchLength}`);
  }
  const answers = new Uint8Array(n);
  if (n === 0) return answers;
  // Each element is read once, here: what is answered is what was read.
  const elements = new Array(n);
  for (let i = 0; i < n; i++) {
    try {
      elements[i] = requests[i];
    } catch {
      elements[i] = UNREADABLE;
    }
  }
  if (this.__wbg_ptr === 0) throw freedError("Authorizer", "checkMany"); // by a getter
  let others = fastBatch(this, t, elements, answers);
  if (others === undefined) return answers;
  // The rest, each written on its own (a bad one is answered 2 and the others
  // are answered), as one JSON array: one crossing.
  let text = "[";
  const sent = [];
  for (const i of others) {
    let element;
    try {
      element = elements[i] === UNREADABLE ? undefined : requestText(this, t, elements[i]);
    } catch (error) {
      if (!isCoded(error)) throw error;
    }
    if (element === undefined) {
      answers[i] = ERROR;
      continue;
    }
    if (this.__wbg_ptr === 0) throw freedError("Authorizer", "checkMany"); // by a getter
    text += sent.length === 0 ? element : `,${element}`;
    sent.push(i);
  }
  if (sent.length === 0) return answers;
  const full = fullCheckMany.call(this, `${text}]`);
  for (let k = 0; k < sent.length; k++) answers[sent[k]] = full[k];
  return answers;
};

/** An element whose read threw (a getter of the array): answered 2. */
const UNREADABLE = Symbol("unreadable element");

/**
 * Answers the plain elements of a batch through the integer tables, chunk by
 * chunk: the tables are emptied between chunks when they reach their bound, so
 * one batch cannot grow them past it. The indices of the other elements, or
 * undefined when there are none.
 */
function fastBatch(authorizer, t, elements, answers) {
  const n = elements.length;
  if (!prototypeClean()) return Array.from({ length: n }, (_, i) => i);
  let others;
  let start = 0;
  while (start < n) {
    bound(authorizer, t);
    const resets = t.resets;
    const room = Math.max(1, LIMIT - t.entries);
    // Each request adds at most two entries: its user and its question.
    const end = Math.min(n, start + Math.max(1, room >> 1));
    const pairs = lendPairs(end - start);
    const known = pairAnswers(t);
    // Where each asked pair's answer goes: pairs already answered are not asked.
    const slots = pairs.subarray(2 * (end - start), 3 * (end - start));
    let asked = 0;
    let chunkOthers;
    try {
      for (let i = start; i < end; i++) {
        if (plain(authorizer, t, elements[i])) {
          const seen = known[principalIx]?.[questionIx];
          if (seen === KNOWN_ALLOWED || seen === KNOWN_DENIED) {
            answers[i] = seen === KNOWN_ALLOWED ? ALLOWED : 0;
            continue;
          }
          pairs[2 * asked] = principalIx;
          pairs[2 * asked + 1] = questionIx;
          slots[asked++] = i;
        } else {
          (chunkOthers ??= []).push(i);
        }
      }
      if (authorizer.__wbg_ptr === 0) throw freedError("Authorizer", "checkMany"); // by a getter
      // A getter that asked this authorizer meanwhile may have emptied the
      // tables, leaving earlier pairs pointing at other entries, or given
      // Object.prototype an enumerable property: this chunk takes the full path.
      if (t.resets !== resets || !prototypeClean()) {
        for (let i = start; i < end; i++) (others ??= []).push(i);
        start = end;
        continue;
      }
      if (asked > 0) answerPairs(authorizer, pairs, asked, answers, slots, known);
    } finally {
      returnPairs(pairs);
    }
    if (chunkOthers !== undefined) (others ??= []).push(...chunkOthers);
    start = end;
  }
  return others;
}

/**
 * Answers `count` (principal, question) pairs into `answers` at `slots`, and
 * remembers each answer in `known` (`pairAnswers`).
 */
function answerPairs(authorizer, pairs, count, answers, slots, known) {
  // Through the module's memory: `_batch` may grow it, which replaces its
  // buffer, and `_askBatch` too, so each view is made after the call before it.
  const at = authorizer._batch(count);
  memory ??= _memory();
  new Uint32Array(memory.buffer, at, 2 * count).set(pairs.subarray(0, 2 * count));
  authorizer._askBatch(count);
  const done = new Uint32Array(memory.buffer, at, count);
  for (let i = 0; i < count; i++) {
    const answer = done[i];
    answers[slots[i]] = answer;
    if (answer !== ERROR) rememberPair(known, pairs[2 * i], pairs[2 * i + 1], answer === ALLOWED ? KNOWN_ALLOWED : KNOWN_DENIED);
  }
}

/**
 * The authorizer's remembered batch answers, by principal index, then by
 * question index, for the tables' current numbering (as a handle's, below:
 * emptied with the tables; nothing kept for an error).
 */
function pairAnswers(t) {
  if (t.answersOf !== t.resets) {
    t.answers = [];
    t.answersOf = t.resets;
  }
  return t.answers;
}

/** Counts a principal's asks in `known[p]` until REMEMBER_AFTER, then keeps its answers there. */
function rememberPair(known, p, q, answer) {
  let row = known[p];
  if (row === undefined || typeof row === "number") {
    const asked = (row ?? 0) + 1;
    if (asked <= REMEMBER_AFTER) {
      known[p] = asked;
      return;
    }
    row = NO_ANSWERS;
  }
  if (q >= row.length) {
    const grown = new Uint8Array(Math.min(LIMIT, Math.max(q + 1, 2 * row.length, 16)));
    grown.set(row);
    known[p] = row = grown;
  }
  row[q] = answer;
}

const fullPrincipal = Authorizer.prototype.principal;
Authorizer.prototype.principal = function principal(doc) {
  const t = tables(this);
  const handle = fullPrincipal.call(this, requestText(this, t, doc));
  handle._writ = t; // the authorizer's tables: questions are shared
  handle._answers = NO_ANSWERS; // its answers (`answers`), set here for one object shape
  handle._answersOf = t.resets;
  handle._asked = 0;
  return handle;
};

// The methods that take a whole document: the caller's object is written as
// JSON text here (`requestText`), and the core reads the text.
for (const name of ["explain", "permissions", "list", "claims", "checkAssignment"]) {
  const full = Authorizer.prototype[name];
  Authorizer.prototype[name] = {
    [name](request) {
      return full.call(this, requestText(this, tables(this), request));
    },
  }[name];
}

// whoCan(request, { explain }): the options checked here, the flag handed on.
Authorizer.prototype.whoCan = function whoCan(request, options) {
  let explain = false;
  if (options !== undefined && options !== null) {
    if (typeof options !== "object" || Array.isArray(options)) {
      throw codedError("request.malformed", "whoCan's options are an object: `{ explain: true }`");
    }
    const value = options.explain;
    if (value !== undefined && typeof value !== "boolean") {
      throw codedError("request.malformed", "`explain` must be a boolean");
    }
    explain = value === true;
  }
  const text = requestText(this, tables(this), request);
  if (this.__wbg_ptr === 0) throw freedError("Authorizer", "whoCan"); // by a getter
  return this._whoCan(text, explain);
};

// ---------------------------------------------------------------------------
// Documents as JSON text. The core reads text only. JSON.stringify would write
// NaN and ±Infinity as null and leave out functions, symbols and undefined
// array elements — turning `tenantId: NaN` into no tenant at all, a wider
// question (a fail-open). This writer refuses every value JSON cannot carry as
// it is: what reaches the core is exactly what the caller's object holds, or
// the call is `request.malformed`.

const MAX_DEPTH = 127;

/** A request (or principal, list, … document) as JSON text, within the authorizer's limits. */
function requestText(authorizer, t, request) {
  if (typeof request === "string") return request;
  return documentText(request, "request", limitsOf(authorizer, t).nestingDepth);
}

/**
 * The JSON text of a caller's plain object, each value read once: strings,
 * finite numbers, booleans and null as JSON writes them; arrays and plain
 * objects (prototype Object.prototype or null, no toJSON) of those; an
 * `undefined` property left out as JSON leaves it out. Anything else — NaN,
 * ±Infinity, a BigInt, a Symbol, a function, an `undefined` array element, a
 * Date, a RegExp, a Map, a boxed primitive, a cycle, nesting deeper than
 * `depth` — is `${kind}.malformed` (`limit.nesting_depth` for depth), and so
 * is anything that throws while being read (a getter, a Proxy trap, a
 * revoked Proxy).
 */
function documentText(value, kind, depth) {
  const ancestors = [];
  const refuse = (path, why) => {
    throw codedError(kind === "options" ? "options.malformed" : `${kind}.malformed`, `malformed ${kind}: ${path === "" ? "the document" : `\`${path}\``} ${why}`);
  };
  const write = (v, path, level) => {
    switch (typeof v) {
      case "string":
        return JSON.stringify(v);
      case "number":
        if (!Number.isFinite(v)) refuse(path, `must be a string, a finite number, a boolean or null, not ${v}`);
        return JSON.stringify(v);
      case "boolean":
        return v ? "true" : "false";
      case "object":
        if (v === null) return "null";
        break;
      default:
        refuse(path, `cannot be ${describe(v)}`);
    }
    if (level >= depth) {
      throw codedError("limit.nesting_depth", `\`${path}\`: nested deeper than the limit \`nestingDepth\` of ${depth}`);
    }
    if (ancestors.includes(v)) refuse(path, "contains itself (a cycle)");
    const isArray = Array.isArray(v);
    if (!isArray) {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) refuse(path, `must be a plain object, not ${describe(v)}`);
    } else if (Object.getPrototypeOf(v) !== Array.prototype) {
      refuse(path, `must be a plain array, not ${describe(v)}`);
    }
    if (typeof v.toJSON === "function") refuse(path, "has a toJSON method: give the value it would give");
    ancestors.push(v);
    let text;
    if (isArray) {
      text = "[";
      const n = v.length;
      for (let i = 0; i < n; i++) {
        const item = v[i];
        const at = `${path}[${i}]`;
        if (item === undefined) refuse(at, "cannot be undefined in an array");
        text += (i === 0 ? "" : ",") + write(item, at, level + 1);
      }
      text += "]";
    } else {
      text = "{";
      let first = true;
      for (const key of Object.keys(v)) {
        const item = v[key];
        if (item === undefined) continue; // as JSON leaves it out: absent
        const at = path === "" ? key : `${path}.${key}`;
        text += (first ? "" : ",") + JSON.stringify(key) + ":" + write(item, at, level + 1);
        first = false;
      }
      text += "}";
    }
    ancestors.pop();
    return text;
  };
  try {
    return write(value, "", 0);
  } catch (error) {
    if (isCoded(error)) throw error;
    throw codedError(kind === "options" ? "options.malformed" : `${kind}.malformed`, `malformed ${kind}: reading it threw: ${thrownWords(error)}`);
  }
}

/** A thrown value in words, whatever it is (a Proxy's trap may throw anything). */
function thrownWords(error) {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return typeof error === "symbol" ? error.toString() : String(error);
  } catch {
    return "a value that cannot be printed";
  }
}

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
  if (typeof value !== "object") return `a ${typeof value}`;
  let tag;
  try {
    if (Array.isArray(value)) return "an array";
    tag = Object.prototype.toString.call(value).slice(8, -1);
  } catch {
    return "an object that cannot be read";
  }
  return tag === "Object" ? "an object" : `a ${tag}`;
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
      const remembering = this._asked >= REMEMBER_AFTER;
      if (remembering) {
        const seen = (this._answersOf === t.resets ? this._answers : answers(this, t))[q];
        if (seen === KNOWN_ALLOWED) return true;
        if (seen === KNOWN_DENIED) return false;
      }
      const answer = this._ask(q);
      if (answer !== ERROR) {
        if (remembering) remember(this, q, answer === ALLOWED ? KNOWN_ALLOWED : KNOWN_DENIED);
        else this._asked++;
        return answer === ALLOWED;
      }
    }
  }
  requireText(permission, "permission");
  requireText(resourceType, "resourceType");
  requireText(resourceId, "resourceId", true);
  return fullCan.call(this, permission, resourceType, resourceId);
};

// A handle's answers, by question index: a handle decides for one principal
// over one immutable snapshot, so a question's answer never changes while its
// index means that question — until the authorizer's tables are emptied
// (`bound`), which renumbers the questions and so drops every handle's
// answers (`t.resets`). Bounded: a byte per question the authorizer has
// prepared, at most LIMIT. Nothing is kept for an error (the full path
// answers it), and a freed or poisoned handle never gets here (`guard`). A
// new snapshot is a new authorizer with new handles: nothing carries over.
const KNOWN_DENIED = 1;
const KNOWN_ALLOWED = 2;
const NO_ANSWERS = new Uint8Array(0);
// Answers are remembered once a handle (a principal, for check and
// checkMany) has asked the core this many times: a typed array per handle
// costs more than a few asks (first asks of many short-lived handles were
// four times slower), and a handle asked this often will be asked again.
const REMEMBER_AFTER = 8;

/** The handle's remembered answers for the tables' current numbering. */
function answers(handle, t) {
  if (handle._answersOf !== t.resets) {
    handle._answers = NO_ANSWERS;
    handle._answersOf = t.resets;
  }
  return handle._answers;
}

function remember(handle, q, answer) {
  let known = handle._answers;
  if (q >= known.length) {
    const grown = new Uint8Array(Math.min(LIMIT, Math.max(q + 1, 2 * known.length, 64)));
    grown.set(known);
    handle._answers = known = grown;
  }
  known[q] = answer;
}

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

// ---------------------------------------------------------------------------
// Signed snapshots: a detached JWS (RFC 7515, RFC 7797's unencoded payload)
// over the snapshot's exact bytes, EdDSA (Ed25519, RFC 8037), verified with
// WebCrypto — node ≥ 20, Chromium and workerd have Ed25519 — so that the
// package's wasm carries no curve arithmetic. WebCrypto is asynchronous:
// `fromJson` with `publicKey` returns a Promise. Keys are JWKs; a key's id is
// its RFC 7638 thumbprint, which the signature's header names (`kid`).

function signatureError(code, message) {
  const error = codedError(code, `signature: ${message}`);
  error.path = "signature";
  return error;
}

/** Base64url without padding, strictly (one text per value), or undefined. */
function base64url(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/") + "==".slice(0, (4 - (text.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  // Unused bits must be zero: re-encoding must give the same text.
  const again = btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return again === text ? bytes : undefined;
}

function toBase64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function subtle() {
  const crypto = globalThis.crypto?.subtle;
  if (crypto === undefined) throw signatureError("signature.unsupported", "this runtime has no WebCrypto (crypto.subtle)");
  return crypto;
}

/** A trusted key: its id (thumbprint) and the imported CryptoKey. */
async function trustedKey(key) {
  let jwk = key;
  if (typeof key === "string") {
    try {
      jwk = JSON.parse(key);
    } catch {
      throw codedError("key.malformed", "a key is a JWK: JSON text or an object");
    }
  }
  if (typeof jwk !== "object" || jwk === null || jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
    throw codedError("key.malformed", 'expected an Ed25519 JWK ({"kty":"OKP","crv":"Ed25519","x":…})');
  }
  if (jwk.d !== undefined) throw codedError("key.malformed", "this is a private key (it has `d`): give the public key");
  const x = base64url(jwk.x);
  if (x === undefined || x.length !== 32) throw codedError("key.malformed", "`x` is not 32 bytes of base64url");
  const members = new TextEncoder().encode(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`);
  const kid = toBase64url(new Uint8Array(await subtle().digest("SHA-256", members)));
  if (jwk.kid !== undefined && jwk.kid !== kid) throw codedError("key.malformed", `\`kid\` \`${jwk.kid}\` is not the key's thumbprint \`${kid}\``);
  let imported;
  try {
    imported = await subtle().importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"]);
  } catch (error) {
    throw signatureError("signature.unsupported", `this runtime's WebCrypto cannot use the Ed25519 key: ${thrownWords(error)}`);
  }
  return { kid, key: imported };
}

/** Throws the `signature.*` error of a signature that is not by a trusted key over `bytes`. */
async function verify(bytes, signature, keys) {
  let text = signature;
  if (signature instanceof ArrayBuffer) text = new Uint8Array(signature);
  if (text instanceof Uint8Array) text = new TextDecoder().decode(text);
  if (typeof text !== "string") throw signatureError("signature.malformed", `a signature is the text of a .sig file or its bytes, not ${describe(signature)}`);
  const parts = text.trim().split(".");
  if (parts.length !== 3 || parts[1] !== "") {
    throw signatureError("signature.malformed", "expected a detached JWS: `header..signature` (three parts, the middle one empty)");
  }
  const [encodedHeader, , encodedSignature] = parts;
  const headerBytes = base64url(encodedHeader);
  if (headerBytes === undefined) throw signatureError("signature.malformed", "the header is not base64url");
  let header;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerBytes));
  } catch {
    throw signatureError("signature.malformed", "the header is not JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw signatureError("signature.malformed", "the header is not a JSON object");
  for (const [member, type] of [["alg", "string"], ["kid", "string"], ["b64", "boolean"]]) {
    if (header[member] !== undefined && typeof header[member] !== type) throw signatureError("signature.malformed", `header member \`${member}\` has the wrong type`);
  }
  if (header.crit !== undefined && !Array.isArray(header.crit)) throw signatureError("signature.malformed", "header member `crit` has the wrong type");
  if (header.alg !== "EdDSA") throw signatureError("signature.unsupported", `algorithm \`${header.alg ?? "(none)"}\` is not supported (expected \`EdDSA\`)`);
  if ((header.crit ?? []).some((name) => name !== "b64")) throw signatureError("signature.unsupported", "`crit` names an extension writ does not know");
  if (header.b64 !== false || !(header.crit ?? []).includes("b64")) {
    throw signatureError("signature.unsupported", 'expected a detached, unencoded payload (`"b64": false`, `"crit": ["b64"]`)');
  }
  const signatureBytes = base64url(encodedSignature);
  if (signatureBytes === undefined) throw signatureError("signature.malformed", "the signature is not base64url");
  if (signatureBytes.length !== 64) throw signatureError("signature.malformed", `an Ed25519 signature is 64 bytes, this one ${signatureBytes.length}`);
  if (header.kid === undefined) throw signatureError("signature.malformed", "the header names no key (`kid`)");
  const trusted = (await Promise.all(keys.map(trustedKey))).find(({ kid }) => kid === header.kid);
  if (trusted === undefined) throw signatureError("signature.unknown_key", `signed by key \`${header.kid}\`, which is not trusted`);
  const prefix = new TextEncoder().encode(`${encodedHeader}.`);
  const input = new Uint8Array(prefix.length + bytes.length);
  input.set(prefix);
  input.set(bytes, prefix.length);
  const valid = await subtle().verify({ name: "Ed25519" }, trusted.key, signatureBytes, input);
  if (!valid) {
    throw signatureError("signature.invalid", `the signature by key \`${header.kid}\` does not match the snapshot's bytes (altered, or signed over other bytes)`);
  }
}

/** `fromJson` with trusted keys: verify the exact bytes, then load those bytes. */
async function fromSignedJson(snapshot, options, keys) {
  try {
    const list = Array.isArray(keys) ? keys : keys === undefined ? [] : [keys];
    if (list.length === 0) throw codedError("options.malformed", "options: `signature` without a `publicKey` to verify it with");
    let bytes;
    if (typeof snapshot === "string") {
      if (!wellFormed(snapshot)) throw invalidText(snapshot);
      bytes = encoder.encode(snapshot);
    } else if (snapshot instanceof ArrayBuffer) bytes = new Uint8Array(snapshot);
    else if (snapshot instanceof Uint8Array) bytes = snapshot.slice(); // a copy: verified bytes are the bytes loaded
    else throw codedError("options.malformed", "options: a signed snapshot is verified over its exact bytes: give its text or bytes, not an object");
    if (options.signature === undefined || options.signature === null) {
      throw signatureError("signature.missing", "a trusted key is given, but no signature");
    }
    await verify(bytes, options.signature, list);
    const { limits, minSequence } = options;
    return Authorizer.fromJson(bytes, { limits, minSequence });
  } catch (error) {
    throw coded(error, undefined, "Authorizer", "fromJson", "snapshot");
  }
}

// ---------------------------------------------------------------------------
// Every public method and getter of both classes goes through `guard`:
//
// - After `free()`, wasm-bindgen's glue throws "null pointer passed to rust",
//   an Error without a `code`, and a second `free()` throws too. The guard
//   looks at the pointer the glue clears on `free()` (one property read) and
//   throws `authorizer.freed` / `principal.freed`; a second `free()` (or
//   `Symbol.dispose` after it) does nothing. A handle outlives its
//   authorizer's `free()` (it holds the core authorizer itself).
// - A trap (out of memory, a bug) leaves the trapping authorizer's state
//   half-changed (a RefCell borrowed for good), and the module's stack pointer
//   where the trapping call left it. The guard puts the stack pointer back,
//   marks that authorizer and its handles poisoned (every later call throws
//   `authorizer.poisoned`; `free()` still works), and throws `wasm.trap`.
//   Other authorizers keep answering.
// - Anything else thrown without a code (a TypeError of the glue for a
//   detached buffer, a RangeError for an allocation) becomes a coded Error:
//   every throw from the package has a `code`.
//
// The `_`-prefixed internals are called only from the methods above, after
// the guard, and again after the getters of a request have run (one may have
// freed the authorizer).

function freedError(kind, name) {
  const where = name === undefined ? "" : `${kind}.${name}: `;
  return codedError(`${kind.toLowerCase()}.freed`, `${where}this ${kind} was freed (its free() was called)`);
}

const CODE = /^[a-z0-9_]+\.[a-z0-9_]+$/;

function isCoded(error) {
  return error instanceof Error && typeof error.code === "string" && CODE.test(error.code);
}

/** The module's stack pointer global and its value at rest (no call running). */
let stack;

/**
 * Read at the first load, when no call is running (calls do not nest: the
 * getters of a request run before the call into wasm), so `base` is the
 * pointer at rest.
 */
function stackPointer() {
  if (stack === undefined) {
    let global;
    try {
      global = _exports().__writ_stack_pointer;
    } catch {
      return undefined; // not initialised yet: `init()` was not awaited
    }
    stack = global instanceof WebAssembly.Global ? { global, base: global.value } : null;
  }
  return stack;
}

/** `error`, thrown by `kind.name` on `owner`, as the coded Error the package throws. */
function coded(error, owner, kind, name, documentKind) {
  if (isCoded(error)) return error;
  if (error instanceof WebAssembly.RuntimeError) {
    const sp = stackPointer();
    if (sp) sp.global.value = sp.base;
    const why = `${kind}.${name} trapped in the WebAssembly module (${error.message})`;
    const t = owner?._writ;
    if (t !== undefined) t.poisoned = why;
    return codedError("wasm.trap", `${why}; ${t !== undefined ? "this authorizer and its handles refuse every further call: load the snapshot again" : "nothing was loaded"}`);
  }
  const memory = error instanceof RangeError && /memory|allocation|buffer/i.test(String(error.message));
  if (memory) return codedError("limit.memory", `${kind}.${name}: out of memory: ${thrownWords(error)}`);
  return codedError(`${documentKind}.malformed`, `malformed ${documentKind}: ${kind}.${name}: ${thrownWords(error)}`);
}

/** Runs a static call (no instance yet) with the guard's error handling. */
function guarded(kind, name, documentKind, call) {
  stackPointer();
  try {
    return call();
  } catch (error) {
    throw coded(error, undefined, kind, name, documentKind);
  }
}

function poisonedError(kind, name, why) {
  return codedError("authorizer.poisoned", `${kind}.${name}: this authorizer is unusable since ${why}; load the snapshot again`);
}

/** `kind` is given, not read from `cls.name`, which a minifier may rename. */
function guard(cls, kind) {
  const proto = cls.prototype;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === "constructor" || name.startsWith("_")) continue;
    const property = Object.getOwnPropertyDescriptor(proto, name);
    const method = property.value;
    const documentKind = name === "fromJson" ? "snapshot" : "request";
    if (name === "free") {
      property.value = function free() {
        if (this.__wbg_ptr === 0) return;
        try {
          method.call(this);
        } catch (error) {
          // A poisoned object's own state may refuse its release; the
          // pointer is cleared before the glue calls into wasm, so nothing
          // is freed twice: its memory stays allocated, nothing else breaks.
          coded(error, undefined, kind, name, documentKind);
        }
      };
    } else if (typeof method === "function") {
      // Fixed parameters rather than `...args`: no array per call on the hot
      // paths. No method takes more than three; one that did would lose the
      // rest, so loading the package fails instead.
      if (method.length > 3) throw new Error(`fast.js: ${kind}.${name} takes more than three parameters`);
      property.value = {
        [name](a, b, c) {
          if (this.__wbg_ptr === 0) throw freedError(kind, name);
          const poisoned = this._writ?.poisoned;
          if (poisoned !== undefined) throw poisonedError(kind, name, poisoned);
          try {
            return method.call(this, a, b, c);
          } catch (error) {
            throw coded(error, this, kind, name, documentKind);
          }
        },
      }[name];
    } else if (property.get !== undefined) {
      const get = property.get;
      property.get = function () {
        if (this.__wbg_ptr === 0) throw freedError(kind, name);
        const poisoned = this._writ?.poisoned;
        if (poisoned !== undefined) throw poisonedError(kind, name, poisoned);
        try {
          return get.call(this);
        } catch (error) {
          throw coded(error, this, kind, name, documentKind);
        }
      };
    }
    Object.defineProperty(proto, name, property);
  }
  if (typeof Symbol.dispose === "symbol") proto[Symbol.dispose] = proto.free;
}

guard(Authorizer, "Authorizer");
guard(Principal, "Principal");
