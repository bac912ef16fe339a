//! `attest audit [DIR] [--keys DIR] [--json]`

use std::io::Write;
use std::path::PathBuf;

use attest::archive::DirArchive;
use attest::audit::{self, Options};
use attest::keys::TrustStore;
use attest::report::AuditReport;

use super::output::{self, paint, safe, Tone};
use super::{EXIT_FINDINGS, EXIT_OK};

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
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let trust = TrustStore::load(&super::trust::store_dir(args.keys)?)?;
    let options = Options {
        statements_dir: args.statements,
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
            "  issuer \"{}\": {} manifests, latest seq {}\n",
            safe(&i.issuer),
            i.manifests,
            i.latest_seq
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
    out
}
