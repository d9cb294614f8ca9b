// writ/react: React bindings (see react.js). React is an optional peer dependency.
import type { ReactNode } from "react";
import type { Authorizer, InitInput, LoadOptions, PrincipalDoc, SnapshotDoc, TypeRef, WritError } from "./writ.js";

/** What a snapshot may be given as: JSON text, its UTF-8 bytes, or the parsed document. */
export type SnapshotInput = string | Uint8Array | ArrayBuffer | SnapshotDoc;

/** `loading` until the authorizer and the principal are in force; `error` with the reason. */
export type WritStatus = "loading" | "ready" | "error";

/**
 * The codes `writ/react` adds to the package's own: `react.no_provider` (a hook
 * outside `<WritProvider>`), `react.no_snapshot` (neither `snapshot` nor
 * `authorizer`), `load.failed` (an error without a code: the module or the
 * snapshot could not be fetched).
 */
export type ReactErrorCode = "react.no_provider" | "react.no_snapshot" | "load.failed";

export interface WritState {
  status: WritStatus;
  /** Why `status` is `error`: the package's coded error (`snapshot.unknown_group`, with `path`) or one of ReactErrorCode. */
  error: WritError | null;
  /** The authorizer in force (the provider frees one it loaded when it is replaced: do not keep it). */
  authorizer: Authorizer | null;
  principal: PrincipalDoc | null;
  revision: string | undefined;
}

interface ProviderCommon {
  /** Who asks: a user id or a principal document. Compared by value: an inline object is fine. */
  principal: PrincipalDoc | string | null;
  /** Rendered instead of `children` while loading. */
  loading?: ReactNode;
  /** Rendered instead of `children` on error. */
  renderError?: (error: WritError) => ReactNode;
  /** Called once for each error. */
  onError?: (error: WritError) => void;
  /** Nodes, or a function of the provider's state. */
  children?: ReactNode | ((state: WritState) => ReactNode);
}

export interface SnapshotProviderProps extends ProviderCommon {
  /**
   * The snapshot, or a Promise of it. Loaded again when it changes by
   * identity: keep an object or a Promise stable (`useMemo`, module scope).
   * The authorizer loaded is the provider's: freed when replaced and on unmount.
   */
  snapshot: SnapshotInput | Promise<SnapshotInput>;
  authorizer?: undefined;
  options?: LoadOptions;
  /** Where the module comes from when a bundler does not place `writ_bg.wasm` next to the package (esbuild): `init`'s input. */
  wasm?: InitInput | Promise<InitInput>;
}

export interface AuthorizerProviderProps extends ProviderCommon {
  /** An authorizer the caller owns (and frees); the provider only reads it. */
  authorizer: Authorizer;
  snapshot?: undefined;
  options?: undefined;
  wasm?: undefined;
}

export type WritProviderProps = SnapshotProviderProps | AuthorizerProviderProps;

/** Provides decisions to the tree; StrictMode-safe. */
export function WritProvider(props: WritProviderProps): ReactNode;

/** The provider's state. */
export function useWrit(): WritState;

/** May the principal do `permission` on the resource? `false` while loading, on error, or when it cannot be answered. */
export function useCan(permission: string, resourceType: TypeRef, resourceId?: string | null, tenantId?: string | null): boolean;

/** Every permission the principal holds on the resource (`ALL` last, when held); `[]` while loading or on error. */
export function usePermissions(resourceType: TypeRef, resourceId?: string | null, tenantId?: string | null): readonly string[];

export interface CanProps {
  /** The permission. */
  I: string;
  /** The resource type. */
  a: TypeRef;
  /** The resource id (none: every resource of the type). */
  id?: string | null;
  /** The tenant the resource belongs to. */
  tenant?: string | null;
  /** Render `children` when the principal may NOT. */
  not?: boolean;
  /** Rendered when `children` is not. */
  fallback?: ReactNode;
  /** Rendered while the provider is loading or failed (default: `fallback`). */
  loading?: ReactNode;
  children?: ReactNode;
}

/** `<Can I="READ" a="PROCESS_DEFINITION" id="invoice">…</Can>`; `not` inverts; `fallback` otherwise. */
export function Can(props: CanProps): ReactNode;
