//! `attest index rebuild [--archive DIR] [--json]` and `attest index status [--archive DIR] [--json]`:
//! keep the archive's index (docs/SPEC.md §5.5). The index is a hint that look-ups check against the
//! file system before use, so it is never needed for a correct answer, only for a fast one.

use std::path::PathBuf;

use anyhow::Context as _;

use attest::archive::index::{self, Freshness, Rebuilt, Unused};
use attest::archive::DirArchive;

use super::{output, EXIT_FINDINGS, EXIT_OK};

/// `attest index` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Index the archive whole, replacing its index: after copying an archive from elsewhere, or
    /// when `status` finds much of the index out of date.
    Rebuild(Args),
    /// Say whether the archive has a usable index, and how much of it is up to date. Exit 0 when
    /// the index is whole and up to date, 1 when it is missing, unusable or partly out of date.
    Status(Args),
}

/// Arguments of both subcommands.
#[derive(clap::Args)]
pub struct Args {
    /// The archive of manifests [default: manifests].
    #[arg(long, value_name = "DIR")]
    archive: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct RebuildOutput<'a> {
    archive: String,
    #[serde(flatten)]
    rebuilt: &'a Rebuilt,
}

#[derive(serde::Serialize)]
struct StatusOutput {
    archive: String,
    /// `up_to_date`, `partly_out_of_date`, `missing` or `unusable`.
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    freshness: Option<Freshness>,
}

pub fn run(cmd: Command) -> anyhow::Result<u8> {
    match cmd {
        Command::Rebuild(args) => rebuild(args),
        Command::Status(args) => status(args),
    }
}

fn archive_dir(args: &Args) -> anyhow::Result<PathBuf> {
    let dir = args
        .archive
        .clone()
        .unwrap_or_else(|| PathBuf::from("manifests"));
    if !std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
        anyhow::bail!(
            "the archive {} is not a directory; pass --archive DIR naming the directory of manifests",
            dir.display()
        );
    }
    Ok(dir)
}

fn rebuild(args: Args) -> anyhow::Result<u8> {
    let dir = archive_dir(&args)?;
    // Under the archive lock: no signer adds a delta while the base is replaced.
    let _lock = attest::archive::lock::ArchiveLock::exclusive(&dir)
        .with_context(|| format!("cannot lock the archive {}", dir.display()))?;
    let rebuilt = index::rebuild(&dir)?;
    if args.json {
        output::print_json(&RebuildOutput {
            archive: dir.display().to_string(),
            rebuilt: &rebuilt,
        })?;
    } else {
        let mut text = format!(
            "indexed {} manifest files in {} directories of {} ({} bytes)\n",
            rebuilt.files,
            rebuilt.dirs,
            output::safe(&dir.display().to_string()),
            rebuilt.bytes
        );
        if rebuilt.unread > 0 {
            text.push_str(&format!(
                "{} of them could not be read; look-ups read them each time\n",
                rebuilt.unread
            ));
        }
        output::print_text(&text)?;
    }
    Ok(EXIT_OK)
}

fn status(args: Args) -> anyhow::Result<u8> {
    let dir = archive_dir(&args)?;
    let archive = dir.display().to_string();
    let out = match DirArchive::new(&dir).index() {
        Ok(view) => {
            let f = view.freshness();
            let whole = f.changed == 0;
            StatusOutput {
                archive,
                state: if whole {
                    "up_to_date"
                } else {
                    "partly_out_of_date"
                },
                detail: None,
                freshness: Some(f),
            }
        }
        Err(Unused::Missing) => StatusOutput {
            archive,
            state: "missing",
            detail: None,
            freshness: None,
        },
        Err(Unused::Unusable(why)) => StatusOutput {
            archive,
            state: "unusable",
            detail: Some(why),
            freshness: None,
        },
    };
    let code = if out.state == "up_to_date" {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    };
    if args.json {
        output::print_json(&out)?;
        return Ok(code);
    }
    let archive = output::safe(&out.archive);
    let text = match (out.state, &out.freshness, &out.detail) {
        ("missing", ..) => format!(
            "{archive} has no index; look-ups read every manifest. Run `attest index rebuild --archive {archive}`\n"
        ),
        ("unusable", _, Some(why)) => format!(
            "the index of {archive} is not used: {}. Run `attest index rebuild --archive {archive}`\n",
            output::safe(why)
        ),
        (_, Some(f), _) => {
            let mut t = format!(
                "index of {archive}: {} entries up to date, {} new or changed since, {} directories listed again, {} segments\n",
                f.indexed, f.changed, f.dirs_relisted, f.segments
            );
            if f.changed > 0 {
                t.push_str(&format!(
                    "look-ups read what changed; `attest index rebuild --archive {archive}` brings the index up to date\n"
                ));
            }
            t
        }
        _ => String::new(),
    };
    output::print_text(&text)?;
    Ok(code)
}
