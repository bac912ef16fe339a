//! Hard and soft separators (`docs/SPEC.md` §2.10): which of a text's whitespace runs tell where
//! one name, number or item ends.
//!
//! Whitespace folding (§2.3) lets a copy re-wrap prose, merge paragraphs and drop the spaces next to
//! CJK characters. Used alone it would also let a copy move a separator: `王力⏎宏伟` (two names)
//! and `王力宏⏎伟` have the same canonical text. So `sign` records the statement's separators in
//! the manifest, and `verify` calls a copy `reformatted` only if it keeps each *hard* one and adds
//! none where the statement has no whitespace, nor splits one of its short lines.
//!
//! - A **hard space** is a space, with no line break, where the canonical text shows none and that
//!   separates two items: between two unspaced characters (`王宇 李和平`), or between two digits or
//!   full-width letters (`１２ ３４`, `５０ 30`).
//! - A **hard line break** ends a short line (a name in a signature block, a list item, an address
//!   line) or a paragraph, unless punctuation already separates the two sides. Only a line in a
//!   paragraph of prose (one that ends with punctuation) can be *full*, a soft wrap.
//!
//! This is a separate pass over the text, run only where it is needed (by `sign`, and by `verify`
//! when a copy has a statement's words), so hashing stays as fast as before.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::classes::{
    fold_quote, is_ignorable, is_line_break, is_starter, is_unspaced, is_whitespace, join_between,
    nfc_space,
};

/// A text whose wrapped lines are all narrower than this many columns (or [`MIN_WRAP_CHARS`]
/// characters) is not wrapped prose: every line break in it that punctuation does not explain is
/// hard.
pub const MIN_WRAP_COLUMNS: u64 = 20;
/// See [`MIN_WRAP_COLUMNS`].
pub const MIN_WRAP_CHARS: u64 = 10;
/// A copy that breaks a statement line at one of its spaces regroups it when that line ends in a
/// hard break and is at most this many columns wide (`Alice Wong` → `Alice⏎Wong`).
pub const SHORT_LINE_COLUMNS: u64 = 40;

/// The separators of a signed statement, as a manifest stores them (`canonical.separators`).
/// Positions count token characters, as layout positions do (§2.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Separators {
    /// Hard line breaks: a copy must break the line here.
    pub hard_line_breaks: Vec<u64>,
    /// Hard spaces: a copy must have whitespace here.
    pub hard_spaces: Vec<u64>,
    /// Every other line break (soft wraps, paragraph breaks after punctuation).
    pub soft_line_breaks: Vec<u64>,
    /// Soft spaces that the canonical text does not show (next to an unspaced character).
    pub soft_spaces: Vec<u64>,
}

/// One whitespace run between two tokens of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// Token characters before it.
    pub pos: u64,
    /// Whether it holds a visible line break (LF, CR, LS, PS).
    pub line_break: bool,
    /// Whether it is a hard separator.
    pub hard: bool,
    /// Whether the canonical text shows it (a space or a paragraph break).
    pub shown: bool,
    /// Whether a reader hardly sees it: only NEL, VT, FF or the thinnest spaces. A weak gap is
    /// never a separator in a copy.
    pub weak: bool,
}

/// The gaps of a text, in order.
pub fn gaps(input: &str) -> Vec<Gap> {
    let y = mapped_nfc(input);
    Scan::default().run(&y)
}

/// The separators of a text that a manifest records.
pub fn separators(input: &str) -> Separators {
    Separators::from_gaps(&gaps(input))
}

impl Separators {
    /// The separators of a text, from its gaps.
    pub fn from_gaps(gaps: &[Gap]) -> Separators {
        let mut s = Separators::default();
        for g in gaps {
            match (g.hard, g.line_break, g.shown) {
                (true, true, _) => s.hard_line_breaks.push(g.pos),
                (true, false, _) => s.hard_spaces.push(g.pos),
                (false, true, _) => s.soft_line_breaks.push(g.pos),
                (false, false, false) => s.soft_spaces.push(g.pos),
                (false, false, true) => {}
            }
        }
        s
    }

    fn lists(&self) -> [(&'static str, &Vec<u64>); 4] {
        [
            ("hard_line_breaks", &self.hard_line_breaks),
            ("hard_spaces", &self.hard_spaces),
            ("soft_line_breaks", &self.soft_line_breaks),
            ("soft_spaces", &self.soft_spaces),
        ]
    }

    /// What is wrong with the lists for a text of `tokens` token characters whose canonical text
    /// shows whitespace at the positions `shown`: each must be strictly increasing and inside the
    /// text, no position may be listed twice, and spaces only where the canonical text shows none.
    pub fn problems(&self, tokens: u64, shown: &[u64]) -> Option<String> {
        for (name, list) in self.lists() {
            if list.windows(2).any(|w| w[0] >= w[1]) {
                return Some(format!("separators.{name} is not in increasing order"));
            }
            if list.iter().any(|&p| p == 0 || p >= tokens) {
                return Some(format!("separators.{name} has a position outside the text"));
            }
        }
        let mut all: Vec<u64> = self
            .lists()
            .iter()
            .flat_map(|(_, l)| l.iter().copied())
            .collect();
        all.sort_unstable();
        if all.windows(2).any(|w| w[0] == w[1]) {
            return Some("separators lists a position twice".into());
        }
        let spaces = self.hard_spaces.iter().chain(&self.soft_spaces);
        if spaces.into_iter().any(|p| shown.binary_search(p).is_ok()) {
            return Some(
                "separators lists a space where the canonical text already shows whitespace".into(),
            );
        }
        None
    }
}

/// The token characters of a canonical text, the positions where it shows whitespace (a space or
/// a paragraph break), in order, and the positions of its paragraph breaks.
pub fn shown_gaps(canonical_text: &str) -> (u64, Vec<u64>) {
    // Audit checks every manifest's separators with this: no column table.
    let shape = Shape::of(canonical_text, false);
    (shape.tokens, shape.shown)
}

/// What a canonical text shows: its token count, where it shows whitespace and paragraph breaks,
/// and the columns before each token character.
struct Shape {
    tokens: u64,
    shown: Vec<u64>,
    paragraphs: Vec<u64>,
    /// `columns[i]`: columns of the text before token character `i` (a shown space is one column);
    /// only `[0, total]` unless asked for.
    columns: Vec<u64>,
}

impl Shape {
    fn of(canonical_text: &str, with_columns: bool) -> Shape {
        let mut shape = Shape {
            tokens: 0,
            shown: Vec::new(),
            paragraphs: Vec::new(),
            columns: vec![0],
        };
        let mut width = 0;
        for c in canonical_text.chars() {
            if c == ' ' || c == '\n' {
                if shape.shown.last() != Some(&shape.tokens) {
                    shape.shown.push(shape.tokens);
                    if c == ' ' {
                        width += 1;
                    }
                }
                if c == '\n' && shape.paragraphs.last() != Some(&shape.tokens) {
                    shape.paragraphs.push(shape.tokens);
                }
            } else if is_starter(c) {
                if shape.tokens > 0 && with_columns {
                    shape.columns.push(width);
                }
                shape.tokens += 1;
                width += columns(c);
            }
        }
        shape.columns.push(width);
        shape
    }
}

/// How a copy fails to respect one of the statement's separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// The statement breaks the line here (a hard line break); the copy does not.
    LineBreakLost,
    /// The statement has a hard space here; the copy has no whitespace.
    SpaceLost,
    /// The copy has a hard separator where the statement has no whitespace at all, or breaks one
    /// of the statement's short lines at a space.
    SeparatorAdded,
}

/// Where a copy with a statement's canonical text does not respect the statement's separators
/// (docs/SPEC.md §2.10), by position.
pub fn mismatches(
    statement_text: &str,
    statement: &Separators,
    copy: &[Gap],
) -> Vec<(u64, Mismatch)> {
    let shape = Shape::of(statement_text, true);
    // A weak gap (NEL, VT, FF, a hair space) separates nothing a reader sees.
    let copy_gap = |p: u64| {
        copy.binary_search_by_key(&p, |g| g.pos)
            .ok()
            .map(|i| copy[i])
            .filter(|g| !g.weak)
    };
    let has = |list: &[u64], p: u64| list.binary_search(&p).is_ok();
    let mut out = Vec::new();
    for &p in &statement.hard_line_breaks {
        if !copy_gap(p).is_some_and(|g| g.line_break) {
            out.push((p, Mismatch::LineBreakLost));
        }
    }
    for &p in &statement.hard_spaces {
        if copy_gap(p).is_none() {
            out.push((p, Mismatch::SpaceLost));
        }
    }
    let mut breaks: Vec<u64> = statement
        .hard_line_breaks
        .iter()
        .chain(&statement.soft_line_breaks)
        .chain(&shape.paragraphs)
        .copied()
        .collect();
    breaks.sort_unstable();
    breaks.dedup();
    let statement_has_whitespace = |p: u64| {
        has(&shape.shown, p)
            || has(&breaks, p)
            || has(&statement.hard_spaces, p)
            || has(&statement.soft_spaces, p)
    };
    // The statement line around `p` ends with a hard break and is short: `Alice Wong` in a list.
    let inside_short_hard_line = |p: u64| {
        let at = breaks.partition_point(|&b| b < p);
        let start = if at == 0 { 0 } else { breaks[at - 1] };
        let (end, hard_end) = match breaks.get(at) {
            Some(&b) => (b, has(&statement.hard_line_breaks, b)),
            None => (shape.tokens, true),
        };
        let width = shape.columns[end as usize] - shape.columns[start as usize];
        hard_end && width <= SHORT_LINE_COLUMNS
    };
    for g in copy.iter().filter(|g| g.hard && !g.weak) {
        let added = !statement_has_whitespace(g.pos)
            || (g.line_break && !has(&breaks, g.pos) && inside_short_hard_line(g.pos));
        if added {
            out.push((g.pos, Mismatch::SeparatorAdded));
        }
    }
    out.sort_by_key(|(p, _)| *p);
    out
}

/// Step 1 (without the suspicious-character report) and step 2 of §2.3: the text *Y* whose runs
/// step 3 folds.
fn mapped_nfc(input: &str) -> String {
    let mapped: String = input
        .chars()
        .filter(|&c| !is_ignorable(c))
        .map(|c| {
            if is_whitespace(c) {
                nfc_space(c)
            } else {
                fold_quote(c).unwrap_or(c)
            }
        })
        .collect();
    if is_nfc_quick(mapped.chars()) == IsNormalized::Yes {
        mapped
    } else {
        mapped.nfc().collect()
    }
}

/// Columns a character takes in a plain-text line: 2 for an unspaced (CJK, full-width) character,
/// 0 for a combining mark, 1 otherwise.
fn columns(c: char) -> u64 {
    if !is_starter(c) {
        0
    } else if is_unspaced(c) {
        2
    } else {
        1
    }
}

/// Whitespace a reader hardly sees, which never separates (§2.10): NEL, VT and FF (most programs
/// show no line break for them) and the thinnest spaces.
fn is_weak_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{0085}' | '\u{000B}' | '\u{000C}' | '\u{2006}' | '\u{2008}' | '\u{2009}' | '\u{200A}'
    )
}

/// Punctuation that separates what comes before it from what comes after, so that a line break
/// after it regroups nothing (`docs/SPEC.md` §2.10).
fn is_separating_punctuation(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '…'
            | '。'
            | '，'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '．'
            | '｡'
            | '､'
    )
}

/// Closing marks looked through when asking whether a token ends with separating punctuation
/// (`delay.")`).
fn is_closing_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '»'
            | '›'
            | '」'
            | '』'
            | ')'
            | ']'
            | '）'
            | '］'
            | '】'
            | '〕'
            | '》'
            | '〉'
            | '〗'
            | '〙'
            | '〛'
            | '｣'
    )
}

/// A full-width Latin letter or digit (U+FF10–U+FF19, U+FF21–U+FF3A, U+FF41–U+FF5A).
fn is_fullwidth_alphanumeric(c: char) -> bool {
    matches!(c, '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
}

/// How a line ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineEnd {
    /// A run with exactly one visible line break: the line may be a wrap.
    Single,
    /// A paragraph break, or the end of the text.
    Last,
}

/// One line of *Y*, measured from its first token character to its last.
#[derive(Default, Clone, Copy)]
struct Line {
    columns: u64,
    chars: u64,
    unspaced_columns: u64,
    /// Columns and characters up to the last token character seen so far.
    token_columns: u64,
    token_chars: u64,
    token_unspaced: u64,
    started: bool,
}

impl Line {
    fn add(&mut self, c: char, token: bool) {
        if !token && !self.started {
            return;
        }
        self.started = true;
        self.columns += columns(c);
        self.chars += u64::from(is_starter(c));
        if is_unspaced(c) {
            self.unspaced_columns += columns(c);
        }
        if token {
            self.token_columns = self.columns;
            self.token_chars = self.chars;
            self.token_unspaced = self.unspaced_columns;
        }
    }

    fn wide(&self) -> bool {
        self.token_columns > 0 && 2 * self.token_unspaced >= self.token_columns
    }
}

/// A run between two tokens, as the scan first sees it (classified once every line is measured).
struct PendingRun {
    pos: u64,
    /// Visible line breaks (CR LF once, PS twice).
    line_breaks: u32,
    /// Any whitespace other than weak whitespace.
    visible: bool,
    before: char,
    /// The token before ends with separating punctuation (closing marks aside), not between
    /// two digits.
    punctuation: Option<char>,
    /// The character before that punctuation.
    before_punctuation: Option<char>,
    /// The line the run ends (for a run with a line break): its width, in columns and characters,
    /// and whether it is mostly unspaced characters.
    line: Line,
    paragraph: usize,
    after: char,
    /// The first unit after the run: one unspaced character, or the characters up to the next
    /// unspaced character or whitespace; in columns and characters.
    unit_columns: u64,
    unit_chars: u64,
}

impl PendingRun {
    fn punctuated(&self) -> bool {
        let between_digits =
            self.before_punctuation.is_some_and(|c| c.is_numeric()) && self.after.is_numeric();
        self.punctuation.is_some() && !between_digits
    }
}

#[derive(Default)]
struct Scan {
    runs: Vec<PendingRun>,
    /// Widest wrapped line (one followed by a single line break) of mostly unspaced characters, and
    /// of other characters, in columns and in characters.
    widest: [(u64, u64); 2],
    /// Whether each paragraph's last token ends with separating punctuation: it is prose.
    prose: Vec<bool>,
}

impl Scan {
    fn end_line(&mut self, line: &Line, end: LineEnd) {
        if line.token_columns == 0 || end != LineEnd::Single {
            return;
        }
        let w = &mut self.widest[usize::from(line.wide())];
        w.0 = w.0.max(line.token_columns);
        w.1 = w.1.max(line.token_chars);
    }

    fn run(mut self, y: &str) -> Vec<Gap> {
        let mut line = Line::default();
        let mut pos: u64 = 0;
        let mut open: Option<PendingRun> = None;
        let mut last_token_char: Option<char> = None;
        // The last character of the current token that is not a closing mark, and the one before.
        let mut significant: (Option<char>, Option<char>) = (None, None);
        let mut measuring: Option<usize> = None;
        let mut prev_cr = false;
        let mut in_token = false;
        for c in y.chars() {
            if is_whitespace(c) {
                measuring = None;
                in_token = false;
                if let (None, Some(before)) = (&open, last_token_char) {
                    let punctuation = significant.0.filter(|&p| is_separating_punctuation(p));
                    open = Some(PendingRun {
                        pos,
                        line_breaks: 0,
                        visible: false,
                        before,
                        punctuation,
                        before_punctuation: punctuation.and(significant.1),
                        line,
                        paragraph: self.prose.len(),
                        after: ' ',
                        unit_columns: 0,
                        unit_chars: 0,
                    });
                }
                let visible_break = is_line_break(c) && !is_weak_whitespace(c);
                if visible_break {
                    let crlf = c == '\n' && prev_cr;
                    if !crlf {
                        let breaks = open.as_ref().map_or(0, |r| r.line_breaks)
                            + if c == '\u{2029}' { 2 } else { 1 };
                        if let Some(run) = &mut open {
                            if run.line_breaks == 0 {
                                run.line = line;
                            }
                            run.line_breaks = breaks;
                        }
                        // A line ends here; whether it was the last of its paragraph is known
                        // only at the next token, so it is measured when the run closes.
                        line = Line::default();
                    }
                } else {
                    line.add(c, false);
                }
                if !is_weak_whitespace(c) {
                    if let Some(run) = &mut open {
                        run.visible = true;
                    }
                }
                prev_cr = c == '\r';
                continue;
            }
            prev_cr = false;
            if let Some(mut run) = open.take() {
                run.after = c;
                if run.line_breaks >= 1 {
                    let end = if run.line_breaks == 1 {
                        LineEnd::Single
                    } else {
                        LineEnd::Last
                    };
                    self.end_line(&run.line, end);
                }
                if run.line_breaks >= 2 {
                    self.prose.push(run.punctuation.is_some());
                }
                self.runs.push(run);
                measuring = Some(self.runs.len() - 1);
            }
            if let Some(i) = measuring {
                let run = &mut self.runs[i];
                if is_unspaced(c) {
                    if run.unit_columns == 0 {
                        run.unit_columns = columns(c);
                        run.unit_chars = 1;
                    }
                    measuring = None;
                } else {
                    run.unit_columns += columns(c);
                    run.unit_chars += u64::from(is_starter(c));
                }
            }
            line.add(c, true);
            if is_starter(c) {
                pos += 1;
            }
            if !in_token {
                significant = (None, None);
                in_token = true;
            }
            if !is_closing_mark(c) {
                significant = (Some(c), significant.0);
            }
            last_token_char = Some(c);
        }
        // The text's last paragraph.
        let last_punctuated = significant.0.is_some_and(is_separating_punctuation);
        self.prose.push(last_punctuated);
        let runs = std::mem::take(&mut self.runs);
        runs.iter().map(|r| self.classify(r)).collect()
    }

    fn classify(&self, r: &PendingRun) -> Gap {
        let join = join_between(Some(r.before), Some(r.after));
        let shown = r.line_breaks >= 2 || join == " ";
        let weak = !r.visible;
        let (b, a) = (r.before, r.after);
        let items_apart = (is_unspaced(b) && is_unspaced(a))
            || (b.is_numeric() && a.is_numeric())
            || (is_fullwidth_alphanumeric(b) && a.is_ascii_alphanumeric())
            || (b.is_ascii_alphanumeric() && is_fullwidth_alphanumeric(a));
        let hard = match r.line_breaks {
            _ if weak => false,
            0 => join.is_empty() && items_apart && !r.punctuated(),
            1 => {
                let prose = self.prose.get(r.paragraph).copied().unwrap_or(false);
                !(r.punctuated() || prose && self.full_line(r, join))
            }
            _ => !r.punctuated(),
        };
        Gap {
            pos: r.pos,
            line_break: r.line_breaks > 0,
            hard,
            shown,
            weak,
        }
    }

    /// Whether the line a run ends is full: the unit after it, with the join, would not have fitted
    /// within the widest wrapped line of its kind (less an eighth, for text wrapped by hand or by
    /// a proportional font), measured in columns or in characters.
    fn full_line(&self, r: &PendingRun, join: &str) -> bool {
        let (widest_columns, widest_chars) = self.widest[usize::from(r.line.wide())];
        let join = join.len() as u64;
        let by_columns = widest_columns >= MIN_WRAP_COLUMNS
            && r.line.token_columns + join + r.unit_columns > widest_columns - widest_columns / 8;
        let by_chars = widest_chars >= MIN_WRAP_CHARS
            && r.line.token_chars + join + r.unit_chars > widest_chars - widest_chars / 8;
        by_columns || by_chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hard(text: &str) -> Vec<(u64, bool)> {
        gaps(text)
            .into_iter()
            .filter(|g| g.hard)
            .map(|g| (g.pos, g.line_break))
            .collect()
    }

    /// The four regroupings: each original has a hard separator where its copy has none.
    #[test]
    fn names_and_numbers_have_hard_separators() {
        // 联署人：| 王力 | 宏伟: the colon explains the first break, the short line the second.
        assert_eq!(hard("联署人：\n王力\n宏伟\n"), vec![(6, true)]);
        assert_eq!(hard("联署人：\n王力宏\n伟\n"), vec![(7, true)]);
        assert_eq!(hard("王宇 李和平 江天勇"), vec![(2, false), (5, false)]);
        assert_eq!(hard("王宇李和平江 天勇"), vec![(6, false)]);
        assert_eq!(hard("Contact: Alice Wong\n\nBob Lee"), vec![(17, true)]);
        assert_eq!(hard("Contact: Alice\n\nWong Bob Lee"), vec![(13, true)]);
        assert_eq!(hard("１２ ３４"), vec![(2, false)]);
    }

    #[test]
    fn wrapped_prose_has_no_hard_separator() {
        let english = "We write about three members of the legal profession in Jinlan who\n\
                       have been held since 14 January 2026: Ms Wen Shuhan, Mr Qi Zhengyang\n\
                       and Mr Qiao Mubai. In the months before they were taken into custody,\n\
                       all three represented clients in land-expropriation and unpaid-wages\n\
                       cases.\n";
        assert_eq!(hard(english), vec![]);
        let chinese = "一、我们就锦澜市三名法律界人士自2026年1月14日起被羁押一事致函各位。温书\n\
                       涵女士、祁正阳先生和乔慕白先生在被羁押前的数月内，曾在征地补偿和拖欠工资\n\
                       案件中为当事人提供代理。至今三人均未被控以任何罪名，其家属亦未收到任何关\n\
                       于羁押地点或法律依据的书面通知。\n";
        assert_eq!(hard(chinese), vec![]);
    }

    #[test]
    fn punctuation_makes_a_break_soft() {
        assert_eq!(hard("王力，\n宏伟。\n\n李和平"), vec![]);
        assert_eq!(hard("He said \"stop.\"\nThen left"), vec![]);
        // A closing mark alone does not separate.
        assert_eq!(hard("（王力）\n宏伟"), vec![(4, true)]);
    }

    #[test]
    fn signature_lines_are_hard_in_a_document_of_long_lines() {
        let text = "This letter is published in English and Chinese. Copies that differ from\n\
                    the text published by the Network should not be relied on.\n\n\
                    Evelyn Fung Wai-lam, Convenor\n\
                    Tobias Ng Siu-fai, Secretary\n";
        let gaps = gaps(text);
        let hard: Vec<_> = gaps.iter().filter(|g| g.hard).collect();
        assert_eq!(hard.len(), 1, "{gaps:?}");
        assert!(hard[0].line_break);
    }

    #[test]
    fn separators_record_soft_gaps_the_text_does_not_show() {
        let s = separators("我们 要\n求立即释放\n\n律师 Zhang");
        assert_eq!(s.hard_spaces, vec![2]);
        // The break after 要 (a short line in a short text) is hard; 放|律 is a paragraph break
        // without punctuation, hard too; 师 Zhang is a soft space next to CJK.
        assert_eq!(s.hard_line_breaks, vec![3, 8]);
        assert_eq!(s.soft_spaces, vec![10]);
        assert_eq!(s.problems(15, &[8]), None);
        let shown_space = Separators {
            soft_spaces: vec![8],
            ..Separators::default()
        };
        assert!(shown_space.problems(15, &[8]).is_some());
        let unordered = Separators {
            hard_spaces: vec![3, 2],
            ..Separators::default()
        };
        assert!(unordered.problems(15, &[]).is_some());
        let outside = Separators {
            hard_line_breaks: vec![15],
            ..Separators::default()
        };
        assert!(outside.problems(15, &[]).is_some());
    }
}
