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
}

impl ChangeKind {
    /// The kind's name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Altered => "altered",
            ChangeKind::Inserted => "inserted",
            ChangeKind::Removed => "removed",
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

/// Fewest unaltered units a copy must share with a statement (or all of a shorter statement) to
/// correspond to it at all: a few shared words are a coincidence, not a quote.
pub const MIN_EXCERPT_UNITS: usize = 8;
/// A copy is `modified` only if at least this share of the aligned part of the statement is
/// unaltered; below it, the copy is a different text that happens to share phrases.
pub const MIN_UNALTERED_SHARE: f64 = 0.5;
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

fn shingle_hash(items: &[Unit<'_>]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
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
    /// The whole statement, unaltered, with other material around it.
    Embedded,
    /// An unaltered part of the statement.
    Excerpt,
    /// Words altered, inserted or removed.
    Modified,
    /// Too little in common to say the copy corresponds to the statement.
    Unrelated,
}

/// The result of comparing a copy with one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The relation.
    pub relation: Relation,
    /// Each altered, inserted or removed passage inside the part of the statement the copy covers.
    pub changes: Vec<Change>,
    /// Units of the statement found unaltered in the copy.
    pub unaltered_units: usize,
    /// Units of the statement.
    pub statement_units: usize,
    /// The copy has material before or after the statement's text.
    pub surrounding_material: bool,
    /// The copy lacks the statement's beginning.
    pub missing_beginning: bool,
    /// The copy lacks the statement's end.
    pub missing_end: bool,
}

/// Compare a copy's canonical text with a statement's.
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
        unaltered_units: tagged
            .iter()
            .filter(|t| t.0 == DiffTag::Equal)
            .map(|t| t.1.len())
            .sum(),
        statement_units: old.len(),
        surrounding_material: false,
        missing_beginning: false,
        missing_end: false,
    };
    let Some((mut first, mut last)) = core_segment(&tagged) else {
        return result;
    };
    // Where the copy has other text in place of a small remainder of the statement's opening or
    // closing (a changed last phone number, a swapped contact line, a false header), that remainder
    // was altered: it is not the border of an excerpt.
    let head_old = tagged[first].1.start;
    let head_new = tagged[first].2.start;
    if is_altered_remainder(head_old, head_new, old.len()) {
        first = 0;
    }
    let tail_old = old.len() - tagged[last].1.end;
    let tail_new = new.len() - tagged[last].2.end;
    if is_altered_remainder(tail_old, tail_new, old.len()) {
        last = tagged.len() - 1;
    }
    let covered_old = tagged[first].1.start..tagged[last].1.end;
    let covered_new = tagged[first].2.start..tagged[last].2.end;
    result.missing_beginning = covered_old.start > 0;
    result.missing_end = covered_old.end < old.len();
    result.surrounding_material = covered_new.start > 0 || covered_new.end < new.len();

    for (tag, old_range, new_range) in &tagged[first..=last] {
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

    let complete = !result.missing_beginning && !result.missing_end;
    let enough = result.unaltered_units >= MIN_EXCERPT_UNITS.min(old.len());
    result.relation = if !enough {
        Relation::Unrelated
    } else if !result.changes.is_empty() {
        let share = result.unaltered_units as f64 / covered_old.len().max(1) as f64;
        if share >= MIN_UNALTERED_SHARE {
            Relation::Modified
        } else {
            Relation::Unrelated
        }
    } else if complete {
        // Equal units but different digests cannot normally happen; if it does, the surrounding
        // material is the difference.
        if result.surrounding_material {
            Relation::Embedded
        } else {
            Relation::Modified
        }
    } else {
        Relation::Excerpt
    };
    result
}

/// A remainder of at most this many statement units beyond the aligned part, where the copy has other
/// text, is always an alteration (a changed last phone number, even with a signature line after it).
const MAX_EDGE_ALTERATION_UNITS: usize = 3;
/// A remainder of at most this share of the statement is also an alteration: a copy that has nearly
/// all of the statement but other text where its opening or closing was is modified, not an
/// excerpt. Only when a large part of the statement is missing is the seam taken as the border of a
/// quotation.
const MAX_EDGE_ALTERATION_SHARE: f64 = 0.25;

/// Whether `remainder` statement units beyond the aligned part, in whose place the copy has
/// `replacement` units of other text, were altered rather than left out of a quotation: always when
/// the remainder is tiny; otherwise when it is a small share of the statement and the copy puts text
/// of comparable length (at least half) in its place, as a forger does and a quoting journalist
/// rarely does.
fn is_altered_remainder(remainder: usize, replacement: usize, statement_units: usize) -> bool {
    if remainder == 0 || replacement == 0 {
        return false;
    }
    remainder <= MAX_EDGE_ALTERATION_UNITS
        || (remainder as f64 <= MAX_EDGE_ALTERATION_SHARE * statement_units as f64
            && replacement * 2 >= remainder)
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
    // A run of several matching units beyond one mismatch is part of the statement too (a sentence
    // deleted near the start is a removal, not the border of an excerpt); only short stray matches
    // stay outside.
    while start >= 2
        && ops[start - 2].0 == DiffTag::Equal
        && ops[start - 2].1.len() > MAX_STRAY_MATCH
    {
        start -= 2;
    }
    while end + 2 < ops.len()
        && ops[end + 2].0 == DiffTag::Equal
        && ops[end + 2].1.len() > MAX_STRAY_MATCH
    {
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

    #[test]
    fn unaltered_part_is_an_excerpt() {
        let c = cmp(
            LETTER,
            "We call for the release of the three detained lawyers.",
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
            let statement = words.join(" ");
            let part = words[start..start + 10].join(" ");
            proptest::prop_assert_eq!(compare(&statement, &part).relation, Relation::Excerpt);
            let wrapped = format!("FORWARDED MESSAGE BELOW\n\n{statement}\n\nSENT FROM MY PHONE");
            proptest::prop_assert_eq!(compare(&statement, &wrapped).relation, Relation::Embedded);
        }
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
