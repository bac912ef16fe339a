//! Make hostile inputs for the bounded-cost benchmark (bench/hostile.sh):
//!
//! ```text
//! cargo run --release --example make-hostile -- copy KIND BYTES FILE
//! cargo run --release --example make-hostile -- junk-json BYTES FILE
//! ```
//!
//! `copy` writes a received copy of about `BYTES` bytes (never more) made of one kind of hostile
//! text:
//!
//! - `control`: U+0001 bytes (each one a suspicious control character);
//! - `zwsp`: U+200B ZERO WIDTH SPACE (each one deleted by canonicalization, and recorded);
//! - `cjk`: random CJK unified ideographs (each one a unit of the word diff);
//! - `line`: one line of `a` (one huge word);
//! - `bidi`: alternating bidi controls U+202E and U+202C between single letters;
//! - `cp1252`: random printable bytes that decode as windows-1252 (not UTF-8);
//! - `gb18030`: random two-byte GB18030 ideographs (not UTF-8);
//! - `newlines`: LF only (64 million lines in 64 MiB);
//! - `quoted`: one email quotation (`> ` on every line) of short lines.
//!
//! `junk-json` writes a JSON file that is no manifest, but has the members a light scan of the
//! archive reads, with `BYTES / 4` one-letter paragraphs.
//!
//! The randomness is a fixed xorshift sequence, so every run writes the same bytes.

use std::io::{BufWriter, Write};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: make-hostile copy control|zwsp|cjk|line|bidi|cp1252|gb18030|newlines|quoted BYTES FILE\n       make-hostile junk-json BYTES FILE"
    );
    std::process::exit(2);
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parse = |s: &String| s.parse::<usize>().unwrap_or_else(|_| usage());
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["copy", kind, _, file] => std::fs::write(file, copy(kind, parse(&args[2]))),
        ["junk-json", _, file] => junk_json(parse(&args[1]), file),
        _ => usage(),
    }
}

/// A hostile copy of at most `size` bytes.
fn copy(kind: &str, size: usize) -> Vec<u8> {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut out = Vec::with_capacity(size);
    let push = |out: &mut Vec<u8>, piece: &[u8]| {
        if out.len() + piece.len() > size {
            return false;
        }
        out.extend_from_slice(piece);
        true
    };
    match kind {
        "control" => out.resize(size, 0x01),
        "line" => out.resize(size, b'a'),
        "newlines" => out.resize(size, b'\n'),
        "quoted" => while push(&mut out, b"> We call for the release of the lawyers.\n") {},
        "zwsp" => while push(&mut out, "\u{200B}".as_bytes()) {},
        "cjk" => loop {
            let c = char::from_u32(0x4E00 + rng.below(0x9FA5 - 0x4E00) as u32).expect("CJK");
            let mut buf = [0; 4];
            if !push(&mut out, c.encode_utf8(&mut buf).as_bytes()) {
                break;
            }
        },
        "bidi" => loop {
            let letter = b'a' + rng.below(26) as u8;
            let mut piece = "\u{202E}".as_bytes().to_vec();
            piece.push(letter);
            piece.extend_from_slice("\u{202C}".as_bytes());
            piece.push(letter);
            if !push(&mut out, &piece) {
                break;
            }
        },
        "cp1252" => {
            // Printable ASCII, spaces and the Latin-1 letters À..ÿ (0xC0..0xFF); no byte of
            // 0x80..0x9F, so detection has no C1 control to refuse.
            while out.len() < size {
                let b = match rng.below(4) {
                    0 => b' ',
                    1 => 0xC0 + rng.below(0x40) as u8,
                    _ => b'a' + rng.below(26) as u8,
                };
                out.push(b);
            }
        }
        "gb18030" => {
            // Level-1 GB2312 ideographs: lead 0xB0..0xD7, trail 0xA1..0xFE.
            while out.len() + 2 <= size {
                out.push(0xB0 + rng.below(0xD7 - 0xB0) as u8);
                out.push(0xA1 + rng.below(0xFE - 0xA1) as u8);
            }
        }
        _ => usage(),
    }
    out
}

/// A JSON object of about `size` bytes shaped like a manifest to a light scan (issuer, signatures,
/// canonical paragraphs) whose paragraphs are millions of one-word strings: the worst case for a
/// reader that builds every string, joins them and cuts them into units. Written in pieces.
fn junk_json(size: usize, file: &str) -> std::io::Result<()> {
    let mut w = BufWriter::new(std::fs::File::create(file)?);
    let head = br#"{"issuer":"Junk","signatures":[],"statement":{"exact_digest":"x"},"canonical":{"digest":"x","paragraphs":["a""#;
    w.write_all(head)?;
    let chunk = r#","a""#.repeat(16 * 1024);
    let mut written = head.len();
    while written + chunk.len() + 3 <= size {
        w.write_all(chunk.as_bytes())?;
        written += chunk.len();
    }
    w.write_all(b"]}}")?;
    w.flush()
}
