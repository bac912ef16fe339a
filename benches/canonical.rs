//! Canonical hashing against raw SHA-256 of the same bytes.
//!
//! PRODUCT.md's performance bar: canonical hashing runs at least at half the speed of raw SHA-256.
//! Each input gets one group with three functions over the *same* bytes, so criterion's report (and
//! `bench/compare.sh`) shows them side by side:
//!
//! - `raw_sha256`: `Digest::of` over the UTF-8 bytes (the ceiling);
//! - `summarize`: the canonical digest without building the canonical text (what `verify` and
//!   `hash` need);
//! - `canonicalize`: the canonical text, digest and layout (what `sign` needs).
//!
//! The inputs are about 1 MiB each of invented letter text: English wrapped at 72 columns, Chinese
//! wrapped in the middle of sentences, and a bilingual letter with curly quotes and CRLF line endings.

use std::hint::black_box;

use attest::canon::{canonicalize, summarize};
use attest::digest::Digest;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// Roughly how large each input is.
const TARGET_BYTES: usize = 1 << 20;

const ENGLISH_PARAGRAPH: &str = "We, the undersigned members of the Harbour Lawyers' Solidarity \
Network, write to express our grave concern at the detention of our colleague, the human rights \
lawyer Lin Meihua, who was taken from her office on 14 March 2024 and has not been seen since. We \
call on the authorities to disclose where she is held, to allow her family and a lawyer of her own \
choosing to visit her without delay, and to release her unconditionally. Enquiries may be directed \
to our coordinator, Mr. Daniel Okafor, at +852 5550 0123, or to the secretariat at +852 5550 0188 \
between 9 a.m. and 6 p.m. on weekdays.";

const CHINESE_PARAGRAPH: &str =
    "我们，港湾律师团结网络的成员，对我们的同事、人权律师林美华于二〇二四年\
三月十四日在其办公室被带走、至今下落不明一事表示严重关切。我们呼吁有关当局公开她被关押的地点，\
立即允许她的家人和她自行选择的律师会见她，并无条件释放她。如有查询，请于工作日上午九时至下午六时\
致电我们的协调人奥卡福先生（+852 5550 0123）或秘书处（+852 5550 0188）。";

const BILINGUAL_PARAGRAPHS: [&str; 2] = [
    "\u{201C}We will not be silenced,\u{201D} said the network\u{2019}s chair, Ms. Chan Wai-ling, at \
     the press conference on 2 April 2024. \u{201C}Our colleagues\u{2019} only \u{2018}crime\u{2019} \
     was to defend their clients.\u{201D} Contact: +852 5550 0123.",
    "网络主席陈慧玲女士于二〇二四年四月二日的记者会上表示：\u{201C}我们不会沉默。我们同事唯一的\
     \u{2018}罪行\u{2019}，就是为当事人辩护。\u{201D}联系电话：+852 5550 0123。",
];

/// Greedy word wrap at `width` columns (counting chars), joining lines with `eol`.
fn wrap_words(paragraph: &str, width: usize, eol: &str) -> String {
    let mut out = String::new();
    let mut column = 0;
    for word in paragraph.split(' ') {
        let len = word.chars().count();
        if column > 0 && column + 1 + len > width {
            out.push_str(eol);
            column = 0;
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out
}

/// Break after every `width` chars, wherever that falls (Chinese has no spaces to wrap at).
fn wrap_chars(paragraph: &str, width: usize, eol: &str) -> String {
    let mut out = String::new();
    for (i, c) in paragraph.chars().enumerate() {
        if i > 0 && i % width == 0 {
            out.push_str(eol);
        }
        out.push(c);
    }
    out
}

/// Repeat `paragraphs` in turn (separated by blank lines) until the text reaches [`TARGET_BYTES`].
fn repeat_to_size(paragraphs: &[String], eol: &str) -> String {
    let mut out = String::with_capacity(TARGET_BYTES + 4096);
    let mut i = 0;
    while out.len() < TARGET_BYTES {
        out.push_str(&paragraphs[i % paragraphs.len()]);
        out.push_str(eol);
        out.push_str(eol);
        i += 1;
    }
    out
}

fn english() -> String {
    repeat_to_size(&[wrap_words(ENGLISH_PARAGRAPH, 72, "\n")], "\n")
}

fn chinese() -> String {
    repeat_to_size(&[wrap_chars(CHINESE_PARAGRAPH, 36, "\n")], "\n")
}

fn bilingual() -> String {
    let paragraphs = [
        wrap_words(BILINGUAL_PARAGRAPHS[0], 72, "\r\n"),
        wrap_chars(BILINGUAL_PARAGRAPHS[1], 36, "\r\n"),
    ];
    repeat_to_size(&paragraphs, "\r\n")
}

fn bench_input(c: &mut Criterion, name: &str, text: &str) {
    // The three must agree on what they hash, or the comparison is meaningless.
    assert_eq!(summarize(text).digest, canonicalize(text).digest, "{name}");

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("raw_sha256", |b| {
        b.iter(|| Digest::of(black_box(text.as_bytes())))
    });
    group.bench_function("summarize", |b| {
        b.iter(|| summarize(black_box(text)).digest)
    });
    group.bench_function("canonicalize", |b| {
        b.iter(|| canonicalize(black_box(text)).digest)
    });
    group.finish();
}

fn canonical_hashing(c: &mut Criterion) {
    bench_input(c, "english_1mib", &english());
    bench_input(c, "chinese_1mib", &chinese());
    bench_input(c, "bilingual_crlf_1mib", &bilingual());
}

criterion_group!(benches, canonical_hashing);
criterion_main!(benches);
