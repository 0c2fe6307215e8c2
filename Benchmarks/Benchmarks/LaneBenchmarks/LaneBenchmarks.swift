import Benchmark
import CarrierSim
import Foundation
import ParcelCore

/// The lane model of issue 18, pure and in memory, over `carrier-sim history`'s generated
/// deliveries (seed 42, the demo's carriers, one degrading for a week):
///
/// - `lanes: record 1M deliveries`: folding a million delivered parcels into an empty model, in
///   delivery order, as sweeps and `lanes import` do one by one. Throughput is parcels per second
///   (scaling factor mega: one iteration is the whole million).
/// - `lanes: estimate (model of 1M)`: one estimate for an in-flight parcel from that model, the
///   cost `track`, `/api`, `shipments` and the lateRisk rule pay per parcel; 1,000 per iteration.
/// - `lanes: backtest 100k`: the whole `lanes backtest` replay of 100,000 parcels.
let benchmarks: @Sendable () -> Void = {
    let end = CivilDate(daysSince1970: 20_787)
    let million = HistoryGenerator(HistoryGenerator.Configuration(parcels: 1_000_000, days: 120, seed: 42, end: end)).generate()
        .sorted { $0.deliveredAt < $1.deliveredAt }
    let hundredThousand = HistoryGenerator(HistoryGenerator.Configuration(parcels: 100_000, days: 120, seed: 42, end: end)).generate()
    var model = LaneModel()
    for parcel in million { model.record(parcel) }
    let asOf = end.start(in: TimeZone(identifier: "Europe/Warsaw") ?? .gmt)
    // In-flight parcels: the last 1,000 delivered, seen the morning after their first scan.
    let inFlight = million.suffix(1000).map { InFlightParcel($0) }

    let slow = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .peakMemoryResident], warmupIterations: 1, scalingFactor: .mega, maxDuration: .seconds(60),
        maxIterations: 3)
    Benchmark("lanes: record 1M deliveries", configuration: slow) { benchmark in
        var fresh = LaneModel()
        benchmark.startMeasurement()
        for parcel in million { blackHole(fresh.record(parcel)) }
        benchmark.stopMeasurement()
        blackHole(fresh)
    }
    Benchmark(
        "lanes: estimate (model of 1M)",
        configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 2, scalingFactor: .kilo, maxDuration: .seconds(5))
    ) { benchmark in
        for parcel in inFlight {
            blackHole(model.estimate(for: parcel, now: parcel.firstScanAt.map { $0.addingTimeInterval(86_400) } ?? asOf))
        }
    }
    Benchmark(
        "lanes: backtest 100k",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 0, maxDuration: .seconds(120), maxIterations: 3)
    ) { _ in
        blackHole(Backtest().run(hundredThousand))
    }
}
