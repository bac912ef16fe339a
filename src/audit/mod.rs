//! Auditing an archive: every manifest and the archive as a whole -> [`AuditReport`]. Pure apart from
//! reading the archive; never prints.
//!
//! Checks, each reported with the manifest's path and a stable kind:
//! `unreadable`/`malformed` (cannot be parsed), `bad_signature` (a signature does not verify),
//! `unknown_key` (valid signature by a key not in the trust store), `not_signed_by_issuer` (no valid
//! signature by a key trusted for the manifest's issuer), `canonical_mismatch` (canonical text vs its
//! digests), `statement_mismatch` (the statement file beside the manifest, or in `--statements`,
//! differs), `statement_missing` (an expected statement file is missing), `misplaced` (the path
//! disagrees with the content), and per issuer, over the manifests its trusted keys signed:
//! `chain_fork`, `chain_gap`, `chain_broken`, `duplicate`, and against heads known from elsewhere
//! (remembered from an earlier audit, or expected): `rollback`, `head_mismatch` (docs/SPEC.md §5.3,
//! §5.4). Entries not read as manifests are listed (`ignored`) with why; warnings name trusted
//! issuers without manifests, look-alike issuer names, dates going backwards and second keys
//! claiming a trusted issuer. Nothing here reads or writes attest's state: the caller passes the
//! remembered heads in ([`Options::known_heads`]) and saves [`heads_to_remember`] after.

mod heads;
mod statements;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use heads::{
    heads_to_remember, parse_expected_head, parse_expected_heads, remembered_heads,
    ExpectedHeadError, KnownHead,
};
use statements::{check_statements, Claim, StatementsDir};

use crate::archive::{self, with_causes, Archive, ArchiveError, FileProblem, Listing, Sniffed};
use crate::digest::Digest;
use crate::fsutil::path_text;
use crate::keys::TrustStore;
use crate::manifest::Manifest;
use crate::report::{
    AuditProblem, AuditReport, IgnoreReason, IgnoredEntry, IssuerSummary, ProblemKind, Warning,
    WarningKind,
};
use crate::trust::{KeyStatus, Standing, Trust};

/// Audit options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A directory holding the statement files of the archive's manifests: every manifest's statement
    /// is then expected there (found by its exact digest), and a missing one is `statement_missing`.
    /// It must be a readable directory.
    pub statements_dir: Option<PathBuf>,
    /// Heads known from elsewhere: remembered from an earlier audit of this archive, or obtained out
    /// of band (`--expect-head`). An archive that ends earlier is a `rollback`, another manifest at
    /// the known position a `head_mismatch`.
    pub known_heads: Vec<KnownHead>,
}

/// Per-manifest warnings of one kind named for one issuer; the rest are counted in one more
/// warning, so that a report of a large archive stays readable (a chain whose dates go back and
/// forth would otherwise warn once per manifest).
pub const WARNINGS_SHOWN: usize = 3;

/// A manifest that its issuer's trusted key signed, for the chain check.
/// Borrows its path from the archive's listing: an archive of 100,000 manifests keeps as many.
struct ChainLink<'a> {
    path: &'a Path,
    seq: u64,
    prev: Option<Digest>,
    digest: Digest,
    /// `YYYY-MM-DD` (checked when the manifest was parsed).
    date: Date,
}

/// A manifest's date (always `YYYY-MM-DD`, SPEC §3.1): compared as text, kept without an
/// allocation.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Date([u8; 10]);

impl Date {
    fn of(m: &Manifest) -> Date {
        let date = m.wire().statement.date.as_bytes();
        // A parsed manifest's date has ten ASCII characters; anything else cannot occur.
        Date(date.try_into().unwrap_or([b'?'; 10]))
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("?")
    }
}

/// Manifests checked in parallel between two progress reports (and the most results held at once
/// before they are folded into the report: small ones, the parsed manifests are dropped as each
/// chunk of [`MAX_SIGNATURE_CHUNK`] is done). Several chunks per core, so that a core that was
/// held up does not leave the other waiting long.
const BATCH: usize = 8 * MAX_SIGNATURE_CHUNK;

/// What checking one manifest file found.
struct FileResult<'a> {
    problems: Vec<AuditProblem>,
    /// Issuer and seq, when the file parsed.
    identity: Option<(String, u64)>,
    /// Set when the manifest's issuer validly signed it: its place in the chain.
    link: Option<ChainLink<'a>>,
    /// The statement file it names, when it parsed.
    claim: Option<Claim<'a>>,
    /// When it did not parse: whether its content is JSON of another kind (then it is not a
    /// manifest at all).
    other_json: bool,
    /// Warnings about it.
    warnings: Vec<Warning>,
    /// Its places in its co-signers' chains (a joint manifest, docs/SPEC.md §3.5).
    cosigned: Vec<(String, ChainLink<'a>)>,
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
    let statements = match &options.statements_dir {
        Some(dir) => Some(StatementsDir::index(dir)?),
        None => None,
    };
    // The listing of a full walk (never the index: audit checks the archive as it is) and the
    // key record files it met.
    let mut catalog = archive.walked_catalog()?;
    let records_known = crate::archive::KnownRecords::of(archive, &mut catalog);
    let Listing {
        files,
        problems: load_problems,
        ignored,
    } = std::mem::take(&mut catalog.listing);
    if files.is_empty() && load_problems.is_empty() {
        // Fail closed: an empty archive is more likely a wrong path than a clean archive.
        return Err(ArchiveError::Empty {
            path: archive.name(),
        });
    }
    let mut report = AuditReport {
        archive: archive.name(),
        manifests: 0,
        valid: 0,
        statements_checked: 0,
        issuers: Vec::new(),
        problems: Vec::new(),
        head_checks: Vec::new(),
        ignored: ignored
            .into_iter()
            .map(|i| IgnoredEntry {
                path: path_text(&i.path),
                reason: i.reason,
            })
            .collect(),
        warnings: Vec::new(),
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
    let (records, record_issues) = Trust::load(trust, Some(records_known.archive()));
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
    let mut chains: BTreeMap<String, Vec<ChainLink<'_>>> = BTreeMap::new();
    let mut parsed: Vec<&Path> = Vec::with_capacity(files.len());
    let mut claims: Vec<Claim<'_>> = Vec::with_capacity(files.len());
    let mut unparsed: Vec<(PathBuf, Vec<AuditProblem>, bool)> = Vec::new();
    let mut issuers_seen: BTreeSet<String> = BTreeSet::new();
    // How often each kind of per-manifest warning was given for each issuer.
    let mut repeated: HashMap<(WarningKind, String), usize> = HashMap::new();
    let mut repeated_order: Vec<(WarningKind, String)> = Vec::new();

    for (batch_index, batch) in files.chunks(BATCH).enumerate() {
        progress(batch_index * BATCH, files.len());
        // Each chunk is read, its signatures checked in one batch, and its manifests checked, by
        // one task: no core waits for the other between the three, and only the chunks being
        // worked on hold parsed manifests.
        let chunk = batch
            .len()
            .div_ceil(rayon::current_num_threads())
            .clamp(MIN_SIGNATURE_CHUNK, MAX_SIGNATURE_CHUNK);
        let results: Vec<Vec<FileResult>> = batch
            .par_chunks(chunk)
            .map(|chunk| check_chunk(archive, chunk, &records))
            .collect();
        for (path, result) in batch.iter().zip(results.into_iter().flatten()) {
            claims.extend(result.claim);
            if let Some((issuer, _)) = &result.identity {
                for warning in result.warnings {
                    let seen = repeated
                        .entry((warning.kind, issuer.clone()))
                        .or_insert_with_key(|key| {
                            repeated_order.push(key.clone());
                            0
                        });
                    *seen += 1;
                    if *seen <= WARNINGS_SHOWN {
                        report.warnings.push(warning);
                    }
                }
            } else {
                report.warnings.extend(result.warnings);
            }
            match result.identity {
                Some((issuer, _seq)) => {
                    report.problems.extend(result.problems);
                    parsed.push(path);
                    if !issuers_seen.contains(&issuer) {
                        issuers_seen.insert(issuer.clone());
                    }
                    // The summary counts only manifests a trusted key of their issuer signed, so
                    // an impostor's files (reported as problems) cannot inflate an issuer's chain.
                    if let Some(link) = result.link {
                        match chains.get_mut(&issuer) {
                            Some(links) => links.push(link),
                            None => {
                                chains.insert(issuer, vec![link]);
                            }
                        }
                    }
                    // A joint statement is a link of each co-signer's chain too.
                    for (cosigner, link) in result.cosigned {
                        issuers_seen.insert(cosigner.clone());
                        chains.entry(cosigner).or_default().push(link);
                    }
                }
                None => unparsed.push((path.clone(), result.problems, result.other_json)),
            }
        }
    }
    progress(files.len(), files.len());
    for (kind, issuer) in repeated_order {
        let count = repeated[&(kind, issuer.clone())];
        if count > WARNINGS_SHOWN {
            let listed = if kind == WarningKind::SecondKeyClaimsIssuer {
                ", and each is listed among the problems as unknown_key"
            } else {
                ""
            };
            report.warnings.push(Warning {
                kind,
                message: format!(
                    "{issuer:?}: {} more manifests with this warning ({count} in all; the first {WARNINGS_SHOWN} are named above{listed})",
                    count - WARNINGS_SHOWN
                ),
            });
        }
    }

    // A `.json` file that did not parse is a statement file when a manifest beside it names it,
    // and not a manifest when it is JSON of another format; otherwise it is a damaged manifest.
    // Only needed when some entry may be a statement file: most archives have none.
    let candidates = !unparsed.is_empty()
        || report
            .ignored
            .iter()
            .any(|e| e.reason == IgnoreReason::NotAManifest);
    let beside: HashSet<PathBuf> = if candidates {
        claims
            .iter()
            .filter_map(|c| archive.statement_beside(c.manifest, &c.file_name))
            .collect()
    } else {
        HashSet::new()
    };
    // Statement files kept beside their manifests are named as such among the ignored entries.
    let beside_text: HashSet<String> = beside.iter().map(|p| path_text(p)).collect();
    for entry in &mut report.ignored {
        if entry.reason == IgnoreReason::NotAManifest && beside_text.contains(&entry.path) {
            entry.reason = IgnoreReason::Statement;
        }
    }
    let mut not_manifests = 0;
    for (path, problems, other_json) in unparsed {
        not_manifests += usize::from(beside.contains(&path) || other_json);
        if beside.contains(&path) {
            report.ignored.push(IgnoredEntry {
                path: path_text(&path),
                reason: IgnoreReason::Statement,
            });
        } else if other_json {
            report.ignored.push(IgnoredEntry {
                path: path_text(&path),
                reason: IgnoreReason::OtherFormat,
            });
        } else {
            report.problems.extend(problems);
        }
    }
    report.manifests = files.len() - not_manifests;
    check_statements(archive, &claims, statements.as_ref(), &mut report);

    let mut heads: BTreeMap<String, Vec<(u64, Digest)>> = BTreeMap::new();
    for (issuer, links) in chains {
        let summary = check_chain(&issuer, links, &mut report, &mut heads);
        report.issuers.push(summary);
    }
    heads::check_known_heads(&options.known_heads, trust, &heads, &mut report);
    warn_about_issuers(trust, &issuers_seen, &mut report);

    let with_problems: HashSet<&str> = report.problems.iter().map(|p| p.path.as_str()).collect();
    let valid = parsed
        .iter()
        .filter(|p| !with_problems.contains(path_text(p).as_str()))
        .count();
    report.valid = valid;
    report
        .problems
        .sort_by(|a, b| (&a.path, &a.kind).cmp(&(&b.path, &b.kind)));
    report.ignored.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

/// Read a chunk of manifest files, check their signatures in one batch
/// ([`crate::manifest::verify_batch`]: exactly `verify_strict`'s verdicts, docs/SPEC.md §3.3), and
/// check each manifest (the trust decision reads the results the manifests keep).
fn check_chunk<'a>(
    archive: &dyn Archive,
    chunk: &'a [PathBuf],
    records: &Trust<'_>,
) -> Vec<FileResult<'a>> {
    let mut read: Vec<Result<Manifest, Box<FileResult<'a>>>> =
        chunk.iter().map(|path| read_file(archive, path)).collect();
    let mut manifests: Vec<&mut Manifest> =
        read.iter_mut().filter_map(|r| r.as_mut().ok()).collect();
    crate::manifest::verify_batch(&mut manifests);
    chunk
        .iter()
        .zip(read)
        .map(|(path, read)| match read {
            Ok(manifest) => check_file(archive, path, &manifest, records),
            Err(unreadable) => *unreadable,
        })
        .collect()
}

/// Fewest manifests whose signatures are checked in one batch: each batch costs a fixed 128 point
/// checks (docs/SPEC.md §3.3), so small ones would not pay.
const MIN_SIGNATURE_CHUNK: usize = 256;

/// Most manifests read and checked by one task: their signatures make one batch, whose fixed
/// cost is then a small part of its 4096 signatures' (docs/SPEC.md §3.3), and the parsed
/// manifests of a task in flight per core take about 20 MB.
const MAX_SIGNATURE_CHUNK: usize = 4096;

/// Read and parse one manifest file; what to report when that fails.
fn read_file<'a>(archive: &dyn Archive, path: &'a Path) -> Result<Manifest, Box<FileResult<'a>>> {
    match archive::read_entry(archive, path) {
        Ok(m) => Ok(m),
        Err(file_problem) => {
            let kind = problem_kind(&file_problem);
            let other_json = matches!(file_problem, FileProblem::Malformed(_))
                && archive
                    .read(path)
                    .is_ok_and(|b| archive::sniff_bytes(&b) == Sniffed::OtherJson);
            Err(Box::new(FileResult {
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
                claim: None,
                other_json,
                warnings: Vec::new(),
                cosigned: Vec::new(),
            }))
        }
    }
}

/// Check one parsed manifest on its own (everything but the chain and the statement files).
fn check_file<'a>(
    archive: &dyn Archive,
    path: &'a Path,
    manifest: &Manifest,
    trust: &Trust<'_>,
) -> FileResult<'a> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let issuer_signed = check_manifest(path, manifest, trust, &mut problems, &mut warnings);
    if let Some(root) = archive.layout_root() {
        check_place(root, path, manifest, &mut problems);
    }
    let cosigned = check_cosigners(path, manifest, trust, &mut problems);
    let wire = manifest.wire();
    FileResult {
        problems,
        identity: Some((manifest.issuer().to_string(), manifest.seq())),
        link: issuer_signed.then(|| ChainLink {
            path,
            seq: manifest.seq(),
            prev: manifest.prev(),
            digest: manifest.digest(),
            date: Date::of(manifest),
        }),
        claim: Some(Claim {
            manifest: path,
            file_name: wire.statement.file_name.clone(),
            exact: wire.statement.exact_digest,
            canonical: wire.canonical.digest,
        }),
        other_json: false,
        warnings,
        cosigned,
    }
}

/// The co-signers of a joint manifest (docs/SPEC.md §3.5), kept apart from the signature checks
/// of [`check_manifest`]: `missing_cosignature` for each named co-signer whose key left no
/// signature on it, `unnamed_cosigner` for each valid signature by a key trusted for an issuer it
/// does not name, and the manifest's place in the chain of each co-signer whose named key validly
/// co-signed it and stands as trusted at the named position (so that `check_chain` checks every
/// co-signer's chain). Bad, unknown and revoked co-signatures are reported by `check_manifest`.
fn check_cosigners<'a>(
    path: &'a Path,
    m: &Manifest,
    trust: &Trust<'_>,
    problems: &mut Vec<AuditProblem>,
) -> Vec<(String, ChainLink<'a>)> {
    // An ordinary manifest with one signature has no co-signature to judge (a lone signature by
    // another issuer's key is `not_signed_by_issuer`): do not verify it a second time.
    if m.cosigners().is_empty() && m.signatures().len() < 2 {
        return Vec::new();
    }
    let checks = trust.check(m);
    for (key_id, issuer) in Trust::unnamed_cosignatures(&checks) {
        problems.push(problem(
            path,
            ProblemKind::UnnamedCosigner,
            format!(
                "signed by key {key_id} of {issuer:?}, which the manifest does not name as a co-signer: the signature was added after signing and is not counted; remove it"
            ),
        ));
    }
    if m.cosigners().is_empty() {
        return Vec::new();
    }
    for c in m.missing_cosigners() {
        problems.push(problem(
            path,
            ProblemKind::MissingCosignature,
            format!(
                "the joint statement names {:?} (key {}) as a co-signer, but its co-signature is not on it: it was removed, or never added (attest cosign)",
                c.issuer, c.key_id
            ),
        ));
    }
    m.cosigners()
        .iter()
        .filter(|c| {
            checks.iter().any(|k| {
                k.key_id == c.key_id
                    && matches!(&k.status, KeyStatus::Of { issuer, standing: Standing::Trusted { .. } } if *issuer == c.issuer)
            })
        })
        .map(|c| {
            (
                c.issuer.clone(),
                ChainLink {
                    path,
                    seq: c.seq,
                    prev: c.prev,
                    digest: m.digest(),
                    date: Date::of(m),
                },
            )
        })
        .collect()
}

/// `misplaced`: a manifest whose path disagrees with its content. Every manifest must be named
/// `*.json` (lower case) and not hidden; one named the way `sign` names them
/// (`<issuer slug>/<seq>-…json`) must sit in its issuer's folder with its own sequence number.
fn check_place(root: &Path, path: &Path, m: &Manifest, problems: &mut Vec<AuditProblem>) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut wrong = Vec::new();
    if name.starts_with('.') || path.extension().is_none_or(|e| e != "json") {
        wrong.push(format!(
            "it is named {}, but a manifest is named *.json and is not hidden",
            path_text(Path::new(&name))
        ));
    }
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    let laid_out = digits.len() >= 6 && name[digits.len()..].starts_with('-');
    if laid_out {
        if digits.parse::<u64>().ok() != Some(m.seq()) {
            wrong.push(format!(
                "its name says seq {digits}, but it is seq {}",
                m.seq()
            ));
        }
        let folder = archive::issuer_folder(m.issuer());
        let expected = root.join(&folder);
        if path.parent() != Some(expected.as_path()) {
            wrong.push(format!(
                "it is a manifest of {:?}, whose folder is {}",
                m.issuer(),
                path_text(&expected)
            ));
        }
    }
    if !wrong.is_empty() {
        problems.push(problem(
            path,
            ProblemKind::Misplaced,
            format!(
                "{}; a mirror may have moved or renamed it. Compare with a good copy of the archive",
                wrong.join("; ")
            ),
        ));
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

pub(super) fn problem(path: &Path, kind: ProblemKind, message: String) -> AuditProblem {
    AuditProblem {
        path: path_text(path),
        kind,
        message,
    }
}

/// Check signatures, trust and content of one manifest; returns whether its issuer validly signed
/// it (so that it takes part in the chain check).
fn check_manifest(
    path: &Path,
    m: &Manifest,
    trust: &Trust<'_>,
    problems: &mut Vec<AuditProblem>,
    warnings: &mut Vec<Warning>,
) -> bool {
    let assessment = trust.assess(m);
    // Keys the trust store already holds for the issuer this manifest claims: an unknown key
    // claiming the same name is more likely an impostor's than a new key of the issuer. Listed
    // only for an unknown key (listing sorts the whole store: not once per manifest).
    let issuer_keys = || -> Vec<String> {
        trust
            .store()
            .keys()
            .filter(|k| k.key.issuer == m.issuer())
            .map(|k| k.key.key_id.to_string())
            .collect()
    };
    for check in &assessment.checks {
        let issuer_keys = match &check.status {
            KeyStatus::Unknown => issuer_keys(),
            _ => Vec::new(),
        };
        match &check.status {
            KeyStatus::Invalid => problems.push(problem(
                path,
                ProblemKind::BadSignature,
                format!(
                    "the signature by key {} does not verify: the manifest was altered after signing",
                    check.key_id
                ),
            )),
            KeyStatus::Unknown if !issuer_keys.is_empty() => {
                let message = format!(
                    "signed by key {} which is not in the trust store. {:?} already has trusted key {}; a second key claiming the name is more likely an impostor. Do not add it unless the issuer confirms it, outside attest and not through this archive, as a new key of theirs",
                    check.key_id,
                    m.issuer(),
                    issuer_keys.join(", ")
                );
                warnings.push(Warning {
                    kind: WarningKind::SecondKeyClaimsIssuer,
                    message: format!("{}: {message}", path_text(path)),
                });
                problems.push(problem(path, ProblemKind::UnknownKey, message));
            }
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
                    // A co-signer's key is judged at the place in its own chain (SPEC §3.5).
                    m.position_of(issuer).map_or(m.seq(), |p| p.0)
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
    assessment.issuer_signed
}

/// Check one issuer's chain (the manifests its trusted keys signed), record its head, and sum it
/// up. A manifest stored twice counts once.
fn check_chain(
    issuer: &str,
    mut links: Vec<ChainLink<'_>>,
    report: &mut AuditReport,
    heads: &mut BTreeMap<String, Vec<(u64, Digest)>>,
) -> IssuerSummary {
    links.sort_by(|a, b| (a.seq, a.path).cmp(&(b.seq, b.path)));
    // Identical manifests stored twice are duplicates, not forks.
    let mut unique: Vec<ChainLink<'_>> = Vec::with_capacity(links.len());
    let mut first_path: HashMap<Digest, &Path> = HashMap::with_capacity(links.len());
    for link in links {
        if let Some(same) = first_path.get(&link.digest) {
            let message = format!("the same manifest as {}", path_text(same));
            report
                .problems
                .push(problem(link.path, ProblemKind::Duplicate, message));
        } else {
            first_path.insert(link.digest, link.path);
            unique.push(link);
        }
    }
    // The links of each seq, in seq order (`unique` is sorted by seq).
    let by_seq: Vec<&[ChainLink<'_>]> = unique.chunk_by(|a, b| a.seq == b.seq).collect();
    let mut expected = 1;
    let mut previous: Option<&[ChainLink<'_>]> = None;
    // Manifests dated before their predecessor: the first few are named, the rest counted.
    let mut backwards = 0usize;
    for &here in &by_seq {
        let seq = here[0].seq;
        if seq > expected {
            let missing = if seq - expected == 1 {
                format!("{expected}")
            } else {
                format!("{expected} to {}", seq - 1)
            };
            report.problems.push(problem(
                here[0].path,
                ProblemKind::ChainGap,
                format!(
                    "{issuer:?} has no manifest with seq {missing} before this one (seq {seq})"
                ),
            ));
        }
        if here.len() > 1 {
            for link in here {
                report.problems.push(problem(
                    link.path,
                    ProblemKind::ChainFork,
                    format!(
                        "{issuer:?} has {} different manifests with seq {seq}",
                        here.len()
                    ),
                ));
            }
        }
        if let Some(prev_links) = previous {
            // Dates are what the signer wrote (SPEC §3.1), so going backwards is a warning, not a
            // problem: a mistyped date, or a statement signed out of order.
            let latest_before = prev_links.iter().map(|l| l.date).max();
            for link in here {
                if latest_before.is_some_and(|d| link.date < d) {
                    backwards += 1;
                    if backwards > WARNINGS_SHOWN {
                        continue;
                    }
                    report.warnings.push(Warning {
                        kind: WarningKind::DateBackwards,
                        message: format!(
                            "{}: {issuer:?}'s manifest with seq {seq} is dated {}, before its predecessor's {}",
                            path_text(link.path),
                            link.date.as_str(),
                            latest_before.as_ref().map_or("", Date::as_str)
                        ),
                    });
                }
            }
        }
        if let Some(prev_links) = previous.filter(|_| seq == expected) {
            for link in here {
                if !prev_links.iter().any(|p| Some(p.digest) == link.prev) {
                    report.problems.push(problem(
                        link.path,
                        ProblemKind::ChainBroken,
                        format!("its prev does not name {issuer:?}'s manifest with seq {}: history was rewritten", seq - 1),
                    ));
                }
            }
        }
        previous = Some(here);
        expected = seq + 1;
    }
    if backwards > WARNINGS_SHOWN {
        report.warnings.push(Warning {
            kind: WarningKind::DateBackwards,
            message: format!(
                "{issuer:?}: {} more manifests are dated before their predecessor ({backwards} of its {} manifests in all; the first {WARNINGS_SHOWN} are named above). Dates are what the signer wrote: check them with the issuer",
                backwards - WARNINGS_SHOWN,
                unique.len()
            ),
        });
    }
    let (latest_seq, head_links) = by_seq.last().map(|l| (l[0].seq, *l)).unwrap_or((0, &[]));
    let head_digest = match head_links {
        [one] => Some(one.digest.to_string()),
        _ => None,
    };
    heads.insert(
        issuer.to_string(),
        unique.iter().map(|l| (l.seq, l.digest)).collect(),
    );
    IssuerSummary {
        issuer: issuer.to_string(),
        manifests: unique.len(),
        latest_seq,
        head_digest,
    }
}

/// Warnings about issuers: trusted issuers with no manifest in the archive (a deleted folder looks
/// like this), and issuer names that look alike (one may be an impostor's).
fn warn_about_issuers(trust: &TrustStore, seen: &BTreeSet<String>, report: &mut AuditReport) {
    let trusted: BTreeSet<&str> = trust.keys().map(|k| k.key.issuer.as_str()).collect();
    for issuer in &trusted {
        if !report.issuers.iter().any(|i| i.issuer == *issuer) {
            report.warnings.push(Warning {
                kind: WarningKind::IssuerWithoutManifests,
                message: format!(
                    "the trust store trusts {issuer:?}, but the archive holds no manifest it signed; if it should, its folder may have been deleted: compare with a good copy of the archive"
                ),
            });
        }
    }
    let names: BTreeSet<&str> = trusted
        .iter()
        .copied()
        .chain(seen.iter().map(String::as_str))
        .collect();
    for (a, b) in crate::keys::confusable_pairs(names) {
        report.warnings.push(Warning {
            kind: WarningKind::ConfusableIssuers,
            message: format!(
                "the issuer names {a:?} and {b:?} look alike but are different names; one may be an impostor's. Check each key with its issuer, outside attest"
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::MemoryArchive;
    use crate::keys::SecretKey;
    use crate::manifest::{sign_statement, NewStatement};

    /// A chain of `count` manifests of `key`'s issuer, dated by `date(seq)`.
    fn chain(
        key: &SecretKey,
        count: u64,
        date: impl Fn(u64) -> String,
        archive: &mut MemoryArchive,
    ) {
        let mut prev = None;
        for seq in 1..=count {
            let text = format!("Statement {seq} of the Tide Press Collective.\n");
            let c = crate::canon::canonicalize(&text);
            let st = NewStatement {
                bytes: text.as_bytes(),
                canonical: &c,
                title: format!("Statement {seq}"),
                date: date(seq),
                languages: vec!["en".into()],
                file_name: format!("statement-{seq}.txt"),
            };
            let m = sign_statement(key, &st, seq, prev).unwrap();
            prev = Some(m.digest());
            archive.insert(format!("m/{seq:06}.json"), m.to_json());
        }
    }

    fn warnings_of(report: &AuditReport, kind: WarningKind) -> usize {
        report.warnings.iter().filter(|w| w.kind == kind).count()
    }

    /// Issue 9: a chain whose dates go back and forth warned once per manifest (83,000 warnings
    /// for the synthetic 100,000-manifest archive); the first few are named and the rest counted
    /// in one more warning of the same kind, per issuer.
    #[test]
    fn dates_going_backwards_many_times_are_named_a_few_times_then_counted() {
        let key = SecretKey::generate("Tide Press Collective").unwrap();
        let mut trust = TrustStore::default();
        trust.add(key.public(), "k.pub".into()).unwrap();
        let mut archive = MemoryArchive::new("memory");
        // Every second manifest is dated before its predecessor: 10 backwards steps.
        chain(
            &key,
            21,
            |seq| format!("2026-0{}-01", if seq % 2 == 0 { 1 } else { 2 }),
            &mut archive,
        );
        let report = audit(&archive, &trust, &Options::default(), &mut |_, _| {}).unwrap();
        assert!(report.is_clean());
        assert_eq!(
            warnings_of(&report, WarningKind::DateBackwards),
            WARNINGS_SHOWN + 1
        );
        // As many as are named: no summary.
        let mut archive = MemoryArchive::new("memory");
        chain(
            &key,
            2 * WARNINGS_SHOWN as u64 + 1,
            |seq| format!("2026-0{}-01", if seq % 2 == 0 { 1 } else { 2 }),
            &mut archive,
        );
        let report = audit(&archive, &trust, &Options::default(), &mut |_, _| {}).unwrap();
        assert_eq!(
            warnings_of(&report, WarningKind::DateBackwards),
            WARNINGS_SHOWN
        );
    }

    /// Many manifests by a second key claiming a trusted issuer: each is an `unknown_key` problem,
    /// the warnings name the first few and count the rest.
    #[test]
    fn many_manifests_by_a_second_key_are_each_a_problem_and_warned_about_a_few_times() {
        let trusted = SecretKey::generate("Tide Press Collective").unwrap();
        let impostor = SecretKey::generate("Tide Press Collective").unwrap();
        let mut trust = TrustStore::default();
        trust.add(trusted.public(), "k.pub".into()).unwrap();
        let mut archive = MemoryArchive::new("memory");
        chain(&impostor, 9, |_| "2026-03-01".into(), &mut archive);
        let report = audit(&archive, &trust, &Options::default(), &mut |_, _| {}).unwrap();
        assert_eq!(
            report
                .problems
                .iter()
                .filter(|p| p.kind == ProblemKind::UnknownKey)
                .count(),
            9
        );
        assert_eq!(
            warnings_of(&report, WarningKind::SecondKeyClaimsIssuer),
            WARNINGS_SHOWN + 1
        );
    }

    /// Issue 9: signatures are checked in batches; one altered manifest among 10,000 good ones
    /// (across two steps of files) is still named, as `bad_signature`, and only it.
    #[test]
    fn one_altered_manifest_among_ten_thousand_is_named_by_the_batch_fallback() {
        let key = SecretKey::generate("Lantern Lawyers Group").unwrap();
        let mut trust = TrustStore::default();
        trust.add(key.public(), "k.pub".into()).unwrap();
        let mut archive = MemoryArchive::new("memory");
        let mut prev = None;
        let count = 10_001;
        let altered = 9_234;
        for seq in 1..=count {
            let text = format!("Statement {seq}: release lawyer number {seq}.\n");
            let c = crate::canon::canonicalize(&text);
            let st = NewStatement {
                bytes: text.as_bytes(),
                canonical: &c,
                title: format!("Statement {seq}"),
                date: "2026-11-30".into(),
                languages: vec!["en".into()],
                file_name: format!("statement-{seq}.txt"),
            };
            let m = sign_statement(&key, &st, seq, prev).unwrap();
            prev = Some(m.digest());
            let mut json = m.to_json();
            if seq == altered {
                json = json.replace("\"Statement 9234\"", "\"Statement 9234 (edited)\"");
            }
            archive.insert(format!("m/{seq:06}.json"), json);
        }
        let report = audit(&archive, &trust, &Options::default(), &mut |_, _| {}).unwrap();
        let bad: Vec<&str> = report
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::BadSignature)
            .map(|p| p.path.as_str())
            .collect();
        assert_eq!(bad, vec!["m/009234.json"]);
        assert_eq!(report.manifests, count as usize);
        assert!(report
            .problems
            .iter()
            .all(|p| p.path == "m/009234.json" || p.path == "m/009235.json"));
    }
}
