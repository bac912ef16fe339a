//! The archive index (docs/SPEC.md §5.5) attacked as a hostile or careless party would: the archive
//! changed behind the index's back in every way a file system allows, and the index itself
//! replayed, restored, crafted or moved. Whatever was done, `verify` must give the same report with
//! the index as without it, and `sign` must find the same chain position (or the same refusal).
//! Each test compares both ways, and checks that the index was in fact used, so that a test cannot
//! pass only because the index was thrown away.

mod common;
use common::signed;

use std::path::{Path, PathBuf};

use attest::archive::index;
use attest::sign::{SignOptions, Signed};
use attest::{
    Archive, DirArchive, Manifest, ReceivedCopy, SecretKey, TrustStore, Verdict, VerifyOptions,
};

const LANTERN: &str = "Lantern Coast Legal Aid Collective";
const HARBOUR: &str = "Harbour Rights Lawyers Network";

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

const THIRD: &str = "Joint appeal for the right to counsel\n\n\
Every person held by the police has the right to see a lawyer of their choice within a day of \
arrest. We ask the justice bureau to publish how often that right was refused last year.\n\n\
联络人：陈嘉欣，+852 5550 0388\n";

const LATER: &str = "Statement on the release of the three defence lawyers\n\n\
We welcome the release of the three defence lawyers on 9 April 2026 and thank everyone who wrote \
to the authorities on their behalf. The charges against them must now be dropped.\n\n\
Contact: Mei Ling Tan, +852 5550 0117\n";

const FOURTH: &str = "Notice of the Harbour Rights Lawyers Network annual meeting\n\n\
The annual meeting of the network will be held on 14 May 2026 in the community hall on Quay \
Street. Members who cannot attend may send a written proxy to the secretary.\n\n\
会员大会将于二〇二六年五月十四日在码头街社区会堂举行。\n";

/// An archive on disk of two trusted issuers and an impostor, with the keys and a trust store.
struct World {
    dir: tempfile::TempDir,
    lantern: SecretKey,
    harbour: SecretKey,
    trust: TrustStore,
    /// Lantern's manifests at seq 1 and 2.
    chain: Vec<Manifest>,
    /// Harbour's manifest at seq 1.
    harbour_first: Manifest,
}

impl World {
    fn root(&self) -> PathBuf {
        self.dir.path().join("manifests")
    }
    fn at(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }
    fn head(&self) -> &Manifest {
        self.chain.last().unwrap()
    }
}

fn write(path: &Path, m: &Manifest) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, m.to_json()).unwrap();
}

/// The world of tests/index.rs, with the folder names `sign` uses for the two groups (so that
/// `sign`'s rules about the issuer's own folder apply) and the harbour key kept.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    let lantern = SecretKey::generate(LANTERN).unwrap();
    let harbour = SecretKey::generate(HARBOUR).unwrap();
    let impostor = SecretKey::generate(LANTERN).unwrap();
    let lf = attest::archive::issuer_folder(LANTERN);
    let hf = attest::archive::issuer_folder(HARBOUR);
    let first = signed(&lantern, FIRST, 1, None);
    let second = signed(&lantern, SECOND, 2, Some(&first));
    write(&root.join(format!("{lf}/000001.json")), &first);
    write(&root.join(format!("{lf}/000002.json")), &second);
    let harbour_first = signed(&harbour, THIRD, 1, None);
    write(&root.join(format!("{hf}/000001.json")), &harbour_first);
    // An impostor's exact copy of the first letter, and its own "withdrawal".
    let forged = signed(&impostor, FIRST, 1, None);
    write(&root.join("elsewhere/000001.json"), &forged);
    write(
        &root.join("elsewhere/000002.json"),
        &signed(&impostor, LATER, 2, Some(&forged)),
    );
    // Things the listing reports or ignores.
    std::fs::write(root.join(format!("{lf}/statement-1.txt")), FIRST).unwrap();
    std::fs::write(
        root.join(format!("{lf}/notes.json")),
        "{\"format\": \"notes\"}",
    )
    .unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::os::unix::fs::symlink("/etc", root.join("elsewhere/linked")).unwrap();
    let mut trust = TrustStore::default();
    trust
        .add(lantern.public(), PathBuf::from("lantern.pub"))
        .unwrap();
    trust
        .add(harbour.public(), PathBuf::from("harbour.pub"))
        .unwrap();
    World {
        dir,
        lantern,
        harbour,
        trust,
        chain: vec![first, second],
        harbour_first,
    }
}

fn lantern_dir() -> String {
    attest::archive::issuer_folder(LANTERN)
}

fn harbour_dir() -> String {
    attest::archive::issuer_folder(HARBOUR)
}

fn indexed() -> World {
    let w = world();
    index::rebuild(&w.root()).unwrap();
    w
}

/// Every kind of copy: exact, re-wrapped, modified, an excerpt, the impostor's text, unknown, and
/// the texts the tests add to the archive.
fn copies() -> Vec<(&'static str, String)> {
    vec![
        ("exact", FIRST.to_string()),
        ("reformatted", FIRST.replace(", call for", ",\r\ncall for")),
        ("modified", SECOND.replace("four thousand", "forty")),
        ("second", SECOND.to_string()),
        (
            "excerpt",
            "The closure of the Harbourside legal clinic leaves four thousand residents without \
             free legal advice."
                .to_string(),
        ),
        ("impostor", LATER.to_string()),
        ("third", THIRD.to_string()),
        (
            "embedded",
            format!("Forwarded message:\n\n{THIRD}\n-- \nsent from a phone\n"),
        ),
        ("fourth", FOURTH.to_string()),
        ("fourth modified", FOURTH.replace("14 May", "21 May")),
        (
            "unknown",
            "A note nobody signed, about the weather in the harbour.\n".to_string(),
        ),
    ]
}

fn report(root: &Path, trust: &TrustStore, copy: &str, use_index: bool) -> String {
    let copy = ReceivedCopy::from_bytes("copy.txt", copy.as_bytes()).unwrap();
    let archive = if use_index {
        DirArchive::new(root)
    } else {
        DirArchive::without_index(root)
    };
    match attest::verify(&copy, &archive, trust, &VerifyOptions::default()) {
        Ok(r) => serde_json::to_string_pretty(&r).unwrap(),
        Err(e) => format!("error: {e:?}"),
    }
}

/// A listing as comparable text: files, problems (path and kind) and ignored entries.
fn listing_text(l: &attest::archive::Listing) -> String {
    let mut out = String::new();
    for f in &l.files {
        out.push_str(&format!("file {}\n", f.display()));
    }
    for p in &l.problems {
        let kind = match &p.problem {
            attest::archive::FileProblem::Unreadable { .. } => "unreadable",
            attest::archive::FileProblem::SymbolicLink => "link",
            attest::archive::FileProblem::TooLarge { .. } => "too_large",
            attest::archive::FileProblem::Malformed(_) => "malformed",
            attest::archive::FileProblem::NotInArchive => "not_in_archive",
        };
        out.push_str(&format!("problem {} {kind}\n", p.path.display()));
    }
    for i in &l.ignored {
        out.push_str(&format!("ignored {} {:?}\n", i.path.display(), i.reason));
    }
    out
}

/// The catalog both ways: listing and key record files.
fn assert_same_catalog(root: &Path, why: &str) {
    let with = DirArchive::new(root).catalog().unwrap();
    let without = DirArchive::without_index(root).catalog().unwrap();
    assert_eq!(
        listing_text(&with.listing),
        listing_text(&without.listing),
        "{why}: the listing changed"
    );
    assert_eq!(
        with.key_records, without.key_records,
        "{why}: the key records changed"
    );
    assert_eq!(
        without.key_records.clone().unwrap_or_default(),
        DirArchive::without_index(root).key_record_files(),
        "{why}: the listing's key records are not the walk's"
    );
}

/// Every copy gets the same report with the index as without it.
fn assert_same_reports(w: &World, why: &str) {
    assert_same_catalog(&w.root(), why);
    for (name, copy) in copies() {
        let with = report(&w.root(), &w.trust, &copy, true);
        let without = report(&w.root(), &w.trust, &copy, false);
        assert_eq!(with, without, "{why}: the {name} copy's report changed");
    }
}

fn assert_index_used(w: &World) -> index::Freshness {
    match DirArchive::new(w.root()).index() {
        Ok(v) => v.freshness(),
        Err(e) => panic!("the index is not used: {e:?}"),
    }
}

fn verdict(w: &World, copy: &str) -> Verdict {
    let copy = ReceivedCopy::from_bytes("copy.txt", copy.as_bytes()).unwrap();
    attest::verify(
        &copy,
        &DirArchive::new(w.root()),
        &w.trust,
        &VerifyOptions::default(),
    )
    .unwrap()
    .verdict
}

fn base(root: &Path) -> PathBuf {
    root.join(".attest-index").join(index::BASE_NAME)
}

fn deltas(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root.join(".attest-index"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| {
        p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(index::DELTA_PREFIX)
    });
    out.sort();
    out
}

/// Run `f` with the index made unusable, without touching the archive's directories: the base is
/// overwritten in place (same file) and restored after.
fn without_index<T>(root: &Path, f: impl FnOnce() -> T) -> T {
    let path = base(root);
    let saved = std::fs::read(&path).ok();
    if saved.is_some() {
        std::fs::write(&path, b"not an index").unwrap();
        assert!(DirArchive::new(root).index().is_err());
    }
    let out = f();
    if let Some(bytes) = saved {
        std::fs::write(&path, bytes).unwrap();
    }
    out
}

fn request<'a>(text: &'a str, destination: attest::Destination) -> attest::SignRequest<'a> {
    attest::SignRequest {
        bytes: text.as_bytes(),
        name: "statement.txt",
        file_name: Some("statement.txt".into()),
        title: Some("Statement".into()),
        date: Some("2026-04-10".into()),
        languages: Vec::new(),
        allow_suspicious: false,
        destination,
    }
}

/// What `sign` would do, without writing: the position and warnings, or the refusal.
fn sign_outcome(root: &Path, key: &SecretKey, trust: &TrustStore, text: &str) -> String {
    let r = attest::sign::sign_joint(
        key,
        &request(text, attest::Destination::Nowhere),
        &[],
        root,
        Some(trust),
        &SignOptions::default(),
    );
    match r {
        Ok(Signed {
            manifest, warnings, ..
        }) => format!(
            "seq {} prev {:?} warnings {warnings:?}",
            manifest.seq(),
            manifest.prev().map(|d| d.to_string())
        ),
        Err(e) => format!("refused: {e:?}"),
    }
}

/// `sign` finds the same position (or refusal) for both issuers with the index as without it.
fn assert_same_sign(w: &World, why: &str) -> Vec<String> {
    let root = w.root();
    let keys = [(&w.lantern, LATER), (&w.harbour, FOURTH)];
    let with: Vec<String> = keys
        .iter()
        .map(|(k, t)| sign_outcome(&root, k, &w.trust, t))
        .collect();
    let without: Vec<String> = without_index(&root, || {
        keys.iter()
            .map(|(k, t)| sign_outcome(&root, k, &w.trust, t))
            .collect()
    });
    assert_eq!(with, without, "{why}: sign's outcome changed");
    with
}

fn assert_same_everything(w: &World, why: &str) {
    assert_same_reports(w, why);
    assert_same_sign(w, why);
}

/// Sign `text` as `key` into the archive (under its lock, recording a delta).
fn sign_into(w: &World, key: &SecretKey, text: &str) -> Signed {
    attest::sign::sign_joint(
        key,
        &request(text, attest::Destination::Archive),
        &[],
        &w.root(),
        Some(&w.trust),
        &SignOptions::default(),
    )
    .unwrap()
}

// ---------------------------------------------------------------------------------------------
// The archive changed behind the index.
// ---------------------------------------------------------------------------------------------

/// A manifest rewritten in place (read again: the index placed it anew) in a folder the index
/// still holds, while another folder, earlier in path order, gained a manifest: the listing must
/// stay in path order, so that the indexed fields of each file are those of that file.
#[test]
fn a_rewritten_manifest_and_a_new_one_in_an_earlier_folder_keep_their_own_fields() {
    let w = indexed();
    let own = w.at(&format!("{}/000001.json", lantern_dir()));
    let bytes = std::fs::read(&own).unwrap();
    std::fs::write(&own, bytes).unwrap();
    write(
        &w.at(&format!("{}/000002.json", harbour_dir())),
        &signed(&w.harbour, FOURTH, 2, Some(&w.harbour_first)),
    );
    let f = assert_index_used(&w);
    assert!(f.changed >= 2, "{f:?}");
    assert_same_everything(&w, "rewritten and added");
    assert_eq!(verdict(&w, FOURTH), Verdict::Exact);
    assert_eq!(verdict(&w, FIRST), Verdict::Exact);
}
