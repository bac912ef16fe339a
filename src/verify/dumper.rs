//! The reading of a copy made by a PDF extractor, a text dumper or a chat app (`docs/SPEC.md`
//! §6.2): the text with the line breaks such a tool inserts *inside* a token re-joined, the
//! typographic forms PDF fonts emit mapped to the characters they show, the page furniture between
//! a PDF's pages left out, and the lines a chat app adds set apart as paragraphs of their own.
//! Pure text in, text out: the verdict rules that use it are in [`super`].
//!
//! Canonical text (§2) is not changed: a line break is whitespace there, for everyone. This is a
//! second reading, tried only when the copy as received is not authentic, and reported whenever it
//! is used.
//!
//! > A *break* is one line break (LF, CR LF or CR) with nothing but spaces and tabs around it,
//! > between two non-blank lines. With *L* the token that ends the first line and *R* the token
//! > that starts the next, it is re-joined when
//! > - the last character of *L* is a hyphen (U+002D, U+2010), a slash or a dash (U+2013, U+2014)
//! >   with a letter or digit before it, and *R* starts with a letter or digit (`and/⏎or`,
//! >   `mouse-⏎clicks`, `notices/⏎2026`); or
//! > - *L* is a URL (it contains `://` or starts with `www.`) and UAX #14 (`unicode-linebreak`)
//! >   allows a line break between *L* and *R* in the text *LR* (`lang=en?⏎page=2`);
//! > - or *L* ends with a soft hyphen U+00AD (with a letter before it) followed by nothing or by one
//! >   visible hyphen (U+002D, U+2010), which is what a renderer draws at a soft hyphen that ends a
//! >   line: the visible hyphen is dropped with the break (`ad\u{AD}min\u{AD}‐⏎istrative`).
//!
//! A space typed inside a word is never a break, and a break between two letters (`inter⏎national`)
//! is not an opportunity: both stay changes.

use unicode_linebreak::{linebreaks, BreakOpportunity};
use unicode_normalization::char::decompose_compatible;

/// The soft hyphen, which a renderer shows as a hyphen only where a line ends at it.
const SOFT_HYPHEN: char = '\u{AD}';

/// How many characters on each side of a break UAX #14 is asked about: its rules for a break inside
/// a token look at a few characters only, so a line millions of characters long costs no more.
const CONTEXT_CHARS: usize = 32;

/// How far back from a break the token before it is looked at (for `://`): a token longer than
/// this is judged by its last characters, so that a copy of millions of breaks, re-joined into one
/// token, costs linear time.
const TOKEN_LOOKBACK_CHARS: usize = 2048;

/// At most this many re-joined breaks are recorded one by one (all are counted): a report lists
/// no more (`crate::report::MAX_LISTED_REJOINED`), and a hostile copy of millions of breaks must
/// not cost memory for each.
pub const MAX_RECORDED_JOINS: usize = 200;

/// The copy read as a PDF extractor's or text dumper's output: see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumperReading {
    /// The text with the breaks re-joined and the typographic forms mapped.
    pub text: String,
    /// The first [`MAX_RECORDED_JOINS`] re-joined breaks, in order.
    pub joins: Vec<Join>,
    /// How many breaks were re-joined (recorded or not).
    pub join_count: usize,
    /// Each kind of typographic form that was mapped, with how often and where first.
    pub forms: Vec<FormCount>,
    /// The chat artefacts set apart as paragraphs of their own (at most [`MAX_RECORDED_JOINS`]).
    pub chat: Vec<ChatLine>,
    /// The page furniture left out (at most [`MAX_RECORDED_JOINS`] lines): running headers and
    /// footers and page numbers next to a form feed between two pages. A reading with any is never
    /// authentic: furniture is unsigned material.
    pub furniture: Vec<Furniture>,
}

/// A line of page furniture that the reading left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Furniture {
    /// Its 1-based line in the copy.
    pub line: usize,
    /// The line, its runs of whitespace as one space.
    pub text: String,
}

/// A chat artefact: a line that a messaging app adds around a message (`docs/SPEC.md` §6.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    /// Its 1-based line in the copy.
    pub line: usize,
    /// The line, trimmed.
    pub text: String,
}

/// Longest line, in characters, that can be a chat artefact.
const MAX_CHAT_LINE_CHARS: usize = 48;

/// The paragraph separator the reading sets around a chat artefact, so that the artefact is a
/// paragraph of its own (unsigned material that is clearly separate, §6 step 7.6) without adding
/// a line.
const PARAGRAPH_SEPARATOR: char = '\u{2029}';

/// Whether `line` is a chat artefact (`docs/SPEC.md` §6.2): a placeholder (`[图片]`, `[Photo]`,
/// `<Media omitted>`), a forwarded-from line, or a sender's name with a time (`Ada L. 10:02`,
/// `李巧云 2026-05-20 09:31`, `Li Qiaoyun, [20.05.26 09:31]`).
fn is_chat_line(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.chars().nth(MAX_CHAT_LINE_CHARS).is_some() {
        return false;
    }
    let placeholder = |open: char, close: char| {
        t.strip_prefix(open)
            .and_then(|r| r.strip_suffix(close))
            .is_some_and(|inner| {
                !inner.trim().is_empty()
                    && inner.chars().count() <= 16
                    && inner.chars().all(|c| c.is_alphabetic() || c == ' ')
            })
    };
    let lower = t.to_lowercase();
    if placeholder('[', ']') || (t.starts_with('<') && lower.ends_with(" omitted>")) {
        return true;
    }
    if lower.starts_with("forwarded from ") || t.starts_with("转发自") || t.starts_with("[转发")
    {
        return true;
    }
    // A name and a time: at most six words, one of them (brackets aside) h:mm or hh:mm(:ss).
    let words: Vec<&str> = t.split_whitespace().collect();
    let is_time = |w: &str| {
        let w = w.trim_matches(|c: char| matches!(c, '[' | ']' | '(' | ')' | ','));
        let parts: Vec<&str> = w.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts[0].len() <= 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            && parts[1..].iter().all(|p| p.len() == 2)
    };
    words.len() >= 2 && words.len() <= 6 && words.iter().any(|w| is_time(w))
}

/// How many lines at the top and at the bottom of a page may be furniture.
const FURNITURE_EDGE_LINES: usize = 2;

/// The line `s` with each run of digits as `#` and each run of whitespace as one space: running
/// headers and footers repeat except for their page numbers.
fn furniture_shape(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        let c = if c.is_ascii_digit() {
            '#'
        } else if c.is_whitespace() {
            ' '
        } else {
            c
        };
        if !((c == '#' || c == ' ') && out.ends_with(c)) {
            out.push(c);
        }
    }
    out
}

/// A page number alone on its line: `7`, `7/12`, `7 of 12`, `Page 7`, `page 7 of 12`, `- 7 -`.
fn is_page_number(s: &str) -> bool {
    let shape = furniture_shape(s).to_ascii_lowercase();
    let shape = shape.strip_prefix("page ").unwrap_or(&shape);
    matches!(shape, "#" | "#/#" | "# / #" | "# of #" | "- # -")
}

/// Blank out the page furniture of `lines` (a copy with form feeds between pages): at the top
/// and bottom [`FURNITURE_EDGE_LINES`] non-blank lines of each page, a page number, or a line that
/// has the same shape (digits aside) as a line at the same edge of another page. Form feeds are
/// removed. Returns the lines blanked, by index. Only a copy with two pages that are not blank has
/// furniture.
fn furniture(lines: &mut [String]) -> Vec<usize> {
    // Pages: runs of lines, a line starting with a form feed starting a page.
    let mut pages: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for (i, line) in lines.iter().enumerate() {
        if i > start && line.starts_with('\u{c}') {
            pages.push((start, i));
            start = i;
        }
    }
    if lines.is_empty() {
        return Vec::new();
    }
    pages.push((start, lines.len()));
    let blank = |l: &String| l.trim_matches(|c: char| c.is_whitespace()).is_empty();
    pages.retain(|&(a, b)| lines[a..b].iter().any(|l| !blank(l)));
    for line in lines.iter_mut() {
        if line.contains('\u{c}') {
            *line = line.replace('\u{c}', "");
        }
    }
    if pages.len() < 2 {
        return Vec::new();
    }
    let edge = |&(a, b): &(usize, usize), top: bool| -> Vec<usize> {
        let mut found: Vec<usize> = (a..b).filter(|&i| !blank(&lines[i])).collect();
        if !top {
            found.reverse();
        }
        found.truncate(FURNITURE_EDGE_LINES);
        found
    };
    let mut out = Vec::new();
    for top in [true, false] {
        let edges: Vec<Vec<(usize, String)>> = pages
            .iter()
            .map(|p| {
                edge(p, top)
                    .into_iter()
                    .map(|i| (i, furniture_shape(&lines[i])))
                    .collect()
            })
            .collect();
        // On how many pages each shape is at this edge.
        let mut pages_with: std::collections::HashMap<&str, usize> = Default::default();
        for page in &edges {
            let mut shapes: Vec<&str> = page.iter().map(|(_, s)| s.as_str()).collect();
            shapes.dedup();
            for shape in shapes {
                *pages_with.entry(shape).or_default() += 1;
            }
        }
        for (i, shape) in edges.iter().flatten() {
            if pages_with[shape.as_str()] >= 2 || is_page_number(&lines[*i]) {
                out.push(*i);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// One re-joined line break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    /// The 1-based line of the copy that the break ends.
    pub line: usize,
    /// A few characters each side of the break, with `|` for it: `mouse-|clicks` (soft hyphens
    /// left out).
    pub text: String,
    /// The break followed a soft hyphen (and its visible hyphen, if any, was dropped).
    pub soft_hyphen: bool,
}

/// The kinds of typographic form the reading maps (`docs/SPEC.md` §6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A Latin ligature U+FB00–U+FB06 (`ﬁ` → `fi`).
    Ligature,
    /// U+2010 HYPHEN or U+2011 NON-BREAKING HYPHEN (→ `-`).
    Hyphen,
    /// A Kangxi radical U+2F00–U+2FD5 (`⼈` → `人`), as PDF fonts emit for ideographs.
    KangxiRadical,
}

impl Form {
    /// A short phrase for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Form::Ligature => "ligatures",
            Form::Hyphen => "U+2010/U+2011 hyphens",
            Form::KangxiRadical => "Kangxi radicals",
        }
    }
}

/// How often one kind of form was mapped, and the first line where it occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormCount {
    /// The kind.
    pub form: Form,
    /// How many characters of it were mapped.
    pub count: usize,
    /// The 1-based line of the copy where the first one is.
    pub first_line: usize,
}

/// The form `c` is, and what the reading maps it to; `None` for every other character. Ligatures
/// and Kangxi radicals map by their compatibility decomposition (NFKD), the hyphens to U+002D.
fn form_of(c: char) -> Option<(Form, String)> {
    let form = match c {
        '\u{FB00}'..='\u{FB06}' => Form::Ligature,
        '\u{2F00}'..='\u{2FD5}' => Form::KangxiRadical,
        '\u{2010}' | '\u{2011}' => return Some((Form::Hyphen, "-".into())),
        _ => return None,
    };
    let mut mapped = String::new();
    decompose_compatible(c, |d| mapped.push(d));
    Some((form, mapped))
}

/// A hyphen a renderer draws at a line end, or that a text writes.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}')
}

/// Characters a break may follow, between letters or digits (`docs/SPEC.md` §6.2).
fn is_joining_mark(c: char) -> bool {
    is_hyphen(c) || matches!(c, '/' | '\u{2013}' | '\u{2014}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// The lines of `text`, each without its line ending, with whether one followed (LF, CR LF, CR).
fn lines(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find(['\n', '\r']) {
            Some(i) => {
                let ending = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                out.push((&rest[..i], &rest[i..i + ending]));
                rest = &rest[i + ending..];
            }
            None => {
                out.push((rest, ""));
                rest = "";
            }
        }
    }
    out
}

/// The token that ends `s` (after its last whitespace), at most its last [`TOKEN_LOOKBACK_CHARS`].
fn last_token(s: &str) -> &str {
    let mut start = 0;
    for (n, (i, c)) in s.char_indices().rev().enumerate() {
        if c.is_whitespace() {
            start = i + c.len_utf8();
            break;
        }
        if n == TOKEN_LOOKBACK_CHARS {
            start = i;
            break;
        }
    }
    &s[start..]
}

/// The token that starts `s` (before its first whitespace).
fn first_token(s: &str) -> &str {
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    &s[..end]
}

/// The last `n` characters of `s`.
fn tail(s: &str, n: usize) -> &str {
    let start = s.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i);
    &s[start..]
}

/// The first `n` characters of `s`.
fn head(s: &str, n: usize) -> &str {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// Whether UAX #14 allows a line break between `left` and `right` in the text `left right` written
/// without the break.
fn is_opportunity(left: &str, right: &str) -> bool {
    let (left, right) = (tail(left, CONTEXT_CHARS), head(right, CONTEXT_CHARS));
    let joined = format!("{left}{right}");
    let allowed =
        linebreaks(&joined).any(|(i, kind)| i == left.len() && kind == BreakOpportunity::Allowed);
    allowed
}

fn is_url(token: &str) -> bool {
    token.contains("://")
        || token
            .get(..4)
            .is_some_and(|s| s.eq_ignore_ascii_case("www."))
}

/// What to do with the break after `left` (the text so far, trailing blanks removed) before
/// `right` (the next line, leading blanks removed): `None` keeps it; `Some(n)` re-joins it after
/// dropping the last `n` bytes of `left` (a soft hyphen's visible hyphen).
fn rejoin(left: &str, right: &str) -> Option<(usize, bool)> {
    let mut rev = left.chars().rev();
    let b = rev.next()?;
    let before = rev.next();
    let a = right.chars().next()?;
    // A soft hyphen, and the hyphen drawn for it where the line ends.
    if b == SOFT_HYPHEN && before.is_some_and(char::is_alphabetic) && a.is_alphabetic() {
        return Some((0, true));
    }
    if is_hyphen(b) && before == Some(SOFT_HYPHEN) && a.is_alphabetic() {
        let letter = rev.next();
        return letter
            .is_some_and(char::is_alphabetic)
            .then_some((b.len_utf8(), true));
    }
    // After a hyphen, slash or dash between letters or digits: UAX #14 allows it before a letter;
    // before a digit it does not (HY × NU, SY × NU keep `-5` and `12/25` together for renderers),
    // but dumpers break there (`notices/⏎2026`), and the re-joined break hides no character.
    if is_joining_mark(b) && before.is_some_and(char::is_alphanumeric) && a.is_alphanumeric() {
        return Some((0, false));
    }
    let (l, r) = (last_token(left), first_token(right));
    (is_url(l) && is_opportunity(l, r)).then_some((0, false))
}

/// A few characters each side of a join, `|` for the break.
fn join_text(left: &str, right: &str) -> String {
    let shown = |s: &str| s.chars().filter(|c| *c != SOFT_HYPHEN).collect::<String>();
    format!(
        "{}|{}",
        shown(tail(last_token(left), 16)),
        shown(head(first_token(right), 16))
    )
}

/// Read `text` as a PDF extractor's or text dumper's output. `None` when the reading is the text
/// itself (no break to re-join, no form to map).
pub fn read(text: &str) -> Option<DumperReading> {
    // Page furniture first, blanked in place, then forms: neither adds or removes a line, so line
    // numbers stay the copy's.
    let paged = text.contains('\u{c}');
    let mut page_lines: Vec<String> = if paged {
        lines(text).iter().map(|(l, e)| format!("{l}{e}")).collect()
    } else {
        Vec::new()
    };
    let blanked = furniture(&mut page_lines);
    let mut furniture_lines = Vec::new();
    for &i in blanked.iter().take(MAX_RECORDED_JOINS) {
        furniture_lines.push(Furniture {
            line: i + 1,
            text: page_lines[i]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        });
    }
    for &i in &blanked {
        let ending_at = page_lines[i].trim_end_matches(['\n', '\r']).len();
        page_lines[i].replace_range(..ending_at, "");
    }
    let without_furniture = page_lines.concat();
    let text = if paged {
        without_furniture.as_str()
    } else {
        text
    };
    let (mapped, forms) = map_forms(text);
    let mut out = String::with_capacity(mapped.len());
    let mut joins = Vec::new();
    let mut join_count = 0;
    let all = lines(&mapped);
    let mut continues = false;
    let mut chat = Vec::new();
    let mut chat_count = 0;
    for (i, &(line, ending)) in all.iter().enumerate() {
        // A chat artefact is a paragraph of its own, joined to nothing.
        if is_chat_line(line) {
            chat_count += 1;
            if chat.len() < MAX_RECORDED_JOINS {
                chat.push(ChatLine {
                    line: i + 1,
                    text: line.trim().to_string(),
                });
            }
            out.push(PARAGRAPH_SEPARATOR);
            out.push_str(line);
            out.push(PARAGRAPH_SEPARATOR);
            out.push_str(ending);
            continues = false;
            continue;
        }
        // A line that continues a re-joined one loses its indentation.
        let line = if continues {
            line.trim_start_matches(is_blank)
        } else {
            line
        };
        out.push_str(line);
        continues = false;
        let next = all.get(i + 1).map(|(l, _)| l.trim_start_matches(is_blank));
        let kept = out.trim_end_matches(is_blank).len();
        let next_is_chat = all.get(i + 1).is_some_and(|(l, _)| is_chat_line(l));
        let Some(right) = next.filter(|n| !n.is_empty() && !next_is_chat) else {
            out.push_str(ending);
            continue;
        };
        if ending.is_empty() || line.trim_matches(is_blank).is_empty() {
            out.push_str(ending);
            continue;
        }
        match rejoin(&out[..kept], right) {
            Some((drop, soft_hyphen)) => {
                let end = kept - drop;
                join_count += 1;
                if joins.len() < MAX_RECORDED_JOINS {
                    joins.push(Join {
                        line: i + 1,
                        text: join_text(&out[..end], right),
                        soft_hyphen,
                    });
                }
                out.truncate(end);
                continues = true;
            }
            None => out.push_str(ending),
        }
    }
    let changed = join_count > 0 || !forms.is_empty() || !blanked.is_empty() || chat_count > 0;
    changed.then_some(DumperReading {
        text: out,
        joins,
        join_count,
        forms,
        furniture: furniture_lines,
        chat,
    })
}

/// Map the typographic forms of `text`, counting each kind.
fn map_forms(text: &str) -> (String, Vec<FormCount>) {
    let mut out = String::with_capacity(text.len());
    let mut forms: Vec<FormCount> = Vec::new();
    let mut line = 1;
    let mut after_cr = false;
    let mut previous = None;
    for c in text.chars() {
        match c {
            '\n' if after_cr => {}
            '\n' | '\r' => line += 1,
            _ => {}
        }
        after_cr = c == '\r';
        // The hyphen a renderer draws for a soft hyphen is dropped with its line break, not mapped.
        let drawn_for_soft_hyphen = previous == Some(SOFT_HYPHEN);
        previous = Some(c);
        match form_of(c).filter(|_| !drawn_for_soft_hyphen) {
            Some((form, mapped)) => {
                out.push_str(&mapped);
                match forms.iter_mut().find(|f| f.form == form) {
                    Some(f) => f.count += 1,
                    None => forms.push(FormCount {
                        form,
                        count: 1,
                        first_line: line,
                    }),
                }
            }
            None => out.push(c),
        }
    }
    (out, forms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str) -> String {
        read(text).map_or_else(|| text.to_string(), |r| r.text)
    }

    #[test]
    fn break_after_a_hyphen_between_letters_is_rejoined() {
        let r = read("eighteen mouse-\nclicks and").unwrap();
        assert_eq!(r.text, "eighteen mouse-clicks and");
        assert_eq!(r.joins.len(), 1);
        assert_eq!(r.joins[0].text, "mouse-|clicks");
        assert_eq!(r.joins[0].line, 1);
    }

    #[test]
    fn break_after_a_slash_between_letters_is_rejoined_with_indentation_and_trailing_spaces() {
        assert_eq!(joined("   rules and/  \n   or the"), "   rules and/or the");
    }

    #[test]
    fn break_between_two_letters_is_kept_inter_national_stays_two_words() {
        assert_eq!(read("inter\nnational"), None);
        assert_eq!(read("inter national"), None);
    }

    #[test]
    fn break_before_a_slash_or_hyphen_is_not_an_opportunity() {
        assert_eq!(read("and\n/or"), None);
        assert_eq!(read("full\n-text"), None);
    }

    #[test]
    fn hyphen_or_slash_before_a_digit_is_rejoined_though_uax14_has_no_break_there() {
        assert_eq!(joined("5550-\n0146"), "5550-0146");
        assert_eq!(joined("notices/\n2026"), "notices/2026");
    }

    #[test]
    fn hyphen_standing_alone_at_a_line_end_is_a_dash_not_a_word_break() {
        assert_eq!(read("Network -\nStatement"), None);
    }

    #[test]
    fn url_broken_after_a_question_mark_is_rejoined() {
        let r = read("see https://harbour.example/full-\ntext?\nlang=en now").unwrap();
        assert_eq!(r.text, "see https://harbour.example/full-text?lang=en now");
        assert_eq!(r.joins.len(), 2);
    }

    #[test]
    fn url_broken_between_letters_is_not_rejoined() {
        assert_eq!(read("https://harbour.e\nxample/"), None);
    }

    #[test]
    fn soft_hyphen_shown_at_a_line_end_drops_its_visible_hyphen() {
        let r = read("an ad\u{AD}min\u{AD}\u{2010}\nis\u{AD}tra\u{AD}tive body").unwrap();
        assert_eq!(r.text, "an ad\u{AD}min\u{AD}is\u{AD}tra\u{AD}tive body");
        assert!(r.joins[0].soft_hyphen);
        assert!(
            r.forms.is_empty(),
            "the dropped hyphen is not a mapped form"
        );
    }

    #[test]
    fn visible_hyphen_without_a_soft_hyphen_is_kept_re_cover_is_not_recover() {
        assert_eq!(joined("re-\ncover"), "re-cover");
        assert_eq!(joined("re\u{2010}\ncover"), "re-cover");
    }

    #[test]
    fn blank_line_between_is_a_paragraph_break_never_rejoined() {
        assert_eq!(read("mouse-\n\nclicks"), None);
    }

    #[test]
    fn ligatures_radicals_and_hyphens_are_mapped_and_counted() {
        let r = read("ﬁve\u{2011}year\n⼈民").unwrap();
        assert_eq!(r.text, "five-year\n人民");
        let kinds: Vec<Form> = r.forms.iter().map(|f| f.form).collect();
        assert_eq!(kinds, [Form::Ligature, Form::Hyphen, Form::KangxiRadical]);
        assert_eq!(r.forms[2].first_line, 2);
    }

    #[test]
    fn full_width_forms_superscripts_and_fractions_are_not_mapped() {
        assert_eq!(read("１２ x² ½ ①"), None);
    }

    #[test]
    fn millions_of_breaks_rejoined_into_one_token_cost_linear_time_and_bounded_memory() {
        let copy = "https://a.example/x-\n".repeat(400_000);
        let start = std::time::Instant::now();
        let r = read(&copy).unwrap();
        assert_eq!(r.join_count, 399_999);
        assert_eq!(r.joins.len(), MAX_RECORDED_JOINS);
        assert!(!r.text.contains('\n') || r.text.ends_with('\n'));
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn running_header_footer_and_page_numbers_between_pages_are_blanked() {
        let copy = "11/30/26 Statement\nOne two-\nthree four\n\nfile:///x.html 1/2\n\u{c}11/30/26 Statement\nfive six\n\nfile:///x.html 2/2\n\u{c}";
        let r = read(copy).unwrap();
        let lines: Vec<usize> = r.furniture.iter().map(|f| f.line).collect();
        assert_eq!(lines, [1, 5, 6, 9]);
        assert_eq!(r.text, "\nOne two-three four\n\n\n\nfive six\n\n\n");
    }

    #[test]
    fn page_number_alone_between_pages_is_furniture_but_a_numbered_line_is_not() {
        let r = read("First page text.\n- 1 -\n\u{c}2. Second item\nmore\n").unwrap();
        assert_eq!(r.furniture.len(), 1);
        assert_eq!(r.furniture[0].text, "- 1 -");
    }

    #[test]
    fn a_single_page_has_no_furniture() {
        assert_eq!(read("Header 1\nText\nFooter 1\n\u{c}"), None);
    }

    #[test]
    fn chat_artefacts_become_paragraphs_of_their_own() {
        let r = read("Forwarded from Harbour\nText of-\nit.\n[Photo]\nLi Qiaoyun, [20.05.26 09:31]\n李巧云 2026-05-20 09:31\n[图片]\n").unwrap();
        let lines: Vec<usize> = r.chat.iter().map(|c| c.line).collect();
        assert_eq!(lines, [1, 4, 5, 6, 7]);
        assert!(r
            .text
            .starts_with("\u{2029}Forwarded from Harbour\u{2029}\nText of-it.\n\u{2029}[Photo]"));
    }

    #[test]
    fn footnotes_times_in_sentences_and_long_lines_are_not_chat_artefacts() {
        for line in [
            "[1]",
            "The hearing opens at 10:30 on Monday and will last two days.",
            "Ratio 3:2",
            "Contact: Li Qiaoyun, media enquiries, +852 5550 0146",
            "[a long placeholder that is really a sentence]",
        ] {
            assert!(!is_chat_line(line), "{line}");
        }
    }

    #[test]
    fn crlf_breaks_are_rejoined_too() {
        assert_eq!(joined("and/\r\nor\r\nnext"), "and/or\r\nnext");
    }

    #[test]
    fn chained_breaks_inside_one_url_are_all_rejoined() {
        let r = read("https://a.example/\nstatements/\nfull").unwrap();
        assert_eq!(r.text, "https://a.example/statements/full");
        assert_eq!(r.joins.len(), 2);
        assert_eq!(r.joins[1].line, 2);
    }
}
