//! Trust decisions (layer 7): is this signer trusted for this issuer at this chain position?
//!
//! The trust store ([`TrustStore`], layer 4) says which key speaks for which issuer. Key records
//! ([`record`], docs/SPEC.md §3.4) found in the archive and in the trust store directory refine it:
//!
//! - a **revocation** pins a key to its issuer's chain: the key vouches for the manifests with seq up
//!   to `last_valid_seq` N (they stay valid, and are marked "signed by a since-revoked key") and for
//!   nothing after. It is valid when the revoked key itself signed it, or another key of the same
//!   issuer (one the trust store holds for the issuer, or one a key change introduces, whatever its
//!   own standing: a revocation can only take trust away). Two revocations of one key: the lowest N
//!   wins, so a revocation can never be undone;
//! - a **key change** signed by an old key introduces a new key for the same issuer from seq F on.
//!   It is valid when the old key signed it, the old key is trusted for the issuer (directly or
//!   through an earlier valid key change, introduced at or before F) and the old key still vouches
//!   for its last statement before the change, seq F - 1 (not revoked, or F - 1 ≤ its revocation
//!   point N). A key change signed by a revoked key for a position after its revocation point
//!   introduces nothing;
//! - a revoked key's **successors end with it**: a key introduced by a key change from a key
//!   revoked at N is trusted only up to N too, unless every valid revocation of the old key is
//!   signed by that successor. A group that rotated and later loses its old key signs the old key's
//!   revocation with its new key, and keeps it; a thief who writes a back-dated key change to a key
//!   of their own with the seized key gets a key that ends at the group's revocation point.
//!
//! A record that fails its own checks (its signature, its signer's trust) is ignored and listed as a
//! [`RecordIssue`], which audit reports.

mod files;
pub mod record;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;

use crate::archive::{self, Archive, MAX_MANIFEST_BYTES};
use crate::keys::{KeyId, TrustStore};
use crate::manifest::{Manifest, SignatureStatus, TrustAssessment};

pub use files::{record_file_name, records_dir, write_record};
pub use record::{KeyChange, KeyRecord, RecordError, Revocation};

/// Why a key record is ignored.
#[derive(Debug, thiserror::Error)]
pub enum RecordProblem {
    /// The file could not be read (or is too large to be a key record).
    #[error("cannot read it: {0}")]
    Unreadable(String),
    /// Not a valid key record.
    #[error(transparent)]
    Malformed(RecordError),
    /// A signature on it does not verify: it was altered or forged.
    #[error("a signature on it does not verify: the record was altered or forged, and is ignored")]
    BadSignature,
    /// A revocation signed neither by the revoked key nor by another key of its issuer.
    #[error("it is signed neither by the key it revokes nor by another key trusted for {issuer:?}, so it is ignored")]
    UntrustedSigner {
        /// The issuer named in the record.
        issuer: String,
    },
    /// A key change whose old key is not trusted for its issuer (at its position).
    #[error("its old key {old} is not trusted for {issuer:?} at seq {from_seq}, so it introduces nothing")]
    OldKeyNotTrusted {
        /// The issuer.
        issuer: String,
        /// The old key.
        old: KeyId,
        /// The record's `from_seq`.
        from_seq: u64,
    },
    /// A key change signed by a revoked key for a position after its revocation point.
    #[error("its old key {old} is revoked after seq {last_valid}, and a revoked key introduces nothing for seq {from_seq} on")]
    OldKeyRevoked {
        /// The old key.
        old: KeyId,
        /// Its revocation point.
        last_valid: u64,
        /// The record's `from_seq`.
        from_seq: u64,
    },
    /// A key change to a key that the trust store holds for another issuer.
    #[error("its new key {new} is trusted for {other:?}, and a key speaks for one issuer only, so it introduces nothing")]
    NewKeyOfAnotherIssuer {
        /// The new key.
        new: KeyId,
        /// The issuer the store trusts it for.
        other: String,
    },
}

impl RecordProblem {
    /// A stable snake_case name.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordProblem::Unreadable(_) => "unreadable",
            RecordProblem::Malformed(e) => e.kind(),
            RecordProblem::BadSignature => "bad_signature",
            RecordProblem::UntrustedSigner { .. } => "untrusted_signer",
            RecordProblem::OldKeyNotTrusted { .. } => "old_key_not_trusted",
            RecordProblem::OldKeyRevoked { .. } => "old_key_revoked",
            RecordProblem::NewKeyOfAnotherIssuer { .. } => "new_key_of_another_issuer",
        }
    }
}

/// A key record file that is ignored, and why.
#[derive(Debug)]
pub struct RecordIssue {
    /// The file.
    pub path: PathBuf,
    /// Why it is ignored.
    pub problem: RecordProblem,
}

/// How a key came to be trusted through a key-change record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Introduction {
    /// The new key (its 32 bytes).
    pub key: [u8; 32],
    /// The first seq it signs.
    pub from_seq: u64,
    /// The old key that introduced it.
    pub by: KeyId,
}

/// Where a key stands for an issuer at one position of its chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Not trusted for the issuer at all.
    Untrusted,
    /// Trusted for the issuer at this position.
    Trusted {
        /// Set when a key-change record introduced the key.
        introduced: Option<Introduction>,
        /// Set when the key is revoked after this position (seq ≤ N): "since revoked".
        since_revoked: Option<u64>,
    },
    /// Revoked: the position is after its revocation point N.
    Revoked {
        /// The last seq it vouches for.
        last_valid: u64,
        /// Set when the key took the point from the revoked key that introduced it (§3.4.3, "successors
        /// end with their key").
        ended_with: Option<KeyId>,
    },
    /// Introduced by a key change from a later seq than this position.
    BeforeKeyChange {
        /// The first seq it signs.
        from_seq: u64,
    },
}

/// What one signature of a manifest is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStatus {
    /// The signature does not verify.
    Invalid,
    /// Valid, by a key not trusted for any issuer.
    Unknown,
    /// Valid, by a key of `issuer`, standing as `standing` at this manifest's position.
    Of {
        /// The issuer the key speaks for.
        issuer: String,
        /// Its standing (never [`Standing::Untrusted`]).
        standing: Standing,
    },
}

/// One signature's check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCheck {
    /// The signing key.
    pub key_id: KeyId,
    /// What it is worth.
    pub status: KeyStatus,
}

/// Something a reader should know about a trusted signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyNote {
    /// Signed by a key revoked after this manifest's position.
    SinceRevoked {
        /// The key.
        key_id: KeyId,
        /// Its revocation point.
        last_valid: u64,
    },
    /// Signed by a key that a key-change record introduced.
    Introduced {
        /// The key.
        key_id: KeyId,
        /// The first seq it signs.
        from_seq: u64,
        /// The old key that introduced it.
        by: KeyId,
    },
}

impl KeyNote {
    /// A sentence for people.
    pub fn message(&self) -> String {
        match self {
            KeyNote::SinceRevoked { key_id, last_valid } => format!(
                "signed by a since-revoked key: key {key_id} was revoked after seq {last_valid}; statements up to that point stay valid"
            ),
            KeyNote::Introduced {
                key_id,
                from_seq,
                by,
            } => format!(
                "key introduced by a key-change record at seq {from_seq}: key {key_id} took over from key {by}"
            ),
        }
    }
}

/// The trust verdict on a manifest, with what each signature is worth and the notes for readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Who validly signed it, and whether its issuer did (as [`Manifest::assess`] gives it).
    pub trust: TrustAssessment,
    /// Each signature.
    pub checks: Vec<KeyCheck>,
    /// Notes on the issuer's trusted signatures.
    pub notes: Vec<KeyNote>,
}

impl Assessment {
    /// The revocation point of the issuer's key that signed it after that point, if any.
    pub fn revoked_after(&self, issuer: &str) -> Option<(KeyId, u64)> {
        self.checks.iter().find_map(|c| match &c.status {
            KeyStatus::Of {
                issuer: i,
                standing: Standing::Revoked { last_valid, .. },
            } if i == issuer => Some((c.key_id, *last_valid)),
            _ => None,
        })
    }
}

/// Why a key that no revocation names has a revocation point, for messages.
pub fn ended_with_text(ended_with: Option<KeyId>) -> String {
    match ended_with {
        Some(old) => format!(
            " (it ends with key {old}, which introduced it and was revoked; it is kept only if every revocation of {old} is signed by this key, SPEC §3.4.3)"
        ),
        None => String::new(),
    }
}

/// The trust store together with the valid key records: the trust decision.
#[derive(Debug, Clone)]
pub struct Trust<'a> {
    store: &'a TrustStore,
    revoked: HashMap<(String, KeyId), u64>,
    /// Keys whose point is their introducer's, not one of their own revocations.
    ended_with: HashMap<(String, KeyId), KeyId>,
    introduced: HashMap<(String, KeyId), Introduction>,
}

/// Read the key record files of `archive` and of the trust store's directory.
fn read_records(
    store: &TrustStore,
    archive: Option<&dyn Archive>,
    issues: &mut Vec<RecordIssue>,
) -> Vec<(PathBuf, KeyRecord)> {
    let mut found: Vec<(PathBuf, Result<Vec<u8>, String>)> = Vec::new();
    if let Some(archive) = archive {
        for path in archive.key_record_files() {
            let bytes = archive.read(&path).map_err(|e| e.to_string());
            found.push((path, bytes));
        }
    }
    if let Some(dir) = store.dir() {
        found.extend(
            record_files_in(dir)
                .into_iter()
                .map(|p| (p.clone(), read_small(&p))),
        );
    }
    let mut records = Vec::new();
    for (path, bytes) in found {
        match bytes.map(|b| KeyRecord::parse(&b)) {
            Ok(Ok(record)) => records.push((path, record)),
            Ok(Err(e)) => issues.push(RecordIssue {
                path,
                problem: RecordProblem::Malformed(e),
            }),
            Err(e) => issues.push(RecordIssue {
                path,
                problem: RecordProblem::Unreadable(e),
            }),
        }
    }
    records
}

/// The key record files directly in `dir` (a trust store: not walked into subdirectories).
fn record_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| archive::is_key_record_file(p) && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn read_small(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(format!(
            "it is {} bytes, larger than any key record",
            meta.len()
        ));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

/// Whether `successor`, introduced by a key with the given valid revocations (each the list of
/// keys that signed it), stays trusted after its introducer's revocation point: only when every
/// revocation of the introducer is signed by the successor itself (and the introducer is not itself
/// capped by the key that introduced it, which the caller checks). The group that rotated to a
/// new key signs the old key's revocation with the new one; a thief's key, introduced by a
/// back-dated key change signed with the seized key, did not sign the group's revocation, and ends
/// at the revocation point with the key that introduced it.
fn successor_kept(revocations: Option<&Vec<Vec<KeyId>>>, successor: &KeyId) -> bool {
    revocations
        .is_some_and(|all| !all.is_empty() && all.iter().all(|signers| signers.contains(successor)))
}

/// The keys that key changes introduce, from the trust store outwards, given revocation points
/// (`revoked`): for each new key, the introduction with the lowest `from_seq` (then the lowest old
/// key id, so that the answer never depends on the order records were found in); which changes
/// hold; and every holding change as an edge (issuer, old key, new key), for the successor rule.
#[allow(clippy::type_complexity)]
fn introductions(
    store: &TrustStore,
    changes: &[(PathBuf, KeyChange)],
    revoked: &HashMap<(String, KeyId), u64>,
) -> (
    HashMap<(String, KeyId), Introduction>,
    Vec<bool>,
    Vec<(String, KeyId, KeyId)>,
) {
    let directly = |issuer: &str, id: &KeyId, key: &VerifyingKey| {
        store
            .get(id)
            .is_some_and(|t| t.key.issuer == issuer && t.key.key == *key)
    };
    let mut introduced: HashMap<(String, KeyId), Introduction> = HashMap::new();
    let mut applied = vec![false; changes.len()];
    // Each pass can only lower an introduction's (from_seq, old key id) or add one, so this ends.
    loop {
        let mut grew = false;
        for (i, (_, c)) in changes.iter().enumerate() {
            let issuer = c.issuer().to_string();
            let old_from = if directly(&issuer, &c.old_id(), c.old()) {
                Some(1)
            } else {
                introduced
                    .get(&(issuer.clone(), c.old_id()))
                    .filter(|i| i.key == c.old().to_bytes())
                    .map(|i| i.from_seq)
            };
            let Some(old_from) = old_from else { continue };
            if c.from_seq() < old_from {
                continue;
            }
            // The old key hands over after its last statement, from_seq - 1, which it must
            // still vouch for.
            if let Some(&point) = revoked.get(&(issuer.clone(), c.old_id())) {
                if c.from_seq() > point.saturating_add(1) {
                    continue;
                }
            }
            if store
                .get(&c.new_id())
                .is_some_and(|t| t.key.issuer != issuer)
            {
                continue;
            }
            if !applied[i] {
                applied[i] = true;
                grew = true;
            }
            if directly(&issuer, &c.new_id(), c.new_key()) {
                continue;
            }
            let candidate = Introduction {
                key: c.new_key().to_bytes(),
                from_seq: c.from_seq(),
                by: c.old_id(),
            };
            let entry = introduced.entry((issuer, c.new_id()));
            match entry {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(candidate);
                    grew = true;
                }
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let known = e.get();
                    if known.key == candidate.key
                        && (candidate.from_seq, candidate.by) < (known.from_seq, known.by)
                    {
                        e.insert(candidate);
                        grew = true;
                    }
                }
            }
        }
        if !grew {
            break;
        }
    }
    let edges = changes
        .iter()
        .zip(&applied)
        .filter(|((_, c), applied)| **applied && !directly(c.issuer(), &c.new_id(), c.new_key()))
        .map(|((_, c), _)| (c.issuer().to_string(), c.old_id(), c.new_id()))
        .collect();
    (introduced, applied, edges)
}

impl<'a> Trust<'a> {
    /// The trust store alone, with no key records.
    pub fn new(store: &'a TrustStore) -> Trust<'a> {
        Trust::with_records(store, Vec::new()).0
    }

    /// The trust store with the key records of `archive` (if given) and of the store's own
    /// directory (if it has one). Also returns the records that are ignored, and why.
    pub fn load(
        store: &'a TrustStore,
        archive: Option<&dyn Archive>,
    ) -> (Trust<'a>, Vec<RecordIssue>) {
        let mut issues = Vec::new();
        let records = read_records(store, archive, &mut issues);
        let (trust, more) = Trust::with_records(store, records);
        issues.extend(more);
        (trust, issues)
    }

    /// The trust store with the given key records (each named by where it came from). Returns the
    /// records that are ignored, and why.
    pub fn with_records(
        store: &'a TrustStore,
        records: Vec<(PathBuf, KeyRecord)>,
    ) -> (Trust<'a>, Vec<RecordIssue>) {
        let mut issues = Vec::new();
        let mut revocations: Vec<(PathBuf, Revocation)> = Vec::new();
        let mut changes: Vec<(PathBuf, KeyChange)> = Vec::new();
        for (path, record) in records {
            match record {
                KeyRecord::Revocation(r) => revocations.push((path, r)),
                KeyRecord::KeyChange(c) => {
                    if c.signed_by_old_key() {
                        changes.push((path, c));
                    } else {
                        issues.push(RecordIssue {
                            path,
                            problem: RecordProblem::BadSignature,
                        });
                    }
                }
            }
        }
        let directly = |issuer: &str, id: &KeyId, key: &VerifyingKey| {
            store
                .get(id)
                .is_some_and(|t| t.key.issuer == issuer && t.key.key == *key)
        };
        // Every key of an issuer, through any chain of key changes whatever the revocations: the
        // keys that may sign a revocation for it.
        let mut family: HashMap<(String, KeyId), VerifyingKey> = HashMap::new();
        loop {
            let before = family.len();
            for (_, c) in &changes {
                let old_known = directly(c.issuer(), &c.old_id(), c.old())
                    || family.get(&(c.issuer().to_string(), c.old_id())) == Some(c.old());
                if old_known {
                    family
                        .entry((c.issuer().to_string(), c.new_id()))
                        .or_insert(*c.new_key());
                }
            }
            if family.len() == before {
                break;
            }
        }
        let of_issuer = |issuer: &str, s: &crate::manifest::SignatureEntry| {
            directly(issuer, &s.key_id, &s.public_key)
                || family.get(&(issuer.to_string(), s.key_id)) == Some(&s.public_key)
        };
        // Valid revocations: the lowest point of each key, and who signed each.
        let mut explicit: HashMap<(String, KeyId), u64> = HashMap::new();
        let mut revokers: HashMap<(String, KeyId), Vec<Vec<KeyId>>> = HashMap::new();
        for (path, r) in revocations {
            let signers: Vec<KeyId> = r
                .signatures()
                .iter()
                .filter(|s| {
                    (s.public_key == *r.key() || of_issuer(r.issuer(), s))
                        && r.signed_by(&s.public_key)
                })
                .map(|s| s.key_id)
                .collect();
            if !signers.is_empty() {
                let at = (r.issuer().to_string(), r.key_id());
                let point = explicit.entry(at.clone()).or_insert(r.last_valid());
                // The lowest point wins: a revocation cannot be undone.
                *point = (*point).min(r.last_valid());
                revokers.entry(at).or_default().push(signers);
                continue;
            }
            let forged = r.signatures().iter().any(|s| !r.signed_by(&s.public_key));
            issues.push(RecordIssue {
                path,
                problem: if forged {
                    RecordProblem::BadSignature
                } else {
                    RecordProblem::UntrustedSigner {
                        issuer: r.issuer().to_string(),
                    }
                },
            });
        }
        changes.sort_by_key(|(p, c)| (c.from_seq(), p.clone()));
        // The key changes that hold given the revocation points, and the points that follow from
        // them, until neither changes: a revoked key's successors end with it (see [`successor_kept`]).
        let mut revoked = explicit.clone();
        let (mut introduced, mut applied, mut edges);
        let mut ended_by: HashMap<(String, KeyId), KeyId>;
        loop {
            (introduced, applied, edges) = introductions(store, &changes, &revoked);
            let mut points = explicit.clone();
            // Keys capped because the key that introduced them is: their own successors can never
            // be kept (a thief's second key change cannot launder a capped key).
            let mut inherited: HashMap<(String, KeyId), KeyId> = HashMap::new();
            // Points only go down and `inherited` only grows, so this ends.
            loop {
                let mut changed = false;
                // Every holding key change counts: a key that any capped introducer hands over
                // to is capped (a denial at worst, never a key that outlives its revocation).
                for (issuer, by, id) in &edges {
                    let old = (issuer.clone(), *by);
                    let Some(&cap) = points.get(&old) else {
                        continue;
                    };
                    if !inherited.contains_key(&old) && successor_kept(revokers.get(&old), id) {
                        continue;
                    }
                    let at = (issuer.clone(), *id);
                    if points.get(&at).is_none_or(|&own| cap < own) {
                        points.insert(at.clone(), cap);
                        changed = true;
                    }
                    match inherited.entry(at) {
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(*by);
                            changed = true;
                        }
                        // Name the same introducer whatever the order (messages only).
                        std::collections::hash_map::Entry::Occupied(mut e) => {
                            if *by < *e.get() {
                                e.insert(*by);
                            }
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            // Points only ever go down from one round to the next, so key changes only ever stop
            // holding, and this ends.
            for (at, &point) in &revoked {
                let p = points.entry(at.clone()).or_insert(point);
                *p = (*p).min(point);
            }
            ended_by = inherited;
            if points == revoked {
                break;
            }
            revoked = points;
        }
        for ((path, c), applied) in changes.into_iter().zip(applied) {
            if applied {
                continue;
            }
            let issuer = c.issuer().to_string();
            let problem =
                if let Some(other) = store.get(&c.new_id()).filter(|t| t.key.issuer != issuer) {
                    RecordProblem::NewKeyOfAnotherIssuer {
                        new: c.new_id(),
                        other: other.key.issuer.clone(),
                    }
                } else {
                    match revoked.get(&(issuer.clone(), c.old_id())) {
                        Some(&last_valid) if c.from_seq() > last_valid => {
                            RecordProblem::OldKeyRevoked {
                                old: c.old_id(),
                                last_valid,
                                from_seq: c.from_seq(),
                            }
                        }
                        _ => RecordProblem::OldKeyNotTrusted {
                            issuer,
                            old: c.old_id(),
                            from_seq: c.from_seq(),
                        },
                    }
                };
            issues.push(RecordIssue { path, problem });
        }
        let ended_with = revoked
            .iter()
            .filter(|(at, point)| explicit.get(at).is_none_or(|own| own > point))
            .filter_map(|(at, _)| ended_by.get(at).map(|by| (at.clone(), *by)))
            .collect();
        let trust = Trust {
            store,
            revoked,
            ended_with,
            introduced,
        };
        (trust, issues)
    }

    /// The trust store.
    pub fn store(&self) -> &'a TrustStore {
        self.store
    }

    /// The revocation point of `key_id` for `issuer`, if a valid revocation names it.
    pub fn revocation_point(&self, issuer: &str, key_id: &KeyId) -> Option<u64> {
        self.revoked.get(&(issuer.to_string(), *key_id)).copied()
    }

    /// How a key change introduced `key_id` for `issuer`, if one did.
    pub fn introduction(&self, issuer: &str, key_id: &KeyId) -> Option<Introduction> {
        self.introduced.get(&(issuer.to_string(), *key_id)).copied()
    }

    /// Whether `key_id` (as written in a manifest, unchecked) names a key trusted for `issuer` in
    /// the store or through a key change: a cheap hint for ranking candidates, never a verdict.
    pub fn names_trusted_key(&self, issuer: &str, key_id: &str) -> bool {
        let Ok(id) = key_id.parse::<KeyId>() else {
            return false;
        };
        self.store.get(&id).is_some_and(|t| t.key.issuer == issuer)
            || self.introduced.contains_key(&(issuer.to_string(), id))
    }

    /// Where `key` stands for `issuer` at position `seq` of its chain.
    pub fn standing(&self, issuer: &str, seq: u64, key: &VerifyingKey) -> Standing {
        let id = KeyId::of(key);
        let direct = self
            .store
            .get(&id)
            .is_some_and(|t| t.key.issuer == issuer && t.key.key == *key);
        let introduced = if direct {
            None
        } else {
            match self
                .introduction(issuer, &id)
                .filter(|i| i.key == key.to_bytes())
            {
                Some(i) => Some(i),
                None => return Standing::Untrusted,
            }
        };
        if let Some(i) = introduced {
            if seq < i.from_seq {
                return Standing::BeforeKeyChange {
                    from_seq: i.from_seq,
                };
            }
        }
        match self.revocation_point(issuer, &id) {
            Some(last_valid) if seq > last_valid => Standing::Revoked {
                last_valid,
                ended_with: self.ended_with.get(&(issuer.to_string(), id)).copied(),
            },
            since_revoked => Standing::Trusted {
                introduced,
                since_revoked,
            },
        }
    }

    /// What each signature of `m` is worth. A signature by a key of another issuer counts only as
    /// the co-signature of a co-signer that `m` names with that key (docs/SPEC.md §3.5), and stands
    /// at the position `m` names in the co-signer's own chain, so a co-signer's revocation is pinned
    /// like its issuer's. A valid signature by a key trusted for an issuer that `m` does not name
    /// stands as [`Standing::Untrusted`] for that issuer: reported, never counted.
    pub fn check(&self, m: &Manifest) -> Vec<KeyCheck> {
        m.check_signatures(self.store)
            .into_iter()
            .zip(m.signatures())
            .map(|(check, entry)| {
                let status = match check.status {
                    SignatureStatus::Invalid => KeyStatus::Invalid,
                    status => {
                        let own = self.standing(m.issuer(), m.seq(), &entry.public_key);
                        let named = m.cosigners().iter().find(|c| c.key_id == check.key_id);
                        match (own, named, status) {
                            (Standing::Untrusted, Some(c), _) => {
                                match self.standing(&c.issuer, c.seq, &entry.public_key) {
                                    Standing::Untrusted => KeyStatus::Unknown,
                                    standing => KeyStatus::Of {
                                        issuer: c.issuer.clone(),
                                        standing,
                                    },
                                }
                            }
                            (Standing::Untrusted, None, SignatureStatus::Trusted { issuer }) => {
                                KeyStatus::Of {
                                    issuer,
                                    standing: Standing::Untrusted,
                                }
                            }
                            (Standing::Untrusted, None, _) => KeyStatus::Unknown,
                            (standing, _, _) => KeyStatus::Of {
                                issuer: m.issuer().to_string(),
                                standing,
                            },
                        }
                    }
                };
                KeyCheck {
                    key_id: check.key_id,
                    status,
                }
            })
            .collect()
    }

    /// The valid signatures on `m` by keys trusted for an issuer that `m` does not name as a
    /// co-signer: `(key id, issuer)`. Never counted (docs/SPEC.md §3.5).
    pub fn unnamed_cosignatures(checks: &[KeyCheck]) -> Vec<(KeyId, String)> {
        checks
            .iter()
            .filter_map(|c| match &c.status {
                KeyStatus::Of {
                    issuer,
                    standing: Standing::Untrusted,
                } => Some((c.key_id, issuer.clone())),
                _ => None,
            })
            .collect()
    }

    /// Assess `m`: trusted when its issuer validly signed it with a key that stands as trusted
    /// for the issuer at the manifest's seq.
    pub fn assess(&self, m: &Manifest) -> Assessment {
        let checks = self.check(m);
        let mut signers: Vec<String> = Vec::new();
        let mut signer_keys: Vec<(String, KeyId)> = Vec::new();
        let mut problems = Vec::new();
        let mut notes = Vec::new();
        for check in &checks {
            let key_id = check.key_id;
            match &check.status {
                KeyStatus::Invalid => problems.push(format!(
                    "the signature by key {key_id} does not verify"
                )),
                KeyStatus::Unknown => problems.push(format!(
                    "signed by key {key_id} which is not in the trust store"
                )),
                KeyStatus::Of { issuer, standing } => match *standing {
                    Standing::Trusted {
                        introduced,
                        since_revoked,
                    } => {
                        signer_keys.push((issuer.clone(), key_id));
                        if !signers.contains(issuer) {
                            signers.push(issuer.clone());
                        }
                        if issuer == m.issuer() {
                            if let Some(i) = introduced {
                                notes.push(KeyNote::Introduced {
                                    key_id,
                                    from_seq: i.from_seq,
                                    by: i.by,
                                });
                            }
                            if let Some(last_valid) = since_revoked {
                                notes.push(KeyNote::SinceRevoked { key_id, last_valid });
                            }
                        }
                    }
                    Standing::Revoked {
                        last_valid,
                        ended_with,
                    } => problems.push(format!(
                        "signed by a revoked key after its revocation point: key {key_id} vouches for {issuer:?} only up to seq {last_valid}{}, and this is seq {}",
                        ended_with_text(ended_with),
                        m.position_of(issuer).map_or(m.seq(), |p| p.0)
                    )),
                    Standing::BeforeKeyChange { from_seq } => problems.push(format!(
                        "signed by key {key_id}, which a key-change record introduces for {issuer:?} only from seq {from_seq}, and this is seq {}",
                        m.seq()
                    )),
                    Standing::Untrusted => problems.push(format!(
                        "signed by key {key_id} of {issuer:?}, which the manifest does not name as a co-signer; the signature is not counted"
                    )),
                },
            }
        }
        let issuer_signed = signers.iter().any(|s| s == m.issuer());
        if !issuer_signed && (problems.is_empty() || !signers.is_empty()) {
            problems.push(format!("no trusted key of {:?} signed it", m.issuer()));
        }
        signers.sort_by_key(|s| s != m.issuer());
        signer_keys.sort_by_key(|(s, _)| s != m.issuer());
        Assessment {
            trust: TrustAssessment {
                signers,
                signer_keys,
                issuer_signed,
                problems,
            },
            checks,
            notes,
        }
    }
}
