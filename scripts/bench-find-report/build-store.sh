#!/bin/sh
# Builds the 1M-shipment SQLite store issue 17's find/report figures were measured on, at the
# schema of main 7a901b1 (v11), so any parcelwatch binary can then migrate it:
#   scripts/bench-find-report/build-store.sh /tmp/find-bench/base.sqlite
# then, for a binary with v13: cp base.sqlite after.sqlite && parcelwatch staff list --db after.sqlite
# (any writing command migrates; the backfill indexes every name). Never inside the repository.
set -eu
db="${1:?usage: build-store.sh PATH.sqlite}"
here="$(cd "$(dirname "$0")" && pwd)"
rm -f "$db" "$db-wal" "$db-shm"
git -C "$here" show 7a901b1:Sources/ParcelStore/SQL/SQLiteSchema.swift | python3 -c '
import re, sys
s = sys.stdin.read()
print("CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);")
for m in re.finditer(r"registerMigration\(\"([^\"]+)\"\)\s*\{ db in(.*?)\n        \}", s, re.S):
    for q in re.findall(r"sql:\s*\"\"\"(.*?)\"\"\"", m.group(2), re.S): print(q.strip())
    for q in re.findall(r"sql:\s*\"([^\"]+)\"", m.group(2)): print(q.strip() + ";")
    print("INSERT INTO grdb_migrations VALUES (%r);" % m.group(1))
' | sqlite3 "$db"
sqlite3 "$db" "INSERT INTO staff (name, display_name, created_at) VALUES ('anna', 'Anna', 0)"
sqlite3 "$db" < "$here/fill.sql"
