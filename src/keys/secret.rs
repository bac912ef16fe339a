//! Secret keys and their encryption at rest (docs/SPEC.md §4.4).

use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use ed25519_dalek::{Signature, Signer as _, SigningKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::public::{check_public_members, json_error};
use super::{
    check_issuer, IssuerKey, KeyError, KeyFileKind, KeyId, ARGON2_MAX_M_COST_KIB,
    ARGON2_MAX_P_COST, ARGON2_MAX_T_COST, ARGON2_MAX_WORK_KIB, ARGON2_M_COST_KIB, ARGON2_P_COST,
    ARGON2_T_COST, CIPHER_NAME, KDF_NAME, ONE_LINE_TAG, PUBLIC_KEY_FORMAT, SECRET_KEY_AAD_CONTEXT,
    SECRET_KEY_FORMAT,
};

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

    /// Write the key pair: the secret key file to `secret_path` (mode 0600; encrypted with
    /// `passphrase`, else in the clear) and the public key file to `public_path` (0644), each
    /// atomically, never over an existing file. Neither is written if either exists. If the public
    /// file cannot be written after the secret one was, the error says so
    /// ([`KeyError::PublicNotWritten`]), so the user can remove the lone secret file.
    pub fn write_pair(
        &self,
        secret_path: &std::path::Path,
        public_path: &std::path::Path,
        passphrase: Option<&str>,
    ) -> Result<(), KeyError> {
        for path in [secret_path, public_path] {
            if path.exists() {
                return Err(KeyError::Write(crate::fsutil::WriteError::Exists {
                    path: path.display().to_string(),
                }));
            }
        }
        let secret_file = Zeroizing::new(self.to_file_string(passphrase)?);
        crate::fsutil::write_new(secret_path, secret_file.as_bytes(), 0o600)
            .map_err(KeyError::Write)?;
        crate::fsutil::write_new(
            public_path,
            self.public().to_file_string().as_bytes(),
            0o644,
        )
        .map_err(|source| KeyError::PublicNotWritten {
            secret: secret_path.display().to_string(),
            source,
        })
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

    /// Rewrite the secret key file at `path` (from which this key was read) under a new protection:
    /// encrypted with `passphrase` (fresh salt and nonce), or in the clear when `None`
    /// (docs/SPEC.md §4.4, `key passwd`). The file must still hold this key, must not be a symbolic
    /// link, and must be private ([`check_secret_file_private`]). The new content is decrypted again
    /// and compared with this key before anything is written; it then replaces the file atomically
    /// ([`crate::fsutil::write_replace`]: a temporary file in the same directory, flushed, mode
    /// 0600, renamed over the file), so an interruption at any moment leaves either the old file,
    /// whole and unchanged, or the new one. A killed process may leave the hidden temporary file
    /// (mode 0600, under the new protection) beside the key.
    pub fn rewrite_file(
        &self,
        path: &std::path::Path,
        passphrase: Option<&str>,
    ) -> Result<(), KeyError> {
        self.rewrite_file_hooked(path, passphrase, &mut |_| Ok(()))
    }

    /// [`SecretKey::rewrite_file`], with a hook called just before the rename (for tests).
    fn rewrite_file_hooked(
        &self,
        path: &std::path::Path,
        passphrase: Option<&str>,
        before_rename: &mut dyn FnMut(&std::path::Path) -> std::io::Result<()>,
    ) -> Result<(), KeyError> {
        let shown = path.display().to_string();
        let read_error = |source| KeyError::Read {
            path: shown.clone(),
            source,
        };
        let meta = std::fs::symlink_metadata(path).map_err(read_error)?;
        if meta.file_type().is_symlink() {
            return Err(KeyError::SecretKeyIsLink { path: shown });
        }
        check_secret_file_private(path)?;
        let current = Zeroizing::new(std::fs::read_to_string(path).map_err(read_error)?);
        let wire = parse_secret_wire(&current, &shown)?;
        if wire.key_id != self.key_id().to_string() || wire.issuer != self.issuer {
            return Err(KeyError::KeyFileChanged { path: shown });
        }
        let new = Zeroizing::new(self.to_file_string(passphrase)?);
        // Never replace a key with a file that does not give it back.
        let back = SecretKey::parse(&new, &shown, passphrase)?;
        if back.signing.to_bytes() != self.signing.to_bytes() {
            return Err(KeyError::SecretMismatch { path: shown });
        }
        crate::fsutil::write_replace_hooked(path, new.as_bytes(), 0o600, before_rename)
            .map_err(KeyError::Write)
    }

    /// The public key and issuer of a secret key file, read from its clear members (`issuer`,
    /// `key_id`, `public_key`, checked as in a public key file, docs/SPEC.md §4.2) without
    /// decrypting it. Nothing here ties them to the secret: [`SecretKey::parse`] does (a file whose
    /// public key was swapped fails to decrypt, or fails `secret_mismatch`).
    pub fn public_of_file(content: &str, path: &str) -> Result<IssuerKey, KeyError> {
        let wire = parse_secret_wire(content, path)?;
        let (public, _) = check_public_members(path, &wire.issuer, &wire.key_id, &wire.public_key)?;
        Ok(IssuerKey::new(wire.issuer, public))
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

/// Refuse a secret key file that users other than its owner may read or write (any of the mode bits
/// 0o077), as ssh refuses such a private key: whoever can read it can try passphrases offline, or
/// sign with it when it is unencrypted. Unix only; elsewhere nothing is checked.
pub fn check_secret_file_private(path: &std::path::Path) -> Result<(), KeyError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|source| KeyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyError::SecretKeyNotPrivate {
                path: path.display().to_string(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
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
        || u64::from(enc.m_cost_kib) * u64::from(enc.t_cost) > ARGON2_MAX_WORK_KIB
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::JsonProblem;

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

    /// `sk` written to `dir/k.key` (mode 0600), encrypted with `pass` if given.
    fn key_file(dir: &std::path::Path, sk: &SecretKey, pass: Option<&str>) -> std::path::PathBuf {
        let path = dir.join("k.key");
        crate::fsutil::write_new(&path, sk.to_file_string(pass).unwrap().as_bytes(), 0o600)
            .unwrap();
        path
    }

    #[test]
    fn passwd_interrupted_before_the_rename_leaves_the_old_key_file_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let sk = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        let path = key_file(dir.path(), &sk, None);
        let before = std::fs::read(&path).unwrap();
        let err = sk
            .rewrite_file_hooked(&path, Some("a new passphrase"), &mut |_| {
                Err(std::io::Error::other("power cut"))
            })
            .unwrap_err();
        assert!(matches!(err, KeyError::Write(_)));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Not interrupted, the same call changes the protection and keeps the key.
        sk.rewrite_file(&path, Some("a new passphrase")).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(SecretKey::file_is_encrypted(&after, "k.key").unwrap());
        let back = SecretKey::parse(&after, "k.key", Some("a new passphrase")).unwrap();
        assert_eq!(back.signing.to_bytes(), sk.signing.to_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn passwd_refuses_a_file_that_now_holds_another_key() {
        let dir = tempfile::tempdir().unwrap();
        let sk = SecretKey::generate("A").unwrap();
        let other = SecretKey::generate("A").unwrap();
        let path = key_file(dir.path(), &other, None);
        let before = std::fs::read(&path).unwrap();
        assert!(matches!(
            sk.rewrite_file(&path, None),
            Err(KeyError::KeyFileChanged { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[cfg(unix)]
    #[test]
    fn passwd_refuses_a_link_and_a_file_others_can_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let sk = SecretKey::generate("A").unwrap();
        let path = key_file(dir.path(), &sk, None);
        let link = dir.path().join("link.key");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(matches!(
            sk.rewrite_file(&link, None),
            Err(KeyError::SecretKeyIsLink { .. })
        ));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            sk.rewrite_file(&path, None),
            Err(KeyError::SecretKeyNotPrivate { .. })
        ));
    }

    #[test]
    fn the_public_key_is_read_from_an_encrypted_file_without_its_passphrase() {
        let sk = SecretKey::generate("Lantern Lawyers Group").unwrap();
        let file = sk.to_file_string(Some("pass phrase")).unwrap();
        let public = SecretKey::public_of_file(&file, "k.key").unwrap();
        assert_eq!(public, sk.public());
        // A public key file is not a secret key file.
        assert!(matches!(
            SecretKey::public_of_file(&sk.public().to_file_string(), "k.pub"),
            Err(KeyError::PublicGivenForSecret { .. })
        ));
        // A swapped public key (with its id) reads as that key, but no longer decrypts.
        let thief = SecretKey::generate("Lantern Lawyers Group").unwrap();
        let swapped = file
            .replace(
                &BASE64.encode(sk.public().key.as_bytes()),
                &BASE64.encode(thief.public().key.as_bytes()),
            )
            .replace(&sk.key_id().to_string(), &thief.key_id().to_string());
        assert_eq!(
            SecretKey::public_of_file(&swapped, "k.key").unwrap(),
            thief.public()
        );
        assert!(matches!(
            SecretKey::parse(&swapped, "k.key", Some("pass phrase")),
            Err(KeyError::Decrypt { .. })
        ));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let sk = SecretKey::generate("A").unwrap();
        let shown = format!("{sk:?}");
        assert!(!shown.contains(&hex::encode(sk.signing.to_bytes())));
        assert!(shown.contains("<secret>"));
    }
}
