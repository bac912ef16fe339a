#!/usr/bin/env bash
# Archive-scale timings: `verify` against a 10,000-manifest archive (an exact copy, a copy with one
# digit changed, and unrelated text), `audit` of a 100,000-manifest archive, and `sign` of one more
# statement into the 100,000-manifest archive (as issuer 0, whose chain holds 10,000 manifests). The archives are
# synthetic (bench/make_archive.rs: ten fictional issuers, short bilingual statements) and are made
# once under ${BENCH_DIR:-/tmp/attest-bench}. Also times `attest hash` of a 64 MiB bilingual
# file against `openssl dgst -sha256` of it. Uses hyperfine when installed (apt-get install
# hyperfine), else GNU time.
#
#     bash bench/archive.sh
#
# Side by side with an earlier build (the same commands, in one hyperfine run, so the machine's
# load falls on both alike):
#
#     git worktree add /tmp/attest-main main && (cd /tmp/attest-main && cargo build --release)
#     ATTEST_BEFORE=/tmp/attest-main/target/release/attest bash bench/archive.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/attest-bench}
cargo build --release --quiet --bin attest --example make-archive
attest=$PWD/target/release/attest
for n in 10k:10000 100k:100000; do
    a=$dir/a${n%%:*}
    # An archive made by an older attest (another manifest format) would time error paths.
    if [[ -d $a ]] && ! grep -rqs --include='*.json' -m1 '"attest-manifest/2"' "$a/manifests/lantern-lawyers-group-0"; then
        echo "$a was made by another attest version (not attest-manifest/2): remove it, or set BENCH_DIR" >&2
        exit 2
    fi
    [[ -d $a ]] || target/release/examples/make-archive "$a" "${n#*:}"
done

copy=$dir/exact.txt
printf 'Statement 4321 of the Lantern Lawyers Group 1.\n\nWe call on the authorities to release lawyer number 4321 and to allow visits by family and counsel.\n\n我们要求立即释放第4321号律师。\n\nContact: +852 5550 4321\n' >"$copy"
sed 's/4321 and/4312 and/' "$copy" >"$dir/modified.txt"
echo "A note that nobody signed, about the weather in the harbour." >"$dir/unknown.txt"

# A 64 MiB bilingual letter (English and Chinese paragraphs) for `hash`.
if [[ ! -f $dir/bilingual-64m.txt ]]; then
    python3 - "$dir/bilingual-64m.txt" <<'PY'
import sys
en = "We call on the authorities to release lawyer number {n} and to allow visits by family and counsel. "
zh = "我们要求立即释放第{n}号律师，并允许家属和律师探视。"
parts, size, n = [], 0, 0
while size < 64 * 1024 * 1024 - 4096:
    n += 1
    p = (en.format(n=n) * 3).strip() + "\n" + zh.format(n=n) * 2 + "\n\n"
    parts.append(p)
    size += len(p.encode())
open(sys.argv[1], "wb").write("".join(parts).encode())
PY
fi

v="verify --keys $dir/a10k/keys --archive $dir/a10k/manifests"
a="audit $dir/a100k/manifests --keys $dir/a100k/keys"
before=${ATTEST_BEFORE:-}
# Each command for the binary under test, and for ATTEST_BEFORE when given.
both() {
    if [[ -n $before ]]; then
        printf '%s\n' -n "before $1" "$before $2" -n "after $1" "$attest $2"
    else
        printf '%s\n' -n "$1" "$attest $2"
    fi
}
if command -v hyperfine >/dev/null; then
    mapfile -t cmds < <(both "verify exact" "$v $dir/exact.txt"; both "verify modified" "$v $dir/modified.txt"; both "verify unknown" "$v $dir/unknown.txt")
    hyperfine -N -i --warmup 1 "${cmds[@]}"
    mapfile -t cmds < <(both audit "$a")
    hyperfine -N -i --runs 5 "${cmds[@]}"
    mapfile -t cmds < <(both "hash 64 MiB" "hash $dir/bilingual-64m.txt")
    hyperfine -N --warmup 1 --runs 10 "${cmds[@]}" -n "openssl dgst -sha256" "openssl dgst -sha256 $dir/bilingual-64m.txt"
    for b in $before $attest; do
        /usr/bin/time -f "$b audit: %e s wall, %U s user, %M KiB peak" "$b" $a >/dev/null || true
        /usr/bin/time -f "$b hash: %e s wall, %U s user, %S s sys, %M KiB peak" "$b" hash "$dir/bilingual-64m.txt" >/dev/null
    done
    /usr/bin/time -f "openssl dgst -sha256: %e s wall, %U s user, %S s sys, %M KiB peak" openssl dgst -sha256 "$dir/bilingual-64m.txt" >/dev/null
else
    for f in exact modified unknown; do
        /usr/bin/time -f "verify $f (10k archive): %e s, %M KiB" "$attest" $v "$dir/$f.txt" >/dev/null || true
    done
    /usr/bin/time -f "audit (100k archive): %e s, %M KiB, %P CPU" "$attest" $a >/dev/null
fi

# sign: each run's manifest is removed again, so every run signs seq 10,001 of issuer 0.
printf 'A statement of the Lantern Lawyers Group 0, signed for the benchmark.\n' >"$dir/sign.txt"
s="sign $dir/sign.txt --key $dir/a100k/secret/issuer-0.key --archive $dir/a100k/manifests --keys $dir/a100k/keys --date 2026-11-29"
if [[ ! -f $dir/a100k/secret/issuer-0.key ]]; then
    echo "sign: $dir/a100k was made without secret keys; remove it to make it again" >&2
    exit 1
fi
# sign refuses a secret key others can read, and remembers what each key signed: the removed
# manifest is signed again on purpose (--fork-from-archive), in a state directory of its own.
chmod 600 "$dir"/a100k/secret/*.key
export ATTEST_STATE_DIR="$dir/state"
s="$s --fork-from-archive"
for _ in 1 2 3; do
    /usr/bin/time -f "sign (100k archive): %e s, %M KiB" "$attest" $s 2>"$dir/sign.err" >"$dir/signed-path"
    grep -v 'is not encrypted' "$dir/sign.err" || true
    rm -f "$(cat "$dir/signed-path")"
done
