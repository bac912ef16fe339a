//! The full algorithm of `docs/SPEC.md` §2.3, which [`super::canonicalize`] and
//! [`super::summarize`] fall back to when the fast path meets a character that normalization could
//! change: step 1 (map) here, step 2 (NFC), step 3 by the scanner in [`Mode::Mapped`], step 4 (NFC).
//!
//! It shares the character classes and the scanner with the fast path, so it is not an independent
//! check of it: [`super::reference`] is.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::classes::{
    fold_quote, is_ignorable, is_line_break, is_starter, is_whitespace, nfc_space, suspicious_kind,
};
use super::event::LayoutEvents;
use super::layout::Recorder;
use super::scan::{fold, Mode};
use super::sink::TextSink;
use super::{stream_digest, Canonical, Suspicious, SuspiciousCounts, MAX_LISTED_SUSPICIOUS};

/// Map, NFC, fold whitespace, NFC.
pub(crate) fn canonicalize(input: &str) -> Canonical {
    let mut rec = Recorder::default();
    let mut suspicious = Vec::new();
    let mut suspicious_counts = SuspiciousCounts::default();
    let mapped = map_characters(input, &mut rec, &mut suspicious, &mut suspicious_counts);
    let (normalized, changed_before) = nfc(mapped);
    let mut sink = TextSink::default();
    fold(&normalized, &mut sink, &mut rec, Mode::Mapped)
        .expect("fold never bails out on already-mapped input");
    let (text, changed_after) = nfc(sink.text);
    let digest = stream_digest(&text);
    Canonical {
        text,
        digest,
        layout: rec.finish(changed_before || changed_after),
        suspicious,
        suspicious_counts,
    }
}

/// NFC-normalize, reporting whether anything changed.
fn nfc(s: String) -> (String, bool) {
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return (s, false);
    }
    let normalized: String = s.nfc().collect();
    let changed = normalized != s;
    (normalized, changed)
}

/// Delete ignorables, fold quotes, list the first [`MAX_LISTED_SUSPICIOUS`] suspicious characters
/// and count all of them, recording positions in the same coordinates (count of token characters
/// before them) that [`fold`] uses, so both paths give identical layouts.
fn map_characters(
    input: &str,
    events: &mut impl LayoutEvents,
    suspicious: &mut Vec<Suspicious>,
    counts: &mut SuspiciousCounts,
) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pos: u64 = 0;
    let mut line = 1;
    let mut prev_cr = false;
    for (offset, c) in input.char_indices() {
        let is_newline = c == '\n' && !prev_cr || (is_line_break(c) && c != '\n');
        // Ignorables are deleted before line breaks are counted, so CR ZWSP LF is one CRLF.
        if !is_ignorable(c) {
            prev_cr = c == '\r';
        }
        if is_newline {
            line += 1;
        }
        if is_whitespace(c) {
            out.push(nfc_space(c));
            continue;
        }
        if is_ignorable(c) {
            if offset == 0 && c == '\u{FEFF}' {
                events.bom();
            } else {
                events.invisible(pos, c);
            }
            continue;
        }
        if let Some(q) = fold_quote(c) {
            events.quote(pos, c);
            out.push(q);
            pos += 1;
            continue;
        }
        if let Some((kind, name)) = suspicious_kind(c) {
            counts.add(kind);
            if suspicious.len() < MAX_LISTED_SUSPICIOUS {
                suspicious.push(Suspicious {
                    codepoint: format!("U+{:04X}", c as u32),
                    name: name.to_string(),
                    kind,
                    line,
                });
            }
        }
        pos += u64::from(is_starter(c));
        out.push(c);
    }
    out
}
