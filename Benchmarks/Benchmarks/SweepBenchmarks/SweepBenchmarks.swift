import Benchmark
import CarrierSim
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// Sweep throughput and peak memory for 10k and 100k shipments against the carrier simulator on
/// loopback, into a fresh SQLite file and, when `make bench` started one
/// (`PARCELWATCH_BENCH_POSTGRES`), a fresh PostgreSQL database: the first sweep (every page downloaded and parsed, every
/// event stored) and a second one where every answer is `304 Not Modified`.
///
/// Shipments are spread over three carriers with three formats (SEUR HTML, InPost JSON,
/// Poczta Polska SOAP); rate limits are lifted so the figure is Parcelwatch's, not a politeness
/// setting. Shipments per second = N / wall clock.
let benchmarks: @Sendable () -> Void = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    let now = Date(timeIntervalSince1970: 1_795_176_000)  // 2026-11-20T12:00:00Z, the simulator's start

    let postgres = ProcessInfo.processInfo.environment["PARCELWATCH_BENCH_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    for (kind, count) in [("sqlite", 10_000), ("sqlite", 100_000)] + (postgres == nil ? [] : [("postgres", 10_000), ("postgres", 100_000)]) {
        Benchmark("sweep \(count / 1000)k shipments (\(kind)), first sweep then all-304",
                  configuration: .init(metrics: [.wallClock, .peakMemoryResident, .cpuTotal], warmupIterations: 0,
                                       maxDuration: .seconds(1), maxIterations: 1)) { benchmark in
            let fixture = try await SweepFixture.make(count: count, root: root, now: now, postgres: kind == "postgres" ? postgres : nil)
            defer { fixture.simulator.stop() }
            let options = SweepOptions(concurrency: 64, rateOverrides: ["": 1_000_000], pageSize: 1000)
            let first = Sweeper(store: fixture.store, registry: fixture.registry, fetcher: fixture.fetcher, clock: .fixed(now), options: options)
            let second = Sweeper(store: fixture.store, registry: fixture.registry, fetcher: fixture.fetcher,
                                 clock: .fixed(now.addingTimeInterval(13 * 3600)), options: options)
            benchmark.startMeasurement()
            let firstSummary = try await first.run()
            let secondSummary = try await second.run()
            benchmark.stopMeasurement()
            let report = String(format: "\(kind) %dk: first sweep %.1f s (%.0f shipments/s, %d events), second sweep %.1f s (%.0f shipments/s, %d × 304)",
                                count / 1000, firstSummary.durationSeconds, Double(firstSummary.checked) / firstSummary.durationSeconds,
                                firstSummary.newEvents, secondSummary.durationSeconds,
                                Double(secondSummary.checked) / secondSummary.durationSeconds, secondSummary.notModified)
            FileHandle.standardError.write(Data((report + "\n").utf8))
            // Two of the three carriers keep validators (SEUR's page, InPost's API); Poczta
            // Polska's SOAP service is a POST with none, so its third is downloaded again.
            guard firstSummary.checked == count, firstSummary.errors.isEmpty, secondSummary.checked == count, secondSummary.errors.isEmpty,
                  secondSummary.notModified >= count * 2 / 3 else {
                throw SweepFixture.Failure(message: "sweep did not check every shipment cleanly: \(firstSummary.errors) \(secondSummary.errors)")
            }
        }
    }
    if let postgres { workerBenchmarks(root: root, now: now, postgres: postgres) }
}

/// PostgreSQL's point: more workers. Three sweepers with their own worker names and connection
/// pools share one first sweep of 10k shipments (each claims pages under its lease), beside the
/// one-worker figure above. In one process, so on this 2-core machine they share the cores with
/// the simulator and the server: the ratio says what the store's locking allows, not what three
/// machines would reach.
func workerBenchmarks(root: String, now: Date, postgres: String) {
    for workers in [1, 3] {
        Benchmark("sweep 10k shipments (postgres), first sweep, \(workers) worker(s)",
                  configuration: .init(metrics: [.wallClock, .peakMemoryResident, .cpuTotal], warmupIterations: 0,
                                       maxDuration: .seconds(1), maxIterations: 1)) { benchmark in
            let fixture = try await SweepFixture.make(count: 10_000, root: root, now: now, postgres: postgres)
            defer { fixture.simulator.stop() }
            var sweepers: [Sweeper] = []
            for worker in 0..<workers {
                let store = worker == 0 ? fixture.store : try await Store.postgres(fixture.databaseURL ?? postgres, connections: 8)
                sweepers.append(Sweeper(
                    store: store, registry: fixture.registry, fetcher: fixture.fetcher, clock: .fixed(now),
                    options: SweepOptions(concurrency: 64, rateOverrides: ["": 1_000_000], pageSize: 250, worker: "bench-\(worker)")))
            }
            benchmark.startMeasurement()
            let summaries = try await withThrowingTaskGroup(of: SweepSummary.self) { group in
                for sweeper in sweepers { group.addTask { try await sweeper.run() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            benchmark.stopMeasurement()
            let checked = summaries.map(\.checked)
            FileHandle.standardError.write(Data("postgres 10k, \(workers) worker(s): checked \(checked), errors \(summaries.map(\.errors))\n".utf8))
            guard checked.reduce(0, +) == 10_000, summaries.allSatisfy({ $0.errors.isEmpty }) else {
                throw SweepFixture.Failure(message: "the workers checked \(checked) with errors \(summaries.map(\.errors)), not 10,000 cleanly")
            }
        }
    }
}

/// A simulator, a store and shipments for one benchmark run.
struct SweepFixture {
    struct Failure: Error { var message: String }

    let simulator: RunningSimulator
    let store: Store
    /// The PostgreSQL database the store is in (nil for SQLite), for more workers' connections.
    let databaseURL: String?
    let registry: CarrierRegistry
    let fetcher: CarrierFetcher

    /// With `postgres` (a server URL), the store is a new database on that server.
    static func make(count: Int, root: String, now: Date, postgres: String?) async throws -> SweepFixture {
        let kinds: [(carrier: String, fixture: String, number: (Int) -> String)] = [
            ("seur", "in-transit", { String(format: "8%013d", $0) }),
            ("inpost", "in-transit", { String(format: "6%023d", $0) }),
            ("poczta-polska", "in-transit", { String(format: "0015%016d", $0) }),
        ]
        var scripts: [ParcelScript] = []
        var rows: [ImportRow] = []
        scripts.reserveCapacity(count)
        rows.reserveCapacity(count)
        for index in 0..<count {
            let kind = kinds[index % kinds.count]
            let number = kind.number(index)
            scripts.append(ParcelScript(carrier: kind.carrier, number: number, timeline: [.init(afterHours: 0, fixture: kind.fixture)]))
            let order = Order(id: "B\(index)", customerName: "Bench \(index)", email: "b\(index)@example.com", phone: nil, language: "pl",
                              postcode: "00-950", value: Money(minorUnits: 10_000, currency: "PLN"), promisedDate: "2026-11-25",
                              paidAt: now.addingTimeInterval(-86_400), reshippable: true)
            rows.append(ImportRow(line: index + 2, order: order, carrier: kind.carrier, trackingNumber: number))
        }
        let simulator = try await RunningSimulator.start(SimulatorOptions(
            port: 0, fixturesDirectory: root + "/fixtures", carriersDirectory: root + "/carriers", start: now, scripts: scripts))
        let directory = NSTemporaryDirectory() + "parcelwatch-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store: Store
        let databaseURL = try postgres.map(createDatabase(on:))
        if let databaseURL {
            store = try await Store.postgres(databaseURL, connections: 8)
        } else {
            store = try await Store.sqlite(path: directory + "/bench.sqlite")
        }
        for start in stride(from: 0, to: rows.count, by: 20_000) {
            _ = try await store.write { [rows] tx in try tx.shipments.importRows(Array(rows[start..<min(rows.count, start + 20_000)]), dryRun: false, actor: "bench", at: now) }
        }
        // Poczta Polska reads only through its official (WS-Security) service: the simulator's
        // own credentials, as the tests use them, or a third of the parcels fail unfetched.
        let loaded = try CarrierRegistry.load(directory: root + "/carriers", credentials: CarrierCredentials(environment: [:]))
        let credentials = CarrierCredentials(environment: SimCredentials.environment(for: loaded))
        let registry = try CarrierRegistry.load(directory: root + "/carriers", credentials: credentials)
        let fetcher = CarrierFetcher(client: try HTTPClient(), endpoints: try EndpointOverrides([simulator.baseURL]), credentials: credentials)
        return SweepFixture(simulator: simulator, store: store, databaseURL: databaseURL, registry: registry, fetcher: fetcher)
    }

    /// A new, empty database on the server at `url` (made with `psql`), and its URL.
    static func createDatabase(on url: String) throws -> String {
        let name = "bench_\(UUID().uuidString.prefix(8).lowercased())"
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = ["psql", url, "-q", "-c", "CREATE DATABASE \(name)"]
        try psql.run()
        psql.waitUntilExit()
        guard psql.terminationStatus == 0, var components = URLComponents(string: url) else {
            throw Failure(message: "psql could not create a database on \(url)")
        }
        components.path = "/" + name
        return components.string ?? url
    }
}
