import Foundation

/// The days a country's carriers work: Monday to Friday, except national public holidays and the
/// shop's own extra closing days.
///
/// Holidays come from rules (fixed dates, Easter offsets, nth weekdays, weekend substitution where
/// the law has it), so every year works without a table to keep up to date. Only nationwide days
/// count: regional ones (a Spanish community's, a German state's, Scotland's) do not.
///
/// | Code | Source of the list |
/// |------|--------------------|
/// | CA | federal statutory days (Canada Labour Code); a fixed-date day on a weekend is observed on the next weekday not already a holiday |
/// | DE | the nine nationwide days (plus Reformation Day 2017) |
/// | EE | public holidays of the Public Holidays and Days of National Importance Act |
/// | ES | national days common to all communities; no Monday substitution (that is regional) |
/// | GB | England & Wales bank holidays with substitute days and proclaimed one-offs since 1995 |
/// | LT | public holidays of the Labour Code (All Souls' Day from 2020, Christmas Eve from 2012) |
/// | LV | public holidays; 4 May and 18 November on a weekend move to the next Monday |
/// | NL | official holidays; Liberation Day only in lustrum years (2025, 2030…), when most get it off |
/// | PL | statutory days off (Epiphany from 2011, Christmas Eve from 2025) |
/// | US | federal holidays; Saturday observed on Friday, Sunday on Monday |
public struct BusinessCalendar: Sendable {
    /// The country's ISO 3166 alpha-2 code, upper-cased (also for countries without rules).
    public let country: String
    /// The shop's extra closing days. They are not business days, but `holidays(in:)` and
    /// `isHoliday(_:)` report national holidays only.
    public let extraHolidays: Set<CivilDate>

    /// Countries with holiday rules; any other code gets weekends (and extra days) only.
    public static let supportedCountries = ["CA", "DE", "EE", "ES", "GB", "LT", "LV", "NL", "PL", "US"]

    /// The rule set, nil for countries without rules.
    private let rules: Rules?
    /// `extraHolidays` as days since 1970, sorted.
    private let extraDays: [Int]

    /// A holiday while computing a year: its day, its name, and whether it is a weekend
    /// holiday's substitute (its name then gets the country's suffix).
    private typealias Entry = (day: Int, name: String, substitute: Bool)

    /// A calendar for `country` (ISO 3166 alpha-2, any case) plus the shop's own closing days.
    public init(country: String, extraHolidays: [CivilDate] = []) {
        let code = country.uppercased()
        self.country = code
        self.rules = Rules(rawValue: code)
        self.extraHolidays = Set(extraHolidays)
        self.extraDays = Set(extraHolidays.map(\.daysSince1970)).sorted()
    }

    /// The national public holidays of `year`, sorted by date, named in English. Substitute and
    /// observed days appear beside the holiday itself (`Boxing Day (substitute day)`); two holidays
    /// on one day appear as two entries. Extra closing days are not included.
    public func holidays(in year: Int) -> [(date: CivilDate, name: String)] {
        let suffix = rules?.substituteSuffix ?? ""
        return entries(year).map { entry in
            (CivilDate(daysSince1970: entry.day), entry.substitute ? entry.name + suffix : entry.name)
        }
    }

    /// Whether `date` is a national public holiday (or a substitute for one); extra closing days
    /// are not.
    public func isHoliday(_ date: CivilDate) -> Bool {
        guard rules != nil else { return false }
        let day = date.daysSince1970
        return entries(date.year).contains { $0.day == day }
    }

    /// Whether carriers work on `date`: not a Saturday or Sunday, not a holiday, not an extra day.
    public func isBusinessDay(_ date: CivilDate) -> Bool {
        date.weekday < 6 && !extraHolidays.contains(date) && !isHoliday(date)
    }

    /// How many business days lie in (start, end]: Friday → next Monday is 1. Zero when
    /// `end <= start`.
    public func businessDays(after start: CivilDate, through end: CivilDate) -> Int {
        businessDays(after: start.daysSince1970, through: end.daysSince1970)
    }

    /// The `count`-th business day after `date`; 0 gives `date` itself, even when it is not a
    /// business day. A negative count walks back: the `-count`-th business day before `date`.
    public func adding(businessDays count: Int, to date: CivilDate) -> CivilDate {
        var day = date.daysSince1970
        var remaining = count.magnitude
        let forward = count >= 0
        while remaining > 0 {
            // A window of at most one calendar year next to `day`, in the walking direction.
            let year = CivilTime.date(days: forward ? day + 1 : day - 1).year
            guard CivilDate(year: year, month: 1, day: 1) != nil else { break }
            let first = CivilTime.days(year: year, month: 1, day: 1)
            let last = CivilTime.days(year: year, month: 12, day: 31)
            let available = forward ? businessDays(after: day, through: last) : businessDays(after: first - 1, through: day - 1)
            if UInt(available) < remaining {
                remaining -= UInt(available)
                day = forward ? last : first
                continue
            }
            let closed = closedWeekdays(year)
            while remaining > 0 {
                day += forward ? 1 : -1
                if Self.weekday(day) < 6 && !closed.contains(day) { remaining -= 1 }
            }
        }
        return CivilDate(daysSince1970: day)
    }

    // MARK: - Counting

    /// Business days in (start, end] on day counts.
    private func businessDays(after start: Int, through end: Int) -> Int {
        guard end > start else { return 0 }
        var count = Self.weekdays(through: end) - Self.weekdays(through: start)
        let firstYear = CivilTime.date(days: start + 1).year
        let lastYear = CivilTime.date(days: end).year
        for year in firstYear...lastYear {
            for day in closedWeekdays(year) where day > start && day <= end { count -= 1 }
        }
        return count
    }

    /// Monday-to-Friday days from an arbitrary Monday through `day`, so a difference of two
    /// counts the weekdays in between.
    private static func weekdays(through day: Int) -> Int {
        // 1970-01-05 was a Monday.
        let offset = day - 4
        let weeks = offset >= 0 ? offset / 7 : (offset - 6) / 7
        let rest = offset - weeks * 7
        return weeks * 5 + min(rest + 1, 5)
    }

    /// The Monday-to-Friday days of `year` that are holidays or extra closing days, sorted, once each.
    private func closedWeekdays(_ year: Int) -> [Int] {
        var days = entries(year).compactMap { Self.weekday($0.day) < 6 ? $0.day : nil }
        let first = CivilTime.days(year: year, month: 1, day: 1)
        let next = CivilTime.days(year: year + 1, month: 1, day: 1)
        var index = Self.lowerBound(first, in: extraDays)
        while index < extraDays.count, extraDays[index] < next {
            if Self.weekday(extraDays[index]) < 6 { days.append(extraDays[index]) }
            index += 1
        }
        days.sort()
        var unique: [Int] = []
        unique.reserveCapacity(days.count)
        for day in days where unique.last != day { unique.append(day) }
        return unique
    }

    /// The first index in sorted `values` whose value is at least `value`.
    private static func lowerBound(_ value: Int, in values: [Int]) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    // MARK: - Rules

    /// The countries with rules.
    private enum Rules: String, Sendable {
        case ca = "CA", de = "DE", ee = "EE", es = "ES", gb = "GB", lt = "LT", lv = "LV", nl = "NL", pl = "PL", us = "US"

        /// Appended to a substitute day's name.
        var substituteSuffix: String {
            switch self {
            case .us, .ca: return " (observed)"
            default: return " (substitute day)"
            }
        }
    }

    /// The holidays of `year`, substitutes included, sorted by day: a few dozen integer operations
    /// and one small array, cheap enough to recompute per call.
    private func entries(_ year: Int) -> [Entry] {
        guard let rules, CivilDate(year: year, month: 1, day: 1) != nil, CivilDate(year: year + 1, month: 1, day: 1) != nil
        else { return [] }
        var list: [Entry] = []
        list.reserveCapacity(20)
        // Days that move off a weekend, by the country's substitution law.
        var moving: [Int] = []
        let easter = Self.easterSunday(year)
        func fixed(_ month: Int, _ day: Int, _ name: String, moves: Bool = false) {
            let date = CivilTime.days(year: year, month: month, day: day)
            if moves { moving.append(list.count) }
            list.append((date, name, false))
        }
        func easterDay(_ offset: Int, _ name: String) { list.append((easter + offset, name, false)) }
        func nth(_ n: Int, _ weekday: Int, _ month: Int, _ name: String) {
            list.append((Self.nthWeekday(n, weekday, month: month, year: year), name, false))
        }
        func last(_ weekday: Int, _ month: Int, _ name: String) {
            list.append((Self.lastWeekday(weekday, month: month, year: year), name, false))
        }
        func day(_ month: Int, _ day: Int) -> Int { CivilTime.days(year: year, month: month, day: day) }

        switch rules {
        case .pl:
            fixed(1, 1, "New Year's Day")
            if year >= 2011 { fixed(1, 6, "Epiphany") }
            easterDay(0, "Easter Sunday")
            easterDay(1, "Easter Monday")
            fixed(5, 1, "Labour Day")
            fixed(5, 3, "Constitution Day")
            easterDay(49, "Pentecost Sunday")
            easterDay(60, "Corpus Christi")
            fixed(8, 15, "Assumption Day")
            fixed(11, 1, "All Saints' Day")
            fixed(11, 11, "Independence Day")
            if year >= 2025 { fixed(12, 24, "Christmas Eve") }
            fixed(12, 25, "Christmas Day")
            fixed(12, 26, "Second Day of Christmas")
        case .es:
            fixed(1, 1, "New Year's Day")
            fixed(1, 6, "Epiphany")
            easterDay(-2, "Good Friday")
            fixed(5, 1, "Labour Day")
            fixed(8, 15, "Assumption Day")
            fixed(10, 12, "National Day of Spain")
            fixed(11, 1, "All Saints' Day")
            fixed(12, 6, "Constitution Day")
            fixed(12, 8, "Immaculate Conception")
            fixed(12, 25, "Christmas Day")
        case .lt:
            fixed(1, 1, "New Year's Day")
            fixed(2, 16, "Day of Restoration of the State of Lithuania")
            fixed(3, 11, "Day of Restoration of Independence of Lithuania")
            easterDay(0, "Easter Sunday")
            easterDay(1, "Easter Monday")
            fixed(5, 1, "International Labour Day")
            nth(1, 7, 5, "Mother's Day")
            nth(1, 7, 6, "Father's Day")
            fixed(6, 24, "St John's Day")
            fixed(7, 6, "Statehood Day")
            fixed(8, 15, "Assumption Day")
            fixed(11, 1, "All Saints' Day")
            if year >= 2020 { fixed(11, 2, "All Souls' Day") }
            if year >= 2012 { fixed(12, 24, "Christmas Eve") }
            fixed(12, 25, "Christmas Day")
            fixed(12, 26, "Second Day of Christmas")
        case .lv:
            fixed(1, 1, "New Year's Day")
            easterDay(-2, "Good Friday")
            easterDay(0, "Easter Sunday")
            easterDay(1, "Easter Monday")
            fixed(5, 1, "Labour Day")
            fixed(5, 4, "Restoration of Independence Day", moves: true)
            easterDay(49, "Pentecost Sunday")
            fixed(6, 23, "Midsummer Eve")
            fixed(6, 24, "Midsummer Day")
            fixed(11, 18, "Proclamation Day of the Republic of Latvia", moves: true)
            fixed(12, 24, "Christmas Eve")
            fixed(12, 25, "Christmas Day")
            fixed(12, 26, "Second Day of Christmas")
            fixed(12, 31, "New Year's Eve")
        case .ee:
            fixed(1, 1, "New Year's Day")
            fixed(2, 24, "Independence Day")
            easterDay(-2, "Good Friday")
            easterDay(0, "Easter Sunday")
            fixed(5, 1, "Spring Day")
            easterDay(49, "Pentecost Sunday")
            fixed(6, 23, "Victory Day")
            fixed(6, 24, "Midsummer Day")
            fixed(8, 20, "Day of Restoration of Independence")
            fixed(12, 24, "Christmas Eve")
            fixed(12, 25, "Christmas Day")
            fixed(12, 26, "Second Day of Christmas")
        case .de:
            fixed(1, 1, "New Year's Day")
            easterDay(-2, "Good Friday")
            easterDay(1, "Easter Monday")
            fixed(5, 1, "Labour Day")
            easterDay(39, "Ascension Day")
            easterDay(50, "Whit Monday")
            if year >= 1990 { fixed(10, 3, "Day of German Unity") }
            if year == 2017 { fixed(10, 31, "Reformation Day") }
            fixed(12, 25, "Christmas Day")
            fixed(12, 26, "Second Day of Christmas")
        case .nl:
            fixed(1, 1, "New Year's Day")
            easterDay(0, "Easter Sunday")
            easterDay(1, "Easter Monday")
            if year >= 2014 {
                // 27 April, or Saturday 26 April when the 27th is a Sunday.
                let kings = day(4, 27)
                list.append((Self.weekday(kings) == 7 ? kings - 1 : kings, "King's Day", false))
            } else if year >= 1949 {
                // 30 April; on a Sunday, Saturday 29 April from 1980 and Monday 1 May before.
                let queens = day(4, 30)
                let moved = year >= 1980 ? queens - 1 : queens + 1
                list.append((Self.weekday(queens) == 7 ? moved : queens, "Queen's Day", false))
            }
            if year % 5 == 0 { fixed(5, 5, "Liberation Day") }
            easterDay(39, "Ascension Day")
            easterDay(49, "Pentecost Sunday")
            easterDay(50, "Whit Monday")
            fixed(12, 25, "Christmas Day")
            fixed(12, 26, "Second Day of Christmas")
        case .gb:
            fixed(1, 1, "New Year's Day", moves: true)
            easterDay(-2, "Good Friday")
            easterDay(1, "Easter Monday")
            if year == 1995 || year == 2020 {
                list.append((day(5, 8), "Early May bank holiday (VE Day)", false))
            } else {
                nth(1, 1, 5, "Early May bank holiday")
            }
            switch year {
            case 2002, 2012: list.append((day(6, 4), "Spring bank holiday", false))
            case 2022: list.append((day(6, 2), "Spring bank holiday", false))
            default: last(1, 5, "Spring bank holiday")
            }
            last(1, 8, "Summer bank holiday")
            fixed(12, 25, "Christmas Day", moves: true)
            fixed(12, 26, "Boxing Day", moves: true)
            switch year {
            case 1999: fixed(12, 31, "Millennium Celebrations")
            case 2002: fixed(6, 3, "Golden Jubilee of Queen Elizabeth II")
            case 2011: fixed(4, 29, "Wedding of Prince William and Catherine Middleton")
            case 2012: fixed(6, 5, "Diamond Jubilee of Queen Elizabeth II")
            case 2022:
                fixed(6, 3, "Platinum Jubilee of Queen Elizabeth II")
                fixed(9, 19, "State Funeral of Queen Elizabeth II")
            case 2023: fixed(5, 8, "Coronation of King Charles III")
            default: break
            }
        case .us:
            fixed(1, 1, "New Year's Day", moves: true)
            if year >= 1986 { nth(3, 1, 1, "Martin Luther King Jr. Day") }
            nth(3, 1, 2, "Washington's Birthday")
            last(1, 5, "Memorial Day")
            if year >= 2021 { fixed(6, 19, "Juneteenth National Independence Day", moves: true) }
            fixed(7, 4, "Independence Day", moves: true)
            nth(1, 1, 9, "Labor Day")
            nth(2, 1, 10, "Columbus Day")
            fixed(11, 11, "Veterans Day", moves: true)
            nth(4, 4, 11, "Thanksgiving Day")
            fixed(12, 25, "Christmas Day", moves: true)
            // Next New Year's Day on a Saturday is observed on this year's 31 December.
            if Self.weekday(day(12, 31) + 1) == 6 { list.append((day(12, 31), "New Year's Day", true)) }
        case .ca:
            fixed(1, 1, "New Year's Day", moves: true)
            easterDay(-2, "Good Friday")
            // The Monday before 25 May.
            list.append((Self.onOrBefore(1, day(5, 24)), "Victoria Day", false))
            fixed(7, 1, "Canada Day", moves: true)
            nth(1, 1, 9, "Labour Day")
            if year >= 2021 { fixed(9, 30, "National Day for Truth and Reconciliation", moves: true) }
            nth(2, 1, 10, "Thanksgiving Day")
            fixed(11, 11, "Remembrance Day", moves: true)
            fixed(12, 25, "Christmas Day", moves: true)
            fixed(12, 26, "Boxing Day", moves: true)
        }

        if !moving.isEmpty {
            if rules == .us {
                // Federal rule: Saturday is observed on Friday, Sunday on Monday.
                for index in moving {
                    switch Self.weekday(list[index].day) {
                    case 6: list.append((list[index].day - 1, list[index].name, true))
                    case 7: list.append((list[index].day + 1, list[index].name, true))
                    default: break
                    }
                }
            } else {
                // A weekend holiday moves to the next weekday not already a holiday, earliest first,
                // so Christmas on a Sunday goes to Tuesday when Boxing Day holds Monday.
                moving.sort { list[$0].day < list[$1].day }
                for index in moving where Self.weekday(list[index].day) >= 6 {
                    var substitute = list[index].day + 1
                    while Self.weekday(substitute) >= 6 || list.contains(where: { $0.day == substitute }) { substitute += 1 }
                    list.append((substitute, list[index].name, true))
                }
            }
        }
        let first = day(1, 1)
        let last = day(12, 31)
        list.removeAll { $0.day < first || $0.day > last }
        // Sorted by day; the sort is stable, so same-day holidays keep the order above.
        list.sort { $0.day < $1.day }
        return list
    }

    // MARK: - Day arithmetic

    /// The ISO weekday (1 = Monday … 7 = Sunday) of a day since 1970-01-01, a Thursday.
    private static func weekday(_ day: Int) -> Int {
        ((day + 3) % 7 + 7) % 7 + 1
    }

    /// The `n`-th `weekday` (ISO) of a month: the 4th Thursday of November is `nthWeekday(4, 4, …)`.
    private static func nthWeekday(_ n: Int, _ weekday: Int, month: Int, year: Int) -> Int {
        let first = CivilTime.days(year: year, month: month, day: 1)
        return first + (weekday - Self.weekday(first) + 7) % 7 + 7 * (n - 1)
    }

    /// The last `weekday` (ISO) of a month.
    private static func lastWeekday(_ weekday: Int, month: Int, year: Int) -> Int {
        onOrBefore(weekday, CivilTime.days(year: year, month: month, day: CivilTime.daysInMonth(year: year, month: month)))
    }

    /// The latest `weekday` (ISO) on or before `day`.
    private static func onOrBefore(_ weekday: Int, _ day: Int) -> Int {
        day - (Self.weekday(day) - weekday + 7) % 7
    }

    /// Easter Sunday of a Gregorian year (the Anonymous Gregorian algorithm, with floor division
    /// so proleptic years before 1 stay well defined).
    private static func easterSunday(_ year: Int) -> Int {
        func div(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
        func mod(_ a: Int, _ b: Int) -> Int { a - div(a, b) * b }
        let a = mod(year, 19)
        let b = div(year, 100)
        let c = mod(year, 100)
        let d = div(b, 4)
        let e = mod(b, 4)
        let f = div(b + 8, 25)
        let g = div(b - f + 1, 3)
        let h = mod(19 * a + b - d - g + 15, 30)
        let i = c / 4
        let k = c % 4
        let l = mod(32 + 2 * e + 2 * i - h - k, 7)
        let m = div(a + 11 * h + 22 * l, 451)
        let month = div(h + l - 7 * m + 114, 31)
        let day = mod(h + l - 7 * m + 114, 31) + 1
        return CivilTime.days(year: year, month: month, day: day)
    }
}
