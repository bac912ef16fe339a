//! End-to-end tests of the `attest` command: the command-line contract, verdicts and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use attest::report::{
    AuditReport, ChangeKind, MatchKind, ProblemKind, Verdict, VerifyReport, WarningKind,
};

const ISSUER: &str = "Harbour Rights Lawyers Network";

const LETTER: &str = "\
From: Harbour Rights Lawyers Network
To: The Chief Justice; the Minister of Justice

Subject: Release of the detained lawyers

1. We call for the immediate release of the three lawyers detained on
5 March 2026, and for their access to counsel of their own choosing.

2. The authorities\u{2019} claim that the case \u{201C}involves state secrets\u{201D}
does not justify holding them incommunicado.

公开信：我们要求立即释放于二〇二六年三月五日被羁押的三名律师，并
保障其自行委托辩护人及会见家属的权利。

Contact: Evelyn Fung, +852 5550 0117
";

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    /// A directory with an issuer key (unencrypted, for speed), a trust store holding its public key,
    /// and the letter signed into `manifests/`.
    fn signed() -> Sandbox {
        let sb = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(sb.path("keys")).unwrap();
        sb.ok(&["keygen", "--issuer", ISSUER, "--out", "hr", "--unencrypted"]);
        std::fs::copy(sb.path("hr.pub"), sb.path("keys/hr.pub")).unwrap();
        sb.write("letter.txt", LETTER.as_bytes());
        let out = sb.ok(&[
            "sign",
            "letter.txt",
            "--key",
            "hr.key",
            "--title",
            "Open letter",
            "--date",
            "2026-03-08",
            "--new-archive",
        ]);
        assert!(String::from_utf8_lossy(&out.stdout).contains("manifests/"));
        sb
    }

    /// An impostor's key pair (`impostor.key`, `impostor.pub`) with the issuer's very name, not in
    /// the trust store.
    fn impostor_key(&self) {
        self.ok(&[
            "keygen",
            "--issuer",
            ISSUER,
            "--out",
            "impostor",
            "--unencrypted",
        ]);
        // The impostor's own trust store: their key only.
        std::fs::create_dir_all(self.path("impostor-keys")).unwrap();
        std::fs::copy(
            self.path("impostor.pub"),
            self.path("impostor-keys/impostor.pub"),
        )
        .unwrap();
    }

    /// The impostor's "withdrawal" (`fake.txt`), signed into its own `archive`.
    fn impostor_statement_in(&self, archive: &str) {
        self.impostor_key();
        self.write(
            "fake.txt",
            b"Harbour Rights Lawyers Network withdraws its open letter.\n",
        );
        self.ok(&[
            "sign",
            "fake.txt",
            "--key",
            "impostor.key",
            "--archive",
            archive,
            "--new-archive",
        ]);
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        std::fs::write(self.path(rel), bytes).unwrap();
    }

    /// Run attest in the sandbox. The verifier's trust store is the sandbox's `keys/`, named by
    /// `ATTEST_KEYS` (never found by being in the current directory), and HOME is the sandbox, so
    /// no test reads the real user's configuration.
    fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .env("ATTEST_KEYS", self.path("keys"))
            .output()
            .unwrap()
    }

    /// attest in the sandbox with no trust store chosen: ATTEST_KEYS and XDG_CONFIG_HOME unset,
    /// HOME the sandbox.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_attest"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("ATTEST_PASSPHRASE")
            .env_remove("ATTEST_KEYS")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_STATE_HOME")
            .env_remove("ATTEST_STATE_DIR")
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1");
        command
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

    fn verify_json(&self, extra: &[&str]) -> (VerifyReport, i32) {
        let mut args = vec!["verify"];
        args.extend_from_slice(extra);
        args.push("--json");
        let out = self.run(&args);
        let code = out.status.code().unwrap();
        let report: VerifyReport = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (report, code)
    }

    fn manifest_files(&self) -> Vec<PathBuf> {
        use attest::archive::Archive;
        attest::DirArchive::new(self.path("manifests"))
            .list()
            .unwrap()
            .files
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn signed_file_verifies_as_exact() {
    let sb = Sandbox::signed();
    let (r, code) = sb.verify_json(&["letter.txt"]);
    assert_eq!(r.verdict, Verdict::Exact);
    assert_eq!(code, 0);
    assert_eq!(r.issuer.as_deref(), Some(ISSUER));
    assert!(r
        .manifest
        .unwrap()
        .path
        .ends_with("000001-2026-03-08-open-letter.json"));
    let human = sb.ok(&["verify", "letter.txt"]);
    assert!(String::from_utf8_lossy(&human.stdout).starts_with("exact: "));
}

#[test]
fn crlf_rewrapped_straight_quoted_copy_is_reformatted() {
    let sb = Sandbox::signed();
    let copy = LETTER
        .replace(['\u{201C}', '\u{201D}'], "\"")
        .replace('\u{2019}', "'")
        .replace(
            "immediate release of the three lawyers detained on\n5 March",
            "immediate\nrelease of the three lawyers detained on 5 March",
        )
        .replace("，并\n保障", "，\n并保障")
        .replace('\n', "\r\n");
    sb.write("copy.txt", copy.as_bytes());
    let (r, code) = sb.verify_json(&["copy.txt"]);
    assert_eq!((r.verdict, code), (Verdict::Reformatted, 0), "{r:?}");
    let names: Vec<String> = r
        .differences
        .iter()
        .map(|d| serde_json::to_string(d).unwrap())
        .collect();
    assert_eq!(names, ["\"line_endings\"", "\"wrapping\"", "\"quotes\""]);
}

#[test]
fn gb18030_copy_is_reformatted_with_encoding_named() {
    let sb = Sandbox::signed();
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(LETTER);
    assert!(!unmappable);
    sb.write("copy-gb.txt", &bytes);
    let (r, code) = sb.verify_json(&["copy-gb.txt"]);
    assert_eq!((r.verdict, code), (Verdict::Reformatted, 0), "{r:?}");
    assert_eq!(r.copy.encoding, "gb18030");
    assert!(r
        .differences
        .contains(&attest::canon::LayoutDifference::Encoding));
}

#[test]
fn impostor_key_with_same_issuer_name_is_untrusted() {
    let sb = Sandbox::signed();
    sb.impostor_statement_in("impostor-archive");
    let (r, code) = sb.verify_json(&["fake.txt", "--archive", "impostor-archive"]);
    assert_eq!((r.verdict, code), (Verdict::Untrusted, 1), "{r:?}");
    assert_eq!(r.issuer, None);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.message.contains("not in the trust store")),
        "{r:?}"
    );
}

#[test]
fn trusted_statement_wins_over_impostor_copy() {
    let sb = Sandbox::signed();
    sb.impostor_key();
    // The impostor signs the very same letter into the same archive.
    sb.write("same.txt", LETTER.replace('\n', "\r\n").as_bytes());
    sb.ok(&[
        "sign",
        "same.txt",
        "--key",
        "impostor.key",
        "--out",
        "manifests/impostor.json",
    ]);
    let (r, code) = sb.verify_json(&["same.txt"]);
    assert_eq!((r.verdict, code), (Verdict::Reformatted, 0), "{r:?}");
    assert_eq!(r.other_matches.len(), 1);
    assert!(r
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::UntrustedMatch));
}

#[test]
fn other_issuer_named_is_misattributed() {
    let sb = Sandbox::signed();
    let (r, code) = sb.verify_json(&["letter.txt", "--issuer", "Lantern Press Freedom Group"]);
    assert_eq!((r.verdict, code), (Verdict::Misattributed, 1));
    assert_eq!(r.issuer.as_deref(), Some(ISSUER));
    let (r, code) = sb.verify_json(&["letter.txt", "--issuer", ISSUER]);
    assert_eq!((r.verdict, code), (Verdict::Exact, 0));
}

#[test]
fn unrelated_text_is_unknown() {
    let sb = Sandbox::signed();
    sb.write("other.txt", b"A letter nobody signed.\n");
    let (r, code) = sb.verify_json(&["other.txt"]);
    assert_eq!((r.verdict, code), (Verdict::Unknown, 1));
    assert!(r.manifest.is_none());
}

#[test]
fn bidi_control_in_copy_is_warned_about_and_not_authentic() {
    let sb = Sandbox::signed();
    sb.write(
        "bidi.txt",
        LETTER
            .replace("+852 5550 0117", "+852 \u{202E}7110 0555")
            .as_bytes(),
    );
    let (r, code) = sb.verify_json(&["bidi.txt"]);
    assert_eq!(code, 1);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.kind == WarningKind::BidiControl && w.message.contains("U+202E")),
        "{r:?}"
    );
}

#[test]
fn stdin_copy_is_verified() {
    let sb = Sandbox::signed();
    let out = sb
        .command(&["verify", "-", "--json"])
        .env("ATTEST_KEYS", sb.path("keys"))
        .stdin(std::fs::File::open(sb.path("letter.txt")).unwrap())
        .output()
        .unwrap();
    let r: VerifyReport = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r.verdict, Verdict::Exact);
}

#[test]
fn encrypted_secret_key_is_private_and_never_overwritten() {
    let sb = Sandbox {
        dir: tempfile::tempdir().unwrap(),
    };
    let keygen = || {
        Command::new(env!("CARGO_BIN_EXE_attest"))
            .args(["keygen", "--issuer", ISSUER, "--out", "group"])
            .current_dir(sb.dir.path())
            .env("ATTEST_PASSPHRASE", "lantern harbour tide seven")
            .output()
            .unwrap()
    };
    let out = keygen();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(sb.path("group.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let key_file = std::fs::read_to_string(sb.path("group.key")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&key_file).unwrap();
    assert_eq!(json["encryption"]["kdf"], "argon2id");
    assert_eq!(json["encryption"]["cipher"], "chacha20poly1305");
    // The secret field is ciphertext: seed (32) + tag (16).
    use base64::Engine as _;
    let secret = base64::engine::general_purpose::STANDARD
        .decode(json["secret"].as_str().unwrap())
        .unwrap();
    assert_eq!(secret.len(), 48);
    // Signing with the wrong passphrase fails cleanly; the right one works.
    sb.write("s.txt", b"Statement.\n");
    let sign = |pass: &str| {
        Command::new(env!("CARGO_BIN_EXE_attest"))
            .args([
                "sign",
                "s.txt",
                "--key",
                "group.key",
                "--date",
                "2026-01-02",
                "--new-archive",
            ])
            .current_dir(sb.dir.path())
            .env("ATTEST_STATE_DIR", sb.path("state"))
            .env("ATTEST_PASSPHRASE", pass)
            .output()
            .unwrap()
    };
    let bad = sign("wrong");
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("wrong passphrase"),
        "{}",
        stderr(&bad)
    );
    assert_eq!(sign("lantern harbour tide seven").status.code(), Some(0));
    // A second keygen refuses, and the key is unchanged.
    let again = keygen();
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(sb.path("group.key")).unwrap(),
        key_file
    );
}

#[test]
fn keygen_without_passphrase_or_terminal_is_a_clear_error() {
    let sb = Sandbox {
        dir: tempfile::tempdir().unwrap(),
    };
    let out = sb.run(&["keygen", "--issuer", ISSUER, "--out", "k"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ATTEST_PASSPHRASE"),
        "{}",
        stderr(&out)
    );
    assert!(!sb.path("k.key").exists());
}

#[test]
fn key_show_prints_one_publishable_line() {
    let sb = Sandbox::signed();
    let out = sb.ok(&["key", "show", "hr.pub"]);
    let text = String::from_utf8(out.stdout).unwrap();
    // The publishable line comes first; the key id and fingerprint follow on lines of their own.
    let line = text.lines().next().unwrap().to_string();
    assert!(text.lines().any(|l| l.starts_with("fingerprint: ")));
    assert!(line.starts_with("attest-ed25519 ") && line.trim_end().ends_with(ISSUER));
    // The line itself is a valid trust store entry.
    std::fs::create_dir(sb.path("keys2")).unwrap();
    sb.write("keys2/hr.pub", line.as_bytes());
    let (r, _) = sb.verify_json(&["letter.txt", "--keys", "keys2"]);
    assert_eq!(r.verdict, Verdict::Exact);
}

#[test]
fn sign_chains_manifests_and_refuses_non_utf8() {
    let sb = Sandbox::signed();
    sb.write("second.txt", b"A second statement.\n");
    let out = sb.ok(&[
        "sign",
        "second.txt",
        "--key",
        "hr.key",
        "--date",
        "2026-05-20",
    ]);
    let path = String::from_utf8(out.stdout).unwrap();
    assert!(
        path.trim().ends_with("000002-2026-05-20-second.json"),
        "{path}"
    );
    let m = attest::archive::read_manifest(&sb.path(path.trim())).unwrap();
    assert_eq!(m.seq(), 2);
    let first = attest::archive::read_manifest(&sb.manifest_files()[0]).unwrap();
    assert_eq!(m.prev(), Some(first.digest()));

    let (gb, _, _) = encoding_rs::GB18030
        .encode("我们要求立即释放被羁押的律师，并保障其会见家属的权利。这是第二份声明。");
    sb.write("gb.txt", &gb);
    let out = sb.run(&["sign", "gb.txt", "--key", "hr.key"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("gb.txt") && stderr(&out).contains("UTF-8"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn audit_of_clean_archive_passes() {
    let sb = Sandbox::signed();
    let out = sb.ok(&["audit", "--json"]);
    let r: AuditReport = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((r.manifests, r.valid), (1, 1));
    assert!(r.problems.is_empty());
}

#[test]
fn audit_reports_tampered_signature_and_keeps_going() {
    let sb = Sandbox::signed();
    sb.write("second.txt", b"A second statement.\n");
    sb.ok(&[
        "sign",
        "second.txt",
        "--key",
        "hr.key",
        "--date",
        "2026-05-20",
    ]);
    let files = sb.manifest_files();
    // Tamper with the first manifest's date; break the JSON of another file.
    let text = std::fs::read_to_string(&files[0])
        .unwrap()
        .replace("2026-03-08", "2026-03-09");
    std::fs::write(&files[0], text).unwrap();
    sb.write("manifests/broken.json", b"{\"format\": ");
    let out = sb.run(&["audit", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r: AuditReport = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<(ProblemKind, &str)> = r
        .problems
        .iter()
        .map(|p| {
            (
                p.kind,
                Path::new(&p.path).file_name().unwrap().to_str().unwrap(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&(
            ProblemKind::BadSignature,
            files[0].file_name().unwrap().to_str().unwrap()
        )),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(ProblemKind::Malformed, "broken.json")),
        "{kinds:?}"
    );
    assert_eq!(r.manifests, 3);
    assert_eq!(
        r.valid, 0,
        "the second manifest's chain link now points at an untrusted manifest"
    );
}

#[test]
fn audit_finds_chain_gaps_and_statement_mismatches() {
    let sb = Sandbox::signed();
    for (i, date) in ["2026-04-01", "2026-05-01"].iter().enumerate() {
        sb.write(
            &format!("s{i}.txt"),
            format!("Statement number {i}.\n").as_bytes(),
        );
        sb.ok(&[
            "sign",
            &format!("s{i}.txt"),
            "--key",
            "hr.key",
            "--date",
            date,
        ]);
    }
    let files = sb.manifest_files();
    std::fs::remove_file(&files[1]).unwrap();
    // A statement file beside its manifest that differs from what was signed.
    let dir = files[0].parent().unwrap();
    std::fs::write(dir.join("letter.txt"), LETTER.replace("0117", "0171")).unwrap();
    let out = sb.run(&["audit", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let r: AuditReport = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<ProblemKind> = r.problems.iter().map(|p| p.kind).collect();
    assert!(kinds.contains(&ProblemKind::ChainGap), "{kinds:?}");
    assert!(kinds.contains(&ProblemKind::StatementMismatch), "{kinds:?}");
    assert_eq!(r.statements_checked, 1);
}

#[test]
fn bad_inputs_exit_2_with_the_file_named() {
    let sb = Sandbox::signed();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["verify", "missing.txt"], "missing.txt"),
        (vec!["verify", "letter.txt", "--keys", "nokeys"], "nokeys"),
        (
            vec!["verify", "letter.txt", "--archive", "noarchive"],
            "noarchive",
        ),
        (
            vec!["verify", "letter.txt", "--manifest", "letter.txt"],
            "letter.txt",
        ),
        (vec!["verify", "binary.bin"], "binary.bin"),
        (vec!["hash", "binary.bin"], "binary.bin"),
        (vec!["sign", "letter.txt", "--key", "hr.pub"], "hr.pub"),
        (
            vec![
                "sign",
                "letter.txt",
                "--key",
                "hr.key",
                "--date",
                "2026-02-30",
            ],
            "2026-02-30",
        ),
        (vec!["key", "show", "letter.txt"], "letter.txt"),
        (vec!["audit", "--keys", "nokeys"], "nokeys"),
        (vec!["verify"], "FILE"),
        (vec!["frobnicate"], "frobnicate"),
    ];
    sb.write(
        "binary.bin",
        &[0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3, 0, 0xff, 0xfe, 0xfd],
    );
    for (args, named) in cases {
        let out = sb.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(named), "{args:?} should name {named}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn hash_reports_digests_and_paragraphs() {
    let sb = Sandbox::signed();
    let out = sb.ok(&["hash", "letter.txt", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = attest::canon::canonicalize(LETTER);
    assert_eq!(v["canonical_digest"], expected.digest.to_string());
    assert_eq!(
        v["exact_digest"],
        attest::digest::Digest::of(LETTER.as_bytes()).to_string()
    );
    assert_eq!(v["paragraphs"], expected.paragraphs().count());
}

#[test]
fn impostor_manifest_cannot_move_the_issuers_chain() {
    let sb = Sandbox::signed();
    sb.impostor_key();
    sb.write("fake.txt", b"A fake second statement.\n");
    sb.ok(&[
        "sign",
        "fake.txt",
        "--key",
        "impostor.key",
        "--keys",
        "impostor-keys",
    ]);
    // The real issuer's next statement is seq 2 after its own seq 1, not seq 3 after the impostor's.
    sb.write("real.txt", b"The real second statement.\n");
    let out = sb.ok(&[
        "sign",
        "real.txt",
        "--key",
        "hr.key",
        "--date",
        "2026-04-01",
    ]);
    let path = String::from_utf8(out.stdout).unwrap();
    let m = attest::archive::read_manifest(&sb.path(path.trim())).unwrap();
    assert_eq!(m.seq(), 2, "{path}");
}

#[test]
fn signed_bom_is_recorded_so_an_identical_copy_has_no_differences() {
    let sb = Sandbox::signed();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(b"A statement saved by a Windows editor.\r\n");
    sb.write("bom.txt", &bytes);
    sb.ok(&["sign", "bom.txt", "--key", "hr.key"]);
    sb.write("bom-copy.txt", &bytes[3..]);
    let (r, _) = sb.verify_json(&["bom-copy.txt"]);
    assert_eq!(r.verdict, Verdict::Reformatted);
    let names: Vec<String> = r
        .differences
        .iter()
        .map(|d| serde_json::to_string(d).unwrap())
        .collect();
    assert_eq!(names, ["\"byte_order_mark\""]);
}

/// Also the "a one-digit change does not exit 0" acceptance check.
#[test]
fn changed_phone_number_is_modified_with_the_change_shown() {
    let sb = Sandbox::signed();
    sb.write(
        "changed.txt",
        LETTER.replace("5550 0117", "5550 0171").as_bytes(),
    );
    let (r, code) = sb.verify_json(&["changed.txt"]);
    assert_eq!((r.verdict, code), (Verdict::Modified, 1), "{r:?}");
    assert_eq!(r.issuer.as_deref(), Some(ISSUER));
    assert_eq!(r.changes.len(), 1, "{:?}", r.changes);
    let c = &r.changes[0];
    assert_eq!(
        (c.kind.name(), c.original.as_str(), c.copy.as_str()),
        ("altered", "0117", "0171")
    );
    let human = String::from_utf8(sb.run(&["verify", "changed.txt"]).stdout).unwrap();
    assert!(human.starts_with("modified: "), "{human}");
    assert!(
        human.contains("[0117]") && human.contains("[0171]"),
        "{human}"
    );
}

#[test]
fn inserted_withdrawal_sentence_is_modified() {
    let sb = Sandbox::signed();
    let copy = LETTER.replace(
        "of their own choosing.",
        "of their own choosing. We withdraw this call.",
    );
    sb.write("inserted.txt", copy.as_bytes());
    let (r, _) = sb.verify_json(&["inserted.txt"]);
    assert_eq!(r.verdict, Verdict::Modified);
    assert_eq!(r.changes[0].kind, ChangeKind::Inserted);
    assert_eq!(r.changes[0].copy, "We withdraw this call.");
}

#[test]
fn changed_chinese_character_is_modified() {
    let sb = Sandbox::signed();
    sb.write("zh.txt", LETTER.replace("立即释放", "立即释方").as_bytes());
    let (r, _) = sb.verify_json(&["zh.txt"]);
    assert_eq!(r.verdict, Verdict::Modified);
    assert_eq!(
        (r.changes[0].original.as_str(), r.changes[0].copy.as_str()),
        ("放", "方")
    );
}

#[test]
fn forwarded_email_around_the_letter_is_embedded() {
    let sb = Sandbox::signed();
    let copy = format!("---------- Forwarded message ---------\nFrom: a colleague\n\nPlease see below.\n\n{LETTER}\n--\nSent from my phone\n");
    sb.write("email.txt", copy.as_bytes());
    let (r, code) = sb.verify_json(&["email.txt"]);
    assert_eq!((r.verdict, code), (Verdict::Embedded, 1), "{r:?}");
    assert!(r.changes.is_empty());
    assert!(r
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::UnsignedMaterial));
}

#[test]
fn quoted_paragraph_is_an_excerpt() {
    let sb = Sandbox::signed();
    let quote = "In a statement, the network wrote: \"The authorities' claim that the case \"involves state secrets\" does not justify holding them incommunicado.\"\n";
    sb.write("quote.txt", quote.as_bytes());
    let (r, code) = sb.verify_json(&["quote.txt"]);
    assert_eq!((r.verdict, code), (Verdict::Excerpt, 1), "{r:?}");
    assert!(r.warnings.iter().any(|w| w.kind == WarningKind::Partial));
}

#[test]
fn trusted_approximate_match_beats_impostor_exact_match() {
    let sb = Sandbox::signed();
    sb.impostor_key();
    // The impostor signs a doctored letter; the copy is that doctored letter, byte for byte.
    let doctored = LETTER.replace("5550 0117", "5550 0999");
    sb.write("doctored.txt", doctored.as_bytes());
    sb.ok(&[
        "sign",
        "doctored.txt",
        "--key",
        "impostor.key",
        "--out",
        "manifests/impostor.json",
    ]);
    let (r, _) = sb.verify_json(&["doctored.txt"]);
    assert_eq!(r.verdict, Verdict::Modified, "{r:?}");
    assert_eq!(r.changes[0].original, "0117");
    assert!(r
        .other_matches
        .iter()
        .any(|m| m.matched == MatchKind::Exact && m.manifest.path.ends_with("impostor.json")));
    assert!(r
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::UntrustedMatch));
}

#[test]
fn untrusted_look_alikes_cannot_crowd_out_the_trusted_statement() {
    let sb = Sandbox::signed();
    sb.impostor_key();
    let changed = LETTER.replace("5550 0117", "5550 0171");
    for i in 0..7 {
        let name = format!("look-alike-{i}.txt");
        sb.write(&name, format!("{changed}\nVersion {i}.\n").as_bytes());
        let out = format!("manifests/look-alike-{i}.json");
        sb.ok(&[
            "sign",
            &name,
            "--key",
            "impostor.key",
            "--out",
            &out,
            "--keys",
            "impostor-keys",
        ]);
    }
    sb.write("changed.txt", changed.as_bytes());
    let (r, _) = sb.verify_json(&["changed.txt"]);
    assert_eq!(r.verdict, Verdict::Modified, "{r:?}");
    assert_eq!(r.issuer.as_deref(), Some(ISSUER));
    assert_eq!(r.changes[0].original, "0117");
}

#[test]
fn claimed_issuer_quoting_the_statement_does_not_hide_a_modification() {
    let sb = Sandbox::signed();
    let other = "Jinlan Bar Watch";
    sb.ok(&[
        "keygen",
        "--issuer",
        other,
        "--out",
        "watch",
        "--unencrypted",
    ]);
    std::fs::copy(sb.path("watch.pub"), sb.path("keys/watch.pub")).unwrap();
    let endorsement = "Jinlan Bar Watch endorses this letter:\n\n1. We call for the immediate release of the three lawyers detained on\n5 March 2026, and for their access to counsel of their own choosing.\n";
    sb.write("endorse.txt", endorsement.as_bytes());
    sb.ok(&["sign", "endorse.txt", "--key", "watch.key"]);
    sb.write(
        "changed.txt",
        LETTER.replace("5550 0117", "5550 0171").as_bytes(),
    );
    let (r, _) = sb.verify_json(&["changed.txt", "--issuer", other]);
    assert_eq!(r.verdict, Verdict::Modified, "{r:?}");
    assert_eq!(r.issuer.as_deref(), Some(ISSUER));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.kind == WarningKind::Misattributed),
        "{r:?}"
    );
}

#[test]
fn terminal_escapes_never_reach_human_output() {
    let sb = Sandbox::signed();
    // A title with an escape sequence is refused at signing.
    let out = sb.run(&[
        "sign",
        "letter.txt",
        "--key",
        "hr.key",
        "--title",
        "Withdrawal\u{1b}[2K",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--title"), "{}", stderr(&out));
    // Escapes in a received copy are shown escaped, never raw.
    let hostile = LETTER.replace(
        "incommunicado",
        "incommunicado\u{1b}[2K\u{1b}[1A\u{1b}[32mexact",
    );
    sb.write("hostile.txt", hostile.as_bytes());
    let out = sb.run(&["verify", "hostile.txt"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(
        text.starts_with("modified: ") && text.contains("\\u{001B}"),
        "{text}"
    );
    assert_eq!(
        text.matches("control_character").count(),
        0,
        "kinds are not printed"
    );
    assert_eq!(
        text.matches("U+001B").count(),
        1,
        "one grouped warning: {text}"
    );
}

#[test]
fn untrusted_human_output_does_not_present_the_claimed_issuer_as_verified() {
    let sb = Sandbox::signed();
    sb.impostor_statement_in("impostor-archive");
    let out = sb.run(&["verify", "fake.txt", "--archive", "impostor-archive"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("untrusted: "), "{text}");
    assert!(
        text.contains("which is not verified") && !text.contains("  issuer:"),
        "{text}"
    );
}

/// The JSON contract of PRODUCT.md, checked on the raw output (not through our own types, so that a
/// renamed field fails here).
#[test]
fn verify_json_has_the_contract_fields() {
    let sb = Sandbox::signed();
    sb.write(
        "changed.txt",
        LETTER.replace("5550 0117", "5550 0171").as_bytes(),
    );
    let out = sb.run(&["verify", "changed.txt", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "modified");
    assert_eq!(v["issuer"], ISSUER);
    assert!(v["manifest"]["path"].as_str().unwrap().ends_with(".json"));
    let change = &v["changes"][0];
    assert_eq!(change["kind"], "altered");
    assert_eq!(change["original"], "0117");
    assert_eq!(change["copy"], "0171");
    assert!(change["paragraph"].is_u64());
    assert!(v["warnings"].is_array());
    let out = sb.run(&[
        "verify",
        "letter.txt",
        "--json",
        "--archive",
        "empty-archive-dir-that-is-missing",
    ]);
    assert_eq!(out.status.code(), Some(2));
    sb.write("unknown.txt", b"Nothing signed this.\n");
    let v: serde_json::Value =
        serde_json::from_slice(&sb.run(&["verify", "unknown.txt", "--json"]).stdout).unwrap();
    assert_eq!(v["verdict"], "unknown");
    assert!(v["issuer"].is_null() && v["manifest"].is_null());
}

fn email_quoted(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                ">\n".to_string()
            } else {
                format!("> {l}\n")
            }
        })
        .collect()
}

/// A quoted letter is the letter inside a reply, never the signed bytes or layout: `embedded`,
/// exit 1, saying where the quotation is (docs/SPEC.md §6.1).
#[test]
fn letter_quoted_in_an_email_reply_is_embedded_never_authentic() {
    let sb = Sandbox::signed();
    sb.write("quoted.txt", email_quoted(LETTER).as_bytes());
    let (r, code) = sb.verify_json(&["quoted.txt"]);
    assert_eq!((r.verdict, code), (Verdict::Embedded, 1), "{r:?}");
    assert!(r.differences.is_empty());
    assert!(r
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::EmailQuoting));

    let reply = format!(
        "Dear all, please see the letter below.\n\nOn Monday, Evelyn wrote:\n{}",
        email_quoted(LETTER)
    );
    sb.write("reply.txt", reply.as_bytes());
    let (r, code) = sb.verify_json(&["reply.txt"]);
    assert_eq!((r.verdict, code), (Verdict::Embedded, 1), "{r:?}");
}

#[test]
fn email_quoting_does_not_hide_a_modification() {
    let sb = Sandbox::signed();
    let quoted = email_quoted(&LETTER.replace("5550 0117", "5550 0171"));
    sb.write("quoted.txt", quoted.as_bytes());
    let (r, code) = sb.verify_json(&["quoted.txt"]);
    assert_eq!((r.verdict, code), (Verdict::Modified, 1), "{r:?}");
    assert_eq!(r.changes.len(), 1, "{:?}", r.changes);
    assert_eq!(r.changes[0].original, "0117");
}

/// An attacker's bundle ships its own `keys/` (their key under the group's name), `manifests/` and
/// a fake letter. Run inside it, `attest verify` must not take the bundle's word: the trust store
/// is the verifier's own (ATTEST_KEYS, else the XDG config directory), never the current directory.
#[test]
fn a_bundles_own_keys_directory_never_vouches_for_it() {
    let sb = Sandbox::signed();
    // The sandbox looks exactly like such a bundle: keys/, manifests/, letter.txt.
    let out = sb.command(&["verify", "letter.txt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(".config/attest/keys"),
        "{}",
        stderr(&out)
    );

    // Trusting the key on purpose, into the user's store, makes it work, and says which store.
    let added = sb
        .command(&["trust", "add", "keys/hr.pub"])
        .output()
        .unwrap();
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let out = sb
        .command(&["verify", "letter.txt", "--json"])
        .output()
        .unwrap();
    let r: VerifyReport = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r.verdict, Verdict::Exact);
    let store = r.trust_store.expect("the report names the trust store");
    assert!(store.ends_with(".config/attest/keys"), "{store}");
    assert_eq!(r.signed_by.len(), 1);
    assert_eq!(r.signed_by[0].issuer, ISSUER);
    assert!(sb.path(".config/attest/keys").is_dir());
}

#[test]
fn xdg_config_home_and_attest_keys_choose_the_trust_store() {
    let sb = Sandbox::signed();
    let config = sb.path("config");
    let out = sb
        .command(&["trust", "add", "keys/hr.pub"])
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(config.join("attest/keys").is_dir());
    let out = sb
        .command(&["verify", "letter.txt", "--json"])
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // ATTEST_KEYS wins over XDG_CONFIG_HOME.
    std::fs::create_dir_all(sb.path("empty")).unwrap();
    let out = sb
        .command(&["verify", "letter.txt"])
        .env("XDG_CONFIG_HOME", &config)
        .env("ATTEST_KEYS", sb.path("empty"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no .pub files"), "{}", stderr(&out));
}

#[test]
fn trust_add_refuses_a_key_already_trusted_for_another_issuer() {
    let sb = Sandbox::signed();
    sb.ok(&["trust", "add", "keys/hr.pub"]);
    // The same key, claiming another issuer, in the one-line form.
    let line = String::from_utf8(sb.ok(&["key", "show", "keys/hr.pub"]).stdout).unwrap();
    let renamed = line.replace("Harbour Rights", "Other Group");
    sb.write("renamed.pub", renamed.as_bytes());
    let out = sb.run(&["trust", "add", "renamed.pub"]);
    // A one-line key whose issuer was edited still has the same key id: refused.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// `--quiet` prints nothing at all; the exit code alone gives the verdict or the audit's result.
#[test]
fn quiet_verify_and_audit_print_nothing_and_keep_their_exit_codes() {
    let sb = Sandbox::signed();
    let out = sb.run(&["verify", "-q", "letter.txt"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "{}",
        stderr(&out)
    );
    sb.write("changed.txt", LETTER.replace("0117", "0171").as_bytes());
    let out = sb.run(&["verify", "--quiet", "changed.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["audit", "-q"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "{}",
        stderr(&out)
    );
}

/// The names kinds print by (`name()`, used in human output) are the names JSON gives them.
#[test]
fn kind_names_are_their_json_names() {
    use attest::report::ProblemKind::*;
    for kind in [
        Unreadable,
        Malformed,
        BadSignature,
        UnknownKey,
        NotSignedByIssuer,
        CanonicalMismatch,
        StatementMismatch,
        ChainGap,
        ChainFork,
        ChainBroken,
        Duplicate,
    ] {
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::Value::String(kind.name().to_string())
        );
    }
    for verdict in [
        Verdict::Exact,
        Verdict::Reformatted,
        Verdict::Embedded,
        Verdict::Excerpt,
        Verdict::Modified,
        Verdict::Unknown,
        Verdict::Untrusted,
        Verdict::Misattributed,
    ] {
        assert_eq!(
            serde_json::to_value(verdict).unwrap(),
            serde_json::Value::String(verdict.name().to_string())
        );
    }
    for kind in [
        ChangeKind::Altered,
        ChangeKind::Inserted,
        ChangeKind::Removed,
    ] {
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::Value::String(kind.name().to_string())
        );
    }
}
