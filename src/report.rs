//! Report types shared by `verify` and `audit`. The library returns these; the binary renders them
//! (human text or JSON). Field names are a documented contract (README "JSON output").

use serde::{Deserialize, Serialize};

use crate::canon::{LayoutDifference, Suspicious};
pub use crate::diff::{Change, ChangeKind, MatchedPassage};
pub use crate::input::{InputKind, Note, NoteKind};

/// The verdict of `attest verify` (PRODUCT.md "The verdicts").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Byte-for-byte the signed statement, signed by a trusted key of its issuer.
    Exact,
    /// The same words; only layout, encoding or typography differ.
    Reformatted,
    /// The complete statement inside a larger document.
    Embedded,
    /// Only part of the statement, unaltered.
    Excerpt,
    /// Words were altered, inserted or removed.
    Modified,
    /// No signed statement in the archive corresponds to the copy.
    Unknown,
    /// Only statements signed by untrusted, revoked or invalid keys match.
    Untrusted,
    /// The content matches a validly signed statement, but not from the claimed issuer.
    Misattributed,
}

impl Verdict {
    /// The verdict's name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Exact => "exact",
            Verdict::Reformatted => "reformatted",
            Verdict::Embedded => "embedded",
            Verdict::Excerpt => "excerpt",
            Verdict::Modified => "modified",
            Verdict::Unknown => "unknown",
            Verdict::Untrusted => "untrusted",
            Verdict::Misattributed => "misattributed",
        }
    }

    /// Whether the copy is authentic (exit 0).
    pub fn is_authentic(self) -> bool {
        matches!(self, Verdict::Exact | Verdict::Reformatted)
    }
}

/// A manifest named in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRef {
    /// The manifest file.
    pub path: String,
    /// Its issuer.
    pub issuer: String,
    /// Its sequence number.
    pub seq: u64,
    /// The statement's title.
    pub title: String,
    /// The statement's date.
    pub date: String,
    /// The manifest digest.
    pub digest: String,
}

/// The kind of a [`Warning`]: stable snake_case names (README "JSON output").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The copy holds a bidirectional control character.
    BidiControl,
    /// The copy holds a tag character.
    TagCharacter,
    /// The copy holds another invisible format character.
    InvisibleCharacter,
    /// The copy holds a control character.
    ControlCharacter,
    /// The verdict is `untrusted`: why the matching statements are not trusted.
    Untrusted,
    /// Besides the trusted statement, the copy matches a statement that is not trusted.
    UntrustedMatch,
    /// The copy is attributed (`--issuer`) to an issuer that did not sign it.
    Misattributed,
    /// Another trusted issuer signed the same words too (every one is in `signers`).
    AlsoSigned,
    /// The copy holds material that is not part of what was signed.
    UnsignedMaterial,
    /// The copy lacks the statement's beginning or end.
    Partial,
    /// The copy's lines carry email reply markers that were removed before comparing.
    EmailQuoting,
    /// A further signature on the matched statement does not verify or is not trusted.
    Signature,
    /// A file in the archive could not be used.
    ArchiveFile,
    /// The copy shares phrases with a statement, too few to correspond to it (verdict `unknown`).
    SimilarPhrases,
    /// The copy has more changes than a report lists; the rest are counted.
    MoreChanges,
    /// Word-by-word comparison was not done, or not with every similar statement: the copy's
    /// text is longer than the bound, or the comparison time budget ran out.
    NotCompared,
    /// (audit) An issuer the trust store trusts has no manifest in the archive: its folder may have
    /// been deleted.
    IssuerWithoutManifests,
    /// (audit) Two issuer names look alike or differ only in Unicode normalization: one may be an
    /// impostor's.
    ConfusableIssuers,
    /// (audit) A manifest's date is earlier than its predecessor's in the issuer's chain.
    DateBackwards,
    /// (audit) A valid signature by an unknown key on a manifest that claims an issuer the trust
    /// store already trusts another key for: more likely an impostor than a new key.
    SecondKeyClaimsIssuer,
    /// The statement is signed by a key revoked after its position: still valid, but the key
    /// vouches for nothing later (docs/SPEC.md §3.4).
    SinceRevokedKey,
    /// The statement is signed by a key that a key-change record introduced (docs/SPEC.md §3.4).
    KeyChange,
    /// A joint statement names a co-signer whose co-signature is not on it: removed by whoever
    /// passed the manifest on, or not yet added (docs/SPEC.md §3.5).
    MissingCosignature,
    /// The copy was compared with its line breaks inside words re-joined, as a PDF extractor or
    /// text dumper breaks lines (docs/SPEC.md §6.2); `rejoined_breaks` lists each one.
    BrokenWords,
    /// The copy was compared with its ligatures, U+2010/U+2011 hyphens and Kangxi radicals read as
    /// the letters, hyphen and ideographs they show (docs/SPEC.md §6.2).
    TypographicForms,
    /// Running headers and footers and page numbers between the pages of a PDF's text were left
    /// out before comparing (docs/SPEC.md §6.2): unsigned material, so at best `embedded`.
    PageFurniture,
    /// Lines a messaging app adds (a forwarded-from line, a sender's name and time, a `[Photo]`
    /// placeholder) were set apart as paragraphs of their own before comparing (docs/SPEC.md §6.2).
    ChatArtefacts,
    /// A hyphenated word of the statement is written without its hyphen in the copy, as a PDF
    /// extractor writes a word hyphenated at a line end (docs/SPEC.md §6.2): still a change, since
    /// the hyphen may make a different word (`re-cover`, `recover`).
    HyphenLost,
    /// A page's style sheet may hide some of its text or add its own (docs/SPEC.md §1.3): its
    /// words are the statement's, but it is not called authentic.
    StyledPage,
}

/// A warning: something the reader should know even when the verdict is clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// A stable machine-readable kind.
    pub kind: WarningKind,
    /// A sentence for people.
    pub message: String,
}

/// How a manifest matched a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// By the digest of the exact bytes.
    Exact,
    /// By the canonical digest.
    Canonical,
    /// By word-by-word comparison.
    Approximate,
}

/// A valid signature by a trusted key, as a report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The issuer the key is trusted for.
    pub issuer: String,
    /// The key id.
    pub key_id: String,
    /// The manifest file it is on.
    pub manifest: String,
}

/// Another manifest that matched the copy but is not the basis of the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherMatch {
    /// The manifest.
    pub manifest: ManifestRef,
    /// How it matched.
    pub matched: MatchKind,
    /// Why it was not used (e.g. not signed by a trusted key).
    pub reasons: Vec<String>,
}

/// Facts about the copy itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyInfo {
    /// The file verified (`-` for standard input).
    pub path: String,
    /// SHA-256 of its exact bytes.
    pub exact_digest: String,
    /// Its canonical digest.
    pub canonical_digest: String,
    /// The encoding it was decoded from.
    pub encoding: String,
    /// Number of canonical paragraphs.
    pub paragraphs: usize,
}

/// How the copy was read (docs/SPEC.md §1.1): the kind of document it was, and notes on what of
/// it was not compared (hidden page elements, attachments, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputInfo {
    /// `text`, `html` or `email`.
    pub kind: InputKind,
    /// What extraction left out, and why.
    pub notes: Vec<Note>,
}

/// The result of `attest verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// The verdict.
    pub verdict: Verdict,
    /// The verified signer's issuer (the matched manifest's issuer), or null.
    pub issuer: Option<String>,
    /// Every issuer with a valid trusted signature on the matched statement: co-signers of the
    /// matched manifest (joint statements), and the issuers of other trusted manifests of the same
    /// words. The verdict's `issuer` first, then by name: nothing an issuer writes in its manifest
    /// (a date, a sequence number) decides the order.
    pub signers: Vec<String>,
    /// Each trusted signature behind `signers`: who, with which key, on which manifest.
    pub signed_by: Vec<Signature>,
    /// The trust store the signatures were checked against (a directory), when it has one.
    pub trust_store: Option<String>,
    /// The manifest the verdict is about, or null.
    pub manifest: Option<ManifestRef>,
    /// For `reformatted`: which tolerated differences the copy has.
    pub differences: Vec<LayoutDifference>,
    /// Altered, inserted or removed passages.
    pub changes: Vec<Change>,
    /// The passages of the statement the copy has unaltered, and where they sit in it (for
    /// `embedded`, `excerpt` and `modified`).
    pub matched: Vec<MatchedPassage>,
    /// Warnings.
    pub warnings: Vec<Warning>,
    /// Other manifests that matched but were not used.
    pub other_matches: Vec<OtherMatch>,
    /// Facts about the copy.
    pub copy: CopyInfo,
    /// How the copy was read: its kind, and what extraction left out.
    #[serde(default)]
    pub input: InputInfo,
    /// Suspicious invisible characters found in the copy.
    pub suspicious: Vec<Suspicious>,
    /// When the verdict comes from the reading of docs/SPEC.md §6.2: each line break inside a word
    /// that was re-joined (at most [`MAX_LISTED_REJOINED`]; a `broken_words` warning counts them).
    #[serde(default)]
    pub rejoined_breaks: Vec<RejoinedBreak>,
}

/// At most this many re-joined line breaks are listed in a report.
pub const MAX_LISTED_REJOINED: usize = 200;

/// A line break inside a word that the reading of docs/SPEC.md §6.2 re-joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejoinedBreak {
    /// The 1-based line of the copy that the break ends.
    pub line: usize,
    /// A few characters each side of the break, with `|` for it: `mouse-|clicks`.
    pub text: String,
    /// The break followed a soft hyphen (U+00AD); the hyphen drawn for it, if any, was dropped.
    pub soft_hyphen: bool,
}

/// The kind of an [`AuditProblem`]: stable snake_case names (README "JSON output", SPEC §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A file or directory in the archive cannot be read (or is a symbolic link).
    Unreadable,
    /// A manifest file cannot be parsed or fails a format rule.
    Malformed,
    /// A signature does not verify.
    BadSignature,
    /// A valid signature by a key that is not in the trust store.
    UnknownKey,
    /// No valid signature by a key trusted for the manifest's issuer.
    NotSignedByIssuer,
    /// The canonical text does not match its digests.
    CanonicalMismatch,
    /// A statement file differs from what its manifest signed.
    StatementMismatch,
    /// The issuer's chain misses sequence numbers.
    ChainGap,
    /// Two different manifests of one issuer share a sequence number.
    ChainFork,
    /// A manifest's `prev` does not name its predecessor.
    ChainBroken,
    /// The same manifest is stored twice.
    Duplicate,
    /// An issuer's chain ends earlier than a head known for it (remembered from an earlier audit,
    /// or given with `--expect-head`), or the issuer is gone from the archive.
    Rollback,
    /// The manifest at a known head's position is not the known one.
    HeadMismatch,
    /// A statement file expected for a manifest is missing (or is not a regular file).
    StatementMissing,
    /// A manifest's path disagrees with its content (its name, issuer folder or sequence number).
    Misplaced,
    /// Signed by a key of its issuer after that key's revocation point (docs/SPEC.md §3.4).
    RevokedKey,
    /// A revocation or key-change record is ignored: malformed, forged, or signed by a key that
    /// cannot make it.
    BadKeyRecord,
    /// A joint statement names a co-signer whose co-signature is not on it (docs/SPEC.md §3.5).
    MissingCosignature,
    /// A valid signature by a key trusted for an issuer that the manifest does not name as a
    /// co-signer: not counted (docs/SPEC.md §3.5).
    UnnamedCosigner,
}

impl ProblemKind {
    /// The kind's name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            ProblemKind::Unreadable => "unreadable",
            ProblemKind::Malformed => "malformed",
            ProblemKind::BadSignature => "bad_signature",
            ProblemKind::UnknownKey => "unknown_key",
            ProblemKind::NotSignedByIssuer => "not_signed_by_issuer",
            ProblemKind::CanonicalMismatch => "canonical_mismatch",
            ProblemKind::StatementMismatch => "statement_mismatch",
            ProblemKind::ChainGap => "chain_gap",
            ProblemKind::ChainFork => "chain_fork",
            ProblemKind::ChainBroken => "chain_broken",
            ProblemKind::Duplicate => "duplicate",
            ProblemKind::Rollback => "rollback",
            ProblemKind::HeadMismatch => "head_mismatch",
            ProblemKind::StatementMissing => "statement_missing",
            ProblemKind::Misplaced => "misplaced",
            ProblemKind::RevokedKey => "revoked_key",
            ProblemKind::BadKeyRecord => "bad_key_record",
            ProblemKind::MissingCosignature => "missing_cosignature",
            ProblemKind::UnnamedCosigner => "unnamed_cosigner",
        }
    }
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem found by `attest audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditProblem {
    /// The file concerned.
    pub path: String,
    /// A stable kind.
    pub kind: ProblemKind,
    /// What is wrong and what to do.
    pub message: String,
}

/// One issuer's chain as seen by `attest audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerSummary {
    /// The issuer.
    pub issuer: String,
    /// Manifests of this issuer signed by a key trusted for it.
    pub manifests: usize,
    /// Highest sequence number among them.
    pub latest_seq: u64,
    /// The manifest digest at `latest_seq` (the chain head), to compare with one published
    /// elsewhere; null when several different manifests share that position.
    pub head_digest: Option<String>,
}

/// The result of `attest audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    /// The archive audited.
    pub archive: String,
    /// Manifest files examined.
    pub manifests: usize,
    /// Manifests that passed every check.
    pub valid: usize,
    /// Statement files found beside their manifests and checked.
    pub statements_checked: usize,
    /// Per-issuer chains.
    pub issuers: Vec<IssuerSummary>,
    /// Every problem found.
    pub problems: Vec<AuditProblem>,
    /// Heads known from elsewhere (remembered, or expected) and how the archive compares.
    pub head_checks: Vec<HeadCheck>,
    /// Entries of the archive not read as manifests, with why.
    pub ignored: Vec<IgnoredEntry>,
    /// Things to know that are not problems of the archive (the exit code does not count them).
    pub warnings: Vec<Warning>,
}

impl AuditReport {
    /// Whether the archive is clean (exit 0).
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

pub use crate::archive::IgnoreReason;

/// An archive entry that audit did not read as a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgnoredEntry {
    /// The entry.
    pub path: String,
    /// Why.
    pub reason: IgnoreReason,
}

/// Where a known head came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadSource {
    /// Remembered from an earlier audit of the same archive.
    Remembered,
    /// Given by the user (`--expect-head`), obtained out of band.
    Expected,
}

/// How an issuer's chain in the archive compares with a known head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadOutcome {
    /// The archive's head is the known head.
    Same,
    /// The archive holds the known head and later manifests.
    Extends,
    /// The archive ends before the known head (`rollback`).
    Rollback,
    /// The issuer has no trusted manifest in the archive any more (`rollback`).
    Lost,
    /// The manifest at the known position is another one, or missing (`head_mismatch`).
    Mismatch,
}

/// One known head checked against the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadCheck {
    /// The issuer.
    pub issuer: String,
    /// The known head's sequence number.
    pub seq: u64,
    /// The known head's manifest digest.
    pub digest: String,
    /// Where it is known from.
    pub source: HeadSource,
    /// How the archive compares.
    pub outcome: HeadOutcome,
}
