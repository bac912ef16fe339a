//! attest as a command-line citizen: closed and full standard output, one message per error,
//! shell completions, manual pages, and keygen's `--out`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const ISSUER: &str = "Lantern Street Tenants Association";

fn attest() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_attest"));
    cmd.env_remove("ATTEST_PASSPHRASE").env("NO_COLOR", "1");
    cmd
}

/// attest run in `dir` with `args`, standard input empty.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    attest()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Standard error of a run that must not have panicked.
fn calm_stderr(out: &Output) -> String {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// The lines of standard error that are error messages.
fn error_lines(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| l.contains("error:"))
        .map(str::to_string)
        .collect()
}

/// The repository root, where the example archive (`keys/`, `manifests/`, `examples/`) lives.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A pipe whose reader has already exited: every write to it fails with EPIPE. The reader is a
/// child process that reads nothing and exits; we wait for it, so no process holds the read end
/// when attest starts (no race with attest's first write).
#[cfg(unix)]
fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("run `true`");
    let write_end = reader.stdin.take().unwrap();
    assert!(reader.wait().unwrap().success());
    Stdio::from(write_end)
}

/// Standard output on a device that is always full (ENOSPC on every write).
#[cfg(target_os = "linux")]
fn full_disk() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

/// Run attest in `dir` with its standard output sent to `out`.
#[cfg(unix)]
fn run_into(dir: &Path, args: &[&str], out: Stdio) -> Output {
    attest()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn keygen_args(prefix: &str) -> Vec<&str> {
    vec![
        "keygen",
        "--issuer",
        ISSUER,
        "--out",
        prefix,
        "--unencrypted",
    ]
}

#[cfg(target_os = "linux")]
#[test]
fn keygen_into_a_full_disk_exits_2_naming_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(dir.path(), &keygen_args("tenants"), full_disk());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    calm_stderr(&out);
    let errors = error_lines(&out);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("attest: error: "), "{errors:?}");
    assert!(errors[0].contains("standard output"), "{errors:?}");
}

#[cfg(unix)]
#[test]
fn keygen_into_a_pipe_whose_reader_left_exits_0_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(dir.path(), &keygen_args("tenants"), closed_pipe());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    calm_stderr(&out);
    assert!(error_lines(&out).is_empty(), "{}", stderr(&out));
    // The keys were written before the report was lost.
    assert!(dir.path().join("tenants.key").is_file());
    assert!(dir.path().join("tenants.pub").is_file());
}

#[cfg(unix)]
#[test]
fn modified_copy_verified_into_a_closed_pipe_still_exits_1() {
    let copy = "examples/copies/bar-exam-statement-phone-changed.txt";
    for json in [false, true] {
        let mut args = vec!["verify", copy, "--keys", "keys", "--archive", "manifests"];
        if json {
            args.push("--json");
        }
        // The same command with its output read gives the verdict this test relies on.
        let seen = run_in(&repo(), &args);
        assert_eq!(seen.status.code(), Some(1), "{}", stderr(&seen));
        assert!(String::from_utf8_lossy(&seen.stdout).contains("modified"));

        let out = run_into(&repo(), &args, closed_pipe());
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        calm_stderr(&out);
        assert!(error_lines(&out).is_empty(), "{}", stderr(&out));
    }
}

#[cfg(unix)]
#[test]
fn authentic_copy_verified_into_a_closed_pipe_exits_0() {
    let args = [
        "verify",
        "examples/copies/open-letter-reformatted.txt",
        "--keys",
        "keys",
        "--archive",
        "manifests",
    ];
    assert_eq!(run_in(&repo(), &args).status.code(), Some(0));
    let out = run_into(&repo(), &args, closed_pipe());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    calm_stderr(&out);
}

#[cfg(unix)]
#[test]
fn help_into_a_closed_pipe_exits_0_and_into_a_full_disk_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(dir.path(), &["--help"], closed_pipe());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    calm_stderr(&out);
    #[cfg(target_os = "linux")]
    {
        let out = run_into(dir.path(), &["--help"], full_disk());
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(error_lines(&out)[0].contains("standard output"));
    }
}

#[test]
fn completions_for_every_shell_name_attest() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run_in(dir.path(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("attest"), "{shell}");
        // Every subcommand is offered.
        for sub in ["keygen", "verify", "audit", "completions"] {
            assert!(script.contains(sub), "{shell} lacks {sub}");
        }
    }
    let bash = run_in(dir.path(), &["completions", "bash"]);
    let script = String::from_utf8(bash.stdout).unwrap();
    assert!(script.contains("complete -F _attest"), "{script}");
    // An unknown shell is a usage error.
    assert_eq!(
        run_in(dir.path(), &["completions", "tcsh"]).status.code(),
        Some(2)
    );
}

#[test]
fn man_prints_roff_for_attest_and_for_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.lines().any(|l| l.starts_with(".TH attest 1")),
        "{page}"
    );
    assert!(page.contains(".SH SYNOPSIS"));
    // The exit-code contract is in the page.
    assert!(page.contains("Exit codes"));

    let out = run_in(dir.path(), &["man", "key", "show"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.lines().any(|l| l.starts_with(".TH attest-key-show 1")));

    let out = run_in(dir.path(), &["man", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("frobnicate"));
}

#[test]
fn man_out_dir_writes_every_page_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["man", "--out-dir", "man/man1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pages = dir.path().join("man/man1");
    for name in ["attest.1", "attest-verify.1", "attest-key-show.1"] {
        let page = std::fs::read_to_string(pages.join(name)).unwrap();
        assert!(page.contains(".TH "), "{name}");
    }
    // A second run refuses and changes nothing: it neither overwrites the page in the way nor
    // adds the one that is missing.
    std::fs::remove_file(pages.join("attest-sign.1")).unwrap();
    std::fs::write(pages.join("attest.1"), "mine").unwrap();
    let out = run_in(dir.path(), &["man", "--out-dir", "man/man1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(pages.join("attest.1")).unwrap(),
        "mine"
    );
    assert!(!pages.join("attest-sign.1").exists());
    assert!(stderr(&out).contains("attest.1"));
}

#[test]
fn keygen_out_naming_a_key_file_writes_the_pair_never_x_key_key() {
    for named in ["tenants.key", "tenants.pub"] {
        let dir = tempfile::tempdir().unwrap();
        let out = run_in(dir.path(), &keygen_args(named));
        assert_eq!(out.status.code(), Some(0), "{named}: {}", stderr(&out));
        let mut files: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files, ["tenants.key", "tenants.pub"], "{named}");
        // The secret key is the secret half, the public key the public half.
        let public = std::fs::read_to_string(dir.path().join("tenants.pub")).unwrap();
        assert!(public.contains(ISSUER));
        let secret: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("tenants.key")).unwrap())
                .unwrap();
        assert!(secret.get("secret").is_some(), "{secret}");
        // The stdout report names the files really written, and stderr says why.
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(report.contains("tenants.key") && !report.contains(".key.key"));
        assert!(stderr(&out).contains("tenants.pub"));

        // Naming it again never overwrites the pair.
        let before = std::fs::read(dir.path().join("tenants.key")).unwrap();
        let again = run_in(dir.path(), &keygen_args(named));
        assert_eq!(again.status.code(), Some(2));
        assert_eq!(
            std::fs::read(dir.path().join("tenants.key")).unwrap(),
            before
        );
    }
}

#[test]
fn keygen_out_ending_in_a_separator_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("keys")).unwrap();
    let out = run_in(dir.path(), &keygen_args("keys/"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_dir(dir.path().join("keys")).unwrap().count(),
        0
    );
}

#[test]
fn keygen_without_passphrase_says_what_happened_before_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["keygen", "--issuer", ISSUER, "--out", "k"]);
    assert_eq!(out.status.code(), Some(2));
    let errors = error_lines(&out);
    assert_eq!(errors.len(), 1, "{}", stderr(&out));
    let message = &errors[0];
    assert!(message.starts_with("attest: error: "), "{message}");
    let cause = message.find("needs a passphrase").expect(message);
    let file = message.find("k.key").expect(message);
    let hint = message.find("--unencrypted").expect(message);
    assert!(file < cause && cause < hint, "{message}");
    assert!(!dir.path().join("k.key").exists());
}

#[test]
fn every_error_is_one_message_with_attests_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 4] = [
        &["verify", "missing.txt"],
        &["hash", "missing.txt"],
        &["key", "show", "missing.pub"],
        &["frobnicate"],
    ];
    for args in cases {
        let out = run_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let errors = error_lines(&out);
        assert_eq!(errors.len(), 1, "{args:?}: {}", stderr(&out));
        assert!(
            errors[0].starts_with("attest: error: "),
            "{args:?}: {errors:?}"
        );
    }
}
