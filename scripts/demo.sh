#!/usr/bin/env bash
# The demo: a local carrier network, parcels of several carriers moving through time, and
# Parcelwatch reading each carrier's own format into one canonical timeline.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/debug
DEMO=.demo
rm -rf "$DEMO" && mkdir -p "$DEMO"
export PARCELWATCH_NOW="${PARCELWATCH_NOW:-2026-11-20T12:00:00Z}"
export NO_COLOR="${NO_COLOR:-}"

cat > "$DEMO/parcels.json" <<'JSON'
[
  {"carrier": "seur", "number": "12345678901234", "timeline": [
     {"afterHours": 0, "fixture": "in-transit"}, {"afterHours": 48, "fixture": "damaged-or-lost"}]},
  {"carrier": "poczta-polska", "number": "RR123456785PL", "timeline": [
     {"afterHours": 0, "fixture": "in-transit"}, {"afterHours": 48, "fixture": "awizo"}]},
  {"carrier": "correos", "number": "CP482915304ES", "timeline": [
     {"afterHours": 0, "fixture": "in-transit"}, {"afterHours": 48, "fixture": "delivered"}]},
  {"carrier": "lietuvos-pastas", "number": "RR123456785LT", "timeline": [
     {"afterHours": 0, "fixture": "in-transit"}, {"afterHours": 48, "fixture": "damaged-or-lost"}]},
  {"carrier": "amazon", "number": "TBA123456789000", "timeline": [
     {"afterHours": 0, "fixture": "in-transit"}, {"afterHours": 48, "fixture": "out-for-delivery"}]}
]
JSON

"$BIN/carrier-sim" --port 0 --start "$PARCELWATCH_NOW" --script "$DEMO/parcels.json" > "$DEMO/sim.log" 2>&1 &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$DEMO/sim.log" 2>/dev/null && break
  sleep 0.1
done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$DEMO/sim.log" | head -n1)
[ -n "$URL" ] || { echo "carrier-sim did not start:"; cat "$DEMO/sim.log"; exit 1; }
echo "==> carrier simulator at $URL (clock starts at $PARCELWATCH_NOW)"

echo; echo "==> carriers Parcelwatch knows"
"$BIN/parcelwatch" carriers list

echo; echo "==> which carrier does RR123456785PL belong to?"
"$BIN/parcelwatch" detect RR123456785PL || true

track_all() {
  for entry in seur:12345678901234 poczta-polska:RR123456785PL correos:CP482915304ES lietuvos-pastas:RR123456785LT amazon:TBA123456789000; do
    carrier=${entry%%:*}; number=${entry#*:}
    echo
    "$BIN/parcelwatch" track "$number" --carrier "$carrier" --carrier-endpoint "$URL" || echo "(exit $?)"
  done
}

echo; echo "==> tracking five parcels at the start"
track_all

curl -s -X POST "$URL/_sim/advance?hours=49" > /dev/null
echo; echo "==> two days later (simulator clock advanced 49 h)"
track_all

echo; echo "==> a number the carrier does not know"
"$BIN/parcelwatch" track 99999999999999 --carrier seur --carrier-endpoint "$URL" || echo "(exit $?: unknown number)"
echo; echo "demo finished; simulator log in $DEMO/sim.log"
