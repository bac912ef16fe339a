//! What this machine remembers about archives (docs/SPEC.md §5.4): the last chain position each
//! signing key signed (so that `sign` never forks its own chain because a mirror hides part of the
//! archive), and the issuers' heads each audited archive had (so that `audit` sees an archive that
//! now ends earlier, or has lost an issuer).
//!
//! Both live in the user's state directory ([`user_state_dir`]), one small JSON file each, replaced
//! atomically. A state file that cannot be read or parsed is an error, never an empty memory: an
//! empty memory would let exactly the forks and rollbacks it exists to catch through.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::fsutil::{write_replace, WriteError};

/// The environment variable naming attest's state directory.
pub const STATE_DIR_ENV: &str = "ATTEST_STATE_DIR";

/// Largest state file read (a head per issuer; far more than any archive needs).
const MAX_STATE_BYTES: u64 = 16 * 1024 * 1024;

/// Unix permissions of state files.
const STATE_MODE: u32 = 0o600;

/// Why attest's memory of archives could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// No state directory: none of `ATTEST_STATE_DIR`, `XDG_STATE_HOME`, `HOME` is usable.
    #[error("there is no state directory (ATTEST_STATE_DIR, XDG_STATE_HOME and HOME are unset, or not absolute paths); set ATTEST_STATE_DIR")]
    NoLocation,
    /// A state file exists but cannot be read.
    #[error("cannot read attest's state file {path}: {cause}; check its permissions, or move it away to start afresh (attest then forgets what it remembered)")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        cause: std::io::Error,
    },
    /// A state file is not what attest writes.
    #[error("attest's state file {path} is damaged ({detail}); move it away to start afresh (attest then forgets what it remembered)")]
    Damaged {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// A state file could not be written.
    #[error("cannot record attest's state")]
    Write(#[source] WriteError),
}

/// attest's state directory: `$ATTEST_STATE_DIR` if set and not empty, else
/// `$XDG_STATE_HOME/attest` if that is an absolute path, else `$HOME/.local/state/attest` (HOME
/// absolute). `env` reads a variable (`std::env::var_os` in a program).
pub fn user_state_dir(env: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, StateError> {
    crate::fsutil::user_dir(
        env,
        STATE_DIR_ENV,
        "XDG_STATE_HOME",
        &["attest"],
        &[".local", "state", "attest"],
    )
    .ok_or(StateError::NoLocation)
}

/// Read a state file: `None` when it does not exist.
fn read_state<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, StateError> {
    use std::io::Read as _;
    let shown = path.display().to_string();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(cause) => return Err(StateError::Read { path: shown, cause }),
    };
    let mut bytes = Vec::new();
    file.take(MAX_STATE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|cause| StateError::Read {
            path: shown.clone(),
            cause,
        })?;
    if bytes.len() as u64 > MAX_STATE_BYTES {
        return Err(StateError::Damaged {
            path: shown,
            detail: format!("larger than {MAX_STATE_BYTES} bytes"),
        });
    }
    crate::wire::from_slice(&bytes)
        .map(Some)
        .map_err(|e| StateError::Damaged {
            path: shown,
            detail: e.to_string(),
        })
}

fn write_state<T: Serialize>(path: &Path, value: &T) -> Result<(), StateError> {
    let mut text = serde_json::to_string_pretty(value).expect("plain struct serializes");
    text.push('\n');
    write_replace(path, text.as_bytes(), STATE_MODE).map_err(StateError::Write)
}

/// A chain position: a sequence number and the manifest digest there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// The sequence number.
    pub seq: u64,
    /// The manifest digest (§3.3) of the manifest at `seq`.
    pub digest: Digest,
}

/// The last position a key signed, as remembered in `<state>/signed/<key id>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LastSigned {
    /// The key id.
    pub key_id: String,
    /// The issuer the key signs for.
    pub issuer: String,
    /// The position of the last manifest it signed.
    pub seq: u64,
    /// That manifest's digest.
    pub digest: Digest,
}

/// The file remembering what `key_id` signed last, in the state directory `dir`.
pub fn signed_file(dir: &Path, key_id: &str) -> PathBuf {
    dir.join("signed").join(format!("{key_id}.json"))
}

/// What the key `key_id` signed last, if this state directory remembers it.
pub fn last_signed(dir: &Path, key_id: &str) -> Result<Option<LastSigned>, StateError> {
    let path = signed_file(dir, key_id);
    let last: Option<LastSigned> = read_state(&path)?;
    match last {
        Some(l) if l.key_id != key_id => Err(StateError::Damaged {
            path: path.display().to_string(),
            detail: format!("it names key {}", l.key_id),
        }),
        other => Ok(other),
    }
}

/// Remember that `last.key_id` signed `last`.
pub fn record_signed(dir: &Path, last: &LastSigned) -> Result<(), StateError> {
    write_state(&signed_file(dir, &last.key_id), last)
}

/// The heads an archive had when it was last audited, by issuer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeenHeads {
    /// The archive, as it was named (for people reading the file).
    pub archive: String,
    /// Each issuer's head.
    pub heads: BTreeMap<String, Position>,
}

/// The file remembering the heads of `archive` in the state directory `dir`: named by a digest of
/// the archive's absolute path (symbolic links resolved), so that one archive is one file however
/// it is named on the command line.
pub fn seen_heads_file(dir: &Path, archive: &Path) -> PathBuf {
    let absolute = std::fs::canonicalize(archive).unwrap_or_else(|_| archive.to_path_buf());
    let id = Digest::of(absolute.as_os_str().as_encoded_bytes()).hex();
    dir.join("audited").join(format!("{}.json", &id[..32]))
}

/// The heads remembered in `file` (empty when it does not exist yet).
pub fn load_seen_heads(file: &Path) -> Result<SeenHeads, StateError> {
    Ok(read_state(file)?.unwrap_or_default())
}

/// Write the heads to remember to `file`.
pub fn save_seen_heads(file: &Path, heads: &SeenHeads) -> Result<(), StateError> {
    write_state(file, heads)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn state_dir_is_attest_state_dir_then_xdg_then_home_never_relative() {
        let dir = |vars| user_state_dir(env(vars)).ok();
        assert_eq!(
            dir(&[("ATTEST_STATE_DIR", "/s"), ("HOME", "/h")]),
            Some(PathBuf::from("/s"))
        );
        assert_eq!(
            dir(&[("XDG_STATE_HOME", "/x"), ("HOME", "/h")]),
            Some(PathBuf::from("/x/attest"))
        );
        assert_eq!(
            dir(&[("XDG_STATE_HOME", "x"), ("HOME", "/h")]),
            Some(PathBuf::from("/h/.local/state/attest"))
        );
        assert_eq!(dir(&[("HOME", "h")]), None);
    }

    #[test]
    fn one_archive_is_one_heads_file_however_it_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("manifests");
        std::fs::create_dir_all(&archive).unwrap();
        let state = dir.path().join("state");
        let plain = seen_heads_file(&state, &archive);
        assert_eq!(plain, seen_heads_file(&state, &archive.join(".")));
        assert_ne!(plain, seen_heads_file(&state, dir.path()));
        let mut heads = SeenHeads::default();
        heads.heads.insert(
            "Lantern Lawyers Group".into(),
            Position {
                seq: 3,
                digest: Digest::of(b"three"),
            },
        );
        save_seen_heads(&plain, &heads).unwrap();
        assert_eq!(load_seen_heads(&plain).unwrap(), heads);
    }

    #[test]
    fn last_signed_round_trips_and_a_damaged_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(last_signed(dir.path(), "0011223344556677").unwrap(), None);
        let last = LastSigned {
            key_id: "0011223344556677".into(),
            issuer: "Lantern Lawyers Group".into(),
            seq: 4,
            digest: Digest::of(b"four"),
        };
        record_signed(dir.path(), &last).unwrap();
        assert_eq!(
            last_signed(dir.path(), "0011223344556677").unwrap(),
            Some(last)
        );
        std::fs::write(signed_file(dir.path(), "0011223344556677"), "{").unwrap();
        assert!(matches!(
            last_signed(dir.path(), "0011223344556677"),
            Err(StateError::Damaged { .. })
        ));
    }
}
