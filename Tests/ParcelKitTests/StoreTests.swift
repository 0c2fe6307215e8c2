import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// Opens a fresh, empty store of one implementation. The PostgreSQL store joins this list and
/// must pass every test here unchanged.
struct StoreKind: Sendable, CustomTestStringConvertible {
    var name: String
    var open: @Sendable () async throws -> Store
    var testDescription: String { name }

    /// SQLite always; PostgreSQL when `make test` started a server (each test its own database).
    static let all: [StoreKind] =
        [
            StoreKind(name: "sqlite") { try await Store.sqlite(path: try temporaryDirectory("store") + "/parcelwatch.sqlite") }
        ] + (PostgresTestServer.isAvailable ? [StoreKind(name: "postgres") { try await Store.postgres(try await PostgresTestServer.freshDatabase()) }] : [])
}

@Suite struct StoreTests {
    @Test(arguments: StoreKind.all) func importIsAnIdempotentUpsert(kind: StoreKind) async throws {
        let store = try await kind.open()
        let rows = [
            ImportRow(line: 2, order: order("1001"), carrier: "seur", trackingNumber: "12345678901234"),
            ImportRow(line: 3, order: order("1001"), carrier: "seur", trackingNumber: "12345678901235"),
            ImportRow(line: 4, order: order("1002", email: "jan@example.com"), carrier: nil, trackingNumber: nil),
        ]
        #expect(try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "test", at: fixtureNow) } == [.imported, .imported, .imported])
        #expect(
            try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "test", at: fixtureNow) } == [.unchanged, .unchanged, .unchanged])
        #expect(try await store.read { try $0.shipments.shipments(ShipmentFilter()) }.count == 2)
        #expect(try await store.read { try $0.shipments.order(id: "1002") }?.email == "jan@example.com")

        // A changed detail updates the order; the shipment stays one.
        var changed = rows[0]
        changed.order.postcode = "00-951"
        let outcome = try await store.write { [changed] tx in try tx.shipments.importRows([changed], dryRun: false, actor: "test", at: fixtureNow) }
        #expect(outcome == [.imported])
        #expect(try await store.read { try $0.shipments.order(id: "1001") }?.postcode == "00-951")
        #expect(try await store.read { try $0.shipments.shipments(ShipmentFilter(orderId: "1001")) }.count == 2)
        let audit = try await store.read { try $0.console.auditLog(limit: 10) }
        #expect(audit.count == 3)
        #expect(audit.first?.action == "import" && audit.first?.actor == "test")
    }

    @Test(arguments: StoreKind.all) func aNumberOfAnotherOrderIsRejectedAloneAndDryRunWritesNothing(kind: StoreKind) async throws {
        let store = try await kind.open()
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("1001"), carrier: "seur", trackingNumber: "12345678901234")],
                dryRun: false, actor: "test", at: fixtureNow)
        }
        let outcomes = try await store.write {
            try $0.shipments.importRows(
                [
                    ImportRow(line: 2, order: order("2001", email: "x@example.com"), carrier: "seur", trackingNumber: "12345678901234"),
                    ImportRow(line: 3, order: order("2002"), carrier: "correos", trackingNumber: "CP482915304ES"),
                ], dryRun: false, actor: "test", at: fixtureNow)
        }
        #expect(outcomes == [.rejected("duplicate: seur 12345678901234 already belongs to order 1001"), .imported])
        // The rejected row's savepoint rolled back its order too.
        #expect(try await store.read { try $0.shipments.order(id: "2001") } == nil)

        let dry = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("3001"), carrier: "ups", trackingNumber: "1Z999AA10123456784")],
                dryRun: true, actor: "test", at: fixtureNow)
        }
        #expect(dry == [.imported])
        #expect(try await store.read { try $0.shipments.order(id: "3001") } == nil)
        #expect(try await store.read { try $0.shipments.shipment(carrier: "ups", trackingNumber: "1Z999AA10123456784") } == nil)
    }

    @Test(arguments: StoreKind.all) func eventsAreMergedByFingerprintAndUnknownNeverDecides(kind: StoreKind) async throws {
        let store = try await kind.open()
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("1001"), carrier: "seur", trackingNumber: "12345678901234")],
                dryRun: false, actor: "test", at: fixtureNow)
        }
        let shipment = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "12345678901234") })
        #expect(shipment.status == .pending && shipment.nextCheckAt == fixtureNow)
        let first = [event("12345678901234", hoursAgo: 30, raw: "En tránsito", status: .inTransit)]
        let applied = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: shipment.id, events: first, estimatedDelivery: nil,
                    etag: "\"a\"", checkedAt: fixtureNow, schedule: .standard))
        }
        #expect(applied == AppliedUpdate(newEvents: 1, previousStatus: .pending, previousReason: nil, status: .inTransit, reason: nil))

        // The page again plus two newer events, the newest one unmapped.
        let second =
            first + [
                event("12345678901234", hoursAgo: 5, raw: "Deterioro o extravío", status: .exception, reason: .damagedOrLost),
                event("12345678901234", hoursAgo: 1, raw: "Texto nuevo", status: .unknown),
            ]
        let again = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: shipment.id, events: second, estimatedDelivery: fixtureNow.addingTimeInterval(86_400),
                    etag: "\"b\"", checkedAt: fixtureNow, schedule: .standard))
        }
        #expect(again.newEvents == 2)
        #expect(again.status == .exception && again.reason == .damagedOrLost && again.statusChanged)
        let repeated = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: shipment.id, events: second, estimatedDelivery: nil,
                    etag: "\"b\"", checkedAt: fixtureNow, schedule: .standard))
        }
        #expect(repeated.newEvents == 0 && !repeated.statusChanged)

        let stored = try await store.read { try $0.shipments.events(shipmentID: shipment.id) }
        #expect(stored.map(\.rawStatus) == ["En tránsito", "Deterioro o extravío", "Texto nuevo"])
        #expect(Set(stored.map(\.fingerprint)).count == 3)
        let after = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "12345678901234") })
        #expect(after.etag == "\"b\"")
        #expect(after.lastEventAt == fixtureNow.addingTimeInterval(-3600))
        #expect(after.nextCheckAt == fixtureNow.addingTimeInterval(4 * 3600))
        #expect(after.estimatedDelivery == fixtureNow.addingTimeInterval(86_400))
        #expect(
            try await store.read { try $0.shipments.unmappedStatuses() } == [UnmappedStatus(carrier: "seur", rawStatus: "Texto nuevo", rawCode: nil, count: 1)])

        // Delivered is terminal: never due again.
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: shipment.id, events: [event("12345678901234", hoursAgo: 0.5, raw: "Entregado", status: .delivered)],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        #expect(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "12345678901234") }?.nextCheckAt == nil)
        #expect(try await store.read { try $0.shipments.countDue(now: fixtureNow.addingTimeInterval(1e7), all: false) } == 0)
        #expect(try await store.read { try $0.shipments.countDue(now: fixtureNow, all: true) } == 1)
    }

    /// Every parcel due at ``fixtureNow``, claimed by `worker` `limit` at a time as a sweep does,
    /// in claim order; each page holds at most `limit`.
    static func claimEveryDue(_ store: Store, limit: Int, worker: String) async throws -> [Shipment] {
        var claimed: [Shipment] = []
        var after = ClaimCursor.start
        while true {
            let page = try await store.write(serialized: false) { [after] tx in
                try tx.shipments.claimDueShipments(now: fixtureNow, all: false, after: after, limit: limit, worker: worker, lease: 600)
            }
            guard let last = page.last else { return claimed }
            #expect(page.count <= limit)
            claimed += page.map(\.shipment)
            after = ClaimCursor(after: last.shipment)
        }
    }

    /// Keyset paging split in two index ranges (``keysetPage``): pages that end inside a run of
    /// shared due times and pages that cross from one time to the next each give every parcel once,
    /// in (due, id) order, for the sweep's claim and the rules' selection alike.
    @Test(arguments: StoreKind.all) func pagesCrossSharedAndDistinctDueTimesInOrder(kind: StoreKind) async throws {
        let store = try await kind.open()
        let rows = (0..<30).map { index in
            ImportRow(line: index + 2, order: order("k\(index)"), carrier: "seur", trackingNumber: String(format: "100000000001%02d", index))
        }
        _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "test", at: fixtureNow) }
        // Odd parcels share one time, every third even one another, the rest a time each.
        let parcels = try await store.read { try $0.shipments.shipments(ShipmentFilter()) }
        var due: [Int64: Double] = [:]
        for (index, parcel) in parcels.enumerated() {
            due[parcel.id] =
                index % 2 == 1
                ? fixtureNow.timeIntervalSince1970 - 300
                : index % 3 == 0 ? fixtureNow.timeIntervalSince1970 - 200 : fixtureNow.timeIntervalSince1970 - 100 + Double(30 - index)
        }
        _ = try await store.unchecked { [due] db in
            for (id, time) in due { try db.execute(sql: "UPDATE shipments SET next_check_at = ?, rules_due = ? WHERE id = ?", arguments: [time, time, id]) }
        }
        let expected = due.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)

        #expect(try await Self.claimEveryDue(store, limit: 4, worker: "k").map(\.id) == expected)
        var selected: [Int64] = []
        var position: (due: Double, id: Int64) = (-1, 0)
        while true {
            let page = try await store.read { [position] tx in try tx.cases.shipmentsDueForRules(at: fixtureNow, after: position, limit: 4) }
            guard let last = page.last else { break }
            #expect(page.count <= 4)
            selected += page.map(\.candidate.shipment.id)
            position = (last.due, last.candidate.shipment.id)
        }
        #expect(selected == expected)
    }

    @Test(arguments: StoreKind.all) func dueShipmentsAreLeasedPageByPageInIdOrder(kind: StoreKind) async throws {
        let store = try await kind.open()
        let rows = (0..<25).map { index in
            ImportRow(line: index + 2, order: order("o\(index)"), carrier: "seur", trackingNumber: String(format: "100000000000%02d", index))
        }
        _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "test", at: fixtureNow) }
        let seen = try await Self.claimEveryDue(store, limit: 10, worker: "a").map(\.trackingNumber)
        #expect(seen == rows.compactMap(\.trackingNumber))
        // Worker b finds nothing while a holds every lease, and nothing is counted as due.
        #expect(
            try await store.write(serialized: false) {
                try $0.shipments.claimDueShipments(now: fixtureNow, all: false, after: 0, limit: 100, worker: "b", lease: 600)
            }.isEmpty)
        #expect(try await store.read { try $0.shipments.countDue(now: fixtureNow, all: false) } == 0)
        // a gives three back; b takes exactly those, with their orders.
        let ids = try await store.read { try $0.shipments.shipments(ShipmentFilter()) }.map(\.id)
        try await store.write(serialized: false) { try $0.shipments.releaseShipments(Array(ids.prefix(3))) }
        let released = try await store.write(serialized: false) {
            try $0.shipments.claimDueShipments(now: fixtureNow, all: false, after: 0, limit: 100, worker: "b", lease: 600)
        }
        #expect(released.map(\.shipment.id) == Array(ids.prefix(3)))
        #expect(released.first?.postcode == "00-950")
        // A dead worker's leases run out: ten minutes later everything is due again.
        #expect(
            try await store.write(serialized: false) {
                try $0.shipments.claimDueShipments(
                    now: fixtureNow.addingTimeInterval(601), all: false, after: 0, limit: 100, worker: "c",
                    lease: 600
                )
            }.count == 25)
        try await store.write(serialized: false) { try $0.shipments.releaseShipments(ids) }
        // Not yet due one second before the import time.
        #expect(try await store.read { try $0.shipments.countDue(now: fixtureNow.addingTimeInterval(-1), all: false) } == 0)

        let first = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000000") })
        try await store.write(serialized: false) {
            try $0.shipments.recordFailure(
                shipmentID: first.id, checkedAt: fixtureNow, error: "timeout: seur unreachable", nextCheckAt: fixtureNow.addingTimeInterval(900))
        }
        try await store.write(serialized: false) {
            try $0.shipments.recordFailure(
                shipmentID: first.id, checkedAt: fixtureNow, error: "timeout: seur unreachable", nextCheckAt: fixtureNow.addingTimeInterval(1800))
        }
        var failed = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000000") })
        #expect(failed.consecutiveFailures == 2 && failed.status == .pending && failed.lastError?.hasPrefix("timeout") == true)
        #expect(try await store.read { try $0.shipments.countDue(now: fixtureNow, all: false) } == 24)
        try await store.write(serialized: false) {
            try $0.shipments.recordUnchanged(shipmentID: first.id, checkedAt: fixtureNow, nextCheckAt: fixtureNow.addingTimeInterval(3600))
        }
        failed = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000000") })
        #expect(failed.consecutiveFailures == 0 && failed.lastError == nil && failed.nextCheckAt == fixtureNow.addingTimeInterval(3600))
    }

    @Test(arguments: StoreKind.all) func carrierHealthRoundTrips(kind: StoreKind) async throws {
        let store = try await kind.open()
        #expect(try await store.read { try $0.shipments.carrierHealth() }.isEmpty)
        var health = CarrierHealth(
            carrier: "gls", consecutiveFailures: 5, pausedUntil: fixtureNow.addingTimeInterval(1800), formatChanged: 2,
            lastError: "http500", lastErrorAt: fixtureNow)
        try await store.write { [health] tx in try tx.shipments.saveCarrierHealth(health) }
        health.consecutiveFailures = 0
        try await store.write { [health] tx in try tx.shipments.saveCarrierHealth(health) }
        #expect(try await store.read { try $0.shipments.carrierHealth() } == [health])
    }

    @Test(arguments: StoreKind.all) func countersTokensAndCancellation(kind: StoreKind) async throws {
        let store = try await kind.open()
        try await store.write(serialized: false) {
            try $0.reports.addToCounters([CounterValue(name: "parcelwatch_fetches_total", labels: ["carrier": "gls"], value: 2)])
        }
        try await store.write(serialized: false) {
            try $0.reports.addToCounters([
                CounterValue(name: "parcelwatch_fetches_total", labels: ["carrier": "gls"], value: 3),
                CounterValue(name: "parcelwatch_sweeps_total", value: 1),
            ])
        }
        #expect(
            try await store.read { try $0.reports.counters() } == [
                CounterValue(name: "parcelwatch_fetches_total", labels: ["carrier": "gls"], value: 5),
                CounterValue(name: "parcelwatch_sweeps_total", value: 1),
            ])

        await #expect(throws: StoreError.self) {
            try await store.write { try $0.console.addToken(name: "shop", tokenHash: "h1", actor: "mallory", at: fixtureNow) }
        }
        try await store.write { try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna"), actor: "t", at: fixtureNow) }
        try await store.write { try $0.console.addToken(name: "shop", tokenHash: "h1", actor: "anna", at: fixtureNow) }
        await #expect(throws: StoreError.self) {
            try await store.write { try $0.console.addToken(name: "shop", tokenHash: "h2", actor: "anna", at: fixtureNow) }
        }
        #expect(try await store.write(serialized: false) { try $0.console.tokenName(hash: "h1", at: fixtureNow) } == "shop")
        #expect(try await store.write(serialized: false) { try $0.console.tokenName(hash: "h2", at: fixtureNow) } == nil)
        #expect(try await store.read { try $0.console.tokens() }.first?.lastUsedAt == fixtureNow)
        #expect(try await store.write { try $0.console.revokeToken(name: "shop", actor: "anna", at: fixtureNow) })
        #expect(try await store.write(serialized: false) { try $0.console.tokenName(hash: "h1", at: fixtureNow) } == nil)
        #expect(try await !store.write { try $0.console.revokeToken(name: "shop", actor: "anna", at: fixtureNow) })

        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("C-1"), carrier: "seur", trackingNumber: "10000000000077")],
                dryRun: false, actor: "t", at: fixtureNow)
        }
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000077") })
        let trigger = IncidentTrigger(
            kind: .stalled, subject: .shipment(id: parcel.id, orderId: "C-1", carrier: "seur", trackingNumber: parcel.trackingNumber),
            evidence: "silent", summary: "no news")
        _ = try await store.write {
            try $0.cases.raise(trigger, plan: IncidentPlanner(config: .defaults).plan(kind: .stalled, value: nil, now: fixtureNow), at: fixtureNow)
        }
        #expect(try await store.write { try $0.shipments.cancelOrder(id: "C-1", actor: "api:shop", at: fixtureNow) })
        #expect(try await store.write { try $0.shipments.cancelOrder(id: "C-1", actor: "api:shop", at: fixtureNow) }, "cancelling twice is not an error")
        #expect(try await !store.write { try $0.shipments.cancelOrder(id: "C-404", actor: "api:shop", at: fixtureNow) })
        #expect(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000077") }?.nextCheckAt == nil)
        #expect(try await store.read { try $0.cases.incidents(IncidentFilter()) }.isEmpty, "its open case was dismissed")
        let due = try await store.read { try $0.cases.shipmentsDueForRules(at: fixtureNow, after: (-1, 0), limit: 10) }
        #expect(!due.isEmpty && due.allSatisfy { !$0.watched }, "the cancelled order's parcels are due once, and no rule watches them")
        #expect(
            try await store.write(serialized: false) {
                try $0.shipments.claimDueShipments(now: fixtureNow, all: true, after: 0, limit: 10, worker: "w", lease: 60)
            }.isEmpty,
            "not even sweep --all checks a cancelled order's parcels")

        for (key, due) in [("a", fixtureNow.addingTimeInterval(-60)), ("b", fixtureNow.addingTimeInterval(3600))] {
            try await store.write {
                try $0.outbox.enqueue(
                    NoticeDraft(
                        dedupeKey: key, channel: "email", recipient: "x@example.com", subject: "s", body: "b",
                        language: "en", template: "shipped", dueAt: due), incidentId: nil)
            }
        }
        let backlog = try await store.read { try $0.outbox.outboxBacklog(now: fixtureNow) }
        #expect(backlog.waiting == 2 && backlog.overdue == 1)
    }

    @Test func reopeningAFileKeepsItsDataAndSchema() async throws {
        let path = try temporaryDirectory("store") + "/p.sqlite"
        do {
            let store = try await Store.sqlite(path: path)
            _ = try await store.write {
                try $0.shipments.importRows(
                    [ImportRow(line: 2, order: order("1001"), carrier: nil, trackingNumber: nil)], dryRun: false, actor: "t", at: fixtureNow)
            }
        }
        let reopened = try await Store.sqlite(path: path)
        #expect(try await reopened.read { try $0.shipments.order(id: "1001") }?.customerName == "Anna Nowak")
        await #expect(throws: StoreError.self) { try await StoreLocation.open("/nonexistent-dir/x.sqlite") }
        let garbage = try temporaryDirectory("store") + "/garbage.sqlite"
        try Data("this is not a database, just text that is long enough to look like a header".utf8).write(to: URL(fileURLWithPath: garbage))
        await #expect(throws: StoreError.self) { try await Store.sqlite(path: garbage) }
    }
}

@Suite struct JSONTextTests {
    @Test func handWrittenReportsDecodeToTheSameReport() throws {
        let hostile = TrackingEvent(
            carrier: "seur", trackingNumber: "1", time: CarrierTime(date: fixtureNow, offsetSeconds: 3600),
            rawStatus: "Quote \" back\\slash\ttab\u{1}ctl <script>ä</script>", rawCode: nil, status: .unknown,
            reason: nil, location: "Łódź\nline")
        let report = TrackingReport(
            TrackingResult(
                carrier: "seur", trackingNumber: "1",
                events: [
                    hostile,
                    event("1", hoursAgo: 2, raw: "Deterioro o extravío", status: .exception, reason: .damagedOrLost),
                ]))
        let single = JSONText.pretty([report], asArray: false)
        #expect(try JSONDecoder().decode(TrackingReport.self, from: Data(single)) == report)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let foundation = try encoder.encode(report)
        #expect(String(decoding: single, as: UTF8.self) == String(decoding: foundation, as: UTF8.self))
        let many = JSONText.pretty([report, report], asArray: true)
        #expect(try JSONDecoder().decode([TrackingReport].self, from: Data(many)) == [report, report])
        #expect(JSONText.pretty([], asArray: true) == Array("[]".utf8))
    }
}

@Suite(.enabled(if: PostgresTestServer.isAvailable, "needs the PostgreSQL server `make test` starts"))
struct PostgresStoreTests {
    @Test func aWrongPasswordOrADeadServerIsAClearErrorWithoutThePassword() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let withWrongPassword = url.replacingOccurrences(of: "parcelwatch@", with: "parcelwatch:hunter2-secret@")
        let refused = await #expect(throws: StoreError.self) { try await StoreLocation.open(withWrongPassword) }
        let refusal = refused.map { "\($0)" } ?? ""
        #expect(refusal.contains("parcelwatch@127.0.0.1") && refusal.contains("password"))
        #expect(!refusal.contains("hunter2"))

        // Port 1 on loopback: nothing listens there.
        let dead = await #expect(throws: StoreError.self) { try await StoreLocation.open("postgres://parcelwatch:hunter2-secret@127.0.0.1:1/x") }
        let deadText = dead.map { "\($0)" } ?? ""
        #expect(deadText.contains("cannot connect to postgres://parcelwatch@127.0.0.1:1/x"))
        #expect(!deadText.contains("hunter2"))
        await #expect(throws: StoreError.self) { try await StoreLocation.open("postgres://127.0.0.1:5432/x?sslmode=sometimes") }
    }

    @Test func workersStartingTogetherMigrateOnce() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = try await Store.postgres(url) } }
            try await group.waitForAll()
        }
        let store = try await Store.postgres(url)
        #expect(store.displayName == url)
        #expect(try await store.read { try $0.shipments.shipments(ShipmentFilter()) }.isEmpty)
    }
}
