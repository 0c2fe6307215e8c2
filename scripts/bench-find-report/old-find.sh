#!/bin/sh
# main 7a901b1's find statement, bound as Store.Cases.find bound it: old-find.sh QUERY DB
q="$1"
like="%$(printf '%s' "$q")%"
number=$(printf '%s' "$q" | tr 'a-z' 'A-Z' | tr -d ' -')
phone=$(printf '%s' "$q" | tr -cd '0-9+')
sqlite3 -readonly "$2" <<SQL
.parameter set ?1 '$q'
.parameter set ?2 '$like'
.parameter set ?3 '$phone'
.parameter set ?4 '$number'
SELECT count(*) FROM (SELECT DISTINCT o.* FROM orders o LEFT JOIN shipments s ON s.order_id = o.id
WHERE o.id = ?1 OR lower(o.email) = lower(?1) OR lower(o.customer_name) LIKE lower(?2) ESCAPE '\\' OR (?3 <> '' AND o.phone = ?3)
   OR s.tracking_number = ?4 ORDER BY o.id LIMIT 50);
SQL
