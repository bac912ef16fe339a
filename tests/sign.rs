//! `sign` never forks an issuer's chain: concurrent signers, signers killed mid-way, impostors and
//! forks, through the binary and through the library alone.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use attest::canon::canonicalize;
use attest::digest::Digest;
use attest::keys::{SecretKey, TrustStore};
use attest::manifest::{sign_statement, Manifest, NewStatement};
use attest::report::AuditReport;
use attest::sign::{ArchiveSigner, SkipReason};
use attest::{Destination, SignError, SignRequest, SignWarning};

const ISSUER: &str = "Harbour Rights Lawyers Network";
const LOCK_FILE: &str = ".attest-lock";

/// A directory with the issuer's key (`hr.key`, unencrypted for speed), a trust store `keys/` holding
/// its public key, and an empty `manifests/` archive-to-be.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let sb = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(sb.path("keys")).unwrap();
        sb.ok(&["keygen", "--issuer", ISSUER, "--out", "hr", "--unencrypted"]);
        std::fs::copy(sb.path("hr.pub"), sb.path("keys/hr.pub")).unwrap();
        std::fs::create_dir(sb.path("manifests")).unwrap();
        sb
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_attest"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_remove("ATTEST_PASSPHRASE")
            .env("ATTEST_STATE_DIR", self.path("state"))
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Write statement `n` and return its file name.
    fn statement(&self, n: usize) -> String {
        let name = format!("statement-{n}.txt");
        self.write(
            &name,
            &format!("Statement {n}: we call for the release of lawyer number {n}.\n"),
        );
        name
    }

    fn key(&self, name: &str) -> SecretKey {
        let content = std::fs::read_to_string(self.path(name)).unwrap();
        SecretKey::parse(&content, name, None).unwrap()
    }

    /// `attest audit manifests --keys keys --json`: the exit code and the report.
    fn audit(&self) -> (i32, AuditReport) {
        let out = self.run(&["audit", "manifests", "--keys", "keys", "--json"]);
        let report = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code().unwrap(), report)
    }
}

/// Every visible file under `root` (hidden ones, such as the lock and temporary files, are skipped as
/// the archive walk skips them).
fn visible_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// The manifests of the archive, sorted by seq.
fn manifests(root: &Path) -> Vec<Manifest> {
    let mut out: Vec<Manifest> = visible_files(root)
        .iter()
        .map(|p| {
            Manifest::parse(&std::fs::read(p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect();
    out.sort_by_key(|m| m.seq());
    out
}

/// Assert that `ms` is one chain with seq 1..=n, each linking to the one before.
fn assert_one_chain(ms: &[Manifest], n: u64) {
    let seqs: Vec<u64> = ms.iter().map(|m| m.seq()).collect();
    assert_eq!(seqs, (1..=n).collect::<Vec<_>>());
    assert_eq!(ms[0].prev(), None);
    for pair in ms.windows(2) {
        assert_eq!(
            pair[1].prev(),
            Some(pair[0].digest()),
            "seq {}",
            pair[1].seq()
        );
    }
}

/// Whether another process holds the archive lock now (taking it for an instant if not).
fn lock_is_held(lock: &Path) -> bool {
    let Ok(file) = File::open(lock) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            file.unlock().unwrap();
            false
        }
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(e)) => panic!("{e}"),
    }
}

/// Today 2 of 8 simultaneous signers failed and the other 6 all took seq 1. Under the archive lock
/// they queue: seq 1 to 8, one chain, a clean audit.
#[test]
fn eight_simultaneous_signers_take_seq_1_to_8_in_one_chain() {
    let sb = Sandbox::new();
    let names: Vec<String> = (1..=8).map(|n| sb.statement(n)).collect();
    let children: Vec<_> = names
        .iter()
        .map(|name| {
            sb.command(&["sign", name, "--key", "hr.key", "--date", "2026-03-08"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_one_chain(&manifests(&sb.path("manifests")), 8);
    let (code, report) = sb.audit();
    assert_eq!(code, 0, "{:?}", report.problems);
    assert_eq!((report.manifests, report.valid), (8, 8));
}

/// A small pseudo-random sequence (xorshift), seeded from the clock, for kill delays.
struct Jitter(u64);

impl Jitter {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

/// SIGKILL at any moment (after a random delay, the moment the lock is held, the moment the new
/// manifest is visible) leaves no visible partial or orphaned file, never leaves the archive locked,
/// and the chain stays one clean chain.
#[test]
fn signer_killed_at_any_moment_leaves_no_partial_file_and_no_stuck_lock() {
    let sb = Sandbox::new();
    let lock = sb.path("manifests").join(LOCK_FILE);
    // Some manifests of another issuer make the scan, and so the time under the lock, longer.
    let other = SecretKey::generate("Lantern Lawyers Group").unwrap();
    let mut signer = ArchiveSigner::open(&sb.path("manifests"), None).unwrap();
    signer.set_durable(false);
    for n in 0..40 {
        let text = format!("Lantern statement {n}.\n");
        signer
            .sign(&other, &request(&text, Destination::Archive))
            .unwrap();
    }
    drop(signer);
    std::fs::copy(sb.path("hr.pub"), sb.path("keys/hr.pub")).unwrap();
    std::fs::write(sb.path("keys/lantern.pub"), other.public().to_file_string()).unwrap();

    // How long one signing takes, to spread the kills over it.
    let name = sb.statement(0);
    let start = Instant::now();
    sb.ok(&["sign", &name, "--key", "hr.key"]);
    let span = start.elapsed().as_micros() as u64;
    let mut signed = 1;

    let mut jitter = Jitter(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1,
    );
    let mut killed_holding_lock = 0;
    let mut killed = 0;
    for i in 1..=21 {
        let name = if i % 3 == 0 {
            // A long statement, so that writing its manifest takes a while.
            let name = format!("long-{i}.txt");
            let paragraph = format!("Paragraph of statement {i}: we call for their release.\n\n");
            sb.write(&name, &paragraph.repeat(1000));
            name
        } else {
            sb.statement(i)
        };
        let files_before = visible_files(&sb.path("manifests")).len();
        let mut child = sb
            .command(&["sign", &name, "--key", "hr.key"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if i % 3 == 0 {
            // Kill it the moment its manifest is visible: a writer that made the file visible
            // before it was whole would leave a partial file here.
            while child.try_wait().unwrap().is_none() {
                if visible_files(&sb.path("manifests")).len() > files_before {
                    break;
                }
            }
        } else if i % 3 == 1 {
            // Kill it the moment it is seen holding the lock.
            while child.try_wait().unwrap().is_none() {
                if lock_is_held(&lock) {
                    killed_holding_lock += 1;
                    break;
                }
            }
        } else {
            std::thread::sleep(Duration::from_micros(jitter.next(span)));
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            signed += 1;
        } else {
            killed += 1;
        }
        // The lock died with the process.
        assert!(!lock_is_held(&lock), "iteration {i}: the lock is stuck");
        // Nothing visible but whole manifests.
        for path in visible_files(&sb.path("manifests")) {
            assert_eq!(path.extension().unwrap(), "json", "{}", path.display());
            let bytes = std::fs::read(&path).unwrap();
            Manifest::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        // The next signer is not stuck.
        let name = sb.statement(100 + i);
        sb.ok(&["sign", &name, "--key", "hr.key"]);
        signed += 1;
    }
    assert!(
        killed_holding_lock > 0 && killed > 0,
        "no signer was killed mid-way ({killed_holding_lock} seen holding the lock, {killed} killed)"
    );
    let ours: Vec<Manifest> = manifests(&sb.path("manifests"))
        .into_iter()
        .filter(|m| m.issuer() == ISSUER)
        .collect();
    // A signer killed after linking its manifest into place (but before it exited) still added a
    // whole manifest: count the manifests, not the exit codes.
    assert!(ours.len() as u64 >= signed, "{} < {signed}", ours.len());
    assert_one_chain(&ours, ours.len() as u64);
    let (code, report) = sb.audit();
    assert_eq!(code, 0, "{:?}", report.problems);
}

/// An impostor's manifest (another key, the issuer's very name) with a higher seq neither moves nor
/// blocks the issuer's chain.
#[test]
fn impostor_manifest_with_higher_seq_does_not_move_the_chain_head() {
    let sb = Sandbox::new();
    let first = sb.statement(1);
    sb.ok(&["sign", &first, "--key", "hr.key"]);
    let impostor = SecretKey::generate(ISSUER).unwrap();
    let fake = manifest(
        &impostor,
        "We withdraw our open letter.\n",
        7,
        Some(Digest::of(b"anything")),
    );
    let fake_dir = sb.path("manifests/elsewhere");
    std::fs::create_dir_all(&fake_dir).unwrap();
    std::fs::write(fake_dir.join("000007-fake.json"), fake.to_json()).unwrap();

    let second = sb.statement(2);
    let out = sb.ok(&["sign", &second, "--key", "hr.key", "--out", "-"]);
    let m = Manifest::parse(&out.stdout).unwrap();
    assert_eq!(m.seq(), 2);

    // The library says the same, and names no warning: the impostor's header names its own key,
    // so it is not even a candidate.
    let key = sb.key("hr.key");
    let trust = TrustStore::load(&sb.path("keys")).unwrap();
    let text = "Statement 2: the real one.\n";
    let signed = attest::sign(
        &key,
        &request(text, Destination::Nowhere),
        &sb.path("manifests"),
        Some(&trust),
    )
    .unwrap();
    assert_eq!(signed.manifest.seq(), 2);
    assert_eq!(signed.path, None);
    // The impostor's manifests are named, so a signer whose own other key is missing from the
    // trust store learns that this manifest may fork the chain.
    assert!(
        matches!(
            signed.warnings.as_slice(),
            [SignWarning::OtherKeys { highest_seq: 7, .. }]
        ),
        "{:?}",
        signed.warnings
    );
}

/// A forged manifest that names the issuer's key but whose signature does not verify is a head
/// candidate that fails the full check: it does not count, and the signer is told it was skipped.
#[test]
fn forged_head_candidate_naming_the_issuers_key_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("manifests");
    std::fs::create_dir(&archive).unwrap();
    let key = SecretKey::generate(ISSUER).unwrap();
    let signed = attest::sign(
        &key,
        &request("One.\n", Destination::Archive),
        &archive,
        None,
    )
    .unwrap();
    let first = signed.path.unwrap();
    // The same manifest moved to seq 9: the key id still names the issuer's key.
    let forged = std::fs::read_to_string(&first)
        .unwrap()
        .replace("\"seq\": 1,", "\"seq\": 9,")
        .replace(
            "\"prev\": null",
            &format!("\"prev\": \"{}\"", Digest::of(b"x")),
        );
    assert!(forged.contains("\"seq\": 9"));
    let forged_path = archive.join("forged.json");
    std::fs::write(&forged_path, forged).unwrap();

    let signed = attest::sign(
        &key,
        &request("Two.\n", Destination::Archive),
        &archive,
        None,
    )
    .unwrap();
    assert_eq!(signed.manifest.seq(), 2);
    assert_eq!(
        signed.warnings,
        vec![SignWarning::SkippedArchiveFile {
            path: forged_path,
            reason: SkipReason::NotValidlySigned,
            detail: match &signed.warnings[0] {
                SignWarning::SkippedArchiveFile { detail, .. } => detail.clone(),
                other => panic!("{other:?}"),
            },
        }]
    );
}

/// Two different manifests at the head (both signed with `--out` after seq 1, then moved into the
/// archive) are a fork: sign refuses, exit 2, and the library names the fork.
#[test]
fn fork_at_the_head_makes_sign_refuse() {
    let sb = Sandbox::new();
    let first = sb.statement(1);
    sb.ok(&["sign", &first, "--key", "hr.key"]);
    for n in [2, 3] {
        let name = sb.statement(n);
        let out = format!("branch-{n}.json");
        // The key remembers branch 2 at seq 2: a second manifest there takes the override.
        sb.ok(&[
            "sign",
            &name,
            "--key",
            "hr.key",
            "--out",
            &out,
            "--fork-from-archive",
        ]);
    }
    for n in [2, 3] {
        let name = format!("branch-{n}.json");
        std::fs::rename(sb.path(&name), sb.path("manifests").join(name)).unwrap();
    }
    let name = sb.statement(4);
    let out = sb.run(&["sign", &name, "--key", "hr.key"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(visible_files(&sb.path("manifests")).len(), 3);

    let key = sb.key("hr.key");
    let err = attest::sign(
        &key,
        &request("Four.\n", Destination::Archive),
        &sb.path("manifests"),
        None,
    )
    .unwrap_err();
    let SignError::Fork { seq, paths, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(seq, 2);
    assert_eq!(
        paths,
        vec![
            sb.path("manifests/branch-2.json"),
            sb.path("manifests/branch-3.json")
        ]
    );
}

/// `sign --out -` prints the manifest and writes nothing.
#[test]
fn sign_out_dash_prints_the_manifest_and_writes_nothing() {
    let sb = Sandbox::new();
    let name = sb.statement(1);
    let out = sb.ok(&["sign", &name, "--key", "hr.key", "--out", "-"]);
    let m = Manifest::parse(&out.stdout).unwrap();
    assert_eq!((m.issuer(), m.seq()), (ISSUER, 1));
    assert_eq!(m.wire().statement.file_name, name);
    assert!(visible_files(&sb.path("manifests")).is_empty());
}

fn request(text: &str, destination: Destination) -> SignRequest<'_> {
    SignRequest {
        bytes: text.as_bytes(),
        name: "statement.txt",
        file_name: Some("statement.txt".into()),
        title: Some(format!("Statement {}", Digest::of(text.as_bytes()).short())),
        date: Some("2026-03-08".into()),
        languages: Vec::new(),
        allow_suspicious: false,
        destination,
    }
}

fn manifest(key: &SecretKey, text: &str, seq: u64, prev: Option<Digest>) -> Manifest {
    let c = canonicalize(text);
    let st = NewStatement {
        bytes: text.as_bytes(),
        canonical: &c,
        title: "Withdrawal".into(),
        date: "2026-03-09".into(),
        languages: vec!["en".into()],
        file_name: "withdrawal.txt".into(),
    };
    sign_statement(key, &st, seq, prev).unwrap()
}

/// The library alone, no binary: a chain across a key change, the duplicate warning, and the
/// checks, each failing with its own variant.
#[test]
fn library_signs_a_chain_across_a_key_change_and_names_each_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("manifests");
    std::fs::create_dir(&archive).unwrap();
    let old = SecretKey::generate(ISSUER).unwrap();
    let new = SecretKey::generate(ISSUER).unwrap();
    let letter = "Open letter: we call for the release of the detained lawyers.\n\n公开信。\n";

    let one = attest::sign(&old, &request(letter, Destination::Archive), &archive, None).unwrap();
    assert_eq!(one.manifest.seq(), 1);
    assert_eq!(one.manifest.wire().statement.languages, vec!["en", "zh"]);
    assert!(one.warnings.is_empty());
    let path = one.path.clone().unwrap();
    assert!(path.starts_with(&archive));
    assert_eq!(
        Manifest::parse(&std::fs::read(&path).unwrap()).unwrap(),
        one.manifest
    );

    // The new key continues the chain only when the trust store holds the old key for the issuer.
    let mut trust = TrustStore::default();
    trust.add(old.public(), PathBuf::from("old.pub")).unwrap();
    let two = attest::sign(
        &new,
        &request(letter, Destination::Archive),
        &archive,
        Some(&trust),
    )
    .unwrap();
    assert_eq!(two.manifest.seq(), 2);
    assert_eq!(two.manifest.prev(), Some(one.manifest.digest()));
    assert_eq!(
        two.warnings,
        vec![SignWarning::AlreadySigned {
            issuer: ISSUER.into(),
            path,
            seq: 1
        }]
    );
    let alone = attest::sign(
        &new,
        &request("Other.\n", Destination::Nowhere),
        &archive,
        None,
    )
    .unwrap();
    assert_eq!(alone.manifest.seq(), 3, "the new key's own seq 2 counts");
    let stranger = SecretKey::generate(ISSUER).unwrap();
    let alone = attest::sign(
        &stranger,
        &request("Other.\n", Destination::Nowhere),
        &archive,
        None,
    )
    .unwrap();
    assert_eq!(alone.manifest.seq(), 1, "another key's chain is its own");

    // Refusals, each its own variant; nothing is written.
    let before = visible_files(&archive);
    let refuse = |r: SignRequest<'_>| attest::sign(&new, &r, &archive, None).unwrap_err();
    let mut r = request("", Destination::Archive);
    assert!(matches!(refuse(r.clone()), SignError::Empty { .. }));
    r = request("Hello \u{202E}dlrow\n", Destination::Archive);
    let err = refuse(r.clone());
    let SignError::Suspicious {
        codepoint,
        line,
        count,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!((codepoint.as_str(), line, count), ("U+202E", 1, 1));
    r.allow_suspicious = true;
    r.destination = Destination::Nowhere;
    assert!(attest::sign(&new, &r, &archive, None).is_ok());
    r = request("Text.\n", Destination::Archive);
    r.date = Some("2026-02-30".into());
    assert!(matches!(refuse(r.clone()), SignError::BadDate(_)));
    r = request("Text.\n", Destination::Archive);
    r.title = Some("  ".into());
    assert!(matches!(refuse(r.clone()), SignError::BadTitle(_)));
    r = request("Text.\n", Destination::Archive);
    r.languages = vec!["not a tag".into()];
    assert!(matches!(refuse(r.clone()), SignError::BadLanguage(_)));
    r = request("Text.\n", Destination::Archive);
    r.file_name = Some("../escape.txt".into());
    assert!(matches!(refuse(r.clone()), SignError::BadFileName(_)));
    let (gb, _, _) =
        encoding_rs::GB18030.encode("我们要求立即释放被羁押的律师，并保障其会见家属的权利。");
    let r = SignRequest {
        bytes: &gb,
        ..request("", Destination::Archive)
    };
    assert!(matches!(refuse(r), SignError::NotUtf8(_)));
    assert_eq!(visible_files(&archive), before);

    // An explicit file is written there, linked to the head, and never overwritten.
    let out = dir.path().join("out.json");
    let three = attest::sign(
        &new,
        &request("Three.\n", Destination::File(out.clone())),
        &archive,
        None,
    )
    .unwrap();
    assert_eq!(three.path.as_deref(), Some(out.as_path()));
    assert_eq!(three.manifest.seq(), 3);
    let err = attest::sign(
        &new,
        &request("Three.\n", Destination::File(out)),
        &archive,
        None,
    )
    .unwrap_err();
    assert!(matches!(err, SignError::Write(_)), "{err:?}");
}

/// One `ArchiveSigner` used by two keys of the same issuer (both trusted for it, as after a key
/// change): each key's remembered chain head must follow the other's signatures, or the second
/// statement by the first key would fork the chain.
#[test]
fn batch_signer_with_two_keys_of_one_issuer_keeps_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("manifests");
    std::fs::create_dir(&archive).unwrap();
    let old = SecretKey::generate(ISSUER).unwrap();
    let new = SecretKey::generate(ISSUER).unwrap();
    let mut trust = TrustStore::default();
    trust.add(old.public(), PathBuf::from("old.pub")).unwrap();
    trust.add(new.public(), PathBuf::from("new.pub")).unwrap();
    let mut signer = ArchiveSigner::open(&archive, Some(&trust)).unwrap();
    for (n, key) in [&old, &new, &old, &new].into_iter().enumerate() {
        let text = format!("Statement {n}.\n");
        let signed = signer
            .sign(key, &request(&text, Destination::Archive))
            .unwrap();
        assert_eq!(signed.manifest.seq(), n as u64 + 1);
    }
    drop(signer);
    assert_one_chain(&manifests(&archive), 4);
}

/// A mirror that replaces the issuer's folder with a link to elsewhere must not make `sign` write
/// through it (the manifests would land outside the archive, unseen, and the chain would restart).
#[cfg(unix)]
#[test]
fn sign_never_writes_through_a_linked_issuer_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let key = SecretKey::generate("Lantern Lawyers Group").unwrap();
    std::os::unix::fs::symlink(&elsewhere, root.join("lantern-lawyers-group")).unwrap();
    let result = attest::sign(&key, &request("One.\n", Destination::Archive), &root, None);
    // Refused before anything is written: the linked folder could hold the chain's head.
    assert!(
        matches!(result, Err(SignError::Unseen { .. })),
        "{result:?}"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // The walk reports the linked directory instead of skipping it in silence.
    use attest::archive::Archive;
    let listing = attest::DirArchive::new(&root).list().unwrap();
    assert_eq!(listing.problems.len(), 1);
}

/// A lock file planted as a link would make `sign` create a file wherever it points.
#[cfg(unix)]
#[test]
fn a_linked_lock_file_is_refused_and_nothing_is_created_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("manifests");
    std::fs::create_dir_all(&root).unwrap();
    let target = dir.path().join("victim.pub");
    std::os::unix::fs::symlink(&target, root.join(".attest-lock")).unwrap();
    let key = SecretKey::generate("Lantern Lawyers Group").unwrap();
    let result = attest::sign(&key, &request("One.\n", Destination::Archive), &root, None);
    assert!(matches!(result, Err(SignError::Lock(_))), "{result:?}");
    assert!(!target.exists());
}

/// A statement whose manifest would exceed the size readers accept is refused, never signed into
/// a manifest that every verifier would skip.
#[test]
fn a_statement_too_long_for_any_reader_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = SecretKey::generate("Lantern Lawyers Group").unwrap();
    let text: String = (0..100_000)
        .map(|n| format!("We call for the release of lawyer number {n}.\n"))
        .collect();
    let result = attest::sign(
        &key,
        &request(&text, Destination::Nowhere),
        dir.path(),
        None,
    );
    assert!(
        matches!(result, Err(SignError::TooLarge { .. })),
        "{:?}",
        result.map(|s| s.manifest.seq())
    );
}
