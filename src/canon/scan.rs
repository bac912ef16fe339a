//! Step 3 of `docs/SPEC.md` §2.3 (fold whitespace) as one forward scan, and, in [`Mode::Raw`], the
//! fast path of §2.8: step 1 (quotes, ignorables) done on the fly, NFC skipped, and a bail-out on the
//! first character that normalization could change.
//!
//! The scanner writes canonical output to a [`Sink`] and layout events to [`LayoutEvents`]; it does
//! not know what either does with them.

use super::bytes::{
    ascii_prefix, char_at, clean_ascii, count_token_bytes, curly_quote, ends_token,
    is_ascii_graphic, skip_cjk, starts_simple_token,
};
use super::classes::{
    fold_quote, is_ignorable, is_line_break, is_nfc_safe, is_starter, is_whitespace, join_between,
    nfc_space,
};
use super::event::{LayoutEvents, LineEnding, Run, LE_CR, LE_CRLF, LE_LF, LE_OTHER};
use super::sink::Sink;

/// What the scanner is given.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Raw decoded input: fold quotes and ignorables here, and bail out on anything that is not
    /// NFC-safe.
    Raw,
    /// Output of step 1 and 2: only whitespace needs folding.
    Mapped,
}

/// The fast path met a character that needs the full algorithm.
#[derive(Debug)]
pub(crate) struct NeedsFullAlgorithm;

/// Step 3: emit tokens and gaps to `sink`, recording layout. In [`Mode::Raw`] it also does step 1's
/// quote and ignorable handling, and gives up on the first character that is not NFC-safe.
pub(crate) fn fold<S: Sink, E: LayoutEvents>(
    input: &str,
    sink: &mut S,
    events: &mut E,
    mode: Mode,
) -> Result<(), NeedsFullAlgorithm> {
    // The mode is a constant of each scanner, so that each gets its own code, with the checks of
    // the other mode compiled out.
    match mode {
        Mode::Raw => Scanner::<S, E, true>::new(input, sink, events).run(),
        Mode::Mapped => Scanner::<S, E, false>::new(input, sink, events).run(),
    }
}

/// One pass over the input. Output is passed on in spans of the input (`span_start..i`), cut at
/// every place where the canonical text differs from the input (a run, a quote, an ignorable).
/// `RAW` is [`Mode::Raw`].
struct Scanner<'a, S, E, const RAW: bool> {
    input: &'a str,
    bytes: &'a [u8],
    sink: &'a mut S,
    events: &'a mut E,
    /// The next byte to look at (a character boundary).
    i: usize,
    /// Start of the output not yet given to the sink.
    span_start: usize,
    /// Layout position: token characters before `counted_to`.
    pos: u64,
    counted_to: usize,
}

/// After a whitespace run: more tokens follow, or the input ended.
enum AfterRun {
    More,
    End,
}

impl<'a, S: Sink, E: LayoutEvents, const RAW: bool> Scanner<'a, S, E, RAW> {
    fn new(input: &'a str, sink: &'a mut S, events: &'a mut E) -> Self {
        Scanner {
            input,
            bytes: input.as_bytes(),
            sink,
            events,
            i: 0,
            span_start: 0,
            pos: 0,
            counted_to: 0,
        }
    }

    fn run(mut self) -> Result<(), NeedsFullAlgorithm> {
        let n = self.bytes.len();
        if RAW && self.input.starts_with('\u{FEFF}') {
            self.events.bom();
            self.i = 3;
        }
        let leading = scan_run::<E, RAW>(self.input, self.i, 0, self.events);
        self.events.edge_run(0, &leading);
        self.i = leading.end;
        if self.i >= n {
            return Ok(());
        }
        self.span_start = self.i;
        self.counted_to = self.i;

        while self.i < n {
            // Skip through canonical ASCII, then dispatch on the byte that stopped the skip: a
            // non-ASCII byte starts a curly quote, CJK text or another character; an ASCII one
            // a gap. (Token characters are counted at the next event, not while skipping.)
            self.skip_ascii();
            if self.i >= n {
                break;
            }
            if self.bytes[self.i] >= 0x80 {
                if self.quote() || self.skip_cjk_text() {
                    continue;
                }
            } else if self.single_space() || self.simple_gap() {
                continue;
            }
            let c = char_at(self.input, self.i);
            if is_whitespace(c) {
                match self.whitespace_run()? {
                    AfterRun::More => continue,
                    AfterRun::End => return Ok(()),
                }
            }
            self.other_char(c)?;
        }
        self.sink.span(&self.input[self.span_start..n]);
        Ok(())
    }

    /// Count the token characters from `counted_to` up to `to`.
    #[inline(always)]
    fn count_to(&mut self, to: usize) {
        if self.counted_to < to {
            self.pos += count_starters(self.input, self.counted_to, to, RAW);
        }
    }

    /// Skip through canonical ASCII: 64 bytes at a time, then 16, then up to eight, counting
    /// token characters as we go so that layout positions need no second pass.
    #[inline(always)]
    fn skip_ascii(&mut self) {
        let (bytes, n) = (self.bytes, self.bytes.len());
        let mut i = self.i;
        // A block can only pass if it starts with a printable byte, and a space only after a
        // printable non-space byte: skip the attempt at line ends and runs.
        if i >= n || !(0x20..=0x7E).contains(&bytes[i]) {
            return;
        }
        if bytes[i] == b' ' && (i == 0 || !is_ascii_graphic(bytes[i - 1])) {
            return;
        }
        self.count_to(i);
        let mut pos = self.pos;
        while i + 65 <= n {
            let Some(count) = clean_ascii::<64>(&bytes[i..i + 65]) else {
                break;
            };
            pos += u64::from(count);
            i += 64;
        }
        while i + 17 <= n {
            let Some(count) = clean_ascii::<16>(&bytes[i..i + 17]) else {
                break;
            };
            pos += u64::from(count);
            i += 16;
        }
        while i + 8 <= n {
            let chunk: [u8; 8] = bytes[i..i + 8].try_into().expect("eight bytes");
            let before = if i > 0 { bytes[i - 1] } else { 0 };
            let after = bytes.get(i + 8).copied().unwrap_or(0);
            let (len, count) = ascii_prefix(u64::from_le_bytes(chunk), before, after);
            pos += u64::from(count);
            i += len as usize;
            if len < 8 {
                break;
            }
        }
        self.pos = pos;
        self.i = i;
        self.counted_to = i;
    }

    /// Skip CJK ideographs and safe punctuation; whether any were skipped.
    #[inline(always)]
    fn skip_cjk_text(&mut self) -> bool {
        let i = self.i;
        if i >= self.bytes.len() || self.bytes[i] < 0x80 {
            return false;
        }
        let end = skip_cjk(self.bytes, i);
        if end == i {
            return false;
        }
        self.count_to(i);
        self.pos += ((end - i) / 3) as u64;
        self.i = end;
        self.counted_to = end;
        true
    }

    /// A single space between two printable ASCII characters is already canonical.
    #[inline(always)]
    fn single_space(&mut self) -> bool {
        let (bytes, i) = (self.bytes, self.i);
        if bytes[i] == b' '
            && i + 1 < bytes.len()
            && is_ascii_graphic(bytes[i + 1])
            && is_ascii_graphic(bytes[i - 1])
        {
            self.i += 1;
            return true;
        }
        false
    }

    /// The commonest runs (one space, one or two LF or CRLF) between two token characters that
    /// need no closer look. Same result as [`Scanner::whitespace_run`].
    #[inline(always)]
    fn simple_gap(&mut self) -> bool {
        let (bytes, i, n) = (self.bytes, self.i, self.bytes.len());
        if i == 0 || !ends_token(bytes[i - 1]) {
            return false;
        }
        let Some((len, line_breaks, line_ending)) = simple_run(bytes, i) else {
            return false;
        };
        if i + len >= n || !starts_simple_token(bytes, i + len) {
            return false;
        }
        let join = simple_join(self.input, i, i + len);
        // A single space that stays a single space (next to a curly quote, say) is already
        // canonical and records nothing: keep it in the current span.
        if line_breaks == 0 && join == " " {
            self.i += 1;
            return true;
        }
        self.sink.span(&self.input[self.span_start..i]);
        self.sink.gap(join, line_breaks >= 2);
        self.count_to(i);
        self.events.line_ending(line_ending);
        let spaces = if line_breaks == 0 { " " } else { "" };
        self.events.inner_run(self.pos, line_breaks, spaces, join);
        self.i += len;
        self.span_start = self.i;
        self.counted_to = self.i;
        true
    }

    /// Curly quotes, folded to ASCII (step 1). They are all encoded E2 80 98..9F; the low ones
    /// among those (U+201A, U+201E) are not folded, and pass as other characters.
    #[inline(always)]
    fn quote(&mut self) -> bool {
        let (bytes, i) = (self.bytes, self.i);
        if !RAW || i + 2 >= bytes.len() {
            return false;
        }
        let Some(c) = curly_quote(bytes[i], bytes[i + 1], bytes[i + 2]) else {
            return false;
        };
        let Some(folded) = fold_quote(c) else {
            return false;
        };
        self.sink.span(&self.input[self.span_start..i]);
        self.sink.span(if folded == '"' { "\"" } else { "'" });
        self.count_to(i);
        self.counted_to = i;
        self.events.quote(self.pos, c);
        self.i += 3;
        self.span_start = self.i;
        true
    }

    /// Any run of whitespace starting at `i`: a gap between tokens, or the run after the last.
    #[inline(always)]
    fn whitespace_run(&mut self) -> Result<AfterRun, NeedsFullAlgorithm> {
        let i = self.i;
        self.sink.span(&self.input[self.span_start..i]);
        let before = token_char_before(self.input, i);
        self.count_to(i);
        let run = scan_run::<E, RAW>(self.input, i, self.pos, self.events);
        self.counted_to = run.end;
        if run.end >= self.bytes.len() {
            self.events.edge_run(u64::MAX, &run);
            return Ok(AfterRun::End);
        }
        let next = char_at(self.input, run.end);
        let next = fold_quote(next).unwrap_or(next);
        if RAW && !is_nfc_safe(next) && !is_ignorable(next) {
            return Err(NeedsFullAlgorithm);
        }
        let join = join_between(before, Some(next));
        self.sink.gap(join, run.line_breaks >= 2);
        self.events
            .inner_run(self.pos, run.line_breaks, &run.spaces, join);
        self.i = run.end;
        self.span_start = self.i;
        Ok(AfterRun::More)
    }

    /// Any other character: an ignorable is deleted, a token character passed through, and in raw
    /// mode anything not NFC-safe sends the text to the full algorithm.
    #[inline(always)]
    fn other_char(&mut self, c: char) -> Result<(), NeedsFullAlgorithm> {
        let (i, len) = (self.i, c.len_utf8());
        if RAW {
            if is_ignorable(c) {
                self.sink.span(&self.input[self.span_start..i]);
                self.count_to(i);
                self.events.invisible(self.pos, c);
                self.i += len;
                self.span_start = self.i;
                self.counted_to = self.i;
                return Ok(());
            }
            if !is_nfc_safe(c) {
                return Err(NeedsFullAlgorithm);
            }
        }
        self.i += len;
        Ok(())
    }
}

/// The run of whitespace (and, in raw mode, ignorables) starting at byte `start`, reporting its
/// line endings and ignorables.
fn scan_run<E: LayoutEvents, const RAW: bool>(
    input: &str,
    start: usize,
    pos: u64,
    events: &mut E,
) -> Run {
    let mut run = Run {
        end: start,
        line_breaks: 0,
        spaces: String::new(),
    };
    // The most common run by far: one line break between two tokens.
    let bytes = input.as_bytes();
    let simple = |len: usize| {
        bytes
            .get(start + len)
            .is_some_and(|&b| is_ascii_graphic(b) || (0xE4..=0xE9).contains(&b))
    };
    if bytes.get(start) == Some(&b'\n') && simple(1) {
        events.line_ending(LE_LF);
        return Run {
            end: start + 1,
            line_breaks: 1,
            spaces: String::new(),
        };
    }
    if bytes.get(start) == Some(&b'\r') && bytes.get(start + 1) == Some(&b'\n') && simple(2) {
        events.line_ending(LE_CRLF);
        return Run {
            end: start + 2,
            line_breaks: 1,
            spaces: String::new(),
        };
    }
    // A CR not yet known to be CR or the first half of CRLF (ignorables between them are
    // deleted in step 1, so "\r\u{200B}\n" is one CRLF).
    let mut pending_cr = false;
    for (off, c) in input[start..].char_indices() {
        if RAW && is_ignorable(c) {
            events.invisible(pos, c);
        } else if c == '\n' && pending_cr {
            events.line_ending(LE_CRLF);
            pending_cr = false;
        } else if is_whitespace(c) {
            if pending_cr {
                events.line_ending(LE_CR);
                pending_cr = false;
            }
            match c {
                '\r' => {
                    pending_cr = true;
                    run.line_breaks += 1;
                }
                '\n' => {
                    events.line_ending(LE_LF);
                    run.line_breaks += 1;
                }
                '\u{2029}' => {
                    events.line_ending(LE_OTHER);
                    run.line_breaks += 2;
                }
                c if is_line_break(c) => {
                    events.line_ending(LE_OTHER);
                    run.line_breaks += 1;
                }
                c => run.spaces.push(nfc_space(c)),
            }
        } else {
            break;
        }
        run.end = start + off + c.len_utf8();
    }
    if pending_cr {
        events.line_ending(LE_CR);
    }
    run
}

/// The number of token characters (starters) that start in `input[from..to]` (the bounds need not
/// be character boundaries). The range holds only token characters and, in raw mode, single ASCII
/// spaces. In raw mode every character is NFC-safe and so a starter, and counting is by bytes.
#[inline]
pub(crate) fn count_starters(input: &str, from: usize, to: usize, raw: bool) -> u64 {
    if !raw {
        return (from..to)
            .filter(|&j| input.is_char_boundary(j))
            .map(|j| char_at(input, j))
            .filter(|&c| !is_whitespace(c) && is_starter(c))
            .count() as u64;
    }
    // Every byte that is neither a UTF-8 continuation byte nor a space starts a token character.
    count_token_bytes(&input.as_bytes()[from..to])
}

/// The join for a run from `start` to `end` between two token characters, the one after being one
/// that [`starts_simple_token`] accepts (so a starter). Between two printable ASCII characters
/// (most gaps in English) it is a space, with no decoding or table lookups.
fn simple_join(s: &str, start: usize, end: usize) -> &'static str {
    let bytes = s.as_bytes();
    if is_ascii_graphic(bytes[start - 1]) && is_ascii_graphic(bytes[end]) {
        return " ";
    }
    // Lead bytes E5..E9 encode U+5000..U+9FFF, all CJK unified ideographs, so unspaced. `start` is
    // a character boundary, so a lead byte at `start - 3` begins the character before the run.
    let ideograph = |b: u8| (0xE5..=0xE9).contains(&b);
    if ideograph(bytes[end]) || (start >= 3 && ideograph(bytes[start - 3])) {
        return "";
    }
    join_between(token_char_before(s, start), Some(token_char_at(s, end)))
}

/// The whitespace runs common enough to deserve a shortcut: one space, or one or two LF or CRLF.
/// Returns the run's byte length, its line breaks and its kind of line ending (0 for none).
fn simple_run(bytes: &[u8], i: usize) -> Option<(usize, u32, LineEnding)> {
    let rest = &bytes[i..];
    if rest.starts_with(b"\n\n") {
        Some((2, 2, LE_LF))
    } else if rest.starts_with(b"\r\n\r\n") {
        Some((4, 2, LE_CRLF))
    } else if rest.starts_with(b"\r\n") {
        Some((2, 1, LE_CRLF))
    } else {
        match rest.first() {
            Some(b'\n') => Some((1, 1, LE_LF)),
            Some(b' ') => Some((1, 0, 0)),
            _ => None,
        }
    }
}

/// The character of the token starting at byte `i`, as it appears in canonical output (quotes
/// folded).
fn token_char_at(s: &str, i: usize) -> char {
    match s.as_bytes()[i] {
        b if b < 0x80 => char::from(b),
        _ => {
            let c = char_at(s, i);
            fold_quote(c).unwrap_or(c)
        }
    }
}

/// [`last_token_char`], without a backwards search when the token ends in ASCII or in a
/// three-byte character (CJK, curly quotes) that is neither ignorable nor whitespace.
fn token_char_before(s: &str, end: usize) -> Option<char> {
    let bytes = s.as_bytes();
    let b = bytes[end - 1];
    if is_ascii_graphic(b) {
        return Some(char::from(b));
    }
    // `end` is a character boundary, so a three-byte lead byte at `end - 3` starts the last
    // character.
    if end >= 3 && bytes[end - 3] & 0xF0 == 0xE0 {
        let code = (u32::from(bytes[end - 3] & 0x0F) << 12)
            | (u32::from(bytes[end - 2] & 0x3F) << 6)
            | u32::from(b & 0x3F);
        if let Some(c) = char::from_u32(code) {
            if !is_ignorable(c) && !is_whitespace(c) {
                return Some(fold_quote(c).unwrap_or(c));
            }
        }
    }
    last_token_char(s, end)
}

/// The last character of the token that ends at byte `end`, as it appears in canonical output
/// (ignorables skipped, quotes folded).
fn last_token_char(s: &str, end: usize) -> Option<char> {
    s[..end]
        .chars()
        .rev()
        .find(|&c| !is_ignorable(c))
        .filter(|&c| !is_whitespace(c))
        .map(|c| fold_quote(c).unwrap_or(c))
}
