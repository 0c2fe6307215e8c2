import Foundation

/// Calendar arithmetic on the proleptic Gregorian calendar without Foundation's Calendar,
/// which is far too slow for thousands of carrier events per page.
public enum CivilTime {
    /// Days since 1970-01-01 for a civil date (Howard Hinnant's `days_from_civil`).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (`civil_from_days`).
    public static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// The number of days in a month.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The UTC instant of a wall-clock time in `zone`: a time in a DST gap moves forward by the
    /// gap, a time in an overlap takes the earlier instant.
    public static func instant(localSeconds: Int, in zone: TimeZone) -> (date: Date, offset: Int) {
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(localSeconds - 43_200)))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(localSeconds + 43_200)))
        if before == after {
            return (Date(timeIntervalSince1970: Double(localSeconds - before)), before)
        }
        let early = localSeconds - before
        let late = localSeconds - after
        let earlyValid = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(early))) == before
        let lateValid = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(late))) == after
        switch (earlyValid, lateValid) {
        case (true, true):
            return early <= late
                ? (Date(timeIntervalSince1970: Double(early)), before)
                : (Date(timeIntervalSince1970: Double(late)), after)
        case (true, false): return (Date(timeIntervalSince1970: Double(early)), before)
        case (false, true): return (Date(timeIntervalSince1970: Double(late)), after)
        case (false, false):
            // In the gap: read with the offset from before the change, which lands after it.
            let moved = localSeconds - before
            return (Date(timeIntervalSince1970: Double(moved)), zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(moved))))
        }
    }
}
