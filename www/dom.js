// writ/dom: gates the elements of a page by writ's decisions, with no framework.
//
// An element says what it needs:
//   <button data-writ-permission="DELETE" data-writ-resource-type="PROCESS_DEFINITION"
//           data-writ-resource-id="invoice" data-writ-mode="disable">Delete</button>
// and `gate(root, { authorizer, principal })` decides every such element under
// `root` in one `checkMany` call, then follows the page: a MutationObserver
// gates elements added later (and changed data-writ-* attributes) in one call
// per batch of mutations, and `update({ authorizer, principal })` re-gates
// everything after a snapshot or principal swap.
//
// The resource (type, id, tenant) is the element's own, or that of the nearest
// ancestor declaring `data-writ-resource-type`, so a toolbar declares it once.
//
// Modes (`data-writ-mode`), when denied:
// - `hide` (default): the `hidden` attribute, which also removes the element
//   from the accessibility tree;
// - `disable`: `aria-disabled="true"`; the control stays focusable, so keyboard
//   and screen-reader users still find it and hear that it is unavailable, and
//   its activation (click, Enter, Space, implicit form submission) is blocked
//   while gated. Form fields (input but button-like ones, select, textarea, fieldset), whose value
//   could still be edited under `aria-disabled`, also get the native `disabled`
//   (`data-writ-disable="aria"` or `"native"` chooses per element);
// - `remove`: the element is replaced by a comment placeholder, and put back
//   when a later decision allows it.
// Whatever writ set is undone when a later decision allows the element.
//
// Fails closed: without an authorizer or principal, when a call throws (a
// freed or poisoned authorizer), or when a question cannot be answered (an
// unknown permission, a missing resource type), the element is denied; its
// `data-writ-error` attribute says why. Every gated element carries
// `data-writ-decision="allow"` or `"deny"`.
//
// Hiding in the browser is a convenience; the server enforces.

const PERMISSION = "data-writ-permission";
const TYPE = "data-writ-resource-type";
const ID = "data-writ-resource-id";
const TENANT = "data-writ-tenant";
const MODE = "data-writ-mode";
const DISABLE = "data-writ-disable";
const DECISION = "data-writ-decision";
const ERROR = "data-writ-error";

const SELECTOR = `[${PERMISSION}]`;
const SCOPE = `[${TYPE}]`;
const OBSERVED = [PERMISSION, TYPE, ID, TENANT, MODE, DISABLE];
const RESOURCE_ATTRIBUTES = new Set([TYPE, ID, TENANT]);
const MODES = new Set(["hide", "disable", "remove"]);
const NATIVE_DISABLE = new Set(["INPUT", "SELECT", "TEXTAREA", "FIELDSET"]);
const BUTTON_INPUTS = new Set(["button", "submit", "reset", "image"]);
const ALLOWED = 1;
const ANSWER_ERROR = 2;

/** A coded error of this module (the package's convention: every throw has a `code`). */
function codedError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

/**
 * `"kermit"` → `{ user: "kermit" }`; a plain document is used as it is. A
 * resolved `Principal` handle is refused: its groups and claims cannot be read
 * back, and the page's questions are asked in one batch of documents.
 */
function principalDoc(principal) {
  if (typeof principal === "string") return { user: principal };
  if (principal !== null && typeof principal === "object" && typeof principal.can !== "function") return principal;
  return undefined;
}

/**
 * Gates every element under `root` (an Element or a Document) that carries
 * `data-writ-permission`, and keeps gating it. Answers the controller.
 */
export function gate(root, handle = {}, options = {}) {
  if (root === null || typeof root !== "object" || typeof root.querySelectorAll !== "function") {
    throw codedError("dom.malformed", "gate: `root` must be an Element or a Document");
  }
  const onError = typeof options.onError === "function" ? options.onError : undefined;
  const observe = options.observe !== false;
  // One checkMany per batch (default), or one check per distinct question
  // (the same decisions; kept to measure the difference, see www/README.md).
  const batch = options.batch !== false;
  let authorizer = handle.authorizer ?? null;
  let principal = principalDoc(handle.principal);
  let connected = true;
  let lastError;

  /** Element → what writ did to it: { applied: mode | null, saved }. */
  const states = new WeakMap();
  /** Placeholder comment → the element it stands for ("remove" mode). */
  const held = new Map();
  /** Element → its placeholder, while removed. */
  const placeholderOf = new WeakMap();
  /** Elements whose activation is blocked ("disable" mode). */
  const blocked = new WeakSet();

  const observer = observe && typeof MutationObserver === "function" ? new MutationObserver(onMutations) : undefined;
  observer?.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: OBSERVED });
  const guardEvents = ["click", "auxclick", "dblclick"];
  for (const type of guardEvents) root.addEventListener(type, guard, true);

  function guard(event) {
    for (let node = event.target; node != null; node = node.parentElement) {
      if (blocked.has(node)) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      if (node === root) return;
    }
  }

  function report(error, element) {
    lastError = error;
    if (onError !== undefined) {
      try {
        onError(error, element);
      } catch {
        // A failing error handler must not stop the gating.
      }
    }
  }

  /** The resource an element asks about: its own, or its nearest declaring ancestor's. */
  function scopeOf(element) {
    const scope = element.closest(SCOPE);
    if (scope !== null) return scope;
    // A removed element (or inside one): continue from where its placeholder stands.
    let top = element;
    while (top.parentElement !== null) top = top.parentElement;
    const placeholder = placeholderOf.get(top);
    return placeholder?.parentElement?.closest(SCOPE) ?? null;
  }

  /** The question an element asks, or a coded error. */
  function questionOf(element) {
    const permission = element.getAttribute(PERMISSION);
    const scope = scopeOf(element);
    if (scope === null) {
      return { error: codedError("dom.missing_resource_type", `no ${TYPE} on the element or an ancestor`) };
    }
    const question = { permission, resourceType: scope.getAttribute(TYPE) };
    const id = scope.getAttribute(ID);
    if (id !== null) question.resourceId = id;
    const tenant = scope.getAttribute(TENANT);
    if (tenant !== null) question.tenantId = tenant;
    return { question };
  }

  function modeOf(element) {
    const mode = element.getAttribute(MODE);
    return mode !== null && MODES.has(mode) ? mode : "hide";
  }

  function nativeDisable(element) {
    const choice = element.getAttribute(DISABLE);
    if (choice === "native") return "disabled" in element;
    if (choice === "aria") return false;
    // Button-like inputs are buttons: aria-disabled, still focusable.
    if (element.tagName === "INPUT" && BUTTON_INPUTS.has(element.type)) return false;
    return NATIVE_DISABLE.has(element.tagName);
  }

  function undo(element) {
    const state = states.get(element);
    if (state === undefined || state.applied === null) return;
    const { saved } = state;
    switch (state.applied) {
      case "hide":
        if (saved.hidden === null) element.removeAttribute("hidden");
        else element.setAttribute("hidden", saved.hidden);
        break;
      case "disable":
        if (saved.ariaDisabled === null) element.removeAttribute("aria-disabled");
        else element.setAttribute("aria-disabled", saved.ariaDisabled);
        if (saved.disabled !== undefined) element.disabled = saved.disabled;
        blocked.delete(element);
        break;
      case "remove": {
        const placeholder = placeholderOf.get(element);
        placeholderOf.delete(element);
        if (placeholder !== undefined) {
          held.delete(placeholder);
          if (placeholder.parentNode !== null) placeholder.replaceWith(element);
        }
        break;
      }
    }
    state.applied = null;
    state.saved = undefined;
  }

  function deny(element, mode) {
    let state = states.get(element);
    if (state === undefined) states.set(element, (state = { applied: null, saved: undefined }));
    if (state.applied === mode) return;
    undo(element);
    switch (mode) {
      case "hide":
        state.saved = { hidden: element.getAttribute("hidden") };
        element.hidden = true;
        break;
      case "disable":
        state.saved = { ariaDisabled: element.getAttribute("aria-disabled"), disabled: undefined };
        element.setAttribute("aria-disabled", "true");
        if (nativeDisable(element)) {
          state.saved.disabled = element.disabled;
          element.disabled = true;
        }
        blocked.add(element);
        break;
      case "remove": {
        state.saved = {};
        if (element.parentNode === null) break; // nothing to take out of
        const placeholder = (element.ownerDocument ?? document).createComment(
          ` writ: removed until allowed (${element.getAttribute(PERMISSION)} on ${element.closest(SCOPE)?.getAttribute(TYPE) ?? "?"}) `,
        );
        element.replaceWith(placeholder);
        held.set(placeholder, element);
        placeholderOf.set(element, placeholder);
        break;
      }
    }
    state.applied = mode;
  }

  /** Decides `elements` in one batch and applies the decisions. */
  function decide(elements) {
    const asked = new Map(); // question key → index into `requests`
    const reasons = new Map(); // index → why it could not be answered
    const requests = [];
    const plan = []; // [element, index | -1, error?]
    for (const element of elements) {
      if (!element.hasAttribute(PERMISSION)) {
        // No longer gated: undo what writ did and forget it.
        undo(element);
        element.removeAttribute(DECISION);
        element.removeAttribute(ERROR);
        states.delete(element);
        continue;
      }
      const { question, error } = questionOf(element);
      if (error !== undefined) {
        plan.push([element, -1, error]);
        continue;
      }
      const key = `${question.permission}\u0000${question.resourceType}\u0000${question.resourceId ?? "\u0001"}\u0000${question.tenantId ?? "\u0001"}`;
      let index = asked.get(key);
      if (index === undefined) {
        index = requests.length;
        asked.set(key, index);
        requests.push(question);
      }
      plan.push([element, index, undefined]);
    }

    let answers;
    let batchError;
    if (requests.length > 0) {
      if (authorizer === null) {
        batchError = codedError("dom.not_ready", "no authorizer yet");
      } else if (principal === undefined) {
        batchError = codedError("dom.not_ready", "no principal: a user id or a principal document (not a resolved handle)");
      } else {
        try {
          if (batch) answers = authorizer.checkMany(requests.map((question) => ({ ...principal, ...question })));
          else answers = requests.map((question, index) => one({ ...principal, ...question }, index, reasons));
        } catch (error) {
          batchError = error;
          report(error);
        }
      }
    }

    for (const [element, index, error] of plan) {
      let allowed = false;
      let why = error;
      if (why === undefined) {
        if (batchError !== undefined) why = batchError;
        else if (answers[index] === ALLOWED) allowed = true;
        else if (answers[index] === ANSWER_ERROR) why = reasons.get(index) ?? reasonOf(requests[index], index, reasons);
      } else {
        report(why, element);
      }
      // Attributes are written only when they change (a write is a mutation and a style invalidation).
      if (allowed) {
        undo(element);
        if (element.getAttribute(DECISION) !== "allow") element.setAttribute(DECISION, "allow");
        if (element.hasAttribute(ERROR)) element.removeAttribute(ERROR);
      } else {
        if (element.getAttribute(DECISION) !== "deny") element.setAttribute(DECISION, "deny");
        const code = why === undefined ? null : String(why.code ?? "error");
        if (element.getAttribute(ERROR) !== code) {
          if (code === null) element.removeAttribute(ERROR);
          else element.setAttribute(ERROR, code);
        }
        deny(element, modeOf(element));
      }
    }
  }

  /** One question on its own (`batch: false`): an `Answer` byte, the reason kept. */
  function one(request, index, reasons) {
    try {
      return authorizer.check(request) ? ALLOWED : 0;
    } catch (error) {
      if (error?.code === "authorizer.freed" || error?.code === "authorizer.poisoned") throw error;
      reasons.set(index, error);
      report(error);
      return ANSWER_ERROR;
    }
  }

  /** Why a question was answered `Answer.Error`: `check` throws it with its code. */
  function reasonOf(question, index, reasons) {
    let why;
    try {
      authorizer.check({ ...principal, ...question });
      why = codedError("request.unanswered", "the question could not be answered");
    } catch (error) {
      why = error;
    }
    reasons.set(index, why);
    report(why);
    return why;
  }

  /** Every gated element under root, and every removed one whose placeholder is still there. */
  function everything() {
    const elements = [];
    if (root.nodeType === 1 && root.matches(SELECTOR)) elements.push(root);
    elements.push(...root.querySelectorAll(SELECTOR));
    for (const [placeholder, element] of held) {
      if (!placeholder.isConnected || !(root === placeholder || root.contains(placeholder))) {
        held.delete(placeholder);
        placeholderOf.delete(element);
        continue;
      }
      elements.push(element, ...element.querySelectorAll(SELECTOR));
    }
    return elements;
  }

  function gateAll() {
    observer?.takeRecords(); // pending mutations are covered by a full pass
    decide(everything());
    observer?.takeRecords(); // writ's own (removing and restoring elements)
  }

  function onMutations(records) {
    if (!connected) return;
    const elements = new Set();
    const add = (element, deep) => {
      if (element.hasAttribute(PERMISSION) || states.has(element)) elements.add(element);
      if (deep) for (const inner of element.querySelectorAll(SELECTOR)) elements.add(inner);
    };
    for (const record of records) {
      if (record.type === "childList") {
        for (const node of record.addedNodes) if (node.nodeType === 1) add(node, true);
      } else if (record.type === "attributes" && record.target.nodeType === 1) {
        add(record.target, RESOURCE_ATTRIBUTES.has(record.attributeName));
      }
    }
    const inside = [...elements].filter((element) => element.isConnected && (root === element || root.contains(element)));
    if (inside.length > 0) decide(inside);
    observer?.takeRecords();
  }

  gateAll();

  return {
    /** Swaps the authorizer and/or the principal and re-gates everything. */
    update(next = {}) {
      if (!connected) throw codedError("dom.disconnected", "update: this gate is disconnected");
      if ("authorizer" in next) authorizer = next.authorizer ?? null;
      if ("principal" in next) principal = principalDoc(next.principal);
      lastError = undefined;
      gateAll();
    },
    /** Re-gates everything with the same authorizer and principal. */
    refresh() {
      if (!connected) throw codedError("dom.disconnected", "refresh: this gate is disconnected");
      gateAll();
    },
    /** Stops following the page; what was applied stays applied. */
    disconnect() {
      if (!connected) return;
      connected = false;
      observer?.disconnect();
      for (const type of guardEvents) root.removeEventListener(type, guard, true);
      held.clear();
    },
    /** The last error a call raised (a freed or poisoned authorizer, an unanswerable question). */
    get error() {
      return lastError;
    },
    get authorizer() {
      return authorizer;
    },
    get principal() {
      return principal;
    },
  };
}
