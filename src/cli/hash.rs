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
    // The exact digest on a second thread while this one decodes and canonicalizes: both only read
    // the bytes, and the text borrows them when they are UTF-8 (no copy of the input).
    let (exact, encoding, summary) = std::thread::scope(|scope| {
        let exact = scope.spawn(|| Digest::of(&bytes));
        let (encoding, summary) = match args.as_kind.as_deref() {
            None => {
                let decoded = input::decode_ref(&bytes, &name)?;
                (decoded.encoding, canon::summarize(&decoded.text))
            }
            Some(kind) => {
                let kind = match kind {
                    "auto" => None,
                    kind => Some(kind.parse().map_err(anyhow::Error::msg)?),
                };
                let decoded = input::read_copy(&bytes, &name, kind)?.decoded;
                (decoded.encoding, canon::summarize(&decoded.text))
            }
        };
        let exact = exact
            .join()
            .map_err(|_| anyhow::anyhow!("hashing the input failed"))?;
        anyhow::Ok((exact, encoding, summary))
    })?;
    let out = HashOutput {
        file: name,
        encoding: encoding.to_string(),
        exact_digest: exact.to_string(),
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
