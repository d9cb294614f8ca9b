//! The TypeScript declarations of the wire documents, written once, emitted into
//! the generated `.d.ts`. They mirror `writ_core::wire` (see SNAPSHOT.md); the
//! package tests compile them with `tsc --strict` and check that every request
//! field declared here is one the core accepts.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const WIRE_TYPES: &str = r#"
/** A resource type: its catalogue name (`"PROCESS_DEFINITION"`) or its integer id. */
export type TypeRef = string | number;

/** The semantics profiles (SEMANTICS.md §1–3). */
export type ProfileName = "camunda7" | "optimize" | "grants";

/** Token claims, as the verified token carries them (`grants`: mapping rules). */
export type Claims = { [claim: string]: unknown };

/** Who asks. `user` (or, under `grants`, `client`) is required. */
export interface PrincipalDoc {
  user?: string;
  /** Replaces the stored group memberships (a groups claim). */
  groups?: string[];
  /** The source (engine) to decide on; required under `camunda7` when there are several. */
  source?: string;
  /** Overrides the snapshot's profile. */
  profile?: ProfileName;
  /** `grants`: an application principal; when given, `user` is ignored. */
  client?: string;
  /** `grants`: the verified token's claims, for mapping rules. */
  claims?: Claims;
}

/** One permission on one resource, inside a composite. */
export interface CheckDoc {
  permission: string;
  resourceType: TypeRef;
  resourceId?: string;
}

/**
 * One question: `permission` + `resourceType` (+ `resourceId`), or an ordered
 * `anyOf`, or an `allOf` (or, under `grants`, a `bundle` or `scopes`).
 */
export interface RequestDoc extends PrincipalDoc {
  permission?: string;
  resourceType?: TypeRef;
  /** No id (or `"*"`) asks about every resource of the type. */
  resourceId?: string;
  /** The tenant the resource belongs to. */
  tenantId?: string;
  anyOf?: CheckDoc[];
  allOf?: CheckDoc[];
  /** `grants`: the resource's properties (`assignee`, `candidateUsers`, `candidateGroups`). */
  properties?: { [property: string]: unknown };
  /** `grants`: whether the resource exists (default true): "not found" or "forbidden". */
  resourceExists?: boolean;
  /** `grants`: a bundle name instead of permission and resource. */
  bundle?: string;
  /** `grants` (Emporix): the scopes an endpoint accepts; any one suffices. */
  scopes?: string[];
  /** `grants` (Emporix): the restriction the entity carries. */
  restriction?: string;
  /** `grants`: already authorized anonymously; skips every check. */
  anonymousAuthorized?: boolean;
}

/** `permissions(...)`: every permission a principal holds on one resource. */
export interface PermissionsRequestDoc extends PrincipalDoc {
  resourceType: TypeRef;
  resourceId?: string;
  tenantId?: string;
}

/** `list(...)`: which resources of a type a principal may see with a permission. */
export interface ListRequestDoc extends PrincipalDoc {
  permission: string;
  resourceType: TypeRef;
}

/** The level of the rows that decided a Camunda 7 check. */
export type Level = "user" | "group" | "global";

/** The stable codes of the rules that decide (SNAPSHOT.md, "Rule codes"). */
export type RuleCode =
  | "camunda7.match" | "camunda7.level" | "camunda7.specificity"
  | "camunda7.grant_before_revoke" | "no_match" | "tenant.not_member"
  | "authorization_disabled" | "all_of"
  | "optimize.grant_all" | "optimize.grant_id" | "optimize.revoke_all"
  | "optimize.revoke_id" | "optimize.login_required" | "optimize.null_tenant"
  | "optimize.collection_role" | "optimize.not_a_member" | "optimize.private_report"
  | "optimize.report_definition_denied" | "optimize.unknown_report"
  | "optimize.event_process_manager" | "optimize.event_process_access"
  | "optimize.last_manager" | "optimize.collection_change"
  | "grants.match" | "grants.bundle" | "grants.scope" | "grants.no_scope_required" | "tenant.not_found"
  | "tenant.forbidden" | "account.locked" | "account.provisioned" | "anonymous"
  | (string & {});

/** `claims(...)` (`grants`): what tokens would carry for a principal. */
export interface ClaimsDoc {
  /** Management Identity: audience → the permissions of its `permissions.{audience}` claim. */
  permissions?: { [audience: string]: string[] };
  /** Emporix: every scope held, sorted. */
  scopes?: string[];
}

/**
 * `checkAssignment(...)`: under Emporix (`grants`) a user into a group, or an
 * access control onto a group; under `optimize` a collection member's new role
 * (`role` omitted: the membership removed), refused as `optimize.last_manager`
 * when no MANAGER would remain.
 */
export interface AssignmentDoc {
  user?: string;
  group?: string;
  accessControl?: string;
  collection?: string;
  role?: CollectionRole;
}

/** A role in an Optimize collection, in increasing order. */
export type CollectionRole = "VIEWER" | "EDITOR" | "MANAGER";

/** A user or a group (exactly one). */
export type MemberRef = { userId: string; groupId?: never } | { groupId: string; userId?: never };

/** An Optimize report and the definitions it reports on. */
export interface ReportDoc {
  id: string;
  /** Required for a private report (outside every collection). */
  owner?: string;
  definitions?: { type: "process" | "decision"; key: string }[];
}

/** `optimize`: what Optimize manages itself (SNAPSHOT.md, "Optimize's own data"). */
export interface OptimizeDoc {
  collections?: { id: string; members?: (MemberRef & { role: CollectionRole })[]; reports?: ReportDoc[] }[];
  /** Private reports. */
  reports?: ReportDoc[];
  eventBasedProcess?: { authorizedUserIds?: string[]; authorizedGroupIds?: string[] };
  eventProcesses?: { id: string; access?: MemberRef[] }[];
}

/** `explain(...)`: the decision, and why. */
export interface Decision {
  allowed: boolean;
  /** The rule that decided. */
  rule: RuleCode;
  /** The same in words. */
  reason: string;
  /** When rows decided. */
  level?: Level;
  /** Ids of the deciding rows (empty when none matched). */
  rows: string[];
  /** Rows that would have decided the other way but lost on precedence. */
  overridden?: string[];
  /** For snapshots with several sources. */
  source?: string;
  /** For composites: the position of the deciding check. */
  decidedBy?: number;
  /** `grants`: how the principal reaches the deciding grant. */
  via?: string;
}

/** `whoCan(...)`: who may do what a request without a principal asks. */
export interface WhoCanDoc {
  /** The listed users whose check allows, sorted. */
  users: string[];
  /** `grants`: the listed clients whose check allows, sorted. */
  clients: string[];
  /** Whether a user the snapshot does not list would be allowed. */
  anyUser: boolean;
  /** `grants`: the mapping rules whose matching claims alone would allow it. */
  mappingRules: string[];
  /** With `{ explain: true }`: the rule and rows that allowed each, in the order above. */
  explanations?: WhoExplanation[];
}

/** One allowed principal (by exactly one of `user`, `client`, `mappingRule`) and why. */
export type WhoExplanation = Omit<Decision, "allowed"> & { user?: string; client?: string; mappingRule?: string };

/** A request without a principal, for `whoCan`. */
export type QuestionDoc = Omit<RequestDoc, "user" | "client" | "groups" | "claims">;

/** What a list view may show. */
export type ListDoc =
  | { kind: "all" }
  | { kind: "allExcept"; ids: string[] }
  | { kind: "only"; ids: string[] };

/** How much a snapshot holds. */
export interface Stats {
  sources: number;
  users: number;
  groups: number;
  tenants: number;
  authorizations: number;
}

/** The stable error codes (SNAPSHOT.md, "Error codes"). */
export type ErrorCode =
  | "snapshot.malformed" | "snapshot.unsupported_format" | "snapshot.duplicate_id"
  | "snapshot.empty_id" | "snapshot.reserved_id" | "snapshot.unknown_user"
  | "snapshot.unknown_group" | "snapshot.unknown_tenant"
  | "snapshot.unknown_resource_type" | "snapshot.unknown_permission"
  | "snapshot.empty_permissions" | "snapshot.global_with_group"
  | "snapshot.global_with_user" | "snapshot.missing_owner" | "snapshot.both_owners"
  | "snapshot.duplicate_resource_type" | "snapshot.invalid_permission_value"
  | "snapshot.sources_conflict" | "snapshot.profile_mismatch"
  | "snapshot.unknown_catalogue" | "snapshot.unknown_role" | "snapshot.unknown_client"
  | "snapshot.unknown_mapping_rule" | "snapshot.unknown_access_control"
  | "snapshot.unknown_bundle" | "snapshot.unknown_property"
  | "snapshot.revoke_in_grants" | "snapshot.global_in_grants"
  | "snapshot.missing_resource_id" | "snapshot.both_matchers"
  | "snapshot.invalid_claim_path" | "snapshot.customer_group_conflict"
  | "snapshot.user_type_mismatch"
  | "request.malformed" | "request.missing_user" | "request.missing_check"
  | "request.ambiguous_check" | "request.empty_composite"
  | "request.unknown_resource_type" | "request.unknown_permission"
  | "request.unknown_source" | "request.source_required"
  | "request.missing_resource_id" | "request.unknown_bundle" | "request.unknown_user"
  | "request.unknown_group" | "request.unknown_access_control" | "request.grants_only"
  | "request.profile_mismatch"
  | "snapshot.invalid_utf8" | "snapshot.corrupt" | "snapshot.rollback" | "options.malformed"
  | "request.invalid_utf8"
  | "limit.snapshot_size" | "limit.request_size" | "limit.id_length"
  | "limit.memberships" | "limit.composite_length" | "limit.batch_length"
  | "limit.nesting_depth" | "limit.memory"
  | "signature.missing" | "signature.malformed" | "signature.unsupported"
  | "signature.unknown_key" | "signature.invalid" | "key.malformed"
  | "authorizer.freed" | "principal.freed" | "authorizer.poisoned" | "wasm.trap"
  | (string & {});

/** Every error writ throws: a real `Error` with the core's stable code. */
export interface WritError extends Error {
  code: ErrorCode;
  /** Snapshot errors: where in the document (`authorizations[3].type`). */
  path?: string;
}

export interface OptionsDoc {
  revokeMode?: "auto" | "always" | "never";
  tenantChecks?: boolean;
  authorizationChecks?: boolean;
  adminGroups?: string[];
  adminUsers?: string[];
  /** `grants` (camunda8): the default roles exist unless turned off. */
  defaultRoles?: boolean;
}

export interface ResourceTypeDoc {
  name: string;
  id: number;
  permissions: { [permission: string]: number };
  /** `grants`: permissions one implies. */
  implies?: { [permission: string]: string[] };
}

export interface UserDoc {
  id: string;
  groups?: string[];
  tenants?: string[];
  /** `grants` */
  roles?: string[];
  /** `grants`: a locked or provisioned account may do nothing. */
  state?: "active" | "locked" | "provisioned";
}

export interface GroupDoc {
  id: string;
  tenants?: string[];
  /** `grants` */
  roles?: string[];
  /** `grants` (Emporix) */
  userType?: "EMPLOYEE" | "CUSTOMER";
  legalEntity?: string;
  restrictions?: string[];
  accessControls?: string[];
  predefined?: "ADMIN" | "BUYER" | "REQUESTER" | "CONTACT";
}

export interface AuthorizationDoc {
  id: string;
  type: "GLOBAL" | "GRANT" | "REVOKE";
  userId?: string;
  groupId?: string;
  /** `grants`: the owner, with `ownerId` (`userId`/`groupId` are shorthands). */
  ownerType?: "USER" | "CLIENT" | "GROUP" | "ROLE" | "MAPPING_RULE";
  ownerId?: string;
  resourceType: TypeRef;
  resourceId?: string;
  /** `grants`: a property grant (user tasks) instead of `resourceId`. */
  resourcePropertyName?: "assignee" | "candidateUsers" | "candidateGroups";
  permissions: string[];
}

export interface SourceDoc {
  name: string;
  users?: UserDoc[];
  groups?: GroupDoc[];
  authorizations?: AuthorizationDoc[];
}

/** `grants`: a mapping rule confers groups, roles and tenants on matching claims. */
export interface MappingRuleDoc {
  id: string;
  /** A plain claim name or a JSONPath starting with `$`. */
  claimName: string;
  claimValue: string;
  operator?: "EQUALS" | "CONTAINS";
  groups?: string[];
  roles?: string[];
  tenants?: string[];
}

/** `grants` (Emporix): a role on a resource, resolving to scopes. */
export interface AccessControlDoc {
  id: string;
  scopes?: string[];
  restrictionAware?: boolean;
  restrictedTo?: "EMPLOYEE" | "CUSTOMER";
}

/** A snapshot, format 1 (SNAPSHOT.md). */
export interface SnapshotDoc {
  format: 1;
  revision?: string;
  /** A counter that grows with each published snapshot (`minSequence` refuses older ones). */
  sequence?: number;
  profile: ProfileName;
  options?: OptionsDoc;
  resourceTypes?: ResourceTypeDoc[];
  tenants?: { id: string }[];
  users?: UserDoc[];
  groups?: GroupDoc[];
  authorizations?: AuthorizationDoc[];
  sources?: SourceDoc[];
  /** `grants`: the built-in catalogues (default `["camunda8"]`). */
  catalogues?: ("camunda8" | "identity" | "emporix")[];
  clients?: { id: string; groups?: string[]; roles?: string[]; tenants?: string[] }[];
  roles?: { id: string; tenants?: string[] }[];
  mappingRules?: MappingRuleDoc[];
  bundles?: { id: string; allOf: CheckDoc[] }[];
  bundleImplications?: { when: string; then: string }[];
  accessControls?: AccessControlDoc[];
  domains?: { base: string; levels: { [level in "Viewer" | "Editor" | "Manager" | "Administrator"]?: string[] } }[];
  /** `optimize`: collections, reports and event-based processes. */
  optimize?: OptimizeDoc;
}
"#;
