//! Where passphrases come from (docs/SPEC.md §4.4): `--passphrase-fd N`, `--passphrase-file FILE`,
//! `ATTEST_PASSPHRASE`, or a prompt on the terminal (`/dev/tty`, even when standard input is a
//! pipe). Never echoed, never printed, zeroized after use.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context};
use zeroize::Zeroizing;

/// The environment variable holding the passphrase for non-interactive use.
pub const PASSPHRASE_ENV: &str = "ATTEST_PASSPHRASE";

/// Shortest new passphrase accepted without `--weak-passphrase`, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Longest passphrase file (or descriptor input) read: a passphrase is one line.
const MAX_PASSPHRASE_INPUT_BYTES: u64 = 64 * 1024;

/// Where a script gives a passphrase, shared by every command that opens a secret key.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Source {
    /// Read the passphrase from the first line of FILE (without its line ending). The file must
    /// not be readable by group or others. [default: ATTEST_PASSPHRASE, else a prompt on the terminal]
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase_fd")]
    pub passphrase_file: Option<PathBuf>,
    /// Read the passphrase from the first line of the open file descriptor N (e.g. `3<secret`).
    #[arg(long, value_name = "N")]
    pub passphrase_fd: Option<u32>,
}

/// The new passphrase's sources for `key passwd` (the old one comes from [`Source`]).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct NewSource {
    /// Read the new passphrase from the first line of FILE (not readable by group or others).
    /// [default: ATTEST_NEW_PASSPHRASE, else asked twice on the terminal]
    #[arg(long, value_name = "FILE", conflicts_with = "new_passphrase_fd")]
    pub new_passphrase_file: Option<PathBuf>,
    /// Read the new passphrase from the first line of the open file descriptor N.
    #[arg(long, value_name = "N")]
    pub new_passphrase_fd: Option<u32>,
}

/// Where a passphrase was read from, resolved.
enum Given {
    File(PathBuf),
    Fd(u32),
}

/// The passphrase source this run was given (set once by the command), and the passphrase once
/// read from it: a descriptor can be read only once, and one run may open two keys.
static SOURCE: Mutex<Option<Source>> = Mutex::new(None);
static READ: Mutex<Option<Zeroizing<String>>> = Mutex::new(None);

/// Use `source` for every existing key this run opens.
pub fn use_source(source: &Source) {
    *SOURCE.lock().unwrap_or_else(|e| e.into_inner()) = Some(source.clone());
}

fn given(file: Option<&PathBuf>, fd: Option<u32>) -> Option<Given> {
    match (fd, file) {
        (Some(fd), _) => Some(Given::Fd(fd)),
        (None, Some(file)) => Some(Given::File(file.clone())),
        (None, None) => None,
    }
}

/// The first line of `input`, without its line ending (`\n` or `\r\n`). Empty is an error.
pub fn first_line(input: &[u8], from: &str) -> anyhow::Result<Zeroizing<String>> {
    let line = input.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line).map_err(|_| {
        anyhow::anyhow!("the passphrase in {from} is not UTF-8 text; passphrases are UTF-8")
    })?;
    if text.is_empty() {
        bail!("{from} holds no passphrase: its first line is empty");
    }
    Ok(Zeroizing::new(text.to_string()))
}

/// Whether a passphrase file's mode lets group or others read or change it (Unix).
#[cfg(unix)]
fn open_to_others(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn open_to_others(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

fn read_capped(reader: impl std::io::Read, from: &str) -> anyhow::Result<Zeroizing<String>> {
    let mut bytes = Zeroizing::new(Vec::new());
    reader
        .take(MAX_PASSPHRASE_INPUT_BYTES)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read the passphrase from {from}"))?;
    first_line(&bytes, from)
}

fn read_given(given: &Given) -> anyhow::Result<Zeroizing<String>> {
    match given {
        Given::File(path) => read_file(path),
        Given::Fd(fd) => {
            let from = format!("--passphrase-fd {fd}");
            // Without unsafe code, an inherited descriptor is reached through /dev/fd.
            let file = std::fs::File::open(format!("/dev/fd/{fd}")).with_context(|| {
                format!("cannot read {from}: descriptor {fd} is not open; open it for the command, e.g. `attest ... --passphrase-fd 3 3<passphrase.txt`")
            })?;
            read_capped(file, &from)
        }
    }
}

/// A passphrase file: a regular file, not readable by group or others, first line.
pub fn read_file(path: &Path) -> anyhow::Result<Zeroizing<String>> {
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read the passphrase file {shown}"))?;
    if !meta.is_file() {
        bail!("the passphrase file {shown} is not a regular file; for a pipe use --passphrase-fd");
    }
    if let Some(mode) = open_to_others(&meta) {
        bail!(
            "the passphrase file {shown} has mode {mode:04o}, so other users may read it; run `chmod 600 {shown}`"
        );
    }
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read the passphrase file {shown}"))?;
    read_capped(file, &format!("the passphrase file {shown}"))
}

/// The passphrase from the environment: none when unset or empty; an error (never quoting it) when
/// it is not UTF-8, rather than falling back to a prompt as if it were unset.
fn from_env(name: &str) -> anyhow::Result<Option<Zeroizing<String>>> {
    match std::env::var(name) {
        Ok(p) if !p.is_empty() => Ok(Some(Zeroizing::new(p))),
        Err(std::env::VarError::NotUnicode(_)) => bail!(
            "{name} is not valid UTF-8 text; set it to the passphrase as UTF-8 (passphrases are UTF-8 text), or unset it to be asked on a terminal"
        ),
        _ => Ok(None),
    }
}

/// Whether there is a terminal to ask on: someone is at a terminal (standard input or standard
/// error is one: standard input may carry the statement, as in `cat s.txt | attest sign -`), and
/// the controlling terminal `/dev/tty` can be opened for reading and writing, where the prompt
/// goes. A run with neither attached to a terminal (a script, a test harness) never waits on one.
pub fn can_prompt() -> bool {
    use std::io::IsTerminal;
    let someone_there = std::io::stdin().is_terminal() || std::io::stderr().is_terminal();
    someone_there && tty_opens()
}

#[cfg(unix)]
fn tty_opens() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

#[cfg(not(unix))]
fn tty_opens() -> bool {
    true
}

/// Says what needs a passphrase, then how to give one (`alternatives` are further ways out).
fn no_passphrase_error(what: &str, alternatives: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "{what} needs a passphrase, and there is no terminal to ask on. Pass --passphrase-file FILE or --passphrase-fd N, or set {PASSPHRASE_ENV}{alternatives}"
    )
}

/// Refuse a new passphrase shorter than [`MIN_PASSPHRASE_CHARS`] characters unless `weak`.
pub fn check_strength(pass: &str, weak: bool) -> anyhow::Result<()> {
    if pass.is_empty() {
        bail!("the new passphrase is empty; choose a long passphrase (several words). Nothing was written");
    }
    if !weak && pass.chars().count() < MIN_PASSPHRASE_CHARS {
        bail!(
            "the new passphrase is shorter than {MIN_PASSPHRASE_CHARS} characters; choose a longer one (several words), or pass --weak-passphrase to use it anyway. Nothing was written"
        );
    }
    Ok(())
}

/// Ask twice on the terminal for a new passphrase.
pub fn ask_new(key_file: &str, again: &str) -> anyhow::Result<Zeroizing<String>> {
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("New passphrase for {key_file}: "))
            .context("cannot read the passphrase")?,
    );
    if first.is_empty() {
        bail!("the passphrase is empty; choose a long passphrase (several words). Nothing was written");
    }
    let second = Zeroizing::new(
        rpassword::prompt_password("Repeat the passphrase: ")
            .context("cannot read the passphrase")?,
    );
    if *first != *second {
        bail!("the passphrases do not match; nothing was written. {again}");
    }
    Ok(first)
}

/// A passphrase for the new secret key `key_file`: from `source`, `ATTEST_PASSPHRASE`, or asked
/// twice on the terminal; at least [`MIN_PASSPHRASE_CHARS`] characters unless `weak`.
pub fn for_new_key(
    key_file: &str,
    source: &Source,
    weak: bool,
) -> anyhow::Result<Zeroizing<String>> {
    let pass = if let Some(given) = given(source.passphrase_file.as_ref(), source.passphrase_fd) {
        read_given(&given)?
    } else if let Some(p) = from_env(PASSPHRASE_ENV)? {
        p
    } else if can_prompt() {
        ask_new(key_file, "Run keygen again")?
    } else {
        return Err(no_passphrase_error(
            &format!("encrypting {key_file}"),
            ", run attest in a terminal, or pass --unencrypted for a throwaway test key",
        ));
    };
    check_strength(&pass, weak)?;
    Ok(pass)
}

/// The new passphrase for `key passwd`: from `source`, `env` (`ATTEST_NEW_PASSPHRASE`), or asked
/// twice on the terminal; at least [`MIN_PASSPHRASE_CHARS`] characters unless `weak`.
pub fn for_changed_key(
    key_file: &str,
    source: &NewSource,
    env: &str,
    weak: bool,
) -> anyhow::Result<Zeroizing<String>> {
    let given = match (source.new_passphrase_fd, &source.new_passphrase_file) {
        (Some(fd), _) => Some(Given::Fd(fd)),
        (None, Some(file)) => Some(Given::File(file.clone())),
        (None, None) => None,
    };
    let pass = if let Some(given) = given {
        read_given(&given)?
    } else if let Some(p) = from_env(env)? {
        p
    } else if can_prompt() {
        ask_new(key_file, "Run `attest key passwd` again")?
    } else {
        bail!(
            "changing the passphrase of {key_file} needs a new passphrase, and there is no terminal to ask on. Pass --new-passphrase-file FILE or --new-passphrase-fd N, or set {env} (the old passphrase comes from --passphrase-file, --passphrase-fd or {PASSPHRASE_ENV}), or run attest in a terminal"
        );
    };
    check_strength(&pass, weak)?;
    Ok(pass)
}

/// Whether a passphrase for an existing key is at hand without asking: a source given, or
/// `ATTEST_PASSPHRASE` set.
pub fn given_without_prompt() -> bool {
    let source = SOURCE.lock().unwrap_or_else(|e| e.into_inner()).clone();
    source.is_some_and(|s| s.passphrase_file.is_some() || s.passphrase_fd.is_some())
        || std::env::var_os(PASSPHRASE_ENV).is_some_and(|v| !v.is_empty())
}

/// The passphrase of an existing secret key: from the source set with [`use_source`] (read once,
/// then reused for a second key), `ATTEST_PASSPHRASE`, or a prompt on the terminal.
pub fn for_existing_key(path: &str) -> anyhow::Result<Zeroizing<String>> {
    let source = SOURCE.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(given) = source.and_then(|s| given(s.passphrase_file.as_ref(), s.passphrase_fd)) {
        let mut read = READ.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pass) = read.as_ref() {
            return Ok(pass.clone());
        }
        let pass = read_given(&given)?;
        *read = Some(pass.clone());
        return Ok(pass);
    }
    if let Some(p) = from_env(PASSPHRASE_ENV)? {
        return Ok(p);
    }
    if !can_prompt() {
        return Err(no_passphrase_error(
            &format!("decrypting {path}"),
            ", or run attest in a terminal",
        ));
    }
    Ok(Zeroizing::new(
        rpassword::prompt_password(format!("Passphrase for {path}: "))
            .context("cannot read the passphrase")?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_drops_the_line_ending_and_the_rest() {
        assert_eq!(
            *first_line(b"tide and lantern\n", "f").unwrap(),
            "tide and lantern"
        );
        assert_eq!(
            *first_line(b"tide and lantern\r\nmore\n", "f").unwrap(),
            "tide and lantern"
        );
        assert_eq!(
            *first_line("海港 灯笼 潮汐".as_bytes(), "f").unwrap(),
            "海港 灯笼 潮汐"
        );
        assert!(first_line(b"\nsecond line", "f").is_err());
        assert!(first_line(b"", "f").is_err());
        assert!(first_line(b"\xff\xfe\n", "f").is_err());
    }

    #[test]
    fn new_passphrases_under_eight_characters_need_weak_passphrase() {
        assert!(check_strength("seven77", false).is_err());
        assert!(check_strength("seven77", true).is_ok());
        assert!(check_strength("eight888", false).is_ok());
        // Characters, not bytes: four Chinese characters are 12 bytes but still short.
        assert!(check_strength("海港灯笼", false).is_err());
        assert!(check_strength("", true).is_err());
    }
}
