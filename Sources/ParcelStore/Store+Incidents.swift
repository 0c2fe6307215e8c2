import Foundation
import ParcelCore

/// Cases, staff, escalations and search in the SQLite store.
extension Store.Cases {
    /// Whether ``raise(_:plan:notice:at:)`` would find `trigger` already known: a case of its
    /// subject and kind is open, or one was closed with this very evidence. Such a finding opens
    /// nothing, so its notice need not be rendered.
    public func knows(_ trigger: IncidentTrigger) throws -> Bool {
        try tx.step("looking for a known case", .read)
        return try db.scalar(
            Bool.self,
            sql: """
                SELECT EXISTS (SELECT 1 FROM incidents WHERE subject_key = ? AND kind = ? AND closed_at IS NULL)
                OR EXISTS (SELECT 1 FROM incidents WHERE subject_key = ? AND kind = ? AND evidence = ?)
                """,
            arguments: [trigger.subject.key, trigger.kind.rawValue, trigger.subject.key, trigger.kind.rawValue, trigger.evidence]) == true
    }

    /// Opens a case for `trigger`, or adds to the open one of the same subject and kind, in one
    /// transaction; a new customer-facing case's `notice` goes into the outbox in that same
    /// transaction. A closed case with the same evidence is not opened again. New cases get an
    /// owner round-robin over active staff.
    public func raise(_ trigger: IncidentTrigger, plan: IncidentPlan, notice: NoticeDraft? = nil, at: Date) throws -> RaiseOutcome {
        try tx.step("raising an incident", .serialized)
        let key = trigger.subject.key
        if let open = try db.fetchOne(
            sql: "SELECT id, evidence FROM incidents WHERE subject_key = ? AND kind = ? AND closed_at IS NULL",
            arguments: [key, trigger.kind.rawValue])
        {
            let id: Int64 = try open["id"]
            guard try open["evidence"] as String != trigger.evidence else { return .unchanged(id) }
            try db.execute(
                sql: "UPDATE incidents SET evidence = ?, updated_at = ? WHERE id = ?", arguments: [trigger.evidence, at.timeIntervalSince1970, id])
            try Store.history(db, id: id, at: at, actor: "sweep", action: "retriggered", detail: trigger.summary)
            return .retriggered(id)
        }
        if try db.scalar(
            Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM incidents WHERE subject_key = ? AND kind = ? AND evidence = ?)",
            arguments: [key, trigger.kind.rawValue, trigger.evidence]) == true
        {
            return .suppressed
        }
        var orderId: String?, shipmentId: Int64?, carrier: String?, number: String?
        switch trigger.subject {
        case .shipment(let id, let order, let carrierID, let trackingNumber):
            (orderId, shipmentId, carrier, number) = (order, id, carrierID, trackingNumber)
        case .order(let id): orderId = id
        case .carrier(let id): carrier = id
        }
        // One problem case per parcel: a lesser finding joins the open, more severe case's
        // history; a more severe one opens and absorbs the lesser case.
        var absorbing: [(id: Int64, kind: String)] = []
        if let shipmentId, let severity = trigger.kind.severity {
            let open = try Store.openProblemCases(db, shipmentId: shipmentId)
            if let stronger = open.first(where: { ($0.kind.severity ?? 0) > severity }) {
                // Once per finding: a silence's summary counts the days, its evidence does not.
                let finding = "\(trigger.kind.rawValue) (\(trigger.evidence)):"
                if try db.scalar(
                    Bool.self,
                    sql:
                        "SELECT EXISTS (SELECT 1 FROM incident_history WHERE incident_id = ? AND action = 'absorbed' AND substr(detail, 1, CAST(? AS INTEGER)) = ?)",
                    arguments: [stronger.id, finding.unicodeScalars.count, finding]) != true
                {
                    let detail = "\(finding) \(trigger.summary)"
                    try Store.history(db, id: stronger.id, at: at, actor: "sweep", action: "absorbed", detail: detail)
                }
                return .absorbed(stronger.id)
            }
            absorbing = open.filter { ($0.kind.severity ?? 0) < severity }.map { ($0.id, $0.kind.rawValue) }
        }
        // Once a parcel was replaced or its order refunded, the customer has had the shop's
        // answer: a late (or probably late) parcel is no news, and anything else about it is for staff only (a
        // return to handle, a double delivery to stop).
        let settled = try Store.settlement(db, orderId: orderId, shipmentId: shipmentId)
        if settled != nil, trigger.kind == .late || trigger.kind == .lateRisk { return .suppressed }
        let customerFacing = plan.customerFacing && settled == nil
        let owner = try Store.nextOwner(db)
        let id = try db.insertReturningID(
            sql: """
                INSERT INTO incidents (kind, order_id, shipment_id, carrier, tracking_number, state, customer_facing, owner, priority,
                opened_at, updated_at, subject_key, summary, evidence, notice_due, first_touch_due, resolution_due, next_update_due)
                VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                trigger.kind.rawValue, orderId, shipmentId, carrier, number, customerFacing, owner, plan.priority,
                at.timeIntervalSince1970, at.timeIntervalSince1970, key, trigger.summary, trigger.evidence,
                customerFacing ? plan.noticeDue?.timeIntervalSince1970 : nil, plan.firstTouchDue.timeIntervalSince1970,
                plan.resolutionDue.timeIntervalSince1970, customerFacing ? plan.resolutionDue.timeIntervalSince1970 : nil,
            ])
        try Store.history(db, id: id, at: at, actor: "sweep", action: "detected", detail: trigger.summary)
        if let settled {
            try Store.history(
                db, id: id, at: at, actor: "sweep", action: "staffOnly",
                detail: "the customer is not told: \(settled); staff watch for a return or a double delivery")
        }
        for lesser in absorbing {
            try Store.closeCase(
                db, id: lesser.id, state: .absorbed, at: at, action: "absorbed",
                detail: "into incident \(id) (\(trigger.kind.rawValue)): \(trigger.summary)")
            try Store.history(db, id: id, at: at, actor: "sweep", action: "absorbed", detail: "incident \(lesser.id) (\(lesser.kind))")
        }
        if let owner { try Store.history(db, id: id, at: at, actor: "sweep", action: "assigned", detail: "to \(owner) (round-robin)") }
        try Store.insertAudit(
            AuditEntry(
                at: at, actor: "sweep", action: "incident.open", subject: "incident:\(id)",
                detail: "\(trigger.kind.rawValue): \(trigger.summary)" + (owner.map { "; owner \($0)" } ?? "")), db: db)
        if let notice, customerFacing {
            try Store.insertNotice(notice, incidentId: id, at: at, db: db)
            try Store.history(
                db, id: id, at: at, actor: "sweep", action: "notice",
                detail: "\(notice.template) (\(notice.language)) queued for \(ISOTime.utc(notice.dueAt))")
        }
        guard let incident = try Store.fetchIncident(db, id: id) else {
            throw StoreError.failed(operation: "raising an incident", detail: "incident \(id) vanished")
        }
        return .opened(incident)
    }

    /// Cases matching `filter`, in its order, after its position, at most its limit: a listing
    /// reads a page at a time this way, so it never holds every case.
    public func incidents(_ filter: IncidentFilter) throws -> [Incident] {
        try tx.step("listing incidents", .read)
        var clauses: [String] = []
        var arguments: [(any SQLBindable)?] = []
        let deadline = Store.nextDeadline(db.dialect)
        if filter.openOnly { clauses.append("closed_at IS NULL") }
        if !filter.kinds.isEmpty {
            clauses.append("kind IN (\(filter.kinds.map { _ in "?" }.joined(separator: ", ")))")
            arguments += filter.kinds.map(\.rawValue).sorted()
        }
        if !filter.statuses.isEmpty {
            clauses.append("state IN (\(filter.statuses.map { _ in "?" }.joined(separator: ", ")))")
            arguments += filter.statuses.map(\.rawValue).sorted()
        }
        if let owner = filter.owner { clauses.append("owner = ?"); arguments.append(owner) }
        if let carrier = filter.carrier { clauses.append("carrier = ?"); arguments.append(carrier) }
        if let shipmentId = filter.shipmentId { clauses.append("shipment_id = ?"); arguments.append(shipmentId) }
        if let orderId = filter.orderId { clauses.append("order_id = ?"); arguments.append(orderId) }
        // Overdue is ``Incident/overdueClocks(at:)`` not empty: open, and the earliest unmet deadline passed.
        if let overdueAt = filter.overdueAt {
            clauses.append("closed_at IS NULL AND \(deadline) < ?")
            arguments.append(overdueAt.timeIntervalSince1970)
        }
        let order: String
        switch filter.order {
        case .opened:
            order = "id"
            if let after = filter.after { clauses.append("id > ?"); arguments.append(after.id) }
        case .queue:
            order = "\(deadline), priority DESC, id"
            if let after = filter.after {
                clauses.append("(\(deadline) > ? OR (\(deadline) = ? AND (priority < ? OR (priority = ? AND id > ?))))")
                arguments += [after.deadline, after.deadline, after.priority, after.priority, after.id]
            }
        }
        let condition = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        var sql = "SELECT * FROM incidents\(condition) ORDER BY \(order)"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        // Two queries for any number of cases (the queue, `/metrics`): the cases, then all their
        // breaches; a page's breaches are read by the page's ids.
        return try Store.decodeIncidents(
            db.fetchAll(sql: sql, arguments: SQLArguments(arguments)), db: db,
            selection: filter.limit == nil ? ("SELECT id FROM incidents\(condition)", SQLArguments(arguments)) : nil)
    }

    /// One case.
    public func incident(id: Int64) throws -> Incident? {
        try tx.step("reading an incident", .read)
        return try Store.fetchIncident(db, id: id)
    }

    /// A case's history, oldest first.
    public func incidentHistory(id: Int64) throws -> [IncidentNote] {
        try tx.step("reading an incident's history", .read)
        return try db.fetchAll(sql: "SELECT * FROM incident_history WHERE incident_id = ? ORDER BY at, id", arguments: [id]).map {
            IncidentNote(at: try $0.date("at"), actor: try $0["actor"], action: try $0["action"], detail: try $0["detail"])
        }
    }

    /// A staff action on a case, audited, in one transaction with its customer `notice` (the
    /// "resolved" message). The actor must be staff. An action that would change nothing is
    /// refused and writes nothing: assigning a case to its owner, closing a closed case.
    public func act(_ action: IncidentAction, on id: Int64, actor: String, notice: NoticeDraft? = nil, at: Date) throws -> Incident {
        try tx.step("changing an incident", .serialized)
        try Store.requireStaff(db, actor)
        guard let incident = try Store.fetchIncident(db, id: id) else { throw StoreError.noSuchIncident(id) }
        let time = at.timeIntervalSince1970
        let name: String
        let detail: String
        switch action {
        case .assign(let member):
            try Store.requireStaff(db, member, "cases can only be assigned to staff")
            try Store.requireOpen(incident)
            // Assigning a case to its owner changes nothing, so nothing is written or audited.
            guard incident.owner != member else {
                throw StoreError.rejected("incident \(id) is already assigned to \(member); nothing was changed")
            }
            try db.execute(sql: "UPDATE incidents SET owner = ? WHERE id = ?", arguments: [member, id])
            (name, detail) = ("assigned", "to \(member)" + (incident.owner.map { " (was \($0))" } ?? ""))
        case .note(let text):
            (name, detail) = ("note", text)
        case .dismiss(let reason):
            try Store.requireOpen(incident)
            try db.execute(sql: "UPDATE incidents SET state = 'dismissed', closed_at = ? WHERE id = ?", arguments: [time, id])
            (name, detail) = ("dismissed", reason)
        case .resolve(let outcome):
            try Store.requireOpen(incident)
            try db.execute(sql: "UPDATE incidents SET state = 'resolved', closed_at = ? WHERE id = ?", arguments: [time, id])
            (name, detail) = ("resolved", outcome)
        }
        try db.execute(
            sql: "UPDATE incidents SET updated_at = ?, first_touched_at = COALESCE(first_touched_at, ?) WHERE id = ?",
            arguments: [time, time, id])
        try Store.history(db, id: id, at: at, actor: actor, action: name, detail: detail)
        try Store.insertAudit(AuditEntry(at: at, actor: actor, action: "incident.\(name)", subject: "incident:\(id)", detail: detail), db: db)
        if let notice, incident.customerFacing { try Store.insertNotice(notice, incidentId: id, at: at, db: db) }
        guard let changed = try Store.fetchIncident(db, id: id) else { throw StoreError.noSuchIncident(id) }
        return changed
    }

    /// Open customer-facing cases whose promised next update is due: the customer was told
    /// "you will hear from us by …", and that time has come.
    public func dueFollowUps(now: Date, limit: Int) throws -> [Incident] {
        try tx.step("selecting due follow-ups", .read)
        return try Store.decodeIncidents(
            db.fetchAll(
                sql: """
                    SELECT * FROM incidents WHERE closed_at IS NULL AND customer_facing = 1 AND notified_at IS NOT NULL
                    AND next_update_due IS NOT NULL AND next_update_due <= ? ORDER BY next_update_due LIMIT ?
                    """, arguments: [now.timeIntervalSince1970, limit]), db: db)
    }

    /// Queues a follow-up notice and moves the promise to `nextUpdateDue`, in one transaction.
    public func recordFollowUp(incidentId: Int64, notice: NoticeDraft, nextUpdateDue: Date, at: Date) throws {
        try tx.step("recording a follow-up", .serialized)
        try Store.insertNotice(notice, incidentId: incidentId, at: at, db: db)
        try db.execute(
            sql: "UPDATE incidents SET next_update_due = ?, updated_at = ? WHERE id = ?",
            arguments: [nextUpdateDue.timeIntervalSince1970, at.timeIntervalSince1970, incidentId])
        try Store.history(
            db, id: incidentId, at: at, actor: "sweep", action: "followUp",
            detail: "update sent as promised; next one by \(ISOTime.utc(nextUpdateDue))")
    }
}

/// Cases, staff, escalations and search in the SQLite store.
extension Store.Console {
    /// Adds (or renames) a staff member.
    public func addStaff(_ member: StaffMember, actor: String, at: Date) throws {
        try tx.step("adding staff", .serialized)
        try db.execute(
            sql: """
                INSERT INTO staff (name, display_name, email, active, created_at) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (name) DO UPDATE SET display_name = excluded.display_name, email = COALESCE(excluded.email, staff.email), active = 1
                """, arguments: [member.name, member.displayName, member.email, at.timeIntervalSince1970])
        try Store.insertAudit(AuditEntry(at: at, actor: actor, action: "staff.add", subject: "staff:\(member.name)", detail: member.displayName), db: db)
    }

    /// Active staff, by name.
    public func staff() throws -> [StaffMember] {
        try tx.step("listing staff", .read)
        return try db.fetchAll(sql: "SELECT name, display_name, email FROM staff WHERE active = 1 ORDER BY name").map {
            StaffMember(name: try $0["name"], displayName: try $0["display_name"], email: try $0.optional("email"))
        }
    }
}

extension Store {
    // escalate(now:policy:) lives in Store+Escalations.swift.

    // MARK: Helpers

    /// The open cases about a parcel whose kinds rank by severity, most severe first.
    static func openProblemCases(_ db: any SQLConnection, shipmentId: Int64) throws -> [(id: Int64, kind: IncidentKind)] {
        let kinds = IncidentKind.bySeverity
        return try db.fetchAll(
            sql: """
                SELECT id, kind FROM incidents WHERE shipment_id = ? AND closed_at IS NULL AND kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))
                """, arguments: SQLArguments([shipmentId] + kinds.map(\.rawValue))
        ).map { row throws -> (id: Int64, kind: IncidentKind) in
            (try row["id"], try row.decode("kind", in: "incidents"))
        }.sorted { ($0.kind.severity ?? 0) > ($1.kind.severity ?? 0) }
    }

    /// Why the customer already has the shop's answer for this parcel or order, or nil: the order
    /// was refunded, or this parcel was replaced (a reship requested, under way or done).
    static func settlement(_ db: any SQLConnection, orderId: String?, shipmentId: Int64?) throws -> String? {
        if let orderId,
            try db.scalar(
                Bool.self,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM actions a JOIN incidents i ON i.id = a.incident_id
                                   WHERE i.order_id = ? AND a.kind = 'refund' AND a.state IN ('pending', 'sending', 'done'))
                    """, arguments: [orderId]) == true
        {
            return "the order was refunded"
        }
        if let shipmentId,
            try db.scalar(
                Bool.self,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM actions a JOIN incidents i ON i.id = a.incident_id
                                   WHERE i.shipment_id = ? AND a.kind = 'reship' AND a.state IN ('pending', 'sending', 'done'))
                    """, arguments: [shipmentId]) == true
        {
            return "the parcel was replaced"
        }
        return nil
    }

    /// Closes a case with its reason in the history and the audit log; its unsent notices are
    /// superseded, so the customer never hears news the case no longer stands behind.
    static func closeCase(_ db: any SQLConnection, id: Int64, state: IncidentStatus, at: Date, action: String, detail: String) throws {
        let time = at.timeIntervalSince1970
        try db.execute(
            sql: "UPDATE incidents SET state = ?, closed_at = ?, updated_at = ? WHERE id = ? AND closed_at IS NULL",
            arguments: [state.rawValue, time, time, id])
        try history(db, id: id, at: at, actor: "sweep", action: action, detail: detail)
        try insertAudit(AuditEntry(at: at, actor: "sweep", action: "incident.\(action)", subject: "incident:\(id)", detail: detail), db: db)
        try db.execute(
            sql: "UPDATE outbox SET superseded_at = ? WHERE incident_id = ? AND sent_at IS NULL AND superseded_at IS NULL",
            arguments: [time, id])
    }

    /// Refuses anyone not in the staff table.
    static func requireStaff(_ db: any SQLConnection, _ name: String, _ hint: String = "see `parcelwatch staff list`; nothing was changed") throws {
        guard try db.scalar(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM staff WHERE name = ? AND active = 1)", arguments: [name]) == true else {
            throw StoreError.rejected("\(name) is not a member of staff (\(hint))")
        }
    }

    static func requireOpen(_ incident: Incident) throws {
        if incident.status.isClosed {
            throw StoreError.rejected("incident \(incident.id) is already \(incident.status.rawValue); add a note instead")
        }
    }

    /// The active staff member after the owner of the newest owned case (round-robin).
    static func nextOwner(_ db: any SQLConnection) throws -> String? {
        let names = try db.scalars(String.self, sql: "SELECT name FROM staff WHERE active = 1 ORDER BY name")
        guard let first = names.first else { return nil }
        guard let last = try db.scalar(String.self, sql: "SELECT owner FROM incidents WHERE owner IS NOT NULL ORDER BY id DESC LIMIT 1") else { return first }
        return names.first { $0 > last } ?? first
    }

    static func history(_ db: any SQLConnection, id: Int64, at: Date, actor: String, action: String, detail: String) throws {
        try db.execute(
            sql: "INSERT INTO incident_history (incident_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
            arguments: [id, at.timeIntervalSince1970, actor, action, detail])
    }

    static func fetchIncident(_ db: any SQLConnection, id: Int64) throws -> Incident? {
        try decodeIncidents(db.fetchAll(sql: "SELECT * FROM incidents WHERE id = ?", arguments: [id]), db: db).first
    }

    /// ``ParcelCore/Incident/nextDeadline`` in SQL: the earliest of the resolution deadline, the
    /// first-touch deadline while untouched and the notice deadline while the customer has not heard.
    static func nextDeadline(_ dialect: SQLDialect) -> String {
        let resolution = "COALESCE(resolution_due, opened_at)"
        return """
            \(dialect.least)(\(resolution), CASE WHEN first_touched_at IS NULL THEN COALESCE(first_touch_due, opened_at) ELSE \(resolution) END, \
            CASE WHEN notice_due IS NOT NULL AND notified_at IS NULL THEN notice_due ELSE \(resolution) END)
            """
    }

    /// The incidents of `rows` (`SELECT * FROM incidents …`) with their breaches, read in one more
    /// query: over `selection` (a subquery of incident ids, with its `arguments`) when given, else
    /// over the rows' ids (one query per 500 incidents).
    static func decodeIncidents(_ rows: [SQLRow], db: any SQLConnection, selection: (sql: String, arguments: SQLArguments)? = nil) throws -> [Incident] {
        guard !rows.isEmpty else { return [] }
        let ids: [Int64] = try rows.map { try $0["id"] }
        var breaches: [Int64: [SLAClock]] = [:]
        if let selection {
            breaches = try Self.breaches(db, in: selection.sql, arguments: selection.arguments)
        } else {
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = ids[start..<min(ids.count, start + 500)]
                breaches.merge(try Self.breaches(db, in: chunk.map { _ in "?" }.joined(separator: ", "), arguments: SQLArguments(chunk))) { $1 }
            }
        }
        return try zip(rows, ids).map { row, id in try decodeIncident(row, breaches: breaches[id] ?? []) }
    }

    /// The SLA clocks each incident `selection` names (ids, or a subquery of them) breached, in the
    /// order they did (the lead's escalation left out): one query for any number of incidents.
    static func breaches(_ db: any SQLConnection, in selection: String, arguments: SQLArguments) throws -> [Int64: [SLAClock]] {
        var breaches: [Int64: [SLAClock]] = [:]
        for row in try db.fetchAll(
            sql: """
                SELECT incident_id, clock FROM escalations WHERE clock <> '\(EscalationEntry.lead.stored)' AND incident_id IN (\(selection))
                 ORDER BY incident_id, at, clock
                """, arguments: arguments)
        {
            breaches[try row["incident_id"], default: []].append(try row.decode("clock", in: "escalations"))
        }
        return breaches
    }

    /// One incident row with the clocks it `breaches`.
    static func decodeIncident(_ row: SQLRow, breaches: [SLAClock]) throws -> Incident {
        func date(_ column: String) throws -> Date? { try row.optionalDate(column) }
        let detected = try row.date("opened_at")
        var incident = Incident(
            id: try row["id"], kind: try row.decode("kind", in: "incidents"), status: try row.decode("state", in: "incidents"),
            orderId: try row.optional("order_id"), shipmentId: try row.optional("shipment_id"), carrier: try row.optional("carrier"),
            trackingNumber: try row.optional("tracking_number"), customerFacing: try row["customer_facing"], owner: try row.optional("owner"),
            priority: try row["priority"], summary: try row["summary"],
            detectedAt: detected, noticeDue: try date("notice_due"), firstTouchDue: try date("first_touch_due") ?? detected,
            resolutionDue: try date("resolution_due") ?? detected, firstTouchedAt: try date("first_touched_at"), notifiedAt: try date("notified_at"),
            nextUpdateDue: try date("next_update_due"), closedAt: try date("closed_at"), breaches: breaches)
        incident.evidence = try row["evidence"]
        return incident
    }

    /// The order's columns as `o_…`, beside a shipment's own in one row.
    static let orderColumns = """
        o.id AS o_id, o.customer_name AS o_customer_name, o.email AS o_email, o.phone AS o_phone, o.language AS o_language,
        o.postcode AS o_postcode, o.value_minor AS o_value_minor, o.currency AS o_currency, o.promised_date AS o_promised_date,
        o.paid_at AS o_paid_at, o.reshippable AS o_reshippable
        """

    static func decodeOrder(_ row: SQLRow, prefix: String) throws -> Order {
        Order(
            id: try row[prefix + "id"], customerName: try row[prefix + "customer_name"], email: try row[prefix + "email"],
            phone: try row.optional(prefix + "phone"), language: try row[prefix + "language"], postcode: try row[prefix + "postcode"],
            value: Money(minorUnits: try row[prefix + "value_minor"], currency: try row[prefix + "currency"]),
            promisedDate: try row.optional(prefix + "promised_date"), paidAt: try row.optionalDate(prefix + "paid_at"),
            reshippable: try row[prefix + "reshippable"])
    }
}
