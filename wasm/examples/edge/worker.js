// An edge function that refuses requests before they reach the origin.
//
// Each HTTP request (method + path) maps to one writ request; the principal comes
// from a bearer token's claims (`sub`, and `groups` when present) or, for tests
// and internal callers, from an `X-Writ-User` header. A deny answers 403 with the
// explanation's rule code; an allow is forwarded to the ORIGIN service binding
// (or answered 200 when there is none).
//
// NOT YET: token signatures are not verified here. Verify the JWT (e.g. with the
// issuer's JWKS and crypto.subtle) before trusting its claims; until then this
// example is only as strong as whatever sits in front of it.
import { Authorizer } from "./writ/workerd.js";
import snapshot from "./snapshot.json";

// Loaded once per isolate, not per request.
const authorizer = Authorizer.fromJson(snapshot);

/** Method + path → what is asked, or undefined for a route writ does not gate. */
function route(method, path) {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [collection, id, action] = parts;
  if (collection === "process-definition" && id !== undefined) {
    if (method === "GET" && parts.length === 2) return { permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: id };
    if (method === "POST" && action === "start") return { permission: "CREATE_INSTANCE", resourceType: "PROCESS_DEFINITION", resourceId: id };
    if (method === "DELETE" && parts.length === 2) return { permission: "DELETE", resourceType: "PROCESS_DEFINITION", resourceId: id };
  }
  if (collection === "task" && method === "GET" && parts.length === 2) return { permission: "READ", resourceType: "TASK", resourceId: id };
  return undefined;
}

/** The token's claims, decoded but NOT verified (see above). */
function claims(request) {
  const match = /^Bearer\s+([^.\s]+)\.([^.\s]+)\.[^.\s]*$/.exec(request.headers.get("Authorization") ?? "");
  if (!match) return undefined;
  try {
    const json = atob(match[2].replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
}

/** Who asks, as the wire's principal fields. */
function principal(request) {
  const token = claims(request);
  if (token) {
    const who = { user: token.preferred_username ?? token.sub };
    if (Array.isArray(token.groups)) who.groups = token.groups.map(String);
    // Under the `grants` profile, pass the claims through for mapping rules
    // (and `client: token.azp` for client-credentials tokens):
    //   who.claims = token;
    return who;
  }
  const user = request.headers.get("X-Writ-User");
  return user ? { user } : undefined;
}

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const asked = route(request.method, url.pathname);
    if (!asked) return json(404, { error: "not_found" });
    const who = principal(request);
    if (!who?.user) return json(401, { error: "unauthenticated" });
    const writRequest = { ...who, ...asked };
    try {
      if (!authorizer.check(writRequest)) {
        const why = authorizer.explain(writRequest);
        return json(403, { error: "forbidden", rule: why.rule, reason: why.reason }, { "x-writ-rule": why.rule });
      }
    } catch (error) {
      // A request writ cannot answer (unknown permission, …) is refused, never allowed.
      return json(400, { error: error.code ?? "error", message: error.message });
    }
    if (env.ORIGIN) return env.ORIGIN.fetch(request);
    return json(200, { allowed: true, revision: authorizer.revision });
  },
};
