//! The archive look-up: which manifests a copy is compared with. Every front end (the CLI, a
//! browser verifier, a server) calls this, so the strategy lives here, not in a front end.
//!
//! 1. One listing of the archive serves every step.
//! 2. Digest pre-filter: a light scan reads only the digests of each manifest and keeps those whose
//!    exact digest is the copy's, or whose canonical digest is the copy's as received or without
//!    email reply markers. Only these are read and checked in full. An authentic verdict from them
//!    is final: no other manifest could do better.
//! 3. Otherwise a similarity shortlist: a light scan of issuers, key ids and paragraphs keeps the
//!    [`SIMILAR_SHORTLIST`] most similar manifests that name a trusted key and, separately, the most
//!    similar others (so untrusted look-alikes can never crowd out a trusted statement), for both
//!    readings of the copy. These, with the digest matches, are read in full and judged by
//!    [`super::verify_against`], which also sees every digest match, so a trusted statement always
//!    wins over an impostor's exact copy.
//!
//! The light scans are hints: nothing they report is trusted before the manifest is read, parsed
//! and its signatures checked.

use std::path::PathBuf;

use crate::archive::{self, Archive, ArchiveError};
use crate::keys::{KeyId, TrustStore};
use crate::report::VerifyReport;

use super::{verify_against, Options, ReceivedCopy};

/// How many of the most similar manifests of each kind (naming a trusted key, or not) are read in
/// full when no digest matches. More than `verify_against`'s own shortlist, so its choice stays the
/// same as over the whole archive even when some similar manifests turn out untrusted or invalid.
pub const SIMILAR_SHORTLIST: usize = 32;

/// Verify a received copy against an archive and a trust store: look it up (see the module docs),
/// then judge it against what the look-up found. Fails only when the archive as a whole cannot be
/// read; unusable files are listed in the report's warnings.
pub fn verify(
    copy: &ReceivedCopy,
    archive: &dyn Archive,
    trust: &TrustStore,
    options: &Options,
) -> Result<VerifyReport, ArchiveError> {
    let listing = archive.list()?;
    let files = &listing.files;
    let mut paths = archive::find_by_digest(
        archive,
        files,
        &copy.exact_digest(),
        &copy.canonical_digests(),
    );
    if !paths.is_empty() {
        let (entries, problems) = archive::read_entries(archive, paths.clone());
        let report = verify_against(copy, &entries, &problems, trust, options);
        if report.verdict.is_authentic() {
            return Ok(report);
        }
    }
    let trusted = |issuer: &str, key_id: &str| {
        key_id
            .parse::<KeyId>()
            .ok()
            .and_then(|id| trust.get(&id))
            .is_some_and(|t| t.key.issuer == issuer)
    };
    for text in copy.canonical_texts() {
        let similar = archive::most_similar(archive, files, text, SIMILAR_SHORTLIST, trusted);
        add_new(&mut paths, similar);
    }
    let (entries, mut problems) = archive::read_entries(archive, paths);
    problems.extend(listing.problems);
    Ok(verify_against(copy, &entries, &problems, trust, options))
}

/// Append the paths not already in `paths`.
fn add_new(paths: &mut Vec<PathBuf>, more: Vec<PathBuf>) {
    for path in more {
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
}
