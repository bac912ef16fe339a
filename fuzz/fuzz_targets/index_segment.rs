//! Fuzz target `index_segment`: the checks of `checks::index_segment` (tests/fuzz_checks/mod.rs) on every input.
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::index_segment(data));
