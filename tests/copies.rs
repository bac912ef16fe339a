//! The corpus of real copies (tests/copies/): web pages made by pandoc and saved by headless
//! Chromium, pages made by hand to attack the extraction rules, email messages written by
//! Python's email library, and text from Chromium's PDFs (pdftotext, with and without -layout)
//! and from text dumpers (w3m, lynx, html2text), and chat pastes as messaging apps copy them. The statements in tests/copies/statements/ are signed afresh into a
//! sandbox archive, and each copy is verified by the `attest` binary: its verdict, input kind and
//! exit code are asserted, each with a one-line rationale. tests/copies/regenerate.sh remakes the
//! copies where the tools are installed; this test needs none of them.

use std::path::{Path, PathBuf};
use std::process::Command;

use attest::report::{InputKind, NoteKind, Verdict, VerifyReport, WarningKind};

const ISSUER: &str = "Harbour Rights Lawyers Network";

/// One copy in the corpus.
struct Case {
    /// The file in tests/copies/cases/.
    file: &'static str,
    /// `--as KIND`, when the case overrides detection.
    forced: Option<&'static str>,
    /// The kind detection must find (or the forced one).
    kind: InputKind,
    verdict: Verdict,
    /// The statement (file in tests/copies/statements/) the verdict is about, if any.
    statement: Option<&'static str>,
    /// A note the report must carry.
    note: Option<NoteKind>,
    /// A warning the report must carry.
    warning: Option<WarningKind>,
    /// Why this is the right verdict.
    why: &'static str,
}

const EN: Option<&str> = Some("en-bar-exam.txt");
const ZH: Option<&str> = Some("zh-solidarity.txt");
const HANT: Option<&str> = Some("zh-hant-legal-aid.txt");
const LETTER: Option<&str> = Some("bilingual-open-letter.txt");
const NOTICE: Option<&str> = Some("en-hotline-notice.txt");

const fn case(
    file: &'static str,
    kind: InputKind,
    verdict: Verdict,
    statement: Option<&'static str>,
    why: &'static str,
) -> Case {
    Case {
        file,
        forced: None,
        kind,
        verdict,
        statement,
        note: None,
        warning: None,
        why,
    }
}

const fn warned(mut c: Case, warning: WarningKind) -> Case {
    c.warning = Some(warning);
    c
}

const fn noted(mut c: Case, note: NoteKind) -> Case {
    c.note = Some(note);
    c
}

const fn forced(mut c: Case, kind: &'static str) -> Case {
    c.forced = Some(kind);
    c
}

use InputKind::{Email, Html, Text};
use Verdict::{Embedded, Excerpt, Modified, Reformatted};
use WarningKind::{BrokenWords, ChatArtefacts, HyphenLost, PageFurniture};

const CASES: &[Case] = &[
    // ---- pandoc ----
    noted(case("pandoc-standalone-en.html", Html, Reformatted, EN,
        "pandoc's standalone page of the statement shows exactly its words"), NoteKind::StyleSheet),
    case("pandoc-fragment-en.html", Html, Reformatted, EN,
        "an HTML fragment (pandoc without -s) is detected by its first <p> and shows the statement"),
    case("pandoc-standalone-zh.html", Html, Reformatted, ZH,
        "the Chinese statement as a page, ideographic indents and <br> lines kept"),
    case("pandoc-fragment-zh-hant.html", Html, Reformatted, HANT,
        "the Traditional Chinese statement as a fragment"),
    case("pandoc-open-letter.html", Html, Reformatted, LETTER,
        "the bilingual letter with its signatory lines, numbered paragraphs and contact list (- items)"),
    case("pandoc-open-letter-rule.html", Html, Modified, LETTER,
        "pandoc reads the line of dashes as a rule (<hr>), which shows no characters: the dashes are gone"),
    case("pandoc-title-block-en.html", Html, Embedded, EN,
        "pandoc's title block shows a heading the statement does not have: unsigned material"),
    // ---- headless Chromium (--dump-dom: the DOM as a browser saves it) ----
    case("chromium-dom-en.html", Html, Reformatted, EN,
        "the pandoc page as Chromium serializes it"),
    case("chromium-dom-open-letter.html", Html, Reformatted, LETTER,
        "the open letter as Chromium serializes it"),
    case("chromium-dom-cms.html", Html, Embedded, EN,
        "a CMS page with menu, breadcrumbs, sidebar, comments and footer around the statement"),
    case("chromium-dom-scripted.html", Html, Reformatted, EN,
        "the contact line a script writes is in the DOM Chromium saved"),
    // ---- hand-made pages: templates and attacks on the extraction rules ----
    noted(case("cms-template-en.html", Html, Embedded, EN,
        "navigation, sidebar and comments are unsigned material around the whole statement"), NoteKind::StyleSheet),
    case("html-scripted-contact.html", Html, Excerpt, EN,
        "as served, the page lacks the contact line a script would write: only part of the statement"),
    case("html-changed-digit.html", Html, Modified, EN,
        "one digit of the phone number changed inside the markup"),
    noted(case("html-hidden-extra-digit.html", Html, Reformatted, EN,
        "an extra digit in a display:none span is not shown by a browser, nor compared"), NoteKind::HiddenContent),
    noted(case("html-hidden-genuine-number.html", Html, Modified, EN,
        "the genuine number is hidden and a changed one shown: the reader sees the change"), NoteKind::HiddenContent),
    noted(case("html-stylesheet-hidden-word.html", Html, Modified, EN,
        "a word hidden by a style sheet rule is compared (style sheets are not applied): never authentic"), NoteKind::StyleSheet),
    noted(case("html-limit-stylesheet-shrinks-digits.html", Html, Embedded, EN,
        "a style sheet shrinks two digits to nothing: the text is the statement's, but attest cannot tell what a browser shows, so never authentic (styled_page)"),
        NoteKind::StyleHidden),
    noted(case("html-limit-css-generated-digit.html", Html, Embedded, EN,
        "CSS ::after adds a digit a browser shows: never authentic (styled_page)"),
        NoteKind::GeneratedContent),
    case("html-unclosed-comment.html", Html, Excerpt, EN,
        "an unclosed comment eats the signature and contact, in a browser as here"),
    case("html-contact-in-title.html", Html, Excerpt, EN,
        "the contact line only in <title> is not page text: the statement is incomplete"),
    case("html-lookalike-entity.html", Html, Modified, EN,
        "&#1072; is a Cyrillic а, a look-alike of the Latin letter, not the same word"),
    case("html-entities.html", Html, Reformatted, EN,
        "entities for quotation marks, apostrophes and no-break spaces decode to the same words"),
    case("html-soft-hyphens-wbr.html", Html, Reformatted, EN,
        "&shy; and <wbr> show nothing unless a line breaks there"),
    case("html-pre.html", Html, Reformatted, EN,
        "the whole statement in <pre>: whitespace kept as typed"),
    noted(case("html-ruby-zh.html", Html, Reformatted, ZH,
        "pinyin ruby over two characters: the base text is the statement, the annotation is noted"), NoteKind::RubyAnnotations),
    case("html-ruby-base-changed.html", Html, Modified, ZH,
        "negative: the ruby base character is changed, and the base is what is compared"),
    case("html-block-splits-word.html", Html, Modified, EN,
        "negative: a paragraph boundary inside a word is a break a browser shows"),
    case("html-visible-hyphen.html", Html, Modified, EN,
        "negative: a visible hyphen in a word is a character, unlike &shy;"),
    case("html-gb2312-meta.html", Html, Reformatted, ZH,
        "a GB2312 page decoded by its <meta charset>"),
    case("html-utf16-bom.html", Html, Reformatted, ZH,
        "a UTF-16 page with a byte order mark is detected as HTML after decoding"),
    forced(case("pandoc-fragment-en.html", Text, Modified, EN,
        "--as text reads the markup as words: the tags are changes"), "text"),
    // ---- Python's email library ----
    case("email-qp-en.eml", Email, Reformatted, EN,
        "quoted-printable UTF-8 body; the headers are not statement text"),
    case("email-8bit-en.eml", Email, Reformatted, EN,
        "an 8bit UTF-8 body"),
    case("email-base64-zh.eml", Email, Reformatted, ZH,
        "a base64 UTF-8 body"),
    case("email-gb2312-zh.eml", Email, Reformatted, ZH,
        "a GB2312 body in base64"),
    case("email-big5-zh-hant.eml", Email, Reformatted, HANT,
        "a Big5 body in base64"),
    case("email-iso2022jp-en.eml", Email, Reformatted, EN,
        "an ISO-2022-JP body (its curly quotes are JIS X 0208 characters)"),
    case("email-alternative-en.eml", Email, Reformatted, EN,
        "multipart/alternative: the text/plain part is read"),
    case("email-alternative-plain-altered.eml", Email, Modified, EN,
        "the text/plain part is altered and read, even though the HTML part is genuine"),
    noted(case("email-html-only.eml", Email, Reformatted, EN,
        "an HTML-only message is read through the HTML rules"), NoteKind::HtmlBody),
    case("email-flowed.eml", Email, Reformatted, EN,
        "format=flowed, re-wrapped at 66 columns with trailing spaces"),
    case("email-flowed-delsp.eml", Email, Reformatted, EN,
        "format=flowed with DelSp=yes, the phone number broken by the sender: the added space is deleted"),
    case("email-flowed-no-delsp-split-number.eml", Email, Modified, EN,
        "negative: without DelSp the space before a flowed break is text, so the number gains a space"),
    case("email-flowed-hard-break-in-word.eml", Email, Modified, EN,
        "negative: a line without a trailing space is a hard break, even inside a word"),
    case("email-gb2312-changed.eml", Email, Modified, ZH,
        "negative: one character changed in a GB2312 body"),
    case("email-qp-soft-break-in-number.eml", Email, Reformatted, EN,
        "a quoted-printable soft line break inside the phone number joins it again"),
    case("email-qp-soft-break-changed-digit.eml", Email, Modified, EN,
        "a digit changed next to a soft line break in the phone number"),
    case("email-base64-changed-digit.eml", Email, Modified, EN,
        "a digit changed inside a base64 body"),
    case("email-forwarded-inline.eml", Email, Embedded, EN,
        "a forward's note, banner and quoted header lines are unsigned material around the statement"),
    noted(case("email-forwarded-attachment.eml", Email, Embedded, EN,
        "a message/rfc822 attachment is read after the forwarder's note"), NoteKind::AttachedMessage),
    noted(case("email-text-attachment.eml", Email, Embedded, EN,
        "the statement as statement.txt under a short note: the attachment is read, the note is unsigned"),
        NoteKind::TextAttachment),
    case("email-reply-quoted.eml", Email, Embedded, EN,
        "a reply quoting the statement with '> ' (SPEC §6.1): at best embedded"),
    case("mbox-one-message.mbox", Email, Reformatted, EN,
        "an mbox export of one message: the From_ line and headers are not text"),
    forced(case("email-qp-en.eml", Text, Modified, EN,
        "--as text reads headers and quoted-printable as words"), "text"),
    // ---- PDF extractors and text dumpers (SPEC §6.2): Chromium's print-to-PDF, pdftotext ----
    warned(case("pdftotext-layout-notice.txt", Text, Reformatted, NOTICE,
        "pdftotext -layout keeps Chromium's breaks after the hyphens of legal-aid and harbour-rights: re-joined"), BrokenWords),
    warned(case("pdftotext-notice.txt", Text, Modified, NOTICE,
        "negative: pdftotext without -layout drops the hyphen of time-⏎limits (timelimits): a change, named"), HyphenLost),
    warned(case("pdftotext-layout-notice-headers.txt", Text, Embedded, NOTICE,
        "Chromium's header (date, title) and footer (file URL, 1/1) around a one-page notice are unsigned material"), BrokenWords),
    warned(case("pdftotext-layout-en-headers.txt", Text, Embedded, EN,
        "Chromium's header and footer between two pages of the statement are page furniture, left out: unsigned material"), PageFurniture),
    case("pdftotext-layout-en.txt", Text, Reformatted, EN,
        "the statement printed to PDF and extracted with -layout: only wrapping and spacing differ"),
    case("pdftotext-layout-zh.txt", Text, Reformatted, ZH,
        "the Chinese statement from a PDF: breaks between ideographs are not spaces"),
    case("pdftotext-zh.txt", Text, Modified, ZH,
        "LIMIT: pdftotext without -layout puts a line's last ideograph on a line of its own (三人⏎一⏎案), a hard separator (§2.10)"),
    warned(case("pdftotext-layout-soft-hyphens.txt", Text, Reformatted, EN,
        "a line ends at a soft hyphen: the PDF keeps U+00AD and the U+2010 drawn there, which goes with the break"), BrokenWords),
    case("pdftotext-layout-wbr-break.txt", Text, Modified, EN,
        "LIMIT: a line break at <wbr> leaves no mark in the text (accom⏎modation): a break between letters is a space"),
    case("pdftotext-layout-overflow-anywhere.txt", Text, Modified, NOTICE,
        "LIMIT: overflow-wrap: anywhere breaks the URL between letters, no UAX #14 opportunity: not re-joined"),
    case("pdftotext-layout-changed-digit.txt", Text, Modified, EN,
        "negative: a PDF of the page with one digit of the phone number changed"),
    // ---- w3m, lynx, html2text ----
    case("w3m-dump-en.txt", Text, Reformatted, EN,
        "w3m -dump at 80 columns: the statement's words, re-wrapped"),
    warned(case("w3m-dump-notice-40.txt", Text, Reformatted, NOTICE,
        "w3m at 40 columns breaks the URL after notices/ (before a digit): re-joined"), BrokenWords),
    case("w3m-dump-soft-hyphens-50.txt", Text, Modified, EN,
        "LIMIT: w3m breaks at <wbr> and at soft hyphens and writes neither (accom⏎modation)"),
    case("w3m-dump-open-letter.txt", Text, Modified, LETTER,
        "w3m draws list bullets as •, where the statement writes - : different characters"),
    case("lynx-dump-en.txt", Text, Reformatted, EN,
        "lynx -dump indents every line by three spaces: spacing only"),
    case("lynx-dump-notice.txt", Text, Modified, NOTICE,
        "LIMIT: lynx cuts a URL longer than its line at the column (?lan⏎g=en), no UAX #14 opportunity"),
    case("html2text-en.txt", Text, Reformatted, EN,
        "html2text at 79 columns: the statement's words, re-wrapped"),
    warned(case("html2text-notice-40.txt", Text, Reformatted, NOTICE,
        "html2text at 40 columns breaks the URL after a slash: re-joined"), BrokenWords),
    case("html2text-soft-hyphens-50.txt", Text, Reformatted, EN,
        "html2text keeps the page's soft hyphens as U+00AD, which canonical text deletes"),
    case("html2text-changed-digit.txt", Text, Modified, EN,
        "negative: html2text of the page with one digit changed"),
    // ---- chat pastes (SPEC §6.2), written as the apps copy them ----
    warned(case("chat-wechat-forwarded-zh.txt", Text, Embedded, ZH,
        "WeChat's banner, sender and time, [图片] and a reply, set apart: the statement inside unsigned material"), ChatArtefacts),
    warned(case("chat-telegram-forwarded-en.txt", Text, Embedded, EN,
        "Telegram's forwarded-from line, [Photo] and the next sender's line and message are unsigned material"), ChatArtefacts),
    warned(case("chat-excerpt-en.txt", Text, Excerpt, EN,
        "one paragraph between two chat messages, no blank lines: the sender lines are set apart, the passage is an excerpt"), ChatArtefacts),
    warned(case("chat-split-in-two-messages-en.txt", Text, Modified, EN,
        "the statement sent as two messages: the second sender line truly interrupts it, shown as inserted"), ChatArtefacts),
    case("chat-telegram-changed-digit-en.txt", Text, Modified, EN,
        "negative: the chat lines are set apart, the changed digit of the phone number is not"),
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/copies")
}

/// A sandbox: a fresh issuer key, a trust store holding it, and every statement of the corpus
/// signed into `manifests/` by the `attest` binary.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let sb = Sandbox {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(sb.dir.path().join("keys")).unwrap();
        std::fs::create_dir(sb.dir.path().join("manifests")).unwrap();
        sb.ok(&["keygen", "--issuer", ISSUER, "--out", "hr", "--unencrypted"]);
        std::fs::copy(
            sb.dir.path().join("hr.pub"),
            sb.dir.path().join("keys/hr.pub"),
        )
        .unwrap();
        let mut statements: Vec<PathBuf> = std::fs::read_dir(corpus().join("statements"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        statements.sort();
        for path in statements {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            sb.ok(&[
                "sign",
                path.to_str().unwrap(),
                "--key",
                "hr.key",
                "--title",
                &name,
                "--date",
                "2026-05-20",
            ]);
        }
        sb
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_attest"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("ATTEST_PASSPHRASE")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_STATE_HOME")
            .env("ATTEST_STATE_DIR", self.dir.path().join("state"))
            .env("ATTEST_KEYS", self.dir.path().join("keys"))
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1");
        command
    }

    fn ok(&self, args: &[&str]) {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn verify(&self, case: &Case) -> (VerifyReport, i32) {
        let path = corpus().join("cases").join(case.file);
        let mut args = vec!["verify", path.to_str().unwrap(), "--json"];
        if let Some(kind) = case.forced {
            args.extend(["--as", kind]);
        }
        let out = self.command(&args).output().unwrap();
        let report: VerifyReport = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{}: {e}: {}",
                case.file,
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (report, out.status.code().unwrap())
    }
}

/// Every case gets its verdict, kind, statement, note and exit code; and no copy that is not the
/// statement's words alone is ever authentic.
#[test]
fn every_copy_in_the_corpus_gets_its_verdict_and_exit_code() {
    let sb = Sandbox::new();
    let mut failures = Vec::new();
    for case in CASES {
        let (report, code) = sb.verify(case);
        let expected_code = if case.verdict.is_authentic() { 0 } else { 1 };
        let title = report.manifest.as_ref().map(|m| m.title.as_str());
        let notes: Vec<NoteKind> = report.input.notes.iter().map(|n| n.kind).collect();
        let mut wrong = Vec::new();
        if report.verdict != case.verdict {
            wrong.push(format!("verdict {:?}", report.verdict));
        }
        if code != expected_code {
            wrong.push(format!("exit code {code}"));
        }
        if report.input.kind != case.kind {
            wrong.push(format!("kind {:?}", report.input.kind));
        }
        if title != case.statement {
            wrong.push(format!("statement {title:?}"));
        }
        if let Some(note) = case.note {
            if !notes.contains(&note) {
                wrong.push(format!("notes {notes:?}"));
            }
        }
        if let Some(warning) = case.warning {
            if !report.warnings.iter().any(|w| w.kind == warning) {
                wrong.push(format!("no {warning:?} warning"));
            }
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{} (expected {:?}: {}): got {}",
                case.file,
                case.verdict,
                case.why,
                wrong.join(", ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The corpus is what the issue asks for: at least 30 cases, every file in tests/copies/cases/
/// has one (a regenerated copy cannot go unchecked), and there are negative cases of each kind.
#[test]
fn the_corpus_covers_every_file_and_has_negative_cases() {
    assert!(CASES.len() >= 30, "{} cases", CASES.len());
    for entry in std::fs::read_dir(corpus().join("cases")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            CASES.iter().any(|c| c.file == name),
            "{name} has no case in tests/copies.rs"
        );
    }
    for kind in [Html, Email, Text] {
        assert!(CASES
            .iter()
            .any(|c| c.kind == kind && c.verdict == Modified));
    }
}
