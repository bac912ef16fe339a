//! The archive look-up: which manifests a copy is compared with. Every front end (the CLI, a
//! browser verifier, a server) calls this, so the strategy lives here, not in a front end.
//!
//! 1. One listing of the archive serves every step.
//! 2. Digest pre-filter: a light scan reads only the digests of each manifest and keeps those whose
//!    exact digest is the copy's, or whose canonical digest is the copy's as received or without
//!    email reply markers. Only these are read and checked in full. An authentic verdict from them
//!    is final: no other manifest could do better.
//! 3. Otherwise a similarity shortlist, for both readings of the copy: a light scan of issuers,
//!    key ids and paragraphs ranks the manifests that share phrases with the copy, those that name
//!    a trusted key apart from the others. Naming a key proves nothing, so the first ranking is read
//!    in full, most similar first, until [`SIMILAR_SHORTLIST`] of them carry a verified signature by
//!    a key trusted for their issuer; forgeries met on the way are kept (a few) to be reported. The
//!    [`SIMILAR_SHORTLIST`] most similar others are read too. All of these, with the digest matches,
//!    are judged by [`super::verify_against`], so a trusted statement always wins over an impostor's
//!    exact copy, and no number of look-alikes can crowd it out.
//!
//! The light scans are hints: nothing they report is trusted before the manifest is read, parsed
//! and its signatures checked.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::archive::{self, Archive, ArchiveError};
use crate::keys::TrustStore;
use crate::report::VerifyReport;
use crate::trust::Trust;

use super::{verify_against_with, Options, ReceivedCopy};

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
    let mut catalog = archive.catalog()?;
    if catalog.listing.files.is_empty() && catalog.listing.problems.is_empty() {
        // Fail closed, as audit does: an empty archive is more likely a wrong path than a sign
        // that nothing was ever signed.
        return Err(ArchiveError::Empty {
            path: archive.name(),
        });
    }
    // The trust store with the archive's and the store's key records (revocations, key changes),
    // found by the listing when it could (no second walk of a large archive).
    let records = archive::KnownRecords::of(archive, &mut catalog);
    let (trust, _) = Trust::load(trust, Some(records.archive()));
    let trust = &trust;
    let paths = archive::find_by_digest(
        archive,
        &catalog,
        &copy.exact_digest(),
        &copy.canonical_digests(),
    );
    let mut seen: HashSet<PathBuf> = paths.iter().cloned().collect();
    let (mut entries, mut problems) = archive::read_entries(archive, paths);
    // Files the listing skipped (such as those over the manifest size limit) are warned about
    // whatever the verdict.
    problems.extend(std::mem::take(&mut catalog.listing.problems));
    if !entries.is_empty() {
        let report = verify_against_with(copy, &entries, &problems, trust, options);
        if report.verdict.is_authentic() {
            return Ok(report);
        }
    }
    let trusted = |issuer: &str, key_id: &str| trust.names_trusted_key(issuer, key_id);
    // A text too long to compare word by word is not ranked either (verify_against says so).
    for text in copy
        .canonical_texts()
        .filter(|t| t.len() <= super::MAX_COMPARED_BYTES)
    {
        let (claim_trusted, others) = archive::most_similar(archive, &catalog, text, trusted);
        // Read the statements that name a trusted key, most similar first, until
        // SIMILAR_SHORTLIST distinct texts among them really are trusted (their issuer's signature
        // verifies), then every other manifest of those texts: forgeries that only name a trusted
        // key id cannot push the genuine statement out, and reposts of one text cannot hide the
        // other groups that signed it.
        let mut verified: Vec<&str> = Vec::new();
        let mut unusable_kept = 0;
        for chunk in claim_trusted.chunks(SIMILAR_SHORTLIST) {
            if verified.len() >= SIMILAR_SHORTLIST {
                break;
            }
            let fresh = new_paths(&mut seen, chunk.iter());
            let (read, unusable) = archive::read_entries(archive, fresh);
            for entry in read {
                if trust.assess(&entry.manifest).trust.issuer_signed {
                    let digest = chunk
                        .iter()
                        .find(|s| s.path == entry.path)
                        .map_or("", |s| s.digest.as_str());
                    if !verified.contains(&digest) {
                        verified.push(digest);
                    }
                    entries.push(entry);
                } else if unusable_kept < 4 * SIMILAR_SHORTLIST {
                    unusable_kept += 1;
                    entries.push(entry);
                }
            }
            problems.extend(unusable);
        }
        let same_texts = claim_trusted
            .iter()
            .filter(|s| verified.contains(&s.digest.as_str()));
        let fresh = new_paths(&mut seen, same_texts);
        let (read, unusable) = archive::read_entries(archive, fresh);
        entries.extend(read);
        problems.extend(unusable);
        let fresh = new_paths(&mut seen, others.iter().take(SIMILAR_SHORTLIST));
        let (read, unusable) = archive::read_entries(archive, fresh);
        entries.extend(read);
        problems.extend(unusable);
    }
    Ok(verify_against_with(
        copy, &entries, &problems, trust, options,
    ))
}

/// The paths of `found` not yet `seen`, which records them.
fn new_paths<'a>(
    seen: &mut HashSet<PathBuf>,
    found: impl Iterator<Item = &'a archive::Similar>,
) -> Vec<PathBuf> {
    found
        .filter(|s| seen.insert(s.path.clone()))
        .map(|s| s.path.clone())
        .collect()
}
