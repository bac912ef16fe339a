//! Make a large synthetic archive for benchmarks: `cargo run --release --example make-archive -- DIR N`
//! writes `DIR/keys/` (one public key per issuer), `DIR/secret/` (the issuers' secret keys,
//! unencrypted, for timing `attest sign`) and `DIR/manifests/` (N signed, chained manifests spread
//! over ten fictional issuers). The statements are short invented letters, each different.
//!
//! The output is deterministic: the issuers' keys are derived from fixed seeds (SHA-256 of
//! "attest bench issuer I"), so the same N always gives the same keys and byte-identical manifests
//! (Ed25519 signatures are deterministic), and archives of different sizes share their keys and
//! their first manifests. These keys are public knowledge: benchmarks only.
//!
//! The manifests are signed through the library's signing facade ([`attest::sign::ArchiveSigner`]),
//! which holds the archive lock for the whole run and finds each issuer's chain head once (and, this
//! archive being throwaway, does not flush each manifest to disk).

use std::path::PathBuf;

use attest::keys::{KeyId, SecretKey};
use attest::sign::ArchiveSigner;
use attest::{Destination, SignRequest};
use base64::Engine as _;
use sha2::{Digest, Sha256};

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
    let keys: Vec<SecretKey> = (0..ISSUERS).map(bench_key).collect();
    for (i, key) in keys.iter().enumerate() {
        std::fs::write(
            dir.join(format!("keys/issuer-{i}.pub")),
            key.public().to_file_string(),
        )
        .expect("write key");
        let secret = dir.join(format!("secret/issuer-{i}.key"));
        std::fs::write(&secret, key.to_file_string(None).expect("key file"))
            .expect("write secret key");
        // `attest sign` refuses a secret key file others may read.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600))
                .expect("make the secret key private");
        }
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
            // Each issuer's dates move forward along its chain (its k-th statement), so an audit
            // of the archive has no `date_backwards` warnings to report.
            date: Some(format!(
                "{}-{:02}-{:02}",
                1996 + (s / ISSUERS) / 336,
                1 + (s / ISSUERS) / 28 % 12,
                1 + (s / ISSUERS) % 28
            )),
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

/// Issuer `i`'s key, derived from a fixed seed: the secret key file of a fresh key with its seed,
/// public key and key id replaced, read back through [`SecretKey::parse`] (which checks that they
/// belong together).
fn bench_key(i: usize) -> SecretKey {
    let issuer = format!("Lantern Lawyers Group {i}");
    let seed: [u8; 32] = Sha256::digest(format!("attest bench issuer {i}")).into();
    let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
    let b64 = base64::engine::general_purpose::STANDARD;
    let fresh = SecretKey::generate(&issuer).expect("valid issuer");
    let mut file: serde_json::Value =
        serde_json::from_str(&fresh.to_file_string(None).expect("key file")).expect("JSON");
    file["secret"] = b64.encode(seed).into();
    file["public_key"] = b64.encode(public.as_bytes()).into();
    file["key_id"] = KeyId::of(&public).to_string().into();
    SecretKey::parse(&file.to_string(), "(bench key)", None).expect("a valid derived key")
}
