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

use crate::archive::{self, ArchiveError};
use crate::digest::Digest;
use crate::input;
use crate::keys::TrustStore;
use crate::manifest::{Manifest, SignatureStatus};
use crate::report::{AuditProblem, AuditReport, IssuerSummary};

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

/// Audit the archive at `root`. `progress(done, total)` is called as manifests are checked.
pub fn audit(
    root: &Path,
    trust: &TrustStore,
    options: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<AuditReport, ArchiveError> {
    let (files, load_problems) = archive::manifest_files(root)?;
    let mut report = AuditReport {
        archive: root.display().to_string(),
        manifests: files.len(),
        valid: 0,
        statements_checked: 0,
        issuers: Vec::new(),
        problems: Vec::new(),
    };
    for p in load_problems {
        report
            .problems
            .push(problem(&p.path, "unreadable", p.message));
    }
    let mut chains: BTreeMap<String, Vec<ChainLink>> = BTreeMap::new();
    let mut counts: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut parsed: Vec<String> = Vec::with_capacity(files.len());

    for (i, path) in files.iter().enumerate() {
        progress(i, files.len());
        let manifest = match archive::read_manifest(path) {
            Ok(m) => m,
            Err(message) => {
                report.problems.push(problem(path, "malformed", message));
                continue;
            }
        };
        parsed.push(path.display().to_string());
        check_manifest(path, &manifest, trust, options, &mut report);
        let count = counts.entry(manifest.issuer().to_string()).or_default();
        count.0 += 1;
        count.1 = count.1.max(manifest.seq());
        if manifest.assess(trust).issuer_signed {
            chains
                .entry(manifest.issuer().to_string())
                .or_default()
                .push(ChainLink {
                    path: path.clone(),
                    seq: manifest.seq(),
                    prev: manifest.prev(),
                    digest: manifest.digest(),
                });
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

fn problem(path: &Path, kind: &str, message: String) -> AuditProblem {
    AuditProblem {
        path: path.display().to_string(),
        kind: kind.into(),
        message,
    }
}

fn check_manifest(
    path: &Path,
    m: &Manifest,
    trust: &TrustStore,
    options: &Options,
    report: &mut AuditReport,
) {
    for check in m.check_signatures(trust) {
        match check.status {
            SignatureStatus::Invalid => report.problems.push(problem(
                path,
                "bad_signature",
                format!("the signature by key {} does not verify: the manifest was altered after signing", check.key_id),
            )),
            SignatureStatus::UnknownKey => report.problems.push(problem(
                path,
                "unknown_key",
                format!(
                    "signed by key {} which is not in the trust store; add the signer's .pub file if you trust it",
                    check.key_id
                ),
            )),
            SignatureStatus::Trusted { .. } => {}
        }
    }
    let assessment = m.assess(trust);
    if !assessment.issuer_signed {
        report.problems.push(problem(
            path,
            "not_signed_by_issuer",
            format!("no valid signature by a key trusted for {:?}", m.issuer()),
        ));
    }
    for p in m.content_problems() {
        report.problems.push(problem(path, "canonical_mismatch", p));
    }
    check_statement_file(path, m, options, report);
}

/// Check the statement file beside the manifest (and in `--statements DIR`), where one exists.
fn check_statement_file(path: &Path, m: &Manifest, options: &Options, report: &mut AuditReport) {
    let name = &m.wire().statement.file_name;
    let mut places: Vec<PathBuf> = Vec::new();
    if let Some(dir) = path.parent() {
        places.push(dir.join(name));
    }
    if let Some(dir) = &options.statements_dir {
        places.push(dir.join(name));
    }
    for place in places.into_iter().filter(|p| p.is_file()) {
        report.statements_checked += 1;
        let bytes = match input::read_bytes(&place) {
            Ok(b) => b,
            Err(e) => {
                report
                    .problems
                    .push(problem(&place, "statement_mismatch", e.to_string()));
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
        report.problems.push(problem(
            &place,
            "statement_mismatch",
            format!("{what}; its manifest is {}", path.display()),
        ));
    }
}

fn check_chain(issuer: &str, mut links: Vec<ChainLink>, report: &mut AuditReport) {
    links.sort_by(|a, b| (a.seq, &a.path).cmp(&(b.seq, &b.path)));
    // Identical manifests stored twice are duplicates, not forks.
    let mut unique: Vec<ChainLink> = Vec::with_capacity(links.len());
    for link in links {
        if let Some(same) = unique.iter().find(|u| u.digest == link.digest) {
            let message = format!("the same manifest as {}", same.path.display());
            report
                .problems
                .push(problem(&link.path, "duplicate", message));
        } else {
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
                "chain_gap",
                format!(
                    "{issuer:?} has no manifest with seq {missing} before this one (seq {seq})"
                ),
            ));
        }
        if here.len() > 1 {
            for link in here {
                report.problems.push(problem(
                    &link.path,
                    "chain_fork",
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
                        "chain_broken",
                        format!("its prev does not name {issuer:?}'s manifest with seq {}: history was rewritten", seq - 1),
                    ));
                }
            }
        }
        previous = Some(here);
        expected = seq + 1;
    }
}
