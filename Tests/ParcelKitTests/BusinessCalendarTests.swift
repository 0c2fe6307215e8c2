import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import Testing

@Suite struct BusinessCalendarTests {
    func day(_ text: String) throws -> CivilDate { try #require(CivilDate(text)) }

    func zone(_ identifier: String) throws -> TimeZone { try #require(TimeZone(identifier: identifier)) }

    /// The name of the holiday `calendar` has on `text`, checking `isHoliday` agrees.
    func holiday(_ country: String, _ text: String) throws -> [String] {
        let date = try day(text)
        let calendar = BusinessCalendar(country: country)
        let names = calendar.holidays(in: date.year).filter { $0.date == date }.map(\.name)
        #expect(calendar.isHoliday(date) == !names.isEmpty, "\(country) \(text)")
        return names
    }

    // MARK: - CivilDate

    @Test func weekdaysCountFromAThursdayEpoch() throws {
        #expect(try day("1970-01-01").weekday == 4)
        #expect(try day("1969-12-31").weekday == 3)
        #expect(try day("2026-11-11").weekday == 3)
        #expect(try day("2026-07-04").weekday == 6)
        #expect(try day("2025-04-27").weekday == 7)
        #expect(try day("2026-11-09").weekday == 1)
        #expect(CivilDate(daysSince1970: 0).description == "1970-01-01")
        #expect(try day("2026-11-21").daysSince1970 == 20_778)
        #expect(try day("2026-12-30").adding(days: 3) == day("2027-01-02"))
        #expect(try day("2024-03-01").adding(days: -1) == day("2024-02-29"))
        #expect(try day("2025-12-31") < day("2026-01-01"))
    }

    @Test func parsesExactlyYearMonthDay() throws {
        let date = try day("2026-02-28")
        #expect(date.year == 2026 && date.month == 2 && date.day == 28)
        #expect(date.description == "2026-02-28")
        #expect(CivilDate("2024-02-29") != nil)
        for bad in [
            "2026-02-30", "2025-02-29", "2026-2-3", "abc", "", "2026-13-01", "2026-00-10", "2026-01-00",
            "2026-01-011", " 2026-01-01", "2026/01/01", "２０２６-01-01",
        ] {
            #expect(CivilDate(bad) == nil, "\(bad)")
        }
        #expect(CivilDate(year: 2026, month: 4, day: 31) == nil)
        #expect(CivilDate(year: 7, month: 3, day: 1)?.description == "0007-03-01")
    }

    @Test func codesAsTheDateString() throws {
        let data = try JSONEncoder().encode(["promised": try day("2026-11-21")])
        #expect(String(decoding: data, as: UTF8.self) == #"{"promised":"2026-11-21"}"#)
        #expect(try JSONDecoder().decode([CivilDate].self, from: Data(#"["2026-11-21"]"#.utf8)) == [day("2026-11-21")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CivilDate].self, from: Data(#"["2026-02-30"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CivilDate].self, from: Data(#"["abc"]"#.utf8)) }
    }

    @Test func theLocalDayOfAnInstantDependsOnTheZone() throws {
        let instant = Date(timeIntervalSince1970: 1_795_217_400)  // 2026-11-20T23:30:00Z
        #expect(try CivilDate(instant, in: zone("Europe/Warsaw")) == day("2026-11-21"))
        #expect(try CivilDate(instant, in: zone("UTC")) == day("2026-11-20"))
        #expect(try CivilDate(instant, in: zone("America/New_York")) == day("2026-11-20"))
        #expect(try CivilDate(Date(timeIntervalSince1970: -1), in: zone("UTC")) == day("1969-12-31"))
    }

    @Test func aDayStartsAtLocalMidnightOrJustAfterADSTGap() throws {
        // 2026-11-21 00:00 CET.
        #expect(try day("2026-11-21").start(in: zone("Europe/Warsaw")).timeIntervalSince1970 == 1_795_215_600)
        // Chile springs forward at midnight: 2026-09-06 begins at 01:00 -03, 04:00Z.
        #expect(try day("2026-09-06").start(in: zone("America/Santiago")).timeIntervalSince1970 == 1_788_667_200)
        #expect(try day("2026-09-05").start(in: zone("America/Santiago")).timeIntervalSince1970 == 1_788_580_800)
    }

    // MARK: - Holiday rules

    @Test func easterSundayByTheGregorianComputus() throws {
        for text in ["2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2000-04-23", "2019-04-21", "2038-04-25", "2285-03-22"] {
            #expect(try holiday("PL", text).contains("Easter Sunday"), "\(text)")
        }
    }

    @Test func poland() throws {
        #expect(try holiday("PL", "2026-04-06") == ["Easter Monday"])
        #expect(try holiday("PL", "2026-05-24") == ["Pentecost Sunday"])
        #expect(try holiday("PL", "2026-06-04") == ["Corpus Christi"])
        #expect(try holiday("PL", "2026-11-11") == ["Independence Day"])
        #expect(try holiday("PL", "2026-01-06") == ["Epiphany"])
        #expect(try holiday("PL", "2026-12-24") == ["Christmas Eve"])
        #expect(try holiday("PL", "2024-12-24").isEmpty)  // a day off from 2025 on
        #expect(BusinessCalendar(country: "PL").holidays(in: 2026).count == 14)
    }

    @Test func unitedStatesFederalHolidaysAndObservedDays() throws {
        #expect(try holiday("US", "2026-11-26") == ["Thanksgiving Day"])
        #expect(try holiday("US", "2026-05-25") == ["Memorial Day"])
        #expect(try holiday("US", "2026-01-19") == ["Martin Luther King Jr. Day"])
        #expect(try holiday("US", "2026-09-07") == ["Labor Day"])
        #expect(try holiday("US", "2026-07-04") == ["Independence Day"])
        #expect(try holiday("US", "2026-07-03") == ["Independence Day (observed)"])
        // Christmas 2027 is a Saturday; New Year's Day 2028 too, observed on Friday 2027-12-31.
        #expect(try holiday("US", "2027-12-24") == ["Christmas Day (observed)"])
        #expect(try holiday("US", "2027-12-31") == ["New Year's Day (observed)"])
        #expect(try holiday("US", "2023-01-02") == ["New Year's Day (observed)"])
        #expect(BusinessCalendar(country: "US").holidays(in: 2022).allSatisfy { $0.date.year == 2022 })
    }

    @Test func englandAndWalesBankHolidays() throws {
        #expect(try holiday("GB", "2026-05-04") == ["Early May bank holiday"])
        #expect(try holiday("GB", "2026-05-25") == ["Spring bank holiday"])
        #expect(try holiday("GB", "2026-08-31") == ["Summer bank holiday"])
        #expect(try holiday("GB", "2026-12-26") == ["Boxing Day"])
        #expect(try holiday("GB", "2026-12-28") == ["Boxing Day (substitute day)"])
        // Christmas 2022 was a Sunday: Boxing Day keeps Monday, Christmas moves to Tuesday.
        #expect(try holiday("GB", "2022-12-26") == ["Boxing Day"])
        #expect(try holiday("GB", "2022-12-27") == ["Christmas Day (substitute day)"])
        #expect(try holiday("GB", "2027-12-27") == ["Christmas Day (substitute day)"])
        #expect(try holiday("GB", "2027-12-28") == ["Boxing Day (substitute day)"])
        #expect(try holiday("GB", "2022-06-02") == ["Spring bank holiday"])
        #expect(try holiday("GB", "2022-05-30").isEmpty)
        #expect(try holiday("GB", "2023-05-08") == ["Coronation of King Charles III"])
    }

    @Test func canadaGermanySpain() throws {
        #expect(try holiday("CA", "2026-05-18") == ["Victoria Day"])
        #expect(try holiday("CA", "2027-05-24") == ["Victoria Day"])
        #expect(try holiday("CA", "2026-10-12") == ["Thanksgiving Day"])
        #expect(try holiday("CA", "2029-07-02") == ["Canada Day (observed)"])
        #expect(try holiday("DE", "2026-05-25") == ["Whit Monday"])
        #expect(try holiday("DE", "2026-05-14") == ["Ascension Day"])
        #expect(try holiday("DE", "2026-10-03") == ["Day of German Unity"])
        #expect(try holiday("DE", "2026-10-31").isEmpty)
        #expect(try holiday("DE", "2017-10-31") == ["Reformation Day"])
        #expect(BusinessCalendar(country: "DE").holidays(in: 2026).count == 9)
        #expect(try holiday("ES", "2026-10-12") == ["National Day of Spain"])
        #expect(try holiday("ES", "2026-04-03") == ["Good Friday"])
        #expect(try holiday("ES", "2026-04-06").isEmpty)  // Easter Monday is regional
    }

    @Test func balticsAndNetherlands() throws {
        #expect(try holiday("LT", "2026-07-06") == ["Statehood Day"])
        #expect(try holiday("LT", "2026-11-02") == ["All Souls' Day"])
        #expect(try holiday("LT", "2026-02-16") == ["Day of Restoration of the State of Lithuania"])
        #expect(try holiday("LV", "2026-11-18") == ["Proclamation Day of the Republic of Latvia"])
        #expect(try holiday("LV", "2025-05-05") == ["Restoration of Independence Day (substitute day)"])
        #expect(try holiday("LV", "2026-12-31") == ["New Year's Eve"])
        #expect(try holiday("EE", "2026-02-24") == ["Independence Day"])
        #expect(try holiday("EE", "2026-06-23") == ["Victory Day"])
        #expect(try holiday("NL", "2026-04-27") == ["King's Day"])
        #expect(try holiday("NL", "2025-04-26") == ["King's Day"])
        #expect(try holiday("NL", "2025-04-27").isEmpty)
        #expect(try holiday("NL", "2025-05-05") == ["Liberation Day"])
        #expect(try holiday("NL", "2026-05-25") == ["Whit Monday"])
    }

    @Test func everyListIsSortedInItsYearWithSubstitutesOnWeekdays() {
        for country in BusinessCalendar.supportedCountries {
            let calendar = BusinessCalendar(country: country)
            for year in 1990...2060 {
                let list = calendar.holidays(in: year)
                #expect(zip(list, list.dropFirst()).allSatisfy { $0.date <= $1.date }, "\(country) \(year)")
                #expect(list.allSatisfy { $0.date.year == year }, "\(country) \(year)")
                #expect(
                    list.filter { $0.name.hasSuffix("(observed)") || $0.name.hasSuffix("(substitute day)") }
                        .allSatisfy { $0.date.weekday < 6 }, "\(country) \(year)")
            }
        }
        #expect(Set(BusinessCalendar.supportedCountries).isSuperset(of: ["PL", "ES", "LT", "DE", "GB", "US", "CA", "NL", "EE", "LV"]))
    }

    // MARK: - Business days

    @Test func businessDaysSkipWeekendsAndHolidays() throws {
        let poland = BusinessCalendar(country: "pl")
        #expect(poland.country == "PL")
        // Mon 9, Tue 10, Thu 12: Wednesday 11 November is Independence Day.
        #expect(try poland.businessDays(after: day("2026-11-06"), through: day("2026-11-12")) == 3)
        #expect(try poland.businessDays(after: day("2026-11-13"), through: day("2026-11-16")) == 1)
        #expect(try poland.businessDays(after: day("2026-11-14"), through: day("2026-11-15")) == 0)
        #expect(try poland.businessDays(after: day("2026-11-12"), through: day("2026-11-06")) == 0)
        #expect(try poland.businessDays(after: day("2026-11-06"), through: day("2026-11-06")) == 0)
        #expect(try !poland.isBusinessDay(day("2026-11-11")))
        #expect(try !poland.isBusinessDay(day("2026-11-14")))
        #expect(try poland.isBusinessDay(day("2026-11-12")))
    }

    @Test func addingBusinessDaysOverChristmas() throws {
        let poland = BusinessCalendar(country: "PL")
        // 24 (Christmas Eve), 25, 26 and the weekend are closed.
        #expect(try poland.adding(businessDays: 1, to: day("2026-12-23")) == day("2026-12-28"))
        #expect(try poland.adding(businessDays: 2, to: day("2026-12-23")) == day("2026-12-29"))
        #expect(try poland.adding(businessDays: 0, to: day("2026-12-25")) == day("2026-12-25"))
        // Thu 31, Mon 4, Tue 5, Thu 7: New Year's Day (Friday) and Epiphany (Wednesday) are closed.
        #expect(try poland.adding(businessDays: 4, to: day("2026-12-30")) == day("2027-01-07"))
        #expect(try poland.adding(businessDays: -1, to: day("2026-12-28")) == day("2026-12-23"))
        // Christmas Friday, Boxing Day's substitute Monday.
        #expect(try BusinessCalendar(country: "GB").adding(businessDays: 1, to: day("2026-12-24")) == day("2026-12-29"))
        #expect(try BusinessCalendar(country: "US").adding(businessDays: 1, to: day("2026-07-02")) == day("2026-07-06"))
    }

    @Test func addingAndCountingAgree() throws {
        let calendar = BusinessCalendar(country: "GB", extraHolidays: [try day("2026-06-01")])
        let start = try day("2025-11-14")
        for count in [0, 1, 5, 30, 120, 400] {
            let end = calendar.adding(businessDays: count, to: start)
            #expect(calendar.businessDays(after: start, through: end) == count)
            #expect(count == 0 || calendar.isBusinessDay(end))
        }
    }

    @Test func extraHolidaysFromConfigAreClosedButNotNational() throws {
        let calendar = BusinessCalendar(country: "PL", extraHolidays: [try day("2026-11-10")])
        #expect(try calendar.businessDays(after: day("2026-11-06"), through: day("2026-11-12")) == 2)
        #expect(try !calendar.isBusinessDay(day("2026-11-10")))
        #expect(try !calendar.isHoliday(day("2026-11-10")))
        #expect(try calendar.adding(businessDays: 1, to: day("2026-11-09")) == day("2026-11-12"))
    }

    @Test func anUnknownCountryHasWeekendsOnly() throws {
        let calendar = BusinessCalendar(country: "XX", extraHolidays: [try day("2026-11-11")])
        #expect(calendar.holidays(in: 2026).isEmpty)
        #expect(try !calendar.isHoliday(day("2026-12-25")))
        #expect(try calendar.isBusinessDay(day("2026-12-25")))
        #expect(try !calendar.isBusinessDay(day("2026-12-26")))
        #expect(try calendar.businessDays(after: day("2026-11-06"), through: day("2026-11-13")) == 4)
        #expect(try calendar.adding(businessDays: 5, to: day("2026-12-23")) == day("2026-12-30"))
    }
}
