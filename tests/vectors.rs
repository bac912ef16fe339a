//! Known-answer vectors for canonical text v2 (`attest-canon/2`).
//!
//! Every file `tests/vectors/*.txt` is one case: an original (as signed), a copy (as received), and
//! what `attest` must conclude about the copy. This one harness runs them all, and reports every
//! failing vector by file name with what differed. Every vector is checked twice, against
//! `attest::canon::canonicalize` (the fast path and its fallback) and against
//! `attest::canon::reference::canonicalize` (`docs/SPEC.md` §2 written out literally), and the two
//! must give the same result for the original and the copy. The format is also described in
//! `tests/vectors/README.md`, so that a second implementation can reuse the files.
//!
//! # Format
//!
//! A vector file is UTF-8 text with LF line endings. It has a header, then sections.
//!
//! **Header.** Lines before the first section marker. Blank lines and lines starting with `#` are
//! comments (use them to tell the story of the case). Every other line is `key: value`; each key may
//! appear once, and unknown keys are errors:
//!
//! - `expect:` (required) one of
//!   - `exact`: the copy's bytes are identical to the original's;
//!   - `reformatted`: the bytes differ but the canonical digests are equal, and the copy keeps
//!     the original's separators (§2.10);
//!   - `regrouped`: the canonical digests are equal, but the copy moves, drops or adds a hard
//!     separator (§2.10): `verify` calls it `modified`, with separator changes;
//!   - `modified`: the canonical digests differ.
//! - `separators:` the original's separators (§2.10): comma-separated `line P` (a hard line break
//!   at position P), `space P` (a hard space), `wrap P` (a soft line break) and `soft P` (a soft
//!   space the canonical text does not show), or `none`. The set must be equal.
//! - `differences:` comma-separated [`LayoutDifference`] names (`encoding`, `byte_order_mark`,
//!   `line_endings`, `wrapping`, `paragraph_breaks`, `blank_lines`, `spacing`, `quotes`,
//!   `invisible_characters`, `unicode_normalization`). Required for `reformatted`, forbidden
//!   otherwise: the set of differences between the original's layout and the copy's must equal it.
//! - `warning:` comma-separated code points (`U+202E`). The set of code points in the copy's
//!   `suspicious` list must equal it; without the key the copy must have no suspicious characters.
//! - `original-warning:` the same for the original (without the key it must have none).
//! - `digest:` the canonical digest (`sha256:<hex>`) of the original: a known answer.
//! - `paragraphs:` the number of canonical paragraphs of the original.
//! - `layout:` comma-separated `field=value` pairs, fields of the original's layout (§2.7) by their
//!   JSON names (`bom=false`, `line_endings=lf`, `wrapping=2347f5a2b07e8617`, ...). The fields
//!   listed must have these values; fields not listed are not checked.
//! - `copy-encoding:` one of `utf-8-bom`, `utf-16le-bom`, `utf-16be-bom`, `gb18030`, `big5`. The
//!   harness encodes the copy section into that encoding (BOM included where named) and decodes the
//!   bytes with `attest::input::decode`; the decoded encoding and BOM go into the copy's layout. A
//!   non-UTF-8 `copy-encoding` must list `encoding` in `differences`. Without this key the copy is
//!   the UTF-8 text of its section, given to the canonicalizer directly.
//! - `original-line-endings:`, `copy-line-endings:` `lf` (default), `crlf` or `cr`: the line ending
//!   used to join that section's lines.
//! - `final-line-ending:` `yes` (default) or `no`: whether the bodies of `original` and `copy` end
//!   with a line ending (see Bodies). `no` lets a vector pin a layout exactly as the spec gives it.
//!
//! **Sections.** A line that is exactly `--- original`, `--- copy`, `--- canonical` or `--- stream`
//! starts a section, which runs to the next such line or the end of the file. `original` and `copy`
//! are required, `canonical` and `stream` are optional; each appears at most once. `stream` is the
//! original's canonical stream (§2.4), whose SHA-256 is the canonical digest.
//!
//! **Bodies.** A section's body is its lines joined with the section's line ending, plus one final
//! line ending (a section with no lines is empty), unless `final-line-ending: no`. In `--- canonical`
//! and `--- stream` that final line ending is never part of the expected text: it is the original's
//! canonical text (or stream) exactly, which never ends in a line break. Each line may use one escape, `\u{HEX}` (1 to 6 hex digits), which stands for that
//! character; a backslash not followed by `u{` is literal. So that nothing in a vector is invisible,
//! the file itself must not contain CR, tabs, control characters, no-break or other non-ASCII
//! spaces, invisible or bidi format characters, combining marks or tag characters: write them as
//! escapes. Likewise a line must not end in a space (write `\u{20}`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use attest::canon::{
    canonicalize, reference, stream_digest, summarize, Canonical, Layout, LayoutDifference,
};
use attest::digest::Digest;

/// The harness refuses to pass with fewer vectors than this, so it can never pass vacuously.
const MIN_VECTORS: usize = 30;

const ALL_DIFFERENCES: [&str; 10] = [
    "encoding",
    "byte_order_mark",
    "line_endings",
    "wrapping",
    "paragraph_breaks",
    "blank_lines",
    "spacing",
    "quotes",
    "invisible_characters",
    "unicode_normalization",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Exact,
    Reformatted,
    Regrouped,
    Modified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CopyEncoding {
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
    Gb18030,
    Big5,
}

impl CopyEncoding {
    fn parse(s: &str) -> Result<Self, String> {
        Ok(match s {
            "utf-8-bom" => CopyEncoding::Utf8Bom,
            "utf-16le-bom" => CopyEncoding::Utf16LeBom,
            "utf-16be-bom" => CopyEncoding::Utf16BeBom,
            "gb18030" => CopyEncoding::Gb18030,
            "big5" => CopyEncoding::Big5,
            other => return Err(format!("unknown copy-encoding `{other}`")),
        })
    }

    /// The bytes of `text` in this encoding.
    fn encode(self, text: &str) -> Result<Vec<u8>, String> {
        let legacy = |encoding: &'static encoding_rs::Encoding| {
            let (bytes, _, had_errors) = encoding.encode(text);
            if had_errors {
                Err(format!(
                    "the copy cannot be encoded in {} without loss",
                    encoding.name()
                ))
            } else {
                Ok(bytes.into_owned())
            }
        };
        Ok(match self {
            CopyEncoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
            CopyEncoding::Utf16LeBom => {
                let mut out = vec![0xFF, 0xFE];
                out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                out
            }
            CopyEncoding::Utf16BeBom => {
                let mut out = vec![0xFE, 0xFF];
                out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
                out
            }
            CopyEncoding::Gb18030 => legacy(encoding_rs::GB18030)?,
            CopyEncoding::Big5 => legacy(encoding_rs::BIG5)?,
        })
    }

    /// The names `attest::input::decode` may report for bytes in this encoding (encoding_rs
    /// spellings). For GB18030 bytes of characters also in GBK, detection may fairly say `GBK`:
    /// encoding_rs decodes both the same way.
    fn decoded_names(self) -> &'static [&'static str] {
        match self {
            CopyEncoding::Utf8Bom => &["UTF-8"],
            CopyEncoding::Utf16LeBom => &["UTF-16LE"],
            CopyEncoding::Utf16BeBom => &["UTF-16BE"],
            CopyEncoding::Gb18030 => &["gb18030", "GBK"],
            CopyEncoding::Big5 => &["Big5"],
        }
    }

    fn is_utf8(self) -> bool {
        self == CopyEncoding::Utf8Bom
    }
}

#[derive(Debug)]
struct Vector {
    name: String,
    expect: Expect,
    differences: Option<BTreeSet<String>>,
    warnings: BTreeSet<String>,
    original_warnings: BTreeSet<String>,
    layout: Vec<(String, String)>,
    digest: Option<Digest>,
    paragraphs: Option<usize>,
    separators: Option<BTreeSet<String>>,
    copy_encoding: Option<CopyEncoding>,
    original: String,
    copy: String,
    canonical: Option<String>,
    stream: Option<String>,
}

/// A canonicalizer under test.
type Canonicalizer = fn(&str) -> Canonical;

/// The two implementations every vector is checked against.
const IMPLEMENTATIONS: [(&str, Canonicalizer); 2] = [
    ("canonicalize", canonicalize),
    ("reference", reference::canonicalize),
];

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("vectors")
}

fn vector_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(vectors_dir())
        .expect("tests/vectors exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
}

/// Characters a vector file must spell as `\u{...}` escapes, because a reader cannot see them or
/// cannot tell them from another character.
fn must_be_escaped(c: char) -> bool {
    let cp = c as u32;
    (c.is_control() && c != '\n')
        || c.is_whitespace() && c != ' ' && c != '\n'
        || matches!(cp,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x180E | 0x3164 | 0xFEFF | 0xFFA0
            | 0x0300..=0x036F // combining diacritical marks
            | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
            | 0x3099 | 0x309A // combining kana voiced sound marks
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
            | 0xFE00..=0xFE0F | 0xFFF9..=0xFFFB
            | 0xE0000..=0xE0FFF // tags, variation selectors supplement
        )
}

/// Expand `\u{HEX}` escapes in one line.
fn unescape(line: &str) -> Result<String, String> {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(pos) = rest.find("\\u{") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 3..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unterminated escape in {line:?}"))?;
        let hex = &after[..close];
        if hex.is_empty() || hex.len() > 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("bad escape `\\u{{{hex}}}`"));
        }
        let cp = u32::from_str_radix(hex, 16).expect("checked hex digits");
        let c = char::from_u32(cp).ok_or_else(|| format!("`\\u{{{hex}}}` is not a character"))?;
        out.push(c);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn line_ending(value: &str) -> Result<&'static str, String> {
    match value {
        "lf" => Ok("\n"),
        "crlf" => Ok("\r\n"),
        "cr" => Ok("\r"),
        other => Err(format!(
            "unknown line ending `{other}` (want lf, crlf or cr)"
        )),
    }
}

fn body(lines: &[&str], eol: &str) -> Result<String, String> {
    let mut out = String::new();
    for line in lines {
        out.push_str(&unescape(line)?);
        out.push_str(eol);
    }
    Ok(out)
}

fn comma_list(value: &str) -> BTreeSet<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_vector(name: &str, content: &str) -> Result<Vector, String> {
    for (number, line) in content.split('\n').enumerate() {
        if let Some(c) = line.chars().find(|&c| must_be_escaped(c)) {
            return Err(format!(
                "line {}: raw U+{:04X} must be written as an escape `\\u{{{:X}}}`",
                number + 1,
                c as u32,
                c as u32
            ));
        }
        if line.ends_with(' ') {
            return Err(format!(
                "line {}: trailing space (write it as `\\u{{20}}`)",
                number + 1
            ));
        }
    }

    let lines: Vec<&str> = content.lines().collect();
    let is_marker = |l: &str| {
        matches!(
            l,
            "--- original" | "--- copy" | "--- canonical" | "--- stream"
        )
    };
    let header_end = lines
        .iter()
        .position(|l| is_marker(l))
        .ok_or("no `--- original` section")?;

    let mut header = std::collections::BTreeMap::new();
    for line in &lines[..header_end] {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| format!("header line is not `key: value`: {line:?}"))?;
        let known = [
            "expect",
            "differences",
            "warning",
            "original-warning",
            "layout",
            "digest",
            "paragraphs",
            "separators",
            "copy-encoding",
            "original-line-endings",
            "copy-line-endings",
            "final-line-ending",
        ];
        if !known.contains(&key) {
            return Err(format!("unknown header key `{key}`"));
        }
        if header.insert(key, value.trim()).is_some() {
            return Err(format!("header key `{key}` appears twice"));
        }
    }

    let mut sections: std::collections::BTreeMap<&str, &[&str]> = Default::default();
    let mut start = header_end;
    while start < lines.len() {
        let end = lines[start + 1..]
            .iter()
            .position(|l| is_marker(l))
            .map_or(lines.len(), |p| p + start + 1);
        let which = lines[start].trim_start_matches("--- ");
        if sections.insert(which, &lines[start + 1..end]).is_some() {
            return Err(format!("section `--- {which}` appears twice"));
        }
        start = end;
    }

    let expect = match header.get("expect").copied() {
        Some("exact") => Expect::Exact,
        Some("reformatted") => Expect::Reformatted,
        Some("regrouped") => Expect::Regrouped,
        Some("modified") => Expect::Modified,
        Some(other) => {
            return Err(format!(
                "`expect: {other}` is not exact, reformatted, regrouped or modified"
            ))
        }
        None => return Err("missing `expect:`".to_string()),
    };
    let differences = header.get("differences").map(|v| comma_list(v));
    if let Some(names) = &differences {
        for n in names {
            if !ALL_DIFFERENCES.contains(&n.as_str()) {
                return Err(format!("unknown difference `{n}`"));
            }
        }
    }
    match (expect, &differences) {
        (Expect::Reformatted, None) => {
            return Err("`expect: reformatted` needs `differences:`".into())
        }
        (Expect::Reformatted, Some(d)) if d.is_empty() => {
            return Err("a reformatted copy differs in some way: `differences:` is empty".into())
        }
        (Expect::Exact | Expect::Modified | Expect::Regrouped, Some(_)) => {
            return Err("`differences:` is only for `expect: reformatted`".into())
        }
        _ => {}
    }
    let code_points = |key: &str| -> Result<BTreeSet<String>, String> {
        let list = header.get(key).map(|v| comma_list(v)).unwrap_or_default();
        for w in &list {
            let ok = w.strip_prefix("U+").is_some_and(|h| {
                (4..=6).contains(&h.len())
                    && h.bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            });
            if !ok {
                return Err(format!("{key} `{w}` is not a code point like U+202E"));
            }
        }
        Ok(list)
    };
    let warnings = code_points("warning")?;
    let original_warnings = code_points("original-warning")?;
    let layout = match header.get("layout") {
        None => Vec::new(),
        Some(v) => parse_layout_fields(v)?,
    };
    let digest = header
        .get("digest")
        .map(|v| v.parse::<Digest>().map_err(|e| format!("digest: {e}")))
        .transpose()?;
    let paragraphs = header
        .get("paragraphs")
        .map(|v| v.parse::<usize>().map_err(|e| format!("paragraphs: {e}")))
        .transpose()?;
    let separators = match header.get("separators").copied() {
        None => None,
        Some("none") => Some(BTreeSet::new()),
        Some(v) => {
            let list = comma_list(v);
            for item in &list {
                let ok = item.split_once(' ').is_some_and(|(kind, pos)| {
                    matches!(kind, "line" | "space" | "wrap" | "soft") && pos.parse::<u64>().is_ok()
                });
                if !ok {
                    return Err(format!(
                        "separators `{item}` is not `line P`, `space P`, `wrap P` or `soft P`"
                    ));
                }
            }
            Some(list)
        }
    };
    let copy_encoding = header
        .get("copy-encoding")
        .map(|v| CopyEncoding::parse(v))
        .transpose()?;
    if let (Some(enc), Some(d)) = (copy_encoding, &differences) {
        if !enc.is_utf8() && !d.contains("encoding") {
            return Err("a non-UTF-8 copy-encoding must list `encoding` in differences".into());
        }
    }
    let original_eol = line_ending(header.get("original-line-endings").copied().unwrap_or("lf"))?;
    let copy_eol = line_ending(header.get("copy-line-endings").copied().unwrap_or("lf"))?;
    let final_line_ending = match header.get("final-line-ending").copied() {
        None | Some("yes") => true,
        Some("no") => false,
        Some(other) => return Err(format!("`final-line-ending: {other}` is not yes or no")),
    };
    let text = |lines: &[&str], eol: &str, final_eol: bool| -> Result<String, String> {
        let with_final = body(lines, eol)?;
        Ok(match with_final.strip_suffix(eol) {
            Some(without) if !final_eol => without.to_string(),
            _ => with_final,
        })
    };

    let original = text(
        sections
            .get("original")
            .ok_or("no `--- original` section")?,
        original_eol,
        final_line_ending,
    )?;
    let copy = text(
        sections.get("copy").ok_or("no `--- copy` section")?,
        copy_eol,
        final_line_ending,
    )?;
    let canonical = sections
        .get("canonical")
        .map(|lines| text(lines, "\n", false))
        .transpose()?;
    let stream = sections
        .get("stream")
        .map(|lines| text(lines, "\n", false))
        .transpose()?;

    Ok(Vector {
        name: name.to_string(),
        expect,
        differences,
        warnings,
        original_warnings,
        layout,
        digest,
        paragraphs,
        separators,
        copy_encoding,
        original,
        copy,
        canonical,
        stream,
    })
}

/// The JSON names of the layout's fields (§2.7).
const LAYOUT_FIELDS: [&str; 10] = [
    "encoding",
    "bom",
    "line_endings",
    "wrapping",
    "paragraphs",
    "blank_lines",
    "spacing",
    "quotes",
    "invisibles",
    "normalization",
];

/// `field=value, field=value`: fields of a layout by their JSON names.
fn parse_layout_fields(value: &str) -> Result<Vec<(String, String)>, String> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for pair in comma_list(value) {
        let (field, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("layout entry `{pair}` is not `field=value`"))?;
        if !LAYOUT_FIELDS.contains(&field) {
            return Err(format!("unknown layout field `{field}`"));
        }
        if fields.iter().any(|(f, _)| f == field) {
            return Err(format!("layout field `{field}` appears twice"));
        }
        fields.push((field.to_string(), value.to_string()));
    }
    Ok(fields)
}

/// A layout field's value as the `layout:` header writes it (strings bare, booleans as
/// `true`/`false`).
fn layout_field(layout: &Layout, field: &str) -> String {
    match &serde_json::to_value(layout).expect("a layout serializes")[field] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The fast path (`summarize`) and the full result (`canonicalize`) must agree, and the digest must
/// be the stream digest of the canonical text.
fn check_consistency(which: &str, input: &str, c: &Canonical, problems: &mut Vec<String>) {
    let s = summarize(input);
    if s.digest != c.digest {
        problems.push(format!(
            "{which}: summarize digest {} != canonicalize digest {}",
            s.digest, c.digest
        ));
    }
    if s.paragraph_count != c.paragraphs().count() {
        problems.push(format!(
            "{which}: summarize counts {} paragraphs, canonicalize {}",
            s.paragraph_count,
            c.paragraphs().count()
        ));
    }
    if s.layout != c.layout {
        problems.push(format!(
            "{which}: layouts differ: summarize {:?}, canonicalize {:?}",
            s.layout, c.layout
        ));
    }
    if s.suspicious != c.suspicious {
        problems.push(format!(
            "{which}: suspicious lists differ between summarize and canonicalize"
        ));
    }
    let streamed = stream_digest(&c.text);
    if streamed != c.digest {
        problems.push(format!(
            "{which}: stream_digest(text) {streamed} != digest {}",
            c.digest
        ));
    }
}

fn difference_names(differences: &[LayoutDifference]) -> BTreeSet<String> {
    differences
        .iter()
        .map(|d| {
            serde_json::to_value(d)
                .expect("serializes")
                .as_str()
                .expect("a string")
                .to_string()
        })
        .collect()
}

/// Run one vector against both implementations; return what went wrong (empty when it passed).
fn check(v: &Vector) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, canonicalizer) in IMPLEMENTATIONS {
        let fast = name == "canonicalize";
        for problem in check_with(v, canonicalizer, fast) {
            problems.push(format!("{name}: {problem}"));
        }
    }
    problems
}

/// Whether the two implementations give the same [`Canonical`] for `input`.
fn compare_implementations(which: &str, input: &str, problems: &mut Vec<String>) {
    let got = canonicalize(input);
    let expected = reference::canonicalize(input);
    if got != expected {
        problems.push(format!(
            "{which}: canonicalize and the reference differ\n    canonicalize: {got:?}\n    reference:    {expected:?}"
        ));
    }
}

/// Run one vector with one implementation. With `fast`, also check `summarize` against it and
/// the implementation against the reference.
fn check_with(v: &Vector, canonicalize: Canonicalizer, fast: bool) -> Vec<String> {
    let mut problems = Vec::new();

    let original = canonicalize(&v.original);
    if fast {
        check_consistency("original", &v.original, &original, &mut problems);
        compare_implementations("original", &v.original, &mut problems);
    }
    let original_warnings: BTreeSet<String> = original
        .suspicious
        .iter()
        .map(|s| s.codepoint.clone())
        .collect();
    if original_warnings != v.original_warnings {
        problems.push(format!(
            "warnings of the original: expected {:?}, got {:?}",
            v.original_warnings, original_warnings
        ));
    }
    for (field, expected) in &v.layout {
        let actual = layout_field(&original.layout, field);
        if &actual != expected {
            problems.push(format!(
                "layout of the original: {field} expected {expected}, got {actual}"
            ));
        }
    }
    if let Some(expected) = &v.stream {
        let actual = reference::stream(&original.text);
        if &actual != expected {
            problems.push(format!(
                "canonical stream of the original differs\n    expected: {expected:?}\n    actual:   {actual:?}"
            ));
        }
        if Digest::of(expected.as_bytes()) != original.digest {
            problems.push(format!(
                "the digest of the original is not SHA-256 of the expected stream: {}",
                original.digest
            ));
        }
    }
    if let Some(expected) = &v.canonical {
        if &original.text != expected {
            problems.push(format!(
                "canonical text of the original differs\n    expected: {expected:?}\n    actual:   {:?}",
                original.text
            ));
        }
    }
    if let Some(expected) = v.digest {
        if original.digest != expected {
            problems.push(format!(
                "digest of the original: expected {expected}, got {}",
                original.digest
            ));
        }
    }
    if let Some(expected) = v.paragraphs {
        let actual = original.paragraphs().count();
        if actual != expected {
            problems.push(format!(
                "paragraphs of the original: expected {expected}, got {actual}"
            ));
        }
    }

    if let Some(expected) = &v.separators {
        let s = attest::canon::separators(&v.original);
        let actual: BTreeSet<String> = [
            ("line", &s.hard_line_breaks),
            ("space", &s.hard_spaces),
            ("wrap", &s.soft_line_breaks),
            ("soft", &s.soft_spaces),
        ]
        .into_iter()
        .flat_map(|(kind, list)| list.iter().map(move |p| format!("{kind} {p}")))
        .collect();
        if &actual != expected {
            problems.push(format!(
                "separators of the original: expected {expected:?}, got {actual:?}"
            ));
        }
    }

    let (copy_bytes, copy) = match v.copy_encoding {
        None => (v.copy.as_bytes().to_vec(), canonicalize(&v.copy)),
        Some(encoding) => {
            let bytes = match encoding.encode(&v.copy) {
                Ok(bytes) => bytes,
                Err(e) => {
                    problems.push(e);
                    return problems;
                }
            };
            let decoded = match attest::input::decode(&bytes, &v.name) {
                Ok(decoded) => decoded,
                Err(e) => {
                    problems.push(format!("attest::input::decode failed: {e}"));
                    return problems;
                }
            };
            if !encoding.decoded_names().contains(&decoded.encoding) {
                problems.push(format!(
                    "decode reported encoding {:?}, expected one of {:?}",
                    decoded.encoding,
                    encoding.decoded_names()
                ));
            }
            if decoded.text != v.copy {
                problems.push(format!(
                    "decode did not restore the copy's text\n    expected: {:?}\n    actual:   {:?}",
                    v.copy, decoded.text
                ));
            }
            let mut copy = canonicalize(&decoded.text);
            if fast {
                check_consistency("copy (decoded)", &decoded.text, &copy, &mut problems);
                compare_implementations("copy (decoded)", &decoded.text, &mut problems);
            }
            copy.layout.encoding = decoded.encoding.to_string();
            copy.layout.bom |= decoded.bom;
            (bytes, copy)
        }
    };
    if v.copy_encoding.is_none() && fast {
        check_consistency("copy", &v.copy, &copy, &mut problems);
        compare_implementations("copy", &v.copy, &mut problems);
    }

    let same_bytes = copy_bytes == v.original.as_bytes();
    let same_digest = copy.digest == original.digest;
    let copy_text = String::from_utf8_lossy(&copy_bytes);
    let copy_text = match v.copy_encoding {
        None | Some(CopyEncoding::Utf8Bom) => copy_text.into_owned(),
        Some(_) => v.copy.clone(),
    };
    let separator_changes = attest::diff::separator_changes(
        &original.text,
        &attest::canon::separators(&v.original),
        &attest::canon::separators::gaps(&copy_text),
    );
    let differences = difference_names(&original.layout.differences(&copy.layout));
    match v.expect {
        Expect::Exact => {
            if !same_bytes {
                problems
                    .push("expected exact, but the copy's bytes differ from the original's".into());
            }
            if !differences.is_empty() {
                problems.push(format!(
                    "expected exact, but layouts differ in {differences:?}"
                ));
            }
            if !same_digest {
                problems.push("expected exact, but the canonical digests differ".into());
            }
        }
        Expect::Reformatted => {
            if same_bytes {
                problems.push(
                    "expected reformatted, but the copy is byte-for-byte the original".into(),
                );
            }
            if !same_digest {
                problems.push(format!(
                    "expected reformatted, but the canonical digests differ\n    original canonical: {:?}\n    copy canonical:     {:?}",
                    original.text, copy.text
                ));
            }
            let expected = v
                .differences
                .as_ref()
                .expect("parse_vector requires differences");
            if &differences != expected {
                problems.push(format!(
                    "differences: expected {expected:?}, got {differences:?}"
                ));
            }
            if !separator_changes.is_empty() {
                problems.push(format!(
                    "expected reformatted, but the copy does not keep the separators: {separator_changes:?}"
                ));
            }
        }
        Expect::Regrouped => {
            if !same_digest {
                problems.push("expected regrouped, but the canonical digests differ".into());
            }
            if separator_changes.is_empty() {
                problems.push(
                    "expected regrouped, but the copy keeps every separator of the original".into(),
                );
            }
        }
        Expect::Modified => {
            if same_digest {
                problems.push(format!(
                    "expected modified, but the canonical digests are equal\n    canonical: {:?}",
                    copy.text
                ));
            }
        }
    }

    let found: BTreeSet<String> = copy
        .suspicious
        .iter()
        .map(|s| s.codepoint.clone())
        .collect();
    if found != v.warnings {
        problems.push(format!(
            "warnings: expected {:?}, got {:?}",
            v.warnings, found
        ));
    }
    problems
}

thread_local! {
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f`, turning a panic into an error message without printing a backtrace (the report names
/// the vector; other threads' panics are printed as usual).
fn catch_quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(|q| q.get()) {
                default(info);
            }
        }));
    });
    QUIET_PANICS.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET_PANICS.with(|q| q.set(false));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(no message)".to_string());
        format!("panicked: {message}")
    })
}

fn load_all() -> (Vec<Vector>, Vec<String>) {
    let mut vectors = Vec::new();
    let mut errors = Vec::new();
    for path in vector_files() {
        let name = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let content = match fs::read_to_string(&path) {
            Ok(content) => content,
            Err(e) => {
                errors.push(format!("{name}: unreadable: {e}"));
                continue;
            }
        };
        match parse_vector(&name, &content) {
            Ok(v) => vectors.push(v),
            Err(e) => errors.push(format!("{name}: malformed vector: {e}")),
        }
    }
    (vectors, errors)
}

#[test]
fn every_vector_file_is_well_formed_with_a_valid_expect() {
    let files = vector_files();
    let (vectors, errors) = load_all();
    assert!(
        errors.is_empty(),
        "malformed vector files:\n{}",
        errors.join("\n")
    );
    assert_eq!(vectors.len(), files.len());
}

#[test]
fn known_answer_vectors() {
    let (vectors, mut failures) = load_all();
    let mut passed = 0;
    for v in &vectors {
        let problems = catch_quietly(|| check(v)).unwrap_or_else(|panic| vec![panic]);
        if problems.is_empty() {
            passed += 1;
        } else {
            let mut report = format!("{}:", v.name);
            for p in problems {
                let _ = write!(report, "\n  - {p}");
            }
            failures.push(report);
        }
    }
    assert!(
        vectors.len() >= MIN_VECTORS,
        "found only {} vectors in {}; expected at least {MIN_VECTORS}",
        vectors.len(),
        vectors_dir().display()
    );
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed ({passed} passed):\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

/// Every tolerated difference is shown by at least one `reformatted` vector, every outcome occurs,
/// and enough vectors carry known-answer digests and canonical texts.
#[test]
fn vectors_cover_every_tolerated_difference_and_outcome() {
    let (vectors, _) = load_all();
    let covered: BTreeSet<&str> = vectors
        .iter()
        .flat_map(|v| v.differences.iter().flatten())
        .map(String::as_str)
        .collect();
    let missing: Vec<&str> = ALL_DIFFERENCES
        .iter()
        .copied()
        .filter(|d| !covered.contains(d))
        .collect();
    assert!(
        missing.is_empty(),
        "no reformatted vector shows: {missing:?}"
    );
    for expect in [Expect::Exact, Expect::Reformatted, Expect::Modified] {
        assert!(
            vectors.iter().any(|v| v.expect == expect),
            "no vector expects {expect:?}"
        );
    }
    let pinned = vectors
        .iter()
        .filter(|v| v.digest.is_some() && v.canonical.is_some())
        .count();
    assert!(
        pinned >= 10,
        "only {pinned} vectors carry both `digest:` and `--- canonical`"
    );
    let warned = vectors.iter().filter(|v| !v.warnings.is_empty()).count();
    assert!(warned >= 4, "only {warned} vectors expect a warning");
}

/// The parser itself: escapes, final line endings and the canonical section's rule.
#[test]
fn vector_format_parses_bodies_as_documented() {
    let v = parse_vector(
        "inline",
        "# story\nexpect: modified\ncopy-line-endings: crlf\n--- original\na\\u{20}\n\nb\\u{D}\n--- copy\nx\ny\n--- canonical\na\n\nb\n",
    )
    .expect("parses");
    assert_eq!(v.original, "a \n\nb\r\n");
    assert_eq!(v.copy, "x\r\ny\r\n");
    assert_eq!(v.canonical.as_deref(), Some("a\n\nb"));
    assert_eq!(v.expect, Expect::Modified);

    assert!(
        parse_vector("x", "--- original\na\n--- copy\na\n").is_err(),
        "expect is required"
    );
    assert!(parse_vector("x", "expect: same\n--- original\na\n--- copy\na\n").is_err());
    assert!(parse_vector("x", "expect: exact\n--- original\na\u{200B}\n--- copy\na\n").is_err());
    assert!(parse_vector("x", "expect: exact\n--- original\na \n--- copy\na\n").is_err());
    assert!(parse_vector("x", "expect: reformatted\n--- original\na\n--- copy\na\n").is_err());
    assert!(parse_vector(
        "x",
        "expect: exact\nflavour: x\n--- original\na\n--- copy\na\n"
    )
    .is_err());

    let v = parse_vector(
        "inline",
        "expect: exact\nfinal-line-ending: no\noriginal-warning: U+202E\nlayout: wrapping=none, bom=false\n--- original\na\nb\n--- copy\na\nb\n--- stream\na b\n",
    )
    .expect("parses");
    assert_eq!(v.original, "a\nb");
    assert_eq!(v.copy, "a\nb");
    assert_eq!(v.stream.as_deref(), Some("a b"));
    assert!(v.original_warnings.contains("U+202E"));
    assert_eq!(
        v.layout,
        [("bom", "false"), ("wrapping", "none")].map(|(f, x)| (f.to_string(), x.to_string()))
    );
    for bad_header in [
        "layout: colour=red",
        "layout: wrapping",
        "final-line-ending: maybe",
        "original-warning: 202E",
    ] {
        let text = format!("expect: exact\n{bad_header}\n--- original\na\n--- copy\na\n");
        assert!(parse_vector("x", &text).is_err(), "{bad_header}");
    }
}

// ---------------------------------------------------------------------------------------------
// The worked examples of docs/SPEC.md are pinned by vectors: changing an example in the spec, or
// the code that computes it, fails a test.
// ---------------------------------------------------------------------------------------------

/// The text of `docs/SPEC.md` from the heading starting with `from` to the next heading starting
/// with `to`.
fn spec_section(from: &str, to: &str) -> String {
    let spec = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SPEC.md"))
        .expect("docs/SPEC.md is readable");
    let start = spec
        .find(from)
        .unwrap_or_else(|| panic!("SPEC has `{from}`"));
    let end = spec[start..]
        .find(to)
        .unwrap_or_else(|| panic!("SPEC has `{to}` after `{from}`"));
    spec[start..start + end].to_string()
}

/// The code spans (`` `...` ``) of a piece of Markdown, in order.
fn code_spans(markdown: &str) -> Vec<&str> {
    markdown.split('`').skip(1).step_by(2).collect()
}

/// The spec's notation for a text: `\uXXXX`, `\n`, `\r` escapes, and `⏎` for LF.
fn spec_text(notation: &str) -> String {
    let mut out = String::new();
    let mut chars = notation.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let cp = u32::from_str_radix(&hex, 16).expect("four hex digits");
                    out.push(char::from_u32(cp).expect("a character"));
                }
                other => panic!("unknown escape \\{other:?} in the SPEC"),
            },
            '⏎' => out.push('\n'),
            c => out.push(c),
        }
    }
    out
}

/// §2.9: every input of the worked examples is the original or the copy of a vector, whose
/// canonical text, stream and digest are the ones the spec gives (and the vector harness checks
/// them against both implementations).
#[test]
fn spec_worked_examples_are_pinned_by_vectors() {
    let (vectors, _) = load_all();
    let section = spec_section("### 2.9 Worked examples", "\n## 3.");
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| `")).collect();
    assert_eq!(rows.len(), 6, "the worked examples table has six rows");
    let mut pinned = 0;
    for row in rows {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").collect();
        assert_eq!(cells.len(), 4, "row {row:?}");
        let inputs: Vec<String> = code_spans(cells[0]).into_iter().map(spec_text).collect();
        // `unchanged` and `same` say the column repeats the one before.
        let canonical: Vec<String> = match code_spans(cells[1]).as_slice() {
            [] => inputs.clone(),
            spans => spans.iter().map(|s| spec_text(s)).collect(),
        };
        let stream: Vec<String> = match code_spans(cells[2]).as_slice() {
            [] => canonical.clone(),
            spans => spans.iter().map(|s| spec_text(s)).collect(),
        };
        let digest: Digest = code_spans(cells[3])[0].parse().expect("a digest");
        for (i, input) in inputs.iter().enumerate() {
            let expected_text = &canonical[i.min(canonical.len() - 1)];
            let expected_stream = &stream[i.min(stream.len() - 1)];
            let as_original = vectors.iter().find(|v| &v.original == input);
            let as_copy = vectors.iter().find(|v| &v.copy == input);
            match (as_original, as_copy) {
                (Some(v), _) => {
                    assert_eq!(v.digest, Some(digest), "{}: digest of {input:?}", v.name);
                    assert_eq!(v.canonical.as_ref(), Some(expected_text), "{}", v.name);
                    assert_eq!(v.stream.as_ref(), Some(expected_stream), "{}", v.name);
                }
                (None, Some(v)) => {
                    assert_eq!(v.digest, Some(digest), "{}: digest of {input:?}", v.name);
                    assert_eq!(v.expect, Expect::Reformatted, "{}", v.name);
                    let c = reference::canonicalize(input);
                    assert_eq!(&c.text, expected_text, "{}: canonical copy", v.name);
                    assert_eq!(&reference::stream(&c.text), expected_stream, "{}", v.name);
                }
                (None, None) => panic!("no vector pins the SPEC §2.9 input {input:?}"),
            }
            pinned += 1;
        }
    }
    assert_eq!(pinned, 7, "seven inputs in the six rows");
}

/// §2.7: the worked example's input is pinned by a vector whose layout has the fingerprints the
/// spec gives; each fingerprint is the first 16 hex digits of SHA-256 of the record bytes the spec
/// shows, and the fingerprints the spec calls `none` are `none`.
#[test]
fn spec_layout_worked_example_is_pinned_by_a_vector() {
    let (vectors, _) = load_all();
    let section = spec_section("**Positions.**", "**Differences.**");
    let example = &section[section.find("Worked example:").expect("a worked example")..];
    let example = example[..example.find("\n\n").unwrap_or(example.len())]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let input = spec_text(code_spans(&example)[0]);
    let v = vectors
        .iter()
        .find(|v| v.original == input)
        .unwrap_or_else(|| panic!("no vector pins the SPEC §2.7 input {input:?}"));
    let fingerprints = [
        "wrapping",
        "paragraphs",
        "blank_lines",
        "spacing",
        "quotes",
        "invisibles",
    ];
    let pinned = |field: &str| {
        v.layout
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, value)| value.as_str())
    };
    let mut named = Vec::new();
    for clause in example.split(';') {
        let spans = code_spans(clause);
        if clause.contains("the other fingerprints are") {
            assert_eq!(spans, ["none"], "{clause:?}");
            continue;
        }
        let field = *spans
            .iter()
            .find(|s| fingerprints.contains(s))
            .unwrap_or_else(|| panic!("a fingerprint named in {clause:?}"));
        let record: Vec<u8> = spans
            .iter()
            .find(|s| {
                s.split(' ')
                    .all(|b| b.len() == 2 && u8::from_str_radix(b, 16).is_ok())
            })
            .expect("record bytes")
            .split(' ')
            .map(|b| u8::from_str_radix(b, 16).expect("hex"))
            .collect();
        let fingerprint = *spans.last().expect("a fingerprint");
        assert_eq!(
            &Digest::of(&record).hex()[..16],
            fingerprint,
            "SPEC §2.7: {field} is not the hash of its record"
        );
        assert_eq!(pinned(field), Some(fingerprint), "{}: {field}", v.name);
        named.push(field);
    }
    assert_eq!(named.len(), 3, "the example names three fingerprints");
    for field in fingerprints.iter().filter(|f| !named.contains(f)) {
        assert_eq!(pinned(field), Some("none"), "{}: {field}", v.name);
    }
}
