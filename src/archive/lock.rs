//! An exclusive lock on an archive, held by `sign` while it reads an issuer's chain head and writes
//! the next manifest, so that concurrent signers take consecutive sequence numbers instead of forking
//! the chain.
//!
//! The lock is an advisory lock (`flock(2)` on Unix, `LockFileEx` on Windows) on a hidden file inside
//! the archive directory, [`LOCK_FILE_NAME`]. Being hidden, the archive walk never mistakes it for a
//! manifest. The operating system drops the lock when the holder exits for any reason, SIGKILL
//! included, so a killed signer never leaves the archive locked. The lock file itself is left in
//! place: it is empty and harmless, and removing it would race with a signer that has just opened it.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Name of the lock file inside the archive directory.
pub const LOCK_FILE_NAME: &str = ".attest-lock";

/// Why the archive could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The archive path names something other than a directory.
    #[error("the archive {path} is not a directory; name the directory of manifests")]
    NotADirectory {
        /// The archive path.
        path: PathBuf,
    },
    /// The archive directory does not exist and could not be created.
    #[error(
        "cannot create the archive directory {path}; check that its parent exists and is writable"
    )]
    CreateDir {
        /// The archive directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The lock file could not be opened or created.
    #[error(
        "cannot open the archive's lock file {path}; check that the archive directory is writable"
    )]
    Open {
        /// The lock file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Taking the lock failed (not merely waited).
    #[error("cannot lock the archive through {path}; the file system may not support file locks")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// An exclusive lock on an archive, released when dropped (or when the process ends).
#[derive(Debug)]
pub struct ArchiveLock {
    file: File,
}

impl ArchiveLock {
    /// Lock the archive at `root` exclusively, creating the directory and its lock file if they are
    /// missing. Waits while another process holds the lock.
    pub fn exclusive(root: &Path) -> Result<ArchiveLock, LockError> {
        if root.exists() && !root.is_dir() {
            return Err(LockError::NotADirectory {
                path: root.to_path_buf(),
            });
        }
        crate::fsutil::create_dirs(root).map_err(|source| LockError::CreateDir {
            path: root.to_path_buf(),
            source,
        })?;
        let path = root.join(LOCK_FILE_NAME);
        // A lock "file" planted as a link would make attest create or touch a file wherever it
        // points: only a regular file (or none yet) is used.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.file_type().is_file()) {
            return Err(LockError::Open {
                path: path.clone(),
                source: std::io::Error::other(
                    "it is not a regular file (a symbolic link?); remove it, attest makes a new one",
                ),
            });
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|source| LockError::Open {
                path: path.clone(),
                source,
            })?;
        file.lock()
            .map_err(|source| LockError::Lock { path, source })?;
        Ok(ArchiveLock { file })
    }
}

impl Drop for ArchiveLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first makes the release explicit.
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_creates_the_archive_and_a_hidden_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("new-archive");
        let lock = ArchiveLock::exclusive(&root).unwrap();
        assert!(root.join(LOCK_FILE_NAME).is_file());
        assert!(LOCK_FILE_NAME.starts_with('.'));
        drop(lock);
        // Released on drop: taking it again does not wait.
        let again = File::open(root.join(LOCK_FILE_NAME)).unwrap();
        assert!(again.try_lock().is_ok());
    }

    #[test]
    fn an_archive_that_is_a_file_is_not_locked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("manifests");
        std::fs::write(&file, "not a directory").unwrap();
        let err = ArchiveLock::exclusive(&file).unwrap_err();
        assert!(matches!(err, LockError::NotADirectory { .. }), "{err:?}");
    }

    #[test]
    fn a_held_lock_excludes_another_holder() {
        let dir = tempfile::tempdir().unwrap();
        let _held = ArchiveLock::exclusive(dir.path()).unwrap();
        let other = File::open(dir.path().join(LOCK_FILE_NAME)).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
    }
}
