//! `attest man [COMMAND...] [--out-dir DIR]`: manual pages (roff), made from the same definitions
//! as `--help`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use attest::fsutil::write_new;

use super::{output, EXIT_OK};

/// Arguments of `attest man`.
#[derive(clap::Args)]
pub struct Args {
    /// The command to print the page of, e.g. `verify` or `key show` (default: attest itself).
    #[arg(value_name = "COMMAND", conflicts_with = "out_dir")]
    command: Vec<String>,
    /// Write the pages of attest and of every command into DIR (attest.1, attest-verify.1, ...)
    /// instead of printing one. DIR is created if needed; existing pages are never overwritten.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

/// One manual page: its file name (`attest-key-show.1`) and its roff text.
struct Page {
    file_name: String,
    roff: Vec<u8>,
}

fn render(cmd: clap::Command) -> anyhow::Result<Page> {
    let source = format!("attest {}", env!("CARGO_PKG_VERSION"));
    let man = clap_mangen::Man::new(cmd).source(source);
    let mut roff = Vec::new();
    man.render(&mut roff)
        .context("cannot render the manual page")?;
    Ok(Page {
        file_name: man.get_filename(),
        roff,
    })
}

/// The root command, built so that every subcommand knows its full name (`attest-key-show`).
fn built(cmd: clap::Command) -> clap::Command {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The pages of `cmd` and of all its visible subcommands, parents first.
fn all_pages(cmd: &clap::Command, pages: &mut Vec<Page>) -> anyhow::Result<()> {
    pages.push(render(cmd.clone())?);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        all_pages(sub, pages)?;
    }
    Ok(())
}

/// The subcommand that `path` names (`["key", "show"]`), or the root for an empty path.
fn find<'a>(root: &'a clap::Command, path: &[String]) -> anyhow::Result<&'a clap::Command> {
    let mut cmd = root;
    for name in path {
        cmd = match cmd.find_subcommand(name) {
            Some(sub) => sub,
            None => {
                let known: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
                bail!(
                    "`{} {name}` is not an attest command; name one of: {}",
                    cmd.get_bin_name().unwrap_or(cmd.get_name()),
                    known.join(", ")
                )
            }
        };
    }
    Ok(cmd)
}

pub fn run(args: Args, cmd: clap::Command) -> anyhow::Result<u8> {
    let root = built(cmd);
    match args.out_dir {
        None => {
            let page = render(find(&root, &args.command)?.clone())?;
            output::print_bytes(&page.roff)?;
        }
        Some(dir) => {
            let mut pages = Vec::new();
            all_pages(&root, &mut pages)?;
            for path in write_pages(&dir, &pages)? {
                output::print_text(&format!("{}\n", path.display()))?;
            }
        }
    }
    Ok(EXIT_OK)
}

/// Write every page into `dir`, each atomically; if any page already exists, write none.
fn write_pages(dir: &Path, pages: &[Page]) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    let paths: Vec<PathBuf> = pages.iter().map(|p| dir.join(&p.file_name)).collect();
    if let Some(existing) = paths.iter().find(|p| p.exists()) {
        bail!(
            "{} already exists, so no page was written; attest never overwrites files. Remove the old pages or choose another --out-dir",
            existing.display()
        );
    }
    for (page, path) in pages.iter().zip(&paths) {
        write_new(path, &page.roff, 0o644)?;
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn root() -> clap::Command {
        built(super::super::Cli::command())
    }

    #[test]
    fn every_command_has_a_page_named_after_its_full_name() {
        let mut pages = Vec::new();
        all_pages(&root(), &mut pages).unwrap();
        let names: Vec<&str> = pages.iter().map(|p| p.file_name.as_str()).collect();
        for expected in [
            "attest.1",
            "attest-verify.1",
            "attest-key-show.1",
            "attest-man.1",
        ] {
            assert!(names.contains(&expected), "{names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    }

    #[test]
    fn a_nested_command_is_found_and_an_unknown_one_is_an_error() {
        let root = root();
        let show = find(&root, &["key".into(), "show".into()]).unwrap();
        assert_eq!(show.get_name(), "show");
        assert!(find(&root, &["frobnicate".into()]).is_err());
    }

    #[test]
    fn existing_pages_are_never_overwritten_and_none_are_added() {
        let dir = tempfile::tempdir().unwrap();
        let pages = vec![
            Page {
                file_name: "a.1".into(),
                roff: b"new a".to_vec(),
            },
            Page {
                file_name: "b.1".into(),
                roff: b"new b".to_vec(),
            },
        ];
        std::fs::write(dir.path().join("b.1"), "old b").unwrap();
        assert!(write_pages(dir.path(), &pages).is_err());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("b.1")).unwrap(),
            "old b"
        );
        assert!(!dir.path().join("a.1").exists());
    }
}
