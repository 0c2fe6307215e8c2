import Foundation

/// A carrier's fixed time format (`dd/MM/yyyy HH:mm`, `yyyyMMdd HHmmss`, `MMMM d, yyyy h:mm a`,
/// `iso8601`) compiled once, then read and written without DateFormatter, which costs about
/// 230 µs a call and dominated page parsing.
///
/// Tokens are documented in `carriers/README.md`.
public struct TimePattern: Sendable, Equatable, CustomStringConvertible {
    enum Token: Sendable, Equatable {
        case year, monthName, minute, second, fraction, meridiem, dayName
        /// A UTC offset; read in any spelling, written `+01:00` (`Z` at zero), or `+0100` for `XX`.
        case offset(colon: Bool)
        case month(Int), day(Int), hour24(Int), hour12(Int)
        case space
        case literal(UInt8)
    }

    /// The pattern as written in the carrier file.
    public let description: String
    let tokens: [Token]
    let isISO: Bool

    /// `iso8601`, which needs no compiling (``ISOTime`` reads with it).
    public static let iso8601 = TimePattern(isoNamed: "iso8601")

    private init(isoNamed name: String) {
        description = name
        tokens = []
        isISO = true
    }

    /// Compiles `pattern`; an unknown letter token is an error so typos show at load time.
    public init(_ pattern: String) throws(TimePatternError) {
        description = pattern
        if pattern.lowercased() == "iso8601" {
            isISO = true
            tokens = []
            return
        }
        isISO = false
        var tokens: [Token] = []
        let chars = Array(pattern)
        var index = 0
        while index < chars.count {
            let char = chars[index]
            var run = 1
            while index + run < chars.count, chars[index + run] == char { run += 1 }
            switch char {
            case "y": tokens.append(.year)
            case "M": tokens.append(run >= 3 ? .monthName : .month(run))
            case "d": tokens.append(.day(run))
            case "H": tokens.append(.hour24(run))
            case "h": tokens.append(.hour12(run))
            case "m": tokens.append(.minute)
            case "s": tokens.append(.second)
            case "S": tokens.append(.fraction)
            case "a": tokens.append(.meridiem)
            case "X", "x", "Z": tokens.append(.offset(colon: run != 2))
            case "E": tokens.append(.dayName)
            case " ": tokens.append(.space)
            case "'":
                guard let close = chars[(index + 1)...].firstIndex(of: "'") else { throw .unterminatedQuote(pattern) }
                for byte in String(chars[(index + 1)..<close]).utf8 { tokens.append(.literal(byte)) }
                index = close + 1
                continue
            default:
                if char.isLetter { throw .unknownToken(pattern, String(char)) }
                for _ in 0..<run { for byte in String(char).utf8 { tokens.append(.literal(byte)) } }
            }
            index += run
        }
        self.tokens = tokens
    }

    /// Reads `text`; a time without an offset is taken in `zone`. Nil when the text does not
    /// fit the pattern or names an impossible date.
    public func parse(_ text: String, zone: TimeZone) -> CarrierTime? {
        read(text, zone: zone)?.time
    }

    /// Reads `text` like ``parse(_:zone:)`` and also says whether `zone` had to be assumed
    /// (the text carried no offset of its own).
    public func read(_ text: String, zone: TimeZone) -> (time: CarrierTime, zoneAssumed: Bool)? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = ByteReader(bytes: bytes)
            let fields = isISO ? reader.readISO() : reader.read(tokens)
            guard var fields, reader.atEndIgnoringSpace else { return nil }
            if fields.hour12 {
                guard (1...12).contains(fields.hour) else { return nil }
                fields.hour = fields.hour % 12 + (fields.pm ? 12 : 0)
            }
            guard (1...12).contains(fields.month), fields.day >= 1,
                fields.day <= CivilTime.daysInMonth(year: fields.year, month: fields.month),
                (0...23).contains(fields.hour), (0...59).contains(fields.minute), (0...60).contains(fields.second)
            else { return nil }
            let local =
                CivilTime.days(year: fields.year, month: fields.month, day: fields.day) * 86_400
                + fields.hour * 3600 + fields.minute * 60 + min(fields.second, 59)
            if let offset = fields.offset {
                return (CarrierTime(date: Date(timeIntervalSince1970: Double(local - offset) + fields.fraction), offsetSeconds: offset), false)
            }
            let (date, offset) = CivilTime.instant(localSeconds: local, in: zone)
            return (CarrierTime(date: date.addingTimeInterval(fields.fraction), offsetSeconds: offset), true)
        }
    }

    /// Writes `date` as the carrier would, in `zone` (English month names, `AM`/`PM`).
    public func format(_ date: Date, zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let (year, month, day) = CivilTime.date(days: days)
        let hour = secondOfDay / 3600, minute = secondOfDay % 3600 / 60, second = secondOfDay % 60
        if isISO {
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second) + Self.offsetText(offset)
        }
        var out = ""
        func number(_ value: Int, _ width: Int) -> String { width >= 2 ? String(format: "%02d", value) : String(value) }
        for token in tokens {
            switch token {
            case .year: out += String(format: "%04d", year)
            case .month(let width): out += number(month, width)
            case .monthName: out += CalendarNames.months[month - 1]
            case .day(let width): out += number(day, width)
            case .hour24(let width): out += number(hour, width)
            case .hour12(let width): out += number(hour % 12 == 0 ? 12 : hour % 12, width)
            case .minute: out += String(format: "%02d", minute)
            case .second: out += String(format: "%02d", second)
            case .fraction: out += "000"
            case .meridiem: out += hour < 12 ? "AM" : "PM"
            case .offset(let colon): out += Self.offsetText(offset, colon: colon)
            case .dayName: out += CalendarNames.weekdayAbbreviation(daysSince1970: days)
            case .space: out += " "
            case .literal(let byte): out += String(UnicodeScalar(byte))
            }
        }
        return out
    }

    private static func offsetText(_ offset: Int, colon: Bool = true) -> String {
        let sign = offset < 0 ? "-" : "+"
        guard colon else { return String(format: "%@%02d%02d", sign, abs(offset) / 3600, abs(offset) % 3600 / 60) }
        if offset == 0 { return "Z" }
        return String(format: "%@%02d:%02d", sign, abs(offset) / 3600, abs(offset) % 3600 / 60)
    }
}

/// Why a time pattern in a carrier file cannot be used.
public enum TimePatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A letter that is not a token (`Q` in `dd/QQ`).
    case unknownToken(String, String)
    /// A `'` without its closing `'`.
    case unterminatedQuote(String)

    /// A sentence naming the problem.
    public var description: String {
        switch self {
        case .unknownToken(let pattern, let token): return "time format '\(pattern)' uses unknown token '\(token)'"
        case .unterminatedQuote(let pattern): return "time format '\(pattern)' has an unterminated quote"
        }
    }
}

/// The fields read from one time text.
struct TimeFields {
    var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0
    var fraction = 0.0
    var hour12 = false, pm = false
    var offset: Int?
}

/// A cursor over UTF-8 bytes with the small readers the patterns need.
struct ByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        skipSpace()
    }

    var atEndIgnoringSpace: Bool {
        mutating get { skipSpace(); return index >= bytes.count }
    }

    /// Skips ASCII whitespace, U+00A0 and U+202F; returns whether anything was skipped.
    @discardableResult
    mutating func skipSpace() -> Bool {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            } else if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 {
                index += 2
            } else if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xAF {
                index += 3
            } else {
                break
            }
        }
        return index > start
    }

    mutating func digits(max: Int) -> Int? {
        var value = 0, count = 0
        while count < max, index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = value * 10 + Int(bytes[index] - 0x30)
            index += 1
            count += 1
        }
        return count == 0 ? nil : value
    }

    mutating func fraction() -> Double? {
        var value = 0.0, scale = 0.1, count = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value += Double(bytes[index] - 0x30) * scale
            scale /= 10
            index += 1
            count += 1
        }
        return count == 0 ? nil : value
    }

    /// Letters (any script) up to the next non-letter, lowercased.
    mutating func word() -> String? {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            let isASCIILetter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
            if isASCIILetter
                || byte >= 0x80 && !(byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0)
                    && !(byte == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xAF)
            {
                index += 1
            } else {
                break
            }
        }
        guard index > start else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self).lowercased()
    }

    mutating func literal(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// RFC 822 zone names (RSS `pubDate`) and their offsets in hours.
    private static let zoneNames: [(name: String, hours: Int)] = [
        ("UTC", 0), ("GMT", 0), ("UT", 0), ("EST", -5), ("EDT", -4), ("CST", -6), ("CDT", -5), ("MST", -7), ("MDT", -6),
        ("PST", -8), ("PDT", -7),
    ]

    /// `Z`, `+01:00`, `+0100`, `+01`, or an RFC 822 zone name (`GMT`, `EST`); nil when none is there.
    mutating func offset() -> Int? {
        guard index < bytes.count else { return nil }
        for zone in Self.zoneNames {
            let name = Array(zone.name.utf8)
            guard index + name.count <= bytes.count, Array(bytes[index..<(index + name.count)]) == name else { continue }
            let next = index + name.count
            if next < bytes.count, bytes[next] >= UInt8(ascii: "A") && bytes[next] <= UInt8(ascii: "Z") { continue }
            index = next
            return zone.hours * 3600
        }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") { index += 1; return 0 }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
        let negative = bytes[index] == UInt8(ascii: "-")
        index += 1
        guard let hours = digits(max: 2) else { return nil }
        _ = literal(UInt8(ascii: ":"))
        let minutes = digits(max: 2) ?? 0
        let seconds = hours * 3600 + minutes * 60
        return negative ? -seconds : seconds
    }

    mutating func read(_ tokens: [TimePattern.Token]) -> TimeFields? {
        var fields = TimeFields()
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            switch token {
            case .year: guard let value = digits(max: 4) else { return nil }; fields.year = value < 100 ? 2000 + value : value
            case .month: guard let value = digits(max: 2) else { return nil }; fields.month = value
            case .monthName:
                guard let name = word(), let value = MonthNames.number(name) else { return nil }; fields.month = value
                _ = literal(UInt8(ascii: "."))
            case .day: guard let value = digits(max: 2) else { return nil }; fields.day = value
            case .hour24: guard let value = digits(max: 2) else { return nil }; fields.hour = value
            case .hour12: guard let value = digits(max: 2) else { return nil }; fields.hour = value; fields.hour12 = true
            case .minute: guard let value = digits(max: 2) else { return nil }; fields.minute = value
            case .second: guard let value = digits(max: 2) else { return nil }; fields.second = value
            case .fraction: guard let value = fraction() else { return nil }; fields.fraction = value
            case .meridiem:
                guard let word = word() else { return nil }
                var marker = word
                if literal(UInt8(ascii: ".")), let rest = self.word() { marker += rest; _ = literal(UInt8(ascii: ".")) }
                switch marker {
                case "am", "a": fields.pm = false
                case "pm", "p": fields.pm = true
                default: return nil
                }
            case .offset: guard let value = offset() else { return nil }; fields.offset = value
            case .dayName: guard word() != nil else { return nil }; _ = literal(UInt8(ascii: "."))
            case .space: guard skipSpace() else { return nil }
            case .literal(let byte): guard literal(byte) else { return nil }
            }
            index += 1
        }
        return fields
    }

    /// `2026-11-20T14:02`, optional `:ss`, `.fraction`, and `Z`/offset; a space may replace `T`.
    mutating func readISO() -> TimeFields? {
        var fields = TimeFields()
        guard let year = digits(max: 4), literal(UInt8(ascii: "-")), let month = digits(max: 2),
            literal(UInt8(ascii: "-")), let day = digits(max: 2)
        else { return nil }
        fields.year = year; fields.month = month; fields.day = day
        guard literal(UInt8(ascii: "T")) || literal(UInt8(ascii: " ")) else { return nil }
        guard let hour = digits(max: 2), literal(UInt8(ascii: ":")), let minute = digits(max: 2) else { return nil }
        fields.hour = hour; fields.minute = minute
        if literal(UInt8(ascii: ":")) {
            guard let second = digits(max: 2) else { return nil }
            fields.second = second
            if literal(UInt8(ascii: ".")) || literal(UInt8(ascii: ",")) {
                guard let fraction = fraction() else { return nil }
                fields.fraction = fraction
            }
        }
        fields.offset = offset()
        return fields
    }
}
