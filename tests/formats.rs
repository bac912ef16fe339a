//! Known answers and failure vectors for the signed formats: manifests (docs/SPEC.md §3), key records
//! (§3.4) and key files (§4). One file per case in `tests/vectors/formats/`, in the style of age's testkit; the
//! format of the files is in that directory's README.md (and SPEC §7).
//!
//! - `kat-*.txt` are known answers: the key id (§4.1), the signing payload, manifest digest and
//!   Ed25519 signature (§3.2, §3.3), and a secret key file's associated data (§4.4). The expected
//!   values were computed outside this crate (the payloads with Python's `json`, the key ids with
//!   `hashlib`), and the manifests and the encrypted key were written by attest 0.1.0, built on
//!   ed25519-dalek 2, argon2 0.5 and chacha20poly1305 0.10.
//! - `reject-*.txt`, `signature-*.txt` and `accept-*.txt` each name one outcome: `expect: error
//!   <kind>` (the error's `kind()`), `expect: signature <trusted|unknown_key|invalid>` or
//!   `expect: ok`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use attest::canon;
use attest::keys::{IssuerKey, KeyId, SecretKey, TrustStore};
use attest::manifest::{self, Manifest, NewStatement, SignatureStatus, MANIFEST_SIGNING_CONTEXT};
use attest::trust::record::{key_change_payload, revocation_payload};
use attest::trust::KeyRecord;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

/// The harness fails if it finds fewer outcome vectors than this (a directory that lost files, or
/// a pattern that stopped matching, must not pass vacuously).
const MIN_OUTCOME_VECTORS: usize = 95;
/// Likewise for the known-answer files.
const MIN_KNOWN_ANSWERS: usize = 7;

/// One vector file: `key: value` header lines (and `#` comments), then `--- name` sections. A
/// section is the text between its marker line and the next marker (or the end), less one final LF.
struct Vector {
    name: String,
    header: Vec<(String, String)>,
    sections: Vec<(String, String)>,
}

impl Vector {
    fn read(path: &Path) -> Vector {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut header = Vec::new();
        let mut sections: Vec<(String, String)> = Vec::new();
        for line in text.split_inclusive('\n') {
            if let Some(section) = line.strip_prefix("--- ") {
                sections.push((section.trim_end_matches('\n').to_string(), String::new()));
            } else if let Some((_, body)) = sections.last_mut() {
                body.push_str(line);
            } else {
                let line = line.trim_end_matches('\n');
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (key, value) = line
                    .split_once(": ")
                    .unwrap_or_else(|| panic!("{name}: header line {line:?} is not `key: value`"));
                assert!(
                    !header.iter().any(|(k, _)| k == key),
                    "{name}: header key {key} appears twice"
                );
                header.push((key.to_string(), value.to_string()));
            }
        }
        for (_, body) in &mut sections {
            if body.ends_with('\n') {
                body.pop();
            }
        }
        Vector {
            name,
            header,
            sections,
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn header(&self, key: &str) -> &str {
        self.get(key)
            .unwrap_or_else(|| panic!("{}: no `{key}:` header", self.name))
    }

    fn section(&self, name: &str) -> &str {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_str())
            .unwrap_or_else(|| panic!("{}: no `--- {name}` section", self.name))
    }

    /// Fail on header keys or sections this harness does not know (a typo must not silently skip
    /// a check).
    fn only(&self, keys: &[&str], sections: &[&str]) {
        for (k, _) in &self.header {
            assert!(
                keys.contains(&k.as_str()),
                "{}: unknown header key {k}",
                self.name
            );
        }
        for (s, _) in &self.sections {
            assert!(
                sections.contains(&s.as_str()),
                "{}: unknown section {s}",
                self.name
            );
        }
    }
}

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/formats")
}

fn all_vectors() -> Vec<Vector> {
    let mut paths: Vec<PathBuf> = fs::read_dir(vectors_dir())
        .expect("tests/vectors/formats exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths.iter().map(|p| Vector::read(p)).collect()
}

fn known_answers(kind: &str) -> Vec<Vector> {
    all_vectors()
        .into_iter()
        .filter(|v| v.name.starts_with("kat-") && v.get("kind") == Some(kind))
        .collect()
}

/// SHA-256, computed with `sha2` directly (not through attest's digest module).
fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

#[test]
fn every_file_is_a_known_answer_or_names_its_outcome() {
    let vectors = all_vectors();
    let kats = vectors
        .iter()
        .filter(|v| v.name.starts_with("kat-"))
        .count();
    let outcomes = vectors.iter().filter(|v| v.get("expect").is_some()).count();
    assert_eq!(
        kats + outcomes,
        vectors.len(),
        "every file is kat-* or has an `expect:` header"
    );
    assert!(kats >= MIN_KNOWN_ANSWERS, "only {kats} known-answer files");
    assert!(
        outcomes >= MIN_OUTCOME_VECTORS,
        "only {outcomes} outcome vectors, expected at least {MIN_OUTCOME_VECTORS}"
    );
    for v in &vectors {
        let prefix_ok = ["kat-", "accept-", "reject-", "signature-"]
            .iter()
            .any(|p| v.name.starts_with(p));
        assert!(prefix_ok, "{}: unknown file name prefix", v.name);
        if v.name.starts_with("accept-") {
            assert!(
                matches!(v.get("expect"), Some("ok" | "signature trusted")),
                "{}: accept-* expects success",
                v.name
            );
        }
        if v.name.starts_with("reject-") {
            assert!(
                v.get("expect").is_some_and(|e| e.starts_with("error ")),
                "{}: reject-* expects an error",
                v.name
            );
        }
    }
}

/// §4.1: key id = first 8 bytes of SHA-256("attest/v1 key-id" || 0x00 || A), 16 lowercase hex.
#[test]
fn key_ids_are_known_answers() {
    let kats = known_answers("key-id");
    assert!(kats.len() >= 2);
    for v in kats {
        v.only(&["kind", "seed", "public-key", "key-id"], &[]);
        let mut seed = [0u8; 32];
        hex::decode_to_slice(v.header("seed"), &mut seed).unwrap();
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
        assert_eq!(
            BASE64.encode(public.as_bytes()),
            v.header("public-key"),
            "{}: public key of the seed",
            v.name
        );
        let expected = v.header("key-id");
        assert_eq!(KeyId::of(&public).to_string(), expected, "{}", v.name);
        // The oracle: the spec's formula, spelled out.
        let mut input = b"attest/v1 key-id\0".to_vec();
        input.extend_from_slice(public.as_bytes());
        assert_eq!(hex::encode(&sha256(&input)[..8]), expected, "{}", v.name);
        assert_eq!(
            expected.parse::<KeyId>().unwrap().to_string(),
            expected,
            "{}: the text form round-trips",
            v.name
        );
    }
}

/// §3.2 and §3.3: the exact signing payload, the manifest digest and the (deterministic) Ed25519
/// signature of fixed manifests; signing the same statement again reproduces the file exactly.
#[test]
fn manifest_payloads_digests_and_signatures_are_known_answers() {
    let kats = known_answers("manifest");
    assert!(kats.len() >= 2);
    for v in kats {
        v.only(
            &["kind", "label", "digest", "signature"],
            &["key", "statement", "manifest", "payload"],
        );
        let name = &v.name;
        assert_eq!(v.header("label"), MANIFEST_SIGNING_CONTEXT);
        let key = SecretKey::parse(v.section("key"), "key", None).unwrap();
        let m = Manifest::parse(v.section("manifest").as_bytes()).unwrap();

        let mut expected_payload = MANIFEST_SIGNING_CONTEXT.as_bytes().to_vec();
        expected_payload.push(0);
        expected_payload.extend_from_slice(v.section("payload").as_bytes());
        let payload = manifest::signing_payload(m.wire()).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&payload),
            String::from_utf8_lossy(&expected_payload),
            "{name}: signing payload"
        );
        assert_eq!(payload, expected_payload, "{name}: signing payload bytes");

        let digest = format!("sha256:{}", hex::encode(sha256(&expected_payload)));
        assert_eq!(digest, v.header("digest"), "{name}: digest of the payload");
        assert_eq!(m.digest().to_string(), digest, "{name}: manifest digest");

        let signature = BASE64.encode(key.sign(&payload).to_bytes());
        assert_eq!(signature, v.header("signature"), "{name}: signature");
        assert_eq!(
            BASE64.encode(m.signatures()[0].signature.to_bytes()),
            signature,
            "{name}: the manifest carries that signature"
        );
        assert!(m.signed_by(&key.public().key), "{name}: it verifies");

        // Sign the statement again: Ed25519 is deterministic, and so is everything else.
        let statement = v.section("statement");
        let canonical = canon::canonicalize(statement);
        let st = &m.wire().statement;
        let again = manifest::sign_statement(
            &key,
            &NewStatement {
                bytes: statement.as_bytes(),
                canonical: &canonical,
                title: st.title.clone(),
                date: st.date.clone(),
                languages: st.languages.clone(),
                file_name: st.file_name.clone(),
            },
            m.seq(),
            m.prev(),
        )
        .unwrap();
        assert_eq!(again.to_json(), v.section("manifest"), "{name}: re-signed");

        let mut trust = TrustStore::default();
        trust.add(key.public(), "key.pub".into()).unwrap();
        assert!(m.assess(&trust).issuer_signed, "{name}: trusted");
        assert!(m.content_problems().is_empty(), "{name}: content");
    }
}

/// §4.4: the associated data of an encrypted secret key file, and (as an oracle independent of
/// attest's key code) its decryption with argon2 and chacha20poly1305 directly.
#[test]
fn secret_key_associated_data_is_a_known_answer() {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};

    let kats = known_answers("secret-key");
    assert!(!kats.is_empty());
    for v in kats {
        v.only(&["kind", "passphrase"], &["key", "associated-data"]);
        let name = &v.name;
        let file = v.section("key");
        let aad = v.section("associated-data");
        assert_eq!(
            SecretKey::associated_data(file, "key").unwrap().as_deref(),
            Some(aad),
            "{name}: associated data"
        );

        let json: serde_json::Value = serde_json::from_str(file).unwrap();
        let enc = &json["encryption"];
        let number = |k: &str| u32::try_from(enc[k].as_u64().unwrap()).unwrap();
        let b64 = |s: &serde_json::Value| BASE64.decode(s.as_str().unwrap()).unwrap();
        let params = argon2::Params::new(
            number("m_cost_kib"),
            number("t_cost"),
            number("p_cost"),
            Some(32),
        )
        .unwrap();
        let mut kek = [0u8; 32];
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password_into(
                v.header("passphrase").as_bytes(),
                &b64(&enc["salt"]),
                &mut kek,
            )
            .unwrap();
        let nonce: [u8; 12] = b64(&enc["nonce"]).try_into().unwrap();
        let seed = chacha20poly1305::ChaCha20Poly1305::new((&kek).into())
            .decrypt(
                (&nonce).into(),
                Payload {
                    msg: &b64(&json["secret"]),
                    aad: aad.as_bytes(),
                },
            )
            .expect("the oracle decrypts with this associated data");
        let seed: [u8; 32] = seed.try_into().unwrap();
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
        assert_eq!(
            BASE64.encode(public.as_bytes()),
            json["public_key"].as_str().unwrap(),
            "{name}: the seed belongs to the file's public key"
        );

        let key = SecretKey::parse(file, "key", Some(v.header("passphrase"))).unwrap();
        assert_eq!(
            key.public().key,
            public,
            "{name}: attest decrypts the same seed"
        );
    }
}

/// What attest concludes about a vector's input, in the `expect:` header's words.
fn outcome(v: &Vector) -> String {
    let input = v.section("input");
    let kind = v.header("input");
    match kind {
        "manifest" => {
            v.only(&["input", "expect", "trust"], &["input"]);
            match Manifest::parse(input.as_bytes()) {
                Err(e) => format!("error {}", e.kind()),
                Ok(m) => {
                    let mut trust = TrustStore::default();
                    if let Some(line) = v.get("trust") {
                        trust
                            .add(IssuerKey::parse(line, "trust").unwrap(), "trust".into())
                            .unwrap();
                    }
                    let checks = m.check_signatures(&trust);
                    assert_eq!(checks.len(), 1, "{}: one signature per vector", v.name);
                    match &checks[0].status {
                        SignatureStatus::Trusted { .. } => "signature trusted".into(),
                        SignatureStatus::UnknownKey => "signature unknown_key".into(),
                        SignatureStatus::Invalid => "signature invalid".into(),
                    }
                }
            }
        }
        "public-key" => {
            v.only(&["input", "expect"], &["input"]);
            match IssuerKey::parse(input, &v.name) {
                Ok(_) => "ok".into(),
                Err(e) => format!("error {}", e.kind()),
            }
        }
        "secret-key" => {
            v.only(&["input", "expect", "passphrase"], &["input"]);
            match SecretKey::parse(input, &v.name, v.get("passphrase")) {
                Ok(_) => "ok".into(),
                Err(e) => format!("error {}", e.kind()),
            }
        }
        "revocation" | "key-change" => {
            v.only(&["input", "expect"], &["input"]);
            match (kind, KeyRecord::parse(input.as_bytes())) {
                (_, Err(e)) => format!("error {}", e.kind()),
                ("revocation", Ok(KeyRecord::Revocation(r))) => {
                    let valid = r.signed_by(r.key());
                    format!("signature {}", if valid { "valid" } else { "invalid" })
                }
                ("key-change", Ok(KeyRecord::KeyChange(c))) => {
                    let valid = c.signed_by_old_key();
                    format!("signature {}", if valid { "valid" } else { "invalid" })
                }
                (_, Ok(_)) => "a record of the other kind".into(),
            }
        }
        other => panic!("{}: unknown input kind {other}", v.name),
    }
}

/// §3.4: a key record's payload is label || 0x00 || JCS(record without `signatures`); the known
/// answers were computed with Python's `json` and their signatures checked with `cryptography`.
#[test]
fn key_record_payloads_and_signatures_are_known_answers() {
    let mut seen = 0;
    for kind in ["revocation", "key-change"] {
        for v in known_answers(kind) {
            v.only(
                &["kind", "label", "sha256", "signature"],
                &["record", "payload"],
            );
            let name = &v.name;
            let record = KeyRecord::parse(v.section("record").as_bytes())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut expected = v.header("label").as_bytes().to_vec();
            expected.push(0);
            expected.extend_from_slice(v.section("payload").as_bytes());
            let (payload, signature, key) = match &record {
                KeyRecord::Revocation(r) => {
                    assert_eq!(kind, "revocation", "{name}");
                    (
                        revocation_payload(r.wire()).unwrap(),
                        r.wire().signatures[0].signature.clone(),
                        *r.key(),
                    )
                }
                KeyRecord::KeyChange(c) => {
                    assert_eq!(kind, "key-change", "{name}");
                    (
                        key_change_payload(c.wire()).unwrap(),
                        c.wire().signatures[0].signature.clone(),
                        *c.old(),
                    )
                }
            };
            assert_eq!(payload, expected, "{name}: payload");
            assert_eq!(hex::encode(sha256(&payload)), v.header("sha256"), "{name}");
            assert_eq!(signature, v.header("signature"), "{name}: signature");
            let bytes: [u8; 64] = BASE64.decode(&signature).unwrap().try_into().unwrap();
            let sig = ed25519_dalek::Signature::from_bytes(&bytes);
            assert!(key.verify_strict(&expected, &sig).is_ok(), "{name}");
            // attest writes the record byte for byte as stored.
            assert_eq!(
                record.to_json(),
                format!("{}\n", v.section("record")),
                "{name}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 2, "one known answer per kind of key record");
}

/// The vectors whose outcome differs from their `expect:` header, with what was found.
fn mismatches(vectors: &[Vector]) -> Vec<String> {
    vectors
        .iter()
        .filter_map(|v| {
            let found = outcome(v);
            let expected = v.header("expect");
            (found != expected).then(|| format!("{}: expected `{expected}`, got `{found}`", v.name))
        })
        .collect()
}

#[test]
fn every_vector_gets_the_outcome_it_names() {
    let vectors: Vec<Vector> = all_vectors()
        .into_iter()
        .filter(|v| v.get("expect").is_some())
        .collect();
    assert!(vectors.len() >= MIN_OUTCOME_VECTORS);
    let wrong = mismatches(&vectors);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_harness_notices_a_wrong_expectation() {
    // Guard against a harness that compares nothing: flip each kind of expectation once.
    let mut vectors: Vec<Vector> = all_vectors()
        .into_iter()
        .filter(|v| {
            [
                "reject-manifest-written-as-json-array.txt",
                "signature-with-one-bit-flipped-is-invalid.txt",
                "accept-public-key-one-line.txt",
            ]
            .contains(&v.name.as_str())
        })
        .collect();
    assert_eq!(vectors.len(), 3);
    for v in &mut vectors {
        for (k, value) in &mut v.header {
            if k == "expect" {
                *value = "error unknown_field".into();
            }
        }
    }
    assert_eq!(mismatches(&vectors).len(), 3);
}

/// Every rejection rule of the manifest and key file formats has a vector of its own.
#[test]
fn every_format_rule_has_a_vector() {
    let named: BTreeSet<(String, String)> = all_vectors()
        .iter()
        .filter_map(|v| {
            let expect = v.get("expect")?.strip_prefix("error ")?;
            Some((v.header("input").to_string(), expect.to_string()))
        })
        .collect();
    let manifest_rules = [
        "json_syntax",
        "not_an_object",
        "unknown_field",
        "missing_field",
        "duplicate_field",
        "digest_syntax",
        "wrong_type",
        "unknown_format",
        "issuer",
        "seq_out_of_range",
        "first_has_prev",
        "missing_prev",
        "date",
        "file_name",
        "title",
        "language",
        "unknown_canon_version",
        "no_paragraphs",
        "bad_paragraph",
        "paragraph_digest_count",
        "no_cosigners",
        "too_many_cosigners",
        "cosigner_issuer",
        "cosigner_key_id",
        "cosigner_seq",
        "cosigner_prev",
        "cosigner_is_issuer",
        "duplicate_cosigner",
        "no_signatures",
        "public_key_base64",
        "public_key_length",
        "public_key_not_a_point",
        "weak_public_key",
        "key_id_syntax",
        "key_id_mismatch",
        "signature_encoding",
        "duplicate_signer",
        "too_many_signatures",
        "number_too_large",
    ];
    let public_key_rules = [
        "unknown_form",
        "one_line_shape",
        "json_syntax",
        "unknown_field",
        "duplicate_field",
        "unknown_format",
        "issuer",
        "public_key_base64",
        "public_key_length",
        "public_key_not_a_point",
        "weak_public_key",
        "key_id_syntax",
        "key_id_mismatch",
    ];
    let secret_key_rules = [
        "public_given_for_secret",
        "not_an_object",
        "missing_field",
        "wrong_type",
        "encoding",
        "no_passphrase",
        "unsupported_encryption",
        "kdf_params",
        "decrypt",
        "secret_mismatch",
    ];
    let revocation_rules = [
        "json_syntax",
        "not_an_object",
        "unknown_field",
        "missing_field",
        "duplicate_field",
        "wrong_type",
        "unknown_format",
        "issuer",
        "public_key_base64",
        "public_key_length",
        "public_key_not_a_point",
        "weak_public_key",
        "key_id_syntax",
        "key_id_mismatch",
        "seq_out_of_range",
        "reason",
        "no_signatures",
        "too_many_signatures",
        "duplicate_signer",
        "signature_encoding",
    ];
    let key_change_rules = ["same_key", "seq_out_of_range", "key_id_mismatch"];
    let mut missing = Vec::new();
    for (input, rules) in [
        ("manifest", &manifest_rules[..]),
        ("public-key", &public_key_rules[..]),
        ("secret-key", &secret_key_rules[..]),
        ("revocation", &revocation_rules[..]),
        ("key-change", &key_change_rules[..]),
    ] {
        for rule in rules {
            if !named.contains(&(input.to_string(), rule.to_string())) {
                missing.push(format!("{input}: {rule}"));
            }
        }
    }
    assert!(missing.is_empty(), "no vector for: {}", missing.join(", "));
}
