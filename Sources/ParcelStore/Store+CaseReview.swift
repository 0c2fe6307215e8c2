import Foundation
import ParcelCore

/// Cases whose evidence may go away by itself, and closing them when it does.
extension Store.Cases {
    /// Open cases whose evidence may go by itself (``CaseReview/kinds``) and whose parcel or
    /// order is due at `now`, by id after `after`.
    public func casesToReview(dueBy now: Date, after: Int64, limit: Int) throws -> [CaseReview] {
        try tx.step("selecting cases to review", .read)
        let kinds = CaseReview.kinds.map(\.rawValue)
        // Evidence goes only when a fact changes, and a change marks the parcel (and its order)
        // due: only the cases of due parcels and orders can have lost theirs.
        let rows = try db.fetchAll(
            sql: """
                SELECT i.* FROM incidents i LEFT JOIN shipments s ON s.id = i.shipment_id LEFT JOIN orders o ON o.id = i.order_id
                WHERE i.closed_at IS NULL AND i.id > ? AND i.kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))
                AND (s.rules_due <= ? OR o.rules_due <= ?)
                ORDER BY i.id LIMIT ?
                """, arguments: SQLArguments([after] + kinds + [now.timeIntervalSince1970, now.timeIntervalSince1970, limit]))
        return try Store.decodeIncidents(rows, db: db).map { incident in
            let order = try incident.orderId.flatMap { id in
                try db.fetchOne(sql: "SELECT * FROM orders WHERE id = ?", arguments: [id]).map(Store.decodeOrder)
            }
            let shipment = try incident.shipmentId.flatMap { id in
                try db.fetchOne(sql: "SELECT * FROM shipments WHERE id = ?", arguments: [id]).map(Store.decodeShipment)
            }
            let parcels =
                incident.kind == .notDispatched
                ? try db.fetchAll(sql: "SELECT * FROM shipments WHERE order_id = ? ORDER BY id", arguments: [incident.orderId]).map(Store.decodeShipment)
                : []
            return CaseReview(incident: incident, order: order, shipment: shipment, orderShipments: parcels)
        }
    }

    /// Closes a case whose evidence went as `resolvedByCarrier`, with `reason` in its history,
    /// its unsent notices superseded and `goodNews` queued when the customer had been told, all
    /// in one transaction; a case with a pending or done action is flagged for staff (once) instead.
    public func resolveByCarrier(incidentId: Int64, reason: String, goodNews: NoticeDraft?, at: Date) throws -> CarrierResolution {
        try tx.step("closing a case the carrier resolved", .serialized)
        guard let incident = try Store.fetchIncident(db, id: incidentId), !incident.status.isClosed else { return .unchanged }
        // The shop already acted (a reship or refund is under way or done): closing would hide a
        // possible double delivery or a refund to claw back, so staff are told once instead.
        if try db.scalar(
            Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM actions WHERE incident_id = ? AND state IN ('pending', 'sending', 'done'))",
            arguments: [incidentId]) == true
        {
            guard
                try db.scalar(
                    Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM incident_history WHERE incident_id = ? AND action = 'flagged')",
                    arguments: [incidentId]) != true
            else { return .unchanged }
            let detail = "\(reason), but an action is pending or done: decide whether to stop it (double delivery, refund)"
            try Store.history(db, id: incidentId, at: at, actor: "sweep", action: "flagged", detail: detail)
            try Store.insertAudit(AuditEntry(at: at, actor: "sweep", action: "incident.flagged", subject: "incident:\(incidentId)", detail: detail), db: db)
            return .flagged
        }
        try Store.closeCase(db, id: incidentId, state: .resolvedByCarrier, at: at, action: "resolvedByCarrier", detail: reason)
        // Good news closes the loop, but only for a customer who heard of the problem, and
        // never about an order already refunded or a parcel already replaced.
        if let goodNews, incident.customerFacing, incident.notifiedAt != nil,
            try Store.settlement(db, orderId: incident.orderId, shipmentId: incident.shipmentId) == nil
        {
            try Store.insertNotice(goodNews, incidentId: incidentId, at: at, db: db)
        }
        return .closed
    }
}
