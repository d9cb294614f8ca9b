//! `scripts/fuzz.sh snapshot SECONDS`: see `writ_conformance::fuzz::snapshot`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| writ_conformance::fuzz::snapshot(data));
