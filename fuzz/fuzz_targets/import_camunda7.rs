//! `scripts/fuzz.sh import_camunda7 SECONDS`: see `writ_conformance::fuzz::import_camunda7`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| writ_conformance::fuzz::import_camunda7(data));
