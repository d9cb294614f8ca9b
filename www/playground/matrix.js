// The decision matrix: one grid per resource type (rows: resources, columns:
// permissions), ALLOW / deny / error per cell. All grids form one composite
// widget with a roving tabindex: Tab enters it at the active cell and leaves
// it; the arrow keys move (Up and Down cross into the neighbouring grids),
// Home / End go to the ends of the row, Ctrl+Home / Ctrl+End to the ends of the
// matrix, and Enter or Space explains the cell (so does a click).

import { h } from "./h.js";

/** A permission name that may wrap after its underscores (`READ_<wbr>HISTORY`). */
function breakable(name) {
  const parts = name.split("_");
  return parts.flatMap((part, index) => (index < parts.length - 1 ? [`${part}_`, document.createElement("wbr")] : [part]));
}

export function cellKey(section, row, permission) {
  return `${section.type}\u0001${row.key}\u0001${permission}`;
}

/** Every cell of a matrix, in reading order. */
export function cells(sections) {
  const list = [];
  for (const section of sections) {
    for (const row of section.rows) {
      for (const permission of section.permissions) list.push({ key: cellKey(section, row, permission), section, row, permission });
    }
  }
  return list;
}

/**
 * Renders the matrix into `container`. `decision(key)` → { answer: "allow" |
 * "deny" | "error", code? }; `explain(cell)` is called on Enter or click.
 */
export function renderMatrix(container, { sections, decision, who, selected, changed, explain }) {
  const hadFocus = container.contains(document.activeElement);
  const active = container.querySelector('[role="gridcell"][tabindex="0"]')?.dataset.key ?? selected;
  container.replaceChildren();
  if (sections.length === 0) {
    container.append(h("p", { class: "empty", text: "No resources to show: this snapshot has no authorization rows. Add one below." }));
    return;
  }
  let index = 0;
  for (const section of sections) {
    const title = section.bundle ? "Bundles" : section.type;
    const captionId = `grid-${index++}`;
    const table = h("table", { role: "grid", class: "grid", "aria-labelledby": captionId });
    const heading = h("h3", { class: "grid-title", id: captionId },
      h("span", { class: "type", text: title }),
      h("span", { class: "count", "aria-hidden": "true", text: ` ${section.rows.length} × ${section.permissions.length}` }),
    );
    const head = h("tr", { role: "row" },
      h("th", { scope: "col", role: "columnheader", class: "corner", text: section.bundle ? "bundle" : "resource" }),
      section.permissions.map((permission) => h("th", { scope: "col", role: "columnheader" }, breakable(permission))),
    );
    const body = h("tbody");
    for (const row of section.rows) {
      const tr = h("tr", { role: "row" }, h("th", { scope: "row", role: "rowheader", class: row.property ? "property" : undefined, text: row.label }));
      for (const permission of section.permissions) {
        const key = cellKey(section, row, permission);
        const { answer, code } = decision(key);
        const label = answer === "allow" ? "ALLOW" : answer === "deny" ? "deny" : "error";
        const td = h("td", {
          role: "gridcell",
          tabindex: "-1",
          class: `cell ${answer}${changed.has(key) ? " changed" : ""}`,
          "aria-selected": key === selected ? "true" : "false",
          "data-key": key,
          "data-type": section.bundle ? undefined : section.type,
          "data-bundle": row.bundle,
          "data-id": row.resourceId,
          "data-property": row.property,
          "data-group": row.group,
          "data-permission": section.bundle ? undefined : permission,
          "data-decision": answer,
          "data-error": code,
          title: answer === "error" ? code : undefined,
        }, h("span", { class: "mark", "aria-hidden": "true", text: answer === "allow" ? "✓" : answer === "deny" ? "·" : "!" }), h("span", { class: "word", text: label }));
        if (changed.has(key)) td.append(h("span", { class: "visually-hidden", text: " (changed by the last edit)" }));
        tr.append(td);
      }
      body.append(tr);
    }
    table.append(h("thead", {}, head), body);
    const more = section.more > 0 ? h("p", { class: "hint", text: `… and ${section.more} more resources of this type (add one to the matrix by hand to see it).` }) : null;
    container.append(h("div", { class: "grid-block" }, heading, h("div", { class: "grid-scroll" }, table), more));
  }
  const all = [...container.querySelectorAll('[role="gridcell"]')];
  const start = all.find((cell) => cell.dataset.key === active) ?? all[0];
  start.tabIndex = 0;
  if (hadFocus) start.focus();

  container.onclick = (event) => {
    const cell = event.target.closest('[role="gridcell"]');
    if (cell === null) return;
    move(container, cell);
    explain(cell.dataset.key);
  };
  container.onkeydown = (event) => onKey(container, event, explain);
  container.dataset.who = who;
}

function move(container, cell) {
  for (const other of container.querySelectorAll('[role="gridcell"][tabindex="0"]')) other.tabIndex = -1;
  cell.tabIndex = 0;
  cell.focus();
}

function onKey(container, event, explain) {
  const cell = event.target.closest?.('[role="gridcell"]');
  if (cell === null || cell === undefined) return;
  const row = cell.parentElement;
  const column = [...row.children].indexOf(cell); // 1-based among the row's cells (0 is the row header)
  const grids = [...container.querySelectorAll('table[role="grid"]')];
  const table = cell.closest("table");
  const rows = [...table.tBodies[0].rows];
  const rowIndex = rows.indexOf(row);
  let target;
  const inRow = (tr, at) => {
    const gridcells = [...tr.querySelectorAll('[role="gridcell"]')];
    return gridcells[Math.min(Math.max(at, 1), gridcells.length) - 1];
  };
  switch (event.key) {
    case "ArrowRight":
      target = cell.nextElementSibling;
      break;
    case "ArrowLeft":
      target = cell.previousElementSibling?.getAttribute("role") === "gridcell" ? cell.previousElementSibling : null;
      break;
    case "ArrowDown": {
      if (rowIndex < rows.length - 1) target = inRow(rows[rowIndex + 1], column);
      else {
        const next = grids[grids.indexOf(table) + 1];
        if (next !== undefined) target = inRow(next.tBodies[0].rows[0], column);
      }
      break;
    }
    case "ArrowUp": {
      if (rowIndex > 0) target = inRow(rows[rowIndex - 1], column);
      else {
        const previous = grids[grids.indexOf(table) - 1];
        if (previous !== undefined) {
          const last = previous.tBodies[0].rows;
          target = inRow(last[last.length - 1], column);
        }
      }
      break;
    }
    case "Home":
      target = event.ctrlKey ? container.querySelector('[role="gridcell"]') : row.querySelector('[role="gridcell"]');
      break;
    case "End": {
      const scope = event.ctrlKey ? container : row;
      const all = scope.querySelectorAll('[role="gridcell"]');
      target = all[all.length - 1];
      break;
    }
    case "Enter":
    case " ":
      event.preventDefault();
      explain(cell.dataset.key);
      return;
    default:
      return;
  }
  event.preventDefault();
  if (target !== null && target !== undefined) {
    move(container, target);
    target.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
}
