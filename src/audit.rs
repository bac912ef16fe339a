//! Auditing an archive: every manifest and the archive as a whole -> [`AuditReport`]. Pure apart from
//! reading the archive; never prints.
//!
//! Checks, each reported with the manifest's path and a stable kind:
//! `unreadable`/`malformed` (cannot be parsed), `bad_signature` (a signature does not verify),
//! `unknown_key` (valid signature by a key not in the trust store), `not_signed_by_issuer` (no valid
//! signature by a key trusted for the manifest's issuer), `canonical_mismatch` (canonical text vs its
//! digests), `statement_mismatch` (the statement file beside the manifest differs), and per issuer,
//! over the manifests its trusted keys signed: `chain_fork`, `chain_gap`, `chain_broken`, `duplicate`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::archive::{self, with_causes, Archive, ArchiveError, FileProblem, Listing};
use crate::digest::Digest;
use crate::input;
use crate::keys::TrustStore;
use crate::manifest::Manifest;
use crate::report::{AuditProblem, AuditReport, IssuerSummary, ProblemKind};
use crate::trust::{KeyStatus, Standing, Trust};

/// Audit options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Another directory where statement files may be found by their `file_name`.
    pub statements_dir: Option<PathBuf>,
}

/// A manifest that its issuer's trusted key signed, for the chain check.
struct ChainLink {
    path: PathBuf,
    seq: u64,
    prev: Option<Digest>,
    digest: Digest,
}

/// Manifests checked in parallel between two progress reports (and the most results held at once
/// before they are folded into the report).
const BATCH: usize = 2048;

/// What checking one manifest file found.
struct FileResult {
    problems: Vec<AuditProblem>,
    /// Issuer and seq, when the file parsed.
    identity: Option<(String, u64)>,
    /// Set when the manifest's issuer validly signed it: its place in the chain.
    link: Option<ChainLink>,
}

/// Audit the archive at `root`. `progress(done, total)` is called as manifests are checked.
/// Manifests are checked in parallel on all cores; only small per-manifest chain records are kept,
/// so memory stays bounded by the batch size, not the archive size.
pub fn audit(
    archive: &dyn Archive,
    trust: &TrustStore,
    options: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<AuditReport, ArchiveError> {
    let Listing {
        files,
        problems: load_problems,
    } = archive.list()?;
    if files.is_empty() && load_problems.is_empty() {
        // Fail closed: an empty archive is more likely a wrong path than a clean archive.
        return Err(ArchiveError::Empty {
            path: archive.name(),
        });
    }
    let mut report = AuditReport {
        archive: archive.name(),
        manifests: files.len(),
        valid: 0,
        statements_checked: 0,
        issuers: Vec::new(),
        problems: Vec::new(),
    };
    for p in load_problems {
        report.problems.push(problem(
            &p.path,
            problem_kind(&p.problem),
            with_causes(&p.problem),
        ));
    }
    // Revocations and key changes (docs/SPEC.md §3.4), from the archive and the trust store: a
    // record that is ignored is itself a problem.
    let (trust, record_issues) = Trust::load(trust, Some(archive));
    let trust = &trust;
    for issue in record_issues {
        report.problems.push(problem(
            &issue.path,
            ProblemKind::BadKeyRecord,
            format!(
                "{}; remove the record or replace it with a good one",
                with_causes(&issue.problem)
            ),
        ));
    }
    let mut chains: BTreeMap<String, Vec<ChainLink>> = BTreeMap::new();
    let mut counts: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut parsed: Vec<String> = Vec::with_capacity(files.len());

    for (batch_index, batch) in files.chunks(BATCH).enumerate() {
        progress(batch_index * BATCH, files.len());
        let results: Vec<(FileResult, usize)> = batch
            .par_iter()
            .map(|path| {
                let mut statements_checked = 0;
                let result = check_file(archive, path, trust, options, &mut statements_checked);
                (result, statements_checked)
            })
            .collect();
        for (path, (result, statements_checked)) in batch.iter().zip(results) {
            report.statements_checked += statements_checked;
            report.problems.extend(result.problems);
            if let Some((issuer, seq)) = result.identity {
                parsed.push(path.display().to_string());
                // The summary counts only manifests a trusted key of their issuer signed, so an
                // impostor's files (reported as problems) cannot inflate an issuer's chain.
                if let Some(link) = result.link {
                    let count = counts.entry(issuer.clone()).or_default();
                    count.0 += 1;
                    count.1 = count.1.max(seq);
                    chains.entry(issuer).or_default().push(link);
                }
            }
        }
    }
    progress(files.len(), files.len());

    for (issuer, links) in chains {
        check_chain(&issuer, links, &mut report);
    }
    report.issuers = counts
        .into_iter()
        .map(|(issuer, (manifests, latest_seq))| IssuerSummary {
            issuer,
            manifests,
            latest_seq,
        })
        .collect();
    let with_problems: std::collections::HashSet<&str> =
        report.problems.iter().map(|p| p.path.as_str()).collect();
    let valid = parsed
        .iter()
        .filter(|p| !with_problems.contains(p.as_str()))
        .count();
    report.valid = valid;
    report
        .problems
        .sort_by(|a, b| (&a.path, &a.kind).cmp(&(&b.path, &b.kind)));
    Ok(report)
}

/// Check one manifest file on its own (everything but the chain).
fn check_file(
    archive: &dyn Archive,
    path: &Path,
    trust: &Trust<'_>,
    options: &Options,
    statements_checked: &mut usize,
) -> FileResult {
    let manifest = match archive::read_entry(archive, path) {
        Ok(m) => m,
        Err(file_problem) => {
            let kind = problem_kind(&file_problem);
            return FileResult {
                problems: vec![problem(
                    path,
                    kind,
                    format!(
                        "{}; restore the file from a good copy of the archive, or remove it",
                        with_causes(&file_problem)
                    ),
                )],
                identity: None,
                link: None,
            };
        }
    };
    let mut problems = Vec::new();
    let issuer_signed = check_manifest(
        archive,
        path,
        &manifest,
        trust,
        options,
        &mut problems,
        statements_checked,
    );
    FileResult {
        problems,
        identity: Some((manifest.issuer().to_string(), manifest.seq())),
        link: issuer_signed.then(|| ChainLink {
            path: path.to_path_buf(),
            seq: manifest.seq(),
            prev: manifest.prev(),
            digest: manifest.digest(),
        }),
    }
}

/// How audit names a file it could not use: `malformed` when it is not a manifest (too large, or
/// fails the format), `unreadable` when it could not be read at all (or is a link).
fn problem_kind(file_problem: &FileProblem) -> ProblemKind {
    match file_problem {
        FileProblem::Malformed(_) | FileProblem::TooLarge { .. } => ProblemKind::Malformed,
        _ => ProblemKind::Unreadable,
    }
}

fn problem(path: &Path, kind: ProblemKind, message: String) -> AuditProblem {
    AuditProblem {
        path: path.display().to_string(),
        kind,
        message,
    }
}

/// Check signatures, trust and content of one manifest; returns whether its issuer validly signed
/// it (so that it takes part in the chain check).
fn check_manifest(
    archive: &dyn Archive,
    path: &Path,
    m: &Manifest,
    trust: &Trust<'_>,
    options: &Options,
    problems: &mut Vec<AuditProblem>,
    statements_checked: &mut usize,
) -> bool {
    let assessment = trust.assess(m);
    for check in &assessment.checks {
        match &check.status {
            KeyStatus::Invalid => problems.push(problem(
                path,
                ProblemKind::BadSignature,
                format!(
                    "the signature by key {} does not verify: the manifest was altered after signing",
                    check.key_id
                ),
            )),
            KeyStatus::Unknown => problems.push(problem(
                path,
                ProblemKind::UnknownKey,
                format!(
                    "signed by key {} which is not in the trust store; if you have confirmed with the signer, outside attest, that this key is theirs, add their .pub file to the trust store",
                    check.key_id
                ),
            )),
            KeyStatus::Of {
                issuer,
                standing:
                    Standing::Revoked {
                        last_valid,
                        ended_with,
                    },
            } => problems.push(problem(
                path,
                ProblemKind::RevokedKey,
                format!(
                    "signed by key {} after its revocation point: it vouches for {issuer:?} only up to seq {last_valid}{}, and this is seq {}; a revoked key's later statements are not the issuer's",
                    check.key_id,
                    crate::trust::ended_with_text(*ended_with),
                    m.seq()
                ),
            )),
            KeyStatus::Of {
                issuer,
                standing: Standing::BeforeKeyChange { from_seq },
            } => problems.push(problem(
                path,
                ProblemKind::NotSignedByIssuer,
                format!(
                    "signed by key {}, which a key-change record introduces for {issuer:?} only from seq {from_seq}, and this is seq {}",
                    check.key_id,
                    m.seq()
                ),
            )),
            KeyStatus::Of { .. } => {}
        }
    }
    // A revoked key's later statement, or a new key's statement before its key change, is
    // explained above, not twice.
    let revoked = assessment.checks.iter().any(|c| {
        matches!(
            &c.status,
            KeyStatus::Of { issuer, standing: Standing::Revoked { .. } | Standing::BeforeKeyChange { .. } }
                if issuer == m.issuer()
        )
    });
    let assessment = assessment.trust;
    if !assessment.issuer_signed && !revoked {
        problems.push(problem(
            path,
            ProblemKind::NotSignedByIssuer,
            format!("no valid signature by a key trusted for {:?}", m.issuer()),
        ));
    }
    for p in m.content_problems() {
        problems.push(problem(path, ProblemKind::CanonicalMismatch, p));
    }
    check_statement_file(archive, path, m, options, problems, statements_checked);
    assessment.issuer_signed
}

/// Check the statement file beside the manifest (and in `--statements DIR`), where one exists.
fn check_statement_file(
    archive: &dyn Archive,
    path: &Path,
    m: &Manifest,
    options: &Options,
    problems: &mut Vec<AuditProblem>,
    statements_checked: &mut usize,
) {
    let name = &m.wire().statement.file_name;
    let mut places: Vec<PathBuf> = Vec::new();
    places.extend(archive.statement_beside(path, name));
    if let Some(dir) = &options.statements_dir {
        places.push(dir.join(name));
    }
    for place in places.into_iter().filter(|p| p.is_file()) {
        *statements_checked += 1;
        let bytes = match input::read_bytes(&place) {
            Ok(b) => b,
            Err(e) => {
                problems.push(problem(
                    &place,
                    ProblemKind::StatementMismatch,
                    e.to_string(),
                ));
                continue;
            }
        };
        if Digest::of(&bytes) == m.wire().statement.exact_digest {
            continue;
        }
        let same_words = input::decode(&bytes, &place.display().to_string())
            .map(|d| crate::canon::summarize(&d.text).digest == m.wire().canonical.digest)
            .unwrap_or(false);
        let what = if same_words {
            "differs in layout from the signed bytes (same canonical text)"
        } else {
            "has different words from the signed statement"
        };
        problems.push(problem(
            &place,
            ProblemKind::StatementMismatch,
            format!("{what}; its manifest is {}", path.display()),
        ));
    }
}

fn check_chain(issuer: &str, mut links: Vec<ChainLink>, report: &mut AuditReport) {
    links.sort_by(|a, b| (a.seq, &a.path).cmp(&(b.seq, &b.path)));
    // Identical manifests stored twice are duplicates, not forks.
    let mut unique: Vec<ChainLink> = Vec::with_capacity(links.len());
    let mut first_path: std::collections::HashMap<Digest, PathBuf> =
        std::collections::HashMap::new();
    for link in links {
        if let Some(same) = first_path.get(&link.digest) {
            let message = format!("the same manifest as {}", same.display());
            report
                .problems
                .push(problem(&link.path, ProblemKind::Duplicate, message));
        } else {
            first_path.insert(link.digest, link.path.clone());
            unique.push(link);
        }
    }
    let mut by_seq: BTreeMap<u64, Vec<&ChainLink>> = BTreeMap::new();
    for link in &unique {
        by_seq.entry(link.seq).or_default().push(link);
    }
    let mut expected = 1;
    let mut previous: Option<&Vec<&ChainLink>> = None;
    for (&seq, here) in &by_seq {
        if seq > expected {
            let missing = if seq - expected == 1 {
                format!("{expected}")
            } else {
                format!("{expected} to {}", seq - 1)
            };
            report.problems.push(problem(
                &here[0].path,
                ProblemKind::ChainGap,
                format!(
                    "{issuer:?} has no manifest with seq {missing} before this one (seq {seq})"
                ),
            ));
        }
        if here.len() > 1 {
            for link in here {
                report.problems.push(problem(
                    &link.path,
                    ProblemKind::ChainFork,
                    format!(
                        "{issuer:?} has {} different manifests with seq {seq}",
                        here.len()
                    ),
                ));
            }
        }
        if let Some(prev_links) = previous.filter(|_| seq == expected) {
            for link in here {
                if !prev_links.iter().any(|p| Some(p.digest) == link.prev) {
                    report.problems.push(problem(
                        &link.path,
                        ProblemKind::ChainBroken,
                        format!("its prev does not name {issuer:?}'s manifest with seq {}: history was rewritten", seq - 1),
                    ));
                }
            }
        }
        previous = Some(here);
        expected = seq + 1;
    }
}
