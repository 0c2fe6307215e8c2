import Foundation
import ParcelCore

/// Staff console passwords, sign-in lockouts and sessions in the SQL store.
extension Store.Console {
    /// Sets a staff member's console password (its bcrypt hash) and lifts any lockout. The actor
    /// must be staff. Audited.
    public func setStaffPassword(name: String, passwordHash: String, actor: String, at: Date) throws {
        try tx.step("setting a staff password", .serialized)
        try Store.requireStaff(db, actor)
        try Store.requireStaff(db, name, "only staff members have console passwords")
        try db.execute(sql: "UPDATE staff SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE name = ?", arguments: [passwordHash, name])
        try Store.insertAudit(AuditEntry(at: at, actor: actor, action: "staff.passwd", subject: "staff:\(name)", detail: "console password set"), db: db)
    }

    /// What signing in checks: the member's password hash and lockout, nil for no such member.
    public func staffCredentials(name: String) throws -> StaffCredentials? {
        try tx.step("reading staff credentials", .read)
        return try db.fetchOne(
            sql: "SELECT name, display_name, password_hash, failed_logins, locked_until FROM staff WHERE name = ? AND active = 1",
            arguments: [name]
        ).map {
            StaffCredentials(
                name: try $0["name"], displayName: try $0["display_name"], passwordHash: try $0.optional("password_hash"),
                failedSignIns: try $0["failed_logins"], lockedUntil: try $0.optionalDate("locked_until"))
        }
    }

    /// Records a sign-in attempt: a success clears the failure count; the `lockAfter`-th failure
    /// in a row locks the member out until `at + lockFor`. Failures and lockouts are audited.
    public func recordSignIn(name: String, succeeded: Bool, at: Date, lockAfter: Int, lockFor: TimeInterval) throws {
        try tx.step("recording a sign-in", .serialized)
        guard try db.scalar(Int.self, sql: "SELECT COUNT(*) FROM staff WHERE name = ?", arguments: [name]) == 1 else {
            try Store.insertAudit(
                AuditEntry(at: at, actor: name, action: "console.signInFailed", subject: "staff:\(name)", detail: "no such member"), db: db)
            return
        }
        if succeeded {
            try db.execute(sql: "UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE name = ?", arguments: [name])
            try Store.insertAudit(AuditEntry(at: at, actor: name, action: "console.signIn", subject: "staff:\(name)", detail: "signed in"), db: db)
            return
        }
        try db.execute(sql: "UPDATE staff SET failed_logins = failed_logins + 1 WHERE name = ?", arguments: [name])
        let failures = try db.scalar(Int.self, sql: "SELECT failed_logins FROM staff WHERE name = ?", arguments: [name]) ?? 0
        var detail = "wrong password (\(failures) in a row)"
        if failures >= lockAfter {
            try db.execute(sql: "UPDATE staff SET locked_until = ? WHERE name = ?", arguments: [at.timeIntervalSince1970 + lockFor, name])
            detail += "; locked until \(ISOTime.utc(at.addingTimeInterval(lockFor)))"
        }
        try Store.insertAudit(AuditEntry(at: at, actor: name, action: "console.signInFailed", subject: "staff:\(name)", detail: detail), db: db)
    }

    /// Stores a console session by the SHA-256 of its cookie value, with its CSRF token.
    public func createSession(_ session: StaffSession) throws {
        try tx.step("starting a console session", .rowsLeased)
        try db.execute(
            sql: """
                INSERT INTO staff_sessions (id_hash, staff, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                session.idHash, session.staff, session.csrfToken, session.createdAt.timeIntervalSince1970,
                session.expiresAt.timeIntervalSince1970, session.createdAt.timeIntervalSince1970,
            ])
        // Expired sessions go as new ones come: the table stays small without a janitor.
        try db.execute(sql: "DELETE FROM staff_sessions WHERE expires_at < ?", arguments: [session.createdAt.timeIntervalSince1970])
    }

    /// The unexpired session whose cookie hashes to `idHash` (its last use is noted), or nil.
    public func session(idHash: String, at: Date) throws -> StaffSession? {
        try tx.step("reading a console session", .rowsLeased)
        guard
            let row = try db.fetchOne(
                sql: """
                    SELECT s.* FROM staff_sessions s JOIN staff m ON m.name = s.staff AND m.active = 1 WHERE s.id_hash = ? AND s.expires_at > ?
                    """, arguments: [idHash, at.timeIntervalSince1970])
        else { return nil }
        try db.execute(sql: "UPDATE staff_sessions SET last_seen_at = ? WHERE id_hash = ?", arguments: [at.timeIntervalSince1970, idHash])
        return StaffSession(
            idHash: try row["id_hash"], staff: try row["staff"], csrfToken: try row["csrf_token"],
            createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"))
    }

    /// Ends a session (sign-out).
    public func deleteSession(idHash: String) throws {
        try tx.step("ending a console session", .rowsLeased)
        try db.execute(sql: "DELETE FROM staff_sessions WHERE id_hash = ?", arguments: [idHash])
    }
}
