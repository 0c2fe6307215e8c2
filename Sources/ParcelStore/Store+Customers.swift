import Foundation
import ParcelCore

/// Customer data rights in the SQLite store: export, erasure, purge of old closed orders.
extension Store.Customers {
    /// Everything held about the customer with `email`: orders, shipments, carrier events, cases
    /// (without staff notes) and the notices sent to them. Orders come by id, only those after
    /// the order id `after` and at most `limit` of them when given: an export reads a page of
    /// orders at a time this way, so it never holds a big customer's whole history.
    public func customerData(email: String, after: String? = nil, limit: Int? = nil) throws -> CustomerExport {
        try tx.step("exporting a customer's data", .read)
        var arguments: [(any SQLBindable)?] = [email]
        if let after { arguments.append(after) }
        let page = (after == nil ? "" : " AND id > ?") + " ORDER BY id" + (limit.map { " LIMIT \(max(0, $0))" } ?? "")
        let orders = try db.fetchAll(sql: "SELECT * FROM orders WHERE lower(email) = lower(?)\(page)", arguments: SQLArguments(arguments)).map(
            Store.decodeOrder)
        return CustomerExport(
            email: email,
            orders: try orders.map { order in
                let shipments = try db.fetchAll(sql: "SELECT * FROM shipments WHERE order_id = ? ORDER BY id", arguments: [order.id]).map(
                    Store.decodeShipment)
                let shipmentRecords = try shipments.map { shipment in
                    CustomerExport.ShipmentRecord(
                        carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, status: shipment.status.rawValue,
                        events: try db.fetchAll(sql: "SELECT * FROM events WHERE shipment_id = ? ORDER BY time, id", arguments: [shipment.id]).map {
                            TrackingReport.Event(
                                time: ISOTime.utc(try $0.date("time")), status: try $0["status"], reason: try $0.optional("reason"),
                                rawStatus: try $0["raw_status"], rawCode: try $0.optional("raw_code"), location: try $0.optional("location"))
                        })
                }
                let incidents = try db.fetchAll(
                    sql: "SELECT kind, state, opened_at, closed_at FROM incidents WHERE order_id = ? ORDER BY id",
                    arguments: [order.id]
                ).map {
                    CustomerExport.IncidentRecord(
                        kind: try $0["kind"], status: try $0["state"], detectedAt: ISOTime.utc(try $0.date("opened_at")),
                        closedAt: try $0.optionalDate("closed_at").map(ISOTime.utc))
                }
                let notices = try db.fetchAll(
                    sql: """
                        SELECT o.subject, o.body, o.language, o.sent_at FROM outbox o LEFT JOIN incidents i ON i.id = o.incident_id
                        WHERE lower(o.recipient) = lower(?) ORDER BY o.id
                        """, arguments: [order.email]
                ).map {
                    CustomerExport.NoticeRecord(
                        subject: try $0["subject"], body: try $0["body"], language: try $0["language"],
                        sentAt: try $0.optionalDate("sent_at").map(ISOTime.utc))
                }
                return CustomerExport.OrderRecord(order: order, shipments: shipmentRecords, incidents: incidents, notices: notices)
            })
    }

    /// Replaces the customer's personal data (name, e-mail, phone, postcode, notice texts) with an
    /// erased marker; orders, parcels, cases and figures stay. Audited. Returns the orders changed.
    public func eraseCustomer(email: String, actor: String, at: Date) throws -> Int {
        try tx.step("erasing a customer's personal data", .serialized)
        let ids = try db.scalars(String.self, sql: "SELECT id FROM orders WHERE lower(email) = lower(?)", arguments: [email])
        guard !ids.isEmpty else { return 0 }
        // A stable marker per customer, so their orders still group together in reports.
        let marker = "erased-" + String(FNV1a64.hash(email.lowercased()), radix: 16).prefix(10)
        try db.execute(
            sql: """
                UPDATE outbox SET recipient = ?, subject = '(erased)', body = '(erased)' WHERE lower(recipient) = lower(?)
                """, arguments: ["\(marker)@erased.invalid", email])
        try db.execute(
            sql: """
                UPDATE orders SET customer_name = ?, email = ?, phone = NULL, postcode = '', updated_at = ? WHERE lower(email) = lower(?)
                """, arguments: [marker, "\(marker)@erased.invalid", at.timeIntervalSince1970, email])
        // The name leaves the search index too: only the marker is found.
        for id in ids { try Store.indexOrderName(id: id, name: marker, db: db) }
        try Store.insertAudit(
            AuditEntry(
                at: at, actor: actor, action: "customer.erase", subject: "customer:\(marker)",
                detail: "personal data of \(ids.count) order(s) erased: \(ids.joined(separator: ", "))"), db: db)
        return ids.count
    }

    /// Deletes closed orders (every parcel delivered, returned or expired, no open case) with no
    /// activity since `before`, with everything that hangs off them. Audited.
    public func purge(before: Date, actor: String, at: Date) throws -> Int {
        try tx.step("purging old closed orders", .serialized)
        let cutoff = before.timeIntervalSince1970
        let ids = try db.scalars(
            String.self,
            sql: """
                SELECT o.id FROM orders o
                WHERE o.updated_at < ?
                  AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id
                                  AND (s.status NOT IN ('delivered', 'returned', 'expired') OR COALESCE(s.last_event_at, 0) >= ? OR s.created_at >= ?))
                  AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.order_id = o.id AND (i.closed_at IS NULL OR i.closed_at >= ?))
                  AND EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id)
                """, arguments: [cutoff, cutoff, cutoff, cutoff])
        for id in ids {
            let email = try db.scalar(String.self, sql: "SELECT email FROM orders WHERE id = ?", arguments: [id]) ?? ""
            let cases = "SELECT id FROM incidents WHERE order_id = ?"
            try db.execute(sql: "DELETE FROM incident_history WHERE incident_id IN (\(cases))", arguments: [id])
            try db.execute(sql: "DELETE FROM escalations WHERE incident_id IN (\(cases))", arguments: [id])
            try db.execute(sql: "DELETE FROM actions WHERE incident_id IN (\(cases))", arguments: [id])
            try db.execute(sql: "DELETE FROM outbox WHERE incident_id IN (\(cases))", arguments: [id])
            try db.execute(sql: "DELETE FROM incidents WHERE order_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM events WHERE shipment_id IN (SELECT id FROM shipments WHERE order_id = ?)", arguments: [id])
            // The lane model keeps the parcels' anonymous transit, no longer tied to the customer.
            try db.execute(
                sql: "UPDATE deliveries SET shipment_id = NULL WHERE shipment_id IN (SELECT id FROM shipments WHERE order_id = ?)", arguments: [id])
            try db.execute(sql: "DELETE FROM shipments WHERE order_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM order_search WHERE order_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM orders WHERE id = ?", arguments: [id])
            // Milestone notices to this customer go too, unless another order of theirs remains.
            try db.execute(
                sql: """
                    DELETE FROM outbox WHERE lower(recipient) = lower(?) AND NOT EXISTS (SELECT 1 FROM orders WHERE lower(email) = lower(?))
                    """, arguments: [email, email])
        }
        if !ids.isEmpty {
            try Store.insertAudit(
                AuditEntry(
                    at: at, actor: actor, action: "purge", subject: "orders",
                    detail: "\(ids.count) closed order(s) without activity since \(ISOTime.utc(before)) deleted"), db: db)
        }
        return ids.count
    }
}
