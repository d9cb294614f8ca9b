// `import wasmUrl from "writ/writ_bg.wasm"`: what a bundler's asset handling
// gives for the module file (esbuild `--loader:.wasm=file`, webpack 5
// `type: "asset/resource"`): its URL, relative to the bundle (esbuild) or
// absolute (webpack). Hand it to `init({ module_or_path: new URL(wasmUrl, import.meta.url) })`.
declare const wasmUrl: string;
export default wasmUrl;
