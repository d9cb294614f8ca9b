// writ/dom: gate a page's elements by writ's decisions (see dom.js for the rules).
import type { Authorizer, PrincipalDoc, WritError } from "./writ.js";

/** What `gate` decides with: an authorizer (or `null` while loading: every element denied) and who asks. */
export interface GateHandle {
  authorizer?: Authorizer | null;
  /** A user id, or a principal document (`{ user, groups?, claims?, client?, profile?, source? }`). */
  principal?: PrincipalDoc | string | null;
}

export interface GateOptions {
  /**
   * Called when a question cannot be answered or a call throws (a freed or
   * poisoned authorizer); the elements concerned are denied either way.
   */
  onError?: (error: WritError, element?: Element) => void;
  /** Follow elements added or changed later with a MutationObserver (default true). */
  observe?: boolean;
  /**
   * Ask a batch's questions in one `checkMany` call (default true), or with one
   * `check` per distinct question: the same decisions, kept to measure the
   * difference (www/README.md).
   */
  batch?: boolean;
}

/** The codes `writ/dom` adds to the package's own. */
export type DomErrorCode = "dom.malformed" | "dom.missing_resource_type" | "dom.not_ready" | "dom.disconnected";

export interface Gate {
  /** Swap the authorizer and/or the principal; everything is gated again, in one batch. */
  update(next: GateHandle): void;
  /** Gate everything again with the same authorizer and principal. */
  refresh(): void;
  /** Stop following the page and release removed elements; what was applied stays applied. */
  disconnect(): void;
  /** The last error raised while gating, if any. */
  readonly error: WritError | undefined;
  readonly authorizer: Authorizer | null;
  readonly principal: PrincipalDoc | undefined;
}

/** How a denied element is gated (`data-writ-mode`). */
export type GateMode = "hide" | "disable" | "remove";

/**
 * Gates every element under `root` carrying `data-writ-permission` (with
 * `data-writ-resource-type`, optional `data-writ-resource-id`,
 * `data-writ-tenant` and `data-writ-mode`, on it or on an ancestor) in one
 * `checkMany` call, and keeps gating elements added or changed later.
 *
 * @throws a `WritError` `dom.malformed` when `root` is not an Element or a Document.
 */
export function gate(root: Element | Document, handle?: GateHandle, options?: GateOptions): Gate;
