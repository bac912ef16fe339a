//! Heads known from outside the archive (docs/SPEC.md §5.4): remembered from an earlier audit of the
//! same archive, or obtained out of band (`--expect-head`). An archive that now ends earlier, or has
//! lost an issuer, is a `rollback`; another manifest at a known position is a `head_mismatch`.

use std::collections::BTreeMap;

use crate::archive::state::{Position, SeenHeads};
use crate::digest::Digest;
use crate::keys::TrustStore;
use crate::report::{AuditProblem, AuditReport, HeadCheck, HeadOutcome, HeadSource, ProblemKind};

/// A head of an issuer's chain known from outside the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownHead {
    /// The issuer.
    pub issuer: String,
    /// Its position and manifest digest.
    pub position: Position,
    /// Where it is known from.
    pub source: HeadSource,
}

/// Compare each issuer's chain with the heads known from elsewhere: `rollback` when it ends earlier
/// (or is gone), `head_mismatch` when another manifest (or none) holds the known position.
///
/// A remembered head of an issuer the trust store does not trust (an audit with another `--keys`) is
/// not checked: its chain cannot be told from an impostor's here. Expected heads are always checked.
pub(super) fn check_known_heads(
    known: &[KnownHead],
    trust: &TrustStore,
    chains: &BTreeMap<String, Vec<(u64, Digest)>>,
    report: &mut AuditReport,
) {
    let trusted = |issuer: &str| trust.keys().any(|k| k.key.issuer == issuer);
    for k in known {
        if k.source == HeadSource::Remembered && !trusted(&k.issuer) {
            continue;
        }
        let links = chains.get(&k.issuer).map(Vec::as_slice).unwrap_or(&[]);
        let latest = links.iter().map(|l| l.0).max();
        let at_known: Vec<Digest> = links
            .iter()
            .filter(|l| l.0 == k.position.seq)
            .map(|l| l.1)
            .collect();
        let outcome = match latest {
            None => HeadOutcome::Lost,
            Some(latest) if latest < k.position.seq => HeadOutcome::Rollback,
            _ if !at_known.contains(&k.position.digest) || at_known.len() > 1 => {
                HeadOutcome::Mismatch
            }
            Some(latest) if latest == k.position.seq => HeadOutcome::Same,
            Some(_) => HeadOutcome::Extends,
        };
        let whence = match k.source {
            HeadSource::Remembered => "an earlier audit of this archive saw",
            HeadSource::Expected => "--expect-head says",
        };
        let known_text = format!("seq {} ({})", k.position.seq, k.position.digest);
        let message = match outcome {
            HeadOutcome::Lost => Some((ProblemKind::Rollback, format!(
                "{:?} has no trusted manifest in the archive, but {whence} its head at {known_text}: its manifests were deleted or hidden. Restore them from a good copy of the archive",
                k.issuer
            ))),
            HeadOutcome::Rollback => Some((ProblemKind::Rollback, format!(
                "{:?}'s chain ends at seq {}, but {whence} its head at {known_text}: the newest manifests were deleted or hidden. Restore them from a good copy of the archive",
                k.issuer,
                latest.unwrap_or_default()
            ))),
            HeadOutcome::Mismatch => Some((ProblemKind::HeadMismatch, format!(
                "{whence} {:?}'s manifest at {known_text}, but the archive holds {} at that position: history was rewritten, or the known head is wrong",
                k.issuer,
                if at_known.is_empty() { "none".to_string() } else { at_known.iter().map(Digest::to_string).collect::<Vec<_>>().join(", ") }
            ))),
            HeadOutcome::Same | HeadOutcome::Extends => None,
        };
        if let Some((kind, message)) = message {
            report.problems.push(AuditProblem {
                path: report.archive.clone(),
                kind,
                message,
            });
        }
        report.head_checks.push(HeadCheck {
            issuer: k.issuer.clone(),
            seq: k.position.seq,
            digest: k.position.digest.to_string(),
            source: k.source,
            outcome,
        });
    }
}

/// The heads remembered from an earlier audit, as known heads to check.
pub fn remembered_heads(seen: &SeenHeads) -> Vec<KnownHead> {
    seen.heads
        .iter()
        .map(|(issuer, position)| KnownHead {
            issuer: issuer.clone(),
            position: *position,
            source: HeadSource::Remembered,
        })
        .collect()
}

/// Why an expected head could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ExpectedHeadError {
    /// Not `ISSUER=SEQ:DIGEST`.
    #[error("expected ISSUER=SEQ:DIGEST")]
    Shape,
    /// The sequence number is not a positive integer.
    #[error("the sequence number is not a positive integer")]
    Seq,
    /// The digest is not `sha256:` and 64 hex digits.
    #[error("the digest is not sha256: followed by 64 hex digits")]
    Digest,
}

/// Parse `ISSUER=SEQ:DIGEST` (the issuer may contain `=`: the last `=` separates it).
pub fn parse_expected_head(text: &str) -> Result<KnownHead, ExpectedHeadError> {
    let (issuer, rest) = text.rsplit_once('=').ok_or(ExpectedHeadError::Shape)?;
    let (seq, digest) = rest.split_once(':').ok_or(ExpectedHeadError::Shape)?;
    if issuer.is_empty() {
        return Err(ExpectedHeadError::Shape);
    }
    let seq: u64 = seq
        .parse()
        .ok()
        .filter(|s| *s > 0)
        .ok_or(ExpectedHeadError::Seq)?;
    let digest: Digest = digest.parse().map_err(|_| ExpectedHeadError::Digest)?;
    Ok(KnownHead {
        issuer: issuer.to_string(),
        position: Position { seq, digest },
        source: HeadSource::Expected,
    })
}

/// Parse a file of expected heads: one `ISSUER=SEQ:DIGEST` per line; empty lines and lines starting
/// with `#` (after white space) are skipped. The error gives the 1-based line.
pub fn parse_expected_heads(text: &str) -> Result<Vec<KnownHead>, (usize, ExpectedHeadError)> {
    let mut heads = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        heads.push(parse_expected_head(line).map_err(|e| (n + 1, e))?);
    }
    Ok(heads)
}

/// The heads to remember after `report`: each issuer's head when it extends (or equals) what was
/// remembered, or is new; the remembered head when the archive rolled back, lost the issuer or
/// disagrees with it, so that one audit of a truncated mirror does not make the next one clean.
pub fn heads_to_remember(seen: &SeenHeads, report: &AuditReport) -> SeenHeads {
    let mut heads = seen.heads.clone();
    for summary in &report.issuers {
        let Some(digest) = summary
            .head_digest
            .as_deref()
            .and_then(|d| d.parse::<Digest>().ok())
        else {
            continue;
        };
        let conflict = report.head_checks.iter().any(|c| {
            c.issuer == summary.issuer
                && matches!(
                    c.outcome,
                    HeadOutcome::Rollback | HeadOutcome::Lost | HeadOutcome::Mismatch
                )
        });
        if !conflict {
            heads.insert(
                summary.issuer.clone(),
                Position {
                    seq: summary.latest_seq,
                    digest,
                },
            );
        }
    }
    SeenHeads {
        archive: report.archive.clone(),
        heads,
    }
}
