//! `scripts/fuzz.sh import_emporix SECONDS`: see `writ_conformance::fuzz::import_emporix`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| writ_conformance::fuzz::import_emporix(data));
