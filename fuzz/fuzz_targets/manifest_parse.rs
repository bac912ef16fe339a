//! Fuzz target `manifest_parse`: the checks of `checks::manifest_parse` (tests/fuzz_checks/mod.rs) on every input.
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::manifest_parse(data));
