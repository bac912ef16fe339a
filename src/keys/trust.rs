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
}

/// A directory of `.pub` files. Each key is trusted for the issuer named in its file, and no other.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    keys: HashMap<KeyId, TrustedKey>,
}

impl TrustStore {
    /// Load every `*.pub` file in `dir` (other files are ignored). Fails closed: a missing directory,
    /// a malformed key file, a key listed for two issuers, or an empty store is an error.
    pub fn load(dir: &Path) -> Result<TrustStore, KeyError> {
        let shown = dir.display().to_string();
        let entries = std::fs::read_dir(dir).map_err(|source| KeyError::TrustStoreUnreadable {
            path: shown.clone(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| KeyError::TrustStoreUnreadable {
                path: shown.clone(),
                source,
            })?;
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "pub") && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        let mut store = TrustStore::default();
        for path in paths {
            let key = IssuerKey::read(&path)?;
            store.add(key, path)?;
        }
        if store.keys.is_empty() {
            return Err(KeyError::TrustStoreEmpty { path: shown });
        }
        Ok(store)
    }

    /// Add a key. The same key listed for two different issuers is an error.
    pub fn add(&mut self, key: IssuerKey, path: PathBuf) -> Result<(), KeyError> {
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
        self.keys.insert(key.key_id, TrustedKey { key, path });
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
        // A malformed .pub file is an error naming it, not silently skipped.
        std::fs::write(dir.path().join("broken.pub"), "garbage").unwrap();
        match TrustStore::load(dir.path()) {
            Err(KeyError::UnknownForm { path }) => assert!(path.ends_with("broken.pub"), "{path}"),
            other => panic!("expected UnknownForm for broken.pub, got {other:?}"),
        }
    }
}
