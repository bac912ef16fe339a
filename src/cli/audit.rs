//! `attest audit [DIR] [--keys DIR] [--json]`

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use attest::archive::{state, DirArchive};
use attest::audit::{self, Options};
use attest::report::AuditReport;

use super::output::{self, paint, safe, Tone};
use super::{diagnostics, EXIT_FINDINGS, EXIT_OK};

/// Arguments of `attest audit`.
#[derive(clap::Args)]
pub struct Args {
    /// The archive to audit.
    #[arg(value_name = "DIR", default_value = "manifests")]
    dir: PathBuf,
    #[arg(long, value_name = "DIR", help = super::trust::KEYS_HELP)]
    keys: Option<PathBuf>,
    /// Also look for statement files (by their signed file name) in this directory.
    #[arg(long, value_name = "DIR")]
    statements: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long, conflicts_with = "quiet")]
    json: bool,
    /// Print nothing, not even progress: the exit code alone tells (0 clean, 1 problems, 2 error).
    #[arg(short, long)]
    quiet: bool,
    /// Check an issuer's head obtained out of band (its web site, a signed checkpoint): the archive
    /// must hold that manifest at that position. Repeatable.
    #[arg(long, value_name = "ISSUER=SEQ:DIGEST")]
    expect_head: Vec<String>,
    /// A file of expected heads, one `ISSUER=SEQ:DIGEST` per line (`#` starts a comment line).
    #[arg(long, value_name = "FILE")]
    expect_heads: Option<PathBuf>,
    /// Where the heads seen in this archive are remembered between audits [default: a file per
    /// archive in $ATTEST_STATE_DIR, else $XDG_STATE_HOME/attest, else ~/.local/state/attest].
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let trust = super::trust::load_store(&super::trust::store_dir(args.keys)?)?;
    let state_file = match args.state {
        Some(file) => file,
        None => state::seen_heads_file(
            &state::user_state_dir(|name| std::env::var_os(name))?,
            &args.dir,
        ),
    };
    let seen = state::load_seen_heads(&state_file)?;
    let mut known_heads = audit::remembered_heads(&seen);
    for text in &args.expect_head {
        known_heads.push(audit::parse_expected_head(text).with_context(|| {
            format!("invalid --expect-head {text:?}; write ISSUER=SEQ:DIGEST, e.g. \"Harbour Rights=12:sha256:…\"")
        })?);
    }
    if let Some(file) = &args.expect_heads {
        let text = std::fs::read_to_string(file).with_context(|| {
            format!(
                "cannot read {}; pass --expect-heads FILE of ISSUER=SEQ:DIGEST lines",
                file.display()
            )
        })?;
        let heads = audit::parse_expected_heads(&text).map_err(|(line, e)| {
            anyhow::Error::new(e).context(format!(
                "{} line {line}: not an expected head; write ISSUER=SEQ:DIGEST",
                file.display()
            ))
        })?;
        known_heads.extend(heads);
    }
    let options = Options {
        statements_dir: args.statements,
        known_heads,
    };
    let show_progress = !args.quiet && output::stderr_is_terminal();
    let mut progress = |done: usize, total: usize| {
        if show_progress && total >= 200 {
            let width = 30;
            let filled = (done * width).checked_div(total).unwrap_or(width);
            let _ = write!(
                std::io::stderr(),
                "\r[{}{}] {done}/{total} manifests",
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            if done == total {
                let _ = writeln!(std::io::stderr());
            }
        }
    };
    let report = audit::audit(&DirArchive::new(&args.dir), &trust, &options, &mut progress)?;
    let remember = audit::heads_to_remember(&seen, &report);
    if remember != seen {
        if let Err(e) = state::save_seen_heads(&state_file, &remember) {
            diagnostics::warning(&format!(
                "cannot remember the heads of this archive: {}",
                attest::archive::with_causes(&e)
            ));
        }
    }
    if args.json {
        output::print_json(&report)?;
    } else if !args.quiet {
        output::print_text(&render(&report, output::color_stdout()))?;
    }
    Ok(if report.is_clean() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

fn render(r: &AuditReport, color: bool) -> String {
    let mut out = if r.is_clean() {
        format!(
            "{}: {} manifests in {}, all valid\n",
            paint("clean", Tone::Good, color),
            r.manifests,
            r.archive
        )
    } else {
        format!(
            "{}: {} problems in {} ({} of {} manifests valid)\n",
            paint("problems", Tone::Bad, color),
            r.problems.len(),
            r.archive,
            r.valid,
            r.manifests
        )
    };
    for i in &r.issuers {
        out.push_str(&format!(
            "  issuer \"{}\": {} manifests, head seq {} {}\n",
            safe(&i.issuer),
            i.manifests,
            i.latest_seq,
            i.head_digest
                .as_deref()
                .unwrap_or("(forked: several manifests)")
        ));
    }
    if r.statements_checked > 0 {
        out.push_str(&format!(
            "  statement files checked: {}\n",
            r.statements_checked
        ));
    }
    for p in &r.problems {
        out.push_str(&format!(
            "  {} [{}] {}\n",
            safe(&p.path),
            p.kind,
            safe(&p.message)
        ));
    }
    for w in &r.warnings {
        out.push_str(&format!(
            "  {}: {}\n",
            paint("warning", Tone::Caution, color),
            safe(&w.message)
        ));
    }
    if !r.ignored.is_empty() {
        out.push_str(&format!(
            "  not read as manifests: {} entries\n",
            r.ignored.len()
        ));
        const SHOWN: usize = 20;
        for i in r.ignored.iter().take(SHOWN) {
            out.push_str(&format!("    {} [{}]\n", safe(&i.path), i.reason.name()));
        }
        if r.ignored.len() > SHOWN {
            out.push_str(&format!(
                "    and {} more (--json lists them all)\n",
                r.ignored.len() - SHOWN
            ));
        }
    }
    out
}
