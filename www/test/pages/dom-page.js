// The writ/dom test page: the package's browser entry and writ/dom, loaded
// through an import map; the test drives them with page.evaluate.
import init, { Authorizer } from "writ";
import { gate } from "writ/dom";

await init();

/** Loads a demo organisation, optionally without some of its rows. */
async function load(file, { withoutRows = [] } = {}) {
  const document = await (await fetch(`/examples/${file}`)).json();
  document.authorizations = (document.authorizations ?? []).filter((row) => !withoutRows.includes(row.id));
  return Authorizer.fromJson(document);
}

window.t = { Authorizer, gate, load };
document.body.dataset.ready = "true";
