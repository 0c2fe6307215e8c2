import Foundation

/// Cases whose evidence may go away by itself, and closing them when it does.
extension SQLStore {
    public func casesToReview(after: Int64, limit: Int) async throws(StoreError) -> [CaseReview] {
        try await read("selecting cases to review") { db in
            let kinds = CaseReview.kinds.map(\.rawValue)
            let rows = try db.fetchAll(
                sql: """
                    SELECT * FROM incidents WHERE closed_at IS NULL AND id > ? AND kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))
                    ORDER BY id LIMIT ?
                    """, arguments: SQLArguments([after] + kinds + [limit]))
            return try Self.decodeIncidents(rows, db: db).map { incident in
                let order = try incident.orderId.flatMap { id in
                    try db.fetchOne(sql: "SELECT * FROM orders WHERE id = ?", arguments: [id]).map(Self.decodeOrder)
                }
                let shipment = try incident.shipmentId.flatMap { id in
                    try db.fetchOne(sql: "SELECT * FROM shipments WHERE id = ?", arguments: [id]).map(Self.decodeShipment)
                }
                let parcels =
                    incident.kind == .notDispatched
                    ? try db.fetchAll(sql: "SELECT * FROM shipments WHERE order_id = ? ORDER BY id", arguments: [incident.orderId]).map(Self.decodeShipment)
                    : []
                return CaseReview(incident: incident, order: order, shipment: shipment, orderShipments: parcels)
            }
        }
    }

    public func resolveByCarrier(incidentId: Int64, reason: String, goodNews: NoticeDraft?, at: Date) async throws(StoreError) -> CarrierResolution {
        try await writeTransaction("closing a case the carrier resolved") { db in
            guard let incident = try Self.fetchIncident(db, id: incidentId), !incident.status.isClosed else { return .unchanged }
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
                try Self.history(db, id: incidentId, at: at, actor: "sweep", action: "flagged", detail: detail)
                try Self.insertAudit(AuditEntry(at: at, actor: "sweep", action: "incident.flagged", subject: "incident:\(incidentId)", detail: detail), db: db)
                return .flagged
            }
            try Self.closeCase(db, id: incidentId, state: .resolvedByCarrier, at: at, action: "resolvedByCarrier", detail: reason)
            // Good news closes the loop, but only for a customer who heard of the problem, and
            // never about an order already refunded or a parcel already replaced.
            if let goodNews, incident.customerFacing, incident.notifiedAt != nil,
                try Self.settlement(db, orderId: incident.orderId, shipmentId: incident.shipmentId) == nil
            {
                try Self.insertNotice(goodNews, incidentId: incidentId, at: at, db: db)
            }
            return .closed
        }
    }
}
