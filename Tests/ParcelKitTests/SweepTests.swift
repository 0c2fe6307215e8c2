import CarrierSim
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import Synchronization
import TestSupport
import Testing

/// Sweeps against the real carrier simulator on loopback, into real SQLite files. Every test uses
/// numbers of its own, so the shared simulator's request log can be read per test.
@Suite struct SweepTests {
    static let numbers = Mutex<Int>(0)

    /// A fresh 14-digit SEUR-shaped number no other test uses.
    static func seurNumber() -> String {
        let next = numbers.withLock { value -> Int in
            value += 1
            return value
        }
        return String(format: "7%05d%08d", ProcessInfo.processInfo.processIdentifier % 100_000, next)
    }

    struct Setup {
        let store: Store
        let registry: CarrierRegistry
        let sim: SimControl
        let fetcher: CarrierFetcher
        let shipments: [Shipment]

        func sweep(at now: Date, options: SweepOptions = SweepOptions(retryBase: .milliseconds(50))) async throws -> SweepSummary {
            try await Sweeper(store: store, registry: registry, fetcher: fetcher, clock: .fixed(now), options: options).run()
        }

        func requests(_ numbers: [String]) async throws -> [SimControl.LoggedRequest] {
            let wanted = Set(numbers)
            return try await sim.requests().filter { $0.number.map(wanted.contains) ?? false }.sorted { $0.receivedAt < $1.receivedAt }
        }
    }

    /// A store holding `parcels` (carrier, number, fixture timeline) registered on the simulator.
    static func setup(
        _ parcels: [(carrier: String, number: String, fixture: String)],
        limits: [String: CarrierDefinition.Limits] = [:]
    ) async throws -> Setup {
        let loaded = try CarrierRegistry.load(directory: PackagePaths.carriers)
        let registry = CarrierRegistry(
            carriers: loaded.carriers.map { carrier in
                var carrier = carrier
                if let override = limits[carrier.id] { carrier.limits = override }
                return carrier
            }, directory: loaded.directory)
        let base = try await SharedSimulator.shared.baseURL()
        let sim = try SimControl(baseURL: base)
        try await sim.register(parcels.map { ParcelScript(carrier: $0.carrier, number: $0.number, timeline: [.init(afterHours: 0, fixture: $0.fixture)]) })
        let store = try await Store.sqlite(path: try temporaryDirectory("sweep") + "/p.sqlite")
        let rows = parcels.enumerated().map { index, parcel in
            ImportRow(line: index + 2, order: order("o-\(parcel.number)"), carrier: parcel.carrier, trackingNumber: parcel.number)
        }
        _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "test", at: fixtureNow) }
        let fetcher = CarrierFetcher(
            client: try HTTPClient(), endpoints: try EndpointOverrides([base]),
            environment: ["OMNIVA_CLIENT": "12345", "OMNIVA_BASIC_AUTH": "dGVzdDp0ZXN0"])
        return Setup(
            store: store, registry: registry, sim: sim, fetcher: fetcher, shipments: try await store.read { try $0.shipments.shipments(ShipmentFilter()) })
    }

    @Test func aSecondSweepIsAnsweredNotModified() async throws {
        let number = Self.seurNumber()
        let setup = try await Self.setup([("seur", number, "in-transit")])
        let first = try await setup.sweep(at: fixtureNow)
        #expect(first.checked == 1 && first.changed == 1 && first.newEvents > 0 && first.errors.isEmpty)
        #expect(first.statusChanges == ["pending→inTransit": 1])
        let stored = try #require(try await setup.store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        #expect(stored.etag != nil && stored.status == .inTransit)
        #expect(stored.nextCheckAt == fixtureNow.addingTimeInterval(4 * 3600))

        // Not due yet: nothing is asked.
        #expect(try await setup.sweep(at: fixtureNow.addingTimeInterval(3600)).checked == 0)
        let second = try await setup.sweep(at: fixtureNow.addingTimeInterval(5 * 3600))
        #expect(second.checked == 1 && second.notModified == 1 && second.unchanged == 1 && second.newEvents == 0)
        #expect(try await setup.requests([number]).map(\.status) == [200, 304])
        #expect(try await setup.store.read { try $0.shipments.events(shipmentID: stored.id) }.count == first.newEvents)
    }

    @Test func retryAfterIsWaitedForAndTheCheckSucceeds() async throws {
        let number = Self.seurNumber()
        let setup = try await Self.setup([("seur", number, "in-transit")])
        try await setup.sim.addFault(StickyFault(carrier: "seur", number: number, fault: "status=429,retry-after=1", count: 1))
        let summary = try await setup.sweep(at: fixtureNow)
        #expect(summary.changed == 1 && summary.errors.isEmpty)
        let log = try await setup.requests([number])
        #expect(log.map(\.status) == [429, 200])
        if log.count == 2 { #expect(log[1].receivedAt - log[0].receivedAt >= 0.8) }  // 1 s asked; arrival times jitter under load
    }

    @Test func aRetryAfterTooLongToWaitForReschedulesTheShipment() async throws {
        let number = Self.seurNumber()
        let setup = try await Self.setup([("seur", number, "in-transit")])
        try await setup.sim.addFault(StickyFault(carrier: "seur", number: number, fault: "status=429,retry-after=7200"))
        let summary = try await setup.sweep(at: fixtureNow)
        #expect(summary.errors == ["seur": ["http429": 1]])
        let stored = try #require(try await setup.store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        #expect(stored.status == .pending && stored.consecutiveFailures == 1)
        #expect((stored.nextCheckAt ?? .distantPast) >= fixtureNow.addingTimeInterval(7200))
        #expect(try await setup.requests([number]).count == 1)
    }

    @Test func theCircuitBreakerPausesAFailingCarrier() async throws {
        let numbers = (0..<6).map { _ in Self.seurNumber() }
        let setup = try await Self.setup(numbers.map { ("seur", $0, "in-transit") })
        for number in numbers { try await setup.sim.addFault(StickyFault(carrier: "seur", number: number, fault: "status=500")) }
        let options = SweepOptions(concurrency: 1, retries: 0, breakerThreshold: 3, breakerCooldown: 1800)
        let first = try await setup.sweep(at: fixtureNow, options: options)
        #expect(first.errors["seur"]?["http500"] == 3)
        #expect(first.skipped == 3 && first.errors["seur"]?["circuitOpen"] == 3)
        #expect(first.pausedCarriers == ["seur": "2026-11-20T12:30:00Z"])
        #expect(try await setup.requests(numbers).count == 3)
        let health = try await setup.store.read { try $0.shipments.carrierHealth() }
        #expect(health.first { $0.carrier == "seur" }?.pausedUntil == fixtureNow.addingTimeInterval(1800))

        // During the cool-down nobody asks the carrier, even for due shipments.
        let paused = try await setup.sweep(at: fixtureNow.addingTimeInterval(20 * 60), options: options)
        #expect(paused.checked == 0 && paused.skipped == 6)
        #expect(try await setup.requests(numbers).count == 3)

        // After it, one probe; it fails, so the breaker trips again at once.
        let probe = try await setup.sweep(at: fixtureNow.addingTimeInterval(45 * 60), options: options)
        #expect(probe.errors["seur"]?["http500"] == 1)
        #expect(try await setup.requests(numbers).count == 4)
    }

    @Test func theCarrierRateLimitIsRespected() async throws {
        let numbers = (0..<8).map { _ in Self.seurNumber() }
        let setup = try await Self.setup(
            numbers.map { ("seur", $0, "in-transit") },
            limits: ["seur": CarrierDefinition.Limits(concurrency: 4, perSecond: 5, burst: 1)])
        let summary = try await setup.sweep(at: fixtureNow)
        #expect(summary.changed == 8)
        let times = try await setup.requests(numbers).map(\.receivedAt)
        #expect(times.count == 8)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // 5 a second with no burst: 8 requests take at least 7 × 200 ms, and any 5 consecutive
        // intervals at least about a second. Single gaps are not judged: on a loaded machine the
        // in-process server can take two requests from its socket back to back.
        #expect((times.last ?? 0) - (times.first ?? 0) >= 7 * 0.2 * 0.95, "gaps \(gaps)")
        #expect(zip(times.dropFirst(5), times).allSatisfy { $0 - $1 >= 0.75 }, "gaps \(gaps)")
    }

    @Test func aChangedFormatKeepsTheStatusAndIsCountedPerCarrier() async throws {
        let number = Self.seurNumber()
        let setup = try await Self.setup([("seur", number, "in-transit")])
        _ = try await setup.sweep(at: fixtureNow)
        try await setup.sim.addFault(StickyFault(carrier: "seur", number: number, fault: "format-changed"))
        let summary = try await setup.sweep(at: fixtureNow.addingTimeInterval(5 * 3600), options: SweepOptions(all: true))
        #expect(summary.formatChanged == ["seur": 1])
        #expect(summary.errors == ["seur": ["formatChanged": 1]])
        #expect(summary.pausedCarriers.isEmpty)
        let stored = try #require(try await setup.store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        #expect(stored.status == .inTransit && stored.lastError?.hasPrefix("formatChanged") == true)
        #expect(try await setup.store.read { try $0.shipments.carrierHealth() }.first { $0.carrier == "seur" }?.formatChanged == 1)
    }

    @Test func aChangedCarrierRaisesOneStaffOnlyIncidentAndNoCustomerOnes() async throws {
        let numbers = (0..<3).map { _ in Self.seurNumber() }
        let setup = try await Self.setup(numbers.map { ("seur", $0, "in-transit") })
        for number in numbers { try await setup.sim.addFault(StickyFault(carrier: "seur", number: number, fault: "format-changed")) }
        // Orders not paid yet, so nothing but the carrier's trouble can raise a case.
        for (index, number) in numbers.enumerated() {
            var unpaid = order("o-\(number)")
            unpaid.paidAt = nil
            _ = try await setup.store.write { [unpaid] tx in
                try tx.shipments.importRows(
                    [ImportRow(line: index + 2, order: unpaid, carrier: "seur", trackingNumber: number)],
                    dryRun: false, actor: "test", at: fixtureNow)
            }
        }
        let engine = IncidentEngine(store: setup.store, config: .defaults, registry: setup.registry)
        let sweeper = Sweeper(store: setup.store, registry: setup.registry, fetcher: setup.fetcher, clock: .fixed(fixtureNow), incidents: engine)
        let summary = try await sweeper.run()
        #expect(summary.formatChanged == ["seur": 3])
        #expect(summary.incidents?.opened == ["trackingBroken": 1])
        let cases = try await setup.store.read { try $0.cases.incidents(IncidentFilter()) }
        #expect(cases.count == 1 && cases.first?.carrier == "seur" && cases.first?.customerFacing == false && cases.first?.noticeDue == nil)
        // The next sweep the same day adds nothing.
        let again = try await Sweeper(
            store: setup.store, registry: setup.registry, fetcher: setup.fetcher,
            clock: .fixed(fixtureNow.addingTimeInterval(3600)), options: SweepOptions(all: true), incidents: engine
        ).run()
        #expect(again.incidents?.opened.isEmpty == true)
        #expect(try await setup.store.read { try $0.cases.incidents(IncidentFilter()) }.count == 1)
    }

    @Test func theShippedMilestoneIsWrittenWithTheFirstCarrierScan() async throws {
        let number = Self.seurNumber()
        let setup = try await Self.setup([("seur", number, "in-transit")])
        let composer = NoticeComposer(templates: try NoticeTemplates(), config: .defaults, carrierNames: ["seur": "SEUR"])
        _ = try await Sweeper(store: setup.store, registry: setup.registry, fetcher: setup.fetcher, clock: .fixed(fixtureNow), milestones: composer).run()
        _ = try await Sweeper(
            store: setup.store, registry: setup.registry, fetcher: setup.fetcher, clock: .fixed(fixtureNow.addingTimeInterval(5 * 3600)),
            options: SweepOptions(all: true), milestones: composer
        ).run()
        let shipped = try await setup.store.read { try $0.outbox.notices(.all, limit: 10) }.filter { $0.template == "shipped" }
        #expect(shipped.count == 1 && shipped.first?.language == "pl" && shipped.first?.body.contains(number) == true)
    }

    /// 400 parcels, a fifth of the answers failing in mixed ways, then one carrier switching to
    /// a new page format: the sweep completes, retries win, and the changed carrier raises one
    /// staff-only case and no customer ones.
    @Test func faultsAtScale() async throws {
        let seur = (0..<300).map { _ in Self.seurNumber() }
        let amazon = (0..<100).map { index in "TBA9\(String(format: "%011d", Int(ProcessInfo.processInfo.processIdentifier) * 1000 + index))" }
        let setup = try await Self.setup(seur.map { ("seur", $0, "in-transit") } + amazon.map { ("amazon", $0, "in-transit") })
        var paid: [ImportRow] = []
        for (index, number) in (seur + amazon).enumerated() {
            var unpaid = order("o-\(number)")
            unpaid.paidAt = nil
            paid.append(ImportRow(line: index + 2, order: unpaid, carrier: index < seur.count ? "seur" : "amazon", trackingNumber: number))
        }
        _ = try await setup.store.write { [paid] tx in try tx.shipments.importRows(paid, dryRun: false, actor: "test", at: fixtureNow) }
        let faults = ["status=500", "status=429,retry-after=0", "truncate", "delay=300", "status=503"]
        for (index, number) in (seur + amazon).enumerated() where index % 5 == 0 {
            try await setup.sim.addFault(
                StickyFault(
                    carrier: index < seur.count ? "seur" : "amazon", number: number,
                    fault: faults[(index / 5) % faults.count], count: 1))
        }
        let engine = IncidentEngine(store: setup.store, config: .defaults, registry: setup.registry)
        let options = SweepOptions(concurrency: 32, retries: 2, retryBase: .milliseconds(20), rateOverrides: ["": 10_000])
        let first = try await Sweeper(
            store: setup.store, registry: setup.registry, fetcher: setup.fetcher, clock: .fixed(fixtureNow),
            options: options, incidents: engine
        ).run()
        #expect(first.checked == 400 && first.changed == 400, "\(first.errors)")
        #expect(first.errors.isEmpty && first.pausedCarriers.isEmpty)

        for number in amazon { try await setup.sim.addFault(StickyFault(carrier: "amazon", number: number, fault: "format-changed")) }
        var all = options
        all.all = true
        let second = try await Sweeper(
            store: setup.store, registry: setup.registry, fetcher: setup.fetcher,
            clock: .fixed(fixtureNow.addingTimeInterval(3600)), options: all, incidents: engine
        ).run()
        #expect(second.checked == 400 && second.formatChanged == ["amazon": 100])
        #expect(second.incidents?.opened == ["trackingBroken": 1])
        let cases = try await setup.store.read { try $0.cases.incidents(IncidentFilter()) }
        #expect(cases.count == 1 && cases.first?.customerFacing == false && cases.first?.carrier == "amazon")
        #expect(try await setup.store.read { try $0.shipments.shipments(ShipmentFilter(carrier: "amazon")) }.allSatisfy { $0.status == .inTransit })
    }

    @Test func aFeedIsFetchedOnceAndRoutedByNumber() async throws {
        let setup = try await Self.setup([("omniva", "CE473067582EE", "feed-normal-day")])
        _ = try await setup.store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 3, order: order("o-feed-2"), carrier: "omniva", trackingNumber: "CE000000000EE")],
                dryRun: false, actor: "test", at: fixtureNow)
        }
        let summary = try await setup.sweep(at: fixtureNow)
        #expect(summary.checked == 2 && summary.changed == 1 && summary.unchanged == 1)
        #expect(try await setup.store.read { try $0.shipments.shipment(carrier: "omniva", trackingNumber: "CE473067582EE") }?.status == .availableForPickup)
        #expect(try await setup.store.read { try $0.shipments.shipment(carrier: "omniva", trackingNumber: "CE000000000EE") }?.status == .pending)
    }

    /// The account feed is one request however many parcels it covers, and `/metrics` counts it
    /// like any other fetch (it used to count none).
    @Test func aFeedFetchIsCountedInTheFetchMetrics() async throws {
        let setup = try await Self.setup([("omniva", "CE473067582EE", "feed-normal-day")])
        _ = try await setup.store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 3, order: order("o-feed-metrics"), carrier: "omniva", trackingNumber: "CE000000000EE")],
                dryRun: false, actor: "test", at: fixtureNow)
        }
        let summary = try await setup.sweep(at: fixtureNow)
        #expect(summary.checked == 2 && summary.errorCount == 0, "\(summary)")
        let counters = try await setup.store.read { try $0.reports.counters() }
        let fetches = counters.first { $0.name == "parcelwatch_fetches_total" && $0.labels == ["carrier": "omniva"] }
        #expect(fetches?.value == 1, "\(counters)")
        let seconds = counters.first { $0.name == "parcelwatch_fetch_seconds_sum" && $0.labels == ["carrier": "omniva"] }
        #expect((seconds?.value ?? 0) > 0, "\(counters)")
    }

    @Test func aThousandShipmentsInOneRun() async throws {
        let numbers = (0..<1000).map { _ in Self.seurNumber() }
        let fixtures = ["in-transit", "delivered", "damaged-or-lost"]
        let setup = try await Self.setup(numbers.enumerated().map { ("seur", $0.element, fixtures[$0.offset % 3]) })
        let summary = try await setup.sweep(at: fixtureNow, options: SweepOptions(concurrency: 32, rateOverrides: ["": 10_000]))
        #expect(summary.due == 1000 && summary.checked == 1000 && summary.changed == 1000 && summary.errors.isEmpty)
        let expected = try fixtures.map { name -> Int in
            let data = try Data(contentsOf: URL(fileURLWithPath: PackagePaths.fixtures + "/seur/public/\(name).expected.json"))
            return try JSONDecoder().decode(TrackingReport.self, from: data).events.count
        }
        #expect(summary.newEvents == (0..<1000).reduce(0) { $0 + expected[$1 % 3] })
        let byStatus = Dictionary(grouping: try await setup.store.read { try $0.shipments.shipments(ShipmentFilter()) }, by: \.status).mapValues(\.count)
        #expect(byStatus[.delivered] == 333 && byStatus[.exception] == 333 && byStatus[.inTransit] == 334)
        // Every delivery is kept for the lane model, in SEUR's country (no shop country given: the carrier's).
        let deliveries = try await setup.store.read { try $0.lanes.deliveries(since: .distantPast) }.parcels
        #expect(deliveries.count == 333 && Set(deliveries.map { "\($0.carrier) \($0.originCountry)>\($0.destinationCountry)" }) == ["seur ES>ES"])
        #expect(deliveries.allSatisfy { $0.firstScanAt < $0.deliveredAt && $0.postcode == "00-950" })
    }
}
