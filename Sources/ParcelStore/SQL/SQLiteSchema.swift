import GRDB
import ParcelCore

/// The SQLite schema as versioned migrations: a database is only ever moved forward, one named
/// step at a time, and what a step does never changes once released. `StrictStoreTests` holds
/// the tables, columns and indexes it reaches to ``PostgresSchema``'s.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-orders-shipments-events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE orders (
                        id TEXT PRIMARY KEY NOT NULL,
                        customer_name TEXT NOT NULL,
                        email TEXT NOT NULL,
                        phone TEXT,
                        language TEXT NOT NULL,
                        postcode TEXT NOT NULL,
                        value_minor INTEGER NOT NULL,
                        currency TEXT NOT NULL,
                        promised_date TEXT,
                        paid_at REAL,
                        reshippable INTEGER NOT NULL DEFAULT 1,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE INDEX orders_email ON orders(email);

                    CREATE TABLE shipments (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        order_id TEXT NOT NULL REFERENCES orders(id),
                        carrier TEXT NOT NULL,
                        tracking_number TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending',
                        reason TEXT,
                        last_event_at REAL,
                        next_check_at REAL,
                        last_checked_at REAL,
                        etag TEXT,
                        last_modified TEXT,
                        consecutive_failures INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT,
                        estimated_delivery REAL,
                        created_at REAL NOT NULL,
                        UNIQUE (carrier, tracking_number)
                    );
                    CREATE INDEX shipments_order ON shipments(order_id);
                    CREATE INDEX shipments_due ON shipments(next_check_at) WHERE next_check_at IS NOT NULL;

                    CREATE TABLE events (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        shipment_id INTEGER NOT NULL REFERENCES shipments(id),
                        fingerprint TEXT NOT NULL,
                        time REAL NOT NULL,
                        offset_seconds INTEGER NOT NULL,
                        raw_status TEXT NOT NULL,
                        raw_code TEXT,
                        status TEXT NOT NULL,
                        reason TEXT,
                        location TEXT,
                        seen_at REAL NOT NULL,
                        UNIQUE (shipment_id, fingerprint)
                    );
                    CREATE INDEX events_unmapped ON events(status) WHERE status = 'unknown';

                    CREATE TABLE carrier_health (
                        carrier TEXT PRIMARY KEY NOT NULL,
                        consecutive_failures INTEGER NOT NULL DEFAULT 0,
                        paused_until REAL,
                        format_changed INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT,
                        last_error_at REAL
                    );

                    CREATE TABLE incidents (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        order_id TEXT REFERENCES orders(id),
                        shipment_id INTEGER REFERENCES shipments(id),
                        carrier TEXT,
                        state TEXT NOT NULL DEFAULT 'open',
                        customer_facing INTEGER NOT NULL,
                        owner TEXT,
                        priority INTEGER NOT NULL DEFAULT 0,
                        opened_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        closed_at REAL,
                        subject_key TEXT NOT NULL
                    );
                    CREATE UNIQUE INDEX incidents_one_open ON incidents(subject_key, kind) WHERE closed_at IS NULL;

                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        dedupe_key TEXT NOT NULL UNIQUE,
                        channel TEXT NOT NULL,
                        recipient TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        body TEXT NOT NULL,
                        incident_id INTEGER REFERENCES incidents(id),
                        created_at REAL NOT NULL,
                        due_at REAL NOT NULL,
                        sent_at REAL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT
                    );
                    CREATE INDEX outbox_pending ON outbox(due_at) WHERE sent_at IS NULL;

                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-cases-staff-escalations") { db in
            try db.execute(
                sql: """
                    ALTER TABLE incidents ADD COLUMN tracking_number TEXT;
                    ALTER TABLE incidents ADD COLUMN summary TEXT NOT NULL DEFAULT '';
                    ALTER TABLE incidents ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
                    ALTER TABLE incidents ADD COLUMN notice_due REAL;
                    ALTER TABLE incidents ADD COLUMN first_touch_due REAL;
                    ALTER TABLE incidents ADD COLUMN resolution_due REAL;
                    ALTER TABLE incidents ADD COLUMN first_touched_at REAL;
                    CREATE INDEX incidents_subject ON incidents(subject_key, kind, evidence);
                    CREATE INDEX incidents_shipment ON incidents(shipment_id) WHERE closed_at IS NULL;

                    CREATE TABLE incident_history (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        incident_id INTEGER NOT NULL REFERENCES incidents(id),
                        at REAL NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX incident_history_incident ON incident_history(incident_id);

                    CREATE TABLE staff (
                        name TEXT PRIMARY KEY NOT NULL,
                        display_name TEXT NOT NULL,
                        active INTEGER NOT NULL DEFAULT 1,
                        created_at REAL NOT NULL
                    );

                    CREATE TABLE escalations (
                        incident_id INTEGER NOT NULL REFERENCES incidents(id),
                        clock TEXT NOT NULL,
                        due REAL NOT NULL,
                        at REAL NOT NULL,
                        owner TEXT,
                        delivered_at REAL,
                        PRIMARY KEY (incident_id, clock)
                    );
                    CREATE INDEX audit_subject ON audit_log(subject);
                    """)
        }
        migrator.registerMigration("v3-outbox-language") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
                    ALTER TABLE outbox ADD COLUMN template TEXT NOT NULL DEFAULT '';
                    """)
        }
        migrator.registerMigration("v4-actions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE actions (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        incident_id INTEGER NOT NULL REFERENCES incidents(id),
                        kind TEXT NOT NULL,
                        state TEXT NOT NULL,
                        amount_minor INTEGER,
                        currency TEXT,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        requested_by TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL,
                        lease_until REAL,
                        last_error TEXT,
                        result TEXT,
                        completed_at REAL,
                        UNIQUE (incident_id, kind)
                    );
                    CREATE INDEX actions_due ON actions(state, next_attempt_at);
                    ALTER TABLE incidents ADD COLUMN notified_at REAL;
                    """)
        }
        migrator.registerMigration("v5-follow-ups-staff-email") { db in
            try db.execute(
                sql: """
                    ALTER TABLE incidents ADD COLUMN next_update_due REAL;
                    ALTER TABLE staff ADD COLUMN email TEXT;
                    """)
        }
        migrator.registerMigration("v6-leases") { db in
            try db.execute(
                sql: """
                    ALTER TABLE shipments ADD COLUMN lease_until REAL;
                    ALTER TABLE shipments ADD COLUMN lease_owner TEXT;
                    ALTER TABLE outbox ADD COLUMN lease_until REAL;
                    CREATE INDEX incidents_order ON incidents(order_id);
                    """)
        }
        // Steps v7 to v9 once ran PostgreSQL's text (`BIGINT`, `DOUBLE PRECISION`); they now say
        // the same in SQLite's types. A database that ran the old text has the same tables,
        // columns, constraints and column affinities (`…INT…` is INTEGER, `DOUB…` is REAL), so
        // the two schemas are one; GRDB knows a step by its name only.
        migrator.registerMigration("v7-serve") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_tokens (
                        name TEXT PRIMARY KEY,
                        token_hash TEXT NOT NULL UNIQUE,
                        created_at REAL NOT NULL,
                        created_by TEXT NOT NULL,
                        last_used_at REAL,
                        revoked_at REAL
                    );
                    ALTER TABLE staff ADD COLUMN password_hash TEXT;
                    ALTER TABLE staff ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE staff ADD COLUMN locked_until REAL;
                    CREATE TABLE staff_sessions (
                        id_hash TEXT PRIMARY KEY,
                        staff TEXT NOT NULL REFERENCES staff(name),
                        csrf_token TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL,
                        last_seen_at REAL NOT NULL
                    );
                    ALTER TABLE orders ADD COLUMN cancelled_at REAL;
                    CREATE TABLE counters (
                        name TEXT NOT NULL,
                        labels TEXT NOT NULL,
                        value REAL NOT NULL,
                        PRIMARY KEY (name, labels)
                    );
                    CREATE INDEX shipments_created ON shipments(created_at);
                    CREATE INDEX incidents_opened ON incidents(opened_at);
                    """)
        }
        migrator.registerMigration("v8-carrier-sources") { db in
            try db.execute(
                sql: """
                    CREATE TABLE carrier_quota (
                        carrier TEXT NOT NULL,
                        window_key TEXT NOT NULL,
                        used INTEGER NOT NULL,
                        quota INTEGER NOT NULL,
                        PRIMARY KEY (carrier, window_key)
                    );
                    ALTER TABLE events ADD COLUMN assumed_zone TEXT;
                    """)
        }
        migrator.registerMigration("v9-one-story") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN order_id TEXT;
                    ALTER TABLE outbox ADD COLUMN superseded_at REAL;
                    ALTER TABLE outbox ADD COLUMN superseded_by INTEGER;
                    CREATE INDEX outbox_order_pending ON outbox(order_id) WHERE sent_at IS NULL;
                    ALTER TABLE shipments ADD COLUMN promised_date TEXT;
                    ALTER TABLE shipments ADD COLUMN replaces_shipment_id INTEGER;
                    """)
        }
        migrator.registerMigration("v10-email-index") { db in
            // The lookups compare `lower(email)`, as PostgreSQL's index has always been.
            try db.execute(
                sql: """
                    DROP INDEX orders_email;
                    CREATE INDEX orders_email ON orders(lower(email));
                    """)
        }
        migrator.registerMigration("v11-tracking-number-index") { db in
            // PostgreSQL's v5: a customer's lookup by number alone is an index probe.
            try db.execute(sql: "CREATE INDEX shipments_tracking_number ON shipments(tracking_number, order_id)")
        }
        migrator.registerMigration("v12-rules-due") { db in
            // The incident rules look only at what is due (PostgreSQL's v6 says the same): each
            // parcel and order keeps the instant its time rules next need a look, indexed, and any
            // change to a fact the rules read, or to the parcel's cases, marks it due at once (0) and
            // bumps its version, so a schedule computed from older facts is never written over it.
            try db.execute(
                sql: """
                    ALTER TABLE shipments ADD COLUMN rules_due REAL DEFAULT 0;
                    ALTER TABLE shipments ADD COLUMN rules_version INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE orders ADD COLUMN rules_due REAL DEFAULT 0;
                    ALTER TABLE orders ADD COLUMN rules_version INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX shipments_rules_due ON shipments(rules_due, id) WHERE rules_due IS NOT NULL;
                    CREATE INDEX orders_rules_due ON orders(rules_due, id) WHERE rules_due IS NOT NULL;
                    CREATE INDEX incidents_open ON incidents(id) WHERE closed_at IS NULL;
                    CREATE INDEX incidents_follow_up ON incidents(next_update_due) WHERE closed_at IS NULL;
                    CREATE TABLE rule_settings (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint TEXT NOT NULL);

                    CREATE TRIGGER shipments_rules_inserted AFTER INSERT ON shipments BEGIN
                        UPDATE orders SET rules_due = 0, rules_version = rules_version + 1 WHERE id = NEW.order_id;
                    END;
                    CREATE TRIGGER shipments_rules_changed
                    AFTER UPDATE OF status, reason, last_event_at, estimated_delivery, promised_date, replaces_shipment_id, order_id ON shipments
                    WHEN OLD.status IS NOT NEW.status OR OLD.reason IS NOT NEW.reason OR OLD.last_event_at IS NOT NEW.last_event_at
                        OR OLD.estimated_delivery IS NOT NEW.estimated_delivery OR OLD.promised_date IS NOT NEW.promised_date
                        OR OLD.replaces_shipment_id IS NOT NEW.replaces_shipment_id OR OLD.order_id IS NOT NEW.order_id
                    BEGIN
                        UPDATE shipments SET rules_due = 0, rules_version = rules_version + 1 WHERE id = NEW.id;
                        UPDATE orders SET rules_due = 0, rules_version = rules_version + 1 WHERE id IN (OLD.order_id, NEW.order_id);
                    END;
                    CREATE TRIGGER orders_rules_changed AFTER UPDATE OF promised_date, paid_at, cancelled_at ON orders
                    WHEN OLD.promised_date IS NOT NEW.promised_date OR OLD.paid_at IS NOT NEW.paid_at OR OLD.cancelled_at IS NOT NEW.cancelled_at
                    BEGIN
                        UPDATE orders SET rules_due = 0, rules_version = rules_version + 1 WHERE id = NEW.id;
                        UPDATE shipments SET rules_due = 0, rules_version = rules_version + 1 WHERE order_id = NEW.id;
                    END;
                    CREATE TRIGGER incidents_rules_opened AFTER INSERT ON incidents BEGIN
                        UPDATE shipments SET rules_due = 0, rules_version = rules_version + 1 WHERE id = NEW.shipment_id;
                        UPDATE orders SET rules_due = 0, rules_version = rules_version + 1 WHERE id = NEW.order_id;
                    END;
                    CREATE TRIGGER incidents_rules_closed AFTER UPDATE OF closed_at ON incidents
                    WHEN OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL
                    BEGIN
                        UPDATE shipments SET rules_due = 0, rules_version = rules_version + 1 WHERE id = NEW.shipment_id;
                        UPDATE orders SET rules_due = 0, rules_version = rules_version + 1 WHERE id = NEW.order_id;
                    END;
                    """)
        }
        migrator.registerMigration("v13-find-indexes") { db in
            // `find`'s exact probes each meet an index (the phone's was missing); names are
            // searched folded (``NameSearchKey``) in `order_search`, whose trigram index answers
            // substrings. FTS5 keeps the index in step with the table through the triggers.
            // The report reaches a parcel's cases, open or closed, by `incidents_by_shipment`, and
            // answers "delivered when, damaged, lost" from `events_shipment_status` alone.
            try db.execute(
                sql: """
                    CREATE INDEX orders_phone ON orders(phone);
                    CREATE INDEX incidents_by_shipment ON incidents(shipment_id);
                    CREATE INDEX events_shipment_status ON events(shipment_id, status, reason, time);
                    CREATE TABLE order_search (
                        id INTEGER PRIMARY KEY,
                        order_id TEXT NOT NULL UNIQUE REFERENCES orders(id),
                        name TEXT NOT NULL
                    );
                    CREATE VIRTUAL TABLE order_search_fts USING fts5(
                        name, content='order_search', content_rowid='id', tokenize='trigram case_sensitive 1');
                    CREATE TRIGGER order_search_inserted AFTER INSERT ON order_search BEGIN
                        INSERT INTO order_search_fts (rowid, name) VALUES (new.id, new.name);
                    END;
                    CREATE TRIGGER order_search_deleted AFTER DELETE ON order_search BEGIN
                        INSERT INTO order_search_fts (order_search_fts, rowid, name) VALUES ('delete', old.id, old.name);
                    END;
                    CREATE TRIGGER order_search_updated AFTER UPDATE ON order_search BEGIN
                        INSERT INTO order_search_fts (order_search_fts, rowid, name) VALUES ('delete', old.id, old.name);
                        INSERT INTO order_search_fts (rowid, name) VALUES (new.id, new.name);
                    END;
                    """)
            try Store.backfillOrderSearch(GRDBConnection(db))
        }
        migrator.registerMigration("v14-due-check-order") { db in
            // A sweep claims due parcels in the due index's order (next check, then id), so one
            // with few due reads only those (PostgreSQL's v8 says the same).
            try db.execute(
                sql: """
                    DROP INDEX shipments_due;
                    CREATE INDEX shipments_due ON shipments(next_check_at, id) WHERE next_check_at IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v15-lanes") { db in
            // Delivery estimates (issue 18; PostgreSQL's v9 says the same): one row per delivered
            // parcel the lane model learns from, written with the delivery itself or imported
            // from a history file, and the model as one JSON value. `seq` orders the rows;
            // `folded` marks those already in the model, so folding reads only new ones through
            // a partial index (a sequence alone would skip a row a concurrent sweep worker
            // commits after a later one). `shipment_id` has no foreign key: erasing a customer
            // only unlinks their parcels' rows, the anonymous transit stays.
            try db.execute(
                sql: """
                    CREATE TABLE deliveries (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        shipment_id INTEGER UNIQUE,
                        carrier TEXT NOT NULL,
                        service TEXT,
                        origin_country TEXT NOT NULL,
                        destination_country TEXT NOT NULL,
                        postcode TEXT NOT NULL,
                        paid_at REAL,
                        first_scan_at REAL NOT NULL,
                        delivered_at REAL NOT NULL,
                        promised_date TEXT,
                        carrier_estimate TEXT,
                        folded INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX deliveries_unfolded ON deliveries(seq) WHERE folded = 0;
                    CREATE INDEX deliveries_delivered ON deliveries(delivered_at, seq);
                    CREATE TABLE lane_model (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        model TEXT NOT NULL,
                        last_seq INTEGER NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v16-report-summaries") { db in
            // The shop report's per-day summaries (Store+ReportSummaries.swift; PostgreSQL's v10
            // says the same): each parcel's facts, their sums per creation day and carrier, the
            // parcels still owed by promised day, the zone they are judged in, and the parcels
            // changed since the last fold, marked by a trigger on every table a fact is read from.
            try db.execute(
                sql: """
                    CREATE TABLE report_dirty (shipment_id INTEGER PRIMARY KEY, changes INTEGER NOT NULL DEFAULT 1);
                    CREATE TABLE report_facts (
                        shipment_id INTEGER PRIMARY KEY,
                        created_at REAL NOT NULL,
                        carrier TEXT NOT NULL,
                        delivered INTEGER NOT NULL,
                        damaged INTEGER NOT NULL,
                        lost INTEGER NOT NULL,
                        delivered_at REAL,
                        promised_date TEXT,
                        owed INTEGER NOT NULL
                    );
                    CREATE INDEX report_facts_created ON report_facts(created_at, shipment_id);
                    CREATE TABLE report_days (
                        day INTEGER NOT NULL,
                        carrier TEXT NOT NULL,
                        shipments INTEGER NOT NULL,
                        delivered INTEGER NOT NULL,
                        damaged INTEGER NOT NULL,
                        lost INTEGER NOT NULL,
                        judged INTEGER NOT NULL,
                        on_time INTEGER NOT NULL,
                        PRIMARY KEY (day, carrier)
                    );
                    CREATE TABLE report_owed (
                        day INTEGER NOT NULL,
                        carrier TEXT NOT NULL,
                        promised_date TEXT NOT NULL,
                        parcels INTEGER NOT NULL,
                        PRIMARY KEY (day, carrier, promised_date)
                    );
                    CREATE TABLE report_state (id INTEGER PRIMARY KEY CHECK (id = 1), time_zone TEXT NOT NULL);

                    CREATE TRIGGER report_shipment_inserted AFTER INSERT ON shipments BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) VALUES (NEW.id);
                    END;
                    CREATE TRIGGER report_shipment_changed
                    AFTER UPDATE OF carrier, status, created_at, promised_date, replaces_shipment_id, order_id ON shipments
                    WHEN OLD.carrier IS NOT NEW.carrier OR OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at
                        OR OLD.promised_date IS NOT NEW.promised_date OR OLD.replaces_shipment_id IS NOT NEW.replaces_shipment_id
                        OR OLD.order_id IS NOT NEW.order_id
                    BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) VALUES (NEW.id);
                    END;
                    CREATE TRIGGER report_shipment_deleted AFTER DELETE ON shipments BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) VALUES (OLD.id);
                    END;
                    CREATE TRIGGER report_event_inserted AFTER INSERT ON events BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) VALUES (NEW.shipment_id);
                    END;
                    CREATE TRIGGER report_event_changed AFTER UPDATE OF shipment_id, status, reason, time ON events
                    WHEN OLD.shipment_id IS NOT NEW.shipment_id OR OLD.status IS NOT NEW.status OR OLD.reason IS NOT NEW.reason
                        OR OLD.time IS NOT NEW.time
                    BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) VALUES (OLD.shipment_id), (NEW.shipment_id);
                    END;
                    CREATE TRIGGER report_event_deleted AFTER DELETE ON events BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) VALUES (OLD.shipment_id);
                    END;
                    CREATE TRIGGER report_case_inserted AFTER INSERT ON incidents BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) SELECT id FROM shipments WHERE id = NEW.shipment_id OR order_id = NEW.order_id;
                    END;
                    CREATE TRIGGER report_case_changed AFTER UPDATE OF state, kind, evidence, shipment_id, order_id ON incidents
                    WHEN OLD.state IS NOT NEW.state OR OLD.kind IS NOT NEW.kind OR OLD.evidence IS NOT NEW.evidence
                        OR OLD.shipment_id IS NOT NEW.shipment_id OR OLD.order_id IS NOT NEW.order_id
                    BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) SELECT id FROM shipments
                        WHERE id IN (OLD.shipment_id, NEW.shipment_id) OR order_id IN (OLD.order_id, NEW.order_id);
                    END;
                    CREATE TRIGGER report_case_deleted AFTER DELETE ON incidents BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) SELECT id FROM shipments WHERE id = OLD.shipment_id OR order_id = OLD.order_id;
                    END;
                    CREATE TRIGGER report_action_inserted AFTER INSERT ON actions BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) SELECT s.id FROM incidents i CROSS JOIN shipments s
                        WHERE i.id = NEW.incident_id AND (s.id = i.shipment_id OR s.order_id = i.order_id);
                    END;
                    CREATE TRIGGER report_action_changed AFTER UPDATE OF state, kind, incident_id ON actions
                    WHEN OLD.state IS NOT NEW.state OR OLD.kind IS NOT NEW.kind OR OLD.incident_id IS NOT NEW.incident_id
                    BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) SELECT s.id FROM incidents i CROSS JOIN shipments s
                        WHERE i.id IN (OLD.incident_id, NEW.incident_id) AND (s.id = i.shipment_id OR s.order_id = i.order_id);
                    END;
                    CREATE TRIGGER report_action_deleted AFTER DELETE ON actions BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) SELECT s.id FROM incidents i CROSS JOIN shipments s
                        WHERE i.id = OLD.incident_id AND (s.id = i.shipment_id OR s.order_id = i.order_id);
                    END;
                    CREATE TRIGGER report_order_changed AFTER UPDATE OF promised_date, cancelled_at ON orders
                    WHEN OLD.promised_date IS NOT NEW.promised_date OR OLD.cancelled_at IS NOT NEW.cancelled_at
                    BEGIN
                        INSERT OR IGNORE INTO report_dirty (shipment_id) SELECT id FROM shipments WHERE order_id = NEW.id;
                    END;
                    """)
        }
        return migrator
    }
}
