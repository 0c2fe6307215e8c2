import Benchmark
import Foundation
import ParcelCore
import ParcelStore

#if canImport(Glibc)
import Glibc
#endif

/// Whole `parcelwatch` processes over the steady 1M store, as a shop runs them: `find` by order
/// id, tracking number, e-mail, phone and name, `report` over 30 days and `shipments --json`
/// (to /dev/null). Each is the release binary `make bench` builds (`.build/release/parcelwatch`,
/// the one `make install` installs), so the wall clock includes startup; the process's own peak
/// resident memory comes from `wait4`, as the custom metric `child peak RSS (MB)`.
///
/// Issue 17's targets: `find` under 10 ms of lookup at 1M, `report` over 30 days under 0.5 s,
/// `shipments --json` under 100 MB RSS.
func commandBenchmarks() {
    let childRSS = BenchmarkMetric.custom("child peak RSS (MB)", polarity: .prefersSmaller, useScalingFactor: false)
    let count = 1_000_000
    let now = "2026-11-21T12:00:00Z"
    let commands: [(name: String, arguments: [String], iterations: Int)] = [
        ("find by order id", ["find", "T424242", "--json"], 10),
        ("find by tracking number", ["find", SteadyFixture.number(424_242), "--json"], 10),
        ("find by e-mail", ["find", "t424242@example.com", "--json"], 10),
        ("find by name", ["find", "Steady 424242", "--json"], 10),
        ("report over 30 days", ["report", "--since", "30d", "--now", now, "--json"], 5),
        // The worst window: it starts inside the day all 1M were created, so that day is read from
        // the 1M parcels' stored facts instead of its summary.
        ("report over 30 hours, from inside the busiest day", ["report", "--since", "30h", "--now", now, "--json"], 3),
        ("shipments --json", ["shipments", "--json"], 1),
    ]
    for command in commands {
        Benchmark("parcelwatch \(command.name), \(count / 1000)k shipments in SQLite (whole process)",
                  configuration: .init(metrics: [.wallClock, childRSS], warmupIterations: 1,
                                       maxDuration: .seconds(30), maxIterations: command.iterations)) { benchmark in
            _ = try await SteadyFixture.store(count: count)  // built on the first run
            let binary = SteadyFixture.root + "/.build/release/parcelwatch"
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw SteadyFixture.Failure(message: "\(binary) is missing: run `make bench` (it builds the release binary first)")
            }
            let database = NSTemporaryDirectory() + "parcelwatch-bench-steady-\(count).sqlite"
            benchmark.startMeasurement()
            let result = try ChildProcess.run(binary, command.arguments + ["--db", database])
            benchmark.stopMeasurement()
            guard result.status == 0 else {
                throw SteadyFixture.Failure(message: "parcelwatch \(command.arguments.joined(separator: " ")) exited with \(result.status)")
            }
            benchmark.measurement(childRSS, result.peakResidentKilobytes / 1024)
        }
    }
}

/// The report's summaries built from nothing over the steady 1M store: what the first sweep after
/// upgrading does once (every parcel's facts read and folded, 1,000 per transaction).
func reportSummaryBenchmarks() {
    Benchmark("report summaries built from nothing, 1000k shipments in SQLite",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0,
                                   maxDuration: .seconds(1), maxIterations: 1)) { benchmark in
        let store = try await SteadyFixture.store(count: 1_000_000)
        // Kept in another zone: emptied, every parcel marked again, nothing folded yet.
        _ = try await store.write { try $0.reports.prepareSummaries(timeZone: .gmt) }
        benchmark.startMeasurement()
        let folded = try await store.refreshReportSummaries(timeZone: ShopConfig.defaults.timeZone)
        benchmark.stopMeasurement()
        guard folded >= 1_000_000 else { throw SteadyFixture.Failure(message: "folded \(folded) parcels, expected every one") }
    }
}

/// A child process with its output thrown away, and what `wait4` says it used.
enum ChildProcess {
    struct Result {
        var status: Int32
        var peakResidentKilobytes: Int
    }

    static func run(_ path: String, _ arguments: [String]) throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw SteadyFixture.Failure(message: "could not start \(path): errno \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, 0, &usage) == pid else { throw SteadyFixture.Failure(message: "wait4 failed: errno \(errno)") }
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exited, peakResidentKilobytes: usage.ru_maxrss)
    }
}
