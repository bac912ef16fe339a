//! Comparing a copy with a signed statement whose canonical digest it does not share: is it the whole
//! statement inside other material (`embedded`), an unaltered part of it (`excerpt`), or an altered
//! version (`modified`, with each change)? Pure: works on two canonical texts.
//!
//! Both texts are cut into *units*: words of spaced scripts (split at the canonical spaces), and
//! single characters of unspaced scripts (CJK has no spaces between words, so one changed character
//! is one changed unit). Units are aligned with Myers' diff on their exact text: a change of any
//! character, digit, look-alike letter or invisible control changes its unit.

use std::collections::HashSet;
use std::hash::{Hash, Hasher as _};
use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag};

use crate::canon::separators::{mismatches, Gap, Separators};
use crate::canon::{is_unspaced, paragraph_ranges};
use serde::{Deserialize, Serialize};

/// What happened to a passage of the signed statement in the copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The copy has other text in place of the signed text.
    Altered,
    /// The copy has text where the signed statement has none.
    Inserted,
    /// The copy lacks signed text.
    Removed,
    /// The copy has the signed words, but a separator between names, numbers or items has moved,
    /// vanished or appeared (docs/SPEC.md §2.10): `王力|宏伟` against `王力宏|伟`.
    Separator,
}

impl ChangeKind {
    /// The kind's name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Altered => "altered",
            ChangeKind::Inserted => "inserted",
            ChangeKind::Removed => "removed",
            ChangeKind::Separator => "separator",
        }
    }
}

impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One altered, inserted or removed passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Altered, inserted or removed.
    pub kind: ChangeKind,
    /// The signed text (empty for an insertion).
    pub original: String,
    /// The copy's text (empty for a removal).
    pub copy: String,
    /// 1-based paragraph of the signed statement where it occurs.
    pub paragraph: usize,
    /// A few words of the signed text just before the change.
    pub before: String,
    /// A few words of the signed text just after the change.
    pub after: String,
}

/// The passages of a statement that a copy has unaltered, and where they sit in the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedPassage {
    /// 1-based paragraph of the statement where the passage begins.
    pub paragraph: usize,
    /// 1-based paragraph of the statement where it ends.
    pub last_paragraph: usize,
    /// Byte offset in the statement's canonical text where it begins.
    pub start: usize,
    /// Byte offset in the statement's canonical text where it ends.
    pub end: usize,
    /// Its length in units (words, or characters of unspaced scripts).
    pub units: usize,
    /// The statement's text of the passage, shortened to its first and last words when longer than
    /// [`MAX_PASSAGE_CHARS`] characters.
    pub text: String,
    /// Whether `text` was shortened (`start..end` still gives the whole passage).
    pub truncated: bool,
}

// The correspondence rule (docs/SPEC.md §6 step 7). A copy corresponds to a statement only when
// the passage they share is long enough to be a quotation rather than a stock phrase, and large
// enough, as a share of the statement *and* of the copy, that one is visibly taken from the
// other. Calibrated on unrelated real texts that share boilerplate (tests/correspondence.rs; the
// figures are in SPEC).

/// Fewest units in the longest unaltered run the copy shares with the statement (or a third of
/// the statement, if that is fewer: one changed word in the middle of a short statement leaves
/// runs of half of it). Licence boilerplate reaches runs of 150 words between unrelated texts,
/// so this bound alone never makes a correspondence; it rules out short coincidences.
pub const MIN_RUN_UNITS: usize = 12;
/// Fewest unaltered units, as a share of the statement's units. Copyright notices made mostly of
/// a licence's standard paragraph reach 7.1% of the licence.
pub const MIN_STATEMENT_SHARE: f64 = 0.1;
/// Fewest unaltered units, as a share of the copy's units: a short statement whose stock closing
/// is most of it is not found in a long text that shares only that closing.
pub const MIN_COPY_SHARE: f64 = 0.1;
/// The larger of the two shares must reach this: one text is mostly made of the other. Unrelated
/// licences derived from one another (LGPL-2.1 and GPL-2) reach 41%.
pub const MIN_MAJOR_SHARE: f64 = 0.5;
/// Within the part of the statement the copy covers, at least this share must be unaltered for
/// the copy to be a modified version rather than another text that shares phrases.
pub const MIN_UNALTERED_SHARE: f64 = 0.5;
/// A copy that has at least this share of the statement unaltered presents itself as the
/// statement: other material where the rest of the statement was takes its place (a change), and
/// is never the surrounding text of an excerpt.
pub const MAX_EXCERPT_SHARE: f64 = 1.0 / 3.0;
/// A phrase of at least this many units shared with a statement the copy does not correspond to
/// is named in a "similar phrases" warning.
pub const MIN_SIMILAR_PHRASE_UNITS: usize = 6;
/// Longest text of a [`MatchedPassage`], in characters.
pub const MAX_PASSAGE_CHARS: usize = 240;
/// At most this many matched passages are listed.
pub const MAX_MATCHED_PASSAGES: usize = 20;
/// Longest time spent aligning one pair of texts; past it the alignment is coarser, never wrong.
const ALIGN_DEADLINE: Duration = Duration::from_secs(2);
/// Units of context shown on each side of a change.
const CONTEXT_UNITS: usize = 6;

/// A unit of a canonical text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit<'a> {
    /// Its text.
    pub text: &'a str,
    /// Byte range in the canonical text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// 0-based paragraph.
    pub paragraph: usize,
}

/// Cut a canonical text into units.
pub fn units(text: &str) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    for (paragraph, range) in paragraph_ranges(text).into_iter().enumerate() {
        let para = &text[range.clone()];
        let mut offset = range.start;
        for word in para.split(' ') {
            push_word_units(text, offset, word, paragraph, &mut out);
            offset += word.len() + 1;
        }
    }
    out
}

/// Split one space-free word into units: each unspaced character alone, runs of other characters
/// together.
fn push_word_units<'a>(
    text: &'a str,
    at: usize,
    word: &str,
    paragraph: usize,
    out: &mut Vec<Unit<'a>>,
) {
    let mut run_start: Option<usize> = None;
    for (i, c) in word.char_indices() {
        if is_unspaced(c) {
            if let Some(s) = run_start.take() {
                out.push(unit(text, at + s, at + i, paragraph));
            }
            out.push(unit(text, at + i, at + i + c.len_utf8(), paragraph));
        } else if run_start.is_none() {
            run_start = Some(i);
        }
    }
    if let Some(s) = run_start {
        out.push(unit(text, at + s, at + word.len(), paragraph));
    }
}

fn unit(text: &str, start: usize, end: usize, paragraph: usize) -> Unit<'_> {
    Unit {
        text: &text[start..end],
        start,
        end,
        paragraph,
    }
}

/// Hashed runs of three units (or single units for very short texts), for a quick estimate of how
/// much two texts share before aligning them.
pub fn shingles(units: &[Unit<'_>]) -> HashSet<u64> {
    if units.len() < 3 {
        return units
            .iter()
            .map(|u| shingle_hash(std::slice::from_ref(u)))
            .collect();
    }
    units.windows(3).map(shingle_hash).collect()
}

/// SipHash-1-3 with zero keys over each unit's bytes and a 0xFF terminator (the way `str` feeds a
/// hasher). The archive index stores these values (docs/SPEC.md §5.5), so the function is fixed:
/// std's `DefaultHasher` computes the same today but may change between Rust releases.
fn shingle_hash(items: &[Unit<'_>]) -> u64 {
    let mut h = siphasher::sip::SipHasher13::new_with_keys(0, 0);
    for unit in items {
        unit.text.hash(&mut h);
    }
    h.finish()
}

/// How many distinct three-unit runs of `text` occur in `shingles_of_copy` (the copy's
/// [`shingles`]): the one score used to shortlist statements similar to a copy.
pub fn similarity(text: &str, shingles_of_copy: &HashSet<u64>) -> usize {
    shingles(&units(text))
        .intersection(shingles_of_copy)
        .count()
}

/// How a copy relates to a signed statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The whole statement, unaltered, with clearly separate material around it.
    Embedded,
    /// An unaltered part of the statement, alone or with clearly separate material around it.
    Excerpt,
    /// Words altered, inserted or removed.
    Modified,
    /// Too little in common to say the copy corresponds to the statement (it may still share
    /// phrases: see [`Comparison::shared_phrase`]).
    Unrelated,
}

/// The result of comparing a copy with one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The relation.
    pub relation: Relation,
    /// Each altered, inserted or removed passage inside the part of the statement the copy covers.
    pub changes: Vec<Change>,
    /// The passages of the statement the copy has unaltered (for `Unrelated`, none).
    pub matched: Vec<MatchedPassage>,
    /// Units of the statement found unaltered in the copy, in the part that corresponds.
    pub unaltered_units: usize,
    /// Units of the statement.
    pub statement_units: usize,
    /// Units of the copy.
    pub copy_units: usize,
    /// The longest unaltered run, in units, in the part that corresponds.
    pub longest_run: usize,
    /// The longest run of units the two texts share anywhere, when they share any: what a
    /// "similar phrases" warning shows for an unrelated text.
    pub shared_phrase: Option<MatchedPassage>,
    /// The copy has clearly separate material before or after the statement's text.
    pub surrounding_material: bool,
    /// The copy lacks the statement's beginning.
    pub missing_beginning: bool,
    /// The copy lacks the statement's end.
    pub missing_end: bool,
    /// For `Embedded` and `Excerpt`: the byte ranges of the passage in the statement's and in the
    /// copy's canonical text (the same units), so that the separators inside it can be checked
    /// (docs/SPEC.md §2.10).
    pub aligned: Option<(Range<usize>, Range<usize>)>,
}

impl Comparison {
    /// Unaltered units as a share of the statement.
    pub fn statement_share(&self) -> f64 {
        self.unaltered_units as f64 / self.statement_units.max(1) as f64
    }

    /// Unaltered units as a share of the copy.
    pub fn copy_share(&self) -> f64 {
        self.unaltered_units as f64 / self.copy_units.max(1) as f64
    }
}

/// Whether a copy that shares `unaltered` units with a statement, `longest_run` of them in one run,
/// corresponds to it (SPEC §6 step 7.8): the run is long enough to be a quotation and not a stock
/// phrase, the shared text is a large enough share of the statement and of the copy, and one of
/// the two is mostly made of it.
pub fn corresponds(
    unaltered: usize,
    longest_run: usize,
    statement_units: usize,
    copy_units: usize,
) -> bool {
    let share_of = |n: usize| unaltered as f64 / n.max(1) as f64;
    let (s, c) = (share_of(statement_units), share_of(copy_units));
    // When most of each text is the other's, in order, the run length adds nothing: a copy with a
    // word inserted every few words is a modified statement, not a coincidence.
    let long_run = longest_run >= MIN_RUN_UNITS.min(statement_units.div_ceil(3))
        || (s >= MIN_MAJOR_SHARE && c >= MIN_MAJOR_SHARE);
    unaltered > 0
        && long_run
        && s >= MIN_STATEMENT_SHARE
        && c >= MIN_COPY_SHARE
        && (s >= MIN_MAJOR_SHARE || c >= MIN_MAJOR_SHARE)
}

/// What the copy has at one edge (before or after) of the part of the statement it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// Neither text goes on.
    Clean,
    /// The statement goes on; the copy does not (an excerpt's border).
    Missing,
    /// The copy goes on with clearly separate material; the statement does not.
    Surrounding,
    /// Both go on: an excerpt inside clearly separate material.
    MissingWithSurrounding,
    /// The copy goes on in the same paragraph; the statement does not: an insertion.
    Joined,
    /// Both go on, and the copy's material takes the place of the statement's: an alteration.
    Replaced,
}

fn classify(statement_rest: usize, copy_rest: usize, separate: bool, placed: bool) -> Edge {
    match (statement_rest > 0, copy_rest > 0) {
        (false, false) => Edge::Clean,
        (false, true) if separate => Edge::Surrounding,
        (false, true) => Edge::Joined,
        (true, false) => Edge::Missing,
        (true, true) if separate && !placed => Edge::MissingWithSurrounding,
        (true, true) => Edge::Replaced,
    }
}

/// Opening quotation marks that may introduce a quoted passage in running text.
const OPENING_QUOTES: &[char] = &['"', '\'', '«', '‹', '「', '『', '(', '['];
/// Closing quotation marks that may end a quoted passage in running text.
const CLOSING_QUOTES: &[char] = &['"', '\'', '»', '›', '」', '』', ')', ']'];
/// Punctuation that ends a sentence or a clause of a list.
const SENTENCE_ENDS: &[char] = &['.', '!', '?', ';', ':', '…', '。', '！', '？', '；', '：'];

/// Whether a unit ends a sentence or a list clause (closing quotes after the mark allowed).
fn ends_sentence(unit: &str) -> bool {
    unit.trim_end_matches(CLOSING_QUOTES)
        .ends_with(SENTENCE_ENDS)
}

/// Whether `copy_unit` is `statement_unit` with opening quotation marks before it.
fn quoted_opening(copy_unit: &str, statement_unit: &str) -> bool {
    let inner = copy_unit.trim_start_matches(OPENING_QUOTES);
    inner.len() < copy_unit.len() && inner == statement_unit
}

/// Whether `copy_unit` is `statement_unit` with closing quotation marks after it, where inside the
/// quotation the statement's sentence-ending mark may be left out, or a full stop written as a
/// comma (`delay."`, `delay"` and `delay,"` all close a quotation of `delay.`). No other mark may
/// differ: `delay?"` does not close `delay.`, and `100"` does not close `100%`.
fn quoted_closing(copy_unit: &str, statement_unit: &str) -> bool {
    let inner = copy_unit.trim_end_matches(CLOSING_QUOTES);
    if inner.len() == copy_unit.len() || inner.is_empty() {
        return false;
    }
    if inner == statement_unit {
        return true;
    }
    let Some(last) = statement_unit.chars().next_back() else {
        return false;
    };
    if !SENTENCE_ENDS.contains(&last) {
        return false;
    }
    let base = &statement_unit[..statement_unit.len() - last.len_utf8()];
    let comma = match last {
        '.' => Some(','),
        '。' => Some('，'),
        _ => None,
    };
    inner == base || comma.is_some_and(|c| inner.strip_suffix(c) == Some(base))
}

#[cfg(test)]
mod quoted_closing_tests {
    use super::quoted_closing;

    #[test]
    fn only_a_dropped_end_mark_or_a_comma_for_a_full_stop_closes_a_quotation() {
        for copy in ["delay.\"", "delay\"", "delay,\""] {
            assert!(quoted_closing(copy, "delay."), "{copy}");
        }
        for copy in ["delay?\"", "delay!\"", "delay;\""] {
            assert!(!quoted_closing(copy, "delay."), "{copy}");
        }
        assert!(!quoted_closing("100\"", "100%"));
        assert!(quoted_closing("释放，」", "释放。"));
        assert!(
            !quoted_closing("delay.", "delay."),
            "no closing quotation mark"
        );
    }
}

fn only_quotes(unit: &str, quotes: &[char]) -> bool {
    !unit.is_empty() && unit.chars().all(|c| quotes.contains(&c))
}

/// Whether a unit of the copy introduces what follows it (`wrote:`, `said：`): the passage after it
/// is set apart even within one paragraph.
fn introduces(unit: &str) -> bool {
    unit.ends_with([':', '：'])
}

/// Compare a copy's canonical text with a statement's (SPEC §6 step 7).
pub fn compare(statement: &str, copy: &str) -> Comparison {
    let old = units(statement);
    let new = units(copy);
    let old_text: Vec<&str> = old.iter().map(|u| u.text).collect();
    let new_text: Vec<&str> = new.iter().map(|u| u.text).collect();
    // Patience diff anchors on units that occur once in each text, so a stray common word ("the",
    // "From:") in surrounding material does not pull the alignment away from the statement.
    let ops = similar::capture_diff_slices_deadline(
        Algorithm::Patience,
        &old_text,
        &new_text,
        Some(Instant::now() + ALIGN_DEADLINE),
    );
    let mut tagged: Vec<(DiffTag, Range<usize>, Range<usize>)> =
        ops.iter().map(|op| op.as_tag_tuple()).collect();
    slide_edge_matches(&mut tagged, &new_text);
    let mut result = Comparison {
        relation: Relation::Unrelated,
        changes: Vec::new(),
        matched: Vec::new(),
        unaltered_units: 0,
        statement_units: old.len(),
        copy_units: new.len(),
        longest_run: 0,
        shared_phrase: tagged
            .iter()
            .filter(|t| t.0 == DiffTag::Equal)
            .max_by_key(|t| (t.1.len(), std::cmp::Reverse(t.1.start)))
            .map(|t| passage(statement, &old, t.1.clone())),
        surrounding_material: false,
        missing_beginning: false,
        missing_end: false,
        aligned: None,
    };
    let Some((first, last)) = core_segment(&tagged) else {
        return result;
    };
    let core = &tagged[first..=last];
    // The core's first operation is a match; for an unaltered passage it is the only one.
    let aligned = {
        let (st, cp) = (&core[0].1, &core[0].2);
        (
            old[st.start].start..old[st.end - 1].end,
            new[cp.start].start..new[cp.end - 1].end,
        )
    };
    let (mut a, mut b) = (core[0].1.start, core[core.len() - 1].1.end);
    let (mut x, mut y) = (core[0].2.start, core[core.len() - 1].2.end);
    let mut runs: Vec<Range<usize>> = core
        .iter()
        .filter(|t| t.0 == DiffTag::Equal)
        .map(|t| t.1.clone())
        .collect();

    // A quotation in running text: the copy's unit before (after) the core is the statement's unit
    // with quotation marks attached. It belongs to the passage, and the marks set it apart.
    let mut quoted_start = x > 0 && only_quotes(new[x - 1].text, OPENING_QUOTES);
    if !quoted_start && a > 0 && x > 0 && quoted_opening(new[x - 1].text, old[a - 1].text) {
        a -= 1;
        x -= 1;
        runs[0].start -= 1;
        quoted_start = true;
    }
    let mut quoted_end = y < new.len() && only_quotes(new[y].text, CLOSING_QUOTES);
    if !quoted_end && b < old.len() && y < new.len() && quoted_closing(new[y].text, old[b].text) {
        b += 1;
        y += 1;
        let n = runs.len();
        runs[n - 1].end += 1;
        quoted_end = true;
    }
    result.unaltered_units = runs.iter().map(|r| r.len()).sum();
    result.longest_run = runs.iter().map(|r| r.len()).max().unwrap_or(0);

    // The edges: what each text has beyond the covered part, and whether the copy's material there
    // is clearly separate from the passage (SPEC §6 step 7.6).
    let (s, c) = (old.len(), new.len());
    let share = result.statement_share();
    let separate_before = x == 0
        || quoted_start
        || new[x - 1].paragraph != new[x].paragraph
        || introduces(new[x - 1].text);
    let separate_after = y == c || quoted_end || new[y].paragraph != new[y - 1].paragraph;
    let border_before =
        a == 0 || old[a].paragraph != old[a - 1].paragraph || ends_sentence(old[a - 1].text);
    let border_after =
        b == s || old[b].paragraph != old[b - 1].paragraph || ends_sentence(old[b - 1].text);
    // The copy presents itself as the statement when it has a large share of it, or when it
    // begins (ends) exactly where the statement does: then its material at the other edge stands
    // where the statement's text was.
    let large = share >= MAX_EXCERPT_SHARE;
    let edge_before = classify(
        a,
        x,
        separate_before && border_before,
        large || (b == s && y == c),
    );
    let edge_after = classify(
        s - b,
        c - y,
        separate_after && border_after,
        large || (a == 0 && x == 0),
    );

    match edge_before {
        Edge::Joined => {
            let joined = (0..x)
                .rev()
                .take_while(|&j| new[j].paragraph == new[x].paragraph)
                .count();
            result.surrounding_material |= joined < x;
            result.changes.push(change(
                ChangeKind::Inserted,
                statement,
                &old,
                a..a,
                copy,
                &new,
                x - joined..x,
            ));
        }
        Edge::Replaced => result.changes.push(change(
            ChangeKind::Altered,
            statement,
            &old,
            0..a,
            copy,
            &new,
            0..x,
        )),
        _ => {}
    }
    for (tag, old_range, new_range) in core {
        let kind = match tag {
            DiffTag::Equal => continue,
            DiffTag::Replace => ChangeKind::Altered,
            DiffTag::Delete => ChangeKind::Removed,
            DiffTag::Insert => ChangeKind::Inserted,
        };
        result.changes.push(change(
            kind,
            statement,
            &old,
            old_range.clone(),
            copy,
            &new,
            new_range.clone(),
        ));
    }
    match edge_after {
        Edge::Joined => {
            let joined = (y..c)
                .take_while(|&j| new[j].paragraph == new[y - 1].paragraph)
                .count();
            result.surrounding_material |= y + joined < c;
            result.changes.push(change(
                ChangeKind::Inserted,
                statement,
                &old,
                b..b,
                copy,
                &new,
                y..y + joined,
            ));
        }
        Edge::Replaced => result.changes.push(change(
            ChangeKind::Altered,
            statement,
            &old,
            b..s,
            copy,
            &new,
            y..c,
        )),
        _ => {}
    }
    let around = |e: Edge| matches!(e, Edge::Surrounding | Edge::MissingWithSurrounding);
    let missing = |e: Edge| matches!(e, Edge::Missing | Edge::MissingWithSurrounding);
    result.surrounding_material |= around(edge_before) || around(edge_after);
    result.missing_beginning = missing(edge_before);
    result.missing_end = missing(edge_after);

    let covered = (b - a).max(1);
    let unaltered_in_core = result.unaltered_units as f64 / covered as f64;
    result.relation = if !corresponds(result.unaltered_units, result.longest_run, s, c)
        || unaltered_in_core < MIN_UNALTERED_SHARE
    {
        Relation::Unrelated
    } else if !result.changes.is_empty() {
        Relation::Modified
    } else if edge_before == Edge::Clean && edge_after == Edge::Clean {
        // Equal units but different digests cannot normally happen; if it does, say so.
        Relation::Modified
    } else if result.missing_beginning || result.missing_end {
        Relation::Excerpt
    } else {
        Relation::Embedded
    };
    if matches!(result.relation, Relation::Embedded | Relation::Excerpt) {
        result.aligned = Some(aligned);
    }
    if result.relation != Relation::Unrelated {
        result.matched = runs
            .into_iter()
            .take(MAX_MATCHED_PASSAGES)
            .map(|r| passage(statement, &old, r))
            .collect();
    }
    result
}

/// The passage of `statement` made of `units[range]`.
fn passage(statement: &str, units: &[Unit<'_>], range: Range<usize>) -> MatchedPassage {
    let (first, last) = (&units[range.start], &units[range.end - 1]);
    let whole = &statement[first.start..last.end];
    let chars = whole.chars().count();
    let (text, truncated) = if chars <= MAX_PASSAGE_CHARS {
        (whole.to_string(), false)
    } else {
        let head: String = whole.chars().take(MAX_PASSAGE_CHARS * 2 / 3).collect();
        let tail: String = whole.chars().skip(chars - MAX_PASSAGE_CHARS / 3).collect();
        (format!("{head} … {tail}"), true)
    };
    MatchedPassage {
        paragraph: first.paragraph + 1,
        last_paragraph: last.paragraph + 1,
        start: first.start,
        end: last.end,
        units: range.len(),
        text,
        truncated,
    }
}

/// Weight of one unit of mismatch against one unit of match when choosing the core of an alignment.
const MISMATCH_WEIGHT: f64 = 0.5;

/// The part of the alignment that is the statement as the copy carries it: the run of operations,
/// starting and ending with a match, with the greatest weight (each matching unit +1, each unit of
/// the larger side of a mismatch −½). Stray common words matched far from the rest ("the" in a news
/// report's own sentence) fall outside it; changes inside a mostly-matching text stay inside.
fn core_segment(ops: &[(DiffTag, Range<usize>, Range<usize>)]) -> Option<(usize, usize)> {
    let weight = |op: &(DiffTag, Range<usize>, Range<usize>)| match op.0 {
        DiffTag::Equal => op.1.len() as f64,
        _ => -MISMATCH_WEIGHT * op.1.len().max(op.2.len()) as f64,
    };
    let mut best: Option<(f64, usize, usize)> = None;
    let mut current: Option<(f64, usize)> = None;
    for (i, op) in ops.iter().enumerate() {
        let w = weight(op);
        current = match current {
            // Extend on ties, so a change between two matching runs stays inside the core.
            Some((sum, start)) if sum + w >= w => Some((sum + w, start)),
            _ => Some((w, i)),
        };
        let (sum, start) = current.expect("just set");
        if op.0 == DiffTag::Equal && best.is_none_or(|(b, _, _)| sum >= b) {
            best = Some((sum, start, i));
        }
    }
    let (_, mut start, mut end) = best?;
    while ops[start].0 != DiffTag::Equal {
        start += 1;
    }
    // A run of matching units beyond one mismatch is part of the statement too when it is long
    // enough to be a quotation (at least `MIN_RUN_UNITS`), or when it opens (closes) both texts: a
    // sentence deleted near the start is a removal, not the border of an excerpt. Shorter runs
    // elsewhere ("the", the names a news report repeats after a quotation) stay outside.
    let beyond = |i: usize| {
        ops[i].0 == DiffTag::Equal
            && ops[i].1.len() > MAX_STRAY_MATCH
            && (ops[i].1.len() >= MIN_RUN_UNITS || i == 0 || i == ops.len() - 1)
    };
    while start >= 2 && beyond(start - 2) {
        start -= 2;
    }
    while end + 2 < ops.len() && beyond(end + 2) {
        end += 2;
    }
    Some((start, end))
}

/// Matching runs this short outside the core of an alignment are taken as coincidence ("the",
/// "of the"); longer ones belong to the statement.
const MAX_STRAY_MATCH: usize = 2;

/// Where a matching run at either end of the alignment sits next to an insertion that ends (at the
/// start) or begins (at the end) with the same units, the alignment is ambiguous: an email's "From:"
/// header matched the statement's opening "From:", which appears again at the end of the inserted
/// header. Slide the match to the statement's side of the insertion, so the insertion becomes
/// material around the statement instead of a change inside it.
fn slide_edge_matches(ops: &mut [(DiffTag, Range<usize>, Range<usize>)], new: &[&str]) {
    let n = ops.len();
    if n >= 2 && ops[0].0 == DiffTag::Equal && ops[1].0 == DiffTag::Insert {
        let (equal, insert) = (ops[0].clone(), ops[1].clone());
        let k = equal.2.len();
        if insert.2.len() >= k && new[insert.2.end - k..insert.2.end] == new[equal.2.clone()] {
            let start = equal.1.start;
            ops[0] = (
                DiffTag::Insert,
                start..start,
                equal.2.start..insert.2.end - k,
            );
            ops[1] = (DiffTag::Equal, equal.1, insert.2.end - k..insert.2.end);
        }
    }
    if n >= 2 && ops[n - 1].0 == DiffTag::Equal && ops[n - 2].0 == DiffTag::Insert {
        let (insert, equal) = (ops[n - 2].clone(), ops[n - 1].clone());
        let k = equal.2.len();
        if insert.2.len() >= k && new[insert.2.start..insert.2.start + k] == new[equal.2.clone()] {
            let end = equal.1.end;
            ops[n - 2] = (DiffTag::Equal, equal.1, insert.2.start..insert.2.start + k);
            ops[n - 1] = (DiffTag::Insert, end..end, insert.2.start + k..equal.2.end);
        }
    }
}

/// Describe one change, with a little of the statement's text on either side.
fn change(
    kind: ChangeKind,
    statement: &str,
    old: &[Unit<'_>],
    old_range: Range<usize>,
    copy: &str,
    new: &[Unit<'_>],
    new_range: Range<usize>,
) -> Change {
    let slice = |text: &str, units: &[Unit<'_>], r: &Range<usize>| {
        if r.is_empty() {
            String::new()
        } else {
            text[units[r.start].start..units[r.end - 1].end].to_string()
        }
    };
    let before_start = old_range.start.saturating_sub(CONTEXT_UNITS);
    let after_end = (old_range.end + CONTEXT_UNITS).min(old.len());
    let paragraph_of = old
        .get(old_range.start)
        .or(old.get(old_range.start.saturating_sub(1)));
    Change {
        kind,
        original: slice(statement, old, &old_range),
        copy: slice(copy, new, &new_range),
        paragraph: paragraph_of.map_or(1, |u| u.paragraph + 1),
        before: slice(statement, old, &(before_start..old_range.start)),
        after: slice(statement, old, &(old_range.end..after_end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canon::canonicalize;

    fn cmp(a: &str, b: &str) -> Comparison {
        compare(&canonicalize(a).text, &canonicalize(b).text)
    }

    const LETTER: &str = "We call for the release of the three detained lawyers.\n\n\
        Contact Evelyn Fung at +852 5550 0117 for details.\n\n\
        我们要求立即释放被羁押的律师。";

    #[test]
    fn units_split_words_and_cjk_characters() {
        let text = canonicalize("Call 律师Zhang now, 请。").text;
        let u: Vec<&str> = units(&text).iter().map(|u| u.text).collect();
        assert_eq!(u, ["Call", "律", "师", "Zhang", "now,", "请", "。"]);
    }

    #[test]
    fn changed_phone_digit_is_one_altered_unit() {
        let c = cmp(LETTER, &LETTER.replace("0117", "0118"));
        assert_eq!(c.relation, Relation::Modified);
        assert_eq!(c.changes.len(), 1);
        let ch = &c.changes[0];
        assert_eq!(
            (ch.kind.name(), ch.original.as_str(), ch.copy.as_str()),
            ("altered", "0117", "0118")
        );
        assert_eq!(ch.paragraph, 2);
        assert!(ch.before.ends_with("+852 5550"));
    }

    #[test]
    fn changed_chinese_character_is_found() {
        let c = cmp(LETTER, &LETTER.replace("释放", "释方"));
        assert_eq!(c.relation, Relation::Modified);
        assert_eq!(
            (c.changes[0].original.as_str(), c.changes[0].copy.as_str()),
            ("放", "方")
        );
        assert_eq!(c.changes[0].paragraph, 3);
    }

    #[test]
    fn inserted_sentence_is_reported_as_inserted() {
        let copy = LETTER.replace("lawyers.", "lawyers. We now withdraw this call.");
        let c = cmp(LETTER, &copy);
        assert_eq!(c.relation, Relation::Modified);
        assert_eq!(c.changes[0].kind, ChangeKind::Inserted);
        assert_eq!(c.changes[0].copy, "We now withdraw this call.");
    }

    #[test]
    fn whole_statement_inside_other_material_is_embedded() {
        let copy = format!("Forwarded message from a colleague:\n\n{LETTER}\n\nSent from my phone");
        let c = cmp(LETTER, &copy);
        assert_eq!(c.relation, Relation::Embedded);
        assert!(c.changes.is_empty());
    }

    /// Was a 10-word sentence; an excerpt must now hold a run of [`MIN_RUN_UNITS`].
    #[test]
    fn unaltered_part_is_an_excerpt() {
        let c = cmp(
            LETTER,
            "We call for the release of the three detained lawyers.\n\nContact Evelyn Fung at +852 5550 0117 for details.",
        );
        assert_eq!(c.relation, Relation::Excerpt);
        assert!(c.missing_end && !c.missing_beginning);
    }

    #[test]
    fn change_of_the_last_word_is_an_alteration_not_an_excerpt() {
        let c = cmp(LETTER, &LETTER.replace("律师。", "律帅。"));
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
        let c = cmp(
            "One two three four five six seven eight nine ten.",
            "One two three four five six seven eight nine eleven.",
        );
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
        assert_eq!(c.changes[0].original, "ten.");
    }

    #[test]
    fn altered_closing_or_opening_is_modified_not_an_excerpt() {
        let statement = format!("{LETTER}\n\nContact: Li Qiaoyun, media enquiries, +852 5550 0146");
        // The phone number changed, and a signature line follows it.
        let c = cmp(
            &statement,
            &statement.replace("0146", "0164\n\nSent from my phone"),
        );
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
        assert_eq!(c.changes[0].original, "0146");
        // The whole contact line swapped for another person.
        let swapped = statement.replace(
            "Li Qiaoyun, media enquiries, +852 5550 0146",
            "Zhou Ming (our new spokesperson), +852 6123 4567",
        );
        let c = cmp(&statement, &swapped);
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
        // The opening replaced by a false header.
        let c = cmp(
            &statement,
            &statement.replace(
                "We call for",
                "OFFICIAL RETRACTION NOTICE. We no longer call for",
            ),
        );
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
    }

    #[test]
    fn deleted_sentence_near_the_start_is_modified() {
        let statement = "First we say this. Then we say that, which matters a great deal. And we end with a call for release and for visits by counsel and family.";
        let copy = "First we say this. And we end with a call for release and for visits by counsel and family.";
        let c = cmp(statement, copy);
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
        assert_eq!(c.changes[0].kind, ChangeKind::Removed);
    }

    #[test]
    fn modified_statement_inside_an_email_is_modified() {
        let copy = format!(
            "Fwd: see below\n\n{}\n\nSent from my phone",
            LETTER.replace("0117", "0118")
        );
        let c = cmp(LETTER, &copy);
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
        assert!(c.surrounding_material);
    }

    #[test]
    fn repeated_opening_word_in_a_wrapper_does_not_count() {
        let copy = format!("From: a friend\n\nThe letter:\n\n{LETTER}\n\nRegards, the sender");
        let c = cmp(LETTER, &copy);
        assert_eq!(c.relation, Relation::Embedded, "{c:?}");
    }

    proptest::proptest! {
        /// Changing any one word of a statement yields `modified` with exactly that change.
        #[test]
        fn any_single_word_change_is_found(
            words in proptest::collection::vec("[a-z]{2,8}", 12..60),
            at in proptest::prelude::any::<proptest::sample::Index>(),
        ) {
            let statement = words.join(" ");
            let i = at.index(words.len());
            let mut changed = words.clone();
            changed[i] = format!("{}X", changed[i]);
            let c = compare(&statement, &changed.join(" "));
            proptest::prop_assert_eq!(c.relation, Relation::Modified);
            proptest::prop_assert_eq!(c.changes.len(), 1);
            proptest::prop_assert_eq!(&c.changes[0].original, &words[i]);
        }

        /// A long enough unaltered run of a statement is an excerpt, and the whole statement
        /// wrapped in other text is embedded.
        #[test]
        fn excerpts_and_wrappers_are_recognised(
            words in proptest::collection::vec("[a-z]{2,8}", 20..60),
            start in 1usize..5,
        ) {
            // With repeated words the border of an excerpt is ambiguous (`mo aa mo aa aa …` against
            // `aa mo aa aa …`: the alignment may take the copy's first word for an insertion), and
            // the comparison then errs toward `modified`, never toward an unaltered relation; the
            // property is about texts whose words tell where the passage is.
            let distinct: std::collections::HashSet<&String> = words.iter().collect();
            proptest::prop_assume!(distinct.len() == words.len());
            let statement = words.join(" ");
            let part = words[start..start + 14].join(" ");
            proptest::prop_assert_eq!(compare(&statement, &part).relation, Relation::Excerpt);
            let wrapped = format!("FORWARDED MESSAGE BELOW\n\n{statement}\n\nSENT FROM MY PHONE");
            proptest::prop_assert_eq!(compare(&statement, &wrapped).relation, Relation::Embedded);
        }
    }

    const DEMANDS: &str = "Statement of the Harbour network\n\n\
        We call on the authorities to release the detained lawyers Wen Shuhan, Qi Zhengyang and Qiao Mubai without delay. \
        Their families must be told where they are held.\n\n\
        We ask the bar association to speak for its members, and we thank everyone who has written to the prosecutors.\n\n\
        The detained lawyers represented workers and tenants for many years, often without a fee, and their clients now have no one to turn to.";

    #[test]
    fn sentence_quoted_inline_between_quotation_marks_is_an_excerpt() {
        for closing in ["delay.\"", "delay,\"", "delay\""] {
            let copy = format!("Lawyers said on Monday: \"We call on the authorities to release the detained lawyers Wen Shuhan, Qi Zhengyang and Qiao Mubai without {closing} The bureau did not reply.");
            let c = cmp(DEMANDS, &copy);
            assert_eq!(c.relation, Relation::Excerpt, "{closing}: {c:?}");
            assert!(
                c.matched[0].text.starts_with("We call") && c.matched[0].text.ends_with("delay.")
            );
        }
    }

    #[test]
    fn quotation_that_runs_on_with_other_words_is_modified() {
        let copy = "Lawyers said on Monday: \"We call on the authorities to release the detained lawyers Wen Shuhan, Qi Zhengyang and Qiao Mubai without delay. We withdraw this call.\"";
        let c = cmp(DEMANDS, copy);
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
        assert!(c.changes.iter().any(|ch| ch.copy.contains("withdraw")));
    }

    #[test]
    fn passage_cut_mid_sentence_with_material_after_it_is_modified() {
        // Paragraph-separated, but the passage stops inside a sentence of the statement: the
        // copy's paragraph stands where the rest of that sentence was.
        let copy = "The network wrote:\n\nWe call on the authorities to release the detained lawyers Wen Shuhan, Qi Zhengyang and Qiao Mubai\n\nonce they have confessed.";
        let c = cmp(DEMANDS, copy);
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
        assert_eq!(c.changes.last().unwrap().copy, "once they have confessed.");
    }

    #[test]
    fn colon_introduces_a_statement_on_the_same_line_but_a_sentence_does_not() {
        let c = cmp(DEMANDS, &format!("Evelyn wrote: {DEMANDS}"));
        assert_eq!(c.relation, Relation::Embedded, "{c:?}");
        let c = cmp(DEMANDS, &format!("This was withdrawn. {DEMANDS}"));
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
        assert_eq!(c.changes[0].kind, ChangeKind::Inserted);
        assert_eq!(c.changes[0].copy, "This was withdrawn.");
    }

    #[test]
    fn word_inserted_every_few_words_is_modified_though_no_run_is_long() {
        let words: Vec<&str> = DEMANDS.split(' ').collect();
        let copy: Vec<String> = words
            .chunks(4)
            .map(|w| format!("{} NOT", w.join(" ")))
            .collect();
        let c = cmp(DEMANDS, &copy.join(" "));
        assert!(c.longest_run < MIN_RUN_UNITS, "{c:?}");
        assert_eq!(c.relation, Relation::Modified, "{c:?}");
    }

    /// The calibration figures of SPEC §6 step 7.8, as (unaltered, longest run, statement units,
    /// copy units): unrelated pairs stay below the thresholds, honest ones above.
    #[test]
    fn correspondence_thresholds_sit_between_the_calibration_pairs() {
        // LGPL-2.1 verified against GPL-2, and the reverse: licences written from one another.
        assert!(!corresponds(1214, 81, 2968, 4372));
        assert!(!corresponds(1214, 81, 4372, 2968));
        // GPL-3 and GFDL-1.3: a 153-word shared run, tiny shares.
        assert!(!corresponds(180, 153, 5644, 3689));
        // A copyright notice that is 65% the GPL's standard paragraph.
        assert!(!corresponds(98, 42, 4372, 150));
        // GPL-1 revised into GPL-2: one text revised, so it corresponds.
        assert!(corresponds(1846, 110, 2968, 2063));
        // A news report quoting one paragraph (the hostile corpus case).
        assert!(corresponds(52, 52, 188, 98));
        // Just below each share.
        assert!(!corresponds(18, 18, 188, 36));
        assert!(!corresponds(40, 40, 60, 410));
        assert!(!corresponds(49, 49, 100, 100));
    }

    #[test]
    fn short_quotation_from_a_long_statement_is_unrelated_but_its_phrase_is_kept() {
        let long = format!(
            "{DEMANDS}\n\n{}",
            "Every lawyer in the city has a duty to the court and to the client. ".repeat(20)
        );
        let c = cmp(
            &long,
            "They said: \"We ask the bar association to speak for its members.\"",
        );
        assert_eq!(c.relation, Relation::Unrelated, "{c:?}");
        assert!(c.matched.is_empty());
        assert!(c
            .shared_phrase
            .unwrap()
            .text
            .starts_with("ask the bar association"));
    }

    #[test]
    fn unrelated_text_is_unrelated() {
        let c = cmp(
            LETTER,
            "An entirely different note about the weather in the harbour.",
        );
        assert_eq!(c.relation, Relation::Unrelated);
    }
}

/// Mismatched separators closer than this many token characters are one change.
const SEPARATOR_CLUSTER: u64 = 8;
/// Token characters of context shown on each side of a separator change (whole words for spaced
/// scripts, up to [`MAX_WORD_CONTEXT`] more characters).
const SEPARATOR_CONTEXT: u64 = 6;
const MAX_WORD_CONTEXT: u64 = 24;

/// The separator changes of a copy that has a statement's canonical text (docs/SPEC.md §2.10):
/// one [`ChangeKind::Separator`] change per cluster of mismatches, showing both texts with `|`
/// for a line break and a space for a space, e.g. `王力|宏伟` against `王力宏|伟`. Empty when
/// the copy respects every separator.
pub fn separator_changes(
    statement_text: &str,
    separators: &Separators,
    copy_gaps: &[Gap],
) -> Vec<Change> {
    let found = mismatches(statement_text, separators, copy_gaps);
    if found.is_empty() {
        return Vec::new();
    }
    let tokens = Tokens::of(statement_text);
    let mut clusters: Vec<(u64, u64)> = Vec::new();
    for &(p, _) in &found {
        match clusters.last_mut() {
            Some((_, hi)) if p - *hi <= SEPARATOR_CLUSTER => *hi = p,
            _ => clusters.push((p, p)),
        }
    }
    let copy_gap = |p: u64| -> &'static str {
        match copy_gaps.binary_search_by_key(&p, |g| g.pos) {
            Ok(i) if copy_gaps[i].weak => "",
            Ok(i) if copy_gaps[i].line_break => "|",
            Ok(_) => " ",
            Err(_) => "",
        }
    };
    let statement_gap = |p: u64, shown: Option<&'static str>| -> &'static str {
        let has = |list: &[u64]| list.binary_search(&p).is_ok();
        if shown == Some("\n\n")
            || has(&separators.hard_line_breaks)
            || has(&separators.soft_line_breaks)
        {
            "|"
        } else if shown.is_some() || has(&separators.hard_spaces) || has(&separators.soft_spaces) {
            " "
        } else {
            ""
        }
    };
    clusters
        .into_iter()
        .map(|(lo, hi)| {
            let (from, to) = tokens.window(lo, hi);
            Change {
                kind: ChangeKind::Separator,
                original: tokens.render(from, to, statement_gap),
                copy: tokens.render(from, to, |p, _| copy_gap(p)),
                paragraph: tokens.paragraph_of(lo),
                before: String::new(),
                after: String::new(),
            }
        })
        .collect()
}

/// [`separator_changes`] for a passage: the statement's canonical text `statement_range` (bytes)
/// is the copy's `copy_range` (the same units, from [`Comparison::aligned`]). Only the separators
/// strictly inside the passage are checked; positions are moved into the statement's coordinates.
pub fn separator_changes_in_passage(
    statement_text: &str,
    separators: &Separators,
    copy_text: &str,
    copy_gaps: &[Gap],
    statement_range: Range<usize>,
    copy_range: Range<usize>,
) -> Vec<Change> {
    let tokens_before = |text: &str, byte: usize| -> u64 {
        text[..byte]
            .chars()
            .filter(|&c| c != ' ' && c != '\n' && canonical_starter(c))
            .count() as u64
    };
    let (s_lo, s_hi) = (
        tokens_before(statement_text, statement_range.start),
        tokens_before(statement_text, statement_range.end),
    );
    let c_lo = tokens_before(copy_text, copy_range.start);
    let c_hi = c_lo + (s_hi - s_lo);
    let inside = |list: &[u64]| -> Vec<u64> {
        list.iter()
            .copied()
            .filter(|&p| p > s_lo && p < s_hi)
            .collect()
    };
    let within = Separators {
        hard_line_breaks: inside(&separators.hard_line_breaks),
        hard_spaces: inside(&separators.hard_spaces),
        soft_line_breaks: inside(&separators.soft_line_breaks),
        soft_spaces: inside(&separators.soft_spaces),
    };
    let shifted: Vec<Gap> = copy_gaps
        .iter()
        .filter(|g| g.pos > c_lo && g.pos < c_hi)
        .map(|g| Gap {
            pos: g.pos - c_lo + s_lo,
            ..*g
        })
        .collect();
    separator_changes(statement_text, &within, &shifted)
}

/// The token characters of a canonical text (each with the combining marks that follow it), and
/// the whitespace the text shows before each.
struct Tokens<'a> {
    /// (the token character and its marks, the whitespace before it: `" "`, `"\n\n"` or none).
    chars: Vec<(&'a str, Option<&'static str>)>,
}

impl<'a> Tokens<'a> {
    fn of(text: &'a str) -> Tokens<'a> {
        let mut chars: Vec<(&'a str, Option<&'static str>)> = Vec::new();
        let mut shown = None;
        let mut start = None;
        for (i, c) in text.char_indices() {
            let is_token = c != ' ' && c != '\n' && canonical_starter(c);
            if c == ' ' || c == '\n' || is_token {
                if let Some((s, before)) = start.take() {
                    chars.push((&text[s..i], before));
                }
            }
            if c == ' ' {
                shown = Some(" ");
            } else if c == '\n' {
                shown = Some("\n\n");
            } else if is_token {
                start = Some((i, shown.take()));
            }
        }
        if let Some((s, before)) = start {
            chars.push((&text[s..], before));
        }
        Tokens { chars }
    }

    fn is_spaced_letter(&self, i: u64) -> bool {
        self.chars
            .get(i as usize)
            .and_then(|(t, _)| t.chars().next())
            .is_some_and(|c| !is_unspaced(c))
    }

    /// Token characters `from..to` around mismatches at `lo..=hi`: a few characters of context,
    /// widened to whole words of spaced scripts.
    fn window(&self, lo: u64, hi: u64) -> (u64, u64) {
        let n = self.chars.len() as u64;
        let mut from = lo.saturating_sub(SEPARATOR_CONTEXT);
        let mut to = (hi + SEPARATOR_CONTEXT).min(n);
        let mut widened = 0;
        while from > 0
            && widened < MAX_WORD_CONTEXT
            && self.chars[from as usize].1.is_none()
            && self.is_spaced_letter(from)
            && self.is_spaced_letter(from - 1)
        {
            from -= 1;
            widened += 1;
        }
        widened = 0;
        while to < n
            && widened < MAX_WORD_CONTEXT
            && self.chars[to as usize].1.is_none()
            && self.is_spaced_letter(to)
            && self.is_spaced_letter(to - 1)
        {
            to += 1;
            widened += 1;
        }
        (from, to)
    }

    /// The token characters `from..to`, with `gap(position, whitespace shown)` between them.
    fn render(
        &self,
        from: u64,
        to: u64,
        gap: impl Fn(u64, Option<&'static str>) -> &'static str,
    ) -> String {
        let mut out = String::new();
        for p in from..to {
            let (text, shown) = self.chars[p as usize];
            if p > from {
                out.push_str(gap(p, shown));
            }
            out.push_str(text);
        }
        out
    }

    /// 1-based paragraph of the token character at `pos`.
    fn paragraph_of(&self, pos: u64) -> usize {
        1 + self.chars[..(pos as usize).min(self.chars.len())]
            .iter()
            .filter(|(_, shown)| *shown == Some("\n\n"))
            .count()
    }
}

/// Whether `c` starts a token character (canonical combining class 0), as layout positions count.
fn canonical_starter(c: char) -> bool {
    unicode_normalization::char::canonical_combining_class(c) == 0
}
