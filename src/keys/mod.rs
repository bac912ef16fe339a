//! Keys: Ed25519 public keys bound to an issuer name, secret keys encrypted at rest with a passphrase
//! (Argon2id + ChaCha20-Poly1305), and the trust store. Formats: docs/SPEC.md §4.
//!
//! This layer knows nothing of manifests: it imports only `digest`, `canon` (for the character
//! classes of issuer names) and `wire` (strict JSON objects).

mod confusable;
mod error;
mod id;
mod issuer;
mod public;
mod secret;
mod trust;

pub use confusable::confusable_pairs;
pub use error::{KeyError, KeyFileKind};
pub use id::{Fingerprint, KeyId, ParseKeyIdError};
pub use issuer::{check_issuer, IssuerError};
pub use public::{check_key_comment, parse_verifying_key, IssuerKey, PublicKeyError};
pub use secret::{check_secret_file_private, SecretKey};
pub use trust::{user_trust_store_dir, TrustStore, TrustedKey, TRUST_STORE_ENV};

/// Format tag of a public key file.
pub const PUBLIC_KEY_FORMAT: &str = "attest-public-key/1";
/// Format tag of a secret key file.
pub const SECRET_KEY_FORMAT: &str = "attest-secret-key/1";
/// First word of the one-line public key form: `attest-ed25519 <key id> <base64 key> <issuer>`.
pub const ONE_LINE_TAG: &str = "attest-ed25519";
/// Domain-separation label for key ids: key id = first 8 bytes of SHA-256(label || 0x00 || key).
pub const KEY_ID_CONTEXT: &str = "attest/v1 key-id";
/// Domain-separation label for fingerprints (docs/SPEC.md §4.1): 8 groups of 5 digits from
/// SHA-256(label || 0x00 || key).
pub const FINGERPRINT_CONTEXT: &str = "attest/v1 key-fingerprint";
/// Domain-separation label for the AEAD's associated data in secret key files.
pub const SECRET_KEY_AAD_CONTEXT: &str = "attest/v1 secret-key";

/// Argon2id memory cost used for new keys, in KiB (64 MiB).
pub const ARGON2_M_COST_KIB: u32 = 64 * 1024;
/// Argon2id passes used for new keys.
pub const ARGON2_T_COST: u32 = 3;
/// Argon2id lanes used for new keys.
pub const ARGON2_P_COST: u32 = 1;
/// Upper bounds accepted when reading a key file, so that a hostile key file costs at most a few
/// times what attest's own keys cost before the passphrase is found wrong: memory at most 256 MiB,
/// at most 8 passes and 4 lanes, and memory × passes at most four times attest's own
/// (64 MiB × 3).
const ARGON2_MAX_M_COST_KIB: u32 = 256 * 1024;
const ARGON2_MAX_T_COST: u32 = 8;
const ARGON2_MAX_P_COST: u32 = 4;
const ARGON2_MAX_WORK_KIB: u64 = 4 * ARGON2_M_COST_KIB as u64 * ARGON2_T_COST as u64;

/// Largest public key file read (either form is under a kilobyte).
pub const MAX_PUBLIC_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Longest comment of a public key file, in characters (docs/SPEC.md §4.2).
pub const MAX_KEY_COMMENT_CHARS: usize = 500;

/// Longest issuer name accepted.
pub const MAX_ISSUER_LEN: usize = 200;
/// The key derivation function of encrypted secret keys, as named in the file.
const KDF_NAME: &str = "argon2id";
/// The cipher of encrypted secret keys, as named in the file.
const CIPHER_NAME: &str = "chacha20poly1305";

#[cfg(test)]
mod tests {
    /// Paths into the crate in `text` that start with none of `allowed`.
    fn upward(name: &str, text: &str, allowed: &[&str]) -> Vec<String> {
        let needle = ["crate", "::"].concat(); // not spelled out, so this file does not match itself
        text.match_indices(&needle)
            .map(|(at, _)| &text[at..])
            .filter(|path| {
                !allowed
                    .iter()
                    .any(|a| path.starts_with(&format!("{needle}{a}")))
            })
            .map(|path| format!("{name}: {}", path.lines().next().unwrap_or_default()))
            .collect()
    }

    /// The layers stay acyclic (ARCHITECTURE.md): keys use only digest, fsutil, canon's character classes
    /// and wire, never manifest or anything above; wire and digest use nothing else of the crate.
    #[test]
    fn keys_import_nothing_above_them() {
        let keys = ["digest", "fsutil", "canon", "wire", "keys"];
        let mut found = Vec::new();
        for (name, text) in [
            ("keys/mod.rs", include_str!("mod.rs")),
            ("keys/confusable.rs", include_str!("confusable.rs")),
            ("keys/error.rs", include_str!("error.rs")),
            ("keys/id.rs", include_str!("id.rs")),
            ("keys/issuer.rs", include_str!("issuer.rs")),
            ("keys/public.rs", include_str!("public.rs")),
            ("keys/secret.rs", include_str!("secret.rs")),
            ("keys/trust.rs", include_str!("trust.rs")),
        ] {
            found.extend(upward(name, text, &keys));
        }
        found.extend(upward("wire.rs", include_str!("../wire.rs"), &["wire"]));
        found.extend(upward(
            "digest.rs",
            include_str!("../digest.rs"),
            &["digest"],
        ));
        assert!(found.is_empty(), "imports from above: {found:#?}");
        // The check can fail: manifest is above keys.
        let import = ["use crate", "::manifest::Manifest;"].concat();
        assert_eq!(upward("x.rs", &import, &keys).len(), 1);
    }
}
