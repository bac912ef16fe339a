#!/usr/bin/env python3
"""Upgrade the manifest vectors from attest-manifest/1 + attest-canon/1 to attest-manifest/2 +
attest-canon/2 (docs/SPEC.md §0.1): add `canonical.separators` (§2.10) and re-sign, independently
of attest (Python's json for JCS, hashlib, and `cryptography`'s Ed25519 with the RFC 8032 keys).

The known-answer statements are paragraphs of one line each, so their separators follow from
SPEC §2.10 directly: each paragraph break is a soft line break when the paragraph before it ends
with separating punctuation (all of them do), at the position that counts the token characters
before it (`separators_of_one_line_paragraphs`). The other vectors' statements are not in the files,
and their separators lists are empty. `tests/formats.rs` re-signs the known-answer statements with
attest and checks that it gives the same manifest byte for byte, which pins both.

Every manifest also gets the member `cosigners` (SPEC §3.5), null: the vectors are ordinary
manifests. The joint-statement vectors (`*-joint-*`, `*-cosigner*`) carry their own list, which is
kept; `signature-manifest-joint-*` vectors are signed by TEST 1 and co-signed by TEST 2.

Run once from the repository root: python3 tests/vectors/formats/tools/upgrade-manifests-to-v2.py
"""
import base64
import glob
import hashlib
import json
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

TEST1 = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
TEST2 = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
LABEL = b"attest/v1 manifest"


def jcs(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload(manifest):
    body = {k: v for k, v in manifest.items() if k != "signatures"}
    return LABEL + b"\x00" + jcs(body).encode("utf-8")


SEPARATING = set(".,;:!?…。，、；：！？．｡､")
CLOSING = set("\"'»›」』)]）］】〕》〉〗〙〛｣")


def separators_of_one_line_paragraphs(statement):
    paragraphs = [p for p in statement.split("\n\n") if p.strip()]
    assert all("\n" not in p.strip() for p in paragraphs), "one line per paragraph"
    hard, soft, tokens = [], [], 0
    for p in paragraphs[:-1]:
        text = p.strip()
        assert all(not ch.isspace() or ch == " " for ch in text)
        tokens += sum(1 for ch in text if not ch.isspace())
        last = text.rstrip("".join(CLOSING))[-1:]
        (soft if last in SEPARATING else hard).append(tokens)
    return {"hard_line_breaks": hard, "hard_spaces": [], "soft_line_breaks": soft, "soft_spaces": []}


def add_separators(text, name):
    if "unknown-format-version" not in name:
        text = text.replace('"format": "attest-manifest/1"', '"format": "attest-manifest/2"')
    if "unknown-canonicalization" in name:
        text = text.replace('"version": "attest-canon/2"', '"version": "attest-canon/3"')
    else:
        text = text.replace('"version": "attest-canon/1"', '"version": "attest-canon/2"')
    # An earlier draft of the member (re-run): drop it, then add the current one.
    text = re.sub(r',\n *"separators": \{.*?\n *\}(?=\n *\})', "", text, flags=re.S)
    m = re.search(r'\n( *)"layout": \{.*?\n\1\}', text, re.S)
    if not m:
        return text
    ind = m.group(1)
    sep = (f',\n{ind}"separators": {{\n{ind}  "hard_line_breaks": [],\n{ind}  "hard_spaces": [],\n'
           f'{ind}  "soft_line_breaks": [],\n{ind}  "soft_spaces": []\n{ind}}}')
    return text[:m.end()] + sep + text[m.end():]


def add_cosigners(text):
    """Insert `"cosigners": null` after the top-level `canonical` object, unless present."""
    if '"cosigners"' in text:
        return text
    m = re.search(r'\n( *)"canonical": \{.*?\n\1\}', text, re.S)
    if not m:
        return text
    return text[:m.end()] + f',\n{m.group(1)}"cosigners": null' + text[m.end():]


def sections(text):
    """(header, [(name, body)]), bodies without their final LF."""
    parts = re.split(r"^--- (\S+)\n", text, flags=re.M)
    header = parts[0]
    out = []
    for i in range(1, len(parts), 2):
        body = parts[i + 1]
        out.append((parts[i], body[:-1] if body.endswith("\n") else body))
    return header, out


def join(header, secs):
    return header + "".join(f"--- {n}\n{b}\n" for n, b in secs)


def sign_entry(manifest, key, flip=False, signed=None):
    sig = key.sign(payload(signed or manifest))
    if flip:
        sig = bytes([sig[0] ^ 1]) + sig[1:]
    manifest["signatures"][0]["signature"] = base64.b64encode(sig).decode()


for path in sorted(glob.glob("tests/vectors/formats/*.txt")):
    name = path.rsplit("/", 1)[1]
    text = open(path, encoding="utf-8").read()
    if "format-1-from-attest-0.1" in name or "without-separators" in name or ('"canonical"' not in text):
        continue
    header, secs = sections(text)
    secs = [(n, add_cosigners(add_separators(b, name)) if n in ("input", "manifest") else b)
            for n, b in secs]
    resign = name.startswith(("kat-manifest", "accept-manifest", "signature-"))
    if resign:
        i = [n for n, _ in secs].index("manifest" if name.startswith("kat") else "input")
        manifest = json.loads(secs[i][1])
        if name.startswith("kat"):
            statement = dict(secs)["statement"]
            manifest["canonical"]["separators"] = separators_of_one_line_paragraphs(statement)
        if "by-a-different-key" in name or "not-in-trust-store" in name:
            sign_entry(manifest, TEST2)
        elif "one-bit-flipped" in name:
            sign_entry(manifest, TEST1, flip=True)
        elif "title-edited" in name:
            before = json.loads(json.dumps(manifest))
            before["statement"]["title"] = before["statement"]["title"] + " (draft)"
            sign_entry(manifest, TEST1, signed=before)
        else:
            sign_entry(manifest, TEST1)
        if "joint" in name and len(manifest["signatures"]) > 1:
            # The co-signature by TEST 2, over the same payload.
            sig = TEST2.sign(payload(manifest))
            manifest["signatures"][1]["signature"] = base64.b64encode(sig).decode()
        secs[i] = (secs[i][0], json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        if name.startswith("kat"):
            p = payload(manifest)
            header = re.sub(r"^digest: .*$", "digest: sha256:" + hashlib.sha256(p).hexdigest(),
                            header, flags=re.M)
            header = re.sub(r"^signature: .*$", "signature: " + manifest["signatures"][0]["signature"],
                            header, flags=re.M)
            secs = [(n, p[len(LABEL) + 1:].decode() if n == "payload" else b) for n, b in secs]
    open(path, "w", encoding="utf-8").write(join(header, secs))
    print("upgraded", name)
