//! Bounded cost on hostile input (issue 6, item 9): a copy stuffed with millions of suspicious
//! characters gets a report of a few lines with the right counts, a copy too long to compare word
//! by word is looked up by digest only and says so, and a manifest file over the size limit is
//! skipped with a warning (verify) or a problem (audit) without being read. The inputs here are of
//! 1 to 5 MiB, to keep debug-build test runs quick; bench/hostile.sh runs the 64 MiB ones (and fails
//! if one of them is authentic) and measures time and memory, which no test here asserts.

mod common;
use common::signed;

use std::path::PathBuf;

use attest::archive::MAX_MANIFEST_BYTES;
use attest::canon::{SuspiciousKind, MAX_LISTED_SUSPICIOUS};
use attest::report::Verdict;
use attest::verify::MAX_COMPARED_BYTES;
use attest::{
    AuditOptions, DirArchive, MemoryArchive, ProblemKind, ReceivedCopy, SecretKey, TrustStore,
    VerifyOptions, VerifyReport, WarningKind,
};

const ISSUER: &str = "Lantern Coast Legal Aid Collective";

const LETTER: &str = "Open letter on the detention of defence lawyers\n\n\
We, the undersigned lawyers of the Lantern Coast Legal Aid Collective, call for the immediate \
release of the three defence lawyers detained on 2 March 2026, and for their families and \
counsel of their choice to be allowed to visit them.\n\n\
我们要求立即释放被羁押的三名辩护律师，并保障其家属和自行委托的律师会见的权利。\n\n\
Contact: Mei Ling Tan, +852 5550 0117\n";

const MIB: usize = 1024 * 1024;

struct World {
    archive: MemoryArchive,
    trust: TrustStore,
    /// The signed letter's manifest file.
    manifest: String,
}

/// The letter signed by its issuer, in an archive held in memory, with the issuer's key trusted.
fn world() -> World {
    let key = SecretKey::generate(ISSUER).unwrap();
    let manifest = signed(&key, LETTER, 1, None).to_json();
    let mut archive = MemoryArchive::new("memory");
    archive.insert("lantern/000001.json", manifest.clone());
    let mut trust = TrustStore::default();
    trust
        .add(key.public(), PathBuf::from("lantern.pub"))
        .unwrap();
    World {
        archive,
        trust,
        manifest,
    }
}

fn verify_bytes(w: &World, archive: &dyn attest::Archive, copy: &[u8]) -> VerifyReport {
    let copy = ReceivedCopy::from_bytes("copy.txt", copy).unwrap();
    attest::verify(&copy, archive, &w.trust, &VerifyOptions::default()).unwrap()
}

fn verify(w: &World, copy: &str) -> VerifyReport {
    verify_bytes(w, &w.archive, copy.as_bytes())
}

fn warnings_of(r: &VerifyReport, kind: WarningKind) -> usize {
    r.warnings.iter().filter(|w| w.kind == kind).count()
}

/// The largest number of warnings a report of a hostile copy may carry here: four kinds of
/// suspicious characters, and a few about the comparison and the archive.
const FEW_WARNINGS: usize = 12;

#[test]
fn copy_of_a_million_control_characters_lists_the_first_few_and_counts_them_all() {
    let w = world();
    let text = "\u{1}".repeat(MIB);
    let copy = ReceivedCopy::from_bytes("copy.txt", text.as_bytes()).unwrap();
    let counts = copy.canonical().suspicious_counts;
    assert_eq!(counts.control, MIB as u64);
    assert_eq!(counts.total(), MIB as u64);
    assert_eq!(copy.canonical().suspicious.len(), MAX_LISTED_SUSPICIOUS);
    let r = verify(&w, &text);
    assert_eq!(r.verdict, Verdict::Unknown);
    assert_eq!(r.suspicious.len(), MAX_LISTED_SUSPICIOUS);
    assert_eq!(warnings_of(&r, WarningKind::ControlCharacter), 1);
    assert!(r.warnings.len() <= FEW_WARNINGS, "{:?}", r.warnings);
}

#[test]
fn phone_number_split_by_a_million_control_characters_is_modified_with_one_warning() {
    let w = world();
    let copy = LETTER.replace("0117", &format!("01{}17", "\u{1}".repeat(MIB)));
    let r = verify(&w, &copy);
    assert_eq!(r.verdict, Verdict::Modified);
    assert_eq!(r.suspicious.len(), MAX_LISTED_SUSPICIOUS);
    assert_eq!(warnings_of(&r, WarningKind::ControlCharacter), 1);
    assert!(r.warnings.len() <= FEW_WARNINGS, "{:?}", r.warnings);
}

#[test]
fn letter_strewn_with_alternating_bidi_controls_is_modified_with_one_bidi_warning() {
    let w = world();
    let controls = "\u{202E}x\u{202C}".repeat(MIB / 8);
    let copy = LETTER.replace("release of", &format!("release {controls} of"));
    let parsed = ReceivedCopy::from_bytes("copy.txt", copy.as_bytes()).unwrap();
    assert_eq!(
        parsed.canonical().suspicious_counts.bidi,
        2 * (MIB / 8) as u64
    );
    let r = verify(&w, &copy);
    assert!(!r.verdict.is_authentic());
    assert_eq!(r.verdict, Verdict::Modified);
    assert_eq!(r.suspicious.len(), MAX_LISTED_SUSPICIOUS);
    assert!(r.suspicious.iter().all(|s| s.kind == SuspiciousKind::Bidi));
    assert_eq!(warnings_of(&r, WarningKind::BidiControl), 1);
    assert!(r.warnings.len() <= FEW_WARNINGS, "{:?}", r.warnings);
}

/// A bidi override hidden after more control characters than are listed is not in the list, but
/// it is counted, and still gets its own warning.
#[test]
fn bidi_override_after_the_listed_control_characters_is_still_warned_about() {
    let w = world();
    let copy = LETTER.replace(
        "0117",
        &format!("{}\u{202E}7110", "\u{1}".repeat(MAX_LISTED_SUSPICIOUS)),
    );
    let r = verify(&w, &copy);
    assert_eq!(r.verdict, Verdict::Modified);
    assert!(r
        .suspicious
        .iter()
        .all(|s| s.kind == SuspiciousKind::Control));
    assert_eq!(warnings_of(&r, WarningKind::ControlCharacter), 1);
    assert_eq!(warnings_of(&r, WarningKind::BidiControl), 1);
}

#[test]
fn one_line_of_two_million_letters_is_unknown() {
    let w = world();
    let r = verify(&w, &"a".repeat(2 * MIB));
    assert_eq!(r.verdict, Verdict::Unknown);
    assert!(r.warnings.len() <= FEW_WARNINGS, "{:?}", r.warnings);
}

#[test]
fn megabyte_of_zero_width_spaces_around_the_letter_is_reformatted() {
    // Zero-width spaces are deleted by canonicalization: the words are the signed ones.
    let w = world();
    let padding = "\u{200B}".repeat(MIB / 3);
    let r = verify(&w, &format!("{padding}{LETTER}{padding}"));
    assert_eq!(r.verdict, Verdict::Reformatted);
    assert!(r.suspicious.is_empty());
}

/// Text past the comparison bound is not compared word by word: a long copy that contains the
/// letter and more is `unknown` with a `not_compared` warning, never authentic, and never an
/// accusation built on a partial comparison.
#[test]
fn letter_buried_in_more_text_than_is_compared_is_unknown_and_says_why() {
    let w = world();
    let filler = "lorem ipsum dolor sit amet ".repeat(MAX_COMPARED_BYTES / 27 + 1);
    let r = verify(&w, &format!("{LETTER}\n\n{filler}"));
    assert_eq!(r.verdict, Verdict::Unknown);
    assert!(warnings_of(&r, WarningKind::NotCompared) >= 1, "{r:?}");
    assert!(r.warnings.len() <= FEW_WARNINGS, "{:?}", r.warnings);
}

#[test]
fn long_copy_of_random_chinese_characters_is_unknown_with_a_bounded_report() {
    let w = world();
    let mut x: u32 = 12345;
    let text: String = (0..MIB / 3)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            char::from_u32(0x4E00 + x % 0x51A5).unwrap()
        })
        .collect();
    let r = verify(&w, &text);
    assert_eq!(r.verdict, Verdict::Unknown);
    assert!(r.changes.is_empty());
    assert!(r.warnings.len() <= FEW_WARNINGS, "{:?}", r.warnings);
}

/// Detection reads only a prefix of a long legacy-encoded copy; the whole copy is still decoded,
/// and strictly.
#[test]
fn long_legacy_encoded_copies_are_still_detected_and_decoded_whole() {
    let gb = encoding_rs::GB18030
        .encode(&"我们要求立即释放被羁押的三名辩护律师。\n".repeat(MIB / 20))
        .0
        .into_owned();
    assert!(gb.len() > MIB + MIB / 2);
    let decoded = attest::input::decode(&gb, "gb.txt").unwrap();
    assert_eq!(decoded.encoding, "gb18030");
    assert_eq!(decoded.text.lines().count(), MIB / 20);

    let latin = encoding_rs::WINDOWS_1252
        .encode(&"Café crème, déjà vu à la façon de Noël.\n".repeat(MIB / 20))
        .0
        .into_owned();
    let decoded = attest::input::decode(&latin, "latin.txt").unwrap();
    assert_eq!(decoded.encoding, "windows-1252");
    assert!(decoded.text.ends_with("Noël.\n"));

    // A malformed byte past the detection prefix is still an error, with its offset.
    let mut damaged = gb.clone();
    let at = damaged.len() - 3;
    damaged[at] = 0xFF;
    match attest::input::decode(&damaged, "gb.txt") {
        Err(attest::input::InputError::Undecodable { offset, .. }) => assert!(offset >= MIB),
        other => panic!("expected Undecodable, got {other:?}"),
    }
}

/// Junk larger than a manifest may be, shaped like one to the archive's light scans.
fn junk_manifest(size: usize) -> Vec<u8> {
    let mut junk = br#"{"issuer":"Junk","signatures":[],"canonical":{"paragraphs":["a""#.to_vec();
    while junk.len() < size {
        junk.extend_from_slice(br#","a""#);
    }
    junk.extend_from_slice(b"]}}");
    junk
}

#[test]
fn oversized_manifest_in_memory_is_skipped_with_a_warning_in_verify_and_a_problem_in_audit() {
    let mut w = world();
    w.archive.insert(
        "junk/zz.json",
        junk_manifest(MAX_MANIFEST_BYTES as usize + 1),
    );
    // Found by digest: still authentic, and the skipped file is named.
    let r = verify(&w, LETTER);
    assert_eq!(r.verdict, Verdict::Exact);
    assert_eq!(warnings_of(&r, WarningKind::ArchiveFile), 1);
    // Found by comparison (the scan of every manifest's paragraphs): modified, and named too.
    let r = verify(&w, &LETTER.replace("0117", "0171"));
    assert_eq!(r.verdict, Verdict::Modified);
    assert_eq!(warnings_of(&r, WarningKind::ArchiveFile), 1);

    let report = attest::audit(
        &w.archive,
        &w.trust,
        &AuditOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    let junk: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.path.ends_with("zz.json"))
        .collect();
    assert_eq!(junk.len(), 1, "{:?}", report.problems);
    assert_eq!(junk[0].kind, ProblemKind::Malformed);
    assert_eq!(report.valid, 1);
}

/// A 64 GiB sparse file in an archive on disk: read whole, it would exhaust memory; it must be
/// skipped by its size alone.
#[test]
fn huge_sparse_file_in_an_archive_on_disk_is_skipped_without_being_read() {
    let w = world();
    let dir = tempfile::tempdir().unwrap();
    let manifests = dir.path().join("manifests");
    std::fs::create_dir_all(manifests.join("lantern")).unwrap();
    std::fs::write(manifests.join("lantern/000001.json"), &w.manifest).unwrap();
    let huge = std::fs::File::create(manifests.join("huge.json")).unwrap();
    huge.set_len(64 << 30).unwrap();
    drop(huge);
    let archive = DirArchive::new(&manifests);

    let r = verify_bytes(&w, &archive, LETTER.as_bytes());
    assert_eq!(r.verdict, Verdict::Exact);
    assert_eq!(warnings_of(&r, WarningKind::ArchiveFile), 1);
    let r = verify_bytes(&w, &archive, LETTER.replace("0117", "0171").as_bytes());
    assert_eq!(r.verdict, Verdict::Modified);
    assert_eq!(warnings_of(&r, WarningKind::ArchiveFile), 1);

    let report =
        attest::audit(&archive, &w.trust, &AuditOptions::default(), &mut |_, _| {}).unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.path.ends_with("huge.json") && p.kind == ProblemKind::Malformed),
        "{:?}",
        report.problems
    );
    assert_eq!(report.valid, 1);
}
