//! Atomic, no-clobber file writes: nothing attest writes is ever half-written, and existing keys and
//! manifests are never overwritten.

use std::io::Write;
use std::path::Path;

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The destination already exists; attest never overwrites keys or manifests.
    #[error("{path} already exists; attest never overwrites it. Choose another name or move the old file away")]
    Exists {
        /// The destination.
        path: String,
    },
    /// Any other I/O failure.
    #[error("cannot write {path}: {cause}")]
    Io {
        /// The destination.
        path: String,
        /// The I/O error.
        cause: std::io::Error,
    },
}

/// Write `contents` to a new file at `path`: a temporary file in the same directory, flushed to disk,
/// then linked into place only if `path` does not exist. `mode` sets Unix permissions (the temporary
/// file is created 0600, so secrets are never readable by others even briefly).
pub fn write_new(path: &Path, contents: &[u8], mode: u32) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let io = |source| WriteError::Io {
        path: shown.clone(),
        cause: source,
    };
    if path.exists() {
        return Err(WriteError::Exists { path: shown });
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".attest-tmp-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(contents).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            WriteError::Exists {
                path: shown.clone(),
            }
        } else {
            WriteError::Io {
                path: shown.clone(),
                cause: e.error,
            }
        }
    })?;
    // Make the new directory entry durable too, so a crash cannot lose a manifest just reported
    // as written.
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_new(&p, b"first", 0o644).unwrap();
        let err = write_new(&p, b"second", 0o644).unwrap_err();
        assert!(matches!(err, WriteError::Exists { .. }));
        assert_eq!(std::fs::read(&p).unwrap(), b"first");
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
