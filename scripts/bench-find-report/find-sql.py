#!/usr/bin/env python3
"""Times issue 17's find statements (Store.exactStatement / Store.nameStatement, SQLite) and,
with --old, main 7a901b1's single statement, in-process: median wall time of N runs per query.
Usage: find-sql.py DB [--old] [N]"""
import sqlite3, statistics, sys, time, unicodedata

path = sys.argv[1]
old = "--old" in sys.argv
runs = int(next((a for a in sys.argv[2:] if a.isdigit()), "20"))
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
unmarked = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"}
def fold(text):  # NameSearchKey.fold
    return "".join(unmarked.get(c, c) for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) not in ("Mn", "Me", "Mc"))

def new(query):
    q = query.strip()
    number = "".join(c for c in q.upper() if not c.isspace() and c != "-")
    phone = "".join(c for c in q if c.isdigit() or c == "+")
    probes = """SELECT id FROM orders WHERE id = ? UNION ALL SELECT id FROM orders WHERE lower(email) = lower(?)
        UNION ALL SELECT order_id FROM shipments WHERE tracking_number = ?"""
    args = [q, q, number]
    if phone:
        probes += " UNION ALL SELECT id FROM orders WHERE phone = ?"
        args.append(phone)
    found = {r[0]: r for r in db.execute(f"SELECT o.* FROM orders o WHERE o.id IN ({probes}) ORDER BY o.id LIMIT 50", args)}
    name = fold(q)
    if len(name) >= 3:
        for r in db.execute("""SELECT o.* FROM orders o WHERE o.id IN (SELECT n.order_id FROM order_search n WHERE n.id IN
                (SELECT rowid FROM order_search_fts WHERE order_search_fts MATCH ?)) ORDER BY o.id LIMIT 50""", ['"' + name.replace('"', '""') + '"']):
            found[r[0]] = r
    return sorted(found, key=lambda i: i.encode())[:50]

def legacy(query):
    q = query.strip()
    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    number = "".join(c for c in q.upper() if not c.isspace() and c != "-")
    phone = "".join(c for c in q if c.isdigit() or c == "+")
    return [r[0] for r in db.execute("""SELECT DISTINCT o.* FROM orders o LEFT JOIN shipments s ON s.order_id = o.id
        WHERE o.id = ? OR lower(o.email) = lower(?) OR lower(o.customer_name) LIKE lower(?) ESCAPE '\\' OR (? <> '' AND o.phone = ?)
           OR s.tracking_number = ? ORDER BY o.id LIMIT 50""", [q, q, like, phone, phone, number])]

for query in ["PW-0950000", "9 0000000950000", "C950000@Example.com", "+48 600 950 000", "Wiśniewska", "wisniewska", "nobody", "ka"]:
    run = legacy if old else new
    times = []
    for _ in range(runs):
        start = time.perf_counter(); ids = run(query); times.append(time.perf_counter() - start)
    print(f"{'old' if old else 'new'} {query!r}: median {statistics.median(times) * 1000:.2f} ms, min {min(times) * 1000:.2f} ms; {len(ids)} orders, first {ids[:2]}")
