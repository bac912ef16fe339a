//! Key ids (docs/SPEC.md §4.1).

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::VerifyingKey;

use super::{FINGERPRINT_CONTEXT, KEY_ID_CONTEXT};
use crate::digest::Digest;

/// A key id was not 16 lowercase hex digits (docs/SPEC.md §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a key id is 16 lowercase hex digits, such as 25172914932e6aa1")]
pub struct ParseKeyIdError;

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

/// A fingerprint to read aloud (docs/SPEC.md §4.1): 8 groups of 5 decimal digits. Group *i* is the
/// big-endian 32-bit number in bytes 4*i..4*i+4 of SHA-256(`attest/v1 key-fingerprint` || 0x00 ||
/// public key), modulo 100000, with leading zeros. About 132 bits, all of the key's digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u32; 8]);

impl Fingerprint {
    /// The fingerprint of a public key.
    pub fn of(key: &VerifyingKey) -> Fingerprint {
        let mut input = Vec::with_capacity(FINGERPRINT_CONTEXT.len() + 33);
        input.extend_from_slice(FINGERPRINT_CONTEXT.as_bytes());
        input.push(0);
        input.extend_from_slice(key.as_bytes());
        let digest = Digest::of(&input);
        let mut groups = [0u32; 8];
        for (group, chunk) in groups.iter_mut().zip(digest.as_bytes().chunks_exact(4)) {
            let word = u32::from_be_bytes(chunk.try_into().expect("chunks of 4"));
            *group = word % 100_000;
        }
        Fingerprint(groups)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{group:05}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 8032 §7.1 TEST 1 public key.
    fn test_1_key() -> VerifyingKey {
        let bytes: [u8; 32] =
            hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
                .unwrap()
                .try_into()
                .unwrap();
        VerifyingKey::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn key_id_and_fingerprint_of_rfc8032_test_1_key_match_spec() {
        let key = test_1_key();
        assert_eq!(KeyId::of(&key).to_string(), "25172914932e6aa1");
        assert_eq!(
            Fingerprint::of(&key).to_string(),
            "78705 09563 00696 06700 34392 70415 58453 82993"
        );
    }
}
