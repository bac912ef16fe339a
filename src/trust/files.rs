//! Where key records live (docs/SPEC.md §5.3): in the archive, in a `keys/` folder beside the
//! issuer's manifests, and in the trust store directory. Their extensions (`.revocation`,
//! `.key-change`) keep them apart from manifests (`.json`).

use std::path::{Path, PathBuf};

use crate::archive::slug;
use crate::digest::Digest;
use crate::fsutil::{write_new, WriteError};

use super::KeyRecord;

/// The folder of `issuer`'s key records in the archive at `root`: `<root>/<issuer slug>/keys`, the
/// issuer folder that `sign` writes manifests into.
pub fn records_dir(root: &Path, issuer: &str) -> PathBuf {
    let mut issuer_slug = slug(issuer, 48);
    if issuer_slug.is_empty() {
        issuer_slug = format!("issuer-{}", &Digest::of(issuer.as_bytes()).hex()[..8]);
    }
    root.join(issuer_slug).join("keys")
}

/// The file name of a record: `revoke-<key id>-after-<seq, 6 digits>.revocation` or
/// `<old key id>-to-<new key id>-from-<seq, 6 digits>.key-change`.
pub fn record_file_name(record: &KeyRecord) -> String {
    match record {
        KeyRecord::Revocation(r) => {
            format!(
                "revoke-{}-after-{:06}.revocation",
                r.key_id(),
                r.last_valid()
            )
        }
        KeyRecord::KeyChange(c) => format!(
            "{}-to-{}-from-{:06}.key-change",
            c.old_id(),
            c.new_id(),
            c.from_seq()
        ),
    }
}

/// Write `record` into the archive at `root` ([`records_dir`], created if missing), atomically and
/// never over an existing file. Returns the file written.
pub fn write_record(root: &Path, record: &KeyRecord) -> Result<PathBuf, WriteError> {
    let dir = records_dir(root, record.issuer());
    std::fs::create_dir_all(&dir).map_err(|cause| WriteError::Io {
        path: dir.display().to_string(),
        cause,
    })?;
    let path = dir.join(record_file_name(record));
    write_new(&path, record.to_json().as_bytes(), 0o644)?;
    Ok(path)
}
