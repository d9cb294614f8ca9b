//! `scripts/fuzz.sh signature SECONDS`: see `writ_conformance::fuzz::signature`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| writ_conformance::fuzz::signature(data));
