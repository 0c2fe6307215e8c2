#!/usr/bin/env bash
# Instructions per parcel on a first sweep beside the simulator's instructions per page served,
# both counted by callgrind (repeatable on a shared machine, unlike a timing). Issue 17's target:
# Parcelwatch spends no more instructions checking a parcel than the simulator spends serving it.
#
# Two sweeps of SEUR parcels (its public page: HTML, five events each), of SMALL and LARGE
# parcels, each into a fresh SQLite file through a fresh simulator, both processes under
# callgrind; the difference between the two runs divided by LARGE - SMALL is the cost of one more
# parcel, with startup, schema creation and shutdown cancelled out.
#
# valgrind 3.19 cannot read the DWARF 5 that Swift 6 writes ("Possibly corrupted debuginfo
# file"), so the binaries run as copies with the debug sections stripped (symbols stay).
# Usage: scripts/bench-callgrind.sh [SMALL LARGE]  (default 200 1200; the release build first)
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${1:-200}
LARGE=${2:-1200}
START=2026-11-20T12:00:00Z
BUILD=${BUILD:-release}  # debug only to try the script out: its counts mean nothing
OUT=.build/bench/callgrind
rm -rf "$OUT" && mkdir -p "$OUT"
for tool in parcelwatch carrier-sim; do
  [ -x ".build/$BUILD/$tool" ] || { echo "build first: swift build -c release --static-swift-stdlib"; exit 2; }
  objcopy --strip-debug ".build/$BUILD/$tool" "$OUT/$tool"
done

# Instructions one process ran, from its callgrind output.
total() { sed -n 's/^summary: //p' "$1"; }

run() {
  local count=$1 dir="$OUT/$1"
  mkdir -p "$dir"
  python3 - "$count" "$dir" <<'PY'
import json, sys
count, directory = int(sys.argv[1]), sys.argv[2]
numbers = [f"9{index:013d}" for index in range(count)]
json.dump([{"carrier": "seur", "number": n, "timeline": [{"afterHours": 0, "fixture": "in-transit"}]} for n in numbers],
          open(f"{directory}/parcels.json", "w"))
with open(f"{directory}/orders.csv", "w") as csv:
    csv.write("order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number,reshippable\n")
    for index, number in enumerate(numbers):
        csv.write(f"C{index},Callgrind {index},c{index}@example.es,,es,28001,20.00,EUR,2027-06-30,2026-11-20T08:00:00Z,seur,{number},true\n")
PY
  valgrind --tool=callgrind --callgrind-out-file="$dir/sim.out" "$OUT/carrier-sim" --port 0 --start "$START" \
    --script "$dir/parcels.json" > "$dir/sim.log" 2>&1 &
  local sim=$!
  local url=""
  for _ in $(seq 1 600); do
    url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$dir/sim.log" 2>/dev/null | head -n1 || true)
    [ -n "$url" ] && break
    sleep 0.2
  done
  [ -n "$url" ] || { echo "carrier-sim did not start:"; cat "$dir/sim.log"; kill $sim; exit 1; }
  "$OUT/parcelwatch" import "$dir/orders.csv" --db "$dir/p.sqlite" --now "$START" > /dev/null
  valgrind --tool=callgrind --callgrind-out-file="$dir/sweep.out" "$OUT/parcelwatch" sweep --db "$dir/p.sqlite" \
    --now "$START" --carrier-endpoint "$url" --carrier-rate 1000000 --carrier-concurrency 16 --json > "$dir/sweep.json" 2> "$dir/sweep.log"
  kill -TERM $sim  # under valgrind the simulator does not see SIGINT; callgrind still writes its counts on TERM
  wait $sim || true
  python3 - "$dir/sweep.json" "$count" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
if summary.get("checked") != int(sys.argv[2]) or summary.get("errors"):
    sys.exit(f"the sweep did not check every parcel cleanly: {summary.get('checked')} checked, errors {summary.get('errors')}")
PY
}

run "$SMALL"
run "$LARGE"
python3 - "$SMALL" "$LARGE" "$(total "$OUT/$SMALL/sweep.out")" "$(total "$OUT/$LARGE/sweep.out")" \
  "$(total "$OUT/$SMALL/sim.out")" "$(total "$OUT/$LARGE/sim.out")" <<'PY'
import sys
small, large, sweep_small, sweep_large, sim_small, sim_large = map(int, sys.argv[1:])
per_parcel = (sweep_large - sweep_small) / (large - small)
per_page = (sim_large - sim_small) / (large - small)
print(f"parcelwatch sweep: {sweep_small:,} Ir for {small} parcels, {sweep_large:,} for {large}: {per_parcel:,.0f} Ir per parcel")
print(f"carrier-sim:       {sim_small:,} Ir for {small} pages, {sim_large:,} for {large}: {per_page:,.0f} Ir per page")
print(f"ratio: {per_parcel / per_page:.2f} (target <= 1)")
PY
echo "profiles: callgrind_annotate $OUT/$LARGE/sweep.out | head -60"
