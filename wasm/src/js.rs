//! The JavaScript built-ins the binding calls, declared here rather than taken
//! from js-sys: linking any of js-sys brought 43 closure shims into the package
//! (2 KB) for the four functions below.

use alloc::vec::Vec;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, catch)]
    pub(crate) fn parse(text: &str) -> Result<JsValue, JsValue>;

    /// `Reflect.set`: defines a string property.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set, catch)]
    pub(crate) fn set_property(target: &JsValue, key: &str, value: &str) -> Result<bool, JsValue>;

    /// A JavaScript `Error`.
    #[derive(Debug)]
    pub(crate) type Error;

    #[wasm_bindgen(constructor)]
    pub(crate) fn new(message: &str) -> Error;

    /// A `Uint8Array`, or (through `Uint8Array`'s `instanceof`) nothing else.
    #[derive(Debug)]
    pub(crate) type Uint8Array;

    /// The bytes, copied into wasm memory once (`subarray()` is a view).
    #[wasm_bindgen(method, js_name = subarray)]
    pub(crate) fn bytes(this: &Uint8Array) -> Vec<u8>;
}
