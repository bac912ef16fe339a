//! The archive: a tree of manifest files (`*.json`), possibly from many issuers.
//!
//! Everything above this layer reads an archive through the [`Archive`] trait (list the manifest
//! files, read one), so that verify and audit work the same on a directory ([`DirArchive`]), on
//! manifests held in memory ([`MemoryArchive`]: tests, fuzzing, a browser), and later on an index.
//! The light scans here ([`find_by_digest`], [`most_similar`]) read only a few fields of each
//! manifest; they are hints, and whatever they find is read and checked in full before use.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::digest::Digest;
use crate::manifest::{Manifest, ManifestError};

pub(crate) mod head;
pub mod index;
pub mod lock;
pub mod state;

/// Largest manifest file read: 4 MiB (`docs/SPEC.md` §5.1). A manifest holds one statement's
/// canonical text, its paragraph digests and a few signatures, about 1.6 times the statement's
/// size: room for a statement of more than 2 MiB, where letters run to tens of kilobytes. A larger
/// file is listed as a problem and never read, so one junk file cannot make every scan of the
/// archive (each of which holds a file in memory, several at once) cost gigabytes.
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

/// A manifest and the file it came from.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The manifest file.
    pub path: PathBuf,
    /// The checked manifest.
    pub manifest: Manifest,
}

/// Why one file in the archive could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    /// The file or directory could not be read.
    #[error("cannot read it: {cause}")]
    Unreadable {
        /// The I/O error.
        #[source]
        cause: std::io::Error,
    },
    /// A symbolic link: an archive's links are never followed, since they could point anywhere.
    #[error("is a symbolic link; attest does not follow links in an archive. Copy what it points to into the archive instead")]
    SymbolicLink,
    /// Too large to be a manifest.
    #[error(
        "is {size} bytes, larger than the {MAX_MANIFEST_BYTES} bytes a manifest may have, so it was \
         not read; this is not a manifest: remove it from the archive"
    )]
    TooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// Not a valid manifest.
    #[error(transparent)]
    Malformed(ManifestError),
    /// Not in the archive (a name that [`Archive::list`] did not give).
    #[error("is not a file of this archive")]
    NotInArchive,
}

/// An error's message followed by its causes, for reports that carry one sentence per problem
/// (serde's detail under a manifest error names the member and where it is).
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text
}

/// A file in the archive that could not be used, and why.
#[derive(Debug)]
pub struct LoadProblem {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: FileProblem,
}

/// The archive as a whole could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The archive's directory cannot be read.
    #[error("cannot read the archive {path}: {cause}. Pass --archive DIR to name the directory of manifests")]
    Unreadable {
        /// The directory.
        path: String,
        /// The I/O error.
        #[source]
        cause: std::io::Error,
    },
    /// `audit --statements DIR` names something that is not a readable directory. Fail closed: a
    /// misspelled directory would otherwise check no statement at all.
    #[error("cannot read the statements directory {path}: {cause}. Pass --statements DIR naming the directory of statement files")]
    StatementsDir {
        /// The directory.
        path: String,
        /// The I/O error.
        #[source]
        cause: std::io::Error,
    },
    /// The archive holds no manifest file at all. Fail closed: that is more likely a wrong path
    /// than an empty archive.
    #[error(
        "the archive {path} holds no manifest files (*.json). Pass the directory of manifests"
    )]
    Empty {
        /// The directory.
        path: String,
    },
}

/// The manifest files of an archive, the files that could not even be listed, and the entries
/// that are not manifests.
#[derive(Debug, Default)]
pub struct Listing {
    /// Every manifest file (and every file that may be one), sorted.
    pub files: Vec<PathBuf>,
    /// Entries that could not be used (unreadable directories, symbolic links, files larger than
    /// [`MAX_MANIFEST_BYTES`]).
    pub problems: Vec<LoadProblem>,
    /// Entries that are not manifests, with why: nothing in an archive is passed over in silence.
    pub ignored: Vec<Ignored>,
}

/// Why an archive entry is not read as a manifest (`ignored` in audit reports).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum IgnoreReason {
    /// A directory whose name starts with `.` (such as `.git`): not entered.
    HiddenDirectory,
    /// A temporary file attest writes before linking a file into place.
    AttestFile,
    /// Neither a regular file, a directory nor a link (a FIFO, a socket, a device).
    NotAFile,
    /// Not named `*.json`, and its content is not a manifest.
    NotAManifest,
    /// Named `*.json`, but a JSON object whose `format` is not a manifest's (or that has none).
    OtherFormat,
    /// A statement file, named by a manifest beside it.
    Statement,
    /// A revocation or key-change record (`*.revocation`, `*.key-change`, docs/SPEC.md §3.4):
    /// read by the trust decision, not as a manifest.
    KeyRecord,
}

impl IgnoreReason {
    /// The reason's name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            IgnoreReason::HiddenDirectory => "hidden_directory",
            IgnoreReason::AttestFile => "attest_file",
            IgnoreReason::NotAFile => "not_a_file",
            IgnoreReason::NotAManifest => "not_a_manifest",
            IgnoreReason::OtherFormat => "other_format",
            IgnoreReason::Statement => "statement",
            IgnoreReason::KeyRecord => "key_record",
        }
    }
}

/// An entry of the archive that is not read as a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The entry.
    pub path: PathBuf,
    /// Why it is not a manifest.
    pub reason: IgnoreReason,
}

/// Name of the files attest writes while it links a new file into place.
pub const TEMPORARY_PREFIX: &str = ".attest-tmp-";

/// Whether `path` is named like a manifest: its extension is `json`, in any case.
pub fn json_named(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The `format` member of a JSON object, read without anything else.
#[derive(serde::Deserialize)]
struct FormatOnly {
    format: Option<serde_json::Value>,
}

/// The format tag prefix of manifests (`attest-manifest/1`, `/2`, and later versions).
pub const MANIFEST_FORMAT_PREFIX: &str = "attest-manifest/";

/// What a file's content says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// A JSON object whose `format` names a manifest (of any version).
    Manifest,
    /// A JSON object with another `format`, or none.
    OtherJson,
    /// Not a JSON object.
    NotJson,
}

/// Read at most `MAX_MANIFEST_BYTES` of a regular file and say whether it is a manifest by its
/// content: a JSON object whose `format` starts with `attest-manifest/`. Files that do not start with
/// `{` are not read further than their first bytes.
pub(crate) fn sniff(path: &Path) -> Sniffed {
    use std::io::Read as _;
    let Ok(file) = std::fs::File::open(path) else {
        return Sniffed::NotJson;
    };
    let mut bytes = Vec::new();
    let mut head = file.take(MAX_MANIFEST_BYTES);
    let mut first = [0u8; 512];
    let Ok(n) = head.read(&mut first) else {
        return Sniffed::NotJson;
    };
    bytes.extend_from_slice(&first[..n]);
    let starts_object = bytes
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .is_some_and(|b| *b == b'{');
    if !starts_object || head.read_to_end(&mut bytes).is_err() {
        return Sniffed::NotJson;
    }
    sniff_bytes(&bytes)
}

/// [`sniff`] on bytes already read.
pub(crate) fn sniff_bytes(bytes: &[u8]) -> Sniffed {
    match crate::wire::from_slice::<FormatOnly>(bytes) {
        Ok(FormatOnly {
            format: Some(serde_json::Value::String(f)),
        }) if f.starts_with(MANIFEST_FORMAT_PREFIX) => Sniffed::Manifest,
        Ok(_) => Sniffed::OtherJson,
        Err(_) => Sniffed::NotJson,
    }
}

/// Where manifests come from: list them, read one. Implemented for a directory ([`DirArchive`])
/// and for manifests in memory ([`MemoryArchive`]); verify and audit take this trait, not paths.
pub trait Archive: Sync {
    /// A name for messages and reports (the directory, for a directory archive).
    fn name(&self) -> String;
    /// Every manifest file. Fails only when the archive as a whole cannot be read.
    fn list(&self) -> Result<Listing, ArchiveError>;
    /// The bytes of one manifest file named by [`Archive::list`], at most [`MAX_MANIFEST_BYTES`].
    fn read(&self, path: &Path) -> Result<Vec<u8>, FileProblem>;
    /// Where a statement file signed as `file_name` may lie beside the manifest at `manifest`
    /// (audit compares such files with their manifests). None for archives without files.
    fn statement_beside(&self, manifest: &Path, file_name: &str) -> Option<PathBuf> {
        let _ = (manifest, file_name);
        None
    }
    /// The directory under which `sign` lays manifests out (`<root>/<issuer slug>/<seq>-…json`),
    /// for archives with such a layout: audit then reports manifests whose path disagrees with
    /// their content (`misplaced`).
    fn layout_root(&self) -> Option<&Path> {
        None
    }
    /// The key record files (revocations and key changes, docs/SPEC.md §3.4): every file whose
    /// name ends in one of [`KEY_RECORD_EXTENSIONS`]. They are never manifests, and
    /// [`Archive::list`] never lists them. Read them with [`Archive::read`]. None by default.
    fn key_record_files(&self) -> Vec<PathBuf> {
        Vec::new()
    }
    /// The listing with the archive's index, when it has one ([`Catalog`]). By default, the
    /// listing alone.
    fn catalog(&self) -> Result<Catalog, ArchiveError> {
        Ok(Catalog {
            listing: self.list()?,
            index: None,
            key_records: None,
            positions: Vec::new(),
        })
    }
    /// The catalog of a full walk, never taken from the index: for `audit`, which must see the
    /// archive as it is even if someone rewrote the index to hide a file. By default,
    /// [`Archive::catalog`].
    fn walked_catalog(&self) -> Result<Catalog, ArchiveError> {
        self.catalog()
    }
}

/// An archive's listing, with its index when it has a usable one (look-ups then read only what
/// changed since the index was made: [`index`]).
#[derive(Debug, Default)]
pub struct Catalog {
    /// The listing, the same with or without the index.
    pub listing: Listing,
    /// The index, checked against the file system.
    pub index: Option<index::View>,
    /// The key record files ([`Archive::key_record_files`]), when the listing already found them
    /// (a directory archive's walk meets them): spares a second walk.
    pub key_records: Option<Vec<PathBuf>>,
    /// For each of `listing.files`, where the index holds its fields (with `index`).
    positions: Vec<Option<index::Position>>,
}

impl Catalog {
    /// The index and where it holds the fields of file number `k` of the listing.
    fn indexed(&self, k: usize) -> Option<(&index::View, index::Position)> {
        let view = self.index.as_ref()?;
        Some((view, self.positions.get(k).copied().flatten()?))
    }

    /// A directory archive's catalog: its key record files are the listing's, less hidden ones
    /// (which [`Archive::key_record_files`] passes over).
    fn of_directory(listing: Listing, index: Option<index::View>) -> Catalog {
        let key_records = listing
            .ignored
            .iter()
            .filter(|i| i.reason == IgnoreReason::KeyRecord)
            .filter(|i| {
                !i.path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .map(|i| i.path.clone())
            .collect();
        let positions = index
            .as_ref()
            .map(index::View::file_positions)
            .unwrap_or_default();
        Catalog {
            listing,
            index,
            key_records: Some(key_records),
            positions,
        }
    }
}

/// An archive whose key record files its catalog already found ([`Catalog::key_records`]), so
/// that the trust decision does not walk a large archive a second time for them.
pub(crate) struct KnownRecords<'a> {
    archive: &'a dyn Archive,
    records: Option<Vec<PathBuf>>,
}

impl<'a> KnownRecords<'a> {
    /// `archive`, with the key record files `catalog` found (taken from it).
    pub fn of(archive: &'a dyn Archive, catalog: &mut Catalog) -> KnownRecords<'a> {
        KnownRecords {
            archive,
            records: catalog.key_records.take(),
        }
    }

    /// The archive to hand to the trust decision.
    pub fn archive(&self) -> &dyn Archive {
        match self.records {
            Some(_) => self,
            None => self.archive,
        }
    }
}

impl Archive for KnownRecords<'_> {
    fn name(&self) -> String {
        self.archive.name()
    }
    fn list(&self) -> Result<Listing, ArchiveError> {
        self.archive.list()
    }
    fn read(&self, path: &Path) -> Result<Vec<u8>, FileProblem> {
        self.archive.read(path)
    }
    fn statement_beside(&self, manifest: &Path, file_name: &str) -> Option<PathBuf> {
        self.archive.statement_beside(manifest, file_name)
    }
    fn layout_root(&self) -> Option<&Path> {
        self.archive.layout_root()
    }
    fn walked_catalog(&self) -> Result<Catalog, ArchiveError> {
        self.archive.walked_catalog()
    }
    fn key_record_files(&self) -> Vec<PathBuf> {
        match &self.records {
            Some(records) => records.clone(),
            None => self.archive.key_record_files(),
        }
    }
}

/// The extensions of key record files (`*.revocation`, `*.key-change`): not manifests.
pub const KEY_RECORD_EXTENSIONS: [&str; 2] = ["revocation", "key-change"];

/// Whether `path` names a key record file (by its extension).
pub fn is_key_record_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| KEY_RECORD_EXTENSIONS.iter().any(|k| e == *k))
}

/// A directory tree of manifest files, walked without following symbolic links.
#[derive(Debug, Clone)]
pub struct DirArchive {
    root: PathBuf,
    use_index: bool,
}

impl DirArchive {
    /// The archive at `root`.
    pub fn new(root: impl Into<PathBuf>) -> DirArchive {
        DirArchive {
            root: root.into(),
            use_index: true,
        }
    }

    /// The archive at `root`, read without its index (`verify --no-index`): every look-up reads
    /// every manifest.
    pub fn without_index(root: impl Into<PathBuf>) -> DirArchive {
        DirArchive {
            root: root.into(),
            use_index: false,
        }
    }

    /// The archive's index checked against the file system, or why there is none to use.
    pub fn index(&self) -> Result<index::View, index::Unused> {
        if !self.use_index {
            return Err(index::Unused::Missing);
        }
        index::View::open(&self.root)
    }

    fn index_view(&self) -> Option<index::View> {
        self.index().ok()
    }

    /// Its directory.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Archive for DirArchive {
    fn name(&self) -> String {
        self.root.display().to_string()
    }

    /// Every manifest file under the root, sorted: each regular file named `*.json` (in any case),
    /// and each other regular file whose content is a manifest (a JSON object whose `format` starts
    /// with `attest-manifest/`), hidden or not. Symbolic links are never followed (they could point
    /// outside the archive) and are reported instead, as is every directory that cannot be read and
    /// every file larger than [`MAX_MANIFEST_BYTES`] (by its size, without reading it). Everything
    /// else is listed as ignored, with why: hidden directories (such as `.git`, not entered), attest's
    /// temporary files, and files that are not manifests. attest's own empty lock file and its index
    /// directory are the entries passed over without a word.
    ///
    /// When the archive has a usable index (`attest index rebuild`, [`index`]), the listing comes
    /// from it: only directories and files whose status changed since are read again, and the result
    /// is the same as a full walk's.
    fn list(&self) -> Result<Listing, ArchiveError> {
        std::fs::read_dir(&self.root).map_err(|cause| ArchiveError::Unreadable {
            path: self.name(),
            cause,
        })?;
        if let Some(view) = self.index_view() {
            return Ok(view.listing());
        }
        let mut listing = Listing::default();
        for walked in walk(&self.root, &self.root, true, false).entries {
            listing.push(walked.path, walked.placement);
        }
        listing.sort();
        Ok(listing)
    }

    fn read(&self, path: &Path) -> Result<Vec<u8>, FileProblem> {
        if !path.starts_with(&self.root) {
            return Err(FileProblem::NotInArchive);
        }
        read_file(path)
    }

    fn statement_beside(&self, manifest: &Path, file_name: &str) -> Option<PathBuf> {
        manifest.parent().map(|dir| dir.join(file_name))
    }

    fn catalog(&self) -> Result<Catalog, ArchiveError> {
        std::fs::read_dir(&self.root).map_err(|cause| ArchiveError::Unreadable {
            path: self.name(),
            cause,
        })?;
        match self.index_view() {
            Some(view) => Ok(Catalog::of_directory(view.listing(), Some(view))),
            None => Ok(Catalog::of_directory(
                DirArchive::without_index(&self.root).list()?,
                None,
            )),
        }
    }

    fn walked_catalog(&self) -> Result<Catalog, ArchiveError> {
        Ok(Catalog::of_directory(
            DirArchive::without_index(&self.root).list()?,
            None,
        ))
    }

    fn layout_root(&self) -> Option<&Path> {
        Some(&self.root)
    }

    /// Every key record file under the root, sorted, walked as [`Archive::list`] walks (hidden
    /// entries skipped, links not followed).
    fn key_record_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && is_key_record_file(e.path()))
            .map(walkdir::DirEntry::into_path)
            .collect();
        files.sort();
        files
    }
}

/// Where the listing puts one entry of the archive (see [`DirArchive`]'s `list`).
#[derive(Debug)]
pub(crate) enum Placement {
    /// A manifest file, or a file that may be one.
    File,
    /// An entry that cannot be used.
    Problem(FileProblem),
    /// An entry that is not a manifest.
    Ignored(IgnoreReason),
    /// An entry passed over without a word (attest's own empty lock file).
    Passed,
}

/// One classified entry of a walk, with its status when asked for.
#[derive(Debug)]
pub(crate) struct Walked {
    /// The entry.
    pub path: PathBuf,
    /// Where the listing puts it.
    pub placement: Placement,
    /// Its `lstat` status (only when the walk was asked for it, and it could be had).
    pub meta: Option<std::fs::Metadata>,
}

/// What a walk found: the classified entries, and the directories it entered (with their status
/// when asked for). A directory that could not be read is both entered and a problem.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    /// The entries, in walk order.
    pub entries: Vec<Walked>,
    /// The directories entered below the start (the start itself included), in walk order.
    pub dirs: Vec<(PathBuf, Option<std::fs::Metadata>)>,
}

/// The name of the index directory below an archive's root ([`index`]).
pub const INDEX_DIR_NAME: &str = ".attest-index";

impl Listing {
    fn push(&mut self, path: PathBuf, placement: Placement) {
        match placement {
            Placement::File => self.files.push(path),
            Placement::Problem(problem) => self.problems.push(LoadProblem { path, problem }),
            Placement::Ignored(reason) => self.ignored.push(Ignored { path, reason }),
            Placement::Passed => {}
        }
    }

    /// Sort every list by path, so that two walks of the same tree list the same.
    fn sort(&mut self) {
        self.files.sort();
        self.problems.sort_by(|a, b| a.path.cmp(&b.path));
        self.ignored.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// Walk the archive at `root` from `start` (the root, or a directory below it): every entry below
/// `start` (only its direct entries unless `recursive`; the directories among them are then listed
/// as entered but not walked), classified as the listing classifies it. `with_meta` asks for every
/// entry's and directory's `lstat` status, which the index records. Links are never followed.
pub(crate) fn walk(root: &Path, start: &Path, recursive: bool, with_meta: bool) -> Walk {
    let mut out = Walk::default();
    let mut walker = walkdir::WalkDir::new(start).follow_links(false);
    if !recursive {
        walker = walker.max_depth(1);
    }
    let mut walker = walker.into_iter();
    while let Some(item) = walker.next() {
        let entry = match item {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(start).to_path_buf();
                let cause = err.into_io_error().unwrap_or_else(|| {
                    std::io::Error::other("the directory tree loops back on itself")
                });
                out.entries.push(Walked {
                    path,
                    placement: Placement::Problem(FileProblem::Unreadable { cause }),
                    meta: None,
                });
                continue;
            }
        };
        let kind = entry.file_type();
        let meta = || {
            if with_meta {
                entry.metadata().ok()
            } else {
                None
            }
        };
        if entry.depth() == 0 {
            let meta = meta();
            out.dirs.push((entry.into_path(), meta));
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let hidden = name.starts_with('.');
        let at_root = entry.path().parent() == Some(root);
        let placement = if kind.is_symlink() {
            // Every link is reported, not only links named like manifests: a linked directory
            // would otherwise hide its manifests in silence.
            Some(Placement::Problem(FileProblem::SymbolicLink))
        } else if kind.is_dir() {
            if at_root && name == INDEX_DIR_NAME {
                walker.skip_current_dir();
                None
            } else if hidden {
                walker.skip_current_dir();
                Some(Placement::Ignored(IgnoreReason::HiddenDirectory))
            } else {
                out.dirs.push((entry.path().to_path_buf(), meta()));
                None
            }
        } else if !kind.is_file() {
            Some(Placement::Ignored(IgnoreReason::NotAFile))
        } else if name.starts_with(TEMPORARY_PREFIX) {
            Some(Placement::Ignored(IgnoreReason::AttestFile))
        } else if is_key_record_file(entry.path()) {
            Some(Placement::Ignored(IgnoreReason::KeyRecord))
        } else {
            let status = entry.metadata().ok();
            let size = status.as_ref().map(std::fs::Metadata::len);
            {
                let placement = if name == lock::LOCK_FILE_NAME && size == Some(0) {
                    Placement::Passed
                } else {
                    place_file(entry.path(), size)
                };
                out.entries.push(Walked {
                    path: entry.into_path(),
                    placement,
                    meta: status.filter(|_| with_meta),
                });
                continue;
            }
        };
        if let Some(placement) = placement {
            let meta = meta();
            out.entries.push(Walked {
                path: entry.into_path(),
                placement,
                meta,
            });
        }
    }
    out
}

/// Where the listing puts a regular file of `size` bytes (None: unknown): a manifest named
/// `*.json`, a file too large to be one, or another file whose content says whether it is one.
pub(crate) fn place_file(path: &Path, size: Option<u64>) -> Placement {
    let is_json = json_named(path);
    match size {
        Some(size) if size > MAX_MANIFEST_BYTES => {
            if is_json {
                Placement::Problem(FileProblem::TooLarge { size })
            } else {
                Placement::Ignored(IgnoreReason::NotAManifest)
            }
        }
        _ if is_json => Placement::File,
        _ => match sniff(path) {
            Sniffed::Manifest => Placement::File,
            _ => Placement::Ignored(IgnoreReason::NotAManifest),
        },
    }
}

/// Read a manifest file from disk, refusing anything but a regular file no larger than a manifest
/// can be. Links are not checked here: the listing leaves them out of an archive, and a file named
/// with `--manifest` is the user's choice.
fn read_file(path: &Path) -> Result<Vec<u8>, FileProblem> {
    let unreadable = |cause| FileProblem::Unreadable { cause };
    // One open and one fstat per read: an archive's files are read several times per verify, and
    // the listing has already left links out.
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(FileProblem::Unreadable {
            cause: std::io::Error::other("it is not a regular file"),
        });
    }
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(FileProblem::TooLarge { size: meta.len() });
    }
    // Read at most one byte past the limit: the file may have grown since it was measured.
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(FileProblem::TooLarge {
            size: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// Manifests held in memory, named by paths of the caller's choosing (tests, fuzzing, a verifier
/// that received manifests over the network).
#[derive(Debug, Clone, Default)]
pub struct MemoryArchive {
    name: String,
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryArchive {
    /// An empty archive called `name`.
    pub fn new(name: impl Into<String>) -> MemoryArchive {
        MemoryArchive {
            name: name.into(),
            files: BTreeMap::new(),
        }
    }

    /// Add (or replace) the manifest file `path` with `bytes`.
    pub fn insert(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }
}

impl Archive for MemoryArchive {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn list(&self) -> Result<Listing, ArchiveError> {
        let mut listing = Listing::default();
        for (path, bytes) in &self.files {
            if is_key_record_file(path) {
                continue;
            }
            if bytes.len() as u64 > MAX_MANIFEST_BYTES {
                listing.problems.push(LoadProblem {
                    path: path.clone(),
                    problem: FileProblem::TooLarge {
                        size: bytes.len() as u64,
                    },
                });
            } else {
                listing.files.push(path.clone());
            }
        }
        Ok(listing)
    }

    fn read(&self, path: &Path) -> Result<Vec<u8>, FileProblem> {
        let bytes = self.files.get(path).ok_or(FileProblem::NotInArchive)?;
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(FileProblem::TooLarge {
                size: bytes.len() as u64,
            });
        }
        Ok(bytes.clone())
    }

    fn key_record_files(&self) -> Vec<PathBuf> {
        self.files
            .keys()
            .filter(|p| is_key_record_file(p))
            .cloned()
            .collect()
    }
}

/// Read and check one manifest file on disk (for `verify --manifest`).
pub fn read_manifest(path: &Path) -> Result<Manifest, FileProblem> {
    Manifest::parse(&read_file(path)?).map_err(FileProblem::Malformed)
}

/// Read and check one manifest of `archive`.
pub fn read_entry(archive: &dyn Archive, path: &Path) -> Result<Manifest, FileProblem> {
    Manifest::parse(&archive.read(path)?).map_err(FileProblem::Malformed)
}

/// Read and check the given manifest files in parallel: the usable ones, and the others with why.
pub(crate) fn read_entries(
    archive: &dyn Archive,
    files: Vec<PathBuf>,
) -> (Vec<Entry>, Vec<LoadProblem>) {
    let results: Vec<(PathBuf, Result<Manifest, FileProblem>)> = files
        .into_par_iter()
        .map(|path| {
            let manifest = read_entry(archive, &path);
            (path, manifest)
        })
        .collect();
    let mut entries = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (path, result) in results {
        match result {
            Ok(manifest) => entries.push(Entry { path, manifest }),
            Err(problem) => problems.push(LoadProblem { path, problem }),
        }
    }
    (entries, problems)
}

/// Just the digests of a manifest, read without checking anything else.
#[derive(serde::Deserialize)]
struct DigestsOnly {
    statement: StatementDigest,
    canonical: CanonicalDigest,
}

#[derive(serde::Deserialize)]
struct StatementDigest {
    exact_digest: String,
}

#[derive(serde::Deserialize)]
struct CanonicalDigest {
    digest: String,
}

/// `statement.exact_digest` and `canonical.digest` of manifest bytes, as the digest scan reads
/// them (as written, unchecked).
pub(crate) fn light_digests(bytes: &[u8]) -> Option<(String, String)> {
    let d: DigestsOnly = crate::wire::from_slice(bytes).ok()?;
    Some((d.statement.exact_digest, d.canonical.digest))
}

/// The manifests among the catalog's files whose exact digest is `exact` or whose canonical digest
/// is one of `canonical`, found by a light parallel scan that reads only the digests (matches must
/// then be read and checked in full), or from the index for the files it holds unchanged. Lets
/// `verify` answer for an authentic copy without parsing the whole archive.
pub(crate) fn find_by_digest(
    archive: &dyn Archive,
    catalog: &Catalog,
    exact: &Digest,
    canonical: &[Digest],
) -> Vec<PathBuf> {
    let exact_text = exact.to_string();
    let canonical_text: Vec<String> = canonical.iter().map(Digest::to_string).collect();
    catalog
        .listing
        .files
        .par_iter()
        .enumerate()
        .filter(|(k, path)| {
            if let Some((view, at)) = catalog.indexed(*k) {
                return view
                    .digests_at(at)
                    .is_some_and(|(x, c)| x.is(exact) || canonical.iter().any(|d| c.is(d)));
            }
            archive
                .read(path)
                .ok()
                .and_then(|bytes| light_digests(&bytes))
                .is_some_and(|(x, c)| x == exact_text || canonical_text.contains(&c))
        })
        .map(|(_, path)| path.clone())
        .collect()
}

/// Just the issuer, signing key ids and canonical paragraphs of a manifest.
#[derive(serde::Deserialize)]
struct ParagraphsOnly {
    issuer: String,
    signatures: Vec<KeyIdOnly>,
    canonical: CanonicalParagraphs,
}

#[derive(serde::Deserialize)]
struct KeyIdOnly {
    key_id: String,
}

#[derive(serde::Deserialize)]
struct CanonicalParagraphs {
    digest: String,
    paragraphs: Vec<String>,
}

/// The issuer, signing key ids, canonical digest and paragraphs of a manifest, as the similarity
/// scan reads them (unchecked).
pub(crate) struct LightParagraphs {
    /// `issuer`.
    pub issuer: String,
    /// The `key_id` of each signature.
    pub key_ids: Vec<String>,
    /// `canonical.digest`, as written.
    pub digest: String,
    paragraphs: Vec<String>,
}

impl LightParagraphs {
    /// The shingles of the paragraphs ([`crate::diff::shingles`]), sorted.
    pub fn shingles(&self) -> Vec<u64> {
        let text = self.paragraphs.join("\n\n");
        let mut out: Vec<u64> = crate::diff::shingles(&crate::diff::units(&text))
            .into_iter()
            .collect();
        out.sort_unstable();
        out
    }
}

/// [`LightParagraphs`] of manifest bytes.
pub(crate) fn light_paragraphs(bytes: &[u8]) -> Option<LightParagraphs> {
    let m: ParagraphsOnly = crate::wire::from_slice(bytes).ok()?;
    Some(LightParagraphs {
        issuer: m.issuer,
        key_ids: m.signatures.into_iter().map(|s| s.key_id).collect(),
        digest: m.canonical.digest,
        paragraphs: m.canonical.paragraphs,
    })
}

/// A manifest file found by a light scan, with the canonical digest it claims (unchecked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Similar {
    /// The file.
    pub path: PathBuf,
    /// Its `canonical.digest`, as written.
    pub digest: String,
}

/// The manifests among the catalog's files that share phrases with `copy_text` (by
/// [`crate::diff::similarity`]), found by a light parallel scan that reads only issuers, key ids
/// and paragraphs (or from the index's shingle lists, for the files it holds unchanged), most
/// similar first: those that name a key `trusted(issuer, key_id)` accepts, and the others. Naming a
/// trusted key proves nothing (the signature is not checked here), so `verify` reads the first list
/// in full until enough of them verify; ranking the two kinds apart means no number of untrusted
/// look-alikes can crowd a trusted statement out.
pub(crate) fn most_similar(
    archive: &dyn Archive,
    catalog: &Catalog,
    copy_text: &str,
    trusted: impl Fn(&str, &str) -> bool + Sync,
) -> (Vec<Similar>, Vec<Similar>) {
    let copy_shingles = crate::diff::shingles(&crate::diff::units(copy_text));
    // The shared-shingle counts of the indexed files; a damaged bucket has every file read.
    let index = catalog.index.as_ref().and_then(|view| {
        let wanted: Vec<u64> = copy_shingles.iter().copied().collect();
        view.shared_shingles(&wanted).ok()
    });
    let scored: Vec<(bool, usize, Similar)> = catalog
        .listing
        .files
        .par_iter()
        .enumerate()
        .filter_map(|(k, path)| {
            if let (Some(counts), Some((view, at))) = (&index, catalog.indexed(k)) {
                let shared = counts.get(&at).copied().unwrap_or(0);
                if shared == 0 {
                    return None;
                }
                let m = view.similar_at(at)?;
                let names_trusted = m.key_ids.iter().any(|k| trusted(&m.issuer, k));
                let found = Similar {
                    path: path.clone(),
                    digest: m.canonical_digest.text(),
                };
                return Some((names_trusted, shared, found));
            }
            let m = light_paragraphs(&archive.read(path).ok()?)?;
            let shared = crate::diff::similarity(&m.paragraphs.join("\n\n"), &copy_shingles);
            let names_trusted = m.key_ids.iter().any(|k| trusted(&m.issuer, k));
            let found = Similar {
                path: path.clone(),
                digest: m.digest,
            };
            (shared > 0).then_some((names_trusted, shared, found))
        })
        .collect();
    let ranked = |want_trusted: bool| {
        let mut kind: Vec<&(bool, usize, Similar)> =
            scored.iter().filter(|s| s.0 == want_trusted).collect();
        kind.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.path.cmp(&b.2.path)));
        kind.into_iter().map(|s| s.2.clone()).collect::<Vec<_>>()
    };
    (ranked(true), ranked(false))
}

/// A readable ASCII slug: lowercase letters and digits, other runs turned into `-`, at most `max`
/// bytes. Empty when the text has no ASCII letters or digits.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > max {
        // Cut at a word boundary when there is one.
        let cut = out[..=max].rfind('-').filter(|&i| i > 0).unwrap_or(max);
        out.truncate(cut);
    }
    out
}

/// The folder of an issuer's manifests below the archive root: its slug, or `issuer-` and 8 hex
/// digits of the name's SHA-256 when the slug is empty.
pub fn issuer_folder(issuer: &str) -> String {
    let issuer_slug = slug(issuer, 48);
    if issuer_slug.is_empty() {
        format!("issuer-{}", &Digest::of(issuer.as_bytes()).hex()[..8])
    } else {
        issuer_slug
    }
}

/// Where `sign` puts a new manifest: `<archive>/<issuer slug>/<seq, 6 digits>-<date>-<title slug>.json`.
pub fn manifest_path(root: &Path, issuer: &str, seq: u64, date: &str, title: &str) -> PathBuf {
    let issuer_slug = issuer_folder(issuer);
    let mut title_slug = slug(title, 60);
    if title_slug.is_empty() {
        title_slug = "statement".into();
    }
    root.join(issuer_slug)
        .join(format!("{seq:06}-{date}-{title_slug}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(
            slug("Harbour Rights Lawyers Network", 48),
            "harbour-rights-lawyers-network"
        );
        assert_eq!(slug("Open letter: free them!", 60), "open-letter-free-them");
        assert_eq!(slug("海港维权律师网络", 48), "");
        assert_eq!(
            slug("release of the detained lawyers", 20),
            "release-of-the"
        );
        assert_eq!(slug("abcdefghijklmnopqrstuvwxyz", 10), "abcdefghij");
        let p = manifest_path(
            Path::new("m"),
            "海港维权律师网络",
            3,
            "2026-03-08",
            "公开信",
        );
        assert!(p
            .to_string_lossy()
            .contains("/000003-2026-03-08-statement.json"));
    }
}
