//! The conformance suite: vector files (`tests/vectors/**.json`), the code that
//! runs them against the indexed evaluator, and a naive reference evaluator
//! written straight from `SEMANTICS.md` to check the fast one.
//!
//! Every runtime (native, the JavaScript package, the wasmtime guest) runs the
//! same vector files and must give the same answers, case by case.

pub mod diff;
pub mod fuzz;
pub mod mutate;
pub mod reference;
pub mod vector;
