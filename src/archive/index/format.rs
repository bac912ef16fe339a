//! The index's file format (docs/SPEC.md §5.5): one segment file, written whole and linked into
//! place, made of a fixed header and checksummed sections.
//!
//! ```text
//! header  magic "attest-index/1\n\0" · u32 shingle hash version · u64 archive dev · u64 archive inode
//!         · 3 × (u64 offset, u64 length, SHA-256) for the strings, directories and entries
//!         · 256 × (u64 offset, u64 length, SHA-256) for the shingle buckets · SHA-256 of all the above
//! strings u32 count · count × bytes                       (issuers and key ids, named by number)
//! dirs    u32 count · count × (bytes path, stamp)          (relative to the archive)
//! entries u32 count · count × entry, in path order (bytes path, u32 directory, stamp, tag, fields)
//! bucket  u32 keys · keys × u64 (sorted) · (keys + 1) × u32 offsets · u32 entry numbers
//! ```
//!
//! Integers are little-endian; `bytes` is a u32 length and the bytes. Every section is checked
//! against its SHA-256 before use, and every length against what is left, so a damaged or
//! truncated index is refused ([`Corrupt`]), never trusted and never a reason to allocate more than
//! the file holds. A shingle bucket is read only when a look-up needs it.

use std::fs::File;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::digest::Digest;

/// The first bytes of every index segment.
pub const MAGIC: &[u8; 16] = b"attest-index/1\n\0";
/// The version of the shingle hash the buckets hold ([`crate::diff::shingles`]): an index made with
/// another is not used.
pub const SHINGLE_HASH_VERSION: u32 = 1;
/// How many shingle buckets a segment has: the top byte of the shingle hash picks one.
pub const BUCKETS: usize = 256;
const SECTIONS: usize = 3;
const SLOT: usize = 8 + 8 + 32;
/// The encoded size of a [`Stamp`].
const STAMP_LEN: usize = 1 + 8 + 12 + 12 + 8 + 8;
/// The header's size in bytes.
pub const HEADER_LEN: usize = 16 + 4 + 8 + 8 + (SECTIONS + BUCKETS) * SLOT + 32;

/// The index is damaged, truncated, or not an index: it is not used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Corrupt(pub String);

fn corrupt(what: impl Into<String>) -> Corrupt {
    Corrupt(what.into())
}

/// What the index knows of a file or directory's status, from `lstat` (or `fstat` for a file it
/// read): when any of it differs, the entry has changed since it was indexed. The change time
/// cannot be set by a user (touch sets it to now), so a file rewritten in place with its old size
/// and modification time still shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamp {
    /// 1 regular file, 2 directory, 3 symbolic link, 4 anything else.
    pub kind: u8,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, seconds and nanoseconds.
    pub mtime: (i64, u32),
    /// Status change time, seconds and nanoseconds (0 where the platform has none).
    pub ctime: (i64, u32),
    /// Inode number (0 where the platform has none).
    pub ino: u64,
    /// Device number (0 where the platform has none).
    pub dev: u64,
}

impl Stamp {
    /// The stamp of `meta`.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let t = meta.file_type();
        let kind = if t.is_file() {
            1
        } else if t.is_dir() {
            2
        } else if t.is_symlink() {
            3
        } else {
            4
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            Stamp {
                kind,
                size: meta.size(),
                mtime: (meta.mtime(), meta.mtime_nsec() as u32),
                ctime: (meta.ctime(), meta.ctime_nsec() as u32),
                ino: meta.ino(),
                dev: meta.dev(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or((0, 0), |d| (d.as_secs() as i64, d.subsec_nanos()));
            Stamp {
                kind,
                size: meta.len(),
                mtime,
                ..Stamp::default()
            }
        }
    }
}

#[cfg(unix)]
impl Stamp {
    /// The stamp of a `stat` result, as [`Stamp::of`] gives it for the same file.
    #[allow(clippy::unnecessary_cast)]
    pub fn of_stat(st: &rustix::fs::Stat) -> Stamp {
        let t = rustix::fs::FileType::from_raw_mode(st.st_mode as _);
        let kind = match t {
            rustix::fs::FileType::RegularFile => 1,
            rustix::fs::FileType::Directory => 2,
            rustix::fs::FileType::Symlink => 3,
            _ => 4,
        };
        Stamp {
            kind,
            size: st.st_size as u64,
            mtime: (st.st_mtime as i64, st.st_mtime_nsec as u32),
            ctime: (st.st_ctime as i64, st.st_ctime_nsec as u32),
            ino: st.st_ino as u64,
            dev: st.st_dev as u64,
        }
    }
}

/// A regular file whose manifest fields are indexed: what the light scans of `verify` and `sign`
/// would read from it (docs/SPEC.md §5.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hints {
    /// `statement.exact_digest` and `canonical.digest`, when both are strings (as the digest scan
    /// reads them). A digest in the usual form is kept as 32 bytes.
    pub digests: Option<(DigestText, DigestText)>,
    /// The issuer and signing key ids (string numbers) and `canonical.digest`, when the similarity
    /// scan can read them; the manifest's shingles are then in the buckets.
    pub similar: Option<SimilarHint>,
    /// The chain header `sign` reads, or why it could not be read.
    pub header: Result<HeaderHint, HeaderFailure>,
}

/// A digest as a manifest writes it: the usual `sha256:` and 64 lower-case hex digits, or anything
/// else (which can never equal a digest attest computes, but is kept for what it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestText {
    /// The usual form.
    Usual(Digest),
    /// Any other string.
    Other(String),
}

impl DigestText {
    /// The digest as written.
    pub fn from_text(text: &str) -> DigestText {
        match text.parse::<Digest>() {
            Ok(d) if d.to_string() == text => DigestText::Usual(d),
            _ => DigestText::Other(text.to_string()),
        }
    }

    /// Whether it is written as `d` is.
    pub fn is(&self, d: &Digest) -> bool {
        matches!(self, DigestText::Usual(x) if x == d)
    }

    /// The text as written.
    pub fn text(&self) -> String {
        match self {
            DigestText::Usual(d) => d.to_string(),
            DigestText::Other(s) => s.clone(),
        }
    }
}

/// What the similarity scan reads besides the paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimilarHint {
    /// The issuer named.
    pub issuer: String,
    /// The key ids of its signatures, as written.
    pub key_ids: Vec<String>,
    /// `canonical.digest`, as written.
    pub canonical_digest: DigestText,
}

/// The chain header of a manifest ([`crate::archive::head::Header`] without its path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderHint {
    /// The issuer.
    pub issuer: String,
    /// Its sequence number.
    pub seq: u64,
    /// The key ids of its signatures.
    pub key_ids: Vec<String>,
    /// The exact digest it claims.
    pub exact_digest: Digest,
    /// The co-signers named: issuer, seq, key id.
    pub cosigners: Vec<(String, u64, String)>,
}

/// Why the header could not be read: the [`crate::archive::head::HeaderError`] kind (0 read,
/// 1 too large, 2 not an object, 3 not a manifest, 4 unknown format, 5 other format) and its
/// message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderFailure {
    /// The kind.
    pub kind: u8,
    /// The message with its causes.
    pub detail: String,
}

/// Where the listing put an entry, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// A manifest file (or one that may be), with its fields when they could be read.
    File(Option<Box<Hints>>),
    /// A symbolic link.
    SymbolicLink,
    /// A file too large to be a manifest.
    TooLarge(u64),
    /// Not a manifest: the [`crate::archive::IgnoreReason`] by number (see `ignore_code`).
    Ignored(u8),
}

/// The directory number of an entry whose directory the segment does not record.
pub const NO_DIR: u32 = u32::MAX;

/// One entry of the archive listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path relative to the archive.
    pub path: PathBuf,
    /// The number of its directory among the segment's directories, or [`NO_DIR`].
    pub dir: u32,
    /// Its status when indexed.
    pub stamp: Stamp,
    /// Where the listing put it.
    pub recorded: Recorded,
}

/// A segment's content, to be written.
#[derive(Debug, Default)]
pub struct Content {
    /// The archive directory's device and inode.
    pub root: (u64, u64),
    /// The directories, relative (the archive itself is the empty path), with their status.
    pub dirs: Vec<(PathBuf, Stamp)>,
    /// The entries.
    pub entries: Vec<Entry>,
    /// For each entry, the shingles of its paragraphs (empty when `similar` is None).
    pub shingles: Vec<Vec<u64>>,
}

struct Enc(Vec<u8>);

impl Enc {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
    fn len(&mut self, n: usize) {
        self.u32(n as u32);
    }
    fn stamp(&mut self, s: &Stamp) {
        self.u8(s.kind);
        self.u64(s.size);
        self.i64(s.mtime.0);
        self.u32(s.mtime.1);
        self.i64(s.ctime.0);
        self.u32(s.ctime.1);
        self.u64(s.ino);
        self.u64(s.dev);
    }
}

struct Dec<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Dec<'a> {
    fn new(buf: &'a [u8]) -> Dec<'a> {
        Dec { buf, pos: 0 }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], Corrupt> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| corrupt("a section ends early"))?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, Corrupt> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, Corrupt> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or_default(),
        ))
    }
    fn u64(&mut self) -> Result<u64, Corrupt> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().unwrap_or_default(),
        ))
    }
    fn i64(&mut self) -> Result<i64, Corrupt> {
        Ok(i64::from_le_bytes(
            self.take(8)?.try_into().unwrap_or_default(),
        ))
    }
    fn bytes(&mut self) -> Result<&'a [u8], Corrupt> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn text(&mut self) -> Result<String, Corrupt> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| corrupt("a text is not UTF-8"))
    }
    /// A count of items each at least `min` bytes long: refused when the section cannot hold them.
    fn count(&mut self, min: usize) -> Result<usize, Corrupt> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min.max(1)) > self.buf.len() - self.pos {
            return Err(corrupt("a count is larger than its section"));
        }
        Ok(n)
    }
    fn stamp(&mut self) -> Result<Stamp, Corrupt> {
        Ok(Stamp {
            kind: self.u8()?,
            size: self.u64()?,
            mtime: (self.i64()?, self.u32()?),
            ctime: (self.i64()?, self.u32()?),
            ino: self.u64()?,
            dev: self.u64()?,
        })
    }
    fn done(&self) -> Result<(), Corrupt> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(corrupt("a section has bytes after its end"))
        }
    }
}

fn path_bytes(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        path.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned().into_bytes()
    }
}

/// A path stored in a section, borrowed.
fn path_ref(bytes: &[u8]) -> Result<&Path, Corrupt> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        Ok(Path::new(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes)
            .map(Path::new)
            .map_err(|_| corrupt("a path is not UTF-8"))
    }
}

fn path_from(bytes: &[u8]) -> Result<PathBuf, Corrupt> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes.to_vec())
            .map(PathBuf::from)
            .map_err(|_| corrupt("a path is not UTF-8"))
    }
}

/// Interned strings: issuers and key ids repeat across thousands of manifests.
#[derive(Default)]
struct Strings {
    list: Vec<String>,
    ids: std::collections::HashMap<String, u32>,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.list.len() as u32;
        self.list.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }
}

fn put_digest_text(e: &mut Enc, d: &DigestText) {
    match d {
        DigestText::Usual(d) => {
            e.u8(0);
            e.0.extend_from_slice(d.as_bytes());
        }
        DigestText::Other(s) => {
            e.u8(1);
            e.bytes(s.as_bytes());
        }
    }
}

fn get_digest(d: &mut Dec<'_>) -> Result<Digest, Corrupt> {
    let b: [u8; 32] = d.take(32)?.try_into().unwrap_or_default();
    Ok(Digest(b))
}

fn get_digest_text(d: &mut Dec<'_>) -> Result<DigestText, Corrupt> {
    match d.u8()? {
        0 => Ok(DigestText::Usual(get_digest(d)?)),
        1 => Ok(DigestText::Other(d.text()?)),
        _ => Err(corrupt("an unknown digest tag")),
    }
}

fn put_entry(e: &mut Enc, s: &mut Strings, entry: &Entry) {
    e.bytes(&path_bytes(&entry.path));
    e.u32(entry.dir);
    e.stamp(&entry.stamp);
    match &entry.recorded {
        Recorded::File(None) => e.u8(0),
        Recorded::File(Some(h)) => {
            e.u8(1);
            match &h.digests {
                None => e.u8(0),
                Some((x, c)) => {
                    e.u8(1);
                    put_digest_text(e, x);
                    put_digest_text(e, c);
                }
            }
            match &h.similar {
                None => e.u8(0),
                Some(sim) => {
                    e.u8(1);
                    e.u32(s.id(&sim.issuer));
                    e.len(sim.key_ids.len());
                    for k in &sim.key_ids {
                        e.u32(s.id(k));
                    }
                    put_digest_text(e, &sim.canonical_digest);
                }
            }
            match &h.header {
                Ok(hd) => {
                    e.u8(0);
                    e.u32(s.id(&hd.issuer));
                    e.u64(hd.seq);
                    e.len(hd.key_ids.len());
                    for k in &hd.key_ids {
                        e.u32(s.id(k));
                    }
                    e.0.extend_from_slice(hd.exact_digest.as_bytes());
                    e.len(hd.cosigners.len());
                    for (issuer, seq, key) in &hd.cosigners {
                        e.u32(s.id(issuer));
                        e.u64(*seq);
                        e.u32(s.id(key));
                    }
                }
                Err(f) => {
                    e.u8(1 + f.kind);
                    e.bytes(f.detail.as_bytes());
                }
            }
        }
        Recorded::SymbolicLink => e.u8(2),
        Recorded::TooLarge(size) => {
            e.u8(3);
            e.u64(*size);
        }
        Recorded::Ignored(code) => {
            e.u8(4);
            e.u8(*code);
        }
    }
}

/// What a decoded entry records, without its manifest fields (read on demand).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordedMeta {
    /// A manifest file; whether its fields were read.
    File(bool),
    /// A symbolic link.
    SymbolicLink,
    /// A file too large to be a manifest.
    TooLarge(u64),
    /// Not a manifest (see [`Recorded::Ignored`]).
    Ignored(u8),
}

/// One decoded entry: its path, stamp and placement; its manifest fields stay encoded in the
/// segment until asked for.
#[derive(Debug, Clone)]
pub struct EntryMeta {
    /// Where its path (relative to the archive) lies in the entries section: read it with
    /// [`Segment::path`] (no allocation per entry).
    path: (u32, u32),
    /// The number of its directory among the base's directories, or [`NO_DIR`].
    pub dir: u32,
    /// Its status when indexed.
    pub stamp: Stamp,
    /// Where the listing put it.
    pub recorded: RecordedMeta,
    /// Where its manifest fields start in the entries section.
    hints_at: usize,
}

fn check_string(d: &mut Dec<'_>, strings: usize) -> Result<(), Corrupt> {
    if d.u32()? as usize >= strings {
        return Err(corrupt("a string number is out of range"));
    }
    Ok(())
}

fn skip_digest_text(d: &mut Dec<'_>) -> Result<(), Corrupt> {
    match d.u8()? {
        0 => d.take(32).map(|_| ()),
        1 => d.bytes().map(|_| ()),
        _ => Err(corrupt("an unknown digest tag")),
    }
}

/// Check one entry's manifest fields and step past them, without building anything.
fn skip_hints(d: &mut Dec<'_>, strings: usize) -> Result<(), Corrupt> {
    match d.u8()? {
        0 => {}
        1 => {
            skip_digest_text(d)?;
            skip_digest_text(d)?;
        }
        _ => return Err(corrupt("an unknown digests tag")),
    }
    match d.u8()? {
        0 => {}
        1 => {
            check_string(d, strings)?;
            for _ in 0..d.count(4)? {
                check_string(d, strings)?;
            }
            skip_digest_text(d)?;
        }
        _ => return Err(corrupt("an unknown similarity tag")),
    }
    match d.u8()? {
        0 => {
            check_string(d, strings)?;
            d.u64()?;
            for _ in 0..d.count(4)? {
                check_string(d, strings)?;
            }
            d.take(32)?;
            for _ in 0..d.count(16)? {
                check_string(d, strings)?;
                d.u64()?;
                check_string(d, strings)?;
            }
        }
        1..=6 => {
            String::from_utf8(d.bytes()?.to_vec()).map_err(|_| corrupt("a text is not UTF-8"))?;
        }
        _ => return Err(corrupt("an unknown header tag")),
    }
    Ok(())
}

fn get_entry_meta(d: &mut Dec<'_>, strings: usize) -> Result<EntryMeta, Corrupt> {
    let bytes = d.bytes()?;
    path_ref(bytes)?;
    let path = ((d.pos - bytes.len()) as u32, bytes.len() as u32);
    let dir = d.u32()?;
    let stamp = d.stamp()?;
    let mut hints_at = 0;
    let recorded = match d.u8()? {
        0 => RecordedMeta::File(false),
        1 => {
            hints_at = d.pos;
            skip_hints(d, strings)?;
            RecordedMeta::File(true)
        }
        2 => RecordedMeta::SymbolicLink,
        3 => RecordedMeta::TooLarge(d.u64()?),
        4 => RecordedMeta::Ignored(d.u8()?),
        _ => return Err(corrupt("an unknown entry tag")),
    };
    Ok(EntryMeta {
        path,
        dir,
        stamp,
        recorded,
        hints_at,
    })
}

/// The manifest fields of an entry, decoded (the entry was checked when the segment was opened).
fn get_hints(d: &mut Dec<'_>, strings: &[String]) -> Result<Hints, Corrupt> {
    let string = |id: u32| {
        strings
            .get(id as usize)
            .cloned()
            .ok_or_else(|| corrupt("a string number is out of range"))
    };
    let digests = match d.u8()? {
        0 => None,
        _ => Some((get_digest_text(d)?, get_digest_text(d)?)),
    };
    let similar = match d.u8()? {
        0 => None,
        _ => {
            let issuer = string(d.u32()?)?;
            let n = d.count(4)?;
            let key_ids = (0..n).map(|_| string(d.u32()?)).collect::<Result<_, _>>()?;
            Some(SimilarHint {
                issuer,
                key_ids,
                canonical_digest: get_digest_text(d)?,
            })
        }
    };
    let header = match d.u8()? {
        0 => {
            let issuer = string(d.u32()?)?;
            let seq = d.u64()?;
            let n = d.count(4)?;
            let key_ids = (0..n).map(|_| string(d.u32()?)).collect::<Result<_, _>>()?;
            let exact_digest = get_digest(d)?;
            let n = d.count(16)?;
            let cosigners = (0..n)
                .map(|_| Ok((string(d.u32()?)?, d.u64()?, string(d.u32()?)?)))
                .collect::<Result<_, Corrupt>>()?;
            Ok(HeaderHint {
                issuer,
                seq,
                key_ids,
                exact_digest,
                cosigners,
            })
        }
        k => Err(HeaderFailure {
            kind: k - 1,
            detail: d.text()?,
        }),
    };
    Ok(Hints {
        digests,
        similar,
        header,
    })
}

/// Encode a segment.
pub fn encode(content: &Content) -> Vec<u8> {
    let mut strings = Strings::default();
    let mut dirs = Enc(Vec::new());
    dirs.len(content.dirs.len());
    for (path, stamp) in &content.dirs {
        dirs.bytes(&path_bytes(path));
        dirs.stamp(stamp);
    }
    let mut entries = Enc(Vec::new());
    entries.len(content.entries.len());
    for entry in &content.entries {
        put_entry(&mut entries, &mut strings, entry);
    }
    let mut strs = Enc(Vec::new());
    strs.len(strings.list.len());
    for s in &strings.list {
        strs.bytes(s.as_bytes());
    }
    // The buckets: every (shingle, entry) pair, sorted, grouped by the shingle's top byte.
    let mut pairs: Vec<(u64, u32)> = content
        .shingles
        .iter()
        .enumerate()
        .flat_map(|(i, list)| list.iter().map(move |h| (*h, i as u32)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut buckets: Vec<Vec<u8>> = Vec::with_capacity(BUCKETS);
    let mut rest = &pairs[..];
    for b in 0..BUCKETS {
        let n = rest.partition_point(|(h, _)| (h >> 56) as usize == b);
        let (mine, after) = rest.split_at(n);
        rest = after;
        let mut keys: Vec<u64> = Vec::new();
        let mut offsets: Vec<u32> = Vec::new();
        for (i, (h, _)) in mine.iter().enumerate() {
            if keys.last() != Some(h) {
                keys.push(*h);
                offsets.push(i as u32);
            }
        }
        offsets.push(mine.len() as u32);
        let mut e = Enc(Vec::with_capacity(4 + keys.len() * 12 + mine.len() * 4 + 4));
        e.len(keys.len());
        for k in &keys {
            e.u64(*k);
        }
        for o in &offsets {
            e.u32(*o);
        }
        for (_, id) in mine {
            e.u32(*id);
        }
        buckets.push(e.0);
    }
    let sections = [strs.0, dirs.0, entries.0];
    let mut header = Enc(Vec::with_capacity(HEADER_LEN));
    header.0.extend_from_slice(MAGIC);
    header.u32(SHINGLE_HASH_VERSION);
    header.u64(content.root.0);
    header.u64(content.root.1);
    let mut offset = HEADER_LEN as u64;
    for part in sections.iter().chain(buckets.iter()) {
        header.u64(offset);
        header.u64(part.len() as u64);
        header.0.extend_from_slice(&Sha256::digest(part));
        offset += part.len() as u64;
    }
    let sum = Sha256::digest(&header.0);
    header.0.extend_from_slice(&sum);
    debug_assert_eq!(header.0.len(), HEADER_LEN);
    let mut out = header.0;
    for part in sections.iter().chain(buckets.iter()) {
        out.extend_from_slice(part);
    }
    out
}

/// A segment opened for reading: its directories and entries decoded, its buckets read on demand.
#[derive(Debug)]
pub struct Segment {
    file: File,
    file_len: u64,
    /// The archive directory's device and inode it was made for.
    pub root: (u64, u64),
    /// The directories.
    pub dirs: Vec<(PathBuf, Stamp)>,
    /// The entries (their manifest fields are read with [`Segment::hints`]).
    pub entries: Vec<EntryMeta>,
    entries_bytes: Vec<u8>,
    strings: Vec<String>,
    buckets: Vec<(u64, u64, [u8; 32])>,
}

fn read_at(file: &File, offset: u64, len: u64, file_len: u64) -> Result<Vec<u8>, Corrupt> {
    if offset.checked_add(len).is_none_or(|end| end > file_len) {
        return Err(corrupt("a section lies past the end of the file"));
    }
    // Allocated fallibly: a sparse segment can claim a section of terabytes, which must be
    // refused, not abort the process.
    let mut buf = Vec::new();
    usize::try_from(len)
        .ok()
        .and_then(|n| buf.try_reserve_exact(n).ok())
        .ok_or_else(|| corrupt("a section is larger than this machine can hold"))?;
    buf.resize(len as usize, 0);
    read_exact_at(file, &mut buf, offset).map_err(|e| corrupt(format!("cannot read it: {e}")))?;
    Ok(buf)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt as _;
    file.read_exact_at(buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read as _, Seek as _};
    let mut f = file;
    f.seek(std::io::SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

fn checked(bytes: Vec<u8>, sum: &[u8; 32], what: &str) -> Result<Vec<u8>, Corrupt> {
    if Sha256::digest(&bytes).as_slice() != sum {
        return Err(corrupt(format!("its {what} do not match their checksum")));
    }
    Ok(bytes)
}

/// Whether `path` is relative, not empty, and made of plain names only, each written once: no
/// `.`, `..`, root, empty component or trailing separator (checked on the bytes: no allocation
/// per entry).
fn plain_relative(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let bytes = path.as_os_str().as_bytes();
        !bytes.is_empty()
            && bytes
                .split(|b| *b == b'/')
                .all(|name| !name.is_empty() && name != b"." && name != b"..")
    }
    #[cfg(not(unix))]
    {
        let mut rebuilt = PathBuf::new();
        for c in path.components() {
            match c {
                std::path::Component::Normal(n) => rebuilt.push(n),
                _ => return false,
            }
        }
        !rebuilt.as_os_str().is_empty() && rebuilt.as_os_str() == path.as_os_str()
    }
}

fn path_in<'a>(bytes: &'a [u8], e: &EntryMeta) -> &'a Path {
    let (at, len) = (e.path.0 as usize, e.path.1 as usize);
    // Checked when the segment was opened.
    path_ref(&bytes[at..at + len]).unwrap_or(Path::new(""))
}

impl Segment {
    /// The path of entry `i`, relative to the archive.
    pub fn path(&self, i: usize) -> &Path {
        path_in(&self.entries_bytes, &self.entries[i])
    }

    /// The number of the entry at `rel`, if the segment has one.
    pub fn find(&self, rel: &Path) -> Option<usize> {
        let mut lo = 0;
        let mut hi = self.entries.len();
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.path(mid).cmp(rel) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Open and check a segment: its header, strings, directories and entries.
    pub fn open(path: &Path) -> Result<Segment, Corrupt> {
        // Only a regular file, not through a link: opening a FIFO planted in the index
        // directory would block every reader of the archive for ever.
        if !std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file()) {
            return Err(corrupt("it is not a regular file"));
        }
        let file = File::open(path).map_err(|e| corrupt(format!("cannot open it: {e}")))?;
        let meta = file
            .metadata()
            .map_err(|e| corrupt(format!("cannot read it: {e}")))?;
        if !meta.is_file() {
            return Err(corrupt("it is not a regular file"));
        }
        let file_len = meta.len();
        let header = read_at(&file, 0, HEADER_LEN as u64, file_len)?;
        let (body, sum) = header.split_at(HEADER_LEN - 32);
        if &body[..16] != MAGIC {
            return Err(corrupt("it is not an attest index of this version"));
        }
        if Sha256::digest(body).as_slice() != sum {
            return Err(corrupt("its header does not match its checksum"));
        }
        let mut d = Dec::new(body);
        d.take(16)?;
        if d.u32()? != SHINGLE_HASH_VERSION {
            return Err(corrupt("it was made with another shingle hash"));
        }
        let root = (d.u64()?, d.u64()?);
        let mut slots = Vec::with_capacity(SECTIONS + BUCKETS);
        for _ in 0..SECTIONS + BUCKETS {
            let offset = d.u64()?;
            let len = d.u64()?;
            let sum: [u8; 32] = d.take(32)?.try_into().unwrap_or_default();
            if offset.checked_add(len).is_none_or(|end| end > file_len) {
                return Err(corrupt("a section lies past the end of the file"));
            }
            slots.push((offset, len, sum));
        }
        let section = |i: usize, what: &str| {
            let (offset, len, sum) = slots[i];
            checked(read_at(&file, offset, len, file_len)?, &sum, what)
        };
        let strings_bytes = section(0, "strings")?;
        let mut d = Dec::new(&strings_bytes);
        let n = d.count(4)?;
        let strings = (0..n).map(|_| d.text()).collect::<Result<Vec<_>, _>>()?;
        d.done()?;
        let dirs_bytes = section(1, "directories")?;
        let mut d = Dec::new(&dirs_bytes);
        let n = d.count(4 + STAMP_LEN)?;
        let dirs = (0..n)
            .map(|_| Ok((path_from(d.bytes()?)?, d.stamp()?)))
            .collect::<Result<Vec<_>, Corrupt>>()?;
        d.done()?;
        let entries_bytes = section(2, "entries")?;
        let mut d = Dec::new(&entries_bytes);
        let n = d.count(4 + 4 + STAMP_LEN + 1)?;
        let entries = (0..n)
            .map(|_| get_entry_meta(&mut d, strings.len()))
            .collect::<Result<Vec<_>, _>>()?;
        d.done()?;
        // The listing is made in path order from the entries as stored: a segment whose
        // directories or entries are out of order, or name a directory it lacks, is refused.
        if !dirs.windows(2).all(|w| w[0].0 < w[1].0)
            || !(1..entries.len()).all(|i| {
                path_in(&entries_bytes, &entries[i - 1]) < path_in(&entries_bytes, &entries[i])
            })
        {
            return Err(corrupt("its entries are not in path order"));
        }
        // Every path names a place inside the archive, written one way only, and an entry's
        // directory is its parent: a segment that names anything else (`..`, an absolute path,
        // `a/./b`, a folder that is not the entry's) would list, walk or read outside the archive
        // or in the wrong place, and is refused.
        if dirs
            .iter()
            .enumerate()
            .any(|(i, (p, _))| !(plain_relative(p) || (i == 0 && p.as_os_str().is_empty())))
            || (0..entries.len()).any(|i| !plain_relative(path_in(&entries_bytes, &entries[i])))
        {
            return Err(corrupt("a path is not a plain path inside the archive"));
        }
        if entries.iter().enumerate().any(|(i, e)| {
            e.dir != NO_DIR
                && dirs.get(e.dir as usize).is_none_or(|(d, _)| {
                    path_in(&entries_bytes, &entries[i]).parent() != Some(d.as_path())
                })
        }) {
            return Err(corrupt("an entry names a directory that is not its own"));
        }
        Ok(Segment {
            file,
            file_len,
            root,
            dirs,
            entries,
            entries_bytes,
            strings,
            buckets: slots.split_off(SECTIONS),
        })
    }

    /// The manifest fields of entry `i`, if they were read when it was indexed.
    pub fn hints(&self, i: usize) -> Option<Hints> {
        let e = self.entries.get(i)?;
        if e.recorded != RecordedMeta::File(true) {
            return None;
        }
        let mut d = Dec::new(&self.entries_bytes);
        d.pos = e.hints_at;
        get_hints(&mut d, &self.strings).ok()
    }

    /// Only `statement.exact_digest` and `canonical.digest` of entry `i` (see [`Hints::digests`]),
    /// without building the rest: the digest look-up reads them for every file.
    pub fn digests(&self, i: usize) -> Option<(DigestText, DigestText)> {
        let e = self.entries.get(i)?;
        if e.recorded != RecordedMeta::File(true) {
            return None;
        }
        let mut d = Dec::new(&self.entries_bytes);
        d.pos = e.hints_at;
        match d.u8().ok()? {
            0 => None,
            _ => Some((get_digest_text(&mut d).ok()?, get_digest_text(&mut d).ok()?)),
        }
    }

    /// Only the similarity fields of entry `i` (see [`Hints::similar`]), without building the
    /// rest: the similarity look-up reads them for every manifest sharing a phrase with a copy.
    pub fn similar(&self, i: usize) -> Option<SimilarHint> {
        let e = self.entries.get(i)?;
        if e.recorded != RecordedMeta::File(true) {
            return None;
        }
        let mut d = Dec::new(&self.entries_bytes);
        d.pos = e.hints_at;
        if d.u8().ok()? != 0 {
            skip_digest_text(&mut d).ok()?;
            skip_digest_text(&mut d).ok()?;
        }
        if d.u8().ok()? == 0 {
            return None;
        }
        let string = |id: u32| self.strings.get(id as usize).cloned();
        let issuer = string(d.u32().ok()?)?;
        let n = d.count(4).ok()?;
        let key_ids = (0..n)
            .map(|_| string(d.u32().ok()?))
            .collect::<Option<Vec<_>>>()?;
        Some(SimilarHint {
            issuer,
            key_ids,
            canonical_digest: get_digest_text(&mut d).ok()?,
        })
    }

    /// For each of `shingles` (distinct) found in this segment, call `found` with the number of
    /// every entry whose paragraphs hold it. Reads and checks only the buckets the shingles fall in.
    pub fn postings(&self, shingles: &[u64], mut found: impl FnMut(u32)) -> Result<(), Corrupt> {
        let mut by_bucket: Vec<Vec<u64>> = vec![Vec::new(); BUCKETS];
        for h in shingles {
            by_bucket[(h >> 56) as usize].push(*h);
        }
        for (b, wanted) in by_bucket.iter().enumerate() {
            if wanted.is_empty() {
                continue;
            }
            let (offset, len, sum) = self.buckets[b];
            let bytes = checked(
                read_at(&self.file, offset, len, self.file_len)?,
                &sum,
                "shingles",
            )?;
            let mut d = Dec::new(&bytes);
            let n = d.count(12)?;
            let keys: Vec<u64> = (0..n).map(|_| d.u64()).collect::<Result<_, _>>()?;
            let offsets: Vec<u32> = (0..=n).map(|_| d.u32()).collect::<Result<_, _>>()?;
            let ids_at = d.pos;
            let total = (bytes.len() - ids_at) / 4;
            if !(bytes.len() - ids_at).is_multiple_of(4)
                || offsets.last().copied() != Some(total as u32)
            {
                return Err(corrupt("a shingle bucket's lists do not add up"));
            }
            for h in wanted {
                let Ok(k) = keys.binary_search(h) else {
                    continue;
                };
                let (from, to) = (offsets[k] as usize, offsets[k + 1] as usize);
                if from > to || to > total {
                    return Err(corrupt("a shingle list lies outside its bucket"));
                }
                for i in from..to {
                    let at = ids_at + 4 * i;
                    let id = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
                    if id as usize >= self.entries.len() {
                        return Err(corrupt("a shingle list names an entry that is not there"));
                    }
                    found(id);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two ways of taking a stamp agree, or every indexed file would look changed.
    #[cfg(unix)]
    #[test]
    fn stamp_from_stat_is_stamp_from_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        std::fs::write(&file, b"{}").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        for path in [dir.path(), file.as_path(), link.as_path()] {
            let meta = std::fs::symlink_metadata(path).unwrap();
            let st = rustix::fs::lstat(path).unwrap();
            assert_eq!(Stamp::of_stat(&st), Stamp::of(&meta), "{path:?}");
        }
    }

    /// A segment round-trips, and one whose entries are out of path order is refused.
    #[test]
    fn segments_round_trip_and_out_of_order_entries_are_refused() {
        let entry = |path: &str| Entry {
            path: PathBuf::from(path),
            dir: NO_DIR,
            stamp: Stamp::default(),
            recorded: Recorded::Ignored(3),
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.idx");
        let content = Content {
            root: (1, 2),
            dirs: vec![(PathBuf::new(), Stamp::default())],
            entries: vec![entry("a/b.json"), entry("a-b/c.json")],
            shingles: vec![vec![7, 1 << 60], vec![7]],
        };
        std::fs::write(&file, encode(&content)).unwrap();
        let seg = Segment::open(&file).unwrap();
        assert_eq!(seg.root, (1, 2));
        assert_eq!(seg.path(1), Path::new("a-b/c.json"));
        let mut found = Vec::new();
        seg.postings(&[7, 1 << 60, 9], |id| found.push(id)).unwrap();
        found.sort_unstable();
        assert_eq!(found, vec![0, 0, 1]);
        let swapped = Content {
            entries: vec![entry("a-b/c.json"), entry("a/b.json")],
            ..content
        };
        std::fs::write(&file, encode(&swapped)).unwrap();
        assert!(Segment::open(&file).is_err());
    }
}
