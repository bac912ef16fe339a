//! `attest hash FILE [--json] [--as KIND]`: the exact and canonical digests and the paragraph count.

use std::path::PathBuf;

use attest::canon::{self, CANON_VERSION};
use attest::digest::Digest;
use attest::input;

use super::{output, EXIT_OK};

/// Arguments of `attest hash`.
#[derive(clap::Args)]
pub struct Args {
    /// The file (`-` for standard input).
    file: PathBuf,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Hash the text extracted from the file read as this kind (what `verify` compares), instead
    /// of the file as text; `auto` finds the kind as `verify` does.
    #[arg(long = "as", value_name = "KIND", value_parser = ["auto", "text", "html", "email"])]
    as_kind: Option<String>,
}

#[derive(serde::Serialize)]
struct HashOutput {
    file: String,
    encoding: String,
    exact_digest: String,
    canonical_digest: String,
    canonicalization: &'static str,
    paragraphs: usize,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let name = args.file.display().to_string();
    let bytes = input::read_bytes(&args.file)?;
    let decoded = match args.as_kind.as_deref() {
        None => input::decode(&bytes, &name)?,
        Some("auto") => input::read_copy(&bytes, &name, None)?.decoded,
        Some(kind) => {
            let kind = kind.parse().map_err(anyhow::Error::msg)?;
            input::read_copy(&bytes, &name, Some(kind))?.decoded
        }
    };
    let summary = canon::summarize(&decoded.text);
    let out = HashOutput {
        file: name,
        encoding: decoded.encoding.to_string(),
        exact_digest: Digest::of(&bytes).to_string(),
        canonical_digest: summary.digest.to_string(),
        canonicalization: CANON_VERSION,
        paragraphs: summary.paragraph_count,
    };
    if args.json {
        output::print_json(&out)?;
    } else {
        output::print_text(&format!(
            "exact      {}\ncanonical  {}\nparagraphs {}\nencoding   {}\n",
            out.exact_digest, out.canonical_digest, out.paragraphs, out.encoding
        ))?;
    }
    Ok(EXIT_OK)
}
