//! The archive index (docs/SPEC.md §5.4) is only a hint: with it, without it, or with a damaged,
//! stale, foreign or deliberately corrupted one, `verify` gives the same report and `sign` the same
//! chain position. Each test builds a small archive on disk, indexes it, spoils the index or the
//! archive in one way, and compares the reports of every kind of copy with and without the index.

mod common;
use common::letters::{FIRST, HARBOUR, LANTERN, LATER, SECOND, THIRD};
use common::signed;

use std::path::{Path, PathBuf};

use attest::archive::index::{self, Unused};
use attest::{DirArchive, Manifest, ReceivedCopy, SecretKey, TrustStore, Verdict, VerifyOptions};

/// An archive on disk of two trusted issuers and an impostor, with the keys and a trust store.
struct World {
    dir: tempfile::TempDir,
    lantern: SecretKey,
    trust: TrustStore,
    head: Manifest,
}

impl World {
    fn root(&self) -> PathBuf {
        self.dir.path().join("manifests")
    }
}

fn write(path: &Path, m: &Manifest) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, m.to_json()).unwrap();
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    let lantern = SecretKey::generate(LANTERN).unwrap();
    let harbour = SecretKey::generate(HARBOUR).unwrap();
    let impostor = SecretKey::generate(LANTERN).unwrap();
    let first = signed(&lantern, FIRST, 1, None);
    let second = signed(&lantern, SECOND, 2, Some(&first));
    write(&root.join("lantern/000001.json"), &first);
    write(&root.join("lantern/000002.json"), &second);
    write(
        &root.join("harbour/000001.json"),
        &signed(&harbour, THIRD, 1, None),
    );
    // An impostor's exact copy of the first letter, and its own "withdrawal".
    let forged = signed(&impostor, FIRST, 1, None);
    write(&root.join("elsewhere/000001.json"), &forged);
    write(
        &root.join("elsewhere/000002.json"),
        &signed(&impostor, LATER, 2, Some(&forged)),
    );
    // Things the listing reports or ignores.
    std::fs::write(root.join("lantern/statement-1.txt"), FIRST).unwrap();
    std::fs::write(root.join("lantern/notes.json"), "{\"format\": \"notes\"}").unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", root.join("harbour/linked")).unwrap();
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
        trust,
        head: second,
    }
}

/// Every kind of copy: exact, re-wrapped, modified, an excerpt, the impostor's text, unknown.
fn copies() -> Vec<(&'static str, String)> {
    vec![
        ("exact", FIRST.to_string()),
        ("reformatted", FIRST.replace(", call for", ",\r\ncall for")),
        ("modified", SECOND.replace("four thousand", "forty")),
        (
            "excerpt",
            "The closure of the Harbourside legal clinic leaves four thousand residents without \
             free legal advice."
                .to_string(),
        ),
        ("impostor", LATER.to_string()),
        (
            "embedded",
            format!("Forwarded message:\n\n{THIRD}\n-- \nsent from a phone\n"),
        ),
        (
            "unknown",
            "A note nobody signed, about the weather in the harbour.\n".to_string(),
        ),
    ]
}

fn report(root: &Path, trust: &TrustStore, copy: &str, indexed: bool) -> String {
    let copy = ReceivedCopy::from_bytes("copy.txt", copy.as_bytes()).unwrap();
    let archive = if indexed {
        DirArchive::new(root)
    } else {
        DirArchive::without_index(root)
    };
    let r = attest::verify(&copy, &archive, trust, &VerifyOptions::default()).unwrap();
    serde_json::to_string_pretty(&r).unwrap()
}

/// Every copy gets the same report with the index as without it.
fn assert_same_reports(w: &World, why: &str) {
    for (name, copy) in copies() {
        let with = report(&w.root(), &w.trust, &copy, true);
        let without = report(&w.root(), &w.trust, &copy, false);
        assert_eq!(with, without, "{why}: the {name} copy's report changed");
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

fn base(w: &World) -> PathBuf {
    w.root().join(".attest-index").join(index::BASE_NAME)
}

/// Let the file system's clock tick past the world's last change: the index records an entry
/// changed within the tick it was made in as never unchanged (racy stamps, docs/SPEC.md §5.5).
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(30));
}

fn indexed() -> World {
    let w = world();
    settle();
    index::rebuild(&w.root()).unwrap();
    w
}

#[test]
fn a_fresh_index_is_used_and_changes_no_report() {
    let w = indexed();
    let view = DirArchive::new(w.root()).index().unwrap();
    let f = view.freshness();
    assert_eq!(f.changed, 0, "{f:?}");
    // At most the archive directory itself, which gained `.attest-index` as the index was made
    // (in the same clock tick: a racy stamp, listed again at each use until the next rebuild).
    assert!(f.dirs_relisted <= 1, "{f:?}");
    assert!(f.indexed >= 8, "{f:?}");
    assert_same_reports(&w, "fresh index");
    // The verdicts themselves, so that a look-up broken the same way both ways still fails.
    assert_eq!(verdict(&w, FIRST), Verdict::Exact);
    assert_eq!(
        verdict(&w, &SECOND.replace("four thousand", "forty")),
        Verdict::Modified
    );
}

#[test]
fn the_listing_from_the_index_is_the_full_walks() {
    let w = indexed();
    let walk = attest::Archive::list(&DirArchive::without_index(w.root())).unwrap();
    let view = DirArchive::new(w.root()).index().unwrap().listing();
    assert_eq!(view.files, walk.files);
    assert_eq!(view.ignored, walk.ignored);
    let paths = |l: &attest::archive::Listing| -> Vec<PathBuf> {
        l.problems.iter().map(|p| p.path.clone()).collect()
    };
    assert_eq!(paths(&view), paths(&walk));
    assert!(!walk.ignored.is_empty() && !walk.files.is_empty());
}

#[test]
fn garbage_in_place_of_the_index_is_not_used() {
    let w = indexed();
    std::fs::write(base(&w), b"this is not an index at all").unwrap();
    assert!(matches!(
        DirArchive::new(w.root()).index(),
        Err(Unused::Unusable(_))
    ));
    assert_same_reports(&w, "garbage index");
}

#[test]
fn a_truncated_index_is_not_used() {
    let w = indexed();
    let bytes = std::fs::read(base(&w)).unwrap();
    for keep in [0, 16, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(base(&w), &bytes[..keep]).unwrap();
        assert!(
            DirArchive::new(w.root()).index().is_err(),
            "kept {keep} bytes"
        );
        assert_same_reports(&w, "truncated index");
    }
}

/// One flipped byte anywhere (header, sections, shingle buckets) is caught by a checksum: the
/// index is not used, or a damaged bucket has the look-up read every manifest.
#[test]
fn a_flipped_byte_anywhere_in_the_index_changes_no_report() {
    let w = indexed();
    let good = std::fs::read(base(&w)).unwrap();
    let step = (good.len() / 40).max(1);
    let mut at = 0;
    while at < good.len() {
        let mut bad = good.clone();
        bad[at] ^= 0x20;
        std::fs::write(base(&w), &bad).unwrap();
        assert_same_reports(&w, &format!("byte {at} of {} flipped", good.len()));
        at += step;
    }
}

/// Entries that point elsewhere, with their checksums made good again, as a careless tool (or a
/// malicious one) might write: the digests of one manifest listed under another's name. The
/// status of each file no longer matches its entry, so neither entry is used.
#[test]
fn an_index_whose_entries_were_swapped_changes_no_report() {
    let w = indexed();
    let a = w.root().join("lantern/000001.json");
    let b = w.root().join("elsewhere/000001.json");
    // Swap the files' contents: the index now describes each with the other's digests.
    let (ba, bb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    std::fs::write(&a, &bb).unwrap();
    std::fs::write(&b, &ba).unwrap();
    let f = DirArchive::new(w.root()).index().unwrap().freshness();
    assert!(f.changed >= 2, "{f:?}");
    assert_same_reports(&w, "swapped contents");
}

#[test]
fn an_index_copied_with_its_archive_is_not_used_until_rebuilt() {
    let w = indexed();
    let copy = w.dir.path().join("copy");
    let status = std::process::Command::new("cp")
        .args(["-a"])
        .arg(w.root())
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(matches!(
        DirArchive::new(&copy).index(),
        Err(Unused::Unusable(_))
    ));
    for (name, text) in copies() {
        assert_eq!(
            report(&copy, &w.trust, &text, true).replace(copy.to_str().unwrap(), "ROOT"),
            report(&copy, &w.trust, &text, false).replace(copy.to_str().unwrap(), "ROOT"),
            "{name}"
        );
    }
    index::rebuild(&copy).unwrap();
    assert!(DirArchive::new(&copy).index().is_ok());
}

#[test]
fn an_index_directory_that_is_a_file_is_not_used_and_rebuild_refuses_it() {
    let w = world();
    std::fs::write(w.root().join(".attest-index"), "not a directory").unwrap();
    assert!(DirArchive::new(w.root()).index().is_err());
    assert_same_reports(&w, "index is a file");
    assert!(index::rebuild(&w.root()).is_err());
    assert_eq!(
        std::fs::read_to_string(w.root().join(".attest-index")).unwrap(),
        "not a directory"
    );
}

#[test]
fn no_index_at_all_is_missing_and_changes_nothing() {
    let w = world();
    assert!(matches!(
        DirArchive::new(w.root()).index(),
        Err(Unused::Missing)
    ));
    assert_same_reports(&w, "no index");
}

/// A manifest added after the index was made (by copying, as rsync or git would) is found: its
/// directory changed, so it is listed again.
#[test]
fn a_manifest_added_behind_the_index_is_found() {
    let w = indexed();
    let later = signed(&w.lantern, LATER, 3, Some(&w.head));
    write(&w.root().join("lantern/000003.json"), &later);
    // And a new folder of a new issuer.
    let other = SecretKey::generate("Riverside Tenants Committee").unwrap();
    write(
        &w.root().join("riverside/deep/000001.json"),
        &signed(
            &other,
            "A statement of the Riverside Tenants Committee.\n",
            1,
            None,
        ),
    );
    assert_same_reports(&w, "manifests added");
    assert_eq!(verdict(&w, LATER), Verdict::Exact);
}

#[test]
fn a_manifest_removed_behind_the_index_is_gone() {
    let w = indexed();
    std::fs::remove_file(w.root().join("harbour/000001.json")).unwrap();
    assert_same_reports(&w, "manifest removed");
    assert_eq!(verdict(&w, THIRD), Verdict::Unknown);
}

/// A manifest rewritten in place, keeping its name and even its modification time: its change
/// time still differs, so its entry is not used.
#[test]
fn a_manifest_rewritten_in_place_with_its_old_time_is_read_again() {
    let w = indexed();
    let path = w.root().join("lantern/000002.json");
    let old = std::fs::metadata(&path).unwrap().modified().unwrap();
    let later = signed(&w.lantern, LATER, 1, None);
    // Same length is not needed: the change time alone gives it away.
    std::fs::write(&path, later.to_json()).unwrap();
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(old).unwrap();
    drop(f);
    let view = DirArchive::new(w.root()).index().unwrap();
    assert!(view.freshness().changed >= 1);
    assert_same_reports(&w, "rewritten in place");
    assert_eq!(verdict(&w, LATER), Verdict::Exact);
}

#[test]
fn a_directory_replaced_by_another_is_walked_again() {
    let w = indexed();
    let lantern = w.root().join("lantern");
    std::fs::rename(&lantern, w.root().join("moved")).unwrap();
    std::fs::create_dir(&lantern).unwrap();
    std::fs::copy(
        w.root().join("moved/000001.json"),
        lantern.join("000001.json"),
    )
    .unwrap();
    assert_same_reports(&w, "directory replaced");
}

#[cfg(unix)]
#[test]
fn a_manifest_replaced_by_a_link_is_reported_not_followed() {
    let w = indexed();
    let path = w.root().join("lantern/000001.json");
    let outside = w.dir.path().join("outside.json");
    std::fs::rename(&path, &outside).unwrap();
    std::os::unix::fs::symlink(&outside, &path).unwrap();
    assert_same_reports(&w, "manifest replaced by a link");
}

/// Sign LATER as LANTERN into the world's archive.
fn sign_later(w: &World, options: &attest::sign::SignOptions) -> attest::sign::Signed {
    let request = attest::SignRequest {
        bytes: LATER.as_bytes(),
        name: "later.txt",
        file_name: Some("later.txt".into()),
        title: Some("Statement on the release".into()),
        date: Some("2026-04-10".into()),
        languages: Vec::new(),
        allow_suspicious: false,
        destination: attest::Destination::Archive,
    };
    attest::sign::sign_joint(
        &w.lantern,
        &request,
        &[],
        &w.root(),
        Some(&w.trust),
        options,
    )
    .unwrap()
}

/// `sign` records what it writes as a delta; the next look-up takes the new manifest from the
/// index, and a damaged delta is not used (the whole index is not).
#[test]
fn sign_records_its_manifest_in_the_index() {
    let w = indexed();
    let state = w.dir.path().join("state");
    let options = attest::sign::SignOptions {
        state_dir: Some(state),
        ..attest::sign::SignOptions::default()
    };
    let signed = sign_later(&w, &options);
    assert_eq!(signed.manifest.seq(), 3);
    assert!(
        !signed
            .warnings
            .iter()
            .any(|w| matches!(w, attest::sign::SignWarning::IndexNotUpdated { .. })),
        "{:?}",
        signed.warnings
    );
    let view = DirArchive::new(w.root()).index().unwrap();
    let f = view.freshness();
    assert_eq!(f.segments, 2, "{f:?}");
    assert_eq!(f.changed, 0, "{f:?}");
    assert!(view.hints(signed.path.as_ref().unwrap()).is_some());
    assert_same_reports(&w, "after sign");
    assert_eq!(verdict(&w, LATER), Verdict::Exact);
    // A damaged delta: the index is not used, and nothing changes.
    let delta = std::fs::read_dir(w.root().join(".attest-index"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains(index::DELTA_PREFIX))
        .unwrap();
    let mut bytes = std::fs::read(&delta).unwrap();
    // A byte of its header (the offsets and checksums of its sections).
    bytes[40] ^= 1;
    std::fs::write(&delta, bytes).unwrap();
    assert!(DirArchive::new(w.root()).index().is_err());
    assert_same_reports(&w, "damaged delta");
}

/// `sign` finds the chain head the same way with a stale index: a manifest of the issuer added
/// behind the index's back moves the head, and the new statement is not a fork.
#[test]
fn sign_with_a_stale_index_still_extends_the_real_head() {
    let w = indexed();
    let third = signed(&w.lantern, THIRD, 3, Some(&w.head));
    write(&w.root().join("lantern/000003.json"), &third);
    let state = w.dir.path().join("state");
    let options = attest::sign::SignOptions {
        state_dir: Some(state),
        fork_from_archive: true,
        ..attest::sign::SignOptions::default()
    };
    let signed = sign_later(&w, &options);
    assert_eq!(signed.manifest.seq(), 4);
    assert_eq!(signed.manifest.prev(), Some(third.digest()));
}

/// `attest index status` and `attest index rebuild`, as a user runs them: exit 1 and `missing`
/// before, exit 0 and `up_to_date` after, `unusable` for a damaged index, and `verify --no-index`
/// gives the same JSON report as `verify`.
#[test]
fn index_commands_report_and_repair() {
    let w = world();
    let attest = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_attest"))
            .args(args)
            .env("ATTEST_STATE_DIR", w.dir.path().join("state"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let root = w.root();
    let root = root.to_str().unwrap();
    let status = |want_code: i32, want_state: &str| {
        let out = attest(&["index", "status", "--archive", root, "--json"]);
        assert_eq!(out.status.code(), Some(want_code), "{out:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["state"], want_state, "{v}");
    };
    status(1, "missing");
    settle();
    let out = attest(&["index", "rebuild", "--archive", root, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], 6, "{v}");
    status(0, "up_to_date");
    let copy = w.dir.path().join("copy.txt");
    std::fs::write(&copy, SECOND.replace("four thousand", "forty")).unwrap();
    let copy = copy.to_str().unwrap();
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", copy, "--archive", root, "--json"];
        args.extend_from_slice(extra);
        attest(&args).stdout
    };
    assert_eq!(verify(&[]), verify(&["--no-index"]));
    std::fs::write(base(&w), b"damaged").unwrap();
    status(1, "unusable");
    settle();
    assert_eq!(
        attest(&["index", "rebuild", "--archive", root])
            .status
            .code(),
        Some(0)
    );
    status(0, "up_to_date");
    let missing = w.dir.path().join("nowhere");
    let out = attest(&["index", "rebuild", "--archive", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!missing.exists());
}
