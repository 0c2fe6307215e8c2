import Foundation
import ParcelCore

/// Every order in a line (`parcelwatch orders`): five queries whatever the number of orders,
/// one per table, grouped in SQL where only counts are needed.
extension Store.Cases {
    /// Every order (or only `orderId`) in a line for staff: parcels, customer messages, cases and
    /// what the shop did, read in one query per table whatever the number of orders.
    public func orderOverviews(orderId: String?) throws -> [OrderOverview] {
        try tx.step("listing orders", .read)
        return try Store.overviews(db, orderId: orderId)
    }
}

extension Store {
    static func overviews(_ db: any SQLConnection, orderId: String?) throws -> [OrderOverview] {
        let arguments: SQLArguments = orderId.map { [$0] } ?? []
        func only(_ column: String, first: Bool) -> String {
            orderId == nil ? "" : (first ? " WHERE " : " AND ") + column + " = ?"
        }
        var orders: [OrderOverview] = []
        var index: [String: Int] = [:]
        for row in try db.fetchAll(
            sql: """
                SELECT id, customer_name, value_minor, currency, promised_date, paid_at, cancelled_at FROM orders\(only("id", first: true)) ORDER BY id
                """, arguments: arguments)
        {
            let id: String = try row["id"]
            index[id] = orders.count
            orders.append(
                OrderOverview(
                    orderId: id, customerName: try row["customer_name"],
                    value: Money(minorUnits: try row["value_minor"], currency: try row["currency"]).description,
                    promisedDate: try row.optional("promised_date"), paidAt: try row.optionalDate("paid_at").map(ISOTime.utc),
                    cancelledAt: try row.optionalDate("cancelled_at").map(ISOTime.utc)))
        }
        guard !orders.isEmpty else { return [] }

        // Parcels, replacements naming the parcel they replace.
        var numbers: [Int64: String] = [:]
        var replacements: [Int64: (carrier: String, number: String)] = [:]
        let parcels = try db.fetchAll(
            sql: """
                SELECT id, order_id, carrier, tracking_number, status, reason, replaces_shipment_id FROM shipments\(only("order_id", first: true))
                ORDER BY id
                """, arguments: arguments)
        for row in parcels {
            let number: String = try row["tracking_number"]
            numbers[try row["id"]] = number
        }
        for row in parcels {
            guard let position = index[try row["order_id"]] else { continue }
            let replaced: Int64? = try row.optional("replaces_shipment_id")
            if let replaced { replacements[replaced] = (try row["carrier"], try row["tracking_number"]) }
            orders[position].parcels.append(
                OrderOverview.Parcel(
                    carrier: try row["carrier"], trackingNumber: try row["tracking_number"], status: try row["status"], reason: try row.optional("reason"),
                    replaces: replaced.map { numbers[$0] ?? "#\($0)" }))
        }

        // Customer messages: a notice names its order, or (queued before notices did) its case does.
        let order = "COALESCE(n.order_id, i.order_id)"
        for row in try db.fetchAll(
            sql: """
                SELECT \(order) AS order_id, n.template AS template,
                       SUM(CASE WHEN n.sent_at IS NOT NULL THEN 1 ELSE 0 END) AS sent,
                       SUM(CASE WHEN n.sent_at IS NULL AND n.superseded_at IS NULL THEN 1 ELSE 0 END) AS waiting
                FROM outbox n LEFT JOIN incidents i ON i.id = n.incident_id
                WHERE \(order) IS NOT NULL\(only(order, first: false)) GROUP BY \(order), n.template
                """, arguments: arguments)
        {
            guard let position = index[try row["order_id"]] else { continue }
            let sent: Int = try row["sent"], waiting: Int = try row["waiting"], template: String = try row["template"]
            orders[position].messages.sent += sent
            orders[position].messages.waiting += waiting
            if sent > 0 { orders[position].messages.sentByTemplate[template.isEmpty ? "other" : template, default: 0] += sent }
        }

        // Cases of the order and its parcels.
        for row in try db.fetchAll(
            sql: """
                SELECT order_id, kind, COUNT(*) AS opened, SUM(CASE WHEN closed_at IS NOT NULL THEN 1 ELSE 0 END) AS closed
                FROM incidents WHERE order_id IS NOT NULL\(only("order_id", first: false)) GROUP BY order_id, kind
                """, arguments: arguments)
        {
            guard let position = index[try row["order_id"]] else { continue }
            let kind: String = try row["kind"], opened: Int = try row["opened"], closed: Int = try row["closed"]
            orders[position].cases.opened += opened
            orders[position].cases.openedByKind[kind, default: 0] += opened
            if closed > 0 {
                orders[position].cases.closed += closed
                orders[position].cases.closedByKind[kind, default: 0] += closed
            }
        }

        // What the shop did, with the replacement a reship sent.
        for row in try db.fetchAll(
            sql: """
                SELECT i.order_id AS order_id, i.shipment_id AS shipment_id, a.incident_id AS incident_id, a.kind AS kind, a.state AS state,
                       a.amount_minor AS amount_minor, a.currency AS currency, a.created_at AS created_at, a.completed_at AS completed_at,
                       o.value_minor AS value_minor, o.currency AS order_currency
                FROM actions a JOIN incidents i ON i.id = a.incident_id JOIN orders o ON o.id = i.order_id
                WHERE i.order_id IS NOT NULL\(only("i.order_id", first: false)) ORDER BY a.id
                """, arguments: arguments)
        {
            guard let position = index[try row["order_id"]] else { continue }
            let kind: String = try row["kind"]
            var amount: Money?
            if kind == ActionKind.reship.rawValue {
                amount = nil  // the goods again, not money
            } else if let minor: Int64 = try row.optional("amount_minor"), let currency: String = try row.optional("currency") {
                amount = Money(minorUnits: minor, currency: currency)
            } else if kind == ActionKind.refund.rawValue {
                amount = Money(minorUnits: try row["value_minor"], currency: try row["order_currency"])
            }
            let replacement = kind == ActionKind.reship.rawValue ? try row.optional("shipment_id", as: Int64.self).flatMap { replacements[$0] } : nil
            orders[position].shop.append(
                OrderOverview.ShopAction(
                    kind: kind, state: try row["state"], incidentId: try row["incident_id"], amount: amount?.description,
                    replacementCarrier: replacement?.carrier, replacementNumber: replacement?.number,
                    requestedAt: ISOTime.utc(try row.date("created_at")),
                    completedAt: try row.optionalDate("completed_at").map(ISOTime.utc)))
        }
        return orders
    }
}
