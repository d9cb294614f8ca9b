// Loads a signed snapshot per request, as a worker given a new snapshot
// would: /good, /tampered, /wrong-key, /missing, /truncated. Answers the
// decision and sequence, or the error's code.
import { Authorizer } from "./writ/workerd.js";
import snapshot from "./org.json";
import tampered from "./org-tampered.json";
import signature from "./org.json.sig";
import truncated from "./org.json.truncated.sig";
import release from "./release.pub";
import other from "./other.pub";

const cases = {
  "/good": [snapshot, { publicKey: release, signature }],
  "/tampered": [tampered, { publicKey: release, signature }],
  "/wrong-key": [snapshot, { publicKey: other, signature }],
  "/missing": [snapshot, { publicKey: release }],
  "/truncated": [snapshot, { publicKey: release, signature: truncated }],
};

export default {
  async fetch(request) {
    const loading = cases[new URL(request.url).pathname];
    if (!loading) return new Response(null, { status: 404 });
    try {
      const authorizer = await Authorizer.fromJson(...loading);
      const allowed = authorizer.check({ user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" });
      const answer = { allowed, sequence: authorizer.sequence };
      authorizer.free();
      return Response.json(answer);
    } catch (error) {
      return Response.json({ code: error.code, message: error.message }, { status: 422 });
    }
  },
};
