//! Keys over a group's life (issue 8, items 1 and 2): revocation pinned to the chain, and rotation by
//! key-change records (docs/SPEC.md §3.4, docs/THREATS.md "Coerced or stolen keys"). Each test tells
//! one story of a seized or replaced key, through the library's `verify` and `audit`, and a few
//! through the `attest` binary.

mod common;
use common::signed;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use attest::trust::record::{key_change_payload, revocation_payload, RevocationWire};
use attest::trust::{
    KeyChange, KeyRecord, RecordError, RecordProblem, Revocation, Standing, Trust,
};
use attest::{
    AuditOptions, AuditReport, DirArchive, Manifest, MemoryArchive, ProblemKind, ReceivedCopy,
    SecretKey, TrustStore, Verdict, VerifyOptions, VerifyReport, WarningKind,
};

const ISSUER: &str = "Harbour Rights Lawyers Network";

/// The text of statement `n`: distinct words for each, so each has its own digests.
fn text(n: u64) -> String {
    let words = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    format!(
        "Statement {} of the Harbour Rights Lawyers Network\n\nWe call, for the {} time, for the release of the detained lawyers.\n\n海港维权律师网络第{}号声明。\n",
        words[n as usize], words[n as usize], n
    )
}

/// An issuer's archive in memory, its manifests by seq, and the verifier's trust store.
struct World {
    archive: MemoryArchive,
    trust: TrustStore,
    old: Rc<SecretKey>,
    chain: Vec<Manifest>,
}

impl World {
    /// The issuer signs statements 1..=n with its old key; the verifier trusts only the old key.
    fn new(n: u64) -> World {
        let old = Rc::new(SecretKey::generate(ISSUER).unwrap());
        let mut trust = TrustStore::default();
        trust.add(old.public(), PathBuf::from("old.pub")).unwrap();
        let mut w = World {
            archive: MemoryArchive::new("memory"),
            trust,
            old: old.clone(),
            chain: Vec::new(),
        };
        for _ in 0..n {
            w.sign_next(&old);
        }
        w
    }

    /// The next statement of the genuine chain, signed with `key`.
    fn sign_next(&mut self, key: &SecretKey) -> Manifest {
        let seq = self.chain.len() as u64 + 1;
        let m = signed(key, &text(seq), seq, self.chain.last());
        self.archive
            .insert(format!("harbour/{seq:06}.json"), m.to_json());
        self.chain.push(m.clone());
        m
    }

    /// Put a manifest that is not part of the genuine chain into the archive.
    fn plant(&mut self, name: &str, m: &Manifest) {
        self.archive.insert(format!("harbour/{name}"), m.to_json());
    }

    fn record(&mut self, name: &str, record: &KeyRecord) {
        self.archive
            .insert(format!("harbour/keys/{name}"), record.to_json());
    }

    fn revoke_self(&mut self, key: &SecretKey, last_valid: u64) {
        let r =
            Revocation::sign(key, &key.public(), last_valid, Some("laptop seized".into())).unwrap();
        let name = format!("{}-{last_valid}.revocation", key.key_id());
        self.record(&name, &KeyRecord::Revocation(r));
    }

    fn verify_text(&self, copy: &str) -> VerifyReport {
        let copy = ReceivedCopy::from_bytes("copy.txt", copy.as_bytes()).unwrap();
        attest::verify(&copy, &self.archive, &self.trust, &VerifyOptions::default()).unwrap()
    }

    fn verify_seq(&self, seq: u64) -> VerifyReport {
        self.verify_text(&text(seq))
    }

    fn audit(&self) -> AuditReport {
        attest::audit(
            &self.archive,
            &self.trust,
            &AuditOptions::default(),
            &mut |_, _| {},
        )
        .unwrap()
    }
}

fn warned(r: &VerifyReport, kind: WarningKind) -> bool {
    r.warnings.iter().any(|w| w.kind == kind)
}

fn problems_of(report: &AuditReport, kind: ProblemKind) -> Vec<String> {
    report
        .problems
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| p.path.clone())
        .collect()
}

/// A statement of the issuer's chain signed by `key` at `seq` after the genuine `prev`, with
/// words of its own.
fn forged(key: &SecretKey, seq: u64, prev: &Manifest, words: &str) -> Manifest {
    signed(key, words, seq, Some(prev))
}

const RETRACTION: &str = "Retraction\n\nThe Harbour Rights Lawyers Network withdraws every statement it has made about the detained lawyers.\n";

#[test]
fn statements_up_to_the_revocation_point_stay_valid_and_are_marked_since_revoked() {
    let mut w = World::new(5);
    let old = w.old.clone();
    w.revoke_self(&old, 5);
    for seq in 1..=5 {
        let r = w.verify_seq(seq);
        assert_eq!(r.verdict, Verdict::Exact, "seq {seq}: {:?}", r.warnings);
        assert!(warned(&r, WarningKind::SinceRevokedKey), "seq {seq}");
    }
    // Nothing is wrong with the archive: the revocation is valid and every statement is before it.
    let report = w.audit();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn seized_key_statement_after_the_point_is_untrusted_in_verify_and_revoked_key_in_audit() {
    let mut w = World::new(5);
    let old = w.old.clone();
    w.revoke_self(&old, 5);
    // The thief, holding the seized key, signs a "retraction" as the next statement.
    let stolen = forged(&old, 6, &w.chain[4], RETRACTION);
    w.plant("000006.json", &stolen);
    let r = w.verify_text(RETRACTION);
    assert_eq!(r.verdict, Verdict::Untrusted, "{:?}", r.warnings);
    assert!(!r.verdict.is_authentic());
    let report = w.audit();
    assert_eq!(
        problems_of(&report, ProblemKind::RevokedKey),
        vec!["harbour/000006.json".to_string()]
    );
    // Reported once, as revoked, not also as unsigned; and it does not join the chain.
    assert!(problems_of(&report, ProblemKind::NotSignedByIssuer).is_empty());
    assert_eq!(report.issuers[0].latest_seq, 5);
}

#[test]
fn without_the_revocation_the_same_seized_key_statement_would_verify() {
    // The control for the test above: the revocation, not something else, makes it untrusted.
    let mut w = World::new(5);
    let old = w.old.clone();
    let stolen = forged(&old, 6, &w.chain[4], RETRACTION);
    w.plant("000006.json", &stolen);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Exact);
}

#[test]
fn forged_statement_below_the_revocation_point_forks_the_chain_in_audit() {
    let mut w = World::new(5);
    let old = w.old.clone();
    w.revoke_self(&old, 5);
    // A thief back-dates a statement to seq 3: the key still vouches for seq 3, so only the chain
    // can tell, and audit reports the fork.
    let back_dated = forged(&old, 3, &w.chain[1], RETRACTION);
    w.plant("000003-forged.json", &back_dated);
    let report = w.audit();
    let forks = problems_of(&report, ProblemKind::ChainFork);
    assert!(
        forks.contains(&"harbour/000003-forged.json".to_string())
            && forks.contains(&"harbour/000003.json".to_string()),
        "{:?}",
        report.problems
    );
    // verify alone cannot tell the forgery from a genuine statement, but it marks it.
    let r = w.verify_text(RETRACTION);
    assert!(warned(&r, WarningKind::SinceRevokedKey));
}

#[test]
fn a_revocation_cannot_be_unrevoked_by_a_later_record_with_a_higher_point() {
    let mut w = World::new(5);
    let old = w.old.clone();
    w.revoke_self(&old, 5);
    // The thief "un-revokes" with a revocation of their own at seq 9: the lowest point wins.
    w.revoke_self(&old, 9);
    let stolen = forged(&old, 6, &w.chain[4], RETRACTION);
    w.plant("000006.json", &stolen);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    assert_eq!(
        problems_of(&w.audit(), ProblemKind::RevokedKey),
        vec!["harbour/000006.json".to_string()]
    );
    // And whatever order the records are read in.
    let (a, b) = (
        Revocation::sign(&old, &old.public(), 9, None).unwrap(),
        Revocation::sign(&old, &old.public(), 5, None).unwrap(),
    );
    for records in [[a.clone(), b.clone()], [b, a]] {
        let records = records
            .into_iter()
            .map(|r| (PathBuf::from("r"), KeyRecord::Revocation(r)))
            .collect();
        let (trust, issues) = Trust::with_records(&w.trust, records);
        assert!(issues.is_empty());
        assert_eq!(trust.revocation_point(ISSUER, &old.key_id()), Some(5));
    }
}

#[test]
fn a_revocation_whose_signature_fails_is_reported_and_ignored() {
    let mut w = World::new(6);
    let old = w.old.clone();
    // A revocation at 5, altered after signing to seq 2 (the signature no longer verifies).
    let genuine = Revocation::sign(&old, &old.public(), 5, None).unwrap();
    let altered = KeyRecord::Revocation(genuine)
        .to_json()
        .replace("\"last_valid_seq\": 5", "\"last_valid_seq\": 2");
    assert!(altered.contains("\"last_valid_seq\": 2"));
    w.archive
        .insert("harbour/keys/altered.revocation", altered.into_bytes());
    // Ignored: statement 6, signed by the key, still verifies, unmarked.
    let r = w.verify_seq(6);
    assert_eq!(r.verdict, Verdict::Exact);
    assert!(!warned(&r, WarningKind::SinceRevokedKey));
    let report = w.audit();
    assert_eq!(
        problems_of(&report, ProblemKind::BadKeyRecord),
        vec!["harbour/keys/altered.revocation".to_string()]
    );
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
}

#[test]
fn a_revocation_signed_by_a_key_not_trusted_for_the_issuer_is_ignored() {
    let mut w = World::new(6);
    let old = w.old.clone();
    // An impostor with a key of their own, claiming the issuer's name, "revokes" the real key.
    let impostor = SecretKey::generate(ISSUER).unwrap();
    let r = Revocation::sign(&impostor, &old.public(), 0, None).unwrap();
    w.record("impostor.revocation", &KeyRecord::Revocation(r.clone()));
    assert_eq!(w.verify_seq(6).verdict, Verdict::Exact);
    assert_eq!(
        problems_of(&w.audit(), ProblemKind::BadKeyRecord),
        vec!["harbour/keys/impostor.revocation".to_string()]
    );
    let (_, issues) = Trust::with_records(
        &w.trust,
        vec![(PathBuf::from("r"), KeyRecord::Revocation(r))],
    );
    assert!(matches!(
        issues[0].problem,
        RecordProblem::UntrustedSigner { .. }
    ));
}

#[test]
fn another_key_trusted_for_the_issuer_can_revoke_a_seized_key_it_never_held() {
    let mut w = World::new(5);
    let old = w.old.clone();
    // The group's second key, kept elsewhere, is trusted too; it revokes the seized key by its
    // public key alone.
    let spare = SecretKey::generate(ISSUER).unwrap();
    w.trust
        .add(spare.public(), PathBuf::from("spare.pub"))
        .unwrap();
    let r = Revocation::sign(&spare, &old.public(), 5, Some("seized".into())).unwrap();
    w.record("by-spare.revocation", &KeyRecord::Revocation(r));
    let stolen = forged(&old, 6, &w.chain[4], RETRACTION);
    w.plant("000006.json", &stolen);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    assert!(warned(&w.verify_seq(4), WarningKind::SinceRevokedKey));
}

#[test]
fn rotated_key_is_trusted_by_a_verifier_who_only_ever_trusted_the_old_key() {
    let mut w = World::new(6);
    let old = w.old.clone();
    let new = SecretKey::generate(ISSUER).unwrap();
    let change = KeyChange::sign(&old, &new.public(), 7).unwrap();
    w.record("rotation.key-change", &KeyRecord::KeyChange(change));
    for _ in 7..=9 {
        w.sign_next(&new);
    }
    for seq in 7..=9 {
        let r = w.verify_seq(seq);
        assert_eq!(r.verdict, Verdict::Exact, "seq {seq}: {:?}", r.warnings);
        assert!(warned(&r, WarningKind::KeyChange), "seq {seq}");
        assert_eq!(r.signed_by[0].key_id, new.key_id().to_string());
    }
    // The old key's statements are unchanged.
    let r = w.verify_seq(6);
    assert_eq!(r.verdict, Verdict::Exact);
    assert!(!warned(&r, WarningKind::KeyChange));
    // The chain runs on across the change with no gap, and audit is clean.
    let report = w.audit();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.issuers.len(), 1);
    assert_eq!(
        (report.issuers[0].manifests, report.issuers[0].latest_seq),
        (9, 9)
    );
}

#[test]
fn without_the_key_change_record_the_new_keys_statements_are_not_trusted() {
    // The control for rotation: the record, not something else, makes the new key trusted.
    let mut w = World::new(6);
    let new = SecretKey::generate(ISSUER).unwrap();
    let next = forged(&new, 7, &w.chain[5], RETRACTION);
    w.plant("000007.json", &next);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    let report = w.audit();
    assert_eq!(
        problems_of(&report, ProblemKind::UnknownKey),
        vec!["harbour/000007.json".to_string()]
    );
}

#[test]
fn new_key_is_not_trusted_for_positions_before_its_key_change() {
    let mut w = World::new(6);
    let old = w.old.clone();
    let new = SecretKey::generate(ISSUER).unwrap();
    let change = KeyChange::sign(&old, &new.public(), 7).unwrap();
    w.record("rotation.key-change", &KeyRecord::KeyChange(change));
    // A statement at seq 4 signed with the new key: the old key did not hand seq 4 over.
    let early = forged(&new, 4, &w.chain[2], RETRACTION);
    w.plant("000004-new-key.json", &early);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    let report = w.audit();
    assert_eq!(
        problems_of(&report, ProblemKind::NotSignedByIssuer),
        vec!["harbour/000004-new-key.json".to_string()]
    );
}

#[test]
fn key_change_signed_by_a_revoked_key_after_its_point_introduces_nothing() {
    let mut w = World::new(5);
    let old = w.old.clone();
    w.revoke_self(&old, 5);
    // The thief hands the issuer over to a key of their own from seq 7: the old key would have
    // to vouch for seq 6, after its point.
    let thief = SecretKey::generate(ISSUER).unwrap();
    let change = KeyChange::sign(&old, &thief.public(), 7).unwrap();
    w.record("thief.key-change", &KeyRecord::KeyChange(change.clone()));
    let stolen = forged(&thief, 7, &w.chain[4], RETRACTION);
    w.plant("000007.json", &stolen);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    let report = w.audit();
    assert_eq!(
        problems_of(&report, ProblemKind::BadKeyRecord),
        vec!["harbour/keys/thief.key-change".to_string()]
    );
    let records = vec![
        (
            PathBuf::from("r"),
            KeyRecord::Revocation(Revocation::sign(&old, &old.public(), 5, None).unwrap()),
        ),
        (PathBuf::from("c"), KeyRecord::KeyChange(change)),
    ];
    let (trust, issues) = Trust::with_records(&w.trust, records);
    assert!(trust.introduction(ISSUER, &thief.key_id()).is_none());
    assert!(matches!(
        issues[0].problem,
        RecordProblem::OldKeyRevoked { last_valid: 5, .. }
    ));
}

#[test]
fn key_change_with_a_forged_signature_introduces_nothing() {
    let mut w = World::new(6);
    let old = w.old.clone();
    let new = SecretKey::generate(ISSUER).unwrap();
    let thief = SecretKey::generate(ISSUER).unwrap();
    // A genuine record to `new`, with the thief's key swapped in afterwards.
    let genuine = KeyRecord::KeyChange(KeyChange::sign(&old, &new.public(), 7).unwrap());
    let thief_line = KeyRecord::KeyChange(KeyChange::sign(&old, &thief.public(), 7).unwrap());
    let pick = |r: &KeyRecord, member: &str| {
        let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        v[member].as_str().unwrap().to_string()
    };
    let swapped = genuine
        .to_json()
        .replace(
            &pick(&genuine, "new_public_key"),
            &pick(&thief_line, "new_public_key"),
        )
        .replace(
            &pick(&genuine, "new_key_id"),
            &pick(&thief_line, "new_key_id"),
        );
    w.archive
        .insert("harbour/keys/swapped.key-change", swapped.into_bytes());
    let stolen = forged(&thief, 7, &w.chain[5], RETRACTION);
    w.plant("000007.json", &stolen);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    assert_eq!(
        problems_of(&w.audit(), ProblemKind::BadKeyRecord),
        vec!["harbour/keys/swapped.key-change".to_string()]
    );
}

#[test]
fn key_change_by_a_key_not_trusted_for_the_issuer_introduces_nothing() {
    let mut w = World::new(6);
    let impostor = SecretKey::generate(ISSUER).unwrap();
    let thief = SecretKey::generate(ISSUER).unwrap();
    let change = KeyChange::sign(&impostor, &thief.public(), 7).unwrap();
    w.record("impostor.key-change", &KeyRecord::KeyChange(change));
    let stolen = forged(&thief, 7, &w.chain[5], RETRACTION);
    w.plant("000007.json", &stolen);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    assert_eq!(
        problems_of(&w.audit(), ProblemKind::BadKeyRecord),
        vec!["harbour/keys/impostor.key-change".to_string()]
    );
}

#[test]
fn rotation_then_revocation_of_the_old_key_keeps_the_new_key() {
    // The group rotates at 7, and later learns the old laptop was taken: it revokes the old key
    // after its last statement (6), signing with the new key. The new key's statements stay
    // trusted; the old key's new ones do not.
    let mut w = World::new(6);
    let old = w.old.clone();
    let new = SecretKey::generate(ISSUER).unwrap();
    w.record(
        "rotation.key-change",
        &KeyRecord::KeyChange(KeyChange::sign(&old, &new.public(), 7).unwrap()),
    );
    w.sign_next(&new);
    w.sign_next(&new);
    let r = Revocation::sign(&new, &old.public(), 6, None).unwrap();
    w.record("old.revocation", &KeyRecord::Revocation(r));
    assert_eq!(w.verify_seq(8).verdict, Verdict::Exact);
    assert!(w.audit().problems.is_empty());
    let stolen = forged(&old, 9, &w.chain[7], RETRACTION);
    w.plant("000009.json", &stolen);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    let report = w.audit();
    assert_eq!(
        problems_of(&report, ProblemKind::RevokedKey),
        vec!["harbour/000009.json".to_string()]
    );
}

#[test]
fn chain_of_two_key_changes_reaches_the_third_key() {
    let mut w = World::new(2);
    let old = w.old.clone();
    let second = SecretKey::generate(ISSUER).unwrap();
    let third = SecretKey::generate(ISSUER).unwrap();
    w.record(
        "a.key-change",
        &KeyRecord::KeyChange(KeyChange::sign(&old, &second.public(), 3).unwrap()),
    );
    w.record(
        "b.key-change",
        &KeyRecord::KeyChange(KeyChange::sign(&second, &third.public(), 4).unwrap()),
    );
    w.sign_next(&second);
    w.sign_next(&third);
    assert_eq!(w.verify_seq(4).verdict, Verdict::Exact);
    assert!(w.audit().problems.is_empty());
}

/// A directory archive and trust store on disk.
struct Disk {
    dir: tempfile::TempDir,
}

impl Disk {
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
}

fn disk_world(w: &World) -> Disk {
    let disk = Disk {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::create_dir_all(disk.path("archive/harbour")).unwrap();
    std::fs::create_dir_all(disk.path("keys")).unwrap();
    for m in &w.chain {
        std::fs::write(
            disk.path(&format!("archive/harbour/{:06}.json", m.seq())),
            m.to_json(),
        )
        .unwrap();
    }
    std::fs::write(disk.path("keys/old.pub"), w.old.public().to_file_string()).unwrap();
    disk
}

#[test]
fn revocation_dropped_into_the_trust_store_applies() {
    let w = World::new(5);
    let disk = disk_world(&w);
    let old = w.old.clone();
    let stolen = forged(&old, 6, &w.chain[4], RETRACTION);
    std::fs::write(disk.path("archive/harbour/000006.json"), stolen.to_json()).unwrap();
    let check = |disk: &Disk| {
        let store = TrustStore::load(&disk.path("keys")).unwrap();
        let copy = ReceivedCopy::from_bytes("copy.txt", RETRACTION.as_bytes()).unwrap();
        let archive = DirArchive::new(disk.path("archive"));
        let verdict = attest::verify(&copy, &archive, &store, &VerifyOptions::default())
            .unwrap()
            .verdict;
        let audit =
            attest::audit(&archive, &store, &AuditOptions::default(), &mut |_, _| {}).unwrap();
        (verdict, problems_of(&audit, ProblemKind::RevokedKey).len())
    };
    assert_eq!(check(&disk), (Verdict::Exact, 0));
    let r = Revocation::sign(&old, &old.public(), 5, None).unwrap();
    std::fs::write(
        disk.path("keys/old.revocation"),
        KeyRecord::Revocation(r).to_json(),
    )
    .unwrap();
    assert_eq!(check(&disk), (Verdict::Untrusted, 1));
}

#[test]
fn key_records_in_a_directory_archive_are_not_mistaken_for_manifests() {
    let w = World::new(3);
    let disk = disk_world(&w);
    let r = Revocation::sign(&w.old, &w.old.public(), 3, None).unwrap();
    let path =
        attest::trust::write_record(&disk.path("archive"), &KeyRecord::Revocation(r)).unwrap();
    assert!(path.starts_with(disk.path("archive/harbour-rights-lawyers-network/keys")));
    let archive = DirArchive::new(disk.path("archive"));
    use attest::Archive as _;
    assert_eq!(archive.list().unwrap().files.len(), 3);
    assert_eq!(archive.key_record_files(), vec![path]);
    let store = TrustStore::load(&disk.path("keys")).unwrap();
    let audit = attest::audit(&archive, &store, &AuditOptions::default(), &mut |_, _| {}).unwrap();
    assert!(audit.problems.is_empty(), "{:?}", audit.problems);
    assert_eq!(audit.manifests, 3);
}

#[test]
fn record_files_are_never_overwritten() {
    let w = World::new(1);
    let dir = tempfile::tempdir().unwrap();
    let r = KeyRecord::Revocation(Revocation::sign(&w.old, &w.old.public(), 1, None).unwrap());
    let first = attest::trust::write_record(dir.path(), &r).unwrap();
    let before = std::fs::read(&first).unwrap();
    assert!(matches!(
        attest::trust::write_record(dir.path(), &r),
        Err(attest::fsutil::WriteError::Exists { .. })
    ));
    assert_eq!(std::fs::read(&first).unwrap(), before);
}

// ---- The formats (docs/SPEC.md §3.4) ----

fn rfc8032_test_1() -> SecretKey {
    // RFC 8032 §7.1 TEST 1, as an unencrypted key file (the issuer is the vector's own).
    // Build through the library's own parser from the documented unencrypted form.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors/formats/accept-secret-key-unencrypted-rfc8032-test-1.txt"),
    )
    .unwrap();
    let key_file = text.split("--- input\n").nth(1).unwrap();
    let key_file = key_file.strip_suffix('\n').unwrap_or(key_file);
    SecretKey::parse(key_file, "test-1.key", None).unwrap()
}

#[test]
fn revocation_payload_is_the_label_a_zero_byte_and_jcs_computed_independently() {
    let key = rfc8032_test_1();
    let public = key.public();
    let r = Revocation::sign(&key, &public, 5, Some("laptop seized".into())).unwrap();
    // JCS by hand: members sorted by name, no white space, no signatures.
    let expected = format!(
        "attest/v1 revocation\u{0}{{\"format\":\"attest-revocation/1\",\"issuer\":{},\"key_id\":\"{}\",\"last_valid_seq\":5,\"public_key\":\"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\",\"reason\":\"laptop seized\"}}",
        serde_json::to_string(public.issuer.as_str()).unwrap(),
        public.key_id
    );
    assert_eq!(revocation_payload(r.wire()).unwrap(), expected.as_bytes());
    // Ed25519 is deterministic: the signature is a known answer too, and verifies strictly.
    let sig = &r.wire().signatures[0];
    let bytes: [u8; 64] = base64_decode(&sig.signature).try_into().unwrap();
    let signature = ed25519_dalek::Signature::from_bytes(&bytes);
    assert!(public
        .key
        .verify_strict(expected.as_bytes(), &signature)
        .is_ok());
}

#[test]
fn key_change_payload_is_the_label_a_zero_byte_and_jcs_computed_independently() {
    let key = rfc8032_test_1();
    let new = SecretKey::generate(key.issuer()).unwrap().public();
    let c = KeyChange::sign(&key, &new, 7).unwrap();
    let b64 = |k: &attest::IssuerKey| {
        let v: serde_json::Value = serde_json::from_str(&k.to_file_string()).unwrap();
        v["public_key"].as_str().unwrap().to_string()
    };
    let expected = format!(
        "attest/v1 key-change\u{0}{{\"format\":\"attest-key-change/1\",\"from_seq\":7,\"issuer\":{},\"new_key_id\":\"{}\",\"new_public_key\":\"{}\",\"old_key_id\":\"{}\",\"old_public_key\":\"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"}}",
        serde_json::to_string(key.issuer()).unwrap(),
        new.key_id,
        b64(&new),
        key.key_id()
    );
    assert_eq!(key_change_payload(c.wire()).unwrap(), expected.as_bytes());
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[test]
fn a_signature_made_under_another_label_never_verifies_as_a_record() {
    // The same body signed as a key change (or without a label) is no revocation.
    let key = SecretKey::generate(ISSUER).unwrap();
    let r = Revocation::sign(&key, &key.public(), 5, None).unwrap();
    let mut wire: RevocationWire = r.wire().clone();
    let payload = revocation_payload(&wire).unwrap();
    let body = &payload["attest/v1 revocation".len() + 1..];
    for other in [
        [b"attest/v1 key-change\0".as_slice(), body].concat(),
        [b"attest/v1 manifest\0".as_slice(), body].concat(),
        body.to_vec(),
    ] {
        use base64::Engine as _;
        wire.signatures[0].signature =
            base64::engine::general_purpose::STANDARD.encode(key.sign(&other).to_bytes());
        let record = Revocation::try_from(wire.clone()).unwrap();
        assert!(!record.signed_by(&key.public().key));
    }
}

fn parse_error(json: &str) -> RecordError {
    KeyRecord::parse(json.as_bytes()).unwrap_err()
}

#[test]
fn records_are_parsed_strictly() {
    let key = SecretKey::generate(ISSUER).unwrap();
    let r = KeyRecord::Revocation(Revocation::sign(&key, &key.public(), 5, None).unwrap());
    let json = r.to_json();
    assert_eq!(KeyRecord::parse(json.as_bytes()).unwrap(), r);
    let kind = |json: &str| parse_error(json).kind();
    assert_eq!(
        kind(&json.replacen('{', "{\n  \"extra\": 1,", 1)),
        "unknown_field"
    );
    assert_eq!(
        kind(&json.replace("  \"reason\": null,\n", "")),
        "missing_field"
    );
    assert_eq!(
        kind(&json.replacen('{', "{\n  \"last_valid_seq\": 1,", 1)),
        "duplicate_field"
    );
    assert_eq!(
        kind(&json.replace("attest-revocation/1", "attest-revocation/9")),
        "unknown_format"
    );
    assert_eq!(
        kind(&json.replace("\"last_valid_seq\": 5", "\"last_valid_seq\": \"5\"")),
        "wrong_type"
    );
    assert_eq!(kind("[1, 2]"), "not_an_object");
    assert_eq!(kind("{"), "json_syntax");
    assert_eq!(
        kind(&json.replace("\"reason\": null", "\"reason\": \"a\\nb\"")),
        "reason"
    );
    assert_eq!(
        kind(&json.replace(
            "\"last_valid_seq\": 5",
            "\"last_valid_seq\": 9007199254740992"
        )),
        "seq_out_of_range"
    );
    let other = SecretKey::generate(ISSUER).unwrap();
    assert_eq!(
        kind(&json.replace(
            &format!("\"key_id\": \"{}\",\n  \"public_key\"", key.key_id()),
            &format!("\"key_id\": \"{}\",\n  \"public_key\"", other.key_id())
        )),
        "key_id_mismatch"
    );
    let empty = {
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["signatures"] = serde_json::json!([]);
        v.to_string()
    };
    assert_eq!(kind(&empty), "no_signatures");
    // A key change from a key to itself, and one from seq 0.
    let c = KeyRecord::KeyChange(KeyChange::sign(&key, &other.public(), 7).unwrap());
    let cj = c.to_json();
    assert_eq!(KeyRecord::parse(cj.as_bytes()).unwrap(), c);
    assert_eq!(
        kind(&cj.replace("\"from_seq\": 7", "\"from_seq\": 0")),
        "seq_out_of_range"
    );
    assert!(matches!(
        KeyChange::sign(&key, &key.public(), 7),
        Err(RecordError::SameKey)
    ));
    // Records are made within one issuer.
    let stranger = SecretKey::generate("Lantern Coast Legal Aid Collective").unwrap();
    assert!(matches!(
        KeyChange::sign(&key, &stranger.public(), 7),
        Err(RecordError::IssuerMismatch { .. })
    ));
    assert!(matches!(
        Revocation::sign(&stranger, &key.public(), 7, None),
        Err(RecordError::IssuerMismatch { .. })
    ));
    // A manifest is not a key record.
    let m = signed(&key, &text(1), 1, None);
    assert_eq!(kind(&m.to_json()), "unknown_format");
}

// ---- The commands ----

fn attest(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(args)
        .current_dir(dir)
        .env_remove("ATTEST_PASSPHRASE")
        .env("ATTEST_KEYS", dir.join("keys"))
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_STATE_HOME")
        .env("ATTEST_STATE_DIR", dir.join("state"))
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = attest(dir, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn key_revoke_and_key_rotate_commands_write_records_that_verify_and_audit_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    std::fs::create_dir_all(dir.join("manifests")).unwrap();
    for name in ["old", "new"] {
        ok(
            dir,
            &["keygen", "--issuer", ISSUER, "--out", name, "--unencrypted"],
        );
    }
    std::fs::copy(dir.join("old.pub"), dir.join("keys/old.pub")).unwrap();
    for seq in 1..=3 {
        std::fs::write(dir.join(format!("s{seq}.txt")), text(seq)).unwrap();
        ok(dir, &["sign", &format!("s{seq}.txt"), "--key", "old.key"]);
    }
    // Rotate at 4; the new key signs 4 (sign recognises the old key's chain through --keys).
    let written = ok(
        dir,
        &[
            "key",
            "rotate",
            "--old",
            "old.key",
            "--new",
            "new.pub",
            "--from-seq",
            "4",
        ],
    );
    assert!(written.trim_end().ends_with(".key-change"), "{written}");
    std::fs::write(dir.join("s4.txt"), text(4)).unwrap();
    ok(
        dir,
        &["sign", "s4.txt", "--key", "new.key", "--keys", "keys"],
    );
    let out = ok(dir, &["verify", "s4.txt", "--json"]);
    let report: VerifyReport = serde_json::from_str(&out).unwrap();
    assert_eq!(report.verdict, Verdict::Exact);
    assert!(warned(&report, WarningKind::KeyChange));
    // Signed by the old key alone, the revocation would end the new key too: attest warns (and
    // this one is written to a scratch archive, not the real one).
    std::fs::create_dir_all(dir.join("scratch/lantern")).unwrap();
    for entry in
        std::fs::read_dir(dir.join("manifests/harbour-rights-lawyers-network/keys")).unwrap()
    {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            dir.join("scratch/lantern").join(entry.file_name()),
        )
        .unwrap();
    }
    let out = attest(
        dir,
        &[
            "key",
            "revoke",
            "--key",
            "old.key",
            "--last-valid",
            "3",
            "--archive",
            "scratch",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let new_id = attest::IssuerKey::read(&dir.join("new.pub"))
        .unwrap()
        .key_id
        .to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&new_id),
        "a warning names the new key: {stderr}"
    );
    // The old laptop is seized: revoke the old key after its last statement, seq 3, signed by
    // the new key, which keeps the new key standing.
    let written = ok(
        dir,
        &[
            "key",
            "revoke",
            "--pub",
            "old.pub",
            "--signing-key",
            "new.key",
            "--last-valid",
            "3",
            "--reason",
            "laptop seized",
        ],
    );
    assert!(written.trim_end().ends_with(".revocation"), "{written}");
    let out = attest(
        dir,
        &[
            "key",
            "revoke",
            "--pub",
            "old.pub",
            "--signing-key",
            "new.key",
            "--last-valid",
            "2",
            "--archive",
            "scratch",
        ],
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(&new_id),
        "no warning when the new key signs"
    );
    let out = ok(dir, &["verify", "s2.txt", "--json"]);
    let report: VerifyReport = serde_json::from_str(&out).unwrap();
    assert!(warned(&report, WarningKind::SinceRevokedKey));
    // The archive audits clean across the change and the revocation.
    let out = attest(dir, &["audit", "manifests", "--json"]);
    let report: AuditReport = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.issuers[0].latest_seq, 4);
    // Revoking by public key alone needs another key to sign.
    let out = attest(
        dir,
        &["key", "revoke", "--pub", "old.pub", "--last-valid", "3"],
    );
    assert_eq!(out.status.code(), Some(2));
    // And the same revocation again is never written over the first.
    let out = attest(
        dir,
        &[
            "key",
            "revoke",
            "--pub",
            "old.pub",
            "--signing-key",
            "new.key",
            "--last-valid",
            "3",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = ok(dir, &["verify", "s4.txt", "--json"]);
    let report: VerifyReport = serde_json::from_str(&out).unwrap();
    assert_eq!(report.verdict, Verdict::Exact);
}

#[test]
fn thief_back_dating_a_key_change_to_their_own_key_gains_nothing_after_the_point() {
    // The group never rotated. A thief with the seized key writes a key change to a key of their
    // own from seq 5 (at or below the revocation point, so the old key still vouches for it),
    // and signs seq 6 with it: the thief's key ends at the group's revocation point with the key
    // that introduced it.
    let mut w = World::new(5);
    let old = w.old.clone();
    w.revoke_self(&old, 5);
    let thief = SecretKey::generate(ISSUER).unwrap();
    w.record(
        "thief.key-change",
        &KeyRecord::KeyChange(KeyChange::sign(&old, &thief.public(), 5).unwrap()),
    );
    let stolen = forged(&thief, 6, &w.chain[4], RETRACTION);
    w.plant("000006.json", &stolen);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    assert_eq!(
        problems_of(&w.audit(), ProblemKind::RevokedKey),
        vec!["harbour/000006.json".to_string()]
    );
    // Signing a revocation of their own with the thief's key does not help: the group's
    // revocation is not signed by it.
    let r = Revocation::sign(&thief, &old.public(), 5, None).unwrap();
    w.record("thief.revocation", &KeyRecord::Revocation(r));
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
}

#[test]
fn a_rotated_key_ends_with_its_old_key_when_the_revocation_is_not_signed_by_it() {
    // After a rotation at 7, the old key revokes itself after 6: the new key ends at 6 too (only
    // a revocation signed by the new key keeps it). This is the rule that stops a thief's
    // back-dated key change, and `attest key revoke --signing-key NEW.key` is the way round it.
    let mut w = World::new(6);
    let old = w.old.clone();
    let new = SecretKey::generate(ISSUER).unwrap();
    w.record(
        "rotation.key-change",
        &KeyRecord::KeyChange(KeyChange::sign(&old, &new.public(), 7).unwrap()),
    );
    let seventh = forged(&new, 7, &w.chain[5], RETRACTION);
    w.plant("000007.json", &seventh);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Exact);
    w.revoke_self(&old, 6);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    let (trust, _) = Trust::load(&w.trust, Some(&w.archive));
    assert!(matches!(
        trust.standing(ISSUER, 7, &new.public().key),
        Standing::Revoked { last_valid: 6, ended_with: Some(by) } if by == old.key_id()
    ));
    // Signed by the new key as well (a second revocation at the same point), the new key stays
    // only if every revocation is signed by it: the self-signed one is not.
    let r = Revocation::sign(&new, &old.public(), 6, None).unwrap();
    w.record("by-new.revocation", &KeyRecord::Revocation(r));
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
}

#[test]
fn thief_cannot_launder_a_capped_key_through_a_second_key_change() {
    // The thief writes seized -> first (capped at the group's point) and first -> second, then
    // "revokes" first with a revocation signed by second, hoping second is kept as first's
    // successor. A key capped by the key that introduced it can keep no successor.
    let mut w = World::new(5);
    let old = w.old.clone();
    w.revoke_self(&old, 5);
    let first = SecretKey::generate(ISSUER).unwrap();
    let second = SecretKey::generate(ISSUER).unwrap();
    w.record(
        "a.key-change",
        &KeyRecord::KeyChange(KeyChange::sign(&old, &first.public(), 5).unwrap()),
    );
    w.record(
        "b.key-change",
        &KeyRecord::KeyChange(KeyChange::sign(&first, &second.public(), 5).unwrap()),
    );
    let r = Revocation::sign(&second, &first.public(), 5, None).unwrap();
    w.record("c.revocation", &KeyRecord::Revocation(r));
    let stolen = forged(&second, 6, &w.chain[4], RETRACTION);
    w.plant("000006.json", &stolen);
    assert_eq!(w.verify_text(RETRACTION).verdict, Verdict::Untrusted);
    let (trust, _) = Trust::load(&w.trust, Some(&w.archive));
    assert!(matches!(
        trust.standing(ISSUER, 6, &second.public().key),
        Standing::Revoked { last_valid: 5, .. }
    ));
}

#[test]
fn a_group_can_rotate_twice_and_revoke_each_old_key_with_its_successor() {
    let mut w = World::new(2);
    let old = w.old.clone();
    let second = SecretKey::generate(ISSUER).unwrap();
    let third = SecretKey::generate(ISSUER).unwrap();
    w.record(
        "a.key-change",
        &KeyRecord::KeyChange(KeyChange::sign(&old, &second.public(), 3).unwrap()),
    );
    w.sign_next(&second);
    w.record(
        "b.key-change",
        &KeyRecord::KeyChange(KeyChange::sign(&second, &third.public(), 4).unwrap()),
    );
    w.sign_next(&third);
    for (revoked, by, point) in [(&*old, &second, 2), (&second, &third, 3)] {
        let r = Revocation::sign(by, &revoked.public(), point, None).unwrap();
        w.record(
            &format!("{}.revocation", revoked.key_id()),
            &KeyRecord::Revocation(r),
        );
    }
    assert_eq!(w.verify_seq(4).verdict, Verdict::Exact);
    assert!(w.audit().problems.is_empty(), "{:?}", w.audit().problems);
}

// ---- Invariants over random sets of records ----

mod invariants {
    use super::*;
    use proptest::prelude::*;

    /// One record over four keys of the issuer (key 0 is the only one in the trust store).
    #[derive(Debug, Clone)]
    enum Op {
        Change { old: usize, new: usize, from: u64 },
        Revoke { key: usize, by: usize, point: u64 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..4usize, 0..4usize, 1..7u64).prop_map(|(old, new, from)| Op::Change {
                old,
                new,
                from
            }),
            (0..4usize, 0..4usize, 0..7u64).prop_map(|(key, by, point)| Op::Revoke {
                key,
                by,
                point
            }),
        ]
    }

    thread_local! {
        static KEYS: Vec<SecretKey> = (0..4).map(|_| SecretKey::generate(ISSUER).unwrap()).collect();
    }

    fn records(ops: &[Op]) -> Vec<(PathBuf, KeyRecord)> {
        KEYS.with(|keys| {
            ops.iter()
                .enumerate()
                .filter_map(|(i, op)| {
                    let record = match *op {
                        Op::Change { old, new, from } => KeyRecord::KeyChange(
                            KeyChange::sign(&keys[old], &keys[new].public(), from).ok()?,
                        ),
                        Op::Revoke { key, by, point } => KeyRecord::Revocation(
                            Revocation::sign(&keys[by], &keys[key].public(), point, None).ok()?,
                        ),
                    };
                    Some((PathBuf::from(format!("r{i}")), record))
                })
                .collect()
        })
    }

    /// Which (key, seq) pairs stand as trusted, for seq 1 to 8.
    fn trusted(ops: &[Op]) -> Vec<(usize, u64)> {
        KEYS.with(|keys| {
            let mut store = TrustStore::default();
            store
                .add(keys[0].public(), PathBuf::from("k0.pub"))
                .unwrap();
            let (trust, _) = Trust::with_records(&store, records(ops));
            let mut out = Vec::new();
            for (k, key) in keys.iter().enumerate() {
                for seq in 1..=8 {
                    if matches!(
                        trust.standing(ISSUER, seq, &key.public().key),
                        Standing::Trusted { .. }
                    ) {
                        out.push((k, seq));
                    }
                }
            }
            out
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The decision does not depend on the order records are found in.
        #[test]
        fn the_order_of_records_does_not_matter(ops in proptest::collection::vec(op(), 0..8)) {
            let mut reversed = ops.clone();
            reversed.reverse();
            prop_assert_eq!(trusted(&ops), trusted(&reversed));
        }

        /// A revocation only ever takes trust away.
        #[test]
        fn a_revocation_never_adds_trust(
            ops in proptest::collection::vec(op(), 0..8),
            key in 0..4usize, by in 0..4usize, point in 0..7u64,
        ) {
            let before = trusted(&ops);
            let mut more = ops.clone();
            more.push(Op::Revoke { key, by, point });
            let after = trusted(&more);
            prop_assert!(after.iter().all(|t| before.contains(t)), "{:?} -> {:?}", before, after);
        }

        /// Without records, only the store's key is trusted; no record makes a key trusted that no
        /// chain of key changes from the store's key reaches.
        #[test]
        fn only_keys_reached_by_key_changes_are_trusted(ops in proptest::collection::vec(op(), 0..8)) {
            let mut reached = [true, false, false, false];
            for _ in 0..4 {
                for op in &ops {
                    if let Op::Change { old, new, .. } = *op {
                        if reached[old] && old != new {
                            reached[new] = true;
                        }
                    }
                }
            }
            for (k, _) in trusted(&ops) {
                prop_assert!(reached[k], "key {} trusted without a key change reaching it", k);
            }
        }
    }
}

/// `key revoke` and `key rotate` load secret keys as `sign` does: a key file others can read is
/// refused before anything is signed.
#[test]
fn key_revoke_refuses_a_secret_key_file_others_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    std::fs::create_dir_all(dir.join("manifests")).unwrap();
    ok(
        dir,
        &[
            "keygen",
            "--issuer",
            ISSUER,
            "--out",
            "old",
            "--unencrypted",
        ],
    );
    std::fs::set_permissions(dir.join("old.key"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = attest(
        dir,
        &["key", "revoke", "--key", "old.key", "--last-valid", "1"],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let no_record = walkdir::WalkDir::new(dir.join("manifests"))
        .into_iter()
        .filter_map(Result::ok)
        .all(|e| !e.path().to_string_lossy().ends_with(".revocation"));
    assert!(
        no_record,
        "a revocation was written with a key others can read"
    );
}
