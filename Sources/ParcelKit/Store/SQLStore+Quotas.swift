import Foundation

extension SQLStore {
    public func takeQuota(carrier: String, windows: [QuotaWindow]) async throws(StoreError) -> Bool {
        guard !windows.isEmpty else { return true }
        // Serialized: on PostgreSQL the advisory lock makes check-then-increment one step for
        // every worker; SQLite has one writer anyway.
        return try await writeTransaction("taking a carrier request from its quota") { db in
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
    }

    public func quotaUsage(windows: [String]) async throws(StoreError) -> [QuotaUsage] {
        guard !windows.isEmpty else { return [] }
        return try await read("reading carrier quotas") { db in
            try db.fetchAll(
                sql: """
                    SELECT carrier, window_key, used, quota FROM carrier_quota WHERE window_key IN (\(windows.map { _ in "?" }.joined(separator: ", ")))
                    ORDER BY carrier, window_key
                    """, arguments: SQLArguments(windows.map { $0 as (any SQLBindable)? })
            ).map {
                QuotaUsage(carrier: try $0["carrier"], window: try $0["window_key"], used: try $0["used"], quota: try $0["quota"])
            }
        }
    }
}
