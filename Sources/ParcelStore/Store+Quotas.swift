import Foundation
import ParcelCore

extension Store.Shipments {
    /// Takes one request from each of `windows` (`day:…`/`hour:…` with its quota) for `carrier`,
    /// atomically across every process and worker: all or none. False when any window is spent.
    public func takeQuota(carrier: String, windows: [QuotaWindow]) throws -> Bool {
        guard !windows.isEmpty else { return true }
        // Serialized: on PostgreSQL the advisory lock makes check-then-increment one step for
        // every worker; SQLite has one writer anyway.
        try tx.step("taking a carrier request from its quota", .serialized)
        for window in windows {
            let used =
                try db.scalar(
                    Int64.self, sql: "SELECT used FROM carrier_quota WHERE carrier = ? AND window_key = ?",
                    arguments: [carrier, window.key]) ?? 0
            if used >= Int64(window.quota) { return false }
        }
        for window in windows {
            try db.execute(
                sql: """
                    INSERT INTO carrier_quota (carrier, window_key, used, quota) VALUES (?, ?, 1, ?)
                    ON CONFLICT (carrier, window_key) DO UPDATE SET used = carrier_quota.used + 1, quota = excluded.quota
                    """, arguments: [carrier, window.key, Int64(window.quota)])
        }
        return true
    }

    /// What has been used of each carrier's quota windows named in `windows`.
    public func quotaUsage(windows: [String]) throws -> [QuotaUsage] {
        guard !windows.isEmpty else { return [] }
        try tx.step("reading carrier quotas", .read)
        return try db.fetchAll(
            sql: """
                SELECT carrier, window_key, used, quota FROM carrier_quota WHERE window_key IN (\(windows.map { _ in "?" }.joined(separator: ", ")))
                ORDER BY carrier, window_key
                """, arguments: SQLArguments(windows.map { $0 as (any SQLBindable)? })
        ).map {
            QuotaUsage(carrier: try $0["carrier"], window: try $0["window_key"], used: try $0["used"], quota: try $0["quota"])
        }
    }
}
