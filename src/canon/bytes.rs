//! Byte-level tests on UTF-8 for the fast scanner: printable ASCII eight, 16 and 64 bytes at a time,
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

/// Whether the first `N` bytes of `window` (which holds `N + 1`: the block and the byte after it)
/// are all canonical ASCII given that the byte before the block is a printable non-space byte
/// or the block starts with one: every byte printable (0x20..=0x7E), and every space followed by
/// a printable non-space byte (so, inside a passing block, also preceded by one).
///
/// Only a yes/no, computed without early exit so that the compiler vectorizes it (16 bytes per
/// instruction on baseline x86-64); [`ascii_prefix`] finds where a failing stretch stops.
///
/// When it passes, the number of token characters (bytes that are not spaces) in the block.
#[inline(always)]
pub(crate) fn clean_ascii<const N: usize>(window: &[u8]) -> Option<u32> {
    let block: &[u8; N] = window[..N].try_into().expect("N bytes");
    let next: &[u8; N] = window[1..N + 1].try_into().expect("N bytes");
    let mut bad = 0u8;
    // Byte lanes: N is at most 255.
    let mut spaces = 0u8;
    for k in 0..N {
        let b = block[k];
        let unprintable = b.wrapping_sub(0x20) > 0x5E;
        let space = b == b' ';
        let bad_space = space & (next[k].wrapping_sub(0x21) > 0x5D);
        bad |= u8::from(unprintable | bad_space);
        spaces += u8::from(space);
    }
    (bad == 0).then(|| N as u32 - u32::from(spaces))
}

/// The number of bytes of `bytes` that are neither UTF-8 continuation bytes nor spaces: in text
/// of NFC-safe characters and single spaces, its token characters. Counted in byte lanes over
/// pieces of at most 255 bytes, which the compiler vectorizes.
#[inline]
pub(crate) fn count_token_bytes(bytes: &[u8]) -> u64 {
    bytes
        .chunks(255)
        .map(|piece| {
            let n = piece.iter().fold(0u8, |acc, &b| {
                acc + u8::from(((b as i8) >= -0x40) & (b != b' '))
            });
            u64::from(n)
        })
        .sum()
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

    /// The byte-by-byte rule of canonical ASCII for a window of the block and its two
    /// neighbours: every byte printable, every space between two printable non-space bytes.
    fn clean_by_bytes(window: &[u8]) -> bool {
        let graphic = |b: u8| (0x21..=0x7E).contains(&b);
        (1..window.len() - 1).all(|j| {
            (0x20..=0x7E).contains(&window[j])
                && (window[j] != b' ' || (graphic(window[j - 1]) && graphic(window[j + 1])))
        })
    }

    /// Bytes that `clean_ascii` must tell apart: letters, spaces (often), the edges of the
    /// printable range, controls, line breaks and the bytes of non-ASCII characters.
    fn ascii_test_bytes() -> Vec<u8> {
        vec![
            b'a', b'Z', b'0', b' ', b' ', b' ', b' ', b'~', 0x7F, b'\t', b'\n', b'\r', 0x1F, 0x20,
            0x80, 0xE4, 0xFF, b'!', 0x00, 0x7E, 0xC2, 0xA0,
        ]
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

        /// The 16- and 64-byte tests pass exactly the blocks the byte-by-byte rule passes whole,
        /// given what the scanner guarantees: the block starts with a printable non-space byte
        /// or after one.
        #[test]
        fn clean_ascii_matches_byte_rule(
            window in proptest::collection::vec(proptest::sample::select(ascii_test_bytes()), 66),
            mostly_clean in proptest::collection::vec(proptest::sample::select(vec![
                b'a', b'.', b' ', b'~', b'!', b'\n',
            ]), 66),
            letters in proptest::collection::vec(proptest::sample::select(b"ab.!~0".to_vec()), 66),
            damage in proptest::collection::vec((0usize..66, proptest::sample::select(ascii_test_bytes())), 0..3),
        ) {
            // Clean text with a few bytes changed: passing blocks, and blocks failing at one byte.
            let mut damaged = letters;
            for (at, b) in damage {
                damaged[at] = b;
            }
            for w in [&window, &mostly_clean, &damaged] {
                for (start, n) in [(1, 64), (1, 16), (40, 16)] {
                    let graphic_start = (0x21..=0x7E).contains(&w[start - 1]) || w[start] != b' ';
                    if !graphic_start {
                        continue;
                    }
                    let got = if n == 64 {
                        clean_ascii::<64>(&w[start..start + 65])
                    } else {
                        clean_ascii::<16>(&w[start..start + 17])
                    };
                    let block = &w[start..start + n];
                    let expected = clean_by_bytes(&w[start - 1..start + n + 1])
                        .then(|| block.iter().filter(|&&b| b != b' ').count() as u32);
                    proptest::prop_assert_eq!(got, expected);
                }
            }
        }

        /// The vectorized count of token bytes is the count of characters that are not spaces,
        /// on strings long enough to cross its 255-byte pieces.
        #[test]
        fn token_bytes_count_the_non_space_characters(s in "[a-z 律师。，é\u{201C}\u{10000}]{0,700}") {
            let expected = s.chars().filter(|&c| c != ' ').count() as u64;
            proptest::prop_assert_eq!(count_token_bytes(s.as_bytes()), expected);
        }

        /// The four-at-a-time CJK skip stops exactly where the one-at-a-time rule stops (long
        /// stretches of ideographs and punctuation included).
        #[test]
        fn skip_cjk_matches_char_rule(
            s in "[律师。，（）\u{4DC0}\u{3041}a \u{201C}\u{FF60}\u{3029}\u{302A}]{0,40}|[律师我们\u{4E00}\u{9FFF}\u{4000}。，\u{3001}\u{3029}\u{FF01}\u{FF5F}\u{FF60}\u{FF40}]{10,60}[。\u{3000}\u{3000}\u{302A}\u{3030}\u{FF00}\u{FF61}\u{FF3F}\u{FFE0}\u{FEFF}a\u{E000}\u{A000}\u{3FFF}\u{E9}\u{10000}]?[律师，]{0,30}"
        ) {
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
