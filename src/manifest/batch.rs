//! Batch verification of manifest signatures with exactly `verify_strict`'s verdicts
//! (docs/SPEC.md §3.3).
//!
//! `VerifyingKey::verify_strict` accepts a signature (R, s) on message M by key A when s is a
//! canonical scalar, R decompresses, neither R nor A is of small order, and the encoding of
//! s·B − k·A equals the bytes of R (k = SHA-512(R ‖ A ‖ M) mod ℓ): a cofactorless check.
//! `ed25519_dalek::verify_batch` checks Σ zᵢ(sᵢ·B − kᵢ·Aᵢ − Rᵢ) = 0 for random 128-bit zᵢ, also
//! cofactorless. The two agree on every signature whose R and A lie in the prime-order subgroup
//! and whose R is canonically encoded: then each term is in that subgroup, a nonzero one survives
//! the random combination except with probability about 2⁻¹²⁸, and a zero term means the point
//! s·B − k·A is R, whose only encoding is R's bytes. A point with a small-order component (only
//! the holder of a key can make a signature with one) could cancel in the sum with probability up
//! to ½, so before batching every signature must pass:
//!
//! - s canonical (s < ℓ), R canonically encoded (y < p), R decompresses;
//! - R and A not of small order (`verify_strict`'s own checks);
//! - A in the prime-order subgroup (checked once per distinct key);
//! - R in the prime-order subgroup, for all Rs of a chunk at once: 128 random subset sums of the
//!   Rs are each checked for a small-order component. A nonzero component of some Rᵢ survives a
//!   random subset with probability at least ½ (a subset with i and one without it cannot both sum
//!   to a torsion-free point), so the chunk passes with a bad R with probability at most 2⁻¹²⁸.
//!   The subsets come from SHA-512 of every R, A and s in the chunk: changing a signature to try
//!   again changes them all.
//!
//! A signature that fails a pre-check, and every signature of a chunk whose subset check or batch
//! equation fails, is checked on its own with `verify_strict`, which names the bad ones.

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest as _, Sha512};

/// Random subset sums checked per chunk: each lets a bad R through with probability at most ½.
const SUBSET_ROUNDS: usize = 128;

/// Domain-separation label of the subset choice.
const SUBSET_LABEL: &[u8] = b"attest/v1 batch subsets";

/// One signature to check.
#[derive(Debug, Clone, Copy)]
pub struct BatchItem<'a> {
    /// The signed message (a manifest's signing payload).
    pub message: &'a [u8],
    /// The claimed signing key.
    pub key: &'a VerifyingKey,
    /// The signature.
    pub signature: &'a Signature,
}

/// Whether each signature verifies, exactly as `key.verify_strict(message, signature)` would say
/// (up to a 2⁻¹²⁸ chance per chunk; see the module docs). Runs on the calling thread.
pub fn verify_strict_batch(items: &[BatchItem<'_>]) -> Vec<bool> {
    let mut valid = vec![false; items.len()];
    // Signatures that pass the pre-checks, with their decompressed R.
    let mut batch: Vec<(usize, EdwardsPoint)> = Vec::with_capacity(items.len());
    let mut keys_ok: Vec<([u8; 32], bool)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match batchable(item, &mut keys_ok) {
            Some(r) => batch.push((i, r)),
            None => valid[i] = strict(item),
        }
    }
    let passed = !batch.is_empty() && rs_torsion_free(items, &batch) && {
        let messages: Vec<&[u8]> = batch.iter().map(|(i, _)| items[*i].message).collect();
        let signatures: Vec<Signature> = batch.iter().map(|(i, _)| *items[*i].signature).collect();
        let keys: Vec<VerifyingKey> = batch.iter().map(|(i, _)| *items[*i].key).collect();
        ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
    };
    for (i, _) in &batch {
        valid[*i] = passed || strict(&items[*i]);
    }
    valid
}

fn strict(item: &BatchItem<'_>) -> bool {
    item.key.verify_strict(item.message, item.signature).is_ok()
}

/// The pre-checks of one signature (module docs); its decompressed R when it passes them.
fn batchable(item: &BatchItem<'_>, keys_ok: &mut Vec<([u8; 32], bool)>) -> Option<EdwardsPoint> {
    let bytes = item.signature.to_bytes();
    let (r_bytes, s_bytes) = bytes.split_at(32);
    let s: [u8; 32] = s_bytes.try_into().ok()?;
    // s < ℓ (the scalar itself is not needed here: `verify_batch` decodes it again).
    Option::<Scalar>::from(Scalar::from_canonical_bytes(s))?;
    let r_bytes: [u8; 32] = r_bytes.try_into().ok()?;
    if !y_is_canonical(&r_bytes) {
        return None;
    }
    let r = CompressedEdwardsY(r_bytes).decompress()?;
    if r.is_small_order() {
        return None;
    }
    let key = item.key.to_bytes();
    let key_ok = match keys_ok.iter().find(|(k, _)| *k == key) {
        Some((_, ok)) => *ok,
        None => {
            let point = item.key.to_edwards();
            let ok = !point.is_small_order() && point.is_torsion_free();
            keys_ok.push((key, ok));
            ok
        }
    };
    key_ok.then_some(r)
}

/// Whether the 255-bit y of an encoded point is below p = 2²⁵⁵ − 19 (the sign bit aside). The
/// other non-canonical encodings (x = 0 with the sign bit set) are points of small order.
fn y_is_canonical(bytes: &[u8; 32]) -> bool {
    let mut y = *bytes;
    y[31] &= 0x7f;
    // y >= p only when every byte is 0xff (0x7f at the top) but the lowest, which is >= 0xed.
    !(y[0] >= 0xed && y[1..31].iter().all(|&b| b == 0xff) && y[31] == 0x7f)
}

/// Whether every R of the batch lies in the prime-order subgroup (module docs), by random subset
/// sums taken four points at a time.
fn rs_torsion_free(items: &[BatchItem<'_>], batch: &[(usize, EdwardsPoint)]) -> bool {
    let mut seed = Sha512::new();
    seed.update(SUBSET_LABEL);
    for (i, _) in batch {
        let item = &items[*i];
        seed.update(item.signature.to_bytes());
        seed.update(item.key.as_bytes());
    }
    let seed = seed.finalize();
    // Every subset of each group of four Rs, summed once.
    let tables: Vec<[EdwardsPoint; 16]> = batch
        .chunks(4)
        .map(|group| {
            let mut table = [EdwardsPoint::identity(); 16];
            for mask in 1..16usize {
                let low = mask.trailing_zeros() as usize;
                table[mask] = match group.get(low) {
                    Some((_, r)) => table[mask & (mask - 1)] + r,
                    None => table[mask & (mask - 1)],
                };
            }
            table
        })
        .collect();
    // One nibble per group and round, from SHA-512(seed ‖ round ‖ block).
    (0..SUBSET_ROUNDS).all(|round| {
        let mut sum = EdwardsPoint::identity();
        let mut nibbles = Vec::with_capacity(tables.len());
        for block in 0..tables.len().div_ceil(128) {
            let mut h = Sha512::new();
            h.update(seed);
            h.update((round as u64).to_le_bytes());
            h.update((block as u64).to_le_bytes());
            for byte in h.finalize() {
                nibbles.push(usize::from(byte & 0x0f));
                nibbles.push(usize::from(byte >> 4));
            }
        }
        for (table, nibble) in tables.iter().zip(nibbles) {
            sum += table[nibble];
        }
        sum.is_torsion_free()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};

    /// A key pair from a fixed seed, with its secret scalar and nonce prefix (RFC 8032 §5.1.5).
    fn key(seed: u8) -> (ed25519_dalek::SigningKey, Scalar) {
        let signing = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        let scalar = signing.to_scalar();
        (signing, scalar)
    }

    /// An Ed25519 signature made by hand with nonce point `r·B + t` (t a small-order point): the
    /// equation holds up to the small-order part, so only a cofactored check would take it.
    fn with_torsion_r(seed: u8, message: &[u8], t: EdwardsPoint) -> (VerifyingKey, Signature) {
        let (signing, a) = key(seed);
        let public = signing.verifying_key();
        let r = Scalar::from_bytes_mod_order_wide(&Sha512::digest(message).into());
        let big_r = (ED25519_BASEPOINT_POINT * r + t).compress();
        let mut h = Sha512::new();
        h.update(big_r.as_bytes());
        h.update(public.as_bytes());
        h.update(message);
        let k = Scalar::from_bytes_mod_order_wide(&h.finalize().into());
        let s = r + k * a;
        let mut bytes = [0u8; 64];
        bytes[..32].copy_from_slice(big_r.as_bytes());
        bytes[32..].copy_from_slice(s.as_bytes());
        (public, Signature::from_bytes(&bytes))
    }

    fn both_paths(items: &[BatchItem<'_>]) -> (Vec<bool>, Vec<bool>) {
        (
            verify_strict_batch(items),
            items.iter().map(strict).collect(),
        )
    }

    fn good(n: usize) -> Vec<(Vec<u8>, VerifyingKey, Signature)> {
        use ed25519_dalek::Signer as _;
        (0..n)
            .map(|i| {
                let (signing, _) = key((i % 5) as u8 + 1);
                let message = format!("statement {i} of the Lantern Lawyers Group").into_bytes();
                let signature = signing.sign(&message);
                (message, signing.verifying_key(), signature)
            })
            .collect()
    }

    fn items(v: &[(Vec<u8>, VerifyingKey, Signature)]) -> Vec<BatchItem<'_>> {
        v.iter()
            .map(|(message, key, signature)| BatchItem {
                message,
                key,
                signature,
            })
            .collect()
    }

    #[test]
    fn good_signatures_pass_the_batch() {
        let v = good(37);
        let (batch, strict) = both_paths(&items(&v));
        assert!(batch.iter().all(|b| *b));
        assert_eq!(batch, strict);
    }

    /// Issue 9: one altered manifest among many is named, and only it.
    #[test]
    fn one_bad_signature_among_many_is_named_alone() {
        let mut v = good(100);
        v[42].0.push(b'!');
        let (batch, strict) = both_paths(&items(&v));
        assert_eq!(batch, strict);
        assert_eq!(
            batch
                .iter()
                .enumerate()
                .filter(|(_, b)| !**b)
                .map(|(i, _)| i)
                .collect::<Vec<_>>(),
            vec![42]
        );
    }

    /// A signature whose R has an order-2 (or order-8) component verifies under a cofactored
    /// check but not `verify_strict`; batched alone or among good ones, it is still refused.
    #[test]
    fn nonce_with_a_small_order_component_is_refused_as_verify_strict_refuses_it() {
        for t in [EIGHT_TORSION[4], EIGHT_TORSION[1], EIGHT_TORSION[2]] {
            let (key, sig) = with_torsion_r(9, b"a crafted signature", t);
            assert!(key.verify_strict(b"a crafted signature", &sig).is_err());
            let mut v = good(11);
            v.push((b"a crafted signature".to_vec(), key, sig));
            let (batch, strict) = both_paths(&items(&v));
            assert_eq!(batch, strict);
            assert!(!batch[11]);
            let (batch, strict) = both_paths(&items(&v[11..]));
            assert_eq!((batch, strict), (vec![false], vec![false]));
        }
        // Two crafted signatures whose small-order parts cancel in a plain sum.
        let (k1, s1) = with_torsion_r(9, b"first", EIGHT_TORSION[4]);
        let (k2, s2) = with_torsion_r(10, b"second", EIGHT_TORSION[4]);
        let v = vec![(b"first".to_vec(), k1, s1), (b"second".to_vec(), k2, s2)];
        let (batch, strict) = both_paths(&items(&v));
        assert_eq!((batch, strict), (vec![false; 2], vec![false; 2]));
    }

    /// A non-canonical s (s + ℓ) and a small-order R are refused by both paths.
    #[test]
    fn non_canonical_s_and_small_order_r_are_refused_by_both_paths() {
        let mut v = good(8);
        // s + ℓ: the same scalar, not canonically encoded.
        let mut bytes = v[3].2.to_bytes();
        // ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
        let ell: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for (b, l) in bytes[32..].iter_mut().zip(ell) {
            let sum = u16::from(*b) + u16::from(l) + carry;
            *b = sum as u8;
            carry = sum >> 8;
        }
        v[3].2 = Signature::from_bytes(&bytes);
        // R the identity, s zero: s·B − k·A = R only for k·A = 0, never; but R is small order.
        let mut bytes = [0u8; 64];
        bytes[0] = 1;
        v[5].2 = Signature::from_bytes(&bytes);
        let (batch, strict) = both_paths(&items(&v));
        assert_eq!(batch, strict);
        assert!(!batch[3] && !batch[5]);
        assert_eq!(batch.iter().filter(|b| **b).count(), 6);
    }

    /// Every manifest of tests/vectors/formats/ that parses (the known answers, the accepted ones
    /// and the known-bad signatures: another key's, a title edited after signing) gets the same
    /// verdict from both paths, batched together and among good signatures.
    #[test]
    fn format_vectors_get_verify_stricts_verdicts_in_a_batch() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/formats");
        let mut manifests = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let Some((_, rest)) = text.split_once("--- input\n") else {
                continue;
            };
            let json = rest.split("\n--- ").next().unwrap_or(rest);
            if let Ok(m) = crate::manifest::Manifest::parse(json.as_bytes()) {
                manifests.push(m);
            }
        }
        assert!(manifests.len() >= 4, "{}", manifests.len());
        let mut v: Vec<(Vec<u8>, VerifyingKey, Signature)> = manifests
            .iter()
            .flat_map(|m| {
                m.signatures()
                    .iter()
                    .map(|s| (m.payload.clone(), s.public_key, s.signature))
            })
            .collect();
        let (batch, strict) = both_paths(&items(&v));
        assert_eq!(batch, strict);
        assert!(strict.contains(&false) && strict.contains(&true));
        v.extend(good(20));
        let (batch, strict) = both_paths(&items(&v));
        assert_eq!(batch, strict);
    }

    #[test]
    fn non_canonical_y_is_recognised() {
        let mut p = [0xffu8; 32];
        p[31] = 0x7f;
        p[0] = 0xed;
        assert!(!y_is_canonical(&p));
        p[0] = 0xec;
        assert!(y_is_canonical(&p));
        p[0] = 0xee;
        p[31] = 0xff;
        assert!(!y_is_canonical(&p));
    }
}
