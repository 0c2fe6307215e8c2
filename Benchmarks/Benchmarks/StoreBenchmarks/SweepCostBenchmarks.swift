import Benchmark
import CarrierSim
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// What a sweep costs when little is due, by table size: a sweep with nothing due (no parcel to
/// check, no rule due), a sweep with 1,000 new parcels due (each page served by the carrier
/// simulator on loopback, downloaded, parsed and stored, its rules run), and the incident rules
/// after 1,000 parcels changed. Each should cost the same at 1M shipments as at 10k (issue 17:
/// O(due + changed), not O(table)).
///
/// The stores are in a steady state: every parcel checked and scheduled, every rule instant
/// computed (built once per size and kept in the temporary directory as
/// `parcelwatch-bench-steady-N.sqlite`, several minutes for 1M).
func sweepCostBenchmarks() {
    let now = SteadyFixture.now.addingTimeInterval(60)
    for count in [10_000, 100_000, 1_000_000] {
        Benchmark("sweep with nothing due, \(count / 1000)k shipments in SQLite",
                  configuration: .init(metrics: [.wallClock, .peakMemoryResident, .cpuTotal], warmupIterations: 1,
                                       maxDuration: .seconds(5), maxIterations: 10)) { benchmark in
            let store = try await SteadyFixture.store(count: count)
            let registry = try CarrierRegistry.load(directory: SteadyFixture.root + "/carriers")
            let services = try ParcelServices(store: store, config: .defaults, registry: registry)
            let client = try HTTPClient()
            let sweeper = try services.sweeper(
                fetcher: CarrierFetcher(client: client, endpoints: try EndpointOverrides([])), clock: .fixed(now),
                options: SweepOptions(pageSize: 1000), client: client, defaultOutbox: NSTemporaryDirectory() + "parcelwatch-bench-outbox")
            benchmark.startMeasurement()
            let summary = try await sweeper.run()
            benchmark.stopMeasurement()
            guard summary.checked == 0, let rules = summary.incidents, rules.looked == 0 else {
                throw SteadyFixture.Failure(message: "\(summary.checked) checked, \(summary.incidents?.looked ?? -1) rules due: not a steady state")
            }
        }
        Benchmark("sweep with 1,000 due, \(count / 1000)k shipments in SQLite",
                  configuration: .init(metrics: [.wallClock, .peakMemoryResident, .cpuTotal], warmupIterations: 1,
                                       maxDuration: .seconds(10), maxIterations: 5)) { benchmark in
            let store = try await SteadyFixture.store(count: count)
            // 1,000 parcels new to the store (numbers no earlier run used), due at once, each
            // with a SEUR page on the simulator.
            let run = Int(Date().timeIntervalSince1970 * 10) % 10_000_000
            let numbers = (0..<1000).map { String(format: "8%07d%06d", run, $0) }
            let simulator = try await RunningSimulator.start(SimulatorOptions(
                port: 0, fixturesDirectory: SteadyFixture.root + "/fixtures", carriersDirectory: SteadyFixture.root + "/carriers",
                start: now, scripts: numbers.map { ParcelScript(carrier: "seur", number: $0, timeline: [.init(afterHours: 0, fixture: "in-transit")]) }))
            defer { simulator.stop() }
            let rows = numbers.enumerated().map { index, number in
                ImportRow(line: index + 2,
                          order: Order(id: "D\(number)", customerName: "Due \(index)", email: "d\(number)@example.com", phone: nil, language: "pl",
                                       postcode: "00-950", value: Money(minorUnits: 10_000, currency: "PLN"), promisedDate: "2027-06-30",
                                       paidAt: now.addingTimeInterval(-3600), reshippable: true),
                          carrier: "seur", trackingNumber: number)
            }
            _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "bench", at: now) }
            let registry = try CarrierRegistry.load(directory: SteadyFixture.root + "/carriers")
            let services = try ParcelServices(store: store, config: .defaults, registry: registry)
            let client = try HTTPClient()
            let sweeper = try services.sweeper(
                fetcher: CarrierFetcher(client: client, endpoints: try EndpointOverrides([simulator.baseURL])), clock: .fixed(now.addingTimeInterval(1)),
                options: SweepOptions(concurrency: 64, rateOverrides: ["": 1_000_000], pageSize: 1000), client: client,
                defaultOutbox: NSTemporaryDirectory() + "parcelwatch-bench-outbox")
            benchmark.startMeasurement()
            let summary = try await sweeper.run()
            benchmark.stopMeasurement()
            guard summary.checked == 1000, summary.errors.isEmpty, let rules = summary.incidents, rules.looked >= 1000 else {
                throw SteadyFixture.Failure(message: "\(summary.checked) checked, \(summary.errors.count) errors, \(summary.incidents?.looked ?? -1) rules due: expected the 1,000 new parcels")
            }
        }
        Benchmark("incident rules after 1,000 parcels changed, \(count / 1000)k shipments in SQLite",
                  configuration: .init(metrics: [.wallClock, .peakMemoryResident, .cpuTotal], warmupIterations: 1,
                                       maxDuration: .seconds(5), maxIterations: 10)) { benchmark in
            let store = try await SteadyFixture.store(count: count)
            let registry = try CarrierRegistry.load(directory: SteadyFixture.root + "/carriers")
            let engine = IncidentEngine(store: store, config: .defaults, registry: registry, templates: try NoticeTemplates())
            // 1,000 parcels spread over the table get a new scan, as a sweep would record it.
            let scan = try await SteadyFixture.nextScan(store)
            let stride = max(1, count / 1000)
            for id in Swift.stride(from: 1, through: count, by: stride).prefix(1000) {
                let number = SteadyFixture.number(id - 1)
                let event = TrackingEvent(
                    carrier: "seur", trackingNumber: number, time: CarrierTime(date: scan, offsetSeconds: 3600), rawStatus: "EN TRANSITO",
                    rawCode: nil, status: .inTransit, reason: nil, location: "MADRID")
                _ = try await store.write(serialized: false) {
                    try $0.shipments.apply(
                        TrackingUpdate(shipmentID: Int64(id), events: [event], estimatedDelivery: nil, checkedAt: scan, schedule: .standard))
                }
            }
            benchmark.startMeasurement()
            let summary = try await engine.run(now: scan.addingTimeInterval(1))
            benchmark.stopMeasurement()
            guard summary.looked >= 1000 else { throw SteadyFixture.Failure(message: "only \(summary.looked) rows were due") }
        }
    }
}

/// A SQLite store with `count` parcels in a steady state, built once and kept.
enum SteadyFixture {
    struct Failure: Error { var message: String }

    /// 2026-11-20T12:00:00Z, a Friday.
    static let now = Date(timeIntervalSince1970: 1_795_176_000)
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func number(_ index: Int) -> String { String(format: "7%013d", index) }

    /// A scan a minute after the last one recorded, so each iteration's events are news; before
    /// Tuesday, when the labels' notDispatched instants come.
    static func nextScan(_ store: Store) async throws -> Date {
        let first = try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number(0)) }
        let scan = max(now.addingTimeInterval(120), (first?.lastEventAt ?? now).addingTimeInterval(60))
        guard scan < now.addingTimeInterval(2 * 86_400) else {
            throw Failure(message: "the steady store has seen two days of scans: delete \(NSTemporaryDirectory())parcelwatch-bench-steady-*")
        }
        return scan
    }

    static func store(count: Int) async throws -> Store {
        let path = NSTemporaryDirectory() + "parcelwatch-bench-steady-\(count).sqlite"
        let ready = path + ".ready"
        if FileManager.default.fileExists(atPath: ready) {
            // A store built before the report's summaries gets them here, once; as a sweep does.
            let store = try await Store.sqlite(path: path)
            try await store.refreshReportSummaries(timeZone: ShopConfig.defaults.timeZone)
            return store
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try await Store.sqlite(path: path)
        // Labels paid an hour ago and promised next summer: no rule fires, each has an instant.
        for start in stride(from: 0, to: count, by: 20_000) {
            let rows = (start..<min(count, start + 20_000)).map { index in
                ImportRow(line: index + 2,
                          order: Order(id: "T\(index)", customerName: "Steady \(index)", email: "t\(index)@example.com", phone: nil, language: "pl",
                                       postcode: "00-950", value: Money(minorUnits: 10_000, currency: "PLN"), promisedDate: "2027-06-30",
                                       paidAt: now.addingTimeInterval(-3600), reshippable: true),
                          carrier: "seur", trackingNumber: number(index))
            }
            _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "bench", at: now) }
        }
        // Every parcel checked (nothing due for a day), then every rule scheduled.
        var after = ClaimCursor.start
        while true {
            let page = try await store.write(serialized: false) { [after] tx in
                let page = try tx.shipments.claimDueShipments(now: now, all: false, after: after, limit: 1000, worker: "bench", lease: 60)
                for due in page {
                    try tx.shipments.recordUnchanged(shipmentID: due.shipment.id, checkedAt: now, nextCheckAt: now.addingTimeInterval(86_400))
                }
                return page
            }
            guard let last = page.last else { break }
            after = ClaimCursor(after: last.shipment)
        }
        let registry = try CarrierRegistry.load(directory: root + "/carriers")
        _ = try await IncidentEngine(store: store, config: .defaults, registry: registry).run(now: now)
        try await store.refreshReportSummaries(timeZone: ShopConfig.defaults.timeZone)
        _ = FileManager.default.createFile(atPath: ready, contents: Data())
        return store
    }
}
