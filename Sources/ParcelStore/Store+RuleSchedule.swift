import Foundation
import ParcelCore

// The incident rules' schedule: each parcel and order keeps the instant its time rules next need
// a look (`rules_due`, indexed; 0 when a fact just changed, NULL when time alone adds nothing),
// so a sweep reads what is due, not the whole table. Triggers in the schema mark a row due when
// a fact the rules read changes, or a case of it opens or closes (SQLite v12, PostgreSQL v6).

extension Store.Cases {
    /// Parcels whose rules are due at `now`, `limit` at a time in schedule order after `after`
    /// (start from `(-1, 0)`), with their orders.
    public func shipmentsDueForRules(at now: Date, after: (due: Double, id: Int64), limit: Int) throws -> [ShipmentRulesDue] {
        try tx.step("selecting parcels whose incident rules are due", .read)
        return try keysetPage(key: "s.rules_due", id: "s.id", after: (after.due, after.id), limit: limit) { condition, arguments, limit in
            try db.fetchAll(
                sql: """
                    SELECT s.*, \(Store.orderColumns),
                        CASE WHEN s.status NOT IN ('delivered', 'expired') AND o.cancelled_at IS NULL THEN 1 ELSE 0 END AS rules_watched
                    FROM shipments s JOIN orders o ON o.id = s.order_id
                    WHERE s.rules_due <= ? AND \(condition) ORDER BY s.rules_due, s.id LIMIT ?
                    """, arguments: SQLArguments([now.timeIntervalSince1970] + arguments + [limit]))
        }.map { row in
            ShipmentRulesDue(
                candidate: DetectionCandidate(shipment: try Store.decodeShipment(row), order: try Store.decodeOrder(row, prefix: "o_")),
                watched: try row["rules_watched"] as Int64 == 1, version: try row["rules_version"], due: try row["rules_due"])
        }
    }

    /// Orders whose order rules are due at `now`, `limit` at a time in schedule order after
    /// `after` (start from `(-1, "")`), each with its parcels.
    public func ordersDueForRules(at now: Date, after: (due: Double, id: String), limit: Int) throws -> [OrderRulesDue] {
        try tx.step("selecting orders whose incident rules are due", .read)
        let rows = try keysetPage(key: "o.rules_due", id: "o.id", after: (after.due, after.id), limit: limit) { condition, arguments, limit in
            try db.fetchAll(
                sql: """
                    SELECT o.*, CASE WHEN o.paid_at IS NOT NULL AND o.cancelled_at IS NULL THEN 1 ELSE 0 END AS rules_watched FROM orders o
                    WHERE o.rules_due <= ? AND \(condition) ORDER BY o.rules_due, o.id LIMIT ?
                    """, arguments: SQLArguments([now.timeIntervalSince1970] + arguments + [limit]))
        }
        let ids = try rows.map { try $0["id"] as String }
        var parcels: [String: [Shipment]] = [:]
        if !ids.isEmpty {
            for row in try db.fetchAll(
                sql: "SELECT * FROM shipments WHERE order_id IN (\(ids.map { _ in "?" }.joined(separator: ", "))) ORDER BY id",
                arguments: SQLArguments(ids))
            {
                let shipment = try Store.decodeShipment(row)
                parcels[shipment.orderId, default: []].append(shipment)
            }
        }
        return try rows.map { row in
            let order = try Store.decodeOrder(row)
            return OrderRulesDue(
                candidate: OrderCandidate(order: order, shipments: parcels[order.id] ?? []),
                watched: try row["rules_watched"] as Int64 == 1, version: try row["rules_version"], due: try row["rules_due"])
        }
    }

    /// Writes when each parcel's and order's rules next need a look; a row whose facts changed
    /// since its `version` was read keeps its "due now".
    public func schedule(shipments: [RulesNext<Int64>], orders: [RulesNext<String>]) throws {
        try tx.step("scheduling the incident rules", .rowsLeased)
        for entry in shipments {
            try db.execute(
                sql: "UPDATE shipments SET rules_due = ? WHERE id = ? AND rules_version = ?",
                arguments: [entry.next?.timeIntervalSince1970, entry.id, entry.version])
        }
        for entry in orders {
            try db.execute(
                sql: "UPDATE orders SET rules_due = ? WHERE id = ? AND rules_version = ?",
                arguments: [entry.next?.timeIntervalSince1970, entry.id, entry.version])
        }
    }

    /// Records the settings the schedule is computed under; when they differ from the stored
    /// ones (another threshold, zone or holiday list), every parcel and order is due again.
    /// - Returns: true when everything was marked due.
    public func adoptRuleSettings(_ fingerprint: String) throws -> Bool {
        try tx.step("checking the incident rules' settings", .serialized)
        guard try db.scalar(String.self, sql: "SELECT fingerprint FROM rule_settings WHERE id = 1") != fingerprint else { return false }
        try markAllRulesDue()
        try db.execute(
            sql: "INSERT INTO rule_settings (id, fingerprint) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint",
            arguments: [fingerprint])
        return true
    }

    /// Marks every parcel and order due, so the next run of the rules looks at everything.
    public func markAllRulesDue() throws {
        try tx.step("marking every parcel's incident rules due", .serialized)
        for table in ["shipments", "orders"] {
            try db.execute(
                sql: "UPDATE \(table) SET rules_due = 0, rules_version = rules_version + 1 WHERE rules_due IS NULL OR rules_due <> 0")
        }
    }
}
