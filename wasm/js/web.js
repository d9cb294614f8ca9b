// Browser and bundler entry: the wasm-bindgen module (initialise it with the
// default export, `await init()`, or `initSync({ module })`) plus the fast path.
import "./fast.js";

export * from "./writ.js";
export { default } from "./writ.js";
