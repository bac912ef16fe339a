//! Command-line interface: one module per subcommand, plus shared output and passphrase handling.

mod audit;
mod hash;
mod key;
mod keygen;
mod output;
mod passphrase;
mod sign;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
                  problems found; 2 attest could not do its job (usage, unreadable or malformed input)."
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
    /// Print the exact and canonical digests of a file.
    Hash(hash::Args),
    /// Verify a received copy against the archive and the trust store.
    Verify(verify::Args),
    /// Check every manifest in an archive, and each issuer's chain.
    Audit(audit::Args),
    /// Work with key files.
    #[command(subcommand)]
    Key(key::Command),
}

/// Run the command line and return the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen(args) => keygen::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Hash(args) => hash::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Key(cmd) => key::run(cmd),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) if output::is_broken_pipe(&err) => ExitCode::from(EXIT_OK),
        Err(err) => {
            eprintln!("attest: error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
