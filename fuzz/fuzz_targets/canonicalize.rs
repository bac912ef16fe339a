//! Fuzz target `canonicalize`: the checks of `checks::canonicalize` (tests/fuzz_checks/mod.rs) on every input.
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::canonicalize(data));
