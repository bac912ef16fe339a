#!/usr/bin/env bash
# Rebuild the shipped examples: a fresh key for the fictional "Harbour Rights Lawyers Network",
# its public key in keys/, the three statements signed into manifests/, and the received copies in
# examples/copies/. The secret key is made in a temporary directory and thrown away, so the shipped
# manifests can never be re-signed: this is a demo archive, not a real issuer's.
#
# Usage: bash examples/regenerate.sh   (from the repository root; needs python3)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
attest=target/release/attest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf keys manifests examples/copies
mkdir -p keys manifests examples/copies
"$attest" keygen --issuer "Harbour Rights Lawyers Network" --out "$tmp/harbour" --unencrypted 2>/dev/null >/dev/null
cp "$tmp/harbour.pub" keys/harbour-rights-lawyers-network.pub

s=examples/statements
"$attest" sign "$s/2026-03-08-open-letter-detained-lawyers.txt" --key "$tmp/harbour.key" --date 2026-03-08 \
  --title "Open letter: release of the detained lawyers Wen Shuhan, Qi Zhengyang and Qiao Mubai / 关于释放被羁押律师的公开信" \
  --lang en --lang zh 2>/dev/null
"$attest" sign "$s/2026-05-20-statement-on-bar-exam-barriers.txt" --key "$tmp/harbour.key" --date 2026-05-20 \
  --title "Admission to the legal profession must not depend on political approval" --lang en 2>/dev/null
"$attest" sign "$s/2026-09-15-solidarity-with-defence-counsel.txt" --key "$tmp/harbour.key" --date 2026-09-15 \
  --title "Statement of solidarity with defence counsel in the Jinlan trial / 关于声援锦澜案辩护律师的声明" \
  --lang zh --lang en 2>/dev/null

python3 - <<'PY'
import textwrap
s = "examples/statements/"
c = "examples/copies/"
letter = open(s + "2026-03-08-open-letter-detained-lawyers.txt", encoding="utf-8").read()

# As pasted from a web page into an email: straight quotes, CRLF, the prose re-flowed and wrapped
# at 60 columns. The page showed each numbered paragraph as running text and each list item,
# heading, address and signature line on a line of its own, so those line breaks stay (they are
# hard separators, docs/SPEC.md §2.10).
import re
straight = (letter.replace("\u201c", '"').replace("\u201d", '"')
                  .replace("\u2018", "'").replace("\u2019", "'"))
prose_start = re.compile(r"^(\d+\.|[一二三四五六七八九十]、|This letter|本函以)")
item_start = re.compile(r"^\s*(\([a-z]\)|（[一二三四五六七八九十]）)")
def fill(line):
    return textwrap.fill(line, width=60, break_long_words=False, break_on_hyphens=False)
blocks = []
for b in straight.split("\n\n"):
    if not b.strip():
        continue
    lines = b.split("\n")
    if prose_start.match(lines[0]):
        # Running text, except that each list item starts a new line.
        items = []
        for line in lines:
            if item_start.match(line) or not items:
                items.append(line.strip())
            else:
                items[-1] += " " + line.strip()
        blocks.append("\n".join(fill(i) for i in items))
    else:
        blocks.append("\n".join(fill(" ".join(line.split())) for line in lines))
with open(c + "open-letter-reformatted.txt", "w", encoding="utf-8", newline="\r\n") as f:
    f.write("\n\n".join(blocks) + "\n")

# As re-saved by a mainland Chinese mail client: the same text in GB18030.
with open(c + "open-letter-gb18030.txt", "wb") as f:
    f.write(letter.encode("gb18030"))

# A tampered copy: the media contact's phone number now reaches someone else.
bar = open(s + "2026-05-20-statement-on-bar-exam-barriers.txt", encoding="utf-8").read()
assert "+852 5550 0146" in bar
with open(c + "bar-exam-statement-phone-changed.txt", "w", encoding="utf-8") as f:
    f.write(bar.replace("+852 5550 0146", "+852 5550 0164"))

# Forwarded by email: the whole Chinese statement between a forwarding header and a signature.
sol = open(s + "2026-09-15-solidarity-with-defence-counsel.txt", encoding="utf-8").read()
with open(c + "solidarity-statement-forwarded-email.txt", "w", encoding="utf-8") as f:
    f.write("---------- Forwarded message ---------\nFrom: Jinlan Bar Watch <bulletin@example.org>\n"
            "Subject: Fwd: solidarity statement\n\nDear colleagues, please see the statement below.\n\n"
            + sol + "\n--\nJinlan Bar Watch weekly bulletin\n")

# Quoted in an email reply: every line of the English-only statement behind "> ".
bar_quoted = "".join("> " + l + "\n" if l else ">\n" for l in bar.split("\n")[:-1])
with open(c + "bar-exam-statement-in-email-reply.txt", "w", encoding="utf-8") as f:
    f.write("Thanks, Li. Circulating this to the committee.\n\nOn 20 May 2026, Li Qiaoyun wrote:\n" + bar_quoted)

# Quoted in a news report: one paragraph of the bar-exam statement, inside the reporter's text.
paras = [p for p in bar.split("\n\n") if p.strip()]
quoted = max(paras, key=len)
with open(c + "bar-exam-statement-quoted-in-news.txt", "w", encoding="utf-8") as f:
    f.write("HARBOUR DAILY, 21 May 2026\n\nLawyers' network condemns new admission rules\n\n"
            "In a statement released on Wednesday, the network said:\n\n" + quoted + "\n\n"
            "The ministry did not respond to a request for comment.\n")
PY
"$attest" audit manifests --keys keys --statements examples/statements
