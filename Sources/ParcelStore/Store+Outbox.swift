import Foundation
import ParcelCore

/// The outbox in the SQLite store: notices written with the change that caused them, delivered
/// later, each at most once per dedupe key.
extension Store.Outbox {
    /// Queues a notice; a second one with the same dedupe key is ignored.
    public func enqueue(_ notice: NoticeDraft, incidentId: Int64?) throws {
        try tx.step("queueing a notice", .serialized)
        try Store.insertNotice(notice, incidentId: incidentId, at: notice.dueAt, db: db)
    }

    /// Leases up to `limit` unsent notices due at `now`, oldest first, for `lease` seconds: a
    /// second worker skips them, and a dead worker's notices go out once the lease runs out.
    /// ``markNoticeSent(id:at:)`` and ``markNoticeFailed(id:error:retryAt:)`` end the lease.
    public func claimNotices(now: Date, lease: TimeInterval, limit: Int) throws -> [OutboxNotice] {
        try tx.step("claiming due notices", .rowsLeased)
        let time = now.timeIntervalSince1970
        let ids = try db.scalars(
            Int64.self,
            sql: """
                SELECT id FROM outbox WHERE sent_at IS NULL AND superseded_at IS NULL AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
                ORDER BY due_at, id LIMIT ?\(db.dialect.skipLocked)
                """, arguments: [time, time, limit])
        guard !ids.isEmpty else { return [] }
        let list = ids.map { _ in "?" }.joined(separator: ", ")
        try db.execute(sql: "UPDATE outbox SET lease_until = ? WHERE id IN (\(list))", arguments: SQLArguments([time + lease] + ids))
        return try db.fetchAll(sql: "SELECT * FROM outbox WHERE id IN (\(list)) ORDER BY due_at, id", arguments: SQLArguments(ids))
            .map(Store.decodeNotice)
    }

    /// Marks a notice delivered; its case moves from `open` to `notified` (audited).
    public func markNoticeSent(id: Int64, at: Date) throws {
        try tx.step("recording a delivered notice", .rowsLeased)
        // RETURNING answers the notice's case only when this delivery marked it: no second read.
        guard
            let incidentId = try db.scalar(
                Int64.self,
                sql: """
                    UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL, lease_until = NULL WHERE id = ? AND sent_at IS NULL
                    RETURNING incident_id
                    """,
                arguments: [at.timeIntervalSince1970, id])
        else { return }
        try db.execute(
            sql: """
                UPDATE incidents SET state = CASE WHEN state = 'open' THEN 'notified' ELSE state END, notified_at = ?, updated_at = ?
                WHERE id = ? AND notified_at IS NULL
                """, arguments: [at.timeIntervalSince1970, at.timeIntervalSince1970, incidentId])
        if db.changesCount > 0 {
            try Store.history(db, id: incidentId, at: at, actor: "sweep", action: "notified", detail: "customer notice \(id) delivered")
            try Store.insertAudit(
                AuditEntry(
                    at: at, actor: "sweep", action: "incident.notified", subject: "incident:\(incidentId)",
                    detail: "customer notice \(id) delivered"), db: db)
        }
    }

    /// Records a failed delivery and when to try again.
    public func markNoticeFailed(id: Int64, error: String, retryAt: Date) throws {
        try tx.step("recording a failed notice", .rowsLeased)
        try db.execute(
            sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ?, due_at = ?, lease_until = NULL WHERE id = ? AND sent_at IS NULL",
            arguments: [String(error.prefix(500)), retryAt.timeIntervalSince1970, id])
    }

    /// Notices by state, newest first, only those older than the notice with id `after` (the
    /// last of the previous page) when given.
    public func notices(_ state: NoticeState, limit: Int, after: Int64? = nil) throws -> [OutboxNotice] {
        try tx.step("listing notices", .read)
        let condition: String
        switch state {
        case .pending: condition = "sent_at IS NULL AND superseded_at IS NULL"
        case .failed: condition = "sent_at IS NULL AND superseded_at IS NULL AND attempts > 0"
        case .superseded: condition = "superseded_at IS NOT NULL"
        case .sent: condition = "sent_at IS NOT NULL"
        case .all: condition = "1 = 1"
        }
        let page = after == nil ? "" : " AND id < ?"
        let arguments: [(any SQLBindable)?] = after.map { [$0, limit] } ?? [limit]
        return try db.fetchAll(sql: "SELECT * FROM outbox WHERE (\(condition))\(page) ORDER BY id DESC LIMIT ?", arguments: SQLArguments(arguments))
            .map(Store.decodeNotice)
    }
}

extension Store {
    static func insertNotice(_ notice: NoticeDraft, incidentId: Int64?, at: Date, db: any SQLConnection) throws {
        // RETURNING answers the new row's id, or no row when the key was there: no second read.
        let inserted = try db.scalar(
            Int64.self,
            sql: """
                INSERT INTO outbox (dedupe_key, channel, recipient, subject, body, incident_id, created_at, due_at, language, template, order_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
                """,
            arguments: [
                notice.dedupeKey, notice.channel, notice.recipient, notice.subject, notice.body, incidentId,
                at.timeIntervalSince1970, notice.dueAt.timeIntervalSince1970, notice.language, notice.template, notice.orderId,
            ])
        // A newer notice that states the order as it is now makes some still waiting (quiet
        // hours, a retry) wrong or redundant: they are merged into it, marked superseded and never
        // sent. Which ones is ``NoticeSupersession``'s rule.
        guard let id = inserted, let orderId = notice.orderId else { return }
        let rule = NoticeSupersession(template: notice.template)
        guard !rule.templates.isEmpty else { return }
        var sql = """
            UPDATE outbox SET superseded_at = ?, superseded_by = ? WHERE order_id = ? AND id <> ? AND sent_at IS NULL AND superseded_at IS NULL
            AND template IN (\(rule.templates.map { _ in "?" }.joined(separator: ", ")))
            """
        var arguments: [(any SQLBindable)?] = [at.timeIntervalSince1970, id, orderId, id] + rule.templates.map { $0 }
        if let incidentId, rule.keepsTheProblemItAnswers {
            sql += " AND (incident_id IS NULL OR incident_id <> ?)"
            arguments.append(incidentId)
        }
        try db.execute(sql: sql, arguments: SQLArguments(arguments))
    }

    static func decodeNotice(_ row: SQLRow) throws -> OutboxNotice {
        OutboxNotice(
            id: try row["id"],
            draft: NoticeDraft(
                dedupeKey: try row["dedupe_key"], channel: try row["channel"], recipient: try row["recipient"],
                subject: try row["subject"], body: try row["body"], language: try row["language"], template: try row["template"],
                dueAt: try row.date("due_at"), orderId: try row.optional("order_id")),
            incidentId: try row.optional("incident_id"), createdAt: try row.date("created_at"),
            sentAt: try row.optionalDate("sent_at"), attempts: try row["attempts"], lastError: try row.optional("last_error"),
            supersededAt: try row.optionalDate("superseded_at"), supersededBy: try row.optional("superseded_by"))
    }
}
