//! Hard and soft separators (`docs/SPEC.md` §2.10): which of a text's whitespace runs tell where
//! one name, number or item ends.
//!
//! Whitespace folding (§2.3) lets a copy re-wrap prose, merge paragraphs and drop the spaces next to
//! CJK characters. Used alone it would also let a copy move a separator: `王力⏎宏伟` (two names)
//! and `王力宏⏎伟` have the same canonical text. So `sign` records the statement's *hard*
//! separators in the manifest, and `verify` calls a copy `reformatted` only if it keeps each of them
//! and adds none where the statement has no whitespace at all.
//!
//! - A **hard space** is a run of horizontal spaces, with no line break, between two unspaced
//!   characters (`王宇 李和平`, full-width `１２ ３４`): Chinese text has no spaces unless they mean
//!   something.
//! - A **hard line break** is a line break that ends a short line (a name in a signature block, a
//!   list item, an address line) or a paragraph break, unless punctuation already separates the two
//!   sides. A line break that ends a *full* line (the next word would not have fitted) is a soft
//!   wrap of running prose.
//!
//! This is a separate pass over the text, run only where it is needed (by `sign`, and by `verify`
//! when a copy has a statement's canonical digest), so hashing stays as fast as before.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::classes::{
    fold_quote, is_ignorable, is_line_break, is_starter, is_unspaced, is_whitespace, join_between,
    nfc_space,
};

/// A line whose lines are all narrower than this many columns is not wrapped prose: every line
/// break in it that punctuation does not explain is hard.
pub const MIN_WRAP_COLUMNS: u64 = 20;

/// The separators of a signed statement that a copy must respect, as a manifest stores them
/// (`canonical.separators`). Positions count token characters, as layout positions do (§2.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Separators {
    /// Hard line breaks: a copy must break the line here.
    pub hard_line_breaks: Vec<u64>,
    /// Hard spaces: a copy must have whitespace here.
    pub hard_spaces: Vec<u64>,
    /// Soft whitespace that the canonical text does not show (a wrap or a space next to an unspaced
    /// character): a copy may have a separator here, or not.
    pub soft_gaps: Vec<u64>,
}

/// One whitespace run between two tokens of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// Token characters before it.
    pub pos: u64,
    /// Whether it holds a line break.
    pub line_break: bool,
    /// Whether it is a hard separator.
    pub hard: bool,
    /// Whether the canonical text shows it (a space or a paragraph break).
    pub shown: bool,
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
    /// The hard separators, and the soft gaps the canonical text does not show.
    pub fn from_gaps(gaps: &[Gap]) -> Separators {
        let mut s = Separators::default();
        for g in gaps {
            match (g.hard, g.line_break, g.shown) {
                (true, true, _) => s.hard_line_breaks.push(g.pos),
                (true, false, _) => s.hard_spaces.push(g.pos),
                (false, _, false) => s.soft_gaps.push(g.pos),
                (false, _, true) => {}
            }
        }
        s
    }

    /// Whether the lists are well formed for a text of `tokens` token characters whose canonical
    /// text shows whitespace at the positions `shown`: each strictly increasing, inside the text,
    /// no position twice, and spaces and soft gaps only where the canonical text shows none.
    pub fn problems(&self, tokens: u64, shown: &[u64]) -> Option<String> {
        let lists = [
            ("hard_line_breaks", &self.hard_line_breaks),
            ("hard_spaces", &self.hard_spaces),
            ("soft_gaps", &self.soft_gaps),
        ];
        for (name, list) in lists {
            if list.windows(2).any(|w| w[0] >= w[1]) {
                return Some(format!("separators.{name} is not in increasing order"));
            }
            if list.iter().any(|&p| p == 0 || p >= tokens) {
                return Some(format!("separators.{name} has a position outside the text"));
            }
        }
        let mut all: Vec<u64> = lists.iter().flat_map(|(_, l)| l.iter().copied()).collect();
        all.sort_unstable();
        if all.windows(2).any(|w| w[0] == w[1]) {
            return Some("separators lists a position twice".into());
        }
        let unshown = self.hard_spaces.iter().chain(&self.soft_gaps);
        if unshown.into_iter().any(|p| shown.binary_search(p).is_ok()) {
            return Some(
                "separators lists a space or soft gap where the canonical text has whitespace"
                    .into(),
            );
        }
        None
    }
}

/// The token characters of a canonical text, and the positions where it shows whitespace (a space
/// or a paragraph break), in order.
pub fn shown_gaps(canonical_text: &str) -> (u64, Vec<u64>) {
    let mut pos = 0;
    let mut shown = Vec::new();
    for c in canonical_text.chars() {
        if c == ' ' || c == '\n' {
            if shown.last() != Some(&pos) {
                shown.push(pos);
            }
        } else if is_starter(c) {
            pos += 1;
        }
    }
    (pos, shown)
}

/// How a copy fails to respect one of the statement's separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// The statement breaks the line here (a hard line break); the copy does not.
    LineBreakLost,
    /// The statement has a hard space here; the copy has no whitespace.
    SpaceLost,
    /// The copy has a hard separator where the statement has no whitespace at all.
    SeparatorAdded,
}

/// Where a copy with a statement's canonical text does not respect the statement's separators
/// (docs/SPEC.md §2.10), by position.
pub fn mismatches(
    statement_text: &str,
    statement: &Separators,
    copy: &[Gap],
) -> Vec<(u64, Mismatch)> {
    let (_, shown) = shown_gaps(statement_text);
    let copy_gap = |p: u64| {
        copy.binary_search_by_key(&p, |g| g.pos)
            .ok()
            .map(|i| copy[i])
    };
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
    let in_statement = |p: &u64| {
        shown.binary_search(p).is_ok()
            || statement.hard_line_breaks.binary_search(p).is_ok()
            || statement.hard_spaces.binary_search(p).is_ok()
            || statement.soft_gaps.binary_search(p).is_ok()
    };
    for g in copy.iter().filter(|g| g.hard && !in_statement(&g.pos)) {
        out.push((g.pos, Mismatch::SeparatorAdded));
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

/// A run between two tokens, as the scan first sees it (classified once every line is measured).
struct PendingRun {
    pos: u64,
    line_breaks: u32,
    before: char,
    /// The token before ends with separating punctuation (closing marks aside).
    punctuated: bool,
    /// Columns of the line the run ends (for a run with a line break), and whether that line is
    /// mostly unspaced characters.
    line_columns: u64,
    line_wide: bool,
    after: char,
    /// Columns of the first unit after the run: one unspaced character, or the letters up to the
    /// next unspaced character or whitespace.
    unit_columns: u64,
}

#[derive(Default)]
struct Scan {
    runs: Vec<PendingRun>,
    /// Widest line of mostly unspaced characters, and widest other line.
    widest_wide: u64,
    widest_narrow: u64,
}

/// The current line: its columns up to its last token character, and how many of those are
/// unspaced characters.
#[derive(Default, Clone, Copy)]
struct Line {
    columns: u64,
    token_columns: u64,
    unspaced_columns: u64,
    token_unspaced_columns: u64,
}

impl Line {
    fn wide(&self) -> bool {
        2 * self.token_unspaced_columns >= self.token_columns && self.token_columns > 0
    }
}

impl Scan {
    fn end_line(&mut self, line: &Line) {
        if line.token_columns == 0 {
            return;
        }
        let widest = if line.wide() {
            &mut self.widest_wide
        } else {
            &mut self.widest_narrow
        };
        *widest = (*widest).max(line.token_columns);
    }

    fn run(mut self, y: &str) -> Vec<Gap> {
        let mut line = Line::default();
        let mut pos: u64 = 0;
        // The open run: its line breaks, and whether it follows a token.
        let mut open: Option<PendingRun> = None;
        let mut last_token_char: Option<char> = None;
        let mut last_significant: Option<char> = None;
        // The run whose next unit is being measured, and whether the unit is complete.
        let mut measuring: Option<usize> = None;
        let mut prev_cr = false;
        let mut in_token = false;
        for c in y.chars() {
            if is_whitespace(c) {
                measuring = None;
                in_token = false;
                if let (None, Some(before)) = (&open, last_token_char) {
                    open = Some(PendingRun {
                        pos,
                        line_breaks: 0,
                        before,
                        punctuated: last_significant.is_some_and(is_separating_punctuation),
                        line_columns: line.token_columns,
                        line_wide: line.wide(),
                        after: ' ',
                        unit_columns: 0,
                    });
                }
                if is_line_break(c) {
                    let crlf = c == '\n' && prev_cr;
                    if !crlf {
                        self.end_line(&line);
                        if let Some(run) = &mut open {
                            if run.line_breaks == 0 {
                                run.line_columns = line.token_columns;
                                run.line_wide = line.wide();
                            }
                            run.line_breaks += if c == '\u{2029}' { 2 } else { 1 };
                        }
                        line = Line::default();
                    }
                } else {
                    line.columns += columns(c);
                    if is_unspaced(c) {
                        line.unspaced_columns += columns(c);
                    }
                }
                prev_cr = c == '\r';
                continue;
            }
            prev_cr = false;
            if let Some(mut run) = open.take() {
                run.after = c;
                self.runs.push(run);
                measuring = Some(self.runs.len() - 1);
            }
            if let Some(i) = measuring {
                let run = &mut self.runs[i];
                if is_unspaced(c) {
                    if run.unit_columns == 0 {
                        run.unit_columns = columns(c);
                    }
                    measuring = None;
                } else {
                    run.unit_columns += columns(c);
                }
            }
            line.columns += columns(c);
            if is_unspaced(c) {
                line.unspaced_columns += columns(c);
            }
            line.token_columns = line.columns;
            line.token_unspaced_columns = line.unspaced_columns;
            if is_starter(c) {
                pos += 1;
            }
            // Punctuation is judged within one token: a new one starts after whitespace.
            if !in_token {
                last_significant = None;
                in_token = true;
            }
            if !is_closing_mark(c) {
                last_significant = Some(c);
            }
            last_token_char = Some(c);
        }
        self.end_line(&line);
        let runs = std::mem::take(&mut self.runs);
        runs.iter().map(|r| self.classify(r)).collect()
    }

    fn classify(&self, r: &PendingRun) -> Gap {
        let join = join_between(Some(r.before), Some(r.after));
        let shown = r.line_breaks >= 2 || join == " ";
        let hard = match r.line_breaks {
            0 => is_unspaced(r.before) && is_unspaced(r.after) && !r.punctuated,
            1 => !r.punctuated && !self.full_line(r, join),
            _ => !r.punctuated,
        };
        Gap {
            pos: r.pos,
            line_break: r.line_breaks > 0,
            hard,
            shown,
        }
    }

    /// Whether the line a run ends is full: the unit after it, with the join, would not have fitted
    /// within the widest line of its kind (less an eighth, for justified or hand-wrapped text).
    fn full_line(&self, r: &PendingRun, join: &str) -> bool {
        let widest = if r.line_wide {
            self.widest_wide
        } else {
            self.widest_narrow
        };
        if widest < MIN_WRAP_COLUMNS {
            return false;
        }
        let needed = r.line_columns + join.len() as u64 + r.unit_columns;
        needed > widest - widest / 8
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
        assert_eq!(s.soft_gaps, vec![10]);
        assert_eq!(s.problems(15, &[8]), None);
        let shown_space = Separators {
            soft_gaps: vec![8],
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
