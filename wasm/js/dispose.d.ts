
// The generated classes declare `[Symbol.dispose]()`. `Symbol.dispose` is in
// TypeScript's `esnext.disposable` lib (and `es2025`/`esnext`), which a default
// `--strict` setup (`lib` from `target` es2022) lacks: declared here too, so the
// types compile without `skipLibCheck` under any lib; the declarations merge.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
