import Foundation
import ParcelCore

/// The customer proof check's one query.
extension Store.Customers {
    /// An unknown number still yields one row, of stand-in values (a shipment id of 0), decoded
    /// like a real one and only then dropped, and still looks an order up (by the number itself,
    /// which no order's id is, or which is dropped with the row if one is): the work per request
    /// does not depend on whether the number exists.
    public func parcelProofs(trackingNumber: String) throws -> [ParcelProof] {
        try tx.step("checking a customer's proof", .read)
        return try db.fetchAll(
            sql: """
                SELECT COALESCE(s.id, 0) AS id, COALESCE(s.order_id, 'none') AS order_id,
                COALESCE(o.postcode, '00-000') AS postcode, COALESCE(o.email, 'nobody@parcelwatch.invalid') AS email
                FROM (SELECT CAST(? AS TEXT) AS number) q LEFT JOIN shipments s ON s.tracking_number = q.number
                LEFT JOIN orders o ON o.id = COALESCE(s.order_id, q.number) ORDER BY s.id
                """, arguments: [trackingNumber]
        ).map { row in
            ParcelProof(shipmentId: try row["id"], orderId: try row["order_id"], postcode: try row["postcode"], email: try row["email"])
        }.filter { $0.shipmentId != 0 }
    }
}
