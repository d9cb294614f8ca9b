// writ/react: React bindings over the package — a provider that loads (or is
// given) an authorizer, hooks over a small store read with
// useSyncExternalStore, and <Can>. Plain JavaScript (React.createElement, no
// JSX), typed by react.d.ts; React is an optional peer dependency.
//
// Ownership: an authorizer the provider loads from `snapshot` is the
// provider's; it is freed when the snapshot is replaced (after the new one is
// in force) and on unmount. An `authorizer` passed in stays the caller's.
// Principal handles are the provider's too. Nothing wasm-backed is created
// during render, so StrictMode's double render and double mount create and
// free in pairs.
//
// Fails closed: while loading, after an error, or when a question cannot be
// answered, every decision is a deny.
import { createContext, createElement, Fragment, useContext, useEffect, useRef, useState, useSyncExternalStore } from "react";
import init, { Authorizer } from "writ";

const IDLE = Object.freeze({ status: "loading", authorizer: null, principal: null, handle: null, error: null, revision: undefined, version: 0 });

/** Every throw here has a `code`, as every throw of the package does. */
function coded(error, fallbackCode) {
  if (error instanceof Error && typeof error.code === "string") return error;
  const wrapped = new Error(error instanceof Error ? error.message : String(error), { cause: error });
  wrapped.code = fallbackCode;
  return wrapped;
}

function principalDoc(principal) {
  if (typeof principal === "string") return { user: principal };
  if (principal !== null && typeof principal === "object") return principal;
  return null;
}

function release(object) {
  try {
    object?.free();
  } catch {
    // free() of the package does not throw; a foreign object's might.
  }
}

/**
 * The store consumers read: one immutable state object, replaced on every
 * change (so useSyncExternalStore compares by identity).
 */
class WritStore {
  constructor() {
    this.state = IDLE;
    this.listeners = new Set();
    this.owned = null; // the authorizer this store frees
    this.subscribe = (listener) => {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    };
    this.getState = () => this.state;
  }

  set(patch) {
    this.state = Object.freeze({ ...this.state, ...patch, version: this.state.version + 1 });
    for (const listener of [...this.listeners]) listener();
  }

  /** Puts an authorizer in force (with a handle for the principal), then frees what it replaces. */
  install(authorizer, owned, principal) {
    const previous = { owned: this.owned, handle: this.state.handle };
    this.owned = owned ? authorizer : null;
    this.resolve(authorizer, principal);
    if (previous.owned !== null && previous.owned !== authorizer) release(previous.owned);
    if (previous.handle !== null && previous.handle !== this.state.handle) release(previous.handle);
  }

  /** A new principal on the authorizer in force. */
  setPrincipal(principal) {
    const previous = this.state.handle;
    if (this.state.authorizer === null) {
      this.set({ principal });
      return;
    }
    this.resolve(this.state.authorizer, principal);
    if (previous !== null && previous !== this.state.handle) release(previous);
  }

  resolve(authorizer, principal) {
    let handle = null;
    let error = null;
    if (principal !== null) {
      try {
        handle = authorizer.principal(principal);
      } catch (caught) {
        error = coded(caught, "request.malformed");
      }
    }
    let revision;
    try {
      revision = authorizer.revision;
    } catch (caught) {
      error ??= coded(caught, "authorizer.freed");
    }
    this.set({ status: error === null ? "ready" : "error", authorizer, principal, handle, error, revision });
  }

  fail(error) {
    this.set({ status: "error", error: coded(error, "load.failed") });
  }

  loading() {
    if (this.state.status !== "loading") this.set({ status: "loading", error: null });
  }

  /** Unmount: frees what this store owns and forgets it (a StrictMode remount loads again). */
  dispose() {
    const { handle } = this.state;
    const owned = this.owned;
    this.owned = null;
    this.state = IDLE;
    release(handle);
    release(owned);
  }
}

const WritContext = createContext(null);

function useStore() {
  const store = useContext(WritContext);
  if (store === null) {
    const error = new Error("writ/react: a hook or <Can> outside <WritProvider>");
    error.code = "react.no_provider";
    throw error;
  }
  return store;
}

/** A stable key for the principal document, so an inline `{ user }` does not resolve it again each render. */
function principalKey(principal) {
  try {
    return principal === null ? "" : JSON.stringify(principal);
  } catch {
    return principal; // not JSON-able: by identity; the package refuses it with its code
  }
}

/**
 * Provides decisions to the tree: loads `snapshot` (JSON text, its bytes, a
 * parsed object, or a Promise of one of them) or uses `authorizer`, for
 * `principal` (a user id or a principal document).
 */
export function WritProvider(props) {
  const { snapshot, authorizer, principal, options, wasm, loading, renderError, onError, children } = props;
  const [store] = useState(() => new WritStore());
  const doc = principalDoc(principal ?? null);
  const key = principalKey(doc);
  const latest = useRef({ doc, options, onError, wasm });
  latest.current = { doc, options, onError, wasm };

  // The snapshot: load it (asynchronously: the module may need initialising,
  // the snapshot may be a Promise), or take the authorizer given.
  useEffect(() => {
    if (authorizer != null) {
      store.install(authorizer, false, latest.current.doc);
      return undefined;
    }
    if (snapshot === undefined || snapshot === null) {
      store.fail(Object.assign(new Error("WritProvider needs a `snapshot` or an `authorizer`"), { code: "react.no_snapshot" }));
      return undefined;
    }
    let cancelled = false;
    store.loading();
    (async () => {
      const module = latest.current.wasm;
      await init(module === undefined ? undefined : { module_or_path: await module });
      const text = await snapshot;
      if (cancelled) return;
      const loaded = Authorizer.fromJson(text, latest.current.options);
      const ready = loaded instanceof Promise ? await loaded : loaded;
      if (cancelled) {
        release(ready);
        return;
      }
      store.install(ready, true, latest.current.doc);
    })().catch((error) => {
      if (cancelled) return;
      store.fail(error);
    });
    return () => {
      cancelled = true;
    };
  }, [store, snapshot, authorizer]);

  // The principal: resolved again on the authorizer in force.
  useEffect(() => {
    if (store.state.principal !== null && principalKey(store.state.principal) === key) return;
    store.setPrincipal(latest.current.doc);
  }, [store, key]);

  // Unmount frees what the provider owns (StrictMode's simulated unmount too;
  // the remount loads again).
  useEffect(() => () => store.dispose(), [store]);

  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);

  useEffect(() => {
    if (state.status === "error" && state.error !== null) latest.current.onError?.(state.error);
  }, [state.status, state.error]);

  let content = children;
  if (typeof children === "function") content = children(publicState(state));
  else if (state.status === "loading" && loading !== undefined) content = loading;
  else if (state.status === "error" && typeof renderError === "function") content = renderError(state.error);
  return createElement(WritContext.Provider, { value: store }, content);
}

function publicState(state) {
  return {
    status: state.status,
    error: state.error,
    authorizer: state.authorizer,
    principal: state.principal,
    revision: state.revision,
  };
}

/**
 * Reads one derived value of the store, recomputed only when the state or
 * the question changes (a cached value, as useSyncExternalStore requires).
 */
function useDerived(question, compute) {
  const store = useStore();
  const cache = useRef(null);
  const read = () => {
    const state = store.getState();
    const last = cache.current;
    if (last !== null && last.state === state && last.question === question) return last.value;
    const value = compute(state);
    cache.current = { state, question, value };
    return value;
  };
  return useSyncExternalStore(store.subscribe, read, read);
}

/** The provider's state: `{ status, error, authorizer, principal, revision }`. */
export function useWrit() {
  const store = useStore();
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  const cache = useRef(null);
  if (cache.current === null || cache.current.state !== state) cache.current = { state, value: publicState(state) };
  return cache.current.value;
}

function can(state, permission, resourceType, resourceId, tenantId) {
  if (state.status !== "ready") return false;
  try {
    if (tenantId === undefined || tenantId === null) {
      return state.handle.can(permission, String(resourceType), resourceId ?? undefined);
    }
    const request = { ...state.principal, permission, resourceType, tenantId };
    if (resourceId !== undefined && resourceId !== null) request.resourceId = resourceId;
    return state.authorizer.check(request);
  } catch {
    return false; // cannot be answered: deny
  }
}

/** May the principal do `permission` on the resource? `false` while loading or on error. */
export function useCan(permission, resourceType, resourceId, tenantId) {
  const question = `${permission}\u0000${resourceType}\u0000${resourceId ?? "\u0001"}\u0000${tenantId ?? "\u0001"}`;
  return useDerived(question, (state) => can(state, permission, resourceType, resourceId, tenantId));
}

const NONE = Object.freeze([]);

/** Every permission the principal holds on the resource; `[]` while loading or on error. */
export function usePermissions(resourceType, resourceId, tenantId) {
  const question = `${resourceType}\u0000${resourceId ?? "\u0001"}\u0000${tenantId ?? "\u0001"}`;
  return useDerived(question, (state) => {
    if (state.status !== "ready") return NONE;
    try {
      return Object.freeze(state.handle.permissions(resourceType, resourceId ?? undefined, tenantId ?? undefined));
    } catch {
      return NONE;
    }
  });
}

/**
 * Renders `children` when the principal may do `I` on `a` (`id`, `tenant`),
 * or, with `not`, when it may not; `fallback` otherwise. While the provider is
 * loading or failed, renders `loading` (default: `fallback`): neither branch
 * is decided yet.
 */
export function Can(props) {
  const { I, a, id, tenant, not = false, fallback = null, loading, children } = props;
  const { status } = useWrit();
  const allowed = useCan(I, a, id, tenant);
  if (status !== "ready") return createElement(Fragment, null, loading === undefined ? fallback : loading);
  const show = not ? !allowed : allowed;
  return createElement(Fragment, null, show ? children : fallback);
}
