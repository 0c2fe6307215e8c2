import Foundation
import ParcelCore
import ParcelStore
import TestSupport
import Testing

/// Issue 17: on PostgreSQL every statement is a round trip, so recording a carrier answer must
/// cost a fixed, small number of statements however many events it brings, on both backends.
@Suite struct TrackingUpdateStatementTests {
    @Test(arguments: StoreKind.all) func recordingAnUpdateTakesThreeStatementsWhateverItsEvents(kind: StoreKind) async throws {
        let store = try await IncidentStoreTests.store(kind, staff: [])  // o1…o3, SEUR 10000000000001…3
        var counts: [Int] = []
        // 1 event, past the old 50-event batches, and several hundred.
        for (number, events) in [("10000000000001", 1), ("10000000000002", 120), ("10000000000003", 400)] {
            let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
            let update = TrackingUpdate(
                shipmentID: parcel.id,
                events: (0..<events).map { event(number, hoursAgo: Double(events - $0), raw: "Paso \($0)", status: .inTransit) },
                estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard)
            let counter = SQLStatementCounter()
            let applied = try await Store.$statementCounter.withValue(counter) {
                try await store.write(serialized: false) { try $0.shipments.apply(update) }
            }
            #expect(applied == AppliedUpdate(newEvents: events, previousStatus: .pending, previousReason: nil, status: .inTransit, reason: nil))
            counts.append(counter.statements)
            let stored = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
            #expect(stored.status == .inTransit && stored.lastEventAt == fixtureNow.addingTimeInterval(-3600))
            #expect(try await store.read { try $0.shipments.events(shipmentID: parcel.id) }.count == events)
        }
        // The events' insert, one read of the shipment and its events, the shipment's update.
        #expect(counts == [3, 3, 3], "statements per recorded update, for 1, 120 and 400 events")
    }

    @Test(arguments: StoreKind.all) func anOpenCaseStillLearnsThatItsParcelMoved(kind: StoreKind) async throws {
        let store = try await IncidentStoreTests.store(kind)
        let trigger = try await IncidentStoreTests.trigger(store, "10000000000001")
        guard case .opened(let incident) = try await store.write({ try $0.cases.raise(trigger, plan: IncidentStoreTests.plan, at: fixtureNow) }) else {
            Issue.record("the case did not open")
            return
        }
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000001") })
        let update = TrackingUpdate(
            shipmentID: parcel.id, events: [event("10000000000001", hoursAgo: 1, raw: "En tránsito", status: .inTransit)],
            estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard)
        let counter = SQLStatementCounter()
        _ = try await Store.$statementCounter.withValue(counter) { try await store.write(serialized: false) { try $0.shipments.apply(update) } }
        // One more statement: the case's history line.
        #expect(counter.statements == 4)
        let moved = try await store.unchecked { db in
            try db.scalar(Int.self, sql: "SELECT COUNT(*) FROM incident_history WHERE incident_id = ? AND action = 'moved'", arguments: [incident.id])
        }
        #expect(moved == 1)
        // The same answer again is nothing new: no history line.
        _ = try await store.write(serialized: false) { try $0.shipments.apply(update) }
        let again = try await store.unchecked { db in
            try db.scalar(Int.self, sql: "SELECT COUNT(*) FROM incident_history WHERE incident_id = ? AND action = 'moved'", arguments: [incident.id])
        }
        #expect(again == 1)
    }
}

/// The PostgreSQL store's statements are prepared once per connection.
@Suite(.enabled(if: PostgresTestServer.isAvailable, "needs the PostgreSQL server `make test` starts"))
struct PostgresPreparedStatementTests {
    @Test func statementsArePreparedAgainOnTheConnectionThatReplacesALostOne() async throws {
        let url = try await PostgresTestServer.freshDatabase("prepared")
        let store = try await Store.postgres(url, connections: 1)
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("p1"), carrier: "seur", trackingNumber: "12345678901234")], dryRun: false, actor: "test",
                at: fixtureNow)
        }
        func listed() async throws -> [String] {
            try await store.read { try $0.shipments.shipments(ShipmentFilter()) }.map(\.trackingNumber)
        }
        #expect(try await listed() == ["12345678901234"])
        let (backend, prepared) = try await store.unchecked { db in
            (
                try db.scalar(Int.self, sql: "SELECT pg_backend_pid()") ?? 0,
                try db.scalars(String.self, sql: "SELECT statement FROM pg_prepared_statements")
            )
        }
        #expect(prepared.contains { $0.contains("FROM shipments") }, "the store's statements are prepared: \(prepared)")

        // The server ends the store's only connection, as a restart or an idle timeout would.
        let other = try await Store.postgres(url, connections: 1)
        _ = try await other.unchecked { db in try db.fetchAll(sql: "SELECT pg_terminate_backend(CAST(? AS integer))", arguments: [backend]) }

        // The pool notices the closed connection (the first try may still meet it) and opens a
        // new one, where the statements the store runs are prepared again.
        var answer: [String]?
        for _ in 0..<50 where answer == nil {
            answer = try? await listed()
            if answer == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(answer == ["12345678901234"])
        let (replacement, preparedAgain) = try await store.unchecked { db in
            (
                try db.scalar(Int.self, sql: "SELECT pg_backend_pid()") ?? 0,
                try db.scalars(String.self, sql: "SELECT statement FROM pg_prepared_statements")
            )
        }
        #expect(replacement != backend)
        #expect(preparedAgain.contains { $0.contains("FROM shipments") }, "prepared on the new connection: \(preparedAgain)")
    }
}
