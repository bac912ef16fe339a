//! Where the scanner's canonical output goes: into a string ([`TextSink`], for `canonicalize`) or
//! straight into the hash of the canonical stream ([`HashSink`], for `summarize`).

use crate::digest::{Digest, Hasher};

/// Receives canonical output.
pub(crate) trait Sink {
    /// Bytes of canonical output.
    fn span(&mut self, s: &str);
    /// A gap between two tokens: a paragraph break, or a word gap joined by `join`.
    fn gap(&mut self, join: &'static str, paragraph: bool);
}

/// Collects the canonical text.
#[derive(Default)]
pub(crate) struct TextSink {
    pub(crate) text: String,
}

impl Sink for TextSink {
    fn span(&mut self, s: &str) {
        self.text.push_str(s);
    }
    fn gap(&mut self, join: &'static str, paragraph: bool) {
        self.text.push_str(if paragraph { "\n\n" } else { join });
    }
}

/// Hashes the canonical stream (paragraph breaks as their joins) and counts paragraphs. Spans
/// between line breaks are short, so they are staged in a buffer and hashed in large blocks rather
/// than one small update each; a short span is copied with a few fixed-size moves the compiler
/// inlines, rather than a call to `memcpy` per span.
#[derive(Default)]
pub(crate) struct HashSink {
    hasher: Hasher,
    /// The staging buffer: `staged[..len]` waits to be hashed.
    staged: Box<[u8]>,
    len: usize,
    paragraph_breaks: usize,
    any_output: bool,
}

/// How many bytes are staged before they are hashed (a multiple of SHA-256's 64-byte block).
const HASH_STAGING_BYTES: usize = 64 * 1024;

/// Spans at least this long skip the staging buffer when it is empty, and are copied with
/// `memcpy` otherwise.
const SHORT_SPAN: usize = 256;

impl HashSink {
    /// The canonical digest and the number of paragraphs.
    pub(crate) fn finish(mut self) -> (Digest, usize) {
        self.hasher.update(&self.staged[..self.len]);
        let count = self.paragraph_count();
        (self.hasher.finish(), count)
    }

    #[inline(always)]
    fn stage(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        if n < SHORT_SPAN && self.len + n <= self.staged.len() {
            copy_short(&mut self.staged[self.len..self.len + n], bytes);
            self.len += n;
            return;
        }
        self.stage_slow(bytes);
    }

    /// [`HashSink::stage`] for long spans, and when the buffer is full or not yet allocated.
    #[inline(never)]
    fn stage_slow(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.staged.len() {
            self.hasher.update(&self.staged[..self.len]);
            self.len = 0;
        }
        if self.len == 0 && bytes.len() >= SHORT_SPAN {
            self.hasher.update(bytes);
            return;
        }
        if self.staged.is_empty() {
            self.staged = vec![0; HASH_STAGING_BYTES].into_boxed_slice();
        }
        self.staged[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn paragraph_count(&self) -> usize {
        if self.any_output {
            self.paragraph_breaks + 1
        } else {
            0
        }
    }
}

/// `dst.copy_from_slice(src)` for a `src` shorter than [`SHORT_SPAN`], in at most four
/// fixed-size moves (overlapping when the length is not their size), which compile to vector loads
/// and stores instead of a call to `memcpy`. (No loop: the compiler would turn one back into a
/// `memcpy` call.)
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    /// Copy `src[from..from + W]` to the same place in `dst`.
    #[inline(always)]
    fn move_fixed<const W: usize>(dst: &mut [u8], src: &[u8], from: usize) {
        let piece: &[u8; W] = src[from..from + W].try_into().expect("W bytes");
        let target: &mut [u8; W] = (&mut dst[from..from + W]).try_into().expect("W bytes");
        *target = *piece;
    }
    let n = src.len();
    debug_assert!(n < SHORT_SPAN && dst.len() == n);
    if n >= 128 {
        move_fixed::<64>(dst, src, 0);
        move_fixed::<64>(dst, src, 64);
        move_fixed::<64>(dst, src, n - 128);
        move_fixed::<64>(dst, src, n - 64);
    } else if n >= 64 {
        move_fixed::<64>(dst, src, 0);
        move_fixed::<64>(dst, src, n - 64);
    } else if n >= 32 {
        move_fixed::<32>(dst, src, 0);
        move_fixed::<32>(dst, src, n - 32);
    } else if n >= 16 {
        move_fixed::<16>(dst, src, 0);
        move_fixed::<16>(dst, src, n - 16);
    } else if n >= 8 {
        move_fixed::<8>(dst, src, 0);
        move_fixed::<8>(dst, src, n - 8);
    } else if n >= 4 {
        move_fixed::<4>(dst, src, 0);
        move_fixed::<4>(dst, src, n - 4);
    } else if n >= 2 {
        move_fixed::<2>(dst, src, 0);
        move_fixed::<2>(dst, src, n - 2);
    } else if n == 1 {
        dst[0] = src[0];
    }
}

impl Sink for HashSink {
    #[inline(always)]
    fn span(&mut self, s: &str) {
        if !s.is_empty() {
            self.any_output = true;
            self.stage(s.as_bytes());
        }
    }
    #[inline(always)]
    fn gap(&mut self, join: &'static str, paragraph: bool) {
        self.paragraph_breaks += usize::from(paragraph);
        // A join is "" or " ".
        if !join.is_empty() {
            if self.len < self.staged.len() {
                self.staged[self.len] = b' ';
                self.len += 1;
            } else {
                self.stage_slow(b" ");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The staging buffer hashes exactly the bytes it was given, in order, whatever the
        /// mix of short and long spans and gaps (spans around the buffer's size included).
        #[test]
        fn staged_hash_is_the_hash_of_the_concatenation(
            pieces in proptest::collection::vec((0usize..3, 0usize..70_000, 0u8..=255), 0..40)
        ) {
            let mut sink = HashSink::default();
            let mut expected = Vec::new();
            for (kind, len, byte) in pieces {
                match kind {
                    0 => {
                        let len = len % 300;
                        let s: String = (0..len).map(|k| char::from(b'a' + ((usize::from(byte) + k) % 26) as u8)).collect();
                        sink.span(&s);
                        expected.extend_from_slice(s.as_bytes());
                    }
                    1 => {
                        let s = "x".repeat(len);
                        sink.span(&s);
                        expected.extend_from_slice(s.as_bytes());
                    }
                    _ => {
                        let join = if byte % 2 == 0 { " " } else { "" };
                        sink.gap(join, byte % 3 == 0);
                        expected.extend_from_slice(join.as_bytes());
                    }
                }
            }
            let (digest, _) = sink.finish();
            proptest::prop_assert_eq!(digest, Digest::of(&expected));
        }
    }
}
