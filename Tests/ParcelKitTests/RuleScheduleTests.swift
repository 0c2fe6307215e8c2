import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// The incident rules' schedule: a sweep looks only at what is due, and the rules still fire
/// exactly as when every parcel was looked at on every run.
@Suite struct RuleScheduleTests {
    static let detector = IncidentDetector(config: .defaults, carrierCountries: ["seur": "ES", "inpost": "PL", "ups": "US", "omniva": "EE"])

    /// Whatever the parcel, nothing new triggers between now and its next instant: the instant
    /// is never late (it may be early).
    @Test func noTriggerAppearsBeforeTheNextInstant() {
        var random = FuzzCorpus.Generator(seed: 0x5EED_0017)
        let statuses: [TrackingStatus] = [.pending, .infoReceived, .inTransit, .outForDelivery, .availableForPickup, .attemptFailed, .exception, .delivered]
        let carriers = ["seur", "inpost", "ups", "omniva"]
        let start = local("2026-11-02 00:00")
        var checked = 0
        for index in 0..<3_000 {
            let now = start.addingTimeInterval(Double(random.next() % (40 * 86_400)))
            let last = now.addingTimeInterval(-Double(random.next() % (12 * 86_400)))
            let promised = CivilDate(
                now.addingTimeInterval(Double(Int(random.next() % (10 * 86_400)) - 5 * 86_400)), in: TimeZone(identifier: "Europe/Warsaw")!)
            let status = statuses[Int(random.next() % UInt64(statuses.count))]
            let parcel = Shipment(
                id: Int64(index), orderId: "o\(index)", carrier: carriers[index % carriers.count], trackingNumber: "N\(index)", status: status,
                reason: status == .exception ? .customsHold : nil, lastEventAt: status == .pending ? nil : last)
            let order = promisedOrder("o\(index)", promised: index % 5 == 0 ? nil : promised.description, paid: nil)
            let before = Set(Self.detector.triggers(shipment: parcel, order: order, now: now).map { "\($0.kind):\($0.evidence)" })
            guard let next = Self.detector.nextDue(shipment: parcel, order: order, now: now) else {
                // Nothing is ever due by time alone: not even forty days on.
                let later = Set(
                    Self.detector.triggers(shipment: parcel, order: order, now: now.addingTimeInterval(40 * 86_400)).map { "\($0.kind):\($0.evidence)" })
                #expect(later.isSubset(of: before), "parcel \(index) at \(ISOTime.utc(now)): \(later.subtracting(before)) with no next instant")
                continue
            }
            #expect(next > now)
            for probe in [next.addingTimeInterval(-1), now.addingTimeInterval(next.timeIntervalSince(now) / 2)] where probe > now {
                let seen = Set(Self.detector.triggers(shipment: parcel, order: order, now: probe).map { "\($0.kind):\($0.evidence)" })
                #expect(seen == before, "parcel \(index) at \(ISOTime.utc(probe)), next \(ISOTime.utc(next)): \(seen) vs \(before)")
            }
            checked += 1
        }
        #expect(checked > 1_000, "most generated parcels have an instant")
    }

    /// The same for orders: not dispatched, and late without any parcel.
    @Test func noOrderTriggerAppearsBeforeTheNextInstant() {
        var random = FuzzCorpus.Generator(seed: 0x0DE5_0017)
        let start = local("2026-11-02 00:00")
        for index in 0..<2_000 {
            let now = start.addingTimeInterval(Double(random.next() % (40 * 86_400)))
            let paid = now.addingTimeInterval(-Double(random.next() % (8 * 86_400)))
            let promised = CivilDate(paid.addingTimeInterval(Double(random.next() % (9 * 86_400))), in: TimeZone(identifier: "Europe/Warsaw")!)
            let order = promisedOrder("o\(index)", promised: promised.description, paid: nil)
            var paidOrder = order
            paidOrder.paidAt = paid
            let parcels = index % 3 == 0 ? [] : [Shipment(id: Int64(index), orderId: order.id, carrier: "inpost", trackingNumber: "N\(index)")]
            let before = Set(Self.detector.triggers(order: paidOrder, shipments: parcels, now: now).map { "\($0.kind):\($0.evidence)" })
            guard let next = Self.detector.nextDue(order: paidOrder, shipments: parcels, now: now) else {
                let later = Set(
                    Self.detector.triggers(order: paidOrder, shipments: parcels, now: now.addingTimeInterval(40 * 86_400)).map { "\($0.kind):\($0.evidence)" })
                #expect(later.isSubset(of: before), "order \(index): \(later.subtracting(before)) with no next instant")
                continue
            }
            let seen = Set(Self.detector.triggers(order: paidOrder, shipments: parcels, now: next.addingTimeInterval(-1)).map { "\($0.kind):\($0.evidence)" })
            #expect(seen == before, "order \(index) just before \(ISOTime.utc(next))")
        }
    }

    /// A simulated month, twice: one store as the sweep runs it (only what is due), one where every
    /// parcel and order is marked due before every run (what the rules did before the schedule).
    /// The cases, their histories and the notices are the same after every run, while the
    /// scheduled store looks at a small share of what the other one does.
    @Test(arguments: StoreKind.all) func aMonthOfRulesFiresTheSameCasesAtTheSameTimes(kind: StoreKind) async throws {
        let registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        let templates = try NoticeTemplates()
        // Every statement is a loopback round trip on PostgreSQL: half the shop over half the month
        // there (the triggers that mark rows due are its own), the whole of both on SQLite.
        let postgres = kind.name == "postgres"
        let month = MonthOfParcels(orders: postgres ? 27 : 54)
        var worlds: [(store: Store, engine: IncidentEngine)] = []
        for _ in 0..<2 {
            let store = try await kind.open()
            _ = try await store.write { [month] tx in try tx.shipments.importRows(month.rows, dryRun: false, actor: "setup", at: month.start) }
            worlds.append((store, IncidentEngine(store: store, config: .defaults, registry: registry, templates: templates)))
        }
        var looked = [0, 0]
        var applied = 0
        var previous = month.start
        for step in 1...((postgres ? 16 : 30) * 4) {
            let now = month.start.addingTimeInterval(Double(step) * 6 * 3600)
            for (index, world) in worlds.enumerated() {
                applied += try await month.advance(world.store, from: previous, to: now)
                if index == 1 { try await world.store.write { try $0.cases.markAllRulesDue() } }
                looked[index] += try await world.engine.run(now: now).looked
            }
            previous = now
            let scheduled = try await Self.story(worlds[0].store)
            let reference = try await Self.story(worlds[1].store)
            #expect(scheduled == reference, "after the run at \(ISOTime.utc(now)): \(Self.difference(scheduled, reference))")
            if scheduled != reference { break }
        }
        let kinds = Set(
            try await worlds[0].store.unchecked { try $0.scalars(String.self, sql: "SELECT DISTINCT kind FROM incidents") }.compactMap(IncidentKind.init))
        #expect(applied > (postgres ? 40 : 150), "the parcels moved: \(applied) updates")
        #expect(
            kinds.isSuperset(of: [.stalled, .lost, .late, .notDispatched, .damaged, .customsHold]), "every time rule and some status rules fired: \(kinds)")
        #expect(looked[0] * 5 < looked[1], "the scheduled store looked at \(looked[0]) parcels and orders, the other \(looked[1])")
    }

    /// Another threshold in the config makes everything due at once: instants computed under
    /// the old one would be days late.
    @Test func changedSettingsMakeEverythingDue() async throws {
        let store = try await Store.sqlite(path: try temporaryDirectory("rules") + "/parcelwatch.sqlite")
        let registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("S1"), carrier: "seur", trackingNumber: "10000000000001")], dryRun: false, actor: "setup", at: fixtureNow)
        }
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "10000000000001") })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: parcel.id, events: [event("10000000000001", hoursAgo: 30, raw: "En tránsito", status: .inTransit)],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        let first = try await IncidentEngine(store: store, config: .defaults, registry: registry).run(now: fixtureNow)
        #expect(first.opened["stalled"] == nil && first.looked == 2, "one parcel and its order, nothing stalled after a day")
        let quiet = try await IncidentEngine(store: store, config: .defaults, registry: registry).run(now: fixtureNow.addingTimeInterval(60))
        #expect(quiet.looked == 0, "nothing is due a minute later")
        var eager = ShopConfig.defaults
        eager.policy.thresholds.stalledDays = 1
        let changed = try await IncidentEngine(store: store, config: eager, registry: registry).run(now: fixtureNow.addingTimeInterval(120))
        #expect(changed.looked == 2 && changed.opened["stalled"] == 1, "the new threshold is applied to every parcel at once")
    }

    /// Everything that tells the story of the cases, without row ids (the two stores open cases in
    /// another order): cases, their history, notices, escalations.
    static func story(_ store: Store) async throws -> [String] {
        try await store.unchecked { db in
            let incidents = try db.fetchAll(
                sql: "SELECT subject_key, kind, evidence, state, opened_at, closed_at, summary, customer_facing, next_update_due FROM incidents"
            )
            .map { try Self.text($0) }
            let history = try db.fetchAll(
                sql: """
                    SELECT i.subject_key, i.kind, i.evidence, h.at, h.action, h.detail FROM incident_history h JOIN incidents i ON i.id = h.incident_id
                    """
            ).map { try Self.text($0) }
            let notices = try db.fetchAll(sql: "SELECT dedupe_key, recipient, due_at, superseded_at, subject, body FROM outbox").map { try Self.text($0) }
            return (incidents + history + notices).map(Self.withoutIds).sorted()
        }
    }

    /// A row's values as text.
    static func text(_ row: SQLRow) throws -> String {
        row.values.map { "\($0)" }.joined(separator: "|")
    }

    /// `incident 12`, `goodnews:12` and the like without their numbers.
    static func withoutIds(_ line: String) -> String {
        line.replacingOccurrences(of: #"(incident[ :]|goodnews:|followup:)\d+"#, with: "$1#", options: .regularExpression)
    }

    /// The first lines one story has and the other lacks.
    static func difference(_ one: [String], _ other: [String]) -> String {
        let a = Set(one), b = Set(other)
        return "only scheduled: \(a.subtracting(b).sorted().prefix(3)); only reference: \(b.subtracting(a).sorted().prefix(3))"
    }
}
