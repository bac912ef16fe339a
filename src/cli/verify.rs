//! `attest verify FILE [--keys DIR] [--archive DIR] [--manifest M] [--issuer NAME] [--json] [--as KIND]`

use std::path::PathBuf;

use anyhow::{bail, Context};

use attest::archive::{self, Archive, DirArchive, Entry};
use attest::diff::ChangeKind;
use attest::report::{InputKind, MatchKind, Verdict, VerifyReport};
use attest::trust::Trust;
use attest::verify::{self, Options, ReceivedCopy};

use super::output::{self, paint, safe, Tone};
use super::{EXIT_FINDINGS, EXIT_OK};

/// Arguments of `attest verify`.
#[derive(clap::Args)]
pub struct Args {
    /// The received copy (`-` for standard input).
    file: PathBuf,
    #[arg(long, value_name = "DIR", help = super::trust::KEYS_HELP)]
    keys: Option<PathBuf>,
    /// The archive of manifests to look the copy up in [default: manifests]. With --manifest, the
    /// archive's key records (revocations, key changes) apply when --archive is given.
    #[arg(long, value_name = "DIR")]
    archive: Option<PathBuf>,
    /// Compare against this one manifest instead of searching the archive.
    #[arg(long, value_name = "M")]
    manifest: Option<PathBuf>,
    /// The issuer the copy is attributed to; the verdict is `misattributed` if it did not sign it.
    #[arg(long, value_name = "NAME", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    issuer: Option<String>,
    /// Print one JSON object.
    #[arg(long, conflicts_with = "quiet")]
    json: bool,
    /// Print nothing: the exit code alone tells the verdict (0 authentic, 1 not, 2 error).
    #[arg(short, long)]
    quiet: bool,
    /// Read every manifest of the archive instead of using its index (`attest index rebuild`).
    /// The verdict is the same either way; this only makes the look-up slower.
    #[arg(long)]
    no_index: bool,
    /// Read the copy as this kind instead of finding its kind from its content.
    #[arg(long = "as", value_name = "KIND", value_parser = ["text", "html", "email"])]
    as_kind: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let kind = args
        .as_kind
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let copy = ReceivedCopy::read_as(&args.file, kind)?;
    let trust = super::trust::load_store(&super::trust::store_dir(args.keys)?)?;
    let options = Options {
        issuer: args.issuer,
    };
    let report = match &args.manifest {
        Some(path) => {
            let manifest = archive::read_manifest(path).with_context(|| {
                format!(
                    "cannot use --manifest {}; pass a manifest file written by `attest sign`",
                    path.display()
                )
            })?;
            let entry = Entry {
                path: path.clone(),
                manifest,
            };
            match &args.archive {
                // The archive is read for its key records only: a mistyped path would silently
                // drop its revocations, so it must exist.
                Some(dir) => {
                    if !dir.is_dir() {
                        bail!(
                            "the archive {} does not exist; check --archive DIR (with --manifest, it is read for its revocations and key changes), or leave it out",
                            dir.display()
                        );
                    }
                    let archive = DirArchive::new(dir);
                    let (trust, _) = Trust::load(&trust, Some(&archive as &dyn Archive));
                    verify::verify_against_with(&copy, &[entry], &[], &trust, &options)
                }
                None => verify::verify_against(&copy, &[entry], &[], &trust, &options),
            }
        }
        None => {
            let dir = args.archive.unwrap_or_else(|| PathBuf::from("manifests"));
            let archive = if args.no_index {
                DirArchive::without_index(dir)
            } else {
                DirArchive::new(dir)
            };
            verify::verify(&copy, &archive, &trust, &options)?
        }
    };
    if args.json {
        output::print_json(&report)?;
    } else if !args.quiet {
        output::print_text(&render(&report, output::color_stdout()))?;
    }
    Ok(if report.verdict.is_authentic() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// Human output: the verdict line, then the explanation.
fn render(r: &VerifyReport, color: bool) -> String {
    let tone = match r.verdict {
        Verdict::Exact | Verdict::Reformatted => Tone::Good,
        Verdict::Embedded | Verdict::Excerpt => Tone::Caution,
        _ => Tone::Bad,
    };
    let meaning = match r.verdict {
        Verdict::Exact => "byte-for-byte the signed statement".to_string(),
        Verdict::Reformatted => {
            let what: Vec<&str> = r.differences.iter().map(|d| d.describe()).collect();
            if what.is_empty() {
                "the same words as the signed statement; only the layout differs".to_string()
            } else {
                let verb = if what.len() == 1 { "differs" } else { "differ" };
                format!(
                    "the same words as the signed statement; {} {verb}",
                    join_words(&what)
                )
            }
        }
        Verdict::Embedded => "the complete statement inside other, unsigned material".to_string(),
        Verdict::Excerpt => "an unaltered part of the signed statement".to_string(),
        Verdict::Modified
            if !r.changes.is_empty()
                && r.changes.iter().all(|c| c.kind == ChangeKind::Separator) =>
        {
            "the signed words, but regrouped: a line break or space that separates names, numbers or items was moved, removed or added".to_string()
        }
        Verdict::Modified => "words were altered, inserted or removed".to_string(),
        Verdict::Unknown => {
            "no signed statement in the archive corresponds to this copy".to_string()
        }
        Verdict::Untrusted => {
            "it matches only statements that no trusted key of their issuer signed".to_string()
        }
        Verdict::Misattributed => {
            "it is signed, but not by the issuer it is attributed to".to_string()
        }
    };
    let mut out = format!("{}: {meaning}\n", paint(r.verdict.name(), tone, color));
    if let Some(m) = &r.manifest {
        out.push_str(&format!(
            "  statement: {} ({})\n",
            safe(&m.title),
            safe(&m.date)
        ));
        if r.issuer.is_some() {
            out.push_str(&format!(
                "  issuer:    {} (seq {})\n",
                safe(&m.issuer),
                m.seq
            ));
        } else {
            out.push_str(&format!(
                "  claims to be from {} (seq {}), which is not verified\n",
                safe(&m.issuer),
                m.seq
            ));
        }
        out.push_str(&format!("  manifest:  {}\n", safe(&m.path)));
    }
    // Every trusted signer, with the key that signed, and the trust store that vouches for them.
    if !r.signed_by.is_empty() {
        let mut signatures: Vec<String> = Vec::new();
        for s in &r.signed_by {
            let named = format!("{} (key {})", safe(&s.issuer), s.key_id);
            if !signatures.contains(&named) {
                signatures.push(named);
            }
        }
        out.push_str(&format!("  signed by: {}\n", signatures.join(", ")));
    }
    if r.input.kind != InputKind::Text {
        let how = match r.input.kind {
            InputKind::Email => "the body text of an email message was compared, not its headers",
            _ => "the visible text of an HTML page was compared, not its markup",
        };
        out.push_str(&format!("  input:     {} ({how})\n", r.input.kind));
    }
    for note in &r.input.notes {
        out.push_str(&format!("  note:      {}\n", safe(&note.message)));
    }
    if let Some(store) = &r.trust_store {
        out.push_str(&format!(
            "  checked against the trust store {}\n",
            safe(store)
        ));
    }
    if matches!(r.verdict, Verdict::Excerpt | Verdict::Embedded) {
        for m in &r.matched {
            let place = if m.paragraph == m.last_paragraph {
                format!("paragraph {}", m.paragraph)
            } else {
                format!("paragraphs {}-{}", m.paragraph, m.last_paragraph)
            };
            out.push_str(&format!(
                "  matched {place} of the statement ({} words or characters):\n    [{}]\n",
                m.units,
                safe(&m.text)
            ));
        }
    }
    for c in &r.changes {
        out.push_str(&format!("  {} in paragraph {}:\n", c.kind, c.paragraph));
        let marked = |text: &str, tone: Tone| {
            let text = if text.is_empty() {
                "(nothing)".to_string()
            } else {
                format!("[{}]", safe(text))
            };
            paint(&text, tone, color)
        };
        // The context is the signed text around the change; the copy line shows only what the
        // copy has in its place.
        let before = if c.before.is_empty() {
            String::new()
        } else {
            format!("…{} ", safe(&c.before))
        };
        let after = if c.after.is_empty() {
            String::new()
        } else {
            format!(" {}…", safe(&c.after))
        };
        out.push_str(&format!(
            "    signed: {before}{}{after}\n",
            marked(&c.original, Tone::Good)
        ));
        out.push_str(&format!("    copy:   {}\n", marked(&c.copy, Tone::Bad)));
    }
    for w in &r.warnings {
        out.push_str(&format!(
            "  {} {}\n",
            paint("warning:", Tone::Caution, color),
            safe(&w.message)
        ));
    }
    // Statements that resemble the copy but were not used (an impostor's, a forgery's): a digest
    // match already has an `untrusted_match` warning; the approximate ones are named here.
    let approximate: Vec<_> = r
        .other_matches
        .iter()
        .filter(|m| m.matched == MatchKind::Approximate)
        .collect();
    for m in approximate.iter().take(MAX_LISTED_OTHER_MATCHES) {
        out.push_str(&format!(
            "  also resembles {}, claiming to be from {} (not used: {})\n",
            safe(&m.manifest.path),
            safe(&m.manifest.issuer),
            safe(&m.reasons.join("; "))
        ));
    }
    if approximate.len() > MAX_LISTED_OTHER_MATCHES {
        out.push_str(&format!(
            "  and {} more resembling statements that were not used (see --json)\n",
            approximate.len() - MAX_LISTED_OTHER_MATCHES
        ));
    }
    out
}

/// At most this many unused resembling statements are named in human output.
const MAX_LISTED_OTHER_MATCHES: usize = 5;

fn join_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
