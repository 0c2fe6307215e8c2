import Foundation

/// Counters, shop API tokens and order cancellation in the SQL store.
extension SQLStore {
    public func addToCounters(_ increments: [CounterValue]) async throws(StoreError) {
        guard !increments.isEmpty else { return }
        try await writeTransaction("adding to counters", serialized: false) { db in
            for increment in increments {
                try db.execute(
                    sql: """
                        INSERT INTO counters (name, labels, value) VALUES (?, ?, ?)
                        ON CONFLICT (name, labels) DO UPDATE SET value = counters.value + excluded.value
                        """, arguments: [increment.name, increment.labelText, increment.value])
            }
        }
    }

    public func counters() async throws(StoreError) -> [CounterValue] {
        try await read("reading counters") { db in
            try db.fetchAll(sql: "SELECT name, labels, value FROM counters ORDER BY name, labels").map {
                CounterValue(name: try $0["name"], labels: CounterValue.labels(try $0["labels"]), value: try $0["value"])
            }
        }
    }

    public func outboxBacklog(now: Date) async throws(StoreError) -> (waiting: Int, overdue: Int) {
        try await read("counting the outbox") { db in
            let row = try db.fetchOne(
                sql: """
                    SELECT COUNT(*) AS waiting, COALESCE(SUM(CASE WHEN due_at <= ? THEN 1 ELSE 0 END), 0) AS overdue FROM outbox WHERE sent_at IS NULL
                    """, arguments: [now.timeIntervalSince1970])
            return (try row?["waiting"] ?? 0, try row?["overdue"] ?? 0)
        }
    }

    public func addToken(name: String, tokenHash: String, actor: String, at: Date) async throws(StoreError) {
        try await writeTransaction("adding an API token") { db in
            try Self.requireStaff(db, actor)
            if let existing = try db.fetchOne(sql: "SELECT revoked_at FROM api_tokens WHERE name = ?", arguments: [name]) {
                guard try existing.optional("revoked_at", as: Double.self) != nil else {
                    throw StoreError.rejected("a token named \(name) exists; revoke it first (`parcelwatch token revoke \(name)`)")
                }
                try db.execute(sql: "DELETE FROM api_tokens WHERE name = ?", arguments: [name])
            }
            try db.execute(
                sql: "INSERT INTO api_tokens (name, token_hash, created_at, created_by) VALUES (?, ?, ?, ?)",
                arguments: [name, tokenHash, at.timeIntervalSince1970, actor])
            try Self.insertAudit(AuditEntry(at: at, actor: actor, action: "token.add", subject: "token:\(name)", detail: "shop API token created"), db: db)
        }
    }

    public func revokeToken(name: String, actor: String, at: Date) async throws(StoreError) -> Bool {
        try await writeTransaction("revoking an API token") { db in
            try Self.requireStaff(db, actor)
            try db.execute(sql: "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", arguments: [at.timeIntervalSince1970, name])
            guard db.changesCount > 0 else { return false }
            try Self.insertAudit(AuditEntry(at: at, actor: actor, action: "token.revoke", subject: "token:\(name)", detail: "shop API token revoked"), db: db)
            return true
        }
    }

    public func tokens() async throws(StoreError) -> [APIToken] {
        try await read("listing API tokens") { db in
            try db.fetchAll(sql: "SELECT * FROM api_tokens ORDER BY name").map {
                APIToken(
                    name: try $0["name"], createdAt: try $0.date("created_at"), createdBy: try $0["created_by"],
                    lastUsedAt: try $0.optionalDate("last_used_at"), revokedAt: try $0.optionalDate("revoked_at"))
            }
        }
    }

    public func tokenName(hash tokenHash: String, at: Date) async throws(StoreError) -> String? {
        try await writeTransaction("checking an API token", serialized: false) { db in
            guard
                let name = try db.scalar(
                    String.self, sql: "SELECT name FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                    arguments: [tokenHash])
            else { return nil }
            try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE name = ?", arguments: [at.timeIntervalSince1970, name])
            return name
        }
    }

    public func cancelOrder(id: String, actor: String, at: Date) async throws(StoreError) -> Bool {
        try await writeTransaction("cancelling an order") { db in
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
                try Self.history(db, id: incident, at: at, actor: actor, action: "dismissed", detail: "the order was cancelled")
            }
            try Self.insertAudit(
                AuditEntry(
                    at: at, actor: actor, action: "order.cancel", subject: "order:\(id)",
                    detail: "cancelled; \(cases.count) open case(s) dismissed"), db: db)
            return true
        }
    }

    public func cancelShipment(orderId: String, carrier: String, trackingNumber: String, actor: String, at: Date) async throws(StoreError) -> Bool {
        try await writeTransaction("cancelling a shipment") { db in
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
                try Self.history(db, id: incident, at: at, actor: actor, action: "dismissed", detail: "the shipment was cancelled")
            }
            try Self.insertAudit(
                AuditEntry(
                    at: at, actor: actor, action: "shipment.cancel", subject: "order:\(orderId)",
                    detail: "\(carrier) \(trackingNumber) cancelled; \(cases.count) open case(s) dismissed"), db: db)
            return true
        }
    }
}
