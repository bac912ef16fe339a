//! The `attest` command: parse arguments, run one subcommand, map the outcome to an exit code.
//!
//! Exit codes (a documented contract): 0 authentic / clean, 1 not authentic / problems found,
//! 2 could not run (usage errors, unreadable or malformed inputs, standard output not writable). A
//! closed pipe on standard output is not an error: the output ends and the exit code is unchanged.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
