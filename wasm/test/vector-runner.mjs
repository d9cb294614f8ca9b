// The comparisons of one conformance vector file against the package, shared
// by the node runner (vectors.test.mjs, which adds the native answers) and the
// browser one (browser/vectors.html): plain ES module, no node imports.
//
// A vector's check cases are compared with `expect` (allowed, rows as a set,
// rule, level, source, via), with check/checkMany/handle agreement, and, when
// native answers are given, with the native `writ check --explain` field for
// field. Snapshot errors compare code and path.

/** The error a package call throws: a real Error whose `code` is writ's. */
export function thrown(call) {
  try {
    call();
  } catch (error) {
    if (!(error instanceof Error) || !/^[a-z0-9_]+\.[a-z0-9_]+$/.test(error.code)) throw error;
    return error;
  }
  return undefined;
}

const sorted = (rows) => [...new Set(rows)].sort();

/** The case's answer from the package: `{ value }` or `{ error }` (a WritError). */
function answer(authorizer, kase) {
  let value;
  const error = thrown(() => {
    if (kase.check) value = { decision: authorizer.explain(kase.check), fast: authorizer.check(kase.check), can: handleCan(authorizer, kase.check) };
    else if (kase.permissions) value = { listed: authorizer.permissions(kase.permissions), handle: handlePermissions(authorizer, kase.permissions) };
    else if (kase.list) value = authorizer.list(kase.list);
    else if (kase.claims) value = authorizer.claims(kase.claims);
    else if (kase.assign) value = authorizer.checkAssignment(kase.assign);
    else if (kase.whoCan) value = { plain: authorizer.whoCan(kase.whoCan), explained: authorizer.whoCan(kase.whoCan, { explain: true }) };
  });
  return { value, error };
}

/**
 * For a request with one check and nothing else, what a principal handle's `can`
 * answers (through js/fast.js, twice: preparing, then prepared); undefined otherwise.
 */
function handleCan(authorizer, request) {
  const { permission, resourceType, resourceId, tenantId, properties, anyOf, allOf, anonymousAuthorized, resourceExists, ...who } = request;
  if (typeof permission !== "string" || typeof resourceType !== "string" || tenantId !== undefined) return undefined;
  if (properties !== undefined || anyOf !== undefined || allOf !== undefined || anonymousAuthorized || resourceExists !== undefined) return undefined;
  const handle = authorizer.principal(who);
  try {
    const first = handle.can(permission, resourceType, resourceId);
    const again = handle.can(permission, resourceType, resourceId);
    return first === again ? first : `first ${first}, then ${again}`;
  } finally {
    handle.free();
  }
}

/**
 * What a principal handle's `permissions` answers for the same question (through
 * js/fast.js, twice: preparing, then prepared).
 */
function handlePermissions(authorizer, request) {
  const { resourceType, resourceId, tenantId, ...who } = request;
  const handle = authorizer.principal(who);
  try {
    const first = handle.permissions(resourceType, resourceId, tenantId);
    const again = handle.permissions(resourceType, resourceId, tenantId);
    return isDeepEqual(first, again) ? first : `first ${JSON.stringify(first)}, then ${JSON.stringify(again)}`;
  } finally {
    handle.free();
  }
}

/** One message per difference from `expect` (tests/src/vector.rs, `answer`). */
function compare(kase, value, native) {
  const expect = kase.expect ?? {};
  const problems = [];
  if (kase.check) {
    const { decision, fast, can } = value;
    if (fast !== decision.allowed) problems.push(`check says ${fast}, explain says ${decision.allowed}`);
    if (can !== undefined && can !== fast) problems.push(`handle.can says ${can}, check says ${fast}`);
    if (native !== undefined && !isDeepEqual(decision, native)) problems.push(`explained ${JSON.stringify(decision)}, native ${JSON.stringify(native)}`);
    if (expect.allowed !== undefined && expect.allowed !== decision.allowed)
      problems.push(`allowed ${decision.allowed} (expected ${expect.allowed}; ${decision.rule}: ${decision.reason})`);
    if (expect.rows !== undefined && !isDeepEqual(sorted(decision.rows), sorted(expect.rows)))
      problems.push(`rows ${JSON.stringify(decision.rows)} (expected ${JSON.stringify(expect.rows)})`);
    if (expect.rule !== undefined && expect.rule !== decision.rule)
      problems.push(`rule ${decision.rule} (expected ${expect.rule}; ${decision.reason})`);
    if (expect.level !== undefined && expect.level !== (decision.level ?? "none"))
      problems.push(`level ${decision.level ?? "none"} (expected ${expect.level})`);
    if (expect.source !== undefined && expect.source !== decision.source)
      problems.push(`source ${decision.source} (expected ${expect.source})`);
    if (expect.via !== undefined && expect.via !== decision.via)
      problems.push(`via ${decision.via} (expected ${expect.via})`);
  } else if (kase.permissions) {
    const { listed, handle } = value;
    if (!isDeepEqual(handle, listed)) problems.push(`handle.permissions ${JSON.stringify(handle)}, the request ${JSON.stringify(listed)}`);
    if (expect.permissions !== undefined && !isDeepEqual(listed, expect.permissions))
      problems.push(`permissions ${JSON.stringify(listed)} (expected ${JSON.stringify(expect.permissions)})`);
  } else if (kase.list) {
    if (expect.list !== undefined && !isDeepEqual(value, expect.list))
      problems.push(`list ${JSON.stringify(value)} (expected ${JSON.stringify(expect.list)})`);
  } else if (kase.claims) {
    if (expect.claims !== undefined && !isDeepEqual(value, expect.claims))
      problems.push(`claims ${JSON.stringify(value)} (expected ${JSON.stringify(expect.claims)})`);
  } else if (kase.assign) {
    const rule = value.rule ?? "";
    if (expect.allowed !== undefined && expect.allowed !== value.allowed) problems.push(`allowed ${value.allowed} (rule ${rule})`);
    if (expect.rule !== undefined && expect.rule !== rule) problems.push(`rule ${rule}`);
  } else if (kase.whoCan) {
    const { plain, explained } = value;
    const { explanations = [], ...rest } = explained;
    if (!isDeepEqual(rest, plain)) problems.push(`whoCan ${JSON.stringify(plain)}, explained ${JSON.stringify(rest)}`);
    const named = explanations.map((e) => e.user ?? e.client ?? e.mappingRule);
    if (!isDeepEqual(named, [...plain.users, ...plain.clients, ...plain.mappingRules])) problems.push(`whoCan explains ${JSON.stringify(named)}`);
    for (const field of ["users", "clients", "anyUser", "mappingRules"]) {
      if (expect[field] !== undefined && !isDeepEqual(plain[field], expect[field]))
        problems.push(`${field} ${JSON.stringify(plain[field])} (expected ${JSON.stringify(expect[field])})`);
    }
  } else problems.push("a case needs `check`, `permissions`, `list`, `claims`, `assign` or `whoCan`");
  return problems;
}

export function runCase(authorizer, kase, native) {
  const { value, error } = answer(authorizer, kase);
  if (!error) return kase.expectError ? [`expected error ${kase.expectError}, got an answer`] : compare(kase, value, native);
  const problems = [];
  // A request error must be native's error, code and message.
  if (kase.check && native !== undefined && !isDeepEqual({ error: { code: error.code, message: error.message } }, native))
    problems.push(`error ${error.code}: ${error.message}, native ${JSON.stringify(native)}`);
  if (kase.expectError !== error.code)
    problems.push(kase.expectError ? `error ${error.code} (${error.message}), expected ${kase.expectError}` : `unexpected error ${error.code}: ${error.message}`);
  return problems;
}

/** Structural equality of JSON values (and typed arrays). */
export function isDeepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b) || ArrayBuffer.isView(a) !== ArrayBuffer.isView(b)) return false;
  const keysA = Object.keys(a).filter((key) => a[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => b[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => Object.hasOwn(b, key) && isDeepEqual(a[key], b[key]));
}


/**
 * Loads a vector's snapshot as `fromJson` takes it: `input` (an object, text
 * or bytes) and `options` (limits, minSequence, publicKey, signature). With
 * keys it answers a Promise; awaited either way. The failures of the file, as
 * messages (empty: it passed).
 */
export async function runVector(Authorizer, file, input, options, native) {
  const failures = [];
  let authorizer;
  try {
    authorizer = await Authorizer.fromJson(input, options);
  } catch (error) {
    if (!(error instanceof Error) || typeof error.code !== "string") return [`threw without a code: ${error}`];
    if (!file.snapshotError) return [`snapshot rejected: ${error.code} ${error.message}`];
    if (error.code !== file.snapshotError.code) failures.push(`snapshot error ${error.code} (${error.message}), expected ${file.snapshotError.code}`);
    if (file.snapshotError.path !== undefined && error.path !== file.snapshotError.path)
      failures.push(`snapshot error at ${error.path}, expected ${file.snapshotError.path}`);
    return failures;
  }
  try {
    if (file.snapshotError) return [`snapshot loaded, expected error ${file.snapshotError.code}`];
    if (!(file.cases?.length > 0)) return ["a vector file needs cases or a snapshotError"];
    const checks = file.cases.filter((kase) => kase.check);
    if (native !== undefined && native.length !== checks.length) return ["one native answer per check case"];
    for (const kase of file.cases) {
      const answer = kase.check && native ? native[checks.indexOf(kase)] : undefined;
      failures.push(...runCase(authorizer, kase, answer).map((problem) => `${kase.name}: ${problem}`));
    }
    // checkMany answers every check case in one call, as check does one by one:
    // on an authorizer of its own, whose first batch reaches the core (the
    // package remembers answers, and check has asked these already), and again.
    const one = checks.map((kase) => (thrown(() => authorizer.check(kase.check)) ? 2 : authorizer.check(kase.check) ? 1 : 0));
    const batcher = await Authorizer.fromJson(input, options);
    try {
      for (const round of ["checkMany", "checkMany, remembered"]) {
        const many = [...batcher.checkMany(checks.map((kase) => kase.check))];
        if (!isDeepEqual(many, one)) failures.push(`${round}: ${JSON.stringify(many)}, check one by one: ${JSON.stringify(one)}`);
      }
    } finally {
      batcher.free();
    }
    return failures;
  } finally {
    authorizer.free();
  }
}
