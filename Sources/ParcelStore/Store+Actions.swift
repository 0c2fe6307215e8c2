import Foundation
import ParcelCore

/// Workflow actions in the SQLite store.
extension Store.Actions {
    /// Records an action on a case (one per case and kind): `proposed` waits for staff, `pending`
    /// goes to the executor. A pending request for a proposed one approves it. Asking again
    /// otherwise changes nothing: staff are refused (``StoreError/rejected(_:)``, nothing
    /// written), while the policy (`actor` `policy`) gets the existing action back, so its
    /// retries stay idempotent. The case moves to `actionProposed`. Audited.
    public func requestAction(incidentId: Int64, kind: ActionKind, amount: Money?, state: ActionState, actor: String, at: Date) throws
        -> WorkflowAction
    {
        try tx.step("requesting an action", .serialized)
        if actor != "policy" { try Store.requireStaff(db, actor) }
        guard let incident = try Store.fetchIncident(db, id: incidentId) else { throw StoreError.noSuchIncident(incidentId) }
        let key = "incident-\(incidentId)-\(kind.rawValue)"
        if let existing = try db.fetchOne(sql: "SELECT * FROM actions WHERE idempotency_key = ?", arguments: [key]).map(Store.decodeAction) {
            guard existing.state == .proposed, state == .pending else {
                // One action per case and kind: asking again changes nothing. The policy's
                // retries get the action back; staff are told, and nothing is written.
                guard actor != "policy" else { return existing }
                throw StoreError.rejected(existing.unchangedReason)
            }
            try db.execute(
                sql: "UPDATE actions SET state = 'pending', next_attempt_at = ? WHERE id = ?", arguments: [at.timeIntervalSince1970, existing.id])
            try Store.history(db, id: incidentId, at: at, actor: actor, action: "approved", detail: kind.rawValue)
            try Store.insertAudit(
                AuditEntry(at: at, actor: actor, action: "action.approve", subject: "incident:\(incidentId)", detail: kind.rawValue), db: db)
            return try db.fetchOne(sql: "SELECT * FROM actions WHERE id = ?", arguments: [existing.id]).map(Store.decodeAction) ?? existing
        }
        guard !incident.status.isClosed else { throw StoreError.rejected("incident \(incidentId) is already \(incident.status.rawValue)") }
        let id = try db.insertReturningID(
            sql: """
                INSERT INTO actions (incident_id, kind, state, amount_minor, currency, idempotency_key, requested_by, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                incidentId, kind.rawValue, state.rawValue, amount?.minorUnits, amount?.currency, key, actor,
                at.timeIntervalSince1970, at.timeIntervalSince1970,
            ])
        let detail = kind.rawValue + (amount.map { " \($0)" } ?? "") + (state == .proposed ? " proposed for approval" : " requested")
        try Store.history(db, id: incidentId, at: at, actor: actor, action: state == .proposed ? "proposed" : "requested", detail: detail)
        try Store.insertAudit(
            AuditEntry(
                at: at, actor: actor, action: "action.\(state == .proposed ? "propose" : "request")",
                subject: "incident:\(incidentId)", detail: detail), db: db)
        try db.execute(
            sql: """
                UPDATE incidents SET state = 'actionProposed', updated_at = ? WHERE id = ? AND state IN ('open', 'notified')
                """, arguments: [at.timeIntervalSince1970, incidentId])
        guard let action = try db.fetchOne(sql: "SELECT * FROM actions WHERE id = ?", arguments: [id]).map(Store.decodeAction) else {
            throw StoreError.failed(operation: "requesting an action", detail: "action \(id) vanished")
        }
        return action
    }

    /// Takes up to `limit` actions due at `now` for execution, leasing them for `lease` seconds so
    /// a second worker skips them and a dead worker's lease runs out.
    public func claimActions(now: Date, lease: TimeInterval, limit: Int) throws -> [WorkflowAction] {
        try tx.step("claiming actions", .rowsLeased)
        let time = now.timeIntervalSince1970
        let ids = try db.scalars(
            Int64.self,
            sql: """
                SELECT id FROM actions WHERE (state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))
                   OR (state = 'sending' AND lease_until < ?) ORDER BY id LIMIT ?\(db.dialect.skipLocked)
                """, arguments: [time, time, limit])
        guard !ids.isEmpty else { return [] }
        let list = ids.map { _ in "?" }.joined(separator: ", ")
        try db.execute(
            sql: "UPDATE actions SET state = 'sending', lease_until = ?, attempts = attempts + 1 WHERE id IN (\(list))",
            arguments: SQLArguments([time + lease] + ids))
        return try db.fetchAll(sql: "SELECT * FROM actions WHERE id IN (\(list)) ORDER BY id", arguments: SQLArguments(ids)).map(Store.decodeAction)
    }

    /// The shop's backend acknowledged the action: done, the case moves to `actionTaken`, and the
    /// customer's `notice` (refund issued …) is queued in the same transaction.
    /// With `replacement` (a reship the backend shipped), the replacement parcel is linked in the
    /// same transaction.
    public func completeAction(id: Int64, result: String, notice: NoticeDraft?, replacement: ReplacementLink? = nil, at: Date) throws {
        try tx.step("recording an executed action", .serialized)
        guard let action = try db.fetchOne(sql: "SELECT * FROM actions WHERE id = ?", arguments: [id]).map(Store.decodeAction),
            action.state != .done
        else { return }
        try db.execute(
            sql: "UPDATE actions SET state = 'done', result = ?, completed_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?",
            arguments: [String(result.prefix(2000)), at.timeIntervalSince1970, id])
        try db.execute(
            sql: "UPDATE incidents SET state = 'actionTaken', updated_at = ? WHERE id = ? AND closed_at IS NULL",
            arguments: [at.timeIntervalSince1970, action.incidentId])
        let detail = "\(action.kind.rawValue)" + (action.amount.map { " \($0)" } ?? "") + " executed by the shop backend"
        try Store.history(db, id: action.incidentId, at: at, actor: "workflow", action: "actionTaken", detail: detail)
        try Store.insertAudit(
            AuditEntry(
                at: at, actor: "workflow", action: "action.done", subject: "incident:\(action.incidentId)",
                detail: detail + " (\(action.idempotencyKey))"), db: db)
        if let notice { try Store.insertNotice(notice, incidentId: action.incidentId, at: at, db: db) }
        // The replacement the backend shipped is linked in the same transaction: a crash can
        // never record the reship as done and lose its replacement.
        if let replacement { _ = try Store.link(replacement, incidentId: action.incidentId, actor: "workflow", at: at, db: db) }
    }

    /// The backend's reply cannot be used (its replacement belongs to another order, …): the
    /// action is `failed` with the reason, in the case's history for staff; never retried alone.
    public func refuseAction(id: Int64, error: String, at: Date) throws {
        try tx.step("recording a refused backend reply", .rowsLeased)
        guard let action = try db.fetchOne(sql: "SELECT * FROM actions WHERE id = ?", arguments: [id]).map(Store.decodeAction) else { return }
        try db.execute(
            sql: "UPDATE actions SET state = 'failed', lease_until = NULL, last_error = ? WHERE id = ? AND state = 'sending'",
            arguments: [String(error.prefix(500)), id])
        let detail = "\(action.kind.staffName) needs staff: \(error)"
        try Store.history(db, id: action.incidentId, at: at, actor: "workflow", action: "actionFailed", detail: detail)
        try Store.insertAudit(
            AuditEntry(
                at: at, actor: "workflow", action: "action.failed", subject: "incident:\(action.incidentId)",
                detail: detail), db: db)
    }

    /// The attempt failed; try again at `retryAt`.
    public func failAction(id: Int64, error: String, retryAt: Date) throws {
        try tx.step("recording a failed action", .rowsLeased)
        try db.execute(
            sql: "UPDATE actions SET state = 'pending', lease_until = NULL, last_error = ?, next_attempt_at = ? WHERE id = ? AND state = 'sending'",
            arguments: [String(error.prefix(500)), retryAt.timeIntervalSince1970, id])
    }

    /// Actions of one case, or every action in `states`.
    public func actions(incidentId: Int64?, states: Set<ActionState>) throws -> [WorkflowAction] {
        try tx.step("listing actions", .read)
        var clauses: [String] = []
        var arguments: [(any SQLBindable)?] = []
        if let incidentId { clauses.append("incident_id = ?"); arguments.append(incidentId) }
        if !states.isEmpty {
            clauses.append("state IN (\(states.map { _ in "?" }.joined(separator: ", ")))")
            arguments += states.map(\.rawValue).sorted()
        }
        let sql = "SELECT * FROM actions" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")) + " ORDER BY id"
        return try db.fetchAll(sql: sql, arguments: SQLArguments(arguments)).map(Store.decodeAction)
    }
}

/// Workflow actions in the SQLite store.
extension Store.Cases {
    /// A replacement parcel for a case: a new shipment of the same order, linked in the history,
    /// with the customer's "replacement sent" `notice` in the same transaction. It gets its own
    /// promised day by `promise` (late is judged against it, never against the original's).
    public func linkReplacement(
        incidentId: Int64, carrier: String, trackingNumber: String, notice: NoticeDraft?, promise: ReplacementPromise,
        actor: String, at: Date
    ) throws -> Shipment {
        try tx.step("linking a replacement shipment", .serialized)
        return try Store.link(
            ReplacementLink(carrier: carrier, trackingNumber: trackingNumber, notice: notice, promise: promise),
            incidentId: incidentId, actor: actor, at: at, db: db)
    }
}

extension Store {
    /// Links a replacement inside the caller's transaction (see ``linkReplacement``).
    static func link(_ replacement: ReplacementLink, incidentId: Int64, actor: String, at: Date, db: any SQLConnection) throws -> Shipment {
        let (carrier, trackingNumber) = (replacement.carrier, replacement.trackingNumber)
        guard let incident = try Self.fetchIncident(db, id: incidentId), let orderId = incident.orderId else {
            throw StoreError.rejected("incident \(incidentId) has no order to ship a replacement for")
        }
        if let owner = try db.scalar(
            String.self, sql: "SELECT order_id FROM shipments WHERE carrier = ? AND tracking_number = ?", arguments: [carrier, trackingNumber]),
            owner != orderId
        {
            throw StoreError.rejected("\(carrier) \(trackingNumber) already belongs to order \(owner)")
        }
        // The replacement's own promise: the original's lead time (first scan to the order's
        // promised day) from today, or the shop's reship_promise_days.
        let dispatched = try incident.shipmentId.flatMap { original in
            try db.scalar(
                Double.self, sql: "SELECT MIN(time) FROM events WHERE shipment_id = ? AND status NOT IN ('unknown', 'pending', 'infoReceived')",
                arguments: [original]
            ).map(Date.init(timeIntervalSince1970:))
        }
        let promised = try db.scalar(String.self, sql: "SELECT promised_date FROM orders WHERE id = ?", arguments: [orderId])
        let ownPromise = replacement.promise.date(now: at, dispatched: dispatched, promised: promised)
        try db.execute(
            sql: """
                INSERT INTO shipments (order_id, carrier, tracking_number, next_check_at, created_at, promised_date, replaces_shipment_id)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (carrier, tracking_number) DO NOTHING
                """, arguments: [orderId, carrier, trackingNumber, at.timeIntervalSince1970, at.timeIntervalSince1970, ownPromise, incident.shipmentId])
        try Self.history(
            db, id: incidentId, at: at, actor: actor, action: "replacement",
            detail: "replacement shipment \(carrier) \(trackingNumber), promised for \(ownPromise ?? "no day (no lead time known)")")
        try Self.insertAudit(
            AuditEntry(
                at: at, actor: actor, action: "action.replacement", subject: "incident:\(incidentId)",
                detail: "\(carrier) \(trackingNumber)"), db: db)
        if let notice = replacement.notice { try Self.insertNotice(notice, incidentId: incidentId, at: at, db: db) }
        guard
            let shipment = try db.fetchOne(
                sql: "SELECT * FROM shipments WHERE carrier = ? AND tracking_number = ?",
                arguments: [carrier, trackingNumber]
            ).map(Self.decodeShipment)
        else {
            throw StoreError.failed(operation: "linking a replacement shipment", detail: "shipment vanished")
        }
        return shipment
    }

    static func decodeAction(_ row: SQLRow) throws -> WorkflowAction {
        let currency: String? = try row.optional("currency")
        let minor: Int64? = try row.optional("amount_minor")
        return WorkflowAction(
            id: try row["id"], incidentId: try row["incident_id"], kind: try row.decode("kind", in: "actions"),
            state: try row.decode("state", in: "actions"),
            amount: minor.flatMap { amount in currency.map { Money(minorUnits: amount, currency: $0) } },
            idempotencyKey: try row["idempotency_key"], requestedBy: try row["requested_by"], createdAt: try row.date("created_at"),
            attempts: try row["attempts"], nextAttemptAt: try row.optionalDate("next_attempt_at"),
            lastError: try row.optional("last_error"), result: try row.optional("result"), completedAt: try row.optionalDate("completed_at"))
    }
}
