#!/usr/bin/env python3
"""Seed each fuzz target's corpus (fuzz/corpus/TARGET/, ignored by git) from the repository's own
examples: example statements and copies, the known-answer vectors, the example archive's manifests
and the trust store's key, plus every input under tests/fuzz-regressions/TARGET/.

Run from anywhere: python3 fuzz/seed-corpus.py
"""

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
TARGETS = ["decode", "canonicalize", "manifest_parse", "key_parse", "diff", "verify"]
ESCAPE = re.compile(r"\\u\{([0-9A-Fa-f]{1,6})\}")
ENDINGS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def vector(path):
    """(original, copy) texts of a tests/vectors file (see tests/vectors/README.md)."""
    header, sections, current = {}, {}, None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line in ("--- original", "--- copy", "--- canonical"):
            current = line[4:]
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
        elif ":" in line and not line.startswith("#"):
            key, value = line.split(":", 1)
            header[key.strip()] = value.strip()

    def body(name):
        lines = sections.get(name, [])
        while lines and lines[-1] == "":
            lines = lines[:-1]
        end = ENDINGS[header.get(name + "-line-endings", "lf")]
        text = end.join(lines) + end if lines else ""
        return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)

    return body("original"), body("copy")


def add(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    statements = sorted((ROOT / "examples" / "statements").glob("*.txt"))
    copies = sorted((ROOT / "examples" / "copies").glob("*.txt"))
    vectors = [vector(p) for p in sorted((ROOT / "tests" / "vectors").glob("*.txt"))]
    texts = [p.read_bytes() for p in statements + copies]

    for data in texts:
        for target in ("decode", "canonicalize", "verify"):
            add(target, data)
    for original, copy in vectors:
        for text in (original, copy):
            add("canonicalize", text)
            add("decode", text)
            add("decode", b"\xef\xbb\xbf" + text.encode("utf-8"))
            add("decode", b"\xff\xfe" + text.encode("utf-16-le"))
            add("decode", text.encode("gb18030"))
            add("verify", text)
        add("diff", original + "\0" + copy)
    for copy in copies:
        for statement in statements:
            add("diff", statement.read_text(encoding="utf-8") + "\0" + copy.read_text(
                encoding="utf-8", errors="replace"))
    for manifest in sorted((ROOT / "manifests").rglob("*.json")):
        add("manifest_parse", manifest.read_bytes())
    for key in sorted((ROOT / "keys").glob("*.pub")):
        add("key_parse", key.read_bytes())
    for target in TARGETS:
        for path in sorted((ROOT / "tests" / "fuzz-regressions" / target).glob("*")):
            if path.is_file():
                add(target, path.read_bytes())
    for target in TARGETS:
        print(f"{target}: {len(list((CORPUS / target).iterdir()))} inputs in {CORPUS / target}")


if __name__ == "__main__":
    main()
