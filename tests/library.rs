//! The library on its own, with no binary: verify and audit through the facade (`attest::verify`,
//! `attest::audit`), over an archive held in memory and one on disk. A browser verifier or a server
//! will call exactly these.

mod common;
use common::signed;

use std::path::PathBuf;

use attest::archive::{Archive, FileProblem};
use attest::report::{ChangeKind, MatchKind};
use attest::{
    AuditOptions, DirArchive, Manifest, MemoryArchive, ProblemKind, ReceivedCopy, SecretKey,
    TrustStore, Verdict, VerifyOptions, WarningKind,
};

const ISSUER: &str = "Lantern Coast Legal Aid Collective";

const FIRST: &str = "Open letter on the detention of defence lawyers\n\n\
We, the undersigned lawyers of the Lantern Coast Legal Aid Collective, call for the immediate \
release of the three defence lawyers detained on 2 March 2026, and for their families and \
counsel of their choice to be allowed to visit them.\n\n\
我们要求立即释放被羁押的三名辩护律师，并保障其家属和自行委托的律师会见的权利。\n\n\
Contact: Mei Ling Tan, +852 5550 0117\n";

const SECOND: &str = "Statement on the closure of the Harbourside legal clinic\n\n\
The closure of the Harbourside legal clinic leaves four thousand residents without free legal \
advice. We ask the city council to reverse its decision before the end of the year.\n\n\
Contact: Arun Pillai, +852 5550 0242\n";

struct World {
    archive: MemoryArchive,
    trust: TrustStore,
    impostor: SecretKey,
    /// The issuer's latest manifest, which an impostor's forgery links to.
    head: Manifest,
}

/// Two chained statements of ISSUER, a trust store that trusts its key, and an impostor's key
/// that claims the same name.
fn world() -> World {
    let key = SecretKey::generate(ISSUER).unwrap();
    let impostor = SecretKey::generate(ISSUER).unwrap();
    let first = signed(&key, FIRST, 1, None);
    let second = signed(&key, SECOND, 2, Some(&first));
    let mut archive = MemoryArchive::new("memory");
    archive.insert("lantern/000001.json", first.to_json());
    archive.insert("lantern/000002.json", second.to_json());
    let mut trust = TrustStore::default();
    trust
        .add(key.public(), PathBuf::from("lantern.pub"))
        .unwrap();
    World {
        archive,
        trust,
        impostor,
        head: second,
    }
}

fn verify(w: &World, copy: &str, issuer: Option<&str>) -> attest::VerifyReport {
    let copy = ReceivedCopy::from_bytes("copy.txt", copy.as_bytes()).unwrap();
    let options = VerifyOptions {
        issuer: issuer.map(str::to_string),
    };
    attest::verify(&copy, &w.archive, &w.trust, &options).unwrap()
}

#[test]
fn exact_bytes_verify_as_exact_through_the_library() {
    let w = world();
    let r = verify(&w, FIRST, None);
    assert_eq!(r.verdict, Verdict::Exact);
    assert_eq!(r.issuer.as_deref(), Some(ISSUER));
    assert_eq!(r.manifest.unwrap().seq, 1);
}

#[test]
fn rewrapped_crlf_copy_is_reformatted_through_the_library() {
    let w = world();
    let copy = FIRST
        .replace("immediate release", "immediate\nrelease")
        .replace('\n', "\r\n");
    let r = verify(&w, &copy, None);
    assert_eq!(r.verdict, Verdict::Reformatted);
    assert!(!r.differences.is_empty());
}

#[test]
fn changed_phone_number_is_modified_with_the_change_shown() {
    let w = world();
    let r = verify(&w, &FIRST.replace("0117", "0171"), None);
    assert_eq!(r.verdict, Verdict::Modified);
    let change = &r.changes[0];
    assert_eq!(change.kind, ChangeKind::Altered);
    assert_eq!(
        (change.original.as_str(), change.copy.as_str()),
        ("0117", "0171")
    );
}

#[test]
fn unrelated_text_is_unknown() {
    let w = world();
    let r = verify(
        &w,
        "A recipe for steamed buns: flour, water, yeast and patience.\n",
        None,
    );
    assert_eq!(r.verdict, Verdict::Unknown);
    assert!(r.issuer.is_none());
}

#[test]
fn claimed_issuer_that_did_not_sign_is_misattributed() {
    let w = world();
    let r = verify(&w, FIRST, Some("Some Other Lawyers Group"));
    assert_eq!(r.verdict, Verdict::Misattributed);
    assert!(r
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::Misattributed));
}

#[test]
fn impostor_statement_under_the_issuers_name_is_untrusted() {
    let mut w = world();
    let text = "We withdraw our open letter of 8 March 2026.\n";
    let forged = signed(&w.impostor, text, 3, Some(&w.head));
    w.archive.insert("lantern/000003.json", forged.to_json());
    let r = verify(&w, text, None);
    assert_eq!(r.verdict, Verdict::Untrusted);
    assert!(r.issuer.is_none());
    assert_eq!(r.manifest.as_ref().unwrap().path, "lantern/000003.json");
    assert!(r.warnings.iter().any(|w| w.kind == WarningKind::Untrusted));
}

#[test]
fn trusted_statement_wins_over_an_impostors_exact_copy() {
    let mut w = world();
    // The impostor signs the altered text; the copy is exactly the impostor's bytes.
    let altered = FIRST.replace("0117", "0171");
    let forged = signed(&w.impostor, &altered, 3, Some(&w.head));
    w.archive.insert("zz-impostor.json", forged.to_json());
    let r = verify(&w, &altered, None);
    assert_eq!(r.verdict, Verdict::Modified);
    assert_eq!(r.issuer.as_deref(), Some(ISSUER));
    assert!(r
        .other_matches
        .iter()
        .any(|m| m.matched == MatchKind::Exact && m.manifest.path == "zz-impostor.json"));
}

#[test]
fn manifest_written_as_a_json_array_is_never_used() {
    let mut w = world();
    // The same fields as a real manifest, written as an array: serde's derived readers would take
    // it for a struct, so every reader must refuse it.
    let real: serde_json::Value =
        serde_json::from_str(&signed(&w.impostor, "Array text.\n", 1, None).to_json()).unwrap();
    let array: Vec<serde_json::Value> = real.as_object().unwrap().values().cloned().collect();
    w.archive
        .insert("array.json", serde_json::to_vec(&array).unwrap());
    let r = verify(&w, "Array text.\n", None);
    assert_eq!(r.verdict, Verdict::Unknown);
    let audit = attest::audit(
        &w.archive,
        &w.trust,
        &AuditOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    assert!(audit
        .problems
        .iter()
        .any(|p| p.path == "array.json" && p.kind == ProblemKind::Malformed));
}

#[test]
fn audit_of_a_clean_memory_archive_is_clean_and_an_impostor_is_reported() {
    let mut w = world();
    let options = AuditOptions::default();
    let clean = attest::audit(&w.archive, &w.trust, &options, &mut |_, _| {}).unwrap();
    assert!(clean.is_clean(), "{:?}", clean.problems);
    assert_eq!(clean.valid, 2);
    assert_eq!(clean.issuers[0].latest_seq, 2);

    let forged = signed(&w.impostor, "We withdraw everything.\n", 3, Some(&w.head));
    w.archive.insert("lantern/000003.json", forged.to_json());
    let report = attest::audit(&w.archive, &w.trust, &options, &mut |_, _| {}).unwrap();
    let kinds: Vec<ProblemKind> = report.problems.iter().map(|p| p.kind).collect();
    assert!(kinds.contains(&ProblemKind::UnknownKey), "{kinds:?}");
    assert!(kinds.contains(&ProblemKind::NotSignedByIssuer), "{kinds:?}");
    // The impostor's manifest does not extend the issuer's chain.
    assert_eq!(report.issuers[0].latest_seq, 2);
}

#[test]
fn empty_archive_fails_closed() {
    let w = world();
    let empty = MemoryArchive::new("empty");
    let result = attest::audit(&empty, &w.trust, &AuditOptions::default(), &mut |_, _| {});
    assert!(matches!(result, Err(attest::ArchiveError::Empty { .. })));
}

#[test]
fn directory_archive_skips_hidden_files_and_reports_symbolic_links() {
    let w = world();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(root.join("lantern")).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    for path in w.archive.list().unwrap().files {
        let bytes = w.archive.read(&path).unwrap();
        std::fs::write(root.join(&path), bytes).unwrap();
    }
    std::fs::write(root.join(".git/stray.json"), b"not a manifest").unwrap();
    std::fs::write(root.join(".attest-tmp-123"), b"{").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", root.join("link.json")).unwrap();

    let archive = DirArchive::new(&root);
    let listing = archive.list().unwrap();
    assert_eq!(listing.files.len(), 2, "{:?}", listing.files);
    #[cfg(unix)]
    assert!(matches!(
        listing.problems.as_slice(),
        [p] if matches!(p.problem, FileProblem::SymbolicLink)
    ));
    let copy = ReceivedCopy::from_bytes("copy.txt", SECOND.as_bytes()).unwrap();
    let r = attest::verify(&copy, &archive, &w.trust, &VerifyOptions::default()).unwrap();
    assert_eq!(r.verdict, Verdict::Exact);
    assert!(matches!(
        archive.read(std::path::Path::new("/etc/hostname")),
        Err(FileProblem::NotInArchive)
    ));
}

/// An empty archive fails closed in verify as it does in audit: more likely a wrong path.
#[test]
fn verify_against_an_empty_archive_fails_closed() {
    let w = world();
    let copy = ReceivedCopy::from_bytes("copy.txt", FIRST.as_bytes()).unwrap();
    let empty = MemoryArchive::new("empty");
    let result = attest::verify(&copy, &empty, &w.trust, &VerifyOptions::default());
    assert!(matches!(result, Err(attest::ArchiveError::Empty { .. })));
}

#[test]
fn missing_directory_archive_is_an_error_naming_it() {
    let w = world();
    let copy = ReceivedCopy::from_bytes("copy.txt", FIRST.as_bytes()).unwrap();
    let archive = DirArchive::new("/nonexistent/attest-archive");
    let result = attest::verify(&copy, &archive, &w.trust, &VerifyOptions::default());
    assert!(matches!(
        result,
        Err(attest::ArchiveError::Unreadable { .. })
    ));
}

/// A second trusted group that signs a copy of a statement must never hide the group that signed
/// it: both are signers, a warning names the other manifest, and the order between them is by name,
/// not by a sequence number either of them chose.
#[test]
fn another_trusted_issuer_signing_the_same_words_never_hides_the_first() {
    let mut w = world();
    let other = SecretKey::generate("Aardvark Lawyers Guild").unwrap();
    w.trust
        .add(other.public(), PathBuf::from("aardvark.pub"))
        .unwrap();
    // A high sequence number must not make the copier win.
    let mut copied = signed(&other, FIRST, 1, None);
    for seq in 2..=9 {
        copied = signed(
            &other,
            &format!("Filler statement {seq}.\n"),
            seq,
            Some(&copied),
        );
    }
    let copied = signed(&other, FIRST, 10, Some(&copied));
    w.archive.insert("aardvark/000010.json", copied.to_json());

    let r = verify(&w, FIRST, None);
    assert_eq!(r.verdict, Verdict::Exact);
    let mut signers = r.signers.clone();
    signers.sort();
    assert_eq!(
        signers,
        vec!["Aardvark Lawyers Guild".to_string(), ISSUER.to_string()]
    );
    assert!(r.warnings.iter().any(|w| w.kind == WarningKind::AlsoSigned));
    assert_eq!(r.signed_by.len(), 2);
    assert!(r.signed_by.iter().all(|s| s.key_id.len() == 16));

    for claimed in [ISSUER, "Aardvark Lawyers Guild"] {
        let r = verify(&w, FIRST, Some(claimed));
        assert_eq!(r.verdict, Verdict::Exact);
        assert_eq!(r.issuer.as_deref(), Some(claimed));
        assert_eq!(r.signers[0], claimed);
        assert_eq!(r.signers.len(), 2);
    }
}

/// Forged manifests that copy the copy's text and name the trusted key id (with signatures that do
/// not verify) must not push the genuine statement off the similarity shortlist: the changed digit
/// is shown, against the trusted statement.
#[test]
fn forged_lookalikes_naming_a_trusted_key_never_crowd_out_the_genuine_statement() {
    let mut w = world();
    let altered = FIRST.replace("0117", "0171");
    let trusted_key = w
        .trust
        .keys()
        .next()
        .map(|k| k.key.clone())
        .expect("one trusted key");
    for i in 0..(2 * attest::verify::SIMILAR_SHORTLIST + 5) {
        let text = format!("{altered}Reference {i}.\n");
        let forged = signed(&w.impostor, &text, 3, Some(&w.head));
        let mut value: serde_json::Value = serde_json::from_str(&forged.to_json()).unwrap();
        let signature = &mut value["signatures"][0];
        signature["key_id"] = trusted_key.key_id.to_string().into();
        signature["public_key"] =
            serde_json::Value::String(trusted_key.to_line().split(' ').nth(2).unwrap().to_string());
        w.archive.insert(
            format!("forged/{i:03}.json"),
            serde_json::to_vec_pretty(&value).unwrap(),
        );
    }
    let r = verify(&w, &altered, None);
    assert_eq!(r.verdict, Verdict::Modified, "{:?}", r.warnings);
    assert_eq!(r.issuer.as_deref(), Some(ISSUER));
    assert_eq!(r.changes[0].original, "0117");
}

/// The three jobs end to end through the library alone, on a directory archive: sign two
/// statements with `attest::sign` (archive lock, chain head), verify a re-wrapped copy of the first
/// and a modified copy of the second with `attest::verify`, and audit the archive with
/// `attest::audit`. No binary is involved.
#[test]
fn sign_verify_audit_through_the_library_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir(&root).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let mut trust = TrustStore::default();
    trust.add(key.public(), PathBuf::from("own.pub")).unwrap();
    let mut paths = Vec::new();
    for (text, date) in [(FIRST, "2026-03-08"), (SECOND, "2026-05-20")] {
        let request = attest::SignRequest {
            bytes: text.as_bytes(),
            name: "statement.txt",
            file_name: Some("statement.txt".into()),
            title: Some(format!("Statement of {date}")),
            date: Some(date.into()),
            languages: Vec::new(),
            allow_suspicious: false,
            destination: attest::Destination::Archive,
        };
        let signed = attest::sign(&key, &request, &root, Some(&trust)).unwrap();
        assert!(signed.warnings.is_empty(), "{:?}", signed.warnings);
        paths.push(signed.path.unwrap());
    }
    let second = attest::archive::read_manifest(&paths[1]).unwrap();
    let first = attest::archive::read_manifest(&paths[0]).unwrap();
    assert_eq!((first.seq(), second.seq()), (1, 2));
    assert_eq!(second.prev(), Some(first.digest()));

    let archive = DirArchive::new(&root);
    let options = VerifyOptions::default();
    let rewrapped = FIRST.replace("immediate release", "immediate\nrelease");
    let copy = ReceivedCopy::from_bytes("copy.txt", rewrapped.as_bytes()).unwrap();
    let r = attest::verify(&copy, &archive, &trust, &options).unwrap();
    assert_eq!(r.verdict, Verdict::Reformatted);
    assert_eq!(r.manifest.unwrap().seq, 1);

    let modified = SECOND.replace("0242", "0224");
    let copy = ReceivedCopy::from_bytes("copy.txt", modified.as_bytes()).unwrap();
    let r = attest::verify(&copy, &archive, &trust, &options).unwrap();
    assert_eq!(r.verdict, Verdict::Modified);
    assert_eq!(r.changes[0].original, "0242");

    let audit = attest::audit(&archive, &trust, &AuditOptions::default(), &mut |_, _| {}).unwrap();
    assert!(audit.is_clean(), "{:?}", audit.problems);
    assert_eq!((audit.manifests, audit.valid), (2, 2));
}

/// An embedded statement's report names the unsigned material around it, so that a reader can
/// see which words are not the group's (a forward's banner, a page's comments).
#[test]
fn embedded_statement_report_names_the_unsigned_material() {
    let w = world();
    let copy = format!(
        "Fwd: from the clinic's newsletter\n\nPlease share widely.\n\n{SECOND}\nComments (2): Nobody asked the residents."
    );
    let report = verify(&w, &copy, None);
    assert_eq!(report.verdict, attest::Verdict::Embedded, "{report:?}");
    let material = report
        .warnings
        .iter()
        .find(|w| w.kind == attest::report::WarningKind::UnsignedMaterial)
        .expect("an unsigned_material warning");
    assert!(
        material.message.contains("Please share widely.")
            && material.message.contains("Nobody asked the residents."),
        "{}",
        material.message
    );
}
