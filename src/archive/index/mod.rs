//! The archive index (docs/SPEC.md §5.5): a derived copy of what the light scans of `verify` and
//! `sign` read from every manifest, so that a look-up in a large archive reads a few files instead
//! of all of them.
//!
//! The manifests stay the source of truth, and the index is only a hint:
//!
//! - It lives in the archive's `.attest-index/` directory: a base segment written by
//!   `attest index rebuild` (and by `sign` now and then), and small delta segments that `sign` adds.
//! - Every entry carries the status its file had when indexed (size, modification and change
//!   times, inode, device); every directory too. Before use, [`View::open`] compares each with the
//!   file system. A directory whose status changed is listed again; a file whose status changed is
//!   not taken from the index but read, as without an index. The change time cannot be set by
//!   users, so even a file rewritten in place with its old size and time shows as changed.
//! - Every section is checked against its SHA-256. A damaged, truncated or foreign index (made for
//!   another directory: a copied archive) is not used at all.
//! - Whatever a look-up finds through it is read and checked in full before use, as always.
//!
//! So the index can make a look-up slower, never change its result: with or without it, the
//! listing, the digest matches and the similarity counts are the same.

pub(crate) mod format;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use self::format::{
    Content, DigestText, Entry, HeaderFailure, HeaderHint, Hints, Recorded, RecordedMeta, Segment,
    SimilarHint, Stamp, NO_DIR,
};
use super::head::{self, Header, SkipReason, Skipped};
use super::{FileProblem, IgnoreReason, Listing, Placement, INDEX_DIR_NAME};

/// The name of the base segment in the index directory.
pub const BASE_NAME: &str = "base.idx";
/// The prefix of delta segments' names.
pub const DELTA_PREFIX: &str = "delta-";
/// How many delta segments `sign` lets pile up before it rewrites the base.
pub const MAX_DELTAS: usize = 16;

/// Why the index could not be written.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The archive directory cannot be read.
    #[error("cannot read the archive {path}: {source}")]
    Archive {
        /// The archive.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The index directory or a segment could not be written.
    #[error("cannot write the index {path}; check that the archive directory is writable")]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Why an archive's index is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unused {
    /// The archive has no index (`attest index rebuild` makes one).
    Missing,
    /// The index is damaged, truncated, of another version, or made for another directory.
    Unusable(String),
}

/// How much of the index held, for `attest index status` and the benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Freshness {
    /// Entries taken from the index.
    pub indexed: usize,
    /// Entries read again because they are new or changed since they were indexed.
    pub changed: usize,
    /// Directories listed again because their content changed.
    pub dirs_relisted: usize,
    /// Index segments read.
    pub segments: usize,
}

/// Where one listing entry comes from.
#[derive(Debug)]
enum Slot {
    /// The index, unchanged since: segment and entry number (the path is the entry's).
    Indexed(usize, u32),
    /// The file system, now (new or changed): the path and its placement.
    Walked(PathBuf, Placement),
}

/// An archive's index, checked against the file system: the archive's listing, and the indexed
/// fields of every file unchanged since it was indexed.
#[derive(Debug)]
pub struct View {
    segments: Vec<Segment>,
    /// The archive directory.
    root: PathBuf,
    /// Every entry of the listing, in path order, and where it comes from.
    slots: Vec<Slot>,
    /// Which entry of each segment is current (a later segment may index a file again).
    current: Vec<Vec<bool>>,
    freshness: Freshness,
}

fn index_dir(root: &Path) -> PathBuf {
    root.join(INDEX_DIR_NAME)
}

fn lstat_stamp(path: &Path) -> Option<Stamp> {
    std::fs::symlink_metadata(path).ok().map(|m| Stamp::of(&m))
}

fn root_id(root: &Path) -> Option<(u64, u64)> {
    lstat_stamp(root).map(|s| (s.dev, s.ino))
}

/// The segments of the index at `root`: the base first, then the deltas in the order written.
fn segment_files(root: &Path) -> Result<Vec<PathBuf>, Unused> {
    let dir = index_dir(root);
    match std::fs::symlink_metadata(&dir) {
        Err(_) => return Err(Unused::Missing),
        Ok(m) if !m.is_dir() => {
            return Err(Unused::Unusable(
                "its .attest-index is not a directory".into(),
            ))
        }
        Ok(_) => {}
    }
    let base = dir.join(BASE_NAME);
    if std::fs::symlink_metadata(&base).is_err() {
        return Err(Unused::Missing);
    }
    let mut deltas: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| Unused::Unusable(format!("cannot read it: {e}")))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(DELTA_PREFIX) && n.ends_with(".idx"))
        })
        .collect();
    deltas.sort();
    // `sign` rewrites the base past MAX_DELTAS; a pile far beyond that was not made by attest,
    // and would only make every look-up slow.
    if deltas.len() > 4 * MAX_DELTAS {
        return Err(Unused::Unusable(format!(
            "it has {} delta segments, more than attest writes; run `attest index rebuild`",
            deltas.len()
        )));
    }
    let mut out = vec![base];
    out.extend(deltas);
    Ok(out)
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// A copy of a placement (an unreadable entry's error keeps its kind and message).
fn copy_placement(p: &Placement) -> Placement {
    match p {
        Placement::File => Placement::File,
        Placement::Passed => Placement::Passed,
        Placement::Ignored(r) => Placement::Ignored(*r),
        Placement::Problem(problem) => Placement::Problem(match problem {
            FileProblem::Unreadable { cause } => FileProblem::Unreadable {
                cause: std::io::Error::new(cause.kind(), cause.to_string()),
            },
            FileProblem::SymbolicLink => FileProblem::SymbolicLink,
            FileProblem::TooLarge { size } => FileProblem::TooLarge { size: *size },
            FileProblem::NotInArchive => FileProblem::NotInArchive,
            FileProblem::Malformed(_) => FileProblem::Unreadable {
                cause: std::io::Error::other(problem.to_string()),
            },
        }),
    }
}

const IGNORE_CODES: [IgnoreReason; 7] = [
    IgnoreReason::HiddenDirectory,
    IgnoreReason::AttestFile,
    IgnoreReason::NotAFile,
    IgnoreReason::NotAManifest,
    IgnoreReason::OtherFormat,
    IgnoreReason::Statement,
    IgnoreReason::KeyRecord,
];

/// The recorded code of an entry the listing passes over (attest's empty lock file).
const PASSED: u8 = 255;

fn ignore_code(r: IgnoreReason) -> u8 {
    IGNORE_CODES.iter().position(|x| *x == r).unwrap_or(0) as u8
}

fn recorded_placement(r: &RecordedMeta) -> Option<Placement> {
    Some(match r {
        RecordedMeta::Ignored(PASSED) => Placement::Passed,
        RecordedMeta::File(_) => Placement::File,
        RecordedMeta::SymbolicLink => Placement::Problem(FileProblem::SymbolicLink),
        RecordedMeta::TooLarge(size) => Placement::Problem(FileProblem::TooLarge { size: *size }),
        RecordedMeta::Ignored(code) => Placement::Ignored(*IGNORE_CODES.get(*code as usize)?),
    })
}

impl View {
    /// Open the index of the archive at `root` and check it against the file system.
    pub fn open(root: &Path) -> Result<View, Unused> {
        let files = segment_files(root)?;
        let here = root_id(root).ok_or(Unused::Missing)?;
        let segments: Vec<Segment> = files
            .par_iter()
            .map(|f| {
                Segment::open(f).map_err(|e| {
                    Unused::Unusable(format!("{}: {}", crate::fsutil::path_text(f), e.0))
                })
            })
            .collect::<Result<_, _>>()?;
        if segments.iter().any(|s| s.root != here) {
            return Err(Unused::Unusable(
                "it was made for another directory (a copied archive); run `attest index rebuild`"
                    .into(),
            ));
        }
        let mut view = View {
            current: segments
                .iter()
                .map(|s| vec![false; s.entries.len()])
                .collect(),
            segments,
            root: root.to_path_buf(),
            slots: Vec::new(),
            freshness: Freshness::default(),
        };
        view.freshness.segments = view.segments.len();
        view.refresh(root);
        Ok(view)
    }

    fn refresh(&mut self, root: &Path) {
        let segments = &self.segments;
        let base = &segments[0];
        // Delta entries replace the base's entry of the same path (found by binary search: the
        // base is in path order).
        let mut replaced = vec![false; base.entries.len()];
        for seg in &segments[1..] {
            for i in 0..seg.entries.len() {
                if let Some(b) = base.find(seg.path(i)) {
                    replaced[b] = true;
                }
            }
        }
        let dir_index: HashMap<&Path, usize> = base
            .dirs
            .iter()
            .enumerate()
            .map(|(i, (p, _))| (p.as_path(), i))
            .collect();
        let fresh: Vec<bool> = base
            .dirs
            .par_iter()
            .map(|(rel, stamp)| stamp.kind == 2 && lstat_stamp(&root.join(rel)) == Some(*stamp))
            .collect();
        // Which recorded directories are still where the listing would enter them: the root,
        // and each directory whose parent is alive and, if listed again, still holds it. The
        // directories are in path order, so a parent comes before its children.
        let mut alive = vec![false; base.dirs.len()];
        let mut extras: Vec<Slot> = Vec::new();
        // Recorded entries to compare with their record: (segment, entry).
        let mut to_check: Vec<(usize, u32)> = Vec::new();
        let mut walk_whole: Vec<PathBuf> = Vec::new();
        let mut entered_again: std::collections::HashSet<PathBuf> = Default::default();
        // A path's latest record, for the entries of directories listed again.
        let record_of = |rel: &Path| -> Option<(usize, u32)> {
            for (s, seg) in segments.iter().enumerate().rev() {
                if let Some(i) = seg.find(rel) {
                    if s > 0 || !replaced[i] {
                        return Some((s, i as u32));
                    }
                }
            }
            None
        };
        let mut relisted = 0;
        if base
            .dirs
            .first()
            .is_none_or(|(p, _)| !p.as_os_str().is_empty())
        {
            walk_whole.push(root.to_path_buf());
        }
        for (d, (rel, _)) in base.dirs.iter().enumerate() {
            alive[d] = match rel.parent() {
                None => rel.as_os_str().is_empty(),
                Some(parent) => dir_index.get(parent).is_some_and(|&p| {
                    alive[p] && (fresh[p] || entered_again.contains(&root.join(rel)))
                }),
            };
            if !alive[d] || fresh[d] {
                continue;
            }
            // Its entries changed: list it again. Entries with a record are still compared with
            // their record (a file `sign` recorded in a delta stays indexed).
            relisted += 1;
            let abs = root.join(rel);
            let walked = super::walk(root, &abs, false, false);
            for w in walked.entries {
                match record_of(&relative(root, &w.path)) {
                    Some(at) => to_check.push(at),
                    None => extras.push(Slot::Walked(w.path, w.placement)),
                }
            }
            for (sub, _) in walked.dirs.into_iter().filter(|(p, _)| *p != abs) {
                if dir_index.contains_key(relative(root, &sub).as_path()) {
                    entered_again.insert(sub);
                } else {
                    walk_whole.push(sub);
                }
            }
        }
        // Directories new since the index was made: walked whole (entries `sign` recorded in a
        // delta, in a folder it made, are still compared with their record).
        for dir in walk_whole {
            for w in super::walk(root, &dir, true, false).entries {
                match record_of(&relative(root, &w.path)) {
                    Some(at) => to_check.push(at),
                    None => extras.push(Slot::Walked(w.path, w.placement)),
                }
            }
        }
        // The entries of unchanged directories, base first in path order.
        let in_fresh_dir = |dir: u32, rel: &Path| -> bool {
            let d = if dir == NO_DIR {
                rel.parent().and_then(|p| dir_index.get(p).copied())
            } else {
                Some(dir as usize)
            };
            d.is_some_and(|d| alive[d] && fresh[d])
        };
        let mut from_base: Vec<(usize, u32)> = Vec::with_capacity(base.entries.len());
        for (i, e) in base.entries.iter().enumerate() {
            if !replaced[i] && in_fresh_dir(e.dir, base.path(i)) {
                from_base.push((0, i as u32));
            }
        }
        for (s, seg) in segments.iter().enumerate().skip(1) {
            for (i, e) in seg.entries.iter().enumerate() {
                let later = segments[s + 1..]
                    .iter()
                    .any(|l| l.find(seg.path(i)).is_some());
                if !later && in_fresh_dir(e.dir, seg.path(i)) {
                    to_check.push((s, i as u32));
                }
            }
        }
        to_check.sort_unstable();
        to_check.dedup();
        let check = |&(s, i): &(usize, u32)| -> Checked {
            let entry = &segments[s].entries[i as usize];
            let abs = root.join(segments[s].path(i as usize));
            match std::fs::symlink_metadata(&abs) {
                Ok(meta) if Stamp::of(&meta) == entry.stamp => Checked::Same(s, i),
                Ok(meta) => match place_again(&abs, &meta, &entry.recorded) {
                    Some(p) => Checked::Placed(abs, p),
                    None => Checked::Relist(abs),
                },
                Err(_) => Checked::Relist(abs),
            }
        };
        let base_checked: Vec<Checked> = check_in_runs(segments, root, &from_base, &check);
        let other_checked: Vec<Checked> = to_check.par_iter().map(check).collect();
        let mut ordered: Vec<Slot> = Vec::with_capacity(base_checked.len());
        let mut relist_late: Vec<PathBuf> = Vec::new();
        for (is_base, outcome) in base_checked
            .into_iter()
            .map(|c| (true, c))
            .chain(other_checked.into_iter().map(|c| (false, c)))
        {
            let slot = match outcome {
                Checked::Same(s, i) => Slot::Indexed(s, i),
                Checked::Placed(abs, p) => Slot::Walked(abs, p),
                Checked::Relist(abs) => {
                    if let Some(parent) = abs.parent() {
                        relist_late.push(parent.to_path_buf());
                    }
                    continue;
                }
            };
            if is_base {
                ordered.push(slot);
            } else {
                extras.push(slot);
            }
        }
        // Every slot's path relative to the archive, by which the listing is ordered. A changed
        // file of an unchanged directory was placed anew (walked) but keeps its place among the
        // base's entries: it is ordered by its own path too, or the listing would fall out of
        // order and each file be given another file's indexed fields.
        fn base_rel<'a>(segments: &'a [Segment], root: &Path, slot: &'a Slot) -> &'a Path {
            match slot {
                Slot::Indexed(s, i) => segments[*s].path(*i as usize),
                Slot::Walked(p, _) => p.strip_prefix(root).unwrap_or(p),
            }
        }
        // An entry gone or of another kind in an unchanged directory (a race with a writer):
        // the directory is listed again, and any directory new in it walked whole.
        relist_late.sort();
        relist_late.dedup();
        for dir in relist_late {
            relisted += 1;
            let rel_dir = relative(root, &dir);
            let elsewhere =
                |slot: &Slot| base_rel(segments, root, slot).parent() != Some(rel_dir.as_path());
            ordered.retain(elsewhere);
            extras.retain(elsewhere);
            let walked = super::walk(root, &dir, false, false);
            let new_dirs: Vec<PathBuf> = walked
                .dirs
                .into_iter()
                .map(|(p, _)| p)
                .filter(|p| *p != dir && !dir_index.contains_key(relative(root, p).as_path()))
                .collect();
            let whole = new_dirs
                .iter()
                .flat_map(|d| super::walk(root, d, true, false).entries);
            for w in walked.entries.into_iter().chain(whole) {
                extras.push(Slot::Walked(w.path, w.placement));
            }
        }
        // One listing in path order: the base's part is in order already (checked when the
        // segment was opened); the few others are sorted and merged in.
        let mut extras: Vec<(PathBuf, Slot)> = extras
            .into_iter()
            .map(|x| (base_rel(segments, root, &x).to_path_buf(), x))
            .collect();
        extras.sort_by(|a, b| a.0.cmp(&b.0));
        extras.dedup_by(|a, b| a.0 == b.0);
        let mut merged: Vec<Slot> = Vec::with_capacity(ordered.len() + extras.len());
        let mut rest = ordered.into_iter().peekable();
        for (rel, extra) in extras {
            while let Some(next) = rest.next_if(|x| base_rel(segments, root, x) < rel.as_path()) {
                merged.push(next);
            }
            // The same path from both: the later look (the extra) wins.
            let _ = rest.next_if(|x| base_rel(segments, root, x) == rel.as_path());
            merged.push(extra);
        }
        merged.extend(rest);
        // The indexed fields of the listing's k-th file are found by its k-th slot: the slots
        // must be in path order, each path once, whatever went before.
        let key = |slot: &Slot| base_rel(segments, root, slot).to_path_buf();
        if !merged
            .windows(2)
            .all(|w| base_rel(segments, root, &w[0]) < base_rel(segments, root, &w[1]))
        {
            merged.sort_by_cached_key(key);
            merged.dedup_by(|a, b| base_rel(segments, root, a) == base_rel(segments, root, b));
        }
        for slot in &merged {
            if let Slot::Indexed(s, i) = slot {
                self.current[*s][*i as usize] = true;
            }
        }
        self.freshness.dirs_relisted = relisted;
        self.freshness.indexed = merged
            .iter()
            .filter(|s| matches!(s, Slot::Indexed(..)))
            .count();
        self.freshness.changed = merged
            .iter()
            .filter(|s| matches!(s, Slot::Walked(_, p) if !matches!(p, Placement::Passed)))
            .count();
        self.slots = merged;
    }

    /// The path of a slot.
    fn path_of(&self, slot: &Slot) -> PathBuf {
        match slot {
            Slot::Indexed(s, i) => self.root.join(self.segments[*s].path(*i as usize)),
            Slot::Walked(p, _) => p.clone(),
        }
    }

    /// The archive's listing, as a full walk would give it.
    pub fn listing(&self) -> Listing {
        let mut listing = Listing::default();
        for slot in &self.slots {
            let placement = match slot {
                Slot::Indexed(s, i) => {
                    match recorded_placement(&self.segments[*s].entries[*i as usize].recorded) {
                        Some(p) => p,
                        None => continue,
                    }
                }
                Slot::Walked(_, p) => copy_placement(p),
            };
            listing.push(self.path_of(slot), placement);
        }
        listing.sort();
        listing
    }

    /// For each file of [`View::listing`], in order, where its indexed fields are: the entry,
    /// when the file is unchanged since it was indexed and they could be read then.
    pub fn file_positions(&self) -> Vec<Option<Position>> {
        self.slots
            .iter()
            .filter_map(|slot| match slot {
                Slot::Indexed(s, i) => match self.segments[*s].entries[*i as usize].recorded {
                    RecordedMeta::File(true) => Some(Some(Position(*s, *i))),
                    RecordedMeta::File(false) => Some(None),
                    _ => None,
                },
                Slot::Walked(_, Placement::File) => Some(None),
                Slot::Walked(..) => None,
            })
            .collect()
    }

    /// How much of the index held.
    pub fn freshness(&self) -> Freshness {
        self.freshness
    }

    /// The indexed fields at `at`.
    pub fn hints_at(&self, at: Position) -> Option<Hints> {
        self.segments.get(at.0)?.hints(at.1 as usize)
    }

    /// The indexed similarity fields at `at` ([`Hints::similar`]), read without the rest.
    pub fn similar_at(&self, at: Position) -> Option<SimilarHint> {
        self.segments.get(at.0)?.similar(at.1 as usize)
    }

    /// The indexed digests at `at` ([`Hints::digests`]), read without the rest.
    pub fn digests_at(&self, at: Position) -> Option<(DigestText, DigestText)> {
        self.segments.get(at.0)?.digests(at.1 as usize)
    }

    /// The indexed fields of the manifest file `path`, if it is unchanged since it was indexed
    /// and they could be read then.
    pub fn hints(&self, path: &Path) -> Option<Hints> {
        let k = self
            .slots
            .binary_search_by(|slot| self.path_of(slot).as_path().cmp(path))
            .ok()?;
        match self.slots[k] {
            Slot::Indexed(s, i) => self.hints_at(Position(s, i)),
            Slot::Walked(..) => None,
        }
    }

    /// For every indexed manifest unchanged since, how many of `shingles` (distinct) its
    /// paragraphs hold, by position. Only manifests with at least one are named. Fails when a
    /// bucket the look-up needs is damaged: the caller then reads every manifest instead.
    pub fn shared_shingles(
        &self,
        shingles: &[u64],
    ) -> Result<HashMap<Position, usize>, format::Corrupt> {
        let mut counts: HashMap<Position, usize> = HashMap::new();
        for (s, seg) in self.segments.iter().enumerate() {
            let current = &self.current[s];
            seg.postings(shingles, |id| {
                if current[id as usize] {
                    *counts.entry(Position(s, id)).or_default() += 1;
                }
            })?;
        }
        Ok(counts)
    }

    /// The chain headers of `files` (as [`head::read_headers`] gives them), where `positions`
    /// are [`View::file_positions`] for them: from the index for the files unchanged since
    /// indexed, read for the others. Keeps those `keep` accepts.
    pub fn read_headers(
        &self,
        files: &[PathBuf],
        positions: &[Option<Position>],
        keep: impl Fn(&Header) -> bool + Sync,
    ) -> (Vec<Header>, Vec<Skipped>) {
        let mut unindexed: Vec<PathBuf> = Vec::new();
        let mut headers = Vec::new();
        let mut skipped = Vec::new();
        for (k, path) in files.iter().enumerate() {
            let hints = positions
                .get(k)
                .copied()
                .flatten()
                .and_then(|at| self.hints_at(at));
            match hints {
                Some(hints) => match header_of(path, &hints) {
                    Ok(h) => {
                        if keep(&h) {
                            headers.push(h);
                        }
                    }
                    Err(s) => skipped.push(s),
                },
                None => unindexed.push(path.clone()),
            }
        }
        let (more, more_skipped) = head::read_headers(&unindexed, &keep);
        headers.extend(more);
        skipped.extend(more_skipped);
        // In the order of `files` (path order), as without the index: `sign`'s warnings, and
        // which manifests it names, come out in this order.
        headers.sort_by(|a, b| a.path.cmp(&b.path));
        skipped.sort_by(|a, b| a.path.cmp(&b.path));
        (headers, skipped)
    }
}

/// [`Checked`] for each of `entries` (in order), where `check` is the plain way: on Unix, each run
/// of entries in one directory is checked with one open directory and an `fstatat` per name,
/// which spares the kernel a lookup of every whole path (the freshness check's main cost).
fn check_in_runs(
    segments: &[Segment],
    root: &Path,
    entries: &[(usize, u32)],
    check: &(dyn Fn(&(usize, u32)) -> Checked + Sync),
) -> Vec<Checked> {
    #[cfg(unix)]
    {
        // Runs of up to 512 entries of one directory, checked in parallel.
        let mut runs: Vec<&[(usize, u32)]> = Vec::new();
        let mut rest = entries;
        while !rest.is_empty() {
            let (s, i) = rest[0];
            let dir = segments[s].entries[i as usize].dir;
            // An entry without a directory number is a run of its own.
            let n = if dir == NO_DIR {
                1
            } else {
                rest.iter()
                    .take(512)
                    .take_while(|(s2, i2)| {
                        *s2 == s && segments[*s2].entries[*i2 as usize].dir == dir
                    })
                    .count()
            };
            let (run, after) = rest.split_at(n.max(1));
            runs.push(run);
            rest = after;
        }
        runs.par_iter()
            .flat_map_iter(|run| check_run(segments, root, run, check))
            .collect()
    }
    #[cfg(not(unix))]
    {
        let _ = (segments, root);
        entries.par_iter().map(check).collect()
    }
}

#[cfg(unix)]
fn check_run(
    segments: &[Segment],
    root: &Path,
    run: &[(usize, u32)],
    check: &(dyn Fn(&(usize, u32)) -> Checked + Sync),
) -> Vec<Checked> {
    use rustix::fs::{AtFlags, Mode, OFlags, CWD};
    let (s, i) = run[0];
    let first = segments[s].path(i as usize);
    let dir = root.join(first.parent().unwrap_or(Path::new("")));
    let Ok(fd) = rustix::fs::openat(
        CWD,
        &dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW,
        Mode::empty(),
    ) else {
        return run.iter().map(check).collect();
    };
    run.iter()
        .map(|at| {
            let (s, i) = *at;
            let entry = &segments[s].entries[i as usize];
            let Some(name) = segments[s].path(i as usize).file_name() else {
                return check(at);
            };
            match rustix::fs::statat(&fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) if Stamp::of_stat(&st) == entry.stamp => Checked::Same(s, i),
                // Changed or gone: the plain way says how.
                _ => check(at),
            }
        })
        .collect()
}

/// Where an entry's indexed fields are: segment and entry number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position(usize, u32);

/// The outcome of comparing a recorded entry with the file system.
enum Checked {
    /// Unchanged: the record holds.
    Same(usize, u32),
    /// Changed, and placed again: the path and its placement.
    Placed(PathBuf, Placement),
    /// Gone or of another kind: its directory must be listed again.
    Relist(PathBuf),
}

/// What the listing makes of a recorded entry whose status changed but whose kind did not: a
/// placement that follows from its name and kind stays; a regular file is placed again by its new
/// size and content. None when its kind changed.
fn place_again(abs: &Path, meta: &std::fs::Metadata, was: &RecordedMeta) -> Option<Placement> {
    let kind = meta.file_type();
    let by_name = |r: &IgnoreReason| {
        matches!(
            r,
            IgnoreReason::AttestFile | IgnoreReason::KeyRecord | IgnoreReason::HiddenDirectory
        )
    };
    let lock_name = abs
        .file_name()
        .is_some_and(|n| n == super::lock::LOCK_FILE_NAME);
    match (was, recorded_placement(was)) {
        _ if lock_name && kind.is_file() && meta.len() == 0 => Some(Placement::Passed),
        (RecordedMeta::SymbolicLink, _) if kind.is_symlink() => {
            Some(Placement::Problem(FileProblem::SymbolicLink))
        }
        (_, Some(Placement::Ignored(r))) if by_name(&r) => {
            let same_kind = if r == IgnoreReason::HiddenDirectory {
                kind.is_dir()
            } else {
                kind.is_file()
            };
            same_kind.then_some(Placement::Ignored(r))
        }
        (RecordedMeta::Ignored(_), Some(Placement::Ignored(IgnoreReason::NotAFile))) => {
            (!kind.is_file() && !kind.is_dir() && !kind.is_symlink())
                .then_some(Placement::Ignored(IgnoreReason::NotAFile))
        }
        (RecordedMeta::SymbolicLink, _) => None,
        _ if kind.is_file() => Some(super::place_file(abs, Some(meta.len()))),
        _ => None,
    }
}

/// The reasons a header cannot be read, by their recorded number ([`HeaderFailure::kind`]).
const FAILURE_CODES: [SkipReason; 6] = [
    SkipReason::Unreadable,
    SkipReason::TooLarge,
    SkipReason::NotAnObject,
    SkipReason::NotAManifest,
    SkipReason::UnknownFormat,
    SkipReason::OtherFormat,
];

fn header_of(path: &Path, hints: &Hints) -> Result<Header, Skipped> {
    match &hints.header {
        Ok(h) => Ok(Header {
            path: path.to_path_buf(),
            issuer: h.issuer.clone(),
            seq: h.seq,
            key_ids: h.key_ids.clone(),
            exact_digest: h.exact_digest,
            cosigners: h
                .cosigners
                .iter()
                .map(|(issuer, seq, key_id)| head::CosignerHeader {
                    issuer: issuer.clone(),
                    seq: *seq,
                    key_id: key_id.clone(),
                })
                .collect(),
        }),
        Err(f) => Err(Skipped {
            path: path.to_path_buf(),
            reason: FAILURE_CODES
                .get(usize::from(f.kind))
                .copied()
                .unwrap_or(SkipReason::OtherFormat),
            detail: f.detail.clone(),
        }),
    }
}

/// The indexed fields of manifest bytes (what the light scans read), and the shingles of its
/// paragraphs, sorted.
pub(crate) fn hints_of(bytes: &[u8], path: &Path) -> (Hints, Vec<u64>) {
    let digests = super::light_digests(bytes)
        .map(|(x, c)| (DigestText::from_text(&x), DigestText::from_text(&c)));
    let mut shingles = Vec::new();
    let similar = super::light_paragraphs(bytes).map(|p| {
        shingles = p.shingles();
        SimilarHint {
            issuer: p.issuer,
            key_ids: p.key_ids,
            canonical_digest: DigestText::from_text(&p.digest),
        }
    });
    let header = match head::parse_header(bytes, path) {
        Ok(h) => Ok(HeaderHint {
            issuer: h.issuer,
            seq: h.seq,
            key_ids: h.key_ids,
            exact_digest: h.exact_digest,
            cosigners: h
                .cosigners
                .into_iter()
                .map(|c| (c.issuer, c.seq, c.key_id))
                .collect(),
        }),
        Err(e) => Err(HeaderFailure {
            kind: FAILURE_CODES
                .iter()
                .position(|r| *r == e.skip_reason())
                .unwrap_or(FAILURE_CODES.len() - 1) as u8,
            detail: head::error_chain(&e),
        }),
    };
    (
        Hints {
            digests,
            similar,
            header,
        },
        shingles,
    )
}

/// Read one regular file and index it: its status from the open file, so that a change after
/// this read shows. None when it cannot be read (it is then read at each look-up).
fn index_file(path: &Path) -> Option<(Stamp, Hints, Vec<u64>)> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > super::MAX_MANIFEST_BYTES {
        return None;
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(super::MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 != meta.len() {
        return None;
    }
    let (hints, shingles) = hints_of(&bytes, path);
    Some((Stamp::of(&meta), hints, shingles))
}

/// Walk the archive at `root` and index it whole.
fn build(root: &Path) -> Result<Content, IndexError> {
    let root_meta = std::fs::symlink_metadata(root).map_err(|source| IndexError::Archive {
        path: root.to_path_buf(),
        source,
    })?;
    let root_stamp = Stamp::of(&root_meta);
    let clock = file_system_now(&index_dir(root));
    let walked = super::walk(root, root, true, true);
    let mut dirs: BTreeMap<PathBuf, Stamp> = walked
        .dirs
        .iter()
        .map(|(p, m)| {
            // A directory whose status could not be had is never taken as unchanged.
            let stamp = m.as_ref().map(Stamp::of).unwrap_or_default();
            (relative(root, p), stamp)
        })
        .collect();
    let mut never_fresh: Vec<PathBuf> = Vec::new();
    let mut plain: Vec<(PathBuf, Stamp, Placement)> = Vec::new();
    let mut files: Vec<(PathBuf, Stamp)> = Vec::new();
    for w in walked.entries {
        let rel = relative(root, &w.path);
        match (w.meta, w.placement) {
            (Some(meta), Placement::File) => files.push((rel, Stamp::of(&meta))),
            (Some(meta), placement) => plain.push((rel, Stamp::of(&meta), placement)),
            // Something the walk could not read: where it lies is listed again at every use.
            (None, _) => never_fresh.push(if dirs.contains_key(&rel) {
                rel
            } else {
                rel.parent().map(Path::to_path_buf).unwrap_or_default()
            }),
        }
    }
    for rel in never_fresh {
        dirs.insert(rel, Stamp::default());
    }
    let dirs: Vec<(PathBuf, Stamp)> = dirs.into_iter().collect();
    let dir_of: HashMap<&Path, u32> = dirs
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (p.as_path(), i as u32))
        .collect();
    let dir_id = |rel: &Path| {
        rel.parent()
            .and_then(|p| dir_of.get(p).copied())
            .unwrap_or(NO_DIR)
    };
    let mut indexed: Vec<(Entry, Vec<u64>)> = Vec::new();
    for (rel, stamp, placement) in plain {
        let recorded = match placement {
            Placement::Problem(FileProblem::SymbolicLink) => Recorded::SymbolicLink,
            Placement::Problem(FileProblem::TooLarge { size }) => Recorded::TooLarge(size),
            Placement::Ignored(r) => Recorded::Ignored(ignore_code(r)),
            Placement::Passed => Recorded::Ignored(PASSED),
            // Other problems are not kept: their directory is listed again at each use.
            Placement::Problem(_) | Placement::File => continue,
        };
        let dir = dir_id(&rel);
        indexed.push((
            Entry {
                path: rel,
                dir,
                stamp,
                recorded,
            },
            Vec::new(),
        ));
    }
    let read: Vec<(Entry, Vec<u64>)> = files
        .into_par_iter()
        .map(|(rel, stamp)| {
            let dir = dir_id(&rel);
            match index_file(&root.join(&rel)) {
                Some((stamp, hints, shingles)) => (
                    Entry {
                        path: rel,
                        dir,
                        stamp,
                        recorded: Recorded::File(Some(Box::new(hints))),
                    },
                    shingles,
                ),
                None => (
                    Entry {
                        path: rel,
                        dir,
                        stamp,
                        recorded: Recorded::File(None),
                    },
                    Vec::new(),
                ),
            }
        })
        .collect();
    indexed.extend(read);
    // In path order: readers make the listing from the entries as stored.
    indexed.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let (mut entries, shingles): (Vec<Entry>, Vec<Vec<u64>>) = indexed.into_iter().unzip();
    let mut dirs = dirs;
    // Racy stamps: on a file system whose time stamps are coarser than its changes (Linux before
    // 6.13, FAT, some network file systems), an entry changed in the same clock tick as the index
    // was made could change again within that tick and keep its stamp. Such entries are recorded
    // as never unchanged, so they are read again at each use (until the next rebuild).
    if let Some(now) = clock {
        let racy = |s: &Stamp| s.mtime >= now || s.ctime >= now;
        for (_, stamp) in dirs.iter_mut() {
            if racy(stamp) {
                stamp.kind = 0;
            }
        }
        for e in entries.iter_mut() {
            if racy(&e.stamp) {
                e.stamp.kind = 0;
            }
        }
    }
    Ok(Content {
        root: (root_stamp.dev, root_stamp.ino),
        dirs,
        entries,
        shingles,
    })
}

/// The file system's clock, as the modification time of a file written in `dir` now (None when it
/// cannot be written): what a change from now on would be stamped with, at the file system's
/// granularity.
fn file_system_now(dir: &Path) -> Option<(i64, u32)> {
    let probe = dir.join(format!(
        "{}clock-{}",
        super::TEMPORARY_PREFIX,
        std::process::id()
    ));
    let file = std::fs::File::create(&probe).ok()?;
    let stamp = file.metadata().ok().map(|m| Stamp::of(&m));
    drop(file);
    let _ = std::fs::remove_file(&probe);
    stamp.map(|s| s.mtime)
}

/// What `attest index rebuild` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Rebuilt {
    /// Manifest files indexed (files that may be manifests).
    pub files: usize,
    /// Of those, the ones whose fields could not be read (they are read at each look-up).
    pub unread: usize,
    /// Directories recorded.
    pub dirs: usize,
    /// The size of the index written, in bytes.
    pub bytes: u64,
}

/// Index the archive at `root` whole, replacing its index. The caller holds the archive lock
/// ([`super::lock::ArchiveLock`]), so that no signer adds a delta meanwhile.
pub fn rebuild(root: &Path) -> Result<Rebuilt, IndexError> {
    let dir = index_dir(root);
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| IndexError::Write { path, source }
    };
    if let Ok(m) = std::fs::symlink_metadata(&dir) {
        if !m.is_dir() {
            return Err(IndexError::Write {
                path: dir,
                source: std::io::Error::other(
                    "it is not a directory; remove it and run `attest index rebuild` again",
                ),
            });
        }
    }
    // Made before the walk, so that the archive directory's recorded status includes it.
    crate::fsutil::create_dirs(&dir).map_err(write_err(&dir))?;
    let content = build(root)?;
    let bytes = format::encode(&content);
    let base = dir.join(BASE_NAME);
    crate::fsutil::write_replace(&base, &bytes, 0o644).map_err(|e| IndexError::Write {
        path: base.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    // The base now holds everything the deltas held.
    if let Ok(Ok(listing)) = std::fs::read_dir(&dir).map(|r| r.collect::<Result<Vec<_>, _>>()) {
        for e in listing {
            let name = e.file_name();
            if name.to_string_lossy().starts_with(DELTA_PREFIX) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let files = content
        .entries
        .iter()
        .filter(|e| matches!(e.recorded, Recorded::File(_)))
        .count();
    let unread = content
        .entries
        .iter()
        .filter(|e| matches!(e.recorded, Recorded::File(None)))
        .count();
    Ok(Rebuilt {
        files,
        unread,
        dirs: content.dirs.len(),
        bytes: bytes.len() as u64,
    })
}

/// Record the manifests `sign` has just written at `paths` in the index of the archive at
/// `root`, as one delta segment. The base is rewritten instead when the archive had no usable
/// index (`had_index` false: none, or a damaged or foreign one), when [`MAX_DELTAS`] deltas have
/// piled up, or when many manifests were written at once. The caller holds the archive lock. A
/// delta records only the files: their directories' changed status still has them listed again
/// at each use until the base is rewritten, so nothing written meanwhile by other means goes
/// unseen.
pub fn record_written(root: &Path, paths: &[PathBuf], had_index: bool) -> Result<(), IndexError> {
    if paths.is_empty() {
        return Ok(());
    }
    let segments = segment_files(root).map_or(0, |f| f.len());
    if !had_index || segments == 0 || segments > MAX_DELTAS || paths.len() > 1024 {
        return rebuild(root).map(|_| ());
    }
    let Some(here) = root_id(root) else {
        return Ok(());
    };
    // Each file read back as written (one unreadable right after it was written is left out: it
    // is read at each use), in path order as readers require.
    let mut read: Vec<(Entry, Vec<u64>)> = paths
        .iter()
        .filter_map(|path| {
            let (stamp, hints, shingles) = index_file(path)?;
            let entry = Entry {
                path: relative(root, path),
                dir: NO_DIR,
                stamp,
                recorded: Recorded::File(Some(Box::new(hints))),
            };
            Some((entry, shingles))
        })
        .collect();
    read.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    read.dedup_by(|a, b| a.0.path == b.0.path);
    let (entries, shingles) = read.into_iter().unzip();
    let bytes = format::encode(&Content {
        root: here,
        dirs: Vec::new(),
        entries,
        shingles,
    });
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let delta = index_dir(root).join(format!(
        "{DELTA_PREFIX}{nanos:024}-{}.idx",
        std::process::id()
    ));
    crate::fsutil::write_new(&delta, &bytes, 0o644).map_err(|e| IndexError::Write {
        path: delta.clone(),
        source: std::io::Error::other(e.to_string()),
    })
}
