//! Helpers shared by the integration tests that drive the library directly.

use attest::manifest::{sign_statement, NewStatement};

#[allow(dead_code)]
pub mod letters;
use attest::{Manifest, SecretKey};

/// A manifest of `text` signed by `key` at `seq` after `prev`, titled "Statement SEQ".
pub fn signed(key: &SecretKey, text: &str, seq: u64, prev: Option<&Manifest>) -> Manifest {
    let canonical = attest::canon::canonicalize(text);
    let statement = NewStatement {
        bytes: text.as_bytes(),
        canonical: &canonical,
        title: format!("Statement {seq}"),
        date: "2026-03-08".into(),
        languages: vec!["en".into(), "zh".into()],
        file_name: format!("statement-{seq}.txt"),
    };
    sign_statement(key, &statement, seq, prev.map(Manifest::digest)).unwrap()
}
