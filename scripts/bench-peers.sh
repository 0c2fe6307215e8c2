#!/usr/bin/env bash
# Parcelwatch's UPS adapter beside its peer on one 5,000-event UPS Track API v1 response
# (JSON, about 1.7 MB): a python script doing the same extraction with the standard json module.
# Whole processes, timed by hyperfine; prints the means and the ratio.
# xmllint no longer applies: the UPS answer is JSON since the XML Track API was withdrawn, so
# the old "≤ 3 × xmllint" floor comparison is gone. The "≥ 5 × faster" target was set against
# the lxml peer on the XML page; it is kept for the json peer.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.build/bench
mkdir -p "$OUT"
python3 fixtures/ups/make-large.py "$OUT/ups-5000.json"
PARCELWATCH=.build/release/parcelwatch
hyperfine --warmup 3 --runs 20 --export-json "$OUT/peers.json" \
  -n python-json "python3 Benchmarks/peers/ups_json.py $OUT/ups-5000.json" \
  -n parcelwatch "$PARCELWATCH parse --carrier ups --source official --carriers carriers $OUT/ups-5000.json --json"
python3 - "$OUT/peers.json" <<'PY'
import json, sys
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
pw, py = results["parcelwatch"], results["python-json"]
print(f"parcelwatch {pw*1000:.1f} ms · python json {py*1000:.1f} ms")
print(f"python json / parcelwatch = {py/pw:.2f} (target ≥ 5)")
PY
