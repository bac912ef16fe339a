//! Signing a statement: the signing policy as one library call.
//!
//! [`sign`] checks the statement and its metadata, finds the head of the issuer's chain in the
//! archive, signs the next manifest and writes it (into the archive, to a chosen file, or nowhere).
//! Writing into the archive happens under an exclusive lock on the archive
//! ([`crate::archive::lock`]), held from reading the chain head to linking the new manifest into
//! place, so that signers started at the same time take consecutive sequence numbers and never fork
//! the chain. The library never prints and never prompts: warnings are returned as [`SignWarning`]s,
//! and the secret key arrives already loaded.
//!
//! `sign` never forks the chain silently ([`sign_with`], docs/SPEC.md §5.2): it refuses a missing
//! archive unless a new one is asked for, refuses when anything it could not read could hold the
//! issuer's manifests, and, given a state directory, refuses a head that does not extend what the
//! signing key remembers signing last.
//!
//! The chain head is found without parsing the whole archive: only a light header of each manifest is
//! read, and only the head candidates are read and checked in full ([`crate::archive::head`]).
//!
//! A process killed at any moment (SIGKILL included) leaves nothing that `audit` reports: the lock
//! dies with the process, and the manifest is written to a hidden temporary file that is linked into
//! place only when complete ([`crate::fsutil::write_new`]). A killed writer can leave an empty
//! issuer directory or a hidden `.attest-tmp-*` file; both are ignored by the archive walk, and the
//! temporary files are left alone rather than cleaned up, since a process that does not take the
//! archive lock (`keygen`, `sign --out`) may be writing one at that moment.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::archive::head::{self, ChainHead, Header};
use crate::archive::lock::{ArchiveLock, LockError};
use crate::archive::state::{self, LastSigned, StateError};
use crate::archive::{self, Archive, ArchiveError, DirArchive, Listing};
use crate::digest::Digest;
use crate::fsutil::{write_new, WriteError};
use crate::input::{self, InputError};
use crate::keys::{IssuerKey, KeyId, SecretKey, TrustStore};
use crate::manifest::{self, Cosigner, Manifest, ManifestError, NewStatement};

pub use crate::archive::head::SkipReason;

/// Unix permissions of a manifest file.
const MANIFEST_MODE: u32 = 0o644;

/// A statement to sign, and how.
#[derive(Debug, Clone)]
pub struct SignRequest<'a> {
    /// The exact bytes to sign: UTF-8 text (a UTF-8 byte order mark is allowed and recorded).
    pub bytes: &'a [u8],
    /// How to name the statement in errors (a path, or `standard input`).
    pub name: &'a str,
    /// The bare file name recorded in the manifest. Required: a manifest always names its statement
    /// file (docs/SPEC.md §3.1), and a made-up default would give every statement signed from
    /// standard input the same name, so that audit compared each with the others' files.
    pub file_name: Option<String>,
    /// The title; the file name without its extension when `None`. Surrounding spaces are trimmed.
    pub title: Option<String>,
    /// The date, `YYYY-MM-DD`; today (UTC) when `None`.
    pub date: Option<String>,
    /// Language tags; guessed from the scripts used when empty.
    pub languages: Vec<String>,
    /// Sign even though the text contains bidirectional controls or other invisible characters.
    pub allow_suspicious: bool,
    /// Where the manifest goes.
    pub destination: Destination,
}

/// Where a new manifest is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Into the archive, at its standard path (see [`archive::manifest_path`]), under the archive
    /// lock.
    Archive,
    /// To this file (never overwritten). The manifest still links to the chain head in the archive,
    /// but the archive is not locked: the manifest is not in the archive until someone puts it there.
    File(PathBuf),
    /// Nowhere: the manifest is only returned (for example to print it).
    Nowhere,
}

/// How careful [`sign_with`] is about the archive it cannot fully see (docs/SPEC.md §5.2).
#[derive(Debug, Clone, Default)]
pub struct SignOptions {
    /// The archive may not exist yet: create it (for [`Destination::Archive`]) or treat it as empty.
    /// Without this, a missing archive is refused ([`SignError::NoArchive`]): a mistyped path would
    /// otherwise start the issuer's chain again at seq 1.
    pub new_archive: bool,
    /// attest's state directory (see [`state::user_state_dir`]): where each key's last signed
    /// position is remembered, and checked. `None`: no memory (a library caller's own choice).
    pub state_dir: Option<PathBuf>,
    /// Sign at the position the archive shows even when it does not extend the position this key
    /// remembers signing last ([`SignError::BehindMemory`]). The new manifest may fork the chain;
    /// for the rare deliberate case, such as a remembered manifest that was never published.
    pub fork_from_archive: bool,
}

/// A signed statement.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The new manifest.
    pub manifest: Manifest,
    /// Where it was written, unless the destination was [`Destination::Nowhere`].
    pub path: Option<PathBuf>,
    /// What the caller should tell the user.
    pub warnings: Vec<SignWarning>,
}

/// Something the signer should know, that did not stop the signing. Stable snake_case kinds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignWarning {
    /// The issuer already signed these exact bytes; signing them again adds a new statement.
    AlreadySigned {
        /// The issuer.
        issuer: String,
        /// The earlier manifest.
        path: PathBuf,
        /// Its sequence number.
        seq: u64,
    },
    /// The archive holds manifests in the issuer's name signed by keys the signer does not accept
    /// (not the signing key, not in the trust store): an impostor's, or the issuer's own under a
    /// key this trust store lacks, in which case the new manifest forks the chain.
    OtherKeys {
        /// The issuer.
        issuer: String,
        /// The key ids they name.
        key_ids: Vec<String>,
        /// The highest sequence number among them.
        highest_seq: u64,
    },
    /// The new manifest was written, but the key's last signed position could not be recorded
    /// in the state directory (the next signature checks against the older one).
    StateNotRecorded {
        /// Why, for people.
        detail: String,
    },
    /// The new manifest was written, but the archive's index could not be updated (it is only
    /// stale: look-ups read what it lacks).
    IndexNotUpdated {
        /// Why, for people.
        detail: String,
    },
    /// A file in the archive was left out of the search for the chain head.
    SkippedArchiveFile {
        /// The file.
        path: PathBuf,
        /// Why, as a kind.
        reason: SkipReason,
        /// Why, for people.
        detail: String,
    },
}

impl fmt::Display for SignWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignWarning::AlreadySigned { issuer, path, seq } => write!(
                f,
                "{issuer:?} already signed these exact bytes in {} (seq {seq}); signing them again \
                 adds a new statement to the chain",
                path.display()
            ),
            SignWarning::OtherKeys {
                issuer,
                key_ids,
                highest_seq,
            } => write!(
                f,
                "the archive holds manifests in the name of {issuer:?} (up to seq {highest_seq}) \
                 signed by keys that are neither this key nor in the trust store ({}); if they are \
                 the issuer's own, pass --keys DIR with their .pub files, or this manifest forks \
                 the chain",
                key_ids.join(", ")
            ),
            SignWarning::SkippedArchiveFile { path, detail, .. } => {
                write!(f, "skipped {}: {detail}", crate::fsutil::path_text(path))
            }
            SignWarning::StateNotRecorded { detail } => write!(
                f,
                "the manifest was written, but this key's last position was not recorded: {detail}"
            ),
            SignWarning::IndexNotUpdated { detail } => write!(
                f,
                "the manifest was written, but the archive's index was not updated ({detail}); \
                 look-ups still find it, more slowly: run `attest index rebuild`"
            ),
        }
    }
}

impl From<head::Skipped> for SignWarning {
    fn from(s: head::Skipped) -> SignWarning {
        SignWarning::SkippedArchiveFile {
            path: s.path,
            reason: s.reason,
            detail: s.detail,
        }
    }
}

/// The cause of a rejected title, date, language or file name.
pub type FieldError = Box<dyn std::error::Error + Send + Sync>;

/// Why a statement was not signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The statement is not UTF-8 text.
    #[error(transparent)]
    NotUtf8(InputError),
    /// The statement has no text (after canonicalization).
    #[error("{name} has no text to sign")]
    Empty {
        /// The statement's name.
        name: String,
    },
    /// The statement contains characters readers cannot see, and they were not allowed.
    #[error(
        "{name} contains {codepoint} {char_name} at line {line} ({count} suspicious characters in \
         all); readers cannot see it. Remove it, or allow suspicious characters \
         (--allow-suspicious) if it is intended"
    )]
    Suspicious {
        /// The statement's name.
        name: String,
        /// The first one's code point, `U+XXXX`.
        codepoint: String,
        /// The first one's Unicode name.
        char_name: String,
        /// The first one's 1-based line.
        line: usize,
        /// How many there are.
        count: usize,
    },
    /// The title cannot be used.
    #[error("invalid title (--title)")]
    BadTitle(#[source] FieldError),
    /// The date cannot be used.
    #[error("invalid date (--date)")]
    BadDate(#[source] FieldError),
    /// A language tag cannot be used.
    #[error("invalid language (--lang)")]
    BadLanguage(#[source] FieldError),
    /// No file name was given for a statement read from standard input.
    #[error("{name} has no file name to record in the manifest; pass --file-name NAME (the name the statement is published under)")]
    NoFileName {
        /// The statement's name.
        name: String,
    },
    /// The file name cannot be used.
    #[error("invalid file name")]
    BadFileName(#[source] FieldError),
    /// The issuer's chain has reached [`manifest::MAX_SEQ`].
    #[error("{issuer:?} has reached the largest sequence number; start a new archive")]
    SequenceExhausted {
        /// The issuer.
        issuer: String,
    },
    /// The issuer's chain is forked at its head: signing would extend one branch arbitrarily.
    #[error(
        "the archive {} has {} different manifests of {issuer:?} with seq {seq} ({}); resolve the \
         fork before signing (run `attest audit`)",
        archive.display(),
        paths.len(),
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    Fork {
        /// The archive.
        archive: PathBuf,
        /// The issuer.
        issuer: String,
        /// The contested sequence number.
        seq: u64,
        /// The competing manifests.
        paths: Vec<PathBuf>,
    },
    /// The archive does not exist, and a new one was not asked for.
    #[error("the archive {} does not exist; check the path (--archive DIR), or pass --new-archive to start a new archive there", path.display())]
    NoArchive {
        /// The archive path.
        path: PathBuf,
    },
    /// Something in the archive that could hold the issuer's manifests could not be read, so the
    /// chain head may be hidden: signing could fork the chain.
    #[error(
        "cannot see all of {issuer:?}'s chain in {}: {} {detail}{}; signing now could fork the chain. Fix or remove it (run `attest audit` to see the archive's state), then sign again",
        archive.display(),
        crate::fsutil::path_text(&paths[0]),
        if paths.len() > 1 { format!(" (and {} more entries)", paths.len() - 1) } else { String::new() }
    )]
    Unseen {
        /// The archive.
        archive: PathBuf,
        /// The issuer.
        issuer: String,
        /// The entries that could not be read (at least one).
        paths: Vec<PathBuf>,
        /// Why the first one could not, for people.
        detail: String,
    },
    /// The archive's chain head does not extend the position this key remembers signing last: a
    /// mirror hides or lost manifests, or this is another archive.
    #[error(transparent)]
    BehindMemory(Box<BehindMemory>),
    /// The key's memory of what it signed cannot be used.
    #[error(transparent)]
    State(StateError),
    /// The archive could not be listed.
    #[error(transparent)]
    ArchiveUnreadable(ArchiveError),
    /// The archive could not be locked.
    #[error(transparent)]
    Lock(LockError),
    /// The directory for the manifest could not be created.
    #[error("cannot create the directory {}; check that it is writable", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A directory between the archive and the new manifest is a symbolic link: a manifest is
    /// never written through one (it would land outside the archive, where nothing sees it).
    #[error("{} is a symbolic link; attest never writes a manifest through a link in the archive. Replace the link with the directory it points to", path.display())]
    LinkInArchive {
        /// The link.
        path: PathBuf,
    },
    /// The manifest would be larger than readers accept ([`archive::MAX_MANIFEST_BYTES`]).
    #[error("the statement is too long: its manifest would be {size} bytes, and readers skip manifests over {} bytes. Split it into several statements", archive::MAX_MANIFEST_BYTES)]
    TooLarge {
        /// The manifest's size in bytes.
        size: u64,
    },
    /// A co-signer of a joint statement cannot be named: it is the signer's own issuer, or named
    /// twice (by issuer or by key).
    #[error("cannot name {issuer:?} (key {key_id}) as a co-signer: {why}")]
    BadCosigner {
        /// The co-signer's issuer.
        issuer: String,
        /// Its key.
        key_id: KeyId,
        /// Why, for people.
        why: &'static str,
    },
    /// The manifest could not be built (a field the checks above let through).
    #[error("cannot build the manifest")]
    Build(#[source] ManifestError),
    /// The manifest could not be written.
    #[error(transparent)]
    Write(WriteError),
    /// A valid revocation ends the signing key at or before the position it would sign.
    #[error(transparent)]
    Revoked(Box<RevokedKey>),
}

/// The chain head of an archive does not extend what a key remembers signing last
/// ([`SignError::BehindMemory`]).
#[derive(Debug, thiserror::Error)]
#[error(
    "key {key_id} last signed {issuer:?}'s seq {} ({}), but the archive {} {}; signing now would fork the chain. Use the archive that holds that manifest; if that manifest was never published, pass --fork-from-archive (remembered in {})",
    remembered.seq,
    remembered.digest,
    archive.display(),
    match head { Some(h) => format!("has its head at seq {} ({})", h.seq, h.digest), None => "holds none of its manifests".into() },
    state_file.display()
)]
pub struct BehindMemory {
    /// The signing key.
    pub key_id: String,
    /// The issuer.
    pub issuer: String,
    /// The archive.
    pub archive: PathBuf,
    /// What the key signed last.
    pub remembered: state::Position,
    /// The archive's head for the key, if any.
    pub head: Option<state::Position>,
    /// The state file.
    pub state_file: PathBuf,
}

/// A statement checked and canonicalized, ready to be signed at any chain position.
struct Prepared<'a> {
    bytes: &'a [u8],
    canonical: crate::canon::Canonical,
    title: String,
    date: String,
    languages: Vec<String>,
    file_name: String,
    exact: Digest,
}

/// Check a request: the text, then its metadata. Nothing here reads the archive.
fn prepare<'a>(request: &SignRequest<'a>) -> Result<Prepared<'a>, SignError> {
    let name = request.name;
    let decoded = input::decode_utf8(request.bytes, name).map_err(SignError::NotUtf8)?;
    // Records how the signed bytes were encoded, as verify does for copies.
    let canonical = decoded.canonicalize();
    if canonical.text.is_empty() {
        return Err(SignError::Empty { name: name.into() });
    }
    if let (Some(first), false) = (canonical.suspicious.first(), request.allow_suspicious) {
        return Err(SignError::Suspicious {
            name: name.into(),
            codepoint: first.codepoint.clone(),
            char_name: first.name.clone(),
            line: first.line,
            count: canonical.suspicious_counts.total() as usize,
        });
    }
    let date = match &request.date {
        Some(d) => d.clone(),
        None => today_utc(),
    };
    manifest::check_date(&date).map_err(|e| SignError::BadDate(e.into()))?;
    let file_name = request
        .file_name
        .clone()
        .ok_or_else(|| SignError::NoFileName { name: name.into() })?;
    manifest::check_file_name(&file_name).map_err(|e| SignError::BadFileName(e.into()))?;
    let title = match &request.title {
        Some(t) => t.trim().to_string(),
        None => Path::new(&file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| file_name.clone()),
    };
    manifest::check_title(&title).map_err(|e| SignError::BadTitle(e.into()))?;
    for lang in &request.languages {
        manifest::check_language(lang).map_err(|e| SignError::BadLanguage(e.into()))?;
    }
    let languages = if request.languages.is_empty() {
        guess_languages(&canonical.text)
    } else {
        request.languages.clone()
    };
    Ok(Prepared {
        bytes: request.bytes,
        exact: Digest::of(request.bytes),
        canonical,
        title,
        date,
        languages,
        file_name,
    })
}

/// Sign a statement as `key`'s issuer, linking it to the head of the issuer's chain in `archive`,
/// with the default [`SignOptions`] (the archive must exist; no memory of earlier signatures).
pub fn sign(
    key: &SecretKey,
    request: &SignRequest<'_>,
    archive: &Path,
    trust: Option<&TrustStore>,
) -> Result<Signed, SignError> {
    sign_with(key, request, archive, trust, &SignOptions::default())
}

/// Sign a statement as `key`'s issuer, linking it to the head of the issuer's chain in `archive`.
///
/// The chain's manifests are those of the issuer validly signed by `key` or, when `trust` is given,
/// by a key that `trust` holds for the issuer (so that a chain continues across a key change). A
/// manifest by any other key, whatever issuer it names, never moves or blocks the chain.
///
/// Signing is refused when the archive is missing (unless [`SignOptions::new_archive`]), when
/// anything that could hold the issuer's manifests cannot be read ([`SignError::Unseen`]), and when
/// the head does not extend the position the key remembers signing last
/// ([`SignError::BehindMemory`], unless [`SignOptions::fork_from_archive`]). With
/// [`Destination::Archive`] the archive is locked exclusively until the manifest is in place.
pub fn sign_with(
    key: &SecretKey,
    request: &SignRequest<'_>,
    archive: &Path,
    trust: Option<&TrustStore>,
    options: &SignOptions,
) -> Result<Signed, SignError> {
    sign_joint(key, request, &[], archive, trust, options)
}

/// Sign a joint statement (docs/SPEC.md §3.5): as [`sign_with`], naming `cosigners` in the signed
/// body, each with its key and the manifest's position in that issuer's own chain in `archive`
/// (found as for the signer's own chain, with `trust` recognising the co-signer's other keys). Only
/// `key` signs; each co-signer then adds its signature with [`cosign`]. With no co-signers this is
/// [`sign_with`]. Refused when a co-signer is the signer's issuer or named twice
/// ([`SignError::BadCosigner`]), or when a co-signer's chain is forked or cannot all be seen.
pub fn sign_joint(
    key: &SecretKey,
    request: &SignRequest<'_>,
    cosigners: &[IssuerKey],
    archive: &Path,
    trust: Option<&TrustStore>,
    options: &SignOptions,
) -> Result<Signed, SignError> {
    let statement = prepare(request)?;
    check_cosigner_keys(key, cosigners)?;
    match &request.destination {
        Destination::Archive => {
            let mut signer = ArchiveSigner::open_with(archive, trust, options)?;
            let mut signed = signer.sign_prepared(key, &statement, cosigners)?;
            if let Err(e) = signer.flush_index() {
                signed.warnings.push(SignWarning::IndexNotUpdated {
                    detail: archive::with_causes(&e),
                });
            }
            Ok(signed)
        }
        other => {
            let exists = std::fs::symlink_metadata(archive).is_ok();
            if !exists && !options.new_archive {
                return Err(SignError::NoArchive {
                    path: archive.to_path_buf(),
                });
            }
            let mut chain = Chain::scan(archive, &key.public(), trust, exists)?;
            check_memory(options, key, trust, &chain, archive)?;
            let named = cosigner_positions(archive, cosigners, trust, exists)?;
            let manifest = chain.next_manifest(key, trust, archive, &statement, &named)?;
            let path = match other {
                Destination::File(path) => {
                    write_manifest(path, &manifest)?;
                    Some(path.clone())
                }
                _ => None,
            };
            let mut warnings = chain.take_warnings();
            warnings.extend(remember(options, key, &manifest));
            Ok(Signed {
                manifest,
                path,
                warnings,
            })
        }
    }
}

/// Refuse co-signers that are the signer's own issuer, or named twice.
fn check_cosigner_keys(key: &SecretKey, cosigners: &[IssuerKey]) -> Result<(), SignError> {
    for (i, c) in cosigners.iter().enumerate() {
        let bad = |why| SignError::BadCosigner {
            issuer: c.issuer.clone(),
            key_id: c.key_id,
            why,
        };
        if c.issuer == key.issuer() {
            return Err(bad(
                "it is the signer's own issuer; a joint statement is signed by other issuers",
            ));
        }
        if cosigners[..i]
            .iter()
            .any(|o| o.issuer == c.issuer || o.key_id == c.key_id)
        {
            return Err(bad(
                "it is named twice; name each co-signing issuer once, with one key",
            ));
        }
        if cosigners.len() >= manifest::MAX_SIGNATURES {
            return Err(bad("a joint statement has too many co-signers"));
        }
    }
    Ok(())
}

/// Each co-signer's place in its own chain in the archive at `root`: the next position after its
/// head (docs/SPEC.md §3.5). A forked co-signer chain is refused, as the signer's own is.
fn cosigner_positions(
    root: &Path,
    cosigners: &[IssuerKey],
    trust: Option<&TrustStore>,
    must_exist: bool,
) -> Result<Vec<Cosigner>, SignError> {
    cosigners
        .iter()
        .map(|c| {
            let chain = Chain::scan(root, c, trust, must_exist || root.exists())?;
            let (seq, prev) = chain.next_position(root)?;
            Ok(Cosigner {
                issuer: c.issuer.clone(),
                key_id: c.key_id,
                seq,
                prev,
            })
        })
        .collect()
}

/// Refuse when the chain head does not extend what `key` remembers signing last.
fn check_memory(
    options: &SignOptions,
    key: &SecretKey,
    trust: Option<&TrustStore>,
    chain: &Chain,
    root: &Path,
) -> Result<(), SignError> {
    let Some(dir) = &options.state_dir else {
        return Ok(());
    };
    let key_id = key.key_id().to_string();
    let Some(last) = state::last_signed(dir, &key_id).map_err(SignError::State)? else {
        return Ok(());
    };
    // A fork at the head is refused on its own, more precisely (`SignError::Fork`).
    if options.fork_from_archive || chain.fork.is_some() {
        return Ok(());
    }
    let extends = match chain.head {
        Some((seq, digest)) if seq == last.seq => digest == last.digest,
        // Later manifests (by another key of the issuer, or from another machine): the remembered
        // one must still be in the chain at its position.
        Some((seq, _)) if seq > last.seq => chain
            .candidates
            .iter()
            .filter(|h| h.seq == last.seq)
            .filter_map(|h| head::read_counted(h, |m| counts(m, &key.public(), trust)).ok())
            .any(|m| m.digest() == last.digest),
        _ => false,
    };
    if extends {
        return Ok(());
    }
    Err(SignError::BehindMemory(Box::new(BehindMemory {
        key_id: key_id.clone(),
        issuer: key.issuer().to_string(),
        archive: root.to_path_buf(),
        remembered: state::Position {
            seq: last.seq,
            digest: last.digest,
        },
        head: chain
            .head
            .map(|(seq, digest)| state::Position { seq, digest }),
        state_file: state::signed_file(dir, &key_id),
    })))
}

/// Remember `manifest` as what `key` signed last; a warning when that fails.
fn remember(options: &SignOptions, key: &SecretKey, manifest: &Manifest) -> Option<SignWarning> {
    let dir = options.state_dir.as_ref()?;
    let last = LastSigned {
        key_id: key.key_id().to_string(),
        issuer: key.issuer().to_string(),
        // A co-signer remembers the joint statement's place in its own chain.
        seq: manifest
            .position_of(key.issuer())
            .map_or(manifest.seq(), |p| p.0),
        digest: manifest.digest(),
    };
    state::record_signed(dir, &last)
        .err()
        .map(|e| SignWarning::StateNotRecorded {
            detail: archive::with_causes(&e),
        })
}

/// A co-signature added to a joint statement ([`cosign`]).
#[derive(Debug, Clone)]
pub struct Cosigned {
    /// The manifest with the new signature (its digest is unchanged).
    pub manifest: Manifest,
    /// The file replaced.
    pub path: PathBuf,
    /// What the caller should tell the user.
    pub warnings: Vec<SignWarning>,
}

/// Why a co-signature was not added.
#[derive(Debug, thiserror::Error)]
pub enum CosignError {
    /// The manifest cannot be read or is not a valid manifest.
    #[error("cannot co-sign {}: it {problem}", path.display())]
    Read {
        /// The manifest file.
        path: PathBuf,
        /// Why.
        #[source]
        problem: archive::FileProblem,
    },
    /// The manifest file is a symbolic link: it is replaced in place, never through a link.
    #[error("{} is a symbolic link; co-sign the file it points to", path.display())]
    Link {
        /// The manifest file.
        path: PathBuf,
    },
    /// The key's issuer is not a co-signer the manifest names, or is named with another key.
    #[error("the statement does not name {issuer:?} with key {key_id} as a co-signer{}; only the co-signers its first signer named can add a counted signature (ask them to sign it again with --cosigner)", match named { Some(k) => format!(" (it names {issuer:?} with key {k})"), None => String::new() })]
    NotNamed {
        /// The key's issuer.
        issuer: String,
        /// The key.
        key_id: KeyId,
        /// The key the manifest names for that issuer, if it names the issuer.
        named: Option<KeyId>,
    },
    /// The key already signed the manifest.
    #[error("key {key_id} already co-signed it")]
    AlreadySigned {
        /// The key.
        key_id: KeyId,
    },
    /// The co-signer's chain in the archive does not end just before the position the joint
    /// statement takes in it: co-signing would fork the chain or leave a gap.
    #[error("the joint statement takes seq {seq} of {issuer:?}'s chain, but that chain's head in the archive {} is {}; co-signing would fork the chain or leave a gap. Ask the first signer to sign it again (attest sign --cosigner) against the current archive", archive.display(), match head { Some((s, d)) => format!("at seq {s} ({d})"), None => "empty (no manifest yet)".into() })]
    Position {
        /// The archive.
        archive: PathBuf,
        /// The co-signer.
        issuer: String,
        /// The position the statement names.
        seq: u64,
        /// The co-signer's head in the archive.
        head: Option<(u64, Digest)>,
    },
    /// The co-signer's chain could not be read, or its memory refuses (as for [`sign_with`]).
    #[error(transparent)]
    Chain(SignError),
    /// The signature could not be added (too many signatures).
    #[error("cannot add the co-signature")]
    Build(#[source] ManifestError),
    /// The co-signed manifest could not be written.
    #[error(transparent)]
    Write(WriteError),
}

/// Add `key`'s co-signature to the joint statement in the manifest file `path`, replacing the file
/// atomically (a temporary file renamed over it: the original stays whole until the new one is
/// complete). The signature is over the same payload, so the manifest digest does not change
/// (docs/SPEC.md §3.5).
///
/// The key must be the one the manifest names for its issuer ([`CosignError::NotNamed`]). With an
/// `archive`, which is locked meanwhile, the co-signer's own chain there (found as [`sign_with`]
/// finds a chain, `trust` recognising its other keys) must end just before the position the
/// statement names for it ([`CosignError::Position`]), and `options.state_dir` memory is checked
/// and updated as for signing.
pub fn cosign(
    path: &Path,
    key: &SecretKey,
    archive: Option<&Path>,
    trust: Option<&TrustStore>,
    options: &SignOptions,
) -> Result<Cosigned, CosignError> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(CosignError::Link {
            path: path.to_path_buf(),
        });
    }
    let _lock = match archive {
        Some(root) => {
            Some(ArchiveLock::exclusive(root).map_err(|e| CosignError::Chain(SignError::Lock(e)))?)
        }
        None => None,
    };
    let manifest = archive::read_manifest(path).map_err(|problem| CosignError::Read {
        path: path.to_path_buf(),
        problem,
    })?;
    let named = manifest.cosigner(key.issuer());
    let Some(c) = named.filter(|c| c.key_id == key.key_id()) else {
        return Err(CosignError::NotNamed {
            issuer: key.issuer().to_string(),
            key_id: key.key_id(),
            named: named.map(|c| c.key_id),
        });
    };
    if manifest
        .signatures()
        .iter()
        .any(|s| s.key_id == key.key_id())
    {
        return Err(CosignError::AlreadySigned {
            key_id: key.key_id(),
        });
    }
    let mut warnings = Vec::new();
    if let Some(root) = archive {
        let mut chain =
            Chain::scan(root, &key.public(), trust, true).map_err(CosignError::Chain)?;
        check_memory(options, key, trust, &chain, root).map_err(CosignError::Chain)?;
        let next = chain.next_position(root).map_err(CosignError::Chain)?;
        if next != (c.seq, c.prev) {
            return Err(CosignError::Position {
                archive: root.to_path_buf(),
                issuer: c.issuer.clone(),
                seq: c.seq,
                head: chain.head,
            });
        }
        // The statement itself, in the archive, is not yet the co-signer's: no need to say so.
        let this = std::fs::canonicalize(path).ok();
        warnings.extend(chain.take_warnings().into_iter().filter(|w| match w {
            SignWarning::SkippedArchiveFile { path: p, .. } => {
                this.is_none() || std::fs::canonicalize(p).ok() != this
            }
            _ => true,
        }));
    }
    let cosigned = manifest.add_signature(key).map_err(CosignError::Build)?;
    debug_assert_eq!(cosigned.digest(), manifest.digest());
    crate::fsutil::write_replace(path, cosigned.to_json().as_bytes(), MANIFEST_MODE)
        .map_err(CosignError::Write)?;
    warnings.extend(remember(options, key, &cosigned));
    // The manifest replaced in the archive, recorded in its index (still under the lock).
    if let Some(root) = archive.filter(|root| path.starts_with(root)) {
        if let Err(e) = archive::index::record_written(root, &[path.to_path_buf()], true) {
            warnings.push(SignWarning::IndexNotUpdated {
                detail: archive::with_causes(&e),
            });
        }
    }
    Ok(Cosigned {
        manifest: cosigned,
        path: path.to_path_buf(),
        warnings,
    })
}

/// Signs statements into an archive while holding its lock, for callers that sign many statements in
/// a row (such as the benchmark's archive maker): the archive is scanned once per signing key, not
/// once per statement. Nothing else that takes the lock can write into the archive meanwhile, so the
/// chain heads it remembers stay true. The lock is released when the signer is dropped.
#[derive(Debug)]
pub struct ArchiveSigner<'t> {
    root: PathBuf,
    trust: Option<&'t TrustStore>,
    options: SignOptions,
    chains: HashMap<KeyId, Chain>,
    durable: bool,
    /// Manifests written and not yet recorded in the archive's index.
    written: Vec<PathBuf>,
    /// Whether every chain scan found a usable index (else the index is rebuilt).
    had_index: bool,
    update_index: bool,
    _lock: ArchiveLock,
}

impl Drop for ArchiveSigner<'_> {
    /// Record what was written in the index, if [`ArchiveSigner::flush_index`] was not called.
    /// An index left behind is only stale, never wrong: it is checked at each use.
    fn drop(&mut self) {
        let _ = self.flush_index();
    }
}

impl<'t> ArchiveSigner<'t> {
    /// Lock the archive at `root`, which must exist, waiting while another signer holds it. The
    /// default [`SignOptions`].
    pub fn open(root: &Path, trust: Option<&'t TrustStore>) -> Result<Self, SignError> {
        ArchiveSigner::open_with(root, trust, &SignOptions::default())
    }

    /// Lock the archive at `root` (created if missing only with [`SignOptions::new_archive`]),
    /// waiting while another signer holds it.
    pub fn open_with(
        root: &Path,
        trust: Option<&'t TrustStore>,
        options: &SignOptions,
    ) -> Result<Self, SignError> {
        if std::fs::symlink_metadata(root).is_err() && !options.new_archive {
            return Err(SignError::NoArchive {
                path: root.to_path_buf(),
            });
        }
        let lock = ArchiveLock::exclusive(root).map_err(SignError::Lock)?;
        Ok(ArchiveSigner {
            root: root.to_path_buf(),
            trust,
            options: options.clone(),
            chains: HashMap::new(),
            durable: true,
            written: Vec::new(),
            had_index: true,
            update_index: true,
            _lock: lock,
        })
    }

    /// Whether each manifest is flushed to disk before [`ArchiveSigner::sign`] returns (the default).
    /// Turning this off makes bulk signing many times faster, for throwaway archives such as
    /// benchmarks; a crash of the machine (not of the process) may then lose manifests reported as
    /// written, or leave them empty. Never turn it off for a real archive.
    pub fn set_durable(&mut self, durable: bool) {
        self.durable = durable;
    }

    /// Whether the archive's index (docs/SPEC.md §5.5) is kept up to date (the default): the
    /// manifests written are recorded when the signer is flushed or dropped, and an archive
    /// without a usable index gets one. Turn it off for throwaway archives built in bulk; the
    /// index, if any, is then only stale (it is checked at each use), and `attest index rebuild`
    /// brings it up to date.
    pub fn set_index_updates(&mut self, on: bool) {
        self.update_index = on;
    }

    /// Record the manifests written so far in the archive's index (see
    /// [`ArchiveSigner::set_index_updates`]). The manifests themselves are written whatever
    /// this returns.
    pub fn flush_index(&mut self) -> Result<(), archive::index::IndexError> {
        if !self.update_index || self.written.is_empty() {
            return Ok(());
        }
        let written = std::mem::take(&mut self.written);
        archive::index::record_written(&self.root, &written, self.had_index)
    }

    /// Sign a statement into the archive, as [`sign`] does with [`Destination::Archive`] (the
    /// request's destination is ignored).
    pub fn sign(
        &mut self,
        key: &SecretKey,
        request: &SignRequest<'_>,
    ) -> Result<Signed, SignError> {
        let statement = prepare(request)?;
        self.sign_prepared(key, &statement, &[])
    }

    fn sign_prepared(
        &mut self,
        key: &SecretKey,
        statement: &Prepared<'_>,
        cosigners: &[IssuerKey],
    ) -> Result<Signed, SignError> {
        let named = cosigner_positions(&self.root, cosigners, self.trust, true)?;
        let chain = match self.chains.entry(key.key_id()) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Chain::scan(&self.root, &key.public(), self.trust, true)?)
            }
        };
        check_memory(&self.options, key, self.trust, chain, &self.root)?;
        let manifest = chain.next_manifest(key, self.trust, &self.root, statement, &named)?;
        let path = archive::manifest_path(
            &self.root,
            key.issuer(),
            manifest.seq(),
            &statement.date,
            &statement.title,
        );
        refuse_links_below(&self.root, &path)?;
        if self.durable {
            write_manifest(&path, &manifest)?;
        } else {
            write_manifest_unsynced(&path, &manifest)?;
        }
        chain.advance(&manifest, &path, statement.exact);
        self.had_index &= chain.indexed;
        self.written.push(path.clone());
        let mut warnings = chain.take_warnings();
        warnings.extend(remember(&self.options, key, &manifest));
        // Another key of the same issuer (after a key change) may count this manifest in its
        // chain too: forget what it remembers, so that it finds the new head next time.
        let (id, issuer) = (key.key_id(), key.issuer());
        // So may the co-signers' keys, whose chains now hold it too.
        self.chains.retain(|other, chain| {
            *other == id
                || (chain.issuer != issuer && named.iter().all(|c| c.issuer != chain.issuer))
        });
        Ok(Signed {
            manifest,
            path: Some(path),
            warnings,
        })
    }
}

/// One issuer's chain as one signing key sees it.
#[derive(Debug)]
struct Chain {
    /// The issuer.
    issuer: String,
    /// The head, or `None` for an empty chain.
    head: Option<(u64, Digest)>,
    /// The headers of the issuer's manifests that name an accepted key (hints, for the duplicate
    /// warning).
    candidates: Vec<Header>,
    /// Whether a fork at the head was found: `(seq, paths)`.
    fork: Option<(u64, Vec<PathBuf>)>,
    /// Where a valid revocation ends the signing key, if one does.
    revoked: Option<RevocationPoint>,
    /// Whether the scan found a usable index.
    indexed: bool,
    /// Warnings not yet handed to the caller.
    warnings: Vec<SignWarning>,
}

/// Whether `m` belongs to `key`'s chain: a valid signature by `key`, or by a key `trust` holds for the
/// manifest's issuer. A joint manifest that names `key`'s issuer as a co-signer belongs to it when
/// the named key co-signed it, and that key is `key` or one `trust` holds for the issuer.
fn counts(m: &Manifest, key: &IssuerKey, trust: Option<&TrustStore>) -> bool {
    if m.issuer() == key.issuer {
        return m.signed_by(&key.key) || trust.is_some_and(|t| m.assess(t).issuer_signed);
    }
    let Some(c) = m.cosigner(&key.issuer) else {
        return false;
    };
    let named = if c.key_id == key.key_id {
        Some(key.key)
    } else {
        trust
            .and_then(|t| t.get(&c.key_id))
            .filter(|t| t.key.issuer == key.issuer)
            .map(|t| t.key.key)
    };
    named.is_some_and(|k| m.signed_by(&k))
}

/// Whether a header is `issuer`'s and names the key `own` (a key id) or a key `trust` holds for
/// `issuer` (a hint: the full check decides).
fn names_accepted_key(h: &Header, issuer: &str, own: &str, trust: Option<&TrustStore>) -> bool {
    h.issuer == issuer
        && h.key_ids.iter().any(|id| {
            id == own
                || trust.is_some_and(|t| {
                    id.parse::<KeyId>()
                        .ok()
                        .and_then(|k| t.get(&k))
                        .is_some_and(|tk| tk.key.issuer == h.issuer)
                })
        })
}

impl Chain {
    /// Find `key`'s chain in the archive at `root`. A missing archive is an empty chain when
    /// `must_exist` is false. Refuses when anything it cannot read could hold the issuer's
    /// manifests ([`SignError::Unseen`]).
    fn scan(
        root: &Path,
        key: &IssuerKey,
        trust: Option<&TrustStore>,
        must_exist: bool,
    ) -> Result<Chain, SignError> {
        let mut warnings = Vec::new();
        let mut unseen: Vec<(PathBuf, String)> = Vec::new();
        // The archive's index, when it has a usable one, spares reading the manifests unchanged
        // since it was made; the listing and the headers are the same either way.
        let present = must_exist || root.exists();
        let index = present
            .then(|| DirArchive::new(root).index().ok())
            .flatten();
        let positions = index
            .as_ref()
            .map(archive::index::View::file_positions)
            .unwrap_or_default();
        let Listing {
            files,
            problems,
            ignored,
        } = match &index {
            Some(view) => view.listing(),
            None if present => DirArchive::without_index(root)
                .list()
                .map_err(SignError::ArchiveUnreadable)?,
            None => Listing::default(),
        };
        let own = key.key_id.to_string();
        // Which folders below the root hold the issuer's manifests, and which hold only others':
        // something unreadable in a folder of other issuers alone cannot hide this chain.
        let folders: std::sync::Mutex<HashMap<std::ffi::OsString, (bool, bool)>> =
            Default::default();
        let keep = |h: &Header| {
            // The issuer's own manifests, and joint manifests that name it as a co-signer.
            let mine = h.issuer == key.issuer || h.cosigners.iter().any(|c| c.issuer == key.issuer);
            if let Some(first) = first_component(root, &h.path) {
                if let Ok(mut map) = folders.lock() {
                    let entry = map.entry(first).or_default();
                    entry.0 |= mine;
                    entry.1 |= !mine;
                }
            }
            mine
        };
        let (ours, skipped) = match &index {
            Some(view) => view.read_headers(&files, &positions, keep),
            None => head::read_headers(&files, keep),
        };
        let folders = folders.into_inner().unwrap_or_default();
        let slug = std::ffi::OsString::from(archive::issuer_folder(&key.issuer));
        // Whether an entry could hold (or be) one of the issuer's manifests.
        let could_be_ours = |path: &Path| -> bool {
            let Some(first) = first_component(root, path) else {
                return true;
            };
            if first == slug {
                return true;
            }
            match folders.get(&first) {
                Some((false, true)) => false,
                // A file directly at the root, or a folder with the issuer's manifests or with
                // none readable.
                _ => true,
            }
        };
        for p in problems {
            let detail = archive::with_causes(&p.problem);
            let harmless = matches!(p.problem, archive::FileProblem::TooLarge { .. });
            if !harmless && could_be_ours(&p.path) {
                unseen.push((p.path, detail));
            } else {
                warnings.push(SignWarning::SkippedArchiveFile {
                    path: p.path,
                    reason: SkipReason::ArchiveWalk,
                    detail,
                });
            }
        }
        for i in ignored {
            if i.reason == archive::IgnoreReason::HiddenDirectory {
                let detail = "a hidden directory, not read".to_string();
                if first_component(root, &i.path).is_some_and(|f| f == slug) {
                    unseen.push((i.path, detail));
                } else {
                    warnings.push(SignWarning::SkippedArchiveFile {
                        path: i.path,
                        reason: SkipReason::HiddenDirectory,
                        detail,
                    });
                }
            }
        }
        for s in skipped {
            // An unreadable file, or a manifest in a format this attest does not read, may be the
            // issuer's; a file that is not JSON, or JSON of another kind, or too large, is not.
            let maybe = matches!(s.reason, SkipReason::Unreadable | SkipReason::UnknownFormat);
            if maybe && could_be_ours(&s.path) {
                unseen.push((s.path, s.detail));
            } else {
                warnings.push(SignWarning::from(s));
            }
        }
        let (candidates, others): (Vec<Header>, Vec<Header>) = ours
            .into_iter()
            .filter_map(|h| h.as_link_of(&key.issuer))
            .partition(|h| names_accepted_key(h, &key.issuer, &own, trust));
        // Manifests in the issuer's name under keys the signer does not accept: an impostor's, or
        // the issuer's own under another key that this trust store lacks. The latter would make
        // this signature fork the chain, so say so (they never move the chain by themselves, and
        // never block it: anyone can write such a manifest).
        if let Some(highest_seq) = others.iter().map(|h| h.seq).max() {
            let mut key_ids: Vec<String> = others.iter().flat_map(|h| h.key_ids.clone()).collect();
            key_ids.sort();
            key_ids.dedup();
            warnings.push(SignWarning::OtherKeys {
                issuer: key.issuer.clone(),
                key_ids,
                highest_seq,
            });
        }
        let (found, skipped) = head::chain_head(&candidates, |m| counts(m, key, trust));
        for s in skipped {
            // A candidate that names an accepted key but cannot be read, or is in a format this
            // attest does not read, may be the real head. One that fails this format's checks or
            // whose signature fails is not the issuer's (who writes valid manifests): a forgery
            // must neither move nor block the chain.
            if matches!(s.reason, SkipReason::Unreadable | SkipReason::UnknownFormat) {
                unseen.push((s.path, s.detail));
            } else {
                warnings.push(SignWarning::from(s));
            }
        }
        if !unseen.is_empty() {
            unseen.sort();
            let detail = unseen[0].1.clone();
            return Err(SignError::Unseen {
                archive: root.to_path_buf(),
                issuer: key.issuer.clone(),
                paths: unseen.into_iter().map(|u| u.0).collect(),
                detail,
            });
        }
        let (head, fork) = match found {
            ChainHead::Empty => (None, None),
            ChainHead::Head { seq, digest, .. } => (Some((seq, digest)), None),
            ChainHead::Fork { seq, paths } => (None, Some((seq, paths))),
        };
        Ok(Chain {
            issuer: key.issuer.clone(),
            head,
            candidates,
            fork,
            revoked: revocation_point(key, trust, root),
            indexed: index.is_some(),
            warnings,
        })
    }

    /// The position after the chain's head: `(seq, prev)`. Refused when the head is forked or the
    /// chain is full.
    fn next_position(&self, root: &Path) -> Result<(u64, Option<Digest>), SignError> {
        if let Some((seq, paths)) = &self.fork {
            return Err(SignError::Fork {
                archive: root.to_path_buf(),
                issuer: self.issuer.clone(),
                seq: *seq,
                paths: paths.clone(),
            });
        }
        match self.head {
            None => Ok((1, None)),
            Some((seq, _)) if seq >= manifest::MAX_SEQ => Err(SignError::SequenceExhausted {
                issuer: self.issuer.clone(),
            }),
            Some((seq, digest)) => Ok((seq + 1, Some(digest))),
        }
    }

    /// Sign `statement` as the next manifest of the chain, naming `cosigners` (a joint statement
    /// when not empty), warning if the issuer already signed the same bytes.
    fn next_manifest(
        &mut self,
        key: &SecretKey,
        trust: Option<&TrustStore>,
        root: &Path,
        statement: &Prepared<'_>,
        cosigners: &[Cosigner],
    ) -> Result<Manifest, SignError> {
        let (seq, prev) = self.next_position(root)?;
        if let Some(point) = self.revoked.as_ref().filter(|r| seq > r.last_valid) {
            return Err(point.refusal(key, seq));
        }
        self.warn_if_already_signed(key, trust, statement.exact);
        let new = NewStatement {
            bytes: statement.bytes,
            canonical: &statement.canonical,
            title: statement.title.clone(),
            date: statement.date.clone(),
            languages: statement.languages.clone(),
            file_name: statement.file_name.clone(),
        };
        let manifest = manifest::sign_joint_statement(key, &new, seq, prev, cosigners)
            .map_err(SignError::Build)?;
        // Readers skip manifests over the size limit; one that no verifier reads is not signed.
        let size = manifest.to_json().len() as u64;
        if size > archive::MAX_MANIFEST_BYTES {
            return Err(SignError::TooLarge { size });
        }
        Ok(manifest)
    }

    fn warn_if_already_signed(
        &mut self,
        key: &SecretKey,
        trust: Option<&TrustStore>,
        exact: Digest,
    ) {
        let mut same: Vec<&Header> = self
            .candidates
            .iter()
            .filter(|h| h.exact_digest == exact)
            .collect();
        same.sort_by_key(|h| std::cmp::Reverse(h.seq));
        if let Some(m) = same
            .iter()
            .find_map(|h| head::read_counted(h, |m| counts(m, &key.public(), trust)).ok())
        {
            let path = same
                .iter()
                .find(|h| h.seq == m.seq())
                .map(|h| h.path.clone())
                .unwrap_or_default();
            self.warnings.push(SignWarning::AlreadySigned {
                issuer: m.issuer().to_string(),
                path,
                seq: m.seq(),
            });
        }
    }

    /// Record a manifest just written at `path` as the new head.
    fn advance(&mut self, m: &Manifest, path: &Path, exact: Digest) {
        self.head = Some((m.seq(), m.digest()));
        self.candidates.push(Header {
            path: path.to_path_buf(),
            issuer: m.issuer().to_string(),
            seq: m.seq(),
            key_ids: m
                .signatures()
                .iter()
                .map(|s| s.key_id.to_string())
                .collect(),
            exact_digest: exact,
            cosigners: Vec::new(),
        });
    }

    fn take_warnings(&mut self) -> Vec<SignWarning> {
        std::mem::take(&mut self.warnings)
    }
}

/// Where a valid revocation ends a signing key (docs/SPEC.md §3.4.3, §5.2).
#[derive(Debug)]
struct RevocationPoint {
    last_valid: u64,
    record: Option<PathBuf>,
    ended_with: Option<KeyId>,
}

impl RevocationPoint {
    fn refusal(&self, key: &SecretKey, seq: u64) -> SignError {
        SignError::Revoked(Box::new(RevokedKey {
            key_id: key.key_id(),
            issuer: key.issuer().to_string(),
            last_valid: self.last_valid,
            seq,
            record: self.record.clone(),
            ended_with: self.ended_with,
        }))
    }
}

/// The signing key is revoked at or before the position it would sign ([`SignError::Revoked`]).
#[derive(Debug, thiserror::Error)]
#[error(
    "key {key_id} is revoked for {issuer:?}: it vouches only up to seq {last_valid}{}{}, and this statement would be seq {seq}, which verifiers would find untrusted. Nothing was signed; sign with the issuer's current key",
    match record { Some(p) => format!(" (revocation record {})", crate::fsutil::path_text(p)), None => String::new() },
    crate::trust::ended_with_text(*ended_with)
)]
pub struct RevokedKey {
    /// The signing key.
    pub key_id: KeyId,
    /// Its issuer.
    pub issuer: String,
    /// The last seq it vouches for.
    pub last_valid: u64,
    /// The seq it would have signed.
    pub seq: u64,
    /// The revocation record that sets the point (the archive's or the trust store's), when found.
    pub record: Option<PathBuf>,
    /// Set when the key takes its point from the revoked key that introduced it (§3.4.3).
    pub ended_with: Option<KeyId>,
}

/// Where the valid key records of the archive at `root` and of `trust`'s directory end `key`, if
/// they do: the lowest point seen through `trust` as given (an empty store when `None`) and through
/// it with the signing key added for its issuer (so that a revocation signed by a key it handed
/// over to counts even when the store lacks the signing key). The records are read once.
fn revocation_point(
    key: &IssuerKey,
    trust: Option<&TrustStore>,
    root: &Path,
) -> Option<RevocationPoint> {
    use crate::trust::{KeyRecord, Standing, Trust};
    let archive = DirArchive::new(root);
    let mut files = archive.key_record_files();
    if let Some(dir) = trust.and_then(TrustStore::dir) {
        let mut in_store: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        in_store.retain(|p| archive::is_key_record_file(p) && p.is_file());
        in_store.sort();
        files.extend(in_store);
    }
    // Unreadable or malformed records are audit's to report; here they revoke nothing.
    let records: Vec<(PathBuf, KeyRecord)> = files
        .into_iter()
        .filter_map(|path| {
            let size = std::fs::metadata(&path).ok()?.len();
            if size > archive::MAX_MANIFEST_BYTES {
                return None;
            }
            let record = KeyRecord::parse(&std::fs::read(&path).ok()?).ok()?;
            Some((path, record))
        })
        .collect();
    let revokes = |r: &KeyRecord| matches!(r, KeyRecord::Revocation(_));
    if !records.iter().any(|(_, r)| revokes(r)) {
        return None;
    }
    let public = key.clone();
    let (id, issuer) = (key.key_id, key.issuer.as_str());
    let given = trust.cloned().unwrap_or_default();
    let mut with_own = given.clone();
    // A store that lists the key for another issuer keeps its own view.
    let _ = with_own.add(public.clone(), PathBuf::from("(the signing key)"));
    let mut found: Option<RevocationPoint> = None;
    for store in [&given, &with_own] {
        let (view, _) = Trust::with_records(store, records.clone());
        let Some(last_valid) = view.revocation_point(issuer, &id) else {
            continue;
        };
        if found.as_ref().is_some_and(|f| f.last_valid <= last_valid) {
            continue;
        }
        let ended_with = match view.standing(issuer, last_valid.saturating_add(1), &public.key) {
            Standing::Revoked { ended_with, .. } => ended_with,
            _ => None,
        };
        found = Some(RevocationPoint {
            last_valid,
            record: None,
            ended_with,
        });
    }
    let mut found = found?;
    // Name the record: a revocation of the key (or of the key it ends with) at that point, with a
    // signature that verifies.
    let named = found.ended_with.unwrap_or(id);
    found.record = records.into_iter().find_map(|(path, record)| match record {
        KeyRecord::Revocation(r)
            if r.issuer() == issuer
                && r.key_id() == named
                && r.last_valid() == found.last_valid
                && r.signatures().iter().any(|s| r.signed_by(&s.public_key)) =>
        {
            Some(path)
        }
        _ => None,
    });
    Some(found)
}

/// The first component of `path` below `root` (`None` for the root itself, or a path outside it).
fn first_component(root: &Path, path: &Path) -> Option<std::ffi::OsString> {
    path.strip_prefix(root)
        .ok()?
        .components()
        .next()
        .map(|c| c.as_os_str().to_os_string())
}

/// Refuse when an existing directory between `root` and `path` (the root itself excluded: the user
/// named it) is a symbolic link.
fn refuse_links_below(root: &Path, path: &Path) -> Result<(), SignError> {
    let Ok(relative) = path.strip_prefix(root) else {
        return Ok(());
    };
    let mut here = root.to_path_buf();
    for component in relative.parent().into_iter().flat_map(Path::components) {
        here.push(component);
        if std::fs::symlink_metadata(&here).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(SignError::LinkInArchive { path: here });
        }
    }
    Ok(())
}

/// Write a manifest to a new file, creating its directory.
fn write_manifest(path: &Path, manifest: &Manifest) -> Result<(), SignError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::fsutil::create_dirs(dir).map_err(|source| SignError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    write_new(path, manifest.to_json().as_bytes(), MANIFEST_MODE).map_err(SignError::Write)
}

/// [`write_manifest`] without flushing anything to disk (see [`ArchiveSigner::set_durable`]). Still
/// no partial and no overwritten file: a hidden temporary file is linked into place only when whole.
fn write_manifest_unsynced(path: &Path, manifest: &Manifest) -> Result<(), SignError> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::fsutil::create_dirs(dir).map_err(|source| SignError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let io = |cause| {
        SignError::Write(WriteError::Io {
            path: path.display().to_string(),
            cause,
        })
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".attest-tmp-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(manifest.to_json().as_bytes()).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(MANIFEST_MODE);
        std::fs::set_permissions(tmp.path(), mode).map_err(io)?;
    }
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            SignError::Write(WriteError::Exists {
                path: path.display().to_string(),
            })
        } else {
            io(e.error)
        }
    })?;
    Ok(())
}

/// Languages guessed from scripts: Han without kana is `zh`, kana `ja`, Hangul `ko`, Latin letters
/// `en`. A guess only; the request's languages override it.
fn guess_languages(text: &str) -> Vec<String> {
    let (mut han, mut kana, mut hangul, mut latin) = (false, false, false, false);
    for c in text.chars() {
        match c as u32 {
            0x3040..=0x30FF => kana = true,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF => han = true,
            0xAC00..=0xD7AF => hangul = true,
            _ if c.is_ascii_alphabetic() => latin = true,
            _ => {}
        }
    }
    let mut out = Vec::new();
    if latin {
        out.push("en".to_string());
    }
    if kana {
        out.push("ja".to_string());
    } else if han {
        out.push("zh".to_string());
    }
    if hangul {
        out.push("ko".to_string());
    }
    out
}

/// Today's date in UTC as `YYYY-MM-DD` (civil-from-days, proleptic Gregorian). The default date of a
/// statement is signing policy, so it lives here rather than in each front end.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date(secs / 86_400)
}

/// The date `days` days after 1970-01-01.
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_valid_date() {
        assert!(manifest::check_date(&today_utc()).is_ok());
    }

    #[test]
    fn civil_dates_match_known_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_520), "2026-03-08");
    }

    #[test]
    fn warning_kinds_have_stable_snake_case_names() {
        let warnings = vec![
            SignWarning::AlreadySigned {
                issuer: "Lantern Lawyers Group".into(),
                path: PathBuf::from("m/a.json"),
                seq: 3,
            },
            SignWarning::SkippedArchiveFile {
                path: PathBuf::from("m/b.json"),
                reason: SkipReason::NotAnObject,
                detail: "it is not a JSON object".into(),
            },
        ];
        let json = serde_json::to_value(&warnings).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"kind": "already_signed", "issuer": "Lantern Lawyers Group", "path": "m/a.json", "seq": 3},
                {"kind": "skipped_archive_file", "path": "m/b.json", "reason": "not_an_object",
                 "detail": "it is not a JSON object"},
            ])
        );
        let back: Vec<SignWarning> = serde_json::from_value(json).unwrap();
        assert_eq!(back, warnings);
    }

    #[test]
    fn languages_are_guessed_from_scripts() {
        assert_eq!(guess_languages("Open letter 公开信"), vec!["en", "zh"]);
        assert_eq!(guess_languages("声明"), vec!["zh"]);
        assert_eq!(guess_languages("お知らせ 公開"), vec!["ja"]);
        assert_eq!(guess_languages("1234"), Vec::<String>::new());
    }
}
