-- Fills an empty, migrated parcelwatch store with :N orders, one parcel each, created evenly
-- over the 365 days before 2026-12-01T12:00Z (ids ascend with time, as in a real shop), with
-- carrier events, cases (10%), actions and escalations. Run: sqlite3 DB < fill.sql
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE first_names (i INTEGER PRIMARY KEY, name TEXT);
INSERT INTO first_names VALUES (0,'Anna'),(1,'Żaneta'),(2,'Łukasz'),(3,'Marek'),(4,'Jūratė'),(5,'Žygimantas'),(6,'Katarzyna'),
 (7,'Piotr'),(8,'Agnieszka'),(9,'Tomasz'),(10,'Ewa'),(11,'Jan'),(12,'Zofia'),(13,'Rūta'),(14,'Jonas'),(15,'Greta'),(16,'Lukas'),
 (17,'Jürgen'),(18,'Małgorzata'),(19,'Ąžuolas'),(20,'Juan'),(21,'María'),(22,'Søren'),(23,'Grzegorz'),(24,'Eglė'),(25,'Paweł'),(26,'Ines');
CREATE TEMP TABLE last_names (i INTEGER PRIMARY KEY, name TEXT);
INSERT INTO last_names VALUES (0,'Nowak'),(1,'Kowalski'),(2,'Wiśniewska'),(3,'Wójcik'),(4,'Kamiński'),(5,'Łęcka'),(6,'Żak'),
 (7,'Kazlauskas'),(8,'Jankauskienė'),(9,'Petrauskas'),(10,'Müller'),(11,'Schäfer'),(12,'Groß'),(13,'Krawczyk'),(14,'Zieliński'),
 (15,'Szymańska'),(16,'García'),(17,'Fernández'),(18,'Vaitkevičius'),(19,'Dąbrowski'),(20,'Lewandowska'),(21,'Mazur'),(22,'Šimkus'),
 (23,'Becker'),(24,'Kozłowski'),(25,'Stankevičiūtė'),(26,'Jørgensen'),(27,'Pietrzak'),(28,'Wróbel'),(29,'Ostrowska'),(30,'Baranauskas');
CREATE TEMP TABLE n (n INTEGER PRIMARY KEY, h INTEGER, created REAL);
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000)
INSERT INTO n SELECT n, (n * 2654435761) % 100, 1796126400.0 - 31536000.0 + n * 31.536 FROM c;
CREATE TEMP TABLE carriers (i INTEGER PRIMARY KEY, name TEXT);
INSERT INTO carriers VALUES (0,'inpost'),(1,'dpd'),(2,'seur'),(3,'dhl');

INSERT INTO orders (id, customer_name, email, phone, language, postcode, value_minor, currency, promised_date, paid_at, reshippable,
                    created_at, updated_at, cancelled_at)
SELECT printf('PW-%07d', n.n), f.name || ' ' || l.name, lower(printf('c%d@example.com', n.n)), printf('+48%09d', 600000000 + n.n),
       'pl', '00-950', 5000 + (n.n % 50) * 100, CASE WHEN n.n % 7 = 0 THEN 'EUR' ELSE 'PLN' END,
       date(n.created + 3 * 86400, 'unixepoch'), n.created, 1, n.created, n.created, CASE WHEN n.h = 89 THEN n.created + 3600 END
FROM n JOIN first_names f ON f.i = n.n % 27 JOIN last_names l ON l.i = (n.n / 27) % 31;

INSERT INTO shipments (id, order_id, carrier, tracking_number, status, reason, last_event_at, next_check_at, created_at)
SELECT n.n, printf('PW-%07d', n.n), c.name, printf('9%013d', n.n),
       CASE WHEN n.h < 85 THEN 'delivered' WHEN n.h < 95 THEN 'inTransit' WHEN n.h < 99 THEN 'exception' ELSE 'returned' END,
       CASE WHEN n.h BETWEEN 95 AND 96 THEN 'lost' WHEN n.h BETWEEN 97 AND 98 THEN 'damaged' END,
       n.created + 86400, CASE WHEN n.h >= 85 AND n.h < 99 THEN n.created + 2 * 86400 END, n.created
FROM n JOIN carriers c ON c.i = n.n % 4;

INSERT INTO events (shipment_id, fingerprint, time, offset_seconds, raw_status, status, reason, location, seen_at)
SELECT n.n, 'transit', n.created + 43200, 3600, 'In transit', 'inTransit', NULL, 'WARSZAWA', n.created + 43200 FROM n;
INSERT INTO events (shipment_id, fingerprint, time, offset_seconds, raw_status, status, reason, location, seen_at)
SELECT n.n, 'final', n.created + 86400 * (1 + n.h % 5), 3600,
       CASE WHEN n.h < 85 THEN 'Delivered' WHEN n.h < 99 THEN 'Exception' ELSE 'Returned' END,
       CASE WHEN n.h < 85 THEN 'delivered' WHEN n.h < 99 THEN 'exception' ELSE 'returned' END,
       CASE WHEN n.h BETWEEN 95 AND 96 THEN 'lost' WHEN n.h BETWEEN 97 AND 98 THEN 'damaged' END, 'WARSZAWA', n.created + 86400 * (1 + n.h % 5)
FROM n WHERE n.h < 85 OR n.h >= 95;

-- Cases for one parcel in ten: late (90-94), lost (95-96), damaged (97-98), returned (99), a customer's
-- damage report on some delivered ones (h = 3).
INSERT INTO incidents (id, kind, order_id, shipment_id, carrier, state, customer_facing, owner, priority, opened_at, updated_at, closed_at,
                       subject_key, tracking_number, summary, evidence, notice_due, first_touch_due, resolution_due, first_touched_at,
                       notified_at)
SELECT n.n, k.kind, printf('PW-%07d', n.n), n.n, c.name,
       CASE WHEN n.n % 3 = 0 THEN 'open' WHEN n.n % 10 = 1 THEN 'dismissed' ELSE 'resolved' END,
       CASE WHEN n.n % 5 = 0 THEN 0 ELSE 1 END, CASE WHEN n.n % 2 = 0 THEN 'anna' END, 0,
       n.created + 3 * 86400, n.created + 3 * 86400, CASE WHEN n.n % 3 = 0 THEN NULL ELSE n.created + 3 * 86400 + 86400 * (n.n % 7) END,
       'shipment:' || n.n, printf('9%013d', n.n), k.kind, k.evidence || n.n,
       n.created + 3 * 86400 + 7200, n.created + 3 * 86400 + 86400, n.created + 3 * 86400 + 5 * 86400,
       CASE WHEN n.n % 4 <> 0 THEN n.created + 3 * 86400 + 3600 * (n.n % 40) END,
       CASE WHEN n.n % 5 <> 0 AND n.n % 6 <> 0 THEN n.created + 3 * 86400 + 600 * (n.n % 30) END
FROM n JOIN carriers c ON c.i = n.n % 4
JOIN (SELECT 90 AS lo, 94 AS hi, 'late' AS kind, 'late:' AS evidence UNION ALL SELECT 95, 96, 'lost', 'lost:'
      UNION ALL SELECT 97, 98, 'damaged', 'damaged:' UNION ALL SELECT 99, 99, 'returnedToSender', 'returned:'
      UNION ALL SELECT 3, 3, 'customerReport', 'report:damagedOnArrival:') k ON n.h BETWEEN k.lo AND k.hi;

INSERT INTO actions (incident_id, kind, state, amount_minor, currency, idempotency_key, requested_by, created_at, completed_at)
SELECT i.id, CASE i.kind WHEN 'lost' THEN 'refund' WHEN 'damaged' THEN 'reship' ELSE 'compensate' END,
       CASE WHEN i.id % 8 = 0 THEN 'pending' ELSE 'done' END, CASE WHEN i.id % 3 = 0 THEN NULL ELSE 1500 END,
       CASE WHEN i.id % 3 = 0 THEN NULL ELSE 'PLN' END, 'incident:' || i.id || ':' || i.kind, 'anna', i.opened_at + 3600, i.opened_at + 7200
FROM incidents i WHERE i.id % 2 = 0 AND i.kind IN ('lost', 'damaged', 'customerReport', 'late');

INSERT INTO escalations (incident_id, clock, due, at, owner)
SELECT i.id, 'firstTouch', i.first_touch_due, i.first_touch_due + 60, i.owner FROM incidents i WHERE i.id % 9 = 0;
COMMIT;
