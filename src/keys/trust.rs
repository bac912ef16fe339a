//! The trust store: which key is trusted for which issuer (docs/SPEC.md §4.5).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{IssuerKey, KeyError, KeyId};

/// A trusted key: a public key file from the trust store.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    /// The key and the issuer it is trusted for.
    pub key: IssuerKey,
    /// The file it came from.
    pub path: PathBuf,
    /// The file's comment (docs/SPEC.md §4.2), e.g. where and when the key was obtained.
    pub comment: Option<String>,
}

/// A directory of `.pub` files. Each key is trusted for the issuer named in its file, and no other.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    keys: HashMap<KeyId, TrustedKey>,
    /// The directory it was loaded from (none for a store built in memory).
    dir: Option<PathBuf>,
    /// Entries named like key files that were skipped because they cannot be used, each with why.
    skipped: Vec<std::sync::Arc<KeyError>>,
}

/// The environment variable naming the user's trust store directory.
pub const TRUST_STORE_ENV: &str = "ATTEST_KEYS";

/// The user's own trust store directory: `$ATTEST_KEYS` if set and not empty, else
/// `$XDG_CONFIG_HOME/attest/keys` (if that is an absolute path), else `$HOME/.config/attest/keys`
/// (docs/SPEC.md §4.5). Never the current directory: a bundle that ships its own `keys/` must not
/// vouch for itself. `env` reads a variable (`std::env::var_os` in a program).
pub fn user_trust_store_dir(
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Result<PathBuf, KeyError> {
    // A relative HOME or XDG_CONFIG_HOME would make the current directory's `.config` the trust
    // store: `user_dir` never returns a relative path.
    crate::fsutil::user_dir(
        env,
        TRUST_STORE_ENV,
        "XDG_CONFIG_HOME",
        &["attest", "keys"],
        &[".config", "attest", "keys"],
    )
    .ok_or(KeyError::NoTrustStoreLocation)
}

impl TrustStore {
    /// The directory the store was loaded from, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Add `key` (read from `source`, named in messages) to the trust store directory `dir`
    /// (created if missing) as `<key id>.pub`, written
    /// atomically. Returns the file written, or `None` when the same key is already trusted for the
    /// same issuer there. A key already trusted there for another issuer is an error: a key speaks
    /// for one issuer only.
    pub fn install(
        dir: &Path,
        key: &IssuerKey,
        source: &Path,
    ) -> Result<Option<PathBuf>, KeyError> {
        TrustStore::install_with_comment(dir, key, source, None)
    }

    /// [`TrustStore::install`], writing `comment` (checked with [`super::check_key_comment`]) as
    /// the file's `comment` member, e.g. where and when the key was obtained.
    pub fn install_with_comment(
        dir: &Path,
        key: &IssuerKey,
        source: &Path,
        comment: Option<&str>,
    ) -> Result<Option<PathBuf>, KeyError> {
        if let Some(text) = comment {
            super::check_key_comment(text, &source.display().to_string())?;
        }
        let shown = dir.display().to_string();
        let write_error = |source| KeyError::TrustStoreWrite {
            path: shown.clone(),
            source,
        };
        if dir.is_dir() {
            match TrustStore::load(dir) {
                Ok(store) => {
                    if let Some(existing) = store.get(&key.key_id) {
                        if existing.key.issuer == key.issuer {
                            return Ok(None);
                        }
                        return Err(KeyError::KeyForTwoIssuers {
                            key_id: key.key_id,
                            first_issuer: existing.key.issuer.clone(),
                            first_path: existing.path.display().to_string(),
                            second_issuer: key.issuer.clone(),
                            second_path: source.display().to_string(),
                        });
                    }
                }
                // The store as it is cannot be used: adding a key would not help.
                Err(
                    error @ (KeyError::TrustStoreUnreadable { .. }
                    | KeyError::KeyForTwoIssuers { .. }),
                ) => return Err(error),
                // No usable key yet (none at all, or only unusable entries, which the caller
                // warns about): the new key may be its first.
                Err(_) => {}
            }
        } else {
            crate::fsutil::create_dirs(dir).map_err(|source| {
                write_error(crate::fsutil::WriteError::Io {
                    path: shown.clone(),
                    cause: source,
                })
            })?;
        }
        let path = dir.join(format!("{}.pub", key.key_id));
        crate::fsutil::write_new(
            &path,
            key.to_file_string_with_comment(comment).as_bytes(),
            0o644,
        )
        .map_err(write_error)?;
        Ok(Some(path))
    }

    /// Load every `*.pub` file in `dir` (other files are ignored). An entry named like a key file
    /// that cannot be used (a malformed or unreadable file, a dangling or looping link, a directory,
    /// a FIFO or device, a name ending in `.PUB` or another case) is skipped and kept, with why, in
    /// [`TrustStore::skipped`] for the caller to warn about. A missing or unreadable directory, a
    /// key listed for two issuers, or a store with no usable key is an error; when no key is usable
    /// and an entry was skipped, the error is the first skipped entry's (docs/SPEC.md §4.5).
    pub fn load(dir: &Path) -> Result<TrustStore, KeyError> {
        let shown = dir.display().to_string();
        let entries = std::fs::read_dir(dir).map_err(|source| KeyError::TrustStoreUnreadable {
            path: shown.clone(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = Vec::new();
        let mut skipped: Vec<(PathBuf, KeyError)> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| KeyError::TrustStoreUnreadable {
                path: shown.clone(),
                source,
            })?;
            let path = entry.path();
            let Some(ext) = path.extension() else {
                continue;
            };
            if !ext.eq_ignore_ascii_case("pub") {
                continue;
            }
            let unusable = |why: String| KeyError::UnusableKeyFile {
                path: path.display().to_string(),
                why,
            };
            if ext != "pub" {
                let error = unusable(format!(
                    "its extension is .{}, not .pub; rename it to end in .pub",
                    ext.to_string_lossy()
                ));
                skipped.push((path, error));
                continue;
            }
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_file() => paths.push(path),
                Ok(meta) => {
                    let error = unusable(super::public::not_a_file(&meta));
                    skipped.push((path, error));
                }
                Err(e) => {
                    let why = if std::fs::symlink_metadata(&path).is_ok() {
                        format!("it is a symbolic link that leads nowhere, or loops ({e})")
                    } else {
                        format!("it cannot be read ({e})")
                    };
                    let error = unusable(why);
                    skipped.push((path, error));
                }
            }
        }
        paths.sort();
        let mut store = TrustStore {
            dir: Some(dir.to_path_buf()),
            ..TrustStore::default()
        };
        for path in paths {
            match IssuerKey::read_with_comment(&path) {
                Ok((key, comment)) => store.add_with_comment(key, path, comment)?,
                Err(error) => skipped.push((path, error)),
            }
        }
        skipped.sort_by(|a, b| a.0.cmp(&b.0));
        let mut skipped = skipped.into_iter().map(|(_, error)| error);
        if store.keys.is_empty() {
            return Err(skipped
                .next()
                .unwrap_or(KeyError::TrustStoreEmpty { path: shown }));
        }
        store.skipped = skipped.map(std::sync::Arc::new).collect();
        Ok(store)
    }

    /// The entries named like key files that [`TrustStore::load`] skipped, in path order, each an
    /// error naming the entry and why it cannot be used. Show every one as a warning.
    pub fn skipped(&self) -> &[std::sync::Arc<KeyError>] {
        &self.skipped
    }

    /// Add a key. The same key listed for two different issuers is an error.
    pub fn add(&mut self, key: IssuerKey, path: PathBuf) -> Result<(), KeyError> {
        self.add_with_comment(key, path, None)
    }

    /// [`TrustStore::add`], with the key file's comment.
    pub fn add_with_comment(
        &mut self,
        key: IssuerKey,
        path: PathBuf,
        comment: Option<String>,
    ) -> Result<(), KeyError> {
        if let Some(existing) = self.keys.get(&key.key_id) {
            if existing.key.issuer != key.issuer {
                return Err(KeyError::KeyForTwoIssuers {
                    key_id: key.key_id,
                    first_issuer: existing.key.issuer.clone(),
                    first_path: existing.path.display().to_string(),
                    second_issuer: key.issuer,
                    second_path: path.display().to_string(),
                });
            }
            return Ok(());
        }
        self.keys
            .insert(key.key_id, TrustedKey { key, path, comment });
        Ok(())
    }

    /// The trusted key with this id, if any.
    pub fn get(&self, id: &KeyId) -> Option<&TrustedKey> {
        self.keys.get(id)
    }

    /// Every trusted key, in key id order.
    pub fn keys(&self) -> impl Iterator<Item = &TrustedKey> {
        let mut keys: Vec<&TrustedKey> = self.keys.values().collect();
        keys.sort_by_key(|k| k.key.key_id.to_string());
        keys.into_iter()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;

    #[test]
    fn trust_store_reads_only_pub_files_and_fails_closed_when_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            TrustStore::load(dir.path()),
            Err(KeyError::TrustStoreEmpty { .. })
        ));
        let sk = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        std::fs::write(dir.path().join("harbour.pub"), sk.public().to_file_string()).unwrap();
        std::fs::write(dir.path().join("README.txt"), "not a key").unwrap();
        std::fs::write(
            dir.path().join("harbour.key"),
            sk.to_file_string(None).unwrap(),
        )
        .unwrap();
        let store = TrustStore::load(dir.path()).unwrap();
        assert_eq!(store.len(), 1);
        let trusted = store.get(&sk.key_id()).unwrap();
        assert_eq!(trusted.key.issuer, "Harbour Rights Lawyers Network");
        // A malformed .pub file is skipped, and reported naming it, never silently; the good key
        // still loads.
        std::fs::write(dir.path().join("broken.pub"), "garbage").unwrap();
        let store = TrustStore::load(dir.path()).unwrap();
        assert_eq!(store.len(), 1);
        let skipped: Vec<&KeyError> = store.skipped().iter().map(|e| &**e).collect();
        match skipped.as_slice() {
            [KeyError::UnknownForm { path }] => assert!(path.ends_with("broken.pub"), "{path}"),
            other => panic!("expected UnknownForm for broken.pub, got {other:?}"),
        }
        // With no usable key left, the store fails closed with the broken entry's error.
        std::fs::remove_file(dir.path().join("harbour.pub")).unwrap();
        match TrustStore::load(dir.path()) {
            Err(KeyError::UnknownForm { path }) => assert!(path.ends_with("broken.pub"), "{path}"),
            other => panic!("expected UnknownForm for broken.pub, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod location_tests {
    use super::*;
    use std::ffi::OsString;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn attest_keys_then_xdg_then_home_and_never_a_relative_path() {
        let dir = |vars| user_trust_store_dir(env(vars)).ok();
        assert_eq!(
            dir(&[("ATTEST_KEYS", "/s"), ("HOME", "/h")]),
            Some(PathBuf::from("/s"))
        );
        assert_eq!(
            dir(&[("XDG_CONFIG_HOME", "/c"), ("HOME", "/h")]),
            Some(PathBuf::from("/c/attest/keys"))
        );
        // An empty ATTEST_KEYS and a relative XDG_CONFIG_HOME are ignored.
        assert_eq!(
            dir(&[
                ("ATTEST_KEYS", ""),
                ("XDG_CONFIG_HOME", "c"),
                ("HOME", "/h")
            ]),
            Some(PathBuf::from("/h/.config/attest/keys"))
        );
        // A relative HOME would make the current directory vouch for itself.
        assert!(matches!(
            user_trust_store_dir(env(&[("HOME", ".")])),
            Err(KeyError::NoTrustStoreLocation)
        ));
        assert!(matches!(
            user_trust_store_dir(env(&[])),
            Err(KeyError::NoTrustStoreLocation)
        ));
    }
}
