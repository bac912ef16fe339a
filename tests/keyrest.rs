//! The rest of issue 8's key care (item 4) and item 5: a fingerprint to read aloud (`key show`,
//! `trust add`, `trust list`), passphrases from `/dev/tty` with the statement piped on stdin, from
//! `--passphrase-file` and `--passphrase-fd`, the 8-character minimum, commented trust store
//! entries, and a malformed `.pub` file that warns instead of blocking every verification.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use attest::keys::{IssuerKey, KeyError};

const ISSUER: &str = "Lantern Lawyers Group";
const PASS: &str = "tide lantern harbour seven";
/// The RFC 8032 §7.1 TEST 1 public key, its key id and its fingerprint (docs/SPEC.md §4.1).
const TEST_1_LINE: &str =
    "attest-ed25519 25172914932e6aa1 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo= Example Issuer";
const TEST_1_FINGERPRINT: &str = "78705 09563 00696 06700 34392 70415 58453 82993";

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let sb = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(sb.path("manifests")).unwrap();
        std::fs::create_dir(sb.path("keys")).unwrap();
        sb
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }

    fn command(&self, program: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(program);
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
        self.command(env!("CARGO_BIN_EXE_attest"), args, env)
            .output()
            .unwrap()
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
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} should fail: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// An unencrypted key pair `PREFIX.key`/`PREFIX.pub`, trusted in `keys/`, and statement 1
    /// signed with it.
    fn signed(prefix: &str) -> Sandbox {
        let sb = Sandbox::new();
        sb.ok(
            &[
                "keygen",
                "--issuer",
                ISSUER,
                "--out",
                prefix,
                "--unencrypted",
            ],
            &[],
        );
        std::fs::copy(
            sb.path(&format!("{prefix}.pub")),
            sb.path(&format!("keys/{prefix}.pub")),
        )
        .unwrap();
        sb.write(
            "letter.txt",
            "We ask for the release of the detained lawyers.\n",
        );
        sb.ok(
            &[
                "sign",
                "letter.txt",
                "--key",
                &format!("{prefix}.key"),
                "--date",
                "2026-11-30",
                "--keys",
                "keys",
            ],
            &[],
        );
        sb
    }

    /// A file only its owner can read.
    fn private_file(&self, rel: &str, text: &str) {
        self.write(rel, text);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(self.path(rel), std::fs::Permissions::from_mode(0o600))
                .unwrap();
        }
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Fingerprints

#[test]
fn key_show_prints_the_spec_fingerprint_of_the_rfc8032_test_1_key() {
    let sb = Sandbox::new();
    sb.write("t1.pub", TEST_1_LINE);
    let out = sb.ok(&["key", "show", "t1.pub", "--json"], &[]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["key_id"], "25172914932e6aa1");
    assert_eq!(json["fingerprint"], TEST_1_FINGERPRINT);
    let text = stdout(&sb.ok(&["key", "show", "t1.pub"], &[]));
    assert_eq!(text.lines().next(), Some(TEST_1_LINE));
    assert!(text.contains(&format!("fingerprint: {TEST_1_FINGERPRINT}")));
}

#[test]
fn trust_add_and_list_show_the_fingerprint_and_the_comment_where_the_key_came_from() {
    let sb = Sandbox::new();
    sb.write("t1.pub", TEST_1_LINE);
    let added = sb.ok(
        &[
            "trust",
            "add",
            "t1.pub",
            "--keys",
            "store",
            "--comment",
            "from the website, 2026-11-30",
        ],
        &[],
    );
    assert!(
        stdout(&added).contains(TEST_1_FINGERPRINT),
        "{}",
        stdout(&added)
    );
    let stored = std::fs::read_to_string(sb.path("store/25172914932e6aa1.pub")).unwrap();
    let (key, comment) = IssuerKey::parse_with_comment(&stored, "stored").unwrap();
    assert_eq!(key.issuer, "Example Issuer");
    assert_eq!(comment.as_deref(), Some("from the website, 2026-11-30"));
    let listed = stdout(&sb.ok(&["trust", "list", "--keys", "store"], &[]));
    assert!(listed.contains(TEST_1_FINGERPRINT), "{listed}");
    assert!(
        listed.contains("comment: from the website, 2026-11-30"),
        "{listed}"
    );
}

#[test]
fn a_comment_with_a_line_break_or_hidden_characters_is_refused() {
    let sb = Sandbox::new();
    sb.write("t1.pub", TEST_1_LINE);
    for bad in [
        "two\nlines",
        "tab\there",
        "zero\u{200b}width",
        "  ",
        &"x".repeat(501),
    ] {
        sb.fails(
            &[
                "trust",
                "add",
                "t1.pub",
                "--keys",
                "store",
                "--comment",
                bad,
            ],
            &[],
        );
        assert!(!sb.path("store/25172914932e6aa1.pub").exists());
    }
    // The same rule holds for the JSON form's `comment` member.
    let key = IssuerKey::parse(TEST_1_LINE, "t1").unwrap();
    let json = key.to_file_string_with_comment(Some("tab\there"));
    assert!(matches!(
        IssuerKey::parse(&json, "k.pub"),
        Err(KeyError::KeyComment { .. })
    ));
}

#[test]
fn one_line_comments_are_carried_into_the_trust_store() {
    let sb = Sandbox::new();
    sb.write(
        "t1.pub",
        &format!("# handed over at the March meeting\n{TEST_1_LINE}\n"),
    );
    sb.ok(&["trust", "add", "t1.pub", "--keys", "store"], &[]);
    let listed = stdout(&sb.ok(&["trust", "list", "--keys", "store"], &[]));
    assert!(
        listed.contains("comment: handed over at the March meeting"),
        "{listed}"
    );
}

// ---------------------------------------------------------------------------------------------
// A malformed trust store entry warns, naming it, and blocks nothing

#[test]
fn a_malformed_pub_file_warns_naming_it_and_verify_audit_sign_and_list_go_on() {
    let sb = Sandbox::signed("l");
    sb.write("keys/broken.pub", "attest-ed25519 not a key");
    let verify = sb.ok(&["verify", "letter.txt", "--keys", "keys"], &[]);
    assert!(
        stderr(&verify).contains("broken.pub"),
        "{}",
        stderr(&verify)
    );
    // The JSON report stays clean; the warning goes to standard error.
    let json = sb.ok(&["verify", "letter.txt", "--keys", "keys", "--json"], &[]);
    let report: attest::report::VerifyReport = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report.verdict, attest::report::Verdict::Exact);
    assert!(stderr(&json).contains("broken.pub"), "{}", stderr(&json));
    let audit = sb.ok(&["audit", "manifests", "--keys", "keys"], &[]);
    assert!(stderr(&audit).contains("broken.pub"), "{}", stderr(&audit));
    let list = sb.ok(&["trust", "list", "--keys", "keys"], &[]);
    assert!(stderr(&list).contains("broken.pub"), "{}", stderr(&list));
    assert!(stdout(&list).contains(ISSUER));
    sb.write("second.txt", "A second statement.\n");
    let sign = sb.ok(
        &[
            "sign",
            "second.txt",
            "--key",
            "l.key",
            "--date",
            "2026-11-30",
            "--keys",
            "keys",
        ],
        &[],
    );
    assert!(stderr(&sign).contains("broken.pub"), "{}", stderr(&sign));
}

#[test]
fn a_store_whose_only_entry_is_malformed_and_a_key_for_two_issuers_stay_errors() {
    let sb = Sandbox::signed("l");
    std::fs::remove_file(sb.path("keys/l.pub")).unwrap();
    sb.write("keys/broken.pub", "garbage");
    let out = sb.fails(&["verify", "letter.txt", "--keys", "keys"], &[]);
    assert!(stderr(&out).contains("broken.pub"), "{}", stderr(&out));
    // One key for two issuers.
    std::fs::remove_file(sb.path("keys/broken.pub")).unwrap();
    let line = IssuerKey::read(&sb.path("l.pub")).unwrap().to_line();
    sb.write("keys/a.pub", &line);
    sb.write("keys/b.pub", &line.replace(ISSUER, "Another Group"));
    sb.fails(&["verify", "letter.txt", "--keys", "keys"], &[]);
    assert!(matches!(
        attest::keys::TrustStore::load(&sb.path("keys")),
        Err(KeyError::KeyForTwoIssuers { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Passphrases

#[test]
fn passphrase_file_and_fd_serve_keygen_sign_and_key_pub() {
    let sb = Sandbox::new();
    sb.private_file("pass.txt", &format!("{PASS}\nignored second line\n"));
    sb.ok(
        &[
            "keygen",
            "--issuer",
            ISSUER,
            "--out",
            "l",
            "--passphrase-file",
            "pass.txt",
        ],
        &[],
    );
    // The first line, without its newline, is the passphrase.
    let key_file = std::fs::read_to_string(sb.path("l.key")).unwrap();
    assert!(attest::keys::SecretKey::parse(&key_file, "l.key", Some(PASS)).is_ok());
    sb.write("s.txt", "A statement.\n");
    sb.ok(
        &[
            "sign",
            "s.txt",
            "--key",
            "l.key",
            "--date",
            "2026-11-30",
            "--passphrase-file",
            "pass.txt",
        ],
        &[],
    );
    #[cfg(unix)]
    {
        let attest = env!("CARGO_BIN_EXE_attest");
        let out = sb
            .command(
                "sh",
                &[
                    "-c",
                    &format!("'{attest}' key pub l.key --passphrase-fd 3 3<pass.txt"),
                ],
                &[],
            )
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).starts_with("attest-ed25519 "));
        // Checked against the secret: no "not checked" note.
        assert!(!stderr(&out).contains("not checked"), "{}", stderr(&out));
        // A descriptor that is not open is an error, not a prompt.
        sb.fails(&["key", "pub", "l.key", "--passphrase-fd", "9"], &[]);
    }
}

#[cfg(unix)]
#[test]
fn a_passphrase_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    sb.write("pass.txt", &format!("{PASS}\n"));
    std::fs::set_permissions(sb.path("pass.txt"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = sb.fails(
        &[
            "keygen",
            "--issuer",
            ISSUER,
            "--out",
            "l",
            "--passphrase-file",
            "pass.txt",
        ],
        &[],
    );
    assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
    assert!(!sb.path("l.key").exists());
}

#[test]
fn new_passphrases_shorter_than_8_characters_need_weak_passphrase() {
    let sb = Sandbox::new();
    sb.fails(
        &["keygen", "--issuer", ISSUER, "--out", "l"],
        &[("ATTEST_PASSPHRASE", "short")],
    );
    assert!(!sb.path("l.key").exists());
    sb.ok(
        &[
            "keygen",
            "--issuer",
            ISSUER,
            "--out",
            "l",
            "--weak-passphrase",
        ],
        &[("ATTEST_PASSPHRASE", "short")],
    );
    // key passwd: a short new passphrase is refused, and the key file is unchanged.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(sb.path("l.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let before = std::fs::read(sb.path("l.key")).unwrap();
    sb.fails(
        &["key", "passwd", "l.key"],
        &[
            ("ATTEST_PASSPHRASE", "short"),
            ("ATTEST_NEW_PASSPHRASE", "tiny"),
        ],
    );
    assert_eq!(std::fs::read(sb.path("l.key")).unwrap(), before);
    // The new passphrase from a file, the old one from a descriptor-free file too.
    sb.private_file("old.txt", "short\n");
    sb.private_file("new.txt", &format!("{PASS}\n"));
    sb.ok(
        &[
            "key",
            "passwd",
            "l.key",
            "--passphrase-file",
            "old.txt",
            "--new-passphrase-file",
            "new.txt",
        ],
        &[],
    );
    let key_file = std::fs::read_to_string(sb.path("l.key")).unwrap();
    assert!(attest::keys::SecretKey::parse(&key_file, "l.key", Some(PASS)).is_ok());
}

/// The issue's scenario: `cat statement | attest sign - --key k.key` in a terminal asks for the
/// passphrase on the terminal. The terminal is a pseudo-terminal from util-linux `script` (in
/// Debian's essential bsdutils package); where it is missing, the test says so and, on CI, fails.
#[cfg(unix)]
#[test]
fn passphrase_prompt_works_on_the_terminal_with_the_statement_piped_on_stdin() {
    use std::io::Write as _;
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "util-linux `script` is needed for the pseudo-terminal test"
        );
        eprintln!("skipped: no util-linux `script` to make a pseudo-terminal");
        return;
    }
    let sb = Sandbox::new();
    sb.ok(
        &["keygen", "--issuer", ISSUER, "--out", "l"],
        &[("ATTEST_PASSPHRASE", PASS)],
    );
    sb.write("s.txt", "We ask for the release of the detained lawyers.\n");
    let attest = env!("CARGO_BIN_EXE_attest");
    let inner =
        format!("cat s.txt | '{attest}' sign - --key l.key --file-name s.txt --date 2026-11-30");
    let mut child = sb
        .command("script", &["-q", "-e", "-c", &inner, "/dev/null"], &[])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASS}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let shown = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{shown} {}", stderr(&out));
    assert!(shown.contains("Passphrase for l.key"), "{shown}");
    assert!(!shown.contains("no terminal"), "{shown}");
    // sign prints the manifest it wrote.
    let manifest = shown
        .lines()
        .find_map(|l| l.trim().strip_prefix("manifests/"))
        .unwrap_or_else(|| panic!("no manifest path in {shown}"));
    assert!(sb.path("manifests").join(manifest).is_file(), "{manifest}");
    // With neither stdin nor stderr a terminal (as here), the same pipe is a clear error, never a
    // wait on the controlling terminal.
    let no_tty = sb
        .command(
            "sh",
            &[
                "-c",
                &format!("cat s.txt | '{attest}' sign - --key l.key --file-name s.txt"),
            ],
            &[],
        )
        .output()
        .unwrap();
    assert_eq!(no_tty.status.code(), Some(2), "{}", stderr(&no_tty));
}

#[test]
fn trust_add_works_on_a_store_whose_only_entry_is_malformed() {
    let sb = Sandbox::new();
    sb.write("keys/broken.pub", "garbage");
    sb.write("t1.pub", TEST_1_LINE);
    sb.ok(&["trust", "add", "t1.pub", "--keys", "keys"], &[]);
    let list = sb.ok(&["trust", "list", "--keys", "keys"], &[]);
    assert!(stdout(&list).contains("25172914932e6aa1"));
    assert!(stderr(&list).contains("broken.pub"), "{}", stderr(&list));
}
