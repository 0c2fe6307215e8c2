import Foundation
import ParcelCore

/// Failed console sign-ins in the SQL store: counted and audited, never a lockout.
extension Store.Console {
    public func recordFailedSignIn(name: String, client: String, at: Date, window: TimeInterval) throws {
        try tx.step("recording a failed sign-in", .serialized)
        let actor = "client:\(client)"
        if try db.scalar(Int.self, sql: "SELECT COUNT(*) FROM staff WHERE name = ?", arguments: [name]) == 1 {
            try db.execute(sql: "UPDATE staff SET failed_logins = failed_logins + 1 WHERE name = ?", arguments: [name])
            let failures = try db.scalar(Int.self, sql: "SELECT failed_logins FROM staff WHERE name = ?", arguments: [name]) ?? 0
            try Store.insertAudit(
                AuditEntry(
                    at: at, actor: actor, action: "console.signInFailed", subject: "staff:\(name)",
                    detail: "wrong password from \(client) (\(failures) since the member last signed in)"),
                db: db)
            return
        }
        // Unknown names: one entry per address and window, its count going up.
        let length = max(1, window)
        let start = (at.timeIntervalSince1970 / length).rounded(.down) * length
        let subject = "signin:\(client)"
        let previous = try db.fetchOne(
            sql: "SELECT id, detail FROM audit_log WHERE action = 'console.signInFailed' AND subject = ? AND at >= ? ORDER BY id DESC LIMIT 1",
            arguments: [subject, start])
        let count = (try previous.map { row throws -> Int in Int((try row["detail"] as String).prefix { $0.isNumber }) ?? 1 } ?? 0) + 1
        let detail =
            "\(count) failed sign-in(s) from \(client) with a name that is no staff member, "
            + "\(ISOTime.utc(Date(timeIntervalSince1970: start)))–\(ISOTime.utc(Date(timeIntervalSince1970: start + length))); last at \(ISOTime.utc(at))"
        if let previous {
            try db.execute(sql: "UPDATE audit_log SET detail = ? WHERE id = ?", arguments: [detail, try previous["id"] as Int64])
        } else {
            try Store.insertAudit(AuditEntry(at: at, actor: actor, action: "console.signInFailed", subject: subject, detail: detail), db: db)
        }
    }
}
