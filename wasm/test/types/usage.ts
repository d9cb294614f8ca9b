// A small typed use of the package: compiled by `tsc --noEmit --strict` (see
// tsconfig.json) against the package's generated .d.ts. The @ts-expect-error
// lines prove the types are real, not `any`: each must be an error.
import init, { Answer, Authorizer, initSync } from "writ";
import type { Decision, ListDoc, PrincipalDoc, RequestDoc, SnapshotDoc, Stats, WhoCanDoc, WritError } from "writ";

const snapshot: SnapshotDoc = {
  format: 1,
  profile: "camunda7",
  users: [{ id: "kermit", groups: ["sales"] }],
  groups: [{ id: "sales" }],
  authorizations: [
    { id: "a1", type: "GRANT", groupId: "sales", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissions: ["READ"] },
  ],
};

export async function load(module: WebAssembly.Module): Promise<Authorizer> {
  await init({ module_or_path: module });
  initSync({ module });
  return Authorizer.fromJson(snapshot);
}

export function use(authorizer: Authorizer): void {
  const request: RequestDoc = { user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" };
  const allowed: boolean = authorizer.check(request);
  const why: Decision = authorizer.explain(request);
  const rows: string[] = why.rows;
  const answers: Uint8Array = authorizer.checkMany([request, { ...request, user: "gonzo" }]);
  const first: boolean = answers[0] === Answer.Allowed;
  const held: string[] = authorizer.permissions({ user: "kermit", resourceType: 6, resourceId: "invoice" });
  const list: ListDoc = authorizer.list({ user: "kermit", permission: "READ", resourceType: "PROCESS_DEFINITION" });
  const whoMay: WhoCanDoc = authorizer.whoCan({ permission: "READ", resourceType: "PROCESS_DEFINITION", resourceId: "invoice" });
  const whyWho: string[] = (authorizer.whoCan({ scopes: [] }, { explain: true }).explanations ?? []).map((e) => e.rule);
  void whoMay.anyUser;
  // @ts-expect-error a who-can question names no principal
  authorizer.whoCan({ user: "kermit", permission: "READ", resourceType: "TASK" });
  void whyWho;
  const ids: string[] = list.kind === "all" ? [] : list.ids;
  const stats: Stats = authorizer.stats;
  const revision: string | undefined = authorizer.revision;

  const who: PrincipalDoc = { user: "kermit", groups: ["sales"] };
  const me = authorizer.principal(who);
  const may: boolean = me.can("READ", "PROCESS_DEFINITION", "invoice") && me.can("READ", "6");
  const toolbar: string[] = me.permissions("PROCESS_DEFINITION", "invoice");
  const visible: ListDoc = me.list("READ", 6);
  me.free();

  // `grants` fields pass straight through to the core.
  const grants: RequestDoc = { client: "billing-app", claims: { groups: ["ops"] }, bundle: "Products Manager" };

  try {
    authorizer.check({ user: "kermit", permission: "FLY", resourceType: "PROCESS_DEFINITION" });
  } catch (error) {
    const code: string = (error as WritError).code;
    console.log(code);
  }
  console.log(allowed, rows, first, held, ids, stats.users, revision, may, toolbar, visible, grants);

  // @ts-expect-error: a misspelt request field
  authorizer.check({ user: "kermit", permision: "READ" });
  // @ts-expect-error: check answers a boolean
  const notDecision: Decision = authorizer.check(request);
  // @ts-expect-error: resource types are names or ids
  me.can("READ", true);
  // @ts-expect-error: explain answers a Decision
  const notBoolean: boolean = authorizer.explain(request);
  // @ts-expect-error: an unknown profile
  authorizer.principal({ user: "kermit", profile: "camunda9" });
  console.log(notDecision, notBoolean);
}
