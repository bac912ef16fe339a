//! The archive: a directory tree of manifest files (`*.json`), possibly from many issuers.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::digest::Digest;
use crate::manifest::Manifest;

pub(crate) mod head;
pub(crate) mod lock;

/// Largest manifest file read (a manifest holds at most one statement's canonical text).
pub const MAX_MANIFEST_BYTES: u64 = 256 * 1024 * 1024;

/// A manifest and the file it came from.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The manifest file.
    pub path: PathBuf,
    /// The checked manifest.
    pub manifest: Manifest,
}

/// A file in the archive that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    /// The file.
    pub path: PathBuf,
    /// What went wrong, including what to do.
    pub message: String,
}

/// The archive could not be read at all.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the archive {path}: {cause}. Pass --archive DIR to name the directory of manifests")]
pub struct ArchiveError {
    /// The directory.
    pub path: String,
    /// The I/O error.
    pub cause: std::io::Error,
}

/// Every `*.json` file under `root`, sorted. Hidden entries (such as `.git`) are skipped; symbolic
/// links are not followed (they could point outside the archive) and are reported instead.
pub fn manifest_files(root: &Path) -> Result<(Vec<PathBuf>, Vec<LoadProblem>), ArchiveError> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    let mut first = true;
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(source) if first => {
                return Err(ArchiveError {
                    path: root.display().to_string(),
                    cause: source,
                })
            }
            Err(e) => {
                problems.push(LoadProblem {
                    path: dir.clone(),
                    message: format!("cannot read directory: {e}"),
                });
                continue;
            }
        };
        first = false;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_symlink() {
                if path.extension().is_some_and(|e| e == "json") {
                    problems.push(LoadProblem {
                        path,
                        message: "is a symbolic link; attest does not follow links in an archive. Copy the manifest into the archive instead".into(),
                    });
                }
            } else if file_type.is_dir() {
                stack.push(path);
            } else if file_type.is_file() && path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok((files, problems))
}

/// Read and check one manifest file.
pub fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(format!(
            "is larger than {MAX_MANIFEST_BYTES} bytes; this is not a manifest"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    Manifest::parse(&bytes).map_err(|e| e.to_string())
}

/// All manifests under `root`, and the files that could not be used. Files are read and checked in
/// parallel.
pub fn load(root: &Path) -> Result<(Vec<Entry>, Vec<LoadProblem>), ArchiveError> {
    let (files, mut problems) = manifest_files(root)?;
    let (entries, read_problems) = read_entries(files);
    problems.extend(read_problems);
    Ok((entries, problems))
}

/// Read and check the given manifest files in parallel: the usable ones, and the others with why.
pub fn read_entries(files: Vec<PathBuf>) -> (Vec<Entry>, Vec<LoadProblem>) {
    let results: Vec<(PathBuf, Result<Manifest, String>)> = files
        .into_par_iter()
        .map(|path| {
            let manifest = read_manifest(&path);
            (path, manifest)
        })
        .collect();
    let mut entries = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (path, result) in results {
        match result {
            Ok(manifest) => entries.push(Entry { path, manifest }),
            Err(message) => problems.push(LoadProblem { path, message }),
        }
    }
    (entries, problems)
}

/// Just the digests of a manifest, read without checking anything else.
#[derive(serde::Deserialize)]
struct DigestsOnly {
    statement: StatementDigest,
    canonical: CanonicalDigest,
}

#[derive(serde::Deserialize)]
struct StatementDigest {
    exact_digest: String,
}

#[derive(serde::Deserialize)]
struct CanonicalDigest {
    digest: String,
}

/// The manifests among `files` whose exact or canonical digest is one of those given, found by a
/// light parallel scan that reads only the digests (matches must then be read and checked in full
/// with [`read_manifest`]). Lets `verify` answer for an authentic copy without parsing the whole
/// archive.
pub fn find_by_digest(files: &[PathBuf], exact: &Digest, canonical: &Digest) -> Vec<PathBuf> {
    let (exact, canonical) = (exact.to_string(), canonical.to_string());
    files
        .par_iter()
        .filter(|path| {
            let Ok(bytes) = std::fs::read(path) else {
                return false;
            };
            serde_json::from_slice::<DigestsOnly>(&bytes)
                .is_ok_and(|d| d.statement.exact_digest == exact || d.canonical.digest == canonical)
        })
        .cloned()
        .collect()
}

/// Just the issuer, signing key ids and canonical paragraphs of a manifest.
#[derive(serde::Deserialize)]
struct ParagraphsOnly {
    issuer: String,
    signatures: Vec<KeyIdOnly>,
    canonical: CanonicalParagraphs,
}

#[derive(serde::Deserialize)]
struct KeyIdOnly {
    key_id: String,
}

#[derive(serde::Deserialize)]
struct CanonicalParagraphs {
    paragraphs: Vec<String>,
}

/// The manifests among `files` whose canonical text is most similar to `copy_text` (by
/// [`crate::diff::similarity`]), found by a light parallel scan that reads only issuers, key ids
/// and paragraphs: the best `n` among those that name a key `trusted(issuer, key_id)` accepts, and
/// the best `n` among the rest. Shortlisting the two kinds separately means no number of untrusted
/// look-alikes can crowd a trusted statement out. `verify` then reads and checks these in full.
pub fn most_similar(
    files: &[PathBuf],
    copy_text: &str,
    n: usize,
    trusted: impl Fn(&str, &str) -> bool + Sync,
) -> Vec<PathBuf> {
    let copy_shingles = crate::diff::shingles(&crate::diff::units(copy_text));
    let scored: Vec<(bool, usize, &PathBuf)> = files
        .par_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).ok()?;
            let m: ParagraphsOnly = serde_json::from_slice(&bytes).ok()?;
            let shared =
                crate::diff::similarity(&m.canonical.paragraphs.join("\n\n"), &copy_shingles);
            let names_trusted = m.signatures.iter().any(|s| trusted(&m.issuer, &s.key_id));
            (shared > 0).then_some((names_trusted, shared, path))
        })
        .collect();
    let best = |want_trusted: bool| {
        let mut kind: Vec<&(bool, usize, &PathBuf)> =
            scored.iter().filter(|s| s.0 == want_trusted).collect();
        kind.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(b.2)));
        kind.into_iter()
            .take(n)
            .map(|s| s.2.clone())
            .collect::<Vec<_>>()
    };
    let mut out = best(true);
    out.extend(best(false));
    out
}

/// A readable ASCII slug: lowercase letters and digits, other runs turned into `-`, at most `max`
/// bytes. Empty when the text has no ASCII letters or digits.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > max {
        // Cut at a word boundary when there is one.
        let cut = out[..=max].rfind('-').filter(|&i| i > 0).unwrap_or(max);
        out.truncate(cut);
    }
    out
}

/// Where `sign` puts a new manifest: `<archive>/<issuer slug>/<seq, 6 digits>-<date>-<title slug>.json`.
pub fn manifest_path(root: &Path, issuer: &str, seq: u64, date: &str, title: &str) -> PathBuf {
    let mut issuer_slug = slug(issuer, 48);
    if issuer_slug.is_empty() {
        issuer_slug = format!("issuer-{}", &Digest::of(issuer.as_bytes()).hex()[..8]);
    }
    let mut title_slug = slug(title, 60);
    if title_slug.is_empty() {
        title_slug = "statement".into();
    }
    root.join(issuer_slug)
        .join(format!("{seq:06}-{date}-{title_slug}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(
            slug("Harbour Rights Lawyers Network", 48),
            "harbour-rights-lawyers-network"
        );
        assert_eq!(slug("Open letter: free them!", 60), "open-letter-free-them");
        assert_eq!(slug("海港维权律师网络", 48), "");
        assert_eq!(
            slug("release of the detained lawyers", 20),
            "release-of-the"
        );
        assert_eq!(slug("abcdefghijklmnopqrstuvwxyz", 10), "abcdefghij");
        let p = manifest_path(
            Path::new("m"),
            "海港维权律师网络",
            3,
            "2026-03-08",
            "公开信",
        );
        assert!(p
            .to_string_lossy()
            .contains("/000003-2026-03-08-statement.json"));
    }
}
