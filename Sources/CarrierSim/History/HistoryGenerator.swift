import Foundation
import ParcelCore

/// A realistic delivery history for a Polish shop, deterministic for a seed: the data the lane
/// model and its backtest are tried on.
///
/// - Carriers (``HistoryCarrier/standard``): real ids from `carriers/`, each serving one
///   destination country from Poland, several postcode prefixes per country.
/// - Transit: log-normal in business days per lane (the carrier's median times a factor per
///   postcode prefix, 0.85–1.30), at least one day; a Friday hand-over adds half a day to the
///   median; a national holiday inside the transit adds a day half the time (the backlog); days
///   are counted on the destination's ``BusinessCalendar``, so nothing is delivered on a weekend or
///   holiday.
/// - Shop processing: paid before 13:00 on a business day ships the same day two times in three,
///   else the next business day (a fifth of afternoon orders two days); Monday adds a day a quarter
///   of the time (the weekend's backlog); weekend orders ship from Monday.
/// - Promise: the payment day plus ``Configuration/promiseDays`` business days of the destination
///   (Poland 3, Lithuania 5, Spain 6).
/// - Carrier estimates, for carriers that give them, nine parcels in ten: right 60%, a day early
///   25%, a day late 10%, two days early 5%; blind to the degraded week.
/// - Degradation: ``Configuration/degradedCarrier`` takes two business days longer for first scans
///   in the 7 days from ``Configuration/degradedStart``.
public struct HistoryGenerator: Sendable {
    /// What to generate.
    public struct Configuration: Sendable, Hashable {
        /// Parcels (default 20,000).
        public var parcels: Int
        /// Days of payments, ending the day before ``end`` (default 120).
        public var days: Int
        /// The seed (default 42).
        public var seed: UInt64
        /// The day after the last payment (default 2026-11-30).
        public var end: CivilDate
        /// The carrier that degrades for a week (default `dpd-pl`).
        public var degradedCarrier: String
        /// The first day of its bad week (default 35 days before ``end``).
        public var degradedStart: CivilDate
        /// Business days the shop promises, by destination country.
        public var promiseDays: [String: Int]
        /// The carriers.
        public var carriers: [HistoryCarrier]

        /// A configuration; the defaults are those documented on each property.
        public init(
            parcels: Int = 20_000, days: Int = 120, seed: UInt64 = 42, end: CivilDate = CivilDate(daysSince1970: 20_787),
            degradedCarrier: String = "dpd-pl", degradedStart: CivilDate? = nil, carriers: [HistoryCarrier] = HistoryCarrier.standard
        ) {
            self.parcels = max(0, parcels)
            self.days = max(1, days)
            self.seed = seed
            self.end = end
            self.degradedCarrier = degradedCarrier
            self.degradedStart = degradedStart ?? end.adding(days: -35)
            self.promiseDays = ["PL": 3, "LT": 5, "ES": 6]
            self.carriers = carriers
        }
    }

    /// Postcode prefixes and their shares per country.
    private static let prefixes: [String: [(prefix: String, weight: Double)]] = [
        "PL": [("00", 5), ("02", 4), ("30", 3), ("50", 3), ("60", 2), ("80", 2), ("90", 1), ("15", 1)],
        "LT": [("01", 4), ("08", 3), ("44", 2), ("48", 1), ("91", 1)],
        "ES": [("28", 4), ("08", 4), ("41", 2), ("46", 2), ("29", 1), ("48", 1)],
    ]

    /// A postcode of `country` starting with `prefix`, `n` (0…999) filling the rest: `00-123`,
    /// `LT-01123` or `01123` (both forms occur), `28123`.
    private static func postcode(_ country: String, prefix: String, _ n: Int) -> String {
        switch country {
        case "PL": return "\(prefix)-\(pad(n % 1000, 3))"
        case "LT": return n % 2 == 0 ? "LT-\(prefix)\(pad(n % 1000, 3))" : "\(prefix)\(pad(n % 1000, 3))"
        default: return "\(prefix)\(pad(n % 1000, 3))"
        }
    }

    /// The configuration.
    public let configuration: Configuration

    /// A generator.
    public init(_ configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// The history, sorted by payment time, ids `h000001`… in that order.
    public func generate() -> [DeliveredParcel] {
        var random = SplitMix64(seed: configuration.seed)
        let origin = "PL"
        let originZone = TimeZone(identifier: "Europe/Warsaw") ?? .gmt
        let originCalendar = BusinessCalendar(country: origin)
        let carriers = configuration.carriers
        let totalWeight = carriers.reduce(0) { $0 + $1.weight }
        let firstDay = configuration.end.adding(days: -configuration.days)
        let degradedEnd = configuration.degradedStart.adding(days: 7)
        var calendars: [String: BusinessCalendar] = [:]
        var zones: [String: TimeZone] = [:]
        for carrier in carriers {
            calendars[carrier.country] = BusinessCalendar(country: carrier.country)
            zones[carrier.country] = Self.zone(carrier.country)
        }

        var parcels: [DeliveredParcel] = []
        parcels.reserveCapacity(configuration.parcels)
        for _ in 0..<configuration.parcels {
            let carrier = Self.pick(carriers, weight: { $0.weight }, total: totalWeight, &random)
            let country = carrier.country
            let calendar = calendars[country] ?? BusinessCalendar(country: country)
            let zone = zones[country] ?? .gmt
            let service = Self.pick(carrier.services, weight: { $0.weight }, total: carrier.services.reduce(0) { $0 + $1.weight }, &random).name
            let places = Self.prefixes[country] ?? [("00", 1)]
            let prefix = Self.pick(places, weight: { $0.weight }, total: places.reduce(0) { $0 + $1.weight }, &random).prefix
            let postcode = Self.postcode(country, prefix: prefix, random.below(1000))

            // Payment and the shop's processing.
            let paidDay = firstDay.adding(days: random.below(configuration.days))
            let paidMinute = 7 * 60 + random.below(16 * 60)
            let paidAt = Self.instant(paidDay, minute: paidMinute, zone: originZone)
            var processing: Int
            if !originCalendar.isBusinessDay(paidDay) {
                processing = 1
            } else if paidMinute < 13 * 60 {
                processing = random.chance(2.0 / 3) ? 0 : 1
            } else {
                processing = random.chance(0.2) ? 2 : 1
            }
            let scanDay = originCalendar.adding(businessDays: processing, to: paidDay)
            if scanDay.weekday == 1 && random.chance(0.25) { processing += 1 }
            let firstScanDay = originCalendar.adding(businessDays: processing, to: paidDay)
            let scanMinute = max(15 * 60 + random.below(5 * 60), firstScanDay == paidDay ? paidMinute + 30 : 0)
            let firstScanAt = Self.instant(firstScanDay, minute: min(scanMinute, 23 * 60 + 59), zone: originZone)

            // Transit on this lane.
            var median = carrier.median * Self.prefixFactor(carrier: carrier.id, prefix: prefix)
            if firstScanDay.weekday == 5 { median += 0.5 }
            let drawn = Foundation.exp(Foundation.log(median) + carrier.sigma * random.normal())
            let planned = max(1, Int(drawn.rounded()))
            let nominal = calendar.adding(businessDays: planned, to: firstScanDay)
            let backlog = Self.holiday(between: firstScanDay, and: nominal, calendar) && random.chance(0.5) ? 1 : 0
            let degraded = carrier.id == configuration.degradedCarrier && firstScanDay >= configuration.degradedStart && firstScanDay < degradedEnd
            let transit = planned + backlog + (degraded ? 2 : 0)
            let deliveredDay = calendar.adding(businessDays: transit, to: firstScanDay)
            let deliveredAt = Self.instant(deliveredDay, minute: 9 * 60 + random.below(10 * 60), zone: zone)

            // What the shop promised and what the carrier said.
            let promised = configuration.promiseDays[country].map { calendar.adding(businessDays: $0, to: paidDay) }
            var estimate: CivilDate?
            if carrier.givesEstimates && random.chance(0.9) {
                let roll = random.uniform()
                let offset = roll < 0.6 ? 0 : roll < 0.85 ? -1 : roll < 0.95 ? 1 : -2
                // It knows the holiday backlog but is blind to a degradation.
                let base = calendar.adding(businessDays: planned + backlog, to: firstScanDay)
                estimate = max(firstScanDay.adding(days: 1), calendar.adding(businessDays: offset, to: base))
            }
            parcels.append(
                DeliveredParcel(
                    id: "", carrier: carrier.id, service: service, originCountry: origin, destinationCountry: country, postcode: postcode,
                    paidAt: paidAt, firstScanAt: firstScanAt, deliveredAt: deliveredAt, promisedDate: promised, carrierEstimate: estimate))
        }
        parcels.sort { ($0.paidAt ?? $0.firstScanAt, $0.deliveredAt) < ($1.paidAt ?? $1.firstScanAt, $1.deliveredAt) }
        for index in parcels.indices { parcels[index].id = "h" + Self.pad(index + 1, 6) }
        return parcels
    }

    /// The history as JSON Lines: one ``DeliveredParcel`` object a line, each line ending in a newline.
    public static func jsonLines(_ parcels: [DeliveredParcel]) throws -> String {
        var text = ""
        for parcel in parcels {
            text += try parcel.jsonLine()
            text += "\n"
        }
        return text
    }

    // MARK: - Helpers

    /// An element by weight.
    private static func pick<T>(_ items: [T], weight: (T) -> Double, total: Double, _ random: inout SplitMix64) -> T {
        var roll = random.uniform() * total
        for item in items {
            roll -= weight(item)
            if roll < 0 { return item }
        }
        return items[items.count - 1]
    }

    /// 0.85…1.30, fixed per carrier and prefix (an FNV hash, so every run agrees).
    private static func prefixFactor(carrier: String, prefix: String) -> Double {
        0.85 + Double(FNV1a64.hash(carrier + "/" + prefix) % 46) / 100
    }

    /// Whether a holiday (not a weekend) lies after `start` through `end`.
    private static func holiday(between start: CivilDate, and end: CivilDate, _ calendar: BusinessCalendar) -> Bool {
        var day = start.adding(days: 1)
        while day <= end {
            if calendar.isHoliday(day) && day.weekday < 6 { return true }
            day = day.adding(days: 1)
        }
        return false
    }

    /// The instant `minute` minutes after local midnight of `day` in `zone`.
    private static func instant(_ day: CivilDate, minute: Int, zone: TimeZone) -> Date {
        day.start(in: zone).addingTimeInterval(Double(minute * 60))
    }

    /// The zone the history uses for a country.
    private static func zone(_ country: String) -> TimeZone {
        let names = ["PL": "Europe/Warsaw", "LT": "Europe/Vilnius", "ES": "Europe/Madrid", "EE": "Europe/Tallinn", "LV": "Europe/Riga"]
        return names[country].flatMap(TimeZone.init(identifier:)) ?? .gmt
    }

    /// `value` zero-padded to `width` digits.
    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
