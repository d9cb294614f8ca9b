//! `scripts/fuzz.sh json SECONDS`: see `writ_conformance::fuzz::json`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| writ_conformance::fuzz::json(data));
