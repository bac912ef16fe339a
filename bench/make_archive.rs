//! Make a large synthetic archive for benchmarks: `cargo run --release --example make-archive -- DIR N`
//! writes `DIR/keys/` (one public key per issuer) and `DIR/manifests/` (N signed, chained manifests
//! spread over ten fictional issuers). The statements are short invented letters, each different.

use std::path::PathBuf;

use attest::archive::manifest_path;
use attest::canon::canonicalize;
use attest::keys::SecretKey;
use attest::manifest::{sign_statement, NewStatement};

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
    let keys: Vec<SecretKey> = (0..ISSUERS)
        .map(|i| SecretKey::generate(&format!("Lantern Lawyers Group {i}")).expect("valid issuer"))
        .collect();
    for (i, key) in keys.iter().enumerate() {
        std::fs::write(
            dir.join(format!("keys/issuer-{i}.pub")),
            key.public().to_file_string(),
        )
        .expect("write key");
    }
    let mut heads = vec![(0u64, None); ISSUERS];
    for s in 0..n {
        let i = s % ISSUERS;
        let text = format!(
            "Statement {s} of the Lantern Lawyers Group {i}.\n\nWe call on the authorities to release \
             lawyer number {s} and to allow visits by family and counsel.\n\n我们要求立即释放第{s}号律师。\n\n\
             Contact: +852 5550 {:04}\n",
            s % 10_000
        );
        let canonical = canonicalize(&text);
        let date = format!("2026-{:02}-{:02}", 1 + s % 12, 1 + s % 28);
        let statement = NewStatement {
            bytes: text.as_bytes(),
            canonical: &canonical,
            title: format!("Statement {s}"),
            date: date.clone(),
            languages: vec!["en".into(), "zh".into()],
            file_name: format!("statement-{s}.txt"),
        };
        let (seq, prev) = heads[i];
        let manifest = sign_statement(&keys[i], &statement, seq + 1, prev).expect("sign");
        heads[i] = (seq + 1, Some(manifest.digest()));
        let path = manifest_path(
            &dir.join("manifests"),
            keys[i].issuer(),
            seq + 1,
            &date,
            &statement.title,
        );
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("create dir");
        std::fs::write(&path, manifest.to_json()).expect("write manifest");
    }
    println!(
        "wrote {n} manifests of {ISSUERS} issuers under {}",
        dir.display()
    );
}
