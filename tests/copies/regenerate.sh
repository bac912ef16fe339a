#!/usr/bin/env bash
# Regenerate the corpus of received copies in tests/copies/cases/ from the statements in
# tests/copies/statements/, with the real tools people use. The generated files are committed;
# tests/copies.rs reads them and needs none of these tools.
#
# Needs: pandoc (2.17), chromium (headless), python3 (its `email` library), and for the copies of
# text dumpers and PDF extractors pdftotext (poppler 22.12), w3m (0.5.3), lynx (2.9.0),
# html2text (1.3.2a) and a CJK font for Chromium's PDFs. On Debian:
#   apt-get install pandoc chromium python3 poppler-utils w3m lynx html2text fonts-wqy-microhei
# Usage: bash tests/copies/regenerate.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")"
for tool in pandoc chromium python3 pdftotext w3m lynx html2text; do
  command -v "$tool" >/dev/null || { echo "regenerate.sh needs $tool" >&2; exit 2; }
done
s=statements
c=cases
rm -rf "$c"
mkdir -p "$c"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- pandoc: the statement as a web page -------------------------------------------------------
# The plain text read as Markdown with hard line breaks, so each line of the text is a line of the
# page (a short line such as a name in a signature block must stay one).
pandoc_page() { # statement, output, extra pandoc options...
  local in=$1 out=$2
  shift 2
  pandoc -f markdown_strict+hard_line_breaks -t html5 "$@" "$in" -o "$out"
}
# A standalone page; `pagetitle` sets <title> only, as a site whose page shows just the statement.
pandoc_page "$s/en-bar-exam.txt" "$c/pandoc-standalone-en.html" -s --metadata pagetitle="Statement"
# With `title`, pandoc also shows the title as a heading above the text: unsigned material.
pandoc_page "$s/en-bar-exam.txt" "$c/pandoc-title-block-en.html" -s --metadata title="Statement on the bar examination"
pandoc_page "$s/en-bar-exam.txt" "$c/pandoc-fragment-en.html"
pandoc_page "$s/zh-solidarity.txt" "$c/pandoc-standalone-zh.html" -s --metadata pagetitle="声明"
pandoc_page "$s/zh-hant-legal-aid.txt" "$c/pandoc-fragment-zh-hant.html"
# The open letter as Markdown sees it: the line of dashes becomes a rule (<hr>), which shows no
# characters, so the copy lacks the dashes.
pandoc_page "$s/bilingual-open-letter.txt" "$c/pandoc-open-letter-rule.html" -s --metadata pagetitle="Open letter"
# The same with the dashes escaped, as an author who wants them shown writes them.
sed 's/^-\{20,\}$/\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-\\-/' \
  "$s/bilingual-open-letter.txt" > "$tmp/open-letter-escaped.txt"
pandoc_page "$tmp/open-letter-escaped.txt" "$c/pandoc-open-letter.html" -s --metadata pagetitle="Open letter"

# ---- hand-made pages: a CMS template, attacks on the extraction rules ---------------------------
python3 - <<'PY'
import html, re
s, c = "statements/", "cases/"
fragment = open(c + "pandoc-fragment-en.html", encoding="utf-8").read()
zh = open(s + "zh-solidarity.txt", encoding="utf-8").read()

def page(body, head=""):
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Harbour Rights Lawyers Network</title>\n" + head + "</head>\n<body>\n"
            + body + "</body>\n</html>\n")

def write(name, text, encoding="utf-8"):
    with open(c + name, "w", encoding=encoding, newline="\n") as f:
        f.write(text)

# A CMS-like page: navigation, breadcrumbs, a sidebar, share buttons, comments, a footer.
cms = page(
    "<header class=\"site\"><nav><ul class=\"menu\" style=\"list-style: none\">"
    "<li><a href=\"/\">Home</a></li><li><a href=\"/news\">News</a></li>"
    "<li><a href=\"/about\">About us</a></li></ul></nav></header>\n"
    "<div class=\"breadcrumbs\"><a href=\"/\">Home</a> &rsaquo; <a href=\"/news\">Statements</a></div>\n"
    "<main><article>\n<p class=\"meta\">Posted by admin on 20 May 2026 &middot; 3 comments</p>\n"
    + fragment +
    "<div class=\"share\">Share this: <a href=\"#\">Email</a> <a href=\"#\">Print</a></div>\n"
    "</article>\n<section class=\"comments\"><h2>3 comments</h2>\n"
    "<div class=\"comment\"><p class=\"author\">Ada L.</p><p>Thank you for speaking up.</p></div>\n"
    "<div class=\"comment\"><p class=\"author\">K. Wong</p><p>Shared with my study group.</p></div>\n"
    "</section></main>\n<aside class=\"sidebar\"><h3>Recent posts</h3><ul>"
    "<li><a href=\"#\">Open letter on the detained lawyers</a></li>"
    "<li><a href=\"#\">Solidarity with defence counsel</a></li></ul></aside>\n"
    "<footer><p>&copy; 2026 Harbour Rights Lawyers Network. All rights reserved.</p></footer>\n",
    head="<link rel=\"stylesheet\" href=\"/theme.css\">\n<script>var analytics = 1;</script>\n")
write("cms-template-en.html", cms)

# The same statement with one digit of the phone number changed inside the markup.
write("html-changed-digit.html", page(fragment.replace("5550 0146", "5550 0164")))
# A hidden element holding an extra digit: a browser does not show it, and neither does attest.
write("html-hidden-extra-digit.html",
      page(fragment.replace("5550 0146", "5550 01<span style=\"display:none\">9</span>46")))
# The changed number is shown and the genuine one hidden: what the reader sees is changed.
write("html-hidden-genuine-number.html",
      page(fragment.replace("+852 5550 0146", "<span hidden>+852 5550 0146</span>+852 5550 0164")))
# A word inserted in an element that a style sheet hides: style sheets are not applied, so the
# word is compared (what a browser shows is the statement, but attest cannot know that).
write("html-stylesheet-hidden-word.html",
      page(fragment.replace("must not depend on political", "must <span class=\"x\">now</span> not depend on political"),
           head="<style>.x { display: none }</style>\n"))
# LIMITS, pinned so that a fix shows: a style sheet rule that shrinks two digits to nothing, and a
# CSS ::after rule that adds a digit. attest compares the text, not the rendering: both verify, and
# only the notes (style_hidden, generated_content) warn that a browser shows something else.
write("html-limit-stylesheet-shrinks-digits.html",
      page(fragment.replace("5550 0146", "5550 01<span class=\"n\">46</span>"),
           head="<style>.n { font-size: 0 }</style>\n"))
write("html-limit-css-generated-digit.html",
      page(fragment.replace("5550 0146", "5550 01<span class=\"n\" style=\"content: none\">46</span>"),
           head="<style>.n::after { content: \"9\" }</style>\n"))
# An unclosed comment eats the rest of the page, in a browser as here: only part is shown.
last = fragment.rindex("<p>Harbour Rights Lawyers Network</p>")
write("html-unclosed-comment.html", page(fragment[:last] + "<!-- end of article\n" + fragment[last:]))
# The contact line only in <title>, which is not page text.
write("html-contact-in-title.html",
      page(fragment.replace("<p>Contact: Li Qiaoyun, media enquiries, +852 5550 0146</p>", ""))
      .replace("<title>Harbour Rights Lawyers Network</title>",
               "<title>Contact: Li Qiaoyun, media enquiries, +852 5550 0146</title>"))
# A Cyrillic а written as an entity in "approval": a look-alike is a different letter.
write("html-lookalike-entity.html", page(fragment.replace("political\n", "political\n", 1).replace("approval:", "&#1072;pproval:", 1)))
# Entities for every quotation mark and apostrophe, and &nbsp; between words: the same words.
ent = fragment.replace("\u201c", "&ldquo;").replace("\u201d", "&rdquo;").replace("\u2019", "&#x2019;").replace("\u2018", "&lsquo;").replace("20 May 2026", "20&nbsp;May&nbsp;2026")
write("html-entities.html", page(ent))
# Soft hyphens and <wbr> in long words, as typesetting plugins add them: shown as nothing.
soft = fragment.replace("administrative", "ad&shy;min&shy;is&shy;tra&shy;tive").replace("accommodation", "accom<wbr>modation")
write("html-soft-hyphens-wbr.html", page(soft))
# The whole text in <pre>: whitespace kept as typed.
write("html-pre.html", page("<pre>" + html.escape(open(s + "en-bar-exam.txt", encoding="utf-8").read(), quote=False) + "</pre>\n"))
# Ruby annotations (pinyin) over two names in the Chinese statement: the base text is compared.
ruby = open(c + "pandoc-standalone-zh.html", encoding="utf-8").read().replace(
    "许一帆律师和", "<ruby>许<rp>(</rp><rt>xǔ</rt><rp>)</rp>一<rt>yī</rt>帆</ruby>律师和", 1)
write("html-ruby-zh.html", ruby)
# Negative vectors for the tolerances above: each shows a real change still shows.
# The ruby base text changed (许 → 徐): the base is compared.
write("html-ruby-base-changed.html", ruby.replace("<ruby>许", "<ruby>徐", 1))
# A block boundary inside a word (<div>adminis</div><div>trative</div>): a line break, a space.
write("html-block-splits-word.html", page(fragment.replace("administrative", "adminis</p><p>trative", 1)))
# A visible hyphen where the soft-hyphen copy had &shy;: a hyphen is a character.
write("html-visible-hyphen.html", page(fragment.replace("administrative", "admin-istrative", 1)))
# The Chinese statement as a GB2312 page that says so in <meta charset>.
gb = "<!DOCTYPE html>\n<html><head><meta charset=\"gb2312\"><title>声明</title></head><body>\n" + "".join(
    "<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>\n" for p in zh.strip("\n").split("\n\n")) + "</body></html>\n"
write("html-gb2312-meta.html", gb, encoding="gb2312")
# The same page saved as UTF-16 with a byte order mark (as some Windows editors save it).
with open(c + "html-utf16-bom.html", "wb") as f:
    f.write(gb.replace("gb2312", "utf-16").encode("utf-16"))
# A page whose last paragraph is written by a script: the page as served lacks it.
scripted = page(fragment.replace("<p>Contact: Li Qiaoyun, media enquiries, +852 5550 0146</p>", "<div id=\"contact\"></div>")
                + "<script>document.getElementById('contact').innerHTML = '<p>Contact: Li Qiaoyun, media enquiries, +852 5550 0146</p>';</script>\n")
write("html-scripted-contact.html", scripted)
PY

# ---- Chromium: pages as a browser saves them (the DOM after scripts ran) ------------------------
dump() { # page, output
  chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$PWD/$1" 2>/dev/null > "$2"
}
dump "$c/pandoc-standalone-en.html" "$c/chromium-dom-en.html"
dump "$c/cms-template-en.html" "$c/chromium-dom-cms.html"
dump "$c/html-scripted-contact.html" "$c/chromium-dom-scripted.html"
dump "$c/pandoc-open-letter.html" "$c/chromium-dom-open-letter.html"

# ---- Python's email library: messages as mail programs send them -------------------------------
python3 - <<'PY'
import email.charset, email.policy, textwrap, mailbox, os
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.mime.message import MIMEMessage
s, c = "statements/", "cases/"
en = open(s + "en-bar-exam.txt", encoding="utf-8").read()
zh = open(s + "zh-solidarity.txt", encoding="utf-8").read()
hant = open(s + "zh-hant-legal-aid.txt", encoding="utf-8").read()
letter = open(s + "bilingual-open-letter.txt", encoding="utf-8").read()
fragment = open(c + "pandoc-fragment-en.html", encoding="utf-8").read()

def headers(m, subject):
    m["From"] = "Li Qiaoyun <media@harbour-rights.example>"
    m["To"] = "press-list@example.org"
    m["Subject"] = subject
    m["Date"] = "Wed, 20 May 2026 09:30:00 +0800"
    m["Message-ID"] = "<" + subject.replace(" ", "-").lower()[:30] + "@harbour-rights.example>"
    return m

def write(name, m):
    with open(c + name, "wb") as f:
        f.write(m.as_bytes(policy=email.policy.SMTP) if not isinstance(m, bytes) else m)

def text_part(body, charset, cte):
    cs = email.charset.Charset(charset)
    cs.body_encoding = {"quoted-printable": email.charset.QP, "base64": email.charset.BASE64, "8bit": None, "7bit": None}[cte]
    p = MIMEText(body, "plain", cs if cte != "8bit" else charset)
    return p

def message(body, subject, charset="utf-8", cte="quoted-printable"):
    m = MIMEText(body, "plain", None)
    del m["Content-Type"], m["Content-Transfer-Encoding"], m["MIME-Version"]
    m = text_part(body, charset, cte)
    return headers(m, subject)

write("email-qp-en.eml", message(en, "Statement on the bar examination", "utf-8", "quoted-printable"))
write("email-base64-zh.eml", message(zh, "Solidarity statement", "utf-8", "base64"))
write("email-8bit-en.eml", message(en, "Statement 8bit", "utf-8", "8bit"))
write("email-gb2312-zh.eml", message(zh, "Solidarity statement GB2312", "gb2312", "base64"))
write("email-big5-zh-hant.eml", message(hant, "Legal aid statement Big5", "big5", "base64"))
write("email-iso2022jp-en.eml", message(en, "Statement ISO-2022-JP", "iso-2022-jp", "7bit"))
write("email-base64-changed-digit.eml", message(en.replace("5550 0146", "5550 0148"), "Statement changed", "utf-8", "base64"))

# multipart/alternative: plain text and HTML; the plain text is compared.
alt = MIMEMultipart("alternative")
alt.attach(text_part(en, "utf-8", "quoted-printable"))
alt.attach(MIMEText(fragment, "html", "utf-8"))
alt.set_boundary("==alternative-1==")
write("email-alternative-en.eml", headers(alt, "Statement alternative"))
# The same, with the plain-text part altered and the HTML part genuine: the plain text is read.
alt = MIMEMultipart("alternative")
alt.attach(text_part(en.replace("eighteen prospective", "eight prospective"), "utf-8", "quoted-printable"))
alt.attach(MIMEText(fragment, "html", "utf-8"))
alt.set_boundary("==alternative-2==")
write("email-alternative-plain-altered.eml", headers(alt, "Statement alternative altered"))
# HTML only (as some webmail sends it): the HTML part is read through the HTML rules.
h = MIMEText(fragment, "html", "utf-8")
write("email-html-only.eml", headers(h, "Statement HTML only"))

# format=flowed, re-wrapped at 66 columns with trailing spaces (RFC 3676), with and without DelSp.
def flowed(text, delsp):
    out = []
    for para in text.split("\n"):
        if not para:
            out.append("")
            continue
        words = para.split(" ")
        line = ""
        for w in words:
            if line and len(line) + len(w) + 1 > 66:
                # DelSp=yes: the space the sender adds before the break is deleted by the reader;
                # the space between the words stays.
                out.append(line + ("  " if delsp else " "))
                line = w
            else:
                line = (line + " " + w) if line else w
        out.append(line)
    lines = [(" " + l) if l.startswith((" ", ">", "From ")) else l for l in out]
    return "\r\n".join(lines) + "\r\n"

for delsp in (False, True):
    body = flowed(en, delsp)
    if delsp:
        # DelSp=yes lets a sender break inside a word, or a number: the added space is deleted.
        body = body.replace("+852 5550 0146", "+852 5550 01 \r\n46")
    m = EmailMessage()
    headers(m, "Statement flowed" + (" delsp" if delsp else ""))
    m["MIME-Version"] = "1.0"
    m["Content-Type"] = "text/plain; charset=utf-8; format=flowed" + ("; delsp=yes" if delsp else "")
    m["Content-Transfer-Encoding"] = "8bit"
    raw = m.as_bytes(policy=email.policy.SMTP).rstrip(b"\r\n") + b"\r\n\r\n" + body.encode("utf-8")
    write("email-flowed-delsp.eml" if delsp else "email-flowed.eml", raw)

# Negative vectors for flowed text: without DelSp the space before the break is text, so a number
# broken there gains a space; a line break without a trailing space is a hard break.
m = EmailMessage()
headers(m, "Statement flowed without delsp")
m["MIME-Version"] = "1.0"
m["Content-Type"] = "text/plain; charset=utf-8; format=flowed"
m["Content-Transfer-Encoding"] = "8bit"
body = flowed(en, False).replace("+852 5550 0146", "+852 5550 01 \r\n46")
write("email-flowed-no-delsp-split-number.eml",
      m.as_bytes(policy=email.policy.SMTP).rstrip(b"\r\n") + b"\r\n\r\n" + body.encode("utf-8"))
m = EmailMessage()
headers(m, "Statement flowed hard break")
m["MIME-Version"] = "1.0"
m["Content-Type"] = "text/plain; charset=utf-8; format=flowed; delsp=yes"
m["Content-Transfer-Encoding"] = "8bit"
body = flowed(en, True).replace("administrative", "adminis\r\ntrative", 1)
write("email-flowed-hard-break-in-word.eml",
      m.as_bytes(policy=email.policy.SMTP).rstrip(b"\r\n") + b"\r\n\r\n" + body.encode("utf-8"))
# A GB2312 body with one character changed (许 → 徐).
write("email-gb2312-changed.eml", message(zh.replace("许一帆律师和", "徐一帆律师和", 1), "Solidarity GB2312 changed", "gb2312", "base64"))

# Quoted-printable with a soft line break inside the phone number, as encoders break long lines.
def qp_with_break(text, at, replace=None):
    m = message(text, "Statement QP soft break", "utf-8", "quoted-printable")
    raw = m.as_bytes(policy=email.policy.SMTP)
    raw = raw.replace(at.encode(), (replace or at[:-2] + "=\r\n" + at[-2:]).encode(), 1)
    return raw
write("email-qp-soft-break-in-number.eml", qp_with_break(en, "+852 5550 0146"))
write("email-qp-soft-break-changed-digit.eml", qp_with_break(en, "+852 5550 0146", "+852 5550 01=\r\n47"))

# A forwarded message, inline with the banner Gmail writes.
fwd = ("FYI, see the statement below.\n\n---------- Forwarded message ---------\n"
       "From: Li Qiaoyun <media@harbour-rights.example>\nDate: Wed, 20 May 2026 at 09:30\n"
       "Subject: Statement on the bar examination\nTo: <press-list@example.org>\n\n\n" + en)
write("email-forwarded-inline.eml", message(fwd, "Fwd: Statement on the bar examination", "utf-8", "quoted-printable"))
# A forwarded message as an attachment (message/rfc822), with a note of the forwarder's own.
outer = MIMEMultipart("mixed")
outer.attach(text_part("Forwarding the network's statement, for the file.\n", "utf-8", "7bit"))
outer.attach(MIMEMessage(message(en, "Statement on the bar examination", "utf-8", "quoted-printable")))
outer.set_boundary("==mixed-1==")
write("email-forwarded-attachment.eml", headers(outer, "Fwd: attached statement"))
# The statement sent as a text attachment under a short note: the attachment is read after it.
outer = MIMEMultipart("mixed")
outer.attach(text_part("Please find our statement attached.\n", "utf-8", "7bit"))
att = text_part(en, "utf-8", "base64")
att.add_header("Content-Disposition", "attachment", filename="statement.txt")
outer.attach(att)
outer.set_boundary("==mixed-2==")
write("email-text-attachment.eml", headers(outer, "Statement attached"))
# A reply that quotes the statement with "> " under its own words.
reply = "Thank you, we will publish this tomorrow.\n\nOn 20 May 2026, Li Qiaoyun wrote:\n" + "".join(
    ("> " + l if l else ">") + "\n" for l in en.rstrip("\n").split("\n"))
write("email-reply-quoted.eml", message(reply, "Re: Statement on the bar examination", "utf-8", "quoted-printable"))
# An mbox holding the message, as a mail program exports it.
box = mailbox.mbox(c + "mbox-one-message.mbox")
entry = mailbox.mboxMessage(message(en, "Statement mbox", "utf-8", "quoted-printable"))
entry.set_from("media@harbour-rights.example Wed May 20 09:30:00 2026")
box.add(entry)
box.flush(); box.close()
PY
# ---- text dumpers and PDF extractors (docs/SPEC.md §6.2) ----------------------------------------
# The notice has hyphenated compounds, and/or and a long URL: where a tool breaks a line inside
# them, the reading of §6.2 re-joins the break. Pages are narrowed with a style rule so that
# Chromium breaks lines inside those tokens; short lines (the title, the signature) stay whole.
narrow() { # page, width in em, output, extra CSS
  sed "s#</head>#<style>body{max-width:$2em;${4:-}}</style>\n</head>#" "$1" > "$3"
}
pdf() { # page, output, extra chromium options...
  local page=$1 out=$2
  shift 2
  chromium --headless --no-sandbox --disable-gpu "$@" --print-to-pdf="$out" "file://$(realpath "$page")" 2>/dev/null
}
pandoc_page "$s/en-hotline-notice.txt" "$tmp/notice.html" -s --metadata pagetitle="Notice"
narrow "$tmp/notice.html" 28 "$tmp/notice-28.html"
pdf "$tmp/notice-28.html" "$tmp/notice-28.pdf" --no-pdf-header-footer
pdftotext -layout "$tmp/notice-28.pdf" "$c/pdftotext-layout-notice.txt"
pdftotext "$tmp/notice-28.pdf" "$c/pdftotext-notice.txt"
# Chromium's own header and footer (date, title, file URL, page number) around a one-page notice.
pdf "$tmp/notice-28.html" "$tmp/notice-28-headers.pdf"
pdftotext -layout "$tmp/notice-28-headers.pdf" "$c/pdftotext-layout-notice-headers.txt"
# A two-page statement with the header and footer between its pages.
pdf "$c/pandoc-standalone-en.html" "$tmp/en-headers.pdf"
pdftotext -layout "$tmp/en-headers.pdf" "$c/pdftotext-layout-en-headers.txt"
pdf "$c/pandoc-standalone-en.html" "$tmp/en.pdf" --no-pdf-header-footer
pdftotext -layout "$tmp/en.pdf" "$c/pdftotext-layout-en.txt"
pdf "$c/pandoc-standalone-zh.html" "$tmp/zh.pdf" --no-pdf-header-footer
pdftotext -layout "$tmp/zh.pdf" "$c/pdftotext-layout-zh.txt"
pdftotext "$tmp/zh.pdf" "$c/pdftotext-zh.txt"
# Soft hyphens only (no <wbr>), in a paragraph narrow enough that a line ends at one: Chromium
# draws U+2010 there and keeps every U+00AD in the PDF's text.
sed -e 's/accom<wbr>modation/ac\&shy;com\&shy;mo\&shy;da\&shy;tion/' \
  -e 's/<p>We call on the Bureau/<p style="max-width:9em">We call on the Bureau/' \
  "$c/html-soft-hyphens-wbr.html" > "$tmp/soft.html"
pdf "$tmp/soft.html" "$tmp/soft.pdf" --no-pdf-header-footer
pdftotext -layout "$tmp/soft.pdf" "$c/pdftotext-layout-soft-hyphens.txt"
# LIMIT: a <wbr> break leaves no mark in the text (accom⏎modation).
narrow "$c/html-soft-hyphens-wbr.html" 14 "$tmp/wbr-14.html"
pdf "$tmp/wbr-14.html" "$tmp/wbr-14.pdf" --no-pdf-header-footer
pdftotext -layout "$tmp/wbr-14.pdf" "$c/pdftotext-layout-wbr-break.txt"
# LIMIT: overflow-wrap: anywhere breaks the URL between letters.
narrow "$tmp/notice.html" 12 "$tmp/notice-anywhere.html" "overflow-wrap:anywhere"
pdf "$tmp/notice-anywhere.html" "$tmp/notice-anywhere.pdf" --no-pdf-header-footer
pdftotext -layout "$tmp/notice-anywhere.pdf" "$c/pdftotext-layout-overflow-anywhere.txt"
pdf "$c/html-changed-digit.html" "$tmp/changed.pdf" --no-pdf-header-footer
pdftotext -layout "$tmp/changed.pdf" "$c/pdftotext-layout-changed-digit.txt"
# w3m, lynx and html2text, at their default widths and narrower.
w3m -dump "$c/pandoc-standalone-en.html" > "$c/w3m-dump-en.txt"
w3m -dump -cols 40 "$tmp/notice.html" > "$c/w3m-dump-notice-40.txt"
w3m -dump -cols 50 "$c/html-soft-hyphens-wbr.html" > "$c/w3m-dump-soft-hyphens-50.txt"
w3m -dump "$c/pandoc-open-letter.html" > "$c/w3m-dump-open-letter.txt"
lynx -dump -nolist "$c/pandoc-standalone-en.html" > "$c/lynx-dump-en.txt"
lynx -dump -nolist "$tmp/notice.html" > "$c/lynx-dump-notice.txt"
html2text -utf8 -nobs "$c/pandoc-standalone-en.html" > "$c/html2text-en.txt"
html2text -utf8 -nobs -width 40 "$tmp/notice.html" > "$c/html2text-notice-40.txt"
html2text -utf8 -nobs -width 50 "$c/html-soft-hyphens-wbr.html" > "$c/html2text-soft-hyphens-50.txt"
html2text -utf8 -nobs "$c/html-changed-digit.html" > "$c/html2text-changed-digit.txt"

# ---- chat pastes (docs/SPEC.md §6.2), as WeChat, Telegram and WhatsApp copy them: written here -----
python3 - <<'PY'
s, c = "statements/", "cases/"
en = open(s + "en-bar-exam.txt", encoding="utf-8").read()
zh = open(s + "zh-solidarity.txt", encoding="utf-8").read()
paras = en.rstrip("\n").split("\n\n")
def write(name, text):
    with open(c + name, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
# WeChat's "copy" of a forwarded chat record: a banner, the sender and time on their own line,
# the message, an image placeholder and a reply.
write("chat-wechat-forwarded-zh.txt", "[转发的聊天记录]\n李巧云 2026-05-20 09:31\n" + zh + "[图片]\n张律师 09:35\n收到，已转发。\n")
# Telegram: a forwarded-from line, the message, a photo placeholder, the next sender and message.
write("chat-telegram-forwarded-en.txt", "Forwarded from Harbour Rights Lawyers Network\n" + en + "[Photo]\nLi Qiaoyun, [20.05.26 09:31]\nPlease share widely.\n")
# One paragraph of the statement between two messages of a chat, no blank lines.
write("chat-excerpt-en.txt", "Ada L. 10:02\n" + paras[7] + "\nAda L. 10:03\n<Media omitted>\n")
# The statement sent as two messages: the second sender line interrupts it.
mid = len(paras) // 2
write("chat-split-in-two-messages-en.txt", "Li Qiaoyun 09:31\n" + "\n\n".join(paras[:mid]) + "\nLi Qiaoyun 09:32\n" + "\n\n".join(paras[mid:]) + "\n")
# A forwarded statement with one figure changed: the chat lines are set apart, the change is not.
write("chat-telegram-changed-digit-en.txt", "Forwarded from Harbour Rights Lawyers Network\n" + en.replace("5550 0146", "5550 0164") + "[Photo]\n")
PY

echo "wrote $(ls "$c" | wc -l) copies to tests/copies/$c"
