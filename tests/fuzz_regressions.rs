//! Inputs found by the fuzz targets (`fuzz/`), replayed on stable Rust.
//!
//! Each directory under `tests/fuzz-regressions/` is named after a fuzz target and holds inputs for
//! it: a few seeds, so the test is never vacuous, and every minimized crash the target found (named
//! after the story of the bug). Each input is run through the same check function the fuzz target
//! uses (`tests/fuzz_checks/mod.rs`), so a fixed bug stays fixed.

mod fuzz_checks;

use std::panic;
use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Run `target`'s check on every input in its directory; report every failing file by name.
fn replay(target: &str) {
    let (_, check) = fuzz_checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .expect("a known target");
    let files = inputs(target);
    assert!(
        !files.is_empty(),
        "tests/fuzz-regressions/{target}/ holds no inputs"
    );
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).expect("readable input");
            panic::catch_unwind(|| check(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{target} fails on {failed:#?}");
}

#[test]
fn every_fuzz_target_has_a_regression_directory() {
    for (target, _) in fuzz_checks::TARGETS {
        assert!(!inputs(target).is_empty(), "no inputs for {target}");
    }
}

#[test]
fn decode_inputs_found_by_fuzzing() {
    replay("decode");
}

#[test]
fn canonicalize_inputs_found_by_fuzzing() {
    replay("canonicalize");
}

#[test]
fn manifest_parse_inputs_found_by_fuzzing() {
    replay("manifest_parse");
}

#[test]
fn key_parse_inputs_found_by_fuzzing() {
    replay("key_parse");
}

#[test]
fn diff_inputs_found_by_fuzzing() {
    replay("diff");
}

#[test]
fn verify_inputs_found_by_fuzzing() {
    replay("verify");
}

#[test]
fn index_segment_inputs_found_by_fuzzing() {
    replay("index_segment");
}
