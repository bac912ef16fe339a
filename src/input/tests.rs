//! Unit tests for reading and decoding (docs/SPEC.md §1). The sample sentences are invented.

use encoding_rs::{Encoding, BIG5, EUC_KR, GB18030, SHIFT_JIS, WINDOWS_1252};
use proptest::prelude::*;

use super::*;

/// A fictional lawyers' group letter, Simplified Chinese (for UTF-8, UTF-16 and GB18030).
const ZH_HANS: &str = "致有关当局的公开信：\n\
我们是一群执业律师。我们要求立即释放被拘押的律师，并保障其会见家属的权利。\n\
我们同时呼吁有关部门依法公开案件信息，停止对律师及其家属的骚扰和监视。\n";

/// The same letter in Traditional Chinese (for Big5).
const ZH_HANT: &str = "致有關當局的公開信：\n\
我們是一群執業律師。我們要求立即釋放被羈押的律師，並保障其會見家屬的權利。\n\
我們同時呼籲有關部門依法公開案件資訊，停止對律師及其家屬的騷擾與監視。\n";

/// The same letter in Japanese (for Shift_JIS).
const JA: &str = "関係当局への公開書簡：\n\
私たちは弁護士のグループです。拘束されている弁護士の即時釈放と、家族と面会する権利の保障を求めます。\n\
また、関係当局に対し、事件に関する情報を法に基づいて公開し、弁護士とその家族への嫌がらせと監視をやめるよう強く要請します。\n";

/// The same letter in Korean (for EUC-KR).
const KO: &str = "관계 당국에 보내는 공개 서한:\n\
우리는 변호사 단체입니다. 우리는 구금된 변호사들의 즉각적인 석방과 가족을 만날 권리의 보장을 요구합니다.\n\
또한 관계 당국이 법에 따라 사건 정보를 공개하고 변호사와 그 가족에 대한 괴롭힘과 감시를 중단할 것을 촉구합니다.\n";

/// The same letter in English, with curly quotes (for windows-1252).
const EN: &str = "Open letter to the authorities:\n\
We, the undersigned lawyers, call for the immediate release of our detained colleagues and for \
their right to \u{201C}meet their families\u{201D} without delay.\n\
We also ask the authorities to publish the case files, as the law requires, and to stop the \
harassment of lawyers and their families.\n";

/// A bilingual English/Chinese letter (for UTF-16 without a BOM).
const BILINGUAL: &str = "Statement of the Lawyers' Group / 律师团声明\n\
We demand the immediate release of the detained lawyers.\n\
我们要求立即释放被拘押的律师，并保障其会见家属的权利。\n";

fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, used, unmappable) = encoding.encode(text);
    assert_eq!(used, encoding, "encoding_rs changed the output encoding");
    assert!(
        !unmappable,
        "sample is not representable in {}",
        encoding.name()
    );
    bytes.into_owned()
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|unit| {
            if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            }
        })
        .collect()
}

fn with_prefix(prefix: &[u8], body: &[u8]) -> Vec<u8> {
    [prefix, body].concat()
}

fn decoded(text: &str, encoding: &'static str, bom: bool) -> Decoded {
    Decoded {
        text: text.to_owned(),
        encoding,
        bom,
    }
}

// ---- step 1: byte order marks ----

/// `decode` fails with `Undecodable` in `encoding` at `offset`.
fn assert_undecodable(bytes: &[u8], encoding: &str, offset: usize) {
    match decode(bytes, "x") {
        Err(InputError::Undecodable {
            encoding: e,
            offset: o,
            ..
        }) => {
            assert_eq!((e, o), (encoding, offset));
        }
        other => panic!("expected Undecodable in {encoding} at {offset}, got {other:?}"),
    }
}

#[test]
fn utf8_without_bom_decodes_as_utf8() {
    let got = decode(ZH_HANS.as_bytes(), "letter.txt").unwrap();
    assert_eq!(got, decoded(ZH_HANS, "UTF-8", false));
}

#[test]
fn utf8_bom_is_stripped_and_reported() {
    let bytes = with_prefix(b"\xEF\xBB\xBF", ZH_HANS.as_bytes());
    assert_eq!(
        decode(&bytes, "letter.txt").unwrap(),
        decoded(ZH_HANS, "UTF-8", true)
    );
}

#[test]
fn utf16le_with_bom_decodes() {
    let bytes = with_prefix(b"\xFF\xFE", &utf16(ZH_HANS, true));
    assert_eq!(
        decode(&bytes, "letter.txt").unwrap(),
        decoded(ZH_HANS, "UTF-16LE", true)
    );
}

#[test]
fn utf16be_with_bom_decodes() {
    let bytes = with_prefix(b"\xFE\xFF", &utf16(BILINGUAL, false));
    assert_eq!(
        decode(&bytes, "letter.txt").unwrap(),
        decoded(BILINGUAL, "UTF-16BE", true)
    );
}

#[test]
fn lone_boms_decode_to_empty_text() {
    for (bytes, encoding) in [
        (&b"\xEF\xBB\xBF"[..], "UTF-8"),
        (b"\xFF\xFE", "UTF-16LE"),
        (b"\xFE\xFF", "UTF-16BE"),
    ] {
        assert_eq!(decode(bytes, "x").unwrap(), decoded("", encoding, true));
    }
}

#[test]
fn odd_length_utf16_with_bom_is_undecodable_at_the_stray_byte() {
    // BOM, "A", then half a code unit.
    let err = decode(b"\xFF\xFE\x41\x00\x42", "cut.txt").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::Undecodable {
                encoding: "UTF-16LE",
                offset: 4,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn unpaired_surrogate_in_utf16_is_undecodable() {
    // BOM, "A", a lone high surrogate D800, "B".
    assert_undecodable(b"\xFE\xFF\x00\x41\xD8\x00\x00\x42", "UTF-16BE", 4);
}

#[test]
fn invalid_utf8_after_a_utf8_bom_is_undecodable() {
    assert_undecodable(b"\xEF\xBB\xBFok \xFF", "UTF-8", 6);
}

#[test]
fn utf32_boms_are_unsupported() {
    let le = decode(b"\xFF\xFE\x00\x00A\x00\x00\x00", "x").unwrap_err();
    assert!(
        matches!(
            le,
            InputError::Unsupported {
                encoding: "UTF-32LE",
                ..
            }
        ),
        "{le:?}"
    );
    let be = decode(b"\x00\x00\xFE\xFF\x00\x00\x00A", "x").unwrap_err();
    assert!(
        matches!(
            be,
            InputError::Unsupported {
                encoding: "UTF-32BE",
                ..
            }
        ),
        "{be:?}"
    );
}

#[test]
fn nul_character_in_utf16_with_bom_is_binary() {
    let err = decode(b"\xFF\xFEA\x00\x00\x00", "x").unwrap_err();
    assert!(
        matches!(err, InputError::Binary { offset: 4, .. }),
        "{err:?}"
    );
}

// ---- step 2: UTF-16 without a BOM ----

#[test]
fn utf16le_without_bom_is_detected() {
    let bytes = utf16(BILINGUAL, true);
    assert_eq!(
        decode(&bytes, "x").unwrap(),
        decoded(BILINGUAL, "UTF-16LE", false)
    );
}

#[test]
fn utf16be_without_bom_is_detected() {
    let bytes = utf16(EN, false);
    assert_eq!(decode(&bytes, "x").unwrap(), decoded(EN, "UTF-16BE", false));
}

#[test]
fn mostly_chinese_utf16le_without_bom_is_detected() {
    // Line breaks and the 一 (U+4E00, a NUL in the low byte) of a Chinese letter are enough.
    let text = "一、我们要求立即释放被拘押的律师。\n二、我们要求保障其会见家属的权利。\n";
    let bytes = utf16(text, true);
    assert_eq!(
        decode(&bytes, "x").unwrap(),
        decoded(text, "UTF-16LE", false)
    );
}

#[test]
fn chinese_utf16le_without_bom_with_crlf_is_detected() {
    // 6 NUL bytes (three CR LF) in 113 code units: above the 5% threshold.
    let text = ZH_HANS.replace('\n', "\r\n");
    assert_eq!(
        decode(&utf16(&text, true), "x").unwrap(),
        decoded(&text, "UTF-16LE", false)
    );
}

#[test]
fn chinese_utf16le_without_bom_and_almost_no_ascii_is_binary() {
    // A documented limit of step 2: 3 NUL bytes (three LF) in 110 code units is below 5%, so the
    // input is not taken for UTF-16, and its NUL bytes make it binary. A BOM avoids this.
    let bytes = utf16(ZH_HANS, true);
    let err = decode(&bytes, "x").unwrap_err();
    assert!(matches!(err, InputError::Binary { .. }), "{err:?}");
}

#[test]
fn nul_bytes_on_both_parities_are_binary_not_utf16() {
    let bytes = b"\x7FELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x3E\x00";
    let err = decode(bytes, "a.out").unwrap_err();
    assert!(
        matches!(err, InputError::Binary { offset: 7, .. }),
        "{err:?}"
    );
}

#[test]
fn small_integers_with_one_nul_parity_are_binary_not_utf16() {
    // An array of little-endian u16 values 1..=40: the NUL pattern of UTF-16LE, but controls.
    let bytes: Vec<u8> = (1u16..=40).flat_map(u16::to_le_bytes).collect();
    let err = decode(&bytes, "table.bin").unwrap_err();
    assert!(
        matches!(err, InputError::Binary { offset: 1, .. }),
        "{err:?}"
    );
}

// ---- step 3: binary ----

#[test]
fn binary_file_is_refused_with_the_first_nul() {
    let bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
    let err = decode(bytes, "photo.png").unwrap_err();
    assert!(
        matches!(err, InputError::Binary { offset: 8, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("photo.png") && message.contains("binary"),
        "{message}"
    );
}

// ---- step 4: UTF-8 ----

#[test]
fn empty_input_is_empty_utf8_text() {
    assert_eq!(
        decode(b"", "empty.txt").unwrap(),
        decoded("", "UTF-8", false)
    );
    assert_eq!(
        decode_utf8(b"", "empty.txt").unwrap(),
        decoded("", "UTF-8", false)
    );
}

#[test]
fn truncated_utf8_is_undecodable_not_mojibake() {
    let bytes = ZH_HANS.as_bytes();
    // Cut the letter inside the last character before the final newline (。 is 3 bytes).
    let cut = &bytes[..bytes.len() - 2];
    let err = decode(cut, "cut.txt").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::Undecodable {
                encoding: "UTF-8",
                offset,
                ..
            } if offset == bytes.len() - 4
        ),
        "{err:?}"
    );
}

// ---- step 5: legacy encodings ----

#[test]
fn gb18030_chinese_letter_decodes_as_gb18030() {
    let bytes = encode(GB18030, ZH_HANS);
    assert_eq!(
        decode(&bytes, "x").unwrap(),
        decoded(ZH_HANS, "gb18030", false)
    );
}

#[test]
fn big5_chinese_letter_decodes_as_big5() {
    let bytes = encode(BIG5, ZH_HANT);
    assert_eq!(
        decode(&bytes, "x").unwrap(),
        decoded(ZH_HANT, "Big5", false)
    );
}

#[test]
fn shift_jis_japanese_letter_decodes_as_shift_jis() {
    let bytes = encode(SHIFT_JIS, JA);
    assert_eq!(
        decode(&bytes, "x").unwrap(),
        decoded(JA, "Shift_JIS", false)
    );
}

#[test]
fn euc_kr_korean_letter_decodes_as_euc_kr() {
    let bytes = encode(EUC_KR, KO);
    assert_eq!(decode(&bytes, "x").unwrap(), decoded(KO, "EUC-KR", false));
}

#[test]
fn windows_1252_curly_quotes_decode_to_unicode_quotes() {
    let bytes = encode(WINDOWS_1252, EN);
    assert!(bytes.contains(&0x93) && bytes.contains(&0x94));
    let got = decode(&bytes, "x").unwrap();
    assert_eq!(got, decoded(EN, "windows-1252", false));
    assert!(got.text.contains("\u{201C}meet their families\u{201D}"));
}

#[test]
fn invalid_utf8_that_no_accepted_encoding_explains_is_refused() {
    // Bytes that only a single-byte Cyrillic code page would "explain" (chardetng guesses IBM866).
    let bytes =
        b"We demand the release of the detained lawyers \x81\x8D\x8F\x90\x9D and their families.\n";
    let err = decode(bytes, "garbled.txt").unwrap_err();
    assert!(
        matches!(err, InputError::UnknownEncoding { offset: 46, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("garbled.txt") && message.contains("convert it to UTF-8"),
        "{message}"
    );
}

#[test]
fn byte_unassigned_in_windows_1252_is_undecodable() {
    // 0x81 is unassigned in windows-1252 (encoding_rs maps it to the C1 control U+0081).
    let bytes = b"We demand the release of the detained lawyers\x81 and their families.\n";
    assert_undecodable(bytes, "windows-1252", 45);
}

#[test]
fn cyrillic_code_page_is_refused_not_guessed() {
    // Single-byte encodings other than windows-1252 decode any bytes, so a wrong guess cannot be
    // caught; detection refuses them (see detect::is_accepted_legacy_encoding).
    let bytes = encode(
        encoding_rs::WINDOWS_1251,
        "Мы требуем немедленно освободить задержанных адвокатов и обеспечить их право на встречи \
         с семьями.",
    );
    let err = decode(&bytes, "x").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::UnknownEncoding {
                guess: "windows-1251",
                offset: 0,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn two_character_gb18030_sample_is_too_short_to_detect() {
    // "律师" alone is 4 bytes; chardetng guesses a Cyrillic code page. Refusing is better than
    // returning mojibake. (A single sentence is already enough: see the next test.)
    let err = decode(&encode(GB18030, "律师"), "x").unwrap_err();
    assert!(
        matches!(err, InputError::UnknownEncoding { offset: 0, .. }),
        "{err:?}"
    );
}

#[test]
fn one_sentence_is_enough_for_gb18030_and_big5() {
    let hans = "我们要求立即释放被拘押的律师。";
    let hant = "我們要求立即釋放被羈押的律師。";
    assert_eq!(
        decode(&encode(GB18030, hans), "x").unwrap(),
        decoded(hans, "gb18030", false)
    );
    assert_eq!(
        decode(&encode(BIG5, hant), "x").unwrap(),
        decoded(hant, "Big5", false)
    );
}

#[test]
fn legacy_text_with_control_characters_is_undecodable_at_the_control() {
    let mut bytes = encode(GB18030, ZH_HANS);
    let at = bytes.len() - 1;
    bytes.insert(at, 0x1B); // ESC before the final newline
    let err = decode(&bytes, "x").unwrap_err();
    assert!(
        matches!(err, InputError::Undecodable { offset, .. } if offset == at),
        "{err:?}"
    );
}

#[test]
fn c1_control_in_a_four_byte_gb18030_sequence_is_located_at_its_first_byte() {
    // 81 30 81 30 is gb18030 for U+0080, a C1 control.
    let mut bytes = encode(GB18030, ZH_HANS);
    let at = bytes.len() - 1;
    bytes.splice(at..at, [0x81, 0x30, 0x81, 0x30]);
    let err = decode(&bytes, "x").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::Undecodable {
                encoding: "gb18030",
                offset,
                ..
            } if offset == at
        ),
        "{err:?}"
    );
}

// ---- decode_utf8 (for sign) ----

#[test]
fn decode_utf8_accepts_utf8_with_and_without_bom() {
    assert_eq!(
        decode_utf8(EN.as_bytes(), "x").unwrap(),
        decoded(EN, "UTF-8", false)
    );
    let bytes = with_prefix(b"\xEF\xBB\xBF", ZH_HANS.as_bytes());
    assert_eq!(
        decode_utf8(&bytes, "x").unwrap(),
        decoded(ZH_HANS, "UTF-8", true)
    );
}

#[test]
fn decode_utf8_rejects_gb18030_naming_it() {
    let bytes = encode(GB18030, ZH_HANS);
    let err = decode_utf8(&bytes, "statement.txt").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::NotUtf8 {
                detected: "gb18030",
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("statement.txt") && message.contains("gb18030"),
        "{message}"
    );
}

#[test]
fn decode_utf8_names_utf16_rather_than_binary() {
    for (bytes, detected) in [
        (with_prefix(b"\xFF\xFE", &utf16(EN, true)), "UTF-16LE"),
        (utf16(EN, true), "UTF-16LE"),
        (utf16(BILINGUAL, false), "UTF-16BE"),
        // A UTF-16 BOM followed by a truncated body is still "UTF-16".
        (b"\xFE\xFF\x00A\x00".to_vec(), "UTF-16BE"),
    ] {
        let err = decode_utf8(&bytes, "x").unwrap_err();
        assert!(
            matches!(err, InputError::NotUtf8 { detected: d, .. } if d == detected),
            "{err:?}"
        );
    }
}

#[test]
fn decode_utf8_rejects_binary_and_garbage() {
    let err = decode_utf8(b"abc\x00def", "x").unwrap_err();
    assert!(
        matches!(err, InputError::Binary { offset: 3, .. }),
        "{err:?}"
    );
    let err = decode_utf8(b"\xEF\xBB\xBFabc\x00", "x").unwrap_err();
    assert!(
        matches!(err, InputError::Binary { offset: 6, .. }),
        "{err:?}"
    );
    // Invalid in windows-1252, chardetng's guess: report the first byte that is not UTF-8.
    let garbage = b"We demand the release of the detained lawyers\x81 and their families.\n";
    let err = decode_utf8(garbage, "x").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::Undecodable {
                encoding: "UTF-8",
                offset: 45,
                ..
            }
        ),
        "{err:?}"
    );
    let err = decode_utf8(b"\xEF\xBB\xBFok \xFF", "x").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::Undecodable {
                encoding: "UTF-8",
                offset: 6,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn decode_utf8_rejects_windows_1252_naming_it() {
    let err = decode_utf8(&encode(WINDOWS_1252, EN), "x").unwrap_err();
    assert!(
        matches!(
            err,
            InputError::NotUtf8 {
                detected: "windows-1252",
                ..
            }
        ),
        "{err:?}"
    );
}

// ---- robustness ----

#[test]
fn short_and_degenerate_inputs_never_panic() {
    let cases: &[&[u8]] = &[
        b"",
        b"\x00",
        b"\xEF",
        b"\xEF\xBB",
        b"\xFF",
        b"\xFE",
        b"\xFF\xFE\x00",
        b"\x00\x00\xFE",
        b"\xFE\xFF\xD8",
        b"\xFE\xFF\xD8\x00",
        b"\xFE\xFF\xDC\x00\xD8\x00",
        b"\x80",
        b"\x81\x30\x81",
        b"\xA4",
        b"A\x00B",
        b"\x00A\x00B\x00",
    ];
    for bytes in cases {
        let _ = decode(bytes, "x");
        let _ = decode_utf8(bytes, "x");
    }
}

#[test]
fn every_error_names_the_file() {
    let inputs: &[&[u8]] = &[
        b"\x00",
        b"\xFF\xFEA",
        b"\xFF\xFE\x00\x00",
        b"\x81\x8D\x8F\x90\x9D",
    ];
    for bytes in inputs {
        let err = decode(bytes, "copy-17.txt").unwrap_err();
        assert!(err.to_string().contains("copy-17.txt"), "{err}");
    }
}

// ---- read_bytes ----

#[test]
fn read_bytes_reads_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.txt");
    std::fs::write(&path, ZH_HANS).unwrap();
    assert_eq!(read_bytes(&path).unwrap(), ZH_HANS.as_bytes());
}

#[test]
fn read_bytes_names_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.txt");
    let err = read_bytes(&path).unwrap_err();
    assert!(matches!(err, InputError::Read { .. }), "{err:?}");
    assert!(err.to_string().contains("missing.txt"), "{err}");
}

#[test]
fn read_bytes_refuses_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let err = read_bytes(dir.path()).unwrap_err();
    assert!(matches!(err, InputError::Read { .. }), "{err:?}");
}

#[test]
fn read_bytes_refuses_an_oversized_file_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_INPUT_BYTES + 1).unwrap(); // sparse: no 64 MiB written
    let err = read_bytes(&path).unwrap_err();
    assert!(
        matches!(
            err,
            InputError::TooLarge {
                limit: MAX_INPUT_BYTES,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn read_limited_stops_one_byte_past_the_limit() {
    let at_limit = std::io::repeat(b'a').take(MAX_INPUT_BYTES);
    assert_eq!(
        read_limited(at_limit, STDIN_NAME, 0).unwrap().len() as u64,
        MAX_INPUT_BYTES
    );
    let endless = std::io::repeat(b'a');
    let err = read_limited(endless, STDIN_NAME, 0).unwrap_err();
    assert!(
        matches!(err, InputError::TooLarge { ref path, .. } if path == STDIN_NAME),
        "{err:?}"
    );
}

proptest! {
    #[test]
    fn decode_never_panics_and_is_deterministic(
        prefix in prop::sample::select(vec![
            &b""[..], b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"\xFF\xFE\x00\x00",
        ]),
        body in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let bytes = with_prefix(prefix, &body);
        let first = decode(&bytes, "x");
        let second = decode(&bytes, "x");
        prop_assert_eq!(format!("{first:?}"), format!("{second:?}"));
        if let Ok(decoded) = first {
            prop_assert!(!decoded.text.contains('\0'));
        }
        let _ = decode_utf8(&bytes, "x");
    }

    #[test]
    fn utf8_text_round_trips(text in "\\PC*") {
        let text = text.replace('\0', "");
        let got = decode_utf8(text.as_bytes(), "x").unwrap();
        prop_assert_eq!(&got.text, &text);
        // Detection agrees, unless the text looks like UTF-16 (it has no NULs, so it cannot).
        prop_assert_eq!(decode(text.as_bytes(), "x").unwrap(), got);
    }
}

// ---- kinds of copies (SPEC §1.1, §1.3, §1.4) ----

fn copy(bytes: &[u8], kind: Option<InputKind>) -> Extracted {
    read_copy(bytes, "copy", kind).unwrap()
}

const MESSAGE: &str = "From: Li Qiaoyun <media@example.org>\r\nTo: list@example.org\r\n\
Subject: We call for the release of everyone\r\nMIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
We call for the release=\r\n of the three lawyers. =E5=BE=8B=E5=B8=88\r\n";

#[test]
fn a_page_is_found_by_its_start_and_its_visible_text_is_the_copy() {
    let got = copy(
        b"<!DOCTYPE html><title>T</title><p>We call<br>for release</p>",
        None,
    );
    assert_eq!(got.kind, InputKind::Html);
    assert_eq!(got.decoded.text, "We call\nfor release\n");
}

#[test]
fn a_text_that_mentions_tags_stays_text() {
    let text = "We mark <b>bold</b> and <p> paragraphs.\n<p>Still text.</p>\n";
    let got = copy(text.as_bytes(), None);
    assert_eq!(got.kind, InputKind::Text);
    assert_eq!(got.decoded.text, text);
}

#[test]
fn an_email_is_found_by_its_headers_and_its_body_is_the_copy_not_its_headers() {
    let got = copy(MESSAGE.as_bytes(), None);
    assert_eq!(got.kind, InputKind::Email);
    assert_eq!(
        got.decoded.text,
        "We call for the release of the three lawyers. 律师\n"
    );
    assert!(!got.decoded.text.contains("Subject"));
}

#[test]
fn an_email_with_a_utf8_bom_is_still_an_email() {
    let bytes = with_prefix(b"\xEF\xBB\xBF", MESSAGE.as_bytes());
    let got = copy(&bytes, None);
    assert_eq!(got.kind, InputKind::Email);
    assert!(got.decoded.bom);
}

#[test]
fn email_headers_come_before_html_in_the_detection_order() {
    let page = MESSAGE.replace("text/plain", "text/html").replace(
        "We call for the release=\r\n of the three lawyers. =E5=BE=8B=E5=B8=88",
        "<p>We call</p>",
    );
    let got = copy(page.as_bytes(), None);
    assert_eq!(got.kind, InputKind::Email);
    assert_eq!(got.decoded.text, "We call\n");
    assert_eq!(got.notes[0].kind, NoteKind::HtmlBody);
}

#[test]
fn a_utf16_page_is_html_after_decoding() {
    let bytes = with_prefix(b"\xFF\xFE", &utf16("<html><p>律师</p>", true));
    let got = copy(&bytes, None);
    assert_eq!(
        (got.kind, got.decoded.encoding),
        (InputKind::Html, "UTF-16LE")
    );
    assert_eq!(got.decoded.text, "律师\n");
}

#[test]
fn a_legacy_page_is_decoded_strictly_by_its_meta_charset() {
    let page = encode(
        GB18030,
        "<html><meta charset=\"gb2312\"><p>我们要求立即释放被拘押的律师</p>",
    );
    let got = copy(&page, None);
    assert_eq!(
        (got.kind, got.decoded.encoding),
        (InputKind::Html, "gb18030")
    );
    assert_eq!(got.decoded.text, "我们要求立即释放被拘押的律师\n");
    let mut broken = page.clone();
    broken.push(0x81);
    assert!(matches!(
        read_copy(&broken, "copy", None),
        Err(InputError::Undecodable {
            encoding: "gb18030",
            ..
        })
    ));
}

#[test]
fn as_text_reads_a_page_or_a_message_as_it_is() {
    let page = b"<p>We call</p>";
    let got = copy(page, Some(InputKind::Text));
    assert_eq!(
        (got.kind, got.decoded.text.as_str()),
        (InputKind::Text, "<p>We call</p>")
    );
    assert_eq!(
        copy(MESSAGE.as_bytes(), Some(InputKind::Text)).decoded.text,
        MESSAGE
    );
}

#[test]
fn as_html_reads_a_text_that_detection_would_leave_alone() {
    let got = copy(b"We <b>call</b> for release", Some(InputKind::Html));
    assert_eq!(got.decoded.text, "We call for release\n");
}

#[test]
fn as_email_on_something_without_a_body_is_an_error() {
    assert!(matches!(
        read_copy(b"", "copy", Some(InputKind::Email)),
        Err(InputError::NoMessageText { .. })
    ));
}

#[test]
fn a_letter_with_from_to_and_subject_lines_stays_text() {
    let letter = "From:    Harbour Rights Lawyers Network\nTo:      1. Director\nSubject: Release\n\nDear Director,\n";
    assert_eq!(copy(letter.as_bytes(), None).kind, InputKind::Text);
}

#[test]
fn a_page_nested_thousands_deep_is_refused_quickly_not_parsed_for_minutes() {
    let page = format!("<html><body>{}x", "<div>".repeat(100_000));
    let started = std::time::Instant::now();
    assert!(matches!(
        read_copy(page.as_bytes(), "copy", None),
        Err(InputError::TooDeeplyNested { .. })
    ));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn headers_of_a_forwarded_attachment_are_not_text_but_its_body_is() {
    let outer = "From: a@example.org\r\nTo: b@example.org\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nFYI\r\n\
--B\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@example.org\r\nSubject: Inner subject\r\n\
Content-Type: text/plain\r\n\r\nWe call for release.\r\n--B--\r\n";
    let got = copy(outer.as_bytes(), None);
    assert_eq!(got.decoded.text, "FYI\n\nWe call for release.\n");
    assert_eq!(got.notes[0].kind, NoteKind::AttachedMessage);
}
