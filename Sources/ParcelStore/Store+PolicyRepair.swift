import Foundation
import ParcelCore

extension Store.Cases {
    /// Open cases of an order with no workflow action at all, oldest first, each with its order:
    /// what a crash between opening a case and requesting its policy action would leave (a store
    /// written by a version that did the two in separate transactions). The sweep asks the policy
    /// again for each (``Store/Actions/requestAction(incidentId:kind:amount:state:actor:at:)`` is
    /// idempotent per case and kind). Paged by id, after `after`.
    public func openWithoutActions(after: Int64, limit: Int) throws -> [(incident: Incident, order: Order)] {
        try tx.step("selecting cases without an action", .read)
        let rows = try db.fetchAll(
            sql: """
                SELECT i.* FROM incidents i WHERE i.id > ? AND i.closed_at IS NULL AND i.order_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.incident_id = i.id) ORDER BY i.id LIMIT ?
                """, arguments: [after, limit])
        return try Store.decodeIncidents(rows, db: db).compactMap { incident in
            guard let orderId = incident.orderId,
                let order = try db.fetchOne(sql: "SELECT * FROM orders WHERE id = ?", arguments: [orderId]).map({ try Store.decodeOrder($0) })
            else { return nil }
            return (incident, order)
        }
    }
}
