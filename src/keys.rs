//! Keys: Ed25519 public keys bound to an issuer name, secret keys encrypted at rest with a passphrase
//! (Argon2id + ChaCha20-Poly1305), and the trust store. Formats: docs/SPEC.md §4.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::digest::Digest;
use crate::wire::JsonProblem;

/// Format tag of a public key file.
pub const PUBLIC_KEY_FORMAT: &str = "attest-public-key/1";
/// Format tag of a secret key file.
pub const SECRET_KEY_FORMAT: &str = "attest-secret-key/1";
/// First word of the one-line public key form: `attest-ed25519 <key id> <base64 key> <issuer>`.
pub const ONE_LINE_TAG: &str = "attest-ed25519";
/// Domain-separation label for key ids: key id = first 8 bytes of SHA-256(label || 0x00 || key).
pub const KEY_ID_CONTEXT: &str = "attest/v1 key-id";
/// Domain-separation label for the AEAD's associated data in secret key files.
pub const SECRET_KEY_AAD_CONTEXT: &str = "attest/v1 secret-key";

/// Argon2id memory cost used for new keys, in KiB (64 MiB).
pub const ARGON2_M_COST_KIB: u32 = 64 * 1024;
/// Argon2id passes used for new keys.
pub const ARGON2_T_COST: u32 = 3;
/// Argon2id lanes used for new keys.
pub const ARGON2_P_COST: u32 = 1;
/// Upper bounds accepted when reading a key file, so a hostile file cannot make us allocate or spin
/// without limit.
const ARGON2_MAX_M_COST_KIB: u32 = 1024 * 1024;
const ARGON2_MAX_T_COST: u32 = 16;
const ARGON2_MAX_P_COST: u32 = 16;

/// Longest issuer name accepted.
pub const MAX_ISSUER_LEN: usize = 200;

/// Which kind of key file an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFileKind {
    /// A public key file (`PREFIX.pub`, JSON or one-line form).
    Public,
    /// A secret key file (`PREFIX.key`).
    Secret,
}

impl fmt::Display for KeyFileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyFileKind::Public => "public key file",
            KeyFileKind::Secret => "secret key file",
        })
    }
}

/// Why a base64 Ed25519 public key is unusable (docs/SPEC.md §3.1, `public_key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PublicKeyError {
    /// Not strict base64.
    #[error("the public key is not valid base64")]
    Base64,
    /// Decodes to the wrong number of bytes.
    #[error("the public key is {len} bytes long, not 32")]
    Length {
        /// The decoded length.
        len: usize,
    },
    /// 32 bytes that are not the encoding of a curve point.
    #[error("the public key is not a valid Ed25519 point")]
    NotAPoint,
    /// A small-order point, which would let one signature verify for many messages.
    #[error("the public key is a weak (small-order) Ed25519 point, which attest never accepts")]
    Weak,
}

impl PublicKeyError {
    /// A stable snake_case name, used by test vectors.
    pub fn kind(&self) -> &'static str {
        match self {
            PublicKeyError::Base64 => "public_key_base64",
            PublicKeyError::Length { .. } => "public_key_length",
            PublicKeyError::NotAPoint => "public_key_not_a_point",
            PublicKeyError::Weak => "weak_public_key",
        }
    }
}

/// A key id was not 16 lowercase hex digits (docs/SPEC.md §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a key id is 16 lowercase hex digits, such as 25172914932e6aa1")]
pub struct ParseKeyIdError;

/// Which issuer name rule a name breaks (docs/SPEC.md §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IssuerError {
    /// The name is empty.
    #[error("the issuer name is empty; give the group's name as readers know it")]
    Empty,
    /// The name is too long.
    #[error("the issuer name is longer than {MAX_ISSUER_LEN} characters; use a shorter form")]
    TooLong,
    /// The name holds a control, bidirectional or invisible character, so it might not display as
    /// what it is.
    #[error(
        "the issuer name contains control, bidirectional or invisible characters; retype it without them"
    )]
    HiddenCharacters,
    /// The name starts or ends with whitespace.
    #[error("the issuer name has leading or trailing whitespace; remove it")]
    SurroundingWhitespace,
}

/// Errors about keys, key files and the trust store. Crypto failures collapse into a few safe
/// variants (as age does): a wrong passphrase and an altered file are one error, [`KeyError::Decrypt`].
/// No variant carries secret material, and none quotes a secret key file's content.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading a key file failed.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A public key file that is neither JSON nor the one-line form.
    #[error(
        "{path} is not a public key file: expected JSON or a line starting with `{ONE_LINE_TAG}`"
    )]
    UnknownForm {
        /// The file.
        path: String,
    },
    /// A one-line public key that is not `attest-ed25519 <key id> <key> <issuer>` on one line.
    #[error("{path} is not a one-line public key: expected `{ONE_LINE_TAG} <key id> <key> <issuer>` on a single line")]
    OneLineShape {
        /// The file.
        path: String,
    },
    /// A public key file was given where the secret key is needed.
    #[error("{path} is a public key file; pass the secret key PREFIX.key made by `attest keygen`")]
    PublicGivenForSecret {
        /// The file.
        path: String,
    },
    /// The JSON is malformed or has the wrong shape. For secret key files, serde's message is not
    /// kept (it could quote a value from the file); the line and column say where.
    #[error("{path} is not a valid {file}: {problem} (line {line}, column {column})")]
    Json {
        /// The file.
        path: String,
        /// Which kind of key file.
        file: KeyFileKind,
        /// What is wrong.
        problem: JsonProblem,
        /// Where parsing stopped (1-based; 0 when unknown).
        line: usize,
        /// Where parsing stopped (1-based; 0 when unknown).
        column: usize,
    },
    /// A format tag this attest does not read.
    #[error("{path} has format {found:?}, but this attest reads {expected}; upgrade attest or check the file")]
    UnknownFormat {
        /// The file.
        path: String,
        /// The tag found.
        found: String,
        /// The tag expected.
        expected: &'static str,
    },
    /// The issuer name in a key file breaks a rule.
    #[error("{path} names an unusable issuer")]
    IssuerInFile {
        /// The file.
        path: String,
        /// The rule broken.
        #[source]
        source: IssuerError,
    },
    /// The issuer name given for a new key breaks a rule.
    #[error("invalid issuer name")]
    Issuer(#[source] IssuerError),
    /// The public key in a key file is unusable.
    #[error("{path} holds an unusable public key")]
    PublicKey {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: PublicKeyError,
    },
    /// The key id is not 16 lowercase hex digits.
    #[error("{path} has a malformed key id")]
    KeyIdSyntax {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: ParseKeyIdError,
    },
    /// The key id does not belong to the key: the file was edited or assembled from two keys.
    #[error(
        "{path}: the key id does not match the public key; get the key file again from its issuer"
    )]
    KeyIdMismatch {
        /// The file.
        path: String,
    },
    /// A base64 member of a secret key file does not decode, or decodes to the wrong length.
    #[error("{path}: `{field}` is not base64 of the expected length; the file is damaged")]
    Encoding {
        /// The file.
        path: String,
        /// The member: `secret`, `salt` or `nonce`.
        field: &'static str,
    },
    /// The secret key is encrypted and no passphrase was given.
    #[error("{path} is encrypted and no passphrase was given; set ATTEST_PASSPHRASE or run attest in a terminal")]
    NoPassphrase {
        /// The file.
        path: String,
    },
    /// A key derivation function or cipher this attest does not implement.
    #[error("{path} uses {kdf}/{cipher}, but this attest implements {KDF_NAME}/{CIPHER_NAME}")]
    UnsupportedEncryption {
        /// The file.
        path: String,
        /// The `kdf` member.
        kdf: String,
        /// The `cipher` member.
        cipher: String,
    },
    /// Argon2id parameters beyond what attest accepts, or that Argon2 rejects.
    #[error("{path}: the Argon2id parameters are invalid or beyond what attest accepts (memory ≤ {ARGON2_MAX_M_COST_KIB} KiB, passes and lanes 1 to 16, salt ≥ 8 bytes)")]
    KdfParams {
        /// The file.
        path: String,
    },
    /// Wrong passphrase, or the secret key file was altered.
    #[error("cannot decrypt {path}: wrong passphrase, or the file was altered; try the passphrase again")]
    Decrypt {
        /// The file.
        path: String,
    },
    /// The decrypted (or stored) secret does not belong to the file's public key.
    #[error(
        "{path}: the secret key does not match the public key in the file; the file is damaged"
    )]
    SecretMismatch {
        /// The file.
        path: String,
    },
    /// Encrypting a new secret key failed.
    #[error("cannot encrypt the secret key")]
    Encrypt,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed; try again")]
    Randomness(#[source] getrandom::Error),
    /// The trust store directory cannot be read.
    #[error("cannot read the trust store {path}; pass --keys DIR naming a directory of the issuers' .pub files")]
    TrustStoreUnreadable {
        /// The directory.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The trust store holds no `.pub` file (it fails closed).
    #[error("the trust store {path} has no .pub files; add the public key files of the issuers you trust, or pass --keys DIR")]
    TrustStoreEmpty {
        /// The directory.
        path: String,
    },
    /// One key is listed for two different issuers.
    #[error("key {key_id} is listed for {first_issuer:?} in {first_path} and for {second_issuer:?} in {second_path}; a key is trusted for one issuer only. Remove the wrong file")]
    KeyForTwoIssuers {
        /// The key.
        key_id: KeyId,
        /// The issuer in the first file.
        first_issuer: String,
        /// The first file.
        first_path: String,
        /// The issuer in the second file.
        second_issuer: String,
        /// The second file.
        second_path: String,
    },
}

impl KeyError {
    /// A stable snake_case name for the variant (test vectors name it). For
    /// [`KeyError::Json`] and [`KeyError::PublicKey`] it names the inner problem.
    pub fn kind(&self) -> &'static str {
        match self {
            KeyError::Read { .. } => "read",
            KeyError::UnknownForm { .. } => "unknown_form",
            KeyError::OneLineShape { .. } => "one_line_shape",
            KeyError::PublicGivenForSecret { .. } => "public_given_for_secret",
            KeyError::Json { problem, .. } => problem.kind(),
            KeyError::UnknownFormat { .. } => "unknown_format",
            KeyError::IssuerInFile { .. } | KeyError::Issuer(_) => "issuer",
            KeyError::PublicKey { source, .. } => source.kind(),
            KeyError::KeyIdSyntax { .. } => "key_id_syntax",
            KeyError::KeyIdMismatch { .. } => "key_id_mismatch",
            KeyError::Encoding { .. } => "encoding",
            KeyError::NoPassphrase { .. } => "no_passphrase",
            KeyError::UnsupportedEncryption { .. } => "unsupported_encryption",
            KeyError::KdfParams { .. } => "kdf_params",
            KeyError::Decrypt { .. } => "decrypt",
            KeyError::SecretMismatch { .. } => "secret_mismatch",
            KeyError::Encrypt => "encrypt",
            KeyError::Randomness(_) => "randomness",
            KeyError::TrustStoreUnreadable { .. } => "trust_store_unreadable",
            KeyError::TrustStoreEmpty { .. } => "trust_store_empty",
            KeyError::KeyForTwoIssuers { .. } => "key_for_two_issuers",
        }
    }
}

/// Check an issuer name (docs/SPEC.md §4.3): 1 to 200 characters, no control, bidirectional or
/// invisible characters, no leading or trailing whitespace.
pub fn check_issuer(name: &str) -> Result<(), IssuerError> {
    if name.is_empty() {
        return Err(IssuerError::Empty);
    }
    if name.chars().count() > MAX_ISSUER_LEN {
        return Err(IssuerError::TooLong);
    }
    if name.chars().any(|c| {
        c.is_control()
            || crate::canon::is_ignorable(c)
            || crate::canon::suspicious_kind(c).is_some()
    }) {
        return Err(IssuerError::HiddenCharacters);
    }
    if name.trim() != name {
        return Err(IssuerError::SurroundingWhitespace);
    }
    Ok(())
}

/// A key id: the first 8 bytes of SHA-256(`attest/v1 key-id` || 0x00 || public key), shown as 16 hex
/// digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; 8]);

impl KeyId {
    /// Derive the key id of a public key.
    pub fn of(key: &VerifyingKey) -> KeyId {
        let mut input = Vec::with_capacity(KEY_ID_CONTEXT.len() + 33);
        input.extend_from_slice(KEY_ID_CONTEXT.as_bytes());
        input.push(0);
        input.extend_from_slice(key.as_bytes());
        let digest = Digest::of(&input);
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest.as_bytes()[..8]);
        KeyId(id)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl FromStr for KeyId {
    type Err = ParseKeyIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 16 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ParseKeyIdError);
        }
        let mut id = [0u8; 8];
        hex::decode_to_slice(s, &mut id).map_err(|_| ParseKeyIdError)?;
        Ok(KeyId(id))
    }
}

/// Decoded public keys by their base64 text. An archive holds thousands of manifests signed by a
/// handful of keys, and decompressing a point costs as much as half a signature check. Bounded, so
/// a hostile archive of distinct keys cannot grow it without limit.
const KEY_CACHE_LIMIT: usize = 1024;

thread_local! {
    static KEY_CACHE: std::cell::RefCell<HashMap<String, Result<VerifyingKey, PublicKeyError>>> =
        std::cell::RefCell::new(HashMap::new());
}

/// Decode a base64 Ed25519 public key, rejecting invalid and small-order (weak) points.
pub fn parse_verifying_key(b64: &str) -> Result<VerifyingKey, PublicKeyError> {
    if let Some(hit) = KEY_CACHE.with(|c| c.borrow().get(b64).copied()) {
        return hit;
    }
    let parsed = parse_verifying_key_uncached(b64);
    KEY_CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= KEY_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(b64.to_string(), parsed);
    });
    parsed
}

fn parse_verifying_key_uncached(b64: &str) -> Result<VerifyingKey, PublicKeyError> {
    let bytes = BASE64.decode(b64).map_err(|_| PublicKeyError::Base64)?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|b: Vec<u8>| PublicKeyError::Length { len: b.len() })?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| PublicKeyError::NotAPoint)?;
    if key.is_weak() {
        return Err(PublicKeyError::Weak);
    }
    Ok(key)
}

/// A public key and the issuer it belongs to: the content of a `.pub` file.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuerKey {
    /// The issuer named in the key file.
    pub issuer: String,
    /// The Ed25519 public key.
    pub key: VerifyingKey,
    /// Its key id.
    pub key_id: KeyId,
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IssuerKey({} {:?})", self.key_id, self.issuer)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicKeyWire {
    format: String,
    issuer: String,
    key_id: String,
    public_key: String,
}

/// The `Json` error for a key file, keeping only serde's position (its message could quote a value).
fn json_error(path: &str, file: KeyFileKind, e: &serde_json::Error) -> KeyError {
    KeyError::Json {
        path: path.into(),
        file,
        problem: JsonProblem::of(e),
        line: e.line(),
        column: e.column(),
    }
}

/// Check the members that public and secret key files share: issuer (§4.3), public key (§3.1) and
/// key id (§4.1), in that order.
fn check_public_members(
    path: &str,
    issuer: &str,
    key_id: &str,
    public_key: &str,
) -> Result<(VerifyingKey, KeyId), KeyError> {
    check_issuer(issuer).map_err(|source| KeyError::IssuerInFile {
        path: path.into(),
        source,
    })?;
    let key = parse_verifying_key(public_key).map_err(|source| KeyError::PublicKey {
        path: path.into(),
        source,
    })?;
    let key_id: KeyId = key_id.parse().map_err(|source| KeyError::KeyIdSyntax {
        path: path.into(),
        source,
    })?;
    if key_id != KeyId::of(&key) {
        return Err(KeyError::KeyIdMismatch { path: path.into() });
    }
    Ok((key, key_id))
}

impl IssuerKey {
    /// Pair a key with an issuer name.
    pub fn new(issuer: String, key: VerifyingKey) -> IssuerKey {
        IssuerKey {
            issuer,
            key_id: KeyId::of(&key),
            key,
        }
    }

    /// The public key file content (JSON, ending in a newline).
    pub fn to_file_string(&self) -> String {
        let wire = PublicKeyWire {
            format: PUBLIC_KEY_FORMAT.into(),
            issuer: self.issuer.clone(),
            key_id: self.key_id.to_string(),
            public_key: BASE64.encode(self.key.as_bytes()),
        };
        let mut s = serde_json::to_string_pretty(&wire).expect("plain struct serializes");
        s.push('\n');
        s
    }

    /// The one-line form to publish: `attest-ed25519 <key id> <base64 key> <issuer>`.
    pub fn to_line(&self) -> String {
        format!(
            "{ONE_LINE_TAG} {} {} {}",
            self.key_id,
            BASE64.encode(self.key.as_bytes()),
            self.issuer
        )
    }

    /// Parse a public key file: either the JSON form or the one-line form (docs/SPEC.md §4.2).
    /// `path` names it in errors.
    pub fn parse(content: &str, path: &str) -> Result<IssuerKey, KeyError> {
        let trimmed = content.trim();
        let (issuer, key_id, key) = if trimmed.starts_with('{') {
            let wire: PublicKeyWire = crate::wire::from_slice(trimmed.as_bytes())
                .map_err(|e| json_error(path, KeyFileKind::Public, &e))?;
            if wire.format != PUBLIC_KEY_FORMAT {
                return Err(KeyError::UnknownFormat {
                    path: path.into(),
                    found: wire.format,
                    expected: PUBLIC_KEY_FORMAT,
                });
            }
            (wire.issuer, wire.key_id, wire.public_key)
        } else if let Some(rest) = trimmed.strip_prefix(ONE_LINE_TAG) {
            let shape = || KeyError::OneLineShape { path: path.into() };
            if trimmed.contains('\n') {
                return Err(shape());
            }
            let mut parts = rest.trim_start().splitn(3, ' ');
            let (Some(id), Some(key), Some(issuer)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(shape());
            };
            (issuer.to_string(), id.to_string(), key.to_string())
        } else {
            return Err(KeyError::UnknownForm { path: path.into() });
        };
        let (key, key_id) = check_public_members(path, &issuer, &key_id, &key)?;
        Ok(IssuerKey {
            issuer,
            key,
            key_id,
        })
    }

    /// Read and parse a public key file.
    pub fn read(path: &Path) -> Result<IssuerKey, KeyError> {
        let shown = path.display().to_string();
        let content = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: shown.clone(),
            source,
        })?;
        IssuerKey::parse(&content, &shown)
    }
}

/// A secret signing key and its issuer. The key material is zeroized on drop and never printed.
pub struct SecretKey {
    issuer: String,
    signing: SigningKey,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretKey({} {:?}, <secret>)",
            self.key_id(),
            self.issuer
        )
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretKeyWire {
    format: String,
    issuer: String,
    key_id: String,
    public_key: String,
    /// `null` for an unencrypted key. Required: a missing member is an error, not "unencrypted".
    #[serde(deserialize_with = "crate::wire::required_nullable_object")]
    encryption: Option<EncryptionWire>,
    /// Base64: the AEAD ciphertext of the 32-byte seed, or the seed itself when unencrypted.
    secret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EncryptionWire {
    kdf: String,
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
    salt: String,
    cipher: String,
    nonce: String,
}

const KDF_NAME: &str = "argon2id";
const CIPHER_NAME: &str = "chacha20poly1305";
const UNENCRYPTED_WARNING: &str =
    "THIS SECRET KEY IS NOT ENCRYPTED. Anyone who reads this file can sign as the issuer. Tests and demos only.";

/// Fill `bytes` from the operating system's random number generator.
fn random(bytes: &mut [u8]) -> Result<(), KeyError> {
    getrandom::fill(bytes).map_err(KeyError::Randomness)
}

impl SecretKey {
    /// Generate a new key for `issuer`.
    pub fn generate(issuer: &str) -> Result<SecretKey, KeyError> {
        check_issuer(issuer).map_err(KeyError::Issuer)?;
        let mut seed = Zeroizing::new([0u8; 32]);
        random(seed.as_mut())?;
        Ok(SecretKey {
            issuer: issuer.to_string(),
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// The issuer this key signs for.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The public half, with the issuer.
    pub fn public(&self) -> IssuerKey {
        IssuerKey::new(self.issuer.clone(), self.signing.verifying_key())
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        KeyId::of(&self.signing.verifying_key())
    }

    /// Sign a message (the caller supplies the domain-separated encoding).
    pub fn sign(&self, message: &[u8]) -> Signature {
        self.signing.sign(message)
    }

    /// The secret key file content. With `passphrase`, the seed is encrypted; without, it is stored in
    /// the clear with a loud warning inside the file.
    pub fn to_file_string(&self, passphrase: Option<&str>) -> Result<String, KeyError> {
        let public = self.public();
        let public_b64 = BASE64.encode(public.key.as_bytes());
        let seed = Zeroizing::new(self.signing.to_bytes());
        let (encryption, secret, warning) = match passphrase {
            Some(pass) => {
                let mut salt = [0u8; 16];
                let mut nonce = [0u8; 12];
                random(&mut salt)?;
                random(&mut nonce)?;
                let enc = EncryptionWire {
                    kdf: KDF_NAME.into(),
                    m_cost_kib: ARGON2_M_COST_KIB,
                    t_cost: ARGON2_T_COST,
                    p_cost: ARGON2_P_COST,
                    salt: BASE64.encode(salt),
                    cipher: CIPHER_NAME.into(),
                    nonce: BASE64.encode(nonce),
                };
                let kek = derive_kek(pass, &salt, &enc, "(new key)")?;
                let aad = secret_key_aad(&self.issuer, &public.key_id, &public_b64, &enc);
                let cipher = ChaCha20Poly1305::new((&*kek).into());
                let ct = cipher
                    .encrypt(
                        (&nonce).into(),
                        Payload {
                            msg: seed.as_ref(),
                            aad: aad.as_bytes(),
                        },
                    )
                    .map_err(|_| KeyError::Encrypt)?;
                (Some(enc), BASE64.encode(ct), None)
            }
            None => (
                None,
                BASE64.encode(seed.as_ref()),
                Some(UNENCRYPTED_WARNING.to_string()),
            ),
        };
        let wire = SecretKeyWire {
            format: SECRET_KEY_FORMAT.into(),
            issuer: self.issuer.clone(),
            key_id: public.key_id.to_string(),
            public_key: public_b64,
            encryption,
            secret,
            warning,
        };
        let mut s = serde_json::to_string_pretty(&wire).expect("plain struct serializes");
        s.push('\n');
        Ok(s)
    }

    /// Whether a secret key file's content is encrypted (so the caller knows to ask for a passphrase).
    pub fn file_is_encrypted(content: &str, path: &str) -> Result<bool, KeyError> {
        let wire = parse_secret_wire(content, path)?;
        Ok(wire.encryption.is_some())
    }

    /// The AEAD associated data of an encrypted secret key file (docs/SPEC.md §4.4), or `None` for
    /// an unencrypted one. Only the file's JSON shape and format tag are checked. For known-answer
    /// tests and other implementations; signing never needs it.
    pub fn associated_data(content: &str, path: &str) -> Result<Option<String>, KeyError> {
        let wire = parse_secret_wire(content, path)?;
        Ok(wire
            .encryption
            .as_ref()
            .map(|enc| secret_key_aad_text(&wire.issuer, &wire.key_id, &wire.public_key, enc)))
    }

    /// Parse and, if needed, decrypt a secret key file.
    pub fn parse(
        content: &str,
        path: &str,
        passphrase: Option<&str>,
    ) -> Result<SecretKey, KeyError> {
        let wire = parse_secret_wire(content, path)?;
        let (public, key_id) =
            check_public_members(path, &wire.issuer, &wire.key_id, &wire.public_key)?;
        let encoding = |field| KeyError::Encoding {
            path: path.into(),
            field,
        };
        let secret = Zeroizing::new(
            BASE64
                .decode(&wire.secret)
                .map_err(|_| encoding("secret"))?,
        );
        let seed: Zeroizing<[u8; 32]> = match &wire.encryption {
            None => Zeroizing::new(
                secret
                    .as_slice()
                    .try_into()
                    .map_err(|_| encoding("secret"))?,
            ),
            Some(enc) => {
                if enc.kdf != KDF_NAME || enc.cipher != CIPHER_NAME {
                    return Err(KeyError::UnsupportedEncryption {
                        path: path.into(),
                        kdf: enc.kdf.clone(),
                        cipher: enc.cipher.clone(),
                    });
                }
                let pass =
                    passphrase.ok_or_else(|| KeyError::NoPassphrase { path: path.into() })?;
                let salt = BASE64.decode(&enc.salt).map_err(|_| encoding("salt"))?;
                let nonce: [u8; 12] = BASE64
                    .decode(&enc.nonce)
                    .ok()
                    .and_then(|n| n.try_into().ok())
                    .ok_or_else(|| encoding("nonce"))?;
                let kek = derive_kek(pass, &salt, enc, path)?;
                let aad = secret_key_aad(&wire.issuer, &key_id, &wire.public_key, enc);
                let cipher = ChaCha20Poly1305::new((&*kek).into());
                let plain = Zeroizing::new(
                    cipher
                        .decrypt(
                            (&nonce).into(),
                            Payload {
                                msg: &secret,
                                aad: aad.as_bytes(),
                            },
                        )
                        .map_err(|_| KeyError::Decrypt { path: path.into() })?,
                );
                Zeroizing::new(
                    plain
                        .as_slice()
                        .try_into()
                        .map_err(|_| KeyError::Decrypt { path: path.into() })?,
                )
            }
        };
        let signing = SigningKey::from_bytes(&seed);
        if signing.verifying_key() != public {
            return Err(KeyError::SecretMismatch { path: path.into() });
        }
        Ok(SecretKey {
            issuer: wire.issuer,
            signing,
        })
    }
}

fn parse_secret_wire(content: &str, path: &str) -> Result<SecretKeyWire, KeyError> {
    if content.contains(PUBLIC_KEY_FORMAT) || content.trim_start().starts_with(ONE_LINE_TAG) {
        return Err(KeyError::PublicGivenForSecret { path: path.into() });
    }
    let wire: SecretKeyWire = crate::wire::from_slice(content.as_bytes())
        .map_err(|e| json_error(path, KeyFileKind::Secret, &e))?;
    if wire.format != SECRET_KEY_FORMAT {
        return Err(KeyError::UnknownFormat {
            path: path.into(),
            found: wire.format,
            expected: SECRET_KEY_FORMAT,
        });
    }
    Ok(wire)
}

/// The AEAD associated data: binds the ciphertext to the issuer, key and KDF parameters, so none of
/// them can be swapped in the file (docs/SPEC.md §4.4).
fn secret_key_aad(issuer: &str, key_id: &KeyId, public_b64: &str, enc: &EncryptionWire) -> String {
    secret_key_aad_text(issuer, &key_id.to_string(), public_b64, enc)
}

/// §4.4: `attest/v1 secret-key` LF issuer LF key_id LF public_key LF kdf LF m_cost_kib LF t_cost LF
/// p_cost LF salt LF cipher, fields as written in the file, no final LF.
fn secret_key_aad_text(
    issuer: &str,
    key_id: &str,
    public_b64: &str,
    enc: &EncryptionWire,
) -> String {
    format!(
        "{SECRET_KEY_AAD_CONTEXT}\n{issuer}\n{key_id}\n{public_b64}\n{}\n{}\n{}\n{}\n{}\n{}",
        enc.kdf, enc.m_cost_kib, enc.t_cost, enc.p_cost, enc.salt, enc.cipher
    )
}

/// Argon2id key-encryption key from a passphrase. `path` names the key file in errors.
fn derive_kek(
    pass: &str,
    salt: &[u8],
    enc: &EncryptionWire,
    path: &str,
) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let bad = || KeyError::KdfParams { path: path.into() };
    if enc.m_cost_kib > ARGON2_MAX_M_COST_KIB
        || enc.t_cost > ARGON2_MAX_T_COST
        || enc.p_cost > ARGON2_MAX_P_COST
    {
        return Err(bad());
    }
    let params =
        argon2::Params::new(enc.m_cost_kib, enc.t_cost, enc.p_cost, Some(32)).map_err(|_| bad())?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(pass.as_bytes(), salt, out.as_mut())
        .map_err(|_| bad())?;
    Ok(out)
}

/// A trusted key: a public key file from the trust store.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    /// The key and the issuer it is trusted for.
    pub key: IssuerKey,
    /// The file it came from.
    pub path: PathBuf,
}

/// A directory of `.pub` files. Each key is trusted for the issuer named in its file, and no other.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    keys: HashMap<KeyId, TrustedKey>,
}

impl TrustStore {
    /// Load every `*.pub` file in `dir` (other files are ignored). Fails closed: a missing directory,
    /// a malformed key file, a key listed for two issuers, or an empty store is an error.
    pub fn load(dir: &Path) -> Result<TrustStore, KeyError> {
        let shown = dir.display().to_string();
        let entries = std::fs::read_dir(dir).map_err(|source| KeyError::TrustStoreUnreadable {
            path: shown.clone(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| KeyError::TrustStoreUnreadable {
                path: shown.clone(),
                source,
            })?;
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "pub") && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        let mut store = TrustStore::default();
        for path in paths {
            let key = IssuerKey::read(&path)?;
            store.add(key, path)?;
        }
        if store.keys.is_empty() {
            return Err(KeyError::TrustStoreEmpty { path: shown });
        }
        Ok(store)
    }

    /// Add a key. The same key listed for two different issuers is an error.
    pub fn add(&mut self, key: IssuerKey, path: PathBuf) -> Result<(), KeyError> {
        if let Some(existing) = self.keys.get(&key.key_id) {
            if existing.key.issuer != key.issuer {
                return Err(KeyError::KeyForTwoIssuers {
                    key_id: key.key_id,
                    first_issuer: existing.key.issuer.clone(),
                    first_path: existing.path.display().to_string(),
                    second_issuer: key.issuer,
                    second_path: path.display().to_string(),
                });
            }
            return Ok(());
        }
        self.keys.insert(key.key_id, TrustedKey { key, path });
        Ok(())
    }

    /// The trusted key with this id, if any.
    pub fn get(&self, id: &KeyId) -> Option<&TrustedKey> {
        self.keys.get(id)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_round_trips_in_both_forms() {
        let sk = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        let public = sk.public();
        assert_eq!(
            IssuerKey::parse(&public.to_file_string(), "k.pub").unwrap(),
            public
        );
        assert_eq!(
            IssuerKey::parse(&public.to_line(), "k.pub").unwrap(),
            public
        );
    }

    #[test]
    fn key_id_must_match_key() {
        let a = SecretKey::generate("A").unwrap().public();
        let b = SecretKey::generate("A").unwrap().public();
        let forged = a
            .to_line()
            .replace(&a.key_id.to_string(), &b.key_id.to_string());
        assert!(matches!(
            IssuerKey::parse(&forged, "k.pub"),
            Err(KeyError::KeyIdMismatch { .. })
        ));
    }

    #[test]
    fn encrypted_secret_key_round_trips_and_hides_the_seed() {
        let sk = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        let file = sk.to_file_string(Some("correct horse")).unwrap();
        assert!(!file.contains(&BASE64.encode(sk.signing.to_bytes())));
        let back = SecretKey::parse(&file, "k.key", Some("correct horse")).unwrap();
        assert_eq!(back.signing.to_bytes(), sk.signing.to_bytes());
        let wrong = SecretKey::parse(&file, "k.key", Some("wrong")).unwrap_err();
        assert!(matches!(wrong, KeyError::Decrypt { .. }));
        // Changing the issuer in the file breaks decryption (it is bound as associated data).
        let renamed = file.replace("Harbour Rights", "Harbor Rights");
        assert!(matches!(
            SecretKey::parse(&renamed, "k.key", Some("correct horse")),
            Err(KeyError::Decrypt { .. })
        ));
    }

    #[test]
    fn missing_encryption_member_is_an_error_not_unencrypted() {
        let sk = SecretKey::generate("A").unwrap();
        let file = sk.to_file_string(None).unwrap();
        let stripped = file.replace("  \"encryption\": null,\n", "");
        assert_ne!(stripped, file);
        assert!(matches!(
            SecretKey::parse(&stripped, "k.key", None),
            Err(KeyError::Json {
                problem: JsonProblem::MissingField,
                file: KeyFileKind::Secret,
                ..
            })
        ));
    }

    proptest::proptest! {
        /// Mutated or truncated key files give errors, never panics.
        #[test]
        fn mutated_key_files_never_panic(
            at in proptest::prelude::any::<proptest::sample::Index>(),
            byte in proptest::prelude::any::<u8>(),
        ) {
            let sk = SecretKey::generate("A").unwrap();
            for file in [sk.to_file_string(None).unwrap(), sk.public().to_file_string(), sk.public().to_line()] {
                let mut bytes = file.into_bytes();
                let i = at.index(bytes.len());
                bytes[i] = byte;
                let text = String::from_utf8_lossy(&bytes);
                let _ = IssuerKey::parse(&text, "k.pub");
                let _ = SecretKey::parse(&text, "k.key", None);
                let _ = IssuerKey::parse(text.get(..i).unwrap_or(""), "k.pub");
            }
        }
    }

    #[test]
    fn key_files_written_as_json_arrays_are_rejected() {
        // serde's derived Deserialize would read the members' values in order from an array.
        let sk = SecretKey::generate("A").unwrap();
        let public = sk.public();
        let array = format!(
            "[\"{PUBLIC_KEY_FORMAT}\", \"A\", \"{}\", \"{}\"]",
            public.key_id,
            BASE64.encode(public.key.as_bytes())
        );
        // Starts with `[`, so the public key reader sees neither form.
        assert!(matches!(
            IssuerKey::parse(&array, "k.pub"),
            Err(KeyError::UnknownForm { .. })
        ));
        let secret = format!(
            "[\"{SECRET_KEY_FORMAT}\", \"A\", \"{}\", \"{}\", null, \"{}\"]",
            public.key_id,
            BASE64.encode(public.key.as_bytes()),
            BASE64.encode(sk.signing.to_bytes())
        );
        assert!(matches!(
            SecretKey::parse(&secret, "k.key", None),
            Err(KeyError::Json {
                problem: JsonProblem::NotAnObject,
                ..
            })
        ));
        // An `encryption` member written as an array is a wrong type, not an encryption.
        let file = sk.to_file_string(Some("pass")).unwrap();
        let value: serde_json::Value = serde_json::from_str(&file).unwrap();
        let enc = value["encryption"].as_object().unwrap();
        let values: Vec<_> = enc.values().cloned().collect();
        let mut changed = value.clone();
        changed["encryption"] = serde_json::Value::Array(values);
        assert!(matches!(
            SecretKey::parse(&changed.to_string(), "k.key", Some("pass")),
            Err(KeyError::Json {
                problem: JsonProblem::WrongType,
                ..
            })
        ));
    }

    #[test]
    fn weak_and_malformed_public_keys_are_rejected() {
        // The identity point (y = 1) is of small order.
        let identity = {
            let mut b = [0u8; 32];
            b[0] = 1;
            BASE64.encode(b)
        };
        assert_eq!(parse_verifying_key(&identity), Err(PublicKeyError::Weak));
        assert_eq!(
            parse_verifying_key("AAAA"),
            Err(PublicKeyError::Length { len: 3 })
        );
        assert_eq!(
            parse_verifying_key("not base64!"),
            Err(PublicKeyError::Base64)
        );
        assert_eq!("0123".parse::<KeyId>(), Err(ParseKeyIdError));
        assert_eq!("0123456789ABCDEF".parse::<KeyId>(), Err(ParseKeyIdError));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let sk = SecretKey::generate("A").unwrap();
        let shown = format!("{sk:?}");
        assert!(!shown.contains(&hex::encode(sk.signing.to_bytes())));
        assert!(shown.contains("<secret>"));
    }

    #[test]
    fn trust_store_reads_only_pub_files_and_fails_closed_when_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            TrustStore::load(dir.path()),
            Err(KeyError::TrustStoreEmpty { .. })
        ));
        let sk = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        std::fs::write(dir.path().join("harbour.pub"), sk.public().to_file_string()).unwrap();
        std::fs::write(dir.path().join("README.txt"), "not a key").unwrap();
        std::fs::write(
            dir.path().join("harbour.key"),
            sk.to_file_string(None).unwrap(),
        )
        .unwrap();
        let store = TrustStore::load(dir.path()).unwrap();
        assert_eq!(store.len(), 1);
        let trusted = store.get(&sk.key_id()).unwrap();
        assert_eq!(trusted.key.issuer, "Harbour Rights Lawyers Network");
        // A malformed .pub file is an error naming it, not silently skipped.
        std::fs::write(dir.path().join("broken.pub"), "garbage").unwrap();
        match TrustStore::load(dir.path()) {
            Err(KeyError::UnknownForm { path }) => assert!(path.ends_with("broken.pub"), "{path}"),
            other => panic!("expected UnknownForm for broken.pub, got {other:?}"),
        }
    }

    #[test]
    fn issuer_names_are_checked() {
        assert_eq!(check_issuer(""), Err(IssuerError::Empty));
        assert_eq!(check_issuer(&"长".repeat(201)), Err(IssuerError::TooLong));
        assert!(check_issuer(&"长".repeat(200)).is_ok());
        assert_eq!(
            check_issuer(" padded"),
            Err(IssuerError::SurroundingWhitespace)
        );
        assert_eq!(
            check_issuer("bad\u{200B}name"),
            Err(IssuerError::HiddenCharacters)
        );
        assert_eq!(
            check_issuer("Harbour \u{202E}krowteN"),
            Err(IssuerError::HiddenCharacters)
        );
        assert!(check_issuer("海港维权律师网络").is_ok());
        assert!(matches!(
            SecretKey::generate("Line\nbreak"),
            Err(KeyError::Issuer(IssuerError::HiddenCharacters))
        ));
    }
}
