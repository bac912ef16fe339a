//! Manifests: the signed record of one released statement (docs/SPEC.md §3).
//!
//! [`ManifestWire`] is the JSON on disk; [`Manifest`] is the checked form that the verifier and
//! auditor accept (parse, don't validate). Signatures are over a domain-separated, canonical encoding
//! of the manifest without its signatures: `attest/v1 manifest` || 0x00 || JCS(body) (RFC 8785).

use std::path::Path;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canon::{self, Layout, Separators, CANON_VERSION};
use crate::digest::Digest;
use crate::keys::{
    self, IssuerError, KeyId, ParseKeyIdError, PublicKeyError, SecretKey, TrustStore,
};
use crate::wire::{self, JsonProblem};

pub mod batch;
mod jcs;

/// Format tag of a manifest.
pub const MANIFEST_FORMAT: &str = "attest-manifest/2";
/// Domain-separation label for manifest signatures. A signature made for any other purpose (another
/// label) never verifies as a manifest signature.
pub const MANIFEST_SIGNING_CONTEXT: &str = "attest/v1 manifest";
/// Largest sequence number: JSON integers above 2^53 - 1 are not portable (RFC 8785 §3.2.2.3).
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// Most signature entries a manifest may carry: far more than any joint statement needs, few
/// enough that a mirror cannot pad a genuine manifest with junk signatures to slow every reader.
pub const MAX_SIGNATURES: usize = 64;

/// A manifest as stored on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestWire {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// The issuer whose chain this manifest belongs to.
    pub issuer: String,
    /// Position in the issuer's chain, from 1.
    pub seq: u64,
    /// Digest of the issuer's previous manifest (null for seq 1). Required, even when null.
    #[serde(deserialize_with = "wire::required_nullable")]
    pub prev: Option<Digest>,
    /// What was signed.
    #[serde(deserialize_with = "wire::object")]
    pub statement: StatementWire,
    /// The canonical text and its digests.
    #[serde(deserialize_with = "wire::object")]
    pub canonical: CanonicalWire,
    /// The co-signing issuers of a joint statement, each with the key that is to co-sign and the
    /// manifest's position in that issuer's own chain; null for an ordinary manifest. Required,
    /// even when null. Signed by every signer, so no co-signature can be removed unseen
    /// (docs/SPEC.md §3.5).
    #[serde(deserialize_with = "nullable_objects")]
    pub cosigners: Option<Vec<CosignerWire>>,
    /// One or more signatures over the body.
    #[serde(deserialize_with = "wire::objects")]
    pub signatures: Vec<SignatureWire>,
}

/// Statement metadata and the digest of its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementWire {
    /// Title.
    pub title: String,
    /// Date of the statement, `YYYY-MM-DD` (as asserted by the issuer).
    pub date: String,
    /// Languages (BCP 47 tags such as `en`, `zh`), where known.
    pub languages: Vec<String>,
    /// The statement's file name when signed (a bare name, no directories).
    pub file_name: String,
    /// SHA-256 of the exact bytes signed.
    #[serde(deserialize_with = "digest_field")]
    pub exact_digest: Digest,
    /// Length of the exact bytes.
    pub exact_size: u64,
}

/// The canonical text, its digest, per-paragraph digests and the original's layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanonicalWire {
    /// Always [`CANON_VERSION`].
    pub version: String,
    /// Canonical digest (SHA-256 of the canonical stream).
    #[serde(deserialize_with = "digest_field")]
    pub digest: Digest,
    /// SHA-256 of each paragraph.
    #[serde(deserialize_with = "digest_fields")]
    pub paragraph_digests: Vec<Digest>,
    /// The canonical paragraphs (the canonical text is these joined by a blank line).
    pub paragraphs: Vec<String>,
    /// Layout fingerprints of the signed bytes, so a verifier can name what a copy changed.
    #[serde(deserialize_with = "wire::object")]
    pub layout: Layout,
    /// Where the signed text has hard separators (and soft whitespace its canonical text does not
    /// show): a `reformatted` copy must keep them (docs/SPEC.md §2.10).
    #[serde(deserialize_with = "wire::object")]
    pub separators: Separators,
}

/// One co-signer named by a joint manifest (docs/SPEC.md §3.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CosignerWire {
    /// The co-signing issuer.
    pub issuer: String,
    /// The key id of the key that is to co-sign for it.
    pub key_id: String,
    /// The manifest's position in the co-signer's own chain, from 1.
    pub seq: u64,
    /// The digest of the co-signer's previous manifest (null for seq 1). Required, even when null.
    #[serde(deserialize_with = "wire::required_nullable")]
    pub prev: Option<Digest>,
}

/// A digest, read as [`Digest`]'s own `Deserialize` reads it (the same errors), from the borrowed
/// text when the JSON string has no escapes: no string is allocated per digest.
fn digest_field<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Digest, D::Error> {
    struct DigestText;

    impl serde::de::Visitor<'_> for DigestText {
        type Value = Digest;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            // What `String`'s visitor says, so that a wrong type reads as before.
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Digest, E> {
            parse_digest(text).map_err(E::custom)
        }
    }

    deserializer.deserialize_str(DigestText)
}

/// `sha256:` and 64 lowercase hex digits, decoded in one pass; anything else goes to
/// [`Digest`]'s own parser, which decides (and gives its error).
fn parse_digest(text: &str) -> Result<Digest, crate::digest::ParseDigestError> {
    fn nibble(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            _ => None,
        }
    }
    let Some(hex) = text
        .strip_prefix(crate::digest::DIGEST_PREFIX)
        .filter(|h| h.len() == 64)
    else {
        return text.parse();
    };
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        match (nibble(pair[0]), nibble(pair[1])) {
            (Some(high), Some(low)) => *byte = high << 4 | low,
            _ => return text.parse(),
        }
    }
    Ok(Digest(out))
}

/// A list of digests, each read by [`digest_field`].
fn digest_fields<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Digest>, D::Error> {
    struct Item(Digest);

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            digest_field(deserializer).map(Item)
        }
    }

    let items: Vec<Item> = Vec::deserialize(deserializer)?;
    Ok(items.into_iter().map(|i| i.0).collect())
}

/// A list of objects (never arrays in their place), or null; required either way.
fn nullable_objects<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(bound = "T: Deserialize<'de>")]
    struct Objects<T>(#[serde(deserialize_with = "wire::objects")] Vec<T>);
    Ok(wire::required_nullable::<D, Objects<T>>(deserializer)?.map(|o| o.0))
}

/// One signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureWire {
    /// Key id of the signing key.
    pub key_id: String,
    /// The signing public key (base64), so that signatures by unknown keys can still be reported.
    pub public_key: String,
    /// Ed25519 signature (base64, 64 bytes).
    pub signature: String,
}

/// Why a manifest was rejected before any signature was checked. Each rule of docs/SPEC.md §3.1 has
/// its own variant; [`ManifestError::kind`] gives it a stable name.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// Not JSON, or the JSON ends early.
    #[error("not a manifest: it is not valid JSON, or it ends early; the file may be damaged or cut short")]
    Syntax {
        /// serde_json's error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// JSON, but the top level is not an object (for example an array of the members' values).
    #[error(
        "not a manifest: the top level is not a JSON object; a manifest is one {{...}} object"
    )]
    NotAnObject {
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// A member that this version (`attest-manifest/2`) does not define.
    #[error("not a manifest: it has a member that {MANIFEST_FORMAT} does not define; it may come from another tool or a newer attest")]
    UnknownField {
        /// serde_json's error, naming the member.
        #[source]
        source: serde_json::Error,
    },
    /// A required member is missing (`prev` included: it is required even when null).
    #[error("not a manifest: a required member is missing")]
    MissingField {
        /// serde_json's error, naming the member.
        #[source]
        source: serde_json::Error,
    },
    /// A member appears twice in one object.
    #[error("not a manifest: a member appears twice")]
    DuplicateField {
        /// serde_json's error, naming the member.
        #[source]
        source: serde_json::Error,
    },
    /// A digest member is not `sha256:` and 64 lowercase hex digits.
    #[error("invalid manifest: a digest is not `sha256:` followed by 64 lowercase hex digits")]
    DigestSyntax {
        /// serde_json's error, with where.
        #[source]
        source: serde_json::Error,
    },
    /// A member has the wrong JSON type (a string for a number, an array for an object…).
    #[error("not a manifest: a member has the wrong type or an unusable value")]
    WrongType {
        /// serde_json's error, with where.
        #[source]
        source: serde_json::Error,
    },
    /// A format version this attest does not know.
    #[error("unsupported manifest format {found:?} (this attest reads {MANIFEST_FORMAT}); a newer format needs a newer attest, and a manifest of attest-manifest/1 (attest 0.1) must be signed again")]
    UnknownFormat {
        /// The `format` member (at most 64 characters of it).
        found: String,
    },
    /// The issuer name breaks a rule of §4.3.
    #[error("invalid manifest: unusable issuer name")]
    Issuer(#[source] IssuerError),
    /// `seq` is 0 or above 2^53 - 1.
    #[error("invalid manifest: seq {seq} is not between 1 and {MAX_SEQ}")]
    SeqOutOfRange {
        /// The `seq` member.
        seq: u64,
    },
    /// `seq` is 1 but `prev` is not null.
    #[error("invalid manifest: seq 1 starts a chain, so its prev must be null")]
    FirstHasPrev,
    /// `seq` is above 1 but `prev` is null.
    #[error("invalid manifest: seq {seq} must name its previous manifest in prev")]
    MissingPrev {
        /// The `seq` member.
        seq: u64,
    },
    /// `statement.date` is not a real `YYYY-MM-DD` date.
    #[error("invalid manifest: bad statement date")]
    Date(#[source] DateError),
    /// `statement.file_name` is not a bare file name.
    #[error("invalid manifest: bad statement file name")]
    FileName(#[source] FileNameError),
    /// `statement.title` breaks a rule.
    #[error("invalid manifest: bad statement title")]
    Title(#[source] TitleError),
    /// A `statement.languages` entry is not a language tag.
    #[error("invalid manifest: bad language tag")]
    Language(#[source] LanguageError),
    /// A canonicalization version this attest does not implement.
    #[error("unsupported canonicalization {found:?} (this attest implements {CANON_VERSION}); upgrade attest")]
    UnknownCanonVersion {
        /// The `canonical.version` member (at most 64 characters of it).
        found: String,
    },
    /// `canonical.paragraphs` is empty.
    #[error("invalid manifest: the canonical text has no paragraphs")]
    NoParagraphs,
    /// A canonical paragraph is empty or contains a blank line.
    #[error("invalid manifest: canonical paragraph {number} is empty or contains a blank line")]
    BadParagraph {
        /// 1-based.
        number: usize,
    },
    /// `paragraph_digests` and `paragraphs` differ in length.
    #[error("invalid manifest: {digests} paragraph digests for {paragraphs} paragraphs")]
    ParagraphDigestCount {
        /// Number of paragraphs.
        paragraphs: usize,
        /// Number of digests.
        digests: usize,
    },
    /// `cosigners` is an empty list (an ordinary manifest has null).
    #[error(
        "invalid manifest: its co-signer list is empty; an ordinary manifest has cosigners null"
    )]
    NoCosigners,
    /// More co-signers than signatures a manifest may carry.
    #[error("invalid manifest: it names {count} co-signers, more than the {} a manifest may have", MAX_SIGNATURES - 1)]
    TooManyCosigners {
        /// How many it names.
        count: usize,
    },
    /// A co-signer's issuer name breaks a rule of §4.3.
    #[error("invalid manifest: co-signer {number} has an unusable issuer name")]
    CosignerIssuer {
        /// 1-based.
        number: usize,
        /// The rule broken.
        #[source]
        source: IssuerError,
    },
    /// A co-signer's key id is not 16 lowercase hex digits.
    #[error("invalid manifest: co-signer {number} has a malformed key id")]
    CosignerKeyId {
        /// 1-based.
        number: usize,
        /// Why.
        #[source]
        source: ParseKeyIdError,
    },
    /// A co-signer's `seq` is 0 or above 2^53 - 1.
    #[error("invalid manifest: co-signer {number}'s seq {seq} is not between 1 and {MAX_SEQ}")]
    CosignerSeq {
        /// 1-based.
        number: usize,
        /// The `seq` member.
        seq: u64,
    },
    /// A co-signer's `prev` is null for a seq above 1, or not null for seq 1.
    #[error("invalid manifest: co-signer {number}'s prev must be null exactly when its seq is 1")]
    CosignerPrev {
        /// 1-based.
        number: usize,
    },
    /// A co-signer is the manifest's own issuer.
    #[error("invalid manifest: co-signer {number} is the manifest's own issuer")]
    CosignerIsIssuer {
        /// 1-based.
        number: usize,
    },
    /// Two co-signers with the same issuer or the same key id.
    #[error(
        "invalid manifest: co-signer {number} repeats an earlier co-signer's issuer or key id"
    )]
    DuplicateCosigner {
        /// 1-based.
        number: usize,
    },
    /// No signatures at all (fail closed).
    #[error("invalid manifest: it has no signatures")]
    NoSignatures,
    /// A signature's public key is unusable (bad base64, wrong length, not a point, weak).
    #[error("invalid manifest: signature {number} has an unusable public key")]
    SignaturePublicKey {
        /// 1-based.
        number: usize,
        /// Why.
        #[source]
        source: PublicKeyError,
    },
    /// A signature's key id is not 16 lowercase hex digits.
    #[error("invalid manifest: signature {number} has a malformed key id")]
    SignatureKeyIdSyntax {
        /// 1-based.
        number: usize,
        /// Why.
        #[source]
        source: ParseKeyIdError,
    },
    /// A signature's key id is not the id of its public key.
    #[error("invalid manifest: signature {number} claims key id {claimed}, which is not the id of its public key")]
    SignatureKeyIdMismatch {
        /// 1-based.
        number: usize,
        /// The key id written in the entry.
        claimed: KeyId,
    },
    /// A signature is not base64 of exactly 64 bytes.
    #[error("invalid manifest: signature {number} is not 64 bytes of base64")]
    SignatureEncoding {
        /// 1-based.
        number: usize,
    },
    /// More signature entries than [`MAX_SIGNATURES`].
    #[error("invalid manifest: it has {count} signatures, more than the {MAX_SIGNATURES} a manifest may have")]
    TooManySignatures {
        /// How many it has.
        count: usize,
    },
    /// Two signature entries by the same key.
    #[error("invalid manifest: key {key_id} signs it twice")]
    DuplicateSigner {
        /// The key.
        key_id: KeyId,
    },
    /// A number that the signing payload cannot encode (|n| > 2^53 - 1, or not an integer).
    #[error("invalid manifest: the number {number} cannot be encoded for signing (integers up to 2^53 - 1 only)")]
    NumberTooLarge {
        /// The number as written.
        number: String,
    },
}

impl ManifestError {
    /// A stable snake_case name for the variant, used by test vectors (`expect: error <kind>`).
    pub fn kind(&self) -> &'static str {
        match self {
            ManifestError::Syntax { .. } => "json_syntax",
            ManifestError::NotAnObject { .. } => "not_an_object",
            ManifestError::UnknownField { .. } => "unknown_field",
            ManifestError::MissingField { .. } => "missing_field",
            ManifestError::DuplicateField { .. } => "duplicate_field",
            ManifestError::DigestSyntax { .. } => "digest_syntax",
            ManifestError::WrongType { .. } => "wrong_type",
            ManifestError::UnknownFormat { .. } => "unknown_format",
            ManifestError::Issuer(_) => "issuer",
            ManifestError::SeqOutOfRange { .. } => "seq_out_of_range",
            ManifestError::FirstHasPrev => "first_has_prev",
            ManifestError::MissingPrev { .. } => "missing_prev",
            ManifestError::Date(_) => "date",
            ManifestError::FileName(_) => "file_name",
            ManifestError::Title(_) => "title",
            ManifestError::Language(_) => "language",
            ManifestError::UnknownCanonVersion { .. } => "unknown_canon_version",
            ManifestError::NoParagraphs => "no_paragraphs",
            ManifestError::BadParagraph { .. } => "bad_paragraph",
            ManifestError::ParagraphDigestCount { .. } => "paragraph_digest_count",
            ManifestError::NoCosigners => "no_cosigners",
            ManifestError::TooManyCosigners { .. } => "too_many_cosigners",
            ManifestError::CosignerIssuer { .. } => "cosigner_issuer",
            ManifestError::CosignerKeyId { .. } => "cosigner_key_id",
            ManifestError::CosignerSeq { .. } => "cosigner_seq",
            ManifestError::CosignerPrev { .. } => "cosigner_prev",
            ManifestError::CosignerIsIssuer { .. } => "cosigner_is_issuer",
            ManifestError::DuplicateCosigner { .. } => "duplicate_cosigner",
            ManifestError::NoSignatures => "no_signatures",
            ManifestError::SignaturePublicKey { source, .. } => source.kind(),
            ManifestError::SignatureKeyIdSyntax { .. } => "key_id_syntax",
            ManifestError::SignatureKeyIdMismatch { .. } => "key_id_mismatch",
            ManifestError::SignatureEncoding { .. } => "signature_encoding",
            ManifestError::DuplicateSigner { .. } => "duplicate_signer",
            ManifestError::TooManySignatures { .. } => "too_many_signatures",
            ManifestError::NumberTooLarge { .. } => "number_too_large",
        }
    }

    /// The variant for a serde_json error met while reading a manifest.
    fn from_json(source: serde_json::Error) -> ManifestError {
        match JsonProblem::of(&source) {
            JsonProblem::Syntax => ManifestError::Syntax { source },
            JsonProblem::NotAnObject => ManifestError::NotAnObject { source },
            JsonProblem::UnknownField => ManifestError::UnknownField { source },
            JsonProblem::MissingField => ManifestError::MissingField { source },
            JsonProblem::DuplicateField => ManifestError::DuplicateField { source },
            JsonProblem::WrongType if crate::digest::is_parse_error(&source) => {
                ManifestError::DigestSyntax { source }
            }
            JsonProblem::WrongType => ManifestError::WrongType { source },
        }
    }
}

/// At most 64 characters of a value quoted from a file, so errors never carry large contents.
fn shorten(value: &str) -> String {
    value.chars().take(64).collect()
}

/// A checked signature entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureEntry {
    /// Key id (matches `public_key`).
    pub key_id: KeyId,
    /// The claimed signing key.
    pub public_key: VerifyingKey,
    /// The signature.
    pub signature: Signature,
}

/// A checked co-signer of a joint manifest (docs/SPEC.md §3.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosigner {
    /// The co-signing issuer (never the manifest's own).
    pub issuer: String,
    /// The key that is to co-sign for it.
    pub key_id: KeyId,
    /// The manifest's position in the co-signer's chain.
    pub seq: u64,
    /// The co-signer's previous manifest (null exactly when `seq` is 1).
    pub prev: Option<Digest>,
}

impl Cosigner {
    /// The wire form.
    pub fn to_wire(&self) -> CosignerWire {
        CosignerWire {
            issuer: self.issuer.clone(),
            key_id: self.key_id.to_string(),
            seq: self.seq,
            prev: self.prev,
        }
    }
}

/// Check the `cosigners` member (§3.5): null, or 1 to [`MAX_SIGNATURES`] − 1 distinct other issuers,
/// each with a key id and a chain position of the same form as the manifest's own.
fn check_cosigners(wire: &ManifestWire) -> Result<Vec<Cosigner>, ManifestError> {
    let Some(list) = &wire.cosigners else {
        return Ok(Vec::new());
    };
    if list.is_empty() {
        return Err(ManifestError::NoCosigners);
    }
    if list.len() > MAX_SIGNATURES - 1 {
        return Err(ManifestError::TooManyCosigners { count: list.len() });
    }
    let mut out: Vec<Cosigner> = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let number = i + 1;
        keys::check_issuer(&c.issuer)
            .map_err(|source| ManifestError::CosignerIssuer { number, source })?;
        let key_id: KeyId = c
            .key_id
            .parse()
            .map_err(|source| ManifestError::CosignerKeyId { number, source })?;
        if c.seq == 0 || c.seq > MAX_SEQ {
            return Err(ManifestError::CosignerSeq { number, seq: c.seq });
        }
        if (c.seq == 1) != c.prev.is_none() {
            return Err(ManifestError::CosignerPrev { number });
        }
        if c.issuer == wire.issuer {
            return Err(ManifestError::CosignerIsIssuer { number });
        }
        if out
            .iter()
            .any(|o| o.issuer == c.issuer || o.key_id == key_id)
        {
            return Err(ManifestError::DuplicateCosigner { number });
        }
        out.push(Cosigner {
            issuer: c.issuer.clone(),
            key_id,
            seq: c.seq,
            prev: c.prev,
        });
    }
    Ok(out)
}

/// A manifest whose fields have all been checked for form (not yet for signatures or content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    wire: ManifestWire,
    cosigners: Vec<Cosigner>,
    signatures: Vec<SignatureEntry>,
    digest: Digest,
    /// The signing payload, kept so that checking signatures does not encode it again.
    payload: Vec<u8>,
    /// Whether each signature verifies, when [`verify_batch`] has checked them.
    verified: Verified,
}

/// Signature results found by [`verify_batch`]: exactly `verify_strict`'s, kept so that the trust
/// decision does not check them again. A cache, not part of what the manifest is: it never makes
/// two manifests unequal.
#[derive(Debug, Clone, Default)]
struct Verified(Option<Vec<bool>>);

impl PartialEq for Verified {
    fn eq(&self, _: &Verified) -> bool {
        true
    }
}

impl Eq for Verified {}

/// Check the signatures of many manifests at once ([`batch::verify_strict_batch`], on the calling
/// thread; callers split the work into chunks of a few hundred manifests and run those in
/// parallel). Each manifest remembers the results, and [`Manifest::check_signatures`] and
/// [`Manifest::signed_by`] (so the trust decision) use them: they are exactly what
/// `verify_strict` says (docs/SPEC.md §3.3).
pub fn verify_batch(manifests: &mut [&mut Manifest]) {
    let items: Vec<batch::BatchItem<'_>> = manifests
        .iter()
        .flat_map(|m| {
            m.signatures.iter().map(|s| batch::BatchItem {
                message: &m.payload,
                key: &s.public_key,
                signature: &s.signature,
            })
        })
        .collect();
    let mut results = batch::verify_strict_batch(&items).into_iter();
    for m in manifests.iter_mut() {
        let n = m.signatures.len();
        m.verified = Verified(Some(results.by_ref().take(n).collect()));
    }
}

impl TryFrom<ManifestWire> for Manifest {
    type Error = ManifestError;

    fn try_from(wire: ManifestWire) -> Result<Self, Self::Error> {
        Manifest::from_wire(wire, 4096)
    }
}

impl Manifest {
    /// [`Manifest::try_from`], with room for a signing payload of `payload_capacity` bytes.
    fn from_wire(wire: ManifestWire, payload_capacity: usize) -> Result<Manifest, ManifestError> {
        if wire.format != MANIFEST_FORMAT {
            return Err(ManifestError::UnknownFormat {
                found: shorten(&wire.format),
            });
        }
        keys::check_issuer(&wire.issuer).map_err(ManifestError::Issuer)?;
        if wire.seq == 0 || wire.seq > MAX_SEQ {
            return Err(ManifestError::SeqOutOfRange { seq: wire.seq });
        }
        match (wire.seq, &wire.prev) {
            (1, Some(_)) => return Err(ManifestError::FirstHasPrev),
            (seq, None) if seq > 1 => return Err(ManifestError::MissingPrev { seq }),
            _ => {}
        }
        let st = &wire.statement;
        check_date(&st.date).map_err(ManifestError::Date)?;
        check_file_name(&st.file_name).map_err(ManifestError::FileName)?;
        check_title(&st.title).map_err(ManifestError::Title)?;
        for lang in &st.languages {
            check_language(lang).map_err(ManifestError::Language)?;
        }
        let c = &wire.canonical;
        if c.version != CANON_VERSION {
            return Err(ManifestError::UnknownCanonVersion {
                found: shorten(&c.version),
            });
        }
        if c.paragraphs.is_empty() {
            return Err(ManifestError::NoParagraphs);
        }
        if let Some(i) = c
            .paragraphs
            .iter()
            .position(|p| p.is_empty() || p.contains("\n\n"))
        {
            return Err(ManifestError::BadParagraph { number: i + 1 });
        }
        if c.paragraph_digests.len() != c.paragraphs.len() {
            return Err(ManifestError::ParagraphDigestCount {
                paragraphs: c.paragraphs.len(),
                digests: c.paragraph_digests.len(),
            });
        }
        let cosigners = check_cosigners(&wire)?;
        if wire.signatures.is_empty() {
            return Err(ManifestError::NoSignatures);
        }
        if wire.signatures.len() > MAX_SIGNATURES {
            return Err(ManifestError::TooManySignatures {
                count: wire.signatures.len(),
            });
        }
        let mut signatures: Vec<SignatureEntry> = Vec::with_capacity(wire.signatures.len());
        let mut signers: std::collections::HashSet<KeyId> = std::collections::HashSet::new();
        for (i, s) in wire.signatures.iter().enumerate() {
            let number = i + 1;
            let public_key = keys::parse_verifying_key(&s.public_key)
                .map_err(|source| ManifestError::SignaturePublicKey { number, source })?;
            let key_id: KeyId = s
                .key_id
                .parse()
                .map_err(|source| ManifestError::SignatureKeyIdSyntax { number, source })?;
            if key_id != KeyId::of(&public_key) {
                return Err(ManifestError::SignatureKeyIdMismatch {
                    number,
                    claimed: key_id,
                });
            }
            if !signers.insert(key_id) {
                return Err(ManifestError::DuplicateSigner { key_id });
            }
            let bytes: [u8; 64] = BASE64
                .decode(&s.signature)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or(ManifestError::SignatureEncoding { number })?;
            signatures.push(SignatureEntry {
                key_id,
                public_key,
                signature: Signature::from_bytes(&bytes),
            });
        }
        let payload = signing_payload_sized(&wire, payload_capacity)?;
        let digest = Digest::of(&payload);
        Ok(Manifest {
            wire,
            cosigners,
            signatures,
            digest,
            payload,
            verified: Verified::default(),
        })
    }
}

impl Manifest {
    /// Parse manifest JSON.
    pub fn parse(json: &[u8]) -> Result<Manifest, ManifestError> {
        let wire: ManifestWire = wire::from_slice(json).map_err(|e| {
            // A manifest of another format version has other members: say "upgrade" (or that it
            // is an old format), not "unknown member".
            match other_format(json) {
                Some(found) => ManifestError::UnknownFormat { found },
                None => ManifestError::from_json(e),
            }
        })?;
        // The payload is the file without its signatures, in compact form: shorter than the file.
        Manifest::from_wire(wire, json.len() + 64)
    }

    /// The wire form.
    pub fn wire(&self) -> &ManifestWire {
        &self.wire
    }

    /// The issuer whose chain this is.
    pub fn issuer(&self) -> &str {
        &self.wire.issuer
    }

    /// Sequence number.
    pub fn seq(&self) -> u64 {
        self.wire.seq
    }

    /// Previous manifest's digest.
    pub fn prev(&self) -> Option<Digest> {
        self.wire.prev
    }

    /// The manifest digest: SHA-256 of its signing payload. The next manifest's `prev` names it.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The checked signatures.
    pub fn signatures(&self) -> &[SignatureEntry] {
        &self.signatures
    }

    /// The co-signers a joint manifest names (empty for an ordinary manifest, `cosigners` null).
    pub fn cosigners(&self) -> &[Cosigner] {
        &self.cosigners
    }

    /// The co-signer entry for `issuer`, if this is a joint manifest that names it.
    pub fn cosigner(&self, issuer: &str) -> Option<&Cosigner> {
        self.cosigners.iter().find(|c| c.issuer == issuer)
    }

    /// The co-signers named whose named key left no signature entry on the manifest: a
    /// co-signature removed (or not yet added), `missing_cosignature` (docs/SPEC.md §3.5).
    pub fn missing_cosigners(&self) -> Vec<&Cosigner> {
        self.cosigners
            .iter()
            .filter(|c| self.signatures.iter().all(|s| s.key_id != c.key_id))
            .collect()
    }

    /// This manifest's position (seq, prev) in `issuer`'s chain: its own for its issuer, the named
    /// one for a co-signer, `None` for any other issuer.
    pub fn position_of(&self, issuer: &str) -> Option<(u64, Option<Digest>)> {
        if issuer == self.issuer() {
            return Some((self.seq(), self.prev()));
        }
        self.cosigner(issuer).map(|c| (c.seq, c.prev))
    }

    /// Add `key`'s signature over the same payload, as a co-signer (docs/SPEC.md §3.5). The payload,
    /// and so the manifest digest, do not change. Refused when the key already signed it
    /// ([`ManifestError::DuplicateSigner`]) or when there would be too many signatures. Whether the
    /// key is a named co-signer is the caller's decision (`attest::cosign` requires it).
    pub fn add_signature(&self, key: &SecretKey) -> Result<Manifest, ManifestError> {
        let public = key.public();
        let mut wire = self.wire.clone();
        wire.signatures.push(SignatureWire {
            key_id: public.key_id.to_string(),
            public_key: BASE64.encode(public.key.as_bytes()),
            signature: BASE64.encode(key.sign(&self.payload).to_bytes()),
        });
        Manifest::try_from(wire)
    }

    /// The canonical text (paragraphs joined by a blank line).
    pub fn canonical_text(&self) -> String {
        self.wire.canonical.paragraphs.join("\n\n")
    }

    /// Pretty JSON for the archive (ends with a newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.wire).expect("manifest serializes");
        s.push('\n');
        s
    }

    /// Check the canonical text against the digests it claims. Returns a description of each mismatch.
    pub fn content_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let c = &self.wire.canonical;
        let text = self.canonical_text();
        let recanonical = canon::canonicalize(&text);
        if recanonical.text != text {
            problems.push("the stored canonical text is not in canonical form".to_string());
        }
        if canon::stream_digest(&text) != c.digest {
            problems.push("the canonical text does not match the canonical digest".to_string());
        }
        for (i, (p, d)) in c.paragraphs.iter().zip(&c.paragraph_digests).enumerate() {
            if Digest::of(p.as_bytes()) != *d {
                problems.push(format!("paragraph {} does not match its digest", i + 1));
            }
        }
        let (tokens, shown) = canon::separators::shown_gaps(&text);
        if let Some(problem) = c.separators.problems(tokens, &shown) {
            problems.push(problem);
        }
        problems
    }

    /// Whether `key` made a valid signature on this manifest.
    pub fn signed_by(&self, key: &VerifyingKey) -> bool {
        (0..self.signatures.len())
            .any(|i| self.signatures[i].public_key == *key && self.signature_verifies(i))
    }

    /// Whether signature `i` verifies (`verify_strict`, or what [`verify_batch`] found).
    fn signature_verifies(&self, i: usize) -> bool {
        // A result for each signature, or none: a manifest is never changed after parsing
        // (`add_signature` parses a new one), but a missing result is checked, not assumed.
        match self.verified.0.as_ref().and_then(|results| results.get(i)) {
            Some(valid) => *valid,
            None => {
                let s = &self.signatures[i];
                s.public_key
                    .verify_strict(&self.payload, &s.signature)
                    .is_ok()
            }
        }
    }

    /// Whether a signature names a key that the trust store holds for this manifest's issuer (without
    /// checking the signature: a cheap test for sorting candidates, never a verdict).
    pub fn names_trusted_key(&self, trust: &TrustStore) -> bool {
        self.signatures.iter().any(|s| {
            trust
                .get(&s.key_id)
                .is_some_and(|t| t.key.issuer == self.issuer() && t.key.key == s.public_key)
        })
    }

    /// Check every signature against the trust store.
    pub fn check_signatures(&self, trust: &TrustStore) -> Vec<SignatureCheck> {
        self.signatures
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let valid = self.signature_verifies(i);
                let status = match (valid, trust.get(&s.key_id)) {
                    (false, _) => SignatureStatus::Invalid,
                    (true, Some(t)) if t.key.key == s.public_key => SignatureStatus::Trusted {
                        issuer: t.key.issuer.clone(),
                    },
                    (true, _) => SignatureStatus::UnknownKey,
                };
                SignatureCheck {
                    key_id: s.key_id,
                    status,
                }
            })
            .collect()
    }
}

/// The outcome of checking one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// The key that claims to have signed.
    pub key_id: KeyId,
    /// What we found.
    pub status: SignatureStatus,
}

/// Whether a signature verifies, and whether its key is trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureStatus {
    /// Valid, by a key in the trust store, trusted for `issuer`.
    Trusted {
        /// The issuer the key is trusted for.
        issuer: String,
    },
    /// Valid, but the key is not in the trust store.
    UnknownKey,
    /// Does not verify.
    Invalid,
}

/// The trust verdict on one manifest: who validly signed it, and whether its own issuer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAssessment {
    /// Issuers with a valid signature by a key trusted for them (the manifest's issuer first).
    pub signers: Vec<String>,
    /// Each valid signature by a trusted key: the issuer it is trusted for, and the key id.
    pub signer_keys: Vec<(String, KeyId)>,
    /// Whether the manifest's own issuer is among them.
    pub issuer_signed: bool,
    /// Why it is not trusted, when it is not.
    pub problems: Vec<String>,
}

impl Manifest {
    /// Assess trust: the manifest is trusted when its issuer has a valid signature by a key trusted for
    /// that issuer. Co-signers are listed too.
    pub fn assess(&self, trust: &TrustStore) -> TrustAssessment {
        self.assess_checks(self.check_signatures(trust))
    }

    /// [`Manifest::assess`] from signature checks already made (each signature is verified once).
    pub fn assess_checks(&self, checks: Vec<SignatureCheck>) -> TrustAssessment {
        let mut signers: Vec<String> = Vec::new();
        let mut signer_keys: Vec<(String, KeyId)> = Vec::new();
        let mut problems = Vec::new();
        for check in checks {
            match check.status {
                SignatureStatus::Trusted { issuer }
                    if issuer != self.issuer()
                        && self
                            .cosigner(&issuer)
                            .is_none_or(|c| c.key_id != check.key_id) =>
                {
                    problems.push(format!(
                        "signed by key {} of {issuer:?}, which the manifest does not name as a co-signer; the signature is not counted",
                        check.key_id
                    ))
                }
                SignatureStatus::Trusted { issuer } => {
                    signer_keys.push((issuer.clone(), check.key_id));
                    if !signers.contains(&issuer) {
                        signers.push(issuer);
                    }
                }
                SignatureStatus::UnknownKey => problems.push(format!(
                    "signed by key {} which is not in the trust store",
                    check.key_id
                )),
                SignatureStatus::Invalid => problems.push(format!(
                    "the signature by key {} does not verify",
                    check.key_id
                )),
            }
        }
        let issuer_signed = signers.iter().any(|s| s == self.issuer());
        if !issuer_signed {
            let others = signers
                .iter()
                .filter(|s| *s != self.issuer())
                .collect::<Vec<_>>();
            if !others.is_empty() {
                problems.push(format!(
                    "no trusted key of {:?} signed it (trusted signers: {})",
                    self.issuer(),
                    others
                        .iter()
                        .map(|s| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            } else if problems.is_empty() {
                problems.push(format!("no trusted key of {:?} signed it", self.issuer()));
            }
        }
        signers.sort_by_key(|s| s != self.issuer());
        signer_keys.sort_by_key(|(s, _)| s != self.issuer());
        TrustAssessment {
            signers,
            signer_keys,
            issuer_signed,
            problems,
        }
    }
}

/// What `sign` needs to build a manifest.
#[derive(Debug, Clone)]
pub struct NewStatement<'a> {
    /// Exact bytes of the statement (UTF-8).
    pub bytes: &'a [u8],
    /// Its canonical form.
    pub canonical: &'a canon::Canonical,
    /// Title.
    pub title: String,
    /// Date, `YYYY-MM-DD`.
    pub date: String,
    /// Languages.
    pub languages: Vec<String>,
    /// Bare file name.
    pub file_name: String,
}

impl NewStatement<'_> {
    /// The statement's separators (docs/SPEC.md §2.10), from its bytes, which `sign` has checked
    /// are UTF-8 (a BOM is an ignorable character, so it changes nothing here).
    fn separators(&self) -> Separators {
        canon::separators(&String::from_utf8_lossy(self.bytes))
    }
}

/// Build and sign a manifest at position `seq` after `prev`.
pub fn sign_statement(
    key: &SecretKey,
    statement: &NewStatement<'_>,
    seq: u64,
    prev: Option<Digest>,
) -> Result<Manifest, ManifestError> {
    sign_joint_statement(key, statement, seq, prev, &[])
}

/// Build and sign a manifest at position `seq` after `prev`, naming `cosigners` (a joint manifest
/// when not empty, docs/SPEC.md §3.5). Only `key` signs: each co-signer adds its signature later
/// ([`Manifest::add_signature`]).
pub fn sign_joint_statement(
    key: &SecretKey,
    statement: &NewStatement<'_>,
    seq: u64,
    prev: Option<Digest>,
    cosigners: &[Cosigner],
) -> Result<Manifest, ManifestError> {
    let c = statement.canonical;
    let mut wire = ManifestWire {
        format: MANIFEST_FORMAT.into(),
        issuer: key.issuer().to_string(),
        seq,
        prev,
        statement: StatementWire {
            title: statement.title.clone(),
            date: statement.date.clone(),
            languages: statement.languages.clone(),
            file_name: statement.file_name.clone(),
            exact_digest: Digest::of(statement.bytes),
            exact_size: statement.bytes.len() as u64,
        },
        canonical: CanonicalWire {
            version: CANON_VERSION.into(),
            digest: c.digest,
            paragraph_digests: c.paragraph_digests(),
            paragraphs: c.paragraphs().map(str::to_string).collect(),
            layout: c.layout.clone(),
            separators: statement.separators(),
        },
        cosigners: (!cosigners.is_empty())
            .then(|| cosigners.iter().map(Cosigner::to_wire).collect()),
        signatures: Vec::new(),
    };
    let payload = signing_payload(&wire)?;
    let public = key.public();
    wire.signatures.push(SignatureWire {
        key_id: public.key_id.to_string(),
        public_key: BASE64.encode(public.key.as_bytes()),
        signature: BASE64.encode(key.sign(&payload).to_bytes()),
    });
    Manifest::try_from(wire)
}

/// The `format` of a JSON object that is not this version's manifest, if it names another format.
fn other_format(json: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Probe {
        format: String,
    }
    let probe: Probe = serde_json::from_slice(json).ok()?;
    (probe.format != MANIFEST_FORMAT).then(|| shorten(&probe.format))
}

/// The bytes that are signed: `attest/v1 manifest` || 0x00 || JCS(manifest without `signatures`).
///
/// Written straight from the typed struct (`jcs::write_manifest`); [`signing_payload_via_value`] is the
/// slow, obvious form the tests hold it to.
pub fn signing_payload(wire: &ManifestWire) -> Result<Vec<u8>, ManifestError> {
    signing_payload_sized(wire, 4096)
}

/// [`signing_payload`] into a buffer of `capacity` bytes to start with (a parsed manifest keeps
/// its payload: the size of its file is a close upper bound, where 4 KiB would waste most of it).
fn signing_payload_sized(wire: &ManifestWire, capacity: usize) -> Result<Vec<u8>, ManifestError> {
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(MANIFEST_SIGNING_CONTEXT.as_bytes());
    out.push(0);
    jcs::write_manifest(wire, &mut out)?;
    Ok(out)
}

/// [`signing_payload`] through a `serde_json::Value` and [`jcs`]: the oracle for the typed path.
pub fn signing_payload_via_value(wire: &ManifestWire) -> Result<Vec<u8>, ManifestError> {
    let mut value = serde_json::to_value(wire).expect("a manifest's wire form is plain JSON");
    if let Value::Object(map) = &mut value {
        map.remove("signatures");
    }
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(MANIFEST_SIGNING_CONTEXT.as_bytes());
    out.push(0);
    jcs(&value, &mut out)?;
    Ok(out)
}

/// RFC 8785 canonical JSON for the values manifests contain: objects with members sorted by UTF-16
/// code units, arrays, strings, booleans, null and integers (no floats occur; they are rejected).
pub fn jcs(value: &Value, out: &mut Vec<u8>) -> Result<(), ManifestError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            let i = n
                .as_u64()
                .map(i128::from)
                .or_else(|| n.as_i64().map(i128::from));
            match i {
                Some(i) if i.unsigned_abs() <= u128::from(MAX_SEQ) => {
                    out.extend_from_slice(i.to_string().as_bytes())
                }
                _ => {
                    return Err(ManifestError::NumberTooLarge {
                        number: n.to_string(),
                    })
                }
            }
        }
        // serde_json escapes exactly as RFC 8785 requires: `"` `\` and controls, short forms for
        // \b \t \n \f \r, lowercase \u00xx otherwise, everything else literal UTF-8.
        Value::String(s) => out.extend_from_slice(
            serde_json::to_string(s)
                .expect("strings serialize")
                .as_bytes(),
        ),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                jcs(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push(b'{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(
                    serde_json::to_string(k)
                        .expect("strings serialize")
                        .as_bytes(),
                );
                out.push(b':');
                jcs(v, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// Longest title accepted, in characters.
pub const MAX_TITLE_LEN: usize = 500;

/// Why a title is unusable (docs/SPEC.md §3.1, `statement.title`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TitleError {
    /// Empty, or only whitespace.
    #[error("the title is empty; give the statement's title")]
    Empty,
    /// Longer than [`MAX_TITLE_LEN`] characters.
    #[error("the title is longer than {MAX_TITLE_LEN} characters; shorten it")]
    TooLong,
    /// A line break, control, bidirectional, invisible or blank character, or whitespace other
    /// than U+0020.
    #[error("the title contains line breaks, control, bidirectional, invisible or blank characters, or unusual spaces; retype it on one line with ordinary spaces")]
    HiddenCharacters,
}

/// A date is not a real calendar date in the form `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("date {date:?} is not a calendar date in the form YYYY-MM-DD, such as 2026-03-08")]
pub struct DateError {
    /// The date given (at most 64 characters of it).
    pub date: String,
}

/// A language tag is not 1 to 35 ASCII letters, digits and hyphens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("language {tag:?} is not a language tag such as en or zh-Hant")]
pub struct LanguageError {
    /// The tag given (at most 64 characters of it).
    pub tag: String,
}

/// A file name is not a bare file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("file_name {name:?} must be a bare file name with no directories")]
pub struct FileNameError {
    /// The name given (at most 64 characters of it).
    pub name: String,
}

/// A title: not empty, at most 500 characters, one line, and no control, bidirectional, invisible
/// or blank characters, nor whitespace but U+0020 (a title is shown to people verifying copies and
/// must display as what it is; the rule is the issuer name's, `canon::is_hidden_in_name`).
pub fn check_title(title: &str) -> Result<(), TitleError> {
    if title.trim().is_empty() {
        return Err(TitleError::Empty);
    }
    if title.chars().count() > MAX_TITLE_LEN {
        return Err(TitleError::TooLong);
    }
    if title.chars().any(canon::is_hidden_in_name) {
        return Err(TitleError::HiddenCharacters);
    }
    Ok(())
}

/// A language tag: 1 to 35 ASCII letters, digits and hyphens (BCP 47 shape, e.g. `en`, `zh-Hant`).
pub fn check_language(tag: &str) -> Result<(), LanguageError> {
    if tag.is_empty()
        || tag.len() > 35
        || !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(LanguageError { tag: shorten(tag) });
    }
    Ok(())
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn check_date(date: &str) -> Result<(), DateError> {
    let bad = || DateError {
        date: shorten(date),
    };
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| {
        date.get(r)
            .filter(|s| s.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|s| s.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(bad());
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok(())
}

/// A bare file name: no directory parts, so a manifest can never point outside its directory.
pub fn check_file_name(name: &str) -> Result<(), FileNameError> {
    let path = Path::new(name);
    let bare = path.file_name().is_some_and(|f| f == path.as_os_str());
    if name.is_empty()
        || !bare
        || name.contains(['/', '\\'])
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c.is_control() || canon::is_hidden_in_name(c))
    {
        return Err(FileNameError {
            name: shorten(name),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file name is shown in reports: a line separator, a tab or an invisible character in it
    /// would make it look like another name.
    #[test]
    fn file_name_with_a_line_separator_or_hidden_character_is_refused() {
        for name in [
            "a\u{2028}b.txt",
            "a\tb.txt",
            "a\u{200B}b.txt",
            "a\u{3000}b.txt",
        ] {
            assert!(check_file_name(name).is_err(), "{name:?}");
        }
        assert!(check_file_name("open letter 公开信.txt").is_ok());
    }

    fn sample(key: &SecretKey, text: &str) -> Manifest {
        let c = canon::canonicalize(text);
        let st = NewStatement {
            bytes: text.as_bytes(),
            canonical: &c,
            title: "Open letter".into(),
            date: "2026-03-08".into(),
            languages: vec!["en".into()],
            file_name: "letter.txt".into(),
        };
        sign_statement(key, &st, 1, None).unwrap()
    }

    fn store_with(key: &SecretKey) -> TrustStore {
        let mut t = TrustStore::default();
        t.add(key.public(), "k.pub".into()).unwrap();
        t
    }

    #[test]
    fn signed_manifest_round_trips_and_verifies() {
        let key = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        let m = sample(&key, "We call for the release of the detained lawyers.\n");
        let back = Manifest::parse(m.to_json().as_bytes()).unwrap();
        assert_eq!(back, m);
        let a = back.assess(&store_with(&key));
        assert!(a.issuer_signed, "{a:?}");
        assert!(back.content_problems().is_empty());
    }

    #[test]
    fn tampered_field_breaks_signature() {
        let key = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        let m = sample(&key, "Call +852 5550 0123 for details.\n");
        let json = m.to_json().replace("2026-03-08", "2026-03-09");
        let back = Manifest::parse(json.as_bytes()).unwrap();
        let checks = back.check_signatures(&store_with(&key));
        assert_eq!(checks[0].status, SignatureStatus::Invalid);
    }

    #[test]
    fn signature_is_domain_separated() {
        let key = SecretKey::generate("A").unwrap();
        let m = sample(&key, "Text.\n");
        let payload = signing_payload(m.wire()).unwrap();
        assert!(payload.starts_with(b"attest/v1 manifest\0{"));
        // The same body signed without the context label does not verify.
        let body = &payload[MANIFEST_SIGNING_CONTEXT.len() + 1..];
        let sig = key.sign(body);
        assert!(key.public().key.verify_strict(&payload, &sig).is_err());
    }

    #[test]
    fn jcs_sorts_members_and_escapes_like_rfc8785() {
        let v: Value =
            serde_json::json!({"b": [1, "x\u{1}\n\"é"], "a": null, "\u{e9}": true, "Z": false});
        let mut out = Vec::new();
        jcs(&v, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"Z\":false,\"a\":null,\"b\":[1,\"x\\u0001\\n\\\"é\"],\"é\":true}"
        );
    }

    /// Issue 9: the payload is written straight from the struct; it must stay byte for byte what
    /// the `Value` path writes (the oracle), for any strings and numbers a wire may hold.
    #[test]
    fn typed_payload_matches_the_value_path_on_edge_cases() {
        let key = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        let m = sample(
            &key,
            "We call for the release.\n\n律师 \u{2028} \"quoted\"\r\n",
        );
        let mut wire = m.wire().clone();
        assert_eq!(
            signing_payload(&wire).unwrap(),
            signing_payload_via_value(&wire).unwrap()
        );
        wire.statement.title = "\u{0}\u{1f}\u{7f}\\/\u{FEFF}\u{1F600}é\t\u{8}\u{c}".into();
        wire.statement.languages = vec![];
        wire.seq = MAX_SEQ;
        assert_eq!(
            signing_payload(&wire).unwrap(),
            signing_payload_via_value(&wire).unwrap()
        );
        // A joint manifest's co-signers, a prev, and text members needing escapes.
        wire.prev = Some(Digest::of(b"the previous manifest"));
        wire.issuer = "Harbour \"Rights\"\n律师".into();
        wire.cosigners = Some(vec![
            CosignerWire {
                issuer: "Lantern Lawyers Group".into(),
                key_id: "1ab0b4ab920c355b".into(),
                seq: 1,
                prev: None,
            },
            CosignerWire {
                issuer: "Tide\\Press\u{1}".into(),
                key_id: "\"".into(),
                seq: MAX_SEQ,
                prev: Some(Digest::of(b"x")),
            },
        ]);
        wire.statement.languages = vec!["en".into(), "zh-Hant\u{7}".into()];
        wire.canonical.version = "v\"2".into();
        assert_eq!(
            signing_payload(&wire).unwrap(),
            signing_payload_via_value(&wire).unwrap()
        );
        wire.cosigners = Some(vec![]);
        assert_eq!(
            signing_payload(&wire).unwrap(),
            signing_payload_via_value(&wire).unwrap()
        );
        wire.cosigners = Some(vec![CosignerWire {
            issuer: "A".into(),
            key_id: "k".into(),
            seq: MAX_SEQ + 1,
            prev: None,
        }]);
        assert!(matches!(
            signing_payload(&wire),
            Err(ManifestError::NumberTooLarge { .. })
        ));
        wire.cosigners = None;
        wire.statement.exact_size = MAX_SEQ + 1;
        assert!(matches!(
            signing_payload(&wire),
            Err(ManifestError::NumberTooLarge { .. })
        ));
        assert!(matches!(
            signing_payload_via_value(&wire),
            Err(ManifestError::NumberTooLarge { .. })
        ));
    }

    /// The typed writer sorts members by UTF-16 code units as RFC 8785 says, also for maps whose
    /// keys sort differently by bytes (U+FF61 after U+1F600 in bytes, before it in UTF-16).
    #[test]
    fn typed_jcs_sorts_map_keys_by_utf16_like_the_value_path() {
        let v: Value = serde_json::json!({
            "\u{1F600}": 1, "\u{FF61}": [true, null, "x"], "a": {"b": -3, "B": "\u{1}"}
        });
        let (mut typed, mut oracle) = (Vec::new(), Vec::new());
        jcs::write(&v, None, &mut typed).unwrap();
        jcs(&v, &mut oracle).unwrap();
        assert_eq!(typed, oracle);
        let mut skipped = Vec::new();
        jcs::write(&v, Some("a"), &mut skipped).unwrap();
        assert!(!String::from_utf8(skipped).unwrap().contains("\"b\""));
    }

    /// The one-pass digest decoder accepts and refuses exactly what `Digest`'s parser does.
    #[test]
    fn fast_digest_decoder_agrees_with_the_digest_parser() {
        let good = Digest::of(b"a statement").to_string();
        let mut cases = vec![
            good.clone(),
            good.to_uppercase(),
            good.replace("sha256:", "sha512:"),
            good[..good.len() - 1].to_string(),
            format!("{good}0"),
            format!("sha256:{}", "g".repeat(64)),
            format!("sha256:{}", "0".repeat(64)),
            format!("sha256:{}é", "0".repeat(62)),
            String::new(),
        ];
        for at in [7, 8, 40, 70] {
            let mut bad = good.clone().into_bytes();
            bad[at] = b'F';
            cases.push(String::from_utf8(bad).unwrap());
        }
        for case in cases {
            assert_eq!(
                parse_digest(&case).ok(),
                case.parse::<Digest>().ok(),
                "{case}"
            );
        }
        assert_eq!(parse_digest(&good).unwrap(), Digest::of(b"a statement"));
    }

    proptest::proptest! {
        /// Any strings in a manifest's text members: the typed payload is the `Value` path's.
        #[test]
        fn typed_payload_matches_the_value_path(
            title in ".{0,40}",
            name in "\\PC{0,20}",
            paragraphs in proptest::collection::vec(".{0,60}", 0..4),
            size in 0u64..(1 << 60),
        ) {
            let key = SecretKey::generate("A").unwrap();
            let mut wire = sample(&key, "Text.\n").wire().clone();
            wire.statement.title = title;
            wire.statement.file_name = name;
            wire.canonical.paragraphs = paragraphs;
            wire.statement.exact_size = size;
            let typed = signing_payload(&wire);
            let oracle = signing_payload_via_value(&wire);
            match (typed, oracle) {
                (Ok(a), Ok(b)) => proptest::prop_assert_eq!(a, b),
                (Err(a), Err(b)) => proptest::prop_assert_eq!(a.kind(), b.kind()),
                (a, b) => proptest::prop_assert!(false, "{:?} vs {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }

    proptest::proptest! {
        /// Any mutation of a valid manifest (a byte changed, or the file cut short) parses to an
        /// error or to a manifest whose checks run without panicking; it never panics.
        #[test]
        fn mutated_manifests_never_panic(
            at in proptest::prelude::any::<proptest::sample::Index>(),
            byte in proptest::prelude::any::<u8>(),
            cut in proptest::prelude::any::<bool>(),
        ) {
            let key = SecretKey::generate("A").unwrap();
            let mut json = sample(&key, "Call +852 5550 0123.\n\n律师。\n").to_json().into_bytes();
            let i = at.index(json.len());
            if cut { json.truncate(i) } else { json[i] = byte }
            if let Ok(m) = Manifest::parse(&json) {
                let _ = m.content_problems();
                let _ = m.assess(&store_with(&key));
            }
        }

        /// Arbitrary bytes never panic the parser.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = Manifest::parse(&bytes);
        }
    }

    #[test]
    fn rejects_bad_forms() {
        assert!(matches!(check_date("2026-02-29"), Err(DateError { .. })));
        assert!(check_date("2024-02-29").is_ok());
        assert!(matches!(check_date("2026-3-8"), Err(DateError { .. })));
        assert!(matches!(
            check_file_name("../etc/passwd"),
            Err(FileNameError { .. })
        ));
        assert!(matches!(
            check_file_name("a/b.txt"),
            Err(FileNameError { .. })
        ));
        assert!(check_file_name("letter.txt").is_ok());
        assert_eq!(check_title("  "), Err(TitleError::Empty));
        assert_eq!(check_title(&"x".repeat(501)), Err(TitleError::TooLong));
        assert_eq!(check_title("a\nb"), Err(TitleError::HiddenCharacters));
        // Issue 6, item 3: a line separator, blank and invisible characters, unusual spaces.
        for hidden in [
            "a\u{2028}b",
            "a\u{2800}b",
            "a\u{180B}b",
            "a\u{1D173}b",
            "a\u{A0}b",
        ] {
            assert_eq!(check_title(hidden), Err(TitleError::HiddenCharacters));
        }
        assert!(check_title("Open letter \u{201E}now\u{201C} / 公开信").is_ok());
        assert!(matches!(
            check_language("zh_Hant"),
            Err(LanguageError { .. })
        ));
        assert!(matches!(
            Manifest::parse(b"{}"),
            Err(ManifestError::MissingField { .. })
        ));
        assert!(matches!(
            Manifest::parse(b"[1,2"),
            Err(ManifestError::Syntax { .. })
        ));
        assert!(matches!(
            Manifest::parse(b"[1,2]"),
            Err(ManifestError::NotAnObject { .. })
        ));
    }

    /// The sample manifest as a JSON value, to edit one member at a time.
    fn sample_value() -> (SecretKey, Value) {
        let key = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        let m = sample(&key, "We call for the release of the detained lawyers.\n");
        let value = serde_json::to_value(m.wire()).unwrap();
        (key, value)
    }

    fn parse_value(value: &Value) -> Result<Manifest, ManifestError> {
        Manifest::parse(value.to_string().as_bytes())
    }

    #[test]
    fn manifest_written_as_a_json_array_is_rejected_not_read_in_member_order() {
        // serde's derived Deserialize reads a struct from an array of its members' values; a
        // manifest so written must be rejected, at the top level and in every nested object.
        let (_, value) = sample_value();
        let order = [
            "format",
            "issuer",
            "seq",
            "prev",
            "statement",
            "canonical",
            "signatures",
        ];
        let array = Value::Array(order.iter().map(|k| value[*k].clone()).collect());
        assert!(matches!(
            parse_value(&array),
            Err(ManifestError::NotAnObject { .. })
        ));
        for member in ["statement", "canonical"] {
            let mut changed = value.clone();
            let inner: Vec<Value> = value[member]
                .as_object()
                .unwrap()
                .values()
                .cloned()
                .collect();
            changed[member] = Value::Array(inner);
            assert!(
                matches!(parse_value(&changed), Err(ManifestError::WrongType { .. })),
                "{member}"
            );
        }
        let mut changed = value.clone();
        let layout: Vec<Value> = value["canonical"]["layout"]
            .as_object()
            .unwrap()
            .values()
            .cloned()
            .collect();
        changed["canonical"]["layout"] = Value::Array(layout);
        assert!(matches!(
            parse_value(&changed),
            Err(ManifestError::WrongType { .. })
        ));
    }

    #[test]
    fn each_rule_has_its_own_variant() {
        let (key, value) = sample_value();
        let edit = |f: &dyn Fn(&mut Value)| {
            let mut v = value.clone();
            f(&mut v);
            parse_value(&v).unwrap_err()
        };
        let cases: Vec<(&str, ManifestError)> = vec![
            (
                "unknown_format",
                edit(&|v| v["format"] = "attest-manifest/3".into()),
            ),
            ("unknown_field", edit(&|v| v["note"] = "hello".into())),
            (
                "missing_field",
                edit(&|v| {
                    v.as_object_mut().unwrap().remove("prev");
                }),
            ),
            ("wrong_type", edit(&|v| v["seq"] = "1".into())),
            (
                "digest_syntax",
                edit(&|v| v["canonical"]["digest"] = "sha256:AB".into()),
            ),
            ("issuer", edit(&|v| v["issuer"] = " padded".into())),
            ("seq_out_of_range", edit(&|v| v["seq"] = 0.into())),
            (
                "seq_out_of_range",
                edit(&|v| v["seq"] = (MAX_SEQ + 1).into()),
            ),
            (
                "first_has_prev",
                edit(&|v| v["prev"] = Digest::of(b"x").to_string().into()),
            ),
            ("missing_prev", edit(&|v| v["seq"] = 2.into())),
            (
                "date",
                edit(&|v| v["statement"]["date"] = "2026-02-30".into()),
            ),
            (
                "file_name",
                edit(&|v| v["statement"]["file_name"] = "../x.txt".into()),
            ),
            ("title", edit(&|v| v["statement"]["title"] = "".into())),
            (
                "language",
                edit(&|v| v["statement"]["languages"] = serde_json::json!(["en us"])),
            ),
            (
                "unknown_canon_version",
                edit(&|v| v["canonical"]["version"] = "attest-canon/9".into()),
            ),
            (
                "no_paragraphs",
                edit(&|v| {
                    v["canonical"]["paragraphs"] = serde_json::json!([]);
                    v["canonical"]["paragraph_digests"] = serde_json::json!([]);
                }),
            ),
            (
                "bad_paragraph",
                edit(&|v| v["canonical"]["paragraphs"][0] = "a\n\nb".into()),
            ),
            (
                "paragraph_digest_count",
                edit(&|v| v["canonical"]["paragraph_digests"] = serde_json::json!([])),
            ),
            (
                "no_signatures",
                edit(&|v| v["signatures"] = serde_json::json!([])),
            ),
            (
                "weak_public_key",
                edit(&|v| {
                    v["signatures"][0]["public_key"] =
                        "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into()
                }),
            ),
            (
                "key_id_syntax",
                edit(&|v| v["signatures"][0]["key_id"] = "XYZ".into()),
            ),
            (
                "key_id_mismatch",
                edit(&|v| v["signatures"][0]["key_id"] = "0000000000000000".into()),
            ),
            (
                "signature_encoding",
                edit(&|v| v["signatures"][0]["signature"] = "AAAA".into()),
            ),
            (
                "duplicate_signer",
                edit(&|v| {
                    let first = v["signatures"][0].clone();
                    v["signatures"].as_array_mut().unwrap().push(first);
                }),
            ),
            (
                "number_too_large",
                edit(&|v| v["statement"]["exact_size"] = (MAX_SEQ + 1).into()),
            ),
        ];
        for (kind, err) in &cases {
            assert_eq!(err.kind(), *kind, "{err:?}");
        }
        assert!(matches!(
            edit(&|v| v["signatures"][0]["public_key"] =
                "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into()),
            ManifestError::SignaturePublicKey {
                number: 1,
                source: PublicKeyError::Weak
            }
        ));
        // A duplicated member (serde_json::Value cannot hold one, so edit the text).
        let text = value
            .to_string()
            .replacen("\"seq\":1", "\"seq\":1,\"seq\":1", 1);
        assert!(matches!(
            Manifest::parse(text.as_bytes()),
            Err(ManifestError::DuplicateField { .. })
        ));
        // The unedited value parses: every error above comes from its one edit.
        assert!(parse_value(&value).unwrap().signed_by(&key.public().key));
    }
}
