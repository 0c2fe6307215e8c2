import Foundation

/// Every way Parcelwatch reads a duration written as text, in one place. Each reader keeps the
/// spelling its users know; all share the unit letters.
///
/// | reader | accepts | used by |
/// | --- | --- | --- |
/// | ``seconds(_:)`` | `30s`, `15m`, `1.5h`, `2d`, `90` | `sweep --every`, `--lease`, `--breaker-cooldown` |
/// | ``offsetSeconds(_:)`` | `-2d3h30m`, `+1d`, `45m`, `0` | fixture placeholders `{{time:-2d}}` (app and simulator) |
/// | ``window(_:)`` | `30d`, `2w`, `12h` | report windows (`--since`) |
/// | ``iso8601(_:)`` | `P7D`, `PT12H`, `P1DT6H` | a feed's `since` in carrier files |
public enum DurationText {
    /// A unit letter and its length.
    public enum Unit: Character, Sendable, CaseIterable {
        case second = "s", minute = "m", hour = "h", day = "d", week = "w"

        /// Seconds in one unit.
        public var seconds: Int {
            switch self {
            case .second: 1
            case .minute: 60
            case .hour: 3600
            case .day: 86_400
            case .week: 604_800
            }
        }
    }

    /// A positive, finite length such as `30s`, `15m`, `1.5h` or `2d` (any case, spaces around it
    /// ignored), or a plain number of seconds; nil for anything else (`0`, `-5m`, `2w`, `soon`).
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let last = trimmed.last else { return nil }
        var number = String(trimmed.dropLast())
        let multiplier: Double
        if let unit = Unit(rawValue: last), unit != .week {
            multiplier = Double(unit.seconds)
        } else {
            multiplier = 1
            number = trimmed
        }
        guard let value = Double(number), value > 0, value.isFinite else { return nil }
        return value * multiplier
    }

    /// A signed sum of whole days, hours, minutes and seconds in any order (`-2d3h30m`, `+1d`,
    /// `45m`, `90s`), or `0`; nil for anything else: a bare number, an unknown letter, a unit
    /// without digits, digits after the last unit, or a sum too large for `Int`.
    public static func offsetSeconds(_ text: String) -> Int? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var sign = 1
        if rest.first == "-" { sign = -1; rest = rest.dropFirst() } else if rest.first == "+" { rest = rest.dropFirst() }
        if rest == "0" { return 0 }
        var total = 0, number = 0, sawDigit = false, sawUnit = false
        for char in rest {
            if let digit = char.wholeNumberValue {
                let (tens, tensOverflow) = number.multipliedReportingOverflow(by: 10)
                let (next, nextOverflow) = tens.addingReportingOverflow(digit)
                guard !tensOverflow, !nextOverflow else { return nil }
                number = next
                sawDigit = true
                continue
            }
            guard sawDigit, let unit = Unit(rawValue: char), unit != .week else { return nil }
            let (amount, amountOverflow) = number.multipliedReportingOverflow(by: unit.seconds)
            let (sum, sumOverflow) = total.addingReportingOverflow(amount)
            guard !amountOverflow, !sumOverflow else { return nil }
            total = sum
            number = 0
            sawDigit = false
            sawUnit = true
        }
        guard sawUnit, !sawDigit else { return nil }
        return sign * total
    }

    /// A whole count from 1 to 99999 (ASCII digits) followed by `h`, `d` or `w`, spaces around it
    /// ignored, in seconds; nil for anything else (`0d`, `30`, `1.5d`, `30m`, `30D`).
    public static func window(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last, let unit = Unit(rawValue: last), [.hour, .day, .week].contains(unit) else { return nil }
        let digits = trimmed.dropLast()
        guard (1...5).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(digits), count > 0 else {
            return nil
        }
        return Double(count) * Double(unit.seconds)
    }

    /// An ISO-8601 duration of days and weeks, then after `T` hours, minutes and seconds (`P7D`,
    /// `PT12H`, `P1DT6H`, `P2W`), in seconds; nil when it does not start with `P`, holds another
    /// letter or a letter in the wrong part, or has no digits at all.
    public static func iso8601(_ text: String) -> TimeInterval? {
        guard text.hasPrefix("P") else { return nil }
        var total = 0.0, number = 0.0, inTime = false, sawDigit = false
        for char in text.dropFirst() {
            if let digit = char.wholeNumberValue { number = number * 10 + Double(digit); sawDigit = true; continue }
            switch char {
            case "T": inTime = true; continue
            case "D" where !inTime: total += number * 86_400
            case "W" where !inTime: total += number * 604_800
            case "H" where inTime: total += number * 3600
            case "M" where inTime: total += number * 60
            case "S" where inTime: total += number
            default: return nil
            }
            number = 0
        }
        return sawDigit ? total : nil
    }
}
