//! Signing and auditing against a hostile mirror (issue 10): whoever controls a copy of the archive
//! can delete, rename, hide or re-link files. `sign` must never fork its issuer's chain because of
//! what it cannot see, and `audit` must never call an archive clean after information was removed.
//! Each defence in docs/THREATS.md ("A hostile mirror") names its test here.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use attest::archive::state::{self, Position, SeenHeads};
use attest::audit::{self as audit_mod, KnownHead};
use attest::keys::{KeyError, SecretKey, TrustStore};
use attest::report::{
    AuditReport, HeadOutcome, HeadSource, IgnoreReason, ProblemKind, WarningKind,
};
use attest::sign::{sign_with, SignOptions};
use attest::{AuditOptions, DirArchive, Manifest, SignError, SignRequest, SignWarning};

const ISSUER: &str = "Harbour Rights Lawyers Network";
const LANTERN: &str = "Lantern Lawyers Group";

// ---------------------------------------------------------------------------------------------
// Helpers

/// A directory with the issuer's key `hr.key` (unencrypted, for speed), a trust store `keys/` that
/// trusts it, an empty archive `manifests/` and a state directory `state/` (never the user's).
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let sb = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(sb.path("keys")).unwrap();
        std::fs::create_dir(sb.path("manifests")).unwrap();
        sb.ok(&["keygen", "--issuer", ISSUER, "--out", "hr", "--unencrypted"]);
        std::fs::copy(sb.path("hr.pub"), sb.path("keys/hr.pub")).unwrap();
        sb
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn command<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_attest"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_remove("ATTEST_PASSPHRASE")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_STATE_HOME")
            .env("ATTEST_KEYS", self.path("keys"))
            .env("ATTEST_STATE_DIR", self.path("state"))
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1");
        cmd
    }

    fn run<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Output {
        self.command(args).output().unwrap()
    }

    fn ok<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Output {
        let out = self.run(args);
        let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy()).collect();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{shown:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Sign statement `n` (dated 2026-03-0n) into `manifests/` with `hr.key`; the manifest's path.
    fn sign(&self, n: usize) -> PathBuf {
        let out = self.ok(&self.sign_args(n, "manifests"));
        self.path(String::from_utf8_lossy(&out.stdout).trim())
    }

    /// The arguments that sign statement `n` (written now) into `archive` with `hr.key`.
    fn sign_args(&self, n: usize, archive: &str) -> Vec<String> {
        let name = format!("statement-{n}.txt");
        std::fs::write(
            self.path(&name),
            format!("Statement {n}: we call for the release of lawyer number {n}.\n"),
        )
        .unwrap();
        let date = format!("2026-03-{n:02}");
        [
            "sign",
            &name,
            "--key",
            "hr.key",
            "--archive",
            archive,
            "--date",
            &date,
        ]
        .map(String::from)
        .to_vec()
    }

    /// `attest audit manifests --json` plus `extra`: the exit code and the report.
    fn audit(&self, extra: &[&str]) -> (i32, AuditReport) {
        let mut args = vec!["audit", "manifests", "--json"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
        });
        (out.status.code().unwrap(), report)
    }

    fn key(&self) -> SecretKey {
        let content = std::fs::read_to_string(self.path("hr.key")).unwrap();
        SecretKey::parse(&content, "hr.key", None).unwrap()
    }
}

fn kinds(r: &AuditReport) -> Vec<ProblemKind> {
    r.problems.iter().map(|p| p.kind).collect()
}

fn warning_kinds(r: &AuditReport) -> Vec<WarningKind> {
    r.warnings.iter().map(|w| w.kind).collect()
}

fn request(text: &str) -> SignRequest<'_> {
    SignRequest {
        bytes: text.as_bytes(),
        name: "statement.txt",
        file_name: Some("statement.txt".into()),
        title: Some(format!(
            "Statement {}",
            attest::digest::Digest::of(text.as_bytes()).short()
        )),
        date: Some("2026-03-08".into()),
        languages: Vec::new(),
        allow_suspicious: false,
        destination: attest::Destination::Archive,
    }
}

fn with_state(dir: &Path) -> SignOptions {
    SignOptions {
        state_dir: Some(dir.to_path_buf()),
        ..SignOptions::default()
    }
}

fn audit_dir(root: &Path, trust: &TrustStore, options: &AuditOptions) -> AuditReport {
    attest::audit(&DirArchive::new(root), trust, options, &mut |_, _| {}).unwrap()
}

fn trust_of(keys: &[&SecretKey]) -> TrustStore {
    let mut trust = TrustStore::default();
    for (i, k) in keys.iter().enumerate() {
        trust
            .add(k.public(), PathBuf::from(format!("{i}.pub")))
            .unwrap();
    }
    trust
}

fn write_manifest(path: &Path, m: &Manifest) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, m.to_json()).unwrap();
}

// ---------------------------------------------------------------------------------------------
// 1. `sign` never forks silently

/// The issuer's folder replaced by a link to elsewhere: `sign` refuses, and nothing is written
/// through the link.
#[cfg(unix)]
#[test]
fn linked_issuer_folder_makes_sign_refuse_and_nothing_is_written_through_it() {
    let sb = Sandbox::new();
    let first = sb.sign(1);
    let folder = first.parent().unwrap().to_path_buf();
    let elsewhere = sb.path("elsewhere");
    std::fs::rename(&folder, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &folder).unwrap();
    let out = sb.run(&sb.sign_args(2, "manifests"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1);
    // The library names the refusal.
    let err = attest::sign(&sb.key(), &request("Two.\n"), &sb.path("manifests"), None).unwrap_err();
    assert!(matches!(err, SignError::Unseen { .. }), "{err:?}");
}

/// A linked folder of its own, anywhere in the archive, could hold the chain too.
#[cfg(unix)]
#[test]
fn linked_folder_at_the_archive_root_makes_sign_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(dir.path().join("other")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("other"), root.join("backup")).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let err = attest::sign(&key, &request("One.\n"), &root, None).unwrap_err();
    assert!(matches!(err, SignError::Unseen { .. }), "{err:?}");
}

/// Something unreadable inside a folder that holds only another issuer's manifests cannot hide
/// this issuer's chain: a warning, not a refusal.
#[cfg(unix)]
#[test]
fn a_link_among_another_issuers_manifests_only_warns() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let lantern = SecretKey::generate(LANTERN).unwrap();
    attest::sign(&lantern, &request("Lantern one.\n"), &root, None).unwrap();
    let folder = root.join(attest::archive::issuer_folder(LANTERN));
    std::os::unix::fs::symlink("/nonexistent", folder.join("link.json")).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let signed = attest::sign(&key, &request("One.\n"), &root, None).unwrap();
    assert!(signed
        .warnings
        .iter()
        .any(|w| matches!(w, SignWarning::SkippedArchiveFile { .. })));
}

/// An unreadable subfolder: `sign` refuses instead of starting again at seq 1. (As root, folders
/// stay readable whatever their mode; the test then checks nothing.)
#[cfg(unix)]
#[test]
fn unreadable_issuer_folder_makes_sign_refuse() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let first = attest::sign(&key, &request("One.\n"), &root, None).unwrap();
    let folder = first.path.unwrap().parent().unwrap().to_path_buf();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&folder).is_ok();
    let result = attest::sign(&key, &request("Two.\n"), &root, None);
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    if readable {
        return;
    }
    assert!(
        matches!(result, Err(SignError::Unseen { .. })),
        "{result:?}"
    );
}

/// The newest manifest in a format this attest does not read (written by a newer attest):
/// `sign` refuses instead of signing a second manifest at that position.
#[test]
fn newest_manifest_in_a_newer_format_makes_sign_refuse() {
    type Bump = fn(&mut serde_json::Value);
    let newer: [(&str, Bump); 2] = [
        ("format", |v| v["format"] = "attest-manifest/99".into()),
        ("canonical text version", |v| {
            v["canonical"]["version"] = "attest-canon/99".into()
        }),
    ];
    for (what, bump) in newer {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("manifests");
        std::fs::create_dir_all(&root).unwrap();
        let key = SecretKey::generate(ISSUER).unwrap();
        attest::sign(&key, &request("One.\n"), &root, None).unwrap();
        let second = attest::sign(&key, &request("Two.\n"), &root, None)
            .unwrap()
            .path
            .unwrap();
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&second).unwrap()).unwrap();
        bump(&mut v);
        std::fs::write(&second, v.to_string()).unwrap();
        let err = attest::sign(&key, &request("Three.\n"), &root, None).unwrap_err();
        assert!(matches!(err, SignError::Unseen { .. }), "{what}: {err:?}");
    }
}

/// A JSON file of another kind (a statement kept as `letter.json`) next to the chain is not a
/// manifest, and does not stop signing.
#[test]
fn a_json_statement_beside_the_chain_does_not_stop_signing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let first = attest::sign(&key, &request("One.\n"), &root, None).unwrap();
    let folder = first.path.unwrap().parent().unwrap().to_path_buf();
    std::fs::write(folder.join("letter.json"), "{\"letter\": \"We call.\"}\n").unwrap();
    std::fs::write(root.join("notes.json"), "[1, 2]\n").unwrap();
    let second = attest::sign(&key, &request("Two.\n"), &root, None).unwrap();
    assert_eq!(second.manifest.seq(), 2);
}

/// A typo in `--archive`: no new folder, no chain restarted at seq 1; a new archive takes
/// `--new-archive`.
#[test]
fn missing_archive_is_refused_unless_a_new_archive_is_asked_for() {
    let sb = Sandbox::new();
    sb.sign(1);
    let out = sb.run(&sb.sign_args(2, "manifsets"));
    assert_eq!(out.status.code(), Some(2));
    assert!(!sb.path("manifsets").exists());
    // `--out` reads the archive too: the same refusal.
    let mut args = sb.sign_args(2, "manifsets");
    args.extend(["--out".into(), "-".into()]);
    assert_eq!(sb.run(&args).status.code(), Some(2));
    let err = attest::sign(&sb.key(), &request("Two.\n"), &sb.path("nowhere"), None).unwrap_err();
    assert!(matches!(err, SignError::NoArchive { .. }), "{err:?}");
    // Asked for: a new archive, whose folders are created (and the key's memory says where it
    // was: signing there again is fine, signing into the old archive is not).
    let other = Sandbox::new();
    let mut args = other.sign_args(1, "fresh");
    args.push("--new-archive".into());
    other.ok(&args);
    assert!(other.path("fresh").is_dir());
}

/// `sign` remembers what each key signed. A mirror that hides the newest manifest makes it
/// refuse; `--fork-from-archive` is the documented way through.
#[test]
fn sign_remembers_its_last_position_and_refuses_a_mirror_that_hides_it() {
    let sb = Sandbox::new();
    sb.sign(1);
    let second = sb.sign(2);
    let remembered = state::last_signed(&sb.path("state"), &sb.key().key_id().to_string()).unwrap();
    assert_eq!(remembered.map(|r| r.seq), Some(2));
    // A mirror without seq 2.
    copy_tree(&sb.path("manifests"), &sb.path("mirror"));
    let hidden = sb
        .path("mirror")
        .join(second.strip_prefix(sb.path("manifests")).unwrap());
    std::fs::remove_file(hidden).unwrap();
    let out = sb.run(&sb.sign_args(3, "mirror"));
    assert_eq!(out.status.code(), Some(2));
    let err = sign_with(
        &sb.key(),
        &request("Three.\n"),
        &sb.path("mirror"),
        None,
        &with_state(&sb.path("state")),
    )
    .unwrap_err();
    assert!(matches!(err, SignError::BehindMemory(_)), "{err:?}");
    // Another archive altogether (say a mistyped but existing directory): refused too.
    std::fs::create_dir(sb.path("empty")).unwrap();
    assert_eq!(sb.run(&sb.sign_args(3, "empty")).status.code(), Some(2));
    // The deliberate case.
    let mut args = sb.sign_args(3, "mirror");
    args.push("--fork-from-archive".into());
    sb.ok(&args);
    // The real archive still extends nothing the key remembers now (it signed seq 2 in the
    // mirror): refused there until told.
    assert_eq!(sb.run(&sb.sign_args(4, "manifests")).status.code(), Some(2));
}

/// Another trusted key of the issuer signing after this key's last manifest: the chain still holds
/// the remembered manifest, so it extends it.
#[test]
fn a_chain_continued_by_the_issuers_other_key_extends_the_memory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    let state_dir = dir.path().join("state");
    std::fs::create_dir_all(&root).unwrap();
    let old = SecretKey::generate(ISSUER).unwrap();
    let new = SecretKey::generate(ISSUER).unwrap();
    let trust = trust_of(&[&old, &new]);
    let opts = with_state(&state_dir);
    sign_with(&old, &request("One.\n"), &root, Some(&trust), &opts).unwrap();
    sign_with(&new, &request("Two.\n"), &root, Some(&trust), &opts).unwrap();
    let three = sign_with(&old, &request("Three.\n"), &root, Some(&trust), &opts).unwrap();
    assert_eq!(three.manifest.seq(), 3);
    // A rewritten seq 1 (another manifest there): no longer extends what `old` remembers.
    std::fs::remove_dir_all(&root).unwrap();
    std::fs::create_dir_all(&root).unwrap();
    for text in [
        "Other one.\n",
        "Other two.\n",
        "Other three.\n",
        "Other four.\n",
    ] {
        attest::sign(&new, &request(text), &root, Some(&trust)).unwrap();
    }
    let err = sign_with(&old, &request("Five.\n"), &root, Some(&trust), &opts).unwrap_err();
    assert!(matches!(err, SignError::BehindMemory(_)), "{err:?}");
}

/// A damaged memory is an error, never an empty memory.
#[test]
fn damaged_state_file_is_an_error_not_a_blank_memory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let state_dir = dir.path().join("state");
    let file = state::signed_file(&state_dir, &key.key_id().to_string());
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "{\"key_id\": 7}").unwrap();
    let err = sign_with(
        &key,
        &request("One.\n"),
        &root,
        None,
        &with_state(&state_dir),
    )
    .unwrap_err();
    assert!(matches!(err, SignError::State(_)), "{err:?}");
}

/// Manifests in the issuer's name under a key nobody trusts warn, but never block: anyone can
/// write them, and a refusal would let an impostor stop the issuer from signing.
#[test]
fn an_impostors_manifests_warn_but_never_block_signing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let impostor = SecretKey::generate(ISSUER).unwrap();
    let earlier = common::signed(&impostor, "Earlier.\n", 1, None);
    let fake = common::signed(&impostor, "We withdraw the letter.\n", 7, Some(&earlier));
    write_manifest(
        &root.join("harbour-rights-lawyers-network/000007-x.json"),
        &fake,
    );
    let key = SecretKey::generate(ISSUER).unwrap();
    let signed = attest::sign(&key, &request("One.\n"), &root, None).unwrap();
    assert_eq!(signed.manifest.seq(), 1);
    assert!(signed
        .warnings
        .iter()
        .any(|w| matches!(w, SignWarning::OtherKeys { highest_seq: 7, .. })));
}

/// A statement from standard input has no file name: `sign` asks for `--file-name` instead of
/// recording `statement.txt` for every one.
#[test]
fn statement_from_standard_input_needs_a_file_name() {
    let sb = Sandbox::new();
    let run = |extra: &[&str]| {
        let mut args = vec!["sign", "-", "--key", "hr.key", "--out", "-"];
        args.extend_from_slice(extra);
        let mut child = sb
            .command(&args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"We call for their release.\n")
            .unwrap();
        child.wait_with_output().unwrap()
    };
    assert_eq!(run(&[]).status.code(), Some(2));
    let out = run(&["--file-name", "release-call.txt"]);
    assert_eq!(out.status.code(), Some(0));
    let m = Manifest::parse(&out.stdout).unwrap();
    assert_eq!(m.wire().statement.file_name, "release-call.txt");
    let mut req = request("One.\n");
    req.file_name = None;
    req.destination = attest::Destination::Nowhere;
    let err = attest::sign(&sb.key(), &req, &sb.path("manifests"), None).unwrap_err();
    assert!(matches!(err, SignError::NoFileName { .. }), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// 3. Deletion and rollback are visible

/// `audit` shows each issuer's head, seq and manifest digest, to compare with one published
/// elsewhere.
#[test]
fn audit_shows_each_issuers_head_seq_and_digest() {
    let sb = Sandbox::new();
    sb.sign(1);
    let second = sb.sign(2);
    let digest = attest::archive::read_manifest(&second).unwrap().digest();
    let (code, r) = sb.audit(&[]);
    assert_eq!(code, 0, "{:?}", r.problems);
    assert_eq!(r.issuers[0].latest_seq, 2);
    assert_eq!(r.issuers[0].head_digest, Some(digest.to_string()));
    let human = sb.ok(&["audit", "manifests"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains(&digest.to_string()));
}

/// Deleting the newest manifests: the first audit saw seq 3, the next sees seq 1: `rollback`, and
/// it stays reported (the remembered head is not lowered).
#[test]
fn deleting_the_newest_manifests_is_a_rollback_on_the_next_audit() {
    let sb = Sandbox::new();
    sb.sign(1);
    let two = sb.sign(2);
    let three = sb.sign(3);
    let (code, r) = sb.audit(&[]);
    assert_eq!(code, 0, "{:?}", r.problems);
    std::fs::remove_file(&three).unwrap();
    std::fs::remove_file(&two).unwrap();
    for _ in 0..2 {
        let (code, r) = sb.audit(&[]);
        assert_eq!(code, 1);
        assert!(
            kinds(&r).contains(&ProblemKind::Rollback),
            "{:?}",
            r.problems
        );
        assert_eq!(r.head_checks[0].outcome, HeadOutcome::Rollback);
        assert_eq!(r.head_checks[0].source, HeadSource::Remembered);
    }
}

/// Deleting a whole issuer's folder: the first audit of the truncated copy warns that a trusted
/// issuer has no manifests; an archive audited before reports `rollback`.
#[test]
fn deleting_an_issuers_folder_is_a_rollback_and_a_trusted_issuer_without_manifests() {
    let sb = Sandbox::new();
    let first = sb.sign(1);
    // Lantern's manifest keeps the archive from being empty.
    let lantern = SecretKey::generate(LANTERN).unwrap();
    attest::sign(
        &lantern,
        &request("Lantern.\n"),
        &sb.path("manifests"),
        None,
    )
    .unwrap();
    std::fs::write(
        sb.path("keys/lantern.pub"),
        lantern.public().to_file_string(),
    )
    .unwrap();
    let (code, _) = sb.audit(&[]);
    assert_eq!(code, 0);
    std::fs::remove_dir_all(first.parent().unwrap()).unwrap();
    let (code, r) = sb.audit(&[]);
    assert_eq!(code, 1);
    assert!(
        kinds(&r).contains(&ProblemKind::Rollback),
        "{:?}",
        r.problems
    );
    assert!(r
        .head_checks
        .iter()
        .any(|c| c.issuer == ISSUER && c.outcome == HeadOutcome::Lost));
    assert!(warning_kinds(&r).contains(&WarningKind::IssuerWithoutManifests));
    // Audited with a trust store that does not trust the issuer, its remembered head is not
    // checked (its chain cannot be told from an impostor's), and stays remembered.
    std::fs::create_dir(sb.path("lantern-keys")).unwrap();
    std::fs::copy(
        sb.path("keys/lantern.pub"),
        sb.path("lantern-keys/lantern.pub"),
    )
    .unwrap();
    let (code, r) = sb.audit(&["--keys", "lantern-keys"]);
    assert_eq!(code, 0, "{:?}", r.problems);
    let (code, _) = sb.audit(&[]);
    assert_eq!(code, 1);
    // A first audit (another state file) cannot know; it still warns.
    let (code, r) = sb.audit(&["--state", "fresh-state.json"]);
    assert_eq!(code, 0, "{:?}", r.problems);
    assert!(warning_kinds(&r).contains(&WarningKind::IssuerWithoutManifests));
    assert!(sb.path("fresh-state.json").is_file());
}

/// `--expect-head ISSUER=SEQ:DIGEST` (and a file of them) checks heads obtained out of band.
#[test]
fn expected_heads_from_out_of_band_catch_a_truncated_first_audit() {
    let sb = Sandbox::new();
    let one = attest::archive::read_manifest(&sb.sign(1)).unwrap();
    let two = sb.sign(2);
    let digest = attest::archive::read_manifest(&two).unwrap().digest();
    let expect = format!("{ISSUER}=2:{digest}");
    let fresh = ["--state", "s.json"];
    let (code, r) = sb.audit(&["--expect-head", &expect, fresh[0], fresh[1]]);
    assert_eq!(code, 0, "{:?}", r.problems);
    assert_eq!(r.head_checks[0].outcome, HeadOutcome::Same);
    // A published head later than the mirror's: rollback, even on a first audit.
    let later = format!("{ISSUER}=3:{digest}");
    let (code, r) = sb.audit(&["--expect-head", &later, "--state", "s2.json"]);
    assert_eq!(code, 1);
    assert!(kinds(&r).contains(&ProblemKind::Rollback));
    // Another manifest at the published position: head_mismatch.
    let wrong = format!("{ISSUER}=2:{}", one.digest());
    std::fs::write(sb.path("heads.txt"), format!("# published\n{wrong}\n")).unwrap();
    let (code, r) = sb.audit(&["--expect-heads", "heads.txt", "--state", "s3.json"]);
    assert_eq!(code, 1);
    assert!(kinds(&r).contains(&ProblemKind::HeadMismatch));
    // A malformed expectation is a usage error, on the command line or in the file.
    let out = sb.run(&["audit", "manifests", "--expect-head", "no-equals-sign"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(sb.path("bad.txt"), format!("{expect}\nno-equals-sign\n")).unwrap();
    let out = sb.run(&["audit", "manifests", "--expect-heads", "bad.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(matches!(
        audit_mod::parse_expected_heads(&format!("# ok\n{expect}\nno-equals-sign\n")),
        Err((3, audit_mod::ExpectedHeadError::Shape))
    ));
    assert!(matches!(
        audit_mod::parse_expected_head(&format!("{ISSUER}=0:{digest}")),
        Err(audit_mod::ExpectedHeadError::Seq)
    ));
}

/// History rewritten and extended past the remembered head: `head_mismatch`, and the rewritten
/// head is not remembered in its place (the next audit still reports it).
#[test]
fn rewritten_and_extended_history_is_a_head_mismatch_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let trust = trust_of(&[&key]);
    let a1 = common::signed(&key, "One.\n", 1, None);
    let a2 = common::signed(&key, "Two.\n", 2, Some(&a1));
    write_manifest(&root.join("h/1.json"), &a1);
    write_manifest(&root.join("h/2.json"), &a2);
    let first = audit_dir(&root, &trust, &AuditOptions::default());
    let seen = audit_mod::heads_to_remember(&SeenHeads::default(), &first);
    assert_eq!(seen.heads[ISSUER].seq, 2);
    let b2 = common::signed(&key, "Other two.\n", 2, Some(&a1));
    let b3 = common::signed(&key, "Three.\n", 3, Some(&b2));
    write_manifest(&root.join("h/2.json"), &b2);
    write_manifest(&root.join("h/3.json"), &b3);
    let options = AuditOptions {
        known_heads: audit_mod::remembered_heads(&seen),
        ..AuditOptions::default()
    };
    let second = audit_dir(&root, &trust, &options);
    assert!(kinds(&second).contains(&ProblemKind::HeadMismatch));
    let again = audit_mod::heads_to_remember(&seen, &second);
    assert_eq!(again.heads[ISSUER], seen.heads[ISSUER]);
    // A chain that grew honestly is remembered at its new head.
    let known = KnownHead {
        issuer: ISSUER.into(),
        position: Position {
            seq: 1,
            digest: a1.digest(),
        },
        source: HeadSource::Expected,
    };
    let grown = audit_dir(
        &root,
        &trust,
        &AuditOptions {
            known_heads: vec![known],
            ..AuditOptions::default()
        },
    );
    assert_eq!(grown.head_checks[0].outcome, HeadOutcome::Extends);
}

// ---------------------------------------------------------------------------------------------
// 5. `--statements` fails closed

/// A missing or misspelled statements directory, or a file in its place: exit 2, not a clean audit.
#[test]
fn missing_statements_directory_or_a_file_in_its_place_is_exit_2() {
    let sb = Sandbox::new();
    sb.sign(1);
    std::fs::write(sb.path("a-file"), "not a directory").unwrap();
    for dir in ["statemnets", "a-file"] {
        let out = sb.run(&["audit", "manifests", "--statements", dir]);
        assert_eq!(out.status.code(), Some(2), "{dir}");
    }
}

/// Every manifest's statement is expected in `--statements DIR`: a tampered-then-deleted file,
/// one replaced by a directory or by a dangling link, is `statement_missing`.
#[test]
fn statement_deleted_or_replaced_in_the_statements_directory_is_missing() {
    let sb = Sandbox::new();
    sb.sign(1);
    std::fs::create_dir(sb.path("statements")).unwrap();
    std::fs::copy(
        sb.path("statement-1.txt"),
        sb.path("statements/statement-1.txt"),
    )
    .unwrap();
    let (code, r) = sb.audit(&["--statements", "statements"]);
    assert_eq!(code, 0, "{:?}", r.problems);
    assert_eq!(r.statements_checked, 1);
    // Found by digest whatever its name.
    std::fs::rename(
        sb.path("statements/statement-1.txt"),
        sb.path("statements/renamed.txt"),
    )
    .unwrap();
    let (code, _) = sb.audit(&["--statements", "statements"]);
    assert_eq!(code, 0);
    std::fs::remove_file(sb.path("statements/renamed.txt")).unwrap();
    let (code, r) = sb.audit(&["--statements", "statements"]);
    assert_eq!(code, 1);
    assert!(
        kinds(&r).contains(&ProblemKind::StatementMissing),
        "{:?}",
        r.problems
    );
    std::fs::create_dir(sb.path("statements/statement-1.txt")).unwrap();
    let (_, r) = sb.audit(&["--statements", "statements"]);
    assert!(kinds(&r).contains(&ProblemKind::StatementMissing));
    #[cfg(unix)]
    {
        std::fs::remove_dir(sb.path("statements/statement-1.txt")).unwrap();
        std::os::unix::fs::symlink("gone.txt", sb.path("statements/statement-1.txt")).unwrap();
        let (_, r) = sb.audit(&["--statements", "statements"]);
        assert!(kinds(&r).contains(&ProblemKind::StatementMissing));
        // The link itself is reported, never followed.
        assert!(kinds(&r).contains(&ProblemKind::Unreadable));
    }
}

/// Beside its manifest, a statement file replaced by a directory is `statement_missing`, and a
/// tampered one is `statement_mismatch`.
#[test]
fn statement_beside_its_manifest_replaced_by_a_directory_is_missing() {
    let sb = Sandbox::new();
    let m = sb.sign(1);
    let beside = m.parent().unwrap().join("statement-1.txt");
    std::fs::write(&beside, "Statement 1: we call for nothing.\n").unwrap();
    let (_, r) = sb.audit(&[]);
    assert!(kinds(&r).contains(&ProblemKind::StatementMismatch));
    std::fs::remove_file(&beside).unwrap();
    std::fs::create_dir(&beside).unwrap();
    let (code, r) = sb.audit(&[]);
    assert_eq!(code, 1);
    assert!(
        kinds(&r).contains(&ProblemKind::StatementMissing),
        "{:?}",
        r.problems
    );
}

/// Two manifests with the same `file_name` (both signed as `statement.txt`): the file belongs to
/// the one whose digest it has, and accuses neither.
#[test]
fn two_statements_with_the_same_file_name_accuse_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let trust = trust_of(&[&key]);
    let one = attest::sign(&key, &request("One.\n"), &root, None).unwrap();
    attest::sign(&key, &request("Two.\n"), &root, None).unwrap();
    let folder = one.path.unwrap().parent().unwrap().to_path_buf();
    std::fs::write(folder.join("statement.txt"), "Two.\n").unwrap();
    let r = audit_dir(&root, &trust, &AuditOptions::default());
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.statements_checked, 1);
    // The same in a statements directory: matched by digest, not by name.
    let statements = dir.path().join("statements");
    std::fs::create_dir_all(&statements).unwrap();
    std::fs::write(statements.join("statement.txt"), "Two.\n").unwrap();
    std::fs::write(statements.join("one.txt"), "One.\n").unwrap();
    let options = AuditOptions {
        statements_dir: Some(statements.clone()),
        ..AuditOptions::default()
    };
    let r = audit_dir(&root, &trust, &options);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    // A tampered file under the name (matching no manifest) is a mismatch.
    std::fs::remove_file(statements.join("one.txt")).unwrap();
    std::fs::write(statements.join("statement.txt"), "Three.\n").unwrap();
    let r = audit_dir(&root, &trust, &options);
    assert!(
        kinds(&r).contains(&ProblemKind::StatementMismatch),
        "{:?}",
        r.problems
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Symbolic links are reported, never followed

/// A linked folder and a linked statement file in the archive are reported (`unreadable`), never
/// read through.
#[cfg(unix)]
#[test]
fn linked_folder_and_linked_statement_are_reported_not_followed() {
    let sb = Sandbox::new();
    let m = sb.sign(1);
    let outside = sb.path("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("statement-1.txt"), "Changed words.\n").unwrap();
    std::os::unix::fs::symlink(&outside, sb.path("manifests/linked")).unwrap();
    std::os::unix::fs::symlink(
        outside.join("statement-1.txt"),
        m.parent().unwrap().join("statement-1.txt"),
    )
    .unwrap();
    let (code, r) = sb.audit(&[]);
    assert_eq!(code, 1);
    let unreadable = r
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Unreadable)
        .count();
    assert_eq!(unreadable, 2, "{:?}", r.problems);
    // The linked statement's different words were never read.
    assert!(!kinds(&r).contains(&ProblemKind::StatementMismatch));
}

// ---------------------------------------------------------------------------------------------
// 4. Nothing hides by its name

/// A manifest renamed to `.JSON`, to a dot-name or to `.txt` is still audited (and `misplaced`).
#[test]
fn a_renamed_manifest_is_still_audited_and_misplaced() {
    for new_name in ["000002.JSON", ".000002.json", "000002.txt", ".hidden"] {
        let sb = Sandbox::new();
        sb.sign(1);
        let two = sb.sign(2);
        sb.sign(3);
        std::fs::rename(&two, two.parent().unwrap().join(new_name)).unwrap();
        let (code, r) = sb.audit(&["--state", "s.json"]);
        assert_eq!(code, 1, "{new_name}");
        assert_eq!(r.manifests, 3, "{new_name}: {:?}", r.ignored);
        assert!(kinds(&r).contains(&ProblemKind::Misplaced), "{new_name}");
        assert!(!kinds(&r).contains(&ProblemKind::ChainGap), "{new_name}");
    }
}

/// A manifest moved into another issuer's folder, or renumbered, is `misplaced`.
#[test]
fn a_manifest_moved_or_renumbered_is_misplaced() {
    let sb = Sandbox::new();
    sb.sign(1);
    let two = sb.sign(2);
    let name = two.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::create_dir(sb.path("manifests/lantern-lawyers-group")).unwrap();
    std::fs::rename(&two, sb.path("manifests/lantern-lawyers-group").join(&name)).unwrap();
    let (_, r) = sb.audit(&[]);
    assert!(
        kinds(&r).contains(&ProblemKind::Misplaced),
        "{:?}",
        r.problems
    );
    let sb = Sandbox::new();
    sb.sign(1);
    let two = sb.sign(2);
    let renamed = name.replacen("000002", "000007", 1);
    std::fs::rename(&two, two.parent().unwrap().join(renamed)).unwrap();
    let (_, r) = sb.audit(&[]);
    assert!(
        kinds(&r).contains(&ProblemKind::Misplaced),
        "{:?}",
        r.problems
    );
}

/// Everything audit does not read as a manifest is listed, with why: a hidden folder, a text file,
/// a statement kept as `letter.json` (not `malformed`), a JSON file of another kind.
#[test]
fn entries_that_are_not_manifests_are_listed_as_ignored_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let trust = trust_of(&[&key]);
    let letter = "{\"letter\": \"We call for the release of the detained lawyers.\"}\n";
    let mut req = request(letter);
    req.file_name = Some("letter.json".into());
    let signed = attest::sign(&key, &req, &root, None).unwrap();
    let folder = signed.path.unwrap().parent().unwrap().to_path_buf();
    std::fs::write(folder.join("letter.json"), letter).unwrap();
    std::fs::create_dir_all(root.join(".git/objects")).unwrap();
    std::fs::write(root.join("README.txt"), "Harbour's archive.\n").unwrap();
    let plain = attest::sign(&key, &request("Plain text.\n"), &root, None).unwrap();
    std::fs::write(folder.join("statement.txt"), "Plain text.\n").unwrap();
    assert_eq!(plain.manifest.seq(), 2);
    std::fs::write(root.join("package.json"), "{\"name\": \"site\"}\n").unwrap();
    let r = audit_dir(&root, &trust, &AuditOptions::default());
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.manifests, 2);
    assert_eq!(r.statements_checked, 2);
    let reason = |name: &str| {
        r.ignored
            .iter()
            .find(|i| i.path.ends_with(name))
            .map(|i| i.reason)
    };
    assert_eq!(reason(".git"), Some(IgnoreReason::HiddenDirectory));
    assert_eq!(reason("README.txt"), Some(IgnoreReason::NotAManifest));
    assert_eq!(reason("letter.json"), Some(IgnoreReason::Statement));
    assert_eq!(reason("statement.txt"), Some(IgnoreReason::Statement));
    assert_eq!(reason("package.json"), Some(IgnoreReason::OtherFormat));
}

// ---------------------------------------------------------------------------------------------
// 7. The trust store and key files

/// Every entry named like a key that cannot be used is reported by an error naming it, like a
/// malformed key file: a dangling link, a link loop, a directory, a FIFO, a `.PUB` name. Since
/// issue 8 item 5 the store skips it (callers warn) rather than failing whole.
#[cfg(unix)]
#[test]
fn unusable_entries_named_like_keys_are_named_warnings_never_silently_skipped() {
    let key = SecretKey::generate(ISSUER).unwrap();
    type Setup = Box<dyn Fn(&Path)>;
    let setups: Vec<(&str, Setup)> = vec![
        (
            "dangling",
            Box::new(|d: &Path| std::os::unix::fs::symlink("gone.pub", d.join("a.pub")).unwrap()),
        ),
        (
            "loop",
            Box::new(|d: &Path| {
                std::os::unix::fs::symlink("b.pub", d.join("a.pub")).unwrap();
                std::os::unix::fs::symlink("a.pub", d.join("b.pub")).unwrap();
            }),
        ),
        (
            "directory",
            Box::new(|d: &Path| std::fs::create_dir(d.join("a.pub")).unwrap()),
        ),
        (
            "fifo",
            Box::new(|d: &Path| {
                let status = Command::new("mkfifo")
                    .arg(d.join("a.pub"))
                    .status()
                    .unwrap();
                assert!(status.success());
            }),
        ),
        (
            "upper case",
            Box::new(|d: &Path| std::fs::write(d.join("a.PUB"), "x").unwrap()),
        ),
    ];
    for (what, setup) in setups {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("good.pub"), key.public().to_file_string()).unwrap();
        setup(dir.path());
        // Issue 8 item 5: the entry is skipped with an error naming it (shown as a warning), and
        // the good key still loads; alone in the store, it is still the store's error.
        let store = TrustStore::load(dir.path()).unwrap();
        assert_eq!(store.len(), 1, "{what}");
        assert!(!store.skipped().is_empty(), "{what}");
        for err in store.skipped() {
            assert!(
                matches!(&**err, KeyError::UnusableKeyFile { path, .. } if !path.ends_with("good.pub")),
                "{what}: {err:?}"
            );
        }
        std::fs::remove_file(dir.path().join("good.pub")).unwrap();
        let err = TrustStore::load(dir.path()).unwrap_err();
        assert!(
            matches!(err, KeyError::UnusableKeyFile { .. }),
            "{what}: {err:?}"
        );
    }
}

/// A `.pub` file is read up to a cap, never whole.
#[test]
fn oversized_public_key_file_is_refused_by_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.pub");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(2 * 1024 * 1024 * 1024).unwrap();
    let err = attest::IssuerKey::read(&path).unwrap_err();
    assert!(matches!(err, KeyError::KeyFileTooLarge { .. }), "{err:?}");
}

/// Comments in the one-line form: lines starting with `#`. A `#` word after the issuer is refused,
/// never made part of the issuer's name.
#[test]
fn one_line_key_comments_never_become_part_of_the_issuer() {
    let key = SecretKey::generate(ISSUER).unwrap();
    let line = key.public().to_line();
    let commented = format!("# from the Network's web site, 2026-03-08\n{line}\n");
    assert_eq!(
        attest::IssuerKey::parse(&commented, "k.pub")
            .unwrap()
            .issuer,
        ISSUER
    );
    let trailing = format!("{line} # from website");
    let err = attest::IssuerKey::parse(&trailing, "k.pub").unwrap_err();
    assert!(matches!(err, KeyError::OneLineComment { .. }), "{err:?}");
    let two = format!("{line}\n{line}");
    assert!(matches!(
        attest::IssuerKey::parse(&two, "k.pub"),
        Err(KeyError::OneLineShape { .. })
    ));
}

/// `sign` refuses a secret key file others can read, as ssh does.
#[cfg(unix)]
#[test]
fn sign_refuses_a_secret_key_readable_by_others() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    std::fs::set_permissions(sb.path("hr.key"), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(sb.run(&sb.sign_args(1, "manifests")).status.code(), Some(2));
    assert!(matches!(
        attest::keys::check_secret_file_private(&sb.path("hr.key")),
        Err(KeyError::SecretKeyNotPrivate { mode: 0o644, .. })
    ));
    std::fs::set_permissions(sb.path("hr.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    sb.sign(1);
}

/// Archive folders are created 0755 even under umask 000, so no local user can plant a link.
#[cfg(unix)]
#[test]
fn archive_folders_are_never_world_writable_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    std::fs::write(sb.path("s.txt"), "A statement.\n").unwrap();
    let script = format!(
        "umask 000; exec '{}' sign s.txt --key hr.key --archive fresh --new-archive",
        env!("CARGO_BIN_EXE_attest")
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(sb.dir.path())
        .env("ATTEST_STATE_DIR", sb.path("state"))
        .env_remove("ATTEST_KEYS")
        .env("HOME", sb.dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for dir in ["fresh", "fresh/harbour-rights-lawyers-network"] {
        let mode = std::fs::metadata(sb.path(dir))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o755, "{dir}");
    }
}

/// A key file whose Argon2 parameters would cost seconds and a gigabyte is refused before any
/// work.
#[test]
fn hostile_argon2_parameters_are_refused_before_any_work() {
    let key = SecretKey::generate(ISSUER).unwrap();
    let file = key.to_file_string(Some("lantern harbour")).unwrap();
    for (member, value) in [
        ("m_cost_kib", "1048576"),
        ("t_cost", "16"),
        ("p_cost", "16"),
        // Each within its bound, the product beyond it.
        ("t_cost", "8"),
    ] {
        let mut v: serde_json::Value = serde_json::from_str(&file).unwrap();
        v["encryption"][member] = serde_json::from_str(value).unwrap();
        if value == "8" {
            v["encryption"]["m_cost_kib"] = serde_json::json!(262144);
        }
        let started = std::time::Instant::now();
        let err = SecretKey::parse(&v.to_string(), "k.key", Some("lantern harbour")).unwrap_err();
        assert!(
            matches!(err, KeyError::KdfParams { .. }),
            "{member}: {err:?}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
}

/// A passphrase in the environment that is not UTF-8 gets its own message, not a prompt's.
#[cfg(unix)]
#[test]
fn non_utf8_passphrase_in_the_environment_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let sb = Sandbox::new();
    let out = sb
        .command(&["keygen", "--issuer", ISSUER, "--out", "enc"])
        .env(
            "ATTEST_PASSPHRASE",
            std::ffi::OsStr::from_bytes(b"lantern \xff harbour"),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
    assert!(!sb.path("enc.key").exists());
}

/// `keygen --out keys/` (or `keys/.`, or an existing directory) is an error, never hidden
/// `keys/.key` files.
#[test]
fn keygen_into_a_directory_is_an_error_not_hidden_files() {
    let sb = Sandbox::new();
    for out in ["keys/", "keys/.", "keys", "keys/.pub"] {
        let o = sb.run(&["keygen", "--issuer", ISSUER, "--out", out, "--unencrypted"]);
        assert_eq!(o.status.code(), Some(2), "{out}");
    }
    let hidden: Vec<_> = std::fs::read_dir(sb.path("keys"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

// ---------------------------------------------------------------------------------------------
// 8. Advice that cannot talk an archivist into trusting an impostor

/// An unknown key claiming an issuer that already has a trusted key: audit says a second key is
/// more likely an impostor (`second_key_claims_issuer`), and `trust add` warns the same way.
#[test]
fn a_second_key_claiming_a_trusted_issuer_is_called_a_likely_impostor() {
    let sb = Sandbox::new();
    sb.sign(1);
    sb.ok(&[
        "keygen",
        "--issuer",
        ISSUER,
        "--out",
        "impostor",
        "--unencrypted",
    ]);
    std::fs::write(sb.path("fake.txt"), "We withdraw the letter.\n").unwrap();
    sb.ok(&["sign", "fake.txt", "--key", "impostor.key"]);
    let (code, r) = sb.audit(&[]);
    assert_eq!(code, 1);
    assert!(kinds(&r).contains(&ProblemKind::UnknownKey));
    assert!(warning_kinds(&r).contains(&WarningKind::SecondKeyClaimsIssuer));
    let out = sb.ok(&["trust", "add", "impostor.pub"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
}

/// Issuer names that look alike (UTS #39 skeletons) or differ only in normalization are flagged.
#[test]
fn look_alike_issuer_names_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let real = SecretKey::generate(ISSUER).unwrap();
    let look_alike = SecretKey::generate("H\u{430}rbour Rights Lawyers Network").unwrap();
    attest::sign(&real, &request("One.\n"), &root, None).unwrap();
    attest::sign(&look_alike, &request("Fake.\n"), &root, None).unwrap();
    let r = audit_dir(&root, &trust_of(&[&real]), &AuditOptions::default());
    assert!(warning_kinds(&r).contains(&WarningKind::ConfusableIssuers));
    let nfd = SecretKey::generate("Cafe\u{301} Lawyers").unwrap();
    let nfc = SecretKey::generate("Caf\u{e9} Lawyers").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    attest::sign(&nfd, &request("One.\n"), &root, None).unwrap();
    let r = audit_dir(&root, &trust_of(&[&nfc, &nfd]), &AuditOptions::default());
    assert!(warning_kinds(&r).contains(&WarningKind::ConfusableIssuers));
    // Distinct names are not flagged.
    let r = audit_dir(&root, &trust_of(&[&nfd]), &AuditOptions::default());
    assert!(!warning_kinds(&r).contains(&WarningKind::ConfusableIssuers));
}

/// A date that goes backwards along a chain is warned about; a duplicate counts once.
#[test]
fn backwards_dates_warn_and_a_duplicate_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let trust = trust_of(&[&key]);
    let mut req = request("One.\n");
    req.date = Some("2026-05-20".into());
    attest::sign(&key, &req, &root, None).unwrap();
    let mut req = request("Two.\n");
    req.date = Some("2026-03-08".into());
    let two = attest::sign(&key, &req, &root, None).unwrap().path.unwrap();
    let r = audit_dir(&root, &trust, &AuditOptions::default());
    assert!(warning_kinds(&r).contains(&WarningKind::DateBackwards));
    std::fs::copy(&two, root.join("copy.json")).unwrap();
    let r = audit_dir(&root, &trust, &AuditOptions::default());
    assert!(kinds(&r).contains(&ProblemKind::Duplicate));
    assert_eq!(r.issuers[0].manifests, 2);
}

/// File names that are not UTF-8 are shown escaped, and two such names stay distinct.
#[cfg(unix)]
#[test]
fn undecodable_file_names_are_escaped_and_distinct() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    for name in [&b"bad\xff.json"[..], &b"bad\xfe.json"[..]] {
        std::fs::write(root.join(std::ffi::OsStr::from_bytes(name)), "{not json").unwrap();
    }
    let r = audit_dir(&root, &trust_of(&[&key]), &AuditOptions::default());
    let paths: Vec<&str> = r.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert_ne!(paths[0], paths[1]);
    assert!(paths.iter().all(|p| p.contains("\\x")), "{paths:?}");
}

/// Copy a directory tree (regular files and folders only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The new kinds print by the names JSON gives them.
#[test]
fn new_kind_names_are_their_json_names() {
    for kind in [
        ProblemKind::Rollback,
        ProblemKind::HeadMismatch,
        ProblemKind::StatementMissing,
        ProblemKind::Misplaced,
    ] {
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::Value::String(kind.name().to_string())
        );
    }
    for reason in [
        IgnoreReason::HiddenDirectory,
        IgnoreReason::AttestFile,
        IgnoreReason::NotAFile,
        IgnoreReason::NotAManifest,
        IgnoreReason::OtherFormat,
        IgnoreReason::Statement,
    ] {
        assert_eq!(
            serde_json::to_value(reason).unwrap(),
            serde_json::Value::String(reason.name().to_string())
        );
    }
}
