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
/// than one small update each.
#[derive(Default)]
pub(crate) struct HashSink {
    hasher: Hasher,
    staged: Vec<u8>,
    paragraph_breaks: usize,
    any_output: bool,
}

const HASH_STAGING_BYTES: usize = 16 * 1024;

impl HashSink {
    /// The canonical digest and the number of paragraphs.
    pub(crate) fn finish(mut self) -> (Digest, usize) {
        self.hasher.update(&self.staged);
        let count = self.paragraph_count();
        (self.hasher.finish(), count)
    }

    #[inline]
    fn stage(&mut self, bytes: &[u8]) {
        if self.staged.len() + bytes.len() <= self.staged.capacity() {
            self.staged.extend_from_slice(bytes);
            return;
        }
        self.stage_slow(bytes);
    }

    /// [`HashSink::stage`] when the buffer is full or not yet allocated.
    fn stage_slow(&mut self, bytes: &[u8]) {
        if self.staged.len() + bytes.len() > HASH_STAGING_BYTES {
            self.hasher.update(&self.staged);
            self.staged.clear();
            if bytes.len() >= HASH_STAGING_BYTES {
                self.hasher.update(bytes);
                return;
            }
        }
        if self.staged.capacity() == 0 {
            self.staged.reserve(HASH_STAGING_BYTES);
        }
        self.staged.extend_from_slice(bytes);
    }

    fn paragraph_count(&self) -> usize {
        if self.any_output {
            self.paragraph_breaks + 1
        } else {
            0
        }
    }
}

impl Sink for HashSink {
    #[inline]
    fn span(&mut self, s: &str) {
        if !s.is_empty() {
            self.any_output = true;
            self.stage(s.as_bytes());
        }
    }
    #[inline]
    fn gap(&mut self, join: &'static str, paragraph: bool) {
        self.paragraph_breaks += usize::from(paragraph);
        // A join is "" or " ": staging its byte directly spares a call to memcpy per gap.
        for &b in join.as_bytes() {
            if self.staged.len() < self.staged.capacity() {
                self.staged.push(b);
            } else {
                self.stage_slow(&[b]);
            }
        }
    }
}
