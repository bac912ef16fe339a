//! Attacks from a review that held up (see the review report): each test pins behaviour that is
//! correct today, so that it stays so.
//!
//! - the trust store location never falls back to a relative XDG_CONFIG_HOME or an empty
//!   ATTEST_KEYS;
//! - manifests written as JSON arrays, or with nested structs written as arrays, next to the
//!   genuine manifest neither hide it nor are taken for manifests;
//! - a forged manifest that names the signer's key id at a higher seq neither moves nor blocks
//!   the chain when signing into a directory archive.

mod common;
use common::signed;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use attest::{
    Destination, MemoryArchive, ReceivedCopy, SecretKey, SignRequest, TrustStore, Verdict,
    VerifyOptions,
};

const ISSUER: &str = "Lantern Lawyers Group";

const TEXT: &str = "Statement on the detention of lawyers\n\n\
We call for the immediate release of the lawyers Wen Shuhan and Qi Zhengyang, detained on \
3 March 2026 without charge.\n\n\
联署人：\n王力\n宏伟\n\n\
Contact: Alice Wong, +852 5550 0117\n";

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| OsString::from(*v))
    }
}

#[test]
fn trust_store_location_skips_empty_attest_keys_and_relative_xdg() {
    let dir = |vars: &[(&str, &str)]| attest::keys::user_trust_store_dir(env(vars)).unwrap();
    assert_eq!(
        dir(&[("ATTEST_KEYS", ""), ("HOME", "/home/u")]),
        PathBuf::from("/home/u/.config/attest/keys")
    );
    for relative in [".", "keys", "./config", ""] {
        assert_eq!(
            dir(&[("XDG_CONFIG_HOME", relative), ("HOME", "/home/u")]),
            PathBuf::from("/home/u/.config/attest/keys"),
            "XDG_CONFIG_HOME={relative:?}"
        );
    }
    assert_eq!(
        dir(&[("XDG_CONFIG_HOME", "/cfg"), ("HOME", "/home/u")]),
        PathBuf::from("/cfg/attest/keys")
    );
    assert!(attest::keys::user_trust_store_dir(env(&[("ATTEST_KEYS", "")])).is_err());
}

#[test]
fn array_shaped_manifests_beside_the_genuine_one_change_nothing() {
    let key = SecretKey::generate(ISSUER).unwrap();
    let genuine = signed(&key, TEXT, 1, None);
    let value: serde_json::Value = serde_json::from_str(&genuine.to_json()).unwrap();
    let mut archive = MemoryArchive::new("memory");
    archive.insert("lantern/000001.json", genuine.to_json());
    // The whole manifest as an array of its members' values.
    let fields: Vec<serde_json::Value> = [
        "format",
        "issuer",
        "seq",
        "prev",
        "statement",
        "canonical",
        "signatures",
    ]
    .iter()
    .map(|f| value[f].clone())
    .collect();
    archive.insert("forged/array.json", serde_json::to_vec(&fields).unwrap());
    // Nested structs as arrays, at a higher seq, same digests and key id.
    let mut nested = value.clone();
    nested["seq"] = 2.into();
    nested["statement"] = serde_json::Value::Array(
        value["statement"]
            .as_object()
            .unwrap()
            .values()
            .cloned()
            .collect(),
    );
    archive.insert("forged/nested.json", serde_json::to_vec(&nested).unwrap());
    let mut sigs = value.clone();
    sigs["seq"] = 3.into();
    sigs["signatures"] = serde_json::json!([[
        value["signatures"][0]["key_id"],
        value["signatures"][0]["public_key"],
        value["signatures"][0]["signature"]
    ]]);
    archive.insert("forged/sigs.json", serde_json::to_vec(&sigs).unwrap());

    let mut trust = TrustStore::default();
    trust.add(key.public(), PathBuf::from("l.pub")).unwrap();
    let copy = ReceivedCopy::from_bytes("copy.txt", TEXT.as_bytes()).unwrap();
    let report = attest::verify(&copy, &archive, &trust, &VerifyOptions::default()).unwrap();
    assert_eq!(report.verdict, Verdict::Exact);
    assert_eq!(report.issuer.as_deref(), Some(ISSUER));
    assert_eq!(report.manifest.unwrap().path, "lantern/000001.json");
    assert_eq!(report.signers, vec![ISSUER.to_string()]);
    assert!(
        report.other_matches.is_empty(),
        "{:?}",
        report.other_matches
    );
}

fn sign_into(key: &SecretKey, text: &str, archive: &Path, title: &str) -> attest::Signed {
    let request = SignRequest {
        bytes: text.as_bytes(),
        name: "statement.txt",
        file_name: Some("statement.txt".into()),
        title: Some(title.into()),
        date: Some("2026-04-01".into()),
        languages: Vec::new(),
        allow_suspicious: false,
        destination: Destination::Archive,
    };
    std::fs::create_dir_all(archive).unwrap();
    attest::sign(key, &request, archive, None).unwrap()
}

#[test]
fn a_forged_head_naming_our_key_id_neither_moves_nor_blocks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    let key = SecretKey::generate(ISSUER).unwrap();
    let first = sign_into(&key, TEXT, &root, "first");
    assert_eq!(first.manifest.seq(), 1);
    // A copy of the genuine manifest moved to seq 7 (its signature no longer verifies), and
    // another at seq 9 whose statement is an array: both name our key id.
    let value: serde_json::Value = serde_json::from_str(&first.manifest.to_json()).unwrap();
    let mut forged = value.clone();
    forged["seq"] = 7.into();
    forged["prev"] = first.manifest.digest().to_string().into();
    std::fs::create_dir_all(root.join("forged")).unwrap();
    std::fs::write(
        root.join("forged/000007.json"),
        serde_json::to_vec(&forged).unwrap(),
    )
    .unwrap();
    let mut arrayed = forged.clone();
    arrayed["seq"] = 9.into();
    arrayed["statement"] = serde_json::json!([value["statement"]["exact_digest"]]);
    std::fs::write(
        root.join("forged/000009.json"),
        serde_json::to_vec(&arrayed).unwrap(),
    )
    .unwrap();
    let second = sign_into(&key, "A second statement.\n", &root, "second");
    assert_eq!(second.manifest.seq(), 2);
    assert_eq!(second.manifest.prev(), Some(first.manifest.digest()));
    assert!(
        second.warnings.iter().any(|w| matches!(
            w,
            attest::SignWarning::SkippedArchiveFile { path, .. } if path.ends_with("forged/000007.json")
        )),
        "{:?}",
        second.warnings
    );
}
