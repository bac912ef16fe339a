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
    let dir = parent_dir(path);
    let tmp = staged(dir, contents, mode).map_err(io)?;
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
    sync_dir(dir);
    Ok(())
}

/// The directory a file at `path` is written in (`.` for a bare name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A complete temporary file in `dir` holding `contents`, flushed to disk, with permissions
/// `mode` (created 0600, so a secret is never readable by others even briefly): ready to be
/// linked or renamed into place.
fn staged(dir: &Path, contents: &[u8], mode: u32) -> std::io::Result<tempfile::NamedTempFile> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".attest-tmp-")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(tmp)
}

/// Flush a directory's entries to disk (best effort; Unix only).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Unix permissions of every directory attest creates (archive folders, the state directory, a
/// trust store): at most 0755 whatever the umask, so that no other local user can plant a link or a
/// file in it. A stricter umask still applies.
pub const DIR_MODE: u32 = 0o755;

/// Create `dir` and its missing parents with [`DIR_MODE`] (never wider, whatever the umask).
pub fn create_dirs(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder.create(dir)
}

/// Write `contents` to `path`, replacing what is there atomically: a temporary file in the same
/// directory, flushed, then renamed over `path`. For attest's own state files (never keys or
/// manifests, which [`write_new`] never overwrites). A symbolic link at `path` is replaced, never
/// written through.
pub fn write_replace(path: &Path, contents: &[u8], mode: u32) -> Result<(), WriteError> {
    write_replace_hooked(path, contents, mode, &mut |_| Ok(()))
}

/// [`write_replace`], calling `before_rename` with the temporary file's path once it is complete and
/// flushed, just before it is renamed over `path`. An error from it stops the write there: the
/// temporary file is removed and `path` is left as it was. For tests that interrupt a replace at
/// its last moment.
pub(crate) fn write_replace_hooked(
    path: &Path,
    contents: &[u8],
    mode: u32,
    before_rename: &mut dyn FnMut(&Path) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let io = |cause| WriteError::Io {
        path: shown.clone(),
        cause,
    };
    let dir = parent_dir(path);
    create_dirs(dir).map_err(io)?;
    let tmp = staged(dir, contents, mode).map_err(io)?;
    before_rename(tmp.path()).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    sync_dir(dir);
    Ok(())
}

/// A per-user directory of attest's, never a relative path (which would make the current
/// directory's content count as the user's): `$OVERRIDE` when set and not empty, else
/// `$XDG_VAR/<under_xdg…>` when that variable is an absolute path, else `$HOME/<under_home…>` when
/// HOME is absolute; None when none applies.
pub fn user_dir(
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
    override_var: &str,
    xdg_var: &str,
    under_xdg: &[&str],
    under_home: &[&str],
) -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(dir) = set(override_var) {
        return Some(PathBuf::from(dir));
    }
    let absolute = |name: &str| set(name).map(PathBuf::from).filter(|p| p.is_absolute());
    if let Some(base) = absolute(xdg_var) {
        return Some(under_xdg.iter().fold(base, |p, c| p.join(c)));
    }
    absolute("HOME").map(|home| under_home.iter().fold(home, |p, c| p.join(c)))
}

/// A path as report text, distinct for distinct paths: valid UTF-8 is kept as it is, except that
/// `\` is doubled; each byte that is not part of valid UTF-8 is written `\xNN`. Two file names
/// that differ only in undecodable bytes therefore never print alike (`Path::display` would show
/// both as U+FFFD).
pub fn path_text(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let mut out = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                if c == '\\' {
                    out.push_str("\\\\");
                } else {
                    out.push(c);
                }
            }
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
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

    #[test]
    fn replace_overwrites_atomically_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state").join("a.json");
        write_replace(&p, b"first", 0o600).unwrap();
        write_replace(&p, b"second", 0o600).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn replace_interrupted_before_the_rename_leaves_the_original_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.key");
        std::fs::write(&p, b"the original").unwrap();
        let mut seen = None;
        let err = write_replace_hooked(&p, b"the replacement", 0o600, &mut |tmp| {
            // The complete replacement exists beside the original at this moment.
            assert_eq!(std::fs::read(tmp).unwrap(), b"the replacement");
            seen = Some(tmp.to_path_buf());
            Err(std::io::Error::other("interrupted"))
        })
        .unwrap_err();
        assert!(matches!(err, WriteError::Io { .. }));
        assert_eq!(std::fs::read(&p).unwrap(), b"the original");
        // The temporary file is gone, and nothing else was left.
        assert!(!seen.unwrap().exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn undecodable_file_names_print_escaped_and_distinct() {
        use std::os::unix::ffi::OsStrExt;
        let a = Path::new(std::ffi::OsStr::from_bytes(b"m/a\xff.json"));
        let b = Path::new(std::ffi::OsStr::from_bytes(b"m/a\xfe.json"));
        assert_eq!(path_text(a), "m/a\\xff.json");
        assert_ne!(path_text(a), path_text(b));
        // A valid name spelling the escape is still distinct from the byte.
        assert_ne!(path_text(Path::new("m/a\\xff.json")), path_text(a));
        assert_eq!(path_text(Path::new("m/plain.json")), "m/plain.json");
    }
}
