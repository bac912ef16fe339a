//! The properties the fuzz targets check, one function per target. Shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/*.rs` include this file with `#[path]`) and by the stable regression test
//! (`tests/fuzz_regressions.rs`), so that a minimized crash committed under `tests/fuzz-regressions/`
//! is checked by exactly the code that found it.
//!
//! Every function takes arbitrary bytes and panics when a property fails. None of them may panic for
//! any other reason: a panic inside attest is a bug too.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use attest::canon::{self, reference};
use attest::diff;
use attest::digest::Digest;
use attest::input::{self, InputError};
use attest::keys::{IssuerKey, SecretKey, TrustStore};
use attest::manifest::{self, Manifest, NewStatement};
use attest::report::Verdict;
use attest::{MemoryArchive, ReceivedCopy, VerifyOptions};

/// A check: panics when a property fails for this input.
pub type Check = fn(&[u8]);

/// Every target, by the name of its fuzz target and of its directory under `tests/fuzz-regressions/`.
pub const TARGETS: &[(&str, Check)] = &[
    ("decode", decode),
    ("canonicalize", canonicalize),
    ("manifest_parse", manifest_parse),
    ("key_parse", key_parse),
    ("diff", diff),
    ("verify", verify),
    ("index_segment", index_segment),
];

/// `decode` and `decode_utf8` never panic, their errors point inside the input, and a decoded text
/// canonicalizes (fast and full paths agreeing).
pub fn decode(data: &[u8]) {
    let decoded = input::decode(data, "fuzz input");
    match &decoded {
        Ok(d) => {
            assert!(!d.text.contains('\0'), "a decoded text holds U+0000");
            check_canonical(&d.text);
            let c = d.canonicalize();
            assert_eq!(c.layout.encoding, d.encoding);
            if let Some(q) = input::email::quotation(&d.text) {
                let (first, last) = q.lines;
                let lines = d.text.split('\n').count();
                assert!(
                    1 <= first && first <= last && last <= lines,
                    "quotation lines out of range"
                );
                check_canonical(&q.quoted);
                check_canonical(&q.outside);
            }
        }
        Err(e) => check_error_offset(e, data),
    }
    match input::decode_utf8(data, "fuzz input") {
        Ok(d) => {
            assert_eq!(d.encoding, "UTF-8");
            let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
            assert_eq!(d.bom, body.len() != data.len());
            assert_eq!(
                d.text.as_bytes(),
                body,
                "decode_utf8 changed the text of valid UTF-8"
            );
            // What may be signed is also read back by verify as the same text.
            let as_copy = decoded
                .as_ref()
                .expect("decode_utf8 accepted what decode refused");
            assert_eq!(
                as_copy, &d,
                "decode and decode_utf8 read the same bytes differently"
            );
        }
        Err(e) => check_error_offset(&e, data),
    }
}

fn check_error_offset(e: &InputError, data: &[u8]) {
    match e {
        InputError::Binary { offset, .. } => {
            assert!(*offset < data.len(), "Binary offset past the end");
            assert_eq!(
                data[*offset], 0,
                "Binary offset does not point at a NUL byte"
            );
        }
        InputError::Undecodable { offset, .. } | InputError::UnknownEncoding { offset, .. } => {
            assert!(
                *offset < data.len(),
                "error offset past the end of the input"
            );
        }
        _ => {}
    }
}

/// On UTF-8 input: `canonicalize` and `summarize` (fast path or full algorithm) give exactly what
/// the spec-literal reference canonicalizer gives, and canonicalization is idempotent.
pub fn canonicalize(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_canonical(text);
}

fn check_canonical(text: &str) -> canon::Canonical {
    let c = canon::canonicalize(text);
    let s = canon::summarize(text);
    assert_eq!(
        s.digest, c.digest,
        "summarize and canonicalize disagree on the digest"
    );
    assert_eq!(
        s.paragraph_count,
        c.paragraphs().count(),
        "summarize and canonicalize disagree on the paragraph count"
    );
    assert_eq!(
        s.layout, c.layout,
        "summarize and canonicalize disagree on the layout"
    );
    assert_eq!(
        s.suspicious, c.suspicious,
        "summarize and canonicalize disagree on suspicious characters"
    );
    assert_eq!(canon::stream_digest(&c.text), c.digest);
    let expected = reference::canonicalize(text);
    assert_eq!(
        c.text, expected.text,
        "canonical text differs from the reference"
    );
    assert_eq!(
        c.digest, expected.digest,
        "digest differs from the reference"
    );
    assert_eq!(
        c.layout, expected.layout,
        "layout differs from the reference"
    );
    assert_eq!(
        c.suspicious, expected.suspicious,
        "suspicious characters differ from the reference"
    );
    assert_eq!(
        s.paragraph_count,
        reference::paragraphs(&expected.text).len(),
        "paragraph count differs from the reference"
    );
    let again = canon::canonicalize(&c.text);
    assert_eq!(again.text, c.text, "canonicalization is not idempotent");
    assert_eq!(again.digest, c.digest);
    c
}

/// `Manifest::parse` never panics; an accepted manifest survives `to_json` and parse unchanged, and
/// checking it against a trust store does not panic.
pub fn manifest_parse(data: &[u8]) {
    let Ok(m) = Manifest::parse(data) else {
        return;
    };
    let json = m.to_json();
    let again = Manifest::parse(json.as_bytes()).expect("a re-serialized manifest parses");
    assert_eq!(again, m, "a manifest changed through to_json and parse");
    assert_eq!(again.digest(), m.digest());
    let _ = m.content_problems();
    let _ = m.canonical_text();
    let _ = m.assess(&fixture().trust);
}

/// Argon2id parameters cheap enough to run on every fuzz input (well below what a real key uses).
const CHEAP_M_COST_KIB: u64 = 256;
const CHEAP_T_COST: u64 = 2;
const CHEAP_P_COST: u64 = 2;

/// Public and secret key file parsing never panics; accepted keys round-trip through their file
/// forms. Encrypted secret keys are decrypted only when their KDF parameters are cheap: a slow
/// Argon2id is the cost of the format, not a bug.
pub fn key_parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(k) = IssuerKey::parse(text, "fuzz.pub") {
        let file = IssuerKey::parse(&k.to_file_string(), "again.pub").expect("own file form");
        assert_eq!(file, k, "a public key changed through its file form");
        let line = IssuerKey::parse(&k.to_line(), "again.pub").expect("own one-line form");
        assert_eq!(line, k, "a public key changed through its one-line form");
    }
    let encrypted = SecretKey::file_is_encrypted(text, "fuzz.key");
    let parsed = SecretKey::parse(text, "fuzz.key", None);
    if let Ok(true) = encrypted {
        assert!(
            parsed.is_err(),
            "an encrypted key opened without a passphrase"
        );
        if kdf_is_cheap(text) {
            let _ = SecretKey::parse(text, "fuzz.key", Some("fuzz passphrase"));
        }
    }
    if let Ok(key) = parsed {
        assert_eq!(encrypted.ok(), Some(false));
        let public = key.public();
        assert_eq!(public.key_id, key.key_id());
        let file = key.to_file_string(None).expect("unencrypted file form");
        let again = SecretKey::parse(&file, "again.key", None).expect("own file form parses");
        assert_eq!(
            again.public(),
            public,
            "a secret key changed through its file form"
        );
    }
}

fn kdf_is_cheap(text: &str) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    let param = |name: &str| value["encryption"][name].as_u64();
    matches!(
        (param("m_cost_kib"), param("t_cost"), param("p_cost")),
        (Some(m), Some(t), Some(p)) if m <= CHEAP_M_COST_KIB && t <= CHEAP_T_COST && p <= CHEAP_P_COST
    )
}

/// `diff::compare` on two strings (the input split at its first NUL byte; no NUL means an empty
/// copy) never panics, and every change it reports is made of text from the two sides. Checked on the
/// raw strings and on their canonical forms (what verify passes it).
pub fn diff(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (statement, copy) = text.split_once('\0').unwrap_or((text, ""));
    check_comparison(statement, copy);
    let statement = canon::canonicalize(statement).text;
    let copy = canon::canonicalize(copy).text;
    check_comparison(&statement, &copy);
    let same = diff::compare(&statement, &statement);
    assert!(
        same.changes.is_empty(),
        "a text compared with itself has changes"
    );
    assert_eq!(same.unaltered_units, same.statement_units);
}

fn check_comparison(statement: &str, copy: &str) {
    let c = diff::compare(statement, copy);
    assert_eq!(c.statement_units, diff::units(statement).len());
    assert!(c.unaltered_units <= c.statement_units);
    if matches!(
        c.relation,
        diff::Relation::Embedded | diff::Relation::Excerpt
    ) {
        assert!(c.changes.is_empty(), "an unaltered relation with changes");
    }
    let paragraphs = canon::paragraph_ranges(statement).len().max(1);
    for ch in &c.changes {
        let sides = (!ch.original.is_empty(), !ch.copy.is_empty());
        let expected = match ch.kind {
            diff::ChangeKind::Altered => (true, true),
            diff::ChangeKind::Inserted => (false, true),
            diff::ChangeKind::Removed => (true, false),
            diff::ChangeKind::Separator => {
                panic!("a word-by-word comparison made a separator change")
            }
        };
        assert_eq!(
            sides, expected,
            "a {:?} change with the wrong sides",
            ch.kind
        );
        assert!(
            statement.contains(&ch.original),
            "a change's original is not in the statement"
        );
        assert!(
            copy.contains(&ch.copy),
            "a change's copy text is not in the copy"
        );
        assert!(
            statement.contains(&ch.before),
            "context before is not in the statement"
        );
        assert!(
            statement.contains(&ch.after),
            "context after is not in the statement"
        );
        assert!(
            (1..=paragraphs).contains(&ch.paragraph),
            "a change names paragraph {} of {paragraphs}",
            ch.paragraph
        );
    }
}

/// The fixed archive the verify target checks copies against.
pub struct Fixture {
    /// Trusts `TRUSTED_KEY` for its issuer and `OTHER_KEY` for another.
    pub trust: TrustStore,
    /// Manifests signed by the trusted keys, and two by an impostor key claiming the first issuer.
    pub manifests: Vec<Manifest>,
    /// The same manifests as an archive.
    pub archive: MemoryArchive,
}

/// The statements signed into the fixture archive (the README's example statements).
const STATEMENTS: &[(&str, &str, &str)] = &[
    (
        "open-letter.txt",
        "2026-03-08",
        include_str!("../../examples/statements/2026-03-08-open-letter-detained-lawyers.txt"),
    ),
    (
        "bar-exam.txt",
        "2026-05-20",
        include_str!("../../examples/statements/2026-05-20-statement-on-bar-exam-barriers.txt"),
    ),
    (
        "solidarity.txt",
        "2026-09-15",
        include_str!("../../examples/statements/2026-09-15-solidarity-with-defence-counsel.txt"),
    ),
];

/// Fixed, unencrypted test keys (made with `attest keygen --unencrypted`; they sign nothing real).
const TRUSTED_KEY: &str = r#"{
  "format": "attest-secret-key/1",
  "issuer": "Northbay Tenants' Union",
  "key_id": "013494adcb7af1e2",
  "public_key": "IsjlqTkPlvEuEwapnZmHBLSo0aYJxTO1YwVGHLvKLbc=",
  "encryption": null,
  "secret": "8XyLbZs8LbINeh+mR1u6Z2PqO1TTr5vAx7EwEl+W+k0="
}"#;
const OTHER_KEY: &str = r#"{
  "format": "attest-secret-key/1",
  "issuer": "Lantern Street Press Collective",
  "key_id": "93c0685b2b3e5b74",
  "public_key": "tv6aNnLxHJCgBqcOEi75oWqf9ZzjJlhhYsI8sODw7Z4=",
  "encryption": null,
  "secret": "eRDy3bczCC6n4yDyFR7Dhzu9+DjtEQgTdmXTSbPuc8g="
}"#;
/// Not in the trust store, but claims the trusted key's issuer.
const IMPOSTOR_KEY: &str = r#"{
  "format": "attest-secret-key/1",
  "issuer": "Northbay Tenants' Union",
  "key_id": "1d5c6707c5abbe80",
  "public_key": "gl4Qe9T14OIXtJve/IjOWUbePWdtrxEjCIYd108gYag=",
  "encryption": null,
  "secret": "BTsVzJufSSQQfZjEFaOMbjfvvloLPI6BHkeIRfAcKCc="
}"#;

/// The fixture, built once per process.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let key = |json: &str| SecretKey::parse(json, "fixture key", None).expect("fixture key");
        let (trusted, other, impostor) = (key(TRUSTED_KEY), key(OTHER_KEY), key(IMPOSTOR_KEY));
        let mut trust = TrustStore::default();
        trust
            .add(trusted.public(), PathBuf::from("keys/trusted.pub"))
            .expect("fixture trust store");
        trust
            .add(other.public(), PathBuf::from("keys/other.pub"))
            .expect("fixture trust store");
        let sign = |key: &SecretKey, (file_name, date, text): (&str, &str, &str), seq, prev| {
            let canonical = input::decode_utf8(text.as_bytes(), file_name)
                .expect("fixture statement is UTF-8")
                .canonicalize();
            let statement = NewStatement {
                bytes: text.as_bytes(),
                canonical: &canonical,
                title: format!("Fuzz fixture {file_name}"),
                date: date.to_string(),
                languages: vec!["en".to_string()],
                file_name: file_name.to_string(),
            };
            manifest::sign_statement(key, &statement, seq, prev).expect("fixture manifest")
        };
        let m1 = sign(&trusted, STATEMENTS[0], 1, None);
        let m2 = sign(&trusted, STATEMENTS[1], 2, Some(m1.digest()));
        let m3 = sign(&impostor, STATEMENTS[2], 3, Some(m2.digest()));
        let m4 = sign(&other, STATEMENTS[2], 1, None);
        let m5 = sign(&impostor, STATEMENTS[1], 3, Some(m2.digest()));
        let manifests = vec![m1, m2, m3, m4, m5];
        let mut archive = MemoryArchive::new("fuzz archive");
        for (i, m) in manifests.iter().enumerate() {
            archive.insert(format!("archive/{}.json", i + 1), m.to_json());
        }
        Fixture {
            trust,
            manifests,
            archive,
        }
    })
}

/// The whole verify (look-up in the archive and judgement), with and without a claimed issuer, on
/// the input as a received copy: never panics, and an authentic verdict (exact or reformatted)
/// names a manifest that a trusted key of its issuer signed, whose canonical text is intact and
/// whose canonical digest is the copy's, computed here by the reference canonicalizer. Exact also
/// means the same bytes.
pub fn verify(data: &[u8]) {
    let Ok(copy) = ReceivedCopy::from_bytes("fuzz-copy.txt", data) else {
        return;
    };
    let fixture = fixture();
    let claims = [None, Some(fixture.manifests[0].issuer().to_string())];
    for issuer in claims {
        let options = VerifyOptions {
            issuer: issuer.clone(),
        };
        let report = attest::verify(&copy, &fixture.archive, &fixture.trust, &options)
            .expect("a memory archive is always readable");
        if report.verdict.is_authentic() {
            check_authentic(data, fixture, issuer.as_deref(), &report);
        }
    }
}

fn check_authentic(
    data: &[u8],
    fixture: &Fixture,
    claimed: Option<&str>,
    report: &attest::VerifyReport,
) {
    let named = report
        .manifest
        .as_ref()
        .expect("an authentic verdict names its manifest");
    let m = fixture
        .manifests
        .iter()
        .find(|m| m.digest().to_string() == named.digest)
        .expect("the named manifest is in the archive");
    let trusted_signature = m.signatures().iter().any(|s| {
        fixture
            .trust
            .get(&s.key_id)
            .is_some_and(|t| t.key.issuer == m.issuer() && m.signed_by(&t.key.key))
    });
    assert!(
        trusted_signature,
        "authentic, but no trusted key of the issuer signed it"
    );
    assert!(
        m.content_problems().is_empty(),
        "authentic, but the manifest's text is damaged"
    );
    if let Some(claimed) = claimed {
        assert_eq!(
            m.issuer(),
            claimed,
            "authentic for an issuer other than the one claimed"
        );
    }
    // An email quotation is never authentic (docs/SPEC.md §6.1): the copy as received must carry
    // the signed canonical text, by the reference canonicalizer's reckoning.
    let decoded = input::decode(data, "fuzz copy").expect("verify decoded it");
    assert!(
        reference::canonicalize(&decoded.text).digest == m.wire().canonical.digest,
        "FALSE AUTHENTIC: verdict {:?} but the copy's canonical digest is not the manifest's",
        report.verdict
    );
    if report.verdict == Verdict::Exact {
        assert_eq!(
            Digest::of(data),
            m.wire().statement.exact_digest,
            "verdict exact, but the bytes differ"
        );
    }
}

/// The fixture's manifests as a directory archive with a good index, the index's bytes, and the
/// reports `verify` gives without the index for a few copies: made once per process.
struct IndexFixture {
    root: PathBuf,
    good: Vec<u8>,
    copies: Vec<(Vec<u8>, String)>,
}

fn index_fixture() -> &'static IndexFixture {
    static FIXTURE: OnceLock<IndexFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let fixture = fixture();
        let root = std::env::temp_dir()
            .join(format!("attest-fuzz-index-{}", std::process::id()))
            .join("manifests");
        let _ = std::fs::remove_dir_all(&root);
        for (i, m) in fixture.manifests.iter().enumerate() {
            let path = root.join(format!("issuer-{}/{:06}.json", i % 2, i + 1));
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("fixture folder");
            std::fs::write(&path, m.to_json()).expect("fixture manifest");
        }
        // Past the clock tick of the writes, so that every entry is indexed as unchanged.
        std::thread::sleep(std::time::Duration::from_millis(30));
        attest::archive::index::rebuild(&root).expect("fixture index");
        let good = std::fs::read(index_base(&root)).expect("fixture index bytes");
        let texts: Vec<Vec<u8>> = vec![
            STATEMENTS[0].2.as_bytes().to_vec(),
            STATEMENTS[1].2.replacen("the", "no", 1).into_bytes(),
            STATEMENTS[2].2.as_bytes().to_vec(),
            b"A note nobody signed.\n".to_vec(),
        ];
        let copies = texts
            .into_iter()
            .map(|t| {
                let report = index_report(&root, &t, false);
                (t, report)
            })
            .collect();
        IndexFixture { root, good, copies }
    })
}

fn index_base(root: &std::path::Path) -> PathBuf {
    root.join(".attest-index")
        .join(attest::archive::index::BASE_NAME)
}

fn index_report(root: &std::path::Path, copy: &[u8], use_index: bool) -> String {
    let copy = ReceivedCopy::from_bytes("copy.txt", copy).expect("fixture copy");
    let archive = if use_index {
        attest::DirArchive::new(root)
    } else {
        attest::DirArchive::without_index(root)
    };
    let fixture = fixture();
    let report = attest::verify(&copy, &archive, &fixture.trust, &VerifyOptions::default())
        .expect("the fixture archive is readable");
    serde_json::to_string(&report).expect("a report is JSON")
}

/// Offsets of the index format (docs/SPEC.md §5.5): where the section slots start, their size, and
/// the header's.
const SLOTS_AT: usize = 16 + 4 + 8 + 8;
const SLOT_LEN: usize = 8 + 8 + 32;
const HEADER_LEN: usize = SLOTS_AT + (3 + 256) * SLOT_LEN + 32;

/// Make every checksum of a segment good again (where its slots still point inside it), as a
/// careless or malicious tool would, so that fuzzing reaches past the checksums.
fn reseal(bytes: &mut [u8]) {
    if bytes.len() < HEADER_LEN {
        return;
    }
    for i in 0..3 + 256 {
        let at = SLOTS_AT + i * SLOT_LEN;
        let n = |k: usize| u64::from_le_bytes(bytes[k..k + 8].try_into().unwrap_or_default());
        let (offset, len) = (n(at), n(at + 8));
        let Some(end) = offset.checked_add(len).filter(|&e| e <= bytes.len() as u64) else {
            continue;
        };
        let sum = Digest::of(&bytes[offset as usize..end as usize]);
        bytes[at + 16..at + 48].copy_from_slice(sum.as_bytes());
    }
    let sum = Digest::of(&bytes[..HEADER_LEN - 32]);
    bytes[HEADER_LEN - 32..HEADER_LEN].copy_from_slice(sum.as_bytes());
}

/// The archive index is only a hint. The input patches a good segment: groups of (u32 offset,
/// u8 length, bytes to XOR there); a first byte that is odd has every checksum made good again
/// afterwards (a resealed segment), and a last byte above 240 cuts the segment short. Whatever the
/// segment holds, `verify` never panics or hangs. A damaged segment (checksums not made good)
/// changes no report at all. A resealed one may lie, and docs/SPEC.md §5.5 leaves a lying index
/// (whose writer could as well change the manifests) able to hide a manifest from a look-up; but
/// every match is read and checked in full, so it can never make a copy authentic, or authentic
/// of another manifest, that is not so without the index.
pub fn index_segment(data: &[u8]) {
    let fixture = index_fixture();
    let mut bytes = fixture.good.clone();
    let mut rest = data;
    while rest.len() >= 5 && !bytes.is_empty() {
        let offset = u32::from_le_bytes(rest[..4].try_into().unwrap_or_default()) as usize;
        let n = (rest[4] as usize % 17).min(rest.len() - 5);
        for (k, x) in rest[5..5 + n].iter().enumerate() {
            let at = (offset + k) % bytes.len();
            bytes[at] ^= x;
        }
        rest = &rest[5 + n..];
    }
    let resealed = data.first().is_some_and(|b| b % 2 == 1);
    if resealed {
        reseal(&mut bytes);
    }
    if let Some(&last) = data.last().filter(|&&b| b > 240) {
        bytes.truncate(bytes.len() * usize::from(last - 240) / 16);
    }
    std::fs::write(index_base(&fixture.root), &bytes).expect("write the index");
    for (copy, without) in &fixture.copies {
        let with = index_report(&fixture.root, copy, true);
        if !resealed {
            assert_eq!(&with, without, "a damaged index changed a report");
            continue;
        }
        let (with, without): (serde_json::Value, serde_json::Value) = (
            serde_json::from_str(&with).expect("JSON"),
            serde_json::from_str(without).expect("JSON"),
        );
        if matches!(with["verdict"].as_str(), Some("exact" | "reformatted")) {
            assert_eq!(
                (&with["verdict"], &with["manifest"]["digest"]),
                (&without["verdict"], &without["manifest"]["digest"]),
                "a resealed index made a copy authentic that is not so without it"
            );
        }
    }
}
