//! Email copies: `.eml` messages and mbox files (docs/SPEC.md §1.4), parsed by `mail-parser`.
//!
//! The text of a message is its body, never its headers: the plain-text body when there is one
//! (the `text/plain` part of a `multipart/alternative`), else its HTML body through [`super::html`].
//! Transfer encodings (quoted-printable, base64) and charsets (GB2312/GBK, Big5, ISO-2022-JP, ...)
//! are decoded by `mail-parser`; `format=flowed` (RFC 3676) is undone here, with space-stuffing and
//! `DelSp`. A forwarded message attached as `message/rfc822` is read after the message's own body,
//! without its headers, and so are text attachments (a statement sent as `statement.txt`). An mbox holds messages one after another; each is read, in order.
//!
//! What is *not* done here: a reply's `> ` quoting stays in the text, for the unambiguous-quoting
//! rule of [`super::email`] (SPEC §6.1); a forwarded message's banner and its quoted header lines
//! (`From:`, `Date:` written into the body) stay in the text, as the unsigned material around the
//! statement that makes it `embedded`.

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

use super::{html, Note, NoteKind};

/// Header fields that people do not type into a letter: a header block needs one of them (and one
/// of [`PERSONAL_FIELDS`]) to be taken for an email message.
const MACHINE_FIELDS: &[&str] = &[
    "mime-version",
    "message-id",
    "received",
    "return-path",
    "content-type",
    "content-transfer-encoding",
    "dkim-signature",
    "delivered-to",
];

/// The header fields every message has; one of them is needed too.
const PERSONAL_FIELDS: &[&str] = &["from", "to", "subject", "date"];

/// Only this many bytes at the start of an input are looked at to find a header block.
const HEADER_SCAN_BYTES: usize = 64 * 1024;

/// SPEC §1.1: whether `bytes` begin with an email header block (after an optional mbox `From `
/// line): lines that are each a header field (`Name: value`, the name printable ASCII without a
/// colon or space) or the continuation of one (starting with a space or tab), ended by an empty
/// line, with at least one field of [`MACHINE_FIELDS`] and one of [`PERSONAL_FIELDS`].
pub(super) fn looks_like_message(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(HEADER_SCAN_BYTES)];
    let mut lines = head.split(|&b| b == b'\n').peekable();
    if lines.peek().is_some_and(|l| l.starts_with(b"From ")) {
        lines.next();
    }
    let (mut machine, mut personal, mut first) = (false, false, true);
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return !first && machine && personal;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if first {
                return false;
            }
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return false;
        };
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|&b| b.is_ascii_graphic()) {
            return false;
        }
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        machine |= MACHINE_FIELDS.contains(&name.as_str());
        personal |= PERSONAL_FIELDS.contains(&name.as_str());
        first = false;
    }
    false
}

/// The text of a message or mbox, the name of the charset of its first text part (as
/// encoding_rs spells it), and notes. `None` when there is no text body.
pub(super) fn extract(bytes: &[u8]) -> Option<(String, &'static str, Vec<Note>)> {
    let parser = MessageParser::default();
    let mut reader = Reader::default();
    if bytes.starts_with(b"From ") {
        for message in mail_parser::mailbox::mbox::MessageIterator::new(bytes) {
            let Ok(message) = message else { continue };
            if let Some(parsed) = parser.parse(message.contents()) {
                reader.message(&parsed, 0);
            }
        }
    } else if let Some(parsed) = parser.parse(bytes) {
        reader.message(&parsed, 0);
    }
    reader.finish()
}

/// Nested `message/rfc822` parts deeper than this are not read.
const MAX_NESTING: usize = 8;

#[derive(Default)]
struct Reader {
    texts: Vec<String>,
    encoding: Option<&'static str>,
    html_body: bool,
    attached_message: bool,
    attachments: usize,
    text_attachments: usize,
    problem: bool,
}

impl Reader {
    fn message(&mut self, message: &Message<'_>, depth: usize) {
        let mut bodies: Vec<u32> = message.text_body.clone();
        if bodies.is_empty() {
            bodies = message.html_body.clone();
        }
        for id in bodies {
            let Some(part) = message.part(id) else {
                continue;
            };
            self.part(part);
        }
        for id in &message.attachments {
            let Some(part) = message.part(*id) else {
                continue;
            };
            match &part.body {
                PartType::Message(nested) if depth < MAX_NESTING => {
                    self.attached_message = true;
                    self.message(nested, depth + 1);
                }
                PartType::Text(_) | PartType::Html(_) => {
                    self.text_attachments += 1;
                    self.part(part);
                }
                _ => self.attachments += 1,
            }
        }
    }

    fn part(&mut self, part: &mail_parser::MessagePart<'_>) {
        self.problem |= part.is_encoding_problem;
        let content_type = part.content_type();
        let attribute = |name: &str| {
            content_type
                .and_then(|c| c.attribute(name))
                .map(|v| v.trim().to_ascii_lowercase())
        };
        let text = match &part.body {
            PartType::Text(text) => {
                if attribute("format").as_deref() == Some("flowed") {
                    unflow(text, attribute("delsp").as_deref() == Some("yes"))
                } else {
                    text.to_string()
                }
            }
            PartType::Html(page) => {
                self.html_body = true;
                html::extract(page).0
            }
            _ => return,
        };
        // mail-parser replaces what a charset cannot decode by U+FFFD.
        self.problem |= text.contains('\u{FFFD}');
        if self.encoding.is_none() {
            self.encoding = Some(charset_name(attribute("charset").as_deref()));
        }
        self.texts.push(text);
    }

    fn finish(self) -> Option<(String, &'static str, Vec<Note>)> {
        if self.texts.iter().all(|t| t.trim().is_empty()) {
            return None;
        }
        let mut notes = Vec::new();
        if self.html_body {
            notes.push(Note::new(
                NoteKind::HtmlBody,
                "the message has no plain-text body; the visible text of its HTML body was compared",
            ));
        }
        if self.attached_message {
            notes.push(Note::new(
                NoteKind::AttachedMessage,
                "the message carries a forwarded message as an attachment; its body was compared after the message's own, without its headers",
            ));
        }
        if self.text_attachments > 0 {
            notes.push(Note::new(
                NoteKind::TextAttachment,
                format!(
                    "{} text attachment(s) were compared after the message's body",
                    self.text_attachments
                ),
            ));
        }
        if self.attachments > 0 {
            notes.push(Note::new(
                NoteKind::Attachments,
                format!(
                    "{} attachment(s) that are not text were not compared",
                    self.attachments
                ),
            ));
        }
        if self.problem {
            notes.push(Note::new(
                NoteKind::DecodingProblem,
                "a part of the message could not be decoded cleanly; what could not be decoded shows as U+FFFD",
            ));
        }
        let text = self
            .texts
            .iter()
            .map(|t| t.trim_end_matches(['\n', '\r']))
            .collect::<Vec<_>>()
            .join("\n\n")
            + "\n";
        Some((text, self.encoding.unwrap_or("UTF-8"), notes))
    }
}

/// The encoding_rs name of a MIME charset (`UTF-8` when there is none, or it is US-ASCII, a subset
/// of UTF-8, or unknown).
fn charset_name(charset: Option<&str>) -> &'static str {
    match charset {
        None | Some("us-ascii") | Some("ascii") => "UTF-8",
        // GBK is reported as gb18030, its superset, as detection reports it (SPEC §1).
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(encoding) if encoding == encoding_rs::GBK => encoding_rs::GB18030.name(),
            Some(encoding) => encoding.name(),
            None => "UTF-8",
        },
    }
}

/// RFC 3676 §4: undo `format=flowed`. A line ending in a space (other than the signature separator
/// `-- `) is *flowed*: it joins the next line of the same quote depth. Space-stuffing (a space added
/// before a line that starts with a space, `>` or `From `) is removed, and with `DelSp=yes` the
/// space that ends a flowed line is deleted too (it was added by the sender, not typed). Quote
/// marks (`>`, `>>`, written without spaces in flowed text) are written back as `> `, `>> `, so the
/// unambiguous-quoting rule of SPEC §6.1 sees them as a mail program shows them.
pub(super) fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    // The paragraph being joined: its quote depth and text.
    let mut open: Option<(usize, String)> = None;
    let body = text.strip_suffix('\n').unwrap_or(text);
    for raw in body.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let depth = raw.bytes().take_while(|&b| b == b'>').count();
        let mut line = &raw[depth..];
        if let Some(stuffed) = line.strip_prefix(' ') {
            line = stuffed;
        }
        let flowed = line.ends_with(' ') && line != "-- ";
        let content = if flowed && delsp {
            &line[..line.len() - 1]
        } else {
            line
        };
        match open.as_mut() {
            Some((d, joined)) if *d == depth => joined.push_str(content),
            Some(_) => {
                let (d, joined) = open.take().expect("checked above");
                push_line(&mut out, d, &joined);
                open = Some((depth, content.to_string()));
            }
            None => open = Some((depth, content.to_string())),
        }
        if !flowed {
            let (d, joined) = open.take().expect("a line was just added");
            push_line(&mut out, d, &joined);
        }
    }
    if let Some((d, joined)) = open {
        push_line(&mut out, d, &joined);
    }
    out
}

fn push_line(out: &mut String, depth: usize, text: &str) {
    if depth > 0 {
        out.push_str(&">".repeat(depth));
        out.push(' ');
    }
    out.push_str(text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flowed_lines_join_and_stuffing_is_removed() {
        let text = "We call for the \r\nrelease of the \r\n From three.\r\n\r\nNext.\r\n";
        assert_eq!(
            unflow(text, false),
            "We call for the release of the From three.\n\nNext.\n"
        );
    }

    #[test]
    fn delsp_removes_the_space_the_sender_added() {
        assert_eq!(unflow("+852 5550 01 \n17\n", true), "+852 5550 0117\n");
        assert_eq!(unflow("+852 5550 01 \n17\n", false), "+852 5550 01 17\n");
    }

    #[test]
    fn quoted_flowed_lines_join_within_their_depth_and_keep_a_marker() {
        assert_eq!(
            unflow("> a b \n> c\n>> d \n>> e\nf\n", false),
            "> a b c\n>> d e\nf\n"
        );
    }

    #[test]
    fn the_signature_separator_is_not_flowed() {
        assert_eq!(unflow("-- \nNetwork\n", false), "-- \nNetwork\n");
    }

    #[test]
    fn a_letter_with_from_and_subject_lines_is_not_a_message() {
        let letter = b"From:    Harbour Rights Lawyers Network\nTo:      Director\nSubject: Release\nDate:    8 March 2026\n\nDear Director,\n";
        assert!(!looks_like_message(letter));
        let message = b"From: a@example.org\nMIME-Version: 1.0\nSubject: x\n\nDear Director,\n";
        assert!(looks_like_message(message));
        assert!(looks_like_message(
            &[
                b"From a@example.org Mon Nov 30 00:00:00 2026\n".as_slice(),
                message
            ]
            .concat()
        ));
    }
}
