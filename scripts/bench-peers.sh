#!/usr/bin/env bash
# Parcelwatch's UPS adapter beside its peers on one 5,000-event UPS response (1.8 MB):
# xmllint --noout (libxml2 alone: the floor) and a python lxml script doing the same extraction.
# Whole processes, timed by hyperfine; prints the means and the two ratios the carriers issue sets
# (Parcelwatch ≤ 3 × xmllint, and ≥ 5 × faster than lxml).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.build/bench
mkdir -p "$OUT"
python3 fixtures/ups/make-large.py "$OUT/ups-5000.xml"
PARCELWATCH=.build/release/parcelwatch
hyperfine --warmup 3 --runs 20 --export-json "$OUT/peers.json" \
  -n xmllint "xmllint --noout $OUT/ups-5000.xml" \
  -n lxml "python3 Benchmarks/peers/ups_lxml.py $OUT/ups-5000.xml" \
  -n parcelwatch "$PARCELWATCH parse --carrier ups --carriers carriers $OUT/ups-5000.xml --json"
python3 - "$OUT/peers.json" <<'PY'
import json, sys
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
pw, xl, lx = results["parcelwatch"], results["xmllint"], results["lxml"]
print(f"parcelwatch {pw*1000:.1f} ms · xmllint {xl*1000:.1f} ms · lxml {lx*1000:.1f} ms")
print(f"parcelwatch / xmllint = {pw/xl:.2f} (target ≤ 3) · lxml / parcelwatch = {lx/pw:.2f} (target ≥ 5)")
PY
