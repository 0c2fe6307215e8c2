import CarrierSim
import Foundation
import ParcelCore
import TestSupport
import Testing

/// Issue 18: the backtest scores estimates made from only what was known at the time, and on a
/// generated history the lane model beats the shop's promise.
@Suite struct BacktestTests {
    static let warsaw = TimeZone(identifier: "Europe/Warsaw") ?? .gmt
    static let poland = BusinessCalendar(country: "PL")

    @Test func aSteadyLaneIsPredictedExactlyOnceItHoldsThirtyParcels() throws {
        let start = try #require(CivilDate("2026-09-01"))
        var parcels: [DeliveredParcel] = []
        // Tuesday to Thursday hand-overs only, one a day, always two business days, promised one day after hand-over.
        var day = start
        while parcels.count < 80 {
            if (2...4).contains(day.weekday) && Self.poland.isBusinessDay(day) {
                parcels.append(
                    DeliveredParcel(
                        id: "s\(parcels.count)", carrier: "inpost", originCountry: "PL", destinationCountry: "PL", postcode: "00-950",
                        firstScanAt: day.start(in: Self.warsaw).addingTimeInterval(16 * 3600),
                        deliveredAt: Self.poland.adding(businessDays: 2, to: day).start(in: Self.warsaw).addingTimeInterval(11 * 3600),
                        promisedDate: Self.poland.adding(businessDays: 1, to: day)))
            }
            day = day.adding(days: 1)
        }
        let report = Backtest().run(parcels.reversed())
        #expect(report.parcels == 80)
        // The carrier lane reaches 30 deliveries at about the 32nd parcel (two are on their way).
        #expect((45...50).contains(report.headlineParcels))
        let model = try #require(report.headline(.model))
        #expect(model.onDayShare == 1 && model.windowShare == 1 && model.meanAbsoluteError == 0)
        let promise = try #require(report.headline(.promise))
        #expect(promise.parcels == report.headlineParcels)
        #expect(promise.onDayShare == 0 && promise.meanAbsoluteError == 1)
        #expect(report.headline(.carrier) == nil)
        #expect(report.headline(.lanes)?.onDayShare == 1)
        // Every parcel is late against its promise; the model sees it from the first scan once it knows the lane.
        #expect(report.lateRisk.late == 80)
        #expect(report.lateRisk.precision == 1)
        #expect(report.lateRisk.warnedAndLate == report.lateRisk.warned)
        #expect(report.lateRisk.medianLeadDays == 1)
        let json = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(BacktestReport.self, from: json) == report)
    }

    @Test func onGeneratedHistoryTheModelBeatsThePromise() async throws {
        // Seconds of computing, off the cooperative pool the other tests share.
        let (result, took) = await offThePool {
            let history = HistoryGenerator().generate()
            let started = ContinuousClock.now
            let report = Backtest().run(history)
            return (report, ContinuousClock.now - started)
        }
        print(result.text)
        print("sources: \(result.headlineSources.sorted { $0.key < $1.key }), took \(took)")
        let model = try #require(result.headline(.model))
        let promise = try #require(result.headline(.promise))
        let carrier = try #require(result.headline(.carrier))
        let lanes = try #require(result.headline(.lanes))
        // The history alone beats the promise too; the carrier's estimates add to it.
        #expect(lanes.meanAbsoluteError < promise.meanAbsoluteError)
        #expect(lanes.windowShare > promise.windowShare)
        #expect(model.onDayShare > lanes.onDayShare)
        #expect(result.headlineParcels > 10_000)
        #expect(model.meanAbsoluteError < promise.meanAbsoluteError)
        #expect(model.windowShare > promise.windowShare)
        #expect(model.onDayShare > promise.onDayShare)
        #expect(carrier.parcels < model.parcels)
        let lateRisk = result.lateRisk
        #expect(lateRisk.late > 0 && lateRisk.warned > 0)
        // A warning is worth heeding: most warned parcels are late, far more than parcels at large.
        let lateShare = Double(lateRisk.late) / Double(lateRisk.parcels)
        #expect(try #require(lateRisk.precision) > 0.7)
        #expect(try #require(lateRisk.precision) > 2 * lateShare)
        // At 30% it catches only the clearly doomed parcels, about a quarter of the late ones, a day ahead.
        #expect(try #require(lateRisk.recall) > 0.2)
        #expect(try #require(lateRisk.medianLeadDays) >= 1)
    }
}

/// The lanes report on generated history: the degraded DPD week shows as a trend while the
/// window's p50 has not moved yet, and a steady carrier shows none.
@Suite struct LanesReportTests {
    @Test func theDegradedWeekShowsAsATrendInTheLanesReport() async throws {
        // Seconds of computing, off the cooperative pool the other tests share.
        let (model, report) = await offThePool {
            let configuration = HistoryGenerator.Configuration()
            let history = HistoryGenerator(configuration).generate().sorted { $0.deliveredAt < $1.deliveredAt }
            let asOf = configuration.degradedStart.adding(days: 10).start(in: TimeZone(identifier: "Europe/Warsaw") ?? .gmt)
            var model = LaneModel()
            for parcel in history where parcel.deliveredAt < asOf { model.record(parcel) }
            return (model, model.lanes(asOf: asOf))
        }
        let dpd = try #require(report.first { $0.key.level == .carrier && $0.key.carrier == "dpd-pl" })
        let inpost = try #require(report.first { $0.key.level == .carrier && $0.key.carrier == "inpost" })
        print("dpd-pl: n \(dpd.parcels) p50 \(dpd.p50) p90 \(dpd.p90) on time \(dpd.onTimeRate ?? -1) trend \(dpd.trend ?? .nan)")
        print("inpost: n \(inpost.parcels) p50 \(inpost.p50) p90 \(inpost.p90) on time \(inpost.onTimeRate ?? -1) trend \(inpost.trend ?? .nan)")
        #expect(try #require(dpd.trend) > 0.5)
        #expect(abs(try #require(inpost.trend)) < 0.2)
        #expect(try #require(dpd.onTimeRate) < (try #require(inpost.onTimeRate)))
        #expect(dpd.parcels > 2_000 && inpost.parcels > 4_000)
        // The store can keep it as one JSON value: a few hundred lanes of 90 days, trailing zero counts left out.
        let json = try JSONEncoder().encode(model)
        print("model: \(report.count) lanes, \(json.count) bytes of JSON")
        #expect(json.count < 4_000_000)
        // Every lane of every level appears once, finest keys included.
        #expect(Set(report.map(\.key)).count == report.count)
        #expect(report.contains { $0.key.level == .lane && $0.key.postcodePrefix == "00" && $0.key.service == "locker" })
    }
}
