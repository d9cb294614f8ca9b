// Workers entry (Cloudflare Workers, workerd): compiling wasm from bytes is
// forbidden there, so the runtime hands us the precompiled WebAssembly.Module
// that the `.wasm` import yields, and we instantiate it at import.
import module from "./writ_bg.wasm";
import { initSync } from "./writ.js";
import "./fast.js";

initSync({ module });

export * from "./writ.js";
export { default } from "./writ.js";
