// Node entry: compiles and instantiates the module at import, synchronously, so
// `import { Authorizer } from "writ"` is ready to use. Everything else is writ.js.
import { readFileSync } from "node:fs";
import { initSync } from "./writ.js";
import "./fast.js";

initSync({ module: readFileSync(new URL("./writ_bg.wasm", import.meta.url)) });

export * from "./writ.js";
export { default } from "./writ.js";
