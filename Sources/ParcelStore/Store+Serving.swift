import Foundation
import ParcelCore

/// Counters, shop API tokens and order cancellation in the SQL store.
extension Store.Reports {
    /// Adds to named counters (created at zero), in one transaction: sweeps on any machine add
    /// their fetch counts and latencies here, and `/metrics` reads them back.
    public func addToCounters(_ increments: [CounterValue]) throws {
        guard !increments.isEmpty else { return }
        try tx.step("adding to counters", .rowsLeased)
        for increment in increments {
            try db.execute(
                sql: """
                    INSERT INTO counters (name, labels, value) VALUES (?, ?, ?)
                    ON CONFLICT (name, labels) DO UPDATE SET value = counters.value + excluded.value
                    """, arguments: [increment.name, increment.labelText, increment.value])
        }
    }

    /// Every counter, by name and labels.
    public func counters() throws -> [CounterValue] {
        try tx.step("reading counters", .read)
        return try db.fetchAll(sql: "SELECT name, labels, value FROM counters ORDER BY name, labels").map {
            CounterValue(name: try $0["name"], labels: CounterValue.labels(try $0["labels"]), value: try $0["value"])
        }
    }
}

/// Counters, shop API tokens and order cancellation in the SQL store.
extension Store.Outbox {
    /// How many notices wait in the outbox, and how many of them are already due at `now`
    /// (counted in the database: a scrape never loads the backlog).
    public func outboxBacklog(now: Date) throws -> (waiting: Int, overdue: Int) {
        try tx.step("counting the outbox", .read)
        let row = try db.fetchOne(
            sql: """
                SELECT COUNT(*) AS waiting, COALESCE(SUM(CASE WHEN due_at <= ? THEN 1 ELSE 0 END), 0) AS overdue FROM outbox WHERE sent_at IS NULL
                """, arguments: [now.timeIntervalSince1970])
        return (try row?["waiting"] ?? 0, try row?["overdue"] ?? 0)
    }
}

/// Counters, shop API tokens and order cancellation in the SQL store.
extension Store.Console {
    /// Records a shop API token by the SHA-256 of its secret (the secret itself is never stored).
    /// The actor must be staff; a name in use is refused.
    public func addToken(name: String, tokenHash: String, actor: String, at: Date) throws {
        try tx.step("adding an API token", .serialized)
        try Store.requireStaff(db, actor)
        if let existing = try db.fetchOne(sql: "SELECT revoked_at FROM api_tokens WHERE name = ?", arguments: [name]) {
            guard try existing.optional("revoked_at", as: Double.self) != nil else {
                throw StoreError.rejected("a token named \(name) exists; revoke it first (`parcelwatch token revoke \(name)`)")
            }
            try db.execute(sql: "DELETE FROM api_tokens WHERE name = ?", arguments: [name])
        }
        try db.execute(
            sql: "INSERT INTO api_tokens (name, token_hash, created_at, created_by) VALUES (?, ?, ?, ?)",
            arguments: [name, tokenHash, at.timeIntervalSince1970, actor])
        try Store.insertAudit(AuditEntry(at: at, actor: actor, action: "token.add", subject: "token:\(name)", detail: "shop API token created"), db: db)
    }

    /// Revokes a token; false when there is no active token of that name. Audited.
    public func revokeToken(name: String, actor: String, at: Date) throws -> Bool {
        try tx.step("revoking an API token", .serialized)
        try Store.requireStaff(db, actor)
        try db.execute(sql: "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", arguments: [at.timeIntervalSince1970, name])
        guard db.changesCount > 0 else { return false }
        try Store.insertAudit(AuditEntry(at: at, actor: actor, action: "token.revoke", subject: "token:\(name)", detail: "shop API token revoked"), db: db)
        return true
    }

    /// Every token, active and revoked, without secrets.
    public func tokens() throws -> [APIToken] {
        try tx.step("listing API tokens", .read)
        return try db.fetchAll(sql: "SELECT * FROM api_tokens ORDER BY name").map {
            APIToken(
                name: try $0["name"], createdAt: try $0.date("created_at"), createdBy: try $0["created_by"],
                lastUsedAt: try $0.optionalDate("last_used_at"), revokedAt: try $0.optionalDate("revoked_at"))
        }
    }

    /// The name of the active token whose secret hashes to `tokenHash` (its last use is noted), or nil.
    public func tokenName(hash tokenHash: String, at: Date) throws -> String? {
        try tx.step("checking an API token", .rowsLeased)
        guard
            let name = try db.scalar(
                String.self, sql: "SELECT name FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                arguments: [tokenHash])
        else { return nil }
        try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE name = ?", arguments: [at.timeIntervalSince1970, name])
        return name
    }
}

/// Counters, shop API tokens and order cancellation in the SQL store.
extension Store.Shipments {
    /// Cancels an order: its parcels are no longer checked and its open cases are dismissed, in
    /// one audited transaction. False when there is no such order.
    public func cancelOrder(id: String, actor: String, at: Date) throws -> Bool {
        try tx.step("cancelling an order", .serialized)
        try db.execute(
            sql: "UPDATE orders SET cancelled_at = ?, updated_at = ? WHERE id = ? AND cancelled_at IS NULL",
            arguments: [at.timeIntervalSince1970, at.timeIntervalSince1970, id])
        guard db.changesCount > 0 else { return try db.scalar(Int.self, sql: "SELECT COUNT(*) FROM orders WHERE id = ?", arguments: [id]) == 1 }
        try db.execute(sql: "UPDATE shipments SET next_check_at = NULL WHERE order_id = ?", arguments: [id])
        let cases = try db.scalars(Int64.self, sql: "SELECT id FROM incidents WHERE order_id = ? AND closed_at IS NULL", arguments: [id])
        for incident in cases {
            try db.execute(
                sql: "UPDATE incidents SET state = 'dismissed', closed_at = ?, updated_at = ? WHERE id = ?",
                arguments: [at.timeIntervalSince1970, at.timeIntervalSince1970, incident])
            try Store.history(db, id: incident, at: at, actor: actor, action: "dismissed", detail: "the order was cancelled")
        }
        try Store.insertAudit(
            AuditEntry(
                at: at, actor: actor, action: "order.cancel", subject: "order:\(id)",
                detail: "cancelled; \(cases.count) open case(s) dismissed"), db: db)
        return true
    }

    /// Cancels one parcel of an order (it will not be sent, or it was replaced by another
    /// number): no more checks, its open cases dismissed, audited. False when the order has no
    /// such parcel.
    public func cancelShipment(orderId: String, carrier: String, trackingNumber: String, actor: String, at: Date) throws -> Bool {
        try tx.step("cancelling a shipment", .serialized)
        guard
            let id = try db.scalar(
                Int64.self, sql: "SELECT id FROM shipments WHERE order_id = ? AND carrier = ? AND tracking_number = ?",
                arguments: [orderId, carrier, trackingNumber])
        else { return false }
        try db.execute(
            sql:
                "UPDATE shipments SET next_check_at = NULL, status = CASE WHEN status IN ('pending', 'infoReceived') THEN 'expired' ELSE status END WHERE id = ?",
            arguments: [id])
        let cases = try db.scalars(Int64.self, sql: "SELECT id FROM incidents WHERE shipment_id = ? AND closed_at IS NULL", arguments: [id])
        for incident in cases {
            try db.execute(
                sql: "UPDATE incidents SET state = 'dismissed', closed_at = ?, updated_at = ? WHERE id = ?",
                arguments: [at.timeIntervalSince1970, at.timeIntervalSince1970, incident])
            try Store.history(db, id: incident, at: at, actor: actor, action: "dismissed", detail: "the shipment was cancelled")
        }
        try Store.insertAudit(
            AuditEntry(
                at: at, actor: actor, action: "shipment.cancel", subject: "order:\(orderId)",
                detail: "\(carrier) \(trackingNumber) cancelled; \(cases.count) open case(s) dismissed"), db: db)
        return true
    }
}
