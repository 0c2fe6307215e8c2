import Benchmark
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// The sweep's selection on a big SQLite store: 100k and 1M shipments, every one due, claimed a
/// page of 1,000 at a time exactly as `parcelwatch sweep` does (select, lease, read with orders).
/// Flat means a page costs the same at the end of the table as at the start, the same at 1M as
/// at 100k, and memory does not grow with the table: nothing loads it whole.
///
/// The databases are built once (about a minute for 1M) and kept in the temporary directory
/// (`parcelwatch-bench-select-N.sqlite`); each run leases at a clock past the last run's leases.
let benchmarks: @Sendable () -> Void = {
    sweepCostBenchmarks()
    commandBenchmarks()
    reportSummaryBenchmarks()
    for count in [100_000, 1_000_000] {
        Benchmark("select due shipments, \(count / 1000)k in SQLite, 1,000 a page",
                  configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0,
                                       maxDuration: .seconds(1), maxIterations: 1)) { benchmark in
            let store = try await SelectionFixture.store(count: count)
            // Each run leases at a later clock than any before, so everything is due again.
            let now = Date().addingTimeInterval(86_400 * 365)
            let residentBefore = SelectionFixture.residentMegabytes()
            benchmark.startMeasurement()
            let due = try await store.read { try $0.shipments.countDue(now: now, all: false) }
            var after = ClaimCursor.start
            var pages: [Duration] = []
            var selected = 0
            while true {
                let started = ContinuousClock.now
                let page = try await store.write(serialized: false) { [after] tx in try tx.shipments.claimDueShipments(now: now, all: false, after: after, limit: 1000, worker: "bench", lease: 60) }
                pages.append(ContinuousClock.now - started)
                guard let last = page.last else { break }
                selected += page.count
                after = ClaimCursor(after: last.shipment)
            }
            benchmark.stopMeasurement()
            let tenth = max(1, pages.count / 10)
            func milliseconds(_ slice: ArraySlice<Duration>) -> Double {
                slice.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000 }.reduce(0, +) / Double(slice.count)
            }
            let report = String(format: "%dk: %d due, %d selected in %d pages; first tenth %.2f ms/page, last tenth %.2f ms/page; RSS %.0f MB before, %.0f MB after",
                                count / 1000, due, selected, pages.count, milliseconds(pages.prefix(tenth)), milliseconds(pages.suffix(tenth)),
                                residentBefore, SelectionFixture.residentMegabytes())
            FileHandle.standardError.write(Data((report + "\n").utf8))
            guard selected == count else { throw SelectionFixture.Failure(message: "selected \(selected) of \(count)") }
        }
    }
}

/// A SQLite store with `count` shipments, built once and kept.
enum SelectionFixture {
    struct Failure: Error { var message: String }

    static func store(count: Int) async throws -> Store {
        let path = NSTemporaryDirectory() + "parcelwatch-bench-select-\(count).sqlite"
        let ready = path + ".ready"
        if FileManager.default.fileExists(atPath: ready) { return try await Store.sqlite(path: path) }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try await Store.sqlite(path: path)
        let created = Date(timeIntervalSince1970: 1_795_176_000)
        // Imported 20,000 rows at a time: the fixture itself must not need the memory the benchmark watches.
        for start in stride(from: 0, to: count, by: 20_000) {
            let rows = (start..<min(count, start + 20_000)).map { index in
                ImportRow(line: index + 2,
                          order: Order(id: "S\(index)", customerName: "Bench \(index)", email: "s\(index)@example.com", phone: nil, language: "pl",
                                       postcode: "00-950", value: Money(minorUnits: 10_000, currency: "PLN"), promisedDate: "2026-11-25",
                                       paidAt: created, reshippable: true),
                          carrier: "seur", trackingNumber: String(format: "9%013d", index))
            }
            _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "bench", at: created) }
        }
        _ = FileManager.default.createFile(atPath: ready, contents: Data())
        return store
    }

    /// This process's resident memory now, from /proc.
    static func residentMegabytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}
