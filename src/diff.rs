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
use crate::report::Change;

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

/// How many of `text`'s three-unit runs occur in `shingles` (another text's [`shingles`]): the
/// score used to shortlist statements similar to a copy, computed without building a set.
pub fn shared_shingles(text: &str, shingles_of_copy: &HashSet<u64>) -> usize {
    let u = units(text);
    if u.len() < 3 {
        return u
            .iter()
            .filter(|x| shingles_of_copy.contains(&shingle_hash(std::slice::from_ref(x))))
            .count();
    }
    u.windows(3)
        .filter(|w| shingles_of_copy.contains(&shingle_hash(w)))
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
    trim_stray_edge_matches(&mut tagged);
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
    let (Some(mut first), Some(mut last)) = (
        tagged.iter().position(|t| t.0 == DiffTag::Equal),
        tagged.iter().rposition(|t| t.0 == DiffTag::Equal),
    ) else {
        return result;
    };
    // A small replacement at either edge is an altered word (a changed last digit), not the
    // boundary between the statement and other material.
    if first > 0 && is_edge_alteration(&tagged[first - 1]) {
        first -= 1;
    }
    if last + 1 < tagged.len() && is_edge_alteration(&tagged[last + 1]) {
        last += 1;
    }
    let covered_old = tagged[first].1.start..tagged[last].1.end;
    let covered_new = tagged[first].2.start..tagged[last].2.end;
    result.missing_beginning = covered_old.start > 0;
    result.missing_end = covered_old.end < old.len();
    result.surrounding_material = covered_new.start > 0 || covered_new.end < new.len();

    for (tag, old_range, new_range) in &tagged[first..=last] {
        let kind = match tag {
            DiffTag::Equal => continue,
            DiffTag::Replace => "altered",
            DiffTag::Delete => "removed",
            DiffTag::Insert => "inserted",
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

/// Largest replacement at the edge of the aligned part that counts as an altered passage rather
/// than the seam between the statement and unsigned material.
const MAX_EDGE_ALTERATION_UNITS: usize = 3;

fn is_edge_alteration(op: &(DiffTag, Range<usize>, Range<usize>)) -> bool {
    op.0 == DiffTag::Replace
        && op.1.len() <= MAX_EDGE_ALTERATION_UNITS
        && op.2.len() <= MAX_EDGE_ALTERATION_UNITS
}

/// Longest run of matching units at either end of an alignment that is still taken as a
/// coincidence when it is cut off from the rest by other material.
const MAX_STRAY_EDGE_MATCH: usize = 2;

/// Turn short matching runs at either end, separated from the main alignment by inserted or
/// altered material, into non-matches: an email's "From:" line is not the statement's "From:".
fn trim_stray_edge_matches(ops: &mut [(DiffTag, Range<usize>, Range<usize>)]) {
    let equal_runs: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i].0 == DiffTag::Equal)
        .collect();
    if equal_runs.len() < 2 {
        return;
    }
    let longest = equal_runs
        .iter()
        .map(|&i| ops[i].1.len())
        .max()
        .unwrap_or(0);
    for &i in &equal_runs {
        if ops[i].1.len() > MAX_STRAY_EDGE_MATCH || ops[i].1.len() == longest {
            break;
        }
        ops[i].0 = DiffTag::Replace;
    }
    for &i in equal_runs.iter().rev() {
        if ops[i].0 != DiffTag::Equal
            || ops[i].1.len() > MAX_STRAY_EDGE_MATCH
            || ops[i].1.len() == longest
        {
            break;
        }
        ops[i].0 = DiffTag::Replace;
    }
}

/// Describe one change, with a little of the statement's text on either side.
fn change(
    kind: &str,
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
        kind: kind.to_string(),
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
            (ch.kind.as_str(), ch.original.as_str(), ch.copy.as_str()),
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
        assert_eq!(c.changes[0].kind, "inserted");
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
    fn stray_common_word_in_a_wrapper_does_not_count() {
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
