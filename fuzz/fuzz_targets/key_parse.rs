//! Fuzz target `key_parse`: the checks of `checks::key_parse` (tests/fuzz_checks/mod.rs) on every input.
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::key_parse(data));
