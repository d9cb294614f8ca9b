//! `scripts/fuzz.sh compiled SECONDS`: see `writ_conformance::fuzz::compiled`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| writ_conformance::fuzz::compiled(data));
