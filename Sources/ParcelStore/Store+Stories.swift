import Foundation
import ParcelCore

/// The order as every customer-facing text must state it.
extension Store.Cases {
    /// The order as it stands: its parcels (replacements included) and the refunds and reships
    /// under way or done, as every customer-facing text must state it.
    public func orderStory(orderId: String) throws -> OrderStory {
        try tx.step("reading an order's story", .read)
        return try Store.story(db, orderId: orderId)
    }
}

extension Store {
    /// The order's parcels and the refunds and reships under way or done for its cases, in
    /// two queries.
    static func story(_ db: any SQLConnection, orderId: String) throws -> OrderStory {
        let parcels = try db.fetchAll(sql: "SELECT * FROM shipments WHERE order_id = ? ORDER BY id", arguments: [orderId]).map(decodeShipment)
        let promised = try db.scalar(String.self, sql: "SELECT promised_date FROM orders WHERE id = ?", arguments: [orderId])
        let actions = try db.fetchAll(
            sql: """
                SELECT a.kind, a.state, a.amount_minor, a.currency, a.incident_id FROM actions a JOIN incidents i ON i.id = a.incident_id
                WHERE i.order_id = ? AND a.kind IN ('refund', 'reship') AND a.state IN ('pending', 'sending', 'done') ORDER BY a.id
                """, arguments: [orderId])
        var shop: [OrderStory.ShopAction] = []
        for row in actions {
            let kind: String = try row["kind"]
            let state: String = try row["state"]
            var line = OrderStory.ShopAction(kind: kind, state: state == "done" ? "done" : "pending", amount: nil, carrier: nil, trackingNumber: nil)
            if kind == "refund", let minor: Int64 = try row.optional("amount_minor"), let currency: String = try row.optional("currency") {
                line.amount = Money(minorUnits: minor, currency: currency).decimalText + " " + currency
            }
            if kind == "reship" {
                // The replacement linked for that case's parcel, once it shipped.
                let incident: Int64 = try row["incident_id"]
                let original = try db.scalar(Int64.self, sql: "SELECT shipment_id FROM incidents WHERE id = ?", arguments: [incident])
                if let replacement = parcels.last(where: { $0.replacesShipmentId != nil && $0.replacesShipmentId == original }) {
                    line.carrier = replacement.carrier
                    line.trackingNumber = replacement.trackingNumber
                }
            }
            shop.append(line)
        }
        return OrderStory(
            parcels: parcels.map { parcel in
                OrderStory.Parcel(
                    carrier: parcel.carrier, trackingNumber: parcel.trackingNumber, status: parcel.status.rawValue,
                    replacement: parcel.replacesShipmentId != nil,
                    promisedDate: parcel.promisedDate ?? (parcel.replacesShipmentId == nil ? promised : nil),
                    estimatedDelivery: parcel.estimatedDelivery.map(ISOTime.utc))
            }, shop: shop)
    }
}
