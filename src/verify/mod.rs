//! Verifying a received copy against an archive: copy -> [`VerifyReport`]. Pure: returns data, never
//! prints. Copies are found by exact digest, then canonical digest; failing both, by comparing
//! words with the most similar statements ([`crate::diff`]), which yields `embedded`, `excerpt` or
//! `modified` with the changes. [`verify`] looks a copy up in an archive ([`lookup`]);
//! [`verify_against`] judges it against given manifests.
//!
//! The rule (PRODUCT.md): trusted statements always win. A manifest is *usable* when its own issuer
//! validly signed it with a key trusted for that issuer and its canonical text matches its digests.
//! Matches by exact bytes beat matches by canonical digest. Manifests that match but are not usable
//! are reported as `other_matches`, so an impostor's manifest is always mentioned.

mod dumper;
mod lookup;

pub use lookup::{verify, SIMILAR_SHORTLIST};

use crate::archive::{Entry, LoadProblem};
use crate::canon::{Canonical, Gap, SuspiciousKind};
use crate::diff::{self, Comparison, Relation};
use crate::digest::Digest;
use crate::input::email::Quotation;
use crate::input::{Decoded, InputError, InputKind};
use crate::keys::TrustStore;
use crate::manifest::TrustAssessment;
use crate::report::{
    CopyInfo, InputInfo, ManifestRef, MatchKind, OtherMatch, Signature, Verdict, VerifyReport,
    Warning, WarningKind,
};
use crate::trust::{KeyNote, Trust};

/// At most this many changes are listed in a report (the rest are counted in a warning).
const MAX_LISTED_CHANGES: usize = 200;

/// At most this many archive load problems are listed one by one in a report.
const MAX_LISTED_ARCHIVE_PROBLEMS: usize = 10;

/// Longest canonical text, of a copy or of a statement, that is compared word by word (4 MiB,
/// `docs/SPEC.md` §1): at most about two million units, so that the units, the three-unit runs and
/// the alignment of a copy stay within tens of megabytes. A longer copy is still found by its
/// digests (`exact`, `reformatted`); otherwise it is `unknown`, with a `not_compared` warning.
pub const MAX_COMPARED_BYTES: usize = 4 * 1024 * 1024;

/// Time for the word-by-word comparisons of one verify, shared by every reading of the copy and
/// every similar statement. No comparison starts once it has run out (each one that has started
/// is bounded by the aligner's own deadline), so a hostile copy cannot multiply the time by the
/// number of similar statements.
pub const COMPARE_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

/// A received copy, read and decoded, with the digests and canonical text that every look-up
/// and comparison uses (computed once).
#[derive(Debug, Clone)]
pub struct ReceivedCopy {
    name: String,
    encoding: &'static str,
    input: InputInfo,
    exact: Digest,
    canonical: Canonical,
    /// Its whitespace runs, hard or soft (docs/SPEC.md §2.10), to check a canonical match against
    /// the statement's separators: computed only when a statement has the copy's canonical digest.
    gaps: LazyGaps,
    /// The copy's email quotation, when it has one ([`crate::input::email`]): the quotation
    /// without its markers, and the copy's lines outside it, canonicalized.
    quoted: Option<Quoted>,
    /// The copy read as a PDF extractor's or text dumper's output ([`dumper`]), when that reading
    /// differs from the copy as received.
    dumped: Option<Dumped>,
}

impl ReceivedCopy {
    /// Decode `bytes` received as `name` (a file name, `-`, a URL: only shown in reports), finding
    /// its kind (text, HTML, email: docs/SPEC.md §1.1).
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Result<ReceivedCopy, InputError> {
        ReceivedCopy::from_bytes_as(name, bytes, None)
    }

    /// [`ReceivedCopy::from_bytes`], reading the copy as `kind` when it is given (`--as`) instead
    /// of finding its kind.
    pub fn from_bytes_as(
        name: impl Into<String>,
        bytes: &[u8],
        kind: Option<InputKind>,
    ) -> Result<ReceivedCopy, InputError> {
        let name = name.into();
        let extracted = crate::input::read_copy(bytes, &name, kind)?;
        let input = InputInfo {
            kind: extracted.kind,
            notes: extracted.notes,
        };
        let decoded = extracted.decoded;
        let canonical = decoded.canonicalize();
        let quoted = crate::input::email::quotation(&decoded.text).map(|quotation| {
            let canonical = |text: &str| {
                Decoded {
                    text: text.to_string(),
                    encoding: decoded.encoding,
                    bom: decoded.bom,
                }
                .canonicalize()
            };
            Quoted {
                quoted_gaps: LazyGaps::new(quotation.quoted.clone()),
                quoted: canonical(&quotation.quoted),
                outside: canonical(&quotation.outside),
                quotation,
            }
        });
        let dumped = Dumped::of(&decoded);
        Ok(ReceivedCopy {
            name,
            encoding: decoded.encoding,
            input,
            exact: Digest::of(bytes),
            gaps: LazyGaps::new(decoded.text),
            canonical,
            quoted,
            dumped,
        })
    }

    /// Read and decode the file at `path` (`-` for standard input).
    pub fn read(path: &std::path::Path) -> Result<ReceivedCopy, InputError> {
        ReceivedCopy::read_as(path, None)
    }

    /// [`ReceivedCopy::read`], reading the copy as `kind` when it is given (`--as`).
    pub fn read_as(
        path: &std::path::Path,
        kind: Option<InputKind>,
    ) -> Result<ReceivedCopy, InputError> {
        let bytes = crate::input::read_bytes(path)?;
        ReceivedCopy::from_bytes_as(path.display().to_string(), &bytes, kind)
    }

    /// How the copy was read: its kind, and what extraction left out.
    pub fn input(&self) -> &InputInfo {
        &self.input
    }

    /// The name it was received as.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// SHA-256 of its exact bytes.
    pub fn exact_digest(&self) -> Digest {
        self.exact
    }

    /// Its canonical text and digest.
    pub fn canonical(&self) -> &Canonical {
        &self.canonical
    }

    /// The copy's readings: as received, its email quotation alone without the markers, and its
    /// words outside the quotation.
    fn readings(&self) -> impl Iterator<Item = &Canonical> {
        let quoted = self.quoted.iter().flat_map(|q| [&q.quoted, &q.outside]);
        std::iter::once(&self.canonical).chain(quoted.filter(|c| !c.text.is_empty()))
    }

    /// The canonical digests to look the copy up by, one per reading (the reading of a PDF
    /// extractor's or text dumper's output included: it is only ever found by its digest or
    /// compared with the statements the others found).
    pub(crate) fn canonical_digests(&self) -> Vec<Digest> {
        let dumped = self.dumped.iter().map(|d| d.canonical.digest);
        self.readings().map(|c| c.digest).chain(dumped).collect()
    }

    /// The canonical texts to compare word by word, one per reading.
    pub(crate) fn canonical_texts(&self) -> impl Iterator<Item = &str> {
        self.readings().map(|c| c.text.as_str())
    }
}

/// The reading of a copy as a PDF extractor's or text dumper's output (docs/SPEC.md §6.2),
/// canonicalized.
#[derive(Debug, Clone)]
struct Dumped {
    reading: dumper::DumperReading,
    canonical: Canonical,
    gaps: LazyGaps,
}

impl Dumped {
    fn of(decoded: &Decoded) -> Option<Dumped> {
        let mut reading = dumper::read(&decoded.text)?;
        // The text lives on in the gaps only (the reading keeps its joins and forms).
        let text = Decoded {
            text: std::mem::take(&mut reading.text),
            encoding: decoded.encoding,
            bom: decoded.bom,
        };
        Some(Dumped {
            canonical: text.canonicalize(),
            gaps: LazyGaps::new(text.text),
            reading,
        })
    }
}

/// A copy's email quotation, split from the rest and canonicalized.
#[derive(Debug, Clone)]
struct Quoted {
    quotation: Quotation,
    quoted: Canonical,
    quoted_gaps: LazyGaps,
    outside: Canonical,
}

/// One reading of a copy: as received, or without its email reply markers.
#[derive(Clone, Copy)]
struct Reading<'a> {
    copy: &'a ReceivedCopy,
    canonical: &'a Canonical,
    gaps: &'a LazyGaps,
}

/// The gaps of a text (docs/SPEC.md §2.10), computed on first use. Only a copy with a statement's
/// canonical digest needs them, and its canonical text is then no longer than a statement's, so a
/// hostile copy of millions of short lines never pays for them.
#[derive(Debug, Clone, Default)]
struct LazyGaps {
    text: String,
    gaps: std::sync::OnceLock<Vec<Gap>>,
}

impl LazyGaps {
    fn new(text: String) -> LazyGaps {
        LazyGaps {
            text,
            gaps: std::sync::OnceLock::new(),
        }
    }

    fn get(&self) -> &[Gap] {
        self.gaps
            .get_or_init(|| crate::canon::separators::gaps(&self.text))
    }
}

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The issuer the copy is attributed to (`--issuer`).
    pub issuer: Option<String>,
}

/// How one manifest relates to the copy.
struct Candidate<'a> {
    entry: &'a Entry,
    exact: bool,
    trust: TrustAssessment,
    /// Revocation and key-change notes on the issuer's signature ([`crate::trust`]).
    notes: Vec<KeyNote>,
    content_problems: Vec<String>,
    /// The word-by-word comparison, for manifests that matched no digest.
    comparison: Option<Comparison>,
    /// For a canonical match: where the copy does not respect the statement's separators
    /// (docs/SPEC.md §2.10). A canonical match with any is `modified`, never `reformatted`.
    separator_changes: Vec<diff::Change>,
}

impl<'a> Candidate<'a> {
    fn new(entry: &'a Entry, trust: &Trust<'_>, exact: bool) -> Candidate<'a> {
        let assessment = trust.assess(&entry.manifest);
        Candidate {
            entry,
            exact,
            trust: assessment.trust,
            notes: assessment.notes,
            content_problems: entry.manifest.content_problems(),
            comparison: None,
            separator_changes: Vec::new(),
        }
    }

    /// "FILE claiming to be from ISSUER", for messages.
    fn claim(&self) -> String {
        format!(
            "{} claiming to be from {:?}",
            self.entry.path.display(),
            self.entry.manifest.issuer()
        )
    }

    fn relation(&self) -> Relation {
        self.comparison
            .as_ref()
            .map_or(Relation::Unrelated, |c| c.relation)
    }
}

impl Candidate<'_> {
    fn usable(&self) -> bool {
        self.trust.issuer_signed && self.content_problems.is_empty()
    }

    fn reasons(&self) -> Vec<String> {
        let mut r = self.trust.problems.clone();
        r.extend(self.content_problems.iter().cloned());
        r
    }
}

/// Manifests compared word by word with a copy that matched no digest (the ones sharing most
/// three-unit runs with it).
const MAX_APPROXIMATE_CANDIDATES: usize = 5;

/// Verify a copy against the given manifests (those a look-up found in an archive, or the one
/// manifest given with `--manifest`). [`verify`] is the look-up in a whole archive.
///
/// When the copy as received is not authentic and its lines carry email reply markers (`> `), it is
/// verified again with the markers removed ([`crate::input::email`]); the second result is used only
/// if it is a better verdict, and it says so (`email_quoting` warning and layout difference).
pub fn verify_against(
    copy: &ReceivedCopy,
    entries: &[Entry],
    archive_problems: &[LoadProblem],
    trust: &TrustStore,
    options: &Options,
) -> VerifyReport {
    // The key records in the trust store's directory apply (there is no archive to read).
    let (trust, _) = Trust::load(trust, None);
    verify_against_with(copy, entries, archive_problems, &trust, options)
}

/// [`verify_against`] with the trust decision already made (the trust store and its key records,
/// [`crate::trust`]).
pub fn verify_against_with(
    copy: &ReceivedCopy,
    entries: &[Entry],
    archive_problems: &[LoadProblem],
    trust: &Trust<'_>,
    options: &Options,
) -> VerifyReport {
    let deadline = std::time::Instant::now() + COMPARE_BUDGET;
    let report =
        verify_received_or_quoted(copy, entries, archive_problems, trust, options, deadline);
    let mut report = sharpen_by_dumper_reading(
        copy,
        report,
        entries,
        archive_problems,
        trust,
        options,
        deadline,
    );
    note_lost_hyphens(&mut report);
    withhold_authentic_for_styled_pages(copy, &mut report);
    report
}

/// A page whose style sheet may hide some of the compared text, or adds text of its own (CSS
/// `content`), can show a browser's reader other words than attest compared (docs/SPEC.md §1.3):
/// its words are the statement's, but attest cannot say that the page *shows* them, so it is never
/// authentic. It is `embedded` at best, with a `styled_page` warning that says what to check.
fn withhold_authentic_for_styled_pages(copy: &ReceivedCopy, report: &mut VerifyReport) {
    use crate::input::NoteKind;
    let styled = copy
        .input
        .notes
        .iter()
        .any(|n| matches!(n.kind, NoteKind::StyleHidden | NoteKind::GeneratedContent));
    if !styled || !report.verdict.is_authentic() {
        return;
    }
    report.verdict = Verdict::Embedded;
    report.differences.clear();
    report.warnings.insert(
        0,
        Warning {
            kind: WarningKind::StyledPage,
            message: "the page's words are the statement's, but its style sheet may hide some of them or add text of its own, which attest does not apply: it cannot tell what a browser shows, so the page is not called authentic; open it in a browser and compare what it shows".into(),
        },
    );
}

/// The copy as received, sharpened by its email quotation (docs/SPEC.md §6.1).
fn verify_received_or_quoted(
    copy: &ReceivedCopy,
    entries: &[Entry],
    archive_problems: &[LoadProblem],
    trust: &Trust<'_>,
    options: &Options,
    deadline: std::time::Instant,
) -> VerifyReport {
    let as_received = Reading {
        copy,
        canonical: &copy.canonical,
        gaps: &copy.gaps,
    };
    let report = verify_reading(
        as_received,
        entries,
        archive_problems,
        trust,
        options,
        deadline,
    );
    if report.verdict.is_authentic() {
        return report;
    }
    let Some(quoted) = &copy.quoted else {
        return report;
    };
    // Words written between quoted lines may be an insertion into the statement: the quotation
    // alone would hide them, so such a copy is judged as received.
    if quoted.quotation.interrupted {
        return report;
    }
    // The copy's own words outside the quotation must not correspond to a statement: if they do,
    // the copy is judged as received (a modified statement with a genuine one quoted below it is
    // still a modified statement).
    if quoted.quotation.has_outside_material() {
        let outside = Reading {
            copy,
            canonical: &quoted.outside,
            // Only looked at for digests and words, never for a canonical match's separators
            // (the outside words must not correspond to a statement at all).
            gaps: &LazyGaps::default(),
        };
        let outside = verify_reading(outside, entries, &[], trust, options, deadline);
        if outside.verdict != Verdict::Unknown {
            return report;
        }
    }
    let reading = Reading {
        copy,
        canonical: &quoted.quoted,
        gaps: &quoted.quoted_gaps,
    };
    let mut alternative =
        verify_reading(reading, entries, archive_problems, trust, options, deadline);
    // A statement found only inside a quotation is quoted in a reply: at best `embedded`, never
    // authentic (docs/SPEC.md §6.1). The markers were not part of what was signed.
    if alternative.verdict.is_authentic() {
        alternative.verdict = Verdict::Embedded;
        alternative.differences.clear();
    }
    // The quotation may only sharpen the verdict about the statement the copy as received was
    // found to correspond to, never swap it for another.
    let found_nothing = matches!(report.verdict, Verdict::Unknown | Verdict::Untrusted);
    let same_statement = report.manifest.as_ref().map(|m| &m.digest)
        == alternative.manifest.as_ref().map(|m| &m.digest);
    let better = verdict_rank(alternative.verdict) < verdict_rank(report.verdict)
        || (alternative.verdict == Verdict::Modified
            && report.verdict == Verdict::Modified
            && alternative.changes.len() < report.changes.len());
    if !better || !(found_nothing || same_statement) {
        return report;
    }
    let (first, last) = quoted.quotation.lines;
    let mut note = vec![Warning {
        kind: WarningKind::EmailQuoting,
        message: format!(
            "lines {first} to {last} of the copy are an email quotation (lines beginning with {:?}); the statement was compared with that quotation alone, without the markers",
            quoted.quotation.marker
        ),
    }];
    if quoted.quotation.has_outside_material()
        && !alternative
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::UnsignedMaterial)
    {
        note.push(Warning {
            kind: WarningKind::UnsignedMaterial,
            message: "the copy's lines outside the quotation are not part of what was signed"
                .into(),
        });
    }
    alternative.warnings.splice(0..0, note);
    alternative
}

/// The copy read as a PDF extractor's or text dumper's output (docs/SPEC.md §6.2): when the copy
/// as received (or its email quotation) is not authentic and that reading differs from it, it is
/// verified again, and the result replaces `report` under §6.1's conditions: a better verdict
/// about the same statement (or `report` found none). The reading changes only line breaks
/// inside words and typographic forms, so a digest match is `reformatted`, naming both.
fn sharpen_by_dumper_reading(
    copy: &ReceivedCopy,
    report: VerifyReport,
    entries: &[Entry],
    archive_problems: &[LoadProblem],
    trust: &Trust<'_>,
    options: &Options,
    deadline: std::time::Instant,
) -> VerifyReport {
    use crate::canon::LayoutDifference;
    use crate::report::{RejoinedBreak, MAX_LISTED_REJOINED};
    if report.verdict.is_authentic() {
        return report;
    }
    let Some(dumped) = &copy.dumped else {
        return report;
    };
    let reading = Reading {
        copy,
        canonical: &dumped.canonical,
        gaps: &dumped.gaps,
    };
    let mut alternative =
        verify_reading(reading, entries, archive_problems, trust, options, deadline);
    let found_nothing = matches!(report.verdict, Verdict::Unknown | Verdict::Untrusted);
    let same_statement = report.manifest.as_ref().map(|m| &m.digest)
        == alternative.manifest.as_ref().map(|m| &m.digest);
    let better = verdict_rank(alternative.verdict) < verdict_rank(report.verdict)
        || (alternative.verdict == Verdict::Modified
            && report.verdict == Verdict::Modified
            && alternative.changes.len() < report.changes.len());
    if !better || !(found_nothing || same_statement) {
        return report;
    }
    let joins = &dumped.reading.joins;
    let forms = &dumped.reading.forms;
    let furniture = &dumped.reading.furniture;
    // Page furniture is unsigned material: the statement is inside the copy, never the copy.
    if !furniture.is_empty() && alternative.verdict.is_authentic() {
        alternative.verdict = Verdict::Embedded;
        alternative.differences.clear();
    }
    if alternative.verdict == Verdict::Reformatted {
        if dumped.reading.join_count > 0 {
            alternative.differences.push(LayoutDifference::BrokenWords);
        }
        if !forms.is_empty() {
            alternative
                .differences
                .push(LayoutDifference::TypographicForms);
        }
    }
    let mut notes = Vec::new();
    if dumped.reading.join_count > 0 {
        const SHOWN: usize = 10;
        let mut listed: Vec<String> = joins
            .iter()
            .take(SHOWN)
            .map(|j| {
                let soft = if j.soft_hyphen {
                    ", at a soft hyphen"
                } else {
                    ""
                };
                format!("line {}: {:?}{soft}", j.line, j.text)
            })
            .collect();
        let count = dumped.reading.join_count;
        if count > SHOWN {
            listed.push(format!("and {} more", count - SHOWN));
        }
        notes.push(Warning {
            kind: WarningKind::BrokenWords,
            message: format!(
                "the copy was compared with {} line break{} inside words re-joined, as PDF extractors and text dumpers break lines after a hyphen or slash, inside a URL, or at a soft hyphen ({}): check that no hyphen or slash there is new",
                grouped(count as u64),
                if count == 1 { "" } else { "s" },
                listed.join("; ")
            ),
        });
        alternative.rejoined_breaks = joins
            .iter()
            .take(MAX_LISTED_REJOINED)
            .map(|j| RejoinedBreak {
                line: j.line,
                text: j.text.clone(),
                soft_hyphen: j.soft_hyphen,
            })
            .collect();
    }
    if !forms.is_empty() {
        let listed: Vec<String> = forms
            .iter()
            .map(|f| {
                format!(
                    "{} {} (first at line {})",
                    f.count,
                    f.form.describe(),
                    f.first_line
                )
            })
            .collect();
        notes.push(Warning {
            kind: WarningKind::TypographicForms,
            message: format!(
                "the copy was compared with its typographic forms read as the characters they show: {}",
                listed.join(", ")
            ),
        });
    }
    let chat = &dumped.reading.chat;
    if !chat.is_empty() {
        notes.push(Warning {
            kind: WarningKind::ChatArtefacts,
            message: format!(
                "lines a messaging app adds were set apart from the text before comparing (forwarded-from lines, senders' names with times, placeholders): {}",
                listed_lines(chat.iter().map(|c| (c.line, c.text.as_str())), chat.len())
            ),
        });
    }
    if !furniture.is_empty() {
        notes.push(Warning {
            kind: WarningKind::PageFurniture,
            message: format!(
                "page furniture between the copy's pages was left out before comparing (running headers and footers, page numbers): {}",
                listed_lines(furniture.iter().map(|f| (f.line, f.text.as_str())), furniture.len())
            ),
        });
        if !alternative
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::UnsignedMaterial)
        {
            notes.push(Warning {
                kind: WarningKind::UnsignedMaterial,
                message: "the copy's page furniture is not part of what was signed".into(),
            });
        }
    }
    alternative.warnings.splice(0..0, notes);
    alternative
}

/// At most this many lost hyphens are named one by one.
const MAX_LISTED_LOST_HYPHENS: usize = 10;

/// A `hyphen_lost` warning for each change that only drops the hyphens of a statement's word
/// (`non-permissive` → `nonpermissive`), as PDF extractors do at a line end (docs/SPEC.md §6.2).
/// The change stays a change: the hyphen may make another word.
fn note_lost_hyphens(report: &mut VerifyReport) {
    let lost: Vec<&diff::Change> = report
        .changes
        .iter()
        .filter(|c| {
            c.kind == crate::diff::ChangeKind::Altered && only_hyphens_dropped(&c.original, &c.copy)
        })
        .collect();
    let notes: Vec<Warning> = lost
        .iter()
        .take(MAX_LISTED_LOST_HYPHENS)
        .map(|c| Warning {
            kind: WarningKind::HyphenLost,
            message: format!(
                "hyphen lost at a line break: the statement's {:?} (paragraph {}) is {:?} in the copy, as a PDF extractor writes a word hyphenated at a line end; the hyphen may make a different word, so this stays a change",
                c.original, c.paragraph, c.copy
            ),
        })
        .collect();
    let more = lost.len().saturating_sub(MAX_LISTED_LOST_HYPHENS);
    report.warnings.extend(notes);
    if more > 0 {
        report.warnings.push(Warning {
            kind: WarningKind::HyphenLost,
            message: format!("and {more} more words that lost their hyphens"),
        });
    }
}

/// Whether `copy` is `original` with one or more of its hyphens (U+002D, U+2010, U+2011) left out
/// and nothing else changed.
fn only_hyphens_dropped(original: &str, copy: &str) -> bool {
    let is_hyphen = |c: char| matches!(c, '-' | '\u{2010}' | '\u{2011}');
    let mut copy = copy.chars().peekable();
    let mut dropped = false;
    for c in original.chars() {
        if copy.peek() == Some(&c) {
            copy.next();
        } else if is_hyphen(c) {
            dropped = true;
        } else {
            return false;
        }
    }
    dropped && copy.next().is_none()
}

/// How good a verdict is for the copy, best first: used only to choose between the copy as received
/// and its other readings (without email quote markers, §6.1; as a dumper's output, §6.2).
fn verdict_rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Exact => 0,
        Verdict::Reformatted => 1,
        Verdict::Misattributed => 2,
        Verdict::Embedded => 3,
        Verdict::Excerpt => 4,
        Verdict::Modified => 5,
        Verdict::Untrusted => 6,
        Verdict::Unknown => 7,
    }
}

/// [`verify_against`] for one reading of the copy.
fn verify_reading(
    reading: Reading<'_>,
    entries: &[Entry],
    archive_problems: &[LoadProblem],
    trust: &Trust<'_>,
    options: &Options,
    deadline: std::time::Instant,
) -> VerifyReport {
    let canonical = reading.canonical;
    let exact = reading.copy.exact;

    let mut candidates: Vec<Candidate<'_>> = entries
        .iter()
        .filter_map(|entry| {
            let s = &entry.manifest.wire().statement;
            let is_exact = s.exact_digest == exact;
            let is_canonical = entry.manifest.wire().canonical.digest == canonical.digest;
            (is_exact || is_canonical).then(|| {
                let mut c = Candidate::new(entry, trust, is_exact);
                if !is_exact {
                    c.separator_changes = diff::separator_changes(
                        &entry.manifest.canonical_text(),
                        &entry.manifest.wire().canonical.separators,
                        reading.gaps.get(),
                    );
                }
                c
            })
        })
        .collect();
    // Usable first, then exact before canonical, then the ones whose separators the copy keeps;
    // between issuers by name (never by a date or sequence number, which an issuer writes
    // itself), then the latest in its own chain.
    candidates.sort_by(|a, b| {
        let key = |c: &Candidate<'_>| {
            (
                !c.usable(),
                !c.exact,
                !c.separator_changes.is_empty(),
                c.entry.manifest.issuer().to_string(),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| b.entry.manifest.seq().cmp(&a.entry.manifest.seq()))
            .then_with(|| a.entry.path.cmp(&b.entry.path))
    });

    let mut report = VerifyReport {
        verdict: Verdict::Unknown,
        issuer: None,
        signers: Vec::new(),
        signed_by: Vec::new(),
        trust_store: trust.store().dir().map(|d| d.display().to_string()),
        manifest: None,
        differences: Vec::new(),
        changes: Vec::new(),
        matched: Vec::new(),
        warnings: Vec::new(),
        other_matches: Vec::new(),
        copy: CopyInfo {
            path: reading.copy.name.clone(),
            exact_digest: exact.to_string(),
            canonical_digest: canonical.digest.to_string(),
            encoding: reading.copy.encoding.to_string(),
            paragraphs: canonical.paragraphs().count(),
        },
        input: reading.copy.input.clone(),
        suspicious: canonical.suspicious.clone(),
        rejoined_breaks: Vec::new(),
    };
    add_suspicious_warnings(&mut report, canonical);

    // Authentic: the same bytes, or the same canonical text with every separator kept.
    let usable: Vec<&Candidate<'_>> = candidates
        .iter()
        .filter(|c| c.usable() && c.separator_changes.is_empty())
        .collect();
    // The same words with a separator moved: `modified`, showing where.
    let regrouped: Vec<&Candidate<'_>> = candidates
        .iter()
        .filter(|c| c.usable() && !c.separator_changes.is_empty())
        .collect();
    let mut chosen_entry: Option<&Entry> = None;

    if let Some(best) = prefer_claimed_issuer(&usable, options) {
        chosen_entry = Some(best.entry);
        let m = &best.entry.manifest;
        report.verdict = if best.exact {
            Verdict::Exact
        } else {
            Verdict::Reformatted
        };
        if !best.exact {
            report.differences = m.wire().canonical.layout.differences(&canonical.layout);
        }
        adopt(&mut report, best, options, true);
        add_other_signers(&mut report, best, &usable);
    } else if let Some(best) = prefer_claimed_issuer(&regrouped, options) {
        chosen_entry = Some(best.entry);
        report.verdict = Verdict::Modified;
        set_changes(&mut report, best.separator_changes.clone());
        adopt(&mut report, best, options, false);
        add_other_signers(&mut report, best, &regrouped);
    } else {
        // No trusted statement has the copy's digests: compare word by word, trusted statements
        // first. An untrusted exact match never beats a trusted approximate one.
        let approximate = approximate_candidates(
            canonical,
            entries,
            &candidates,
            trust,
            deadline,
            &mut report.warnings,
        );
        let usable_approx: Vec<&Candidate<'_>> = approximate
            .iter()
            .filter(|c| c.usable() && c.relation() != Relation::Unrelated)
            .collect();
        // `--issuer` only breaks ties between equally close statements: a claimed issuer never
        // makes a worse match win (a quotation of the statement would hide its modification).
        let equally_close: Vec<&Candidate<'_>> = usable_approx
            .first()
            .map(|best| {
                let key = |c: &Candidate<'_>| {
                    c.comparison
                        .as_ref()
                        .map(|k| (k.relation, k.unaltered_units, k.changes.len()))
                };
                usable_approx
                    .iter()
                    .copied()
                    .filter(|c| key(c) == key(best))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(best) = prefer_claimed_issuer(&equally_close, options) {
            chosen_entry = Some(best.entry);
            let comparison = best
                .comparison
                .as_ref()
                .expect("approximate candidates are compared");
            report.verdict = match comparison.relation {
                Relation::Embedded => Verdict::Embedded,
                Relation::Excerpt => Verdict::Excerpt,
                _ => Verdict::Modified,
            };
            set_changes(&mut report, comparison.changes.clone());
            // An unaltered passage must also keep the statement's separators (SPEC §2.10): the
            // signatory list of a forwarded statement, re-broken, is not the statement.
            if let Some((in_statement, in_copy)) = &comparison.aligned {
                let regrouped = diff::separator_changes_in_passage(
                    &best.entry.manifest.canonical_text(),
                    &best.entry.manifest.wire().canonical.separators,
                    &canonical.text,
                    reading.gaps.get(),
                    in_statement.clone(),
                    in_copy.clone(),
                );
                if !regrouped.is_empty() {
                    report.verdict = Verdict::Modified;
                    set_changes(&mut report, regrouped);
                }
            }
            report.matched = comparison.matched.clone();
            add_comparison_warnings(&mut report, comparison, &canonical.text);
            let unaltered = report.verdict != Verdict::Modified;
            adopt(&mut report, best, options, unaltered);
            add_other_signers(&mut report, best, &equally_close);
        } else if let Some(first) = candidates.first() {
            set_untrusted(&mut report, first, "matches");
        } else if let Some(first) = approximate
            .iter()
            .find(|c| c.relation() != Relation::Unrelated)
        {
            set_untrusted(&mut report, first, "resembles");
            chosen_entry = Some(first.entry);
        }
        for c in approximate
            .iter()
            .filter(|c| !c.usable() && c.relation() != Relation::Unrelated)
        {
            if chosen_entry.is_some_and(|e| std::ptr::eq(e, c.entry)) {
                continue;
            }
            report.other_matches.push(OtherMatch {
                manifest: manifest_ref(c.entry),
                matched: MatchKind::Approximate,
                reasons: c.reasons(),
            });
        }
        if report.verdict == Verdict::Unknown {
            add_similar_phrase_warnings(&mut report, &approximate);
        }
    }

    for c in &candidates {
        if chosen_entry.is_some_and(|e| std::ptr::eq(e, c.entry)) {
            continue;
        }
        if !c.usable() && report.verdict != Verdict::Untrusted {
            report.warnings.push(Warning {
                kind: WarningKind::UntrustedMatch,
                message: format!(
                    "the copy also matches {}, which is not trusted: {}",
                    c.claim(),
                    c.reasons().join("; ")
                ),
            });
        }
        report.other_matches.push(OtherMatch {
            manifest: manifest_ref(c.entry),
            matched: if c.exact {
                MatchKind::Exact
            } else {
                MatchKind::Canonical
            },
            reasons: c.reasons(),
        });
    }
    add_archive_warnings(&mut report, archive_problems);
    report
}

/// `line N: "text"` for the first few of `count` lines a reading set apart, then how many more.
fn listed_lines<'a>(lines: impl Iterator<Item = (usize, &'a str)>, count: usize) -> String {
    const SHOWN: usize = 6;
    let mut listed: Vec<String> = lines
        .take(SHOWN)
        .map(|(line, text)| format!("line {line}: {text:?}"))
        .collect();
    if count > SHOWN {
        listed.push(format!("and {} more", count - SHOWN));
    }
    listed.join("; ")
}

/// The report's changes: the first [`MAX_LISTED_CHANGES`], and a warning counting the rest.
fn set_changes(report: &mut VerifyReport, mut changes: Vec<diff::Change>) {
    if changes.len() > MAX_LISTED_CHANGES {
        let more = changes.len() - MAX_LISTED_CHANGES;
        changes.truncate(MAX_LISTED_CHANGES);
        report.warnings.push(Warning {
            kind: WarningKind::MoreChanges,
            message: format!(
                "{more} more changes are not listed; the copy differs from the statement in {} places",
                MAX_LISTED_CHANGES + more
            ),
        });
    }
    report.changes = changes;
}

/// With `--issuer`, prefer a candidate that issuer signed; otherwise the first.
fn prefer_claimed_issuer<'c, 'a>(
    usable: &[&'c Candidate<'a>],
    options: &Options,
) -> Option<&'c Candidate<'a>> {
    match &options.issuer {
        Some(claimed) => usable
            .iter()
            .find(|c| c.trust.signers.iter().any(|s| s == claimed))
            .or(usable.first())
            .copied(),
        None => usable.first().copied(),
    }
}

/// Make `best` the manifest the report is about. When the copy's content is unaltered
/// (`content_unaltered`), a claimed issuer that did not sign it makes the verdict `misattributed`;
/// for a modified copy the verdict stays `modified` and a warning says so.
fn adopt(
    report: &mut VerifyReport,
    best: &Candidate<'_>,
    options: &Options,
    content_unaltered: bool,
) {
    report.issuer = Some(best.entry.manifest.issuer().to_string());
    report.signers = best.trust.signers.clone();
    report.signed_by = signatures_of(best);
    report.manifest = Some(manifest_ref(best.entry));
    // The issuer signed it; say so if any other signature on it (a co-signer's) fails.
    for problem in &best.trust.problems {
        report.warnings.push(Warning {
            kind: WarningKind::Signature,
            message: format!("on the matched statement, {problem}"),
        });
    }
    for note in &best.notes {
        report.warnings.push(Warning {
            kind: match note {
                KeyNote::SinceRevoked { .. } => WarningKind::SinceRevokedKey,
                KeyNote::Introduced { .. } => WarningKind::KeyChange,
            },
            message: note.message(),
        });
    }
    // A joint statement whose named co-signature is gone: a mirror may have removed it.
    for c in best.entry.manifest.missing_cosigners() {
        report.warnings.push(Warning {
            kind: WarningKind::MissingCosignature,
            message: format!(
                "the joint statement names {:?} (key {}) as a co-signer, but its co-signature is missing: it was removed, or not yet added",
                c.issuer, c.key_id
            ),
        });
    }
    if let Some(claimed) = &options.issuer {
        if !best.trust.signers.iter().any(|s| s == claimed) {
            if content_unaltered {
                report.verdict = Verdict::Misattributed;
            }
            report.warnings.push(Warning {
                kind: WarningKind::Misattributed,
                message: format!(
                    "the copy is attributed to {claimed:?}, but the statement was signed by {}",
                    quoted_list(&best.trust.signers)
                ),
            });
        }
    }
}

/// The trusted signatures on a candidate, as the report names them.
fn signatures_of(c: &Candidate<'_>) -> Vec<Signature> {
    c.trust
        .signer_keys
        .iter()
        .map(|(issuer, key_id)| Signature {
            issuer: issuer.clone(),
            key_id: key_id.to_string(),
            manifest: c.entry.path.display().to_string(),
        })
        .collect()
}

/// Other trusted manifests of the same words (`same`, which may include `best`): every issuer that
/// signed them is a signer too, and a warning names each such manifest, so that a second trusted
/// group signing a copy of a statement can never hide the group that signed it first.
fn add_other_signers(report: &mut VerifyReport, best: &Candidate<'_>, same: &[&Candidate<'_>]) {
    for other in same {
        if std::ptr::eq(other.entry, best.entry) {
            continue;
        }
        for signer in &other.trust.signers {
            if !report.signers.contains(signer) {
                report.signers.push(signer.clone());
            }
        }
        report.signed_by.extend(signatures_of(other));
        report.warnings.push(Warning {
            kind: WarningKind::AlsoSigned,
            message: format!(
                "the same words are also signed by {} in {} (seq {})",
                quoted_list(&other.trust.signers),
                other.entry.path.display(),
                other.entry.manifest.seq()
            ),
        });
    }
    // The verdict's issuer first, the others by name.
    let first = report.issuer.clone();
    report
        .signers
        .sort_by(|a, b| (Some(a) != first.as_ref(), a).cmp(&(Some(b) != first.as_ref(), b)));
}

fn set_untrusted(report: &mut VerifyReport, first: &Candidate<'_>, how: &str) {
    report.verdict = Verdict::Untrusted;
    report.manifest = Some(manifest_ref(first.entry));
    report.warnings.push(Warning {
        kind: WarningKind::Untrusted,
        message: format!(
            "the copy {how} {}, but {}",
            first.claim(),
            first.reasons().join("; ")
        ),
    });
}

/// The manifests most similar to the copy (by shared three-unit runs), compared word by word:
/// texts of at most [`MAX_COMPARED_BYTES`], while the `deadline` lasts (a `not_compared` warning
/// says what was left out).
fn approximate_candidates<'a>(
    canonical: &Canonical,
    entries: &'a [Entry],
    digest_matches: &[Candidate<'a>],
    trust: &Trust<'_>,
    deadline: std::time::Instant,
    warnings: &mut Vec<Warning>,
) -> Vec<Candidate<'a>> {
    if canonical.text.len() > MAX_COMPARED_BYTES {
        warnings.push(Warning {
            kind: WarningKind::NotCompared,
            message: format!(
                "the copy's text is {} bytes long, more than the {} bytes attest compares word by word, so it was only looked up by its digests; to check a statement inside it, verify that part on its own",
                grouped(canonical.text.len() as u64),
                grouped(MAX_COMPARED_BYTES as u64)
            ),
        });
        return Vec::new();
    }
    let copy_units = diff::units(&canonical.text);
    if copy_units.is_empty() {
        return Vec::new();
    }
    let copy_shingles = diff::shingles(&copy_units);
    // (candidate with its signatures checked, similarity, canonical text)
    let scored: Vec<(Candidate<'a>, usize, String)> = entries
        .iter()
        .filter(|e| !digest_matches.iter().any(|c| std::ptr::eq(c.entry, *e)))
        .filter_map(|e| {
            let text = e.manifest.canonical_text();
            if text.len() > MAX_COMPARED_BYTES {
                return None;
            }
            let shared = diff::similarity(&text, &copy_shingles);
            (shared > 0).then(|| (Candidate::new(e, trust, false), shared, text))
        })
        .collect();
    // The closest usable statements (signatures verified with a key trusted for their issuer), and
    // separately the closest others, so that look-alikes (even ones that name a trusted key id
    // with a signature that does not verify) can never crowd out a trusted statement.
    let (mut usable, mut others): (Vec<_>, Vec<_>) = scored.into_iter().partition(|s| s.0.usable());
    let mut out: Vec<Candidate<'a>> = Vec::new();
    let mut not_compared = 0;
    for kind in [&mut usable, &mut others] {
        kind.sort_by(|(a, a_shared, _), (b, b_shared, _)| {
            let (a, b) = (a.entry, b.entry);
            b_shared
                .cmp(a_shared)
                .then_with(|| a.manifest.issuer().cmp(b.manifest.issuer()))
                .then_with(|| b.manifest.seq().cmp(&a.manifest.seq()))
                .then_with(|| a.path.cmp(&b.path))
        });
        // The closest distinct texts, with every manifest of each: reposts of one text by one
        // group cannot fill the shortlist and hide the other groups that signed it.
        let mut compared: Vec<(Digest, Comparison)> = Vec::new();
        for (mut c, _, text) in kind.drain(..) {
            let digest = c.entry.manifest.wire().canonical.digest;
            let comparison = match compared.iter().find(|(d, _)| *d == digest) {
                Some((_, known)) => known.clone(),
                None if compared.len() < MAX_APPROXIMATE_CANDIDATES => {
                    if std::time::Instant::now() >= deadline {
                        not_compared += 1;
                        continue;
                    }
                    let mut fresh = diff::compare(&text, &canonical.text);
                    if !c.usable() {
                        // Only a trusted statement's changes are ever shown. An untrusted one,
                        // which anybody can write at any length, keeps only its relation, so that
                        // hundreds of thousands of changes per look-alike cannot pile up.
                        fresh.changes = Vec::new();
                    }
                    compared.push((digest, fresh.clone()));
                    fresh
                }
                None => continue,
            };
            c.comparison = Some(comparison);
            out.push(c);
        }
    }
    if not_compared > 0 {
        warnings.push(Warning {
            kind: WarningKind::NotCompared,
            message: format!(
                "the time for comparing ran out ({} s) before {not_compared} similar statements were compared word by word; the verdict is about those that were",
                COMPARE_BUDGET.as_secs()
            ),
        });
    }
    // Trusted first, then the closest correspondence.
    out.sort_by_key(|c| {
        (
            !c.usable(),
            std::cmp::Reverse(c.comparison.as_ref().map_or(0, |k| k.unaltered_units)),
        )
    });
    out
}

fn add_comparison_warnings(report: &mut VerifyReport, c: &Comparison, copy_text: &str) {
    if c.surrounding_material {
        // Name the material (a page's menus and comments, an email's banner), so that a reader
        // can see what is not the group's.
        let named = c.aligned.as_ref().map(|(_, passage)| {
            let before = unsigned_excerpt(&copy_text[..passage.start], false);
            let after = unsigned_excerpt(&copy_text[passage.end..], true);
            match (before, after) {
                (Some(b), Some(a)) => format!(": before the statement [{b}], after it [{a}]"),
                (Some(b), None) => format!(": before the statement [{b}]"),
                (None, Some(a)) => format!(": after the statement [{a}]"),
                (None, None) => String::new(),
            }
        });
        report.warnings.push(Warning {
            kind: WarningKind::UnsignedMaterial,
            message: format!(
                "the copy contains material before or after the statement that is not part of what was signed{}",
                named.unwrap_or_default()
            ),
        });
    }
    if c.missing_beginning || c.missing_end {
        let which = match (c.missing_beginning, c.missing_end) {
            (true, true) => "its beginning and its end",
            (true, false) => "its beginning",
            _ => "its end",
        };
        report.warnings.push(Warning {
            kind: WarningKind::Partial,
            message: format!(
                "the copy lacks {which}: {} of the statement's {} words or characters are present unaltered",
                c.unaltered_units, c.statement_units
            ),
        });
    }
}

/// Characters of unsigned material shown on each side of a passage.
const UNSIGNED_EXCERPT_CHARS: usize = 120;

/// The unsigned material on one side of a passage, as a reader would quote it: its words (`⏎` for
/// a paragraph break), the part nearest the passage kept when it is long. None if there is none.
fn unsigned_excerpt(text: &str, after: bool) -> Option<String> {
    let words = text.trim().replace("\n\n", " ⏎ ");
    if words.is_empty() {
        return None;
    }
    let count = words.chars().count();
    if count <= UNSIGNED_EXCERPT_CHARS {
        return Some(words);
    }
    Some(if after {
        let head: String = words.chars().take(UNSIGNED_EXCERPT_CHARS).collect();
        format!("{head} … ({} characters in all)", count)
    } else {
        let tail: String = words.chars().skip(count - UNSIGNED_EXCERPT_CHARS).collect();
        format!("({} characters in all) … {tail}", count)
    })
}

/// At most this many statements are named in `similar_phrases` warnings.
const MAX_SIMILAR_PHRASE_WARNINGS: usize = 3;

/// For an `unknown` copy, name the statements it shares a phrase of at least
/// [`diff::MIN_SIMILAR_PHRASE_UNITS`] with, longest phrase first, and show the phrase: too little
/// to correspond, but the reader should know where the words come from.
fn add_similar_phrase_warnings(report: &mut VerifyReport, approximate: &[Candidate<'_>]) {
    let mut similar: Vec<(&Candidate<'_>, &Comparison, &diff::MatchedPassage)> = approximate
        .iter()
        .filter_map(|c| {
            let k = c.comparison.as_ref()?;
            let phrase = k.shared_phrase.as_ref()?;
            (k.relation == Relation::Unrelated && phrase.units >= diff::MIN_SIMILAR_PHRASE_UNITS)
                .then_some((c, k, phrase))
        })
        .collect();
    similar.sort_by_key(|(c, _, p)| (!c.usable(), std::cmp::Reverse(p.units)));
    for (c, k, phrase) in similar.into_iter().take(MAX_SIMILAR_PHRASE_WARNINGS) {
        let whose = if c.usable() {
            format!(
                "{} (signed by {:?})",
                c.entry.path.display(),
                c.entry.manifest.issuer()
            )
        } else {
            c.claim()
        };
        report.warnings.push(Warning {
            kind: WarningKind::SimilarPhrases,
            message: format!(
                "similar phrases found in {whose}, paragraph {}: \"{}\"; too little in common to correspond to it ({} of its {} and of the copy's {} words or characters unaltered, longest run {})",
                phrase.paragraph, phrase.text, k.unaltered_units, k.statement_units, k.copy_units, k.longest_run
            ),
        });
    }
}

/// One warning per kind of suspicious character the copy holds, naming each distinct character
/// among those listed (`docs/SPEC.md` §2.6: the first [`crate::canon::MAX_LISTED_SUSPICIOUS`]) with
/// the line where it first occurs, and counting the rest: a copy stuffed with millions of escape
/// characters gets one line ("… and 4,194,303 more control characters"), and a character of
/// another kind hidden after them is still warned about, by its count.
fn add_suspicious_warnings(report: &mut VerifyReport, canonical: &Canonical) {
    use SuspiciousKind::{Bidi, Control, Invisible, Tag};
    for kind in [Bidi, Tag, Invisible, Control] {
        let count = canonical.suspicious_counts.of(kind);
        if count == 0 {
            continue;
        }
        let (warning, plural, why) = match kind {
            Bidi => (
                WarningKind::BidiControl,
                "bidirectional control characters",
                "they can make the displayed text differ from the stored text",
            ),
            Tag => (
                WarningKind::TagCharacter,
                "tag characters",
                "they are invisible and can hide text",
            ),
            Invisible => (
                WarningKind::InvisibleCharacter,
                "invisible format characters",
                "they are invisible",
            ),
            Control => (
                WarningKind::ControlCharacter,
                "control characters",
                "they are control characters",
            ),
        };
        let mut named: Vec<&crate::canon::Suspicious> = Vec::new();
        for s in canonical.suspicious.iter().filter(|s| s.kind == kind) {
            if !named.iter().any(|n| n.codepoint == s.codepoint) {
                named.push(s);
            }
        }
        let mut parts: Vec<String> = named
            .iter()
            .map(|s| format!("{} {} at line {}", s.codepoint, s.name, s.line))
            .collect();
        let more = count - named.len() as u64;
        if parts.is_empty() {
            parts.push(format!(
                "{} {plural} (after the {} suspicious characters listed)",
                grouped(count),
                canonical.suspicious.len()
            ));
        } else if more > 0 {
            parts.push(format!("and {} more {plural}", grouped(more)));
        }
        report.warnings.push(Warning {
            kind: warning,
            message: format!("the copy contains {}: {why}", parts.join(", ")),
        });
    }
}

/// `n` with its thousands separated by commas: `4,194,303`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

fn add_archive_warnings(report: &mut VerifyReport, problems: &[LoadProblem]) {
    for p in problems.iter().take(MAX_LISTED_ARCHIVE_PROBLEMS) {
        report.warnings.push(Warning {
            kind: WarningKind::ArchiveFile,
            message: format!(
                "skipped {}: {}",
                p.path.display(),
                crate::archive::with_causes(&p.problem)
            ),
        });
    }
    if problems.len() > MAX_LISTED_ARCHIVE_PROBLEMS {
        report.warnings.push(Warning {
            kind: WarningKind::ArchiveFile,
            message: format!(
                "skipped {} more unusable archive files; run `attest audit` for the full list",
                problems.len() - MAX_LISTED_ARCHIVE_PROBLEMS
            ),
        });
    }
}

fn quoted_list(items: &[String]) -> String {
    if items.is_empty() {
        return "no trusted issuer".into();
    }
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A report's reference to a manifest file.
pub fn manifest_ref(entry: &Entry) -> ManifestRef {
    let m = &entry.manifest;
    let s = &m.wire().statement;
    ManifestRef {
        path: entry.path.display().to_string(),
        issuer: m.issuer().to_string(),
        seq: m.seq(),
        title: s.title.clone(),
        date: s.date.clone(),
        digest: m.digest().to_string(),
    }
}
