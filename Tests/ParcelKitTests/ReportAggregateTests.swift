import Foundation
import ParcelCore
import TestSupport
import Testing

@testable import ParcelStore

/// The report's window-only statements (issue 17) against the old whole-table ones
/// (``LegacyReport``) on a randomized store of about 2,000 parcels: every figure must agree, for
/// several windows, clocks and time zones, so the fast path cannot drift from the definition.
@Suite struct ReportAggregateTests {
    /// SplitMix64: the same store for the same seed on every run and machine.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        /// A time up to `days` days after `start`, to the second.
        mutating func time(after start: Double, days: Int) -> Double { start + Double(below(days * 86_400)) }
    }

    static let now = fixtureNow.timeIntervalSince1970
    static let day = 86_400.0

    /// Orders, parcels (some replacements with their own promise), events, cases of every kind
    /// and state, actions and escalations, written row by row as the store's own code would.
    static func fill(_ store: Store, parcels: Int, seed: UInt64) async throws {
        try await store.unchecked { db in
            var random = Random(state: seed)
            let promises: [String?] = [nil, "2026-11-01", "2026-11-10", "2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25", "2026-12-05", "soon"]
            var shipmentIDs: [Int64] = []
            var incidentIDs: [(id: Int64, orderID: String)] = []
            for index in 0..<parcels {
                let orderID = "R-\(index)"
                let created = random.time(after: now - 70 * day, days: 72)
                try db.execute(
                    sql: """
                        INSERT INTO orders (id, customer_name, email, language, postcode, value_minor, currency, promised_date, paid_at,
                                            reshippable, created_at, updated_at, cancelled_at) VALUES (?, ?, ?, 'pl', '00-950', ?, ?, ?, ?, 1, ?, ?, ?)
                        """,
                    arguments: [
                        orderID, "Customer \(index)", "r\(index)@example.com", Int64(1000 + random.below(50_000)), random.pick(["PLN", "EUR", "GBP"]),
                        random.pick(promises), created, created, created, random.chance(5) ? created + 3600 : nil,
                    ])
                let replaces = random.chance(10) ? shipmentIDs.last : nil
                let shipmentID = try db.insertReturningID(
                    sql: """
                        INSERT INTO shipments (order_id, carrier, tracking_number, status, created_at, promised_date, replaces_shipment_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        orderID, random.pick(["inpost", "dpd", "seur"]), "T\(index)",
                        random.pick(["pending", "inTransit", "delivered", "exception", "returning", "returned", "expired"]), created,
                        replaces != nil && random.chance(50) ? random.pick(promises) : nil, replaces,
                    ])
                shipmentIDs.append(shipmentID)
                for event in 0..<random.below(4) {
                    let status = random.pick(["inTransit", "delivered", "delivered", "exception", "outForDelivery"])
                    let reason: String? = status == "exception" ? random.pick(["damaged", "lost", "damagedOrLost", "delayed"]) : nil
                    let at = random.time(after: created, days: 8)
                    try db.execute(
                        sql: """
                            INSERT INTO events (shipment_id, fingerprint, time, offset_seconds, raw_status, status, reason, seen_at)
                            VALUES (?, ?, ?, 3600, 'raw', ?, ?, ?)
                            """, arguments: [shipmentID, "f\(event)", at, status, reason, at])
                }
                guard random.chance(18) else { continue }
                for number in 0..<(1 + random.below(2)) {
                    let kind = random.pick(IncidentKind.allCases.map(\.rawValue))
                    let evidence =
                        kind == "customerReport" ? random.pick(["report:damagedOnArrival:\(index)", "report:notArrived:\(index)"]) : "\(kind):\(index)"
                    let opened = random.time(after: created, days: 6)
                    func maybe(_ percent: Int, _ hours: Int) -> Double? { random.chance(percent) ? opened + Double(random.below(hours * 3600)) : nil }
                    let closed = maybe(60, 200)
                    let id = try db.insertReturningID(
                        sql: """
                            INSERT INTO incidents (kind, order_id, shipment_id, carrier, state, customer_facing, priority, opened_at, updated_at,
                                                   closed_at, subject_key, summary, evidence, notice_due, first_touch_due, resolution_due,
                                                   first_touched_at, notified_at)
                            VALUES (?, ?, ?, 'inpost', ?, ?, 0, ?, ?, ?, ?, 's', ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            kind, orderID, random.chance(90) ? shipmentID : nil, random.pick(IncidentStatus.allCases.map(\.rawValue)),
                            random.chance(70), opened, opened, closed, "subject:\(index):\(number)", evidence, maybe(70, 4), maybe(80, 30),
                            maybe(80, 150), maybe(60, 40), maybe(60, 8),
                        ])
                    incidentIDs.append((id, orderID))
                }
            }
            for (id, _) in incidentIDs where random.chance(45) {
                for kind in Set([random.pick(ActionKind.allCases), random.pick(ActionKind.allCases)]) {
                    let explicit = random.chance(60)
                    try db.execute(
                        sql: """
                            INSERT INTO actions (incident_id, kind, state, amount_minor, currency, idempotency_key, requested_by, created_at)
                            VALUES (?, ?, ?, ?, ?, ?, 'anna', ?)
                            """,
                        arguments: [
                            id, kind.rawValue, random.pick(ActionState.allCases.map(\.rawValue)), explicit ? Int64(100 + random.below(9000)) : nil,
                            explicit ? random.pick(["PLN", "EUR"]) : nil, "\(id):\(kind.rawValue)", now,
                        ])
                }
            }
            for (id, _) in incidentIDs where random.chance(25) {
                for clock in Set([random.pick(["notice", "firstTouch", "resolution", "lead"]), random.pick(["notice", "firstTouch", "resolution"])]) {
                    try db.execute(
                        sql: "INSERT INTO escalations (incident_id, clock, due, at) VALUES (?, ?, ?, ?)", arguments: [id, clock, now - day, now - day])
                }
            }
        }
    }

    /// Each window, clock and zone: the new statements answer exactly what the old ones did.
    @Test(arguments: StoreKind.all) func theWindowedReportAgreesWithTheWholeTableReading(kind: StoreKind) async throws {
        let store = try await kind.open()
        try await Self.fill(store, parcels: 2_000, seed: 17)
        var checked = 0
        for (days, nowOffset) in [(30.0, 0.0), (7.0, 0.0), (90.0, 0.0), (30.0, -10 * Self.day), (1.0, -0.5 * Self.day)] {
            for zone in ["Europe/Warsaw", "UTC", "America/Los_Angeles", "Pacific/Kiritimati"] {
                let timeZone = try #require(TimeZone(identifier: zone))
                let now = Date(timeIntervalSince1970: Self.now + nowOffset)
                let since = now.addingTimeInterval(-days * Self.day)
                let fast = try await store.read { try $0.reports.report(since: since, now: now, timeZone: timeZone) }
                let reference = try await store.unchecked { try LegacyReport.report($0, since: since, now: now, timeZone: timeZone) }
                #expect(fast == reference, "\(days) days to \(now) in \(zone)")
                checked += 1
            }
        }
        #expect(checked == 20)
        // The store has something in every figure, so agreement means something.
        let utc = try #require(TimeZone(identifier: "UTC"))
        let month = try await store.read { try $0.reports.report(since: fixtureNow.addingTimeInterval(-30 * Self.day), now: fixtureNow, timeZone: utc) }
        let carriers = month.carriers
        #expect(carriers.count == 3)
        #expect(carriers.allSatisfy { $0.delivered > 0 && $0.onTime > 0 && $0.deliveredWithPromise > $0.onTime })
        #expect(carriers.allSatisfy { $0.lateUndelivered > 0 && $0.damaged > 0 && $0.lost > 0 })
        #expect(carriers.map(\.shipments).reduce(0, +) > 500)
        #expect(month.incidents.count >= 10 && month.incidents.contains { $0.stillOpen > 0 })
        #expect(month.firstNotice.notified > 10 && month.firstNotice.medianSeconds != nil)
        #expect(month.sla.allSatisfy { $0.cases > 0 && $0.breached > 0 && $0.breached < $0.cases })
        #expect(month.money.count >= 2 && month.money.allSatisfy { $0.refunds + $0.compensations + $0.reships > 0 })
    }
}
