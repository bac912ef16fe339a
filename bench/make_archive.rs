//! Make a large synthetic archive for benchmarks: `cargo run --release --example make-archive -- DIR N`
//! writes `DIR/keys/` (one public key per issuer), `DIR/secret/` (the issuers' secret keys,
//! unencrypted, for timing `attest sign`) and `DIR/manifests/` (N signed, chained manifests spread
//! over ten fictional issuers). The statements are short invented letters, each different.
//!
//! The manifests are signed through the library's signing facade ([`attest::sign::ArchiveSigner`]),
//! which holds the archive lock for the whole run and finds each issuer's chain head once (and, this
//! archive being throwaway, does not flush each manifest to disk).

use std::path::PathBuf;

use attest::keys::SecretKey;
use attest::sign::ArchiveSigner;
use attest::{Destination, SignRequest};

const ISSUERS: usize = 10;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(n)) = (
        args.next(),
        args.next().and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: make-archive DIR N");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(dir.join("keys")).expect("create keys dir");
    std::fs::create_dir_all(dir.join("secret")).expect("create secret dir");
    let keys: Vec<SecretKey> = (0..ISSUERS)
        .map(|i| SecretKey::generate(&format!("Lantern Lawyers Group {i}")).expect("valid issuer"))
        .collect();
    for (i, key) in keys.iter().enumerate() {
        std::fs::write(
            dir.join(format!("keys/issuer-{i}.pub")),
            key.public().to_file_string(),
        )
        .expect("write key");
        std::fs::write(
            dir.join(format!("secret/issuer-{i}.key")),
            key.to_file_string(None).expect("key file"),
        )
        .expect("write secret key");
    }
    std::fs::create_dir_all(dir.join("manifests")).expect("create the archive");
    let mut signer = ArchiveSigner::open(&dir.join("manifests"), None).expect("lock the archive");
    // A throwaway archive: skip the per-manifest fsyncs, which would make 100,000 manifests take
    // a quarter of an hour.
    signer.set_durable(false);
    for s in 0..n {
        let i = s % ISSUERS;
        let text = format!(
            "Statement {s} of the Lantern Lawyers Group {i}.\n\nWe call on the authorities to release \
             lawyer number {s} and to allow visits by family and counsel.\n\n我们要求立即释放第{s}号律师。\n\n\
             Contact: +852 5550 {:04}\n",
            s % 10_000
        );
        let request = SignRequest {
            bytes: text.as_bytes(),
            name: "statement",
            file_name: Some(format!("statement-{s}.txt")),
            title: Some(format!("Statement {s}")),
            date: Some(format!("2026-{:02}-{:02}", 1 + s % 12, 1 + s % 28)),
            languages: vec!["en".into(), "zh".into()],
            allow_suspicious: false,
            destination: Destination::Archive,
        };
        signer.sign(&keys[i], &request).expect("sign");
    }
    println!(
        "wrote {n} manifests of {ISSUERS} issuers under {}",
        dir.display()
    );
}
