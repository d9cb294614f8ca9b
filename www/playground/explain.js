// The explanation panel: the decision of one cell, the rule that made it, the
// rows that decided it and those it overrode, and the same question on the
// command line.
import { cliCommand, findRow, ownerText } from "./model.js";
import { h } from "./h.js";


/** Text with `backticked` ids set as code. */
export function prose(text) {
  const parts = String(text).split("`");
  return parts.map((part, index) => (index % 2 === 1 ? h("code", { text: part }) : document.createTextNode(part)));
}

function rowItem(snapshot, id, source, editRow) {
  const found = findRow(snapshot, id, source);
  if (found === undefined) {
    // Rows writ derives (Camunda 8 default roles, Emporix access controls) are not in the document.
    return h("li", { class: "row derived", "data-row": id }, h("code", { text: id }), h("span", { class: "derived-note", text: " derived by writ from the snapshot (not an authorization row)" }));
  }
  const { row } = found;
  const resource = row.resourcePropertyName !== undefined ? `${row.resourceType} where ${row.resourcePropertyName}` : `${row.resourceType} ${row.resourceId ?? "*"}`;
  const edit = h("button", { type: "button", class: "link", "data-edit-row": id, text: "edit" });
  edit.addEventListener("click", () => editRow(id));
  return h("li", { class: `row ${row.type.toLowerCase()}`, "data-row": id },
    h("span", { class: `kind ${row.type.toLowerCase()}`, text: row.type }),
    " ",
    h("code", { text: id }),
    h("span", { class: "row-detail", text: ` ${ownerText(row)} · ${resource} · ${(row.permissions ?? []).join(", ")}` }),
    " ",
    edit,
  );
}

/**
 * Renders the explanation of `request` into `container`: `decision` is
 * `explain`'s answer, or `error` the coded error it threw.
 */
export function renderExplanation(container, { snapshot, file, who, question, request, decision, error, editRow }) {
  container.replaceChildren();
  if (request === undefined) {
    container.append(h("p", { class: "hint", text: "Choose a cell of the matrix (click it, or move to it and press Enter) to see why." }));
    return;
  }
  const target = question.bundle !== undefined ? `bundle ${question.bundle}` : `${question.permission} on ${question.resourceType} ${question.resourceId ?? ""}`.trim();
  const context = [];
  if (question.properties !== undefined) context.push(`properties ${JSON.stringify(question.properties)}`);
  if (question.tenantId !== undefined) context.push(`tenant ${question.tenantId}`);
  if (request.profile !== undefined) context.push(`under ${request.profile}`);

  if (error !== undefined) {
    container.append(
      h("div", { class: "verdict error" }, h("span", { class: "badge", text: "error" }), h("p", { class: "question" }, h("strong", { text: who }), ` · ${target}`)),
      h("p", { class: "error-text" }, "This question cannot be answered: ", h("code", { class: "code", text: error.code ?? "error" }), " — ", ...prose(error.message)),
    );
  } else {
    const facts = h("dl", { class: "facts" },
      h("dt", { text: "Rule" }), h("dd", {}, h("code", { class: "rule", text: decision.rule })),
      h("dt", { text: "Reason" }), h("dd", { class: "reason" }, ...prose(decision.reason)),
      decision.level !== undefined ? [h("dt", { text: "Level" }), h("dd", { text: decision.level })] : null,
      decision.via !== undefined ? [h("dt", { text: "Via" }), h("dd", {}, ...prose(decision.via))] : null,
      decision.source !== undefined ? [h("dt", { text: "Source" }), h("dd", { text: decision.source })] : null,
      decision.decidedBy !== undefined ? [h("dt", { text: "Decided by" }), h("dd", { text: `check ${decision.decidedBy}` })] : null,
    );
    const deciding = decision.rows.length === 0
      ? h("p", { class: "none", text: "No row decided." })
      : h("ul", { class: "rows deciding" }, decision.rows.map((id) => rowItem(snapshot, id, decision.source, editRow)));
    container.append(
      h("div", { class: `verdict ${decision.allowed ? "allow" : "deny"}` },
        h("span", { class: "badge", text: decision.allowed ? "ALLOW" : "deny" }),
        h("p", { class: "question" }, h("strong", { text: who }), ` · ${target}`, context.length > 0 ? h("span", { class: "context", text: ` (${context.join(", ")})` }) : null),
      ),
      facts,
      h("h3", { text: "Deciding rows" }),
      deciding,
    );
    if ((decision.overridden ?? []).length > 0) {
      container.append(
        h("h3", { text: "Overridden rows" }),
        h("p", { class: "hint", text: "These would have decided the other way, but lost on precedence." }),
        h("ul", { class: "rows overridden" }, decision.overridden.map((id) => rowItem(snapshot, id, decision.source, editRow))),
      );
    }
  }
  container.append(
    h("h3", { text: "The same question on the command line" }),
    h("pre", { class: "cli" }, h("code", { text: cliCommand(file, request) })),
  );
}
