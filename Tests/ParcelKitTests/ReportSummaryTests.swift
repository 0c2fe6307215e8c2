import Foundation
import ParcelCore
import TestSupport
import Testing

@testable import ParcelStore

/// The report's per-day summaries (issue 17: a month of a million parcels in under 0.5 s) against
/// the whole-table reading (``LegacyReport``): on a randomized store, after the first fold, after
/// changes to every table a figure is read from (still waiting for a fold, then folded), in the
/// summaries' zone and in others, every figure must agree; and summaries kept up change by change
/// must equal summaries built again from nothing.
@Suite struct ReportSummaryTests {
    static let day = 86_400.0
    static let warsaw = TimeZone(identifier: "Europe/Warsaw") ?? .gmt

    /// Every window, clock and zone of ``ReportAggregateTests``: the report equals the reference.
    static func expectAgreement(_ store: Store, _ stage: String) async throws {
        for (days, nowOffset) in [(30.0, 0.0), (7.0, 0.0), (90.0, 0.0), (30.0, -10 * day), (1.0, -0.5 * day), (2.0, 0.25 * day)] {
            for zone in ["Europe/Warsaw", "UTC", "Pacific/Kiritimati"] {
                let timeZone = try #require(TimeZone(identifier: zone))
                let now = fixtureNow.addingTimeInterval(nowOffset)
                let since = now.addingTimeInterval(-days * day)
                let fast = try await store.read { try $0.reports.report(since: since, now: now, timeZone: timeZone) }
                let reference = try await store.unchecked { try LegacyReport.report($0, since: since, now: now, timeZone: timeZone) }
                #expect(fast == reference, "\(stage): \(days) days to \(now) in \(zone)")
                // Each reading holds a pool thread for a while: let waiting tasks (curl's, a
                // simulator's) run in between, so time-bounded tests beside this one are not starved.
                await Task.yield()
            }
        }
    }

    /// How many parcels wait for a fold.
    static func waiting(_ store: Store) async throws -> Int {
        try await store.unchecked { try $0.scalar(Int.self, sql: "SELECT COUNT(*) FROM report_dirty") ?? -1 }
    }

    /// The summaries' rows, in order, as text: for comparing two ways of building them.
    static func summaryRows(_ store: Store) async throws -> [String] {
        try await store.unchecked { db in
            let days = try db.fetchAll(sql: "SELECT * FROM report_days ORDER BY day, carrier").map { row in
                "\(try row["day"] as Int64) \(try row["carrier"] as String) \(try row["shipments"] as Int) \(try row["delivered"] as Int) "
                    + "\(try row["damaged"] as Int) \(try row["lost"] as Int) \(try row["judged"] as Int) \(try row["on_time"] as Int)"
            }
            let owed = try db.fetchAll(sql: "SELECT * FROM report_owed ORDER BY day, carrier, promised_date").map { row in
                "\(try row["day"] as Int64) \(try row["carrier"] as String) \(try row["promised_date"] as String) \(try row["parcels"] as Int)"
            }
            return days + owed
        }
    }

    /// Changes to every table a figure is read from, as the store's own code or staff would make
    /// them: deliveries, a damage report, a status corrected, events deleted, cases dismissed and
    /// opened, refunds and reships done, orders cancelled and promised again, parcels returned,
    /// given their own promise, deleted, and new ones today.
    static func change(_ store: Store) async throws {
        try await store.unchecked { db in
            let now = fixtureNow.timeIntervalSince1970
            let ids = try db.scalars(Int64.self, sql: "SELECT id FROM shipments ORDER BY id")
            #expect(ids.count > 1000)
            for id in ids where id % 17 == 3 {
                try db.execute(
                    sql: """
                        INSERT INTO events (shipment_id, fingerprint, time, offset_seconds, raw_status, status, reason, seen_at)
                        VALUES (?, 'late-delivery', ?, 3600, 'raw', 'delivered', NULL, ?)
                        """, arguments: [id, now - 2 * day, now])
            }
            for id in ids where id % 23 == 5 {
                try db.execute(
                    sql: """
                        INSERT INTO events (shipment_id, fingerprint, time, offset_seconds, raw_status, status, reason, seen_at)
                        VALUES (?, 'damage', ?, 3600, 'raw', 'exception', 'damaged', ?)
                        """, arguments: [id, now - day, now])
            }
            try db.execute(sql: "UPDATE events SET status = 'inTransit' WHERE shipment_id % 29 = 7 AND status = 'delivered'")
            try db.execute(sql: "DELETE FROM events WHERE shipment_id % 31 = 11")
            try db.execute(sql: "UPDATE incidents SET state = 'dismissed' WHERE id % 5 = 1")
            try db.execute(sql: "UPDATE incidents SET kind = 'lost' WHERE id % 7 = 2 AND kind <> 'lost'")
            for id in ids where id % 41 == 9 {
                try db.execute(
                    sql: """
                        INSERT INTO incidents (kind, order_id, shipment_id, carrier, state, customer_facing, priority, opened_at, updated_at,
                                               subject_key, summary, evidence)
                        SELECT 'lost', order_id, id, carrier, 'open', 1, 0, ?, ?, ?, 's', ? FROM shipments WHERE id = ?
                        """, arguments: [now - day, now - day, "changed:\(id)", "lost:changed:\(id)", id])
            }
            try db.execute(sql: "UPDATE actions SET state = 'done' WHERE id % 3 = 0 AND kind IN ('refund', 'reship')")
            try db.execute(sql: "DELETE FROM actions WHERE id % 11 = 4")
            try db.execute(
                sql: "UPDATE orders SET cancelled_at = ? WHERE created_at < ? AND length(id) % 3 = 0 AND cancelled_at IS NULL",
                arguments: [now, now - 20 * day])
            try db.execute(sql: "UPDATE orders SET promised_date = '2026-11-15' WHERE length(id) % 3 = 1 AND created_at > ?", arguments: [now - 12 * day])
            try db.execute(sql: "UPDATE shipments SET status = 'returned' WHERE id % 19 = 2")
            try db.execute(sql: "UPDATE shipments SET promised_date = '2026-11-19' WHERE id % 13 = 6")
            // A parcel deleted (as erasure does): its events, its cases' actions and escalations, its cases, then it.
            for id in ids where id % 53 == 10 {
                try db.execute(sql: "DELETE FROM events WHERE shipment_id = ?", arguments: [id])
                let cases = "SELECT id FROM incidents WHERE shipment_id = ?"
                for table in ["actions", "escalations", "incident_history"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE incident_id IN (\(cases))", arguments: [id])
                }
                try db.execute(sql: "DELETE FROM outbox WHERE incident_id IN (\(cases))", arguments: [id])
                try db.execute(sql: "DELETE FROM incidents WHERE shipment_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM shipments WHERE id = ?", arguments: [id])
            }
            for index in 0..<40 {
                try db.execute(
                    sql: """
                        INSERT INTO shipments (order_id, carrier, tracking_number, status, created_at)
                        SELECT id, 'dpd', ?, 'inTransit', ? FROM orders WHERE id = ?
                        """, arguments: ["NEW\(index)", now - Double(index) * 1800, "R-\(index * 7)"])
            }
        }
    }

    @Test(arguments: StoreKind.all) func theSummariesAgreeWithTheWholeTableReadingThroughEveryChange(kind: StoreKind) async throws {
        let store = try await kind.open()
        try await ReportAggregateTests.fill(store, parcels: 1_500, seed: 29)
        // Before the first fold every figure is read from the parcels.
        try await Self.expectAgreement(store, "never folded")
        let parcels = try await store.unchecked { try $0.scalar(Int.self, sql: "SELECT COUNT(*) FROM shipments") ?? 0 }
        #expect(try await store.refreshReportSummaries(timeZone: Self.warsaw, batch: 400) == parcels)
        #expect(try await Self.waiting(store) == 0)
        #expect(try await Self.summaryRows(store).count > 100)
        try await Self.expectAgreement(store, "folded")

        try await Self.change(store)
        let waiting = try await Self.waiting(store)
        #expect(waiting > 200 && waiting < parcels)
        try await Self.expectAgreement(store, "changed, waiting for a fold")
        #expect(try await store.refreshReportSummaries(timeZone: Self.warsaw) == waiting)
        try await Self.expectAgreement(store, "changed and folded")

        // Kept change by change, the summaries are what building them again gives.
        let kept = try await Self.summaryRows(store)
        #expect(try await store.write { try $0.reports.prepareSummaries(timeZone: .gmt) })
        #expect(try await store.write { try $0.reports.prepareSummaries(timeZone: .gmt) } == false)
        let now = try await store.unchecked { try $0.scalar(Int.self, sql: "SELECT COUNT(*) FROM shipments") ?? 0 }
        #expect(now == parcels - 29 + 40)  // 29 deleted, 40 new
        #expect(try await Self.waiting(store) == now)
        try await store.refreshReportSummaries(timeZone: Self.warsaw)
        #expect(try await Self.summaryRows(store) == kept)
        try await Self.expectAgreement(store, "built again")
    }

    /// The triggers mark exactly the parcels a change can move: a sweep's bookkeeping on a
    /// parcel (checked, next check, validators) marks nothing; a status, an event, a case, an
    /// action or an order's promise marks the parcels it is about.
    @Test(arguments: StoreKind.all) func onlyChangesToReportedFactsMarkAParcel(kind: StoreKind) async throws {
        let store = try await kind.open()
        try await ReportAggregateTests.fill(store, parcels: 60, seed: 5)
        try await store.refreshReportSummaries(timeZone: Self.warsaw)
        func marked(_ change: String, _ arguments: SQLArguments = []) async throws -> [Int64] {
            try await store.unchecked { db in
                try db.execute(sql: change, arguments: arguments)
                let marked = try db.scalars(Int64.self, sql: "SELECT shipment_id FROM report_dirty ORDER BY shipment_id")
                try db.execute(sql: "DELETE FROM report_dirty")
                return marked
            }
        }
        let (first, order) = try await store.unchecked { db in
            (
                try db.scalar(Int64.self, sql: "SELECT MIN(id) FROM shipments") ?? 0,
                try db.scalar(String.self, sql: "SELECT order_id FROM shipments WHERE id = (SELECT MIN(id) FROM shipments)") ?? ""
            )
        }
        let now = fixtureNow.timeIntervalSince1970
        #expect(
            try await marked(
                "UPDATE shipments SET last_checked_at = ?, next_check_at = ?, etag = 'x', consecutive_failures = 2 WHERE id = ?", [now, now, first]
            ).isEmpty)
        #expect(try await marked("UPDATE shipments SET status = 'returning' WHERE id = ?", [first]) == [first])
        #expect(
            try await marked(
                "INSERT INTO events (shipment_id, fingerprint, time, offset_seconds, raw_status, status, seen_at) VALUES (?, 'n', ?, 0, 'r', 'delivered', ?)",
                [first, now, now]) == [first])
        #expect(try await marked("UPDATE events SET seen_at = ? WHERE shipment_id = ?", [now + 1, first]).isEmpty)
        #expect(try await marked("UPDATE orders SET updated_at = ? WHERE id = ?", [now, order]).isEmpty)
        #expect(try await marked("UPDATE orders SET promised_date = '2026-01-02' WHERE id = ?", [order]) == [first])
        let caseID = try await store.unchecked { db in
            try db.insertReturningID(
                sql: """
                    INSERT INTO incidents (kind, order_id, shipment_id, carrier, state, customer_facing, priority, opened_at, updated_at,
                                           subject_key, summary, evidence) VALUES ('damaged', ?, NULL, 'dpd', 'open', 1, 0, ?, ?, 'mark', 's', 'e')
                    """, arguments: [order, now, now])
        }
        try await store.unchecked { try $0.execute(sql: "DELETE FROM report_dirty") }
        #expect(try await marked("UPDATE incidents SET updated_at = ?, owner = 'anna' WHERE id = ?", [now + 5, caseID]).isEmpty)
        #expect(try await marked("UPDATE incidents SET state = 'dismissed' WHERE id = ?", [caseID]) == [first])
        #expect(
            try await marked(
                "INSERT INTO actions (incident_id, kind, state, idempotency_key, requested_by, created_at) VALUES (?, 'refund', 'pending', 'k', 'anna', ?)",
                [caseID, now]) == [first])
        #expect(try await marked("UPDATE actions SET attempts = 3 WHERE incident_id = ?", [caseID]).isEmpty)
        #expect(try await marked("UPDATE actions SET state = 'done' WHERE incident_id = ?", [caseID]) == [first])
    }
}
