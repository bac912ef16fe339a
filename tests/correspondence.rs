//! When does a copy *correspond* to a statement (SPEC §6 step 7.6)? Calibrated on real, unrelated
//! texts that share boilerplate: the licences in `/usr/share/common-licenses` (GPL, LGPL, GFDL,
//! Apache, MPL, Artistic, BSD and CC0 share warranty phrases, headers and whole paragraphs) and
//! Debian copyright notices made mostly of a licence's standard paragraph. The texts are not ours,
//! so they are not in the repository: the test reads them where Debian installs them, and fails
//! (rather than passing vacuously) when they are missing.
//!
//! Each pair is run through the library as a verifier would: one text is signed by a trusted key
//! into an in-memory archive, the other is verified against it. An unrelated text called an
//! excerpt or a modified copy of the signed one is a false attribution.

use std::path::{Path, PathBuf};

use attest::manifest::{sign_statement, NewStatement};
use attest::{
    MemoryArchive, ReceivedCopy, SecretKey, TrustStore, Verdict, VerifyOptions, WarningKind,
};

const LICENCES: &str = "/usr/share/common-licenses";

/// Distinct licences (no two revisions of one licence: GPL-1 and GPL-2, or GFDL-1.2 and GFDL-1.3,
/// are one text revised, and `modified` is an honest verdict for them).
const UNRELATED_LICENCES: &[&str] = &[
    "Apache-2.0",
    "Artistic",
    "BSD",
    "CC0-1.0",
    "GFDL-1.3",
    "GPL-2",
    "GPL-3",
    "LGPL-2.1",
    "LGPL-3",
    "MPL-1.1",
    "MPL-2.0",
];

/// Copyright notices of Debian packages that quote a licence's standard paragraph ("This program
/// is free software; you can redistribute it ...") and little else: up to 65% of such a notice is
/// licence text, but only a few per cent of the licence.
const COPYRIGHT_NOTICES: &[&str] = &[
    "bash",
    "coreutils",
    "dpkg",
    "tar",
    "grep",
    "sed",
    "gzip",
    "findutils",
    "diffutils",
    "gsettings-desktop-schemas",
    "libaio1",
    "libasound2-data",
    "libaudit-common",
    "postgresql-client-common",
    "libthai0",
    "dconf-gsettings-backend",
];

fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; this test needs a Debian system with /usr/share/common-licenses and the \
             copyright notices of base packages",
            path.display()
        )
    });
    String::from_utf8_lossy(&bytes).into_owned()
}

fn licence(name: &str) -> String {
    read(&Path::new(LICENCES).join(name))
}

/// Verify `copy` against an archive holding only `statement`, signed by a trusted key.
fn verify(statement: &str, copy: &str) -> attest::VerifyReport {
    let key = SecretKey::generate("Calibration Signer").unwrap();
    let canonical = attest::canon::canonicalize(statement);
    let manifest = sign_statement(
        &key,
        &NewStatement {
            bytes: statement.as_bytes(),
            canonical: &canonical,
            title: "Signed text".into(),
            date: "2026-01-01".into(),
            languages: Vec::new(),
            file_name: "statement.txt".into(),
        },
        1,
        None,
    )
    .unwrap();
    let mut archive = MemoryArchive::new("calibration");
    archive.insert("statement.json", manifest.to_json());
    let mut trust = TrustStore::default();
    trust
        .add(key.public(), PathBuf::from("signer.pub"))
        .unwrap();
    let copy = ReceivedCopy::from_bytes("copy.txt", copy.as_bytes()).unwrap();
    attest::verify(&copy, &archive, &trust, &VerifyOptions::default()).unwrap()
}

#[test]
fn no_licence_is_an_excerpt_or_modified_copy_of_another() {
    let texts: Vec<(&str, String)> = UNRELATED_LICENCES
        .iter()
        .map(|n| (*n, licence(n)))
        .collect();
    let mut wrong = Vec::new();
    let mut with_similar_phrases = 0;
    for (signed, statement) in &texts {
        for (received, copy) in &texts {
            if signed == received {
                continue;
            }
            let r = verify(statement, copy);
            if r.verdict != Verdict::Unknown {
                wrong.push(format!(
                    "{received} verified against {signed}: {:?}",
                    r.verdict
                ));
            }
            if r.warnings
                .iter()
                .any(|w| w.kind == WarningKind::SimilarPhrases)
            {
                with_similar_phrases += 1;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "false attributions:\n{}",
        wrong.join("\n")
    );
    // The shared boilerplate is real (GPL-3 and GFDL-1.3 share a 153-word run): the verdict is
    // unknown because of the rule, not because nothing was found.
    assert!(with_similar_phrases >= 20, "{with_similar_phrases}");
}

#[test]
fn no_copyright_notice_is_an_excerpt_of_the_licence_it_quotes() {
    let mut wrong = Vec::new();
    for name in ["GPL-2", "GPL-3", "LGPL-2.1", "Apache-2.0"] {
        let statement = licence(name);
        for package in COPYRIGHT_NOTICES {
            let copy = read(&Path::new("/usr/share/doc").join(package).join("copyright"));
            let r = verify(&statement, &copy);
            if r.verdict != Verdict::Unknown {
                wrong.push(format!("{package} against {name}: {:?}", r.verdict));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "false attributions:\n{}",
        wrong.join("\n")
    );
}

/// The paragraphs of a text (split at blank lines), and a run of whole paragraphs from the middle
/// that makes between 15% and 30% of its words: a quotation large enough to attribute.
fn middle_passage(text: &str) -> String {
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let words = |ps: &[&str]| {
        ps.iter()
            .map(|p| p.split_whitespace().count())
            .sum::<usize>()
    };
    let total = words(&paragraphs);
    for start in 1..paragraphs.len() {
        for end in start + 1..paragraphs.len() {
            let n = words(&paragraphs[start..end]);
            if n * 100 >= total * 15 && n * 100 <= total * 30 {
                return paragraphs[start..end].join("\n\n");
            }
            if n * 100 > total * 30 {
                break;
            }
        }
    }
    panic!("no passage of 15-30% found")
}

#[test]
fn paragraphs_cut_from_a_licence_are_an_excerpt_and_show_where_they_sit() {
    for name in ["Artistic", "CC0-1.0", "LGPL-3", "Apache-2.0", "GPL-2"] {
        let statement = licence(name);
        let passage = middle_passage(&statement);
        for copy in [
            passage.clone(),
            format!(
                "From the licence text, as quoted by a reader:\n\n{passage}\n\nEnd of quotation."
            ),
        ] {
            let r = verify(&statement, &copy);
            assert_eq!(r.verdict, Verdict::Excerpt, "{name}: {:?}", r.warnings);
            assert_eq!(r.matched.len(), 1, "{name}");
            let m = &r.matched[0];
            let canonical = attest::canon::canonicalize(&statement).text;
            assert!(m.start > 0 && m.end < canonical.len(), "{name}: {m:?}");
            assert_eq!(
                canonical[m.start..m.end],
                attest::canon::canonicalize(&passage).text,
                "{name}: {m:?}"
            );
        }
    }
}

/// BSD's middle paragraph is 44% of the licence: alone it is an excerpt, but with other material
/// around it the copy has more than a third of the text and presents itself as the licence, so
/// the material stands in the place of the rest (SPEC §6 step 7.4, `MAX_EXCERPT_SHARE`).
#[test]
fn large_part_of_a_licence_is_an_excerpt_alone_and_modified_with_material_in_place_of_the_rest() {
    let statement = licence("BSD");
    let paragraphs: Vec<&str> = statement.split("\n\n").collect();
    let middle = paragraphs[1];
    assert_eq!(verify(&statement, middle).verdict, Verdict::Excerpt);
    let framed = format!("Our terms:\n\n{middle}\n\nSigned, the maintainers.");
    let r = verify(&statement, &framed);
    assert_eq!(r.verdict, Verdict::Modified);
    assert_eq!(r.changes.len(), 2, "{:?}", r.changes);
}

#[test]
fn whole_licence_in_a_wrapper_is_embedded_and_one_word_changed_is_modified() {
    for name in ["GPL-2", "MPL-2.0"] {
        let statement = licence(name);
        let wrapped = format!("Licence of the package, as shipped:\n\n{statement}\n\nEnd of file.");
        assert_eq!(
            verify(&statement, &wrapped).verdict,
            Verdict::Embedded,
            "{name}"
        );
        let changed = statement.replacen("the ", "a ", 1);
        let r = verify(&statement, &changed);
        assert_eq!(r.verdict, Verdict::Modified, "{name}");
        assert_eq!(r.changes.len(), 1, "{name}: {:?}", r.changes);
    }
}

/// The shipped news report quotes paragraph 6 of the bar-exam statement: the verdict is `excerpt`,
/// and both outputs say which passage matched and where it sits.
#[test]
fn shipped_news_quote_shows_the_matched_paragraph() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = |json: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_attest"));
        cmd.current_dir(root).env("NO_COLOR", "1").args([
            "verify",
            "examples/copies/bar-exam-statement-quoted-in-news.txt",
            "--keys",
            "keys",
        ]);
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    let report: attest::VerifyReport = serde_json::from_slice(&run(true).stdout).unwrap();
    assert_eq!(report.verdict, Verdict::Excerpt);
    assert_eq!(report.matched.len(), 1);
    assert_eq!(report.matched[0].paragraph, 6);
    assert!(report.matched[0]
        .text
        .starts_with("Three of the new requirements"));
    let human = String::from_utf8(run(false).stdout).unwrap();
    assert!(
        human.contains("matched paragraph 6 of the statement")
            && human.contains("[Three of the new"),
        "{human}"
    );
}
