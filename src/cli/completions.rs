//! `attest completions SHELL`: a shell completion script, on standard output.

use super::{output, EXIT_OK};

/// Arguments of `attest completions`.
#[derive(clap::Args)]
pub struct Args {
    /// The shell to complete attest's commands and options in.
    #[arg(value_name = "SHELL")]
    shell: clap_complete::Shell,
}

pub fn run(args: Args, mut cmd: clap::Command) -> anyhow::Result<u8> {
    // clap_complete panics when its writer fails, so the script is made in memory and printed
    // through the standard output writer.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "attest", &mut script);
    output::print_bytes(&script)?;
    Ok(EXIT_OK)
}
