import Foundation

/// A day on the proleptic Gregorian calendar with no time or zone attached: a promised delivery
/// day, a public holiday, the local day a scan happened on.
///
/// Years run from −1,000,000 to 1,000,000 so day arithmetic can never overflow; the text form
/// (`YYYY-MM-DD`, also the Codable form) covers years 0000 to 9999.
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year, e.g. 2026.
    public let year: Int
    /// The month, 1 = January … 12 = December.
    public let month: Int
    /// The day of the month, from 1.
    public let day: Int

    /// The years a date may have; day counts outside them are clamped.
    private static let years = -1_000_000...1_000_000
    /// Days since 1970-01-01 of the first and last representable day.
    private static let dayRange =
        CivilTime.days(year: years.lowerBound, month: 1, day: 1)...CivilTime.days(year: years.upperBound, month: 12, day: 31)

    /// A date from its parts, or nil when they name no real day (month outside 1…12, day past the
    /// month's end, year outside ±1,000,000).
    public init?(year: Int, month: Int, day: Int) {
        guard Self.years.contains(year), (1...12).contains(month),
            (1...CivilTime.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, zero-padded), or nil when the text has another
    /// shape or names no real day (`2026-02-30`).
    public init?(_ text: String) {
        var (year, month, day) = (0, 0, 0)
        var position = 0
        for byte in text.utf8 {
            if position == 4 || position == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard position < 10, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let digit = Int(byte - UInt8(ascii: "0"))
                if position < 4 {
                    year = year * 10 + digit
                } else if position < 7 {
                    month = month * 10 + digit
                } else {
                    day = day * 10 + digit
                }
            }
            position += 1
        }
        guard position == 10 else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The date `days` days after 1970-01-01 (before it when negative), clamped to the
    /// representable years.
    public init(daysSince1970 days: Int) {
        let clamped = min(max(days, Self.dayRange.lowerBound), Self.dayRange.upperBound)
        let (year, month, day) = CivilTime.date(days: clamped)
        self.year = year
        self.month = month
        self.day = day
    }

    /// The local calendar day of an instant in `zone`: 2026-11-20T23:30:00Z is 2026-11-21 in
    /// Europe/Warsaw.
    public init(_ date: Date, in zone: TimeZone) {
        let limit = Double(Self.dayRange.upperBound) * 86_400
        let interval = date.timeIntervalSince1970
        let seconds = interval.isNaN ? 0 : Int(min(max(interval, -limit), limit).rounded(.down))
        let local = seconds + zone.secondsFromGMT(for: date)
        self.init(daysSince1970: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSince1970: Int { CivilTime.days(year: year, month: month, day: day) }

    /// The ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let days = daysSince1970 + 3
        return (days % 7 + 7) % 7 + 1
    }

    /// The date `days` days later (earlier when negative), clamped to the representable years.
    public func adding(days: Int) -> CivilDate {
        let (sum, overflow) = daysSince1970.addingReportingOverflow(days)
        return CivilDate(daysSince1970: overflow ? (days > 0 ? Int.max : Int.min) : sum)
    }

    /// The instant this day begins in `zone`: local midnight, or the first valid moment after it
    /// when a DST change skips midnight.
    public func start(in zone: TimeZone) -> Date {
        CivilTime.instant(localSeconds: daysSince1970 * 86_400, in: zone).date
    }

    /// `YYYY-MM-DD`; years past 9999 get more digits, years before 0 a leading `-`.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            var count = 1
            while count < width || value / divisor >= 10 {
                divisor *= 10
                count += 1
            }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        if year < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(abs(year), 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Orders by day, the same order as `daysSince1970`.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes from a `YYYY-MM-DD` string; any other string is a `DecodingError.dataCorrupted`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a YYYY-MM-DD date naming a real day, got \"\(text)\"")
        }
        self = date
    }

    /// Encodes as a `YYYY-MM-DD` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
