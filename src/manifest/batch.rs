//! Batch verification of manifest signatures with exactly `verify_strict`'s verdicts
//! (docs/SPEC.md §3.3).
//!
//! `VerifyingKey::verify_strict` accepts a signature (R, s) on message M by key A when s is a
//! canonical scalar, R decompresses, neither R nor A is of small order, and the encoding of
//! s·B − k·A equals the bytes of R (k = SHA-512(R ‖ A ‖ M) mod ℓ): a cofactorless check.
//! A batch checks Σ zᵢ·Rᵢ + Σ (zᵢ·kᵢ)·Aᵢ − (Σ zᵢ·sᵢ)·B = 0 for 128-bit weights zᵢ, the equation
//! of `ed25519_dalek::verify_batch` (also cofactorless), here with the terms of each key summed
//! into one point and with the Rs decompressed once for the pre-checks and the sum. The two agree
//! on every signature whose R and A lie in the prime-order subgroup and whose R is canonically
//! encoded: then each term sᵢ·B − kᵢ·Aᵢ − Rᵢ is in that subgroup, a nonzero one survives the
//! random weights except with probability about 2⁻¹²⁸, and a zero one means s·B − k·A is R, whose
//! only encoding is R's bytes. A point with a small-order component (only the holder of a key can
//! make a signature with one) could cancel in the sum with probability up to ½, so before batching
//! every signature must pass:
//!
//! - s canonical (s < ℓ), R canonically encoded (y < p), R decompresses;
//! - R and A not of small order (`verify_strict`'s own checks);
//! - A in the prime-order subgroup (checked once per distinct key);
//! - R in the prime-order subgroup, for all Rs of a chunk at once: 128 random subset sums of the
//!   Rs are each checked for a small-order component. A nonzero component of some Rᵢ survives a
//!   random subset with probability at least ½ (of two subsets that differ only in i, at most one
//!   sums to a torsion-free point), so a chunk with a bad R passes with probability at most 2⁻¹²⁸.
//!
//! Weights and subsets come from SHA-512 of a label and every k and s of the chunk (k covers R, A
//! and M): changing any signature to try again changes them all. A signature that fails a
//! pre-check, and every signature of a chunk whose subset check or equation fails, is checked on
//! its own with `verify_strict`, which names the bad ones.

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity, IsIdentity, VartimeMultiscalarMul};
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest as _, Sha512};

/// Random subset sums checked per chunk: each lets a bad R through with probability at most ½.
const SUBSET_ROUNDS: usize = 128;

/// Domain-separation label of the transcript the weights and subsets are drawn from.
const TRANSCRIPT_LABEL: &[u8] = b"attest/v1 batch verification";

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
/// (up to about q·2⁻¹²⁸ for an adversary who makes q tries, hash outputs taken as random; see the
/// module docs). Runs on the calling thread.
pub fn verify_strict_batch(items: &[BatchItem<'_>]) -> Vec<bool> {
    let mut valid = vec![false; items.len()];
    // Signatures that pass the pre-checks, with their decompressed R and s.
    let mut batch: Vec<Batched> = Vec::with_capacity(items.len());
    let mut keys = Keys::default();
    for (i, item) in items.iter().enumerate() {
        match batchable(i, item, &mut keys) {
            Some(b) => batch.push(b),
            None => valid[i] = strict(item),
        }
    }
    let passed = !batch.is_empty() && {
        let seed = transcript(items, &batch);
        rs_torsion_free(&seed, &batch) && equation_holds(&seed, &batch, &keys.list)
    };
    for b in &batch {
        valid[b.index] = passed || strict(&items[b.index]);
    }
    valid
}

/// A signature that passed the pre-checks.
struct Batched {
    /// Its place among the items.
    index: usize,
    r: EdwardsPoint,
    s: Scalar,
    /// k = SHA-512(R ‖ A ‖ M) mod ℓ.
    k: Scalar,
    /// SHA-512(R ‖ A ‖ M) in full, for the transcript (binding R, A and M by SHA-512's collision
    /// resistance, not by that of its reduction mod ℓ).
    hash: [u8; 64],
    /// Its key's place in the list of distinct keys.
    key: usize,
}

/// The distinct keys of a batch, with an index by their bytes.
#[derive(Default)]
struct Keys {
    list: Vec<Key>,
    index: std::collections::HashMap<[u8; 32], usize>,
}

/// A distinct key of the batch.
struct Key {
    point: EdwardsPoint,
    /// Not of small order, and in the prime-order subgroup.
    usable: bool,
}

/// SHA-512 of the label and, for every signature of the batch, SHA-512(R ‖ A ‖ M) and s: no
/// signature of the batch can change without changing the weights and subsets drawn from it.
fn transcript(items: &[BatchItem<'_>], batch: &[Batched]) -> [u8; 64] {
    let mut h = Sha512::new();
    h.update(TRANSCRIPT_LABEL);
    h.update((batch.len() as u64).to_le_bytes());
    for b in batch {
        h.update(b.hash);
        h.update(&items[b.index].signature.to_bytes()[32..]);
    }
    h.finalize().into()
}

/// SHA-512(seed ‖ purpose ‖ counter): the stream weights and subsets are drawn from.
fn draw(seed: &[u8; 64], purpose: &[u8], counter: u64) -> [u8; 64] {
    let mut h = Sha512::new();
    h.update(seed);
    h.update(purpose);
    h.update(counter.to_le_bytes());
    h.finalize().into()
}

/// Σ zᵢ·Rᵢ + Σ (zᵢ·kᵢ)·Aᵢ − (Σ zᵢ·sᵢ)·B = 0 for 128-bit weights zᵢ, the terms of one key summed
/// into one (the same equation as `ed25519_dalek::verify_batch`, with fewer points).
fn equation_holds(seed: &[u8; 64], batch: &[Batched], keys: &[Key]) -> bool {
    let mut scalars: Vec<Scalar> = Vec::with_capacity(batch.len() + keys.len() + 1);
    let mut points: Vec<EdwardsPoint> = Vec::with_capacity(batch.len() + keys.len() + 1);
    let mut key_weights = vec![Scalar::ZERO; keys.len()];
    let mut b_weight = Scalar::ZERO;
    for (n, b) in batch.iter().enumerate() {
        let block = draw(seed, b"weights", (n / 4) as u64);
        let at = (n % 4) * 16;
        let mut z = [0u8; 32];
        z[..16].copy_from_slice(&block[at..at + 16]);
        let z = Scalar::from_bytes_mod_order(z);
        scalars.push(z);
        points.push(b.r);
        key_weights[b.key] += z * b.k;
        b_weight -= z * b.s;
    }
    for (key, weight) in keys.iter().zip(key_weights) {
        scalars.push(weight);
        points.push(key.point);
    }
    scalars.push(b_weight);
    points.push(ED25519_BASEPOINT_POINT);
    EdwardsPoint::vartime_multiscalar_mul(&scalars, &points).is_identity()
}

fn strict(item: &BatchItem<'_>) -> bool {
    item.key.verify_strict(item.message, item.signature).is_ok()
}

/// The pre-checks of one signature (module docs); what the batch needs of it when it passes them.
fn batchable(index: usize, item: &BatchItem<'_>, keys: &mut Keys) -> Option<Batched> {
    let bytes = item.signature.to_bytes();
    let s_bytes: [u8; 32] = bytes[32..].try_into().ok()?;
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes))?;
    let r_bytes: [u8; 32] = bytes[..32].try_into().ok()?;
    if !y_is_canonical(&r_bytes) {
        return None;
    }
    let r = CompressedEdwardsY(r_bytes).decompress()?;
    if r.is_small_order() {
        return None;
    }
    let key_bytes = item.key.to_bytes();
    // A map, not a scan: a hostile archive may sign with a fresh key per signature.
    let key = match keys.index.get(&key_bytes) {
        Some(&at) => at,
        None => {
            let point = item.key.to_edwards();
            keys.list.push(Key {
                point,
                usable: !point.is_small_order() && point.is_torsion_free(),
            });
            keys.index.insert(key_bytes, keys.list.len() - 1);
            keys.list.len() - 1
        }
    };
    if !keys.list[key].usable {
        return None;
    }
    let mut h = Sha512::new();
    h.update(r_bytes);
    h.update(key_bytes);
    h.update(item.message);
    let hash: [u8; 64] = h.finalize().into();
    let k = Scalar::from_bytes_mod_order_wide(&hash);
    Some(Batched {
        index,
        r,
        s,
        k,
        hash,
        key,
    })
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
/// sums taken four points at a time: for each group of four Rs, every subset of it is summed once
/// and added to each round's running sum, so the 128 sums stay in cache while the Rs stream by
/// once (not once per round).
fn rs_torsion_free(seed: &[u8; 64], batch: &[Batched]) -> bool {
    let groups = batch.len().div_ceil(4);
    let blocks = groups.div_ceil(128);
    // One nibble per group and round, drawn 128 per block: `nibbles[group * ROUNDS + round]`.
    let mut nibbles = vec![0u8; groups * SUBSET_ROUNDS];
    for round in 0..SUBSET_ROUNDS {
        for block in 0..blocks {
            let counter = (round * blocks + block) as u64;
            for (k, byte) in draw(seed, b"subsets", counter).into_iter().enumerate() {
                for (half, nibble) in [(0, byte & 0x0f), (1, byte >> 4)] {
                    let group = block * 128 + 2 * k + half;
                    if group < groups {
                        nibbles[group * SUBSET_ROUNDS + round] = nibble;
                    }
                }
            }
        }
    }
    let mut sums = [EdwardsPoint::identity(); SUBSET_ROUNDS];
    for (group, rs) in batch.chunks(4).enumerate() {
        let mut table = [EdwardsPoint::identity(); 16];
        for mask in 1..16usize {
            let low = mask.trailing_zeros() as usize;
            table[mask] = match rs.get(low) {
                Some(b) => table[mask & (mask - 1)] + b.r,
                None => table[mask & (mask - 1)],
            };
        }
        let picks = &nibbles[group * SUBSET_ROUNDS..(group + 1) * SUBSET_ROUNDS];
        for (sum, &nibble) in sums.iter_mut().zip(picks) {
            // Adding the empty subset (the identity) changes nothing.
            if nibble != 0 {
                *sum += &table[usize::from(nibble)];
            }
        }
    }
    sums.iter().all(EdwardsPoint::is_torsion_free)
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::constants::EIGHT_TORSION;

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

    /// Issue 9: a batch that holds one bad signature among 10,000 good ones is found and named
    /// (the batch fails, and the fallback names the one bad signature and no other).
    #[test]
    fn one_bad_signature_among_ten_thousand_good_ones_is_found_and_named() {
        let mut v = good(10_001);
        v[7_777].0.push(b'!');
        let batch = verify_strict_batch(&items(&v));
        assert_eq!(batch.len(), 10_001);
        assert_eq!(
            batch
                .iter()
                .enumerate()
                .filter(|(_, b)| !**b)
                .map(|(i, _)| i)
                .collect::<Vec<_>>(),
            vec![7_777]
        );
        assert!(!strict(&items(&v)[7_777]));
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
            let path = entry.unwrap().path();
            if !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
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
