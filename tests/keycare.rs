//! Key care (issue 8, item 4): `key passwd` changes how a secret key is protected without ever losing
//! it, `key pub` gives back the public key file; and two follow-ups of revocation: `sign` refuses a
//! revoked key, and `verify --manifest --archive` applies the archive's revocations.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use attest::keys::{IssuerKey, KeyError, SecretKey, TrustStore};
use attest::report::{Verdict, VerifyReport};
use attest::{Destination, SignError, SignRequest};

const ISSUER: &str = "Lantern Lawyers Group";
const OLD: &str = "the old passphrase of the lantern group";
const NEW: &str = "a new passphrase after the office move";

/// A directory to run attest in, with no trust store, state or passphrases from the outside.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let sb = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(sb.path("manifests")).unwrap();
        sb
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// attest with `env` (name, value) set; stdin is never a terminal.
    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_attest"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_remove("ATTEST_PASSPHRASE")
            .env_remove("ATTEST_NEW_PASSPHRASE")
            .env_remove("ATTEST_KEYS")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_STATE_HOME")
            .env("ATTEST_STATE_DIR", self.path("state"))
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.command(args, env).output().unwrap()
    }

    fn ok(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let out = self.run(args, env);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn fails(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let out = self.run(args, env);
        assert_eq!(out.status.code(), Some(2), "{args:?} should fail");
        out
    }

    /// `PREFIX.key` and `PREFIX.pub` for ISSUER, encrypted with `pass` when given.
    fn keygen(&self, prefix: &str, pass: Option<&str>) {
        match pass {
            Some(p) => self.ok(
                &["keygen", "--issuer", ISSUER, "--out", prefix],
                &[("ATTEST_PASSPHRASE", p)],
            ),
            None => self.ok(
                &[
                    "keygen",
                    "--issuer",
                    ISSUER,
                    "--out",
                    prefix,
                    "--unencrypted",
                ],
                &[],
            ),
        };
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path(rel)).unwrap()
    }

    /// Write statement `n` and return its file name.
    fn statement(&self, n: u64) -> String {
        let name = format!("statement-{n}.txt");
        std::fs::write(
            self.path(&name),
            format!("Statement {n}: we ask for the release of the detained lawyers, case {n}.\n"),
        )
        .unwrap();
        name
    }

    /// Sign statement `n` with the unencrypted key `key` (exit 0).
    fn sign(&self, n: u64, key: &str, extra: &[&str]) -> Output {
        let name = self.statement(n);
        let mut args = vec!["sign", name.as_str(), "--key", key];
        args.extend_from_slice(extra);
        self.ok(&args, &[])
    }
}

fn parse_key(bytes: &[u8], pass: Option<&str>) -> Result<SecretKey, KeyError> {
    SecretKey::parse(std::str::from_utf8(bytes).unwrap(), "k.key", pass)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `key passwd` round-trips: the new passphrase opens the key, the old one no longer does, the key
/// is the same, the file stays 0600; `--unencrypted` and back again keep the key too.
#[test]
fn key_passwd_round_trips_and_keeps_the_key() {
    let sb = Sandbox::new();
    sb.keygen("l", Some(OLD));
    let key_id = IssuerKey::read(&sb.path("l.pub")).unwrap().key_id;
    let out = sb.ok(
        &["key", "passwd", "l.key"],
        &[("ATTEST_PASSPHRASE", OLD), ("ATTEST_NEW_PASSPHRASE", NEW)],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&key_id.to_string()));
    let file = sb.read("l.key");
    assert_eq!(parse_key(&file, Some(NEW)).unwrap().key_id(), key_id);
    assert!(matches!(
        parse_key(&file, Some(OLD)),
        Err(KeyError::Decrypt { .. })
    ));
    #[cfg(unix)]
    assert_eq!(mode(&sb.path("l.key")), 0o600);
    // The key signs with its new passphrase.
    let name = sb.statement(1);
    sb.ok(
        &["sign", &name, "--key", "l.key"],
        &[("ATTEST_PASSPHRASE", NEW)],
    );
    // To the clear and back.
    sb.ok(
        &["key", "passwd", "l.key", "--unencrypted"],
        &[("ATTEST_PASSPHRASE", NEW)],
    );
    let clear = sb.read("l.key");
    assert_eq!(parse_key(&clear, None).unwrap().key_id(), key_id);
    sb.ok(
        &["key", "passwd", "l.key"],
        &[("ATTEST_NEW_PASSPHRASE", OLD)],
    );
    assert_eq!(
        parse_key(&sb.read("l.key"), Some(OLD)).unwrap().key_id(),
        key_id
    );
    // Nothing was left beside the key.
    let mut names: Vec<String> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    assert!(names.is_empty(), "{names:?}");
}

/// Every way `key passwd` can be refused leaves the key file byte-identical: a wrong old passphrase,
/// no new passphrase and no terminal, a public key file, a key others can read, a link.
#[test]
fn refused_key_passwd_leaves_the_key_file_byte_identical() {
    let sb = Sandbox::new();
    sb.keygen("l", Some(OLD));
    let before = sb.read("l.key");
    sb.fails(
        &["key", "passwd", "l.key"],
        &[
            ("ATTEST_PASSPHRASE", "wrong"),
            ("ATTEST_NEW_PASSPHRASE", NEW),
        ],
    );
    sb.fails(&["key", "passwd", "l.key"], &[("ATTEST_PASSPHRASE", OLD)]);
    assert_eq!(sb.read("l.key"), before);
    let public = sb.read("l.pub");
    sb.fails(
        &["key", "passwd", "l.pub"],
        &[("ATTEST_PASSPHRASE", OLD), ("ATTEST_NEW_PASSPHRASE", NEW)],
    );
    assert_eq!(sb.read("l.pub"), public);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(sb.path("l.key"), std::fs::Permissions::from_mode(0o640)).unwrap();
        sb.fails(
            &["key", "passwd", "l.key"],
            &[("ATTEST_PASSPHRASE", OLD), ("ATTEST_NEW_PASSPHRASE", NEW)],
        );
        assert_eq!(sb.read("l.key"), before);
        std::fs::set_permissions(sb.path("l.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink(sb.path("l.key"), sb.path("link.key")).unwrap();
        sb.fails(
            &["key", "passwd", "link.key"],
            &[("ATTEST_PASSPHRASE", OLD), ("ATTEST_NEW_PASSPHRASE", NEW)],
        );
        assert_eq!(sb.read("l.key"), before);
        assert!(std::fs::symlink_metadata(sb.path("link.key"))
            .unwrap()
            .file_type()
            .is_symlink());
    }
    // An unencrypted key is already unencrypted.
    sb.keygen("u", None);
    let clear = sb.read("u.key");
    sb.fails(&["key", "passwd", "u.key", "--unencrypted"], &[]);
    assert_eq!(sb.read("u.key"), clear);
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

/// Hidden temporary files in `dir`.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".attest-tmp-"))
        })
        .collect()
}

/// `key passwd` killed (SIGKILL) at any moment, including the moment its new file appears beside
/// the key, never loses the key: the key file always opens, with the old passphrase or the new
/// one, and gives the same key.
#[test]
fn key_passwd_killed_at_any_moment_leaves_the_old_key_or_the_new_one() {
    let sb = Sandbox::new();
    sb.keygen("l", Some(OLD));
    let key_id = IssuerKey::read(&sb.path("l.pub")).unwrap().key_id;
    let passes = [OLD, NEW];
    let mut current = 0;
    // How long one change takes, to spread the kills over it.
    let start = Instant::now();
    sb.ok(
        &["key", "passwd", "l.key"],
        &[("ATTEST_PASSPHRASE", OLD), ("ATTEST_NEW_PASSPHRASE", NEW)],
    );
    current = 1 - current;
    let span = start.elapsed().as_micros() as u64;
    let mut jitter = Jitter(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1,
    );
    let (mut killed, mut finished, mut caught_with_new_file) = (0, 0, 0);
    for i in 0..12 {
        let (old, new) = (passes[current], passes[1 - current]);
        let before = sb.read("l.key");
        let mut child = sb
            .command(
                &["key", "passwd", "l.key"],
                &[("ATTEST_PASSPHRASE", old), ("ATTEST_NEW_PASSPHRASE", new)],
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if i % 2 == 0 {
            // Kill it the moment its new file appears beside the key (before or after the rename).
            let deadline = Instant::now() + Duration::from_secs(30);
            while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
                if !temporaries(sb.dir.path()).is_empty() {
                    caught_with_new_file += 1;
                    break;
                }
            }
        } else {
            std::thread::sleep(Duration::from_micros(jitter.next(2 * span)));
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        } else {
            killed += 1;
        }
        let after = sb.read("l.key");
        if after == before {
            assert_eq!(parse_key(&after, Some(old)).unwrap().key_id(), key_id);
        } else {
            // Changed: then it is whole, and opens with the new passphrase only.
            assert_eq!(
                parse_key(&after, Some(new)).unwrap().key_id(),
                key_id,
                "iteration {i}"
            );
            current = 1 - current;
        }
        if status.success() {
            assert_ne!(
                after, before,
                "iteration {i}: a finished change replaced nothing"
            );
        }
        #[cfg(unix)]
        assert_eq!(mode(&sb.path("l.key")), 0o600);
        // A killed change may leave its temporary file: private, and never the key file itself.
        for tmp in temporaries(sb.dir.path()) {
            #[cfg(unix)]
            assert_eq!(mode(&tmp) & 0o077, 0, "{}", tmp.display());
            std::fs::remove_file(tmp).unwrap();
        }
    }
    assert!(
        killed > 0,
        "no change was killed mid-way ({finished} finished)"
    );
    // The key still signs with the passphrase it has now.
    let name = sb.statement(1);
    sb.ok(
        &["sign", &name, "--key", "l.key"],
        &[("ATTEST_PASSPHRASE", passes[current])],
    );
    eprintln!(
        "{killed} killed ({caught_with_new_file} with the new file visible), {finished} finished"
    );
}

/// `key pub` gives back the `.pub` that keygen wrote: checked against the secret when the key is
/// unencrypted or a passphrase is at hand, read from the clear part otherwise; `--out` never
/// overwrites.
#[test]
fn key_pub_derives_the_public_key_file_from_the_secret_key() {
    let sb = Sandbox::new();
    sb.keygen("l", Some(OLD));
    let public = IssuerKey::read(&sb.path("l.pub")).unwrap();
    let line = format!("{}\n", public.to_line());
    // With the passphrase: checked.
    let out = sb.ok(&["key", "pub", "l.key"], &[("ATTEST_PASSPHRASE", OLD)]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), line);
    assert!(out.stderr.is_empty());
    // Without one (no terminal): the same key, read from the clear part, with a note.
    let out = sb.ok(&["key", "pub", "l.key"], &[]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), line);
    assert!(!out.stderr.is_empty());
    // A wrong passphrase is an error, never an unchecked answer.
    sb.fails(&["key", "pub", "l.key"], &[("ATTEST_PASSPHRASE", "wrong")]);
    // --out writes a .pub file equal to keygen's, and never over an existing file.
    sb.ok(
        &["key", "pub", "l.key", "--out", "again.pub"],
        &[("ATTEST_PASSPHRASE", OLD)],
    );
    assert_eq!(sb.read("again.pub"), sb.read("l.pub"));
    std::fs::write(sb.path("taken.pub"), b"something else").unwrap();
    sb.fails(
        &["key", "pub", "l.key", "--out", "taken.pub"],
        &[("ATTEST_PASSPHRASE", OLD)],
    );
    assert_eq!(sb.read("taken.pub"), b"something else");
    // An unencrypted key needs no passphrase.
    sb.keygen("u", None);
    let out = sb.ok(&["key", "pub", "u.key"], &[]);
    let u = IssuerKey::read(&sb.path("u.pub")).unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{}\n", u.to_line())
    );
    // A public key file is not a secret key file.
    sb.fails(&["key", "pub", "l.pub"], &[]);
}

/// A secret key file whose clear public key was swapped for a thief's: with the passphrase, `key pub`
/// refuses it rather than print the thief's key for the group to publish.
#[test]
fn key_pub_with_a_passphrase_refuses_a_swapped_public_key() {
    let sb = Sandbox::new();
    sb.keygen("l", Some(OLD));
    let thief = SecretKey::generate(ISSUER).unwrap();
    let ours = IssuerKey::read(&sb.path("l.pub")).unwrap();
    let text = String::from_utf8(sb.read("l.key")).unwrap();
    let b64 = |k: &IssuerKey| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(k.key.as_bytes())
    };
    let swapped = text
        .replace(&b64(&ours), &b64(&thief.public()))
        .replace(&ours.key_id.to_string(), &thief.key_id().to_string());
    assert_ne!(swapped, text);
    std::fs::write(sb.path("l.key"), swapped).unwrap();
    let out = sb.fails(&["key", "pub", "l.key"], &[("ATTEST_PASSPHRASE", OLD)]);
    assert!(out.stdout.is_empty());
}

fn signing_request(text: &str) -> SignRequest<'_> {
    SignRequest {
        bytes: text.as_bytes(),
        name: "statement.txt",
        file_name: Some("statement.txt".into()),
        title: None,
        date: Some("2026-11-30".into()),
        languages: vec![],
        allow_suspicious: false,
        destination: Destination::Nowhere,
    }
}

fn unencrypted_key(sb: &Sandbox, rel: &str) -> SecretKey {
    parse_key(&sb.read(rel), None).unwrap()
}

fn manifest_files(dir: &Path) -> usize {
    walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .count()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A key revoked after seq 2 (the laptop was seized) cannot sign seq 3: `sign` refuses with
/// `SignError::Revoked` naming the record and the point, and writes nothing, whether the record
/// is in the archive or only in the trust store.
#[test]
fn sign_refuses_a_key_revoked_before_the_position_it_would_sign() {
    let sb = Sandbox::new();
    sb.keygen("l", None);
    sb.sign(1, "l.key", &[]);
    sb.sign(2, "l.key", &[]);
    let out = sb.ok(
        &[
            "key",
            "revoke",
            "--key",
            "l.key",
            "--last-valid",
            "2",
            "--reason",
            "laptop seized",
        ],
        &[],
    );
    let record = sb
        .path(String::from_utf8(out.stdout).unwrap().trim())
        .canonicalize()
        .unwrap();
    let name = sb.statement(3);
    sb.fails(&["sign", &name, "--key", "l.key"], &[]);
    assert_eq!(manifest_files(&sb.path("manifests")), 2);

    let key = unencrypted_key(&sb, "l.key");
    let text = "Statement 3: a retraction we never wrote.\n";
    let archive = sb.path("manifests").canonicalize().unwrap();
    match attest::sign::sign(&key, &signing_request(text), &archive, None) {
        Err(SignError::Revoked(r)) => {
            assert_eq!((r.last_valid, r.seq, r.key_id), (2, 3, key.key_id()));
            assert_eq!(r.record.as_deref(), Some(record.as_path()));
            assert_eq!(r.ended_with, None);
        }
        other => panic!("expected SignError::Revoked, got {other:?}"),
    }

    // The record moved into the trust store alone still stops the key.
    std::fs::create_dir(sb.path("keys")).unwrap();
    std::fs::copy(sb.path("l.pub"), sb.path("keys/l.pub")).unwrap();
    let in_store = sb.path("keys").join(record.file_name().unwrap());
    std::fs::rename(&record, &in_store).unwrap();
    sb.fails(&["sign", &name, "--key", "l.key", "--keys", "keys"], &[]);
    let store = TrustStore::load(&sb.path("keys")).unwrap();
    match attest::sign::sign(&key, &signing_request(text), &archive, Some(&store)) {
        Err(SignError::Revoked(r)) => {
            assert_eq!(r.last_valid, 2);
            assert_eq!(r.record.as_deref(), Some(in_store.as_path()));
        }
        other => panic!("expected SignError::Revoked, got {other:?}"),
    }
    // Without the store, the archive no longer holds it, and the key signs again (the refusal
    // comes from the record, nothing else).
    assert_eq!(manifest_files(&sb.path("manifests")), 2);
    sb.ok(&["sign", &name, "--key", "l.key"], &[]);
}

/// A revocation at 0 stops even the first statement; one above the next position stops nothing.
#[test]
fn sign_is_refused_only_after_the_revocation_point() {
    let sb = Sandbox::new();
    sb.keygen("l", None);
    sb.ok(
        &["key", "revoke", "--key", "l.key", "--last-valid", "1"],
        &[],
    );
    // seq 1 ≤ 1: allowed; seq 2: refused.
    sb.sign(1, "l.key", &[]);
    let name = sb.statement(2);
    sb.fails(&["sign", &name, "--key", "l.key"], &[]);
    sb.keygen("z", None);
    sb.ok(
        &["key", "revoke", "--key", "z.key", "--last-valid", "0"],
        &[],
    );
    sb.fails(&["sign", &name, "--key", "z.key"], &[]);
}

/// After a rotation the group revokes the old key with the new one. Someone still signing with the
/// old key, with no trust store at all, is refused: the signing key counts as its issuer's, so the
/// revocation its successor signed is valid.
#[test]
fn sign_refuses_an_old_key_revoked_by_its_successor_without_a_trust_store() {
    let sb = Sandbox::new();
    sb.keygen("old", None);
    sb.keygen("new", None);
    sb.sign(1, "old.key", &[]);
    sb.sign(2, "old.key", &[]);
    sb.ok(
        &[
            "key",
            "rotate",
            "--old",
            "old.key",
            "--new",
            "new.pub",
            "--from-seq",
            "3",
        ],
        &[],
    );
    sb.ok(
        &[
            "key",
            "revoke",
            "--pub",
            "old.pub",
            "--signing-key",
            "new.key",
            "--last-valid",
            "2",
        ],
        &[],
    );
    let name = sb.statement(3);
    sb.fails(&["sign", &name, "--key", "old.key"], &[]);
    let old = unencrypted_key(&sb, "old.key");
    let archive = sb.path("manifests");
    assert!(matches!(
        attest::sign::sign(&old, &signing_request("Statement 3.\n"), &archive, None),
        Err(SignError::Revoked(_))
    ));
    // The new key signs on (the verifier trusting only the old key follows it).
    std::fs::create_dir(sb.path("keys")).unwrap();
    std::fs::copy(sb.path("old.pub"), sb.path("keys/old.pub")).unwrap();
    sb.sign(3, "new.key", &["--keys", "keys"]);
}

/// The old key revoked by itself alone also ends the key it handed over to (docs/SPEC.md §3.4.3):
/// a signer whose trust store holds the old key is refused with the new key, and told why.
#[test]
fn sign_refuses_a_successor_that_ends_with_its_revoked_introducer() {
    let sb = Sandbox::new();
    sb.keygen("old", None);
    sb.keygen("new", None);
    std::fs::create_dir(sb.path("keys")).unwrap();
    std::fs::copy(sb.path("old.pub"), sb.path("keys/old.pub")).unwrap();
    sb.sign(1, "old.key", &[]);
    sb.ok(
        &[
            "key",
            "rotate",
            "--old",
            "old.key",
            "--new",
            "new.pub",
            "--from-seq",
            "2",
        ],
        &[],
    );
    sb.sign(2, "new.key", &["--keys", "keys"]);
    let out = sb.ok(
        &["key", "revoke", "--key", "old.key", "--last-valid", "2"],
        &[],
    );
    let record = sb.path(String::from_utf8(out.stdout).unwrap().trim());
    let name = sb.statement(3);
    sb.fails(&["sign", &name, "--key", "new.key", "--keys", "keys"], &[]);
    let new = unencrypted_key(&sb, "new.key");
    let old_id = unencrypted_key(&sb, "old.key").key_id();
    let store = TrustStore::load(&sb.path("keys")).unwrap();
    match attest::sign::sign(
        &new,
        &signing_request("Statement 3.\n"),
        &sb.path("manifests"),
        Some(&store),
    ) {
        Err(SignError::Revoked(r)) => {
            assert_eq!((r.last_valid, r.seq), (2, 3));
            assert_eq!(r.ended_with, Some(old_id));
            assert!(r.record.is_some());
        }
        other => panic!("expected SignError::Revoked, got {other:?}"),
    }
    // Had the group signed the old key's revocation with the new key instead, the new key would
    // sign on.
    std::fs::remove_file(record).unwrap();
    sb.ok(
        &[
            "key",
            "revoke",
            "--pub",
            "old.pub",
            "--signing-key",
            "new.key",
            "--last-valid",
            "1",
        ],
        &[],
    );
    sb.sign(3, "new.key", &["--keys", "keys"]);
}

fn verdict(out: &Output) -> Verdict {
    let report: VerifyReport = serde_json::from_slice(&out.stdout).unwrap();
    report.verdict
}

/// `verify --manifest M --archive DIR` applies the archive's revocations: a statement signed after
/// the revocation point is untrusted, one before stays authentic; without --archive, only the trust
/// store's records apply; a missing --archive is an error.
#[test]
fn verify_manifest_applies_the_archive_revocations_when_archive_is_given() {
    let sb = Sandbox::new();
    sb.keygen("l", None);
    std::fs::create_dir(sb.path("keys")).unwrap();
    std::fs::copy(sb.path("l.pub"), sb.path("keys/l.pub")).unwrap();
    let mut manifests = Vec::new();
    for n in 1..=3 {
        let out = sb.sign(n, "l.key", &[]);
        let path = String::from_utf8(out.stdout).unwrap().trim().to_string();
        // Handed out on its own, outside the archive.
        let alone = format!("m{n}.json");
        std::fs::copy(sb.path(&path), sb.path(&alone)).unwrap();
        manifests.push(alone);
    }
    sb.ok(
        &["key", "revoke", "--key", "l.key", "--last-valid", "2"],
        &[],
    );
    let verify = |n: usize, with_archive: bool| {
        let statement = format!("statement-{n}.txt");
        let mut args = vec![
            "verify",
            statement.as_str(),
            "--keys",
            "keys",
            "--manifest",
            manifests[n - 1].as_str(),
            "--json",
        ];
        if with_archive {
            args.extend(["--archive", "manifests"]);
        }
        sb.run(&args, &[])
    };
    let out = verify(3, true);
    assert_eq!(verdict(&out), Verdict::Untrusted);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(verdict(&verify(2, true)), Verdict::Exact);
    // Without --archive, nothing tells this verifier of the revocation.
    assert_eq!(verdict(&verify(3, false)), Verdict::Exact);
    sb.fails(
        &[
            "verify",
            "statement-3.txt",
            "--keys",
            "keys",
            "--manifest",
            "m3.json",
            "--archive",
            "no-such-archive",
        ],
        &[],
    );
}
