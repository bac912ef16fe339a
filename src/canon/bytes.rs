//! Byte-level tests on UTF-8 for the fast scanner: printable ASCII eight and 32 bytes at a time,
//! and the encodings of the CJK characters and curly quotes it passes through without decoding.
//!
//! A leaf, like [`super::classes`]: it knows bytes, not the canonical text's rules.

pub(crate) const LO_BYTES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HI_BITS: u64 = 0x8080_8080_8080_8080;

/// The number of bytes marked in a mask that has at most the high bit of each byte set. One
/// multiply: baseline x86-64 has no POPCNT instruction, and `count_ones` becomes a long sequence.
pub(crate) fn marked_bytes(mask: u64) -> u32 {
    ((mask >> 7).wrapping_mul(LO_BYTES) >> 56) as u32
}

/// The character starting at byte `i` (which must be a char boundary).
pub(crate) fn char_at(s: &str, i: usize) -> char {
    s[i..].chars().next().expect("index is inside the string")
}

pub(crate) fn is_ascii_graphic(b: u8) -> bool {
    (0x21..=0x7E).contains(&b)
}

/// How many leading bytes of an eight-byte chunk (little-endian in `x`) are canonical ASCII
/// (printable, with every space single and between printable characters), and how many token
/// characters those bytes hold. `before` and `after` are the bytes around the chunk (0 at the ends).
pub(crate) fn ascii_prefix(x: u64, before: u8, after: u8) -> (u32, u32) {
    let (bad, spaces) = ascii_marks(x, before, after);
    let len = bad.trailing_zeros() / 8;
    let below = if len == 8 {
        u64::MAX
    } else {
        (1u64 << (len * 8)) - 1
    };
    (len, len - marked_bytes(spaces & below))
}

/// The marks behind [`ascii_prefix`]: bytes that are not canonical ASCII (exact up to and including
/// the first), and the spaces.
fn ascii_marks(x: u64, before: u8, after: u8) -> (u64, u64) {
    // Masks with the high bit of each byte set where the byte is >= 0x80, < 0x20, 0x7F or a space.
    // The borrow tricks may mark bytes above the first marked one, never below: the first marked
    // byte, which is all we use, is exact.
    let high = x & HI_BITS;
    let control = x.wrapping_sub(LO_BYTES * 0x20) & !x & HI_BITS;
    let del = x ^ (LO_BYTES * 0x7F);
    let del = del.wrapping_sub(LO_BYTES) & !del & HI_BITS;
    let s = x ^ (LO_BYTES * 0x20);
    let spaces = !(((s & !HI_BITS) + !HI_BITS) | s) & HI_BITS;
    let not_printable = high | control | del;
    let graphic = !(not_printable | spaces) & HI_BITS;
    let prev_graphic = (graphic << 8) | if is_ascii_graphic(before) { 0x80 } else { 0 };
    let next_graphic = (graphic >> 8)
        | if is_ascii_graphic(after) {
            0x80 << 56
        } else {
            0
        };
    (
        not_printable | (spaces & !(prev_graphic & next_graphic)),
        spaces,
    )
}

/// If all 32 bytes of `block` are canonical ASCII, how many token characters they hold.
///
/// Most blocks pass, so this only answers "is any byte bad?", which is much cheaper than finding
/// which one ([`ascii_prefix`] does that, on the rare block that fails). A block passes when every
/// byte is printable (0x20..=0x7E) and no space follows a space (or a non-printable `before`), or
/// precedes a non-printable `after`: inside a printable block a space's neighbours are then graphic.
/// The four words are checked independently, so the processor overlaps them.
pub(crate) fn ascii_block(block: &[u8; 32], before: u8, after: u8) -> Option<u32> {
    let word = |k: usize| u64::from_le_bytes(block[k * 8..k * 8 + 8].try_into().expect("8 bytes"));
    let words = [word(0), word(1), word(2), word(3)];
    let unprintable = words.iter().fold(0, |acc, &x| acc | any_unprintable(x));
    let s = words.map(space_marks);
    // Each space mark shifted one byte up marks the byte after a space; across words the top
    // byte of the previous word carries over. Outside the block only `before` and `after` matter.
    let after_space = [
        (s[0] << 8) | if is_ascii_graphic(before) { 0 } else { 0x80 },
        (s[1] << 8) | (s[0] >> 56),
        (s[2] << 8) | (s[1] >> 56),
        (s[3] << 8) | (s[2] >> 56),
    ];
    let space_before_end = if is_ascii_graphic(after) {
        0
    } else {
        0x80 << 56
    };
    let bad_spaces = (s[0] & after_space[0])
        | (s[1] & after_space[1])
        | (s[2] & after_space[2])
        | (s[3] & (after_space[3] | space_before_end));
    if unprintable | bad_spaces != 0 {
        return None;
    }
    // Per-byte sums of at most 4 cannot carry, so one multiply counts the spaces of all four words.
    let spaces = (s[0] >> 7) + (s[1] >> 7) + (s[2] >> 7) + (s[3] >> 7);
    Some(32 - (spaces.wrapping_mul(LO_BYTES) >> 56) as u32)
}

/// Nonzero if and only if some byte of `x` is outside 0x20..=0x7E. (Carries and borrows may set
/// bits above a byte that is outside, never when none is, so the test is exact as a yes/no.)
fn any_unprintable(x: u64) -> u64 {
    let at_least_7f = x.wrapping_add(LO_BYTES) | x;
    let below_20 = x.wrapping_sub(LO_BYTES * 0x20) & !x;
    (at_least_7f | below_20) & HI_BITS
}

/// The high bit of each byte of `x` that is a space, exactly (no carries between bytes).
pub(crate) fn space_marks(x: u64) -> u64 {
    let s = x ^ (LO_BYTES * 0x20);
    !(((s & !HI_BITS) + !HI_BITS) | s) & HI_BITS
}

/// Whether `b` is the lead byte of a CJK ideograph from U+4000..=U+9FFF (E4..E9).
fn is_ideograph_lead(b: u8) -> bool {
    b.wrapping_sub(0xE4) < 6
}

/// Skip CJK ideographs (lead bytes E4..E9: U+4000..U+9FFF) and safe CJK punctuation from the
/// character boundary `i`. All of them are NFC-safe starters emitted unchanged, so a stretch of
/// them needs no work but counting. Ideographs are tested four at a time with one branch: in valid
/// UTF-8 a lead byte is always followed by its two continuation bytes, so only lead bytes matter.
pub(crate) fn skip_cjk(bytes: &[u8], mut i: usize) -> usize {
    loop {
        while i + 12 <= bytes.len()
            && is_ideograph_lead(bytes[i])
                & is_ideograph_lead(bytes[i + 3])
                & is_ideograph_lead(bytes[i + 6])
                & is_ideograph_lead(bytes[i + 9])
        {
            i += 12;
        }
        if i + 3 > bytes.len() {
            return i;
        }
        let b = bytes[i];
        if !(is_ideograph_lead(b) || is_safe_cjk_punctuation(b, bytes[i + 1], bytes[i + 2])) {
            return i;
        }
        i += 3;
    }
}

/// The UTF-8 bytes of U+3001..=U+3029 (E3 80 81..A9) or U+FF01..=U+FF60 (EF BC 81..BF, EF BD 80..A0).
pub(crate) fn is_safe_cjk_punctuation(b0: u8, b1: u8, b2: u8) -> bool {
    match (b0, b1) {
        (0xE3, 0x80) => (0x81..=0xA9).contains(&b2),
        (0xEF, 0xBC) => (0x81..=0xBF).contains(&b2),
        (0xEF, 0xBD) => (0x80..=0xA0).contains(&b2),
        _ => false,
    }
}

/// Whether the byte before a lone LF ends a token character. (A whitespace character before it
/// would have started a run that swallowed the LF, so any printable ASCII or the last byte of a
/// multi-byte character qualifies.)
pub(crate) fn ends_token(b: u8) -> bool {
    is_ascii_graphic(b) || (0x80..=0xBF).contains(&b)
}

/// Whether byte `j` starts a token character that needs no closer look: printable ASCII, a CJK
/// ideograph (lead bytes E4..E9), safe CJK punctuation or a curly quote. All are NFC-safe, not
/// ignorable and not whitespace.
pub(crate) fn starts_simple_token(bytes: &[u8], j: usize) -> bool {
    let b = bytes[j];
    if is_ascii_graphic(b) || (0xE4..=0xE9).contains(&b) {
        return true;
    }
    j + 2 < bytes.len()
        && (is_safe_cjk_punctuation(b, bytes[j + 1], bytes[j + 2])
            || curly_quote(b, bytes[j + 1], bytes[j + 2]).is_some())
}

/// The curly quote U+2018..=U+201F encoded as `b0 b1 b2` (E2 80 98..9F), if it is one.
pub(crate) fn curly_quote(b0: u8, b1: u8, b2: u8) -> Option<char> {
    if b0 == 0xE2 && b1 == 0x80 && (0x98..=0x9F).contains(&b2) {
        char::from_u32(0x2000 | u32::from(b2 & 0x3F))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-by-byte rule that `ascii_block` implements word-at-a-time: for a 34-byte window
    /// (the block and its two neighbours), the block's token count if every byte is printable ASCII
    /// and every space sits between two printable non-space characters.
    fn ascii_block_by_bytes(window: &[u8]) -> Option<u32> {
        let graphic = |b: u8| (0x21..=0x7E).contains(&b);
        let ok = |j: usize| {
            (0x20..=0x7E).contains(&window[j])
                && (window[j] != b' ' || (graphic(window[j - 1]) && graphic(window[j + 1])))
        };
        (1..33)
            .all(ok)
            .then(|| window[1..33].iter().filter(|&&b| b != b' ').count() as u32)
    }

    proptest::proptest! {
        /// The eight-byte shortcut accepts exactly the chunks the byte-by-byte rule would pass
        /// through unchanged (printable ASCII, single spaces strictly inside the chunk).
        #[test]
        fn ascii_prefix_matches_byte_rule(
            window in proptest::array::uniform10(proptest::sample::select(vec![
                b'a', b'Z', b'0', b' ', b'~', 0x7F, b'\t', b'\n', 0x1F, 0x80, 0xE4, 0xFF, b'!',
            ]))
        ) {
            let graphic = |b: u8| (0x21..=0x7E).contains(&b);
            let ok = |j: usize| {
                (0x20..=0x7E).contains(&window[j])
                    && (window[j] != b' ' || (graphic(window[j - 1]) && graphic(window[j + 1])))
            };
            let len = (1..9).take_while(|&j| ok(j)).count();
            let count = window[1..1 + len].iter().filter(|&&b| b != b' ').count();
            let chunk: [u8; 8] = window[1..9].try_into().unwrap();
            let got = ascii_prefix(u64::from_le_bytes(chunk), window[0], window[9]);
            proptest::prop_assert_eq!(got, (len as u32, count as u32));
        }

        /// The 32-byte test passes exactly the blocks the byte-by-byte rule passes whole, and
        /// counts their token characters.
        #[test]
        fn ascii_block_matches_byte_rule(
            window in proptest::collection::vec(proptest::sample::select(vec![
                b'a', b'Z', b'0', b' ', b' ', b' ', b'~', 0x7F, b'\t', b'\n', 0x1F, 0x20, 0x80,
                0xE4, 0xFF, b'!', 0x00, 0x7E,
            ]), 34)
        ) {
            let block: [u8; 32] = window[1..33].try_into().unwrap();
            proptest::prop_assert_eq!(ascii_block(&block, window[0], window[33]), ascii_block_by_bytes(&window));
        }

        /// Mostly-passing blocks, so that the count is exercised as well as the rejection.
        #[test]
        fn ascii_block_counts_spaces(
            window in proptest::collection::vec(proptest::sample::select(vec![
                b'a', b'.', b' ', b'~', b'!',
            ]), 34)
        ) {
            let block: [u8; 32] = window[1..33].try_into().unwrap();
            proptest::prop_assert_eq!(ascii_block(&block, window[0], window[33]), ascii_block_by_bytes(&window));
        }

        /// The four-at-a-time CJK skip stops exactly where the one-at-a-time rule stops.
        #[test]
        fn skip_cjk_matches_char_rule(s in "[律师。，（）\u{4DC0}\u{3041}a \u{201C}\u{FF60}\u{3029}\u{302A}]{0,40}") {
            let bytes = s.as_bytes();
            let mut expected = 0;
            while expected + 3 <= bytes.len()
                && ((0xE4..=0xE9).contains(&bytes[expected])
                    || is_safe_cjk_punctuation(
                        bytes[expected],
                        bytes[expected + 1],
                        bytes[expected + 2],
                    ))
            {
                expected += 3;
            }
            proptest::prop_assert_eq!(skip_cjk(bytes, 0), expected);
        }
    }
}
