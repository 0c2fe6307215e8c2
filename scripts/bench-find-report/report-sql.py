#!/usr/bin/env python3
"""Runs the shop report's statements, main 7a901b1's ('old') or issue 17's ('new'), exactly as
Store.Reports.report issues them (same paging, 1,000 rows a page), against a SQLite store, and
prints the wall and CPU time and the row counts read. The on-time judging done in Swift is
skipped (it is per row read, the same for both). Usage: report-sql.py old|new DB NOW_EPOCH [DAYS]"""
import sqlite3, sys, time

version, path, now = sys.argv[1], sys.argv[2], float(sys.argv[3])
days = float(sys.argv[4]) if len(sys.argv) > 4 else 30
since = now - days * 86400
today = time.strftime("%Y-%m-%d", time.gmtime(now))
promise = "COALESCE(s.promised_date, CASE WHEN s.replaces_shipment_id IS NULL THEN o.promised_date END)"
old = version == "old"
if old:
    damaged = """EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.reason IN ('damaged', 'damagedOrLost'))
        OR s.id IN (SELECT shipment_id FROM incidents WHERE shipment_id IS NOT NULL AND state <> 'dismissed'
                    AND (kind IN ('damaged', 'damagedOrLost') OR (kind = 'customerReport' AND evidence LIKE 'report:damagedOnArrival:%')))"""
    lost = """(EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.reason = 'lost')
         OR s.id IN (SELECT shipment_id FROM incidents WHERE shipment_id IS NOT NULL AND state <> 'dismissed' AND kind = 'lost'))
        AND NOT EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered')"""
    owed = """NOT EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered')
        AND o.cancelled_at IS NULL AND s.status NOT IN ('returning', 'returned')
        AND NOT EXISTS (SELECT 1 FROM actions a JOIN incidents i ON i.id = a.incident_id
                        WHERE a.state IN ('pending', 'sending', 'done')
                          AND ((a.kind = 'refund' AND i.order_id = s.order_id) OR (a.kind = 'reship' AND i.shipment_id = s.id)))"""
    source = "FROM shipments s WHERE s.created_at >= ?"
    money_from = "FROM actions a JOIN incidents i ON i.id = a.incident_id LEFT JOIN orders o ON o.id = i.order_id WHERE a.state = 'done'"
else:
    damaged = """EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.reason IN ('damaged', 'damagedOrLost'))
        OR EXISTS (SELECT 1 FROM incidents i WHERE i.shipment_id = s.id AND i.state <> 'dismissed'
                   AND (i.kind IN ('damaged', 'damagedOrLost') OR (i.kind = 'customerReport' AND i.evidence LIKE 'report:damagedOnArrival:%')))"""
    lost = """(EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.reason = 'lost')
         OR EXISTS (SELECT 1 FROM incidents i WHERE i.shipment_id = s.id AND i.state <> 'dismissed' AND i.kind = 'lost'))
        AND NOT EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered')"""
    owed = """NOT EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered')
        AND o.cancelled_at IS NULL AND s.status NOT IN ('returning', 'returned')
        AND NOT EXISTS (SELECT 1 FROM incidents i CROSS JOIN actions a
                        WHERE i.order_id = s.order_id AND a.incident_id = i.id AND a.kind = 'refund' AND a.state IN ('pending', 'sending', 'done'))
        AND NOT EXISTS (SELECT 1 FROM incidents i CROSS JOIN actions a
                        WHERE i.shipment_id = s.id AND a.incident_id = i.id AND a.kind = 'reship' AND a.state IN ('pending', 'sending', 'done'))"""
    source = "FROM shipments w CROSS JOIN shipments s WHERE w.created_at >= ? AND s.id = w.id"
    money_from = "FROM incidents i CROSS JOIN actions a LEFT JOIN orders o ON o.id = i.order_id WHERE a.incident_id = i.id AND a.state = 'done'"

db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
wall, cpu = time.perf_counter(), time.process_time()
rows = {}
rows["carriers"] = db.execute(f"""SELECT s.carrier, COUNT(*),
    SUM(CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered') THEN 1 ELSE 0 END),
    SUM(CASE WHEN {damaged} THEN 1 ELSE 0 END), SUM(CASE WHEN {lost} THEN 1 ELSE 0 END) {source} GROUP BY s.carrier""", [since]).fetchall()
if old:
    after = 0
else:
    first = db.execute("SELECT MIN(id + 0) FROM shipments WHERE created_at >= ?", [since]).fetchone()[0]
    after = (first or 1) - 1
start_after = after
judged = 0
while True:
    if old:
        page = db.execute(f"""SELECT s.id, s.carrier, {promise}, MIN(e.time)
            FROM shipments s JOIN orders o ON o.id = s.order_id JOIN events e ON e.shipment_id = s.id AND e.status = 'delivered'
            WHERE s.created_at >= ? AND s.id > ? AND {promise} IS NOT NULL
            GROUP BY s.id, s.carrier, s.promised_date, s.replaces_shipment_id, o.promised_date ORDER BY s.id LIMIT 1000""", [since, after, ]).fetchall()
    else:
        page = db.execute(f"""SELECT s.id, s.carrier, {promise},
                   (SELECT MIN(e.time) FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered')
            FROM shipments s JOIN orders o ON o.id = s.order_id
            WHERE s.created_at >= ? AND s.id > ? AND {promise} IS NOT NULL
              AND EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered')
            ORDER BY s.id LIMIT 1000""", [since, after]).fetchall()
    judged += len(page)
    if len(page) < 1000: break
    after = page[-1][0]
after, overdue = start_after, 0
while True:
    page = db.execute(f"""SELECT s.id, s.carrier, {promise} FROM shipments s JOIN orders o ON o.id = s.order_id
        WHERE s.created_at >= ? AND s.id > ? AND {promise} < ? AND {owed} ORDER BY s.id LIMIT 1000""", [since, after, today]).fetchall()
    overdue += len(page)
    if len(page) < 1000: break
    after = page[-1][0]
rows["incidents"] = db.execute("SELECT kind, COUNT(*), SUM(CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END) FROM incidents WHERE opened_at >= ? GROUP BY kind", [since]).fetchall()
notified = db.execute("SELECT COUNT(*), SUM(CASE WHEN notified_at IS NOT NULL THEN 1 ELSE 0 END) FROM incidents WHERE customer_facing = 1 AND opened_at >= ?", [since]).fetchone()
n = notified[1] or 0
median = db.execute("""SELECT notified_at - opened_at AS delay FROM incidents WHERE customer_facing = 1 AND opened_at >= ? AND notified_at IS NOT NULL
    ORDER BY delay LIMIT ? OFFSET ?""", [since, 2 - n % 2, (n - 1) // 2]).fetchall() if n else []
def breach(clock, due, met):
    return f"""EXISTS (SELECT 1 FROM escalations x WHERE x.incident_id = i.id AND x.clock = '{clock}')
        OR ({met} IS NOT NULL AND {met} > {due}) OR ({met} IS NULL AND {due} < ? AND (i.closed_at IS NULL OR i.closed_at > {due}))"""
rows["sla"] = db.execute(f"""SELECT SUM(CASE WHEN i.notice_due IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN i.notice_due IS NOT NULL AND ({breach('notice', 'i.notice_due', 'i.notified_at')}) THEN 1 ELSE 0 END),
    SUM(CASE WHEN i.first_touch_due IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN i.first_touch_due IS NOT NULL AND ({breach('firstTouch', 'i.first_touch_due', 'i.first_touched_at')}) THEN 1 ELSE 0 END),
    SUM(CASE WHEN i.resolution_due IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN i.resolution_due IS NOT NULL AND ({breach('resolution', 'i.resolution_due', 'i.closed_at')}) THEN 1 ELSE 0 END)
    FROM incidents i WHERE i.opened_at >= ?""", [now, now, now, since]).fetchall()
rows["money"] = db.execute(f"""SELECT kind, currency, COUNT(*), CAST(SUM(minor) AS BIGINT) FROM (
    SELECT a.kind AS kind, CASE WHEN a.kind = 'reship' OR a.amount_minor IS NULL THEN o.currency ELSE a.currency END AS currency,
           CASE WHEN a.kind = 'reship' OR a.amount_minor IS NULL THEN o.value_minor ELSE a.amount_minor END AS minor
    {money_from} AND a.kind IN ('refund', 'compensate', 'reship') AND i.opened_at >= ?) done_actions GROUP BY kind, currency""", [since]).fetchall()
print(f"{version}: wall {time.perf_counter() - wall:.3f} s, cpu {time.process_time() - cpu:.3f} s; "
      f"carriers {sorted(rows['carriers'])}; judged {judged}; overdue-candidates {overdue}; notice {notified} median {median}; "
      f"incidents {sorted(rows['incidents'])}; sla {rows['sla']}; money {sorted(rows['money'])}")
