//! Command-line interface: one module per subcommand, plus shared output and passphrase handling.

mod audit;
mod completions;
mod cosign;
mod diagnostics;
mod hash;
mod index;
mod key;
mod key_records;
mod keygen;
mod man;
mod output;
mod passphrase;
mod revoke;
mod rotate;
mod sign;
mod trust;
mod verify;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Exit code: the copy is authentic, or the archive is clean.
pub const EXIT_OK: u8 = 0;
/// Exit code: not authentic, or problems found.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: could not do the job.
pub const EXIT_ERROR: u8 = 2;

/// Document integrity and provenance for public statements.
#[derive(Parser)]
#[command(
    name = "attest",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_help = "Exit codes: 0 authentic (exact, reformatted) or clean audit; 1 any other verdict, or \
                  problems found; 2 attest could not do its job (usage, unreadable or malformed input, \
                  or standard output could not be written). A closed pipe (attest ... | head) does not \
                  change the exit code."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make a key pair: PREFIX.key (secret, encrypted) and PREFIX.pub (public).
    Keygen(keygen::Args),
    /// Sign a released statement and add its manifest to the archive.
    Sign(sign::Args),
    /// Add your signature to a joint statement that names you as a co-signer.
    Cosign(cosign::Args),
    /// Print the exact and canonical digests of a file.
    Hash(hash::Args),
    /// Verify a received copy against the archive and the trust store.
    Verify(verify::Args),
    /// Check every manifest in an archive, and each issuer's chain.
    Audit(audit::Args),
    /// Keep an archive's index, which makes look-ups in a large archive fast.
    #[command(subcommand)]
    Index(index::Command),
    /// Work with key files.
    #[command(subcommand)]
    Key(key_records::Command),
    /// Manage your trust store: the keys you trust, each for the issuer it names.
    #[command(subcommand)]
    Trust(trust::Command),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::Args),
    /// Print attest's manual page (roff), or write every command's page into a directory.
    Man(man::Args),
}

/// Run the command line and return the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return clap_exit(&err),
    };
    let result = match cli.command {
        Command::Keygen(args) => keygen::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Cosign(args) => cosign::run(args),
        Command::Hash(args) => hash::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Index(cmd) => index::run(cmd),
        Command::Key(cmd) => key_records::run(cmd),
        Command::Trust(cmd) => trust::run(cmd),
        Command::Completions(args) => completions::run(args, Cli::command()),
        Command::Man(args) => man::run(args, Cli::command()),
    };
    // A closed standard output is not an error: the writer stops writing and the command returns
    // its own exit code. Any error that gets here means the command did not finish, so it is never
    // reported as a success.
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            diagnostics::error(&err);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// What clap stopped for: `--help` and `--version` go to standard output through the writer (exit
/// 0); usage errors go to standard error as `attest: error: ...` (exit 2).
fn clap_exit(err: &clap::Error) -> ExitCode {
    let rendered = err.render();
    let styled = |color: bool| {
        if color {
            rendered.ansi().to_string()
        } else {
            rendered.to_string()
        }
    };
    if err.use_stderr() {
        diagnostics::usage_error(&styled(output::color_stderr()));
        return ExitCode::from(EXIT_ERROR);
    }
    match output::print_text(&styled(output::color_stdout())) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            diagnostics::error(&e);
            ExitCode::from(EXIT_ERROR)
        }
    }
}
