//! Known-answer vectors for the reading of copies made by PDF extractors and text dumpers
//! (`docs/SPEC.md` §6.2), in `tests/vectors/readings/`. Unlike the canonical-text vectors
//! (`tests/vectors.rs`), these are about a verdict: the original is signed into an archive held in
//! memory and the copy is verified through the library, so the whole rule is checked (the look-up
//! by the reading's digest, the statement's separators, the choice between readings).
//!
//! A vector file is UTF-8 with LF line endings: a header of `#` comments and `key: value` lines,
//! then `--- original` and `--- copy` sections (each body is its lines joined by LF plus a final
//! LF; `\u{HEX}` stands for any character). Header keys:
//!
//! - `expect:` the verdict (`reformatted`, `modified`, `embedded`, ...);
//! - `differences:` comma-separated layout difference names the verdict must have exactly (for
//!   `reformatted`; may be omitted otherwise);
//! - `warning:` comma-separated warning kinds the report must carry (others may be there too);
//! - `no-warning:` comma-separated warning kinds the report must not carry;
//! - `rejoined:` how many re-joined breaks the report lists.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use attest::{MemoryArchive, ReceivedCopy, SecretKey, TrustStore, Verdict, VerifyOptions};

struct Vector {
    expect: Verdict,
    differences: Option<BTreeSet<String>>,
    warnings: BTreeSet<String>,
    no_warnings: BTreeSet<String>,
    rejoined: Option<usize>,
    original: String,
    copy: String,
}

fn unescape(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("\\u{") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').expect("closed escape") + i;
        let cp = u32::from_str_radix(&rest[i + 3..end], 16).expect("hex escape");
        out.push(char::from_u32(cp).expect("a character"));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn names(value: &str) -> BTreeSet<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse(content: &str) -> Vector {
    let mut header = std::collections::BTreeMap::new();
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in content.lines() {
        if let Some(name) = line.strip_prefix("--- ") {
            sections.push((name.to_string(), Vec::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push(unescape(line));
        } else if !line.starts_with('#') && !line.trim().is_empty() {
            let (key, value) = line.split_once(':').expect("key: value");
            let known = ["expect", "differences", "warning", "no-warning", "rejoined"];
            assert!(known.contains(&key), "unknown header key {key}");
            header.insert(key.to_string(), value.trim().to_string());
        }
    }
    let section = |name: &str| {
        let body = &sections
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no --- {name} section"))
            .1;
        body.iter().map(|l| format!("{l}\n")).collect::<String>()
    };
    let expect: Verdict =
        serde_json::from_value(serde_json::Value::String(header["expect"].clone()))
            .expect("a verdict name");
    Vector {
        expect,
        differences: header.get("differences").map(|v| names(v)),
        warnings: header.get("warning").map(|v| names(v)).unwrap_or_default(),
        no_warnings: header
            .get("no-warning")
            .map(|v| names(v))
            .unwrap_or_default(),
        rejoined: header.get("rejoined").map(|v| v.parse().expect("a count")),
        original: section("original"),
        copy: section("copy"),
    }
}

fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

fn check(v: &Vector, key: &SecretKey, trust: &TrustStore) -> Vec<String> {
    let manifest = common::signed(key, &v.original, 1, None);
    let mut archive = MemoryArchive::new("memory");
    archive.insert("issuer/000001.json", manifest.to_json());
    let copy = ReceivedCopy::from_bytes("copy.txt", v.copy.as_bytes()).unwrap();
    let report = attest::verify(&copy, &archive, trust, &VerifyOptions::default()).unwrap();
    let mut wrong = Vec::new();
    if report.verdict != v.expect {
        wrong.push(format!(
            "verdict {:?} (changes {:?})",
            report.verdict, report.changes
        ));
    }
    if let Some(expected) = &v.differences {
        let got: BTreeSet<String> = report.differences.iter().map(name_of).collect();
        if &got != expected {
            wrong.push(format!("differences {got:?}"));
        }
    }
    let warnings: BTreeSet<String> = report.warnings.iter().map(|w| name_of(&w.kind)).collect();
    for w in &v.warnings {
        if !warnings.contains(w) {
            wrong.push(format!("no {w} warning (warnings {warnings:?})"));
        }
    }
    for w in &v.no_warnings {
        if warnings.contains(w) {
            wrong.push(format!("a {w} warning"));
        }
    }
    if let Some(n) = v.rejoined {
        if report.rejoined_breaks.len() != n {
            wrong.push(format!("rejoined {:?}", report.rejoined_breaks));
        }
    }
    wrong
}

fn vectors() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/readings");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// Every vector gets its verdict, differences, warnings and re-joined breaks.
#[test]
fn every_reading_vector_gets_its_verdict() {
    let key = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
    let mut trust = TrustStore::default();
    trust.add(key.public(), PathBuf::from("hr.pub")).unwrap();
    let files = vectors();
    assert!(files.len() >= 20, "{} vectors", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let v = parse(&std::fs::read_to_string(file).unwrap());
        let wrong = check(&v, &key, &trust);
        if !wrong.is_empty() {
            failures.push(format!(
                "{}: {}",
                file.file_name().unwrap().to_string_lossy(),
                wrong.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Each tolerance of §6.2 has a negative vector (its name starts `negative-`) that is not
/// authentic: the tolerance never lets a real change through.
#[test]
fn every_tolerance_has_a_negative_vector() {
    let files = vectors();
    let stems: Vec<String> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for tolerance in [
        "hyphen",
        "slash",
        "url",
        "soft-hyphen",
        "ligature",
        "kangxi",
        "u2010",
        "page-furniture",
        "chat",
    ] {
        let negatives: Vec<&String> = stems
            .iter()
            .filter(|s| s.starts_with("negative-") && s.contains(tolerance))
            .collect();
        assert!(!negatives.is_empty(), "no negative vector for {tolerance}");
        for n in negatives {
            let v = parse(
                &std::fs::read_to_string(files[stems.iter().position(|s| s == n).unwrap()].clone())
                    .unwrap(),
            );
            assert!(!v.expect.is_authentic(), "{n} expects an authentic verdict");
        }
    }
}
