import Foundation
import ParcelCore

/// Orders, shipments, sweeps, carrier health and the audit log in the store.
extension Store.Shipments {
    /// Upserts validated rows in one transaction, each row in a savepoint of its own so a
    /// conflicting row is rejected alone. `dryRun` rolls everything back and reports what would
    /// have happened. One audit entry records the import, unless `audit` is false (a batch of a
    /// streamed import, whose totals ``auditImport(imported:unchanged:rejected:actor:at:)``
    /// records once at its end).
    public func importRows(_ rows: [ImportRow], dryRun: Bool, actor: String, at: Date, audit: Bool = true) throws -> [ImportOutcome] {
        try tx.step("importing orders", .serialized)
        // A dry run is the same work, rolled back: what the shop would get, nothing kept.
        if dryRun { tx.rollBackAtEnd() }
        var outcomes: [ImportOutcome] = []
        for row in rows {
            var outcome = ImportOutcome.unchanged
            try db.inSavepoint {
                do {
                    outcome = try Store.upsert(row, db: db, at: at)
                    return true
                } catch let conflict as Store.ImportConflict {
                    outcome = .rejected(conflict.reason)
                    return false
                }
            }
            outcomes.append(outcome)
        }
        guard audit else { return outcomes }
        let imported = outcomes.filter { $0 == .imported }.count
        let rejected = outcomes.filter { if case .rejected = $0 { true } else { false } }.count
        try Store.insertAudit(
            AuditEntry(
                at: at, actor: actor, action: "import", subject: "orders",
                detail: "\(imported) imported, \(outcomes.count - imported - rejected) unchanged, \(rejected) rejected"), db: db)
        return outcomes
    }

    /// The one audit entry of an import stored in batches: its totals (`rejected` counts the rows
    /// the store refused, as ``importRows(_:dryRun:actor:at:audit:)`` does).
    public func auditImport(imported: Int, unchanged: Int, rejected: Int, actor: String, at: Date) throws {
        try tx.step("recording an import", .serialized)
        try Store.insertAudit(
            AuditEntry(
                at: at, actor: actor, action: "import", subject: "orders", detail: "\(imported) imported, \(unchanged) unchanged, \(rejected) rejected"),
            db: db)
    }

    /// The order with `id`.
    public func order(id: String) throws -> Order? {
        try tx.step("reading an order", .read)
        return try db.fetchOne(sql: "SELECT * FROM orders WHERE id = ?", arguments: [id]).map(Store.decodeOrder)
    }

    /// The shipment of `carrier` with `trackingNumber`.
    public func shipment(carrier: String, trackingNumber: String) throws -> Shipment? {
        try tx.step("reading a shipment", .read)
        return try db.fetchOne(
            sql: "SELECT * FROM shipments WHERE carrier = ? AND tracking_number = ?",
            arguments: [carrier, trackingNumber]
        ).map(Store.decodeShipment)
    }

    /// Shipments matching `filter`, ordered by id, after its `after`, at most its `limit`: a
    /// listing reads a page at a time this way, so it never holds every shipment.
    public func shipments(_ filter: ShipmentFilter) throws -> [Shipment] {
        try tx.step("listing shipments", .read)
        var clauses: [String] = []
        var arguments: [(any SQLBindable)?] = []
        if let carrier = filter.carrier { clauses.append("carrier = ?"); arguments.append(carrier) }
        if let orderId = filter.orderId { clauses.append("order_id = ?"); arguments.append(orderId) }
        if let number = filter.trackingNumber { clauses.append("tracking_number = ?"); arguments.append(number) }
        if let after = filter.after { clauses.append("id > ?"); arguments.append(after) }
        if !filter.statuses.isEmpty {
            clauses.append("status IN (\(filter.statuses.map { _ in "?" }.joined(separator: ", ")))")
            arguments.append(contentsOf: filter.statuses.map(\.rawValue).sorted())
        }
        var sql = "SELECT * FROM shipments"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += " ORDER BY id"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        return try db.fetchAll(sql: sql, arguments: SQLArguments(arguments)).map(Store.decodeShipment)
    }

    /// A shipment's stored events, oldest first.
    public func events(shipmentID: Int64) throws -> [TrackingEvent] {
        try tx.step("reading events", .read)
        let shipment = try db.fetchOne(sql: "SELECT carrier, tracking_number FROM shipments WHERE id = ?", arguments: [shipmentID])
        guard let shipment else { return [] }
        let carrier: String = try shipment["carrier"]
        let number: String = try shipment["tracking_number"]
        return try db.fetchAll(sql: "SELECT * FROM events WHERE shipment_id = ? ORDER BY time, id", arguments: [shipmentID]).map { row in
            TrackingEvent(
                carrier: carrier, trackingNumber: number,
                time: CarrierTime(date: try row.date("time"), offsetSeconds: try row["offset_seconds"]),
                rawStatus: try row["raw_status"], rawCode: try row.optional("raw_code"),
                status: try row.decode("status", in: "events"),
                reason: try row.decodeIfPresent("reason", in: "events"), location: try row.optional("location"),
                assumedZone: try row.optional("assumed_zone"))
        }
    }

    /// Leases up to `limit` shipments due at `now` (or every shipment with `all`) with an id
    /// above `after`, ordered by id, skipping those another worker holds: each is leased to
    /// `worker` until `now + lease`. Sweep workers on one database share the work this way
    /// (PostgreSQL skips rows another worker is claiming, `FOR UPDATE SKIP LOCKED`), and a dead
    /// worker's parcels are taken up again once its lease runs out. Saving a check
    /// (``apply(_:)``, ``recordUnchanged(shipmentID:checkedAt:nextCheckAt:)``,
    /// ``recordFailure(shipmentID:checkedAt:error:nextCheckAt:)``) or
    /// ``releaseShipments(_:)`` ends the lease. The sweep pages by `after`, so memory stays flat.
    public func claimDueShipments(
        now: Date, all: Bool, after: ClaimCursor, limit: Int, worker: String,
        lease: TimeInterval
    ) throws -> [DueShipment] {
        try tx.step("claiming due shipments", .rowsLeased)
        let time = now.timeIntervalSince1970
        // Due parcels come in the order of the due index (next check, then id), so a sweep with
        // few due reads only those, whatever the table's size; `--all` takes every parcel by id.
        func select(_ selection: String, _ order: String, _ arguments: [(any SQLBindable)?], limit: Int) throws -> [Int64] {
            try db.scalars(
                Int64.self,
                sql: """
                    SELECT id FROM shipments WHERE \(selection) AND (lease_until IS NULL OR lease_until <= ?)
                    ORDER BY \(order) LIMIT ?\(db.dialect.skipLocked)
                    """, arguments: SQLArguments(arguments + [time, limit]))
        }
        let ids =
            all
            ? try select("id > ? \(Store.notCancelled)", "id", [after.id], limit: limit)
            : try keysetPage(key: "next_check_at", id: "id", after: (after.dueAt, after.id), limit: limit) { condition, arguments, limit in
                try select("next_check_at IS NOT NULL AND next_check_at <= ? AND \(condition)", "next_check_at, id", [time] + arguments, limit: limit)
            }
        guard !ids.isEmpty else { return [] }
        let list = ids.map { _ in "?" }.joined(separator: ", ")
        try db.execute(
            sql: "UPDATE shipments SET lease_until = ?, lease_owner = ? WHERE id IN (\(list))",
            arguments: SQLArguments([time + lease, worker] + ids))
        return try db.fetchAll(
            sql: """
                SELECT s.*, \(Store.orderColumns) FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.id IN (\(list))
                ORDER BY \(all ? "s.id" : "s.next_check_at, s.id")
                """, arguments: SQLArguments(ids)
        ).map { row in
            DueShipment(shipment: try Store.decodeShipment(row), order: try Store.decodeOrder(row, prefix: "o_"))
        }
    }

    /// Ends the leases on shipments a worker claimed but will not check (it was stopped, or their
    /// carrier is paused), so another worker need not wait for the lease to run out.
    public func releaseShipments(_ ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try tx.step("releasing shipment leases", .rowsLeased)
        let list = ids.map { _ in "?" }.joined(separator: ", ")
        try db.execute(sql: "UPDATE shipments SET lease_until = NULL, lease_owner = NULL WHERE id IN (\(list))", arguments: SQLArguments(ids))
    }

    /// How many shipments ``claimDueShipments(now:all:after:limit:worker:lease:)`` could lease now.
    public func countDue(now: Date, all: Bool) throws -> Int {
        try tx.step("counting due shipments", .read)
        let time = now.timeIntervalSince1970
        let due = all ? Store.notCancelled : "AND next_check_at IS NOT NULL AND next_check_at <= ?"
        return try db.scalar(
            Int.self, sql: "SELECT COUNT(*) FROM shipments WHERE (lease_until IS NULL OR lease_until <= ?) \(due)",
            arguments: all ? [time] : [time, time]) ?? 0
    }

    /// Merges a carrier answer into a shipment in one transaction: new events inserted by
    /// fingerprint, status and reason recomputed from the newest mapped stored event, validators
    /// and next check stored, failures reset.
    ///
    /// Every statement is a round trip when the database is a server, so an update costs three
    /// whatever its number of events: one insert of all its events, one read of what the shipment
    /// was and what its events now say, one update (and, only when the parcel has open cases or a
    /// milestone notice is due, the statements for those).
    public func apply(_ update: TrackingUpdate) throws -> AppliedUpdate {
        try tx.step("saving a tracking update", .rowsLeased)
        let seenAt = update.checkedAt.timeIntervalSince1970
        let inserted = try Store.insertEvents(update.events, shipmentID: update.shipmentID, seenAt: seenAt, db: db)
        guard let stored = try db.fetchOne(sql: Store.appliedStateSQL, arguments: [update.shipmentID, update.shipmentID]) else {
            throw StoreError.failed(operation: "saving a tracking update", detail: "no shipment \(update.shipmentID)")
        }
        let previousStatus: TrackingStatus = try stored.decode("status", in: "shipments")
        let previousReason: ExceptionReason? = try stored.decodeIfPresent("reason", in: "shipments")
        // No mapped event yet: the shipment keeps what it had.
        let decided: TrackingStatus? = try stored.decodeIfPresent("deciding_status", in: "events")
        let status = decided ?? previousStatus
        let reason: ExceptionReason? = decided == nil ? previousReason : try stored.decodeIfPresent("deciding_reason", in: "events")
        let lastEventAt: Double? = try stored.optional("last_event_at")
        let hasOpenCases: Bool = try stored["open_cases"]
        let estimateBefore = try stored.optionalDate("estimated_delivery")
        try db.execute(
            sql: """
                UPDATE shipments SET status = ?, reason = ?, last_event_at = ?, next_check_at = ?, last_checked_at = ?, etag = ?,
                last_modified = ?, consecutive_failures = 0, last_error = NULL, estimated_delivery = COALESCE(?, estimated_delivery),
                lease_until = NULL, lease_owner = NULL WHERE id = ?
                """,
            arguments: [
                status.rawValue, reason?.rawValue, lastEventAt, update.schedule.next(after: update.checkedAt, status: status)?.timeIntervalSince1970,
                seenAt, update.etag, update.lastModified,
                update.estimatedDelivery?.timeIntervalSince1970, update.shipmentID,
            ])
        if inserted > 0 {
            // Open cases about this parcel learn that it moved (or arrived) in the same transaction.
            if hasOpenCases {
                let action = status == .delivered ? "delivered" : "moved"
                let detail = "\(inserted) new carrier event(s); the carrier now reports \(status.rawValue)" + (reason.map { " (\($0.rawValue))" } ?? "")
                try db.execute(
                    sql: """
                        INSERT INTO incident_history (incident_id, at, actor, action, detail)
                        SELECT id, ?, 'sweep', ?, ? FROM incidents WHERE shipment_id = ? AND closed_at IS NULL
                        """, arguments: [seenAt, action, detail, update.shipmentID])
            }
            if status == .delivered, previousStatus != .delivered {
                // The lane model learns the delivery in the same transaction (once per parcel).
                if let destination = update.destinationCountry {
                    try Store.recordDelivery(
                        shipmentID: update.shipmentID, origin: update.originCountry ?? destination, destination: destination,
                        carrierEstimate: estimateBefore, db: db)
                }
                // A replacement already went out for this parcel: staff must stop a double delivery.
                let cases = try db.scalars(
                    Int64.self,
                    sql: """
                        SELECT DISTINCT a.incident_id FROM actions a JOIN incidents i ON i.id = a.incident_id
                        WHERE i.shipment_id = ? AND a.kind = 'reship' AND a.state IN ('pending', 'sending', 'done')
                        """, arguments: [update.shipmentID])
                for incidentId in cases {
                    let warning = "the original parcel was delivered after a replacement was ordered: double delivery, check with the customer"
                    try Store.history(db, id: incidentId, at: update.checkedAt, actor: "sweep", action: "doubleDelivery", detail: warning)
                    try Store.insertAudit(
                        AuditEntry(
                            at: update.checkedAt, actor: "sweep", action: "incident.doubleDelivery",
                            subject: "incident:\(incidentId)", detail: warning), db: db)
                }
            }
        }
        let applied = AppliedUpdate(newEvents: inserted, previousStatus: previousStatus, previousReason: previousReason, status: status, reason: reason)
        if let draft = try update.milestone?(applied) { try Store.insertNotice(draft, incidentId: nil, at: update.checkedAt, db: db) }
        return applied
    }

    /// Records that the carrier answered `304 Not Modified` (or an unchanged feed): only the check
    /// time, the next check and the failure count change.
    public func recordUnchanged(shipmentID: Int64, checkedAt: Date, nextCheckAt: Date?) throws {
        try tx.step("recording an unchanged answer", .rowsLeased)
        try db.execute(
            sql: """
                UPDATE shipments SET last_checked_at = ?, next_check_at = ?, consecutive_failures = 0, last_error = NULL,
                lease_until = NULL, lease_owner = NULL WHERE id = ?
                """, arguments: [checkedAt.timeIntervalSince1970, nextCheckAt?.timeIntervalSince1970, shipmentID])
    }

    /// Records a failed check; status and events stay as they were.
    public func recordFailure(shipmentID: Int64, checkedAt: Date, error: String, nextCheckAt: Date) throws {
        try tx.step("recording a failed check", .rowsLeased)
        try db.execute(
            sql: """
                UPDATE shipments SET last_checked_at = ?, next_check_at = ?, consecutive_failures = consecutive_failures + 1,
                last_error = ?, lease_until = NULL, lease_owner = NULL WHERE id = ?
                """, arguments: [checkedAt.timeIntervalSince1970, nextCheckAt.timeIntervalSince1970, error, shipmentID])
    }

    /// What the store remembers about each carrier's health (circuit breaker, format changes).
    public func carrierHealth() throws -> [CarrierHealth] {
        try tx.step("reading carrier health", .read)
        return try db.fetchAll(sql: "SELECT * FROM carrier_health ORDER BY carrier").map { row in
            CarrierHealth(
                carrier: try row["carrier"], consecutiveFailures: try row["consecutive_failures"],
                pausedUntil: try row.optionalDate("paused_until"),
                formatChanged: try row["format_changed"], lastError: try row.optional("last_error"),
                lastErrorAt: try row.optionalDate("last_error_at"))
        }
    }

    /// Saves one carrier's health.
    public func saveCarrierHealth(_ health: CarrierHealth) throws {
        try tx.step("saving carrier health", .serialized)
        try db.execute(
            sql: """
                INSERT INTO carrier_health (carrier, consecutive_failures, paused_until, format_changed, last_error, last_error_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (carrier) DO UPDATE SET consecutive_failures = excluded.consecutive_failures,
                paused_until = excluded.paused_until, format_changed = excluded.format_changed, last_error = excluded.last_error,
                last_error_at = excluded.last_error_at
                """,
            arguments: [
                health.carrier, health.consecutiveFailures, health.pausedUntil?.timeIntervalSince1970, health.formatChanged,
                health.lastError, health.lastErrorAt?.timeIntervalSince1970,
            ])
    }

    /// Raw statuses no rule mapped, with how many stored events carry each.
    public func unmappedStatuses() throws -> [UnmappedStatus] {
        try tx.step("counting unmapped statuses", .read)
        return try db.fetchAll(
            sql: """
                SELECT s.carrier, e.raw_status, e.raw_code, COUNT(*) AS n FROM events e JOIN shipments s ON s.id = e.shipment_id
                WHERE e.status = 'unknown' GROUP BY s.carrier, e.raw_status, e.raw_code ORDER BY n DESC, s.carrier, e.raw_status
                """
        ).map { UnmappedStatus(carrier: try $0["carrier"], rawStatus: try $0["raw_status"], rawCode: try $0.optional("raw_code"), count: try $0["n"]) }
    }
}

/// Orders, shipments, sweeps, carrier health and the audit log in the store.
extension Store.Console {
    /// Appends to the audit log.
    public func audit(_ entry: AuditEntry) throws {
        try tx.step("writing the audit log", .serialized)
        try Store.insertAudit(entry, db: db)
    }

    /// The newest audit entries first, optionally only those about `subject` (`incident:7`), and
    /// only those older than the entry with id `after` (the last of the previous page).
    public func auditLog(limit: Int, subject: String? = nil, after: Int64? = nil) throws -> [AuditEntry] {
        try tx.step("reading the audit log", .read)
        var clauses: [String] = []
        var arguments: [(any SQLBindable)?] = []
        if let subject { clauses.append("subject = ?"); arguments.append(subject) }
        if let after { clauses.append("id < ?"); arguments.append(after) }
        arguments.append(limit)
        let condition = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        return try db.fetchAll(sql: "SELECT * FROM audit_log\(condition) ORDER BY id DESC LIMIT ?", arguments: SQLArguments(arguments)).map {
            AuditEntry(
                id: try $0["id"], at: try $0.date("at"), actor: try $0["actor"], action: try $0["action"], subject: try $0["subject"],
                detail: try $0["detail"])
        }
    }
}

extension Store {
    // MARK: Orders and import

    struct ImportConflict: Error { var reason: String }

    static func upsert(_ row: ImportRow, db: any SQLConnection, at: Date) throws -> ImportOutcome {
        var changed = false
        let order = row.order
        let values: [(any SQLBindable)?] = [
            order.customerName, order.email, order.phone, order.language, order.postcode, order.value.minorUnits,
            order.value.currency, order.promisedDate, order.paidAt?.timeIntervalSince1970, order.reshippable,
        ]
        if let stored = try db.fetchOne(sql: "SELECT * FROM orders WHERE id = ?", arguments: [order.id]) {
            if try decodeOrder(stored) != order {
                try db.execute(
                    sql: """
                        UPDATE orders SET customer_name = ?, email = ?, phone = ?, language = ?, postcode = ?, value_minor = ?,
                        currency = ?, promised_date = ?, paid_at = ?, reshippable = ?, updated_at = ? WHERE id = ?
                        """, arguments: SQLArguments(values + [at.timeIntervalSince1970, order.id]))
                try indexOrderName(id: order.id, name: order.customerName, db: db)
                changed = true
            }
        } else {
            try db.execute(
                sql: """
                    INSERT INTO orders (customer_name, email, phone, language, postcode, value_minor, currency, promised_date,
                    paid_at, reshippable, created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: SQLArguments(values + [at.timeIntervalSince1970, at.timeIntervalSince1970, order.id]))
            try indexOrderName(id: order.id, name: order.customerName, db: db)
            changed = true
        }
        if let carrier = row.carrier, let number = row.trackingNumber {
            if let owner = try db.scalar(
                String.self, sql: "SELECT order_id FROM shipments WHERE carrier = ? AND tracking_number = ?",
                arguments: [carrier, number])
            {
                if owner != order.id {
                    throw ImportConflict(reason: "duplicate: \(carrier) \(number) already belongs to order \(owner)")
                }
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO shipments (order_id, carrier, tracking_number, next_check_at, created_at) VALUES (?, ?, ?, ?, ?)
                        """, arguments: [order.id, carrier, number, at.timeIntervalSince1970, at.timeIntervalSince1970])
                changed = true
            }
        }
        return changed ? .imported : .unchanged
    }

    // MARK: Sweeps

    /// The most events one `INSERT` carries: 11 values each stays far below both backends'
    /// limits on bound values (SQLite 32,766, PostgreSQL 65,535).
    static let eventsPerInsert = 1000

    /// Inserts `events` of a shipment that are not stored yet (by fingerprint) and returns how
    /// many were new: one statement for a whole carrier answer.
    static func insertEvents(_ events: [TrackingEvent], shipmentID: Int64, seenAt: Double, db: any SQLConnection) throws -> Int {
        var inserted = 0
        for start in stride(from: 0, to: events.count, by: eventsPerInsert) {
            let chunk = events[start..<min(events.count, start + eventsPerInsert)]
            var arguments: [(any SQLBindable)?] = []
            arguments.reserveCapacity(chunk.count * 11)
            for event in chunk {
                arguments += [
                    shipmentID, event.fingerprint, event.time.date.timeIntervalSince1970, event.time.offsetSeconds,
                    event.rawStatus, event.rawCode, event.status.rawValue, event.reason?.rawValue, event.location, seenAt,
                    event.assumedZone,
                ]
            }
            try db.execute(
                sql: """
                    INSERT INTO events (shipment_id, fingerprint, time, offset_seconds, raw_status, raw_code, status, reason, location, seen_at,
                                        assumed_zone)
                    VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                    ON CONFLICT (shipment_id, fingerprint) DO NOTHING
                    """, arguments: SQLArguments(arguments))
            inserted += db.changesCount
        }
        return inserted
    }

    /// A shipment as an update finds it once its new events are in, in one read (arguments: the
    /// shipment's id twice): its status and reason before the update, the newest mapped event's
    /// (`unknown` never decides; NULL when there is none), its newest event's time, and whether
    /// it has open cases to tell.
    static let appliedStateSQL = """
        SELECT s.status, s.reason, s.estimated_delivery, d.status AS deciding_status, d.reason AS deciding_reason,
        (SELECT MAX(e.time) FROM events e WHERE e.shipment_id = s.id) AS last_event_at,
        EXISTS (SELECT 1 FROM incidents i WHERE i.shipment_id = s.id AND i.closed_at IS NULL) AS open_cases
        FROM shipments s LEFT JOIN (
            SELECT status, reason FROM events WHERE shipment_id = ? AND status <> 'unknown' ORDER BY time DESC, id DESC LIMIT 1
        ) d ON TRUE
        WHERE s.id = ?
        """

    /// `--all` ignores next checks, but never a cancelled order's parcels.
    static let notCancelled = "AND NOT EXISTS (SELECT 1 FROM orders c WHERE c.id = shipments.order_id AND c.cancelled_at IS NOT NULL)"

    // MARK: Audit

    static func insertAudit(_ entry: AuditEntry, db: any SQLConnection) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            arguments: [entry.at.timeIntervalSince1970, entry.actor, entry.action, entry.subject, entry.detail])
    }

    // MARK: Decoding and plumbing

    static func decodeOrder(_ row: SQLRow) throws -> Order {
        try decodeOrder(row, prefix: "")
    }

    static func decodeShipment(_ row: SQLRow) throws -> Shipment {
        func date(_ column: String) throws -> Date? { try row.optionalDate(column) }
        var shipment = Shipment(
            id: try row["id"], orderId: try row["order_id"], carrier: try row["carrier"], trackingNumber: try row["tracking_number"],
            status: try row.decode("status", in: "shipments"),
            reason: try row.decodeIfPresent("reason", in: "shipments"),
            lastEventAt: try date("last_event_at"), nextCheckAt: try date("next_check_at"), lastCheckedAt: try date("last_checked_at"),
            etag: try row.optional("etag"), lastModified: try row.optional("last_modified"), consecutiveFailures: try row["consecutive_failures"],
            lastError: try row.optional("last_error"), estimatedDelivery: try date("estimated_delivery"))
        shipment.promisedDate = try row.optional("promised_date")
        shipment.replacesShipmentId = try row.optional("replaces_shipment_id")
        return shipment
    }
}
