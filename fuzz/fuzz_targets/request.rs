//! `scripts/fuzz.sh request SECONDS`: see `writ_conformance::fuzz::request`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| writ_conformance::fuzz::request(data));
