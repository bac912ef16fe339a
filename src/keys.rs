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

/// Errors about keys and key files. Crypto failures collapse into a few safe variants.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file is not a key file of the expected kind.
    #[error("{path} is not a valid {what}: {reason}")]
    Malformed {
        /// The file.
        path: String,
        /// `public key file` or `secret key file`.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Wrong passphrase, or the secret key file was altered.
    #[error("cannot decrypt {path}: wrong passphrase, or the file was altered")]
    Decrypt {
        /// The file.
        path: String,
    },
    /// The issuer name is unusable.
    #[error("invalid issuer name: {0}")]
    Issuer(String),
    /// Reading a file or directory failed.
    #[error("cannot read {path}: {cause}")]
    Read {
        /// The file or directory.
        path: String,
        /// The I/O error.
        cause: std::io::Error,
    },
    /// The trust store cannot be used.
    #[error("{0}")]
    TrustStore(String),
}

/// Check an issuer name: 1 to 200 characters, no control characters, no leading or trailing spaces.
pub fn check_issuer(name: &str) -> Result<(), KeyError> {
    if name.is_empty() {
        return Err(KeyError::Issuer("the issuer name is empty".into()));
    }
    if name.chars().count() > MAX_ISSUER_LEN {
        return Err(KeyError::Issuer(format!(
            "longer than {MAX_ISSUER_LEN} characters"
        )));
    }
    if name.chars().any(|c| {
        c.is_control()
            || crate::canon::is_ignorable(c)
            || crate::canon::suspicious_kind(c).is_some()
    }) {
        return Err(KeyError::Issuer(
            "it contains control, bidirectional or invisible characters".into(),
        ));
    }
    if name.trim() != name {
        return Err(KeyError::Issuer(
            "it has leading or trailing whitespace".into(),
        ));
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
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 16 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err("a key id is 16 lowercase hex digits".into());
        }
        let mut id = [0u8; 8];
        hex::decode_to_slice(s, &mut id).map_err(|e| e.to_string())?;
        Ok(KeyId(id))
    }
}

/// Decoded public keys by their base64 text. An archive holds thousands of manifests signed by a
/// handful of keys, and decompressing a point costs as much as half a signature check. Bounded, so
/// a hostile archive of distinct keys cannot grow it without limit.
const KEY_CACHE_LIMIT: usize = 1024;

thread_local! {
    static KEY_CACHE: std::cell::RefCell<HashMap<String, Result<VerifyingKey, String>>> =
        std::cell::RefCell::new(HashMap::new());
}

/// Decode a base64 Ed25519 public key, rejecting invalid and small-order (weak) points.
pub fn parse_verifying_key(b64: &str) -> Result<VerifyingKey, String> {
    if let Some(hit) = KEY_CACHE.with(|c| c.borrow().get(b64).cloned()) {
        return hit;
    }
    let parsed = parse_verifying_key_uncached(b64);
    KEY_CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= KEY_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(b64.to_string(), parsed.clone());
    });
    parsed
}

fn parse_verifying_key_uncached(b64: &str) -> Result<VerifyingKey, String> {
    let bytes = BASE64
        .decode(b64)
        .map_err(|_| "the public key is not valid base64".to_string())?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| "the public key is not 32 bytes".to_string())?;
    let key = VerifyingKey::from_bytes(&bytes)
        .map_err(|_| "the public key is not a valid Ed25519 point".to_string())?;
    if key.is_weak() {
        return Err("the public key is a weak (small-order) point".into());
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

    /// Parse a public key file: either the JSON form or the one-line form. `path` names it in errors.
    pub fn parse(content: &str, path: &str) -> Result<IssuerKey, KeyError> {
        let malformed = |reason: String| KeyError::Malformed {
            path: path.into(),
            what: "public key file",
            reason,
        };
        let trimmed = content.trim();
        let (issuer, key_id, key) = if trimmed.starts_with('{') {
            let wire: PublicKeyWire =
                serde_json::from_str(trimmed).map_err(|e| malformed(e.to_string()))?;
            if wire.format != PUBLIC_KEY_FORMAT {
                return Err(malformed(format!(
                    "unknown format {:?} (this attest reads {PUBLIC_KEY_FORMAT})",
                    wire.format
                )));
            }
            (wire.issuer, wire.key_id, wire.public_key)
        } else if let Some(rest) = trimmed.strip_prefix(ONE_LINE_TAG) {
            if trimmed.contains('\n') {
                return Err(malformed("the one-line form must be a single line".into()));
            }
            let mut parts = rest.trim_start().splitn(3, ' ');
            let (Some(id), Some(key), Some(issuer)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(malformed(format!(
                    "expected `{ONE_LINE_TAG} <key id> <key> <issuer>`"
                )));
            };
            (issuer.to_string(), id.to_string(), key.to_string())
        } else {
            return Err(malformed(format!(
                "expected a JSON key file or a line starting with `{ONE_LINE_TAG}`"
            )));
        };
        check_issuer(&issuer).map_err(|e| malformed(e.to_string()))?;
        let key = parse_verifying_key(&key).map_err(malformed)?;
        let key_id: KeyId = key_id.parse().map_err(malformed)?;
        if key_id != KeyId::of(&key) {
            return Err(malformed("the key id does not match the key".into()));
        }
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
            cause: source,
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
    #[serde(deserialize_with = "crate::manifest::required_nullable")]
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

impl SecretKey {
    /// Generate a new key for `issuer`.
    pub fn generate(issuer: &str) -> Result<SecretKey, KeyError> {
        check_issuer(issuer)?;
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(|_| {
            KeyError::TrustStore("the operating system's random number generator failed".into())
        })?;
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
                getrandom::fill(&mut salt)
                    .and_then(|()| getrandom::fill(&mut nonce))
                    .map_err(|_| {
                        KeyError::TrustStore(
                            "the operating system's random number generator failed".into(),
                        )
                    })?;
                let enc = EncryptionWire {
                    kdf: KDF_NAME.into(),
                    m_cost_kib: ARGON2_M_COST_KIB,
                    t_cost: ARGON2_T_COST,
                    p_cost: ARGON2_P_COST,
                    salt: BASE64.encode(salt),
                    cipher: CIPHER_NAME.into(),
                    nonce: BASE64.encode(nonce),
                };
                let kek = derive_kek(pass, &salt, &enc)?;
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
                    .map_err(|_| KeyError::Decrypt {
                        path: "(new key)".into(),
                    })?;
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

    /// Parse and, if needed, decrypt a secret key file.
    pub fn parse(
        content: &str,
        path: &str,
        passphrase: Option<&str>,
    ) -> Result<SecretKey, KeyError> {
        let malformed = |reason: String| KeyError::Malformed {
            path: path.into(),
            what: "secret key file",
            reason,
        };
        let wire = parse_secret_wire(content, path)?;
        check_issuer(&wire.issuer).map_err(|e| malformed(e.to_string()))?;
        let public = parse_verifying_key(&wire.public_key).map_err(malformed)?;
        let key_id: KeyId = wire.key_id.parse().map_err(malformed)?;
        if key_id != KeyId::of(&public) {
            return Err(malformed("the key id does not match the public key".into()));
        }
        let secret = Zeroizing::new(
            BASE64
                .decode(&wire.secret)
                .map_err(|_| malformed("`secret` is not valid base64".into()))?,
        );
        let seed: Zeroizing<[u8; 32]> = match &wire.encryption {
            None => Zeroizing::new(
                secret
                    .as_slice()
                    .try_into()
                    .map_err(|_| malformed("the secret is not 32 bytes".into()))?,
            ),
            Some(enc) => {
                let pass = passphrase.ok_or_else(|| {
                    malformed("the key is encrypted and no passphrase was given".into())
                })?;
                if enc.kdf != KDF_NAME || enc.cipher != CIPHER_NAME {
                    return Err(malformed(format!(
                        "unsupported encryption {}/{} (this attest uses {KDF_NAME}/{CIPHER_NAME})",
                        enc.kdf, enc.cipher
                    )));
                }
                let salt = BASE64
                    .decode(&enc.salt)
                    .map_err(|_| malformed("bad salt".into()))?;
                let nonce: [u8; 12] = BASE64
                    .decode(&enc.nonce)
                    .ok()
                    .and_then(|n| n.try_into().ok())
                    .ok_or_else(|| malformed("the nonce is not 12 bytes of base64".into()))?;
                let kek = derive_kek(pass, &salt, enc).map_err(|e| match e {
                    KeyError::Malformed { reason, .. } => malformed(reason),
                    other => other,
                })?;
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
            return Err(malformed(
                "the secret key does not match the public key in the file".into(),
            ));
        }
        Ok(SecretKey {
            issuer: wire.issuer,
            signing,
        })
    }
}

fn parse_secret_wire(content: &str, path: &str) -> Result<SecretKeyWire, KeyError> {
    let malformed = |reason: String| KeyError::Malformed {
        path: path.into(),
        what: "secret key file",
        reason,
    };
    if content.contains(PUBLIC_KEY_FORMAT) || content.trim_start().starts_with(ONE_LINE_TAG) {
        return Err(malformed(
            "it is a public key file; pass the secret key PREFIX.key made by `attest keygen`"
                .into(),
        ));
    }
    let wire: SecretKeyWire = serde_json::from_str(content).map_err(|e| {
        // serde_json's "invalid type/value" messages quote the value, which could be secret: keep
        // only messages that name fields, and otherwise say where parsing failed.
        let text = e.to_string();
        if text.starts_with("missing field") || text.starts_with("unknown field") {
            malformed(text)
        } else {
            malformed(format!(
                "not valid JSON of the expected shape (line {}, column {})",
                e.line(),
                e.column()
            ))
        }
    })?;
    if wire.format != SECRET_KEY_FORMAT {
        return Err(malformed(format!(
            "unknown format {:?} (this attest reads {SECRET_KEY_FORMAT})",
            wire.format
        )));
    }
    Ok(wire)
}

/// The AEAD associated data: binds the ciphertext to the issuer, key and KDF parameters, so none of
/// them can be swapped in the file.
fn secret_key_aad(issuer: &str, key_id: &KeyId, public_b64: &str, enc: &EncryptionWire) -> String {
    format!(
        "{SECRET_KEY_AAD_CONTEXT}\n{issuer}\n{key_id}\n{public_b64}\n{}\n{}\n{}\n{}\n{}\n{}",
        enc.kdf, enc.m_cost_kib, enc.t_cost, enc.p_cost, enc.salt, enc.cipher
    )
}

/// Argon2id key-encryption key from a passphrase.
fn derive_kek(
    pass: &str,
    salt: &[u8],
    enc: &EncryptionWire,
) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let bad = |reason: &str| KeyError::Malformed {
        path: "(key file)".into(),
        what: "secret key file",
        reason: reason.into(),
    };
    if enc.m_cost_kib > ARGON2_MAX_M_COST_KIB
        || enc.t_cost > ARGON2_MAX_T_COST
        || enc.p_cost > ARGON2_MAX_P_COST
    {
        return Err(bad(
            "the Argon2id parameters are beyond what attest accepts",
        ));
    }
    let params = argon2::Params::new(enc.m_cost_kib, enc.t_cost, enc.p_cost, Some(32))
        .map_err(|_| bad("invalid Argon2id parameters"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(pass.as_bytes(), salt, out.as_mut())
        .map_err(|_| bad("invalid Argon2id salt or parameters"))?;
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
        let entries = std::fs::read_dir(dir).map_err(|e| {
            KeyError::TrustStore(format!(
                "cannot read the trust store {shown}: {e}; pass --keys DIR naming a directory of the issuers' .pub files"
            ))
        })?;
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| KeyError::Read {
                path: shown.clone(),
                cause: source,
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
            return Err(KeyError::TrustStore(format!(
                "the trust store {shown} has no .pub files; add the public key files of the issuers you trust, or pass --keys DIR"
            )));
        }
        Ok(store)
    }

    /// Add a key. The same key listed for two different issuers is an error.
    pub fn add(&mut self, key: IssuerKey, path: PathBuf) -> Result<(), KeyError> {
        if let Some(existing) = self.keys.get(&key.key_id) {
            if existing.key.issuer != key.issuer {
                return Err(KeyError::TrustStore(format!(
                    "key {} is listed for {:?} in {} and for {:?} in {}; a key is trusted for one issuer only. Remove the wrong file",
                    key.key_id,
                    existing.key.issuer,
                    existing.path.display(),
                    key.issuer,
                    path.display()
                )));
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
        assert!(IssuerKey::parse(&forged, "k.pub").is_err());
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
        assert!(SecretKey::parse(&renamed, "k.key", Some("correct horse")).is_err());
    }

    #[test]
    fn missing_encryption_member_is_an_error_not_unencrypted() {
        let sk = SecretKey::generate("A").unwrap();
        let file = sk.to_file_string(None).unwrap();
        let stripped = file.replace("  \"encryption\": null,\n", "");
        assert_ne!(stripped, file);
        assert!(SecretKey::parse(&stripped, "k.key", None).is_err());
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
            Err(KeyError::TrustStore(_))
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
        let err = TrustStore::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("broken.pub"), "{err}");
    }

    #[test]
    fn issuer_names_are_checked() {
        assert!(check_issuer("").is_err());
        assert!(check_issuer(" padded").is_err());
        assert!(check_issuer("bad\u{200B}name").is_err());
        assert!(check_issuer("Harbour \u{202E}krowteN").is_err());
        assert!(check_issuer("海港维权律师网络").is_ok());
    }
}
