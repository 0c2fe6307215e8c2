import CarrierSim
import Foundation
import ParcelCore
import TestSupport
import Testing

/// Issue 18: the generated history is deterministic, big and long enough, realistic where the
/// lane model cares (business days only, a degraded week), and survives JSON Lines.
@Suite struct HistoryGeneratorTests {
    /// The default history (20,000 parcels, 120 days, seed 42), made once, off the cooperative
    /// pool the other tests share (it takes seconds).
    static func history() async -> [DeliveredParcel] { await offThePool { made } }
    private static let made = HistoryGenerator().generate()

    @Test func theSameSeedGivesTheSameHistoryAndAnotherSeedAnother() {
        let small = HistoryGenerator.Configuration(parcels: 500, days: 30, seed: 7)
        let first = HistoryGenerator(small).generate()
        #expect(first == HistoryGenerator(small).generate())
        var other = small
        other.seed = 8
        let second = HistoryGenerator(other).generate()
        #expect(second.count == 500)
        #expect(first != second)
        #expect(Set(first.map(\.id)).count == 500)
        #expect(first.first?.id == "h000001")
    }

    @Test func theDefaultHistoryHasTwentyThousandParcelsOverAHundredAndTwentyDays() async throws {
        let parcels = await Self.history()
        #expect(parcels.count == 20_000)
        let paid = parcels.compactMap(\.paidAt)
        #expect(paid.count == parcels.count)
        let firstPaid = try #require(paid.min())
        let lastDelivered = try #require(parcels.map(\.deliveredAt).max())
        #expect(lastDelivered.timeIntervalSince(firstPaid) >= 120 * 86_400)
        let end = try #require(CivilDate("2026-11-30"))
        let warsaw = try #require(TimeZone(identifier: "Europe/Warsaw"))
        #expect(paid.allSatisfy { CivilDate($0, in: warsaw) < end })
        // The carriers are this project's own, each from its carriers/<id>.yaml.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let carriers = Set(parcels.map(\.carrier))
        #expect(carriers.count == 8)
        for carrier in carriers {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("carriers/\(carrier).yaml").path), "\(carrier)")
        }
        #expect(Set(parcels.map(\.destinationCountry)) == ["PL", "LT", "ES"])
    }

    @Test func parcelsMoveOnBusinessDaysOnlyAndInOrder() async throws {
        let warsaw = try #require(TimeZone(identifier: "Europe/Warsaw"))
        let promiseDays = ["PL": 3, "LT": 5, "ES": 6]
        for parcel in await Self.history() {
            let calendar = BusinessCalendar(country: parcel.destinationCountry)
            #expect(calendar.isBusinessDay(parcel.deliveredDay), "\(parcel.id) delivered on \(parcel.deliveredDay)")
            #expect(BusinessCalendar(country: "PL").isBusinessDay(parcel.firstScanDay), "\(parcel.id) scanned on \(parcel.firstScanDay)")
            #expect(parcel.transitBusinessDays >= 1)
            if let paid = parcel.paidAt { #expect(paid < parcel.firstScanAt) }
            #expect(parcel.firstScanAt < parcel.deliveredAt)
            let paidDay = CivilDate(parcel.paidAt ?? parcel.firstScanAt, in: warsaw)
            #expect(parcel.promisedDate == calendar.adding(businessDays: promiseDays[parcel.destinationCountry] ?? 0, to: paidDay))
        }
    }

    @Test func theDegradedWeekShowsAndTheOthersStayPut() async throws {
        let history = await Self.history()
        let configuration = HistoryGenerator.Configuration()
        let from = configuration.degradedStart
        let to = from.adding(days: 7)
        func mean(_ carrier: String, inWeek: Bool) -> Double {
            let transits = history.filter { $0.carrier == carrier && (($0.firstScanDay >= from && $0.firstScanDay < to) == inWeek) }
                .map(\.transitBusinessDays)
            return Double(transits.reduce(0, +)) / Double(max(1, transits.count))
        }
        let degraded = mean("dpd-pl", inWeek: true)
        let usual = mean("dpd-pl", inWeek: false)
        print("dpd-pl mean transit: degraded week \(degraded), otherwise \(usual)")
        #expect(degraded - usual > 1.5)
        #expect(abs(mean("inpost", inWeek: true) - mean("inpost", inWeek: false)) < 0.5)
        // Friday hand-overs are slower than Tuesday ones.
        let inpost = history.filter { $0.carrier == "inpost" }
        func weekday(_ day: Int) -> Double {
            let transits = inpost.filter { $0.firstScanDay.weekday == day }.map(\.transitBusinessDays)
            return Double(transits.reduce(0, +)) / Double(max(1, transits.count))
        }
        #expect(weekday(5) > weekday(2) + 0.2)
    }

    @Test func theHistoryRoundTripsThroughJSONLines() async throws {
        let parcels = Array(await Self.history().prefix(200))
        let text = try HistoryGenerator.jsonLines(parcels)
        #expect(text.split(separator: "\n").count == 200)
        let back = try DeliveredParcel.parseJSONLines(text)
        // Times are written in whole seconds.
        #expect(back.map(\.id) == parcels.map(\.id))
        #expect(zip(back, parcels).allSatisfy { abs($0.deliveredAt.timeIntervalSince($1.deliveredAt)) < 1 && $0.promisedDate == $1.promisedDate })
        let first = try #require(text.split(separator: "\n").first)
        #expect(first.hasPrefix(#"{"carrier":""#))
        #expect(first.contains(#""firstScanAt":"2026-"#) && first.contains(#""origin":"PL""#))
    }
}
