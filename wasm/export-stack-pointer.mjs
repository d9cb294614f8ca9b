// Build step (wasm/build.sh): exports the module's stack pointer global as
// `__writ_stack_pointer`, so that js/fast.js can put it back after a trap.
//
// Rust keeps its shadow stack in linear memory, below a mutable global
// (`__stack_pointer`) that every function moves down on entry and back up on
// return. A trap returns to JavaScript without those returns: the global stays
// where the trapping call left it, and after enough traps the stack runs out
// ("memory access out of bounds" from any call, even `free()`). Restoring it
// makes a trap cost only the call that trapped. wasm-bindgen does not export
// the global, so this script adds the export by the global's name (from the
// name section wasm-bindgen keeps; wasm-opt strips names afterwards).
//
// Usage: node export-stack-pointer.mjs IN.wasm OUT.wasm
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node export-stack-pointer.mjs IN.wasm OUT.wasm");
  process.exit(2);
}
const bytes = readFileSync(input);
const EXPORT_NAME = "__writ_stack_pointer";
const GLOBAL_NAMES = 7; // the name section's subsection of global names

function leb(at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, at];
  }
}

function encodeLeb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function name(at) {
  const [length, start] = leb(at);
  return [new TextDecoder().decode(bytes.subarray(start, start + length)), start + length];
}

// The sections: [id, payload start, payload end, section start].
const sections = [];
for (let at = 8; at < bytes.length; ) {
  const id = bytes[at];
  const [size, start] = leb(at + 1);
  sections.push([id, start, start + size, at]);
  at = start + size;
}

// The index of the global named `__stack_pointer`.
let stackPointer;
for (const [id, start, end] of sections) {
  if (id !== 0) continue;
  const [section, after] = name(start);
  if (section !== "name") continue;
  for (let at = after; at < end; ) {
    const kind = bytes[at];
    const [size, body] = leb(at + 1);
    if (kind === GLOBAL_NAMES) {
      let [count, next] = leb(body);
      for (; count > 0; count--) {
        const [index, afterIndex] = leb(next);
        const [global, afterName] = name(afterIndex);
        if (global === "__stack_pointer") stackPointer = index;
        next = afterName;
      }
    }
    at = body + size;
  }
}
if (stackPointer === undefined) {
  console.error(`${input}: no global named __stack_pointer in the name section`);
  process.exit(1);
}

const exports = sections.find(([id]) => id === 7);
if (!exports) {
  console.error(`${input}: no export section`);
  process.exit(1);
}
const [, start, end, sectionStart] = exports;
const [count, entries] = leb(start);
const entry = [...encodeLeb(EXPORT_NAME.length), ...new TextEncoder().encode(EXPORT_NAME), 0x03, ...encodeLeb(stackPointer)];
const payload = [...encodeLeb(count + 1), ...bytes.subarray(entries, end), ...entry];
const patched = Buffer.concat([
  bytes.subarray(0, sectionStart),
  Buffer.from([7, ...encodeLeb(payload.length), ...payload]),
  bytes.subarray(end),
]);
writeFileSync(output, patched);
console.log(`exported global ${stackPointer} (__stack_pointer) as ${EXPORT_NAME}`);
