import Foundation

/// A moment as a carrier reported it: the UTC instant plus the UTC offset the carrier's clock
/// showed, so "14:02 in Madrid" can be shown back as the carrier wrote it.
public struct CarrierTime: Sendable, Hashable, Codable, Comparable {
    /// The instant.
    public var date: Date
    /// Seconds east of UTC of the carrier's local time at that instant.
    public var offsetSeconds: Int

    /// Creates a time.
    public init(date: Date, offsetSeconds: Int) {
        self.date = date
        self.offsetSeconds = offsetSeconds
    }

    /// Orders by instant.
    public static func < (lhs: CarrierTime, rhs: CarrierTime) -> Bool { lhs.date < rhs.date }

    /// `2026-11-20T14:02:00Z`: ISO-8601 in UTC, whole seconds.
    public var utcText: String { ISOTime.utc(date) }
}

/// ISO-8601 text without DateFormatter: the one reader of ISO times given on the command line,
/// in files and in stored text.
public enum ISOTime {
    /// The instant `text` (`2026-11-20T14:02:00Z`, or with an offset) names, UTC when it names no
    /// offset; nil when it is not ISO-8601.
    public static func parse(_ text: String) -> Date? {
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        return parse(text, zone: utc)
    }

    /// The instant `text` names, read in `zone` when it names no offset (`2026-11-18T09:30:00`
    /// is 09:30 in the shop's zone); nil when it is not ISO-8601. `T` or a space separates date
    /// and time; seconds and a fraction are optional.
    public static func parse(_ text: String, zone: TimeZone) -> Date? {
        TimePattern.iso8601.parse(text, zone: zone)?.date
    }

    /// `2026-11-20T14:02:00Z`.
    public static func utc(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (y, m, d) = CivilTime.date(days: days)
        // By hand: String(format:) costs microseconds a call, and reports print thousands.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = max(0, value)
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(y, 4); bytes.append(UInt8(ascii: "-")); digits(m, 2); bytes.append(UInt8(ascii: "-")); digits(d, 2)
        bytes.append(UInt8(ascii: "T")); digits(rest / 3600, 2); bytes.append(UInt8(ascii: ":")); digits(rest % 3600 / 60, 2)
        bytes.append(UInt8(ascii: ":")); digits(rest % 60, 2); bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
