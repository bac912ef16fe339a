//! Key records: revocations and key changes (docs/SPEC.md §3.4). Each is one JSON object with its own
//! `format` tag, signed over its own domain-separated label:
//!
//! > The signing payload is `label` || 0x00 || JCS(record without `signatures`), where `label` is
//! > `attest/v1 revocation` for a revocation and `attest/v1 key-change` for a key change. A signature
//! > made for any other purpose (a manifest, another kind of record) never verifies here.
//!
//! Parsing is as strict as for manifests: unknown members, missing members (`reason` is required even
//! when null), duplicate members and arrays in place of objects are errors, each with its own
//! [`RecordError::kind`].

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::keys::{
    self, IssuerError, IssuerKey, KeyId, ParseKeyIdError, PublicKeyError, SecretKey,
};
use crate::manifest::{SignatureEntry, SignatureWire, MAX_SEQ};
use crate::wire::{self, JsonProblem};

/// Format tag of a revocation record.
pub const REVOCATION_FORMAT: &str = "attest-revocation/1";
/// Format tag of a key-change record.
pub const KEY_CHANGE_FORMAT: &str = "attest-key-change/1";
/// Domain-separation label for revocation signatures.
pub const REVOCATION_SIGNING_CONTEXT: &str = "attest/v1 revocation";
/// Domain-separation label for key-change signatures.
pub const KEY_CHANGE_SIGNING_CONTEXT: &str = "attest/v1 key-change";
/// Most signature entries a key record may carry.
pub const MAX_RECORD_SIGNATURES: usize = 16;
/// Longest `reason`, in characters.
pub const MAX_REASON_LEN: usize = 500;

/// A revocation record as stored on disk (docs/SPEC.md §3.4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevocationWire {
    /// Always [`REVOCATION_FORMAT`].
    pub format: String,
    /// The issuer the revoked key speaks for.
    pub issuer: String,
    /// Key id of the revoked key.
    pub key_id: String,
    /// The revoked public key (base64).
    pub public_key: String,
    /// The last sequence number of the issuer's chain that the key still vouches for (0: none).
    pub last_valid_seq: u64,
    /// Why, in a sentence (required, may be null).
    #[serde(deserialize_with = "wire::required_nullable")]
    pub reason: Option<String>,
    /// One or more signatures over the record.
    #[serde(deserialize_with = "wire::objects")]
    pub signatures: Vec<SignatureWire>,
}

/// A key-change record as stored on disk (docs/SPEC.md §3.4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyChangeWire {
    /// Always [`KEY_CHANGE_FORMAT`].
    pub format: String,
    /// The issuer both keys speak for.
    pub issuer: String,
    /// Key id of the old key.
    pub old_key_id: String,
    /// The old public key (base64): it signs the record.
    pub old_public_key: String,
    /// Key id of the new key.
    pub new_key_id: String,
    /// The new public key (base64).
    pub new_public_key: String,
    /// The first sequence number signed with the new key.
    pub from_seq: u64,
    /// Signatures over the record; the old key's must be among them.
    #[serde(deserialize_with = "wire::objects")]
    pub signatures: Vec<SignatureWire>,
}

/// Which key of a record a key error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKey {
    /// The revoked key.
    Revoked,
    /// The old key of a key change.
    Old,
    /// The new key of a key change.
    New,
}

impl std::fmt::Display for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RecordKey::Revoked => "revoked key",
            RecordKey::Old => "old key",
            RecordKey::New => "new key",
        })
    }
}

/// Why a key record was rejected before any signature was checked. [`RecordError::kind`] gives each
/// rule of docs/SPEC.md §3.4 a stable name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// Not JSON, not an object, or a member is unknown, missing, repeated or of the wrong type.
    #[error("not a key record: {problem} (line {line}, column {column})")]
    Json {
        /// What was wrong.
        problem: JsonProblem,
        /// Where (1-based).
        line: usize,
        /// Where (1-based).
        column: usize,
    },
    /// A `format` this attest does not know.
    #[error("unsupported key record format {found:?} (this attest reads {REVOCATION_FORMAT} and {KEY_CHANGE_FORMAT}); upgrade attest")]
    UnknownFormat {
        /// The `format` member (at most 64 characters of it).
        found: String,
    },
    /// The issuer name breaks a rule of §4.3.
    #[error("invalid key record: unusable issuer name")]
    Issuer(#[source] IssuerError),
    /// A key of the record is unusable.
    #[error("invalid key record: the {which} is unusable")]
    PublicKey {
        /// Which key.
        which: RecordKey,
        /// Why.
        #[source]
        source: PublicKeyError,
    },
    /// A key id of the record is not 16 lowercase hex digits.
    #[error("invalid key record: the {which}'s key id is malformed")]
    KeyIdSyntax {
        /// Which key.
        which: RecordKey,
        /// Why.
        #[source]
        source: ParseKeyIdError,
    },
    /// A key id of the record is not the id of its key.
    #[error("invalid key record: the {which}'s key id is not the id of its public key")]
    KeyIdMismatch {
        /// Which key.
        which: RecordKey,
    },
    /// A sequence number out of range (`last_valid_seq` above 2^53 - 1, `from_seq` 0 or above).
    #[error("invalid key record: seq {seq} is out of range")]
    SeqOutOfRange {
        /// The number.
        seq: u64,
    },
    /// A key change whose old and new keys are the same.
    #[error("invalid key record: the key change names the same key as old and new")]
    SameKey,
    /// The reason is empty, too long, or holds hidden characters.
    #[error("invalid key record: the reason is empty, longer than {MAX_REASON_LEN} characters, or holds line breaks, control, bidirectional or invisible characters")]
    Reason,
    /// No signatures (fail closed).
    #[error("invalid key record: it has no signatures")]
    NoSignatures,
    /// More than [`MAX_RECORD_SIGNATURES`] signatures.
    #[error("invalid key record: it has {count} signatures, more than {MAX_RECORD_SIGNATURES}")]
    TooManySignatures {
        /// How many.
        count: usize,
    },
    /// A signature's public key is unusable.
    #[error("invalid key record: signature {number} has an unusable public key")]
    SignaturePublicKey {
        /// 1-based.
        number: usize,
        /// Why.
        #[source]
        source: PublicKeyError,
    },
    /// A signature's key id is malformed.
    #[error("invalid key record: signature {number} has a malformed key id")]
    SignatureKeyIdSyntax {
        /// 1-based.
        number: usize,
    },
    /// A signature's key id is not the id of its key.
    #[error("invalid key record: signature {number} names a key id that is not its key's")]
    SignatureKeyIdMismatch {
        /// 1-based.
        number: usize,
    },
    /// A signature is not 64 bytes of base64.
    #[error("invalid key record: signature {number} is not 64 bytes of base64")]
    SignatureEncoding {
        /// 1-based.
        number: usize,
    },
    /// One key signs twice.
    #[error("invalid key record: key {key_id} signs it twice")]
    DuplicateSigner {
        /// The key.
        key_id: KeyId,
    },
    /// Making a record: the keys speak for different issuers (a key change stays within one
    /// issuer; a revocation is signed by the revoked key or another key of its issuer).
    #[error("the keys speak for different issuers ({first:?} and {second:?}); use keys of the same issuer")]
    IssuerMismatch {
        /// The signing key's issuer.
        first: String,
        /// The other key's issuer.
        second: String,
    },
}

impl RecordError {
    /// A stable snake_case name for the variant, used by test vectors (`expect: error <kind>`).
    pub fn kind(&self) -> &'static str {
        match self {
            RecordError::Json { problem, .. } => problem.kind(),
            RecordError::UnknownFormat { .. } => "unknown_format",
            RecordError::Issuer(_) => "issuer",
            RecordError::PublicKey { source, .. } => source.kind(),
            RecordError::KeyIdSyntax { .. } => "key_id_syntax",
            RecordError::KeyIdMismatch { .. } => "key_id_mismatch",
            RecordError::SeqOutOfRange { .. } => "seq_out_of_range",
            RecordError::SameKey => "same_key",
            RecordError::Reason => "reason",
            RecordError::NoSignatures => "no_signatures",
            RecordError::TooManySignatures { .. } => "too_many_signatures",
            RecordError::SignaturePublicKey { source, .. } => source.kind(),
            RecordError::SignatureKeyIdSyntax { .. } => "key_id_syntax",
            RecordError::SignatureKeyIdMismatch { .. } => "key_id_mismatch",
            RecordError::SignatureEncoding { .. } => "signature_encoding",
            RecordError::DuplicateSigner { .. } => "duplicate_signer",
            RecordError::IssuerMismatch { .. } => "issuer_mismatch",
        }
    }

    fn json(e: &serde_json::Error) -> RecordError {
        RecordError::Json {
            problem: JsonProblem::of(e),
            line: e.line(),
            column: e.column(),
        }
    }
}

/// A checked revocation: "key K of issuer I vouches for nothing after seq N".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    wire: RevocationWire,
    key: VerifyingKey,
    key_id: KeyId,
    signatures: Vec<SignatureEntry>,
    payload: Vec<u8>,
}

/// A checked key change: "from seq N on, issuer I signs with NEW instead of OLD".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyChange {
    wire: KeyChangeWire,
    old: VerifyingKey,
    old_id: KeyId,
    new: VerifyingKey,
    new_id: KeyId,
    signatures: Vec<SignatureEntry>,
    payload: Vec<u8>,
}

/// A checked key record of either kind. (Records are few: their size does not matter.)
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum KeyRecord {
    /// A revocation.
    Revocation(Revocation),
    /// A key change.
    KeyChange(KeyChange),
}

impl KeyRecord {
    /// Parse a key record of either kind, by its `format`.
    pub fn parse(json: &[u8]) -> Result<KeyRecord, RecordError> {
        #[derive(Deserialize)]
        struct Probe {
            format: String,
        }
        match serde_json::from_slice::<Probe>(json).map(|p| p.format) {
            Ok(f) if f == KEY_CHANGE_FORMAT => KeyChange::parse(json).map(KeyRecord::KeyChange),
            Ok(f) if f == REVOCATION_FORMAT => Revocation::parse(json).map(KeyRecord::Revocation),
            // Neither: report the first problem as a revocation would (an unknown format, or
            // why it is not JSON at all).
            _ => Revocation::parse(json).map(KeyRecord::Revocation),
        }
    }

    /// The issuer the record speaks for.
    pub fn issuer(&self) -> &str {
        match self {
            KeyRecord::Revocation(r) => r.issuer(),
            KeyRecord::KeyChange(c) => c.issuer(),
        }
    }

    /// Pretty JSON for a file (ends with a newline).
    pub fn to_json(&self) -> String {
        let mut s = match self {
            KeyRecord::Revocation(r) => serde_json::to_string_pretty(&r.wire),
            KeyRecord::KeyChange(c) => serde_json::to_string_pretty(&c.wire),
        }
        .expect("a key record serializes");
        s.push('\n');
        s
    }
}

fn shorten(value: &str) -> String {
    value.chars().take(64).collect()
}

/// Check a key and its id as written.
fn check_key(which: RecordKey, id: &str, b64: &str) -> Result<(VerifyingKey, KeyId), RecordError> {
    let key = keys::parse_verifying_key(b64)
        .map_err(|source| RecordError::PublicKey { which, source })?;
    let key_id: KeyId = id
        .parse()
        .map_err(|source| RecordError::KeyIdSyntax { which, source })?;
    if key_id != KeyId::of(&key) {
        return Err(RecordError::KeyIdMismatch { which });
    }
    Ok((key, key_id))
}

/// Check the signature entries for form (not whether they verify).
fn check_signatures(list: &[SignatureWire]) -> Result<Vec<SignatureEntry>, RecordError> {
    if list.is_empty() {
        return Err(RecordError::NoSignatures);
    }
    if list.len() > MAX_RECORD_SIGNATURES {
        return Err(RecordError::TooManySignatures { count: list.len() });
    }
    let mut out: Vec<SignatureEntry> = Vec::with_capacity(list.len());
    for (i, s) in list.iter().enumerate() {
        let number = i + 1;
        let public_key = keys::parse_verifying_key(&s.public_key)
            .map_err(|source| RecordError::SignaturePublicKey { number, source })?;
        let key_id: KeyId = s
            .key_id
            .parse()
            .map_err(|_| RecordError::SignatureKeyIdSyntax { number })?;
        if key_id != KeyId::of(&public_key) {
            return Err(RecordError::SignatureKeyIdMismatch { number });
        }
        if out.iter().any(|e| e.key_id == key_id) {
            return Err(RecordError::DuplicateSigner { key_id });
        }
        let bytes: [u8; 64] = BASE64
            .decode(&s.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(RecordError::SignatureEncoding { number })?;
        out.push(SignatureEntry {
            key_id,
            public_key,
            signature: Signature::from_bytes(&bytes),
        });
    }
    Ok(out)
}

/// `label` || 0x00 || JCS(`wire` without `signatures`).
fn payload<T: Serialize>(label: &str, wire: &T) -> Result<Vec<u8>, RecordError> {
    let mut value = serde_json::to_value(wire).expect("a key record's wire form is plain JSON");
    if let Value::Object(map) = &mut value {
        map.remove("signatures");
    }
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(label.as_bytes());
    out.push(0);
    // Every number was range-checked before, so JCS cannot fail; map it anyway.
    crate::manifest::jcs(&value, &mut out)
        .map_err(|_| RecordError::SeqOutOfRange { seq: MAX_SEQ + 1 })?;
    Ok(out)
}

/// The bytes a revocation's signatures sign: `attest/v1 revocation` || 0x00 || JCS(record without
/// `signatures`).
pub fn revocation_payload(wire: &RevocationWire) -> Result<Vec<u8>, RecordError> {
    payload(REVOCATION_SIGNING_CONTEXT, wire)
}

/// The bytes a key change's signatures sign: `attest/v1 key-change` || 0x00 || JCS(record without
/// `signatures`).
pub fn key_change_payload(wire: &KeyChangeWire) -> Result<Vec<u8>, RecordError> {
    payload(KEY_CHANGE_SIGNING_CONTEXT, wire)
}

fn signature_wire(key: &SecretKey, payload: &[u8]) -> SignatureWire {
    let public = key.public();
    SignatureWire {
        key_id: public.key_id.to_string(),
        public_key: BASE64.encode(public.key.as_bytes()),
        signature: BASE64.encode(key.sign(payload).to_bytes()),
    }
}

/// Whether `key` made a valid (strict) signature over `payload` among `signatures`.
fn signed_by(signatures: &[SignatureEntry], payload: &[u8], key: &VerifyingKey) -> bool {
    signatures
        .iter()
        .any(|s| s.public_key == *key && key.verify_strict(payload, &s.signature).is_ok())
}

impl TryFrom<RevocationWire> for Revocation {
    type Error = RecordError;

    fn try_from(wire: RevocationWire) -> Result<Self, Self::Error> {
        if wire.format != REVOCATION_FORMAT {
            return Err(RecordError::UnknownFormat {
                found: shorten(&wire.format),
            });
        }
        keys::check_issuer(&wire.issuer).map_err(RecordError::Issuer)?;
        let (key, key_id) = check_key(RecordKey::Revoked, &wire.key_id, &wire.public_key)?;
        if wire.last_valid_seq > MAX_SEQ {
            return Err(RecordError::SeqOutOfRange {
                seq: wire.last_valid_seq,
            });
        }
        if let Some(reason) = &wire.reason {
            crate::manifest::check_title(reason).map_err(|_| RecordError::Reason)?;
        }
        let signatures = check_signatures(&wire.signatures)?;
        let payload = revocation_payload(&wire)?;
        Ok(Revocation {
            wire,
            key,
            key_id,
            signatures,
            payload,
        })
    }
}

impl Revocation {
    /// Parse a revocation record.
    pub fn parse(json: &[u8]) -> Result<Revocation, RecordError> {
        let wire: RevocationWire = wire::from_slice(json).map_err(|e| {
            match serde_json::from_slice::<Value>(json)
                .ok()
                .and_then(|v| v.get("format")?.as_str().map(str::to_string))
            {
                Some(f) if f != REVOCATION_FORMAT => {
                    RecordError::UnknownFormat { found: shorten(&f) }
                }
                _ => RecordError::json(&e),
            }
        })?;
        Revocation::try_from(wire)
    }

    /// Make a revocation of `revoked` (a key of `signer`'s issuer, or `signer`'s own key) that
    /// vouches for nothing after `last_valid`, signed by `signer`.
    pub fn sign(
        signer: &SecretKey,
        revoked: &IssuerKey,
        last_valid: u64,
        reason: Option<String>,
    ) -> Result<Revocation, RecordError> {
        if signer.issuer() != revoked.issuer {
            return Err(RecordError::IssuerMismatch {
                first: signer.issuer().to_string(),
                second: revoked.issuer.clone(),
            });
        }
        let mut wire = RevocationWire {
            format: REVOCATION_FORMAT.into(),
            issuer: revoked.issuer.clone(),
            key_id: revoked.key_id.to_string(),
            public_key: BASE64.encode(revoked.key.as_bytes()),
            last_valid_seq: last_valid,
            reason,
            signatures: Vec::new(),
        };
        let payload = revocation_payload(&wire)?;
        wire.signatures.push(signature_wire(signer, &payload));
        Revocation::try_from(wire)
    }

    /// The wire form.
    pub fn wire(&self) -> &RevocationWire {
        &self.wire
    }

    /// The issuer.
    pub fn issuer(&self) -> &str {
        &self.wire.issuer
    }

    /// The revoked key.
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Its key id.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The last sequence number the key vouches for.
    pub fn last_valid(&self) -> u64 {
        self.wire.last_valid_seq
    }

    /// The reason given, if any.
    pub fn reason(&self) -> Option<&str> {
        self.wire.reason.as_deref()
    }

    /// The checked signature entries.
    pub fn signatures(&self) -> &[SignatureEntry] {
        &self.signatures
    }

    /// Whether `key` made a valid signature on this record.
    pub fn signed_by(&self, key: &VerifyingKey) -> bool {
        signed_by(&self.signatures, &self.payload, key)
    }
}

impl TryFrom<KeyChangeWire> for KeyChange {
    type Error = RecordError;

    fn try_from(wire: KeyChangeWire) -> Result<Self, Self::Error> {
        if wire.format != KEY_CHANGE_FORMAT {
            return Err(RecordError::UnknownFormat {
                found: shorten(&wire.format),
            });
        }
        keys::check_issuer(&wire.issuer).map_err(RecordError::Issuer)?;
        let (old, old_id) = check_key(RecordKey::Old, &wire.old_key_id, &wire.old_public_key)?;
        let (new, new_id) = check_key(RecordKey::New, &wire.new_key_id, &wire.new_public_key)?;
        if old_id == new_id {
            return Err(RecordError::SameKey);
        }
        if wire.from_seq == 0 || wire.from_seq > MAX_SEQ {
            return Err(RecordError::SeqOutOfRange { seq: wire.from_seq });
        }
        let signatures = check_signatures(&wire.signatures)?;
        let payload = key_change_payload(&wire)?;
        Ok(KeyChange {
            wire,
            old,
            old_id,
            new,
            new_id,
            signatures,
            payload,
        })
    }
}

impl KeyChange {
    /// Parse a key-change record.
    pub fn parse(json: &[u8]) -> Result<KeyChange, RecordError> {
        let wire: KeyChangeWire = wire::from_slice(json).map_err(|e| RecordError::json(&e))?;
        KeyChange::try_from(wire)
    }

    /// Make a key change from `old` (the secret key, which signs) to `new`, from `from_seq` on.
    pub fn sign(old: &SecretKey, new: &IssuerKey, from_seq: u64) -> Result<KeyChange, RecordError> {
        if old.issuer() != new.issuer {
            return Err(RecordError::IssuerMismatch {
                first: old.issuer().to_string(),
                second: new.issuer.clone(),
            });
        }
        let public = old.public();
        let mut wire = KeyChangeWire {
            format: KEY_CHANGE_FORMAT.into(),
            issuer: public.issuer.clone(),
            old_key_id: public.key_id.to_string(),
            old_public_key: BASE64.encode(public.key.as_bytes()),
            new_key_id: new.key_id.to_string(),
            new_public_key: BASE64.encode(new.key.as_bytes()),
            from_seq,
            signatures: Vec::new(),
        };
        let payload = key_change_payload(&wire)?;
        wire.signatures.push(signature_wire(old, &payload));
        KeyChange::try_from(wire)
    }

    /// The wire form.
    pub fn wire(&self) -> &KeyChangeWire {
        &self.wire
    }

    /// The issuer.
    pub fn issuer(&self) -> &str {
        &self.wire.issuer
    }

    /// The old key.
    pub fn old(&self) -> &VerifyingKey {
        &self.old
    }

    /// The old key's id.
    pub fn old_id(&self) -> KeyId {
        self.old_id
    }

    /// The new key.
    pub fn new_key(&self) -> &VerifyingKey {
        &self.new
    }

    /// The new key's id.
    pub fn new_id(&self) -> KeyId {
        self.new_id
    }

    /// The first sequence number signed with the new key.
    pub fn from_seq(&self) -> u64 {
        self.wire.from_seq
    }

    /// Whether the old key made a valid signature on this record.
    pub fn signed_by_old_key(&self) -> bool {
        signed_by(&self.signatures, &self.payload, &self.old)
    }
}
