import Foundation

/// The outbox in the SQLite store: notices written with the change that caused them, delivered
/// later, each at most once per dedupe key.
extension SQLStore {
    public func enqueue(_ notice: NoticeDraft, incidentId: Int64?) async throws(StoreError) {
        try await writeTransaction("queueing a notice") { db in
            try Self.insertNotice(notice, incidentId: incidentId, at: notice.dueAt, db: db)
        }
    }

    public func claimNotices(now: Date, lease: TimeInterval, limit: Int) async throws(StoreError) -> [OutboxNotice] {
        try await writeTransaction("claiming due notices", serialized: false) { db in
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
                .map(Self.decodeNotice)
        }
    }

    public func markNoticeSent(id: Int64, at: Date) async throws(StoreError) {
        try await writeTransaction("recording a delivered notice", serialized: false) { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL, lease_until = NULL WHERE id = ? AND sent_at IS NULL
                    """,
                arguments: [at.timeIntervalSince1970, id])
            guard db.changesCount > 0, let incidentId = try db.scalar(Int64.self, sql: "SELECT incident_id FROM outbox WHERE id = ?", arguments: [id]) else {
                return
            }
            try db.execute(
                sql: """
                    UPDATE incidents SET state = CASE WHEN state = 'open' THEN 'notified' ELSE state END, notified_at = ?, updated_at = ?
                    WHERE id = ? AND notified_at IS NULL
                    """, arguments: [at.timeIntervalSince1970, at.timeIntervalSince1970, incidentId])
            if db.changesCount > 0 {
                try Self.history(db, id: incidentId, at: at, actor: "sweep", action: "notified", detail: "customer notice \(id) delivered")
                try Self.insertAudit(
                    AuditEntry(
                        at: at, actor: "sweep", action: "incident.notified", subject: "incident:\(incidentId)",
                        detail: "customer notice \(id) delivered"), db: db)
            }
        }
    }

    public func markNoticeFailed(id: Int64, error: String, retryAt: Date) async throws(StoreError) {
        try await writeTransaction("recording a failed notice", serialized: false) { db in
            try db.execute(
                sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ?, due_at = ?, lease_until = NULL WHERE id = ? AND sent_at IS NULL",
                arguments: [String(error.prefix(500)), retryAt.timeIntervalSince1970, id])
        }
    }

    public func notices(_ state: NoticeState, limit: Int) async throws(StoreError) -> [OutboxNotice] {
        try await read("listing notices") { db in
            let condition: String
            switch state {
            case .pending: condition = "sent_at IS NULL AND superseded_at IS NULL"
            case .failed: condition = "sent_at IS NULL AND superseded_at IS NULL AND attempts > 0"
            case .superseded: condition = "superseded_at IS NOT NULL"
            case .sent: condition = "sent_at IS NOT NULL"
            case .all: condition = "1 = 1"
            }
            return try db.fetchAll(sql: "SELECT * FROM outbox WHERE \(condition) ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.decodeNotice)
        }
    }

    static func insertNotice(_ notice: NoticeDraft, incidentId: Int64?, at: Date, db: any SQLConnection) throws {
        try db.execute(
            sql: """
                INSERT INTO outbox (dedupe_key, channel, recipient, subject, body, incident_id, created_at, due_at, language, template, order_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING
                """,
            arguments: [
                notice.dedupeKey, notice.channel, notice.recipient, notice.subject, notice.body, incidentId,
                at.timeIntervalSince1970, notice.dueAt.timeIntervalSince1970, notice.language, notice.template, notice.orderId,
            ])
        // A newer notice that states the order as it is now makes some still waiting (quiet
        // hours, a retry) wrong or redundant: they are merged into it, marked superseded and never
        // sent. Which ones is ``NoticeSupersession``'s rule.
        guard db.changesCount > 0, let orderId = notice.orderId,
            let id = try db.scalar(Int64.self, sql: "SELECT id FROM outbox WHERE dedupe_key = ?", arguments: [notice.dedupeKey])
        else { return }
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
