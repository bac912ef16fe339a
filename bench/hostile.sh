#!/usr/bin/env bash
# Bounded cost on hostile input (issue 6, item 9): time and peak memory of `attest verify` (release
# build) on hostile copies of 4 MiB and 64 MiB (the input cap), against the shipped archive
# (`--keys keys --archive manifests`) and against a small synthetic archive; and of `verify` and
# `audit` on an archive holding a 250 MB junk JSON file, and of `verify` against six untrusted
# look-alike statements that differ from the copy in 100,000 places each. The goal: every run under 5 s and under
# 600 MB of peak RSS on the 2-core development machine. Inputs are made once under
# ${BENCH_DIR:-/tmp/attest-hostile} by bench/make_hostile.rs (a fixed pseudo-random sequence).
#
#     bash bench/hostile.sh            # everything
#     SIZES=4194304 bash bench/hostile.sh   # only the 4 MiB copies
#     ATTEST=/path/to/attest bash bench/hostile.sh   # time another build (e.g. before a change)
#
# Each line: name, archive, exit code, wall seconds, peak RSS in MiB, and the verdict. The script
# also runs the large copies that tests/bounded.rs leaves out (it checks their verdict is never
# authentic and their report is bounded) and fails if one is authentic or its report unbounded.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/attest-hostile}
sizes=${SIZES:-"4194304 67108864"}
kinds=${KINDS:-"control zwsp cjk line bidi cp1252 gb18030 newlines quoted"}
cargo build --release --quiet --bin attest --example make-hostile --example make-archive
attest=${ATTEST:-$PWD/target/release/attest}
make=$PWD/target/release/examples/make-hostile
mkdir -p "$dir"
[[ -d $dir/small ]] || target/release/examples/make-archive "$dir/small" 50 >/dev/null

for size in $sizes; do
    for kind in $kinds; do
        [[ -f $dir/$kind-$size.txt ]] || "$make" copy "$kind" "$size" "$dir/$kind-$size.txt"
    done
done
junk_size=${JUNK_BYTES:-250000000}
if [[ ! -d $dir/junk/manifests ]]; then
    mkdir -p "$dir/junk"
    cp -r manifests "$dir/junk/manifests"
    "$make" junk-json "$junk_size" "$dir/junk/manifests/zz-junk.json"
fi

# Look-alikes: six statements of 300,000 distinct words each, signed by a key nobody trusts, and a
# copy that inserts a word after every third of theirs: 100,000 changes per comparison.
if [[ ! -d $dir/lookalike/manifests ]]; then
    mkdir -p "$dir/lookalike/manifests"
    export ATTEST_STATE_DIR="$dir/state"
    "$attest" keygen --issuer "Look-alike Group" --out "$dir/lookalike/key" --unencrypted 2>/dev/null
    for i in 1 2 3 4 5 6; do
        python3 -c 'import sys; i = sys.argv[1]; print(" ".join("w%d" % n for n in range(300000)) + " v" + i)' \
            "$i" >"$dir/lookalike/statement-$i.txt"
        "$attest" sign "$dir/lookalike/statement-$i.txt" --key "$dir/lookalike/key.key" \
            --archive "$dir/lookalike/manifests" --date 2026-11-29 >/dev/null 2>&1
    done
    python3 -c 'print(" ".join("w%d" % n + " x" * (n % 3 == 2) for n in range(300000)))' \
        >"$dir/lookalike/copy.txt"
fi

failed=0
# Each run's output, errors and timing, apart from any other run of this script.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# run NAME ARCHIVE-LABEL ARGS...: one measured run of attest.
run() {
    local name=$1 label=$2
    shift 2
    local out=$scratch/out.json err=$scratch/err.txt tm=$scratch/time.txt code=0
    # A guard for the machine's sake: at most ${LIMIT_MIB:-4096} MiB of address space and
    # ${TIMEOUT:-60} s per run (a run that hits either shows a non-zero exit).
    (
        ulimit -v $((${LIMIT_MIB:-4096} * 1024))
        # time outside timeout, so that a run stopped by it still gets its figures (the peak
        # RSS that time reports covers the waited-for attest).
        exec /usr/bin/time -f "%e %M" -o "$tm" timeout "${TIMEOUT:-60}" "$attest" "$@"
    ) >"$out" 2>"$err" || code=$?
    local verdict
    verdict=$(python3 -c 'import json,sys
try:
    r = json.load(open(sys.argv[1]))
    print(r.get("verdict", "audit") + " warnings=%d suspicious=%d" % (len(r.get("warnings", r.get("problems", []))), len(r.get("suspicious", []))))
except Exception:
    print("-")' "$out")
    local secs=0 kib=0
    read -r secs kib < <(tail -n 1 "$tm") || true
    [[ $code == 124 ]] && verdict="timed out after ${TIMEOUT:-60} s"
    printf '%-24s %-9s exit %s  %6.2f s  %6d MiB  %s\n' "$name" "$label" "$code" "$secs" $((kib / 1024)) "$verdict"
    # Reports stay bounded: at most 32 suspicious characters listed, at most 12 warnings.
    if [[ $verdict =~ warnings=([0-9]+)\ suspicious=([0-9]+) ]] &&
        ((BASH_REMATCH[1] > 12 || BASH_REMATCH[2] > 32)); then
        failed=1
    fi
    # Only the genuine copy verified against the junk archive may be authentic.
    if [[ $name != junk-json-open ]]; then
        case $verdict in exact* | reformatted*) failed=1 ;; esac
    fi
}

for size in $sizes; do
    for kind in $kinds; do
        f=$dir/$kind-$size.txt
        run "$kind-$size" shipped verify "$f" --keys keys --archive manifests --json
        run "$kind-$size" small verify "$f" --keys "$dir/small/keys" --archive "$dir/small/manifests" --json
    done
done
# An authentic copy (found by digest) and a modified one (which makes verify rank the archive by
# similarity, reading every manifest's paragraphs).
for copy in open-letter-reformatted bar-exam-statement-phone-changed; do
    run "junk-json-${copy%%-*}" verify verify "examples/copies/$copy.txt" --keys keys \
        --archive "$dir/junk/manifests" --json
done
run "junk-json-archive" audit audit "$dir/junk/manifests" --keys keys --json
run "lookalike-changes" verify verify "$dir/lookalike/copy.txt" --keys keys \
    --archive "$dir/lookalike/manifests" --json
exit $failed
