//! The `attest` command: parse arguments, run one subcommand, map the outcome to an exit code.
//!
//! Exit codes (a documented contract): 0 authentic / clean, 1 not authentic / problems found,
//! 2 could not run (usage errors, unreadable or malformed inputs).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
