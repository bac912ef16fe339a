//! `attest key show FILE.pub`: the one-line form of a public key, fit to publish on a web site.

use std::path::PathBuf;

use attest::keys::IssuerKey;

use super::{output, EXIT_OK};

/// Subcommands of `attest key`.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Print a public key file in its one-line form.
    Show {
        /// The public key file (PREFIX.pub).
        file: PathBuf,
        /// Print JSON instead.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<u8> {
    match cmd {
        Command::Show { file, json } => {
            let key = IssuerKey::read(&file)?;
            if json {
                output::print_json(&serde_json::json!({
                    "issuer": key.issuer,
                    "key_id": key.key_id.to_string(),
                    "line": key.to_line(),
                }))?;
            } else {
                output::print_text(&format!("{}\n", key.to_line()))?;
            }
            Ok(EXIT_OK)
        }
    }
}
