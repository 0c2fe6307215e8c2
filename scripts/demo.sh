#!/usr/bin/env bash
# The demo: a local carrier network, ~50 orders of a shop across 14 carriers imported into a fresh
# database, and tracking sweeps while the simulated clock moves on five days. Time moves only when
# told (--now for Parcelwatch, /_sim/advance for the simulator): nothing sleeps.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/debug
DEMO=.demo
rm -rf "$DEMO" && mkdir -p "$DEMO"
START="${PARCELWATCH_NOW:-2026-11-20T12:00:00Z}"
export PARCELWATCH_DB="$DEMO/parcelwatch.sqlite"
export PARCELWATCH_CARRIERS=carriers
export PARCELWATCH_ACTOR=demo
# Every fetch stays on this machine: any other address is refused before a packet is sent.
export PARCELWATCH_LOOPBACK_ONLY=1
export PARCELWATCH_CONFIG="$DEMO/parcelwatch.yaml"
export SHOP_WEBHOOK_SECRET=sim-webhook-secret
# The shop has carrier contracts: every official source gets the credentials the simulator accepts
# (`carrier-sim --print-credentials`), so the demo reads parcels through the carriers' merchant APIs,
# with OAuth tokens, API keys and WS-Security, exactly as a shop with real credentials would.
eval "$("$BIN/carrier-sim" --carriers carriers --print-credentials)"
unset PARCELWATCH_NOW

"$BIN/carrier-sim" --port 0 --start "$START" --script demo/sim-parcels.json > "$DEMO/sim.log" 2>&1 &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$DEMO/sim.log" 2>/dev/null && break
  sleep 0.1
done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$DEMO/sim.log" | head -n1)
[ -n "$URL" ] || { echo "carrier-sim did not start:"; cat "$DEMO/sim.log"; exit 1; }
at() { date -u -d "${START/T/ } + $1 hours" +%Y-%m-%dT%H:%M:%SZ; }
# The demo shop's settings, with the simulator standing in for the shop's backend (refunds, reships).
{ cat demo/parcelwatch.yaml
  printf 'workflows:\n  webhook: { url: "%s/_sim/webhook", secret_env: SHOP_WEBHOOK_SECRET }\n' "$URL"
  cat <<'YAML'
  rules:
    # A small shop: damaged or lost parcels under these values are replaced (or refunded when out of stock) at once.
    - kinds: [lost, damaged, damagedOrLost]
      auto_below: { PLN: 1000, EUR: 250, USD: 300, GBP: 200, CAD: 400 }
      reshippable: reship
      otherwise: refund
    - { kinds: [notDispatched, returnedToSender], propose: refund }
YAML
} > "$PARCELWATCH_CONFIG"
echo "==> carrier simulator at $URL, clock at $START"

echo; echo "==> carriers Parcelwatch knows"
"$BIN/parcelwatch" carriers list

echo; echo "==> which carrier does RR123456785PL belong to?"
"$BIN/parcelwatch" detect RR123456785PL || true

echo; echo "==> importing the shop's orders (demo/orders.csv) into $PARCELWATCH_DB"
"$BIN/parcelwatch" import demo/orders.csv --now "$START"
echo "==> importing the same file again changes nothing"
"$BIN/parcelwatch" import demo/orders.csv --now "$START"

echo; echo "==> a file with mistakes: every bad row is named, the good ones imported"
cat > "$DEMO/late-orders.csv" <<'CSV'
order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number
PW-2001,"Kowalska, Ewa",ewa.kowalska@example.com,+48601000111,pl,30-001,89.00,PLN,2026-11-26,2026-11-19T09:12:00+01:00,poczta-polska,RR123456784PL
PW-2002,Lucía Romero,lucia@example.es,,es,41001,45.00,EUR,2026-11-31,2026-11-19T10:00:00+01:00,,
PW-2003,Tomas Petraitis,tomas@example.lt,,lt,LT-44001,30.00,EUR,2026-11-27,2026-11-19T11:00:00+02:00,dhl-lt,123456
PW-2004,Emma Brown,emma@example.org,+447700900123,en,SW1A 1AA,25.00,GBP,2026-11-27,2026-11-19T12:00:00Z,,
CSV
"$BIN/parcelwatch" import "$DEMO/late-orders.csv" --now "$START"

echo; echo "==> the shop's staff: new incidents go round-robin to them"
"$BIN/parcelwatch" staff add anna --display-name "Anna Kowalczyk" --email anna@shop.example --now "$START"
"$BIN/parcelwatch" staff add marek --display-name "Marek Wiśniewski" --email marek@shop.example --as anna --now "$START"
"$BIN/parcelwatch" staff add lucia --display-name "Lucía Fernández" --email lucia@shop.example --as anna --now "$START"
# Console passwords for the served demo (make serve-demo); standard input keeps them off the command line.
printf '%s\n' "demo-anna-2026" | "$BIN/parcelwatch" staff passwd anna --as anna --now "$START"
printf '%s\n' "demo-lucia-2026" | "$BIN/parcelwatch" staff passwd lucia --as anna --now "$START"

previous=0
for hours in 0 12 30 54 100; do
  curl -fsS -X POST "$URL/_sim/advance?hours=$((hours - previous))" > /dev/null
  previous=$hours
  echo; echo "==> sweep at +${hours} h"
  "$BIN/parcelwatch" sweep --now "$(at "$hours")" --carrier-endpoint "$URL"
done

echo; echo "==> shipments after five days"
"$BIN/parcelwatch" shipments

echo; echo "==> the ones that went wrong"
"$BIN/parcelwatch" shipments --status exception --status returned --status returning --status attemptFailed

END="$(at 100)"
echo; echo "==> the incident queue at +100 h, most urgent deadline first (! = a deadline has passed)"
"$BIN/parcelwatch" incidents --now "$END"

SEUR_CASE=$("$BIN/parcelwatch" incidents --kind damagedOrLost --carrier seur --json --now "$END" | sed -n 's/^ *"id" : \([0-9]*\).*/\1/p' | head -n1)
if [ -n "$SEUR_CASE" ]; then
  echo; echo "==> Lucía takes the SEUR \"damaged or lost\" desk and notes the call to the depot"
  # Round-robin may already have given it to her: assigning a case to its owner changes nothing
  # and says so (an error), so the demo asks only when it is someone else's.
  OWNER=$("$BIN/parcelwatch" incident show "$SEUR_CASE" --json --now "$END" | sed -n 's/^ *"owner" : "\([^"]*\)".*/\1/p' | head -n1)
  if [ "$OWNER" = "lucia" ]; then
    echo "incident $SEUR_CASE is already Lucía's (round-robin)"
  else
    "$BIN/parcelwatch" incident assign "$SEUR_CASE" --to lucia --as anna --now "$END"
  fi
  "$BIN/parcelwatch" incident note "$SEUR_CASE" "Called SEUR Madrid depot: parcel confirmed damaged, claim opened" --as lucia --now "$END"
  echo; echo "==> incident $SEUR_CASE: the carrier's events beside the case history"
  "$BIN/parcelwatch" incident show "$SEUR_CASE" --now "$END"
fi

echo; echo "==> what the shop's backend carried out (each Idempotency-Key once)"
curl -fsS "$URL/_sim/webhook" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    extra = " → replacement %s %s" % (e["reply"]["carrier"], e["reply"]["trackingNumber"]) if "trackingNumber" in e["reply"] else ""
    print("  %-8s incident %-3s key %s (%d request(s))%s" % (e["action"], e["incidentId"], e["key"], e["requests"], extra))'

echo; echo "==> customer notices delivered as .eml files in $DEMO/outbox (every language of the orders)"
"$BIN/parcelwatch" notices --sent --limit 8
SEUR_NOTICE=$(ls "$DEMO"/outbox/*-damagedOrLost-es.eml 2>/dev/null | head -n1 || true)
if [ -n "$SEUR_NOTICE" ]; then
  echo; echo "==> the Spanish notice about the SEUR desk ($SEUR_NOTICE), decoded"
  python3 - "$SEUR_NOTICE" <<'PY'
import sys
from email import policy
from email.parser import BytesParser
message = BytesParser(policy=policy.default).parse(open(sys.argv[1], "rb"))
print(f"To: {message['To']}\nSubject: {message['Subject']}\n")
print(message.get_content())
PY
fi

echo; echo "==> the shop's past deliveries (generated: 5,000 parcels over 120 days) teach the lane model"
"$BIN/carrier-sim" history --parcels 5000 --days 120 --seed 42 --end "${END%%T*}" --out "$DEMO/history.jsonl"
"$BIN/parcelwatch" lanes import "$DEMO/history.jsonl" --now "$END"
"$BIN/parcelwatch" lanes --level carrier --now "$END"
echo; echo "==> how good would those estimates have been? replayed in time order, each parcel from what came before it"
"$BIN/parcelwatch" lanes backtest --now "$END"

echo; echo "==> the customer asks: track with the postcode, in Spanish (damaged or lost: what the shop does, and no delivery day)"
"$BIN/parcelwatch" track 08215690051372 --postcode 28045 --now "$END" || true
echo; echo "==> a Polish customer whose Poczta Polska parcel is still coming: the estimate and where it comes from"
"$BIN/parcelwatch" track 00159007731274183066 --postcode 85-009 --now "$END" || true

echo; echo "==> a customer writes in: find everything by e-mail"
"$BIN/parcelwatch" find "$(sed -n '2p' demo/orders.csv | cut -d, -f3)" --now "$END" || true

echo; echo "==> the audit trail (newest first)"
"$BIN/parcelwatch" audit --limit 8

echo; echo "==> one line per order: its parcels, the messages the customer got, its cases and what the shop did"
"$BIN/parcelwatch" orders --now "$END"

echo "$END" > "$DEMO/now"
echo; echo "demo finished: database $PARCELWATCH_DB (inspect it with: PARCELWATCH_DB=$PARCELWATCH_DB $BIN/parcelwatch shipments), simulator log $DEMO/sim.log"
echo
echo "Serve the demo database to a browser with:  make serve-demo"
echo "  customer page for the SEUR parcel:  http://127.0.0.1:8080/track?number=08215690051372&postcode=28045"
echo "  staff console:                      http://127.0.0.1:8080/staff  (sign in as anna / demo-anna-2026)"
