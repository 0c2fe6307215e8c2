import Foundation
import ParcelCore
import Testing

/// Issue 18: the lane model's distributions, window, back-off, conditioning, carrier estimates,
/// lateRisk and explanations, on hand-made histories whose answers are known.
@Suite struct LaneModelTests {
    static let warsaw = TimeZone(identifier: "Europe/Warsaw") ?? .gmt
    static let poland = BusinessCalendar(country: "PL")

    func day(_ text: String) throws -> CivilDate { try #require(CivilDate(text)) }

    /// `time` (hours, Warsaw) on `day`.
    static func at(_ day: CivilDate, hour: Double = 12) -> Date { day.start(in: warsaw).addingTimeInterval(hour * 3600) }

    /// A parcel first scanned at noon on `scan` and delivered `transit` Polish business days later.
    static func parcel(
        _ id: String, carrier: String = "inpost", postcode: String = "30-001", scan: CivilDate, transit: Int, promised: CivilDate? = nil,
        paid: Date? = nil
    ) -> DeliveredParcel {
        DeliveredParcel(
            id: id, carrier: carrier, originCountry: "PL", destinationCountry: "PL", postcode: postcode, paidAt: paid, firstScanAt: at(scan),
            deliveredAt: at(poland.adding(businessDays: transit, to: scan), hour: 14), promisedDate: promised)
    }

    /// `count` Monday parcels of `transits` (cycled), on the Mondays from 2026-10-05 on.
    static func mondays(_ transits: [Int], count: Int, carrier: String = "inpost", postcode: String = "30-001", prefix: String = "p") throws
        -> [DeliveredParcel]
    {
        let first = try #require(CivilDate("2026-10-05"))
        return (0..<count).map { index in
            parcel(
                "\(prefix)\(index)", carrier: carrier, postcode: postcode, scan: first.adding(days: 7 * (index % 6)), transit: transits[index % transits.count])
        }
    }

    // MARK: - Distribution

    @Test func quantilesAndConditionalQuantilesOnKnownData() {
        let transit = TransitDistribution(transits: [1, 1, 1, 2, 2, 3, 4, 5, 8, 10])
        #expect(transit.total == 10)
        #expect(transit.quantile(0.5) == 2)
        #expect(transit.quantile(0.9) == 8)
        #expect(transit.quantile(0.1) == 1)
        #expect(transit.probability(atMost: 2) == 0.5)
        #expect(transit.probability(atMost: 3) == 0.6)
        #expect(transit.probability(atMost: 0) == 0)
        // Known to take more than 2 days: 3, 4, 5, 8, 10 remain.
        #expect(transit.quantile(0.5, after: 2) == 5)
        #expect(transit.quantile(0.9, after: 2) == 10)
        #expect(transit.probability(atMost: 4, after: 2) == 0.4)
        #expect(transit.probability(atMost: 2, after: 2) == 0)
        #expect(transit.quantile(0.5, after: 10) == nil)
        #expect(transit.mean == 3.7)
        #expect(TransitDistribution().quantile(0.5) == nil)
        // Past the last bucket counts in it.
        let long = TransitDistribution(transits: [45, 2])
        #expect(long.counts[TransitDistribution.maximumDays] == 1)
        #expect(long.quantile(1) == TransitDistribution.maximumDays)
    }

    @Test func expiringADayTakesItsCountsOutAndNothingElse() {
        var transit = TransitDistribution()
        transit.add(transit: 1, day: 10, onTime: true)
        transit.add(transit: 1, day: 10, onTime: false)
        transit.add(transit: 4, day: 12)
        transit.add(transit: 2, day: 11, onTime: true)  // out of order: inserted in place
        #expect(transit.days.map(\.day) == [10, 11, 12])
        #expect(transit.onTimeRate == 2.0 / 3)
        transit.expire(before: 11)
        #expect(transit.total == 2)
        #expect(transit.counts[1] == 0 && transit.counts[2] == 1 && transit.counts[4] == 1)
        #expect(transit.onTimeRate == 1)
        #expect(transit.since(12).total == 1)
    }

    // MARK: - Window

    @Test func aCarrierGettingSlowerShowsInP50OnceTheWindowMoves() throws {
        let start = try day("2026-01-05")
        var model = LaneModel()
        var parcels: [DeliveredParcel] = []
        for offset in 0..<180 {
            for copy in 0..<2 {
                parcels.append(Self.parcel("d\(offset)-\(copy)", scan: start.adding(days: offset), transit: offset < 100 ? 1 : 3))
            }
        }
        parcels.sort { $0.deliveredAt < $1.deliveredAt }
        let carrierKey = try #require(parcels.first?.laneKey.backedOff(to: .carrier))
        for parcel in parcels where parcel.firstScanAt < Self.at(start.adding(days: 100)) { model.record(parcel) }
        #expect(model.distribution(for: carrierKey)?.quantile(0.5) == 1)

        // Two weeks into the slowdown: p50 still fast, but the trend shows it.
        let twoWeeks = Self.at(start.adding(days: 114))
        for parcel in parcels where parcel.deliveredAt < twoWeeks && parcel.firstScanAt >= Self.at(start.adding(days: 100)) { model.record(parcel) }
        let summary = try #require(model.lanes(asOf: twoWeeks).first { $0.key == carrierKey })
        #expect(summary.p50 == 1)
        #expect(try #require(summary.trend) > 1.0)

        for parcel in parcels where parcel.deliveredAt >= twoWeeks { model.record(parcel) }
        let slow = try #require(model.distribution(for: carrierKey))
        #expect(slow.quantile(0.5) == 3)
        // Only the last 90 UTC days count.
        let newest = try #require(model.newestDay)
        let inWindow = parcels.filter { Int(($0.deliveredAt.timeIntervalSince1970 / 86_400).rounded(.down)) > newest - 90 }.count
        #expect(slow.total == inWindow)
        #expect(slow.total < parcels.count)
    }

    // MARK: - Back-off

    @Test func aLaneWithTooFewParcelsBacksOffToItsCountryThenItsCarrier() throws {
        var model = LaneModel()
        for parcel in try Self.mondays([2], count: 10, postcode: "00-950", prefix: "w") + Self.mondays([3], count: 35, postcode: "30-001", prefix: "k") {
            model.record(parcel)
        }
        let scan = try day("2026-11-16")
        let now = Self.at(scan, hour: 13)
        func estimate(_ postcode: String, country: String = "PL", promised: CivilDate? = nil) -> DeliveryEstimate? {
            model.estimate(
                for: InFlightParcel(
                    carrier: "inpost", originCountry: "PL", destinationCountry: country, postcode: postcode, firstScanAt: Self.at(scan),
                    promisedDate: promised), now: now)
        }
        let krakow = try #require(estimate("30-950"))
        #expect(krakow.source == .lane(.lane, parcels: 35))
        #expect(krakow.p50 == (try day("2026-11-19")))
        let warsaw = try #require(estimate("00-001"))
        #expect(warsaw.source == .lane(.destination, parcels: 45))
        #expect(
            warsaw.lane
                == LaneKey(carrier: "inpost", service: nil, originCountry: "PL", destinationCountry: "PL", postcode: "00", handOverWeekday: 1).backedOff(
                    to: .destination))
        // Lithuania has no parcels at all: the carrier alone.
        #expect(estimate("01100", country: "LT")?.source == .lane(.carrier, parcels: 45))
        // Another carrier with nothing: the promise, or nothing without one.
        let unknown = InFlightParcel(carrier: "seur", originCountry: "PL", destinationCountry: "ES", postcode: "28001", firstScanAt: Self.at(scan))
        #expect(model.estimate(for: unknown, now: now) == nil)
        var promised = unknown
        promised.promisedDate = try day("2026-11-20")
        let promise = try #require(model.estimate(for: promised, now: now))
        #expect(promise.source == .promise)
        #expect(promise.p50 == (try day("2026-11-20")))
        #expect(promise.confidence == 0)
    }

    // MARK: - Conditioning

    @Test func aParcelWithoutAScanForTwoDaysIsLaterThanItsLanesP50() throws {
        var model = LaneModel()
        // 20 × 2 days, 12 × 3, 8 × 5: p50 2, p90 5.
        for parcel in try Self.mondays([2, 2, 3, 2, 5, 3, 3, 2, 2, 5], count: 40) { model.record(parcel) }
        let monday = try day("2026-11-16")
        var parcel = InFlightParcel(
            carrier: "inpost", carrierName: "InPost", originCountry: "PL", destinationCountry: "PL", postcode: "30-950", firstScanAt: Self.at(monday),
            lastScanAt: Self.at(monday), promisedDate: try day("2026-11-19"))
        let fresh = try #require(model.estimate(for: parcel, now: Self.at(monday, hour: 18)))
        #expect(fresh.elapsedBusinessDays == 0)
        #expect(fresh.p50 == (try day("2026-11-18")))
        #expect(fresh.p90 == (try day("2026-11-23")))
        #expect(fresh.probabilityByPromise == 32.0 / 40)

        // Thursday, nothing since Monday: Tuesday and Wednesday passed without delivery.
        let quiet = try #require(model.estimate(for: parcel, now: Self.at(try day("2026-11-19"), hour: 9)))
        #expect(quiet.elapsedBusinessDays == 2)
        #expect(quiet.p50 == (try day("2026-11-19")))
        #expect(quiet.p50 > fresh.p50)
        #expect(quiet.p90 == (try day("2026-11-23")))
        #expect(quiet.probabilityByPromise == 12.0 / 20)

        // Later than every parcel seen: the lane's shape starts again after the elapsed days.
        let lost = try #require(model.estimate(for: parcel, now: Self.at(try day("2026-11-25"), hour: 9)))
        #expect(lost.elapsedBusinessDays == 6)
        #expect(lost.p50 == (try day("2026-11-25")))
        #expect(lost.probabilityByPromise == 0)

        // Before hand-over: the shop's processing (paid Monday, scanned Tuesday) comes first.
        for index in 0..<40 {
            let paidMonday = try day("2026-10-05").adding(days: 7 * (index % 6))
            model.record(Self.parcel("s\(index)", scan: paidMonday.adding(days: 1), transit: 2, paid: Self.at(paidMonday, hour: 9)))
        }
        #expect(model.processing(weekday: 1).quantile(0.5) == 1)
        parcel.firstScanAt = nil
        parcel.lastScanAt = nil
        parcel.paidAt = Self.at(monday, hour: 9)
        let unshipped = try #require(model.estimate(for: parcel, now: Self.at(monday, hour: 10)))
        #expect(unshipped.p50 == (try day("2026-11-19")))
    }

    @Test func onTheDayOfHandOverASameDayDeliveryIsStillPossible() throws {
        var model = LaneModel()
        for parcel in try Self.mondays([0, 1, 0, 0, 1], count: 40, carrier: "dhl-pl") { model.record(parcel) }
        let monday = try day("2026-11-16")
        let parcel = InFlightParcel(
            carrier: "dhl-pl", originCountry: "PL", destinationCountry: "PL", postcode: "30-950", firstScanAt: Self.at(monday, hour: 8),
            promisedDate: monday)
        let morning = try #require(model.estimate(for: parcel, now: Self.at(monday, hour: 9)))
        #expect(morning.p50 == monday)
        #expect(morning.probabilityByPromise == 24.0 / 40)
        let tuesday = try #require(model.estimate(for: parcel, now: Self.at(monday.adding(days: 1), hour: 9)))
        #expect(tuesday.p50 == monday.adding(days: 1))
        #expect(tuesday.probabilityByPromise == 0)
    }

    // MARK: - Carrier estimates

    @Test func aCarrierEstimateIsBelievedUnlessItIsPastOrTooEarlyForTheLane() throws {
        var model = LaneModel()
        for parcel in try Self.mondays([2, 3, 3, 2, 4], count: 40) { model.record(parcel) }
        let monday = try day("2026-11-16")
        func estimate(_ claimed: String, now: Date? = nil) throws -> DeliveryEstimate {
            let parcel = InFlightParcel(
                carrier: "inpost", carrierName: "InPost", originCountry: "PL", destinationCountry: "PL", postcode: "30-950",
                firstScanAt: Self.at(monday), carrierEstimate: try day(claimed))
            return try #require(model.estimate(for: parcel, now: now ?? Self.at(monday, hour: 15)))
        }
        // p10 is Wednesday (2 days); one day of margin lets Tuesday through.
        let wednesday = try estimate("2026-11-18")
        #expect(wednesday.source == .carrier)
        #expect(wednesday.p50 == (try day("2026-11-18")))
        #expect(wednesday.p90 == (try day("2026-11-20")))
        #expect(wednesday.confidence == 40)
        #expect(wednesday.explanation.en == "InPost's own estimate")
        #expect(try estimate("2026-11-17").source == .carrier)
        // Today is two days before the lane's p10: not credible.
        let early = try estimate("2026-11-16")
        #expect(early.source == .lane(.lane, parcels: 40))
        #expect(early.p50 == (try day("2026-11-19")))
        // Later than the lane's p90 is believed: the carrier knows of a delay.
        #expect(try estimate("2026-11-25").p50 == (try day("2026-11-25")))
        // A day already past is not.
        #expect(try estimate("2026-11-18", now: Self.at(try day("2026-11-19"), hour: 9)).source == .lane(.lane, parcels: 40))
    }

    // MARK: - lateRisk

    @Test func lateRiskOpensForALaneThatSlowsDownAndNotForOneThatDoesNot() throws {
        var model = LaneModel(configuration: LaneModel.Configuration(windowDays: 20))
        let start = try day("2026-09-07")
        var parcels: [DeliveredParcel] = []
        for offset in 0..<40 {
            for carrier in ["inpost", "dpd-pl"] {
                let slow = carrier == "dpd-pl" && offset >= 20
                for copy in 0..<3 {
                    parcels.append(
                        Self.parcel("\(carrier)\(offset)-\(copy)", carrier: carrier, scan: start.adding(days: offset), transit: slow ? 4 : 1 + offset % 2))
                }
            }
        }
        let rule = LateRiskRule()
        func risk(_ carrier: String, scan: CivilDate) throws -> (Bool, Double?) {
            let parcel = InFlightParcel(
                carrier: carrier, originCountry: "PL", destinationCountry: "PL", postcode: "30-001", firstScanAt: Self.at(scan),
                promisedDate: Self.poland.adding(businessDays: 2, to: scan))
            let estimate = try #require(model.estimate(for: parcel, now: Self.at(scan, hour: 18)))
            return (rule.isAtRisk(estimate), estimate.probabilityByPromise)
        }
        let before = start.adding(days: 21)
        for parcel in parcels where parcel.deliveredAt < Self.at(before) { model.record(parcel) }
        #expect(try risk("dpd-pl", scan: before) == (false, 1))
        let after = start.adding(days: 45)
        for parcel in parcels where parcel.deliveredAt >= Self.at(before) { model.record(parcel) }
        model.advance(to: Self.at(after))
        #expect(try risk("inpost", scan: after) == (false, 1))
        let (slowRisk, slowChance) = try risk("dpd-pl", scan: after)
        #expect(slowRisk)
        #expect(try #require(slowChance) < 0.3)
    }

    @Test func lateRiskHasHysteresisAndEndsWhenThePromisedDayPasses() throws {
        let today = try day("2026-11-18")
        func estimate(_ chance: Double?, promised: String = "2026-11-20") throws -> DeliveryEstimate {
            DeliveryEstimate(
                today: today, p50: today, p90: today, source: .lane(.lane, parcels: 40), confidence: 40, lane: nil, elapsedBusinessDays: 1,
                promisedDate: try day(promised), probabilityByPromise: chance, explanation: .init(pl: "", en: "", es: "", lt: ""))
        }
        let rule = LateRiskRule()
        #expect(rule.isAtRisk(try estimate(0.29)))
        #expect(!rule.isAtRisk(try estimate(0.35)))
        #expect(rule.isAtRisk(try estimate(0.35), wasAtRisk: true))
        #expect(!rule.isAtRisk(try estimate(0.40), wasAtRisk: true))
        #expect(rule.isAtRisk(try estimate(0.1, promised: "2026-11-18")))
        #expect(!rule.isAtRisk(try estimate(0.0, promised: "2026-11-17"), wasAtRisk: true))
        #expect(!rule.isAtRisk(try estimate(nil)))
        #expect(LateRiskRule(threshold: 0.5, clearThreshold: 0.2).clearThreshold == 0.5)
    }

    // MARK: - Words

    @Test func anEstimateExplainsItselfInFourLanguages() throws {
        var model = LaneModel()
        for parcel in try Self.mondays([2], count: 35) + Self.mondays([2], count: 10, postcode: "00-950", prefix: "w") { model.record(parcel) }
        let monday = try day("2026-11-16")
        func estimate(_ postcode: String) throws -> DeliveryEstimate {
            try #require(
                model.estimate(
                    for: InFlightParcel(
                        carrier: "inpost", carrierName: "InPost", originCountry: "PL", destinationCountry: "PL", postcode: postcode,
                        firstScanAt: Self.at(monday)), now: Self.at(monday, hour: 15)))
        }
        let lane = try estimate("30-950").explanation
        #expect(lane.en == "estimated from 35 InPost parcels to 30-xxx in the last 90 days")
        #expect(lane.pl == "oszacowano na podstawie 35 przesyłek InPost do 30-xxx z ostatnich 90 dni")
        #expect(lane.es == "estimado a partir de 35 envíos de InPost a 30-xxx en los últimos 90 días")
        #expect(lane.lt == "įvertinta pagal 35 InPost siuntas į 30-xxx per pastarąsias 90 dienų")
        #expect(lane.text(for: "pl-PL") == lane.pl && lane.text(for: "de") == lane.en)
        let country = try estimate("00-100").explanation
        #expect(country.en == "estimated from 45 InPost parcels to Poland in the last 90 days")
        #expect(country.pl == "oszacowano na podstawie 45 przesyłek InPost do Polski z ostatnich 90 dni")
        #expect(country.es == "estimado a partir de 45 envíos de InPost a Polonia en los últimos 90 días")
        #expect(country.lt == "įvertinta pagal 45 InPost siuntas į Lenkiją per pastarąsias 90 dienų")
    }

    @Test func postcodesAreCutToTwoCharactersAndMasked() {
        #expect(LaneKey.postcodePrefix(" 00-950 ", country: "PL") == "00")
        #expect(LaneKey.postcodePrefix("lt-01100", country: "LT") == "01")
        #expect(LaneKey.postcodePrefix("01100", country: "LT") == "01")
        #expect(LaneKey.postcodePrefix("SW1A 1AA", country: "GB") == "SW")
        #expect(LaneKey.postcodePrefix("-", country: "PL") == nil)
        #expect(LaneKey.maskedPostcode("00-950", country: "PL") == "00-xxx")
        #expect(LaneKey.maskedPostcode("LT-01100", country: "LT") == "01xxx")
        #expect(LaneKey.maskedPostcode("sw1a 1aa", country: "GB") == "SWxx xxx")
        let key = LaneKey(carrier: "InPost", service: "Locker", originCountry: "pl", destinationCountry: "pl", postcode: "30-001", handOverWeekday: 5)
        #expect(key.description == "inpost/locker/PL>PL/30/5")
        #expect(key.backOffChain.map(\.description) == ["inpost/locker/PL>PL/30/5", "inpost/*/*>PL/*/*", "inpost/*/*>*/*/*"])
    }

    // MARK: - Persistence

    @Test func theModelAndAHistoryLineSurviveJSON() throws {
        var model = LaneModel()
        for parcel in try Self.mondays([2, 3], count: 40) { model.record(parcel) }
        let decoded = try JSONDecoder().decode(LaneModel.self, from: JSONEncoder().encode(model))
        let monday = try day("2026-11-16")
        let parcel = InFlightParcel(carrier: "inpost", originCountry: "PL", destinationCountry: "PL", postcode: "30-001", firstScanAt: Self.at(monday))
        #expect(decoded.estimate(for: parcel, now: Self.at(monday, hour: 15)) == model.estimate(for: parcel, now: Self.at(monday, hour: 15)))
        #expect(decoded.lanes(asOf: Self.at(monday)) == model.lanes(asOf: Self.at(monday)))

        // Days keep only the counts they use; sums are rebuilt, and a corrupt day is refused.
        let transit = try JSONDecoder().decode(TransitDistribution.self, from: Data(#"{"days":[{"day":5,"counts":[0,2,1],"promised":2,"onTime":1}]}"#.utf8))
        #expect(transit.total == 3 && transit.quantile(0.5) == 1 && transit.onTimeRate == 0.5)
        #expect(String(decoding: try JSONEncoder().encode(transit), as: UTF8.self).contains(#""counts":[0,2,1]"#))
        let tooLong = #"{"days":[{"day":5,"counts":[\#(Array(repeating: "1", count: 32).joined(separator: ","))]}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TransitDistribution.self, from: Data(tooLong.utf8)) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TransitDistribution.self, from: Data(#"{"days":[{"day":5,"counts":[1]},{"day":4,"counts":[1]}]}"#.utf8))
        }
        let source = DeliveryEstimate.Source.lane(.destination, parcels: 45)
        let sourceJSON = String(decoding: try JSONEncoder().encode(source), as: UTF8.self)
        #expect(sourceJSON.contains(#""kind":"lane""#) && sourceJSON.contains(#""level":"destination""#) && sourceJSON.contains(#""parcels":45"#))
        #expect(try JSONDecoder().decode(DeliveryEstimate.Source.self, from: Data(sourceJSON.utf8)) == source)

        let line = DeliveredParcel(
            id: "h1", carrier: "inpost", service: "locker", originCountry: "PL", destinationCountry: "PL", postcode: "00-950",
            paidAt: Date(timeIntervalSince1970: 1_795_000_000), firstScanAt: Date(timeIntervalSince1970: 1_795_050_000),
            deliveredAt: Date(timeIntervalSince1970: 1_795_150_000), promisedDate: try day("2026-11-20"))
        let text = try line.jsonLine()
        #expect(
            text == #"{"carrier":"inpost","deliveredAt":"2026-11-20T04:46:40Z","destination":"PL","firstScanAt":"2026-11-19T01:00:00Z","#
                + #""id":"h1","origin":"PL","paidAt":"2026-11-18T11:06:40Z","postcode":"00-950","promisedDate":"2026-11-20","service":"locker"}"#)
        #expect(try DeliveredParcel.parseJSONLines(text + "\n\n" + text) == [line, line])
        #expect(throws: HistoryLineError.self) { try DeliveredParcel.parseJSONLines(text + "\n{\"id\": 1}") }
        do {
            _ = try DeliveredParcel.parseJSONLines(text + "\n{\"id\": 1}")
        } catch let error as HistoryLineError {
            #expect(error.line == 2)
        }
    }
}
