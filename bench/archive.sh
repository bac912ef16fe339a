#!/usr/bin/env bash
# Archive-scale timings: `verify` against a 10,000-manifest archive (an exact copy, a copy with one
# digit changed, and unrelated text), `audit` of a 100,000-manifest archive, and `sign` of one more
# statement into the 100,000-manifest archive (as issuer 0, whose chain holds 10,000 manifests). The archives are
# synthetic (bench/make_archive.rs: ten fictional issuers, short bilingual statements) and are made
# once under ${BENCH_DIR:-/tmp/attest-bench}. Uses hyperfine when installed (apt-get install
# hyperfine), else GNU time.
#
#     bash bench/archive.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/attest-bench}
cargo build --release --quiet --bin attest --example make-archive
attest=$PWD/target/release/attest
[[ -d $dir/a10k ]] || target/release/examples/make-archive "$dir/a10k" 10000
[[ -d $dir/a100k ]] || target/release/examples/make-archive "$dir/a100k" 100000

copy=$dir/exact.txt
printf 'Statement 4321 of the Lantern Lawyers Group 1.\n\nWe call on the authorities to release lawyer number 4321 and to allow visits by family and counsel.\n\n我们要求立即释放第4321号律师。\n\nContact: +852 5550 4321\n' >"$copy"
sed 's/4321 and/4312 and/' "$copy" >"$dir/modified.txt"
echo "A note that nobody signed, about the weather in the harbour." >"$dir/unknown.txt"

v="verify --keys $dir/a10k/keys --archive $dir/a10k/manifests"
a="audit $dir/a100k/manifests --keys $dir/a100k/keys"
if command -v hyperfine >/dev/null; then
    hyperfine -N -i --warmup 1 \
        "$attest $v $dir/exact.txt" "$attest $v $dir/modified.txt" "$attest $v $dir/unknown.txt"
    hyperfine -N -i --runs 3 "$attest $a"
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
