//! What can go wrong with keys, key files and the trust store.

use std::fmt;

use super::{
    IssuerError, KeyId, ParseKeyIdError, PublicKeyError, ARGON2_MAX_M_COST_KIB, CIPHER_NAME,
    KDF_NAME, ONE_LINE_TAG,
};
use crate::wire::JsonProblem;

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
    #[error("{path} is not a valid {file}: {problem}{}", position(*line, *column))]
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
    #[error("{path}: the Argon2id parameters are invalid or beyond what attest accepts (memory ≤ {ARGON2_MAX_M_COST_KIB} KiB, passes 1 to 8, lanes 1 to 4, memory × passes ≤ 786432 KiB, salt ≥ 8 bytes)")]
    KdfParams {
        /// The file.
        path: String,
    },
    /// A secret key file that others may read or write.
    #[error("{path} has mode {mode:04o}: users other than you may read it. Run `chmod 600 {path}`; attest refuses a secret key others can read, as ssh does")]
    SecretKeyNotPrivate {
        /// The file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// A secret key file to rewrite in place is a symbolic link: replacing the link would leave
    /// the file it points to, under the old passphrase.
    #[error("{path} is a symbolic link; attest rewrites a secret key file only where it lies. Pass the file the link points to")]
    SecretKeyIsLink {
        /// The link.
        path: String,
    },
    /// The secret key file changed between reading and rewriting it (another program wrote it).
    #[error("{path} changed while attest was rewriting it, and now holds another key; nothing was written. Check the file, then run the command again")]
    KeyFileChanged {
        /// The file.
        path: String,
    },
    /// An entry of the trust store named like a key that cannot be used as one.
    #[error("{path} is named like a key file, but {why}; the trust store fails closed. Remove it, or replace it with the issuer's .pub file")]
    UnusableKeyFile {
        /// The entry.
        path: String,
        /// Why.
        why: String,
    },
    /// A public key file larger than any key file.
    #[error("{path} is larger than {limit} bytes; this is not a public key file")]
    KeyFileTooLarge {
        /// The file.
        path: String,
        /// The limit.
        limit: u64,
    },
    /// A one-line public key whose issuer part holds ` #`, which reads like a comment.
    #[error("{path}: the issuer part holds \" #\", which reads like a comment; put comments on lines of their own starting with #, or use the JSON form for an issuer name with \" #\"")]
    OneLineComment {
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
    #[error("cannot read the trust store {path}; add the keys of the issuers you trust with `attest trust add FILE.pub`, or pass --keys DIR naming a directory of their .pub files")]
    TrustStoreUnreadable {
        /// The directory.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The trust store holds no `.pub` file (it fails closed).
    #[error("the trust store {path} has no .pub files; add the keys of the issuers you trust with `attest trust add FILE.pub`, or pass --keys DIR")]
    TrustStoreEmpty {
        /// The directory.
        path: String,
    },
    /// There is no user trust store location: neither `ATTEST_KEYS`, `XDG_CONFIG_HOME` nor `HOME` is
    /// set.
    #[error("there is no trust store location (ATTEST_KEYS, XDG_CONFIG_HOME and HOME are unset, or not absolute paths); set ATTEST_KEYS, or pass --keys DIR")]
    NoTrustStoreLocation,
    /// A key file could not be written.
    #[error(transparent)]
    Write(crate::fsutil::WriteError),
    /// The secret key file was written, but the public one was not.
    #[error("the secret key was written to {secret}, but the public key was not; delete {secret} and make the key pair again")]
    PublicNotWritten {
        /// The secret key file that was written.
        secret: String,
        /// Why the public key file was not.
        #[source]
        source: crate::fsutil::WriteError,
    },
    /// A key could not be added to the trust store.
    #[error("cannot add the key to the trust store {path}")]
    TrustStoreWrite {
        /// The directory.
        path: String,
        /// What failed.
        #[source]
        source: crate::fsutil::WriteError,
    },
    /// The `comment` of a public key file (or `trust add --comment`) is not one line of at most
    /// [`super::MAX_KEY_COMMENT_CHARS`] characters that displays as what it is.
    #[error("{path}: the key's comment must be one line of at most 500 characters, not empty, with no hidden characters (no tab, line break, control, format or invisible character); shorten or retype it")]
    KeyComment {
        /// The file (or `--comment`).
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
            KeyError::SecretKeyNotPrivate { .. } => "secret_key_not_private",
            KeyError::SecretKeyIsLink { .. } => "secret_key_is_link",
            KeyError::KeyFileChanged { .. } => "key_file_changed",
            KeyError::UnusableKeyFile { .. } => "unusable_key_file",
            KeyError::KeyFileTooLarge { .. } => "key_file_too_large",
            KeyError::OneLineComment { .. } => "one_line_comment",
            KeyError::SecretMismatch { .. } => "secret_mismatch",
            KeyError::Encrypt => "encrypt",
            KeyError::Randomness(_) => "randomness",
            KeyError::TrustStoreUnreadable { .. } => "trust_store_unreadable",
            KeyError::TrustStoreEmpty { .. } => "trust_store_empty",
            KeyError::KeyForTwoIssuers { .. } => "key_for_two_issuers",
            KeyError::NoTrustStoreLocation => "no_trust_store_location",
            KeyError::Write(_) => "write",
            KeyError::PublicNotWritten { .. } => "public_not_written",
            KeyError::TrustStoreWrite { .. } => "trust_store_write",
            KeyError::KeyComment { .. } => "key_comment",
        }
    }
}

/// ` (line L, column C)`, or nothing when serde did not say where.
fn position(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(" (line {line}, column {column})")
    }
}
