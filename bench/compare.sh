#!/usr/bin/env bash
# Canonical hashing against raw SHA-256 of the same bytes (PRODUCT.md: "Canonical hashing runs at
# least at half the speed of raw SHA-256 of the same bytes").
#
# Runs `cargo bench --bench canonical` (benches/canonical.rs), then prints, for each input, the
# median time and throughput of raw SHA-256, `summarize` and `canonicalize`, and their speed as a
# fraction of raw SHA-256's. Extra arguments go to criterion, e.g. for a quick run:
#
#     bench/compare.sh --warm-up-time 1 --measurement-time 3
#
# Set NO_RUN=1 to only print the table from the last run's results.
set -euo pipefail

cd "$(dirname "$0")/.."

if [[ "${NO_RUN:-0}" != 1 ]]; then
    cargo bench --bench canonical -- "$@"
fi

target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

python3 - "$target_dir/criterion" <<'PY'
import json, os, sys

root = sys.argv[1]
inputs = ["english_1mib", "chinese_1mib", "bilingual_crlf_1mib"]
functions = ["raw_sha256", "summarize", "canonicalize"]
goal = 0.5

def load(group, function):
    base = os.path.join(root, group, function, "new")
    with open(os.path.join(base, "estimates.json")) as f:
        median_ns = json.load(f)["median"]["point_estimate"]
    with open(os.path.join(base, "benchmark.json")) as f:
        size = (json.load(f).get("throughput") or {}).get("Bytes")
    return median_ns, size

print(f"{'input':<22}{'function':<14}{'median':>12}{'MiB/s':>10}{'x raw':>8}")
below = []
for group in inputs:
    try:
        results = {fn: load(group, fn) for fn in functions}
    except FileNotFoundError as e:
        print(f"{group:<22}(no results: {e.filename})")
        continue
    raw_ns = results["raw_sha256"][0]
    for fn in functions:
        ns, size = results[fn]
        mib_s = size / (1 << 20) / (ns / 1e9) if size else float("nan")
        ratio = raw_ns / ns
        print(f"{group:<22}{fn:<14}{ns / 1e6:>10.3f}ms{mib_s:>10.0f}{ratio:>8.2f}")
        if fn == "summarize" and ratio < goal:
            below.append(f"{group} ({ratio:.2f}x)")
    print()

if below:
    print(f"summarize is below the {goal}x-of-raw-SHA-256 goal on: " + ", ".join(below))
else:
    print(f"summarize meets the {goal}x-of-raw-SHA-256 goal on every input")
PY
