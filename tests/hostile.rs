//! The hostile-copy corpus: one file per attack under `tests/hostile/`, each naming the verdict it
//! expects (format: `tests/hostile/README.md`). Every case is run twice: through the library
//! (`attest::verify` over an in-memory archive) and through the `attest verify` binary (verdict and
//! exit code). A false authentic here is the worst bug the product can have, so the harness also
//! counts them separately and fails loudly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use attest::manifest::{sign_statement, NewStatement};
use attest::{MemoryArchive, ReceivedCopy, SecretKey, TrustStore, Verdict, VerifyOptions};

/// Fewest cases the corpus must hold: a corpus that shrinks silently proves less.
const MIN_CASES: usize = 10;

/// One signed statement of a case.
struct Statement {
    issuer: String,
    trusted: bool,
    text: String,
}

struct Case {
    name: String,
    expect: Verdict,
    /// Every issuer the report must name as a signer (`expect-signers:`, comma-separated).
    expect_signers: Option<Vec<String>>,
    /// The code points of the suspicious characters the report must list (`expect-suspicious:`,
    /// comma-separated, each `U+XXXX`), as a set.
    expect_suspicious: Option<Vec<String>>,
    issuer: Option<String>,
    statements: Vec<Statement>,
    copy: Vec<u8>,
}

/// Replace `\u{HEX}` escapes, so invisible and line-separator characters stay visible in the file.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("\\u{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        let end = after.find('}').expect("unterminated \\u{ escape");
        let code = u32::from_str_radix(&after[..end], 16).expect("hex in \\u{ escape");
        out.push(char::from_u32(code).expect("a Unicode scalar value"));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn verdict_named(name: &str) -> Verdict {
    serde_json::from_value(serde_json::Value::String(name.to_string()))
        .unwrap_or_else(|_| panic!("unknown verdict {name:?}"))
}

fn parse(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).unwrap();
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("=== ") {
            sections.push((title.trim().to_string(), Vec::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push(line);
        } else if let Some((key, value)) = line.split_once(':') {
            headers.insert(key.trim().to_string(), value.trim().to_string());
        } else {
            assert!(
                line.trim().is_empty(),
                "{}: stray line {line:?}",
                path.display()
            );
        }
    }
    for key in headers.keys() {
        assert!(
            matches!(
                key.as_str(),
                "expect" | "expect-signers" | "expect-suspicious" | "issuer" | "story"
            ),
            "{}: unknown header {key:?}",
            path.display()
        );
    }
    assert!(
        headers.contains_key("story"),
        "{}: say what the attack is",
        path.display()
    );
    let mut statements = Vec::new();
    let mut copy = None;
    for (title, body) in sections {
        let body = unescape(&(body.join("\n") + "\n"));
        if title == "copy" {
            copy = Some(body.into_bytes());
        } else if let Some(issuer) = title.strip_prefix("statement untrusted:") {
            statements.push(Statement {
                issuer: issuer.trim().to_string(),
                trusted: false,
                text: body,
            });
        } else if let Some(issuer) = title.strip_prefix("statement:") {
            statements.push(Statement {
                issuer: issuer.trim().to_string(),
                trusted: true,
                text: body,
            });
        } else {
            panic!("{}: unknown section {title:?}", path.display());
        }
    }
    assert!(!statements.is_empty(), "{}: no statement", path.display());
    Case {
        name: path.file_stem().unwrap().to_string_lossy().into_owned(),
        expect: verdict_named(headers.get("expect").expect("an expect: header")),
        expect_signers: headers.get("expect-signers").map(|list| {
            let mut names: Vec<String> = list.split(',').map(|n| n.trim().to_string()).collect();
            names.sort();
            names
        }),
        expect_suspicious: headers.get("expect-suspicious").map(|list| {
            let mut points: Vec<String> = list
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            points.sort();
            points.dedup();
            points
        }),
        issuer: headers.get("issuer").cloned(),
        statements,
        copy: copy.unwrap_or_else(|| panic!("{}: no copy section", path.display())),
    }
}

/// The case's archive (each issuer's statements chained in file order, trusted and untrusted keys
/// apart) and trust store.
fn build(case: &Case) -> (MemoryArchive, TrustStore) {
    let mut keys: BTreeMap<(String, bool), SecretKey> = BTreeMap::new();
    let mut heads: BTreeMap<(String, bool), (u64, attest::digest::Digest)> = BTreeMap::new();
    let mut archive = MemoryArchive::new(&case.name);
    let mut trust = TrustStore::default();
    for (i, s) in case.statements.iter().enumerate() {
        let id = (s.issuer.clone(), s.trusted);
        let key = keys
            .entry(id.clone())
            .or_insert_with(|| SecretKey::generate(&s.issuer).unwrap());
        if s.trusted {
            trust
                .add(key.public(), PathBuf::from(format!("{}.pub", s.issuer)))
                .unwrap();
        }
        let canonical = attest::canon::canonicalize(&s.text);
        let statement = NewStatement {
            bytes: s.text.as_bytes(),
            canonical: &canonical,
            title: format!("Statement {i}"),
            date: "2026-03-08".into(),
            languages: Vec::new(),
            file_name: format!("statement-{i}.txt"),
        };
        let (seq, prev) = heads.get(&id).map_or((1, None), |(s, d)| (s + 1, Some(*d)));
        let manifest = sign_statement(key, &statement, seq, prev).unwrap();
        heads.insert(id, (seq, manifest.digest()));
        let who = if s.trusted { "trusted" } else { "untrusted" };
        archive.insert(format!("{who}-{i:02}.json"), manifest.to_json());
    }
    if trust.is_empty() {
        // Fail closed needs one key: trust a bystander so untrusted-only cases can run.
        let bystander = SecretKey::generate("Unrelated Bystander Group").unwrap();
        trust
            .add(bystander.public(), PathBuf::from("bystander.pub"))
            .unwrap();
    }
    (archive, trust)
}

/// Run the case through the binary in a scratch directory: keys/, manifests/, copy.
fn run_binary(case: &Case, archive: &MemoryArchive, trust: &TrustStore) -> (Verdict, i32) {
    use attest::archive::Archive;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("keys")).unwrap();
    std::fs::create_dir_all(root.join("manifests")).unwrap();
    for path in archive.list().unwrap().files {
        let bytes = archive.read(&path).unwrap();
        std::fs::write(root.join("manifests").join(&path), bytes).unwrap();
    }
    for (i, key) in trust.keys().enumerate() {
        std::fs::write(root.join(format!("keys/{i}.pub")), key.key.to_file_string()).unwrap();
    }
    std::fs::write(root.join("copy.txt"), &case.copy).unwrap();
    let mut args = vec!["verify", "copy.txt", "--keys", "keys", "--json"];
    if let Some(issuer) = &case.issuer {
        args.extend(["--issuer", issuer.as_str()]);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(&args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let report: attest::VerifyReport = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: {}",
            case.name,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report.verdict, out.status.code().unwrap())
}

#[test]
fn every_hostile_copy_gets_its_verdict_and_none_is_a_false_authentic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= MIN_CASES,
        "the corpus has {} cases, fewer than {MIN_CASES}",
        paths.len()
    );
    let mut failures = Vec::new();
    let mut false_authentic = Vec::new();
    for path in &paths {
        let case = parse(path);
        let (archive, trust) = build(&case);
        let copy = ReceivedCopy::from_bytes("copy.txt", &case.copy).unwrap();
        let options = VerifyOptions {
            issuer: case.issuer.clone(),
        };
        let report = attest::verify(&copy, &archive, &trust, &options).unwrap();
        let (cli_verdict, code) = run_binary(&case, &archive, &trust);
        let want_code = if case.expect.is_authentic() { 0 } else { 1 };
        for (how, got) in [("library", report.verdict), ("binary", cli_verdict)] {
            if got.is_authentic() && !case.expect.is_authentic() {
                false_authentic.push(format!("{} ({how}): {}", case.name, got.name()));
            }
            if got != case.expect {
                failures.push(format!(
                    "{} ({how}): expected {}, got {}",
                    case.name,
                    case.expect.name(),
                    got.name()
                ));
            }
        }
        if let Some(want) = &case.expect_signers {
            let mut got = report.signers.clone();
            got.sort();
            if &got != want {
                failures.push(format!("{}: signers {got:?}, expected {want:?}", case.name));
            }
        }
        if let Some(want) = &case.expect_suspicious {
            let mut got: Vec<String> = report
                .suspicious
                .iter()
                .map(|s| s.codepoint.clone())
                .collect();
            got.sort();
            got.dedup();
            if &got != want {
                failures.push(format!(
                    "{}: suspicious {got:?}, expected {want:?}",
                    case.name
                ));
            }
        }
        if code != want_code {
            failures.push(format!("{}: exit {code}, expected {want_code}", case.name));
        }
    }
    assert!(
        false_authentic.is_empty(),
        "FALSE AUTHENTIC verdicts:\n{}",
        false_authentic.join("\n")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn case_files_parse_with_escapes_and_sections() {
    assert_eq!(unescape("a\\u{200B}b\\u{D}"), "a\u{200B}b\r");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.case");
    std::fs::write(
        &path,
        "story: s\nexpect: modified\n=== statement: G\nHello\n=== statement untrusted: G\nBye\n=== copy\nHi\\u{20}there\n",
    )
    .unwrap();
    let case = parse(&path);
    assert_eq!(case.expect, Verdict::Modified);
    assert_eq!(case.statements.len(), 2);
    assert!(!case.statements[1].trusted);
    assert_eq!(case.copy, b"Hi there\n");
}
