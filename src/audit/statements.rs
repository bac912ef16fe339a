//! Statement files: beside each manifest (where an archive keeps them), and in `audit --statements
//! DIR`, where every manifest's statement is expected and found by its exact digest, not by its
//! name (docs/SPEC.md §5.3). Never read through a symbolic link.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::problem;
use crate::archive::{Archive, ArchiveError};
use crate::digest::Digest;
use crate::fsutil::path_text;
use crate::input;
use crate::report::{AuditProblem, AuditReport, ProblemKind};

/// A statement file a manifest names.
pub(super) struct Claim<'a> {
    /// Borrowed from the archive's listing.
    pub(super) manifest: &'a Path,
    pub(super) file_name: String,
    pub(super) exact: Digest,
    pub(super) canonical: Digest,
}

/// The statement files of a `--statements` directory, by exact digest and by name.
pub(super) struct StatementsDir {
    dir: PathBuf,
    by_digest: HashMap<Digest, PathBuf>,
    /// Entries that could not be used (links, unreadable files).
    problems: Vec<AuditProblem>,
}

impl StatementsDir {
    /// Read every regular file under `dir` (links are reported, never followed). `dir` must be a
    /// readable directory.
    pub(super) fn index(dir: &Path) -> Result<StatementsDir, ArchiveError> {
        let fail = |cause| ArchiveError::StatementsDir {
            path: path_text(dir),
            cause,
        };
        let meta = std::fs::metadata(dir).map_err(fail)?;
        if !meta.is_dir() {
            return Err(fail(std::io::Error::other("it is not a directory")));
        }
        std::fs::read_dir(dir).map_err(fail)?;
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for item in walkdir::WalkDir::new(dir).follow_links(false) {
            match item {
                Ok(e) if e.depth() > 0 && e.file_type().is_symlink() => problems.push(problem(
                    e.path(),
                    ProblemKind::Unreadable,
                    "is a symbolic link; attest does not follow links among statement files. Copy what it points to instead".into(),
                )),
                Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().unwrap_or(dir).to_path_buf();
                    problems.push(problem(
                        &path,
                        ProblemKind::Unreadable,
                        format!("cannot read it: {err}"),
                    ));
                }
            }
        }
        let digests: Vec<(PathBuf, Result<Digest, String>)> = files
            .into_par_iter()
            .map(|p| {
                let d = input::read_bytes(&p)
                    .map(|b| Digest::of(&b))
                    .map_err(|e| e.to_string());
                (p, d)
            })
            .collect();
        let mut by_digest = HashMap::new();
        for (path, digest) in digests {
            match digest {
                Ok(d) => {
                    by_digest.entry(d).or_insert(path);
                }
                Err(e) => problems.push(problem(&path, ProblemKind::Unreadable, e)),
            }
        }
        Ok(StatementsDir {
            dir: dir.to_path_buf(),
            by_digest,
            problems,
        })
    }
}

/// What is at a place where a statement file may be, without following a link.
enum AtPlace {
    Nothing,
    /// A regular file, with its bytes' digest (or why it could not be read).
    File(Result<(Digest, Vec<u8>), String>),
    /// Something else: a directory, a link, a FIFO.
    Other(&'static str),
}

/// What [`AtPlace::Other`] says of a symbolic link.
const LINK: &str = "a symbolic link (never followed)";

fn at_place(place: &Path) -> AtPlace {
    match std::fs::symlink_metadata(place) {
        Err(_) => AtPlace::Nothing,
        Ok(m) if m.file_type().is_symlink() => AtPlace::Other(LINK),
        Ok(m) if m.is_dir() => AtPlace::Other("a directory"),
        Ok(m) if !m.is_file() => AtPlace::Other("not a regular file"),
        Ok(_) => AtPlace::File(
            input::read_bytes(place)
                .map(|b| (Digest::of(&b), b))
                .map_err(|e| e.to_string()),
        ),
    }
}

/// `statement_mismatch` for `place` against the manifest of `claim`.
fn mismatch(place: &Path, bytes: &[u8], claim: &Claim<'_>) -> AuditProblem {
    let same_words = input::decode(bytes, &path_text(place))
        .map(|d| crate::canon::summarize(&d.text).digest == claim.canonical)
        .unwrap_or(false);
    let what = if same_words {
        "differs in layout from the signed bytes (same canonical text)"
    } else {
        "has different words from the signed statement"
    };
    problem(
        place,
        ProblemKind::StatementMismatch,
        format!("{what}; its manifest is {}", path_text(claim.manifest)),
    )
}

/// Check statement files: beside each manifest (where one is kept, by its signed file name), and
/// in `--statements DIR` (where every manifest's statement is expected, found by its digest).
pub(super) fn check_statements(
    archive: &dyn Archive,
    claims: &[Claim<'_>],
    statements: Option<&StatementsDir>,
    report: &mut AuditReport,
) {
    // Beside the manifests: several manifests may name the same file (every statement signed as
    // `statement.txt`); the file belongs to the one whose digest it has, and accuses none of the
    // others.
    // A hash map, not a sorted one: an archive of 100,000 manifests has as many places, and the
    // problems are sorted once at the end. Each place is looked at once, on every core.
    let mut places: HashMap<PathBuf, Vec<&Claim<'_>>> = HashMap::new();
    for c in claims {
        if let Some(place) = archive.statement_beside(c.manifest, &c.file_name) {
            places.entry(place).or_default().push(c);
        }
    }
    let places: Vec<(PathBuf, Vec<&Claim<'_>>)> = places.into_iter().collect();
    let found: Vec<AtPlace> = places
        .par_iter()
        .map(|(place, _)| at_place(place))
        .collect();
    for ((place, owners), at) in places.iter().zip(found) {
        match at {
            AtPlace::Nothing => {}
            // A link is already reported by the archive walk.
            AtPlace::Other(LINK) => {}
            AtPlace::Other(what) => {
                for c in owners {
                    report.problems.push(problem(
                        c.manifest,
                        ProblemKind::StatementMissing,
                        format!(
                            "its statement file {} is {what}, not the signed statement; restore the file from a good copy",
                            path_text(place)
                        ),
                    ));
                }
            }
            AtPlace::File(Err(e)) => {
                report
                    .problems
                    .push(problem(place, ProblemKind::StatementMismatch, e));
            }
            AtPlace::File(Ok((digest, bytes))) => {
                report.statements_checked += 1;
                if !owners.iter().any(|c| c.exact == digest) {
                    for c in owners {
                        report.problems.push(mismatch(place, &bytes, c));
                    }
                }
            }
        }
    }
    let Some(dir) = statements else {
        return;
    };
    report.problems.extend(dir.problems.iter().cloned());
    let all_digests: HashSet<Digest> = claims.iter().map(|c| c.exact).collect();
    for c in claims {
        if dir.by_digest.contains_key(&c.exact) {
            report.statements_checked += 1;
            continue;
        }
        let place = dir.dir.join(&c.file_name);
        match at_place(&place) {
            // A file by that name that is no manifest's statement: tampered with.
            AtPlace::File(Ok((digest, bytes))) if !all_digests.contains(&digest) => {
                report.statements_checked += 1;
                report.problems.push(mismatch(&place, &bytes, c));
            }
            AtPlace::File(Err(e)) => {
                report
                    .problems
                    .push(problem(&place, ProblemKind::StatementMismatch, e))
            }
            other => {
                let what = match other {
                    AtPlace::Other(what) => format!("{} is {what}", path_text(&place)),
                    _ => format!("no file in {} has its digest", path_text(&dir.dir)),
                };
                report.problems.push(problem(
                    c.manifest,
                    ProblemKind::StatementMissing,
                    format!(
                        "its statement file ({:?}) is missing from the statements directory: {what}. Restore it from a good copy",
                        c.file_name
                    ),
                ));
            }
        }
    }
}
