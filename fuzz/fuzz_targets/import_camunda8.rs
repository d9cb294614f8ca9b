//! `scripts/fuzz.sh import_camunda8 SECONDS`: see `writ_conformance::fuzz::import_camunda8`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| writ_conformance::fuzz::import_camunda8(data));
