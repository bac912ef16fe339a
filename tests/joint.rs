//! Joint statements (issue 8 item 3, issue 10 item 6; docs/SPEC.md §3.5): several issuers sign one
//! statement. The first signer names every co-signer, its key and the statement's position in the
//! co-signer's own chain inside what it signs; each co-signer adds its signature with `cosign`.
//! A mirror that strips a co-signature cannot do it silently (`missing_cosignature`), a signature by
//! a key the statement does not name never counts, and every co-signer's chain records the statement.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use attest::keys::{IssuerKey, SecretKey, TrustStore};
use attest::report::{AuditReport, ProblemKind, Verdict, VerifyReport, WarningKind};
use attest::sign::{cosign, sign_joint, sign_with, CosignError, SignOptions};
use attest::trust::{KeyRecord, Revocation};
use attest::{
    AuditOptions, DirArchive, Manifest, ReceivedCopy, SignError, SignRequest, VerifyOptions,
};

const HARBOUR: &str = "Harbour Rights Lawyers Network";
const LANTERN: &str = "Lantern Tenants Association 灯塔租户协会";
const RIVERSIDE: &str = "Riverside Residents Committee";

/// An archive in a temporary directory, three issuers' keys, and a trust store holding all three.
struct Groups {
    dir: tempfile::TempDir,
    harbour: SecretKey,
    lantern: SecretKey,
    riverside: SecretKey,
    trust: TrustStore,
}

fn text(n: &str) -> String {
    format!("Statement {n}: we call for the release of the detained lawyers.\n\n我们呼吁释放被羁押的律师。\n")
}

const JOINT: &str = "Joint open letter: the tenants of Riverside Court must not be evicted.\n\n\
                     We, the undersigned groups, stand together.\n";

impl Groups {
    fn new() -> Groups {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("manifests")).unwrap();
        let harbour = SecretKey::generate(HARBOUR).unwrap();
        let lantern = SecretKey::generate(LANTERN).unwrap();
        let riverside = SecretKey::generate(RIVERSIDE).unwrap();
        let mut trust = TrustStore::default();
        for k in [&harbour, &lantern, &riverside] {
            trust
                .add(k.public(), format!("{}.pub", k.key_id()).into())
                .unwrap();
        }
        Groups {
            dir,
            harbour,
            lantern,
            riverside,
            trust,
        }
    }

    fn archive(&self) -> PathBuf {
        self.dir.path().join("manifests")
    }

    fn request<'a>(&self, bytes: &'a [u8], name: &'a str) -> SignRequest<'a> {
        SignRequest {
            bytes,
            name,
            file_name: Some(format!("{name}.txt")),
            title: Some(format!("Statement {name}")),
            date: Some("2026-05-01".into()),
            languages: vec!["en".into(), "zh".into()],
            allow_suspicious: false,
            destination: attest::Destination::Archive,
        }
    }

    /// An ordinary statement of `key`'s issuer, signed into the archive.
    fn sign_own(&self, key: &SecretKey, n: &str) -> Manifest {
        let t = text(n);
        let signed = sign_with(
            key,
            &self.request(t.as_bytes(), n),
            &self.archive(),
            Some(&self.trust),
            &SignOptions::default(),
        )
        .unwrap();
        signed.manifest
    }

    /// The joint statement, signed by `key`, naming `cosigners`; its path.
    fn sign_joint(&self, key: &SecretKey, cosigners: &[&SecretKey]) -> PathBuf {
        let named: Vec<IssuerKey> = cosigners.iter().map(|k| k.public()).collect();
        let signed = sign_joint(
            key,
            &self.request(JOINT.as_bytes(), "joint"),
            &named,
            &self.archive(),
            Some(&self.trust),
            &SignOptions::default(),
        )
        .unwrap();
        signed.path.unwrap()
    }

    fn cosign(&self, path: &Path, key: &SecretKey) -> Result<attest::Cosigned, CosignError> {
        cosign(
            path,
            key,
            Some(&self.archive()),
            Some(&self.trust),
            &SignOptions::default(),
        )
    }

    fn verify(&self, copy: &str, issuer: Option<&str>) -> VerifyReport {
        let copy = ReceivedCopy::from_bytes("copy.txt", copy.as_bytes()).unwrap();
        let options = VerifyOptions {
            issuer: issuer.map(str::to_string),
        };
        attest::verify(
            &copy,
            &DirArchive::new(self.archive()),
            &self.trust,
            &options,
        )
        .unwrap()
    }

    fn audit(&self) -> AuditReport {
        attest::audit(
            &DirArchive::new(self.archive()),
            &self.trust,
            &AuditOptions::default(),
            &mut |_, _| {},
        )
        .unwrap()
    }

    /// The joint statement signed by Harbour, naming Lantern and Riverside, both co-signed.
    fn three_issuer_statement(&self) -> PathBuf {
        let path = self.sign_joint(&self.harbour, &[&self.lantern, &self.riverside]);
        self.cosign(&path, &self.lantern).unwrap();
        self.cosign(&path, &self.riverside).unwrap();
        path
    }
}

fn kinds(r: &AuditReport) -> Vec<ProblemKind> {
    r.problems.iter().map(|p| p.kind).collect()
}

fn warned(r: &VerifyReport, kind: WarningKind) -> bool {
    r.warnings.iter().any(|w| w.kind == kind)
}

/// Rewrite the manifest at `path` with `edit` applied to its JSON (as a mirror would).
fn tamper(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
}

fn manifest(path: &Path) -> Manifest {
    Manifest::parse(&std::fs::read(path).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Issue 8 item 3: making and verifying joint statements

#[test]
fn joint_statement_by_three_issuers_verifies_with_issuer_set_to_each() {
    let g = Groups::new();
    g.three_issuer_statement();
    for issuer in [HARBOUR, LANTERN, RIVERSIDE] {
        let r = g.verify(JOINT, Some(issuer));
        assert_eq!(
            r.verdict,
            Verdict::Exact,
            "--issuer {issuer}: {:?}",
            r.warnings
        );
        assert_eq!(r.signers, vec![HARBOUR, LANTERN, RIVERSIDE]);
        assert_eq!(r.signed_by.len(), 3);
        assert!(!warned(&r, WarningKind::MissingCosignature));
    }
    let r = g.verify(JOINT, Some("Some Other Group"));
    assert_eq!(r.verdict, Verdict::Misattributed);
}

#[test]
fn cosign_adds_a_signature_without_changing_what_the_first_issuer_signed() {
    let g = Groups::new();
    let path = g.sign_joint(&g.harbour, &[&g.lantern]);
    let before = manifest(&path);
    let done = g.cosign(&path, &g.lantern).unwrap();
    let after = manifest(&path);
    assert_eq!(after, done.manifest);
    // Same payload, same digest, the first signature untouched; one signature more.
    assert_eq!(after.digest(), before.digest());
    assert_eq!(after.wire().cosigners, before.wire().cosigners);
    assert_eq!(after.signatures()[0], before.signatures()[0]);
    assert_eq!(after.signatures().len(), 2);
    assert!(after.signed_by(&g.lantern.public().key));
    // The file was replaced in place: no temporary file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".attest-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn cosign_twice_by_the_same_key_is_refused_and_leaves_the_file_unchanged() {
    let g = Groups::new();
    let path = g.sign_joint(&g.harbour, &[&g.lantern]);
    g.cosign(&path, &g.lantern).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let err = g.cosign(&path, &g.lantern).unwrap_err();
    assert!(matches!(err, CosignError::AlreadySigned { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn cosign_by_a_key_the_statement_does_not_name_is_refused() {
    let g = Groups::new();
    let path = g.sign_joint(&g.harbour, &[&g.lantern]);
    let bytes = std::fs::read(&path).unwrap();
    let err = g.cosign(&path, &g.riverside).unwrap_err();
    assert!(
        matches!(err, CosignError::NotNamed { named: None, .. }),
        "{err}"
    );
    // Lantern's issuer, but another key than the one named.
    let spare = SecretKey::generate(LANTERN).unwrap();
    let err = g.cosign(&path, &spare).unwrap_err();
    assert!(
        matches!(err, CosignError::NotNamed { named: Some(k), .. } if k == g.lantern.key_id()),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn sign_refuses_its_own_issuer_or_a_twice_named_cosigner() {
    let g = Groups::new();
    let t = JOINT.as_bytes();
    for named in [
        vec![g.harbour.public()],
        vec![g.lantern.public(), g.lantern.public()],
    ] {
        let err = sign_joint(
            &g.harbour,
            &g.request(t, "joint"),
            &named,
            &g.archive(),
            Some(&g.trust),
            &SignOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, SignError::BadCosigner { .. }), "{err}");
    }
}

#[test]
fn cosignature_by_an_untrusted_key_is_reported_and_never_counted() {
    let mut g = Groups::new();
    g.three_issuer_statement();
    // A verifier who does not trust Riverside's key.
    let mut trust = TrustStore::default();
    trust.add(g.harbour.public(), "h.pub".into()).unwrap();
    trust.add(g.lantern.public(), "l.pub".into()).unwrap();
    g.trust = trust;
    let r = g.verify(JOINT, None);
    assert_eq!(r.verdict, Verdict::Exact);
    assert_eq!(r.signers, vec![HARBOUR, LANTERN]);
    assert!(warned(&r, WarningKind::Signature), "{:?}", r.warnings);
    assert_eq!(
        g.verify(JOINT, Some(RIVERSIDE)).verdict,
        Verdict::Misattributed
    );
    assert!(kinds(&g.audit()).contains(&ProblemKind::UnknownKey));
}

#[test]
fn cosignature_by_a_revoked_key_after_its_point_is_reported_and_never_counted() {
    let g = Groups::new();
    // Riverside has two statements of its own; the joint statement is its seq 3.
    g.sign_own(&g.riverside, "r1");
    g.sign_own(&g.riverside, "r2");
    let path = g.three_issuer_statement();
    assert_eq!(manifest(&path).position_of(RIVERSIDE).unwrap().0, 3);
    // Riverside's key is seized: it vouches for nothing after seq 2.
    let r = Revocation::sign(
        &g.riverside,
        &g.riverside.public(),
        2,
        Some("seized".into()),
    )
    .unwrap();
    let dir = g.archive().join("riverside-residents-committee/keys");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("revoke.revocation"),
        KeyRecord::Revocation(r).to_json(),
    )
    .unwrap();
    let report = g.verify(JOINT, None);
    assert_eq!(report.verdict, Verdict::Exact);
    assert_eq!(report.signers, vec![HARBOUR, LANTERN]);
    assert!(
        warned(&report, WarningKind::Signature),
        "{:?}",
        report.warnings
    );
    assert_eq!(
        g.verify(JOINT, Some(RIVERSIDE)).verdict,
        Verdict::Misattributed
    );
    let audit = g.audit();
    assert!(
        audit
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::RevokedKey && p.path.ends_with(".json")),
        "{:?}",
        audit.problems
    );
}

#[test]
fn cosignature_by_a_key_revoked_after_the_statement_still_counts() {
    let g = Groups::new();
    let path = g.three_issuer_statement();
    assert_eq!(manifest(&path).position_of(RIVERSIDE).unwrap().0, 1);
    // Revoked after seq 1: the joint statement (Riverside's seq 1) is at the point.
    let r = Revocation::sign(&g.riverside, &g.riverside.public(), 1, None).unwrap();
    std::fs::write(
        g.archive().join("r.revocation"),
        KeyRecord::Revocation(r).to_json(),
    )
    .unwrap();
    let report = g.verify(JOINT, Some(RIVERSIDE));
    assert_eq!(report.verdict, Verdict::Exact);
    assert_eq!(report.signers, vec![HARBOUR, LANTERN, RIVERSIDE]);
}

// ---------------------------------------------------------------------------------------------
// Issue 10 item 6: co-signatures cannot be stripped silently

#[test]
fn cosignature_stripped_by_a_mirror_leaves_the_others_valid_and_is_reported() {
    let g = Groups::new();
    let path = g.three_issuer_statement();
    let lantern_id = g.lantern.key_id().to_string();
    tamper(&path, |v| {
        v["signatures"]
            .as_array_mut()
            .unwrap()
            .retain(|s| s["key_id"] != lantern_id.as_str());
    });
    let r = g.verify(JOINT, None);
    assert_eq!(r.verdict, Verdict::Exact);
    assert_eq!(r.signers, vec![HARBOUR, RIVERSIDE]);
    assert!(
        warned(&r, WarningKind::MissingCosignature),
        "{:?}",
        r.warnings
    );
    for issuer in [HARBOUR, RIVERSIDE] {
        assert_eq!(g.verify(JOINT, Some(issuer)).verdict, Verdict::Exact);
    }
    assert_eq!(
        g.verify(JOINT, Some(LANTERN)).verdict,
        Verdict::Misattributed
    );
    let audit = g.audit();
    assert_eq!(kinds(&audit), vec![ProblemKind::MissingCosignature]);
    assert!(!audit.is_clean());
}

#[test]
fn cosigner_removed_from_the_signed_list_breaks_every_signature() {
    let g = Groups::new();
    let path = g.three_issuer_statement();
    // The mirror removes Lantern from the list and its signature, to hide it without a trace.
    let lantern_id = g.lantern.key_id().to_string();
    tamper(&path, |v| {
        v["cosigners"]
            .as_array_mut()
            .unwrap()
            .retain(|c| c["key_id"] != lantern_id.as_str());
        v["signatures"]
            .as_array_mut()
            .unwrap()
            .retain(|s| s["key_id"] != lantern_id.as_str());
    });
    let r = g.verify(JOINT, None);
    assert_ne!(r.verdict, Verdict::Exact);
    let audit = g.audit();
    assert!(kinds(&audit).contains(&ProblemKind::BadSignature));
    assert!(kinds(&audit).contains(&ProblemKind::NotSignedByIssuer));
}

#[test]
fn a_missing_cosignature_before_cosign_is_a_warning_in_verify_and_a_problem_in_audit() {
    let g = Groups::new();
    g.sign_joint(&g.harbour, &[&g.lantern]);
    let r = g.verify(JOINT, None);
    assert_eq!(r.verdict, Verdict::Exact);
    assert_eq!(r.signers, vec![HARBOUR]);
    assert!(warned(&r, WarningKind::MissingCosignature));
    assert_eq!(
        kinds(&g.audit()),
        vec![ProblemKind::MissingCosignature],
        "and nothing else: Lantern's chain is not charged with a statement it has not signed"
    );
}

#[test]
fn cosignature_added_by_a_key_not_named_is_reported_and_never_counted() {
    let g = Groups::new();
    let path = g.sign_joint(&g.harbour, &[&g.lantern]);
    g.cosign(&path, &g.lantern).unwrap();
    // A valid signature by Riverside's trusted key, added to the file by hand (not named).
    let with_extra = manifest(&path).add_signature(&g.riverside).unwrap();
    std::fs::write(&path, with_extra.to_json()).unwrap();
    let r = g.verify(JOINT, Some(RIVERSIDE));
    assert_eq!(r.verdict, Verdict::Misattributed);
    assert_eq!(r.signers, vec![HARBOUR, LANTERN]);
    assert_eq!(kinds(&g.audit()), vec![ProblemKind::UnnamedCosigner]);
}

#[test]
fn a_second_signature_on_an_ordinary_manifest_never_counts() {
    let g = Groups::new();
    let m = g.sign_own(&g.harbour, "h1");
    let path = std::fs::read_dir(g.archive().join("harbour-rights-lawyers-network"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    std::fs::write(&path, m.add_signature(&g.lantern).unwrap().to_json()).unwrap();
    let r = g.verify(&text("h1"), Some(LANTERN));
    assert_eq!(r.verdict, Verdict::Misattributed);
    assert_eq!(r.signers, vec![HARBOUR]);
    assert_eq!(kinds(&g.audit()), vec![ProblemKind::UnnamedCosigner]);
}

// ---------------------------------------------------------------------------------------------
// Each co-signer's chain records the statement

#[test]
fn each_cosigners_chain_records_the_statement_and_audits_clean() {
    let g = Groups::new();
    g.sign_own(&g.harbour, "h1");
    g.sign_own(&g.lantern, "l1");
    g.sign_own(&g.lantern, "l2");
    let path = g.three_issuer_statement();
    let m = manifest(&path);
    assert_eq!(m.seq(), 2);
    let l2 = g
        .audit()
        .issuers
        .iter()
        .find(|i| i.issuer == LANTERN)
        .cloned();
    assert_eq!(m.position_of(LANTERN).unwrap().0, 3, "{l2:?}");
    assert_eq!(m.position_of(RIVERSIDE), Some((1, None)));
    // Each co-signer's next statement of its own follows the joint statement in its chain.
    let l4 = g.sign_own(&g.lantern, "l4");
    assert_eq!((l4.seq(), l4.prev()), (4, Some(m.digest())));
    let r2 = g.sign_own(&g.riverside, "r2");
    assert_eq!((r2.seq(), r2.prev()), (2, Some(m.digest())));
    let h3 = g.sign_own(&g.harbour, "h3");
    assert_eq!((h3.seq(), h3.prev()), (3, Some(m.digest())));
    let audit = g.audit();
    assert!(audit.is_clean(), "{:?}", audit.problems);
    let latest: Vec<(String, u64)> = audit
        .issuers
        .iter()
        .map(|i| (i.issuer.clone(), i.latest_seq))
        .collect();
    assert!(latest.contains(&(HARBOUR.to_string(), 3)));
    assert!(latest.contains(&(LANTERN.to_string(), 4)));
    assert!(latest.contains(&(RIVERSIDE.to_string(), 2)));
}

#[test]
fn cosigners_chain_gap_is_reported() {
    let g = Groups::new();
    g.sign_own(&g.lantern, "l1");
    g.sign_own(&g.lantern, "l2");
    g.three_issuer_statement();
    // A mirror deletes Lantern's seq 2: the joint statement (Lantern's seq 3) follows a gap.
    let folder = g.archive().join("lantern-tenants-association");
    let l2 = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("000002")
        })
        .unwrap();
    std::fs::remove_file(l2).unwrap();
    let audit = g.audit();
    let gap = audit
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::ChainGap)
        .expect("a chain gap");
    assert!(
        gap.path.contains("harbour-rights-lawyers-network"),
        "{gap:?}"
    );
    assert!(gap.message.contains(LANTERN));
}

#[test]
fn cosign_refuses_when_the_cosigners_chain_moved_on_since_the_statement_was_named() {
    let g = Groups::new();
    let path = g.sign_joint(&g.harbour, &[&g.lantern]);
    // Lantern signs a statement of its own first: it takes seq 1, which the joint statement
    // names for it. Co-signing now would fork Lantern's chain.
    g.sign_own(&g.lantern, "l1");
    let err = g.cosign(&path, &g.lantern).unwrap_err();
    assert!(
        matches!(
            err,
            CosignError::Position {
                seq: 1,
                head: Some((1, _)),
                ..
            }
        ),
        "{err}"
    );
    // Without an archive to check, the co-signature is added, and audit reports the fork.
    cosign(
        &path,
        &g.lantern,
        None,
        Some(&g.trust),
        &SignOptions::default(),
    )
    .unwrap();
    assert!(kinds(&g.audit()).contains(&ProblemKind::ChainFork));
}

#[test]
fn a_joint_statement_at_a_position_the_cosigner_already_used_is_a_fork() {
    let g = Groups::new();
    g.sign_own(&g.lantern, "l1");
    let genuine = g.sign_own(&g.lantern, "l2");
    assert_eq!(genuine.seq(), 2);
    // A joint statement that names Lantern at seq 2, a position already taken, signed by both
    // keys (made by hand: `sign` would name seq 3, and `cosign --archive` would refuse).
    let path = g.sign_joint(&g.harbour, &[&g.lantern]);
    let mut wire = manifest(&path).wire().clone();
    let named = &mut wire.cosigners.as_mut().unwrap()[0];
    assert_eq!(named.seq, 3);
    named.seq = 2;
    named.prev = genuine.prev();
    let payload = attest::manifest::signing_payload(&wire).unwrap();
    let sig = |k: &SecretKey| attest::manifest::SignatureWire {
        key_id: k.key_id().to_string(),
        public_key: base64_of(k.public().key.as_bytes()),
        signature: base64_of(&k.sign(&payload).to_bytes()),
    };
    wire.signatures = vec![sig(&g.harbour), sig(&g.lantern)];
    let forked = Manifest::try_from(wire).unwrap();
    std::fs::write(&path, forked.to_json()).unwrap();
    let audit = g.audit();
    let forks = audit
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::ChainFork)
        .count();
    assert_eq!(forks, 2, "{:?}", audit.problems);
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// ---------------------------------------------------------------------------------------------
// The command line, end to end

fn attest(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(args)
        .current_dir(dir)
        .env_remove("ATTEST_PASSPHRASE")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_STATE_HOME")
        .env("ATTEST_KEYS", dir.join("keys"))
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
fn cli_sign_cosigner_then_cosign_then_verify_and_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("manifests")).unwrap();
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    for (prefix, issuer) in [("h", HARBOUR), ("l", LANTERN), ("r", RIVERSIDE)] {
        ok(
            dir,
            &[
                "keygen",
                "--issuer",
                issuer,
                "--out",
                prefix,
                "--unencrypted",
            ],
        );
        std::fs::copy(
            dir.join(format!("{prefix}.pub")),
            dir.join(format!("keys/{prefix}.pub")),
        )
        .unwrap();
    }
    std::fs::write(dir.join("letter.txt"), JOINT).unwrap();
    let path = ok(
        dir,
        &[
            "sign",
            "letter.txt",
            "--key",
            "h.key",
            "--cosigner",
            "l.pub",
            "--cosigner",
            "r.pub",
        ],
    );
    let path = path.trim_end();
    // Before the co-signatures: verify warns, audit finds problems (exit 1).
    assert_eq!(attest(dir, &["audit"]).status.code(), Some(1));
    ok(dir, &["cosign", path, "--key", "l.key"]);
    ok(dir, &["cosign", path, "--key", "r.key"]);
    for issuer in [HARBOUR, LANTERN, RIVERSIDE] {
        let json = ok(dir, &["verify", "letter.txt", "--issuer", issuer, "--json"]);
        let r: VerifyReport = serde_json::from_str(&json).unwrap();
        assert_eq!(r.verdict, Verdict::Exact);
        assert_eq!(r.signers, vec![HARBOUR, LANTERN, RIVERSIDE]);
    }
    let json = ok(dir, &["audit", "--json"]);
    let r: AuditReport = serde_json::from_str(&json).unwrap();
    assert!(r.is_clean(), "{:?}", r.problems);
    assert_eq!(r.issuers.len(), 3);
    // A co-signer not named cannot add a signature.
    ok(
        dir,
        &[
            "keygen",
            "--issuer",
            "Other Group",
            "--out",
            "o",
            "--unencrypted",
        ],
    );
    assert_eq!(
        attest(dir, &["cosign", path, "--key", "o.key"])
            .status
            .code(),
        Some(2)
    );
    // A mirror strips Riverside's co-signature: audit says so (exit 1), verify still exact.
    let r_id = IssuerKey::read(&dir.join("r.pub"))
        .unwrap()
        .key_id
        .to_string();
    tamper(&dir.join(path), |v| {
        v["signatures"]
            .as_array_mut()
            .unwrap()
            .retain(|s| s["key_id"] != r_id.as_str());
    });
    let out = attest(dir, &["audit", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let r: AuditReport = serde_json::from_slice(&out.stdout).unwrap();
    // Riverside's chain, remembered from the clean audit, has lost its only manifest too.
    assert_eq!(
        kinds(&r),
        vec![ProblemKind::Rollback, ProblemKind::MissingCosignature]
    );
    let json = ok(dir, &["verify", "letter.txt", "--json"]);
    let r: VerifyReport = serde_json::from_str(&json).unwrap();
    assert!(warned(&r, WarningKind::MissingCosignature));
}
