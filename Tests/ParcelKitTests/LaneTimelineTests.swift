import Foundation
import ParcelCore
import Testing

/// Issue 18: the weekly series the console's Lanes charts draw, on a hand-made history whose
/// percentiles and on-time rates are worked out below.
@Suite struct LaneTimelineTests {
    static let warsaw = TimeZone(identifier: "Europe/Warsaw") ?? .gmt

    /// `hour` o'clock UTC on `day`.
    static func utc(_ day: String, _ hour: Double = 10) throws -> Date {
        try #require(CivilDate(day)).start(in: .gmt).addingTimeInterval(hour * 3600)
    }

    /// A parcel handed over at 08:00 UTC on `scan` and delivered at 10:00 UTC on `delivered`.
    static func parcel(
        _ id: String, carrier: String = "inpost", to country: String = "PL", scan: String, delivered: String, promised: String? = nil
    ) throws -> DeliveredParcel {
        DeliveredParcel(
            id: id, carrier: carrier, originCountry: "PL", destinationCountry: country, postcode: country == "LT" ? "LT-01100" : "30-001",
            firstScanAt: try utc(scan, 8), deliveredAt: try utc(delivered), promisedDate: promised.flatMap(CivilDate.init))
    }

    /// Now is Wednesday 2026-11-25; the two weeks start on Mondays 2026-11-16 and 2026-11-23.
    ///
    /// - inpost to PL, week 1: scanned Monday the 16th, delivered after 1, 1, 2, 2 and 4 Polish
    ///   business days, promised the 18th: p50 2 (four of five by day 2), p90 4, on time 4 of 5.
    /// - inpost to LT, week 1: one parcel, 3 Lithuanian business days, no promise.
    /// - inpost to PL, week 2: two parcels, both on time: too few for a value.
    /// - dpd-pl to PL, week 2: 1, 1, 1, 2, 2 days, promised the 24th: p50 1, p90 2, on time 3 of 5.
    ///   Its only destination lane is the carrier itself, so it is drawn once.
    /// - Ignored: one delivered before the window, one delivered after now, one scanned after delivery.
    static func history() throws -> [DeliveredParcel] {
        var parcels: [DeliveredParcel] = []
        for (index, delivered) in ["2026-11-17", "2026-11-17", "2026-11-18", "2026-11-18", "2026-11-20"].enumerated() {
            parcels.append(try parcel("a\(index)", scan: "2026-11-16", delivered: delivered, promised: "2026-11-18"))
        }
        parcels.append(try parcel("lt", to: "LT", scan: "2026-11-16", delivered: "2026-11-19"))
        for index in 0..<2 { parcels.append(try parcel("b\(index)", scan: "2026-11-23", delivered: "2026-11-24", promised: "2026-11-24")) }
        for (index, delivered) in ["2026-11-24", "2026-11-24", "2026-11-24", "2026-11-25", "2026-11-25"].enumerated() {
            parcels.append(try parcel("d\(index)", carrier: "dpd-pl", scan: "2026-11-23", delivered: delivered, promised: "2026-11-24"))
        }
        parcels.append(try parcel("old", scan: "2026-11-09", delivered: "2026-11-10", promised: "2026-11-10"))
        parcels.append(try parcel("future", scan: "2026-11-25", delivered: "2026-11-26", promised: "2026-11-20"))
        parcels.append(try parcel("backwards", scan: "2026-11-20", delivered: "2026-11-19"))
        return parcels
    }

    @Test func weeklyPercentilesPerLaneAndCarrierFromTheWindowOnly() throws {
        let timeline = LaneTimeline(parcels: try Self.history(), now: try Self.utc("2026-11-25", 12), weeks: 2)
        #expect(timeline.weeks.map(\.description) == ["2026-11-16", "2026-11-23"])
        #expect(timeline.firstDay == (try #require(CivilDate("2026-11-16"))).daysSince1970)
        #expect(timeline.lanes.map(\.key.description) == ["inpost/*/*>PL/*/*", "inpost/*/*>LT/*/*", "inpost/*/*>*/*/*", "dpd-pl/*/*>*/*/*"])
        #expect(timeline.lanes.map(\.parcels) == [7, 1, 8, 5])

        let poland = timeline.lanes[0]
        #expect(poland.points.map(\.parcels) == [5, 2])
        #expect(poland.points.map(\.p50) == [2, nil] && poland.points.map(\.p90) == [4, nil])
        // The carrier's week 1 adds the 3-day Lithuanian parcel: 1, 1, 2, 2, 3, 4.
        let inpost = timeline.lanes[2]
        #expect(inpost.points.map(\.parcels) == [6, 2] && inpost.points.map(\.p50) == [2, nil] && inpost.points.map(\.p90) == [4, nil])
        let dpd = timeline.lanes[3]
        #expect(dpd.points.map(\.parcels) == [0, 5] && dpd.points.map(\.p50) == [nil, 1] && dpd.points.map(\.p90) == [nil, 2])
    }

    @Test func weeklyOnTimeRatePerCarrierCountsOnlyDeliveriesWithAPromise() throws {
        let timeline = LaneTimeline(parcels: try Self.history(), now: try Self.utc("2026-11-25", 12), weeks: 2)
        #expect(timeline.onTime.map(\.carrier) == ["inpost", "dpd-pl"])
        #expect(timeline.onTime.map(\.promised) == [7, 5])
        let inpost = timeline.onTime[0], dpd = timeline.onTime[1]
        #expect(inpost.points.map(\.promised) == [5, 2] && inpost.points.map(\.onTime) == [4, 2])
        #expect(inpost.points.map(\.rate) == [0.8, nil], "two promises in week 2 are too few for a rate")
        #expect(dpd.points.map(\.promised) == [0, 5] && dpd.points.map(\.rate) == [nil, 0.6])
    }

    @Test func topLanesAndTheMinimumBoundWhatIsDrawn() throws {
        let history = try Self.history()
        let now = try Self.utc("2026-11-25", 12)
        let one = LaneTimeline(parcels: history, now: now, weeks: 2, topLanes: 1)
        #expect(one.lanes.map(\.key.description) == ["inpost/*/*>PL/*/*", "inpost/*/*>*/*/*", "dpd-pl/*/*>*/*/*"])
        // With a minimum of 2, inpost's second week has values: both parcels took 1 day.
        let loose = LaneTimeline(parcels: history, now: now, weeks: 2, minimumWeekParcels: 2)
        #expect(loose.lanes[0].points.map(\.p50) == [2, 1] && loose.onTime[0].points.map(\.rate) == [0.8, 1.0])
        // Twelve weeks take in the parcel of the week of the 9th too; the nine weeks before it are empty.
        let long = LaneTimeline(parcels: history, now: now, weeks: 12)
        #expect(long.weeks.count == 12 && long.weeks.first?.description == "2026-09-07" && long.weeks.last?.description == "2026-11-23")
        #expect(long.lanes.map(\.parcels) == [8, 1, 9, 5] && long.lanes[0].points.prefix(9).allSatisfy { $0.parcels == 0 && $0.p50 == nil })
        #expect(long.lanes[0].points.suffix(3).map(\.parcels) == [1, 5, 2])
        let empty = LaneTimeline(parcels: [], now: now)
        #expect(empty.lanes.isEmpty && empty.onTime.isEmpty && empty.weeks.count == 12)
    }

    @Test func anEstimateWindowInEachCustomerLanguage() throws {
        let from = try #require(CivilDate("2026-11-24")), to = try #require(CivilDate("2026-11-26"))
        #expect(EstimateWording.window(from: from, to: to, language: "en") == "between 24 Nov 2026 and 26 Nov 2026")
        #expect(EstimateWording.window(from: from, to: to, language: "pl") == "między 24.11.2026 a 26.11.2026")
        #expect(EstimateWording.window(from: from, to: to, language: "es-ES") == "entre el 24/11/2026 y el 26/11/2026")
        #expect(EstimateWording.window(from: from, to: to, language: "lt") == "nuo 2026-11-24 iki 2026-11-26")
        #expect(EstimateWording.window(from: from, to: to, language: "de") == "between 24 Nov 2026 and 26 Nov 2026")
        #expect(
            ["en", "pl", "es", "lt"].map { EstimateWording.window(from: from, to: from, language: $0) } == [
                "on 24 Nov 2026", "24.11.2026", "el 24/11/2026", "2026-11-24",
            ])
        #expect(
            ["en", "pl", "es", "lt"].map { EstimateWording.heading(language: $0) } == [
                "Expected delivery", "Przewidywana dostawa", "Entrega prevista", "Numatomas pristatymas",
            ])
    }
}
